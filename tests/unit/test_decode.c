/* \summary: unit tests for frame decoding, flag and address text, sequence helpers (tv_decode) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tv_decode.h"
#include "pktbuild.h"

#define SPORT 40000
#define DPORT 80
#define ISN 0x11223344u
#define TSVAL 0x01020304u

/* Linux's SYN options: MSS 65495, SACK permitted, timestamps, NOP, wscale 7. */
static const uint8_t syn_opts[20] = {
	2, 4, 0xff, 0xd7,
	4, 2,
	8, 10, 0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0,
	1,
	3, 3, 7,
};

/* ---- helpers ---- */

/*
 * Decode `caplen` bytes of frame from an exactly sized heap copy, so that
 * the sanitizer build reports any read past caplen.
 */
static int
decode_copy(int link, const uint8_t *frame, uint32_t caplen, uint32_t wirelen,
    struct tv_pkt *pkt)
{
	static uint8_t none[1];
	uint8_t *d = malloc(caplen);
	int rc;

	if (caplen > 0) {
		assert_non_null(d);
		memcpy(d, frame, caplen);
	}
	memset(pkt, 0x5a, sizeof(*pkt));	/* decode must clear what it does not set */
	pkt->n = 42;
	pkt->ts_sec = 1700000000;
	pkt->ts_nsec = 123456789;
	rc = tv_decode(link, d != NULL ? d : none, caplen, wirelen, pkt);
	free(d);
	assert_true(rc == 0 || rc == 1 || rc == 2);
	assert_int_equal(pkt->n, 42);
	assert_int_equal(pkt->ts_sec, 1700000000);
	assert_int_equal(pkt->ts_nsec, 123456789);
	assert_int_equal(pkt->caplen, caplen);
	if (rc == 0 || rc == 2) {
		assert_int_equal(pkt->skip, TV_SKIP_NONE);
		assert_true(pkt->proto == 6 || pkt->proto == 17);
		/* 2 and only 2 is an ICMP error */
		assert_int_equal(pkt->icmp.kind != TV_ICMP_NONE, rc == 2);
		assert_true(pkt->icmp.kind < TV_ICMP_COUNT);
	} else {
		assert_int_not_equal(pkt->skip, TV_SKIP_NONE);
		assert_true(pkt->skip < TV_SKIP_COUNT);
		assert_int_equal(pkt->proto, 0);
	}
	return rc;
}

/*
 * Decode every prefix 0..upto-1 of a frame that was `wirelen` bytes on the
 * wire and whose decode at `upto` bytes is `full`.  Each must be skipped
 * or marked truncated, never read out of bounds, and never call a cleanly
 * built packet malformed.
 */
static void
check_prefixes_upto(int link, const uint8_t *frame, uint32_t upto,
    uint32_t wirelen, const struct tv_pkt *full)
{
	struct tv_pkt p;
	uint32_t cap, len = upto;
	int rc;

	for (cap = 0; cap < upto; cap++) {
		rc = decode_copy(link, frame, cap, wirelen, &p);
		if (full->malformed == NULL && p.malformed != NULL)
			fail_msg("prefix %u of %u: malformed \"%s\" on a clean frame",
			    cap, len, p.malformed);
		if (rc == 1) {
			if (p.skip != full->skip) {
				if (p.skip != TV_SKIP_TRUNCATED)
					fail_msg("prefix %u of %u: skip %s, want %s or %s",
					    cap, len, tv_skip_names[p.skip],
					    tv_skip_names[full->skip],
					    tv_skip_names[TV_SKIP_TRUNCATED]);
				assert_true(p.truncated);
			}
			continue;
		}
		if (!p.truncated)
			fail_msg("prefix %u of %u decoded but not marked truncated",
			    cap, len);
		assert_int_equal(p.proto, full->proto);
		assert_int_equal(p.sport, full->sport);
		assert_int_equal(p.dport, full->dport);
		assert_int_equal(p.len, full->len);
	}
}

/* The same for a whole frame of `len` bytes. */
static void
check_prefixes(int link, const uint8_t *frame, uint32_t len,
    const struct tv_pkt *full)
{
	check_prefixes_upto(link, frame, len, len, full);
}

/* Decode a whole frame, then all its prefixes. */
static int
decode_frame(int link, const uint8_t *frame, size_t len, struct tv_pkt *pkt)
{
	int rc = decode_copy(link, frame, (uint32_t)len, (uint32_t)len, pkt);

	check_prefixes(link, frame, (uint32_t)len, pkt);
	return rc;
}

static size_t
syn_tcp(uint8_t *b)
{
	return pb_tcp(b, SPORT, DPORT, ISN, 0, TV_TH_SYN, 65495, syn_opts,
	    sizeof(syn_opts), 0);
}

/* A SYN as a bare IPv4 (127.0.0.1 -> 127.0.0.2) or IPv6 (2001:db8::1 -> ::2) packet. */
static size_t
syn_ip(uint8_t *b, int v6)
{
	size_t n = syn_tcp(b);

	if (v6)
		return pb_ipv6(b, 6, pb_doc6_a, pb_doc6_b, b, n);
	return pb_ipv4(b, 6, pb_lo4_a, pb_lo4_b, b, n);
}

static void
assert_syn(const struct tv_pkt *p, int v6)
{
	assert_int_equal(p->skip, TV_SKIP_NONE);
	assert_int_equal(p->proto, 6);
	assert_int_equal(p->src.family, v6 ? 6 : 4);
	assert_int_equal(p->dst.family, v6 ? 6 : 4);
	if (v6) {
		assert_memory_equal(p->src.a, pb_doc6_a, 16);
		assert_memory_equal(p->dst.a, pb_doc6_b, 16);
	} else {
		static const uint8_t zero[12];

		assert_memory_equal(p->src.a, pb_lo4_a, 4);
		assert_memory_equal(p->dst.a, pb_lo4_b, 4);
		assert_memory_equal(p->src.a + 4, zero, 12);
		assert_memory_equal(p->dst.a + 4, zero, 12);
	}
	assert_int_equal(p->sport, SPORT);
	assert_int_equal(p->dport, DPORT);
	assert_int_equal(p->seq, ISN);
	assert_int_equal(p->ack, 0);
	assert_int_equal(p->flags, TV_TH_SYN);
	assert_int_equal(p->win, 65495);
	assert_int_equal(p->len, 0);
	assert_int_equal(p->opt_mask, TV_OPT_MSS | TV_OPT_SACK_OK | TV_OPT_TS |
	    TV_OPT_WSCALE);
	assert_int_equal(p->mss, 65495);
	assert_int_equal(p->wscale, 7);
	assert_int_equal(p->ts_val, TSVAL);
	assert_int_equal(p->ts_ecr, 0);
	assert_int_equal(p->nsack, 0);
	assert_false(p->truncated);
	assert_null(p->malformed);
}

/* ---- link types ---- */

static void
test_link_names(void **state)
{
	static const int links[] = {
		TV_LINK_NULL, TV_LINK_ETHERNET, TV_LINK_RAW, TV_LINK_LOOP,
		TV_LINK_LINUX_SLL, TV_LINK_IPV4, TV_LINK_IPV6, TV_LINK_LINUX_SLL2,
		TV_LINK_PPP, TV_LINK_PPP_SERIAL, TV_LINK_IEEE802_11_RADIO,
		TV_LINK_FDDI, TV_LINK_NFLOG, TV_LINK_IPOIB,
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		assert_true(tv_link_supported(links[i]));
		assert_non_null(tv_link_name(links[i]));
	}
	assert_string_equal(tv_link_name(TV_LINK_ETHERNET), "EN10MB");
	assert_string_equal(tv_link_name(TV_LINK_FDDI), "FDDI");
	assert_string_equal(tv_link_name(TV_LINK_NFLOG), "NFLOG");
	assert_string_equal(tv_link_name(TV_LINK_IPOIB), "IPOIB");
	assert_string_equal(tv_link_name(TV_LINK_LINUX_SLL2), "LINUX_SLL2");
	assert_false(tv_link_supported(105));	/* 802.11 */
	assert_null(tv_link_name(105));
	for (i = 0; i < TV_SKIP_COUNT; i++)
		assert_non_null(tv_skip_names[i]);
}

static void
test_link_unsupported_is_skipped(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n = syn_ip(b, 0);

	(void)state;
	assert_int_equal(decode_frame(105, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_NOT_IP);
}

static void
test_link_ethernet(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;
	int v6;

	(void)state;
	for (v6 = 0; v6 <= 1; v6++) {
		n = syn_ip(b, v6);
		n = pb_eth(b, b, n);
		assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
		assert_syn(&p, v6);
		assert_int_equal(p.wirelen, n);
	}
}

static void
test_link_ethernet_vlan(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;
	unsigned tags;
	int v6;

	(void)state;
	for (tags = 1; tags <= 2; tags++) {
		for (v6 = 0; v6 <= 1; v6++) {
			n = syn_ip(b, v6);
			n = pb_eth_tags(b, tags, pb_ethertype(b), b, n);
			assert_int_equal(b[12], tags == 2 ? 0x88 : 0x81);
			assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
			assert_syn(&p, v6);
		}
	}
}

static void
test_link_ethernet_padding(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;

	(void)state;
	/* a bare ACK is 54 bytes; Ethernet pads it to 60 */
	n = pb_tcp(b, SPORT, DPORT, ISN + 1, 7, TV_TH_ACK, 512, NULL, 0, 0);
	n = pb_ipv4(b, 6, pb_lo4_a, pb_lo4_b, b, n);
	n = pb_eth(b, b, n);
	assert_int_equal(n, 54);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
	memset(b + n, 0, 6);
	n += 6;
	assert_int_equal(decode_copy(TV_LINK_ETHERNET, b, (uint32_t)n,
	    (uint32_t)n, &p), 0);
	assert_int_equal(p.len, 0);
	assert_false(p.truncated);
	assert_null(p.malformed);
	assert_int_equal(p.flags, TV_TH_ACK);
	assert_int_equal(p.ack, 7);
	/* cutting the padding off is no truncation */
	check_prefixes_upto(TV_LINK_ETHERNET, b, 54, (uint32_t)n, &p);
}

static void
test_link_ethernet_arp(void **state)
{
	uint8_t b[PB_MAX], arp[28] = { 0, 1, 8, 0, 6, 4, 0, 1 };
	struct tv_pkt p;
	size_t n;

	(void)state;
	n = pb_eth_tags(b, 0, 0x0806, arp, sizeof(arp));
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_NOT_IP);
	assert_false(p.truncated);
	/* behind a VLAN tag too */
	n = pb_eth_tags(b, 1, 0x0806, arp, sizeof(arp));
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_NOT_IP);
}

static void
test_link_sll(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;
	int v6;

	(void)state;
	for (v6 = 0; v6 <= 1; v6++) {
		n = syn_ip(b, v6);
		n = pb_sll(b, b, n);
		assert_int_equal(decode_frame(TV_LINK_LINUX_SLL, b, n, &p), 0);
		assert_syn(&p, v6);
	}
}

static void
test_link_sll2(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;
	int v6;

	(void)state;
	for (v6 = 0; v6 <= 1; v6++) {
		n = syn_ip(b, v6);
		n = pb_sll2(b, b, n);
		assert_int_equal(decode_frame(TV_LINK_LINUX_SLL2, b, n, &p), 0);
		assert_syn(&p, v6);
	}
}

static void
test_link_null_both_byte_orders(void **state)
{
	/* AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD/OpenBSD), 28
	 * (FreeBSD), 30 (macOS), 10 (Linux) */
	static const uint32_t af6[] = { 10, 24, 28, 30 };
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n, i;
	int be;

	(void)state;
	for (be = 0; be <= 1; be++) {
		n = syn_ip(b, 0);
		n = pb_null(b, 2, be, b, n);
		assert_int_equal(decode_frame(TV_LINK_NULL, b, n, &p), 0);
		assert_syn(&p, 0);
		for (i = 0; i < sizeof(af6) / sizeof(af6[0]); i++) {
			n = syn_ip(b, 1);
			n = pb_null(b, af6[i], be, b, n);
			assert_int_equal(decode_frame(TV_LINK_NULL, b, n, &p), 0);
			assert_syn(&p, 1);
		}
		/* an unknown family */
		n = syn_ip(b, 0);
		n = pb_null(b, 7, be, b, n);
		assert_int_equal(decode_frame(TV_LINK_NULL, b, n, &p), 1);
		assert_int_equal(p.skip, TV_SKIP_NOT_IP);
	}
}

static void
test_link_loop(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;

	(void)state;
	n = syn_ip(b, 0);
	n = pb_null(b, 2, 1, b, n);		/* network byte order */
	assert_int_equal(decode_frame(TV_LINK_LOOP, b, n, &p), 0);
	assert_syn(&p, 0);
	n = syn_ip(b, 1);
	n = pb_null(b, 24, 1, b, n);
	assert_int_equal(decode_frame(TV_LINK_LOOP, b, n, &p), 0);
	assert_syn(&p, 1);
}

static void
test_link_raw(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;
	int v6;

	(void)state;
	for (v6 = 0; v6 <= 1; v6++) {
		n = syn_ip(b, v6);
		assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 0);
		assert_syn(&p, v6);
	}
	/* neither version 4 nor 6 */
	n = syn_ip(b, 0);
	b[0] = 0x55;
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_NOT_IP);
}

