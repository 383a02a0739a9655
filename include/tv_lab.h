/* \summary: the lab: two hosts in private network namespaces on an impaired wire (libnl-route, libnftables) */
#ifndef TV_LAB_H
#define TV_LAB_H

#include <stdint.h>
#include <sys/types.h>

#include "tv_cap.h"
#include "tv_errbuf.h"

/*
 * Three network namespaces that only this process holds (never named
 * in /run/netns, so they vanish with it, a crash included, and a second
 * lab at the same time is a world of its own):
 *
 *   client: eth0 198.51.100.1/24 fd54:7669:7a00::1/64 --- c0 \
 *   wire:   bridge br0 of c0 and s0, the impairments             (no address)
 *   server: eth0 198.51.100.2/24 fd54:7669:7a00::2/64 --- s0 /
 *
 * Documentation and ULA addresses, no route but the connected ones, no
 * link to any interface of the host: nothing can leave.  Loss is done by
 * nftables rules in the wire's bridge (libnftables), a rate by a tbf
 * qdisc on the wire's port towards the receiver, delay and reordering by
 * netem there (when the kernel has sch_netem).  Each host's eth0 is
 * where tcpviz captures: the sender's copy of a packet is seen before
 * the wire, the receiver's after it.
 */

enum tv_lab_host { TV_LAB_CLIENT = 0, TV_LAB_SERVER = 1, TV_LAB_WIRE = 2 };

/* the hosts' addresses (RFC 5737's TEST-NET-2, an RFC 4193 prefix) */
#define TV_LAB_CLIENT_ADDR "198.51.100.1"
#define TV_LAB_SERVER_ADDR "198.51.100.2"
#define TV_LAB_CLIENT_ADDR6 "fd54:7669:7a00::1"
#define TV_LAB_SERVER_ADDR6 "fd54:7669:7a00::2"

/* the two directions of the wire */
enum tv_lab_dir { TV_LAB_TO_SERVER = 0, TV_LAB_TO_CLIENT = 1 };

/* which packets an impairment counts and takes */
enum tv_lab_what {
	TV_LAB_ALL,		/* every IP packet */
	TV_LAB_SYN,		/* TCP with SYN (a SYN, or a SYN-ACK) */
	TV_LAB_DATA,		/* TCP with payload, or any UDP datagram */
	TV_LAB_FIN,		/* TCP with FIN */
	TV_LAB_ACK,		/* TCP with no payload and no SYN, FIN or RST */
};

#define TV_LAB_MAX_NTH 8

/* Loss on one direction: random (pct), or exactly the nth[] packets of
 * class `what` (1-based, counted from the lab's start), or both. */
struct tv_lab_loss {
	double pct;		/* 0 .. 100, resolution 0.01; 0: none */
	uint32_t nth[TV_LAB_MAX_NTH];
	int nnth;
	enum tv_lab_what what;
};

struct tv_lab_impair {
	struct tv_lab_loss loss;
	uint64_t rate_bps;	/* tbf rate in bits/s; 0: none */
	uint32_t delay_ms;	/* netem; 0: none */
	uint32_t jitter_ms;	/* netem */
	double reorder_pct;	/* netem */
};

struct tv_lab_cfg {
	struct tv_lab_impair dir[2];	/* [enum tv_lab_dir] */
};

struct tv_lab {
	int ns[3];		/* netns descriptors, [enum tv_lab_host]; -1: none */
	int home;		/* the netns we started in */
	const char *addr[2];	/* TV_LAB_CLIENT_ADDR, TV_LAB_SERVER_ADDR */
	const char *addr6[2];	/* "fd54:7669:7a00::1", "...::2" */
	const char *ifname;	/* each host's interface: "eth0" */
	pid_t kids[8];		/* what tv_lab_spawn() started, not yet reaped */
	int nkids;
	int quiet_kids;		/* set by the caller: their stdout and stderr
				   go to /dev/null */
	int pass_fd;		/* set by the caller: a descriptor (> 2) they
				   inherit (TCPVIZ_CALLS); 0: none */
	int up;
};

/*
 * Parse one impairment option, as tcpviz takes it, into cfg:
 *   --loss [DIR:]AMOUNT[:WHAT]   AMOUNT: "10%" or "#3" or "#1,#2"
 *   --rate [DIR:]RATE            RATE: "1mbit", "500kbit", "64kbps" (tc's units)
 *   --delay [DIR:]MS[/JITTER]    --reorder [DIR:]PCT%
 * DIR: "to-server", "to-client" or "both" (the default); WHAT: "all"
 * (the default), "syn", "data", "fin", "ack".  opt is "loss", "rate",
 * "delay" or "reorder".  0, or -1 with one line in errbuf.
 */
int tv_lab_parse(struct tv_lab_cfg *cfg, const char *opt, const char *arg,
    char *errbuf);

/* Does this kernel have sch_netem (delay, reordering)?  1 or 0. */
int tv_lab_have_netem(void);

/*
 * Build the lab with cfg's impairments.  Needs root (CAP_NET_ADMIN and
 * CAP_SYS_ADMIN): otherwise -1 and one line saying so.  An impairment
 * this kernel cannot do (netem) is -1 and one line naming it.  On any
 * failure everything made so far is gone again.  The caller is back in
 * its own namespace on return.
 */
int tv_lab_up(struct tv_lab *lab, const struct tv_lab_cfg *cfg, char *errbuf);

/* Frames one MTU each at every interface of the lab (TSO, GSO, GRO
 * off): 0, or -1 with one line in errbuf.  (tv_lab_up does it.) */
int tv_lab_plain_frames(const struct tv_lab *lab, char *errbuf);

/* Move the calling thread into host's namespace (-1, errno), and back. */
int tv_lab_enter(const struct tv_lab *lab, enum tv_lab_host host);
int tv_lab_leave(const struct tv_lab *lab);

/* A live capture on host's eth0 (tv_cap_open_live there; lo->iface is
 * ignored), or NULL with *err and errbuf as tv_cap_open_live() sets. */
struct tv_cap *tv_lab_capture(struct tv_lab *lab, enum tv_lab_host host,
    const struct tv_live_opts *lo, const char *filter, int *err, char *errbuf);

/*
 * Run argv (argv[0] looked up in PATH) in host's namespace as uid/gid
 * (with its supplementary groups; uid 0 stays root), with `env` (NULL
 * entries end it; may be NULL) added to the environment, standard
 * descriptors inherited, killed (SIGKILL) if this process dies.  The
 * pid, or -1 with a message.
 */
pid_t tv_lab_spawn(struct tv_lab *lab, enum tv_lab_host host,
    char *const argv[], char *const env[], uid_t uid, gid_t gid,
    char *errbuf);

/* Has pid, one of tv_lab_spawn()'s, ended?  1 (its exit status in
 * *status, -1 when a signal ended it; the lab forgets it) or 0. */
int tv_lab_reap(struct tv_lab *lab, pid_t pid, int *status);

/* End every program tv_lab_spawn() started (SIGTERM, then SIGKILL after
 * 500 ms), close the namespaces: nothing of the lab is left.  Safe to
 * call twice, and on a lab that never came up. */
void tv_lab_down(struct tv_lab *lab);

#endif /* TV_LAB_H */
