/* \summary: unit tests for the renderers: JSON Lines packet, conn and summary lines, the ASCII ladder (tv_render) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tv_render.h"
#include "../../src/render/tv_render-int.h"
#include "pktbuild.h"
#include "memsink.h"

#define CISN 1000u
#define SISN 5000u
#define CPORT 40000
#define SPORT_ 80

/* ---- a sink that appends to memory ---- */

/* ---- a small JSON checker: one object per line, top-level keys ---- */

#define MAXKEYS 32

struct jp {
	const char *p, *end;
	int depth;
	char keys[MAXKEYS][24];	/* the top-level object's keys */
	int nkeys;
};

static int j_value(struct jp *j);

static void
j_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t'))
		j->p++;
}

/* A string; its text (escapes kept as written) into out when not NULL. */
static int
j_string(struct jp *j, char *out, size_t size)
{
	size_t k = 0;

	if (j->p >= j->end || *j->p != '"')
		return -1;
	j->p++;
	while (j->p < j->end && *j->p != '"') {
		unsigned char ch = (unsigned char)*j->p;

		if (ch < 0x20)
			return -1;
		if (ch == '\\') {
			j->p++;
			if (j->p >= j->end || !strchr("\"\\/bfnrtu", *j->p))
				return -1;
		}
		if (out && k + 1 < size)
			out[k++] = *j->p;
		j->p++;
	}
	if (j->p >= j->end)
		return -1;
	j->p++;
	if (out)
		out[k] = '\0';
	return 0;
}

static int
j_number(struct jp *j)
{
	const char *s = j->p;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end || *j->p < '0' || *j->p > '9')
		return -1;
	if (*j->p == '0' && j->p + 1 < j->end && j->p[1] >= '0' && j->p[1] <= '9')
		return -1;		/* no leading zeros */
	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return -1;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	return j->p > s ? 0 : -1;
}

static int
j_lit(struct jp *j, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0)
		return -1;
	j->p += n;
	return 0;
}

static int
j_object(struct jp *j)
{
	int top = j->depth == 0;
	char key[24];

	j->p++;
	j->depth++;
	j_ws(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		j->depth--;
		return 0;
	}
	for (;;) {
		int i;

		j_ws(j);
		if (j_string(j, key, sizeof(key)) < 0)
			return -1;
		if (top) {
			for (i = 0; i < j->nkeys; i++)
				if (strcmp(j->keys[i], key) == 0)
					return -1;	/* duplicate key */
			if (j->nkeys >= MAXKEYS)
				return -1;
			strcpy(j->keys[j->nkeys++], key);
		}
		j_ws(j);
		if (j->p >= j->end || *j->p++ != ':')
			return -1;
		if (j_value(j) < 0)
			return -1;
		j_ws(j);
		if (j->p >= j->end)
			return -1;
		if (*j->p == '}') {
			j->p++;
			j->depth--;
			return 0;
		}
		if (*j->p++ != ',')
			return -1;
	}
}

static int
j_array(struct jp *j)
{
	j->p++;
	j->depth++;
	j_ws(j);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		j->depth--;
		return 0;
	}
	for (;;) {
		if (j_value(j) < 0)
			return -1;
		j_ws(j);
		if (j->p >= j->end)
			return -1;
		if (*j->p == ']') {
			j->p++;
			j->depth--;
			return 0;
		}
		if (*j->p++ != ',')
			return -1;
	}
}

static int
j_value(struct jp *j)
{
	j_ws(j);
	if (j->p >= j->end || j->depth > 16)
		return -1;
	switch (*j->p) {
	case '{':
		return j_object(j);
	case '[':
		return j_array(j);
	case '"':
		return j_string(j, NULL, 0);
	case 't':
		return j_lit(j, "true");
	case 'f':
		return j_lit(j, "false");
	case 'n':
		return j_lit(j, "null");
	}
	return j_number(j);
}

/*
 * `text` must be exactly one JSON object and a newline; its top-level
 * keys must be exactly the comma-separated `want` (any order).
 */
static void
assert_json_line(const char *text, const char *want)
{
	struct jp j;
	size_t len = strlen(text);
	char w[512], *tok, *save = NULL;
	int i, nwant = 0;

	if (len == 0 || text[len - 1] != '\n')
		fail_msg("not one newline-terminated line: %s", text);
	if (memchr(text, '\n', len - 1) != NULL)
		fail_msg("more than one line: %s", text);
	memset(&j, 0, sizeof(j));
	j.p = text;
	j.end = text + len - 1;
	if (*j.p != '{' || j_value(&j) < 0 || j.p != j.end)
		fail_msg("invalid JSON at offset %d: %s", (int)(j.p - text), text);

	assert_true(strlen(want) < sizeof(w));
	strcpy(w, want);
	for (tok = strtok_r(w, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		nwant++;
		for (i = 0; i < j.nkeys; i++)
			if (strcmp(j.keys[i], tok) == 0)
				break;
		if (i == j.nkeys)
			fail_msg("key \"%s\" missing: %s", tok, text);
	}
	if (nwant != j.nkeys) {
		for (i = 0; i < j.nkeys; i++)
			if (!strstr(want, j.keys[i]))
				fail_msg("unexpected key \"%s\": %s", j.keys[i], text);
		fail_msg("%d keys, want %d: %s", j.nkeys, nwant, text);
	}
}

static void
assert_has(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		fail_msg("\"%s\" not in:\n%s", needle, hay);
}

static void
assert_prefix(const char *s, const char *prefix)
{
	if (strncmp(s, prefix, strlen(prefix)) != 0)
		fail_msg("does not start with \"%s\":\n%s", prefix, s);
}

static void
assert_lacks(const char *hay, const char *needle)
{
	if (strstr(hay, needle) != NULL)
		fail_msg("\"%s\" unexpectedly in:\n%s", needle, hay);
}

/* tvr_secs writes what printf would: the sign, whole seconds, the
 * fraction with its zeros, in 0, 3, 6 or 9 decimals; cut to a small
 * buffer and its length returned */
static void
test_secs(void **state)
{
	static const int64_t vals[] = { 0, 1, 999, 1000, 999999, 1000000,
	    999999999, 1000000000, 1000000001, 123456789012LL,
	    1767225600000012000LL, -1, -999, -1000000000, -1000000001,
	    INT64_MAX, INT64_MIN };
	static const int digs[] = { 0, 3, 6, 9 };
	static const uint64_t div[] = { 1000000000, 1000000, 1000, 1 };
	char got[40], want[64];
	size_t i, d, size, n;

	(void)state;
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		for (d = 0; d < 4; d++) {
			int64_t v = vals[i];
			uint64_t a = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;

			if (digs[d])
				snprintf(want, sizeof(want), "%s%llu.%0*llu",
				    v < 0 ? "-" : "",
				    (unsigned long long)(a / 1000000000u),
				    digs[d], (unsigned long long)
				    (a % 1000000000u / div[d]));
			else
				snprintf(want, sizeof(want), "%s%llu",
				    v < 0 ? "-" : "",
				    (unsigned long long)(a / 1000000000u));
			for (size = 1; size <= sizeof(got); size++) {
				memset(got, 'x', sizeof(got));
				n = tvr_secs(got, size, v, digs[d]);
				assert_int_equal(n, strlen(got));
				assert_true(n < size);
				assert_memory_equal(got, want, n);
				if (size > strlen(want))
					assert_string_equal(got, want);
			}
		}
}

static void
test_json_checker_itself(void **state)
{
	struct jp j;
	static const char *const bad[] = {
		"{\"a\":1", "{\"a\":}", "{\"a\":1,}", "{\"a\":[1,]}", "{a:1}",
		"{\"a\":01}", "{\"a\":tru}", "{\"a\":\"x}", "{\"a\":1}}", "{\"a\":1,\"a\":2}",
	};
	size_t i;

	(void)state;
	assert_json_line("{\"a\":1,\"b\":{\"c\":[1,2,[]],\"d\":null},\"e\":\"x\\\"y\"}\n",
	    "a,b,e");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&j, 0, sizeof(j));
		j.p = bad[i];
		j.end = bad[i] + strlen(bad[i]);
		assert_true(j_value(&j) < 0 || j.p != j.end);
	}
}

/* ---- building connections ---- */

static const struct tv_render_opts ro6 = { .ts_digits = 6, .data = TV_DATA_FULL };

static const uint8_t syn_opts[20] = {
	2, 4, 0xff, 0xd7, 4, 2, 8, 10, 0, 0, 0, 7, 0, 0, 0, 0, 1, 3, 3, 7,
};

static uint64_t frame_no;

/* Decode a frame into pkt with frame number and time ms. */
static void
decode_at(const uint8_t *frame, size_t len, uint32_t caplen, int64_t ms,
    struct tv_pkt *pkt)
{
	pkt->n = ++frame_no;
	pkt->ts_sec = 1700000000 + ms / 1000;
	pkt->ts_nsec = (uint32_t)(ms % 1000) * 1000000u + 123456u;
	assert_int_equal(tv_decode(TV_LINK_RAW, frame, caplen ? caplen :
	    (uint32_t)len, (uint32_t)len, pkt), 0);
}

