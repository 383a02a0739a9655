/* \summary: TCP analysis: endpoint states (RFC 9293), outcomes, anomalies, Zeek conn_state and history */
#include <string.h>

#include "tv_tcp.h"

const char *const tv_tcp_state_names[TV_TCP_NSTATES] = {
	[TV_CLOSED] = "CLOSED",
	[TV_LISTEN] = "LISTEN",
	[TV_SYN_SENT] = "SYN_SENT",
	[TV_SYN_RECEIVED] = "SYN_RECEIVED",
	[TV_ESTABLISHED] = "ESTABLISHED",
	[TV_FIN_WAIT_1] = "FIN_WAIT_1",
	[TV_FIN_WAIT_2] = "FIN_WAIT_2",
	[TV_CLOSE_WAIT] = "CLOSE_WAIT",
	[TV_CLOSING] = "CLOSING",
	[TV_LAST_ACK] = "LAST_ACK",
	[TV_TIME_WAIT] = "TIME_WAIT",
};

const char *const tv_open_names[TV_OPEN_COUNT] = {
	[TV_OPEN_THREE_WAY] = "three-way",
	[TV_OPEN_SIMULTANEOUS] = "simultaneous",
	[TV_OPEN_REFUSED] = "refused",
	[TV_OPEN_UNANSWERED] = "unanswered",
	[TV_OPEN_HALF_OPEN] = "half-open",
	[TV_OPEN_MIDSTREAM] = "midstream",
};

const char *const tv_close_names[TV_CLOSE_COUNT] = {
	[TV_CLOSE_FOUR_WAY] = "four-way",
	[TV_CLOSE_THREE_WAY] = "three-way",
	[TV_CLOSE_SIMULTANEOUS] = "simultaneous",
	[TV_CLOSE_RESET] = "reset",
	[TV_CLOSE_OPEN] = "open",
};

/* by bit position of TV_NOTE_* */
const char *const tv_note_names[TV_NOTE_COUNT] = {
	"retransmission", "out-of-order", "dup-ack", "zero-window",
	"window-update", "keep-alive", "rst-with-data", "after-close",
	"syn-with-payload",
};

/*
 * A segment that fills a hole in the sequence space within this long of
 * the hole opening is called out-of-order (the network reordered it);
 * later, it is a retransmission of something lost.  Wireshark draws the
 * same line with the measured RTT; loopback RTTs are microseconds, so a
 * fixed few milliseconds is generous and keeps the rule simple.
 */
#define OOO_WINDOW_NS (3 * 1000000LL)

/* history bits of struct tv_tcp_side.h_once and h_seen */
#define H_A 0x01
#define H_D 0x02
#define H_I 0x04
#define H_Q 0x08
#define H_PAYLOAD 0x10	/* h_once: sent payload (Zeek's size > 0) */
#define H_S 0x10	/* h_seen: SYN or SYN-ACK */
#define H_F 0x40
#define H_R 0x80

static int64_t
pkt_ns(const struct tv_pkt *pkt)
{
	return pkt->ts_sec * 1000000000LL + pkt->ts_nsec;
}

void
tv_tcp_init(struct tv_tcp *t, const struct tv_pkt *pkt, int flipped)
{
	memset(t, 0, sizeof(*t));
	t->first_rst = -1;
	t->first_fin = -1;
	t->rst_end_side = -1;
	t->flipped = (uint8_t)flipped;
	t->first_had_syn = (pkt->flags & TV_TH_SYN) != 0;
	if (t->first_had_syn) {
		/* A SYN is sent to a port believed to listen: LISTEN is
		 * assumed for the server until it answers otherwise. */
		t->state[0] = flipped ? TV_SYN_SENT : TV_CLOSED;
		t->state[1] = TV_LISTEN;
	} else {
		/* no SYN seen: assume the connection was already open */
		t->state[0] = t->state[1] = TV_ESTABLISHED;
		t->established = 1;
	}
	if (flipped)
		t->history[t->hlen++] = '^';
}

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
	if (t->s[from].h_once & bit)
		return;
	t->s[from].h_once |= bit;
	hist_add(t, from, letter);
}

/* s h f r: again whenever the sequence number differs from the last one */
static void
hist_seq(struct tv_tcp *t, int from, uint8_t bit, uint32_t *last, uint32_t seq,
    char letter)
{
	struct tv_tcp_side *s = &t->s[from];

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
	uint32_t n = ++*count, p = 1;

	while (p < n && p <= 100000000u)
		p *= 10;
	if (p == n)
		hist_add(t, from, letter);
}

