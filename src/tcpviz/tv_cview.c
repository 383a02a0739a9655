/* \summary: --calls: the programs' socket calls read from their channel, matched to connections, drawn among the packets by their time */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tv_cview-int.h"
#include "tv_util.h"

#define CV_HELD 512		/* calls held until their place comes */
#define CV_CONNS 64		/* connections followed (the newest) */
#define CV_BINDS 128		/* (pid, fd) -> what the socket is */
#define CV_READS 256		/* records read at a time */
#define CV_PORTS 32		/* server ports whose accept() calls are counted */
/* a call is drawn once every packet captured before it has come: packets
 * reach us in blocks, up to 10 ms late (tv_cap's DELIVER_MS, with room) */
#define CV_LAG_MS 30
/* a call no connection claims is let go: a listener's after this long,
 * any other's sooner */
#define CV_KEEP_LISTEN_MS 15000
#define CV_KEEP_MS 3000

/* What a socket is known to be. */
enum cv_kind {
	CV_OPEN,		/* nothing yet (socket(), connect() begun) */
	CV_TUPLE,		/* connected: its own and its peer's address */
	CV_LISTENER,		/* bound (and listening): its own address */
	CV_CONN,		/* a connection seen on the wire claimed it */
};

struct cv_to {
	uint8_t kind;		/* enum cv_kind */
	uint8_t weak;		/* a guess that what is learnt later replaces */
	uint8_t side;		/* CV_CONN */
	struct tv_addr la, ra;
	uint16_t lp, rp;
	const struct tv_conn *c;	/* CV_CONN */
};

struct cv_call {
	struct tv_call k;
	int64_t t_ns;
	int64_t got_ms;
	struct cv_to to;
};

struct cv_bind {
	uint32_t pid;
	int32_t fd;
	struct cv_to to;
};

struct tv_cview {
	struct tv_run *run;
	struct tv_run_watch *w;
	int fd;
	struct cv_call held[CV_HELD];
	int nheld;
	struct cv_conn {
		const struct tv_conn *c;
		uint32_t pid[2];	/* of the call drawn last on each side */
	} conn[CV_CONNS];
	int nconn;
	struct cv_bind bind[CV_BINDS];
	int nbind;
	unsigned bind_next;
	struct cv_accepts {
		uint16_t port;
		uint32_t n;
	} acc[CV_PORTS];	/* accept() calls drawn, by the server's port */
	int nacc;
	struct tv_cview_stats st;
	int64_t lag_ns;		/* CV_LAG_MS, or more (tv_cview_set_lag) */
};

static const char *const side_word[2] = { "client", "server" };

static int
addr_eq(const struct tv_addr *a, const struct tv_addr *b)
{
	return a->family == b->family && memcmp(a->a, b->a, 16) == 0;
}

static int
addr_any(const struct tv_addr *a)
{
	static const uint8_t zero[16];

	return memcmp(a->a, zero, 16) == 0;
}

/* ---- which socket a call is on: (pid, fd) -> what it is ---- */

static struct cv_bind *
bind_find(struct tv_cview *cv, uint32_t pid, int32_t fd)
{
	int i;

	for (i = 0; i < cv->nbind; i++)
		if (cv->bind[i].pid == pid && cv->bind[i].fd == fd)
			return &cv->bind[i];
	return NULL;
}

static void
bind_set(struct tv_cview *cv, uint32_t pid, int32_t fd, const struct cv_to *to)
{
	struct cv_bind *b = bind_find(cv, pid, fd);

	if (b == NULL && cv->nbind < CV_BINDS)
		b = &cv->bind[cv->nbind++];
	else if (b == NULL)	/* full: one goes, round the table */
		b = &cv->bind[cv->bind_next++ % CV_BINDS];
	b->pid = pid;
	b->fd = fd;
	b->to = *to;
}

static void
bind_drop(struct tv_cview *cv, uint32_t pid, int32_t fd)
{
	struct cv_bind *b = bind_find(cv, pid, fd);

	if (b != NULL)
		*b = cv->bind[--cv->nbind];
}