/* A TCP segment over IPv4 (127.0.0.1 <-> 127.0.0.2) or IPv6 (::1), decoded. */
static void
seg(int v6, int to_server, uint8_t flags, uint32_t seq, uint32_t ack,
    const uint8_t *opts, size_t optlen, size_t paylen, int64_t ms,
    struct tv_pkt *pkt)
{
	uint8_t b[PB_MAX];
	size_t n;
	uint16_t sp = to_server ? CPORT : SPORT_, dp = to_server ? SPORT_ : CPORT;

	n = pb_tcp(b, sp, dp, seq, ack, flags, 65495, opts, optlen, paylen);
	if (v6)
		n = pb_ipv6(b, 6, pb_lo6, pb_lo6, b, n);
	else
		n = pb_ipv4(b, 6, to_server ? pb_lo4_a : pb_lo4_b,
		    to_server ? pb_lo4_b : pb_lo4_a, b, n);
	decode_at(b, n, 0, ms, pkt);
}

/* What the done callback rendered. */
struct rendered {
	struct tv_render_opts ro;
	struct sink lad, json;
	struct tv_out lo, jo;
	int calls;
	enum tv_done why;
};

static void
render_done(struct tv_conn *c, enum tv_done why, void *ctx)
{
	struct rendered *r = ctx;

	r->calls++;
	r->why = why;
	tv_lad_conn(&r->lo, &r->ro, c, why);
	tv_json_conn(&r->jo, &r->ro, c, why);
}

static struct tv_flow *
flow_new(struct rendered *r, int absolute, uint32_t max_conns)
{
	struct tv_flow_cfg cfg;
	struct tv_flow *f;

	memset(r, 0, sizeof(*r));
	r->ro = ro6;
	r->ro.absolute = absolute;
	r->lo = sink_out(&r->lad);
	r->jo = sink_out(&r->json);
	memset(&cfg, 0, sizeof(cfg));
	cfg.keep_rows = 1;
	cfg.linger_ns = 2000000000ULL;
	cfg.max_conns = max_conns;
	cfg.done = render_done;
	cfg.ctx = r;
	f = tv_flow_new(&cfg);
	assert_non_null(f);
	return f;
}

static void
rendered_free(struct rendered *r)
{
	sink_free(&r->lad);
	sink_free(&r->json);
}

static struct tv_conn *
add(struct tv_flow *f, const struct tv_pkt *pkt, enum tv_side *from)
{
	enum tv_side dummy;
	struct tv_conn *c = tv_flow_add(f, pkt, from ? from : &dummy);

	assert_non_null(c);
	return c;
}

/*
 * A whole conversation: handshake, 2 bytes each way, FIN from the
 * client, FIN-ACK from the server, last ACK; its connection.
 */
static struct tv_conn *
conversation(struct tv_flow *f, int v6)
{
	struct tv_pkt p;

	seg(v6, 1, TV_TH_SYN, CISN, 0, syn_opts, sizeof(syn_opts), 0, 0, &p);
	add(f, &p, NULL);
	seg(v6, 0, TV_TH_SYN | TV_TH_ACK, SISN, CISN + 1, syn_opts,
	    sizeof(syn_opts), 0, 1, &p);
	add(f, &p, NULL);
	seg(v6, 1, TV_TH_ACK, CISN + 1, SISN + 1, NULL, 0, 0, 2, &p);
	add(f, &p, NULL);
	seg(v6, 1, TV_TH_PSH | TV_TH_ACK, CISN + 1, SISN + 1, NULL, 0, 2, 3, &p);
	add(f, &p, NULL);
	seg(v6, 0, TV_TH_PSH | TV_TH_ACK, SISN + 1, CISN + 3, NULL, 0, 2, 4, &p);
	add(f, &p, NULL);
	seg(v6, 1, TV_TH_FIN | TV_TH_ACK, CISN + 3, SISN + 3, NULL, 0, 0, 5, &p);
	add(f, &p, NULL);
	seg(v6, 0, TV_TH_FIN | TV_TH_ACK, SISN + 3, CISN + 4, NULL, 0, 0, 6, &p);
	add(f, &p, NULL);
	seg(v6, 1, TV_TH_ACK, CISN + 4, SISN + 4, NULL, 0, 0, 7, &p);
	return add(f, &p, NULL);
}

#define PKT_KEYS "type,n,ts,conn,proto,src,sport,dst,dport,from,len"

/* ---- JSON packet lines ---- */

static void
test_json_packet_syn(void **state)
{
	struct rendered r;
	struct tv_flow *f = flow_new(&r, 0, 0);
	struct sink k;
	struct tv_out o = sink_out(&k);
	struct tv_pkt p;
	struct tv_conn *c;
	enum tv_side from;

	(void)state;
	seg(0, 1, TV_TH_SYN, CISN, 0, syn_opts, sizeof(syn_opts), 0, 0, &p);
	c = add(f, &p, &from);
	tv_json_packet(&o, &ro6, &p, c, from);
	assert_json_line(k.s, PKT_KEYS ",flags,seq,rseq,win,opts,state");
	assert_has(k.s, "{\"type\":\"packet\",");
	assert_has(k.s, "\"n\":1,");
	assert_has(k.s, "\"ts\":1700000000.000123,");
	assert_has(k.s, "\"conn\":1,");
	assert_has(k.s, "\"proto\":\"tcp\"");
	assert_has(k.s, "\"src\":\"127.0.0.1\",\"sport\":40000");
	assert_has(k.s, "\"dst\":\"127.0.0.2\",\"dport\":80");
	assert_has(k.s, "\"from\":\"client\"");
	assert_has(k.s, "\"len\":0");
	assert_has(k.s, "\"flags\":\"S\"");
	assert_has(k.s, "\"seq\":1000,");
	assert_has(k.s, "\"rseq\":0");
	assert_lacks(k.s, "\"ack\"");
	assert_lacks(k.s, "\"rack\"");
	assert_has(k.s, "\"win\":65495");
	assert_has(k.s, "\"opts\":{\"mss\":65495,\"wscale\":7,\"sack_ok\":true,"
	    "\"ts\":[7,0]}");
	assert_has(k.s, "\"state\":{\"client\":\"SYN_SENT\",\"server\":\"LISTEN\"}");
	assert_lacks(k.s, "truncated");
	assert_lacks(k.s, "malformed");

	/* nanosecond inputs print nine digits */
	sink_reset(&k);
	tv_json_packet(&o, &(struct tv_render_opts){ .ts_digits = 9, .data = TV_DATA_FULL }, &p, c,
	    from);
	assert_has(k.s, "\"ts\":1700000000.000123456,");

	/* the SYN-ACK: ack, rseq and rack relative to each side's ISN */
	seg(0, 0, TV_TH_SYN | TV_TH_ACK, SISN, CISN + 1, NULL, 0, 0, 1, &p);
	c = add(f, &p, &from);
	sink_reset(&k);
	tv_json_packet(&o, &ro6, &p, c, from);
	assert_json_line(k.s, PKT_KEYS ",flags,seq,ack,rseq,rack,win,opts,state");
	assert_has(k.s, "\"from\":\"server\"");
	assert_has(k.s, "\"flags\":\"S.\",\"seq\":5000,\"ack\":1001,\"rseq\":0,"
	    "\"rack\":1,");
	assert_has(k.s, "\"opts\":{}");

	sink_free(&k);
	tv_flow_free(f);
	rendered_free(&r);
}

/*
 * What draw(o, ctx) writes with no output buffer, into one of every size
 * from 1 to maxcap, each allocated at its size (a write past it is the
 * sanitizer's): the same text, cut nowhere, put together at each place
 * the buffer fills.
 */
static void
assert_every_buffer(void (*draw)(const struct tv_out *, void *), void *ctx,
    size_t maxcap)
{
	struct sink want, got;
	struct tv_out o = sink_out(&want), b;
	size_t cap;

	draw(&o, ctx);
	for (cap = 1; cap <= maxcap; cap++) {
		struct tv_obuf ob = { .b = malloc(cap), .len = 0, .cap = cap };

		assert_non_null(ob.b);
		b = sink_out(&got);
		b.buf = &ob;
		draw(&b, ctx);
		tv_out_flush(&b);
		assert_string_equal(got.s, want.s);
		sink_free(&got);
		free(ob.b);
	}
	sink_free(&want);
}

struct json_lines {
	struct tv_pkt p;
	struct tv_conn *c;
	enum tv_side from;
};

static void
json_lines_draw(const struct tv_out *o, void *ctx)
{
	static const int64_t secs[] = { 1700000000, 20000000000LL, -3 };
	struct json_lines *j = ctx;
	size_t i;

	for (i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		j->p.ts_sec = secs[i];
		tv_json_packet(o, &ro6, &j->p, j->c, j->from);
	}
	tv_json_conn(o, &ro6, j->c, TV_DONE_CLOSED);
}

