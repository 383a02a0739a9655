/* \summary: unit tests for the connection table: roles, closing, reuse, eviction, row parts (tv_flow) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "tv_flow.h"

#define NS 1000000000LL
#define LINGER (2 * 1000000000ULL)

/* ---- endpoints (loopback only) ---- */

struct ep {
	struct tv_addr addr;
	uint16_t port;
};

static const struct ep cli = { { 4, { 127, 0, 0, 1 } }, 40000 };
static const struct ep cli2 = { { 4, { 127, 0, 0, 1 } }, 40001 };
static const struct ep srv = { { 4, { 127, 0, 0, 2 } }, 80 };
static const struct ep srv_lo = { { 4, { 127, 0, 0, 1 } }, 80 };
static const struct ep cli6 = { { 6, { [15] = 1 } }, 40000 };
static const struct ep srv6 = { { 6, { [15] = 1 } }, 443 };

/* ---- what the done callback saw ---- */

struct ev {
	uint32_t id;
	enum tv_done why;
	uint64_t nrows;
	uint64_t pkts;		/* both sides */
	uint32_t part;
	uint8_t closed;
	uint64_t first_row_n;	/* frame number of the first stored row, 0 if none */
	int64_t last_sec;
	uint32_t last_nsec;
};

struct rec {
	struct ev ev[64];
	int n;
};

static void
on_done(struct tv_conn *c, enum tv_done why, void *ctx)
{
	struct rec *r = ctx;
	struct ev *e;
	uint64_t rows = 0;
	const struct tv_rowblk *b;

	assert_true(r->n < (int)(sizeof(r->ev) / sizeof(r->ev[0])));
	e = &r->ev[r->n++];
	e->id = c->id;
	e->why = why;
	e->nrows = c->nrows;
	e->pkts = c->pkts[0] + c->pkts[1];
	e->part = c->part;
	e->closed = c->closed;
	e->first_row_n = c->rows ? c->rows->r[0].n : 0;
	e->last_sec = c->last_sec;
	e->last_nsec = c->last_nsec;
	/* the blocks hold exactly nrows rows */
	for (b = c->rows; b != NULL; b = b->next)
		rows += b->n;
	assert_int_equal(rows, c->nrows);
}

static struct tv_flow *
flow_new(struct rec *r, int keep_rows, uint32_t max_conns, uint32_t max_rows)
{
	struct tv_flow_cfg cfg;
	struct tv_flow *f;

	memset(r, 0, sizeof(*r));
	memset(&cfg, 0, sizeof(cfg));
	cfg.keep_rows = keep_rows;
	cfg.linger_ns = LINGER;
	cfg.max_conns = max_conns;
	cfg.max_rows = max_rows;
	cfg.done = on_done;
	cfg.ctx = r;
	f = tv_flow_new(&cfg);
	assert_non_null(f);
	return f;
}

static uint64_t frame_no;

/* A decoded packet from a to b at `ms` milliseconds. */
static struct tv_pkt
mkpkt(uint8_t proto, const struct ep *a, const struct ep *b, uint8_t flags,
    uint32_t seq, uint32_t ack, uint32_t len, int64_t ms)
{
	struct tv_pkt p;

	memset(&p, 0, sizeof(p));
	p.n = ++frame_no;
	p.ts_sec = ms / 1000;
	p.ts_nsec = (uint32_t)(ms % 1000) * 1000000u;
	p.proto = proto;
	p.src = a->addr;
	p.dst = b->addr;
	p.sport = a->port;
	p.dport = b->port;
	p.len = len;
	if (proto == 6) {
		p.seq = seq;
		p.ack = ack;
		p.flags = flags;
		p.win = 1024;
	}
	return p;
}

/* Add a TCP packet; returns its connection, *from the sending side. */
static struct tv_conn *
tcp(struct tv_flow *f, const struct ep *a, const struct ep *b, uint8_t flags,
    uint32_t seq, uint32_t ack, uint32_t len, int64_t ms, enum tv_side *from)
{
	struct tv_pkt p = mkpkt(6, a, b, flags, seq, ack, len, ms);
	enum tv_side dummy;
	struct tv_conn *c = tv_flow_add(f, &p, from ? from : &dummy);

	assert_non_null(c);
	return c;
}

