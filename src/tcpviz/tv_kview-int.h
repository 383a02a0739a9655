/* \summary: --kernel: what the kernel holds for each end of the connections drawn, beside the ladder (private to src/tcpviz) */
#ifndef TV_KVIEW_INT_H
#define TV_KVIEW_INT_H

#include "tv_ksock.h"
#include "tv_run.h"

/* Queried at most this often while connections are open (ms), and at
 * once when a packet changes a connection's state. */
#define TV_KVIEW_TICK_MS 200

struct tv_kview;

/*
 * Watch run's connections: after tv_run_init(), before the loop.  The
 * lines (or JSON "kernel" objects) go to run's output; record_fd >= 0
 * keeps every reply of the kernel there (tv_kern_record).  NULL with a
 * message in errbuf when sock_diag cannot be opened.
 */
struct tv_kview *tv_kview_start(struct tv_run *run, int record_fd, char *errbuf);

/* The longest accept queue seen on a listening TCP socket of port (0:
 * none seen). */
uint32_t tv_kview_peak_queue(const struct tv_kview *kv, uint16_t port);

/* Where the answers come from: the kernel (tv_kview_start), or a test's
 * script.  ask() fills out like tv_kern_query() and says when the
 * question was asked (ns since the epoch). */
struct tv_kview_src {
	int (*ask)(void *ctx, const uint16_t *ports, size_t nports,
	    struct tv_ksock *out, size_t max, int64_t *asked_ns, char *errbuf);
	void *ctx;
};

/* tv_kview_start() with answers from src, not the kernel (no owners
 * looked for: the answers say them). */
struct tv_kview *tv_kview_start_src(struct tv_run *run,
    const struct tv_kview_src *src, char *errbuf);

/* Stop watching (before tv_run_finish) and free it. */
void tv_kview_stop(struct tv_kview *kv);

/* tcpviz --kernel-query=PORTS [--kernel-dump=FILE]: ask once about the
 * sockets of PORTS (a comma-separated list), print them one a line as ss
 * would, keep the replies in FILE; with kfile (--kernel-file), read them
 * from that recording instead of asking (owners not known); the exit
 * status. */
int tv_kview_query_main(const char *ports, const char *dumpfile,
    const char *kfile);

#endif /* TV_KVIEW_INT_H */
