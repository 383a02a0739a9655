/* \summary: capture input: classic pcap and live capture through libpcap, pcapng through tcpviz's own reader */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <net/if.h>

#include <poll.h>
#include <sys/socket.h>
#include <linux/if_packet.h>

#include <pcap/pcap.h>

#include "tv_cap.h"
#include "tv_cursor.h"
#include "tv_decode.h"
#include "tv_pcapng-int.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23	/* Linux 4.20 */
#endif

/* pcapng: the link types a filter is compiled for, at most (a record of
 * one more never matches) */
#define MAX_LINK_PROGS 16

struct tv_cap {
	pcap_t *p;
	char *rbuf;		/* a file's stdio buffer (READ_BUF), freed after pcap_close */
	pcap_dumper_t *dump;
	FILE *dump_fp;		/* pcap_dump_file(dump) */
	char *dump_path;
	int dump_err;		/* errno of the first failed write, flush or close */
	int live;
	int classic;		/* a classic pcap file: unsigned 32-bit seconds */
	int fd;			/* live: selectable descriptor */
	int timeout_ms;
	struct bpf_program prog;
	int has_prog;
	int link;
	int digits;
	struct tv_cap *peer;	/* tv_cap_join(): read with this one */
	int turn;
	/* pcapng (tv_pcapng.c): p is a dead pcap_t of the first interface's
	 * link type, for -w and the filter; a program per link type */
	struct tv_ng *ng;
	FILE *ngfp;
	int prec;		/* --time-stamp-precision: 6, 9, or 0 */
	struct link_prog {
		int link;
		int ok;		/* the filter compiled for this link type */
		struct bpf_program prog;
	} progs[MAX_LINK_PROGS];
	int nprogs;
	char *filter;		/* pcapng: for the link types still to come */
	uint64_t dump_skipped;	/* -w: records of another link type */
};

/* DLT_ values differ from LINKTYPE_ values for a few types (DLT_RAW is
 * 12 or 14 on some systems, 101 in files): map what pcap_datalink() says
 * back to the file's LINKTYPE_ number, which is what the decoder takes. */
static int
dlt_to_link(int dlt)
{
	switch (dlt) {
	case DLT_NULL:		return TV_LINK_NULL;
	case DLT_EN10MB:	return TV_LINK_ETHERNET;
	case DLT_PPP:		return TV_LINK_PPP;
	case DLT_PPP_SERIAL:	return TV_LINK_PPP_SERIAL;
	case DLT_FDDI:		return TV_LINK_FDDI;
#ifdef DLT_NFLOG
	case DLT_NFLOG:		return TV_LINK_NFLOG;
#endif
#ifdef DLT_IPOIB
	case DLT_IPOIB:		return TV_LINK_IPOIB;
#endif
	case DLT_IEEE802_11_RADIO: return TV_LINK_IEEE802_11_RADIO;
	case DLT_RAW:		return TV_LINK_RAW;
#ifdef DLT_LOOP
	case DLT_LOOP:		return TV_LINK_LOOP;
#endif
	case DLT_LINUX_SLL:	return TV_LINK_LINUX_SLL;
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2:	return TV_LINK_LINUX_SLL2;
#endif
#ifdef DLT_IPV4
	case DLT_IPV4:		return TV_LINK_IPV4;
	case DLT_IPV6:		return TV_LINK_IPV6;
#endif
	}
	return -1;
}

/*
 * Seconds are kept between TS_SEC_MIN (1952) and TS_SEC_MAX (2^33 s,
 * the year 2242): a classic pcap's unsigned 32-bit seconds reach 2106,
 * pcapng's 64-bit times go on, and a damaged pcapng file may carry any
 * 64-bit time.  The core computes in int64 nanoseconds, absolute times
 * and the span between any two of them: TS_SEC_MAX - TS_SEC_MIN
 * seconds (9.13e18 ns) fit in int64 (9.22e18) with room to spare.
 */
#define TS_SEC_MAX (1LL << 33)
#define TS_SEC_MIN (-(1LL << 29))

static int64_t
clamp_sec(int64_t s)
{
	return s > TS_SEC_MAX ? TS_SEC_MAX : s < TS_SEC_MIN ? TS_SEC_MIN : s;
}

/* What tcpviz reads of a file's first bytes itself, before libpcap. */
#define PROBE_SIZE 4096

/* Live: a packet reaches tcpviz at the latest this long after it was captured. */
#define DELIVER_MS 10

/* How many of the first bytes the probe needs, having `n` of them: the
 * magic (a pcapng file tv_pcapng.c reads whole, from its first byte). */
static size_t
probe_need(const uint8_t *buf, size_t n)
{
	(void)buf;
	return n < 4 ? 4 : n;
}

