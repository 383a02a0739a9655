/* \summary: --format=svg: each connection's ladder as a vector picture, all of them stacked in one SVG document */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tv_render-int.h"

/*
 * The picture, in px.  Time runs down: a row every ROW px, and more for
 * the time since the row before, in proportion to the connection's
 * median gap (at most EXTRA_MAX more); a gap over FOLD_GAP times the
 * median (and over a millisecond) is folded: a break across both rails
 * that says how long it was.  One capture point sees a packet once, so
 * arrows are level: their one-way time is not known.  The lab sees both
 * ends: an arrow whose packet took a millisecond or more to cross slants
 * down, SLANT_PX a millisecond (at most SLANT_MAX), and one the wire lost
 * stops short of the far rail at a cross.
 *
 *   time   STATE |<------ inner ------>| STATE   notes
 *          xl ---^                     ^--- xr
 */
#define PAD 16
#define TIME_W 84		/* the time column */
#define STATE_W 112		/* a state name at 11 px, and a gap */
#define INNER_MIN 380
#define CHW 7.23		/* DejaVu Sans Mono at 12 px: 0.602 em */
#define CHW_S 6.63		/* ... at 11 px */
#define ROW 30
#define EXTRA_PX 12		/* the median gap */
#define EXTRA_MAX 36
#define FOLD_GAP 40
#define SLANT_PX 0.5
#define SLANT_MAX 90.0
#define LOST_AT 0.62		/* a lost packet's arrow ends this far across */
#define HEAD_Y 44		/* the endpoints' boxes */
#define HEAD_H 38
#define SANS "DejaVu Sans, Helvetica, Arial, sans-serif"
#define MONO "DejaVu Sans Mono, Menlo, Consolas, monospace"

/* How an arrow is drawn: plain by direction, or by its anomaly. */
enum kind { K_C2S, K_S2C, K_RST, K_LOST, K_RETRANS, K_OOO, K_DUP, K_UNSEEN,
	K_WIN, K_OTHER, K_COUNT };

static const struct {
	const char *name;	/* in the legend, and the class of the arrow */
	const char *cls;
	const char *color;
	const char *dash;	/* legible in black and white too */
	const char *width;
} kinds[K_COUNT] = {
	[K_C2S] = { "client to server", "c2s", "#1f4e9c", "", "1.4" },
	[K_S2C] = { "server to client", "s2c", "#0b6e4f", "", "1.4" },
	[K_RST] = { "reset (RST)", "rst", "#c00000", "", "2.6" },
	[K_LOST] = { "lost on the wire (the lab)", "lost", "#6d0f0f", "3 2", "2" },
	[K_RETRANS] = { "retransmission", "retrans", "#d62728", "7 3", "2" },
	[K_OOO] = { "out of order", "ooo", "#8c564b", "4 4", "2" },
	[K_DUP] = { "duplicate ACK", "dupack", "#7b3fa6", "2 2.5", "2" },
	[K_UNSEEN] = { "segment not captured, ACKed unseen", "unseen", "#1a8a9a",
		"6 2 1 2", "2" },
	[K_WIN] = { "zero window, window update", "window", "#d97400",
		"9 2 2 2", "2" },
	[K_OTHER] = { "keep-alive, other notes", "note", "#555555", "1 3", "2" },
};

static enum kind
row_kind(const struct tv_row *r)
{
	uint16_t n = r->an.notes;

	if (r->flags & TV_TH_RST)
		return K_RST;
	if (r->lost)
		return K_LOST;
	if (n & TV_NOTE_RETRANS)
		return K_RETRANS;
	if (n & TV_NOTE_OUT_OF_ORDER)
		return K_OOO;
	if (n & TV_NOTE_DUP_ACK)
		return K_DUP;
	if (n & (TV_NOTE_LOST_SEGMENT | TV_NOTE_ACK_UNSEEN))
		return K_UNSEEN;
	if (n & (TV_NOTE_ZERO_WINDOW | TV_NOTE_WINDOW_UPDATE))
		return K_WIN;
	if (n)
		return K_OTHER;
	return r->from == TV_CLIENT ? K_C2S : K_S2C;
}

