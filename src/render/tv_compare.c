/* \summary: --compare: flows side by side on one time axis, each from its first packet, and the metrics table under them (docs/compare.md) */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tv_cmp.h"
#include "tv_render.h"
#include "tv_render-int.h"
#include "tv_tcp.h"

#define CMP_TIME_W	11	/* "123.456789 " */
#define CMP_ARROW_MIN	22	/* the narrowest arrow a column is drawn with */
#define CMP_ARROW_MAX	64
#define CMP_ARROW_FREE	40	/* with no width limit */
#define CMP_LINE_MAX	1024

/* A flow being compared: its rows (its own copies, folded as the ladder
 * folds them), and once it ended, what it was. */
struct cmp_flow {
	uint32_t id;
	int done;
	struct tv_row *rows;
	size_t nrows, cap;
	uint64_t rows_left_out;	/* past TV_FLOW_MAX_ROWS */
	uint64_t late;		/* late packets after its close (tv_conn.late_of):
				   drawn, not in its numbers */
	int64_t first_ns;
	/* at its end: the connection as it was (its rows pointers cleared),
	 * for the labels' relative numbers */
	struct tv_conn conn;
	char ce[TV_ENDPOINTSTRLEN], se[TV_ENDPOINTSTRLEN];
	char outcome[96];
	char icmp[160];
	struct tv_cmp_metrics m;
};

struct cmp_self {
	struct cmp_flow f[TV_CMP_MAX_FLOWS];
	unsigned n;
	uint64_t left_out;	/* flows not compared */
};

static int64_t
row_ns(const struct tv_row *r)
{
	return r->ts_sec * 1000000000LL + r->ts_nsec;
}

/* The slot of c: found, or taken at c's first packet when c is one of
 * those asked for and there is room; -1 when c is not compared. */
static int
cmp_slot(struct cmp_self *s, const struct tv_render_opts *ro,
    const struct tv_conn *c, int may_take)
{
	unsigned i;

	for (i = 0; i < s->n; i++)
		if (s->f[i].id == c->id)
			return (int)i;
	if (!may_take || s->n == TV_CMP_MAX_FLOWS)
		return -1;
	if (ro->ncmp > 0) {
		for (i = 0; i < ro->ncmp && ro->cmp_ids[i] != c->id; i++)
			;
		if (i == ro->ncmp)
			return -1;
	}
	memset(&s->f[s->n], 0, sizeof(s->f[s->n]));
	s->f[s->n].id = c->id;
	return (int)s->n++;
}

/* Keep a copy of row r for flow f, folded into the last one when the
 * ladder would fold it. */
static void
cmp_keep(struct cmp_flow *f, const struct tv_render_opts *ro,
    const struct tv_conn *c, const struct tv_row *r)
{
	struct tv_row *p;

	if (f->nrows == 0)
		f->first_ns = row_ns(r);
	if (f->nrows > 0 && !r->icmp && !f->rows[f->nrows - 1].icmp &&
	    tv_lad_merge(ro, c, &f->rows[f->nrows - 1], r))
		return;
	if (f->nrows == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;

		if (f->cap >= TV_FLOW_MAX_ROWS ||
		    (p = realloc(f->rows, cap * sizeof(*p))) == NULL) {
			f->rows_left_out++;
			return;
		}
		f->rows = p;
		f->cap = cap;
	}
	f->rows[f->nrows] = *r;
	f->rows[f->nrows].pay = NULL;	/* the payload is not kept */
	f->rows[f->nrows].paylen = 0;
	f->nrows++;
}

static void
cmp_packet(const struct tv_rctx *x, struct tv_conn *c,
    const struct tv_pkt *pkt, enum tv_side from, const struct tv_row *row)
{
	struct cmp_self *s = x->self;
	int k = cmp_slot(s, x->ro, c, 1);

	if (k < 0 || row == NULL)
		return;
	if (c->late_of)
		s->f[k].late++;
	else if (!row->icmp)
		tv_cmp_acc_packet(tv_conn_user(c), c, pkt, from);
	cmp_keep(&s->f[k], x->ro, c, row);
}

