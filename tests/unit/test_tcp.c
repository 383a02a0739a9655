/* \summary: unit tests for the TCP analysis: RFC 9293 endpoint states, outcomes, anomalies, Zeek conn_state and history (tv_tcp) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "tv_tcp.h"

#define C 0		/* the client sends */
#define S 1		/* the server sends */

#define SYN TV_TH_SYN
#define ACK TV_TH_ACK
#define FIN TV_TH_FIN
#define RST TV_TH_RST
#define PSH TV_TH_PSH
#define SA (SYN | ACK)
#define PA (PSH | ACK)
#define FA (FIN | ACK)
#define RA (RST | ACK)

#define W 65535		/* an ordinary window */
#define CISN 1000u	/* the client's ISN in most tests */
#define SISN 5000u	/* the server's */

/* every timestamp is BASE_US + the test's microseconds */
#define BASE_US 1700000000000000LL
#define MS 1000LL
#define SEC 1000000LL

/* ---- packets ---- */

static struct tv_pkt
mkpkt(uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len, uint16_t win,
    int64_t t_us)
{
	struct tv_pkt p;
	int64_t us = BASE_US + t_us;

	memset(&p, 0, sizeof(p));
	p.ts_sec = us / SEC;
	p.ts_nsec = (uint32_t)(us % SEC) * 1000u;
	p.proto = 6;
	p.flags = flags;
	p.seq = seq;
	p.ack = ack;
	p.len = len;
	p.win = win;
	return p;
}

/* One segment sent by `from`; what tv_tcp_packet() said about it. */
static struct tv_tcp_pkt
seg(struct tv_tcp *t, int from, uint8_t flags, uint32_t seq, uint32_t ack,
    uint32_t len, uint16_t win, int64_t t_us)
{
	struct tv_pkt p = mkpkt(flags, seq, ack, len, win, t_us);
	struct tv_tcp_pkt o;

	memset(&o, 0xa5, sizeof(o));	/* tv_tcp_packet must fill all of it */
	tv_tcp_packet(t, &p, from, &o);
	return o;
}

/* The connection's first packet: tv_tcp_init() then tv_tcp_packet(), as
 * the connection table does; `flipped` when the server sent it. */
static struct tv_tcp_pkt
first(struct tv_tcp *t, int flipped, uint8_t flags, uint32_t seq, uint32_t ack,
    uint32_t len, uint16_t win, int64_t t_us)
{
	struct tv_pkt p = mkpkt(flags, seq, ack, len, win, t_us);

	tv_tcp_init(t, &p, flipped);
	return seg(t, flipped ? S : C, flags, seq, ack, len, win, t_us);
}

/*
 * After every packet: both endpoints' states (by name, so a failure reads
 * well), which of them changed, the events and the notes; the packet's
 * view agrees with the connection's.
 */
#define STEP(o, cs, ss, chg, ev, nt) do {				\
	const struct tv_tcp_pkt o_ = (o);				\
	assert_in_range(o_.state[0], 0, TV_ST_COUNT - 1);		\
	assert_in_range(o_.state[1], 0, TV_ST_COUNT - 1);		\
	assert_string_equal(tv_tcp_state_names[o_.state[0]],		\
	    tv_tcp_state_names[cs]);					\
	assert_string_equal(tv_tcp_state_names[o_.state[1]],		\
	    tv_tcp_state_names[ss]);					\
	assert_int_equal(o_.changed, (chg));				\
	assert_int_equal(o_.events, (ev));				\
	assert_int_equal(o_.notes, (nt));				\
	assert_int_equal(t.state[0], o_.state[0]);			\
	assert_int_equal(t.state[1], o_.state[1]);			\
} while (0)

#define CHG_C 1
#define CHG_S 2
#define CHG_BOTH 3
#define OPENED TV_EV_OPENED
#define CLOSED TV_EV_CLOSED

#define HIST(s) assert_string_equal(t.history, (s))
#define ZEEK(s) assert_string_equal(tv_tcp_conn_state(&t), (s))

/* The outcomes after the last packet. */
static void
outcomes(const struct tv_tcp *t, enum tv_open op, enum tv_close cl, int by,
    int tw, int half)
{
	assert_string_equal(tv_open_names[tv_tcp_open(t)], tv_open_names[op]);
	assert_string_equal(tv_close_names[tv_tcp_close(t)], tv_close_names[cl]);
	assert_int_equal(tv_tcp_closed_by(t), by);
	assert_int_equal(tv_tcp_time_wait(t), tw);
	assert_int_equal(tv_tcp_half_close(t), half);
}

static void
counters(const struct tv_tcp *t, uint64_t rx, uint64_t dup, uint64_t ooo,
    uint64_t zw)
{
	assert_int_equal(t->retransmissions, rx);
	assert_int_equal(t->dup_acks, dup);
	assert_int_equal(t->out_of_order, ooo);
	assert_int_equal(t->zero_windows, zw);
}

/*
 * SYN, SYN-ACK, ACK at 0, 100 and 200 us with ISNs CISN and SISN; checks
 * each step.  Afterwards the client's next sequence number is CISN + 1,
 * the server's SISN + 1.
 */
#define HANDSHAKE() do {						\
	o = first(&t, 0, SYN, CISN, 0, 0, W, 0);			\
	STEP(o, TV_ST_SYN_SENT, TV_ST_LISTEN, CHG_C, 0, 0);			\
	o = seg(&t, S, SA, SISN, CISN + 1, 0, W, 100);			\
	STEP(o, TV_ST_ESTABLISHED, TV_ST_SYN_RECEIVED, CHG_BOTH, 0, 0);	\
	o = seg(&t, C, ACK, CISN + 1, SISN + 1, 0, W, 200);		\
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, CHG_S, OPENED, 0);	\
} while (0)

/* ---- name tables ---- */

static void
test_names(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < TV_ST_COUNT; i++)
		assert_non_null(tv_tcp_state_names[i]);
	for (i = 0; i < TV_OPEN_COUNT; i++)
		assert_non_null(tv_open_names[i]);
	for (i = 0; i < TV_CLOSE_COUNT; i++)
		assert_non_null(tv_close_names[i]);
	for (i = 0; i < TV_NOTE_COUNT; i++)
		assert_non_null(tv_note_names[i]);
	assert_string_equal(tv_tcp_state_names[TV_ST_SYN_RECEIVED], "SYN_RECEIVED");
	assert_string_equal(tv_tcp_state_names[TV_ST_TIME_WAIT], "TIME_WAIT");
	assert_string_equal(tv_note_names[0], "retransmission");	/* bit 0x0001 */
	assert_string_equal(tv_note_names[8], "syn-with-payload");	/* bit 0x0100 */
	assert_string_equal(tv_note_names[9], "bad-cksum");	/* bit 0x0200 */
	assert_string_equal(tv_note_names[14], "previous-segment-not-captured");
	assert_string_equal(tv_note_names[15], "acked-unseen-segment");
	assert_int_equal(TV_NOTE_ACK_UNSEEN, 1 << (TV_NOTE_COUNT - 1));
}

/* ---- opening and closing (RFC 9293 Figure 5) ---- */

/*
 * Figure 6 then Figure 12's normal close, client first:
 * CLOSED -> SYN_SENT -> ESTABLISHED -> FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT,
 * LISTEN -> SYN_RECEIVED -> ESTABLISHED -> CLOSE_WAIT -> LAST_ACK -> CLOSED.
 */
static void
test_three_way_open_four_way_close(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	o = first(&t, 0, SYN, CISN, 0, 0, W, 0);
	STEP(o, TV_ST_SYN_SENT, TV_ST_LISTEN, CHG_C, 0, 0);
	assert_int_equal(o.syn_retry, 0);
	assert_int_equal(o.retry_gap_ns, 0);
	assert_int_equal(o.dup_ack, 0);
	HIST("S");
	ZEEK("S0");
	assert_int_equal(tv_tcp_open(&t), TV_OPEN_UNANSWERED);
	assert_int_equal(tv_tcp_handshake_rtt_us(&t), -1);

	/* LISTEN -> SYN_RECEIVED on sending the SYN-ACK; the client, in
	 * SYN_SENT, receives it: ESTABLISHED (§3.10.7.3) */
	o = seg(&t, S, SA, SISN, CISN + 1, 0, W, 100);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_SYN_RECEIVED, CHG_BOTH, 0, 0);
	HIST("Sh");
	/* Zeek: the responder's SYN-ACK to a SYN_SENT originator makes both
	 * endpoints ESTABLISHED at once */
	ZEEK("S1");
	assert_int_equal(tv_tcp_open(&t), TV_OPEN_HALF_OPEN);

	/* SYN_RECEIVED -> ESTABLISHED on the ACK of its SYN (§3.10.7.4) */
	o = seg(&t, C, ACK, CISN + 1, SISN + 1, 0, W, 200);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, CHG_S, OPENED, 0);
	HIST("ShA");
	ZEEK("S1");
	assert_int_equal(tv_tcp_open(&t), TV_OPEN_THREE_WAY);
	assert_int_equal(tv_tcp_close(&t), TV_CLOSE_OPEN);
	assert_int_equal(tv_tcp_handshake_rtt_us(&t), 200);

	o = seg(&t, C, PA, CISN + 1, SISN + 1, 10, W, 300);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	o = seg(&t, S, ACK, SISN + 1, CISN + 11, 0, W, 400);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	o = seg(&t, S, PA, SISN + 1, CISN + 11, 20, W, 500);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	o = seg(&t, C, ACK, CISN + 11, SISN + 21, 0, W, 600);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	HIST("ShADad");

	/* ESTABLISHED -> FIN_WAIT_1 (CLOSE), ESTABLISHED -> CLOSE_WAIT (rcv FIN) */
	o = seg(&t, C, FA, CISN + 11, SISN + 21, 0, W, 700);
	STEP(o, TV_ST_FIN_WAIT_1, TV_ST_CLOSE_WAIT, CHG_BOTH, 0, 0);
	ZEEK("S2");
	/* FIN_WAIT_1 -> FIN_WAIT_2 (rcv ACK of FIN) */
	o = seg(&t, S, ACK, SISN + 21, CISN + 12, 0, W, 800);
	STEP(o, TV_ST_FIN_WAIT_2, TV_ST_CLOSE_WAIT, CHG_C, 0, 0);
	/* CLOSE_WAIT -> LAST_ACK (CLOSE), FIN_WAIT_2 -> TIME_WAIT (rcv FIN) */
	o = seg(&t, S, FA, SISN + 21, CISN + 12, 0, W, 900);
	STEP(o, TV_ST_TIME_WAIT, TV_ST_LAST_ACK, CHG_BOTH, 0, 0);
	assert_int_equal(tv_tcp_close(&t), TV_CLOSE_OPEN);
	/* LAST_ACK -> CLOSED (rcv ACK of FIN) */
	o = seg(&t, C, ACK, CISN + 12, SISN + 22, 0, W, 1000);
	STEP(o, TV_ST_TIME_WAIT, TV_ST_CLOSED, CHG_S, CLOSED, 0);

	outcomes(&t, TV_OPEN_THREE_WAY, TV_CLOSE_FOUR_WAY, 0, 0, 0);
	assert_int_equal(tv_tcp_handshake_rtt_us(&t), 200);
	assert_int_equal(tv_tcp_syn_retries(&t), 0);
	assert_int_equal(t.rst_end_side, -1);
	counters(&t, 0, 0, 0, 0);
	HIST("ShADadFf");
	ZEEK("SF");
}

