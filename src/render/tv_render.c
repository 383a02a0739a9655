/* \summary: the ASCII ladder, JSON Lines and summaries, written to a caller's sink */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tv_render.h"

#define LINE_MAX_ 4096

/*
 * TV_SOFT in a text is a space where a line should rather break (between
 * the notes of a row, the parts of a fold line); it prints as a space.
 */
#define TV_SOFT '\037'
#define MIN_INNER 50		/* characters between the two bars */

void
tv_out_printf(const struct tv_out *o, const char *fmt, ...)
{
	char buf[LINE_MAX_];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	o->write(o->ctx, buf, (size_t)n);
}

static void
out_str(const struct tv_out *o, const char *s)
{
	o->write(o->ctx, s, strlen(s));
}

void
tv_totals_add(struct tv_totals *t, const struct tv_pkt *pkt)
{
	t->packets++;
	if (pkt->skip != TV_SKIP_NONE) {
		t->skipped++;
		t->skip_why[pkt->skip]++;
	} else if (pkt->proto == 6) {
		t->tcp++;
	} else {
		t->udp++;
	}
	if (pkt->truncated)
		t->truncated++;
	if (pkt->malformed)
		t->malformed++;
}

/* Seconds with the input's precision; d may be negative when the input
 * is out of time order. */
static void
fmt_secs(char *buf, size_t size, int64_t d_ns, int digits)
{
	const char *sign = d_ns < 0 ? "-" : "";
	uint64_t a = d_ns < 0 ? (uint64_t)(-(d_ns + 1)) + 1 : (uint64_t)d_ns;

	if (digits == 9)
		snprintf(buf, size, "%s%" PRIu64 ".%09" PRIu64, sign,
		    a / 1000000000u, a % 1000000000u);
	else if (digits == 0)
		snprintf(buf, size, "%s%" PRIu64, sign, a / 1000000000u);
	else if (digits == 3)
		snprintf(buf, size, "%s%" PRIu64 ".%03" PRIu64, sign,
		    a / 1000000000u, (a % 1000000000u) / 1000000u);
	else
		snprintf(buf, size, "%s%" PRIu64 ".%06" PRIu64, sign,
		    a / 1000000000u, (a % 1000000000u) / 1000u);
}

static int64_t
span_ns(int64_t s0, uint32_t n0, int64_t s1, uint32_t n1)
{
	return (s1 - s0) * 1000000000LL + ((int64_t)n1 - (int64_t)n0);
}

static const char *
proto_name(uint8_t proto)
{
	return proto == 6 ? "TCP" : "UDP";
}

/* Zeek's UDP history: D / d when a side sent payload. */
static void
udp_history(const struct tv_conn *c, char h[4])
{
	int k = 0;

	if (c->bytes[0])
		h[k++] = 'D';
	if (c->bytes[1])
		h[k++] = 'd';
	h[k] = '\0';
}

/* The label drawn on an arrow: flags, seq, ack and length. */
static void
row_label(const struct tv_render_opts *ro, const struct tv_conn *c,
    const struct tv_row *r, char *buf, size_t size)
{
	char fw[40];
	uint32_t s, a;
	int from = r->from, to = !r->from;
	size_t k;

	if (c->proto != 6) {
		snprintf(buf, size, "UDP len=%" PRIu32, r->len);
		return;
	}
	s = ro->absolute ? r->seq : tv_conn_rel(c, from, r->seq);
	a = ro->absolute ? r->ack : tv_conn_rel(c, to, r->ack);
	tv_flags_words(r->flags, fw, sizeof(fw));
	if (r->len > 0)
		k = (size_t)snprintf(buf, size, "%s seq=%" PRIu32 ":%" PRIu32,
		    fw, s, s + r->len);
	else
		k = (size_t)snprintf(buf, size, "%s seq=%" PRIu32, fw, s);
	if (k < size && (r->flags & TV_TH_ACK))
		k += (size_t)snprintf(buf + k, size - k, " ack=%" PRIu32, a);
	if (k < size && r->len > 0)
		snprintf(buf + k, size - k, " len=%" PRIu32, r->len);
}

size_t
tv_fmt_opts(char *buf, size_t size, uint8_t mask, uint16_t mss, uint8_t wscale,
    uint8_t nsack, int syn)
{
	size_t k = 0;
	int any = 0;

	buf[0] = '\0';
	if (!(mask & (TV_OPT_MSS | TV_OPT_WSCALE | TV_OPT_SACK_OK | TV_OPT_SACK)) &&
	    !((mask & TV_OPT_TS) && syn))
		return 0;
#define ADD(...) do { \
	if (k < size) \
		k += (size_t)snprintf(buf + k, size - k, __VA_ARGS__); \
} while (0)
	ADD("<");
	if (mask & TV_OPT_MSS)
		ADD("%smss %u", any++ ? "," : "", mss);
	if (mask & TV_OPT_SACK_OK)
		ADD("%ssackOK", any++ ? "," : "");
	if ((mask & TV_OPT_TS) && syn)
		ADD("%sTS", any++ ? "," : "");
	if (mask & TV_OPT_WSCALE)
		ADD("%swscale %u", any++ ? "," : "", wscale);
	if (mask & TV_OPT_SACK)
		ADD("%ssack %u", any++ ? "," : "", nsack);
	ADD(">");
#undef ADD
	return k < size ? k : size - 1;
}

/* Notes after the right bar: anomalies, options of SYN segments, damage. */
static void
row_notes(const struct tv_render_opts *ro, const struct tv_row *r,
    char *buf, size_t size)
{
	char opts[80];
	size_t k = 0;
	int i;
	char gap[40];

	buf[0] = '\0';
#define SOFT_S "\037"		/* TV_SOFT as a string */
#define SEP ";" SOFT_S
#define ADD(...) do { \
	if (k < size) \
		k += (size_t)snprintf(buf + k, size - k, __VA_ARGS__); \
} while (0)
	for (i = 0; i < TV_NOTE_COUNT; i++) {
		if (!(r->an.notes & (1u << i)))
			continue;
		if ((1u << i) == TV_NOTE_RETRANS && r->an.syn_retry) {
			fmt_secs(gap, sizeof(gap), r->an.retry_gap_ns, 3);
			ADD("%sSYN retry #%u after %s s", k ? SEP : "",
			    r->an.syn_retry, gap);
		} else if ((1u << i) == TV_NOTE_DUP_ACK) {
			ADD("%sdup-ack #%u", k ? SEP : "", r->an.dup_ack);
		} else {
			ADD("%s%s", k ? SEP : "", tv_note_names[i]);
		}
	}
	if (tv_fmt_opts(opts, sizeof(opts), r->opt_mask, r->mss, r->wscale,
	    r->nsack, r->flags & TV_TH_SYN) > 0)
		ADD("%s%s", k ? SOFT_S : "", opts);
	if (r->truncated)
		ADD("%struncated", k ? SOFT_S : "");
	if (r->malformed)
		ADD("%smalformed: %s", k ? SOFT_S : "", r->malformed);
