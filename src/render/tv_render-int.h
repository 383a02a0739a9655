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
extern const char *const tv_side_words[3];	/* "client", "server", "both" */

#endif /* TV_RENDER_INT_H */