/* "SF ShADadFf"; a UDP flow an ICMP error answered: "refused" */
static void
cmp_outcome(const struct tv_conn *c, char *buf, size_t size)
{
	const char *icmp = tv_icmp_outcome(c);

	if (c->proto == 6)
		snprintf(buf, size, "%s %s", tv_tcp_conn_state(&c->tcp),
		    c->tcp.history);
	else if (icmp != NULL)
		snprintf(buf, size, "%s", icmp);
	else
		snprintf(buf, size, "%s %s",
		    tv_udp_conn_state(c->pkts[0], c->pkts[1]), c->tcp.history);
}

static void
cmp_conn(const struct tv_rctx *x, struct tv_conn *c, enum tv_done why)
{
	struct cmp_self *s = x->self;
	int k = cmp_slot(s, x->ro, c, 0);
	struct cmp_flow *f;

	if (why == TV_DONE_PARTIAL)
		return;		/* its rows go on in the slot's own copy */
	if (k < 0) {
		if (x->ro->ncmp == 0 && !c->late_of)	/* more than the default takes */
			s->left_out++;
		return;
	}
	f = &s->f[k];
	if (f->done)
		return;		/* late packets of it: its numbers stand */
	f->done = 1;
	f->conn = *c;
	f->conn.rows = f->conn.rows_tail = NULL;
	tv_endpoint_str(&c->addr[TV_CLIENT], c->port[TV_CLIENT], f->ce, sizeof(f->ce));
	tv_endpoint_str(&c->addr[TV_SERVER], c->port[TV_SERVER], f->se, sizeof(f->se));
	cmp_outcome(c, f->outcome, sizeof(f->outcome));
	tv_fmt_icmp(c, f->icmp, sizeof(f->icmp));
	tv_cmp_metrics(tv_conn_user(c), c, &f->m);
}

/* ---- the view ---- */

struct cmp_lay {
	size_t width;		/* of a line (0: none) */
	size_t arrow;		/* columns between a flow's bars */
	size_t col;		/* a flow's columns: bar, arrow, bar, gap */
	unsigned across;	/* flows side by side (stacked: 1) */
};

/* Side by side when every flow gets an arrow of CMP_ARROW_MIN, else one
 * at a time (stacked). */
static void
cmp_layout(struct cmp_lay *L, unsigned n, unsigned width)
{
	size_t w = width ? width : CMP_TIME_W + n * (CMP_ARROW_FREE + 3);

	if (w > CMP_LINE_MAX - 1)
		w = CMP_LINE_MAX - 1;
	L->width = w;
	L->across = (unsigned)((w - CMP_TIME_W) / (CMP_ARROW_MIN + 3));
	if (L->across > n)
		L->across = n;
	if (L->across < 1)
		L->across = 1;
	L->arrow = (w - CMP_TIME_W) / L->across;
	L->arrow = L->arrow > 3 ? L->arrow - 3 : 1;
	if (L->arrow > CMP_ARROW_MAX)
		L->arrow = CMP_ARROW_MAX;
	L->col = L->arrow + 3;
}

/* s at column x of line, at most n characters of it, within the line */
static void
put(char *line, size_t w, size_t x, const char *s, size_t n)
{
	size_t k = strlen(s);

	if (k > n)
		k = n;
	if (x >= w)
		return;
	if (x + k > w)
		k = w - x;
	memcpy(line + x, s, k);
}

/* The line, trailing spaces left off, and a newline. */
static void
emit(const struct tv_out *o, char *line, size_t w)
{
	while (w > 0 && line[w - 1] == ' ')
		w--;
	tv_out_mem(o, line, w);
	tv_out_mem(o, "\n", 1);
}

/* How much of label fits in room columns: all, or up to its last whole
 * word that does. */
static size_t
fit_label(const char *label, size_t room)
{
	size_t n = strlen(label), i;

	if (n <= room)
		return n;
	for (i = room; i > 0 && label[i] != ' '; i--)
		;
	return i > 0 ? i : room;
}

/*
 * The arrow of row r in `a` columns (a >= 8): "-- LABEL ------>" from the
 * client, "<-- LABEL ------" from the server; a lost one stops at an X
 * two thirds of the way ("-- LABEL ---X", "X-- LABEL ---"); a folded run
 * is "~~ 12 segs: 1200 B ->, 0 B <- ~~~".
 */
