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
static const struct ep srv_hi = { { 4, { 127, 0, 0, 2 } }, 9999 };	/* no server port of Zeek's */
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

/* a table of cfg (idle_ns and batch; the rest zero) recording into r */
static struct tv_flow *
flow_cfg_new(struct rec *r, int keep_rows, uint32_t max_conns,
    uint32_t max_rows, const struct tv_flow_cfg *more)
{
	struct tv_flow_cfg cfg;
	struct tv_flow *f;

	memset(r, 0, sizeof(*r));
	memset(&cfg, 0, sizeof(cfg));
	cfg.keep_rows = keep_rows;
	cfg.linger_ns = LINGER;
	cfg.max_conns = max_conns;
	cfg.max_rows = max_rows;
	if (more != NULL) {
		cfg.idle_ns[0] = more->idle_ns[0];
		cfg.idle_ns[1] = more->idle_ns[1];
		cfg.batch = more->batch;
	}
	cfg.done = on_done;
	cfg.ctx = r;
	f = tv_flow_new(&cfg);
	assert_non_null(f);
	return f;
}

static struct tv_flow *
flow_new(struct rec *r, int keep_rows, uint32_t max_conns, uint32_t max_rows)
{
	return flow_cfg_new(r, keep_rows, max_conns, max_rows, NULL);
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

/* A connection is keyed by its tunnel too: the same inner 4-tuple in
 * two GRE keys, in two VXLAN VNIs and bare is three and two connections;
 * the answers, their tunnel endpoints reversed, join theirs; GTP-U's
 * TEID, one a direction, does not split one. */
static struct tv_pkt
tunneled(const struct ep *a, const struct ep *b, uint8_t flags, uint32_t seq,
    uint32_t ack, int64_t ms, uint8_t kind, uint32_t key, int rev)
{
	static const struct tv_addr ta = { 4, { 198, 51, 100, 1 } };
	static const struct tv_addr tb = { 4, { 198, 51, 100, 2 } };
	struct tv_pkt p = mkpkt(6, a, b, flags, seq, ack, 0, ms);

	p.tun.kind = kind;
	p.tun.depth = 1;
	p.tun.has_key = 1;
	p.tun.key = key;
	p.tun.src = rev ? tb : ta;
	p.tun.dst = rev ? ta : tb;
	return p;
}

static void
test_tunnel_keys_conns(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	struct tv_pkt p;
	struct tv_conn *c;
	enum tv_side from;
	uint32_t ids[3];
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		p = tunneled(&cli, &srv, SYN, 100, 0, i, i < 2 ? TV_TUN_GRE :
		    TV_TUN_NONE, 7 + (uint32_t)i, 0);
		if (i == 2)
			memset(&p.tun, 0, sizeof(p.tun));
		c = tv_flow_add(f, &p, &from);
		assert_non_null(c);
		ids[i] = c->id;
		assert_int_equal(c->id, i + 1);
	}
	for (i = 0; i < 3; i++) {
		p = tunneled(&srv, &cli, SYN | ACK, 900, 101, 10 + i, i < 2 ?
		    TV_TUN_GRE : TV_TUN_NONE, 7 + (uint32_t)i, 1);
		if (i == 2)
			memset(&p.tun, 0, sizeof(p.tun));
		c = tv_flow_add(f, &p, &from);
		assert_int_equal(c->id, ids[i]);
		assert_int_equal(from, TV_SERVER);
		assert_int_equal(c->tun.kind, i < 2 ? TV_TUN_GRE : TV_TUN_NONE);
	}
	/* the conn keeps the client's end first */
	p = tunneled(&cli, &srv, ACK, 101, 901, 20, TV_TUN_GRE, 8, 0);
	c = tv_flow_add(f, &p, &from);
	assert_int_equal(c->id, 2);
	assert_int_equal(c->tun.key, 8);
	assert_int_equal(c->tun.src.a[3], 1);
	assert_int_equal(c->tun.dst.a[3], 2);
	/* a VXLAN VNI, another kind with the same key: another connection */
	p = tunneled(&cli, &srv, SYN, 100, 0, 30, TV_TUN_VXLAN, 7, 0);
	assert_int_equal(tv_flow_add(f, &p, &from)->id, 4);
	/* GTP-U: uplink TEID 0x1001, downlink 0x2002, one connection */
	p = tunneled(&cli2, &srv, SYN, 100, 0, 40, TV_TUN_GTPU, 0x1001, 0);
	assert_int_equal(tv_flow_add(f, &p, &from)->id, 5);
	p = tunneled(&srv, &cli2, SYN | ACK, 900, 101, 41, TV_TUN_GTPU, 0x2002, 1);
	c = tv_flow_add(f, &p, &from);
	assert_int_equal(c->id, 5);
	assert_int_equal(from, TV_SERVER);
	/* a depth of 2 is not a depth of 1 */
	p = tunneled(&cli, &srv, SYN, 100, 0, 50, TV_TUN_GRE, 7, 0);
	p.tun.depth = 2;
	assert_int_equal(tv_flow_add(f, &p, &from)->id, 6);
	/* the hash is the same both ways, and differs by tunnel */
	{
		uint64_t key[2] = { 1, 2 };
		struct tv_pkt q = tunneled(&cli, &srv, SYN, 1, 0, 0, TV_TUN_GRE, 7, 0);
		struct tv_pkt rq = tunneled(&srv, &cli, SYN, 1, 0, 0, TV_TUN_GRE, 7, 1);
		struct tv_pkt o = tunneled(&cli, &srv, SYN, 1, 0, 0, TV_TUN_GRE, 8, 0);

		assert_true(tv_flow_hash(key, &q) == tv_flow_hash(key, &rq));
		assert_true(tv_flow_hash(key, &q) != tv_flow_hash(key, &o));
	}
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
	/* the first packet seen is data from the server (neither port a
	 * likely server port: the first sender stays the client) */
	c = tcp(f, &srv_hi, &cli, ACK | PSH, 7000, 3000, 100, 0, &from);
	assert_int_equal(from, TV_CLIENT);
	assert_int_equal(c->port[TV_CLIENT], srv_hi.port);
	assert_int_equal(c->port[TV_SERVER], cli.port);
	assert_false(c->port_flip);
	assert_false(c->isn_known[TV_CLIENT]);
	assert_false(c->isn_known[TV_SERVER]);
	assert_int_equal(c->base[TV_CLIENT], 7000);
	assert_int_equal(c->bytes[TV_CLIENT], 100);
	assert_string_equal(c->tcp.history, "D");
	c = tcp(f, &cli, &srv_hi, ACK, 3000, 7100, 0, 1, &from);
	assert_int_equal(from, TV_SERVER);
	assert_int_equal(c->base[TV_SERVER], 3000);
	tv_flow_free(f);
}

/* Zeek's flip of the originator (tv_flow_port_flip()): midstream TCP from
 * port 80 to 40000 makes the 40000 side the client, '^' first */
static void
test_port_flip_midstream_tcp(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	struct tv_conn *c;
	enum tv_side from;

	(void)state;
	c = tcp(f, &srv, &cli, ACK | PSH, 7000, 3000, 100, 0, &from);
	assert_int_equal(from, TV_SERVER);
	assert_true(c->port_flip);
	assert_true(c->tcp.flipped);
	assert_int_equal(c->port[TV_CLIENT], 40000);
	assert_int_equal(c->port[TV_SERVER], 80);
	assert_memory_equal(&c->addr[TV_CLIENT], &cli.addr, sizeof(cli.addr));
	assert_int_equal(c->bytes[TV_SERVER], 100);
	assert_string_equal(c->tcp.history, "^d");
	assert_int_equal(tv_tcp_open(&c->tcp), TV_OPEN_MIDSTREAM);
	c = tcp(f, &cli, &srv, ACK, 3000, 7100, 0, 1, &from);
	assert_int_equal(from, TV_CLIENT);
	assert_string_equal(c->tcp.history, "^dA");
	tv_flow_free(f);

	/* from 40000 to 80: unchanged */
	f = flow_new(&r, 0, 0, 0);
	c = tcp(f, &cli, &srv, ACK, 3000, 7000, 0, 0, &from);
	assert_int_equal(from, TV_CLIENT);
	assert_false(c->port_flip);
	assert_int_equal(c->port[TV_CLIENT], 40000);
	assert_string_equal(c->tcp.history, "A");
	tv_flow_free(f);
}

/* Both ports likely server ports: Zeek flips only when the source port is
 * the lower (TCP.cc: "favor more plausible servers"); from 443 to 80 stays */