/* The server closes first: it is the one left in TIME_WAIT. */
static void
test_four_way_close_by_server(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	HANDSHAKE();
	o = seg(&t, S, FA, SISN + 1, CISN + 1, 0, W, 300);
	STEP(o, TV_ST_CLOSE_WAIT, TV_ST_FIN_WAIT_1, CHG_BOTH, 0, 0);
	ZEEK("S3");
	o = seg(&t, C, ACK, CISN + 1, SISN + 2, 0, W, 400);
	STEP(o, TV_ST_CLOSE_WAIT, TV_ST_FIN_WAIT_2, CHG_S, 0, 0);
	o = seg(&t, C, FA, CISN + 1, SISN + 2, 0, W, 500);
	STEP(o, TV_ST_LAST_ACK, TV_ST_TIME_WAIT, CHG_BOTH, 0, 0);
	o = seg(&t, S, ACK, SISN + 2, CISN + 2, 0, W, 600);
	STEP(o, TV_ST_CLOSED, TV_ST_TIME_WAIT, CHG_C, CLOSED, 0);

	outcomes(&t, TV_OPEN_THREE_WAY, TV_CLOSE_FOUR_WAY, 1, 1, 0);
	HIST("ShAfFa");
	ZEEK("SF");
}

/* FIN, FIN+ACK, ACK: FIN_WAIT_1 -> TIME_WAIT in one segment (§3.10.7.4,
 * eighth step: "If our FIN has been ACKed (perhaps in this segment), then
 * enter TIME-WAIT"). */
static void
test_three_way_close(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	HANDSHAKE();
	o = seg(&t, C, FA, CISN + 1, SISN + 1, 0, W, 300);
	STEP(o, TV_ST_FIN_WAIT_1, TV_ST_CLOSE_WAIT, CHG_BOTH, 0, 0);
	o = seg(&t, S, FA, SISN + 1, CISN + 2, 0, W, 400);
	STEP(o, TV_ST_TIME_WAIT, TV_ST_LAST_ACK, CHG_BOTH, 0, 0);
	o = seg(&t, C, ACK, CISN + 2, SISN + 2, 0, W, 500);
	STEP(o, TV_ST_TIME_WAIT, TV_ST_CLOSED, CHG_S, CLOSED, 0);

	outcomes(&t, TV_OPEN_THREE_WAY, TV_CLOSE_THREE_WAY, 0, 0, 0);
	HIST("ShAFf");
	ZEEK("SF");
}

/* Figure 13: both FINs cross; FIN_WAIT_1 -> CLOSING -> TIME_WAIT on both
 * sides (the server's FIN did not acknowledge the client's, so it was
 * sent from FIN_WAIT_1 too). */
static void
test_simultaneous_close(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	HANDSHAKE();
	o = seg(&t, C, FA, CISN + 1, SISN + 1, 0, W, 300);
	STEP(o, TV_ST_FIN_WAIT_1, TV_ST_CLOSE_WAIT, CHG_BOTH, 0, 0);
	o = seg(&t, S, FA, SISN + 1, CISN + 1, 0, W, 310);
	STEP(o, TV_ST_CLOSING, TV_ST_CLOSING, CHG_BOTH, 0, 0);
	assert_int_equal(tv_tcp_closed_by(&t), 2);
	o = seg(&t, C, ACK, CISN + 2, SISN + 2, 0, W, 400);
	STEP(o, TV_ST_CLOSING, TV_ST_TIME_WAIT, CHG_S, 0, 0);
	o = seg(&t, S, ACK, SISN + 2, CISN + 2, 0, W, 410);
	STEP(o, TV_ST_TIME_WAIT, TV_ST_TIME_WAIT, CHG_C, CLOSED, 0);

	outcomes(&t, TV_OPEN_THREE_WAY, TV_CLOSE_SIMULTANEOUS, 2, 2, 0);
	counters(&t, 0, 0, 0, 0);
	HIST("ShAFfa");
	ZEEK("SF");
}

/* Figure 8: both SYNs cross; SYN_SENT -> SYN_RECEIVED -> ESTABLISHED. */
static void
test_simultaneous_open(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	o = first(&t, 0, SYN, 100, 0, 0, W, 0);
	STEP(o, TV_ST_SYN_SENT, TV_ST_LISTEN, CHG_C, 0, 0);
	o = seg(&t, S, SYN, 300, 0, 0, W, 10);
	STEP(o, TV_ST_SYN_RECEIVED, TV_ST_SYN_RECEIVED, CHG_BOTH, 0, 0);
	HIST("Ss");
	/* Zeek: the responder's SYN to a SYN_SENT originator ("simultaneous
	 * open" weird) establishes both */
	ZEEK("S1");
	o = seg(&t, C, SA, 100, 301, 0, W, 20);
	STEP(o, TV_ST_SYN_RECEIVED, TV_ST_ESTABLISHED, CHG_S, 0, 0);
	o = seg(&t, S, SA, 300, 101, 0, W, 30);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, CHG_C, OPENED, 0);
	/* Zeek keeps one "SYN seen" mark and last SYN sequence number per
	 * direction for S and H alike: a SYN-ACK repeating the SYN's
	 * sequence number adds no letter */
	HIST("Ss");
	/* Wireshark: the ACK repeats the client's SYN-ACK (seq, ack and
	 * window): a duplicate ACK */
	o = seg(&t, C, ACK, 101, 301, 0, W, 40);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_DUP_ACK);
	HIST("SsA");
	ZEEK("S1");
	assert_int_equal(tv_tcp_open(&t), TV_OPEN_SIMULTANEOUS);
	assert_int_equal(tv_tcp_handshake_rtt_us(&t), 30);
	assert_int_equal(tv_tcp_syn_retries(&t), 0);
	counters(&t, 0, 1, 0, 0);

	o = seg(&t, C, FA, 101, 301, 0, W, 50);
	STEP(o, TV_ST_FIN_WAIT_1, TV_ST_CLOSE_WAIT, CHG_BOTH, 0, 0);
	o = seg(&t, S, FA, 301, 102, 0, W, 60);
	STEP(o, TV_ST_TIME_WAIT, TV_ST_LAST_ACK, CHG_BOTH, 0, 0);
	o = seg(&t, C, ACK, 102, 302, 0, W, 70);
	STEP(o, TV_ST_TIME_WAIT, TV_ST_CLOSED, CHG_S, CLOSED, 0);
	outcomes(&t, TV_OPEN_SIMULTANEOUS, TV_CLOSE_THREE_WAY, 0, 0, 0);
	HIST("SsAFf");
	ZEEK("SF");
}

/* An RST to a SYN_RECEIVED that came from SYN_SENT (simultaneous open)
 * closes it (§3.10.7.4: "the connection was refused"), not LISTEN. */
static void
test_simultaneous_open_reset(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	o = first(&t, 0, SYN, 100, 0, 0, W, 0);
	STEP(o, TV_ST_SYN_SENT, TV_ST_LISTEN, CHG_C, 0, 0);
	o = seg(&t, S, SYN, 300, 0, 0, W, 10);
	STEP(o, TV_ST_SYN_RECEIVED, TV_ST_SYN_RECEIVED, CHG_BOTH, 0, 0);
	o = seg(&t, S, RST, 301, 0, 0, 0, 20);
	STEP(o, TV_ST_CLOSED, TV_ST_CLOSED, CHG_BOTH, CLOSED, 0);
	assert_int_equal(tv_tcp_close(&t), TV_CLOSE_RESET);
	assert_int_equal(t.rst_end_side, S);
	HIST("Ssr");
}

/* SYN answered by RST: refused. The RST's zero window is no anomaly. */
static void
test_refused(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	o = first(&t, 0, SYN, CISN, 0, 0, W, 0);
	STEP(o, TV_ST_SYN_SENT, TV_ST_LISTEN, CHG_C, 0, 0);
	o = seg(&t, S, RA, 0, CISN + 1, 0, 0, 50);
	STEP(o, TV_ST_CLOSED, TV_ST_CLOSED, CHG_BOTH, CLOSED, 0);

	outcomes(&t, TV_OPEN_REFUSED, TV_CLOSE_RESET, -1, -1, 0);
	assert_int_equal(t.rst_end_side, S);
	assert_int_equal(tv_tcp_handshake_rtt_us(&t), -1);
	assert_int_equal(tv_tcp_syn_retries(&t), 0);
	counters(&t, 0, 0, 0, 0);
	HIST("Sr");
	ZEEK("REJ");

	/* the client tries again with the same ISN: after the RST that is a
	 * new attempt (the table starts a new connection for it), no retry
	 * of this one; states stay */
	o = seg(&t, C, SYN, CISN, 0, 0, W, 1 * SEC);
	STEP(o, TV_ST_CLOSED, TV_ST_CLOSED, 0, 0, TV_NOTE_AFTER_CLOSE);
	assert_int_equal(o.syn_retry, 0);
	assert_int_equal(tv_tcp_syn_retries(&t), 0);
	counters(&t, 0, 0, 0, 0);
	HIST("Sr");
}

/* 70,000 identical SYNs are 69,999 retries: the count does not wrap at
 * 65,536 (it gave 4,463), and at the top of its type it stays there. */
static void
test_syn_retries_saturate(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;
	int i;

	(void)state;
	o = first(&t, 0, SYN, CISN, 0, 0, W, 0);
	for (i = 1; i < 70000; i++) {
		o = seg(&t, C, SYN, CISN, 0, 0, W, i * MS);
		assert_int_equal(o.syn_retry, (uint32_t)i);
	}
	STEP(o, TV_ST_SYN_SENT, TV_ST_LISTEN, 0, 0, TV_NOTE_RETRANS);
	assert_int_equal(tv_tcp_syn_retries(&t), 69999);
	counters(&t, 69999, 0, 0, 0);
	HIST("S");

	t.s[C].syn_sends = UINT32_MAX - 1;
	o = seg(&t, C, SYN, CISN, 0, 0, W, 80 * SEC);
	assert_int_equal(o.syn_retry, UINT32_MAX - 1);
	assert_int_equal(tv_tcp_syn_retries(&t), UINT32_MAX - 1);
	for (i = 0; i < 3; i++) {
		o = seg(&t, C, SYN, CISN, 0, 0, W, (81 + i) * SEC);
		assert_int_equal(o.syn_retry, UINT32_MAX);
		assert_int_equal(t.s[C].syn_sends, UINT32_MAX);
		assert_int_equal(tv_tcp_syn_retries(&t), UINT32_MAX - 1);
	}
}

/* SYN, RST 100,000 times with one ISN: never a retry (it gave 34,463). */
static void
test_syn_after_rst_not_retry(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;
	int i;

	(void)state;
	o = first(&t, 0, SYN, CISN, 0, 0, W, 0);
	o = seg(&t, S, RA, 0, CISN + 1, 0, 0, 50);
	for (i = 1; i < 100000; i++) {
		o = seg(&t, C, SYN, CISN, 0, 0, W, i * MS);
		assert_int_equal(o.syn_retry, 0);
		assert_false(o.notes & TV_NOTE_RETRANS);
		o = seg(&t, S, RA, 0, CISN + 1, 0, 0, i * MS + 50);
	}
	assert_int_equal(tv_tcp_syn_retries(&t), 0);
	assert_int_equal(t.retransmissions, 0);
	outcomes(&t, TV_OPEN_REFUSED, TV_CLOSE_RESET, -1, -1, 0);
	ZEEK("REJ");
}

