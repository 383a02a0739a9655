/* \summary: unit tests for the kernel's view (tv_kern.h, tv_ksock.h): recorded sock_diag replies of every TCP state parsed and put in words, owners from /proc, hostile bytes */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <cmocka.h>

#include "tv_kern.h"
#include "tv_ksock.h"
#include "tv_render.h"
#include "tv_tcp.h"

/*
 * tests/data/kernel-states.diag: what the kernel answered (SOCK_DIAG_BY_FAMILY
 * dumps of TCP and UDP, IPv4 and IPv6) while tools/kernel-record.py held
 * sockets in each state on ports 47001-47009 (its header says which).
 */
#define STATES_FILE "tests/data/kernel-states.diag"
#define MAXS 256

static const uint16_t all_ports[] = { 47001, 47002, 47003, 47004, 47005,
	47006, 47007, 47008, 47009 };

static uint8_t *rec;
static size_t rec_len;
static struct tv_ksock socks[MAXS];
static int nsocks;

static int
setup(void **state)
{
	FILE *fp = fopen(STATES_FILE, "rb");
	long n;

	(void)state;
	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) <= 0) {
		fprintf(stderr, "cannot read %s\n", STATES_FILE);
		return -1;
	}
	rewind(fp);
	rec = malloc((size_t)n);
	rec_len = fread(rec, 1, (size_t)n, fp);
	fclose(fp);
	nsocks = tv_kern_parse_record(rec, rec_len, all_ports, 9, socks, MAXS);
	return nsocks > 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	free(rec);
	return 0;
}

/* How many sockets are in `state` with local port lp (0: any) and remote
 * port rp (0: any); *first the first of them. */
static int
count(uint8_t proto, int state, uint16_t lp, uint16_t rp,
    const struct tv_ksock **first)
{
	int i, n = 0;

	*first = NULL;
	for (i = 0; i < nsocks; i++) {
		const struct tv_ksock *k = &socks[i];

		if (k->proto != proto || (state >= 0 && k->state != state) ||
		    (lp && k->lport != lp) || (rp && k->rport != rp))
			continue;
		if (n++ == 0)
			*first = k;
	}
	return n;
}

static void
words(const struct tv_ksock *k, char *buf, size_t size)
{
	tv_fmt_ksock(buf, size, k);
}

/* ---- every state, from the recording ---- */

static void
test_listen_accept_queue(void **state)
{
	const struct tv_ksock *k;
	char w[200], a[TV_ADDRSTRLEN];

	(void)state;
	/* listen(4), two connections not accepted */
	assert_int_equal(count(6, TV_KS_LISTEN, 47001, 0, &k), 1);
	assert_int_equal(k->rq, 2);
	assert_int_equal(k->wq, 4);
	assert_int_not_equal(k->inode, 0);
	assert_int_equal(k->local.family, 4);
	assert_string_equal(tv_addr_str(&k->local, a, sizeof(a)), "127.0.0.1");
	assert_int_equal(k->rport, 0);
	words(k, w, sizeof(w));
	assert_string_equal(w, "LISTEN accept queue 2/4");
	assert_string_equal(tv_ks_state_name(k), "LISTEN");
	assert_int_equal(tv_ks_tcp_state(k), TV_ST_LISTEN);
}

static void
test_established_and_queued(void **state)
{
	const struct tv_ksock *k;
	int i, queued = 0, unread5 = 0;
	char w[200];

	(void)state;
	/* three clients, three server ends: one accepted with 5 bytes
	 * unread, two waiting in the accept queue (no file: inode 0) */
	assert_int_equal(count(6, TV_KS_ESTABLISHED, 0, 47001, &k), 3);
	assert_int_equal(count(6, TV_KS_ESTABLISHED, 47001, 0, &k), 3);
	for (i = 0; i < nsocks; i++) {
		k = &socks[i];
		if (k->proto != 6 || k->state != TV_KS_ESTABLISHED || k->lport != 47001)
			continue;
		if (k->inode == 0)
			queued++;
		if (k->rq == 5 && k->inode != 0) {
			unread5++;
			words(k, w, sizeof(w));
			assert_string_equal(w, "ESTAB Recv-Q 5 unread");
		}
	}
	assert_int_equal(queued, 2);
	assert_int_equal(unread5, 1);
}

static void
test_syn_recv(void **state)
{
	const struct tv_ksock *k;
	int i, n = 0;
	char w[200];

	(void)state;
	/* three half-open connections from the crafter's SYNs */
	for (i = 0; i < nsocks; i++) {
		k = &socks[i];
		if (k->proto != 6 || k->lport != 47002 || k->state == TV_KS_LISTEN)
			continue;
		assert_string_equal(tv_ks_state_name(k), "SYN-RECV");
		assert_int_equal(tv_ks_tcp_state(k), TV_ST_SYN_RECEIVED);
		assert_int_equal(k->timer, TV_KT_RETRANS);	/* the SYN-ACK's */
		assert_true(k->expires_ms > 0 && k->expires_ms <= 1000);
		assert_int_equal(k->inode, 0);
		words(k, w, sizeof(w));
		assert_non_null(strstr(w, "SYN-RECV retransmit in 0."));
		n++;
	}
	assert_int_equal(n, 3);
}

