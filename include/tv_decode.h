/* \summary: decode one captured frame into a plain packet view (no I/O) */
#ifndef TV_DECODE_H
#define TV_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* Link types, numbered as the LINKTYPE_ values of pcap files. */
enum tv_link {
	TV_LINK_NULL = 0,	/* BSD loopback, host-order AF */
	TV_LINK_ETHERNET = 1,
	TV_LINK_PPP = 9,	/* PPP, with or without HDLC address and control */
	TV_LINK_FDDI = 10,	/* frame control, two MACs, then 802.2 LLC */
	TV_LINK_PPP_SERIAL = 50,	/* PPP in HDLC-like framing (RFC 1662), or Cisco HDLC */
	TV_LINK_RAW = 101,	/* bare IPv4 or IPv6 */
	TV_LINK_LOOP = 108,	/* OpenBSD loopback, network-order AF */
	TV_LINK_IEEE802_11_RADIO = 127,	/* radiotap, then an 802.11 frame */
	TV_LINK_LINUX_SLL = 113,
	TV_LINK_IPV4 = 228,
	TV_LINK_IPV6 = 229,
	TV_LINK_NFLOG = 239,	/* Linux NFLOG: a 4-byte header, then TLVs */
	TV_LINK_IPOIB = 242,	/* IP over InfiniBand: 40 bytes of address, type, reserved */
	TV_LINK_LINUX_SLL2 = 276,
};

/* Returns 1 when the decoder knows the link type. */
int tv_link_supported(int link);
/* Short name of a link type for messages ("EN10MB", "LINUX_SLL2"), or NULL. */
const char *tv_link_name(int link);

/* Why a frame was not drawn.  Names in tv_skip_names[]. */
enum tv_skip {
	TV_SKIP_NONE = 0,
	TV_SKIP_NOT_IP,		/* ARP, LLDP, 802.3 frames ... */
	TV_SKIP_ICMP,
	TV_SKIP_ICMP6,
	TV_SKIP_OTHER_PROTO,	/* IP payload neither TCP nor UDP */
	TV_SKIP_FRAGMENT,	/* IP fragment, outer or inside a tunnel (pkt->frag,
				   pkt->tun; reassembled by tv_frag.h) */
	TV_SKIP_TRUNCATED,	/* captured bytes end before the TCP/UDP ports */
	TV_SKIP_MALFORMED,	/* headers too broken to draw */
	TV_SKIP_BAD_IP_CKSUM,	/* IPv4 header checksum wrong (Zeek drops these too) */
	TV_SKIP_TUNNEL_DEPTH,	/* tunnels nested deeper than TV_TUN_MAX_DEPTH */
	TV_SKIP_ENCRYPTED,	/* MACsec with its payload encrypted */
	TV_SKIP_WIFI_ENCRYPTED,	/* an 802.11 data frame protected (WEP, TKIP, CCMP, GCMP) */
	TV_SKIP_COUNT
};
extern const char *const tv_skip_names[TV_SKIP_COUNT];

/* TCP flag bits as in the header (RFC 9293 §3.1, RFC 3168 for ECE/CWR). */
#define TV_TH_FIN 0x01
#define TV_TH_SYN 0x02
#define TV_TH_RST 0x04
#define TV_TH_PSH 0x08
#define TV_TH_ACK 0x10
#define TV_TH_URG 0x20
#define TV_TH_ECE 0x40
#define TV_TH_CWR 0x80
#define TV_TH_AE  0x100	/* RFC 9768 AccECN (formerly NS), bit 0 of byte 12 */

/* What a checksum check found (tv_pkt.ck_ip, ck_l4).  Names in tv_ck_names[]. */
enum tv_ck {
	TV_CK_UNVERIFIED = 0,	/* not checked: -K, not all captured, offloaded length */
	TV_CK_CORRECT,
	TV_CK_INCORRECT,
	TV_CK_PARTIAL,		/* the sender's offload pattern: the TCP/UDP field holds
				   only the pseudo-header sum (Linux CHECKSUM_PARTIAL),
				   an IPv4 header checksum of 0 (Windows offload) */
	TV_CK_NONE,		/* UDP over IPv4 with checksum 0: none sent (RFC 768) */
	TV_CK_COUNT
};
extern const char *const tv_ck_names[TV_CK_COUNT];

/* Which TCP options a packet carried (tv_pkt.opt_mask). */
#define TV_OPT_MSS	0x01
#define TV_OPT_WSCALE	0x02
#define TV_OPT_SACK_OK	0x04
#define TV_OPT_SACK	0x08
#define TV_OPT_TS	0x10