static void
test_port_flip_both_server_ports(void **state)
{
	static const struct ep s443 = { { 4, { 127, 0, 0, 3 } }, 443 };
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	struct tv_conn *c;
	enum tv_side from;

	(void)state;
	c = tcp(f, &s443, &srv, ACK, 1, 2, 0, 0, &from);
	assert_int_equal(from, TV_CLIENT);
	assert_false(c->port_flip);
	assert_int_equal(c->port[TV_CLIENT], 443);
	assert_string_equal(c->tcp.history, "A");
	/* from 80 to 443: the 443 side is the server, 80 the client */
	c = tcp(f, &srv, &s443, ACK, 5, 6, 0, 1, &from);	/* same 4-tuple */
	assert_int_equal(c->port[TV_CLIENT], 443);
	tv_flow_free(f);
	f = flow_new(&r, 0, 0, 0);
	c = tcp(f, &srv, &s443, ACK, 1, 2, 0, 0, &from);
	assert_int_equal(from, TV_SERVER);
	assert_true(c->port_flip);
	assert_int_equal(c->port[TV_CLIENT], 443);
	assert_int_equal(c->port[TV_SERVER], 80);
	assert_string_equal(c->tcp.history, "^a");
	tv_flow_free(f);
}

/* A SYN or a SYN-ACK decides by itself: no port rule */
static void
test_port_flip_not_with_syn(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	struct tv_conn *c;
	enum tv_side from;

	(void)state;
	/* a SYN from port 80 to 40000: its sender is the client */
	c = tcp(f, &srv, &cli, SYN, 1, 0, 0, 0, &from);
	assert_int_equal(from, TV_CLIENT);
	assert_false(c->port_flip);
	assert_int_equal(c->port[TV_CLIENT], 80);
	assert_string_equal(c->tcp.history, "S");
	tv_flow_free(f);
	/* a SYN-ACK from 40000 to 80: its receiver is the client, as always */
	f = flow_new(&r, 0, 0, 0);
	c = tcp(f, &cli, &srv, SYN | ACK, 1, 2, 0, 0, &from);
	assert_int_equal(from, TV_SERVER);
	assert_false(c->port_flip);
	assert_int_equal(c->port[TV_CLIENT], 80);
	assert_string_equal(c->tcp.history, "^h");
	tv_flow_free(f);
}

/* UDP from port 53 (a DNS reply first): the receiver is the client; toward
 * the broadcast address, never */
static void
test_port_flip_udp(void **state)
{
	static const struct ep dns = { { 4, { 127, 0, 0, 53 } }, 53 };
	static const struct ep dhcp = { { 4, { 127, 0, 0, 9 } }, 67 };
	static const struct ep bcast = { { 4, { 255, 255, 255, 255 } }, 68 };
	static const struct ep bcast_hi = { { 4, { 255, 255, 255, 255 } }, 40000 };
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	struct tv_pkt p;
	struct tv_conn *c;
	enum tv_side from;

	(void)state;
	p = mkpkt(17, &dns, &cli, 0, 0, 0, 60, 0);
	c = tv_flow_add(f, &p, &from);
	assert_int_equal(from, TV_SERVER);
	assert_true(c->port_flip);
	assert_int_equal(c->port[TV_CLIENT], 40000);
	assert_int_equal(c->port[TV_SERVER], 53);
	assert_int_equal(c->bytes[TV_SERVER], 60);
	assert_string_equal(c->tcp.history, "^d");
	p = mkpkt(17, &cli, &dns, 0, 0, 0, 30, 1);
	c = tv_flow_add(f, &p, &from);
	assert_int_equal(from, TV_CLIENT);
	assert_string_equal(c->tcp.history, "^dD");
	/* a query first: unchanged */
	p = mkpkt(17, &cli2, &dns, 0, 0, 0, 30, 2);
	c = tv_flow_add(f, &p, &from);
	assert_int_equal(from, TV_CLIENT);
	assert_false(c->port_flip);
	assert_string_equal(c->tcp.history, "D");
	/* from 67 toward 255.255.255.255: not flipped (68 is not a likely
	 * server port, but the destination is the broadcast address) */
	p = mkpkt(17, &dhcp, &bcast, 0, 0, 0, 300, 3);
	c = tv_flow_add(f, &p, &from);
	assert_int_equal(from, TV_CLIENT);
	assert_false(c->port_flip);
	assert_int_equal(c->port[TV_CLIENT], 67);
	p = mkpkt(17, &dns, &bcast_hi, 0, 0, 0, 40, 4);
	c = tv_flow_add(f, &p, &from);
	assert_int_equal(from, TV_CLIENT);
	assert_false(c->port_flip);
	/* UDP with both ports likely server ports: never flipped */
	p = mkpkt(17, &dns, &dhcp, 0, 0, 0, 40, 5);
	c = tv_flow_add(f, &p, &from);
	assert_int_equal(from, TV_CLIENT);
	assert_false(c->port_flip);
	tv_flow_free(f);
}

/* Late packets after a close (issue 18): a stray RST 5 s after the close,
 * long after the linger, joins the closed connection: its id, its roles
 * (the server stays the server though it sends first, and neither port is
 * a likely server port), its numbering; not a connection of its own */
static void
test_late_rst_attached(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 1, 0, 0);
	struct tv_flow_stats st;
	struct tv_conn *c;
	enum tv_side from;

	(void)state;
	handshake(f, &cli, &srv_hi, 100, 500, 0);
	close4(f, &cli, &srv_hi, 101, 501, 10);		/* closed at 13 ms */
	/* 5 s later: the server's RST at its next sequence number */
	c = tcp(f, &srv_hi, &cli, RST, 502, 0, 0, 5013, &from);
	assert_int_equal(r.n, 1);			/* the connection went out */
	assert_int_equal(r.ev[0].id, 1);
	assert_int_equal(c->id, 1);
	assert_int_equal(c->late_of, 1);
	assert_int_equal(from, TV_SERVER);
	assert_int_equal(c->port[TV_CLIENT], cli.port);
	assert_int_equal(c->port[TV_SERVER], srv_hi.port);
	assert_false(c->port_flip);
	assert_true(c->closed);
	assert_string_equal(c->tcp.history, "r");
	/* the numbering goes on from the ISNs, the states from the close */
	assert_true(c->isn_known[TV_SERVER]);
	assert_int_equal(tv_conn_rel(c, TV_SERVER, 502), 2);
	assert_int_equal(c->tcp.init_state[TV_CLIENT], TV_ST_TIME_WAIT);
	assert_int_equal(c->tcp.init_state[TV_SERVER], TV_ST_CLOSED);
	assert_int_equal(c->last.notes & TV_NOTE_AFTER_CLOSE, TV_NOTE_AFTER_CLOSE);
	tv_flow_get_stats(f, &st);
	assert_int_equal(st.conns, 1);
	/* it lingers as any closed one; a FIN sent again 1 s later joins it */
	c = tcp(f, &srv_hi, &cli, FIN | ACK, 501, 102, 0, 6013, &from);
	assert_int_equal(c->late_of, 1);
	assert_int_equal(c->pkts[TV_SERVER], 2);
	assert_int_equal(r.n, 1);
	/* out after the linger; later packets again late for connection 1 */
	c = tcp(f, &cli, &srv_hi, ACK, 102, 502, 0, 20000, &from);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[1].id, 1);
	assert_int_equal(r.ev[1].why, TV_DONE_CLOSED);
	assert_int_equal(r.ev[1].pkts, 2);
	assert_int_equal(c->id, 1);
	assert_int_equal(c->late_of, 1);
	assert_int_equal(from, TV_CLIENT);
	tv_flow_finish(f);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.ev[2].id, 1);
	tv_flow_get_stats(f, &st);
	assert_int_equal(st.conns, 1);
	tv_flow_free(f);
}

/* Late packets are keyed by their tunnel too: an RST 5 s after a close in
 * GRE key 7, with the same inner 4-tuple but in key 8, is a connection of
 * its own; in key 7, a late packet of the closed one */
static void
test_late_in_its_tunnel(void **state)
{
	static const struct { int srv; uint8_t fl; uint32_t seq, ack; } hs[] = {
		{ 0, SYN, 100, 0 }, { 1, SYN | ACK, 500, 101 }, { 0, ACK, 101, 501 },
		{ 0, FIN | ACK, 101, 501 }, { 1, ACK, 501, 102 },
		{ 1, FIN | ACK, 501, 102 }, { 0, ACK, 102, 502 },
	};
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	struct tv_pkt p;
	struct tv_conn *c;
	enum tv_side from;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hs) / sizeof(hs[0]); i++) {
		p = hs[i].srv ? tunneled(&srv_hi, &cli, hs[i].fl, hs[i].seq,
		    hs[i].ack, (int64_t)i, TV_TUN_GRE, 7, 1) :
		    tunneled(&cli, &srv_hi, hs[i].fl, hs[i].seq, hs[i].ack,
		    (int64_t)i, TV_TUN_GRE, 7, 0);
		assert_int_equal(tv_flow_add(f, &p, &from)->id, 1);
	}
	p = tunneled(&srv_hi, &cli, RST, 502, 0, 5000, TV_TUN_GRE, 8, 1);
	c = tv_flow_add(f, &p, &from);
	assert_int_equal(c->late_of, 0);
	assert_int_equal(c->id, 2);
	p = tunneled(&srv_hi, &cli, RST, 502, 0, 5001, TV_TUN_GRE, 7, 1);
	c = tv_flow_add(f, &p, &from);
	assert_int_equal(c->late_of, 1);
	assert_int_equal(c->id, 1);
	assert_int_equal(from, TV_SERVER);
	tv_flow_free(f);
}

