/* \summary: what the renderers share inside src/render: text fitting, times, words (private) */
#ifndef TV_RENDER_INT_H
#define TV_RENDER_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tv_render.h"

/*
 * TV_SOFT in a text is a space where a line should rather break (between
 * the notes of a row, the parts of a fold line); it prints as a space.
 */
#define TV_SOFT '\037'

/* n copies of ch */
void tvr_pad(const struct tv_out *o, char ch, size_t n);
/* s in a field of w columns: printf's %-*s (left) or %*s */
void tvr_field(const struct tv_out *o, const char *s, size_t w, int left);
/* the same for s of n bytes (its length known) */
void tvr_fieldn(const struct tv_out *o, const char *s, size_t n, size_t w,
    int left);

/* Columns left after `used` under a width limit (0: no limit). */
size_t tvr_room(size_t width, size_t used);
/* The next piece of s that fits in w columns; *next: where the rest starts. */
size_t tvr_wrap_piece(const char *s, size_t w, const char **next);
/* n characters of s, soft breaks as spaces */
void tvr_piece(const struct tv_out *o, const char *s, size_t n);
/* Text from column col of a begun line, broken to stay within width; each
 * further line is prefix (plen columns) and spaces up to column cont. */
void tvr_wrap(const struct tv_out *o, size_t width, const char *prefix,
    size_t plen, size_t col, size_t cont, const char *text);

/*
 * Text built at buf (size bytes, size > 0) from *k on, kept a string, cut
 * where it would not fit: by hand, not printf, on the paths every row
 * takes (a printf costs as much as the rest of a row's work).
 */
static inline void
tvr_cat(char *buf, size_t size, size_t *k, const char *s, size_t n)
{
	if (*k >= size)
		*k = size - 1;
	if (n > size - 1 - *k)
		n = size - 1 - *k;
	memcpy(buf + *k, s, n);
	*k += n;
	buf[*k] = '\0';
}

static inline void
tvr_cats(char *buf, size_t size, size_t *k, const char *s)
{
	tvr_cat(buf, size, k, s, strlen(s));
}

static inline void
tvr_catu(char *buf, size_t size, size_t *k, uint64_t v)
{
	char d[20];

	if (*k < size && size - *k > 20) {	/* room for any: in place */
		*k += tv_u64_dec(buf + *k, v);
		buf[*k] = '\0';
		return;
	}
	tvr_cat(buf, size, k, d, tv_u64_dec(d, v));
}

/* s in a field of w columns, right-aligned (printf's %*s) or left (%-*s) */
static inline void
tvr_catw(char *buf, size_t size, size_t *k, const char *s, size_t w, int left)
{
	static const char sp[] = "                        ";
	size_t n = strlen(s), pad = n < w ? w - n : 0;

	if (left)
		tvr_cat(buf, size, k, s, n);
	while (pad > 0) {
		size_t p = pad < sizeof(sp) - 1 ? pad : sizeof(sp) - 1;

		tvr_cat(buf, size, k, sp, p);
		pad -= p;
	}
	if (!left)
		tvr_cat(buf, size, k, s, n);
}

/* the same, straight to a sink */
static inline void
tvr_u64(const struct tv_out *o, uint64_t v)
{
	char d[20];
	struct tv_obuf *b = o->buf;

	if (b != NULL && b->cap - b->len >= sizeof(d)) {	/* in place */
		b->len += tv_u64_dec(b->b + b->len, v);
		return;
	}
	tv_out_mem(o, d, tv_u64_dec(d, v));
}

/* a string (inline: a literal's length is known when compiled) */
static inline void
tvr_str(const struct tv_out *o, const char *s)
{
	tv_out_mem(o, s, strlen(s));
}

/*
 * A writer that keeps its place in registers: text goes straight into
 * the sink's buffer (or a small one of its own when the sink has none,
 * or one smaller than a piece), one test of room a piece; tvr_w_end()
 * hands the text back.  For the lines written once a packet (JSON, a
 * ladder's rows), where tv_out_mem()'s reloads of the buffer after every
 * copy cost more than the copies.  Nothing else may write to the sink
 * between tvr_w_begin() and tvr_w_end().
 */
struct tvr_w {
	char *p, *end;
	const struct tv_out *o;
	char own[256];
};

void tvr_w_begin(struct tvr_w *w, const struct tv_out *o);
void tvr_w_end(struct tvr_w *w);
/* the text so far out, room for n after it (n at most sizeof(own)) */
void tvr_w_room(struct tvr_w *w, size_t n);
void tvr_w_slow(struct tvr_w *w, const char *s, size_t n);

static inline void
tvr_w_mem(struct tvr_w *w, const char *s, size_t n)
{
	if (n <= (size_t)(w->end - w->p)) {
		__builtin_memcpy(w->p, s, n);
		w->p += n;
	} else {
		tvr_w_slow(w, s, n);
	}
}

/* a string (inline: a literal's length is known when compiled) */
static inline void
tvr_w_str(struct tvr_w *w, const char *s)
{
	tvr_w_mem(w, s, strlen(s));
}

static inline void
tvr_w_u64(struct tvr_w *w, uint64_t v)
{
	if (w->end - w->p < 20)
		tvr_w_room(w, 20);
	w->p += tv_u64_dec(w->p, v);
}

/* what tvr_w_pad() and tvr_w_field() do when the buffer is full (in
 * pieces); n bytes with soft breaks as spaces (tvr_piece()) */
