/* \summary: JSON Lines: one object per packet, per connection, and a summary (docs/json.md) */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tv_call.h"
#include "tv_ksock.h"
#include "tv_render-int.h"

/* A JSON string; the core only emits ASCII it made, but escape anyway:
 * the runs that need nothing go out whole. */
static void
json_str(const struct tv_out *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run;
	char esc[6];

	tv_out_mem(o, "\"", 1);
	for (;;) {
		unsigned char ch;

		for (run = s; (ch = (unsigned char)*s) >= 0x20 && ch < 0x7f &&
		    ch != '"' && ch != '\\'; s++)
			;
		tv_out_mem(o, run, (size_t)(s - run));
		if (ch == '\0')
			break;
		if (ch == '"' || ch == '\\') {
			esc[0] = '\\';
			esc[1] = (char)ch;
			tv_out_mem(o, esc, 2);
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[ch >> 4];
			esc[5] = hex[ch & 15];
			tv_out_mem(o, esc, 6);
		}
		s++;
	}
	tv_out_mem(o, "\"", 1);
}

/* an address as a string: digits, dots, colons and hex letters (or
 * "?"), nothing to escape */
static void
json_addr(const struct tv_out *o, const struct tv_addr *a, char *buf,
    size_t size)
{
	tv_out_mem(o, "\"", 1);
	tvr_str(o, tv_addr_str(a, buf, size));
	tv_out_mem(o, "\"", 1);
}

/* seconds.fraction, six or nine digits as the input has */
static void
json_ts(const struct tv_out *o, const struct tv_render_opts *ro,
    int64_t sec, uint32_t nsec)
{
	char t[40];
	int64_t ns;

	if (sec >= 0 && sec < INT64_MAX / 1000000000 - 1) {
		ns = sec * 1000000000 + nsec;
		tv_out_mem(o, t, tvr_secs(t, sizeof(t), ns,
		    ro->ts_digits == 9 ? 9 : 6));
		return;
	}
	if (ro->ts_digits == 9)
		tv_out_printf(o, "%" PRId64 ".%09" PRIu32, sec, nsec);
	else
		tv_out_printf(o, "%" PRId64 ".%06" PRIu32, sec, nsec / 1000);
}

/* ,"key":number */
static void
json_num(const struct tv_out *o, const char *key, uint64_t v)
{
	tvr_str(o, key);
	tvr_u64(o, v);
}

/* "state", "notes", "dup_ack", "syn_retry" of a TCP packet */
static void
json_tcp_pkt(const struct tv_out *o, const struct tv_tcp_pkt *an)
{
	int i, any = 0;

	tvr_str(o, ",\"state\":{\"client\":\"");
	tvr_str(o, tv_tcp_state_names[an->state[0]]);
	tvr_str(o, "\",\"server\":\"");
	tvr_str(o, tv_tcp_state_names[an->state[1]]);
	tvr_str(o, "\"}");
	if (an->notes == 0)
		return;
	tvr_str(o, ",\"notes\":[");
	for (i = 0; i < TV_NOTE_COUNT; i++) {
		if (!(an->notes & (1u << i)))
			continue;
		tvr_str(o, any++ ? ",\"" : "\"");
		tvr_str(o, tv_note_names[i]);
		tvr_str(o, "\"");
	}
	tvr_str(o, "]");
	if (an->notes & TV_NOTE_DUP_ACK)
		json_num(o, ",\"dup_ack\":", an->dup_ack);
	if (an->syn_retry)
		json_num(o, ",\"syn_retry\":", an->syn_retry);
}

/* A side (-1 none, 0, 1, 2 both) as JSON. */
static void
json_side(const struct tv_out *o, const char *key, int side)
{
	static const char *const w[3] = { "\"client\"", "\"server\"", "\"both\"" };

	tvr_str(o, ",\"");
	tvr_str(o, key);
	tvr_str(o, "\":");
	tvr_str(o, side < 0 ? "null" : w[side]);
}

