/* \summary: JSON Lines: one object per packet, per connection, and a summary (docs/json.md) */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tv_render-int.h"

/* A JSON string; the core only emits ASCII it made, but escape anyway. */
static void
json_str(const struct tv_out *o, const char *s)
{
	char buf[8];

	tvr_str(o, "\"");
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
	tvr_str(o, "\"");
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
	tvr_str(o, ",\"notes\":[");
	for (i = 0; i < TV_NOTE_COUNT; i++)
		if (an->notes & (1u << i))
			tv_out_printf(o, "%s\"%s\"", any++ ? "," : "",
			    tv_note_names[i]);
	tvr_str(o, "]");
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

	if (c->proto != 6) {
		tv_out_printf(o, ",\"conn_state\":\"%s\",\"history\":\"%s\"",
		    tv_udp_conn_state(c->pkts[0], c->pkts[1]), t->history);
		return;
	}
	cl = tv_tcp_close(t);
	rtt = tv_tcp_handshake_rtt_us(t);
	tv_out_printf(o, ",\"open\":\"%s\",\"syn_retries\":%u,\"handshake_rtt_us\":",
	    tv_open_names[tv_tcp_open(t)], tv_tcp_syn_retries(t));
	if (rtt >= 0)
		tv_out_printf(o, "%" PRId64, rtt);
	else
		tvr_str(o, "null");
	if (t->uncaptured >= 0)
		json_side(o, "uncaptured", t->uncaptured);
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
			tvr_str(o, "]");
		}
		tvr_str(o, "}");
		json_tcp_pkt(o, &c->last);
	}
	if (pkt->ck_l4 != TV_CK_UNVERIFIED)
		tv_out_printf(o, ",\"cksum\":\"%s\"", tv_ck_names[pkt->ck_l4]);
	if (pkt->ck_l4 == TV_CK_INCORRECT)
		tv_out_printf(o, ",\"cksum_value\":%u,\"cksum_want\":%u",
		    pkt->ck_got, pkt->ck_want);
	if (pkt->offloaded)
		tvr_str(o, ",\"offloaded\":true");
	if (pkt->truncated)
		tvr_str(o, ",\"truncated\":true");
	if (pkt->malformed) {
		tvr_str(o, ",\"malformed\":");
		json_str(o, pkt->malformed);
	}
	tvr_str(o, "}\n");
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
	tvr_str(o, ",\"server\":");
	json_str(o, tv_endpoint_str(&c->addr[1], c->port[1], e, sizeof(e)));
	tvr_str(o, ",\"first_ts\":");
	json_ts(o, ro, c->first_sec, c->first_nsec);
	tvr_str(o, ",\"last_ts\":");
	json_ts(o, ro, c->last_sec, c->last_nsec);
	tv_out_printf(o, ",\"packets\":{\"client\":%" PRIu64 ",\"server\":%" PRIu64
	    "},\"bytes\":{\"client\":%" PRIu64 ",\"server\":%" PRIu64 "}",
	    c->pkts[0], c->pkts[1], c->bytes[0], c->bytes[1]);
	if (c->proto == 6) {
		tv_out_printf(o, ",\"retrans_bytes\":{\"client\":%" PRIu64
		    ",\"server\":%" PRIu64 "}", c->tcp.q[0].retrans_bytes,
		    c->tcp.q[1].retrans_bytes);
		tvr_str(o, ",\"isn\":{");
		for (s = 0; s < 2; s++) {
			tv_out_printf(o, "%s\"%s\":", s ? "," : "", side_names[s]);
			if (c->isn_known[s])
				tv_out_printf(o, "%" PRIu32, c->isn[s]);
			else
				tvr_str(o, "null");
		}
		tvr_str(o, "}");
	}
	json_outcomes(o, c);
	if (why == TV_DONE_EVICTED)
		tvr_str(o, ",\"evicted\":true");
	if (why == TV_DONE_IDLE)
		tvr_str(o, ",\"inactive\":true");
	tvr_str(o, "}\n");
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
		tvr_str(o, any++ ? "," : "");
		json_str(o, tv_skip_names[i]);
		tv_out_printf(o, ":%" PRIu64, t->skip_why[i]);
	}
	tvr_str(o, "}}\n");
}

/* ---- the renderer ---- */

static void
json_packet(const struct tv_rctx *x, struct tv_conn *c, const struct tv_pkt *pkt,
    enum tv_side from, const struct tv_row *row)
{
	(void)row;
	tv_json_packet(x->out, x->ro, pkt, c, from);
}

static void
json_conn(const struct tv_rctx *x, struct tv_conn *c, enum tv_done why)
{
	if (why != TV_DONE_PARTIAL)
		tv_json_conn(x->out, x->ro, c, why);
}

static void
json_end(const struct tv_rctx *x, const struct tv_totals *t)
{
	tv_json_summary(x->out, t);
}

const struct tv_renderer tv_render_json = {
	.name = "json",
	.live = -1,	/* the same live and replayed */
	.packet = json_packet,
	.conn = json_conn,
	.end = json_end,
};