static void
test_link_ipv4_ipv6(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;

	(void)state;
	n = syn_ip(b, 0);
	assert_int_equal(decode_frame(TV_LINK_IPV4, b, n, &p), 0);
	assert_syn(&p, 0);
	n = syn_ip(b, 1);
	assert_int_equal(decode_frame(TV_LINK_IPV6, b, n, &p), 0);
	assert_syn(&p, 1);

	/* the wrong version for the link is malformed */
	n = syn_ip(b, 1);
	assert_int_equal(decode_frame(TV_LINK_IPV4, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_MALFORMED);
	assert_string_equal(p.malformed, "ip version not 4");
	n = syn_ip(b, 0);
	assert_int_equal(decode_frame(TV_LINK_IPV6, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_MALFORMED);
	assert_string_equal(p.malformed, "ip version not 6");
}

/* ---- IPv4 ---- */

static void
test_ipv4_options(void **state)
{
	/* router alert (RFC 2113), then NOP, NOP, EOL, EOL */
	static const uint8_t ipopts[8] = { 0x94, 4, 0, 0, 1, 1, 0, 0 };
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;

	(void)state;
	n = syn_tcp(b);
	n = pb_ipv4_full(b, 6, pb_lo4_a, pb_lo4_b, ipopts, sizeof(ipopts),
	    0x4000, 0, b, n);
	assert_int_equal(b[0], 0x47);
	n = pb_eth(b, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
	assert_syn(&p, 0);
}

static void
test_ipv4_fragments(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;
	static const uint16_t frags[] = {
		0x2000,		/* first fragment: offset 0, more fragments */
		0x0010,		/* last fragment at offset 128 */
		0x2010,		/* a middle one */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(frags) / sizeof(frags[0]); i++) {
		n = pb_tcp(b, SPORT, DPORT, ISN, 0, TV_TH_ACK, 100, NULL, 0, 40);
		n = pb_ipv4_full(b, 6, pb_lo4_a, pb_lo4_b, NULL, 0, frags[i], 0,
		    b, n);
		assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
		assert_int_equal(p.skip, TV_SKIP_FRAGMENT);
		assert_null(p.malformed);
	}
}

static void
test_ipv4_header_length_below_20(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;

	(void)state;
	n = syn_ip(b, 0);
	b[0] = 0x44;			/* IHL 4: 16 bytes */
	n = pb_eth(b, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_MALFORMED);
	assert_string_equal(p.malformed, "ip header length < 20");
	assert_false(p.truncated);
}

static void
test_ipv4_total_length_below_header(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;

	(void)state;
	n = syn_tcp(b);
	n = pb_ipv4_full(b, 6, pb_lo4_a, pb_lo4_b, NULL, 0, 0, 19, b, n);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_MALFORMED);
	assert_string_equal(p.malformed, "ip total length < header length");
}

static void
test_ipv4_total_length_beyond_packet(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;

	(void)state;
	/* 10 bytes of payload on the wire, the IP header claims 1000 */
	n = pb_tcp(b, SPORT, DPORT, ISN, 5, TV_TH_ACK | TV_TH_PSH, 100, NULL, 0,
	    10);
	n = pb_ipv4_full(b, 6, pb_lo4_a, pb_lo4_b, NULL, 0, 0, 1000, b, n);
	n = pb_eth(b, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
	assert_int_equal(p.proto, 6);
	assert_string_equal(p.malformed, "ip total length beyond packet");
	assert_int_equal(p.len, 10);	/* what the wire carried */
	assert_false(p.truncated);
	assert_int_equal(p.flags, TV_TH_ACK | TV_TH_PSH);
}

static void
test_ipv4_tcp_segment_shorter_than_header(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;

	(void)state;
	/* all 54 bytes captured, but the IP total length leaves only 10 of
	 * them to TCP: malformed, not truncated */
	n = pb_tcp(b, SPORT, DPORT, ISN, 0, TV_TH_SYN, 100, NULL, 0, 0);
	n = pb_ipv4_full(b, 6, pb_lo4_a, pb_lo4_b, NULL, 0, 0, 30, b, n);
	n = pb_eth(b, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_MALFORMED);
	assert_string_equal(p.malformed, "tcp segment shorter than its header");
	assert_false(p.truncated);
}

/* ---- IPv6 ---- */

static void
test_ipv6_hop_by_hop_and_dest_opts(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;

	(void)state;
	n = syn_tcp(b);
	n = pb_ipv6_ext(b, 6, 1, b, n);		/* destination options, 16 bytes */
	n = pb_ipv6_ext(b, 60, 0, b, n);	/* hop-by-hop, 8 bytes */
	n = pb_ipv6(b, 0, pb_doc6_a, pb_doc6_b, b, n);
	n = pb_eth(b, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
	assert_syn(&p, 1);

	/* and with a routing header between them */
	n = syn_tcp(b);
	n = pb_ipv6_ext(b, 6, 0, b, n);
	n = pb_ipv6_ext(b, 60, 2, b, n);	/* routing, 24 bytes */
	n = pb_ipv6_ext(b, 43, 0, b, n);
	n = pb_ipv6(b, 0, pb_doc6_a, pb_doc6_b, b, n);
	assert_int_equal(decode_frame(TV_LINK_IPV6, b, n, &p), 0);
	assert_syn(&p, 1);
}

/* Payload length 0 with nothing after the header is an empty packet (with
 * "no next header", 59) or a hop-by-hop header that is not there. */
static void
test_ipv6_payload_length_zero(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;

	(void)state;
	n = pb_ipv6_len(b, 59, pb_doc6_a, pb_doc6_b, b, 0, 0);
	assert_int_equal(decode_frame(TV_LINK_IPV6, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_OTHER_PROTO);
	assert_null(p.malformed);

	n = pb_ipv6_len(b, 0, pb_doc6_a, pb_doc6_b, b, 0, 0);
	assert_int_equal(decode_frame(TV_LINK_IPV6, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_MALFORMED);
	assert_string_equal(p.malformed, "ipv6 extension header past packet");
	assert_int_equal(p.offloaded, 0);
}

static void
test_ipv6_fragment_header(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;

	(void)state;
	/* an atomic fragment (offset 0, no more fragments, RFC 6946) is a
	 * whole packet and decodes */
	n = syn_tcp(b);
	n = pb_ipv6_frag(b, 6, 0, 0, b, n);
	n = pb_ipv6(b, 44, pb_doc6_a, pb_doc6_b, b, n);
	assert_int_equal(decode_frame(TV_LINK_IPV6, b, n, &p), 0);
	assert_syn(&p, 1);

	/* the first fragment of several is skipped like every other one:
	 * nothing is reassembled */
	n = pb_tcp(b, SPORT, DPORT, ISN, 0, TV_TH_ACK, 100, NULL, 0, 40);
	n = pb_ipv6_frag(b, 6, 0, 1, b, n);
	n = pb_ipv6(b, 44, pb_doc6_a, pb_doc6_b, b, n);
	assert_int_equal(decode_frame(TV_LINK_IPV6, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_FRAGMENT);

	/* a non-first fragment, last and middle */
	n = pb_tcp(b, SPORT, DPORT, ISN, 0, TV_TH_ACK, 100, NULL, 0, 40);
	n = pb_ipv6_frag(b, 6, 185, 0, b, n);
	n = pb_ipv6(b, 44, pb_doc6_a, pb_doc6_b, b, n);
	assert_int_equal(decode_frame(TV_LINK_IPV6, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_FRAGMENT);
	assert_null(p.malformed);

	n = pb_tcp(b, SPORT, DPORT, ISN, 0, TV_TH_ACK, 100, NULL, 0, 40);
	n = pb_ipv6_frag(b, 6, 1, 1, b, n);
	n = pb_ipv6(b, 44, pb_doc6_a, pb_doc6_b, b, n);
	assert_int_equal(decode_frame(TV_LINK_IPV6, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_FRAGMENT);
}

static size_t
ext_chain(uint8_t *b, int headers)
{
	size_t n = syn_tcp(b);
	int i;

	for (i = 0; i < headers; i++)
		n = pb_ipv6_ext(b, i == 0 ? 6 : 60, 0, b, n);
	return pb_ipv6(b, headers > 0 ? 60 : 6, pb_doc6_a, pb_doc6_b, b, n);
}

static void
test_ipv6_extension_chain_limit(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;

	(void)state;
	n = ext_chain(b, 16);			/* the most accepted */
	assert_int_equal(decode_frame(TV_LINK_IPV6, b, n, &p), 0);
	assert_syn(&p, 1);

	n = ext_chain(b, 17);
	assert_int_equal(decode_frame(TV_LINK_IPV6, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_MALFORMED);
	assert_string_equal(p.malformed, "ipv6 extension header chain too long");
}

static void
test_ipv6_extension_past_payload(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;

	(void)state;
	/* a hop-by-hop header claiming 64 bytes in a 28-byte payload */
	n = pb_tcp(b, SPORT, DPORT, ISN, 0, TV_TH_SYN, 100, NULL, 0, 0);
	n = pb_ipv6_ext(b, 6, 0, b, n);
	b[1] = 7;
	n = pb_ipv6(b, 0, pb_doc6_a, pb_doc6_b, b, n);
	assert_int_equal(decode_frame(TV_LINK_IPV6, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_MALFORMED);
	assert_string_equal(p.malformed, "ipv6 extension header past packet");
}

static void
test_ipv6_payload_length(void **state)
{
	uint8_t b[PB_MAX], t[PB_MAX];
	struct tv_pkt p;
	size_t n, tn;

	(void)state;
	/* 0 with bytes after the header: BIG TCP's GSO packet (or a
	 * jumbogram): the length comes from the frame, marked offloaded */
	tn = syn_tcp(t);
	n = pb_ipv6_len(b, 6, pb_doc6_a, pb_doc6_b, t, tn, 0);
	assert_int_equal(decode_frame(TV_LINK_IPV6, b, n, &p), 0);
	assert_int_equal(p.offloaded, 1);
	assert_null(p.malformed);
	assert_int_equal(p.len, 0);
	assert_int_equal(p.flags, TV_TH_SYN);

	/* beyond the packet: flagged, decoded from what the wire carried */
	tn = pb_tcp(t, SPORT, DPORT, ISN, 9, TV_TH_ACK, 100, NULL, 0, 12);
	n = pb_ipv6_len(b, 6, pb_doc6_a, pb_doc6_b, t, tn, 4000);
	n = pb_eth(b, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
	assert_string_equal(p.malformed, "ip total length beyond packet");
	assert_int_equal(p.len, 12);
	assert_false(p.truncated);
}

/* ---- TCP options ---- */

static void
test_tcp_options_syn(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;
	static const uint8_t opts[] = {
		1, 1, 8, 10, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x00, 0x10, 0x01,
		1, 3, 3, 14,
		30, 4, 0x00, 0x01,		/* an unknown kind (MPTCP) is skipped */
		2, 4, 0x05, 0xb4,
	};

	(void)state;
	n = pb_tcp(b, SPORT, DPORT, ISN, 0, TV_TH_SYN, 1000, opts, sizeof(opts), 0);
	n = pb_ipv4(b, 6, pb_lo4_a, pb_lo4_b, b, n);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 0);
	assert_int_equal(p.opt_mask, TV_OPT_TS | TV_OPT_WSCALE | TV_OPT_MSS);
	assert_int_equal(p.ts_val, 0xdeadbeef);
	assert_int_equal(p.ts_ecr, 0x1001);
	assert_int_equal(p.wscale, 14);
	assert_int_equal(p.mss, 1460);
	assert_null(p.malformed);
}

static void
test_tcp_options_after_eol_ignored(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;
	static const uint8_t opts[] = { 2, 4, 0x05, 0xb4, 0, 3, 3, 7 };

	(void)state;
	n = pb_tcp(b, SPORT, DPORT, ISN, 0, TV_TH_SYN, 1000, opts, sizeof(opts), 0);
	n = pb_ipv4(b, 6, pb_lo4_a, pb_lo4_b, b, n);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 0);
	assert_int_equal(p.opt_mask, TV_OPT_MSS);
	assert_int_equal(p.wscale, 0);
	assert_null(p.malformed);
}

static void
test_tcp_sack_blocks(void **state)
{
	uint8_t b[PB_MAX], opts[40];
	struct tv_pkt p;
	size_t n, k;
	unsigned nblk, i;

	(void)state;
	for (nblk = 1; nblk <= 4; nblk++) {
		k = 0;
		opts[k++] = 1;
		opts[k++] = 1;
		opts[k++] = 5;
		opts[k++] = (uint8_t)(2 + 8 * nblk);
		for (i = 0; i < nblk; i++) {
			pb_be32(opts + k, 1000 * (i + 1));
			pb_be32(opts + k + 4, 1000 * (i + 1) + 500);
			k += 8;
		}
		n = pb_tcp(b, SPORT, DPORT, ISN, 77, TV_TH_ACK, 1000, opts, k, 0);
		n = pb_ipv4(b, 6, pb_lo4_a, pb_lo4_b, b, n);
		n = pb_eth(b, b, n);
		assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
		assert_int_equal(p.opt_mask, TV_OPT_SACK);
		assert_int_equal(p.nsack, nblk);
		for (i = 0; i < nblk; i++) {
			assert_int_equal(p.sack[i][0], 1000 * (i + 1));
			assert_int_equal(p.sack[i][1], 1000 * (i + 1) + 500);
		}
		assert_null(p.malformed);
	}
}

static void
test_tcp_sack_more_than_four(void **state)
{
	uint8_t b[PB_MAX], opts[40];
	struct tv_pkt p;
	size_t n, k;
	unsigned i;

	(void)state;
	/*
	 * Five blocks need 42 option bytes and a TCP header holds 40, so on
	 * the wire a 5-block SACK always runs past the header: malformed,
	 * and no block is taken from it.
	 */
	opts[0] = 5;
	opts[1] = 2 + 8 * 5;
	for (k = 2; k < sizeof(opts); k++)
		opts[k] = (uint8_t)k;
	n = pb_tcp(b, SPORT, DPORT, ISN, 77, TV_TH_ACK, 1000, opts, k, 0);
	assert_int_equal(b[12] >> 4, 15);
	n = pb_ipv4(b, 6, pb_lo4_a, pb_lo4_b, b, n);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 0);
	assert_string_equal(p.malformed, "tcp option past header");
	assert_int_equal(p.nsack, 0);
	assert_false(p.opt_mask & TV_OPT_SACK);

	/*
	 * Blocks add up across SACK options and stop at TV_MAX_SACK: three
	 * in one option and two in the next (44 bytes) cannot fit either,
	 * so the most a header carries is 3 + 1 in two options.
	 */
	k = 0;
	opts[k++] = 5;
	opts[k++] = 2 + 8 * 3;
	for (i = 0; i < 3; i++, k += 8) {
		pb_be32(opts + k, 100 * (i + 1));
		pb_be32(opts + k + 4, 100 * (i + 1) + 50);
	}
	opts[k++] = 5;
	opts[k++] = 2 + 8;
	pb_be32(opts + k, 900);
	pb_be32(opts + k + 4, 950);
	k += 8;
	n = pb_tcp(b, SPORT, DPORT, ISN, 77, TV_TH_ACK, 1000, opts, k, 0);
	n = pb_ipv4(b, 6, pb_lo4_a, pb_lo4_b, b, n);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 0);
	assert_null(p.malformed);
	assert_int_equal(p.nsack, 4);
	assert_int_equal(p.sack[2][0], 300);
	assert_int_equal(p.sack[3][0], 900);
	assert_int_equal(p.sack[3][1], 950);
}

static void
test_tcp_option_bad_lengths(void **state)
{
	static const struct {
		uint8_t opts[8];
		size_t len;
		const char *why;
	} cases[] = {
		{ { 2, 0, 0, 0 }, 4, "tcp option length < 2" },
		{ { 1, 1, 8, 1, 0, 0, 0, 0 }, 8, "tcp option length < 2" },
		{ { 1, 1, 1, 1, 1, 1, 2, 4 }, 8, "tcp option past header" },
		{ { 1, 1, 1, 2 }, 4, "tcp option past header" },	/* no length byte */
		{ { 1, 8, 30, 1 }, 4, "tcp option past header" },	/* 30 bytes in 2 */
		{ { 2, 3, 5, 0 }, 4, "tcp mss option length" },
		{ { 3, 4, 7, 0 }, 4, "tcp wscale option length" },
		{ { 4, 3, 0, 0 }, 4, "tcp sackOK option length" },
		{ { 5, 5, 0, 0, 0, 0, 0, 0 }, 8, "tcp sack option length" },
		{ { 8, 6, 0, 0, 0, 0, 0, 0 }, 8, "tcp timestamp option length" },
	};
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n, i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = pb_tcp(b, SPORT, DPORT, ISN, 0, TV_TH_SYN, 1000, cases[i].opts,
		    cases[i].len, 0);
		n = pb_ipv4(b, 6, pb_lo4_a, pb_lo4_b, b, n);
		n = pb_eth(b, b, n);
		assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
		if (p.malformed == NULL || strcmp(p.malformed, cases[i].why) != 0)
			fail_msg("case %zu: malformed \"%s\", want \"%s\"", i,
			    p.malformed ? p.malformed : "(null)", cases[i].why);
		assert_int_equal(p.proto, 6);
		assert_int_equal(p.sport, SPORT);
		assert_false(p.truncated);
	}
}

/* ---- TCP header ---- */

static void
test_tcp_data_offset_below_5(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;

	(void)state;
	n = pb_tcp_doff(b, SPORT, DPORT, ISN, 1, TV_TH_ACK | TV_TH_PSH, 100, NULL,
	    0, 10, 4);
	n = pb_ipv4(b, 6, pb_lo4_a, pb_lo4_b, b, n);
	n = pb_eth(b, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
	assert_string_equal(p.malformed, "tcp data offset < 5");
	assert_int_equal(p.len, 10);
	assert_int_equal(p.opt_mask, 0);
	assert_false(p.truncated);
}

static void
test_tcp_data_offset_past_segment(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;

	(void)state;
	/* 60 bytes of header claimed in a 28-byte segment */
	n = pb_tcp_doff(b, SPORT, DPORT, ISN, 1, TV_TH_ACK, 100, NULL, 0, 8, 15);
	n = pb_ipv4(b, 6, pb_lo4_a, pb_lo4_b, b, n);
	n = pb_eth(b, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
	assert_string_equal(p.malformed, "tcp data offset past segment");
	assert_int_equal(p.len, 0);
	assert_int_equal(p.seq, ISN);
	assert_false(p.truncated);
}

static void
test_tcp_payload_length(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;
	static const uint8_t ts[12] = { 1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 8 };

	(void)state;
	n = pb_tcp(b, SPORT, DPORT, ISN + 1, 0x55667788, TV_TH_ACK | TV_TH_PSH,
	    512, ts, sizeof(ts), 300);
	n = pb_ipv6(b, 6, pb_lo6, pb_lo6, b, n);
	n = pb_sll2(b, b, n);
	assert_int_equal(decode_frame(TV_LINK_LINUX_SLL2, b, n, &p), 0);
	assert_int_equal(p.len, 300);
	assert_int_equal(p.ack, 0x55667788);
	assert_int_equal(p.flags, TV_TH_ACK | TV_TH_PSH);
	assert_int_equal(p.opt_mask, TV_OPT_TS);
	assert_int_equal(p.ts_val, 9);
	assert_int_equal(p.ts_ecr, 8);
	assert_false(p.truncated);
}

/* ---- UDP ---- */

static void
test_udp(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;

	(void)state;
	n = pb_udp(b, 5353, 53, 25);
	n = pb_ipv4(b, 17, pb_lo4_a, pb_lo4_b, b, n);
	n = pb_eth(b, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
	assert_int_equal(p.proto, 17);
	assert_int_equal(p.sport, 5353);
	assert_int_equal(p.dport, 53);
	assert_int_equal(p.len, 25);
	assert_int_equal(p.flags, 0);
	assert_null(p.malformed);
	assert_false(p.truncated);

	/* an empty datagram (length 8) is fine */
	n = pb_udp(b, 5353, 53, 0);
	n = pb_ipv6(b, 17, pb_lo6, pb_lo6, b, n);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 0);
	assert_int_equal(p.len, 0);
	assert_null(p.malformed);
}

static void
test_udp_bad_lengths(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;

	(void)state;
	n = pb_udp_len(b, 5353, 53, 12, 0);
	n = pb_ipv4(b, 17, pb_lo4_a, pb_lo4_b, b, n);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 0);
	assert_string_equal(p.malformed, "udp length 0");
	assert_int_equal(p.len, 12);		/* from the IP header */

	n = pb_udp_len(b, 5353, 53, 12, 5);
	n = pb_ipv4(b, 17, pb_lo4_a, pb_lo4_b, b, n);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 0);
	assert_string_equal(p.malformed, "udp length < 8");
	assert_int_equal(p.len, 12);

	n = pb_udp_len(b, 5353, 53, 12, 500);
	n = pb_ipv4(b, 17, pb_lo4_a, pb_lo4_b, b, n);
	n = pb_eth(b, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
	assert_string_equal(p.malformed, "udp length beyond ip payload");
	assert_int_equal(p.len, 12);
	assert_false(p.truncated);

	/* shorter than the IP payload: the UDP length wins (the bytes after
	 * it are not the datagram's, so a capture may end before them) */
	n = pb_udp_len(b, 5353, 53, 12, 10);
	n = pb_ipv4(b, 17, pb_lo4_a, pb_lo4_b, b, n);
	assert_int_equal(decode_copy(TV_LINK_RAW, b, 30, (uint32_t)n, &p), 0);
	assert_false(p.truncated);
	assert_int_equal(decode_copy(TV_LINK_RAW, b, 29, (uint32_t)n, &p), 0);
	assert_true(p.truncated);
	assert_int_equal(decode_copy(TV_LINK_RAW, b, (uint32_t)n, (uint32_t)n,
	    &p), 0);
	assert_false(p.truncated);
	check_prefixes_upto(TV_LINK_RAW, b, 30, (uint32_t)n, &p);
	assert_null(p.malformed);
	assert_int_equal(p.len, 2);
}

static void
test_udp_segment_shorter_than_header(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;

	(void)state;
	n = pb_udp(b, 5353, 53, 0);
	n = pb_ipv4_full(b, 17, pb_lo4_a, pb_lo4_b, NULL, 0, 0, 24, b, n);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_MALFORMED);
	assert_string_equal(p.malformed, "udp segment shorter than its header");
	assert_false(p.truncated);
}

/* ---- truncated captures ---- */

static void
test_truncated_in_tcp_header(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;

	(void)state;
	n = syn_ip(b, 0);
	n = pb_eth(b, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
	/* 14 + 20 + 10: the ports are there, the rest of the header not */
	assert_int_equal(decode_copy(TV_LINK_ETHERNET, b, 44, (uint32_t)n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_TRUNCATED);
	assert_true(p.truncated);
	assert_int_equal(p.proto, 0);
	assert_int_equal(p.wirelen, n);
	assert_null(p.malformed);
}

static void
test_truncated_in_options(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;

	(void)state;
	n = pb_tcp(b, SPORT, DPORT, ISN, 0, TV_TH_SYN, 65495, syn_opts,
	    sizeof(syn_opts), 0);
	n = pb_ipv4(b, 6, pb_lo4_a, pb_lo4_b, b, n);
	n = pb_eth(b, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
	/* cut inside the timestamp option: MSS and sackOK are in */
	assert_int_equal(decode_copy(TV_LINK_ETHERNET, b, 14 + 20 + 20 + 9,
	    (uint32_t)n, &p), 0);
	assert_int_equal(p.proto, 6);
	assert_true(p.truncated);
	assert_null(p.malformed);
	assert_int_equal(p.len, 0);
	assert_int_equal(p.flags, TV_TH_SYN);
	assert_int_equal(p.opt_mask, TV_OPT_MSS | TV_OPT_SACK_OK);
	assert_int_equal(p.mss, 65495);
}

static void
test_truncated_in_payload(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;
	int v6;

	(void)state;
	for (v6 = 0; v6 <= 1; v6++) {
		n = pb_tcp(b, SPORT, DPORT, ISN + 1, 1, TV_TH_ACK | TV_TH_PSH, 512,
		    NULL, 0, 1000);
		if (v6)
			n = pb_ipv6(b, 6, pb_doc6_a, pb_doc6_b, b, n);
		else
			n = pb_ipv4(b, 6, pb_lo4_a, pb_lo4_b, b, n);
		n = pb_eth(b, b, n);
		assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
		assert_false(p.truncated);
		/* a 96-byte snap length */
		assert_int_equal(decode_copy(TV_LINK_ETHERNET, b, 96, (uint32_t)n,
		    &p), 0);
		assert_int_equal(p.proto, 6);
		assert_true(p.truncated);
		assert_null(p.malformed);
		assert_int_equal(p.len, 1000);	/* as the IP header says */
		assert_int_equal(p.caplen, 96);
		assert_int_equal(p.wirelen, n);
	}
}

static void
test_truncated_udp(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;

	(void)state;
	n = pb_udp(b, 5353, 53, 100);
	n = pb_ipv4(b, 17, pb_lo4_a, pb_lo4_b, b, n);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 0);
	assert_int_equal(p.len, 100);
	assert_false(p.truncated);
	assert_int_equal(decode_copy(TV_LINK_RAW, b, 30, (uint32_t)n, &p), 0);
	assert_int_equal(p.proto, 17);
	assert_true(p.truncated);
	assert_int_equal(p.len, 100);
	assert_int_equal(decode_copy(TV_LINK_RAW, b, 27, (uint32_t)n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_TRUNCATED);
	assert_true(p.truncated);
}

static void
test_wirelen_below_caplen(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;

	(void)state;
	n = syn_ip(b, 0);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 0);
	assert_int_equal(decode_copy(TV_LINK_RAW, b, (uint32_t)n, 10, &p), 0);
	assert_int_equal(p.wirelen, n);
	assert_syn(&p, 0);
}

/* ---- not TCP or UDP ---- */

static void
test_icmp_icmp6_other(void **state)
{
	uint8_t b[PB_MAX], body[16] = { 8, 0 };
	struct tv_pkt p;
	size_t n;

	(void)state;
	memcpy(b, body, sizeof(body));
	n = pb_ipv4(b, 1, pb_lo4_a, pb_lo4_b, b, sizeof(body));
	n = pb_eth(b, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_ICMP);

	memcpy(b, body, sizeof(body));
	b[0] = 128;			/* echo request */
	n = pb_ipv6(b, 58, pb_lo6, pb_lo6, b, sizeof(body));
	n = pb_eth(b, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_ICMP6);

	/* ICMPv6 behind a hop-by-hop header (as MLD is) */
	memcpy(b, body, sizeof(body));
	n = pb_ipv6_ext(b, 58, 0, b, sizeof(body));
	n = pb_ipv6(b, 0, pb_lo6, pb_lo6, b, n);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_ICMP6);

	/* ESP (GRE is opened: test_tunnel_*) */
	memset(b, 0, 24);
	n = pb_ipv4(b, 50, pb_lo4_a, pb_lo4_b, b, 24);
	n = pb_eth(b, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_OTHER_PROTO);
	assert_null(p.malformed);
	assert_false(p.truncated);

	/* IPv6 "no next header" */
	memset(b, 0, 8);
	n = pb_ipv6(b, 59, pb_lo6, pb_lo6, b, 8);
	n = pb_sll(b, b, n);
	assert_int_equal(decode_frame(TV_LINK_LINUX_SLL, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_OTHER_PROTO);
}

/* ---- ICMP and ICMPv6 errors: the flow they quote ---- */

static uint16_t ref_sum(const uint8_t *p, size_t n, uint32_t acc);

static const uint8_t zero12[12];

/* a UDP datagram 127.0.0.1:SPORT -> 127.0.0.2:53, 5 bytes of payload */
static size_t
udp4_quote(uint8_t *q)
{
	size_t n = pb_udp(q, SPORT, 53, 5);

	return pb_ipv4(q, 17, pb_lo4_a, pb_lo4_b, q, n);
}

/* An ICMPv4 error from 127.0.0.2 to 127.0.0.1 quoting quotelen bytes of q. */
static size_t
icmp4_frame(uint8_t *b, uint8_t type, uint8_t code, uint32_t rest,
    const uint8_t *q, size_t quotelen)
{
	size_t n = pb_icmp_err(b, type, code, rest, q, quotelen);

	return pb_ipv4(b, 1, pb_lo4_b, pb_lo4_a, b, n);
}

/* An ICMPv6 error from 2001:db8::2 to 2001:db8::1. */
static size_t
icmp6_frame(uint8_t *b, uint8_t type, uint8_t code, uint32_t rest,
    const uint8_t *q, size_t quotelen)
{
	size_t n = pb_icmp_err(b, type, code, rest, q, quotelen);

	return pb_ipv6(b, 58, pb_doc6_b, pb_doc6_a, b, n);
}

static void
test_icmp_port_unreachable_udp(void **state)
{
	uint8_t q[PB_MAX], b[PB_MAX];
	struct tv_pkt p;
	size_t qn, n;

	(void)state;
	qn = udp4_quote(q);
	n = icmp4_frame(b, 3, 3, 0, q, qn);
	n = pb_eth(b, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 2);
	assert_int_equal(p.icmp.kind, TV_ICMP_PORT_UNREACH);
	assert_string_equal(tv_icmp_names[p.icmp.kind], "port unreachable");
	assert_int_equal(p.icmp.type, 3);
	assert_int_equal(p.icmp.code, 3);
	assert_int_equal(p.icmp.v6, 0);
	assert_int_equal(p.icmp.mtu, 0);
	assert_int_equal(p.icmp.has_seq, 0);
	/* the quote reversed: a packet from the server to the client */
	assert_int_equal(p.proto, 17);
	assert_int_equal(p.src.family, 4);
	assert_memory_equal(p.src.a, pb_lo4_b, 4);
	assert_memory_equal(p.dst.a, pb_lo4_a, 4);
	assert_memory_equal(p.src.a + 4, zero12, 12);
	assert_memory_equal(p.dst.a + 4, zero12, 12);
	assert_int_equal(p.sport, 53);
	assert_int_equal(p.dport, SPORT);
	assert_int_equal(p.len, 0);
	assert_null(p.payload);
	/* the message's own addresses */
	assert_memory_equal(p.icmp.from.a, pb_lo4_b, 4);
	assert_memory_equal(p.icmp.to.a, pb_lo4_a, 4);
	assert_false(p.truncated);
	assert_null(p.malformed);

	/* the same over IPv6: ICMPv6 1/4 quoting UDP */
	n = pb_udp(q, SPORT, 53, 5);
	qn = pb_ipv6(q, 17, pb_doc6_a, pb_doc6_b, q, n);
	n = icmp6_frame(b, 1, 4, 0, q, qn);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 2);
	assert_int_equal(p.icmp.kind, TV_ICMP_PORT_UNREACH);
	assert_int_equal(p.icmp.v6, 1);
	assert_memory_equal(p.src.a, pb_doc6_b, 16);
	assert_memory_equal(p.dst.a, pb_doc6_a, 16);
	assert_int_equal(p.sport, 53);
	assert_int_equal(p.dport, SPORT);
}

/* Every type and code to its kind; informational messages are no error. */
static void
test_icmp_kinds(void **state)
{
	static const struct { uint8_t v6, type, code, kind; } t[] = {
		{ 0, 3, 0, TV_ICMP_NET_UNREACH }, { 0, 3, 1, TV_ICMP_HOST_UNREACH },
		{ 0, 3, 2, TV_ICMP_PROTO_UNREACH }, { 0, 3, 3, TV_ICMP_PORT_UNREACH },
		{ 0, 3, 4, TV_ICMP_FRAG_NEEDED }, { 0, 3, 5, TV_ICMP_UNREACH },
		{ 0, 3, 6, TV_ICMP_NET_UNREACH }, { 0, 3, 7, TV_ICMP_HOST_UNREACH },
		{ 0, 3, 9, TV_ICMP_ADMIN }, { 0, 3, 10, TV_ICMP_ADMIN },
		{ 0, 3, 13, TV_ICMP_ADMIN }, { 0, 3, 200, TV_ICMP_UNREACH },
		{ 0, 11, 0, TV_ICMP_TIME_EXCEEDED }, { 0, 11, 1, TV_ICMP_TIME_EXCEEDED },
		{ 0, 12, 0, TV_ICMP_PARAM_PROBLEM },
		{ 0, 0, 0, 0 }, { 0, 4, 0, 0 }, { 0, 5, 1, 0 }, { 0, 8, 0, 0 },
		{ 0, 255, 0, 0 },
		{ 1, 1, 0, TV_ICMP_NET_UNREACH }, { 1, 1, 1, TV_ICMP_ADMIN },
		{ 1, 1, 2, TV_ICMP_UNREACH }, { 1, 1, 3, TV_ICMP_HOST_UNREACH },
		{ 1, 1, 4, TV_ICMP_PORT_UNREACH }, { 1, 1, 5, TV_ICMP_ADMIN },
		{ 1, 1, 6, TV_ICMP_ADMIN }, { 1, 1, 7, TV_ICMP_UNREACH },
		{ 1, 2, 0, TV_ICMP_TOO_BIG }, { 1, 3, 1, TV_ICMP_TIME_EXCEEDED },
		{ 1, 4, 2, TV_ICMP_PARAM_PROBLEM },
		{ 1, 128, 0, 0 }, { 1, 129, 0, 0 }, { 1, 135, 0, 0 }, { 1, 0, 0, 0 },
	};
	uint8_t q[PB_MAX], b[PB_MAX];
	struct tv_pkt p;
	size_t i, qn, n;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (t[i].v6) {
			n = pb_udp(q, SPORT, 53, 5);
			qn = pb_ipv6(q, 17, pb_doc6_a, pb_doc6_b, q, n);
			n = icmp6_frame(b, t[i].type, t[i].code, 0, q, qn);
		} else {
			qn = udp4_quote(q);
			n = icmp4_frame(b, t[i].type, t[i].code, 0, q, qn);
		}
		if (t[i].kind == 0) {
			assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
			assert_int_equal(p.skip, t[i].v6 ? TV_SKIP_ICMP6 : TV_SKIP_ICMP);
			assert_null(p.malformed);
			continue;
		}
		assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 2);
		assert_int_equal(p.icmp.kind, t[i].kind);
		assert_int_equal(p.icmp.type, t[i].type);
		assert_int_equal(p.icmp.code, t[i].code);
	}
}

/*
 * Fragmentation needed quoting a TCP SYN, the quote cut at every length
 * by its sender (the message whole): before the ports it is malformed,
 * with them it is used, the sequence number once its 4 bytes are there.
 */
static void
test_icmp_frag_needed_quote_every_length(void **state)
{
	uint8_t q[PB_MAX], b[PB_MAX];
	struct tv_pkt p;
	size_t qn, n, len;

	(void)state;
	qn = syn_ip(q, 0);
	for (len = 0; len <= qn; len++) {
		/* RFC 1191 §4: the next-hop MTU in the low 16 bits */
		n = icmp4_frame(b, 3, 4, 0xdead0000u | 1400, q, len);
		if (len < 24) {
			assert_int_equal(decode_copy(TV_LINK_RAW, b, (uint32_t)n,
			    (uint32_t)n, &p), 1);
			assert_int_equal(p.skip, TV_SKIP_MALFORMED);
			assert_string_equal(p.malformed, "icmp quote cut before the ports");
			assert_false(p.truncated);
			continue;
		}
		assert_int_equal(decode_copy(TV_LINK_RAW, b, (uint32_t)n,
		    (uint32_t)n, &p), 2);
		assert_int_equal(p.icmp.kind, TV_ICMP_FRAG_NEEDED);
		assert_int_equal(p.icmp.mtu, 1400);
		assert_int_equal(p.proto, 6);
		assert_int_equal(p.sport, DPORT);
		assert_int_equal(p.dport, SPORT);
		assert_int_equal(p.icmp.has_seq, len >= 28);
		assert_int_equal(p.icmp.seq, len >= 28 ? ISN : 0);
		assert_int_equal(p.flags, 0);
		assert_int_equal(p.opt_mask, 0);
		assert_false(p.truncated);
		assert_null(p.malformed);
	}
	/* RFC 792's 8 bytes, cut by the capture at every length */
	n = icmp4_frame(b, 3, 4, 1400, q, 28);
	n = pb_eth(b, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 2);
	assert_int_equal(p.icmp.seq, ISN);
	assert_int_equal(decode_copy(TV_LINK_ETHERNET, b, (uint32_t)n - 1,
	    (uint32_t)n, &p), 2);
	assert_true(p.truncated);
	assert_int_equal(p.icmp.has_seq, 0);
	assert_int_equal(decode_copy(TV_LINK_ETHERNET, b, (uint32_t)n - 5,
	    (uint32_t)n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_TRUNCATED);
	assert_true(p.truncated);
	assert_null(p.malformed);

	/* a quote with IP options */
	{
		static const uint8_t nops[4] = { 1, 1, 1, 0 };
		size_t tn = pb_tcp(q, SPORT, DPORT, ISN, 0, TV_TH_SYN, 1024,
		    NULL, 0, 0);

		qn = pb_ipv4_full(q, 6, pb_lo4_a, pb_lo4_b, nops, 4, 0x4000, 0,
		    q, tn);
		n = icmp4_frame(b, 11, 0, 0, q, qn);
		assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 2);
		assert_int_equal(p.icmp.kind, TV_ICMP_TIME_EXCEEDED);
		assert_int_equal(p.sport, DPORT);
		assert_int_equal(p.icmp.seq, ISN);
	}
}

/* Packet too big quoting a TCP segment behind two extension headers,
 * cut at every length: the headers are walked as far as the quote goes. */
static void
test_icmp6_too_big_ext_quote_every_length(void **state)
{
	uint8_t q[PB_MAX], b[PB_MAX];
	struct tv_pkt p;
	size_t qn, n, len;

	(void)state;
	n = pb_tcp(q, SPORT, DPORT, ISN, 0, TV_TH_ACK, 1024, NULL, 0, 100);
	n = pb_ipv6_ext(q, 6, 1, q, n);		/* destination options, 16 bytes */
	n = pb_ipv6_ext(q, 60, 0, q, n);	/* hop-by-hop, 8 bytes */
	qn = pb_ipv6(q, 0, pb_doc6_a, pb_doc6_b, q, n);
	for (len = 0; len <= qn; len++) {
		n = icmp6_frame(b, 2, 0, 1280, q, len);
		if (len < 40 + 24 + 4) {
			assert_int_equal(decode_copy(TV_LINK_RAW, b, (uint32_t)n,
			    (uint32_t)n, &p), 1);
			assert_int_equal(p.skip, TV_SKIP_MALFORMED);
			assert_string_equal(p.malformed, "icmp quote cut before the ports");
			continue;
		}
		assert_int_equal(decode_copy(TV_LINK_RAW, b, (uint32_t)n,
		    (uint32_t)n, &p), 2);
		assert_int_equal(p.icmp.kind, TV_ICMP_TOO_BIG);
		assert_int_equal(p.icmp.v6, 1);
		assert_int_equal(p.icmp.mtu, 1280);
		assert_memory_equal(p.src.a, pb_doc6_b, 16);
		assert_int_equal(p.sport, DPORT);
		assert_int_equal(p.dport, SPORT);
		assert_int_equal(p.icmp.has_seq, len >= 40 + 24 + 8);
		assert_null(p.malformed);
	}
	n = icmp6_frame(b, 2, 0, 1280, q, qn);
	n = pb_eth(b, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 2);
}

/* Quotes that name no flow, or lie: skipped, never followed further. */
static void
test_icmp_hostile_quotes(void **state)
{
	uint8_t q[PB_MAX], b[PB_MAX], echo[16] = { 8, 0 };
	struct tv_pkt p;
	size_t qn, n, i;

	(void)state;
	/* a quote that is itself ICMP (an echo) */
	memcpy(q, echo, sizeof(echo));
	qn = pb_ipv4(q, 1, pb_lo4_a, pb_lo4_b, q, sizeof(echo));
	n = icmp4_frame(b, 3, 1, 0, q, qn);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_ICMP);
	assert_null(p.malformed);

	/* nested: an error quoting an error quoting UDP is not followed */
	qn = udp4_quote(q);
	qn = icmp4_frame(q, 3, 3, 0, q, qn);
	n = icmp4_frame(b, 11, 0, 0, q, qn);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_ICMP);
	assert_int_equal(p.icmp.kind, TV_ICMP_NONE);

	/* the same in ICMPv6 */
	n = pb_udp(q, SPORT, 53, 5);
	qn = pb_ipv6(q, 17, pb_doc6_a, pb_doc6_b, q, n);
	qn = icmp6_frame(q, 1, 4, 0, q, qn);
	n = icmp6_frame(b, 3, 0, 0, q, qn);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_ICMP6);

	/* another protocol quoted (GRE) */
	memset(q, 0, 24);
	qn = pb_ipv4(q, 47, pb_lo4_a, pb_lo4_b, q, 24);
	n = icmp4_frame(b, 3, 2, 0, q, qn);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_ICMP);

	/* a later fragment: no ports in it */
	n = pb_udp(q, SPORT, 53, 5);
	qn = pb_ipv4_full(q, 17, pb_lo4_a, pb_lo4_b, NULL, 0, 0x0010, 0, q, n);
	n = icmp4_frame(b, 3, 3, 0, q, qn);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_ICMP);
	/* an IPv6 one */
	n = pb_udp(q, SPORT, 53, 5);
	n = pb_ipv6_frag(q, 17, 3, 0, q, n);
	qn = pb_ipv6(q, 44, pb_doc6_a, pb_doc6_b, q, n);
	n = icmp6_frame(b, 1, 4, 0, q, qn);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_ICMP6);
	/* a first fragment has the ports */
	n = pb_udp(q, SPORT, 53, 5);
	n = pb_ipv6_frag(q, 17, 0, 1, q, n);
	qn = pb_ipv6(q, 44, pb_doc6_a, pb_doc6_b, q, n);
	n = icmp6_frame(b, 1, 4, 0, q, qn);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 2);
	assert_int_equal(p.sport, 53);

	/* the wrong IP version inside */
	qn = udp4_quote(q);
	n = icmp6_frame(b, 1, 4, 0, q, qn);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_string_equal(p.malformed, "icmp quote not IPv6");
	n = pb_udp(q, SPORT, 53, 5);
	qn = pb_ipv6(q, 17, pb_doc6_a, pb_doc6_b, q, n);
	n = icmp4_frame(b, 3, 3, 0, q, qn);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_string_equal(p.malformed, "icmp quote not IPv4");
	/* a quoted header length below 20 */
	qn = udp4_quote(q);
	q[0] = 0x44;
	n = icmp4_frame(b, 3, 3, 0, q, qn);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_string_equal(p.malformed, "icmp quote ip header length < 20");
	/* a quoted header length past the quote */
	qn = udp4_quote(q);
	q[0] = 0x4f;
	n = icmp4_frame(b, 3, 3, 0, q, qn);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_MALFORMED);

	/* an extension header chain longer than any real one */
	n = pb_udp(q, SPORT, 53, 5);
	for (i = 0; i < 17; i++)
		n = pb_ipv6_ext(q, i == 0 ? 17 : 60, 0, q, n);
	qn = pb_ipv6(q, 60, pb_doc6_a, pb_doc6_b, q, n);
	n = icmp6_frame(b, 1, 4, 0, q, qn);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_string_equal(p.malformed, "ipv6 extension header chain too long");
	/* an extension header longer than the quoted packet says it is */
	n = pb_udp(q, SPORT, 53, 5);
	n = pb_ipv6_ext(q, 17, 0, q, n);
	qn = pb_ipv6_len(q, 60, pb_doc6_a, pb_doc6_b, q, n, 4);
	n = icmp6_frame(b, 1, 4, 0, q, qn);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_MALFORMED);

	/* an error message shorter than its own header */
	b[0] = 3;
	b[1] = 3;
	memset(b + 2, 0, 4);
	n = pb_ipv4(b, 1, pb_lo4_b, pb_lo4_a, b, 6);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_string_equal(p.malformed, "icmp message shorter than its header");
	/* one byte of ICMP: nothing to tell */
	b[0] = 3;
	n = pb_ipv4(b, 1, pb_lo4_b, pb_lo4_a, b, 1);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_ICMP);
	/* ICMPv4 carried over IPv6 is no error of a flow */
	qn = udp4_quote(q);
	n = pb_icmp_err(b, 3, 3, 0, q, qn);
	n = pb_ipv6(b, 1, pb_doc6_b, pb_doc6_a, b, n);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_ICMP);
	/* fragmented outer packet: not reassembled, as before */
	qn = udp4_quote(q);
	n = pb_icmp_err(b, 3, 3, 0, q, qn);
	n = pb_ipv4_full(b, 1, pb_lo4_b, pb_lo4_a, NULL, 0, 0x2000, 0, b, n);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_FRAGMENT);
}

