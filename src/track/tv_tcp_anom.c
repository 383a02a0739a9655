/* \summary: TCP analysis, part 2: anomalies as Wireshark's TCP analysis names them, and payload counted once */
#include <string.h>

#include "tv_tcp-int.h"

/*
 * The anomaly rules are Wireshark's tcp_analyze_sequence_number()
 * (epan/dissectors/packet-tcp.c, as in Wireshark 4.0), quoted block by
 * block where they are followed: "fwd" there is t->w[from] here, "rev"
 * t->w[!from].  tcpviz names no zero window probe, keep-alive ACK or
 * window full, but follows what they change.  SYNs keep tcpviz's own rule
 * (a SYN sent again with its ISN, "SYN retry #n").  docs/outcomes.md.
 */
#define WS_NEXTSEQ	0x01	/* nextseq holds a value */
#define WS_MAXSEQ	0x02	/* maxseqtobeacked holds a value */
#define WS_SEEN		0x04	/* lastack and window are of a segment seen */
#define WS_LASTACK	0x08	/* ... which had ACK set (Wireshark: lastack != 0) */

/* "if the packet occurs within 20ms of the last duplicate ack" */
#define FASTRT_NS	(20 * 1000000LL)
/* the out-of-order threshold without an iRTT: "ooo_thres = 3000000" */
#define OOO_NO_RTT_NS	(3 * 1000000LL)

/* ZERO WINDOW PROBE: "seglen==1 && seq==fwd->nextseq && rev->window==0";
 * it skips the checks up to finished_fwd and does not move nextseq. */
static int
zero_window_probe(const struct tv_tcp_ws *w, const struct tv_tcp_ws *r,
    const struct tv_pkt *pkt)
{
	return pkt->len == 1 && (w->known & WS_NEXTSEQ) &&
	    pkt->seq == w->nextseq && (r->known & WS_SEEN) && r->window == 0;
}

/*
 * The checks before Wireshark's finished_fwd.  LOST PACKET: "nextseq &&
 * GT_SEQ(seq, nextseq) && !(flags&TH_RST)".  KEEP ALIVE: "seglen 0 or 1
 * && seq==nextseq-1", no SYN, FIN or RST.  Then a segment repeating the
 * last ("seglen==0 && window && seq==nextseq && ack==lastack", no SYN, FIN
 * or RST): WINDOW UPDATE when "window!=fwd->window"; else a KEEP ALIVE ACK
 * when the other side's last segment was a keep-alive; else DUPLICATE ACK.
 */
static uint16_t
judge_fwd(struct tv_tcp *t, int from, const struct tv_pkt *pkt,
    struct tv_tcp_pkt *out)
{
	struct tv_tcp_ws *w = &t->w[from];
	const struct tv_tcp_ws *r = &t->w[!from];
	int sfr = pkt->flags & (TV_TH_SYN | TV_TH_FIN | TV_TH_RST);
	int next = (w->known & WS_NEXTSEQ) != 0;
	uint16_t notes = 0;

	if (next && tv_seq_gt(pkt->seq, w->nextseq) && !(pkt->flags & TV_TH_RST))
		notes |= TV_NOTE_LOST_SEGMENT;
	if (pkt->len <= 1 && next && pkt->seq == w->nextseq - 1 && !sfr)
		notes |= TV_NOTE_KEEPALIVE;
	/* (tcpviz also wants the last segment's ACK set: Wireshark compares
	 * with a SYN's unused ACK field too) */
	if (pkt->len != 0 || pkt->win == 0 || !next || pkt->seq != w->nextseq ||
	    !(w->known & WS_LASTACK) || pkt->ack != w->lastack || sfr)
		return notes;
	if (pkt->win != w->window)
		return notes | TV_NOTE_WINDOW_UPDATE;
	if (r->lastnotes & TV_NOTE_KEEPALIVE)
		return notes;
	out->dup_ack = tv_sat_inc32(&w->dupacknum);
	return notes | TV_NOTE_DUP_ACK;
}