/* Where the drawing stands; o NULL: measuring. */
struct svg {
	const struct tv_out *o;
	const struct tv_render_opts *ro;
	const struct tv_conn *c;
	const char *idp;
	double xl, xr, xn;	/* the rails, the notes */
	double w;		/* the picture's width */
	double y;		/* the row drawn last */
	int64_t prev_ns;	/* its time (-1: none yet) */
	int64_t median_ns;
	unsigned used;		/* bits: kinds drawn */
	/* --data=summary: a run being folded, as in the text ladder */
	struct tv_row fold_first;
	uint32_t fold_n;
	uint64_t fold_bytes[2];
	int64_t fold_last_ns;
	double rail_end;	/* where the rails end (measured first) */
	uint8_t said_open, said_close;
};

#define P(...) do { if (s->o) tv_out_printf(s->o, __VA_ARGS__); } while (0)
#define X(t) do { if (s->o) tvr_xml(s->o, (t)); } while (0)

static int64_t
row_ns(const struct svg *s, const struct tv_row *r)
{
	return tvr_span_ns(s->c->first_sec, s->c->first_nsec, r->ts_sec,
	    r->ts_nsec);
}

/* The median gap between rows, near enough: the middle of the base-2
 * bucket that holds it. */
static int64_t
median_gap(const struct tv_conn *c)
{
	uint64_t hist[64] = { 0 }, n = 0, k = 0;
	const struct tv_rowblk *b;
	int64_t prev = INT64_MIN, t, d;
	unsigned i;
	int j;

	for (b = c->rows; b != NULL; b = b->next)
		for (i = 0; i < b->n; i++) {
			t = tvr_span_ns(0, 0, b->r[i].ts_sec, b->r[i].ts_nsec);
			if (prev != INT64_MIN && (d = t - prev) > 0) {
				for (j = 0; j < 62 && (d >> (j + 1)) > 0; j++)
					;
				hist[j]++;
				n++;
			}
			prev = t;
		}
	if (n == 0)
		return 1000000;		/* a millisecond */
	for (j = 0; j < 64; j++)
		if ((k += hist[j]) * 2 >= n)
			break;
	if (j > 56)			/* a damaged file's times: no overflow */
		j = 56;
	return ((int64_t)3 << j) >> 1;	/* 1.5 * 2^j */
}

/* Room for the time since the row before: proportional, or folded into
 * a break that says how long. */
static void
advance(struct svg *s, int64_t t)
{
	int64_t d = s->prev_ns < 0 || t < s->prev_ns ? 0 : t - s->prev_ns;
	double extra;
	char gap[40];

	s->prev_ns = t;
	if (d / FOLD_GAP > s->median_ns && d >= 1000000) {
		double y = s->y + ROW * 0.5 + 7;

		tvr_secs(gap, sizeof(gap), d, 3);
		P("<g class=\"idle\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"16\" fill=\"#fff\"/>", s->xl - 6, y - 8,
		    s->xr - s->xl + 12);
		P("<path d=\"M%.1f %.1fl10 -5M%.1f %.1fl10 -5M%.1f %.1fl10 -5"
		    "M%.1f %.1fl10 -5\" stroke=\"#333\" stroke-width=\"1.2\"/>",
		    s->xl - 5, y, s->xl - 5, y + 5, s->xr - 5, y, s->xr - 5,
		    y + 5);
		P("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
		    "font-size=\"11\" font-style=\"italic\" fill=\"#444\">"
		    "%s s later</text></g>\n", (s->xl + s->xr) / 2, y + 6, gap);
		s->y += ROW + 28;
		return;
	}
	extra = s->median_ns > 0 ? (double)d / (double)s->median_ns * EXTRA_PX : 0;
	if (extra > EXTRA_MAX)
		extra = EXTRA_MAX;
	s->y += ROW + extra;
}

