/* \summary: unit tests for the store protocol of tcpviz-server and tcpviz-client (tv_store.h): CRC-32, names, header and reply lines */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "tv_store.h"

/* ---- CRC-32 ---- */

static void
test_crc32_check_value(void **state)
{
	(void)state;
	/* the check value of CRC-32/ISO-HDLC, as zlib's crc32() */
	assert_int_equal(tv_store_crc32(0, "123456789", 9), 0xCBF43926u);
	assert_int_equal(tv_store_crc32(0, "a", 1), 0xE8B7BE43u);
	assert_int_equal(tv_store_crc32(0,
	    "The quick brown fox jumps over the lazy dog", 43), 0x414FA339u);
}

static void
test_crc32_empty(void **state)
{
	(void)state;
	assert_int_equal(tv_store_crc32(0, "", 0), 0);
	assert_int_equal(tv_store_crc32(0, NULL, 0), 0);
	/* an empty piece changes nothing */
	assert_int_equal(tv_store_crc32(0xCBF43926u, "x", 0), 0xCBF43926u);
}

static void
test_crc32_in_pieces(void **state)
{
	unsigned char buf[1000];
	uint32_t whole, crc;
	size_t i;

	(void)state;
	crc = tv_store_crc32(0, "1234", 4);
	crc = tv_store_crc32(crc, "5", 1);
	crc = tv_store_crc32(crc, "", 0);
	crc = tv_store_crc32(crc, "6789", 4);
	assert_int_equal(crc, 0xCBF43926u);

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + 3);
	whole = tv_store_crc32(0, buf, sizeof(buf));
	for (crc = 0, i = 0; i < sizeof(buf); i++)
		crc = tv_store_crc32(crc, buf + i, 1);
	assert_int_equal(crc, whole);
	crc = tv_store_crc32(0, buf, 333);
	crc = tv_store_crc32(crc, buf + 333, sizeof(buf) - 333);
	assert_int_equal(crc, whole);
}

/* ---- names ---- */

static void
test_name_check_accepts(void **state)
{
	char longest[TV_STORE_NAME_MAX + 1];

	(void)state;
	memset(longest, 'n', TV_STORE_NAME_MAX);
	longest[TV_STORE_NAME_MAX] = '\0';
	assert_null(tv_store_name_check("notes.txt"));
	assert_null(tv_store_name_check("a"));
	assert_null(tv_store_name_check("a.b.c"));
	assert_null(tv_store_name_check("x1-_.Z9"));
	assert_null(tv_store_name_check(longest));
}

static void
test_name_check_rejects(void **state)
{
	char too_long[TV_STORE_NAME_MAX + 2];

	(void)state;
	memset(too_long, 'n', TV_STORE_NAME_MAX + 1);
	too_long[TV_STORE_NAME_MAX + 1] = '\0';
	assert_string_equal(tv_store_name_check(""), "empty name");
	assert_string_equal(tv_store_name_check(too_long), "name too long");
	assert_string_equal(tv_store_name_check("a/b"), "name contains '/'");
	assert_string_equal(tv_store_name_check("/etc"), "name contains '/'");
	assert_string_equal(tv_store_name_check(".."), "name contains '..'");
	assert_string_equal(tv_store_name_check("bad..name"),
	    "name contains '..'");
	assert_string_equal(tv_store_name_check(".hidden"),
	    "name starts with '.'");
	assert_string_equal(tv_store_name_check("a b"),
	    "name contains a space or control character");
	assert_string_equal(tv_store_name_check("a\tb"),
	    "name contains a space or control character");
	assert_string_equal(tv_store_name_check("a\x01"),
	    "name contains a space or control character");
	assert_string_equal(tv_store_name_check("a\x7f"),
	    "name contains a space or control character");
	/* names a shell or a terminal would misread */
	assert_string_equal(tv_store_name_check("-rf"), "name starts with '-'");
	assert_string_equal(tv_store_name_check("caf\xc3\xa9"),
	    "name has a character outside A-Z a-z 0-9 . _ -");
	assert_string_equal(tv_store_name_check("a*b"),
	    "name has a character outside A-Z a-z 0-9 . _ -");
	assert_string_equal(tv_store_name_check("~x"),
	    "name has a character outside A-Z a-z 0-9 . _ -");
	assert_string_equal(tv_store_name_check("it's"),
	    "name has a character outside A-Z a-z 0-9 . _ -");
	/* the client may send such a name; the server judges it */
	assert_null(tv_store_name_sendable("caf\xc3\xa9"));
	assert_string_equal(tv_store_name_check("\r"),
	    "name contains a space or control character");
	/* the reasons come in one order: '/' before a space */
	assert_string_equal(tv_store_name_check("a b/c"), "name contains '/'");
}