/*
 * The timestamp digits of a classic pcap file, from its magic (those
 * with nanosecond timestamps carry their own); anything else means 6:
 * libpcap judges it.  *pcapng is set when the magic is pcapng's.
 */
static int
peek_digits(const uint8_t *buf, size_t n, int *pcapng)
{
	struct tv_cur c;
	uint32_t magic;

	tv_cur_init(&c, buf, n);
	magic = tv_cur_be32(&c);
	*pcapng = magic == 0x0a0d0d0a;
	return magic == 0xa1b23c4d || magic == 0x4d3cb2a1 ? 9 : 6;
}

/*
 * A stream that cannot go back (a pipe, a FIFO, a terminal) is read by
 * the probe once; libpcap then reads a stream that gives the probed bytes
 * again, then the rest of the descriptor.  read(2) hands out what has
 * come, so a live `tcpdump -w - | tcpviz -r -` is drawn as it arrives.
 */
#define READ_BUF (1u << 17)	/* a file's reads: 128 KiB (docs/performance.md) */

struct replay {		/* fopencookie: the Makefile defines _GNU_SOURCE */
	FILE *fp;		/* the input; closed with the stream unless stdin */
	size_t len, off;
	uint8_t buf[PROBE_SIZE];
};

static ssize_t
replay_read(void *cookie, char *b, size_t n)
{
	struct replay *r = cookie;

	if (r->off < r->len) {
		size_t k = r->len - r->off < n ? r->len - r->off : n;

		memcpy(b, r->buf + r->off, k);
		r->off += k;
		return (ssize_t)k;
	}
	return read(fileno(r->fp), b, n);	/* an EINTR reaches libpcap: Ctrl-C */
}

static int
replay_close(void *cookie)
{
	struct replay *r = cookie;
	int rc = r->fp != stdin ? fclose(r->fp) : 0;

	free(r);
	return rc;
}

/* The first bytes of fd into buf (up to what probe_need asks); their
 * number, or -1 with errno. */
