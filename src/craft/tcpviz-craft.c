/* \summary: tcpviz-craft: hand-built TCP segments on raw sockets, loopback only (syn, flood, handshake); the verdicts are the core's */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "craft-int.h"
#include "tv_nl.h"
#include "tv_util.h"

#define COUNT_MAX	1000
#define INTERVAL_MIN	1
#define TOTAL_MAX_MS	30000		/* (count-1) * interval + timeout + hold */
#define TIMEOUT_DEFAULT	1000
#define SEQ_DEFAULT	1000		/* the textbook diagram's ISN */
#define WIN_DEFAULT	65535
#define FLOOD_DEFAULT	100
#define FLOOD_IVL	5
#define KERNEL_RST_MS	200		/* syn: how long to watch for our kernel's RST */
#define WORDS		240		/* an outcome line of the ladder */

enum mode { MODE_SYN, MODE_FLOOD, MODE_HANDSHAKE, MODE_COUNT };

static const char *const mode_names[MODE_COUNT] = {
	[MODE_SYN] = "syn",
	[MODE_FLOOD] = "flood",
	[MODE_HANDSHAKE] = "handshake",
};

/* The command line, checked in full before any socket is opened. */
static struct {
	enum mode mode;
	struct tv_addr dst;
	uint16_t dport;
	long src_port;			/* -1: reserve one from the kernel */
	uint32_t seq;
	uint32_t ack;
	int have_ack;
	uint8_t flags;
	int have_flags;
	uint16_t win;
	long mss, wscale;		/* -1: not sent */
	int sackok;
	int have_ts;
	uint32_t ts;
	const char *data;
	size_t datalen;
	long count, interval, timeout, hold;
	int have_count, have_interval;
	int quiet;
} opt;

/*
 * What has to be undone on the way out, whatever the way: the nft table,
 * an established connection (reset), the sockets.  Signals only set
 * `stop`; every wait is a bounded poll() that then returns.
 */
static volatile sig_atomic_t stop;	/* the signal that asked us to stop */
static struct nft nft;

static void
on_signal(int sig)
{
	if (!stop)
		stop = sig;
}

/* ---- what every mode shares ---- */

static int
is_synack(const struct tv_pkt *p)
{
	return (p->flags & (TV_TH_SYN | TV_TH_ACK)) == (TV_TH_SYN | TV_TH_ACK);
}

/* SYN options from the command line. */
static void
seg_syn_opts(struct tv_craft_seg *s)
{
	if (opt.mss >= 0) {
		s->opt_mask |= TV_OPT_MSS;
		s->mss = (uint16_t)opt.mss;
	}
	if (opt.wscale >= 0) {
		s->opt_mask |= TV_OPT_WSCALE;
		s->wscale = (uint8_t)opt.wscale;
	}
	if (opt.sackok)
		s->opt_mask |= TV_OPT_SACK_OK;
	if (opt.have_ts) {
		s->opt_mask |= TV_OPT_TS;
		s->ts_val = opt.ts;
	}
}

/* Our first segment from port i: --seq, a SYN (syn mode: --flags,
 * --ack and --data), the SYN options. */
static int
send_first(struct link *L, size_t i)
{
	struct tv_craft_seg s;

	link_seg(L, i, &s);
	s.seq = opt.seq;
	s.ack = opt.ack;
	s.flags = opt.flags;
	if (opt.mode == MODE_SYN) {
		s.data = (const uint8_t *)opt.data;
		s.len = opt.datalen;
	}
	seg_syn_opts(&s);
	return link_send(L, &s, NULL);
}

/* "got ..." for an answer; `check` adds whether it acknowledges our SYN. */
static void
print_answer(const struct link *L, const struct seg_in *in, int check)
{
	const struct tv_pkt *p = &in->p;
	int ok = p->ack == opt.seq + 1;

	if (check && (p->flags & TV_TH_ACK))
		link_print(L, "got", p, in->data, "ack %s our seq + 1: %s",
		    ok ? "==" : "!=", ok ? "ok" : "unexpected");
	else
		link_print(L, "got", p, in->data, NULL);
}

/* The ladder's outcome lines for our one connection, as tcpviz draws
 * them; returns how the core says it opened. */
static enum tv_open
say_outcome(const struct link *L)
{
	char op[WORDS], cl[WORDS];

	tv_craft_conn_words(&L->conns[0], op, sizeof(op), cl, sizeof(cl));
	if (op[0])
		printf("== %s\n", op);
	if (cl[0])
		printf("== %s\n", cl);
	return tv_tcp_open(&L->conns[0].tcp);
}

static int
say_no_answer(void)
{
	printf("no answer in %ld ms\n", opt.timeout);
	return EX_NOANSWER;
}

/* "refused: RST,ACK (nothing listens on 127.0.0.1:1)" */
static void
say_refused(const struct link *L, const char *what)
{
	char ep[TV_ENDPOINTSTRLEN];

	printf("%s: %s (nothing listens on %s)\n", tv_open_names[TV_OPEN_REFUSED],
	    what, tv_endpoint_str(&L->dst, L->dport, ep, sizeof(ep)));
}

