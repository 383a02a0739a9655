/* \summary: unit tests for --kernel's view (tv_kview.c): answers scripted along captures/handshake.pcap, said in place, once, with the differences that stand */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "tv_cap.h"
#include "tv_kern.h"
#include "tv_run.h"
#include "tv_util.h"
#include "../../src/tcpviz/tv_kview-int.h"
#include "memsink.h"

/*
 * captures/handshake.pcap: 127.0.0.1:42778 > 127.0.0.1:9999, 12 packets:
 * SYN, SYN-ACK, ACK, four data rows and their ACKs, FIN (10), FIN (11),
 * last ACK (12).  The script below answers for the kernel as if it was
 * asked 1 us after the packet that changed a state: after packet k, the
 * sockets of the latest step at or before k.
 */
#define CPORT 42778
#define SPORT 9999

static struct tv_run run;
static struct sink mem;
static int asks;

/* a socket of 127.0.0.1 */
static struct tv_ksock
sk(int state, uint16_t lport, uint16_t rport, uint32_t rq, uint32_t wq,
    uint32_t inode, int32_t pid)
{
	struct tv_ksock k;

	memset(&k, 0, sizeof(k));
	k.proto = 6;
	k.state = (uint8_t)state;
	k.local.family = k.remote.family = 4;
	k.local.a[0] = 127;
	k.local.a[3] = 1;
	if (rport) {
		k.remote.a[0] = 127;
		k.remote.a[3] = 1;
	}
	k.lport = lport;
	k.rport = rport;
	k.rq = rq;
	k.wq = wq;
	k.inode = inode;
	k.pid = pid;
	if (pid == 77)
		memcpy(k.comm, "srv", 4);
	else if (pid == 88)
		memcpy(k.comm, "cli", 4);
	return k;
}

/* the kernel's sockets after packet k */
static int
script(int k, struct tv_ksock *o)
{
	int n = 0;

	if (k >= 12) {			/* the client's socket gone (as a reset
					   would leave it); the server's closed */
		o[n++] = sk(TV_KS_LISTEN, SPORT, 0, 0, 128, 5, 77);
		return n;
	}
	o[n++] = sk(TV_KS_LISTEN, SPORT, 0, k >= 3 && k < 10, 128, 5, 77);
	if (k >= 11) {
		o[n] = sk(TV_KS_TIME_WAIT, CPORT, SPORT, 0, 0, 0, 0);
		o[n].timer = TV_KT_TIMEWAIT;
		o[n++].expires_ms = 60000;
		o[n++] = sk(TV_KS_LAST_ACK, SPORT, CPORT, 0, 1, 7, 77);
	} else if (k >= 10) {		/* the client ahead, the server behind */
		o[n++] = sk(TV_KS_FIN_WAIT2, CPORT, SPORT, 0, 0, 6, 88);
		o[n++] = sk(TV_KS_ESTABLISHED, SPORT, CPORT, 0, 0, 7, 77);
	} else if (k >= 3) {
		o[n++] = sk(TV_KS_ESTABLISHED, CPORT, SPORT, 0, 0, 6, 88);
		o[n++] = sk(TV_KS_ESTABLISHED, SPORT, CPORT, 0, 0, 0, 0);
	} else {
		o[n++] = sk(k >= 2 ? TV_KS_ESTABLISHED : TV_KS_SYN_SENT, CPORT, SPORT,
		    0, k >= 2 ? 0 : 1, 6, 88);
		o[n++] = sk(TV_KS_NEW_SYN_RECV, SPORT, CPORT, 0, 0, 0, 0);
	}
	return n;
}

/* packet times of the capture (us past the second) */
static const int64_t ts_us[13] = { 0, 704876, 704892, 704907, 705001, 705009,
	705068, 705074, 705087, 705107, 705159, 705190, 705207 };

static int
ask(void *ctx, const uint16_t *ports, size_t nports, struct tv_ksock *o,
    size_t max, int64_t *asked_ns, char *errbuf)
{
	/* the packet being taken in: the tracker counts it after us */
	int k = (int)run.tot.tcp + 1;
	size_t i;
	int has_c = 0, has_s = 0;

	(void)ctx;
	(void)errbuf;
	(void)max;
	for (i = 0; i < nports; i++) {
		has_c |= ports[i] == CPORT;
		has_s |= ports[i] == SPORT;
	}
	assert_true(has_c && has_s);	/* asked about both ends' ports */
	if (k > 12)
		k = 12;
	asks++;
	*asked_ns = 1795315606LL * 1000000000 + (ts_us[k] + 1) * 1000;
	return script(k, o);
}

/* the line that contains `what`, or -1 */
static int
line_of(char **lines, int n, const char *what)
{
	int i;

	for (i = 0; i < n; i++)
		if (strstr(lines[i], what) != NULL)
			return i;
	return -1;
}

static int
count_of(char **lines, int n, const char *what)
{
	int i, c = 0;

	for (i = 0; i < n; i++)
		c += strstr(lines[i], what) != NULL;
	return c;
}

