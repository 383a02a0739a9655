/* \summary: tcpviz-craft: hand-built TCP segments on raw sockets, loopback only (syn, flood, handshake) */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "tv_craft.h"
#include "tv_msg.h"
#include "tv_nl.h"
#include "tv_decode.h"

#define PROG		"tcpviz-craft"
#define COUNT_MAX	1000
#define INTERVAL_MIN	1
#define TOTAL_MAX_MS	30000		/* (count-1) * interval + timeout + hold */
#define TIMEOUT_DEFAULT	1000
#define SEQ_DEFAULT	1000		/* the textbook diagram's ISN */
#define WIN_DEFAULT	65535
#define FLOOD_DEFAULT	100
#define FLOOD_IVL	5
#define KERNEL_RST_MS	200		/* syn: how long to watch for our kernel's RST */
#define NFT_TIMEOUT_MS	5000
#define CRAFT_MARK	0x74766372u	/* "tvcr": our own segments pass the nft rule */
#define TABLE_PREFIX	"tcpviz_craft_"
#define RCVBUF		(4 << 20)

enum mode { MODE_SYN, MODE_FLOOD, MODE_HANDSHAKE };

static const char *const mode_names[] = {
	[MODE_SYN] = "syn",
	[MODE_FLOOD] = "flood",
	[MODE_HANDSHAKE] = "handshake",
};

/* Exit statuses (tcpviz-craft(1) in docs/crafter.md). */
enum { EX_ANSWER = 0, EX_ERROR = 1, EX_NOANSWER = 2 };

/* The command line, checked in full before any socket is opened. */
static struct {
	enum mode mode;
	struct tv_addr dst;
	uint16_t dport;
	long src_port;			/* -1: reserve one from the kernel */
	uint32_t seq;
	uint32_t ack;
	int have_ack;
	uint8_t flags;
	int have_flags;
	uint16_t win;
	long mss, wscale;		/* -1: not sent */
	int sackok;
	int have_ts;
	uint32_t ts;
	const char *data;
	size_t datalen;
	long count, interval, timeout, hold;
	int have_count, have_interval;
	int quiet;
} opt;

/*
 * What has to be undone on the way out, whatever the way: the nft table,
 * an established connection (reset), the sockets.  Signals only set
 * `stop`; every wait is a bounded poll() that then returns.
 */
static struct {
	volatile sig_atomic_t stop;	/* the signal that asked us to stop */
	char table[64];			/* "tcpviz_craft_<pid>" */
	int table_added;
	char ruleset_family[8];
} run = { .stop = 0 };

/* The raw socket and both ends of the conversation. */
struct link {
	int fd;
	int family;			/* 4 or 6 */
	struct tv_addr src, dst;
	uint16_t dport;
	uint16_t *ports;		/* our source ports */
	char nl_err[TV_NL_ERRBUF_SIZE];	/* why the backlog could not be read */
	size_t nports;
	int *resv;			/* sockets holding those ports */
	size_t nresv;
	uint16_t ip_id;
	unsigned rst_sent, rst_seen;	/* RSTs we sent / saw leaving from our ports */
	int marked;
};

static int16_t port_slot[65536];	/* port -> index + 1 in link.ports */

/* one line on stderr: an error (returns EX_ERROR), or a remark */
#define fail(...) tv_msg_fail(PROG, EX_ERROR, __VA_ARGS__)
#define note(...) tv_msg_say(PROG, __VA_ARGS__)



static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
on_signal(int sig)
{
	if (!run.stop)
		run.stop = sig;
}

static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll() returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);	/* the watchdog, see main() */
	signal(SIGPIPE, SIG_IGN);
}

/* ---- nft: a table of our own, added and always removed ---- */

static const char *const nft_paths[] = {
	"/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft", "/bin/nft",
	"/usr/local/sbin/nft", NULL
};

static void
append(char *buf, size_t size, size_t *len, const char *s, size_t n)
{
	if (*len + 1 >= size)
		return;
	if (n > size - 1 - *len)
		n = size - 1 - *len;
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = '\0';
}

/*
 * Run `nft -f -` (posix_spawn, no shell) with `input` on its stdin.  Its
 * stdout goes to out (outsize bytes, may be NULL), its stderr to errbuf.
 * nft runs in a process group of its own, so a terminal's ^C reaches only
 * us, and is killed after NFT_TIMEOUT_MS.  Returns 0 when it exited 0.
 */