/*
 * Zeek's endpoint states, which its conn_state is defined over: its TCP
 * analyzer's UpdateStateMachine() (TCPSessionAdapter.cc), condensed.
 * Zeek makes both endpoints ESTABLISHED on the responder's SYN or SYN-ACK
 * to an originator in SYN_SENT, and an RST after both FINs leaves them
 * CLOSED.  Not kept: its FIN-after-RST undo and SYN/SYN-ACK role flip.
 */
static void
zeek_update(struct tv_tcp *t, int from, uint8_t flags, uint32_t len)
{
	uint8_t *me = &t->s[from].zeek, *peer = &t->s[!from].zeek;
	int syn = flags & TV_TH_SYN, ack = flags & TV_TH_ACK;
	int fin = flags & TV_TH_FIN, rst = flags & TV_TH_RST;

	switch (*me) {
	case TV_Z_INACTIVE:	/* UpdateInactiveState() */
		if (syn && from == 0) {
			*me = ack ? TV_Z_SYN_ACK_SENT : TV_Z_SYN_SENT;
		} else if (syn) {
			if (*peer == TV_Z_SYN_SENT)
				*peer = TV_Z_ESTABLISHED;
			*me = TV_Z_ESTABLISHED;
		}
		if (fin)
			*me = TV_Z_CLOSED;
		if (rst)
			*me = TV_Z_RESET;
		if (*me != TV_Z_INACTIVE)
			break;
		/* no SYN, FIN or RST: an ACK after a SYN-ACK whose SYN was
		 * missed establishes; a responder's empty ACK of the SYN
		 * before its SYN-ACK changes nothing; else a partial one */
		if (ack && *peer == TV_Z_ESTABLISHED)
			*me = TV_Z_ESTABLISHED;
		else if (!(from == 1 && len == 0 && *peer == TV_Z_SYN_SENT))
			*me = TV_Z_PARTIAL;
		break;
	case TV_Z_SYN_SENT:
	case TV_Z_SYN_ACK_SENT:
		if (fin)
			*me = TV_Z_CLOSED;
		if (rst)
			*me = TV_Z_RESET;
		break;
	case TV_Z_ESTABLISHED:
	case TV_Z_PARTIAL:
		if (syn && !ack && *me == TV_Z_PARTIAL && *peer == TV_Z_INACTIVE)
			*me = TV_Z_SYN_SENT;
		if (fin && !rst)
			*me = TV_Z_CLOSED;
		if (rst)
			*me = TV_Z_RESET;
		break;
	case TV_Z_CLOSED:
		if (rst && *peer != TV_Z_CLOSED)
			*me = TV_Z_RESET;
		break;
	}
}

/* Anomalies, judged against what the sender sent before (Wireshark's
 * tcp.analysis rules, simplified; docs/outcomes.md). */
static uint16_t
anomalies(struct tv_tcp *t, const struct tv_pkt *pkt, int from,
    struct tv_tcp_pkt *out, int64_t ns)
{
	struct tv_tcp_side *s = &t->s[from], *o = &t->s[!from];
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

	/* SYN and SYN-ACK sent again with the same ISN */
	if (syn && ((!(f & TV_TH_ACK) && s->syn) || ((f & TV_TH_ACK) && s->synack)) &&
	    pkt->seq == s->syn_seq) {
		notes |= TV_NOTE_RETRANS;
		if (!(f & TV_TH_ACK)) {
			out->syn_retry = s->syn_sends;
			out->retry_gap_ns = ns - s->last_syn_ns;
		}
	}

	/* keep-alive: one byte (or none) below what was already sent */
	if (plain && s->nxt_known && pkt->len <= 1 &&
	    pkt->seq == s->nxt - 1)
		notes |= TV_NOTE_KEEPALIVE;

	if (!syn && !rst && (pkt->len > 0 || fin) && s->nxt_known &&
	    !(notes & TV_NOTE_KEEPALIVE)) {
		uint32_t end = pkt->seq + pkt->len + (fin ? 1u : 0u);

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
	}

