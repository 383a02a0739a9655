/* \summary: tcpviz's own pcapng reader: sections of either byte order, every interface with its own link type, resolution and offset */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tv_cursor.h"
#include "tv_pcapng-int.h"

/*
 * Why not libpcap: 1.10 takes one link type and one snaplen per file and
 * stops at the first interface block that differs ("an interface has a
 * type N different from the type of the first interface"), which every
 * multi-interface Wireshark capture and every mergecap output has.  This
 * reader follows the pcapng draft (draft-ietf-opsawg-pcapng): blocks of
 * a 32-bit type and total length, the length again at the end.  Every
 * length is checked before it is used; a block is at most
 * TV_NG_MAX_BLOCK bytes, a section at most TV_NG_MAX_IFACES interfaces.
 */
#define BT_SHB	0x0a0d0d0a	/* section header, §4.1 */
#define BT_IDB	1		/* interface description, §4.2 */
#define BT_PB	2		/* packet (obsolete), Appendix A */
#define BT_SPB	3		/* simple packet, §4.4 */
#define BT_EPB	6		/* enhanced packet, §4.3 */

#define OPT_ENDOFOPT	0
#define IF_TSRESOL	9
#define IF_TSOFFSET	14

struct ng_if {
	int link;
	uint32_t snaplen;
	uint64_t units;		/* time stamp units a second */
	int pow2;		/* units is 2^exp, else 10^exp */
	unsigned exp;
	int64_t offset;		/* if_tsoffset, seconds */
};

struct tv_ng {
	FILE *fp;
	int be;			/* this section's byte order */
	int in_section;
	uint8_t *buf;		/* the current block after its type and length */
	size_t bufsize;
	uint32_t type, len;
	struct ng_if *ifs;
	uint32_t nifs, ifsize;
	struct tv_ng_rec pending;
	int has_pending;
	int first_link, digits;
	uint32_t first_snaplen;
};

static uint32_t
get32(struct tv_cur *c, int be)
{
	return be ? tv_cur_be32(c) : tv_cur_le32(c);
}

static uint16_t
get16(struct tv_cur *c, int be)
{
	return be ? tv_cur_be16(c) : tv_cur_le16(c);
}

static uint32_t
raw32(const uint8_t *b, int be)
{
	struct tv_cur c;

	tv_cur_init(&c, b, 4);
	return get32(&c, be);
}

/* n bytes into b: 0, or -1 with libpcap's words for a file cut off. */
static int
read_n(struct tv_ng *ng, uint8_t *b, size_t n, size_t want, char *errbuf)
{
	size_t got = fread(b, 1, n, ng->fp);

	if (got == n)
		return 0;
	if (ferror(ng->fp))
		snprintf(errbuf, TV_ERRBUF_SIZE, "%s", strerror(errno));
	else
		snprintf(errbuf, TV_ERRBUF_SIZE, "truncated pcapng dump file; "
		    "tried to read %zu bytes, only got %zu", want,
		    got + (want - n));
	return -1;
}

/* The block's total length checked: 0, or -1 with errbuf. */
static int
check_len(uint32_t type, uint32_t len, char *errbuf)
{
	if (len < 12 || (type == BT_SHB && len < 28))
		snprintf(errbuf, TV_ERRBUF_SIZE, "pcapng block of type %u is "
		    "%u bytes long, too short for its own header", type, len);
	else if (len % 4 != 0)
		snprintf(errbuf, TV_ERRBUF_SIZE, "pcapng block of type %u has "
		    "length %u, not a multiple of 4", type, len);
	else if (len > TV_NG_MAX_BLOCK)
		snprintf(errbuf, TV_ERRBUF_SIZE, "pcapng block of type %u is "
		    "%u bytes long (tcpviz reads blocks of at most 16 MiB)",
		    type, len);
	else
		return 0;
	return -1;
}

/*
 * The next block into ng->type, ng->len and ng->buf (body and trailer).
 * A section header sets the byte order from its own magic first.
 * 1, 0 at a clean end of the file, -1 with errbuf.
 */
