/* \summary: one wire captured at both ends, joined: each packet once, where it was seen, its one-way time, or lost on the wire */
#ifndef TV_PAIR_H
#define TV_PAIR_H

#include <stddef.h>
#include <stdint.h>

/*
 * The lab captures each host's end of the wire.  A frame the sender put
 * on the wire shows at its end and, unless the wire lost it, a little
 * later byte for byte the same at the other end (the wire is a bridge:
 * it changes nothing).  The pair takes the sightings of both ends in
 * any order, matches each one at the receiving end to the latest
 * sending-end copy of the same bytes sent before it, and hands the
 * packets on once each, in the order they were sent:
 *
 *   seen both ends     decided when matched (and settled: no earlier
 *                      sighting can still be on its way to us)
 *   seen sending end   lost on the wire, once hold_ns passed without
 *                      a copy at the other end
 *   seen receiving end only: the sending end's capture missed it
 *
 * Memory is fixed at tv_pair_new(): `slots` packets of up to `snap`
 * bytes; when all are held the oldest is decided on what is known.
 */

#define TV_PAIR_SEEN_CLIENT 0x1
#define TV_PAIR_SEEN_SERVER 0x2

struct tv_pair_cfg {
	uint64_t hold_ns;	/* how long a copy may take to cross the wire */
	uint64_t settle_ns;	/* how late a sighting may reach us */
	uint32_t slots;		/* packets held at most (0: 4096) */
	uint32_t snap;		/* bytes kept of each (0: 2048) */
};

/* A packet handed on.  data is valid until the next call. */
struct tv_pair_pkt {
	const uint8_t *data;
	uint32_t caplen, wirelen;
	int64_t ts_ns;		/* when it was seen first (sent) */
	uint8_t seen;		/* TV_PAIR_SEEN_* */
	uint8_t lost;		/* seen at the sending end only */
	uint32_t owd_ns;	/* seen both: the one-way time (saturated) */
};

struct tv_pair_stats {
	uint64_t taken, both, lost, one_end;	/* sightings; packets decided so */
	uint64_t full;		/* decided early: every slot was held */
};

struct tv_pair;

struct tv_pair *tv_pair_new(const struct tv_pair_cfg *cfg);
void tv_pair_free(struct tv_pair *p);

/*
 * A sighting at end `end` (0 client, 1 server) at time ts_ns; `sent` is
 * 1 when that end sent it (its source is that host).  Frames longer than
 * snap are kept cut (caplen snap) and matched on what is kept.
 */
void tv_pair_add(struct tv_pair *p, int end, int sent, int64_t ts_ns,
    const uint8_t *data, uint32_t caplen, uint32_t wirelen);

/* The next packet decided by time now_ns, or NULL: none yet. */
const struct tv_pair_pkt *tv_pair_next(struct tv_pair *p, int64_t now_ns);

/* The input ended: the next packet, every one decided now; NULL: none left. */
const struct tv_pair_pkt *tv_pair_drain(struct tv_pair *p);

/* Packets held now. */
uint32_t tv_pair_held(const struct tv_pair *p);

void tv_pair_get_stats(const struct tv_pair *p, struct tv_pair_stats *st);

#endif /* TV_PAIR_H */