static void
test_view_along_handshake(void **state)
{
	struct tv_kview_src src = { ask, NULL };
	struct tv_run_opts o;
	char errbuf[TV_ERRBUF_SIZE], *lines[200], *p;
	struct tv_cap *cap;
	struct tv_kview *kv;
	int n = 0, syn, synack, ack, fin1, fin2, last, i;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.renderer = tv_renderer_find("text", 1);
	sink_run(&mem, &o.sink);
	o.live = 1;
	o.linger_ns = 2000000000ULL;
	assert_non_null(o.renderer);
	cap = tv_cap_open_file("captures/handshake.pcap", NULL, errbuf);
	assert_non_null(cap);
	assert_int_equal(tv_run_init(&run, &o), 0);
	kv = tv_kview_start_src(&run, &src, errbuf);
	assert_non_null(kv);
	assert_int_equal(tv_run_loop(&run, cap), TV_RUN_DONE);
	/* the difference left standing: asked again once its recheck is due */
	{
		struct timespec t = { 0, 40 * 1000000L };

		nanosleep(&t, NULL);
		run.o.watch[0].tick(run.o.watch[0].ctx);	/* asks */
		run.o.watch[0].tick(run.o.watch[0].ctx);	/* says */
	}
	assert_int_equal(tv_kview_peak_queue(kv, SPORT), 1);
	tv_kview_stop(kv);
	tv_run_finish(&run);
	tv_cap_close(cap);
	assert_true(asks >= 6);

	if (getenv("KVIEW_SHOW"))
		fputs(mem.s, stderr);
	for (p = strtok(mem.s, "\n"); p != NULL && n < 200; p = strtok(NULL, "\n"))
		lines[n++] = p;
	syn = line_of(lines, n, "|---- SYN seq=0");
	synack = line_of(lines, n, "|<--- SYN,ACK");
	ack = line_of(lines, n, "|---- ACK seq=1 ack=1");
	fin1 = line_of(lines, n, "|---- FIN,ACK");
	fin2 = line_of(lines, n, "|<--- FIN,ACK");
	last = line_of(lines, n, "|---- ACK seq=7 ack=7");
	assert_true(syn >= 0 && synack > syn && ack > synack && fin1 > ack &&
	    fin2 > fin1 && last > fin2);

	/* after the SYN, before the SYN-ACK: what the kernel held then */
	i = line_of(lines, n, "kernel: client SYN-SENT Send-Q 1 (the SYN) (cli 88)");
	assert_true(i > syn && i < synack);
	i = line_of(lines, n, "kernel: server LISTEN accept queue 0/128 (srv 77)");
	assert_true(i > syn && i < synack);
	/* the request socket: SYN-RECV while the packets still say LISTEN;
	 * asked again, it stands no more (the SYN-ACK is drawn): said once,
	 * without a difference */
	assert_int_equal(count_of(lines, n, "kernel: server SYN-RECV"), 1);
	i = line_of(lines, n, "kernel: server SYN-RECV");
	assert_true(i > synack && i < ack);
	assert_null(strstr(lines[i], "packets say"));
	i = line_of(lines, n, "kernel: client ESTAB (cli 88)");
	assert_true(i > synack && i < ack);
	/* the handshake done, the server end waiting for accept() */
	i = line_of(lines, n, "kernel: server LISTEN accept queue 1/128 (srv 77)");
	assert_true(i > ack && i < fin1);
	i = line_of(lines, n, "kernel: server ESTAB, in the accept queue (not accepted yet)");
	assert_true(i > ack && i < fin1);
	/* a state said once: no line for the rows that changed nothing */
	assert_int_equal(count_of(lines, n, "kernel: client ESTAB"), 1);
	/* after the first FIN the kernel is ahead for the client (FIN-WAIT-2)
	 * and behind for the server (ESTAB): both differences are asked about
	 * again and are gone by then: no "packets say" for either */
	assert_int_equal(count_of(lines, n, "FIN-WAIT-2"), 0);
	i = line_of(lines, n, "kernel: server ESTAB (srv 77)");
	assert_int_equal(i, -1);
	i = line_of(lines, n, "kernel: server LISTEN accept queue 0/128 (srv 77)");
	assert_true(line_of(lines + fin1, n - fin1, "accept queue 0/128") >= 0);
	i = line_of(lines, n, "kernel: client TIME-WAIT 60.0 s left");
	assert_true(i > fin2 && i < last);
	i = line_of(lines, n, "kernel: server LAST-ACK Send-Q 1 (the FIN, unacked) (srv 77)");
	assert_true(i > fin2 && i < last);
	/* the server's socket gone, as the packets say (CLOSED) */
	i = line_of(lines, n, "kernel: server no socket left");
	assert_true(i > last);
	assert_null(strstr(lines[i], "packets say"));
	/* the client's gone while the packets say TIME_WAIT: it stood when
	 * asked again, so it is said, with the difference named */
	i = line_of(lines, n, "kernel: client no socket left; the packets say TIME_WAIT");
	assert_true(i > last);
	/* every kernel line carries the connection's tag */
	for (i = 0; i < n; i++)
		if (strstr(lines[i], "kernel:") != NULL)
			assert_memory_equal(lines[i], "#1 ", 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_view_along_handshake),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
