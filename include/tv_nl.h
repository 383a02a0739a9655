/* \summary: kernel socket states through netlink (libnl's sock_diag), as ss reads them */
#ifndef TV_NL_H
#define TV_NL_H

#include <stdint.h>

#include "tv_decode.h"
#include "tv_errbuf.h"

/* Kernel TCP states as sock_diag numbers them (include/net/tcp_states.h). */
#define TV_NL_SYN_RECV 3

/*
 * How many TCP sockets (request sockets included, as `ss state syn-recv`
 * counts them) are in kernel state `state` with local address `local`
 * and local port `port`.  Asks the kernel over NETLINK_SOCK_DIAG through
 * libnl-idiag.  Returns the count, or -1 with a message in errbuf
 * (TV_ERRBUF_SIZE bytes).
 */
long tv_nl_count_state(const struct tv_addr *local, uint16_t port, int state,
    char *errbuf);

#endif /* TV_NL_H */
