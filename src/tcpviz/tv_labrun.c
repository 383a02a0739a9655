/* \summary: tcpviz --lab: the user's server and client in the lab's two hosts, the wire drawn from both ends */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tv_cview-int.h"
#include "tv_labrun-int.h"
#include "tv_priv-int.h"
#include "tv_util.h"

#define READY_WAIT_MS	5000	/* the server must listen within this */
#define LINGER_MS	1000	/* default: the server outlives its client so */
#define HOLD_MS		250	/* a copy crosses the wire within this ... */
#define RATE_HOLD_MS	1500	/* ... plus this behind a rate limit's queue */
#define LAB_SNAPLEN	2048	/* the lab's MTU is 1500 and no offload joins frames */
/* what the lab draws: TCP, UDP and the ICMP errors that quote them (ICMPv4
 * unreachable, time exceeded, parameter problem; ICMPv6's types below 128),
 * not the hosts' neighbour discovery */
#define LAB_FILTER "tcp or udp or icmp[0] = 3 or icmp[0] = 11 or icmp[0] = 12 " \
	"or (icmp6 and ip6[40] < 128)"

enum phase { WAIT_SERVER, CLIENT, LINGER, DONE };

struct labrun {
	struct tv_labrun_opts *lo;
	struct tv_lab lab;
	struct tv_run *run;
	uid_t uid;
	gid_t gid;
	pid_t server, client;
	int client2_started;	/* the second client runs (or ran) */
	enum phase phase;
	int64_t since_ns;	/* when the phase began */
	uint64_t hold_ns;	/* the pair's */
	int calls[2];		/* --calls: the channel, [0] ours, [1] theirs */
	struct tv_cview *cv;
	char calls_env[32];	/* "TCPVIZ_CALLS=N" */
	int failed;
};

static void
cat_dir(char *buf, size_t size, size_t *k, const char *what, int d, int both)
{
	static const char *const dn[2] = { " to-server", " to-client" };

	*k += (size_t)snprintf(buf + *k, *k < size ? size - *k : 0, "%s%s%s",
	    *k ? "; " : "", what, both ? "" : dn[d]);
}

void
tv_labrun_describe(const struct tv_lab_cfg *cfg, char *buf, size_t size)
{
	static const char *const wn[] = { "", " of SYNs", " of data", " of FINs",
	    " of ACKs" };
	const struct tv_lab_impair *a = &cfg->dir[0], *b = &cfg->dir[1];
	char w[160];
	size_t k = 0;
	int d, i;

	buf[0] = '\0';
	for (d = 0; d < 2; d++) {
		const struct tv_lab_impair *m = &cfg->dir[d];
		int both = d == 0 && memcmp(a, b, sizeof(*a)) == 0;
		size_t n = 0;

		if (d == 1 && memcmp(a, b, sizeof(*a)) == 0)
			break;
		if (m->loss.pct > 0)
			n += (size_t)snprintf(w + n, sizeof(w) - n, "loss %g%%",
			    m->loss.pct);
		for (i = 0; i < m->loss.nnth && n < sizeof(w); i++)
			n += (size_t)snprintf(w + n, sizeof(w) - n, "%s#%" PRIu32,
			    n == 0 ? "loss " : i == 0 ? " and " : ",", m->loss.nth[i]);
		if (n > 0 && n < sizeof(w))
			snprintf(w + n, sizeof(w) - n, "%s", wn[m->loss.what]);
		if (n > 0)
			cat_dir(buf, size, &k, w, d, both);
		if (m->rate_bps) {
			snprintf(w, sizeof(w), "rate %" PRIu64 " kbit/s",
			    m->rate_bps / 1000);
			cat_dir(buf, size, &k, w, d, both);
		}
		if (m->delay_ms) {
			snprintf(w, sizeof(w), "delay %" PRIu32 " ms", m->delay_ms);
			cat_dir(buf, size, &k, w, d, both);
		}
		if (m->reorder_pct > 0) {
			snprintf(w, sizeof(w), "reorder %g%%", m->reorder_pct);
			cat_dir(buf, size, &k, w, d, both);
		}
	}
	if (k == 0)
		snprintf(buf, size, "a perfect wire");
}

/* How many kinds of socket the server's namespace holds: a listening TCP
 * one, a bound UDP one (0, 1 or 2).  /proc/PID/net is the view of PID's
 * network namespace. */