/*
 * The JSON writer (tvr_w) over an output buffer of every size from 1 to
 * past a line's length, and with none (assert_every_buffer()); times
 * beyond what nanoseconds in 64 bits hold take the slow way.
 */
static void
test_json_writer_buffers(void **state)
{
	struct rendered r;
	struct tv_flow *f = flow_new(&r, 0, 0);
	struct json_lines j;
	struct sink want;
	struct tv_out o = sink_out(&want);

	(void)state;
	seg(0, 1, TV_TH_SYN, CISN, 0, syn_opts, sizeof(syn_opts), 0, 0, &j.p);
	j.c = add(f, &j.p, &j.from);
	j.p.malformed = "a \"quoted\"\tword";
	json_lines_draw(&o, &j);
	assert_has(want.s, "\"ts\":20000000000.000123,");
	assert_has(want.s, "\"ts\":-3.000123,");
	assert_has(want.s, "\"malformed\":\"a \\\"quoted\\\"\\u0009word\"}");
	sink_free(&want);
	assert_every_buffer(json_lines_draw, &j, 700);
	tv_flow_free(f);
	rendered_free(&r);
}

static void
test_json_packet_midstream_no_rseq(void **state)
{
	struct rendered r;
	struct tv_flow *f = flow_new(&r, 0, 0);
	struct sink k;
	struct tv_out o = sink_out(&k);
	struct tv_pkt p;
	struct tv_conn *c;
	enum tv_side from;

	(void)state;
	/* no SYN seen: no ISN, so no relative numbers */
	seg(0, 1, TV_TH_ACK | TV_TH_PSH, 777, 888, NULL, 0, 5, 0, &p);
	c = add(f, &p, &from);
	tv_json_packet(&o, &ro6, &p, c, from);
	assert_json_line(k.s, PKT_KEYS ",flags,seq,ack,win,opts,state");
	assert_has(k.s, "\"len\":5");
	assert_has(k.s, "\"flags\":\"P.\",\"seq\":777,\"ack\":888,");
	sink_free(&k);
	tv_flow_free(f);
	rendered_free(&r);
}

static void
test_json_packet_truncated_malformed(void **state)
{
	struct rendered r;
	struct tv_flow *f = flow_new(&r, 0, 0);
	struct sink k;
	struct tv_out o = sink_out(&k);
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	struct tv_conn *c;
	enum tv_side from;
	size_t n;

	(void)state;
	/* 100 bytes of payload, 60 captured */
	n = pb_tcp(b, CPORT, SPORT_, CISN, 1, TV_TH_ACK | TV_TH_PSH, 100, NULL,
	    0, 100);
	n = pb_ipv4(b, 6, pb_lo4_a, pb_lo4_b, b, n);
	decode_at(b, n, 60, 0, &p);
	assert_true(p.truncated);
	c = add(f, &p, &from);
	tv_json_packet(&o, &ro6, &p, c, from);
	assert_json_line(k.s, PKT_KEYS ",flags,seq,ack,win,opts,state,truncated");
	assert_has(k.s, "\"len\":100,");
	assert_has(k.s, "\"truncated\":true");

	/* a data offset below 5 */
	n = pb_tcp_doff(b, CPORT, SPORT_, CISN + 100, 1, TV_TH_ACK, 100, NULL,
	    0, 4, 3);
	n = pb_ipv4(b, 6, pb_lo4_a, pb_lo4_b, b, n);
	decode_at(b, n, 0, 1, &p);
	c = add(f, &p, &from);
	sink_reset(&k);
	tv_json_packet(&o, &ro6, &p, c, from);
	assert_json_line(k.s, PKT_KEYS ",flags,seq,ack,win,opts,state,malformed");
	assert_has(k.s, "\"malformed\":\"tcp data offset < 5\"}\n");
	assert_lacks(k.s, "truncated");

	sink_free(&k);
	tv_flow_free(f);
	rendered_free(&r);
}

static void
test_json_packet_sack_and_ipv6(void **state)
{
	static const uint8_t sack[20] = {
		1, 1, 5, 18, 0, 0, 0x03, 0xe8, 0, 0, 0x05, 0xdc,
		0, 0, 0x07, 0xd0, 0, 0, 0x09, 0xc4,
	};
	struct rendered r;
	struct tv_flow *f = flow_new(&r, 0, 0);
	struct sink k;
	struct tv_out o = sink_out(&k);
	struct tv_pkt p;
	struct tv_conn *c;
	enum tv_side from;

	(void)state;
	seg(1, 0, TV_TH_ACK, 50, 60, sack, sizeof(sack), 0, 0, &p);
	c = add(f, &p, &from);
	tv_json_packet(&o, &ro6, &p, c, from);
	assert_json_line(k.s, PKT_KEYS ",flags,seq,ack,win,opts,state");
	assert_has(k.s, "\"src\":\"::1\",\"sport\":80,\"dst\":\"::1\",\"dport\":40000");
	assert_has(k.s, "\"opts\":{\"sack\":[[1000,1500],[2000,2500]]}");
	sink_free(&k);
	tv_flow_free(f);
	rendered_free(&r);
}

static void
test_json_packet_udp(void **state)
{
	struct rendered r;
	struct tv_flow *f = flow_new(&r, 0, 0);
	struct sink k;
	struct tv_out o = sink_out(&k);
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	struct tv_conn *c;
	enum tv_side from;
	size_t n;

	(void)state;
	n = pb_udp(b, 5353, 53, 33);
	n = pb_ipv4(b, 17, pb_lo4_a, pb_lo4_b, b, n);
	decode_at(b, n, 0, 0, &p);
	c = add(f, &p, &from);
	tv_json_packet(&o, &ro6, &p, c, from);
	assert_json_line(k.s, PKT_KEYS);
	assert_has(k.s, "\"proto\":\"udp\"");
	assert_has(k.s, "\"len\":33}\n");
	sink_free(&k);
	tv_flow_free(f);
	rendered_free(&r);
}

/* ---- JSON conn and summary lines ---- */

#define CONN_KEYS "type,conn,proto,client,server,first_ts,last_ts,packets,bytes"
#define TCP_CONN_KEYS CONN_KEYS ",retrans_bytes,isn,open,syn_retries,handshake_rtt_us,close," \
    "half_close,closed_by,time_wait,conn_state,history,retransmissions," \
    "dup_acks,out_of_order,zero_windows"

static void
test_json_conn(void **state)
{
	struct rendered r;
	struct tv_flow *f = flow_new(&r, 0, 0);

	(void)state;
	conversation(f, 0);
	tv_flow_finish(f);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.why, TV_DONE_CLOSED);
	assert_json_line(r.json.s, TCP_CONN_KEYS);
	assert_has(r.json.s, "{\"type\":\"conn\",\"conn\":1,\"proto\":\"tcp\",");
	assert_has(r.json.s, "\"client\":\"127.0.0.1:40000\",\"server\":\"127.0.0.2:80\"");
	assert_has(r.json.s, "\"first_ts\":1700000000.000123,");
	assert_has(r.json.s, "\"last_ts\":1700000000.007123,");
	assert_has(r.json.s, "\"packets\":{\"client\":5,\"server\":3}");
	assert_has(r.json.s, "\"bytes\":{\"client\":2,\"server\":2}");
	assert_has(r.json.s, "\"isn\":{\"client\":1000,\"server\":5000}");
	assert_has(r.json.s, "\"open\":\"three-way\"");
	assert_has(r.json.s, "\"closed_by\":\"client\"");
	assert_lacks(r.json.s, "evicted");
	tv_flow_free(f);
	rendered_free(&r);
}

static void
test_json_conn_ipv6_midstream_evicted(void **state)
{
	struct rendered r;
	struct tv_flow *f = flow_new(&r, 0, 1);
	struct tv_pkt p;

	(void)state;
	seg(1, 0, TV_TH_ACK, 50, 60, NULL, 0, 10, 0, &p);
	add(f, &p, NULL);
	/* a second connection pushes the first out of a one-entry table */
	seg(0, 1, TV_TH_SYN, CISN, 0, NULL, 0, 0, 1, &p);
	add(f, &p, NULL);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.why, TV_DONE_EVICTED);
	assert_json_line(r.json.s, TCP_CONN_KEYS ",port_flip,evicted");
	/* the server sent first, from port 80, one of Zeek's likely server
	 * ports: its receiver is the client (Zeek's flip, '^') */
	assert_has(r.json.s, "\"client\":\"[::1]:40000\",\"server\":\"[::1]:80\"");
	assert_has(r.json.s, "\"history\":\"^d\"");
	assert_has(r.json.s, "\"port_flip\":true");
	assert_has(r.json.s, "\"isn\":{\"client\":null,\"server\":null}");
	assert_has(r.json.s, "\"evicted\":true}\n");
	tv_flow_free(f);
	rendered_free(&r);
}

