/* \summary: the ASCII ladder: a connection drawn whole (replay) or row by row as packets come (live) */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tv_render-int.h"

#define MIN_INNER 50		/* replay: characters between the bars, room allowing */
#define LIVE_INNER 56		/* live: the same (rows come before their widest label) */
#define INNER_FLOOR 12		/* never narrower, whatever the width */
#define FIT_INNER 24		/* -# or a long time column: narrower than this, the time gives */

/* A row that --data=summary may fold: plain data or ACK, no state change,
 * no anomaly, no SYN, FIN or RST (handshake and teardown stay).  A row
 * truncated by a small snaplen folds too: its headers were decoded. */
int
tv_lad_foldable(const struct tv_conn *c, const struct tv_row *r, int payload)
{
	return c->proto == 6 && r->an.changed == 0 && r->an.notes == 0 &&
	    !r->lost && !r->icmp &&
	    !(payload && r->len > 0) &&
	    r->an.events == 0 && !r->malformed &&
	    !(r->flags & (TV_TH_SYN | TV_TH_FIN | TV_TH_RST));
}

/* -A and -X unfold the rows that carry payload, to show it */
#define foldable(ro, c, r) tv_lad_foldable((c), (r), (ro)->payload)

/*
 * Layout of one ladder, columns counted from 0:
 *
 *   prefix  time  STATE |<------ inner ------>| STATE  notes
 *   plen    tcol  scol  ^lbar                 ^lbar + inner + 1
 */
#define LAB_LEN 160		/* a row's label, as tv_fmt_row_label() writes it */
_Static_assert(LAB_LEN >= TV_ROW_LABEL_MAX, "a kept label is cut");
#define LAB_KEPT 128		/* labels kept from sizing for drawing (on the stack) */

struct lad {
	const struct tv_out *o;
	const struct tv_render_opts *ro;
	const struct tv_conn *c;
	const char *prefix;	/* live view: the connection's tag on every line */
	size_t plen;
	size_t ncol;		/* -#: width of the frame number column (0: none) */
	size_t nlead;		/* ncol and the space after it */
	size_t tcol;		/* width of the time column (0: none, -t) */
	int tdig;		/* decimals of the time column */
	struct tv_lad_state *ls;	/* -ttt: the time of the row drawn last */
	size_t scol;		/* width of each state column (0 for UDP) */
	size_t lbar;		/* column of the left bar */
	size_t inner;		/* characters between the bars */
	size_t width;		/* the line limit, 0: none */
	const struct tv_lad_link *link;	/* -e: NULL or what was kept */
	const struct tv_pkt *pkt;	/* live: the packet of the row drawn now */
	int hot;		/* colour: the row being drawn has anomalies */
	int lost;		/* the row being drawn was lost on the wire (the lab) */
	/* replay: the labels of the first nlabs stored rows, formatted once
	 * to size the ladder and kept for drawing (NULL: none kept) */
	char (*labs)[LAB_LEN];
	size_t nlabs;
	char ce[TV_ENDPOINTSTRLEN], se[TV_ENDPOINTSTRLEN];	/* its endpoints */
};

/* ANSI colours (only with ro->color; escapes take no columns) */
#define C_CLIENT "\033[36m"	/* arrows client -> server: cyan */
#define C_SERVER "\033[35m"	/* server -> client: magenta */
#define C_HOT "\033[1;33m"	/* anomalies, damage: bold yellow */
#define C_GOOD "\033[1;32m"	/* outcomes: bold green */
#define C_BAD "\033[1;31m"	/* refused, reset: bold red */
#define C_OFF "\033[0m"

static void
col(const struct lad *l, const char *esc)
{
	if (l->ro->color)
		tvr_str(l->o, esc);
}

/* the same in a line being written */
static void
wcol(const struct lad *l, struct tvr_w *w, const char *esc)
{
	if (l->ro->color)
		tvr_w_str(w, esc);
}

static size_t
room(const struct lad *l, size_t used)
{
	return tvr_room(l->width, used);
}