/* The dup-ack run, the connection's counters and the counts behind Zeek's
 * t and w letters saturate: past the top, no new letter (a wrapped count
 * would give one at 1), and the counters stay at their top. */
static void
test_counters_saturate(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;
	int i;

	(void)state;
	HANDSHAKE();
	o = seg(&t, C, PA, CISN + 1, SISN + 1, 100, W, 300);
	o = seg(&t, C, PA, CISN + 201, SISN + 1, 100, W, 310);	/* 101..200 lost */
	o = seg(&t, S, ACK, SISN + 1, CISN + 101, 0, W, 320);
	t.w[S].dupacknum = UINT32_MAX - 1;
	t.dup_acks = UINT32_MAX - 1;
	for (i = 0; i < 3; i++) {
		o = seg(&t, S, ACK, SISN + 1, CISN + 101, 0, W, 330 + i);
		STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_DUP_ACK);
		assert_int_equal(o.dup_ack, UINT32_MAX);
		assert_int_equal(t.w[S].dupacknum, UINT32_MAX);
		assert_int_equal(t.dup_acks, UINT32_MAX);
	}
	HIST("ShADa");

	/* t: payload sent again, its count at the top */
	t.z[C].n_t = UINT32_MAX - 1;
	t.retransmissions = UINT32_MAX - 1;
	for (i = 0; i < 3; i++) {
		o = seg(&t, C, PA, CISN + 1, SISN + 1, 100, W, (i + 1) * 100 * MS);
		assert_true(o.notes & TV_NOTE_RETRANS);
		assert_int_equal(t.z[C].n_t, UINT32_MAX);
		assert_int_equal(t.retransmissions, UINT32_MAX);
	}
	/* w: zero windows, likewise */
	t.z[S].n_w = UINT32_MAX - 1;
	t.zero_windows = UINT32_MAX - 1;
	for (i = 0; i < 3; i++) {
		o = seg(&t, S, ACK, SISN + 1, CISN + 101, 0, 0, SEC + i);
		assert_true(o.notes & TV_NOTE_ZERO_WINDOW);
		assert_int_equal(t.z[S].n_w, UINT32_MAX);
		assert_int_equal(t.zero_windows, UINT32_MAX);
	}
	HIST("ShADa");
}

/* Three identical SYNs, no answer (Linux: 1 s, then 2 s). */
static void
test_unanswered_retries(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	o = first(&t, 0, SYN, CISN, 0, 0, W, 0);
	STEP(o, TV_ST_SYN_SENT, TV_ST_LISTEN, CHG_C, 0, 0);
	assert_int_equal(o.syn_retry, 0);
	o = seg(&t, C, SYN, CISN, 0, 0, W, 1 * SEC);
	STEP(o, TV_ST_SYN_SENT, TV_ST_LISTEN, 0, 0, TV_NOTE_RETRANS);
	assert_int_equal(o.syn_retry, 1);
	assert_int_equal(o.retry_gap_ns, 1000000000LL);
	o = seg(&t, C, SYN, CISN, 0, 0, W, 3 * SEC + 250);
	STEP(o, TV_ST_SYN_SENT, TV_ST_LISTEN, 0, 0, TV_NOTE_RETRANS);
	assert_int_equal(o.syn_retry, 2);
	assert_int_equal(o.retry_gap_ns, 2000250000LL);

	assert_int_equal(tv_tcp_syn_retries(&t), 2);
	outcomes(&t, TV_OPEN_UNANSWERED, TV_CLOSE_OPEN, -1, -1, 0);
	assert_int_equal(tv_tcp_handshake_rtt_us(&t), -1);
	counters(&t, 2, 0, 0, 0);
	/* the same sequence number: one S */
	HIST("S");
	ZEEK("S0");
}

/* The handshake RTT runs from the first SYN, retries' wait included. */
static void
test_rtt_includes_retries(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	o = first(&t, 0, SYN, CISN, 0, 0, W, 0);
	STEP(o, TV_ST_SYN_SENT, TV_ST_LISTEN, CHG_C, 0, 0);
	o = seg(&t, C, SYN, CISN, 0, 0, W, 1 * SEC);
	STEP(o, TV_ST_SYN_SENT, TV_ST_LISTEN, 0, 0, TV_NOTE_RETRANS);
	assert_int_equal(o.syn_retry, 1);
	o = seg(&t, S, SA, SISN, CISN + 1, 0, W, 1 * SEC + 150);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_SYN_RECEIVED, CHG_BOTH, 0, 0);
	o = seg(&t, C, ACK, CISN + 1, SISN + 1, 0, W, 1 * SEC + 300);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, CHG_S, OPENED, 0);

	assert_int_equal(tv_tcp_handshake_rtt_us(&t), 1000300);
	assert_int_equal(tv_tcp_syn_retries(&t), 1);
	assert_int_equal(tv_tcp_open(&t), TV_OPEN_THREE_WAY);
	HIST("ShA");
	ZEEK("S1");
}

/* A SYN with another sequence number is no retry, but is a new 's'. */
static void
test_syn_new_isn(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	o = first(&t, 0, SYN, CISN, 0, 0, W, 0);
	HIST("S");
	o = seg(&t, C, SYN, 2000, 0, 0, W, 1 * SEC);
	STEP(o, TV_ST_SYN_SENT, TV_ST_LISTEN, 0, 0, 0);
	assert_int_equal(o.syn_retry, 0);
	HIST("SS");
	o = seg(&t, C, SYN, 2000, 0, 0, W, 2 * SEC);
	HIST("SS");
	o = seg(&t, C, SYN, CISN, 0, 0, W, 3 * SEC);
	HIST("SSS");
	assert_int_equal(tv_tcp_syn_retries(&t), 1);
}

/* §3.10.7.4 (half-open, Figure 11 as seen from the server): the client
 * answers the SYN-ACK with RST; the server's SYN_RECEIVED, which came
 * from LISTEN, goes back to LISTEN. */
static void
test_half_open_reset(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	o = first(&t, 0, SYN, CISN, 0, 0, W, 0);
	STEP(o, TV_ST_SYN_SENT, TV_ST_LISTEN, CHG_C, 0, 0);
	o = seg(&t, S, SA, SISN, CISN + 1, 0, W, 100);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_SYN_RECEIVED, CHG_BOTH, 0, 0);
	o = seg(&t, C, RST, CISN + 1, 0, 0, 0, 200);
	STEP(o, TV_ST_CLOSED, TV_ST_LISTEN, CHG_BOTH, CLOSED, 0);

	outcomes(&t, TV_OPEN_HALF_OPEN, TV_CLOSE_RESET, -1, -1, 0);
	assert_int_equal(t.rst_end_side, C);
	assert_int_equal(tv_tcp_handshake_rtt_us(&t), -1);
	HIST("ShR");
	ZEEK("RSTO");
}

/* SYN, SYN-ACK (sent again), then nothing: the server waits in
 * SYN_RECEIVED. */
static void
test_half_open_silent(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	o = first(&t, 0, SYN, CISN, 0, 0, W, 0);
	STEP(o, TV_ST_SYN_SENT, TV_ST_LISTEN, CHG_C, 0, 0);
	o = seg(&t, S, SA, SISN, CISN + 1, 0, W, 100);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_SYN_RECEIVED, CHG_BOTH, 0, 0);
	o = seg(&t, S, SA, SISN, CISN + 1, 0, W, 1 * SEC + 100);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_SYN_RECEIVED, 0, 0, TV_NOTE_RETRANS);
	assert_int_equal(o.syn_retry, 0);	/* only the client's SYNs count */

	outcomes(&t, TV_OPEN_HALF_OPEN, TV_CLOSE_OPEN, -1, -1, 0);
	assert_int_equal(tv_tcp_handshake_rtt_us(&t), -1);
	assert_int_equal(tv_tcp_syn_retries(&t), 0);
	counters(&t, 1, 0, 0, 0);
	HIST("Sh");
	ZEEK("S1");	/* Zeek: both ESTABLISHED since the SYN-ACK */
}

/* No SYN seen: both sides assumed ESTABLISHED from the first packet. */
static void
test_midstream(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	o = first(&t, 0, PA, CISN, SISN, 10, W, 0);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	assert_int_equal(tv_tcp_open(&t), TV_OPEN_MIDSTREAM);
	o = seg(&t, S, PA, SISN, CISN + 10, 20, W, 100);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	HIST("Dd");
	ZEEK("OTH");	/* both Zeek endpoints PARTIAL */
	o = seg(&t, C, ACK, CISN + 10, SISN + 20, 0, W, 200);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	o = seg(&t, C, FA, CISN + 10, SISN + 20, 0, W, 300);
	STEP(o, TV_ST_FIN_WAIT_1, TV_ST_CLOSE_WAIT, CHG_BOTH, 0, 0);
	ZEEK("SH");	/* originator closed, responder "inactive" (partial) */
	o = seg(&t, S, FA, SISN + 20, CISN + 11, 0, W, 400);
	STEP(o, TV_ST_TIME_WAIT, TV_ST_LAST_ACK, CHG_BOTH, 0, 0);
	o = seg(&t, C, ACK, CISN + 11, SISN + 21, 0, W, 500);
	STEP(o, TV_ST_TIME_WAIT, TV_ST_CLOSED, CHG_S, CLOSED, 0);

	outcomes(&t, TV_OPEN_MIDSTREAM, TV_CLOSE_THREE_WAY, 0, 0, 0);
	assert_int_equal(tv_tcp_handshake_rtt_us(&t), -1);
	HIST("DdAFf");
	ZEEK("SF");
}

/* SYN_RECEIVED -> FIN_WAIT_1: the server closes before the handshake's
 * ACK arrives (Figure 5, "CLOSE / snd FIN" out of SYN-RCVD). */
static void
test_close_from_syn_received(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	o = first(&t, 0, SYN, CISN, 0, 0, W, 0);
	STEP(o, TV_ST_SYN_SENT, TV_ST_LISTEN, CHG_C, 0, 0);
	o = seg(&t, S, SA, SISN, CISN + 1, 0, W, 100);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_SYN_RECEIVED, CHG_BOTH, 0, 0);
	o = seg(&t, S, FA, SISN + 1, CISN + 1, 0, W, 150);
	STEP(o, TV_ST_CLOSE_WAIT, TV_ST_FIN_WAIT_1, CHG_BOTH, 0, 0);
	/* one ACK acknowledges the SYN and the FIN */
	o = seg(&t, C, ACK, CISN + 1, SISN + 2, 0, W, 200);
	STEP(o, TV_ST_CLOSE_WAIT, TV_ST_FIN_WAIT_2, CHG_S, OPENED, 0);
	o = seg(&t, C, FA, CISN + 1, SISN + 2, 0, W, 300);
	STEP(o, TV_ST_LAST_ACK, TV_ST_TIME_WAIT, CHG_BOTH, 0, 0);
	o = seg(&t, S, ACK, SISN + 2, CISN + 2, 0, W, 400);
	STEP(o, TV_ST_CLOSED, TV_ST_TIME_WAIT, CHG_C, CLOSED, 0);

	outcomes(&t, TV_OPEN_THREE_WAY, TV_CLOSE_FOUR_WAY, 1, 1, 0);
	assert_int_equal(tv_tcp_handshake_rtt_us(&t), 200);
	HIST("ShfAFa");
	ZEEK("SF");
}

