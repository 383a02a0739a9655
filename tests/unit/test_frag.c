/* \summary: unit tests for IP fragment reassembly (tv_frag.h) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "tv_decode.h"
#include "tv_frag.h"

static const uint8_t A4[4] = { 192, 0, 2, 1 }, B4[4] = { 192, 0, 2, 2 };
static const uint8_t A6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t B6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

static uint8_t dgram[8000];	/* a UDP datagram: header, then a pattern */
static uint8_t frame[9000];

static void
be16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t
sum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* A UDP datagram of n payload bytes, its checksum right over IPv4 or 6. */
static size_t
mk_udp(size_t n, int v6)
{
	size_t i, len = 8 + n;
	uint32_t s = 0;

	memset(dgram, 0, 8);
	be16(dgram, 40000);
	be16(dgram + 2, 9999);
	be16(dgram + 4, (unsigned)len);
	for (i = 0; i < n; i++)
		dgram[8 + i] = (uint8_t)(i % 251);
	if (v6) {
		for (i = 0; i < 16; i += 2)
			s += (uint32_t)(A6[i] << 8 | A6[i + 1]) + (uint32_t)(B6[i] << 8 | B6[i + 1]);
	} else {
		s = (uint32_t)(A4[0] << 8 | A4[1]) + (uint32_t)(A4[2] << 8 | A4[3]) +
		    (uint32_t)(B4[0] << 8 | B4[1]) + (uint32_t)(B4[2] << 8 | B4[3]);
	}
	s += 17 + (uint32_t)len;
	be16(dgram + 6, sum16(dgram, len, s));
	return len;
}

/* An IPv4 fragment (RAW link) of data[off, off+n) of id into frame. */
static size_t
frag4(uint16_t id, size_t off, size_t n, int more, const uint8_t *data)
{
	uint8_t *h = frame;

	memset(h, 0, 20);
	h[0] = 0x45;
	be16(h + 2, (unsigned)(20 + n));
	be16(h + 4, id);
	be16(h + 6, (more ? 0x2000u : 0) | (unsigned)(off / 8));
	h[8] = 64;
	h[9] = 17;
	memcpy(h + 12, A4, 4);
	memcpy(h + 16, B4, 4);
	be16(h + 10, sum16(h, 20, 0));
	memcpy(h + 20, data + off, n);
	return 20 + n;
}

static size_t
frag6(uint32_t id, size_t off, size_t n, int more, const uint8_t *data)
{
	uint8_t *h = frame;

	memset(h, 0, 48);
	h[0] = 0x60;
	be16(h + 4, (unsigned)(8 + n));
	h[6] = 44;
	h[7] = 64;
	memcpy(h + 8, A6, 16);
	memcpy(h + 24, B6, 16);
	h[40] = 17;
	be16(h + 42, (unsigned)off | (more ? 1u : 0));
	h[44] = (uint8_t)(id >> 24);
	h[45] = (uint8_t)(id >> 16);
	h[46] = (uint8_t)(id >> 8);
	h[47] = (uint8_t)id;
	memcpy(h + 48, data + off, n);
	return 48 + n;
}

/* Decode frame[0, len) and hand it to f at time sec. */
static int
add(struct tv_frag *f, size_t len, int64_t sec, struct tv_frag_out *out)
{
	struct tv_pkt pkt;

	pkt.n = 1;
	pkt.ts_sec = sec;
	pkt.ts_nsec = 0;
	assert_int_equal(tv_decode_opts(TV_LINK_RAW, frame, (uint32_t)len,
	    (uint32_t)len, TV_DEC_CKSUM, &pkt), 1);
	assert_int_equal(pkt.skip, TV_SKIP_FRAGMENT);
	return tv_frag_add(f, TV_LINK_RAW, frame, &pkt, out);
}

