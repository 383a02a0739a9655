/* \summary: tcpviz's own pcapng block reader (private to src/capture): every interface with its own link type and time resolution */
#ifndef TV_PCAPNG_INT_H
#define TV_PCAPNG_INT_H

#include <stdint.h>
#include <stdio.h>

#include "tv_errbuf.h"

/* The largest block read (a record of 16 MiB and its headers). */
#define TV_NG_MAX_BLOCK (16u << 20)
/* The most interfaces one section may describe. */
#define TV_NG_MAX_IFACES 4096

struct tv_ng;

/* One packet as read: data valid until the next tv_ng_next(). */
struct tv_ng_rec {
	const uint8_t *data;
	uint32_t caplen, wirelen;
	int64_t ts_sec;		/* clamped as struct tv_rec says */
	uint32_t ts_nsec;
	int link;		/* its interface's LINKTYPE_ value */
	uint32_t snaplen;	/* its interface's snaplen (0: none given) */
	uint32_t iface;		/* its interface's index in its section */
	int digits;		/* 9 when the interface's resolution is finer than 1 us */
};

/*
 * Read fp (positioned after nothing: its first byte is the section
 * header's) up to its first packet block, which is kept for the first
 * tv_ng_next().  NULL with a one-line message in errbuf.  fp stays the
 * caller's to close, after tv_ng_close().
 */
struct tv_ng *tv_ng_open(FILE *fp, char *errbuf);

/* The first interface's link type and snaplen; 9 when any interface
 * described before the first packet has a resolution finer than 1 us. */
int tv_ng_first_link(const struct tv_ng *ng);
uint32_t tv_ng_first_snaplen(const struct tv_ng *ng);
int tv_ng_digits(const struct tv_ng *ng);

/* The next packet: 1, 0 at the end, -1 with a message in errbuf (damage:
 * what came before stays good). */
int tv_ng_next(struct tv_ng *ng, struct tv_ng_rec *rec, char *errbuf);

void tv_ng_close(struct tv_ng *ng);

#endif /* TV_PCAPNG_INT_H */