/* What the record itself says of its socket. */
static struct cv_to
to_of(const struct tv_call *k)
{
	struct cv_to to;

	memset(&to, 0, sizeof(to));
	to.la = k->local;
	to.ra = k->remote;
	to.lp = k->lport;
	to.rp = k->rport;
	if (k->local.family && k->remote.family)
		to.kind = CV_TUPLE;
	else if (k->local.family && (k->name == TV_CALL_LISTEN ||
	    k->name == TV_CALL_BIND || k->name == TV_CALL_CLOSE)) {
		/* bound: a server's socket, most likely; listening: surely.
		 * A close() of a socket never seen listening may be a
		 * forked child's copy of a listener, or a client's socket
		 * whose connect() failed */
		to.kind = CV_LISTENER;
		to.weak = k->name != TV_CALL_LISTEN;
	}
	return to;
}

/* The descriptor a record tells of (accept(): the one it returned). */
static int32_t
fd_of(const struct tv_call *k)
{
	return k->name == TV_CALL_ACCEPT && k->err == 0 ? (int32_t)k->ret : k->fd;
}

/* The calls before it on the same socket, back to its socket(), learn
 * what it is. */
static void
backfill(struct tv_cview *cv, uint32_t pid, int32_t fd, const struct cv_to *to)
{
	int i;

	for (i = cv->nheld - 1; i >= 0; i--) {
		struct cv_call *h = &cv->held[i];

		if (h->k.pid != pid || fd_of(&h->k) != fd)
			continue;
		if (h->to.kind == CV_OPEN || h->to.weak)
			h->to = *to;
		if (h->k.name == TV_CALL_SOCKET)
			break;
	}
}

/* ---- the connections seen, and which one a call belongs to ---- */

static void
follow(struct tv_cview *cv, const struct tv_conn *c)
{
	int i;

	for (i = 0; i < cv->nconn; i++)
		if (cv->conn[i].c == c)
			return;
	if (cv->nconn == CV_CONNS) {
		memmove(cv->conn, cv->conn + 1, sizeof(cv->conn[0]) * (CV_CONNS - 1));
		cv->nconn--;
	}
	memset(&cv->conn[cv->nconn], 0, sizeof(cv->conn[0]));
	cv->conn[cv->nconn++].c = c;
}

/* The connection and side a call goes with, or NULL. */
static struct cv_conn *
claim(struct tv_cview *cv, const struct cv_to *to, int *side)
{
	int i, s;

	for (i = 0; i < cv->nconn; i++) {
		struct cv_conn *cc = &cv->conn[i];
		const struct tv_conn *c = cc->c;

		if (to->kind == CV_CONN && c == to->c) {
			*side = to->side;
			return cc;
		}
		for (s = 0; to->kind == CV_TUPLE && s < 2; s++)
			if (c->port[s] == to->lp && c->port[!s] == to->rp &&
			    addr_eq(&c->addr[s], &to->la) && addr_eq(&c->addr[!s], &to->ra)) {
				*side = s;
				return cc;
			}
		/* a listener's calls go with the first connection to its port */
		if (to->kind == CV_LISTENER && c->port[TV_SERVER] == to->lp &&
		    (addr_any(&to->la) || addr_eq(&c->addr[TV_SERVER], &to->la))) {
			*side = TV_SERVER;
			return cc;
		}
	}
	return NULL;
}

/* ---- drawing ---- */

static void
count_accept(struct tv_cview *cv, uint16_t port)
{
	int i;

	for (i = 0; i < cv->nacc && cv->acc[i].port != port; i++)
		;
	if (i == cv->nacc) {
		if (cv->nacc == CV_PORTS)
			return;
		cv->acc[cv->nacc].port = port;
		cv->acc[cv->nacc++].n = 0;
	}
	cv->acc[i].n++;
}

uint32_t
tv_cview_accepts(const struct tv_cview *cv, uint16_t port)
{
	int i;

	for (i = 0; cv != NULL && i < cv->nacc; i++)
		if (cv->acc[i].port == port)
			return cv->acc[i].n;
	return 0;
}

/* A call on side of cc; "[pid N]" after it when the process is not the
 * one of the call drawn before on that side (a forked child, its parent). */