/* A later connection of a 4-tuple with the roles the other way round
 * (midstream, first heard from the other end) takes the remembered place:
 * its own late RST joins it, not the older connection's */
static void
test_late_roles_reversed(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	struct tv_conn *c;
	enum tv_side from;

	(void)state;
	handshake(f, &cli, &srv_hi, 100, 500, 0);
	close4(f, &cli, &srv_hi, 101, 501, 10);			/* conn 1 */
	/* 5 s later, srv_hi first: far from conn 1's numbers, a new one */
	c = tcp(f, &srv_hi, &cli, ACK | PSH, 900000000, 700000000, 10, 5000, &from);
	assert_int_equal(c->id, 2);
	assert_int_equal(c->late_of, 0);
	assert_int_equal(from, TV_CLIENT);
	c = tcp(f, &cli, &srv_hi, RST, 700000000, 0, 0, 5001, &from);
	assert_true(c->closed);
	/* 5 s later again: conn 2's late RST from its client, after its data */
	c = tcp(f, &srv_hi, &cli, RST, 900000010, 0, 0, 10001, &from);
	assert_int_equal(c->id, 2);
	assert_int_equal(c->late_of, 2);
	assert_int_equal(from, TV_CLIENT);
	tv_flow_free(f);
}

/* PPTP: the GRE key is the peer's call id, another each way; one
 * connection all the same */
static void
test_pptp_one_conn(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	struct tv_pkt p;
	enum tv_side from;

	(void)state;
	p = tunneled(&cli, &srv_hi, SYN, 100, 0, 0, TV_TUN_PPTP, 0x2222, 0);
	assert_int_equal(tv_flow_add(f, &p, &from)->id, 1);
	p = tunneled(&srv_hi, &cli, SYN | ACK, 500, 101, 1, TV_TUN_PPTP, 0x1111, 1);
	assert_int_equal(tv_flow_add(f, &p, &from)->id, 1);
	assert_int_equal(from, TV_SERVER);
	/* plain GRE keyed the same way would be two */
	p = tunneled(&cli2, &srv_hi, SYN, 100, 0, 2, TV_TUN_GRE, 0x2222, 0);
	assert_int_equal(tv_flow_add(f, &p, &from)->id, 2);
	p = tunneled(&srv_hi, &cli2, SYN | ACK, 500, 101, 3, TV_TUN_GRE, 0x1111, 1);
	assert_int_equal(tv_flow_add(f, &p, &from)->id, 3);
	tv_flow_free(f);
}

/* A late packet whose sequence number is far from the closed connection's
 * (more than TV_FLOW_LATE_WINDOW) is a connection of its own */
static void
test_late_far_seq_new_conn(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	struct tv_conn *c;
	enum tv_side from;

	(void)state;
	handshake(f, &cli, &srv_hi, 100, 500, 0);
	close4(f, &cli, &srv_hi, 101, 501, 10);
	c = tcp(f, &srv_hi, &cli, RST, 502 + TV_FLOW_LATE_WINDOW + 1, 0, 0,
	    5013, &from);
	assert_int_equal(c->id, 2);
	assert_int_equal(c->late_of, 0);
	assert_int_equal(from, TV_CLIENT);	/* the first sender, as ever */
	assert_int_equal(c->port[TV_CLIENT], srv_hi.port);
	tv_flow_free(f);

	/* the sequence number near, the ACK far: not late either */
	f = flow_new(&r, 0, 0, 0);
	handshake(f, &cli, &srv_hi, 100, 500, 0);
	close4(f, &cli, &srv_hi, 101, 501, 10);
	c = tcp(f, &srv_hi, &cli, ACK, 502, 102 + 3 * TV_FLOW_LATE_WINDOW, 0,
	    5013, &from);
	assert_int_equal(c->id, 2);
	assert_int_equal(c->late_of, 0);
	/* just inside the window: late */
	tv_flow_free(f);
	f = flow_new(&r, 0, 0, 0);
	handshake(f, &cli, &srv_hi, 100, 500, 0);
	close4(f, &cli, &srv_hi, 101, 501, 10);
	c = tcp(f, &cli, &srv_hi, ACK | PSH, 102 + TV_FLOW_LATE_WINDOW, 502, 10,
	    5013, &from);
	assert_int_equal(c->id, 1);
	assert_int_equal(c->late_of, 1);
	tv_flow_free(f);
}

/* A new SYN on the 4-tuple is a new connection, and forgets the closed
 * one: a packet near the old numbers afterwards is not late for it */
static void
test_late_new_syn_new_conn(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	struct tv_conn *c;
	enum tv_side from;

	(void)state;
	handshake(f, &cli, &srv_hi, 100, 500, 0);
	close4(f, &cli, &srv_hi, 101, 501, 10);
	c = tcp(f, &cli, &srv_hi, SYN, 900000000, 0, 0, 5013, &from);
	assert_int_equal(c->id, 2);
	assert_int_equal(c->late_of, 0);
	assert_int_equal(from, TV_CLIENT);
	/* refused: closed, out after its linger */
	c = tcp(f, &srv_hi, &cli, RST | ACK, 0, 900000001, 0, 5014, &from);
	assert_true(c->closed);
	/* near connection 1's numbers, far from connection 2's */
	c = tcp(f, &srv_hi, &cli, RST, 502, 0, 0, 9000, &from);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[1].id, 2);
	assert_int_equal(c->id, 3);
	assert_int_equal(c->late_of, 0);
	tv_flow_free(f);

	/* a SYN while the late part is still in the table (lingering) ends
	 * it and begins a new connection */
	f = flow_new(&r, 0, 0, 0);
	handshake(f, &cli, &srv_hi, 100, 500, 0);
	close4(f, &cli, &srv_hi, 101, 501, 10);
	c = tcp(f, &cli, &srv_hi, ACK, 102, 502, 0, 5013, &from);
	assert_int_equal(c->late_of, 1);
	c = tcp(f, &cli, &srv_hi, SYN, 7, 0, 0, 5100, &from);
	assert_int_equal(c->id, 2);
	assert_int_equal(c->late_of, 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[1].id, 1);
	tv_flow_free(f);
}

/* The table of closed connections stays bounded: past 4096 of them the
 * oldest are forgotten (their late packets start anew) */
static void
test_late_table_bounded(void **state)
{
	struct tv_flow_cfg cfg;
	struct tv_flow *f;
	struct ep a = cli;
	struct tv_conn *c;
	unsigned i, n = 3 * TV_FLOW_LATE_SETS * TV_FLOW_LATE_WAYS;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.linger_ns = LINGER;		/* no done callback: thousands go out */
	f = tv_flow_new(&cfg);
	assert_non_null(f);
	for (i = 0; i < n; i++) {
		a.addr.a[1] = (uint8_t)(i >> 16);
		a.addr.a[2] = (uint8_t)(i >> 8);
		a.addr.a[3] = (uint8_t)i;
		/* SYN, refused: closed at once */
		tcp(f, &a, &srv_hi, SYN, 100, 0, 0, (int64_t)i * 10, NULL);
		tcp(f, &srv_hi, &a, RST | ACK, 0, 101, 0, (int64_t)i * 10 + 1, NULL);
	}
	/* the last one, after its linger: late; the first: forgotten */
	a.addr.a[1] = (uint8_t)((n - 1) >> 16);
	a.addr.a[2] = (uint8_t)((n - 1) >> 8);
	a.addr.a[3] = (uint8_t)(n - 1);
	c = tcp(f, &a, &srv_hi, ACK, 101, 0, 0, (int64_t)n * 10 + 5000, NULL);
	assert_int_equal(c->late_of, n);
	a.addr.a[1] = a.addr.a[2] = a.addr.a[3] = 0;
	c = tcp(f, &a, &srv_hi, ACK, 101, 0, 0, (int64_t)n * 10 + 5001, NULL);
	assert_int_equal(c->late_of, 0);
	assert_int_equal(c->id, n + 1);
	tv_flow_free(f);
}