static void
test_json_conn_udp(void **state)
{
	struct rendered r;
	struct tv_flow *f = flow_new(&r, 0, 0);
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;

	(void)state;
	n = pb_udp(b, 5353, 53, 20);
	n = pb_ipv4(b, 17, pb_lo4_a, pb_lo4_b, b, n);
	decode_at(b, n, 0, 0, &p);
	add(f, &p, NULL);
	tv_flow_finish(f);
	assert_json_line(r.json.s, CONN_KEYS ",conn_state,history");
	assert_has(r.json.s, "\"proto\":\"udp\"");
	assert_has(r.json.s, "\"bytes\":{\"client\":20,\"server\":0}");
	assert_lacks(r.json.s, "isn");
	tv_flow_free(f);
	rendered_free(&r);
}

/* Totals over: a TCP SYN, a truncated TCP segment, a UDP datagram, an
 * ICMP echo and a malformed TCP segment. */
static void
some_totals(struct tv_totals *t)
{
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;

	memset(t, 0, sizeof(*t));
	seg(0, 1, TV_TH_SYN, CISN, 0, NULL, 0, 0, 0, &p);
	tv_totals_add(t, &p);
	seg(0, 1, TV_TH_ACK, CISN, 1, NULL, 0, 100, 0, &p);
	p.truncated = 1;
	tv_totals_add(t, &p);
	n = pb_udp(b, 5353, 53, 1);
	n = pb_ipv4(b, 17, pb_lo4_a, pb_lo4_b, b, n);
	decode_at(b, n, 0, 1, &p);
	tv_totals_add(t, &p);
	memset(b, 0, 8);
	n = pb_ipv4(b, 1, pb_lo4_a, pb_lo4_b, b, 8);
	p.n = ++frame_no;
	assert_int_equal(tv_decode(TV_LINK_RAW, b, (uint32_t)n, (uint32_t)n, &p), 1);
	tv_totals_add(t, &p);
	n = pb_tcp_doff(b, CPORT, SPORT_, 1, 1, TV_TH_ACK, 1, NULL, 0, 0, 2);
	n = pb_ipv4(b, 6, pb_lo4_a, pb_lo4_b, b, n);
	decode_at(b, n, 0, 2, &p);
	tv_totals_add(t, &p);
	t->connections = 3;
}

static void
test_totals(void **state)
{
	struct tv_totals t;

	(void)state;
	some_totals(&t);
	assert_int_equal(t.packets, 5);
	assert_int_equal(t.tcp, 3);
	assert_int_equal(t.udp, 1);
	assert_int_equal(t.skipped, 1);
	assert_int_equal(t.skip_why[TV_SKIP_ICMP], 1);
	assert_int_equal(t.truncated, 1);
	assert_int_equal(t.malformed, 1);
}

static void
test_json_summary(void **state)
{
	struct sink k;
	struct tv_out o = sink_out(&k);
	struct tv_totals t;

	(void)state;
	some_totals(&t);
	tv_json_summary(&o, &t, 0);
	assert_json_line(k.s, "type,packets,tcp,udp,skipped,truncated,malformed,"
	    "connections,evicted,skipped_why");
	assert_has(k.s, "{\"type\":\"summary\",\"packets\":5,\"tcp\":3,\"udp\":1,"
	    "\"skipped\":1,\"truncated\":1,\"malformed\":1,\"connections\":3,"
	    "\"evicted\":0,");
	assert_has(k.s, "\"skipped_why\":{\"ICMP\":1}}\n");

	/* nothing skipped: an empty object */
	memset(&t, 0, sizeof(t));
	sink_reset(&k);
	tv_json_summary(&o, &t, 0);
	assert_json_line(k.s, "type,packets,tcp,udp,skipped,truncated,malformed,"
	    "connections,evicted,skipped_why");
	assert_has(k.s, "\"skipped_why\":{}}\n");
	sink_free(&k);
}

static void
test_lad_summary(void **state)
{
	struct sink k;
	struct tv_out o = sink_out(&k);
	struct tv_totals t;

	(void)state;
	some_totals(&t);
	t.skip_why[TV_SKIP_NOT_IP] = 2;
	t.skipped += 2;
	t.packets += 2;
	t.evicted = 1;
	tv_text_totals(&o, &ro6, &t);
	assert_string_equal(k.s, "7 packets: 3 TCP, 1 UDP, 3 skipped; 3 connections "
	    "(1 evicted); 1 truncated; 1 malformed\n"
	    "skipped: 2 not IP, 1 ICMP\n");

	memset(&t, 0, sizeof(t));
	t.packets = t.tcp = 3;
	t.connections = 1;
	sink_reset(&k);
	tv_text_totals(&o, &ro6, &t);
	assert_string_equal(k.s, "3 packets: 3 TCP, 0 UDP, 0 skipped; 1 connection\n");
	sink_free(&k);
}

/* ---- the ladder ---- */

/*
 * An arrow's label: its length is what it wrote; a buffer too short for
 * it gets its start, cut, never past the end; the longest label there is
 * (every flag, numbers of ten digits) fits whole in a row's 160 bytes.
 */
static void
test_row_label(void **state)
{
	struct rendered r;
	struct tv_flow *f = flow_new(&r, 1, 0);
	struct tv_pkt p;
	struct tv_conn *c;
	struct tv_row row;
	enum tv_side from;
	char want[160], got[160];
	size_t n, size;

	(void)state;
	seg(0, 1, 0x1ff & 0xff, 4000000000u, 4100000000u, NULL, 0, 9, 0, &p);
	p.flags = 0x1ff;		/* AE too */
	p.len = 4000000000u;
	c = add(f, &p, &from);
	tv_flow_row(c, &p, from, &row);
	n = tv_fmt_row_label(&r.ro, c, &row, want, sizeof(want));
	assert_int_equal(n, strlen(want));
	assert_string_equal(want, "SYN,FIN,RST,PSH,URG,ECE,CWR,ACK,AE "
	    "seq=4000000000:3705032704 ack=4100000000 len=4000000000");
	for (size = 1; size <= n + 1; size++) {
		memset(got, 'x', sizeof(got));
		assert_int_equal(tv_fmt_row_label(&r.ro, c, &row, got, size),
		    size - 1);
		assert_int_equal(strlen(got), size - 1);
		assert_memory_equal(got, want, size - 1);
		assert_int_equal(got[size], 'x');
	}
	assert_true(n < TV_ROW_LABEL_MAX);
	/* nothing at all in no room */
	memset(got, 'x', sizeof(got));
	assert_int_equal(tv_fmt_row_label(&r.ro, c, &row, got, 0), 0);
	assert_int_equal(got[0], 'x');
	/* a plain ACK's, no flag's, UDP's */
	row.flags = TV_TH_ACK;
	row.len = 0;
	n = tv_fmt_row_label(&r.ro, c, &row, got, sizeof(got));
	assert_string_equal(got, "ACK seq=4000000000 ack=4100000000");
	assert_int_equal(n, strlen(got));
	row.flags = 0;
	n = tv_fmt_row_label(&r.ro, c, &row, got, sizeof(got));
	assert_string_equal(got, "none seq=4000000000");
	assert_int_equal(n, strlen(got));
	c->proto = 17;
	row.len = 12;
	n = tv_fmt_row_label(&r.ro, c, &row, got, sizeof(got));
	assert_string_equal(got, "UDP len=12");
	assert_int_equal(n, 10);
	assert_int_equal(tv_fmt_row_label(&r.ro, c, &row, got, 5), 4);
	assert_string_equal(got, "UDP ");
	c->proto = 6;
	tv_flow_free(f);
	rendered_free(&r);
}

struct lad_whole {
	struct tv_render_opts ro;
	const struct tv_conn *c;
};

static void
lad_whole_draw(const struct tv_out *o, void *ctx)
{
	struct lad_whole *w = ctx;

	tv_lad_conn(o, &w->ro, w->c, TV_DONE_END);
}

/*
 * A ladder's lines go through one writer (tvr_w) each: over an output
 * buffer of every size from 1 to past the longest line, and with none
 * (assert_every_buffer()); in colour, with -#, and narrow (labels and
 * notes above their arrows) too, so that every piece (a field, a run of
 * dashes, the notes) also meets the buffer's end.
 */
static void
test_lad_writer_buffers(void **state)
{
	struct rendered r;
	struct tv_flow *f = flow_new(&r, 0, 0);
	struct lad_whole w;
	struct sink want;
	struct tv_out o;
	int v;

	(void)state;
	w.c = conversation(f, 0);
	for (v = 0; v < 8; v++) {
		w.ro = r.ro;
		w.ro.color = v & 1;
		w.ro.number = (v & 2) != 0;
		w.ro.width = v & 4 ? 40 : 0;
		w.ro.data = TV_DATA_FULL;
		o = sink_out(&want);
		lad_whole_draw(&o, &w);
		/* narrow: labels and notes between the bars, above the arrow */
		assert_has(want.s, v & 4 ? "|  SYN,ACK   |" :
		    "SYN,ACK seq=0 ack=1 ---");
		sink_free(&want);
		assert_every_buffer(lad_whole_draw, &w, 400);
	}
	tv_flow_free(f);
	rendered_free(&r);
}