#define SYN TV_TH_SYN
#define ACK TV_TH_ACK
#define FIN TV_TH_FIN
#define RST TV_TH_RST
#define PSH TV_TH_PSH

/* SYN, SYN-ACK, ACK from time ms; returns the connection's id. */
static uint32_t
handshake(struct tv_flow *f, const struct ep *c, const struct ep *s,
    uint32_t cisn, uint32_t sisn, int64_t ms)
{
	uint32_t id = tcp(f, c, s, SYN, cisn, 0, 0, ms, NULL)->id;

	assert_int_equal(tcp(f, s, c, SYN | ACK, sisn, cisn + 1, 0, ms + 1,
	    NULL)->id, id);
	assert_int_equal(tcp(f, c, s, ACK, cisn + 1, sisn + 1, 0, ms + 2,
	    NULL)->id, id);
	return id;
}

/* FIN from the client, ACK, FIN from the server, ACK: closed at ms + 3. */
static struct tv_conn *
close4(struct tv_flow *f, const struct ep *c, const struct ep *s,
    uint32_t cseq, uint32_t sseq, int64_t ms)
{
	struct tv_conn *conn;

	tcp(f, c, s, FIN | ACK, cseq, sseq, 0, ms, NULL);
	conn = tcp(f, s, c, ACK, sseq, cseq + 1, 0, ms + 1, NULL);
	assert_false(conn->closed);
	conn = tcp(f, s, c, FIN | ACK, sseq, cseq + 1, 0, ms + 2, NULL);
	assert_false(conn->closed);
	conn = tcp(f, c, s, ACK, cseq + 1, sseq + 1, 0, ms + 3, NULL);
	assert_true(conn->closed);
	return conn;
}

/* ---- tests ---- */

static void
test_both_directions_one_conn(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	struct tv_flow_stats st;
	struct tv_conn *c1, *c2, *c3;
	enum tv_side from;

	(void)state;
	c1 = tcp(f, &cli, &srv, SYN, 100, 0, 0, 0, &from);
	assert_int_equal(from, TV_CLIENT);
	c2 = tcp(f, &srv, &cli, SYN | ACK, 500, 101, 0, 1, &from);
	assert_int_equal(from, TV_SERVER);
	assert_ptr_equal(c2, c1);
	c3 = tcp(f, &cli, &srv, ACK, 101, 501, 0, 2, &from);
	assert_int_equal(from, TV_CLIENT);
	assert_ptr_equal(c3, c1);
	assert_int_equal(c3->id, 1);
	assert_int_equal(c3->proto, 6);
	assert_int_equal(c3->pkts[TV_CLIENT], 2);
	assert_int_equal(c3->pkts[TV_SERVER], 1);
	tv_flow_get_stats(f, &st);
	assert_int_equal(st.conns, 1);
	assert_int_equal(st.open, 1);
	assert_int_equal(r.n, 0);
	tv_flow_free(f);
}

static void
test_distinct_tuples_distinct_conns(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	struct tv_flow_stats st;
	struct tv_conn *c;
	struct tv_pkt p;
	enum tv_side from;
	uint32_t a, b;

	(void)state;
	/* two client ports on 127.0.0.1 to the same server on 127.0.0.1 */
	a = tcp(f, &cli, &srv_lo, SYN, 100, 0, 0, 0, NULL)->id;
	b = tcp(f, &cli2, &srv_lo, SYN, 200, 0, 0, 1, NULL)->id;
	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
	c = tcp(f, &srv_lo, &cli2, SYN | ACK, 900, 201, 0, 2, &from);
	assert_int_equal(c->id, 2);
	assert_int_equal(from, TV_SERVER);
	c = tcp(f, &srv_lo, &cli, SYN | ACK, 800, 101, 0, 3, &from);
	assert_int_equal(c->id, 1);
	assert_int_equal(c->port[TV_CLIENT], 40000);

	/* the same ports over UDP are another connection */
	p = mkpkt(17, &cli, &srv_lo, 0, 0, 0, 12, 4);
	c = tv_flow_add(f, &p, &from);
	assert_non_null(c);
	assert_int_equal(c->id, 3);
	assert_int_equal(c->proto, 17);
	assert_int_equal(from, TV_CLIENT);
	assert_int_equal(c->bytes[TV_CLIENT], 12);

	/* and the same over IPv6 loopback */
	c = tcp(f, &cli6, &srv6, SYN, 1, 0, 0, 5, NULL);
	assert_int_equal(c->id, 4);
	c = tcp(f, &srv6, &cli6, SYN | ACK, 7, 2, 0, 6, &from);
	assert_int_equal(c->id, 4);
	assert_int_equal(from, TV_SERVER);

	tv_flow_get_stats(f, &st);
	assert_int_equal(st.conns, 4);
	assert_int_equal(st.open, 4);
	assert_int_equal(st.peak, 4);
	tv_flow_free(f);
}