	if (plain && pkt->len == 0 && (f & TV_TH_ACK) && s->last_valid &&
	    pkt->seq == s->last_seq && pkt->ack == s->last_ack) {
		if (pkt->win != s->last_win) {
			if (pkt->win != 0)
				notes |= TV_NOTE_WINDOW_UPDATE;
		} else if (!(notes & TV_NOTE_KEEPALIVE) && o->nxt_known &&
		    tv_seq_gt(o->nxt, pkt->ack)) {
			/* the peer has sent more than this acknowledges */
			notes |= TV_NOTE_DUP_ACK;
			out->dup_ack = ++s->dup_run;
			t->dup_acks++;
		}
	}
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
payload(struct tv_tcp_side *s, const struct tv_pkt *pkt, uint16_t notes)
{
	uint32_t start = pkt->seq + ((pkt->flags & TV_TH_SYN) ? 1u : 0u);
	uint32_t end = start + pkt->len, fresh = 0;

	if (pkt->len == 0 || (pkt->flags & TV_TH_RST))
		return;
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
		if (*peer == TV_SYN_RECEIVED && !o->syn)
			*peer = TV_LISTEN;
		else if (*peer != TV_LISTEN)	/* LISTEN ignores an RST */
			*peer = TV_CLOSED;
		*me = TV_CLOSED;
		return;
	}
	if (f & TV_TH_SYN) {
		if (!(f & TV_TH_ACK)) {
			/* §3.10.7.3: a SYN reaching SYN_SENT is a simultaneous
			 * open; both sides pass to SYN_RECEIVED */
			if (*peer == TV_SYN_SENT) {
				*peer = TV_SYN_RECEIVED;
				*me = TV_SYN_RECEIVED;
			} else if (*me == TV_CLOSED || *me == TV_LISTEN) {
				*me = TV_SYN_SENT;
			}
		} else {
			/* §3.10.7.2: LISTEN answers a SYN with SYN,ACK */
			if (*me == TV_CLOSED || *me == TV_LISTEN || *me == TV_SYN_SENT)
				*me = TV_SYN_RECEIVED;
		}
	}
	/* the peer learns its SYN was acknowledged (§3.10.7.3, §3.10.7.4) */
	if (ack_syn) {
		if (*peer == TV_SYN_SENT || *peer == TV_SYN_RECEIVED)
			*peer = TV_ESTABLISHED;
	}
	/* ...and that its FIN was acknowledged (§3.10.7.4, ACK processing) */
	if (ack_fin) {
		if (*peer == TV_FIN_WAIT_1)
			*peer = TV_FIN_WAIT_2;
		else if (*peer == TV_CLOSING)
			*peer = TV_TIME_WAIT;
		else if (*peer == TV_LAST_ACK)
			*peer = TV_CLOSED;
	}
	if (f & TV_TH_FIN) {
		/* sender (§3.10.4 CLOSE) */
		if (*me == TV_ESTABLISHED || *me == TV_SYN_RECEIVED)
			*me = TV_FIN_WAIT_1;
		else if (*me == TV_CLOSE_WAIT)
			/* a FIN that does not acknowledge the peer's FIN was
			 * sent before that FIN arrived: simultaneous close */
			*me = o->fin_acked ? TV_LAST_ACK : TV_CLOSING;
		/* receiver (§3.10.7.4, eighth step) */
		if (*peer == TV_ESTABLISHED || *peer == TV_SYN_RECEIVED)
			*peer = TV_CLOSE_WAIT;
		else if (*peer == TV_FIN_WAIT_1)
			*peer = TV_CLOSING;
		else if (*peer == TV_FIN_WAIT_2)
			*peer = TV_TIME_WAIT;
	}
	(void)s;
}

void
tv_tcp_packet(struct tv_tcp *t, const struct tv_pkt *pkt, int from,
    struct tv_tcp_pkt *out)
{
	struct tv_tcp_side *s = &t->s[from], *o = &t->s[!from];
	uint8_t f = pkt->flags, before[2];
	int syn = f & TV_TH_SYN, fin = f & TV_TH_FIN, rst = f & TV_TH_RST;
	int ack = f & TV_TH_ACK, ack_syn = 0, ack_fin = 0;
	int64_t ns = pkt_ns(pkt);
	uint32_t end;

