/* \summary: --kernel: the kernel's sockets for each end of the connections drawn, said when they change */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tv_kern.h"
#include "tv_kview-int.h"
#include "tv_tcp.h"
#include "tv_util.h"

#define KV_CONNS 64		/* connections followed at once (the newest) */
#define KV_SOCKS 512		/* sockets one query keeps */
#define KV_LISTEN 16		/* listening sockets remembered */
#define KV_PEAKS 32		/* ports whose longest accept queue is kept */
#define KV_OWNERS 256		/* inode -> process, remembered */
#define KV_RECHECK_MS 20	/* a state that differs from the packets' is asked again */
#define KV_OWNER_RETRY_MS 1000
/* a block of packets reaches us at the latest this long after its first
 * (tv_cap's DELIVER_MS, with room) */
#define KV_LAG_MS 30

/* What was said of one socket, to say only what changed. */
struct kv_said {
	uint8_t shown;		/* a line was written for it */
	uint8_t present;	/* ... and it was there */
	uint8_t held;		/* a difference not yet said: asked again first */
	uint8_t held_wire;
	struct tv_ksock k;
};

struct kv_conn {
	const struct tv_conn *c;
	struct kv_said side[2];
};

struct kv_listen {
	uint32_t inode;
	struct kv_said said;
};

struct kv_owner {
	uint32_t inode;
	int32_t pid;		/* 0: looked for, not found */
	int64_t when_ms;
	char comm[TV_KS_COMM];
};

struct tv_kview {
	struct tv_run *run;
	struct tv_run_watch *w;	/* our slot of the run's watchers */
	struct tv_kern *k;	/* NULL: answers from src */
	struct tv_kview_src src;
	struct kv_conn conn[KV_CONNS];
	int nconn;
	struct kv_listen lis[KV_LISTEN];
	int nlis;
	struct kv_peak {
		uint16_t port;
		uint32_t rq;
	} peak[KV_PEAKS];
	int npeak;
	struct kv_owner own[KV_OWNERS];
	unsigned own_next;
	/* the latest answer, said once the packets captured before it are
	 * drawn: at the first packet captured after it, or KV_LAG_MS later */
	struct tv_ksock socks[KV_SOCKS];
	int nsocks;
	int pending;
	int again;		/* asked for while one was pending: ask after it */
	int64_t asked_ns;	/* when it was asked (wall clock) */
	int64_t next_ms;	/* the next query by the clock */
	int failed;
	char errbuf[TV_ERRBUF_SIZE];
};

static const char *const side_word[2] = { "client", "server" };

/* ---- matching the kernel's sockets to the ends of a connection ---- */

static int
addr_any(const struct tv_addr *a)
{
	static const uint8_t zero[16];

	return memcmp(a->a, zero, 16) == 0;
}

/* An IPv4 address inside an IPv6 one (::ffff:a.b.c.d), as IPv4. */
static struct tv_addr
plain(const struct tv_addr *a)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	struct tv_addr r = *a;

	if (a->family == 6 && memcmp(a->a, mapped, 12) == 0) {
		memset(&r, 0, sizeof(r));
		r.family = 4;
		memcpy(r.a, a->a + 12, 4);
	}
	return r;
}

static int
addr_eq(const struct tv_addr *x, const struct tv_addr *y)
{
	struct tv_addr a = plain(x), b = plain(y);
	size_t n = a.family == 4 ? 4 : 16;

	return a.family == b.family && memcmp(a.a, b.a, n) == 0;
}

/* The socket of side s of c: its own 4-tuple; else, UDP, one bound to
 * its address (or any) and connected to nobody. */
static const struct tv_ksock *
find_side(const struct tv_kview *kv, const struct tv_conn *c, int s)
{
	const struct tv_ksock *k, *loose = NULL;
	int i;

	for (i = 0; i < kv->nsocks; i++) {
		k = &kv->socks[i];
		if (k->proto != c->proto || k->lport != c->port[s] ||
		    k->state == TV_KS_LISTEN)
			continue;
		if (k->rport == c->port[!s] && addr_eq(&k->local, &c->addr[s]) &&
		    addr_eq(&k->remote, &c->addr[!s]))
			return k;
		if (c->proto == 17 && k->rport == 0 && addr_any(&k->remote) &&
		    (addr_any(&k->local) || addr_eq(&k->local, &c->addr[s])))
			loose = k;
	}
	return loose;
}

/* The listening socket a TCP connection's server end came from: bound
 * to its address, else to any address of its family, else to [::] (a
 * dual-stack socket takes IPv4 too). */
