/* \summary: unit tests for tcpviz's own pcapng reader (src/capture/tv_pcapng.c), over files built in memory */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../../src/capture/tv_pcapng-int.h"

/* A file being built: blocks in either byte order. */
struct img {
	uint8_t b[4096];
	size_t n;
	int be;
};

static void
put32(struct img *m, uint32_t v)
{
	uint8_t *p = m->b + m->n;

	if (m->be) {
		p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
	} else {
		p[3] = v >> 24; p[2] = v >> 16; p[1] = v >> 8; p[0] = v;
	}
	m->n += 4;
}

static void
put16(struct img *m, uint16_t v)
{
	m->b[m->n++] = m->be ? v >> 8 : v & 0xff;
	m->b[m->n++] = m->be ? v & 0xff : v >> 8;
}

/* A block: type, length, body (padded to 4), length. */
static void
block(struct img *m, uint32_t type, const uint8_t *body, size_t len)
{
	size_t total = 12 + ((len + 3) & ~(size_t)3);

	put32(m, type);
	put32(m, (uint32_t)total);
	memcpy(m->b + m->n, body, len);
	memset(m->b + m->n + len, 0, total - 12 - len);
	m->n += total - 12;
	put32(m, (uint32_t)total);
}

static void
shb(struct img *m, int be)
{
	struct img body = { .be = be };

	m->be = be;
	put32(&body, 0x1a2b3c4d);
	put16(&body, 1);
	put16(&body, 0);
	put32(&body, 0xffffffff);
	put32(&body, 0xffffffff);
	block(m, 0x0a0d0d0a, body.b, body.n);
}

/* An interface: tsresol < 0 for none; tsoffset 0 for none. */
static void
idb(struct img *m, uint16_t link, uint32_t snaplen, int tsresol,
    int64_t tsoffset)
{
	struct img body = { .be = m->be };

	put16(&body, link);
	put16(&body, 0);
	put32(&body, snaplen);
	if (tsresol >= 0) {
		put16(&body, 9);
		put16(&body, 1);
		body.b[body.n] = (uint8_t)tsresol;
		memset(body.b + body.n + 1, 0, 3);
		body.n += 4;
	}
	if (tsoffset != 0) {
		put16(&body, 14);
		put16(&body, 8);
		if (m->be) {
			put32(&body, (uint32_t)((uint64_t)tsoffset >> 32));
			put32(&body, (uint32_t)tsoffset);
		} else {
			put32(&body, (uint32_t)tsoffset);
			put32(&body, (uint32_t)((uint64_t)tsoffset >> 32));
		}
	}
	put16(&body, 0);
	put16(&body, 0);
	block(m, 1, body.b, body.n);
}

static const uint8_t frame[6] = { 1, 2, 3, 4, 5, 6 };

static void
epb(struct img *m, uint32_t ifid, uint64_t ts)
{
	struct img body = { .be = m->be };

	put32(&body, ifid);
	put32(&body, (uint32_t)(ts >> 32));
	put32(&body, (uint32_t)ts);
	put32(&body, sizeof(frame));
	put32(&body, 60);
	memcpy(body.b + body.n, frame, sizeof(frame));
	body.n += sizeof(frame);
	block(m, 6, body.b, body.n);
}

/* Open the image; NULL with msg when the reader refuses it. */
static struct tv_ng *
open_img(struct img *m, FILE **fp, char *msg)
{
	*fp = fmemopen(m->b, m->n, "rb");
	assert_non_null(*fp);
	return tv_ng_open(*fp, msg);
}

static void
test_two_link_types(void **state)
{
	struct img m = { .n = 0 };
	char msg[TV_ERRBUF_SIZE];
	struct tv_ng_rec r;
	struct tv_ng *ng;
	FILE *fp;

	(void)state;
	shb(&m, 0);
	idb(&m, 1, 65535, -1, 0);		/* EN10MB, us */
	idb(&m, 113, 0, 0x80 | 20, 0);		/* LINUX_SLL, 2^-20 s */
	epb(&m, 0, 1700000000ULL * 1000000 + 250000);
	epb(&m, 1, (1700000000ULL << 20) | (1u << 19));	/* + 0.5 s */
	assert_non_null(ng = open_img(&m, &fp, msg));
	assert_int_equal(tv_ng_first_link(ng), 1);
	assert_int_equal(tv_ng_first_snaplen(ng), 65535);
	assert_int_equal(tv_ng_digits(ng), 9);
	assert_int_equal(tv_ng_next(ng, &r, msg), 1);
	assert_int_equal(r.link, 1);
	assert_int_equal(r.ts_sec, 1700000000);
	assert_int_equal(r.ts_nsec, 250000000);
	assert_int_equal(r.caplen, 6);
	assert_int_equal(r.wirelen, 60);
	assert_memory_equal(r.data, frame, 6);
	assert_int_equal(tv_ng_next(ng, &r, msg), 1);
	assert_int_equal(r.link, 113);
	assert_int_equal(r.iface, 1);
	assert_int_equal(r.ts_sec, 1700000000);
	assert_int_equal(r.ts_nsec, 500000000);
	assert_int_equal(tv_ng_next(ng, &r, msg), 0);
	tv_ng_close(ng);
	fclose(fp);
}

