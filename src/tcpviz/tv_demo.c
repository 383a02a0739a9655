/* \summary: tcpviz --demo: captures its own ports on lo, draws each scenario live, checks what the tracker saw */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "tv_demo-int.h"
#include "tv_cview-int.h"
#include "tv_kview-int.h"
#include "tv_labdemo-int.h"
#include "tv_priv-int.h"
#include "tv_scen-int.h"
#include "tv_tcp.h"
#include "tv_util.h"

#define MAX_SEEN 32		/* connections remembered per scenario */
#define MAX_SCEN 32

/* What the parent saw of one connection. */
struct seen {
	uint8_t proto;
	enum tv_open open;
	enum tv_close close;
	int closed_by, reset_by;
	uint32_t isn_client;
	uint16_t cport, sport;
	uint64_t pkts[2], bytes[2];
	unsigned syn_retries;
	int icmp_refused;	/* an ICMP port unreachable was joined to it */
};

struct demo {
	struct scen_runner sr;
	uint16_t port[MAX_SCEN];
	int want[MAX_SCEN];
	int want_lab[MAX_SCEN];	/* the lab's scenarios (tv_labdemo.c) */
	int any_lo, any_lab;
	int id_fd;		/* demo_both: the loopback part's connection
				   count goes here, for the lab's numbering */
	int cur;		/* scenario being run, or -1 */
	int end_status;		/* the runner's status for the current scenario */
	int ended;
	int quit;
	struct seen seen[MAX_SEEN];
	int nseen;
	int failures;
	int absolute;		/* -S given */
	struct tv_run *run;
	struct tv_kview *kv;	/* the kernel's view, or NULL */
	struct tv_cview *cv;	/* the programs' calls, or NULL */
	int calls[2];		/* the channel: [0] ours, [1] the programs' */
	/* a compare scenario: drawn by a run of its own (compare_scenario())
	 * on the same capture, from its B line to its check; its
	 * connections are numbered after the main run's */
	struct tv_run *main_run;
	int cmp_next;		/* its B line came: switch runs */
	uint32_t cmp_conns;	/* connections the compare runs drew */
};

void
tv_demo_print_list(FILE *fp)
{
	int i;

	for (i = 0; i < tv_nscenarios; i++)
		fprintf(fp, "%-11s %s%s\n", tv_scenarios[i].name,
		    tv_scenarios[i].by_name ? "(by name) " : "",
		    tv_scenarios[i].caption);
	tv_labdemo_print_list(fp);
}

static int
parse_list(struct demo *d, const char *list)
{
	char buf[256], *tok, *save = NULL;
	int i, any = 0;

	/* the default: the loopback scenarios (about a minute at the pace of
	 * a terminal); "lab": every scenario of the lab */
	if (list == NULL || *list == '\0') {
		for (i = 0; i < tv_nscenarios; i++)
			d->want[i] = !tv_scenarios[i].by_name;
		d->any_lo = 1;
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < tv_nscenarios; i++)
			if (strcmp(tok, tv_scenarios[i].name) == 0)
				break;
		if (strcmp(tok, "lab") == 0) {
			for (i = 0; i < tv_labdemo_count(); i++)
				d->want_lab[i] |= !tv_labdemo_by_name(i);
			any = d->any_lab = 1;
		} else if (i < tv_nscenarios) {
			d->want[i] = any = d->any_lo = 1;
			/* a name of both lists (tcp-vs-udp): loopback, then the lab */
			if ((i = tv_labdemo_find(tok)) >= 0)
				d->want_lab[i] = d->any_lab = 1;
		} else if ((i = tv_labdemo_find(tok)) >= 0) {
			d->want_lab[i] = any = d->any_lab = 1;
		} else {
			fprintf(stderr, "tcpviz: --demo: no scenario '%s' "
			    "(tcpviz --demo-list shows them)\n", tok);
			return -1;
		}
	}
	return any ? 0 : -1;
}

/* The bundled programs live next to the tcpviz binary. */
static int
find_programs(struct scen_runner *sr)
{
	char self[PATH_MAX - 32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0)
		return -1;
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) != NULL)
		*slash = '\0';
	snprintf(sr->server, sizeof(sr->server), "%s/tcpviz-server", self);
	snprintf(sr->client, sizeof(sr->client), "%s/tcpviz-client", self);
	snprintf(sr->craft, sizeof(sr->craft), "%s/tcpviz-craft", self);
	if (access(sr->server, X_OK) < 0 || access(sr->client, X_OK) < 0) {
		fprintf(stderr, "tcpviz: --demo needs tcpviz-server and tcpviz-client "
		    "next to tcpviz (%s): run make\n", self);
		return -1;
	}
	return 0;
}

