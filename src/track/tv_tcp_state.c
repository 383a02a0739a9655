/* \summary: TCP analysis, part 1: both endpoints' states and the SYN, FIN and RST facts of RFC 9293 */
#include "tv_tcp-int.h"

/* RFC 9293 §3.10.7: endpoint states as the segment is sent and received.
 * `ack_syn` / `ack_fin`: this segment acknowledges the peer's SYN / FIN
 * for the first time. */
static void
states(struct tv_tcp *t, const struct tv_pkt *pkt, int from, int ack_syn,
    int ack_fin)
{
	uint8_t *me = &t->state[from], *peer = &t->state[!from];
	struct tv_tcp_side *s = &t->s[from], *o = &t->s[!from];
	uint8_t f = pkt->flags;

	if (f & TV_TH_RST) {
		/* §3.10.7.4: a reset SYN_RECEIVED that came from LISTEN goes
		 * back to LISTEN; every other state goes to CLOSED */
		if (*peer == TV_ST_SYN_RECEIVED && !o->syn)
			*peer = TV_ST_LISTEN;
		else if (*peer != TV_ST_LISTEN)	/* LISTEN ignores an RST */
			*peer = TV_ST_CLOSED;
		*me = TV_ST_CLOSED;
		return;
	}
	if (f & TV_TH_SYN) {
		if (!(f & TV_TH_ACK)) {
			/* §3.10.7.3: a SYN reaching SYN_SENT is a simultaneous
			 * open; both sides pass to SYN_RECEIVED */
			if (*peer == TV_ST_SYN_SENT) {
				*peer = TV_ST_SYN_RECEIVED;
				*me = TV_ST_SYN_RECEIVED;
			} else if (*me == TV_ST_CLOSED || *me == TV_ST_LISTEN) {
				*me = TV_ST_SYN_SENT;
			}
		} else {
			/* §3.10.7.2: LISTEN answers a SYN with SYN,ACK */
			if (*me == TV_ST_CLOSED || *me == TV_ST_LISTEN || *me == TV_ST_SYN_SENT)
				*me = TV_ST_SYN_RECEIVED;
		}
	}
	/* the peer learns its SYN was acknowledged (§3.10.7.3, §3.10.7.4) */
	if (ack_syn) {
		if (*peer == TV_ST_SYN_SENT || *peer == TV_ST_SYN_RECEIVED)
			*peer = TV_ST_ESTABLISHED;
	}
	/* ...and that its FIN was acknowledged (§3.10.7.4, ACK processing) */
	if (ack_fin) {
		if (*peer == TV_ST_FIN_WAIT_1)
			*peer = TV_ST_FIN_WAIT_2;
		else if (*peer == TV_ST_CLOSING)
			*peer = TV_ST_TIME_WAIT;
		else if (*peer == TV_ST_LAST_ACK)
			*peer = TV_ST_CLOSED;
	}
	if (f & TV_TH_FIN) {
		/* sender (§3.10.4 CLOSE) */
		if (*me == TV_ST_ESTABLISHED || *me == TV_ST_SYN_RECEIVED)
			*me = TV_ST_FIN_WAIT_1;
		else if (*me == TV_ST_CLOSE_WAIT)
			/* a FIN that does not acknowledge the peer's FIN was
			 * sent before that FIN arrived: simultaneous close */
			*me = o->fin_acked ? TV_ST_LAST_ACK : TV_ST_CLOSING;
		/* receiver (§3.10.7.4, eighth step) */
		if (*peer == TV_ST_ESTABLISHED || *peer == TV_ST_SYN_RECEIVED)
			*peer = TV_ST_CLOSE_WAIT;
		else if (*peer == TV_ST_FIN_WAIT_1)
			*peer = TV_ST_CLOSING;
		else if (*peer == TV_ST_FIN_WAIT_2)
			*peer = TV_ST_TIME_WAIT;
	}
	(void)s;
}

/* What this segment says of the sender's SYN and FIN and of the peer's:
 * sent, acknowledged, retried; `ack_syn` / `ack_fin` set when it
 * acknowledges the peer's SYN / FIN for the first time. */