/*
 * ACKED LOST PACKET: "rev->maxseqtobeacked && GT_SEQ(ack,
 * rev->maxseqtobeacked) && (flags&TH_ACK)", then "rev->maxseqtobeacked =
 * rev->nextseq ... so we don't get this indication again".  tshark 4.0.17
 * also leaves unnamed such an ACK that repeats this side's previous ACK
 * (once per ACK value: tried on hand-made captures, its source at hand
 * says otherwise); Wireshark's master names it once per run of ACKs
 * (rev->dupacknum = -1) instead.
 */
static uint16_t
judge_acked(struct tv_tcp *t, int from, const struct tv_pkt *pkt)
{
	const struct tv_tcp_ws *w = &t->w[from];
	struct tv_tcp_ws *r = &t->w[!from];

	if (!(pkt->flags & TV_TH_ACK) || !(r->known & WS_MAXSEQ) ||
	    !tv_seq_gt(pkt->ack, r->maxseqtobeacked))
		return 0;
	r->maxseqtobeacked = r->nextseq;
	if ((w->known & WS_SEEN) && pkt->ack == w->lastack)
		return 0;
	return TV_NOTE_ACK_UNSEEN;
}

/* Wireshark's ooo_thres: the handshake's round trip (ts_first_rtt), or
 * 3 ms without one. */
static int64_t
ooo_threshold(const struct tv_tcp *t)
{
	return t->ws_irtt_known && t->ws_irtt_ns != 0 ? t->ws_irtt_ns :
	    OOO_NO_RTT_NS;
}

/*
 * RETRANSMISSION/FAST RETRANSMISSION/OUT-OF-ORDER, for data or a FIN that
 * is no keep-alive; "seq_not_advanced" is LT_SEQ(seq, nextseq), but not for
 * "seglen > 1 && nextseq - 1 == seq".  In Wireshark's order: fast when
 * "rev->dupacknum>=2 && rev->lastack==seq && t<20000000" (t since the other
 * side's last segment); out-of-order when within ooo_thres of nextseq's
 * last move "&& nextseq != seq + seglen"; spurious when "seglen > 0 &&
 * rev->lastack && LE_SEQ(seq + seglen, rev->lastack)" (advanced or not);
 * else a retransmission when not advanced.
 */
static uint16_t
judge_rexmit(const struct tv_tcp *t, int from, const struct tv_pkt *pkt,
    uint16_t notes, int64_t ns)
{
	const struct tv_tcp_ws *w = &t->w[from], *r = &t->w[!from];
	int not_adv;

	if ((pkt->len == 0 && !(pkt->flags & TV_TH_FIN)) ||
	    (notes & TV_NOTE_KEEPALIVE))
		return 0;
	not_adv = (w->known & WS_NEXTSEQ) && tv_seq_lt(pkt->seq, w->nextseq);
	if (pkt->len > 1 && pkt->seq == w->nextseq - 1)
		not_adv = 0;
	if (not_adv && r->dupacknum >= 2 && (r->known & WS_SEEN) &&
	    r->lastack == pkt->seq && ns - r->lastack_ns < FASTRT_NS)
		return TV_NOTE_RETRANS | TV_NOTE_FAST_RETRANS;
	/* the lab saw it leave its sender (pkt->seen): a network reorders,
	 * a sender does not, so below nextseq there it is sent again */
	if (not_adv && !pkt->seen && ns - w->nextseq_ns < ooo_threshold(t) &&
	    w->nextseq != pkt->seq + pkt->len)
		return TV_NOTE_OUT_OF_ORDER;
	if (pkt->len > 0 && (r->known & WS_LASTACK) &&
	    tv_seq_le(pkt->seq + pkt->len, r->lastack))
		return TV_NOTE_RETRANS | TV_NOTE_SPURIOUS;
	return not_adv ? TV_NOTE_RETRANS : 0;
}

/* Wireshark's iRTT: from the latest SYN (ts_mru_syn) to the first segment
 * with ACK and without SYN (ts_first_rtt), taken before the analysis. */
