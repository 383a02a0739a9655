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
json_str(struct tvr_w *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run;
	char esc[6];

	tvr_w_mem(w, "\"", 1);
	for (;;) {
		unsigned char ch;

		for (run = s; (ch = (unsigned char)*s) >= 0x20 && ch < 0x7f &&
		    ch != '"' && ch != '\\'; s++)
			;
		tvr_w_mem(w, run, (size_t)(s - run));
		if (ch == '\0')
			break;
		if (ch == '"' || ch == '\\') {
			esc[0] = '\\';
			esc[1] = (char)ch;
			tvr_w_mem(w, esc, 2);
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[ch >> 4];
			esc[5] = hex[ch & 15];
			tvr_w_mem(w, esc, 6);
		}
		s++;
	}
	tvr_w_mem(w, "\"", 1);
}

/* an address as a string: digits, dots, colons and hex letters (or
 * "?"), nothing to escape */
static void
json_addr(struct tvr_w *w, const struct tv_addr *a, char *buf,
    size_t size)
{
	tvr_w_mem(w, "\"", 1);
	tvr_w_str(w, tv_addr_str(a, buf, size));
	tvr_w_mem(w, "\"", 1);
}

/* a signed number */
static void
json_int(struct tvr_w *w, int64_t v)
{
	if (v < 0) {
		tvr_w_str(w, "-");
		tvr_w_u64(w, (uint64_t)0 - (uint64_t)v);
	} else
		tvr_w_u64(w, (uint64_t)v);
}

/* seconds.fraction, six or nine digits as the input has */
static void
json_ts(struct tvr_w *w, const struct tv_render_opts *ro,
    int64_t sec, uint32_t nsec)
{
	char t[40];
	int64_t ns;

	if (sec >= 0 && sec < INT64_MAX / 1000000000 - 1) {
		ns = sec * 1000000000 + nsec;
		tvr_w_mem(w, t, tvr_secs(t, sizeof(t), ns,
		    ro->ts_digits == 9 ? 9 : 6));
		return;
	}
	json_int(w, sec);	/* far from now: the parts apart */
	if (w->end - w->p < 10)
		tvr_w_room(w, 10);
	*w->p++ = '.';
	if (ro->ts_digits == 9) {
		tv_dec_fixed(w->p, nsec, 9);
		w->p += 9;
	} else {
		tv_dec_fixed(w->p, nsec / 1000, 6);
		w->p += 6;
	}
}

/* ,"key":number */
static void
json_num(struct tvr_w *w, const char *key, uint64_t v)
{
	tvr_w_str(w, key);
	tvr_w_u64(w, v);
}

/* "state", "notes", "dup_ack", "syn_retry" of a TCP packet */
static void
json_tcp_pkt(struct tvr_w *w, const struct tv_tcp_pkt *an)
{
	int i, any = 0;

	tvr_w_str(w, ",\"state\":{\"client\":\"");
	tvr_w_str(w, tv_tcp_state_names[an->state[0]]);
	tvr_w_str(w, "\",\"server\":\"");
	tvr_w_str(w, tv_tcp_state_names[an->state[1]]);
	tvr_w_str(w, "\"}");
	if (an->notes == 0)
		return;
	tvr_w_str(w, ",\"notes\":[");
	for (i = 0; i < TV_NOTE_COUNT; i++) {
		if (!(an->notes & (1u << i)))
			continue;
		tvr_w_str(w, any++ ? ",\"" : "\"");
		tvr_w_str(w, tv_note_names[i]);
		tvr_w_str(w, "\"");
	}
	tvr_w_str(w, "]");
	if (an->notes & TV_NOTE_DUP_ACK)
		json_num(w, ",\"dup_ack\":", an->dup_ack);
	if (an->syn_retry)
		json_num(w, ",\"syn_retry\":", an->syn_retry);
}

/* A side (-1 none, 0, 1, 2 both) as JSON. */
static void
json_side(struct tvr_w *w, const char *key, int side)
{
	static const char *const word[3] = { "\"client\"", "\"server\"",
	    "\"both\"" };

	tvr_w_str(w, ",\"");
	tvr_w_str(w, key);
	tvr_w_str(w, "\":");
	tvr_w_str(w, side < 0 ? "null" : word[side]);
}

