/* \summary: IPv4 and IPv6 fragment reassembly in fixed memory (no I/O) */
#include <stdlib.h>
#include <string.h>

#include "tv_frag.h"

#define BLK		1024u	/* bytes of data per block */
#define NBLK		(TV_FRAG_MAX_BYTES / BLK)
#define MAX_DATA	65535u	/* a datagram's data, at most */
#define BLKMAP		((MAX_DATA + BLK) / BLK)
#define UNITS		((MAX_DATA + 8) / 8)	/* RFC 791: 8-byte units */

struct dgram {
	uint8_t used;
	uint8_t dead;		/* dropped: later fragments are swallowed */
	uint8_t v6, nh;
	uint8_t have_first, have_last;
	uint8_t src[16], dst[16];
	uint32_t id;
	int64_t first_ns;
	uint64_t age;		/* order of arrival: the smallest is the oldest */
	uint32_t total;		/* data length, known from the last fragment */
	uint32_t held;		/* data bytes held */
	uint32_t maxend;	/* the furthest end of data held */
	uint16_t nfrags;
	int link;		/* the first fragment's */
	uint16_t headlen;	/* link and IP headers of the first fragment
				   (inside a tunnel: its IP header only) */
	uint16_t l3off, iphlen, nhoff;
	uint16_t blk[BLKMAP];	/* block index + 1, 0: none yet */
	uint8_t bits[(UNITS + 7) / 8];	/* the 8-byte units held */
	struct tv_tunnel tun;	/* the tunnel it is inside (kind 0: none);
				   part of the key, via gathered */
	uint8_t head[TV_FRAG_HEAD_MAX];
};

struct tv_frag {
	struct dgram d[TV_FRAG_MAX_DGRAMS];
	uint8_t *pool;		/* NBLK blocks */
	uint16_t freel[NBLK];	/* free block indexes */
	unsigned nfree;
	uint64_t age;
	uint8_t *out;		/* the completed datagram */
	struct tv_frag_stats st;
};

struct tv_frag *
tv_frag_new(void)
{
	struct tv_frag *f = calloc(1, sizeof(*f));
	unsigned i;

	if (f == NULL)
		return NULL;
	f->pool = malloc((size_t)NBLK * BLK);
	f->out = malloc(TV_FRAG_HEAD_MAX + MAX_DATA);
	if (f->pool == NULL || f->out == NULL) {
		tv_frag_free(f);
		return NULL;
	}
	for (i = 0; i < NBLK; i++)
		f->freel[i] = (uint16_t)(NBLK - 1 - i);
	f->nfree = NBLK;
	return f;
}

void
tv_frag_free(struct tv_frag *f)
{
	if (f == NULL)
		return;
	free(f->pool);
	free(f->out);
	free(f);
}

static void
release(struct tv_frag *f, struct dgram *d)
{
	unsigned i;

	for (i = 0; i < BLKMAP; i++)
		if (d->blk[i]) {
			f->freel[f->nfree++] = (uint16_t)(d->blk[i] - 1);
			d->blk[i] = 0;
		}
}

static void
forget(struct tv_frag *f, struct dgram *d)
{
	release(f, d);
	memset(d, 0, sizeof(*d));
}

/* Drop d, counted in *why; it stays, dead, to swallow its other fragments. */
static int
drop(struct tv_frag *f, struct dgram *d, uint64_t *why)
{
	(*why)++;
	release(f, d);
	d->dead = 1;
	return TV_FRAG_DROPPED;
}

/* The same tunnel: kind, depth, key and endpoints as sent (a datagram's
 * fragments all go one way); none is the same as none. */
static int
tun_eq(const struct tv_tunnel *a, const struct tv_tunnel *b)
{
	return a->kind == b->kind && a->depth == b->depth &&
	    a->has_key == b->has_key && (!a->has_key || a->key == b->key) &&
	    memcmp(&a->src, &b->src, sizeof(a->src)) == 0 &&
	    memcmp(&a->dst, &b->dst, sizeof(a->dst)) == 0;
}

static int
key_eq(const struct dgram *d, const struct tv_pkt *pkt)
{
	const struct tv_ipfrag *q = &pkt->frag;

	return d->used && d->v6 == q->v6 && d->id == q->id &&
	    (q->v6 || d->nh == q->nh) &&
	    memcmp(d->src, pkt->src.a, 16) == 0 &&
	    memcmp(d->dst, pkt->dst.a, 16) == 0 &&
	    tun_eq(&d->tun, &pkt->tun);
}

/* The oldest datagram other than `keep`, or NULL. */
static struct dgram *
oldest(struct tv_frag *f, const struct dgram *keep)
{
	struct dgram *d, *o = NULL;

	for (d = f->d; d < f->d + TV_FRAG_MAX_DGRAMS; d++)
		if (d->used && d != keep && (o == NULL || d->age < o->age))
			o = d;
	return o;
}