/* ,"key":"word" */
static void
json_word(const struct tv_out *o, const char *key, const char *word)
{
	tvr_str(o, key);
	tvr_str(o, "\"");
	tvr_str(o, word);
	tvr_str(o, "\"");
}

/* The outcome keys of a connection (docs/json.md). */
static void
json_outcomes(const struct tv_out *o, const struct tv_conn *c)
{
	const struct tv_tcp *t = &c->tcp;
	enum tv_close cl;
	int64_t rtt;

	if (c->proto != 6) {
		json_word(o, ",\"conn_state\":",
		    tv_udp_conn_state(c->pkts[0], c->pkts[1]));
		json_word(o, ",\"history\":", t->history);
		return;
	}
	cl = tv_tcp_close(t);
	rtt = tv_tcp_handshake_rtt_us(t);
	json_word(o, ",\"open\":", tv_open_names[tv_tcp_open(t)]);
	json_num(o, ",\"syn_retries\":", tv_tcp_syn_retries(t));
	tvr_str(o, ",\"handshake_rtt_us\":");
	if (rtt >= 0)
		tvr_u64(o, (uint64_t)rtt);
	else
		tvr_str(o, "null");
	if (t->uncaptured >= 0)
		json_side(o, "uncaptured", t->uncaptured);
	json_word(o, ",\"close\":", tv_close_names[cl]);
	if (cl == TV_CLOSE_RESET)
		json_side(o, "reset_by", t->rst_end_side);
	tvr_str(o, tv_tcp_half_close(t) ? ",\"half_close\":true" :
	    ",\"half_close\":false");
	json_side(o, "closed_by", tv_tcp_closed_by(t));
	json_side(o, "time_wait", tv_tcp_time_wait(t));
	json_word(o, ",\"conn_state\":", tv_tcp_conn_state(t));
	tvr_str(o, ",\"history\":");
	json_str(o, t->history);
	json_num(o, ",\"retransmissions\":", t->retransmissions);
	json_num(o, ",\"dup_acks\":", t->dup_acks);
	json_num(o, ",\"out_of_order\":", t->out_of_order);
	json_num(o, ",\"zero_windows\":", t->zero_windows);
}

/* The tail every packet object shares: checksum, the lab, damage. */
static void
json_pkt_tail(const struct tv_out *o, const struct tv_pkt *pkt);

/* An ICMP error joined to c: the message's own addresses, what it says,
 * and the packet it quotes (docs/json.md). */
static void
json_icmp_packet(const struct tv_out *o, const struct tv_pkt *pkt,
    enum tv_side from)
{
	char a[TV_ADDRSTRLEN];
	const struct tv_icmp *ic = &pkt->icmp;

	tvr_str(o, ic->v6 ? ",\"proto\":\"icmp6\",\"src\":" :
	    ",\"proto\":\"icmp\",\"src\":");
	json_str(o, tv_addr_str(&ic->from, a, sizeof(a)));
	tvr_str(o, ",\"dst\":");
	json_str(o, tv_addr_str(&ic->to, a, sizeof(a)));
	tvr_str(o, from == TV_CLIENT ? ",\"from\":\"client\"" :
	    ",\"from\":\"server\"");
	json_num(o, ",\"icmp\":{\"type\":", ic->type);
	json_num(o, ",\"code\":", ic->code);
	json_word(o, ",\"error\":", tv_icmp_names[ic->kind < TV_ICMP_COUNT ?
	    ic->kind : 0]);
	if (ic->mtu)
		json_num(o, ",\"mtu\":", ic->mtu);
	/* the quote as it was sent: pkt holds it reversed */
	tvr_str(o, pkt->proto == 6 ? ",\"quote\":{\"proto\":\"tcp\",\"src\":" :
	    ",\"quote\":{\"proto\":\"udp\",\"src\":");
	json_str(o, tv_addr_str(&pkt->dst, a, sizeof(a)));
	json_num(o, ",\"sport\":", pkt->dport);
	tvr_str(o, ",\"dst\":");
	json_str(o, tv_addr_str(&pkt->src, a, sizeof(a)));
	json_num(o, ",\"dport\":", pkt->sport);
	if (ic->has_seq)
		json_num(o, ",\"seq\":", ic->seq);
	tvr_str(o, "}}");
	json_pkt_tail(o, pkt);
}

