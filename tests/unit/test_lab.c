/* \summary: unit tests for the lab (tv_lab.h): the option grammar, and on the real kernel as root: reach, loss, rate, refusals, teardown, nothing leaking to the host */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include <nftables/libnftables.h>

#include "tv_errbuf.h"
#include "tv_lab.h"

#define PORT 47123

static char errbuf[TV_ERRBUF_SIZE];

static int
need_root(void)
{
	if (geteuid() == 0)
		return 1;
	print_message("skipped: needs root (network namespaces, CAP_NET_ADMIN)\n");
	return 0;
}

#define NEED_ROOT() do { if (!need_root()) { skip(); return; } } while (0)

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
lab_up(struct tv_lab *lab, const struct tv_lab_cfg *cfg)
{
	if (tv_lab_up(lab, cfg, errbuf) < 0)
		fail_msg("%s", errbuf);
}

/* ---- the grammar ---- */

static void
parse_ok(struct tv_lab_cfg *cfg, const char *opt, const char *arg)
{
	if (tv_lab_parse(cfg, opt, arg, errbuf) < 0)
		fail_msg("--%s %s: %s", opt, arg, errbuf);
}

static void
test_parse_good(void **state)
{
	struct tv_lab_cfg c;

	(void)state;
	memset(&c, 0, sizeof c);
	parse_ok(&c, "loss", "10%");
	assert_true(c.dir[0].loss.pct == 10 && c.dir[1].loss.pct == 10);
	parse_ok(&c, "loss", "to-server:#3,#5:data");
	assert_int_equal(c.dir[0].loss.nnth, 2);
	assert_int_equal(c.dir[0].loss.nth[0], 3);
	assert_int_equal(c.dir[0].loss.nth[1], 5);
	assert_int_equal(c.dir[0].loss.what, TV_LAB_DATA);
	assert_true(c.dir[0].loss.pct == 0 && c.dir[1].loss.pct == 10);
	parse_ok(&c, "loss", "to-client:0.25%,#1:ack");
	assert_true(c.dir[1].loss.pct == 0.25 && c.dir[1].loss.nnth == 1);
	assert_int_equal(c.dir[1].loss.what, TV_LAB_ACK);
	parse_ok(&c, "loss", "#1:syn");
	assert_int_equal(c.dir[0].loss.what, TV_LAB_SYN);
	assert_int_equal(c.dir[1].loss.what, TV_LAB_SYN);
	parse_ok(&c, "rate", "1mbit");
	assert_true(c.dir[0].rate_bps == 1000000 && c.dir[1].rate_bps == 1000000);
	parse_ok(&c, "rate", "to-client:64kbps");
	assert_true(c.dir[1].rate_bps == 512000 && c.dir[0].rate_bps == 1000000);
	parse_ok(&c, "rate", "both:9600");
	assert_true(c.dir[0].rate_bps == 9600);
	parse_ok(&c, "rate", "1.5gbit");
	assert_true(c.dir[0].rate_bps == 1500000000ULL);
	parse_ok(&c, "delay", "to-server:50/10");
	assert_true(c.dir[0].delay_ms == 50 && c.dir[0].jitter_ms == 10);
	assert_true(c.dir[1].delay_ms == 0);
	parse_ok(&c, "delay", "20ms");
	assert_true(c.dir[1].delay_ms == 20 && c.dir[1].jitter_ms == 0);
	parse_ok(&c, "reorder", "to-client:25%");
	assert_true(c.dir[1].reorder_pct == 25 && c.dir[0].reorder_pct == 0);
}

static void
parse_bad(const char *opt, const char *arg, const char *msg)
{
	struct tv_lab_cfg c;

	memset(&c, 0, sizeof c);
	assert_int_equal(tv_lab_parse(&c, opt, arg, errbuf), -1);
	assert_string_equal(errbuf, msg);
}