#undef ADD
#undef SEP
#undef SOFT_S
	(void)ro;
}

static void
pad(const struct tv_out *o, char ch, size_t n)
{
	char buf[256];

	memset(buf, ch, sizeof(buf));
	while (n > 0) {
		size_t k = n < sizeof(buf) ? n : sizeof(buf);

		o->write(o->ctx, buf, k);
		n -= k;
	}
}

/* ---- fitting text into a width ---- */


/* Columns left after `used` under a width limit (0: no limit). */
static size_t
room_in(size_t width, size_t used)
{
	if (width == 0)
		return (size_t)-1 / 4;
	return used < width ? width - used : 0;
}

/*
 * The next piece of s that fits in w columns: all of it, or up to its
 * last soft break within w, else its last space, else just after its
 * last ',', ';' or ':', else exactly w characters.  Trailing spaces are
 * left off the piece; *next is where the following piece starts.
 */
static size_t
wrap_piece(const char *s, size_t w, const char **next)
{
	size_t n = strlen(s), i, soft = 0, sp = 0, pu = 0;

	if (w < 1)
		w = 1;
	if (n <= w) {
		*next = s + n;
	} else {
		for (i = 1; i <= w; i++) {
			if (s[i] == TV_SOFT)
				soft = i;
			else if (s[i] == ' ')
				sp = i;
			if (s[i - 1] == ',' || s[i - 1] == ';' || s[i - 1] == ':')
				pu = i;
		}
		n = soft ? soft : sp ? sp : pu ? pu : w;
		*next = s + n;
		while (**next == ' ' || **next == TV_SOFT)
			(*next)++;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == TV_SOFT))
		n--;
	return n;
}

/* n characters of s, soft breaks as spaces */
static void
out_piece(const struct tv_out *o, const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (s[i] != TV_SOFT)
			continue;
		o->write(o->ctx, s + k, i - k);
		o->write(o->ctx, " ", 1);
		k = i + 1;
	}
	o->write(o->ctx, s + k, n - k);
}

/*
 * Write text from column `col` of a line already begun, breaking it to
 * stay within `width`; each further line is `prefix` (plen columns) and
 * spaces up to column `cont`.  Ends the last line.
 */
static void
wrap_out(const struct tv_out *o, size_t width, const char *prefix, size_t plen,
    size_t col, size_t cont, const char *text)
{
	const char *next;
	size_t n, w;

	for (;;) {
		w = room_in(width, col);
		n = wrap_piece(text, w < 8 ? 8 : w, &next);
		out_piece(o, text, n);
		out_str(o, "\n");
		text = next;
		if (*text == '\0')
			break;
		out_str(o, prefix);
		pad(o, ' ', cont > plen ? cont - plen : 0);
		col = cont > plen ? cont : plen;
	}
}

void
tv_out_para(const struct tv_out *o, unsigned width, size_t indent,
    const char *text)
{
	wrap_out(o, width, "", 0, 0, indent, text);
}

/* ---- the ladder ---- */

#define MIN_INNER 50		/* replay: characters between the bars, room allowing */
#define LIVE_INNER 56		/* live: the same (rows come before their widest label) */
#define INNER_FLOOR 12		/* never narrower, whatever the width */

/* A row that --data=summary may fold: plain data or ACK, no state change,
 * no anomaly, no SYN, FIN or RST (handshake and teardown stay).  A row
 * truncated by a small snaplen folds too: its headers were decoded. */
static int
foldable(const struct tv_conn *c, const struct tv_row *r)
{
	return c->proto == 6 && r->an.changed == 0 && r->an.notes == 0 &&
	    r->an.events == 0 && !r->malformed &&
	    !(r->flags & (TV_TH_SYN | TV_TH_FIN | TV_TH_RST));
}

/*
 * Layout of one ladder, columns counted from 0:
 *
 *   prefix  time  STATE |<------ inner ------>| STATE  notes
 *   plen    tcol  scol  ^lbar                 ^lbar + inner + 1
 */
struct lad {
	const struct tv_out *o;
	const struct tv_render_opts *ro;
	const struct tv_conn *c;
	const char *prefix;	/* live view: the connection's tag on every line */
	size_t plen;
	size_t tcol;		/* width of the time column */
	size_t scol;		/* width of each state column (0 for UDP) */
	size_t lbar;		/* column of the left bar */
	size_t inner;		/* characters between the bars */
	size_t width;		/* the line limit, 0: none */
};

static size_t
room(const struct lad *l, size_t used)
{
	return room_in(l->width, used);
}

/* Text from column col, wrapped under the width, continued at col + cont. */
static void
lad_text(const struct lad *l, size_t col, size_t cont, const char *text)
{
	wrap_out(l->o, l->width, l->prefix, l->plen, col, col + cont, text);
}

/*
 * The one place the ladder's width is decided: `want` characters between
 * the bars, fewer when the width leaves less room for the bars and the
 * right state column, never fewer than INNER_FLOOR.
 */
static void
lad_fit(struct lad *l, size_t want)
{
	size_t right = 2 + (l->scol ? 1 + l->scol : 0);	/* both bars, " STATE" */
	size_t avail = room(l, l->lbar + right);

	l->inner = want < avail ? want : avail;
	if (l->inner < INNER_FLOOR)
		l->inner = INNER_FLOOR;
}

static size_t
max_label(const struct lad *l)
{
	const struct tv_rowblk *b;
	char lab[160];
	size_t m = 0;
	unsigned i;

	for (b = l->c->rows; b != NULL; b = b->next)
		for (i = 0; i < b->n; i++) {
			row_label(l->ro, l->c, &b->r[i], lab, sizeof(lab));
			if (strlen(lab) > m)
				m = strlen(lab);
		}
	return m;
}

/* The time of a row for the time column: from the capture's start (live)
 * or the connection's first packet, fewer decimals if it would not fit. */