/* A receive loop's end that is no answer: an error or a signal. */
static int
rx_failed(int rc)
{
	return rc == RX_FAILED || rc == RX_STOPPED;
}

/* ---- syn: one segment (or count of them) and what came back ---- */

struct syn_run {
	int last;		/* the last segment is out */
	int grace;		/* its SYN-ACK came: waiting for our kernel's RST */
	char what[40];		/* the flags of the first answer, in words */
};

static int
syn_on_seg(struct link *L, struct rx *rx, const struct seg_in *in)
{
	struct syn_run *r = rx->ctx;
	int64_t grace_end;

	if (in->dir == DIR_KERNEL)
		return r->grace ? RX_DONE : RX_MORE;
	print_answer(L, in, (opt.flags & TV_TH_SYN) != 0);
	if (!r->what[0])
		tv_flags_words(in->p.flags, r->what, sizeof(r->what));
	if (!r->last)
		return RX_MORE;
	if (!is_synack(&in->p))
		return RX_DONE;
	/* the last segment is answered: wait only for our kernel's RST to
	 * the SYN-ACK, then stop */
	r->grace = 1;
	grace_end = tv_now_ms() + KERNEL_RST_MS;
	if (grace_end < rx->deadline)
		rx->deadline = grace_end;
	return RX_MORE;
}

/* The verdict, named by the core: what the ladder would say of it. */
static int
syn_verdict(const struct link *L, const struct syn_run *r)
{
	const struct tv_craft_conn *c = &L->conns[0];
	enum tv_open op = say_outcome(L);

	if (c->answers == 0)
		return say_no_answer();
	if (op == TV_OPEN_HALF_OPEN && c->us == 0)
		printf("%s: the server answered SYN-ACK; our kernel %s\n",
		    tv_open_names[op], tv_craft_conn_reset(c, 1) ?
		    "reset it (no socket owns the connection)" : "will reset it");
	else if (op == TV_OPEN_REFUSED)
		say_refused(L, r->what);
	else if (tv_craft_conn_reset(c, 0))
		printf("%s: the server answered %s\n",
		    tv_close_names[TV_CLOSE_RESET], r->what);
	else
		printf("answered: %s\n", r->what);
	return EX_ANSWER;
}

static int
mode_syn(struct link *L)
{
	struct syn_run r;
	struct rx rx = { .on_seg = syn_on_seg, .ctx = &r };
	int64_t start = tv_now_ms();
	int rc = RX_TIMEOUT;
	long i;

	memset(&r, 0, sizeof(r));
	for (i = 0; i < opt.count && !rx_failed(rc); i++) {
		if (send_first(L, 0) != 0)
			return EX_ERROR;
		r.last = i + 1 == opt.count;
		rx.deadline = r.last ? tv_now_ms() + opt.timeout :
		    start + (i + 1) * opt.interval;
		rc = link_receive(L, &rx);
	}
	if (rx_failed(rc))
		return EX_ERROR;
	return syn_verdict(L, &r);
}

/* ---- flood: SYNs from many ports; the server's SYN_RECV queue ---- */

struct flood_run {
	long sent;		/* SYNs out */
	long answered;		/* ports with an answer */
	long peak;		/* of the SYN_RECV count */
	char what[40];		/* the first answer not a SYN-ACK, in words */
	char nl_err[TV_ERRBUF_SIZE];	/* why the backlog could not be read */
};

static int
flood_on_seg(struct link *L, struct rx *rx, const struct seg_in *in)
{
	struct flood_run *f = rx->ctx;
	int synack = is_synack(&in->p);

	if (in->dir == DIR_KERNEL)
		return RX_MORE;
	print_answer(L, in, synack);
	if (!synack && !f->what[0])
		tv_flags_words(in->p.flags, f->what, sizeof(f->what));
	if (L->conns[in->port_i].answers == 1)
		f->answered++;
	return f->sent == opt.count && f->answered >= opt.count ? RX_DONE :
	    RX_MORE;
}

/* The server's connections in SYN_RECV, asked of the kernel over
 * netlink (sock_diag, as ss does), and printed. */
static void
flood_backlog(const struct link *L, struct flood_run *f)
{
	char ep[TV_ENDPOINTSTRLEN];
	long n = tv_nl_count_state(&L->dst, L->dport, TV_NL_SYN_RECV, f->nl_err);

	if (n > f->peak)
		f->peak = n;
	if (opt.quiet)
		return;
	tv_endpoint_str(&L->dst, L->dport, ep, sizeof(ep));
	if (n < 0)
		printf("backlog unknown: %s\n", f->nl_err);
	else
		printf("backlog %ld in SYN_RECV on %s after %ld of %ld SYNs\n", n,
		    ep, f->sent, opt.count);
}

/* "== opened: 48 half-open, 2 unanswered": the core's names, counted. */
static void
say_opened_count(const long *n)
{
	int i, any = 0;

	printf("== opened:");
	for (i = 0; i < TV_OPEN_COUNT; i++)
		if (n[i])
			printf("%s %ld %s", any++ ? "," : "", n[i], tv_open_names[i]);
	printf("\n");
}

