/* \summary: the demo's scenarios on the lab's lossy wire, as data, each run with the bundled programs and checked */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tv_demo-int.h"
#include "tv_labdemo-int.h"
#include "tv_labrun-int.h"
#include "tv_tcp.h"
#include "tv_util.h"

#define BIT(x) (1u << (x))
#define LAB_ARGS 20
#define BIG_LEN 30015		/* "The quick brown fox ... dog. " 667 times */
#define HELLO "Hello Server"
#define HELLO_LEN (sizeof(HELLO) - 1)
/* tcp-vs-udp's ten messages, all different (no datagram looks like
 * another's duplicate), 39 bytes */
#define TEN_WORDS "one", "two", "three", "four", "five", "six", "seven", \
	"eight", "nine", "ten"
#define TEN_LEN 39

/* A program's command line: "%server", "%client", "%big" stand for the
 * bundled programs and a 30 KB message. */
typedef const char *const lab_argv[LAB_ARGS];

/* What the one connection of a scenario must show (or each of its two,
 * the second client's second); 0: any. */
struct lab_expect {
	uint8_t proto;
	int lost_any;			/* lost[] not checked: the wire's loss is random */
	unsigned open_ok;		/* bits (1 << enum tv_open) */
	uint32_t lost[2];		/* packets each side sent that the wire lost */
	uint32_t retrans_min;
	uint32_t syn_retries_min;
	int64_t handshake_min_us;
	uint32_t owd_min_ns;		/* the longest one-way time at least */
	uint64_t bytes[2];
	uint64_t pkts[2];
};

struct lab_scenario {
	const char *name;
	const char *caption;
	const char *impair[2][2];	/* { option, value }: --loss, --rate ... */
	lab_argv server, client;
	int client_status;		/* the exit status that means success */
	int data_full;			/* every data segment its own row */
	struct lab_expect want;
	/* a second server beside the first, a second client after the first
	 * ([0] NULL: none), what its connection must show */
	lab_argv server2, client2;
	int client2_any;		/* any exit status of the second client */
	struct lab_expect want2;
	int compare;			/* drawn by the compare renderer (--compare) */
	int by_name;			/* not in --demo=lab: only by its name */
};

#define TCP_ECHO_SERVER { "%server", "--tcp", "8000", "--bind", "0.0.0.0", "--once" }
#define HELLO_CLIENT { "%client", TV_LAB_SERVER_ADDR, "8000", HELLO }
#define HELLO_BYTES .bytes = { HELLO_LEN, HELLO_LEN }
#define THREE_WAY .proto = 6, .open_ok = BIT(TV_OPEN_THREE_WAY)

