/* \summary: a socket call the bundled programs report (TCPVIZ_CALLS): the record, its parser and its words (no I/O) */
#ifndef TV_CALL_H
#define TV_CALL_H

#include <stddef.h>
#include <stdint.h>

#include "tv_decode.h"

/*
 * The programs (tcpviz-server, tcpviz-client, tcpviz-craft) write one
 * record per socket call to the descriptor TCPVIZ_CALLS names, with one
 * write() (src/util/tv_callrep.c); tcpviz reads them (src/tcpviz/tv_cview.c).
 * A record is TV_CALL_REC bytes, numbers big-endian:
 *
 *   0  "TVC1"        4  call (enum tv_call_name)   5  family (0, 4, 6)
 *   6  flags (bit 0: connect() returned, not begun; bit 1: a raw
 *      socket's segment)  7  0
 *   8  seconds (CLOCK_REALTIME, 8)   16 nanoseconds (4)   20 pid (4)
 *   24 fd (4, signed)   28 errno (4)   32 return value (8, signed)
 *   40 bytes (8)   48 local address (16)   64 local port (2)
 *   66 remote port (2)   68 remote address (16)
 *
 * An address of family 0 is not known (a socket not bound, not connected).
 */
#define TV_CALL_REC 84

enum tv_call_name {
	TV_CALL_SOCKET = 1,
	TV_CALL_BIND,
	TV_CALL_LISTEN,
	TV_CALL_ACCEPT,		/* ret: the new descriptor; addresses its */
	TV_CALL_CONNECT,	/* twice: begun, then returned (TV_CALLF_RETURNED) */
	TV_CALL_SEND,
	TV_CALL_RECV,
	TV_CALL_SHUTDOWN,
	TV_CALL_CLOSE,
	TV_CALL_MAX
};

#define TV_CALLF_RETURNED 1
#define TV_CALLF_RAW 2		/* send: a segment built by hand, on a raw socket
				   (tcpviz-craft); the addresses are the segment's */

struct tv_call {
	uint8_t name;		/* enum tv_call_name */
	uint8_t flags;
	int64_t sec;
	uint32_t nsec;
	uint32_t pid;
	int32_t fd;
	int32_t err;		/* errno, 0: none */
	int64_t ret;
	uint64_t bytes;
	struct tv_addr local, remote;	/* family 0: not known */
	uint16_t lport, rport;
};

/* "socket", "bind" ... ("?" outside the table). */
const char *tv_call_name_str(unsigned name);

/* One record of len bytes into *c: 0, or -1 when it is not one (wrong
 * length or magic, a name or family outside the tables, nanoseconds of a
 * second or more, an address family with no address bytes zeroed). */
int tv_call_parse(const uint8_t *buf, size_t len, struct tv_call *c);

/*
 * The call in words, as the ladder writes it beside its side's bar:
 * "socket() = 3", "bind(3) 127.0.0.1:8000", "listen(3)", "accept(3) -> fd 5",
 * "connect(3) begun", "connect(3) returns", "send(5) 12 bytes",
 * "recv(5) 0 bytes (EOF)", "sendto(4) 40 bytes raw", "shutdown(5)",
 * "close(5)", and a failure as
 * "connect(3) fails: errno 111".  Returns the length.
 */
size_t tv_fmt_call(char *buf, size_t size, const struct tv_call *c);

#endif /* TV_CALL_H */
