/* \summary: unit tests for the segment crafter (tv_craft): kernel segments rebuilt byte for byte, checksums, loopback check, parsers, the core's verdicts */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tv_cursor.h"
#include "tv_decode.h"

/* tv_craft.o is linked only into tcpviz-craft and this test (src/craft/build.mk) */
#include "tv_craft.h"

/*
 * captures/craft-ref.pcap: four segments the kernel sent on loopback,
 * recorded in a private network namespace (docs/crafter.md, "The
 * reference capture"):
 *   unshare -n sh -c 'ip link set lo up; tcpdump -i lo -U --immediate-mode
 *       -w craft-ref.pcap "tcp port 9998 and ((ip and tcp[13] & 2 != 0) or
 *       (ip6 and ip6[53] & 2 != 0))" & ...; a connect() from port 40002 to
 *       a listener on 9998, over 127.0.0.1 and then over ::1'
 * = the SYN and SYN-ACK of each, Linux's option layout (MSS, SACK-permitted,
 * timestamps, NOP, window scale) included.
 *
 * On lo the kernel leaves TCP checksums to the "device" (CHECKSUM_PARTIAL;
 * lo's tx checksumming is fixed on): the captured TCP checksum field holds
 * only the folded pseudo-header sum.  So the tests check two things that
 * together pin the checksum down: that field equals tv_craft_pseudo(), and
 * our full checksum equals the one the device would complete (the Internet
 * checksum over the captured segment, that partial sum in place).  The
 * IPv4 header checksum is computed in software and compared as it stands.
 */
#define REF_PCAP	"captures/craft-ref.pcap"
#define REF_MAX		8
#define ETH_HDR		14

struct ref {
	uint8_t frame[256];
	uint32_t len;
	struct tv_pkt pkt;
};

static struct ref refs[REF_MAX];
static int nrefs;