static void
test_client_is_syn_sender(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	struct tv_conn *c;

	(void)state;
	c = tcp(f, &cli, &srv, SYN, 0x1000, 0, 0, 0, NULL);
	assert_memory_equal(&c->addr[TV_CLIENT], &cli.addr, sizeof(cli.addr));
	assert_memory_equal(&c->addr[TV_SERVER], &srv.addr, sizeof(srv.addr));
	assert_int_equal(c->port[TV_CLIENT], cli.port);
	assert_int_equal(c->port[TV_SERVER], srv.port);
	tv_flow_free(f);
}

static void
test_synack_first_receiver_is_client(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	struct tv_conn *c;
	enum tv_side from;

	(void)state;
	/* the client's SYN was not captured */
	c = tcp(f, &srv, &cli, SYN | ACK, 5000, 1001, 0, 0, &from);
	assert_int_equal(from, TV_SERVER);
	assert_memory_equal(&c->addr[TV_CLIENT], &cli.addr, sizeof(cli.addr));
	assert_int_equal(c->port[TV_CLIENT], cli.port);
	assert_int_equal(c->port[TV_SERVER], srv.port);
	assert_true(c->isn_known[TV_SERVER]);
	assert_int_equal(c->isn[TV_SERVER], 5000);
	assert_false(c->isn_known[TV_CLIENT]);
	c = tcp(f, &cli, &srv, ACK, 1001, 5001, 0, 1, &from);
	assert_int_equal(from, TV_CLIENT);
	assert_false(c->isn_known[TV_CLIENT]);
	assert_true(c->base_known[TV_CLIENT]);
	assert_int_equal(c->base[TV_CLIENT], 1001);
	tv_flow_free(f);
}

static void
test_midstream_first_sender_is_client(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	struct tv_conn *c;
	enum tv_side from;

	(void)state;
	/* the first packet seen is data from the server */
	c = tcp(f, &srv, &cli, ACK | PSH, 7000, 3000, 100, 0, &from);
	assert_int_equal(from, TV_CLIENT);
	assert_int_equal(c->port[TV_CLIENT], srv.port);
	assert_int_equal(c->port[TV_SERVER], cli.port);
	assert_false(c->isn_known[TV_CLIENT]);
	assert_false(c->isn_known[TV_SERVER]);
	assert_int_equal(c->base[TV_CLIENT], 7000);
	assert_int_equal(c->bytes[TV_CLIENT], 100);
	c = tcp(f, &cli, &srv, ACK, 3000, 7100, 0, 1, &from);
	assert_int_equal(from, TV_SERVER);
	assert_int_equal(c->base[TV_SERVER], 3000);
	tv_flow_free(f);
}

static void
test_isns_recorded(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	struct tv_conn *c;

	(void)state;
	handshake(f, &cli, &srv, 0xdeadbeef, 0x12345678, 0);
	c = tcp(f, &cli, &srv, ACK | PSH, 0xdeadbef0, 0x12345679, 10, 3, NULL);
	assert_true(c->isn_known[TV_CLIENT]);
	assert_true(c->isn_known[TV_SERVER]);
	assert_int_equal(c->isn[TV_CLIENT], 0xdeadbeef);
	assert_int_equal(c->isn[TV_SERVER], 0x12345678);
	/* a later SYN (retransmission) does not move the ISN */
	c = tcp(f, &cli, &srv, SYN, 0xdeadbeef, 0, 0, 4, NULL);
	assert_int_equal(c->isn[TV_CLIENT], 0xdeadbeef);
	assert_int_equal(c->bytes[TV_CLIENT], 10);
	tv_flow_free(f);
}

