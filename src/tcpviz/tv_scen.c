/* \summary: the demo's scenarios as data, and the process that runs their programs */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tv_priv-int.h"
#include "tv_scen-int.h"
#include "tv_tcp.h"
#include "tv_util.h"

#define DEMO_MSG "Hello Server"
#define TRANSFER_BYTES 65536
#define MSG_LEN (sizeof(DEMO_MSG) - 1)
#define MANY UINT64_MAX
#define BIT(x) (1u << (x))
/* whom the programs run as when tcpviz runs as root by login */
#define RUN_AS "nobody"
/* tcp-vs-udp's ten messages, all different (no datagram looks like
 * another's duplicate), 39 bytes */
#define TEN_WORDS "one", "two", "three", "four", "five", "six", "seven", \
	"eight", "nine", "ten"
#define TEN_LEN 39
/* how long a server outlives its scenario's clients */
#define SERVER_LINGER_MS 100

/* a client that says DEMO_MSG, reads the echo and closes */
#define ECHO_CLIENT { "%client", "127.0.0.1", "%port", DEMO_MSG }
/* a TCP connection that opens three-way, from port sport */
#define THREE_WAY .proto = 6, .open_ok = BIT(TV_OPEN_THREE_WAY)
#define MODEL(m, what) { .name = m, \
	.caption = "3 clients at once against " what ": one listening port, three 4-tuples", \
	.server = { "%server", "--tcp", "%port", "--model=" m }, \
	.client = ECHO_CLIENT, .clients = 3, \
	.want = { .conns = 3, THREE_WAY, .closed_by = SCEN_ANY, .reset_by = SCEN_ANY, \
	    .bytes_max = { MANY, MANY } } }