static int
read_block(struct tv_ng *ng, char *errbuf)
{
	uint8_t hdr[12];
	size_t got, have = 8;

	got = fread(hdr, 1, 8, ng->fp);
	if (got == 0 && !ferror(ng->fp))
		return 0;
	if (got < 8 && read_n(ng, hdr + got, 8 - got, 8, errbuf) < 0)
		return -1;
	ng->type = raw32(hdr, ng->be);
	if (ng->type == BT_SHB) {	/* the same in either order */
		if (read_n(ng, hdr + 8, 4, 4, errbuf) < 0)
			return -1;
		have = 12;
		if (raw32(hdr + 8, 1) == 0x1a2b3c4d)
			ng->be = 1;
		else if (raw32(hdr + 8, 0) == 0x1a2b3c4d)
			ng->be = 0;
		else {
			snprintf(errbuf, TV_ERRBUF_SIZE, "pcapng section header "
			    "with a bad byte-order magic 0x%08x",
			    raw32(hdr + 8, 1));
			return -1;
		}
	} else if (!ng->in_section) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "pcapng block of type %u "
		    "before any section header", ng->type);
		return -1;
	}
	ng->len = raw32(hdr + 4, ng->be);
	if (check_len(ng->type, ng->len, errbuf) < 0)
		return -1;
	if (ng->bufsize < ng->len) {
		uint8_t *nb = realloc(ng->buf, ng->len);

		if (nb == NULL) {
			snprintf(errbuf, TV_ERRBUF_SIZE, "out of memory");
			return -1;
		}
		ng->buf = nb;
		ng->bufsize = ng->len;
	}
	memcpy(ng->buf, hdr + 8, have - 8);
	if (read_n(ng, ng->buf + (have - 8), ng->len - have, ng->len - 8,
	    errbuf) < 0)
		return -1;
	if (raw32(ng->buf + ng->len - 12, ng->be) != ng->len) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "pcapng block of type %u: its "
		    "trailing length %u is not its length %u", ng->type,
		    raw32(ng->buf + ng->len - 12, ng->be), ng->len);
		return -1;
	}
	return 1;
}

/* A section header: a new section, its interfaces numbered from 0. */
static int
take_shb(struct tv_ng *ng, struct tv_cur *b, char *errbuf)
{
	uint16_t major, minor;

	tv_cur_skip(b, 4);		/* the byte-order magic */
	major = get16(b, ng->be);
	minor = get16(b, ng->be);
	if (major != 1) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "pcapng section of version "
		    "%u.%u (tcpviz reads 1.x)", major, minor);
		return -1;
	}
	ng->in_section = 1;
	ng->nifs = 0;
	return 0;
}

/* if_tsresol (§4.2): a power of ten, or of two with the high bit set. */
static int
set_tsresol(struct ng_if *ifc, uint8_t r, uint32_t idx, char *errbuf)
{
	unsigned i;

	ifc->pow2 = (r & 0x80) != 0;
	ifc->exp = r & 0x7f;
	if (ifc->exp > (ifc->pow2 ? 63u : 19u)) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "pcapng interface %u: if_tsresol "
		    "%s^-%u is finer than tcpviz reads (%s)", idx,
		    ifc->pow2 ? "2" : "10", ifc->exp,
		    ifc->pow2 ? "2^-63" : "10^-19");
		return -1;
	}
	ifc->units = 1;
	for (i = 0; i < ifc->exp; i++)
		ifc->units *= ifc->pow2 ? 2 : 10;
	return 0;
}

/* The options of an interface block: if_tsresol and if_tsoffset. */
static int
idb_options(struct tv_ng *ng, struct tv_cur *b, struct ng_if *ifc,
    char *errbuf)
{
	while (tv_cur_left(b) >= 4) {
		uint16_t code = get16(b, ng->be), len = get16(b, ng->be);
		struct tv_cur o = tv_cur_sub(b, len);

		if (code == OPT_ENDOFOPT)
			break;
		if (tv_cur_skip(b, ((size_t)len + 3) & ~(size_t)3) < 0) {
			snprintf(errbuf, TV_ERRBUF_SIZE, "pcapng interface %u: "
			    "option %u of %u bytes runs past its block",
			    ng->nifs, code, len);
			return -1;
		}
		if (code == IF_TSRESOL && len >= 1 &&
		    set_tsresol(ifc, tv_cur_u8(&o), ng->nifs, errbuf) < 0)
			return -1;
		if (code == IF_TSOFFSET && len == 8) {
			uint64_t hi = get32(&o, ng->be), lo = get32(&o, ng->be);
			uint64_t v = ng->be ? hi << 32 | lo : lo << 32 | hi;

			ifc->offset = (int64_t)v;
		}
	}
	return 0;
}

