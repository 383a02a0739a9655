/* \summary: helpers every program shares (clocks, numbers, names, signals, spawning); not part of the core */
#ifndef TV_UTIL_H
#define TV_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* Milliseconds on the monotonic clock: for timeouts and deadlines. */
int64_t tv_now_ms(void);

/* Nanoseconds since the epoch on the wall clock: what packet times count in. */
int64_t tv_wall_ns(void);

/* Is fd a pipe (or socket) whose reader went away?  1 or 0. */
int tv_fd_reader_gone(int fd);

/* sec and nsec as nanoseconds. */
static inline int64_t
tv_ns(int64_t sec, int64_t nsec)
{
	return sec * 1000000000LL + nsec;
}

/*
 * A decimal number in [min, max]: digits only (no sign, no spaces, no
 * suffix).  0, or -1 when s is not such a number.
 */
int tv_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* The end of every program's option switch: -h prints the usage on stdout
 * and gives exit status 0; any other option (getopt said what was wrong)
 * "Try 'PROG --help' for more information." on stderr and 1. */
int tv_opt_help(const char *prog, int ch, void (*usage)(FILE *fp));

/* The index of name in names[0..n-1], or -1. */
int tv_name_index(const char *name, const char *const *names, int n);

/*
 * Call handler for each signal in sigs (a list ended by 0), without
 * SA_RESTART so that blocking calls return EINTR; SIGPIPE is ignored, so a
 * reader that went away shows as a write error.
 */
void tv_catch_signals(void (*handler)(int), const int *sigs);

/*
 * fork and exec argv[0] (a path) with argv; the child's stdin, stdout
 * and stderr become in, out and err (-1: /dev/null), and before exec it
 * calls before_exec(ctx) when given (a non-zero return ends it with 126).
 * Returns the pid, or -1 with errno.
 */
pid_t tv_spawn(char *const argv[], int in, int out, int err,
    int (*before_exec)(void *ctx), void *ctx);

/* The same, the program being the file open as exec_fd (fexecve): it
 * runs even when the user before_exec() becomes cannot reach its path. */
pid_t tv_spawn_fd(int exec_fd, char *const argv[], int in, int out, int err,
    int (*before_exec)(void *ctx), void *ctx);

#endif /* TV_UTIL_H */