const struct scenario tv_scenarios[] = {
	{ .name = "handshake",
	  .caption = "three-way handshake, an echo, and a four-way close: watch SYN, "
	    "SYN-ACK, ACK, then FIN/ACK each way",
	  /* the server waits before its own FIN: a four-way close */
	  .server = { "%server", "--tcp", "%port", "--once", "--close-delay", "100" },
	  .client = ECHO_CLIENT, .clients = 1,
	  .want = { .conns = 1, THREE_WAY, .close_ok = BIT(TV_CLOSE_FOUR_WAY),
	    .closed_by = 0, .reset_by = SCEN_ANY,
	    .bytes_min = { MSG_LEN, MSG_LEN }, .bytes_max = { MSG_LEN, MSG_LEN } } },
	{ .name = "refused",
	  .caption = "connection refused: nothing listens on the port, so the SYN is "
	    "answered by RST,ACK",
	  .client = ECHO_CLIENT, .clients = 1, .client_status = 1,
	  .want = { .conns = 1, .proto = 6, .open_ok = BIT(TV_OPEN_REFUSED),
	    .close_ok = BIT(TV_CLOSE_RESET), .closed_by = SCEN_ANY, .reset_by = 1,
	    .bytes_max = { MANY, MANY } } },
	{ .name = "greeting",
	  .caption = "a server that speaks first and closes first: the server sends "
	    "the first FIN and ends in TIME_WAIT",
	  .server = { "%server", "--tcp", "%port", "--mode=greet", "--once" },
	  .client = { "%client", "--greet", "127.0.0.1", "%port" }, .clients = 1,
	  .want = { .conns = 1, THREE_WAY, .closed_by = 1, .reset_by = SCEN_ANY,
	    .bytes_min = { 0, 1 }, .bytes_max = { 0, MANY } } },
	{ .name = "transfer",
	  .caption = "a 64 KiB file transfer: handshake, a data phase folded into one "
	    "line, size and CRC-32 checked",
	  .server = { "%server", "--tcp", "%port", "--mode=store", "--dir", "%dir",
	    "--once" },
	  .client = { "%client", "--send", "%file", "127.0.0.1", "%port" }, .clients = 1,
	  .transfer = 1,
	  .want = { .conns = 1, THREE_WAY, .close_ok = ~BIT(TV_CLOSE_RESET),
	    .closed_by = SCEN_ANY, .reset_by = SCEN_ANY,
	    .bytes_min = { TRANSFER_BYTES + 1, 0 }, .bytes_max = { MANY, MANY } } },
	{ .name = "udp",
	  .caption = "UDP echo: no handshake and no teardown, just datagrams",
	  .server = { "%server", "--udp", "%port" },
	  .client = { "%client", "--udp", "127.0.0.1", "%port", "one", "two", "three" },
	  .clients = 1,
	  .want = { .conns = 1, .proto = 17, .closed_by = SCEN_ANY, .reset_by = SCEN_ANY,
	    .bytes_max = { MANY, MANY }, .pkts_min = { 3, 3 }, .pkts_max = { 3, 3 } } },
	MODEL("fork", "a process-per-connection server"),
	MODEL("thread", "a thread-per-connection server"),
	MODEL("epoll", "an epoll event-loop server"),
	/* iterative: one client at a time; the kernel completes the others'
	 * handshakes and queues them, their data waits for their turn */
	{ .name = "iterative",
	  .caption = "3 clients at once against an iterative server: all three "
	    "handshakes complete at once (the kernel's), but the second and third "
	    "wait in the accept queue: each is echoed and closed only after the "
	    "one before (held 200 ms after its FIN) has closed",
	  /* the server holds each connection 200 ms after the client's FIN,
	   * so the waiting shows in the times, a staircase of closes */
	  .server = { "%server", "--tcp", "%port", "--model=iterative",
	    "--close-delay", "200" },
	  .client = ECHO_CLIENT, .clients = 3,
	  /* the second and third wait 200 ms or more: the kernel's view,
	   * asked every 200 ms, sees them both in the queue */
	  .want = { .conns = 3, THREE_WAY, .closed_by = SCEN_ANY, .reset_by = SCEN_ANY,
	    .bytes_max = { MANY, MANY }, .accept_min = 2 } },
	/* the listening socket and its accepted ones: listen(fd, 1) lets two
	 * finished handshakes wait for accept() (Linux: backlog + 1), a third
	 * SYN finds the queue full and is dropped (tcp_abort_on_overflow 0),
	 * its client sends it again 1 s later; the iterative server holds
	 * each connection 200 ms after its FIN, so the queue drains slowly */
	{ .name = "sockets",
	  .caption = "one listening socket, the sockets accept() returns: 4 clients "
	    "at once against an iterative server with listen(fd, 1): the accept "
	    "queue fills (2 wait), a SYN finds it full and is dropped, sent again "
	    "1 s later; the queue drains; each client's socket stays in TIME-WAIT, "
	    "its timer running",
	  /* the server waits 300 ms before each accept(): the queue is full
	   * (2/1) for that long whatever the order of the clients' SYNs, so
	   * the kernel's view, asked every 200 ms, sees it */
	  .server = { "%server", "--tcp", "%port", "--model=iterative",
	    "--backlog", "1", "--close-delay", "200", "--accept-delay", "300" },
	  .client = ECHO_CLIENT, .clients = 4,
	  .want = { .conns = 4, THREE_WAY, .closed_by = SCEN_ANY, .reset_by = SCEN_ANY,
	    .bytes_max = { MANY, MANY }, .accept_min = 2, .syn_retries_min = 1 } },
	MODEL("poll", "a poll() event-loop server"),
	MODEL("prefork", "2 pre-forked workers, each an epoll loop on one shared "
	    "listener"),
	/* hand-built SYNs are about their sequence numbers: seq=1000, ack=1001,
	 * as in the textbook diagram, so they are drawn in absolute numbers */
	{ .name = "half-open",
	  .caption = "a SYN built by hand (seq=1000): the server answers SYN-ACK "
	    "ack=1001, and our own kernel, which has no socket for it, answers RST",
	  .server = { "%server", "--tcp", "%port" },
	  .client = { "%craft", "--seq", "1000", "syn", "127.0.0.1", "%port" },
	  .clients = 1, .crafted = 1, .absolute = 1,
	  .want = { .conns = 1, .proto = 6, .open_ok = BIT(TV_OPEN_HALF_OPEN),
	    .close_ok = BIT(TV_CLOSE_RESET), .closed_by = SCEN_ANY, .reset_by = 0,
	    .isn = 1000, .bytes_max = { MANY, MANY } } },
	{ .name = "raw-refused",
	  .caption = "a SYN built by hand to a closed port: the kernel answers "
	    "RST,ACK ack=1001",
	  .client = { "%craft", "--seq", "1000", "syn", "127.0.0.1", "%port" },
	  .clients = 1, .crafted = 1, .absolute = 1,
	  .want = { .conns = 1, .proto = 6, .open_ok = BIT(TV_OPEN_REFUSED),
	    .close_ok = BIT(TV_CLOSE_RESET), .closed_by = SCEN_ANY, .reset_by = 1,
	    .isn = 1000, .bytes_max = { MANY, MANY } } },
	/* the scenarios run by name only come last (the runner runs in this
	 * order): each is drawn by a run of its own (the compare view), after
	 * the live ladders of the others */
	{ .name = "tcp-vs-udp",
	  .caption = "the same ten messages over TCP and then over UDP, side by "
	    "side on one time axis: TCP's handshake, ACKs and close around the "
	    "data, UDP's datagrams alone (as root, the same then on the lab's "
	    "wire with 10 % loss)",
	  .server = { "%server", "--tcp", "%port" },
	  .server2 = { "%server", "--udp", "%port" },
	  .client = { "%client", "127.0.0.1", "%port", TEN_WORDS }, .clients = 1,
	  .client2 = { "%client", "--udp", "127.0.0.1", "%port", TEN_WORDS },
	  .compare = 1, .by_name = 1,
	  .want = { .conns = 1, THREE_WAY, .closed_by = SCEN_ANY, .reset_by = SCEN_ANY,
	    .bytes_min = { TEN_LEN, TEN_LEN }, .bytes_max = { TEN_LEN, TEN_LEN } },
	  .want2 = { .conns = 1, .proto = 17, .closed_by = SCEN_ANY,
	    .reset_by = SCEN_ANY, .bytes_min = { TEN_LEN, TEN_LEN },
	    .bytes_max = { TEN_LEN, TEN_LEN }, .pkts_min = { 10, 10 },
	    .pkts_max = { 10, 10 } } },
	{ .name = "udp-refused",
	  .caption = "a closed port, asked twice: a UDP datagram, answered by "
	    "ICMP port unreachable, and a TCP connect, answered by RST,ACK",
	  .client = { "%client", "--udp", "--timeout", "1", "127.0.0.1", "%port",
	    "anyone?" }, .clients = 1, .client_status = 1,
	  .client2 = { "%client", "127.0.0.1", "%port", "anyone?" },
	  .client2_status = 1, .compare = 1, .by_name = 1,
	  .want = { .conns = 1, .proto = 17, .closed_by = SCEN_ANY,
	    .reset_by = SCEN_ANY, .bytes_max = { MANY, MANY },
	    .pkts_min = { 1, 0 }, .pkts_max = { 1, 0 }, .icmp_refused = 1 },
	  .want2 = { .conns = 1, .proto = 6, .open_ok = BIT(TV_OPEN_REFUSED),
	    .close_ok = BIT(TV_CLOSE_RESET), .closed_by = SCEN_ANY, .reset_by = 1,
	    .bytes_max = { MANY, MANY } } },
};

