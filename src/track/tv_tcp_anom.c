/* \summary: TCP analysis, part 2: anomalies (retransmission, dup ACK, zero window ...) and payload counted once */
#include "tv_tcp-int.h"

/*
 * A segment that fills a hole in the sequence space within this long of
 * the hole opening is called out-of-order (the network reordered it);
 * later, it is a retransmission of something lost.  Wireshark draws the
 * same line with the measured RTT; loopback RTTs are microseconds, so a
 * fixed few milliseconds is generous and keeps the rule simple.
 */
#define OOO_WINDOW_NS (3 * 1000000LL)

/* Data (or a FIN) below what the sender sent before: a retransmission,
 * or out-of-order when it fills a recent hole; data past it opens a hole. */
static uint16_t
judge_seq(struct tv_tcp_seq *s, const struct tv_pkt *pkt, int64_t ns)
{
	uint32_t end = pkt->seq + pkt->len + ((pkt->flags & TV_TH_FIN) ? 1u : 0u);
	uint16_t notes = 0;

	if (tv_seq_lt(pkt->seq, s->nxt)) {
		int in_hole = s->hole && tv_seq_ge(pkt->seq, s->hole_lo) &&
		    tv_seq_lt(pkt->seq, s->hole_hi);

		if (in_hole && ns - s->hole_ns < OOO_WINDOW_NS)
			notes |= TV_NOTE_OUT_OF_ORDER;
		else
			notes |= TV_NOTE_RETRANS;
		if (in_hole && pkt->seq == s->hole_lo) {
			s->hole_lo = end;
			if (tv_seq_ge(s->hole_lo, s->hole_hi))
				s->hole = 0;
		}
	} else if (tv_seq_gt(pkt->seq, s->nxt) && !s->hole) {
		/* bytes between were not seen (yet) */
		s->hole = 1;
		s->hole_lo = s->nxt;
		s->hole_hi = pkt->seq;
		s->hole_ns = ns;
	}
	return notes;
}

/* A pure ACK repeating the last one: a window update, or a duplicate ACK
 * when the peer has sent more than it acknowledges. */
static uint16_t
judge_ack(struct tv_tcp *t, struct tv_tcp_seq *s, const struct tv_tcp_seq *o,
    const struct tv_pkt *pkt, uint16_t notes, struct tv_tcp_pkt *out)
{
	if (pkt->win != s->last_win)
		return pkt->win != 0 ? TV_NOTE_WINDOW_UPDATE : 0;
	if ((notes & TV_NOTE_KEEPALIVE) || !o->nxt_known ||
	    !tv_seq_gt(o->nxt, pkt->ack))
		return 0;
	out->dup_ack = tv_sat_inc32(&s->dup_run);
	t->dup_acks++;
	return TV_NOTE_DUP_ACK;
}

/* Anomalies, judged against what the sender sent before (Wireshark's
 * tcp.analysis rules, simplified; docs/outcomes.md). */