/* Text from column col, wrapped under the width, continued at col + cont. */
static void
lad_text(const struct lad *l, size_t col, size_t cont, const char *text)
{
	tvr_wrap(l->o, l->width, l->prefix, l->plen, col, col + cont, text);
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

/* The widest label of the stored rows; the first LAB_KEPT are kept in
 * l->labs (when given), so that drawing does not format them again. */
static size_t
max_label(struct lad *l)
{
	const struct tv_rowblk *b;
	char one[LAB_LEN];
	size_t m = 0, k = 0, n;
	unsigned i;

	for (b = l->c->rows; b != NULL; b = b->next)
		for (i = 0; i < b->n; i++, k++) {
			char *lab = l->labs != NULL && k < LAB_KEPT ?
			    l->labs[k] : one;

			if ((n = tv_fmt_row_label(l->ro, l->c, &b->r[i], lab,
			    LAB_LEN)) > m)
				m = n;
		}
	l->nlabs = l->labs != NULL ? (k < LAB_KEPT ? k : LAB_KEPT) : 0;
	return m;
}

/* Digits of a frame number. */
static size_t
num_digits(uint64_t n)
{
	size_t d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

/* -tttt: "YYYY-MM-DD HH:MM:SS" and the decimals (of nsec) at `sec` seconds
 * since 1970 shifted to local time; days to a civil date as in Howard
 * Hinnant's days_from_civil, inverted. */
static size_t
fmt_date(const struct lad *l, int64_t sec, uint32_t nsec, int digits,
    char *buf, size_t size)
{
	int64_t t = sec + (l->ro->utc_offset ? l->ro->utc_offset(sec) : 0);
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t sod = t - days * 86400, z = days + 719468, era, doe, yoe, y,
	    doy, mp, d, m;
	size_t k;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	if (m <= 2)
		y++;
	k = (size_t)snprintf(buf, size, "%04" PRId64 "-%02" PRId64 "-%02" PRId64
	    " %02" PRId64 ":%02" PRId64 ":%02" PRId64, y, m, d, sod / 3600,
	    sod / 60 % 60, sod % 60);
	if (digits > 0 && k < size) {
		uint32_t f = nsec;
		int i;

		for (i = digits; i < 9; i++)
			f /= 10;
		snprintf(buf + k, size - k, ".%0*" PRIu32, digits, f);
	}
	return strlen(buf);
}

/* The time column's text at `digits` decimals. */
static size_t
time_text(const struct lad *l, int64_t sec, uint32_t nsec, int digits,
    char *buf, size_t size)
{
	const struct tv_render_opts *ro = l->ro;
	const struct tv_lad_state *ls = l->ls;
	int64_t d;

	switch (ro->tfmt) {
	case TV_T_NONE:
		buf[0] = '\0';
		return 0;
	case TV_T_EPOCH:
		d = tvr_span_ns(0, 0, sec, nsec);
		break;
	case TV_T_DATE:
		return fmt_date(l, sec, nsec, digits, buf, size);
	case TV_T_DELTA:
		d = ls != NULL && ls->have_prev ?
		    tvr_span_ns(ls->prev_sec, ls->prev_nsec, sec, nsec) : 0;
		break;
	case TV_T_FIRST:
		d = tvr_span_ns(0, 0, sec, nsec) - ro->clock_ns;
		break;
	default:
		d = ro->shared_clock ?
		    tvr_span_ns(0, 0, sec, nsec) - ro->clock_ns :
		    tvr_span_ns(l->c->first_sec, l->c->first_nsec, sec, nsec);
		break;
	}
	return tvr_secs(buf, size, d, digits);
}

/* The time of a row for the time column (see enum tv_tfmt), fewer
 * decimals if it would not fit; with -ttt the row is the previous one for
 * the next.  A time that fits in no way (only a damaged file's) is stars. */
static size_t
lad_time(const struct lad *l, int64_t sec, uint32_t nsec, char *buf, size_t size)
{
	size_t n = 0;

	if (l->tcol == 0)		/* -t, or no room left for it */
		buf[0] = '\0';
	else
		n = time_text(l, sec, nsec, l->tdig, buf, size);
	if (l->width && n > l->tcol && l->tdig > 3)
		n = time_text(l, sec, nsec, 3, buf, size);
	if (l->width && n > l->tcol)
		n = time_text(l, sec, nsec, 0, buf, size);
	if (l->width && n > l->tcol && l->tcol < size) {
		memset(buf, '*', l->tcol);
		buf[n = l->tcol] = '\0';
	}
	if (l->ls != NULL) {
		l->ls->have_prev = 1;
		l->ls->prev_sec = sec;
		l->ls->prev_nsec = nsec;
	}
	return n;
}

/*
 * A row's line is written through one writer (tvr_w: its place kept in
 * registers, one test of room a piece), the pieces below taking it; the
 * other lines call them through lad_left() and lad_right().
 */

/* "   time  STATE  |" up to and including the left bar; -# puts the
 * frame number n first (0: none on this line); time is tlen bytes */
static void
lad_left_w(const struct lad *l, struct tvr_w *w, uint64_t n, const char *time,
    size_t tlen, const char *state)
{
	char d[24];

	tvr_w_mem(w, l->prefix, l->plen);
	if (l->ncol && n) {
		tvr_w_field(w, d, tv_u64_dec(d, n), l->ncol, 0);
		tvr_w_str(w, " ");
	} else if (l->ncol) {
		tvr_w_pad(w, ' ', l->nlead);
	}
	tvr_w_field(w, time, tlen, l->tcol, 0);
	tvr_w_str(w, "  ");
	if (l->scol) {
		tvr_w_field(w, state, strlen(state), l->scol, 0);
		tvr_w_str(w, " ");
	}
	tvr_w_str(w, "|");
}

static void
lad_left(const struct lad *l, uint64_t n, const char *time, const char *state)
{
	struct tvr_w w;

	tvr_w_begin(&w, l->o);
	lad_left_w(l, &w, n, time, strlen(time), state);
	tvr_w_end(&w);
}

/* Where a row's notes go: beside it after the right state column, or
 * right after the bar when the row has no state there, else below it. */
enum { NOTES_BELOW, NOTES_AFTER_BAR, NOTES_BESIDE };

static int
notes_place(const struct lad *l, const char *state, size_t n)
{
	size_t bar = l->lbar + l->inner + 2;

	if (n <= room(l, bar + (l->scol ? 1 + l->scol : 0) + 2))
		return NOTES_BESIDE;
	if (!state[0] && n <= room(l, bar + 2))
		return NOTES_AFTER_BAR;
	return NOTES_BELOW;
}

/* "| STATE  notes" from the right bar on (notes: nlen bytes) */
static void
lad_right_w(const struct lad *l, struct tvr_w *w, const char *state,
    const char *notes, size_t nlen, int place)
{
	tvr_w_str(w, "|");
	if (nlen && place != NOTES_BELOW) {
		if (l->scol && place == NOTES_BESIDE) {
			tvr_w_str(w, " ");
			tvr_w_field(w, state, strlen(state), l->scol, 1);
		}
		tvr_w_str(w, "  ");
		if (l->hot)
			wcol(l, w, C_HOT);
		tvr_w_piece(w, notes, nlen);
		if (l->hot)
			wcol(l, w, C_OFF);
	} else if (state[0]) {
		tvr_w_str(w, " ");
		tvr_w_mem(w, state, strlen(state));
	}
	tvr_w_str(w, "\n");
}

static void
lad_right(const struct lad *l, const char *state, const char *notes,
    size_t nlen, int place)
{
	struct tvr_w w;

	tvr_w_begin(&w, l->o);
	lad_right_w(l, &w, state, notes, nlen, place);
	tvr_w_end(&w);
}

/*
 * Text between the bars, on as many lines as it needs: left-aligned after
 * two spaces, or centred in `fill` characters.  The first line carries
 * `time`.
 */
static void
lad_between(const struct lad *l, uint64_t num, const char *time,
    const char *text, char fill, int centre)
{
	size_t w = l->inner - (centre ? 4 : 3), n, used, left;
	const char *next;

	do {
		n = tvr_wrap_piece(text, w, &next);
		lad_left(l, num, time, "");
		if (centre) {
			used = n + 2;
			left = (l->inner - used) / 2;
			tvr_pad(l->o, fill, left);
			tvr_str(l->o, " ");
			tvr_piece(l->o, text, n);
			tvr_str(l->o, " ");
			tvr_pad(l->o, fill, l->inner - used - left);
		} else {
			tvr_str(l->o, "  ");
			tvr_piece(l->o, text, n);
			tvr_pad(l->o, ' ', l->inner - 2 - n);
		}
		tvr_str(l->o, "|\n");
		time = "";
		num = 0;
		text = next;
	} while (*text);
}

/* The lab: a packet lost on the wire stops short, at an X, about two
 * thirds of the way ("|---- SYN seq=0 ---X        |"). */
static void
lad_lost_arrow(const struct lad *l, struct tvr_w *w, int to_server,
    const char *lab, size_t len)
{
	size_t run = l->inner * 2 / 3;

	if (run < len + 10)
		run = len + 10 <= l->inner ? len + 10 : l->inner;
	if (!to_server)
		tvr_w_pad(w, ' ', l->inner - run);
	if (len == 0) {
		tvr_w_str(w, to_server ? "" : "X");
		tvr_w_pad(w, '-', run - 1);
		tvr_w_str(w, to_server ? "X" : "");
	} else {
		tvr_w_str(w, to_server ? "---- " : "X--- ");
		tvr_w_mem(w, lab, len);
		tvr_w_str(w, " ");
		tvr_w_pad(w, '-', run - 7 - len);
		tvr_w_str(w, to_server ? "X" : "-");
	}
	if (to_server)
		tvr_w_pad(w, ' ', l->inner - run);
}

/* An arrow between the bars, its label (len bytes) on it (the caller
 * checked that the label fits: len + 8 <= inner) or none. */
static void
lad_arrow(const struct lad *l, struct tvr_w *w, int to_server,
    const char *lab, size_t len)
{
	if (l->lost) {
		lad_lost_arrow(l, w, to_server, lab, len);
	} else if (len == 0 && to_server) {
		tvr_w_pad(w, '-', l->inner - 1);
		tvr_w_str(w, ">");
	} else if (len == 0) {
		tvr_w_str(w, "<");
		tvr_w_pad(w, '-', l->inner - 1);
	} else if (to_server) {
		tvr_w_str(w, "---- ");		/* "---- ", lab, " ", ">" */
		tvr_w_mem(w, lab, len);
		tvr_w_str(w, " ");
		tvr_w_pad(w, '-', l->inner - 7 - len);
		tvr_w_str(w, ">");
	} else {
		tvr_w_str(w, "<--- ");
		tvr_w_mem(w, lab, len);
		tvr_w_str(w, " ");
		tvr_w_pad(w, '-', l->inner - 6 - len);
	}
}

/* The start of a payload line: the prefix, blanks up to column `at`. */
static void
pay_lead(const struct lad *l, size_t at)
{
	tvr_str(l->o, l->prefix);
	tvr_pad(l->o, ' ', at - l->plen);
}

/*
 * -A: the payload as text, '.' for what does not print; -X: tcpdump's
 * hex and ASCII ("0x0000:  4865 6c6c  He.."), as many bytes a line as
 * the width leaves room for (16, 8, 4 or 2).  At most TV_PAYLOAD_MAX
 * bytes; `len` is what the segment carried, of which n were captured.
 */
static void
lad_payload(const struct lad *l, const uint8_t *p, uint32_t n, uint32_t len)
{
	size_t at = l->lbar + 2, w, bpl, i, j, off;
	uint32_t got = n;
	char line[128];

	if (n > TV_PAYLOAD_MAX)
		n = TV_PAYLOAD_MAX;
	if (l->width && at + 17 > l->width)
		at = l->plen;
	w = l->width ? l->width - at : 80;	/* no limit: tcpdump's 16 a line */
	if (l->ro->payload == 'A') {
		bpl = w < 64 ? w : 64;
		for (off = 0; off < n; off += bpl) {
			size_t k = n - off < bpl ? n - off : bpl;

			for (i = 0; i < k; i++)
				line[i] = p[off + i] >= 0x20 && p[off + i] < 0x7f ?
				    (char)p[off + i] : '.';
			line[k] = '\n';
			pay_lead(l, at);
			tv_out_mem(l->o, line, k + 1);
		}
	} else {
		/* "0x0000:  " 9, 5 a pair less the last blank, 2, one a byte */
		for (bpl = 16; bpl > 2 && 9 + bpl / 2 * 5 - 1 + 2 + bpl > w; bpl /= 2)
			;
		for (off = 0; off < n; off += bpl) {
			size_t k = n - off < bpl ? n - off : bpl, q;

			q = (size_t)snprintf(line, sizeof(line), "0x%04zx:  ", off);
			for (j = 0; j < bpl; j++) {
				if (j < k)
					q += (size_t)snprintf(line + q, sizeof(line) - q,
					    "%02x", p[off + j]);
				else
					q += (size_t)snprintf(line + q, sizeof(line) - q,
					    "  ");
				if (j % 2 == 1 && j + 1 < bpl)
					line[q++] = ' ';
			}
			line[q++] = ' ';
			line[q++] = ' ';
			for (j = 0; j < k; j++)
				line[q++] = p[off + j] >= 0x20 && p[off + j] < 0x7f ?
				    (char)p[off + j] : '.';
			line[q++] = '\n';
			pay_lead(l, at);
			tv_out_mem(l->o, line, q);
		}
	}
	if (len > n) {
		if (got < len && got <= TV_PAYLOAD_MAX)
			snprintf(line, sizeof(line), "(%" PRIu32 " more bytes, "
			    "not captured)", len - n);
		else
			snprintf(line, sizeof(line), "(%" PRIu32 " more bytes)",
			    len - n);
		pay_lead(l, at);
		lad_text(l, at, 0, line);
	}
}

/*
 * One packet: the arrow with its label and both states.  A label too wide
 * for the arrow goes on lines of its own above it; notes that do not fit
 * beside the row go on lines of their own below it.
 */
static void
lad_row(const struct lad *l, const struct tv_row *r, const char *kept)
{
	const struct tv_conn *c = l->c;
	char tbuf[40], own[LAB_LEN], notes[512];
	const char *ls = "", *rs = "", *lab = kept;
	int lab_fits, place;
	size_t tlen, nlen, llen;
	struct tvr_w w;

	tlen = lad_time(l, r->ts_sec, r->ts_nsec, tbuf, sizeof(tbuf));
	if (lab == NULL) {
		llen = tv_fmt_row_label(l->ro, c, r, own, sizeof(own));
		lab = own;
	} else {
		llen = strlen(lab);
	}
	nlen = tv_fmt_row_notes(l->ro, c, r, notes, sizeof(notes));
	if (c->proto == 6) {
		if (r->an.changed & 1)
			ls = tv_tcp_state_names[r->an.state[0]];
		if (r->an.changed & 2)
			rs = tv_tcp_state_names[r->an.state[1]];
	}
	lab_fits = llen + 8 <= l->inner;
	place = notes_place(l, rs, nlen);
	if (!lab_fits)
		lad_between(l, 0, "", lab, ' ', 0);
	tvr_w_begin(&w, l->o);
	lad_left_w(l, &w, r->n, tbuf, tlen, ls);
	wcol(l, &w, r->from == TV_CLIENT ? C_CLIENT : C_SERVER);
	((struct lad *)l)->lost = r->lost;
	lad_arrow(l, &w, r->from == TV_CLIENT, lab, lab_fits ? llen : 0);
	((struct lad *)l)->lost = 0;
	wcol(l, &w, C_OFF);
	((struct lad *)l)->hot = r->an.notes != 0 || r->malformed != NULL ||
	    r->truncated || r->lost;
	lad_right_w(l, &w, rs, notes, nlen, place);
	tvr_w_end(&w);
	((struct lad *)l)->hot = 0;
	if (nlen && place == NOTES_BELOW)
		lad_between(l, 0, "", notes, ' ', 0);
	if (l->ro->payload && l->pkt != NULL && l->pkt->n == r->n &&
	    l->pkt->paycap > 0)
		lad_payload(l, l->pkt->payload, l->pkt->paycap, r->len);
	else if (l->ro->payload && r->pay != NULL && r->paylen > 0)
		lad_payload(l, r->pay, r->paylen, r->len);
}

/* A run of folded data rows: one line with the totals (more if narrow). */
static void
lad_fold(const struct lad *l, const struct tv_row *first, unsigned n,
    uint64_t bytes_c, uint64_t bytes_s)
{
	static const char *const words[2][3] = {
		{ " segments:\037", " bytes ->,\037", " bytes <-" },	/* TV_SOFT */
		{ " segs:\037", " B ->,\037", " B <-" },	/* narrow: short words */
	};
	char tbuf[40], text[160];
	size_t k = 0;
	int w;

	lad_time(l, first->ts_sec, first->ts_nsec, tbuf, sizeof(tbuf));
	for (w = 0; w < 2; w++) {
		k = 0;
		tvr_catu(text, sizeof(text), &k, n);
		tvr_cats(text, sizeof(text), &k, words[w][0]);
		tvr_catu(text, sizeof(text), &k, bytes_c);
		tvr_cats(text, sizeof(text), &k, words[w][1]);
		tvr_catu(text, sizeof(text), &k, bytes_s);
		tvr_cats(text, sizeof(text), &k, words[w][2]);
		if (k + 4 <= l->inner || l->width == 0)
			break;
	}
	if (k + 4 > l->inner && l->width == 0) {
		/* no limit: the ladder is as wide as its labels; say it whole */
		lad_left(l, first->n, tbuf, "");
		tvr_str(l->o, " ");
		tvr_piece(l->o, text, k);
		tvr_str(l->o, " ");
		lad_right(l, "", "", 0, NOTES_BESIDE);
		return;
	}
	lad_between(l, first->n, tbuf, text, '~', 1);
}

/* A line of words under the rows, from the left bar's column. */
static void
lad_say(const struct lad *l, const char *text)
{
	tvr_str(l->o, l->prefix);
	tvr_pad(l->o, ' ', l->lbar - l->plen);
	lad_text(l, l->lbar, 3, text);
}

/* "== opened: ..." or "== closed: ...", in the words tv_fmt_opened() and
 * tv_fmt_closed() give every output */
static void
lad_outcome(const struct lad *l, void (*fmt)(const struct tv_tcp *, char *, size_t))
{
	char buf[240];

	memcpy(buf, "== ", 3);
	fmt(&l->c->tcp, buf + 3, sizeof(buf) - 3);
	if (fmt == tv_fmt_opened && l->c->tcp.uncaptured >= 0)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
		    " (%s not captured: the %s's ACKs prove it was sent)",
		    l->c->tcp.uncaptured ? "server->client" : "client->server",
		    tv_side_words[!l->c->tcp.uncaptured]);
	tv_out_mem(l->o, l->prefix, l->plen);
	tvr_pad(l->o, ' ', l->lbar - l->plen);
	if (l->ro->color)	/* (the words looked for only when they colour) */
		col(l, strstr(buf, "refused") || strstr(buf, "reset") ||
		    strstr(buf, "unanswered") ? C_BAD : C_GOOD);
	if (l->ro->color && strlen(buf) <= room(l, l->lbar)) {
		/* one line: the colour ends before the newline */
		tvr_piece(l->o, buf, strlen(buf));
		tvr_str(l->o, C_OFF "\n");
		return;
	}
	lad_text(l, l->lbar, 3, buf);
	col(l, C_OFF);
}

/* Set up the layout of c's ladder: `want` characters between the bars,
 * 0 to size them to the stored rows (replay; labs, when not NULL, keeps
 * the first LAB_KEPT rows' labels for drawing). */
static void
lad_init(struct lad *l, const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, size_t want, const char *prefix,
    struct tv_lad_state *ls, char (*labs)[LAB_LEN])
{
	size_t need, ends, intw, right;
	const struct tv_rowblk *b;
	unsigned i;

	l->o = o;
	l->ro = ro;
	l->c = c;
	l->ls = ls;
	l->link = NULL;
	l->pkt = NULL;
	l->hot = 0;
	l->prefix = prefix;
	l->plen = strlen(prefix);
	l->labs = labs;
	l->nlabs = 0;
	l->width = ro->width;
	/* -#: as wide as the largest frame number (replay), or as the tag
	 * of the connection keeps it (live) */
	l->ncol = 0;
	if (ro->number && want == 0) {
		l->ncol = 1;
		for (b = c->rows; b != NULL; b = b->next)
			for (i = 0; i < b->n; i++)
				if (num_digits(b->r[i].n) > l->ncol)
					l->ncol = num_digits(b->r[i].n);
	} else if (ro->number)
		l->ncol = ls->ncol;
	l->nlead = l->ncol ? l->ncol + 1 : 0;
	/* "  0.000000" or "  0.000000000": the input's precision */
	l->tdig = ro->ts_digits == 9 ? 9 : 6;
	intw = ro->tfmt == TV_T_EPOCH ? 11 : ro->tfmt == TV_T_DATE ? 19 : 4;
	l->tcol = ro->tfmt == TV_T_NONE ? 0 : intw + 1 + (size_t)l->tdig;
	l->scol = c->proto == 6 ? 12 : 0;
	right = 2 + (l->scol ? 1 + l->scol : 0);
	/* with a frame number or a long time, a narrow width gives up
	 * decimals, then the time column, before the arrows get too short */
	while ((ro->number || ro->tfmt == TV_T_EPOCH || ro->tfmt == TV_T_DATE) &&
	    l->width && l->tcol > 0 && l->plen + l->nlead + l->tcol + 2 +
	    (l->scol ? l->scol + 1 : 0) + right + FIT_INNER > l->width) {
		if (l->tdig > 3)
			l->tdig = 3;
		else if (l->tdig > 0)
			l->tdig = 0;
		else {
			l->tcol = 0;
			break;
		}
		l->tcol = intw + (l->tdig ? 1 + (size_t)l->tdig : 0);
	}
	l->lbar = l->plen + l->nlead + l->tcol + 2 + (l->scol ? l->scol + 1 : 0);
	tv_endpoint_str(&c->addr[TV_CLIENT], c->port[TV_CLIENT], l->ce,
	    sizeof(l->ce));
	tv_endpoint_str(&c->addr[TV_SERVER], c->port[TV_SERVER], l->se,
	    sizeof(l->se));
	/* wide enough for every label and both endpoints, room allowing */
	if (want == 0) {
		want = MIN_INNER;
		if ((need = max_label(l) + 8) > want)
			want = need;
	}
	ends = strlen("client ") + strlen(l->ce) + strlen("server ") +
	    strlen(l->se) + 2;
	if (ends > want)
		want = ends;
	lad_fit(l, want);
}

/* "TCP a > b  conn N  inside GRE x>y  ISN client X server Y" */
static void
lad_title(const struct lad *l, const char *ce, const char *se)
{
	const struct tv_conn *c = l->c;
	char buf[320];
	size_t k;

	k = 0;
	buf[0] = '\0';
	tvr_cats(buf, sizeof(buf), &k, tvr_proto(c->proto));
	tvr_cats(buf, sizeof(buf), &k, " ");
	tvr_cats(buf, sizeof(buf), &k, ce);
	tvr_cats(buf, sizeof(buf), &k, " > ");
	tvr_cats(buf, sizeof(buf), &k, se);
	tvr_cats(buf, sizeof(buf), &k, "  conn ");
	tvr_catu(buf, sizeof(buf), &k, c->id);
	if (c->late_of)
		tvr_cats(buf, sizeof(buf), &k, " (late)");
	if (c->part > 0) {
		tvr_cats(buf, sizeof(buf), &k, " (part ");
		tvr_catu(buf, sizeof(buf), &k, (uint64_t)c->part + 1);
		tvr_cats(buf, sizeof(buf), &k, ")");
	}
	if (c->tun.kind || c->tun.via) {
		char tb[200];

		tv_fmt_tunnel(c, tb, sizeof(tb));
		tvr_cats(buf, sizeof(buf), &k, " \037");	/* TV_SOFT */
		tvr_cats(buf, sizeof(buf), &k, tb);
	}
	if (c->proto == 6 && !l->prefix[0]) {
		/* live: ISNs come in the footer */
		int s;

		tvr_cats(buf, sizeof(buf), &k, " \037ISN");	/* TV_SOFT */
		for (s = 0; s < 2; s++) {
			tvr_cats(buf, sizeof(buf), &k, s ? " server " : " client ");
			if (c->isn_known[s])
				tvr_catu(buf, sizeof(buf), &k, c->isn[s]);
			else
				tvr_cats(buf, sizeof(buf), &k, "unseen");
		}
	}
	tvr_str(l->o, l->prefix);
	lad_text(l, l->plen, 4, buf);
}

/* "time   client A   server B", on two lines when one is too narrow */
static void
lad_columns(const struct lad *l, const char *ce, const char *se)
{
	const struct tv_out *o = l->o;
	char cl[TV_ENDPOINTSTRLEN + 8], sv[TV_ENDPOINTSTRLEN + 8];
	size_t ll, rl, gap, end, col;

	ll = 0;
	tvr_cats(cl, sizeof(cl), &ll, "client ");
	tvr_cats(cl, sizeof(cl), &ll, ce);
	rl = 0;
	tvr_cats(sv, sizeof(sv), &rl, "server ");
	tvr_cats(sv, sizeof(sv), &rl, se);
	gap = l->inner + 2 > ll + rl ? l->inner + 2 - ll - rl : 2;
	tvr_str(o, l->prefix);
	if (l->ncol) {
		tvr_pad(o, ' ', l->ncol - 1);
		tvr_str(o, "# ");
	}
	col = l->plen + l->nlead;
	if (l->tcol >= 4) {
		tvr_pad(o, ' ', l->tcol - 4);
		tvr_str(o, "time");
		col += l->tcol;
	}
	if (room(l, l->lbar + ll + gap + rl) > 0 || l->lbar + ll + gap + rl == l->width) {
		tvr_pad(o, ' ', l->lbar - col);
		tv_out_mem(o, cl, ll);
		tvr_pad(o, ' ', gap);
		tv_out_mem(o, sv, rl);
		tvr_str(o, "\n");
		return;
	}
	/* the client where it fits, the server right-aligned under it */
	if (l->lbar + ll <= l->width)
		tvr_pad(o, ' ', l->lbar - col), col = l->lbar;
	else
		tvr_pad(o, ' ', 2), col += 2;
	lad_text(l, col, 2, cl);
	end = l->lbar + l->inner + 2;
	if (end > l->width)
		end = l->width;
	col = end >= rl + l->plen ? end - rl : l->plen;
	tvr_str(o, l->prefix);
	tvr_pad(o, ' ', col - l->plen);
	lad_text(l, col, 2, sv);
}

static const char *
mac_str(const uint8_t m[6], char *buf, size_t size)
{
	snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
	    m[3], m[4], m[5]);
	return buf;
}