static int
flood_verdict(const struct link *L, const struct flood_run *f)
{
	long n[TV_OPEN_COUNT] = { 0 }, synacks;
	char ep[TV_ENDPOINTSTRLEN];
	size_t i;

	for (i = 0; i < L->nports; i++)
		n[tv_tcp_open(&L->conns[i].tcp)]++;
	say_opened_count(n);
	/* a SYN-ACK makes a connection half-open, or three-way */
	synacks = n[TV_OPEN_HALF_OPEN] + n[TV_OPEN_THREE_WAY];
	if (synacks) {
		printf("flood: %ld SYNs sent from %zu source ports, %ld SYN-ACKs "
		    "back; SYN_RECV on %s peaked at %ld\n", opt.count, L->nports,
		    synacks, tv_endpoint_str(&L->dst, L->dport, ep, sizeof(ep)),
		    f->peak);
		return EX_ANSWER;
	}
	if (n[TV_OPEN_REFUSED]) {
		say_refused(L, f->what);
		return EX_ERROR;
	}
	if (f->answered) {
		printf("answered: %s, no SYN-ACK\n", f->what);
		return EX_ERROR;
	}
	return say_no_answer();
}

static int
mode_flood(struct link *L)
{
	struct flood_run f;
	struct rx rx = { .on_seg = flood_on_seg, .ctx = &f };
	int64_t start = tv_now_ms();
	long step = opt.count / 10 > 0 ? opt.count / 10 : 1;

	memset(&f, 0, sizeof(f));
	while (f.sent < opt.count) {
		if (send_first(L, (size_t)f.sent) != 0)
			return EX_ERROR;
		f.sent++;
		rx.deadline = f.sent < opt.count ? start + f.sent * opt.interval :
		    tv_now_ms() + opt.timeout;
		if (rx_failed(link_receive(L, &rx)))
			return EX_ERROR;
		if (f.sent % step == 0 && f.sent < opt.count)
			flood_backlog(L, &f);
	}
	flood_backlog(L, &f);	/* once more, after the last answers came in */
	return flood_verdict(L, &f);
}

/* ---- handshake: SYN, SYN-ACK, ACK by hand, then data and a close ---- */

/*
 * What the handshake keeps to send its segments (the parts of RFC 9293's
 * TCB a one-shot peer needs).  How the connection opened and closed is
 * the core's: L->conns[0].
 */
struct tcb {
	uint32_t iss, snd_una, snd_nxt;
	uint32_t rcv_nxt;
	int ts_on;
	uint32_t ts_recent;
	int64_t t0;
	int synack;		/* its SYN-ACK was acceptable: the server holds
				 * the connection until it is closed or reset */
	int bad_ack;		/* its SYN-ACK acknowledged bad_ack_val */
	uint32_t bad_ack_val;
	char what[40];		/* the flags of an RST to our SYN, in words */
	int their_fin, fin_sent, data_acked;
	uint32_t got_bytes;
	int64_t deadline, hold_end;	/* of the data phase */
};

/* The core has it closed (FINs both ways acknowledged) or reset. */
static int
conn_over(const struct link *L)
{
	return tv_tcp_close(&L->conns[0].tcp) != TV_CLOSE_OPEN;
}

/* A segment on the connection: seq, ack and timestamps from the TCB. */
static void
seg_conn(const struct link *L, const struct tcb *t, uint8_t flags,
    struct tv_craft_seg *s)
{
	link_seg(L, 0, s);
	s->flags = flags;
	s->seq = t->snd_nxt;
	s->ack = (flags & TV_TH_ACK) ? t->rcv_nxt : 0;
	if (t->ts_on) {
		s->opt_mask |= TV_OPT_TS;
		s->ts_val = opt.ts + (uint32_t)(tv_now_ms() - t->t0);
		s->ts_ecr = t->ts_recent;
	}
}

static int
send_ack(struct link *L, const struct tcb *t, const char *why)
{
	struct tv_craft_seg s;

	seg_conn(L, t, TV_TH_ACK, &s);
	return link_send(L, &s, "%s", why);
}

/* Reset the connection on the way out (timeout, signal, error). */
static void
reset_conn(struct link *L, const struct tcb *t, const char *why)
{
	struct tv_craft_seg s;

	seg_conn(L, t, TV_TH_RST, &s);
	link_send(L, &s, "%s", why);
}