void
tv_json_packet(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_pkt *pkt, const struct tv_conn *c, enum tv_side from)
{
	char a[TV_ADDRSTRLEN], fl[12];
	int to = !from, any = 0;
	uint8_t i;

	json_num(o, "{\"type\":\"packet\",\"n\":", pkt->n);
	tvr_str(o, ",\"ts\":");
	json_ts(o, ro, pkt->ts_sec, pkt->ts_nsec);
	json_num(o, ",\"conn\":", c->id);
	if (c->late_of)
		json_num(o, ",\"late_of\":", c->late_of);
	if (pkt->icmp.kind != TV_ICMP_NONE) {
		json_icmp_packet(o, pkt, from);
		return;
	}
	tvr_str(o, pkt->proto == 6 ? ",\"proto\":\"tcp\",\"src\":" :
	    ",\"proto\":\"udp\",\"src\":");
	json_addr(o, &pkt->src, a, sizeof(a));
	json_num(o, ",\"sport\":", pkt->sport);
	tvr_str(o, ",\"dst\":");
	json_addr(o, &pkt->dst, a, sizeof(a));
	json_num(o, ",\"dport\":", pkt->dport);
	tvr_str(o, from == TV_CLIENT ? ",\"from\":\"client\"" :
	    ",\"from\":\"server\"");
	json_num(o, ",\"len\":", pkt->len);
	if (pkt->proto == 6) {
		tvr_str(o, ",\"flags\":\"");
		tvr_str(o, tv_flags_letters(pkt->flags, fl, sizeof(fl)));
		json_num(o, "\",\"seq\":", pkt->seq);
		if (pkt->flags & TV_TH_ACK)
			json_num(o, ",\"ack\":", pkt->ack);
		if (c->isn_known[from])
			json_num(o, ",\"rseq\":", (uint32_t)(pkt->seq - c->isn[from]));
		if ((pkt->flags & TV_TH_ACK) && c->isn_known[to])
			json_num(o, ",\"rack\":", (uint32_t)(pkt->ack - c->isn[to]));
		json_num(o, ",\"win\":", pkt->win);
		tvr_str(o, ",\"opts\":{");
		if (pkt->opt_mask & TV_OPT_MSS)
			json_num(o, any++ ? ",\"mss\":" : "\"mss\":", pkt->mss);
		if (pkt->opt_mask & TV_OPT_WSCALE)
			json_num(o, any++ ? ",\"wscale\":" : "\"wscale\":",
			    pkt->wscale);
		if (pkt->opt_mask & TV_OPT_SACK_OK)
			tvr_str(o, any++ ? ",\"sack_ok\":true" : "\"sack_ok\":true");
		if (pkt->opt_mask & TV_OPT_TS) {
			json_num(o, any++ ? ",\"ts\":[" : "\"ts\":[", pkt->ts_val);
			json_num(o, ",", pkt->ts_ecr);
			tvr_str(o, "]");
		}
		if (pkt->opt_mask & TV_OPT_SACK) {
			tvr_str(o, any++ ? ",\"sack\":[" : "\"sack\":[");
			for (i = 0; i < pkt->nsack; i++) {
				json_num(o, i ? ",[" : "[", pkt->sack[i][0]);
				json_num(o, ",", pkt->sack[i][1]);
				tvr_str(o, "]");
			}
			tvr_str(o, "]");
		}
		tvr_str(o, "}");
		json_tcp_pkt(o, &c->last);
	}
	json_pkt_tail(o, pkt);
}

