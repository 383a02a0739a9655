/* \summary: connection table: 4-tuple hashing, client/server roles, closing, row storage */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "tv_flow.h"

/*
 * The index: open addressing with linear probing over slots of 16 bytes,
 * each a connection's hash beside its pointer, at most half full.  A
 * lookup reads a cache line of slots and, for the one whose hash agrees,
 * the head of that connection; a chained table read a pointer and the
 * hash from each connection on the chain, two cache misses a step.
 * Deletion shifts the slots after it back (Knuth 6.4, Algorithm R): no
 * tombstones, so probes stay short however many connections come and go.
 */
struct slot {
	uint32_t hash;
	struct tv_conn *c;	/* NULL: free */
};

struct tv_flow {
	struct tv_flow_cfg cfg;
	struct slot *slots;
	size_t nslots;			/* power of two, >= 2 * nopen */
	struct tv_conn *free_conns;	/* freed connections, to use again */
	uint64_t nfree;
	uint64_t nopen;
	uint32_t next_id;
	struct tv_list {
		struct tv_conn *head, *tail;
		size_t off;		/* offsetof the struct tv_chain it uses */
	} lru[2], cq;		/* TCP's and UDP's, least recently active first;
				   closed, waiting out the linger */
	struct tv_rowblk *free_blks[TV_ROWBLK_SIZES];	/* recycled, by size */
	struct tv_flow_stats st;
	struct late *late;	/* recently closed connections (NULL: none yet) */
	uint64_t late_stamp;
	uint8_t finishing;	/* tv_flow_finish(): nothing more to remember */
	uint32_t nheld;		/* finished, out of the table, not yet handed
				   out (cfg.batch) */
	struct held {
		struct tv_conn *c;
		enum tv_done why;
	} held[TV_FLOW_BATCH];
};

/*
 * A closed TCP connection handed out, remembered so that its late packets
 * (a stray RST, a FIN sent again, data after the linger) join it instead
 * of starting a midstream connection with the roles guessed again: its
 * 4-tuple in its roles, its id, each side's next sequence number at the
 * close, its numbering and final states.  TV_FLOW_LATE_SETS sets of
 * TV_FLOW_LATE_WAYS by the connection's hash, allocated once, when the
 * first is remembered; a new entry takes the oldest of its set.  A SYN
 * without ACK on the 4-tuple forgets it.
 */
struct late {
	struct tv_addr addr[2];	/* [TV_CLIENT], [TV_SERVER] */
	uint16_t port[2];
	struct tv_tunnel tun;	/* the tunnel it was in (kind 0: none) */
	uint32_t id, hash;
	uint32_t nxt[2], isn[2], base[2];
	uint8_t nxt_known[2], isn_known[2], base_known[2];
	uint8_t state[2];
	uint8_t used;
	uint64_t stamp;		/* order remembered: the oldest goes first */
};

#define INITIAL_SLOTS 2048
#define FREE_CONNS_KEPT 4096	/* freed connections kept for reuse, at most */

static int64_t
ts_ns(int64_t sec, uint32_t nsec)
{
	return sec * 1000000000LL + nsec;
}

static int
addr_eq(const struct tv_addr *a, const struct tv_addr *b)
{
	return a->family == b->family && memcmp(a->a, b->a, 16) == 0;
}

/*
 * The bucket of a 4-tuple: SipHash-1-3 (Aumasson and Bernstein; the rounds
 * Python and Rust use for their tables) under the table's secret key
 * (tv_flow_cfg.key), over both endpoints in a canonical order, so that
 * both directions of a connection hash alike.  Without the key, anyone
 * who knows the function can send 4-tuples that share one bucket and make
 * each lookup walk them all (issue 11: 100,000 such tuples took 138.8 s
 * where ordinary ones took 0.29 s).
 */
#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND do {							\
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);	\
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;				\
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;				\
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);	\
} while (0)

