/* \summary: small socket helpers for the bundled programs (addresses, names, timeouts) */
#ifndef TV_SOCK_H
#define TV_SOCK_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>

/*
 * Every helper takes a caller's `char errbuf[TV_ERRBUF_SIZE]` and
 * fills it only on failure.  Helpers that know an address put it in the
 * message ("connect to 127.0.0.1:8000: Connection refused"); the read and
 * write helpers say only what went wrong ("Connection reset by peer",
 * "timed out after 2 s") and leave the context to the caller.
 *
 * Addresses to bind are numeric IPv4 or IPv6 addresses; a host to
 * connect to may also be a name, looked up with getaddrinfo()
 * (tv_sock_lookup()).  A timeout_ms below 0 means no limit.
 */
#include "tv_errbuf.h"

/* Room for "[ffff:...:ffff%ifname]:65535" and a NUL. */
#define TV_SOCK_ADDRSTRLEN 80

/* The demo's defaults: loopback only, fixed ports.  A server without
 * --bind listens on both loopback addresses, TV_SOCK_HOST and TV_SOCK_HOST6. */
#define TV_SOCK_HOST		"127.0.0.1"
#define TV_SOCK_HOST6		"::1"
#define TV_SOCK_TCP_PORT	8000
#define TV_SOCK_UDP_PORT	9000

/*
 * Fill *ss and *sslen from a numeric host ("127.0.0.1", "::1") and a
 * port (0..65535) for `socktype` (SOCK_STREAM or SOCK_DGRAM).
 * Returns 0, or -1 when host is not a numeric address.
 */
int tv_sock_resolve(const char *host, int port, int socktype,
    struct sockaddr_storage *ss, socklen_t *sslen, char *errbuf);

/*
 * The addresses of host (a name or a numeric address) for port and
 * `socktype`, as getaddrinfo() gives them (AI_ADDRCONFIG off, so that
 * "localhost" finds ::1 and 127.0.0.1 from /etc/hosts even with no other
 * address configured), in its order, without duplicates.  A name that
 * needs DNS is looked up as getaddrinfo() does.  Returns 0 with *res
 * (the caller frees it with freeaddrinfo()), or -1 with getaddrinfo()'s
 * reason ("no-such-host.invalid: Name or service not known").
 */
struct addrinfo;
int tv_sock_lookup(const char *host, int port, int socktype,
    struct addrinfo **res, char *errbuf);

/* 1 when host is a numeric IPv4 or IPv6 address, 0 when it is a name. */
int tv_sock_is_numeric(const char *host);

/*
 * A TCP socket bound to host:port (SO_REUSEADDR; IPv6 sockets are
 * IPV6_V6ONLY) and listening with `backlog`.  Port 0 picks a free port;
 * tv_sock_name() tells which.  Returns the descriptor (the caller closes
 * it), or -1 with errno that of the call that failed (EADDRINUSE ...).
 */
int tv_sock_tcp_listen(const char *host, int port, int backlog, char *errbuf);

/* A UDP socket bound to host:port, as tv_sock_tcp_listen() otherwise. */
int tv_sock_udp_bind(const char *host, int port, char *errbuf);

/*
 * A socket of `socktype` connected to host:port, giving up after
 * timeout_ms.  For UDP, connect() only fixes the peer, so that send()
 * needs no address and an ICMP port unreachable comes back as
 * ECONNREFUSED on a later call.  The descriptor is blocking.  Returns it
 * (the caller closes it), or -1.
 */
int tv_sock_connect(const char *host, int port, int socktype, int timeout_ms,
    char *errbuf);

/* tv_sock_connect() to one address, such as one of tv_sock_lookup()'s. */
int tv_sock_connect_addr(const struct sockaddr *sa, socklen_t salen,
    int socktype, int timeout_ms, char *errbuf);

/* Set or clear O_NONBLOCK.  Returns 0 or -1. */
int tv_sock_set_nonblock(int fd, int on, char *errbuf);

/*
 * One read of at most len bytes, waiting up to timeout_ms for the socket
 * to become readable (a datagram socket returns one datagram).  Returns
 * the byte count, 0 at end of stream, or -1 (errno is ETIMEDOUT after a
 * timeout).
 */
ssize_t tv_sock_read(int fd, void *buf, size_t len, int timeout_ms,
    char *errbuf);

/*
 * Read until len bytes have come or the peer closed.  timeout_ms bounds
 * each wait for more bytes, not the whole transfer.  Returns the count
 * (below len only at end of stream), or -1.
 */
ssize_t tv_sock_read_all(int fd, void *buf, size_t len, int timeout_ms,
    char *errbuf);

/*
 * Write all len bytes (send() with MSG_NOSIGNAL: a closed peer is EPIPE,
 * never SIGPIPE).  timeout_ms bounds each wait for buffer space.
 * Returns 0 or -1.
 */
int tv_sock_write_all(int fd, const void *buf, size_t len, int timeout_ms,
    char *errbuf);

/*
 * One send() of what the socket takes now, without waiting (MSG_DONTWAIT,
 * MSG_NOSIGNAL; EINTR is retried).  Returns the count, 0 when the socket
 * buffer is full, or -1.  len must not be 0.
 */
ssize_t tv_sock_send_now(int fd, const void *buf, size_t len, char *errbuf);

/*
 * A port on host (normally 127.0.0.1) that was free a moment ago: bind
 * port 0, ask getsockname(), close.  Another process may take it before
 * the caller binds it; servers that can should bind port 0 themselves.
 * Returns the port (1..65535), or -1.
 */
int tv_sock_free_port(const char *host, int socktype, char *errbuf);

/* "127.0.0.1:8000" or "[::1]:8000" into buf (TV_SOCK_ADDRSTRLEN bytes). */
void tv_sock_ntop(const struct sockaddr *sa, char *buf, size_t len);

/*
 * The local (peer = 0) or remote (peer = 1) address of fd, formatted as
 * tv_sock_ntop() does; "?" when the socket has none.  Returns the port,
 * or -1.
 */
int tv_sock_name(int fd, int peer, char *buf, size_t len);

#endif /* TV_SOCK_H */