/* The time column: seconds since the connection's first packet. */
static void
time_at(const struct svg *s, int64_t t, double y)
{
	char buf[40];

	tvr_secs(buf, sizeof(buf), t, s->ro->ts_digits == 9 ? 9 : 6);
	P("<text class=\"time\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\" "
	    "font-family=\"" MONO "\" font-size=\"11\" fill=\"#555\">%s</text>",
	    PAD + TIME_W - 8, y + 4, buf);
}

/* A state written at a rail, where it changes (side 0: left). */
static void
state_at(const struct svg *s, int side, uint8_t st, double y)
{
	double x = side ? s->xr : s->xl;

	P("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#222\"/>", x, y);
	P("<text class=\"state\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" "
	    "font-size=\"11\" font-weight=\"bold\" fill=\"#222\">%s</text>",
	    side ? x + 8 : x - 8, y + 4, side ? "start" : "end",
	    tv_tcp_state_names[st]);
}

/* The packet's details, for its <title>: a browser shows them on hover. */
static void
row_title(const struct svg *s, const struct tv_row *r, int64_t t)
{
	char lab[160], opts[240], notes[512], ts[40];
	uint32_t sq, ak;

	tv_fmt_row_label(s->ro, s->c, r, lab, sizeof(lab));
	tvr_secs(ts, sizeof(ts), t, s->ro->ts_digits == 9 ? 9 : 6);
	P("<title>frame %" PRIu64 ", %s s, %s to %s\n", r->n, ts,
	    tv_side_words[r->from], tv_side_words[!r->from]);
	X(lab);
	if (s->c->proto == 6) {
		sq = s->ro->absolute ? r->seq : tv_conn_rel(s->c, r->from, r->seq);
		ak = s->ro->absolute ? r->ack : tv_conn_rel(s->c, !r->from, r->ack);
		P("\nflags 0x%02x, seq %" PRIu32 ", ack %" PRIu32 ", len %" PRIu32
		    ", win %u", r->flags, sq, ak, r->len, (unsigned)r->win);
		tv_fmt_opts_full(s->ro, s->c, r, opts, sizeof(opts));
		if (opts[0]) {
			P("\noptions ");
			X(opts);
		}
	}
	notes[0] = '\0';
	if (r->an.notes || r->truncated || r->malformed) {
		struct tv_render_opts q = *s->ro;

		q.quiet = 0;
		q.verbose = 0;
		tv_fmt_row_notes(&q, s->c, r, notes, sizeof(notes));
		P("\n");
		X(notes);
	}
	P("</title>");
}

/* The lab: where an arrow that left at y arrives, by its one-way time. */
static double
arrow_end_y(const struct tv_row *r, double y)
{
	double dy;

	if ((r->seen & 3) != 3 || r->owd_ns < 1000000)
		return y;
	dy = r->owd_ns / 1e6 * SLANT_PX;
	return y + (dy < SLANT_MAX ? dy : SLANT_MAX);
}

/* The length of (dx, dy): Newton's square root (the core links no libm). */
static double
length_of(double dx, double dy)
{
	double a = dx * dx + dy * dy, r = (dx < 0 ? -dx : dx) + (dy < 0 ? -dy : dy);
	int i;

	for (i = 0; i < 8 && r > 0; i++)
		r = (r + a / r) / 2;
	return r;
}

/* An arrowhead with its tip at (x, y), pointing away from (fx, fy): 11 px
 * long, 10 px wide. */
static void
arrow_head(const struct svg *s, double x, double y, double fx, double fy,
    const char *color)
{
	double dx = x - fx, dy = y - fy, d = length_of(dx, dy), ux, uy;

	if (d <= 0)
		return;
	ux = dx / d;
	uy = dy / d;
	P("<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fz\" fill=\"%s\"/>", x, y,
	    x - 11 * ux - 5 * uy, y - 11 * uy + 5 * ux,
	    x - 11 * ux + 5 * uy, y - 11 * uy - 5 * ux, color);
}

