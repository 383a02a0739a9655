/* \summary: small socket helpers for the bundled programs (addresses, names, timeouts) */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "tv_callrep.h"
#include "tv_sock.h"
#include "tv_util.h"

/*
 * Wait until fd is ready for `events` (POLLIN or POLLOUT) or timeout_ms
 * has passed.  An error or hangup on fd counts as ready: the read or
 * write that follows reports it.  A signal restarts the wait with the
 * time that is left.
 */
static int
wait_fd(int fd, short events, int timeout_ms, char *errbuf)
{
	struct pollfd pfd;
	int64_t deadline = timeout_ms >= 0 ? tv_now_ms() + timeout_ms : -1;
	int left = timeout_ms, r;

	for (;;) {
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		r = poll(&pfd, 1, left);
		if (r > 0)
			return 0;
		if (r == 0) {
			snprintf(errbuf, TV_ERRBUF_SIZE, "timed out after %g s",
			    timeout_ms / 1000.0);
			errno = ETIMEDOUT;
			return -1;
		}
		if (errno != EINTR) {
			snprintf(errbuf, TV_ERRBUF_SIZE, "poll: %s",
			    strerror(errno));
			return -1;
		}
		if (deadline >= 0) {
			int64_t d = deadline - tv_now_ms();

			left = d > 0 ? (int)d : 0;
		}
	}
}

/* getaddrinfo() of host and port for socktype with flags: 0 or its EAI_
 * code; 1 (nothing looked up) with a message when the port is out of
 * range. */
static int
query(const char *host, int port, int socktype, int flags,
    struct addrinfo **res, char *errbuf)
{
	struct addrinfo hints;
	char serv[8];

	if (port < 0 || port > 65535) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "port %d out of range "
		    "(0 to 65535)", port);
		return 1;
	}
	snprintf(serv, sizeof(serv), "%d", port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = socktype;
	hints.ai_flags = flags | AI_NUMERICSERV;
	return getaddrinfo(host, serv, &hints, res);
}

int
tv_sock_resolve(const char *host, int port, int socktype,
    struct sockaddr_storage *ss, socklen_t *sslen, char *errbuf)
{
	struct addrinfo *res;
	int r;

	if ((r = query(host, port, socktype, AI_NUMERICHOST, &res, errbuf)) == 1)
		return -1;
	if (r != 0) {
		if (r == EAI_NONAME)
			snprintf(errbuf, TV_ERRBUF_SIZE, "%.64s: not a numeric "
			    "IPv4 or IPv6 address (names are not looked up)", host);
		else
			snprintf(errbuf, TV_ERRBUF_SIZE, "%.64s: %s", host,
			    gai_strerror(r));
		return -1;
	}
	if (res->ai_addrlen > sizeof(*ss)) {
		freeaddrinfo(res);
		snprintf(errbuf, TV_ERRBUF_SIZE, "%.64s: address too long",
		    host);
		return -1;
	}
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sslen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

int
tv_sock_is_numeric(const char *host)
{
	unsigned char a[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, a) == 1 ||
	    inet_pton(AF_INET6, host, a) == 1;
}

int
tv_sock_lookup(const char *host, int port, int socktype,
    struct addrinfo **res, char *errbuf)
{
	struct addrinfo *a, *b, *prev, *dup;
	int r;

	/* no AI_ADDRCONFIG: on loopback alone it would hide ::1 or 127.0.0.1 */
	if ((r = query(host, port, socktype, 0, res, errbuf)) == 1)
		return -1;
	if (r != 0) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "%.64s: %s", host,
		    r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
		return -1;
	}
	/* /etc/hosts may name an address twice: try each one once */
	for (a = *res; a != NULL; a = a->ai_next)
		for (prev = a, b = a->ai_next; b != NULL; b = prev->ai_next) {
			if (b->ai_addrlen == a->ai_addrlen &&
			    memcmp(b->ai_addr, a->ai_addr, a->ai_addrlen) == 0) {
				dup = b;
				prev->ai_next = b->ai_next;
				dup->ai_next = NULL;
				freeaddrinfo(dup);
			} else
				prev = b;
		}
	return 0;
}

