/* \summary: unit tests for --compare's view: flows side by side from their first packets, lost arrows, groups, picking, the bound on rows, JSON (tv_compare) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tv_flow.h"
#include "tv_pair.h"
#include "tv_render.h"
#include "pktbuild.h"
#include "memsink.h"

/*
 * Frames built by hand (raw IPv4, 127.0.0.1 the client, 127.0.0.2 the
 * server), decoded, tracked by a real table and handed to the compare
 * renderer as the run loop hands them: packet() with the packet's row,
 * conn() when the table lets the connection go, end() with the totals.
 */
#define T0 1700000000LL
#define SYN TV_TH_SYN
#define ACK TV_TH_ACK
#define PA (TV_TH_PSH | TV_TH_ACK)
#define FA (TV_TH_FIN | TV_TH_ACK)
#define SA (TV_TH_SYN | TV_TH_ACK)
#define C 0
#define S 1

struct cmp_run {
	const struct tv_renderer *r;
	struct tv_render_opts ro;
	struct sink out;
	struct tv_out o;
	struct tv_rctx x;
	struct tv_flow *f;
	struct tv_totals tot;
	uint64_t n;
	uint8_t seen, lost;	/* the lab: on the next packets */
};

static void
done(struct tv_conn *c, enum tv_done why, void *ctx)
{
	struct cmp_run *cr = ctx;

	cr->r->conn(&cr->x, c, why);
}

static void
cr_new(struct cmp_run *cr, const struct tv_renderer *r, unsigned width)
{
	struct tv_flow_cfg cfg;

	memset(cr, 0, sizeof(*cr));
	cr->r = r;
	cr->ro.ts_digits = 6;
	cr->ro.data = TV_DATA_FULL;
	cr->ro.width = width;
	cr->o = sink_out(&cr->out);
	cr->x.out = &cr->o;
	cr->x.ro = &cr->ro;
	cr->x.self = calloc(1, r->self_size);
	assert_non_null(cr->x.self);
	memset(&cfg, 0, sizeof(cfg));
	cfg.user_size = r->conn_size;
	cfg.linger_ns = 3600 * 1000000000ULL;
	cfg.done = done;
	cfg.ctx = cr;
	cr->f = tv_flow_new(&cfg);
	assert_non_null(cr->f);
}

/* The end of input: every flow handed out, then the drawing. */
static const char *
cr_end(struct cmp_run *cr)
{
	tv_flow_finish(cr->f);
	cr->r->end(&cr->x, &cr->tot);
	tv_flow_free(cr->f);
	free(cr->x.self);
	return cr->out.s;
}

static void
cr_free(struct cmp_run *cr)
{
	sink_free(&cr->out);
}

static void
deliver(struct cmp_run *cr, uint8_t *b, size_t l4, uint8_t proto, int from,
    uint8_t host, int64_t us)
{
	uint8_t cl[4] = { 127, 0, 0, host }, sv[4] = { 127, 0, 0, 2 };
	size_t len = pb_ipv4(b, proto, from == C ? cl : sv, from == C ? sv : cl, b, l4);
	struct tv_pkt p;
	struct tv_row row;
	struct tv_conn *c;
	enum tv_side side;

	assert_int_equal(tv_decode(TV_LINK_RAW, b, (uint32_t)len, (uint32_t)len, &p), 0);
	p.n = ++cr->n;
	p.ts_sec = T0 + us / 1000000;
	p.ts_nsec = (uint32_t)(us % 1000000) * 1000u;
	p.seen = cr->seen;
	p.lost = cr->lost;
	c = tv_flow_add(cr->f, &p, &side);
	assert_non_null(c);
	assert_int_equal(side, from);
	tv_flow_row(c, &p, side, &row);
	cr->r->packet(&cr->x, c, &p, side, &row);
	tv_totals_add(&cr->tot, &p);
}

