/* \summary: link, IPv4/IPv6, TCP and UDP decoding over a bounds-checked cursor */
#include <stdio.h>
#include <string.h>

#include "tv_cursor.h"
#include "tv_decode.h"

const char *const tv_skip_names[TV_SKIP_COUNT] = {
	[TV_SKIP_NONE] = "none",
	[TV_SKIP_NOT_IP] = "not IP",
	[TV_SKIP_ICMP] = "ICMP",
	[TV_SKIP_ICMP6] = "ICMPv6",
	[TV_SKIP_OTHER_PROTO] = "other IP protocol",
	[TV_SKIP_FRAGMENT] = "IP fragment",
	[TV_SKIP_TRUNCATED] = "truncated before TCP/UDP header",
	[TV_SKIP_MALFORMED] = "malformed header",
	[TV_SKIP_BAD_IP_CKSUM] = "bad IPv4 header checksum",
	[TV_SKIP_TUNNEL_DEPTH] = "tunnels nested deeper than 4",
	[TV_SKIP_ENCRYPTED] = "MACsec (encrypted: not decodable)",
	[TV_SKIP_WIFI_ENCRYPTED] = "802.11 (encrypted: not decodable)",
};

const char *const tv_tun_names[TV_TUN_COUNT] = {
	[TV_TUN_NONE] = "none",
	[TV_TUN_IPIP] = "IP-in-IP",
	[TV_TUN_GRE] = "GRE",
	[TV_TUN_ERSPAN] = "ERSPAN",
	[TV_TUN_GRE_UDP] = "GRE-in-UDP",
	[TV_TUN_VXLAN] = "VXLAN",
	[TV_TUN_GENEVE] = "Geneve",
	[TV_TUN_GTPU] = "GTP-U",
	[TV_TUN_TEREDO] = "Teredo",
	[TV_TUN_PIM] = "PIM register",
	[TV_TUN_AYIYA] = "AYIYA",
	[TV_TUN_PPTP] = "PPTP",
};

/* in the order of the TV_VIA_ bits */
const char *const tv_via_names[TV_VIA_COUNT] = {
	"MPLS", "PPPoE", "PPP", "LLC/SNAP", "MACsec", "802.11", "FDDI", "802.1ah",
	"NFLOG", "IPoIB", "FabricPath",
};

const char *const tv_icmp_names[TV_ICMP_COUNT] = {
	[TV_ICMP_NONE] = "none",
	[TV_ICMP_NET_UNREACH] = "net unreachable",
	[TV_ICMP_HOST_UNREACH] = "host unreachable",
	[TV_ICMP_PROTO_UNREACH] = "protocol unreachable",
	[TV_ICMP_PORT_UNREACH] = "port unreachable",
	[TV_ICMP_FRAG_NEEDED] = "fragmentation needed",
	[TV_ICMP_TOO_BIG] = "packet too big",
	[TV_ICMP_ADMIN] = "administratively prohibited",
	[TV_ICMP_UNREACH] = "unreachable",
	[TV_ICMP_TIME_EXCEEDED] = "time exceeded",
	[TV_ICMP_PARAM_PROBLEM] = "parameter problem",
};

const char *const tv_ck_names[TV_CK_COUNT] = {
	[TV_CK_UNVERIFIED] = "unverified",
	[TV_CK_CORRECT] = "correct",
	[TV_CK_INCORRECT] = "incorrect",
	[TV_CK_PARTIAL] = "partial",
	[TV_CK_NONE] = "none",
};

#define ETHERTYPE_IP	0x0800
#define ETHERTYPE_IPV6	0x86dd
#define ETHERTYPE_VLAN	0x8100
#define ETHERTYPE_QINQ	0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100
#define ETHERTYPE_MPLS	0x8847
#define ETHERTYPE_MPLS_MC 0x8848
#define ETHERTYPE_PPPOE	0x8864
#define ETHERTYPE_MACSEC 0x88e5
#define ETHERTYPE_TEB	0x6558	/* transparent Ethernet bridging (GRE, Geneve) */
#define ETHERTYPE_ERSPAN2 0x88be
#define ETHERTYPE_ERSPAN3 0x22eb
#define ETHERTYPE_PPP	0x880b
#define ETHERTYPE_PBB	0x88e7	/* IEEE 802.1ah I-TAG */
#define ETHERTYPE_DCE	0x8903	/* Cisco FabricPath */
#define MAX_VLAN_TAGS	8
#define MAX_IPV6_EXT	16
#define MAX_MPLS_LABELS	16
#define MAX_GTP_EXT	8
#define MAX_NFLOG_TLV	64

#define UDP_PORT_VXLAN	4789
#define UDP_PORT_GENEVE	6081
#define UDP_PORT_GTPU	2152
#define UDP_PORT_GRE	4754	/* RFC 8086 */
#define UDP_PORT_TEREDO	3544
#define UDP_PORT_AYIYA	5072

#define IPPROTO_TCP_	6
#define IPPROTO_UDP_	17
#define IPPROTO_ICMP_	1
#define IPPROTO_ICMPV6_	58
#define IPPROTO_IPIP_	4
#define IPPROTO_IPV6_	41
#define IPPROTO_GRE_	47
#define IPPROTO_PIM_	103

int
tv_link_supported(int link)
{
	return tv_link_name(link) != NULL;
}

const char *
tv_link_name(int link)
{
	switch (link) {
	case TV_LINK_NULL:	return "NULL";
	case TV_LINK_ETHERNET:	return "EN10MB";
	case TV_LINK_PPP:	return "PPP";
	case TV_LINK_FDDI:	return "FDDI";
	case TV_LINK_PPP_SERIAL: return "PPP_SERIAL";
	case TV_LINK_RAW:	return "RAW";
	case TV_LINK_LOOP:	return "LOOP";
	case TV_LINK_IEEE802_11_RADIO: return "IEEE802_11_RADIO";
	case TV_LINK_LINUX_SLL:	return "LINUX_SLL";
	case TV_LINK_IPV4:	return "IPV4";
	case TV_LINK_IPV6:	return "IPV6";
	case TV_LINK_NFLOG:	return "NFLOG";
	case TV_LINK_IPOIB:	return "IPOIB";
	case TV_LINK_LINUX_SLL2: return "LINUX_SLL2";
	}
	return NULL;
}

/* Mark the packet malformed; the first reason found is kept. */
static void
set_malformed(struct tv_pkt *pkt, const char *why)
{
	if (pkt->malformed == NULL)
		pkt->malformed = why;
}

static int
skip(struct tv_pkt *pkt, enum tv_skip why)
{
	pkt->skip = why;
	pkt->proto = 0;
	return 1;
}

/* The lengths the options tcpviz reads must have (RFC 9293 §3.2, RFC 7323,
 * RFC 2018: SACK blocks of 8 bytes); a wrong one marks the packet. */
static const struct {
	uint8_t kind, len;	/* len 0: 2 plus a multiple of 8 */
	const char *bad;
} opt_lens[] = {
	{ 2, 4, "tcp mss option length" },
	{ 3, 3, "tcp wscale option length" },
	{ 4, 2, "tcp sackOK option length" },
	{ 5, 0, "tcp sack option length" },
	{ 8, 10, "tcp timestamp option length" },
};

static int
opt_len_ok(unsigned kind, unsigned len, struct tv_pkt *pkt)
{
	size_t i;

	for (i = 0; i < sizeof(opt_lens) / sizeof(opt_lens[0]); i++) {
		if (opt_lens[i].kind != kind)
			continue;
		if (opt_lens[i].len ? len == opt_lens[i].len : (len - 2) % 8 == 0)
			return 1;
		set_malformed(pkt, opt_lens[i].bad);
		return 0;
	}
	return 1;		/* an option not read: its length does not matter */
}

/*
 * TCP options (RFC 9293 §3.1, RFC 7323 for window scale and timestamps,
 * RFC 2018 for SACK).  `c` covers the option bytes the header claims,
 * clipped to what was captured; `full` says whether all were captured.
 */
static void
decode_tcp_opts(struct tv_cur *c, int full, struct tv_pkt *pkt)
{
	while (tv_cur_left(c) > 0) {
		uint8_t kind = tv_cur_u8(c), len;
		struct tv_cur o;

		if (kind == 0)		/* end of option list */
			return;
		if (kind == 1)		/* no-operation */
			continue;
		if (tv_cur_left(c) < 1) {
			if (full)
				set_malformed(pkt, "tcp option past header");
			return;
		}
		len = tv_cur_u8(c);
		if (len < 2) {
			set_malformed(pkt, "tcp option length < 2");
			return;
		}
		if (tv_cur_left(c) < (size_t)len - 2) {
			if (full)
				set_malformed(pkt, "tcp option past header");
			return;
		}
		o = tv_cur_sub(c, (size_t)len - 2);
		tv_cur_skip(c, (size_t)len - 2);
		if (!opt_len_ok(kind, len, pkt))
			continue;
		switch (kind) {
		case 2:
			pkt->mss = tv_cur_be16(&o);
			pkt->opt_mask |= TV_OPT_MSS;
			break;
		case 3:
			pkt->wscale = tv_cur_u8(&o);
			pkt->opt_mask |= TV_OPT_WSCALE;
			break;
		case 4:
			pkt->opt_mask |= TV_OPT_SACK_OK;
			break;
		case 5:
			pkt->opt_mask |= TV_OPT_SACK;
			while (tv_cur_left(&o) >= 8 && pkt->nsack < TV_MAX_SACK) {
				pkt->sack[pkt->nsack][0] = tv_cur_be32(&o);
				pkt->sack[pkt->nsack][1] = tv_cur_be32(&o);
				pkt->nsack++;
			}
			break;
		case 8:
			pkt->ts_val = tv_cur_be32(&o);
			pkt->ts_ecr = tv_cur_be32(&o);
			pkt->opt_mask |= TV_OPT_TS;
			break;
		default:
			break;
		}
	}
}

/*
 * The start of a TCP or UDP header: hdr bytes at least, by what the IP
 * header says (c is clipped to seglen, so that is tested before blaming
 * the capture) and by what was captured; then the ports.  0 with *h the
 * fixed header, passed over, or what decoding returns for a packet that
 * ends here.
 */
static int
l4_ports(struct tv_cur *c, uint32_t seglen, uint32_t hdr, uint8_t proto,
    const char *too_short, const uint8_t **h, struct tv_pkt *pkt)
{
	if (seglen < hdr) {
		set_malformed(pkt, too_short);
		return skip(pkt, TV_SKIP_MALFORMED);
	}
	if ((*h = tv_cur_take(c, hdr)) == NULL) {
		pkt->truncated = 1;
		return skip(pkt, TV_SKIP_TRUNCATED);
	}
	pkt->proto = proto;
	pkt->sport = tv_be16(*h);
	pkt->dport = tv_be16(*h + 2);
	return 0;
}

/* The payload: pkt->len bytes, what of them was captured (paycap), a
 * pointer to them valid while the frame is.  0. */
static int
l4_payload(const struct tv_cur *c, struct tv_pkt *pkt)
{
	if (tv_cur_left(c) < pkt->len)
		pkt->truncated = 1;
	pkt->paycap = tv_cur_left(c) < pkt->len ? (uint32_t)tv_cur_left(c) : pkt->len;
	pkt->payload = pkt->paycap ? c->p : NULL;
	return 0;
}

/*
 * TCP header (RFC 9293 §3.1).  `seglen` is the segment length the IP
 * header states; `c` holds what was captured of it.
 */
