/* \summary: libFuzzer harness: one frame through tv_decode, a small tv_flow table and both renderers */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tv_decode.h"
#include "tv_flow.h"
#include "tv_render.h"

/*
 * Input: byte 0 picks the link type (low nibble, modulo the table below;
 * the high nibble adds (n * n * 64) to the wire length so truncation is
 * reached too), the rest is one frame.  When it decodes to TCP or UDP the
 * packet view is replayed eight times (as sent, answered, from a second
 * and a third 4-tuple) into a table of two connections and three rows,
 * so eviction, parts, lingering and 4-tuple reuse all run.  Every
 * connection is drawn as a replayed and as a live ladder; the input's size
 * picks the width, -S, --data and the live clock, and the sink traps on a
 * line wider than the width or on more than 1 MiB of text.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int links[] = {
	TV_LINK_NULL, TV_LINK_ETHERNET, TV_LINK_RAW, TV_LINK_LOOP,
	TV_LINK_LINUX_SLL, TV_LINK_IPV4, TV_LINK_IPV6, TV_LINK_LINUX_SLL2,
	105,	/* IEEE802_11: not decoded, must be skipped */
	TV_LINK_PPP, TV_LINK_PPP_SERIAL, TV_LINK_IEEE802_11_RADIO,
	TV_LINK_FDDI, TV_LINK_NFLOG, TV_LINK_IPOIB,
};

struct sink {
	struct tv_out out;	/* the text renderers' */
	struct tv_out jout;	/* JSON's: lines as long as they need */
	struct tv_render_opts ro;
	unsigned sum;
	size_t col;		/* the current line's length so far */
	size_t total;
};

/* The widths the text is laid out for; 0 is no limit. */
static const unsigned widths[] = { 0, TV_WIDTH_MIN, 80, 132 };

/* A null sink that still reads every byte, so ASan checks the text, and
 * holds the renderers to their promises: no line wider than the width,
 * no output that runs away. */
static void
null_write(void *ctx, const char *s, size_t n)
{
	struct sink *k = ctx;
	size_t i;

	for (i = 0; i < n; i++) {
		k->sum += (unsigned char)s[i];
		k->col = s[i] == '\n' ? 0 : k->col + 1;
		if (k->ro.width && k->col > k->ro.width)
			__builtin_trap();
	}
	k->total += n;
	if (k->total > (1u << 20))
		__builtin_trap();
}

static void
json_write(void *ctx, const char *s, size_t n)
{
	struct sink *k = ctx;
	size_t i;

	for (i = 0; i < n; i++)
		k->sum += (unsigned char)s[i];
}

static void
done(struct tv_conn *c, enum tv_done why, void *ctx)
{
	struct sink *k = ctx;

	tv_lad_conn(&k->out, &k->ro, c, why);
	tv_lad_live_done(&k->out, &k->ro, c, why, tv_conn_user(c));
	if (why != TV_DONE_PARTIAL)
		tv_json_conn(&k->jout, &k->ro, c, why);
}

static void
swap_ends(struct tv_pkt *p)
{
	struct tv_addr a = p->src;
	uint16_t port = p->sport;

	p->src = p->dst;
	p->dst = a;
	p->sport = p->dport;
	p->dport = port;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tv_flow_cfg cfg;
	struct tv_flow_stats st;
	struct tv_totals tot;
	struct tv_flow *flow;
	struct tv_pkt pkt, v;
	struct tv_conn *c;
	enum tv_side from;
	struct sink k;
	uint32_t caplen, extra;
	int link, i, rc;

	if (size < 1)
		return 0;
	link = links[(data[0] & 0x0f) % (sizeof(links) / sizeof(links[0]))];
	extra = (uint32_t)(data[0] >> 4) * (data[0] >> 4) * 64;
	caplen = (uint32_t)(size - 1);

	memset(&k, 0, sizeof(k));
	k.out.write = null_write;
	k.out.ctx = &k;
	k.jout.write = json_write;
	k.jout.ctx = &k;
	k.ro.ts_digits = (data[0] & 0x10) ? 9 : 6;
	k.ro.width = widths[size % 4];
	k.ro.absolute = (int)((size >> 2) & 1);
	k.ro.data = (enum tv_data)((size >> 3) % 3);
	k.ro.shared_clock = (int)((size >> 5) & 1);
	k.ro.clock_ns = 1700000000LL * 1000000000LL;
	memset(&tot, 0, sizeof(tot));
	memset(&cfg, 0, sizeof(cfg));
	cfg.keep_rows = 1;
	cfg.user_size = sizeof(struct tv_lad_state);	/* the live ladder's */
	cfg.linger_ns = 1000000000ULL;
	cfg.max_conns = 2;
	cfg.max_rows = 3;
	cfg.done = done;
	cfg.ctx = &k;
	/* the hash key from the input, so a run can be repeated: nothing
	 * the table hands out may depend on it */
	cfg.key[0] = size;
	cfg.key[1] = data[0];
	if ((flow = tv_flow_new(&cfg)) == NULL)
		return 0;

	pkt.n = 1;
	pkt.ts_sec = 1700000000;
	pkt.ts_nsec = 0;
	/* checksums verified on odd sizes, as tcpviz does by default */
	rc = tv_decode_opts(link, data + 1, caplen, caplen + extra,
	    (size & 1) ? TV_DEC_CKSUM : 0, &pkt);
	if (rc == 1) {
		tv_totals_add(&tot, &pkt);
	} else {
		for (i = 0; i < 8; i++) {
			v = pkt;
			/* an ICMP error: some copies are packets of the flow it
			 * quotes (so there is one to join), the rest errors */
			if (rc == 2 && (i == 0 || i == 4 || i == 6))
				memset(&v.icmp, 0, sizeof(v.icmp));
			v.n = (uint64_t)i + 1;
			v.ts_sec = pkt.ts_sec + i / 2;
			v.ts_nsec = (uint32_t)(i % 2) * 600000000u;
			if (i == 1 || i == 3 || i == 7)
				swap_ends(&v);
			if (i == 4)
				v.sport ^= 1;
			if (i == 5)
				v.dport ^= 1;
			if (i == 6 && v.proto == 6) {	/* a fresh SYN: reuse if closed */
				v.flags = TV_TH_SYN;
				v.seq++;
			}
			c = v.icmp.kind != TV_ICMP_NONE ?
			    tv_flow_icmp(flow, &v, &from) :
			    tv_flow_add(flow, &v, &from);
			if (c != NULL) {
				struct tv_row row;

				tv_json_packet(&k.jout, &k.ro, &v, c, from);
				tv_flow_row(c, &v, from, &row);
				tv_lad_live_packet(&k.out, &k.ro, c, &row, tv_conn_user(c));
			}
			tv_totals_add(&tot, &v);
		}
	}
	tv_flow_finish(flow);
	tv_flow_get_stats(flow, &st);
	tot.connections = st.conns;
	tot.evicted = st.evicted;
	tv_text_totals(&k.out, &k.ro, &tot);
	tv_json_summary(&k.jout, &tot, 0);
	tv_flow_free(flow);
	return 0;
}