/* -e: "link client 00:00:00:00:00:00 server 00:..., ethertype IPv4
 * (0x0800), vlan 10", as the first packet carried it */
static void
lad_link(const struct lad *l)
{
	const struct tv_lad_link *k = l->link;
	char buf[200], a[20], b[20];
	const char *et;
	size_t n;
	unsigned i;

	tvr_str(l->o, l->prefix);
	if (k == NULL || !k->have) {
		lad_text(l, l->plen, 4, "link: not Ethernet (no MAC addresses)");
		return;
	}
	et = k->ethertype == 0x0800 ? "IPv4" : k->ethertype == 0x86dd ?
	    "IPv6" : "?";
	n = (size_t)snprintf(buf, sizeof(buf), "link client %s%cserver %s,%c"
	    "ethertype %s (0x%04x)",
	    mac_str(k->from == TV_CLIENT ? k->mac_src : k->mac_dst, a, sizeof(a)),
	    TV_SOFT,
	    mac_str(k->from == TV_CLIENT ? k->mac_dst : k->mac_src, b, sizeof(b)),
	    TV_SOFT, et, (unsigned)k->ethertype);
	for (i = 0; i < k->nvlan && n < sizeof(buf); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, ",%cvlan %u",
		    TV_SOFT, (unsigned)k->vlan[i]);
	lad_text(l, l->plen, 4, buf);
}

