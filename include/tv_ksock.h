/* \summary: a kernel socket as sock_diag reports it: a plain struct, and its words (no I/O) */
#ifndef TV_KSOCK_H
#define TV_KSOCK_H

#include <stddef.h>
#include <stdint.h>

#include "tv_decode.h"

/*
 * TCP states as the kernel numbers them (include/net/tcp_states.h), the
 * numbers inet_diag_msg.idiag_state carries.  Names as ss writes them
 * (tv_ks_state_name).  A UDP socket is TV_KS_ESTABLISHED when connected,
 * TV_KS_CLOSE when not (ss calls that UNCONN).
 */
enum tv_ks_state {
	TV_KS_ESTABLISHED = 1,
	TV_KS_SYN_SENT,
	TV_KS_SYN_RECV,
	TV_KS_FIN_WAIT1,
	TV_KS_FIN_WAIT2,
	TV_KS_TIME_WAIT,
	TV_KS_CLOSE,
	TV_KS_CLOSE_WAIT,
	TV_KS_LAST_ACK,
	TV_KS_LISTEN,
	TV_KS_CLOSING,
	TV_KS_NEW_SYN_RECV,	/* a request socket: shown as SYN-RECV */
	TV_KS_MAX
};

/* idiag_timer: which timer runs (ss's "timer:(name,...)") */
enum tv_ks_timer {
	TV_KT_NONE = 0,
	TV_KT_RETRANS,		/* "on": retransmission (or SYN-ACK) timer */
	TV_KT_KEEPALIVE,
	TV_KT_TIMEWAIT,
	TV_KT_PROBE,		/* zero window probe */
	TV_KT_MAX
};

#define TV_KS_COMM 16		/* TASK_COMM_LEN */

/* One socket, as one inet_diag reply says it (and /proc for its owner). */
struct tv_ksock {
	uint8_t proto;		/* 6 TCP, 17 UDP */
	uint8_t state;		/* enum tv_ks_state */
	uint8_t timer;		/* enum tv_ks_timer */
	uint8_t retrans;	/* retransmissions (or SYN-ACK resends) so far */
	struct tv_addr local, remote;
	uint16_t lport, rport;
	/* LISTEN: rq is the accept queue (connections done, not yet
	 * accepted), wq its limit (the listen() backlog); else Recv-Q
	 * (bytes not yet read) and Send-Q (bytes not yet acknowledged) */
	uint32_t rq, wq;
	uint32_t expires_ms;	/* time left on the timer */
	uint32_t uid;
	uint32_t inode;		/* 0: none (TIME-WAIT and request sockets) */
	int32_t pid;		/* the process holding it; 0: not known */
	char comm[TV_KS_COMM];	/* its name ("" when not known) */
};

/* "ESTAB", "SYN-RECV", "TIME-WAIT" ... as ss writes them; "UNCONN" for
 * an unconnected UDP socket; "?" for a number outside the table. */
const char *tv_ks_state_name(const struct tv_ksock *k);

/* "timewait", "on", "keepalive", "persist" (ss's timer names), "" for none */
const char *tv_ks_timer_name(unsigned timer);

/* The tracker's state (enum tv_tcp_state) that the kernel's state is,
 * or -1 when none is (an unconnected UDP socket, say). */
int tv_ks_tcp_state(const struct tv_ksock *k);

/*
 * What the kernel holds, in words: "LISTEN accept queue 1/128
 * (tcpviz-server 1234)", "ESTAB", "ESTAB Recv-Q 5", "TIME-WAIT 59.8 s
 * left", "CLOSE-WAIT Recv-Q 12 unread", "FIN-WAIT-1 retransmit in 0.2 s"
 * ... with the owner when known.  Returns the length.
 */
size_t tv_fmt_ksock(char *buf, size_t size, const struct tv_ksock *k);

#endif /* TV_KSOCK_H */