static int
run_nft(const char *input, char *out, size_t outsize, char *errbuf,
    size_t errsize)
{
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
		"LC_ALL=C", NULL };
	char *const argv[] = { "nft", "-f", "-", NULL };
	int in[2] = { -1, -1 }, o[2] = { -1, -1 }, e[2] = { -1, -1 };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dfl;
	const char *path = NULL;
	size_t ilen = strlen(input), ioff = 0, olen = 0, elen = 0;
	int64_t deadline;
	pid_t pid;
	int i, rc, status;

	if (out && outsize)
		out[0] = '\0';
	errbuf[0] = '\0';
	for (i = 0; nft_paths[i]; i++)
		if (access(nft_paths[i], X_OK) == 0) {
			path = nft_paths[i];
			break;
		}
	if (path == NULL) {
		snprintf(errbuf, errsize, "nft not found (apt-get install nftables)");
		return -1;
	}
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(o, O_CLOEXEC) < 0 ||
	    pipe2(e, O_CLOEXEC) < 0) {
		snprintf(errbuf, errsize, "pipe: %s", strerror(errno));
		for (i = 0; i < 2; i++) {
			if (in[i] >= 0) close(in[i]);
			if (o[i] >= 0) close(o[i]);
			if (e[i] >= 0) close(e[i]);
		}
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, o[1], 1);
	posix_spawn_file_actions_adddup2(&fa, e[1], 2);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGHUP);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGALRM);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	rc = posix_spawn(&pid, path, &fa, &at, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(in[0]);
	close(o[1]);
	close(e[1]);
	if (rc != 0) {
		close(in[1]);
		close(o[0]);
		close(e[0]);
		snprintf(errbuf, errsize, "%s: %s", path, strerror(rc));
		return -1;
	}
	fcntl(in[1], F_SETFL, O_NONBLOCK);

	/* feed stdin and drain stdout and stderr together: no pipe can fill */
	deadline = now_ms() + NFT_TIMEOUT_MS;
	while (in[1] >= 0 || o[0] >= 0 || e[0] >= 0) {
		struct pollfd pf[3] = {
			{ .fd = in[1], .events = POLLOUT },
			{ .fd = o[0], .events = POLLIN },
			{ .fd = e[0], .events = POLLIN },
		};
		int64_t left = deadline - now_ms();
		char b[4096];
		ssize_t n;

		if (ilen == 0 && in[1] >= 0) {
			close(in[1]);
			in[1] = pf[0].fd = -1;
			continue;
		}
		if (left <= 0) {
			kill(pid, SIGKILL);
			snprintf(errbuf, errsize, "nft did not finish in %d ms",
			    NFT_TIMEOUT_MS);
			break;
		}
		if (poll(pf, 3, (int)left) < 0) {
			if (errno == EINTR)
				continue;	/* a signal: finish this nft anyway */
			kill(pid, SIGKILL);
			snprintf(errbuf, errsize, "poll: %s", strerror(errno));
			break;
		}
		if (pf[0].revents) {
			n = write(in[1], input + ioff, ilen - ioff);
			if (n > 0)
				ioff += (size_t)n;
			if ((n < 0 && errno != EAGAIN && errno != EINTR) ||
			    ioff == ilen) {
				close(in[1]);
				in[1] = -1;
			}
		}
		for (i = 1; i < 3; i++) {
			if (!pf[i].revents)
				continue;
			n = read(pf[i].fd, b, sizeof(b));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(pf[i].fd);
				if (i == 1)
					o[0] = -1;
				else
					e[0] = -1;
				continue;
			}
			if (i == 1 && out)
				append(out, outsize, &olen, b, (size_t)n);
			else if (i == 2)
				append(errbuf, errsize, &elen, b, (size_t)n);
		}
	}
	if (in[1] >= 0)
		close(in[1]);
	if (o[0] >= 0)
		close(o[0]);
	if (e[0] >= 0)
		close(e[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(errbuf, errsize, "waitpid: %s", strerror(errno));
			return -1;
		}
	/* one line of nft's complaint is enough for a message */
	errbuf[strcspn(errbuf, "\n")] = '\0';
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (errbuf[0] == '\0')
		snprintf(errbuf, errsize, "nft exited with status %d",
		    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return -1;
}

/*
 * Tables named tcpviz_craft_<pid> whose process is gone were left by a
 * run that was killed with SIGKILL (nothing else skips the cleanup).
 * Remove them, so a crash never leaves RSTs suppressed for long.
 */
static void
reap_stale_tables(void)
{
	char out[8192], err[512], cmd[128];
	char *line, *save = NULL;

	if (run_nft("list tables\n", out, sizeof(out), err, sizeof(err)) < 0)
		return;
	for (line = strtok_r(out, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		char fam[16], name[64];
		long pid;
		char *end;

		if (sscanf(line, "table %15s %63s", fam, name) != 2 ||
		    strncmp(name, TABLE_PREFIX, strlen(TABLE_PREFIX)) != 0)
			continue;
		pid = strtol(name + strlen(TABLE_PREFIX), &end, 10);
		if (*end != '\0' || pid <= 0 || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(cmd, sizeof(cmd), "delete table %s %s\n", fam, name);
		if (run_nft(cmd, NULL, 0, err, sizeof(err)) == 0)
			note("removed table %s %s, left by a run that no longer "
			    "exists", fam, name);
	}
}

/*
 * Our own table: one output-hook rule that drops RSTs from our source
 * port(s) to the destination port, loopback addresses on both sides,
 * unless they carry CRAFT_MARK (segments we send ourselves).  Those RSTs
 * are the crafting kernel's answer to a SYN-ACK no socket owns.
 */
static int
nft_add(const struct link *L)
{
	char *rs, err[512], a_src[TV_ADDRSTRLEN], a_dst[TV_ADDRSTRLEN];
	size_t size = 2048 + L->nports * 8, len;
	const char *ipk = L->family == 4 ? "ip" : "ip6";
	size_t i;
	int rc;

	if ((rs = malloc(size)) == NULL)
		return fail("out of memory");
	snprintf(run.table, sizeof(run.table), TABLE_PREFIX "%ld", (long)getpid());
	tv_addr_str(&L->src, a_src, sizeof(a_src));
	tv_addr_str(&L->dst, a_dst, sizeof(a_dst));
	/* "add" then "delete" clears a table of the same name, then build it:
	 * all in one nft transaction, applied whole or not at all */
	len = (size_t)snprintf(rs, size,
	    "add table inet %s\n"
	    "delete table inet %s\n"
	    "table inet %s {\n"
	    "\tchain output {\n"
	    "\t\ttype filter hook output priority filter; policy accept;\n"
	    "\t\tmeta mark != 0x%08x %s saddr %s %s daddr %s tcp sport ",
	    run.table, run.table, run.table, CRAFT_MARK, ipk, a_src, ipk, a_dst);
	if (L->nports == 1) {
		len += (size_t)snprintf(rs + len, size - len, "%u", L->ports[0]);
	} else {
		len += (size_t)snprintf(rs + len, size - len, "{ ");
		for (i = 0; i < L->nports; i++)
			len += (size_t)snprintf(rs + len, size - len, "%s%u",
			    i ? ", " : "", L->ports[i]);
		len += (size_t)snprintf(rs + len, size - len, " }");
	}
	snprintf(rs + len, size - len,
	    " tcp dport %u tcp flags & rst == rst counter drop"
	    " comment \"tcpviz-craft pid %ld: our kernel's RSTs for the crafted"
	    " connection\"\n"
	    "\t}\n"
	    "}\n", L->dport, (long)getpid());
	rc = run_nft(rs, NULL, 0, err, sizeof(err));
	free(rs);
	if (rc < 0)
		return fail("adding nft table inet %s: %s", run.table, err);
	run.table_added = 1;
	if (!opt.quiet)
		note("nft table inet %s drops our kernel's RSTs from port%s %u%s "
		    "to %u for this run", run.table, L->nports > 1 ? "s" : "",
		    L->ports[0], L->nports > 1 ? "..." : "", L->dport);
	return 0;
}

/* Remove our table if we added it.  Returns 0 or -1 (message printed). */
static int
nft_remove(void)
{
	char cmd[128], err[512];

	if (!run.table_added)
		return 0;
	snprintf(cmd, sizeof(cmd), "delete table inet %s\n", run.table);
	if (run_nft(cmd, NULL, 0, err, sizeof(err)) < 0) {
		fail("removing nft table inet %s: %s (remove it with: nft delete "
		    "table inet %s)", run.table, err, run.table);
		return -1;
	}
	run.table_added = 0;
	return 0;
}

/* ---- addresses, ports and the raw socket ---- */

static void
to_sockaddr(const struct tv_addr *a, uint16_t port, struct sockaddr_storage *ss,
    socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == 4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, a->a, 4);
		*len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, a->a, 16);
		*len = sizeof(*s6);
	}
}

static void
from_sockaddr(const struct sockaddr_storage *ss, struct tv_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (ss->ss_family == AF_INET) {
		a->family = 4;
		memcpy(a->a, &((const struct sockaddr_in *)ss)->sin_addr, 4);
	} else if (ss->ss_family == AF_INET6) {
		a->family = 6;
		memcpy(a->a, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
	}
}

static int
addr_eq(const struct tv_addr *x, const struct tv_addr *y)
{
	return x->family == y->family && memcmp(x->a, y->a, 16) == 0;
}

/* A numeric address into a; 0, or -1 when it is neither IPv4 nor IPv6. */
static int
parse_addr(const char *s, struct tv_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->a) == 1) {
		a->family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->a) == 1) {
		a->family = 6;
		return 0;
	}
	return -1;
}

/* The source address the kernel would use towards dst (a UDP connect() sends nothing). */
static int
pick_source(struct link *L)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	to_sockaddr(&L->dst, L->dport, &ss, &len);
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail("socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		close(fd);
		return fail("no route to the destination: %s", strerror(errno));
	}
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		close(fd);
		return fail("getsockname: %s", strerror(errno));
	}
	close(fd);
	from_sockaddr(&ss, &L->src);
	if (!tv_craft_dest_allowed(&L->src))
		return fail("the kernel picked a source address that is not "
		    "loopback; refusing");
	return 0;
}

/*
 * Hold `port` (0: any free one) on our source address with a bound TCP
 * socket that neither listens nor connects: no ephemeral connect() can
 * take the port during the run, yet no socket owns the crafted
 * connection, so the kernel still answers a SYN-ACK with RST.  Returns
 * the port, or -1 with errno.
 */