/* One packet: its arrow, label, states, notes. */
static void
svg_row(struct svg *s, const struct tv_row *r)
{
	const struct tv_conn *c = s->c;
	int64_t t = row_ns(s, r);
	enum kind k = row_kind(r);
	char lab[160], notes[512];
	double y, y1, x0, x1, mid;
	int right = r->from == TV_CLIENT;

	advance(s, t);
	y = s->y;
	s->used |= 1u << k;
	tv_fmt_row_label(s->ro, c, r, lab, sizeof(lab));
	tv_fmt_row_notes(s->ro, c, r, notes, sizeof(notes));
	x0 = right ? s->xl : s->xr;
	x1 = right ? s->xr - 10 : s->xl + 10;
	mid = (s->xl + s->xr) / 2;
	y1 = arrow_end_y(r, y);
	if (r->lost)
		x1 = x0 + (x1 - x0) * LOST_AT;
	P("<g class=\"pkt %s\" id=\"%sf%" PRIu64 "\">", kinds[k].cls, s->idp, r->n);
	row_title(s, r, t);
	P("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
	    "stroke-width=\"%s\"%s%s%s/>", x0, y, x1, y1, kinds[k].color,
	    kinds[k].width, kinds[k].dash[0] ? " stroke-dasharray=\"" : "",
	    kinds[k].dash, kinds[k].dash[0] ? "\"" : "");
	if (r->lost)	/* a cross where it was lost */
		P("<path d=\"M%.1f %.1fl10 10m0 -10l-10 10\" stroke=\"%s\" "
		    "stroke-width=\"2.4\"/>", x1 - 5, y - 5, kinds[k].color);
	else		/* the head, along the arrow: 11 px back, 5 aside */
		arrow_head(s, right ? s->xr : s->xl, y1, x0, y, kinds[k].color);
	P("<text class=\"label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
	    "font-family=\"" MONO "\" font-size=\"12\" fill=\"%s\"%s>", mid, y - 6,
	    k == K_C2S || k == K_S2C ? "#111" : kinds[k].color,
	    k == K_RST ? " font-weight=\"bold\"" : "");
	X(lab);
	P("</text>");
	if (notes[0]) {
		P("<text class=\"notes\" x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
		    "fill=\"%s\"%s>", s->xn, y + 4, r->an.notes ||
		    r->malformed ? kinds[k].color : "#555",
		    r->an.notes ? " font-style=\"italic\"" : "");
		X(notes);
		P("</text>");
	}
	time_at(s, t, y);
	P("</g>\n");
	/* the receiver's state changes where the packet arrives */
	if (c->proto == 6 && (r->an.changed & 1))
		state_at(s, 0, r->an.state[0], right ? y : y1);
	if (c->proto == 6 && (r->an.changed & 2))
		state_at(s, 1, r->an.state[1], right ? y1 : y);
	if (c->proto == 6 && (r->an.changed & 3))
		P("\n");
}

/* A run of folded data rows: one band between the rails with its totals. */
static void
svg_fold(struct svg *s)
{
	int64_t t = row_ns(s, &s->fold_first);
	double y;

	advance(s, t);
	y = s->y;
	P("<g class=\"fold\"><title>frames %" PRIu64 " on: %" PRIu32
	    " segments folded (--data=full draws each)</title>", s->fold_first.n,
	    s->fold_n);
	P("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"20\" rx=\"3\" "
	    "fill=\"#ececec\" stroke=\"#888\" stroke-dasharray=\"3 2\"/>",
	    s->xl + 1, y - 10, s->xr - s->xl - 2);
	P("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\" "
	    "fill=\"#222\">%" PRIu32 " segments: %" PRIu64 " bytes \u2192, %"
	    PRIu64 " bytes \u2190</text>", (s->xl + s->xr) / 2, y + 4, s->fold_n,
	    s->fold_bytes[0], s->fold_bytes[1]);
	time_at(s, t, y);
	P("</g>\n");
	/* the gap after the band counts from its last row */
	s->prev_ns = s->fold_last_ns;
}