/* The SYN-ACK we wait for: checked (ack == our seq + 1), or an RST. */
static int
hs_synack_seg(struct link *L, struct rx *rx, const struct seg_in *in)
{
	struct tcb *t = rx->ctx;
	const struct tv_pkt *p = &in->p;
	struct tv_craft_seg s;

	if (in->dir == DIR_KERNEL)
		return RX_MORE;
	if (p->flags & TV_TH_RST) {
		link_print(L, "got", p, NULL, NULL);
		tv_flags_words(p->flags, t->what, sizeof(t->what));
		return RX_DONE;
	}
	if (!is_synack(p)) {
		link_print(L, "got", p, in->data, "not a SYN-ACK; still waiting");
		return RX_MORE;
	}
	if (p->ack != t->iss + 1) {
		/* RFC 9293 §3.10.7.3: an unacceptable ACK gets <SEQ=SEG.ACK><CTL=RST> */
		link_print(L, "got", p, NULL, "ack != our seq + 1");
		link_seg(L, 0, &s);
		s.seq = p->ack;
		s.flags = TV_TH_RST;
		link_send(L, &s, "its ACK is not for our SYN");
		t->bad_ack = 1;
		t->bad_ack_val = p->ack;
		return RX_DONE;
	}
	link_print(L, "got", p, in->data, "ack == our seq + 1: ok");
	t->rcv_nxt = p->seq + 1;
	t->snd_una = p->ack;
	t->ts_on = opt.have_ts && (p->opt_mask & TV_OPT_TS);
	t->ts_recent = p->ts_val;
	t->synack = 1;
	return RX_DONE;
}

/* In-order data and a FIN move rcv_nxt; 1 when that wants an ACK. */
static int
take_data(struct tcb *t, const struct tv_pkt *p)
{
	if (p->seq != t->rcv_nxt)
		/* out of order or repeated: say where we are */
		return p->len || (p->flags & TV_TH_FIN);
	t->rcv_nxt += p->len;
	t->got_bytes += p->len;
	if (p->flags & TV_TH_FIN) {
		t->rcv_nxt++;
		t->their_fin = 1;
	}
	return p->len || (p->flags & TV_TH_FIN);
}

/*
 * A segment from the server on the open connection (RFC 9293 §3.10.7.4,
 * the parts a one-shot peer needs): an RST ends it (the core notes it),
 * the ACK moves snd_una, in-order data and FIN move rcv_nxt and are
 * ACKed, anything else is ACKed again.  Returns 0 or EX_ERROR.
 */
static int
on_segment(struct link *L, struct tcb *t, const struct seg_in *in)
{
	const struct tv_pkt *p = &in->p;
	uint32_t old_una = t->snd_una;
	int need_ack;

	if (p->flags & TV_TH_RST) {
		link_print(L, "got", p, NULL, "the server reset the connection");
		return 0;
	}
	if (p->opt_mask & TV_OPT_TS)
		t->ts_recent = p->ts_val;
	if ((p->flags & TV_TH_ACK) && tv_seq_gt(p->ack, t->snd_una) &&
	    tv_seq_le(p->ack, t->snd_nxt))
		t->snd_una = p->ack;
	if (p->flags & TV_TH_SYN) {
		/* our ACK of its SYN-ACK went missing: acknowledge again */
		link_print(L, "got", p, NULL, "SYN-ACK again");
		return send_ack(L, t, "again") ? EX_ERROR : 0;
	}
	need_ack = take_data(t, p);
	if (t->snd_una != old_una && t->fin_sent && t->snd_una == t->snd_nxt)
		link_print(L, "got", p, in->data, "acks our FIN");
	else if (t->snd_una != old_una)
		link_print(L, "got", p, in->data, "acks our %u bytes",
		    (unsigned)(t->snd_una - t->iss - 1));
	else
		link_print(L, "got", p, in->data, NULL);
	if (need_ack && send_ack(L, t, t->their_fin ? "acks its FIN" :
	    "acks its data") != 0)
		return EX_ERROR;
	return 0;
}

/*
 * Whether the phase is over: the connection closed or reset; before our
 * FIN also the server's FIN, or our data acknowledged and --hold over
 * (else rx->deadline becomes the next moment that could end it).
 */
static int
hs_phase_over(const struct link *L, struct tcb *t, struct rx *rx)
{
	if (conn_over(L))
		return 1;
	if (t->fin_sent)
		return 0;
	t->data_acked = t->snd_una == t->snd_nxt;
	if (t->their_fin || (t->data_acked && tv_now_ms() >= t->hold_end))
		return 1;
	rx->deadline = t->data_acked || t->hold_end > t->deadline ?
	    t->hold_end : t->deadline;
	return 0;
}

static int
hs_conn_seg(struct link *L, struct rx *rx, const struct seg_in *in)
{
	struct tcb *t = rx->ctx;

	if (in->dir == DIR_KERNEL)
		return RX_MORE;
	if (on_segment(L, t, in) != 0)
		return RX_FAILED;
	return hs_phase_over(L, t, rx) ? RX_DONE : RX_MORE;
}

/* SYN, and the answer to it. */
static int
hs_open(struct link *L, struct tcb *t)
{
	struct rx rx = { .on_seg = hs_synack_seg, .ctx = t };

	if (send_first(L, 0) != 0)
		return RX_FAILED;
	t->snd_una = t->iss;
	t->snd_nxt = t->iss + 1;
	rx.deadline = tv_now_ms() + opt.timeout;
	return link_receive(L, &rx);
}

/* Our ACK (ack = their ISN + 1), --data, then what comes until the data
 * is acknowledged and --hold is over, or the server closes or resets. */