static int
server_ready(pid_t pid)
{
	static const char *const f[] = { "tcp", "tcp6", "udp", "udp6" };
	char path[64], line[256];
	unsigned i, st, lport;
	int found[2] = { 0, 0 };

	for (i = 0; i < 4; i++) {
		FILE *fp;

		snprintf(path, sizeof(path), "/proc/%d/net/%s", (int)pid, f[i]);
		if ((fp = fopen(path, "r")) == NULL)
			continue;
		while (!found[i / 2] && fgets(line, sizeof(line), fp) != NULL)
			if (sscanf(line, " %*u: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x",
			    &lport, &st) == 2)
				found[i / 2] = i < 2 ? st == 0x0A : lport != 0;
		fclose(fp);
	}
	return found[0] + found[1];
}

static void
lab_fail(struct labrun *lr, const char *fmt, const char *what, int v)
{
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, what, v);
	tv_run_say(lr->run, 8, "tcpviz: %s", msg);
	lr->failed = 1;
	lr->run->stop = 1;
}

/* Has *pid ended?  1 (its status in *status; *pid -1 from then on) or 0. */
static int
reap(struct labrun *lr, pid_t *pid, int *status)
{
	if (*pid <= 0 || !tv_lab_reap(&lr->lab, *pid, status))
		return 0;
	*pid = -1;
	return 1;
}

static void
start_client(struct labrun *lr, char **argv)
{
	char env0[64], *env[3] = { env0, NULL, NULL }, errbuf[TV_ERRBUF_SIZE];

	if (lr->calls[1] >= 0)
		env[1] = lr->calls_env;
	snprintf(env0, sizeof(env0), "TCPVIZ_SERVER=%s", lr->lab.addr[TV_LAB_SERVER]);
	lr->client = tv_lab_spawn(&lr->lab, TV_LAB_CLIENT, argv, env,
	    lr->uid, lr->gid, errbuf);
	if (lr->client < 0) {
		tv_run_say(lr->run, 8, "%s", errbuf);
		lr->failed = 1;
		lr->run->stop = 1;
	}
}

/* Between packets: start the client once the server listens, stop a
 * while after the client is done. */
static void
lab_tick(void *ctx)
{
	struct labrun *lr = ctx;
	int64_t now = tv_wall_ns(), ms = (now - lr->since_ns) / 1000000;
	int st;

	if (lr->run->stop || lr->phase == DONE)
		return;
	if (lr->phase == WAIT_SERVER && reap(lr, &lr->server, &st)) {
		lab_fail(lr, "the %s exited (status %d) before it listened",
		    "server", st);
		return;
	}
	if (lr->server > 0 && reap(lr, &lr->server, &st) && lr->client <= 0 &&
	    lr->phase == CLIENT) {
		/* no client: the run ends with the server */
		lr->phase = LINGER;
		lr->since_ns = now;
	}
	switch (lr->phase) {
	case WAIT_SERVER:
		/* a second server: its socket too */
		if (server_ready(lr->server) >= (lr->lo->server2 ? 2 : 1)) {
			lr->phase = CLIENT;
			lr->since_ns = now;
			if (lr->lo->client != NULL)
				start_client(lr, lr->lo->client);
		} else if (ms > READY_WAIT_MS) {
			lab_fail(lr, "the %s did not listen within %d ms", "server",
			    READY_WAIT_MS);
		}
		break;
	case CLIENT:
		if (lr->client > 0 && reap(lr, &lr->client, &st)) {
			if (lr->client2_started) {
				lr->lo->client2_status = st;
			} else {
				lr->lo->client_status = st;
				if (lr->lo->client2 != NULL) {	/* the second part */
					lr->client2_started = 1;
					start_client(lr, lr->lo->client2);
					break;
				}
			}
			lr->phase = LINGER;
			lr->since_ns = now;
		}
		break;
	case LINGER:
		if (ms >= lr->lo->linger_ms)
			lr->run->stop = 1;
		break;
	case DONE:
		break;
	}
}

/* --calls: the channel the programs report their calls on, one record a
 * message (as the demo's); on failure, no calls and one line. */
static void
open_calls(struct labrun *lr)
{
	int sz = 1 << 20;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, lr->calls) < 0) {
		fprintf(stderr, "tcpviz: --calls: socketpair: %s\n", strerror(errno));
		lr->calls[0] = lr->calls[1] = -1;
		return;
	}
	setsockopt(lr->calls[1], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	lr->lab.pass_fd = lr->calls[1];
	snprintf(lr->calls_env, sizeof(lr->calls_env), "TCPVIZ_CALLS=%d",
	    lr->calls[1]);
}