static void
evict(struct tv_frag *f, struct dgram *d)
{
	if (!d->dead)
		f->st.evicted++;
	forget(f, d);
}

/* The slot for pkt's datagram: found, or a new one (the oldest evicted
 * when all are taken); datagrams past their time are dropped first. */
static struct dgram *
find(struct tv_frag *f, const struct tv_pkt *pkt, int64_t now)
{
	struct dgram *d, *hit = NULL, *empty = NULL;

	for (d = f->d; d < f->d + TV_FRAG_MAX_DGRAMS; d++) {
		if (d->used && now - d->first_ns > TV_FRAG_TIMEOUT_S * 1000000000LL) {
			if (!d->dead)
				f->st.timed_out++;
			forget(f, d);
		}
		if (!d->used) {
			if (empty == NULL)
				empty = d;
		} else if (key_eq(d, pkt)) {
			hit = d;
		}
	}
	if (hit != NULL)
		return hit;
	if (empty == NULL) {
		empty = oldest(f, NULL);
		evict(f, empty);
	}
	d = empty;
	d->used = 1;
	d->v6 = pkt->frag.v6;
	d->nh = pkt->frag.nh;
	d->id = pkt->frag.id;
	memcpy(d->src, pkt->src.a, 16);
	memcpy(d->dst, pkt->dst.a, 16);
	if (pkt->tun.depth) {
		d->tun.kind = pkt->tun.kind;
		d->tun.depth = pkt->tun.depth;
		d->tun.has_key = pkt->tun.has_key;
		d->tun.key = pkt->tun.has_key ? pkt->tun.key : 0;
		d->tun.src = pkt->tun.src;
		d->tun.dst = pkt->tun.dst;
	}
	d->first_ns = now;
	d->age = ++f->age;
	return d;
}

/* The block holding data offset o of d, taken from the pool when new
 * (other datagrams evicted, oldest first, while it is empty). */
static uint8_t *
block(struct tv_frag *f, struct dgram *d, uint32_t o)
{
	uint16_t *b = &d->blk[o / BLK];

	if (*b == 0) {
		while (f->nfree == 0)
			evict(f, oldest(f, d));
		*b = (uint16_t)(f->freel[--f->nfree] + 1);
	}
	return f->pool + (size_t)(*b - 1) * BLK;
}