static void
cmp_arrow(char *dst, size_t a, const char *label, const struct tv_row *r)
{
	int fold = r->fold_n > 1;
	size_t n, x;

	memset(dst, fold ? '~' : '-', a);
	if (fold || r->from == TV_CLIENT) {
		n = fit_label(label, a - 6);
		dst[2] = ' ';
		memcpy(dst + 3, label, n);
		dst[3 + n] = ' ';
		if (!fold && !r->lost)
			dst[a - 1] = '>';
		if (!fold && r->lost) {
			x = a * 2 / 3 > n + 5 ? a * 2 / 3 : n + 5;
			x = x < a ? x : a - 1;
			dst[x] = 'X';
			memset(dst + x + 1, ' ', a - x - 1);
		}
		return;
	}
	x = r->lost ? a / 3 : 0;	/* where the arrow ends */
	memset(dst, ' ', x);
	dst[x] = r->lost ? 'X' : '<';
	n = fit_label(label, a - x - 6);
	dst[x + 3] = ' ';
	memcpy(dst + x + 4, label, n);
	dst[x + 4 + n] = ' ';
}

static void
cmp_label(const struct tv_render_opts *ro, const struct cmp_flow *f,
    const struct tv_row *r, char *buf, size_t size)
{
	if (r->fold_n > 1)
		snprintf(buf, size, "%" PRIu32 " segs: %" PRIu32 " B ->, %"
		    PRIu32 " B <-", r->fold_n, r->fold_bytes[0],
		    r->fold_bytes[1]);
	else {
		/* what the tracker saw in it, first: cut, the label goes */
		const char *tag = r->an.notes & TV_NOTE_AFTER_CLOSE ? "late " :
		    r->an.notes & TV_NOTE_SPURIOUS ? "spurious " :
		    r->an.notes & TV_NOTE_RETRANS ? "retx " :
		    r->an.notes & TV_NOTE_OUT_OF_ORDER ? "ooo " :
		    r->an.notes & TV_NOTE_DUP_ACK ? "dup-ack " : "";
		size_t k = strlen(tag);

		snprintf(buf, size, "%s", tag);
		tv_fmt_row_label(ro, &f->conn, r, buf + k, size - k);
	}
}

/* The flows' titles over their columns: "#1 TCP", then the client's
 * endpoint at the left bar and the server's at the right one (on a line
 * of its own when both do not fit). */
static void
cmp_heads(const struct tv_out *o, const struct cmp_lay *L,
    struct cmp_flow *const *fl, unsigned n)
{
	char line[CMP_LINE_MAX], t[80];
	unsigned j;
	int two = 0;

	memset(line, ' ', L->width);
	for (j = 0; j < n; j++) {
		snprintf(t, sizeof(t), "#%" PRIu32 " %s", fl[j]->id,
		    tvr_proto(fl[j]->conn.proto));
		put(line, L->width, CMP_TIME_W + j * L->col, t, L->col - 1);
		if (strlen(fl[j]->ce) + strlen(fl[j]->se) + 1 > L->arrow + 2)
			two = 1;
	}
	emit(o, line, L->width);
	for (int pass = 0; pass < 1 + two; pass++) {
		memset(line, ' ', L->width);
		if (pass == two)
			put(line, L->width, 0, "    time", CMP_TIME_W);
		for (j = 0; j < n; j++) {
			size_t x0 = CMP_TIME_W + j * L->col;
			size_t sl = strlen(fl[j]->se);

			if (pass == 0)
				put(line, L->width, x0, fl[j]->ce, L->arrow + 2);
			if (pass == two)
				put(line, L->width, sl < L->arrow + 2 ?
				    x0 + L->arrow + 2 - sl : x0, fl[j]->se,
				    L->arrow + 2);
		}
		emit(o, line, L->width);
	}
}

/* One row of flow j among n: the time since its first packet, the bars
 * of every flow alive then, its arrow. */