const int tv_nscenarios = sizeof(tv_scenarios) / sizeof(tv_scenarios[0]);

/* ---- the runner ---- */

static struct scen_runner *the_runner;

/* The parent is gone or stopped us: end every program of ours (they share
 * our process group) and leave. */
static void
runner_abort(void)
{
	int i;

	signal(SIGTERM, SIG_IGN);
	kill(0, SIGTERM);
	/* servers give open connections a grace time: wait for them, then
	 * end whatever is left */
	for (i = 0; i < 300 && waitpid(-1, NULL, WNOHANG) >= 0; i++)
		usleep(10000);
	if (i == 300)
		kill(0, SIGKILL);
	_exit(2);
}

static void
runner_on_term(int sig)
{
	(void)sig;
	runner_abort();
}

/* Has the parent closed its end of the acknowledgement pipe?  (Between
 * messages it writes nothing: readable means EOF.) */
static void
check_parent(void)
{
	struct pollfd pfd = { .fd = the_runner->ack[0], .events = POLLIN };

	if (poll(&pfd, 1, 0) > 0)
		runner_abort();
}

static void
say(struct scen_runner *sr, const char *fmt, int a, int b)
{
	char line[64], c;
	int n = snprintf(line, sizeof(line), fmt, a, b);

	if (write(sr->ctl[1], line, (size_t)n) != n)
		runner_abort();
	if (read(sr->ack[0], &c, 1) != 1)	/* the parent drew what it had */
		runner_abort();
}

/* Every program but the crafter runs without root, as tcpviz does once
 * its capture is open. */
static int
before_exec(void *ctx)
{
	const char *prog = ctx;

	if (strcmp(prog, the_runner->craft) == 0)
		return 0;
	return tv_drop_privileges_or(the_runner->user, RUN_AS) < 0 ? -1 : 0;
}