#define TV_MAX_SACK 4

struct tv_addr {
	uint8_t family;		/* 4 or 6 */
	uint8_t a[16];		/* IPv4 uses the first 4 bytes; rest zero */
};

/*
 * Tunnels (docs/outcomes.md#tunnels): IP-in-IP (RFC 2003, 4213, 2473),
 * GRE (RFC 2784, 2890), ERSPAN II/III over GRE, GRE-in-UDP (RFC 8086),
 * VXLAN (RFC 7348), Geneve (RFC 8926), GTP-U (3GPP TS 29.281), Teredo
 * (RFC 4380), PIM register (RFC 7761 §4.9.3), AYIYA
 * (draft-massar-v6ops-ayiya).  A packet
 * keeps its outermost tunnel and how many it was inside; a connection is
 * keyed by its innermost 4-tuple and that tunnel.  Names in tv_tun_names[].
 */
enum tv_tun_kind {
	TV_TUN_NONE = 0,
	TV_TUN_IPIP,		/* 4in4, 6in4, 4in6, 6in6 */
	TV_TUN_GRE,
	TV_TUN_ERSPAN,
	TV_TUN_GRE_UDP,
	TV_TUN_VXLAN,
	TV_TUN_GENEVE,
	TV_TUN_GTPU,
	TV_TUN_TEREDO,
	TV_TUN_PIM,		/* PIM register: the data packet a DR sends its RP */
	TV_TUN_AYIYA,
	TV_TUN_PPTP,		/* GRE version 1 (RFC 2637): the peer's call id each way */
	TV_TUN_COUNT
};
extern const char *const tv_tun_names[TV_TUN_COUNT];
#define TV_TUN_MAX_DEPTH 4	/* tunnels inside tunnels read; deeper: TV_SKIP_TUNNEL_DEPTH */

/* Link encapsulations passed on the way (tv_tunnel.via); not part of a
 * connection's key (MPLS labels differ each way). */
#define TV_VIA_MPLS	0x01
#define TV_VIA_PPPOE	0x02
#define TV_VIA_PPP	0x04
#define TV_VIA_LLC	0x08	/* 802.3 length frame with LLC/SNAP */
#define TV_VIA_MACSEC	0x10	/* MACsec, integrity only */
#define TV_VIA_WIFI	0x20	/* an 802.11 data frame (radiotap link) */
#define TV_VIA_FDDI	0x40	/* an FDDI frame with LLC/SNAP (FDDI link) */
#define TV_VIA_PBB	0x80	/* IEEE 802.1ah I-TAG, an inner Ethernet header */
#define TV_VIA_NFLOG	0x100	/* Linux NFLOG (NFLOG link) */
#define TV_VIA_IPOIB	0x200	/* IP over InfiniBand (IPOIB link) */
#define TV_VIA_FABRICPATH 0x400	/* Cisco FabricPath (0x8903), an inner Ethernet frame */
#define TV_VIA_COUNT	11
extern const char *const tv_via_names[TV_VIA_COUNT];

/* (has_key after the addresses: with via 16 bits wide the struct stays 44 bytes) */
struct tv_tunnel {
	uint8_t kind;		/* enum tv_tun_kind of the outermost; TV_TUN_NONE: none */
	uint8_t depth;		/* tunnels the packet was inside (0 .. TV_TUN_MAX_DEPTH) */
	uint16_t via;		/* TV_VIA_* */
	uint32_t key;
	struct tv_addr src, dst;	/* the outermost tunnel's IP endpoints, as sent */
	uint8_t has_key;	/* key is set: GRE key, VNI, ERSPAN session, GTP-U TEID */
};

/* What an ICMP or ICMPv6 error says (RFC 792, RFC 1191, RFC 4443).
 * Names in tv_icmp_names[]. */
enum tv_icmp_kind {
	TV_ICMP_NONE = 0,	/* not an ICMP error */
	TV_ICMP_NET_UNREACH,
	TV_ICMP_HOST_UNREACH,
	TV_ICMP_PROTO_UNREACH,
	TV_ICMP_PORT_UNREACH,
	TV_ICMP_FRAG_NEEDED,	/* ICMPv4 3/4: fragmentation needed and DF set */
	TV_ICMP_TOO_BIG,	/* ICMPv6 2: packet too big */
	TV_ICMP_ADMIN,		/* communication administratively prohibited */
	TV_ICMP_UNREACH,	/* destination unreachable, another code */
	TV_ICMP_TIME_EXCEEDED,
	TV_ICMP_PARAM_PROBLEM,
	TV_ICMP_COUNT
};
extern const char *const tv_icmp_names[TV_ICMP_COUNT];