static const struct tv_ksock *
find_listener(const struct tv_kview *kv, const struct tv_conn *c)
{
	const struct tv_addr *sa = &c->addr[TV_SERVER];
	const struct tv_ksock *k, *best = NULL;
	int i, score, top = 0;

	for (i = 0; i < kv->nsocks; i++) {
		k = &kv->socks[i];
		if (k->proto != 6 || k->state != TV_KS_LISTEN ||
		    k->lport != c->port[TV_SERVER])
			continue;
		if (addr_eq(&k->local, sa))
			score = 3;
		else if (addr_any(&k->local) && k->local.family == plain(sa).family)
			score = 2;
		else if (addr_any(&k->local) && k->local.family == 6)
			score = 1;
		else
			continue;
		if (score > top) {
			top = score;
			best = k;
		}
	}
	return best;
}

/* ---- saying it ---- */

/* Has what matters changed?  Not the time left on a timer; of the queues
 * of a connected socket only whether they are empty (a transfer would
 * give a line each time), of a listener's accept queue every step. */
static int
same(const struct tv_ksock *a, const struct tv_ksock *b)
{
	if (a->state != b->state || a->pid != b->pid || a->retrans != b->retrans ||
	    (a->timer == TV_KT_TIMEWAIT) != (b->timer == TV_KT_TIMEWAIT))
		return 0;
	if (a->state == TV_KS_LISTEN)
		return a->rq == b->rq && a->wq == b->wq;
	return !a->rq == !b->rq && !a->wq == !b->wq;
}

static void
emit(struct tv_kview *kv, const struct tv_conn *c, int s,
    const struct tv_ksock *k, int wire)
{
	struct tv_run *run = kv->run;
	char text[400], what[200];
	size_t n;

	if (run->o.renderer == &tv_render_json) {
		tv_json_kernel(&run->out, &run->o.ro, c, side_word[s], k, wire,
		    kv->asked_ns);
		return;
	}
	if (run->o.renderer != &tv_render_live)
		return;
	if (k != NULL) {
		n = tv_fmt_ksock(what, sizeof(what), k);
		/* a connection done, no descriptor yet: it waits for accept() */
		if (s == TV_SERVER && k->proto == 6 && k->inode == 0 &&
		    k->state != TV_KS_TIME_WAIT && k->state != TV_KS_SYN_RECV &&
		    k->state != TV_KS_NEW_SYN_RECV)
			snprintf(what + n, sizeof(what) - n, ", in the accept queue "
			    "(not accepted yet)");
	} else
		snprintf(what, sizeof(what), "no socket left");
	if (wire >= 0)
		snprintf(text, sizeof(text), "kernel: %s %s; the packets say %s",
		    side_word[s], what, tv_tcp_state_names[wire]);
	else
		snprintf(text, sizeof(text), "kernel: %s %s", side_word[s], what);
	tv_lad_live_say(&run->out, &run->o.ro, c, tv_conn_user(c), text);
}

/* The state the packets gave side s, when it is not the kernel's (a
 * socket gone is CLOSED), or -1 when they agree or say nothing. */
static int
differs(const struct tv_conn *c, int s, const struct tv_ksock *k)
{
	int ks, w;

	if (c->proto != 6)
		return -1;
	w = c->tcp.state[s];
	ks = k ? tv_ks_tcp_state(k) : TV_ST_CLOSED;
	return ks < 0 || ks == w ? -1 : w;
}

/*
 * One socket against what was said of it: a line when it changed.  A
 * state that differs from the packets' may be a packet on its way (the
 * capture sees it before the other end took it in): asked again
 * KV_RECHECK_MS later, said only when it stands.
 */
static void
consider(struct tv_kview *kv, const struct tv_conn *c, int s,
    const struct tv_ksock *k, struct kv_said *sd, int compare)
{
	int wire = compare ? differs(c, s, k) : -1;

	if (k == NULL && !sd->present)
		return;		/* never there, or said gone already */
	if (k != NULL && sd->shown && sd->present && same(&sd->k, k))
		return;
	if (wire >= 0 && !(sd->held && sd->held_wire == wire)) {
		sd->held = 1;
		sd->held_wire = (uint8_t)wire;
		kv->next_ms = tv_now_ms() + KV_RECHECK_MS;
		return;
	}
	sd->held = 0;
	emit(kv, c, s, k, wire);
	sd->shown = 1;
	sd->present = k != NULL;
	if (k != NULL)
		sd->k = *k;
}