static const struct lab_scenario lab_scenarios[] = {
	{ .name = "loss",
	  .caption = "a 30 KB echo on a wire that loses the 3rd and 4th data "
	    "segments to the server: its duplicate ACKs carry SACK blocks for "
	    "what came after the hole, the client's fast retransmission fills "
	    "it, and the echo completes",
	  .impair = { { "loss", "to-server:#3,#4:data" } },
	  .server = TCP_ECHO_SERVER,
	  .client = { "%client", TV_LAB_SERVER_ADDR, "8000", "%big" },
	  .want = { THREE_WAY, .lost = { 2, 0 }, .retrans_min = 2,
	    .bytes = { BIG_LEN, BIG_LEN } } },
	{ .name = "syn-loss",
	  .caption = "the SYN lost twice: the client's kernel sends it again "
	    "each time its retransmission timer (1 s at first) runs out, and "
	    "the handshake waits for the third",
	  .impair = { { "loss", "to-server:#1,#2:syn" } },
	  .server = TCP_ECHO_SERVER, .client = HELLO_CLIENT,
	  .want = { THREE_WAY, .lost = { 2, 0 }, .syn_retries_min = 2,
	    .handshake_min_us = 1900000, HELLO_BYTES } },
	{ .name = "synack-loss",
	  .caption = "the SYN-ACK lost: both ends time out after 1 s, the client "
	    "sends its SYN again and the server its SYN-ACK",
	  .impair = { { "loss", "to-client:#1:syn" } },
	  .server = TCP_ECHO_SERVER, .client = HELLO_CLIENT,
	  .want = { THREE_WAY, .lost = { 0, 1 }, .retrans_min = 1,
	    .handshake_min_us = 900000, HELLO_BYTES } },
	{ .name = "ack-loss",
	  .caption = "the handshake's last ACK lost: the client is ESTABLISHED "
	    "and sends its data; the data's ACK completes the server's handshake",
	  .impair = { { "loss", "to-server:#1:ack" } },
	  .server = TCP_ECHO_SERVER, .client = HELLO_CLIENT,
	  .want = { THREE_WAY, .lost = { 1, 0 }, HELLO_BYTES } },
	{ .name = "fin-loss",
	  .caption = "the client's FIN lost: the server never hears it and stays "
	    "ESTABLISHED until the client's kernel sends the FIN again",
	  .impair = { { "loss", "to-server:#1:fin" } },
	  .server = TCP_ECHO_SERVER, .client = HELLO_CLIENT,
	  .want = { THREE_WAY, .lost = { 1, 0 }, .retrans_min = 1, HELLO_BYTES } },
	{ .name = "udp-loss",
	  .caption = "UDP on a wire that loses the 2nd and 4th datagrams to the "
	    "server: nothing is sent again, the client sees two gaps",
	  .impair = { { "loss", "to-server:#2,#4:data" } },
	  .server = { "%server", "--udp", "8000", "--bind", "0.0.0.0" },
	  .client = { "%client", "--udp", "--keep-going", "--timeout", "0.4",
	    TV_LAB_SERVER_ADDR, "8000", "one", "two", "three", "four", "five" },
	  .client_status = 1,
	  .want = { .proto = 17, .lost = { 2, 0 }, .pkts = { 5, 3 } } },
	{ .name = "rate",
	  .caption = "a 30 KB echo on a 1 Mbit/s wire: the sender's window fills "
	    "the queue before the link, and each segment's one-way time grows "
	    "with it",
	  .impair = { { "rate", "1mbit" } },
	  .server = TCP_ECHO_SERVER,
	  .client = { "%client", TV_LAB_SERVER_ADDR, "8000", "%big" }, .data_full = 1,
	  .want = { THREE_WAY, .owd_min_ns = 20000000,
	    .bytes = { BIG_LEN, BIG_LEN } } },
	/* the second half of tv_scen.c's tcp-vs-udp (run after it, by name) */
	{ .name = "tcp-vs-udp",
	  .caption = "the same ten messages over TCP and then over UDP on a wire "
	    "that loses 10 % of the packets each way: TCP sends again what was "
	    "lost and delivers all ten; UDP sends each once, and what is lost "
	    "stays lost",
	  .impair = { { "loss", "10%" } },
	  .server = { "%server", "--tcp", "8000", "--bind", "0.0.0.0" },
	  .server2 = { "%server", "--udp", "8000", "--bind", "0.0.0.0" },
	  .client = { "%client", TV_LAB_SERVER_ADDR, "8000", TEN_WORDS },
	  .client2 = { "%client", "--udp", "--keep-going", "--timeout", "0.4",
	    TV_LAB_SERVER_ADDR, "8000", TEN_WORDS },
	  .client2_any = 1, .compare = 1, .by_name = 1,
	  .want = { THREE_WAY, .lost_any = 1, .bytes = { TEN_LEN, TEN_LEN } },
	  .want2 = { .proto = 17, .lost_any = 1, .pkts = { 10, 0 } } },
};

#define NLAB ((int)(sizeof(lab_scenarios) / sizeof(lab_scenarios[0])))

int
tv_labdemo_count(void)
{
	return NLAB;
}

int
tv_labdemo_by_name(int i)
{
	return i >= 0 && i < NLAB && lab_scenarios[i].by_name;
}

int
tv_labdemo_find(const char *name)
{
	int i;

	for (i = 0; i < NLAB; i++)
		if (strcmp(name, lab_scenarios[i].name) == 0)
			return i;
	return -1;
}

void
tv_labdemo_print_list(FILE *fp)
{
	int i;

	fprintf(fp, "%-11s (as root) every scenario below, each in a lab of "
	    "its own (--demo=lab; not in the default list)\n", "lab");
	for (i = 0; i < NLAB; i++)	/* the by-name ones: the loopback list says them */
		if (!lab_scenarios[i].by_name)
			fprintf(fp, "%-11s (the lab) %s\n", lab_scenarios[i].name,
			    lab_scenarios[i].caption);
}

/* One scenario's run: what it saw, and whether it was as expected. */
struct lab_run {
	const struct lab_scenario *sc;
	struct tv_labrun_opts lo;
	char big[BIG_LEN + 1];
	char *argv[2][LAB_ARGS + 1];
	char *argv2[2][LAB_ARGS + 1];	/* server2, client2 */
	int nconns;
	struct lab_seen {
		uint8_t proto;
		enum tv_open open;
		uint32_t lost[2], retrans, syn_retries, owd_max;
		int64_t hs_us;
		uint64_t bytes[2], pkts[2];
	} seen[2];		/* the first two connections */
	int *failures;
	int gone;		/* the output's reader went away: stop here */
	/* a compare scenario's verdict, said after the view, which the
	 * renderer draws once the run is over */
	char verdict[320];
};