static ssize_t
probe_read(int fd, uint8_t *buf)
{
	size_t n = 0;
	int tries = 0;

	while (n < probe_need(buf, n) && tries++ < PROBE_SIZE + 64) {
		ssize_t r = read(fd, buf + n, probe_need(buf, n) - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	return (ssize_t)n;
}

/*
 * The input's first bytes into digits and classic, and the stream for
 * libpcap, from its start: fp itself when it can seek back (a file),
 * else a replaying stream around it.  NULL with errno.
 */
static FILE *
probe_input(FILE *fp, struct tv_cap *cap)
{
	static const cookie_io_functions_t io = { replay_read, NULL, NULL,
	    replay_close };
	struct replay *r;
	struct stat st;
	off_t start = -1;
	ssize_t n;
	FILE *s;
	int fd = fileno(fp), ng;

	if ((r = malloc(sizeof(*r))) == NULL)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		start = lseek(fd, 0, SEEK_CUR);
	if ((n = probe_read(fd, r->buf)) < 0) {
		free(r);
		return NULL;
	}
	cap->digits = peek_digits(r->buf, (size_t)n, &ng);
	cap->classic = !ng;
	if (start >= 0 && lseek(fd, start, SEEK_SET) == start) {
		free(r);	/* stdio has read nothing of fp yet */
		/* large reads: stdio's 4 KiB made 262,000 read()s a GB
		 * (glibc takes the size only with a buffer; stdin, never
		 * closed, keeps its own) */
		if (fp != stdin && (cap->rbuf = malloc(READ_BUF)) != NULL &&
		    setvbuf(fp, cap->rbuf, _IOFBF, READ_BUF) != 0) {
			free(cap->rbuf);
			cap->rbuf = NULL;
		}
		return fp;
	}
	r->fp = fp;
	r->len = (size_t)n;
	r->off = 0;
	if ((s = fopencookie(r, "rb", io)) == NULL)
		free(r);
	return s;
}

/* "bad filter: REASON (in 'FILTER')", the filter cut to FILTER_SHOWN
 * characters and control characters shown as '?': the reason first, so a
 * long filter never hides it. */
#define FILTER_SHOWN 60

static void
filter_error(char *errbuf, const char *filter, const char *why)
{
	char shown[FILTER_SHOWN + 1];
	size_t i;
	int cut;

	for (i = 0; i < FILTER_SHOWN && filter[i] != '\0'; i++)
		shown[i] = (unsigned char)filter[i] < 0x20 ||
		    filter[i] == 0x7f ? '?' : filter[i];
	cut = filter[i] != '\0';
	while (cut && i > 0 && ((unsigned char)filter[i] & 0xc0) == 0x80)
		i--;		/* not inside a UTF-8 character */
	shown[i] = '\0';
	snprintf(errbuf, TV_ERRBUF_SIZE, "bad filter: %s (in '%s%s')", why,
	    shown, cut ? "..." : "");
}

static void
unsupported(int dlt, char *errbuf)
{
	const char *name = pcap_datalink_val_to_name(dlt);

	snprintf(errbuf, TV_ERRBUF_SIZE,
	    "unsupported link type %s (%d); tcpviz reads EN10MB, "
	    "LINUX_SLL, LINUX_SLL2, NULL, LOOP, RAW, IPV4, IPV6, PPP, "
	    "PPP_SERIAL, IEEE802_11_RADIO, FDDI, NFLOG and IPOIB",
	    name ? name : "unknown", dlt);
}

/* A file's LINKTYPE_ value as the DLT_ value libpcap's compiler takes
 * (they differ for RAW: DLT_RAW is 12 on Linux, 101 in files). */
static int
link_to_dlt(int link)
{
	return link == TV_LINK_RAW ? DLT_RAW : link;
}

/*
 * The filter's program for records of link type `link`, compiled the
 * first time one comes (pcap_open_dead of that type); NULL when
 * MAX_LINK_PROGS types have one already.  A type the filter cannot be
 * compiled for ("ether host" on RAW) is kept with ok 0: none of its
 * records match, as none could.
 */
static const struct link_prog *
prog_for(struct tv_cap *cap, int link)
{
	struct link_prog *lp;
	pcap_t *dead;
	int i;

	for (i = 0; i < cap->nprogs; i++)
		if (cap->progs[i].link == link)
			return &cap->progs[i];
	if (cap->nprogs == MAX_LINK_PROGS)
		return NULL;
	lp = &cap->progs[cap->nprogs++];
	lp->link = link;
	dead = pcap_open_dead(link_to_dlt(link), 262144);
	lp->ok = dead != NULL && pcap_compile(dead, &lp->prog, cap->filter,
	    1, PCAP_NETMASK_UNKNOWN) == 0;
	if (dead != NULL)
		pcap_close(dead);
	return lp;
}

/* pcapng: the first interface's link type decides what a filter that
 * does not compile says, and what -w writes. */
static int
ng_filter(struct tv_cap *cap, const char *filter, char *errbuf)
{
	struct link_prog *lp = &cap->progs[0];

	if ((cap->filter = strdup(filter)) == NULL) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "out of memory");
		return -1;
	}
	lp->link = cap->link;
	if (pcap_compile(cap->p, &lp->prog, filter, 1,
	    PCAP_NETMASK_UNKNOWN) < 0) {
		filter_error(errbuf, filter, pcap_geterr(cap->p));
		return -1;
	}
	lp->ok = 1;
	cap->nprogs = 1;
	return 0;
}

/*
 * A pcapng input, read by tcpviz's own reader (tv_pcapng.c) whatever
 * its interfaces; cap->p is a dead pcap_t of the first interface's link
 * type and snaplen for the filter and -w.  cap closed on failure.
 */