/* ,"key":"word" */
static void
json_word(struct tvr_w *w, const char *key, const char *word)
{
	tvr_w_str(w, key);
	tvr_w_str(w, "\"");
	tvr_w_str(w, word);
	tvr_w_str(w, "\"");
}

/* The outcome keys of a connection (docs/json.md). */
static void
json_outcomes(struct tvr_w *w, const struct tv_conn *c)
{
	const struct tv_tcp *t = &c->tcp;
	enum tv_close cl;
	int64_t rtt;

	if (c->proto != 6) {
		json_word(w, ",\"conn_state\":",
		    tv_udp_conn_state(c->pkts[0], c->pkts[1]));
		json_word(w, ",\"history\":", t->history);
		return;
	}
	cl = tv_tcp_close(t);
	rtt = tv_tcp_handshake_rtt_us(t);
	json_word(w, ",\"open\":", tv_open_names[tv_tcp_open(t)]);
	json_num(w, ",\"syn_retries\":", tv_tcp_syn_retries(t));
	tvr_w_str(w, ",\"handshake_rtt_us\":");
	if (rtt >= 0)
		tvr_w_u64(w, (uint64_t)rtt);
	else
		tvr_w_str(w, "null");
	if (t->uncaptured >= 0)
		json_side(w, "uncaptured", t->uncaptured);
	json_word(w, ",\"close\":", tv_close_names[cl]);
	if (cl == TV_CLOSE_RESET)
		json_side(w, "reset_by", t->rst_end_side);
	tvr_w_str(w, tv_tcp_half_close(t) ? ",\"half_close\":true" :
	    ",\"half_close\":false");
	json_side(w, "closed_by", tv_tcp_closed_by(t));
	json_side(w, "time_wait", tv_tcp_time_wait(t));
	json_word(w, ",\"conn_state\":", tv_tcp_conn_state(t));
	tvr_w_str(w, ",\"history\":");
	json_str(w, t->history);
	json_num(w, ",\"retransmissions\":", t->retransmissions);
	json_num(w, ",\"dup_acks\":", t->dup_acks);
	json_num(w, ",\"out_of_order\":", t->out_of_order);
	json_num(w, ",\"zero_windows\":", t->zero_windows);
}

/* The tail every packet object shares: checksum, the lab, damage. */
static void
json_pkt_tail(struct tvr_w *w, const struct tv_pkt *pkt);

/* An ICMP error joined to c: the message's own addresses, what it says,
 * and the packet it quotes (docs/json.md). */
static void
json_icmp_packet(struct tvr_w *w, const struct tv_pkt *pkt,
    enum tv_side from)
{
	char a[TV_ADDRSTRLEN];
	const struct tv_icmp *ic = &pkt->icmp;

	tvr_w_str(w, ic->v6 ? ",\"proto\":\"icmp6\",\"src\":" :
	    ",\"proto\":\"icmp\",\"src\":");
	json_str(w, tv_addr_str(&ic->from, a, sizeof(a)));
	tvr_w_str(w, ",\"dst\":");
	json_str(w, tv_addr_str(&ic->to, a, sizeof(a)));
	tvr_w_str(w, from == TV_CLIENT ? ",\"from\":\"client\"" :
	    ",\"from\":\"server\"");
	json_num(w, ",\"icmp\":{\"type\":", ic->type);
	json_num(w, ",\"code\":", ic->code);
	json_word(w, ",\"error\":", tv_icmp_names[ic->kind < TV_ICMP_COUNT ?
	    ic->kind : 0]);
	if (ic->mtu)
		json_num(w, ",\"mtu\":", ic->mtu);
	/* the quote as it was sent: pkt holds it reversed */
	tvr_w_str(w, pkt->proto == 6 ? ",\"quote\":{\"proto\":\"tcp\",\"src\":" :
	    ",\"quote\":{\"proto\":\"udp\",\"src\":");
	json_str(w, tv_addr_str(&pkt->dst, a, sizeof(a)));
	json_num(w, ",\"sport\":", pkt->dport);
	tvr_w_str(w, ",\"dst\":");
	json_str(w, tv_addr_str(&pkt->src, a, sizeof(a)));
	json_num(w, ",\"dport\":", pkt->sport);
	if (ic->has_seq)
		json_num(w, ",\"seq\":", ic->seq);
	tvr_w_str(w, "}}");
	json_pkt_tail(w, pkt);
}