/* ---- resets: any state -> CLOSED ---- */

static void
test_reset_by_client(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	HANDSHAKE();
	o = seg(&t, C, PA, CISN + 1, SISN + 1, 10, W, 300);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	o = seg(&t, S, PA, SISN + 1, CISN + 11, 10, W, 400);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	o = seg(&t, C, RA, CISN + 11, SISN + 11, 0, 0, 500);
	STEP(o, TV_ST_CLOSED, TV_ST_CLOSED, CHG_BOTH, CLOSED, 0);

	outcomes(&t, TV_OPEN_THREE_WAY, TV_CLOSE_RESET, -1, -1, 0);
	assert_int_equal(t.rst_end_side, C);
	HIST("ShADdR");
	ZEEK("RSTO");

	/* the server still had data on the way */
	o = seg(&t, S, PA, SISN + 11, CISN + 11, 5, W, 600);
	STEP(o, TV_ST_CLOSED, TV_ST_CLOSED, 0, 0, TV_NOTE_AFTER_CLOSE);
	HIST("ShADdR");
	ZEEK("RSTO");
	assert_int_equal(t.rst_end_side, C);
}

static void
test_reset_by_server(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	HANDSHAKE();
	o = seg(&t, C, PA, CISN + 1, SISN + 1, 10, W, 300);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	o = seg(&t, S, PA, SISN + 1, CISN + 11, 10, W, 400);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	o = seg(&t, S, RA, SISN + 11, CISN + 11, 0, 0, 500);
	STEP(o, TV_ST_CLOSED, TV_ST_CLOSED, CHG_BOTH, CLOSED, 0);

	outcomes(&t, TV_OPEN_THREE_WAY, TV_CLOSE_RESET, -1, -1, 0);
	assert_int_equal(t.rst_end_side, S);
	HIST("ShADdr");
	ZEEK("RSTR");
}

/* The client closed; the server, in CLOSE_WAIT, aborts. */
static void
test_reset_in_close_wait(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	HANDSHAKE();
	o = seg(&t, C, FA, CISN + 1, SISN + 1, 0, W, 300);
	STEP(o, TV_ST_FIN_WAIT_1, TV_ST_CLOSE_WAIT, CHG_BOTH, 0, 0);
	o = seg(&t, S, ACK, SISN + 1, CISN + 2, 0, W, 400);
	STEP(o, TV_ST_FIN_WAIT_2, TV_ST_CLOSE_WAIT, CHG_C, 0, 0);
	o = seg(&t, S, RA, SISN + 1, CISN + 2, 0, 0, 500);
	STEP(o, TV_ST_CLOSED, TV_ST_CLOSED, CHG_BOTH, CLOSED, 0);

	outcomes(&t, TV_OPEN_THREE_WAY, TV_CLOSE_RESET, 0, -1, 0);
	assert_int_equal(t.rst_end_side, S);
	HIST("ShAFar");
	ZEEK("RSTR");
}

/* SYN, then RST from the originator: LISTEN ignores the RST (§3.10.7.2). */
static void
test_syn_then_client_reset(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	o = first(&t, 0, SYN, CISN, 0, 0, W, 0);
	STEP(o, TV_ST_SYN_SENT, TV_ST_LISTEN, CHG_C, 0, 0);
	o = seg(&t, C, RST, CISN + 1, 0, 0, 0, 100);
	STEP(o, TV_ST_CLOSED, TV_ST_LISTEN, CHG_C, CLOSED, 0);

	outcomes(&t, TV_OPEN_UNANSWERED, TV_CLOSE_RESET, -1, -1, 0);
	assert_int_equal(t.rst_end_side, C);
	HIST("SR");
	ZEEK("RSTOS0");
}

/* SYN, SYN-ACK, then the server resets. */
static void
test_synack_then_server_reset(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	o = first(&t, 0, SYN, CISN, 0, 0, W, 0);
	o = seg(&t, S, SA, SISN, CISN + 1, 0, W, 100);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_SYN_RECEIVED, CHG_BOTH, 0, 0);
	o = seg(&t, S, RST, SISN + 1, 0, 0, 0, 200);
	STEP(o, TV_ST_CLOSED, TV_ST_CLOSED, CHG_BOTH, CLOSED, 0);

	outcomes(&t, TV_OPEN_HALF_OPEN, TV_CLOSE_RESET, -1, -1, 0);
	assert_int_equal(t.rst_end_side, S);
	HIST("Shr");
	/* Zeek: the originator was ESTABLISHED since the SYN-ACK, so this is
	 * no rejected attempt (REJ) but a responder abort */
	ZEEK("RSTR");
}

/* ---- the first packet is a SYN-ACK (roles inferred, '^') ---- */

static void
test_flipped_three_way(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	o = first(&t, 1, SA, SISN, CISN + 1, 0, W, 0);
	/* the client's SYN was not captured; the SYN-ACK acknowledges it,
	 * so the client, SYN_SENT, becomes ESTABLISHED as in Figure 6 */
	STEP(o, TV_ST_ESTABLISHED, TV_ST_SYN_RECEIVED, CHG_BOTH, 0, 0);
	HIST("^h");
	o = seg(&t, C, ACK, CISN + 1, SISN + 1, 0, W, 100);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, CHG_S, OPENED, 0);
	HIST("^hA");
	ZEEK("S1");
	assert_int_equal(tv_tcp_open(&t), TV_OPEN_THREE_WAY);
	assert_int_equal(tv_tcp_handshake_rtt_us(&t), -1);	/* no SYN time */

	o = seg(&t, C, PA, CISN + 1, SISN + 1, 5, W, 200);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	o = seg(&t, S, ACK, SISN + 1, CISN + 6, 0, W, 300);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	o = seg(&t, C, FA, CISN + 6, SISN + 1, 0, W, 400);
	STEP(o, TV_ST_FIN_WAIT_1, TV_ST_CLOSE_WAIT, CHG_BOTH, 0, 0);
	o = seg(&t, S, FA, SISN + 1, CISN + 7, 0, W, 500);
	STEP(o, TV_ST_TIME_WAIT, TV_ST_LAST_ACK, CHG_BOTH, 0, 0);
	o = seg(&t, C, ACK, CISN + 7, SISN + 2, 0, W, 600);
	STEP(o, TV_ST_TIME_WAIT, TV_ST_CLOSED, CHG_S, CLOSED, 0);

	outcomes(&t, TV_OPEN_THREE_WAY, TV_CLOSE_THREE_WAY, 0, 0, 0);
	assert_int_equal(tv_tcp_syn_retries(&t), 0);
	HIST("^hADaFf");
	ZEEK("SF");
}

/* Zeek SHR: the responder sent SYN-ACK then FIN; no SYN seen. */
static void
test_flipped_synack_fin(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	o = first(&t, 1, SA, SISN, CISN + 1, 0, W, 0);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_SYN_RECEIVED, CHG_BOTH, 0, 0);
	o = seg(&t, S, FA, SISN + 1, CISN + 1, 0, W, 100);
	STEP(o, TV_ST_CLOSE_WAIT, TV_ST_FIN_WAIT_1, CHG_BOTH, 0, 0);

	outcomes(&t, TV_OPEN_HALF_OPEN, TV_CLOSE_OPEN, 1, -1, 0);
	HIST("^hf");
	ZEEK("SHR");
}

/* Zeek RSTRH: the responder sent SYN-ACK then RST; no SYN seen. */
static void
test_flipped_synack_rst(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	o = first(&t, 1, SA, SISN, CISN + 1, 0, W, 0);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_SYN_RECEIVED, CHG_BOTH, 0, 0);
	o = seg(&t, S, RST, SISN + 1, 0, 0, 0, 100);
	STEP(o, TV_ST_CLOSED, TV_ST_CLOSED, CHG_BOTH, CLOSED, 0);

	assert_int_equal(tv_tcp_close(&t), TV_CLOSE_RESET);
	assert_int_equal(t.rst_end_side, S);
	HIST("^hr");
	ZEEK("RSTRH");
}

/* ---- more Zeek conn_state ---- */

/* SH: SYN then FIN from the originator, no SYN-ACK. */
static void
test_zeek_sh(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	o = first(&t, 0, SYN, CISN, 0, 0, W, 0);
	STEP(o, TV_ST_SYN_SENT, TV_ST_LISTEN, CHG_C, 0, 0);
	/* a FIN from SYN_SENT changes no RFC state (§3.10.4: CLOSE there
	 * sends nothing; LISTEN drops a FIN) */
	o = seg(&t, C, FIN, CISN + 1, 0, 0, W, 100);
	STEP(o, TV_ST_SYN_SENT, TV_ST_LISTEN, 0, 0, 0);
	assert_int_equal(tv_tcp_closed_by(&t), 0);
	assert_int_equal(tv_tcp_close(&t), TV_CLOSE_OPEN);
	HIST("SF");
	ZEEK("SH");
}

/* S2 and S3: one side's FIN, no answer. */
static void
test_zeek_s2_s3(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	HANDSHAKE();
	o = seg(&t, C, FA, CISN + 1, SISN + 1, 0, W, 300);
	STEP(o, TV_ST_FIN_WAIT_1, TV_ST_CLOSE_WAIT, CHG_BOTH, 0, 0);
	ZEEK("S2");
	o = seg(&t, S, ACK, SISN + 1, CISN + 2, 0, W, 400);
	STEP(o, TV_ST_FIN_WAIT_2, TV_ST_CLOSE_WAIT, CHG_C, 0, 0);
	ZEEK("S2");
	outcomes(&t, TV_OPEN_THREE_WAY, TV_CLOSE_OPEN, 0, -1, 0);

	HANDSHAKE();
	o = seg(&t, S, FA, SISN + 1, CISN + 1, 0, W, 300);
	STEP(o, TV_ST_CLOSE_WAIT, TV_ST_FIN_WAIT_1, CHG_BOTH, 0, 0);
	ZEEK("S3");
	HIST("ShAf");
	outcomes(&t, TV_OPEN_THREE_WAY, TV_CLOSE_OPEN, 1, -1, 0);
}

/* An RST after both FINs: the connection had closed; Zeek keeps both
 * endpoints CLOSED (SF), and the close stays four-way. */
static void
test_rst_after_fin_exchange(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	HANDSHAKE();
	o = seg(&t, C, FA, CISN + 1, SISN + 1, 0, W, 300);
	o = seg(&t, S, ACK, SISN + 1, CISN + 2, 0, W, 400);
	o = seg(&t, S, FA, SISN + 1, CISN + 2, 0, W, 500);
	o = seg(&t, C, ACK, CISN + 2, SISN + 2, 0, W, 600);
	STEP(o, TV_ST_TIME_WAIT, TV_ST_CLOSED, CHG_S, CLOSED, 0);
	o = seg(&t, C, RST, CISN + 2, 0, 0, 0, 700);
	STEP(o, TV_ST_TIME_WAIT, TV_ST_CLOSED, 0, 0, TV_NOTE_AFTER_CLOSE);

	outcomes(&t, TV_OPEN_THREE_WAY, TV_CLOSE_FOUR_WAY, 0, 0, 0);
	assert_int_equal(t.rst_end_side, -1);
	HIST("ShAFafR");
	ZEEK("SF");
}