static struct tv_cap *
open_ng(struct tv_cap *cap, FILE *in, const char *filter, int prec,
    char *errbuf)
{
	uint32_t snap;

	cap->ngfp = in;
	cap->prec = prec == 6 || prec == 9 ? prec : 0;
	if ((cap->ng = tv_ng_open(in, errbuf)) == NULL) {
		tv_cap_close(cap);
		return NULL;
	}
	cap->link = tv_ng_first_link(cap->ng);
	if (cap->prec == 0)
		cap->digits = tv_ng_digits(cap->ng);
	snap = tv_ng_first_snaplen(cap->ng);
	cap->p = pcap_open_dead_with_tstamp_precision(link_to_dlt(cap->link),
	    snap == 0 || snap > 262144 ? 262144 : (int)snap, cap->digits == 9 ?
	    PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
	if (cap->p == NULL)
		snprintf(errbuf, TV_ERRBUF_SIZE, "out of memory");
	else if (!tv_link_supported(cap->link))
		unsupported(link_to_dlt(cap->link), errbuf);
	else if (filter == NULL || ng_filter(cap, filter, errbuf) == 0)
		return cap;
	tv_cap_close(cap);
	return NULL;
}

struct tv_cap *
tv_cap_open_file(const char *path, const char *filter, char *errbuf)
{
	return tv_cap_open_file_prec(path, filter, 0, errbuf);
}

struct tv_cap *
tv_cap_open_file_prec(const char *path, const char *filter, int digits,
    char *errbuf)
{
	char pe[PCAP_ERRBUF_SIZE];
	struct tv_cap *cap;
	FILE *fp, *in;
	int dlt;

	cap = calloc(1, sizeof(*cap));
	if (cap == NULL) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "out of memory");
		return NULL;
	}
	pe[0] = '\0';
	fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (fp == NULL || (in = probe_input(fp, cap)) == NULL) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "%s", strerror(errno));
		if (fp != NULL && fp != stdin)
			fclose(fp);
		free(cap);
		return NULL;
	}
	/* asked for: libpcap scales every time to it */
	if (digits == 6 || digits == 9)
		cap->digits = digits;
	if (!cap->classic)
		return open_ng(cap, in, filter, digits, errbuf);
	/* on success pcap owns the stream and closes it (never stdin) */
	cap->p = pcap_fopen_offline_with_tstamp_precision(in,
	    cap->digits == 9 ? PCAP_TSTAMP_PRECISION_NANO :
	    PCAP_TSTAMP_PRECISION_MICRO, pe);
	if (cap->p == NULL) {
		if (in != stdin)
			fclose(in);	/* a replaying stream closes fp too */
		if (strstr(pe, "unknown file format") != NULL)
			snprintf(errbuf, TV_ERRBUF_SIZE,
			    "not a pcap or pcapng capture file (%s)", pe);
		else
			snprintf(errbuf, TV_ERRBUF_SIZE, "%s", pe);
		free(cap->rbuf);
		free(cap);
		return NULL;
	}
	dlt = pcap_datalink(cap->p);
	cap->link = dlt_to_link(dlt);
	if (cap->link < 0 || !tv_link_supported(cap->link)) {
		unsupported(dlt, errbuf);
		tv_cap_close(cap);
		return NULL;
	}
	if (filter != NULL) {
		if (pcap_compile(cap->p, &cap->prog, filter, 1,
		    PCAP_NETMASK_UNKNOWN) < 0) {
			filter_error(errbuf, filter, pcap_geterr(cap->p));
			tv_cap_close(cap);
			return NULL;
		}
		cap->has_prog = 1;
	}
	return cap;
}

int
tv_cap_link(const struct tv_cap *cap)
{
	return cap->link;
}

const char *
tv_cap_link_name(const struct tv_cap *cap)
{
	const char *n = pcap_datalink_val_to_name(pcap_datalink(cap->p));

	return n ? n : "unknown";
}

int
tv_cap_ts_digits(const struct tv_cap *cap)
{
	return cap->digits;
}

void
tv_cap_set_wait(struct tv_cap *cap, int ms)
{
	cap->timeout_ms = ms;
}

/* The dump file failed with errno e: remember the first reason, write
 * nothing more; the message for tv_cap_next's errbuf. */
static enum tv_cap_next
dump_failed(struct tv_cap *cap, int e, char *errbuf)
{
	if (cap->dump_err == 0)
		cap->dump_err = e ? e : EIO;
	snprintf(errbuf, TV_ERRBUF_SIZE, "writing %s: %s", cap->dump_path,
	    strerror(cap->dump_err));
	return TV_CAP_DAMAGED;
}

/* Live, nothing came: push what the dump file holds buffered out (so a
 * quiet capture's file is current and a failure shows at once). */
static enum tv_cap_next
idle(struct tv_cap *cap, char *errbuf)
{
	if (cap->dump_fp != NULL && fflush(cap->dump_fp) != 0)
		return dump_failed(cap, errno, errbuf);
	return TV_CAP_IDLE;
}

/* The record's time: a classic pcap's seconds are unsigned 32-bit (to
 * 2106; libpcap hands them out sign-extended), and its fraction field a
 * signed 32-bit number that a damaged file may put outside 0..unit-1:
 * carry it into the seconds. */
static void
rec_time(const struct tv_cap *cap, const struct pcap_pkthdr *h,
    struct tv_rec *rec)
{
	int64_t sec, frac, unit = cap->digits == 9 ? 1000000000 : 1000000;

	sec = cap->classic ? (int64_t)(uint32_t)h->ts.tv_sec :
	    clamp_sec((int64_t)h->ts.tv_sec);
	frac = (int64_t)h->ts.tv_usec;
	if (frac < 0 || frac >= unit) {	/* a damaged record (a division
					 * costs a tenth of a packet's time) */
		sec += frac / unit;
		frac %= unit;
		if (frac < 0) {
			frac += unit;
			sec--;
		}
	}
	rec->ts_sec = clamp_sec(sec);
	rec->ts_nsec = (uint32_t)frac * (cap->digits == 9 ? 1u : 1000u);
}

/* A record that matches the filter into the dump file: pcap_dump() says
 * nothing, so a write that failed (the buffer's, when it fills) is seen
 * in the stream's error flag. */