static void
lad_time(const struct lad *l, int64_t sec, uint32_t nsec, char *buf, size_t size)
{
	const struct tv_render_opts *ro = l->ro;
	int64_t d = ro->shared_clock ?
	    span_ns(0, 0, sec, nsec) - ro->clock_ns :
	    span_ns(l->c->first_sec, l->c->first_nsec, sec, nsec);

	fmt_secs(buf, size, d, ro->ts_digits);
	if (l->width && strlen(buf) > l->tcol)
		fmt_secs(buf, size, d, 3);
	if (l->width && strlen(buf) > l->tcol)
		fmt_secs(buf, size, d, 0);
}

/* "   time  STATE  |" up to and including the left bar */
static void
lad_left(const struct lad *l, const char *time, const char *state)
{
	tv_out_printf(l->o, "%s%*s  ", l->prefix, (int)l->tcol, time);
	if (l->scol)
		tv_out_printf(l->o, "%*s ", (int)l->scol, state);
	out_str(l->o, "|");
}

/* Where a row's notes go: beside it after the right state column, or
 * right after the bar when the row has no state there, else below it. */
enum { NOTES_BELOW, NOTES_AFTER_BAR, NOTES_BESIDE };

static int
notes_place(const struct lad *l, const char *state, const char *notes)
{
	size_t bar = l->lbar + l->inner + 2, n = strlen(notes);

	if (n <= room(l, bar + (l->scol ? 1 + l->scol : 0) + 2))
		return NOTES_BESIDE;
	if (!state[0] && n <= room(l, bar + 2))
		return NOTES_AFTER_BAR;
	return NOTES_BELOW;
}

/* "| STATE  notes" from the right bar on */
static void
lad_right(const struct lad *l, const char *state, const char *notes, int place)
{
	out_str(l->o, "|");
	if (notes[0] && place != NOTES_BELOW) {
		if (l->scol && place == NOTES_BESIDE)
			tv_out_printf(l->o, " %-*s", (int)l->scol, state);
		out_str(l->o, "  ");
		out_piece(l->o, notes, strlen(notes));
	} else if (state[0])
		tv_out_printf(l->o, " %s", state);
	out_str(l->o, "\n");
}

/*
 * Text between the bars, on as many lines as it needs: left-aligned after
 * two spaces, or centred in `fill` characters.  The first line carries
 * `time`.
 */
static void
lad_between(const struct lad *l, const char *time, const char *text, char fill,
    int centre)
{
	size_t w = l->inner - (centre ? 4 : 3), n, used, left;
	const char *next;

	do {
		n = wrap_piece(text, w, &next);
		lad_left(l, time, "");
		if (centre) {
			used = n + 2;
			left = (l->inner - used) / 2;
			pad(l->o, fill, left);
			out_str(l->o, " ");
			out_piece(l->o, text, n);
			out_str(l->o, " ");
			pad(l->o, fill, l->inner - used - left);
		} else {
			out_str(l->o, "  ");
			out_piece(l->o, text, n);
			pad(l->o, ' ', l->inner - 2 - n);
		}
		out_str(l->o, "|\n");
		time = "";
		text = next;
	} while (*text);
}

/* An arrow between the bars, its label on it (the caller checked that the
 * label fits: strlen(lab) + 8 <= inner) or none. */
static void
lad_arrow(const struct lad *l, int to_server, const char *lab)
{
	size_t len = strlen(lab);

	if (len == 0 && to_server) {
		pad(l->o, '-', l->inner - 1);
		out_str(l->o, ">");
	} else if (len == 0) {
		out_str(l->o, "<");
		pad(l->o, '-', l->inner - 1);
	} else if (to_server) {
		tv_out_printf(l->o, "---- %s ", lab);	/* "---- ", lab, " ", ">" */
		pad(l->o, '-', l->inner - 7 - len);
		out_str(l->o, ">");
	} else {
		tv_out_printf(l->o, "<--- %s ", lab);
		pad(l->o, '-', l->inner - 6 - len);
	}
}

/*
 * One packet: the arrow with its label and both states.  A label too wide
 * for the arrow goes on lines of its own above it; notes that do not fit
 * beside the row go on lines of their own below it.
 */
static void
lad_row(const struct lad *l, const struct tv_row *r)
{
	const struct tv_conn *c = l->c;
	char tbuf[40], lab[160], notes[256];
	const char *ls = "", *rs = "";
	int lab_fits, place;

	lad_time(l, r->ts_sec, r->ts_nsec, tbuf, sizeof(tbuf));
	row_label(l->ro, c, r, lab, sizeof(lab));
	row_notes(l->ro, r, notes, sizeof(notes));
	if (c->proto == 6) {
		if (r->an.changed & 1)
			ls = tv_tcp_state_names[r->an.state[0]];
		if (r->an.changed & 2)
			rs = tv_tcp_state_names[r->an.state[1]];
	}
	lab_fits = strlen(lab) + 8 <= l->inner;
	place = notes_place(l, rs, notes);
	if (!lab_fits)
		lad_between(l, "", lab, ' ', 0);
	lad_left(l, tbuf, ls);
	lad_arrow(l, r->from == TV_CLIENT, lab_fits ? lab : "");
	lad_right(l, rs, notes, place);
	if (notes[0] && place == NOTES_BELOW)
		lad_between(l, "", notes, ' ', 0);
}

/* A run of folded data rows: one line with the totals (more if narrow). */
static void
lad_fold(const struct lad *l, const struct tv_row *first, unsigned n,
    uint64_t bytes_c, uint64_t bytes_s)
{
	char tbuf[40], text[160];

	lad_time(l, first->ts_sec, first->ts_nsec, tbuf, sizeof(tbuf));
	snprintf(text, sizeof(text), "%u segments:%c%" PRIu64 " bytes ->,%c%"
	    PRIu64 " bytes <-", n, TV_SOFT, bytes_c, TV_SOFT, bytes_s);
	if (strlen(text) + 4 > l->inner && l->width != 0)	/* narrow: short words */
		snprintf(text, sizeof(text), "%u segs:%c%" PRIu64 " B ->,%c%"
		    PRIu64 " B <-", n, TV_SOFT, bytes_c, TV_SOFT, bytes_s);
	if (strlen(text) + 4 > l->inner && l->width == 0) {
		/* no limit: the ladder is as wide as its labels; say it whole */
		lad_left(l, tbuf, "");
		out_str(l->o, " ");
		out_piece(l->o, text, strlen(text));
		out_str(l->o, " ");
		lad_right(l, "", "", NOTES_BESIDE);
		return;
	}
	lad_between(l, tbuf, text, '~', 1);
}

/* A line of words under the rows, from the left bar's column. */
static void
lad_say(const struct lad *l, const char *text)
{
	out_str(l->o, l->prefix);
	pad(l->o, ' ', l->lbar - l->plen);
	lad_text(l, l->lbar, 3, text);
}