/* TCP between 127.0.0.HOST:40000 and 127.0.0.2:8000 */
static void
tcp(struct cmp_run *cr, uint8_t host, int from, uint8_t flags, uint32_t seq,
    uint32_t ack, size_t paylen, int64_t us)
{
	uint8_t b[PB_MAX];
	size_t n = from == C ?
	    pb_tcp(b, 40000, 8000, seq, ack, flags, 65535, NULL, 0, paylen) :
	    pb_tcp(b, 8000, 40000, seq, ack, flags, 65535, NULL, 0, paylen);

	deliver(cr, b, n, 6, from, host, us);
}

/* UDP between 127.0.0.HOST:41000 and 127.0.0.2:9000 */
static void
udp(struct cmp_run *cr, uint8_t host, int from, size_t paylen, int64_t us)
{
	uint8_t b[PB_MAX];
	size_t n = from == C ? pb_udp(b, 41000, 9000, paylen) :
	    pb_udp(b, 9000, 41000, paylen);

	deliver(cr, b, n, 17, from, host, us);
}

/* A whole TCP exchange from `us` on: handshake, 4 bytes each way, close. */
static void
tcp_talk(struct cmp_run *cr, uint8_t host, int64_t us)
{
	tcp(cr, host, C, SYN, 1000, 0, 0, us);
	tcp(cr, host, S, SA, 5000, 1001, 0, us + 100);
	tcp(cr, host, C, ACK, 1001, 5001, 0, us + 200);
	tcp(cr, host, C, PA, 1001, 5001, 4, us + 300);
	tcp(cr, host, S, PA, 5001, 1005, 4, us + 400);
	tcp(cr, host, C, FA, 1005, 5005, 0, us + 500);
	tcp(cr, host, S, FA, 5005, 1006, 0, us + 600);
	tcp(cr, host, C, ACK, 1006, 5006, 0, us + 700);
}

/* The line of text holding needle (fails when none); a needle that
 * begins with a newline: a line that begins with the rest. */
static const char *
line_of(const char *text, const char *needle, char *buf, size_t size)
{
	const char *p = strstr(text, needle), *s, *e;

	if (p == NULL)
		fail_msg("no line with \"%s\" in:\n%s", needle, text);
	if (*needle == '\n')	/* a line that begins so */
		p++;
	for (s = p; s > text && s[-1] != '\n'; s--)
		;
	e = strchr(p, '\n');
	e = e ? e : p + strlen(p);
	assert_true((size_t)(e - s) < size);
	memcpy(buf, s, (size_t)(e - s));
	buf[e - s] = '\0';
	return buf;
}

static size_t
longest_line(const char *s)
{
	size_t best = 0, n = 0;

	for (; *s; s++) {
		if (*s == '\n') {
			best = n > best ? n : best;
			n = 0;
		} else {
			n++;
		}
	}
	return n > best ? n : best;
}

/* ---- tests ---- */

/* A TCP connection and a UDP flow 40 s apart: both drawn from 0, side by
 * side, the bars of each only while it lives, the table under them. */
static void
test_side_by_side(void **state)
{
	struct cmp_run cr;
	char l[512];
	const char *out, *p;

	(void)state;
	cr_new(&cr, &tv_render_compare, 80);
	tcp_talk(&cr, 1, 10000000);
	udp(&cr, 1, C, 4, 50000000);
	udp(&cr, 1, S, 4, 50000150);
	out = cr_end(&cr);
	assert_non_null(strstr(out, "compare: 2 flows, each from its first packet\n"));
	line_of(out, "#1 TCP", l, sizeof(l));
	assert_non_null(strstr(l, "#2 UDP"));
	/* both begin at 0: the SYN and the first datagram */
	line_of(out, "|-- SYN seq=0 ", l, sizeof(l));
	assert_true(strncmp(l, "  0.000000 |-- SYN seq=0 ", 25) == 0);
	assert_non_null(strstr(l, "->| |"));	/* the UDP flow is alive then */
	line_of(out, "|-- UDP len=4 ", l, sizeof(l));
	assert_true(strncmp(l, "  0.000000 |", 12) == 0);
	line_of(out, "|<-- UDP len=4 ", l, sizeof(l));
	assert_true(strncmp(l, "  0.000150 |", 12) == 0);
	/* after the UDP flow's last packet, only the TCP bars */
	line_of(out, "|-- FIN,ACK seq=5 ack=5 ", l, sizeof(l));
	assert_true(strncmp(l, "  0.000500 |", 12) == 0);
	p = strstr(l, "->|");
	assert_non_null(p);
	assert_string_equal(p, "->|");
	/* the table */
	line_of(out, "packets ->, <-", l, sizeof(l));
	assert_non_null(strstr(l, "5, 3"));
	assert_non_null(strstr(l, "1, 1"));
	line_of(out, "before the first message", l, sizeof(l));
	assert_non_null(strstr(l, "3 pkts, 0.000300 s"));
	assert_non_null(strstr(l, "0 pkts, 0.000000 s"));
	line_of(out, "\ndelivered ->, <-", l, sizeof(l));
	assert_non_null(strstr(l, "1, 1 (inferred)"));
	assert_non_null(strstr(l, "not known (one end)"));
	line_of(out, "outcome", l, sizeof(l));
	assert_non_null(strstr(l, "SF ShADdFf"));
	assert_true(longest_line(out) <= 80);
	cr_free(&cr);
}