static struct kv_said *
listener_said(struct tv_kview *kv, uint32_t inode)
{
	int i;

	for (i = 0; i < kv->nlis; i++)
		if (kv->lis[i].inode == inode)
			return &kv->lis[i].said;
	if (kv->nlis == KV_LISTEN) {	/* the oldest goes */
		memmove(kv->lis, kv->lis + 1, sizeof(kv->lis[0]) * (KV_LISTEN - 1));
		kv->nlis--;
	}
	memset(&kv->lis[kv->nlis], 0, sizeof(kv->lis[0]));
	kv->lis[kv->nlis].inode = inode;
	return &kv->lis[kv->nlis++].said;
}

/* ---- owners: /proc once per query, for sockets not seen before ---- */

static struct kv_owner *
owner_of(struct tv_kview *kv, uint32_t inode)
{
	unsigned i;

	for (i = 0; i < KV_OWNERS; i++)
		if (kv->own[i].inode == inode)
			return &kv->own[i];
	return NULL;
}

static void
owners(struct tv_kview *kv)
{
	int64_t now = tv_now_ms();
	struct kv_owner *o;
	int i, ask = 0;

	for (i = 0; i < kv->nsocks; i++) {
		struct tv_ksock *k = &kv->socks[i];

		if (k->inode == 0)
			continue;
		o = owner_of(kv, k->inode);
		if (o != NULL && (o->pid != 0 || now - o->when_ms < KV_OWNER_RETRY_MS)) {
			k->pid = o->pid;
			memcpy(k->comm, o->comm, sizeof(k->comm));
		} else {
			ask = 1;
		}
	}
	if (!ask)
		return;
	tv_kern_owners(kv->socks, (size_t)kv->nsocks);
	for (i = 0; i < kv->nsocks; i++) {
		struct tv_ksock *k = &kv->socks[i];

		if (k->inode == 0 || ((o = owner_of(kv, k->inode)) != NULL &&
		    o->pid != 0))
			continue;
		if (o == NULL) {
			o = &kv->own[kv->own_next++ % KV_OWNERS];
			o->inode = k->inode;
		}
		o->pid = k->pid;
		o->when_ms = now;
		memcpy(o->comm, k->comm, sizeof(o->comm));
	}
}

/* ---- asking ---- */

static void note_peaks(struct tv_kview *kv);

/* Ask the kernel now; what it says is held until the packets catch up. */
static void
query(struct tv_kview *kv)
{
	uint16_t ports[2 * KV_CONNS];
	size_t np = 0, j;
	int i, s, n;

	if (kv->pending) {
		kv->again = 1;
		return;
	}
	kv->again = 0;
	kv->next_ms = tv_now_ms() + TV_KVIEW_TICK_MS;
	if (kv->failed || kv->nconn == 0)
		return;
	for (i = 0; i < kv->nconn; i++)
		for (s = 0; s < 2; s++) {
			for (j = 0; j < np; j++)
				if (ports[j] == kv->conn[i].c->port[s])
					break;
			if (j == np)
				ports[np++] = kv->conn[i].c->port[s];
		}
	if (kv->k != NULL) {
		kv->asked_ns = tv_wall_ns();
		n = tv_kern_query(kv->k, ports, np, kv->socks, KV_SOCKS, kv->errbuf);
	} else {
		n = kv->src.ask(kv->src.ctx, ports, np, kv->socks, KV_SOCKS,
		    &kv->asked_ns, kv->errbuf);
	}
	if (n < 0) {
		tv_run_say(kv->run, 8, "tcpviz: --kernel: %s; no more kernel lines",
		    kv->errbuf);
		kv->failed = 1;
		return;
	}
	kv->nsocks = n;
	note_peaks(kv);
	if (kv->k != NULL)
		owners(kv);	/* now: a socket may be closed by the time it is said */
	kv->pending = 1;
}

static void
note_peaks(struct tv_kview *kv)
{
	int i, j;

	for (i = 0; i < kv->nsocks; i++) {
		const struct tv_ksock *k = &kv->socks[i];

		if (k->proto != 6 || k->state != TV_KS_LISTEN)
			continue;
		for (j = 0; j < kv->npeak && kv->peak[j].port != k->lport; j++)
			;
		if (j == kv->npeak) {
			if (kv->npeak == KV_PEAKS)
				continue;
			kv->peak[kv->npeak].port = k->lport;
			kv->peak[kv->npeak++].rq = 0;
		}
		if (k->rq > kv->peak[j].rq)
			kv->peak[j].rq = k->rq;
	}
}

uint32_t
tv_kview_peak_queue(const struct tv_kview *kv, uint16_t port)
{
	int j;

	for (j = 0; kv != NULL && j < kv->npeak; j++)
		if (kv->peak[j].port == port)
			return kv->peak[j].rq;
	return 0;
}