static void
on_conn(const struct tv_conn *c, void *ctx)
{
	struct lab_run *r = ctx;
	struct lab_seen *s;

	if (c->late_of)		/* late packets: no connection of their own */
		return;
	if (r->nconns++ > 1)
		return;
	s = &r->seen[r->nconns - 1];
	s->proto = c->proto;
	memcpy(s->lost, c->lost, sizeof(s->lost));
	memcpy(s->bytes, c->bytes, sizeof(s->bytes));
	memcpy(s->pkts, c->pkts, sizeof(s->pkts));
	s->owd_max = c->owd_max_ns;
	if (c->proto == 6) {
		s->open = tv_tcp_open(&c->tcp);
		s->retrans = (uint32_t)c->tcp.retransmissions;
		s->syn_retries = tv_tcp_syn_retries(&c->tcp);
		s->hs_us = tv_tcp_handshake_rtt_us(&c->tcp);
	}
}

/* NULL, or what differs in connection s from the expectation w. */
static const char *
lab_check_conn(const struct lab_expect *w, const struct lab_seen *s,
    char *why, size_t size)
{
	int i;

	for (i = 0; i < 2; i++)
		if ((!w->lost_any && s->lost[i] != w->lost[i]) ||
		    (w->bytes[i] && s->bytes[i] != w->bytes[i]) ||
		    (w->pkts[i] && s->pkts[i] != w->pkts[i])) {
			snprintf(why, size, "the %s sent %" PRIu64 " packets, %" PRIu64
			    " bytes, %" PRIu32 " lost", i ? "server" : "client",
			    s->pkts[i], s->bytes[i], s->lost[i]);
			return why;
		}
	if ((w->open_ok && !(w->open_ok & BIT(s->open))) ||
	    s->retrans < w->retrans_min || s->syn_retries < w->syn_retries_min ||
	    (w->handshake_min_us && s->hs_us < w->handshake_min_us) ||
	    s->owd_max < w->owd_min_ns) {
		snprintf(why, size, "opened %s, %" PRIu32 " retransmissions, %" PRIu32
		    " SYN retries, handshake %" PRId64 " us, one-way at most %"
		    PRIu32 " us", tv_open_names[s->open], s->retrans,
		    s->syn_retries, s->hs_us, s->owd_max / 1000);
		return why;
	}
	return NULL;
}

/* NULL, or what differs from the expectation. */
static const char *
lab_check(const struct lab_run *r, char *why, size_t size)
{
	const struct lab_scenario *sc = r->sc;
	int want = sc->client2[0] != NULL ? 2 : 1, i;

	if (r->lo.client_status != sc->client_status) {
		snprintf(why, size, "the client's exit status was %d, not %d",
		    r->lo.client_status, sc->client_status);
		return why;
	}
	if (want == 2 && !sc->client2_any && r->lo.client2_status != 0) {
		snprintf(why, size, "the second client's exit status was %d",
		    r->lo.client2_status);
		return why;
	}
	for (i = 0; i < want && i < r->nconns; i++)
		if (r->seen[i].proto != (i ? sc->want2.proto : sc->want.proto))
			break;
	if (r->nconns != want || i < want) {
		snprintf(why, size, "%d connection%s seen, not %s", r->nconns,
		    r->nconns == 1 ? "" : "s", want == 2 ?
		    "the two expected" : "one of the expected protocol");
		return why;
	}
	for (i = 0; i < want; i++)
		if (lab_check_conn(i ? &sc->want2 : &sc->want, &r->seen[i], why,
		    size) != NULL)
			return why;
	return NULL;
}

static void
lab_begin(struct tv_run *run, void *ctx)
{
	struct lab_run *r = ctx;
	char what[200];

	tv_labrun_describe(&r->lo.cfg, what, sizeof(what));
	tv_out_mem(&run->out, "\n", 1);
	tv_run_say(run, 4, "=== %s: the lab: %s", r->sc->name, r->sc->caption);
	tv_run_say(run, 4, "    client " TV_LAB_CLIENT_ADDR " and server "
	    TV_LAB_SERVER_ADDR " on %s", what);
	if (r->sc->compare)
		tv_demo_compare_note(run);
	tv_out_mem(&run->out, "\n", 1);
}