/* The list itself: a few of Zeek's ports, TCP and UDP apart */
static void
test_likely_server_ports(void **state)
{
	(void)state;
	assert_true(tv_likely_server_port(6, 80));
	assert_true(tv_likely_server_port(6, 443));
	assert_true(tv_likely_server_port(6, 22));
	assert_true(tv_likely_server_port(6, 21));
	assert_true(tv_likely_server_port(6, 20000));
	assert_true(tv_likely_server_port(17, 53));
	assert_true(tv_likely_server_port(17, 123));
	assert_false(tv_likely_server_port(6, 123));	/* NTP is UDP */
	assert_false(tv_likely_server_port(17, 22));
	assert_false(tv_likely_server_port(6, 40000));
	assert_false(tv_likely_server_port(6, 0));
	assert_false(tv_likely_server_port(6, 65535));
	assert_false(tv_likely_server_port(1, 80));
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

/* Zeek's IsReuse(): a SYN after either side sent a FIN (or an RST) starts
 * a new connection, even with the same ISN; a SYN-ACK never does */
static void
test_reuse_same_isn_after_fin(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	struct tv_flow_stats st;
	struct tv_conn *c;

	(void)state;
	handshake(f, &cli, &srv, 100, 500, 0);
	close4(f, &cli, &srv, 101, 501, 10);
	/* after the FINs, the first SYN again: connection 2 */
	c = tcp(f, &cli, &srv, SYN, 100, 0, 0, 20, NULL);
	assert_int_equal(c->id, 2);
	assert_int_equal(c->pkts[TV_CLIENT], 1);
	assert_int_equal(tv_tcp_syn_retries(&c->tcp), 0);
	assert_int_equal(r.n, 1);
	/* a SYN-ACK is never a reuse */
	c = tcp(f, &srv, &cli, SYN | ACK, 777, 101, 0, 30, NULL);
	assert_int_equal(c->id, 2);
	tv_flow_get_stats(f, &st);
	assert_int_equal(st.conns, 2);
	tv_flow_free(f);

	/* one FIN is enough, the connection not closed yet */
	f = flow_new(&r, 0, 0, 0);
	handshake(f, &cli, &srv, 100, 500, 0);
	tcp(f, &cli, &srv, FIN | ACK, 101, 501, 0, 10, NULL);
	c = tcp(f, &cli, &srv, SYN, 100, 0, 0, 20, NULL);
	assert_int_equal(c->id, 2);
	/* before any FIN, a SYN with the ISN is a retry */
	c = tcp(f, &cli, &srv, SYN, 100, 0, 0, 30, NULL);
	assert_int_equal(c->id, 2);
	assert_int_equal(tv_tcp_syn_retries(&c->tcp), 1);
	tv_flow_free(f);
}

/* After an RST closed the connection, a SYN begins a new one even with
 * the same ISN: a new attempt, not a retry of the refused one. */
static void
test_syn_after_rst_new_conn(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);
	struct tv_flow_stats st;
	struct tv_conn *c;
	enum tv_side from;

	(void)state;
	tcp(f, &cli, &srv, SYN, 100, 0, 0, 0, NULL);
	c = tcp(f, &srv, &cli, RST | ACK, 0, 101, 0, 1, NULL);
	assert_true(c->closed);
	c = tcp(f, &cli, &srv, SYN, 100, 0, 0, 2, &from);
	assert_int_equal(r.n, 1);		/* the refused one went first */
	assert_int_equal(r.ev[0].id, 1);
	assert_int_equal(r.ev[0].why, TV_DONE_CLOSED);
	assert_int_equal(r.ev[0].pkts, 2);
	assert_int_equal(c->id, 2);
	assert_int_equal(from, TV_CLIENT);
	assert_false(c->closed);
	assert_int_equal(c->pkts[TV_CLIENT], 1);
	assert_int_equal(tv_tcp_syn_retries(&c->tcp), 0);
	assert_int_equal(c->last.syn_retry, 0);
	assert_false(c->last.notes & TV_NOTE_RETRANS);
	/* a real retry of the new attempt still counts */
	c = tcp(f, &cli, &srv, SYN, 100, 0, 0, 1002, NULL);
	assert_int_equal(c->id, 2);
	assert_int_equal(c->last.syn_retry, 1);
	assert_int_equal(tv_tcp_syn_retries(&c->tcp), 1);
	/* an RST, then a SYN-ACK: never a reuse */
	tcp(f, &srv, &cli, RST | ACK, 0, 101, 0, 1003, NULL);
	c = tcp(f, &srv, &cli, SYN | ACK, 777, 101, 0, 1004, NULL);
	assert_int_equal(c->id, 2);
	tv_flow_get_stats(f, &st);
	assert_int_equal(st.conns, 2);
	tv_flow_free(f);
}

/* ---- many connections: a callback that keeps only counts and order ---- */

struct tally {
	uint64_t n;
	uint64_t retries;
	uint64_t rej;
	uint64_t order;		/* a running hash of the ids in hand-out order */
};

static void
on_done_tally(struct tv_conn *c, enum tv_done why, void *ctx)
{
	struct tally *y = ctx;

	y->n++;
	y->retries += tv_tcp_syn_retries(&c->tcp);
	if (c->proto == 6 && strcmp(tv_tcp_conn_state(&c->tcp), "REJ") == 0)
		y->rej++;
	y->order = (y->order ^ c->id ^ (uint64_t)why << 32) * 1099511628211ULL;
}

static struct tv_flow *
flow_tally(struct tally *y, uint32_t max_conns, uint64_t k0, uint64_t k1)
{
	struct tv_flow_cfg cfg;
	struct tv_flow *f;

	memset(y, 0, sizeof(*y));
	memset(&cfg, 0, sizeof(cfg));
	cfg.linger_ns = LINGER;
	cfg.max_conns = max_conns;
	cfg.done = on_done_tally;
	cfg.ctx = y;
	cfg.key[0] = k0;
	cfg.key[1] = k1;
	f = tv_flow_new(&cfg);
	assert_non_null(f);
	return f;
}

/* 100,000 SYN/RST pairs with one ISN on one 4-tuple: 100,000 refused
 * connections, none with a retry (it gave one connection and 34,463). */
static void
test_syn_rst_pairs(void **state)
{
	struct tally y;
	struct tv_flow *f = flow_tally(&y, 0, 0, 0);
	struct tv_flow_stats st;
	int i;

	(void)state;
	for (i = 0; i < 100000; i++) {
		assert_int_equal(tcp(f, &cli, &srv, SYN, 100, 0, 0, 2 * i,
		    NULL)->id, (uint32_t)i + 1);
		tcp(f, &srv, &cli, RST | ACK, 0, 101, 0, 2 * i + 1, NULL);
	}
	tv_flow_finish(f);
	tv_flow_get_stats(f, &st);
	assert_int_equal(st.conns, 100000);
	assert_int_equal(y.n, 100000);
	assert_int_equal(y.rej, 100000);
	assert_int_equal(y.retries, 0);
	tv_flow_free(f);
}

/* ---- the keyed hash ---- */

/* SipHash-1-3's reference vectors: key 00 01 .. 0f, message 00 01 .. n-1
 * (the siphasher crate's and the reference C code's vectors). */
static void
test_siphash13_vectors(void **state)
{
	static const struct {
		size_t n;
		uint64_t h;
	} v[] = {
		{ 0, 0xabac0158050fc4dcULL }, { 1, 0xc9f49bf37d57ca93ULL },
		{ 7, 0xd3927d989bb11140ULL }, { 8, 0x369095118d299a8eULL },
		{ 15, 0xd320d86d2a519956ULL }, { 39, 0x626b57547b108392ULL },
		{ 63, 0x9d199062b7bbb3a8ULL },
	};
	uint64_t key[2] = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL };
	uint8_t msg[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(tv_siphash13(key, msg, v[i].n), v[i].h);
}