static int
decode_tcp(struct tv_cur *c, uint32_t seglen, struct tv_pkt *pkt)
{
	const uint8_t *h;
	unsigned doff, hlen, optlen;
	struct tv_cur oc;

	if (l4_ports(c, seglen, 20, IPPROTO_TCP_,
	    "tcp segment shorter than its header", &h, pkt) != 0)
		return 1;
	pkt->seq = tv_be32(h + 4);
	pkt->ack = tv_be32(h + 8);
	doff = h[12] >> 4;
	pkt->flags = (uint16_t)((h[12] & 0x01) << 8 | h[13]);	/* AE (RFC 9768) */
	pkt->win = tv_be16(h + 14);
	/* then the checksum (l4_cksum) and the urgent pointer */

	if (doff < 5) {
		/* take the fixed header as the whole header */
		set_malformed(pkt, "tcp data offset < 5");
		doff = 5;
	}
	hlen = doff * 4;
	if (hlen > seglen) {
		set_malformed(pkt, "tcp data offset past segment");
		pkt->len = 0;
		hlen = seglen;
	} else {
		pkt->len = seglen - hlen;
	}
	optlen = hlen - 20;
	if (optlen > 0) {
		int full = tv_cur_has(c, optlen);

		if (!full)
			pkt->truncated = 1;
		oc = tv_cur_sub(c, optlen);
		decode_tcp_opts(&oc, full, pkt);
		tv_cur_skip(c, full ? optlen : tv_cur_left(c));
	}
	return l4_payload(c, pkt);
}

/* UDP header (RFC 768). */
static int
decode_udp(struct tv_cur *c, uint32_t seglen, struct tv_pkt *pkt)
{
	const uint8_t *h;
	uint16_t ulen;

	if (l4_ports(c, seglen, 8, IPPROTO_UDP_,
	    "udp segment shorter than its header", &h, pkt) != 0)
		return 1;
	ulen = tv_be16(h + 4);	/* then the checksum (l4_cksum) */
	if (ulen < 8) {
		set_malformed(pkt, ulen == 0 ? "udp length 0" : "udp length < 8");
		pkt->len = seglen >= 8 ? seglen - 8 : 0;
	} else if (ulen > seglen) {
		set_malformed(pkt, "udp length beyond ip payload");
		pkt->len = seglen >= 8 ? seglen - 8 : 0;
	} else {
		pkt->len = ulen - 8u;
	}
	return l4_payload(c, pkt);
}

/* ---- checksums (RFC 1071) ---- */

static inline uint64_t
add_carry(uint64_t a, uint64_t b)
{
	a += b;
	return a + (a < b);	/* end-around carry */
}

/* 8 bytes in the machine's order (RFC 1071 §2(B)) */
static inline uint64_t
load64(const uint8_t *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return w;
}

/* 64 bits to 16 with end-around carries: a number plus itself rotated by
 * half its width holds in its high half the sum of its halves with the
 * carry added back (as Linux's csum_fold) */
static inline uint32_t
fold16(uint64_t a)
{
	uint32_t x;

	a += a >> 32 | a << 32;
	x = (uint32_t)(a >> 32);
	x += x >> 16 | x << 16;
	return x >> 16;
}

/*
 * The 16-bit ones' complement sum of n bytes, as a number (network byte
 * order read as big-endian).  RFC 1071 §2: the sum may be taken over
 * wider words with carries folded back (§2(C)), in the machine's own byte
 * order, swapped once at the end (§2(B)); so 8 bytes per step, no
 * allocation, no byte shuffling in the loop.
 */
static uint32_t
ones_sum(const uint8_t *p, size_t n)
{
	uint64_t acc = 0;
	uint32_t w4;
	uint16_t w2;
	uint8_t last[2] = { 0, 0 };

	for (; n >= 32; p += 32, n -= 32) {	/* one loop test for 32 bytes */
		acc = add_carry(acc, load64(p));
		acc = add_carry(acc, load64(p + 8));
		acc = add_carry(acc, load64(p + 16));
		acc = add_carry(acc, load64(p + 24));
	}
	for (; n >= 8; p += 8, n -= 8)
		acc = add_carry(acc, load64(p));
	if (n >= 4) {
		memcpy(&w4, p, 4);
		acc = add_carry(acc, w4);
		p += 4, n -= 4;
	}
	if (n >= 2) {
		memcpy(&w2, p, 2);
		acc = add_carry(acc, w2);
		p += 2, n -= 2;
	}
	if (n) {		/* an odd last byte is the high half of a word */
		last[0] = p[0];
		memcpy(&w2, last, 2);
		acc = add_carry(acc, w2);
	}
	w2 = (uint16_t)fold16(acc);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	w2 = (uint16_t)(w2 >> 8 | w2 << 8);
#endif
	return w2;
}

/* The pseudo-header's sum: addresses, protocol and length (RFC 9293
 * §3.1 and RFC 768 for IPv4, RFC 8200 §8.1 for IPv6). */
static uint32_t
pseudo_sum(const struct tv_pkt *pkt, uint8_t proto, uint32_t len)
{
	size_t n = pkt->src.family == 4 ? 4 : 16, i;
	uint64_t acc = proto + (uint64_t)(len >> 16) + (len & 0xffff);

	if (n == 4)
		return fold16(acc + (uint32_t)(pkt->src.a[0] << 8 | pkt->src.a[1]) +
		    (uint32_t)(pkt->src.a[2] << 8 | pkt->src.a[3]) +
		    (uint32_t)(pkt->dst.a[0] << 8 | pkt->dst.a[1]) +
		    (uint32_t)(pkt->dst.a[2] << 8 | pkt->dst.a[3]));
	for (i = 0; i < n; i += 2)
		acc += (uint32_t)(pkt->src.a[i] << 8 | pkt->src.a[i + 1]) +
		    (uint32_t)(pkt->dst.a[i] << 8 | pkt->dst.a[i + 1]);
	return fold16(acc);
}

/*
 * The TCP or UDP checksum of a segment captured whole.  Beside correct
 * and incorrect: a field holding just the pseudo-header sum is what a
 * sender offloading the checksum leaves (Linux CHECKSUM_PARTIAL, seen on
 * every loopback capture and on outgoing packets of most NICs), and UDP
 * over IPv4 may send 0 for none (RFC 768).
 */
static void
l4_cksum(const uint8_t *seg, uint32_t seglen, uint8_t proto, struct tv_pkt *pkt)
{
	uint32_t ps = pseudo_sum(pkt, proto, seglen), all, without;
	unsigned at = proto == IPPROTO_TCP_ ? 16 : 6;
	uint16_t got = (uint16_t)(seg[at] << 8 | seg[at + 1]);

	pkt->ck_got = got;
	if (proto == IPPROTO_UDP_ && got == 0 && pkt->src.family == 4) {
		pkt->ck_l4 = TV_CK_NONE;
		return;
	}
	all = fold16((uint64_t)ps + ones_sum(seg, seglen));
	without = fold16((uint64_t)all + (uint16_t)~got);
	pkt->ck_want = (uint16_t)~without;
	if (proto == IPPROTO_UDP_ && pkt->ck_want == 0)
		pkt->ck_want = 0xffff;	/* RFC 768: a computed 0 is sent as all ones */
	if (all == 0xffff)
		pkt->ck_l4 = TV_CK_CORRECT;
	else if (got == ps)
		pkt->ck_l4 = TV_CK_PARTIAL;
	else
		pkt->ck_l4 = TV_CK_INCORRECT;
}

/* ---- ICMP and ICMPv6 errors: the packet they quote ---- */

static int ipv6_ext(struct tv_cur *c, uint8_t *nh, uint32_t *plen,
    struct tv_pkt *pkt);
static int decode_ipv4(struct tv_cur *c, uint32_t wireleft, struct tv_pkt *pkt);
static int decode_ipv6(struct tv_cur *c, uint32_t wireleft, struct tv_pkt *pkt);
static int decode_bare_ip(struct tv_cur *c, uint32_t wireleft, struct tv_pkt *pkt);
static int decode_gre(struct tv_cur *c, uint32_t seglen, int udp, struct tv_pkt *pkt);
static int tunnel_enter(struct tv_pkt *pkt, uint8_t kind, int has_key,
    uint32_t key);
static int decode_pim(struct tv_cur *c, uint32_t seglen, struct tv_pkt *pkt);
static int udp_tunnel(struct tv_pkt *pkt);

/* The kind of an ICMPv4 message (RFC 792; codes of RFC 1122 §3.2.2.1,
 * RFC 1812 §5.2.7.1); TV_ICMP_NONE for what is no error of a flow (echo,
 * source quench, deprecated by RFC 6633, ...). */
static uint8_t
icmp4_kind(uint8_t type, uint8_t code)
{
	switch (type) {
	case 3:
		switch (code) {
		case 0: case 6: case 11:
			return TV_ICMP_NET_UNREACH;
		case 1: case 7: case 8: case 12:
			return TV_ICMP_HOST_UNREACH;
		case 2:
			return TV_ICMP_PROTO_UNREACH;
		case 3:
			return TV_ICMP_PORT_UNREACH;
		case 4:
			return TV_ICMP_FRAG_NEEDED;
		case 9: case 10: case 13: case 14: case 15:
			return TV_ICMP_ADMIN;
		}
		return TV_ICMP_UNREACH;
	case 11:
		return TV_ICMP_TIME_EXCEEDED;
	case 12:
		return TV_ICMP_PARAM_PROBLEM;
	}
	return TV_ICMP_NONE;
}

/* The kind of an ICMPv6 message (RFC 4443 §3); informational ones
 * (type 128 and up) are none. */
static uint8_t
icmp6_kind(uint8_t type, uint8_t code)
{
	switch (type) {
	case 1:
		switch (code) {
		case 0:
			return TV_ICMP_NET_UNREACH;	/* no route */
		case 1: case 5: case 6:
			return TV_ICMP_ADMIN;	/* prohibited, policy, reject route */
		case 3:
			return TV_ICMP_HOST_UNREACH;	/* address unreachable */
		case 4:
			return TV_ICMP_PORT_UNREACH;
		}
		return TV_ICMP_UNREACH;
	case 2:
		return TV_ICMP_TOO_BIG;
	case 3:
		return TV_ICMP_TIME_EXCEEDED;
	case 4:
		return TV_ICMP_PARAM_PROBLEM;
	}
	return TV_ICMP_NONE;
}

/* The quote ran out before the ports: the capture's doing (truncated)
 * when the message was not captured whole, else the message's own. */
static int
quote_short(int whole, struct tv_pkt *pkt)
{
	if (!whole) {
		pkt->truncated = 1;
		return skip(pkt, TV_SKIP_TRUNCATED);
	}
	set_malformed(pkt, "icmp quote cut before the ports");
	return skip(pkt, TV_SKIP_MALFORMED);
}

/* The quoted IPv4 header (RFC 792: the header and at least 8 bytes of
 * what followed): its addresses and protocol; 0, or what decoding returns
 * for a quote that cannot be used. */
static int
quote_ipv4(struct tv_cur *q, int whole, struct tv_addr qa[2], uint8_t *proto,
    struct tv_pkt *pkt)
{
	uint8_t vihl;
	uint16_t frag;
	unsigned hlen;

	if (tv_cur_has(q, 1) && (q->p[0] >> 4) != 4) {
		set_malformed(pkt, "icmp quote not IPv4");
		return skip(pkt, TV_SKIP_MALFORMED);
	}
	if (!tv_cur_has(q, 20))
		return quote_short(whole, pkt);
	vihl = tv_cur_u8(q);
	tv_cur_skip(q, 5);		/* TOS, total length, identification */
	frag = tv_cur_be16(q);
	tv_cur_skip(q, 1);		/* TTL */
	*proto = tv_cur_u8(q);
	tv_cur_skip(q, 2);		/* checksum */
	qa[0].family = qa[1].family = 4;
	tv_cur_copy(q, qa[0].a, 4);
	tv_cur_copy(q, qa[1].a, 4);
	hlen = (vihl & 0x0f) * 4u;
	if (hlen < 20) {
		set_malformed(pkt, "icmp quote ip header length < 20");
		return skip(pkt, TV_SKIP_MALFORMED);
	}
	if (tv_cur_skip(q, hlen - 20) < 0)
		return quote_short(whole, pkt);
	if ((frag & 0x1fff) != 0)	/* a later fragment: no ports in it */
		return skip(pkt, TV_SKIP_ICMP);
	return 0;
}

/* The quoted IPv6 header and its extension headers (RFC 8200 §4), as
 * decode_ipv6() walks them; 0, or what decoding returns. */
static int
quote_ipv6(struct tv_cur *q, int whole, struct tv_addr qa[2], uint8_t *proto,
    struct tv_pkt *pkt)
{
	uint8_t nh;
	uint32_t plen;
	int i;

