/* \summary: the read-decode-track-draw loop shared by replay, live capture and the demo */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tv_decode.h"
#include "tv_run.h"

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
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: blocking reads return */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a closed pipe shows as a write error */
}

static void
write_stdout(struct tv_run *run, const char *s, size_t n)
{
	if (run->write_failed)
		return;
	if (fwrite(s, 1, n, stdout) != n) {
		run->write_failed = 1;
		run->write_errno = errno;
	}
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
	write_stdout(run, s, n);
	run->pq_off += n;
	run->pq_len -= n;
	if (run->pq_len == 0)
		run->pq_off = 0;
	/* a blank line takes no time of its own */
	if (n > 1)
		run->pq_next_ns = tv_run_now_ns() + (int64_t)run->pace_ms * 1000000;
	return 1;
}

static void
pq_write(struct tv_run *run, const char *s, size_t n)
{
	if (run->pq_off + run->pq_len + n > PQ_SIZE) {
		/* full: the display skips its pauses until the text fits */
		while (run->pq_len + n > PQ_SIZE / 2 && pq_show_line(run))
			;
		if (run->pq_len + n > PQ_SIZE / 2) {
			write_stdout(run, run->pq + run->pq_off, run->pq_len);
			run->pq_off = run->pq_len = 0;
			write_stdout(run, s, n);
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
		write_stdout(run, s, n);
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
		now = tv_run_now_ns();
		if (now < run->pq_next_ns)
			return (int)((run->pq_next_ns - now + 999999) / 1000000);
		if (!pq_show_line(run))
			break;
		if (!run->write_failed && fflush(stdout) != 0) {
			run->write_failed = 1;
			run->write_errno = errno;
		}
	}
	return -1;
}

void
tv_run_drain(struct tv_run *run)
{
	int ms;

	while ((ms = pq_tick(run)) >= 0 && !tv_run_signalled && !run->write_failed) {
		struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
	}
	if (run->pq != NULL && run->pq_len > 0) {	/* nothing lost on Ctrl-C */
		write_stdout(run, run->pq + run->pq_off, run->pq_len);
		run->pq_off = run->pq_len = 0;
	}
}

void
tv_run_say(struct tv_run *run, size_t indent, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tv_out_para(&run->out, run->ro.width, indent, buf);
}

static void
conn_done(struct tv_conn *c, enum tv_done why, void *ctx)
{
	struct tv_run *run = ctx;

	switch (run->fmt) {
	case TV_FMT_JSON:
		if (why != TV_DONE_PARTIAL)
			tv_json_conn(&run->out, &run->ro, c, why);
		break;
	case TV_FMT_SUMMARY:
		if (why == TV_DONE_PARTIAL)
			return;
		if (!run->sum_header_done++)
			tv_sum_header(&run->out, &run->ro);
		tv_sum_conn(&run->out, &run->ro, c, &run->sum);
		break;
	case TV_FMT_TEXT:
		if (run->live)
			tv_lad_live_done(&run->out, &run->ro, c, why);
		else
			tv_lad_conn(&run->out, &run->ro, c, why);
		break;
	}
	if (why != TV_DONE_PARTIAL && run->on_conn)
		run->on_conn(c, run->on_conn_ctx);
}

int
tv_run_init(struct tv_run *run)
{
	struct tv_flow_cfg cfg;

	run->out.write = out_run;
	run->out.ctx = run;
	if (run->pace_ms > 0 && (run->pq = malloc(PQ_SIZE)) == NULL)
		return -1;
	/* live rows share one clock: time since the capture started */
	if (run->live) {
		run->ro.shared_clock = 1;
		run->ro.clock_ns = tv_run_now_ns();
	}
	memset(&cfg, 0, sizeof(cfg));
	/* replayed ladders are drawn whole, so their rows are kept */
	cfg.keep_rows = run->fmt == TV_FMT_TEXT && !run->live;
	cfg.linger_ns = run->linger_ns;
	cfg.max_conns = run->max_conns;
	cfg.done = conn_done;
	cfg.ctx = run;
	run->flow = tv_flow_new(&cfg);
	return run->flow ? 0 : -1;
}

static void
now(int64_t *sec, uint32_t *nsec)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	*sec = ts.tv_sec;
	*nsec = (uint32_t)ts.tv_nsec;
}

/* Live output goes out packet by packet; a failed flush (the reader of a
 * pipe went away) is a write failure, which ends the loop. */
static void
flush_live(struct tv_run *run)
{
	if (run->live && !run->write_failed && fflush(stdout) != 0) {
		run->write_failed = 1;
		run->write_errno = errno;
	}
}