/* Both directions hash alike; protocol, family, addresses and ports count. */
static void
test_hash_both_ways(void **state)
{
	uint64_t key[2] = { 0x1234, 0x5678 };
	struct tv_pkt p = mkpkt(6, &cli, &srv, SYN, 1, 0, 0, 0);
	struct tv_pkt q = mkpkt(6, &srv, &cli, SYN | ACK, 1, 2, 0, 0);
	struct tv_pkt u = mkpkt(17, &cli, &srv, 0, 0, 0, 0, 0);
	struct tv_pkt r = mkpkt(6, &cli2, &srv, SYN, 1, 0, 0, 0);
	struct tv_pkt v6 = p;
	uint64_t h = tv_flow_hash(key, &p);

	(void)state;
	v6.src.family = v6.dst.family = 6;
	/* IPv4: SipHash-1-3 of the lower address (4 bytes), the higher, their
	 * ports (little-endian), the protocol */
	{
		uint8_t m[13];

		memcpy(m, cli.addr.a, 4);
		memcpy(m + 4, srv.addr.a, 4);
		m[8] = cli.port & 0xff;
		m[9] = cli.port >> 8;
		m[10] = srv.port & 0xff;
		m[11] = srv.port >> 8;
		m[12] = 6;
		assert_int_equal(tv_siphash13(key, m, sizeof(m)), h);
	}
	/* any other: of the lower address (16 bytes), the higher, their
	 * ports, the protocol, their families */
	{
		uint8_t m[39];

		memset(m, 0, sizeof(m));
		memcpy(m, v6.src.a, 16);
		memcpy(m + 16, v6.dst.a, 16);
		m[32] = cli.port & 0xff;
		m[33] = cli.port >> 8;
		m[34] = srv.port & 0xff;
		m[35] = srv.port >> 8;
		m[36] = 6;
		m[37] = m[38] = 6;
		assert_int_equal(tv_siphash13(key, m, sizeof(m)), tv_flow_hash(key, &v6));
	}
	assert_int_equal(tv_flow_hash(key, &q), h);
	assert_int_not_equal(tv_flow_hash(key, &u), h);
	assert_int_not_equal(tv_flow_hash(key, &r), h);
	assert_int_not_equal(tv_flow_hash(key, &v6), h);
	key[1]++;
	assert_int_not_equal(tv_flow_hash(key, &p), h);
}

/* The old unkeyed hash (byte-wise FNV-1a per endpoint, added, mixed):
 * here only to show that the tuples below all shared one bucket in it. */
static uint64_t
old_fnv(const struct ep *e)
{
	uint64_t h = 1469598103934665603ULL;
	int i;

	for (i = 0; i < 16; i++)
		h = (h ^ e->addr.a[i]) * 1099511628211ULL;
	h = (h ^ (e->port & 0xff)) * 1099511628211ULL;
	return (h ^ (e->port >> 8)) * 1099511628211ULL;
}

static uint64_t
old_hash(const struct ep *a, const struct ep *b)
{
	uint64_t h = old_fnv(a) + old_fnv(b) + 6;

	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 32);
}

/* tuples of tools/mkcollide.py: one bucket of the old hash at any size */
static const struct {
	uint8_t c[4];
	uint16_t cp;
	uint8_t s[4];
	uint16_t sp;
} old_collide[] = {
	{ { 10, 1, 3, 1 }, 259, { 10, 2, 7, 1 }, 287 },
	{ { 10, 1, 3, 1 }, 40961, { 10, 2, 7, 1 }, 24577 },
	{ { 10, 1, 3, 1 }, 8454, { 10, 2, 7, 1 }, 8450 },
	{ { 10, 1, 3, 1 }, 775, { 10, 2, 7, 1 }, 771 },
	{ { 10, 1, 3, 1 }, 13084, { 10, 2, 7, 1 }, 4892 },
	{ { 10, 1, 3, 1 }, 57604, { 10, 2, 7, 1 }, 8452 },
	{ { 10, 1, 3, 1 }, 1797, { 10, 2, 7, 1 }, 16133 },
	{ { 10, 1, 3, 1 }, 18718, { 10, 2, 7, 1 }, 18714 },
	{ { 10, 1, 3, 1 }, 33290, { 10, 2, 7, 1 }, 33286 },
	{ { 10, 1, 3, 1 }, 779, { 10, 2, 7, 1 }, 775 },
	{ { 10, 1, 3, 1 }, 4888, { 10, 2, 7, 1 }, 29464 },
	{ { 10, 1, 3, 1 }, 65051, { 10, 2, 7, 1 }, 22039 },
};
#define N_OLD (sizeof(old_collide) / sizeof(old_collide[0]))

#define NB 1024		/* the table's first bucket count */

static void
old_ep(unsigned i, struct ep *c, struct ep *s)
{
	memset(c, 0, sizeof(*c));
	memset(s, 0, sizeof(*s));
	c->addr.family = s->addr.family = 4;
	memcpy(c->addr.a, old_collide[i].c, 4);
	memcpy(s->addr.a, old_collide[i].s, 4);
	c->port = old_collide[i].cp;
	s->port = old_collide[i].sp;
}

/* Tuples that shared one bucket of the old hash are spread under any key,
 * and two keys spread the same tuples differently. */
static void
test_keys_spread_buckets(void **state)
{
	static const uint64_t keys[3][2] = {
		{ 0, 0 }, { 0x0123456789abcdefULL, 0xfedcba9876543210ULL },
		{ 0x0123456789abcdefULL, 0xfedcba9876543211ULL },
	};
	static uint16_t load[3][NB];
	struct ep c, s;
	size_t b[3], same01 = 0, same12 = 0, distinct;
	unsigned i, k, j, max;

	(void)state;
	for (i = 0; i < N_OLD; i++) {
		struct ep c0, s0;

		old_ep(0, &c0, &s0);
		old_ep(i, &c, &s);
		assert_int_equal(old_hash(&c, &s), old_hash(&c0, &s0));
	}
	for (k = 0; k < 3; k++) {
		distinct = 0;
		for (i = 0; i < N_OLD; i++) {
			struct tv_pkt p;

			old_ep(i, &c, &s);
			p = mkpkt(6, &c, &s, SYN, 1, 0, 0, 0);
			b[0] = tv_flow_hash(keys[k], &p) & (NB - 1);
			for (j = 0; j < i; j++) {
				struct ep c2, s2;
				struct tv_pkt p2;

				old_ep(j, &c2, &s2);
				p2 = mkpkt(6, &c2, &s2, SYN, 1, 0, 0, 0);
				if ((tv_flow_hash(keys[k], &p2) & (NB - 1)) == b[0])
					break;
			}
			distinct += j == i;
		}
		/* 12 tuples in 1024 buckets: at most a pair or two share one */
		assert_true(distinct >= N_OLD - 3);
	}

	/* 4,096 ordinary tuples: each key fills the buckets evenly, and the
	 * keys put most tuples in different buckets */
	memset(load, 0, sizeof(load));
	for (i = 0; i < 4096; i++) {
		struct tv_pkt p;

		c = cli;
		c.addr.a[2] = (uint8_t)(i >> 8);
		c.addr.a[3] = (uint8_t)i;
		c.port = (uint16_t)(1024 + i);
		p = mkpkt(6, &c, &srv, SYN, 1, 0, 0, 0);
		for (k = 0; k < 3; k++) {
			b[k] = tv_flow_hash(keys[k], &p) & (NB - 1);
			load[k][b[k]]++;
		}
		same01 += b[0] == b[1];
		same12 += b[1] == b[2];
	}
	for (k = 0; k < 3; k++) {
		for (max = 0, j = 0; j < NB; j++)
			if (load[k][j] > max)
				max = load[k][j];
		assert_true(max < 24);	/* 4 on average; about 12 expected */
	}
	/* by chance 4 of 4,096 share a bucket; keys one bit apart too */
	assert_true(same01 < 64);
	assert_true(same12 < 64);
	assert_true(memcmp(load[0], load[1], sizeof(load[0])) != 0);
	assert_true(memcmp(load[1], load[2], sizeof(load[1])) != 0);
}

/* Under any key every connection is found again from both sides, and
 * what the table hands out (ids, order, reasons, evictions) is the same. */
