/* \summary: IPv4 and IPv6 fragment reassembly in fixed memory (no I/O) */
#ifndef TV_FRAG_H
#define TV_FRAG_H

#include <stdint.h>

#include "tv_decode.h"

/*
 * A table of datagrams being reassembled (RFC 791 §3.2, RFC 8200 §4.5),
 * keyed by source, destination, identification, (IPv4) protocol and the
 * tunnel the fragments came through (pkt->tun: kind, depth, key,
 * endpoints; none for the outermost IP's own fragments).
 * All its memory is taken once by tv_frag_new(): TV_FRAG_MAX_DGRAMS
 * datagrams at once, TV_FRAG_MAX_BYTES of fragment data in all (held in
 * 1 KiB blocks), a datagram at most 65535 bytes.  Policy
 * (docs/hostile-input.md):
 *  - a fragment that overlaps data already held drops the whole datagram
 *    (RFC 5722 requires it for IPv6; applied to IPv4 too), and so do a
 *    fragment past 65535 bytes, a non-last fragment whose length is not a
 *    multiple of 8, and two ends that disagree; later fragments of a
 *    dropped datagram are swallowed until its time is up;
 *  - a datagram not complete TV_FRAG_TIMEOUT_S seconds (capture time)
 *    after its first fragment is dropped;
 *  - when the table or the bytes are full, the oldest datagram is dropped.
 * Every drop is counted (tv_frag_get_stats()).
 */
#define TV_FRAG_MAX_DGRAMS	64
#define TV_FRAG_MAX_BYTES	(256u * 1024)
#define TV_FRAG_TIMEOUT_S	30
/* link header + IP header + IPv6 extension headers of a first fragment */
#define TV_FRAG_HEAD_MAX	512

struct tv_frag;

struct tv_frag_stats {
	uint64_t fragments;	/* fragments taken in (frames; a reassembled
				   datagram that is itself a fragment of one
				   inside its tunnel counts again) */
	uint64_t reassembled;	/* datagrams completed */
	uint64_t overlap;	/* dropped: overlapping fragments */
	uint64_t too_long;	/* dropped: beyond 65535 bytes */
	uint64_t bad;		/* dropped: a length not a multiple of 8, ends that
				   disagree, headers beyond TV_FRAG_HEAD_MAX */
	uint64_t timed_out;	/* dropped: not complete in TV_FRAG_TIMEOUT_S */
	uint64_t evicted;	/* dropped: the table or its bytes were full */
	uint64_t incomplete;	/* still incomplete at tv_frag_finish() */
	uint64_t damaged;	/* fragment frames not taken: cut short by the
				   capture or malformed (left skipped) */
};

/* What tv_frag_add() says of a fragment. */
enum tv_frag_res {
	TV_FRAG_HELD,		/* kept, the datagram not complete yet */
	TV_FRAG_DONE,		/* the datagram is complete: see struct tv_frag_out */
	TV_FRAG_DROPPED,	/* its datagram was dropped (counted) */
	TV_FRAG_REFUSED,	/* not taken: not all captured, or malformed */
};

/* A completed datagram as a frame of link type `link`: the first
 * fragment's link and IP headers (IPv4: total length, flags and header
 * checksum fixed; IPv6: the fragment header taken out, payload length
 * fixed), then all the data.  A datagram inside a tunnel is the inner IP
 * packet alone, link TV_LINK_RAW, and `tun` the tunnel its fragments
 * came through (tv_frag_decode() puts it back).  `data` belongs to the
 * table, valid until its next call. */
struct tv_frag_out {
	int link;
	const uint8_t *data;
	uint32_t len;
	uint16_t nfrags;	/* fragments it was made of */
	struct tv_tunnel tun;	/* kind TV_TUN_NONE: not inside a tunnel */
};

/* A new table, all its memory taken now; NULL when out of memory. */
struct tv_frag *tv_frag_new(void);
void tv_frag_free(struct tv_frag *f);

/*
 * Take the fragment pkt (tv_decode() returned it skipped as
 * TV_SKIP_FRAGMENT) of the frame `frame` of link type `link`; pkt's time
 * is the capture's clock for the timeout.  Returns enum tv_frag_res; on
 * TV_FRAG_DONE *out is the whole datagram.  Allocates nothing.
 */
int tv_frag_add(struct tv_frag *f, int link, const uint8_t *frame,
    const struct tv_pkt *pkt, struct tv_frag_out *out);

/*
 * Decode the completed datagram `out` into pkt as tv_decode_opts() does,
 * pkt->frags set, and pkt->tun the fragments' tunnel: tunnels inside the
 * datagram are counted within it (beyond TV_TUN_MAX_DEPTH in all:
 * TV_SKIP_TUNNEL_DEPTH).  Returns as tv_decode() does; a datagram that is
 * itself a fragment of one further in goes to tv_frag_add() again.
 */
int tv_frag_decode(const struct tv_frag_out *out, unsigned opts,
    struct tv_pkt *pkt);

/* The input ended: count what is still incomplete, and empty the table. */
void tv_frag_finish(struct tv_frag *f);

void tv_frag_get_stats(const struct tv_frag *f, struct tv_frag_stats *st);

/* Datagrams dropped for any reason, incomplete ones at the end included. */
uint64_t tv_frag_dropped(const struct tv_frag_stats *st);

#endif /* TV_FRAG_H */