static void
test_fin_close_lingers(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 1, 0, 0);
	struct tv_flow_stats st;
	struct tv_conn *c;

	(void)state;
	handshake(f, &cli, &srv, 100, 500, 1000);
	c = close4(f, &cli, &srv, 101, 501, 1010);	/* closed at 1.013 s */
	assert_false(c->tcp.rst_ended);
	assert_int_equal(c->closed_sec, 1);
	assert_int_equal(c->closed_nsec, 13000000);
	assert_int_equal(r.n, 0);

	/* a late packet does not reopen it or move the close time */
	c = tcp(f, &cli, &srv, ACK, 102, 502, 0, 1500, NULL);
	assert_true(c->closed);
	assert_int_equal(c->id, 1);

	tv_flow_reap(f, 3, 13000000 - 1);		/* 1 ns before the linger ends */
	assert_int_equal(r.n, 0);
	tv_flow_reap(f, 3, 13000000);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].id, 1);
	assert_int_equal(r.ev[0].why, TV_DONE_CLOSED);
	assert_int_equal(r.ev[0].nrows, 8);
	assert_int_equal(r.ev[0].pkts, 8);
	tv_flow_get_stats(f, &st);
	assert_int_equal(st.open, 0);

	/* nothing is handed out twice */
	tv_flow_reap(f, 100, 0);
	tv_flow_finish(f);
	assert_int_equal(r.n, 1);
	tv_flow_free(f);
}

static void
test_closed_handed_out_by_later_packet_or_finish(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);

	(void)state;
	handshake(f, &cli, &srv, 100, 500, 0);
	close4(f, &cli, &srv, 101, 501, 10);		/* closed at 13 ms */
	handshake(f, &cli2, &srv, 7, 9, 20);
	assert_int_equal(r.n, 0);
	/* another connection's packet after the linger reaps the first */
	tcp(f, &cli2, &srv, ACK, 8, 10, 0, 2013, NULL);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].id, 1);
	assert_int_equal(r.ev[0].why, TV_DONE_CLOSED);

	/* at the end of input a closed connection goes out at once, as closed */
	close4(f, &cli2, &srv, 8, 10, 2100);
	tv_flow_finish(f);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[1].id, 2);
	assert_int_equal(r.ev[1].why, TV_DONE_CLOSED);
	tv_flow_free(f);
}

static void
test_half_close_stays_open(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	struct tv_conn *c;

	(void)state;
	handshake(f, &cli, &srv, 100, 500, 0);
	tcp(f, &cli, &srv, FIN | ACK, 101, 501, 0, 10, NULL);
	c = tcp(f, &srv, &cli, ACK, 501, 102, 0, 11, NULL);
	assert_true(c->tcp.s[TV_CLIENT].fin);
	assert_true(c->tcp.s[TV_CLIENT].fin_acked);
	assert_false(c->tcp.s[TV_SERVER].fin);
	/* the server's FIN, not yet acknowledged */
	c = tcp(f, &srv, &cli, FIN | ACK, 501, 102, 0, 12, NULL);
	assert_false(c->closed);
	/* an ACK that stops short of the FIN does not acknowledge it */
	c = tcp(f, &cli, &srv, ACK, 102, 501, 0, 13, NULL);
	assert_false(c->tcp.s[TV_SERVER].fin_acked);
	assert_false(c->closed);
	tv_flow_reap(f, 100, 0);
	assert_int_equal(r.n, 0);
	tv_flow_finish(f);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].why, TV_DONE_END);
	assert_false(r.ev[0].closed);
	tv_flow_free(f);
}

static void
test_fin_with_data(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	struct tv_conn *c;

	(void)state;
	handshake(f, &cli, &srv, 100, 500, 0);
	/* 5 bytes and a FIN: the FIN is sequence number 106 */
	c = tcp(f, &cli, &srv, FIN | PSH | ACK, 101, 501, 5, 10, NULL);
	assert_int_equal(c->tcp.s[TV_CLIENT].fin_seq, 106);
	c = tcp(f, &srv, &cli, ACK, 501, 106, 0, 11, NULL);	/* data only */
	assert_false(c->tcp.s[TV_CLIENT].fin_acked);
	c = tcp(f, &srv, &cli, FIN | ACK, 501, 107, 0, 12, NULL);
	assert_true(c->tcp.s[TV_CLIENT].fin_acked);
	c = tcp(f, &cli, &srv, ACK, 107, 502, 0, 13, NULL);
	assert_true(c->closed);
	tv_flow_free(f);
}

