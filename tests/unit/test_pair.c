/* \summary: unit tests for joining the two ends of the lab's wire (tv_pair.h): matched, lost, one end only, order, identical copies, a full table */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "tv_pair.h"

#define MS 1000000LL
#define C 0			/* the client's end */
#define S 1			/* the server's end */

static const struct tv_pair_cfg cfg = { .hold_ns = 200 * MS, .settle_ns = 2 * MS };

/* a frame told apart by its id, 60 bytes (a TCP ACK's size) */
static const uint8_t *
frame(uint8_t id)
{
	static uint8_t f[256][60];

	memset(f[id], 0x45, sizeof(f[id]));
	f[id][20] = id;
	return f[id];
}

static void
add(struct tv_pair *p, int end, int sent, int64_t ms, uint8_t id)
{
	tv_pair_add(p, end, sent, ms * MS, frame(id), 60, 60);
}

/* seen at both ends: one packet, the sending end's time, the one-way time */
static void
test_both_ends(void **state)
{
	struct tv_pair *p = tv_pair_new(&cfg);
	const struct tv_pair_pkt *o;

	(void)state;
	add(p, C, 1, 1000, 1);
	add(p, S, 0, 1001, 1);
	assert_null(tv_pair_next(p, 1001 * MS));	/* not settled */
	o = tv_pair_next(p, 1003 * MS);
	assert_non_null(o);
	assert_int_equal(o->seen, TV_PAIR_SEEN_CLIENT | TV_PAIR_SEEN_SERVER);
	assert_int_equal(o->lost, 0);
	assert_int_equal(o->ts_ns, 1000 * MS);
	assert_int_equal(o->owd_ns, 1 * MS);
	assert_int_equal(o->data[20], 1);
	assert_null(tv_pair_next(p, 5000 * MS));
	assert_int_equal(tv_pair_held(p), 0);
	tv_pair_free(p);
}

/* the receiving end's copy read first: the same packet, in its sending place */
static void
test_receiver_first(void **state)
{
	struct tv_pair *p = tv_pair_new(&cfg);
	const struct tv_pair_pkt *o;

	(void)state;
	add(p, S, 1, 999, 9);		/* the server sent 9 before */
	add(p, S, 0, 1001, 1);		/* 1 at the server ... */
	add(p, C, 0, 1000, 9);		/* 9 at the client */
	add(p, C, 1, 1000, 1);		/* ... 1 sent by the client, read last */
	o = tv_pair_next(p, 1010 * MS);
	assert_non_null(o);
	assert_int_equal(o->data[20], 9);
	assert_int_equal(o->owd_ns, 1 * MS);
	o = tv_pair_next(p, 1010 * MS);
	assert_non_null(o);
	assert_int_equal(o->data[20], 1);
	assert_int_equal(o->ts_ns, 1000 * MS);
	assert_int_equal(o->seen, 3);
	assert_int_equal(o->owd_ns, 1 * MS);
	assert_null(tv_pair_next(p, 1010 * MS));
	assert_int_equal(tv_pair_held(p), 0);
	tv_pair_free(p);
}

/* no copy within hold_ns: lost; the packets behind it wait their turn */
static void
test_lost_holds_the_line(void **state)
{
	struct tv_pair *p = tv_pair_new(&cfg);
	const struct tv_pair_pkt *o;
	struct tv_pair_stats st;

	(void)state;
	add(p, C, 1, 1000, 1);		/* lost */
	add(p, C, 1, 1001, 2);
	add(p, S, 0, 1002, 2);
	assert_null(tv_pair_next(p, 1100 * MS));
	o = tv_pair_next(p, 1200 * MS);
	assert_non_null(o);
	assert_int_equal(o->data[20], 1);
	assert_int_equal(o->lost, 1);
	assert_int_equal(o->seen, TV_PAIR_SEEN_CLIENT);
	assert_int_equal(o->owd_ns, 0);
	o = tv_pair_next(p, 1200 * MS);
	assert_non_null(o);
	assert_int_equal(o->data[20], 2);
	assert_int_equal(o->lost, 0);
	tv_pair_get_stats(p, &st);
	assert_int_equal(st.taken, 3);
	assert_int_equal(st.both, 1);
	assert_int_equal(st.lost, 1);
	tv_pair_free(p);
}