/* Zeek's REJ also covers both sides resetting without payload;
 * with payload it is RSTR (the responder reset last). */
static void
test_zeek_both_reset(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	HANDSHAKE();
	o = seg(&t, C, RST, CISN + 1, 0, 0, 0, 300);
	STEP(o, TV_ST_CLOSED, TV_ST_CLOSED, CHG_BOTH, CLOSED, 0);
	o = seg(&t, S, RST, SISN + 1, 0, 0, 0, 310);
	STEP(o, TV_ST_CLOSED, TV_ST_CLOSED, 0, 0, TV_NOTE_AFTER_CLOSE);
	HIST("ShARr");
	ZEEK("REJ");
	assert_int_equal(t.rst_end_side, C);

	/* payload carried only by a FIN still counts as bytes */
	HANDSHAKE();
	o = seg(&t, C, FA | PSH, CISN + 1, SISN + 1, 5, W, 300);
	STEP(o, TV_ST_FIN_WAIT_1, TV_ST_CLOSE_WAIT, CHG_BOTH, 0, 0);
	o = seg(&t, C, RST, CISN + 7, 0, 0, 0, 400);
	STEP(o, TV_ST_CLOSED, TV_ST_CLOSED, CHG_BOTH, CLOSED, 0);
	o = seg(&t, S, RST, SISN + 1, 0, 0, 0, 410);
	HIST("ShAFRr");
	ZEEK("RSTR");
}

/* ---- sequence numbers wrapping past 2^32 ---- */

/* ISNs just below 2^32: the SYN-ACK is acknowledged by ack 0, data
 * crosses zero and is retransmitted, and the close is still seen. */
static void
test_wrap_data_across_zero(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	o = first(&t, 0, SYN, 0xFFFFFFF0u, 0, 0, W, 0);
	STEP(o, TV_ST_SYN_SENT, TV_ST_LISTEN, CHG_C, 0, 0);
	o = seg(&t, S, SA, 0xFFFFFFFFu, 0xFFFFFFF1u, 0, W, 100);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_SYN_RECEIVED, CHG_BOTH, 0, 0);
	o = seg(&t, C, ACK, 0xFFFFFFF1u, 0, 0, W, 200);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, CHG_S, OPENED, 0);
	/* 32 bytes: 0xfffffff1 .. 0x10 */
	o = seg(&t, C, PA, 0xFFFFFFF1u, 0, 32, W, 300);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	o = seg(&t, C, PA, 0xFFFFFFF1u, 0, 32, W, 50 * MS);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_RETRANS);
	o = seg(&t, S, ACK, 0, 0x11, 0, W, 50 * MS + 100);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	o = seg(&t, C, PA, 0x11, 0, 16, W, 50 * MS + 200);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	o = seg(&t, C, FA, 0x21, 0, 0, W, 50 * MS + 300);
	STEP(o, TV_ST_FIN_WAIT_1, TV_ST_CLOSE_WAIT, CHG_BOTH, 0, 0);
	o = seg(&t, S, FA, 0, 0x22, 0, W, 50 * MS + 400);
	STEP(o, TV_ST_TIME_WAIT, TV_ST_LAST_ACK, CHG_BOTH, 0, 0);
	o = seg(&t, C, ACK, 0x22, 1, 0, W, 50 * MS + 500);
	STEP(o, TV_ST_TIME_WAIT, TV_ST_CLOSED, CHG_S, CLOSED, 0);

	outcomes(&t, TV_OPEN_THREE_WAY, TV_CLOSE_THREE_WAY, 0, 0, 0);
	counters(&t, 1, 0, 0, 0);
	HIST("ShADTaFf");
	ZEEK("SF");
}

/* The FIN occupies 0xffffffff and is acknowledged by ack 0. */
static void
test_wrap_fin_at_top(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	o = first(&t, 0, SYN, 0xFFFFFFEEu, 0, 0, W, 0);
	o = seg(&t, S, SA, 7000, 0xFFFFFFEFu, 0, W, 100);
	o = seg(&t, C, ACK, 0xFFFFFFEFu, 7001, 0, W, 200);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, CHG_S, OPENED, 0);
	o = seg(&t, C, PA, 0xFFFFFFEFu, 7001, 16, W, 300);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	o = seg(&t, C, FA, 0xFFFFFFFFu, 7001, 0, W, 400);
	STEP(o, TV_ST_FIN_WAIT_1, TV_ST_CLOSE_WAIT, CHG_BOTH, 0, 0);
	o = seg(&t, S, ACK, 7001, 0, 0, W, 500);
	STEP(o, TV_ST_FIN_WAIT_2, TV_ST_CLOSE_WAIT, CHG_C, 0, 0);
	/* the FIN again, after its ACK: a retransmission, no new state */
	o = seg(&t, C, FA, 0xFFFFFFFFu, 7001, 0, W, 600);
	STEP(o, TV_ST_FIN_WAIT_2, TV_ST_CLOSE_WAIT, 0, 0, TV_NOTE_RETRANS);
	o = seg(&t, S, FA, 7001, 0, 0, W, 700);
	STEP(o, TV_ST_TIME_WAIT, TV_ST_LAST_ACK, CHG_BOTH, 0, 0);
	o = seg(&t, C, ACK, 0, 7002, 0, W, 800);
	STEP(o, TV_ST_TIME_WAIT, TV_ST_CLOSED, CHG_S, CLOSED, 0);

	outcomes(&t, TV_OPEN_THREE_WAY, TV_CLOSE_FOUR_WAY, 0, 0, 0);
	counters(&t, 1, 0, 0, 0);
	HIST("ShADFaf");	/* the FIN's retransmission adds no letter */
	ZEEK("SF");
}

/* Keep-alives and out-of-order segments with the next sequence number
 * at or just past zero. */
static void
test_wrap_keepalive_and_reorder(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	o = first(&t, 0, SYN, 0xFFFFFFF0u, 0, 0, W, 0);
	o = seg(&t, S, SA, SISN, 0xFFFFFFF1u, 0, W, 100);
	o = seg(&t, C, ACK, 0xFFFFFFF1u, SISN + 1, 0, W, 200);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, CHG_S, OPENED, 0);
	/* 15 bytes up to 0xffffffff: next is 0 */
	o = seg(&t, C, PA, 0xFFFFFFF1u, SISN + 1, 15, W, 300);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	o = seg(&t, C, ACK, 0xFFFFFFFFu, SISN + 1, 0, W, 1 * SEC);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_KEEPALIVE);
	/* 0x10..0x1f arrives before 0x0..0xf, within the iRTT (200 us) */
	o = seg(&t, C, PA, 0x10, SISN + 1, 16, W, 2 * SEC);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_LOST_SEGMENT);
	o = seg(&t, C, PA, 0, SISN + 1, 16, W, 2 * SEC + 150);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_OUT_OF_ORDER);
	o = seg(&t, C, PA, 0xFFFFFFF1u, SISN + 1, 15, W, 3 * SEC);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_RETRANS);
	counters(&t, 1, 0, 1, 0);
}

/* ---- anomalies ---- */

static void
test_retransmission(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	HANDSHAKE();
	o = seg(&t, C, PA, CISN + 1, SISN + 1, 100, W, 300);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	o = seg(&t, C, PA, CISN + 1, SISN + 1, 100, W, 200 * MS);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_RETRANS);
	HIST("ShADT");
	/* the FIN sent twice */
	o = seg(&t, C, FA, CISN + 101, SISN + 1, 0, W, 300 * MS);
	STEP(o, TV_ST_FIN_WAIT_1, TV_ST_CLOSE_WAIT, CHG_BOTH, 0, 0);
	o = seg(&t, C, FA, CISN + 101, SISN + 1, 0, W, 500 * MS);
	STEP(o, TV_ST_FIN_WAIT_1, TV_ST_CLOSE_WAIT, 0, 0, TV_NOTE_RETRANS);
	HIST("ShADTF");
	counters(&t, 2, 0, 0, 0);
}

/* A segment past a hole: "previous segment not captured"; one filling
 * it within the handshake's round trip (200 us here) of the highest
 * segment is out-of-order; later, a retransmission (Wireshark's
 * ooo_thres).  (Zeek's 't' counts any payload below the highest sequence
 * number sent, reordered or not.) */
static void
test_out_of_order(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	HANDSHAKE();
	o = seg(&t, C, PA, CISN + 1, SISN + 1, 100, W, 1 * MS);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	o = seg(&t, C, PA, CISN + 201, SISN + 1, 100, W, 1 * MS + 100);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_LOST_SEGMENT);
	o = seg(&t, C, PA, CISN + 101, SISN + 1, 100, W, 1 * MS + 250);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_OUT_OF_ORDER);
	counters(&t, 0, 0, 1, 0);
	HIST("ShADT");

	/* a hole filled later than the iRTT: lost, then retransmitted */
	o = seg(&t, C, PA, CISN + 401, SISN + 1, 100, W, 10 * MS);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_LOST_SEGMENT);
	o = seg(&t, C, PA, CISN + 301, SISN + 1, 100, W, 10 * MS + 200);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_RETRANS);
	counters(&t, 1, 0, 1, 0);
	HIST("ShADT");	/* the second 't' comes at the 10th */
}

/* Duplicate ACKs count 1, 2, 3 and start again after the ACK advances;
 * Wireshark's rule: the same seq, ack and window as the side's last
 * segment, nothing more (outstanding data or not). */
static void
test_dup_acks(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	HANDSHAKE();
	o = seg(&t, C, PA, CISN + 1, SISN + 1, 100, W, 300);
	o = seg(&t, C, PA, CISN + 201, SISN + 1, 100, W, 310);	/* 101..200 lost */
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_LOST_SEGMENT);
	o = seg(&t, S, ACK, SISN + 1, CISN + 101, 0, W, 320);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	assert_int_equal(o.dup_ack, 0);
	o = seg(&t, C, PA, CISN + 301, SISN + 1, 100, W, 330);
	o = seg(&t, S, ACK, SISN + 1, CISN + 101, 0, W, 340);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_DUP_ACK);
	assert_int_equal(o.dup_ack, 1);
	o = seg(&t, S, ACK, SISN + 1, CISN + 101, 0, W, 350);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_DUP_ACK);
	assert_int_equal(o.dup_ack, 2);
	o = seg(&t, S, ACK, SISN + 1, CISN + 101, 0, W, 360);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_DUP_ACK);
	assert_int_equal(o.dup_ack, 3);
	/* the retransmission, 3 duplicates of its seq within 20 ms */
	o = seg(&t, C, PA, CISN + 101, SISN + 1, 100, W, 5 * MS);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0,
	    TV_NOTE_RETRANS | TV_NOTE_FAST_RETRANS);
	o = seg(&t, S, ACK, SISN + 1, CISN + 401, 0, W, 5 * MS + 100);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	assert_int_equal(o.dup_ack, 0);
	/* the same ACK with nothing outstanding: a duplicate all the same */
	o = seg(&t, S, ACK, SISN + 1, CISN + 401, 0, W, 5 * MS + 200);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_DUP_ACK);
	assert_int_equal(o.dup_ack, 1);
	o = seg(&t, C, PA, CISN + 401, SISN + 1, 100, W, 5 * MS + 300);
	o = seg(&t, S, ACK, SISN + 1, CISN + 401, 0, W, 5 * MS + 400);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_DUP_ACK);
	assert_int_equal(o.dup_ack, 2);

	counters(&t, 1, 5, 0, 0);
	HIST("ShADaT");
}