static void
test_fin_acked_across_wrap(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	struct tv_conn *c;
	const uint32_t cisn = 0xfffffffdu, sisn = 0xfffffffeu;

	(void)state;
	handshake(f, &cli, &srv, cisn, sisn, 0);
	/* one byte at 0xfffffffe; the FIN takes 0xffffffff, its ACK is 0 */
	c = tcp(f, &cli, &srv, ACK | PSH, 0xfffffffeu, 0xffffffffu, 1, 3, NULL);
	assert_int_equal(tv_conn_rel(c, TV_CLIENT, 0xfffffffeu), 1);
	c = tcp(f, &cli, &srv, FIN | ACK, 0xffffffffu, 0xffffffffu, 0, 4, NULL);
	assert_int_equal(c->tcp.s[TV_CLIENT].fin_seq, 0xffffffffu);
	/* an ACK of 0xffffffff covers the byte, not the FIN */
	c = tcp(f, &srv, &cli, ACK, 0xffffffffu, 0xffffffffu, 0, 5, NULL);
	assert_false(c->tcp.s[TV_CLIENT].fin_acked);
	/* the server's FIN (at 0xffffffff too) acknowledges 0: past the wrap */
	c = tcp(f, &srv, &cli, FIN | ACK, 0xffffffffu, 0, 0, 6, NULL);
	assert_true(c->tcp.s[TV_CLIENT].fin_acked);
	assert_int_equal(c->tcp.s[TV_SERVER].fin_seq, 0xffffffffu);
	assert_false(c->closed);
	c = tcp(f, &cli, &srv, ACK, 0, 0, 0, 7, NULL);
	assert_true(c->tcp.s[TV_SERVER].fin_acked);
	assert_true(c->closed);
	assert_int_equal(tv_conn_rel(c, TV_CLIENT, 0), 3);
	assert_int_equal(tv_conn_rel(c, TV_SERVER, 0), 2);
	tv_flow_reap(f, 2, 7000000);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].why, TV_DONE_CLOSED);
	tv_flow_free(f);
}

static void
test_rst_closes(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	struct tv_conn *c;

	(void)state;
	tcp(f, &cli, &srv, SYN, 100, 0, 0, 0, NULL);
	c = tcp(f, &srv, &cli, RST | ACK, 0, 101, 0, 1, NULL);
	assert_true(c->tcp.s[TV_SERVER].rst);
	assert_true(c->tcp.rst_ended);
	assert_true(c->closed);
	tv_flow_reap(f, 2, 1000000 - 1);
	assert_int_equal(r.n, 0);
	tv_flow_reap(f, 2, 1000000);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].why, TV_DONE_CLOSED);
	assert_int_equal(r.ev[0].pkts, 2);
	tv_flow_free(f);
}

static void
test_reuse_new_isn_new_conn(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 1, 0, 0);
	struct tv_flow_stats st;
	struct tv_conn *c;
	enum tv_side from;

	(void)state;
	handshake(f, &cli, &srv, 100, 500, 0);
	close4(f, &cli, &srv, 101, 501, 10);
	assert_int_equal(r.n, 0);
	/* within the linger, the same 4-tuple opens again with a new ISN */
	c = tcp(f, &cli, &srv, SYN, 90000, 0, 0, 100, &from);
	assert_int_equal(r.n, 1);		/* the old one went first */
	assert_int_equal(r.ev[0].id, 1);
	assert_int_equal(r.ev[0].why, TV_DONE_CLOSED);
	assert_int_equal(r.ev[0].pkts, 7);
	assert_int_equal(c->id, 2);
	assert_int_equal(from, TV_CLIENT);
	assert_false(c->closed);
	assert_int_equal(c->isn[TV_CLIENT], 90000);
	assert_int_equal(c->pkts[TV_CLIENT], 1);
	assert_int_equal(c->nrows, 1);
	tv_flow_get_stats(f, &st);
	assert_int_equal(st.conns, 2);
	assert_int_equal(st.open, 1);
	tv_flow_finish(f);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[1].id, 2);
	assert_int_equal(r.ev[1].why, TV_DONE_END);
	tv_flow_free(f);
}

