/* \summary: unit tests for --compare's metrics: real tracker connections through tv_flow_add, then tv_cmp_acc_packet and tv_cmp_metrics (tv_cmp) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "tv_cmp.h"
#include "tv_flow.h"
#include "tv_pair.h"
#include "pktbuild.h"

/*
 * Each test builds frames by hand (Ethernet, IPv4, TCP or UDP: a TCP
 * frame is 54 bytes and its payload, a UDP one 42 and its payload),
 * decodes them, hands them to a real connection table and then to the
 * metrics, as --compare does; times are microseconds after T0.
 */
#define T0 1700000000LL
#define US 1000LL		/* ns */
#define MS 1000000LL		/* ns */
#define TCP_HDRS 54
#define UDP_HDRS 42

#define SYN TV_TH_SYN
#define ACK TV_TH_ACK
#define FIN TV_TH_FIN
#define PA (TV_TH_PSH | TV_TH_ACK)
#define FA (TV_TH_FIN | TV_TH_ACK)
#define SA (TV_TH_SYN | TV_TH_ACK)

#define C 0			/* from the client */
#define S 1			/* from the server */
#define CISN 1000u
#define SISN 5000u

struct run {
	struct tv_flow *f;
	struct tv_conn *c;	/* the connection of the last packet */
	struct tv_cmp_acc a;
	struct tv_cmp_metrics m;
	uint64_t n;
	uint8_t seen, lost;	/* the lab: set on the next packets */
};

static void
run_new(struct run *r)
{
	struct tv_flow_cfg cfg;

	memset(r, 0, sizeof(*r));
	memset(&cfg, 0, sizeof(cfg));
	cfg.linger_ns = 3600 * 1000000000ULL;	/* handed out only at the end */
	r->f = tv_flow_new(&cfg);
	assert_non_null(r->f);
}

static void
run_end(struct run *r)
{
	assert_non_null(r->c);
	tv_cmp_metrics(&r->a, r->c, &r->m);
	tv_flow_free(r->f);
}

/* The Ethernet frame of an l4 segment (in buf) from the client (127.0.0.1)
 * or the server (127.0.0.2), decoded, tracked and accounted at `us`;
 * returns the tracker's notes of it. */
static uint16_t
deliver(struct run *r, uint8_t *buf, size_t l4len, uint8_t proto, int from,
    int64_t us)
{
	const uint8_t *src = from == C ? pb_lo4_a : pb_lo4_b;
	const uint8_t *dst = from == C ? pb_lo4_b : pb_lo4_a;
	size_t len = pb_ipv4(buf, proto, src, dst, buf, l4len);
	struct tv_pkt p;
	enum tv_side side;

	len = pb_eth(buf, buf, len);
	assert_int_equal(tv_decode(TV_LINK_ETHERNET, buf, (uint32_t)len,
	    (uint32_t)len, &p), 0);
	p.n = ++r->n;
	p.ts_sec = T0 + us / 1000000;
	p.ts_nsec = (uint32_t)(us % 1000000) * 1000u;
	p.seen = r->seen;
	p.lost = r->lost;
	r->c = tv_flow_add(r->f, &p, &side);
	assert_non_null(r->c);
	assert_int_equal(side, from);
	tv_cmp_acc_packet(&r->a, r->c, &p, side);
	return r->c->last.notes;
}

static uint16_t
tcp(struct run *r, int from, uint8_t flags, uint32_t seq, uint32_t ack,
    size_t paylen, int64_t us)
{
	uint8_t buf[PB_MAX];
	size_t n;

	n = from == C ? pb_tcp(buf, 40000, 80, seq, ack, flags, 65535, NULL, 0, paylen) :
	    pb_tcp(buf, 80, 40000, seq, ack, flags, 65535, NULL, 0, paylen);
	return deliver(r, buf, n, 6, from, us);
}

/* A datagram of paylen bytes whose first byte is `tag` (the rest as
 * pb_udp fills it): the same tag and length, the same payload. */
static void
udp(struct run *r, int from, size_t paylen, uint8_t tag, int64_t us)
{
	uint8_t buf[PB_MAX];
	size_t n;

	n = from == C ? pb_udp(buf, 5000, 53, paylen) : pb_udp(buf, 53, 5000, paylen);
	if (paylen > 0)
		buf[8] = tag;
	deliver(r, buf, n, 17, from, us);
}