static void
test_sections_byte_orders_offset(void **state)
{
	struct img m = { .n = 0 };
	char msg[TV_ERRBUF_SIZE];
	struct tv_ng_rec r;
	struct tv_ng *ng;
	FILE *fp;

	(void)state;
	shb(&m, 0);
	idb(&m, 1, 0, 9, 0);
	epb(&m, 0, 1000000001);
	shb(&m, 1);				/* big-endian, interfaces anew */
	idb(&m, 101, 0, 3, -100);		/* RAW, ms, 100 s earlier */
	epb(&m, 0, 1500);
	assert_non_null(ng = open_img(&m, &fp, msg));
	assert_int_equal(tv_ng_next(ng, &r, msg), 1);
	assert_int_equal(r.ts_sec, 1);
	assert_int_equal(r.ts_nsec, 1);
	assert_int_equal(tv_ng_next(ng, &r, msg), 1);
	assert_int_equal(r.link, 101);
	assert_int_equal(r.ts_sec, -99);
	assert_int_equal(r.ts_nsec, 500000000);
	assert_int_equal(tv_ng_next(ng, &r, msg), 0);
	tv_ng_close(ng);
	fclose(fp);
}

static void
test_simple_and_obsolete_packets(void **state)
{
	static const uint8_t spb[] = { 60, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t pb[] = { 0, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0,
	    2, 0, 0, 0, 40, 0, 0, 0, 9, 9 };
	struct img m = { .n = 0 };
	char msg[TV_ERRBUF_SIZE];
	struct tv_ng_rec r;
	struct tv_ng *ng;
	FILE *fp;

	(void)state;
	shb(&m, 0);
	idb(&m, 1, 5, -1, 0);			/* snaplen 5 */
	block(&m, 5, spb, 8);			/* an ISB: skipped */
	block(&m, 3, spb, sizeof(spb));
	block(&m, 2, pb, sizeof(pb));
	assert_non_null(ng = open_img(&m, &fp, msg));
	assert_int_equal(tv_ng_next(ng, &r, msg), 1);
	assert_int_equal(r.caplen, 5);		/* the snaplen */
	assert_int_equal(r.wirelen, 60);
	assert_int_equal(r.ts_sec, 0);
	assert_int_equal(tv_ng_next(ng, &r, msg), 1);
	assert_int_equal(r.caplen, 2);
	assert_int_equal(r.wirelen, 40);
	assert_int_equal(r.ts_nsec, 7000);
	assert_int_equal(tv_ng_next(ng, &r, msg), 0);
	tv_ng_close(ng);
	fclose(fp);
}

/* Damage: each refused with one line, never read past. */
static void
test_damage(void **state)
{
	struct img m = { .n = 0 };
	char msg[TV_ERRBUF_SIZE];
	struct tv_ng_rec r;
	struct tv_ng *ng;
	FILE *fp;
	size_t good;

	(void)state;
	shb(&m, 0);
	idb(&m, 1, 0, -1, 0);
	good = m.n;
	epb(&m, 3, 0);				/* interface 3 of 1 */
	assert_null(open_img(&m, &fp, msg));
	assert_non_null(strstr(msg, "interface 3, but the section describes 1"));
	fclose(fp);

	m.n = good;
	epb(&m, 0, 0);
	m.b[good + 4] = 0xf0;			/* length 0xfffff0..: too big */
	m.b[good + 5] = m.b[good + 6] = m.b[good + 7] = 0xff;
	assert_null(open_img(&m, &fp, msg));
	assert_non_null(strstr(msg, "at most 16 MiB"));
	fclose(fp);

	m.n = good;
	epb(&m, 0, 0);
	m.n -= 3;				/* the last block cut off */
	assert_null(open_img(&m, &fp, msg));
	assert_non_null(strstr(msg, "truncated pcapng dump file"));
	fclose(fp);

	m.n = good;
	epb(&m, 0, 0);
	m.b[m.n - 4] ^= 4;			/* trailer differs */
	assert_null(open_img(&m, &fp, msg));
	assert_non_null(strstr(msg, "trailing length"));
	fclose(fp);

	m.n = good;
	idb(&m, 1, 0, 0x80 | 64, 0);
	assert_null(open_img(&m, &fp, msg));
	assert_non_null(strstr(msg, "if_tsresol 2^-64"));
	fclose(fp);

	m.n = good;
	epb(&m, 0, 0);
	m.b[good] = 0x0a;			/* a section header of no byte order */
	m.b[good + 1] = 0x0d;
	m.b[good + 2] = 0x0d;
	m.b[good + 3] = 0x0a;
	assert_null(open_img(&m, &fp, msg));
	assert_non_null(strstr(msg, "byte-order magic"));
	fclose(fp);

	m.n = good;				/* damage after a packet */
	epb(&m, 0, 0);
	epb(&m, 0, 0);
	m.b[m.n - 20] = 0xff;			/* captured length past its block */
	assert_non_null(ng = open_img(&m, &fp, msg));
	assert_int_equal(tv_ng_next(ng, &r, msg), 1);
	assert_int_equal(tv_ng_next(ng, &r, msg), -1);
	assert_non_null(strstr(msg, "runs past its block"));
	tv_ng_close(ng);
	fclose(fp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_link_types),
		cmocka_unit_test(test_sections_byte_orders_offset),
		cmocka_unit_test(test_simple_and_obsolete_packets),
		cmocka_unit_test(test_damage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