	if (tv_cur_has(q, 1) && (q->p[0] >> 4) != 6) {
		set_malformed(pkt, "icmp quote not IPv6");
		return skip(pkt, TV_SKIP_MALFORMED);
	}
	if (!tv_cur_has(q, 40))
		return quote_short(whole, pkt);
	tv_cur_skip(q, 4);		/* version, class, flow label */
	plen = tv_cur_be16(q);
	nh = tv_cur_u8(q);
	tv_cur_skip(q, 1);
	qa[0].family = qa[1].family = 6;
	tv_cur_copy(q, qa[0].a, 16);
	tv_cur_copy(q, qa[1].a, 16);
	for (i = 0; i <= MAX_IPV6_EXT; i++) {
		switch (nh) {
		case 0: case 43: case 60: case 135: case 51: case 44:
			break;
		default:
			*proto = nh;
			return 0;
		}
		if (nh == 44 && tv_cur_has(q, 8)) {
			/* a first fragment holds the ports; a later one none */
			uint8_t next = tv_cur_u8(q);

			tv_cur_skip(q, 1);
			if ((tv_cur_be16(q) & 0xfff8) != 0)
				return skip(pkt, TV_SKIP_ICMP6);
			tv_cur_skip(q, 4);
			nh = next;
			plen = plen >= 8 ? plen - 8 : 0;
			continue;
		}
		if (ipv6_ext(q, &nh, &plen, pkt) != 0) {
			if (pkt->skip == TV_SKIP_TRUNCATED) {
				pkt->truncated = 0;
				return quote_short(whole, pkt);
			}
			return 1;
		}
	}
	set_malformed(pkt, "ipv6 extension header chain too long");
	return skip(pkt, TV_SKIP_MALFORMED);
}

/* Is the ICMP message's checksum right (RFC 792; RFC 4443 §2.3 adds the
 * IPv6 pseudo-header)?  Only asked of a message captured whole. */
static int
icmp_cksum_ok(const uint8_t *seg, uint32_t seglen, int v6, struct tv_pkt *pkt)
{
	uint32_t all = ones_sum(seg, seglen);

	pkt->ck_got = (uint16_t)(seg[2] << 8 | seg[3]);
	if (v6)
		all = fold16((uint64_t)all + pseudo_sum(pkt, IPPROTO_ICMPV6_, seglen));
	pkt->ck_l4 = all == 0xffff ? TV_CK_CORRECT : TV_CK_INCORRECT;
	return all == 0xffff;
}

/*
 * An ICMP (v6 0) or ICMPv6 message of seglen bytes.  An error that quotes
 * a TCP or UDP packet fills pkt->icmp and gives pkt the quoted 4-tuple
 * reversed; returns 2.  Everything else is skipped as ICMP, as before.
 * Only the quote is read for the flow, and only as far as it goes: its IP
 * header, extension headers, then the ports (and a TCP quote's sequence
 * number, when its 8 bytes are there).  A quote of ICMP is not followed.
 */
static int
decode_icmp(struct tv_cur *c, uint32_t seglen, int v6, struct tv_pkt *pkt)
{
	const uint8_t *seg = c->p;
	enum tv_skip none = v6 ? TV_SKIP_ICMP6 : TV_SKIP_ICMP;
	int whole = tv_cur_left(c) >= seglen, r;
	struct tv_addr qa[2];
	uint8_t type, code, kind, proto = 0;
	uint32_t rest;
	struct tv_cur q;

	memset(qa, 0, sizeof(qa));	/* IPv4 uses 4 bytes, the rest stay zero */
	if (pkt->src.family != (v6 ? 6 : 4) || seglen < 2)
		return skip(pkt, none);
	if (!tv_cur_has(c, 2)) {	/* cut before its type: it cannot be told */
		pkt->truncated = 1;
		return skip(pkt, TV_SKIP_TRUNCATED);
	}
	type = tv_cur_u8(c);
	code = tv_cur_u8(c);
	kind = v6 ? icmp6_kind(type, code) : icmp4_kind(type, code);
	if (kind == TV_ICMP_NONE)
		return skip(pkt, none);
	if (seglen < 8) {
		set_malformed(pkt, "icmp message shorter than its header");
		return skip(pkt, TV_SKIP_MALFORMED);
	}
	if (!tv_cur_has(c, 6)) {
		pkt->truncated = 1;
		return skip(pkt, TV_SKIP_TRUNCATED);
	}
	tv_cur_skip(c, 2);		/* checksum */
	rest = tv_cur_be32(c);
	if (pkt->verify && !pkt->offloaded && whole &&
	    !icmp_cksum_ok(seg, seglen, v6, pkt)) {
		set_malformed(pkt, "icmp checksum incorrect: not used");
		return skip(pkt, none);
	}
	q = *c;
	r = v6 ? quote_ipv6(&q, whole, qa, &proto, pkt) :
	    quote_ipv4(&q, whole, qa, &proto, pkt);
	if (r != 0)
		return r;
	if (proto != IPPROTO_TCP_ && proto != IPPROTO_UDP_)
		return skip(pkt, none);	/* ICMP about ICMP, or another protocol */
	if (!tv_cur_has(&q, 4))
		return quote_short(whole, pkt);
	pkt->icmp.kind = kind;
	pkt->icmp.v6 = (uint8_t)v6;
	pkt->icmp.type = type;
	pkt->icmp.code = code;
	if (kind == TV_ICMP_FRAG_NEEDED)	/* RFC 1191 §4: the low 16 bits */
		pkt->icmp.mtu = rest & 0xffff;
	else if (kind == TV_ICMP_TOO_BIG)	/* RFC 4443 §3.2 */
		pkt->icmp.mtu = rest;
	pkt->icmp.from = pkt->src;
	pkt->icmp.to = pkt->dst;
	/* the quote is a packet the error's receiver sent: reversed, it
	 * reads as a packet from the other end of that flow */
	pkt->src = qa[1];
	pkt->dst = qa[0];
	pkt->dport = tv_cur_be16(&q);
	pkt->sport = tv_cur_be16(&q);
	if (proto == IPPROTO_TCP_ && tv_cur_has(&q, 4)) {
		pkt->icmp.seq = tv_cur_be32(&q);
		pkt->icmp.has_seq = 1;
	}
	pkt->proto = proto;
	pkt->len = 0;
	pkt->paycap = 0;
	pkt->payload = NULL;
	if (!whole)		/* the capture ended before the message did */
		pkt->truncated = 1;
	return 2;
}

static int
decode_l4(struct tv_cur *c, uint8_t proto, uint32_t seglen, struct tv_pkt *pkt)
{
	const uint8_t *seg = c->p;
	/* only when all of it was captured, and its length is the header's */
	int whole = pkt->verify && !pkt->offloaded && tv_cur_left(c) >= seglen;
	int r;

	switch (proto) {
	case IPPROTO_TCP_:
		if ((r = decode_tcp(c, seglen, pkt)) == 0 && whole)
			l4_cksum(seg, seglen, proto, pkt);
		return r;
	case IPPROTO_UDP_:
		if ((r = decode_udp(c, seglen, pkt)) != 0)
			return r;
		/* a tunnel's well-known port, and the packet inside decodes */
		if ((r = udp_tunnel(pkt)) >= 0)
			return r;
		if (whole)
			l4_cksum(seg, seglen, proto, pkt);
		return 0;
	case IPPROTO_IPIP_:	/* RFC 2003; IPv4 in IPv6, RFC 2473 */
		if ((r = tunnel_enter(pkt, TV_TUN_IPIP, 0, 0)) != 0)
			return r;
		return decode_ipv4(c, seglen, pkt);
	case IPPROTO_IPV6_:	/* RFC 4213 (6in4), RFC 2473 (6in6) */
		if ((r = tunnel_enter(pkt, TV_TUN_IPIP, 0, 0)) != 0)
			return r;
		return decode_ipv6(c, seglen, pkt);
	case IPPROTO_GRE_:
		return decode_gre(c, seglen, 0, pkt);
	case IPPROTO_PIM_:
		return decode_pim(c, seglen, pkt);
	case IPPROTO_ICMP_:
		return decode_icmp(c, seglen, 0, pkt);
	case IPPROTO_ICMPV6_:
		return decode_icmp(c, seglen, 1, pkt);
	}
	return skip(pkt, TV_SKIP_OTHER_PROTO);
}

/*
 * IPv4 (RFC 791).  `wireleft` is how many bytes of the frame were on the
 * wire from here on, so a total length beyond it is malformed while one
 * beyond the capture is merely truncated.
 */
static int
decode_ipv4(struct tv_cur *c, uint32_t wireleft, struct tv_pkt *pkt)
{
	const uint8_t *hdr;
	uint8_t vihl, proto;
	uint16_t frag, sum;
	unsigned hlen;
	uint32_t seglen, totlen;
	struct tv_cur l4;

	if ((hdr = tv_cur_take(c, 20)) == NULL) {
		pkt->truncated = 1;
		return skip(pkt, TV_SKIP_TRUNCATED);
	}
	vihl = hdr[0];
	totlen = tv_be16(hdr + 2);
	pkt->ipid = tv_be16(hdr + 4);
	pkt->has_ipid = 1;
	frag = tv_be16(hdr + 6);
	pkt->ttl = hdr[8];
	proto = hdr[9];
	sum = tv_be16(hdr + 10);
	/* inside a tunnel the outer addresses were here: an IPv6 one's last
	 * 12 bytes must not stay (the connection's key compares all 16); a
	 * packet not in one is still as tv_decode_opts() cleared it */
	if (pkt->src.family != 0) {
		memset(&pkt->src, 0, sizeof(pkt->src));
		memset(&pkt->dst, 0, sizeof(pkt->dst));
	}
	pkt->src.family = pkt->dst.family = 4;
	memcpy(pkt->src.a, hdr + 12, 4);
	memcpy(pkt->dst.a, hdr + 16, 4);

	if ((vihl >> 4) != 4) {
		set_malformed(pkt, "ip version not 4");
		return skip(pkt, TV_SKIP_MALFORMED);
	}
	hlen = (vihl & 0x0f) * 4u;
	if (hlen < 20) {
		set_malformed(pkt, "ip header length < 20");
		return skip(pkt, TV_SKIP_MALFORMED);
	}
	if (totlen == 0 && wireleft >= hlen) {
		/* TSO/LSO on the capturing host (or BIG TCP beyond 64 KB)
		 * hands the capture one segment the NIC will cut, its total
		 * length left 0: the frame's length is the packet's, as
		 * tcpdump and tshark take it */
		totlen = wireleft;
		pkt->offloaded = 1;
	}
	if (totlen < hlen) {
		set_malformed(pkt, "ip total length < header length");
		return skip(pkt, TV_SKIP_MALFORMED);
	}
	if (totlen > wireleft) {
		/* Trust what the wire carried, not the header. */
		set_malformed(pkt, "ip total length beyond packet");
		totlen = wireleft < 65535 ? wireleft : 65535;
		if (totlen < hlen)
			return skip(pkt, TV_SKIP_MALFORMED);
	}
	if (tv_cur_skip(c, hlen - 20) < 0) {	/* options */
		pkt->truncated = 1;
		return skip(pkt, TV_SKIP_TRUNCATED);
	}
	/* RFC 791 §3.1 header checksum; 0 is what an offloading sender
	 * leaves (Windows), and an offloaded length was rewritten */
	if (pkt->verify && !pkt->offloaded) {
		if (sum == 0)
			pkt->ck_ip = TV_CK_PARTIAL;
		else if (ones_sum(hdr, hlen) == 0xffff)
			pkt->ck_ip = TV_CK_CORRECT;
		else {
			pkt->ck_ip = TV_CK_INCORRECT;
			return skip(pkt, TV_SKIP_BAD_IP_CKSUM);
		}
	}
	seglen = totlen - hlen;
	if ((frag & 0x1fff) != 0 || (frag & 0x2000) != 0) {
		/* a fragment: its data for reassembly (tv_frag.h); inside a
		 * tunnel too (pkt->tun says which: the datagram is
		 * reassembled from its IP header on, in that tunnel) */
		pkt->frag.more = (frag & 0x2000) != 0;
		pkt->frag.off = (frag & 0x1fffu) * 8;
		pkt->frag.nh = proto;
		pkt->frag.hlen = (uint16_t)hlen;
		pkt->frag.id = pkt->ipid;
		pkt->len = seglen;
		pkt->paycap = tv_cur_left(c) < seglen ? (uint32_t)tv_cur_left(c) : seglen;
		pkt->payload = c->p;
		return skip(pkt, TV_SKIP_FRAGMENT);
	}
	l4 = tv_cur_sub(c, seglen);
	return decode_l4(&l4, proto, seglen, pkt);
}

