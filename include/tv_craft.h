/* \summary: build TCP segments by hand (IPv4 header + TCP, or bare TCP for IPv6), checksums, loopback check, the core's verdict on a crafted connection; no I/O */
#ifndef TV_CRAFT_H
#define TV_CRAFT_H

#include <stddef.h>
#include <stdint.h>

#include "tv_decode.h"
#include "tv_tcp.h"

/*
 * The pieces tcpviz-craft puts on the wire, and what it makes of the
 * answers.  Everything here is pure: fields in, bytes out (or bytes in,
 * fields out); the program owns the sockets.  Only the crafter links this
 * file; it is not in libtcpviz.a.
 */

#define TV_CRAFT_OPT_MAX	40	/* TCP option bytes (RFC 9293 §3.1) */
#define TV_CRAFT_DATA_MAX	1460	/* payload bytes of one crafted segment */
#define TV_CRAFT_IP4_HDR	20	/* we write no IPv4 options */
#define TV_CRAFT_TCP_HDR	20
/* Room for the biggest segment we build, IPv4 header included. */
#define TV_CRAFT_BUF	(TV_CRAFT_IP4_HDR + TV_CRAFT_TCP_HDR + TV_CRAFT_OPT_MAX + \
			 TV_CRAFT_DATA_MAX)

/* Fields of one segment.  Zero-initialise, then set what you need. */
struct tv_craft_seg {
	struct tv_addr src, dst;	/* same family, 4 or 6 */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;			/* TV_TH_* */
	uint16_t win;
	uint16_t urp;

	/* options, each written when its TV_OPT_* bit is in opt_mask:
	 * TV_OPT_MSS, TV_OPT_WSCALE, TV_OPT_SACK_OK, TV_OPT_TS */
	uint8_t opt_mask;
	uint16_t mss;
	uint8_t wscale;
	uint32_t ts_val, ts_ecr;

	const uint8_t *data;		/* payload, len bytes (may be NULL when 0) */
	size_t len;

	/* IPv4 header (tv_craft_ipv4 only) */
	uint16_t ip_id;
	uint8_t ttl;			/* 0 means 64 */
	uint8_t tos;
	uint8_t df;			/* set Don't Fragment, as Linux does for TCP */
};

/*
 * The options of s, laid out as Linux's tcp_options_write() does, so a
 * rebuilt kernel segment matches byte for byte: MSS; SACK-permitted and
 * timestamps sharing a word ("4,2,8,10") or NOP,NOP before timestamps;
 * NOP,NOP,SACK-permitted without timestamps; NOP and window scale last.
 * Writes at most TV_CRAFT_OPT_MAX bytes to opt; returns the count, a
 * multiple of 4.
 */
size_t tv_craft_opts(const struct tv_craft_seg *s, uint8_t *opt);

/*
 * The TCP segment of s (header, options, payload) into buf, with the
 * checksum over the pseudo-header of s->src and s->dst (IPv4 RFC 9293
 * §3.1, IPv6 RFC 8200 §8.1).  This is what an IPv6 raw socket sends.
 * Returns the length, or -1 when size is too small, s->len exceeds
 * TV_CRAFT_DATA_MAX or the address families are not both 4 or both 6.
 */
int tv_craft_tcp(const struct tv_craft_seg *s, uint8_t *buf, size_t size);

/*
 * An IPv4 header (no options, protocol 6, header checksum) followed by
 * the TCP segment of s, as an IP_HDRINCL raw socket sends it.  Returns
 * the total length, or -1 as tv_craft_tcp() (and when s is not IPv4).
 */
int tv_craft_ipv4(const struct tv_craft_seg *s, uint8_t *buf, size_t size);

/*
 * One's-complement sum of len bytes taken as big-endian 16-bit words
 * (an odd last byte padded with zero), added to sum; not folded.
 * Feed pieces in order, each but the last of even length.
 */
uint32_t tv_craft_sum(uint32_t sum, const uint8_t *p, size_t len);

/* Fold a tv_craft_sum() result to 16 bits and complement it (RFC 1071). */
uint16_t tv_craft_fold(uint32_t sum);

/* The Internet checksum of len bytes: tv_craft_fold(tv_craft_sum(0, p, len)). */
uint16_t tv_craft_cksum(const uint8_t *p, size_t len);

/*
 * The pseudo-header sum for protocol proto and an upper-layer length of
 * len bytes between src and dst (4 or 6, the same), folded to 16 bits but
 * NOT complemented: the value Linux leaves in the TCP checksum field of a
 * CHECKSUM_PARTIAL segment (what a capture on lo shows) for the device to
 * complete.  Returns 0 for mixed or unknown families.
 */
uint16_t tv_craft_pseudo(const struct tv_addr *src, const struct tv_addr *dst,
    uint8_t proto, uint32_t len);

/*
 * 1 when tcpviz-craft may send to a: IPv4 127.0.0.0/8 or IPv6 ::1.
 * Everything else is 0, the IPv4-mapped ::ffff:127.0.0.0/104 included: an
 * IPv6 raw socket cannot send to it, and 127.0.0.1 says the same plainly.
 */
int tv_craft_dest_allowed(const struct tv_addr *a);

/*
 * Parse a bare TCP segment of len bytes (what an IPv6 raw socket hands
 * over: no IP header) into pkt's TCP fields: ports, seq, ack, flags, win,
 * options, payload length.  Addresses, n and timestamps are left to the
 * caller.  Every read goes through a tv_cur.  Returns 0, or -1 when the
 * segment is shorter than its header says or the options are malformed
 * (pkt->malformed says which).
 */
int tv_craft_parse_tcp(const uint8_t *p, size_t len, struct tv_pkt *pkt);

/*
 * "S", "SA", "FA", "PA", "R" ...: letters S A F R P U E C in any order,
 * each at most once, into TV_TH_* bits.  Returns 0, or -1 when empty or
 * another character appears.
 */
int tv_craft_parse_flags(const char *s, uint8_t *flags);

/*
 * One crafted connection (one source port) as the core judges it: every
 * segment we sent and every one that came back goes to a struct tv_tcp,
 * so the crafter's verdicts are the ladder's words and cannot drift from
 * them.  Roles are given as the tracker gives them: the sender of a first
 * segment that is a SYN-ACK is the server.  Zero-initialise.
 */
struct tv_craft_conn {
	struct tv_tcp tcp;
	uint8_t started;	/* tcp holds the first segment */
	uint8_t us;		/* our side in tcp: 0 (client), or 1 */
	uint32_t answers;	/* segments from the other side */
};

/* Account one segment: `ours` when we (or our kernel) sent it. */
void tv_craft_conn_add(struct tv_craft_conn *c, const struct tv_pkt *pkt,
    int ours);

/* 1 when an RST ended the connection and it came from us (`ours`) or
 * from the other side (!ours); else 0. */
int tv_craft_conn_reset(const struct tv_craft_conn *c, int ours);

/*
 * The ladder's outcome lines for c, without their "== ": "opened: ..."
 * into opened ("" when the first segment had no SYN: the ladder says
 * nothing then) and "closed: ..." into closed, as tv_fmt_opened() and
 * tv_fmt_closed() write them; both "" before the first segment.
 */
void tv_craft_conn_words(const struct tv_craft_conn *c, char *opened,
    size_t osize, char *closed, size_t csize);

#endif /* TV_CRAFT_H */