static int
reserve_port(struct link *L, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	to_sockaddr(&L->src, port, &ss, &len);
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	L->resv[L->nresv++] = fd;
	return ntohs(ss.ss_family == AF_INET ?
	    ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* Room for n more descriptors (flood holds one per source port). */
static void
raise_nofile(size_t n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= n + 64)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > n + 64 ?
	    n + 64 : rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

/* The source ports: --src-port (+ i for a flood) or ones the kernel hands us. */
static int
choose_ports(struct link *L, size_t n)
{
	size_t i;
	int p;

	L->ports = calloc(n, sizeof(*L->ports));
	L->resv = calloc(n, sizeof(*L->resv));
	if (L->ports == NULL || L->resv == NULL)
		return fail("out of memory");
	raise_nofile(n);
	for (i = 0; i < n; i++) {
		if (opt.src_port >= 0) {
			if (opt.src_port + (long)i > 65535)
				return fail("--src-port %ld + %zu SYNs runs past port "
				    "65535", opt.src_port, n);
			L->ports[i] = (uint16_t)(opt.src_port + (long)i);
			if (reserve_port(L, L->ports[i]) < 0)
				note("port %u is in use by a local socket (%s); "
				    "answers may go to it", L->ports[i],
				    strerror(errno));
		} else {
			if ((p = reserve_port(L, 0)) < 0)
				return fail("reserving a source port: %s",
				    strerror(errno));
			L->ports[i] = (uint16_t)p;
		}
		if (L->ports[i] == L->dport)
			return fail("source port %u is the destination port",
			    L->dport);
		if (port_slot[L->ports[i]])
			return fail("source port %u twice", L->ports[i]);
		port_slot[L->ports[i]] = (int16_t)(i + 1);
		L->nports++;
	}
	return 0;
}

/* The raw socket that sends our segments and sees every TCP segment arrive. */
static int
open_raw(struct link *L, int mark)
{
	int on = 1, rcv = RCVBUF;
	unsigned m = CRAFT_MARK;

	L->fd = socket(L->family == 4 ? AF_INET : AF_INET6,
	    SOCK_RAW | SOCK_CLOEXEC, IPPROTO_TCP);
	if (L->fd < 0) {
		if (errno == EPERM || errno == EACCES)
			return fail("raw sockets need root or CAP_NET_RAW (try "
			    "sudo %s)", PROG);
		return fail("raw socket: %s", strerror(errno));
	}
	setsockopt(L->fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (L->family == 4) {
		/* we write the IPv4 header ourselves */
		if (setsockopt(L->fd, IPPROTO_IP, IP_HDRINCL, &on, sizeof(on)) < 0)
			return fail("IP_HDRINCL: %s", strerror(errno));
	} else {
		struct sockaddr_storage ss;
		socklen_t len;

		/* the kernel writes the IPv6 header from the bound source;
		 * our checksum covers that source, so pin it */
		if (setsockopt(L->fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
		    sizeof(on)) < 0)
			return fail("IPV6_RECVPKTINFO: %s", strerror(errno));
		to_sockaddr(&L->src, 0, &ss, &len);
		if (bind(L->fd, (struct sockaddr *)&ss, len) < 0)
			return fail("binding the raw socket: %s", strerror(errno));
	}
	if (mark && setsockopt(L->fd, SOL_SOCKET, SO_MARK, &m, sizeof(m)) < 0)
		return fail("SO_MARK (needs CAP_NET_ADMIN): %s", strerror(errno));
	L->marked = mark;
	return 0;
}

/* ---- printing ---- */

static void
opts_str(const struct tv_pkt *p, char *b, size_t size)
{
	size_t n = 0;
	int first = 1, i;

	b[0] = '\0';
	if (!p->opt_mask)
		return;
#define ADD(...) do { \
		n += (size_t)snprintf(b + n, n < size ? size - n : 0, "%s", \
		    first ? " <" : ","); \
		n += (size_t)snprintf(b + n, n < size ? size - n : 0, __VA_ARGS__); \
		first = 0; \
	} while (0)
	if (p->opt_mask & TV_OPT_MSS)
		ADD("mss %u", p->mss);
	if (p->opt_mask & TV_OPT_SACK_OK)
		ADD("sackOK");
	if (p->opt_mask & TV_OPT_TS)
		ADD("TS val %u ecr %u", p->ts_val, p->ts_ecr);
	if (p->opt_mask & TV_OPT_WSCALE)
		ADD("wscale %u", p->wscale);
	if (p->opt_mask & TV_OPT_SACK)
		for (i = 0; i < p->nsack; i++)
			ADD("sack %u:%u", p->sack[i][0], p->sack[i][1]);
#undef ADD
	if (n < size)
		snprintf(b + n, size - n, ">");
}

/* `"hello"` for up to 32 payload bytes, other bytes as \xNN. */
static void
data_str(const uint8_t *d, size_t len, char *b, size_t size)
{
	size_t i, n = 0, shown = len < 32 ? len : 32;

	b[0] = '\0';
	if (d == NULL || len == 0)
		return;
	n += (size_t)snprintf(b, size, " \"");
	for (i = 0; i < shown && n + 6 < size; i++) {
		if (d[i] >= 0x20 && d[i] < 0x7f && d[i] != '"' && d[i] != '\\')
			b[n++] = (char)d[i];
		else
			n += (size_t)snprintf(b + n, size - n, "\\x%02x", d[i]);
	}
	snprintf(b + n, size - n, "\"%s", shown < len ? "..." : "");
}

/* "sent  127.0.0.1:40000 > 127.0.0.1:8000 S seq=1000 win=65535 <mss 1460>  (note)" */
static void
print_seg(const char *tag, const struct tv_pkt *p, const uint8_t *data,
    const char *fmt, ...)
{
	char s[TV_ENDPOINTSTRLEN], d[TV_ENDPOINTSTRLEN], fl[12], os[160];
	char ds[160], nb[200] = "";
	va_list ap;

	if (opt.quiet)
		return;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(nb, sizeof(nb), fmt, ap);
		va_end(ap);
	}
	opts_str(p, os, sizeof(os));
	data_str(data, p->len, ds, sizeof(ds));
	printf("%-5s %s > %s %s seq=%u", tag,
	    tv_endpoint_str(&p->src, p->sport, s, sizeof(s)),
	    tv_endpoint_str(&p->dst, p->dport, d, sizeof(d)),
	    tv_flags_letters(p->flags, fl, sizeof(fl)), p->seq);
	if (p->flags & TV_TH_ACK)
		printf(" ack=%u", p->ack);
	printf(" win=%u", p->win);
	if (p->len)
		printf(" len=%u", p->len);
	printf("%s%s%s%s%s\n", os, ds, nb[0] ? "  (" : "", nb, nb[0] ? ")" : "");
}

/* ---- sending and receiving ---- */

/* A segment of ours from port index i, options as on the command line. */
static void
seg_init(const struct link *L, size_t i, struct tv_craft_seg *s)
{
	memset(s, 0, sizeof(*s));
	s->src = L->src;
	s->dst = L->dst;
	s->sport = L->ports[i];
	s->dport = L->dport;
	s->win = opt.win;
	s->df = 1;
}

/* SYN options from the command line. */
static void
seg_syn_opts(struct tv_craft_seg *s)
{
	if (opt.mss >= 0) {
		s->opt_mask |= TV_OPT_MSS;
		s->mss = (uint16_t)opt.mss;
	}
	if (opt.wscale >= 0) {
		s->opt_mask |= TV_OPT_WSCALE;
		s->wscale = (uint8_t)opt.wscale;
	}
	if (opt.sackok)
		s->opt_mask |= TV_OPT_SACK_OK;
	if (opt.have_ts) {
		s->opt_mask |= TV_OPT_TS;
		s->ts_val = opt.ts;
	}
}

/*
 * Build s, send it, print it as it went out (decoded back from the bytes
 * we built: tv_decode for IPv4, tv_craft_parse_tcp for IPv6).
 */
static int
send_seg(struct link *L, struct tv_craft_seg *s, const char *fmt, ...)
{
	uint8_t buf[TV_CRAFT_BUF];
	struct sockaddr_storage ss;
	struct tv_pkt p;
	socklen_t slen;
	char nb[200] = "";
	va_list ap;
	int n;

	if (L->family == 4) {
		s->ip_id = L->ip_id++;
		if (s->ip_id == 0)	/* 0 would make the kernel pick one */
			s->ip_id = L->ip_id++;
		n = tv_craft_ipv4(s, buf, sizeof(buf));
	} else {
		n = tv_craft_tcp(s, buf, sizeof(buf));
	}
	if (n < 0)
		return fail("building the segment failed");
	to_sockaddr(&L->dst, 0, &ss, &slen);
	while (sendto(L->fd, buf, (size_t)n, 0, (struct sockaddr *)&ss, slen) < 0) {
		if (errno == EINTR)
			continue;
		return fail("sendto: %s", strerror(errno));
	}
	if (s->flags & TV_TH_RST)
		L->rst_sent++;
	memset(&p, 0, sizeof(p));
	if (L->family == 4) {
		tv_decode(TV_LINK_IPV4, buf, (uint32_t)n, (uint32_t)n, &p);
	} else {
		tv_craft_parse_tcp(buf, (size_t)n, &p);
		p.src = s->src;
		p.dst = s->dst;
	}
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(nb, sizeof(nb), fmt, ap);
		va_end(ap);
	}
	print_seg("sent", &p, s->data, nb[0] ? "%s" : NULL, nb);
	return 0;
}