/* One IPv6 extension header (RFC 8200 §4) of type *nh: skipped, *nh and
 * *plen set to what follows it.  0, or what decoding returns for a packet
 * that ends here (a later fragment, damage). */
static int
ipv6_ext(struct tv_cur *c, uint8_t *nh, uint32_t *plen, struct tv_pkt *pkt)
{
	uint8_t next;
	uint32_t elen;

	if (!tv_cur_has(c, 8)) {
		if (*plen < 8) {
			set_malformed(pkt, "ipv6 extension header past packet");
			return skip(pkt, TV_SKIP_MALFORMED);
		}
		pkt->truncated = 1;
		return skip(pkt, TV_SKIP_TRUNCATED);
	}
	next = tv_cur_u8(c);
	if (*nh == 44) {		/* fragment */
		uint16_t off;

		tv_cur_skip(c, 1);
		off = tv_cur_be16(c);
		pkt->frag.id = tv_cur_be32(c);
		if (*plen < 8)
			goto bad;
		/* offset or M flag: a fragment; offset 0 and M 0 is an atomic
		 * fragment (RFC 6946), whole: decoded on */
		if ((off & 0xfff9) != 0) {
			pkt->frag.v6 = 1;
			pkt->frag.more = off & 1;
			pkt->frag.off = off & 0xfff8u;
			pkt->frag.nh = next;
			pkt->len = *plen - 8;
			return skip(pkt, TV_SKIP_FRAGMENT);
		}
		elen = 8;
	} else {
		/* AH counts 4-byte units less 2, the others 8-byte units less 1 */
		elen = *nh == 51 ? ((uint32_t)tv_cur_u8(c) + 2) * 4 :
		    ((uint32_t)tv_cur_u8(c) + 1) * 8;
		tv_cur_skip(c, 6);
		if (elen < 8)
			elen = 8;
		if (*nh != 51 && elen > *plen)
			goto bad;
		if (tv_cur_skip(c, elen - 8) < 0) {
			pkt->truncated = 1;
			return skip(pkt, TV_SKIP_TRUNCATED);
		}
	}
	if (elen > *plen)
		goto bad;
	*plen -= elen;
	*nh = next;
	return 0;
bad:
	set_malformed(pkt, "ipv6 extension header past packet");
	return skip(pkt, TV_SKIP_MALFORMED);
}

/* IPv6 (RFC 8200), skipping extension headers (§4). */
static int
decode_ipv6(struct tv_cur *c, uint32_t wireleft, struct tv_pkt *pkt)
{
	const uint8_t *ip = c->p, *ext;
	uint8_t ver, nh;
	uint32_t plen;
	unsigned nhoff = 6;	/* the byte naming the header at c->p */
	int i, r;
	struct tv_cur l4;

	if (!tv_cur_has(c, 40)) {
		pkt->truncated = 1;
		return skip(pkt, TV_SKIP_TRUNCATED);
	}
	ver = tv_cur_u8(c) >> 4;
	tv_cur_skip(c, 3);
	plen = tv_cur_be16(c);
	nh = tv_cur_u8(c);
	pkt->ttl = tv_cur_u8(c);
	pkt->src.family = pkt->dst.family = 6;
	tv_cur_copy(c, pkt->src.a, 16);
	tv_cur_copy(c, pkt->dst.a, 16);
	if (ver != 6) {
		set_malformed(pkt, "ip version not 6");
		return skip(pkt, TV_SKIP_MALFORMED);
	}
	if (plen == 0 && wireleft > 40) {
		/* a jumbogram (RFC 2675: its length is in a hop-by-hop
		 * option), or BIG TCP's GSO packet beyond 64 KB (Linux 6.x
		 * leaves the length 0, with or without that option): the
		 * frame's length is the packet's, as tcpdump and tshark take it */
		plen = wireleft - 40;
		pkt->offloaded = 1;
	}
	if (wireleft < 40 || plen > wireleft - 40) {
		set_malformed(pkt, "ip total length beyond packet");
		plen = wireleft >= 40 ? wireleft - 40 : 0;
	}
	for (i = 0;; i++) {
		switch (nh) {
		case 0:		/* hop-by-hop */
		case 43:	/* routing */
		case 60:	/* destination options */
		case 135:	/* mobility */
		case 51:	/* authentication header: length in 4-byte units */
		case 44:	/* fragment */
			break;
		default:
			l4 = tv_cur_sub(c, plen);
			return decode_l4(&l4, nh, plen, pkt);
		}
		if (i >= MAX_IPV6_EXT) {
			set_malformed(pkt, "ipv6 extension header chain too long");
			return skip(pkt, TV_SKIP_MALFORMED);
		}
		ext = c->p;
		if ((r = ipv6_ext(c, &nh, &plen, pkt)) != 0) {
			if (pkt->skip == TV_SKIP_FRAGMENT) {
				pkt->frag.hlen = (uint16_t)(c->p - ip);
				pkt->frag.nhoff = (uint16_t)nhoff;
				pkt->paycap = tv_cur_left(c) < pkt->len ?
				    (uint32_t)tv_cur_left(c) : pkt->len;
				pkt->payload = c->p;
			}
			return r;
		}
		nhoff = (unsigned)(ext - ip);
	}
}

/* ---- link encapsulations and tunnels (docs/outcomes.md#tunnels) ---- */

/* A header of `need` bytes could not be read: the sender's fault (`why`)
 * when fewer were on the wire, else the capture's. */
static int
cut(uint32_t wireleft, uint32_t need, const char *why, struct tv_pkt *pkt)
{
	if (wireleft < need) {
		set_malformed(pkt, why);
		return skip(pkt, TV_SKIP_MALFORMED);
	}
	pkt->truncated = 1;
	return skip(pkt, TV_SKIP_TRUNCATED);
}

/* Into one more tunnel: the outermost is kept (its IP endpoints are the
 * packet's addresses now), the rest counted.  0, or the skip. */
static int
tunnel_enter(struct tv_pkt *pkt, uint8_t kind, int has_key, uint32_t key)
{
	if (pkt->tun.depth >= TV_TUN_MAX_DEPTH)
		return skip(pkt, TV_SKIP_TUNNEL_DEPTH);
	if (pkt->tun.depth == 0) {
		pkt->tun.kind = kind;
		pkt->tun.has_key = (uint8_t)(has_key != 0);
		pkt->tun.key = key;
		pkt->tun.src = pkt->src;
		pkt->tun.dst = pkt->dst;
	}
	pkt->tun.depth++;
	pkt->has_ipid = 0;	/* the inner header's, if IPv4 */
	pkt->ipid = 0;
	return 0;
}

static int decode_ethertype(struct tv_cur *c, uint16_t type, uint32_t wireleft,
    struct tv_pkt *pkt);
static int decode_pbb(struct tv_cur *c, uint32_t wireleft, struct tv_pkt *pkt);

/* An MPLS label stack (RFC 3032) to its bottom entry, then IPv4 or IPv6
 * told by the first nibble (RFC 4385 reserves 0 and 1 for pseudowires'
 * control words, which are not read). */
static int
decode_mpls(struct tv_cur *c, uint32_t wireleft, struct tv_pkt *pkt)
{
	uint32_t e;
	int i;

	for (i = 0;; i++) {
		if (i >= MAX_MPLS_LABELS) {
			set_malformed(pkt, "mpls label stack deeper than 16");
			return skip(pkt, TV_SKIP_MALFORMED);
		}
		if (!tv_cur_has(c, 4))
			return cut(wireleft, 4, "mpls label stack past packet", pkt);
		e = tv_cur_be32(c);
		wireleft -= 4;
		if (e & 0x100)		/* bottom of stack */
			break;
	}
	pkt->tun.via |= TV_VIA_MPLS;
	if (!tv_cur_has(c, 1))
		return cut(wireleft, 1, "mpls packet empty", pkt);
	switch (c->p[0] >> 4) {
	case 4:
		return decode_ipv4(c, wireleft, pkt);
	case 6:
		return decode_ipv6(c, wireleft, pkt);
	}
	return skip(pkt, TV_SKIP_NOT_IP);
}

/* A PPP protocol number (RFC 1661; IPv4 RFC 1332, IPv6 RFC 5072, MPLS RFC 3032). */
static int
decode_ppp_proto(struct tv_cur *c, uint16_t proto, uint32_t wireleft,
    struct tv_pkt *pkt)
{
	pkt->tun.via |= TV_VIA_PPP;
	switch (proto) {
	case 0x0021:
		return decode_ipv4(c, wireleft, pkt);
	case 0x0057:
		return decode_ipv6(c, wireleft, pkt);
	case 0x0281:
		return decode_mpls(c, wireleft, pkt);
	}
	return skip(pkt, TV_SKIP_NOT_IP);
}

/* A PPP frame: the HDLC address and control (0xff 0x03, RFC 1662) if
 * there, then the protocol, one byte when compressed (RFC 1661 §6.5: an
 * odd first byte). */
static int
decode_ppp_frame(struct tv_cur *c, uint32_t wireleft, struct tv_pkt *pkt)
{
	uint16_t proto;

	if (tv_cur_has(c, 1) && c->p[0] == 0xff) {	/* no protocol is 0xff.. */
		if (!tv_cur_has(c, 2))
			return cut(wireleft, 2, "ppp frame without protocol", pkt);
		if (c->p[1] != 0x03)
			return skip(pkt, TV_SKIP_NOT_IP);
		tv_cur_skip(c, 2);
		wireleft -= 2;
	}
	if (!tv_cur_has(c, 1))
		return cut(wireleft, 1, "ppp frame without protocol", pkt);
	if (c->p[0] & 1) {
		proto = tv_cur_u8(c);
		wireleft -= 1;
	} else {
		if (!tv_cur_has(c, 2))
			return cut(wireleft, 2, "ppp frame without protocol", pkt);
		proto = tv_cur_be16(c);
		wireleft -= 2;
	}
	return decode_ppp_proto(c, proto, wireleft, pkt);
}

/* DLT_PPP and DLT_PPP_SERIAL; the latter may hold Cisco HDLC instead
 * (address 0x0f or 0x8f, control 0, an Ethernet type), as tcpdump reads it. */
static int
decode_ppp_link(struct tv_cur *c, uint32_t wireleft, int link, struct tv_pkt *pkt)
{
	uint16_t type;

	if (link == TV_LINK_PPP_SERIAL && tv_cur_has(c, 1) &&
	    (c->p[0] == 0x0f || c->p[0] == 0x8f)) {
		if (!tv_cur_has(c, 4))
			return cut(wireleft, 4, "cisco hdlc header past packet", pkt);
		tv_cur_skip(c, 2);
		type = tv_cur_be16(c);
		return decode_ethertype(c, type, wireleft - 4, pkt);
	}
	return decode_ppp_frame(c, wireleft, pkt);
}

/* PPPoE session stage (RFC 2516 §5: version 1, type 1, code 0), then PPP. */
static int
decode_pppoe(struct tv_cur *c, uint32_t wireleft, struct tv_pkt *pkt)
{
	uint8_t vt, code;
	uint16_t len, proto;

	if (!tv_cur_has(c, 8))
		return cut(wireleft, 8, "pppoe header past packet", pkt);
	vt = tv_cur_u8(c);
	code = tv_cur_u8(c);
	tv_cur_skip(c, 2);		/* session id */
	len = tv_cur_be16(c);
	proto = tv_cur_be16(c);
	if (vt != 0x11) {
		set_malformed(pkt, "pppoe version/type not 1/1");
		return skip(pkt, TV_SKIP_MALFORMED);
	}
	if (code != 0)
		return skip(pkt, TV_SKIP_NOT_IP);
	pkt->tun.via |= TV_VIA_PPPOE;
	/* the length is not used to cut: the IP header's is (a reassembled
	 * datagram keeps its first fragment's PPPoE header) */
	if ((uint32_t)len + 6 > wireleft)
		set_malformed(pkt, "pppoe length beyond frame");
	return decode_ppp_proto(c, proto, wireleft - 8, pkt);
}

