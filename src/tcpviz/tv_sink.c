/* \summary: text to stdout: written as it comes, or (live) by a thread of its own so that a stalled reader never stalls the capture */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tv_sink-int.h"

/* ---- stdout through stdio: replay ---- */

static int stdio_errno;
static FILE *stdio_fp;		/* NULL: stdout */
static int out_fd = STDOUT_FILENO;	/* the writer thread's */

static void
stdio_write(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	if (stdio_errno == 0 && fwrite(s, 1, n, stdio_fp ? stdio_fp : stdout) != n)
		stdio_errno = errno ? errno : EIO;
}

static int
stdio_flush(void *ctx)
{
	(void)ctx;
	if (stdio_errno == 0 && fflush(stdio_fp ? stdio_fp : stdout) != 0)
		stdio_errno = errno ? errno : EIO;
	return stdio_errno ? -1 : 0;
}

static int
stdio_failed(void *ctx)
{
	(void)ctx;
	return stdio_errno;
}

/* ---- stdout by a writer thread: live ---- */

#define RING (8u << 20)		/* text waiting for a slow reader, at most */
#define LINE 8192		/* a line is kept whole or dropped whole */
#define BATCH (64u << 10)	/* the writer waits BATCH_NS for this much text */
#define BATCH_NS 2000000L	/* 2 ms: well within a live row's 50 ms */

static struct async {
	pthread_mutex_t mu;
	pthread_cond_t more, less;
	pthread_t writer;
	char *ring;
	size_t head, len;	/* what waits: ring[head .. head+len) mod RING */
	char line[LINE];	/* the line being written, not yet queued */
	size_t llen;
	uint64_t dropped;	/* lines dropped while the ring was full */
	int err;		/* errno of the first failed write */
	int closing, started;
	int abandon;		/* stop writing: the end came after a signal */
	int failed_start;	/* no thread: written as it comes instead */
} as = { .mu = PTHREAD_MUTEX_INITIALIZER, .more = PTHREAD_COND_INITIALIZER,
	.less = PTHREAD_COND_INITIALIZER };

static void
on_wake(int sig)
{
	(void)sig;		/* only to interrupt a write at shutdown */
}

static void *
writer_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&as.mu);
	for (;;) {
		size_t n;
		ssize_t w;

		while (as.len == 0 && !as.closing)
			pthread_cond_wait(&as.more, &as.mu);
		if (as.len == 0 || as.err || as.abandon)
			break;
		if (!as.closing && as.len < BATCH) {
			/* let a little more come: one write(2) for many
			 * lines, not a wakeup and a write for each */
			struct timespec ts = { 0, BATCH_NS };

			pthread_mutex_unlock(&as.mu);
			nanosleep(&ts, NULL);
			pthread_mutex_lock(&as.mu);
			if (as.err || as.abandon)
				break;
		}
		n = as.len < RING - as.head ? as.len : RING - as.head;
		pthread_mutex_unlock(&as.mu);
		w = write(out_fd, as.ring + as.head, n);
		pthread_mutex_lock(&as.mu);
		if (w < 0 && errno == EINTR && !as.abandon)
			continue;
		if (w <= 0) {
			if (!as.abandon)	/* an interrupted write at the end is no failure */
				as.err = w < 0 ? errno : EIO;
			break;
		}
		as.head = (as.head + (size_t)w) % RING;
		as.len -= (size_t)w;
		/* empty: start again at the front, so only as much of the
		 * ring is ever touched as the reader fell behind */
		if (as.len == 0)
			as.head = 0;
		pthread_cond_broadcast(&as.less);
	}
	as.len = 0;
	pthread_cond_broadcast(&as.less);
	pthread_mutex_unlock(&as.mu);
	return NULL;
}

/* Queue n bytes (the lock held); they fit. */
static void
ring_put(const char *s, size_t n)
{
	size_t tail = (as.head + as.len) % RING, k = n < RING - tail ? n : RING - tail;

	memcpy(as.ring + tail, s, k);
	memcpy(as.ring, s + k, n - k);
	as.len += n;
}

/* A whole line (or a piece of a very long one) to the ring, or dropped
 * when the reader is that far behind; after a gap, a line says so.  The
 * lock is held; the writer is woken when the ring was empty. */
static void
queue_line(const char *s, size_t n)
{
	char note[96];
	int k = 0;

	if (as.dropped)
		k = snprintf(note, sizeof(note), "[... %llu lines not shown: the "
		    "output was not read fast enough ...]\n",
		    (unsigned long long)as.dropped);
	if (as.err == 0 && as.len + n + (size_t)k <= RING) {
		if (as.len == 0)
			pthread_cond_signal(&as.more);
		if (k > 0)
			ring_put(note, (size_t)k);
		ring_put(s, n);
		as.dropped = 0;
	} else if (as.err == 0) {
		as.dropped++;
	}
}

static int async_start(void);

