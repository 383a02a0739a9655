/* \summary: TCP analysis, part 3: Zeek's history letters, endpoint states and conn_state (UDP's too) */
#include <string.h>

#include "tv_tcp-int.h"

/* history bits of struct tv_tcp_zeek.h_once and h_seen */
#define H_A 0x01
#define H_D 0x02
#define H_I 0x04
#define H_Q 0x08
#define H_PAYLOAD 0x10	/* h_once: sent payload (Zeek's size > 0) */
#define H_S 0x10	/* h_seen: SYN or SYN-ACK */
#define H_F 0x40
#define H_R 0x80

static void
hist_add(struct tv_tcp *t, int from, char letter)
{
	if (t->hlen + 1 >= TV_HISTORY_MAX)
		return;
	t->history[t->hlen++] = (char)(from == 0 ? letter - 'a' + 'A' : letter);
	t->history[t->hlen] = '\0';
}

/* a d i q: once per direction */
static void
hist_once(struct tv_tcp *t, int from, uint8_t bit, char letter)
{
	if (t->z[from].h_once & bit)
		return;
	t->z[from].h_once |= bit;
	hist_add(t, from, letter);
}

/* s h f r: again whenever the sequence number differs from the last one */
static void
hist_seq(struct tv_tcp *t, int from, uint8_t bit, uint32_t *last, uint32_t seq,
    char letter)
{
	struct tv_tcp_zeek *s = &t->z[from];

	if ((s->h_seen & bit) && *last == seq)
		return;
	s->h_seen |= bit;
	*last = seq;
	hist_add(t, from, letter);
}

/* t w: at the 1st, 10th, 100th ... occurrence */
static void
hist_log(struct tv_tcp *t, int from, uint32_t *count, char letter)
{
	uint32_t n = tv_sat_inc32(count), p = 1;

	while (p < n && p <= 100000000u)
		p *= 10;
	if (p == n)
		hist_add(t, from, letter);
}

/* TCP_Endpoint::SetState(): the state before a change is kept */
static void
set_ep(struct tv_tcp_zeek *z, uint8_t st)
{
	if (z->ep != st) {
		z->ep_prev = z->ep;
		z->ep = st;
	}
}

/*
 * Zeek's endpoint states, which its conn_state is defined over: its TCP
 * analyzer's UpdateStateMachine() (TCPSessionAdapter.cc), condensed.
 * Zeek makes both endpoints ESTABLISHED on the responder's SYN or SYN-ACK
 * to an originator in SYN_SENT, and an RST after both FINs leaves them
 * CLOSED.  Not kept: its SYN/SYN-ACK role flip.
 */
static void
zeek_update(struct tv_tcp *t, int from, unsigned flags, uint32_t len)
{
	struct tv_tcp_zeek *me = &t->z[from], *peer = &t->z[!from];
	int syn = flags & TV_TH_SYN, ack = flags & TV_TH_ACK;
	int fin = flags & TV_TH_FIN, rst = flags & TV_TH_RST;

	switch (me->ep) {
	case TV_Z_INACTIVE:	/* UpdateInactiveState() */
		if (syn && from == 0) {
			set_ep(me, ack ? TV_Z_SYN_ACK_SENT : TV_Z_SYN_SENT);
		} else if (syn) {
			if (peer->ep == TV_Z_SYN_SENT)
				set_ep(peer, TV_Z_ESTABLISHED);
			set_ep(me, TV_Z_ESTABLISHED);
		}
		if (fin)
			set_ep(me, TV_Z_CLOSED);
		if (rst)
			set_ep(me, TV_Z_RESET);
		if (me->ep != TV_Z_INACTIVE)
			break;
		/* no SYN, FIN or RST: an ACK after a SYN-ACK whose SYN was
		 * missed establishes; a responder's empty ACK of the SYN
		 * before its SYN-ACK changes nothing; else a partial one */
		if (ack && peer->ep == TV_Z_ESTABLISHED)
			set_ep(me, TV_Z_ESTABLISHED);
		else if (!(from == 1 && len == 0 && peer->ep == TV_Z_SYN_SENT))
			set_ep(me, TV_Z_PARTIAL);
		break;
	case TV_Z_SYN_SENT:
	case TV_Z_SYN_ACK_SENT:	/* UpdateSYN_SentState() */
		if (fin)
			set_ep(me, TV_Z_CLOSED);
		if (rst)
			set_ep(me, TV_Z_RESET);
		break;
	case TV_Z_ESTABLISHED:
	case TV_Z_PARTIAL:	/* UpdateEstablishedState() */
		if (syn && !ack && me->ep == TV_Z_PARTIAL && peer->ep == TV_Z_INACTIVE)
			set_ep(me, TV_Z_SYN_SENT);
		if (fin && !rst) {
			set_ep(me, TV_Z_CLOSED);
			/* the peer sent a FIN, then an RST: that was a
			 * normal close after all, back to CLOSED */
			if (peer->ep == TV_Z_RESET && peer->ep_prev == TV_Z_CLOSED)
				set_ep(peer, TV_Z_CLOSED);
		}
		if (rst)
			set_ep(me, TV_Z_RESET);
		break;
	case TV_Z_CLOSED:	/* UpdateClosedState() */
		if (rst && peer->ep != TV_Z_CLOSED)
			set_ep(me, TV_Z_RESET);
		break;
	}
}