/* SYN at 0, SYN-ACK at 100 us, ACK at 200 us (the iRTT: 200 us). */
static void
handshake(struct run *r, uint32_t cisn)
{
	assert_int_equal(tcp(r, C, SYN, cisn, 0, 0, 0), 0);
	assert_int_equal(tcp(r, S, SA, SISN, cisn + 1, 0, 100), 0);
	assert_int_equal(tcp(r, C, ACK, cisn + 1, SISN + 1, 0, 200), 0);
}

/* ---- tests ---- */

static void
test_how_names(void **state)
{
	(void)state;
	assert_string_equal(tv_cmp_how_names[TV_CMP_NOT_KNOWN], "not known");
	assert_string_equal(tv_cmp_how_names[TV_CMP_BOTH_ENDS], "both ends");
	assert_string_equal(tv_cmp_how_names[TV_CMP_INFERRED], "inferred");
}

/*
 * Handshake, 100 bytes up at 1 ms, 300 down at 1.5 ms, a four-way close
 * from 2 ms to 2.3 ms.  Client: SYN ACK PA ACK FA ACK, 6 * 54 + 100 = 424
 * bytes; server: SA ACK PA ACK FA, 5 * 54 + 300 = 570.  Overhead
 * (994 - 400) / 994 = 597 per mille; goodput 400 * 8 / 2.3 ms = 1391304 b/s.
 */
static void
test_tcp_clean(void **state)
{
	struct run r;
	const struct tv_cmp_metrics *m = &r.m;

	(void)state;
	run_new(&r);
	handshake(&r, CISN);
	assert_int_equal(tcp(&r, C, PA, CISN + 1, SISN + 1, 100, 1000), 0);
	assert_int_equal(tcp(&r, S, ACK, SISN + 1, CISN + 101, 0, 1100), 0);
	assert_int_equal(tcp(&r, S, PA, SISN + 1, CISN + 101, 300, 1500), 0);
	assert_int_equal(tcp(&r, C, ACK, CISN + 101, SISN + 301, 0, 1600), 0);
	assert_int_equal(tcp(&r, C, FA, CISN + 101, SISN + 301, 0, 2000), 0);
	assert_int_equal(tcp(&r, S, ACK, SISN + 301, CISN + 102, 0, 2100), 0);
	assert_int_equal(tcp(&r, S, FA, SISN + 301, CISN + 102, 0, 2200), 0);
	assert_int_equal(tcp(&r, C, ACK, CISN + 102, SISN + 302, 0, 2300), 0);
	assert_true(r.c->closed);
	run_end(&r);

	assert_int_equal(m->proto, 6);
	assert_int_equal(m->pkts[C], 6);
	assert_int_equal(m->pkts[S], 5);
	assert_int_equal(m->wire[C], 424);
	assert_int_equal(m->wire[S], 570);
	assert_int_equal(m->payload[C], 100);
	assert_int_equal(m->payload[S], 300);
	assert_int_equal(m->pay_delivered_how, TV_CMP_INFERRED);
	assert_int_equal(m->pay_delivered[C], 100);	/* acked: 1102 - 1001 covers the FIN too: at most the payload */
	assert_int_equal(m->pay_delivered[S], 300);
	assert_int_equal(r.a.paywire[C], 100);
	assert_int_equal(r.a.paywire[S], 300);
	assert_int_equal(m->overhead_pm, 597);
	assert_int_equal(m->setup_pkts, 3);
	assert_int_equal(m->setup_ns, 1000 * US);
	assert_int_equal(r.a.pay_side, C);
	assert_int_equal(m->resp_ns, 500 * US);
	assert_int_equal(m->close_pkts, 4);
	assert_int_equal(r.a.close_ns - r.a.first_ns, 2000 * US);
	assert_int_equal(m->sent[C], 1);
	assert_int_equal(m->sent[S], 1);
	assert_int_equal(m->delivered_how, TV_CMP_INFERRED);
	assert_int_equal(m->delivered[C], 1);
	assert_int_equal(m->delivered[S], 1);
	assert_int_equal(m->lost[C] + m->lost[S], 0);
	assert_int_equal(m->dup[C] + m->dup[S], 0);
	assert_int_equal(m->reord_how, TV_CMP_INFERRED);
	assert_int_equal(m->reord[C] + m->reord[S], 0);
	assert_int_equal(m->retrans[C] + m->retrans[S], 0);
	assert_int_equal(m->recovery_ns, 0);
	assert_int_equal(m->duration_ns, 2300 * US);
	assert_int_equal(m->goodput_bps, 1391304);
}