static void
facts(struct tv_tcp *t, const struct tv_pkt *pkt, int from, int64_t ns,
    int *ack_syn, int *ack_fin)
{
	struct tv_tcp_side *s = &t->s[from], *o = &t->s[!from];
	uint8_t f = pkt->flags;
	int syn = f & TV_TH_SYN, fin = f & TV_TH_FIN, rst = f & TV_TH_RST;
	int ack = f & TV_TH_ACK;

	if (syn && !s->syn_seen) {
		s->syn_seen = 1;
		s->has_wscale = (pkt->opt_mask & TV_OPT_WSCALE) != 0;
		s->wscale = pkt->wscale > 14 ? 14 : pkt->wscale;	/* RFC 7323 §2.3 */
	}
	/* SYNs and their retries */
	if (syn && !ack) {
		if (!s->syn) {
			s->syn = 1;
			s->syn_seq = pkt->seq;
			if (from == 0 && !t->have_first_syn) {
				t->first_syn_ns = ns;
				t->have_first_syn = 1;
			}
		}
		/* a SYN after an RST is a new attempt, not a retry */
		if (pkt->seq == s->syn_seq && !tv_tcp_reset_seen(t))
			tv_sat_inc32(&s->syn_sends);
		s->last_syn_ns = ns;
	} else if (syn) {
		if (!s->synack && !s->syn)
			s->syn_seq = pkt->seq;
		s->synack = 1;
	}

	/* what this segment acknowledges */
	if (ack && !rst) {
		if ((o->syn || o->synack) && !o->syn_acked &&
		    tv_seq_gt(pkt->ack, o->syn_seq)) {
			o->syn_acked = 1;
			*ack_syn = 1;
		} else if (syn && from == 1 && t->flipped && !o->syn &&
		    !o->synack && !o->syn_acked) {
			/* a SYN-ACK seen first acknowledges the client's
			 * SYN the capture missed (§3.10.7.3: SYN_SENT then
			 * enters ESTABLISHED) */
			o->syn_acked = 1;
			*ack_syn = 1;
		}
		if (o->fin && !o->fin_acked && tv_seq_gt(pkt->ack, o->fin_seq)) {
			o->fin_acked = 1;
			*ack_fin = 1;
			if (fin && !s->fin)
				s->fin_carried_ack = 1;
			else
				o->fin_acked_alone = 1;
		}
	}
	if (pkt->len > 0 && o->fin && !s->fin)
		s->data_after_peer_fin = 1;
	if (fin && !s->fin) {
		s->fin = 1;
		s->fin_seq = pkt->seq + pkt->len + (syn ? 1u : 0u);
		if (t->first_fin < 0)
			t->first_fin = (int8_t)from;
		else if (o->fin && !o->fin_acked)
			t->simultaneous_close = 1;
	}
}

/*
 * Would the receiver accept this RST?  RFC 9293 §3.10.7.3: in SYN-SENT,
 * only with an ACK of its SYN (SND.UNA < SEG.ACK =< SND.NXT), else it is
 * dropped.  §3.10.7.4 with RFC 5961 §3.2, in the other states: only with
 * a sequence number in the receive window, RCV.NXT =< SEG.SEQ <
 * RCV.NXT + RCV.WND (when the window is 0: SEG.SEQ = RCV.NXT), else
 * dropped.  RCV.NXT and RCV.WND are the receiver's last ACK and window
 * (scaled as its SYN said; unknown scale: the largest, 14).  One in the
 * window but not at RCV.NXT gets RFC 5961's challenge ACK; the capture
 * may hold fewer bytes than the receiver saw, so tcpviz accepts it.
 * Nothing known of the receiver: accepted.
 */
int
tv_tcp_rst_acceptable(const struct tv_tcp *t, const struct tv_pkt *pkt, int from)
{
	const struct tv_tcp_side *r = &t->s[!from], *s = &t->s[from];
	const struct tv_tcp_seq *rq = &t->q[!from];
	uint32_t wnd;
	unsigned scale;

	if (t->closed)
		return 1;
	if (t->state[!from] == TV_ST_SYN_SENT && r->syn && !r->syn_acked) {
		if (!(pkt->flags & TV_TH_ACK))
			return 0;
		return tv_seq_gt(pkt->ack, r->syn_seq) &&
		    (!rq->nxt_known || tv_seq_le(pkt->ack, rq->nxt));
	}
	if (!rq->last_valid)
		return 1;
	if (r->syn_seen && s->syn_seen)
		scale = r->has_wscale && s->has_wscale ? r->wscale : 0;
	else
		scale = 14;
	wnd = (uint32_t)rq->last_win << scale;
	if (wnd == 0)
		return pkt->seq == rq->last_ack;
	return tv_seq_ge(pkt->seq, rq->last_ack) &&
	    tv_seq_lt(pkt->seq, rq->last_ack + wnd);
}