void
tv_json_packet(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_pkt *pkt, const struct tv_conn *c, enum tv_side from)
{
	char a[TV_ADDRSTRLEN], fl[12];
	int to = !from, any = 0;
	uint8_t i;
	struct tvr_w wb, *w = &wb;

	tvr_w_begin(w, o);
	json_num(w, "{\"type\":\"packet\",\"n\":", pkt->n);
	tvr_w_str(w, ",\"ts\":");
	json_ts(w, ro, pkt->ts_sec, pkt->ts_nsec);
	json_num(w, ",\"conn\":", c->id);
	if (c->late_of)
		json_num(w, ",\"late_of\":", c->late_of);
	if (pkt->icmp.kind != TV_ICMP_NONE) {
		json_icmp_packet(w, pkt, from);
		tvr_w_end(w);
		return;
	}
	tvr_w_str(w, pkt->proto == 6 ? ",\"proto\":\"tcp\",\"src\":" :
	    ",\"proto\":\"udp\",\"src\":");
	json_addr(w, &pkt->src, a, sizeof(a));
	json_num(w, ",\"sport\":", pkt->sport);
	tvr_w_str(w, ",\"dst\":");
	json_addr(w, &pkt->dst, a, sizeof(a));
	json_num(w, ",\"dport\":", pkt->dport);
	tvr_w_str(w, from == TV_CLIENT ? ",\"from\":\"client\"" :
	    ",\"from\":\"server\"");
	json_num(w, ",\"len\":", pkt->len);
	if (pkt->proto == 6) {
		tvr_w_str(w, ",\"flags\":\"");
		tvr_w_str(w, tv_flags_letters(pkt->flags, fl, sizeof(fl)));
		json_num(w, "\",\"seq\":", pkt->seq);
		if (pkt->flags & TV_TH_ACK)
			json_num(w, ",\"ack\":", pkt->ack);
		if (c->isn_known[from])
			json_num(w, ",\"rseq\":", (uint32_t)(pkt->seq - c->isn[from]));
		if ((pkt->flags & TV_TH_ACK) && c->isn_known[to])
			json_num(w, ",\"rack\":", (uint32_t)(pkt->ack - c->isn[to]));
		json_num(w, ",\"win\":", pkt->win);
		tvr_w_str(w, ",\"opts\":{");
		if (pkt->opt_mask & TV_OPT_MSS)
			json_num(w, any++ ? ",\"mss\":" : "\"mss\":", pkt->mss);
		if (pkt->opt_mask & TV_OPT_WSCALE)
			json_num(w, any++ ? ",\"wscale\":" : "\"wscale\":",
			    pkt->wscale);
		if (pkt->opt_mask & TV_OPT_SACK_OK)
			tvr_w_str(w, any++ ? ",\"sack_ok\":true" : "\"sack_ok\":true");
		if (pkt->opt_mask & TV_OPT_TS) {
			json_num(w, any++ ? ",\"ts\":[" : "\"ts\":[", pkt->ts_val);
			json_num(w, ",", pkt->ts_ecr);
			tvr_w_str(w, "]");
		}
		if (pkt->opt_mask & TV_OPT_SACK) {
			tvr_w_str(w, any++ ? ",\"sack\":[" : "\"sack\":[");
			for (i = 0; i < pkt->nsack; i++) {
				json_num(w, i ? ",[" : "[", pkt->sack[i][0]);
				json_num(w, ",", pkt->sack[i][1]);
				tvr_w_str(w, "]");
			}
			tvr_w_str(w, "]");
		}
		tvr_w_str(w, "}");
		json_tcp_pkt(w, &c->last);
	}
	json_pkt_tail(w, pkt);
	tvr_w_end(w);
}

