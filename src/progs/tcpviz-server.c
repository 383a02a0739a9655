/* \summary: tcpviz-server: echo, greet and store servers on real sockets, for the live demo */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/epoll.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "tv_callrep.h"
#include "tv_msg.h"
#include "tv_sock.h"
#include "tv_store.h"
#include "tv_util.h"

#define PROG		"tcpviz-server"
#define GREETING	"Hello from tcpviz-server\n"
#define BACKLOG		128
#define BUFSZ		16384		/* one read; echo writes it back before reading more */
#define IDLE_MS		(300 * 1000)	/* a connection silent this long is dropped */
#define FIRST_MS	(10 * 1000)	/* ... one that has sent nothing yet, this long */
#define GRACE_MS	2000		/* SIGINT/SIGTERM: time open connections get to finish */
#define LINGER_MS	2000		/* store: time to drain a refused upload, see sess_fail() */
#define MAX_CONNS_DEFAULT 64
#define MAX_CONNS_EPOLL	1024		/* the event loop's default: a socket costs it little */
#define MAX_CONNS_LIMIT	10000

enum mode { MODE_ECHO, MODE_GREET, MODE_STORE };
enum model { MODEL_FORK, MODEL_THREAD, MODEL_EPOLL, MODEL_ITERATIVE, MODEL_POLL,
    MODEL_PREFORK, MODEL_COUNT };

static const char *const mode_names[] = {
	[MODE_ECHO] = "echo",
	[MODE_GREET] = "greet",
	[MODE_STORE] = "store",
};

static const char *const model_names[] = {
	[MODEL_FORK] = "fork",
	[MODEL_THREAD] = "thread",
	[MODEL_EPOLL] = "epoll",
	[MODEL_ITERATIVE] = "iterative",
	[MODEL_POLL] = "poll",
	[MODEL_PREFORK] = "prefork",
};

#define PREFORK_WORKERS	2	/* prefork: the worker processes */

/* Set once by main() before any connection; read-only afterwards. */
static struct {
	enum mode mode;
	enum model model;
	int udp;
	int port;
	const char *bind;	/* --bind; NULL: both loopback addresses */
	int max_conns;
	char dir[PATH_MAX];
	int once;
	int quiet;
	int close_delay_ms;	/* echo: wait this long after the peer's FIN */
	int backlog;		/* listen()'s backlog (--backlog) */
	int accept_delay_ms;	/* iterative: wait this long before each accept() */
} cfg;

/*
 * The self-pipe: the signal handler writes the signal number, a finished
 * thread writes 0.  Every model's main loop polls the read end, so a
 * signal is seen wherever it lands and whichever thread it interrupts.
 */
static int wake_pipe[2] = { -1, -1 };

/* --once: how the one connection went (0 or 1); the exit status. */
static int once_status;

/* ---------------------------------------------------------------- */
/* messages */

/* errors, always printed; informational lines (the start line,
 * connections coming and going), which -q hides */
#define complain(...) tv_msg_say(PROG, __VA_ARGS__)
#define note(...) do { if (!cfg.quiet) tv_msg_say(PROG, __VA_ARGS__); } while (0)

/* ---------------------------------------------------------------- */
/*
 * One connection's protocol, whatever model drives it.  The driver reads
 * only when `out` is empty and never more than BUFSZ, feeds what it read
 * to sess_input() (or calls sess_eof()), writes `out` and closes once
 * `closing` is set and `out` is written.  So echo, greet and store are
 * written once and behave the same under every model: serve_blocking()
 * drives them for fork, thread and iterative, the event loop (run_loop())
 * for epoll, poll and each prefork worker.
 */

enum phase { PH_HEADER, PH_DATA, PH_DONE };

struct sess {
	char peer[TV_SOCK_ADDRSTRLEN];
	char out[BUFSZ];
	size_t out_off, out_len;
	int closing;		/* close once out is written */
	int linger;		/* then shut down our side and discard input until EOF */
	int failed;
	uint64_t bytes;		/* echoed, or received into the file */

	/* store */
	enum phase phase;
	struct tv_store_line line;	/* the header as it arrives */
	struct tv_store_hdr hdr;	/* and once it is checked */
	uint32_t crc;
	int file_fd;		/* the temporary file, -1 when none is open */
	char tmp[PATH_MAX];
};

static void
sess_reply(struct sess *s, const char *text)
{
	size_t n = strlen(text);

	if (n > sizeof(s->out) - s->out_len)
		n = sizeof(s->out) - s->out_len;
	memcpy(s->out + s->out_len, text, n);
	s->out_len += n;
	s->closing = 1;
}

/*
 * A protocol error: tell the client why ("ERR ...") and close.  The
 * client may still be sending the file; closing with unread input would
 * answer with a RST, which can overtake the ERR line.  So the driver
 * lingers, as web servers do: it sends FIN after the reply and reads and
 * discards until the client closes, for at most LINGER_MS.
 */
static void
sess_fail(struct sess *s, const char *why)
{
	char line[TV_STORE_REPLY_MAX];

	complain("%s: %s", s->peer, why);
	s->failed = 1;
	tv_store_reply_err(line, sizeof(line), why);
	sess_reply(s, line);
	s->linger = 1;
}

/* The socket itself failed (reset, timeout): nothing more can be said. */
static void
sess_abort(struct sess *s, const char *what, const char *why)
{
	complain("%s: %s: %s", s->peer, what, why);
	s->failed = 1;
	s->out_off = s->out_len = 0;
	s->closing = 1;
	s->linger = 0;
}

static void
sess_init(struct sess *s, int fd)
{
	s->out_off = s->out_len = 0;
	s->closing = s->linger = s->failed = 0;
	s->bytes = 0;
	s->phase = PH_HEADER;
	tv_store_line_init(&s->line);
	s->hdr.name[0] = '\0';
	s->hdr.size = 0;
	s->crc = 0;
	s->file_fd = -1;
	s->tmp[0] = '\0';
	tv_sock_name(fd, 1, s->peer, sizeof(s->peer));
	note("%s connected", s->peer);
	if (cfg.mode == MODE_GREET)
		sess_reply(s, GREETING);	/* and close first: server-initiated close */
}

/* The header line is in: check it and open a temporary file next to the target. */
static int
store_begin(struct sess *s)
{
	char why[TV_STORE_REPLY_MAX];

	if (tv_store_header_parse(s->line.text, s->line.len, &s->hdr, why,
	    sizeof(why)) < 0) {
		sess_fail(s, why);
		return -1;
	}
	errno = ENAMETOOLONG;
	if ((size_t)snprintf(s->tmp, sizeof(s->tmp), "%s/.tcpviz-XXXXXX",
	    cfg.dir) >= sizeof(s->tmp) ||
	    (s->file_fd = mkstemp(s->tmp)) < 0) {
		snprintf(why, sizeof(why), "cannot create a file in the store "
		    "directory: %s", strerror(errno));
		s->tmp[0] = '\0';
		sess_fail(s, why);
		return -1;
	}
	s->phase = PH_DATA;
	return 0;
}

/* All SIZE bytes are in: move the file into place and reply. */
static void
store_finish(struct sess *s)
{
	char path[PATH_MAX], why[TV_STORE_REPLY_MAX];
	int fd = s->file_fd;

	s->file_fd = -1;
	if (close(fd) < 0) {
		snprintf(why, sizeof(why), "writing %.64s: %s", s->hdr.name,
		    strerror(errno));
		sess_fail(s, why);
		return;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", cfg.dir, s->hdr.name) >=
	    sizeof(path)) {
		sess_fail(s, "storing the file: path too long");
		return;
	}
	/* link(2), not rename(2): a file stored before is never replaced */
	if (link(s->tmp, path) < 0) {
		snprintf(why, sizeof(why), errno == EEXIST ? "%.64s is stored "
		    "already: not replaced" : "storing %.64s: %s", s->hdr.name,
		    strerror(errno));
		sess_fail(s, why);
		return;
	}
	unlink(s->tmp);
	s->tmp[0] = '\0';
	s->phase = PH_DONE;
	note("%s: stored %s (%llu bytes, crc32 %08x)", s->peer, path,
	    (unsigned long long)s->hdr.size, s->crc);
	tv_store_reply_ok(why, sizeof(why), s->hdr.size, s->crc);
	sess_reply(s, why);
}

