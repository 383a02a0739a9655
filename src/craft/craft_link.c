/* \summary: tcpviz-craft's link: source address and ports, the raw socket, segments out and in, the one receive loop */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "craft-int.h"
#include "tv_callrep.h"
#include "tv_render.h"
#include "tv_util.h"

#define RCVBUF		(4 << 20)
#define DATA_SHOWN	32		/* payload bytes a line shows */

static int16_t port_slot[65536];	/* port -> index + 1 in link.ports */

/* ---- addresses ---- */

static void
to_sockaddr(const struct tv_addr *a, uint16_t port, struct sockaddr_storage *ss,
    socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == 4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, a->a, 4);
		*len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, a->a, 16);
		*len = sizeof(*s6);
	}
}

static void
from_sockaddr(const struct sockaddr_storage *ss, struct tv_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (ss->ss_family == AF_INET) {
		a->family = 4;
		memcpy(a->a, &((const struct sockaddr_in *)ss)->sin_addr, 4);
	} else if (ss->ss_family == AF_INET6) {
		a->family = 6;
		memcpy(a->a, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
	}
}

static int
addr_eq(const struct tv_addr *x, const struct tv_addr *y)
{
	return x->family == y->family && memcmp(x->a, y->a, 16) == 0;
}

/* The source address the kernel would use towards dst (a UDP connect() sends nothing). */
static int
pick_source(struct link *L)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	to_sockaddr(&L->dst, L->dport, &ss, &len);
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail("socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		close(fd);
		return fail("no route to the destination: %s", strerror(errno));
	}
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		close(fd);
		return fail("getsockname: %s", strerror(errno));
	}
	close(fd);
	from_sockaddr(&ss, &L->src);
	if (!tv_craft_dest_allowed(&L->src))
		return fail("the kernel picked a source address that is not "
		    "loopback; refusing");
	return 0;
}

/* ---- source ports ---- */

/*
 * Hold `port` (0: any free one) on our source address with a bound TCP
 * socket that neither listens nor connects: no ephemeral connect() can
 * take the port during the run, yet no socket owns the crafted
 * connection, so the kernel still answers a SYN-ACK with RST.  Returns
 * the port, or -1 with errno.
 */