/* The line of text containing `needle`, copied into buf. */
static const char *
line_with(const char *text, const char *needle, char *buf, size_t size)
{
	const char *p = strstr(text, needle), *s, *e;

	if (p == NULL)
		fail_msg("no line with \"%s\" in:\n%s", needle, text);
	for (s = p; s > text && s[-1] != '\n'; s--)
		;
	e = strchr(p, '\n');
	if (e == NULL)
		e = p + strlen(p);
	assert_true((size_t)(e - s) < size);
	memcpy(buf, s, (size_t)(e - s));
	buf[e - s] = '\0';
	return buf;
}

/*
 * An arrow row: client to server is "|---- LABEL ---...->|", server to
 * client "|<--- LABEL ----...-|".  Returns the columns of the two bars.
 */
static void
assert_arrow(const char *text, const char *label, int to_server, int *lbar,
    int *rbar)
{
	char line[512], head[200];
	const char *p, *q;

	snprintf(head, sizeof(head), "|%s %s -", to_server ? "----" : "<---", label);
	line_with(text, head, line, sizeof(line));
	p = strstr(line, head);
	*lbar = (int)(p - line);
	q = p + strlen(head);
	while (*q == '-')
		q++;
	if (to_server) {
		if (q[0] != '>' || q[1] != '|' || q[-1] != '-')
			fail_msg("client->server arrow does not end in \"->|\": %s", line);
		q++;
	} else if (*q != '|') {
		fail_msg("server->client arrow does not end in \"-|\": %s", line);
	}
	*rbar = (int)(q - line);
	/* the other direction's head is not on this line */
	assert_null(strstr(line, to_server ? "|<---" : ">|"));
}

static void
test_ladder_relative(void **state)
{
	static const struct { const char *lab; int to_server; } rows[] = {
		{ "SYN seq=0", 1 },
		{ "SYN,ACK seq=0 ack=1", 0 },
		{ "ACK seq=1 ack=1", 1 },
		{ "PSH,ACK seq=1:3 ack=1 len=2", 1 },
		{ "PSH,ACK seq=1:3 ack=3 len=2", 0 },
		{ "FIN,ACK seq=3 ack=3", 1 },
		{ "FIN,ACK seq=3 ack=4", 0 },
		{ "ACK seq=4 ack=4", 1 },
	};
	struct rendered r;
	struct tv_flow *f = flow_new(&r, 0, 0);
	char line[512];
	int lbar, rbar, l0 = -1, r0 = -1;
	size_t i;

	(void)state;
	conversation(f, 0);
	tv_flow_finish(f);
	assert_int_equal(r.calls, 1);

	/* the header names both endpoints and both ISNs */
	assert_prefix(r.lad.s, "TCP 127.0.0.1:40000 > 127.0.0.2:80  conn 1  "
	    "ISN client 1000 server 5000\n");
	line_with(r.lad.s, "time", line, sizeof(line));
	assert_has(line, "client 127.0.0.1:40000");
	assert_has(line, "server 127.0.0.2:80");
	assert_true(strstr(line, "client") < strstr(line, "server"));
	/* the endpoint names sit over the bars: the client's starts at the
	 * left bar, the server's ends at the right one */
	l0 = (int)(strstr(line, "client 127.0.0.1:40000") - line);
	r0 = (int)strlen(line) - 1;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_arrow(r.lad.s, rows[i].lab, rows[i].to_server, &lbar, &rbar);
		/* every row's bars line up */
		assert_int_equal(lbar, l0);
		assert_int_equal(rbar, r0);
	}
	/* the SYN's options are noted after the right bar */
	line_with(r.lad.s, "|---- SYN seq=0 ", line, sizeof(line));
	assert_has(line, "---->|");
	assert_true(strstr(line, "<mss 65495,sackOK,TS,wscale 7>") >
	    strstr(line, ">|"));
	line_with(r.lad.s, "|<--- SYN,ACK seq=0 ", line, sizeof(line));
	assert_has(line, "-----|");
	/* the time column: 3 ms after the first packet */
	line_with(r.lad.s, "PSH,ACK seq=1:3 ack=1", line, sizeof(line));
	assert_has(line, "0.003000");
	/* the footer */
	assert_has(r.lad.s, "8 packets (client 5, server 3), payload 2 bytes "
	    "client->server, 2 server->client, 0.007000 s");
	assert_int_equal(r.lad.s[r.lad.n - 1], '\n');
	tv_flow_free(f);
	rendered_free(&r);
}

static void
test_ladder_absolute(void **state)
{
	struct rendered r;
	struct tv_flow *f = flow_new(&r, 1, 0);
	int lbar, rbar;

	(void)state;
	conversation(f, 0);
	tv_flow_finish(f);
	assert_arrow(r.lad.s, "SYN seq=1000", 1, &lbar, &rbar);
	assert_arrow(r.lad.s, "SYN,ACK seq=5000 ack=1001", 0, &lbar, &rbar);
	assert_arrow(r.lad.s, "PSH,ACK seq=1001:1003 ack=5001 len=2", 1, &lbar, &rbar);
	assert_arrow(r.lad.s, "PSH,ACK seq=5001:5003 ack=1003 len=2", 0, &lbar, &rbar);
	assert_arrow(r.lad.s, "ACK seq=1004 ack=5004", 1, &lbar, &rbar);
	assert_lacks(r.lad.s, "SYN seq=0 ");
	/* the header keeps the ISNs either way */
	assert_has(r.lad.s, "ISN client 1000 server 5000\n");
	tv_flow_free(f);
	rendered_free(&r);
}

static void
test_ladder_ipv6_midstream(void **state)
{
	struct rendered r;
	struct tv_flow *f = flow_new(&r, 0, 0);
	struct tv_pkt p;
	int lbar, rbar;

	(void)state;
	seg(1, 1, TV_TH_ACK | TV_TH_PSH, 70000, 90000, NULL, 0, 10, 0, &p);
	add(f, &p, NULL);
	seg(1, 0, TV_TH_ACK, 90000, 70010, NULL, 0, 0, 1, &p);
	add(f, &p, NULL);
	tv_flow_finish(f);
	assert_int_equal(r.why, TV_DONE_END);
	assert_has(r.lad.s, "TCP [::1]:40000 > [::1]:80  conn 1  "
	    "ISN client unseen server unseen\n");
	assert_has(r.lad.s, "client [::1]:40000");
	assert_has(r.lad.s, "server [::1]:80");
	/* relative to the first sequence number seen from each side */
	assert_arrow(r.lad.s, "PSH,ACK seq=0:10 ack=0 len=10", 1, &lbar, &rbar);
	assert_arrow(r.lad.s, "ACK seq=0 ack=10", 0, &lbar, &rbar);
	tv_flow_free(f);
	rendered_free(&r);
}

static void
test_ladder_truncated_malformed_notes(void **state)
{
	struct rendered r;
	struct tv_flow *f = flow_new(&r, 0, 0);
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	char line[512];
	size_t n;

	(void)state;
	n = pb_tcp(b, CPORT, SPORT_, CISN, 1, TV_TH_ACK | TV_TH_PSH, 100, NULL,
	    0, 100);
	n = pb_ipv4(b, 6, pb_lo4_a, pb_lo4_b, b, n);
	decode_at(b, n, 60, 0, &p);
	add(f, &p, NULL);
	n = pb_tcp_doff(b, SPORT_, CPORT, 1, CISN + 100, TV_TH_ACK, 100, NULL,
	    0, 0, 4);
	n = pb_ipv4(b, 6, pb_lo4_b, pb_lo4_a, b, n);
	decode_at(b, n, 0, 1, &p);
	add(f, &p, NULL);
	tv_flow_finish(f);
	line_with(r.lad.s, "seq=0:100", line, sizeof(line));
	assert_has(line, "len=100");
	assert_has(line, "truncated");
	line_with(r.lad.s, "|<--- ACK seq=0 ack=100 ", line, sizeof(line));
	assert_has(line, "malformed: tcp data offset < 5");
	tv_flow_free(f);
	rendered_free(&r);
}

/*
 * Loss and recovery in Wireshark's words, on the ladder and in JSON: a
 * segment not captured, two duplicate ACKs, the fast retransmission, a
 * spurious one of data already acknowledged, an ACK of unseen data.
 */
