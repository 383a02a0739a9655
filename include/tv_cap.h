/* \summary: capture input through libpcap: files now, interfaces later */
#ifndef TV_CAP_H
#define TV_CAP_H

#include <stdint.h>
#include <stdio.h>

#include "tv_errbuf.h"

struct tv_cap;

/* One record as read. `data` stays valid until the next tv_cap_next().
 * ts_sec is within +-2^32 (times outside it, which only a damaged file
 * holds, are clamped) and ts_nsec is below 10^9. */
struct tv_rec {
	const uint8_t *data;
	uint32_t caplen;
	uint32_t wirelen;
	int64_t ts_sec;
	uint32_t ts_nsec;
};

/*
 * Open a pcap or pcapng file ("-" for standard input) and, when `filter`
 * is not NULL, compile that BPF expression.  Records that do not match
 * are still read and counted, so frame numbers stay those of the file.
 * Returns NULL with a message in errbuf (no file name in it).
 */
struct tv_cap *tv_cap_open_file(const char *path, const char *filter,
    char *errbuf);

/* Options of a live capture. */
struct tv_live_opts {
	const char *iface;	/* "lo" when NULL */
	int snaplen;		/* 0: 262144 */
	int buffer_kib;		/* 0: TV_CAP_DEFAULT_BUFFER_KIB */
	int timeout_ms;		/* how often tv_cap_next() returns with nothing */
};

/*
 * 8 MiB: a loopback burst of a million small packets a second fits
 * (tcpdump's 2 MiB default drops packets at that rate).
 */
#define TV_CAP_DEFAULT_BUFFER_KIB 8192

/* Error codes of tv_cap_open_live(). */
#define TV_CAP_EPERM	(-2)	/* no CAP_NET_RAW: errbuf says how to get it */
#define TV_CAP_ENODEV	(-3)	/* no such interface */
#define TV_CAP_EOTHER	(-1)

/*
 * Open a live capture in immediate mode (each packet is delivered as it
 * arrives) with `filter` compiled into the kernel.  Returns NULL and sets
 * *err to a TV_CAP_E* code with a message in errbuf.
 */
struct tv_cap *tv_cap_open_live(const struct tv_live_opts *lo,
    const char *filter, int *err, char *errbuf);

/* Save every record that tv_cap_next() returns to `path` (pcap). */
int tv_cap_dump_open(struct tv_cap *cap, const char *path, char *errbuf);

/* Kernel counters of a live capture, as tcpdump prints them at exit. */
struct tv_cap_stats {
	uint64_t received;	/* received by filter */
	uint64_t dropped;	/* dropped by kernel */
	uint64_t if_dropped;
};
int tv_cap_stats(struct tv_cap *cap, struct tv_cap_stats *st);

/* Print the interfaces as tcpdump -D does; 0 or -1 with errbuf. */
int tv_cap_list_interfaces(FILE *fp, char *errbuf);

/* The enum tv_link value of the input (its pcap LINKTYPE_ number). */
int tv_cap_link(const struct tv_cap *cap);
/* Name of the link type as libpcap spells it, for messages. */
const char *tv_cap_link_name(const struct tv_cap *cap);
/* 9 when the input has nanosecond timestamps, else 6. */
int tv_cap_ts_digits(const struct tv_cap *cap);

/* What tv_cap_next() found. */
enum tv_cap_next {
	TV_CAP_PACKET,		/* *rec filled, *match set to whether the filter accepts it */
	TV_CAP_END,		/* the end of the input */
	TV_CAP_IDLE,		/* live: the wait passed with no packet */
	TV_CAP_DAMAGED,		/* the input is damaged or cut off: errbuf says how */
};

/*
 * The next record.  With a dump file open, the record is in it (buffered)
 * before this returns.
 */
enum tv_cap_next tv_cap_next(struct tv_cap *cap, struct tv_rec *rec,
    int *match, char *errbuf);

/* Live: how long tv_cap_next() waits for a packet before it returns 2. */
void tv_cap_set_wait(struct tv_cap *cap, int ms);

/* Close the capture; the dump file, if any, is flushed and closed.
 * Returns 0, or -1 when the dump file could not be written. */
int tv_cap_close(struct tv_cap *cap);

/* "libpcap version 1.10.3 ..." */
const char *tv_cap_lib_version(void);

#endif /* TV_CAP_H */
