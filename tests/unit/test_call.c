/* \summary: unit tests for the calls' channel: the programs' reports (tv_callrep), the records parsed (tv_call_parse), their words and their ladder line */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tv_call.h"
#include "tv_callrep.h"
#include "tv_render.h"

/* ---- records built by hand ---- */

static void
be(uint8_t *p, uint64_t v, int n)
{
	while (n-- > 0) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

/* accept(3) -> 5 at 1700000000.5 by pid 42, 127.0.0.1:8000 <- 127.0.0.1:40000 */
static void
good_rec(uint8_t *b)
{
	memset(b, 0, TV_CALL_REC);
	memcpy(b, "TVC1", 4);
	b[4] = TV_CALL_ACCEPT;
	b[5] = 4;
	be(b + 8, 1700000000, 8);
	be(b + 16, 500000000, 4);
	be(b + 20, 42, 4);
	be(b + 24, 3, 4);
	be(b + 32, 5, 8);
	b[48] = 127, b[51] = 1;
	be(b + 64, 8000, 2);
	be(b + 66, 40000, 2);
	b[68] = 127, b[71] = 1;
}

static void
test_parse_good(void **state)
{
	uint8_t b[TV_CALL_REC];
	struct tv_call c;
	char e[TV_ENDPOINTSTRLEN];

	(void)state;
	good_rec(b);
	assert_int_equal(tv_call_parse(b, sizeof(b), &c), 0);
	assert_int_equal(c.name, TV_CALL_ACCEPT);
	assert_int_equal(c.sec, 1700000000);
	assert_int_equal(c.nsec, 500000000);
	assert_int_equal(c.pid, 42);
	assert_int_equal(c.fd, 3);
	assert_int_equal(c.ret, 5);
	assert_int_equal(c.local.family, 4);
	assert_string_equal(tv_endpoint_str(&c.local, c.lport, e, sizeof(e)),
	    "127.0.0.1:8000");
	assert_string_equal(tv_endpoint_str(&c.remote, c.rport, e, sizeof(e)),
	    "127.0.0.1:40000");
	/* negative numbers: fd -1, ret -1 */
	be(b + 24, 0xffffffffu, 4);
	be(b + 32, UINT64_MAX, 8);
	be(b + 28, 111, 4);
	b[4] = TV_CALL_CONNECT;
	b[6] = TV_CALLF_RETURNED;
	assert_int_equal(tv_call_parse(b, sizeof(b), &c), 0);
	assert_int_equal(c.fd, -1);
	assert_int_equal(c.ret, -1);
	assert_int_equal(c.err, 111);
}

/* Each damage alone makes the record no record, and leaves *c zeroed. */
static void
test_parse_bad(void **state)
{
	static const struct { size_t at; uint8_t v; } bad[] = {
		{ 0, 'X' }, { 3, '2' }, { 4, 0 }, { 4, TV_CALL_MAX }, { 4, 0xff },
		{ 5, 5 }, { 5, 0xff }, { 6, 4 }, { 6, 0x80 },
		{ 8, 0x80 },		/* seconds below 0 */
		{ 16, 0x3b },		/* nanoseconds 1e9 and more */
		{ 52, 1 }, { 63, 1 },	/* IPv4: bytes past the fourth */
		{ 72, 1 }, { 83, 1 },
	};
	static const uint8_t zero[sizeof(struct tv_call)];
	uint8_t b[TV_CALL_REC + 8];
	struct tv_call c;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		good_rec(b);
		b[bad[i].at] = bad[i].v;
		memset(&c, 0xa5, sizeof(c));
		assert_int_equal(tv_call_parse(b, TV_CALL_REC, &c), -1);
		assert_memory_equal(&c, zero, sizeof(c));
	}
	/* family 0 with an address or a port */
	good_rec(b);
	b[5] = 0;
	assert_int_equal(tv_call_parse(b, TV_CALL_REC, &c), -1);
	/* every length but the one */
	good_rec(b);
	for (n = 0; n < sizeof(b); n++)
		if (n != TV_CALL_REC)
			assert_int_equal(tv_call_parse(b, n, &c), -1);
	assert_int_equal(tv_call_parse(NULL, TV_CALL_REC, &c), -1);
}

/* Every byte of a good record set to every value: parsed or refused,
 * never read past, and a parsed one says a name of the table. */