/* "WHAT ADDR: why" (from errno) into errbuf; close fd when open.  Returns
 * -1 with errno as it was. */
static int
sock_fail(int fd, const char *what, const char *name, char *errbuf)
{
	int err = errno;

	snprintf(errbuf, TV_ERRBUF_SIZE, "%s %s: %s", what, name,
	    strerror(err));
	if (fd >= 0)
		tvc_close(fd);
	errno = err;
	return -1;
}

/*
 * A socket for host:port: *ss and *sslen its address, name (at least
 * TV_SOCK_ADDRSTRLEN bytes) that address for messages.  Returns the
 * descriptor (close-on-exec), or -1.
 */
static int
new_socket(const char *host, int port, int socktype,
    struct sockaddr_storage *ss, socklen_t *sslen, char *name, char *errbuf)
{
	int fd;

	if (tv_sock_resolve(host, port, socktype, ss, sslen, errbuf) < 0)
		return -1;
	tv_sock_ntop((struct sockaddr *)ss, name, TV_SOCK_ADDRSTRLEN);
	if ((fd = tvc_socket(ss->ss_family, socktype | SOCK_CLOEXEC, 0)) < 0)
		return sock_fail(-1, "socket for", name, errbuf);
	return fd;
}

/* A socket bound to host:port; the common part of listen and udp_bind. */
static int
bound_socket(const char *host, int port, int socktype, char *errbuf)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	char name[TV_SOCK_ADDRSTRLEN];
	int fd, one = 1;

	if ((fd = new_socket(host, port, socktype, &ss, &sslen, name,
	    errbuf)) < 0)
		return -1;
	/* a server restarted at once must not wait out TIME-WAIT */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    (ss.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &one, sizeof(one)) < 0))
		return sock_fail(fd, "setsockopt for", name, errbuf);
	if (tvc_bind(fd, (struct sockaddr *)&ss, sslen) < 0)
		return sock_fail(fd, "bind", name, errbuf);
	return fd;
}

int
tv_sock_tcp_listen(const char *host, int port, int backlog, char *errbuf)
{
	char name[TV_SOCK_ADDRSTRLEN];
	int fd, err;

	if ((fd = bound_socket(host, port, SOCK_STREAM, errbuf)) < 0)
		return -1;
	if (tvc_listen(fd, backlog) < 0) {
		err = errno;
		tv_sock_name(fd, 0, name, sizeof(name));
		errno = err;
		return sock_fail(fd, "listen on", name, errbuf);
	}
	return fd;
}

int
tv_sock_udp_bind(const char *host, int port, char *errbuf)
{
	return bound_socket(host, port, SOCK_DGRAM, errbuf);
}

int
tv_sock_set_nonblock(int fd, int on, char *errbuf)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK :
	    fl & ~O_NONBLOCK) < 0) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "fcntl: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
tv_sock_connect(const char *host, int port, int socktype, int timeout_ms,
    char *errbuf)
{
	struct sockaddr_storage ss;
	socklen_t sslen;

	if (tv_sock_resolve(host, port, socktype, &ss, &sslen, errbuf) < 0)
		return -1;
	return tv_sock_connect_addr((struct sockaddr *)&ss, sslen, socktype,
	    timeout_ms, errbuf);
}