static void
whole_udp(const struct tv_frag_out *out, uint32_t paylen)
{
	struct tv_pkt pkt;

	memset(&pkt, 0, sizeof(pkt));
	assert_int_equal(tv_decode_opts(out->link, out->data, out->len, out->len,
	    TV_DEC_CKSUM, &pkt), 0);
	assert_int_equal(pkt.proto, 17);
	assert_int_equal(pkt.sport, 40000);
	assert_int_equal(pkt.len, paylen);
	assert_int_equal(pkt.ck_l4, TV_CK_CORRECT);
	assert_null(pkt.malformed);
}

static void
test_v4_in_and_out_of_order(void **state)
{
	struct tv_frag *f = tv_frag_new();
	struct tv_frag_out out;
	struct tv_frag_stats st;
	size_t n = mk_udp(3992, 0);	/* 4000 bytes: 1480 + 1480 + 1040 */

	(void)state;
	assert_non_null(f);
	assert_int_equal(add(f, frag4(1, 0, 1480, 1, dgram), 0, &out), TV_FRAG_HELD);
	assert_int_equal(add(f, frag4(1, 1480, 1480, 1, dgram), 0, &out), TV_FRAG_HELD);
	assert_int_equal(add(f, frag4(1, 2960, n - 2960, 0, dgram), 0, &out), TV_FRAG_DONE);
	assert_int_equal(out.nfrags, 3);
	assert_int_equal(out.len, 20 + 4000);
	whole_udp(&out, 3992);
	/* the same, last first */
	assert_int_equal(add(f, frag4(2, 2960, n - 2960, 0, dgram), 0, &out), TV_FRAG_HELD);
	assert_int_equal(add(f, frag4(2, 1480, 1480, 1, dgram), 0, &out), TV_FRAG_HELD);
	assert_int_equal(add(f, frag4(2, 0, 1480, 1, dgram), 0, &out), TV_FRAG_DONE);
	whole_udp(&out, 3992);
	tv_frag_get_stats(f, &st);
	assert_int_equal(st.fragments, 6);
	assert_int_equal(st.reassembled, 2);
	assert_int_equal(tv_frag_dropped(&st), 0);
	tv_frag_free(f);
}

static void
test_v6_and_atomic(void **state)
{
	struct tv_frag *f = tv_frag_new();
	struct tv_frag_out out;
	struct tv_pkt pkt;
	size_t n = mk_udp(2992, 1), len;

	(void)state;
	assert_int_equal(add(f, frag6(7, 1232, 1232, 1, dgram), 0, &out), TV_FRAG_HELD);
	assert_int_equal(add(f, frag6(7, 0, 1232, 1, dgram), 0, &out), TV_FRAG_HELD);
	assert_int_equal(add(f, frag6(7, 2464, n - 2464, 0, dgram), 0, &out), TV_FRAG_DONE);
	assert_int_equal(out.len, 40 + 3000);
	assert_int_equal(out.data[6], 17);	/* the fragment header gone */
	whole_udp(&out, 2992);
	/* RFC 6946: offset 0, M 0 is whole, decoded as it is */
	len = frag6(8, 0, n, 0, dgram);
	pkt.n = 1;
	assert_int_equal(tv_decode_opts(TV_LINK_RAW, frame, (uint32_t)len,
	    (uint32_t)len, TV_DEC_CKSUM, &pkt), 0);
	assert_int_equal(pkt.len, 2992);
	assert_int_equal(pkt.ck_l4, TV_CK_CORRECT);
	tv_frag_free(f);
}

static void
test_overlap_drops_datagram(void **state)
{
	struct tv_frag *f = tv_frag_new();
	struct tv_frag_out out;
	struct tv_frag_stats st;
	size_t n = mk_udp(2992, 0);

	(void)state;
	assert_int_equal(add(f, frag4(3, 0, 1480, 1, dgram), 0, &out), TV_FRAG_HELD);
	assert_int_equal(add(f, frag4(3, 1472, 1480, 1, dgram), 0, &out), TV_FRAG_DROPPED);
	/* its other fragments are swallowed, not held anew */
	assert_int_equal(add(f, frag4(3, 2952, n - 2952, 0, dgram), 0, &out), TV_FRAG_DROPPED);
	/* an exact duplicate overlaps too */
	assert_int_equal(add(f, frag4(4, 0, 1480, 1, dgram), 0, &out), TV_FRAG_HELD);
	assert_int_equal(add(f, frag4(4, 0, 1480, 1, dgram), 0, &out), TV_FRAG_DROPPED);
	tv_frag_finish(f);
	tv_frag_get_stats(f, &st);
	assert_int_equal(st.overlap, 2);
	assert_int_equal(st.incomplete, 0);
	assert_int_equal(st.reassembled, 0);
	tv_frag_free(f);
}