void
tv_lad_link_keep(struct tv_lad_link *k, const struct tv_pkt *pkt,
    enum tv_side from)
{
	if (k->have || !pkt->has_mac)
		return;
	k->have = 1;
	k->from = (uint8_t)from;
	k->nvlan = pkt->nvlan;
	memcpy(k->mac_src, pkt->mac_src, 6);
	memcpy(k->mac_dst, pkt->mac_dst, 6);
	k->ethertype = pkt->ethertype;
	memcpy(k->vlan, pkt->vlan, sizeof(k->vlan));
}

/* Header, column titles and the states before the first packet. */
static void
lad_head(const struct lad *l)
{
	const struct tv_conn *c = l->c;
	const struct tv_out *o = l->o;

	lad_title(l, l->ce, l->se);	/* the endpoints lad_init() wrote */
	if (l->ro->link)
		lad_link(l);
	lad_columns(l, l->ce, l->se);

	if (c->proto == 6 && c->part == 0) {
		/* the states before the first packet, as the tracker knows
		 * them now (live: when the first packet came) */
		lad_left(l, 0, "", tv_tcp_state_names[c->tcp.init_state[0]]);
		tvr_pad(o, ' ', l->inner);
		lad_right(l, tv_tcp_state_names[c->tcp.init_state[1]], "", 0,
		    NOTES_BESIDE);
	}
}