/* What the demo made for one scenario, for the placeholders. */
struct made {
	char port[16];
	char dir[64];		/* the store of a transfer */
	char file[80];		/* the file it sends */
};

/* Start a program of the scenario; stdout to /dev/null, stderr to *errfd. */
static pid_t
start(struct scen_runner *sr, scen_argv tmpl, const struct made *m, int *errfd)
{
	char *argv[SCEN_ARGS + 1];
	int i, p[2], fd;
	pid_t pid;

	for (i = 0; i < SCEN_ARGS && tmpl[i] != NULL; i++) {
		const char *w = tmpl[i];

		argv[i] = (char *)(strcmp(w, "%server") == 0 ? sr->server :
		    strcmp(w, "%client") == 0 ? sr->client :
		    strcmp(w, "%craft") == 0 ? sr->craft :
		    strcmp(w, "%port") == 0 ? m->port :
		    strcmp(w, "%dir") == 0 ? m->dir :
		    strcmp(w, "%file") == 0 ? m->file : w);
	}
	argv[i] = NULL;
	if (pipe(p) < 0)
		return -1;
	/* the server and the client run by the descriptor the runner opened
	 * as root: the user they run as may not reach a checkout under /root */
	fd = argv[0] == sr->server ? sr->server_fd : argv[0] == sr->client ?
	    sr->client_fd : -1;
	pid = tv_spawn_fd(fd, argv, -1, -1, p[1], before_exec, argv[0]);
	close(p[1]);
	if (pid < 0)
		close(p[0]);
	else
		*errfd = p[0];
	return pid;
}