static void
test_bounds(void **state)
{
	struct tv_frag *f = tv_frag_new();
	struct tv_frag_out out;
	struct tv_frag_stats st;
	uint16_t id;

	(void)state;
	mk_udp(2000, 0);
	/* past 65535 bytes */
	assert_int_equal(add(f, frag4(5, 0, 1024, 1, dgram), 0, &out), TV_FRAG_HELD);
	frag4(5, 1024, 64, 0, dgram);
	frame[6] = 0x1f;	/* offset 65512 + 64 bytes */
	frame[7] = 0xfd;
	frame[10] = frame[11] = 0;
	be16(frame + 10, sum16(frame, 20, 0));
	assert_int_equal(add(f, 84, 0, &out), TV_FRAG_DROPPED);
	/* not a multiple of 8 with more to come */
	assert_int_equal(add(f, frag4(6, 0, 1020, 1, dgram), 0, &out), TV_FRAG_DROPPED);
	/* 65 datagrams at once: the oldest goes */
	for (id = 100; id < 165; id++)
		assert_int_equal(add(f, frag4(id, 0, 8, 1, dgram), 1, &out), TV_FRAG_HELD);
	tv_frag_get_stats(f, &st);
	assert_int_equal(st.too_long, 1);
	assert_int_equal(st.bad, 1);
	assert_true(st.evicted >= 1);
	/* 64 datagrams of 5 KiB in 1 KiB pieces apart: more than the bytes */
	for (id = 200; id < 264; id++) {
		unsigned k;

		for (k = 0; k < 5; k++)
			assert_int_not_equal(add(f, frag4(id, 2048 * k, 8, 1, dgram), 2,
			    &out), TV_FRAG_DONE);
	}
	tv_frag_get_stats(f, &st);
	assert_true(st.evicted >= 64 + 1);
	/* 31 s later: all past their time */
	assert_int_equal(add(f, frag4(300, 0, 8, 1, dgram), 40, &out), TV_FRAG_HELD);
	tv_frag_finish(f);
	tv_frag_get_stats(f, &st);
	assert_true(st.timed_out > 0);
	assert_int_equal(st.incomplete, 1);
	tv_frag_free(f);
}

/* The IP packet frame[0, n) inside GRE (key `key`; 0: none) over IPv4
 * from 198.51.100.`from` to 198.51.100.2, moved along in frame. */
static size_t
gre4(size_t n, uint32_t key, uint8_t from)
{
	size_t gl = key ? 8 : 4;
	uint8_t *h = frame;

	memmove(frame + 20 + gl, frame, n);
	memset(h, 0, 20 + gl);
	h[0] = 0x45;
	be16(h + 2, (unsigned)(20 + gl + n));
	be16(h + 4, 0x77);
	h[8] = 64;
	h[9] = 47;
	h[12] = 198, h[13] = 51, h[14] = 100, h[15] = from;
	h[16] = 198, h[17] = 51, h[18] = 100, h[19] = 2;
	be16(h + 10, sum16(h, 20, 0));
	h[20] = key ? 0x20 : 0;
	be16(h + 22, (frame[20 + gl] >> 4) == 6 ? 0x86dd : 0x0800);
	if (key) {
		be16(h + 24, (unsigned)(key >> 16));
		be16(h + 26, (unsigned)(key & 0xffff));
	}
	return 20 + gl + n;
}