/* The lab: a segment lost on its way to the server ends in an X two
 * thirds across; an answer lost on its way to the client starts at the
 * server's bar and ends in an X a third across; delivery is known. */
static void
test_lost_arrows(void **state)
{
	struct cmp_run cr;
	char l[512];
	const char *out, *x, *bar;

	(void)state;
	cr_new(&cr, &tv_render_compare, 80);
	cr.seen = TV_PAIR_SEEN_CLIENT | TV_PAIR_SEEN_SERVER;
	udp(&cr, 1, C, 7, 0);
	cr.seen = TV_PAIR_SEEN_CLIENT;
	cr.lost = 1;
	udp(&cr, 1, C, 5, 100);
	cr.seen = TV_PAIR_SEEN_SERVER;
	udp(&cr, 1, S, 3, 200);
	cr.seen = TV_PAIR_SEEN_CLIENT | TV_PAIR_SEEN_SERVER;
	cr.lost = 0;
	udp(&cr, 1, S, 7, 300);
	out = cr_end(&cr);
	line_of(out, "|-- UDP len=5 ", l, sizeof(l));
	x = strchr(l, 'X');
	bar = strrchr(l, '|');
	assert_non_null(x);
	assert_non_null(bar);
	assert_null(strstr(l, "->|"));
	assert_true(x > strstr(l, "len=5") && x < bar);
	line_of(out, "X-- UDP len=3 ", l, sizeof(l));
	assert_null(strstr(l, "<--"));
	assert_true(strchr(l, '|') < strchr(l, 'X'));
	line_of(out, "|<-- UDP len=7 ", l, sizeof(l));
	line_of(out, "\ndelivered ->, <-", l, sizeof(l));
	assert_non_null(strstr(l, "1, 1 (both ends)"));
	line_of(out, "lost ->, <-", l, sizeof(l));
	assert_non_null(strstr(l, "1, 1 (both ends)"));
	cr_free(&cr);
}

/* Three flows: at 80 columns two side by side, the third under them; at
 * 200 all three on one line. */
static void
test_groups(void **state)
{
	static const unsigned widths[] = { 80, 200 };
	struct cmp_run cr;
	char l[512];
	const char *out;
	unsigned i;

	(void)state;
	for (i = 0; i < 2; i++) {
		cr_new(&cr, &tv_render_compare, widths[i]);
		tcp_talk(&cr, 1, 0);
		udp(&cr, 1, C, 4, 1000);
		tcp_talk(&cr, 3, 2000);
		out = cr_end(&cr);
		line_of(out, "#1 TCP", l, sizeof(l));
		assert_non_null(strstr(l, "#2 UDP"));
		if (widths[i] == 80) {
			assert_null(strstr(l, "#3 TCP"));
			assert_non_null(strstr(out, "in groups"));
			line_of(out, "#3 TCP", l, sizeof(l));
			assert_null(strstr(l, "#1"));
		} else {
			assert_non_null(strstr(l, "#3 TCP"));
			assert_null(strstr(out, "in groups"));
		}
		assert_true(longest_line(out) <= widths[i]);
		cr_free(&cr);
	}
}