void tvr_w_pad_slow(struct tvr_w *w, char ch, size_t n);
void tvr_w_field_slow(struct tvr_w *w, const char *s, size_t n, size_t width,
    int left);
void tvr_w_piece(struct tvr_w *w, const char *s, size_t n);

/* n of ch (tvr_pad()).  A run of up to TVR_RUN, the most of a field or
 * an arrow, is one store of TVR_RUN bytes when there is room for them:
 * no call. */
#define TVR_RUN 64

static inline void
tvr_w_pad(struct tvr_w *w, char ch, size_t n)
{
	size_t room = (size_t)(w->end - w->p);

	if (n <= TVR_RUN && room >= TVR_RUN) {
		__builtin_memset(w->p, ch, TVR_RUN);
		w->p += n;
	} else if (n <= room) {
		__builtin_memset(w->p, ch, n);
		w->p += n;
	} else {
		tvr_w_pad_slow(w, ch, n);
	}
}

/* s of n bytes in a field of width columns, left-aligned or right
 * (tvr_fieldn()) */
static inline void
tvr_w_field(struct tvr_w *w, const char *s, size_t n, size_t width, int left)
{
	size_t pad = n < width ? width - n : 0;

	if (pad + n <= (size_t)(w->end - w->p)) {
		if (left) {
			__builtin_memcpy(w->p, s, n);
			w->p += n;
			tvr_w_pad(w, ' ', pad);
		} else {
			tvr_w_pad(w, ' ', pad);
			__builtin_memcpy(w->p, s, n);
			w->p += n;
		}
	} else {
		tvr_w_field_slow(w, s, n, width, left);
	}
}

/* A line built in pieces, then written wrapped to the width. */
struct sbuf {
	char b[1024];
	size_t k;
};
#define tvr_sb_cats(sb, s) tvr_cats((sb)->b, sizeof((sb)->b), &(sb)->k, (s))
#define tvr_sb_catu(sb, v) tvr_catu((sb)->b, sizeof((sb)->b), &(sb)->k, (v))
#define tvr_sb_catw(sb, s, w, left) \
	tvr_catw((sb)->b, sizeof((sb)->b), &(sb)->k, (s), (w), (left))
void tvr_sb_printf(struct sbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "LEAD 3 name, 1 other": the non-zero counts n[i] with their names[i];
 * how many were written. */
size_t tvr_sb_counts(struct sbuf *sb, const char *lead, const uint64_t *n,
    const char *const *names, int count);

/* Seconds with 0, 3, 6 or 9 decimals; d may be negative. */
size_t tvr_secs(char *buf, size_t size, int64_t d_ns, int digits);
int64_t tvr_span_ns(int64_t s0, uint32_t n0, int64_t s1, uint32_t n1);
const char *tvr_proto(uint8_t proto);
extern const char *const tv_side_words[3];	/* "client", "server", "both" */

/* ---- the pictures (tv_svg.c, tv_html.c, tv_tsg.c) ---- */

/* Text kept in memory until a document can be written whole (an SVG's
 * size comes first, before its parts): at most TVR_BUF_MAX bytes, past
 * that `full` is set and the rest is dropped. */
#define TVR_BUF_MAX (64u << 20)
struct tvr_buf {
	char *p;
	size_t n, cap;
	int full;
};
/* A sink that appends to b. */
void tvr_buf_out(struct tvr_buf *b, struct tv_out *o);
void tvr_buf_free(struct tvr_buf *b);

/* s as XML character data or an attribute value: & < > " escaped, soft
 * breaks as spaces, bytes outside printable ASCII as '?'. */
/* s to the sink, each character that rep() has a replacement for (not
 * NULL) replaced by it, the runs between written whole */
void tvr_escaped(const struct tv_out *o, const char *s,
    const char *(*rep)(unsigned char ch));
void tvr_xml(const struct tv_out *o, const char *s);

/* The size of a picture, in px. */
struct tvr_size {
	unsigned w, h;
};

/*
 * Connection c's ladder as SVG elements in a <g> at the origin (the
 * caller places it: a <g transform>, an <svg> of its own), ids prefixed
 * by `idp` (unique in the document).  With o NULL it only measures: *sz
 * is its size either way.
 */
void tvr_svg_ladder(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, enum tv_done why, const char *idp,
    struct tvr_size *sz);

/* Connection c's time-sequence graph, likewise (tv_tsg.c). */
void tvr_tsg_graph(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, enum tv_done why, const char *idp,
    struct tvr_size *sz);

/* Draws one connection's picture (tvr_svg_ladder, tvr_tsg_graph). */
typedef void (*tvr_draw_fn)(const struct tv_out *o,
    const struct tv_render_opts *ro, const struct tv_conn *c,
    enum tv_done why, const char *idp, struct tvr_size *sz);

/* Pictures of connections stacked in one SVG document: each drawn into
 * `body` as it is handed out, the document written at the end (its size
 * comes first).  Past TVR_BUF_MAX connections are counted, not drawn. */
struct tvr_stack {
	struct tvr_buf body;
	unsigned w, h;
	uint64_t left_out;
};
void tvr_stack_conn(struct tvr_stack *st, const struct tv_render_opts *ro,
    const struct tv_conn *c, enum tv_done why, tvr_draw_fn draw);
/* The document: <svg> with `title`, the pictures, the totals; frees st. */
void tvr_stack_end(struct tvr_stack *st, const struct tv_out *o,
    const struct tv_render_opts *ro, const struct tv_totals *t,
    const char *title);

#endif /* TV_RENDER_INT_H */