static int
hs_talk(struct link *L, struct tcb *t)
{
	struct rx rx = { .on_seg = hs_conn_seg, .ctx = t };
	struct tv_craft_seg s;

	if (send_ack(L, t, "ack == their seq + 1: handshake done") != 0)
		return RX_FAILED;
	if (opt.datalen) {
		seg_conn(L, t, TV_TH_PSH | TV_TH_ACK, &s);
		s.data = (const uint8_t *)opt.data;
		s.len = opt.datalen;
		if (link_send(L, &s, NULL) != 0)
			return RX_FAILED;
		t->snd_nxt += (uint32_t)opt.datalen;
	}
	t->deadline = tv_now_ms() + opt.timeout;
	t->hold_end = tv_now_ms() + opt.hold;
	if (hs_phase_over(L, t, &rx))
		return RX_DONE;
	return link_receive(L, &rx);
}

/* Our FIN, the server's ACK and FIN, our last ACK; an RST of ours if the
 * server does not close in time. */
static int
hs_close(struct link *L, struct tcb *t)
{
	struct rx rx = { .on_seg = hs_conn_seg, .ctx = t };
	struct tv_craft_seg s;
	int rc;

	seg_conn(L, t, TV_TH_FIN | TV_TH_ACK, &s);
	if (link_send(L, &s, NULL) != 0)
		return RX_FAILED;
	t->snd_nxt++;
	t->fin_sent = 1;
	rx.deadline = tv_now_ms() + opt.timeout;
	rc = link_receive(L, &rx);
	if (rc == RX_TIMEOUT)
		reset_conn(L, t, "the server did not close in time");
	return rc;
}

/* No connection came of the SYN: refused, a bad SYN-ACK, or nothing. */
static int
hs_unopened(const struct link *L, const struct tcb *t)
{
	enum tv_open op = say_outcome(L);

	if (t->bad_ack) {
		printf("%s: the SYN-ACK acknowledges %u, not %u, so we reset it\n",
		    tv_open_names[op], t->bad_ack_val, t->iss + 1);
		return EX_ERROR;
	}
	if (op == TV_OPEN_REFUSED) {
		say_refused(L, t->what);
		return EX_ERROR;
	}
	return say_no_answer();
}

/* "three-way: handshake completed by hand ...; closed with FIN both ways" */
static int
hs_verdict(const struct link *L, const struct tcb *t)
{
	const struct tv_craft_conn *c = &L->conns[0];
	uint32_t datalen = (uint32_t)opt.datalen;
	enum tv_close cl = tv_tcp_close(&c->tcp);
	enum tv_open op = say_outcome(L);

	printf("%s: handshake completed by hand (SYN, SYN-ACK, ACK)",
	    tv_open_names[op]);
	if (datalen)
		printf("; %u byte%s sent%s", datalen, datalen == 1 ? "" : "s",
		    t->data_acked ? " and acknowledged" : ", NOT acknowledged");
	if (t->got_bytes)
		printf("; %u received", t->got_bytes);
	if (cl == TV_CLOSE_RESET && tv_craft_conn_reset(c, 0))
		printf("; the server reset it while closing\n");
	else if (cl == TV_CLOSE_RESET || cl == TV_CLOSE_OPEN)
		printf("; the server did not close in %ld ms, so we reset it\n",
		    opt.timeout);
	else
		printf("; closed with FIN both ways\n");
	return t->data_acked ? EX_ANSWER : EX_NOANSWER;
}

static int
mode_handshake(struct link *L)
{
	const struct tv_craft_conn *c = &L->conns[0];
	struct tcb t;

	memset(&t, 0, sizeof(t));
	t.iss = opt.seq;
	t.t0 = tv_now_ms();
	if (rx_failed(hs_open(L, &t)))
		return EX_ERROR;
	if (!t.synack)
		return hs_unopened(L, &t);
	if (rx_failed(hs_talk(L, &t)))
		goto out;
	if (tv_craft_conn_reset(c, 0)) {
		say_outcome(L);
		printf("%s: the server reset the connection after the handshake\n",
		    tv_close_names[TV_CLOSE_RESET]);
		return EX_ERROR;
	}
	if (!t.data_acked)
		note("our %zu bytes were not acknowledged in %ld ms", opt.datalen,
		    opt.timeout);
	if (rx_failed(hs_close(L, &t)))
		goto out;
	return hs_verdict(L, &t);
out:
	/* a signal or an error with the connection open: do not leave it */
	if (!conn_over(L))
		reset_conn(L, &t, stop ? "interrupted" : "giving up");
	return EX_ERROR;
}

/* ---- the command line ---- */

