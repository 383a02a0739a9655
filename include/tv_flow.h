/* \summary: connection table: packets grouped by 4-tuple into connections */
#ifndef TV_FLOW_H
#define TV_FLOW_H

#include <stddef.h>
#include <stdint.h>
#include "tv_decode.h"
#include "tv_tcp.h"

enum tv_side { TV_CLIENT = 0, TV_SERVER = 1 };

/* One packet as the tracker saw it: the fields a picture of the whole
 * connection needs, with what the analysis said; stored only when rows are
 * kept (tv_flow_cfg.keep_rows). */
struct tv_row {
	uint64_t n;
	int64_t ts_sec;
	uint32_t ts_nsec;
	uint32_t seq, ack;
	uint32_t len;
	uint16_t win;
	uint16_t mss;
	uint16_t flags;
	uint8_t from;		/* enum tv_side */
	uint8_t opt_mask;
	uint8_t wscale;
	uint8_t nsack;
	uint8_t truncated;
	uint8_t ttl;		/* -v: IP's TTL or hop limit */
	uint8_t has_ipid;	/* IPv4: ipid is its ID */
	uint8_t ck_l4;		/* -v: enum tv_ck of the TCP/UDP checksum ... */
	uint8_t seen, lost;	/* the lab: as tv_pkt's */
	uint16_t ck_got, ck_want;	/* ... the field, what it should be */
	/* fold_n > 0: the row stands for a run of fold_n rows that its
	 * connection's renderer folds as they come (tv_flow_cfg.merge): these
	 * are the first row's fields, fold_bytes the run's payload each way */
	uint32_t fold_n;
	const char *malformed;	/* static text or NULL */
	struct tv_tcp_pkt an;	/* TCP: states after it, notes */
	uint32_t fold_bytes[2];
	uint16_t ipid;		/* -v */
	uint16_t frags;		/* reassembled from this many IP fragments (0: none);
				   here, in a hole, so a row stays 168 bytes */
	uint32_t owd_ns;	/* the lab: one-way time (seen at both ends) */
	/* -A, -X: up to paylen bytes of payload, kept by the renderer that
	 * stores rows (tv_flow leaves them NULL and 0) */
	uint16_t paylen;
	uint32_t ts_val, ts_ecr;	/* -vv: the options in full */
	uint32_t sack[TV_MAX_SACK][2];
	const uint8_t *pay;
	/* an ICMP error joined to the connection (tv_flow_icmp()): its kind
	 * (enum tv_icmp_kind, 0: a packet of the connection), ICMPv6, the
	 * MTU it gave; seq is the quoted TCP sequence number (has_qseq) */
	uint8_t icmp, icmp6, has_qseq;
	uint8_t icmp_relay;	/* sent by another host than that side (a router) */
	uint32_t mtu;
};

/* Rows are stored in blocks: a small first one, since most connections
 * are short, each next one twice the last up to TV_ROWBLK (so at most
 * half of a connection's row space is ever empty); freed blocks are
 * recycled by size. */
#define TV_ROWBLK_FIRST 8
#define TV_ROWBLK 128
#define TV_ROWBLK_SIZES 5	/* 8, 16, 32, 64, 128 */
struct tv_rowblk {
	struct tv_rowblk *next;
	unsigned n;		/* rows used */
	unsigned cap;		/* TV_ROWBLK_FIRST << k, at most TV_ROWBLK */
	struct tv_row r[];
};

/* Why a connection is handed to the done callback. */
enum tv_done {
	TV_DONE_CLOSED,		/* closed (FINs acknowledged, RST), or its 4-tuple was reused */
	TV_DONE_END,		/* end of input, still open */
	TV_DONE_EVICTED,	/* the table was full; the least recently active went */
	TV_DONE_IDLE,		/* inactive longer than tv_flow_cfg.idle_ns: forgotten */
	TV_DONE_PARTIAL,	/* row limit reached: the rows so far, more follow */
};

/* The fields are in an order that leaves almost no holes (pahole shows
 * them): a connection is the table's memory, so each byte counts
 * (bench/connmem.c, docs/performance.md). */