static void
test_keys_same_output(void **state)
{
	static const uint64_t keys[3][2] = {
		{ 0, 0 }, { 1, 0 }, { 0x9e3779b97f4a7c15ULL, 0xbf58476d1ce4e5b9ULL },
	};
	uint64_t order[3], n[3];
	unsigned k, i;

	(void)state;
	for (k = 0; k < 3; k++) {
		struct tally y;
		/* more than the table holds: evictions by last activity */
		struct tv_flow *f = flow_tally(&y, 4000, keys[k][0], keys[k][1]);
		struct ep a = cli;
		enum tv_side from;

		for (i = 0; i < 6000; i++) {
			a.addr.a[2] = (uint8_t)(i >> 8);
			a.addr.a[3] = (uint8_t)i;
			a.port = (uint16_t)(20000 + i);
			assert_int_equal(tcp(f, &a, &srv, SYN, i, 0, 0, i,
			    NULL)->id, i + 1);
		}
		/* the 4,000 still open, from the server's side; every tenth
		 * refused, so it waits out its linger */
		for (i = 2000; i < 6000; i++) {
			struct tv_conn *c;

			a.addr.a[2] = (uint8_t)(i >> 8);
			a.addr.a[3] = (uint8_t)i;
			a.port = (uint16_t)(20000 + i);
			c = tcp(f, &srv, &a, i % 10 ? SYN | ACK : RST | ACK, 7,
			    i + 1, 0, 6000 + i, &from);
			assert_int_equal(c->id, i + 1);
			assert_int_equal(from, TV_SERVER);
		}
		tv_flow_finish(f);
		assert_int_equal(y.n, 6000);
		order[k] = y.order;
		n[k] = y.rej;
		tv_flow_free(f);
	}
	assert_int_equal(order[0], order[1]);
	assert_int_equal(order[0], order[2]);
	assert_int_equal(n[0], 400);
	assert_int_equal(n[1], n[0]);
	assert_int_equal(n[2], n[0]);
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

/* A full table first hands out the closed connections waiting out their
 * linger (as a larger table would have, only sooner), and keeps the open
 * one even when it is the least recently active. */
static void
test_max_conns_takes_closed_first(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 2, 0);
	struct tv_flow_stats st;
	struct ep c[3];
	uint32_t open_id, closed_id;
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		c[i] = cli;
		c[i].port = (uint16_t)(42000 + i);
	}
	open_id = handshake(f, &c[0], &srv, 100, 500, 0);	/* quiet since 2 ms */
	closed_id = handshake(f, &c[1], &srv, 100, 500, 10);
	tcp(f, &c[1], &srv, RST, 101, 0, 0, 20, NULL);		/* lingers */
	assert_int_equal(r.n, 0);
	tcp(f, &c[2], &srv, SYN, 1, 0, 0, 30, NULL);		/* the table is full */
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].id, closed_id);
	assert_int_equal(r.ev[0].why, TV_DONE_CLOSED);
	/* the open one is still the same connection */
	assert_int_equal(tcp(f, &c[0], &srv, ACK, 101, 501, 0, 40, NULL)->id,
	    open_id);
	tv_flow_get_stats(f, &st);
	assert_int_equal(st.evicted, 0);
	assert_int_equal(st.conns, 3);
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

/*
 * A mixed run: 16 connections on 16 4-tuples, closed by FINs (out after
 * their linger) and by RSTs (three refused), one 4-tuple used again by a new SYN, a late
 * RST after a hand-out, a long one cut into parts of 6 rows, unanswered
 * SYNs a table of 8 evicts.  *mid: the hand-outs seen halfway.
 */
static void
mixed_run(struct tv_flow *f, struct rec *r, int *mid)
{
	struct ep c[16];
	int64_t ms = 0;
	int i, k;

	for (i = 0; i < 16; i++) {
		memset(&c[i], 0, sizeof(c[i]));
		c[i].addr.family = 4;
		c[i].addr.a[0] = 127;
		c[i].addr.a[3] = (uint8_t)(10 + i);
		c[i].port = (uint16_t)(40000 + i);
	}
	for (i = 0; i < 6; i++, ms += 700) {
		handshake(f, &c[i], &srv_hi, 100, 500, ms);
		if (i % 2)
			tcp(f, &c[i], &srv_hi, RST | ACK, 101, 501, 0, ms + 5, NULL);
		else
			close4(f, &c[i], &srv_hi, 101, 501, ms + 5);
	}
	/* the long one, in parts, while the others linger and go out */
	handshake(f, &c[6], &srv_hi, 7000, 9000, ms);
	for (k = 0; k < 20; k++, ms += 300)
		tcp(f, &c[6], &srv_hi, ACK | PSH, 7001 + 10 * (uint32_t)k, 9001,
		    10, ms + 3, NULL);
	/* three refused, out after their linger, fewer than a batch */
	for (i = 12; i < 15; i++)
		tcp(f, &c[i], &srv_hi, SYN, 5, 0, 0, ms + i, NULL);
	for (i = 12; i < 15; i++)
		tcp(f, &srv_hi, &c[i], RST | ACK, 0, 6, 0, ms + 20 + i, NULL);
	ms += 3000;
	tcp(f, &c[15], &srv_hi, SYN, 5, 0, 0, ms, NULL);
	*mid = r->n;
	/* 4-tuple reuse: a new SYN on c[0] after its close went out, and on
	 * c[2] while it lingers; a late RST on c[1] */
	handshake(f, &c[0], &srv_hi, 100000, 200000, ms);
	handshake(f, &c[2], &srv_hi, 300000, 400000, ms + 10);
	tcp(f, &srv_hi, &c[1], RST, 501, 0, 0, ms + 20, NULL);
	/* unanswered SYNs fill the table of 8: the oldest are evicted */
	for (i = 7; i < 12; i++, ms += 100)
		tcp(f, &c[i], &srv_hi, SYN, 5, 0, 0, ms + 30, NULL);
	/* 10 s later a SYN sent again: the rest have gone quiet too long;
	 * it is still open at the end */
	tcp(f, &c[11], &srv_hi, SYN, 5, 0, 0, ms + 10000, NULL);
	tv_flow_finish(f);
}

/* the table mixed_run() runs through: 8 connections, parts of 6 rows,
 * TCP let go after 4 s of quiet; batch: tv_flow_cfg.batch */
static struct tv_flow *
flow_mixed(struct rec *r, uint32_t batch)
{
	struct tv_flow_cfg more;

	memset(&more, 0, sizeof(more));
	more.idle_ns[0] = 4000000000ULL;
	more.batch = batch;
	return flow_cfg_new(r, 1, 8, 6, &more);
}

/* Connections held back and handed out in batches (tv_flow_cfg.batch)
 * come in the same order, for the same reasons, with the same rows and
 * counts as when each goes out at once; only later. */
static void
test_batch_same_hand_outs(void **state)
{
	struct rec r0, r5;
	struct tv_flow *f0 = flow_mixed(&r0, 0), *f5 = flow_mixed(&r5, 5);
	unsigned whys = 0;
	int mid0, mid5, i;

	(void)state;
	mixed_run(f0, &r0, &mid0);
	mixed_run(f5, &r5, &mid5);
	assert_true(r0.n >= 20);
	assert_int_equal(r5.n, r0.n);
	for (i = 0; i < r0.n; i++) {
		assert_int_equal(r5.ev[i].id, r0.ev[i].id);
		assert_int_equal(r5.ev[i].why, r0.ev[i].why);
		assert_int_equal(r5.ev[i].nrows, r0.ev[i].nrows);
		assert_int_equal(r5.ev[i].pkts, r0.ev[i].pkts);
		assert_int_equal(r5.ev[i].part, r0.ev[i].part);
		assert_int_equal(r5.ev[i].closed, r0.ev[i].closed);
		assert_int_equal(r5.ev[i].first_row_n - r5.ev[0].first_row_n,
		    r0.ev[i].first_row_n - r0.ev[0].first_row_n);
		whys |= 1u << r0.ev[i].why;
	}
	/* every way out was taken */
	assert_int_equal(whys, 1u << TV_DONE_CLOSED | 1u << TV_DONE_PARTIAL |
	    1u << TV_DONE_EVICTED | 1u << TV_DONE_IDLE | 1u << TV_DONE_END);
	/* the batch held some back: by then fewer had come, but some (the
	 * parts hand out what is held first) */
	assert_true(mid5 < mid0);
	assert_true(mid5 > 0);
	tv_flow_free(f0);
	tv_flow_free(f5);
}

/* tv_flow_batch(f, 0) hands out what is held, and nothing is held after */
static void
test_batch_off_flushes(void **state)
{
	struct rec r;
	struct tv_flow *f = flow_new(&r, 0, 0, 0);

	(void)state;
	tv_flow_batch(f, 3);
	handshake(f, &cli, &srv_hi, 100, 500, 0);
	tcp(f, &cli, &srv_hi, RST | ACK, 101, 501, 0, 5, NULL);
	tcp(f, &cli2, &srv_hi, SYN, 7, 0, 0, 3000, NULL);	/* reaps the first */
	assert_int_equal(r.n, 0);
	tv_flow_batch(f, 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].id, 1);
	assert_int_equal(r.ev[0].why, TV_DONE_CLOSED);
	handshake(f, &cli, &srv_hi, 9000, 9500, 3100);
	tcp(f, &cli, &srv_hi, RST | ACK, 9001, 9501, 0, 3105, NULL);
	tcp(f, &cli2, &srv_hi, SYN, 7, 0, 0, 6000, NULL);
	assert_int_equal(r.n, 2);
	tv_flow_free(f);
}

/* Held connections and an empty table: tv_flow_finish() hands them out;
 * tv_flow_free() frees them without (nothing leaks: the sanitizer build) */
