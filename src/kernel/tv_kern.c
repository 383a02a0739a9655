/* \summary: the kernel's sockets of a set of ports: inet_diag dumps through libnl-idiag, parsed from raw replies */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/inet_diag.h>

#include <netlink/netlink.h>
#include <netlink/addr.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/idiag/idiagnl.h>
#include <netlink/idiag/msg.h>

#include "tv_kern.h"

struct tv_kern {
	struct nl_sock *sk;
	int record_fd;
	int no_filter;		/* the kernel refused the port filter: dump all */
};

struct tv_kern *
tv_kern_open(char *errbuf)
{
	struct tv_kern *k = calloc(1, sizeof(*k));
	int err;

	if (k == NULL || (k->sk = nl_socket_alloc()) == NULL) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "sock_diag: out of memory");
		free(k);
		return NULL;
	}
	k->record_fd = -1;
	/* a reply may be larger than a page: libnl sizes its buffer by
	 * peeking first */
	nl_socket_enable_msg_peek(k->sk);
	if ((err = idiagnl_connect(k->sk)) < 0) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "sock_diag: %s", nl_geterror(err));
		nl_socket_free(k->sk);
		free(k);
		return NULL;
	}
	return k;
}

void
tv_kern_close(struct tv_kern *k)
{
	if (k == NULL)
		return;
	nl_socket_free(k->sk);
	free(k);
}

void
tv_kern_record(struct tv_kern *k, int fd)
{
	k->record_fd = fd;
}

/* ---- parsing a reply: any bytes are safe ---- */

static int
port_wanted(uint16_t p, const uint16_t *ports, size_t nports)
{
	size_t i;

	for (i = 0; i < nports; i++)
		if (ports[i] == p)
			return 1;
	return 0;
}

static void
get_addr(struct nl_addr *a, uint8_t family, struct tv_addr *out)
{
	size_t alen = family == 4 ? 4 : 16;

	memset(out, 0, sizeof(*out));
	out->family = family;
	if (a != NULL && nl_addr_get_len(a) >= alen)
		memcpy(out->a, nl_addr_get_binary_addr(a), alen);
}

/* One SOCK_DIAG_BY_FAMILY message, whose nlmsg_len the caller checked
 * against the bytes there are, through libnl's parser and getters. */
static void
take_msg(uint8_t proto, struct nlmsghdr *nh, const uint16_t *ports,
    size_t nports, struct tv_ksock *out, size_t max, size_t *n)
{
	struct idiagnl_msg *m = NULL;
	struct tv_ksock *s;
	uint16_t sport, dport;
	uint8_t fam;

	if (idiagnl_msg_parse(nh, &m) < 0)
		return;		/* a message libnl refuses: passed over */
	fam = idiagnl_msg_get_family(m) == AF_INET6 ? 6 : 4;
	/* libnl hands ports over as the kernel wrote them: network order */
	sport = ntohs(idiagnl_msg_get_sport(m));
	dport = ntohs(idiagnl_msg_get_dport(m));
	if ((idiagnl_msg_get_family(m) == AF_INET ||
	    idiagnl_msg_get_family(m) == AF_INET6) && *n < max &&
	    (port_wanted(sport, ports, nports) || port_wanted(dport, ports, nports))) {
		s = &out[(*n)++];
		memset(s, 0, sizeof(*s));
		s->proto = proto;
		s->state = idiagnl_msg_get_state(m);
		s->timer = idiagnl_msg_get_timer(m);
		s->retrans = idiagnl_msg_get_retrans(m);
		get_addr(idiagnl_msg_get_src(m), fam, &s->local);
		get_addr(idiagnl_msg_get_dst(m), fam, &s->remote);
		s->lport = sport;
		s->rport = dport;
		s->rq = idiagnl_msg_get_rqueue(m);
		s->wq = idiagnl_msg_get_wqueue(m);
		s->expires_ms = idiagnl_msg_get_expires(m);
		s->uid = idiagnl_msg_get_uid(m);
		s->inode = idiagnl_msg_get_inode(m);
	}
	idiagnl_msg_put(m);
}