struct tv_conn {
	uint32_t id;		/* 1-based, in order of first packet (saturates at 2^32 - 1) */
	uint8_t proto;		/* 6 or 17 */
	uint8_t closed;		/* RST seen, or both FINs acknowledged */
	uint8_t port_flip;	/* no SYN seen: the first packet's receiver was
				   made the client by Zeek's port rule
				   (tv_flow_port_flip()) */
	uint8_t in_cq;		/* private: in the closed queue */
	struct tv_addr addr[2];	/* [TV_CLIENT], [TV_SERVER] */
	uint16_t port[2];
	/* TCP: initial sequence numbers, from each side's SYN, and the
	 * first sequence number seen from each side: the base for relative
	 * numbers in the ladder when no SYN was captured (as tcpdump does) */
	uint8_t isn_known[2];
	uint8_t base_known[2];
	/* the tunnel it is inside, part of its key (its first packet's,
	 * endpoints the client's first; via: of every packet): its kind in
	 * the first cache line with the rest of the key */
	struct tv_tunnel tun;
	uint32_t isn[2];
	uint32_t base[2];

	int64_t first_sec, last_sec;
	uint32_t first_nsec, last_nsec;
	uint64_t pkts[2];
	uint64_t bytes[2];	/* payload bytes: TCP each byte once (tv_tcp_side.payload),
				   UDP as the headers state them */
	uint32_t lost[2];	/* the lab: packets each side sent that the wire lost */
	uint32_t owd_max_ns;	/* the lab: the longest one-way time */
	uint32_t late_of;	/* late packets of connection late_of, after it
				   closed and was handed out (its id, roles and
				   sequence numbering; 0: none) */
	int64_t closed_sec;
	uint32_t closed_nsec;
	uint32_t part;		/* parts already handed out by TV_DONE_PARTIAL */

	/* TCP: states, outcomes and anomalies (tv_tcp.h) */
	struct tv_tcp tcp;
	struct tv_tcp_pkt last;	/* what the latest packet did */

	/* ICMP errors that quote the connection (tv_flow_icmp()): not its
	 * packets, no part of its states, Zeek's history or counts */
	struct tv_conn_icmp {
		uint32_t n;		/* how many (saturates) */
		uint8_t kind, v6;	/* the first one's enum tv_icmp_kind ... */
		uint8_t type, code;	/* ... type and code */
		uint8_t side;		/* the side it came from (enum tv_side) */
		uint8_t refused;	/* a port unreachable came */
		uint32_t mtu;		/* the smallest MTU one gave (0: none) */
	} icmp;
	uint32_t hash;		/* private: its keyed hash (low 32 bits), its slot in the index */

	/* stored rows (only when the table keeps rows): nrows of them, at
	 * most tv_flow_cfg.max_rows */
	uint32_t nrows;
	struct tv_rowblk *rows, *rows_tail;

	/* table bookkeeping: private */
	struct tv_chain {
		struct tv_conn *prev, *next;
	} lru, cq;		/* by last activity; closed queue, by close time */
};

struct tv_flow;

typedef void (*tv_flow_done_fn)(struct tv_conn *c, enum tv_done why, void *ctx);

struct tv_flow_cfg {
	int keep_rows;		/* store each connection's rows */
	size_t user_size;	/* bytes kept per connection for the caller (tv_conn_user) */
	uint64_t linger_ns;	/* closed connections wait this long (capture time)
				   for late packets before they are handed out */
	uint32_t max_conns;	/* 0: default TV_FLOW_MAX_CONNS */
	uint64_t idle_ns[2];	/* [0] TCP, [1] UDP: a connection inactive this
				   long is handed out (TV_DONE_IDLE); 0: never */
	uint32_t max_rows;	/* rows held per connection before a PARTIAL; 0: default */
	uint32_t first_id;	/* the first connection's id (0: 1): a run that
				   goes on where another left off (the demo) */
	tv_flow_done_fn done;	/* called once per finished connection (and per part) */
	/* finished connections held, up to TV_FLOW_BATCH, and handed to done
	 * together, in the order they finished: the drawing's code then
	 * stays in the CPU's instruction cache for a batch, not evicted by
	 * the tracker's between each (0: each at once).  Only for a caller
	 * that writes nothing else meanwhile (a file replayed, drawn at the
	 * ends); a part (TV_DONE_PARTIAL) and tv_flow_finish() hand out
	 * what is held first. */
	uint32_t batch;
	/* optional: may r be kept as part of the row stored last?  The caller
	 * folds it into *last and says 1, or 0 to store r as a row of its own
	 * (runs a picture folds anyway then cost one row, not one each) */
	int (*merge)(void *ctx, const struct tv_conn *c, struct tv_row *last,
	    const struct tv_row *r);
	void *ctx;
	/* the secret key of the table's hash (SipHash-1-3 over the 4-tuple):
	 * the caller draws it at random for each run (the core does no I/O);
	 * all zero is a fixed key, for tests.  Nothing the table hands out
	 * depends on it: ids, order and every count are the same. */
	uint64_t key[2];
};