static int
reserve_port(struct link *L, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	to_sockaddr(&L->src, port, &ss, &len);
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	L->resv[L->nresv++] = fd;
	return ntohs(ss.ss_family == AF_INET ?
	    ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* Room for n more descriptors (flood holds one per source port). */
static void
raise_nofile(size_t n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= n + 64)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > n + 64 ?
	    n + 64 : rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

/* Source port i: src_port + i (at most 65535), or one the kernel hands
 * us.  0 or EX_ERROR. */
static int
choose_port(struct link *L, size_t i, long src_port)
{
	int p;

	if (src_port < 0) {
		if ((p = reserve_port(L, 0)) < 0)
			return fail("reserving a source port: %s", strerror(errno));
		L->ports[i] = (uint16_t)p;
		return 0;
	}
	L->ports[i] = (uint16_t)(src_port + (long)i);
	if (reserve_port(L, L->ports[i]) < 0)
		note("port %u is in use by a local socket (%s); answers may go "
		    "to it", L->ports[i], strerror(errno));
	return 0;
}

/* The n source ports, each with its connection. */
static int
choose_ports(struct link *L, size_t n, long src_port)
{
	size_t i;

	L->ports = calloc(n, sizeof(*L->ports));
	L->resv = calloc(n, sizeof(*L->resv));
	L->conns = calloc(n, sizeof(*L->conns));
	if (L->ports == NULL || L->resv == NULL || L->conns == NULL)
		return fail("out of memory");
	if (src_port >= 0 && src_port + (long)n - 1 > 65535)
		return fail("--src-port %ld + %zu SYNs runs past port 65535",
		    src_port, n);
	raise_nofile(n);
	for (i = 0; i < n; i++) {
		if (choose_port(L, i, src_port) != 0)
			return EX_ERROR;
		if (L->ports[i] == L->dport)
			return fail("source port %u is the destination port",
			    L->dport);
		if (port_slot[L->ports[i]])
			return fail("source port %u twice", L->ports[i]);
		port_slot[L->ports[i]] = (int16_t)(i + 1);
		L->nports++;
	}
	return 0;
}

/* ---- the raw socket ---- */

/* The raw socket that sends our segments and sees every TCP segment arrive. */
static int
open_raw(struct link *L, int mark)
{
	int on = 1, rcv = RCVBUF;
	unsigned m = CRAFT_MARK;

	L->fd = socket(L->family == 4 ? AF_INET : AF_INET6,
	    SOCK_RAW | SOCK_CLOEXEC, IPPROTO_TCP);
	if (L->fd < 0) {
		if (errno == EPERM || errno == EACCES)
			return fail("raw sockets need root or CAP_NET_RAW (try "
			    "sudo %s)", PROG);
		return fail("raw socket: %s", strerror(errno));
	}
	setsockopt(L->fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (L->family == 4) {
		/* we write the IPv4 header ourselves */
		if (setsockopt(L->fd, IPPROTO_IP, IP_HDRINCL, &on, sizeof(on)) < 0)
			return fail("IP_HDRINCL: %s", strerror(errno));
	} else {
		struct sockaddr_storage ss;
		socklen_t len;

		/* the kernel writes the IPv6 header from the bound source;
		 * our checksum covers that source, so pin it */
		if (setsockopt(L->fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
		    sizeof(on)) < 0)
			return fail("IPV6_RECVPKTINFO: %s", strerror(errno));
		to_sockaddr(&L->src, 0, &ss, &len);
		if (bind(L->fd, (struct sockaddr *)&ss, len) < 0)
			return fail("binding the raw socket: %s", strerror(errno));
	}
	if (mark && setsockopt(L->fd, SOL_SOCKET, SO_MARK, &m, sizeof(m)) < 0)
		return fail("SO_MARK (needs CAP_NET_ADMIN): %s", strerror(errno));
	return 0;
}

void
link_init(struct link *L, uint16_t win, int quiet, volatile sig_atomic_t *stop)
{
	memset(L, 0, sizeof(*L));
	L->fd = -1;
	L->win = win;
	L->quiet = quiet;
	L->stop = stop;
}

int
link_open(struct link *L, const struct tv_addr *dst, uint16_t dport,
    long src_port, size_t nports, int mark)
{
	uint16_t id;
	int rc;

	L->family = dst->family;
	L->dst = *dst;
	L->dport = dport;
	if (getrandom(&id, sizeof(id), 0) != sizeof(id))
		id = (uint16_t)(getpid() ^ tv_now_ms());
	L->ip_id = id;
	if ((rc = pick_source(L)) != 0 ||
	    (rc = choose_ports(L, nports, src_port)) != 0)
		return rc;
	return open_raw(L, mark);
}

void
link_close(struct link *L)
{
	size_t i;

	for (i = 0; i < L->nresv; i++)
		close(L->resv[i]);
	if (L->fd >= 0)
		close(L->fd);
	free(L->ports);
	free(L->resv);
	free(L->conns);
	L->fd = -1;
	L->ports = NULL;
	L->resv = NULL;
	L->conns = NULL;
	L->nports = L->nresv = 0;
}

/* ---- printing ---- */

/* `"hello"` for up to DATA_SHOWN payload bytes, other bytes as \xNN. */
static void
data_str(const uint8_t *d, size_t len, char *b, size_t size)
{
	size_t i, n = 0, shown = len < DATA_SHOWN ? len : DATA_SHOWN;

	b[0] = '\0';
	if (d == NULL || len == 0)
		return;
	n += (size_t)snprintf(b, size, " \"");
	for (i = 0; i < shown && n + 6 < size; i++) {
		if (d[i] >= 0x20 && d[i] < 0x7f && d[i] != '"' && d[i] != '\\')
			b[n++] = (char)d[i];
		else
			n += (size_t)snprintf(b + n, size - n, "\\x%02x", d[i]);
	}
	snprintf(b + n, size - n, "\"%s", shown < len ? "..." : "");
}

static void
link_vprint(const struct link *L, const char *tag, const struct tv_pkt *p,
    const uint8_t *data, const char *fmt, va_list ap)
{
	char s[TV_ENDPOINTSTRLEN], d[TV_ENDPOINTSTRLEN], fl[12], os[80];
	char ds[160], nb[200] = "";

	if (L->quiet)
		return;
	if (fmt)
		vsnprintf(nb, sizeof(nb), fmt, ap);
	/* options as the ladder writes them, after a space */
	os[0] = ' ';
	if (tv_fmt_opts(os + 1, sizeof(os) - 1, p->opt_mask, p->mss, p->wscale,
	    p->nsack, (p->flags & TV_TH_SYN) != 0) == 0)
		os[0] = '\0';
	data_str(data, p->len, ds, sizeof(ds));
	printf("%-5s %s > %s %s seq=%u", tag,
	    tv_endpoint_str(&p->src, p->sport, s, sizeof(s)),
	    tv_endpoint_str(&p->dst, p->dport, d, sizeof(d)),
	    tv_flags_letters(p->flags, fl, sizeof(fl)), p->seq);
	if (p->flags & TV_TH_ACK)
		printf(" ack=%u", p->ack);
	printf(" win=%u", p->win);
	if (p->len)
		printf(" len=%u", p->len);
	printf("%s%s%s%s%s\n", os, ds, nb[0] ? "  (" : "", nb, nb[0] ? ")" : "");
}

void
link_print(const struct link *L, const char *tag, const struct tv_pkt *p,
    const uint8_t *data, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	link_vprint(L, tag, p, data, fmt, ap);
	va_end(ap);
}

/* ---- segments out ---- */

void
link_seg(const struct link *L, size_t i, struct tv_craft_seg *s)
{
	memset(s, 0, sizeof(*s));
	s->src = L->src;
	s->dst = L->dst;
	s->sport = L->ports[i];
	s->dport = L->dport;
	s->win = L->win;
	s->df = 1;
}

/* The packet's time: now, on the wall clock, as a capture would stamp it. */
static void
stamp(struct tv_pkt *p)
{
	int64_t ns = tv_wall_ns();

	p->ts_sec = ns / 1000000000LL;
	p->ts_nsec = (uint32_t)(ns % 1000000000LL);
}

/* s into buf as the socket sends it: IPv4 header + TCP, or bare TCP. */
static int
build(struct link *L, struct tv_craft_seg *s, uint8_t *buf, size_t size)
{
	if (L->family != 4)
		return tv_craft_tcp(s, buf, size);
	s->ip_id = L->ip_id++;
	if (s->ip_id == 0)	/* 0 would make the kernel pick one */
		s->ip_id = L->ip_id++;
	return tv_craft_ipv4(s, buf, size);
}

/* What we built, read back by the decoder: the packet the core judges. */
static void
read_back(const struct link *L, const struct tv_craft_seg *s,
    const uint8_t *buf, int n, struct tv_pkt *p)
{
	memset(p, 0, sizeof(*p));
	if (L->family == 4) {
		tv_decode(TV_LINK_IPV4, buf, (uint32_t)n, (uint32_t)n, p);
	} else {
		tv_craft_parse_tcp(buf, (size_t)n, p);
		p->src = s->src;
		p->dst = s->dst;
	}
	stamp(p);
}

int
link_send(struct link *L, struct tv_craft_seg *s, const char *fmt, ...)
{
	uint8_t buf[TV_CRAFT_BUF];
	struct sockaddr_storage ss, from, to;
	struct tv_pkt p;
	socklen_t slen, alen;
	va_list ap;
	int n;

	if ((n = build(L, s, buf, sizeof(buf))) < 0)
		return fail("building the segment failed");
	to_sockaddr(&L->dst, 0, &ss, &slen);
	to_sockaddr(&s->src, s->sport, &from, &alen);
	to_sockaddr(&s->dst, s->dport, &to, &alen);
	/* reported to TCPVIZ_CALLS as the segment's own connection's */
	while (tvc_sendto_raw(L->fd, buf, (size_t)n, (struct sockaddr *)&ss, slen,
	    &from, &to) < 0) {
		if (errno == EINTR)
			continue;
		return fail("sendto: %s", strerror(errno));
	}
	if (s->flags & TV_TH_RST)
		L->rst_sent++;
	read_back(L, s, buf, n, &p);
	tv_craft_conn_add(&L->conns[port_slot[s->sport] - 1], &p, 1);
	va_start(ap, fmt);
	link_vprint(L, "sent", &p, s->data, fmt, ap);
	va_end(ap);
	return 0;
}

/* ---- segments in ---- */

/* One packet from the IPv4 raw socket, which hands over the IPv4 header
 * too.  Returns its length when it is a TCP segment (decoded into p), 0
 * for one to pass over, -1 on an error (printed). */
static ssize_t
read_v4(struct link *L, uint8_t *buf, size_t size, struct tv_pkt *p)
{
	ssize_t n = recv(L->fd, buf, size, 0);

	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return 0;
		fail("recv: %s", strerror(errno));
		return -1;
	}
	if (tv_decode(TV_LINK_IPV4, buf, (uint32_t)n, (uint32_t)n, p) != 0 ||
	    p->proto != 6 || p->truncated)
		return 0;
	return n;
}

/* The same from the IPv6 raw socket: the TCP segment alone, the
 * addresses from recvmsg() and IPV6_PKTINFO. */
static ssize_t
read_v6(struct link *L, uint8_t *buf, size_t size, struct tv_pkt *p)
{
	struct sockaddr_storage from;
	union {
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { buf, size };
	struct msghdr mh = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.b, .msg_controllen = sizeof(ctl.b),
	};
	struct cmsghdr *cm;
	ssize_t n = recvmsg(L->fd, &mh, 0);

	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return 0;
		fail("recvmsg: %s", strerror(errno));
		return -1;
	}
	if (tv_craft_parse_tcp(buf, (size_t)n, p) < 0)
		return 0;
	from_sockaddr(&from, &p->src);
	p->dst.family = 0;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == IPPROTO_IPV6 &&
		    cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			p->dst.family = 6;
			memcpy(p->dst.a, &pi.ipi6_addr, 16);
		}
	return n;
}