static void
json_pkt_tail(struct tvr_w *w, const struct tv_pkt *pkt)
{
	if (pkt->ck_l4 != TV_CK_UNVERIFIED)
		json_word(w, ",\"cksum\":", tv_ck_names[pkt->ck_l4]);
	if (pkt->ck_l4 == TV_CK_INCORRECT) {
		json_num(w, ",\"cksum_value\":", pkt->ck_got);
		json_num(w, ",\"cksum_want\":", pkt->ck_want);
	}
	if (pkt->seen) {	/* the lab: where it was seen */
		static const char *const where[4] = { "[]", "[\"client\"]",
		    "[\"server\"]", "[\"client\",\"server\"]" };

		tvr_w_str(w, ",\"seen\":");
		tvr_w_str(w, where[pkt->seen & 3]);
		if (pkt->lost)
			tvr_w_str(w, ",\"lost\":true");
		if ((pkt->seen & 3) == 3)
			json_num(w, ",\"one_way_ns\":", pkt->owd_ns);
	}
	if (pkt->frags)
		json_num(w, ",\"fragments\":", pkt->frags);
	if (pkt->offloaded)
		tvr_w_str(w, ",\"offloaded\":true");
	if (pkt->truncated)
		tvr_w_str(w, ",\"truncated\":true");
	if (pkt->malformed) {
		tvr_w_str(w, ",\"malformed\":");
		json_str(w, pkt->malformed);
	}
	tvr_w_str(w, "}\n");
}

/* ,"key":{"client":a,"server":b} */
static void
json_pair(struct tvr_w *w, const char *key, uint64_t a, uint64_t b)
{
	tvr_w_str(w, key);
	json_num(w, "{\"client\":", a);
	json_num(w, ",\"server\":", b);
	tvr_w_str(w, "}");
}

/* ,"tunnel":{"kind":"GRE","src":"a","dst":"b","key":N,"depth":N},"via":["MPLS"] */
static void
json_tunnel(struct tvr_w *w, const struct tv_tunnel *t, int inner_family)
{
	char a[TV_ADDRSTRLEN];
	int i, n = 0;

	if (t->kind != TV_TUN_NONE) {
		json_word(w, ",\"tunnel\":{\"kind\":", tv_tun_kind_str(t, inner_family));
		tvr_w_str(w, ",\"src\":");
		json_str(w, tv_addr_str(&t->src, a, sizeof(a)));
		tvr_w_str(w, ",\"dst\":");
		json_str(w, tv_addr_str(&t->dst, a, sizeof(a)));
		if (t->has_key) {
			tvr_w_str(w, ",\"");
			tvr_w_str(w, tv_tun_key_name(t));
			json_num(w, "\":", t->key);
		}
		json_num(w, ",\"depth\":", t->depth);
		tvr_w_str(w, "}");
	}
	if (t->via == 0)
		return;
	tvr_w_str(w, ",\"via\":[");
	for (i = 0; i < TV_VIA_COUNT; i++) {
		if (!(t->via & (1u << i)))
			continue;
		if (n++)
			tvr_w_str(w, ",");
		json_str(w, tv_via_names[i]);
	}
	tvr_w_str(w, "]");
}