static void
lab_end(struct tv_run *run, void *ctx)
{
	struct lab_run *r = ctx;
	char why[200];

	if (tv_run_output_failed(run)) {	/* | head: no one reads on */
		r->gone = 1;
		return;
	}
	if (lab_check(r, why, sizeof(why)) != NULL) {
		snprintf(r->verdict, sizeof(r->verdict), "!!! %s: %s\n",
		    r->sc->name, why);
		(*r->failures)++;
	} else {
		snprintf(r->verdict, sizeof(r->verdict), "--- %s: as expected\n",
		    r->sc->name);
	}
	if (!r->sc->compare) {
		tv_run_say(run, 4, "%.*s", (int)strlen(r->verdict) - 1, r->verdict);
		r->verdict[0] = '\0';
	}
	tv_run_drain(run);
}

/* %server, %client, %big in a command line */
static void
fill_argv(char **argv, const lab_argv tmpl, struct lab_run *r,
    const struct tv_labdemo_opts *o)
{
	int i;

	for (i = 0; i < LAB_ARGS && tmpl[i] != NULL; i++)
		argv[i] = (char *)(strcmp(tmpl[i], "%server") == 0 ? o->server :
		    strcmp(tmpl[i], "%client") == 0 ? o->client :
		    strcmp(tmpl[i], "%big") == 0 ? r->big : tmpl[i]);
	argv[i] = NULL;
}

static int
run_one(const struct lab_scenario *sc, const struct tv_labdemo_opts *o,
    int *failures, int *gone)
{
	static struct lab_run r;
	struct tv_run_opts ro;
	char errbuf[TV_ERRBUF_SIZE];
	int i, status;

	memset(&r, 0, sizeof(r));
	r.sc = sc;
	r.failures = failures;
	for (i = 0; i < BIG_LEN; i++)
		r.big[i] = "The quick brown fox jumps over the lazy dog. "[i % 45];
	for (i = 0; i < 2 && sc->impair[i][0] != NULL; i++)
		if (tv_lab_parse(&r.lo.cfg, sc->impair[i][0], sc->impair[i][1],
		    errbuf) < 0) {
			fprintf(stderr, "%s\n", errbuf);
			return TV_EXIT_ERROR;
		}
	fill_argv(r.argv[0], sc->server, &r, o);
	fill_argv(r.argv[1], sc->client, &r, o);
	r.lo.server = r.argv[0];
	r.lo.client = r.argv[1];
	if (sc->server2[0] != NULL) {
		fill_argv(r.argv2[0], sc->server2, &r, o);
		r.lo.server2 = r.argv2[0];
	}
	if (sc->client2[0] != NULL) {
		fill_argv(r.argv2[1], sc->client2, &r, o);
		r.lo.client2 = r.argv2[1];
	}
	r.lo.user = o->user;
	r.lo.calls = o->calls && !sc->compare;	/* the compare view draws none */
	r.lo.linger_ms = 300;
	r.lo.quiet = 1;
	r.lo.on_conn = on_conn;
	r.lo.on_conn_ctx = &r;
	r.lo.begin = lab_begin;
	r.lo.end = lab_end;
	r.lo.hook_ctx = &r;
	ro = *o->ro;
	ro.first_conn_id = o->next_id;
	if (sc->data_full || sc->compare)	/* compare: each message a row */
		ro.ro.data = TV_DATA_FULL;
	if (sc->compare)
		ro.renderer = tv_demo_compare_renderer(ro.renderer);
	status = tv_labrun_main(&r.lo, &ro);
	if (r.verdict[0] != '\0' && !r.gone) {	/* after the compare view */
		ro.sink.write(ro.sink.ctx, r.verdict, strlen(r.verdict));
		ro.sink.flush(ro.sink.ctx);
		if (ro.sink.end)	/* as the run's end did (tv_run_output_status) */
			ro.sink.end(ro.sink.ctx, tv_run_signalled);
	}
	*gone = r.gone;
	((struct tv_labdemo_opts *)o)->next_id += (uint32_t)r.nconns;
	return status;
}

int
tv_labdemo_run(const int *want, struct tv_labdemo_opts *o, int *failures)
{
	int i, status, gone = 0;

	for (i = 0; i < NLAB && !gone; i++) {
		if (!want[i])
			continue;
		if ((status = run_one(&lab_scenarios[i], o, failures, &gone)) !=
		    TV_EXIT_OK)
			return status;
		if (tv_run_signalled || tv_fd_reader_gone(STDOUT_FILENO))
			break;
	}
	return TV_EXIT_OK;
}