uint16_t
tv_tcp_anom_judge(struct tv_tcp *t, const struct tv_pkt *pkt, int from,
    int64_t ns, struct tv_tcp_pkt *out)
{
	const struct tv_tcp_side *e = &t->s[from];
	struct tv_tcp_seq *s = &t->q[from], *o = &t->q[!from];
	uint8_t f = pkt->flags;
	int syn = f & TV_TH_SYN, fin = f & TV_TH_FIN, rst = f & TV_TH_RST;
	int plain = !syn && !fin && !rst;
	uint16_t notes = 0;

	if (t->closed)
		notes |= TV_NOTE_AFTER_CLOSE;
	if (syn && pkt->len > 0)
		notes |= TV_NOTE_SYN_DATA;
	if (rst && pkt->len > 0)
		notes |= TV_NOTE_RST_DATA;
	if (!rst && !syn && pkt->win == 0) {
		notes |= TV_NOTE_ZERO_WINDOW;
		t->zero_windows++;
	}

	/* SYN and SYN-ACK sent again with the same ISN; after an RST a SYN
	 * starts over, whatever its ISN */
	if (syn && ((!(f & TV_TH_ACK) && e->syn) || ((f & TV_TH_ACK) && e->synack)) &&
	    pkt->seq == e->syn_seq && !tv_tcp_reset_seen(t)) {
		notes |= TV_NOTE_RETRANS;
		if (!(f & TV_TH_ACK)) {
			out->syn_retry = e->syn_sends;
			out->retry_gap_ns = ns - e->last_syn_ns;
		}
	}

	/* keep-alive: one byte (or none) below what was already sent */
	if (plain && s->nxt_known && pkt->len <= 1 &&
	    pkt->seq == s->nxt - 1)
		notes |= TV_NOTE_KEEPALIVE;

	if (!syn && !rst && (pkt->len > 0 || fin) && s->nxt_known &&
	    !(notes & TV_NOTE_KEEPALIVE))
		notes |= judge_seq(s, pkt, ns);

	if (plain && pkt->len == 0 && (f & TV_TH_ACK) && s->last_valid &&
	    pkt->seq == s->last_seq && pkt->ack == s->last_ack)
		notes |= judge_ack(t, s, o, pkt, notes, out);
	if ((f & TV_TH_ACK) && !(notes & TV_NOTE_DUP_ACK) &&
	    (!s->last_valid || pkt->ack != s->last_ack))
		s->dup_run = 0;
	if (notes & TV_NOTE_RETRANS)
		t->retransmissions++;
	if (notes & TV_NOTE_OUT_OF_ORDER)
		t->out_of_order++;
	return notes;
}

/*
 * Payload counted once: the bytes by which this segment's data moves the
 * sequence space past what was sent before (as Zeek sizes orig_bytes and
 * resp_bytes from sequence numbers: bytes in a gap the capture missed
 * count, bytes sent again do not).  A retransmission's old bytes are
 * counted apart.  Runs before s->nxt takes this segment in.
 */
static void
payload(struct tv_tcp_seq *s, const struct tv_pkt *pkt, uint16_t notes)
{
	uint32_t start = pkt->seq + ((pkt->flags & TV_TH_SYN) ? 1u : 0u);
	uint32_t end = start + pkt->len, fresh = 0;

	if (pkt->flags & TV_TH_RST)
		return;
	/* an empty segment past what was seen proves the bytes between were
	 * sent (Zeek's last_seq moves with any segment) */
	if (pkt->len == 0) {
		if (s->nxt_known && tv_seq_gt(end, s->nxt) &&
		    !(pkt->flags & TV_TH_SYN))
			s->payload += end - s->nxt;
		return;
	}
	if (!s->nxt_known)
		fresh = pkt->len;
	else if (tv_seq_gt(end, s->nxt))
		fresh = end - s->nxt;
	if (notes & TV_NOTE_KEEPALIVE)
		fresh = 0;
	s->payload += fresh;
	if ((notes & TV_NOTE_RETRANS) && fresh < pkt->len)
		s->retrans_bytes += pkt->len - fresh;
}

void
tv_tcp_anom_take(struct tv_tcp *t, const struct tv_pkt *pkt, int from,
    uint16_t notes)
{
	struct tv_tcp_seq *s = &t->q[from];
	uint32_t end = pkt->seq + pkt->len + ((pkt->flags & TV_TH_SYN) ? 1u : 0u) +
	    ((pkt->flags & TV_TH_FIN) ? 1u : 0u);

	if (pkt->flags & TV_TH_RST)
		return;
	payload(s, pkt, notes);
	/* the highest sequence number sent, plus one */
	if (!s->nxt_known || tv_seq_gt(end, s->nxt)) {
		s->nxt = end;
		s->nxt_known = 1;
	}
	if (pkt->flags & TV_TH_ACK) {
		s->last_seq = pkt->seq;
		s->last_ack = pkt->ack;
		s->last_win = pkt->win;
		s->last_valid = 1;
	}
}