static void
json_pkt_tail(const struct tv_out *o, const struct tv_pkt *pkt)
{
	if (pkt->ck_l4 != TV_CK_UNVERIFIED)
		json_word(o, ",\"cksum\":", tv_ck_names[pkt->ck_l4]);
	if (pkt->ck_l4 == TV_CK_INCORRECT) {
		json_num(o, ",\"cksum_value\":", pkt->ck_got);
		json_num(o, ",\"cksum_want\":", pkt->ck_want);
	}
	if (pkt->seen) {	/* the lab: where it was seen */
		static const char *const w[4] = { "[]", "[\"client\"]",
		    "[\"server\"]", "[\"client\",\"server\"]" };

		tvr_str(o, ",\"seen\":");
		tvr_str(o, w[pkt->seen & 3]);
		if (pkt->lost)
			tvr_str(o, ",\"lost\":true");
		if ((pkt->seen & 3) == 3)
			json_num(o, ",\"one_way_ns\":", pkt->owd_ns);
	}
	if (pkt->frags)
		json_num(o, ",\"fragments\":", pkt->frags);
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

/* ,"key":{"client":a,"server":b} */
static void
json_pair(const struct tv_out *o, const char *key, uint64_t a, uint64_t b)
{
	tvr_str(o, key);
	json_num(o, "{\"client\":", a);
	json_num(o, ",\"server\":", b);
	tvr_str(o, "}");
}

/* ,"tunnel":{"kind":"GRE","src":"a","dst":"b","key":N,"depth":N},"via":["MPLS"] */
static void
json_tunnel(const struct tv_out *o, const struct tv_tunnel *t, int inner_family)
{
	char a[TV_ADDRSTRLEN];
	int i, n = 0;

	if (t->kind != TV_TUN_NONE) {
		json_word(o, ",\"tunnel\":{\"kind\":", tv_tun_kind_str(t, inner_family));
		tvr_str(o, ",\"src\":");
		json_str(o, tv_addr_str(&t->src, a, sizeof(a)));
		tvr_str(o, ",\"dst\":");
		json_str(o, tv_addr_str(&t->dst, a, sizeof(a)));
		if (t->has_key) {
			tvr_str(o, ",\"");
			tvr_str(o, tv_tun_key_name(t));
			json_num(o, "\":", t->key);
		}
		json_num(o, ",\"depth\":", t->depth);
		tvr_str(o, "}");
	}
	if (t->via == 0)
		return;
	tvr_str(o, ",\"via\":[");
	for (i = 0; i < TV_VIA_COUNT; i++) {
		if (!(t->via & (1u << i)))
			continue;
		if (n++)
			tvr_str(o, ",");
		json_str(o, tv_via_names[i]);
	}
	tvr_str(o, "]");
}

void
tv_json_conn(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, enum tv_done why)
{
	char e[TV_ENDPOINTSTRLEN];
	int s;

	json_num(o, "{\"type\":\"conn\",\"conn\":", c->id);
	if (c->late_of)
		json_num(o, ",\"late_of\":", c->late_of);
	tvr_str(o, c->proto == 6 ? ",\"proto\":\"tcp\",\"client\":" :
	    ",\"proto\":\"udp\",\"client\":");
	json_str(o, tv_endpoint_str(&c->addr[0], c->port[0], e, sizeof(e)));
	tvr_str(o, ",\"server\":");
	json_str(o, tv_endpoint_str(&c->addr[1], c->port[1], e, sizeof(e)));
	json_tunnel(o, &c->tun, c->addr[0].family);
	tvr_str(o, ",\"first_ts\":");
	json_ts(o, ro, c->first_sec, c->first_nsec);
	tvr_str(o, ",\"last_ts\":");
	json_ts(o, ro, c->last_sec, c->last_nsec);
	json_pair(o, ",\"packets\":", c->pkts[0], c->pkts[1]);
	json_pair(o, ",\"bytes\":", c->bytes[0], c->bytes[1]);
	if (c->proto == 6) {
		json_pair(o, ",\"retrans_bytes\":", c->tcp.q[0].retrans_bytes,
		    c->tcp.q[1].retrans_bytes);
		tvr_str(o, ",\"isn\":{");
		for (s = 0; s < 2; s++) {
			tvr_str(o, s ? ",\"server\":" : "\"client\":");
			if (c->isn_known[s])
				tvr_u64(o, c->isn[s]);
			else
				tvr_str(o, "null");
		}
		tvr_str(o, "}");
	}
	json_outcomes(o, c);
	if (c->port_flip)
		tvr_str(o, ",\"port_flip\":true");
	if (c->icmp.n) {
		const char *out = tv_icmp_outcome(c);

		if (out != NULL)
			json_word(o, ",\"outcome\":", out);
		json_num(o, ",\"icmp\":{\"errors\":", c->icmp.n);
		json_word(o, ",\"first\":", tv_icmp_names[c->icmp.kind <
		    TV_ICMP_COUNT ? c->icmp.kind : 0]);
		json_num(o, ",\"type\":", c->icmp.type);
		json_num(o, ",\"code\":", c->icmp.code);
		tvr_str(o, c->icmp.v6 ? ",\"v6\":true" : ",\"v6\":false");
		json_side(o, "from", c->icmp.side);
		tvr_str(o, c->icmp.refused ? ",\"port_unreachable\":true" :
		    ",\"port_unreachable\":false");
		if (c->icmp.mtu)
			json_num(o, ",\"mtu\":", c->icmp.mtu);
		tvr_str(o, "}");
	}
	if (ro->shard)
		json_num(o, ",\"shard\":", ro->shard);
	if (why == TV_DONE_EVICTED)
		tvr_str(o, ",\"evicted\":true");
	if (why == TV_DONE_IDLE)
		tvr_str(o, ",\"inactive\":true");
	tvr_str(o, "}\n");
}

void
tv_json_summary(const struct tv_out *o, const struct tv_totals *t,
    uint32_t shard)
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
	tvr_str(o, "}");
	if (t->frag.fragments) {	/* only when there were any */
		const struct tv_frag_stats *f = &t->frag;

		json_num(o, ",\"fragments\":", f->fragments);
		json_num(o, ",\"reassembled\":", f->reassembled);
		json_num(o, ",\"fragments_dropped\":{\"overlapping\":", f->overlap);
		json_num(o, ",\"too_long\":", f->too_long);
		json_num(o, ",\"malformed\":", f->bad);
		json_num(o, ",\"timed_out\":", f->timed_out);
		json_num(o, ",\"evicted\":", f->evicted);
		json_num(o, ",\"incomplete\":", f->incomplete);
		tvr_str(o, "}");
	}
	if (t->icmp) {		/* only when there were any */
		json_num(o, ",\"icmp_errors\":", t->icmp);
		json_num(o, ",\"icmp_no_conn\":", t->icmp_no_flow);
	}
	if (shard)
		json_num(o, ",\"shard\":", shard);
	tvr_str(o, "}\n");
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
	tv_json_summary(x->out, t, x->ro->shard);
}

