/* \summary: text to stdout, synchronously (replay) or by a writer thread (live) (private to src/tcpviz) */
#ifndef TV_SINK_INT_H
#define TV_SINK_INT_H

#include <stdint.h>

#include "tv_run.h"

/*
 * A sink on stdout.  Live, a thread of its own writes it, so the capture
 * goes on while the reader of a pipe (a pager) is slow: up to 8 MiB of
 * text waits; past that whole lines are dropped, and a line in the
 * output says how many when there is room again.  Its end() waits for the
 * writer (after a signal at most a second: an interrupted write is a
 * clean stop) and says on stderr what was not shown.
 */
void tv_sink_stdout(struct tv_sink *sink, int live);

/* The same on standard error (-w - --print: stdout carries the capture). */
void tv_sink_stderr(struct tv_sink *sink, int live);

/* The same into the file at path, created or truncated (-o FILE); 0, or
 * -1 with errno set when it cannot be opened. */
int tv_sink_file(struct tv_sink *sink, int live, const char *path);

/* A sink that drops the text (-w - without --print). */
void tv_sink_none(struct tv_sink *sink);


#endif /* TV_SINK_INT_H */
