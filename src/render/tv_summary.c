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

/* The table's row: SUM_FMT, by hand (a printf of it cost as much as
 * tracking the connection's packets): each field in its width, numbers
 * to the right, words to the left */
static void
sum_row(struct sbuf *sb, uint32_t id, const struct tv_sum_row *f)
{
	char n[3][24];
	const struct { const char *s; unsigned w; int left; } col[] = {
		{ n[0], 5, 0 }, { f->proto, 5, 1 }, { f->client, 23, 1 },
		{ f->server, 23, 1 }, { f->open, 12, 1 }, { f->close, 12, 1 },
		{ f->state, 6, 1 }, { f->history, 12, 1 }, { n[1], 7, 0 },
		{ n[2], 10, 0 }, { f->dur, 12, 0 }, { f->rtt, 10, 0 },
	};
	size_t i;

	n[0][tv_u64_dec(n[0], id)] = '\0';
	n[1][tv_u64_dec(n[1], f->packets)] = '\0';
	n[2][tv_u64_dec(n[2], f->bytes)] = '\0';
	sb->k = 0;
	sb->b[0] = '\0';
	for (i = 0; i < sizeof(col) / sizeof(col[0]); i++) {
		if (i)
			tvr_sb_cats(sb, " ");
		tvr_sb_catw(sb, col[i].s, col[i].w, col[i].left);
	}
	tvr_sb_cats(sb, "\n");
}

/* The history the tracker keeps (UDP's too), cut to the row's field */
static void
hist_copy(struct tv_sum_row *f, const struct tv_conn *c)
{
	size_t k = 0;

	tvr_cats(f->history, sizeof(f->history), &k, c->tcp.history);
}

void
tv_sum_fields(const struct tv_render_opts *ro, const struct tv_conn *c,
    struct tv_sum_row *f, struct tv_sum_totals *st)
{
	int64_t us = -1;

	memset(f, 0, sizeof(*f));
	tv_endpoint_str(&c->addr[0], c->port[0], f->client, sizeof(f->client));
	tv_endpoint_str(&c->addr[1], c->port[1], f->server, sizeof(f->server));
	tvr_secs(f->dur, sizeof(f->dur), tvr_span_ns(c->first_sec, c->first_nsec,
	    c->last_sec, c->last_nsec), ro->ts_digits);
	f->proto = c->proto == 6 ? "tcp" : "udp";
	f->open = f->close = "-";
	if (c->proto == 6) {
		enum tv_open eo = tv_tcp_open(&c->tcp);
		enum tv_close ec = tv_tcp_close(&c->tcp);

		f->open = tv_open_names[eo];
		f->close = tv_close_names[ec];
		f->state = tv_tcp_conn_state(&c->tcp);
		hist_copy(f, c);
		us = tv_tcp_handshake_rtt_us(&c->tcp);
		if (c->late_of) {
			/* late packets of a closed connection: counted with
			 * their packets, not as a connection */
			f->open = "late";
			f->close = "-";
		} else if (st) {
			st->open[eo]++;
			st->close[ec]++;
			st->tcp++;
		}
	} else {
		f->state = tv_udp_conn_state(c->pkts[0], c->pkts[1]);
		/* answered by an ICMP error: refused, unreachable */
		if (tv_icmp_outcome(c) != NULL)
			f->open = tv_icmp_outcome(c);
		/* UDP's, kept by the tracker (tv_udp_packet()) */
		hist_copy(f, c);
		if (st)
			st->udp++;
	}
	if (!f->history[0])
		memcpy(f->history, "-", 2);
	f->have_rtt = us >= 0;
	if (us >= 0)
		tvr_secs(f->rtt, sizeof(f->rtt), us * 1000, 6);
	else
		memcpy(f->rtt, "-", 2);
	f->packets = c->pkts[0] + c->pkts[1];
	f->bytes = c->bytes[0] + c->bytes[1];
	if (st) {
		st->packets += f->packets;
		st->bytes += f->bytes;
	}
}

/* A connection inside a tunnel: a line of its own under its row, so the
 * table's columns stay ("      inside GRE key 7 198.51.100.1>198.51.100.2") */
static void
sum_tunnel(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c)
{
	struct sbuf sb;

	if (!c->tun.kind && !c->tun.via)
		return;
	sb.k = 0;
	tvr_sb_printf(&sb, "      ");
	sb.k += tv_fmt_tunnel(c, sb.b + sb.k, sizeof(sb.b) - sb.k);
	tv_out_para(o, ro->width, 8, sb.b);
}

void
tv_sum_conn(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, struct tv_sum_totals *st)
{
	struct tv_sum_row f;
	struct sbuf sb;

	tv_sum_fields(ro, c, &f, st);
	sum_row(&sb, c->id, &f);
	/* a row wider than the width (long fields) takes the two-line form */
	if (!sum_narrow(ro) && (ro->width == 0 || sb.k <= ro->width + 1)) {
		tv_out_mem(o, sb.b, sb.k);
		sum_tunnel(o, ro, c);
		return;
	}
	sb.k = 0;
	tvr_sb_printf(&sb, "%5" PRIu32 " %s %s > %s", c->id, f.proto, f.client,
	    f.server);
	tv_out_para(o, ro->width, 10, sb.b);
	sb.k = 0;
	tvr_sb_printf(&sb, "      ");
	if (c->proto == 6)
		tvr_sb_printf(&sb, "%s, %s; ", f.open, f.close);
	else if (strcmp(f.open, "-") != 0)	/* answered by ICMP */
		tvr_sb_printf(&sb, "%s; ", f.open);
	tvr_sb_printf(&sb, "%s %s; %" PRIu64 " packets, %" PRIu64 " bytes, %s s",
	    f.state, f.history, f.packets, f.bytes, f.dur);
	if (f.have_rtt)
		tvr_sb_printf(&sb, "; rtt %s s", f.rtt);
	tv_out_para(o, ro->width, 8, sb.b);
	sum_tunnel(o, ro, c);
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