const struct tv_renderer tv_render_json = {
	.name = "json",
	.live = -1,	/* the same live and replayed */
	.packet = json_packet,
	.conn = json_conn,
	.end = json_end,
};

/* ---- what the kernel holds (--kernel): docs/json.md, "kernel" ---- */

void
tv_json_kernel(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, const char *side, const struct tv_ksock *k,
    int wire, int64_t ts_ns)
{
	char e[TV_ENDPOINTSTRLEN];

	tvr_str(o, "{\"type\":\"kernel\",\"ts\":");
	json_ts(o, ro, ts_ns / 1000000000, (uint32_t)(ts_ns % 1000000000));
	json_num(o, ",\"conn\":", c->id);
	tvr_str(o, c->proto == 6 ? ",\"proto\":\"tcp\",\"side\":" :
	    ",\"proto\":\"udp\",\"side\":");
	json_str(o, side);
	if (k == NULL) {
		tvr_str(o, ",\"state\":null");
	} else {
		tvr_str(o, ",\"state\":");
		json_str(o, tv_ks_state_name(k));
		tvr_str(o, ",\"local\":");
		json_str(o, tv_endpoint_str(&k->local, k->lport, e, sizeof(e)));
		tvr_str(o, ",\"remote\":");
		json_str(o, tv_endpoint_str(&k->remote, k->rport, e, sizeof(e)));
		json_num(o, ",\"recv_q\":", k->rq);
		json_num(o, ",\"send_q\":", k->wq);
		if (k->timer != TV_KT_NONE && tv_ks_timer_name(k->timer)[0]) {
			tvr_str(o, ",\"timer\":");
			json_str(o, tv_ks_timer_name(k->timer));
			json_num(o, ",\"timer_ms\":", k->expires_ms);
			json_num(o, ",\"retrans\":", k->retrans);
		}
		json_num(o, ",\"inode\":", k->inode);
		json_num(o, ",\"uid\":", k->uid);
		if (k->pid > 0) {
			json_num(o, ",\"pid\":", (uint64_t)k->pid);
			tvr_str(o, ",\"comm\":");
			json_str(o, k->comm);
		}
	}
	if (wire >= 0 && wire < TV_ST_COUNT) {
		tvr_str(o, ",\"wire_state\":");
		json_str(o, tv_tcp_state_names[wire]);
	}
	tvr_str(o, "}\n");
}

