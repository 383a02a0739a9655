/* \summary: the unit tests' memory sink: what a renderer or a run writes, kept as one string */
#ifndef MEMSINK_H
#define MEMSINK_H

#include <stdlib.h>
#include <string.h>

/* Include after cmocka.h and tv_render.h (and tv_run.h for sink_run). */

struct sink {
	char *s;	/* always a string once begun */
	size_t n, cap;
};

static __attribute__((unused)) void
sink_write(void *ctx, const char *s, size_t n)
{
	struct sink *k = ctx;

	if (k->s == NULL || k->n + n + 1 > k->cap) {
		size_t cap = k->cap ? k->cap : 256;

		while (k->n + n + 1 > cap)
			cap *= 2;
		k->s = realloc(k->s, cap);
		assert_non_null(k->s);
		k->cap = cap;
	}
	memcpy(k->s + k->n, s, n);
	k->n += n;
	k->s[k->n] = '\0';
}

/* A renderer's output into k, emptied first. */
static __attribute__((unused)) struct tv_out
sink_out(struct sink *k)
{
	struct tv_out o = { .write = sink_write, .ctx = k };

	memset(k, 0, sizeof(*k));
	sink_write(k, "", 0);
	return o;
}

static __attribute__((unused)) void
sink_reset(struct sink *k)
{
	sink_write(k, "", 0);
	k->n = 0;
	k->s[0] = '\0';
}

static __attribute__((unused)) void
sink_free(struct sink *k)
{
	free(k->s);
	memset(k, 0, sizeof(*k));
}

#ifdef TV_RUN_H
static int
sink_ok(void *ctx)
{
	(void)ctx;
	return 0;
}

/* A run's sink writing into k (kept as it is: sink_reset() empties it). */
static __attribute__((unused)) void
sink_run(struct sink *k, struct tv_sink *t)
{
	sink_write(k, "", 0);
	t->write = sink_write;
	t->flush = sink_ok;
	t->failed = sink_ok;
	t->ctx = k;
}
#endif

#endif /* MEMSINK_H */