static void
test_batch_finish_and_free(void **state)
{
	struct tv_flow_stats st;
	struct rec r;
	struct tv_flow *f;
	int k;

	(void)state;
	for (k = 0; k < 2; k++) {
		f = flow_new(&r, 1, 0, 0);
		tv_flow_batch(f, 5);
		handshake(f, &cli, &srv_hi, 100, 500, 0);
		tcp(f, &cli, &srv_hi, RST | ACK, 101, 501, 0, 5, NULL);
		handshake(f, &cli2, &srv_hi, 100, 500, 10);
		tcp(f, &cli2, &srv_hi, RST | ACK, 101, 501, 0, 15, NULL);
		tv_flow_reap(f, 3, 0);
		tv_flow_get_stats(f, &st);
		assert_int_equal(st.open, 0);
		assert_int_equal(r.n, 0);
		if (k == 0) {
			tv_flow_finish(f);
			assert_int_equal(r.n, 2);
			assert_int_equal(r.ev[0].id, 1);
			assert_int_equal(r.ev[1].id, 2);
			assert_int_equal(r.ev[1].nrows, 4);
		}
		tv_flow_free(f);
		assert_int_equal(r.n, k == 0 ? 2 : 0);
	}
}

/* A batch asked larger than TV_FLOW_BATCH is TV_FLOW_BATCH: of 65 closed
 * connections gone out, 64 come in one batch and one is held */
static void
test_batch_at_most(void **state)
{
	struct tally y;
	struct tv_flow *f = flow_tally(&y, 0, 0, 0);
	struct ep e;
	int i;

	(void)state;
	tv_flow_batch(f, 1000);
	memset(&e, 0, sizeof(e));
	e.addr.family = 4;
	e.addr.a[0] = 127;
	for (i = 0; i < 65; i++) {
		e.addr.a[2] = (uint8_t)(i / 200);
		e.addr.a[3] = (uint8_t)(10 + i % 200);
		e.port = (uint16_t)(42000 + i);
		tcp(f, &e, &srv_hi, SYN, 5, 0, 0, i, NULL);
		tcp(f, &srv_hi, &e, RST | ACK, 0, 6, 0, i, NULL);
	}
	tv_flow_reap(f, 10, 0);
	assert_int_equal(y.n, TV_FLOW_BATCH);
	tv_flow_finish(f);
	assert_int_equal(y.n, 65);
	tv_flow_free(f);
}

/* The held ones count against max_conns: a table of 3 holds at most 3
 * connections, open and held together */
static void
test_batch_within_max_conns(void **state)
{
	struct tv_flow_stats st;
	struct rec r;
	struct tv_flow *f = flow_new(&r, 1, 3, 0);
	struct ep e;
	int i;

	(void)state;
	tv_flow_batch(f, 10);
	memset(&e, 0, sizeof(e));
	e.addr.family = 4;
	e.addr.a[0] = 127;
	for (i = 0; i < 6; i++) {
		e.addr.a[3] = (uint8_t)(10 + i);
		e.port = (uint16_t)(41000 + i);
		tcp(f, &e, &srv_hi, SYN, 5, 0, 0, i, NULL);
		tv_flow_get_stats(f, &st);
		assert_true(st.open <= 3);
		/* begun less handed out: the open and the held, at most 3 */
		assert_true(i + 1 - r.n <= 3);
	}
	tv_flow_finish(f);
	assert_int_equal(r.n, 6);
	for (i = 0; i < 6; i++)
		assert_int_equal(r.ev[i].id, (uint32_t)i + 1);
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
	/* 8, 16, 32, 64, 128 rows (248), then full-size blocks of 128 */
	assert_int_equal(blocks, 5 + (300 - 248 + TV_ROWBLK - 1) / TV_ROWBLK);
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

/* Live, quiet connections are let go: UDP after its timeout, TCP after its
 * own (longer) one; eviction still takes the least recently active of
 * both kinds. */
static void
test_inactive_let_go(void **state)
{
	struct tv_flow_cfg cfg;
	struct tv_pkt p;
	struct tv_flow *f;
	struct rec r;
	enum tv_side from;
	uint32_t tid, uid;

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(&cfg, 0, sizeof(cfg));
	cfg.linger_ns = LINGER;
	cfg.idle_ns[0] = 300 * 1000000000ULL;
	cfg.idle_ns[1] = 60 * 1000000000ULL;
	cfg.done = on_done;
	cfg.ctx = &r;
	f = tv_flow_new(&cfg);
	assert_non_null(f);
	tid = handshake(f, &cli, &srv, 100, 500, 0);
	p = mkpkt(17, &cli2, &srv, 0, 0, 0, 10, 1000);
	uid = tv_flow_add(f, &p, &from)->id;
	/* 59 s after the datagram: nothing yet */
	tv_flow_reap(f, 60, 0);
	assert_int_equal(r.n, 0);
	/* 61 s: the UDP flow goes, the TCP connection stays */
	tv_flow_reap(f, 61, 1000);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].id, uid);
	assert_int_equal(r.ev[0].why, TV_DONE_IDLE);
	/* a packet keeps the TCP connection alive; 300 s after it, it goes */
	tcp(f, &cli, &srv, ACK, 101, 501, 0, 100000, NULL);
	tv_flow_reap(f, 399, 0);
	assert_int_equal(r.n, 1);
	tv_flow_reap(f, 400, 1000);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[1].id, tid);
	assert_int_equal(r.ev[1].why, TV_DONE_IDLE);
	tv_flow_free(f);

	/* with no timeouts (replay), nothing is let go; a full table evicts
	 * the least recently active, UDP or TCP */
	f = flow_new(&r, 0, 2, 0);
	p = mkpkt(17, &cli2, &srv, 0, 0, 0, 10, 0);
	uid = tv_flow_add(f, &p, &from)->id;
	tid = handshake(f, &cli, &srv, 100, 500, 10);
	tv_flow_reap(f, 100000, 0);
	assert_int_equal(r.n, 0);
	tcp(f, &cli6, &srv6, SYN, 7, 0, 0, 20, NULL);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].id, uid);
	assert_int_equal(r.ev[0].why, TV_DONE_EVICTED);
	tv_flow_free(f);
	(void)tid;
}

/* ---- the index: many connections coming and going ---- */

static void
count_done(struct tv_conn *c, enum tv_done why, void *ctx)
{
	(void)c;
	(void)why;
	(*(uint64_t *)ctx)++;
}

/*
 * 6,000 connections, every third reset (and, its linger over, taken out
 * of the index, shifting the slots after it back), then one packet of
 * every connection in a shuffled order: each still finds its own
 * connection, and a SYN on a reset one's 4-tuple starts a new one.
 */
static void
test_index_churn(void **state)
{
	enum { N = 6000 };
	static uint32_t id[N];
	struct tv_flow_cfg cfg;
	struct tv_flow_stats st;
	struct tv_flow *f;
	uint64_t done = 0;
	uint32_t i, k;
	struct ep a = cli;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.linger_ns = 1000000;	/* 1 ms */
	cfg.done = count_done;
	cfg.ctx = &done;
	f = tv_flow_new(&cfg);
	assert_non_null(f);
	for (i = 0; i < N; i++) {
		a.port = (uint16_t)(1024 + i);
		id[i] = tcp(f, &a, &srv, SYN, i * 7, 0, 0, 1000, NULL)->id;
	}
	for (i = 0; i < N; i += 3) {
		a.port = (uint16_t)(1024 + i);
		assert_int_equal(tcp(f, &a, &srv, RST, i * 7 + 1, 0, 0, 1001,
		    NULL)->id, id[i]);
	}
	for (k = 0; k < N; k++) {
		i = (k * 2477u) % N;	/* every i once: 2477 is prime to N */
		a.port = (uint16_t)(1024 + i);
		if (i % 3 == 0)
			assert_true(tcp(f, &a, &srv, SYN, i * 7 + 99, 0, 0, 1010,
			    NULL)->id > N);
		else
			assert_int_equal(tcp(f, &a, &srv, ACK, i * 7 + 1, 0, 0,
			    1010, NULL)->id, id[i]);
	}
	tv_flow_get_stats(f, &st);
	assert_int_equal(st.conns, N + N / 3);
	assert_int_equal(st.open, N);
	assert_int_equal(done, N / 3);
	assert_int_equal(st.evicted, 0);
	tv_flow_finish(f);
	assert_int_equal(done, N / 3 + N);
	tv_flow_free(f);
}

/* ---- ICMP errors joined to the flow they quote ---- */

/* An ICMP error as tv_decode() gives it: the quote of a packet a sent to
 * b, reversed (from b to a), sent by `by`. */
static struct tv_pkt
mkicmp(uint8_t proto, const struct ep *a, const struct ep *b,
    const struct tv_addr *by, uint8_t kind, uint32_t mtu, int64_t ms)
{
	struct tv_pkt p = mkpkt(proto, b, a, 0, 0, 0, 0, ms);

	p.icmp.kind = kind;
	p.icmp.type = 3;
	p.icmp.code = 3;
	p.icmp.mtu = mtu;
	p.icmp.from = *by;
	p.icmp.to = a->addr;
	return p;
}