/* TV_DEC_CKSUM: ICMP's checksum (RFC 792), ICMPv6's with the IPv6
 * pseudo-header (RFC 4443 §2.3); a wrong one is not used. */
static void
test_icmp_checksums(void **state)
{
	uint8_t q[PB_MAX], b[PB_MAX], ph[40];
	struct tv_pkt p;
	size_t qn, n, mlen;
	uint16_t ck;

	(void)state;
	qn = udp4_quote(q);
	n = icmp4_frame(b, 3, 3, 0, q, qn);
	ck = (uint16_t)~ref_sum(b + 20, n - 20, 0);
	pb_be16(b + 22, ck);
	assert_int_equal(tv_decode_opts(TV_LINK_RAW, b, (uint32_t)n, (uint32_t)n,
	    TV_DEC_CKSUM, &p), 2);
	assert_int_equal(p.ck_l4, TV_CK_CORRECT);
	pb_be16(b + 22, ck ^ 0x0100);
	assert_int_equal(tv_decode_opts(TV_LINK_RAW, b, (uint32_t)n, (uint32_t)n,
	    TV_DEC_CKSUM, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_ICMP);
	assert_int_equal(p.ck_l4, TV_CK_INCORRECT);
	assert_string_equal(p.malformed, "icmp checksum incorrect: not used");
	/* unverified when not all of it was captured */
	assert_int_equal(tv_decode_opts(TV_LINK_RAW, b, (uint32_t)n - 1,
	    (uint32_t)n, TV_DEC_CKSUM, &p), 2);
	assert_int_equal(p.ck_l4, TV_CK_UNVERIFIED);

	n = pb_udp(q, SPORT, 53, 5);
	qn = pb_ipv6(q, 17, pb_doc6_a, pb_doc6_b, q, n);
	n = icmp6_frame(b, 1, 4, 0, q, qn);
	mlen = n - 40;
	memcpy(ph, b + 8, 32);		/* source, destination */
	pb_be32(ph + 32, (uint32_t)mlen);
	memset(ph + 36, 0, 3);
	ph[39] = 58;
	ck = (uint16_t)~ref_sum(b + 40, mlen, ref_sum(ph, 40, 0));
	pb_be16(b + 42, ck);
	assert_int_equal(tv_decode_opts(TV_LINK_RAW, b, (uint32_t)n, (uint32_t)n,
	    TV_DEC_CKSUM, &p), 2);
	assert_int_equal(p.ck_l4, TV_CK_CORRECT);
	pb_be16(b + 42, ck ^ 1);
	assert_int_equal(tv_decode_opts(TV_LINK_RAW, b, (uint32_t)n, (uint32_t)n,
	    TV_DEC_CKSUM, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_ICMP6);
}

/* ---- flag text ---- */

static void
test_flags_letters(void **state)
{
	static const struct { uint16_t f; const char *s; } cases[] = {
		{ TV_TH_SYN, "S" },
		{ TV_TH_SYN | TV_TH_ACK, "S." },
		{ TV_TH_ACK, "." },
		{ TV_TH_PSH | TV_TH_ACK, "P." },
		{ TV_TH_FIN | TV_TH_ACK, "F." },
		{ TV_TH_FIN | TV_TH_PSH | TV_TH_ACK, "FP." },
		{ TV_TH_RST, "R" },
		{ TV_TH_RST | TV_TH_ACK, "R." },
		{ 0, "none" },
		/* tcpdump's print-tcp.c order: F S R P . U E W, then AE as e */
		{ 0xff, "FSRP.UEW" },
		{ 0x1ff, "FSRP.UEWe" },
		{ TV_TH_SYN | TV_TH_ECE | TV_TH_CWR, "SEW" },
		{ TV_TH_SYN | TV_TH_ACK | TV_TH_ECE, "S.E" },
		{ TV_TH_SYN | TV_TH_ECE | TV_TH_CWR | TV_TH_AE, "SEWe" },
	};
	char buf[12];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(buf, 'x', sizeof(buf));
		assert_ptr_equal(tv_flags_letters(cases[i].f, buf, sizeof(buf)), buf);
		assert_string_equal(buf, cases[i].s);
	}
	/* too small a buffer gives an empty string, not an overrun */
	memset(buf, 'x', sizeof(buf));
	tv_flags_letters(0xff, buf, 4);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[4], 'x');
}