static void
test_ladder_loss_words(void **state)
{
	static const struct { int c; uint8_t f; uint32_t seq, ack, len; } s[] = {
		{ 1, TV_TH_PSH | TV_TH_ACK, CISN + 1, SISN + 1, 100 },	/* 3 ms */
		{ 1, TV_TH_PSH | TV_TH_ACK, CISN + 201, SISN + 1, 100 },	/* 101..201 lost */
		{ 0, TV_TH_ACK, SISN + 1, CISN + 101, 0 },
		{ 0, TV_TH_ACK, SISN + 1, CISN + 101, 0 },
		{ 0, TV_TH_ACK, SISN + 1, CISN + 101, 0 },
		{ 1, TV_TH_PSH | TV_TH_ACK, CISN + 101, SISN + 1, 100 },	/* 8 ms */
		{ 0, TV_TH_ACK, SISN + 1, CISN + 301, 0 },
		{ 1, TV_TH_PSH | TV_TH_ACK, CISN + 1, SISN + 1, 100 },	/* 10 ms */
		{ 0, TV_TH_ACK, SISN + 1, CISN + 401, 0 },
	};
	struct rendered r;
	struct tv_flow *f = flow_new(&r, 0, 0);
	struct sink k;
	struct tv_out o = sink_out(&k);
	struct tv_pkt p;
	struct tv_conn *c;
	enum tv_side from;
	char line[512];
	size_t i;

	(void)state;
	seg(0, 1, TV_TH_SYN, CISN, 0, syn_opts, sizeof(syn_opts), 0, 0, &p);
	add(f, &p, NULL);
	seg(0, 0, TV_TH_SYN | TV_TH_ACK, SISN, CISN + 1, syn_opts,
	    sizeof(syn_opts), 0, 1, &p);
	add(f, &p, NULL);
	seg(0, 1, TV_TH_ACK, CISN + 1, SISN + 1, NULL, 0, 0, 2, &p);
	add(f, &p, NULL);
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		seg(0, s[i].c, s[i].f, s[i].seq, s[i].ack, NULL, 0, s[i].len,
		    3 + (int64_t)i, &p);
		c = add(f, &p, &from);
		tv_json_packet(&o, &ro6, &p, c, from);
	}
	tv_flow_finish(f);
	line_with(r.lad.s, "seq=201:301", line, sizeof(line));
	assert_has(line, "  previous segment not captured");
	line_with(r.lad.s, "0.006000", line, sizeof(line));
	assert_has(line, "  dup-ack #1");
	line_with(r.lad.s, "0.007000", line, sizeof(line));
	assert_has(line, "  dup-ack #2");
	line_with(r.lad.s, "seq=101:201", line, sizeof(line));
	assert_has(line, "  fast retransmission");
	assert_lacks(line, "; retransmission");	/* said once, by its kind */
	line_with(r.lad.s, "0.010000", line, sizeof(line));
	assert_has(line, "  spurious retransmission");
	assert_lacks(line, "; retransmission");
	line_with(r.lad.s, "ack=401", line, sizeof(line));
	assert_has(line, "  ACKed unseen segment");
	assert_has(k.s, "\"notes\":[\"previous-segment-not-captured\"]");
	assert_has(k.s, "\"notes\":[\"retransmission\",\"fast-retransmission\"]");
	assert_has(k.s, "\"notes\":[\"retransmission\",\"spurious-retransmission\"]");
	assert_has(k.s, "\"notes\":[\"acked-unseen-segment\"]");
	assert_has(r.lad.s, "2 retransmissions (200 bytes), 2 dup ACKs");
	sink_free(&k);
	tv_flow_free(f);
	rendered_free(&r);
}

static void
test_ladder_udp(void **state)
{
	struct rendered r;
	struct tv_flow *f = flow_new(&r, 0, 0);
	uint8_t b[PB_MAX];
	struct tv_pkt p;
	size_t n;
	int lbar, rbar;

	(void)state;
	n = pb_udp(b, 5353, 53, 20);
	n = pb_ipv4(b, 17, pb_lo4_a, pb_lo4_b, b, n);
	decode_at(b, n, 0, 0, &p);
	add(f, &p, NULL);
	n = pb_udp(b, 53, 5353, 60);
	n = pb_ipv4(b, 17, pb_lo4_b, pb_lo4_a, b, n);
	decode_at(b, n, 0, 1, &p);
	add(f, &p, NULL);
	tv_flow_finish(f);
	assert_prefix(r.lad.s, "UDP 127.0.0.1:5353 > 127.0.0.2:53  conn 1\n");
	assert_lacks(r.lad.s, "ISN");
	assert_arrow(r.lad.s, "UDP len=20", 1, &lbar, &rbar);
	assert_arrow(r.lad.s, "UDP len=60", 0, &lbar, &rbar);
	tv_flow_free(f);
	rendered_free(&r);
}

/* ---- the pictures, through the renderer interface ---- */

struct pic {
	const struct tv_renderer *r;
	struct tv_rctx x;
	struct tv_out o;
	struct sink k;
	struct tv_render_opts ro;
};

static void
pic_done(struct tv_conn *c, enum tv_done why, void *ctx)
{
	struct pic *p = ctx;

	p->r->conn(&p->x, c, why);
}

/* The conversation drawn by the renderer `name`: its whole output. */
static void
pic_draw(struct pic *p, const char *name, enum tv_data data)
{
	struct tv_flow_cfg cfg;
	struct tv_totals t;
	struct tv_flow *f;

	memset(p, 0, sizeof(*p));
	p->r = tv_renderer_find(name, 0);
	assert_non_null(p->r);
	p->ro = ro6;
	p->ro.data = data;
	p->o = sink_out(&p->k);
	p->x.out = &p->o;
	p->x.ro = &p->ro;
	p->x.self = calloc(1, p->r->self_size ? p->r->self_size : 1);
	assert_non_null(p->x.self);
	memset(&cfg, 0, sizeof(cfg));
	cfg.keep_rows = p->r->keep_rows;
	cfg.user_size = p->r->conn_size;
	cfg.linger_ns = 2000000000ULL;
	cfg.done = pic_done;
	cfg.ctx = p;
	f = tv_flow_new(&cfg);
	assert_non_null(f);
	conversation(f, 0);
	tv_flow_finish(f);
	memset(&t, 0, sizeof(t));
	t.packets = t.tcp = 8;
	t.connections = 1;
	p->r->end(&p->x, &t);
	tv_flow_free(f);
	free(p->x.self);
}

static size_t
occurrences(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

static void
test_pictures_svg(void **state)
{
	struct pic p;

	(void)state;
	pic_draw(&p, "svg", TV_DATA_FULL);
	assert_prefix(p.k.s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ");
	assert_int_equal(strcmp(p.k.s + p.k.n - 7, "</svg>\n"), 0);
	assert_int_equal(occurrences(p.k.s, "<g class=\"pkt "), 8);
	assert_int_equal(occurrences(p.k.s, "<g class=\"fold\""), 0);
	assert_int_equal(occurrences(p.k.s, "<g class=\"outcome\""), 2);
	assert_has(p.k.s, ">SYN,ACK seq=0 ack=1</text>");
	/* options as text, escaped; never a raw '<' in character data */
	assert_has(p.k.s, ">&lt;mss 65495,sackOK,TS,wscale 7&gt;</text>");
	assert_has(p.k.s, "opened: three-way");
	assert_has(p.k.s, "closed: three-way, client first");
	/* each arrow's <title>: time, direction, flags, numbers, options */
	assert_has(p.k.s, ", 0.001000 s, server to client\nSYN,ACK seq=0 ack=1\n"
	    "flags 0x12, seq 0, ack 1, len 0, win 65495\noptions &lt;mss 65495,");
	sink_free(&p.k);
	/* --data=summary: the two data segments are one band */
	pic_draw(&p, "svg", TV_DATA_SUMMARY);
	assert_int_equal(occurrences(p.k.s, "<g class=\"pkt "), 6);
	assert_int_equal(occurrences(p.k.s, "<g class=\"fold\""), 1);
	assert_has(p.k.s, "2 segments: 2 bytes \xe2\x86\x92, 2 bytes \xe2\x86\x90");
	sink_free(&p.k);
}

static void
test_pictures_mermaid_html_tsg(void **state)
{
	struct pic p;

	(void)state;
	pic_draw(&p, "mermaid", TV_DATA_FULL);
	assert_prefix(p.k.s, "```mermaid\nsequenceDiagram\n");
	assert_int_equal(occurrences(p.k.s, "    C->>S: "), 5);
	assert_int_equal(occurrences(p.k.s, "    S->>C: "), 3);
	/* Mermaid's grammar ends a message at ';' and '#', reads '<' as HTML */
	assert_has(p.k.s, "S->>C: SYN,ACK seq=0 ack=1 #lt;mss 65495,sackOK,TS,wscale 7#gt;\n");
	assert_has(p.k.s, "Note over C,S: closed: three-way, client first#59; client in TIME_WAIT\n");
	sink_free(&p.k);
	pic_draw(&p, "html", TV_DATA_SUMMARY);
	assert_prefix(p.k.s, "<!DOCTYPE html>\n");
	assert_int_equal(occurrences(p.k.s, "<tr data-conn=\"1\""), 1);
	assert_int_equal(occurrences(p.k.s, "<section class=\"conn\" data-conn=\"1\" id=\"conn-1\">"), 1);
	assert_has(p.k.s, "<a href=\"#conn-1\">1</a>");
	assert_int_equal(occurrences(p.k.s, "<svg class=\"ladder\""), 1);
	assert_int_equal(occurrences(p.k.s, "<svg class=\"tsg\""), 1);
	assert_lacks(p.k.s, "src=");
	sink_free(&p.k);
	pic_draw(&p, "tsg", TV_DATA_FULL);
	/* each side sent data: a graph each; bars for SYN, data and FIN */
	assert_int_equal(occurrences(p.k.s, "<g class=\"tsg\">"), 2);
	assert_int_equal(occurrences(p.k.s, "<g class=\"seg\">"), 6);
	assert_int_equal(occurrences(p.k.s, "<g class=\"seg retrans\">"), 0);
	sink_free(&p.k);
}

static void
test_out_printf_cuts_long_lines(void **state)
{
	struct sink k;
	struct tv_out o = sink_out(&k);
	char big[6000];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	tv_out_printf(&o, "%s", big);
	assert_int_equal(k.n, 4095);
	sink_reset(&k);
	tv_out_printf(&o, "%d-%s", 42, "ok");
	assert_string_equal(k.s, "42-ok");
	sink_free(&k);
}

/* ---- widths: every row kind at its widest, at every width ---- */

/* Every line of s is at most `width` columns (no limit: at most `most`). */
static void
assert_lines_within(const char *s, unsigned width, size_t most)
{
	size_t lim = width ? width : most;

	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		if (n > lim)
			fail_msg("line of %zu columns over %zu: %.*s", n, lim, (int)n, s);
		s += n + (nl != NULL);
	}
}

static uint8_t widest_pay[TV_PAYLOAD_MAX];

/* s without its ANSI escapes (ESC [ ... letter), in place */
static void
strip_ansi(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\033' && s[1] == '[') {
			s += 2;
			while (*s && !(*s >= '@' && *s <= '~'))
				s++;
			if (*s)
				s++;
			continue;
		}
		*d++ = *s++;
	}
	*d = '\0';
}