/* The 100 bytes at 1 ms sent again at 201 ms: one retransmission, 200 ms
 * of recovery; inferred, one of the two transmissions lost. */
static void
test_tcp_retransmission(void **state)
{
	struct run r;
	const struct tv_cmp_metrics *m = &r.m;

	(void)state;
	run_new(&r);
	handshake(&r, CISN);
	assert_int_equal(tcp(&r, C, PA, CISN + 1, SISN + 1, 100, 1000), 0);
	assert_int_equal(tcp(&r, C, PA, CISN + 1, SISN + 1, 100, 201000),
	    TV_NOTE_RETRANS);
	assert_int_equal(tcp(&r, S, ACK, SISN + 1, CISN + 101, 0, 201100), 0);
	run_end(&r);

	assert_int_equal(m->sent[C], 2);
	assert_int_equal(m->retrans[C], 1);
	assert_int_equal(m->retrans[S], 0);
	assert_int_equal(m->recovery_ns, 200 * MS);
	assert_int_equal(m->delivered_how, TV_CMP_INFERRED);
	assert_int_equal(m->lost[C], 1);
	assert_int_equal(m->delivered[C], 1);
	assert_int_equal(m->dup[C], 0);
	assert_int_equal(r.a.paywire[C], 200);	/* sent again: twice on the wire */
	assert_int_equal(m->payload[C], 100);	/* ... once delivered */
	assert_int_equal(m->pay_delivered[C], 100);	/* the server's ACK covers it */
	assert_int_equal(m->pay_delivered[S], 0);
	assert_int_equal(m->resp_ns, -1);	/* the server sent no data */
	assert_int_equal(m->close_pkts, 0);
	/* 6 frames of 54 and 200 payload bytes: (524 - 100) / 524 */
	assert_int_equal(m->overhead_pm, 809);
}

/*
 * A segment sent three times (at 300, 500 and 900 ms) counts its recovery
 * once, from its first sending to its last resending (600 ms, not 200 +
 * 600); with the first segment's 200 ms: 800 ms.
 */
static void
test_tcp_resent_twice(void **state)
{
	struct run r;
	const struct tv_cmp_metrics *m = &r.m;

	(void)state;
	run_new(&r);
	handshake(&r, CISN);
	assert_int_equal(tcp(&r, C, PA, CISN + 1, SISN + 1, 100, 1000), 0);
	assert_int_equal(tcp(&r, C, PA, CISN + 1, SISN + 1, 100, 201000),
	    TV_NOTE_RETRANS);
	assert_int_equal(tcp(&r, S, ACK, SISN + 1, CISN + 101, 0, 201100), 0);
	assert_int_equal(tcp(&r, C, PA, CISN + 101, SISN + 1, 50, 300000), 0);
	assert_int_equal(tcp(&r, C, PA, CISN + 101, SISN + 1, 50, 500000),
	    TV_NOTE_RETRANS);
	assert_int_equal(tcp(&r, C, PA, CISN + 101, SISN + 1, 50, 900000),
	    TV_NOTE_RETRANS);
	run_end(&r);

	assert_int_equal(m->sent[C], 5);
	assert_int_equal(m->retrans[C], 3);
	assert_int_equal(m->recovery_ns, 800 * MS);
	assert_int_equal(m->lost[C], 3);
	assert_int_equal(m->delivered[C], 2);
}

/*
 * Sequence numbers through 2^32: 100 bytes from 0xffffffc1 (up to 0x25)
 * at 1 ms; 20 of them sent again from 0x10 at 301 ms: the first sending
 * is found across the wrap, 300 ms of recovery.
 */