/* tv_u64_dec writes what printf's %llu writes: every power of ten and its
 * neighbours, the ends, and a million values of every length */
static void
test_u64_dec(void **state)
{
	char got[24], want[24];
	uint64_t p = 1, x = 88172645463325252ULL, v;
	size_t n;
	int i, k;

	(void)state;
	for (i = 0; i < 20; i++, p *= 10) {
		for (k = -1; k <= 1; k++) {
			v = p + (uint64_t)(int64_t)k;
			n = tv_u64_dec(got, v);
			got[n] = '\0';
			snprintf(want, sizeof(want), "%llu", (unsigned long long)v);
			assert_string_equal(got, want);
		}
	}
	n = tv_u64_dec(got, UINT64_MAX);
	got[n] = '\0';
	assert_string_equal(got, "18446744073709551615");
	/* every value below 1000 (the short ways) and those about 2^32 and
	 * 100 * 2^32 (uint32's end, and where a long number's first digits
	 * no longer fit one) */
	for (v = 0; v < 1000; v++) {
		n = tv_u64_dec(got, v);
		got[n] = '\0';
		snprintf(want, sizeof(want), "%llu", (unsigned long long)v);
		assert_string_equal(got, want);
	}
	for (i = -300; i <= 300; i++) {
		static const uint64_t at[] = { 1ULL << 32, 100ULL << 32 };

		for (k = 0; k < 2; k++) {
			v = at[k] + (uint64_t)(int64_t)i;
			n = tv_u64_dec(got, v);
			got[n] = '\0';
			snprintf(want, sizeof(want), "%llu", (unsigned long long)v);
			assert_string_equal(got, want);
		}
	}
	for (i = 0; i < 1000000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = x >> (x % 64);
		n = tv_u64_dec(got, v);
		got[n] = '\0';
		snprintf(want, sizeof(want), "%llu", (unsigned long long)v);
		assert_string_equal(got, want);
	}
}

/*
 * tv_u64_dec finds the digits of a number below 10^8 by fixed-point
 * multiplication, exact only as long as its rounding error stays below
 * what separates two digits: every such number, against a decimal counter
 * kept in ASCII (one step of it is a few instructions, printf's a hundred);
 * then the same counter through numbers above 10^8, whose last eight
 * digits go through the same steps: 10^8 to 10^8 + 10^6, about 2^32,
 * about 10^14 (the digits before the last eight go from six to seven) and
 * 10^16 (from eight to nine: those split in turn).
 */