/* The widest row the types allow: every flag, seq/ack 4294967295, len
 * 65535, every note, every option at its largest, a malformed text. */
static void
widest_row(struct tv_row *r, enum tv_side from, int64_t sec)
{
	memset(r, 0, sizeof(*r));
	r->n = UINT64_MAX;
	r->ts_sec = sec;
	r->ts_nsec = 999999999;
	r->seq = r->ack = 4294967295u;
	r->len = 65535;
	r->win = 65535;
	r->mss = 65535;
	r->flags = 0xff;
	r->from = (uint8_t)from;
	r->opt_mask = TV_OPT_MSS | TV_OPT_WSCALE | TV_OPT_SACK_OK | TV_OPT_SACK | TV_OPT_TS;
	r->wscale = 255;
	r->nsack = 255;
	r->truncated = 1;
	r->malformed = "ipv6 extension header chain too long";
	r->an.state[0] = TV_ST_SYN_RECEIVED;
	r->an.state[1] = TV_ST_SYN_RECEIVED;
	r->an.changed = 3;
	r->an.notes = (1u << TV_NOTE_COUNT) - 1;
	r->an.dup_ack = 65535;
	r->an.syn_retry = 65535;
	r->an.retry_gap_ns = INT64_MAX;
	/* -v, -vv: the largest TTL, ID, timestamps and SACK blocks */
	r->ttl = 255;
	r->has_ipid = 1;
	r->ipid = 65535;
	r->ts_val = r->ts_ecr = 4294967295u;
	memset(r->sack, 0xff, sizeof(r->sack));
	/* -A, -X: the most payload a row shows, none of it printable */
	r->pay = widest_pay;
	r->paylen = TV_PAYLOAD_MAX;
}

/* A connection between the longest endpoints, with rows of every kind:
 * the widest arrows each way, a run of plain rows to fold, and rows
 * that open and close it. */
static void
widest_conn(struct tv_conn *c, struct tv_rowblk *b, uint8_t proto)
{
	struct tv_row fold;
	unsigned i;

	memset(c, 0, sizeof(*c));
	c->id = 4294967295u;
	c->proto = proto;
	for (i = 0; i < 2; i++) {
		c->addr[i].family = 6;
		memset(c->addr[i].a, 0xff, 16);
		c->addr[i].a[15] = (uint8_t)(0xfe + i);
		c->port[i] = 65535;
		c->pkts[i] = c->bytes[i] = UINT64_MAX;
		c->isn_known[i] = 1;
		c->isn[i] = 4294967295u;
		c->tcp.q[i].retrans_bytes = UINT64_MAX / 4;
	}
	c->first_sec = -4294967296LL;
	c->last_sec = 4294967296LL;
	c->tcp.first_had_syn = 1;
	c->tcp.first_rst = 0;
	c->tcp.s[0].syn_sends = 65535;
	c->tcp.retransmissions = c->tcp.dup_acks = UINT32_MAX;
	c->tcp.out_of_order = c->tcp.zero_windows = UINT32_MAX;
	memset(c->tcp.history, 'W', TV_HISTORY_MAX - 1);
	b->next = NULL;
	b->cap = 16;
	b->n = 0;
	widest_row(&b->r[b->n++], TV_CLIENT, c->last_sec);
	widest_row(&b->r[b->n++], TV_SERVER, c->first_sec);
	widest_row(&fold, TV_CLIENT, c->last_sec);
	fold.flags = TV_TH_ACK | TV_TH_PSH;
	fold.an.changed = fold.an.notes = 0;
	fold.malformed = NULL;
	for (i = 0; i < 6; i++) {
		fold.from = (uint8_t)(i & 1);
		b->r[b->n++] = fold;
	}
	widest_row(&b->r[b->n], TV_SERVER, c->last_sec);
	b->r[b->n++].an.events = TV_EV_OPENED | TV_EV_CLOSED;
	c->rows = c->rows_tail = b;
	c->nrows = b->n;
}

/* c's rows drawn live, one by one, then its end (a part ends it too) */
static void
draw_live(const struct tv_out *o, const struct tv_render_opts *ro,
    struct tv_conn *c, const struct tv_rowblk *b, enum tv_done why)
{
	struct tv_lad_state ls;
	unsigned i;

	memset(&ls, 0, sizeof(ls));
	for (i = 0; i < b->n; i++)
		tv_lad_live_packet(o, ro, c, &b->r[i], &ls);
	tv_lad_live_done(o, ro, c, why == TV_DONE_PARTIAL ? TV_DONE_END : why, &ls);
}