static uint32_t
rd32(const uint8_t *b, int swap)
{
	return swap ? (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[1] << 8 | b[0] :
	    (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Read the reference capture with plain stdio: pcap header, then records. */
static int
load_refs(void **state)
{
	uint8_t gh[24], rh[16];
	uint32_t magic, caplen;
	int swap;
	FILE *f;

	(void)state;
	if ((f = fopen(REF_PCAP, "rb")) == NULL) {
		fprintf(stderr, "test_craft: cannot open %s (run from the top of "
		    "the tree)\n", REF_PCAP);
		return -1;
	}
	if (fread(gh, 1, sizeof(gh), f) != sizeof(gh))
		goto bad;
	magic = rd32(gh, 0);
	if (magic == 0xa1b2c3d4u || magic == 0xa1b23c4du)
		swap = 0;
	else if (magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u)
		swap = 1;
	else
		goto bad;
	if (rd32(gh + 20, swap) != TV_LINK_ETHERNET)
		goto bad;
	while (nrefs < REF_MAX && fread(rh, 1, sizeof(rh), f) == sizeof(rh)) {
		struct ref *r = &refs[nrefs];

		caplen = rd32(rh + 8, swap);
		if (caplen > sizeof(r->frame) || caplen != rd32(rh + 12, swap) ||
		    fread(r->frame, 1, caplen, f) != caplen)
			goto bad;
		r->len = caplen;
		if (tv_decode(TV_LINK_ETHERNET, r->frame, caplen, caplen,
		    &r->pkt) != 0)
			goto bad;
		nrefs++;
	}
	fclose(f);
	return nrefs == 4 ? 0 : -1;
bad:
	fprintf(stderr, "test_craft: %s is not the expected capture\n", REF_PCAP);
	fclose(f);
	return -1;
}

/* The fields of a decoded packet as a crafter segment (IPv4 fields from the header bytes). */
static void
seg_from_ref(const struct ref *r, struct tv_craft_seg *s)
{
	const struct tv_pkt *p = &r->pkt;

	memset(s, 0, sizeof(*s));
	s->src = p->src;
	s->dst = p->dst;
	s->sport = p->sport;
	s->dport = p->dport;
	s->seq = p->seq;
	s->ack = p->ack;
	s->flags = p->flags;
	s->win = p->win;
	s->opt_mask = p->opt_mask;
	s->mss = p->mss;
	s->wscale = p->wscale;
	s->ts_val = p->ts_val;
	s->ts_ecr = p->ts_ecr;
	if (p->src.family == 4) {
		struct tv_cur c;
		uint16_t frag;

		tv_cur_init(&c, r->frame + ETH_HDR, r->len - ETH_HDR);
		tv_cur_skip(&c, 1);
		s->tos = tv_cur_u8(&c);
		tv_cur_skip(&c, 2);
		s->ip_id = tv_cur_be16(&c);
		frag = tv_cur_be16(&c);
		s->df = (frag & 0x4000) != 0;
		s->ttl = tv_cur_u8(&c);
		assert_false(c.err);
	}
}

/* Where the TCP segment starts in a reference frame, and its length. */
static void
tcp_span(const struct ref *r, const uint8_t **tcp, size_t *len)
{
	size_t iphl = r->pkt.src.family == 4 ?
	    (size_t)(r->frame[ETH_HDR] & 0x0f) * 4 : 40;

	*tcp = r->frame + ETH_HDR + iphl;
	*len = r->len - ETH_HDR - iphl;
}

static uint16_t
be16at(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

/* Rebuild reference i and compare it with what the kernel sent. */
static void
check_ref(int i)
{
	const struct ref *r = &refs[i];
	struct tv_craft_seg s;
	uint8_t buf[TV_CRAFT_BUF];
	const uint8_t *ktcp, *tcp;
	size_t ktcplen;
	uint16_t kcheck, partial, full;
	uint32_t sum;
	int n;

	seg_from_ref(r, &s);
	tcp_span(r, &ktcp, &ktcplen);
	if (r->pkt.src.family == 4) {
		n = tv_craft_ipv4(&s, buf, sizeof(buf));
		assert_int_equal(n, r->len - ETH_HDR);
		/* the whole IPv4 header, its checksum included */
		assert_memory_equal(buf, r->frame + ETH_HDR, TV_CRAFT_IP4_HDR);
		tcp = buf + TV_CRAFT_IP4_HDR;
		assert_int_equal(tv_craft_cksum(buf, TV_CRAFT_IP4_HDR), 0);
	} else {
		n = tv_craft_tcp(&s, buf, sizeof(buf));
		assert_int_equal(n, ktcplen);
		tcp = buf;
	}
	/* every TCP byte but the checksum, options in Linux's order */
	assert_memory_equal(tcp, ktcp, 16);
	assert_memory_equal(tcp + 18, ktcp + 18, ktcplen - 18);

	/* the kernel's partial checksum is our pseudo-header sum ... */
	kcheck = be16at(ktcp + 16);
	partial = tv_craft_pseudo(&s.src, &s.dst, 6, (uint32_t)ktcplen);
	assert_int_equal(kcheck, partial);
	/* ... and our checksum is what the device would complete it to */
	full = tv_craft_cksum(ktcp, ktcplen);
	assert_int_equal(be16at(tcp + 16), full);
	/* and a receiver verifying ours gets all ones */
	sum = tv_craft_sum(0, tcp, ktcplen);
	sum += partial;
	assert_int_equal(tv_craft_fold(sum), 0);
}

static void
test_ref_capture_is_what_we_expect(void **state)
{
	(void)state;
	assert_int_equal(nrefs, 4);
	assert_int_equal(refs[0].pkt.src.family, 4);
	assert_int_equal(refs[0].pkt.flags, TV_TH_SYN);
	assert_int_equal(refs[1].pkt.flags, TV_TH_SYN | TV_TH_ACK);
	assert_int_equal(refs[1].pkt.ack, refs[0].pkt.seq + 1);
	assert_int_equal(refs[2].pkt.src.family, 6);
	assert_int_equal(refs[2].pkt.flags, TV_TH_SYN);
	assert_int_equal(refs[3].pkt.flags, TV_TH_SYN | TV_TH_ACK);
	assert_int_equal(refs[0].pkt.opt_mask, TV_OPT_MSS | TV_OPT_SACK_OK |
	    TV_OPT_TS | TV_OPT_WSCALE);
}

static void
test_rebuild_kernel_syn_ipv4(void **state)
{
	(void)state;
	check_ref(0);
}

static void
test_rebuild_kernel_synack_ipv4(void **state)
{
	(void)state;
	check_ref(1);
}

static void
test_rebuild_kernel_syn_ipv6(void **state)
{
	(void)state;
	check_ref(2);
}

static void
test_rebuild_kernel_synack_ipv6(void **state)
{
	(void)state;
	check_ref(3);
}

/* The bare-TCP parser agrees with the decoder on every reference segment. */
static void
test_parse_tcp_matches_decoder(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < nrefs; i++) {
		const struct tv_pkt *d = &refs[i].pkt;
		const uint8_t *tcp;
		struct tv_pkt p;
		size_t len;

		tcp_span(&refs[i], &tcp, &len);
		memset(&p, 0x5a, sizeof(p));
		assert_int_equal(tv_craft_parse_tcp(tcp, len, &p), 0);
		assert_int_equal(p.sport, d->sport);
		assert_int_equal(p.dport, d->dport);
		assert_int_equal(p.seq, d->seq);
		assert_int_equal(p.ack, d->ack);
		assert_int_equal(p.flags, d->flags);
		assert_int_equal(p.win, d->win);
		assert_int_equal(p.opt_mask, d->opt_mask);
		assert_int_equal(p.mss, d->mss);
		assert_int_equal(p.wscale, d->wscale);
		assert_int_equal(p.ts_val, d->ts_val);
		assert_int_equal(p.ts_ecr, d->ts_ecr);
		assert_int_equal(p.len, d->len);
		assert_null(p.malformed);
	}
}

/* ---- built segments read back through the decoder ---- */

static const uint8_t lo4[4] = { 127, 0, 0, 1 };
static const uint8_t lo6[16] = { [15] = 1 };

static void
addr4(struct tv_addr *a, const uint8_t *b)
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	memcpy(a->a, b, 4);
}

static void
addr6(struct tv_addr *a, const uint8_t *b)
{
	memset(a, 0, sizeof(*a));
	a->family = 6;
	memcpy(a->a, b, 16);
}

static int
addr_parse(const char *s, struct tv_addr *a)
{
	uint8_t b[16];
	unsigned x[4];
	char tail;

	memset(b, 0, sizeof(b));
	if (sscanf(s, "%u.%u.%u.%u%c", &x[0], &x[1], &x[2], &x[3], &tail) == 4) {
		b[0] = (uint8_t)x[0];
		b[1] = (uint8_t)x[1];
		b[2] = (uint8_t)x[2];
		b[3] = (uint8_t)x[3];
		addr4(a, b);
		return 0;
	}
	return -1;
}

static void
test_ipv4_roundtrip_with_data(void **state)
{
	static const uint8_t data[] = "hello";
	struct tv_craft_seg s;
	uint8_t buf[TV_CRAFT_BUF];
	struct tv_pkt p;
	int n;

	(void)state;
	memset(&s, 0, sizeof(s));
	addr4(&s.src, lo4);
	addr4(&s.dst, lo4);
	s.sport = 40000;
	s.dport = 8000;
	s.seq = 1000;
	s.ack = 0x01020304;
	s.flags = TV_TH_PSH | TV_TH_ACK;
	s.win = 512;
	s.opt_mask = TV_OPT_TS;
	s.ts_val = 7;
	s.ts_ecr = 9;
	s.data = data;
	s.len = 5;
	s.ip_id = 0x1234;
	s.df = 1;
	n = tv_craft_ipv4(&s, buf, sizeof(buf));
	assert_int_equal(n, 20 + 20 + 12 + 5);
	/* NOP, NOP, timestamps when SACK-permitted is not sent */
	assert_int_equal(buf[40], 1);
	assert_int_equal(buf[41], 1);
	assert_int_equal(buf[42], 8);
	assert_int_equal(buf[43], 10);
	assert_int_equal(buf[8], 64);		/* TTL 0 means 64 */
	assert_int_equal(be16at(buf + 6), 0x4000);
	assert_int_equal(tv_decode(TV_LINK_IPV4, buf, (uint32_t)n, (uint32_t)n,
	    &p), 0);
	assert_int_equal(p.sport, 40000);
	assert_int_equal(p.dport, 8000);
	assert_int_equal(p.seq, 1000);
	assert_int_equal(p.ack, 0x01020304);
	assert_int_equal(p.flags, TV_TH_PSH | TV_TH_ACK);
	assert_int_equal(p.win, 512);
	assert_int_equal(p.len, 5);
	assert_int_equal(p.opt_mask, TV_OPT_TS);
	assert_int_equal(p.ts_val, 7);
	assert_int_equal(p.ts_ecr, 9);
	assert_memory_equal(buf + n - 5, "hello", 5);
	/* both checksums verify */
	assert_int_equal(tv_craft_cksum(buf, 20), 0);
	assert_int_equal(tv_craft_fold(tv_craft_sum(0, buf + 20, (size_t)n - 20) +
	    tv_craft_pseudo(&s.src, &s.dst, 6, (uint32_t)n - 20)), 0);
}

static void
test_ipv6_segment_odd_payload(void **state)
{
	static const uint8_t data[] = "abc";
	struct tv_craft_seg s;
	uint8_t buf[TV_CRAFT_BUF];
	struct tv_pkt p;
	int n;

	(void)state;
	memset(&s, 0, sizeof(s));
	addr6(&s.src, lo6);
	addr6(&s.dst, lo6);
	s.sport = 1;
	s.dport = 2;
	s.flags = TV_TH_FIN | TV_TH_ACK;
	s.opt_mask = TV_OPT_SACK_OK;
	s.data = data;
	s.len = 3;
	n = tv_craft_tcp(&s, buf, sizeof(buf));
	assert_int_equal(n, 20 + 4 + 3);
	/* NOP, NOP, SACK-permitted without timestamps */
	assert_int_equal(buf[20], 1);
	assert_int_equal(buf[21], 1);
	assert_int_equal(buf[22], 4);
	assert_int_equal(buf[23], 2);
	assert_int_equal(buf[12] >> 4, 6);
	assert_int_equal(tv_craft_fold(tv_craft_sum(0, buf, (size_t)n) +
	    tv_craft_pseudo(&s.src, &s.dst, 6, (uint32_t)n)), 0);
	assert_int_equal(tv_craft_parse_tcp(buf, (size_t)n, &p), 0);
	assert_int_equal(p.len, 3);
	assert_int_equal(p.flags, TV_TH_FIN | TV_TH_ACK);
	assert_int_equal(p.opt_mask, TV_OPT_SACK_OK);
}

static void
test_build_refuses(void **state)
{
	struct tv_craft_seg s;
	uint8_t buf[TV_CRAFT_BUF];

	(void)state;
	memset(&s, 0, sizeof(s));
	addr4(&s.src, lo4);
	addr6(&s.dst, lo6);
	assert_int_equal(tv_craft_tcp(&s, buf, sizeof(buf)), -1);	/* mixed */
	addr6(&s.src, lo6);
	assert_int_equal(tv_craft_ipv4(&s, buf, sizeof(buf)), -1);	/* not v4 */
	assert_int_equal(tv_craft_tcp(&s, buf, 19), -1);		/* room */
	assert_int_equal(tv_craft_tcp(&s, buf, 20), 20);
	s.len = TV_CRAFT_DATA_MAX + 1;
	s.data = buf;
	assert_int_equal(tv_craft_tcp(&s, buf, sizeof(buf)), -1);	/* too long */
	s.len = 1;
	s.data = NULL;
	assert_int_equal(tv_craft_tcp(&s, buf, sizeof(buf)), -1);	/* no data */
}

/* ---- checksums ---- */

static void
test_cksum_rfc1071_example(void **state)
{
	/* RFC 1071 §3: the sum of these bytes is ddf2, the checksum 220d */
	static const uint8_t b[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	(void)state;
	assert_int_equal(tv_craft_cksum(b, sizeof(b)), 0x220d);
	/* pieces give the same, an odd tail is padded with zero */
	assert_int_equal(tv_craft_fold(tv_craft_sum(tv_craft_sum(0, b, 4), b + 4, 4)),
	    0x220d);
	assert_int_equal(tv_craft_cksum(b, 7), tv_craft_fold(0x0001 + 0xf203 +
	    0xf4f5 + 0xf600));
	assert_int_equal(tv_craft_cksum(b, 0), 0xffff);
}

static void
test_cksum_long_input_keeps_carries(void **state)
{
	static uint8_t b[70000];

	(void)state;
	memset(b, 0xff, sizeof(b));
	/* all ones sum to all ones (negative zero): checksum 0 */
	assert_int_equal(tv_craft_cksum(b, sizeof(b)), 0);
	b[0] = 0;
	b[1] = 1;
	assert_int_equal(tv_craft_cksum(b, 2), 0xfffe);
}

static void
test_pseudo_mixed_families(void **state)
{
	struct tv_addr a, b;

	(void)state;
	addr4(&a, lo4);
	addr6(&b, lo6);
	assert_int_equal(tv_craft_pseudo(&a, &b, 6, 20), 0);
	/* 7f00 + 0001 + 7f00 + 0001 + 0006 + 0028 */
	assert_int_equal(tv_craft_pseudo(&a, &a, 6, 40), 0xfe30);
}

/* ---- the loopback rule ---- */

static void
test_dest_allowed(void **state)
{
	static const char *const yes4[] = { "127.0.0.1", "127.255.255.254",
		"127.0.0.0", "127.1.2.3" };
	static const char *const no4[] = { "128.0.0.1", "0.0.0.0", "192.0.2.1",
		"126.255.255.255", "198.51.100.1", "255.255.255.255" };
	static const uint8_t doc6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t mapped[16] = { [10] = 0xff, [11] = 0xff, 127, 0, 0, 1 };
	static const uint8_t compat[16] = { [12] = 127, 0, 0, 1 };
	static const uint8_t any6[16] = { 0 };
	static const uint8_t lo6_2[16] = { [15] = 2 };
	struct tv_addr a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes4) / sizeof(yes4[0]); i++) {
		assert_int_equal(addr_parse(yes4[i], &a), 0);
		if (!tv_craft_dest_allowed(&a))
			fail_msg("%s refused", yes4[i]);
	}
	for (i = 0; i < sizeof(no4) / sizeof(no4[0]); i++) {
		assert_int_equal(addr_parse(no4[i], &a), 0);
		if (tv_craft_dest_allowed(&a))
			fail_msg("%s allowed", no4[i]);
	}
	addr6(&a, lo6);
	assert_true(tv_craft_dest_allowed(&a));		/* ::1 */
	addr6(&a, doc6);
	assert_false(tv_craft_dest_allowed(&a));	/* 2001:db8::1 */
	addr6(&a, mapped);
	assert_false(tv_craft_dest_allowed(&a));	/* ::ffff:127.0.0.1: refused */
	addr6(&a, compat);
	assert_false(tv_craft_dest_allowed(&a));	/* ::127.0.0.1 */
	addr6(&a, any6);
	assert_false(tv_craft_dest_allowed(&a));	/* :: */
	addr6(&a, lo6_2);
	assert_false(tv_craft_dest_allowed(&a));	/* ::2 */
	memset(&a, 0, sizeof(a));
	a.a[0] = 127;
	assert_false(tv_craft_dest_allowed(&a));	/* no family */
}

/* ---- parsers ---- */

static void
test_parse_tcp_bad(void **state)
{
	uint8_t b[40];
	struct tv_pkt p;

	(void)state;
	memset(b, 0, sizeof(b));
	assert_int_equal(tv_craft_parse_tcp(b, 19, &p), -1);	/* short header */
	assert_int_equal(p.skip, TV_SKIP_MALFORMED);
	b[12] = 4 << 4;					/* data offset 16 bytes */
	assert_int_equal(tv_craft_parse_tcp(b, 20, &p), -1);
	assert_non_null(p.malformed);
	b[12] = 10 << 4;				/* 40 bytes, only 24 there */
	assert_int_equal(tv_craft_parse_tcp(b, 24, &p), -1);
	b[12] = 6 << 4;					/* one option word */
	b[20] = 2;					/* MSS ... */
	b[21] = 9;					/* ... running past the header */
	assert_int_equal(tv_craft_parse_tcp(b, 24, &p), -1);
	b[21] = 3;					/* wrong MSS length */
	assert_int_equal(tv_craft_parse_tcp(b, 24, &p), -1);
	b[20] = 0;					/* EOL: fine */
	assert_int_equal(tv_craft_parse_tcp(b, 30, &p), 0);
	assert_int_equal(p.len, 6);
	b[20] = 1;					/* NOP, then kind 0 */
	b[21] = 0;
	assert_int_equal(tv_craft_parse_tcp(b, 24, &p), 0);
	b[20] = 5;					/* SACK, one block */
	b[21] = 10;
	b[12] = 8 << 4;
	b[29] = 7;
	assert_int_equal(tv_craft_parse_tcp(b, 32, &p), 0);
	assert_int_equal(p.nsack, 1);
	assert_int_equal(p.sack[0][1], 7);
}

static void
test_parse_flags(void **state)
{
	uint8_t f = 0;

	(void)state;
	assert_int_equal(tv_craft_parse_flags("S", &f), 0);
	assert_int_equal(f, TV_TH_SYN);
	assert_int_equal(tv_craft_parse_flags("SA", &f), 0);
	assert_int_equal(f, TV_TH_SYN | TV_TH_ACK);
	assert_int_equal(tv_craft_parse_flags("AS", &f), 0);
	assert_int_equal(f, TV_TH_SYN | TV_TH_ACK);
	assert_int_equal(tv_craft_parse_flags("FA", &f), 0);
	assert_int_equal(f, TV_TH_FIN | TV_TH_ACK);
	assert_int_equal(tv_craft_parse_flags("RA", &f), 0);
	assert_int_equal(f, TV_TH_RST | TV_TH_ACK);
	assert_int_equal(tv_craft_parse_flags("PA", &f), 0);
	assert_int_equal(f, TV_TH_PSH | TV_TH_ACK);
	assert_int_equal(tv_craft_parse_flags("UEC", &f), 0);
	assert_int_equal(f, TV_TH_URG | TV_TH_ECE | TV_TH_CWR);
	assert_int_equal(tv_craft_parse_flags("", &f), -1);
	assert_int_equal(tv_craft_parse_flags("SS", &f), -1);
	assert_int_equal(tv_craft_parse_flags("s", &f), -1);
	assert_int_equal(tv_craft_parse_flags("S.", &f), -1);
	assert_int_equal(tv_craft_parse_flags("X", &f), -1);
}

/* ---- the core's verdict on a crafted connection ---- */

/* A segment between 127.0.0.1:40000 (us) and 127.0.0.1:8000, built and
 * decoded back as tcpviz-craft does, stamped `ms` milliseconds in. */
static void
conn_seg(struct tv_craft_conn *c, int ours, uint8_t flags, uint32_t seq,
    uint32_t ack, int64_t ms)
{
	struct tv_craft_seg s;
	uint8_t buf[TV_CRAFT_BUF];
	struct tv_pkt p;
	int n;

	memset(&s, 0, sizeof(s));
	addr4(&s.src, lo4);
	addr4(&s.dst, lo4);
	s.sport = ours ? 40000 : 8000;
	s.dport = ours ? 8000 : 40000;
	s.seq = seq;
	s.ack = ack;
	s.flags = flags;
	s.win = 65535;
	n = tv_craft_ipv4(&s, buf, sizeof(buf));
	assert_true(n > 0);
	memset(&p, 0, sizeof(p));
	assert_int_equal(tv_decode(TV_LINK_IPV4, buf, (uint32_t)n, (uint32_t)n,
	    &p), 0);
	p.ts_sec = 1700000000 + ms / 1000;
	p.ts_nsec = (uint32_t)(ms % 1000) * 1000000u;
	tv_craft_conn_add(c, &p, ours);
}

static void
check_words(const struct tv_craft_conn *c, const char *opened,
    const char *closed)
{
	char op[240], cl[240];

	tv_craft_conn_words(c, op, sizeof(op), cl, sizeof(cl));
	assert_string_equal(op, opened);
	assert_string_equal(cl, closed);
}

#define A TV_TH_ACK
#define S TV_TH_SYN
#define F TV_TH_FIN
#define R TV_TH_RST

/* syn to a listening port: SYN-ACK, and our kernel's RST */
static void
test_conn_half_open(void **state)
{
	struct tv_craft_conn c;

	(void)state;
	memset(&c, 0, sizeof(c));
	check_words(&c, "", "");
	conn_seg(&c, 1, S, 1000, 0, 0);
	conn_seg(&c, 0, S | A, 5000, 1001, 1);
	assert_int_equal(tv_tcp_open(&c.tcp), TV_OPEN_HALF_OPEN);
	check_words(&c, "opened: half-open (no ACK completed the handshake)",
	    "still open at end of capture");
	conn_seg(&c, 1, R, 1001, 0, 1);
	assert_int_equal(c.us, 0);
	assert_int_equal(c.answers, 1);
	assert_int_equal(tv_tcp_open(&c.tcp), TV_OPEN_HALF_OPEN);
	assert_true(tv_craft_conn_reset(&c, 1));
	assert_false(tv_craft_conn_reset(&c, 0));
	check_words(&c, "opened: half-open (the SYN's sender reset the SYN-ACK: "
	    "it had no socket for it)", "closed: reset by client");
}

/* syn to a closed port */
static void
test_conn_refused(void **state)
{
	struct tv_craft_conn c;

	(void)state;
	memset(&c, 0, sizeof(c));
	conn_seg(&c, 1, S, 1000, 0, 0);
	conn_seg(&c, 0, R | A, 0, 1001, 0);
	assert_int_equal(tv_tcp_open(&c.tcp), TV_OPEN_REFUSED);
	assert_true(tv_craft_conn_reset(&c, 0));
	assert_false(tv_craft_conn_reset(&c, 1));
	check_words(&c, "opened: refused (the SYN was answered by RST: nothing "
	    "listens there)", "closed: reset by server");
}

/* handshake: three-way by hand, our FIN first, four-way close */
static void
test_conn_handshake(void **state)
{
	struct tv_craft_conn c;

	(void)state;
	memset(&c, 0, sizeof(c));
	conn_seg(&c, 1, S, 1000, 0, 0);
	conn_seg(&c, 0, S | A, 5000, 1001, 1);
	conn_seg(&c, 1, A, 1001, 5001, 2);
	assert_int_equal(tv_tcp_open(&c.tcp), TV_OPEN_THREE_WAY);
	conn_seg(&c, 1, F | A, 1001, 5001, 10);
	conn_seg(&c, 0, A, 5001, 1002, 11);
	assert_int_equal(tv_tcp_close(&c.tcp), TV_CLOSE_OPEN);
	conn_seg(&c, 0, F | A, 5001, 1002, 12);
	conn_seg(&c, 1, A, 1002, 5002, 13);
	assert_int_equal(tv_tcp_close(&c.tcp), TV_CLOSE_FOUR_WAY);
	assert_false(tv_craft_conn_reset(&c, 0));
	assert_false(tv_craft_conn_reset(&c, 1));
	assert_int_equal(c.answers, 3);
	check_words(&c, "opened: three-way, handshake 0.002000 s",
	    "closed: four-way, client first; client in TIME_WAIT");
}

/* no SYN first: the ladder says nothing of the opening; a SYN-ACK first
 * makes us the server, as the tracker would */
static void
test_conn_roles(void **state)
{
	struct tv_craft_conn c;

	(void)state;
	memset(&c, 0, sizeof(c));
	conn_seg(&c, 1, A, 1000, 5, 0);
	conn_seg(&c, 0, R, 5, 0, 0);
	assert_int_equal(tv_tcp_open(&c.tcp), TV_OPEN_MIDSTREAM);
	assert_true(tv_craft_conn_reset(&c, 0));
	check_words(&c, "", "closed: reset by server");

	memset(&c, 0, sizeof(c));
	conn_seg(&c, 1, S | A, 1000, 5, 0);
	assert_int_equal(c.us, 1);
	conn_seg(&c, 0, R, 5, 0, 0);
	assert_true(tv_craft_conn_reset(&c, 0));
	assert_false(tv_craft_conn_reset(&c, 1));
}

#undef A
#undef S
#undef F
#undef R

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ref_capture_is_what_we_expect),
		cmocka_unit_test(test_rebuild_kernel_syn_ipv4),
		cmocka_unit_test(test_rebuild_kernel_synack_ipv4),
		cmocka_unit_test(test_rebuild_kernel_syn_ipv6),
		cmocka_unit_test(test_rebuild_kernel_synack_ipv6),
		cmocka_unit_test(test_parse_tcp_matches_decoder),
		cmocka_unit_test(test_ipv4_roundtrip_with_data),
		cmocka_unit_test(test_ipv6_segment_odd_payload),
		cmocka_unit_test(test_build_refuses),
		cmocka_unit_test(test_cksum_rfc1071_example),
		cmocka_unit_test(test_cksum_long_input_keeps_carries),
		cmocka_unit_test(test_pseudo_mixed_families),
		cmocka_unit_test(test_dest_allowed),
		cmocka_unit_test(test_parse_tcp_bad),
		cmocka_unit_test(test_parse_flags),
		cmocka_unit_test(test_conn_half_open),
		cmocka_unit_test(test_conn_refused),
		cmocka_unit_test(test_conn_handshake),
		cmocka_unit_test(test_conn_roles),
	};

	return cmocka_run_group_tests(tests, load_refs, NULL);
}