/* Walk the messages of an aligned buffer. */
static int
parse_aligned(uint8_t proto, uint8_t *p, size_t len, const uint16_t *ports,
    size_t nports, struct tv_ksock *out, size_t max, size_t *n)
{
	while (len >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr *nh = (struct nlmsghdr *)p;
		size_t ml = nh->nlmsg_len, step;

		if (ml < sizeof(*nh) || ml > len)
			return -1;
		switch (nh->nlmsg_type) {
		case NLMSG_DONE:
			return 1;
		case NLMSG_ERROR:
			return -1;
		case SOCK_DIAG_BY_FAMILY:
			take_msg(proto, nh, ports, nports, out, max, n);
			break;
		default:
			break;
		}
		step = NLMSG_ALIGN(ml);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return 0;
}

int
tv_kern_parse(uint8_t proto, const void *buf, size_t len,
    const uint16_t *ports, size_t nports, struct tv_ksock *out, size_t max,
    size_t *n)
{
	uint8_t *copy;
	int r;

	/* libnl reads the headers in place: they must be aligned */
	if (((uintptr_t)buf & (NLMSG_ALIGNTO - 1)) == 0)
		return parse_aligned(proto, (uint8_t *)(uintptr_t)buf, len, ports,
		    nports, out, max, n);
	if ((copy = malloc(len ? len : 1)) == NULL)
		return -1;
	memcpy(copy, buf, len);
	r = parse_aligned(proto, copy, len, ports, nports, out, max, n);
	free(copy);
	return r;
}

int
tv_kern_parse_record(const void *buf, size_t len, const uint16_t *ports,
    size_t nports, struct tv_ksock *out, size_t max)
{
	const uint8_t *p = buf;
	size_t n = 0, bl;

	while (len > 0) {
		if (len < 8)
			return -1;
		bl = (size_t)p[4] | (size_t)p[5] << 8 | (size_t)p[6] << 16 |
		    (size_t)p[7] << 24;
		if (bl > len - 8 || (p[0] != 6 && p[0] != 17) ||
		    tv_kern_parse(p[0], p + 8, bl, ports, nports, out, max, &n) < 0)
			return -1;
		p += 8 + bl;
		len -= 8 + bl;
	}
	return (int)n;
}

/* ---- asking ---- */

static void
record(struct tv_kern *k, uint8_t proto, const void *b, size_t n)
{
	uint8_t h[8] = { proto, 0, 0, 0, (uint8_t)n, (uint8_t)(n >> 8),
	    (uint8_t)(n >> 16), (uint8_t)(n >> 24) };

	if (k->record_fd < 0)
		return;
	if (write(k->record_fd, h, 8) != 8 ||
	    write(k->record_fd, b, n) != (ssize_t)n)
		k->record_fd = -1;	/* a recording cut short: the tests say so */
}

/*
 * The kernel's own filter (INET_DIAG_REQ_BYTECODE, as ss builds one): a
 * socket whose source or destination port is one of ports is dumped,
 * others are not.  For each port and each end, a unit of 20 bytes:
 * "port >= p" (yes: on; no: the next unit), "port <= p" (yes: on; no: the
 * next unit), then a jump to the end, which accepts; falling past the
 * last unit rejects.  (GE and LE: every kernel with sock_diag has them.)
 * Returns the length, 0 when it would not fit.
 */
#define BC_UNIT 20
#define BC_MAX (BC_UNIT * 2 * 128)

static size_t
port_filter(const uint16_t *ports, size_t nports, uint8_t *bc)
{
	size_t len = BC_UNIT * 2 * nports, off = 0, i;
	int end;

	if (nports == 0 || len > BC_MAX)
		return 0;
	for (i = 0; i < 2 * nports; i++) {
		struct inet_diag_bc_op op[5];
		size_t left = len - off;	/* bytes from this unit on */
		int last = i == 2 * nports - 1;

		end = i % 2 == 0;		/* source port, then destination */
		op[0].code = end ? INET_DIAG_BC_S_GE : INET_DIAG_BC_D_GE;
		op[0].yes = 8;
		op[0].no = (unsigned short)(last ? left + 4 : BC_UNIT);
		op[1].code = 0;
		op[1].yes = 0;
		op[1].no = ports[i / 2];
		op[2].code = end ? INET_DIAG_BC_S_LE : INET_DIAG_BC_D_LE;
		op[2].yes = 8;
		op[2].no = (unsigned short)(last ? left - 8 + 4 : BC_UNIT - 8);
		op[3].code = 0;
		op[3].yes = 0;
		op[3].no = ports[i / 2];
		op[4].code = INET_DIAG_BC_JMP;
		op[4].yes = 4;
		op[4].no = (unsigned short)(left - 16);
		memcpy(bc + off, op, BC_UNIT);
		off += BC_UNIT;
	}
	return len;
}

/* One dump: family and protocol, every state. */
static int
dump(struct tv_kern *k, int family, uint8_t proto, const uint16_t *ports,
    size_t nports, struct tv_ksock *out, size_t max, size_t *n, char *errbuf)
{
	static uint8_t bc[BC_MAX];
	struct inet_diag_req_v2 req;
	struct sockaddr_nl nla;
	struct nl_msg *msg;
	unsigned char *b;
	size_t bclen = k->no_filter ? 0 : port_filter(ports, nports, bc);
	int err, r = 0, len;

	memset(&req, 0, sizeof(req));
	req.sdiag_family = (uint8_t)family;
	req.sdiag_protocol = proto;
	req.idiag_states = ~0u;		/* all, request sockets too */
	if ((msg = nlmsg_alloc_simple(SOCK_DIAG_BY_FAMILY,
	    NLM_F_REQUEST | NLM_F_DUMP)) == NULL ||
	    nlmsg_append(msg, &req, sizeof(req), NLMSG_ALIGNTO) < 0 ||
	    (bclen > 0 && nla_put(msg, INET_DIAG_REQ_BYTECODE, (int)bclen, bc) < 0)) {
		nlmsg_free(msg);
		snprintf(errbuf, TV_ERRBUF_SIZE, "sock_diag: out of memory");
		return -1;
	}
	err = nl_send_auto(k->sk, msg);
	nlmsg_free(msg);
	if (err < 0) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "sock_diag: %s", nl_geterror(err));
		return -1;
	}
	while (r == 0) {
		if ((len = nl_recv(k->sk, &nla, &b, NULL)) <= 0) {
			snprintf(errbuf, TV_ERRBUF_SIZE, "sock_diag: %s",
			    len == 0 ? "no reply" : nl_geterror(len));
			return -1;
		}
		record(k, proto, b, (size_t)len);
		r = tv_kern_parse(proto, b, (size_t)len, ports, nports, out, max, n);
		free(b);
	}
	if (r < 0 && bclen > 0) {
		/* a kernel that takes no filter: every socket, filtered here */
		k->no_filter = 1;
		return dump(k, family, proto, ports, nports, out, max, n, errbuf);
	}
	if (r < 0) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "sock_diag: the kernel refused the "
		    "dump (%s, %s)", family == AF_INET ? "IPv4" : "IPv6",
		    proto == 6 ? "TCP" : "UDP");
		return -1;
	}
	return 0;
}

int
tv_kern_query(struct tv_kern *k, const uint16_t *ports, size_t nports,
    struct tv_ksock *out, size_t max, char *errbuf)
{
	static const int fams[2] = { AF_INET, AF_INET6 };
	static const uint8_t protos[2] = { IPPROTO_TCP, IPPROTO_UDP };
	size_t n = 0;
	int i, j;

	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++)
			if (dump(k, fams[j], protos[i], ports, nports, out, max, &n,
			    errbuf) < 0)
				return -1;
	return (int)n;
}