static void
test_ladder_widths(void **state)
{
	static const unsigned widths[] = { 0, TV_WIDTH_MIN, 80, 100, 132, 200 };
	static const enum tv_data modes[] = { TV_DATA_SUMMARY, TV_DATA_FULL };
	static const uint8_t protos[] = { 6, 17 };
	static const enum tv_done whys[] = { TV_DONE_CLOSED, TV_DONE_END,
	    TV_DONE_EVICTED, TV_DONE_PARTIAL };
	struct tv_rowblk *b = malloc(sizeof(*b) + 16 * sizeof(b->r[0]));
	struct tv_render_opts ro;
	struct tv_conn c;
	struct sink k;
	struct tv_out o = sink_out(&k);
	size_t w, m, p, y, i;

	(void)state;
	assert_non_null(b);
	for (w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
	for (m = 0; m < 2; m++)
	for (p = 0; p < 2; p++)
	for (y = 0; y < 4; y++) {
		memset(&ro, 0, sizeof(ro));
		ro.absolute = 1;
		ro.ts_digits = y & 1 ? 9 : 6;
		ro.data = modes[m];
		ro.width = widths[w];
		widest_conn(&c, b, protos[p]);
		c.part = y == 3 ? 7 : 0;
		sink_reset(&k);
		tv_lad_conn(&o, &ro, &c, whys[y]);
		/* no limit: as wide as the widest label needs, no wider */
		assert_lines_within(k.s, widths[w], 700);
		assert_non_null(strstr(k.s, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe]:65535"));

		/* live: the shared clock, the widest tag, rows one by one */
		ro.shared_clock = 1;
		ro.clock_ns = -4294967296LL * 1000000000LL;
		sink_reset(&k);
		draw_live(&o, &ro, &c, b, whys[y]);
		assert_lines_within(k.s, widths[w], 700);
		assert_non_null(strstr(k.s, "#4294967295 "));

		sink_reset(&k);
		tv_sum_header(&o, &ro);
		tv_sum_conn(&o, &ro, &c, &(struct tv_sum_totals){ 0 });
		assert_lines_within(k.s, widths[w], 700);
	}
	/* -# and every -t format: still within every width, replayed and
	 * live (frame numbers of ten digits: a uint32's worth of frames) */
	for (w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
	for (m = 0; m <= TV_T_FIRST; m++)
	for (p = 0; p < 2; p++)
	for (y = 0; y < 4; y++) {
		memset(&ro, 0, sizeof(ro));
		ro.absolute = 1;
		ro.ts_digits = y & 1 ? 9 : 6;
		ro.data = y & 2 ? TV_DATA_FULL : TV_DATA_SUMMARY;
		ro.width = widths[w];
		ro.number = p == 0 || m == TV_T_DATE;
		ro.tfmt = (enum tv_tfmt)m;
		ro.clock_ns = -4294967296LL * 1000000000LL;
		widest_conn(&c, b, protos[p]);
		for (i = 0; i < b->n; i++)
			b->r[i].n = 4294967295u - (b->n - 1 - i);
		sink_reset(&k);
		tv_lad_conn(&o, &ro, &c, whys[y]);
		assert_lines_within(k.s, widths[w], 700);
		if (ro.number)
			assert_non_null(strstr(k.s, "4294967295 "));
		if (m == TV_T_DATE && widths[w] == 0)
			assert_non_null(strstr(k.s, "2106-02-07 06:28:16"));

		ro.shared_clock = 1;
		sink_reset(&k);
		draw_live(&o, &ro, &c, b, whys[y]);
		assert_lines_within(k.s, widths[w], 700);
		if (ro.number)
			assert_non_null(strstr(k.s, "4294967295 "));
	}
	/* -q, -v, -vv, -A, -X, -e and colour: every new kind of line within
	 * every width, replayed and live (live with an Ethernet packet of two
	 * VLAN tags, for -e; colours stripped before measuring) */
	memset(widest_pay, 0xff, sizeof(widest_pay));
	for (w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
	for (m = 0; m < 7; m++)
	for (p = 0; p < 2; p++)
	for (y = 0; y < 4; y++) {
		struct tv_lad_state ls;
		struct tv_pkt pk;

		memset(&ro, 0, sizeof(ro));
		ro.absolute = 1;
		ro.ts_digits = y & 1 ? 9 : 6;
		ro.data = y & 2 ? TV_DATA_FULL : TV_DATA_SUMMARY;
		ro.width = widths[w];
		ro.number = y == 3;
		ro.tfmt = y == 3 ? TV_T_DATE : TV_T_DEFAULT;
		ro.quiet = m == 0;
		ro.verbose = m == 1 ? 1 : m >= 2 ? 2 : 0;
		ro.payload = m == 3 ? 'A' : m == 4 ? 'X' : 0;
		ro.link = m == 5 || m == 6;
		ro.color = m == 6;
		if (m == 6)
			ro.payload = 'X';
		widest_conn(&c, b, protos[p]);
		for (i = 0; i < b->n; i++)
			b->r[i].n = 4294967295u - (b->n - 1 - i);
		sink_reset(&k);
		tv_lad_conn(&o, &ro, &c, whys[y]);
		strip_ansi(k.s);
		assert_lines_within(k.s, widths[w], 800);	/* -vv: a long row */
		if (ro.payload == 'X')
			assert_non_null(strstr(k.s, "0x00f0:  ff"));
		if (ro.payload == 'A')
			assert_non_null(strstr(k.s, "......"));
		if (ro.verbose == 2)
			assert_non_null(strstr(k.s, "ecr"));
		if (ro.quiet)
			assert_null(strstr(k.s, "dup-ack"));

		ro.shared_clock = 1;
		memset(&pk, 0, sizeof(pk));
		pk.has_mac = 1;
		memset(pk.mac_src, 0xff, 6);
		memset(pk.mac_dst, 0xee, 6);
		pk.ethertype = 0x86dd;
		pk.nvlan = 2;
		pk.vlan[0] = pk.vlan[1] = 4095;
		pk.payload = widest_pay;
		pk.paycap = TV_PAYLOAD_MAX;
		memset(&ls, 0, sizeof(ls));
		sink_reset(&k);
		for (i = 0; i < b->n; i++) {
			pk.n = b->r[i].n;
			tv_lad_live_pkt(&o, &ro, &c, &b->r[i], &pk, &ls);
		}
		tv_lad_live_done(&o, &ro, &c, whys[y] == TV_DONE_PARTIAL ?
		    TV_DONE_END : whys[y], &ls);
		strip_ansi(k.s);
		assert_lines_within(k.s, widths[w], 800);	/* -vv: a long row */
		if (ro.link)
			assert_non_null(strstr(k.s, "vlan 4095"));
	}

	/* the columns: frame numbers, each -t format's time */
	memset(&ro, 0, sizeof(ro));
	ro.ts_digits = 6;
	ro.data = TV_DATA_FULL;
	ro.number = 1;
	widest_conn(&c, b, 17);
	b->n = 2;
	b->r[0].n = 7;
	b->r[0].ts_sec = 1700000000;
	b->r[0].ts_nsec = 123456789;
	b->r[1].n = 12;
	b->r[1].ts_sec = 1700000001;
	b->r[1].ts_nsec = 5000;
	c.first_sec = 1700000000;
	c.first_nsec = 123456789;
	ro.tfmt = TV_T_EPOCH;
	sink_reset(&k);
	tv_lad_conn(&o, &ro, &c, TV_DONE_END);
	assert_non_null(strstr(k.s, "\n 7  1700000000.123456  |"));
	assert_non_null(strstr(k.s, "\n12  1700000001.000005  |"));
	ro.tfmt = TV_T_DATE;
	sink_reset(&k);
	tv_lad_conn(&o, &ro, &c, TV_DONE_END);
	assert_non_null(strstr(k.s, "\n 7 2023-11-14 22:13:20.123456  |"));
	ro.tfmt = TV_T_DELTA;
	sink_reset(&k);
	tv_lad_conn(&o, &ro, &c, TV_DONE_END);
	assert_non_null(strstr(k.s, "\n 7    0.000000  |"));
	assert_non_null(strstr(k.s, "\n12    0.876548  |"));
	ro.tfmt = TV_T_FIRST;
	ro.clock_ns = 1699999999LL * 1000000000LL;
	sink_reset(&k);
	tv_lad_conn(&o, &ro, &c, TV_DONE_END);
	assert_non_null(strstr(k.s, "\n 7    1.123456  |"));
	ro.tfmt = TV_T_NONE;
	ro.number = 0;
	sink_reset(&k);
	tv_lad_conn(&o, &ro, &c, TV_DONE_END);
	assert_non_null(strstr(k.s, "\n  |---- UDP len=65535"));

	/* at 80 columns the widest label stands on lines of its own, and the
	 * arrow under it still runs from bar to bar */
	memset(&ro, 0, sizeof(ro));
	ro.absolute = 1;
	ro.ts_digits = 6;
	ro.width = 80;
	ro.data = TV_DATA_FULL;
	widest_conn(&c, b, 6);
	sink_reset(&k);
	tv_lad_conn(&o, &ro, &c, TV_DONE_CLOSED);
	assert_non_null(strstr(k.s, "|  SYN,FIN,RST,PSH,URG,ECE,CWR,ACK"));
	assert_non_null(strstr(k.s, "seq=4294967295:"));
	assert_non_null(strstr(k.s, "---->|"));
	assert_non_null(strstr(k.s, "|<----"));
	free(b);
	sink_free(&k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secs),
		cmocka_unit_test(test_json_checker_itself),
		cmocka_unit_test(test_json_packet_syn),
		cmocka_unit_test(test_json_writer_buffers),
		cmocka_unit_test(test_row_label),
		cmocka_unit_test(test_lad_writer_buffers),
		cmocka_unit_test(test_json_packet_midstream_no_rseq),
		cmocka_unit_test(test_json_packet_truncated_malformed),
		cmocka_unit_test(test_json_packet_sack_and_ipv6),
		cmocka_unit_test(test_json_packet_udp),
		cmocka_unit_test(test_json_conn),
		cmocka_unit_test(test_json_conn_ipv6_midstream_evicted),
		cmocka_unit_test(test_json_conn_udp),
		cmocka_unit_test(test_totals),
		cmocka_unit_test(test_json_summary),
		cmocka_unit_test(test_lad_summary),
		cmocka_unit_test(test_ladder_relative),
		cmocka_unit_test(test_ladder_absolute),
		cmocka_unit_test(test_ladder_ipv6_midstream),
		cmocka_unit_test(test_ladder_truncated_malformed_notes),
		cmocka_unit_test(test_ladder_loss_words),
		cmocka_unit_test(test_ladder_udp),
		cmocka_unit_test(test_out_printf_cuts_long_lines),
		cmocka_unit_test(test_ladder_widths),
		cmocka_unit_test(test_pictures_svg),
		cmocka_unit_test(test_pictures_mermaid_html_tsg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