static void
test_fin_wait_1_behind_data(void **state)
{
	const struct tv_ksock *k;
	char w[200], want[200];

	(void)state;
	assert_int_equal(count(6, TV_KS_FIN_WAIT1, 0, 47003, &k), 1);
	assert_true(k->wq > 1);
	assert_int_equal(k->timer, TV_KT_PROBE);	/* the peer's window is shut */
	words(k, w, sizeof(w));
	snprintf(want, sizeof(want), "FIN-WAIT-1 Send-Q %u (%u bytes and the FIN "
	    "unacked) window probe in", k->wq, k->wq - 1);
	assert_memory_equal(w, want, strlen(want));
	/* the server that reads nothing: its receive buffer full */
	assert_int_equal(count(6, TV_KS_ESTABLISHED, 47003, 0, &k), 1);
	assert_true(k->rq > 0);
}

static void
test_last_ack_and_fin_wait_2(void **state)
{
	const struct tv_ksock *k;
	char w[200];

	(void)state;
	assert_int_equal(count(6, TV_KS_LAST_ACK, 47004, 0, &k), 1);
	assert_int_equal(k->rq, 1);		/* the client's FIN, not read */
	assert_true(k->wq > 1);			/* data, then our FIN */
	assert_int_equal(tv_ks_tcp_state(k), TV_ST_LAST_ACK);
	assert_int_equal(count(6, TV_KS_FIN_WAIT2, 0, 47004, &k), 1);
	assert_true(k->rq > 0);
	words(k, w, sizeof(w));
	assert_memory_equal(w, "FIN-WAIT-2 Recv-Q ", 18);
}

static void
test_close_wait_and_time_wait(void **state)
{
	const struct tv_ksock *k;
	char w[200];
	int i, tw = 0;

	(void)state;
	assert_int_equal(count(6, TV_KS_CLOSE_WAIT, 47005, 0, &k), 1);
	words(k, w, sizeof(w));
	assert_string_equal(w, "CLOSE-WAIT Recv-Q 1 (the FIN, not read yet)");
	assert_int_equal(tv_ks_tcp_state(k), TV_ST_CLOSE_WAIT);
	assert_true(count(6, TV_KS_FIN_WAIT2, 0, 47005, &k) >= 1);
	/* the client that closed first waits in TIME-WAIT, its timer
	 * running down from 60 s */
	for (i = 0; i < nsocks; i++) {
		k = &socks[i];
		if (k->state != TV_KS_TIME_WAIT || k->rport != 47005)
			continue;
		assert_int_equal(k->timer, TV_KT_TIMEWAIT);
		assert_true(k->expires_ms <= 60000);
		assert_int_equal(k->inode, 0);
		assert_int_equal(k->rq, 0);
		words(k, w, sizeof(w));
		assert_non_null(strstr(w, " s left"));
		assert_memory_equal(w, "TIME-WAIT ", 10);
		tw++;
	}
	assert_true(tw >= 1);
}

static void
test_closing(void **state)
{
	const struct tv_ksock *k;
	char w[200];

	(void)state;
	assert_int_equal(count(6, TV_KS_CLOSING, 47006, 0, &k), 1);
	assert_int_equal(k->rq, 1);
	assert_int_equal(k->wq, 1);
	assert_int_equal(tv_ks_tcp_state(k), TV_ST_CLOSING);
	words(k, w, sizeof(w));
	assert_memory_equal(w, "CLOSING Recv-Q 1 (the FIN, not read yet) Send-Q 1 "
	    "(the FIN, unacked)", 66);
}

static void
test_syn_sent(void **state)
{
	const struct tv_ksock *k;
	char w[200];

	(void)state;
	assert_int_equal(count(6, TV_KS_SYN_SENT, 0, 47007, &k), 1);
	assert_int_equal(k->wq, 1);
	assert_int_equal(k->timer, TV_KT_RETRANS);
	assert_int_not_equal(k->inode, 0);
	words(k, w, sizeof(w));
	assert_memory_equal(w, "SYN-SENT Send-Q 1 (the SYN) retransmit in ", 42);
}

