/* \summary: one wire captured at both ends, joined: each packet once, in sending order, seen at both ends or lost */
#include <stdlib.h>
#include <string.h>

#include "tv_pair.h"

#define NIL UINT32_MAX
#define HASH_BYTES 96		/* the headers: addresses, ports, seq, ack, ID */

struct slot {
	int64_t ts;		/* the sending end's time once matched */
	uint32_t hash, caplen, wirelen, owd;
	uint32_t next;		/* its bucket's chain */
	uint8_t end, sent, seen, matched, dead;
};

struct tv_pair {
	struct tv_pair_cfg cfg;
	struct slot *s;
	uint8_t *bytes;		/* slot i's bytes at i * snap */
	uint32_t *order;	/* held slots by time: a ring from head */
	uint32_t head, held;
	uint32_t *freel, nfree;
	uint32_t *bucket, nbucket;	/* chains of held slots by hash */
	uint8_t *outb;
	struct tv_pair_pkt out;
	struct tv_pair_stats st;
};

struct tv_pair *
tv_pair_new(const struct tv_pair_cfg *cfg)
{
	struct tv_pair *p = calloc(1, sizeof(*p));
	uint32_t i;

	if (p == NULL)
		return NULL;
	p->cfg = *cfg;
	if (p->cfg.slots < 2)
		p->cfg.slots = 4096;
	if (p->cfg.snap == 0)
		p->cfg.snap = 2048;
	for (p->nbucket = 16; p->nbucket < 2 * p->cfg.slots; p->nbucket *= 2)
		;
	p->s = calloc(p->cfg.slots, sizeof(*p->s));
	p->bytes = malloc((size_t)p->cfg.slots * p->cfg.snap);
	p->order = calloc(p->cfg.slots, sizeof(*p->order));
	p->freel = calloc(p->cfg.slots, sizeof(*p->freel));
	p->bucket = malloc(p->nbucket * sizeof(*p->bucket));
	p->outb = malloc(p->cfg.snap);
	if (!p->s || !p->bytes || !p->order || !p->freel || !p->bucket || !p->outb) {
		tv_pair_free(p);
		return NULL;
	}
	for (i = 0; i < p->cfg.slots; i++)
		p->freel[i] = p->cfg.slots - 1 - i;
	p->nfree = p->cfg.slots;
	for (i = 0; i < p->nbucket; i++)
		p->bucket[i] = NIL;
	return p;
}

void
tv_pair_free(struct tv_pair *p)
{
	if (p == NULL)
		return;
	free(p->s);
	free(p->bytes);
	free(p->order);
	free(p->freel);
	free(p->bucket);
	free(p->outb);
	free(p);
}

/* FNV-1a over the headers and the length: equal frames, equal hashes */
static uint32_t
frame_hash(const uint8_t *d, uint32_t n)
{
	uint32_t h = 2166136261u ^ n, i;

	for (i = 0; i < n && i < HASH_BYTES; i++)
		h = (h ^ d[i]) * 16777619u;
	return h;
}

static uint8_t *
slot_bytes(const struct tv_pair *p, uint32_t i)
{
	return p->bytes + (size_t)i * p->cfg.snap;
}

static void
unlink_slot(struct tv_pair *p, uint32_t i)
{
	uint32_t *at = &p->bucket[p->s[i].hash & (p->nbucket - 1)];

	while (*at != NIL && *at != i)
		at = &p->s[*at].next;
	if (*at == i)
		*at = p->s[i].next;
	p->freel[p->nfree++] = i;
}

/*
 * The held sighting at the other end that this one (end, sent, ts) is a
 * copy of: for a receiving-end sighting the latest sending-end copy sent
 * before it, for a sending-end one the earliest receiving-end copy seen
 * after it.  NIL: none.
 */
static uint32_t
find_copy(const struct tv_pair *p, int end, int sent, int64_t ts, uint32_t h,
    const uint8_t *d, uint32_t n)
{
	uint32_t i, best = NIL;

	for (i = p->bucket[h & (p->nbucket - 1)]; i != NIL; i = p->s[i].next) {
		const struct slot *y = &p->s[i];

		if (y->dead || y->matched || y->hash != h || y->caplen != n ||
		    y->end == end || y->sent == sent)
			continue;
		if (sent ? y->ts < ts : y->ts > ts)
			continue;
		if (memcmp(slot_bytes(p, i), d, n) != 0)
			continue;
		if (best == NIL || (sent ? y->ts < p->s[best].ts : y->ts > p->s[best].ts))
			best = i;
	}
	return best;
}