#define RX_FAST (TV_NOTE_RETRANS | TV_NOTE_FAST_RETRANS)
#define RX_SPUR (TV_NOTE_RETRANS | TV_NOTE_SPURIOUS)

/* The note's word in JSON (its bit's name). */
static void
word(uint16_t bit, const char *w)
{
	int i = 0;

	while (i < TV_NOTE_COUNT && (1u << i) != bit)
		i++;
	assert_true(i < TV_NOTE_COUNT);
	assert_string_equal(tv_note_names[i], w);
}

/*
 * A lost segment and its recovery (Wireshark): the segment after it,
 * "previous segment not captured"; the receiver's duplicate ACKs; the
 * segment sent again within 20 ms of the 2nd or later duplicate of its seq,
 * a fast retransmission.  Past 20 ms (or after one duplicate), a plain one.
 */
static void
test_fast_retransmission(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	HANDSHAKE();
	o = seg(&t, C, PA, CISN + 1, SISN + 1, 100, W, 1 * MS);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	/* CISN + 101 .. 201 lost */
	o = seg(&t, C, PA, CISN + 201, SISN + 1, 100, W, 1 * MS + 10);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_LOST_SEGMENT);
	word(TV_NOTE_LOST_SEGMENT, "previous-segment-not-captured");
	o = seg(&t, C, PA, CISN + 301, SISN + 1, 100, W, 1 * MS + 20);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	o = seg(&t, S, ACK, SISN + 1, CISN + 101, 0, W, 1 * MS + 100);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	o = seg(&t, S, ACK, SISN + 1, CISN + 101, 0, W, 1 * MS + 110);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_DUP_ACK);
	o = seg(&t, S, ACK, SISN + 1, CISN + 101, 0, W, 1 * MS + 120);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_DUP_ACK);
	o = seg(&t, S, ACK, SISN + 1, CISN + 101, 0, W, 1 * MS + 130);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_DUP_ACK);
	assert_int_equal(o.dup_ack, 3);
	o = seg(&t, C, PA, CISN + 101, SISN + 1, 100, W, 15 * MS);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, RX_FAST);
	word(TV_NOTE_FAST_RETRANS, "fast-retransmission");
	/* all of it now: no ACK of unseen data */
	o = seg(&t, S, ACK, SISN + 1, CISN + 401, 0, W, 15 * MS + 100);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);

	/* again, the retransmission 20 ms after the last duplicate */
	o = seg(&t, C, PA, CISN + 501, SISN + 1, 100, W, 16 * MS);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_LOST_SEGMENT);
	o = seg(&t, S, ACK, SISN + 1, CISN + 401, 0, W, 16 * MS + 100);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_DUP_ACK);
	o = seg(&t, S, ACK, SISN + 1, CISN + 401, 0, W, 16 * MS + 200);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_DUP_ACK);
	o = seg(&t, C, PA, CISN + 401, SISN + 1, 100, W, 36 * MS + 200);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_RETRANS);
	counters(&t, 2, 5, 0, 0);
	HIST("ShADaT");	/* Zeek: T at the 1st, the 10th ... */
}

/* Data the receiver had acknowledged, sent again: a spurious
 * retransmission (and a retransmission). */
static void
test_spurious_retransmission(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	HANDSHAKE();
	o = seg(&t, C, PA, CISN + 1, SISN + 1, 100, W, 1 * MS);
	o = seg(&t, S, ACK, SISN + 1, CISN + 101, 0, W, 1 * MS + 100);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	/* the ACK lost on the way back: the timer fires */
	o = seg(&t, C, PA, CISN + 1, SISN + 1, 100, W, 200 * MS);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, RX_SPUR);
	word(TV_NOTE_SPURIOUS, "spurious-retransmission");
	/* part of it acknowledged only: a retransmission */
	o = seg(&t, C, PA, CISN + 101, SISN + 1, 100, W, 201 * MS);
	o = seg(&t, S, ACK, SISN + 1, CISN + 151, 0, W, 201 * MS + 100);
	o = seg(&t, C, PA, CISN + 101, SISN + 1, 100, W, 400 * MS);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_RETRANS);
	counters(&t, 2, 0, 0, 0);
	assert_int_equal(t.q[C].retrans_bytes, 200);
}

/*
 * An ACK past all the other side was seen to send (past the end of what
 * it sent without a gap): "ACKed unseen segment", once per ACK value, as
 * tshark 4.0 names it; the same ACK again is a duplicate.  Segments past
 * the unseen ones: "previous segment not captured", a pure ACK too.
 */
static void
test_acked_unseen(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	HANDSHAKE();
	o = seg(&t, S, ACK, SISN + 1, CISN + 101, 0, W, 1 * MS);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_ACK_UNSEEN);
	word(TV_NOTE_ACK_UNSEEN, "acked-unseen-segment");
	o = seg(&t, S, ACK, SISN + 1, CISN + 101, 0, W, 2 * MS);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_DUP_ACK);
	o = seg(&t, C, ACK, CISN + 101, SISN + 1, 0, W, 3 * MS);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_LOST_SEGMENT);
	o = seg(&t, C, PA, CISN + 101, SISN + 1, 100, W, 4 * MS);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	/* a new ACK value, still past the gap */
	o = seg(&t, S, ACK, SISN + 1, CISN + 201, 0, W, 5 * MS);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_ACK_UNSEEN);
	o = seg(&t, C, PA, CISN + 201, SISN + 1, 100, W, 6 * MS);
	o = seg(&t, S, ACK, SISN + 1, CISN + 301, 0, W, 7 * MS);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	counters(&t, 0, 1, 0, 0);
}

/* Out-of-order within the handshake's round trip of the highest segment
 * (Wireshark's ooo_thres); without a handshake seen, within 3 ms. */
static void
test_out_of_order_threshold(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	o = first(&t, 0, PA, CISN + 1, SISN + 1, 100, W, 0);	/* midstream */
	o = seg(&t, C, PA, CISN + 201, SISN + 1, 100, W, 1 * MS);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_LOST_SEGMENT);
	o = seg(&t, C, PA, CISN + 101, SISN + 1, 100, W, 3 * MS + 999);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_OUT_OF_ORDER);
	o = seg(&t, C, PA, CISN + 401, SISN + 1, 100, W, 10 * MS);
	o = seg(&t, C, PA, CISN + 301, SISN + 1, 100, W, 13 * MS);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_RETRANS);
	/* the last segment again, however soon: no reordering */
	o = seg(&t, C, PA, CISN + 401, SISN + 1, 100, W, 13 * MS + 1);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_RETRANS);
	counters(&t, 2, 0, 1, 0);
}

/* Zero windows ('w' at the 1st and 10th), the window update, and no
 * zero window on an RST. */
static void
test_zero_window(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;
	int i;

	(void)state;
	HANDSHAKE();
	o = seg(&t, S, PA, SISN + 1, CISN + 1, 100, W, 300);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	for (i = 1; i <= 10; i++) {
		o = seg(&t, C, ACK, CISN + 1, SISN + 101, 0, 0, 300 + i * 100);
		STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_ZERO_WINDOW);
		assert_int_equal(o.dup_ack, 0);
		if (i == 1)
			HIST("ShAdW");
		if (i == 9)
			HIST("ShAdW");
	}
	HIST("ShAdWW");
	counters(&t, 0, 0, 0, 10);
	o = seg(&t, C, ACK, CISN + 1, SISN + 101, 0, 4096, 5 * MS);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_WINDOW_UPDATE);
	/* the same window again: a duplicate ACK (Wireshark) */
	o = seg(&t, C, ACK, CISN + 1, SISN + 101, 0, 4096, 6 * MS);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_DUP_ACK);
	o = seg(&t, C, RA, CISN + 1, SISN + 101, 0, 0, 7 * MS);
	STEP(o, TV_ST_CLOSED, TV_ST_CLOSED, CHG_BOTH, CLOSED, 0);
	counters(&t, 0, 1, 0, 10);
	HIST("ShAdWWR");
}

/* Keep-alives: one below the next sequence number, with 0 or 1 byte. */
static void
test_keepalive(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	HANDSHAKE();
	o = seg(&t, C, PA, CISN + 1, SISN + 1, 1, W, 300);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	o = seg(&t, S, ACK, SISN + 1, CISN + 2, 0, W, 400);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	o = seg(&t, C, ACK, CISN + 1, SISN + 1, 0, W, 1 * SEC);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_KEEPALIVE);
	/* its answer repeats the last ACK but nothing is outstanding */
	o = seg(&t, S, ACK, SISN + 1, CISN + 2, 0, W, 1 * SEC + 100);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, 0);
	o = seg(&t, C, ACK, CISN + 1, SISN + 1, 0, W, 2 * SEC);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_KEEPALIVE);
	assert_int_equal(o.dup_ack, 0);
	HIST("ShADa");
	/* the one-byte kind: no retransmission for us; Zeek's 't' counts
	 * any payload that does not advance the sequence space */
	o = seg(&t, C, PA, CISN + 1, SISN + 1, 1, W, 3 * SEC);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_KEEPALIVE);
	counters(&t, 0, 0, 0, 0);
	HIST("ShADaT");
}

static void
test_rst_with_data(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	HANDSHAKE();
	o = seg(&t, C, RA, CISN + 1, SISN + 1, 12, W, 300);
	STEP(o, TV_ST_CLOSED, TV_ST_CLOSED, CHG_BOTH, CLOSED, TV_NOTE_RST_DATA);
	assert_int_equal(tv_tcp_close(&t), TV_CLOSE_RESET);
	HIST("ShAR");	/* Zeek: an RST's payload is no 'D' */
	ZEEK("RSTO");
}

/* Packets after the close are marked and change nothing. */
static void
test_after_close(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	HANDSHAKE();
	o = seg(&t, C, FA, CISN + 1, SISN + 1, 0, W, 300);
	o = seg(&t, S, FA, SISN + 1, CISN + 2, 0, W, 400);
	o = seg(&t, C, ACK, CISN + 2, SISN + 2, 0, W, 500);
	STEP(o, TV_ST_TIME_WAIT, TV_ST_CLOSED, CHG_S, CLOSED, 0);
	/* the last ACK again (the server's FIN was sent again) */
	o = seg(&t, S, FA, SISN + 1, CISN + 2, 0, W, 600);
	STEP(o, TV_ST_TIME_WAIT, TV_ST_CLOSED, 0, 0,
	    TV_NOTE_AFTER_CLOSE | TV_NOTE_RETRANS);
	o = seg(&t, C, ACK, CISN + 2, SISN + 2, 0, W, 700);
	STEP(o, TV_ST_TIME_WAIT, TV_ST_CLOSED, 0, 0,
	    TV_NOTE_AFTER_CLOSE | TV_NOTE_DUP_ACK);
	outcomes(&t, TV_OPEN_THREE_WAY, TV_CLOSE_THREE_WAY, 0, 0, 0);
	HIST("ShAFf");
}