static void
test_name_sendable(void **state)
{
	char too_long[TV_STORE_NAME_MAX + 2];

	(void)state;
	memset(too_long, 'n', TV_STORE_NAME_MAX + 1);
	too_long[TV_STORE_NAME_MAX + 1] = '\0';
	/* the server's own rules are left to the server */
	assert_null(tv_store_name_sendable("bad..name"));
	assert_null(tv_store_name_sendable(".hidden"));
	assert_null(tv_store_name_sendable("a/b"));
	assert_string_equal(tv_store_name_sendable(""), "empty name");
	assert_string_equal(tv_store_name_sendable(too_long), "name too long");
	assert_string_equal(tv_store_name_sendable("a b"),
	    "name contains a space or control character");
	assert_string_equal(tv_store_name_sendable("a\n"),
	    "name contains a space or control character");
}

/* ---- the header line ---- */

static void
test_header_build(void **state)
{
	char buf[TV_STORE_HDR_MAX + 1], longest[TV_STORE_NAME_MAX + 1];

	(void)state;
	assert_int_equal(tv_store_header(buf, sizeof(buf), "notes.txt", 123), 14);
	assert_string_equal(buf, "notes.txt 123\n");
	assert_int_equal(tv_store_header(buf, sizeof(buf), "e", 0), 4);
	assert_string_equal(buf, "e 0\n");
	assert_true(tv_store_header(buf, sizeof(buf), "m", TV_STORE_MAX) > 0);
	assert_string_equal(buf, "m 67108864\n");

	memset(longest, 'n', TV_STORE_NAME_MAX);
	longest[TV_STORE_NAME_MAX] = '\0';
	assert_int_equal(tv_store_header(buf, sizeof(buf), longest,
	    TV_STORE_MAX), TV_STORE_NAME_MAX + 10);

	assert_int_equal(tv_store_header(buf, sizeof(buf), "m",
	    TV_STORE_MAX + 1), -1);
	assert_int_equal(tv_store_header(buf, sizeof(buf), "", 1), -1);
	assert_int_equal(tv_store_header(buf, sizeof(buf), "a b", 1), -1);
	assert_int_equal(tv_store_header(buf, 14, "notes.txt", 123), -1);
	assert_int_equal(tv_store_header(buf, 15, "notes.txt", 123), 14);
}

static void
test_line_in_pieces(void **state)
{
	struct tv_store_line l;

	(void)state;
	tv_store_line_init(&l);
	assert_int_equal(tv_store_line_add(&l, "note", 4), 4);
	assert_false(l.complete);
	assert_int_equal(tv_store_line_add(&l, "s 1", 3), 3);
	assert_false(l.complete);
	/* the '\n' is taken, what follows is not */
	assert_int_equal(tv_store_line_add(&l, "2\nDATA", 6), 2);
	assert_true(l.complete);
	assert_string_equal(l.text, "notes 12");
	assert_int_equal(l.len, 8);
	/* a complete line takes nothing more */
	assert_int_equal(tv_store_line_add(&l, "more\n", 5), 0);
	assert_string_equal(l.text, "notes 12");

	tv_store_line_init(&l);
	assert_int_equal(tv_store_line_add(&l, "\n", 1), 1);
	assert_true(l.complete);
	assert_int_equal(l.len, 0);
	assert_string_equal(l.text, "");
}