/* Closed TCP connections remembered after they are handed out, so that
 * their late packets join them (tv_flow.c: late_put()); oldest replaced. */
#define TV_FLOW_LATE_SETS 1024u
#define TV_FLOW_LATE_WAYS 4u	/* 4096 entries */
/* A late packet's sequence numbers must lie within this of the closed
 * connection's last ones (Zeek's TOO_LARGE_SEQ_DELTA, TCP.cc) */
#define TV_FLOW_LATE_WINDOW 1048576u

#define TV_FLOW_BATCH 64u	/* tv_flow_cfg.batch: at most */
#define TV_FLOW_MAX_CONNS 262144u
#define TV_FLOW_MAX_ROWS 4096u	/* rows held per connection (a merged run is one) */

struct tv_flow_stats {
	uint64_t conns;		/* connections created */
	uint64_t open;		/* connections in the table now */
	uint64_t evicted;	/* handed out early because the table was full */
	uint64_t peak;		/* most connections in the table at once */
	uint64_t index_bytes;	/* the index's slots now (bench/connmem.c) */
};

/* A new table, or NULL when out of memory. */
struct tv_flow *tv_flow_new(const struct tv_flow_cfg *cfg);
/* Free the table and every connection still in it, held ones too
 * (tv_flow_cfg.batch: tv_flow_finish() first hands those out), without
 * callbacks. */
void tv_flow_free(struct tv_flow *f);

/*
 * Account one decoded TCP or UDP packet.  May first hand out other
 * connections (lingering closed ones whose time is up, the earlier
 * connection of a reused 4-tuple, an evicted one).  Returns the packet's
 * connection and sets *from to the sending side, or NULL when out of
 * memory.  The returned connection stays valid until the next call.
 */
struct tv_conn *tv_flow_add(struct tv_flow *f, const struct tv_pkt *pkt,
    enum tv_side *from);

/*
 * Account one ICMP error (tv_decode() returned 2): the connection its
 * quote names, which it joins (counted in c->icmp, a row from *from when
 * rows are kept), or NULL when no connection in the table matches: then
 * nothing is created.  No state, count or history of c changes
 * (RFC 1122 §4.2.3.9, RFC 5927: soft errors are hints).
 */
struct tv_conn *tv_flow_icmp(struct tv_flow *f, const struct tv_pkt *pkt,
    enum tv_side *from);

/* The row of pkt, just added to c by tv_flow_add(), as the ladder draws it. */
void tv_flow_row(const struct tv_conn *c, const struct tv_pkt *pkt,
    enum tv_side from, struct tv_row *r);

/* Hand out closed connections whose linger time has passed at time ts. */
void tv_flow_reap(struct tv_flow *f, int64_t ts_sec, uint32_t ts_nsec);

/* Hand out what is held and hold up to n from now on (tv_flow_cfg.batch). */
void tv_flow_batch(struct tv_flow *f, uint32_t n);

/* End of input: hand out every connection left, in order of id. */
void tv_flow_finish(struct tv_flow *f);

void tv_flow_get_stats(const struct tv_flow *f, struct tv_flow_stats *st);

/* The caller's area of c: tv_flow_cfg.user_size bytes, zeroed when c began. */
void *tv_conn_user(const struct tv_conn *c);

/* The keyed hash of pkt's 4-tuple, protocol and tunnel, the same both
 * ways: its low bits pick the connection's bucket. */
uint64_t tv_flow_hash(const uint64_t key[2], const struct tv_pkt *pkt);
/* SipHash-1-3 of len bytes under a 128-bit key (key[0]: bytes 0-7, little-endian). */
uint64_t tv_siphash13(const uint64_t key[2], const void *msg, size_t len);

/* Is port one of Zeek's likely server ports for proto (6, 17)?  tcpviz's
 * fixed copy of the ports Zeek's default analyzers add to its
 * likely_server_ports (src/track/tv_ports.c, docs/outcomes.md). */
int tv_likely_server_port(uint8_t proto, uint16_t port);
/* Zeek's flip of the originator: should pkt, the first packet of a TCP
 * connection with no SYN or of a UDP flow, make its receiver the client? */
int tv_flow_port_flip(const struct tv_pkt *pkt);

/* Relative sequence number of a value sent by `side` (ISN, else first seen). */
uint32_t tv_conn_rel(const struct tv_conn *c, enum tv_side side, uint32_t v);

#endif /* TV_FLOW_H */