static const char *const side_words[3] = { "client", "server", "both" };

void
tv_fmt_opened(const struct tv_tcp *t, char *buf, size_t size)
{
	enum tv_open op = tv_tcp_open(t);
	int64_t us = tv_tcp_handshake_rtt_us(t);
	char rtt[40];
	size_t k;

	k = (size_t)snprintf(buf, size, "opened: %s", tv_open_names[op]);
	if (op == TV_OPEN_REFUSED && k < size)
		k += (size_t)snprintf(buf + k, size - k,
		    " (the SYN was answered by RST: nothing listens there)");
	else if (op == TV_OPEN_HALF_OPEN && t->first_rst == 0 && k < size)
		k += (size_t)snprintf(buf + k, size - k,
		    " (the SYN's sender reset the SYN-ACK: it had no socket for it)");
	else if (op == TV_OPEN_HALF_OPEN && k < size)
		k += (size_t)snprintf(buf + k, size - k,
		    " (no ACK completed the handshake)");
	else if (op == TV_OPEN_UNANSWERED && k < size)
		k += (size_t)snprintf(buf + k, size - k, " (no answer to the SYN)");
	if (us >= 0 && k < size) {
		fmt_secs(rtt, sizeof(rtt), us * 1000, 6);
		k += (size_t)snprintf(buf + k, size - k, ", handshake %s s", rtt);
	}
	if (tv_tcp_syn_retries(t) && k < size)
		snprintf(buf + k, size - k, ", %u SYN retr%s",
		    tv_tcp_syn_retries(t), tv_tcp_syn_retries(t) == 1 ? "y" : "ies");
}

void
tv_fmt_closed(const struct tv_tcp *t, char *buf, size_t size)
{
	enum tv_close cl = tv_tcp_close(t);
	int by = tv_tcp_closed_by(t), tw = tv_tcp_time_wait(t);
	size_t k;

	if (cl == TV_CLOSE_RESET)
		k = (size_t)snprintf(buf, size, "closed: reset by %s",
		    side_words[t->rst_end_side == 1]);
	else if (cl == TV_CLOSE_OPEN)
		k = (size_t)snprintf(buf, size, "still open at end of capture");
	else if (cl == TV_CLOSE_SIMULTANEOUS)
		k = (size_t)snprintf(buf, size, "closed: simultaneous");
	else
		k = (size_t)snprintf(buf, size, "closed: %s, %s first",
		    tv_close_names[cl], side_words[by < 0 ? 0 : by]);
	if (tv_tcp_half_close(t) && k < size)
		k += (size_t)snprintf(buf + k, size - k, "; half-close");
	if (tw >= 0 && k < size)
		snprintf(buf + k, size - k, "; %s in TIME_WAIT",
		    tw == 2 ? "both" : side_words[tw]);
}

static void
lad_opened(const struct lad *l)
{
	char buf[240];

	memcpy(buf, "== ", 3);
	tv_fmt_opened(&l->c->tcp, buf + 3, sizeof(buf) - 3);
	lad_say(l, buf);
}

static void
lad_closed(const struct lad *l)
{
	char buf[240];

	memcpy(buf, "== ", 3);
	tv_fmt_closed(&l->c->tcp, buf + 3, sizeof(buf) - 3);
	lad_say(l, buf);
}

/* Set up the layout of c's ladder: `want` characters between the bars,
 * 0 to size them to the stored rows (replay). */
static void
lad_init(struct lad *l, const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, size_t want, const char *prefix)
{
	char ce[TV_ENDPOINTSTRLEN], se[TV_ENDPOINTSTRLEN];
	size_t need, ends;

	l->o = o;
	l->ro = ro;
	l->c = c;
	l->prefix = prefix;
	l->plen = strlen(prefix);
	l->width = ro->width;
	/* "  0.000000" or "  0.000000000": the input's precision */
	l->tcol = (ro->ts_digits == 9 ? 9 : 6) + 5;
	l->scol = c->proto == 6 ? 12 : 0;
	l->lbar = l->plen + l->tcol + 2 + (l->scol ? l->scol + 1 : 0);
	tv_endpoint_str(&c->addr[TV_CLIENT], c->port[TV_CLIENT], ce, sizeof(ce));
	tv_endpoint_str(&c->addr[TV_SERVER], c->port[TV_SERVER], se, sizeof(se));
	/* wide enough for every label and both endpoints, room allowing */
	if (want == 0) {
		want = MIN_INNER;
		if ((need = max_label(l) + 8) > want)
			want = need;
	}
	ends = strlen("client ") + strlen(ce) + strlen("server ") + strlen(se) + 2;
	if (ends > want)
		want = ends;
	lad_fit(l, want);
}

/* "TCP a > b  conn N  ISN client X server Y" */
static void
lad_title(const struct lad *l, const char *ce, const char *se)
{
	const struct tv_conn *c = l->c;
	char buf[320];
	size_t k;

	k = (size_t)snprintf(buf, sizeof(buf), "%s %s > %s  conn %" PRIu32,
	    proto_name(c->proto), ce, se, c->id);
	if (c->part > 0 && k < sizeof(buf))
		k += (size_t)snprintf(buf + k, sizeof(buf) - k, " (part %" PRIu32 ")",
		    c->part + 1);
	if (c->proto == 6 && !l->prefix[0] && k < sizeof(buf)) {
		/* live: ISNs come in the footer */
		char isn[2][16];
		int s;

		for (s = 0; s < 2; s++) {
			if (c->isn_known[s])
				snprintf(isn[s], sizeof(isn[s]), "%" PRIu32, c->isn[s]);
			else
				snprintf(isn[s], sizeof(isn[s]), "unseen");
		}
		snprintf(buf + k, sizeof(buf) - k, " %cISN client %s server %s",
		    TV_SOFT, isn[0], isn[1]);
	}
	out_str(l->o, l->prefix);
	lad_text(l, l->plen, 4, buf);
}

