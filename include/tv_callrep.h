/* \summary: the bundled programs' socket calls, each made and reported to TCPVIZ_CALLS (nothing when it is unset) */
#ifndef TV_CALLREP_H
#define TV_CALLREP_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>

/*
 * Each wrapper makes the call, then, when the environment names a
 * channel (TCPVIZ_CALLS=<descriptor>, an AF_UNIX datagram or seqpacket
 * socket or a pipe, as tcpviz --demo hands it), writes one record of
 * TV_CALL_REC bytes (include/tv_call.h) with one non-blocking write: the
 * time (CLOCK_REALTIME), the pid, the descriptor, what it returned, errno,
 * the socket's own and its peer's address.  A record the reader has no
 * room for is dropped and counted (tvc_dropped()); the program never
 * waits for it.  Unset, empty or not a descriptor of that kind: nothing is
 * written, and the wrappers cost one getenv() the first time.  errno is
 * left as the call left it.
 */
int tvc_socket(int domain, int type, int protocol);
int tvc_bind(int fd, const struct sockaddr *sa, socklen_t len);
int tvc_listen(int fd, int backlog);
int tvc_accept4(int fd, int flags);
/* connect(): "begun" before it; "returned" when it returns 0 at once */
int tvc_connect(int fd, const struct sockaddr *sa, socklen_t len);
/* a non-blocking connect() done: err its SO_ERROR (0: connected) */
void tvc_connected(int fd, int err);
ssize_t tvc_send(int fd, const void *buf, size_t len, int flags);
ssize_t tvc_recv(int fd, void *buf, size_t len, int flags);
/* an unconnected (UDP) socket's: the peer is the datagram's address */
ssize_t tvc_recvfrom(int fd, void *buf, size_t len, int flags,
    struct sockaddr *from, socklen_t *fromlen);
ssize_t tvc_sendto(int fd, const void *buf, size_t len, int flags,
    const struct sockaddr *to, socklen_t tolen);
/* a segment built by hand sent on a raw socket: reported as a send on the
 * connection of the segment's own addresses, src and dst (with ports) */
ssize_t tvc_sendto_raw(int fd, const void *buf, size_t len,
    const struct sockaddr *to, socklen_t tolen,
    const struct sockaddr_storage *src, const struct sockaddr_storage *dst);
int tvc_shutdown(int fd, int how);
/* close(): reported only when fd is a socket */
int tvc_close(int fd);

/* 1: report nothing (a socket opened only to find a free port), 0: again */
void tvc_quiet(int on);

/* 1 when a channel is open */
int tvc_enabled(void);

/* Records dropped because the reader had no room. */
unsigned long tvc_dropped(void);

#endif /* TV_CALLREP_H */
