/* \summary: the demo's scenarios on the lab's lossy wire (private to src/tcpviz) */
#ifndef TV_LABDEMO_INT_H
#define TV_LABDEMO_INT_H

#include <stdio.h>

#include "tv_run.h"

struct tv_labdemo_opts {
	const char *server, *client;	/* the bundled programs' paths */
	const char *user;		/* -Z */
	int calls;			/* the programs' socket calls (--no-calls: 0) */
	const struct tv_run_opts *ro;	/* the command line's */
	uint32_t next_id;		/* the next connection's id: the demo's
					   numbering goes on (updated) */
};

/* How many there are; the index of NAME or -1; --demo-list's lines. */
int tv_labdemo_count(void);
int tv_labdemo_find(const char *name);
/* Is scenario i left out of --demo=lab (run only by its name)? */
int tv_labdemo_by_name(int i);
void tv_labdemo_print_list(FILE *fp);

/* Run the scenarios i with want[i] set, each in a lab of its own, each
 * checked (a failure counted in *failures); an exit status. */
int tv_labdemo_run(const int *want, struct tv_labdemo_opts *o,
    int *failures);

#endif /* TV_LABDEMO_INT_H */
