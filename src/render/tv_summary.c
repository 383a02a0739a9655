/* \summary: --summary: one line per connection (two when narrow), then totals: a format in one file */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tv_render-int.h"

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
	char ce[TV_ENDPOINTSTRLEN], se[TV_ENDPOINTSTRLEN], dur[40], rtt[40];
	const char *op = "-", *cl = "-", *state, *hist;
	int64_t us = -1;
	struct sbuf sb;

	tv_endpoint_str(&c->addr[0], c->port[0], ce, sizeof(ce));
	tv_endpoint_str(&c->addr[1], c->port[1], se, sizeof(se));
	tvr_secs(dur, sizeof(dur), tvr_span_ns(c->first_sec, c->first_nsec,
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
		hist = c->tcp.history;	/* UDP's, tv_udp_packet() */
		st->udp++;
	}
	if (us >= 0)
		tvr_secs(rtt, sizeof(rtt), us * 1000, 6);
	else
		snprintf(rtt, sizeof(rtt), "-");
	st->packets += c->pkts[0] + c->pkts[1];
	st->bytes += c->bytes[0] + c->bytes[1];
	sb.k = 0;
	tvr_sb_printf(&sb, "%5" PRIu32 " %-5s %-23s %-23s %-12s %-12s %-6s %-12s %7"
	    PRIu64 " %10" PRIu64 " %12s %10s\n", c->id, c->proto == 6 ?
	    "tcp" : "udp", ce, se, op, cl, state, hist[0] ? hist : "-",
	    c->pkts[0] + c->pkts[1], c->bytes[0] + c->bytes[1], dur, rtt);
	/* a row wider than the width (long fields) takes the two-line form */
	if (!sum_narrow(ro) && (ro->width == 0 || sb.k <= ro->width + 1)) {
		o->write(o->ctx, sb.b, sb.k);
		return;
	}
	sb.k = 0;
	tvr_sb_printf(&sb, "%5" PRIu32 " %s %s > %s", c->id,
	    c->proto == 6 ? "tcp" : "udp", ce, se);
	tv_out_para(o, ro->width, 10, sb.b);
	sb.k = 0;
	tvr_sb_printf(&sb, "      ");
	if (c->proto == 6)
		tvr_sb_printf(&sb, "%s, %s; ", op, cl);
	tvr_sb_printf(&sb, "%s %s; %" PRIu64 " packets, %" PRIu64 " bytes, %s s",
	    state, hist[0] ? hist : "-", c->pkts[0] + c->pkts[1],
	    c->bytes[0] + c->bytes[1], dur);
	if (us >= 0)
		tvr_sb_printf(&sb, "; rtt %s s", rtt);
	tv_out_para(o, ro->width, 8, sb.b);
}

void
tv_sum_totals(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_sum_totals *st)
{
	uint64_t conns = st->tcp + st->udp;
	struct sbuf sb;

	sb.k = 0;
	tvr_sb_printf(&sb, "%" PRIu64 " connection%s (%" PRIu64 " TCP, %" PRIu64
	    " UDP), %" PRIu64 " packets, %" PRIu64 " payload bytes", conns,
	    conns == 1 ? "" : "s", st->tcp, st->udp, st->packets, st->bytes);
	tvr_sb_counts(&sb, "; opened: ", st->open, tv_open_names, TV_OPEN_COUNT);
	tvr_sb_counts(&sb, "; closed: ", st->close, tv_close_names, TV_CLOSE_COUNT);
	tv_out_para(o, ro->width, 2, sb.b);
}


/* ---- the renderer ---- */

struct sum_self {
	int header_done;
	struct tv_sum_totals totals;
};

static void
sum_conn(const struct tv_rctx *x, struct tv_conn *c, enum tv_done why)
{
	struct sum_self *me = x->self;

	if (why == TV_DONE_PARTIAL)
		return;
	if (!me->header_done++)
		tv_sum_header(x->out, x->ro);
	tv_sum_conn(x->out, x->ro, c, &me->totals);
}

static void
sum_end(const struct tv_rctx *x, const struct tv_totals *t)
{
	struct sum_self *me = x->self;

	if (!me->header_done)
		tv_sum_header(x->out, x->ro);
	tv_sum_totals(x->out, x->ro, &me->totals);
	tv_text_totals(x->out, x->ro, t);
}

const struct tv_renderer tv_render_summary = {
	.name = "summary",
	.live = -1,	/* the same live and replayed */
	.self_size = sizeof(struct sum_self),
	.conn = sum_conn,
	.end = sum_end,
};