static void
test_u64_dec_every_short(void **state)
{
	static const uint64_t from[] = { 0, 100000000ULL, 4294000000ULL,
	    99999999000000ULL, 9999999999000000ULL };
	static const uint64_t count[] = { 100000000ULL, 1000000ULL, 2000000ULL,
	    2000000ULL, 2000000ULL };
	char ref[24], got[24];
	size_t rn, n, j;
	uint64_t v, end;
	int r;

	(void)state;
	for (r = 0; r < 5; r++) {
		rn = (size_t)snprintf(ref, sizeof(ref), "%llu",
		    (unsigned long long)from[r]);
		for (v = from[r], end = from[r] + count[r]; v < end; v++) {
			n = tv_u64_dec(got, v);
			if (n != rn || memcmp(got, ref, n) != 0) {
				got[n] = '\0';
				ref[rn] = '\0';
				fail_msg("%llu: got \"%s\", want \"%s\"",
				    (unsigned long long)v, got, ref);
			}
			for (j = rn; j > 0 && ref[j - 1] == '9'; j--)
				ref[j - 1] = '0';
			if (j > 0) {
				ref[j - 1]++;
			} else {
				memmove(ref + 1, ref, rn);
				ref[0] = '1';
				rn++;
			}
		}
	}
}

/* tv_dec_fixed writes v's last n digits with their zeros, as printf's
 * %0*u does for a v below 10^n */
static void
test_dec_fixed(void **state)
{
	static const uint32_t vals[] = { 0, 1, 9, 10, 42, 99, 100, 999, 1000,
	    123456, 999999, 1000000, 99999999, 123456789, 999999999 };
	char got[16], want[16];
	size_t i, n, w;

	(void)state;
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		for (n = 1; n <= 9; n++) {
			memset(got, 'x', sizeof(got));
			tv_dec_fixed(got, vals[i], n);
			assert_int_equal(got[n], 'x');	/* n bytes, no more */
			snprintf(want, sizeof(want), "%09u", (unsigned)vals[i]);
			w = strlen(want);
			assert_memory_equal(got, want + w - n, n);
		}
}

static void
test_flags_words(void **state)
{
	static const struct { uint16_t f; const char *s; } cases[] = {
		{ TV_TH_SYN, "SYN" },
		{ TV_TH_SYN | TV_TH_ACK, "SYN,ACK" },
		{ TV_TH_ACK, "ACK" },
		{ TV_TH_PSH | TV_TH_ACK, "PSH,ACK" },
		{ TV_TH_FIN | TV_TH_PSH | TV_TH_ACK, "FIN,PSH,ACK" },
		{ TV_TH_RST | TV_TH_ACK, "RST,ACK" },
		{ 0, "none" },
		{ 0xff, "SYN,FIN,RST,PSH,URG,ECE,CWR,ACK" },
		{ 0x1ff, "SYN,FIN,RST,PSH,URG,ECE,CWR,ACK,AE" },
	};
	char buf[40];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_ptr_equal(tv_flags_words(cases[i].f, buf, sizeof(buf)), buf);
		assert_string_equal(buf, cases[i].s);
		/* written four bytes at a time: the same words, their length */
		memset(buf, 'x', sizeof(buf));
		assert_int_equal(tv_flags_words_len(cases[i].f, buf),
		    strlen(cases[i].s));
		assert_string_equal(buf, cases[i].s);
	}
	/* cut short, never past the buffer */
	memset(buf, 'x', sizeof(buf));
	tv_flags_words(0xff, buf, 10);
	assert_true(strlen(buf) < 10);
	assert_int_equal(buf[10], 'x');
}

/* ---- address text ---- */

static void
addr6(struct tv_addr *a, const uint16_t g[8])
{
	int i;

	memset(a, 0, sizeof(*a));
	a->family = 6;
	for (i = 0; i < 8; i++)
		pb_be16(a->a + 2 * i, g[i]);
}

static void
test_addr_str_ipv4(void **state)
{
	struct tv_addr a = { .family = 4, .a = { 127, 0, 0, 1 } };
	struct tv_addr d = { .family = 4, .a = { 203, 0, 113, 255 } };
	char buf[TV_ADDRSTRLEN];

	char want[TV_ADDRSTRLEN];
	unsigned o;
	int i;

	(void)state;
	assert_string_equal(tv_addr_str(&a, buf, sizeof(buf)), "127.0.0.1");
	assert_string_equal(tv_addr_str(&d, buf, sizeof(buf)), "203.0.113.255");
	/* every octet value in every place, as printf writes it */
	for (i = 0; i < 4; i++)
		for (o = 0; o < 256; o++) {
			memcpy(a.a, (const uint8_t[]){ 10, 1, 200, 37 }, 4);
			a.a[i] = (uint8_t)o;
			snprintf(want, sizeof(want), "%u.%u.%u.%u", a.a[0], a.a[1],
			    a.a[2], a.a[3]);
			assert_string_equal(tv_addr_str(&a, buf, sizeof(buf)), want);
		}
}

static void
test_addr_str_ipv6_rfc5952(void **state)
{
	static const struct { uint16_t g[8]; const char *s; } cases[] = {
		{ { 0, 0, 0, 0, 0, 0, 0, 1 }, "::1" },
		{ { 0, 0, 0, 0, 0, 0, 0, 0 }, "::" },
		{ { 0x2001, 0xdb8, 0, 0, 0, 0, 0, 1 }, "2001:db8::1" },
		{ { 0x2001, 0xdb8, 0, 0, 1, 0, 0, 1 }, "2001:db8::1:0:0:1" },
		{ { 0x2001, 0xdb8, 0, 1, 1, 1, 1, 1 }, "2001:db8:0:1:1:1:1:1" },
		{ { 0x2001, 0x0db8, 0x00aa, 0x000b, 0, 0, 0, 0x0001 },
		    "2001:db8:aa:b::1" },
		{ { 0x2001, 0xDB8, 0xABCD, 0xEF01, 0, 0, 0, 0xFFFF },
		    "2001:db8:abcd:ef01::ffff" },
		{ { 0x2001, 0xdb8, 0, 0, 1, 0, 0, 0 }, "2001:db8:0:0:1::" },
		{ { 0x2001, 0xdb8, 0, 0, 0, 0, 0, 0 }, "2001:db8::" },
		{ { 0, 0, 0, 0, 0, 0xffff, 0x7f00, 0x0001 }, "::ffff:127.0.0.1" },
		{ { 0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201 }, "::ffff:192.0.2.1" },
		{ { 0x2001, 0xdb8, 1, 2, 3, 4, 5, 6 }, "2001:db8:1:2:3:4:5:6" },
		{ { 0x2001, 0xdb8, 0, 0, 0, 0xab, 0, 0 }, "2001:db8::ab:0:0" },
	};
	struct tv_addr a;
	char buf[TV_ADDRSTRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		addr6(&a, cases[i].g);
		assert_string_equal(tv_addr_str(&a, buf, sizeof(buf)), cases[i].s);
	}
	/* the longest text fits TV_ADDRSTRLEN */
	{
		static const uint16_t g[8] = { 0xffff, 0xffff, 0xffff, 0xffff,
		    0xffff, 0xffff, 0xffff, 0xffff };

		addr6(&a, g);
		assert_string_equal(tv_addr_str(&a, buf, sizeof(buf)),
		    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	}
}

static void
test_endpoint_str(void **state)
{
	struct tv_addr a4 = { .family = 4, .a = { 127, 0, 0, 1 } };
	struct tv_addr a6;
	static const uint16_t g[8] = { 0x2001, 0xdb8, 0, 0, 0, 0, 0, 1 };
	char buf[TV_ENDPOINTSTRLEN];

	(void)state;
	assert_string_equal(tv_endpoint_str(&a4, 80, buf, sizeof(buf)),
	    "127.0.0.1:80");
	addr6(&a6, g);
	assert_string_equal(tv_endpoint_str(&a6, 443, buf, sizeof(buf)),
	    "[2001:db8::1]:443");
	addr6(&a6, (const uint16_t[8]){ 0, 0, 0, 0, 0, 0, 0, 1 });
	assert_string_equal(tv_endpoint_str(&a6, 65535, buf, sizeof(buf)),
	    "[::1]:65535");
}

/* ---- sequence numbers ---- */

static void
test_seq_compare_wraps(void **state)
{
	(void)state;
	assert_true(tv_seq_lt(1, 2));
	assert_false(tv_seq_lt(2, 1));
	assert_false(tv_seq_lt(5, 5));
	assert_true(tv_seq_le(5, 5));
	assert_true(tv_seq_ge(5, 5));
	assert_false(tv_seq_gt(5, 5));

	/* across 2^32 */
	assert_true(tv_seq_lt(0xfffffff0u, 0x10u));
	assert_true(tv_seq_le(0xfffffff0u, 0x10u));
	assert_true(tv_seq_gt(0x10u, 0xfffffff0u));
	assert_true(tv_seq_ge(0x10u, 0xfffffff0u));
	assert_false(tv_seq_gt(0xfffffff0u, 0x10u));
	assert_false(tv_seq_lt(0x10u, 0xfffffff0u));
	assert_true(tv_seq_lt(0xffffffffu, 0u));
	assert_true(tv_seq_gt(0u, 0xffffffffu));

	/* just under half the space apart is still "before" */
	assert_true(tv_seq_lt(0x80000000u, 0xfffffffeu));
	assert_true(tv_seq_lt(0u, 0x7fffffffu));
	assert_true(tv_seq_gt(0x7fffffffu, 0u));
}


/* ---- issue 18: NULL headers with an Ethernet type, offloaded lengths,
 * checksums ---- */

/* Wireshark's packet-null.c: above 1500 the header is an Ethernet type,
 * in either byte order; below, an AF value in either */
static void
test_null_ethertype(void **state)
{
	static const struct { uint8_t h[4]; int fam; } cases[] = {
		{ { 0x0f, 0x00, 0x08, 0x00 }, 4 },	/* the issue's */
		{ { 0x00, 0x08, 0x00, 0x00 }, 4 },	/* 0x0800 little-endian */
		{ { 0x00, 0x00, 0x08, 0x00 }, 4 },	/* big-endian */
		{ { 0xdd, 0x86, 0x00, 0x00 }, 6 },
		{ { 0x00, 0x00, 0x86, 0xdd }, 6 },
		{ { 0x02, 0x00, 0x00, 0x00 }, 4 },	/* AF_INET, either order */
		{ { 0x00, 0x00, 0x00, 0x02 }, 4 },
		{ { 0x1e, 0x00, 0x00, 0x00 }, 6 },	/* AF_INET6 (Darwin) */
		{ { 0x00, 0x02, 0x00, 0x00 }, 4 },	/* IRIX: AF in the upper half */
		{ { 0x06, 0x08, 0x00, 0x00 }, 0 },	/* 0x0806: ARP, not IP */
		{ { 0x07, 0x00, 0x00, 0x00 }, 0 },	/* AF 7: not IP */
	};
	uint8_t b[PB_MAX], t[PB_MAX];
	struct tv_pkt p;
	size_t i, n, tn;
	int link;

	(void)state;
	for (link = 0; link < 2; link++) {
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			tn = syn_tcp(t);
			if (cases[i].fam == 6 || (cases[i].fam == 0 && i % 2))
				n = pb_ipv6(b + 4, 6, pb_doc6_a, pb_doc6_b, t, tn);
			else
				n = pb_ipv4(b + 4, 6, pb_lo4_a, pb_lo4_b, t, tn);
			memcpy(b, cases[i].h, 4);
			n += 4;
			if (cases[i].fam == 0) {
				assert_int_equal(decode_frame(link ? TV_LINK_LOOP :
				    TV_LINK_NULL, b, n, &p), 1);
				assert_int_equal(p.skip, TV_SKIP_NOT_IP);
				continue;
			}
			assert_int_equal(decode_frame(link ? TV_LINK_LOOP :
			    TV_LINK_NULL, b, n, &p), 0);
			assert_syn(&p, cases[i].fam == 6);
		}
	}
}