static void
test_parse_bad(void **state)
{
	(void)state;
	parse_bad("loss", "150%", "tcpviz: --loss '150%': a percentage from 0 to 100");
	parse_bad("loss", "-1%", "tcpviz: --loss '-1%': a percentage from 0 to 100");
	parse_bad("loss", "10", "tcpviz: --loss '10': the amount is N% or #N[,#N...]");
	parse_bad("loss", "", "tcpviz: --loss '': the amount is N% or #N[,#N...]");
	parse_bad("loss", "#0", "tcpviz: --loss '#0': packet numbers are #1 to #999999999");
	parse_bad("loss", "#3,", "tcpviz: --loss '#3,': the amount is N% or #N[,#N...]");
	parse_bad("loss", "#1,#2,#3,#4,#5,#6,#7,#8,#9",
	    "tcpviz: --loss '#1,#2,#3,#4,#5,#6,#7,#8,#9': at most 8 packet numbers");
	parse_bad("loss", "#2:rst",
	    "tcpviz: --loss '#2:rst': which packets: all, syn, data, fin or ack");
	parse_bad("loss", "upstream:10%", "tcpviz: --loss 'upstream:10%': "
	    "the direction is to-server, to-client or both");
	parse_bad("rate", "fast", "tcpviz: --rate 'fast': a rate from 8bit to "
	    "10gbit, such as 1mbit, 500kbit or 64kbps");
	parse_bad("rate", "1mbitz", "tcpviz: --rate '1mbitz': a rate from 8bit to "
	    "10gbit, such as 1mbit, 500kbit or 64kbps");
	parse_bad("rate", "to-server:20gbit", "tcpviz: --rate 'to-server:20gbit': "
	    "a rate from 8bit to 10gbit, such as 1mbit, 500kbit or 64kbps");
	parse_bad("delay", "0", "tcpviz: --delay '0': a delay of 1 to 60000 ms, "
	    "with a jitter after a / (such as 50 or 50/10)");
	parse_bad("delay", "50/x", "tcpviz: --delay '50/x': a delay of 1 to 60000 ms, "
	    "with a jitter after a / (such as 50 or 50/10)");
	parse_bad("reorder", "101%", "tcpviz: --reorder '101%': a percentage from 0 to 100");
	parse_bad("reorder", "5", "tcpviz: --reorder '5': a percentage from 0 to 100");
	parse_bad("jitter", "5", "tcpviz: no lab option --jitter");
}

/* ---- sockets in the lab ---- */

/* A socket made in host's namespace (it stays there); server: bound. */
static int
lab_sock(struct tv_lab *lab, enum tv_lab_host h, int family, int type,
    int bind_it)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(PORT) };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(PORT) };
	struct timeval tv = { 0, 300000 };
	int fd, one = 1;

	assert_int_equal(tv_lab_enter(lab, h), 0);
	fd = socket(family, type, 0);
	assert_int_equal(tv_lab_leave(lab), 0);
	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind_it)
		assert_int_equal(bind(fd, family == AF_INET ? (void *)&a4 :
		    (void *)&a6, family == AF_INET ? sizeof a4 : sizeof a6), 0);
	return fd;
}

static socklen_t
server_addr(const struct tv_lab *lab, int family, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *a6 = (void *)ss;
	struct sockaddr_in *a4 = (void *)ss;

	memset(ss, 0, sizeof *ss);
	if (family == AF_INET) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(PORT);
		inet_pton(AF_INET, lab->addr[TV_LAB_SERVER], &a4->sin_addr);
		return sizeof *a4;
	}
	a6->sin6_family = AF_INET6;
	a6->sin6_port = htons(PORT);
	inet_pton(AF_INET6, lab->addr6[TV_LAB_SERVER], &a6->sin6_addr);
	return sizeof *a6;
}

/* Send n numbered datagrams client -> server (paced: nothing queues);
 * got[i] is set for each that came.  The number received. */