static void
cmp_row(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct cmp_lay *L, struct cmp_flow *const *fl, unsigned n,
    unsigned j, const struct tv_row *r)
{
	char line[CMP_LINE_MAX], t[40], label[200];
	int64_t rel = row_ns(r) - fl[j]->first_ns;
	unsigned i;

	memset(line, ' ', L->width);
	tvr_secs(t, sizeof(t), rel, ro->ts_digits ? ro->ts_digits : 6);
	put(line, L->width, CMP_TIME_W - 1 > strlen(t) ?
	    CMP_TIME_W - 1 - strlen(t) : 0, t, CMP_TIME_W - 1);
	for (i = 0; i < n; i++) {
		const struct cmp_flow *g = fl[i];
		size_t x0 = CMP_TIME_W + i * L->col;

		if (g->nrows == 0 || rel > row_ns(&g->rows[g->nrows - 1]) -
		    g->first_ns)
			continue;	/* ended before this time */
		put(line, L->width, x0, "|", 1);
		put(line, L->width, x0 + L->arrow + 1, "|", 1);
	}
	cmp_label(ro, fl[j], r, label, sizeof(label));
	if (L->arrow >= 8)
		cmp_arrow(line + CMP_TIME_W + j * L->col + 1, L->arrow, label, r);
	emit(o, line, L->width);
}

/* Flows fl[0..n) side by side: every row of each in the order of its
 * time since its own first packet (ties: the flow further left first). */
static void
cmp_view(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct cmp_lay *L, struct cmp_flow *const *fl, unsigned n)
{
	size_t at[TV_CMP_MAX_FLOWS] = { 0 };
	unsigned j, best;
	int64_t t, bt;
	char line[CMP_LINE_MAX];

	cmp_heads(o, L, fl, n);
	for (;;) {
		best = n;
		bt = 0;
		for (j = 0; j < n; j++) {
			if (at[j] == fl[j]->nrows)
				continue;
			t = row_ns(&fl[j]->rows[at[j]]) - fl[j]->first_ns;
			if (best == n || t < bt) {
				best = j;
				bt = t;
			}
		}
		if (best == n)
			break;
		cmp_row(o, ro, L, fl, n, best, &fl[best]->rows[at[best]]);
		at[best]++;
	}
	for (j = 0; j < n; j++) {
		if (fl[j]->rows_left_out == 0)
			continue;
		snprintf(line, sizeof(line), "(#%" PRIu32 ": %" PRIu64
		    " more rows not drawn)", fl[j]->id, fl[j]->rows_left_out);
		tv_out_para(o, (unsigned)L->width, 1, line);
	}
}

/* ---- the metrics table ---- */

enum {
	M_PKTS, M_WIRE, M_PAY, M_PDELIV, M_OVER, M_SETUP, M_RESP, M_CLOSE, M_SENT,
	M_DELIV, M_LOST, M_DUP, M_REORD, M_RETX, M_RECOV, M_DUR, M_GOOD,
	M_OUT, M_COUNT
};

static const char *const m_names[M_COUNT] = {
	"packets ->, <-", "wire bytes ->, <-", "payload bytes ->, <-",
	"payload delivered ->, <-", "overhead", "before the first message", "first answer after",
	"packets closing", "messages sent ->, <-", "delivered ->, <-",
	"lost ->, <-", "duplicated ->, <-", "reordered ->, <-",
	"retransmissions ->, <-", "recovery time", "duration", "goodput",
	"outcome",
};

#define M_CELL 48

static void
pair(char *b, const uint64_t v[2], const char *how)
{
	snprintf(b, M_CELL, "%" PRIu64 ", %" PRIu64 "%s%s", v[0], v[1],
	    how ? " " : "", how ? how : "");
}

static void
secs(char *b, int64_t ns, const char *none)
{
	if (ns < 0) {
		snprintf(b, M_CELL, "%s", none);
		return;
	}
	tvr_secs(b, M_CELL - 2, ns, 6);
	strcat(b, " s");
}

/* A rate in bit/s as "12.3 kbit/s". */
static void
rate(char *b, uint64_t bps)
{
	static const char *const unit[] = { "bit/s", "kbit/s", "Mbit/s", "Gbit/s" };
	double v = (double)bps;
	unsigned u = 0;

	while (v >= 1000 && u < 3) {
		v /= 1000;
		u++;
	}
	snprintf(b, M_CELL, u ? "%.1f %s" : "%.0f %s", v, unit[u]);
}