static void
test_line_too_long(void **state)
{
	char big[TV_STORE_HDR_MAX + 1];
	struct tv_store_line l;

	(void)state;
	/* TV_STORE_HDR_MAX bytes with the '\n' fit */
	memset(big, 'x', sizeof(big));
	big[TV_STORE_HDR_MAX - 1] = '\n';
	tv_store_line_init(&l);
	assert_int_equal(tv_store_line_add(&l, big, TV_STORE_HDR_MAX),
	    TV_STORE_HDR_MAX);
	assert_true(l.complete);
	assert_int_equal(l.len, TV_STORE_HDR_MAX - 1);

	/* one more does not, whether at once or in pieces */
	big[TV_STORE_HDR_MAX - 1] = 'x';
	big[TV_STORE_HDR_MAX] = '\n';
	tv_store_line_init(&l);
	assert_int_equal(tv_store_line_add(&l, big, sizeof(big)), -1);
	tv_store_line_init(&l);
	assert_int_equal(tv_store_line_add(&l, big, 200), 200);
	assert_int_equal(tv_store_line_add(&l, big + 200, sizeof(big) - 200),
	    -1);
	/* without any '\n' at all */
	tv_store_line_init(&l);
	assert_int_equal(tv_store_line_add(&l, big, TV_STORE_HDR_MAX),
	    TV_STORE_HDR_MAX);
	assert_int_equal(tv_store_line_add(&l, "\n", 1), -1);
}

/* Parse a NUL-ended header; the reason (or "") into why. */
static int
parse(const char *text, struct tv_store_hdr *h, char *why)
{
	why[0] = '\0';
	return tv_store_header_parse(text, strlen(text), h, why,
	    TV_STORE_REPLY_MAX);
}

static void
test_header_round_trip(void **state)
{
	char buf[TV_STORE_HDR_MAX + 1], why[TV_STORE_REPLY_MAX];
	static const uint64_t sizes[] = { 0, 1, 200000, TV_STORE_MAX };
	struct tv_store_line l;
	struct tv_store_hdr h;
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		n = tv_store_header(buf, sizeof(buf), "upload.bin", sizes[i]);
		assert_true(n > 0);
		tv_store_line_init(&l);
		assert_int_equal(tv_store_line_add(&l, buf, (size_t)n), n);
		assert_true(l.complete);
		assert_int_equal(tv_store_header_parse(l.text, l.len, &h, why,
		    sizeof(why)), 0);
		assert_string_equal(h.name, "upload.bin");
		assert_true(h.size == sizes[i]);
	}
	/* a "\r\n" line end */
	assert_int_equal(parse("notes.txt 42\r", &h, why), 0);
	assert_string_equal(h.name, "notes.txt");
	assert_true(h.size == 42);
	assert_int_equal(parse("z 0000000000000000007", &h, why), 0);
	assert_true(h.size == 7);
}

/* The header is refused with exactly `reason`, and *h is left alone. */
static void
assert_refused(const char *text, const char *reason)
{
	char why[TV_STORE_REPLY_MAX];
	struct tv_store_hdr h;

	strcpy(h.name, "untouched");
	h.size = 99;
	assert_int_equal(parse(text, &h, why), -1);
	assert_string_equal(why, reason);
	assert_string_equal(h.name, "untouched");
	assert_true(h.size == 99);
}

static void
test_header_missing_fields(void **state)
{
	(void)state;
	assert_refused("", "bad header: want \"NAME SIZE\"");
	assert_refused("\r", "bad header: want \"NAME SIZE\"");
	assert_refused("notes.txt", "bad header: want \"NAME SIZE\"");
	assert_refused("notes.txt ", "bad header: want \"NAME SIZE\"");
	assert_refused("notes.txt \r", "bad header: want \"NAME SIZE\"");
	assert_refused(" 12", "empty name");
	assert_refused("12", "bad header: want \"NAME SIZE\"");
}

