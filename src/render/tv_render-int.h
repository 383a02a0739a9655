/* \summary: what the renderers share inside src/render: text fitting, times, words (private) */
#ifndef TV_RENDER_INT_H
#define TV_RENDER_INT_H

#include <stddef.h>
#include <stdint.h>

#include "tv_render.h"

/*
 * TV_SOFT in a text is a space where a line should rather break (between
 * the notes of a row, the parts of a fold line); it prints as a space.
 */
#define TV_SOFT '\037'

void tvr_str(const struct tv_out *o, const char *s);
/* n copies of ch */
void tvr_pad(const struct tv_out *o, char ch, size_t n);

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

/* A line built in pieces, then written wrapped to the width. */
struct sbuf {
	char b[1024];
	size_t k;
};
void tvr_sb_printf(struct sbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "LEAD 3 name, 1 other": the non-zero counts n[i] with their names[i];
 * how many were written. */
size_t tvr_sb_counts(struct sbuf *sb, const char *lead, const uint64_t *n,
    const char *const *names, int count);

/* Seconds with 0, 3, 6 or 9 decimals; d may be negative. */
void tvr_secs(char *buf, size_t size, int64_t d_ns, int digits);
int64_t tvr_span_ns(int64_t s0, uint32_t n0, int64_t s1, uint32_t n1);
const char *tvr_proto(uint8_t proto);
/* Zeek's UDP history: D / d when a side sent payload. */
void tvr_udp_history(const struct tv_conn *c, char h[4]);
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