/* A caption between the rails: an outcome, or words of the ladder's. */
static void
caption(struct svg *s, const char *text, int bad)
{
	double y = s->y + 24, tw = strlen(text) * 7.6 + 20;

	P("<g class=\"outcome\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
	    "height=\"18\" rx=\"9\" fill=\"%s\" stroke=\"%s\"/>",
	    (s->xl + s->xr - tw) / 2, y - 13, tw, bad ? "#fde8e8" : "#eaf4ea",
	    bad ? "#c00000" : "#2e7d32");
	P("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\" "
	    "font-weight=\"bold\" fill=\"%s\">", (s->xl + s->xr) / 2, y,
	    bad ? "#a00000" : "#1b5e20");
	X(text);
	P("</text></g>\n");
	s->y += 26;
}

static void
outcome(struct svg *s, void (*fmt)(const struct tv_tcp *, char *, size_t))
{
	char buf[240];

	fmt(&s->c->tcp, buf, sizeof(buf));
	caption(s, buf, strstr(buf, "refused") || strstr(buf, "reset") ||
	    strstr(buf, "unanswered") || strstr(buf, "half-open"));
}

static void
flush_fold(struct svg *s)
{
	if (s->fold_n == 1)
		svg_row(s, &s->fold_first);
	else if (s->fold_n > 1)
		svg_fold(s);
	s->fold_n = 0;
	s->fold_bytes[0] = s->fold_bytes[1] = 0;
}

/* One stored row, folded or drawn, with the outcomes it brings (the text
 * ladder's rules, lad_step). */
static void
step(struct svg *s, const struct tv_row *r, int partial)
{
	const struct tv_conn *c = s->c;

	if (s->ro->data != TV_DATA_FULL &&
	    tv_lad_foldable(c, r, s->ro->payload)) {
		if (s->fold_n == 0)
			s->fold_first = *r;
		if (r->fold_n > 0) {
			s->fold_n += r->fold_n;
			s->fold_bytes[0] += r->fold_bytes[0];
			s->fold_bytes[1] += r->fold_bytes[1];
		} else {
			s->fold_n++;
			s->fold_bytes[r->from] += r->len;
		}
		s->fold_last_ns = row_ns(s, r);
		return;
	}
	flush_fold(s);
	svg_row(s, r);
	if (c->proto != 6)
		return;
	if ((r->an.events & TV_EV_OPENED) && !s->said_open) {
		outcome(s, tv_fmt_opened);
		s->said_open = 1;
	}
	if ((r->an.events & TV_EV_CLOSED) && !s->said_close && !partial) {
		if (!s->said_open && c->tcp.first_had_syn) {
			outcome(s, tv_fmt_opened);
			s->said_open = 1;
		}
		outcome(s, tv_fmt_closed);
		s->said_close = 1;
	}
}

/* Pending folds and the outcomes not yet said (lad_tail's rules). */
static void
tail(struct svg *s, enum tv_done why)
{
	const struct tv_conn *c = s->c;

	char buf[200];

	flush_fold(s);
	if (why == TV_DONE_PARTIAL)
		return;
	if (c->proto == 6 && !s->said_open && c->tcp.first_had_syn)
		outcome(s, tv_fmt_opened);
	if (c->proto == 6 && !s->said_close && why == TV_DONE_IDLE &&
	    tv_tcp_close(&c->tcp) == TV_CLOSE_OPEN)
		caption(s, "no packet for a long while: no longer followed", 0);
	else if (c->proto == 6 && !s->said_close)
		outcome(s, tv_fmt_closed);
	if (c->icmp.n) {	/* what the ICMP errors said (tv_fmt_icmp()) */
		tv_fmt_icmp(c, buf, sizeof(buf));
		caption(s, buf, 1);
	}
}

