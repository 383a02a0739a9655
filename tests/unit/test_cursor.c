/* \summary: unit tests for the bounds-checked packet cursor (tv_cursor.h) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tv_cursor.h"

static const uint8_t bytes[8] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };

static void
test_reads_in_order(void **state)
{
	struct tv_cur c;

	(void)state;
	tv_cur_init(&c, bytes, sizeof(bytes));
	assert_int_equal(tv_cur_left(&c), 8);
	assert_int_equal(tv_cur_u8(&c), 0x01);
	assert_int_equal(tv_cur_be16(&c), 0x0203);
	assert_int_equal(tv_cur_left(&c), 5);
	assert_int_equal(tv_cur_le32(&c), 0x07060504);
	assert_int_equal(tv_cur_u8(&c), 0x08);
	assert_int_equal(tv_cur_left(&c), 0);
	assert_int_equal(c.err, 0);

	tv_cur_init(&c, bytes, sizeof(bytes));
	assert_int_equal(tv_cur_le16(&c), 0x0201);
	assert_int_equal(tv_cur_left(&c), 6);
}

static void
test_be32_at_exact_boundary(void **state)
{
	struct tv_cur c;

	(void)state;
	tv_cur_init(&c, bytes + 4, 4);
	assert_true(tv_cur_has(&c, 4));
	assert_false(tv_cur_has(&c, 5));
	assert_int_equal(tv_cur_be32(&c), 0x05060708);
	assert_int_equal(c.err, 0);
	assert_int_equal(tv_cur_left(&c), 0);
	assert_true(tv_cur_has(&c, 0));
	assert_ptr_equal(c.p, c.end);
}

static void
test_one_past_end_fails_and_reads_nothing(void **state)
{
	struct tv_cur c;

	(void)state;
	/* a 4-byte read with 3 bytes left */
	tv_cur_init(&c, bytes, 3);
	assert_int_equal(tv_cur_be32(&c), 0);
	assert_int_equal(c.err, 1);
	assert_ptr_equal(c.p, bytes);		/* nothing consumed */

	tv_cur_init(&c, bytes, 1);
	assert_int_equal(tv_cur_be16(&c), 0);
	assert_int_equal(c.err, 1);

	tv_cur_init(&c, bytes, 3);
	assert_int_equal(tv_cur_le32(&c), 0);
	assert_int_equal(c.err, 1);

	tv_cur_init(&c, bytes, 1);
	assert_int_equal(tv_cur_le16(&c), 0);
	assert_int_equal(c.err, 1);

	tv_cur_init(&c, bytes, 0);
	assert_int_equal(tv_cur_u8(&c), 0);
	assert_int_equal(c.err, 1);
}

static void
test_error_is_sticky(void **state)
{
	struct tv_cur c;

	(void)state;
	tv_cur_init(&c, bytes, 4);
	assert_int_equal(tv_cur_be32(&c), 0x01020304);
	assert_int_equal(tv_cur_u8(&c), 0);	/* one past */
	assert_int_equal(c.err, 1);

	/* reading after an error fails even where bytes would fit */
	tv_cur_init(&c, bytes, 8);
	assert_int_equal(tv_cur_be32(&c), 0x01020304);
	assert_int_equal(tv_cur_be32(&c), 0x05060708);
	assert_int_equal(tv_cur_be16(&c), 0);
	assert_int_equal(c.err, 1);
	c.p = bytes;			/* even rewound, the flag holds */
	assert_int_equal(tv_cur_left(&c), 0);
	assert_false(tv_cur_has(&c, 1));
	assert_int_equal(tv_cur_u8(&c), 0);
	assert_int_equal(tv_cur_skip(&c, 0), -1);
	assert_int_equal(c.err, 1);
}

static void
test_skip(void **state)
{
	struct tv_cur c;

	(void)state;
	tv_cur_init(&c, bytes, 8);
	assert_int_equal(tv_cur_skip(&c, 3), 0);
	assert_int_equal(tv_cur_u8(&c), 0x04);
	assert_int_equal(tv_cur_skip(&c, 4), 0);	/* to the end exactly */
	assert_int_equal(tv_cur_left(&c), 0);
	assert_int_equal(c.err, 0);

	tv_cur_init(&c, bytes, 8);
	assert_int_equal(tv_cur_skip(&c, 9), -1);	/* past the end */
	assert_int_equal(c.err, 1);
	assert_ptr_equal(c.p, bytes);
	assert_int_equal(tv_cur_left(&c), 0);

	/* a huge skip must not wrap the pointer */
	tv_cur_init(&c, bytes, 8);
	assert_int_equal(tv_cur_skip(&c, SIZE_MAX), -1);
	assert_int_equal(c.err, 1);
}

static void
test_copy(void **state)
{
	struct tv_cur c;
	uint8_t out[6];

	(void)state;
	tv_cur_init(&c, bytes, 8);
	assert_int_equal(tv_cur_copy(&c, out, 6), 0);
	assert_memory_equal(out, bytes, 6);
	assert_int_equal(tv_cur_left(&c), 2);

	/* a copy past the end zeroes the destination */
	assert_int_equal(tv_cur_copy(&c, out, 3), -1);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[1], 0);
	assert_int_equal(out[2], 0);
	assert_int_equal(out[3], bytes[3]);	/* untouched beyond n */
	assert_int_equal(c.err, 1);
}

static void
test_sub_cursor_clipped(void **state)
{
	struct tv_cur c, s;

	(void)state;
	tv_cur_init(&c, bytes, 8);
	tv_cur_skip(&c, 2);

	/* a sub-cursor shorter than what is left */
	s = tv_cur_sub(&c, 3);
	assert_int_equal(tv_cur_left(&s), 3);
	assert_int_equal(tv_cur_be16(&s), 0x0304);
	assert_int_equal(tv_cur_u8(&s), 0x05);
	assert_int_equal(tv_cur_u8(&s), 0);	/* its end, not the parent's */
	assert_int_equal(s.err, 1);
	assert_int_equal(c.err, 0);		/* the parent is not touched */
	assert_int_equal(tv_cur_left(&c), 6);

	/* a sub-cursor longer than what is left is clipped to it */
	s = tv_cur_sub(&c, 100);
	assert_int_equal(tv_cur_left(&s), 6);
	assert_ptr_equal(s.end, bytes + 8);
	assert_int_equal(tv_cur_skip(&s, 6), 0);
	assert_int_equal(tv_cur_u8(&s), 0);
	assert_int_equal(s.err, 1);

	/* of zero bytes */
	s = tv_cur_sub(&c, 0);
	assert_int_equal(tv_cur_left(&s), 0);
	assert_false(tv_cur_has(&s, 1));
	assert_int_equal(s.err, 0);
}

static void
test_sub_cursor_of_failed_parent(void **state)
{
	struct tv_cur c, s;

	(void)state;
	tv_cur_init(&c, bytes, 2);
	tv_cur_be32(&c);
	assert_int_equal(c.err, 1);
	s = tv_cur_sub(&c, 2);
	assert_int_equal(s.err, 1);
	assert_int_equal(tv_cur_left(&s), 0);
	assert_int_equal(tv_cur_u8(&s), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_in_order),
		cmocka_unit_test(test_be32_at_exact_boundary),
		cmocka_unit_test(test_one_past_end_fails_and_reads_nothing),
		cmocka_unit_test(test_error_is_sticky),
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_sub_cursor_clipped),
		cmocka_unit_test(test_sub_cursor_of_failed_parent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