/* Hold a new sighting, in time order (from the tail: they come nearly sorted). */
static uint32_t
hold(struct tv_pair *p, int end, int sent, int64_t ts, uint32_t h,
    const uint8_t *d, uint32_t n, uint32_t wirelen)
{
	uint32_t i = p->freel[--p->nfree], k, n_slots = p->cfg.slots;
	struct slot *x = &p->s[i];

	memset(x, 0, sizeof(*x));
	x->ts = ts;
	x->hash = h;
	x->caplen = n;
	x->wirelen = wirelen;
	x->end = (uint8_t)end;
	x->sent = (uint8_t)sent;
	x->seen = (uint8_t)(1u << end);
	memcpy(slot_bytes(p, i), d, n);
	x->next = p->bucket[h & (p->nbucket - 1)];
	p->bucket[h & (p->nbucket - 1)] = i;
	for (k = p->held; k > 0; k--) {
		uint32_t prev = p->order[(p->head + k - 1) % n_slots];

		if (p->s[prev].ts <= ts)
			break;
		p->order[(p->head + k) % n_slots] = prev;
	}
	p->order[(p->head + k) % n_slots] = i;
	p->held++;
	return i;
}

void
tv_pair_add(struct tv_pair *p, int end, int sent, int64_t ts_ns,
    const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	uint32_t n = caplen < p->cfg.snap ? caplen : p->cfg.snap;
	uint32_t h = frame_hash(data, n), y, x;
	int64_t owd;

	end = end ? 1 : 0;
	sent = sent ? 1 : 0;
	p->st.taken++;
	if (p->nfree == 0)		/* the caller did not take what was due */
		return;
	y = find_copy(p, end, sent, ts_ns, h, data, n);
	if (y == NIL) {
		hold(p, end, sent, ts_ns, h, data, n, wirelen);
		return;
	}
	if (sent) {
		/* the copy at the receiving end reached us first: the packet
		 * is this sighting, in its place in time */
		owd = p->s[y].ts - ts_ns;
		p->s[y].dead = 1;
		x = hold(p, end, sent, ts_ns, h, data, n, wirelen);
	} else {
		owd = ts_ns - p->s[y].ts;
		x = y;
	}
	p->s[x].matched = 1;
	p->s[x].seen = TV_PAIR_SEEN_CLIENT | TV_PAIR_SEEN_SERVER;
	p->s[x].owd = owd > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)owd;
}

/* Hand out the oldest held packet: its slot is free again. */
static const struct tv_pair_pkt *
emit(struct tv_pair *p, uint32_t i)
{
	const struct slot *x = &p->s[i];

	memcpy(p->outb, slot_bytes(p, i), x->caplen);
	p->out.data = p->outb;
	p->out.caplen = x->caplen;
	p->out.wirelen = x->wirelen;
	p->out.ts_ns = x->ts;
	p->out.seen = x->seen;
	p->out.lost = !x->matched && x->sent;
	p->out.owd_ns = x->matched ? x->owd : 0;
	if (x->matched)
		p->st.both++;
	else if (x->sent)
		p->st.lost++;
	else
		p->st.one_end++;
	unlink_slot(p, i);
	return &p->out;
}

static const struct tv_pair_pkt *
next(struct tv_pair *p, int64_t now, int all)
{
	while (p->held > 0) {
		uint32_t i = p->order[p->head];
		const struct slot *x = &p->s[i];
		int full = p->held >= p->cfg.slots - 1;

		if (!x->dead && !all && !full) {
			int64_t age = now - x->ts;

			if (!(x->matched && age >= (int64_t)p->cfg.settle_ns) &&
			    age < (int64_t)p->cfg.hold_ns)
				return NULL;	/* the oldest is undecided yet */
		}
		p->head = (p->head + 1) % p->cfg.slots;
		p->held--;
		if (x->dead) {
			unlink_slot(p, i);
			continue;
		}
		if (full && !all && !x->matched)
			p->st.full++;
		return emit(p, i);
	}
	return NULL;
}

const struct tv_pair_pkt *
tv_pair_next(struct tv_pair *p, int64_t now_ns)
{
	return next(p, now_ns, 0);
}

const struct tv_pair_pkt *
tv_pair_drain(struct tv_pair *p)
{
	return next(p, INT64_MAX, 1);
}

uint32_t
tv_pair_held(const struct tv_pair *p)
{
	return p->held;
}

void
tv_pair_get_stats(const struct tv_pair *p, struct tv_pair_stats *st)
{
	*st = p->st;
}
