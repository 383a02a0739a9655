/* \summary: --graph=tsg: the time-sequence graph of a connection's data (tcptrace's, Stevens'), as SVG */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tv_render-int.h"

/*
 * One graph for each direction that carried data: time along, the
 * sender's relative sequence numbers up.  Each segment is an I-beam from
 * seq to seq + len at the time it was seen (retransmissions red and
 * wider, out-of-order ones brown); the receiver's ACKs are a step line,
 * ACK plus its window (scaled, RFC 7323 §2.3) another, its SACK blocks
 * (RFC 2018) short bars at the time of the ACK that carried them.
 */
#define GW 720			/* the plot */
#define GH 380
#define ML 84			/* margins: left (the sequence axis), ... */
#define MR 24
#define MT 46
#define MB 64
#define SANS "DejaVu Sans, Helvetica, Arial, sans-serif"

#define C_DATA "#1f4e9c"
#define C_RETR "#d62728"
#define C_OOO "#8c564b"
#define C_ACK "#2e7d32"
#define C_WIN "#b58900"
#define C_SACK "#7b3fa6"
#define C_LOST "#6d0f0f"		/* the lab: lost on the wire */

struct tsg {
	const struct tv_out *o;
	const struct tv_render_opts *ro;
	const struct tv_conn *c;
	int from;		/* the data's sender */
	double t0, t1;		/* s since the connection's first packet */
	double s0, s1;		/* sequence range shown */
	unsigned wscale;	/* of the receiver's window, 0: none */
	double y0;		/* the graph's top in the picture */
	const char *idp;	/* ids unique in the document */
	int lost;		/* a segment lost on the wire was drawn (the lab) */
};

#define P(...) do { if (g->o) tv_out_printf(g->o, __VA_ARGS__); } while (0)

static double
row_t(const struct tsg *g, const struct tv_row *r)
{
	return (double)tvr_span_ns(g->c->first_sec, g->c->first_nsec, r->ts_sec,
	    r->ts_nsec) / 1e9;
}

static double
px(const struct tsg *g, double t)
{
	return ML + (g->t1 > g->t0 ? (t - g->t0) / (g->t1 - g->t0) : 0.5) * GW;
}

static double
py(const struct tsg *g, double s)
{
	double y = g->s1 > g->s0 ? (s - g->s0) / (g->s1 - g->s0) : 0.5;

	return g->y0 + MT + GH - y * GH;
}

/* RFC 7323 §2.2: windows are scaled only when both SYNs offered it; the
 * receiver's own shift applies to the windows it sends. */
static unsigned
recv_wscale(const struct tv_conn *c, int recv)
{
	const struct tv_rowblk *b;
	int have[2] = { -1, -1 };
	unsigned i;

	for (b = c->rows; b != NULL; b = b->next)
		for (i = 0; i < b->n; i++) {
			const struct tv_row *r = &b->r[i];

			if ((r->flags & TV_TH_SYN) && have[r->from] < 0)
				have[r->from] = r->opt_mask & TV_OPT_WSCALE ?
				    r->wscale : -2;
		}
	if (have[0] < 0 || have[1] < 0)
		return 0;
	return (unsigned)(have[recv] > 14 ? 14 : have[recv]);
}

/* The receiver's window edge of row r, ACK plus window: the window of a
 * SYN is never scaled (RFC 7323 §2.2). */
static double
win_edge(const struct tsg *g, const struct tv_row *r)
{
	return tv_conn_rel(g->c, g->from, r->ack) + (double)r->win *
	    (double)(r->flags & TV_TH_SYN ? 1u : 1u << g->wscale);
}

/* The ranges: every segment of the sender and the receiver's ACKs; the
 * window edge only up to half again the data's range (it may be far
 * above: it is clipped). */