/* The two ends' captures, joined; NULL after a message. */
static struct tv_cap *
open_ends(struct labrun *lr, char *errbuf)
{
	struct tv_live_opts live = lr->lo->live;
	struct tv_cap *cap[2];
	char *filter;
	int err, e;

	if (live.snaplen == 0)
		live.snaplen = LAB_SNAPLEN;
	live.timeout_ms = 20;
	if (live.digits == 0)
		live.digits = 9;	/* one-way times are microseconds */
	if (asprintf(&filter, lr->lo->filter ? "(" LAB_FILTER ") and (%s)" :
	    LAB_FILTER, lr->lo->filter) < 0)
		return NULL;
	for (e = 0; e < 2; e++) {
		cap[e] = tv_lab_capture(&lr->lab, (enum tv_lab_host)e, &live,
		    filter, &err, errbuf);
		if (cap[e] == NULL) {
			fprintf(stderr, "tcpviz: the lab's %s end: %s\n",
			    e ? "server" : "client", errbuf);
			if (e)
				tv_cap_close(cap[0]);
			free(filter);
			return NULL;
		}
	}
	free(filter);
	tv_cap_join(cap[0], cap[1]);
	return cap[0];
}

static int
lab_addr(struct tv_addr *a, int family, const char *text)
{
	memset(a, 0, sizeof(*a));
	a->family = (uint8_t)(family == AF_INET ? 4 : 6);
	return inet_pton(family, text, a->a) == 1 ? 0 : -1;
}

/* The run's options for the lab; -1: out of memory. */
static int
lab_run_opts(struct labrun *lr, const struct tv_run_opts *ro,
    struct tv_run_opts *o)
{
	struct tv_pair_cfg pc = { .settle_ns = 5 * 1000000LL,
	    .snap = lr->lo->live.snaplen ? (uint32_t)lr->lo->live.snaplen : LAB_SNAPLEN };
	const struct tv_lab_cfg *cfg = &lr->lo->cfg;
	int e, d, w;

	pc.hold_ns = HOLD_MS * 1000000ULL;
	for (d = 0; d < 2; d++) {
		uint64_t extra = (cfg->dir[d].rate_bps ? RATE_HOLD_MS : 0) +
		    cfg->dir[d].delay_ms + cfg->dir[d].jitter_ms;

		if (HOLD_MS * 1000000ULL + extra * 1000000ULL > pc.hold_ns)
			pc.hold_ns = HOLD_MS * 1000000ULL + extra * 1000000ULL;
	}
	lr->hold_ns = pc.hold_ns;
	*o = *ro;
	if ((o->pair = tv_pair_new(&pc)) == NULL)
		return -1;
	for (e = 0; e < 2; e++)
		if (lab_addr(&o->lab_addr[e][0], AF_INET, lr->lab.addr[e]) < 0 ||
		    lab_addr(&o->lab_addr[e][1], AF_INET6, lr->lab.addr6[e]) < 0)
			return -1;
	for (w = 0; w < TV_RUN_WATCHES && o->watch[w].ctx != NULL; w++)
		;
	if (w == TV_RUN_WATCHES)
		return -1;
	o->watch[w].tick = lab_tick;
	o->watch[w].ctx = lr;
	if (lr->lo->on_conn) {
		o->on_conn = lr->lo->on_conn;
		o->on_conn_ctx = lr->lo->on_conn_ctx;
	}
	return 0;
}