/* TCP_Reassembler::Gap() (is_clean()): content gaps count only while
 * both endpoints are ESTABLISHED, or CLOSED coming from ESTABLISHED */
static int
zeek_clean(const struct tv_tcp_zeek *z)
{
	return z->ep == TV_Z_ESTABLISHED ||
	    (z->ep == TV_Z_CLOSED && z->ep_prev == TV_Z_ESTABLISHED);
}

/*
 * A content gap (Zeek's G/g, TCP_Endpoint::Gap()): this segment's ACK
 * covers bytes of the peer's that were never seen, past all it was seen
 * sending (peer's q.nxt) or in a hole of its data.  Each gap once.
 * Runs before the segment's own bytes are taken in.
 */
static void
zeek_gap(struct tv_tcp *t, const struct tv_pkt *pkt, int from)
{
	const struct tv_tcp_seq *q = &t->q[!from];
	struct tv_tcp_zeek *z = &t->z[!from];
	uint32_t lo;

	if (!(pkt->flags & TV_TH_ACK) || (pkt->flags & TV_TH_RST) ||
	    !q->nxt_known || !zeek_clean(&t->z[0]) || !zeek_clean(&t->z[1]))
		return;
	if (tv_seq_gt(pkt->ack, q->nxt))
		lo = q->nxt;
	else if (q->hole && tv_seq_gt(pkt->ack, q->hole_lo))
		lo = q->hole_lo;
	else
		return;
	if (z->gap_known && tv_seq_lt(lo, z->gap_to))
		return;		/* reported already */
	z->gap_known = 1;
	z->gap_to = pkt->ack;
	hist_log(t, !from, &z->n_g, 'g');
}

/* Connection::FlipRoles() (src/Conn.cc) writes '^' before any letter */
void
tv_tcp_zeek_init(struct tv_tcp *t, int flipped)
{
	if (flipped) {
		t->history[t->hlen++] = '^';
		t->history[t->hlen] = '\0';
	}
}

void
tv_udp_init(struct tv_tcp *t, int flipped)
{
	memset(t, 0, sizeof(*t));
	t->flipped = (uint8_t)flipped;
	tv_tcp_zeek_init(t, flipped);
}

void
tv_tcp_zeek_packet(struct tv_tcp *t, const struct tv_pkt *pkt, int from,
    uint16_t notes, int again)
{
	struct tv_tcp_zeek *s = &t->z[from];
	unsigned f = pkt->flags;
	int syn = f & TV_TH_SYN, fin = f & TV_TH_FIN, rst = f & TV_TH_RST;
	int ack = f & TV_TH_ACK;

	/* Zeek history letters, as its update_history(), update_window()
	 * and DidRxmit() add them, then its endpoint states */
	if (!!syn + !!fin + !!rst > 1) {
		if (fin && rst)
			hist_once(t, from, H_I, 'i');
		else
			hist_once(t, from, H_Q, 'q');
	} else if (syn) {
		/* one mark and last sequence number for SYN and SYN-ACK */
		hist_seq(t, from, H_S, &s->h_seq_s, pkt->seq, ack ? 'h' : 's');
	} else if (fin) {
		/* a FIN's number is taken after its payload */
		hist_seq(t, from, H_F, &s->h_seq_f, pkt->seq + pkt->len, 'f');
	} else if (rst) {
		hist_seq(t, from, H_R, &s->h_seq_r, pkt->seq, 'r');
	} else if (pkt->len > 0) {
		hist_once(t, from, H_D, 'd');
	} else if (ack) {
		hist_once(t, from, H_A, 'a');
	}
	if (notes & TV_NOTE_ZERO_WINDOW)
		hist_log(t, from, &s->n_w, 'w');
	/* payload that does not advance the sequence space */
	if (again)
		hist_log(t, from, &s->n_t, 't');
	if (pkt->len > 0)
		s->h_once |= H_PAYLOAD;
	zeek_update(t, from, f, pkt->len);
	/* Zeek calls AckReceived() after UpdateStateMachine() */
	zeek_gap(t, pkt, from);
}