/* An ICMP error joined to the flow it quotes (tv_pkt.icmp). */
struct tv_icmp {
	uint8_t kind;		/* enum tv_icmp_kind; TV_ICMP_NONE: no error */
	uint8_t v6;		/* ICMPv6 */
	uint8_t type, code;	/* as sent */
	uint8_t has_seq;	/* a TCP quote held its sequence number */
	uint32_t mtu;		/* fragmentation needed, packet too big: the
				   next hop's MTU (0: not given) */
	uint32_t seq;		/* the quoted TCP segment's sequence number */
	struct tv_addr from, to;	/* the ICMP message's own IP addresses */
};

/*
 * The view of one frame.  Filled once by tv_decode(); the tracker and the
 * renderers read only this.  It holds one pointer into the frame,
 * `payload`, valid only while the frame's buffer is (during the callback
 * that hands pkt over); every other field may outlive the frame.
 */
struct tv_pkt {
	uint64_t n;		/* frame number in the input, 1-based */
	int64_t ts_sec;
	uint32_t ts_nsec;	/* nanoseconds, whatever the file's precision */
	uint32_t caplen;
	uint32_t wirelen;

	enum tv_skip skip;	/* TV_SKIP_NONE when proto is TCP or UDP */
	uint8_t proto;		/* 6 (TCP), 17 (UDP) or 0 */
	struct tv_addr src, dst;
	uint16_t sport, dport;

	/* payload bytes as the IP/UDP headers state them */
	uint32_t len;

	/* TCP only */
	uint32_t seq, ack;
	uint16_t win;
	uint16_t flags;		/* TV_TH_* */
	uint8_t opt_mask;	/* TV_OPT_* */
	uint16_t mss;
	uint8_t wscale;
	uint8_t nsack;
	uint32_t ts_val, ts_ecr;
	uint32_t sack[TV_MAX_SACK][2];

	unsigned truncated:1;	/* capture ended before the headers or payload did */
	/* the IP length was 0 (IPv4 total length 0 of TSO/LSO or BIG TCP, an
	 * IPv6 jumbogram or payload length 0): taken from the frame instead */
	unsigned offloaded:1;
	unsigned verify:1;	/* checksums were to be verified (TV_DEC_CKSUM) */
	unsigned rebuilt:1;	/* reassembled from fragments (TV_DEC_REBUILT) */

	/* checksums (RFC 1071), enum tv_ck; the TCP or UDP field as sent and
	 * what it should have been (valid with ck_l4 INCORRECT or CORRECT) */
	uint8_t ck_ip, ck_l4;
	uint16_t ck_got, ck_want;
	const char *malformed;	/* static text naming what is wrong, or NULL */

	/* IP, for -v: TTL (IPv4) or hop limit (IPv6); IPv4's identification */
	uint8_t ttl;
	uint8_t has_ipid;	/* 1 for IPv4 */
	uint16_t ipid;

	/* Ethernet link, for -e (has_mac 0 on other links) */
	uint8_t has_mac;
	uint8_t nvlan;		/* VLAN tags seen (up to 2 kept) */
	uint8_t mac_src[6], mac_dst[6];
	uint16_t ethertype;	/* the innermost, after any VLAN tags */
	uint16_t vlan[2];	/* VLAN ids, outermost first */

	/* the captured payload bytes (paycap of them, at most len): points
	 * into the frame, valid only while the frame is; NULL when none */
	const uint8_t *payload;
	uint32_t paycap;

	/* an ICMP error (tv_decode() returned 2): what it says; then proto,
	 * src, dst and the ports are the quoted packet's, reversed (the
	 * quote is a packet the error's receiver sent), so its flow is
	 * found as a packet from the answering side would find it */
	struct tv_icmp icmp;

	/* the lab (tv_pair.h), set by the caller after decoding, else 0:
	 * the ends that saw it (TV_PAIR_SEEN_*), lost on the wire, and
	 * the time it took to cross */
	uint8_t seen;
	uint8_t lost;
	uint32_t owd_ns;

