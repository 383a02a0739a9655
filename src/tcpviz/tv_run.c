/* \summary: the read-decode-track-render loop shared by replay, live capture and the demo */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "tv_decode.h"
#include "tv_frag.h"
#include "tv_run.h"
#include "tv_util.h"

volatile sig_atomic_t tv_run_signalled;

static void
on_signal(int sig)
{
	(void)sig;
	tv_run_signalled = 1;
}

void
tv_run_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, 0 };

	tv_catch_signals(on_signal, sigs);
}

int
tv_run_output_failed(const struct tv_run *run)
{
	return run->o.sink.failed ? run->o.sink.failed(run->o.sink.ctx) : 0;
}

static void
sink_write(struct tv_run *run, const char *s, size_t n)
{
	run->o.sink.write(run->o.sink.ctx, s, n);
}

/* OUT_BUF bytes of text collect before they go on to the sink (replay);
 * live text goes on packet by packet */
#define OUT_BUF (64u << 10)

static void
sink_flush(struct tv_run *run)
{
	tv_out_flush(&run->out);
	if (run->o.sink.flush)
		run->o.sink.flush(run->o.sink.ctx);
}

/* ---- pacing: the display trails the tracker by at most PQ_SIZE bytes ---- */

#define PQ_SIZE (1u << 20)

/* Show the first queued line; 0 when there is no whole line queued. */
static int
pq_show_line(struct tv_run *run)
{
	const char *s = run->pq + run->pq_off;
	const char *nl = memchr(s, '\n', run->pq_len);
	size_t n;

	if (nl == NULL)
		return 0;
	n = (size_t)(nl - s) + 1;
	sink_write(run, s, n);
	run->pq_off += n;
	run->pq_len -= n;
	if (run->pq_len == 0)
		run->pq_off = 0;
	/* a blank line takes no time of its own */
	if (n > 1)
		run->pq_next_ns = tv_wall_ns() + (int64_t)run->o.pace_ms * 1000000;
	return 1;
}

/* Everything queued, at once. */
static void
pq_show_all(struct tv_run *run)
{
	if (run->pq_len > 0)
		sink_write(run, run->pq + run->pq_off, run->pq_len);
	run->pq_off = run->pq_len = 0;
}

static void
pq_write(struct tv_run *run, const char *s, size_t n)
{
	if (run->pq_off + run->pq_len + n > PQ_SIZE) {
		/* full: the display skips its pauses until the text fits */
		while (run->pq_len + n > PQ_SIZE / 2 && pq_show_line(run))
			;
		if (run->pq_len + n > PQ_SIZE / 2) {
			pq_show_all(run);
			sink_write(run, s, n);
			return;
		}
		memmove(run->pq, run->pq + run->pq_off, run->pq_len);
		run->pq_off = 0;
	}
	memcpy(run->pq + run->pq_off + run->pq_len, s, n);
	run->pq_len += n;
}

static void
out_run(void *ctx, const char *s, size_t n)
{
	struct tv_run *run = ctx;

	if (run->pq != NULL)
		pq_write(run, s, n);
	else
		sink_write(run, s, n);
}

/* Show the lines whose time has come; milliseconds until the next one is
 * due, or -1 when none is queued. */
static int
pq_tick(struct tv_run *run)
{
	int64_t now;

	if (run->pq == NULL)
		return -1;
	while (run->pq_len > 0) {
		now = tv_wall_ns();
		if (now < run->pq_next_ns)
			return (int)((run->pq_next_ns - now + 999999) / 1000000);
		if (!pq_show_line(run))
			break;
		sink_flush(run);
	}
	return -1;
}

void
tv_run_drain(struct tv_run *run)
{
	int ms;

	tv_out_flush(&run->out);
	while ((ms = pq_tick(run)) >= 0 && !tv_run_signalled &&
	    !tv_run_output_failed(run)) {
		struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
	}
	if (run->pq != NULL)		/* nothing lost on Ctrl-C */
		pq_show_all(run);
}

void
tv_run_say(struct tv_run *run, size_t indent, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tv_out_para(&run->out, run->o.ro.width, indent, buf);
}

/* ---- the tracker's connections to the renderer ---- */