void
tv_tcp_zeek_rst_ignored(struct tv_tcp *t, const struct tv_pkt *pkt, int from)
{
	hist_seq(t, from, H_R, &t->z[from].h_seq_r, pkt->seq, 'r');
}

void
tv_tcp_zeek_bad_cksum(struct tv_tcp *t, int from)
{
	hist_log(t, from, &t->z[from].n_c, 'c');
}

/*
 * UDP (Zeek's UDPAnalyzer::DeliverPacket(), UDP.cc): a datagram with a
 * bad checksum gives C/c at the 1st, 10th, 100th ... and nothing else;
 * any other gives D/d the first time each side sends one, whatever its
 * length (zero bytes too), in the order they come.
 */
void
tv_udp_packet(struct tv_tcp *t, const struct tv_pkt *pkt, int from,
    struct tv_tcp_pkt *out)
{
	memset(out, 0, sizeof(*out));
	if (pkt->offloaded)
		out->notes |= TV_NOTE_OFFLOADED;
	if (pkt->ck_l4 == TV_CK_INCORRECT) {
		out->notes |= TV_NOTE_BAD_CKSUM;
		tv_tcp_zeek_bad_cksum(t, from);
		return;
	}
	hist_once(t, from, H_D, 'd');
}

/* Zeek's RSTOS0 test: history matches ^?S[^HAFGIQ]*R */
static int
rstos0_history(const char *h)
{
	if (*h == '^')
		h++;
	if (*h++ != 'S')
		return 0;
	for (; *h; h++) {
		if (*h == 'R')
			return 1;
		if (strchr("HAFGIQ", *h))
			return 0;
	}
	return 0;
}

/* Zeek's conn_state() (base/protocols/conn/main.zeek), over the endpoint
 * states kept by zeek_update(). */
const char *
tv_tcp_conn_state(const struct tv_tcp *t)
{
	int os = t->z[0].ep, rs = t->z[1].ep;
	int o_inactive = os == TV_Z_INACTIVE || os == TV_Z_PARTIAL;
	int r_inactive = rs == TV_Z_INACTIVE || rs == TV_Z_PARTIAL;
	int no_bytes = !((t->z[0].h_once | t->z[1].h_once) & H_PAYLOAD);

	if (rs == TV_Z_RESET) {
		if (os == TV_Z_SYN_SENT || os == TV_Z_SYN_ACK_SENT ||
		    (os == TV_Z_RESET && no_bytes))
			return "REJ";
		return o_inactive ? "RSTRH" : "RSTR";
	}
	if (os == TV_Z_RESET) {
		if (r_inactive)
			return rstos0_history(t->history) ? "RSTOS0" : "OTH";
		return "RSTO";
	}
	if (rs == TV_Z_CLOSED && os == TV_Z_CLOSED)
		return "SF";
	if (os == TV_Z_CLOSED)
		return r_inactive ? "SH" : "S2";
	if (rs == TV_Z_CLOSED)
		return o_inactive ? "SHR" : "S3";
	if (os == TV_Z_SYN_SENT && rs == TV_Z_INACTIVE)
		return "S0";
	if (os == TV_Z_ESTABLISHED && rs == TV_Z_ESTABLISHED)
		return "S1";
	return "OTH";
}

const char *
tv_udp_conn_state(uint64_t client_pkts, uint64_t server_pkts)
{
	if (client_pkts)
		return server_pkts ? "SF" : "S0";
	return server_pkts ? "SHR" : "OTH";
}
