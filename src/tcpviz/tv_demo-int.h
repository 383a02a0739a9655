/* \summary: tcpviz --demo: bundled programs on loopback, drawn live and checked (private to src/tcpviz) */
#ifndef TV_DEMO_INT_H
#define TV_DEMO_INT_H

#include <stdio.h>

#include "tv_cap.h"
#include "tv_run.h"

struct tv_demo_opts {
	int enabled;
	const char *list;	/* --demo=LIST, or NULL for every scenario */
	int pace_ms;		/* -1: TV_DEMO_PACE_MS on a terminal, else 0 */
	const char *user;	/* -Z */
	const char *wfile;	/* -w */
	int kernel;		/* the kernel's view beside the ladder (--no-kernel: 0) */
	int calls;		/* the programs' socket calls (--no-calls: 0) */
	struct tv_live_opts live;
};

/* The pause between lines on a terminal: the demo's 1,160 lines in about
 * 30 s, slow enough to follow a handshake */
#define TV_DEMO_PACE_MS 25

/* The renderer a compare scenario draws with, given the command line's:
 * the compare view for the live ladder, its JSON for JSON; another
 * format (--summary) its own. */
const struct tv_renderer *tv_demo_compare_renderer(const struct tv_renderer *r);

/* Under a compare scenario's caption, when it draws the view: how (the
 * view and the metrics table once its flows are done). */
void tv_demo_compare_note(struct tv_run *run);

/* --demo-list */
void tv_demo_print_list(FILE *fp);

/* Run the demo with the run options the command line gave (renderer,
 * sink, -S, --width ...); returns an exit status (TV_EXIT_DEMO when a
 * scenario did not produce the expected exchange). */
int tv_demo_main(struct tv_demo_opts *d, const struct tv_run_opts *ro);

#endif /* TV_DEMO_INT_H */