/* Flow f's cells of the table, each defined in docs/compare.md. */
static void
cmp_cells(const struct cmp_flow *f, char cell[M_COUNT][M_CELL])
{
	const struct tv_cmp_metrics *m = &f->m;
	int tcp = f->conn.proto == 6;
	const char *dh = m->delivered_how == TV_CMP_BOTH_ENDS ? "(both ends)" :
	    m->delivered_how == TV_CMP_INFERRED ? "(inferred)" : NULL;

	pair(cell[M_PKTS], m->pkts, NULL);
	pair(cell[M_WIRE], m->wire, NULL);
	pair(cell[M_PAY], m->payload, NULL);
	if (m->pay_delivered_how == TV_CMP_NOT_KNOWN)
		snprintf(cell[M_PDELIV], M_CELL, "not known (one end)");
	else
		pair(cell[M_PDELIV], m->pay_delivered, m->pay_delivered_how ==
		    TV_CMP_BOTH_ENDS ? "(both ends)" : "(acked)");
	snprintf(cell[M_OVER], M_CELL, "%u.%u %%", m->overhead_pm / 10,
	    m->overhead_pm % 10);
	if (m->setup_ns < 0)
		snprintf(cell[M_SETUP], M_CELL, "no message");
	else {
		snprintf(cell[M_SETUP], M_CELL, "%" PRIu64 " pkts, ", m->setup_pkts);
		secs(cell[M_SETUP] + strlen(cell[M_SETUP]), m->setup_ns, "");
	}
	secs(cell[M_RESP], m->resp_ns, "none");
	snprintf(cell[M_CLOSE], M_CELL, tcp ? "%" PRIu64 : "none (UDP)",
	    m->close_pkts);
	pair(cell[M_SENT], m->sent, NULL);
	if (m->delivered_how == TV_CMP_NOT_KNOWN) {
		snprintf(cell[M_DELIV], M_CELL, "not known (one end)");
		snprintf(cell[M_LOST], M_CELL, "not known (one end)");
	} else {
		pair(cell[M_DELIV], m->delivered, dh);
		pair(cell[M_LOST], m->lost, dh);
	}
	pair(cell[M_DUP], m->dup, NULL);
	if (m->reord_how == TV_CMP_NOT_KNOWN)
		snprintf(cell[M_REORD], M_CELL, "not known (UDP)");
	else
		pair(cell[M_REORD], m->reord, NULL);
	if (tcp) {
		pair(cell[M_RETX], m->retrans, NULL);
		secs(cell[M_RECOV], m->recovery_ns, "");
	} else {
		snprintf(cell[M_RETX], M_CELL, "none (UDP)");
		snprintf(cell[M_RECOV], M_CELL, "-");
	}
	secs(cell[M_DUR], m->duration_ns, "");
	rate(cell[M_GOOD], m->goodput_bps);
	snprintf(cell[M_OUT], M_CELL, "%.47s", f->outcome);
}

/* Flows fl[0..n) of the table: the header, then a metric a line. */
static void
cmp_table_part(const struct tv_out *o, struct cmp_flow *const *fl, unsigned n,
    char (*cell)[M_COUNT][M_CELL], const size_t *cw, size_t lw)
{
	char line[CMP_LINE_MAX], t[80];
	size_t total = lw, k;
	unsigned i, j;

	for (j = 0; j < n; j++)
		total += cw[j];
	memset(line, ' ', total);
	for (j = 0, k = lw; j < n; k += cw[j++]) {
		snprintf(t, sizeof(t), "#%" PRIu32 " %s", fl[j]->id,
		    tvr_proto(fl[j]->conn.proto));
		put(line, total, k, t, cw[j]);
	}
	emit(o, line, total);
	for (i = 0; i < M_COUNT; i++) {
		memset(line, ' ', total);
		put(line, total, 0, m_names[i], lw);
		for (j = 0, k = lw; j < n; k += cw[j++])
			put(line, total, k, cell[j][i], cw[j]);
		emit(o, line, total);
	}
}

/* The table: a metric a line, a flow a column, as many columns as the
 * width holds, the next ones under them; a flow whose column alone does
 * not fit, in lines of "metric: value" of its own. */