/* "time   client A   server B", on two lines when one is too narrow */
static void
lad_columns(const struct lad *l, const char *ce, const char *se)
{
	const struct tv_out *o = l->o;
	char cl[TV_ENDPOINTSTRLEN + 8], sv[TV_ENDPOINTSTRLEN + 8];
	size_t ll, rl, gap, end, col;

	ll = (size_t)snprintf(cl, sizeof(cl), "client %s", ce);
	rl = (size_t)snprintf(sv, sizeof(sv), "server %s", se);
	gap = l->inner + 2 > ll + rl ? l->inner + 2 - ll - rl : 2;
	out_str(o, l->prefix);
	pad(o, ' ', l->tcol - 4);
	out_str(o, "time");
	col = l->plen + l->tcol;
	if (room(l, l->lbar + ll + gap + rl) > 0 || l->lbar + ll + gap + rl == l->width) {
		pad(o, ' ', l->lbar - col);
		tv_out_printf(o, "%s", cl);
		pad(o, ' ', gap);
		tv_out_printf(o, "%s\n", sv);
		return;
	}
	/* the client where it fits, the server right-aligned under it */
	if (l->lbar + ll <= l->width)
		pad(o, ' ', l->lbar - col), col = l->lbar;
	else
		pad(o, ' ', 2), col += 2;
	lad_text(l, col, 2, cl);
	end = l->lbar + l->inner + 2;
	if (end > l->width)
		end = l->width;
	col = end >= rl + l->plen ? end - rl : l->plen;
	out_str(o, l->prefix);
	pad(o, ' ', col - l->plen);
	lad_text(l, col, 2, sv);
}

/* Header, column titles and the states before the first packet. */
static void
lad_head(const struct lad *l)
{
	const struct tv_conn *c = l->c;
	const struct tv_out *o = l->o;
	char ce[TV_ENDPOINTSTRLEN], se[TV_ENDPOINTSTRLEN];

	tv_endpoint_str(&c->addr[TV_CLIENT], c->port[TV_CLIENT], ce, sizeof(ce));
	tv_endpoint_str(&c->addr[TV_SERVER], c->port[TV_SERVER], se, sizeof(se));
	lad_title(l, ce, se);
	lad_columns(l, ce, se);

	if (c->proto == 6 && c->part == 0) {
		/* the states before the first packet, as the tracker knows
		 * them now (live: when the first packet came) */
		lad_left(l, "", tv_tcp_state_names[c->tcp.init_state[0]]);
		pad(o, ' ', l->inner);
		lad_right(l, tv_tcp_state_names[c->tcp.init_state[1]], "",
		    NOTES_BESIDE);
	}
}

/* No SYN seen: say so at once, under the states assumed. */
static void
lad_midstream(const struct lad *l, struct tv_lad_state *ls)
{
	if (l->c->proto == 6 && !l->c->tcp.first_had_syn && l->c->part == 0) {
		lad_say(l, "== opened before the capture began (midstream)");
		ls->said_open = 1;
	}
}

static void
lad_flush_fold(const struct lad *l, struct tv_lad_state *ls)
{
	if (ls->fold_n == 1)
		lad_row(l, &ls->fold_first);
	else if (ls->fold_n > 1 && l->ro->data == TV_DATA_SUMMARY)
		lad_fold(l, &ls->fold_first, ls->fold_n, ls->fold_bytes[0],
		    ls->fold_bytes[1]);
	ls->fold_n = 0;
	ls->fold_bytes[0] = ls->fold_bytes[1] = 0;
}

/* One row, folded or drawn, with the outcome lines it brings. */
static void
lad_step(const struct lad *l, struct tv_lad_state *ls, const struct tv_row *r,
    int partial)
{
	const struct tv_conn *c = l->c;

	if (l->ro->data != TV_DATA_FULL && foldable(c, r)) {
		if (ls->fold_n++ == 0)
			ls->fold_first = *r;
		ls->fold_bytes[r->from] += r->len;
		return;
	}
	lad_flush_fold(l, ls);
	lad_row(l, r);
	if (c->proto != 6)
		return;
	if ((r->an.events & TV_EV_OPENED) && !ls->said_open) {
		lad_opened(l);
		ls->said_open = 1;
	}
	if ((r->an.events & TV_EV_CLOSED) && !ls->said_close && !partial) {
		if (!ls->said_open && c->tcp.first_had_syn) {
			lad_opened(l);
			ls->said_open = 1;
		}
		lad_closed(l);
		ls->said_close = 1;
	}
}

/* The footer: packets, payload, duration, Zeek's words, anomalies. */
static void
lad_footer(const struct lad *l, enum tv_done why)
{
	const struct tv_conn *c = l->c;
	char tbuf[40], buf[640];
	size_t k, size = sizeof(buf);

#define ADD(...) do { \
	if (k < size) \
		k += (size_t)snprintf(buf + k, size - k, __VA_ARGS__); \
} while (0)
	k = 0;
	fmt_secs(tbuf, sizeof(tbuf), span_ns(c->first_sec, c->first_nsec,
	    c->last_sec, c->last_nsec), l->ro->ts_digits);
	ADD("%" PRIu64 " packet%s (client %" PRIu64 ", server %" PRIu64
	    "), payload %" PRIu64 " bytes client->server, %" PRIu64
	    " server->client", c->pkts[0] + c->pkts[1],
	    c->pkts[0] + c->pkts[1] == 1 ? "" : "s", c->pkts[0], c->pkts[1],
	    c->bytes[0], c->bytes[1]);
	ADD(", %s s", tbuf);
	if (why == TV_DONE_PARTIAL) {
		ADD("; continued below");
	} else if (c->proto == 6) {
		ADD("; conn_state %s, history %s", tv_tcp_conn_state(&c->tcp),
		    c->tcp.history);
		if (l->prefix[0] && c->isn_known[0] && c->isn_known[1])
			ADD("; ISN client %" PRIu32 " server %" PRIu32,
			    c->isn[0], c->isn[1]);
		if (c->tcp.retransmissions || c->tcp.dup_acks ||
		    c->tcp.out_of_order || c->tcp.zero_windows) {
			uint64_t rb = c->tcp.q[0].retrans_bytes +
			    c->tcp.q[1].retrans_bytes;

			ADD("; %" PRIu64 " retransmissions", c->tcp.retransmissions);
			if (rb)
				ADD(" (%" PRIu64 " bytes)", rb);
			ADD(", %" PRIu64 " dup ACKs, %" PRIu64 " out-of-order, %"
			    PRIu64 " zero windows", c->tcp.dup_acks,
			    c->tcp.out_of_order, c->tcp.zero_windows);
		}
	} else {
		char h[4];

		udp_history(c, h);
		ADD("; conn_state %s, history %s",
		    tv_udp_conn_state(c->pkts[0], c->pkts[1]), h);
	}
	if (why == TV_DONE_EVICTED)
		ADD("; evicted: connection table full");
#undef ADD
	out_str(l->o, l->prefix);
	pad(l->o, ' ', l->tcol + 2);
	lad_text(l, l->plen + l->tcol + 2, 2, buf);
}