/* IPv4 total length 0 (TSO/LSO, BIG TCP): the frame's length, offloaded */
static void
test_ipv4_totlen_zero(void **state)
{
	uint8_t b[PB_MAX], t[PB_MAX];
	struct tv_pkt p;
	size_t n, tn;

	(void)state;
	tn = pb_tcp(t, SPORT, DPORT, ISN, 9, TV_TH_ACK | TV_TH_PSH, 100, NULL, 0, 300);
	n = pb_ipv4(b, 6, pb_lo4_a, pb_lo4_b, t, tn);
	b[2] = b[3] = 0;
	n = pb_eth(b, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
	assert_int_equal(p.offloaded, 1);
	assert_int_equal(p.len, 300);
	assert_null(p.malformed);
	/* a length that is merely short of the frame is not offload */
	n = pb_ipv4(b, 6, pb_lo4_a, pb_lo4_b, t, tn);
	n = pb_eth(b, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
	assert_int_equal(p.offloaded, 0);
}

/* RFC 1071, a byte at a time: the reference for the 64-bit sum */
static uint16_t
ref_sum(const uint8_t *p, size_t n, uint32_t acc)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n % 2)
		acc += (uint32_t)p[n - 1] << 8;
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

/* pseudo-header (IPv4) plus segment, the checksum field as it is */
static uint16_t
ref_l4(const uint8_t *ip, const uint8_t *seg, size_t n, uint8_t proto)
{
	uint32_t acc = proto + (uint32_t)n;
	size_t i;

	for (i = 12; i < 20; i += 2)
		acc += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	return ref_sum(seg, n, acc);
}

static int
decode_ck(const uint8_t *frame, size_t n, uint32_t caplen, struct tv_pkt *pkt)
{
	uint8_t *d = malloc(n);
	int rc;

	assert_non_null(d);
	memcpy(d, frame, n);
	rc = tv_decode_opts(TV_LINK_IPV4, d, caplen, (uint32_t)n, TV_DEC_CKSUM, pkt);
	free(d);
	return rc;
}

/* IPv4 header, TCP and UDP checksums against a byte-wise RFC 1071 sum,
 * at every tail length the 8-byte loop leaves */
static void
test_checksums(void **state)
{
	uint8_t b[PB_MAX], t[PB_MAX];
	struct tv_pkt p;
	size_t n, tn, pay;
	uint16_t ck, hck;

	(void)state;
	for (pay = 0; pay < 40; pay++) {
		tn = pb_tcp(t, SPORT, DPORT, ISN, 9, TV_TH_ACK, 100, NULL, 0, pay);
		n = pb_ipv4(b, 6, pb_lo4_a, pb_lo4_b, t, tn);
		hck = (uint16_t)~ref_sum(b, 20, 0);
		pb_be16(b + 10, hck);
		ck = (uint16_t)~ref_l4(b, b + 20, tn, 6);
		pb_be16(b + 36, ck);
		assert_int_equal(decode_ck(b, n, (uint32_t)n, &p), 0);
		assert_int_equal(p.ck_ip, TV_CK_CORRECT);
		assert_int_equal(p.ck_l4, TV_CK_CORRECT);
		/* one payload byte changed (or the header's urgent pointer) */
		b[n - 1] ^= 0x40;
		assert_int_equal(decode_ck(b, n, (uint32_t)n, &p), 0);
		assert_int_equal(p.ck_l4, TV_CK_INCORRECT);
		assert_int_equal(p.ck_got, ck);
		pb_be16(b + 36, 0);
		assert_int_equal(p.ck_want, (uint16_t)~ref_l4(b, b + 20, tn, 6));
		/* the offload pattern: the pseudo-header's sum alone */
		pb_be16(b + 36, ref_sum(b, 0, 6 + (uint32_t)tn +
		    0x7f00 + 0x0001 + 0x7f00 + 0x0002));
		assert_int_equal(decode_ck(b, n, (uint32_t)n, &p), 0);
		assert_int_equal(p.ck_l4, TV_CK_PARTIAL);
		/* not captured whole: not verified */
		if (pay > 0) {
			assert_int_equal(decode_ck(b, n, (uint32_t)n - 1, &p), 0);
			assert_int_equal(p.ck_l4, TV_CK_UNVERIFIED);
		}
	}
	/* a bad IPv4 header checksum skips the packet; 0 is offload */
	b[10] ^= 1;
	assert_int_equal(decode_ck(b, n, (uint32_t)n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_BAD_IP_CKSUM);
	pb_be16(b + 10, 0);
	assert_int_equal(decode_ck(b, n, (uint32_t)n, &p), 0);
	assert_int_equal(p.ck_ip, TV_CK_PARTIAL);
	/* tv_decode() verifies nothing */
	b[10] = 0x55;
	assert_int_equal(decode_frame(TV_LINK_IPV4, b, n, &p), 0);
	assert_int_equal(p.ck_ip, TV_CK_UNVERIFIED);
	assert_int_equal(p.ck_l4, TV_CK_UNVERIFIED);

	/* UDP over IPv4: 0 is none sent */
	tn = pb_udp(t, SPORT, DPORT, 11);
	n = pb_ipv4(b, 17, pb_lo4_a, pb_lo4_b, t, tn);
	pb_be16(b + 10, (uint16_t)~ref_sum(b, 20, 0));
	assert_int_equal(decode_ck(b, n, (uint32_t)n, &p), 0);
	assert_int_equal(p.ck_l4, TV_CK_NONE);
	ck = (uint16_t)~ref_l4(b, b + 20, tn, 17);
	pb_be16(b + 26, ck);
	assert_int_equal(decode_ck(b, n, (uint32_t)n, &p), 0);
	assert_int_equal(p.ck_l4, TV_CK_CORRECT);
	pb_be16(b + 26, ck ^ 0x0101);
	assert_int_equal(decode_ck(b, n, (uint32_t)n, &p), 0);
	assert_int_equal(p.ck_l4, TV_CK_INCORRECT);
	assert_int_equal(p.ck_want, ck);
}

/* TCP checksums over payloads of all ones and of random bytes, where the
 * 8-byte sums carry on every add, at every tail length the 32-byte and
 * 8-byte loops leave; a carry dropped or folded wrong shows */
static void
test_checksums_carries(void **state)
{
	uint8_t b[PB_MAX], t[PB_MAX];
	struct tv_pkt p;
	size_t n, tn, pay, i;
	uint32_t x = 2463534242u;
	uint16_t ck;
	int fill;

	(void)state;
	for (fill = 0; fill < 2; fill++) {
		for (pay = 0; pay < 100; pay++) {
			tn = pb_tcp(t, SPORT, DPORT, 0xffffffffu, 0xfffefffdu,
			    TV_TH_ACK, 0xffff, NULL, 0, pay);
			for (i = 20; i < tn; i++) {
				x ^= x << 13, x ^= x >> 17, x ^= x << 5;
				t[i] = fill ? (uint8_t)x : 0xff;
			}
			n = pb_ipv4(b, 6, pb_lo4_a, pb_lo4_b, t, tn);
			pb_be16(b + 10, (uint16_t)~ref_sum(b, 20, 0));
			ck = (uint16_t)~ref_l4(b, b + 20, tn, 6);
			pb_be16(b + 36, ck);
			assert_int_equal(decode_ck(b, n, (uint32_t)n, &p), 0);
			assert_int_equal(p.ck_ip, TV_CK_CORRECT);
			assert_int_equal(p.ck_l4, TV_CK_CORRECT);
			assert_int_equal(p.ck_want, ck);
			b[n - 1] ^= 0x01;
			assert_int_equal(decode_ck(b, n, (uint32_t)n, &p), 0);
			assert_int_equal(p.ck_l4, TV_CK_INCORRECT);
			pb_be16(b + 36, 0);
			assert_int_equal(p.ck_want,
			    (uint16_t)~ref_l4(b, b + 20, tn, 6));
		}
	}
}

/* ---- tunnels and link encapsulations ---- */

static const uint8_t t4a[4] = { 198, 51, 100, 1 }, t4b[4] = { 198, 51, 100, 2 };

/* hlen bytes of hdr put in front of the n bytes at b; the new length */
static size_t
pre(uint8_t *b, const uint8_t *hdr, size_t hlen, size_t n)
{
	memmove(b + hlen, b, n);
	memcpy(b, hdr, hlen);
	return hlen + n;
}

/* Every prefix of a frame decodes or is skipped, never read past its
 * end (the sanitizer build checks), whatever it falls back to. */
static void
check_any_prefix(int link, const uint8_t *frame, size_t len)
{
	struct tv_pkt p;
	uint32_t cap;

	for (cap = 0; cap < len; cap++)
		(void)decode_copy(link, frame, cap, (uint32_t)len, &p);
}

static void
assert_tun(const struct tv_pkt *p, uint8_t kind, int depth, int has_key,
    uint32_t key, const uint8_t *src, const uint8_t *dst, int alen)
{
	assert_int_equal(p->tun.kind, kind);
	assert_int_equal(p->tun.depth, depth);
	assert_int_equal(p->tun.has_key, has_key);
	assert_int_equal(p->tun.key, key);
	assert_int_equal(p->tun.src.family, alen == 4 ? 4 : 6);
	assert_memory_equal(p->tun.src.a, src, (size_t)alen);
	assert_memory_equal(p->tun.dst.a, dst, (size_t)alen);
}

static void
test_tunnel_ipip(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;
	int v6in, v6out;

	(void)state;
	for (v6out = 0; v6out <= 1; v6out++) {
		for (v6in = 0; v6in <= 1; v6in++) {
			n = syn_ip(b, v6in);
			if (v6out)
				n = pb_ipv6(b, v6in ? 41 : 4, pb_lo6, pb_doc6_b, b, n);
			else
				n = pb_ipv4(b, v6in ? 41 : 4, t4a, t4b, b, n);
			n = pb_eth(b, b, n);
			assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
			assert_syn(&p, v6in);
			if (v6out)
				assert_tun(&p, TV_TUN_IPIP, 1, 0, 0, pb_lo6, pb_doc6_b, 16);
			else
				assert_tun(&p, TV_TUN_IPIP, 1, 0, 0, t4a, t4b, 4);
			assert_int_equal(p.has_ipid, !v6in);
			assert_int_equal(p.tun.via, 0);
		}
	}
}

static void
test_tunnel_depth(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;
	int k;

	(void)state;
	n = syn_ip(b, 0);
	for (k = 0; k < TV_TUN_MAX_DEPTH; k++)
		n = pb_ipv4(b, 4, t4a, t4b, b, n);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 0);
	assert_syn(&p, 0);
	assert_int_equal(p.tun.depth, TV_TUN_MAX_DEPTH);
	n = pb_ipv4(b, 4, t4b, t4a, b, n);	/* one more */
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_TUNNEL_DEPTH);
	assert_string_equal(tv_skip_names[p.skip], "tunnels nested deeper than 4");
	assert_null(p.malformed);
}

/* GRE of protocol `proto` with the given flags around the n bytes at b */
static size_t
gre_hdr(uint8_t *b, uint8_t f, uint8_t v, uint16_t proto, size_t n)
{
	uint8_t h[16] = { f, v, (uint8_t)(proto >> 8), (uint8_t)proto };
	size_t k = 4;

	if (f & 0x80)
		k += 4;		/* checksum, reserved */
	if (f & 0x20) {
		pb_be32(h + k, 0x01020304);
		k += 4;
	}
	if (f & 0x10) {
		pb_be32(h + k, 77);
		k += 4;
	}
	return pre(b, h, k, n);
}

static void
test_tunnel_gre(void **state)
{
	uint8_t b[PB_MAX], e[8];
	struct tv_pkt p;
	size_t n;

	(void)state;
	/* checksum, key, sequence number; IPv4 inside */
	n = syn_ip(b, 0);
	n = gre_hdr(b, 0xb0, 0, 0x0800, n);
	n = pb_ipv4(b, 47, t4a, t4b, b, n);
	n = pb_eth(b, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
	assert_syn(&p, 0);
	assert_tun(&p, TV_TUN_GRE, 1, 1, 0x01020304, t4a, t4b, 4);
	/* no key; IPv6 inside, over IPv6 */
	n = syn_ip(b, 1);
	n = gre_hdr(b, 0x10, 0, 0x86dd, n);
	n = pb_ipv6(b, 47, pb_doc6_b, pb_doc6_a, b, n);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 0);
	assert_syn(&p, 1);
	assert_tun(&p, TV_TUN_GRE, 1, 0, 0, pb_doc6_b, pb_doc6_a, 16);
	/* an Ethernet frame inside (0x6558), its MACs not the packet's */
	n = syn_ip(b, 0);
	n = pb_eth_tags(b, 1, 0x0800, b, n);
	n = gre_hdr(b, 0x20, 0, 0x6558, n);
	n = pb_ipv4(b, 47, t4a, t4b, b, n);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 0);
	assert_syn(&p, 0);
	assert_int_equal(p.has_mac, 0);
	assert_int_equal(p.tun.key, 0x01020304);
	/* ERSPAN type II (session 5) and III (session 1023, with the O subheader) */
	n = syn_ip(b, 0);
	n = pb_eth(b, b, n);
	memset(e, 0, sizeof(e));
	pb_be16(e, 1 << 12);
	pb_be16(e + 2, (3 << 11) | 5);
	n = pre(b, e, 8, n);
	n = gre_hdr(b, 0x10, 0, 0x88be, n);
	n = pb_ipv4(b, 47, t4a, t4b, b, n);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 0);
	assert_syn(&p, 0);
	assert_tun(&p, TV_TUN_ERSPAN, 1, 1, 5, t4a, t4b, 4);
	n = syn_ip(b, 0);
	n = pb_eth(b, b, n);
	memset(e, 0, sizeof(e));
	n = pre(b, e, 8, n);		/* platform subheader */
	memset(e, 0, sizeof(e));
	pb_be16(e, 2 << 12);
	pb_be16(e + 2, 0x3ff);
	n = pre(b, (const uint8_t[12]){ e[0], e[1], e[2], e[3], 0, 0, 0, 9,
	    0, 0, 0, 1 }, 12, n);
	n = gre_hdr(b, 0x10, 0, 0x22eb, n);
	n = pb_ipv4(b, 47, t4a, t4b, b, n);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 0);
	assert_syn(&p, 0);
	assert_tun(&p, TV_TUN_ERSPAN, 1, 1, 0x3ff, t4a, t4b, 4);
	/* ERSPAN II with a wrong version */
	n = syn_ip(b, 0);
	n = pb_eth(b, b, n);
	memset(e, 0, sizeof(e));
	pb_be16(e, 2 << 12);
	n = pre(b, e, 8, n);
	n = gre_hdr(b, 0x10, 0, 0x88be, n);
	n = pb_ipv4(b, 47, t4a, t4b, b, n);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_MALFORMED);
	assert_string_equal(p.malformed, "erspan type II version not 1");
	/* PPTP's GRE (version 1): key (length, call id 0x0304), PPP inside */
	n = syn_ip(b, 0);
	n = pre(b, (const uint8_t[4]){ 0xff, 0x03, 0x00, 0x21 }, 4, n);
	n = gre_hdr(b, 0x30, 0x01, 0x880b, n);
	n = pb_ipv4(b, 47, t4a, t4b, b, n);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 0);
	assert_syn(&p, 0);
	assert_tun(&p, TV_TUN_PPTP, 1, 1, 0x0304, t4a, t4b, 4);
	assert_int_equal(p.tun.via, TV_VIA_PPP);
	/* an acknowledgement alone (A set, S clear, no payload): no packet,
	 * nothing damaged (RFC 2637 §4.4) */
	n = gre_hdr(b, 0x20, 0x81, 0x880b, 4);	/* the 4-byte ack number */
	pb_be16(b + 4, 0);			/* payload length 0 */
	n = pb_ipv4(b, 47, t4a, t4b, b, n);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_NOT_IP);
	assert_null(p.malformed);
}

static void
test_tunnel_gre_hostile(void **state)
{
	static const struct { uint8_t f, v; const char *why; } bad[] = {
		{ 0x00, 0x03, "gre version not 0 or 1" },
		{ 0x40, 0x00, "gre reserved flags set" },	/* RFC 1701 routing */
		{ 0x08, 0x00, "gre reserved flags set" },	/* strict source route */
		{ 0x10, 0x01, "gre version 1 without key or PPP" },
	};
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n, i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = syn_ip(b, 0);
		n = gre_hdr(b, bad[i].f, bad[i].v, 0x0800, n);
		n = pb_ipv4(b, 47, t4a, t4b, b, n);
		assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
		assert_int_equal(p.skip, TV_SKIP_MALFORMED);
		assert_string_equal(p.malformed, bad[i].why);
	}
	/* the IP packet ends inside the key: the sender's fault */
	n = syn_ip(b, 0);
	n = gre_hdr(b, 0x30, 0, 0x0800, n);
	n = pb_ipv4(b, 47, t4a, t4b, b, 6);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_MALFORMED);
	assert_string_equal(p.malformed, "gre header past packet");
	/* an unknown protocol inside: not IP, no damage */
	n = syn_ip(b, 0);
	n = gre_hdr(b, 0, 0, 0x1234, n);
	n = pb_ipv4(b, 47, t4a, t4b, b, n);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_NOT_IP);
	assert_null(p.malformed);
	/* a fragment inside the tunnel: described as an outer one is, for
	 * reassembly (tv_frag.h), its tunnel in pkt->tun */
	n = syn_tcp(b);
	n = pb_ipv4_full(b, 6, pb_lo4_a, pb_lo4_b, NULL, 0, 0x2000, 0, b, n);
	n = gre_hdr(b, 0, 0, 0x0800, n);
	n = pb_ipv4(b, 47, t4a, t4b, b, n);
	assert_int_equal(decode_frame(TV_LINK_RAW, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_FRAGMENT);
	assert_int_equal(p.tun.kind, TV_TUN_GRE);
	assert_int_equal(p.tun.depth, 1);
	assert_memory_equal(p.tun.src.a, t4a, 4);
	assert_memory_equal(p.src.a, pb_lo4_a, 4);
	assert_int_equal(p.frag.v6, 0);
	assert_int_equal(p.frag.more, 1);
	assert_int_equal(p.frag.off, 0);
	assert_int_equal(p.frag.nh, 6);
	assert_int_equal(p.frag.hlen, 20);
	assert_int_equal(p.len, n - 20 - 4 - 20);
	assert_int_equal(p.paycap, p.len);
}

/* The n bytes at b as a UDP datagram to dport over IPv4 in Ethernet. */
static size_t
udp_wrap(uint8_t *b, uint16_t dport, const uint8_t *hdr, size_t hlen, size_t n)
{
	uint8_t u[8];

	if (hlen)
		n = pre(b, hdr, hlen, n);
	pb_be16(u, 50000);
	pb_be16(u + 2, dport);
	pb_be16(u + 4, (unsigned)(8 + n));
	pb_be16(u + 6, 0);
	n = pre(b, u, 8, n);
	n = pb_ipv4(b, 17, t4a, t4b, b, n);
	return pb_eth(b, b, n);
}