/*
 * MACsec (IEEE 802.1AE): the SecTAG (TCI/AN, short length, packet
 * number, the SCI when its bit is set).  An encrypted payload (E bit)
 * cannot be read; an integrity-only one is the frame's type and data
 * with the 16-byte ICV at the end.
 */
static int
decode_macsec(struct tv_cur *c, uint32_t wireleft, struct tv_pkt *pkt)
{
	uint8_t tci;
	uint32_t hlen, icv = pkt->rebuilt ? 0 : 16;	/* a rebuilt datagram has none */
	uint16_t type;

	if (!tv_cur_has(c, 6))
		return cut(wireleft, 6, "macsec tag past packet", pkt);
	tci = c->p[0];
	if (tci & 0x80) {
		set_malformed(pkt, "macsec tag version not 0");
		return skip(pkt, TV_SKIP_MALFORMED);
	}
	if (tci & 0x08)
		return skip(pkt, TV_SKIP_ENCRYPTED);
	hlen = (tci & 0x20) ? 14 : 6;
	if (!tv_cur_has(c, hlen + 2))
		return cut(wireleft, hlen + 2 + icv, "macsec tag past packet", pkt);
	tv_cur_skip(c, hlen);
	type = tv_cur_be16(c);
	if (wireleft < hlen + 2 + icv) {
		set_malformed(pkt, "macsec frame shorter than its ICV");
		return skip(pkt, TV_SKIP_MALFORMED);
	}
	if (type == ETHERTYPE_MACSEC) {
		set_malformed(pkt, "macsec inside macsec");
		return skip(pkt, TV_SKIP_MALFORMED);
	}
	pkt->tun.via |= TV_VIA_MACSEC;
	return decode_ethertype(c, type, wireleft - hlen - 2 - icv, pkt);
}

/* An 802.3 length frame: LLC with SNAP (RFC 1042: DSAP and SSAP 0xaa,
 * UI, OUI 0 or 802.1H's 00-00-f8) carries an Ethernet type; other LLC
 * frames (spanning tree, NetBIOS ...) are not IP. */
static int
decode_llc(struct tv_cur *c, uint32_t wireleft, uint16_t via, struct tv_pkt *pkt)
{
	uint8_t oui[3];
	uint16_t type;

	if (!tv_cur_has(c, 2))
		return cut(wireleft, 2, "llc header past packet", pkt);
	if (c->p[0] != 0xaa || c->p[1] != 0xaa)
		return skip(pkt, TV_SKIP_NOT_IP);
	if (!tv_cur_has(c, 8))
		return cut(wireleft, 8, "snap header past packet", pkt);
	tv_cur_skip(c, 2);
	if (tv_cur_u8(c) != 0x03)
		return skip(pkt, TV_SKIP_NOT_IP);
	tv_cur_copy(c, oui, 3);
	type = tv_cur_be16(c);
	if (oui[0] != 0 || oui[1] != 0 || (oui[2] != 0 && oui[2] != 0xf8))
		return skip(pkt, TV_SKIP_NOT_IP);
	if (via == TV_VIA_FDDI)		/* -e: the link's own MACs and SNAP's type */
		pkt->ethertype = type;
	pkt->tun.via |= via;
	return decode_ethertype(c, type, wireleft - 8, pkt);
}

static int decode_ether(struct tv_cur *c, uint32_t wireleft, int outer,
    struct tv_pkt *pkt);

/*
 * IEEE 802.1ah provider backbone bridging (Ethernet type 0x88e7, after
 * the backbone's B-TAG, 0x88a8, when there): the I-TAG (priority, DEI,
 * UCA, reserved, the 24-bit I-SID), then the customer's Ethernet header
 * (with its own tags) and frame.  802.1ah inside 802.1ah is refused, so
 * no frame recurses deeper.
 */
static int
decode_pbb(struct tv_cur *c, uint32_t wireleft, struct tv_pkt *pkt)
{
	if (pkt->tun.via & TV_VIA_PBB) {
		set_malformed(pkt, "802.1ah inside 802.1ah");
		return skip(pkt, TV_SKIP_MALFORMED);
	}
	if (wireleft < 4 || !tv_cur_has(c, 4))
		return cut(wireleft, 4, "802.1ah i-tag past frame", pkt);
	tv_cur_skip(c, 4);
	pkt->tun.via |= TV_VIA_PBB;
	return decode_ether(c, wireleft - 4, 0, pkt);
}

/*
 * Cisco FabricPath (Ethernet type 0x8903): after the outer (hierarchical)
 * MACs and the type, the 10-bit FTag and 6-bit TTL; then the whole inner
 * Ethernet frame, as Wireshark's packet-cisco-fp-mim.c reads its 16-byte
 * header.  FabricPath inside FabricPath is refused.
 */
static int
decode_fabricpath(struct tv_cur *c, uint32_t wireleft, struct tv_pkt *pkt)
{
	if (pkt->tun.via & TV_VIA_FABRICPATH) {
		set_malformed(pkt, "fabricpath inside fabricpath");
		return skip(pkt, TV_SKIP_MALFORMED);
	}
	if (wireleft < 2 || !tv_cur_has(c, 2))
		return cut(wireleft, 2, "fabricpath header past frame", pkt);
	tv_cur_skip(c, 2);		/* FTag, TTL */
	pkt->tun.via |= TV_VIA_FABRICPATH;
	return decode_ether(c, wireleft - 2, 0, pkt);
}

static int
decode_ethertype(struct tv_cur *c, uint16_t type, uint32_t wireleft,
    struct tv_pkt *pkt)
{
	switch (type) {
	case ETHERTYPE_IP:
		return decode_ipv4(c, wireleft, pkt);
	case ETHERTYPE_IPV6:
		return decode_ipv6(c, wireleft, pkt);
	case ETHERTYPE_MPLS:
	case ETHERTYPE_MPLS_MC:
		return decode_mpls(c, wireleft, pkt);
	case ETHERTYPE_PPPOE:
		return decode_pppoe(c, wireleft, pkt);
	case ETHERTYPE_MACSEC:
		return decode_macsec(c, wireleft, pkt);
	case ETHERTYPE_PBB:
		return decode_pbb(c, wireleft, pkt);
	case ETHERTYPE_DCE:
		return decode_fabricpath(c, wireleft, pkt);
	}
	return skip(pkt, TV_SKIP_NOT_IP);
}

/*
 * An Ethernet frame: the capture's own link (outer: MACs, VLAN ids and
 * type kept for -e) or one inside a tunnel (read past).  802.1Q and
 * 802.1ad tags, an 802.3 length with LLC/SNAP.
 */
static int
decode_ether(struct tv_cur *c, uint32_t wireleft, int outer, struct tv_pkt *pkt)
{
	const uint8_t *h;
	uint16_t type;
	uint32_t hdr;
	int tags;

	if ((h = tv_cur_take(c, 14)) == NULL) {
		if (!outer)
			return cut(wireleft, 14,
			    "inner frame shorter than an Ethernet header", pkt);
		pkt->truncated = 1;
		return skip(pkt, TV_SKIP_TRUNCATED);
	}
	if (outer) {
		memcpy(pkt->mac_dst, h, 6);
		memcpy(pkt->mac_src, h + 6, 6);
		pkt->has_mac = 1;
	}
	type = tv_be16(h + 12);
	for (tags = 0; (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ ||
	    type == ETHERTYPE_QINQ_OLD) && tags < MAX_VLAN_TAGS; tags++) {
		uint16_t tci = tv_cur_be16(c);	/* PCP, DEI, VLAN id */

		if (outer && tags < 2)
			pkt->vlan[tags] = tci & 0x0fff;
		type = tv_cur_be16(c);
	}
	if (outer) {
		pkt->nvlan = (uint8_t)(tags < 2 ? tags : 2);
		pkt->ethertype = type;
	}
	hdr = 14 + 4 * (uint32_t)tags;
	if (c->err) {
		if (!outer)
			return cut(wireleft, hdr,
			    "inner frame shorter than its VLAN tags", pkt);
		pkt->truncated = 1;
		return skip(pkt, TV_SKIP_TRUNCATED);
	}
	if (type <= 1500)	/* IEEE 802.3 length */
		return decode_llc(c, wireleft - hdr, TV_VIA_LLC, pkt);
	return decode_ethertype(c, type, wireleft - hdr, pkt);
}

/*
 * FDDI (LINKTYPE_FDDI; ANSI X3.139): frame control, destination and
 * source MACs (kept for -e as captured), then 802.2 LLC with SNAP.  Only
 * LLC frames carry IP: frame control x101 0ppp (48-bit addresses, LLC
 * format, asynchronous or synchronous), as tcpdump's print-fddi.c reads
 * them; SMT, MAC and token frames are not IP.
 */
static int
decode_fddi(struct tv_cur *c, uint32_t wireleft, struct tv_pkt *pkt)
{
	uint8_t fc;

	if (!tv_cur_has(c, 13)) {
		pkt->truncated = 1;
		return skip(pkt, TV_SKIP_TRUNCATED);
	}
	fc = tv_cur_u8(c);
	tv_cur_copy(c, pkt->mac_dst, 6);
	tv_cur_copy(c, pkt->mac_src, 6);
	pkt->has_mac = 1;
	if ((fc & 0x70) != 0x50)
		return skip(pkt, TV_SKIP_NOT_IP);
	return decode_llc(c, wireleft - 13, TV_VIA_FDDI, pkt);
}

/*
 * Linux NFLOG (LINKTYPE_NFLOG; libpcap's pcap/nflog.h): family, version
 * 0, resource id (the group), then netlink attributes, each a length
 * (counting its own 4-byte header; the next begins at it rounded up to
 * 4) and a type (the low 14 bits: netlink's NLA_TYPE_MASK), both in the
 * capturing host's byte order, read as little-endian.  NFULA_PAYLOAD
 * (9) holds the packet, IPv4 or IPv6 by the family (AF_INET 2, AF_INET6
 * 10).  At most 64 attributes are walked.
 */
static int
decode_nflog(struct tv_cur *c, uint32_t wireleft, struct tv_pkt *pkt)
{
	uint8_t fam;
	uint32_t tl, type, step;
	struct tv_cur in;
	int i;

	if (!tv_cur_has(c, 4)) {
		pkt->truncated = 1;
		return skip(pkt, TV_SKIP_TRUNCATED);
	}
	fam = tv_cur_u8(c);
	if (tv_cur_u8(c) != 0) {
		set_malformed(pkt, "nflog version not 0");
		return skip(pkt, TV_SKIP_MALFORMED);
	}
	tv_cur_skip(c, 2);
	wireleft -= 4;
	for (i = 0; wireleft > 0; i++) {
		if (i >= MAX_NFLOG_TLV) {
			set_malformed(pkt, "nflog attributes more than 64");
			return skip(pkt, TV_SKIP_MALFORMED);
		}
		if (wireleft < 4 || !tv_cur_has(c, 4))
			return cut(wireleft, 4, "nflog attribute past frame", pkt);
		tl = tv_cur_le16(c);
		type = tv_cur_le16(c) & 0x3fffu;
		if (tl < 4) {
			set_malformed(pkt, "nflog attribute length < 4");
			return skip(pkt, TV_SKIP_MALFORMED);
		}
		if (tl > wireleft) {
			set_malformed(pkt, "nflog attribute past frame");
			return skip(pkt, TV_SKIP_MALFORMED);
		}
		if (type == 9) {	/* NFULA_PAYLOAD */
			in = tv_cur_sub(c, tl - 4);
			pkt->tun.via |= TV_VIA_NFLOG;
			if (fam == 2)
				return decode_ipv4(&in, tl - 4, pkt);
			if (fam == 10)
				return decode_ipv6(&in, tl - 4, pkt);
			return skip(pkt, TV_SKIP_NOT_IP);
		}
		/* the last attribute's padding may be left off */
		step = (tl + 3) & ~3u;
		if (step > wireleft)
			step = wireleft;
		if (tv_cur_skip(c, step - 4) < 0) {
			pkt->truncated = 1;
			return skip(pkt, TV_SKIP_TRUNCATED);
		}
		wireleft -= step;
	}
	return skip(pkt, TV_SKIP_NOT_IP);	/* no packet logged */
}