static int
udp_run(struct tv_lab *lab, int family, int n, char *got)
{
	struct sockaddr_storage ss;
	socklen_t len = server_addr(lab, family, &ss);
	int srv = lab_sock(lab, TV_LAB_SERVER, family, SOCK_DGRAM, 1);
	int cli = lab_sock(lab, TV_LAB_CLIENT, family, SOCK_DGRAM, 0);
	struct timespec nap = { 0, 1000000 };
	int i, k = 0, v;
	double t0 = now();

	memset(got, 0, (size_t)n);
	for (i = 0; i < n && now() - t0 < 10; i++) {
		assert_true(sendto(cli, &i, sizeof i, 0, (void *)&ss, len) ==
		    sizeof i);
		nanosleep(&nap, NULL);
	}
	while (recv(srv, &v, sizeof v, 0) == sizeof v && now() - t0 < 20)
		if (v >= 0 && v < n && !got[v]) {
			got[v] = 1;
			k++;
		}
	close(srv);
	close(cli);
	return k;
}

static ino_t
ns_ino(int fd)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	return st.st_ino;
}

static void
test_up_down(void **state)
{
	struct tv_lab lab;
	char got[4];
	ino_t home, ino[3];
	int h;

	(void)state;
	NEED_ROOT();
	lab_up(&lab, NULL);
	home = ns_ino(lab.home);
	for (h = 0; h < 3; h++) {
		ino[h] = ns_ino(lab.ns[h]);
		assert_true(ino[h] != home);
	}
	assert_true(ino[0] != ino[1] && ino[1] != ino[2] && ino[0] != ino[2]);
	assert_int_equal(udp_run(&lab, AF_INET, 1, got), 1);
	assert_int_equal(udp_run(&lab, AF_INET6, 1, got), 1);
	tv_lab_down(&lab);
	tv_lab_down(&lab);
}

static void
test_loss_nth(void **state)
{
	struct tv_lab_cfg cfg;
	struct tv_lab lab;
	char got[10];
	int i;

	(void)state;
	NEED_ROOT();
	memset(&cfg, 0, sizeof cfg);
	assert_int_equal(tv_lab_parse(&cfg, "loss", "to-server:#3,#5", errbuf), 0);
	lab_up(&lab, &cfg);
	assert_int_equal(udp_run(&lab, AF_INET, 10, got), 8);
	for (i = 0; i < 10; i++)
		assert_int_equal(got[i], i != 2 && i != 4);
	tv_lab_down(&lab);
}

static void
test_loss_random(void **state)
{
	struct tv_lab_cfg cfg;
	struct tv_lab lab;
	char got[400];
	int n;

	(void)state;
	NEED_ROOT();
	memset(&cfg, 0, sizeof cfg);
	assert_int_equal(tv_lab_parse(&cfg, "loss", "50%", errbuf), 0);
	lab_up(&lab, &cfg);
	n = udp_run(&lab, AF_INET, 400, got);	/* IPv6: ND would be lost too */
	print_message("50%% loss: %d of 400 datagrams came\n", n);
	assert_in_range(n, 140, 260);
	tv_lab_down(&lab);
}

/* A TCP connection client -> server; *secs how long connect() took.
 * Then `bytes` sent over it, and the seconds until all were read. */
