/* \summary: helpers every program shares (clocks, numbers, names, signals, spawning); not part of the core */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tv_msg.h"
#include "tv_util.h"

int64_t
tv_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
tv_wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return tv_ns(ts.tv_sec, ts.tv_nsec);
}

int
tv_fd_reader_gone(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	/* a pipe or socket whose reading end is closed polls POLLERR; a
	 * terminal or a file never does */
	return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)) != 0;
}

int
tv_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
tv_opt_help(const char *prog, int ch, void (*usage)(FILE *fp))
{
	if (ch == 'h') {
		usage(stdout);
		return 0;
	}
	tv_msg_try(prog);
	return 1;
}

int
tv_name_index(const char *name, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (names[i] != NULL && strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

void
tv_catch_signals(void (*handler)(int), const int *sigs)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;	/* no SA_RESTART: blocking calls return */
	sigemptyset(&sa.sa_mask);
	for (; *sigs != 0; sigs++)
		sigaction(*sigs, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* In the child: fd becomes `to`, or /dev/null when fd is -1. */
static void
redirect(int fd, int to)
{
	int null;

	if (fd == to)
		return;
	if (fd < 0) {
		if ((null = open("/dev/null", O_RDWR)) < 0)
			_exit(127);
		fd = null;
	}
	if (dup2(fd, to) < 0)
		_exit(127);
}

pid_t
tv_spawn(char *const argv[], int in, int out, int err,
    int (*before_exec)(void *ctx), void *ctx)
{
	return tv_spawn_fd(-1, argv, in, out, err, before_exec, ctx);
}

pid_t
tv_spawn_fd(int exec_fd, char *const argv[], int in, int out, int err,
    int (*before_exec)(void *ctx), void *ctx)
{
	extern char **environ;
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	/* the dispositions a program should start with */
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	redirect(in, 0);
	redirect(out, 1);
	redirect(err, 2);
	/* the originals are not the program's to keep */
	if (in > 2)
		close(in);
	if (out > 2 && out != in)
		close(out);
	if (err > 2 && err != in && err != out)
		close(err);
	if (before_exec != NULL && before_exec(ctx) != 0)
		_exit(126);
	if (exec_fd >= 0)
		fexecve(exec_fd, argv, environ);
	else
		execv(argv[0], argv);
	_exit(127);
}