/* A fragment inside a tunnel to f: decoded as one, its tunnel in pkt. */
static int
add_tun(struct tv_frag *f, size_t len, struct tv_frag_out *out)
{
	struct tv_pkt pkt;

	pkt.n = 1;
	pkt.ts_sec = 0;
	pkt.ts_nsec = 0;
	assert_int_equal(tv_decode_opts(TV_LINK_RAW, frame, (uint32_t)len,
	    (uint32_t)len, TV_DEC_CKSUM, &pkt), 1);
	assert_int_equal(pkt.skip, TV_SKIP_FRAGMENT);
	assert_int_equal(pkt.tun.kind, TV_TUN_GRE);
	assert_int_equal(pkt.tun.depth, 1);
	return tv_frag_add(f, TV_LINK_RAW, frame, &pkt, out);
}

/* out is a whole UDP datagram of paylen bytes inside GRE key `key` from
 * 198.51.100.`from`, its tunnel put back by tv_frag_decode(). */
static void
whole_in_gre(const struct tv_frag_out *out, uint32_t paylen, uint32_t key,
    uint8_t from, uint16_t nfrags)
{
	struct tv_pkt pkt;

	assert_int_equal(out->link, TV_LINK_RAW);
	assert_int_equal(out->tun.kind, TV_TUN_GRE);
	memset(&pkt, 0, sizeof(pkt));
	assert_int_equal(tv_frag_decode(out, TV_DEC_CKSUM, &pkt), 0);
	assert_int_equal(pkt.proto, 17);
	assert_int_equal(pkt.len, paylen);
	assert_int_equal(pkt.ck_l4, TV_CK_CORRECT);
	assert_null(pkt.malformed);
	assert_int_equal(pkt.frags, nfrags);
	assert_int_equal(pkt.tun.kind, TV_TUN_GRE);
	assert_int_equal(pkt.tun.depth, 1);
	assert_int_equal(pkt.tun.has_key, key != 0);
	assert_int_equal(pkt.tun.key, key);
	assert_int_equal(pkt.tun.src.family, 4);
	assert_int_equal(pkt.tun.src.a[3], from);
	assert_int_equal(pkt.tun.dst.a[3], 2);
}

/* Inner fragments: reassembled from the inner IP header on, the tunnel in
 * the key (the same inner id, addresses and protocol in two GRE keys, in
 * two tunnels' endpoints and outside any tunnel are four datagrams). */