static void
test_tunnel_udp(void **state)
{
	static const uint8_t vx[8] = { 0x08, 0, 0, 0, 0, 0, 42, 0 };
	static const uint8_t vx_noi[8] = { 0x00, 0, 0, 0, 0, 0, 42, 0 };
	static const uint8_t gen[16] = { 0x02, 0, 0x65, 0x58, 0, 0x1b, 0x58, 0,
	    0x01, 0x03, 0x80, 0x01, 0, 0, 0, 42 };	/* vni 7000, one option */
	static const uint8_t gtp[16] = { 0x34, 255, 0, 0, 0, 0, 0x10, 0x01,
	    0, 7, 0, 0x85, 1, 0, 9, 0 };	/* S, E; TEID 0x1001; one extension */
	static const uint8_t greu[8] = { 0x20, 0, 0x08, 0, 0, 0, 0, 9 };
	uint8_t b[PB_MAX], g[16];
	struct tv_pkt p;
	size_t n;

	(void)state;
	n = syn_ip(b, 0);
	n = pb_eth(b, b, n);
	n = udp_wrap(b, 4789, vx, 8, n);
	assert_int_equal(decode_copy(TV_LINK_ETHERNET, b, (uint32_t)n, (uint32_t)n, &p), 0);
	assert_syn(&p, 0);
	assert_tun(&p, TV_TUN_VXLAN, 1, 1, 42, t4a, t4b, 4);
	check_any_prefix(TV_LINK_ETHERNET, b, n);
	/* cut inside the inner frame: the datagram stays UDP, truncated */
	assert_int_equal(decode_copy(TV_LINK_ETHERNET, b, 14 + 20 + 8 + 8 + 20,
	    (uint32_t)n, &p), 0);
	assert_int_equal(p.proto, 17);
	assert_int_equal(p.dport, 4789);
	assert_int_equal(p.tun.kind, TV_TUN_NONE);
	assert_true(p.truncated);

	n = syn_ip(b, 0);
	n = pb_eth(b, b, n);
	n = udp_wrap(b, 6081, gen, 16, n);
	assert_int_equal(decode_copy(TV_LINK_ETHERNET, b, (uint32_t)n, (uint32_t)n, &p), 0);
	assert_syn(&p, 0);
	assert_tun(&p, TV_TUN_GENEVE, 1, 1, 7000, t4a, t4b, 4);
	check_any_prefix(TV_LINK_ETHERNET, b, n);

	n = syn_ip(b, 1);
	memcpy(g, gtp, sizeof(g));
	pb_be16(g + 2, (unsigned)(8 + n));
	n = udp_wrap(b, 2152, g, 16, n);
	assert_int_equal(decode_copy(TV_LINK_ETHERNET, b, (uint32_t)n, (uint32_t)n, &p), 0);
	assert_syn(&p, 1);
	assert_tun(&p, TV_TUN_GTPU, 1, 1, 0x1001, t4a, t4b, 4);
	check_any_prefix(TV_LINK_ETHERNET, b, n);

	n = syn_ip(b, 0);
	n = udp_wrap(b, 4754, greu, 8, n);
	assert_int_equal(decode_copy(TV_LINK_ETHERNET, b, (uint32_t)n, (uint32_t)n, &p), 0);
	assert_syn(&p, 0);
	assert_tun(&p, TV_TUN_GRE_UDP, 1, 1, 9, t4a, t4b, 4);
	check_any_prefix(TV_LINK_ETHERNET, b, n);
	/* to port 4754 but no GRE header (version 2, reserved flags): a
	 * plain datagram, nothing called malformed, as with VXLAN's */
	{
		static const uint8_t notgre[2][8] = {
			{ 0x20, 0x02, 0x08, 0, 0, 0, 0, 9 },
			{ 0x24, 0x00, 0x08, 0, 0, 0, 0, 9 },
		};
		int k;

		for (k = 0; k < 2; k++) {
			n = syn_ip(b, 0);
			n = udp_wrap(b, 4754, notgre[k], 8, n);
			assert_int_equal(decode_copy(TV_LINK_ETHERNET, b, (uint32_t)n,
			    (uint32_t)n, &p), 0);
			assert_int_equal(p.proto, 17);
			assert_int_equal(p.dport, 4754);
			assert_int_equal(p.tun.kind, TV_TUN_NONE);
			assert_null(p.malformed);
		}
	}

	/* Teredo: to the relay's port, and from it, with an origin indication */
	n = syn_ip(b, 1);
	n = udp_wrap(b, 3544, NULL, 0, n);
	assert_int_equal(decode_copy(TV_LINK_ETHERNET, b, (uint32_t)n, (uint32_t)n, &p), 0);
	assert_syn(&p, 1);
	assert_tun(&p, TV_TUN_TEREDO, 1, 0, 0, t4a, t4b, 4);
	check_any_prefix(TV_LINK_ETHERNET, b, n);
	n = syn_ip(b, 1);
	n = pre(b, (const uint8_t[8]){ 0, 0, 0x63, 0xfa, 0x34, 0xff, 0x8e, 0xfa }, 8, n);
	{
		uint8_t u[8];

		pb_be16(u, 3544);
		pb_be16(u + 2, 40005);
		pb_be16(u + 4, (unsigned)(8 + n));
		pb_be16(u + 6, 0);
		n = pre(b, u, 8, n);
	}
	n = pb_ipv4(b, 17, t4a, t4b, b, n);
	n = pb_eth(b, b, n);
	assert_int_equal(decode_copy(TV_LINK_ETHERNET, b, (uint32_t)n, (uint32_t)n, &p), 0);
	assert_syn(&p, 1);
	assert_int_equal(p.tun.kind, TV_TUN_TEREDO);
	/* an IPv6 packet that does not fill the datagram: not Teredo */
	n = syn_ip(b, 1);
	b[n++] = 0;
	n = udp_wrap(b, 3544, NULL, 0, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
	assert_int_equal(p.dport, 3544);
	assert_int_equal(p.tun.kind, TV_TUN_NONE);

	/* not VXLAN (no I flag): an ordinary datagram, unmarked */
	n = syn_ip(b, 0);
	n = pb_eth(b, b, n);
	n = udp_wrap(b, 4789, vx_noi, 8, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
	assert_int_equal(p.proto, 17);
	assert_int_equal(p.dport, 4789);
	assert_int_equal(p.tun.kind, TV_TUN_NONE);
	assert_null(p.malformed);
	/* VXLAN whose inner frame is too short: UDP, with the reason */
	memset(b, 0, 10);
	n = udp_wrap(b, 4789, vx, 8, 10);
	assert_int_equal(decode_copy(TV_LINK_ETHERNET, b, (uint32_t)n, (uint32_t)n, &p), 0);
	assert_int_equal(p.proto, 17);
	assert_int_equal(p.len, 18);
	assert_int_equal(p.tun.kind, TV_TUN_NONE);
	assert_string_equal(p.malformed, "inner frame shorter than an Ethernet header");
	/* an ARP frame inside: the datagram stays UDP */
	memset(b, 0, 28);
	n = pb_eth_tags(b, 0, 0x0806, b, 28);
	n = udp_wrap(b, 4789, vx, 8, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
	assert_int_equal(p.dport, 4789);
	assert_null(p.malformed);
	/* a port that is no tunnel's: the same bytes stay UDP */
	n = syn_ip(b, 0);
	n = pb_eth(b, b, n);
	n = udp_wrap(b, 4788, vx, 8, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
	assert_int_equal(p.dport, 4788);
	assert_int_equal(p.tun.kind, TV_TUN_NONE);
}

static void
test_encap_mpls_pppoe_ppp(void **state)
{
	uint8_t b[PB_MAX], h[8 * 20];
	struct tv_pkt p;
	size_t n, i;
	int v6;

	(void)state;
	for (v6 = 0; v6 <= 1; v6++) {
		/* two labels, the second the bottom */
		n = syn_ip(b, v6);
		pb_be32(h, 100 << 12 | 64);
		pb_be32(h + 4, 200 << 12 | 0x100 | 64);
		n = pre(b, h, 8, n);
		n = pb_eth_tags(b, 0, 0x8847, b, n);
		assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
		assert_syn(&p, v6);
		assert_int_equal(p.tun.via, TV_VIA_MPLS);
		assert_int_equal(p.tun.kind, TV_TUN_NONE);
		assert_int_equal(p.ethertype, 0x8847);
		/* PPPoE session */
		n = syn_ip(b, v6);
		memcpy(h, (const uint8_t[8]){ 0x11, 0, 0x12, 0x34, 0, 0, 0,
		    v6 ? 0x57 : 0x21 }, 8);
		pb_be16(h + 4, (unsigned)(n + 2));
		n = pre(b, h, 8, n);
		n = pb_eth_tags(b, 0, 0x8864, b, n);
		assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
		assert_syn(&p, v6);
		assert_int_equal(p.tun.via, TV_VIA_PPPOE | TV_VIA_PPP);
		/* DLT_PPP with address and control; a compressed protocol */
		n = syn_ip(b, v6);
		n = pre(b, (const uint8_t[4]){ 0xff, 0x03, 0, v6 ? 0x57 : 0x21 }, 4, n);
		assert_int_equal(decode_frame(TV_LINK_PPP, b, n, &p), 0);
		assert_syn(&p, v6);
		assert_int_equal(p.tun.via, TV_VIA_PPP);
		n = syn_ip(b, v6);
		n = pre(b, (const uint8_t[1]){ v6 ? 0x57 : 0x21 }, 1, n);
		assert_int_equal(decode_frame(TV_LINK_PPP_SERIAL, b, n, &p), 0);
		assert_syn(&p, v6);
		/* Cisco HDLC on DLT_PPP_SERIAL */
		n = syn_ip(b, v6);
		n = pre(b, (const uint8_t[4]){ 0x0f, 0, v6 ? 0x86 : 0x08,
		    v6 ? 0xdd : 0x00 }, 4, n);
		assert_int_equal(decode_frame(TV_LINK_PPP_SERIAL, b, n, &p), 0);
		assert_syn(&p, v6);
		assert_int_equal(p.tun.via, 0);
	}
	/* 17 labels, none the bottom */
	n = syn_ip(b, 0);
	for (i = 0; i < 17; i++)
		pb_be32(h + 4 * i, 100 << 12 | 64);
	n = pre(b, h, 4 * 17, n);
	n = pb_eth_tags(b, 0, 0x8847, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_MALFORMED);
	assert_string_equal(p.malformed, "mpls label stack deeper than 16");
	/* PPPoE of version 2; PPPoE discovery-stage code */
	n = syn_ip(b, 0);
	n = pre(b, (const uint8_t[8]){ 0x21, 0, 0, 1, 0, 0x30, 0, 0x21 }, 8, n);
	n = pb_eth_tags(b, 0, 0x8864, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 1);
	assert_string_equal(p.malformed, "pppoe version/type not 1/1");
	n = syn_ip(b, 0);
	n = pre(b, (const uint8_t[8]){ 0x11, 0x09, 0, 1, 0, 0x30, 0, 0x21 }, 8, n);
	n = pb_eth_tags(b, 0, 0x8864, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_NOT_IP);
	/* PPP's LCP: not IP */
	memset(b, 0, 8);
	n = pre(b, (const uint8_t[4]){ 0xff, 0x03, 0xc0, 0x21 }, 4, 8);
	assert_int_equal(decode_frame(TV_LINK_PPP, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_NOT_IP);
}

static void
test_encap_llc_macsec(void **state)
{
	static const uint8_t snap[8] = { 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00 };
	uint8_t b[PB_MAX], h[16];
	struct tv_pkt p;
	size_t n;

	(void)state;
	/* 802.3 length, LLC/SNAP, IPv4 */
	n = syn_ip(b, 0);
	n = pre(b, snap, 8, n);
	n = pb_eth_tags(b, 0, (uint16_t)n, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
	assert_syn(&p, 0);
	assert_int_equal(p.tun.via, TV_VIA_LLC);
	/* LLC without SNAP (a BPDU): not IP */
	memset(b, 0, 38);
	b[0] = b[1] = 0x42;
	b[2] = 0x03;
	n = pb_eth_tags(b, 0, 38, b, 38);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_NOT_IP);
	/* MACsec, integrity only, with an SCI; the ICV at the end */
	n = syn_ip(b, 0);
	memset(b + n, 0xee, 16);
	n += 16;
	memset(h, 0, sizeof(h));
	h[0] = 0x20;
	pb_be32(h + 2, 1);
	h[14] = 0x08;
	h[15] = 0x00;
	n = pre(b, h, 16, n);
	n = pb_eth_tags(b, 0, 0x88e5, b, n);
	assert_int_equal(decode_copy(TV_LINK_ETHERNET, b, (uint32_t)n, (uint32_t)n, &p), 0);
	assert_syn(&p, 0);
	assert_int_equal(p.tun.via, TV_VIA_MACSEC);
	check_prefixes_upto(TV_LINK_ETHERNET, b, (uint32_t)n - 16, (uint32_t)n, &p);
	/* rebuilt from fragments (TV_DEC_REBUILT): the same frame without
	 * its ICV is whole; read as an arriving frame, it lacks 16 bytes */
	assert_int_equal(tv_decode_opts(TV_LINK_ETHERNET, b, (uint32_t)n - 16,
	    (uint32_t)n - 16, TV_DEC_REBUILT, &p), 0);
	assert_syn(&p, 0);
	assert_null(p.malformed);
	(void)tv_decode_opts(TV_LINK_ETHERNET, b, (uint32_t)n - 16,
	    (uint32_t)n - 16, 0, &p);
	assert_non_null(p.malformed);
	/* encrypted */
	b[14] = 0x2c;
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_ENCRYPTED);
	assert_string_equal(tv_skip_names[p.skip], "MACsec (encrypted: not decodable)");
	assert_null(p.malformed);
	/* MACsec inside MACsec */
	b[14] = 0x00;
	b[14 + 6] = 0x88;
	b[14 + 7] = 0xe5;
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 1);
	assert_string_equal(p.malformed, "macsec inside macsec");
}

static void
test_encap_radiotap(void **state)
{
	/* radiotap v0, 12 bytes (flags, rate, padding), then 802.11 */
	static const uint8_t rt[12] = { 0, 0, 12, 0, 0x06, 0, 0, 0, 0, 2, 0, 0 };
	static const uint8_t snap[8] = { 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00 };
	uint8_t b[PB_MAX], h[40];
	struct tv_pkt p;
	size_t n;
	int four;

	(void)state;
	for (four = 0; four <= 1; four++) {
		/* QoS data to the DS (or a 4-address frame between two), HT control */
		n = syn_ip(b, 0);
		n = pre(b, snap, 8, n);
		memset(h, 0, sizeof(h));
		h[0] = 0x88;
		h[1] = four ? 0x83 : 0x81;	/* ToDS (FromDS), Order */
		n = pre(b, h, four ? 36 : 30, n);
		n = pre(b, rt, 12, n);
		assert_int_equal(decode_frame(TV_LINK_IEEE802_11_RADIO, b, n, &p), 0);
		assert_syn(&p, 0);
		assert_int_equal(p.tun.via, TV_VIA_WIFI);
		/* protected */
		b[12 + 1] |= 0x40;
		assert_int_equal(decode_frame(TV_LINK_IEEE802_11_RADIO, b, n, &p), 1);
		assert_int_equal(p.skip, TV_SKIP_WIFI_ENCRYPTED);
		assert_null(p.malformed);
	}
	/* a management frame; a null data frame; a radiotap length past the frame */
	b[12] = 0x80;
	assert_int_equal(decode_frame(TV_LINK_IEEE802_11_RADIO, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_NOT_IP);
	b[12] = 0x48;
	assert_int_equal(decode_frame(TV_LINK_IEEE802_11_RADIO, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_NOT_IP);
	b[2] = 0xff;
	b[3] = 0xff;
	assert_int_equal(decode_frame(TV_LINK_IEEE802_11_RADIO, b, n, &p), 1);
	assert_string_equal(p.malformed, "radiotap length outside the frame");
}

/* FDDI: frame control, MACs, LLC/SNAP; 802.1ah after a B-TAG, and bare */
static void
test_encap_fddi_pbb(void **state)
{
	static const uint8_t snap[8] = { 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00 };
	static const uint8_t mac_d[6] = { 2, 0, 0, 0, 0, 2 }, mac_s[6] = { 2, 0, 0, 0, 0, 1 };
	uint8_t b[PB_MAX], h[32];
	struct tv_pkt p;
	size_t n;
	int btag;

	(void)state;
	n = syn_ip(b, 0);
	n = pre(b, snap, 8, n);
	h[0] = 0x50;
	memcpy(h + 1, mac_d, 6);
	memcpy(h + 7, mac_s, 6);
	n = pre(b, h, 13, n);
	assert_int_equal(decode_frame(TV_LINK_FDDI, b, n, &p), 0);
	assert_syn(&p, 0);
	assert_int_equal(p.tun.via, TV_VIA_FDDI);
	assert_int_equal(p.tun.kind, TV_TUN_NONE);
	assert_int_equal(p.has_mac, 1);
	assert_memory_equal(p.mac_dst, mac_d, 6);
	assert_memory_equal(p.mac_src, mac_s, 6);
	assert_int_equal(p.ethertype, 0x0800);
	/* synchronous LLC too; an SMT frame (0x41) and a token (0x80): not IP */
	b[0] = 0xd0;
	assert_int_equal(decode_frame(TV_LINK_FDDI, b, n, &p), 0);
	b[0] = 0x41;
	assert_int_equal(decode_frame(TV_LINK_FDDI, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_NOT_IP);
	b[0] = 0x80;
	assert_int_equal(decode_frame(TV_LINK_FDDI, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_NOT_IP);

	for (btag = 0; btag <= 1; btag++) {
		size_t k = 0;

		n = syn_ip(b, 1);
		n = pb_eth(b, b, n);		/* the customer's frame */
		memset(h, 0x02, 12);		/* backbone MACs */
		k = 12;
		if (btag) {
			pb_be16(h + k, 0x88a8);
			pb_be16(h + k + 2, 100);
			k += 4;
		}
		pb_be16(h + k, 0x88e7);
		pb_be32(h + k + 2, 0x012345);	/* I-SID */
		k += 6;
		n = pre(b, h, k, n);
		assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
		assert_syn(&p, 1);
		assert_int_equal(p.tun.via, TV_VIA_PBB);
		assert_int_equal(p.ethertype, 0x88e7);
		assert_int_equal(p.nvlan, btag);
		if (btag)
			assert_int_equal(p.vlan[0], 100);
	}
	/* 802.1ah inside 802.1ah; an I-TAG cut by the frame's end */
	memset(h, 0x02, 12);
	pb_be16(h + 12, 0x88e7);
	pb_be32(h + 14, 7);
	n = syn_ip(b, 0);
	n = pb_eth(b, b, n);
	n = pre(b, h, 18, n);
	n = pre(b, h, 18, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_MALFORMED);
	assert_string_equal(p.malformed, "802.1ah inside 802.1ah");
	memset(b, 0x02, 12);
	pb_be16(b + 12, 0x88e7);
	assert_int_equal(decode_copy(TV_LINK_ETHERNET, b, 16, 16, &p), 1);
	assert_string_equal(p.malformed, "802.1ah i-tag past frame");

	/* Cisco FabricPath: outer MACs, 0x8903, FTag/TTL, the inner frame */
	memset(h, 0x02, 12);
	pb_be16(h + 12, 0x8903);
	pb_be16(h + 14, 1 << 6 | 32);
	n = syn_ip(b, 0);
	n = pb_eth(b, b, n);
	n = pre(b, h, 16, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
	assert_syn(&p, 0);
	assert_int_equal(p.tun.via, TV_VIA_FABRICPATH);
	assert_int_equal(p.ethertype, 0x8903);
	assert_string_equal(tv_via_names[10], "FabricPath");
	/* inside FabricPath again; cut by the frame's end in its FTag */
	n = pre(b, h, 16, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 1);
	assert_string_equal(p.malformed, "fabricpath inside fabricpath");
	assert_int_equal(decode_copy(TV_LINK_ETHERNET, b, 15, 15, &p), 1);
	assert_string_equal(p.malformed, "fabricpath header past frame");
}

/* A PIM register header (version 2, type 1) with flags */
static size_t
pim_wrap(uint8_t *b, uint32_t flags, size_t n, int v6)
{
	uint8_t h[8] = { 0x21, 0, 0, 0 };

	pb_be32(h + 4, flags);
	n = pre(b, h, 8, n);
	if (v6)
		n = pb_ipv6(b, 103, pb_doc6_a, pb_doc6_b, b, n);
	else
		n = pb_ipv4(b, 103, t4a, t4b, b, n);
	return pb_eth(b, b, n);
}

static void
test_tunnel_pim(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;
	int v6;

	(void)state;
	for (v6 = 0; v6 <= 1; v6++) {
		n = syn_ip(b, !v6);
		n = pim_wrap(b, 0, n, v6);
		assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
		assert_syn(&p, !v6);
		if (v6)
			assert_tun(&p, TV_TUN_PIM, 1, 0, 0, pb_doc6_a, pb_doc6_b, 16);
		else
			assert_tun(&p, TV_TUN_PIM, 1, 0, 0, t4a, t4b, 4);
		assert_string_equal(tv_tun_names[p.tun.kind], "PIM register");
	}
	/* a null register; a PIM hello (type 0): no flow */
	n = syn_ip(b, 0);
	n = pim_wrap(b, 0x40000000, n, 0);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_OTHER_PROTO);
	assert_int_equal(p.tun.kind, TV_TUN_NONE);
	b[14 + 20] = 0x20;
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_OTHER_PROTO);
	/* the inner header cut by the outer IP length (10 of 20 bytes) */
	n = syn_ip(b, 0);
	n = pim_wrap(b, 0, 10, 0);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_MALFORMED);
	assert_string_equal(p.malformed, "pim register inner header past packet");
	/* the register header itself cut by it (6 of 8 bytes) */
	memset(b, 0, 6);
	b[0] = 0x21;
	n = pb_ipv4(b, 103, t4a, t4b, b, 6);
	n = pb_eth(b, b, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 1);
	assert_string_equal(p.malformed, "pim register header past packet");
}

/* AYIYA: identity 16 bytes, signature 20, shared secret, Forward */
static size_t
ayiya_wrap(uint8_t *b, uint16_t sport, uint16_t dport, uint8_t op, uint8_t nh,
    size_t n)
{
	uint8_t h[44], u[8];

	memset(h, 0x5a, sizeof(h));
	h[0] = 0x41;
	h[1] = 0x52;
	h[2] = (uint8_t)(0x10 | op);
	h[3] = nh;
	n = pre(b, h, sizeof(h), n);
	pb_be16(u, sport);
	pb_be16(u + 2, dport);
	pb_be16(u + 4, (unsigned)(8 + n));
	pb_be16(u + 6, 0);
	n = pre(b, u, 8, n);
	n = pb_ipv4(b, 17, t4a, t4b, b, n);
	return pb_eth(b, b, n);
}

static void
test_tunnel_ayiya(void **state)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;
	int v6;

	(void)state;
	for (v6 = 0; v6 <= 1; v6++) {
		/* to the PoP's port, and from it */
		n = syn_ip(b, v6);
		n = ayiya_wrap(b, 40072, 5072, 1, v6 ? 41 : 4, n);
		assert_int_equal(decode_copy(TV_LINK_ETHERNET, b, (uint32_t)n, (uint32_t)n, &p), 0);
		assert_syn(&p, v6);
		assert_tun(&p, TV_TUN_AYIYA, 1, 0, 0, t4a, t4b, 4);
		check_any_prefix(TV_LINK_ETHERNET, b, n);
		n = syn_ip(b, v6);
		n = ayiya_wrap(b, 5072, 40072, 1, v6 ? 41 : 4, n);
		assert_int_equal(decode_copy(TV_LINK_ETHERNET, b, (uint32_t)n, (uint32_t)n, &p), 0);
		assert_syn(&p, v6);
		assert_int_equal(p.tun.kind, TV_TUN_AYIYA);
	}
	/* a heartbeat (opcode 0); a next header that disagrees with the
	 * packet's version; a signature longer than the datagram: plain UDP */
	n = syn_ip(b, 1);
	n = ayiya_wrap(b, 40072, 5072, 0, 59, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
	assert_int_equal(p.proto, 17);
	assert_int_equal(p.dport, 5072);
	assert_int_equal(p.tun.kind, TV_TUN_NONE);
	n = syn_ip(b, 1);
	n = ayiya_wrap(b, 40072, 5072, 1, 4, n);
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
	assert_int_equal(p.proto, 17);
	assert_int_equal(p.tun.kind, TV_TUN_NONE);
	b[14 + 20 + 8 + 1] = 0xf2;	/* 15 words */
	b[14 + 20 + 8] = 0xf1;		/* 2^15 bytes of identity */
	b[14 + 20 + 8 + 3] = 41;
	assert_int_equal(decode_frame(TV_LINK_ETHERNET, b, n, &p), 0);
	assert_int_equal(p.proto, 17);
	assert_int_equal(p.tun.kind, TV_TUN_NONE);
}

/* One NFLOG attribute: length, type (little-endian), value, padding */
static size_t
nflog_tlv(uint8_t *b, uint16_t type, const uint8_t *v, size_t vlen)
{
	size_t n = 4 + vlen;

	b[0] = (uint8_t)(n & 0xff);
	b[1] = (uint8_t)(n >> 8);
	b[2] = (uint8_t)(type & 0xff);
	b[3] = (uint8_t)(type >> 8);
	memmove(b + 4, v, vlen);
	while (n % 4)
		b[n++] = 0;
	return n;
}

static void
test_link_nflog_ipoib(void **state)
{
	static const uint8_t hdr[4] = { 0x08, 0x00, 1, 0 };	/* NFULA_PACKET_HDR */
	uint8_t b[PB_MAX], ip[PB_MAX];
	struct tv_pkt p;
	size_t n, k;
	int v6;

	(void)state;
	for (v6 = 0; v6 <= 1; v6++) {
		n = syn_ip(ip, v6);
		b[0] = v6 ? 10 : 2;
		b[1] = 0;
		pb_be16(b + 2, 5);
		k = 4;
		k += nflog_tlv(b + k, 1, hdr, 4);
		k += nflog_tlv(b + k, 10, (const uint8_t *)"tcpviz", 7);
		k += nflog_tlv(b + k, 9, ip, n);
		assert_int_equal(decode_frame(TV_LINK_NFLOG, b, k, &p), 0);
		assert_syn(&p, v6);
		assert_int_equal(p.tun.via, TV_VIA_NFLOG);
		/* the last attribute's padding left off */
		if (n % 4) {
			assert_int_equal(decode_frame(TV_LINK_NFLOG, b, k - (4 - n % 4), &p), 0);
			assert_syn(&p, v6);
		}
		/* the family not an IP one */
		b[0] = 7;
		assert_int_equal(decode_frame(TV_LINK_NFLOG, b, k, &p), 1);
		assert_int_equal(p.skip, TV_SKIP_NOT_IP);

		/* IPoIB: 40 bytes of addressing, the type, reserved */
		memset(b, 0, 40);
		b[23] = 0x48;
		pb_be16(b + 40, v6 ? 0x86dd : 0x0800);
		pb_be16(b + 42, 0);
		memcpy(b + 44, ip, n);
		assert_int_equal(decode_frame(TV_LINK_IPOIB, b, 44 + n, &p), 0);
		assert_syn(&p, v6);
		assert_int_equal(p.tun.via, TV_VIA_IPOIB);
		pb_be16(b + 40, 0x0806);	/* ARP */
		assert_int_equal(decode_frame(TV_LINK_IPOIB, b, 44 + n, &p), 1);
		assert_int_equal(p.skip, TV_SKIP_NOT_IP);
	}
	/* the payload attribute's length past the frame; a length of 2;
	 * version 1; no payload attribute; 65 attributes */
	n = syn_ip(ip, 0);
	b[0] = 2;
	b[1] = 0;
	pb_be16(b + 2, 5);
	k = 4 + nflog_tlv(b + 4, 9, ip, n);
	b[4] = (uint8_t)(b[4] + 40);
	assert_int_equal(decode_frame(TV_LINK_NFLOG, b, k, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_MALFORMED);
	assert_string_equal(p.malformed, "nflog attribute past frame");
	b[4] = 2;
	assert_int_equal(decode_frame(TV_LINK_NFLOG, b, k, &p), 1);
	assert_string_equal(p.malformed, "nflog attribute length < 4");
	k = 4 + nflog_tlv(b + 4, 9, ip, n);
	b[1] = 1;
	assert_int_equal(decode_frame(TV_LINK_NFLOG, b, k, &p), 1);
	assert_string_equal(p.malformed, "nflog version not 0");
	b[1] = 0;
	k = 4 + nflog_tlv(b + 4, 1, hdr, 4);
	assert_int_equal(decode_frame(TV_LINK_NFLOG, b, k, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_NOT_IP);
	assert_null(p.malformed);
	for (k = 4; k < 4 + 65 * 8; )
		k += nflog_tlv(b + k, 1, hdr, 4);
	k += nflog_tlv(b + k, 9, ip, n);
	assert_int_equal(decode_frame(TV_LINK_NFLOG, b, k, &p), 1);
	assert_string_equal(p.malformed, "nflog attributes more than 64");
	/* a frame cut inside the 4-byte header; IPoIB cut before its type */
	assert_int_equal(decode_copy(TV_LINK_NFLOG, b, 3, 3, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_TRUNCATED);
	assert_int_equal(decode_copy(TV_LINK_IPOIB, b, 41, 41, &p), 1);
	assert_int_equal(p.skip, TV_SKIP_TRUNCATED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_names),
		cmocka_unit_test(test_link_unsupported_is_skipped),
		cmocka_unit_test(test_link_ethernet),
		cmocka_unit_test(test_link_ethernet_vlan),
		cmocka_unit_test(test_link_ethernet_padding),
		cmocka_unit_test(test_link_ethernet_arp),
		cmocka_unit_test(test_link_sll),
		cmocka_unit_test(test_link_sll2),
		cmocka_unit_test(test_link_null_both_byte_orders),
		cmocka_unit_test(test_link_loop),
		cmocka_unit_test(test_link_raw),
		cmocka_unit_test(test_link_ipv4_ipv6),
		cmocka_unit_test(test_ipv4_options),
		cmocka_unit_test(test_ipv4_fragments),
		cmocka_unit_test(test_ipv4_header_length_below_20),
		cmocka_unit_test(test_ipv4_total_length_below_header),
		cmocka_unit_test(test_ipv4_total_length_beyond_packet),
		cmocka_unit_test(test_ipv4_tcp_segment_shorter_than_header),
		cmocka_unit_test(test_ipv6_hop_by_hop_and_dest_opts),
		cmocka_unit_test(test_ipv6_fragment_header),
		cmocka_unit_test(test_ipv6_payload_length_zero),
		cmocka_unit_test(test_ipv6_extension_chain_limit),
		cmocka_unit_test(test_ipv6_extension_past_payload),
		cmocka_unit_test(test_ipv6_payload_length),
		cmocka_unit_test(test_tcp_options_syn),
		cmocka_unit_test(test_tcp_options_after_eol_ignored),
		cmocka_unit_test(test_tcp_sack_blocks),
		cmocka_unit_test(test_tcp_sack_more_than_four),
		cmocka_unit_test(test_tcp_option_bad_lengths),
		cmocka_unit_test(test_tcp_data_offset_below_5),
		cmocka_unit_test(test_tcp_data_offset_past_segment),
		cmocka_unit_test(test_tcp_payload_length),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_udp_bad_lengths),
		cmocka_unit_test(test_udp_segment_shorter_than_header),
		cmocka_unit_test(test_truncated_in_tcp_header),
		cmocka_unit_test(test_truncated_in_options),
		cmocka_unit_test(test_truncated_in_payload),
		cmocka_unit_test(test_truncated_udp),
		cmocka_unit_test(test_wirelen_below_caplen),
		cmocka_unit_test(test_icmp_icmp6_other),
		cmocka_unit_test(test_encap_fddi_pbb),
		cmocka_unit_test(test_tunnel_pim),
		cmocka_unit_test(test_tunnel_ayiya),
		cmocka_unit_test(test_link_nflog_ipoib),
		cmocka_unit_test(test_tunnel_ipip),
		cmocka_unit_test(test_tunnel_depth),
		cmocka_unit_test(test_tunnel_gre),
		cmocka_unit_test(test_tunnel_gre_hostile),
		cmocka_unit_test(test_tunnel_udp),
		cmocka_unit_test(test_encap_mpls_pppoe_ppp),
		cmocka_unit_test(test_encap_llc_macsec),
		cmocka_unit_test(test_encap_radiotap),
		cmocka_unit_test(test_icmp_port_unreachable_udp),
		cmocka_unit_test(test_icmp_kinds),
		cmocka_unit_test(test_icmp_frag_needed_quote_every_length),
		cmocka_unit_test(test_icmp6_too_big_ext_quote_every_length),
		cmocka_unit_test(test_icmp_hostile_quotes),
		cmocka_unit_test(test_icmp_checksums),
		cmocka_unit_test(test_flags_letters),
		cmocka_unit_test(test_flags_words),
		cmocka_unit_test(test_u64_dec),
		cmocka_unit_test(test_u64_dec_every_short),
		cmocka_unit_test(test_dec_fixed),
		cmocka_unit_test(test_null_ethertype),
		cmocka_unit_test(test_ipv4_totlen_zero),
		cmocka_unit_test(test_checksums),
		cmocka_unit_test(test_checksums_carries),
		cmocka_unit_test(test_addr_str_ipv4),
		cmocka_unit_test(test_addr_str_ipv6_rfc5952),
		cmocka_unit_test(test_endpoint_str),
		cmocka_unit_test(test_seq_compare_wraps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