static void
test_reuse_same_isn_is_retransmission(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	struct tv_flow_stats st;
	struct tv_conn *c;

	(void)state;
	tcp(f, &cli, &srv, SYN, 100, 0, 0, 0, NULL);
	c = tcp(f, &srv, &cli, RST | ACK, 0, 101, 0, 1, NULL);
	assert_true(c->closed);
	/* the client retries with the same ISN: still connection 1 */
	c = tcp(f, &cli, &srv, SYN, 100, 0, 0, 2, NULL);
	assert_int_equal(c->id, 1);
	assert_int_equal(c->pkts[TV_CLIENT], 2);
	assert_int_equal(r.n, 0);
	/* a SYN-ACK is never a reuse */
	c = tcp(f, &srv, &cli, SYN | ACK, 777, 101, 0, 3, NULL);
	assert_int_equal(c->id, 1);
	tv_flow_get_stats(f, &st);
	assert_int_equal(st.conns, 1);
	tv_flow_free(f);
}

static void
test_ids_and_finish_order(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	static const struct ep c3 = { { 4, { 127, 0, 0, 3 } }, 50000 };
	int i;

	(void)state;
	assert_int_equal(tcp(f, &cli, &srv, SYN, 1, 0, 0, 0, NULL)->id, 1);
	assert_int_equal(tcp(f, &srv, &cli2, ACK, 1, 1, 0, 1, NULL)->id, 2);
	assert_int_equal(tcp(f, &c3, &srv, SYN, 1, 0, 0, 2, NULL)->id, 3);
	/* activity in another order */
	tcp(f, &srv, &c3, SYN | ACK, 5, 2, 0, 3, NULL);
	tcp(f, &srv, &cli, SYN | ACK, 5, 2, 0, 4, NULL);
	tcp(f, &cli2, &srv, ACK, 1, 2, 0, 5, NULL);
	tv_flow_finish(f);
	assert_int_equal(r.n, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(r.ev[i].id, (uint32_t)i + 1);
		assert_int_equal(r.ev[i].why, TV_DONE_END);
	}
	tv_flow_free(f);
}

static void
test_max_conns_evicts_least_recent(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 3, 0);
	struct tv_flow_stats st;
	struct ep c[5];
	int i;

	(void)state;
	for (i = 0; i < 5; i++) {
		c[i] = cli;
		c[i].port = (uint16_t)(41000 + i);
	}
	tcp(f, &c[0], &srv, SYN, 1, 0, 0, 0, NULL);
	tcp(f, &c[1], &srv, SYN, 1, 0, 0, 1, NULL);
	tcp(f, &c[2], &srv, SYN, 1, 0, 0, 2, NULL);
	tcp(f, &srv, &c[0], SYN | ACK, 9, 2, 0, 3, NULL);	/* 1 is now the freshest */
	assert_int_equal(r.n, 0);
	assert_int_equal(tcp(f, &c[3], &srv, SYN, 1, 0, 0, 4, NULL)->id, 4);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].id, 2);
	assert_int_equal(r.ev[0].why, TV_DONE_EVICTED);
	assert_int_equal(tcp(f, &c[4], &srv, SYN, 1, 0, 0, 5, NULL)->id, 5);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[1].id, 3);
	assert_int_equal(r.ev[1].why, TV_DONE_EVICTED);

	tv_flow_get_stats(f, &st);
	assert_int_equal(st.evicted, 2);
	assert_int_equal(st.conns, 5);
	assert_int_equal(st.open, 3);
	assert_int_equal(st.peak, 3);

	/* the survivors, in id order */
	tv_flow_finish(f);
	assert_int_equal(r.n, 5);
	assert_int_equal(r.ev[2].id, 1);
	assert_int_equal(r.ev[3].id, 4);
	assert_int_equal(r.ev[4].id, 5);
	assert_int_equal(r.ev[4].why, TV_DONE_END);
	tv_flow_get_stats(f, &st);
	assert_int_equal(st.evicted, 2);
	assert_int_equal(st.open, 0);
	tv_flow_free(f);
}

