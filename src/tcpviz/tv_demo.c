/* \summary: tcpviz --demo: runs the bundled programs on loopback, draws them live, checks the exchanges */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "tv_demo.h"
#include "tv_tcp.h"

#define MAX_SEEN 32		/* connections remembered per scenario */
#define TRANSFER_BYTES 65536
#define DEMO_MSG "Hello Server"
#define UDP_MSGS 3
#define MODEL_CLIENTS 3

enum kind { K_ECHO, K_REFUSED, K_GREET, K_TRANSFER, K_UDP, K_FORK, K_THREAD,
	K_EPOLL, K_HALF_OPEN, K_RAW_REFUSED, K_COUNT };

#define CRAFT_SEQ "1000"	/* the ISN of the textbook diagram */
#define SKIPPED 77		/* a scenario's status when it could not run here */

struct scenario {
	const char *name;
	const char *caption;
};

static const struct scenario scenarios[K_COUNT] = {
	[K_ECHO] = { "handshake",
	    "three-way handshake, an echo, and a four-way close: watch SYN, SYN-ACK, ACK, then FIN/ACK each way" },
	[K_REFUSED] = { "refused",
	    "connection refused: nothing listens on the port, so the SYN is answered by RST,ACK" },
	[K_GREET] = { "greeting",
	    "a server that speaks first and closes first: the server sends the first FIN and ends in TIME_WAIT" },
	[K_TRANSFER] = { "transfer",
	    "a 64 KiB file transfer: handshake, a data phase folded into one line, size and CRC-32 checked" },
	[K_UDP] = { "udp",
	    "UDP echo: no handshake and no teardown, just datagrams" },
	[K_FORK] = { "fork",
	    "3 clients at once against a process-per-connection server: one listening port, three 4-tuples" },
	[K_THREAD] = { "thread",
	    "3 clients at once against a thread-per-connection server: one listening port, three 4-tuples" },
	[K_EPOLL] = { "epoll",
	    "3 clients at once against an epoll event-loop server: one listening port, three 4-tuples" },
	[K_HALF_OPEN] = { "half-open",
	    "a SYN built by hand (seq=1000): the server answers SYN-ACK ack=1001, and our own kernel, which has no socket for it, answers RST" },
	[K_RAW_REFUSED] = { "raw-refused",
	    "a SYN built by hand to a closed port: the kernel answers RST,ACK ack=1001" },
};

/* What the parent saw of one connection. */
struct seen {
	uint8_t proto;
	enum tv_open open;
	enum tv_close close;
	int closed_by, reset_by;
	uint32_t isn_client;
	uint16_t cport, sport;
	uint64_t pkts[2], bytes[2];
};

struct demo {
	char server[PATH_MAX], client[PATH_MAX], craft[PATH_MAX];
	const char *user;	/* programs other than the crafter run as this user */
	uint16_t port[K_COUNT];
	int want[K_COUNT];
	int ctl[2];		/* child -> parent: "B i", "E i status", "Q" */
	int ack[2];		/* parent -> child: one byte per message */
	int cur;		/* scenario being run, or -1 */
	int end_status;		/* the child's status for the current scenario */
	int ended;
	int quit;
	struct seen seen[MAX_SEEN];
	int nseen;
	int failures;
	int absolute;		/* -S given */
	char *linebuf;
	size_t linelen;
	struct tv_run *run;
};

void
tv_demo_print_list(FILE *fp)
{
	int i;

	for (i = 0; i < K_COUNT; i++)
		fprintf(fp, "%-10s %s\n", scenarios[i].name, scenarios[i].caption);
}

static int
parse_list(struct demo *d, const char *list)
{
	char buf[256], *tok, *save = NULL;
	int i, any = 0;

	if (list == NULL || *list == '\0') {
		for (i = 0; i < K_COUNT; i++)
			d->want[i] = 1;
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < K_COUNT; i++)
			if (strcmp(tok, scenarios[i].name) == 0)
				break;
		if (i == K_COUNT) {
			fprintf(stderr, "tcpviz: --demo: no scenario '%s' "
			    "(tcpviz --demo-list shows them)\n", tok);
			return -1;
		}
		d->want[i] = any = 1;
	}
	return any ? 0 : -1;
}