/* Run and draw; the exit status. */
static int
lab_draw(struct labrun *lr, struct tv_cap *cap, struct tv_run_opts *o)
{
	static struct tv_run run;
	enum tv_run_end end;
	int status;

	if (tv_run_init(&run, o) < 0) {
		fprintf(stderr, "tcpviz: out of memory\n");
		return TV_EXIT_ERROR;
	}
	lr->run = &run;
	if (lr->lo->begin)
		lr->lo->begin(&run, lr->lo->hook_ctx);
	lr->since_ns = tv_wall_ns();
	if (lr->calls[0] >= 0) {
		if ((lr->cv = tv_cview_start(&run, lr->calls[0], run.errbuf)) == NULL) {
			fprintf(stderr, "tcpviz: --calls: %s\n", run.errbuf);
			close(lr->calls[0]);
		} else {
			tv_cview_set_lag(lr->cv, (int64_t)lr->hold_ns);
		}
		lr->calls[0] = -1;
	}
	lr->server = tv_lab_spawn(&lr->lab, TV_LAB_SERVER, lr->lo->server,
	    lr->calls[1] >= 0 ? (char *[]){ lr->calls_env, NULL } : NULL,
	    lr->uid, lr->gid, run.errbuf);
	if (lr->server > 0 && lr->lo->server2 != NULL &&
	    tv_lab_spawn(&lr->lab, TV_LAB_SERVER, lr->lo->server2,
	    lr->calls[1] >= 0 ? (char *[]){ lr->calls_env, NULL } : NULL,
	    lr->uid, lr->gid, run.errbuf) < 0)
		lr->server = -1;	/* ended with the lab (tv_lab_down) */
	if (lr->server < 0) {
		fprintf(stderr, "%s\n", run.errbuf);
		tv_run_finish(&run);
		return TV_EXIT_ERROR;
	}
	end = tv_run_loop(&run, cap);
	if (end == TV_RUN_DONE && !tv_run_signalled &&
	    !(run.o.count && run.matched >= run.o.count)) {
		/* what the captures still hold, and the copies on their way */
		lr->phase = DONE;
		run.stop = 0;
		run.deadline_ns = tv_wall_ns() + (int64_t)lr->hold_ns + 50000000;
		end = tv_run_loop(&run, cap);
	}
	tv_run_lab_drain(&run, cap);
	tv_cview_stop(lr->cv);
	lr->cv = NULL;
	if (lr->lo->end) {
		tv_run_flush_conns(&run);	/* UDP flows never close */
		lr->lo->end(&run, lr->lo->hook_ctx);
	} else if (lr->lo->client_status > 0) {
		tv_run_say(&run, 8, "tcpviz: the client exited with status %d",
		    lr->lo->client_status);
	}
	status = end == TV_RUN_DAMAGED ? TV_EXIT_CUT :
	    lr->failed ? TV_EXIT_ERROR : TV_EXIT_OK;
	tv_run_finish(&run);
	return tv_run_output_status(&run, status);
}

int
tv_labrun_main(struct tv_labrun_opts *lo, const struct tv_run_opts *ro)
{
	static struct labrun lr;
	char errbuf[TV_ERRBUF_SIZE], what[256];
	struct tv_run_opts o;
	struct tv_cap *cap;
	int status;

	memset(&lr, 0, sizeof(lr));
	lr.lo = lo;
	lr.server = lr.client = -1;
	lo->client_status = lo->client2_status = -1;
	if (lo->linger_ms == 0)
		lo->linger_ms = LINGER_MS;
	if (tv_priv_whom(lo->user, NULL, &lr.uid, &lr.gid) < 0)
		return TV_EXIT_ERROR;
	if (tv_lab_up(&lr.lab, &lo->cfg, errbuf) < 0) {
		fprintf(stderr, "%s\n", errbuf);
		return TV_EXIT_ERROR;
	}
	lr.lab.quiet_kids = lo->quiet;
	lr.calls[0] = lr.calls[1] = -1;
	if (lo->calls)
		open_calls(&lr);
	if ((cap = open_ends(&lr, errbuf)) == NULL) {
		tv_lab_down(&lr.lab);
		return TV_EXIT_ERROR;
	}
	if (lab_run_opts(&lr, ro, &o) < 0) {
		fprintf(stderr, "tcpviz: out of memory\n");
		tv_pair_free(o.pair);
		tv_cap_close(cap);
		tv_lab_down(&lr.lab);
		return TV_EXIT_ERROR;
	}
	tv_run_signals();
	tv_labrun_describe(&lo->cfg, what, sizeof(what));
	if (!lo->quiet)
		fprintf(stderr, "tcpviz: the lab: client %s and server %s on %s; "
		    "capturing at both ends (Ctrl-C to stop)\n",
		    lr.lab.addr[TV_LAB_CLIENT], lr.lab.addr[TV_LAB_SERVER], what);
	status = lab_draw(&lr, cap, &o);
	tv_lab_down(&lr.lab);
	if (lr.calls[1] >= 0)
		close(lr.calls[1]);
	tv_cap_close(cap);
	tv_pair_free(o.pair);
	return status;
}