/* ---- a program's socket call (--calls): docs/json.md, "call" ---- */

static void
json_int(const struct tv_out *o, int64_t v)
{
	if (v < 0) {
		tvr_str(o, "-");
		tvr_u64(o, (uint64_t)0 - (uint64_t)v);
	} else
		tvr_u64(o, (uint64_t)v);
}

static void
json_endpoint(const struct tv_out *o, const char *key, const struct tv_addr *a,
    uint16_t port)
{
	char e[TV_ENDPOINTSTRLEN];

	if (a->family == 0)
		return;
	tvr_str(o, key);
	json_str(o, tv_endpoint_str(a, port, e, sizeof(e)));
}

void
tv_json_call(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, const char *side, const struct tv_call *k)
{
	char words[160];

	tvr_str(o, "{\"type\":\"call\",\"ts\":");
	json_ts(o, ro, k->sec, k->nsec);
	json_num(o, ",\"conn\":", c->id);
	tvr_str(o, ",\"side\":");
	json_str(o, side);
	tvr_str(o, ",\"call\":");
	json_str(o, tv_call_name_str(k->name));
	if (k->name == TV_CALL_CONNECT)
		tvr_str(o, k->flags & TV_CALLF_RETURNED ? ",\"phase\":\"returned\"" :
		    ",\"phase\":\"begun\"");
	json_num(o, ",\"pid\":", k->pid);
	tvr_str(o, ",\"fd\":");
	json_int(o, k->fd);
	tvr_str(o, ",\"ret\":");
	json_int(o, k->ret);
	json_num(o, ",\"errno\":", (uint64_t)(k->err < 0 ? 0 : k->err));
	if (k->name == TV_CALL_SEND || k->name == TV_CALL_RECV ||
	    k->name == TV_CALL_LISTEN)
		json_num(o, k->name == TV_CALL_LISTEN ? ",\"backlog\":" : ",\"bytes\":",
		    k->bytes);
	json_endpoint(o, ",\"local\":", &k->local, k->lport);
	json_endpoint(o, ",\"remote\":", &k->remote, k->rport);
	tv_fmt_call(words, sizeof(words), k);
	tvr_str(o, ",\"text\":");
	json_str(o, words);
	tvr_str(o, "}\n");
}