/* The widest label and notes, in characters. */
static void
widest(const struct svg *s, size_t *lab_max, size_t *notes_max)
{
	const struct tv_rowblk *b;
	char buf[512];
	unsigned i;

	*lab_max = *notes_max = 0;
	for (b = s->c->rows; b != NULL; b = b->next)
		for (i = 0; i < b->n; i++) {
			tv_fmt_row_label(s->ro, s->c, &b->r[i], buf, sizeof(buf));
			if (strlen(buf) > *lab_max)
				*lab_max = strlen(buf);
			tv_fmt_row_notes(s->ro, s->c, &b->r[i], buf, sizeof(buf));
			if (strlen(buf) > *notes_max)
				*notes_max = strlen(buf);
		}
}

/* An endpoint's box atop its rail. */
static void
endpoint(struct svg *s, double x, const char *who, const char *ep)
{
	double bw = strlen(ep) * CHW + 20;

	if (bw < 120)
		bw = 120;
	P("<g class=\"endpoint\"><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
	    "height=\"%d\" rx=\"4\" fill=\"#f4f6fa\" stroke=\"#333\"/>", x - bw / 2,
	    HEAD_Y, bw, HEAD_H);
	P("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\" "
	    "font-weight=\"bold\">%s</text>", x, HEAD_Y + 15, who);
	P("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-family=\"" MONO
	    "\" font-size=\"12\">", x, HEAD_Y + 31);
	X(ep);
	P("</text></g>\n");
}

/* Title, endpoints, the states before the first packet. */
static void
head(struct svg *s)
{
	const struct tv_conn *c = s->c;
	char ce[TV_ENDPOINTSTRLEN], se[TV_ENDPOINTSTRLEN], isn[80] = "";

	tv_endpoint_str(&c->addr[TV_CLIENT], c->port[TV_CLIENT], ce, sizeof(ce));
	tv_endpoint_str(&c->addr[TV_SERVER], c->port[TV_SERVER], se, sizeof(se));
	if (c->proto == 6 && c->isn_known[0] && c->isn_known[1] && !s->ro->absolute)
		snprintf(isn, sizeof(isn), "   ISN client %" PRIu32 " server %"
		    PRIu32, c->isn[0], c->isn[1]);
	P("<text class=\"title\" x=\"%d\" y=\"%d\" font-size=\"15\" "
	    "font-weight=\"bold\">%s ", PAD, PAD + 12, tvr_proto(c->proto));
	X(ce);
	P(" \u2192 ");
	X(se);
	P("  conn %" PRIu32, c->id);
	if (c->part > 0)
		P(" (part %" PRIu32 ")", c->part + 1);
	if (c->tun.kind || c->tun.via) {	/* "inside GRE key 7 a>b" */
		char tb[200];

		tv_fmt_tunnel(c, tb, sizeof(tb));
		P("<tspan font-size=\"11\" font-weight=\"normal\" fill=\"#555\">  ");
		X(tb);
		P("</tspan>");
	}
	P("<tspan font-size=\"11\" font-weight=\"normal\" fill=\"#555\">%s"
	    "</tspan></text>\n", isn);
	endpoint(s, s->xl, "client", ce);
	endpoint(s, s->xr, "server", se);
	P("<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"11\" "
	    "fill=\"#555\">time (s)</text>\n", PAD + TIME_W - 8, HEAD_Y + 31);
	s->y = HEAD_Y + HEAD_H + 4;
	if (c->proto == 6 && c->part == 0) {
		s->y += 16;
		state_at(s, 0, c->tcp.init_state[0], s->y);
		state_at(s, 1, c->tcp.init_state[1], s->y);
		P("\n");
	}
	{
		char buf[160];
		int said = tv_fmt_start(c, buf, sizeof(buf));

		if (buf[0] != '\0')
			caption(s, buf, 0);
		s->said_open |= (said & TV_START_OPEN) != 0;
		s->said_close |= (said & TV_START_CLOSE) != 0;
	}
}