	memset(out, 0, sizeof(*out));
	before[0] = t->state[0];
	before[1] = t->state[1];
	out->notes = anomalies(t, pkt, from, out, ns);

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
		if (pkt->seq == s->syn_seq)
			s->syn_sends++;
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
			ack_syn = 1;
		} else if (syn && from == 1 && t->flipped && !o->syn &&
		    !o->synack && !o->syn_acked) {
			/* a SYN-ACK seen first acknowledges the client's
			 * SYN the capture missed (§3.10.7.3: SYN_SENT then
			 * enters ESTABLISHED) */
			o->syn_acked = 1;
			ack_syn = 1;
		}
		if (o->fin && !o->fin_acked && tv_seq_gt(pkt->ack, o->fin_seq)) {
			o->fin_acked = 1;
			ack_fin = 1;
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

	if (!t->closed)
		states(t, pkt, from, ack_syn, ack_fin);
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

	payload(s, pkt, out->notes);
	/* the highest sequence number sent, plus one */
	end = pkt->seq + pkt->len + (syn ? 1u : 0u) + (fin ? 1u : 0u);
	if (!rst && (!s->nxt_known || tv_seq_gt(end, s->nxt))) {
		s->nxt = end;
		s->nxt_known = 1;
	}
	if (ack && !rst) {
		s->last_seq = pkt->seq;
		s->last_ack = pkt->ack;
		s->last_win = pkt->win;
		s->last_valid = 1;
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
	if (out->notes & TV_NOTE_ZERO_WINDOW)
		hist_log(t, from, &s->n_w, 'w');
	/* payload that does not advance the sequence space */
	if ((out->notes & (TV_NOTE_RETRANS | TV_NOTE_OUT_OF_ORDER |
	    TV_NOTE_KEEPALIVE)) && pkt->len > 0)
		hist_log(t, from, &s->n_t, 't');
	if (pkt->len > 0)
		s->h_once |= H_PAYLOAD;
	zeek_update(t, from, f, pkt->len);

	out->state[0] = t->state[0];
	out->state[1] = t->state[1];
	out->changed = (uint8_t)((before[0] != t->state[0]) |
	    (before[1] != t->state[1]) << 1);
}

enum tv_open
tv_tcp_open(const struct tv_tcp *t)
{
	const struct tv_tcp_side *c = &t->s[0], *s = &t->s[1];

	if (!t->first_had_syn)
		return TV_OPEN_MIDSTREAM;
	if (s->syn && c->syn)
		return TV_OPEN_SIMULTANEOUS;
	if (s->synack || t->flipped) {
		if (t->established && !(t->first_rst == 0 && t->rst_before_est))
			return TV_OPEN_THREE_WAY;
		/* SYN, SYN-ACK and no completing ACK: the server holds a
		 * half-open connection in SYN_RECEIVED (reset, or still
		 * waiting when the capture ended) */
		return TV_OPEN_HALF_OPEN;
	}
	if (s->rst && t->first_rst == 1)
		return TV_OPEN_REFUSED;
	return TV_OPEN_UNANSWERED;
}

enum tv_close
tv_tcp_close(const struct tv_tcp *t)
{
	int first = t->first_fin;

	if (t->rst_ended)
		return TV_CLOSE_RESET;
	if (first < 0 || !t->s[0].fin_acked || !t->s[1].fin_acked)
		return TV_CLOSE_OPEN;
	if (t->simultaneous_close)
		return TV_CLOSE_SIMULTANEOUS;
	if (t->s[!first].fin_carried_ack && !t->s[first].fin_acked_alone)
		return TV_CLOSE_THREE_WAY;
	return TV_CLOSE_FOUR_WAY;
}

int
tv_tcp_closed_by(const struct tv_tcp *t)
{
	if (t->first_fin < 0)
		return -1;
	return t->simultaneous_close ? 2 : t->first_fin;
}

int
tv_tcp_time_wait(const struct tv_tcp *t)
{
	int c = t->state[0] == TV_TIME_WAIT, s = t->state[1] == TV_TIME_WAIT;

	return c && s ? 2 : c ? 0 : s ? 1 : -1;
}

int
tv_tcp_half_close(const struct tv_tcp *t)
{
	return t->s[0].data_after_peer_fin || t->s[1].data_after_peer_fin;
}

int64_t
tv_tcp_handshake_rtt_us(const struct tv_tcp *t)
{
	if (!t->have_first_syn || !t->have_hs_done || t->flipped)
		return -1;
	return (t->hs_done_ns - t->first_syn_ns) / 1000;
}

unsigned
tv_tcp_syn_retries(const struct tv_tcp *t)
{
	return t->s[0].syn_sends > 1 ? t->s[0].syn_sends - 1u : 0u;
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
	int os = t->s[0].zeek, rs = t->s[1].zeek;
	int o_inactive = os == TV_Z_INACTIVE || os == TV_Z_PARTIAL;
	int r_inactive = rs == TV_Z_INACTIVE || rs == TV_Z_PARTIAL;
	int no_bytes = !((t->s[0].h_once | t->s[1].h_once) & H_PAYLOAD);

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