/*
 * One direction captured (asymmetric routing, a SPAN port of one side):
 * a side's segments prove the other's existed.  A client that sent its
 * SYN, then an ACK without SYN or RST, had the SYN-ACK; a server that sent
 * its SYN-ACK, then data or an ACK of the client's data, had the ACK
 * completing the handshake (RFC 9293 §3.10.7.3, §3.10.7.4: neither is sent
 * before; TCP Fast Open aside).  A FIN proves nothing: SYN-RECEIVED may
 * close (§3.10.4).  The handshake completed then; the side never captured
 * is kept.
 */
static void
one_direction(struct tv_tcp *t, const struct tv_pkt *pkt, int from,
    struct tv_tcp_pkt *out)
{
	struct tv_tcp_side *s = &t->s[from], *o = &t->s[!from];
	unsigned f = pkt->flags;

	if (t->established || t->closed || t->seen[!from] ||
	    (f & (TV_TH_SYN | TV_TH_RST)) || !(f & TV_TH_ACK))
		return;
	if (from == 0 && !(s->syn && t->state[0] == TV_ST_SYN_SENT))
		return;
	/* (a FIN proves nothing: SYN-RECEIVED may close, §3.10.4) */
	if (from == 1 && !(s->synack && t->flipped && (pkt->len > 0 ||
	    (t->q[1].last_valid && tv_seq_gt(pkt->ack, t->q[1].last_ack)))))
		return;
	if (from == 0) {	/* the SYN-ACK it acknowledges */
		o->synack = 1;
		o->syn_seq = pkt->ack - 1;
	}
	o->syn_acked = s->syn_acked = 1;
	t->state[0] = t->state[1] = TV_ST_ESTABLISHED;
	t->established = 1;
	t->uncaptured = (int8_t)!from;
	out->events |= TV_EV_OPENED;
}

void
tv_tcp_state_packet(struct tv_tcp *t, const struct tv_pkt *pkt, int from,
    int64_t ns, struct tv_tcp_pkt *out)
{
	struct tv_tcp_side *s = &t->s[from], *o = &t->s[!from];
	int rst = pkt->flags & TV_TH_RST, ack_syn = 0, ack_fin = 0;
	struct tv_tcp_side peer = *o;
	uint8_t peer_state = t->state[!from];

	one_direction(t, pkt, from, out);
	t->seen[from] = 1;
	facts(t, pkt, from, ns, &ack_syn, &ack_fin);
	/* a server that sends its own SYN was not listening */
	if (from == 1 && (pkt->flags & TV_TH_SYN) && !(pkt->flags & TV_TH_ACK) &&
	    t->first_had_syn)
		t->init_state[1] = TV_ST_CLOSED;
	if (!t->closed)
		states(t, pkt, from, ack_syn, ack_fin);
	if (pkt->lost) {
		/* lost on the wire (the lab): the sender acted on it, the
		 * peer never learnt what it said */
		*o = peer;
		t->state[!from] = peer_state;
	}
	if (rst) {
		s->rst = 1;
		if (t->first_rst < 0) {
			t->first_rst = (int8_t)from;
			t->rst_before_est = !t->established;
		}
		if (!t->closed) {
			t->rst_ended = 1;
			t->rst_end_side = (int8_t)from;
		}
	}
	/* the handshake completed when both SYNs are acknowledged (§3.5);
	 * a FIN from SYN_RECEIVED reaches FIN_WAIT_1 without that */
	if (!t->established && t->s[0].syn_acked && t->s[1].syn_acked) {
		t->established = 1;
		t->hs_done_ns = ns;
		t->have_hs_done = 1;
		out->events |= TV_EV_OPENED;
	}
	if (!t->closed && (rst || (s->fin_acked && o->fin_acked))) {
		t->closed = 1;
		out->events |= TV_EV_CLOSED;
	}

}
