/* \summary: TCP analysis: names, the start of a connection, the driver of its three parts, and the outcomes */
#include <string.h>

#include "tv_tcp-int.h"

const char *const tv_tcp_state_names[TV_ST_COUNT] = {
	[TV_ST_CLOSED] = "CLOSED",
	[TV_ST_LISTEN] = "LISTEN",
	[TV_ST_SYN_SENT] = "SYN_SENT",
	[TV_ST_SYN_RECEIVED] = "SYN_RECEIVED",
	[TV_ST_ESTABLISHED] = "ESTABLISHED",
	[TV_ST_FIN_WAIT_1] = "FIN_WAIT_1",
	[TV_ST_FIN_WAIT_2] = "FIN_WAIT_2",
	[TV_ST_CLOSE_WAIT] = "CLOSE_WAIT",
	[TV_ST_CLOSING] = "CLOSING",
	[TV_ST_LAST_ACK] = "LAST_ACK",
	[TV_ST_TIME_WAIT] = "TIME_WAIT",
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
	"syn-with-payload", "bad-cksum", "unacceptable-rst", "offloaded",
	"fast-retransmission", "spurious-retransmission",
	"previous-segment-not-captured", "acked-unseen-segment",
};

void
tv_tcp_init(struct tv_tcp *t, const struct tv_pkt *pkt, int flipped)
{
	memset(t, 0, sizeof(*t));
	t->first_rst = -1;
	t->first_fin = -1;
	t->rst_end_side = -1;
	t->uncaptured = -1;
	t->flipped = (uint8_t)flipped;
	t->first_had_syn = (pkt->flags & TV_TH_SYN) != 0;
	if (t->first_had_syn) {
		/* A SYN is sent to a port believed to listen: LISTEN is
		 * assumed for the server until it answers otherwise. */
		t->state[0] = flipped ? TV_ST_SYN_SENT : TV_ST_CLOSED;
		t->state[1] = TV_ST_LISTEN;
	} else {
		/* no SYN seen: assume the connection was already open */
		t->state[0] = t->state[1] = TV_ST_ESTABLISHED;
		t->established = 1;
	}
	memcpy(t->init_state, t->state, sizeof(t->state));
	tv_tcp_zeek_init(t, flipped);
}

void
tv_tcp_packet(struct tv_tcp *t, const struct tv_pkt *pkt, int from,
    struct tv_tcp_pkt *out)
{
	int64_t ns = pkt->ts_sec * 1000000000LL + pkt->ts_nsec;
	uint8_t before[2];
	int again;

	memset(out, 0, sizeof(*out));
	before[0] = t->state[0];
	before[1] = t->state[1];
	if ((pkt->flags & TV_TH_RST) && !tv_tcp_rst_acceptable(t, pkt, from)) {
		/* not taken in: the receiver drops it (docs/outcomes.md);
		 * Zeek, which does not judge RSTs, still writes its letter */
		out->notes = TV_NOTE_BAD_RST |
		    (pkt->len > 0 ? TV_NOTE_RST_DATA : 0);
		tv_tcp_zeek_rst_ignored(t, pkt, from);
		memcpy(out->state, t->state, sizeof(out->state));
		return;
	}
	if (pkt->ck_l4 == TV_CK_INCORRECT) {
		/* Zeek's TCPAnalyzer::ValidateChecksum(): a segment with a
		 * bad checksum is not taken in, only noted (history C/c) */
		out->notes = TV_NOTE_BAD_CKSUM |
		    (pkt->offloaded ? TV_NOTE_OFFLOADED : 0);
		tv_tcp_anom_unused(t, pkt, from, ns);
		tv_tcp_zeek_bad_cksum(t, from);
		memcpy(out->state, t->state, sizeof(out->state));
		return;
	}
	out->notes = tv_tcp_anom_judge(t, pkt, from, ns, out, &again);
	if (pkt->offloaded)
		out->notes |= TV_NOTE_OFFLOADED;
	tv_tcp_state_packet(t, pkt, from, ns, out);
	tv_tcp_anom_take(t, pkt, from, out->notes, ns);
	tv_tcp_zeek_packet(t, pkt, from, out->notes, again);
	out->state[0] = t->state[0];
	out->state[1] = t->state[1];
	out->changed = (uint8_t)((before[0] != t->state[0]) |
	    (before[1] != t->state[1]) << 1);
}

int
tv_tcp_ended(const struct tv_tcp *t)
{
	return t->first_fin >= 0 || tv_tcp_reset_seen(t);
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
	int c = t->state[0] == TV_ST_TIME_WAIT, s = t->state[1] == TV_ST_TIME_WAIT;

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