static void
irtt(struct tv_tcp *t, const struct tv_pkt *pkt, int64_t ns)
{
	unsigned sa = pkt->flags & (TV_TH_SYN | TV_TH_ACK);

	if (sa == TV_TH_SYN) {
		t->ws_syn_ns = ns;
		t->ws_syn_seen = 1;
	} else if (sa == TV_TH_ACK && t->ws_syn_seen && !t->ws_irtt_known) {
		t->ws_irtt_ns = ns - t->ws_syn_ns;
		t->ws_irtt_known = 1;
	}
}

/*
 * For Zeek (tv_tcp_zeek.c), apart from Wireshark's words: the hole in the
 * sequence space its gaps look into, and whether the payload moves the
 * sequence space (Zeek's 't' counts any payload below what was sent:
 * sent again, reordered or a keep-alive byte).  SYNs and RSTs aside.
 */
static int
zeek_seq(struct tv_tcp_seq *s, const struct tv_pkt *pkt)
{
	uint32_t end = pkt->seq + pkt->len + ((pkt->flags & TV_TH_FIN) ? 1u : 0u);
	int keepalive = !(pkt->flags & TV_TH_FIN) && pkt->len <= 1 &&
	    pkt->seq == s->nxt - 1;

	if ((pkt->flags & (TV_TH_SYN | TV_TH_RST)) || !s->nxt_known ||
	    (pkt->len == 0 && !(pkt->flags & TV_TH_FIN)))
		return 0;
	if (tv_seq_lt(pkt->seq, s->nxt)) {
		if (!keepalive && s->hole && pkt->seq == s->hole_lo) {
			s->hole_lo = end;
			if (tv_seq_ge(s->hole_lo, s->hole_hi))
				s->hole = 0;
		}
		return pkt->len > 0;
	}
	if (tv_seq_gt(pkt->seq, s->nxt) && !s->hole) {
		s->hole = 1;
		s->hole_lo = s->nxt;
		s->hole_hi = pkt->seq;
	}
	return 0;
}

/* SYN and SYN-ACK sent again with the same ISN; after an RST a SYN starts
 * over, whatever its ISN. */
static uint16_t
judge_syn(struct tv_tcp *t, const struct tv_pkt *pkt, int from, int64_t ns,
    struct tv_tcp_pkt *out)
{
	const struct tv_tcp_side *e = &t->s[from];
	uint8_t f = pkt->flags;

	if (!(f & TV_TH_SYN) || pkt->seq != e->syn_seq || tv_tcp_reset_seen(t) ||
	    !((!(f & TV_TH_ACK) && e->syn) || ((f & TV_TH_ACK) && e->synack)))
		return 0;
	if (!(f & TV_TH_ACK)) {
		out->syn_retry = e->syn_sends;
		out->retry_gap_ns = ns - e->last_syn_ns;
	}
	return TV_NOTE_RETRANS;
}

/* Wireshark's checks, in its order (SYN retries aside). */
static uint16_t
ws_judge(struct tv_tcp *t, const struct tv_pkt *pkt, int from, int64_t ns,
    uint16_t notes, struct tv_tcp_pkt *out)
{
	struct tv_tcp_ws *w = &t->w[from];

	/* "A new tcp session is started with the same ports": a SYN whose
	 * sequence number is not its side's ISN starts Wireshark over */
	if ((pkt->flags & (TV_TH_SYN | TV_TH_ACK)) == TV_TH_SYN &&
	    t->s[from].syn && pkt->seq != t->s[from].syn_seq) {
		memset(t->w, 0, sizeof(t->w));
		t->ws_syn_seen = t->ws_irtt_known = 0;
	}
	irtt(t, pkt, ns);
	if (!zero_window_probe(w, &t->w[!from], pkt))
		notes |= judge_fwd(t, from, pkt, out);
	/* finished_fwd: "If the ack number changed we must reset the dupack
	 * counters" */
	if (pkt->ack != w->lastack)
		w->dupacknum = 0;
	notes |= judge_acked(t, from, pkt);
	if (!(pkt->flags & (TV_TH_SYN | TV_TH_RST)))
		notes |= judge_rexmit(t, from, pkt, notes, ns);
	return notes;
}