/* A port on 127.0.0.1 that is free for both TCP and UDP right now. */
static int
free_port(uint16_t *port, const uint16_t *taken, int ntaken)
{
	int tries, i;

	for (tries = 0; tries < 50; tries++) {
		struct sockaddr_in sa;
		socklen_t len = sizeof(sa);
		int t = socket(AF_INET, SOCK_STREAM, 0), u, ok = 1;

		if (t < 0)
			return -1;
		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (bind(t, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
		    getsockname(t, (struct sockaddr *)&sa, &len) < 0) {
			close(t);
			return -1;
		}
		u = socket(AF_INET, SOCK_DGRAM, 0);
		if (u < 0 || bind(u, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			ok = 0;
		for (i = 0; i < ntaken; i++)
			if (taken[i] == ntohs(sa.sin_port))
				ok = 0;
		if (u >= 0)
			close(u);
		close(t);
		if (ok) {
			*port = ntohs(sa.sin_port);
			return 0;
		}
	}
	return -1;
}

/* ---- what the tracker saw, and the one check ---- */

static void
on_conn(const struct tv_conn *c, void *ctx)
{
	struct demo *d = ctx;
	struct seen *s;

	/* late packets of a closed connection are not one of their own */
	if (d->cur < 0 || d->nseen >= MAX_SEEN || c->late_of)
		return;
	s = &d->seen[d->nseen++];
	memset(s, 0, sizeof(*s));
	s->proto = c->proto;
	s->cport = c->port[TV_CLIENT];
	s->sport = c->port[TV_SERVER];
	memcpy(s->pkts, c->pkts, sizeof(s->pkts));
	memcpy(s->bytes, c->bytes, sizeof(s->bytes));
	if (c->proto == 6) {
		s->open = tv_tcp_open(&c->tcp);
		s->close = tv_tcp_close(&c->tcp);
		s->closed_by = tv_tcp_closed_by(&c->tcp);
		s->reset_by = c->tcp.rst_end_side;
		s->isn_client = c->isn[TV_CLIENT];
		s->syn_retries = tv_tcp_syn_retries(&c->tcp);
	}
	s->icmp_refused = c->icmp.refused;
}

static int
in_range(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v >= lo && (hi == 0 || v <= hi);
}

/* Does connection s show what w expects (on the scenario's port)? */
static int
conn_as_expected(const struct seen *s, const struct scen_expect *w, uint16_t port)
{
	int i;

	if (s->proto != w->proto || s->sport != port ||
	    (w->icmp_refused && !s->icmp_refused))
		return 0;
	for (i = 0; i < 2; i++)
		if (!in_range(s->bytes[i], w->bytes_min[i], w->bytes_max[i]) ||
		    !in_range(s->pkts[i], w->pkts_min[i], w->pkts_max[i]))
			return 0;
	if (s->proto != 6)
		return 1;
	return (w->open_ok == 0 || (w->open_ok & (1u << s->open))) &&
	    (w->close_ok == 0 || (w->close_ok & (1u << s->close))) &&
	    (w->closed_by == SCEN_ANY || s->closed_by == w->closed_by) &&
	    (w->reset_by == SCEN_ANY || s->reset_by == w->reset_by) &&
	    (w->isn == 0 || s->isn_client == w->isn);
}

/* Do the connections of one protocol, w's, show what w expects, each
 * its own 4-tuple?  How many there are in *n. */
static int
part_as_expected(const struct demo *d, const struct scen_expect *w,
    uint16_t port, int *n)
{
	int i, j, ok = 1;

	*n = 0;
	for (i = 0; i < d->nseen; i++) {
		if (d->seen[i].proto != w->proto)
			continue;
		(*n)++;
		if (!conn_as_expected(&d->seen[i], w, port))
			ok = 0;
		for (j = 0; j < i; j++)		/* each its own 4-tuple */
			if (d->seen[j].proto == w->proto &&
			    d->seen[j].cport == d->seen[i].cport)
				ok = 0;
	}
	return ok && *n == w->conns;
}

/* Did scenario k produce what it should?  NULL, or what went wrong. */
static const char *
check(struct demo *d, int k, char *why, size_t size)
{
	const struct scenario *sc = &tv_scenarios[k];
	const struct scen_expect *w = &sc->want;
	unsigned retries;
	int j, n, n2 = 0, all;

	if (d->end_status == SCEN_NO_SERVER) {
		snprintf(why, size, "the server did not start on port %u (taken, or "
		    "its program cannot be run by the user it runs as?)", d->port[k]);
		return why;
	}
	if (d->end_status != 0) {
		snprintf(why, size, "the client failed (status %d)", d->end_status);
		return why;
	}
	/* every connection is the first part's, or the second's */
	all = part_as_expected(d, w, d->port[k], &n) &&
	    (sc->want2.conns == 0 || (sc->want2.proto != w->proto &&
	    part_as_expected(d, &sc->want2, d->port[k], &n2))) &&
	    n + n2 == d->nseen;
	for (j = 0, retries = 0; j < d->nseen; j++)
		retries += d->seen[j].syn_retries;
	if (all && retries < w->syn_retries_min) {
		snprintf(why, size, "no SYN was sent again (the accept queue never "
		    "overflowed?)");
		return why;
	}
	/* the calls' channel, live: each connection's accept() was drawn (the
	 * compare view draws no calls) */
	if (all && d->cv && w->proto == 6 && sc->server[0] != NULL &&
	    !sc->crafted && !sc->compare &&
	    tv_cview_accepts(d->cv, d->port[k]) < (uint32_t)w->conns) {
		snprintf(why, size, "the server's accept() was drawn for %u of the "
		    "%d connections (the calls' channel, TCPVIZ_CALLS)",
		    tv_cview_accepts(d->cv, d->port[k]), w->conns);
		return why;
	}
	if (all && w->accept_min && d->kv &&
	    tv_kview_peak_queue(d->kv, d->port[k]) < w->accept_min) {
		snprintf(why, size, "the kernel never showed %u connections waiting "
		    "in the accept queue at once (at most %u)", w->accept_min,
		    tv_kview_peak_queue(d->kv, d->port[k]));
		return why;
	}
	if (all)
		return NULL;
	snprintf(why, size, "the capture did not show the expected exchange "
	    "(%d connection%s seen)", d->nseen, d->nseen == 1 ? "" : "s");
	return why;
}

/* ---- the parent's side of the conversation with the runner ---- */

static void
say_blank(struct tv_run *run)
{
	tv_out_mem(&run->out, "\n", 1);
}

static void
ack(struct demo *d)
{
	if (write(d->sr.ack[1], "k", 1) != 1)
		d->quit = 1;
}

/* A line from the runner: a scenario begins (its caption, its settings),
 * ends (check it), or all is done. */
static void
on_ctl(void *ctx)
{
	struct demo *d = ctx;
	struct tv_run *run = d->run;
	char line[64];
	ssize_t n = read(d->sr.ctl[0], line, sizeof(line) - 1);
	int a = 0, b = 0;

	if (n <= 0) {			/* the runner is gone */
		d->quit = 1;
		run->stop = 1;
		return;
	}
	line[n] = '\0';
	sscanf(line + 1, "%d %d", &a, &b);
	if (line[0] == 'B' && a >= 0 && a < tv_nscenarios) {
		d->cur = a;
		d->nseen = 0;
		run->o.ro.absolute = d->absolute || tv_scenarios[a].absolute;
		say_blank(run);
		tv_run_say(run, 4, "=== %s: %s", tv_scenarios[a].name,
		    tv_scenarios[a].caption);
		if (tv_scenarios[a].compare && run == d->main_run) {
			/* demo_loop switches to a run of its own, then acks */
			d->cmp_next = 1;
			run->stop = 1;
			return;
		}
		say_blank(run);
		ack(d);
	} else if (line[0] == 'E') {
		d->end_status = b;
		d->ended = 1;
		run->stop = 1;		/* drain, check, then ack */
	} else {
		d->quit = 1;
		run->stop = 1;
		ack(d);
	}
}

/* The scenario is over: let its connections close and hand out what is
 * left (UDP flows never close). */
static void
settle(struct tv_run *run, struct tv_cap *cap)
{
	run->stop = 0;
	run->until_idle = 1;
	run->deadline_ns = tv_wall_ns() + 2000000000LL;
	tv_run_loop(run, cap);
	run->until_idle = 0;
	run->deadline_ns = 0;
	if (tv_run_open_conns(run) > 0)
		tv_run_flush_conns(run);	/* UDP flows never close */
}

/* Check what the tracker saw, say so after the scenario's rows, and let
 * the display catch up before the next one begins. */
static void
verdict(struct demo *d, struct tv_run *run)
{
	const char *name = tv_scenarios[d->cur].name;
	char why[160];

	if (d->end_status == SCEN_SKIPPED) {
		tv_run_say(run, 4, "--- %s: skipped: the crafter needs root (raw sockets)",
		    name);
	} else if (check(d, d->cur, why, sizeof(why)) != NULL) {
		tv_run_say(run, 4, "!!! %s: %s", name, why);
		d->failures++;
	} else {
		tv_run_say(run, 4, "--- %s: as expected", name);
	}
	tv_run_drain(run);
	d->ended = 0;
	d->cur = -1;
}

static void
finish_scenario(struct demo *d, struct tv_run *run, struct tv_cap *cap)
{
	settle(run, cap);
	verdict(d, run);
}

const struct tv_renderer *
tv_demo_compare_renderer(const struct tv_renderer *r)
{
	if (r == &tv_render_live || r == &tv_render_ladder)
		return &tv_render_compare;
	if (r == &tv_render_json)
		return &tv_render_compare_json;
	return r;
}

void
tv_demo_compare_note(struct tv_run *run)
{
	if (run->o.renderer == &tv_render_compare)
		tv_run_say(run, 4, "    drawn once its flows are done: side by side "
		    "on one time axis, each from its first packet, their metrics "
		    "under them");
}

static void
add_totals(struct tv_totals *t, const struct tv_totals *c)
{
	int i;

	t->packets += c->packets;
	t->tcp += c->tcp;
	t->udp += c->udp;
	t->icmp += c->icmp;
	t->icmp_no_flow += c->icmp_no_flow;
	t->skipped += c->skipped;
	t->truncated += c->truncated;
	t->malformed += c->malformed;
	t->connections += c->connections;
	t->evicted += c->evicted;
	for (i = 0; i < TV_SKIP_COUNT; i++)
		t->skip_why[i] += c->skip_why[i];
}

/*
 * A compare scenario, its caption said: a run of its own on the same
 * capture, with the compare renderer (no kernel view, no calls), from the
 * runner's go to the scenario's end; its end() draws the flows, then the
 * check is said on the main run.  -1: out of memory.
 */
static int
compare_scenario(struct demo *d, struct tv_run *main_run, struct tv_cap *cap)
{
	static struct tv_run cr;
	struct tv_run_opts o = main_run->o;
	struct tv_flow_stats st;

	memset(o.watch, 0, sizeof(o.watch));
	o.renderer = tv_demo_compare_renderer(main_run->o.renderer);
	o.ro.data = TV_DATA_FULL;	/* each message a row: they are counted */
	tv_flow_get_stats(main_run->flow, &st);
	o.first_conn_id = (main_run->o.first_conn_id ? main_run->o.first_conn_id : 1) +
	    (uint32_t)st.conns + d->cmp_conns;
	if (tv_run_init(&cr, &o) < 0) {
		fprintf(stderr, "tcpviz: out of memory\n");
		return -1;
	}
	tv_demo_compare_note(&cr);
	say_blank(&cr);
	tv_run_drain(main_run);		/* the caption, then what cr draws */
	d->run = &cr;
	ack(d);				/* the runner starts the programs */
	while (!d->ended && !d->quit && !tv_run_signalled &&
	    !tv_run_output_failed(&cr)) {
		cr.stop = 0;
		if (tv_run_loop(&cr, cap) == TV_RUN_DAMAGED)
			break;
	}
	if (d->ended)
		settle(&cr, cap);
	tv_flow_get_stats(cr.flow, &st);
	d->cmp_conns += (uint32_t)st.conns;
	tv_run_finish(&cr);		/* the compare view */
	d->run = main_run;
	add_totals(&main_run->tot, &cr.tot);	/* the demo's last line counts them */
	if (d->ended && !tv_run_signalled && !tv_run_output_failed(&cr))
		verdict(d, main_run);
	if (tv_run_output_failed(&cr))
		d->quit = 1;
	return 0;
}

/* Stop the runner: closing the pipes tells it to end its programs (it may
 * be root while we are not, so it ends them itself). */
static void
stop_runner(struct demo *d, pid_t child)
{
	int i;

	close(d->sr.ctl[0]);
	close(d->sr.ack[1]);
	for (i = 0; i < 500; i++) {
		if (waitpid(child, NULL, WNOHANG) == child)
			return;
		usleep(10000);
	}
	kill(-child, SIGKILL);
	waitpid(child, NULL, 0);
}

/* ---- setting up ---- */

/* Ports for the wanted scenarios and the capture filter on them. */
static int
pick_ports(struct demo *d, char *filter, size_t size)
{
	size_t k = 0;
	int i, n = 0;

	filter[0] = '\0';
	for (i = 0; i < tv_nscenarios; i++) {
		if (!d->want[i])
			continue;
		if (free_port(&d->port[i], d->port, tv_nscenarios) < 0) {
			fprintf(stderr, "tcpviz: --demo: no free port on 127.0.0.1\n");
			return -1;
		}
		k += (size_t)snprintf(filter + k, size - k, "%sport %u",
		    n++ ? " or " : "", d->port[i]);
		/* the ICMP error that answers a datagram: the port its quoted
		 * UDP header was sent to (an IPv4 header of 20 bytes) */
		if (tv_scenarios[i].want.icmp_refused ||
		    tv_scenarios[i].want2.icmp_refused)
			k += (size_t)snprintf(filter + k, size - k,
			    " or (icmp and icmp[30:2] = %u)", d->port[i]);
	}
	return 0;
}

static struct tv_cap *
open_capture(struct tv_demo_opts *o, const char *filter, char *errbuf)
{
	struct tv_cap *cap;
	int err;

	o->live.iface = "lo";
	cap = tv_cap_open_live(&o->live, filter, &err, errbuf);
	if (cap == NULL && err == TV_CAP_EPERM)
		fprintf(stderr, "tcpviz: --demo captures on lo and needs CAP_NET_RAW: "
		    "run it as root (sudo tcpviz --demo, or sudo make demo), or "
		    "give the binary the capability (make setcap)\n");
	else if (cap == NULL)
		fprintf(stderr, "tcpviz: lo: %s\n", errbuf);
	return cap;
}

/* The calls' channel: one record a message, never interleaved between
 * the programs that share the writing end, which never waits (a full
 * channel drops a record: tv_callrep.c). */
static void
open_calls(struct demo *d)
{
	int sz = 1 << 20;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, d->calls) < 0) {
		fprintf(stderr, "tcpviz: --demo: no calls (socketpair: %s)\n",
		    strerror(errno));
		d->calls[0] = d->calls[1] = -1;
		return;
	}
	setsockopt(d->calls[1], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	d->sr.calls_fd = d->calls[1];
}

/* Fork the runner (it keeps root for the crafter only), then give up root
 * here and open -w.  The runner's pid, or -1 after a message. */
static pid_t
start_runner(struct demo *d, struct tv_demo_opts *o, struct tv_cap *cap,
    char *errbuf)
{
	pid_t child;

	if (pipe(d->sr.ctl) < 0 || pipe(d->sr.ack) < 0) {
		fprintf(stderr, "tcpviz: pipe: %s\n", strerror(errno));
		return -1;
	}
	if ((child = fork()) < 0) {
		fprintf(stderr, "tcpviz: fork: %s\n", strerror(errno));
		return -1;
	}
	if (child == 0) {
		tv_cap_close(cap);
		if (d->calls[0] >= 0)
			close(d->calls[0]);
		tv_scen_child(&d->sr);
	}
	setpgid(child, child);	/* as the runner does itself: no race */
	if (d->calls[1] >= 0)
		close(d->calls[1]);
	close(d->sr.ctl[1]);
	close(d->sr.ack[0]);
	if (tv_drop_privileges(o->user) < 0 ||
	    (o->wfile && tv_cap_dump_open(cap, o->wfile, errbuf) < 0)) {
		if (o->wfile && errbuf[0])
			fprintf(stderr, "tcpviz: %s: %s\n", o->wfile, errbuf);
		stop_runner(d, child);
		return -1;
	}
	return child;
}

/* The exit status once the demo is over. */
static int
demo_status(const struct demo *d, struct tv_run *run, int status)
{
	status = tv_run_output_status(run, status);
	if (status != TV_EXIT_OK)
		return status;
	if (tv_run_signalled) {
		fprintf(stderr, "tcpviz: demo interrupted\n");
		return TV_EXIT_DEMO;
	}
	if (d->failures) {
		fprintf(stderr, "tcpviz: demo: %d scenario%s did not go as expected\n",
		    d->failures, d->failures == 1 ? "" : "s");
		return TV_EXIT_DEMO;
	}
	return TV_EXIT_OK;
}

/* Scenario after scenario, until the runner is done, a signal, or the
 * output fails; the exit status. */
static int
demo_loop(struct demo *d, struct tv_run *run, struct tv_cap *cap)
{
	while (!d->quit && !tv_run_signalled && !tv_run_output_failed(run)) {
		run->stop = 0;
		if (tv_run_loop(run, cap) == TV_RUN_DAMAGED) {
			fprintf(stderr, "tcpviz: lo: %s\n", run->errbuf);
			return TV_EXIT_ERROR;
		}
		if (d->cmp_next) {
			d->cmp_next = 0;
			if (compare_scenario(d, run, cap) < 0)
				return TV_EXIT_ERROR;
			if (d->quit || tv_run_signalled)
				break;
			ack(d);
			continue;
		}
		if (!d->ended)
			continue;
		finish_scenario(d, run, cap);
		if (tv_run_signalled || tv_run_output_failed(run))
			break;
		ack(d);
	}
	return TV_EXIT_OK;
}

/* The loopback scenarios: captured on lo, drawn, checked. */
static int
demo_loopback(struct demo *d, struct tv_demo_opts *o, const struct tv_run_opts *ro)
{
	static struct tv_run run;
	struct tv_run_opts opts = *ro;
	struct tv_kview *kv = NULL;
	char filter[512];
	struct tv_cap *cap;
	int status;
	pid_t child;

	d->run = d->main_run = &run;
	if (pick_ports(d, filter, sizeof(filter)) < 0)
		return TV_EXIT_ERROR;
	if ((cap = open_capture(o, filter, run.errbuf)) == NULL)
		return TV_EXIT_ERROR;
	opts.live = 1;
	opts.linger_ns = 300 * 1000000ULL;
	opts.pace_ms = o->pace_ms >= 0 ? o->pace_ms : (isatty(1) ? TV_DEMO_PACE_MS : 0);
	opts.on_conn = on_conn;
	opts.on_conn_ctx = d;
	opts.aux_fd = -1;
	opts.on_aux = on_ctl;
	opts.aux_ctx = d;
	if (tv_run_init(&run, &opts) < 0) {
		tv_cap_close(cap);
		return TV_EXIT_ERROR;
	}
	tv_run_signals();
	if (o->calls)
		open_calls(d);
	/* the runner first: it keeps root, we give it up before any output */
	if ((child = start_runner(d, o, cap, run.errbuf)) < 0) {
		tv_cap_close(cap);
		return TV_EXIT_ERROR;
	}
	if (o->kernel && (kv = tv_kview_start(&run, -1, run.errbuf)) == NULL)
		fprintf(stderr, "tcpviz: --demo: no kernel view (%s)\n", run.errbuf);
	d->kv = kv;
	if (d->calls[0] >= 0 && (d->cv = tv_cview_start(&run, d->calls[0],
	    run.errbuf)) == NULL) {
		fprintf(stderr, "tcpviz: --demo: no calls (%s)\n", run.errbuf);
		close(d->calls[0]);
	}
	tv_run_say(&run, 4, "tcpviz demo: capturing on lo (filter: %s)", filter);
	run.o.aux_fd = d->sr.ctl[0];
	status = demo_loop(d, &run, cap);
	d->kv = NULL;
	tv_cview_stop(d->cv);
	d->cv = NULL;
	tv_kview_stop(kv);
	stop_runner(d, child);
	run.o.on_conn = NULL;
	run.o.on_aux = NULL;
	say_blank(&run);
	tv_run_finish(&run);
	if (d->id_fd >= 0) {	/* the lab's scenarios number on from here */
		uint32_t n = (uint32_t)run.tot.connections;

		if (write(d->id_fd, &n, sizeof(n)) != (ssize_t)sizeof(n))
			n = 0;
	}
	if (tv_cap_close(cap) != 0)
		fprintf(stderr, "tcpviz: %s: writing the capture failed\n", o->wfile);
	return demo_status(d, &run, status);
}

/* The lab's scenarios, each in a lab of its own (root: the lab needs it). */
static int
demo_lab(struct demo *d, struct tv_demo_opts *o, const struct tv_run_opts *ro,
    uint32_t first_id)
{
	struct tv_run_opts opts = *ro;
	struct tv_labdemo_opts lo = { .server = d->sr.server,
	    .client = d->sr.client, .user = o->user, .calls = o->calls,
	    .ro = &opts, .next_id = first_id };
	int status, failures = 0;

	if (geteuid() != 0) {
		fprintf(stderr, "tcpviz: --demo: the lab's scenarios make network "
		    "namespaces and need root: skipped (sudo tcpviz --demo)\n");
		return TV_EXIT_OK;
	}
	opts.live = 1;
	opts.pace_ms = o->pace_ms >= 0 ? o->pace_ms : (isatty(1) ? TV_DEMO_PACE_MS : 0);
	status = tv_labdemo_run(d->want_lab, &lo, &failures);
	if (status == TV_EXIT_OK && tv_run_signalled) {
		fprintf(stderr, "tcpviz: demo interrupted\n");
		return TV_EXIT_DEMO;
	}
	if (status == TV_EXIT_OK && failures) {
		fprintf(stderr, "tcpviz: demo: %d scenario%s in the lab did not go "
		    "as expected\n", failures, failures == 1 ? "" : "s");
		return TV_EXIT_DEMO;
	}
	return status;
}

/* Both: the loopback part in a child (it gives up root), then the lab. */
static int
demo_both(struct demo *d, struct tv_demo_opts *o, const struct tv_run_opts *ro)
{
	pid_t child;
	int st, lo_status, lab_status, ids[2];
	uint32_t n = 0;

	tv_run_signals();
	fflush(NULL);
	if (pipe2(ids, O_CLOEXEC) < 0 || (child = fork()) < 0) {
		fprintf(stderr, "tcpviz: fork: %s\n", strerror(errno));
		return TV_EXIT_ERROR;
	}
	if (child == 0) {
		close(ids[0]);
		d->id_fd = ids[1];
		exit(demo_loopback(d, o, ro));
	}
	close(ids[1]);
	while (waitpid(child, &st, 0) < 0 && errno == EINTR)
		;
	if (read(ids[0], &n, sizeof(n)) != (ssize_t)sizeof(n))
		n = 0;
	close(ids[0]);
	lo_status = WIFEXITED(st) ? WEXITSTATUS(st) : TV_EXIT_ERROR;
	if (tv_run_signalled || lo_status == TV_EXIT_ERROR)
		return lo_status == TV_EXIT_OK ? TV_EXIT_DEMO : lo_status;
	if (tv_fd_reader_gone(STDOUT_FILENO))	/* | head: nobody to show it to */
		return lo_status;
	lab_status = demo_lab(d, o, ro, n + 1);
	return lo_status != TV_EXIT_OK ? lo_status : lab_status;
}

int
tv_demo_main(struct tv_demo_opts *o, const struct tv_run_opts *cmd)
{
	static struct demo d;
	struct tv_run_opts one = *cmd, *ro = &one;

	memset(&d, 0, sizeof(d));
	d.cur = -1;
	d.calls[0] = d.calls[1] = d.sr.calls_fd = d.id_fd = -1;
	d.sr.user = o->user;
	d.sr.port = d.port;
	d.sr.want = d.want;
	d.absolute = ro->ro.absolute;
	if (tv_nscenarios > MAX_SCEN || tv_labdemo_count() > MAX_SCEN ||
	    parse_list(&d, o->list) < 0 || find_programs(&d.sr) < 0)
		return TV_EXIT_ERROR;
	/* one clock for every scenario, the lab's runs too */
	one.ro.clock_ns = tv_wall_ns();
	if (d.any_lo && d.any_lab)
		return demo_both(&d, o, ro);
	return d.any_lo ? demo_loopback(&d, o, ro) : demo_lab(&d, o, ro, 1);
}