static void
test_icmp_joins_udp_flow(void **state)
{
	static const struct ep other = { { 4, { 127, 0, 0, 2 } }, 54 };
	struct rec r;
	struct tv_flow *f = flow_new(&r, 1, 0, 0);
	struct tv_flow_stats st;
	struct tv_pkt p = mkpkt(17, &cli, &srv, 0, 0, 0, 5, 0);
	struct tv_conn *c, *ci;
	enum tv_side from;
	char hist[TV_HISTORY_MAX];

	(void)state;
	c = tv_flow_add(f, &p, &from);
	assert_non_null(c);
	memcpy(hist, c->tcp.history, sizeof(hist));
	p = mkicmp(17, &cli, &srv, &srv.addr, TV_ICMP_PORT_UNREACH, 0, 1);
	ci = tv_flow_icmp(f, &p, &from);
	assert_ptr_equal(ci, c);
	assert_int_equal(from, TV_SERVER);
	assert_int_equal(c->icmp.n, 1);
	assert_int_equal(c->icmp.refused, 1);
	assert_int_equal(c->icmp.kind, TV_ICMP_PORT_UNREACH);
	assert_int_equal(c->icmp.side, TV_SERVER);
	/* not a packet of the flow: no count, no history, no time */
	assert_int_equal(c->pkts[TV_CLIENT], 1);
	assert_int_equal(c->pkts[TV_SERVER], 0);
	assert_int_equal(c->bytes[TV_SERVER], 0);
	assert_string_equal(c->tcp.history, hist);
	assert_int_equal(c->last_sec, 0);
	assert_int_equal(c->last_nsec, 0);
	/* a row from the server, marked */
	assert_int_equal(c->nrows, 2);
	assert_int_equal(c->rows->r[1].icmp, TV_ICMP_PORT_UNREACH);
	assert_int_equal(c->rows->r[1].from, TV_SERVER);
	assert_int_equal(c->rows->r[1].icmp_relay, 0);
	assert_int_equal(c->rows->r[0].icmp, 0);

	/* no flow matches: nothing is created */
	p = mkicmp(17, &cli, &other, &other.addr, TV_ICMP_PORT_UNREACH, 0, 2);
	assert_null(tv_flow_icmp(f, &p, &from));
	p = mkicmp(6, &cli, &srv, &srv.addr, TV_ICMP_PORT_UNREACH, 0, 2);
	assert_null(tv_flow_icmp(f, &p, &from));	/* TCP: another flow */
	/* a packet that is no ICMP error is not taken */
	p = mkpkt(17, &srv, &cli, 0, 0, 0, 5, 3);
	assert_null(tv_flow_icmp(f, &p, &from));
	tv_flow_get_stats(f, &st);
	assert_int_equal(st.conns, 1);
	assert_int_equal(c->icmp.n, 1);
	tv_flow_finish(f);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].pkts, 1);
	tv_flow_free(f);
}

/* RFC 5927, RFC 1122 §4.2.3.9: a soft error changes no TCP state. */
static void
test_icmp_tcp_soft_error(void **state)
{
	static const struct tv_addr router = { 4, { 127, 0, 0, 9 } };
	struct rec r;
	struct tv_flow *f = flow_new(&r, 1, 0, 5);
	struct tv_tcp before;
	struct tv_tcp_pkt last;
	struct tv_conn *c;
	struct tv_pkt p;
	enum tv_side from;

	(void)state;
	handshake(f, &cli, &srv, 100, 500, 0);
	c = tcp(f, &cli, &srv, ACK | PSH, 101, 501, 10, 3, NULL);
	before = c->tcp;
	last = c->last;
	p = mkicmp(6, &cli, &srv, &router, TV_ICMP_FRAG_NEEDED, 1400, 4);
	p.icmp.has_seq = 1;
	p.icmp.seq = 101;
	assert_ptr_equal(tv_flow_icmp(f, &p, &from), c);
	assert_int_equal(from, TV_SERVER);
	assert_memory_equal(&c->tcp, &before, sizeof(before));
	assert_memory_equal(&c->last, &last, sizeof(last));
	assert_int_equal(c->icmp.mtu, 1400);
	assert_int_equal(c->icmp.refused, 0);
	assert_int_equal(c->nrows, 5);
	assert_int_equal(c->rows->r[4].icmp, TV_ICMP_FRAG_NEEDED);
	assert_int_equal(c->rows->r[4].icmp_relay, 1);
	assert_int_equal(c->rows->r[4].has_qseq, 1);
	assert_int_equal(c->rows->r[4].seq, 101);
	assert_int_equal(c->rows->r[4].an.changed, 0);
	assert_int_equal(c->rows->r[4].an.state[0], TV_ST_ESTABLISHED);
	assert_int_equal(c->rows->r[4].an.state[1], TV_ST_ESTABLISHED);
	assert_int_equal(c->rows->r[4].flags, 0);
	/* the row limit reached: counted, not stored, no part handed out */
	p = mkicmp(6, &cli, &srv, &router, TV_ICMP_FRAG_NEEDED, 1280, 5);
	assert_ptr_equal(tv_flow_icmp(f, &p, &from), c);
	assert_int_equal(c->nrows, 5);
	assert_int_equal(c->icmp.n, 2);
	assert_int_equal(c->icmp.mtu, 1280);	/* the smallest */
	assert_int_equal(c->icmp.kind, TV_ICMP_FRAG_NEEDED);
	assert_int_equal(r.n, 0);
	/* a port unreachable for TCP refuses nothing of TCP's, but is said */
	p = mkicmp(6, &cli, &srv, &srv.addr, TV_ICMP_PORT_UNREACH, 0, 6);
	assert_ptr_equal(tv_flow_icmp(f, &p, &from), c);
	assert_memory_equal(&c->tcp, &before, sizeof(before));
	assert_int_equal(c->pkts[0] + c->pkts[1], 4);
	tv_flow_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_directions_one_conn),
		cmocka_unit_test(test_inactive_let_go),
		cmocka_unit_test(test_distinct_tuples_distinct_conns),
		cmocka_unit_test(test_tunnel_keys_conns),
		cmocka_unit_test(test_client_is_syn_sender),
		cmocka_unit_test(test_synack_first_receiver_is_client),
		cmocka_unit_test(test_midstream_first_sender_is_client),
		cmocka_unit_test(test_port_flip_midstream_tcp),
		cmocka_unit_test(test_port_flip_both_server_ports),
		cmocka_unit_test(test_port_flip_not_with_syn),
		cmocka_unit_test(test_port_flip_udp),
		cmocka_unit_test(test_likely_server_ports),
		cmocka_unit_test(test_late_rst_attached),
		cmocka_unit_test(test_late_in_its_tunnel),
		cmocka_unit_test(test_late_roles_reversed),
		cmocka_unit_test(test_pptp_one_conn),
		cmocka_unit_test(test_late_far_seq_new_conn),
		cmocka_unit_test(test_late_new_syn_new_conn),
		cmocka_unit_test(test_late_table_bounded),
		cmocka_unit_test(test_isns_recorded),
		cmocka_unit_test(test_fin_close_lingers),
		cmocka_unit_test(test_closed_handed_out_by_later_packet_or_finish),
		cmocka_unit_test(test_half_close_stays_open),
		cmocka_unit_test(test_fin_with_data),
		cmocka_unit_test(test_fin_acked_across_wrap),
		cmocka_unit_test(test_rst_closes),
		cmocka_unit_test(test_reuse_new_isn_new_conn),
		cmocka_unit_test(test_reuse_same_isn_after_fin),
		cmocka_unit_test(test_syn_after_rst_new_conn),
		cmocka_unit_test(test_syn_rst_pairs),
		cmocka_unit_test(test_siphash13_vectors),
		cmocka_unit_test(test_hash_both_ways),
		cmocka_unit_test(test_keys_spread_buckets),
		cmocka_unit_test(test_index_churn),
		cmocka_unit_test(test_keys_same_output),
		cmocka_unit_test(test_ids_and_finish_order),
		cmocka_unit_test(test_max_conns_evicts_least_recent),
		cmocka_unit_test(test_max_conns_takes_closed_first),
		cmocka_unit_test(test_max_rows_parts),
		cmocka_unit_test(test_batch_same_hand_outs),
		cmocka_unit_test(test_batch_off_flushes),
		cmocka_unit_test(test_batch_finish_and_free),
		cmocka_unit_test(test_batch_within_max_conns),
		cmocka_unit_test(test_batch_at_most),
		cmocka_unit_test(test_keep_rows_off),
		cmocka_unit_test(test_rows_span_blocks),
		cmocka_unit_test(test_conn_rel),
		cmocka_unit_test(test_udp_conn),
		cmocka_unit_test(test_icmp_joins_udp_flow),
		cmocka_unit_test(test_icmp_tcp_soft_error),
		cmocka_unit_test(test_many_conns_grow_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
