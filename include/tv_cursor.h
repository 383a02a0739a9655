/* \summary: bounds-checked cursor over untrusted packet bytes */
#ifndef TV_CURSOR_H
#define TV_CURSOR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Every read of packet bytes goes through a cursor.  A read past `end`
 * sets the sticky `err` flag and yields zero; later reads keep failing,
 * so a parser may read a whole header and test `err` once, as tcpdump's
 * GET_ macros do against ndo_snapend.  Nothing is ever cast over packet
 * memory.
 */
struct tv_cur {
	const uint8_t *p;	/* next byte to read */
	const uint8_t *end;	/* one past the last captured byte */
	int err;		/* set once a read ran past end */
};

static inline void
tv_cur_init(struct tv_cur *c, const uint8_t *p, size_t len)
{
	c->p = p;
	c->end = p + len;
	c->err = 0;
}

/* Bytes left before end (0 once err is set). */
static inline size_t
tv_cur_left(const struct tv_cur *c)
{
	return c->err ? 0 : (size_t)(c->end - c->p);
}

/* True when n more bytes can be read. */
static inline int
tv_cur_has(const struct tv_cur *c, size_t n)
{
	return !c->err && (size_t)(c->end - c->p) >= n;
}

/*
 * A fixed header in one test: the next n bytes, passed over, or NULL (err
 * set) when fewer are left.  Its fields are then read from the pointer
 * with tv_be16() and tv_be32(), which test nothing: they are only for
 * bytes a tv_cur_take() or tv_cur_has() has already vouched for.
 */
static inline const uint8_t *
tv_cur_take(struct tv_cur *c, size_t n)
{
	const uint8_t *p = c->p;

	if (!tv_cur_has(c, n)) {
		c->err = 1;
		return NULL;
	}
	c->p += n;
	return p;
}

static inline int
tv_cur_skip(struct tv_cur *c, size_t n)
{
	return tv_cur_take(c, n) != NULL ? 0 : -1;
}

static inline uint16_t
tv_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
tv_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline uint8_t
tv_cur_u8(struct tv_cur *c)
{
	if (!tv_cur_has(c, 1)) {
		c->err = 1;
		return 0;
	}
	return *c->p++;
}

static inline uint16_t
tv_cur_be16(struct tv_cur *c)
{
	uint16_t v;

	if (!tv_cur_has(c, 2)) {
		c->err = 1;
		return 0;
	}
	v = tv_be16(c->p);
	c->p += 2;
	return v;
}

static inline uint32_t
tv_cur_be32(struct tv_cur *c)
{
	uint32_t v;

	if (!tv_cur_has(c, 4)) {
		c->err = 1;
		return 0;
	}
	v = tv_be32(c->p);
	c->p += 4;
	return v;
}

static inline uint16_t
tv_cur_le16(struct tv_cur *c)
{
	uint16_t v;

	if (!tv_cur_has(c, 2)) {
		c->err = 1;
		return 0;
	}
	v = (uint16_t)(c->p[1] << 8 | c->p[0]);
	c->p += 2;
	return v;
}

static inline uint32_t
tv_cur_le32(struct tv_cur *c)
{
	uint32_t v;

	if (!tv_cur_has(c, 4)) {
		c->err = 1;
		return 0;
	}
	v = (uint32_t)c->p[3] << 24 | (uint32_t)c->p[2] << 16 |
	    (uint32_t)c->p[1] << 8 | (uint32_t)c->p[0];
	c->p += 4;
	return v;
}

/* Copy n bytes out; on failure dst is zeroed. */
static inline int
tv_cur_copy(struct tv_cur *c, void *dst, size_t n)
{
	if (!tv_cur_has(c, n)) {
		c->err = 1;
		memset(dst, 0, n);
		return -1;
	}
	memcpy(dst, c->p, n);
	c->p += n;
	return 0;
}

/* A sub-cursor over the next n bytes (clipped to what was captured). */
static inline struct tv_cur
tv_cur_sub(const struct tv_cur *c, size_t n)
{
	struct tv_cur s;
	size_t left = tv_cur_left(c);

	s.p = c->p;
	s.end = c->p + (n < left ? n : left);
	s.err = c->err;
	return s;
}

#endif /* TV_CURSOR_H */
