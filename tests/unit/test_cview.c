/* \summary: unit tests for --calls (tv_cview.c): the programs' records matched to captures/handshake.pcap's connection and drawn in time order, on their sides; damaged and stray records left out */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tv_cap.h"
#include "tv_call.h"
#include "tv_run.h"
#include "../../src/tcpviz/tv_cview-int.h"
#include "memsink.h"

/* captures/handshake.pcap: 127.0.0.1:42778 > 127.0.0.1:9999, 12 packets
 * at 1795315606.704876 (SYN) ... .705207 (the last ACK) */
#define CPORT 42778
#define SPORT 9999
#define SEC 1795315606

static struct tv_run run;
static struct sink mem;

static void
be(uint8_t *p, uint64_t v, int n)
{
	while (n-- > 0) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

/* A record: call name by pid on fd at SEC.us, returning ret; lport or
 * rport 0: that address not known. */
static void
rec(struct tv_cview *cv, int name, int flags, int us, uint32_t pid, int fd,
    int64_t ret, uint16_t lport, uint16_t rport)
{
	uint8_t b[TV_CALL_REC];

	memset(b, 0, sizeof(b));
	memcpy(b, "TVC1", 4);
	b[4] = (uint8_t)name;
	b[5] = lport || rport ? 4 : 0;
	b[6] = (uint8_t)flags;
	be(b + 8, SEC, 8);
	be(b + 16, (uint64_t)us * 1000, 4);
	be(b + 20, pid, 4);
	be(b + 24, (uint32_t)fd, 4);
	be(b + 32, (uint64_t)ret, 8);
	be(b + 40, name == TV_CALL_SEND || name == TV_CALL_RECV ? (uint64_t)ret : 0, 8);
	if (lport) {
		b[48] = 127, b[51] = 1;
		be(b + 64, lport, 2);
	}
	if (rport) {
		b[68] = 127, b[71] = 1;
		be(b + 66, rport, 2);
	}
	tv_cview_take(cv, b, sizeof(b));
}

static int
line_of(char **lines, int n, const char *what)
{
	int i;

	for (i = 0; i < n; i++)
		if (strstr(lines[i], what) != NULL)
			return i;
	return -1;
}

/* Records given out of order (the client's before the server's), as
 * processes' records may cross on the channel. */
static void
feed(struct tv_cview *cv)
{
	uint8_t junk[TV_CALL_REC];

	rec(cv, TV_CALL_SOCKET, 0, 704800, 200, 3, 3, 0, 0);
	rec(cv, TV_CALL_CONNECT, 0, 704850, 200, 3, 0, 0, SPORT);
	rec(cv, TV_CALL_SOCKET, 0, 700000, 100, 9, 9, 0, 0);
	rec(cv, TV_CALL_BIND, 0, 700010, 100, 9, 0, SPORT, 0);
	rec(cv, TV_CALL_LISTEN, 0, 700020, 100, 9, 0, SPORT, 0);
	/* returned between the SYN-ACK (.704892) and the ACK (.704907) */
	rec(cv, TV_CALL_CONNECT, TV_CALLF_RETURNED, 704900, 200, 3, 0, CPORT, SPORT);
	rec(cv, TV_CALL_ACCEPT, 0, 704950, 100, 9, 5, SPORT, CPORT);
	rec(cv, TV_CALL_SEND, 0, 704990, 200, 3, 2, CPORT, SPORT);
	/* the child of a forking server reads */
	rec(cv, TV_CALL_RECV, 0, 705050, 300, 5, 2, SPORT, CPORT);
	/* the client's close, its peer unknown: matched by its descriptor */
	rec(cv, TV_CALL_CLOSE, 0, 705150, 200, 3, 0, CPORT, 0);
	/* the server's, after the last packet */
	rec(cv, TV_CALL_CLOSE, 0, 705300, 300, 5, 0, SPORT, CPORT);
	/* strays: another connection's, a socket never connected, damage */
	rec(cv, TV_CALL_SEND, 0, 705000, 400, 4, 1, 1234, 5678);
	rec(cv, TV_CALL_SOCKET, 0, 705000, 500, 6, 6, 0, 0);
	memset(junk, 0xff, sizeof(junk));
	tv_cview_take(cv, junk, sizeof(junk));
	tv_cview_take(cv, junk, 5);
	tv_cview_take(cv, NULL, 0);
}

static void
test_calls_along_handshake(void **state)
{
	struct tv_run_opts o;
	char errbuf[TV_ERRBUF_SIZE], *lines[200], *p;
	struct tv_cap *cap;
	struct tv_cview *cv;
	int n = 0, i, syn, synack, ack, fin1;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.renderer = tv_renderer_find("text", 1);
	sink_run(&mem, &o.sink);
	o.live = 1;
	o.linger_ns = 2000000000ULL;
	cap = tv_cap_open_file("captures/handshake.pcap", NULL, errbuf);
	assert_non_null(cap);
	assert_int_equal(tv_run_init(&run, &o), 0);
	cv = tv_cview_start(&run, -1, errbuf);
	assert_non_null(cv);
	/* the clock's release is for live capture (the wall clock): a
	 * replayed capture is years behind it, so only the packets place
	 * the calls here */
	run.o.watch[0].tick = NULL;
	feed(cv);
	assert_int_equal(tv_run_loop(&run, cap), TV_RUN_DONE);
	tv_cview_stop(cv);
	tv_run_finish(&run);
	tv_cap_close(cap);

	if (getenv("CVIEW_SHOW"))
		fputs(mem.s, stderr);
	for (p = strtok(mem.s, "\n"); p != NULL && n < 200; p = strtok(NULL, "\n"))
		lines[n++] = p;
	syn = line_of(lines, n, "|---- SYN seq=0");
	synack = line_of(lines, n, "|<--- SYN,ACK");
	ack = line_of(lines, n, "|---- ACK seq=1 ack=1");
	fin1 = line_of(lines, n, "|---- FIN,ACK");
	assert_true(syn > 0 && synack > syn && ack > synack && fin1 > ack);
	/* the listener's calls, then the client's, before the SYN */
	i = line_of(lines, n, "| socket() = 9");
	assert_true(i > 0 && i < syn);
	assert_true(line_of(lines, n, "| bind(9) 127.0.0.1:9999") == i + 1);
	assert_true(line_of(lines, n, "| listen(9)") == i + 2);
	i = line_of(lines, n, "socket() = 3 |");
	assert_true(i > line_of(lines, n, "| listen(9)") && i < syn);
	assert_true(line_of(lines, n, "connect(3) begun |") == i + 1);
	i = line_of(lines, n, "connect(3) returns |");
	assert_true(i > synack && i < ack);
	i = line_of(lines, n, "| accept(9) -> fd 5");
	assert_true(i > ack);
	i = line_of(lines, n, "send(3) 2 bytes |");
	assert_true(i > ack);
	i = line_of(lines, n, "| recv(5) 2 bytes [pid 300]");
	assert_true(i > ack && i < fin1);
	i = line_of(lines, n, "close(3) |");
	assert_true(i > 0 && i < fin1);
	i = line_of(lines, n, "| close(5)");
	assert_true(i > fin1);
	assert_null(strstr(lines[i], "[pid"));	/* the child again */
	/* no stray: another connection's, nor a socket never connected */
	assert_int_equal(line_of(lines, n, "send(4)"), -1);
	assert_int_equal(line_of(lines, n, "socket() = 6"), -1);
}

/* What the view counted: checked on a view of its own (stop frees it). */
static void
test_calls_counted(void **state)
{
	struct tv_run_opts o;
	struct tv_cview_stats st;
	char errbuf[TV_ERRBUF_SIZE];
	struct tv_cap *cap;
	struct tv_cview *cv;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.renderer = tv_renderer_find("json", 1);
	sink_run(&mem, &o.sink);
	o.live = 1;
	sink_reset(&mem);
	cap = tv_cap_open_file("captures/handshake.pcap", NULL, errbuf);
	assert_non_null(cap);
	assert_int_equal(tv_run_init(&run, &o), 0);
	cv = tv_cview_start(&run, -1, errbuf);
	assert_non_null(cv);
	run.o.watch[0].tick = NULL;
	feed(cv);
	assert_int_equal(tv_run_loop(&run, cap), TV_RUN_DONE);
	tv_run_flush_conns(&run);
	tv_cview_stats(cv, &st);
	assert_int_equal(st.taken, 13);
	assert_int_equal(st.bad, 3);
	assert_int_equal(st.drawn, 11);
	tv_cview_stop(cv);
	tv_run_finish(&run);
	tv_cap_close(cap);
	/* JSON: call objects of connection 1, on their sides */
	assert_non_null(strstr(mem.s, "{\"type\":\"call\",\"ts\":1795315606.704950,"
	    "\"conn\":1,\"side\":\"server\",\"call\":\"accept\",\"pid\":100,\"fd\":9,"
	    "\"ret\":5,\"errno\":0,\"local\":\"127.0.0.1:9999\",\"remote\":"
	    "\"127.0.0.1:42778\",\"text\":\"accept(9) -> fd 5\"}\n"));
	assert_non_null(strstr(mem.s, "\"side\":\"client\",\"call\":\"connect\","
	    "\"phase\":\"begun\""));
	assert_true(strstr(mem.s, "\"call\":\"listen\"") < strstr(mem.s, "\"type\":\"packet\""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calls_along_handshake),
		cmocka_unit_test(test_calls_counted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