static void
ranges(struct tsg *g)
{
	const struct tv_rowblk *b;
	double win_hi = 0;
	unsigned i;
	int any = 0, anyt = 0;

	g->s0 = 0;
	g->s1 = 1;
	g->t0 = 0;
	g->t1 = 0;
	for (b = g->c->rows; b != NULL; b = b->next)
		for (i = 0; i < b->n; i++) {
			const struct tv_row *r = &b->r[i];
			double t = row_t(g, r), lo, hi;

			if (r->icmp)	/* an ICMP error: no segment of it */
				continue;
			if (!anyt || t < g->t0)
				g->t0 = t;
			if (!anyt || t > g->t1)
				g->t1 = t;
			anyt = 1;
			if (r->from == g->from) {
				lo = tv_conn_rel(g->c, g->from, r->seq);
				hi = lo + r->len + ((r->flags & (TV_TH_SYN |
				    TV_TH_FIN)) != 0);
				if (!any || lo < g->s0)
					g->s0 = lo;
				if (hi > g->s1)
					g->s1 = hi;
				any = 1;
			} else if (r->flags & TV_TH_ACK) {
				hi = tv_conn_rel(g->c, g->from, r->ack);
				if (hi > g->s1)
					g->s1 = hi;
				if ((hi = win_edge(g, r)) > win_hi)
					win_hi = hi;
			}
		}
	if (win_hi > g->s1)
		g->s1 = win_hi < g->s1 + (g->s1 - g->s0) / 2 ? win_hi :
		    g->s1 + (g->s1 - g->s0) / 2;
	g->s1 += (g->s1 - g->s0) * 0.03;
	if (g->t1 <= g->t0)
		g->t1 = g->t0 + 1e-3;
}

/* A tick step of 1, 2 or 5 times a power of ten: about n over range. */
static double
tick_step(double range, int n)
{
	double step = 1e-9;

	while (step * n < range)
		step *= 10;
	if (step / 5 * n >= range)
		step /= 5;
	else if (step / 2 * n >= range)
		step /= 2;
	return step;
}

/* The multiples of step from lo to hi (at most 64), for tick marks:
 * *k the first, the count returned; none for a range no picture shows
 * (a damaged file's times). */
static int
ticks(double lo, double hi, double step, long long *k)
{
	double q = lo / step;
	int n;

	if (!(q > -1e15 && q < 1e15) || !(step > 0))
		return 0;
	*k = (long long)q;
	if ((double)*k * step < lo - step * 1e-6)
		(*k)++;
	for (n = 0; n < 64 && (double)(*k + n) * step <= hi + step * 1e-6; n++)
		;
	return n;
}

/* The axes: time in s, ms or us; sequence numbers in bytes or kB. */
static void
axes(struct tsg *g)
{
	double range = g->t1 - g->t0, step, v, unit = 1, sunit = 1;
	const char *tu = "s", *su = "bytes";
	double yb = g->y0 + MT + GH;
	long long k;
	int i, n;

	if (range < 2e-3)
		unit = 1e-6, tu = "\u00b5s";
	else if (range < 2)
		unit = 1e-3, tu = "ms";
	if (g->s1 - g->s0 >= 20000)
		sunit = 1000, su = "kB";
	P("<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"#fff\" "
	    "stroke=\"#333\"/>\n", ML, g->y0 + MT, GW, GH);
	step = tick_step(range / unit, 8) * unit;
	n = ticks(g->t0, g->t1, step, &k);
	for (i = 0; i < n; i++) {
		v = (double)(k + i) * step;
		P("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		    "stroke=\"#ddd\"/><text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
		    "text-anchor=\"middle\" font-size=\"11\">%.6g</text>\n",
		    px(g, v), g->y0 + MT, px(g, v), yb, px(g, v), yb + 16, v / unit);
	}
	step = tick_step((g->s1 - g->s0) / sunit, 8) * sunit;
	n = ticks(g->s0, g->s1, step, &k);
	for (i = 0; i < n; i++) {
		v = (double)(k + i) * step;
		P("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
		    "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\" "
		    "font-size=\"11\">%.6g</text>\n", ML, py(g, v), ML + GW,
		    py(g, v), ML - 6, py(g, v) + 4, v / sunit);
	}
	P("<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\">"
	    "time since the connection's first packet (%s)</text>\n",
	    ML + GW / 2, yb + 36, tu);
	P("<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\" "
	    "transform=\"rotate(-90 %d %.1f)\">relative sequence number (%s)"
	    "</text>\n", 18, g->y0 + MT + GH / 2, 18, g->y0 + MT + GH / 2, su);
}

/* The receiver's ACKs (window 0) or window edges (1) as a step line. */
static void
step_line(struct tsg *g, int window)
{
	const struct tv_rowblk *b;
	int have = 0;
	unsigned j;

	if (window)
		P("<path class=\"window\" fill=\"none\" stroke=\"" C_WIN "\" "
		    "stroke-width=\"1.3\" clip-path=\"url(#%sd%dclip)\" d=\"",
		    g->idp, g->from);
	else
		P("<path class=\"ack\" fill=\"none\" stroke=\"" C_ACK "\" "
		    "stroke-width=\"1.3\" d=\"");
	for (b = g->c->rows; b != NULL; b = b->next)
		for (j = 0; j < b->n; j++) {
			const struct tv_row *r = &b->r[j];
			double v;

			if (r->from == g->from || !(r->flags & TV_TH_ACK))
				continue;
			v = window ? win_edge(g, r) :
			    tv_conn_rel(g->c, g->from, r->ack);
			if (v > g->s1)
				v = g->s1;
			P(have ? "H%.1fV%.1f" : "M%.1f %.1f", px(g, row_t(g, r)),
			    py(g, v));
			have = 1;
		}
	if (have)
		P("H%.1f", px(g, g->t1));
	P("\"/>\n");
}

