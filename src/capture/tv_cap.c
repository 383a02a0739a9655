/* \summary: capture input through libpcap (the one file besides live capture that includes pcap.h) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <poll.h>

#include <pcap/pcap.h>

#include "tv_cap.h"
#include "tv_cursor.h"
#include "tv_decode.h"

struct tv_cap {
	pcap_t *p;
	pcap_dumper_t *dump;
	int live;
	int fd;			/* live: selectable descriptor */
	int timeout_ms;
	struct bpf_program prog;
	int has_prog;
	int link;
	int digits;
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

/* Seconds are kept within +-2^32 of the epoch (about 136 years): a
 * damaged pcapng file may carry any 64-bit time, and the core computes
 * in int64 nanoseconds, which hold about +-292 years. */
#define TS_SEC_LIMIT 4294967296LL

static int64_t
clamp_sec(int64_t s)
{
	return s > TS_SEC_LIMIT ? TS_SEC_LIMIT : s < -TS_SEC_LIMIT ? -TS_SEC_LIMIT : s;
}

/* 16- and 32-bit fields of a pcapng block in the file's byte order. */
static uint32_t
ng32(struct tv_cur *c, int be)
{
	return be ? tv_cur_be32(c) : tv_cur_le32(c);
}

static uint16_t
ng16(struct tv_cur *c, int be)
{
	return be ? tv_cur_be16(c) : tv_cur_le16(c);
}

/*
 * The timestamp digits of a file, from its first bytes: classic pcap
 * files with nanosecond timestamps carry their own magic; a pcapng file
 * says it in the if_tsresol option of its first interface (pcapng §4.2).
 * Anything unexpected means 6: libpcap itself judges the file.
 */
static int
peek_digits(FILE *fp)
{
	uint8_t buf[4096];
	size_t n = fread(buf, 1, sizeof(buf), fp);
	struct tv_cur c, idb;
	uint32_t magic, shb_len, idb_len;
	int be;

	rewind(fp);
	tv_cur_init(&c, buf, n);
	magic = tv_cur_be32(&c);
	if (magic == 0xa1b23c4d || magic == 0x4d3cb2a1)
		return 9;
	if (magic != 0x0a0d0d0a)
		return 6;
	tv_cur_skip(&c, 4);			/* SHB length, in an order not yet known */
	be = tv_cur_be32(&c) == 0x1a2b3c4d;	/* byte-order magic */
	c.p = buf + 4;
	shb_len = ng32(&c, be);
	tv_cur_init(&c, buf, n);
	if (shb_len < 28 || tv_cur_skip(&c, shb_len) < 0)
		return 6;
	if (ng32(&c, be) != 1)			/* the next block: an IDB? */
		return 6;
	idb_len = ng32(&c, be);
	if (idb_len < 20)
		return 6;
	idb = tv_cur_sub(&c, idb_len - 12);	/* without type, length, trailer */
	tv_cur_skip(&idb, 8);			/* link type, reserved, snaplen */
	while (tv_cur_left(&idb) >= 4) {
		uint16_t code = ng16(&idb, be), len = ng16(&idb, be);

		if (code == 0)			/* opt_endofopt */
			break;
		if (code == 9 && len == 1) {	/* if_tsresol */
			uint8_t r = tv_cur_u8(&idb);

			/* a power of ten (high bit clear) or of two */
			return ((r & 0x80) ? (r & 0x7f) > 20 : r > 6) ? 9 : 6;
		}
		if (tv_cur_skip(&idb, ((size_t)len + 3) & ~(size_t)3) < 0)
			break;
	}
	return 6;
}