static void
test_max_rows_parts(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 1, 0, 10);
	struct tv_conn *c = NULL;
	uint64_t first;
	int i;

	(void)state;
	first = frame_no + 1;
	for (i = 0; i < 25; i++) {
		if (i % 2 == 0)
			c = tcp(f, &cli, &srv, ACK | PSH, 1000 + 10 * (uint32_t)i, 1,
			    10, i, NULL);
		else
			c = tcp(f, &srv, &cli, ACK, 1, 1010 + 10 * (uint32_t)i, 0,
			    i, NULL);
	}
	assert_int_equal(r.n, 2);
	for (i = 0; i < 2; i++) {
		assert_int_equal(r.ev[i].id, 1);
		assert_int_equal(r.ev[i].why, TV_DONE_PARTIAL);
		assert_int_equal(r.ev[i].nrows, 10);
		assert_int_equal(r.ev[i].part, (uint32_t)i);
		assert_int_equal(r.ev[i].first_row_n, first + 10 * (uint64_t)i);
		/* the part's totals and last time are those of its rows */
		assert_int_equal(r.ev[i].pkts, 10 * (uint64_t)(i + 1));
		assert_int_equal(r.ev[i].last_sec, 0);
		assert_int_equal(r.ev[i].last_nsec, (uint32_t)(10 * i + 9) * 1000000u);
	}
	assert_int_equal(c->nrows, 5);
	assert_int_equal(c->part, 2);
	tv_flow_finish(f);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.ev[2].why, TV_DONE_END);
	assert_int_equal(r.ev[2].nrows, 5);
	assert_int_equal(r.ev[2].pkts, 25);
	assert_int_equal(r.ev[2].first_row_n, first + 20);
	tv_flow_free(f);
}

static void
test_keep_rows_off(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 2);
	struct tv_conn *c = NULL;
	int i;

	(void)state;
	for (i = 0; i < 300; i++)
		c = tcp(f, &cli, &srv, ACK, 1 + (uint32_t)i, 1, 1, i, NULL);
	assert_null(c->rows);
	assert_int_equal(c->nrows, 0);
	assert_int_equal(c->pkts[TV_CLIENT], 300);
	assert_int_equal(c->bytes[TV_CLIENT], 300);
	assert_int_equal(r.n, 0);		/* no parts without rows */
	tv_flow_finish(f);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].nrows, 0);
	tv_flow_free(f);
}

static void
test_rows_span_blocks(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 1, 0, 0);
	struct tv_conn *c = NULL;
	const struct tv_rowblk *b;
	uint32_t want = 0;
	int i, blocks = 0;

	(void)state;
	for (i = 0; i < 300; i++)
		c = tcp(f, i % 3 ? &srv : &cli, i % 3 ? &cli : &srv, ACK,
		    (uint32_t)i, 0, 0, i, NULL);
	assert_int_equal(c->nrows, 300);
	for (b = c->rows; b != NULL; b = b->next) {
		unsigned k;

		blocks++;
		for (k = 0; k < b->n; k++, want++) {
			assert_int_equal(b->r[k].seq, want);
			assert_int_equal(b->r[k].from, want % 3 ? TV_SERVER : TV_CLIENT);
		}
	}
	assert_int_equal(want, 300);
	/* a small first block, then full-size ones */
	assert_int_equal(blocks, 1 + (300 - TV_ROWBLK_FIRST + TV_ROWBLK - 1) / TV_ROWBLK);
	assert_ptr_equal(c->rows_tail->next, NULL);
	tv_flow_free(f);			/* frees without callbacks */
	assert_int_equal(r.n, 0);
}