static void
test_parse_every_byte(void **state)
{
	uint8_t b[TV_CALL_REC];
	struct tv_call c;
	char words[160];
	unsigned i, v;

	(void)state;
	for (i = 0; i < TV_CALL_REC; i++)
		for (v = 0; v < 256; v++) {
			good_rec(b);
			b[i] = (uint8_t)v;
			if (tv_call_parse(b, TV_CALL_REC, &c) == 0) {
				assert_string_not_equal(tv_call_name_str(c.name), "?");
				assert_true(tv_fmt_call(words, sizeof(words), &c) < sizeof(words));
			}
		}
}

static void
fmt_is(const struct tv_call *c, const char *want)
{
	char buf[160];

	tv_fmt_call(buf, sizeof(buf), c);
	assert_string_equal(buf, want);
}

static void
test_words(void **state)
{
	struct tv_call c;
	char small[8];

	(void)state;
	memset(&c, 0, sizeof(c));
	c.name = TV_CALL_SOCKET, c.fd = c.ret = 3;
	fmt_is(&c, "socket() = 3");
	c.name = TV_CALL_BIND, c.ret = 0;
	c.local.family = 4, c.local.a[0] = 127, c.local.a[3] = 1, c.lport = 8000;
	fmt_is(&c, "bind(3) 127.0.0.1:8000");
	c.name = TV_CALL_LISTEN;
	fmt_is(&c, "listen(3)");
	c.name = TV_CALL_ACCEPT, c.ret = 5;
	fmt_is(&c, "accept(3) -> fd 5");
	c.name = TV_CALL_CONNECT, c.ret = 0;
	fmt_is(&c, "connect(3) begun");
	c.flags = TV_CALLF_RETURNED;
	fmt_is(&c, "connect(3) returns");
	c.ret = -1, c.err = 111;
	fmt_is(&c, "connect(3) returns, fails: ECONNREFUSED");
	c.err = 4242;
	fmt_is(&c, "connect(3) returns, fails: errno 4242");
	c.flags = 0, c.err = 0, c.ret = 12, c.fd = 5;
	c.name = TV_CALL_SEND, c.bytes = 12;
	fmt_is(&c, "send(5) 12 bytes");
	c.name = TV_CALL_RECV, c.bytes = 0, c.ret = 0;
	fmt_is(&c, "recv(5) 0 bytes (EOF)");
	c.name = TV_CALL_SEND, c.flags = TV_CALLF_RAW, c.bytes = 40;
	fmt_is(&c, "sendto(5) 40 bytes raw");
	c.flags = 0;
	c.name = TV_CALL_SHUTDOWN;
	fmt_is(&c, "shutdown(5)");
	c.name = TV_CALL_CLOSE;
	fmt_is(&c, "close(5)");
	c.name = TV_CALL_SOCKET, c.ret = -1, c.err = 24;
	fmt_is(&c, "socket() fails: EMFILE");
	/* cut to the buffer, NUL-terminated */
	c.name = TV_CALL_CLOSE, c.err = 0, c.ret = 0;
	assert_int_equal(tv_fmt_call(small, sizeof(small), &c), 7);
	assert_string_equal(small, "close(5");
	assert_int_equal(tv_fmt_call(small, 0, &c), 0);
}

/* ---- the writer: real sockets on loopback, the records read back ---- */

static pid_t writer_pid;

static int
next(int rfd, struct tv_call *c)
{
	uint8_t b[TV_CALL_REC + 1];
	ssize_t n = recv(rfd, b, sizeof(b), MSG_DONTWAIT);

	assert_int_equal(n, TV_CALL_REC);
	assert_int_equal(tv_call_parse(b, (size_t)n, c), 0);
	assert_int_equal(c->pid, (uint32_t)writer_pid);
	return c->name;
}

/* One connection's calls, in the child (the channel is looked at once). */
static void
calls(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int l, cl, s;
	char buf[4];

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = tvc_socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || tvc_bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    tvc_listen(l, 4) < 0 || getsockname(l, (struct sockaddr *)&a, &alen) < 0)
		_exit(2);
	cl = tvc_socket(AF_INET, SOCK_STREAM, 0);
	if (tvc_connect(cl, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    (s = tvc_accept4(l, SOCK_CLOEXEC)) < 0)
		_exit(3);
	if (tvc_send(cl, "abc", 3, 0) != 3 || tvc_recv(s, buf, 4, 0) != 3)
		_exit(4);
	tvc_shutdown(cl, SHUT_WR);
	tvc_close(cl);
	tvc_close(s);
	tvc_close(l);
	tvc_close(0 + 1000);	/* not open: close() fails, not a socket, no record */
	_exit(tvc_dropped() == 0 ? 0 : 5);
}