static void
store_input(struct sess *s, const char *p, size_t n)
{
	char why[TV_STORE_REPLY_MAX];
	ssize_t w;

	if (s->phase == PH_HEADER) {
		if ((w = tv_store_line_add(&s->line, p, n)) < 0) {
			sess_fail(s, "bad header: too long");
			return;
		}
		p += w;
		n -= (size_t)w;
		if (!s->line.complete || store_begin(s) < 0)
			return;
	}
	if (s->phase != PH_DATA)
		return;
	if (n > s->hdr.size - s->bytes) {
		sess_fail(s, "more data than the header announced");
		return;
	}
	s->crc = tv_store_crc32(s->crc, p, n);
	s->bytes += n;
	while (n > 0) {
		w = write(s->file_fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(why, sizeof(why), "writing %.64s: %s", s->hdr.name,
			    w < 0 ? strerror(errno) : "no space");
			sess_fail(s, why);
			return;
		}
		p += w;
		n -= (size_t)w;
	}
	if (s->bytes == s->hdr.size)
		store_finish(s);
}

static void
sess_input(struct sess *s, const char *p, size_t n)
{
	switch (cfg.mode) {
	case MODE_ECHO:
		/* out is empty whenever the driver reads, and n <= BUFSZ */
		memcpy(s->out, p, n);
		s->out_off = 0;
		s->out_len = n;
		s->bytes += n;
		break;
	case MODE_GREET:
		break;
	case MODE_STORE:
		store_input(s, p, n);
		break;
	}
}

/* The peer shut its side down. */
static void
sess_eof(struct sess *s)
{
	char why[TV_STORE_REPLY_MAX];

	if (cfg.mode != MODE_STORE || s->phase == PH_DONE) {
		s->closing = 1;		/* echo: the peer closed first */
		return;
	}
	if (s->phase == PH_HEADER)
		snprintf(why, sizeof(why), "peer closed before the header ended");
	else
		snprintf(why, sizeof(why), "peer closed after %llu of %llu bytes",
		    (unsigned long long)s->bytes, (unsigned long long)s->hdr.size);
	sess_fail(s, why);
}

/* Release what the session holds.  Returns 0 when it went well, else -1. */
static int
sess_end(struct sess *s)
{
	if (s->file_fd >= 0) {
		close(s->file_fd);
		s->file_fd = -1;
	}
	if (s->tmp[0] != '\0') {
		unlink(s->tmp);
		s->tmp[0] = '\0';
	}
	if (!s->failed) {
		if (cfg.mode == MODE_ECHO)
			note("%s closed, %llu bytes echoed", s->peer,
			    (unsigned long long)s->bytes);
		else if (cfg.mode == MODE_GREET)
			note("%s greeted and closed", s->peer);
	}
	return s->failed ? -1 : 0;
}

/*
 * --close-delay: the peer has closed its side; acknowledge its FIN at
 * once (TCP_QUICKACK: Linux would delay that ACK and let it ride on our
 * FIN) so the close shows as four segments, FIN, ACK, FIN, ACK.
 */
static void
ack_fin_now(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
}

struct grace;
static int iter_wait(int fd, struct grace *g, int timeout_ms, char *errbuf);

/*
 * Drive a session over a blocking socket (fork, thread and iterative
 * models).  g is NULL but in the iterative model, where this runs in the
 * main thread: each wait for input then watches the self-pipe too (see
 * iter_wait()).  The caller closes fd.  Returns 0 when the session went
 * well, else -1.
 */
static int
serve_blocking(int fd, struct grace *g)
{
	char errbuf[TV_ERRBUF_SIZE];
	struct sess *s;
	char *in;
	ssize_t n;
	int r, got = 0;

	s = malloc(sizeof(*s));
	in = malloc(BUFSZ);
	if (s == NULL || in == NULL) {
		complain("out of memory");
		free(s);
		free(in);
		return -1;
	}
	sess_init(s, fd);
	for (;;) {
		if (s->out_off < s->out_len) {
			if (tv_sock_write_all(fd, s->out + s->out_off,
			    s->out_len - s->out_off, IDLE_MS, errbuf) < 0) {
				sess_abort(s, "write", errbuf);
				break;
			}
			s->out_off = s->out_len = 0;
		}
		if (s->closing)
			break;
		/* a client that connects and says nothing holds a slot for
		 * FIRST_MS, not IDLE_MS (a slow attack on --max-conns) */
		if (g != NULL && iter_wait(fd, g, got ? IDLE_MS : FIRST_MS,
		    errbuf) < 0) {
			sess_abort(s, "read", errbuf);
			break;
		}
		n = tv_sock_read(fd, in, BUFSZ, got ? IDLE_MS : FIRST_MS, errbuf);
		if (n > 0)
			got = 1;
		if (n < 0) {
			sess_abort(s, "read", errbuf);
			break;
		}
		if (n == 0)
			sess_eof(s);
		else
			sess_input(s, in, (size_t)n);
	}
	if (s->closing && !s->failed && cfg.close_delay_ms > 0) {
		struct timespec ts = { cfg.close_delay_ms / 1000,
		    (long)(cfg.close_delay_ms % 1000) * 1000000L };

		ack_fin_now(fd);
		nanosleep(&ts, NULL);
	}
	if (s->linger) {
		int64_t end = tv_now_ms() + LINGER_MS, left;

		tvc_shutdown(fd, SHUT_WR);
		while ((left = end - tv_now_ms()) > 0 &&
		    tv_sock_read(fd, in, BUFSZ, (int)left, errbuf) > 0)
			continue;
	}
	r = sess_end(s);
	free(in);
	free(s);
	return r;
}

/* ---------------------------------------------------------------- */
/* signals */

static void
on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;

	if (write(wake_pipe[1], &b, 1) < 0) {
		/* the pipe is full: the loop has wake-ups to read already */
	}
	errno = saved;
}

/*
 * Read everything waiting in the self-pipe.  Returns how many SIGINT or
 * SIGTERM came.  SIGCHLD and a thread's 0 need nothing more: the loop
 * reaps children and counts threads on every turn anyway.
 */
static int
drain_wakeups(void)
{
	unsigned char b[64];
	ssize_t n, i;
	int stops = 0;

	while ((n = read(wake_pipe[0], b, sizeof(b))) > 0)
		for (i = 0; i < n; i++) {
			if (b[i] == SIGINT || b[i] == SIGTERM)
				stops++;
		}
	return stops;
}

/* Block the signals the main loop handles; *old gets the mask to restore. */
static void
block_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

/*
 * What the TCP loops know of a shutdown: SIGINT or SIGTERM starts
 * GRACE_MS for the open connections to finish (until deadline).
 */
struct grace {
	int stopping;
	int64_t deadline;
};

enum { WAKE_STOP = 1, WAKE_AGAIN = 2 };

/*
 * The self-pipe is readable: read it.  WAKE_STOP: the first SIGINT or
 * SIGTERM came (the caller closes its listener, then calls
 * grace_begin()); WAKE_AGAIN: one more came, so cut at once.
 */
static int
take_wakeups(struct grace *g)
{
	int stops = drain_wakeups(), r = 0;

	if (stops > 0 && !g->stopping) {
		g->stopping = 1;
		stops--;
		r = WAKE_STOP;
	}
	return stops > 0 ? r | WAKE_AGAIN : r;
}

static void
grace_begin(struct grace *g, int nconns)
{
	g->deadline = tv_now_ms() + GRACE_MS;
	if (nconns > 0)
		note("shutting down: %d connection(s) get %d ms to finish", nconns,
		    GRACE_MS);
}

/* ---------------------------------------------------------------- */
/* fork and thread: a blocking accept loop hands each connection out */

/* The listeners: 127.0.0.1 and ::1 by default, the --bind address alone
 * with it; nlisten is 0 once they are closed. */
static int listen_fds[2] = { -1, -1 };
static int nlisten;

static pid_t *kids;		/* fork: the children serving connections */
static int nkids;

static pthread_mutex_t tlock = PTHREAD_MUTEX_INITIALIZER;
static int *tfds;		/* thread: each running thread's socket, or -1 */
static int nthreads;		/* under tlock */

struct targ {
	int fd;
	int slot;
};

/* Stop accepting: no more connections than there are. */
static void
close_listener(void)
{
	int i;

	for (i = 0; i < nlisten; i++) {
		tvc_close(listen_fds[i]);
		listen_fds[i] = -1;
	}
	nlisten = 0;
}

static void
reap_children(void)
{
	pid_t pid;
	int st, i;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (i = 0; i < nkids; i++)
			if (kids[i] == pid) {
				kids[i] = kids[--nkids];
				break;
			}
		if (cfg.once)
			once_status = WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
	}
}

static int
start_child(int fd)
{
	struct sigaction sa;
	pid_t pid;
	int r;

	pid = fork();
	if (pid < 0) {
		complain("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* The child serves fd only; Ctrl-C or SIGTERM ends it at once. */
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGCHLD, &sa, NULL);
		close_listener();
		close(wake_pipe[0]);
		close(wake_pipe[1]);
		r = serve_blocking(fd, NULL);
		tvc_close(fd);	/* as _exit() would, but a call the demo shows */
		_exit(r < 0 ? 1 : 0);
	}
	kids[nkids++] = pid;
	return 0;
}

