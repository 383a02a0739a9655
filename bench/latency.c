/* bench/latency.c: how soon a live capture shows a packet: one UDP datagram to 127.0.0.1 at a time, the time until the capture's output moves. */
/*
 * latency -p PORT [-n COUNT] -- COMMAND [ARG...]
 *
 * Starts COMMAND (a live capture of udp port PORT on lo, its stdout and
 * stderr to pipes) and waits, at most 5 s, for "listening on" on its
 * stderr.  Then, COUNT times (default 20, at most 100): sends one 18-byte
 * UDP datagram to 127.0.0.1:PORT and measures the time until COMMAND's
 * stdout gives its next bytes (at most 1 s: longer is "not seen"), reads
 * what follows until 50 ms pass without more (or 1 s more at most), and
 * goes on with the next.
 * Last, SIGINT to COMMAND (SIGKILL if it is still there after 2 s).  One
 * line on stdout ("-" for the times when none was seen):
 *
 *   N sent: median M ms, max X ms, K not seen within 1 s
 *
 * The destination is 127.0.0.1 only; latency binds PORT itself and never
 * reads it, so no ICMP port unreachable comes back.  Exits 1 when
 * COMMAND does not start capturing (with what it said) or its output
 * ends early, 2 on bad arguments.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_COUNT 100
#define SEEN_MS 1000		/* a datagram not shown by then: not seen */
#define QUIET_MS 50		/* its output is over after this long without more */
#define START_MS 5000

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Wait up to ms for fd to have bytes, and read what it has (1), or 0 on
 * timeout, -1 at its end. */
static int
drain(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[65536];
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return 0;
	if ((n = read(fd, buf, sizeof(buf))) <= 0)
		return -1;
	return 1;
}

/* Has the child said "listening on" on its stderr within START_MS?  What
 * it said last is left in buf (for the message when it did not). */
static int
started(int fd, char *buf, size_t size)
{
	size_t k = 0;
	double end = now_ms() + START_MS;

	buf[0] = '\0';
	while (now_ms() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		if ((n = read(fd, buf + k, size - 1 - k)) <= 0)
			return 0;
		k += (size_t)n;
		buf[k] = '\0';
		if (strstr(buf, "listening on") != NULL)
			return 1;
		if (k == size - 1) {	/* keep the tail: the words may span */
			memmove(buf, buf + k - 16, 16);
			k = 16;
		}
	}
	return 0;
}

/* Signal the command's group (a wrapper's children too), or the command. */
static void
stop(pid_t pid, int sig)
{
	if (kill(-pid, sig) != 0)
		kill(pid, sig);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
usage(void)
{
	fprintf(stderr, "usage: latency -p PORT [-n COUNT] -- COMMAND [ARG...]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	int ch, port = 0, count = 20, out[2], err[2], tx, rx, i, seen = 0, st;
	int ended = 0;
	double lat[MAX_COUNT];
	char said[4096];
	struct sockaddr_in sa;
	pid_t pid;

	while ((ch = getopt(argc, argv, "n:p:")) != -1) {
		switch (ch) {
		case 'n': count = atoi(optarg); break;
		case 'p': port = atoi(optarg); break;
		default: usage();
		}
	}
	if (optind >= argc || port <= 0 || port > 65535 || count < 1 ||
	    count > MAX_COUNT)
		usage();
	if (pipe(out) != 0 || pipe(err) != 0 || (pid = fork()) < 0) {
		perror("latency");
		return 1;
	}
	if (pid == 0) {
		setpgid(0, 0);	/* its own group: a wrapper's capture ends too */
		dup2(out[1], STDOUT_FILENO);
		dup2(err[1], STDERR_FILENO);
		close(out[0]);
		close(err[0]);
		execvp(argv[optind], argv + optind);
		perror(argv[optind]);
		_exit(127);
	}
	setpgid(pid, pid);
	close(out[1]);
	close(err[1]);
	if (!started(err[0], said, sizeof(said))) {
		fprintf(stderr, "latency: %s did not start capturing%s%s",
		    argv[optind], said[0] ? ": " : "\n", said);
		stop(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);	/* 127.0.0.1, nothing else */
	if ((tx = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    (rx = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    bind(rx, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		perror("latency: 127.0.0.1");
		stop(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return 1;
	}
	usleep(200000);		/* the capture's first block timeout */
	while (drain(out[0], 0) > 0)
		;
	for (i = 0; i < count && !ended; i++) {
		double t0 = now_ms();
		int r;

		if (sendto(tx, "tcpviz latency 18B", 18, 0, (struct sockaddr *)&sa,
		    sizeof(sa)) != 18) {
			perror("latency: sendto");
			break;
		}
		drain(err[0], 0);	/* its stderr never fills and blocks it */
		r = drain(out[0], SEEN_MS);
		if (r > 0) {
			lat[seen++] = now_ms() - t0;
			/* the rest of its output, until quiet (a command that
			 * never goes quiet: at most SEEN_MS more) */
			while ((r = drain(out[0], QUIET_MS)) > 0 &&
			    now_ms() < t0 + 2 * SEEN_MS)
				;
		}
		ended = r < 0;
	}
	stop(pid, SIGINT);
	for (st = 0; st < 40 && waitpid(pid, NULL, WNOHANG) == 0; st++) {
		drain(out[0], 0);	/* what it writes at the end: no pipe fills */
		drain(err[0], 50);
	}
	if (st == 40) {
		stop(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	qsort(lat, (size_t)seen, sizeof(lat[0]), cmp_double);
	if (seen > 0)
		printf("%d sent: median %.1f ms, max %.1f ms, %d not seen within 1 s\n",
		    i, seen % 2 ? lat[seen / 2] :
		    (lat[seen / 2 - 1] + lat[seen / 2]) / 2, lat[seen - 1],
		    i - seen);
	else
		printf("%d sent: median - ms, max - ms, %d not seen within 1 s\n",
		    i, i);
	if (ended) {
		fprintf(stderr, "latency: %s ended its output after %d datagrams\n",
		    argv[optind], i);
		return 1;
	}
	return 0;
}
