/* \summary: --calls: the bundled programs' socket calls, read from their channel and drawn among the packets (private to src/tcpviz) */
#ifndef TV_CVIEW_INT_H
#define TV_CVIEW_INT_H

#include "tv_call.h"
#include "tv_run.h"

struct tv_cview;

/*
 * Read the calls the programs write to fd (the reading end of the
 * channel TCPVIZ_CALLS names for them; non-blocking, ours to close) and
 * draw each on its connection's side, before the first packet captured
 * after it: after tv_run_init(), before the loop.  NULL with a message in
 * errbuf (out of memory, no watcher slot left).
 */
struct tv_cview *tv_cview_start(struct tv_run *run, int fd, char *errbuf);

/* Records taken, drawn, and let go (damaged, or no connection of theirs
 * seen in time), for the demo's checks and the tests. */
struct tv_cview_stats {
	unsigned long taken, drawn, bad, unclaimed;
};
void tv_cview_stats(const struct tv_cview *cv, struct tv_cview_stats *st);

/* The accept() calls drawn with connections to port (the demo checks
 * that each connection's was seen). */
uint32_t tv_cview_accepts(const struct tv_cview *cv, uint16_t port);

/* Take one record as if it came from the channel (the tests). */
void tv_cview_take(struct tv_cview *cv, const uint8_t *rec, size_t len);

/* Packets reach the run loop extra_ns later than usual (the lab's pair
 * holds them for their copies): calls wait as long for their place. */
void tv_cview_set_lag(struct tv_cview *cv, int64_t extra_ns);

/* Draw what is held and claimed, stop watching (before tv_run_finish),
 * close the descriptor and free it. */
void tv_cview_stop(struct tv_cview *cv);

#endif /* TV_CVIEW_INT_H */