static enum tv_cap_next
dump_rec(struct tv_cap *cap, const struct pcap_pkthdr *h, const u_char *data,
    char *errbuf)
{
	errno = 0;
	pcap_dump((u_char *)cap->dump, h, data);
	if (ferror(cap->dump_fp))
		return dump_failed(cap, errno, errbuf);
	return TV_CAP_PACKET;
}

/*
 * The next record of a pcapng input: each with its interface's link
 * type, matched by the filter's program for that type.  -w writes those
 * of the first interface's type (a pcap file holds one), and counts the
 * rest (tv_cap_dump_skipped).
 */
static enum tv_cap_next
next_ng(struct tv_cap *cap, struct tv_rec *rec, int *match, char *errbuf)
{
	const struct link_prog *lp;
	struct tv_ng_rec nr;
	struct pcap_pkthdr h;
	int r = tv_ng_next(cap->ng, &nr, errbuf);

	if (r <= 0)
		return r == 0 ? TV_CAP_END : TV_CAP_DAMAGED;
	rec->data = nr.data;
	rec->caplen = nr.caplen;
	rec->wirelen = nr.wirelen;
	rec->link = nr.link;
	rec->ts_sec = clamp_sec(nr.ts_sec);
	rec->ts_nsec = cap->prec == 6 ? nr.ts_nsec / 1000 * 1000 : nr.ts_nsec;
	h.caplen = nr.caplen;
	h.len = nr.wirelen;
	h.ts.tv_sec = (time_t)rec->ts_sec;
	h.ts.tv_usec = cap->digits == 9 ? rec->ts_nsec : rec->ts_nsec / 1000;
	*match = cap->filter == NULL ||
	    ((lp = prog_for(cap, nr.link)) != NULL && lp->ok &&
	    pcap_offline_filter(&lp->prog, &h, nr.data) != 0);
	if (cap->dump == NULL || !*match)
		return TV_CAP_PACKET;
	if (nr.link != cap->link) {
		cap->dump_skipped++;
		return TV_CAP_PACKET;
	}
	return dump_rec(cap, &h, nr.data, errbuf);
}

uint64_t
tv_cap_dump_skipped(const struct tv_cap *cap)
{
	return cap->dump_skipped;
}

/* Two joined captures: wait for either, take from each in turn. */
static enum tv_cap_next
next_joined(struct tv_cap *cap, struct tv_rec *rec, int *match, char *errbuf)
{
	struct tv_cap *c[2] = { cap, cap->peer };
	struct pollfd pfd[2] = { { .fd = cap->fd, .events = POLLIN },
	    { .fd = cap->peer->fd, .events = POLLIN } };
	enum tv_cap_next r;
	int k, i;

	if (poll(pfd, 2, cap->timeout_ms) <= 0)
		return idle(cap, errbuf);
	for (k = 0; k < 2; k++) {
		i = cap->turn ^ k;
		if (!(pfd[i].revents & (POLLIN | POLLERR | POLLHUP)))
			continue;
		c[i]->timeout_ms = 0;
		c[i]->peer = NULL;
		r = tv_cap_next(c[i], rec, match, errbuf);
		c[0]->peer = c[1];
		c[0]->timeout_ms = cap->timeout_ms;
		if (r == TV_CAP_IDLE)
			continue;
		cap->turn = !i;
		rec->end = (uint8_t)i;
		return r;
	}
	return idle(cap, errbuf);
}

void
tv_cap_join(struct tv_cap *a, struct tv_cap *b)
{
	a->peer = b;
}

enum tv_cap_next
tv_cap_next(struct tv_cap *cap, struct tv_rec *rec, int *match, char *errbuf)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int r;

	if (cap->peer != NULL)
		return next_joined(cap, rec, match, errbuf);
	rec->end = 0;
	if (cap->dump_err)		/* the file cannot be written: stop */
		return dump_failed(cap, cap->dump_err, errbuf);
	if (cap->ng != NULL)
		return next_ng(cap, rec, match, errbuf);
	if (cap->live) {
		/* In immediate mode libpcap on Linux may wait in poll() with
		 * no timeout; wait here instead so time can pass (signals,
		 * reaping) when no packet comes. */
		struct pollfd pfd = { .fd = cap->fd, .events = POLLIN };

		if (poll(&pfd, 1, cap->timeout_ms) <= 0)
			return idle(cap, errbuf);
	}
	r = pcap_next_ex(cap->p, &h, &data);
	if (r == PCAP_ERROR_BREAK)
		return TV_CAP_END;
	if (r < 0) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "%s", pcap_geterr(cap->p));
		return TV_CAP_DAMAGED;
	}
	if (r == 0)	/* live: the timeout passed */
		return idle(cap, errbuf);
	*match = !cap->has_prog || pcap_offline_filter(&cap->prog, h, data) != 0;
	/* only what the filter selects, as tcpdump -r -w saves it (live,
	 * the kernel filtered already: every record matches) */
	if (cap->dump && *match && dump_rec(cap, h, data, errbuf) != TV_CAP_PACKET)
		return TV_CAP_DAMAGED;
	rec->data = data;
	rec->link = cap->link;
	rec->caplen = h->caplen;
	rec->wirelen = h->len;
	rec_time(cap, h, rec);
	return TV_CAP_PACKET;
}