/* An interface description: one more interface in this section. */
static int
take_idb(struct tv_ng *ng, struct tv_cur *b, char *errbuf)
{
	struct ng_if ifc = { .units = 1000000, .exp = 6 };

	if (ng->nifs >= TV_NG_MAX_IFACES) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "pcapng section with more than "
		    "%u interfaces", TV_NG_MAX_IFACES);
		return -1;
	}
	ifc.link = get16(b, ng->be);
	tv_cur_skip(b, 2);
	ifc.snaplen = get32(b, ng->be);
	if (b->err) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "pcapng interface block of %u "
		    "bytes is too short", ng->len);
		return -1;
	}
	if (idb_options(ng, b, &ifc, errbuf) < 0)
		return -1;
	if (ng->nifs == ng->ifsize) {
		uint32_t n = ng->ifsize ? ng->ifsize * 2 : 8;
		struct ng_if *ni = realloc(ng->ifs, n * sizeof(*ni));

		if (ni == NULL) {
			snprintf(errbuf, TV_ERRBUF_SIZE, "out of memory");
			return -1;
		}
		ng->ifs = ni;
		ng->ifsize = n;
	}
	ng->ifs[ng->nifs++] = ifc;
	if (ng->first_link < 0) {
		ng->first_link = ifc.link;
		ng->first_snaplen = ifc.snaplen;
	}
	return 0;
}

/* A time stamp of ifc's units into seconds (not yet clamped: within
 * +-2^62 plus the offset) and nanoseconds. */
static void
ng_time(const struct ng_if *ifc, uint64_t ts, struct tv_ng_rec *rec)
{
	uint64_t sec = ts / ifc->units, frac = ts % ifc->units, ns;
	int64_t off = ifc->offset;

	if (ifc->units <= 1000000000u)
		ns = frac * 1000000000u / ifc->units;
	else if (!ifc->pow2)
		ns = frac / (ifc->units / 1000000000u);
	else	/* 2^exp, exp > 30: to 2^-30 first */
		ns = (frac >> (ifc->exp - 30)) * 1000000000u >> 30;
	if (sec > (1ULL << 62))
		sec = 1ULL << 62;
	off = off > (1LL << 40) ? (1LL << 40) : off < -(1LL << 40) ?
	    -(1LL << 40) : off;
	rec->ts_sec = (int64_t)sec + off;
	rec->ts_nsec = (uint32_t)ns;
}

/* The interface a packet block names; NULL with errbuf. */
static const struct ng_if *
iface(const struct tv_ng *ng, uint32_t idx, char *errbuf)
{
	if (idx < ng->nifs)
		return &ng->ifs[idx];
	snprintf(errbuf, TV_ERRBUF_SIZE, "pcapng packet block on interface "
	    "%u, but the section describes %u", idx, ng->nifs);
	return NULL;
}

/* An enhanced (EPB) or obsolete (PB) packet block into rec. */
static int
take_packet(struct tv_ng *ng, struct tv_cur *b, struct tv_ng_rec *rec,
    char *errbuf)
{
	const struct ng_if *ifc;
	uint32_t idx, hi, lo;

	idx = ng->type == BT_EPB ? get32(b, ng->be) : get16(b, ng->be);
	if (ng->type == BT_PB)
		tv_cur_skip(b, 2);	/* drops count */
	hi = get32(b, ng->be);
	lo = get32(b, ng->be);
	rec->caplen = get32(b, ng->be);
	rec->wirelen = get32(b, ng->be);
	if (b->err) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "pcapng packet block of %u "
		    "bytes is too short", ng->len);
		return -1;
	}
	if ((ifc = iface(ng, idx, errbuf)) == NULL)
		return -1;
	if (rec->caplen > tv_cur_left(b)) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "pcapng packet block: captured "
		    "length %u runs past its block of %u bytes", rec->caplen,
		    ng->len);
		return -1;
	}
	rec->data = b->p;
	rec->iface = idx;
	rec->link = ifc->link;
	rec->snaplen = ifc->snaplen;
	rec->digits = ifc->units > 1000000 ? 9 : 6;
	ng_time(ifc, (uint64_t)hi << 32 | lo, rec);
	return 0;
}