/* The packets captured before the answer are drawn: say what changed. */
static void
release(struct tv_kview *kv)
{
	int i, s;

	if (!kv->pending)
		return;
	kv->pending = 0;
	/* the listener once, with the newest connection that came from it */
	for (i = kv->nconn - 1; i >= 0; i--) {
		const struct tv_conn *c = kv->conn[i].c;
		const struct tv_ksock *l;

		if (c->proto == 6 && (l = find_listener(kv, c)) != NULL)
			consider(kv, c, TV_SERVER, l, listener_said(kv, l->inode), 0);
	}
	for (i = 0; i < kv->nconn; i++)
		for (s = 0; s < 2; s++)
			consider(kv, kv->conn[i].c, s, find_side(kv, kv->conn[i].c, s),
			    &kv->conn[i].side[s], 1);
}

static struct kv_conn *
follow(struct tv_kview *kv, const struct tv_conn *c)
{
	int i;

	for (i = 0; i < kv->nconn; i++)
		if (kv->conn[i].c == c)
			return &kv->conn[i];
	if (kv->nconn == KV_CONNS) {	/* the oldest is let go */
		memmove(kv->conn, kv->conn + 1, sizeof(kv->conn[0]) * (KV_CONNS - 1));
		kv->nconn--;
	}
	memset(&kv->conn[kv->nconn], 0, sizeof(kv->conn[0]));
	kv->conn[kv->nconn].c = c;
	return &kv->conn[kv->nconn++];
}

static void
flush_out(struct tv_run *run)
{
	tv_out_flush(&run->out);
	if (run->o.sink.flush)
		run->o.sink.flush(run->o.sink.ctx);
}

static void
on_before(void *ctx, int64_t ts_ns)
{
	struct tv_kview *kv = ctx;

	if (kv->pending && ts_ns > kv->asked_ns) {
		release(kv);
		if (kv->again)
			query(kv);
	}
}

static void
on_packet(void *ctx, const struct tv_conn *c, enum tv_side from)
{
	struct tv_kview *kv = ctx;
	int fresh = c->pkts[0] + c->pkts[1] == 1;

	(void)from;
	follow(kv, c);
	if (fresh || (c->proto == 6 && c->last.changed))
		query(kv);
}

static void
on_done(void *ctx, const struct tv_conn *c)
{
	struct tv_kview *kv = ctx;
	int i;

	release(kv);		/* before its footer */
	for (i = 0; i < kv->nconn; i++)
		if (kv->conn[i].c == c) {
			memmove(kv->conn + i, kv->conn + i + 1,
			    sizeof(kv->conn[0]) * (size_t)(kv->nconn - i - 1));
			kv->nconn--;
			return;
		}
}

static void
on_tick(void *ctx)
{
	struct tv_kview *kv = ctx;

	if (kv->pending && tv_wall_ns() > kv->asked_ns + KV_LAG_MS * 1000000LL) {
		release(kv);
		flush_out(kv->run);
	}
	if (kv->nconn > 0 && (kv->again || tv_now_ms() >= kv->next_ms))
		query(kv);
}

static struct tv_kview *
start(struct tv_run *run, const struct tv_kview_src *src, int record_fd,
    char *errbuf)
{
	struct tv_kview *kv = calloc(1, sizeof(*kv));

	if (kv == NULL) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "out of memory");
		return NULL;
	}
	if (src != NULL) {
		kv->src = *src;
	} else if ((kv->k = tv_kern_open(errbuf)) == NULL) {
		free(kv);
		return NULL;
	}
	if (kv->k != NULL && record_fd >= 0)
		tv_kern_record(kv->k, record_fd);
	kv->run = run;
	if ((kv->w = tv_run_watch_add(run)) == NULL) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "no watcher slot left");
		tv_kern_close(kv->k);
		free(kv);
		return NULL;
	}
	kv->w->before = on_before;
	kv->w->packet = on_packet;
	kv->w->done = on_done;
	kv->w->tick = on_tick;
	kv->w->ctx = kv;
	return kv;
}

struct tv_kview *
tv_kview_start(struct tv_run *run, int record_fd, char *errbuf)
{
	return start(run, NULL, record_fd, errbuf);
}

struct tv_kview *
tv_kview_start_src(struct tv_run *run, const struct tv_kview_src *src,
    char *errbuf)
{
	return start(run, src, -1, errbuf);
}

void
tv_kview_stop(struct tv_kview *kv)
{
	if (kv == NULL)
		return;
	release(kv);		/* what was asked last, before the end */
	memset(kv->w, 0, sizeof(*kv->w));
	tv_kern_close(kv->k);
	free(kv);
}