static void
test_tcp_recovery_wraps(void **state)
{
	struct run r;
	const uint32_t isn = 0xffffffc0u;

	(void)state;
	run_new(&r);
	handshake(&r, isn);
	assert_int_equal(tcp(&r, C, PA, isn + 1, SISN + 1, 100, 1000), 0);
	assert_int_equal(tcp(&r, C, PA, 0x10, SISN + 1, 20, 301000),
	    TV_NOTE_RETRANS);
	run_end(&r);
	assert_int_equal(r.m.retrans[C], 1);
	assert_int_equal(r.m.recovery_ns, 300 * MS);
}

/*
 * Each side remembers its last TV_CMP_RING first sendings: after 33
 * segments of 10 bytes (one a millisecond from 1 ms), the first is
 * forgotten (sent again: a retransmission without recovery time), the
 * second is not (sent again at 500 ms: 498 ms).
 */
static void
test_tcp_ring_forgets(void **state)
{
	struct run r;
	uint32_t i;

	(void)state;
	run_new(&r);
	handshake(&r, CISN);
	for (i = 0; i <= TV_CMP_RING; i++)
		assert_int_equal(tcp(&r, C, PA, CISN + 1 + 10 * i, SISN + 1, 10,
		    1000 + 1000 * (int64_t)i), 0);
	assert_int_equal(r.a.tx_n[C], TV_CMP_RING);
	assert_int_equal(tcp(&r, C, PA, CISN + 1, SISN + 1, 10, 400000),
	    TV_NOTE_RETRANS);
	assert_int_equal(r.a.recovery_ns[C], 0);
	assert_int_equal(tcp(&r, C, PA, CISN + 11, SISN + 1, 10, 500000),
	    TV_NOTE_RETRANS);
	run_end(&r);
	assert_int_equal(r.m.retrans[C], 2);
	assert_int_equal(r.m.recovery_ns, 498 * MS);
}

/* Data the server had acknowledged, sent again at 200 ms: spurious (a
 * duplicate), so nothing lost, both transmissions delivered; still a
 * segment sent again: 199 ms of recovery. */
static void
test_tcp_spurious(void **state)
{
	struct run r;
	const struct tv_cmp_metrics *m = &r.m;

	(void)state;
	run_new(&r);
	handshake(&r, CISN);
	assert_int_equal(tcp(&r, C, PA, CISN + 1, SISN + 1, 100, 1000), 0);
	assert_int_equal(tcp(&r, S, ACK, SISN + 1, CISN + 101, 0, 1100), 0);
	assert_int_equal(tcp(&r, C, PA, CISN + 1, SISN + 1, 100, 200000),
	    TV_NOTE_RETRANS | TV_NOTE_SPURIOUS);
	run_end(&r);

	assert_int_equal(m->sent[C], 2);
	assert_int_equal(m->retrans[C], 1);
	assert_int_equal(m->dup[C], 1);
	assert_int_equal(m->lost[C], 0);
	assert_int_equal(m->delivered[C], 2);
	assert_int_equal(m->recovery_ns, 199 * MS);
}

/* 101..200 comes 150 us after 201..300, within the iRTT (200 us) of
 * the highest segment: out of order, not sent again. */
static void
test_tcp_out_of_order(void **state)
{
	struct run r;
	const struct tv_cmp_metrics *m = &r.m;

	(void)state;
	run_new(&r);
	handshake(&r, CISN);
	assert_int_equal(tcp(&r, C, PA, CISN + 1, SISN + 1, 100, 1000), 0);
	assert_int_equal(tcp(&r, C, PA, CISN + 201, SISN + 1, 100, 1100),
	    TV_NOTE_LOST_SEGMENT);
	assert_int_equal(tcp(&r, C, PA, CISN + 101, SISN + 1, 100, 1250),
	    TV_NOTE_OUT_OF_ORDER);
	run_end(&r);

	assert_int_equal(m->reord_how, TV_CMP_INFERRED);
	assert_int_equal(m->reord[C], 1);
	assert_int_equal(m->reord[S], 0);
	assert_int_equal(m->retrans[C], 0);
	assert_int_equal(m->sent[C], 3);
	assert_int_equal(m->lost[C], 0);
	assert_int_equal(m->delivered[C], 3);
	assert_int_equal(m->recovery_ns, 0);
	assert_int_equal(m->payload[C], 300);
}