int
tv_cap_dump_failed(const struct tv_cap *cap)
{
	return cap->dump_err;
}

int
tv_cap_dump_close(struct tv_cap *cap)
{
	FILE *fp = cap->dump_fp;

	if (cap->dump == NULL)
		return cap->dump_err;
	cap->dump = NULL;
	cap->dump_fp = NULL;
	/* pcap_dump_close() is fclose() of this stream and returns nothing:
	 * flush and close it here, where the results can be seen */
	errno = 0;
	if ((fflush(fp) != 0 || ferror(fp)) && cap->dump_err == 0)
		cap->dump_err = errno ? errno : EIO;
	errno = 0;
	if (fclose(fp) != 0 && cap->dump_err == 0)
		cap->dump_err = errno ? errno : EIO;
	return cap->dump_err;
}

int
tv_cap_close(struct tv_cap *cap)
{
	int r, i;

	if (cap == NULL)
		return 0;
	if (cap->peer != NULL)
		tv_cap_close(cap->peer);
	r = tv_cap_dump_close(cap) != 0 ? -1 : 0;
	free(cap->dump_path);
	if (cap->has_prog)
		pcap_freecode(&cap->prog);
	for (i = 0; i < cap->nprogs; i++)
		if (cap->progs[i].ok)
			pcap_freecode(&cap->progs[i].prog);
	if (cap->p)
		pcap_close(cap->p);
	tv_ng_close(cap->ng);
	if (cap->ngfp != NULL && cap->ngfp != stdin)
		fclose(cap->ngfp);	/* a replaying stream closes fp too */
	free(cap->filter);
	free(cap->rbuf);
	free(cap);
	return r;
}

/*
 * Is there an interface NAME (a network device, or one of libpcap's own:
 * any, usbmon ...)?  Asked before pcap_create(), which without privileges
 * says "permission" for a name that does not exist.  *loopback is set for
 * a loopback interface.  1 or 0.
 */
static int
iface_exists(const char *name, int *loopback)
{
	char pe[PCAP_ERRBUF_SIZE];
	pcap_if_t *all, *d;
	int found = 0;

	*loopback = 0;
	if (pcap_findalldevs(&all, pe) < 0)
		return if_nametoindex(name) != 0;
	for (d = all; d != NULL; d = d->next)
		if (strcmp(d->name, name) == 0) {
			found = 1;
			*loopback = (d->flags & PCAP_IF_LOOPBACK) != 0;
			break;
		}
	pcap_freealldevs(all);
	return found || if_nametoindex(name) != 0;
}

int
tv_cap_linktype_known(const char *name)
{
	return pcap_datalink_name_to_val(name) >= 0;
}

/* pcap_activate()'s failure into a TV_CAP_E* code and errbuf. */
static int
activate_error(pcap_t *p, int r, char *errbuf)
{
	if (r == PCAP_ERROR_PERM_DENIED) {
		snprintf(errbuf, TV_ERRBUF_SIZE,
		    "no permission to capture (capturing needs CAP_NET_RAW)");
		return TV_CAP_EPERM;
	}
	if (r == PCAP_ERROR_NO_SUCH_DEVICE) {
		snprintf(errbuf, TV_ERRBUF_SIZE,
		    "no such interface (tcpviz -D lists them)");
		return TV_CAP_ENODEV;
	}
	snprintf(errbuf, TV_ERRBUF_SIZE, "%s", pcap_geterr(p));
	return TV_CAP_EOTHER;
}

/* A pcap_t for IFACE, not yet activated; NULL with *err and errbuf. */
static pcap_t *
create(const char *iface, int *loopback, int *err, char *errbuf)
{
	char pe[PCAP_ERRBUF_SIZE];
	pcap_t *p;

	if (!iface_exists(iface, loopback)) {
		*err = TV_CAP_ENODEV;
		snprintf(errbuf, TV_ERRBUF_SIZE,
		    "no such interface (tcpviz -D lists them)");
		return NULL;
	}
	pe[0] = '\0';
	if ((p = pcap_create(iface, pe)) == NULL) {
		*err = TV_CAP_EOTHER;
		snprintf(errbuf, TV_ERRBUF_SIZE, "%s", pe);
	}
	return p;
}

