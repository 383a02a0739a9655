/* \summary: the bundled programs' socket calls, made and reported to the channel TCPVIZ_CALLS names (include/tv_call.h) */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#include "tv_call.h"
#include "tv_callrep.h"

/* -2: not looked at yet, -1: none; else the descriptor */
static int chan_fd = -2;
static int chan_sock;		/* a socket (send), else a pipe (write) */
static int quiet;
static unsigned long dropped;

/* TCPVIZ_CALLS: a decimal descriptor, open, a socket or a pipe. */
static int
chan(void)
{
	const char *v;
	struct stat st;
	char *end;
	long n;
	int fl;

	if (chan_fd != -2)
		return chan_fd;
	chan_fd = -1;
	if ((v = getenv("TCPVIZ_CALLS")) == NULL || *v < '0' || *v > '9')
		return -1;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < 0 || n > 65535 ||
	    fstat((int)n, &st) < 0 || !(S_ISSOCK(st.st_mode) || S_ISFIFO(st.st_mode)))
		return -1;
	chan_sock = S_ISSOCK(st.st_mode);
	if (!chan_sock && ((fl = fcntl((int)n, F_GETFL)) < 0 ||
	    fcntl((int)n, F_SETFL, fl | O_NONBLOCK) < 0))
		return -1;
	return chan_fd = (int)n;
}

static void
put_be(uint8_t *p, uint64_t v, int n)
{
	while (n-- > 0) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

/* An address into the record: its family (4, 6; 0: none), 16 bytes, port. */
static int
put_addr(const struct sockaddr_storage *ss, uint8_t *a, uint8_t *port)
{
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

	if (ss->ss_family == AF_INET) {
		memcpy(a, &s4->sin_addr, 4);
		memcpy(port, &s4->sin_port, 2);	/* network order already */
		return 4;
	}
	if (ss->ss_family == AF_INET6) {
		memcpy(a, &s6->sin6_addr, 16);
		memcpy(port, &s6->sin6_port, 2);
		return 6;
	}
	return 0;
}

/* The names of addr_fd (-1: none) into the record b: its own, and its
 * peer's or else the address connect() was given (peer). */
static void
names(uint8_t *b, int addr_fd, const struct sockaddr *peer, socklen_t peerlen)
{
	struct sockaddr_storage ls, rs;
	socklen_t len;
	int lf = 0, rf = 0;

	memset(&ls, 0, sizeof(ls));
	memset(&rs, 0, sizeof(rs));
	len = sizeof(ls);
	if (addr_fd >= 0 && getsockname(addr_fd, (struct sockaddr *)&ls, &len) == 0)
		lf = put_addr(&ls, b + 48, b + 64);
	len = sizeof(rs);
	if (addr_fd >= 0 && getpeername(addr_fd, (struct sockaddr *)&rs, &len) == 0)
		rf = put_addr(&rs, b + 68, b + 66);
	else if (peer != NULL && peerlen <= sizeof(rs)) {
		memcpy(&rs, peer, peerlen);
		rf = put_addr(&rs, b + 68, b + 66);
	}
	if (!(b[64] | b[65]) && lf == 4 && !(b[48] | b[49] | b[50] | b[51]))
		lf = 0;		/* 0.0.0.0:0: not bound yet */
	if (lf && rf && lf != rf)
		lf = rf = 0;	/* cannot be: one family a socket */
	if (!lf)
		memset(b + 48, 0, 18);
	if (!rf) {
		memset(b + 66, 0, 2);
		memset(b + 68, 0, 16);
	}
	b[5] = (uint8_t)(lf ? lf : rf);
}

/* The rest of the record b, and one write of it. */
static void
put(uint8_t *b, int name, int flags, const struct timespec *ts, int fd,
    long long ret, int err, unsigned long long bytes)
{
	memcpy(b, "TVC1", 4);
	b[4] = (uint8_t)name;
	b[6] = (uint8_t)flags;
	put_be(b + 8, (uint64_t)ts->tv_sec, 8);
	put_be(b + 16, (uint64_t)ts->tv_nsec, 4);
	put_be(b + 20, (uint64_t)getpid(), 4);
	put_be(b + 24, (uint32_t)fd, 4);
	put_be(b + 28, (uint32_t)err, 4);
	put_be(b + 32, (uint64_t)ret, 8);
	put_be(b + 40, bytes, 8);
	if ((chan_sock ? send(chan_fd, b, TV_CALL_REC, MSG_DONTWAIT | MSG_NOSIGNAL) :
	    write(chan_fd, b, TV_CALL_REC)) != (ssize_t)TV_CALL_REC)
		__atomic_add_fetch(&dropped, 1, __ATOMIC_RELAXED);
}

static void
report(int name, int flags, const struct timespec *ts, int fd, int addr_fd,
    long long ret, int err, unsigned long long bytes, const struct sockaddr *peer,
    socklen_t peerlen)
{
	uint8_t b[TV_CALL_REC];

	memset(b, 0, sizeof(b));
	names(b, addr_fd, peer, peerlen);
	put(b, name, flags, ts, fd, ret, err, bytes);
}

/* Report when a channel is open, keeping errno. */
#define REPORT(name, flags, ts, fd, afd, ret, bytes, peer, plen) do {	\
	int e_ = errno;							\
	if (!quiet && chan() >= 0)					\
		report(name, flags, ts, fd, afd, (long long)(ret),	\
		    (ret) < 0 ? e_ : 0, bytes, peer, plen);		\
	errno = e_;							\
} while (0)

static struct timespec
now(void)
{
	struct timespec ts = { 0, 0 };

	if (!quiet && chan() >= 0)
		clock_gettime(CLOCK_REALTIME, &ts);
	return ts;
}