static void *
conn_thread(void *arg)
{
	struct targ t = *(struct targ *)arg;
	unsigned char zero = 0;
	int r;

	free(arg);
	r = serve_blocking(t.fd, NULL);
	/* out of the table before close(), so that a shutdown() from the
	 * main thread never hits a descriptor number already reused */
	pthread_mutex_lock(&tlock);
	tfds[t.slot] = -1;
	pthread_mutex_unlock(&tlock);
	tvc_close(t.fd);
	pthread_mutex_lock(&tlock);
	if (cfg.once)
		once_status = r < 0;
	nthreads--;
	if (write(wake_pipe[1], &zero, 1) < 0) {
		/* pipe full: the main loop wakes up anyway */
	}
	pthread_mutex_unlock(&tlock);
	return NULL;
}

static int
start_thread(int fd)
{
	pthread_attr_t attr;
	pthread_t tid;
	struct targ *t;
	sigset_t old;
	int slot, r;

	if ((t = malloc(sizeof(*t))) == NULL) {
		complain("out of memory");
		return -1;
	}
	pthread_mutex_lock(&tlock);
	for (slot = 0; slot < cfg.max_conns && tfds[slot] >= 0; slot++)
		continue;
	/* the accept loop keeps nthreads < max_conns, so a slot is free */
	tfds[slot] = fd;
	nthreads++;
	pthread_mutex_unlock(&tlock);
	t->fd = fd;
	t->slot = slot;

	/* threads start with the signals blocked: they always reach the
	 * main thread, whose poll() is the one that should wake up */
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	block_signals(&old);
	r = pthread_create(&tid, &attr, conn_thread, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (r != 0) {
		complain("pthread_create: %s", strerror(r));
		pthread_mutex_lock(&tlock);
		tfds[slot] = -1;
		nthreads--;
		pthread_mutex_unlock(&tlock);
		free(t);
		return -1;
	}
	return 0;
}

static int
active_conns(void)
{
	int n;

	if (cfg.model == MODEL_FORK)
		return nkids;
	pthread_mutex_lock(&tlock);
	n = nthreads;
	pthread_mutex_unlock(&tlock);
	return n;
}

/* Grace is over: end the connections still open. */
static void
cut_conns(void)
{
	int i;

	if (cfg.model == MODEL_FORK) {
		for (i = 0; i < nkids; i++)
			kill(kids[i], SIGTERM);
		return;
	}
	/* a blocked read() returns 0 and the thread winds up normally */
	pthread_mutex_lock(&tlock);
	for (i = 0; i < cfg.max_conns; i++)
		if (tfds[i] >= 0)
			tvc_shutdown(tfds[i], SHUT_RDWR);
	pthread_mutex_unlock(&tlock);
}

static int
accept_one(int lfd, int flags)
{
	int fd;

	fd = tvc_accept4(lfd, SOCK_CLOEXEC | flags);
	if (fd >= 0)
		return fd;
	switch (errno) {
	case EAGAIN:
#if EWOULDBLOCK != EAGAIN
	case EWOULDBLOCK:
#endif
	case EINTR:
	case ECONNABORTED:
	case EPROTO:
		break;
	case EMFILE:
	case ENFILE:
	case ENOBUFS:
	case ENOMEM:
		/* out of descriptors: pause rather than spin on the listener */
		complain("accept: %s", strerror(errno));
		poll(NULL, 0, 100);
		break;
	default:
		complain("accept: %s", strerror(errno));
		break;
	}
	return -1;
}

/* The tables of children or threads: the size of --max-conns. */
static int
alloc_workers(void)
{
	if (cfg.model == MODEL_FORK)
		kids = calloc(cfg.max_conns, sizeof(*kids));
	else if ((tfds = malloc(cfg.max_conns * sizeof(*tfds))) != NULL)
		memset(tfds, 0xff, cfg.max_conns * sizeof(*tfds));	/* all -1 */
	if (kids == NULL && tfds == NULL) {
		complain("out of memory");
		return -1;
	}
	return 0;
}

/* A listener is readable: hand the connection to a child or a thread. */
static void
accept_blocking(int lfd)
{
	int fd, r;

	if ((fd = accept_one(lfd, 0)) < 0)
		return;
	r = cfg.model == MODEL_FORK ? start_child(fd) : start_thread(fd);
	if (cfg.model == MODEL_FORK || r < 0)
		tvc_close(fd);	/* the child has its own copy */
	if (cfg.once) {
		close_listener();
		if (r < 0)
			once_status = 1;
	}
}

/* Say so when --max-conns is reached: new connections wait in the listen
 * queue then, and the one who waits should find out why. */
static void
note_full(int full)
{
	static int was_full;

	if (full && !was_full && nlisten > 0)
		note("%d connections open (--max-conns): new ones wait in the "
		    "listen queue", cfg.max_conns);
	was_full = full;
}

/*
 * One turn of the fork and thread models: wait for a signal, a finished
 * worker or a connection (with `active` running, `cut` once they were
 * told to end), and take it.  Returns 0, or -1 when poll() failed.
 */
static int
blocking_turn(struct grace *g, int active, int cut)
{
	struct pollfd pfd[3];
	int npfd = 1, timeout = -1, w, i;

	pfd[0].fd = wake_pipe[0];
	pfd[0].events = POLLIN;
	note_full(active >= cfg.max_conns);
	if (active < cfg.max_conns)
		for (i = 0; i < nlisten; i++) {
			pfd[npfd].fd = listen_fds[i];
			pfd[npfd].events = POLLIN;
			pfd[npfd++].revents = 0;
		}
	if (g->stopping) {
		timeout = (int)(g->deadline - tv_now_ms());
		if (timeout < 0)
			timeout = 0;
	}
	if (poll(pfd, npfd, timeout) < 0) {
		if (errno == EINTR)
			return 0;
		complain("poll: %s", strerror(errno));
		return -1;
	}
	if (pfd[0].revents & POLLIN) {
		w = take_wakeups(g);
		if (w & WAKE_STOP) {
			close_listener();
			grace_begin(g, active);
		}
		if ((w & WAKE_AGAIN) && !cut)
			g->deadline = tv_now_ms();	/* asked twice: cut now */
	}
	if (cfg.model == MODEL_FORK)
		reap_children();
	/* one connection per listener and turn: neither address starves the
	 * other, and --max-conns is checked again before the next */
	for (i = 1; i < npfd && nlisten > 0; i++)
		if ((pfd[i].revents & POLLIN) && active_conns() < cfg.max_conns)
			accept_blocking(pfd[i].fd);
	return 0;
}

/*
 * The fork and thread models.  On SIGINT/SIGTERM: close the listener, give
 * the open connections GRACE_MS to finish, then cut them (SIGTERM to the
 * children, shutdown() under the threads) and wait GRACE_MS more for them
 * to go; a second signal cuts at once.
 */
static int
run_blocking(void)
{
	char errbuf[TV_ERRBUF_SIZE];
	struct grace g = { 0, -1 };
	int cut = 0, active, i;

	if (alloc_workers() < 0)
		return 1;
	/* poll() said readable, but the client may be gone by accept() */
	for (i = 0; i < nlisten; i++)
		if (tv_sock_set_nonblock(listen_fds[i], 1, errbuf) < 0) {
			complain("listener: %s", errbuf);
			return 1;
		}
	for (;;) {
		active = active_conns();
		if (nlisten == 0 && active == 0)
			break;
		if (g.stopping && tv_now_ms() >= g.deadline) {
			if (cut) {
				complain("%d connection(s) still open; exiting anyway",
				    active);
				break;
			}
			cut_conns();
			cut = 1;
			g.deadline = tv_now_ms() + GRACE_MS;
		}
		if (blocking_turn(&g, active, cut) < 0)
			return 1;
	}
	return cfg.once ? once_status : 0;
}

/* ---------------------------------------------------------------- */
/*
 * iterative: the tutorials' first server.  One thread accepts a
 * connection, serves it to the end and closes it, and only then accepts
 * the next.  Meanwhile the kernel completes the handshakes of the
 * clients that come and queues them (the listen backlog): their data is
 * acknowledged by the kernel at once but answered only when their turn
 * comes.
 */

/*
 * The iterative model's wait for input, in the main thread: fd or the
 * self-pipe, for at most timeout_ms.  A first SIGINT or SIGTERM closes
 * the listeners and gives the session GRACE_MS; a second, or the end of
 * the grace, cuts it.  Returns 0 when fd is readable, or -1 with the
 * reason in errbuf (timed out, server shutting down).
 */
static int
iter_wait(int fd, struct grace *g, int timeout_ms, char *errbuf)
{
	struct pollfd pfd[2];
	int64_t end = tv_now_ms() + timeout_ms, now, left;
	int w;

	for (;;) {
		now = tv_now_ms();
		if (g->stopping && now >= g->deadline) {
			snprintf(errbuf, TV_ERRBUF_SIZE, "server shutting down");
			return -1;
		}
		if (now >= end) {
			snprintf(errbuf, TV_ERRBUF_SIZE, "timed out after %g s",
			    timeout_ms / 1000.0);
			errno = ETIMEDOUT;
			return -1;
		}
		left = end - now;
		if (g->stopping && g->deadline - now < left)
			left = g->deadline - now;
		pfd[0].fd = fd;
		pfd[1].fd = wake_pipe[0];
		pfd[0].events = pfd[1].events = POLLIN;
		pfd[0].revents = pfd[1].revents = 0;
		if (poll(pfd, 2, (int)left) < 0 && errno != EINTR) {
			snprintf(errbuf, TV_ERRBUF_SIZE, "poll: %s", strerror(errno));
			return -1;
		}
		if (pfd[0].revents != 0)
			return 0;
		if (pfd[1].revents & POLLIN) {
			w = take_wakeups(g);
			if (w & WAKE_STOP) {
				close_listener();
				grace_begin(g, 1);
			}
			if (w & WAKE_AGAIN)
				g->deadline = tv_now_ms();	/* asked twice: cut now */
		}
	}
}

static int
run_iterative(void)
{
	char errbuf[TV_ERRBUF_SIZE];
	struct grace g = { 0, -1 };
	struct pollfd pfd[3];
	int i, n, fd, r;

	/* poll() said readable, but the client may be gone by accept() */
	for (i = 0; i < nlisten; i++)
		if (tv_sock_set_nonblock(listen_fds[i], 1, errbuf) < 0) {
			complain("listener: %s", errbuf);
			return 1;
		}
	while (nlisten > 0) {
		pfd[0].fd = wake_pipe[0];
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		for (n = 1; n <= nlisten; n++) {
			pfd[n].fd = listen_fds[n - 1];
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
		}
		if (poll(pfd, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			complain("poll: %s", strerror(errno));
			return 1;
		}
		if ((pfd[0].revents & POLLIN) && (take_wakeups(&g) & WAKE_STOP)) {
			close_listener();	/* nothing open: nothing to wait for */
			break;
		}
		/* one connection per listener and turn, each served to the
		 * end before the next accept() (accept4 gives a blocking socket) */
		for (i = 1; i < n && nlisten > 0; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			if (cfg.accept_delay_ms > 0) {	/* the queue fills meanwhile */
				struct timespec ts = { cfg.accept_delay_ms / 1000,
				    (long)(cfg.accept_delay_ms % 1000) * 1000000L };

				nanosleep(&ts, NULL);
			}
			if ((fd = accept_one(pfd[i].fd, 0)) < 0)
				continue;
			if (cfg.once)
				close_listener();
			r = serve_blocking(fd, &g);
			tvc_close(fd);
			if (cfg.once)
				once_status = r < 0;
		}
	}
	return cfg.once ? once_status : 0;
}

/* ---------------------------------------------------------------- */
/*
 * epoll: one thread, non-blocking sockets, level-triggered.
 *
 * Level-triggered because each wake-up does one bounded step per
 * connection (at most one read of BUFSZ, then writing what it produced):
 * a busy peer cannot starve the others, and whatever is left unread is
 * reported again by the next epoll_wait().  Edge-triggered would need
 * every handler to read until EAGAIN, or lose the wake-up, and then a
 * fast sender monopolises the loop.  A connection watches EPOLLIN while
 * it wants input and EPOLLOUT only while output is pending; the echo
 * stops reading while it cannot write, so TCP flow control reaches the
 * client instead of the server buffering without bound.
 */

struct conn {
	LIST_ENTRY(conn) link;
	int fd;
	uint32_t events;	/* what epoll watches now */
	int64_t last_ms;	/* last activity, for IDLE_MS */
	int got;		/* it has sent something (else FIRST_MS applies) */
	int64_t linger_end;	/* lingering (see sess_fail()) until then; 0: not */
	int64_t close_at;	/* --close-delay: close then; 0: not waiting */
	struct sess s;
};

/*
 * The poll model runs the same loop over poll(2): L->ep is -1, the
 * connections' `events` say what to ask poll() for, and loop_wait()
 * builds the pollfd array each turn and hands what it reported to
 * loop_events() as epoll events.  The prefork model runs this loop (with
 * epoll) in each of its workers.
 */
struct loop {
	int ep;			/* -1: the poll model */
	struct epoll_event *evs;	/* what one wait reported */
	struct pollfd *pfd;	/* poll: the array, and whose each entry is */
	void **who;
	int cap;		/* room in evs (and pfd, who) */
	int listening;		/* the listeners are in the epoll set */
	int delayed;		/* connections waiting out --close-delay */
	LIST_HEAD(, conn) conns;
	int nconns;
	char in[BUFSZ];
};

/* epoll_event.data.ptr of the descriptors that are not connections:
 * &tag_listener[i] is listen_fds[i] */
static char tag_listener[2], tag_wake;

static void
conn_free(struct loop *L, struct conn *c)
{
	int r = sess_end(&c->s);

	if (cfg.once)
		once_status = r < 0;
	if (c->close_at != 0)
		L->delayed--;
	if (L->ep >= 0)
		epoll_ctl(L->ep, EPOLL_CTL_DEL, c->fd, NULL);
	tvc_close(c->fd);
	LIST_REMOVE(c, link);
	L->nconns--;
	free(c);
}

static void
conn_watch(struct loop *L, struct conn *c, uint32_t events)
{
	struct epoll_event ev;

	if (c->events == events)
		return;
	if (L->ep < 0) {		/* poll: the next turn asks for these */
		c->events = events;
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = c;
	if (epoll_ctl(L->ep, EPOLL_CTL_MOD, c->fd, &ev) < 0) {
		sess_abort(&c->s, "epoll_ctl", strerror(errno));
		conn_free(L, c);
		return;
	}
	c->events = events;
}

/*
 * Write what the session has pending.  Returns 1 when it is all written;
 * 0 when the socket is full (c now waits for EPOLLOUT) or c was freed.
 */
static int
conn_flush(struct loop *L, struct conn *c)
{
	char errbuf[TV_ERRBUF_SIZE];
	struct sess *s = &c->s;
	ssize_t n;

	while (s->out_off < s->out_len) {
		n = tv_sock_send_now(c->fd, s->out + s->out_off,
		    s->out_len - s->out_off, errbuf);
		if (n < 0) {
			sess_abort(s, "write", errbuf);
			conn_free(L, c);
			return 0;
		}
		if (n == 0) {
			conn_watch(L, c, EPOLLOUT);
			return 0;
		}
		s->out_off += (size_t)n;
	}
	s->out_off = s->out_len = 0;
	return 1;
}

/*
 * All is written: when the session is over, close now, or after
 * --close-delay, or linger (shut our side down and read on).  Returns 1
 * when this step is over (c may be freed), 0 to read on.
 */
static int
conn_closing(struct loop *L, struct conn *c)
{
	struct sess *s = &c->s;

	if (s->closing && !s->linger && !s->failed &&
	    cfg.close_delay_ms > 0 && c->close_at == 0) {
		/* closed by the loop's sweep once the delay is over */
		ack_fin_now(c->fd);
		c->close_at = c->last_ms + cfg.close_delay_ms;
		L->delayed++;
		conn_watch(L, c, 0);
		return 1;
	}
	if (s->closing && !s->linger && c->close_at == 0) {
		conn_free(L, c);
		return 1;
	}
	if (c->close_at != 0)
		return 1;
	if (s->closing && c->linger_end == 0) {
		tvc_shutdown(c->fd, SHUT_WR);
		c->linger_end = c->last_ms + LINGER_MS;
	}
	return 0;
}

/*
 * One read, fed to the session (or discarded while lingering).  Returns
 * 1 when something was read, 0 when the read was interrupted, -1 when
 * this step is over (nothing to read now, or c was freed).
 */
static int
conn_read(struct loop *L, struct conn *c)
{
	struct sess *s = &c->s;
	ssize_t n;

	n = tvc_recv(c->fd, L->in, sizeof(L->in), 0);
	if (n < 0) {
		if (errno == EINTR)
			return 0;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			conn_watch(L, c, EPOLLIN);
		else if (c->linger_end != 0)	/* reset while lingering: done */
			conn_free(L, c);
		else {
			sess_abort(s, "read", strerror(errno));
			conn_free(L, c);
		}
		return -1;
	}
	if (c->linger_end != 0) {	/* discarding; EOF ends it */
		if (n == 0)
			s->linger = 0;
	} else if (n == 0) {
		sess_eof(s);
	} else {
		c->got = 1;
		sess_input(s, L->in, (size_t)n);
	}
	return 1;
}

/*
 * Move one connection on as far as it goes without blocking: write what
 * is pending, close when the session is over, else read once.  May free c.
 * An error or hangup needs no special case: the read or write reports it.
 */
static void
conn_step(struct loop *L, struct conn *c)
{
	int reads = 0, r;

	c->last_ms = tv_now_ms();
	for (;;) {
		if (!conn_flush(L, c) || conn_closing(L, c))
			return;
		if (reads++ > 0) {		/* one read per wake-up; see above */
			conn_watch(L, c, EPOLLIN);
			return;
		}
		if ((r = conn_read(L, c)) < 0)
			return;
		if (r == 0)
			reads--;
	}
}

static void
conn_new(struct loop *L, int fd)
{
	struct epoll_event ev;
	struct conn *c;

	if ((c = malloc(sizeof(*c))) == NULL) {
		complain("out of memory");
		tvc_close(fd);
		return;
	}
	c->fd = fd;
	c->events = EPOLLIN;
	c->got = 0;		/* FIRST_MS applies until it sends something */
	c->linger_end = 0;
	c->close_at = 0;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = c;
	if (L->ep >= 0 && epoll_ctl(L->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		complain("epoll_ctl: %s", strerror(errno));
		tvc_close(fd);
		free(c);
		return;
	}
	LIST_INSERT_HEAD(&L->conns, c, link);
	L->nconns++;
	sess_init(&c->s, fd);
	conn_step(L, c);	/* greet writes now; echo and store find nothing yet */
}

/* Watch the listener only while there is room for one more connection. */
static int
set_listening(struct loop *L, int on)
{
	struct epoll_event ev;
	int i;

	if (nlisten == 0 || L->listening == on)
		return 0;
	for (i = 0; i < nlisten && L->ep >= 0; i++) {
		memset(&ev, 0, sizeof(ev));
		/* prefork: the workers share the listeners; wake one of them
		 * per connection, not all (the thundering herd) */
		ev.events = EPOLLIN | (cfg.model == MODEL_PREFORK && on ?
		    EPOLLEXCLUSIVE : 0);
		ev.data.ptr = &tag_listener[i];
		if (epoll_ctl(L->ep, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL,
		    listen_fds[i], &ev) < 0) {
			complain("epoll_ctl: %s", strerror(errno));
			return -1;
		}
	}
	L->listening = on;
	note_full(!on);
	return 0;
}

/* Stop accepting for good (not "full": note_full() stays quiet). */
static void
loop_close_listener(struct loop *L)
{
	int i;

	/* prefork: the workers share the listeners, so take them out of
	 * this epoll set before close(), which alone would not */
	for (i = 0; L->listening && L->ep >= 0 && i < nlisten; i++)
		epoll_ctl(L->ep, EPOLL_CTL_DEL, listen_fds[i], NULL);
	L->listening = 0;
	close_listener();
}

static void
loop_free(struct loop *L)
{
	if (L->ep >= 0)
		close(L->ep);
	free(L->evs);
	free(L->pfd);
	free(L->who);
	free(L);
}

/* The loop, watching the self-pipe and the listener (with epoll, or with
 * poll when use_poll); NULL after a complaint. */
static struct loop *
loop_open(int use_poll)
{
	char errbuf[TV_ERRBUF_SIZE];
	struct epoll_event ev;
	struct loop *L;
	int i, ok = 1;

	if ((L = calloc(1, sizeof(*L))) == NULL) {
		complain("out of memory");
		return NULL;
	}
	LIST_INIT(&L->conns);
	/* poll: the self-pipe, the listeners and every connection at once */
	L->cap = use_poll ? cfg.max_conns + 3 : 64;
	L->ep = -1;
	L->evs = calloc((size_t)L->cap, sizeof(*L->evs));
	if (use_poll) {
		L->pfd = calloc((size_t)L->cap, sizeof(*L->pfd));
		L->who = calloc((size_t)L->cap, sizeof(*L->who));
	}
	if (L->evs == NULL || (use_poll && (L->pfd == NULL || L->who == NULL))) {
		complain("out of memory");
		loop_free(L);
		return NULL;
	}
	if (!use_poll && (L->ep = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		complain("epoll_create1: %s", strerror(errno));
		loop_free(L);
		return NULL;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = &tag_wake;
	for (i = 0; i < nlisten; i++)
		if (tv_sock_set_nonblock(listen_fds[i], 1, errbuf) < 0)
			ok = 0;
	if (!ok || (L->ep >= 0 && epoll_ctl(L->ep, EPOLL_CTL_ADD, wake_pipe[0],
	    &ev) < 0) || set_listening(L, 1) < 0) {
		complain("cannot set up the event loop");
		loop_free(L);
		return NULL;
	}
	return L;
}

static void
loop_close(struct loop *L)
{
	while (!LIST_EMPTY(&L->conns))
		conn_free(L, LIST_FIRST(&L->conns));
	loop_close_listener(L);
	loop_free(L);
}

/*
 * poll: one poll(2) over the self-pipe, the listeners while there is
 * room, and each connection for what it waits for (one that waits out
 * --close-delay asks for nothing and is left out).  What poll()
 * reported goes into L->evs as epoll would have put it.  Returns the
 * count, or -1 with errno.
 */
static int
poll_wait(struct loop *L, int timeout)
{
	struct conn *c;
	int k = 0, i, n, m = 0;

	L->pfd[k].fd = wake_pipe[0];
	L->pfd[k].events = POLLIN;
	L->who[k++] = &tag_wake;
	for (i = 0; L->listening && i < nlisten; i++) {
		L->pfd[k].fd = listen_fds[i];
		L->pfd[k].events = POLLIN;
		L->who[k++] = &tag_listener[i];
	}
	LIST_FOREACH(c, &L->conns, link) {
		if (c->events == 0 || k >= L->cap)
			continue;
		L->pfd[k].fd = c->fd;
		L->pfd[k].events = (short)((c->events & EPOLLIN ? POLLIN : 0) |
		    (c->events & EPOLLOUT ? POLLOUT : 0));
		L->who[k++] = c;
	}
	for (i = 0; i < k; i++)
		L->pfd[i].revents = 0;
	if ((n = poll(L->pfd, (nfds_t)k, timeout)) <= 0)
		return n;
	/* errors and hangups too: the read or write reports them */
	for (i = 0; i < k && m < L->cap; i++)
		if (L->pfd[i].revents != 0) {
			L->evs[m].events = EPOLLIN;
			L->evs[m++].data.ptr = L->who[i];
		}
	return m;
}

/* Wait for what the loop watches: epoll_wait() or poll_wait(). */
static int
loop_wait(struct loop *L, int timeout)
{
	if (L->ep < 0)
		return poll_wait(L, timeout);
	return epoll_wait(L->ep, L->evs, L->cap, timeout);
}

/* How long epoll_wait() may wait. */
static int
loop_timeout(const struct loop *L, const struct grace *g)
{
	int64_t now;
	int timeout = 1000;	/* at least once a second: drop idle connections */

	if (g->stopping) {
		now = tv_now_ms();
		timeout = g->deadline > now ? (int)(g->deadline - now) : 0;
		if (timeout > 1000)
			timeout = 1000;
	}
	if (L->delayed > 0 && timeout > 10)
		timeout = 10;	/* close delayed connections on time */
	return timeout;
}

/* Handle what epoll_wait() reported.  Returns 1 when asked to cut at once. */
static int
loop_events(struct loop *L, struct grace *g, struct epoll_event *evs, int n)
{
	int i, k, fd, w, cut_now = 0;

	for (i = 0; i < n; i++) {
		if (evs[i].data.ptr == &tag_wake) {
			w = take_wakeups(g);
			if (w & WAKE_STOP) {
				loop_close_listener(L);
				grace_begin(g, L->nconns);
			}
			if (w & WAKE_AGAIN)
				cut_now = 1;	/* asked twice */
		} else if (evs[i].data.ptr == &tag_listener[0] ||
		    evs[i].data.ptr == &tag_listener[1]) {
			/* accept what is queued, up to the limit (the
			 * listeners may have been closed earlier in this batch) */
			k = (char *)evs[i].data.ptr - tag_listener;
			while (k < nlisten && L->nconns < cfg.max_conns) {
				if ((fd = accept_one(listen_fds[k], SOCK_NONBLOCK)) < 0)
					break;
				if (cfg.once)
					loop_close_listener(L);
				conn_new(L, fd);
			}
		} else {
			/* only a connection's own event frees it, and epoll
			 * reports each descriptor at most once per call */
			conn_step(L, evs[i].data.ptr);
		}
	}
	return cut_now;
}

/*
 * Close the connections whose --close-delay is over; on a sweep (once a
 * second, and on every turn once they are cut) also those lingered out
 * or idle too long, or all with `cut`.
 */
static void
loop_sweep(struct loop *L, int cut, int sweep, int64_t now)
{
	struct conn *c, *next;

	for (c = LIST_FIRST(&L->conns); L->delayed > 0 && c != NULL; c = next) {
		next = LIST_NEXT(c, link);
		if (c->close_at != 0 && now >= c->close_at)
			conn_free(L, c);
	}
	if (!sweep)
		return;
	for (c = LIST_FIRST(&L->conns); c != NULL; c = next) {
		next = LIST_NEXT(c, link);
		if (cut)
			sess_abort(&c->s, "closed", "server shutting down");
		else if (c->linger_end != 0 && now >= c->linger_end)
			c->s.linger = 0;
		else if (now - c->last_ms >= (c->got ? IDLE_MS : FIRST_MS))
			sess_abort(&c->s, "closed", c->got ? "idle too long" :
			    "sent nothing");
		else
			continue;
		conn_free(L, c);
	}
}

/* The epoll and poll models (and each prefork worker). */
static int
run_loop(int use_poll)
{
	struct grace g = { 0, -1 };
	struct loop *L;
	int64_t now, last_sweep;
	int cut = 0, cut_now, sweep, n, status = 0;

	if ((L = loop_open(use_poll)) == NULL)
		return 1;
	last_sweep = tv_now_ms();
	while (nlisten > 0 || L->nconns > 0) {
		if (set_listening(L, L->nconns < cfg.max_conns) < 0) {
			status = 1;
			break;
		}
		n = loop_wait(L, loop_timeout(L, &g));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			complain("%s: %s", use_poll ? "poll" : "epoll_wait",
			    strerror(errno));
			status = 1;
			break;
		}
		cut_now = loop_events(L, &g, L->evs, n);
		now = tv_now_ms();
		if (g.stopping && (cut_now || now >= g.deadline))
			cut = 1;
		if ((sweep = cut || now - last_sweep >= 1000))
			last_sweep = now;
		loop_sweep(L, cut, sweep, now);
	}
	loop_close(L);
	if (status == 0 && cfg.once)
		status = once_status;
	return status;
}

/* ---------------------------------------------------------------- */
/*
 * prefork: the hybrid "worker pool + event loop".  The parent opens the
 * listeners, forks PREFORK_WORKERS workers and closes its copies; the
 * workers share the listening sockets (one socket, inherited, not
 * SO_REUSEPORT: the kernel keeps one accept queue, and EPOLLEXCLUSIVE
 * wakes one worker per connection) and each runs the epoll loop above
 * over its own connections, at most its share of --max-conns.  The
 * parent only waits: SIGINT or SIGTERM is passed on to the workers,
 * which shut down as the epoll model does; a worker that is not gone
 * 2 * GRACE_MS + 1 s later is killed.
 */

static pid_t workers[PREFORK_WORKERS];
static int nworkers;

/* In a new worker: a self-pipe of its own, the stop signals into it. */
static int
prefork_worker(const sigset_t *old)
{
	static const int stops[] = { SIGINT, SIGTERM, 0 };

	signal(SIGCHLD, SIG_DFL);
	close(wake_pipe[0]);
	close(wake_pipe[1]);
	if (pipe2(wake_pipe, O_NONBLOCK | O_CLOEXEC) < 0) {
		complain("pipe: %s", strerror(errno));
		return 1;
	}
	tv_catch_signals(on_signal, stops);
	pthread_sigmask(SIG_SETMASK, old, NULL);
	return run_loop(0);
}

/* Reap the workers that are gone; status gets 1 for one that failed. */
static void
reap_workers(int stopping, int *status)
{
	pid_t pid;
	int st, i;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		for (i = 0; i < nworkers; i++) {
			if (workers[i] != pid)
				continue;
			workers[i] = workers[--nworkers];
			if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
				break;	/* told to stop (SIGTERM to the group, say) */
			*status = 1;
			if (!stopping && !cfg.once)
				complain("worker %ld ended (%s %d)", (long)pid,
				    WIFEXITED(st) ? "exit status" : "signal",
				    WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
			break;
		}
}

static void
signal_workers(int sig)
{
	int i;

	for (i = 0; i < nworkers; i++)
		kill(workers[i], sig);
}

static int
run_prefork(void)
{
	struct pollfd pfd;
	struct grace g = { 0, -1 };
	sigset_t old;
	pid_t pid;
	int n = cfg.once ? 1 : PREFORK_WORKERS, total = cfg.max_conns;
	int i, w, timeout, status = 0;

	if (n > total)
		n = total;	/* --max-conns 1: one worker */
	/* a signal before a worker has its own handlers waits for them */
	block_signals(&old);
	for (i = 0; i < n; i++) {
		if ((pid = fork()) < 0) {
			complain("fork: %s", strerror(errno));
			status = 1;
			break;
		}
		if (pid == 0) {
			/* the worker's own copy of cfg: its share of the limit */
			cfg.max_conns = total / n + (i < total % n);
			_exit(prefork_worker(&old));
		}
		workers[nworkers++] = pid;
	}
	close_listener();	/* the workers have them */
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (nworkers > 0)
		note("%d worker(s), each an epoll loop on the shared listener(s), "
		    "at most %d connection(s) each", nworkers, (total + n - 1) / n);
	while (nworkers > 0) {
		timeout = -1;
		if (g.stopping) {
			timeout = (int)(g.deadline - tv_now_ms());
			if (timeout <= 0) {
				complain("%d worker(s) still running; killing them",
				    nworkers);
				signal_workers(SIGKILL);
				while (nworkers > 0 && (pid = wait(NULL)) > 0)
					for (i = 0; i < nworkers; i++)
						if (workers[i] == pid)
							workers[i] = workers[--nworkers];
				status = 1;
				break;
			}
		}
		pfd.fd = wake_pipe[0];
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, timeout) < 0 && errno != EINTR) {
			complain("poll: %s", strerror(errno));
			signal_workers(SIGTERM);
			g.stopping = 1;
			g.deadline = tv_now_ms() + 2 * GRACE_MS + 1000;
			continue;
		}
		if (pfd.revents & POLLIN) {
			w = take_wakeups(&g);
			if (w & WAKE_STOP) {
				g.deadline = tv_now_ms() + 2 * GRACE_MS + 1000;
				signal_workers(SIGTERM);
			}
			if (w & WAKE_AGAIN)
				signal_workers(SIGTERM);	/* theirs, too: cut now */
		}
		reap_workers(g.stopping, &status);
	}
	return status;
}

/* ---------------------------------------------------------------- */
/* UDP echo: one socket, one loop */

static int
run_udp(void)
{
	struct sockaddr_storage ss;
	struct pollfd pfd[3];
	char peer[TV_SOCK_ADDRSTRLEN];
	socklen_t sslen;
	char *buf;
	ssize_t n, w;
	int status = 0, i, fd, done = 0;

	if ((buf = malloc(65536)) == NULL) {
		complain("out of memory");
		return 1;
	}
	while (!done) {
		pfd[0].fd = wake_pipe[0];
		pfd[0].events = POLLIN;
		for (i = 0; i < nlisten; i++) {
			pfd[i + 1].fd = listen_fds[i];
			pfd[i + 1].events = POLLIN;
			pfd[i + 1].revents = 0;
		}
		if (poll(pfd, (nfds_t)nlisten + 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			complain("poll: %s", strerror(errno));
			status = 1;
			break;
		}
		if ((pfd[0].revents & POLLIN) && drain_wakeups() > 0)
			break;
		for (i = 1; i <= nlisten && !done; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLERR)))
				continue;
			fd = pfd[i].fd;
			sslen = sizeof(ss);
			n = tvc_recvfrom(fd, buf, 65536, MSG_DONTWAIT | MSG_TRUNC,
			    (struct sockaddr *)&ss, &sslen);
			if (n < 0) {
				if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
					complain("recvfrom: %s", strerror(errno));
				continue;
			}
			tv_sock_ntop((struct sockaddr *)&ss, peer, sizeof(peer));
			if (n > 65536) {
				complain("%s: datagram of %zd bytes cut to 65536", peer, n);
				n = 65536;
			}
			w = tvc_sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&ss, sslen);
			if (w != n)
				complain("%s: sendto: %s", peer, w < 0 ? strerror(errno) :
				    "short write");
			else
				note("%s: echoed %zd bytes (udp)", peer, n);
			if (cfg.once) {
				status = w != n;
				done = 1;
			}
		}
	}
	free(buf);
	return status;
}

/* ---------------------------------------------------------------- */

static void
usage(FILE *fp)
{
	fprintf(fp,
"Usage: tcpviz-server [--tcp PORT | --udp PORT] [--bind ADDR]\n"
"                     [--mode=echo|greet|store]\n"
"                     [--model=fork|thread|epoll|iterative|poll|prefork]\n"
"                     [--max-conns N] [--dir DIR] [--once]\n"
"                     [--close-delay MS] [--backlog N] [--accept-delay MS]\n"
"                     [-q] [--help]\n"
"\n"
"Serve TCP (or UDP) on loopback (127.0.0.1 and ::1) or a numeric address,\n"
"for tcpviz's live demo or for watching handshakes and closes by hand.\n"
"\n"
"  --tcp PORT         serve TCP on PORT (default %d; 0 picks a free port,\n"
"                     which the start line shows)\n"
"  --udp PORT         serve UDP echo on PORT instead: each datagram goes back\n"
"  --bind ADDR        listen on this numeric IPv4 or IPv6 address only\n"
"                     (default: both %s and %s, a socket each, on the\n"
"                     same port; with PORT 0 the one the kernel picked)\n"
"  --mode=MODE        echo:  echo what arrives until the peer closes (default)\n"
"                     greet: write \"Hello from tcpviz-server\" and close first,\n"
"                            reading nothing\n"
"                     store: read \"NAME SIZE\\n\" and SIZE bytes, keep the file\n"
"                            in DIR, reply \"OK SIZE CRC32\\n\" and close; NAME\n"
"                            is A-Z a-z 0-9 . _ - only, and a file stored\n"
"                            before is never replaced\n"
"  --model=MODEL      fork: a process per connection (default)\n"
"                     thread: a thread per connection\n"
"                     epoll: one event loop for all connections\n"
"                     iterative: one connection at a time, in the main\n"
"                            thread; the next waits in the listen queue\n"
"                     poll: one event loop over poll(2), the portable call\n"
"                     prefork: %d pre-forked workers, each an epoll loop on\n"
"                            the one shared listening socket (not\n"
"                            SO_REUSEPORT; EPOLLEXCLUSIVE wakes one worker)\n"
"  --max-conns N      serve at most N connections at once; later ones wait in\n"
"                     the listen queue (default %d; epoll, poll and prefork\n"
"                     %d; prefork shares N out among its workers, and runs\n"
"                     one for N = 1; iterative: 1 only); a connection that\n"
"                     sends nothing for 10 s is closed\n"
"  --dir DIR          where store mode keeps files, created (mode 0700) when\n"
"                     missing, its parent must exist (default: a new\n"
"                     directory under $TMPDIR or /tmp, named in the start line)\n"
"  --once             serve one connection (or one datagram), then exit with\n"
"                     status 0 if it went well, 1 if not\n"
"  --close-delay MS   echo: after the client's FIN, acknowledge it at once and\n"
"                     wait MS before closing, so the close shows as four\n"
"                     segments (FIN, ACK, FIN, ACK); default 0: close at once\n"
"  --backlog N        listen(fd, N): Linux lets N + 1 finished handshakes wait\n"
"                     for accept(), and drops the SYN of one more (the client\n"
"                     sends it again after 1 s); default %d\n"
"  --accept-delay MS  iterative: wait MS before each accept(), so that the\n"
"                     clients that come meanwhile wait in the accept queue\n"
"  -q                 print errors only: no start line, no per-connection lines\n"
"  -h, --help         show this help and exit\n"
"\n"
"--model and --max-conns are for TCP; --udp serves echo only.  SIGINT or\n"
"SIGTERM stops accepting, lets open connections finish for %d s, then\n"
"closes them and exits 0 (prefork: the workers get the signal, and the\n"
"server exits once they are gone).\n"
"\n"
"Examples:\n"
"  tcpviz-server                          echo on 127.0.0.1:%d and [::1]:%d,\n"
"                                         fork model\n"
"  tcpviz-server --mode=greet --model=epoll\n"
"  tcpviz-server --model=iterative         a second client waits its turn\n"
"  tcpviz-server --mode=store --dir /tmp/in\n"
"  tcpviz-server --bind ::1 --tcp 8001\n"
"  tcpviz-server --udp %d\n",
	    TV_SOCK_TCP_PORT, TV_SOCK_HOST, TV_SOCK_HOST6, PREFORK_WORKERS,
	    MAX_CONNS_DEFAULT, MAX_CONNS_EPOLL, BACKLOG, GRACE_MS / 1000,
	    TV_SOCK_TCP_PORT, TV_SOCK_TCP_PORT,
	    TV_SOCK_UDP_PORT);
}

/* a usage error: the reason, then the usage on stderr; exit status 1 */
#define bad_usage(...) (tv_msg_say(PROG, __VA_ARGS__), tv_msg_try(PROG), 1)

/* A decimal number in [min, max] into *out: 0, or -1. */
static int
parse_int(const char *s, int min, int max, int *out)
{
	uint64_t v;

	if (tv_parse_u64(s, (uint64_t)min, (uint64_t)max, &v) < 0)
		return -1;
	*out = (int)v;
	return 0;
}

/* What the command line gave beyond cfg, for the checks that compare options. */
struct given {
	int tcp, model, max_conns;
	const char *dir;
};

/* The options, into cfg and *gv.  Returns -1 to go on, else the exit status. */
static int
parse_options(int argc, char **argv, struct given *gv)
{
	enum { OPT_TCP = 256, OPT_UDP, OPT_BIND, OPT_MODE, OPT_MODEL,
	    OPT_MAXCONNS, OPT_DIR, OPT_ONCE, OPT_CLOSE_DELAY, OPT_BACKLOG,
	    OPT_ACCEPT_DELAY };
	static const struct option longopts[] = {
		{ "tcp", required_argument, NULL, OPT_TCP },
		{ "udp", required_argument, NULL, OPT_UDP },
		{ "bind", required_argument, NULL, OPT_BIND },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "model", required_argument, NULL, OPT_MODEL },
		{ "max-conns", required_argument, NULL, OPT_MAXCONNS },
		{ "dir", required_argument, NULL, OPT_DIR },
		{ "once", no_argument, NULL, OPT_ONCE },
		{ "close-delay", required_argument, NULL, OPT_CLOSE_DELAY },
		{ "backlog", required_argument, NULL, OPT_BACKLOG },
		{ "accept-delay", required_argument, NULL, OPT_ACCEPT_DELAY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, v;

	argv[0] = (char *)PROG;	/* getopt's messages, as every other says it */
	while ((ch = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_TCP:
		case OPT_UDP:
			if (parse_int(optarg, 0, 65535, &cfg.port) < 0)
				return bad_usage("invalid port '%s' (0 to 65535)", optarg);
			if (ch == OPT_UDP)
				cfg.udp = 1;
			else
				gv->tcp = 1;
			break;
		case OPT_BIND:
			cfg.bind = optarg;
			break;
		case OPT_MODE:
			if ((v = tv_name_index(optarg, mode_names, 3)) < 0)
				return bad_usage("unknown mode '%s' (echo, greet or store)",
				    optarg);
			cfg.mode = v;
			break;
		case OPT_MODEL:
			if ((v = tv_name_index(optarg, model_names, MODEL_COUNT)) < 0)
				return bad_usage("unknown model '%s' (fork, thread, epoll, "
				    "iterative, poll or prefork)", optarg);
			cfg.model = v;
			gv->model = 1;
			break;
		case OPT_MAXCONNS:
			if (parse_int(optarg, 1, MAX_CONNS_LIMIT, &cfg.max_conns) < 0)
				return bad_usage("invalid --max-conns '%s' (1 to 10000)",
				    optarg);
			gv->max_conns = 1;
			break;
		case OPT_DIR:
			gv->dir = optarg;
			break;
		case OPT_ONCE:
			cfg.once = 1;
			break;
		case OPT_CLOSE_DELAY:
			if (parse_int(optarg, 0, 5000, &cfg.close_delay_ms) < 0)
				return bad_usage("invalid --close-delay '%s' (0 to 5000 ms)",
				    optarg);
			break;
		case OPT_BACKLOG:
			if (parse_int(optarg, 0, 65535, &cfg.backlog) < 0)
				return bad_usage("invalid --backlog '%s' (0 to 65535)",
				    optarg);
			break;
		case OPT_ACCEPT_DELAY:
			if (parse_int(optarg, 0, 5000, &cfg.accept_delay_ms) < 0)
				return bad_usage("invalid --accept-delay '%s' (0 to 5000 ms)",
				    optarg);
			break;
		case 'q':
			cfg.quiet = 1;
			break;
		default:
			return tv_opt_help(PROG, ch, usage);
		}
	}
	return -1;
}

/* The command line into cfg.  Returns -1 to go on, else the exit status. */
static int
parse_args(int argc, char **argv, const char **dir)
{
	struct given gv = { 0, 0, 0, NULL };
	int r;

	cfg.mode = MODE_ECHO;
	cfg.model = MODEL_FORK;
	cfg.port = TV_SOCK_TCP_PORT;
	cfg.bind = NULL;	/* both loopback addresses */
	cfg.max_conns = MAX_CONNS_DEFAULT;
	cfg.backlog = BACKLOG;
	if ((r = parse_options(argc, argv, &gv)) >= 0)
		return r;
	if (optind < argc)
		return bad_usage("unexpected argument '%s'", argv[optind]);
	if (cfg.udp && gv.tcp)
		return bad_usage("%s", "give --tcp or --udp, not both");
	if (cfg.udp && (cfg.mode != MODE_ECHO || gv.model || gv.max_conns))
		return bad_usage("%s", "--udp serves echo only; --mode, --model and "
		    "--max-conns are for TCP");
	if (gv.dir != NULL && cfg.mode != MODE_STORE)
		return bad_usage("%s", "--dir is for --mode=store");
	if (cfg.model == MODEL_ITERATIVE && gv.max_conns && cfg.max_conns != 1)
		return bad_usage("%s", "the iterative model serves one connection "
		    "at a time: --max-conns can only be 1");
	if (cfg.model == MODEL_ITERATIVE)
		cfg.max_conns = 1;
	if (cfg.accept_delay_ms > 0 && cfg.model != MODEL_ITERATIVE)
		return bad_usage("%s", "--accept-delay is for --model=iterative "
		    "(the others accept at once, as they are made to)");
	if ((cfg.model == MODEL_EPOLL || cfg.model == MODEL_POLL ||
	    cfg.model == MODEL_PREFORK) && !gv.max_conns)
		cfg.max_conns = MAX_CONNS_EPOLL;
	*dir = gv.dir;
	return -1;
}

/* --dir made by set_store_dir(): the start line says so */
static int dir_created;

/*
 * store mode: cfg.dir is dir, or without --dir a fresh private directory.
 * A missing dir is created (mode 0700, one level: its parent must exist).
 */
static int
set_store_dir(const char *dir)
{
	struct stat st;
	const char *t = getenv("TMPDIR");

	if (dir != NULL) {
		if (stat(dir, &st) < 0) {
			if (errno != ENOENT)
				return tv_msg_fail(PROG, -1, "%s: %s", dir,
				    strerror(errno));
			if (mkdir(dir, 0700) < 0)
				return tv_msg_fail(PROG, -1, "cannot create %s: %s%s",
				    dir, strerror(errno), errno == ENOENT ?
				    " (its parent directory is missing; only the "
				    "last part is created)" : "");
			dir_created = 1;
			if (stat(dir, &st) < 0)
				return tv_msg_fail(PROG, -1, "%s: %s", dir,
				    strerror(errno));
		}
		if (!S_ISDIR(st.st_mode))
			return tv_msg_fail(PROG, -1, "%s: not a directory", dir);
		if ((size_t)snprintf(cfg.dir, sizeof(cfg.dir), "%s", dir) >=
		    sizeof(cfg.dir))
			return tv_msg_fail(PROG, -1, "%s: path too long", dir);
		return 0;
	}
	if (t == NULL || *t == '\0')
		t = "/tmp";
	if ((size_t)snprintf(cfg.dir, sizeof(cfg.dir), "%s/tcpviz-store-XXXXXX",
	    t) >= sizeof(cfg.dir) || mkdtemp(cfg.dir) == NULL)
		return tv_msg_fail(PROG, -1, "cannot create a store directory "
		    "under %s: %s", t, strerror(errno));
	return 0;
}

/*
 * The self-pipe, and SIGINT and SIGTERM (and in the fork and prefork models SIGCHLD)
 * into it; SIGPIPE ignored, so a vanished peer shows as EPIPE.  A forked
 * child puts the defaults back (start_child()).
 */
static int
catch_signals(void)
{
	static const int stops[] = { SIGINT, SIGTERM, 0 };
	static const int stops_and_children[] = { SIGINT, SIGTERM, SIGCHLD, 0 };

	if (pipe2(wake_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
		return tv_msg_fail(PROG, -1, "pipe: %s", strerror(errno));
	tv_catch_signals(on_signal, !cfg.udp && (cfg.model == MODEL_FORK ||
	    cfg.model == MODEL_PREFORK) ? stops_and_children : stops);
	return 0;
}

/* A listener (TCP) or a bound socket (UDP) on host:port; -1 with errno. */
static int
open_listener(const char *host, int port, char *errbuf)
{
	return cfg.udp ? tv_sock_udp_bind(host, port, errbuf) :
	    tv_sock_tcp_listen(host, port, cfg.backlog, errbuf);
}

/*
 * The listeners, and their addresses for the start line into where
 * ("127.0.0.1:8000 and [::1]:8000").  With --bind, that address alone.
 * Without, 127.0.0.1 and then ::1 on the same port: with --tcp 0 the
 * port the kernel gave 127.0.0.1, tried again with a new one when ::1
 * has it taken.  A host without ::1 (IPv6 off) is served on 127.0.0.1
 * alone, with a note.  Returns 0, or -1 after the error line.
 */
static int
open_listeners(char *where, size_t size)
{
	char errbuf[TV_ERRBUF_SIZE], n4[TV_SOCK_ADDRSTRLEN],
	    n6[TV_SOCK_ADDRSTRLEN];
	int fd4, fd6, port, tries, err = 0;

	if (cfg.bind != NULL) {
		if ((listen_fds[0] = open_listener(cfg.bind, cfg.port,
		    errbuf)) < 0) {
			complain("%s", errbuf);
			return -1;
		}
		nlisten = 1;
		tv_sock_name(listen_fds[0], 0, where, size);
		return 0;
	}
	for (tries = 0;; tries++) {
		if ((fd4 = open_listener(TV_SOCK_HOST, cfg.port, errbuf)) < 0) {
			complain("%s", errbuf);
			return -1;
		}
		port = tv_sock_name(fd4, 0, n4, sizeof(n4));
		if ((fd6 = open_listener(TV_SOCK_HOST6, port, errbuf)) >= 0)
			break;
		err = errno;
		if (err != EADDRINUSE || cfg.port != 0 || tries >= 20)
			break;
		close(fd4);	/* ::1 has that one: another port for both */
	}
	listen_fds[0] = fd4;
	nlisten = 1;
	if (fd6 < 0 && (err == EADDRNOTAVAIL || err == EAFNOSUPPORT)) {
		note("%s; serving %s only", errbuf, n4);
		snprintf(where, size, "%s", n4);
		return 0;
	}
	if (fd6 < 0) {
		complain("%s", errbuf);
		close_listener();
		return -1;
	}
	listen_fds[1] = fd6;
	nlisten = 2;
	tv_sock_name(fd6, 0, n6, sizeof(n6));
	snprintf(where, size, "%s and %s", n4, n6);
	return 0;
}

/* Bind, say where in the start line, and serve.  Returns the exit status. */
static int
serve(void)
{
	char where[2 * TV_SOCK_ADDRSTRLEN + 8];
	int status;

	if (open_listeners(where, sizeof(where)) < 0)
		return 1;
	if (cfg.udp) {
		note("udp echo on %s", where);
		status = run_udp();
		close_listener();
		return status;
	}
	if (cfg.mode == MODE_STORE)
		note("store on %s (model %s), files go to %s%s", where,
		    model_names[cfg.model], cfg.dir, dir_created ?
		    " (created)" : "");
	else
		note("%s on %s (model %s)", mode_names[cfg.mode], where,
		    model_names[cfg.model]);
	switch (cfg.model) {
	case MODEL_EPOLL:
	case MODEL_POLL:
		return run_loop(cfg.model == MODEL_POLL);
	case MODEL_PREFORK:
		return run_prefork();
	case MODEL_ITERATIVE:
		status = run_iterative();
		close_listener();
		return status;
	default:
		break;
	}
	status = run_blocking();
	close_listener();
	/* threads may still be finishing their last lines: the tables stay */
	return status;
}

int
main(int argc, char **argv)
{
	const char *dir = NULL;
	int r;

	if ((r = parse_args(argc, argv, &dir)) >= 0)
		return r;
	if (cfg.mode == MODE_STORE && set_store_dir(dir) < 0)
		return 1;
	if (catch_signals() < 0)
		return 1;
	return serve();
}
