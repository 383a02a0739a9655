/* \summary: capture input through libpcap: files now, interfaces later */
#ifndef TV_CAP_H
#define TV_CAP_H

#include <stdint.h>

/* Large enough for libpcap's PCAP_ERRBUF_SIZE (256) plus a file name. */
#define TV_ERRBUF_SIZE 512

struct tv_cap;

/* One record as read. `data` stays valid until the next tv_cap_next(). */
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

/* The enum tv_link value of the input (its pcap LINKTYPE_ number). */
int tv_cap_link(const struct tv_cap *cap);
/* Name of the link type as libpcap spells it, for messages. */
const char *tv_cap_link_name(const struct tv_cap *cap);
/* 9 when the input has nanosecond timestamps, else 6. */
int tv_cap_ts_digits(const struct tv_cap *cap);

/*
 * Next record.  Returns 1 with *rec filled (and *match set to whether
 * the filter accepts it), 0 at the end of the input, or -1 with a
 * message in errbuf when the input is damaged or cut off.
 */
int tv_cap_next(struct tv_cap *cap, struct tv_rec *rec, int *match,
    char *errbuf);

void tv_cap_close(struct tv_cap *cap);

/* "libpcap version 1.10.3 ..." */
const char *tv_cap_lib_version(void);

#endif /* TV_CAP_H */