int
tvc_socket(int domain, int type, int protocol)
{
	struct timespec ts = now();	/* first: the channel looked at before
					   the new descriptor could be taken for it */
	int fd = socket(domain, type, protocol);

	REPORT(TV_CALL_SOCKET, 0, &ts, fd, -1, fd, 0, NULL, 0);
	return fd;
}

int
tvc_bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	int r = bind(fd, sa, len);
	struct timespec ts = now();

	REPORT(TV_CALL_BIND, 0, &ts, fd, fd, r, 0, NULL, 0);
	return r;
}

int
tvc_listen(int fd, int backlog)
{
	int r = listen(fd, backlog);
	struct timespec ts = now();

	REPORT(TV_CALL_LISTEN, 0, &ts, fd, fd, r, (unsigned)backlog, NULL, 0);
	return r;
}

int
tvc_accept4(int fd, int flags)
{
	int r = accept4(fd, NULL, NULL, flags);
	struct timespec ts = now();

	/* EAGAIN: a non-blocking accept() found the queue empty, no event */
	if (r >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
		REPORT(TV_CALL_ACCEPT, 0, &ts, fd, r, r, 0, NULL, 0);
	return r;
}

int
tvc_connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	struct timespec ts = now();
	int r, e;

	r = connect(fd, sa, len);
	e = errno;
	REPORT(TV_CALL_CONNECT, 0, &ts, fd, -1, 0, 0, sa, len);
	errno = e;
	if (r == 0 || errno != EINPROGRESS) {
		ts = now();
		REPORT(TV_CALL_CONNECT, TV_CALLF_RETURNED, &ts, fd, r == 0 ? fd : -1,
		    r, 0, sa, len);
	}
	return r;
}

void
tvc_connected(int fd, int err)
{
	struct timespec ts = now();
	int e = errno;

	errno = err;
	REPORT(TV_CALL_CONNECT, TV_CALLF_RETURNED, &ts, fd, err == 0 ? fd : -1,
	    err ? -1 : 0, 0, NULL, 0);
	errno = e;
}

ssize_t
tvc_send(int fd, const void *buf, size_t len, int flags)
{
	struct timespec ts = now();
	ssize_t n = send(fd, buf, len, flags);

	if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		REPORT(TV_CALL_SEND, 0, &ts, fd, fd, n, n > 0 ? (size_t)n : 0, NULL, 0);
	return n;
}

ssize_t
tvc_recv(int fd, void *buf, size_t len, int flags)
{
	ssize_t n = recv(fd, buf, len, flags);
	struct timespec ts = now();

	if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		REPORT(TV_CALL_RECV, 0, &ts, fd, fd, n, n > 0 ? (size_t)n : 0, NULL, 0);
	return n;
}

ssize_t
tvc_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
    socklen_t *fromlen)
{
	ssize_t n = recvfrom(fd, buf, len, flags, from, fromlen);
	struct timespec ts = now();

	if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		REPORT(TV_CALL_RECV, 0, &ts, fd, fd, n, n > 0 ? (size_t)n : 0,
		    n >= 0 ? from : NULL, n >= 0 && fromlen ? *fromlen : 0);
	return n;
}

ssize_t
tvc_sendto(int fd, const void *buf, size_t len, int flags,
    const struct sockaddr *to, socklen_t tolen)
{
	struct timespec ts = now();
	ssize_t n = sendto(fd, buf, len, flags, to, tolen);

	if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		REPORT(TV_CALL_SEND, 0, &ts, fd, fd, n, n > 0 ? (size_t)n : 0, to, tolen);
	return n;
}

ssize_t
tvc_sendto_raw(int fd, const void *buf, size_t len, const struct sockaddr *to,
    socklen_t tolen, const struct sockaddr_storage *src,
    const struct sockaddr_storage *dst)
{
	struct timespec ts = now();
	ssize_t n = sendto(fd, buf, len, 0, to, tolen);
	uint8_t b[TV_CALL_REC];
	int e = errno, lf, rf;

	if (!quiet && chan() >= 0 && n >= 0) {
		memset(b, 0, sizeof(b));
		lf = put_addr(src, b + 48, b + 64);
		rf = put_addr(dst, b + 68, b + 66);
		if (lf != 0 && lf == rf) {
			b[5] = (uint8_t)lf;
			put(b, TV_CALL_SEND, TV_CALLF_RAW, &ts, fd, n, 0, (size_t)n);
		}
	}
	errno = e;
	return n;
}

int
tvc_shutdown(int fd, int how)
{
	struct timespec ts = now();
	int r;

	/* the names before: the FIN goes out inside the call */
	if (!quiet && chan() >= 0) {
		r = shutdown(fd, how);
		REPORT(TV_CALL_SHUTDOWN, 0, &ts, fd, fd, r, 0, NULL, 0);
		return r;
	}
	return shutdown(fd, how);
}

int
tvc_close(int fd)
{
	struct timespec ts = now();
	uint8_t b[TV_CALL_REC];
	struct stat st;
	int r, e;

	if (quiet || chan() < 0 || fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode))
		return close(fd);
	memset(b, 0, sizeof(b));
	names(b, fd, NULL, 0);	/* before: after it there is no socket to ask */
	r = close(fd);
	e = errno;
	put(b, TV_CALL_CLOSE, 0, &ts, fd, r, r < 0 ? e : 0, 0);
	errno = e;
	return r;
}

void
tvc_quiet(int on)
{
	quiet = on;
}

int
tvc_enabled(void)
{
	return chan() >= 0;
}

unsigned long
tvc_dropped(void)
{
	return __atomic_load_n(&dropped, __ATOMIC_RELAXED);
}