/* Before the first row (tv_fmt_start()): late packets of a closed
 * connection, no SYN seen, the client chosen by port. */
static void
lad_midstream(const struct lad *l, struct tv_lad_state *ls)
{
	char buf[160];
	int said;

	memcpy(buf, "== ", 3);
	said = tv_fmt_start(l->c, buf + 3, sizeof(buf) - 3);
	if (buf[3] != '\0')
		lad_say(l, buf);
	if (said & TV_START_OPEN)
		ls->said_open = 1;
	if (said & TV_START_CLOSE)
		ls->said_close = 1;
}

static void
lad_flush_fold(const struct lad *l, struct tv_lad_state *ls)
{
	if (ls->fold_n == 1)
		lad_row(l, &ls->fold_first, NULL);
	else if (ls->fold_n > 1 && l->ro->data == TV_DATA_SUMMARY)
		lad_fold(l, &ls->fold_first, ls->fold_n, ls->fold_bytes[0],
		    ls->fold_bytes[1]);
	ls->fold_n = 0;
	ls->fold_bytes[0] = ls->fold_bytes[1] = 0;
}

/* One row, folded or drawn, with the outcome lines it brings. */
static void
lad_step(const struct lad *l, struct tv_lad_state *ls, const struct tv_row *r,
    const char *lab, int partial)
{
	const struct tv_conn *c = l->c;

	if (l->ro->data != TV_DATA_FULL && foldable(l->ro, c, r)) {
		if (ls->fold_n == 0)
			ls->fold_first = *r;
		if (r->fold_n > 0) {	/* a run folded as it came */
			ls->fold_n += r->fold_n;
			ls->fold_bytes[0] += r->fold_bytes[0];
			ls->fold_bytes[1] += r->fold_bytes[1];
		} else {
			ls->fold_n++;
			ls->fold_bytes[r->from] += r->len;
		}
		return;
	}
	lad_flush_fold(l, ls);
	lad_row(l, r, lab);
	if (c->proto != 6)
		return;
	if ((r->an.events & TV_EV_OPENED) && !ls->said_open) {
		lad_outcome(l, tv_fmt_opened);
		ls->said_open = 1;
	}
	if ((r->an.events & TV_EV_CLOSED) && !ls->said_close && !partial) {
		if (!ls->said_open && c->tcp.first_had_syn) {
			lad_outcome(l, tv_fmt_opened);
			ls->said_open = 1;
		}
		lad_outcome(l, tv_fmt_closed);
		ls->said_close = 1;
	}
}

