/* \summary: kernel socket states through netlink (libnl's sock_diag), as ss reads them */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <netlink/netlink.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/idiag/idiagnl.h>
#include <netlink/idiag/msg.h>

#include "tv_nl.h"

long
tv_nl_count_state(const struct tv_addr *local, uint16_t port, int state,
    char *errbuf)
{
	struct nl_cache *cache = NULL;
	struct nl_object *obj;
	struct nl_sock *sk;
	size_t alen = local->family == 4 ? 4 : 16;
	long n = 0;
	int err;

	if ((sk = nl_socket_alloc()) == NULL) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "netlink: out of memory");
		return -1;
	}
	if ((err = idiagnl_connect(sk)) < 0 ||
	    (err = idiagnl_msg_alloc_cache(sk,
	    local->family == 4 ? AF_INET : AF_INET6, 1 << state, &cache)) < 0) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "sock_diag: %s",
		    nl_geterror(err));
		nl_socket_free(sk);
		return -1;
	}
	for (obj = nl_cache_get_first(cache); obj != NULL;
	    obj = nl_cache_get_next(obj)) {
		struct idiagnl_msg *m = (struct idiagnl_msg *)obj;
		struct nl_addr *src = idiagnl_msg_get_src(m);

		/* libnl hands the port over as the kernel wrote it, in
		 * network byte order, and an IPv4 address in the kernel's
		 * 16-byte field, the address first */
		if (idiagnl_msg_get_state(m) != state ||
		    ntohs(idiagnl_msg_get_sport(m)) != port || src == NULL ||
		    nl_addr_get_len(src) < alen ||
		    memcmp(nl_addr_get_binary_addr(src), local->a, alen) != 0)
			continue;
		n++;
	}
	nl_cache_free(cache);
	nl_socket_free(sk);
	return n;
}