/* Pending folds, the outcome lines not yet said, and the footer. */
static void
lad_tail(const struct lad *l, struct tv_lad_state *ls, enum tv_done why)
{
	const struct tv_conn *c = l->c;

	lad_flush_fold(l, ls);
	if (c->proto == 6 && why != TV_DONE_PARTIAL) {
		if (!ls->said_open && c->tcp.first_had_syn)
			lad_opened(l);
		if (!ls->said_close)
			lad_closed(l);
		ls->said_open = ls->said_close = 1;
	}
	lad_footer(l, why);
	if (why == TV_DONE_PARTIAL || !l->prefix[0])
		out_str(l->o, "\n");
}

void
tv_lad_conn(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, enum tv_done why)
{
	struct tv_lad_state ls;
	const struct tv_rowblk *b;
	struct lad l;
	unsigned i;

	memset(&ls, 0, sizeof(ls));
	lad_init(&l, o, ro, c, 0, "");
	lad_head(&l);
	lad_midstream(&l, &ls);
	for (b = c->rows; b != NULL; b = b->next)
		for (i = 0; i < b->n; i++)
			lad_step(&l, &ls, &b->r[i], why == TV_DONE_PARTIAL);
	lad_tail(&l, &ls, why);
}

/* ---- live ladders: rows as packets arrive, tagged with the connection ---- */

static void
live_prefix(const struct tv_conn *c, char *buf, size_t size)
{
	snprintf(buf, size, "#%-3" PRIu32 " ", c->id);
}

void
tv_lad_live_packet(const struct tv_out *o, const struct tv_render_opts *ro,
    struct tv_conn *c, const struct tv_row *r)
{
	char pre[24];
	struct lad l;

	live_prefix(c, pre, sizeof(pre));
	lad_init(&l, o, ro, c, LIVE_INNER, pre);
	if (!c->live.started) {
		lad_head(&l);
		lad_midstream(&l, &c->live);
		c->live.started = 1;
	}
	lad_step(&l, &c->live, r, 0);
}

void
tv_lad_live_done(const struct tv_out *o, const struct tv_render_opts *ro,
    struct tv_conn *c, enum tv_done why)
{
	char pre[24];
	struct lad l;

	if (why == TV_DONE_PARTIAL)
		return;
	live_prefix(c, pre, sizeof(pre));
	lad_init(&l, o, ro, c, LIVE_INNER, pre);
	lad_tail(&l, &c->live, why);
}

/* ---- --summary: one line per connection ---- */

/* A line built in pieces, then written wrapped to the width. */
struct sbuf {
	char b[1024];
	size_t k;
};

static void sb_printf(struct sbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->k >= sizeof(sb->b))
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->b + sb->k, sizeof(sb->b) - sb->k, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->k += (size_t)n;
	if (sb->k >= sizeof(sb->b))
		sb->k = sizeof(sb->b) - 1;
}

#define SUM_FMT "%5s %-5s %-23s %-23s %-12s %-12s %-6s %-12s %7s %10s %12s %10s\n"
#define SUM_WIDTH 148		/* the table's width; narrower: two lines each */

static int
sum_narrow(const struct tv_render_opts *ro)
{
	return ro->width != 0 && ro->width < SUM_WIDTH;
}

void
tv_sum_header(const struct tv_out *o, const struct tv_render_opts *ro)
{
	if (sum_narrow(ro))	/* the two-line form says what each field is */
		return;
	tv_out_printf(o, SUM_FMT, "conn", "proto", "client", "server", "open",
	    "close", "state", "history", "packets", "bytes", "duration", "rtt");
}

void
tv_sum_conn(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, struct tv_sum_totals *st)
{
	char ce[TV_ENDPOINTSTRLEN], se[TV_ENDPOINTSTRLEN], dur[40], rtt[40], h[4];
	const char *op = "-", *cl = "-", *state, *hist;
	int64_t us = -1;
	struct sbuf sb;

	tv_endpoint_str(&c->addr[0], c->port[0], ce, sizeof(ce));
	tv_endpoint_str(&c->addr[1], c->port[1], se, sizeof(se));
	fmt_secs(dur, sizeof(dur), span_ns(c->first_sec, c->first_nsec,
	    c->last_sec, c->last_nsec), ro->ts_digits);
	if (c->proto == 6) {
		enum tv_open eo = tv_tcp_open(&c->tcp);
		enum tv_close ec = tv_tcp_close(&c->tcp);

		op = tv_open_names[eo];
		cl = tv_close_names[ec];
		state = tv_tcp_conn_state(&c->tcp);
		hist = c->tcp.history;
		us = tv_tcp_handshake_rtt_us(&c->tcp);
		st->open[eo]++;
		st->close[ec]++;
		st->tcp++;
	} else {
		state = tv_udp_conn_state(c->pkts[0], c->pkts[1]);
		udp_history(c, h);
		hist = h;
		st->udp++;
	}
	if (us >= 0)
		fmt_secs(rtt, sizeof(rtt), us * 1000, 6);
	else
		snprintf(rtt, sizeof(rtt), "-");
	st->packets += c->pkts[0] + c->pkts[1];
	st->bytes += c->bytes[0] + c->bytes[1];
	sb.k = 0;
	sb_printf(&sb, "%5" PRIu32 " %-5s %-23s %-23s %-12s %-12s %-6s %-12s %7"
	    PRIu64 " %10" PRIu64 " %12s %10s\n", c->id, c->proto == 6 ?
	    "tcp" : "udp", ce, se, op, cl, state, hist[0] ? hist : "-",
	    c->pkts[0] + c->pkts[1], c->bytes[0] + c->bytes[1], dur, rtt);
	/* a row wider than the width (long fields) takes the two-line form */
	if (!sum_narrow(ro) && (ro->width == 0 || sb.k <= ro->width + 1)) {
		o->write(o->ctx, sb.b, sb.k);
		return;
	}
	sb.k = 0;
	sb_printf(&sb, "%5" PRIu32 " %s %s > %s", c->id,
	    c->proto == 6 ? "tcp" : "udp", ce, se);
	tv_out_para(o, ro->width, 10, sb.b);
	sb.k = 0;
	sb_printf(&sb, "      ");
	if (c->proto == 6)
		sb_printf(&sb, "%s, %s; ", op, cl);
	sb_printf(&sb, "%s %s; %" PRIu64 " packets, %" PRIu64 " bytes, %s s",
	    state, hist[0] ? hist : "-", c->pkts[0] + c->pkts[1],
	    c->bytes[0] + c->bytes[1], dur);
	if (us >= 0)
		sb_printf(&sb, "; rtt %s s", rtt);
	tv_out_para(o, ro->width, 8, sb.b);
}