/* "== refused (ICMP port unreachable)": what the ICMP errors that
 * quoted the connection said (tv_fmt_icmp()) */
static void
lad_icmp(const struct lad *l)
{
	char buf[200];

	memcpy(buf, "== ", 3);
	tv_fmt_icmp(l->c, buf + 3, sizeof(buf) - 3);
	tvr_str(l->o, l->prefix);
	tvr_pad(l->o, ' ', l->lbar - l->plen);
	col(l, C_BAD);
	if (l->ro->color && strlen(buf) <= room(l, l->lbar)) {
		tvr_piece(l->o, buf, strlen(buf));
		tvr_str(l->o, C_OFF "\n");
		return;
	}
	lad_text(l, l->lbar, 3, buf);
	col(l, C_OFF);
}

/* The footer: packets, payload, duration, Zeek's words, anomalies. */
static void
lad_footer(const struct lad *l, enum tv_done why)
{
	char buf[640];

	tv_fmt_conn_totals(l->ro, l->c, why, l->prefix[0] != '\0', buf,
	    sizeof(buf));
	tvr_str(l->o, l->prefix);
	tvr_pad(l->o, ' ', l->nlead + l->tcol + 2);
	lad_text(l, l->plen + l->nlead + l->tcol + 2, 2, buf);
}