/* seen only where it arrived: not lost, the sending end's capture missed it */
static void
test_receiving_end_only(void **state)
{
	struct tv_pair *p = tv_pair_new(&cfg);
	const struct tv_pair_pkt *o;

	(void)state;
	add(p, S, 0, 1000, 4);
	o = tv_pair_drain(p);
	assert_non_null(o);
	assert_int_equal(o->seen, TV_PAIR_SEEN_SERVER);
	assert_int_equal(o->lost, 0);
	assert_null(tv_pair_drain(p));
	tv_pair_free(p);
}

/* the same bytes sent twice, the first lost: the copy that arrived after
 * the second send is the second's; the first is lost */
static void
test_identical_copies(void **state)
{
	struct tv_pair *p = tv_pair_new(&cfg);
	const struct tv_pair_pkt *o;

	(void)state;
	add(p, C, 1, 1000, 7);
	add(p, C, 1, 1100, 7);
	add(p, S, 0, 1101, 7);
	o = tv_pair_drain(p);
	assert_int_equal(o->ts_ns, 1000 * MS);
	assert_int_equal(o->lost, 1);
	o = tv_pair_drain(p);
	assert_int_equal(o->ts_ns, 1100 * MS);
	assert_int_equal(o->lost, 0);
	assert_int_equal(o->owd_ns, 1 * MS);
	assert_null(tv_pair_drain(p));
	tv_pair_free(p);
}

/* a sending end that says another end's frame came from it is no copy */
static void
test_same_direction_no_match(void **state)
{
	struct tv_pair *p = tv_pair_new(&cfg);
	const struct tv_pair_pkt *o;

	(void)state;
	add(p, C, 1, 1000, 3);
	add(p, S, 1, 1001, 3);
	o = tv_pair_drain(p);
	assert_int_equal(o->lost, 1);
	o = tv_pair_drain(p);
	assert_int_equal(o->lost, 1);
	tv_pair_free(p);
}

/* all slots held: the oldest is decided early, nothing is overwritten */
static void
test_full(void **state)
{
	struct tv_pair_cfg small = cfg;
	struct tv_pair *p;
	const struct tv_pair_pkt *o;
	struct tv_pair_stats st;
	int i, out = 0;

	(void)state;
	small.slots = 8;
	p = tv_pair_new(&small);
	for (i = 0; i < 20; i++) {
		while ((o = tv_pair_next(p, 1000 * MS)) != NULL) {
			assert_int_equal(o->data[20], out);
			out++;
		}
		add(p, C, 1, 1000, (uint8_t)i);
		assert_true(tv_pair_held(p) < 8);
	}
	while ((o = tv_pair_drain(p)) != NULL) {
		assert_int_equal(o->data[20], out);
		out++;
	}
	assert_int_equal(out, 20);
	tv_pair_get_stats(p, &st);
	assert_true(st.full > 0);
	tv_pair_free(p);
}

/* a frame longer than snap is kept cut and still matched */
static void
test_snap(void **state)
{
	struct tv_pair_cfg small = cfg;
	struct tv_pair *p;
	const struct tv_pair_pkt *o;
	static uint8_t big[3000];

	(void)state;
	small.snap = 100;
	p = tv_pair_new(&small);
	memset(big, 0xab, sizeof(big));
	tv_pair_add(p, C, 1, 1000 * MS, big, sizeof(big), sizeof(big));
	tv_pair_add(p, S, 0, 1000 * MS + 5, big, sizeof(big), sizeof(big));
	o = tv_pair_drain(p);
	assert_int_equal(o->caplen, 100);
	assert_int_equal(o->wirelen, 3000);
	assert_int_equal(o->owd_ns, 5);
	tv_pair_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_ends),
		cmocka_unit_test(test_receiver_first),
		cmocka_unit_test(test_lost_holds_the_line),
		cmocka_unit_test(test_receiving_end_only),
		cmocka_unit_test(test_identical_copies),
		cmocka_unit_test(test_same_direction_no_match),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_snap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
