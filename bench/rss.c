/* bench/rss.c: run a command with its output thrown away and print its wall time and peak resident memory. */
/*
 * rss [-t SECONDS] COMMAND [ARG...]
 *
 * Forks, points the child's stdout at /dev/null (stderr is left alone),
 * execs COMMAND and waits for it with wait4(2); then prints one line on
 * stdout:   SECONDS MAXRSS_KB STATUS
 * SECONDS is wall time (CLOCK_MONOTONIC) from fork to exit, MAXRSS_KB the
 * child's ru_maxrss (getrusage(2): kilobytes on Linux), STATUS its exit
 * status (128+N when killed by signal N).  rss exits with that status.
 * With -t, a command still running after SECONDS is killed (SIGKILL) and
 * STATUS is 124, as timeout(1) says it; SECONDS is then a lower bound.
 * It needs no GNU time.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t timed_out;
static pid_t child;

static void
on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
	kill(child, SIGKILL);
}

int
main(int argc, char **argv)
{
	unsigned limit = 0;
	struct sigaction sa;
	struct timespec t0, t1;
	struct rusage ru;
	int st, code, fd;
	pid_t pid;

	if (argc > 2 && strcmp(argv[1], "-t") == 0) {
		limit = (unsigned)strtoul(argv[2], NULL, 10);
		argv += 2;
		argc -= 2;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: rss [-t SECONDS] COMMAND [ARG...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((pid = fork()) < 0) {
		perror("rss: fork");
		return 1;
	}
	if (pid == 0) {
		if ((fd = open("/dev/null", O_WRONLY)) < 0 ||
		    dup2(fd, 1) < 0) {
			perror("rss: /dev/null");
			_exit(127);
		}
		close(fd);
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	child = pid;
	if (limit) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_alarm;
		sigaction(SIGALRM, &sa, NULL);
		alarm(limit);
	}
	while (wait4(pid, &st, 0, &ru) < 0) {
		if (errno == EINTR)
			continue;
		perror("rss: wait4");
		return 1;
	}
	alarm(0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (timed_out)
		code = 124;
	printf("%.6f %ld %d\n", (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, ru.ru_maxrss, code);
	return code;
}