static uint16_t
cksum(const uint8_t *p, unsigned n)
{
	uint32_t s = 0;
	unsigned i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* d is complete: the datagram into f->out. */
static int
complete(struct tv_frag *f, struct dgram *d, struct tv_frag_out *out)
{
	uint8_t *o = f->out, *ip;
	uint32_t hl = d->headlen, k, n;

	if (d->v6)
		hl -= 8;		/* the fragment header goes */
	/* the whole must fit its length field, with the first's headers */
	if ((d->v6 ? d->iphlen - 48u : d->iphlen) + d->total > 65535)
		return drop(f, d, &f->st.too_long);
	memcpy(o, d->head, hl);
	ip = o + d->l3off;
	if (d->v6) {
		ip[d->nhoff] = d->nh;
		put16(ip + 4, d->iphlen - 48u + d->total);
	} else {
		put16(ip + 2, d->iphlen + d->total);
		ip[6] &= 0xc0;		/* reserved and DF kept; MF, offset 0 */
		ip[7] = 0;
		put16(ip + 10, 0);
		put16(ip + 10, cksum(ip, d->iphlen));
	}
	for (k = 0; k < d->total; k += n) {
		n = BLK - k % BLK;
		if (n > d->total - k)
			n = d->total - k;
		memcpy(o + hl + k, f->pool + (size_t)(d->blk[k / BLK] - 1) * BLK +
		    k % BLK, n);
	}
	out->link = d->link;
	out->tun = d->tun;
	out->data = o;
	out->len = hl + d->total;
	out->nfrags = d->nfrags;
	f->st.reassembled++;
	forget(f, d);
	return TV_FRAG_DONE;
}

/* The first fragment's headers kept in d: the link's and the IP's; inside
 * a tunnel the inner IP header only, a bare IP packet in the end (the
 * outer headers' lengths are the fragment's), its tunnel in out->tun.
 * -1 when they do not fit. */
static int
keep_head(struct dgram *d, int link, const uint8_t *frame,
    const struct tv_pkt *pkt)
{
	const struct tv_ipfrag *q = &pkt->frag;
	uint32_t hl = (uint32_t)(pkt->payload - frame);

	if (hl > TV_FRAG_HEAD_MAX || hl < q->hlen)
		return -1;
	if (pkt->tun.depth) {
		frame = pkt->payload - q->hlen;
		hl = q->hlen;
		link = TV_LINK_RAW;
	}
	memcpy(d->head, frame, hl);
	d->headlen = (uint16_t)hl;
	d->l3off = (uint16_t)(hl - q->hlen);
	d->iphlen = q->hlen;
	d->nhoff = q->nhoff;
	d->nh = q->nh;
	d->link = link;
	d->have_first = 1;
	return 0;
}

int
tv_frag_add(struct tv_frag *f, int link, const uint8_t *frame,
    const struct tv_pkt *pkt, struct tv_frag_out *out)
{
	const struct tv_ipfrag *q = &pkt->frag;
	int64_t now;
	struct dgram *d;
	uint32_t off = q->off, len = pkt->len, end = off + len, u, k, n;
	uint32_t limit;

	if (pkt->skip != TV_SKIP_FRAGMENT || pkt->malformed != NULL ||
	    pkt->truncated || pkt->paycap != len ||
	    (len > 0 && pkt->payload == NULL)) {
		f->st.damaged++;
		return TV_FRAG_REFUSED;
	}
	f->st.fragments++;
	/* capture time in ns, saturated (a hostile file's seconds) */
	if (pkt->ts_sec > INT64_MAX / 1000000000 - 1)
		now = INT64_MAX / 2;
	else if (pkt->ts_sec < INT64_MIN / 1000000000 + 1)
		now = INT64_MIN / 2;
	else
		now = pkt->ts_sec * 1000000000LL + pkt->ts_nsec;
	d = find(f, pkt, now);
	if (d->dead)
		return TV_FRAG_DROPPED;
	if (d->nfrags < UINT16_MAX)
		d->nfrags++;
	/* RFC 791 §3.2, RFC 8200 §4.5: at most 65535 bytes in the end */
	limit = q->v6 ? 65535u - (q->hlen - 48u) : 65535u - q->hlen;
	if (end > limit)
		return drop(f, d, &f->st.too_long);
	if (q->more && len % 8 != 0)
		return drop(f, d, &f->st.bad);
	if (!q->more) {
		if ((d->have_last && d->total != end) || end < d->maxend)
			return drop(f, d, &f->st.bad);
		d->have_last = 1;
		d->total = end;
	}
	if (d->have_last && end > d->total)
		return drop(f, d, &f->st.bad);
	/* RFC 5722: overlap drops the datagram */
	for (u = off / 8; u < (end + 7) / 8; u++)
		if (d->bits[u / 8] & (1u << (u % 8)))
			return drop(f, d, &f->st.overlap);
	if (off == 0 && keep_head(d, link, frame, pkt) < 0)
		return drop(f, d, &f->st.bad);
	d->tun.via |= pkt->tun.via;
	for (u = off / 8; u < (end + 7) / 8; u++)
		d->bits[u / 8] |= (uint8_t)(1u << (u % 8));
	for (k = off; k < end; k += n) {
		n = BLK - k % BLK;
		if (n > end - k)
			n = end - k;
		memcpy(block(f, d, k) + k % BLK, pkt->payload + (k - off), n);
	}
	d->held += len;
	if (end > d->maxend)
		d->maxend = end;
	if (d->have_first && d->have_last && d->held == d->total)
		return complete(f, d, out);
	return TV_FRAG_HELD;
}

void
tv_frag_finish(struct tv_frag *f)
{
	struct dgram *d;

	for (d = f->d; d < f->d + TV_FRAG_MAX_DGRAMS; d++) {
		if (d->used && !d->dead)
			f->st.incomplete++;
		if (d->used)
			forget(f, d);
	}
}

void
tv_frag_get_stats(const struct tv_frag *f, struct tv_frag_stats *st)
{
	*st = f->st;
}

uint64_t
tv_frag_dropped(const struct tv_frag_stats *st)
{
	return st->overlap + st->too_long + st->bad + st->timed_out +
	    st->evicted + st->incomplete;
}

int
tv_frag_decode(const struct tv_frag_out *out, unsigned opts, struct tv_pkt *pkt)
{
	struct tv_tunnel in;
	int r = tv_decode_opts(out->link, out->data, out->len, out->len,
	    opts | TV_DEC_REBUILT, pkt);

	pkt->frags = out->nfrags ? out->nfrags : 1;
	if (out->tun.depth == 0)
		return r;
	/* the fragments' tunnel is the outermost; any inside the datagram
	 * are counted within it */
	in = pkt->tun;
	pkt->tun = out->tun;
	pkt->tun.via |= in.via;
	if (in.depth) {
		if ((unsigned)out->tun.depth + in.depth > TV_TUN_MAX_DEPTH) {
			pkt->skip = TV_SKIP_TUNNEL_DEPTH;
			pkt->proto = 0;
			return 1;
		}
		pkt->tun.depth = (uint8_t)(pkt->tun.depth + in.depth);
	}
	return r;
}