static void
cmp_table(const struct tv_out *o, unsigned width, struct cmp_flow *const *fl,
    unsigned n)
{
	char cell[TV_CMP_MAX_FLOWS][M_COUNT][M_CELL], line[CMP_LINE_MAX];
	size_t lw = 0, cw[TV_CMP_MAX_FLOWS], room, used;
	unsigned i, j, k;

	for (i = 0; i < M_COUNT; i++)
		lw = strlen(m_names[i]) > lw ? strlen(m_names[i]) : lw;
	lw += 2;
	room = width ? width : CMP_LINE_MAX - 1;
	for (j = 0; j < n; j++) {
		cmp_cells(fl[j], cell[j]);
		for (cw[j] = 8, i = 0; i < M_COUNT; i++)
			if (strlen(cell[j][i]) + 2 > cw[j])
				cw[j] = strlen(cell[j][i]) + 2;
	}
	for (j = 0; j < n; j = k) {
		for (k = j, used = lw; k < n && used + cw[k] - 2 <= room; k++)
			used += cw[k];
		if (j > 0)
			tv_out_mem(o, "\n", 1);
		if (k > j) {
			cmp_table_part(o, fl + j, k - j, cell + j, cw + j, lw);
			continue;
		}
		snprintf(line, sizeof(line), "#%" PRIu32 " %s %s > %s", fl[j]->id,
		    tvr_proto(fl[j]->conn.proto), fl[j]->ce, fl[j]->se);
		tv_out_para(o, width, 4, line);
		for (i = 0; i < M_COUNT; i++) {
			snprintf(line, sizeof(line), "  %s: %s", m_names[i],
			    cell[j][i]);
			tv_out_para(o, width, 4, line);
		}
		k = j + 1;
	}
}

/* The flows that ended, in the order they began (their ids). */
static unsigned
cmp_done_flows(struct cmp_self *s, struct cmp_flow **fl)
{
	unsigned i, j, n = 0;

	for (i = 0; i < s->n; i++)
		if (s->f[i].done)
			fl[n++] = &s->f[i];
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && fl[j - 1]->id > fl[j]->id; j--) {
			struct cmp_flow *t = fl[j];

			fl[j] = fl[j - 1];
			fl[j - 1] = t;
		}
	return n;
}

static void
cmp_free(struct cmp_self *s)
{
	unsigned i;

	for (i = 0; i < s->n; i++) {
		free(s->f[i].rows);
		s->f[i].rows = NULL;
	}
	s->n = 0;
}

/* Under the view, what the table does not say of flow f: the ICMP error
 * that answered it, its late packets. */
static void
cmp_said(const struct tv_out *o, unsigned w, const struct cmp_flow *f)
{
	char line[240];

	if (f->icmp[0]) {
		snprintf(line, sizeof(line), "#%" PRIu32 ": %s", f->id, f->icmp);
		tv_out_para(o, w, 4, line);
	}
	if (f->late) {
		snprintf(line, sizeof(line), "#%" PRIu32 ": %" PRIu64 " late packet%s "
		    "after its close, drawn (not counted in the table)", f->id,
		    f->late, f->late == 1 ? "" : "s");
		tv_out_para(o, w, 4, line);
	}
}

static void
cmp_end(const struct tv_rctx *x, const struct tv_totals *t)
{
	struct cmp_self *s = x->self;
	struct cmp_flow *fl[TV_CMP_MAX_FLOWS];
	unsigned n = cmp_done_flows(s, fl), j, w = x->ro->width;
	struct cmp_lay L;
	char line[240];

	cmp_layout(&L, n ? n : 1, w);
	if (n == 0) {
		tv_out_para(x->out, w, 0, "compare: no flow to compare");
	} else {
		snprintf(line, sizeof(line), "compare: %u flow%s, each from its "
		    "first packet%s%s", n, n == 1 ? "" : "s", L.across < n ?
		    "; side by side they do not fit, so " : "", L.across == 1 &&
		    n > 1 ? "one under another" : L.across < n ? "in groups" : "");
		tv_out_para(x->out, w, 0, line);
		for (j = 0; j < n; j += L.across) {
			tv_out_mem(x->out, "\n", 1);
			cmp_view(x->out, x->ro, &L, fl + j,
			    n - j < L.across ? n - j : L.across);
		}
		for (j = 0; j < n; j++)
			cmp_said(x->out, w, fl[j]);
		tv_out_mem(x->out, "\n", 1);
		cmp_table(x->out, w, fl, n);
	}
	if (s->left_out) {
		snprintf(line, sizeof(line), "(%" PRIu64 " more flow%s not "
		    "compared: pick at most %d with --compare=ID,...)",
		    s->left_out, s->left_out == 1 ? "" : "s", TV_CMP_MAX_FLOWS);
		tv_out_para(x->out, w, 1, line);
	}
	tv_out_mem(x->out, "\n", 1);
	tv_text_totals(x->out, x->ro, t);
	cmp_free(s);
}