/* An answer at the very start of the epoch is an answer all the same */
static void
test_answer_at_epoch(void **state)
{
	struct run r;
	const struct tv_cmp_metrics *m = &r.m;

	(void)state;
	run_new(&r);
	udp(&r, C, 4, 1, -T0 * 1000000);
	udp(&r, S, 4, 2, -T0 * 1000000);
	assert_int_equal(r.c->first_sec, 0);	/* (r.c is gone after run_end) */
	run_end(&r);
	assert_int_equal(m->resp_ns, 0);
	assert_int_equal(m->setup_ns, 0);
}

/*
 * Ten datagrams of 20 bytes up, every 10 ms, the fourth again at 95 ms;
 * one of 40 down at 1 ms.  Client 11 * 62 = 682 bytes, server 82;
 * payload 220 + 40: overhead (764 - 260) / 764 = 659 per mille; goodput
 * 260 * 8 / 95 ms = 21894 b/s.  Delivery is not known from one capture.
 */
static void
test_udp_duplicate(void **state)
{
	struct run r;
	const struct tv_cmp_metrics *m = &r.m;
	int i;

	(void)state;
	run_new(&r);
	for (i = 0; i < 10; i++) {
		udp(&r, C, 20, (uint8_t)i, i * 10000);
		if (i == 0)
			udp(&r, S, 40, 0, 1000);
	}
	udp(&r, C, 20, 3, 95000);
	run_end(&r);

	assert_int_equal(m->proto, 17);
	assert_int_equal(m->pkts[C], 11);
	assert_int_equal(m->pkts[S], 1);
	assert_int_equal(m->wire[C], 11 * (UDP_HDRS + 20));
	assert_int_equal(m->wire[S], UDP_HDRS + 40);
	assert_int_equal(m->payload[C], 220);
	assert_int_equal(m->payload[S], 40);
	assert_int_equal(m->overhead_pm, 659);
	assert_int_equal(m->sent[C], 11);
	assert_int_equal(m->sent[S], 1);
	assert_int_equal(m->dup[C], 1);
	assert_int_equal(m->dup[S], 0);
	assert_int_equal(m->delivered_how, TV_CMP_NOT_KNOWN);
	assert_int_equal(m->delivered[C] + m->delivered[S], 0);
	assert_int_equal(m->pay_delivered_how, TV_CMP_NOT_KNOWN);
	assert_int_equal(m->pay_delivered[C] + m->pay_delivered[S], 0);
	assert_int_equal(m->lost[C] + m->lost[S], 0);
	assert_int_equal(m->reord_how, TV_CMP_NOT_KNOWN);
	assert_int_equal(m->retrans[C] + m->reord[C], 0);
	assert_int_equal(m->setup_pkts, 0);
	assert_int_equal(m->setup_ns, 0);
	assert_int_equal(m->resp_ns, 1 * MS);
	assert_int_equal(m->close_pkts, 0);
	assert_int_equal(m->duration_ns, 95 * MS);
	assert_int_equal(m->goodput_bps, 21894);
}

/* A datagram is a duplicate only of the side's last TV_CMP_DGRAMS: after
 * 17 the second is one, the first is not; the same bytes from the other
 * side are not either, nor the same first bytes at another length. */
static void
test_udp_dup_window(void **state)
{
	static const struct { int from; size_t len; uint8_t tag; int dup; } step[] = {
		{ C, 20, 1, 1 },		/* the oldest remembered */
		{ C, 20, TV_CMP_DGRAMS - 1, 1 },	/* one in the middle */
		{ C, 20, 0, 0 },		/* forgotten */
		{ S, 20, TV_CMP_DGRAMS, 0 },	/* the other side's */
		{ C, 21, TV_CMP_DGRAMS, 0 },	/* another length */
		{ C, 20, TV_CMP_DGRAMS, 1 },	/* the newest */
		{ C, 20, 0, 1 },		/* remembered again since */
	};
	struct run r;
	uint64_t dups = 0;
	size_t k;
	int i;

	(void)state;
	run_new(&r);
	for (i = 0; i <= TV_CMP_DGRAMS; i++)
		udp(&r, C, 20, (uint8_t)i, i * 1000);
	assert_int_equal(r.a.dup[C], 0);
	for (k = 0; k < sizeof(step) / sizeof(step[0]); k++) {
		udp(&r, step[k].from, step[k].len, step[k].tag,
		    100000 + 1000 * (int64_t)k);
		dups += (uint64_t)step[k].dup;
		assert_int_equal(r.a.dup[C] + r.a.dup[S], dups);
	}
	run_end(&r);
	assert_int_equal(r.m.dup[C], 4);
	assert_int_equal(r.m.dup[S], 0);
	assert_int_equal(r.m.sent[C], TV_CMP_DGRAMS + 7);
}