uint16_t
tv_tcp_anom_judge(struct tv_tcp *t, const struct tv_pkt *pkt, int from,
    int64_t ns, struct tv_tcp_pkt *out, int *again)
{
	uint8_t f = pkt->flags;
	int syn = f & TV_TH_SYN, rst = f & TV_TH_RST;
	uint16_t notes = 0;

	if (t->closed)
		notes |= TV_NOTE_AFTER_CLOSE;
	if (syn && pkt->len > 0)
		notes |= TV_NOTE_SYN_DATA;
	if (rst && pkt->len > 0)
		notes |= TV_NOTE_RST_DATA;
	if (!rst && !syn && pkt->win == 0) {
		notes |= TV_NOTE_ZERO_WINDOW;
		tv_sat_inc32(&t->zero_windows);
	}
	notes |= judge_syn(t, pkt, from, ns, out);
	notes = ws_judge(t, pkt, from, ns, notes, out);
	*again = zeek_seq(&t->q[from], pkt) ||
	    ((notes & TV_NOTE_RETRANS) && syn && pkt->len > 0);
	if (notes & TV_NOTE_RETRANS)
		tv_sat_inc32(&t->retransmissions);
	if (notes & TV_NOTE_OUT_OF_ORDER)
		tv_sat_inc32(&t->out_of_order);
	if (notes & TV_NOTE_DUP_ACK)
		tv_sat_inc32(&t->dup_acks);
	return notes;
}

/* What Wireshark keeps of a segment after judging it
 * (finished_checking_retransmission_type): nextseq, unless a zero window
 * probe; maxseqtobeacked "if EQ_SEQ(seq, maxseqtobeacked)"; the window,
 * ACK, time and notes of the last segment. */
static void
ws_take(struct tv_tcp *t, const struct tv_pkt *pkt, int from, uint16_t notes,
    int64_t ns)
{
	struct tv_tcp_ws *w = &t->w[from];
	uint32_t next = pkt->seq + pkt->len +
	    ((pkt->flags & (TV_TH_SYN | TV_TH_FIN)) ? 1u : 0u);
	int zwp = zero_window_probe(w, &t->w[!from], pkt);

	if (!zwp && (!(w->known & WS_NEXTSEQ) || tv_seq_gt(next, w->nextseq))) {
		w->nextseq = next;
		w->nextseq_ns = ns;
		w->known |= WS_NEXTSEQ;
	}
	if (!zwp && (!(w->known & WS_MAXSEQ) || pkt->seq == w->maxseqtobeacked)) {
		w->maxseqtobeacked = w->nextseq;
		w->known |= WS_MAXSEQ;
	}
	w->window = pkt->win;
	w->lastack = pkt->ack;
	w->lastack_ns = ns;
	w->known = (uint8_t)((w->known & ~WS_LASTACK) | WS_SEEN |
	    ((pkt->flags & TV_TH_ACK) ? WS_LASTACK : 0));
	w->lastnotes = notes;
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

/* Wireshark checks no checksum by default: a segment with a bad one is
 * followed as any other, only not named. */
void
tv_tcp_anom_unused(struct tv_tcp *t, const struct tv_pkt *pkt, int from,
    int64_t ns)
{
	struct tv_tcp_pkt scratch;

	memset(&scratch, 0, sizeof(scratch));
	ws_take(t, pkt, from, ws_judge(t, pkt, from, ns, 0, &scratch), ns);
}

void
tv_tcp_anom_take(struct tv_tcp *t, const struct tv_pkt *pkt, int from,
    uint16_t notes, int64_t ns)
{
	struct tv_tcp_seq *s = &t->q[from];
	uint32_t end = pkt->seq + pkt->len + ((pkt->flags & TV_TH_SYN) ? 1u : 0u) +
	    ((pkt->flags & TV_TH_FIN) ? 1u : 0u);

	ws_take(t, pkt, from, notes, ns);
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