void
tv_json_conn(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, enum tv_done why)
{
	char e[TV_ENDPOINTSTRLEN];
	int s;
	struct tvr_w wb, *w = &wb;

	tvr_w_begin(w, o);
	json_num(w, "{\"type\":\"conn\",\"conn\":", c->id);
	if (c->late_of)
		json_num(w, ",\"late_of\":", c->late_of);
	tvr_w_str(w, c->proto == 6 ? ",\"proto\":\"tcp\",\"client\":" :
	    ",\"proto\":\"udp\",\"client\":");
	json_str(w, tv_endpoint_str(&c->addr[0], c->port[0], e, sizeof(e)));
	tvr_w_str(w, ",\"server\":");
	json_str(w, tv_endpoint_str(&c->addr[1], c->port[1], e, sizeof(e)));
	json_tunnel(w, &c->tun, c->addr[0].family);
	tvr_w_str(w, ",\"first_ts\":");
	json_ts(w, ro, c->first_sec, c->first_nsec);
	tvr_w_str(w, ",\"last_ts\":");
	json_ts(w, ro, c->last_sec, c->last_nsec);
	json_pair(w, ",\"packets\":", c->pkts[0], c->pkts[1]);
	json_pair(w, ",\"bytes\":", c->bytes[0], c->bytes[1]);
	if (c->proto == 6) {
		json_pair(w, ",\"retrans_bytes\":", c->tcp.q[0].retrans_bytes,
		    c->tcp.q[1].retrans_bytes);
		tvr_w_str(w, ",\"isn\":{");
		for (s = 0; s < 2; s++) {
			tvr_w_str(w, s ? ",\"server\":" : "\"client\":");
			if (c->isn_known[s])
				tvr_w_u64(w, c->isn[s]);
			else
				tvr_w_str(w, "null");
		}
		tvr_w_str(w, "}");
	}
	json_outcomes(w, c);
	if (c->port_flip)
		tvr_w_str(w, ",\"port_flip\":true");
	if (c->icmp.n) {
		const char *out = tv_icmp_outcome(c);

		if (out != NULL)
			json_word(w, ",\"outcome\":", out);
		json_num(w, ",\"icmp\":{\"errors\":", c->icmp.n);
		json_word(w, ",\"first\":", tv_icmp_names[c->icmp.kind <
		    TV_ICMP_COUNT ? c->icmp.kind : 0]);
		json_num(w, ",\"type\":", c->icmp.type);
		json_num(w, ",\"code\":", c->icmp.code);
		tvr_w_str(w, c->icmp.v6 ? ",\"v6\":true" : ",\"v6\":false");
		json_side(w, "from", c->icmp.side);
		tvr_w_str(w, c->icmp.refused ? ",\"port_unreachable\":true" :
		    ",\"port_unreachable\":false");
		if (c->icmp.mtu)
			json_num(w, ",\"mtu\":", c->icmp.mtu);
		tvr_w_str(w, "}");
	}
	if (ro->shard)
		json_num(w, ",\"shard\":", ro->shard);
	if (why == TV_DONE_EVICTED)
		tvr_w_str(w, ",\"evicted\":true");
	if (why == TV_DONE_IDLE)
		tvr_w_str(w, ",\"inactive\":true");
	tvr_w_str(w, "}\n");
	tvr_w_end(w);
}

void
tv_json_summary(const struct tv_out *o, const struct tv_totals *t,
    uint32_t shard)
{
	int i, any = 0;
	struct tvr_w wb, *w = &wb;

	tvr_w_begin(w, o);
	json_num(w, "{\"type\":\"summary\",\"packets\":", t->packets);
	json_num(w, ",\"tcp\":", t->tcp);
	json_num(w, ",\"udp\":", t->udp);
	json_num(w, ",\"skipped\":", t->skipped);
	json_num(w, ",\"truncated\":", t->truncated);
	json_num(w, ",\"malformed\":", t->malformed);
	json_num(w, ",\"connections\":", t->connections);
	json_num(w, ",\"evicted\":", t->evicted);
	tvr_w_str(w, ",\"skipped_why\":{");
	for (i = 1; i < TV_SKIP_COUNT; i++) {
		if (t->skip_why[i] == 0)
			continue;
		tvr_w_str(w, any++ ? "," : "");
		json_str(w, tv_skip_names[i]);
		json_num(w, ":", t->skip_why[i]);
	}
	tvr_w_str(w, "}");
	if (t->frag.fragments) {	/* only when there were any */
		const struct tv_frag_stats *f = &t->frag;

		json_num(w, ",\"fragments\":", f->fragments);
		json_num(w, ",\"reassembled\":", f->reassembled);
		json_num(w, ",\"fragments_dropped\":{\"overlapping\":", f->overlap);
		json_num(w, ",\"too_long\":", f->too_long);
		json_num(w, ",\"malformed\":", f->bad);
		json_num(w, ",\"timed_out\":", f->timed_out);
		json_num(w, ",\"evicted\":", f->evicted);
		json_num(w, ",\"incomplete\":", f->incomplete);
		tvr_w_str(w, "}");
	}
	if (t->icmp) {		/* only when there were any */
		json_num(w, ",\"icmp_errors\":", t->icmp);
		json_num(w, ",\"icmp_no_conn\":", t->icmp_no_flow);
	}
	if (shard)
		json_num(w, ",\"shard\":", shard);
	tvr_w_str(w, "}\n");
	tvr_w_end(w);
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
	struct tvr_w wb, *w = &wb;

	tvr_w_begin(w, o);
	tvr_w_str(w, "{\"type\":\"kernel\",\"ts\":");
	json_ts(w, ro, ts_ns / 1000000000, (uint32_t)(ts_ns % 1000000000));
	json_num(w, ",\"conn\":", c->id);
	tvr_w_str(w, c->proto == 6 ? ",\"proto\":\"tcp\",\"side\":" :
	    ",\"proto\":\"udp\",\"side\":");
	json_str(w, side);
	if (k == NULL) {
		tvr_w_str(w, ",\"state\":null");
	} else {
		tvr_w_str(w, ",\"state\":");
		json_str(w, tv_ks_state_name(k));
		tvr_w_str(w, ",\"local\":");
		json_str(w, tv_endpoint_str(&k->local, k->lport, e, sizeof(e)));
		tvr_w_str(w, ",\"remote\":");
		json_str(w, tv_endpoint_str(&k->remote, k->rport, e, sizeof(e)));
		json_num(w, ",\"recv_q\":", k->rq);
		json_num(w, ",\"send_q\":", k->wq);
		if (k->timer != TV_KT_NONE && tv_ks_timer_name(k->timer)[0]) {
			tvr_w_str(w, ",\"timer\":");
			json_str(w, tv_ks_timer_name(k->timer));
			json_num(w, ",\"timer_ms\":", k->expires_ms);
			json_num(w, ",\"retrans\":", k->retrans);
		}
		json_num(w, ",\"inode\":", k->inode);
		json_num(w, ",\"uid\":", k->uid);
		if (k->pid > 0) {
			json_num(w, ",\"pid\":", (uint64_t)k->pid);
			tvr_w_str(w, ",\"comm\":");
			json_str(w, k->comm);
		}
	}
	if (wire >= 0 && wire < TV_ST_COUNT) {
		tvr_w_str(w, ",\"wire_state\":");
		json_str(w, tv_tcp_state_names[wire]);
	}
	tvr_w_str(w, "}\n");
	tvr_w_end(w);
}