/* A simple packet block (§4.4): interface 0, no time stamp, its
 * captured length what the block and the snaplen leave. */
static int
take_spb(struct tv_ng *ng, struct tv_cur *b, struct tv_ng_rec *rec,
    char *errbuf)
{
	const struct ng_if *ifc;
	size_t left;

	rec->wirelen = get32(b, ng->be);
	if (b->err) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "pcapng simple packet block "
		    "is too short");
		return -1;
	}
	if ((ifc = iface(ng, 0, errbuf)) == NULL)
		return -1;
	left = tv_cur_left(b);
	rec->caplen = rec->wirelen < left ? rec->wirelen : (uint32_t)left;
	if (ifc->snaplen != 0 && rec->caplen > ifc->snaplen)
		rec->caplen = ifc->snaplen;
	rec->data = b->p;
	rec->iface = 0;
	rec->link = ifc->link;
	rec->snaplen = ifc->snaplen;
	rec->digits = ifc->units > 1000000 ? 9 : 6;
	ng_time(ifc, 0, rec);
	return 0;
}

/* Blocks up to the next packet: 1 with rec, 0 at the end, -1. */
static int
next_packet(struct tv_ng *ng, struct tv_ng_rec *rec, char *errbuf)
{
	for (;;) {
		struct tv_cur b;
		int r = read_block(ng, errbuf);

		if (r <= 0)
			return r;
		tv_cur_init(&b, ng->buf, ng->len - 12);
		switch (ng->type) {
		case BT_SHB:
			r = take_shb(ng, &b, errbuf);
			break;
		case BT_IDB:
			r = take_idb(ng, &b, errbuf);
			break;
		case BT_EPB:
		case BT_PB:
			return take_packet(ng, &b, rec, errbuf) < 0 ? -1 : 1;
		case BT_SPB:
			return take_spb(ng, &b, rec, errbuf) < 0 ? -1 : 1;
		default:	/* NRB, ISB, DSB, custom, unknown: not needed */
			r = 0;
			break;
		}
		if (r < 0)
			return -1;
	}
}

struct tv_ng *
tv_ng_open(FILE *fp, char *errbuf)
{
	struct tv_ng *ng = calloc(1, sizeof(*ng));
	uint32_t i;
	int r;

	if (ng == NULL) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "out of memory");
		return NULL;
	}
	ng->fp = fp;
	ng->first_link = -1;
	ng->digits = 6;
	if ((r = next_packet(ng, &ng->pending, errbuf)) < 0) {
		tv_ng_close(ng);
		return NULL;
	}
	if (ng->first_link < 0) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "pcapng file with no interface "
		    "description block");
		tv_ng_close(ng);
		return NULL;
	}
	ng->has_pending = r;
	for (i = 0; i < ng->nifs; i++)
		if (ng->ifs[i].units > 1000000)
			ng->digits = 9;
	return ng;
}

int
tv_ng_first_link(const struct tv_ng *ng)
{
	return ng->first_link;
}

uint32_t
tv_ng_first_snaplen(const struct tv_ng *ng)
{
	return ng->first_snaplen;
}

int
tv_ng_digits(const struct tv_ng *ng)
{
	return ng->digits;
}

int
tv_ng_next(struct tv_ng *ng, struct tv_ng_rec *rec, char *errbuf)
{
	if (ng->has_pending) {
		ng->has_pending = 0;
		*rec = ng->pending;
		return 1;
	}
	return next_packet(ng, rec, errbuf);
}

void
tv_ng_close(struct tv_ng *ng)
{
	if (ng == NULL)
		return;
	free(ng->buf);
	free(ng->ifs);
	free(ng);
}