static void
usage(FILE *fp)
{
	fprintf(fp,
"Usage: tcpviz-craft [options] syn|flood|handshake [HOST] PORT\n"
"\n"
"Send TCP segments built by hand on raw sockets to a loopback address and\n"
"show what comes back: the textbook handshake, a half-open connection, a\n"
"refusal, a SYN flood.  Needs root (raw sockets; nft for flood and handshake).\n"
"\n"
"Modes:\n"
"  syn        send one segment (SYN unless --flags), --count times; report\n"
"             the answer: SYN-ACK (half-open: our kernel then resets it, as\n"
"             no socket owns the connection), RST (refused) or nothing\n"
"  flood      --count SYNs (default %d, at most %d) from as many source\n"
"             ports; report the server's SYN_RECV backlog while it runs\n"
"  handshake  SYN, SYN-ACK, then our ACK (ack = their ISN + 1), --data if\n"
"             given, then a FIN each way\n"
"  flood and handshake add an nftables table (inet " TABLE_PREFIX "PID) that\n"
"  drops the RSTs our own kernel would send, and always remove it.\n"
"\n"
"HOST is 127.0.0.0/8 or ::1 (default 127.0.0.1, or ::1 with -6).  Other\n"
"destinations are refused before any socket is opened; no option lifts this.\n"
"\n"
"Segment:\n"
"  --src-port P    source port (default: a free one; flood: P, P+1, ...)\n"
"  --seq N         sequence number, our ISN (default %d)\n"
"  --ack N         acknowledgement number (syn only)\n"
"  --flags F       syn only: S SA A F FA R RA PA ... (letters S A F R P U E C;\n"
"                  default S)\n"
"  --win N         window (default %d)\n"
"  --mss N         MSS option        --wscale N   window scale option (0-14)\n"
"  --sackok        SACK-permitted    --ts VAL     timestamps, TSval VAL\n"
"  --data STR      payload (at most %d bytes; handshake: sent after the ACK)\n"
"\n"
"Timing (all bounded: (count - 1) * interval + timeout + hold <= %d ms):\n"
"  --count N       segments to send, 1..%d (syn default 1)\n"
"  --interval MS   between segments, >= %d (syn default 1000, flood %d)\n"
"  --timeout MS    wait for answers (default %d)\n"
"  --hold MS       handshake: keep the connection open this long before the\n"
"                  FIN (watch it in ss -tn)\n"
"\n"
"  -6              use ::1 when HOST is not given\n"
"  -q              no per-segment lines: the verdict only\n"
"  -h, --help      show this help and exit\n"
"\n"
"Output: one line per segment sent and received, then the outcome in the\n"
"words of tcpviz's ladder (\"== opened: ...\", \"== closed: ...\") and a\n"
"verdict.  Exit status 0 when the expected answer came (any answer for\n"
"syn), 1 on errors and refusals, 2 when nothing came back in time.\n"
"\n"
"Examples:\n"
"  sudo tcpviz-craft syn 127.0.0.1 8000 --seq 1000\n"
"  sudo tcpviz-craft syn --flags A 127.0.0.1 8000\n"
"  sudo tcpviz-craft handshake --mss 1460 --sackok --ts 1 --data hello 127.0.0.1 8000\n"
"  sudo tcpviz-craft flood --count 50 127.0.0.1 8000\n"
"  sudo tcpviz-craft syn -6 8000\n",
	    FLOOD_DEFAULT, COUNT_MAX, SEQ_DEFAULT, WIN_DEFAULT, TV_CRAFT_DATA_MAX,
	    TOTAL_MAX_MS, COUNT_MAX, INTERVAL_MIN, FLOOD_IVL, TIMEOUT_DEFAULT);
}

enum {
	OPT_SRC_PORT = 256, OPT_SEQ, OPT_ACK, OPT_FLAGS, OPT_WIN, OPT_MSS,
	OPT_WSCALE, OPT_SACKOK, OPT_TS, OPT_DATA, OPT_COUNT, OPT_INTERVAL,
	OPT_TIMEOUT, OPT_HOLD,
};

/* The options that take a number: its bounds, and where it goes. */
enum num_kind { NUM_LONG, NUM_U32, NUM_U16 };

static const struct num_opt {
	int id;
	const char *name;
	uint64_t min, max;
	enum num_kind kind;
	void *dst;			/* a long, uint32_t or uint16_t in opt */
	int *given;			/* set to 1 when the option is given */
} num_opts[] = {
	{ OPT_SRC_PORT, "--src-port", 1, 65535, NUM_LONG, &opt.src_port, NULL },
	{ OPT_SEQ, "--seq", 0, UINT32_MAX, NUM_U32, &opt.seq, NULL },
	{ OPT_ACK, "--ack", 0, UINT32_MAX, NUM_U32, &opt.ack, &opt.have_ack },
	{ OPT_WIN, "--win", 0, 65535, NUM_U16, &opt.win, NULL },
	{ OPT_MSS, "--mss", 1, 65535, NUM_LONG, &opt.mss, NULL },
	/* RFC 7323 §2.3 */
	{ OPT_WSCALE, "--wscale", 0, 14, NUM_LONG, &opt.wscale, NULL },
	{ OPT_TS, "--ts", 0, UINT32_MAX, NUM_U32, &opt.ts, &opt.have_ts },
	{ OPT_COUNT, "--count", 1, COUNT_MAX, NUM_LONG, &opt.count,
	    &opt.have_count },
	{ OPT_INTERVAL, "--interval", INTERVAL_MIN, TOTAL_MAX_MS, NUM_LONG,
	    &opt.interval, &opt.have_interval },
	{ OPT_TIMEOUT, "--timeout", 1, TOTAL_MAX_MS, NUM_LONG, &opt.timeout,
	    NULL },
	{ OPT_HOLD, "--hold", 0, TOTAL_MAX_MS, NUM_LONG, &opt.hold, NULL },
};

