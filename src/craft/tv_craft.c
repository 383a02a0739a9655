/* \summary: build TCP segments by hand (IPv4 header + TCP, or bare TCP for IPv6), checksums, loopback check, the core's verdict on a crafted connection; no I/O */
#include <string.h>

#include "tv_craft.h"
#include "tv_render.h"

#define IPPROTO_TCP_NUM	6

static void
put16(uint8_t *b, unsigned v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void
put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

uint32_t
tv_craft_sum(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
		/* keep the carries: fold early so 32 bits never overflow */
		if (sum & 0x80000000u)
			sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t
fold16(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint16_t
tv_craft_fold(uint32_t sum)
{
	return (uint16_t)~fold16(sum);
}

uint16_t
tv_craft_cksum(const uint8_t *p, size_t len)
{
	return tv_craft_fold(tv_craft_sum(0, p, len));
}

/* The unfolded pseudo-header sum into *out; -1 for mixed or unknown families. */
static int
pseudo_sum(const struct tv_addr *src, const struct tv_addr *dst, uint8_t proto,
    uint32_t len, uint32_t *out)
{
	uint8_t ph[40];

	if (src->family != dst->family)
		return -1;
	if (src->family == 4) {
		/* RFC 9293 §3.1: src, dst, zero, PTCL, TCP length */
		memcpy(ph, src->a, 4);
		memcpy(ph + 4, dst->a, 4);
		ph[8] = 0;
		ph[9] = proto;
		put16(ph + 10, len);
		*out = tv_craft_sum(0, ph, 12);
		return 0;
	}
	if (src->family == 6) {
		/* RFC 8200 §8.1: src, dst, upper-layer length (32), zero (24), next header */
		memcpy(ph, src->a, 16);
		memcpy(ph + 16, dst->a, 16);
		put32(ph + 32, len);
		ph[36] = ph[37] = ph[38] = 0;
		ph[39] = proto;
		*out = tv_craft_sum(0, ph, 40);
		return 0;
	}
	return -1;
}

uint16_t
tv_craft_pseudo(const struct tv_addr *src, const struct tv_addr *dst,
    uint8_t proto, uint32_t len)
{
	uint32_t sum;

	if (pseudo_sum(src, dst, proto, len, &sum) < 0)
		return 0;
	return fold16(sum);
}

size_t
tv_craft_opts(const struct tv_craft_seg *s, uint8_t *opt)
{
	size_t n = 0;
	int ts = (s->opt_mask & TV_OPT_TS) != 0;
	int sack = (s->opt_mask & TV_OPT_SACK_OK) != 0;

	if (s->opt_mask & TV_OPT_MSS) {
		opt[n++] = 2;
		opt[n++] = 4;
		put16(opt + n, s->mss);
		n += 2;
	}
	if (ts) {
		if (sack) {
			opt[n++] = 4;
			opt[n++] = 2;
		} else {
			opt[n++] = 1;
			opt[n++] = 1;
		}
		opt[n++] = 8;
		opt[n++] = 10;
		put32(opt + n, s->ts_val);
		put32(opt + n + 4, s->ts_ecr);
		n += 8;
	} else if (sack) {
		opt[n++] = 1;
		opt[n++] = 1;
		opt[n++] = 4;
		opt[n++] = 2;
	}
	if (s->opt_mask & TV_OPT_WSCALE) {
		opt[n++] = 1;
		opt[n++] = 3;
		opt[n++] = 3;
		opt[n++] = s->wscale;
	}
	return n;	/* at most 4 + 12 + 4 = 20, always a multiple of 4 */
}

int
tv_craft_tcp(const struct tv_craft_seg *s, uint8_t *buf, size_t size)
{
	uint8_t opt[TV_CRAFT_OPT_MAX];
	size_t optlen, hlen, total;
	uint32_t sum;

	if (s->len > TV_CRAFT_DATA_MAX || (s->len > 0 && s->data == NULL))
		return -1;
	if (pseudo_sum(&s->src, &s->dst, IPPROTO_TCP_NUM, 0, &sum) < 0)
		return -1;
	optlen = tv_craft_opts(s, opt);
	hlen = TV_CRAFT_TCP_HDR + optlen;
	total = hlen + s->len;
	if (size < total)
		return -1;

	/* RFC 9293 §3.1 header format */
	put16(buf, s->sport);
	put16(buf + 2, s->dport);
	put32(buf + 4, s->seq);
	put32(buf + 8, s->ack);
	buf[12] = (uint8_t)((hlen / 4) << 4);
	buf[13] = s->flags;
	put16(buf + 14, s->win);
	put16(buf + 16, 0);
	put16(buf + 18, s->urp);
	memcpy(buf + TV_CRAFT_TCP_HDR, opt, optlen);
	if (s->len > 0)
		memcpy(buf + hlen, s->data, s->len);

	pseudo_sum(&s->src, &s->dst, IPPROTO_TCP_NUM, (uint32_t)total, &sum);
	put16(buf + 16, tv_craft_fold(tv_craft_sum(sum, buf, total)));
	return (int)total;
}

int
tv_craft_ipv4(const struct tv_craft_seg *s, uint8_t *buf, size_t size)
{
	int tcplen;
	size_t total;

	if (s->src.family != 4 || s->dst.family != 4 || size < TV_CRAFT_IP4_HDR)
		return -1;
	tcplen = tv_craft_tcp(s, buf + TV_CRAFT_IP4_HDR, size - TV_CRAFT_IP4_HDR);
	if (tcplen < 0)
		return -1;
	total = TV_CRAFT_IP4_HDR + (size_t)tcplen;

	/* RFC 791 §3.1 */
	buf[0] = 0x45;			/* version 4, IHL 5 words */
	buf[1] = s->tos;
	put16(buf + 2, (unsigned)total);
	put16(buf + 4, s->ip_id);
	put16(buf + 6, s->df ? 0x4000 : 0);	/* flags, fragment offset 0 */
	buf[8] = s->ttl ? s->ttl : 64;
	buf[9] = IPPROTO_TCP_NUM;
	put16(buf + 10, 0);
	memcpy(buf + 12, s->src.a, 4);
	memcpy(buf + 16, s->dst.a, 4);
	put16(buf + 10, tv_craft_cksum(buf, TV_CRAFT_IP4_HDR));
	return (int)total;
}

int
tv_craft_dest_allowed(const struct tv_addr *a)
{
	static const uint8_t lo6[16] = { [15] = 1 };

	if (a->family == 4)
		return a->a[0] == 127;
	if (a->family == 6)
		return memcmp(a->a, lo6, 16) == 0;
	return 0;
}

int
tv_craft_parse_tcp(const uint8_t *p, size_t len, struct tv_pkt *pkt)
{
	/* the decoder's own TCP parser, so both read segments alike */
	if (len > UINT32_MAX || tv_decode_tcp(p, (uint32_t)len, pkt) != 0 ||
	    pkt->malformed != NULL)
		return -1;
	return 0;
}

int
tv_craft_parse_flags(const char *s, uint8_t *flags)
{
	static const char letters[] = "FSRPAUEC";	/* bit order of TV_TH_* */
	uint8_t f = 0;
	const char *l;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if ((l = strchr(letters, *s)) == NULL)
			return -1;
		if (f & (1u << (l - letters)))
			return -1;
		f |= (uint8_t)(1u << (l - letters));
	}
	*flags = f;
	return 0;
}

void
tv_craft_conn_add(struct tv_craft_conn *c, const struct tv_pkt *pkt, int ours)
{
	struct tv_tcp_pkt out;

	if (!c->started) {
		/* as tv_flow_add(): a SYN-ACK seen first came from the server */
		int synack = (pkt->flags & (TV_TH_SYN | TV_TH_ACK)) ==
		    (TV_TH_SYN | TV_TH_ACK);

		c->us = (uint8_t)(ours ? synack : !synack);
		tv_tcp_init(&c->tcp, pkt, synack);
		c->started = 1;
	}
	if (!ours)
		c->answers++;
	tv_tcp_packet(&c->tcp, pkt, ours ? c->us : !c->us, &out);
}

int
tv_craft_conn_reset(const struct tv_craft_conn *c, int ours)
{
	return c->started && tv_tcp_close(&c->tcp) == TV_CLOSE_RESET &&
	    c->tcp.rst_end_side == (ours ? c->us : !c->us);
}

void
tv_craft_conn_words(const struct tv_craft_conn *c, char *opened, size_t osize,
    char *closed, size_t csize)
{
	opened[0] = closed[0] = '\0';
	if (!c->started)
		return;
	if (tv_tcp_open(&c->tcp) != TV_OPEN_MIDSTREAM)
		tv_fmt_opened(&c->tcp, opened, osize);
	tv_fmt_closed(&c->tcp, closed, csize);
}