static double
tcp_run(struct tv_lab *lab, double *secs, size_t bytes)
{
	static char buf[65536];
	struct sockaddr_storage ss;
	socklen_t len = server_addr(lab, AF_INET, &ss);
	int lst = lab_sock(lab, TV_LAB_SERVER, AF_INET, SOCK_STREAM, 1);
	int cli = lab_sock(lab, TV_LAB_CLIENT, AF_INET, SOCK_STREAM, 0);
	size_t sent = 0, got = 0;
	double t0;
	int srv;

	assert_int_equal(listen(lst, 4), 0);
	t0 = now();
	assert_int_equal(connect(cli, (void *)&ss, len), 0);
	*secs = now() - t0;
	srv = accept(lst, NULL, NULL);
	assert_true(srv >= 0);
	t0 = now();
	while (got < bytes && now() - t0 < 20) {
		struct pollfd p[2] = { { cli, sent < bytes ? POLLOUT : 0, 0 },
			{ srv, POLLIN, 0 } };
		ssize_t n;

		poll(p, 2, 500);
		if (sent < bytes && (p[0].revents & POLLOUT)) {
			n = send(cli, buf, bytes - sent < sizeof buf ?
			    bytes - sent : sizeof buf, MSG_DONTWAIT);
			if (n > 0)
				sent += (size_t)n;
		}
		if ((n = recv(srv, buf, sizeof buf, MSG_DONTWAIT)) > 0)
			got += (size_t)n;
	}
	close(cli);
	close(srv);
	close(lst);
	assert_true(got == bytes);
	return now() - t0;
}

static void
test_loss_syn(void **state)
{
	struct tv_lab_cfg cfg;
	struct tv_lab lab;
	double secs;

	(void)state;
	NEED_ROOT();
	memset(&cfg, 0, sizeof cfg);
	assert_int_equal(tv_lab_parse(&cfg, "loss", "to-server:#1:syn", errbuf), 0);
	lab_up(&lab, &cfg);
	tcp_run(&lab, &secs, 1000);
	print_message("connect with the first SYN lost: %.2f s\n", secs);
	assert_true(secs >= 0.9 && secs < 5);
	tcp_run(&lab, &secs, 1000);
	assert_true(secs < 0.5);	/* only the first SYN */
	tv_lab_down(&lab);
}

static void
test_rate(void **state)
{
	struct tv_lab_cfg cfg;
	struct tv_lab lab;
	double secs, t;

	(void)state;
	NEED_ROOT();
	memset(&cfg, 0, sizeof cfg);
	lab_up(&lab, &cfg);
	t = tcp_run(&lab, &secs, 200000);
	print_message("200 KB unimpaired: %.2f s\n", t);
	assert_true(t < 1);
	tv_lab_down(&lab);
	assert_int_equal(tv_lab_parse(&cfg, "rate", "to-server:1mbit", errbuf), 0);
	lab_up(&lab, &cfg);
	t = tcp_run(&lab, &secs, 200000);
	print_message("200 KB at 1mbit: %.2f s\n", t);
	assert_true(t >= 1.4 && t < 10);
	tv_lab_down(&lab);
}

static void
test_netem_refused(void **state)
{
	struct tv_lab_cfg cfg;
	struct tv_lab lab;

	(void)state;
	NEED_ROOT();
	if (tv_lab_have_netem()) {
		print_message("skipped: this kernel has netem\n");
		skip();
		return;
	}
	memset(&cfg, 0, sizeof cfg);
	assert_int_equal(tv_lab_parse(&cfg, "delay", "to-client:50", errbuf), 0);
	assert_int_equal(tv_lab_up(&lab, &cfg, errbuf), -1);
	assert_string_equal(errbuf, "tcpviz: --delay needs the kernel's netem "
	    "(sch_netem, CONFIG_NET_SCH_NETEM), which this kernel does not have");
	memset(&cfg, 0, sizeof cfg);
	assert_int_equal(tv_lab_parse(&cfg, "reorder", "5%", errbuf), 0);
	assert_int_equal(tv_lab_up(&lab, &cfg, errbuf), -1);
	assert_string_equal(errbuf, "tcpviz: --reorder needs the kernel's netem "
	    "(sch_netem, CONFIG_NET_SCH_NETEM), which this kernel does not have");
	tv_lab_down(&lab);
}