static void
test_udp(void **state)
{
	const struct tv_ksock *k;
	char w[200];

	(void)state;
	assert_int_equal(count(17, TV_KS_CLOSE, 47008, 0, &k), 1);
	words(k, w, sizeof(w));
	assert_string_equal(w, "UNCONN");
	assert_int_equal(tv_ks_tcp_state(k), -1);
	assert_int_equal(count(17, TV_KS_ESTABLISHED, 0, 47008, &k), 1);
	assert_string_equal(tv_ks_state_name(k), "ESTAB");
	/* no UDP socket passes for TCP, nor the reverse */
	assert_int_equal(count(6, -1, 47008, 0, &k), 0);
}

static void
test_ipv6(void **state)
{
	static const uint8_t lo6[16] = { [15] = 1 };
	const struct tv_ksock *k;

	(void)state;
	assert_int_equal(count(6, TV_KS_LISTEN, 47009, 0, &k), 1);
	assert_int_equal(k->local.family, 6);
	assert_memory_equal(k->local.a, lo6, 16);
	assert_true(count(6, TV_KS_ESTABLISHED, 0, 47009, &k) >= 1);
	assert_int_equal(k->remote.family, 6);
}

/* ---- the port filter and the parser's bounds ---- */

static void
test_port_filter(void **state)
{
	static const uint16_t one[] = { 47004 };
	struct tv_ksock got[MAXS];
	int n, i;

	(void)state;
	n = tv_kern_parse_record(rec, rec_len, one, 1, got, MAXS);
	assert_true(n >= 3);	/* listener, LAST-ACK, FIN-WAIT-2 */
	for (i = 0; i < n; i++)
		assert_true(got[i].lport == 47004 || got[i].rport == 47004);
	/* out holds at most max; the count says so */
	assert_int_equal(tv_kern_parse_record(rec, rec_len, all_ports, 9, got, 2), 2);
	/* no port: nothing */
	assert_int_equal(tv_kern_parse_record(rec, rec_len, all_ports, 0, got, MAXS), 0);
}

static void
test_cut_and_damaged(void **state)
{
	struct tv_ksock *got = malloc(sizeof(*got) * MAXS);
	uint8_t *b = malloc(rec_len);
	uint32_t x = 12345;
	size_t cut, i;
	int r, k;

	(void)state;
	/* every cut: a whole number of blocks parses, anything else fails */
	for (cut = 0; cut < rec_len; cut++) {
		r = tv_kern_parse_record(rec, cut, all_ports, 9, got, MAXS);
		assert_true(r >= -1 && r <= nsocks);
	}
	/* bytes changed at random (the same each run): never more sockets
	 * than the space given, never a read outside (ASan would say) */
	for (k = 0; k < 2000; k++) {
		memcpy(b, rec, rec_len);
		for (i = 0; i < 8; i++) {
			x = x * 1103515245u + 12345u;
			b[(x >> 8) % rec_len] = (uint8_t)(x >> 3);
		}
		r = tv_kern_parse_record(b, rec_len, all_ports, 9, got, MAXS);
		assert_true(r >= -1 && r <= MAXS);
	}
	/* a block longer than the file */
	memcpy(b, rec, 8);
	b[7] = 0x7f;
	assert_int_equal(tv_kern_parse_record(b, 8, all_ports, 9, got, MAXS), -1);
	free(b);
	free(got);
}

static void
test_error_reply(void **state)
{
	/* what the kernel answers to a dump it refuses: NLMSG_ERROR */
	uint32_t msg[9];
	struct nlmsghdr *nh = (struct nlmsghdr *)msg;
	struct tv_ksock got[4];
	size_t n = 0;

	(void)state;
	memset(msg, 0, sizeof(msg));
	nh->nlmsg_len = sizeof(msg);
	nh->nlmsg_type = NLMSG_ERROR;
	assert_int_equal(tv_kern_parse(6, msg, sizeof(msg), all_ports, 9, got, 4, &n), -1);
	nh->nlmsg_type = NLMSG_DONE;
	assert_int_equal(tv_kern_parse(6, msg, sizeof(msg), all_ports, 9, got, 4, &n), 1);
	nh->nlmsg_len = sizeof(msg) + 4;	/* longer than the bytes */
	assert_int_equal(tv_kern_parse(6, msg, sizeof(msg), all_ports, 9, got, 4, &n), -1);
	/* an unaligned buffer is copied, not read in place */
	{
		uint8_t odd[sizeof(msg) + 1];

		nh->nlmsg_len = sizeof(msg);
		memcpy(odd + 1, msg, sizeof(msg));
		assert_int_equal(tv_kern_parse(6, odd + 1, sizeof(msg), all_ports, 9,
		    got, 4, &n), 1);
	}
	assert_int_equal(n, 0);
}

/* ---- words for what no recording holds, and JSON ---- */