/* The legend of the anomalies drawn, and the connection's totals. */
static void
foot(struct svg *s, enum tv_done why)
{
	char buf[640], piece[640];
	const char *text, *next;
	double x = PAD, y;
	size_t n, cols;
	int k;

	y = s->y + 20;
	s->rail_end = y;
	y += 22;
	if (s->used >> K_RST) {
		P("<g class=\"legend\"><text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
		    "font-weight=\"bold\">legend</text>", x, y);
		x += 52;
		for (k = K_RST; k < K_COUNT; k++) {
			if (!(s->used & (1u << k)))
				continue;
			P("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			    "stroke=\"%s\" stroke-width=\"%s\"%s%s%s/>", x, y - 4,
			    x + 34, y - 4, kinds[k].color, kinds[k].width,
			    kinds[k].dash[0] ? " stroke-dasharray=\"" : "",
			    kinds[k].dash, kinds[k].dash[0] ? "\"" : "");
			P("<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
			    "fill=\"%s\">%s</text>", x + 40, y, kinds[k].color,
			    kinds[k].name);
			x += 40 + strlen(kinds[k].name) * CHW_S + 18;
		}
		P("</g>\n");
		if (x > s->w)
			s->w = x;
		y += 20;
	}
	tv_fmt_conn_totals(s->ro, s->c, why, 0, buf, sizeof(buf));
	cols = (size_t)((s->w - 2 * PAD) / CHW_S);
	for (text = buf; *text; text = next) {
		n = tvr_wrap_piece(text, cols, &next);
		P("<text class=\"totals\" x=\"%d\" y=\"%.1f\" font-size=\"11\" "
		    "fill=\"#333\">", PAD, y);
		if (n >= sizeof(piece))
			n = sizeof(piece) - 1;
		memcpy(piece, text, n);
		piece[n] = '\0';
		X(piece);
		P("</text>\n");
		y += 15;
	}
	s->y = y + PAD - 10;
}

/* The whole ladder; s->rail_end: where its rails end (a measuring pass
 * finds it). */
static void
ladder(struct svg *s, enum tv_done why)
{
	const struct tv_rowblk *b;
	unsigned i;

	P("<g class=\"ladder\" font-family=\"" SANS "\" fill=\"#111\">\n");
	/* the rails first: the breaks of idle gaps cover them */
	P("<path class=\"rail\" d=\"M%.1f %dV%.1fM%.1f %dV%.1f\" stroke=\"#333\" "
	    "stroke-width=\"1.5\"/>\n", s->xl, HEAD_Y + HEAD_H, s->rail_end,
	    s->xr, HEAD_Y + HEAD_H, s->rail_end);
	head(s);
	for (b = s->c->rows; b != NULL; b = b->next)
		for (i = 0; i < b->n; i++)
			step(s, &b->r[i], why == TV_DONE_PARTIAL);
	tail(s, why);
	foot(s, why);
	P("</g>\n");
}

void
tvr_svg_ladder(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, enum tv_done why, const char *idp,
    struct tvr_size *sz)
{
	struct svg st, m;
	size_t lab, notes;
	double inner;

	memset(&st, 0, sizeof(st));
	st.ro = ro;
	st.c = c;
	st.idp = idp;
	st.prev_ns = -1;
	st.median_ns = median_gap(c);
	widest(&st, &lab, &notes);
	inner = lab * CHW + 60;
	if (inner < INNER_MIN)
		inner = INNER_MIN;
	st.xl = PAD + TIME_W + STATE_W;
	st.xr = st.xl + inner;
	st.xn = st.xr + STATE_W + 4;
	st.w = st.xn + notes * CHW_S + PAD;
	if (c->tun.kind || c->tun.via) {
		/* the title's tunnel words must fit too: the title's bold
		 * 15 px at about 9 px a character, the rest at 11 px */
		char tb[200], e[TV_ENDPOINTSTRLEN];
		double need;

		need = (double)tv_fmt_tunnel(c, tb, sizeof(tb)) + 34;
		need = need * CHW_S + 2 * PAD + 9.0 * (16 +
		    strlen(tv_endpoint_str(&c->addr[0], c->port[0], e, sizeof(e))) +
		    strlen(tv_endpoint_str(&c->addr[1], c->port[1], e, sizeof(e))));
		if (st.w < need)
			st.w = need;
	}
	m = st;
	ladder(&m, why);		/* measure */
	if (o != NULL) {
		st.o = o;
		st.rail_end = m.rail_end;
		ladder(&st, why);
	}
	sz->w = (unsigned)(m.w + 0.5);
	sz->h = (unsigned)(m.y + 0.5);
}