static void
test_header_bad_size(void **state)
{
	(void)state;
	assert_refused("a 12x", "bad header: SIZE is not a decimal number");
	assert_refused("a x12", "bad header: SIZE is not a decimal number");
	assert_refused("a -1", "bad header: SIZE is not a decimal number");
	assert_refused("a +1", "bad header: SIZE is not a decimal number");
	assert_refused("a 0x10", "bad header: SIZE is not a decimal number");
	assert_refused("a 1.5", "bad header: SIZE is not a decimal number");
	/* 20 digits at most */
	assert_refused("a 123456789012345678901", "bad header: want \"NAME SIZE\"");
	/* too big, up to past 64 bits */
	assert_refused("a 67108865", "larger than 67108864 bytes");
	assert_refused("a 18446744073709551615", "larger than 67108864 bytes");
	assert_refused("a 99999999999999999999", "larger than 67108864 bytes");
}

static void
test_header_trailing_junk(void **state)
{
	char why[TV_STORE_REPLY_MAX];
	struct tv_store_hdr h;

	(void)state;
	assert_refused("a 12 ", "bad header: SIZE is not a decimal number");
	assert_refused("a 12 junk", "bad header: SIZE is not a decimal number");
	assert_refused("a 1 2", "bad header: SIZE is not a decimal number");
	assert_refused("a 12\r\r", "bad header: SIZE is not a decimal number");
	assert_refused("a 12\t", "bad header: SIZE is not a decimal number");
	/* a NUL byte does not end the line early */
	assert_int_equal(tv_store_header_parse("a 12\0junk", 9, &h, why,
	    sizeof(why)), -1);
	assert_string_equal(why, "bad header: it contains a NUL byte");
	assert_int_equal(tv_store_header_parse("a\0b 12", 6, &h, why,
	    sizeof(why)), -1);
	assert_string_equal(why, "bad header: it contains a NUL byte");
}

static void
test_header_bad_names(void **state)
{
	char line[TV_STORE_HDR_MAX + 1];

	(void)state;
	assert_refused(".. 5", "name contains '..'");
	assert_refused("a/b 5", "name contains '/'");
	assert_refused("../etc/passwd 5", "name contains '/'");
	assert_refused(".profile 5", "name starts with '.'");
	assert_refused("a\x01 5", "name contains a space or control character");
	assert_refused("a\x7f 5", "name contains a space or control character");
	/* the name ends at the first space */
	assert_refused("a b 5", "bad header: SIZE is not a decimal number");
	/* a name one past the limit */
	memset(line, 'n', TV_STORE_NAME_MAX + 1);
	strcpy(line + TV_STORE_NAME_MAX + 1, " 5");
	assert_refused(line, "name too long");
}

static void
test_header_reason_cut_to_size(void **state)
{
	char why[8];
	struct tv_store_hdr h;

	(void)state;
	memset(why, '#', sizeof(why));
	assert_int_equal(tv_store_header_parse("a/b 5", 5, &h, why, sizeof(why)),
	    -1);
	assert_string_equal(why, "name co");
}

/* ---- the reply ---- */

static void
test_reply_build(void **state)
{
	char buf[TV_STORE_REPLY_MAX];

	(void)state;
	assert_int_equal(tv_store_reply_ok(buf, sizeof(buf), 200000, 0xabcd), 19);
	assert_string_equal(buf, "OK 200000 0000abcd\n");
	tv_store_reply_ok(buf, sizeof(buf), 0, 0);
	assert_string_equal(buf, "OK 0 00000000\n");
	assert_int_equal(tv_store_reply_err(buf, sizeof(buf),
	    "name contains '..'"), 23);
	assert_string_equal(buf, "ERR name contains '..'\n");
}