struct tv_cap *
tv_cap_open_file(const char *path, const char *filter, char *errbuf)
{
	char pe[PCAP_ERRBUF_SIZE];
	struct tv_cap *cap;
	FILE *fp = NULL;
	int dlt;

	cap = calloc(1, sizeof(*cap));
	if (cap == NULL) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "out of memory");
		return NULL;
	}
	pe[0] = '\0';
	if (strcmp(path, "-") == 0) {
		cap->digits = 6;
		cap->p = pcap_open_offline(path, pe);
	} else {
		fp = fopen(path, "rb");
		if (fp == NULL) {
			snprintf(errbuf, TV_ERRBUF_SIZE, "%s", strerror(errno));
			free(cap);
			return NULL;
		}
		cap->digits = peek_digits(fp);
		/* on success pcap owns fp and closes it */
		cap->p = pcap_fopen_offline_with_tstamp_precision(fp,
		    cap->digits == 9 ? PCAP_TSTAMP_PRECISION_NANO :
		    PCAP_TSTAMP_PRECISION_MICRO, pe);
	}
	if (cap->p == NULL) {
		if (fp)
			fclose(fp);
		if (strstr(pe, "unknown file format") != NULL)
			snprintf(errbuf, TV_ERRBUF_SIZE,
			    "not a pcap or pcapng capture file (%s)", pe);
		else
			snprintf(errbuf, TV_ERRBUF_SIZE, "%s", pe);
		free(cap);
		return NULL;
	}
	dlt = pcap_datalink(cap->p);
	cap->link = dlt_to_link(dlt);
	if (cap->link < 0 || !tv_link_supported(cap->link)) {
		const char *name = pcap_datalink_val_to_name(dlt);

		snprintf(errbuf, TV_ERRBUF_SIZE,
		    "unsupported link type %s (%d); tcpviz reads EN10MB, "
		    "LINUX_SLL, LINUX_SLL2, NULL, LOOP, RAW, IPV4 and IPV6",
		    name ? name : "unknown", dlt);
		tv_cap_close(cap);
		return NULL;
	}
	if (filter != NULL) {
		if (pcap_compile(cap->p, &cap->prog, filter, 1,
		    PCAP_NETMASK_UNKNOWN) < 0) {
			snprintf(errbuf, TV_ERRBUF_SIZE, "bad filter '%s': %s",
			    filter, pcap_geterr(cap->p));
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

enum tv_cap_next
tv_cap_next(struct tv_cap *cap, struct tv_rec *rec, int *match, char *errbuf)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int64_t sec, frac, unit = cap->digits == 9 ? 1000000000 : 1000000;
	int r;

	if (cap->live) {
		/* In immediate mode libpcap on Linux may wait in poll() with
		 * no timeout; wait here instead so time can pass (signals,
		 * reaping) when no packet comes. */
		struct pollfd pfd = { .fd = cap->fd, .events = POLLIN };

		if (poll(&pfd, 1, cap->timeout_ms) <= 0)
			return TV_CAP_IDLE;
	}
	r = pcap_next_ex(cap->p, &h, &data);
	if (r == PCAP_ERROR_BREAK)
		return TV_CAP_END;
	if (r < 0) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "%s", pcap_geterr(cap->p));
		return TV_CAP_DAMAGED;
	}
	if (r == 0)	/* live: the timeout passed */
		return TV_CAP_IDLE;
	if (cap->dump)
		pcap_dump((u_char *)cap->dump, h, data);
	rec->data = data;
	rec->caplen = h->caplen;
	rec->wirelen = h->len;
	/* a classic pcap's fraction field is a signed 32-bit number that a
	 * damaged file may put outside 0..unit-1: carry it into seconds */
	sec = clamp_sec((int64_t)h->ts.tv_sec);
	frac = (int64_t)h->ts.tv_usec;
	sec += frac / unit;
	frac %= unit;
	if (frac < 0) {
		frac += unit;
		sec--;
	}
	rec->ts_sec = clamp_sec(sec);
	rec->ts_nsec = (uint32_t)frac * (cap->digits == 9 ? 1u : 1000u);
	*match = !cap->has_prog || pcap_offline_filter(&cap->prog, h, data) != 0;
	return TV_CAP_PACKET;
}

int
tv_cap_close(struct tv_cap *cap)
{
	int r = 0;

	if (cap == NULL)
		return 0;
	if (cap->dump) {
		if (pcap_dump_flush(cap->dump) != 0)
			r = -1;
		pcap_dump_close(cap->dump);
	}
	if (cap->has_prog)
		pcap_freecode(&cap->prog);
	if (cap->p)
		pcap_close(cap->p);
	free(cap);
	return r;
}

struct tv_cap *
tv_cap_open_live(const struct tv_live_opts *lo, const char *filter, int *err,
    char *errbuf)
{
	const char *iface = lo->iface ? lo->iface : "lo";
	char pe[PCAP_ERRBUF_SIZE];
	struct tv_cap *cap;
	int r, dlt;

	*err = TV_CAP_EOTHER;
	if ((cap = calloc(1, sizeof(*cap))) == NULL) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "out of memory");
		return NULL;
	}
	cap->live = 1;
	cap->digits = 6;
	pe[0] = '\0';
	if ((cap->p = pcap_create(iface, pe)) == NULL) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "%s", pe);
		free(cap);
		return NULL;
	}
	pcap_set_snaplen(cap->p, lo->snaplen > 0 ? lo->snaplen : 262144);
	pcap_set_buffer_size(cap->p, (lo->buffer_kib > 0 ? lo->buffer_kib :
	    TV_CAP_DEFAULT_BUFFER_KIB) * 1024);
	pcap_set_immediate_mode(cap->p, 1);
	pcap_set_timeout(cap->p, lo->timeout_ms > 0 ? lo->timeout_ms : 100);
	r = pcap_activate(cap->p);
	if (r < 0) {
		if (r == PCAP_ERROR_PERM_DENIED) {
			*err = TV_CAP_EPERM;
			snprintf(errbuf, TV_ERRBUF_SIZE,
			    "no permission to capture (capturing needs CAP_NET_RAW)");
		} else if (r == PCAP_ERROR_NO_SUCH_DEVICE) {
			*err = TV_CAP_ENODEV;
			snprintf(errbuf, TV_ERRBUF_SIZE,
			    "no such interface (tcpviz -D lists them)");
		} else {
			snprintf(errbuf, TV_ERRBUF_SIZE, "%s",
			    pcap_geterr(cap->p));
		}
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
			snprintf(errbuf, TV_ERRBUF_SIZE, "bad filter '%s': %s",
			    filter, pcap_geterr(cap->p));
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
	cap->dump = pcap_dump_open(cap->p, path);
	if (cap->dump == NULL) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "%s", pcap_geterr(cap->p));
		return -1;
	}
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