/* Wait for pid at most ms; kill it after.  Returns its exit status or -1. */
static int
wait_for(pid_t pid, int ms)
{
	int st, i;

	for (i = 0; i < ms / 10; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		check_parent();
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

/* Is the server up?  Its first line says "... on ADDR:PORT". */
static int
server_ready(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char line[256];
	size_t k = 0;

	while (k + 1 < sizeof(line) && poll(&pfd, 1, 3000) > 0 &&
	    read(fd, line + k, 1) == 1 && line[k] != '\n')
		k++;
	line[k] = '\0';
	return strstr(line, " on ") != NULL;
}

static void
stop(pid_t pid, int errfd)
{
	if (pid > 0) {
		kill(pid, SIGTERM);
		wait_for(pid, 2000);
	}
	if (errfd >= 0)
		close(errfd);
}

/* A 64 KiB file to send and a store to receive it; -1 when not made. */
static int
make_transfer(struct made *m)
{
	unsigned char buf[4096];
	size_t i, j;
	int fd, ok = 1;
	uid_t uid;
	gid_t gid;

	snprintf(m->dir, sizeof(m->dir), "/tmp/tcpviz-demo-XXXXXX");
	if (mkdtemp(m->dir) == NULL)
		return -1;
	snprintf(m->file, sizeof(m->file), "%s.send", m->dir);
	if ((fd = open(m->file, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		return -1;
	for (i = 0; i < TRANSFER_BYTES / sizeof(buf); i++) {
		for (j = 0; j < sizeof(buf); j++)
			buf[j] = (unsigned char)(j * 31 + i * 7);
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			ok = 0;
	}
	close(fd);
	/* the programs run as another user: the file and the store are theirs */
	if (tv_priv_whom(the_runner->user, RUN_AS, &uid, &gid) < 0 ||
	    chown(m->dir, uid, gid) < 0 || chown(m->file, uid, gid) < 0)
		ok = 0;
	return ok ? 0 : -1;
}

static void
remove_transfer(const struct made *m)
{
	char stored[160];

	unlink(m->file);
	/* the stored copy is named after the file sent */
	snprintf(stored, sizeof(stored), "%s/%s", m->dir, strrchr(m->file, '/') + 1);
	unlink(stored);
	rmdir(m->dir);
}

/* Run the clients of sc at once; 0 when each ended as it should. */
static int
run_clients(struct scen_runner *sr, const struct scenario *sc, const struct made *m)
{
	pid_t pid[4];
	int fd[4], i, st = 0, n = sc->clients < 4 ? sc->clients : 4;

	for (i = 0; i < n; i++)
		pid[i] = start(sr, sc->client, m, &fd[i]);
	for (i = 0; i < n; i++) {
		if (pid[i] < 0 || wait_for(pid[i], 10000) != sc->client_status)
			st = 1;
		if (pid[i] >= 0)
			close(fd[i]);
	}
	return st;
}

/* Start a server of the scenario and wait for its first line; 0, or
 * SCEN_NO_SERVER. */
static int
start_server(struct scen_runner *sr, scen_argv tmpl, const struct made *m,
    pid_t *pid, int *errfd)
{
	if ((*pid = start(sr, tmpl, m, errfd)) < 0 || !server_ready(*errfd))
		return SCEN_NO_SERVER;
	return 0;
}

/* The second part's client, once the first part's are done; 0 when it
 * ended as it should. */
static int
run_client2(struct scen_runner *sr, const struct scenario *sc, const struct made *m)
{
	int fd, st = 0;
	pid_t pid = start(sr, sc->client2, m, &fd);

	if (pid < 0 || wait_for(pid, 10000) != sc->client2_status)
		st = 1;
	if (pid >= 0)
		close(fd);
	return st;
}

/* Scenario k: its status (0, SCEN_SKIPPED, SCEN_NO_SERVER, or failure). */
static int
run_scenario(struct scen_runner *sr, int k)
{
	const struct scenario *sc = &tv_scenarios[k];
	struct made m;
	pid_t srv = -1, srv2 = -1;
	int errfd = -1, errfd2 = -1, st = 0;

	memset(&m, 0, sizeof(m));
	snprintf(m.port, sizeof(m.port), "%u", sr->port[k]);
	if (sc->crafted && (geteuid() != 0 || access(sr->craft, X_OK) < 0))
		return SCEN_SKIPPED;
	if (sc->transfer && make_transfer(&m) < 0) {
		remove_transfer(&m);
		return 101;
	}
	if (sc->server[0] != NULL)
		st = start_server(sr, sc->server, &m, &srv, &errfd);
	if (st == 0 && sc->server2[0] != NULL)
		st = start_server(sr, sc->server2, &m, &srv2, &errfd2);
	if (st == 0)
		st = run_clients(sr, sc, &m);
	if (st == 0 && sc->client2[0] != NULL)
		st = run_client2(sr, sc, &m);
	/* the server lives a little past its clients: the kernel's view
	 * (tv_kview.c) says what it held before it is stopped, not its end */
	if (srv > 0)
		usleep(SERVER_LINGER_MS * 1000);
	stop(srv2, errfd2);
	stop(srv, errfd);
	if (sc->transfer)
		remove_transfer(&m);
	return st;
}

/* The programs inherit the channel's writing end and are told its
 * number (include/tv_callrep.h); without one, TCPVIZ_CALLS is unset. */
static void
calls_channel(struct scen_runner *sr)
{
	char v[16];
	int fl;

	if (sr->calls_fd < 0 || (fl = fcntl(sr->calls_fd, F_GETFD)) < 0 ||
	    fcntl(sr->calls_fd, F_SETFD, fl & ~FD_CLOEXEC) < 0) {
		unsetenv("TCPVIZ_CALLS");
		return;
	}
	snprintf(v, sizeof(v), "%d", sr->calls_fd);
	setenv("TCPVIZ_CALLS", v, 1);
}

void
tv_scen_child(struct scen_runner *sr)
{
	static const int sigs[] = { SIGTERM, SIGHUP, 0 };
	int k;

	close(sr->ctl[0]);
	close(sr->ack[1]);
	the_runner = sr;
	/* our own process group, which runner_abort() ends: the terminal's
	 * Ctrl-C goes to tcpviz, which then closes the pipes; a tcpviz that
	 * dies sends SIGTERM */
	setpgid(0, 0);
	tv_catch_signals(runner_on_term, sigs);
	signal(SIGINT, SIG_IGN);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	/* not root (a setcap binary): no program of ours needs capabilities */
	if (geteuid() != 0 && tv_drop_privileges(NULL) < 0)
		runner_abort();
	if (getppid() == 1)
		runner_abort();
	calls_channel(sr);
	sr->server_fd = open(sr->server, O_RDONLY | O_CLOEXEC);
	sr->client_fd = open(sr->client, O_RDONLY | O_CLOEXEC);
	for (k = 0; k < tv_nscenarios; k++) {
		if (!sr->want[k])
			continue;
		say(sr, "B %d %d\n", k, 0);
		/* the compare view draws no calls: its programs report none */
		if (tv_scenarios[k].compare)
			unsetenv("TCPVIZ_CALLS");
		say(sr, "E %d %d\n", k, run_scenario(sr, k));
		if (tv_scenarios[k].compare)
			calls_channel(sr);
	}
	say(sr, "Q %d %d\n", 0, 0);
	_exit(0);
}
