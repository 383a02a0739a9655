/* \summary: capture input through libpcap: files now, interfaces later */
#ifndef TV_CAP_H
#define TV_CAP_H

#include <stdint.h>
#include <stdio.h>

#include "tv_errbuf.h"

struct tv_cap;

/* One record as read. `data` stays valid until the next tv_cap_next().
 * ts_sec is within -2^29 .. 2^33 (1952 to 2242: a classic pcap's unsigned
 * 32-bit seconds reach 2106, pcapng's go on; times outside it, which only
 * a damaged file holds, are clamped) and ts_nsec is below 10^9. */
struct tv_rec {
	const uint8_t *data;
	uint32_t caplen;
	uint32_t wirelen;
	int64_t ts_sec;
	uint32_t ts_nsec;
	int link;		/* its link type (enum tv_link): a pcapng file's
				   interfaces may each have their own */
	uint8_t end;		/* joined captures (tv_cap_join): 0 a's, 1 b's */
};

/*
 * Open a pcap or pcapng file ("-" for standard input) and, when `filter`
 * is not NULL, compile that BPF expression.  Classic pcap is read by
 * libpcap; pcapng by tcpviz's own reader, every section and interface
 * (each record has its interface's link type and time resolution; the
 * filter is compiled for each link type, and one that it cannot be
 * compiled for, other than the first interface's, matches nothing).  Any readable stream will do
 * (a pipe, a FIFO, /dev/stdin): it is read from the start, once, never
 * rewound.  Records that do not match
 * are still read and counted, so frame numbers stay those of the file.
 * Returns NULL with a message in errbuf (no file name in it).
 */
struct tv_cap *tv_cap_open_file(const char *path, const char *filter,
    char *errbuf);

/* As tv_cap_open_file(), with the timestamp precision asked for
 * (--time-stamp-precision): 6 (micro) or 9 (nano) scales every time to it
 * (and a -w file is written with it); 0: the file's own (of a pcapng
 * file, 9 when an interface described before its first packet is finer
 * than a microsecond). */
struct tv_cap *tv_cap_open_file_prec(const char *path, const char *filter,
    int digits, char *errbuf);

/* -Q: which packets a live capture takes (pcap_setdirection). */
enum tv_cap_dir { TV_DIR_INOUT, TV_DIR_IN, TV_DIR_OUT };

/* Options of a live capture. */
struct tv_live_opts {
	const char *iface;	/* "lo" when NULL */
	int snaplen;		/* 0: 262144 */
	int buffer_kib;		/* 0: TV_CAP_DEFAULT_BUFFER_KIB */
	int timeout_ms;		/* how often tv_cap_next() returns with nothing */
	enum tv_cap_dir dir;	/* -Q; on a loopback interface every packet is
				   both sent and received: each value takes all */
	const char *linktype;	/* -y: a libpcap DLT name; NULL: the default */
	int digits;		/* --time-stamp-precision: 9 nano, else micro */
};

/* -y: is NAME a link type libpcap knows (EN10MB, LINUX_SLL ...)? */
int tv_cap_linktype_known(const char *name);

/*
 * -L: print the link types IFACE offers, as tcpdump -L does ("Data link
 * types for lo (use option -y to set):" then "  EN10MB (Ethernet)").
 * 0, or a TV_CAP_E* code with a message in errbuf.
 */
int tv_cap_list_linktypes(FILE *fp, const char *iface, char *errbuf);

/*
 * 8 MiB: a loopback burst of a million small packets a second fits
 * (tcpdump's 2 MiB default drops packets at that rate).
 */
#define TV_CAP_DEFAULT_BUFFER_KIB 8192
/* The most libpcap takes: its buffer size is an int of bytes. */
#define TV_CAP_MAX_BUFFER_KIB (0x7fffffff / 1024)	/* 2097151 */

/* Error codes of tv_cap_open_live(). */
#define TV_CAP_EPERM	(-2)	/* no CAP_NET_RAW: errbuf says how to get it */
#define TV_CAP_ENODEV	(-3)	/* no such interface */
#define TV_CAP_EOTHER	(-1)

/*
 * Open a live capture (packets packed densely in the kernel's ring, each
 * delivered within 10 ms) with `filter` compiled into the kernel.  Returns NULL and sets
 * *err to a TV_CAP_E* code with a message in errbuf (a buffer_kib above
 * TV_CAP_MAX_BUFFER_KIB is refused so, the range in the message).
 */
struct tv_cap *tv_cap_open_live(const struct tv_live_opts *lo,
    const char *filter, int *err, char *errbuf);

/*
 * Save every record that tv_cap_next() returns matching the filter (as
 * tcpdump -r -w does; the caller stops reading at -c) to `path` (pcap; "-" is
 * standard output), created or truncated now.  0, or -1 with the reason
 * (strerror) in errbuf.  Every write is checked: once one fails, nothing
 * more is written and tv_cap_next() returns TV_CAP_DAMAGED with
 * "writing PATH: REASON" in errbuf from then on.  Live, the file is
 * flushed whenever no packet came within the wait.
 */
int tv_cap_dump_open(struct tv_cap *cap, const char *path, char *errbuf);

/* -w of a pcapng input whose interfaces have several link types: the
 * file holds the records of the first interface's type (tv_cap_link) and
 * this many matching records of the others were left out. */
uint64_t tv_cap_dump_skipped(const struct tv_cap *cap);

/* The errno of the first write, flush or close of the dump file that
 * failed; 0: none (or no dump file). */
int tv_cap_dump_failed(const struct tv_cap *cap);

/* Flush and close the dump file (if open): 0, or the errno of the first
 * failure, now or earlier. */
int tv_cap_dump_close(struct tv_cap *cap);

/* Kernel counters of a live capture, as tcpdump prints them at exit. */
struct tv_cap_stats {
	uint64_t received;	/* received by filter */
	uint64_t dropped;	/* dropped by kernel */
	uint64_t if_dropped;
};
int tv_cap_stats(struct tv_cap *cap, struct tv_cap_stats *st);

/* Print the interfaces as tcpdump -D does; 0 or -1 with errbuf. */
int tv_cap_list_interfaces(FILE *fp, char *errbuf);

/* The enum tv_link value of the input (its pcap LINKTYPE_ number); of a
 * pcapng file its first interface's (each record says its own). */
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
 * The next record.  With a dump file open, a record that matches the
 * filter is in it (buffered) before this returns; TV_CAP_DAMAGED when writing it failed (see
 * tv_cap_dump_open).
 */
enum tv_cap_next tv_cap_next(struct tv_cap *cap, struct tv_rec *rec,
    int *match, char *errbuf);

/* Live: how long tv_cap_next() waits for a packet before it returns TV_CAP_IDLE. */
void tv_cap_set_wait(struct tv_cap *cap, int ms);

/* The lab: read the live captures a and b as one, a's wait for both;
 * tv_cap_next(a) returns the records of either (rec->end says whose)
 * and tv_cap_close(a) closes b too.  Each record's data stays valid
 * until the next tv_cap_next(a). */
void tv_cap_join(struct tv_cap *a, struct tv_cap *b);

/* Close the capture; the dump file, if any, is flushed and closed.
 * Returns 0, or -1 when the dump file could not be written (then or
 * before; tv_cap_dump_close() says why). */
int tv_cap_close(struct tv_cap *cap);

/* "libpcap version 1.10.3 ..." */
const char *tv_cap_lib_version(void);

#endif /* TV_CAP_H */
