/* \summary: build Ethernet/SLL/loopback, IPv4/IPv6, TCP and UDP frames by hand for the unit tests */
#ifndef PKTBUILD_H
#define PKTBUILD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Every builder writes into a caller's buffer (big enough: PB_MAX) and
 * returns the number of bytes written.  Frames are built inside out: the
 * TCP or UDP segment first, then the IP packet around it, then the link
 * header around that; the inner bytes may already sit at the start of
 * the same buffer (they are moved up before the header is written).
 * Checksums are left zero; the decoder ignores them.  Addresses are
 * loopback or documentation ranges only.
 */
#define PB_MAX 2048

static const uint8_t pb_lo4_a[4] = { 127, 0, 0, 1 };
static const uint8_t pb_lo4_b[4] = { 127, 0, 0, 2 };
static const uint8_t pb_lo6[16] = { [15] = 1 };			/* ::1 */
static const uint8_t pb_doc6_a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };	/* 2001:db8::1 */
static const uint8_t pb_doc6_b[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };	/* 2001:db8::2 */

static inline void
pb_be16(uint8_t *b, unsigned v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static inline void
pb_be32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

/*
 * A TCP segment: 20-byte header, `optlen` option bytes (padded with EOL
 * to a multiple of 4) and `paylen` payload bytes ('a', 'b', ...).  The
 * data offset follows from the options unless `doff` is non-zero.
 */
static inline size_t
pb_tcp_doff(uint8_t *b, uint16_t sport, uint16_t dport, uint32_t seq,
    uint32_t ack, uint8_t flags, uint16_t win, const uint8_t *opts,
    size_t optlen, size_t paylen, unsigned doff)
{
	size_t padded = (optlen + 3) & ~(size_t)3, i;

	memset(b, 0, 20 + padded);
	pb_be16(b, sport);
	pb_be16(b + 2, dport);
	pb_be32(b + 4, seq);
	pb_be32(b + 8, ack);
	b[12] = (uint8_t)((doff ? doff : (20 + padded) / 4) << 4);
	b[13] = flags;
	pb_be16(b + 14, win);
	if (optlen > 0)
		memcpy(b + 20, opts, optlen);
	for (i = 0; i < paylen; i++)
		b[20 + padded + i] = (uint8_t)('a' + i % 26);
	return 20 + padded + paylen;
}

static inline size_t
pb_tcp(uint8_t *b, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
    uint8_t flags, uint16_t win, const uint8_t *opts, size_t optlen,
    size_t paylen)
{
	return pb_tcp_doff(b, sport, dport, seq, ack, flags, win, opts, optlen,
	    paylen, 0);
}

/* A UDP datagram; the length field says 8 + paylen unless `ulen` >= 0. */
static inline size_t
pb_udp_len(uint8_t *b, uint16_t sport, uint16_t dport, size_t paylen, long ulen)
{
	size_t i;

	pb_be16(b, sport);
	pb_be16(b + 2, dport);
	pb_be16(b + 4, ulen >= 0 ? (unsigned)ulen : (unsigned)(8 + paylen));
	pb_be16(b + 6, 0);
	for (i = 0; i < paylen; i++)
		b[8 + i] = (uint8_t)('0' + i % 10);
	return 8 + paylen;
}

static inline size_t
pb_udp(uint8_t *b, uint16_t sport, uint16_t dport, size_t paylen)
{
	return pb_udp_len(b, sport, dport, paylen, -1);
}

/*
 * An IPv4 packet around `l4`: header with `optlen` option bytes (a
 * multiple of 4), protocol `proto`, total length 20 + optlen + l4len
 * unless `totlen` is non-zero, fragment field `frag`.
 */
static inline size_t
pb_ipv4_full(uint8_t *b, uint8_t proto, const uint8_t *src, const uint8_t *dst,
    const uint8_t *opts, size_t optlen, uint16_t frag, unsigned totlen,
    const uint8_t *l4, size_t l4len)
{
	size_t hlen = 20 + optlen;

	memmove(b + hlen, l4, l4len);
	memset(b, 0, 20);
	b[0] = (uint8_t)(0x40 | (hlen / 4));
	pb_be16(b + 2, totlen ? totlen : (unsigned)(hlen + l4len));
	pb_be16(b + 4, 0x1234);
	pb_be16(b + 6, frag);
	b[8] = 64;
	b[9] = proto;
	memcpy(b + 12, src, 4);
	memcpy(b + 16, dst, 4);
	if (optlen > 0)
		memcpy(b + 20, opts, optlen);
	return hlen + l4len;
}

static inline size_t
pb_ipv4(uint8_t *b, uint8_t proto, const uint8_t *src, const uint8_t *dst,
    const uint8_t *l4, size_t l4len)
{
	return pb_ipv4_full(b, proto, src, dst, NULL, 0, 0x4000 /* DF */, 0,
	    l4, l4len);
}

/*
 * An IPv6 packet: next header `nh`, payload (extension headers and the
 * upper layer) `pl`; payload length `pllen` unless `plfield` is >= 0.
 */
static inline size_t
pb_ipv6_len(uint8_t *b, uint8_t nh, const uint8_t *src, const uint8_t *dst,
    const uint8_t *pl, size_t pllen, long plfield)
{
	memmove(b + 40, pl, pllen);
	memset(b, 0, 40);
	b[0] = 0x60;
	pb_be16(b + 4, plfield >= 0 ? (unsigned)plfield : (unsigned)pllen);
	b[6] = nh;
	b[7] = 64;
	memcpy(b + 8, src, 16);
	memcpy(b + 24, dst, 16);
	return 40 + pllen;
}

static inline size_t
pb_ipv6(uint8_t *b, uint8_t nh, const uint8_t *src, const uint8_t *dst,
    const uint8_t *pl, size_t pllen)
{
	return pb_ipv6_len(b, nh, src, dst, pl, pllen, -1);
}

/*
 * An IPv6 extension header (hop-by-hop, routing or destination options)
 * in front of `inner`: next header `nh`, length (units + 1) * 8, filled
 * with one PadN option.
 */
static inline size_t
pb_ipv6_ext(uint8_t *b, uint8_t nh, unsigned units, const uint8_t *inner,
    size_t innerlen)
{
	size_t len = (units + 1) * 8;

	memmove(b + len, inner, innerlen);
	memset(b, 0, len);
	b[0] = nh;
	b[1] = (uint8_t)units;
	b[2] = 1;			/* PadN */
	b[3] = (uint8_t)(len - 4);
	return len + innerlen;
}

/* An IPv6 fragment header (RFC 8200 §4.5): offset in 8-byte units, M flag. */
static inline size_t
pb_ipv6_frag(uint8_t *b, uint8_t nh, unsigned offset, int more,
    const uint8_t *inner, size_t innerlen)
{
	memmove(b + 8, inner, innerlen);
	memset(b, 0, 8);
	b[0] = nh;
	pb_be16(b + 2, (offset << 3) | (more ? 1u : 0u));
	pb_be32(b + 4, 0xabcdef01);
	return 8 + innerlen;
}

/*
 * An ICMP or ICMPv6 error (RFC 792, RFC 4443): type, code, the second
 * word `rest` (an MTU, a pointer, or 0), then `quotelen` bytes of `quote`,
 * the packet the error's receiver sent (it may sit in the same buffer).
 */
static inline size_t
pb_icmp_err(uint8_t *b, uint8_t type, uint8_t code, uint32_t rest,
    const uint8_t *quote, size_t quotelen)
{
	memmove(b + 8, quote, quotelen);
	b[0] = type;
	b[1] = code;
	b[2] = b[3] = 0;
	pb_be32(b + 4, rest);
	return 8 + quotelen;
}

/* The EtherType for an IP packet, from its version nibble. */
static inline uint16_t
pb_ethertype(const uint8_t *ip)
{
	return (ip[0] >> 4) == 6 ? 0x86dd : 0x0800;
}

/* Ethernet II with `ntags` 802.1Q/802.1ad tags (outer 0x88a8 when two). */
static inline size_t
pb_eth_tags(uint8_t *b, unsigned ntags, uint16_t type, const uint8_t *inner,
    size_t innerlen)
{
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 2 };	/* locally administered */
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 1 };
	size_t k = 12, hlen = 14 + 4 * ntags;
	unsigned i;

	memmove(b + hlen, inner, innerlen);
	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	for (i = 0; i < ntags; i++) {
		pb_be16(b + k, (ntags == 2 && i == 0) ? 0x88a8 : 0x8100);
		pb_be16(b + k + 2, 100 + i);	/* VLAN id */
		k += 4;
	}
	pb_be16(b + k, type);
	return hlen + innerlen;
}