/* TCP Fast Open style: payload on the SYN. */
static void
test_syn_with_payload(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	o = first(&t, 0, SYN, CISN, 0, 20, W, 0);
	STEP(o, TV_ST_SYN_SENT, TV_ST_LISTEN, CHG_C, 0, TV_NOTE_SYN_DATA);
	HIST("S");	/* Zeek: a SYN's payload is no 'D' */
	o = seg(&t, C, SYN, CISN, 0, 20, W, 1 * SEC);
	STEP(o, TV_ST_SYN_SENT, TV_ST_LISTEN, 0, 0,
	    TV_NOTE_SYN_DATA | TV_NOTE_RETRANS);
	assert_int_equal(o.syn_retry, 1);
	HIST("ST");
	/* the SYN-ACK acknowledges SYN and payload */
	o = seg(&t, S, SA, SISN, CISN + 21, 0, W, 1 * SEC + 100);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_SYN_RECEIVED, CHG_BOTH, 0, 0);
	o = seg(&t, C, ACK, CISN + 21, SISN + 1, 0, W, 1 * SEC + 200);
	STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, CHG_S, OPENED, 0);
	assert_int_equal(tv_tcp_open(&t), TV_OPEN_THREE_WAY);
	assert_int_equal(tv_tcp_syn_retries(&t), 1);
	counters(&t, 1, 0, 0, 0);
	HIST("SThA");
}

/* The server sends after the client's FIN: a half-close. */
static void
test_half_close(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	HANDSHAKE();
	o = seg(&t, C, PA, CISN + 1, SISN + 1, 7, W, 300);
	o = seg(&t, C, FA, CISN + 8, SISN + 1, 0, W, 400);
	STEP(o, TV_ST_FIN_WAIT_1, TV_ST_CLOSE_WAIT, CHG_BOTH, 0, 0);
	o = seg(&t, S, ACK, SISN + 1, CISN + 9, 0, W, 500);
	STEP(o, TV_ST_FIN_WAIT_2, TV_ST_CLOSE_WAIT, CHG_C, 0, 0);
	assert_int_equal(tv_tcp_half_close(&t), 0);
	o = seg(&t, S, PA, SISN + 1, CISN + 9, 39, W, 600);
	STEP(o, TV_ST_FIN_WAIT_2, TV_ST_CLOSE_WAIT, 0, 0, 0);
	assert_int_equal(tv_tcp_half_close(&t), 1);
	o = seg(&t, C, ACK, CISN + 9, SISN + 40, 0, W, 700);
	STEP(o, TV_ST_FIN_WAIT_2, TV_ST_CLOSE_WAIT, 0, 0, 0);
	o = seg(&t, S, FA, SISN + 40, CISN + 9, 0, W, 800);
	STEP(o, TV_ST_TIME_WAIT, TV_ST_LAST_ACK, CHG_BOTH, 0, 0);
	o = seg(&t, C, ACK, CISN + 9, SISN + 41, 0, W, 900);
	STEP(o, TV_ST_TIME_WAIT, TV_ST_CLOSED, CHG_S, CLOSED, 0);

	outcomes(&t, TV_OPEN_THREE_WAY, TV_CLOSE_FOUR_WAY, 0, 0, 1);
	HIST("ShADFadf");
	ZEEK("SF");
}

/* ---- Zeek history letters ---- */

/* 't' at the 1st and 10th retransmission of payload. */
static void
test_history_t_logarithmic(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;
	int i;

	(void)state;
	HANDSHAKE();
	o = seg(&t, S, PA, SISN + 1, CISN + 1, 100, W, 300);
	HIST("ShAd");
	for (i = 1; i <= 10; i++) {
		o = seg(&t, S, PA, SISN + 1, CISN + 1, 100, W, i * 100 * MS);
		STEP(o, TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_RETRANS);
		if (i == 1 || i == 9)
			HIST("ShAdt");
	}
	HIST("ShAdtt");
	counters(&t, 10, 0, 0, 0);
}

/* Packets with two of SYN, FIN, RST get 'q' ('i' for FIN+RST) and no
 * other letter (Zeek's update_history()). */
static void
test_history_multi_flag(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	o = first(&t, 0, SYN | FIN, CISN, 0, 0, W, 0);
	STEP(o, TV_ST_SYN_SENT, TV_ST_LISTEN, CHG_C, 0, 0);
	o = seg(&t, C, SYN | FIN, CISN, 0, 0, W, 100);
	HIST("Q");
	ZEEK("SH");

	HANDSHAKE();
	o = seg(&t, C, FIN | RST | ACK, CISN + 1, SISN + 1, 0, W, 300);
	STEP(o, TV_ST_CLOSED, TV_ST_CLOSED, CHG_BOTH, CLOSED, 0);
	HIST("ShAI");
	ZEEK("RSTO");
}

/* A FIN's payload is no 'D' either; the FIN's letter repeats only for
 * a FIN ending elsewhere. */
static void
test_history_fin_with_data(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;

	(void)state;
	HANDSHAKE();
	o = seg(&t, S, FA | PSH, SISN + 1, CISN + 1, 30, W, 300);
	STEP(o, TV_ST_CLOSE_WAIT, TV_ST_FIN_WAIT_1, CHG_BOTH, 0, 0);
	HIST("ShAf");
	o = seg(&t, S, FA | PSH, SISN + 1, CISN + 1, 30, W, 200 * MS);
	STEP(o, TV_ST_CLOSE_WAIT, TV_ST_FIN_WAIT_1, 0, 0, TV_NOTE_RETRANS);
	HIST("ShAft");
	o = seg(&t, C, FA, CISN + 1, SISN + 32, 0, W, 200 * MS + 100);
	STEP(o, TV_ST_LAST_ACK, TV_ST_TIME_WAIT, CHG_BOTH, 0, 0);
	o = seg(&t, S, ACK, SISN + 32, CISN + 2, 0, W, 200 * MS + 200);
	STEP(o, TV_ST_CLOSED, TV_ST_TIME_WAIT, CHG_C, CLOSED, 0);
	outcomes(&t, TV_OPEN_THREE_WAY, TV_CLOSE_THREE_WAY, 1, 1, 0);
	HIST("ShAftFa");
	ZEEK("SF");
}

/* ---- UDP ---- */

static void
test_udp_conn_state(void **state)
{
	(void)state;
	assert_string_equal(tv_udp_conn_state(1, 1), "SF");
	assert_string_equal(tv_udp_conn_state(3, 0), "S0");
	assert_string_equal(tv_udp_conn_state(0, 2), "SHR");
	assert_string_equal(tv_udp_conn_state(0, 0), "OTH");
}

/* A capture whose clock starts at 0 still has a handshake RTT: time 0
 * is a time, not "unset". */
static void
test_rtt_from_time_zero(void **state)
{
	struct tv_tcp t;
	struct tv_tcp_pkt o;
	struct tv_pkt p;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.proto = 6;
	p.win = W;
	p.flags = SYN;
	p.seq = 100;
	tv_tcp_init(&t, &p, 0);
	tv_tcp_packet(&t, &p, 0, &o);
	p.flags = SA;
	p.seq = 500;
	p.ack = 101;
	p.ts_nsec = 100000;
	tv_tcp_packet(&t, &p, 1, &o);
	p.flags = ACK;
	p.seq = 101;
	p.ack = 501;
	p.ts_nsec = 250000;
	tv_tcp_packet(&t, &p, 0, &o);
	assert_int_equal(tv_tcp_open(&t), TV_OPEN_THREE_WAY);
	assert_int_equal(tv_tcp_handshake_rtt_us(&t), 250);
}


/* ---- issue 18: RST acceptability, Zeek's rules, one direction ---- */

/* RFC 9293 §3.10.7.3: in SYN-SENT an RST counts only with an ACK of the
 * SYN; the SYN's retry then gets the real handshake, one connection */
static void
test_rst_syn_sent_acceptability(void **state)
{
	struct tv_tcp t;

	(void)state;
	STEP(first(&t, 0, SYN, CISN, 0, 0, W, 0), TV_ST_SYN_SENT, TV_ST_LISTEN,
	    CHG_C, 0, 0);
	/* an ACK that is not ISN+1 */
	STEP(seg(&t, S, RA, 0, CISN + 1001, 0, W, 50 * MS), TV_ST_SYN_SENT,
	    TV_ST_LISTEN, 0, 0, TV_NOTE_BAD_RST);
	/* no ACK at all */
	STEP(seg(&t, S, RST, 0, 0, 0, W, 60 * MS), TV_ST_SYN_SENT,
	    TV_ST_LISTEN, 0, 0, TV_NOTE_BAD_RST);
	assert_int_equal(tv_tcp_ended(&t), 0);
	assert_int_equal(seg(&t, C, SYN, CISN, 0, 0, W, SEC).syn_retry, 1);
	STEP(seg(&t, S, SA, SISN, CISN + 1, 0, W, SEC + 10), TV_ST_ESTABLISHED,
	    TV_ST_SYN_RECEIVED, CHG_BOTH, 0, 0);
	STEP(seg(&t, C, ACK, CISN + 1, SISN + 1, 0, W, SEC + 20),
	    TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, CHG_S, OPENED, 0);
	outcomes(&t, TV_OPEN_THREE_WAY, TV_CLOSE_OPEN, -1, -1, 0);
	HIST("SrhA");	/* Zeek, which does not judge RSTs, writes r */

	/* the RST,ACK that does acknowledge the SYN refuses it */
	STEP(first(&t, 0, SYN, CISN, 0, 0, W, 0), TV_ST_SYN_SENT, TV_ST_LISTEN,
	    CHG_C, 0, 0);
	STEP(seg(&t, S, RA, 0, CISN + 1, 0, 0, 10), TV_ST_CLOSED, TV_ST_CLOSED,
	    CHG_BOTH, CLOSED, 0);
	outcomes(&t, TV_OPEN_REFUSED, TV_CLOSE_RESET, -1, -1, 0);
	assert_int_equal(tv_tcp_ended(&t), 1);
}

static void
handshake(struct tv_tcp *t)
{
	first(t, 0, SYN, CISN, 0, 0, W, 0);
	seg(t, S, SA, SISN, CISN + 1, 0, W, 10);
	seg(t, C, ACK, CISN + 1, SISN + 1, 0, W, 20);
}

