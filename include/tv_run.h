/* \summary: the read-decode-track-render loop shared by replay, live capture and the demo */
#ifndef TV_RUN_H
#define TV_RUN_H

#include <signal.h>
#include <stdint.h>

#include "tv_cap.h"
#include "tv_flow.h"
#include "tv_pair.h"
#include "tv_render.h"

/* Exit statuses (docs/tcpviz.1, EXIT STATUS). */
#define TV_EXIT_OK	0
#define TV_EXIT_ERROR	1	/* bad arguments, unreadable input, bad filter, no permission */
#define TV_EXIT_CUT	2	/* input damaged or cut off part way: all before it was drawn */
#define TV_EXIT_DEMO	3	/* --demo: a scenario did not produce the expected exchange */

/*
 * Where the text goes, the caller's: write() as in struct tv_out, flush()
 * pushes out what is buffered (0 or -1), failed() tells the errno of the
 * first failed write or flush (0: none), end() (may be NULL) finishes it
 * once the run is over, told whether a signal ended the run.
 */
struct tv_sink {
	void (*write)(void *ctx, const char *s, size_t n);
	int (*flush)(void *ctx);
	int (*failed)(void *ctx);
	void (*end)(void *ctx, int interrupted);
	void *ctx;
};

/* Connections with no packet for this long are let go (seconds; live by
 * the clock, replayed by the capture's time). */
#define TV_RUN_IDLE_TCP_S 300
#define TV_RUN_IDLE_UDP_S 60

#define TV_RUN_SHARDS_MAX 65536u

/* The share (1 to shards) that pkt's connection falls in: SipHash of its
 * 4-tuple under a fixed key, not the table's secret one, so that workers
 * that never talk to each other agree. */
uint32_t tv_run_shard_of(const struct tv_pkt *pkt, uint32_t shards);

/* Called for every finished connection after it is drawn (the demo's checks). */
typedef void (*tv_run_conn_fn)(const struct tv_conn *c, void *ctx);

#define TV_RUN_WATCHES 2

/* What the caller sets before tv_run_init(). */
struct tv_run_opts {
	const struct tv_renderer *renderer;
	struct tv_sink sink;
	struct tv_render_opts ro;
	uint64_t count;		/* -c: stop after this many packets (0: no limit) */
	int no_cksum;		/* -K: verify no checksum (else TV_DEC_CKSUM) */
	int live;		/* rows drawn as they arrive, conns reaped by the clock */
	int pace_ms;		/* live: the display shows at most a line per pace_ms
				   (demo on a terminal); tracking does not wait */
	uint64_t linger_ns;
	uint32_t max_conns;	/* 0: TV_FLOW_MAX_CONNS */
	/* --shard K/N: only the connections whose 4-tuple falls in share K
	 * (1 to N) of N are taken, the same share on every run and machine
	 * (tv_run_shard_of); N = 0: all */
	uint32_t shard, shards;
	uint32_t first_conn_id;	/* the first connection's id (0: 1) */
	tv_run_conn_fn on_conn;
	void *on_conn_ctx;
	/* optional: a descriptor polled between packets when on_aux is set */
	int aux_fd;
	void (*on_aux)(void *ctx);
	void *aux_ctx;
	/* the lab: the capture is two joined ones (tv_cap_join), a host's
	 * end each; the pair makes each packet one, and a record's end sent
	 * it when its source is that host's address (IPv4 or IPv6) */
	struct tv_pair *pair;
	struct tv_addr lab_addr[2][2];	/* [end][0 IPv4, 1 IPv6] */
	/* optional: watchers of the connections (--kernel, --calls; at most
	 * TV_RUN_WATCHES, tv_run_watch_add()): told the time of every packet
	 * before it is taken in (ns since the epoch), of every packet after
	 * the tracker took it in and before the renderer draws it, of every
	 * packet after the renderer drew it, of every connection before it is
	 * drawn finished (c is gone after), and between packets */
	struct tv_run_watch {
		void (*before)(void *ctx, int64_t ts_ns);
		void (*track)(void *ctx, const struct tv_conn *c, int64_t ts_ns);
		void (*packet)(void *ctx, const struct tv_conn *c, enum tv_side from);
		void (*done)(void *ctx, const struct tv_conn *c);
		void (*tick)(void *ctx);
		void *ctx;
	} watch[TV_RUN_WATCHES];
};