static void
draw(struct tv_cview *cv, const struct cv_call *h, struct cv_conn *cc, int side)
{
	const struct tv_conn *c = cc->c;
	struct tv_run *run = cv->run;
	char text[160];
	size_t n;

	cv->st.drawn++;
	if (h->k.name == TV_CALL_ACCEPT && h->k.err == 0)
		count_accept(cv, c->port[TV_SERVER]);
	if (run->o.renderer == &tv_render_json) {
		tv_json_call(&run->out, &run->o.ro, c, side_word[side], &h->k);
		return;
	}
	if (run->o.renderer != &tv_render_live)
		return;
	n = tv_fmt_call(text, sizeof(text), &h->k);
	if (cc->pid[side] != 0 && cc->pid[side] != h->k.pid)
		snprintf(text + n, sizeof(text) - n, " [pid %u]", (unsigned)h->k.pid);
	cc->pid[side] = h->k.pid;
	tv_lad_live_call(&run->out, &run->o.ro, c, tv_conn_user(c),
	    (enum tv_side)side, h->k.sec, h->k.nsec, text);
}

static void
unhold(struct tv_cview *cv, int i)
{
	memmove(cv->held + i, cv->held + i + 1,
	    sizeof(cv->held[0]) * (size_t)(cv->nheld - i - 1));
	cv->nheld--;
}

/*
 * Draw the held calls older than until_ns (only those of c when c is not
 * NULL), in their time order; let go of those no connection claimed in
 * time.
 */
static void
release(struct tv_cview *cv, int64_t until_ns, const struct tv_conn *only)
{
	int64_t now = tv_now_ms();
	struct cv_conn *c;
	int i, side;

	for (i = 0; i < cv->nheld; ) {
		struct cv_call *h = &cv->held[i];

		if (h->t_ns >= until_ns)
			break;
		c = claim(cv, &h->to, &side);
		if (c != NULL && (only == NULL || c->c == only)) {
			draw(cv, h, c, side);
			unhold(cv, i);
		} else if (c == NULL && now - h->got_ms > (h->to.kind == CV_LISTENER ?
		    CV_KEEP_LISTEN_MS : CV_KEEP_MS)) {
			cv->st.unclaimed++;
			unhold(cv, i);
		} else
			i++;
	}
}

/* ---- taking records in ---- */

static void
hold(struct tv_cview *cv, const struct tv_call *k, const struct cv_to *to)
{
	int64_t t = tv_ns(k->sec, k->nsec);
	int i;

	if (cv->nheld == CV_HELD) {	/* full: the oldest goes */
		cv->st.unclaimed++;
		unhold(cv, 0);
	}
	/* in time order: the programs' records may cross on the channel */
	for (i = cv->nheld; i > 0 && cv->held[i - 1].t_ns > t; i--)
		;
	memmove(cv->held + i + 1, cv->held + i,
	    sizeof(cv->held[0]) * (size_t)(cv->nheld - i));
	cv->held[i].k = *k;
	cv->held[i].t_ns = t;
	cv->held[i].got_ms = tv_now_ms();
	cv->held[i].to = *to;
	cv->nheld++;
}

void
tv_cview_take(struct tv_cview *cv, const uint8_t *rec, size_t len)
{
	struct tv_call k;
	struct cv_to to;
	struct cv_bind *b;
	int32_t fd;

	if (tv_call_parse(rec, len, &k) < 0) {
		cv->st.bad++;
		return;
	}
	cv->st.taken++;
	fd = fd_of(&k);
	to = to_of(&k);
	if (k.name == TV_CALL_SOCKET)
		bind_drop(cv, k.pid, fd);	/* a descriptor used again */
	else if (to.kind == CV_OPEN && (b = bind_find(cv, k.pid, fd)) != NULL)
		to = b->to;
	else if (to.weak && (b = bind_find(cv, k.pid, fd)) != NULL)
		to = b->to;	/* a close() of a socket known (its peer gone) */
	if (to.kind != CV_OPEN && !(to.weak && k.name == TV_CALL_CLOSE)) {
		backfill(cv, k.pid, fd, &to);
		bind_set(cv, k.pid, fd, &to);
	}
	hold(cv, &k, &to);
	if (k.name == TV_CALL_CLOSE)
		bind_drop(cv, k.pid, fd);
}

static void
drain(struct tv_cview *cv)
{
	uint8_t buf[TV_CALL_REC + 1];
	ssize_t n;
	int i;

	for (i = 0; cv->fd >= 0 && i < CV_READS; i++) {
		n = recv(cv->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == ENOTSOCK)
			n = read(cv->fd, buf, TV_CALL_REC);	/* a pipe */
		if (n <= 0)
			break;
		tv_cview_take(cv, buf, (size_t)n);
	}
}