static void
test_conn_rel(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	struct tv_conn *c;

	(void)state;
	/* with ISNs */
	handshake(f, &cli, &srv, 0xfffffff0u, 1000, 0);
	c = tcp(f, &cli, &srv, ACK, 0xfffffff1u, 1001, 0, 3, NULL);
	assert_int_equal(tv_conn_rel(c, TV_CLIENT, 0xfffffff0u), 0);
	assert_int_equal(tv_conn_rel(c, TV_CLIENT, 0xfffffff1u), 1);
	assert_int_equal(tv_conn_rel(c, TV_CLIENT, 0x10u), 0x20);	/* across the wrap */
	assert_int_equal(tv_conn_rel(c, TV_SERVER, 1001), 1);

	/* without: the first sequence number seen is the base */
	c = tcp(f, &cli2, &srv, ACK, 5000, 0, 0, 4, NULL);
	assert_false(c->isn_known[TV_CLIENT]);
	assert_int_equal(tv_conn_rel(c, TV_CLIENT, 5000), 0);
	assert_int_equal(tv_conn_rel(c, TV_CLIENT, 5100), 100);
	/* and nothing from the server yet: absolute */
	assert_int_equal(tv_conn_rel(c, TV_SERVER, 123456), 123456);
	tv_flow_free(f);
}

static void
test_udp_conn(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 1, 0, 0);
	struct tv_pkt p;
	struct tv_conn *c;
	enum tv_side from;

	(void)state;
	p = mkpkt(17, &cli, &srv, 0, 0, 0, 30, 0);
	c = tv_flow_add(f, &p, &from);
	assert_int_equal(from, TV_CLIENT);
	p = mkpkt(17, &srv, &cli, 0, 0, 0, 70, 1);
	c = tv_flow_add(f, &p, &from);
	assert_int_equal(from, TV_SERVER);
	assert_int_equal(c->proto, 17);
	assert_int_equal(c->bytes[TV_CLIENT], 30);
	assert_int_equal(c->bytes[TV_SERVER], 70);
	assert_false(c->closed);
	tv_flow_reap(f, 1000, 0);
	assert_int_equal(r.n, 0);
	tv_flow_finish(f);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].why, TV_DONE_END);
	assert_int_equal(r.ev[0].nrows, 2);
	tv_flow_free(f);
}

static void
test_many_conns_grow_table(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	struct tv_flow_stats st;
	struct ep a = cli;
	enum tv_side from;
	int i;

	(void)state;
	/* past the initial bucket count, then find each again from the server side */
	for (i = 0; i < 3000; i++) {
		a.addr.a[2] = (uint8_t)(i >> 8);
		a.addr.a[3] = (uint8_t)(i & 0xff) | 1;
		a.port = (uint16_t)(20000 + i);
		assert_int_equal(tcp(f, &a, &srv, SYN, 1, 0, 0, i, NULL)->id,
		    (uint32_t)i + 1);
	}
	for (i = 0; i < 3000; i++) {
		a.addr.a[2] = (uint8_t)(i >> 8);
		a.addr.a[3] = (uint8_t)(i & 0xff) | 1;
		a.port = (uint16_t)(20000 + i);
		assert_int_equal(tcp(f, &srv, &a, SYN | ACK, 1, 2, 0, 3000 + i,
		    &from)->id, (uint32_t)i + 1);
		assert_int_equal(from, TV_SERVER);
	}
	tv_flow_get_stats(f, &st);
	assert_int_equal(st.conns, 3000);
	assert_int_equal(st.open, 3000);
	tv_flow_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_directions_one_conn),
		cmocka_unit_test(test_distinct_tuples_distinct_conns),
		cmocka_unit_test(test_client_is_syn_sender),
		cmocka_unit_test(test_synack_first_receiver_is_client),
		cmocka_unit_test(test_midstream_first_sender_is_client),
		cmocka_unit_test(test_isns_recorded),
		cmocka_unit_test(test_fin_close_lingers),
		cmocka_unit_test(test_closed_handed_out_by_later_packet_or_finish),
		cmocka_unit_test(test_half_close_stays_open),
		cmocka_unit_test(test_fin_with_data),
		cmocka_unit_test(test_fin_acked_across_wrap),
		cmocka_unit_test(test_rst_closes),
		cmocka_unit_test(test_reuse_new_isn_new_conn),
		cmocka_unit_test(test_reuse_same_isn_is_retransmission),
		cmocka_unit_test(test_ids_and_finish_order),
		cmocka_unit_test(test_max_conns_evicts_least_recent),
		cmocka_unit_test(test_max_rows_parts),
		cmocka_unit_test(test_keep_rows_off),
		cmocka_unit_test(test_rows_span_blocks),
		cmocka_unit_test(test_conn_rel),
		cmocka_unit_test(test_udp_conn),
		cmocka_unit_test(test_many_conns_grow_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