void
tv_run_reap_now(struct tv_run *run)
{
	int64_t sec;
	uint32_t nsec;

	now(&sec, &nsec);
	tv_flow_reap(run->flow, sec, nsec);
	flush_live(run);
}

int64_t
tv_run_now_ns(void)
{
	int64_t sec;
	uint32_t nsec;

	now(&sec, &nsec);
	return sec * 1000000000LL + nsec;
}

uint64_t
tv_run_open_conns(const struct tv_run *run)
{
	struct tv_flow_stats st;

	tv_flow_get_stats(run->flow, &st);
	return st.open;
}

int
tv_run_loop(struct tv_run *run, struct tv_cap *cap)
{
	int link = tv_cap_link(cap);

	run->ro.ts_digits = tv_cap_ts_digits(cap);
	while (!tv_run_signalled && !run->stop && !run->write_failed) {
		struct tv_rec rec;
		struct tv_pkt pkt;
		struct tv_conn *c;
		enum tv_side from;
		int match, r, due;

		/* the display follows at its pace: wait for packets no longer
		 * than until its next line is due */
		if (run->pq != NULL) {
			due = pq_tick(run);
			tv_cap_set_wait(cap, due >= 0 && due < 100 ? due : 100);
		}

		if (run->deadline_ns || run->until_idle) {
			tv_run_reap_now(run);
			if (run->until_idle && tv_run_open_conns(run) == 0)
				break;
			if (run->deadline_ns && tv_run_now_ns() >= run->deadline_ns)
				break;
		}
		if (run->aux_fd >= 0 && run->on_aux) {
			struct pollfd pfd = { .fd = run->aux_fd, .events = POLLIN };

			if (poll(&pfd, 1, 0) > 0)
				run->on_aux(run, run->aux_ctx);
			if (run->stop)
				break;
		}
		r = tv_cap_next(cap, &rec, &match, run->errbuf);
		if (r == 0)
			break;
		if (r < 0) {
			if (tv_run_signalled)	/* an interrupted read, not damage */
				break;
			return TV_EXIT_CUT;
		}
		if (r == 2) {		/* live: time passes even when nothing arrives */
			tv_run_reap_now(run);
			continue;
		}
		run->frames++;
		if (!match)
			continue;
		pkt.n = run->frames;
		pkt.ts_sec = rec.ts_sec;
		pkt.ts_nsec = rec.ts_nsec;
		if (tv_decode(link, rec.data, rec.caplen, rec.wirelen, &pkt) == 0) {
			c = tv_flow_add(run->flow, &pkt, &from);
			if (c == NULL) {
				snprintf(run->errbuf, sizeof(run->errbuf), "out of memory");
				return TV_EXIT_CUT;
			}
			if (run->fmt == TV_FMT_JSON) {
				tv_json_packet(&run->out, &run->ro, &pkt, c, from);
			} else if (run->fmt == TV_FMT_TEXT && run->live) {
				struct tv_row row;

				tv_flow_row(c, &pkt, from, &row);
				tv_lad_live_packet(&run->out, &run->ro, c, &row);
			}
		}
		tv_totals_add(&run->tot, &pkt);
		flush_live(run);
		if (run->count && ++run->matched >= run->count)
			break;
	}
	return TV_EXIT_OK;
}

void
tv_run_finish(struct tv_run *run)
{
	struct tv_flow_stats st;

	tv_flow_finish(run->flow);
	tv_flow_get_stats(run->flow, &st);
	run->tot.connections = st.conns;
	run->tot.evicted = st.evicted;
	if (run->fmt == TV_FMT_JSON) {
		tv_json_summary(&run->out, &run->tot);
	} else {
		if (run->fmt == TV_FMT_SUMMARY) {
			if (!run->sum_header_done)
				tv_sum_header(&run->out, &run->ro);
			tv_sum_totals(&run->out, &run->ro, &run->sum);
		}
		tv_lad_summary(&run->out, &run->ro, &run->tot);
	}
	tv_flow_free(run->flow);
	run->flow = NULL;
	tv_run_drain(run);
	free(run->pq);
	run->pq = NULL;
}

int
tv_run_output_status(struct tv_run *run, int status)
{
	if (!run->write_failed && fflush(stdout) != 0) {
		run->write_failed = 1;
		run->write_errno = errno;
	}
	if (run->write_failed) {
		if (run->write_errno == EPIPE)	/* the reader went away */
			return status;
		fprintf(stderr, "tcpviz: writing output: %s\n",
		    strerror(run->write_errno));
		return TV_EXIT_ERROR;
	}
	return status;
}