/* 1 when in->p is between our ports and the destination port (which
 * way in in->dir, which port in in->port_i); 0 when it is not ours. */
static int
classify(const struct link *L, struct seg_in *in)
{
	const struct tv_pkt *p = &in->p;

	if (addr_eq(&p->src, &L->dst) && p->sport == L->dport &&
	    addr_eq(&p->dst, &L->src) && port_slot[p->dport]) {
		in->dir = DIR_SERVER;
		in->port_i = (size_t)port_slot[p->dport] - 1;
		return 1;
	}
	if (addr_eq(&p->src, &L->src) && port_slot[p->sport] &&
	    addr_eq(&p->dst, &L->dst) && p->dport == L->dport) {
		in->dir = DIR_OURS;
		in->port_i = (size_t)port_slot[p->sport] - 1;
		return 1;
	}
	return 0;
}

/* The payload is the last len bytes of the n the socket gave. */
static void
keep_payload(struct seg_in *in, const uint8_t *buf, size_t n)
{
	size_t len = in->p.len;

	in->datalen = 0;
	if (len == 0 || len > n)
		return;
	in->datalen = len < sizeof(in->data) ? len : sizeof(in->data);
	memcpy(in->data, buf + (n - len), in->datalen);
}

/* Wait for the socket until `deadline`: 1 readable, RX_TIMEOUT,
 * RX_FAILED, RX_STOPPED. */