	/* an IP fragment (skip TV_SKIP_FRAGMENT): what reassembly
	 * (tv_frag.h) needs; payload, paycap and len are then the fragment's
	 * data, frag.hlen bytes after the IP header's start */
	struct tv_ipfrag {
		uint8_t v6;
		uint8_t more;		/* IPv4 MF, IPv6 M */
		uint8_t nh;		/* IPv4 protocol; IPv6 the fragment header's next header */
		uint16_t hlen;		/* IP header to data (IPv6: the fragment header's 8 in it) */
		uint16_t nhoff;		/* IPv6: from the IP header, the next-header byte that
					   names the fragment header (6: the fixed header's) */
		uint32_t off;		/* the fragment's offset in bytes */
		uint32_t id;		/* identification (IPv4: 16 bits) */
	} frag;
	/* set by the caller (tv_frag_add()): reassembled from this many
	 * fragments, 0 when it was not a fragmented datagram */
	uint16_t frags;

	/* the tunnels it came through; src, dst, the ports and every field
	 * above are the innermost packet's (-e's MACs the capture's link) */
	struct tv_tunnel tun;
};

/*
 * Decode one frame of link type `link` (enum tv_link).  `caplen` bytes are
 * available at `data`; `wirelen` is the frame's length on the wire.  The
 * caller fills pkt->n, ts_sec and ts_nsec before or after.  Never reads
 * past data + caplen.  Returns 0 when pkt is a TCP or UDP packet to draw,
 * 1 when it is skipped (pkt->skip says why), or 2 when it is an ICMP or
 * ICMPv6 error quoting a TCP or UDP packet (pkt->icmp; pkt->skip is
 * TV_SKIP_NONE): not a packet of the flow, a word about one.
 */
int tv_decode(int link, const uint8_t *data, uint32_t caplen,
    uint32_t wirelen, struct tv_pkt *pkt);

/* tv_decode() with options: TV_DEC_CKSUM verifies the IPv4 header, TCP
 * and UDP checksums of a packet captured whole (a bad IPv4 header
 * checksum skips it, TV_SKIP_BAD_IP_CKSUM); tv_decode() verifies none. */
#define TV_DEC_CKSUM 0x1
/* TV_DEC_REBUILT: the frame is a datagram reassembled from fragments (the
 * first one's headers and the data): no link trailer follows it (MACsec's
 * ICV stayed with the last fragment's frame) */
#define TV_DEC_REBUILT 0x2
int tv_decode_opts(int link, const uint8_t *data, uint32_t caplen,
    uint32_t wirelen, unsigned opts, struct tv_pkt *pkt);

/*
 * Decode a bare TCP segment of len bytes, all captured (what an IPv6 raw
 * socket hands over: no IP header), into pkt's TCP fields; addresses are
 * left zero.  Returns as tv_decode() does; pkt->malformed names damage.
 */
int tv_decode_tcp(const uint8_t *data, uint32_t len, struct tv_pkt *pkt);

/* tcpdump's flag letters in print-tcp.c's order F S R P . U E W e ("S.",
 * "FP.", "S.E", "none") into buf (at least 12 bytes). */
const char *tv_flags_letters(unsigned flags, char *buf, size_t size);
/* Flag words for the ladder ("SYN,ACK", "FIN,PSH,ACK", "none") into buf
 * (at least TV_FLAGS_WORDS_LEN bytes); tv_flags_words_len() returns their
 * length. */
#define TV_FLAGS_WORDS_LEN 40
const char *tv_flags_words(unsigned flags, char *buf, size_t size);
size_t tv_flags_words_len(unsigned flags, char *buf);

/* Address in text: IPv4 dotted quad, IPv6 in RFC 5952 form.  buf >= 46 bytes. */
const char *tv_addr_str(const struct tv_addr *a, char *buf, size_t size);
/* "addr:port", IPv6 as "[addr]:port".  buf >= 56 bytes. */
const char *tv_endpoint_str(const struct tv_addr *a, uint16_t port,
    char *buf, size_t size);

#define TV_ADDRSTRLEN 46
/* v in decimal at buf (room for 20 digits, no NUL written); its length.
 * The outputs format their numbers with it, not printf: it is 10-20
 * times faster, and every row has a dozen. */
size_t tv_u64_dec(char *buf, uint64_t v);
/* the last n digits of v at buf, leading zeros kept (a fraction's
 * digits: 42 in 6 is "000042"); no NUL written */
void tv_dec_fixed(char *buf, uint32_t v, size_t n);
#define TV_ENDPOINTSTRLEN 56

/* Wrap-safe sequence comparisons (RFC 9293 §3.4; Linux before()/after()). */
static inline int tv_seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline int tv_seq_le(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline int tv_seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline int tv_seq_ge(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }

#endif /* TV_DECODE_H */