void
tv_sum_totals(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_sum_totals *st)
{
	struct sbuf sb;
	int i, any = 0;

	sb.k = 0;
	sb_printf(&sb, "%" PRIu64 " connection%s (%" PRIu64 " TCP, %" PRIu64
	    " UDP), %" PRIu64 " packets, %" PRIu64 " payload bytes",
	    st->tcp + st->udp, st->tcp + st->udp == 1 ? "" : "s", st->tcp,
	    st->udp, st->packets, st->bytes);
	for (i = 0; i < TV_OPEN_COUNT; i++)
		if (st->open[i])
			sb_printf(&sb, "%s%" PRIu64 " %s", any++ ? ", " : "; opened: ",
			    st->open[i], tv_open_names[i]);
	any = 0;
	for (i = 0; i < TV_CLOSE_COUNT; i++)
		if (st->close[i])
			sb_printf(&sb, "%s%" PRIu64 " %s", any++ ? ", " : "; closed: ",
			    st->close[i], tv_close_names[i]);
	tv_out_para(o, ro->width, 2, sb.b);
}

void
tv_lad_summary(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_totals *t)
{
	struct sbuf sb;
	int i, any = 0;

	sb.k = 0;
	sb_printf(&sb, "%" PRIu64 " packet%s: %" PRIu64 " TCP, %" PRIu64
	    " UDP, %" PRIu64 " skipped; %" PRIu64 " connection%s",
	    t->packets, t->packets == 1 ? "" : "s", t->tcp, t->udp, t->skipped,
	    t->connections, t->connections == 1 ? "" : "s");
	if (t->evicted)
		sb_printf(&sb, " (%" PRIu64 " evicted)", t->evicted);
	if (t->truncated)
		sb_printf(&sb, "; %" PRIu64 " truncated", t->truncated);
	if (t->malformed)
		sb_printf(&sb, "; %" PRIu64 " malformed", t->malformed);
	tv_out_para(o, ro->width, 2, sb.b);
	sb.k = 0;
	for (i = 1; i < TV_SKIP_COUNT; i++) {
		if (t->skip_why[i] == 0)
			continue;
		sb_printf(&sb, "%s%" PRIu64 " %s", any++ ? ", " : "skipped: ",
		    t->skip_why[i], tv_skip_names[i]);
	}
	if (any)
		tv_out_para(o, ro->width, 2, sb.b);
}

/* ---- JSON Lines ---- */

/* A JSON string; the core only emits ASCII it made, but escape anyway. */
static void
json_str(const struct tv_out *o, const char *s)
{
	char buf[8];

	out_str(o, "\"");
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\') {
			buf[0] = '\\';
			buf[1] = (char)ch;
			o->write(o->ctx, buf, 2);
		} else if (ch < 0x20 || ch >= 0x7f) {
			snprintf(buf, sizeof(buf), "\\u%04x", ch);
			o->write(o->ctx, buf, 6);
		} else {
			o->write(o->ctx, s, 1);
		}
	}
	out_str(o, "\"");
}

static void
json_ts(const struct tv_out *o, const struct tv_render_opts *ro,
    int64_t sec, uint32_t nsec)
{
	if (ro->ts_digits == 9)
		tv_out_printf(o, "%" PRId64 ".%09" PRIu32, sec, nsec);
	else
		tv_out_printf(o, "%" PRId64 ".%06" PRIu32, sec, nsec / 1000);
}

static const char *const side_names[2] = { "client", "server" };

/* "state", "notes", "dup_ack", "syn_retry" of a TCP packet */
static void
json_tcp_pkt(const struct tv_out *o, const struct tv_tcp_pkt *an)
{
	int i, any = 0;

	tv_out_printf(o, ",\"state\":{\"client\":\"%s\",\"server\":\"%s\"}",
	    tv_tcp_state_names[an->state[0]], tv_tcp_state_names[an->state[1]]);
	if (an->notes == 0)
		return;
	out_str(o, ",\"notes\":[");
	for (i = 0; i < TV_NOTE_COUNT; i++)
		if (an->notes & (1u << i))
			tv_out_printf(o, "%s\"%s\"", any++ ? "," : "",
			    tv_note_names[i]);
	out_str(o, "]");
	if (an->notes & TV_NOTE_DUP_ACK)
		tv_out_printf(o, ",\"dup_ack\":%u", an->dup_ack);
	if (an->syn_retry)
		tv_out_printf(o, ",\"syn_retry\":%u", an->syn_retry);
}

/* A side (-1 none, 0, 1, 2 both) as JSON. */
static void
json_side(const struct tv_out *o, const char *key, int side)
{
	static const char *const w[3] = { "\"client\"", "\"server\"", "\"both\"" };

	tv_out_printf(o, ",\"%s\":%s", key, side < 0 ? "null" : w[side]);
}

/* The outcome keys of a connection (docs/json.md). */
static void
json_outcomes(const struct tv_out *o, const struct tv_conn *c)
{
	const struct tv_tcp *t = &c->tcp;
	enum tv_close cl;
	int64_t rtt;
	char h[4];

	if (c->proto != 6) {
		udp_history(c, h);
		tv_out_printf(o, ",\"conn_state\":\"%s\",\"history\":\"%s\"",
		    tv_udp_conn_state(c->pkts[0], c->pkts[1]), h);
		return;
	}
	cl = tv_tcp_close(t);
	rtt = tv_tcp_handshake_rtt_us(t);
	tv_out_printf(o, ",\"open\":\"%s\",\"syn_retries\":%u,\"handshake_rtt_us\":",
	    tv_open_names[tv_tcp_open(t)], tv_tcp_syn_retries(t));
	if (rtt >= 0)
		tv_out_printf(o, "%" PRId64, rtt);
	else
		out_str(o, "null");
	tv_out_printf(o, ",\"close\":\"%s\"", tv_close_names[cl]);
	if (cl == TV_CLOSE_RESET)
		json_side(o, "reset_by", t->rst_end_side);
	tv_out_printf(o, ",\"half_close\":%s", tv_tcp_half_close(t) ? "true" : "false");
	json_side(o, "closed_by", tv_tcp_closed_by(t));
	json_side(o, "time_wait", tv_tcp_time_wait(t));
	tv_out_printf(o, ",\"conn_state\":\"%s\",\"history\":", tv_tcp_conn_state(t));
	json_str(o, t->history);
	tv_out_printf(o, ",\"retransmissions\":%" PRIu64 ",\"dup_acks\":%" PRIu64
	    ",\"out_of_order\":%" PRIu64 ",\"zero_windows\":%" PRIu64,
	    t->retransmissions, t->dup_acks, t->out_of_order, t->zero_windows);
}

