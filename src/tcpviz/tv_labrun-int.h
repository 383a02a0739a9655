/* \summary: tcpviz --lab: programs run in the lab's two hosts, the wire drawn from both ends (private to src/tcpviz) */
#ifndef TV_LABRUN_INT_H
#define TV_LABRUN_INT_H

#include "tv_cap.h"
#include "tv_lab.h"
#include "tv_run.h"

/* What tcpviz --lab was asked for. */
struct tv_labrun_opts {
	struct tv_lab_cfg cfg;	/* the impairments (--loss, --rate ...) */
	char **server;		/* the server's command line (NULL ended) */
	char **client;		/* the client's; NULL: none */
	/* the demo's: a second server started beside the first (another
	 * protocol on the same port, say), and a second client run once the
	 * first has exited; NULL: none */
	char **server2, **client2;
	const char *user;	/* -Z: whom the programs run as */
	const char *filter;	/* -F: what is drawn, within TCP and UDP */
	struct tv_live_opts live;	/* -s, -B */
	int linger_ms;		/* how long the server outlives the client */
	int calls;		/* --calls: the bundled programs' socket calls */
	/* the demo's: called for every connection drawn, with its context */
	tv_run_conn_fn on_conn;
	void *on_conn_ctx;
	int quiet;		/* no "the lab:" line on stderr (the demo says its own) */
	/* the demo's: called once the run is set up, before the server
	 * starts (the scenario's caption), and after the last packet was
	 * drawn and every connection handed out (its check) */
	void (*begin)(struct tv_run *run, void *ctx);
	void (*end)(struct tv_run *run, void *ctx);
	void *hook_ctx;
	int client_status;	/* out: the client's exit status (-1: killed, none) */
	int client2_status;	/* out: the second client's */
};

/* Bring the lab up, run the programs, draw; the exit status. */
int tv_labrun_main(struct tv_labrun_opts *lo, const struct tv_run_opts *ro);

/* The words of cfg's impairments ("loss 10% to-server; rate 1mbit both"),
 * or "a perfect wire". */
void tv_labrun_describe(const struct tv_lab_cfg *cfg, char *buf, size_t size);

#endif /* TV_LABRUN_INT_H */