/* §3.10.7.4 and RFC 5961 §3.2: in the other states, only in the window */
static void
test_rst_window(void **state)
{
	struct tv_tcp t;

	(void)state;
	handshake(&t);
	seg(&t, C, PA, CISN + 1, SISN + 1, 10, W, 30);
	seg(&t, S, ACK, SISN + 1, CISN + 11, 0, W, 40);
	/* far past the server's window (its last ACK CISN+11, window W) */
	STEP(seg(&t, C, RST, CISN + 11 + 10000000, 0, 0, 0, 50),
	    TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, 0, 0, TV_NOTE_BAD_RST);
	/* below RCV.NXT */
	STEP(seg(&t, C, RST, CISN + 5, 0, 0, 0, 55), TV_ST_ESTABLISHED,
	    TV_ST_ESTABLISHED, 0, 0, TV_NOTE_BAD_RST);
	assert_int_equal(t.closed, 0);
	assert_int_equal(tv_tcp_ended(&t), 0);
	/* data goes on, then an RST in the window ends it */
	STEP(seg(&t, C, PA, CISN + 11, SISN + 1, 5, W, 60), TV_ST_ESTABLISHED,
	    TV_ST_ESTABLISHED, 0, 0, 0);
	seg(&t, S, ACK, SISN + 1, CISN + 16, 0, W, 70);
	STEP(seg(&t, C, RST, CISN + 16, 0, 0, 0, 80), TV_ST_CLOSED, TV_ST_CLOSED,
	    CHG_BOTH, CLOSED, 0);
	outcomes(&t, TV_OPEN_THREE_WAY, TV_CLOSE_RESET, -1, -1, 0);
	/* one in the window but not at RCV.NXT: RFC 5961 would challenge it;
	 * the capture may have missed bytes, so it is taken */
	handshake(&t);
	STEP(seg(&t, S, RST, SISN + 100, 0, 0, 0, 30), TV_ST_CLOSED,
	    TV_ST_CLOSED, CHG_BOTH, CLOSED, 0);
}

/* Zeek's UpdateEstablishedState(): the peer's FIN after a FIN and an RST
 * returns the first to CLOSED: SF, not RSTO */
static void
test_zeek_fin_after_rst(void **state)
{
	struct tv_tcp t;

	(void)state;
	handshake(&t);
	seg(&t, C, FA, CISN + 1, SISN + 1, 0, W, 30);
	seg(&t, C, RA, CISN + 2, SISN + 1, 0, W, 40);
	ZEEK("RSTO");
	seg(&t, S, ACK, SISN + 1, CISN + 2, 0, W, 50);
	seg(&t, S, FA, SISN + 1, CISN + 2, 0, W, 60);
	ZEEK("SF");
	HIST("ShAFRaf");
}

/* Zeek's G/g: an ACK covering bytes never seen, while both are
 * established; each gap once */
static void
test_zeek_gap(void **state)
{
	struct tv_tcp t;

	(void)state;
	handshake(&t);
	seg(&t, S, ACK, SISN + 1, CISN + 101, 0, W, 30);
	HIST("ShAaG");
	seg(&t, S, ACK, SISN + 1, CISN + 101, 0, W, 40);
	seg(&t, C, PA, CISN + 101, SISN + 1, 10, W, 50);
	seg(&t, S, ACK, SISN + 1, CISN + 111, 0, W, 60);
	HIST("ShAaGD");		/* the hole was reported already */
	seg(&t, C, ACK, CISN + 111, SISN + 51, 0, W, 70);
	HIST("ShAaGDg");
	/* not midstream: Zeek's endpoints are partial there, not clean */
	first(&t, 0, PA, CISN, SISN, 10, W, 0);
	seg(&t, S, ACK, SISN, CISN + 100, 0, W, 10);
	HIST("Da");
}

/* Zeek's ValidateChecksum(): a bad segment is not taken in, only C/c,
 * at the 1st, 10th, 100th ... */
static void
test_bad_cksum_not_used(void **state)
{
	struct tv_tcp t;
	struct tv_pkt p;
	struct tv_tcp_pkt o;
	int i;

	(void)state;
	handshake(&t);
	p = mkpkt(PA, CISN + 1, SISN + 1, 10, W, 30);
	p.ck_l4 = TV_CK_INCORRECT;
	for (i = 0; i < 10; i++) {
		tv_tcp_packet(&t, &p, C, &o);
		assert_int_equal(o.notes, TV_NOTE_BAD_CKSUM);
		assert_int_equal(o.changed, 0);
	}
	assert_int_equal(t.q[0].payload, 0);
	HIST("ShACC");
	/* the FIN with a bad checksum closes nothing */
	p = mkpkt(FA, CISN + 1, SISN + 1, 0, W, 40);
	p.ck_l4 = TV_CK_INCORRECT;
	tv_tcp_packet(&t, &p, C, &o);
	assert_int_equal(t.state[0], TV_ST_ESTABLISHED);
	assert_int_equal(tv_tcp_ended(&t), 0);
}

/* One direction captured: the ACKs prove the other side's packets */
static void
test_one_direction(void **state)
{
	struct tv_tcp t;

	(void)state;
	/* the client's packets only: its ACK proves the SYN-ACK */
	first(&t, 0, SYN, CISN, 0, 0, W, 0);
	STEP(seg(&t, C, ACK, CISN + 1, SISN + 1, 0, W, 20), TV_ST_ESTABLISHED,
	    TV_ST_ESTABLISHED, CHG_BOTH, OPENED, 0);
	assert_int_equal(t.uncaptured, S);
	seg(&t, C, PA, CISN + 1, SISN + 1, 6000, W, 30);
	seg(&t, C, FA, CISN + 6001, SISN + 1, 0, W, 40);
	outcomes(&t, TV_OPEN_THREE_WAY, TV_CLOSE_OPEN, C, -1, 0);
	assert_int_equal(tv_tcp_handshake_rtt_us(&t), -1);
	/* the server's only: its data proves the handshake's ACK ... */
	first(&t, 1, SA, SISN, CISN + 1, 0, W, 0);
	seg(&t, S, ACK, SISN + 1, CISN + 1, 0, W, 10);
	assert_int_equal(t.uncaptured, -1);
	STEP(seg(&t, S, PA, SISN + 1, CISN + 1, 100, W, 20),
	    TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, CHG_S, OPENED, 0);
	assert_int_equal(t.uncaptured, C);
	outcomes(&t, TV_OPEN_THREE_WAY, TV_CLOSE_OPEN, -1, -1, 0);
	/* ... and so does its ACK of the client's data */
	first(&t, 1, SA, SISN, CISN + 1, 0, W, 0);
	STEP(seg(&t, S, ACK, SISN + 1, CISN + 6001, 0, W, 10),
	    TV_ST_ESTABLISHED, TV_ST_ESTABLISHED, CHG_S, OPENED, 0);
	assert_int_equal(t.uncaptured, C);
	/* a FIN does not: SYN-RECEIVED may close (SHR, half-open) */
	first(&t, 1, SA, SISN, CISN + 1, 0, W, 0);
	seg(&t, S, FA, SISN + 1, CISN + 1, 0, W, 10);
	assert_int_equal(t.uncaptured, -1);
	/* both captured: no inference */
	first(&t, 0, SYN, CISN, 0, 0, W, 0);
	seg(&t, S, SA, SISN, CISN + 1, 0, W, 10);
	seg(&t, C, ACK, CISN + 1, SISN + 1, 0, W, 20);
	assert_int_equal(t.uncaptured, -1);
	/* unanswered stays unanswered: no ACK from the client */
	first(&t, 0, SYN, CISN, 0, 0, W, 0);
	seg(&t, C, SYN, CISN, 0, 0, W, SEC);
	outcomes(&t, TV_OPEN_UNANSWERED, TV_CLOSE_OPEN, -1, -1, 0);
}

/* Zeek's UDP analyzer: D/d for a side's first datagram whatever its
 * length, in arrival order; a bad checksum only C/c */
static void
test_udp_history(void **state)
{
	struct tv_tcp t;
	struct tv_pkt p;
	struct tv_tcp_pkt o;

	(void)state;
	memset(&t, 0, sizeof(t));
	p = mkpkt(0, 0, 0, 0, 0, 0);
	p.proto = 17;
	tv_udp_packet(&t, &p, S, &o);
	tv_udp_packet(&t, &p, C, &o);
	tv_udp_packet(&t, &p, C, &o);
	HIST("dD");
	memset(&t, 0, sizeof(t));
	p.ck_l4 = TV_CK_INCORRECT;
	tv_udp_packet(&t, &p, C, &o);
	assert_int_equal(o.notes, TV_NOTE_BAD_CKSUM);
	p.ck_l4 = TV_CK_CORRECT;
	p.len = 5;
	tv_udp_packet(&t, &p, C, &o);
	assert_int_equal(o.notes, 0);
	HIST("CD");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_three_way_open_four_way_close),
		cmocka_unit_test(test_four_way_close_by_server),
		cmocka_unit_test(test_three_way_close),
		cmocka_unit_test(test_simultaneous_close),
		cmocka_unit_test(test_simultaneous_open),
		cmocka_unit_test(test_simultaneous_open_reset),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_syn_retries_saturate),
		cmocka_unit_test(test_syn_after_rst_not_retry),
		cmocka_unit_test(test_counters_saturate),
		cmocka_unit_test(test_unanswered_retries),
		cmocka_unit_test(test_rtt_includes_retries),
		cmocka_unit_test(test_syn_new_isn),
		cmocka_unit_test(test_half_open_reset),
		cmocka_unit_test(test_half_open_silent),
		cmocka_unit_test(test_midstream),
		cmocka_unit_test(test_close_from_syn_received),
		cmocka_unit_test(test_reset_by_client),
		cmocka_unit_test(test_reset_by_server),
		cmocka_unit_test(test_reset_in_close_wait),
		cmocka_unit_test(test_syn_then_client_reset),
		cmocka_unit_test(test_synack_then_server_reset),
		cmocka_unit_test(test_flipped_three_way),
		cmocka_unit_test(test_flipped_synack_fin),
		cmocka_unit_test(test_flipped_synack_rst),
		cmocka_unit_test(test_zeek_sh),
		cmocka_unit_test(test_zeek_s2_s3),
		cmocka_unit_test(test_rst_after_fin_exchange),
		cmocka_unit_test(test_zeek_both_reset),
		cmocka_unit_test(test_wrap_data_across_zero),
		cmocka_unit_test(test_wrap_fin_at_top),
		cmocka_unit_test(test_wrap_keepalive_and_reorder),
		cmocka_unit_test(test_retransmission),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_dup_acks),
		cmocka_unit_test(test_fast_retransmission),
		cmocka_unit_test(test_spurious_retransmission),
		cmocka_unit_test(test_acked_unseen),
		cmocka_unit_test(test_out_of_order_threshold),
		cmocka_unit_test(test_zero_window),
		cmocka_unit_test(test_keepalive),
		cmocka_unit_test(test_rst_with_data),
		cmocka_unit_test(test_after_close),
		cmocka_unit_test(test_syn_with_payload),
		cmocka_unit_test(test_half_close),
		cmocka_unit_test(test_history_t_logarithmic),
		cmocka_unit_test(test_history_multi_flag),
		cmocka_unit_test(test_history_fin_with_data),
		cmocka_unit_test(test_udp_conn_state),
		cmocka_unit_test(test_rtt_from_time_zero),
		cmocka_unit_test(test_rst_syn_sent_acceptability),
		cmocka_unit_test(test_rst_window),
		cmocka_unit_test(test_zeek_fin_after_rst),
		cmocka_unit_test(test_zeek_gap),
		cmocka_unit_test(test_bad_cksum_not_used),
		cmocka_unit_test(test_one_direction),
		cmocka_unit_test(test_udp_history),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