enum dir { DIR_FROM_SERVER, DIR_FROM_US };

struct seg_in {
	struct tv_pkt p;
	enum dir dir;
	size_t port_i;			/* which of our ports */
	uint8_t data[TV_CRAFT_DATA_MAX];	/* up to this much payload kept */
	size_t datalen;
};

/*
 * The next segment between our ports and the destination port, either
 * way, waiting until `deadline` (now_ms() time).  Returns 1 with *in
 * filled, 0 at the deadline, -1 on an error (printed), or -2 when a
 * signal asked us to stop.
 */
static int
recv_seg(struct link *L, int64_t deadline, struct seg_in *in)
{
	static uint8_t buf[65536];

	for (;;) {
		struct pollfd pf = { .fd = L->fd, .events = POLLIN };
		struct tv_pkt *p = &in->p;
		int64_t left;
		ssize_t n;
		size_t off;

		if (run.stop)
			return -2;
		left = deadline - now_ms();
		if (left < 0)
			left = 0;
		if (poll(&pf, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			fail("poll: %s", strerror(errno));
			return -1;
		}
		if (!(pf.revents & POLLIN)) {
			if (now_ms() >= deadline)
				return 0;
			continue;
		}
		memset(p, 0, sizeof(*p));
		if (L->family == 4) {
			n = recv(L->fd, buf, sizeof(buf), 0);
			if (n < 0) {
				if (errno == EINTR || errno == EAGAIN)
					continue;
				fail("recv: %s", strerror(errno));
				return -1;
			}
			/* the buffer starts with the IPv4 header */
			if (tv_decode(TV_LINK_IPV4, buf, (uint32_t)n, (uint32_t)n,
			    p) != 0 || p->proto != 6 || p->truncated)
				continue;
		} else {
			struct sockaddr_storage from;
			union {
				char b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
				struct cmsghdr align;
			} ctl;
			struct iovec iov = { buf, sizeof(buf) };
			struct msghdr mh = {
				.msg_name = &from, .msg_namelen = sizeof(from),
				.msg_iov = &iov, .msg_iovlen = 1,
				.msg_control = ctl.b, .msg_controllen = sizeof(ctl.b),
			};
			struct cmsghdr *cm;

			n = recvmsg(L->fd, &mh, 0);
			if (n < 0) {
				if (errno == EINTR || errno == EAGAIN)
					continue;
				fail("recvmsg: %s", strerror(errno));
				return -1;
			}
			/* no IPv6 header here: the buffer is the TCP segment */
			if (tv_craft_parse_tcp(buf, (size_t)n, p) < 0)
				continue;
			from_sockaddr(&from, &p->src);
			p->dst.family = 0;
			for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
				if (cm->cmsg_level == IPPROTO_IPV6 &&
				    cm->cmsg_type == IPV6_PKTINFO) {
					struct in6_pktinfo pi;

					memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
					p->dst.family = 6;
					memcpy(p->dst.a, &pi.ipi6_addr, 16);
				}
		}
		if (addr_eq(&p->src, &L->dst) && p->sport == L->dport &&
		    addr_eq(&p->dst, &L->src) && port_slot[p->dport]) {
			in->dir = DIR_FROM_SERVER;
			in->port_i = (size_t)port_slot[p->dport] - 1;
		} else if (addr_eq(&p->src, &L->src) && port_slot[p->sport] &&
		    addr_eq(&p->dst, &L->dst) && p->dport == L->dport) {
			in->dir = DIR_FROM_US;
			in->port_i = (size_t)port_slot[p->sport] - 1;
		} else {
			continue;
		}
		/* the payload is the last len bytes of what the socket gave */
		in->datalen = 0;
		if (p->len > 0 && p->len <= (size_t)n) {
			off = (size_t)n - p->len;
			in->datalen = p->len < sizeof(in->data) ? p->len :
			    sizeof(in->data);
			memcpy(in->data, buf + off, in->datalen);
		}
		return 1;
	}
}

/*
 * Segments leaving from our ports that we did not send: on loopback the
 * raw socket sees our own segments come back in, and also the kernel's
 * RSTs (more RSTs than we sent).  Prints the kernel's; returns 1 for one.
 */
static int
from_us(struct link *L, const struct seg_in *in)
{
	if (!(in->p.flags & TV_TH_RST))
		return 0;
	if (++L->rst_seen <= L->rst_sent)
		return 0;
	L->rst_seen = L->rst_sent;
	print_seg("kernel", &in->p, NULL,
	    "our kernel: no socket owns this connection");
	return 1;
}

/* ---- syn: one segment (or count of them) and what came back ---- */

static int
mode_syn(struct link *L)
{
	struct tv_craft_seg s;
	struct seg_in in;
	char what[40] = "", ep[TV_ENDPOINTSTRLEN];
	int64_t start = now_ms(), until, grace = 0;
	long i;
	int r = 0, synack = 0, rst = 0, other = 0, kernel_rst = 0;
	int sent_syn = (opt.flags & TV_TH_SYN) && !(opt.flags & TV_TH_ACK);

	for (i = 0; i < opt.count; i++) {
		seg_init(L, 0, &s);
		s.seq = opt.seq;
		s.ack = opt.ack;
		s.flags = opt.flags;
		s.data = (const uint8_t *)opt.data;
		s.len = opt.datalen;
		seg_syn_opts(&s);
		if (send_seg(L, &s, NULL) != 0)
			return EX_ERROR;
		until = i + 1 < opt.count ? start + (i + 1) * opt.interval :
		    now_ms() + opt.timeout;
		while ((r = recv_seg(L, grace ? (grace < until ? grace : until) :
		    until, &in)) == 1) {
			struct tv_pkt *p = &in.p;

			if (in.dir == DIR_FROM_US) {
				kernel_rst += from_us(L, &in);
				if (grace && kernel_rst)
					break;
				continue;
			}
			if ((p->flags & TV_TH_ACK) && (opt.flags & TV_TH_SYN))
				print_seg("got", p, in.data, "ack %s our seq + 1: %s",
				    p->ack == opt.seq + 1 ? "==" : "!=",
				    p->ack == opt.seq + 1 ? "ok" : "unexpected");
			else
				print_seg("got", p, in.data, NULL);
			if ((p->flags & (TV_TH_SYN | TV_TH_ACK)) ==
			    (TV_TH_SYN | TV_TH_ACK))
				synack++;
			else if (p->flags & TV_TH_RST)
				rst++;
			else
				other++;
			if (!what[0])
				tv_flags_words(p->flags, what, sizeof(what));
			/* the last segment is answered: wait only for our
			 * kernel's RST to a SYN-ACK, then stop */
			if (i + 1 == opt.count) {
				if (!(p->flags & TV_TH_SYN) || !(p->flags & TV_TH_ACK))
					break;
				grace = now_ms() + KERNEL_RST_MS;
			}
		}
		if (r < 0)
			return EX_ERROR;
	}
	tv_endpoint_str(&L->dst, L->dport, ep, sizeof(ep));
	if (synack && sent_syn)
		printf("half-open: the server answered SYN-ACK; our kernel %s\n",
		    kernel_rst ? "reset it (no socket owns the connection)" :
		    "will reset it");
	else if (synack)
		printf("answered: SYN,ACK\n");
	else if (rst && sent_syn)
		printf("refused: %s (nothing listens on %s)\n", what, ep);
	else if (rst)
		printf("reset: the server answered %s\n", what);
	else if (other)
		printf("answered: %s\n", what);
	else {
		printf("no answer in %ld ms\n", opt.timeout);
		return EX_NOANSWER;
	}
	return EX_ANSWER;
}

/* ---- flood: SYNs from many ports; the server's SYN_RECV queue ---- */

/* Connections in SYN_RECV on dst:dport, asked of the kernel over
 * netlink (sock_diag, as ss does); -1 with L->nl_err when that fails. */
static long
count_syn_recv(struct link *L)
{
	return tv_nl_count_state(&L->dst, L->dport, TV_NL_SYN_RECV, L->nl_err);
}

static void
print_backlog(const struct link *L, long n, long sent)
{
	char ep[TV_ENDPOINTSTRLEN];

	if (opt.quiet)
		return;
	tv_endpoint_str(&L->dst, L->dport, ep, sizeof(ep));
	if (n < 0)
		printf("backlog unknown: %s\n", L->nl_err);
	else
		printf("backlog %ld in SYN_RECV on %s after %ld of %ld SYNs\n", n,
		    ep, sent, opt.count);
}

static int
mode_flood(struct link *L)
{
	struct tv_craft_seg s;
	struct seg_in in;
	char *answered, ep[TV_ENDPOINTSTRLEN], what[40] = "";
	int64_t start = now_ms(), until;
	long i, step = opt.count / 10 > 0 ? opt.count / 10 : 1, n, peak = 0;
	long synacks = 0, rsts = 0, acked = 0;
	int r = 1;

	if ((answered = calloc((size_t)opt.count, 1)) == NULL)
		return fail("out of memory");
	for (i = 0; i < opt.count && r >= 0; i++) {
		seg_init(L, (size_t)i, &s);
		s.seq = opt.seq;
		s.flags = TV_TH_SYN;
		seg_syn_opts(&s);
		if (send_seg(L, &s, NULL) != 0) {
			free(answered);
			return EX_ERROR;
		}
		until = i + 1 < opt.count ? start + (i + 1) * opt.interval :
		    now_ms() + opt.timeout;
		while ((r = recv_seg(L, until, &in)) == 1) {
			if (in.dir == DIR_FROM_US) {
				from_us(L, &in);
				continue;
			}
			if ((in.p.flags & (TV_TH_SYN | TV_TH_ACK)) ==
			    (TV_TH_SYN | TV_TH_ACK)) {
				print_seg("got", &in.p, NULL,
				    "ack %s our seq + 1: %s",
				    in.p.ack == opt.seq + 1 ? "==" : "!=",
				    in.p.ack == opt.seq + 1 ? "ok" : "unexpected");
				if (!answered[in.port_i]) {
					answered[in.port_i] = 1;
					synacks++;
				}
			} else {
				print_seg("got", &in.p, NULL, NULL);
				if (in.p.flags & TV_TH_RST)
					rsts++;
				if (!what[0])
					tv_flags_words(in.p.flags, what,
					    sizeof(what));
				if (!answered[in.port_i]) {
					answered[in.port_i] = 1;
					acked++;
				}
			}
			if (i + 1 == opt.count && synacks + acked >= opt.count)
				break;
		}
		if ((i + 1) % step == 0 && i + 1 < opt.count) {
			n = count_syn_recv(L);
			if (n > peak)
				peak = n;
			print_backlog(L, n, i + 1);
		}
	}
	free(answered);
	if (r < 0)
		return EX_ERROR;
	/* once more, after the last answers came in */
	n = count_syn_recv(L);
	if (n > peak)
		peak = n;
	print_backlog(L, n, opt.count);
	tv_endpoint_str(&L->dst, L->dport, ep, sizeof(ep));
	if (synacks) {
		printf("flood: %ld SYNs sent from %zu source ports, %ld SYN-ACKs "
		    "back; SYN_RECV on %s peaked at %ld\n", opt.count, L->nports,
		    synacks, ep, peak);
		return EX_ANSWER;
	}
	if (rsts) {
		printf("refused: %s (nothing listens on %s)\n", what, ep);
		return EX_ERROR;
	}
	if (acked) {
		printf("answered: %s, no SYN-ACK\n", what);
		return EX_ERROR;
	}
	printf("no answer in %ld ms\n", opt.timeout);
	return EX_NOANSWER;
}

/* ---- handshake: SYN, SYN-ACK, ACK by hand, then data and a close ---- */

struct tcb {
	uint32_t iss, snd_una, snd_nxt;
	uint32_t irs, rcv_nxt;
	int ts_on;
	uint32_t ts_recent;
	int64_t t0;
	int established, their_fin, fin_sent, reset_by_server;
	uint32_t got_bytes;
};

/* A segment on the connection: seq, ack and timestamps from the TCB. */
static void
seg_conn(const struct link *L, const struct tcb *t, uint8_t flags,
    struct tv_craft_seg *s)
{
	seg_init(L, 0, s);
	s->flags = flags;
	s->seq = t->snd_nxt;
	s->ack = (flags & TV_TH_ACK) ? t->rcv_nxt : 0;
	if (t->ts_on) {
		s->opt_mask |= TV_OPT_TS;
		s->ts_val = opt.ts + (uint32_t)(now_ms() - t->t0);
		s->ts_ecr = t->ts_recent;
	}
}

static int
send_ack(struct link *L, struct tcb *t, const char *why)
{
	struct tv_craft_seg s;

	seg_conn(L, t, TV_TH_ACK, &s);
	return send_seg(L, &s, "%s", why);
}

/*
 * A segment from the server on an established connection (RFC 9293
 * §3.10.7.4, the parts a one-shot peer needs): RST ends it, the ACK
 * moves snd_una, in-order data and FIN move rcv_nxt and are ACKed,
 * anything else is ACKed again.  Returns 0 or EX_ERROR.
 */
static int
on_segment(struct link *L, struct tcb *t, const struct seg_in *in)
{
	const struct tv_pkt *p = &in->p;
	uint32_t old_una = t->snd_una;
	int need_ack = 0;

	if (p->flags & TV_TH_RST) {
		print_seg("got", p, NULL, "the server reset the connection");
		t->reset_by_server = 1;
		return 0;
	}
	if (p->opt_mask & TV_OPT_TS)
		t->ts_recent = p->ts_val;
	if ((p->flags & TV_TH_ACK) && tv_seq_gt(p->ack, t->snd_una) &&
	    tv_seq_le(p->ack, t->snd_nxt))
		t->snd_una = p->ack;
	if (p->flags & TV_TH_SYN) {
		/* our ACK of its SYN-ACK went missing: acknowledge again */
		print_seg("got", p, NULL, "SYN-ACK again");
		return send_ack(L, t, "again") ? EX_ERROR : 0;
	}
	if (p->seq == t->rcv_nxt) {
		t->rcv_nxt += p->len;
		t->got_bytes += p->len;
		if (p->len)
			need_ack = 1;
		if (p->flags & TV_TH_FIN) {
			t->rcv_nxt++;
			t->their_fin = 1;
			need_ack = 1;
		}
	} else if (p->len || (p->flags & TV_TH_FIN)) {
		need_ack = 1;	/* out of order or repeated: say where we are */
	}
	if (t->snd_una != old_una && t->fin_sent && t->snd_una == t->snd_nxt)
		print_seg("got", p, in->data, "acks our FIN");
	else if (t->snd_una != old_una)
		print_seg("got", p, in->data, "acks our %u bytes",
		    (unsigned)(t->snd_una - t->iss - 1));
	else
		print_seg("got", p, in->data, NULL);
	if (need_ack && send_ack(L, t, t->their_fin ? "acks its FIN" :
	    "acks its data") != 0)
		return EX_ERROR;
	return 0;
}

/* Reset an established connection on the way out (timeout, signal). */
static void
reset_conn(struct link *L, struct tcb *t, const char *why)
{
	struct tv_craft_seg s;

	seg_conn(L, t, TV_TH_RST, &s);
	send_seg(L, &s, "%s", why);
	t->established = 0;
}

static int
mode_handshake(struct link *L)
{
	struct tv_craft_seg s;
	struct seg_in in;
	struct tcb t;
	char ep[TV_ENDPOINTSTRLEN], what[40];
	int64_t deadline, hold_end;
	uint32_t datalen = (uint32_t)opt.datalen;
	int r, rc = EX_ANSWER, data_acked = datalen == 0, closed = 0;

	memset(&t, 0, sizeof(t));
	t.iss = opt.seq;
	t.t0 = now_ms();
	tv_endpoint_str(&L->dst, L->dport, ep, sizeof(ep));

	/* SYN */
	seg_init(L, 0, &s);
	s.seq = t.iss;
	s.flags = TV_TH_SYN;
	seg_syn_opts(&s);
	if (send_seg(L, &s, NULL) != 0)
		return EX_ERROR;
	t.snd_una = t.iss;
	t.snd_nxt = t.iss + 1;

	/* SYN-ACK */
	deadline = now_ms() + opt.timeout;
	while ((r = recv_seg(L, deadline, &in)) == 1) {
		struct tv_pkt *p = &in.p;

		if (in.dir == DIR_FROM_US) {
			from_us(L, &in);
			continue;
		}
		if ((p->flags & TV_TH_RST)) {
			print_seg("got", p, NULL, NULL);
			printf("refused: %s (nothing listens on %s)\n",
			    tv_flags_words(p->flags, what, sizeof(what)), ep);
			return EX_ERROR;
		}
		if ((p->flags & (TV_TH_SYN | TV_TH_ACK)) != (TV_TH_SYN | TV_TH_ACK)) {
			print_seg("got", p, in.data, "not a SYN-ACK; still waiting");
			continue;
		}
		if (p->ack != t.iss + 1) {
			/* RFC 9293 §3.10.7.3: an unacceptable ACK gets <SEQ=SEG.ACK><CTL=RST> */
			print_seg("got", p, NULL, "ack != our seq + 1");
			seg_init(L, 0, &s);
			s.seq = p->ack;
			s.flags = TV_TH_RST;
			send_seg(L, &s, "its ACK is not for our SYN");
			printf("failed: the SYN-ACK acknowledges %u, not %u\n",
			    p->ack, t.iss + 1);
			return EX_ERROR;
		}
		print_seg("got", p, in.data, "ack == our seq + 1: ok");
		t.irs = p->seq;
		t.rcv_nxt = p->seq + 1;
		t.snd_una = p->ack;
		t.ts_on = opt.have_ts && (p->opt_mask & TV_OPT_TS);
		t.ts_recent = p->ts_val;
		t.established = 1;
		break;
	}
	if (r < 0)
		return EX_ERROR;
	if (!t.established) {
		printf("no answer in %ld ms\n", opt.timeout);
		return EX_NOANSWER;
	}

	/* ACK: the third segment, ack = their ISN + 1 */
	if (send_ack(L, &t, "ack == their seq + 1: handshake done") != 0)
		goto out;

	if (datalen) {
		seg_conn(L, &t, TV_TH_PSH | TV_TH_ACK, &s);
		s.data = (const uint8_t *)opt.data;
		s.len = opt.datalen;
		if (send_seg(L, &s, NULL) != 0)
			goto out;
		t.snd_nxt += datalen;
	}

	/* data acknowledged, --hold over, or the server closes first */
	deadline = now_ms() + opt.timeout;
	hold_end = now_ms() + opt.hold;
	for (;;) {
		int64_t until;

		data_acked = t.snd_una == t.snd_nxt;
		if ((data_acked && now_ms() >= hold_end) || t.their_fin ||
		    t.reset_by_server)
			break;
		until = data_acked ? hold_end :
		    (deadline > hold_end ? deadline : hold_end);
		if ((r = recv_seg(L, until, &in)) < 0)
			goto out;
		if (r == 0) {
			if (!data_acked && now_ms() >= deadline)
				break;
			continue;
		}
		if (in.dir == DIR_FROM_US) {
			from_us(L, &in);
			continue;
		}
		if (on_segment(L, &t, &in) != 0)
			goto out;
	}
	if (t.reset_by_server) {
		t.established = 0;
		printf("reset: the server reset the connection after the "
		    "handshake\n");
		return EX_ERROR;
	}
	if (!data_acked)
		note("our %u bytes were not acknowledged in %ld ms", datalen,
		    opt.timeout);

	/* close: our FIN, its ACK and FIN, our last ACK */
	seg_conn(L, &t, TV_TH_FIN | TV_TH_ACK, &s);
	if (send_seg(L, &s, NULL) != 0)
		goto out;
	t.snd_nxt++;
	t.fin_sent = 1;
	deadline = now_ms() + opt.timeout;
	while (!(t.their_fin && t.snd_una == t.snd_nxt) && !t.reset_by_server) {
		if ((r = recv_seg(L, deadline, &in)) < 0)
			goto out;
		if (r == 0)
			break;
		if (in.dir == DIR_FROM_US) {
			from_us(L, &in);
			continue;
		}
		if (on_segment(L, &t, &in) != 0)
			goto out;
	}
	closed = t.their_fin && t.snd_una == t.snd_nxt;
	if (closed) {
		t.established = 0;
	} else if (t.reset_by_server) {
		t.established = 0;
	} else {
		reset_conn(L, &t, "the server did not close in time");
	}

	printf("three-way: handshake completed by hand (SYN, SYN-ACK, ACK)");
	if (datalen)
		printf("; %u byte%s sent%s", datalen, datalen == 1 ? "" : "s",
		    data_acked ? " and acknowledged" : ", NOT acknowledged");
	if (t.got_bytes)
		printf("; %u received", t.got_bytes);
	if (closed)
		printf("; closed with FIN both ways\n");
	else if (t.reset_by_server)
		printf("; the server reset it while closing\n");
	else
		printf("; the server did not close in %ld ms, so we reset it\n",
		    opt.timeout);
	if (!data_acked)
		rc = EX_NOANSWER;
	return rc;
out:
	/* a signal or an error with the connection open: do not leave it */
	if (t.established)
		reset_conn(L, &t, run.stop ? "interrupted" : "giving up");
	return EX_ERROR;
}

/* ---- the command line ---- */

static void
usage(FILE *fp)
{
	fprintf(fp,
"Usage: tcpviz-craft [options] syn|flood|handshake [HOST] PORT\n"
"\n"
"Send TCP segments built by hand on raw sockets to a loopback address and\n"
"show what comes back: the textbook handshake, a half-open connection, a\n"
"refusal, a SYN flood.  Needs root (raw sockets; nft for flood and handshake).\n"
"\n"
"Modes:\n"
"  syn        send one segment (SYN unless --flags), --count times; report\n"
"             the answer: SYN-ACK (half-open: our kernel then resets it, as\n"
"             no socket owns the connection), RST (refused) or nothing\n"
"  flood      --count SYNs (default %d, at most %d) from as many source\n"
"             ports; report the server's SYN_RECV backlog while it runs\n"
"  handshake  SYN, SYN-ACK, then our ACK (ack = their ISN + 1), --data if\n"
"             given, then a FIN each way\n"
"  flood and handshake add an nftables table (inet " TABLE_PREFIX "PID) that\n"
"  drops the RSTs our own kernel would send, and always remove it.\n"
"\n"
"HOST is 127.0.0.0/8 or ::1 (default 127.0.0.1, or ::1 with -6).  Other\n"
"destinations are refused before any socket is opened; no option lifts this.\n"
"\n"
"Segment:\n"
"  --src-port P    source port (default: a free one; flood: P, P+1, ...)\n"
"  --seq N         sequence number, our ISN (default %d)\n"
"  --ack N         acknowledgement number (syn only)\n"
"  --flags F       syn only: S SA A F FA R RA PA ... (letters S A F R P U E C;\n"
"                  default S)\n"
"  --win N         window (default %d)\n"
"  --mss N         MSS option        --wscale N   window scale option (0-14)\n"
"  --sackok        SACK-permitted    --ts VAL     timestamps, TSval VAL\n"
"  --data STR      payload (at most %d bytes; handshake: sent after the ACK)\n"
"\n"
"Timing (all bounded: (count - 1) * interval + timeout + hold <= %d ms):\n"
"  --count N       segments to send, 1..%d (syn default 1)\n"
"  --interval MS   between segments, >= %d (syn default 1000, flood %d)\n"
"  --timeout MS    wait for answers (default %d)\n"
"  --hold MS       handshake: keep the connection open this long before the\n"
"                  FIN (watch it in ss -tn)\n"
"\n"
"  -6              use ::1 when HOST is not given\n"
"  -q              no per-segment lines: the verdict only\n"
"  -h, --help      show this help and exit\n"
"\n"
"Output: one line per segment sent and received, then a verdict.  Exit\n"
"status 0 when the expected answer came (any answer for syn), 1 on errors\n"
"and refusals, 2 when nothing came back in time.\n"
"\n"
"Examples:\n"
"  sudo tcpviz-craft syn 127.0.0.1 8000 --seq 1000\n"
"  sudo tcpviz-craft syn --flags A 127.0.0.1 8000\n"
"  sudo tcpviz-craft handshake --mss 1460 --sackok --ts 1 --data hello 127.0.0.1 8000\n"
"  sudo tcpviz-craft flood --count 50 127.0.0.1 8000\n"
"  sudo tcpviz-craft syn -6 8000\n",
	    FLOOD_DEFAULT, COUNT_MAX, SEQ_DEFAULT, WIN_DEFAULT, TV_CRAFT_DATA_MAX,
	    TOTAL_MAX_MS, COUNT_MAX, INTERVAL_MIN, FLOOD_IVL, TIMEOUT_DEFAULT);
}

/* A decimal number in [min, max] for option `name`; -1 with a message if not. */
static int
num(const char *name, const char *s, unsigned long long min,
    unsigned long long max, unsigned long long *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9' ||
	    ((v = strtoull(s, &end, 10)), errno != 0) || *end != '\0' ||
	    v < min || v > max) {
		fail("%s %s: expected a number from %llu to %llu", name, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

enum {
	OPT_SRC_PORT = 256, OPT_SEQ, OPT_ACK, OPT_FLAGS, OPT_WIN, OPT_MSS,
	OPT_WSCALE, OPT_SACKOK, OPT_TS, OPT_DATA, OPT_COUNT, OPT_INTERVAL,
	OPT_TIMEOUT, OPT_HOLD,
};

/* Parse and check everything; no socket exists yet.  Returns 0 or EX_ERROR. */
static int
parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "src-port", required_argument, NULL, OPT_SRC_PORT },
		{ "seq", required_argument, NULL, OPT_SEQ },
		{ "ack", required_argument, NULL, OPT_ACK },
		{ "flags", required_argument, NULL, OPT_FLAGS },
		{ "win", required_argument, NULL, OPT_WIN },
		{ "mss", required_argument, NULL, OPT_MSS },
		{ "wscale", required_argument, NULL, OPT_WSCALE },
		{ "sackok", no_argument, NULL, OPT_SACKOK },
		{ "ts", required_argument, NULL, OPT_TS },
		{ "data", required_argument, NULL, OPT_DATA },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "hold", required_argument, NULL, OPT_HOLD },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned long long v;
	const char *host = NULL, *port = NULL;
	int ch, v6 = 0, i, n;
	long total;

	opt.src_port = -1;
	opt.seq = SEQ_DEFAULT;
	opt.win = WIN_DEFAULT;
	opt.mss = opt.wscale = -1;
	opt.timeout = TIMEOUT_DEFAULT;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "6hq", longopts, NULL)) != -1) {
		const char *name = optind > 0 && optind <= argc ?
		    argv[optind - 1] : "option";

		switch (ch) {
		case OPT_SRC_PORT:
			if (num("--src-port", optarg, 1, 65535, &v) < 0)
				return EX_ERROR;
			opt.src_port = (long)v;
			break;
		case OPT_SEQ:
			if (num("--seq", optarg, 0, UINT32_MAX, &v) < 0)
				return EX_ERROR;
			opt.seq = (uint32_t)v;
			break;
		case OPT_ACK:
			if (num("--ack", optarg, 0, UINT32_MAX, &v) < 0)
				return EX_ERROR;
			opt.ack = (uint32_t)v;
			opt.have_ack = 1;
			break;
		case OPT_FLAGS:
			if (tv_craft_parse_flags(optarg, &opt.flags) < 0)
				return fail("--flags %s: expected letters from S A F R "
				    "P U E C, each once (S, SA, A, F, FA, R, RA, PA)",
				    optarg);
			opt.have_flags = 1;
			break;
		case OPT_WIN:
			if (num("--win", optarg, 0, 65535, &v) < 0)
				return EX_ERROR;
			opt.win = (uint16_t)v;
			break;
		case OPT_MSS:
			if (num("--mss", optarg, 1, 65535, &v) < 0)
				return EX_ERROR;
			opt.mss = (long)v;
			break;
		case OPT_WSCALE:
			if (num("--wscale", optarg, 0, 14, &v) < 0)	/* RFC 7323 §2.3 */
				return EX_ERROR;
			opt.wscale = (long)v;
			break;
		case OPT_SACKOK:
			opt.sackok = 1;
			break;
		case OPT_TS:
			if (num("--ts", optarg, 0, UINT32_MAX, &v) < 0)
				return EX_ERROR;
			opt.ts = (uint32_t)v;
			opt.have_ts = 1;
			break;
		case OPT_DATA:
			opt.data = optarg;
			opt.datalen = strlen(optarg);
			if (opt.datalen > TV_CRAFT_DATA_MAX)
				return fail("--data: %zu bytes; at most %d",
				    opt.datalen, TV_CRAFT_DATA_MAX);
			break;
		case OPT_COUNT:
			if (num("--count", optarg, 1, COUNT_MAX, &v) < 0)
				return EX_ERROR;
			opt.count = (long)v;
			opt.have_count = 1;
			break;
		case OPT_INTERVAL:
			if (num("--interval", optarg, INTERVAL_MIN, TOTAL_MAX_MS,
			    &v) < 0)
				return EX_ERROR;
			opt.interval = (long)v;
			opt.have_interval = 1;
			break;
		case OPT_TIMEOUT:
			if (num("--timeout", optarg, 1, TOTAL_MAX_MS, &v) < 0)
				return EX_ERROR;
			opt.timeout = (long)v;
			break;
		case OPT_HOLD:
			if (num("--hold", optarg, 0, TOTAL_MAX_MS, &v) < 0)
				return EX_ERROR;
			opt.hold = (long)v;
			break;
		case '6':
			v6 = 1;
			break;
		case 'q':
			opt.quiet = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			if (optopt && optopt < 256)
				fail("unknown option -%c", optopt);
			else
				fail("unknown or incomplete option %s", name);
			usage(stderr);
			return EX_ERROR;
		}
	}

	n = argc - optind;
	if (n < 2 || n > 3) {
		fail("expected MODE [HOST] PORT");
		usage(stderr);
		return EX_ERROR;
	}
	for (i = 0; i <= MODE_HANDSHAKE; i++)
		if (strcmp(argv[optind], mode_names[i]) == 0)
			break;
	if (i > MODE_HANDSHAKE) {
		fail("unknown mode \"%s\": syn, flood or handshake", argv[optind]);
		usage(stderr);
		return EX_ERROR;
	}
	opt.mode = (enum mode)i;
	if (n == 3)
		host = argv[optind + 1];
	port = argv[optind + n - 1];
	if (num("PORT", port, 1, 65535, &v) < 0)
		return EX_ERROR;
	opt.dport = (uint16_t)v;

	/* the destination: loopback or nothing, before any socket exists */
	if (host == NULL)
		host = v6 ? "::1" : "127.0.0.1";
	if (parse_addr(host, &opt.dst) < 0)
		return fail("%s: not a numeric IPv4 or IPv6 address (names are "
		    "not looked up)", host);
	if (v6 && opt.dst.family != 6)
		return fail("-6 with the IPv4 address %s", host);
	if (!tv_craft_dest_allowed(&opt.dst)) {
		static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

		if (opt.dst.family == 6 && memcmp(opt.dst.a, mapped, 12) == 0)
			return fail("refusing to send to %s: an IPv4-mapped "
			    "address; tcpviz-craft sends only to 127.0.0.0/8 or "
			    "::1 (use %u.%u.%u.%u), and no option changes that",
			    host, opt.dst.a[12], opt.dst.a[13], opt.dst.a[14],
			    opt.dst.a[15]);
		return fail("refusing to send to %s: tcpviz-craft sends only to "
		    "loopback (127.0.0.0/8 or ::1), and no option changes that",
		    host);
	}

	/* what each mode takes */
	if (opt.have_flags && opt.mode != MODE_SYN)
		return fail("--flags is for syn mode (%s sends its own)",
		    mode_names[opt.mode]);
	if (!opt.have_flags)
		opt.flags = TV_TH_SYN;
	if (opt.have_ack && opt.mode != MODE_SYN)
		return fail("--ack is for syn mode (%s acknowledges what the "
		    "server sends)", mode_names[opt.mode]);
	if (opt.data && opt.mode == MODE_FLOOD)
		return fail("--data is for syn and handshake");
	if (opt.hold && opt.mode != MODE_HANDSHAKE)
		return fail("--hold is for handshake");
	if (opt.mode == MODE_HANDSHAKE && ((opt.have_count && opt.count != 1) ||
	    opt.have_interval))
		return fail("handshake makes one connection: no --count or "
		    "--interval");
	if (!opt.have_count)
		opt.count = opt.mode == MODE_FLOOD ? FLOOD_DEFAULT : 1;
	if (!opt.have_interval)
		opt.interval = opt.mode == MODE_FLOOD ? FLOOD_IVL : 1000;
	total = (opt.count - 1) * opt.interval + opt.timeout + opt.hold;
	if (total > TOTAL_MAX_MS)
		return fail("--count %ld every %ld ms, then --timeout %ld ms%s would "
		    "take %ld ms; at most %d ms", opt.count, opt.interval,
		    opt.timeout, opt.hold ? " and --hold" : "", total,
		    TOTAL_MAX_MS);
	return 0;
}