static void
test_tunnel_in_key(void **state)
{
	struct tv_frag *f = tv_frag_new();
	struct tv_frag_out out;
	struct tv_frag_stats st;
	size_t n = mk_udp(1992, 0);	/* 2000 bytes: 1480 + 520 */

	(void)state;
	assert_non_null(f);
	assert_int_equal(add_tun(f, gre4(frag4(9, 0, 1480, 1, dgram), 7, 1), &out), TV_FRAG_HELD);
	assert_int_equal(add_tun(f, gre4(frag4(9, 0, 1480, 1, dgram), 8, 1), &out), TV_FRAG_HELD);
	assert_int_equal(add_tun(f, gre4(frag4(9, 0, 1480, 1, dgram), 7, 3), &out), TV_FRAG_HELD);
	assert_int_equal(add_tun(f, gre4(frag4(9, 0, 1480, 1, dgram), 0, 1), &out), TV_FRAG_HELD);
	assert_int_equal(add(f, frag4(9, 0, 1480, 1, dgram), 0, &out), TV_FRAG_HELD);
	assert_int_equal(add_tun(f, gre4(frag4(9, 1480, n - 1480, 0, dgram), 8, 1), &out), TV_FRAG_DONE);
	assert_int_equal(out.nfrags, 2);
	assert_int_equal(out.len, 20 + 2000);	/* the inner packet alone */
	assert_int_equal(out.data[0], 0x45);
	whole_in_gre(&out, 1992, 8, 1, 2);
	assert_int_equal(add_tun(f, gre4(frag4(9, 1480, n - 1480, 0, dgram), 7, 3), &out), TV_FRAG_DONE);
	whole_in_gre(&out, 1992, 7, 3, 2);
	assert_int_equal(add_tun(f, gre4(frag4(9, 1480, n - 1480, 0, dgram), 7, 1), &out), TV_FRAG_DONE);
	whole_in_gre(&out, 1992, 7, 1, 2);
	assert_int_equal(add_tun(f, gre4(frag4(9, 1480, n - 1480, 0, dgram), 0, 1), &out), TV_FRAG_DONE);
	whole_in_gre(&out, 1992, 0, 1, 2);
	/* the one outside any tunnel: as before, no tunnel put back */
	assert_int_equal(add(f, frag4(9, 1480, n - 1480, 0, dgram), 0, &out), TV_FRAG_DONE);
	assert_int_equal(out.tun.kind, TV_TUN_NONE);
	whole_udp(&out, 1992);
	/* IPv6 inside IPv4 GRE: the fragment header taken out */
	n = mk_udp(2992, 1);
	assert_int_equal(add_tun(f, gre4(frag6(11, 1232, 1232, 1, dgram), 7, 1), &out), TV_FRAG_HELD);
	assert_int_equal(add_tun(f, gre4(frag6(11, 0, 1232, 1, dgram), 7, 1), &out), TV_FRAG_HELD);
	assert_int_equal(add_tun(f, gre4(frag6(11, 2464, n - 2464, 0, dgram), 7, 1), &out), TV_FRAG_DONE);
	assert_int_equal(out.len, 40 + 3000);
	assert_int_equal(out.data[6], 17);
	whole_in_gre(&out, 2992, 7, 1, 3);
	tv_frag_get_stats(f, &st);
	assert_int_equal(st.fragments, 13);
	assert_int_equal(st.reassembled, 6);
	assert_int_equal(tv_frag_dropped(&st), 0);
	tv_frag_free(f);
}

/* A reassembled inner datagram holding tunnels of its own: counted within
 * the fragments' tunnel, never deeper than TV_TUN_MAX_DEPTH in all. */
static void
test_tunnel_depth_added(void **state)
{
	struct tv_frag_out out;
	struct tv_pkt pkt;
	size_t n;

	(void)state;
	mk_udp(100, 0);
	n = frag4(12, 0, 108, 0, dgram);	/* whole */
	memmove(frame + 20, frame, n);		/* inside IP-in-IP */
	memset(frame, 0, 20);
	frame[0] = 0x45;
	be16(frame + 2, (unsigned)(20 + n));
	frame[8] = 64;
	frame[9] = 4;
	frame[12] = 198, frame[13] = 51, frame[14] = 100, frame[15] = 9;
	frame[16] = 198, frame[17] = 51, frame[18] = 100, frame[19] = 10;
	be16(frame + 10, sum16(frame, 20, 0));
	memset(&out, 0, sizeof(out));
	out.link = TV_LINK_RAW;
	out.data = frame;
	out.len = (uint32_t)(20 + n);
	out.nfrags = 2;
	out.tun.kind = TV_TUN_GRE;
	out.tun.depth = 1;
	out.tun.has_key = 1;
	out.tun.key = 7;
	memset(&pkt, 0, sizeof(pkt));
	assert_int_equal(tv_frag_decode(&out, TV_DEC_CKSUM, &pkt), 0);
	assert_int_equal(pkt.tun.kind, TV_TUN_GRE);
	assert_int_equal(pkt.tun.key, 7);
	assert_int_equal(pkt.tun.depth, 2);
	assert_int_equal(pkt.frags, 2);
	out.tun.depth = TV_TUN_MAX_DEPTH;
	assert_int_equal(tv_frag_decode(&out, TV_DEC_CKSUM, &pkt), 1);
	assert_int_equal(pkt.skip, TV_SKIP_TUNNEL_DEPTH);
	assert_int_equal(pkt.proto, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4_in_and_out_of_order),
		cmocka_unit_test(test_v6_and_atomic),
		cmocka_unit_test(test_overlap_drops_datagram),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_tunnel_in_key),
		cmocka_unit_test(test_tunnel_depth_added),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