/*
 * The lab, UDP: five datagrams up (the second lost on the wire, the
 * fourth seen only at the server: the client's capture missed it), an
 * empty one lost (no message), two down (the second lost).  Delivered:
 * sent less those the receiving end did not see.
 */
static void
test_lab_udp(void **state)
{
	struct run r;
	const struct tv_cmp_metrics *m = &r.m;
	const uint8_t both = TV_PAIR_SEEN_CLIENT | TV_PAIR_SEEN_SERVER;

	(void)state;
	run_new(&r);
	r.seen = both;
	udp(&r, C, 10, 0, 0);
	r.seen = TV_PAIR_SEEN_CLIENT, r.lost = 1;
	udp(&r, C, 10, 1, 1000);
	udp(&r, C, 0, 0, 1500);
	r.seen = both, r.lost = 0;
	udp(&r, C, 10, 2, 2000);
	r.seen = TV_PAIR_SEEN_SERVER;
	udp(&r, C, 10, 3, 3000);
	r.seen = both;
	udp(&r, C, 10, 4, 4000);
	udp(&r, S, 10, 0, 5000);
	r.seen = TV_PAIR_SEEN_SERVER, r.lost = 1;
	udp(&r, S, 10, 1, 6000);
	run_end(&r);

	assert_int_equal(r.a.two_ends, 1);
	assert_int_equal(m->pkts[C], 6);
	assert_int_equal(m->sent[C], 5);
	assert_int_equal(m->sent[S], 2);
	assert_int_equal(m->delivered_how, TV_CMP_BOTH_ENDS);
	assert_int_equal(m->lost[C], 1);
	assert_int_equal(m->delivered[C], 4);
	assert_int_equal(m->lost[S], 1);
	assert_int_equal(m->delivered[S], 1);
	/* payload: the client's 50 bytes less the 10 the server's end never
	 * saw; the server's 20 less its 10 the client's end never saw */
	assert_int_equal(m->pay_delivered_how, TV_CMP_BOTH_ENDS);
	assert_int_equal(m->pay_delivered[C], 40);
	assert_int_equal(m->pay_delivered[S], 10);
	assert_int_equal(m->reord_how, TV_CMP_NOT_KNOWN);
	assert_int_equal(m->dup[C] + m->dup[S], 0);
}

/* The server acknowledges 60 of the client's 100 bytes, then the capture
 * ends: 60 delivered as far as the ACKs show; a FIN not acknowledged is
 * no byte either way. */
static void
test_tcp_partly_acked(void **state)
{
	struct run r;
	const struct tv_cmp_metrics *m = &r.m;

	(void)state;
	run_new(&r);
	handshake(&r, CISN);
	tcp(&r, C, PA, CISN + 1, SISN + 1, 100, 1000);
	tcp(&r, S, ACK, SISN + 1, CISN + 61, 0, 1100);
	tcp(&r, C, FA, CISN + 101, SISN + 1, 0, 1200);
	run_end(&r);
	assert_int_equal(m->payload[C], 100);
	assert_int_equal(m->pay_delivered_how, TV_CMP_INFERRED);
	assert_int_equal(m->pay_delivered[C], 60);
	assert_int_equal(m->pay_delivered[S], 0);
}

/*
 * The lab, TCP: the data segment lost on the wire, sent again at 201 ms
 * and seen at both ends.  Delivery comes from the ends, not from the
 * sequence numbers; the retransmission and its recovery are counted all
 * the same.
 */