static void
test_writer(void **state)
{
	static const int want[] = { TV_CALL_SOCKET, TV_CALL_BIND, TV_CALL_LISTEN,
	    TV_CALL_SOCKET, TV_CALL_CONNECT, TV_CALL_CONNECT, TV_CALL_ACCEPT,
	    TV_CALL_SEND, TV_CALL_RECV, TV_CALL_SHUTDOWN, TV_CALL_CLOSE,
	    TV_CALL_CLOSE, TV_CALL_CLOSE };
	struct tv_call c[13];
	char v[16], e[TV_ENDPOINTSTRLEN], e2[TV_ENDPOINTSTRLEN];
	uint8_t b[TV_CALL_REC];
	int sp[2], st;
	size_t i;
	pid_t pid;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp), 0);
	snprintf(v, sizeof(v), "%d", sp[1]);
	setenv("TCPVIZ_CALLS", v, 1);
	if ((pid = fork()) == 0)
		calls();
	writer_pid = pid;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	for (i = 0; i < 13; i++) {
		assert_int_equal(next(sp[0], &c[i]), want[i]);
		assert_int_equal(c[i].err, 0);
	}
	assert_true(recv(sp[0], b, sizeof(b), MSG_DONTWAIT) < 0);	/* no more */
	/* socket() has no address; listen() its own; connect() begun its
	 * peer only, returned both: the client's 4-tuple */
	assert_int_equal(c[0].local.family, 0);
	assert_int_equal(c[2].local.family, 4);
	assert_int_equal(c[4].flags, 0);
	assert_int_equal(c[4].local.family, 0);
	assert_int_equal(c[4].rport, c[2].lport);
	assert_int_equal(c[5].flags, TV_CALLF_RETURNED);
	assert_int_not_equal(c[5].lport, 0);
	/* accept() returned the server's end of the same 4-tuple */
	assert_int_equal(c[6].fd, c[0].ret);
	assert_int_equal(c[6].lport, c[5].rport);
	assert_int_equal(c[6].rport, c[5].lport);
	assert_string_equal(tv_endpoint_str(&c[6].remote, c[6].rport, e, sizeof(e)),
	    tv_endpoint_str(&c[5].local, c[5].lport, e2, sizeof(e2)));
	assert_int_equal(c[7].bytes, 3);
	assert_int_equal(c[8].bytes, 3);
	assert_int_equal(c[8].fd, c[6].ret);
	/* close() says the names it had */
	assert_int_equal(c[10].lport, c[5].lport);
	assert_int_equal(c[11].rport, c[5].lport);
	/* times do not go back */
	for (i = 1; i < 13; i++)
		assert_true(c[i].sec * 1000000000LL + c[i].nsec >=
		    c[i - 1].sec * 1000000000LL + c[i - 1].nsec);
	close(sp[0]);
	close(sp[1]);
}

/* Unset, not a number, not open, not a socket or pipe: nothing, no harm. */
static void
test_writer_off(void **state)
{
	static const char *const vals[] = { NULL, "", "x", "3x", "-1", "99999",
	    "900", "0" };
	int sp[2], st;
	uint8_t b[TV_CALL_REC];
	size_t i;
	pid_t pid;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp), 0);
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		if (vals[i] == NULL)
			unsetenv("TCPVIZ_CALLS");
		else
			setenv("TCPVIZ_CALLS", vals[i], 1);
		if ((pid = fork()) == 0) {
			int fd;

			close(0);	/* "0": a closed descriptor */
			fd = tvc_socket(AF_INET, SOCK_STREAM, 0);
			_exit(fd >= 0 && !tvc_enabled() && tvc_close(fd) == 0 ? 0 : 1);
		}
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	assert_true(recv(sp[0], b, sizeof(b), MSG_DONTWAIT) < 0);
	close(sp[0]);
	close(sp[1]);
}