/* Pending folds, the outcome lines not yet said, and the footer. */
static void
lad_tail(const struct lad *l, struct tv_lad_state *ls, enum tv_done why)
{
	const struct tv_conn *c = l->c;

	lad_flush_fold(l, ls);
	if (c->proto == 6 && why != TV_DONE_PARTIAL) {
		if (!ls->said_open && c->tcp.first_had_syn)
			lad_outcome(l, tv_fmt_opened);
		if (!ls->said_close && why == TV_DONE_IDLE &&
		    tv_tcp_close(&c->tcp) == TV_CLOSE_OPEN)
			lad_say(l, "== no packet for a long while: no longer followed "
			    "(it may still be open)");
		else if (!ls->said_close)
			lad_outcome(l, tv_fmt_closed);
		ls->said_open = ls->said_close = 1;
	}
	if (c->icmp.n && why != TV_DONE_PARTIAL)
		lad_icmp(l);
	lad_footer(l, why);
	if (why == TV_DONE_PARTIAL || !l->prefix[0])
		tvr_str(l->o, "\n");
}

static void
lad_conn_link(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, enum tv_done why, const struct tv_lad_link *link)
{
	char labs[LAB_KEPT][LAB_LEN];
	struct tv_lad_state ls;
	const struct tv_rowblk *b;
	struct lad l;
	size_t k = 0;
	unsigned i;

	memset(&ls, 0, sizeof(ls));
	lad_init(&l, o, ro, c, 0, "", &ls, labs);
	l.link = link;
	lad_head(&l);
	lad_midstream(&l, &ls);
	for (b = c->rows; b != NULL; b = b->next)
		for (i = 0; i < b->n; i++, k++)
			lad_step(&l, &ls, &b->r[i], k < l.nlabs ? labs[k] : NULL,
			    why == TV_DONE_PARTIAL);
	lad_tail(&l, &ls, why);
}

void
tv_lad_conn(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, enum tv_done why)
{
	lad_conn_link(o, ro, c, why, NULL);
}

/* ---- live ladders: rows as packets arrive, tagged with the connection ---- */

static void
live_prefix(const struct tv_conn *c, char *buf, size_t size)
{
	snprintf(buf, size, "#%-3" PRIu32 " ", c->id);
}

void
tv_lad_live_packet(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, const struct tv_row *r, struct tv_lad_state *ls)
{
	tv_lad_live_pkt(o, ro, c, r, NULL, ls);
}

void
tv_lad_live_pkt(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, const struct tv_row *r, const struct tv_pkt *pkt,
    struct tv_lad_state *ls)
{
	char pre[24];
	struct lad l;

	live_prefix(c, pre, sizeof(pre));
	/* -#: room for a million frames, more when they come */
	if (ro->number && ls->ncol < 6)
		ls->ncol = 6;
	if (ro->number && num_digits(r->n) > ls->ncol)
		ls->ncol = (uint8_t)num_digits(r->n);
	lad_init(&l, o, ro, c, LIVE_INNER, pre, ls, NULL);
	if (pkt != NULL && ro->link)
		tv_lad_link_keep(&ls->link, pkt, r->from);
	l.link = &ls->link;
	l.pkt = pkt;
	if (!ls->started) {
		lad_head(&l);
		lad_midstream(&l, ls);
		ls->started = 1;
	}
	lad_step(&l, ls, r, NULL, 0);
}

void
tv_lad_live_done(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, enum tv_done why, struct tv_lad_state *ls)
{
	char pre[24];
	struct lad l;

	if (why == TV_DONE_PARTIAL)
		return;
	live_prefix(c, pre, sizeof(pre));
	if (ro->number && ls->ncol == 0)
		ls->ncol = 6;
	lad_init(&l, o, ro, c, LIVE_INNER, pre, ls, NULL);
	lad_tail(&l, ls, why);
}

void
tv_lad_live_say(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, struct tv_lad_state *ls, const char *text)
{
	char pre[24];
	struct lad l;

	if (!ls->started)
		return;
	live_prefix(c, pre, sizeof(pre));
	if (ro->number && ls->ncol == 0)
		ls->ncol = 6;
	lad_init(&l, o, ro, c, LIVE_INNER, pre, ls, NULL);
	lad_flush_fold(&l, ls);		/* what came before it, first */
	lad_say(&l, text);
}

static void
lad_call_text(const struct lad *l, enum tv_side side, const char *text)
{
	col(l, side == TV_CLIENT ? C_CLIENT : C_SERVER);
	tvr_str(l->o, text);
	col(l, C_OFF);
}

/*
 * A program's socket call on its side of the ladder: the client's before
 * the left bar, right-aligned (with its time when there is room, else in
 * the time column's place), the server's after the right bar.  A call
 * with no room there goes between the bars, against its side's bar.
 */