/* ---- JSON: a "compare" object per flow ---- */

static void
jpair(const struct tv_out *o, const char *key, const uint64_t v[2], int known)
{
	if (known)
		tv_out_printf(o, ",\"%s\":[%" PRIu64 ",%" PRIu64 "]", key, v[0], v[1]);
	else
		tv_out_printf(o, ",\"%s\":null", key);
}

static void
jsecs(const struct tv_out *o, const char *key, int64_t ns)
{
	char b[40];

	if (ns < 0) {
		tv_out_printf(o, ",\"%s\":null", key);
		return;
	}
	tvr_secs(b, sizeof(b), ns, 9);
	tv_out_printf(o, ",\"%s\":%s", key, b);
}

static void
cmp_json_flow(const struct tv_out *o, const struct cmp_flow *f)
{
	const struct tv_cmp_metrics *m = &f->m;
	int tcp = f->conn.proto == 6;
	int dk = m->delivered_how != TV_CMP_NOT_KNOWN;

	tv_out_printf(o, "{\"type\":\"compare\",\"conn\":%" PRIu32
	    ",\"proto\":\"%s\",\"client\":\"%s\",\"server\":\"%s\"", f->id,
	    tcp ? "tcp" : "udp", f->ce, f->se);
	jpair(o, "packets", m->pkts, 1);
	jpair(o, "wire_bytes", m->wire, 1);
	jpair(o, "payload_bytes", m->payload, 1);
	jpair(o, "payload_delivered", m->pay_delivered,
	    m->pay_delivered_how != TV_CMP_NOT_KNOWN);
	tv_out_printf(o, ",\"overhead_pct\":%u.%u,\"setup_packets\":%" PRIu64,
	    m->overhead_pm / 10, m->overhead_pm % 10, m->setup_pkts);
	jsecs(o, "setup_s", m->setup_ns);
	jsecs(o, "first_answer_s", m->resp_ns);
	tv_out_printf(o, ",\"closing_packets\":%" PRIu64, m->close_pkts);
	jpair(o, "sent", m->sent, 1);
	jpair(o, "delivered", m->delivered, dk);
	jpair(o, "lost", m->lost, dk);
	tv_out_printf(o, ",\"delivery_known\":\"%s\"",
	    tv_cmp_how_names[m->delivered_how]);
	jpair(o, "duplicated", m->dup, 1);
	jpair(o, "reordered", m->reord, m->reord_how != TV_CMP_NOT_KNOWN);
	jpair(o, "retransmissions", m->retrans, tcp);
	jsecs(o, "recovery_s", tcp ? m->recovery_ns : -1);
	jsecs(o, "duration_s", m->duration_ns);
	tv_out_printf(o, ",\"goodput_bps\":%" PRIu64 ",\"outcome\":\"%s\"}\n",
	    m->goodput_bps, f->outcome);
}

static void
cmp_json_end(const struct tv_rctx *x, const struct tv_totals *t)
{
	struct cmp_self *s = x->self;
	struct cmp_flow *fl[TV_CMP_MAX_FLOWS];
	unsigned n = cmp_done_flows(s, fl), j;

	(void)t;
	for (j = 0; j < n; j++)
		cmp_json_flow(x->out, fl[j]);
	if (s->left_out)
		tv_out_printf(x->out, "{\"type\":\"compare_left_out\",\"flows\":%"
		    PRIu64 "}\n", s->left_out);
	cmp_free(s);
}

const struct tv_renderer tv_render_compare = {
	.name = "compare",
	.live = -1,
	.wants_row = 1,
	.self_size = sizeof(struct cmp_self),
	.conn_size = sizeof(struct tv_cmp_acc),
	.packet = cmp_packet,
	.conn = cmp_conn,
	.end = cmp_end,
};

const struct tv_renderer tv_render_compare_json = {
	.name = "compare-json",
	.live = -1,
	.wants_row = 1,
	.self_size = sizeof(struct cmp_self),
	.conn_size = sizeof(struct tv_cmp_acc),
	.packet = cmp_packet,
	.conn = cmp_conn,
	.end = cmp_json_end,
};