/*
 * IP over InfiniBand (LINKTYPE_IPOIB): 40 bytes of addressing (Linux's:
 * 20 zero bytes and the destination's 20-byte hardware address; or a
 * Global Route Header), then RFC 4391 §6's encapsulation header, an
 * Ethernet type and 16 reserved bits: the type at offset 40, as
 * Wireshark's packet-ipoib.c (WTAP_ENCAP_IP_OVER_IB_PCAP) and tcpdump's
 * print-ipoib.c read it.  IPv4 and IPv6 are read; ARP is not IP.
 */
static int
decode_ipoib(struct tv_cur *c, uint32_t wireleft, struct tv_pkt *pkt)
{
	uint16_t type;

	if (!tv_cur_has(c, 44)) {
		pkt->truncated = 1;
		return skip(pkt, TV_SKIP_TRUNCATED);
	}
	tv_cur_skip(c, 40);
	type = tv_cur_be16(c);
	tv_cur_skip(c, 2);
	if (type != ETHERTYPE_IP && type != ETHERTYPE_IPV6)
		return skip(pkt, TV_SKIP_NOT_IP);
	pkt->tun.via |= TV_VIA_IPOIB;
	return decode_ethertype(c, type, wireleft - 44, pkt);
}

/*
 * Radiotap (radiotap.org: version 0, its length, little-endian) and the
 * 802.11 frame after it (IEEE 802.11-2020 §9.2): a data frame's header
 * (three or, from a distribution system to another, four addresses; QoS
 * control; HT control with the Order bit), then LLC/SNAP.  Protected
 * frames cannot be read; management, control and null frames, A-MSDUs
 * and fragments are not IP to tcpviz.  A trailing FCS is beyond the IP
 * length and left there.
 */
static int
decode_radiotap(struct tv_cur *c, uint32_t wireleft, struct tv_pkt *pkt)
{
	uint16_t rtlen, fc, seqctl;
	uint32_t hlen;
	int qos;

	if (!tv_cur_has(c, 4))
		return cut(wireleft, 4, "radiotap header past frame", pkt);
	if (c->p[0] != 0) {
		set_malformed(pkt, "radiotap version not 0");
		return skip(pkt, TV_SKIP_MALFORMED);
	}
	tv_cur_skip(c, 2);
	rtlen = tv_cur_le16(c);
	if (rtlen < 8 || rtlen > wireleft) {
		set_malformed(pkt, "radiotap length outside the frame");
		return skip(pkt, TV_SKIP_MALFORMED);
	}
	if (tv_cur_skip(c, rtlen - 4u) < 0)
		return cut(wireleft, rtlen, "radiotap header past frame", pkt);
	wireleft -= rtlen;
	if (!tv_cur_has(c, 2))
		return cut(wireleft, 2, "802.11 header past frame", pkt);
	fc = tv_cur_le16(c);
	/* protocol version 0, type 2 (data); subtype bit 2: no data */
	if ((fc & 0x3) != 0 || ((fc >> 2) & 0x3) != 2 || (fc & 0x40))
		return skip(pkt, TV_SKIP_NOT_IP);
	qos = (fc & 0x80) != 0;
	hlen = 24 + ((fc & 0x0300) == 0x0300 ? 6 : 0) + (qos ? 2 : 0) +
	    (qos && (fc & 0x8000) ? 4 : 0);
	if (!tv_cur_has(c, hlen - 2))
		return cut(wireleft, hlen, "802.11 header past frame", pkt);
	tv_cur_skip(c, 20);	/* duration, three addresses */
	seqctl = tv_cur_le16(c);
	if ((fc & 0x0300) == 0x0300)
		tv_cur_skip(c, 6);
	if (fc & 0x4000)	/* protected */
		return skip(pkt, TV_SKIP_WIFI_ENCRYPTED);
	if ((fc & 0x0400) || (seqctl & 0x000f))	/* a fragment */
		return skip(pkt, TV_SKIP_NOT_IP);
	if (qos) {
		if (tv_cur_u8(c) & 0x80)	/* an A-MSDU */
			return skip(pkt, TV_SKIP_NOT_IP);
		tv_cur_skip(c, 1 + ((fc & 0x8000) ? 4u : 0u));	/* HT control */
	}
	return decode_llc(c, wireleft - hlen, TV_VIA_WIFI, pkt);
}

/* ERSPAN (draft-foschiano-erspan): type I none (GRE without a sequence
 * number), type II 8 bytes (version 1), type III 12 (version 2, plus 8
 * of platform data when its O bit is set); then the mirrored frame.  The
 * session id stands for the tunnel's key. */
static int
decode_erspan(struct tv_cur *c, uint32_t wireleft, int type3, int has_seq,
    int outer, struct tv_pkt *pkt)
{
	uint32_t hlen = type3 ? 12 : has_seq ? 8 : 0;
	uint16_t w0, w1, w5 = 0;

	if (outer)
		pkt->tun.kind = TV_TUN_ERSPAN;
	if (hlen == 0)
		return decode_ether(c, wireleft, 0, pkt);
	if (!tv_cur_has(c, hlen))
		return cut(wireleft, hlen, "erspan header past packet", pkt);
	w0 = tv_cur_be16(c);
	w1 = tv_cur_be16(c);
	tv_cur_skip(c, type3 ? 6 : 4);
	if (type3)
		w5 = tv_cur_be16(c);
	if ((w0 >> 12) != (type3 ? 2 : 1)) {
		set_malformed(pkt, type3 ? "erspan type III version not 2" :
		    "erspan type II version not 1");
		return skip(pkt, TV_SKIP_MALFORMED);
	}
	if (type3 && (w5 & 1)) {	/* O: a platform-specific subheader */
		if (!tv_cur_has(c, 8))
			return cut(wireleft, hlen + 8, "erspan header past packet", pkt);
		tv_cur_skip(c, 8);
		hlen += 8;
	}
	if (outer) {
		pkt->tun.has_key = 1;
		pkt->tun.key = w1 & 0x3ff;
	}
	return decode_ether(c, wireleft - hlen, 0, pkt);
}

/*
 * GRE (RFC 2784; key and sequence number RFC 2890), over IP or over UDP
 * (RFC 8086); version 1 is PPTP's (RFC 2637: key with payload length and
 * call id, optional acknowledgement, PPP inside).  seglen: the bytes the
 * IP (UDP) header says follow.
 */
static int
decode_gre(struct tv_cur *c, uint32_t seglen, int udp, struct tv_pkt *pkt)
{
	int outer = pkt->tun.depth == 0, r;
	uint8_t f, v;
	uint16_t type;
	uint32_t hlen, key = 0;

	if (!tv_cur_has(c, 4))
		return cut(seglen, 4, "gre header past packet", pkt);
	f = tv_cur_u8(c);
	v = tv_cur_u8(c);
	type = tv_cur_be16(c);
	/* over UDP (port 4754), a header that is not GRE's: no GRE at all,
	 * the datagram stays a UDP one, as with the other UDP tunnels */
	if ((v & 7) > 1) {
		if (udp)
			return -1;
		set_malformed(pkt, "gre version not 0 or 1");
		return skip(pkt, TV_SKIP_MALFORMED);
	}
	if ((v & 7) == 1) {
		if (!(f & 0x20) || (f & 0xc0) || type != ETHERTYPE_PPP) {
			if (udp)
				return -1;
			set_malformed(pkt, "gre version 1 without key or PPP");
			return skip(pkt, TV_SKIP_MALFORMED);
		}
		hlen = 8 + ((f & 0x10) ? 4 : 0) + ((v & 0x80) ? 4 : 0);
	} else {
		/* RFC 2784 §2.3: bits 1-5 (RFC 1701's routing, strict source
		 * route, recursion) must be 0 to a receiver of this RFC */
		if (f & 0x4c) {
			if (udp)
				return -1;
			set_malformed(pkt, "gre reserved flags set");
			return skip(pkt, TV_SKIP_MALFORMED);
		}
		hlen = 4 + ((f & 0x80) ? 4 : 0) + ((f & 0x20) ? 4 : 0) +
		    ((f & 0x10) ? 4 : 0);
	}
	if (seglen < hlen) {
		set_malformed(pkt, "gre header past packet");
		return skip(pkt, TV_SKIP_MALFORMED);
	}
	if (!tv_cur_has(c, hlen - 4))
		return cut(seglen, hlen, "gre header past packet", pkt);
	if ((v & 7) == 0 && (f & 0x80))
		tv_cur_skip(c, 4);	/* checksum, reserved */
	if (f & 0x20)
		key = tv_cur_be32(c);
	if (f & 0x10)
		tv_cur_skip(c, 4);	/* sequence number */
	if ((v & 7) == 1) {
		if (v & 0x80)
			tv_cur_skip(c, 4);	/* acknowledgement number */
		key &= 0xffff;		/* the call id */
		if (seglen == hlen)	/* an acknowledgement alone (RFC 2637 §4.4) */
			return skip(pkt, TV_SKIP_NOT_IP);
	}
	if ((r = tunnel_enter(pkt, (v & 7) == 1 ? TV_TUN_PPTP : udp ?
	    TV_TUN_GRE_UDP : TV_TUN_GRE, (f & 0x20) != 0, key)) != 0)
		return r;
	seglen -= hlen;
	switch (type) {
	case ETHERTYPE_TEB:
		return decode_ether(c, seglen, 0, pkt);
	case ETHERTYPE_ERSPAN2:
		return decode_erspan(c, seglen, 0, (f & 0x10) != 0, outer && !udp, pkt);
	case ETHERTYPE_ERSPAN3:
		return decode_erspan(c, seglen, 1, 1, outer && !udp, pkt);
	case ETHERTYPE_PPP:
		return decode_ppp_frame(c, seglen, pkt);
	}
	return decode_ethertype(c, type, seglen, pkt);
}

/*
 * PIM register (RFC 7761 §4.9.3, IP protocol 103): version 2, type 1,
 * reserved, the checksum (of these 8 bytes only; not verified), the B
 * and N bits; then the data packet the DR sends its RP, IPv4 or IPv6.
 * A null register (N set: a dummy header, no data) and the other PIM
 * messages carry no flow: another protocol.  The outer IPs are the
 * tunnel's endpoints.
 */
static int
decode_pim(struct tv_cur *c, uint32_t seglen, struct tv_pkt *pkt)
{
	uint32_t flags, need = 0;
	int r;

	if (seglen < 1 || !tv_cur_has(c, 1))
		return cut(seglen, 1, "pim header past packet", pkt);
	if (c->p[0] != 0x21)
		return skip(pkt, TV_SKIP_OTHER_PROTO);
	if (seglen < 8 || !tv_cur_has(c, 8))
		return cut(seglen, 8, "pim register header past packet", pkt);
	tv_cur_skip(c, 4);
	flags = tv_cur_be32(c);
	if (flags & 0x40000000u)
		return skip(pkt, TV_SKIP_OTHER_PROTO);
	if ((r = tunnel_enter(pkt, TV_TUN_PIM, 0, 0)) != 0)
		return r;
	seglen -= 8;
	if (tv_cur_has(c, 1))
		need = (c->p[0] >> 4) == 4 ? 20 : (c->p[0] >> 4) == 6 ? 40 : 0;
	if (seglen < need) {
		set_malformed(pkt, "pim register inner header past packet");
		return skip(pkt, TV_SKIP_MALFORMED);
	}
	return decode_bare_ip(c, seglen, pkt);
}

/* VXLAN (RFC 7348 §5): flags with I set, VNI, then an Ethernet frame.
 * -1: not a VXLAN header. */