static void
conn_done(struct tv_conn *c, enum tv_done why, void *ctx)
{
	struct tv_run *run = ctx;

	const struct tv_run_watch *w;

	for (w = run->o.watch; w < run->o.watch + TV_RUN_WATCHES; w++)
		if (w->done && why != TV_DONE_PARTIAL)
			w->done(w->ctx, c);
	if (run->o.renderer->conn)
		run->o.renderer->conn(&run->x, c, why);
	if (why != TV_DONE_PARTIAL && run->o.on_conn)
		run->o.on_conn(c, run->o.on_conn_ctx);
}

static int
merge_row(void *ctx, const struct tv_conn *c, struct tv_row *last,
    const struct tv_row *r)
{
	struct tv_run *run = ctx;

	return run->o.renderer->merge(&run->o.ro, c, last, r);
}

int
tv_run_init(struct tv_run *run, const struct tv_run_opts *o)
{
	const struct tv_renderer *r = o->renderer;
	const struct tv_run_watch *w;
	struct tv_flow_cfg cfg;

	memset(run, 0, sizeof(*run));
	run->o = *o;
	run->out.write = out_run;
	run->out.ctx = run;
	if ((run->ob.b = malloc(OUT_BUF)) != NULL) {
		run->ob.cap = OUT_BUF;
		run->out.buf = &run->ob;
	}
	run->x.out = &run->out;
	run->x.ro = &run->o.ro;
	if (r->self_size && (run->x.self = calloc(1, r->self_size)) == NULL)
		return -1;
	if (o->pace_ms > 0 && (run->pq = malloc(PQ_SIZE)) == NULL)
		return -1;
	/* live rows share one clock: time since the capture started */
	if (o->live) {
		run->o.ro.shared_clock = 1;
		if (o->ro.clock_ns == 0)	/* else a clock the caller keeps (the demo) */
			run->o.ro.clock_ns = tv_wall_ns();
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.keep_rows = r->keep_rows;
	if (r->merge != NULL)
		cfg.merge = merge_row;
	cfg.user_size = r->conn_size;
	cfg.linger_ns = o->linger_ns;
	cfg.max_conns = o->max_conns;
	cfg.first_id = o->first_conn_id;
	/* a connection that has gone quiet is let go (Zeek's inactivity
	 * timeouts: TCP 5 minutes, UDP 1 minute; replayed, in the capture's
	 * time), so that UDP flows, which never close, and unanswered SYNs do
	 * not fill the table over a long capture: memory follows the
	 * connections open at once, not the length of the input */
	cfg.idle_ns[0] = TV_RUN_IDLE_TCP_S * 1000000000ULL;
	cfg.idle_ns[1] = TV_RUN_IDLE_UDP_S * 1000000000ULL;
	cfg.done = conn_done;
	cfg.ctx = run;
	/* a file drawn connection by connection, nothing written between
	 * them: finished ones drawn in batches (tv_flow_cfg.batch); a
	 * watcher (tv_run_watch_add()) turns it off */
	if (!o->live && o->pace_ms <= 0 && r->batch && o->on_conn == NULL &&
	    o->pair == NULL)
		cfg.batch = TV_FLOW_BATCH;
	for (w = o->watch; w < o->watch + TV_RUN_WATCHES; w++)
		if (w->ctx != NULL)
			cfg.batch = 0;
	/* the table's hash key, secret for this run, so that nobody can
	 * craft 4-tuples that share a bucket; when the kernel has no entropy
	 * yet (early boot), at least one that differs from run to run */
	if (getrandom(cfg.key, sizeof(cfg.key), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(cfg.key)) {
		cfg.key[0] = (uint64_t)tv_wall_ns() ^ (uint64_t)getpid() << 40;
		cfg.key[1] = (uint64_t)(uintptr_t)run ^ (uint64_t)clock();
	}
	if ((run->frag = tv_frag_new()) == NULL)
		return -1;
	run->flow = tv_flow_new(&cfg);
	return run->flow ? 0 : -1;
}

/* Live output goes out packet by packet. */
static void
flush_live(struct tv_run *run)
{
	if (run->o.live || run->pq != NULL)
		sink_flush(run);
}

void
tv_run_reap_now(struct tv_run *run)
{
	int64_t now = tv_wall_ns();

	tv_flow_reap(run->flow, now / 1000000000, (uint32_t)(now % 1000000000));
	flush_live(run);
}

uint64_t
tv_run_open_conns(const struct tv_run *run)
{
	struct tv_flow_stats st;

	tv_flow_get_stats(run->flow, &st);
	return st.open;
}

void
tv_run_flush_conns(struct tv_run *run)
{
	tv_flow_finish(run->flow);
}

/* Between packets: the clock's deadlines, the display, the caller's fd.
 * 0 to go on, 1 to leave the loop. */
static int
between(struct tv_run *run, struct tv_cap *cap)
{
	const struct tv_run_watch *w;
	int due;

	if (run->deadline_ns || run->until_idle) {
		tv_run_reap_now(run);
		if (run->until_idle && tv_run_open_conns(run) == 0)
			return 1;
		if (run->deadline_ns && tv_wall_ns() >= run->deadline_ns)
			return 1;
	}
	/* the display follows at its pace: wait for packets no longer than
	 * until its next line is due */
	if (run->pq != NULL) {
		due = pq_tick(run);
		tv_cap_set_wait(cap, due >= 0 && due < 100 ? due : 100);
	}
	for (w = run->o.watch; w < run->o.watch + TV_RUN_WATCHES; w++)
		if (w->tick)
			w->tick(w->ctx);
	if (run->o.on_aux) {
		struct pollfd pfd = { .fd = run->o.aux_fd, .events = POLLIN };

		if (poll(&pfd, 1, 0) > 0)
			run->o.on_aux(run->o.aux_ctx);
	}
	return run->stop;
}

struct tv_run_watch *
tv_run_watch_add(struct tv_run *run)
{
	struct tv_run_watch *w;

	for (w = run->o.watch; w < run->o.watch + TV_RUN_WATCHES; w++)
		if (w->ctx == NULL) {
			memset(w, 0, sizeof(*w));
			/* told of each end as it comes, between packets */
			tv_flow_batch(run->flow, 0);
			return w;
		}
	return NULL;
}

uint32_t
tv_run_shard_of(const struct tv_pkt *pkt, uint32_t shards)
{
	static const uint64_t fixed[2] = { 0x74637076697a2d73ULL,	/* "tcpviz-s" */
	    0x68617264696e6721ULL };					/* "harding!" */

	return shards ? (uint32_t)(tv_flow_hash(fixed, pkt) % shards) + 1 : 1;
}

/*
 * An IP fragment (pkt, from rec), outer or inside a tunnel: held until its
 * datagram is whole, which is then decoded as one packet numbered as its
 * last fragment (Wireshark's way), in the fragments' tunnel.  The frames
 * count as fragments, each by share 1 only, as frames neither TCP nor UDP
 * are; every share reassembles, the whole goes to its own.  A whole
 * datagram may hold a fragment of one inside it: that goes in too (each
 * level a tunnel further in, so a few at most).  1: the frame is taken
 * (held or dropped); 0: *d and pkt are the whole datagram as decoded, or
 * the fragment itself when refused (left skipped).
 */
static int
reassemble(struct tv_run *run, const struct tv_rec *rec, struct tv_pkt *pkt,
    int *d)
{
	struct tv_frag_out fo;
	int fr = tv_frag_add(run->frag, rec->link, rec->data, pkt, &fo);
	int level;

	if (fr == TV_FRAG_REFUSED)
		return 0;
	if (!run->o.shards || run->o.shard == 1)
		run->tot.packets++;
	for (level = 0;; level++) {
		if (fr != TV_FRAG_DONE)
			return 1;
		*d = tv_frag_decode(&fo, run->o.no_cksum ? 0 : TV_DEC_CKSUM, pkt);
		if (*d != 1 || pkt->skip != TV_SKIP_FRAGMENT ||
		    level >= TV_TUN_MAX_DEPTH)
			return 0;
		fr = tv_frag_add(run->frag, fo.link, fo.data, pkt, &fo);
		if (fr == TV_FRAG_REFUSED)
			return 0;
	}
}

/* One record (decoded by its own link type): decode, track, render; 0 when --shard leaves it to
 * another worker (then it is not counted here at all).  Frames that are
 * neither TCP nor UDP are counted by share 1 only. */
static int
take(struct tv_run *run, const struct tv_rec *rec,
    const struct tv_pair_pkt *pp)
{
	const struct tv_renderer *r = run->o.renderer;
	const struct tv_run_watch *w;
	struct tv_pkt pkt;
	struct tv_conn *c;
	struct tv_row row;
	enum tv_side from;
	int d;

	/* -ttttt: rows count from the first packet taken */
	if (run->o.ro.tfmt == TV_T_FIRST && !run->first_seen) {
		run->o.ro.clock_ns = rec->ts_sec * 1000000000LL + rec->ts_nsec;
		run->first_seen = 1;
	}
	pkt.n = run->frames;
	pkt.ts_sec = rec->ts_sec;
	pkt.ts_nsec = rec->ts_nsec;
	d = tv_decode_opts(rec->link, rec->data, rec->caplen, rec->wirelen,
	    run->o.no_cksum ? 0 : TV_DEC_CKSUM, &pkt);
	if (d == 1 && pkt.skip == TV_SKIP_FRAGMENT &&
	    reassemble(run, rec, &pkt, &d)) {
		flush_live(run);
		return !run->o.shards || run->o.shard == 1;
	}
	if (d == 2) {
		/* an ICMP error: joined to the flow it quotes, if there is
		 * one (then drawn with it), else only counted */
		if (pp != NULL) {
			pkt.seen = pp->seen;
			pkt.lost = pp->lost;
			pkt.owd_ns = pp->owd_ns;
		}
		if (run->o.shards &&
		    tv_run_shard_of(&pkt, run->o.shards) != run->o.shard)
			return 0;
		c = tv_flow_icmp(run->flow, &pkt, &from);
		if (c == NULL)
			run->tot.icmp_no_flow++;
		else if (r->packet) {
			if (r->wants_row)
				tv_flow_row(c, &pkt, from, &row);
			r->packet(&run->x, c, &pkt, from, r->wants_row ? &row : NULL);
		}
	} else if (d == 0) {
		if (pp != NULL) {
			pkt.seen = pp->seen;
			pkt.lost = pp->lost;
			pkt.owd_ns = pp->owd_ns;
		}
		if (run->o.shards &&
		    tv_run_shard_of(&pkt, run->o.shards) != run->o.shard)
			return 0;
		for (w = run->o.watch; w < run->o.watch + TV_RUN_WATCHES; w++)
			if (w->before)
				w->before(w->ctx, tv_ns(pkt.ts_sec, pkt.ts_nsec));
		c = tv_flow_add(run->flow, &pkt, &from);
		if (c == NULL) {
			snprintf(run->errbuf, sizeof(run->errbuf), "out of memory");
			run->stop = -1;
			return 1;
		}
		for (w = run->o.watch; w < run->o.watch + TV_RUN_WATCHES; w++)
			if (w->track)
				w->track(w->ctx, c, tv_ns(pkt.ts_sec, pkt.ts_nsec));
		if (r->packet) {
			/* a row only for a renderer that draws it now: the
			 * tracker built its own copy already when it keeps rows */
			if (r->wants_row)
				tv_flow_row(c, &pkt, from, &row);
			r->packet(&run->x, c, &pkt, from, r->wants_row ? &row : NULL);
		}
		for (w = run->o.watch; w < run->o.watch + TV_RUN_WATCHES; w++)
			if (w->packet)
				w->packet(w->ctx, c, from);
	} else if (run->o.shards && run->o.shard != 1) {
		return 0;
	}
	tv_totals_add(&run->tot, &pkt);
	flush_live(run);
	return 1;
}

/* The lab: did this end send the record (its source is the end's host)? */
static int
lab_sent(const struct tv_run *run, const struct tv_rec *rec)
{
	const struct tv_addr *a;
	struct tv_pkt pkt;

	pkt.n = 0;
	pkt.ts_sec = 0;
	pkt.ts_nsec = 0;
	if (tv_decode_opts(rec->link, rec->data, rec->caplen, rec->wirelen, 0,
	    &pkt) != 0 && pkt.src.family == 0)
		return 0;
	a = &run->o.lab_addr[rec->end][pkt.src.family == 6];
	return a->family == pkt.src.family &&
	    memcmp(a->a, pkt.src.a, sizeof(a->a)) == 0;
}

/* The lab: every packet the pair has decided by now, drawn in order;
 * all of them when `all`.  0, or 1 to leave the loop. */
static int
lab_take(struct tv_run *run, int link, int64_t now, int all)
{
	const struct tv_pair_pkt *pp;

	while ((pp = all ? tv_pair_drain(run->o.pair) :
	    tv_pair_next(run->o.pair, now)) != NULL) {
		struct tv_rec r = { .data = pp->data, .caplen = pp->caplen,
		    .wirelen = pp->wirelen, .ts_sec = pp->ts_ns / 1000000000,
		    .ts_nsec = (uint32_t)(pp->ts_ns % 1000000000), .link = link };

		run->frames++;
		if (!take(run, &r, pp))
			continue;
		if (run->stop < 0)
			return 1;
		if (run->o.count && ++run->matched >= run->o.count)
			return 1;
	}
	return 0;
}

void
tv_run_lab_drain(struct tv_run *run, struct tv_cap *cap)
{
	if (run->o.pair != NULL)
		lab_take(run, tv_cap_link(cap), 0, 1);
}

enum tv_run_end
tv_run_loop(struct tv_run *run, struct tv_cap *cap)
{
	int link = tv_cap_link(cap);

	/* the lab captures in ns for the one-way times, and draws in us */
	run->o.ro.ts_digits = run->o.pair ? 6 : tv_cap_ts_digits(cap);
	while (!tv_run_signalled && !tv_run_output_failed(run)) {
		struct tv_rec rec;
		int match;

		if (between(run, cap))
			break;
		switch (tv_cap_next(cap, &rec, &match, run->errbuf)) {
		case TV_CAP_END:
			return TV_RUN_DONE;
		case TV_CAP_DAMAGED:
			/* an interrupted read is no damage */
			return tv_run_signalled ? TV_RUN_DONE : TV_RUN_DAMAGED;
		case TV_CAP_IDLE:	/* live: time passes when nothing comes */
			if (run->o.pair && lab_take(run, link, tv_wall_ns(), 0))
				return run->stop < 0 ? TV_RUN_DAMAGED : TV_RUN_DONE;
			tv_run_reap_now(run);
			continue;
		case TV_CAP_PACKET:
			break;
		}
		if (run->o.pair) {
			/* the lab: held until the other end's copy came or
			 * could not come any more */
			if (lab_take(run, link, tv_wall_ns(), 0))
				return run->stop < 0 ? TV_RUN_DAMAGED : TV_RUN_DONE;
			if (match)
				tv_pair_add(run->o.pair, rec.end,
				    lab_sent(run, &rec),
				    tv_ns(rec.ts_sec, rec.ts_nsec), rec.data,
				    rec.caplen, rec.wirelen);
			continue;
		}
		run->frames++;
		if (!match)
			continue;
		if (!take(run, &rec, NULL))
			continue;
		if (run->stop < 0)
			return TV_RUN_DAMAGED;
		if (run->o.count && ++run->matched >= run->o.count)
			break;
	}
	return tv_run_output_failed(run) ? TV_RUN_OUTPUT : TV_RUN_DONE;
}

void
tv_run_input_end(struct tv_run *run)
{
	tv_flow_finish(run->flow);
	tv_frag_finish(run->frag);
	run->first_seen = 0;
	tv_out_flush(&run->out);
}

void
tv_run_finish(struct tv_run *run)
{
	struct tv_flow_stats st;

	tv_flow_finish(run->flow);
	tv_frag_finish(run->frag);
	if (!run->o.shards || run->o.shard == 1)
		tv_frag_get_stats(run->frag, &run->tot.frag);
	tv_frag_free(run->frag);
	run->frag = NULL;
	tv_flow_get_stats(run->flow, &st);
	/* added to what the caller counted there (the demo: the connections
	 * of its compare scenarios' runs, drawn between this run's) */
	run->tot.connections += st.conns;
	run->tot.evicted += st.evicted;
	if (run->o.renderer->end)
		run->o.renderer->end(&run->x, &run->tot);
	tv_flow_free(run->flow);
	run->flow = NULL;
	tv_out_flush(&run->out);
	tv_run_drain(run);
	free(run->pq);
	run->pq = NULL;
	free(run->x.self);
	run->x.self = NULL;
	run->out.buf = NULL;
	free(run->ob.b);
	run->ob.b = NULL;
}

int
tv_run_output_status(struct tv_run *run, int status)
{
	int e;

	sink_flush(run);
	if (run->o.sink.end)
		run->o.sink.end(run->o.sink.ctx, tv_run_signalled);
	if ((e = tv_run_output_failed(run)) == 0 || e == EPIPE)	/* EPIPE: the reader went away */
		return status;
	fprintf(stderr, "tcpviz: writing output: %s\n", strerror(e));
	return TV_EXIT_ERROR;
}