/* ---- --kernel-query: one question, the answer as ss -tuanp would give it ---- */

/* One line a socket: protocol, local and remote address, in words. */
static void
print_socks(const struct tv_ksock *socks, int n)
{
	char le[TV_ENDPOINTSTRLEN], re[TV_ENDPOINTSTRLEN], what[200];
	int i;

	for (i = 0; i < n; i++) {
		tv_fmt_ksock(what, sizeof(what), &socks[i]);
		printf("%s %s %s %s\n", socks[i].proto == 6 ? "tcp" : "udp",
		    tv_endpoint_str(&socks[i].local, socks[i].lport, le, sizeof(le)),
		    tv_endpoint_str(&socks[i].remote, socks[i].rport, re, sizeof(re)),
		    what);
	}
}

/* "8000,8001" into ports; how many, or -1 */
static int
parse_ports(const char *arg, uint16_t *ports, int max)
{
	char buf[512], *tok, *save = NULL;
	uint64_t v;
	int n = 0;

	if (strlen(arg) >= sizeof(buf))
		return -1;
	memcpy(buf, arg, strlen(arg) + 1);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == max || tv_parse_u64(tok, 1, 65535, &v) < 0)
			return -1;
		ports[n++] = (uint16_t)v;
	}
	return n > 0 ? n : -1;
}

/* The most a recording read by --kernel-file may hold */
#define KFILE_MAX (64u << 20)

/* --kernel-file: the sockets of a recording; the number, or -1 after a
 * message. */
static int
from_file(const char *path, const uint16_t *ports, int np, struct tv_ksock *out,
    size_t max)
{
	FILE *fp = fopen(path, "rbe");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, got;
	int n;

	if (fp == NULL) {
		fprintf(stderr, "tcpviz: %s: %m\n", path);
		return -1;
	}
	do {
		if (len == cap) {
			uint8_t *nb;

			cap = cap ? cap * 2 : 65536;
			if (cap > KFILE_MAX || (nb = realloc(buf, cap)) == NULL) {
				fprintf(stderr, "tcpviz: %s: larger than %u MiB\n", path,
				    KFILE_MAX >> 20);
				free(buf);
				fclose(fp);
				return -1;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, fp);
		len += got;
	} while (got > 0);
	fclose(fp);
	n = tv_kern_parse_record(buf, len, ports, (size_t)np, out, max);
	free(buf);
	if (n < 0)
		fprintf(stderr, "tcpviz: %s: not a recording of sock_diag replies "
		    "(cut, or damaged)\n", path);
	return n;
}

int
tv_kview_query_main(const char *arg, const char *dumpfile, const char *kfile)
{
	static struct tv_ksock socks[KV_SOCKS];
	char errbuf[TV_ERRBUF_SIZE];
	uint16_t ports[64];
	struct tv_kern *k;
	FILE *fp = NULL;
	int np, n;

	if ((np = parse_ports(arg, ports, 64)) < 0) {
		fprintf(stderr, "tcpviz: --kernel-query=%s: ports 1 to 65535, "
		    "comma-separated (at most 64)\n", arg);
		return TV_EXIT_ERROR;
	}
	if (kfile != NULL) {
		if ((n = from_file(kfile, ports, np, socks, KV_SOCKS)) < 0)
			return TV_EXIT_ERROR;
		print_socks(socks, n);
		return TV_EXIT_OK;
	}
	if (dumpfile != NULL && (fp = fopen(dumpfile, "wbe")) == NULL) {
		fprintf(stderr, "tcpviz: %s: %m\n", dumpfile);
		return TV_EXIT_ERROR;
	}
	if ((k = tv_kern_open(errbuf)) == NULL) {
		fprintf(stderr, "tcpviz: %s\n", errbuf);
		if (fp)
			fclose(fp);
		return TV_EXIT_ERROR;
	}
	if (fp != NULL)
		tv_kern_record(k, fileno(fp));
	n = tv_kern_query(k, ports, (size_t)np, socks, KV_SOCKS, errbuf);
	tv_kern_close(k);
	if (fp != NULL && fclose(fp) != 0) {
		fprintf(stderr, "tcpviz: %s: %m\n", dumpfile);
		return TV_EXIT_ERROR;
	}
	if (n < 0) {
		fprintf(stderr, "tcpviz: %s\n", errbuf);
		return TV_EXIT_ERROR;
	}
	tv_kern_owners(socks, (size_t)n);
	print_socks(socks, n);
	return TV_EXIT_OK;
}