static void
async_write(void *ctx, const char *s, size_t n)
{
	/* the thread starts with the first text, which comes after the
	 * capture is open and privileges are dropped (a thread started
	 * before would keep the capabilities: they are per thread) */
	if (!as.started && !as.failed_start && async_start() < 0)
		as.failed_start = 1;
	if (as.failed_start) {
		stdio_write(ctx, s, n);
		return;
	}
	pthread_mutex_lock(&as.mu);	/* once for all the lines of s */
	while (n > 0) {
		const char *nl = memchr(s, '\n', n);
		size_t take = nl ? (size_t)(nl - s) + 1 : n;

		if (take > LINE - as.llen)
			take = LINE - as.llen;
		memcpy(as.line + as.llen, s, take);
		as.llen += take;
		s += take;
		n -= take;
		if (as.llen == LINE || as.line[as.llen - 1] == '\n') {
			queue_line(as.line, as.llen);
			as.llen = 0;
		}
	}
	pthread_mutex_unlock(&as.mu);
}

static int
async_flush(void *ctx)
{
	if (as.failed_start)
		return stdio_flush(ctx);
	return as.err ? -1 : 0;	/* the writer writes as soon as it can */
}

static int
async_failed(void *ctx)
{
	return as.failed_start ? stdio_failed(ctx) : as.err;
}

static int
async_start(void)
{
	struct sigaction sa;

	if ((as.ring = malloc(RING)) == NULL)
		return -1;
	/* after an end (the lab's demo runs one after another): anew */
	as.head = as.len = 0;
	as.closing = as.abandon = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_wake;	/* no SA_RESTART */
	sigaction(SIGUSR1, &sa, NULL);
	if (pthread_create(&as.writer, NULL, writer_main, NULL) != 0) {
		free(as.ring);
		return -1;
	}
	as.started = 1;
	return 0;
}

/* The end: let the writer write what is queued (after a signal at most a
 * second: a reader that went quiet does not hold us), then say what was
 * not shown. */
static void
async_end(void *ctx, int interrupted)
{
	struct timespec until;
	uint64_t dropped;
	int i;

	if (as.failed_start)
		stdio_flush(ctx);
	if (!as.started)
		return;
	pthread_mutex_lock(&as.mu);
	if (as.llen > 0) {
		queue_line(as.line, as.llen);
		as.llen = 0;
	}
	as.closing = 1;
	pthread_cond_signal(&as.more);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 1;
	while (interrupted && as.len > 0 && as.err == 0 &&
	    pthread_cond_timedwait(&as.less, &as.mu, &until) == 0)
		;
	dropped = as.dropped + (interrupted && as.len > 0);
	if (interrupted)
		as.abandon = 1;
	pthread_mutex_unlock(&as.mu);
	/* a write blocked on the reader returns EINTR to SIGUSR1 */
	for (i = 0; interrupted && i < 40 && pthread_tryjoin_np(as.writer, NULL) != 0; i++) {
		pthread_kill(as.writer, SIGUSR1);
		usleep(25000);
	}
	if (!interrupted || i == 40)
		pthread_join(as.writer, NULL);
	as.started = 0;
	free(as.ring);
	as.ring = NULL;
	if (dropped && as.err == 0)
		fprintf(stderr, "tcpviz: %llu line%s of output not shown: the "
		    "reader of standard output was too slow\n",
		    (unsigned long long)dropped, dropped == 1 ? "" : "s");
}

void
tv_sink_stdout(struct tv_sink *sink, int live)
{
	if (live) {
		sink->write = async_write;
		sink->flush = async_flush;
		sink->failed = async_failed;
		sink->end = async_end;
	} else {
		sink->write = stdio_write;
		sink->flush = stdio_flush;
		sink->failed = stdio_failed;
		sink->end = NULL;
	}
	sink->ctx = NULL;
}

/* -w - without --print: the text goes nowhere */
static void
null_write(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	(void)s;
	(void)n;
}

static int
null_flush(void *ctx)
{
	(void)ctx;
	return 0;
}

static int
null_failed(void *ctx)
{
	(void)ctx;
	return 0;
}

void
tv_sink_none(struct tv_sink *sink)
{
	memset(sink, 0, sizeof(*sink));
	sink->write = null_write;
	sink->flush = null_flush;
	sink->failed = null_failed;
}

/* -o FILE, replayed: closing the file is the last write that may fail */
static void
file_end(void *ctx, int interrupted)
{
	(void)ctx;
	(void)interrupted;
	if (fclose(stdio_fp) != 0 && stdio_errno == 0)
		stdio_errno = errno ? errno : EIO;
	stdio_fp = stdout;
}

int
tv_sink_file(struct tv_sink *sink, int live, const char *path)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL)
		return -1;
	stdio_fp = fp;
	out_fd = fileno(fp);
	tv_sink_stdout(sink, live);
	if (!live)
		sink->end = file_end;
	return 0;
}

void
tv_sink_stderr(struct tv_sink *sink, int live)
{
	stdio_fp = stderr;
	out_fd = STDERR_FILENO;
	tv_sink_stdout(sink, live);
}