int
tv_sock_connect_addr(const struct sockaddr *sa, socklen_t salen,
    int socktype, int timeout_ms, char *errbuf)
{
	socklen_t elen;
	char name[TV_SOCK_ADDRSTRLEN], why[TV_ERRBUF_SIZE];
	int fd, err;

	tv_sock_ntop(sa, name, sizeof(name));
	if ((fd = tvc_socket(sa->sa_family, socktype | SOCK_CLOEXEC, 0)) < 0)
		return sock_fail(-1, "socket for", name, errbuf);
	if (socktype == SOCK_DGRAM) {
		if (tvc_connect(fd, sa, salen) < 0)
			goto fail_errno;
		return fd;
	}

	/* Non-blocking connect, then poll for writability: the usual way to
	 * put a time limit on the three-way handshake. */
	if (tv_sock_set_nonblock(fd, 1, why) < 0)
		goto fail_why;
	if (tvc_connect(fd, sa, salen) < 0) {
		if (errno != EINPROGRESS)
			goto fail_errno;
		if (wait_fd(fd, POLLOUT, timeout_ms, why) < 0) {
			tvc_connected(fd, errno ? errno : ETIMEDOUT);
			goto fail_why;
		}
		elen = sizeof(err);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
			goto fail_errno;
		tvc_connected(fd, err);
		if (err != 0) {
			errno = err;
			goto fail_errno;
		}
	}
	if (tv_sock_set_nonblock(fd, 0, why) < 0)
		goto fail_why;
	return fd;

fail_errno:
	snprintf(why, sizeof(why), "%s", strerror(errno));
fail_why:
	err = errno;
	snprintf(errbuf, TV_ERRBUF_SIZE, "connect to %s: %.160s", name,
	    why);
	tvc_close(fd);
	errno = err;
	return -1;
}

ssize_t
tv_sock_read(int fd, void *buf, size_t len, int timeout_ms, char *errbuf)
{
	ssize_t n;

	for (;;) {
		if (wait_fd(fd, POLLIN, timeout_ms, errbuf) < 0)
			return -1;
		/* MSG_DONTWAIT: a blocking socket must not block past poll() */
		n = tvc_recv(fd, buf, len, MSG_DONTWAIT);
		if (n >= 0)
			return n;
		if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
			break;
	}
	snprintf(errbuf, TV_ERRBUF_SIZE, "%s", strerror(errno));
	return -1;
}

ssize_t
tv_sock_read_all(int fd, void *buf, size_t len, int timeout_ms, char *errbuf)
{
	char *p = buf;
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = tv_sock_read(fd, p + got, len - got, timeout_ms, errbuf);
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

ssize_t
tv_sock_send_now(int fd, const void *buf, size_t len, char *errbuf)
{
	ssize_t n;

	do
		n = tvc_send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		return n;
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	snprintf(errbuf, TV_ERRBUF_SIZE, "%s",
	    n == 0 ? "wrote nothing" : strerror(errno));
	return -1;
}

int
tv_sock_write_all(int fd, const void *buf, size_t len, int timeout_ms,
    char *errbuf)
{
	const char *p = buf;
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		if ((n = tv_sock_send_now(fd, p + off, len - off, errbuf)) < 0)
			return -1;
		if (n == 0 && wait_fd(fd, POLLOUT, timeout_ms, errbuf) < 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

int
tv_sock_free_port(const char *host, int socktype, char *errbuf)
{
	char name[TV_SOCK_ADDRSTRLEN];
	int fd, port;

	tvc_quiet(1);		/* a socket only to learn a port: not a call to show */
	fd = bound_socket(host, 0, socktype, errbuf);
	if (fd < 0) {
		tvc_quiet(0);
		return -1;
	}
	port = tv_sock_name(fd, 0, name, sizeof(name));
	if (port <= 0)
		snprintf(errbuf, TV_ERRBUF_SIZE, "getsockname: %s",
		    strerror(errno));
	close(fd);
	tvc_quiet(0);
	return port > 0 ? port : -1;
}

void
tv_sock_ntop(const struct sockaddr *sa, char *buf, size_t len)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	socklen_t salen;

	salen = sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in);
	if ((sa->sa_family != AF_INET && sa->sa_family != AF_INET6) ||
	    getnameinfo(sa, salen, host, sizeof(host), serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(buf, len, "?");
		return;
	}
	if (sa->sa_family == AF_INET6)
		snprintf(buf, len, "[%s]:%s", host, serv);
	else
		snprintf(buf, len, "%s:%s", host, serv);
}

int
tv_sock_name(int fd, int peer, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	int r;

	memset(&ss, 0, sizeof(ss));
	r = peer ? getpeername(fd, (struct sockaddr *)&ss, &sslen) :
	    getsockname(fd, (struct sockaddr *)&ss, &sslen);
	if (r < 0) {
		snprintf(buf, len, "?");
		return -1;
	}
	tv_sock_ntop((struct sockaddr *)&ss, buf, len);
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -1;
}