/* ---- a program's socket call (--calls): docs/json.md, "call" ---- */

static void
json_endpoint(struct tvr_w *w, const char *key, const struct tv_addr *a,
    uint16_t port)
{
	char e[TV_ENDPOINTSTRLEN];

	if (a->family == 0)
		return;
	tvr_w_str(w, key);
	json_str(w, tv_endpoint_str(a, port, e, sizeof(e)));
}

void
tv_json_call(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, const char *side, const struct tv_call *k)
{
	char words[160];
	struct tvr_w wb, *w = &wb;

	tvr_w_begin(w, o);
	tvr_w_str(w, "{\"type\":\"call\",\"ts\":");
	json_ts(w, ro, k->sec, k->nsec);
	json_num(w, ",\"conn\":", c->id);
	tvr_w_str(w, ",\"side\":");
	json_str(w, side);
	tvr_w_str(w, ",\"call\":");
	json_str(w, tv_call_name_str(k->name));
	if (k->name == TV_CALL_CONNECT)
		tvr_w_str(w, k->flags & TV_CALLF_RETURNED ? ",\"phase\":\"returned\"" :
		    ",\"phase\":\"begun\"");
	json_num(w, ",\"pid\":", k->pid);
	tvr_w_str(w, ",\"fd\":");
	json_int(w, k->fd);
	tvr_w_str(w, ",\"ret\":");
	json_int(w, k->ret);
	json_num(w, ",\"errno\":", (uint64_t)(k->err < 0 ? 0 : k->err));
	if (k->name == TV_CALL_SEND || k->name == TV_CALL_RECV ||
	    k->name == TV_CALL_LISTEN)
		json_num(w, k->name == TV_CALL_LISTEN ? ",\"backlog\":" : ",\"bytes\":",
		    k->bytes);
	json_endpoint(w, ",\"local\":", &k->local, k->lport);
	json_endpoint(w, ",\"remote\":", &k->remote, k->rport);
	tv_fmt_call(words, sizeof(words), k);
	tvr_w_str(w, ",\"text\":");
	json_str(w, words);
	tvr_w_str(w, "}\n");
	tvr_w_end(w);
}