static void
test_lab_tcp(void **state)
{
	struct run r;
	const struct tv_cmp_metrics *m = &r.m;
	const uint8_t both = TV_PAIR_SEEN_CLIENT | TV_PAIR_SEEN_SERVER;

	(void)state;
	run_new(&r);
	r.seen = both;
	handshake(&r, CISN);
	r.seen = TV_PAIR_SEEN_CLIENT, r.lost = 1;
	assert_int_equal(tcp(&r, C, PA, CISN + 1, SISN + 1, 100, 1000), 0);
	r.seen = both, r.lost = 0;
	assert_int_equal(tcp(&r, C, PA, CISN + 1, SISN + 1, 100, 201000),
	    TV_NOTE_RETRANS);
	assert_int_equal(tcp(&r, S, PA, SISN + 1, CISN + 101, 10, 201100), 0);
	run_end(&r);

	assert_int_equal(m->delivered_how, TV_CMP_BOTH_ENDS);
	assert_int_equal(m->sent[C], 2);
	assert_int_equal(m->lost[C], 1);
	assert_int_equal(m->delivered[C], 1);
	assert_int_equal(m->sent[S], 1);
	assert_int_equal(m->delivered[S], 1);
	assert_int_equal(m->lost[S], 0);
	assert_int_equal(m->retrans[C], 1);
	assert_int_equal(m->recovery_ns, 200 * MS);
	assert_int_equal(m->reord_how, TV_CMP_INFERRED);
	assert_int_equal(m->resp_ns, 200100 * US);
}

/* Nothing at all, a packet of neither protocol, and a lone SYN: no
 * division by zero, no message, no time. */
static void
test_empty(void **state)
{
	struct tv_cmp_acc a;
	struct tv_cmp_metrics m;
	struct tv_conn c;
	struct tv_pkt p;
	struct run r;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&c, 0, sizeof(c));
	c.proto = 17;
	memset(&p, 0, sizeof(p));
	p.proto = 1;
	p.len = 64;
	p.wirelen = 98;
	p.ts_sec = T0;
	tv_cmp_acc_packet(&a, &c, &p, TV_CLIENT);	/* not TCP or UDP: ignored */
	assert_int_equal(a.pkts[0] + a.wire[0] + a.msgs[0], 0);
	assert_int_equal(a.started, 0);
	tv_cmp_metrics(&a, &c, &m);
	assert_int_equal(m.pkts[0] + m.pkts[1], 0);
	assert_int_equal(m.overhead_pm, 0);
	assert_int_equal(m.setup_ns, -1);
	assert_int_equal(m.resp_ns, -1);
	assert_int_equal(m.duration_ns, 0);
	assert_int_equal(m.goodput_bps, 0);
	assert_int_equal(m.delivered_how, TV_CMP_NOT_KNOWN);

	run_new(&r);
	assert_int_equal(tcp(&r, C, SYN, CISN, 0, 0, 0), 0);
	run_end(&r);
	assert_int_equal(r.m.pkts[C], 1);
	assert_int_equal(r.m.wire[C], TCP_HDRS);
	assert_int_equal(r.m.overhead_pm, 1000);
	assert_int_equal(r.m.setup_pkts, 1);
	assert_int_equal(r.m.setup_ns, -1);
	assert_int_equal(r.m.resp_ns, -1);
	assert_int_equal(r.m.duration_ns, 0);
	assert_int_equal(r.m.goodput_bps, 0);
	assert_int_equal(r.m.sent[C], 0);
	assert_int_equal(r.m.delivered[C], 0);
	assert_int_equal(r.m.delivered_how, TV_CMP_INFERRED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_how_names),
		cmocka_unit_test(test_tcp_clean),
		cmocka_unit_test(test_tcp_retransmission),
		cmocka_unit_test(test_tcp_partly_acked),
		cmocka_unit_test(test_tcp_resent_twice),
		cmocka_unit_test(test_tcp_recovery_wraps),
		cmocka_unit_test(test_tcp_ring_forgets),
		cmocka_unit_test(test_tcp_spurious),
		cmocka_unit_test(test_tcp_out_of_order),
		cmocka_unit_test(test_answer_at_epoch),
		cmocka_unit_test(test_udp_duplicate),
		cmocka_unit_test(test_udp_dup_window),
		cmocka_unit_test(test_lab_udp),
		cmocka_unit_test(test_lab_tcp),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