struct tv_run {
	struct tv_run_opts o;

	/* live: leave the loop at this wall-clock time (ns; 0: never), or as
	 * soon as no connection is left in the table when until_idle is set;
	 * stop: set (by on_aux, say) to leave it now */
	int64_t deadline_ns;
	int until_idle;
	int stop;

	/* the loop's own */
	struct tv_out out;	/* the renderer's: the sink, through the pacing queue */
	struct tv_obuf ob;	/* out's buffer: text goes on in large pieces */
	struct tv_rctx x;
	struct tv_flow *flow;
	struct tv_frag *frag;	/* IP fragments being reassembled */
	struct tv_totals tot;
	uint64_t frames;	/* records read */
	uint64_t matched;
	int first_seen;		/* -ttttt: ro.clock_ns is the first packet's time */
	char *pq;		/* pacing: text drawn, not yet shown */
	size_t pq_off, pq_len;
	int64_t pq_next_ns;	/* when the next line may be shown */
	char errbuf[TV_ERRBUF_SIZE];
};

/* Set when SIGINT, SIGTERM or SIGHUP arrives; tv_run_loop() then stops. */
extern volatile sig_atomic_t tv_run_signalled;
void tv_run_signals(void);

/* Prepare run with the caller's options.  0, or -1: out of memory. */
int tv_run_init(struct tv_run *run, const struct tv_run_opts *o);

/* Named results of tv_run_loop(). */
enum tv_run_end {
	TV_RUN_DONE,		/* the input ended, -c was reached, a signal, run->stop */
	TV_RUN_OUTPUT,		/* the output failed (a reader that went away, say) */
	TV_RUN_DAMAGED,		/* the input is damaged part way: run->errbuf says how */
};

/* Read cap until it ends, -c is reached, a signal arrives, run->stop is
 * set, or output fails. */
enum tv_run_end tv_run_loop(struct tv_run *run, struct tv_cap *cap);

/* One input ended and another follows (--compare -r A -r B): every
 * connection of the one that ended is handed out; ids go on. */
void tv_run_input_end(struct tv_run *run);

/* The lab: the input ended: draw every packet the pair still holds. */
void tv_run_lab_drain(struct tv_run *run, struct tv_cap *cap);

/* A free watcher slot of run (its ctx NULL), zeroed, or NULL when all are
 * taken; the caller fills it, and zeroes it to leave. */
struct tv_run_watch *tv_run_watch_add(struct tv_run *run);

/* Has the output failed?  (The errno, or 0.) */
int tv_run_output_failed(const struct tv_run *run);

/* Text to the run's output (after what was drawn so far, paced with it),
 * broken to fit the width, lines after the first indented by `indent`. */
void tv_run_say(struct tv_run *run, size_t indent, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Pacing: show every line still queued, a pace apart (all at once after a
 * signal or when the output failed). */
void tv_run_drain(struct tv_run *run);

/* Hand out closed connections whose linger has passed (live: wall clock). */
void tv_run_reap_now(struct tv_run *run);

/* Number of connections still in the table. */
uint64_t tv_run_open_conns(const struct tv_run *run);

/* Hand out every connection still in the table (the demo: UDP flows). */
void tv_run_flush_conns(struct tv_run *run);

/* End of input: draw what is left and the totals; free the table. */
void tv_run_finish(struct tv_run *run);

/* Flush the output; returns TV_EXIT_ERROR with a message when writing
 * failed (other than a reader that went away), else `status`. */
int tv_run_output_status(struct tv_run *run, int status);

#endif /* TV_RUN_H */