/* The receiver's SACK blocks, at the time of the ACK that carried them. */
static void
sacks(struct tsg *g)
{
	const struct tv_rowblk *b;
	unsigned j;
	int i;

	for (b = g->c->rows; b != NULL; b = b->next)
		for (j = 0; j < b->n; j++) {
			const struct tv_row *r = &b->r[j];
			double x = px(g, row_t(g, r)) + 2;

			if (r->from == g->from || !(r->opt_mask & TV_OPT_SACK))
				continue;
			for (i = 0; i < r->nsack && i < TV_MAX_SACK; i++)
				P("<line class=\"sack\" x1=\"%.1f\" y1=\"%.1f\" "
				    "x2=\"%.1f\" y2=\"%.1f\" stroke=\"" C_SACK "\" "
				    "stroke-width=\"3\"/>\n", x,
				    py(g, tv_conn_rel(g->c, g->from, r->sack[i][0])), x,
				    py(g, tv_conn_rel(g->c, g->from, r->sack[i][1])));
		}
}

/* The sender's segments as I-beams, with the packet in a <title>. */
static void
segments(struct tsg *g)
{
	const struct tv_rowblk *b;
	char lab[160], ts[40];
	unsigned j;

	for (b = g->c->rows; b != NULL; b = b->next)
		for (j = 0; j < b->n; j++) {
			const struct tv_row *r = &b->r[j];
			double s, e, x, y0, y1;
			const char *col = C_DATA, *cls = "seg";
			int retr = (r->an.notes & TV_NOTE_RETRANS) != 0;

			if (r->from != g->from || (r->len == 0 &&
			    !(r->flags & (TV_TH_SYN | TV_TH_FIN))))
				continue;
			if (retr)
				col = C_RETR, cls = "seg retrans";
			else if (r->an.notes & TV_NOTE_OUT_OF_ORDER)
				col = C_OOO, cls = "seg ooo";
			s = tv_conn_rel(g->c, g->from, r->seq);
			e = s + r->len + ((r->flags & (TV_TH_SYN | TV_TH_FIN)) != 0);
			x = px(g, row_t(g, r));
			y0 = py(g, s);
			y1 = py(g, e);
			tv_fmt_row_label(g->ro, g->c, r, lab, sizeof(lab));
			tvr_secs(ts, sizeof(ts), tvr_span_ns(g->c->first_sec,
			    g->c->first_nsec, r->ts_sec, r->ts_nsec), 6);
			P("<g class=\"%s\"><title>frame %" PRIu64 ", %s s: ", cls,
			    r->n, ts);
			if (g->o)
				tvr_xml(g->o, lab);
			P("%s", r->lost ? " (lost on the wire)" : "");
			P("%s</title><path d=\"M%.1f %.1fV%.1fM%.1f %.1fh%dM%.1f %.1fh%d\" "
			    "stroke=\"%s\" stroke-width=\"%s\"/>", retr ?
			    " (retransmission)" : "", x, y0, y1, x - (retr ? 4 : 2),
			    y0, retr ? 8 : 4, x - (retr ? 4 : 2), y1, retr ? 8 : 4,
			    col, retr ? "2.2" : "1.2");
			if (retr)
				P("<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
				    "font-weight=\"bold\" fill=\"" C_RETR "\">R</text>",
				    x + 4, y1 + 4);
			if (r->lost) {	/* the lab: it never arrived */
				P("<path class=\"lost\" d=\"M%.1f %.1fl8 8m0 -8l-8 8\" "
				    "stroke=\"" C_LOST "\" stroke-width=\"2\"/>",
				    x - 4, y1 - 10);
				g->lost = 1;
			}
			P("</g>\n");
		}
}