int
tv_cap_list_linktypes(FILE *fp, const char *iface, char *errbuf)
{
	int *dl, n, i, r, err, loop;
	pcap_t *p;

	if ((p = create(iface, &loop, &err, errbuf)) == NULL)
		return err;
	if ((r = pcap_activate(p)) < 0) {
		err = activate_error(p, r, errbuf);
		pcap_close(p);
		return err;
	}
	if ((n = pcap_list_datalinks(p, &dl)) < 0) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "%s", pcap_geterr(p));
		pcap_close(p);
		return TV_CAP_EOTHER;
	}
	fprintf(fp, "Data link types for %s (use option -y to set):\n", iface);
	for (i = 0; i < n; i++) {
		const char *name = pcap_datalink_val_to_name(dl[i]);
		const char *desc = pcap_datalink_val_to_description(dl[i]);

		if (name != NULL)
			fprintf(fp, "  %s (%s)%s\n", name, desc ? desc : name,
			    dlt_to_link(dl[i]) < 0 ? " (not read by tcpviz)" : "");
		else
			fprintf(fp, "  DLT %d%s\n", dl[i],
			    dlt_to_link(dl[i]) < 0 ? " (not read by tcpviz)" : "");
	}
	pcap_free_datalinks(dl);
	pcap_close(p);
	return 0;
}

/* After activation: -y, then -Q (not on loopback, where every packet is
 * both sent and received, and libpcap keeps only the arriving copy: "out"
 * would take nothing).  0, or -1 with errbuf. */
static int
set_link_dir(struct tv_cap *cap, const struct tv_live_opts *lo, int loopback,
    const char *iface, char *errbuf)
{
	static const pcap_direction_t dirs[] = {
		[TV_DIR_INOUT] = PCAP_D_INOUT, [TV_DIR_IN] = PCAP_D_IN,
		[TV_DIR_OUT] = PCAP_D_OUT,
	};

	if (lo->linktype != NULL) {
		int dlt = pcap_datalink_name_to_val(lo->linktype);

		if (dlt < 0 || pcap_set_datalink(cap->p, dlt) < 0) {
			snprintf(errbuf, TV_ERRBUF_SIZE, "-y %s: not a link type "
			    "of %s (tcpviz -L -i %s lists them)", lo->linktype,
			    iface, iface);
			return -1;
		}
	}
	if (lo->dir != TV_DIR_INOUT && !loopback &&
	    pcap_setdirection(cap->p, dirs[lo->dir]) < 0) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "-Q: %s", pcap_geterr(cap->p));
		return -1;
	}
	/* on loopback the copy a packet leaves as is dropped by libpcap
	 * after it took a place in the ring; PACKET_IGNORE_OUTGOING (Linux
	 * 4.20) has the kernel drop it first, so the ring holds twice as many
	 * packets.  Where the kernel cannot, libpcap still drops it. */
	if (loopback && lo->dir != TV_DIR_OUT) {
		int one = 1;

		(void)setsockopt(pcap_fileno(cap->p), SOL_PACKET,
		    PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	}
	return 0;
}