static int
decode_vxlan(struct tv_cur *c, uint32_t len, struct tv_pkt *pkt)
{
	uint8_t flags;
	uint32_t vni;
	int r;

	if (!tv_cur_has(c, 8))
		return -1;
	flags = tv_cur_u8(c);
	tv_cur_skip(c, 3);
	vni = tv_cur_be32(c) >> 8;
	if (!(flags & 0x08))
		return -1;
	if ((r = tunnel_enter(pkt, TV_TUN_VXLAN, 1, vni)) != 0)
		return r;
	return decode_ether(c, len - 8, 0, pkt);
}

/* Geneve (RFC 8926 §3.4): version 0, options, a protocol type (an
 * Ethernet frame, IPv4 or IPv6 here).  -1: not one read. */
static int
decode_geneve(struct tv_cur *c, uint32_t len, struct tv_pkt *pkt)
{
	uint8_t b0;
	uint16_t type;
	uint32_t vni, optlen;
	int r;

	if (!tv_cur_has(c, 8))
		return -1;
	b0 = tv_cur_u8(c);
	tv_cur_skip(c, 1);
	type = tv_cur_be16(c);
	vni = tv_cur_be32(c) >> 8;
	optlen = (b0 & 0x3fu) * 4;
	if ((b0 >> 6) != 0 || len - 8 < optlen || tv_cur_skip(c, optlen) < 0)
		return -1;
	if (type != ETHERTYPE_TEB && type != ETHERTYPE_IP && type != ETHERTYPE_IPV6)
		return -1;
	if ((r = tunnel_enter(pkt, TV_TUN_GENEVE, 1, vni)) != 0)
		return r;
	if (type == ETHERTYPE_TEB)
		return decode_ether(c, len - 8 - optlen, 0, pkt);
	return decode_ethertype(c, type, len - 8 - optlen, pkt);
}

/* GTP-U (3GPP TS 29.281 §5): version 1, protocol type GTP, a G-PDU
 * (type 255); the optional fields and extension headers; then IPv4 or
 * IPv6.  The TEID is kept, not keyed (each direction has its own). */
static int
decode_gtpu(struct tv_cur *c, uint32_t len, struct tv_pkt *pkt)
{
	uint8_t b0, mt, next;
	uint16_t glen;
	uint32_t teid, hl = 8, l;
	struct tv_cur in;
	int i, r;

	if (!tv_cur_has(c, 8))
		return -1;
	b0 = tv_cur_u8(c);
	mt = tv_cur_u8(c);
	glen = tv_cur_be16(c);
	teid = tv_cur_be32(c);
	if ((b0 >> 5) != 1 || !(b0 & 0x10) || mt != 255)
		return -1;
	if (b0 & 0x07) {	/* E, S, PN: sequence, N-PDU, next extension */
		if (!tv_cur_has(c, 4))
			return -1;
		tv_cur_skip(c, 3);
		next = tv_cur_u8(c);
		hl += 4;
		for (i = 0; next != 0; i++) {
			/* a length in 4-byte units, its contents, the next type */
			if (i >= MAX_GTP_EXT || !tv_cur_has(c, 1) || c->p[0] == 0)
				return -1;
			l = c->p[0] * 4u;
			if (tv_cur_skip(c, l - 1) < 0)
				return -1;
			next = tv_cur_u8(c);
			hl += l;
		}
	}
	if (len < hl || glen < hl - 8)
		return -1;
	l = len - hl < glen - (hl - 8) ? len - hl : glen - (hl - 8);
	if ((r = tunnel_enter(pkt, TV_TUN_GTPU, 1, teid)) != 0)
		return r;
	in = tv_cur_sub(c, l);
	return decode_bare_ip(&in, l, pkt);
}

/*
 * Teredo (RFC 4380 §5.1.1): an IPv6 packet, after an authentication
 * indicator (0x0001, lengths, client id, value, nonce, confirmation)
 * and an origin indication (0x0000, port, address) when there.  Only a
 * packet that fills the datagram exactly (its payload length and 40) is
 * taken: -1 for anything else.
 */
static int
decode_teredo(struct tv_cur *c, uint32_t len, struct tv_pkt *pkt)
{
	uint32_t idl, al;
	int r;

	if (tv_cur_has(c, 2) && c->p[0] == 0 && c->p[1] == 1) {
		if (!tv_cur_has(c, 4))
			return -1;
		idl = c->p[2];
		al = c->p[3];
		if (tv_cur_skip(c, 4 + idl + al + 9) < 0 || len < 13 + idl + al)
			return -1;
		len -= 13 + idl + al;
	}
	if (tv_cur_has(c, 2) && c->p[0] == 0 && c->p[1] == 0) {
		if (tv_cur_skip(c, 8) < 0 || len < 8)
			return -1;
		len -= 8;
	}
	if (!tv_cur_has(c, 6) || (c->p[0] >> 4) != 6 || len < 40 ||
	    (uint32_t)(c->p[4] << 8 | c->p[5]) + 40 != len)
		return -1;
	if ((r = tunnel_enter(pkt, TV_TUN_TEREDO, 0, 0)) != 0)
		return r;
	return decode_ipv6(c, len, pkt);
}

/*
 * AYIYA (draft-massar-v6ops-ayiya §5, as Wireshark's packet-ayiya.c reads
 * it): identity length (2^IDLen bytes) and type, signature length (in
 * 4-byte words) and hash method, authentication method and opcode, the
 * next header; the epoch time; the identity; the signature.  Then, in a
 * Forward (opcode 1) naming IPv4 (4) or IPv6 (41), that packet, whose
 * version must agree.  -1: not one read (a heartbeat, a query ...).
 */
static int
decode_ayiya(struct tv_cur *c, uint32_t len, struct tv_pkt *pkt)
{
	uint32_t hl;
	uint8_t nh;
	int r;

	if (!tv_cur_has(c, 8))
		return -1;
	hl = 8 + (1u << (c->p[0] >> 4)) + (c->p[1] >> 4) * 4u;
	nh = c->p[3];
	if ((c->p[2] & 0x0f) != 1 || (nh != IPPROTO_IPIP_ && nh != IPPROTO_IPV6_))
		return -1;
	if (len < hl || tv_cur_skip(c, hl) < 0 || !tv_cur_has(c, 1) ||
	    (c->p[0] >> 4) != (nh == IPPROTO_IPIP_ ? 4 : 6))
		return -1;
	if ((r = tunnel_enter(pkt, TV_TUN_AYIYA, 0, 0)) != 0)
		return r;
	if (nh == IPPROTO_IPIP_)
		return decode_ipv4(c, len - hl, pkt);
	return decode_ipv6(c, len - hl, pkt);
}

/*
 * A UDP datagram to a tunnel's well-known port (the destination; Teredo's
 * either way): the
 * packet inside it, when it decodes, else -1 and the datagram stays an
 * ordinary UDP packet (a damaged inner frame's reason as its note).  An
 * inner packet that decodes to something not drawn (ICMP, another
 * protocol, a fragment, too deep) is skipped for that.
 */
static int
udp_tunnel(struct tv_pkt *pkt)
{
	struct tv_pkt save;
	struct tv_cur t;
	const char *why;
	int r;

	switch (pkt->dport) {
	case UDP_PORT_VXLAN: case UDP_PORT_GENEVE: case UDP_PORT_GTPU:
	case UDP_PORT_GRE: case UDP_PORT_TEREDO: case UDP_PORT_AYIYA:
		break;
	default:
		/* a Teredo server's or relay's answers go to the client's
		 * port: its own is the source; so do an AYIYA PoP's */
		if (pkt->sport != UDP_PORT_TEREDO && pkt->sport != UDP_PORT_AYIYA)
			return -1;
		break;
	}
	if (pkt->malformed != NULL || pkt->paycap == 0)
		return -1;
	save = *pkt;
	tv_cur_init(&t, pkt->payload, pkt->paycap);
	switch (pkt->dport) {
	case UDP_PORT_VXLAN:
		r = decode_vxlan(&t, pkt->len, pkt);
		break;
	case UDP_PORT_GENEVE:
		r = decode_geneve(&t, pkt->len, pkt);
		break;
	case UDP_PORT_GTPU:
		r = decode_gtpu(&t, pkt->len, pkt);
		break;
	case UDP_PORT_GRE:
		r = decode_gre(&t, pkt->len, 1, pkt);
		break;
	case UDP_PORT_AYIYA:
		r = decode_ayiya(&t, pkt->len, pkt);
		break;
	default:
		if (pkt->dport != UDP_PORT_TEREDO && pkt->sport == UDP_PORT_AYIYA)
			r = decode_ayiya(&t, pkt->len, pkt);
		else
			r = decode_teredo(&t, pkt->len, pkt);
		break;
	}
	if (r == 0 || r == 2)
		return r;
	if (r == 1) {
		switch (pkt->skip) {
		case TV_SKIP_ICMP: case TV_SKIP_ICMP6: case TV_SKIP_OTHER_PROTO:
		case TV_SKIP_TUNNEL_DEPTH: case TV_SKIP_FRAGMENT:
		case TV_SKIP_ENCRYPTED:
			return r;
		default:
			break;
		}
	}
	why = r == 1 && pkt->skip == TV_SKIP_MALFORMED ? pkt->malformed : NULL;
	*pkt = save;
	if (why != NULL)
		set_malformed(pkt, why);
	return -1;
}

/* IP version from the first nibble, for links that carry bare IP. */
static int
decode_bare_ip(struct tv_cur *c, uint32_t wireleft, struct tv_pkt *pkt)
{
	uint8_t v;

	if (!tv_cur_has(c, 1)) {
		pkt->truncated = 1;
		return skip(pkt, TV_SKIP_TRUNCATED);
	}
	v = c->p[0] >> 4;
	if (v == 4)
		return decode_ipv4(c, wireleft, pkt);
	if (v == 6)
		return decode_ipv6(c, wireleft, pkt);
	return skip(pkt, TV_SKIP_NOT_IP);
}

/* BSD AF_ values for IPv4 and the several for IPv6 (tcpdump's af.h). */
static int
decode_af(struct tv_cur *c, uint32_t af, uint32_t wireleft, struct tv_pkt *pkt)
{
	switch (af) {
	case 2:
		return decode_ipv4(c, wireleft, pkt);
	case 10: case 24: case 28: case 30:
		return decode_ipv6(c, wireleft, pkt);
	}
	return skip(pkt, TV_SKIP_NOT_IP);
}

/*
 * The 4-byte header of DLT_NULL and DLT_LOOP, as Wireshark's packet-null.c
 * reads it: an AF_ value in either byte order (IRIX's in the upper half),
 * or, above 1500 (IEEE 802.3's largest length), an Ethernet type in
 * either byte order (Linux's DLT_NULL, some Windows loopback tools:
 * "0f 00 08 00" is IPv4).  `h` is the header read as little-endian.
 */
static int
decode_null_hdr(struct tv_cur *c, uint32_t h, uint32_t wireleft,
    struct tv_pkt *pkt)
{
	if (h & 0xffff0000u) {
		if ((h & 0xff000000u) == 0 && (h & 0x00ff0000u) < 0x00060000u)
			h >>= 16;
		else
			h = (h >> 24) | ((h >> 8) & 0xff00u) |
			    ((h << 8) & 0xff0000u) | (h << 24);
	} else if ((h & 0xffu) == 0 && (h & 0xff00u) < 0x0600u) {
		h = (h >> 8) & 0xffu;
	}
	if (h > 1500)
		return decode_ethertype(c, (uint16_t)h, wireleft, pkt);
	return decode_af(c, h, wireleft, pkt);
}

int
tv_decode(int link, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
    struct tv_pkt *pkt)
{
	return tv_decode_opts(link, data, caplen, wirelen, 0, pkt);
}

