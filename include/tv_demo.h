/* \summary: tcpviz --demo: bundled programs on loopback, drawn live and checked */
#ifndef TV_DEMO_H
#define TV_DEMO_H

#include <stdio.h>

#include "tv_cap.h"
#include "tv_run.h"

struct tv_demo_opts {
	int enabled;
	const char *list;	/* --demo=LIST, or NULL for every scenario */
	int pace_ms;		/* -1: 60 on a terminal, else 0 */
	const char *user;	/* -Z */
	const char *wfile;	/* -w */
	struct tv_live_opts live;
};

/* --demo-list */
void tv_demo_print_list(FILE *fp);

/* Run the demo; returns an exit status (TV_EXIT_DEMO when a scenario did
 * not produce the expected exchange). */
int tv_demo_main(struct tv_demo_opts *d, struct tv_run *run);

/* Shared with tcpviz.c: give up root after the capture is open. */
int tv_drop_privileges(const char *user);

#endif /* TV_DEMO_H */