/*
 * A connection's first packet: a connect() begun to its server, before
 * it, not yet known to be another's, is its client's (the connect() that
 * returns says so for certain, but may come after the packets drawn).
 */
static void
claim_connect(struct tv_cview *cv, const struct tv_conn *c, int64_t ts_ns)
{
	struct cv_to to;
	int i;

	for (i = 0; i < cv->nheld && cv->held[i].t_ns < ts_ns; i++) {
		struct cv_call *h = &cv->held[i];

		if (h->to.kind != CV_OPEN || h->k.name != TV_CALL_CONNECT ||
		    h->k.rport != c->port[TV_SERVER] ||
		    !addr_eq(&h->k.remote, &c->addr[TV_SERVER]))
			continue;
		memset(&to, 0, sizeof(to));
		to.kind = CV_CONN;
		to.c = c;
		to.side = TV_CLIENT;
		backfill(cv, h->k.pid, h->k.fd, &to);
		bind_set(cv, h->k.pid, h->k.fd, &to);
		return;
	}
}

/* ---- the run loop's hooks ---- */

static void
on_track(void *ctx, const struct tv_conn *c, int64_t ts_ns)
{
	struct tv_cview *cv = ctx;

	drain(cv);
	follow(cv, c);
	if (c->pkts[0] + c->pkts[1] == 1)
		claim_connect(cv, c, ts_ns);
	release(cv, ts_ns, NULL);
}

static void
forget_conn(struct tv_cview *cv, const struct tv_conn *c)
{
	int i;

	for (i = 0; i < cv->nbind; i++)
		if (cv->bind[i].to.kind == CV_CONN && cv->bind[i].to.c == c)
			cv->bind[i].to.kind = CV_OPEN;
	for (i = 0; i < cv->nheld; i++)
		if (cv->held[i].to.kind == CV_CONN && cv->held[i].to.c == c)
			cv->held[i].to.kind = CV_OPEN;
	for (i = 0; i < cv->nconn; i++)
		if (cv->conn[i].c == c) {
			memmove(cv->conn + i, cv->conn + i + 1,
			    sizeof(cv->conn[0]) * (size_t)(cv->nconn - i - 1));
			cv->nconn--;
			return;
		}
}

static void
on_done(void *ctx, const struct tv_conn *c)
{
	struct tv_cview *cv = ctx;

	drain(cv);
	release(cv, INT64_MAX, c);	/* its calls, before its footer */
	forget_conn(cv, c);
}

static void
on_tick(void *ctx)
{
	struct tv_cview *cv = ctx;
	int n = cv->nheld;

	drain(cv);
	release(cv, tv_wall_ns() - cv->lag_ns, NULL);
	if (cv->nheld != n) {
		tv_out_flush(&cv->run->out);
		if (cv->run->o.sink.flush)
			cv->run->o.sink.flush(cv->run->o.sink.ctx);
	}
}

struct tv_cview *
tv_cview_start(struct tv_run *run, int fd, char *errbuf)
{
	struct tv_cview *cv = calloc(1, sizeof(*cv));

	if (cv == NULL || (cv->w = tv_run_watch_add(run)) == NULL) {
		snprintf(errbuf, TV_ERRBUF_SIZE, cv ? "no watcher slot left" :
		    "out of memory");
		free(cv);
		return NULL;
	}
	cv->run = run;
	cv->fd = fd;
	cv->lag_ns = CV_LAG_MS * 1000000LL;
	cv->w->track = on_track;
	cv->w->done = on_done;
	cv->w->tick = on_tick;
	cv->w->ctx = cv;
	return cv;
}

void
tv_cview_stats(const struct tv_cview *cv, struct tv_cview_stats *st)
{
	*st = cv->st;
}

void
tv_cview_set_lag(struct tv_cview *cv, int64_t extra_ns)
{
	cv->lag_ns = CV_LAG_MS * 1000000LL + extra_ns;
}

void
tv_cview_stop(struct tv_cview *cv)
{
	if (cv == NULL)
		return;
	drain(cv);
	release(cv, INT64_MAX, NULL);
	memset(cv->w, 0, sizeof(*cv->w));
	if (cv->fd >= 0)
		close(cv->fd);
	free(cv);
}
