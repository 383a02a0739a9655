/* \summary: asking the kernel about its sockets (sock_diag through libnl-idiag) and who holds them (/proc) */
#ifndef TV_KERN_H
#define TV_KERN_H

#include <stddef.h>
#include <stdint.h>

#include "tv_errbuf.h"
#include "tv_ksock.h"

/*
 * The sockets of a set of ports, as `ss -tuanp` shows them: one
 * inet_diag dump (SOCK_DIAG_BY_FAMILY, every state) for each of TCP and
 * UDP over IPv4 and IPv6, through a NETLINK_SOCK_DIAG socket that libnl
 * opens once; the replies are kept when a socket's local or remote port
 * is one of the set.  A dump needs no privilege; the owners (pid and
 * name) of sockets of other users need root, as they do for ss -p.
 */
struct tv_kern;

/* A handle on the kernel, or NULL with a message in errbuf. */
struct tv_kern *tv_kern_open(char *errbuf);
void tv_kern_close(struct tv_kern *k);

/* Write every reply the kernel gives from now on to descriptor fd, in
 * the record format tv_kern_parse_record() reads (-1: stop). */
void tv_kern_record(struct tv_kern *k, int fd);

/* The sockets of `ports` (nports of them), at most max into out; the
 * number found, or -1 with a message in errbuf.  pid and comm are left 0. */
int tv_kern_query(struct tv_kern *k, const uint16_t *ports, size_t nports,
    struct tv_ksock *out, size_t max, char *errbuf);

/*
 * Parse what the kernel answered to one dump of protocol `proto` (6 or
 * 17): len raw bytes of netlink messages, as recv() gave them.  Adds the
 * sockets of `ports` to out (up to max, *n of them so far).  Returns 1
 * when the dump's last message (NLMSG_DONE) was in it, 0 when more is to
 * come, -1 when the kernel answered an error or the bytes are no valid
 * reply.  Bounds-checked: any bytes are safe.
 */
int tv_kern_parse(uint8_t proto, const void *buf, size_t len,
    const uint16_t *ports, size_t nports, struct tv_ksock *out, size_t max,
    size_t *n);

/*
 * A recording (tv_kern_record): blocks of an 8-byte head (protocol, 0,
 * 0, 0, then the length as 4 bytes little-endian) and that many bytes of
 * one recv().  Parses each block as tv_kern_parse() does; the number of
 * sockets, or -1 when a block is cut or its bytes are no valid reply.
 */
int tv_kern_parse_record(const void *buf, size_t len, const uint16_t *ports,
    size_t nports, struct tv_ksock *out, size_t max);

/* The most processes and descriptors one scan of /proc looks at. */
#define TV_KERN_SCAN_PROCS 32768
#define TV_KERN_SCAN_FDS 262144

/*
 * Fill pid and comm of the sockets in s[0..n) that have an inode and no
 * pid yet, as ss -p finds them: each /proc/PID/fd/N that reads
 * "socket:[INODE]"; the first process found (the lowest pid) is taken.
 * One pass over /proc, at most TV_KERN_SCAN_PROCS processes and
 * TV_KERN_SCAN_FDS descriptors, stopping once all are found; processes
 * we may not look into are passed over.  Returns how many were found.
 */
int tv_kern_owners(struct tv_ksock *s, size_t n);

#endif /* TV_KERN_H */