/* eight bytes as a little-endian number */
static uint64_t
ld64(const uint8_t *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

#define SIP_INIT(key) \
	uint64_t v0 = (key)[0] ^ 0x736f6d6570736575ULL;			\
	uint64_t v1 = (key)[1] ^ 0x646f72616e646f6dULL;			\
	uint64_t v2 = (key)[0] ^ 0x6c7967656e657261ULL;			\
	uint64_t v3 = (key)[1] ^ 0x7465646279746573ULL
#define SIP_WORD(m) do { v3 ^= (m); SIPROUND; v0 ^= (m); } while (0)
#define SIP_FINISH() do { v2 ^= 0xff; SIPROUND; SIPROUND; SIPROUND; } while (0)

uint64_t
tv_siphash13(const uint64_t key[2], const void *msg, size_t len)
{
	const uint8_t *p = msg;
	uint64_t m = (uint64_t)(len & 0xff) << 56;
	size_t left = len, i;
	SIP_INIT(key);

	for (; left >= 8; p += 8, left -= 8)
		SIP_WORD(ld64(p));
	for (i = 0; i < left; i++)
		m |= (uint64_t)p[i] << (8 * i);
	SIP_WORD(m);
	SIP_FINISH();
	return v0 ^ v1 ^ v2 ^ v3;
}

/*
 * Any other pair, SipHash-1-3 of the 39 bytes: the lower endpoint's address (16 bytes),
 * the higher's, their ports (2 bytes each, little-endian), the protocol,
 * their families.  The lower endpoint is the one whose address, read as
 * two little-endian words, then port, then family, compares lower: so
 * both directions give one message.  Word by word, as tv_siphash13()
 * would read those bytes, without writing them out.
 */
/*
 * IPv4 both ways, the 13 bytes: the lower endpoint's address (4 bytes),
 * the higher's, their ports (2 bytes each, little-endian), the protocol:
 * two SipHash words where the general form takes five (a tenth of
 * --summary's time went to this hash).
 */
static uint64_t
tuple_hash4(const uint64_t key[2], const struct tv_addr *a, uint16_t ap,
    const struct tv_addr *b, uint16_t bp, uint8_t proto)
{
	uint32_t a4, b4, t4;
	uint16_t tp;
	uint64_t m;
	SIP_INIT(key);

	memcpy(&a4, a->a, 4);	/* the bytes as a little-endian number */
	memcpy(&b4, b->a, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	a4 = __builtin_bswap32(a4);
	b4 = __builtin_bswap32(b4);
#endif
	if (b4 < a4 || (b4 == a4 && bp < ap)) {
		t4 = a4, a4 = b4, b4 = t4;
		tp = ap, ap = bp, bp = tp;
	}
	SIP_WORD((uint64_t)a4 | (uint64_t)b4 << 32);
	m = ap | (uint64_t)bp << 16 | (uint64_t)proto << 32 | (uint64_t)13 << 56;
	SIP_WORD(m);
	SIP_FINISH();
	return v0 ^ v1 ^ v2 ^ v3;
}

static uint64_t
tuple_hash16(const uint64_t key[2], const struct tv_addr *a, uint16_t ap,
    const struct tv_addr *b, uint16_t bp, uint8_t proto)
{
	uint64_t a0 = ld64(a->a), a1 = ld64(a->a + 8);
	uint64_t b0 = ld64(b->a), b1 = ld64(b->a + 8);
	uint32_t ax = ap | (uint32_t)a->family << 16;
	uint32_t bx = bp | (uint32_t)b->family << 16;
	uint64_t t;
	SIP_INIT(key);

	if (b0 < a0 || (b0 == a0 && (b1 < a1 || (b1 == a1 && bx < ax)))) {
		t = a0, a0 = b0, b0 = t;
		t = a1, a1 = b1, b1 = t;
		t = ax, ax = bx, bx = (uint32_t)t;
	}
	SIP_WORD(a0);
	SIP_WORD(a1);
	SIP_WORD(b0);
	SIP_WORD(b1);
	t = (ax & 0xffff) | (uint64_t)(bx & 0xffff) << 16 |
	    (uint64_t)proto << 32 | (uint64_t)(ax >> 16) << 40 |
	    (uint64_t)(bx >> 16) << 48 | (uint64_t)39 << 56;
	SIP_WORD(t);
	SIP_FINISH();
	return v0 ^ v1 ^ v2 ^ v3;
}

/* The keyed hash of a 4-tuple and protocol, the same both ways. */
static uint64_t
tuple_hash(const uint64_t key[2], const struct tv_addr *a, uint16_t ap,
    const struct tv_addr *b, uint16_t bp, uint8_t proto)
{
	if (a->family == 4 && b->family == 4)
		return tuple_hash4(key, a, ap, b, bp, proto);
	return tuple_hash16(key, a, ap, b, bp, proto);
}

/* Does a tunnel's key tell its connections apart?  GTP-U's TEID does
 * not: each direction has its own (TS 29.281 §5.1); nor PPTP's call id,
 * the peer's in each packet (RFC 2637 §4.1). */
static int
tun_keyed(const struct tv_tunnel *t)
{
	return t->has_key && t->kind != TV_TUN_GTPU && t->kind != TV_TUN_PPTP;
}

/* The same tunnel, whichever way round its endpoints (an ERSPAN source
 * sends both directions of what it mirrors). */
static int
tun_eq(const struct tv_tunnel *a, const struct tv_tunnel *b)
{
	if (a->kind != b->kind || a->depth != b->depth ||
	    tun_keyed(a) != tun_keyed(b) || (tun_keyed(a) && a->key != b->key))
		return 0;
	return (addr_eq(&a->src, &b->src) && addr_eq(&a->dst, &b->dst)) ||
	    (addr_eq(&a->src, &b->dst) && addr_eq(&a->dst, &b->src));
}

/* The 4-tuple's hash h and the tunnel's identity, its endpoints in a
 * canonical order, hashed together (only for a packet in a tunnel). */
static uint64_t
tun_hash(const uint64_t key[2], uint64_t h, const struct tv_tunnel *t)
{
	uint8_t m[8 + 6 + 2 * 17];
	const struct tv_addr *lo = &t->src, *hi = &t->dst;
	uint32_t k = tun_keyed(t) ? t->key : 0;

	if (memcmp(hi, lo, sizeof(*lo)) < 0)
		lo = &t->dst, hi = &t->src;
	memcpy(m, &h, 8);
	m[8] = t->kind;
	m[9] = t->depth;
	memcpy(m + 10, &k, 4);
	memcpy(m + 14, lo, sizeof(*lo));
	memcpy(m + 14 + sizeof(*lo), hi, sizeof(*hi));
	return tv_siphash13(key, m, sizeof(m));
}

uint64_t
tv_flow_hash(const uint64_t key[2], const struct tv_pkt *pkt)
{
	uint64_t h = tuple_hash(key, &pkt->src, pkt->sport, &pkt->dst, pkt->dport,
	    pkt->proto);

	return pkt->tun.kind ? tun_hash(key, h, &pkt->tun) : h;
}

/* 32 bits of it are enough: the table never has more buckets than
 * max_conns (a uint32_t) rounded up to a power of two */
static uint32_t
pkt_hash(const struct tv_flow *f, const struct tv_pkt *pkt)
{
	return (uint32_t)tv_flow_hash(f->cfg.key, pkt);
}

/* A connection's size is the table's memory (bench/connmem.c measures it;
 * docs/performance.md): a field added finds a hole, or raises this on
 * purpose. */
_Static_assert(sizeof(struct tv_conn) <= 720, "struct tv_conn grew");

/* where the caller's area begins in a connection's allocation */
#define USER_OFF ((sizeof(struct tv_conn) + 15) & ~(size_t)15)

void *
tv_conn_user(const struct tv_conn *c)
{
	return (char *)(uintptr_t)c + USER_OFF;
}

static size_t
home(const struct tv_flow *f, uint32_t hash)
{
	return hash & (f->nslots - 1);
}

/* The side of c that sent pkt, or -1 when pkt is not c's. */
static int
match(const struct tv_conn *c, const struct tv_pkt *pkt)
{
	if (c->proto != pkt->proto)
		return -1;
	if ((c->tun.kind | pkt->tun.kind) && !tun_eq(&c->tun, &pkt->tun))
		return -1;
	if (c->port[0] == pkt->sport && c->port[1] == pkt->dport &&
	    addr_eq(&c->addr[0], &pkt->src) && addr_eq(&c->addr[1], &pkt->dst))
		return TV_CLIENT;
	if (c->port[1] == pkt->sport && c->port[0] == pkt->dport &&
	    addr_eq(&c->addr[1], &pkt->src) && addr_eq(&c->addr[0], &pkt->dst))
		return TV_SERVER;
	return -1;
}

/* match() for a remembered connection: the side pkt came from, or -1 */
static int
late_match(const struct late *e, const struct tv_pkt *pkt)
{
	if ((e->tun.kind | pkt->tun.kind) && !tun_eq(&e->tun, &pkt->tun))
		return -1;
	if (e->port[0] == pkt->sport && e->port[1] == pkt->dport &&
	    addr_eq(&e->addr[0], &pkt->src) && addr_eq(&e->addr[1], &pkt->dst))
		return TV_CLIENT;
	if (e->port[1] == pkt->sport && e->port[0] == pkt->dport &&
	    addr_eq(&e->addr[1], &pkt->src) && addr_eq(&e->addr[0], &pkt->dst))
		return TV_SERVER;
	return -1;
}

/* e is of c's 4-tuple and tunnel, with the roles either way round (a
 * later connection of the 4-tuple may have them the other way: it takes
 * the place, so that a 4-tuple has one entry, the latest) */
static int
late_same(const struct late *e, const struct tv_conn *c)
{
	int s;

	if ((e->tun.kind | c->tun.kind) && !tun_eq(&e->tun, &c->tun))
		return 0;
	for (s = 0; s < 2; s++)
		if (e->port[0] == c->port[s] && e->port[1] == c->port[!s] &&
		    addr_eq(&e->addr[0], &c->addr[s]) &&
		    addr_eq(&e->addr[1], &c->addr[!s]))
			return 1;
	return 0;
}

/* the remembered connection of pkt's 4-tuple (TCP), or NULL */
static struct late *
late_find(struct tv_flow *f, const struct tv_pkt *pkt, uint32_t hash, int *side)
{
	struct late *set;
	unsigned w;

	if (f->late == NULL || pkt->proto != 6)
		return NULL;
	set = &f->late[(hash & (TV_FLOW_LATE_SETS - 1)) * TV_FLOW_LATE_WAYS];
	for (w = 0; w < TV_FLOW_LATE_WAYS; w++)
		if (set[w].used && set[w].hash == hash &&
		    (*side = late_match(&set[w], pkt)) >= 0)
			return &set[w];
	return NULL;
}

/* v within TV_FLOW_LATE_WINDOW of ref, either way (mod 2^32) */
static int
late_near(uint32_t v, uint32_t ref)
{
	return (uint32_t)(v - ref + TV_FLOW_LATE_WINDOW) <= 2 * TV_FLOW_LATE_WINDOW;
}

/*
 * Is pkt, sent by `side`, plausibly a late packet of e?  Its sequence
 * number near where that side's stood at the close, and its ACK (when it
 * has one) near the peer's; at least one of the two known, neither far.
 */
static int
late_plausible(const struct late *e, const struct tv_pkt *pkt, int side)
{
	int seq = -1, ack = -1;

	if (e->nxt_known[side])
		seq = late_near(pkt->seq, e->nxt[side]);
	if ((pkt->flags & TV_TH_ACK) && e->nxt_known[!side])
		ack = late_near(pkt->ack, e->nxt[!side]);
	return seq != 0 && ack != 0 && (seq == 1 || ack == 1);
}

/* Remember c, a closed TCP connection being handed out. */
static void
late_put(struct tv_flow *f, const struct tv_conn *c)
{
	struct late *set, *e = NULL, keep;
	unsigned w;
	int s;

	keep.used = 0;
	if (c->proto != 6 || !c->closed || f->finishing)
		return;
	if (f->late == NULL && (f->late = calloc(TV_FLOW_LATE_SETS *
	    TV_FLOW_LATE_WAYS, sizeof(*f->late))) == NULL)
		return;		/* out of memory: late packets start anew */
	set = &f->late[(c->hash & (TV_FLOW_LATE_SETS - 1)) * TV_FLOW_LATE_WAYS];
	for (w = 0; w < TV_FLOW_LATE_WAYS && e == NULL; w++)
		if (set[w].used && set[w].hash == c->hash && late_same(&set[w], c))
			e = &set[w];	/* the same 4-tuple, either way: one entry */
	for (w = 0; w < TV_FLOW_LATE_WAYS && e == NULL; w++)
		if (!set[w].used)
			e = &set[w];
	if (e == NULL) {		/* the oldest of the set */
		e = &set[0];
		for (w = 1; w < TV_FLOW_LATE_WAYS; w++)
			if (set[w].stamp < e->stamp)
				e = &set[w];
	}
	/* late packets of it handed out: where a side sent none of them,
	 * its number stays the one remembered at the close */
	if (c->late_of && e->used && e->id == c->late_of)
		keep = *e;
	memset(e, 0, sizeof(*e));
	e->used = 1;
	e->stamp = ++f->late_stamp;
	e->hash = c->hash;
	e->tun = c->tun;
	e->id = c->late_of ? c->late_of : c->id;
	for (s = 0; s < 2; s++) {
		e->addr[s] = c->addr[s];
		e->port[s] = c->port[s];
		e->nxt[s] = c->tcp.q[s].nxt;
		e->nxt_known[s] = c->tcp.q[s].nxt_known;
		if (!e->nxt_known[s] && keep.used) {
			e->nxt[s] = keep.nxt[s];
			e->nxt_known[s] = keep.nxt_known[s];
		}
		e->isn[s] = c->isn[s];
		e->isn_known[s] = c->isn_known[s];
		e->base[s] = c->base[s];
		e->base_known[s] = c->base_known[s];
		e->state[s] = c->tcp.state[s];
	}
}

/* c begins as the late packets of e: its numbering and final states, and
 * closed, so that nothing moves them (each row notes after-close) */
static void
late_begin(struct tv_conn *c, const struct late *e)
{
	int s;

	c->late_of = e->id;
	for (s = 0; s < 2; s++) {
		c->isn[s] = e->isn[s];
		c->isn_known[s] = e->isn_known[s];
		c->base[s] = e->base[s];
		c->base_known[s] = e->base_known[s];
		c->tcp.state[s] = c->tcp.init_state[s] = e->state[s];
	}
	c->tcp.closed = 1;
}

struct tv_flow *
tv_flow_new(const struct tv_flow_cfg *cfg)
{
	struct tv_flow *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->cfg = *cfg;
	f->lru[0].off = f->lru[1].off = offsetof(struct tv_conn, lru);
	f->cq.off = offsetof(struct tv_conn, cq);
	if (f->cfg.max_conns == 0)
		f->cfg.max_conns = TV_FLOW_MAX_CONNS;
	if (f->cfg.max_rows == 0)
		f->cfg.max_rows = TV_FLOW_MAX_ROWS;
	f->nslots = INITIAL_SLOTS;
	f->next_id = cfg->first_id > 0 ? cfg->first_id - 1 : 0;
	f->slots = calloc(f->nslots, sizeof(*f->slots));
	if (f->slots == NULL) {
		free(f);
		return NULL;
	}
	tv_flow_batch(f, cfg->batch);	/* at most TV_FLOW_BATCH */
	return f;
}

/* The size class of a block of cap rows: cap = TV_ROWBLK_FIRST << k. */
static int
blk_size(unsigned cap)
{
	int k = 0;

	while (k < TV_ROWBLK_SIZES - 1 && (unsigned)(TV_ROWBLK_FIRST << k) < cap)
		k++;
	return k;
}

static void
rows_release(struct tv_flow *f, struct tv_conn *c)
{
	struct tv_rowblk *b, *next;

	for (b = c->rows; b != NULL; b = next) {
		int k = blk_size(b->cap);

		next = b->next;
		b->next = f->free_blks[k];
		f->free_blks[k] = b;
	}
	c->rows = c->rows_tail = NULL;
	c->nrows = 0;
}

/* The link of c that list l uses. */
static struct tv_chain *
link_of(const struct tv_list *l, struct tv_conn *c)
{
	return (struct tv_chain *)(void *)((char *)c + l->off);
}

static void
list_unlink(struct tv_list *l, struct tv_conn *c)
{
	struct tv_chain *k = link_of(l, c);

	if (k->prev)
		link_of(l, k->prev)->next = k->next;
	else
		l->head = k->next;
	if (k->next)
		link_of(l, k->next)->prev = k->prev;
	else
		l->tail = k->prev;
	k->prev = k->next = NULL;
}

static void
list_append(struct tv_list *l, struct tv_conn *c)
{
	struct tv_chain *k = link_of(l, c);

	k->prev = l->tail;
	k->next = NULL;
	if (l->tail)
		link_of(l, l->tail)->next = c;
	else
		l->head = c;
	l->tail = c;
}

static void
cq_unlink(struct tv_flow *f, struct tv_conn *c)
{
	if (c->in_cq)
		list_unlink(&f->cq, c);
	c->in_cq = 0;
}

/* c's activity list: TCP's or UDP's (their inactivity timeouts differ) */
static struct tv_list *
lru_of(struct tv_flow *f, const struct tv_conn *c)
{
	return &f->lru[c->proto == 17];
}

/* The least recently active connection of all, or NULL. */
static struct tv_conn *
oldest(const struct tv_flow *f)
{
	const struct tv_conn *t = f->lru[0].head, *u = f->lru[1].head;

	if (t == NULL || u == NULL)
		return (struct tv_conn *)(uintptr_t)(t ? t : u);
	return (struct tv_conn *)(uintptr_t)(ts_ns(u->last_sec, u->last_nsec) <
	    ts_ns(t->last_sec, t->last_nsec) ? u : t);
}

/* Take c's slot out of the index, moving back the slots after it that
 * would otherwise be cut off from their home. */
static void
index_remove(struct tv_flow *f, const struct tv_conn *c)
{
	size_t mask = f->nslots - 1, i = home(f, c->hash), j, k;

	while (f->slots[i].c != c) {
		if (f->slots[i].c == NULL)
			return;		/* not indexed: nothing to do */
		i = (i + 1) & mask;
	}
	for (j = i;;) {
		j = (j + 1) & mask;
		if (f->slots[j].c == NULL)
			break;
		k = home(f, f->slots[j].hash);
		/* j's home lies cyclically in (i, j]: it stays */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		f->slots[i] = f->slots[j];
		i = j;
	}
	f->slots[i].c = NULL;
}

static void
index_put(struct slot *slots, size_t nslots, uint32_t hash, struct tv_conn *c)
{
	size_t i = hash & (nslots - 1);

	while (slots[i].c != NULL)
		i = (i + 1) & (nslots - 1);
	slots[i].hash = hash;
	slots[i].c = c;
}

/* Take c out of the index and every list: no packet finds it now. */
static void
conn_unlink(struct tv_flow *f, struct tv_conn *c)
{
	index_remove(f, c);
	list_unlink(lru_of(f, c), c);
	cq_unlink(f, c);
	f->nopen--;
}

/* Free an unlinked c, its rows and all, without a callback. */
static void
conn_release(struct tv_flow *f, struct tv_conn *c)
{
	rows_release(f, c);
	if (f->nfree < FREE_CONNS_KEPT) {	/* kept for the next one */
		c->lru.next = f->free_conns;
		f->free_conns = c;
		f->nfree++;
	} else {
		free(c);
	}
}

static void
conn_free(struct tv_flow *f, struct tv_conn *c)
{
	conn_unlink(f, c);
	conn_release(f, c);
}

/* Hand out the connections held back (cfg.batch), in the order they
 * finished. */
static void
held_flush(struct tv_flow *f)
{
	uint32_t i;

	for (i = 0; i < f->nheld; i++) {
		if (f->cfg.done)
			f->cfg.done(f->held[i].c, f->held[i].why, f->cfg.ctx);
		conn_release(f, f->held[i].c);
	}
	f->nheld = 0;
}

/* Hand c to the caller, then free it; or, batched, take it out of the
 * table now (its late packets find what late_put() remembers, as they
 * would after the callback) and hand it out with the batch. */
static void
conn_done(struct tv_flow *f, struct tv_conn *c, enum tv_done why)
{
	if (why == TV_DONE_EVICTED)
		f->st.evicted++;
	if (why == TV_DONE_CLOSED)
		late_put(f, c);
	if (f->cfg.batch == 0) {
		if (f->cfg.done)
			f->cfg.done(c, why, f->cfg.ctx);
		conn_free(f, c);
		return;
	}
	conn_unlink(f, c);
	f->held[f->nheld].c = c;
	f->held[f->nheld].why = why;
	if (++f->nheld >= f->cfg.batch)
		held_flush(f);
}

void
tv_flow_free(struct tv_flow *f)
{
	struct tv_rowblk *b;
	struct tv_conn *c;
	int k;

	if (f == NULL)
		return;
	while (f->nheld > 0)
		conn_release(f, f->held[--f->nheld].c);
	while (f->lru[0].head || f->lru[1].head)
		conn_free(f, f->lru[0].head ? f->lru[0].head : f->lru[1].head);
	for (k = 0; k < TV_ROWBLK_SIZES; k++) {
		while ((b = f->free_blks[k]) != NULL) {
			f->free_blks[k] = b->next;
			free(b);
		}
	}
	while ((c = f->free_conns) != NULL) {
		f->free_conns = c->lru.next;
		free(c);
	}
	free(f->slots);
	free(f->late);
	free(f);
}

/* Double the slots when they would be more than half full; on failure
 * keep the old (fuller, still working). */
static void
maybe_grow(struct tv_flow *f)
{
	struct slot *ns;
	size_t i;

	if (2 * (f->nopen + 1) <= f->nslots)
		return;
	if ((ns = calloc(f->nslots * 2, sizeof(*ns))) == NULL)
		return;
	for (i = 0; i < f->nslots; i++)
		if (f->slots[i].c != NULL)
			index_put(ns, f->nslots * 2, f->slots[i].hash, f->slots[i].c);
	free(f->slots);
	f->slots = ns;
	f->nslots *= 2;
}

/* pkt's connection, or NULL; hash: pkt_hash(f, pkt) */
static struct tv_conn *
lookup(struct tv_flow *f, const struct tv_pkt *pkt, uint32_t hash, int *side)
{
	size_t mask = f->nslots - 1, i;
	struct tv_conn *c;

	for (i = home(f, hash); (c = f->slots[i].c) != NULL; i = (i + 1) & mask)
		if (f->slots[i].hash == hash && (*side = match(c, pkt)) >= 0)
			return c;
	return NULL;
}

/*
 * A new connection for pkt.  The client is the side that sent the first
 * SYN without ACK.  A SYN-ACK seen first answers a SYN that was not
 * captured, so its receiver is the client.  Otherwise (no SYN: midstream
 * TCP, UDP) the first sender is, unless Zeek's port rule flips it
 * (tv_flow_port_flip(): from a likely server port to one that is not).
 */
static struct tv_conn *
conn_new(struct tv_flow *f, const struct tv_pkt *pkt, uint32_t hash,
    const struct late *late)
{
	struct tv_conn *c;
	int rev;

	/* full: first the closed ones waiting out their linger (drawn as a
	 * larger table would draw them, only sooner), then the least
	 * recently active open one */
	while (f->nopen >= f->cfg.max_conns && f->cq.head != NULL)
		conn_done(f, f->cq.head, TV_DONE_CLOSED);
	while (f->nopen >= f->cfg.max_conns && oldest(f) != NULL)
		conn_done(f, oldest(f), TV_DONE_EVICTED);
	/* the held ones count too: max_conns bounds what is kept */
	if (f->nopen + f->nheld >= f->cfg.max_conns)
		held_flush(f);
	if ((c = f->free_conns) != NULL) {
		f->free_conns = c->lru.next;
		f->nfree--;
		memset(c, 0, USER_OFF + f->cfg.user_size);
	} else if ((c = calloc(1, USER_OFF + f->cfg.user_size)) == NULL) {
		return NULL;
	}
	rev = pkt->proto == 6 && (pkt->flags & (TV_TH_SYN | TV_TH_ACK)) ==
	    (TV_TH_SYN | TV_TH_ACK);
	if (late != NULL)	/* the roles of the connection it is late for */
		rev = late_match(late, pkt) == TV_SERVER;
	else if (!rev && tv_flow_port_flip(pkt))
		rev = c->port_flip = 1;
	if (late != NULL) {
		c->id = late->id;
	} else {
		if (f->next_id != UINT32_MAX)	/* saturates, never wraps */
			f->next_id++;
		c->id = f->next_id;
	}
	c->proto = pkt->proto;
	c->addr[rev ? TV_SERVER : TV_CLIENT] = pkt->src;
	c->port[rev ? TV_SERVER : TV_CLIENT] = pkt->sport;
	c->addr[rev ? TV_CLIENT : TV_SERVER] = pkt->dst;
	c->port[rev ? TV_CLIENT : TV_SERVER] = pkt->dport;
	c->tun = pkt->tun;
	if (rev && c->tun.kind != TV_TUN_ERSPAN) {	/* the client's end first */
		c->tun.src = pkt->tun.dst;
		c->tun.dst = pkt->tun.src;
	}
	c->first_sec = pkt->ts_sec;
	c->first_nsec = pkt->ts_nsec;
	c->hash = hash;
	maybe_grow(f);
	if (f->nopen + 1 >= f->nslots) {	/* could not grow, and full */
		c->lru.next = f->free_conns;
		f->free_conns = c;
		f->nfree++;
		return NULL;
	}
	index_put(f->slots, f->nslots, hash, c);
	list_append(lru_of(f, c), c);
	f->nopen++;
	if (late == NULL)	/* a late part is no connection of its own */
		f->st.conns++;
	if (f->nopen > f->st.peak)
		f->st.peak = f->nopen;
	return c;
}

void
tv_flow_row(const struct tv_conn *c, const struct tv_pkt *pkt,
    enum tv_side from, struct tv_row *r)
{
	*r = (struct tv_row){
		.n = pkt->n, .ts_sec = pkt->ts_sec, .ts_nsec = pkt->ts_nsec,
		.seq = pkt->seq, .ack = pkt->ack, .len = pkt->len, .win = pkt->win,
		.mss = pkt->mss, .flags = pkt->flags, .from = (uint8_t)from,
		.opt_mask = pkt->opt_mask, .wscale = pkt->wscale,
		.nsack = pkt->nsack, .truncated = pkt->truncated,
		.malformed = pkt->malformed, .an = c->last,
		.ttl = pkt->ttl, .has_ipid = pkt->has_ipid, .ipid = pkt->ipid,
		.ts_val = pkt->ts_val, .ts_ecr = pkt->ts_ecr,
		.ck_l4 = pkt->ck_l4, .ck_got = pkt->ck_got, .ck_want = pkt->ck_want,
		.seen = pkt->seen, .lost = pkt->lost, .owd_ns = pkt->owd_ns,
		.frags = pkt->frags,
	};
	memcpy(r->sack, pkt->sack, sizeof(r->sack));
	if (pkt->icmp.kind != TV_ICMP_NONE) {
		/* a word about the connection, not a segment of it: it
		 * changed nothing */
		memset(&r->an, 0, sizeof(r->an));
		r->an.state[0] = c->tcp.state[0];
		r->an.state[1] = c->tcp.state[1];
		r->icmp = pkt->icmp.kind;
		r->icmp6 = pkt->icmp.v6;
		r->mtu = pkt->icmp.mtu;
		r->has_qseq = pkt->icmp.has_seq;
		r->icmp_relay = !addr_eq(&pkt->icmp.from, &pkt->src);
		r->seq = pkt->icmp.seq;
		r->ack = 0;
		r->flags = 0;
		r->opt_mask = 0;
		r->nsack = 0;
		r->len = 0;
	}
}

static int
row_append(struct tv_flow *f, struct tv_conn *c, const struct tv_pkt *pkt,
    int from)
{
	struct tv_rowblk *b = c->rows_tail;
	struct tv_row r;

	tv_flow_row(c, pkt, (enum tv_side)from, &r);
	if (b != NULL && b->n > 0 && f->cfg.merge != NULL &&
	    f->cfg.merge(f->cfg.ctx, c, &b->r[b->n - 1], &r))
		return 0;
	if (b == NULL || b->n == b->cap) {
		/* the first block is small, each next one twice the last */
		int k = b == NULL ? 0 : blk_size(b->cap) + 1;
		unsigned cap;

		if (k >= TV_ROWBLK_SIZES)
			k = TV_ROWBLK_SIZES - 1;
		cap = TV_ROWBLK_FIRST << k;

		if (f->free_blks[k] != NULL) {
			b = f->free_blks[k];
			f->free_blks[k] = b->next;
		} else if ((b = malloc(sizeof(*b) + cap * sizeof(b->r[0]))) == NULL) {
			return -1;
		}
		b->next = NULL;
		b->n = 0;
		b->cap = cap;
		if (c->rows_tail)
			c->rows_tail->next = b;
		else
			c->rows = b;
		c->rows_tail = b;
	}
	b->r[b->n++] = r;
	c->nrows++;
	return 0;
}

/*
 * The connection pkt begins (none of its 4-tuple is open), its analysis
 * started, *side the sender's; NULL when out of memory.  A closed
 * connection of the 4-tuple handed out before (late_find()): a packet
 * without SYN near its sequence numbers is late for it; a SYN without ACK
 * begins anew, and forgets it.
 */
static struct tv_conn *
conn_begin(struct tv_flow *f, const struct tv_pkt *pkt, uint32_t hash,
    int *side)
{
	struct late *e = late_find(f, pkt, hash, side), le;
	struct tv_conn *c;
	int late = 0;

	if (e != NULL && (pkt->flags & (TV_TH_SYN | TV_TH_ACK)) == TV_TH_SYN &&
	    pkt->ck_l4 != TV_CK_INCORRECT) {
		e->used = 0;
	} else if (e != NULL && !(pkt->flags & TV_TH_SYN) &&
	    late_plausible(e, pkt, *side)) {
		le = *e;	/* conn_new() may remember others in its place */
		late = 1;
	}
	if ((c = conn_new(f, pkt, hash, late ? &le : NULL)) == NULL)
		return NULL;
	*side = match(c, pkt);
	if (c->proto == 6) {
		tv_tcp_init(&c->tcp, pkt, !late && *side == TV_SERVER);
		if (late)
			late_begin(c, &le);
	} else {
		tv_udp_init(&c->tcp, *side == TV_SERVER);
	}
	return c;
}

struct tv_conn *
tv_flow_add(struct tv_flow *f, const struct tv_pkt *pkt, enum tv_side *from)
{
	struct tv_conn *c;
	int side = 0;
	uint32_t hash = pkt_hash(f, pkt);

	tv_flow_reap(f, pkt->ts_sec, pkt->ts_nsec);
	c = lookup(f, pkt, hash, &side);
	/* A fresh SYN on a 4-tuple after either side sent a FIN or an RST
	 * starts a new connection, whatever its ISN (4-tuple reuse, RFC 9293
	 * §3.4.1; Zeek's IsReuse(): each SYN refused by an RST is a
	 * connection of its own, not a retry of the one before). */
	if (c != NULL && pkt->proto == 6 &&
	    (tv_tcp_ended(&c->tcp) || c->late_of) &&
	    (pkt->flags & (TV_TH_SYN | TV_TH_ACK)) == TV_TH_SYN &&
	    pkt->ck_l4 != TV_CK_INCORRECT) {
		conn_done(f, c, TV_DONE_CLOSED);
		c = NULL;
	}
	if (c == NULL && (c = conn_begin(f, pkt, hash, &side)) == NULL)
		return NULL;
	*from = (enum tv_side)side;

	/* a full part goes out before this packet touches the counters, so
	 * the part's totals and times match the rows it holds */
	if (f->cfg.keep_rows && c->nrows >= f->cfg.max_rows) {
		held_flush(f);	/* the connections that finished before */
		if (f->cfg.done)
			f->cfg.done(c, TV_DONE_PARTIAL, f->cfg.ctx);
		rows_release(f, c);
		if (c->part != UINT32_MAX)
			c->part++;
	}
	c->last_sec = pkt->ts_sec;
	c->last_nsec = pkt->ts_nsec;
	c->tun.via |= pkt->tun.via;
	c->pkts[side]++;
	if (pkt->lost && c->lost[side] < UINT32_MAX)
		c->lost[side]++;
	if (pkt->owd_ns > c->owd_max_ns)
		c->owd_max_ns = pkt->owd_ns;
	if (c->proto != 6 && pkt->ck_l4 != TV_CK_INCORRECT)
		c->bytes[side] += pkt->len;
	if (c->proto != 6)
		tv_udp_packet(&c->tcp, pkt, side, &c->last);
	/* a segment with a bad checksum sets no number (tv_tcp_packet()) */
	if (c->proto == 6 && pkt->ck_l4 != TV_CK_INCORRECT) {
		if ((pkt->flags & TV_TH_SYN) && !c->isn_known[side]) {
			c->isn[side] = pkt->seq;
			c->isn_known[side] = 1;
		}
		if (!c->base_known[side]) {
			c->base[side] = pkt->seq;
			c->base_known[side] = 1;
		}
	}
	if (c->proto == 6) {
		tv_tcp_packet(&c->tcp, pkt, side, &c->last);
		c->bytes[side] = c->tcp.q[side].payload;
		if (!c->closed && c->tcp.closed) {
			c->closed = 1;
			c->closed_sec = pkt->ts_sec;
			c->closed_nsec = pkt->ts_nsec;
			list_append(&f->cq, c);
			c->in_cq = 1;
		}
	}
	if (f->cfg.keep_rows)
		if (row_append(f, c, pkt, side) < 0)
			return NULL;	/* out of memory: the caller stops */
	list_unlink(lru_of(f, c), c);
	list_append(lru_of(f, c), c);
	return c;
}

struct tv_conn *
tv_flow_icmp(struct tv_flow *f, const struct tv_pkt *pkt, enum tv_side *from)
{
	struct tv_conn *c;
	int side = 0;

	tv_flow_reap(f, pkt->ts_sec, pkt->ts_nsec);
	if (pkt->icmp.kind == TV_ICMP_NONE ||
	    (c = lookup(f, pkt, pkt_hash(f, pkt), &side)) == NULL)
		return NULL;
	*from = (enum tv_side)side;
	if (c->icmp.n == 0) {
		c->icmp.kind = pkt->icmp.kind;
		c->icmp.v6 = pkt->icmp.v6;
		c->icmp.type = pkt->icmp.type;
		c->icmp.code = pkt->icmp.code;
		c->icmp.side = (uint8_t)side;
	}
	if (c->icmp.n != UINT32_MAX)
		c->icmp.n++;
	if (pkt->icmp.kind == TV_ICMP_PORT_UNREACH)
		c->icmp.refused = 1;
	if (pkt->icmp.mtu && (c->icmp.mtu == 0 || pkt->icmp.mtu < c->icmp.mtu))
		c->icmp.mtu = pkt->icmp.mtu;
	/* a full connection keeps the count, not the row: its rows stay
	 * bounded, and a part is handed out by its own packets only; out
	 * of memory, the row is let go (the count stays) */
	if (f->cfg.keep_rows && c->nrows < f->cfg.max_rows)
		(void)row_append(f, c, pkt, side);
	return c;
}

void
tv_flow_reap(struct tv_flow *f, int64_t ts_sec, uint32_t ts_nsec)
{
	int64_t now = ts_ns(ts_sec, ts_nsec);

	int k;

	while (f->cq.head != NULL && ts_ns(f->cq.head->closed_sec,
	    f->cq.head->closed_nsec) + (int64_t)f->cfg.linger_ns <= now)
		conn_done(f, f->cq.head, TV_DONE_CLOSED);
	/* inactive too long (closed ones wait out their linger instead) */
	for (k = 0; k < 2; k++) {
		struct tv_conn *c;

		while (f->cfg.idle_ns[k] && (c = f->lru[k].head) != NULL &&
		    !c->closed && ts_ns(c->last_sec, c->last_nsec) +
		    (int64_t)f->cfg.idle_ns[k] <= now)
			conn_done(f, c, TV_DONE_IDLE);
	}
}

static int
by_id(const void *a, const void *b)
{
	const struct tv_conn *x = *(const struct tv_conn *const *)a;
	const struct tv_conn *y = *(const struct tv_conn *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

void
tv_flow_batch(struct tv_flow *f, uint32_t n)
{
	held_flush(f);
	f->cfg.batch = n < TV_FLOW_BATCH ? n : TV_FLOW_BATCH;
}

void
tv_flow_finish(struct tv_flow *f)
{
	struct tv_conn **all, *c;
	size_t i, n = 0;

	held_flush(f);
	f->finishing = 1;
	if (f->nopen == 0)
		return;
	all = malloc(f->nopen * sizeof(*all));
	if (all == NULL) {
		/* no memory to sort: hand them out by last activity */
		while ((c = oldest(f)) != NULL)
			conn_done(f, c, c->closed ? TV_DONE_CLOSED : TV_DONE_END);
		held_flush(f);
		return;
	}
	for (i = 0; i < 2; i++)
		for (c = f->lru[i].head; c != NULL; c = c->lru.next)
			all[n++] = c;
	qsort(all, n, sizeof(*all), by_id);
	for (i = 0; i < n; i++)
		conn_done(f, all[i], all[i]->closed ? TV_DONE_CLOSED : TV_DONE_END);
	free(all);
	held_flush(f);
}

void
tv_flow_get_stats(const struct tv_flow *f, struct tv_flow_stats *st)
{
	*st = f->st;
	st->open = f->nopen;
	st->index_bytes = f->nslots * sizeof(*f->slots);
}

uint32_t
tv_conn_rel(const struct tv_conn *c, enum tv_side side, uint32_t v)
{
	if (c->isn_known[side])
		return v - c->isn[side];
	if (c->base_known[side])
		return v - c->base[side];
	return v;
}
