/* \summary: libFuzzer harness: the records of a classic pcap through tv_decode and the fragment table (tv_frag.h) */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tv_decode.h"
#include "tv_frag.h"

/*
 * Input: read as a little-endian classic pcap (its 24-byte header's link
 * type, then records of sec, usec, caplen, wirelen and caplen bytes), with
 * no check but the bounds, so the captures are its seeds.  Each frame is
 * decoded; a fragment goes to the table, and a datagram it completes is
 * decoded too and must be at most 65535 bytes of IP.  The table's bounds
 * are held to: no more datagrams reassembled than fragments taken.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tv_frag *f;
	struct tv_frag_stats st;
	struct tv_frag_out out;
	struct tv_pkt pkt;
	size_t off = 24;
	uint64_t n = 0;
	int link;

	if (size < 24)
		return 0;
	if (f == NULL && (f = tv_frag_new()) == NULL)
		return 0;
	link = (int)(le32(data + 20) & 0xffff);
	while (size - off >= 16) {
		uint32_t sec = le32(data + off), usec = le32(data + off + 4);
		uint32_t cap = le32(data + off + 8), wire = le32(data + off + 12);

		off += 16;
		if (cap > size - off)
			cap = (uint32_t)(size - off);
		pkt.n = ++n;
		pkt.ts_sec = sec;
		pkt.ts_nsec = usec % 1000000000u;
		if (tv_decode_opts(link, data + off, cap, wire, TV_DEC_CKSUM, &pkt) == 1 &&
		    pkt.skip == TV_SKIP_FRAGMENT &&
		    tv_frag_add(f, link, data + off, &pkt, &out) == TV_FRAG_DONE) {
			if (out.len > TV_FRAG_HEAD_MAX + 65535u || out.nfrags == 0)
				__builtin_trap();
			tv_frag_decode(&out, TV_DEC_CKSUM, &pkt);
			if (pkt.skip == TV_SKIP_NONE && pkt.len > 65535)
				__builtin_trap();
		}
		off += cap;
	}
	tv_frag_finish(f);
	tv_frag_get_stats(f, &st);
	if (st.reassembled > st.fragments)
		__builtin_trap();
	return 0;
}
