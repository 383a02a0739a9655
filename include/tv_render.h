/* \summary: renderers (ASCII ladder, JSON Lines) writing through a caller's sink */
#ifndef TV_RENDER_H
#define TV_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include "tv_decode.h"
#include "tv_flow.h"

/*
 * The core does no I/O: renderers hand text to a sink that the program
 * supplies (fwrite to stdout, a test buffer ...).
 */
struct tv_out {
	void (*write)(void *ctx, const char *s, size_t n);
	void *ctx;
};

/* printf into the sink; lines longer than 4 KiB are cut. */
void tv_out_printf(const struct tv_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Options shared by the renderers. */
struct tv_render_opts {
	int absolute;		/* -S: absolute sequence numbers */
	int ts_digits;		/* 6 or 9: the input's timestamp precision */
};

/* Totals for the end-of-input summary. */
struct tv_totals {
	uint64_t packets;	/* every record read */
	uint64_t tcp, udp;
	uint64_t skipped;
	uint64_t truncated;
	uint64_t malformed;
	uint64_t connections;
	uint64_t evicted;
	uint64_t skip_why[TV_SKIP_COUNT];
};

/* Count one decoded frame into the totals. */
void tv_totals_add(struct tv_totals *t, const struct tv_pkt *pkt);

/* ---- ASCII ladder (tv_lad_) ---- */

/*
 * Draw connection c from its stored rows: header, one row per packet,
 * footer.  `why` tells whether it closed, is still open at the end of the
 * input, was evicted, or is one part of a long connection.
 */
void tv_lad_conn(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, enum tv_done why);

/* The end-of-input summary in text. */
void tv_lad_summary(const struct tv_out *o, const struct tv_totals *t);

/* ---- JSON Lines (tv_json_); the contract is docs/json.md ---- */

void tv_json_packet(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_pkt *pkt, const struct tv_conn *c, enum tv_side from);
void tv_json_conn(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, enum tv_done why);
void tv_json_summary(const struct tv_out *o, const struct tv_totals *t);

#endif /* TV_RENDER_H */