/* The bundled programs live next to the tcpviz binary. */
static int
find_programs(struct demo *d)
{
	char self[PATH_MAX - 32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0)
		return -1;
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) != NULL)
		*slash = '\0';
	snprintf(d->server, sizeof(d->server), "%s/tcpviz-server", self);
	snprintf(d->client, sizeof(d->client), "%s/tcpviz-client", self);
	snprintf(d->craft, sizeof(d->craft), "%s/tcpviz-craft", self);
	if (access(d->server, X_OK) < 0 || access(d->client, X_OK) < 0) {
		fprintf(stderr, "tcpviz: --demo needs tcpviz-server and tcpviz-client "
		    "next to tcpviz (%s): run make\n", self);
		return -1;
	}
	return 0;
}

/* A port on 127.0.0.1 that is free for both TCP and UDP right now. */
static int
free_port(uint16_t *port, const uint16_t *taken, int ntaken)
{
	int tries, i;

	for (tries = 0; tries < 50; tries++) {
		struct sockaddr_in sa;
		socklen_t len = sizeof(sa);
		int t = socket(AF_INET, SOCK_STREAM, 0), u, ok = 1;

		if (t < 0)
			return -1;
		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (bind(t, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
		    getsockname(t, (struct sockaddr *)&sa, &len) < 0) {
			close(t);
			return -1;
		}
		u = socket(AF_INET, SOCK_DGRAM, 0);
		if (u < 0 || bind(u, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			ok = 0;
		for (i = 0; i < ntaken; i++)
			if (taken[i] == ntohs(sa.sin_port))
				ok = 0;
		if (u >= 0)
			close(u);
		close(t);
		if (ok) {
			*port = ntohs(sa.sin_port);
			return 0;
		}
	}
	return -1;
}

/* ---- the child: runs the programs ---- */

static struct demo *the_demo;	/* the child's: who programs run as */

/* The parent is gone or stopped us: end every program of ours (they share
 * our process group) and leave. */
static void
child_abort(void)
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
child_on_term(int sig)
{
	(void)sig;
	child_abort();
}

/* Has the parent closed its end of the acknowledgement pipe? */
static void
child_check_parent(void)
{
	struct pollfd pfd = { .fd = the_demo->ack[0], .events = POLLIN };

	/* between messages the parent writes nothing: readable means EOF */
	if (poll(&pfd, 1, 0) > 0)
		child_abort();
}

static void
child_say(struct demo *d, const char *fmt, int a, int b)
{
	char line[64], c;
	int n = snprintf(line, sizeof(line), fmt, a, b);

	if (write(d->ctl[1], line, (size_t)n) != n)
		child_abort();
	if (read(d->ack[0], &c, 1) != 1)	/* the parent drew what it had */
		child_abort();
}

/* Start prog with argv; stdout to /dev/null, stderr to *errfd (a pipe).
 * Every program but the crafter runs without root (as tcpviz itself does
 * once the capture is open). */
static pid_t
spawn(char *const argv[], int *errfd)
{
	int p[2];
	pid_t pid;

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
		}
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		if (the_demo && strcmp(argv[0], the_demo->craft) != 0 &&
		    tv_drop_privileges(the_demo->user) < 0)
			_exit(126);
		execv(argv[0], argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	*errfd = p[0];
	return pid;
}

/* Read what fd says within ms (up to size-1 bytes, through the first newline). */
static void
read_line(int fd, char *buf, size_t size, int ms)
{
	size_t k = 0;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	buf[0] = '\0';
	while (k + 1 < size && poll(&pfd, 1, ms) > 0) {
		ssize_t n = read(fd, buf + k, 1);

		if (n <= 0)
			break;
		k++;
		if (buf[k - 1] == '\n')
			break;
	}
	buf[k] = '\0';
	if (k && buf[k - 1] == '\n')
		buf[k - 1] = '\0';
}

/* Wait for pid at most ms; kill it after.  Returns its exit status or -1. */
static int
wait_for(pid_t pid, int ms)
{
	int st, i;

	for (i = 0; i < ms / 10; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		if (the_demo)
			child_check_parent();
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

static void
stop_server(pid_t pid, int errfd)
{
	if (pid > 0) {
		kill(pid, SIGTERM);
		wait_for(pid, 2000);
	}
	if (errfd >= 0)
		close(errfd);
}

/* Start a server and wait for its "... on ADDR:PORT" line. */
static pid_t
start_server(struct demo *d, char *const argv[], int *errfd, char *msg, size_t size)
{
	pid_t pid = spawn(argv, errfd);

	(void)d;
	if (pid < 0) {
		snprintf(msg, size, "cannot start %s", argv[0]);
		return -1;
	}
	read_line(*errfd, msg, size, 3000);
	if (strstr(msg, " on ") == NULL) {
		stop_server(pid, *errfd);
		*errfd = -1;
		return -1;
	}
	return pid;
}

static int
run_client(char *const argv[], int ms)
{
	int errfd, st;
	pid_t pid = spawn(argv, &errfd);
	char msg[256];

	if (pid < 0)
		return -1;
	st = wait_for(pid, ms);
	read_line(errfd, msg, sizeof(msg), 0);
	close(errfd);
	return st;
}

static int
scenario_child(struct demo *d, int k)
{
	char port[16], model[24], dir[] = "/tmp/tcpviz-demo-XXXXXX", file[64];
	char msg[256];
	int errfd = -1, st = 0, i;
	pid_t srv = -1, cl[MODEL_CLIENTS];

	snprintf(port, sizeof(port), "%u", d->port[k]);
	switch (k) {
	case K_ECHO: {
		/* the server waits before its own FIN: a four-way close */
		char *sv[] = { d->server, "--tcp", port, "--once", "--close-delay", "100",
		    NULL };
		char *cv[] = { d->client, "127.0.0.1", port, DEMO_MSG, NULL };

		if ((srv = start_server(d, sv, &errfd, msg, sizeof(msg))) < 0)
			return 100;
		st = run_client(cv, 5000);
		break;
	}
	case K_REFUSED: {
		char *cv[] = { d->client, "127.0.0.1", port, DEMO_MSG, NULL };

		/* refused is what we want: the client says so with status 1 */
		st = run_client(cv, 5000) == 1 ? 0 : 1;
		break;
	}
	case K_GREET: {
		char *sv[] = { d->server, "--tcp", port, "--mode=greet", "--once", NULL };
		char *cv[] = { d->client, "--greet", "127.0.0.1", port, NULL };

		if ((srv = start_server(d, sv, &errfd, msg, sizeof(msg))) < 0)
			return 100;
		st = run_client(cv, 5000);
		break;
	}
	case K_TRANSFER: {
		char *sv[] = { d->server, "--tcp", port, "--mode=store", "--dir", dir,
		    "--once", NULL };
		char *cv[] = { d->client, "--send", file, "127.0.0.1", port, NULL };
		unsigned char buf[4096];
		int fd;

		if (mkdtemp(dir) == NULL)
			return 101;
		snprintf(file, sizeof(file), "%s.send", dir);
		if ((fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
			return 101;
		for (i = 0; i < TRANSFER_BYTES / (int)sizeof(buf); i++) {
			size_t j;

			for (j = 0; j < sizeof(buf); j++)
				buf[j] = (unsigned char)(j * 31 + (size_t)i * 7);
			if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
				st = 101;
		}
		close(fd);
		if (st == 0) {
			if ((srv = start_server(d, sv, &errfd, msg, sizeof(msg))) < 0)
				st = 100;
			else
				st = run_client(cv, 10000);
		}
		unlink(file);
		snprintf(file, sizeof(file), "%s/tcpviz-demo-XXXXXX.send", dir);
		stop_server(srv, errfd);
		srv = -1;
		errfd = -1;
		/* the stored copy is named after the file sent */
		{
			const char *base = strrchr(dir, '/') + 1;
			char stored[128];

			snprintf(stored, sizeof(stored), "%s/%s.send", dir, base);
			unlink(stored);
		}
		rmdir(dir);
		break;
	}
	case K_UDP: {
		char *sv[] = { d->server, "--udp", port, NULL };
		char *cv[] = { d->client, "--udp", "127.0.0.1", port, "one", "two",
		    "three", NULL };

		if ((srv = start_server(d, sv, &errfd, msg, sizeof(msg))) < 0)
			return 100;
		st = run_client(cv, 5000);
		break;
	}
	case K_HALF_OPEN: {
		char *sv[] = { d->server, "--tcp", port, NULL };
		char *cv[] = { d->craft, "--seq", CRAFT_SEQ, "syn", "127.0.0.1", port, NULL };

		if (geteuid() != 0 || access(d->craft, X_OK) < 0)
			return SKIPPED;
		if ((srv = start_server(d, sv, &errfd, msg, sizeof(msg))) < 0)
			return 100;
		st = run_client(cv, 5000);
		break;
	}
	case K_RAW_REFUSED: {
		char *cv[] = { d->craft, "--seq", CRAFT_SEQ, "syn", "127.0.0.1", port, NULL };

		if (geteuid() != 0 || access(d->craft, X_OK) < 0)
			return SKIPPED;
		st = run_client(cv, 5000) == 0 ? 0 : 1;
		break;
	}
	case K_FORK:
	case K_THREAD:
	case K_EPOLL: {
		char *sv[] = { d->server, "--tcp", port, model, NULL };
		char *cv[] = { d->client, "127.0.0.1", port, DEMO_MSG, NULL };
		int e;

		snprintf(model, sizeof(model), "--model=%s", scenarios[k].name);
		if ((srv = start_server(d, sv, &errfd, msg, sizeof(msg))) < 0)
			return 100;
		for (i = 0; i < MODEL_CLIENTS; i++)
			cl[i] = spawn(cv, &e) , close(e);
		for (i = 0; i < MODEL_CLIENTS; i++)
			if (cl[i] < 0 || wait_for(cl[i], 5000) != 0)
				st = 1;
		break;
	}
	}
	stop_server(srv, errfd);
	return st;
}

static void
child_main(struct demo *d)
{
	int k;

	close(d->ctl[0]);
	close(d->ack[1]);
	the_demo = d;
	/* our own process group, which child_abort() ends: the terminal's
	 * Ctrl-C goes to tcpviz, which then closes the pipes; a tcpviz that
	 * dies sends SIGTERM */
	setpgid(0, 0);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, child_on_term);
	signal(SIGHUP, child_on_term);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() == 1)
		child_abort();
	for (k = 0; k < K_COUNT; k++) {
		if (!d->want[k])
			continue;
		child_say(d, "B %d %d\n", k, 0);
		child_say(d, "E %d %d\n", k, scenario_child(d, k));
	}
	child_say(d, "Q %d %d\n", 0, 0);
	_exit(0);
}

/* ---- the parent: draws and checks ---- */

static void
on_conn(const struct tv_conn *c, void *ctx)
{
	struct demo *d = ctx;
	struct seen *s;

	if (d->cur < 0 || d->nseen >= MAX_SEEN)
		return;
	s = &d->seen[d->nseen++];
	memset(s, 0, sizeof(*s));
	s->proto = c->proto;
	s->cport = c->port[TV_CLIENT];
	s->sport = c->port[TV_SERVER];
	memcpy(s->pkts, c->pkts, sizeof(s->pkts));
	memcpy(s->bytes, c->bytes, sizeof(s->bytes));
	if (c->proto == 6) {
		s->open = tv_tcp_open(&c->tcp);
		s->close = tv_tcp_close(&c->tcp);
		s->closed_by = tv_tcp_closed_by(&c->tcp);
		s->reset_by = c->tcp.rst_end_side;
		s->isn_client = c->isn[TV_CLIENT];
	}
}

/* Did scenario k produce what it should?  NULL, or what went wrong. */
static const char *
check(struct demo *d, int k, char *why, size_t size)
{
	struct seen *s = d->seen;
	int i, j;

	if (d->end_status == 100) {
		snprintf(why, size, "the server did not start: port %u taken?", d->port[k]);
		return why;
	}
	if (d->end_status != 0) {
		snprintf(why, size, "the client failed (status %d)", d->end_status);
		return why;
	}
	if (k == K_HALF_OPEN || k == K_RAW_REFUSED) {
		if (d->nseen != 1 || s->isn_client != 1000 ||
		    s->open != (k == K_HALF_OPEN ? TV_OPEN_HALF_OPEN : TV_OPEN_REFUSED) ||
		    s->close != TV_CLOSE_RESET ||
		    s->reset_by != (k == K_HALF_OPEN ? 0 : 1))
			goto bad;
		return NULL;
	}
	switch (k) {
	case K_ECHO:
		if (d->nseen != 1 || s->proto != 6 || s->open != TV_OPEN_THREE_WAY ||
		    s->close != TV_CLOSE_FOUR_WAY ||
		    s->closed_by != 0 || s->bytes[0] != strlen(DEMO_MSG) ||
		    s->bytes[1] != strlen(DEMO_MSG))
			goto bad;
		return NULL;
	case K_REFUSED:
		if (d->nseen != 1 || s->open != TV_OPEN_REFUSED ||
		    s->close != TV_CLOSE_RESET || s->reset_by != 1)
			goto bad;
		return NULL;
	case K_GREET:
		if (d->nseen != 1 || s->open != TV_OPEN_THREE_WAY || s->closed_by != 1 ||
		    s->bytes[0] != 0 || s->bytes[1] == 0)
			goto bad;
		return NULL;
	case K_TRANSFER:
		if (d->nseen != 1 || s->open != TV_OPEN_THREE_WAY ||
		    s->close == TV_CLOSE_RESET || s->bytes[0] <= TRANSFER_BYTES)
			goto bad;
		return NULL;
	case K_UDP:
		if (d->nseen != 1 || s->proto != 17 || s->pkts[0] != UDP_MSGS ||
		    s->pkts[1] != UDP_MSGS)
			goto bad;
		return NULL;
	default:
		if (d->nseen != MODEL_CLIENTS)
			goto bad;
		for (i = 0; i < d->nseen; i++) {
			if (s[i].open != TV_OPEN_THREE_WAY || s[i].sport != d->port[k])
				goto bad;
			for (j = 0; j < i; j++)
				if (s[j].cport == s[i].cport)
					goto bad;
		}
		return NULL;
	}
bad:
	snprintf(why, size, "the capture did not show the expected exchange "
	    "(%d connection%s seen)", d->nseen, d->nseen == 1 ? "" : "s");
	return why;
}

static void
say_blank(struct tv_run *run)
{
	run->out.write(run->out.ctx, "\n", 1);
}

static void
on_ctl(struct tv_run *run, void *ctx)
{
	struct demo *d = ctx;
	char line[64];
	int a = 0, b = 0;

	read_line(d->ctl[0], line, sizeof(line), 0);
	if (line[0] == '\0') {		/* the child is gone */
		d->quit = 1;
		run->stop = 1;
		return;
	}
	sscanf(line + 1, "%d %d", &a, &b);
	switch (line[0]) {
	case 'B':
		d->cur = a;
		d->nseen = 0;
		/* hand-built SYNs are about their sequence numbers: seq=1000,
		 * ack=1001, as in the textbook diagram */
		run->ro.absolute = d->absolute || a == K_HALF_OPEN || a == K_RAW_REFUSED;
		say_blank(run);
		tv_run_say(run, 4, "=== %s: %s", scenarios[a].name, scenarios[a].caption);
		say_blank(run);
		if (write(d->ack[1], "k", 1) != 1)
			d->quit = 1;
		break;
	case 'E':
		d->end_status = b;
		d->ended = 1;
		run->stop = 1;		/* drain, check, then ack */
		break;
	default:
		d->quit = 1;
		run->stop = 1;
		if (write(d->ack[1], "k", 1) != 1)
			break;
		break;
	}
}

/*
 * The scenario is over: let its connections close, check what the tracker
 * saw, say so after its rows, and let the display catch up before the
 * next one begins.
 */
static void
finish_scenario(struct demo *d, struct tv_run *run, struct tv_cap *cap)
{
	const char *name = scenarios[d->cur].name;
	char why[160];

	run->stop = 0;
	run->until_idle = 1;
	run->deadline_ns = tv_run_now_ns() + 2000000000LL;
	tv_run_loop(run, cap);
	run->until_idle = 0;
	run->deadline_ns = 0;
	if (tv_run_open_conns(run) > 0)
		tv_flow_finish(run->flow);	/* UDP flows never close */
	if (d->end_status == SKIPPED) {
		tv_run_say(run, 4, "--- %s: skipped: the crafter needs root (raw sockets)",
		    name);
	} else if (check(d, d->cur, why, sizeof(why)) != NULL) {
		tv_run_say(run, 4, "!!! %s: %s", name, why);
		d->failures++;
	} else {
		tv_run_say(run, 4, "--- %s: as expected", name);
	}
	tv_run_drain(run);
	d->ended = 0;
	d->cur = -1;
}

/* Stop the scenario runner: closing the pipes tells it to end its programs
 * (it may be root while we are not, so it ends them itself). */
static void
stop_child(struct demo *d, pid_t child)
{
	int i;

	close(d->ctl[0]);
	close(d->ack[1]);
	for (i = 0; i < 500; i++) {
		if (waitpid(child, NULL, WNOHANG) == child)
			return;
		usleep(10000);
	}
	kill(-child, SIGKILL);
	waitpid(child, NULL, 0);
}

int
tv_demo_main(struct tv_demo_opts *o, struct tv_run *run)
{
	struct demo d;
	char filter[512];
	struct tv_cap *cap;
	size_t k = 0;
	int i, n = 0, err, status;
	pid_t child;

	memset(&d, 0, sizeof(d));
	d.cur = -1;
	d.run = run;
	if (parse_list(&d, o->list) < 0 || find_programs(&d) < 0)
		return TV_EXIT_ERROR;
	for (i = 0; i < K_COUNT; i++) {
		if (!d.want[i])
			continue;
		if (free_port(&d.port[i], d.port, K_COUNT) < 0) {
			fprintf(stderr, "tcpviz: --demo: no free port on 127.0.0.1\n");
			return TV_EXIT_ERROR;
		}
		k += (size_t)snprintf(filter + k, sizeof(filter) - k, "%sport %u",
		    n++ ? " or " : "", d.port[i]);
	}
	o->live.iface = "lo";
	cap = tv_cap_open_live(&o->live, filter, &err, run->errbuf);
	if (cap == NULL) {
		if (err == TV_CAP_EPERM)
			fprintf(stderr, "tcpviz: --demo captures on lo and needs CAP_NET_RAW: "
			    "run it as root (sudo tcpviz --demo, or sudo make demo), or "
			    "give the binary the capability (make setcap)\n");
		else
			fprintf(stderr, "tcpviz: lo: %s\n", run->errbuf);
		return TV_EXIT_ERROR;
	}
	d.user = o->user;
	d.absolute = run->ro.absolute;
	if (pipe(d.ctl) < 0 || pipe(d.ack) < 0) {
		fprintf(stderr, "tcpviz: pipe: %s\n", strerror(errno));
		tv_cap_close(cap);
		return TV_EXIT_ERROR;
	}

	run->live = 1;
	run->linger_ns = 300 * 1000000ULL;
	run->pace_ms = o->pace_ms >= 0 ? o->pace_ms : (isatty(1) ? 60 : 0);
	run->on_conn = on_conn;
	run->on_conn_ctx = &d;
	run->aux_fd = d.ctl[0];
	run->on_aux = on_ctl;
	run->aux_ctx = &d;
	if (tv_run_init(run) < 0) {
		tv_cap_close(cap);
		return TV_EXIT_ERROR;
	}
	tv_run_signals();
	tv_run_say(run, 4, "tcpviz demo: capturing on lo (filter: %s)", filter);

	child = fork();
	if (child < 0) {
		fprintf(stderr, "tcpviz: fork: %s\n", strerror(errno));
		tv_cap_close(cap);
		return TV_EXIT_ERROR;
	}
	if (child == 0) {
		/* the scenario runner keeps root for the crafter only */
		tv_cap_close(cap);
		child_main(&d);
	}
	setpgid(child, child);	/* as the child does itself: no race */
	close(d.ctl[1]);
	close(d.ack[0]);
	if (tv_drop_privileges(o->user) < 0 ||
	    (o->wfile && tv_cap_dump_open(cap, o->wfile, run->errbuf) < 0)) {
		if (o->wfile && run->errbuf[0])
			fprintf(stderr, "tcpviz: %s: %s\n", o->wfile, run->errbuf);
		kill(child, SIGTERM);
		waitpid(child, NULL, 0);
		tv_cap_close(cap);
		return TV_EXIT_ERROR;
	}

	status = TV_EXIT_OK;
	while (!d.quit && !tv_run_signalled && !run->write_failed) {
		run->stop = 0;
		if (tv_run_loop(run, cap) != TV_EXIT_OK) {
			fprintf(stderr, "tcpviz: lo: %s\n", run->errbuf);
			status = TV_EXIT_ERROR;
			break;
		}
		if (!d.ended)
			continue;
		finish_scenario(&d, run, cap);
		if (tv_run_signalled || run->write_failed ||
		    write(d.ack[1], "k", 1) != 1)
			break;
	}
	stop_child(&d, child);
	run->on_conn = NULL;
	say_blank(run);
	tv_run_finish(run);
	if (tv_cap_close(cap) != 0)
		fprintf(stderr, "tcpviz: %s: writing the capture failed\n", o->wfile);
	status = tv_run_output_status(run, status);
	if (status != TV_EXIT_OK)
		return status;
	if (tv_run_signalled) {
		fprintf(stderr, "tcpviz: demo interrupted\n");
		return TV_EXIT_DEMO;
	}
	if (d.failures) {
		fprintf(stderr, "tcpviz: demo: %d scenario%s did not go as expected\n",
		    d.failures, d.failures == 1 ? "" : "s");
		return TV_EXIT_DEMO;
	}
	return TV_EXIT_OK;
}