/* A decimal number in [min, max] for `name`; EX_ERROR with a message if not. */
static int
num(const char *name, const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	if (tv_parse_u64(s, min, max, out) == 0)
		return 0;
	return fail("%s %s: expected a number from %" PRIu64 " to %" PRIu64,
	    name, s, min, max);
}

/* The number of option n into its place in opt; 0 or EX_ERROR. */
static int
num_option(const struct num_opt *n, const char *arg)
{
	uint64_t v;

	if (num(n->name, arg, n->min, n->max, &v) != 0)
		return EX_ERROR;
	if (n->kind == NUM_LONG)
		*(long *)n->dst = (long)v;
	else if (n->kind == NUM_U32)
		*(uint32_t *)n->dst = (uint32_t)v;
	else
		*(uint16_t *)n->dst = (uint16_t)v;
	if (n->given)
		*n->given = 1;
	return 0;
}

/* --flags and --data: checked text. */
static int
text_option(int id, const char *arg)
{
	if (id == OPT_FLAGS) {
		if (tv_craft_parse_flags(arg, &opt.flags) < 0)
			return fail("--flags %s: expected letters from S A F R P U "
			    "E C, each once (S, SA, A, F, FA, R, RA, PA)", arg);
		opt.have_flags = 1;
		return 0;
	}
	opt.data = arg;
	opt.datalen = strlen(arg);
	if (opt.datalen > TV_CRAFT_DATA_MAX)
		return fail("--data: %zu bytes; at most %d", opt.datalen,
		    TV_CRAFT_DATA_MAX);
	return 0;
}

/* One option into opt (-6 into *v6); 0 or EX_ERROR. */
static int
set_option(int ch, const char *arg, int *v6)
{
	size_t i;

	for (i = 0; i < sizeof(num_opts) / sizeof(num_opts[0]); i++)
		if (num_opts[i].id == ch)
			return num_option(&num_opts[i], arg);
	switch (ch) {
	case OPT_SACKOK:
		opt.sackok = 1;
		break;
	case OPT_FLAGS:
	case OPT_DATA:
		return text_option(ch, arg);
	case '6':
		*v6 = 1;
		break;
	case 'q':
		opt.quiet = 1;
		break;
	case 'h':
		exit(tv_opt_help(PROG, ch, usage));
	}
	return 0;
}

/* An unknown option, or one without its argument. */
static int
bad_option(int argc, char **argv)
{
	if (optopt && optopt < 256)
		fail("unknown option -%c", optopt);
	else
		fail("unknown or incomplete option %s",
		    optind > 0 && optind <= argc ? argv[optind - 1] : "option");
	return tv_opt_help(PROG, '?', usage);
}

static int
parse_options(int argc, char **argv, int *v6)
{
	static const struct option longopts[] = {
		{ "src-port", required_argument, NULL, OPT_SRC_PORT },
		{ "seq", required_argument, NULL, OPT_SEQ },
		{ "ack", required_argument, NULL, OPT_ACK },
		{ "flags", required_argument, NULL, OPT_FLAGS },
		{ "win", required_argument, NULL, OPT_WIN },
		{ "mss", required_argument, NULL, OPT_MSS },
		{ "wscale", required_argument, NULL, OPT_WSCALE },
		{ "sackok", no_argument, NULL, OPT_SACKOK },
		{ "ts", required_argument, NULL, OPT_TS },
		{ "data", required_argument, NULL, OPT_DATA },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "hold", required_argument, NULL, OPT_HOLD },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	opt.src_port = -1;
	opt.seq = SEQ_DEFAULT;
	opt.win = WIN_DEFAULT;
	opt.mss = opt.wscale = -1;
	opt.timeout = TIMEOUT_DEFAULT;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "6hq", longopts, NULL)) != -1) {
		if (ch == '?' || ch == ':')
			return bad_option(argc, argv);
		if (set_option(ch, optarg, v6) != 0)
			return EX_ERROR;
	}
	return 0;
}

/* A numeric address into a; 0, or -1 when it is neither IPv4 nor IPv6. */
static int
parse_addr(const char *s, struct tv_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->a) == 1) {
		a->family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->a) == 1) {
		a->family = 6;
		return 0;
	}
	return -1;
}

/* The destination: loopback or nothing, before any socket exists. */
static int
check_dest(const char *host, int v6)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	const uint8_t *a = opt.dst.a;

	if (host == NULL)
		host = v6 ? "::1" : "127.0.0.1";
	if (parse_addr(host, &opt.dst) < 0)
		return fail("%s: not a numeric IPv4 or IPv6 address (names are "
		    "not looked up)", host);
	if (v6 && opt.dst.family != 6)
		return fail("-6 with the IPv4 address %s", host);
	if (tv_craft_dest_allowed(&opt.dst))
		return 0;
	if (opt.dst.family == 6 && memcmp(a, mapped, 12) == 0)
		return fail("refusing to send to %s: an IPv4-mapped address; "
		    "tcpviz-craft sends only to 127.0.0.0/8 or ::1 (use "
		    "%u.%u.%u.%u), and no option changes that", host, a[12],
		    a[13], a[14], a[15]);
	return fail("refusing to send to %s: tcpviz-craft sends only to "
	    "loopback (127.0.0.0/8 or ::1), and no option changes that", host);
}