/* A reader that never reads: records are dropped and counted, the
 * program goes on. */
static void
test_writer_full(void **state)
{
	char v[16];
	int sp[2], st, small = 4096;
	pid_t pid;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp), 0);
	setsockopt(sp[1], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	snprintf(v, sizeof(v), "%d", sp[1]);
	setenv("TCPVIZ_CALLS", v, 1);
	if ((pid = fork()) == 0) {
		int i, fd;

		for (i = 0; i < 2000; i++)
			if ((fd = tvc_socket(AF_INET, SOCK_STREAM, 0)) >= 0)
				tvc_close(fd);
		_exit(tvc_dropped() > 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(sp[0]);
	close(sp[1]);
}

/* ---- the ladder's line ---- */

struct sink {
	char s[4096];
	size_t n;
};

static void
sink_write(void *ctx, const char *s, size_t n)
{
	struct sink *k = ctx;

	assert_true(k->n + n < sizeof(k->s));
	memcpy(k->s + k->n, s, n);
	k->n += n;
	k->s[k->n] = '\0';
}

static void
test_ladder_line(void **state)
{
	struct tv_render_opts ro = { .ts_digits = 6, .width = 100, .shared_clock = 1,
	    .clock_ns = 1700000000LL * 1000000000LL };
	struct sink k = { .n = 0 };
	struct tv_out o = { .write = sink_write, .ctx = &k };
	struct tv_lad_state ls;
	struct tv_conn c;

	(void)state;
	memset(&c, 0, sizeof(c));
	memset(&ls, 0, sizeof(ls));
	c.id = 1;
	c.proto = 6;
	c.addr[0].family = c.addr[1].family = 4;
	c.addr[0].a[0] = c.addr[1].a[0] = 127;
	c.addr[0].a[3] = c.addr[1].a[3] = 1;
	c.port[0] = 40000;
	c.port[1] = 8000;
	c.tcp.init_state[1] = TV_ST_LISTEN;
	tv_lad_live_call(&o, &ro, &c, &ls, TV_SERVER, 1700000000, 500000000,
	    "listen(3)");
	assert_true(ls.started);	/* the header came first */
	assert_non_null(strstr(k.s, "#1   TCP 127.0.0.1:40000 > 127.0.0.1:8000"));
	assert_non_null(strstr(k.s, "\n#1      0.500000               |"
	    "                                                      | listen(3)\n"));
	k.n = 0;
	tv_lad_live_call(&o, &ro, &c, &ls, TV_CLIENT, 1700000000, 600000000,
	    "socket() = 3");
	assert_string_equal(k.s, "#1      0.600000  socket() = 3 |"
	    "                                                      |\n");
	/* longer than the state column: in the time's place */
	k.n = 0;
	tv_lad_live_call(&o, &ro, &c, &ls, TV_CLIENT, 1700000000, 600000000,
	    "connect(3) returns");
	assert_string_equal(k.s, "#1          connect(3) returns |"
	    "                                                      |\n");
	/* longer than the whole left side: between the bars */
	k.n = 0;
	tv_lad_live_call(&o, &ro, &c, &ls, TV_CLIENT, 1700000000, 600000000,
	    "connect(3) returns, fails: ECONNREFUSED");
	assert_non_null(strstr(k.s, "|  connect(3) returns, fails: ECONNREFUSED"));
	assert_non_null(strstr(k.s, "0.600000"));
	/* the server's, with no room left after the right bar at 100
	 * columns: inside, against it */
	k.n = 0;
	tv_lad_live_call(&o, &ro, &c, &ls, TV_SERVER, 1700000000, 700000000,
	    "accept(3) -> fd 5");
	assert_string_equal(k.s, "#1      0.700000               |"
	    "                                   accept(3) -> fd 5  |\n");
	/* no width: always after the bar */
	ro.width = 0;
	k.n = 0;
	tv_lad_live_call(&o, &ro, &c, &ls, TV_SERVER, 1700000000, 700000000,
	    "accept(3) -> fd 5");
	assert_non_null(strstr(k.s, "               |      "));
	assert_non_null(strstr(k.s, "      | accept(3) -> fd 5\n"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_every_byte),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_writer),
		cmocka_unit_test(test_writer_off),
		cmocka_unit_test(test_writer_full),
		cmocka_unit_test(test_ladder_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