struct tv_cap *
tv_cap_open_live(const struct tv_live_opts *lo, const char *filter, int *err,
    char *errbuf)
{
	const char *iface = lo->iface ? lo->iface : "lo";
	char pe[PCAP_ERRBUF_SIZE];
	int64_t kib = lo->buffer_kib > 0 ? lo->buffer_kib : TV_CAP_DEFAULT_BUFFER_KIB;
	struct tv_cap *cap;
	int r, dlt, loopback;

	*err = TV_CAP_EOTHER;
	if (kib > TV_CAP_MAX_BUFFER_KIB) {	/* libpcap takes an int of bytes */
		snprintf(errbuf, TV_ERRBUF_SIZE, "buffer size %lld KiB is more "
		    "than libpcap takes (-B 1 to %d KiB)", (long long)kib,
		    TV_CAP_MAX_BUFFER_KIB);
		return NULL;
	}
	if ((cap = calloc(1, sizeof(*cap))) == NULL) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "out of memory");
		return NULL;
	}
	cap->live = 1;
	cap->digits = lo->digits == 9 ? 9 : 6;
	pe[0] = '\0';
	if ((cap->p = create(iface, &loopback, err, errbuf)) == NULL) {
		free(cap);
		return NULL;
	}
	if (cap->digits == 9 && pcap_set_tstamp_precision(cap->p,
	    PCAP_TSTAMP_PRECISION_NANO) < 0) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "%s: no nanosecond time stamps "
		    "here (--time-stamp-precision=micro)", iface);
		tv_cap_close(cap);
		return NULL;
	}
	pcap_set_snaplen(cap->p, lo->snaplen > 0 ? lo->snaplen : 262144);
	pcap_set_buffer_size(cap->p, (int)(kib * 1024));
	/* not immediate mode: libpcap then packs packets densely in a TPACKET_V3
	 * ring (immediate mode takes a frame of the snaplen for each, so a 8 MiB
	 * buffer held only ~128 packets of lo and a burst dropped); a block is
	 * handed over at the latest after DELIVER_MS, which a reader of the
	 * ladder does not see */
	pcap_set_immediate_mode(cap->p, 0);
	pcap_set_timeout(cap->p, DELIVER_MS);
	r = pcap_activate(cap->p);
	if (r < 0) {
		*err = activate_error(cap->p, r, errbuf);
		tv_cap_close(cap);
		return NULL;
	}
	if (set_link_dir(cap, lo, loopback, iface, errbuf) < 0) {
		tv_cap_close(cap);
		return NULL;
	}
	cap->timeout_ms = lo->timeout_ms > 0 ? lo->timeout_ms : 100;
	if (pcap_setnonblock(cap->p, 1, pe) < 0 ||
	    (cap->fd = pcap_get_selectable_fd(cap->p)) < 0) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "cannot wait for packets: %s", pe);
		tv_cap_close(cap);
		return NULL;
	}
	dlt = pcap_datalink(cap->p);
	cap->link = dlt_to_link(dlt);
	if (cap->link < 0) {
		const char *name = pcap_datalink_val_to_name(dlt);

		snprintf(errbuf, TV_ERRBUF_SIZE, "unsupported link type %s (%d)",
		    name ? name : "unknown", dlt);
		tv_cap_close(cap);
		return NULL;
	}
	if (filter != NULL) {
		if (pcap_compile(cap->p, &cap->prog, filter, 1,
		    PCAP_NETMASK_UNKNOWN) < 0 ||
		    pcap_setfilter(cap->p, &cap->prog) < 0) {
			filter_error(errbuf, filter, pcap_geterr(cap->p));
			tv_cap_close(cap);
			return NULL;
		}
		/* the kernel filters a live capture: every record matches */
		pcap_freecode(&cap->prog);
	}
	return cap;
}

int
tv_cap_dump_open(struct tv_cap *cap, const char *path, char *errbuf)
{
	FILE *fp;
	int fd;

	/* opened here, not by pcap_dump_open(), for a plain strerror and a
	 * stream whose every failure tv_cap sees; "-" is standard output */
	fd = strcmp(path, "-") == 0 ? fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3) :
	    open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0 || (fp = fdopen(fd, "wb")) == NULL) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if ((cap->dump_path = strdup(path)) == NULL) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "out of memory");
		fclose(fp);
		return -1;
	}
	if ((cap->dump = pcap_dump_fopen(cap->p, fp)) == NULL) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "%s", pcap_geterr(cap->p));
		fclose(fp);
		free(cap->dump_path);
		cap->dump_path = NULL;
		return -1;
	}
	cap->dump_fp = pcap_dump_file(cap->dump);
	return 0;
}

int
tv_cap_stats(struct tv_cap *cap, struct tv_cap_stats *st)
{
	struct pcap_stat ps;

	memset(st, 0, sizeof(*st));
	if (!cap->live || pcap_stats(cap->p, &ps) < 0)
		return -1;
	st->received = ps.ps_recv;
	st->dropped = ps.ps_drop;
	st->if_dropped = ps.ps_ifdrop;
	return 0;
}

int
tv_cap_list_interfaces(FILE *fp, char *errbuf)
{
	char pe[PCAP_ERRBUF_SIZE];
	pcap_if_t *all, *d;
	int i = 1;

	if (pcap_findalldevs(&all, pe) < 0) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "%s", pe);
		return -1;
	}
	for (d = all; d != NULL; d = d->next, i++) {
		fprintf(fp, "%d.%s", i, d->name);
		if (d->description)
			fprintf(fp, " (%s)", d->description);
		fprintf(fp, " [%s%s%s]\n",
		    (d->flags & PCAP_IF_UP) ? "Up" : "Down",
		    (d->flags & PCAP_IF_RUNNING) ? ", Running" : "",
		    (d->flags & PCAP_IF_LOOPBACK) ? ", Loopback" : "");
	}
	pcap_freealldevs(all);
	return 0;
}

const char *
tv_cap_lib_version(void)
{
	return pcap_lib_version();
}
