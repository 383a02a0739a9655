/* \summary: capture input through libpcap (the one file besides live capture that includes pcap.h) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "tv_cap.h"
#include "tv_decode.h"

struct tv_cap {
	pcap_t *p;
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

/* Classic pcap files with nanosecond timestamps carry their own magic. */
static int
peek_nano(FILE *fp)
{
	unsigned char m[4];
	size_t n = fread(m, 1, sizeof(m), fp);

	rewind(fp);
	return n == 4 && ((m[0] == 0xa1 && m[1] == 0xb2 && m[2] == 0x3c &&
	    m[3] == 0x4d) || (m[0] == 0x4d && m[1] == 0x3c && m[2] == 0xb2 &&
	    m[3] == 0xa1));
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
		cap->digits = peek_nano(fp) ? 9 : 6;
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

int
tv_cap_next(struct tv_cap *cap, struct tv_rec *rec, int *match, char *errbuf)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int r;

	r = pcap_next_ex(cap->p, &h, &data);
	if (r == PCAP_ERROR_BREAK)
		return 0;
	if (r < 0) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "%s", pcap_geterr(cap->p));
		return -1;
	}
	if (r == 0)	/* live timeout; not for files */
		return 0;
	rec->data = data;
	rec->caplen = h->caplen;
	rec->wirelen = h->len;
	rec->ts_sec = (int64_t)h->ts.tv_sec;
	rec->ts_nsec = (uint32_t)h->ts.tv_usec * (cap->digits == 9 ? 1u : 1000u);
	*match = !cap->has_prog || pcap_offline_filter(&cap->prog, h, data) != 0;
	return 1;
}

void
tv_cap_close(struct tv_cap *cap)
{
	if (cap == NULL)
		return;
	if (cap->has_prog)
		pcap_freecode(&cap->prog);
	if (cap->p)
		pcap_close(cap->p);
	free(cap);
}

const char *
tv_cap_lib_version(void)
{
	return pcap_lib_version();
}