static void
test_not_root(void **state)
{
	static const char msg[] = "tcpviz: the lab needs root (network "
	    "namespaces, CAP_NET_ADMIN): run it with sudo";
	struct tv_lab lab;
	int st;
	pid_t pid;

	(void)state;
	if (geteuid() != 0) {
		assert_int_equal(tv_lab_up(&lab, NULL, errbuf), -1);
		assert_string_equal(errbuf, msg);
		return;
	}
	if ((pid = fork()) == 0) {
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(2);
		_exit(tv_lab_up(&lab, NULL, errbuf) == -1 &&
		    strcmp(errbuf, msg) == 0 ? 0 : 1);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* ---- which packets a class takes ---- */

static socklen_t server_addr(const struct tv_lab *, int, struct sockaddr_storage *);

/* One short TCP connection client -> server (1000 bytes, then each side
 * closes in turn, 50 ms apart: no segment carries two jobs), and one UDP
 * datagram. */
static void
talk(struct tv_lab *lab, int family)
{
	struct timespec nap = { 0, 50 * 1000000 };
	struct sockaddr_storage ss;
	socklen_t len = server_addr(lab, family, &ss);
	int lst = lab_sock(lab, TV_LAB_SERVER, family, SOCK_STREAM, 1);
	int cli = lab_sock(lab, TV_LAB_CLIENT, family, SOCK_STREAM, 0);
	int u = lab_sock(lab, TV_LAB_CLIENT, family, SOCK_DGRAM, 0);
	char buf[1000] = { 0 };
	size_t got = 0;
	ssize_t n;
	int srv;

	assert_int_equal(listen(lst, 4), 0);
	assert_int_equal(connect(cli, (void *)&ss, len), 0);
	assert_true((srv = accept(lst, NULL, NULL)) >= 0);
	nanosleep(&nap, NULL);
	assert_int_equal(send(cli, buf, sizeof buf, 0), sizeof buf);
	nanosleep(&nap, NULL);
	shutdown(cli, SHUT_WR);
	while (got < 2000 && (n = recv(srv, buf, sizeof buf, 0)) > 0)
		got += (size_t)n;
	assert_int_equal(got, sizeof buf);
	nanosleep(&nap, NULL);
	close(srv);
	assert_int_equal(recv(cli, buf, sizeof buf, 0), 0);
	nanosleep(&nap, NULL);
	close(cli);
	close(lst);
	assert_int_equal(sendto(u, "x", 1, 0, (void *)&ss, len), 1);
	nanosleep(&nap, NULL);
	close(u);
}

/* The packets that reached a direction's class chain (its counter). */
static long
class_count(struct tv_lab *lab, const char *dir)
{
	struct nft_ctx *nft;
	const char *out, *p;
	char cmd[128];
	long n = -1;

	snprintf(cmd, sizeof cmd, "list chain bridge tcpviz_lab %s_class", dir);
	assert_int_equal(tv_lab_enter(lab, TV_LAB_WIRE), 0);
	nft = nft_ctx_new(NFT_CTX_DEFAULT);
	nft_ctx_buffer_output(nft);
	nft_ctx_buffer_error(nft);
	if (nft_run_cmd_from_buffer(nft, cmd) == 0 &&
	    (out = nft_ctx_get_output_buffer(nft)) != NULL &&
	    (p = strstr(out, "packets ")) != NULL)
		n = strtol(p + 8, NULL, 10);
	nft_ctx_free(nft);
	assert_int_equal(tv_lab_leave(lab), 0);
	return n;
}

static void
class_check(const char *what, long srv_lo, long srv_hi, long cli_lo,
    long cli_hi)
{
	struct tv_lab_cfg cfg;
	struct tv_lab lab;
	char arg[64];
	long s, c;

	memset(&cfg, 0, sizeof cfg);
	snprintf(arg, sizeof arg, "#999999999:%s", what);
	assert_int_equal(tv_lab_parse(&cfg, "loss", arg, errbuf), 0);
	lab_up(&lab, &cfg);
	talk(&lab, AF_INET);
	talk(&lab, AF_INET6);
	s = class_count(&lab, "to_server");
	c = class_count(&lab, "to_client");
	print_message("class %s: %ld to the server, %ld to the client\n", what,
	    s, c);
	tv_lab_down(&lab);
	assert_in_range(s, srv_lo, srv_hi);
	assert_in_range(c, cli_lo, cli_hi);
}

/*
 * Each way, per address family: to the server SYN, ACK, data, FIN, ACK
 * and the datagram; to the client SYN-ACK, an ACK or two, FIN.  "all"
 * has IPv6's neighbour discovery too (and ICMP for the datagram).
 */
static void
test_classes(void **state)
{
	(void)state;
	NEED_ROOT();
	class_check("syn", 2, 2, 2, 2);
	class_check("fin", 2, 2, 2, 2);
	class_check("data", 4, 4, 0, 0);
	class_check("ack", 4, 4, 2, 6);
	class_check("all", 12, 16, 6, 14);
}

/* ---- silence ---- */

/* Packets sent and received by ifname in host's namespace. */
static long
if_packets(struct tv_lab *lab, enum tv_lab_host h, const char *ifname)
{
	unsigned long rx, tx, x;
	char line[512], name[64];
	long n = -1;
	FILE *fp;

	assert_int_equal(tv_lab_enter(lab, h), 0);
	fp = fopen("/proc/thread-self/net/dev", "r");
	assert_int_equal(tv_lab_leave(lab), 0);
	assert_non_null(fp);
	while (fgets(line, sizeof line, fp) != NULL)
		if (sscanf(line, " %63[^:]: %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu",
		    name, &x, &rx, &x, &x, &x, &x, &x, &x, &x, &tx) == 11 &&
		    strcmp(name, ifname) == 0)
			n = (long)(rx + tx);
	fclose(fp);
	return n;
}

/* Left alone, the lab says nothing: no DAD, no router solicitation, no
 * MLD or IGMP report (their repeats come within 1 s: wait 2.5 s). */
static void
test_quiet(void **state)
{
	struct timespec nap = { 2, 500 * 1000000 };
	struct tv_lab lab;

	(void)state;
	NEED_ROOT();
	lab_up(&lab, NULL);
	nanosleep(&nap, NULL);
	assert_int_equal(if_packets(&lab, TV_LAB_CLIENT, "eth0"), 0);
	assert_int_equal(if_packets(&lab, TV_LAB_SERVER, "eth0"), 0);
	assert_int_equal(if_packets(&lab, TV_LAB_WIRE, "c0"), 0);
	assert_int_equal(if_packets(&lab, TV_LAB_WIRE, "s0"), 0);
	tv_lab_down(&lab);
}

/* ---- teardown ---- */

/* Does any process or thread hold a netns of inode ino? */
static int
ns_held(ino_t ino)
{
	char path[600];
	struct dirent *p, *t;
	struct stat st;
	DIR *d = opendir("/proc"), *td;
	int held = 0;

	assert_non_null(d);
	while (!held && (p = readdir(d)) != NULL) {
		if (p->d_name[0] < '0' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/ns/net", p->d_name);
		if (stat(path, &st) == 0 && st.st_ino == ino)
			held = 1;
		snprintf(path, sizeof path, "/proc/%s/task", p->d_name);
		if ((td = opendir(path)) == NULL)
			continue;
		while (!held && (t = readdir(td)) != NULL) {
			snprintf(path, sizeof path, "/proc/%s/task/%s/ns/net",
			    p->d_name, t->d_name);
			if (t->d_name[0] != '.' && stat(path, &st) == 0 &&
			    st.st_ino == ino)
				held = 1;
		}
		closedir(td);
	}
	closedir(d);
	return held;
}

static void
test_teardown(void **state)
{
	struct tv_lab lab;
	unsigned eth0 = if_nametoindex("eth0");
	ino_t ino[3];
	char *sleeper[] = { "sleep", "30", NULL };
	int h;

	(void)state;
	NEED_ROOT();
	lab_up(&lab, NULL);
	for (h = 0; h < 3; h++)
		ino[h] = ns_ino(lab.ns[h]);
	assert_true(tv_lab_spawn(&lab, TV_LAB_SERVER, sleeper, NULL, 65534,
	    65534, errbuf) > 0);
	assert_true(ns_held(ino[TV_LAB_SERVER]));
	tv_lab_down(&lab);
	for (h = 0; h < 3; h++)
		assert_false(ns_held(ino[h]));
	assert_int_equal(if_nametoindex("c0"), 0);
	assert_int_equal(if_nametoindex("s0"), 0);
	assert_int_equal(if_nametoindex("br0"), 0);
	assert_int_equal(if_nametoindex("eth0"), eth0);
}

static void
test_killed(void **state)
{
	ino_t ino[3];
	int p[2], h, held = 1, t;
	pid_t pid;

	(void)state;
	NEED_ROOT();
	assert_int_equal(pipe(p), 0);
	if ((pid = fork()) == 0) {
		struct tv_lab lab;
		char *sleeper[] = { "sleep", "30", NULL };

		close(p[0]);
		if (tv_lab_up(&lab, NULL, errbuf) < 0 ||
		    tv_lab_spawn(&lab, TV_LAB_CLIENT, sleeper, NULL, 0, 0,
		    errbuf) < 0)
			_exit(1);
		for (h = 0; h < 3; h++)
			ino[h] = ns_ino(lab.ns[h]);
		if (write(p[1], ino, sizeof ino) != sizeof ino)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	assert_int_equal(read(p[0], ino, sizeof ino), sizeof ino);
	close(p[0]);
	assert_true(ns_held(ino[TV_LAB_CLIENT]));
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	/* the sleeper gets its SIGKILL at once; give it 2 s to go */
	for (t = 0; t < 200 && held; t++) {
		held = 0;
		for (h = 0; h < 3; h++)
			held |= ns_held(ino[h]);
		if (held)
			usleep(10000);
	}
	assert_false(held);
}

/* ---- programs in the lab ---- */

static void
test_spawn(void **state)
{
	struct tv_lab lab;
	char *bad[] = { "tcpviz-no-such-program", NULL };
	char *ok[] = { "sh", "-c", "test \"$LABVAR\" = 1 && "
	    "test $(id -u) = 65534 && test \"$(id -G)\" = 65534", NULL };
	char *env[] = { "LABVAR=1", NULL };
	int st;
	pid_t pid;

	(void)state;
	NEED_ROOT();
	lab_up(&lab, NULL);
	assert_int_equal(tv_lab_spawn(&lab, TV_LAB_CLIENT, bad, NULL, 0, 0,
	    errbuf), -1);
	assert_string_equal(errbuf, "tcpviz: cannot run tcpviz-no-such-program: "
	    "No such file or directory");
	pid = tv_lab_spawn(&lab, TV_LAB_CLIENT, ok, env, 65534, 65534, errbuf);
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	lab.nkids = 0;		/* reaped here */
	tv_lab_down(&lab);
}

/* ---- capture ---- */

static void
test_capture(void **state)
{
	struct tv_live_opts lo = { .timeout_ms = 50 };
	struct tv_lab lab;
	struct tv_cap *cap;
	struct tv_rec rec;
	char got[3];
	int err, match, n = 0;
	double t0;

	(void)state;
	NEED_ROOT();
	lab_up(&lab, NULL);
	cap = tv_lab_capture(&lab, TV_LAB_SERVER, &lo, "udp", &err, errbuf);
	if (cap == NULL)
		fail_msg("%s", errbuf);
	assert_int_equal(udp_run(&lab, AF_INET, 3, got), 3);
	t0 = now();
	while (n < 3 && now() - t0 < 3)
		if (tv_cap_next(cap, &rec, &match, errbuf) == TV_CAP_PACKET && match)
			n++;
	tv_cap_close(cap);
	tv_lab_down(&lab);
	assert_int_equal(n, 3);
}

/* tv_lab_have_netem() agrees with the kernel's configuration. */
static void
test_have_netem(void **state)
{
	char line[128];
	int in_config = 0;
	FILE *fp;

	(void)state;
	NEED_ROOT();
	if (access("/proc/config.gz", R_OK) != 0 ||
	    (fp = popen("zcat /proc/config.gz 2>/dev/null", "r")) == NULL) {
		print_message("skipped: no /proc/config.gz to compare with\n");
		skip();
		return;
	}
	while (fgets(line, sizeof line, fp) != NULL)
		if (strcmp(line, "CONFIG_NET_SCH_NETEM=y\n") == 0)
			in_config = 1;
	pclose(fp);
	print_message("netem: %d (built in: %d)\n", tv_lab_have_netem(), in_config);
	if (in_config)
		assert_true(tv_lab_have_netem());
	else if (tv_lab_have_netem() == 0)
		assert_false(in_config);
}

/* ---- nothing reaches the host ---- */

static int
lab_addr(const uint8_t *ip, size_t n, int proto)
{
	static const uint8_t net6[8] = { 0xfd, 0x54, 0x76, 0x69, 0x7a, 0x00, 0, 0 };

	if (proto == ETH_P_IP && n >= 20)
		return (ip[12] == 192 && ip[13] == 0 && ip[14] == 2) ||
		    (ip[16] == 192 && ip[17] == 0 && ip[18] == 2);
	if (proto == ETH_P_IPV6 && n >= 40)
		return memcmp(ip + 8, net6, 8) == 0 || memcmp(ip + 24, net6, 8) == 0;
	return 0;
}

static void
home_datagram(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(PORT) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(sendto(fd, "x", 1, 0, (void *)&a, sizeof a), 1);
	close(fd);
}

static void
test_no_leak(void **state)
{
	struct tv_lab_cfg cfg;
	struct tv_lab lab;
	struct sockaddr_ll from;
	socklen_t fl;
	uint8_t frame[2048];
	char got[50];
	ssize_t n;
	int ps, seen = 0, frames = 0;
	double t0;

	(void)state;
	NEED_ROOT();
	ps = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK, htons(ETH_P_ALL));
	assert_true(ps >= 0);
	memset(&cfg, 0, sizeof cfg);
	assert_int_equal(tv_lab_parse(&cfg, "rate", "100mbit", errbuf), 0);
	assert_int_equal(tv_lab_parse(&cfg, "loss", "#1000", errbuf), 0);
	lab_up(&lab, &cfg);
	assert_int_equal(udp_run(&lab, AF_INET, 50, got), 50);
	assert_int_equal(udp_run(&lab, AF_INET6, 50, got), 50);
	tv_lab_down(&lab);
	home_datagram();	/* one the socket must see */
	t0 = now();
	while (now() - t0 < 2 && frames < 100000) {
		fl = sizeof from;
		n = recvfrom(ps, frame, sizeof frame, 0, (void *)&from, &fl);
		if (n < 0)
			break;
		frames++;
		seen += lab_addr(frame, (size_t)n, ntohs(from.sll_protocol));
	}
	close(ps);
	print_message("the host saw %d frames, %d of the lab's\n", frames, seen);
	assert_true(frames >= 1);
	assert_int_equal(seen, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_not_root),
		cmocka_unit_test(test_up_down),
		cmocka_unit_test(test_quiet),
		cmocka_unit_test(test_loss_nth),
		cmocka_unit_test(test_loss_random),
		cmocka_unit_test(test_loss_syn),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_have_netem),
		cmocka_unit_test(test_netem_refused),
		cmocka_unit_test(test_capture),
		cmocka_unit_test(test_spawn),
		cmocka_unit_test(test_teardown),
		cmocka_unit_test(test_killed),
		cmocka_unit_test(test_no_leak),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