/* MODE [HOST] PORT */
static int
parse_operands(int argc, char **argv, int v6)
{
	int n = argc - optind, m;
	uint64_t v;

	if (n < 2 || n > 3) {
		fail("expected MODE [HOST] PORT");
		tv_msg_try(PROG);
		return EX_ERROR;
	}
	if ((m = tv_name_index(argv[optind], mode_names, MODE_COUNT)) < 0) {
		fail("unknown mode \"%s\": syn, flood or handshake", argv[optind]);
		tv_msg_try(PROG);
		return EX_ERROR;
	}
	opt.mode = (enum mode)m;
	if (num("PORT", argv[optind + n - 1], 1, 65535, &v) != 0)
		return EX_ERROR;
	opt.dport = (uint16_t)v;
	return check_dest(n == 3 ? argv[optind + 1] : NULL, v6);
}

/* What each mode takes, the defaults that depend on it, the time bound. */
static int
check_mode_options(void)
{
	const char *mode = mode_names[opt.mode];
	long total;

	if (opt.have_flags && opt.mode != MODE_SYN)
		return fail("--flags is for syn mode (%s sends its own)", mode);
	if (!opt.have_flags)
		opt.flags = TV_TH_SYN;
	if (opt.have_ack && opt.mode != MODE_SYN)
		return fail("--ack is for syn mode (%s acknowledges what the "
		    "server sends)", mode);
	if (opt.data && opt.mode == MODE_FLOOD)
		return fail("--data is for syn and handshake");
	if (opt.hold && opt.mode != MODE_HANDSHAKE)
		return fail("--hold is for handshake");
	if (opt.mode == MODE_HANDSHAKE && ((opt.have_count && opt.count != 1) ||
	    opt.have_interval))
		return fail("handshake makes one connection: no --count or "
		    "--interval");
	if (!opt.have_count)
		opt.count = opt.mode == MODE_FLOOD ? FLOOD_DEFAULT : 1;
	if (!opt.have_interval)
		opt.interval = opt.mode == MODE_FLOOD ? FLOOD_IVL : 1000;
	total = (opt.count - 1) * opt.interval + opt.timeout + opt.hold;
	if (total > TOTAL_MAX_MS)
		return fail("--count %ld every %ld ms, then --timeout %ld ms%s would "
		    "take %ld ms; at most %d ms", opt.count, opt.interval,
		    opt.timeout, opt.hold ? " and --hold" : "", total,
		    TOTAL_MAX_MS);
	return 0;
}

/* Parse and check everything; no socket exists yet.  Returns 0 or EX_ERROR. */
static int
parse_args(int argc, char **argv)
{
	int v6 = 0, rc;

	if ((rc = parse_options(argc, argv, &v6)) != 0 ||
	    (rc = parse_operands(argc, argv, v6)) != 0)
		return rc;
	return check_mode_options();
}

/* ---- the run ---- */

/* Everything after the checks: sockets, nft, the mode. */
static int
craft(struct link *L)
{
	int use_nft = opt.mode != MODE_SYN;
	int rc;

	if ((rc = link_open(L, &opt.dst, opt.dport, opt.src_port,
	    opt.mode == MODE_FLOOD ? (size_t)opt.count : 1, use_nft)) != 0)
		return rc;
	if (use_nft) {
		nft_reap();
		if (stop)
			return EX_ERROR;
		if ((rc = nft_add(&nft, L)) != 0)
			return rc;
		if (stop)
			return EX_ERROR;
	}
	switch (opt.mode) {
	case MODE_SYN:
		return mode_syn(L);
	case MODE_FLOOD:
		return mode_flood(L);
	case MODE_HANDSHAKE:
		return mode_handshake(L);
	case MODE_COUNT:
		break;
	}
	return EX_ERROR;
}

/* Stopped by signal sig: say so, and die of it (not of the watchdog). */
static int
stopped(int sig)
{
	note("stopped by %s%s", sig == SIGALRM ? "the watchdog" :
	    sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP",
	    nft.table[0] ? "; nft table removed" : "");
	if (sig != SIGALRM) {
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return EX_ERROR;
}

int
main(int argc, char **argv)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGALRM, 0 };
	struct link L;
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((rc = parse_args(argc, argv)) != 0)
		return rc;
	tv_catch_signals(on_signal, sigs);
	/* a watchdog past the longest run the limits allow: SIGALRM stops
	 * us like SIGTERM would, through the same cleanup */
	alarm((unsigned)((opt.count - 1) * opt.interval + opt.timeout +
	    opt.hold) / 1000 + 10);

	link_init(&L, opt.win, opt.quiet, &stop);
	rc = craft(&L);
	if (nft_remove(&nft) < 0)
		rc = EX_ERROR;
	link_close(&L);
	alarm(0);
	if (stop)
		return stopped(stop);
	return rc;
}