#undef P
#undef X

/* ---- the format: the ladders kept until the end, then one document ---- */

void
tvr_stack_conn(struct tvr_stack *st, const struct tv_render_opts *ro,
    const struct tv_conn *c, enum tv_done why, tvr_draw_fn draw)
{
	struct tvr_size sz;
	struct tv_out bo;
	size_t mark = st->body.n;
	char idp[40];

	if (st->body.full) {
		st->left_out++;
		return;
	}
	snprintf(idp, sizeof(idp), "c%" PRIu32 "p%" PRIu32 "-", c->id, c->part);
	tvr_buf_out(&st->body, &bo);
	draw(NULL, ro, c, why, idp, &sz);
	if (st->h > 0)		/* a rule between connections */
		tv_out_printf(&bo, "<line x1=\"%d\" y1=\"%u\" x2=\"%u\" y2=\"%u\" "
		    "stroke=\"#bbb\"/>\n", PAD, st->h, sz.w - PAD, st->h);
	tv_out_printf(&bo, "<g class=\"conn\" id=\"conn-%" PRIu32, c->id);
	if (c->part)
		tv_out_printf(&bo, "-part%" PRIu32, c->part + 1);
	tv_out_printf(&bo, "\" transform=\"translate(0,%u)\">\n", st->h);
	draw(&bo, ro, c, why, idp, &sz);
	tvr_str(&bo, "</g>\n");
	if (st->body.full) {		/* no half a picture */
		st->body.n = mark;
		st->left_out++;
		return;
	}
	st->h += sz.h;
	if (sz.w > st->w)
		st->w = sz.w;
}

void
tvr_stack_end(struct tvr_stack *st, const struct tv_out *o,
    const struct tv_render_opts *ro, const struct tv_totals *t,
    const char *title)
{
	struct tvr_buf tb = { 0 };
	struct tv_render_opts q = *ro;
	struct tv_out to;
	unsigned w = st->w < 480 ? 480 : st->w, h = st->h + 36;

	q.width = 0;
	tvr_buf_out(&tb, &to);
	tv_text_totals(&to, &q, t);
	if (st->left_out)
		tv_out_printf(&to, "%" PRIu64 " more not drawn: the picture would "
		    "pass %u MiB (a filter picks fewer)", st->left_out,
		    TVR_BUF_MAX >> 20);
	tv_out_mem(&to, "", 1);	/* a C string for tvr_xml */
	tv_out_printf(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
	    "width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\">\n"
	    "<title>%s</title>\n"
	    "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n",
	    w, h, w, h, title);
	if (st->body.n)
		tv_out_mem(o, st->body.p, st->body.n);
	tv_out_printf(o, "<text class=\"summary\" x=\"%d\" y=\"%u\" "
	    "font-family=\"" SANS "\" font-size=\"11\" fill=\"#555\">", PAD,
	    st->h + 20);
	if (!tb.full)
		tvr_xml(o, tb.p);	/* its newlines are left out */
	tvr_str(o, "</text>\n</svg>\n");
	tvr_buf_free(&tb);
	tvr_buf_free(&st->body);
}

static void
svg_conn(const struct tv_rctx *x, struct tv_conn *c, enum tv_done why)
{
	tvr_stack_conn(x->self, x->ro, c, why, tvr_svg_ladder);
}

static void
svg_end(const struct tv_rctx *x, const struct tv_totals *t)
{
	tvr_stack_end(x->self, x->out, x->ro, t, "tcpviz ladders");
}

const struct tv_renderer tv_render_svg = {
	.name = "svg",
	.live = 0,		/* replay: a picture is drawn whole (see tv_render.h) */
	.keep_rows = 1,
	.self_size = sizeof(struct tvr_stack),
	.conn = svg_conn,
	.end = svg_end,
	.merge = tv_lad_merge,
};