static void
test_reply_round_trip(void **state)
{
	char buf[TV_STORE_REPLY_MAX];
	const char *why = NULL;
	uint64_t size = 0;
	uint32_t crc = 0;

	(void)state;
	tv_store_reply_ok(buf, sizeof(buf), TV_STORE_MAX, 0xCBF43926u);
	assert_int_equal(tv_store_reply_parse(buf, &size, &crc, &why),
	    TV_STORE_REPLY_OK);
	assert_true(size == TV_STORE_MAX);
	assert_int_equal(crc, 0xCBF43926u);
	strcpy(buf, "OK 5 DEADBEEF\n");
	assert_int_equal(tv_store_reply_parse(buf, &size, &crc, &why),
	    TV_STORE_REPLY_OK);
	assert_true(size == 5);
	assert_int_equal(crc, 0xDEADBEEFu);

	tv_store_reply_err(buf, sizeof(buf), "larger than 67108864 bytes");
	assert_int_equal(tv_store_reply_parse(buf, &size, &crc, &why),
	    TV_STORE_REPLY_ERR);
	assert_string_equal(why, "larger than 67108864 bytes");
	strcpy(buf, "ERR first\nsecond\n");
	assert_int_equal(tv_store_reply_parse(buf, &size, &crc, &why),
	    TV_STORE_REPLY_ERR);
	assert_string_equal(why, "first");
}

/* The reply is neither OK nor ERR; the line is cut to `shown`. */
static void
assert_bad_reply(const char *text, const char *shown)
{
	char buf[TV_STORE_REPLY_MAX];
	const char *why = NULL;
	uint64_t size;
	uint32_t crc;

	strcpy(buf, text);
	assert_int_equal(tv_store_reply_parse(buf, &size, &crc, &why),
	    TV_STORE_REPLY_BAD);
	assert_string_equal(buf, shown);
	assert_null(why);
}

static void
test_reply_rejects(void **state)
{
	(void)state;
	assert_bad_reply("", "");
	assert_bad_reply("hello\nworld", "hello");
	assert_bad_reply("OK 5 0000abcd", "OK 5 0000abcd");	/* no '\n' */
	assert_bad_reply("OK 5 0000abcd\nx", "OK 5 0000abcd");
	assert_bad_reply("OK 5 0000abcd \n", "OK 5 0000abcd ");
	assert_bad_reply("OK 5 abcd\n", "OK 5 abcd");
	assert_bad_reply("OK 5 0000abcdef\n", "OK 5 0000abcdef");
	assert_bad_reply("OK 5 0000abcg\n", "OK 5 0000abcg");
	assert_bad_reply("OK x 0000abcd\n", "OK x 0000abcd");
	assert_bad_reply("OK -5 0000abcd\n", "OK -5 0000abcd");
	assert_bad_reply("OK  5 0000abcd\n", "OK  5 0000abcd");
	assert_bad_reply("OK 5  0000abcd\n", "OK 5  0000abcd");
	assert_bad_reply("OK 5\n", "OK 5");
	assert_bad_reply("OK 99999999999999999999999 00000000\n",
	    "OK 99999999999999999999999 00000000");
	assert_bad_reply("ok 5 0000abcd\n", "ok 5 0000abcd");
	assert_bad_reply("ERR\n", "ERR");
	assert_bad_reply("ERROR x\n", "ERROR x");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32_check_value),
		cmocka_unit_test(test_crc32_empty),
		cmocka_unit_test(test_crc32_in_pieces),
		cmocka_unit_test(test_name_check_accepts),
		cmocka_unit_test(test_name_check_rejects),
		cmocka_unit_test(test_name_sendable),
		cmocka_unit_test(test_header_build),
		cmocka_unit_test(test_line_in_pieces),
		cmocka_unit_test(test_line_too_long),
		cmocka_unit_test(test_header_round_trip),
		cmocka_unit_test(test_header_missing_fields),
		cmocka_unit_test(test_header_bad_size),
		cmocka_unit_test(test_header_trailing_junk),
		cmocka_unit_test(test_header_bad_names),
		cmocka_unit_test(test_header_reason_cut_to_size),
		cmocka_unit_test(test_reply_build),
		cmocka_unit_test(test_reply_round_trip),
		cmocka_unit_test(test_reply_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