static void
test_words_made_up(void **state)
{
	struct tv_ksock k;
	char w[200];

	(void)state;
	memset(&k, 0, sizeof(k));
	k.proto = 6;
	k.state = TV_KS_ESTABLISHED;
	k.rq = 3;
	k.wq = 7;
	k.timer = TV_KT_RETRANS;
	k.expires_ms = 1234;
	k.retrans = 2;
	k.pid = 4321;
	memcpy(k.comm, "ab\tc\x01", 6);
	words(&k, w, sizeof(w));
	assert_string_equal(w, "ESTAB Recv-Q 3 unread Send-Q 7 unacked retransmit "
	    "in 1.2 s (2 sent again) (ab?c? 4321)");
	/* cut to the space given, still a string */
	assert_int_equal(tv_fmt_ksock(w, 10, &k), 9);
	assert_string_equal(w, "ESTAB Rec");
	k.state = TV_KS_MAX + 3;
	words(&k, w, sizeof(w));
	assert_memory_equal(w, "? ", 2);
	assert_int_equal(tv_ks_tcp_state(&k), -1);
	assert_string_equal(tv_ks_timer_name(TV_KT_TIMEWAIT), "timewait");
	assert_string_equal(tv_ks_timer_name(99), "");
}

static char jbuf[2048];
static size_t jlen;

static void
jwrite(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	if (jlen + n < sizeof(jbuf)) {
		memcpy(jbuf + jlen, s, n);
		jlen += n;
		jbuf[jlen] = '\0';
	}
}

static void
test_json_kernel(void **state)
{
	struct tv_out o = { .write = jwrite };
	struct tv_render_opts ro;
	struct tv_conn c;
	const struct tv_ksock *k;

	(void)state;
	memset(&ro, 0, sizeof(ro));
	memset(&c, 0, sizeof(c));
	c.id = 7;
	c.proto = 6;
	ro.ts_digits = 6;
	assert_int_equal(count(6, TV_KS_LISTEN, 47001, 0, &k), 1);
	jlen = 0;
	tv_json_kernel(&o, &ro, &c, "server", k, -1, 1700000000123456000LL);
	assert_non_null(strstr(jbuf, "{\"type\":\"kernel\",\"ts\":1700000000.123456,"
	    "\"conn\":7,\"proto\":\"tcp\",\"side\":\"server\",\"state\":\"LISTEN\","
	    "\"local\":\"127.0.0.1:47001\",\"remote\":\"0.0.0.0:0\",\"recv_q\":2,"
	    "\"send_q\":4,\"inode\":"));
	assert_int_equal(jbuf[jlen - 1], '\n');
	jlen = 0;
	tv_json_kernel(&o, &ro, &c, "client", NULL, TV_ST_TIME_WAIT, 0);
	assert_string_equal(jbuf, "{\"type\":\"kernel\",\"ts\":0.000000,\"conn\":7,"
	    "\"proto\":\"tcp\",\"side\":\"client\",\"state\":null,"
	    "\"wire_state\":\"TIME_WAIT\"}\n");
}

/* ---- owners: our own socket, found as ss -p finds it ---- */

static void
test_owner_is_us(void **state)
{
	struct sockaddr_in sa;
	struct tv_ksock k[2];
	struct stat st;
	char comm[TV_KS_COMM];
	FILE *fp;
	int fd;

	(void)state;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(fstat(fd, &st), 0);
	memset(k, 0, sizeof(k));
	k[0].inode = (uint32_t)st.st_ino;
	k[1].inode = 0;		/* no file: not looked for */
	assert_int_equal(tv_kern_owners(k, 2), 1);
	assert_int_equal(k[0].pid, getpid());
	fp = fopen("/proc/self/comm", "r");
	assert_non_null(fp);
	assert_non_null(fgets(comm, sizeof(comm), fp));
	fclose(fp);
	comm[strcspn(comm, "\n")] = '\0';
	assert_string_equal(k[0].comm, comm);
	assert_int_equal(k[1].pid, 0);
	/* an owner already known is not looked for again */
	assert_int_equal(tv_kern_owners(k, 2), 0);
	close(fd);
	/* a socket nobody holds any more */
	k[0].pid = 0;
	assert_int_equal(tv_kern_owners(k, 1), 0);
	assert_int_equal(k[0].pid, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listen_accept_queue),
		cmocka_unit_test(test_established_and_queued),
		cmocka_unit_test(test_syn_recv),
		cmocka_unit_test(test_fin_wait_1_behind_data),
		cmocka_unit_test(test_last_ack_and_fin_wait_2),
		cmocka_unit_test(test_close_wait_and_time_wait),
		cmocka_unit_test(test_closing),
		cmocka_unit_test(test_syn_sent),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_port_filter),
		cmocka_unit_test(test_cut_and_damaged),
		cmocka_unit_test(test_error_reply),
		cmocka_unit_test(test_words_made_up),
		cmocka_unit_test(test_json_kernel),
		cmocka_unit_test(test_owner_is_us),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