int
tv_decode_opts(int link, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
    unsigned opts, struct tv_pkt *pkt)
{
	struct tv_cur c;
	uint64_t n = pkt->n;
	int64_t sec = pkt->ts_sec;
	uint32_t nsec = pkt->ts_nsec;
	uint16_t type;

	memset(pkt, 0, sizeof(*pkt));
	pkt->n = n;
	pkt->ts_sec = sec;
	pkt->ts_nsec = nsec;
	pkt->caplen = caplen;
	pkt->wirelen = wirelen < caplen ? caplen : wirelen;
	pkt->verify = (opts & TV_DEC_CKSUM) != 0;
	pkt->rebuilt = (opts & TV_DEC_REBUILT) != 0;
	tv_cur_init(&c, data, caplen);

	switch (link) {
	case TV_LINK_ETHERNET:
		return decode_ether(&c, pkt->wirelen, 1, pkt);
	case TV_LINK_PPP:
	case TV_LINK_PPP_SERIAL:
		return decode_ppp_link(&c, pkt->wirelen, link, pkt);
	case TV_LINK_IEEE802_11_RADIO:
		return decode_radiotap(&c, pkt->wirelen, pkt);
	case TV_LINK_FDDI:
		return decode_fddi(&c, pkt->wirelen, pkt);
	case TV_LINK_NFLOG:
		return decode_nflog(&c, pkt->wirelen, pkt);
	case TV_LINK_IPOIB:
		return decode_ipoib(&c, pkt->wirelen, pkt);
	case TV_LINK_LINUX_SLL:
		/* packet type, ARPHRD type, address length, address[8], protocol */
		if (tv_cur_skip(&c, 14) < 0)
			break;
		type = tv_cur_be16(&c);
		if (c.err)
			break;
		return decode_ethertype(&c, type, pkt->wirelen - 16, pkt);
	case TV_LINK_LINUX_SLL2:
		/* protocol, reserved, ifindex, ARPHRD type, packet type, addr len, addr[8] */
		type = tv_cur_be16(&c);
		if (tv_cur_skip(&c, 18) < 0)
			break;
		return decode_ethertype(&c, type, pkt->wirelen - 20, pkt);
	case TV_LINK_NULL:	/* host byte order of the capturing machine */
	case TV_LINK_LOOP: {	/* network byte order; read alike */
		uint32_t h = tv_cur_le32(&c);

		if (c.err)
			break;
		return decode_null_hdr(&c, h, pkt->wirelen - 4, pkt);
	}
	case TV_LINK_RAW:
		return decode_bare_ip(&c, pkt->wirelen, pkt);
	case TV_LINK_IPV4:
		return decode_ipv4(&c, pkt->wirelen, pkt);
	case TV_LINK_IPV6:
		return decode_ipv6(&c, pkt->wirelen, pkt);
	default:
		return skip(pkt, TV_SKIP_NOT_IP);
	}
	pkt->truncated = 1;
	return skip(pkt, TV_SKIP_TRUNCATED);
}

int
tv_decode_tcp(const uint8_t *data, uint32_t len, struct tv_pkt *pkt)
{
	struct tv_cur c;
	uint64_t n = pkt->n;
	int64_t sec = pkt->ts_sec;
	uint32_t nsec = pkt->ts_nsec;

	memset(pkt, 0, sizeof(*pkt));
	pkt->n = n;
	pkt->ts_sec = sec;
	pkt->ts_nsec = nsec;
	pkt->caplen = pkt->wirelen = len;
	tv_cur_init(&c, data, len);
	return decode_tcp(&c, len, pkt);
}

/* tcpdump's print-tcp.c tcp_flag_values[], in its order */
static const struct {
	uint16_t bit;
	char ch;
	uint8_t n;		/* strlen(w): the words are copied on every row, */
	char w[4];		/* four bytes at a time */
} flag_names[] = {
#define FLAG(bit, ch, w) { bit, ch, sizeof(w) - 1, w }
	FLAG(TV_TH_FIN, 'F', "FIN"), FLAG(TV_TH_SYN, 'S', "SYN"),
	FLAG(TV_TH_RST, 'R', "RST"), FLAG(TV_TH_PSH, 'P', "PSH"),
	FLAG(TV_TH_ACK, '.', "ACK"), FLAG(TV_TH_URG, 'U', "URG"),
	FLAG(TV_TH_ECE, 'E', "ECE"), FLAG(TV_TH_CWR, 'W', "CWR"),
	FLAG(TV_TH_AE, 'e', "AE"),
#undef FLAG
};
#define NFLAGS (sizeof(flag_names) / sizeof(flag_names[0]))

const char *
tv_flags_letters(unsigned flags, char *buf, size_t size)
{
	size_t i, k = 0;

	if (size < 12) {
		if (size > 0)
			buf[0] = '\0';
		return buf;
	}
	for (i = 0; i < NFLAGS; i++)
		if (flags & flag_names[i].bit)
			buf[k++] = flag_names[i].ch;
	if (k == 0) {
		memcpy(buf, "none", 5);
		return buf;
	}
	buf[k] = '\0';
	return buf;
}

/* The ladder's words keep their reading order: SYN and FIN first, ACK
 * last ("SYN,ACK", "FIN,PSH,ACK"). */
size_t
tv_flags_words_len(unsigned flags, char *buf)
{
	static const uint8_t order[] = { 1, 0, 2, 3, 5, 6, 7, 4, 8 };
	size_t i, k = 0;

	/* unrolled, the tables' loads become constants */
#pragma GCC unroll 9
	for (i = 0; i < NFLAGS; i++) {
		unsigned f = order[i];

		if (!(flags & flag_names[f].bit))
			continue;
		memcpy(buf + k, flag_names[f].w, 4);	/* one store */
		k += flag_names[f].n;
		buf[k++] = ',';
	}
	if (k == 0) {
		memcpy(buf, "none", 5);
		return 4;
	}
	buf[--k] = '\0';	/* the last comma */
	return k;
}

const char *
tv_flags_words(unsigned flags, char *buf, size_t size)
{
	if (size < TV_FLAGS_WORDS_LEN) {
		if (size > 0)
			buf[0] = '\0';
		return buf;
	}
	tv_flags_words_len(flags, buf);
	return buf;
}

/* RFC 5952: lower case, leading zeros dropped, the longest run of two or
 * more zero groups (the first when tied) shown as "::", IPv4-mapped
 * addresses (::ffff:a.b.c.d) with a dotted tail. */
static void
ipv6_str(const uint8_t *a, char *buf, size_t size)
{
	uint16_t g[8];
	int i, best = -1, bestlen = 0, run = -1, runlen = 0;
	size_t k = 0;
	int w;

	for (i = 0; i < 8; i++)
		g[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
	for (i = 0; i < 8; i++) {
		if (g[i] == 0) {
			if (run < 0)
				run = i, runlen = 0;
			runlen++;
			if (runlen > bestlen)
				best = run, bestlen = runlen;
		} else {
			run = -1;
		}
	}
	if (bestlen < 2)
		best = -1;
	buf[0] = '\0';
	for (i = 0; i < 8; i++) {
		if (i == best) {
			w = snprintf(buf + k, size - k, "::");
			i += bestlen - 1;
		} else if (i == 6 && best == 0 && bestlen == 5 &&
		    g[5] == 0xffff) {
			w = snprintf(buf + k, size - k, ":%u.%u.%u.%u",
			    a[12], a[13], a[14], a[15]);
			i = 8;
		} else {
			w = snprintf(buf + k, size - k, "%s%x",
			    (k > 0 && buf[k - 1] != ':') ? ":" : "", g[i]);
		}
		if (w < 0 || (size_t)w >= size - k)
			return;
		k += (size_t)w;
	}
}

/* "00" to "99": two digits a step when writing numbers */
static const char pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* v < 100 at buf: 1 or 2 digits, their number */
static size_t
dec2(char *buf, unsigned v)
{
	if (v < 10) {
		buf[0] = (char)('0' + v);
		return 1;
	}
	memcpy(buf, pairs + 2 * v, 2);
	return 2;
}

/*
 * Digits from the front without dividing (the idea of James Anhalt's
 * itoa): v / 10^2k in fixed point, 48 bits of fraction, rounded up, holds
 * v's first one or two digits in its integer part, and each
 * multiplication of the fraction by 100 brings up the next two.  Exact
 * for v < 10^8 and k <= 3: the rounding adds less than v / 2^48 < 10^-6,
 * which the j-th step makes 100^j times more, still below 10^(2j - 2k),
 * the least the true value ever lies below the next integer.
 */
#define FRAC48 (((uint64_t)1 << 48) - 1)
#define FIX48(d) ((FRAC48 + (d)) / (d))	/* ceil(2^48 / d) */

/* the two digits after t's integer part at buf; t for the next two */
static inline uint64_t
next_pair(char *buf, uint64_t t)
{
	t = (t & FRAC48) * 100;
	memcpy(buf, pairs + 2 * (t >> 48), 2);
	return t;
}

/* the k pairs (1 to 3) after the integer part of t, v / 10^2k as above;
 * written out, not looped: k is a constant where this is inlined */
static inline void
frac_pairs(char *buf, uint64_t t, int k)
{
	t = next_pair(buf, t);
	if (k > 1)
		t = next_pair(buf + 2, t);
	if (k > 2)
		next_pair(buf + 4, t);
}

/* v < 10^8 at buf: its digits' number */
static inline size_t
dec_short(char *buf, uint32_t v)
{
	uint64_t t;
	size_t n;
	int k;

	if (v < 100)		/* most: flags, counts, small lengths */
		return dec2(buf, v);
	if (v < 10000)
		t = v * FIX48(100), k = 1;
	else if (v < 1000000)
		t = v * FIX48(10000), k = 2;
	else
		t = v * FIX48(1000000), k = 3;
	n = dec2(buf, (unsigned)(t >> 48));
	frac_pairs(buf + n, t, k);
	return n + 2 * (size_t)k;
}

/* v >= 10^8: the first digits (a uint32's 1 or 2, a uint64's up to 12),
 * then the last 8 with their leading zeros */
static size_t
dec_long(char *buf, uint64_t v)
{
	uint64_t hi = v / 100000000, t;
	size_t n;

	n = hi < 100000000 ? dec_short(buf, (uint32_t)hi) : dec_long(buf, hi);
	t = (v - hi * 100000000) * FIX48(1000000);
	memcpy(buf + n, pairs + 2 * (t >> 48), 2);
	frac_pairs(buf + n + 2, t, 3);
	return n + 8;
}

size_t
tv_u64_dec(char *buf, uint64_t v)
{
	if (v < 100000000)
		return dec_short(buf, (uint32_t)v);
	return dec_long(buf, v);
}

void
tv_dec_fixed(char *buf, uint32_t v, size_t n)
{
	while (n >= 2) {	/* two digits a division, from the end */
		unsigned d = v % 100;

		v /= 100;
		n -= 2;
		buf[n] = pairs[2 * d];
		buf[n + 1] = pairs[2 * d + 1];
	}
	if (n)
		buf[0] = (char)('0' + v % 10);
}

/* a.b.c.d at buf (room for 15); its length */
static size_t
ipv4_str(const uint8_t *a, char *buf)
{
	size_t k = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned o = a[i];

		if (i)
			buf[k++] = '.';
		if (o >= 100) {
			buf[k++] = (char)('0' + o / 100);
			buf[k++] = pairs[2 * (o % 100)];
			buf[k++] = pairs[2 * (o % 100) + 1];
		} else {
			k += dec2(buf + k, o);
		}
	}
	return k;
}

const char *
tv_addr_str(const struct tv_addr *a, char *buf, size_t size)
{
	if (size == 0)
		return buf;
	if (a->family == 4 && size >= 16)
		buf[ipv4_str(a->a, buf)] = '\0';
	else if (a->family == 6)
		ipv6_str(a->a, buf, size);
	else
		snprintf(buf, size, "?");
	return buf;
}

const char *
tv_endpoint_str(const struct tv_addr *a, uint16_t port, char *buf, size_t size)
{
	char ab[TV_ADDRSTRLEN];
	size_t k = 0, n;

	if (size < TV_ENDPOINTSTRLEN) {
		if (size > 0)
			buf[0] = '\0';
		return buf;
	}
	tv_addr_str(a, ab, sizeof(ab));
	n = strlen(ab);
	if (a->family == 6)
		buf[k++] = '[';
	memcpy(buf + k, ab, n);
	k += n;
	if (a->family == 6)
		buf[k++] = ']';
	buf[k++] = ':';
	k += tv_u64_dec(buf + k, port);
	buf[k] = '\0';
	return buf;
}