/* Everything after the checks: sockets, nft, the mode. */
static int
craft(struct link *L)
{
	int use_nft = opt.mode != MODE_SYN;
	uint16_t id;
	int rc;

	L->family = opt.dst.family;
	L->dst = opt.dst;
	L->dport = opt.dport;
	if (getrandom(&id, sizeof(id), 0) != sizeof(id))
		id = (uint16_t)(getpid() ^ now_ms());
	L->ip_id = id;
	if ((rc = pick_source(L)) != 0)
		return rc;
	if ((rc = choose_ports(L, opt.mode == MODE_FLOOD ? (size_t)opt.count : 1))
	    != 0)
		return rc;
	if ((rc = open_raw(L, use_nft)) != 0)
		return rc;
	if (use_nft) {
		reap_stale_tables();
		if (run.stop)
			return EX_ERROR;
		if ((rc = nft_add(L)) != 0)
			return rc;
		if (run.stop)
			return EX_ERROR;
	}
	switch (opt.mode) {
	case MODE_SYN:
		return mode_syn(L);
	case MODE_FLOOD:
		return mode_flood(L);
	case MODE_HANDSHAKE:
		return mode_handshake(L);
	}
	return EX_ERROR;
}

int
main(int argc, char **argv)
{
	struct link L;
	size_t i;
	int rc, sig;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((rc = parse_args(argc, argv)) != 0)
		return rc;
	catch_signals();
	/* a watchdog past the longest run the limits allow: SIGALRM stops
	 * us like SIGTERM would, through the same cleanup */
	alarm((unsigned)((opt.count - 1) * opt.interval + opt.timeout +
	    opt.hold) / 1000 + 10);

	memset(&L, 0, sizeof(L));
	L.fd = -1;
	rc = craft(&L);

	if (nft_remove() < 0)
		rc = EX_ERROR;
	for (i = 0; i < L.nresv; i++)
		close(L.resv[i]);
	if (L.fd >= 0)
		close(L.fd);
	free(L.ports);
	free(L.resv);
	alarm(0);
	if ((sig = run.stop) != 0) {
		note("stopped by %s%s", sig == SIGALRM ? "the watchdog" :
		    sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" :
		    "SIGHUP", run.table[0] ? "; nft table removed" : "");
		if (sig != SIGALRM) {
			signal(sig, SIG_DFL);
			raise(sig);
		}
		return EX_ERROR;
	}
	return rc;
}
