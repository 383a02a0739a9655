/* \summary: the demo's scenarios as data, and the process that runs their programs (private to src/tcpviz) */
#ifndef TV_SCEN_INT_H
#define TV_SCEN_INT_H

#include <stdint.h>
#include <sys/types.h>

#define SCEN_ANY	(-2)	/* an expectation that takes any value */
#define SCEN_ARGS	16	/* words of a program's command line */
#define SCEN_SKIPPED	77	/* a scenario's status when it could not run here */
#define SCEN_NO_SERVER	100	/* ... when its server did not start */

/* A program's command line: "%server", "%client", "%craft", "%port",
 * "%file", "%dir" stand for what the demo found or made. */
typedef const char *const scen_argv[SCEN_ARGS];

/* What the capture must show of a scenario (or of its second part). */
struct scen_expect {
	int conns;		/* connections, all of one protocol */
	uint8_t proto;		/* 6 or 17 */
	unsigned open_ok;	/* TCP: bits (1 << enum tv_open) allowed; 0: any */
	unsigned close_ok;	/* TCP: bits (1 << enum tv_close) allowed; 0: any */
	int closed_by;		/* TCP: tv_tcp_closed_by(), or SCEN_ANY */
	int reset_by;		/* TCP: the side whose RST ended it, or SCEN_ANY */
	uint32_t isn;		/* TCP: the client's ISN (0: any) */
	uint64_t bytes_min[2], bytes_max[2];	/* payload each way */
	uint64_t pkts_min[2], pkts_max[2];	/* packets each way (max 0: any) */
	uint32_t accept_min;	/* the kernel's view (unless --no-kernel) showed
				   this many connections in the listener's
				   accept queue at once (0: no check) */
	uint32_t syn_retries_min;	/* TCP: SYNs sent again, all connections
					   together, at least */
	int icmp_refused;	/* an ICMP port unreachable was joined to it */
};

/* One scenario: name, caption, programs, and what it must show. */
struct scenario {
	const char *name;
	const char *caption;
	scen_argv server;	/* [0] NULL: none */
	scen_argv client;
	int clients;		/* copies of the client run at once */
	int client_status;	/* the exit status that means success */
	int crafted;		/* the client is tcpviz-craft: needs root */
	int transfer;		/* make a file to send (%file) and a store (%dir) */
	int absolute;		/* drawn with absolute sequence numbers */
	struct scen_expect want;
	/* a second part: another server started beside the first (another
	 * protocol on the same port), one more client run after the clients,
	 * the exit status that means success, what its connections must show
	 * (want2.conns 0: no second part) */
	scen_argv server2;
	scen_argv client2;
	int client2_status;
	struct scen_expect want2;
	int compare;		/* its flows drawn side by side once they are
				   done, with their metrics (the compare
				   renderer), not as live ladders */
	int by_name;		/* not in the default list: --demo=NAME only
				   (kept last: run after the others) */
};

extern const struct scenario tv_scenarios[];
extern const int tv_nscenarios;

/* The scenario runner: a process of its own (and process group), which
 * runs each wanted scenario's programs and tells the parent on ctl[1]
 * ("B k", "E k status", "Q"), waiting for a byte on ack[0] after each. */
struct scen_runner {
	char server[4096], client[4096], craft[4096];	/* the programs */
	int server_fd, client_fd;	/* open by the runner: run by fd (fexecve),
					   so a user who cannot reach the path runs them */
	const char *user;	/* programs other than the crafter run as this user */
	const uint16_t *port;	/* [k]: scenario k's port */
	const int *want;	/* [k]: run scenario k */
	int ctl[2], ack[2];
	int calls_fd;		/* the channel's writing end the programs inherit
				   (TCPVIZ_CALLS), or -1 */
};

/* In the forked child: run every wanted scenario, then exit. */
void tv_scen_child(struct scen_runner *sr) __attribute__((noreturn));

#endif /* TV_SCEN_INT_H */
