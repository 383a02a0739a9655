/* bench/connmem.c: the heap a tracked connection costs in the table (--summary's case: no rows, no renderer area), measured with malloc's own count. */
/*
 * connmem [-n CONNECTIONS]
 *
 * Opens CONNECTIONS (default 100000) TCP connections in one table, each
 * by a whole handshake and one data segment each way (so every part of
 * the analysis has run), none closed, and prints one line on stdout:
 *
 *   N conns: B bytes each (index I, connections C), sizeof(struct tv_conn) S
 *
 * B is the growth of the heap in use (mallinfo2(3): uordblks + hblkhd)
 * from before the table is made to the full table, over N (the empty
 * table's own 32 KiB are nothing at 100,000): what each connection costs
 * with malloc's headers and the table's index; I is the index's part of
 * it (its slots, as allocated), C the rest (struct tv_conn, malloc's
 * header and rounding).
 * Not a timing: the numbers are exact and the same on every run.
 * Exits 1 when a connection could not be made or the table's count is
 * not N (the count is checked, not assumed).
 */
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tv_flow.h"

static size_t
heap_used(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static void
done(struct tv_conn *c, enum tv_done why, void *ctx)
{
	(void)c;
	(void)why;
	++*(uint64_t *)ctx;
}

/* Connection i's packet: client 127.a.b.c:port to 127.0.0.1:80 (or back). */
static void
mkpkt(struct tv_pkt *p, uint32_t i, int back, uint16_t flags, uint32_t seq,
    uint32_t ack, uint32_t len, int64_t ms)
{
	struct tv_addr cli, srv;
	uint16_t cport = (uint16_t)(1024 + i % 60000);
	uint32_t host = 1 + i / 60000;	/* distinct 4-tuples: 127.h.h.h */

	memset(p, 0, sizeof(*p));
	memset(&cli, 0, sizeof(cli));
	memset(&srv, 0, sizeof(srv));
	cli.family = srv.family = 4;
	cli.a[0] = srv.a[0] = 127;
	cli.a[1] = (uint8_t)(host >> 16);
	cli.a[2] = (uint8_t)(host >> 8);
	cli.a[3] = (uint8_t)host;
	srv.a[3] = 1;
	p->ts_sec = ms / 1000;
	p->ts_nsec = (uint32_t)(ms % 1000) * 1000000u;
	p->proto = 6;
	p->src = back ? srv : cli;
	p->dst = back ? cli : srv;
	p->sport = back ? 80 : cport;
	p->dport = back ? cport : 80;
	p->seq = seq;
	p->ack = ack;
	p->flags = flags;
	p->win = 65535;
	p->len = len;
	p->caplen = p->wirelen = 54 + len;
}

int
main(int argc, char **argv)
{
	struct tv_flow_cfg cfg;
	struct tv_flow_stats st;
	struct tv_flow *f;
	struct tv_pkt p;
	enum tv_side from;
	uint64_t handed = 0, n = 100000, i;
	size_t before, full, slots;
	int ch;

	memset(&cfg, 0, sizeof(cfg));
	while ((ch = getopt(argc, argv, "n:")) != -1) {
		if (ch != 'n')
			goto usage;
		n = strtoull(optarg, NULL, 10);
	}
	if (optind != argc || n == 0 || n > 4000000)
		goto usage;
	cfg.max_conns = (uint32_t)n;
	cfg.linger_ns = 2000000000ull;
	cfg.done = done;
	cfg.ctx = &handed;
	before = heap_used();
	if ((f = tv_flow_new(&cfg)) == NULL) {
		fprintf(stderr, "connmem: out of memory\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		uint32_t k = (uint32_t)i, a = 1000 + k, b = 5000 + k;
		int64_t ms = (int64_t)(i / 100);	/* 100 a millisecond */
		struct { int back; uint16_t fl; uint32_t s, q, len; } seg[] = {
			{ 0, TV_TH_SYN, a, 0, 0 },
			{ 1, TV_TH_SYN | TV_TH_ACK, b, a + 1, 0 },
			{ 0, TV_TH_ACK, a + 1, b + 1, 0 },
			{ 0, TV_TH_ACK | TV_TH_PSH, a + 1, b + 1, 100 },
			{ 1, TV_TH_ACK | TV_TH_PSH, b + 1, a + 101, 200 },
		};
		size_t j;

		for (j = 0; j < sizeof(seg) / sizeof(seg[0]); j++) {
			mkpkt(&p, k, seg[j].back, seg[j].fl, seg[j].s, seg[j].q,
			    seg[j].len, ms);
			if (tv_flow_add(f, &p, &from) == NULL) {
				fprintf(stderr, "connmem: out of memory\n");
				return 1;
			}
		}
	}
	full = heap_used();
	tv_flow_get_stats(f, &st);
	if (st.open != n || st.conns != n || handed != 0) {
		fprintf(stderr, "connmem: %" PRIu64 " open, %" PRIu64
		    " made, %" PRIu64 " handed out; expected %" PRIu64
		    " open, none handed out\n", st.open, st.conns, handed, n);
		return 1;
	}
	slots = st.index_bytes;
	printf("%" PRIu64 " conns: %.1f bytes each (index %.1f, connections %.1f),"
	    " sizeof(struct tv_conn) %zu\n", n, (double)(full - before) / n,
	    (double)slots / n, (double)(full - before - slots) / n,
	    sizeof(struct tv_conn));
	tv_flow_finish(f);
	tv_flow_free(f);
	return handed == n ? 0 : 1;
usage:
	fprintf(stderr, "usage: connmem [-n CONNECTIONS]\n");
	return 2;
}