static int
wait_readable(const struct link *L, int64_t deadline)
{
	for (;;) {
		struct pollfd pf = { .fd = L->fd, .events = POLLIN };
		int64_t left = deadline - tv_now_ms();

		if (*L->stop)
			return RX_STOPPED;
		if (poll(&pf, 1, left > 0 ? (int)left : 0) < 0) {
			if (errno == EINTR)
				continue;
			fail("poll: %s", strerror(errno));
			return RX_FAILED;
		}
		if (pf.revents & POLLIN)
			return 1;
		if (tv_now_ms() >= deadline)
			return RX_TIMEOUT;
	}
}

/* The next segment between our ports and the destination port, either
 * way: 1 with *in filled, or RX_TIMEOUT, RX_FAILED, RX_STOPPED. */
static int
recv_seg(struct link *L, int64_t deadline, struct seg_in *in)
{
	static uint8_t buf[65536];
	ssize_t n;
	int r;

	for (;;) {
		if ((r = wait_readable(L, deadline)) != 1)
			return r;
		memset(&in->p, 0, sizeof(in->p));
		n = L->family == 4 ? read_v4(L, buf, sizeof(buf), &in->p) :
		    read_v6(L, buf, sizeof(buf), &in->p);
		if (n < 0)
			return RX_FAILED;
		if (n > 0 && classify(L, in)) {
			keep_payload(in, buf, (size_t)n);
			stamp(&in->p);
			return 1;
		}
	}
}

/*
 * A segment from one of our ports that we did not send: on loopback the
 * raw socket sees our own segments come back in, and also our kernel's
 * RSTs (more RSTs than we sent).  Marks and prints our kernel's; 1 for one.
 */
static int
from_kernel(struct link *L, struct seg_in *in)
{
	if (!(in->p.flags & TV_TH_RST))
		return 0;
	if (++L->rst_seen <= L->rst_sent)
		return 0;
	L->rst_seen = L->rst_sent;
	in->dir = DIR_KERNEL;
	link_print(L, "kernel", &in->p, NULL,
	    "our kernel: no socket owns this connection");
	return 1;
}

int
link_receive(struct link *L, struct rx *rx)
{
	struct seg_in in;
	int r;

	for (;;) {
		if ((r = recv_seg(L, rx->deadline, &in)) != 1)
			return r;
		if (in.dir == DIR_OURS && !from_kernel(L, &in))
			continue;	/* ours, already added when sent */
		tv_craft_conn_add(&L->conns[in.port_i], &in.p,
		    in.dir == DIR_KERNEL);
		if ((r = rx->on_seg(L, rx, &in)) != RX_MORE)
			return r;
	}
}