/* The key under the plot. */
static void
key(struct tsg *g)
{
	static const struct { const char *name, *col; } k[] = {
		{ "segment (seq to seq+len)", C_DATA },
		{ "retransmission (R)", C_RETR },
		{ "ACK", C_ACK },
		{ "ACK + receive window", C_WIN },
		{ "SACK block", C_SACK },
		{ "lost (X)", C_LOST },	/* the lab: on the wire */
	};
	double x = ML, y = g->y0 + MT + GH + 56;
	size_t i, n = sizeof(k) / sizeof(k[0]) - !g->lost;

	P("<g class=\"legend\">");
	for (i = 0; i < n; i++) {
		P("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		    "stroke=\"%s\" stroke-width=\"3\"/><text x=\"%.1f\" y=\"%.1f\" "
		    "font-size=\"11\">%s</text>", x, y - 4, x + 18, y - 4, k[i].col,
		    x + 23, y, k[i].name);
		x += 23 + strlen(k[i].name) * 6.3 + 16;
	}
	P("</g>\n");
}

/* One direction's graph at y0; its height. */
static double
graph(struct tsg *g)
{
	char ce[TV_ENDPOINTSTRLEN], se[TV_ENDPOINTSTRLEN];
	const struct tv_conn *c = g->c;
	int f = g->from;

	g->wscale = recv_wscale(c, !f);
	g->lost = 0;
	ranges(g);
	tv_endpoint_str(&c->addr[f], c->port[f], ce, sizeof(ce));
	tv_endpoint_str(&c->addr[!f], c->port[!f], se, sizeof(se));
	P("<g class=\"tsg\">\n<text class=\"title\" x=\"%d\" y=\"%.1f\" "
	    "font-size=\"15\" font-weight=\"bold\">", ML, g->y0 + 22);
	if (g->o) {
		tv_out_printf(g->o, "%s conn %" PRIu32 ": data %s ", tvr_proto(c->proto),
		    c->id, tv_side_words[f]);
		tvr_xml(g->o, ce);
		tvr_str(g->o, " \u2192 ");
		tvr_xml(g->o, se);
	}
	if (c->part > 0)
		P(" (part %" PRIu32 ")", c->part + 1);
	P("</text>\n<text x=\"%d\" y=\"%.1f\" font-size=\"11\" fill=\"#555\">"
	    "time-sequence graph; window scale %u; %" PRIu32 " retransmissions"
	    "</text>\n", ML, g->y0 + 38, g->wscale, c->tcp.retransmissions);
	P("<clipPath id=\"%sd%dclip\"><rect x=\"%d\" y=\"%.1f\" width=\"%d\" "
	    "height=\"%d\"/></clipPath>\n", g->idp, f, ML, g->y0 + MT, GW, GH);
	axes(g);
	step_line(g, 0);
	step_line(g, 1);
	sacks(g);
	segments(g);
	key(g);
	P("</g>\n");
	return MT + GH + MB + 10;
}

void
tvr_tsg_graph(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, enum tv_done why, const char *idp,
    struct tvr_size *sz)
{
	struct tsg st, *g = &st;
	int f, any = 0;

	(void)why;
	memset(g, 0, sizeof(*g));
	g->idp = idp;
	g->o = o;
	g->ro = ro;
	g->c = c;
	P("<g font-family=\"" SANS "\" fill=\"#111\">\n");
	for (f = 0; f < 2 && c->proto == 6; f++)
		if (c->tcp.q[f].payload > 0 &&
		    (ro->graph_only == 0 || ro->graph_only == f + 1)) {
			g->from = f;
			g->y0 += graph(g);
			any = 1;
		}
	if (!any && c->proto == 6) {	/* no data: the side's SYN and FIN */
		g->from = ro->graph_only == 2;
		g->y0 += graph(g);
	}
	if (c->proto != 6) {
		P("<text x=\"%d\" y=\"24\" font-size=\"13\">UDP conn %" PRIu32
		    ": no sequence numbers to graph</text>\n", ML, c->id);
		g->y0 = 40;
	}
	P("</g>\n");
	sz->w = ML + GW + MR;
	sz->h = (unsigned)g->y0;
}

/* ---- the format: the graphs kept until the end, then one document ---- */

static void
tsg_conn(const struct tv_rctx *x, struct tv_conn *c, enum tv_done why)
{
	tvr_stack_conn(x->self, x->ro, c, why, tvr_tsg_graph);
}

static void
tsg_end(const struct tv_rctx *x, const struct tv_totals *t)
{
	tvr_stack_end(x->self, x->out, x->ro, t, "tcpviz time-sequence graphs");
}

/* every row is kept (none merged): each segment is drawn */
const struct tv_renderer tv_render_tsg = {
	.name = "tsg",
	.live = 0,		/* replay: a picture is drawn whole (see tv_render.h) */
	.keep_rows = 1,
	.self_size = sizeof(struct tvr_stack),
	.conn = tsg_conn,
	.end = tsg_end,
};