/* --compare=2: that flow only, and no word of the others. */
static void
test_pick(void **state)
{
	struct cmp_run cr;
	const char *out;

	(void)state;
	cr_new(&cr, &tv_render_compare, 80);
	cr.ro.cmp_ids[0] = 2;
	cr.ro.ncmp = 1;
	tcp_talk(&cr, 1, 0);
	udp(&cr, 1, C, 4, 1000);
	tcp_talk(&cr, 3, 2000);
	out = cr_end(&cr);
	assert_non_null(strstr(out, "compare: 1 flow, "));
	assert_non_null(strstr(out, "#2 UDP"));
	assert_null(strstr(out, "#1 TCP"));
	assert_null(strstr(out, "#3 TCP"));
	assert_null(strstr(out, "not compared"));
	cr_free(&cr);
}

/* More flows than TV_CMP_MAX_FLOWS: the first ones, and a count of the rest. */
static void
test_left_out(void **state)
{
	struct cmp_run cr;
	char want[80];
	const char *out;
	int i;

	(void)state;
	cr_new(&cr, &tv_render_compare, 200);
	for (i = 0; i < TV_CMP_MAX_FLOWS + 3; i++)
		tcp_talk(&cr, (uint8_t)(10 + i), i * 1000);
	/* a late RST of the last one, 5 s on: no flow of its own */
	tcp(&cr, (uint8_t)(10 + TV_CMP_MAX_FLOWS + 2), S, TV_TH_RST, 5006, 0, 0,
	    (TV_CMP_MAX_FLOWS + 2) * 1000 + 5000000);
	out = cr_end(&cr);
	snprintf(want, sizeof(want), "compare: %d flows,", TV_CMP_MAX_FLOWS);
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "(3 more flows not compared: pick at most 8"));
	cr_free(&cr);
}

/* A flow of more rows than a connection holds: the first drawn, the
 * rest counted. */
static void
test_rows_bound(void **state)
{
	struct cmp_run cr;
	char want[80];
	const char *out;
	int i;

	(void)state;
	cr_new(&cr, &tv_render_compare, 80);
	for (i = 0; i < (int)TV_FLOW_MAX_ROWS + 100; i++)
		udp(&cr, 1, C, 4, i * 10);
	out = cr_end(&cr);
	snprintf(want, sizeof(want), "(#1: %d more rows not drawn)", 100);
	assert_non_null(strstr(out, want));
	cr_free(&cr);
}

/* --format=json: a compare object a flow, nulls where nothing is known. */
static void
test_json(void **state)
{
	struct cmp_run cr;
	char l[1024];
	const char *out;

	(void)state;
	cr_new(&cr, &tv_render_compare_json, 0);
	tcp_talk(&cr, 1, 0);
	udp(&cr, 1, C, 4, 1000);
	out = cr_end(&cr);
	line_of(out, "\"conn\":1,", l, sizeof(l));
	assert_true(strncmp(l, "{\"type\":\"compare\",\"conn\":1,\"proto\":\"tcp\","
	    "\"client\":\"127.0.0.1:40000\",\"server\":\"127.0.0.2:8000\","
	    "\"packets\":[5,3],", 104) == 0);
	assert_non_null(strstr(l, "\"setup_packets\":3,\"setup_s\":0.000300000,"));
	assert_non_null(strstr(l, "\"delivered\":[1,1],\"lost\":[0,0],"
	    "\"delivery_known\":\"inferred\""));
	assert_non_null(strstr(l, "\"outcome\":\"SF ShADdFf\"}"));
	line_of(out, "\"conn\":2,", l, sizeof(l));
	assert_non_null(strstr(l, "\"proto\":\"udp\""));
	assert_non_null(strstr(l, "\"delivered\":null,\"lost\":null,"
	    "\"delivery_known\":\"not known\""));
	assert_non_null(strstr(l, "\"retransmissions\":null,\"recovery_s\":null"));
	cr_free(&cr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_side_by_side),
		cmocka_unit_test(test_lost_arrows),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_pick),
		cmocka_unit_test(test_left_out),
		cmocka_unit_test(test_rows_bound),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