static inline size_t
pb_eth(uint8_t *b, const uint8_t *ip, size_t iplen)
{
	return pb_eth_tags(b, 0, pb_ethertype(ip), ip, iplen);
}

/* Linux cooked capture v1 (16 bytes). */
static inline size_t
pb_sll(uint8_t *b, const uint8_t *ip, size_t iplen)
{
	memmove(b + 16, ip, iplen);
	memset(b, 0, 16);
	pb_be16(b, 0);			/* to us */
	pb_be16(b + 2, 772);		/* ARPHRD_LOOPBACK */
	pb_be16(b + 4, 6);
	pb_be16(b + 14, pb_ethertype(b + 16));
	return 16 + iplen;
}

/* Linux cooked capture v2 (20 bytes). */
static inline size_t
pb_sll2(uint8_t *b, const uint8_t *ip, size_t iplen)
{
	memmove(b + 20, ip, iplen);
	memset(b, 0, 20);
	pb_be16(b, pb_ethertype(b + 20));
	pb_be32(b + 4, 1);		/* ifindex */
	pb_be16(b + 8, 772);
	b[10] = 0;
	b[11] = 6;
	return 20 + iplen;
}

/* BSD loopback: 4-byte address family, little- or big-endian. */
static inline size_t
pb_null(uint8_t *b, uint32_t af, int big_endian, const uint8_t *ip, size_t iplen)
{
	memmove(b + 4, ip, iplen);
	if (big_endian) {
		pb_be32(b, af);
	} else {
		b[0] = (uint8_t)af;
		b[1] = (uint8_t)(af >> 8);
		b[2] = (uint8_t)(af >> 16);
		b[3] = (uint8_t)(af >> 24);
	}
	return 4 + iplen;
}

#endif /* PKTBUILD_H */