static void
lad_call(const struct lad *l, enum tv_side side, const char *tbuf, const char *text)
{
	size_t n = strlen(text), w = l->lbar - l->plen - l->nlead;
	int inside = side == TV_CLIENT ? n + 1 > w :
	    n + 1 > room(l, l->lbar + l->inner + 2);

	if (inside && n + 4 > l->inner) {
		lad_between(l, 0, tbuf, text, ' ', 0);
		return;
	}
	if (side == TV_CLIENT && !inside) {
		tvr_str(l->o, l->prefix);
		tvr_pad(l->o, ' ', l->nlead);
		if (l->tcol && l->tcol + 2 + n + 1 <= w) {
			tvr_field(l->o, tbuf, l->tcol, 0);
			tvr_pad(l->o, ' ', w - l->tcol - n - 1);
		} else
			tvr_pad(l->o, ' ', w - n - 1);
		lad_call_text(l, side, text);
		tvr_str(l->o, " |");
	} else
		lad_left(l, 0, tbuf, "");
	if (inside && side == TV_CLIENT) {
		tvr_str(l->o, "  ");
		lad_call_text(l, side, text);
		tvr_pad(l->o, ' ', l->inner - n - 2);
	} else if (inside) {
		tvr_pad(l->o, ' ', l->inner - n - 2);
		lad_call_text(l, side, text);
		tvr_str(l->o, "  ");
	} else
		tvr_pad(l->o, ' ', l->inner);
	tvr_str(l->o, "|");
	if (side == TV_SERVER && !inside) {
		tvr_str(l->o, " ");
		lad_call_text(l, side, text);
	}
	tvr_str(l->o, "\n");
}

void
tv_lad_live_call(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, struct tv_lad_state *ls, enum tv_side side,
    int64_t sec, uint32_t nsec, const char *text)
{
	char pre[24], tbuf[40];
	struct lad l;

	live_prefix(c, pre, sizeof(pre));
	if (ro->number && ls->ncol == 0)
		ls->ncol = 6;
	lad_init(&l, o, ro, c, LIVE_INNER, pre, ls, NULL);
	if (!ls->started) {	/* a call before the first packet is drawn */
		lad_head(&l);
		lad_midstream(&l, ls);
		ls->started = 1;
	}
	lad_flush_fold(&l, ls);
	lad_time(&l, sec, nsec, tbuf, sizeof(tbuf));
	lad_call(&l, side, tbuf, text);
}

/* ---- the two ladder renderers ---- */

/*
 * Replay keeps every row of a connection until it is drawn: a run of rows
 * that --data=summary (or none) folds is kept as one row as it comes, so
 * a long transfer costs a few rows, not one per packet.  A run stops
 * taking rows before its byte counts could overflow; the drawing folds
 * consecutive runs together again.
 */
int
tv_lad_merge(const struct tv_render_opts *ro, const struct tv_conn *c,
    struct tv_row *last, const struct tv_row *r)
{
	uint32_t n;

	if (ro->data == TV_DATA_FULL || !foldable(ro, c, last) || !foldable(ro, c, r))
		return 0;
	if (last->fold_n == 0) {
		last->fold_n = 1;
		last->fold_bytes[last->from] = last->len;
	}
	n = last->fold_bytes[r->from];
	if (last->fold_n == UINT32_MAX || n > UINT32_MAX - r->len)
		return 0;
	last->fold_n++;
	last->fold_bytes[r->from] = n + r->len;
	return 1;
}

/*
 * What the stored ladder keeps aside for a connection: its link layer
 * (-e), and with -A or -X the payload of its rows, copied into chunks of
 * PAY_CHUNK bytes (one allocation for many packets), freed once drawn.
 */
#define PAY_CHUNK (16 * 1024)
struct pay_chunk {
	struct pay_chunk *next;
	size_t used;
	uint8_t b[PAY_CHUNK];
};
struct lad_user {
	struct tv_lad_link link;
	struct pay_chunk *chunks;
};

static void
ladder_conn(const struct tv_rctx *x, struct tv_conn *c, enum tv_done why)
{
	struct lad_user *u = tv_conn_user(c);
	struct pay_chunk *k, *next;

	lad_conn_link(x->out, x->ro, c, why, &u->link);
	/* the rows drawn are freed (a PARTIAL's too): so is their payload */
	for (k = u->chunks; k != NULL; k = next) {
		next = k->next;
		free(k);
	}
	u->chunks = NULL;
}

static void
ladder_packet(const struct tv_rctx *x, struct tv_conn *c,
    const struct tv_pkt *pkt, enum tv_side from, const struct tv_row *row)
{
	struct lad_user *u = tv_conn_user(c);
	struct tv_row *last;
	struct pay_chunk *k;
	uint32_t n;

	(void)row;
	if (x->ro->link)
		tv_lad_link_keep(&u->link, pkt, from);
	if (!x->ro->payload || pkt->paycap == 0 || c->rows_tail == NULL ||
	    c->rows_tail->n == 0)
		return;
	last = &c->rows_tail->r[c->rows_tail->n - 1];
	if (last->n != pkt->n || last->fold_n > 0)	/* not its own row */
		return;
	n = pkt->paycap < TV_PAYLOAD_MAX ? pkt->paycap : TV_PAYLOAD_MAX;
	if ((k = u->chunks) == NULL || k->used + n > PAY_CHUNK) {
		if ((k = malloc(sizeof(*k))) == NULL)
			return;		/* drawn without its payload */
		k->used = 0;
		k->next = u->chunks;
		u->chunks = k;
	}
	memcpy(k->b + k->used, pkt->payload, n);
	last->pay = k->b + k->used;
	last->paylen = (uint16_t)n;
	k->used += n;
}

static void
text_end(const struct tv_rctx *x, const struct tv_totals *t)
{
	tv_text_totals(x->out, x->ro, t);
}

const struct tv_renderer tv_render_ladder = {
	.name = "text",
	.keep_rows = 1,
	.batch = 1,
	.conn_size = sizeof(struct lad_user),
	.packet = ladder_packet,
	.conn = ladder_conn,
	.end = text_end,
	.merge = tv_lad_merge,
};

static void
live_packet(const struct tv_rctx *x, struct tv_conn *c, const struct tv_pkt *pkt,
    enum tv_side from, const struct tv_row *row)
{
	(void)from;
	tv_lad_live_pkt(x->out, x->ro, c, row, pkt, tv_conn_user(c));
}

static void
live_conn(const struct tv_rctx *x, struct tv_conn *c, enum tv_done why)
{
	tv_lad_live_done(x->out, x->ro, c, why, tv_conn_user(c));
}

const struct tv_renderer tv_render_live = {
	.name = "text",
	.live = 1,
	.conn_size = sizeof(struct tv_lad_state),
	.wants_row = 1,
	.packet = live_packet,
	.conn = live_conn,
	.end = text_end,
};