void
tv_json_packet(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_pkt *pkt, const struct tv_conn *c, enum tv_side from)
{
	char a[TV_ADDRSTRLEN], fl[12];
	int to = !from, any = 0;
	uint8_t i;

	tv_out_printf(o, "{\"type\":\"packet\",\"n\":%" PRIu64 ",\"ts\":", pkt->n);
	json_ts(o, ro, pkt->ts_sec, pkt->ts_nsec);
	tv_out_printf(o, ",\"conn\":%" PRIu32 ",\"proto\":\"%s\",\"src\":", c->id,
	    pkt->proto == 6 ? "tcp" : "udp");
	json_str(o, tv_addr_str(&pkt->src, a, sizeof(a)));
	tv_out_printf(o, ",\"sport\":%u,\"dst\":", pkt->sport);
	json_str(o, tv_addr_str(&pkt->dst, a, sizeof(a)));
	tv_out_printf(o, ",\"dport\":%u,\"from\":\"%s\",\"len\":%" PRIu32,
	    pkt->dport, side_names[from], pkt->len);
	if (pkt->proto == 6) {
		tv_out_printf(o, ",\"flags\":\"%s\",\"seq\":%" PRIu32,
		    tv_flags_letters(pkt->flags, fl, sizeof(fl)), pkt->seq);
		if (pkt->flags & TV_TH_ACK)
			tv_out_printf(o, ",\"ack\":%" PRIu32, pkt->ack);
		if (c->isn_known[from])
			tv_out_printf(o, ",\"rseq\":%" PRIu32, pkt->seq - c->isn[from]);
		if ((pkt->flags & TV_TH_ACK) && c->isn_known[to])
			tv_out_printf(o, ",\"rack\":%" PRIu32, pkt->ack - c->isn[to]);
		tv_out_printf(o, ",\"win\":%u,\"opts\":{", pkt->win);
		if (pkt->opt_mask & TV_OPT_MSS)
			tv_out_printf(o, "%s\"mss\":%u", any++ ? "," : "", pkt->mss);
		if (pkt->opt_mask & TV_OPT_WSCALE)
			tv_out_printf(o, "%s\"wscale\":%u", any++ ? "," : "", pkt->wscale);
		if (pkt->opt_mask & TV_OPT_SACK_OK)
			tv_out_printf(o, "%s\"sack_ok\":true", any++ ? "," : "");
		if (pkt->opt_mask & TV_OPT_TS)
			tv_out_printf(o, "%s\"ts\":[%" PRIu32 ",%" PRIu32 "]",
			    any++ ? "," : "", pkt->ts_val, pkt->ts_ecr);
		if (pkt->opt_mask & TV_OPT_SACK) {
			tv_out_printf(o, "%s\"sack\":[", any++ ? "," : "");
			for (i = 0; i < pkt->nsack; i++)
				tv_out_printf(o, "%s[%" PRIu32 ",%" PRIu32 "]",
				    i ? "," : "", pkt->sack[i][0], pkt->sack[i][1]);
			out_str(o, "]");
		}
		out_str(o, "}");
		json_tcp_pkt(o, &c->last);
	}
	if (pkt->truncated)
		out_str(o, ",\"truncated\":true");
	if (pkt->malformed) {
		out_str(o, ",\"malformed\":");
		json_str(o, pkt->malformed);
	}
	out_str(o, "}\n");
}

void
tv_json_conn(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, enum tv_done why)
{
	char e[TV_ENDPOINTSTRLEN];
	int s;

	tv_out_printf(o, "{\"type\":\"conn\",\"conn\":%" PRIu32
	    ",\"proto\":\"%s\",\"client\":", c->id, c->proto == 6 ? "tcp" : "udp");
	json_str(o, tv_endpoint_str(&c->addr[0], c->port[0], e, sizeof(e)));
	out_str(o, ",\"server\":");
	json_str(o, tv_endpoint_str(&c->addr[1], c->port[1], e, sizeof(e)));
	out_str(o, ",\"first_ts\":");
	json_ts(o, ro, c->first_sec, c->first_nsec);
	out_str(o, ",\"last_ts\":");
	json_ts(o, ro, c->last_sec, c->last_nsec);
	tv_out_printf(o, ",\"packets\":{\"client\":%" PRIu64 ",\"server\":%" PRIu64
	    "},\"bytes\":{\"client\":%" PRIu64 ",\"server\":%" PRIu64 "}",
	    c->pkts[0], c->pkts[1], c->bytes[0], c->bytes[1]);
	if (c->proto == 6) {
		tv_out_printf(o, ",\"retrans_bytes\":{\"client\":%" PRIu64
		    ",\"server\":%" PRIu64 "}", c->tcp.q[0].retrans_bytes,
		    c->tcp.q[1].retrans_bytes);
		out_str(o, ",\"isn\":{");
		for (s = 0; s < 2; s++) {
			tv_out_printf(o, "%s\"%s\":", s ? "," : "", side_names[s]);
			if (c->isn_known[s])
				tv_out_printf(o, "%" PRIu32, c->isn[s]);
			else
				out_str(o, "null");
		}
		out_str(o, "}");
	}
	json_outcomes(o, c);
	if (why == TV_DONE_EVICTED)
		out_str(o, ",\"evicted\":true");
	out_str(o, "}\n");
}

void
tv_json_summary(const struct tv_out *o, const struct tv_totals *t)
{
	int i, any = 0;

	tv_out_printf(o, "{\"type\":\"summary\",\"packets\":%" PRIu64 ",\"tcp\":%"
	    PRIu64 ",\"udp\":%" PRIu64 ",\"skipped\":%" PRIu64 ",\"truncated\":%"
	    PRIu64 ",\"malformed\":%" PRIu64 ",\"connections\":%" PRIu64
	    ",\"evicted\":%" PRIu64 ",\"skipped_why\":{",
	    t->packets, t->tcp, t->udp, t->skipped, t->truncated, t->malformed,
	    t->connections, t->evicted);
	for (i = 1; i < TV_SKIP_COUNT; i++) {
		if (t->skip_why[i] == 0)
			continue;
		out_str(o, any++ ? "," : "");
		json_str(o, tv_skip_names[i]);
		tv_out_printf(o, ":%" PRIu64, t->skip_why[i]);
	}
	out_str(o, "}}\n");
}
