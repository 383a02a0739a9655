/* \summary: the ASCII ladder, JSON Lines and summaries, written to a caller's sink */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tv_render.h"

#define LINE_MAX_ 4096
#define MIN_INNER 50		/* characters between the two bars */

void
tv_out_printf(const struct tv_out *o, const char *fmt, ...)
{
	char buf[LINE_MAX_];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	o->write(o->ctx, buf, (size_t)n);
}

static void
out_str(const struct tv_out *o, const char *s)
{
	o->write(o->ctx, s, strlen(s));
}

void
tv_totals_add(struct tv_totals *t, const struct tv_pkt *pkt)
{
	t->packets++;
	if (pkt->skip != TV_SKIP_NONE) {
		t->skipped++;
		t->skip_why[pkt->skip]++;
	} else if (pkt->proto == 6) {
		t->tcp++;
	} else {
		t->udp++;
	}
	if (pkt->truncated)
		t->truncated++;
	if (pkt->malformed)
		t->malformed++;
}

/* Seconds with the input's precision; d may be negative when the input
 * is out of time order. */
static void
fmt_secs(char *buf, size_t size, int64_t d_ns, int digits)
{
	const char *sign = d_ns < 0 ? "-" : "";
	uint64_t a = d_ns < 0 ? (uint64_t)(-(d_ns + 1)) + 1 : (uint64_t)d_ns;

	if (digits == 9)
		snprintf(buf, size, "%s%" PRIu64 ".%09" PRIu64, sign,
		    a / 1000000000u, a % 1000000000u);
	else
		snprintf(buf, size, "%s%" PRIu64 ".%06" PRIu64, sign,
		    a / 1000000000u, (a % 1000000000u) / 1000u);
}

static int64_t
span_ns(int64_t s0, uint32_t n0, int64_t s1, uint32_t n1)
{
	return (s1 - s0) * 1000000000LL + ((int64_t)n1 - (int64_t)n0);
}

static const char *
proto_name(uint8_t proto)
{
	return proto == 6 ? "TCP" : "UDP";
}

/* The label drawn on an arrow: flags, seq, ack and length. */
static void
row_label(const struct tv_render_opts *ro, const struct tv_conn *c,
    const struct tv_row *r, char *buf, size_t size)
{
	char fw[40];
	uint32_t s, a;
	int from = r->from, to = !r->from;
	size_t k;

	if (c->proto != 6) {
		snprintf(buf, size, "UDP len=%" PRIu32, r->len);
		return;
	}
	s = ro->absolute ? r->seq : tv_conn_rel(c, from, r->seq);
	a = ro->absolute ? r->ack : tv_conn_rel(c, to, r->ack);
	tv_flags_words(r->flags, fw, sizeof(fw));
	if (r->len > 0)
		k = (size_t)snprintf(buf, size, "%s seq=%" PRIu32 ":%" PRIu32,
		    fw, s, s + r->len);
	else
		k = (size_t)snprintf(buf, size, "%s seq=%" PRIu32, fw, s);
	if (k < size && (r->flags & TV_TH_ACK))
		k += (size_t)snprintf(buf + k, size - k, " ack=%" PRIu32, a);
	if (k < size && r->len > 0)
		snprintf(buf + k, size - k, " len=%" PRIu32, r->len);
}

/* Notes after the right bar: options of SYN segments, SACK, damage. */
static void
row_notes(const struct tv_row *r, char *buf, size_t size)
{
	size_t k = 0;
	int any = 0;

	buf[0] = '\0';
#define ADD(...) do { \
	if (k < size) \
		k += (size_t)snprintf(buf + k, size - k, __VA_ARGS__); \
} while (0)
	if (r->opt_mask & (TV_OPT_MSS | TV_OPT_WSCALE | TV_OPT_SACK_OK | TV_OPT_SACK) ||
	    ((r->opt_mask & TV_OPT_TS) && (r->flags & TV_TH_SYN))) {
		ADD("<");
		if (r->opt_mask & TV_OPT_MSS)
			ADD("%smss %u", any++ ? "," : "", r->mss);
		if (r->opt_mask & TV_OPT_SACK_OK)
			ADD("%ssackOK", any++ ? "," : "");
		if ((r->opt_mask & TV_OPT_TS) && (r->flags & TV_TH_SYN))
			ADD("%sTS", any++ ? "," : "");
		if (r->opt_mask & TV_OPT_WSCALE)
			ADD("%swscale %u", any++ ? "," : "", r->wscale);
		if (r->opt_mask & TV_OPT_SACK)
			ADD("%ssack %u", any++ ? "," : "", r->nsack);
		ADD(">");
	}
	if (r->truncated)
		ADD("%struncated", k ? " " : "");
	if (r->malformed)
		ADD("%smalformed: %s", k ? " " : "", r->malformed);
#undef ADD
}

static void
pad(const struct tv_out *o, char ch, size_t n)
{
	char buf[256];

	memset(buf, ch, sizeof(buf));
	while (n > 0) {
		size_t k = n < sizeof(buf) ? n : sizeof(buf);

		o->write(o->ctx, buf, k);
		n -= k;
	}
}

static size_t
max_label(const struct tv_render_opts *ro, const struct tv_conn *c)
{
	const struct tv_rowblk *b;
	char lab[160];
	size_t m = 0;
	unsigned i;

	for (b = c->rows; b != NULL; b = b->next)
		for (i = 0; i < b->n; i++) {
			row_label(ro, c, &b->r[i], lab, sizeof(lab));
			if (strlen(lab) > m)
				m = strlen(lab);
		}
	return m;
}

void
tv_lad_conn(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, enum tv_done why)
{
	char ce[TV_ENDPOINTSTRLEN], se[TV_ENDPOINTSTRLEN], lab[160], notes[200];
	char tbuf[40], left[80], right[80];
	const struct tv_rowblk *b;
	size_t inner, need, ll, rl;
	unsigned i;
	/* "  0.000000" or "  0.000000000": the input's precision */
	int tcol = (ro->ts_digits == 9 ? 9 : 6) + 5;

	tv_endpoint_str(&c->addr[TV_CLIENT], c->port[TV_CLIENT], ce, sizeof(ce));
	tv_endpoint_str(&c->addr[TV_SERVER], c->port[TV_SERVER], se, sizeof(se));

	/* header */
	tv_out_printf(o, "%s %s > %s  conn %" PRIu32, proto_name(c->proto),
	    ce, se, c->id);
	if (c->part > 0)
		tv_out_printf(o, " (part %" PRIu32 ")", c->part + 1);
	if (c->proto == 6) {
		out_str(o, "  ISN");
		if (c->isn_known[TV_CLIENT])
			tv_out_printf(o, " client %" PRIu32, c->isn[TV_CLIENT]);
		else
			out_str(o, " client unseen");
		if (c->isn_known[TV_SERVER])
			tv_out_printf(o, " server %" PRIu32, c->isn[TV_SERVER]);
		else
			out_str(o, " server unseen");
	}
	out_str(o, "\n");

	/* the width between the bars fits every label and both endpoints */
	snprintf(left, sizeof(left), "client %s", ce);
	snprintf(right, sizeof(right), "server %s", se);
	ll = strlen(left);
	rl = strlen(right);
	inner = MIN_INNER;
	need = max_label(ro, c) + 8;
	if (need > inner)
		inner = need;
	if (ll + rl + 2 > inner + 2)
		inner = ll + rl + 2;
	pad(o, ' ', (size_t)tcol - 4);
	out_str(o, "time  ");
	out_str(o, left);
	pad(o, ' ', inner + 2 - ll - rl);
	out_str(o, right);
	out_str(o, "\n");

	for (b = c->rows; b != NULL; b = b->next) {
		for (i = 0; i < b->n; i++) {
			const struct tv_row *r = &b->r[i];
			size_t fill;

			fmt_secs(tbuf, sizeof(tbuf), span_ns(c->first_sec,
			    c->first_nsec, r->ts_sec, r->ts_nsec), ro->ts_digits);
			row_label(ro, c, r, lab, sizeof(lab));
			row_notes(r, notes, sizeof(notes));
			tv_out_printf(o, "%*s  |", tcol, tbuf);
			fill = inner - 7 - strlen(lab);	/* "---- ", lab, " ", ">" */
			if (r->from == TV_CLIENT) {
				tv_out_printf(o, "---- %s ", lab);
				pad(o, '-', fill);
				out_str(o, ">|");
			} else {
				tv_out_printf(o, "<--- %s ", lab);
				pad(o, '-', fill + 1);
				out_str(o, "|");
			}
			if (notes[0])
				tv_out_printf(o, "  %s", notes);
			out_str(o, "\n");
		}
	}

	/* footer */
	fmt_secs(tbuf, sizeof(tbuf), span_ns(c->first_sec, c->first_nsec,
	    c->last_sec, c->last_nsec), ro->ts_digits);
	tv_out_printf(o, "%*s  %" PRIu64 " packets (client %" PRIu64 ", server %"
	    PRIu64 "), payload %" PRIu64 " bytes client->server, %" PRIu64
	    " server->client, %s s; ", tcol, "",
	    c->pkts[0] + c->pkts[1], c->pkts[0], c->pkts[1],
	    c->bytes[0], c->bytes[1], tbuf);
	switch (why) {
	case TV_DONE_PARTIAL:
		out_str(o, "continued below\n\n");
		return;
	case TV_DONE_EVICTED:
		out_str(o, "evicted: connection table full\n\n");
		return;
	default:
		break;
	}
	if (c->proto != 6)
		out_str(o, why == TV_DONE_END ? "end of capture\n\n" : "\n\n");
	else if (c->rst)
		out_str(o, "reset\n\n");
	else if (c->closed)
		out_str(o, "closed\n\n");
	else
		out_str(o, "open at end of capture\n\n");
}

void
tv_lad_summary(const struct tv_out *o, const struct tv_totals *t)
{
	int i, any = 0;

	tv_out_printf(o, "%" PRIu64 " packets: %" PRIu64 " TCP, %" PRIu64
	    " UDP, %" PRIu64 " skipped; %" PRIu64 " connection%s",
	    t->packets, t->tcp, t->udp, t->skipped, t->connections,
	    t->connections == 1 ? "" : "s");
	if (t->evicted)
		tv_out_printf(o, " (%" PRIu64 " evicted)", t->evicted);
	if (t->truncated)
		tv_out_printf(o, "; %" PRIu64 " truncated", t->truncated);
	if (t->malformed)
		tv_out_printf(o, "; %" PRIu64 " malformed", t->malformed);
	out_str(o, "\n");
	for (i = 1; i < TV_SKIP_COUNT; i++) {
		if (t->skip_why[i] == 0)
			continue;
		tv_out_printf(o, "%s%" PRIu64 " %s", any++ ? ", " : "skipped: ",
		    t->skip_why[i], tv_skip_names[i]);
	}
	if (any)
		out_str(o, "\n");
}

/* ---- JSON Lines ---- */

/* A JSON string; the core only emits ASCII it made, but escape anyway. */
static void
json_str(const struct tv_out *o, const char *s)
{
	char buf[8];

	out_str(o, "\"");
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\') {
			buf[0] = '\\';
			buf[1] = (char)ch;
			o->write(o->ctx, buf, 2);
		} else if (ch < 0x20 || ch >= 0x7f) {
			snprintf(buf, sizeof(buf), "\\u%04x", ch);
			o->write(o->ctx, buf, 6);
		} else {
			o->write(o->ctx, s, 1);
		}
	}
	out_str(o, "\"");
}

static void
json_ts(const struct tv_out *o, const struct tv_render_opts *ro,
    int64_t sec, uint32_t nsec)
{
	if (ro->ts_digits == 9)
		tv_out_printf(o, "%" PRId64 ".%09" PRIu32, sec, nsec);
	else
		tv_out_printf(o, "%" PRId64 ".%06" PRIu32, sec, nsec / 1000);
}

static const char *const side_names[2] = { "client", "server" };

void
tv_json_packet(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_pkt *pkt, const struct tv_conn *c, enum tv_side from)
{
	char a[TV_ADDRSTRLEN], fl[12];
	int to = !from, any = 0;
	uint8_t i;

	tv_out_printf(o, "{\"type\":\"packet\",\"n\":%" PRIu64 ",\"ts\":", pkt->n);
	json_ts(o, ro, pkt->ts_sec, pkt->ts_nsec);
	tv_out_printf(o, ",\"conn\":%" PRIu32 ",\"proto\":\"%s\",\"src\":", c->id,
	    pkt->proto == 6 ? "tcp" : "udp");
	json_str(o, tv_addr_str(&pkt->src, a, sizeof(a)));
	tv_out_printf(o, ",\"sport\":%u,\"dst\":", pkt->sport);
	json_str(o, tv_addr_str(&pkt->dst, a, sizeof(a)));
	tv_out_printf(o, ",\"dport\":%u,\"from\":\"%s\",\"len\":%" PRIu32,
	    pkt->dport, side_names[from], pkt->len);
	if (pkt->proto == 6) {
		tv_out_printf(o, ",\"flags\":\"%s\",\"seq\":%" PRIu32,
		    tv_flags_letters(pkt->flags, fl, sizeof(fl)), pkt->seq);
		if (pkt->flags & TV_TH_ACK)
			tv_out_printf(o, ",\"ack\":%" PRIu32, pkt->ack);
		if (c->isn_known[from])
			tv_out_printf(o, ",\"rseq\":%" PRIu32, pkt->seq - c->isn[from]);
		if ((pkt->flags & TV_TH_ACK) && c->isn_known[to])
			tv_out_printf(o, ",\"rack\":%" PRIu32, pkt->ack - c->isn[to]);
		tv_out_printf(o, ",\"win\":%u,\"opts\":{", pkt->win);
		if (pkt->opt_mask & TV_OPT_MSS)
			tv_out_printf(o, "%s\"mss\":%u", any++ ? "," : "", pkt->mss);
		if (pkt->opt_mask & TV_OPT_WSCALE)
			tv_out_printf(o, "%s\"wscale\":%u", any++ ? "," : "", pkt->wscale);
		if (pkt->opt_mask & TV_OPT_SACK_OK)
			tv_out_printf(o, "%s\"sack_ok\":true", any++ ? "," : "");
		if (pkt->opt_mask & TV_OPT_TS)
			tv_out_printf(o, "%s\"ts\":[%" PRIu32 ",%" PRIu32 "]",
			    any++ ? "," : "", pkt->ts_val, pkt->ts_ecr);
		if (pkt->opt_mask & TV_OPT_SACK) {
			tv_out_printf(o, "%s\"sack\":[", any++ ? "," : "");
			for (i = 0; i < pkt->nsack; i++)
				tv_out_printf(o, "%s[%" PRIu32 ",%" PRIu32 "]",
				    i ? "," : "", pkt->sack[i][0], pkt->sack[i][1]);
			out_str(o, "]");
		}
		out_str(o, "}");
	}
	if (pkt->truncated)
		out_str(o, ",\"truncated\":true");
	if (pkt->malformed) {
		out_str(o, ",\"malformed\":");
		json_str(o, pkt->malformed);
	}
	out_str(o, "}\n");
}

void
tv_json_conn(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, enum tv_done why)
{
	char e[TV_ENDPOINTSTRLEN];
	int s;

	tv_out_printf(o, "{\"type\":\"conn\",\"conn\":%" PRIu32
	    ",\"proto\":\"%s\",\"client\":", c->id, c->proto == 6 ? "tcp" : "udp");
	json_str(o, tv_endpoint_str(&c->addr[0], c->port[0], e, sizeof(e)));
	out_str(o, ",\"server\":");
	json_str(o, tv_endpoint_str(&c->addr[1], c->port[1], e, sizeof(e)));
	out_str(o, ",\"first_ts\":");
	json_ts(o, ro, c->first_sec, c->first_nsec);
	out_str(o, ",\"last_ts\":");
	json_ts(o, ro, c->last_sec, c->last_nsec);
	tv_out_printf(o, ",\"packets\":{\"client\":%" PRIu64 ",\"server\":%" PRIu64
	    "},\"bytes\":{\"client\":%" PRIu64 ",\"server\":%" PRIu64 "}",
	    c->pkts[0], c->pkts[1], c->bytes[0], c->bytes[1]);
	if (c->proto == 6) {
		out_str(o, ",\"isn\":{");
		for (s = 0; s < 2; s++) {
			tv_out_printf(o, "%s\"%s\":", s ? "," : "", side_names[s]);
			if (c->isn_known[s])
				tv_out_printf(o, "%" PRIu32, c->isn[s]);
			else
				out_str(o, "null");
		}
		out_str(o, "}");
	}
	if (why == TV_DONE_EVICTED)
		out_str(o, ",\"evicted\":true");
	out_str(o, "}\n");
}

void
tv_json_summary(const struct tv_out *o, const struct tv_totals *t)
{
	int i, any = 0;

	tv_out_printf(o, "{\"type\":\"summary\",\"packets\":%" PRIu64 ",\"tcp\":%"
	    PRIu64 ",\"udp\":%" PRIu64 ",\"skipped\":%" PRIu64 ",\"truncated\":%"
	    PRIu64 ",\"malformed\":%" PRIu64 ",\"connections\":%" PRIu64
	    ",\"evicted\":%" PRIu64 ",\"skipped_why\":{",
	    t->packets, t->tcp, t->udp, t->skipped, t->truncated, t->malformed,
	    t->connections, t->evicted);
	for (i = 1; i < TV_SKIP_COUNT; i++) {
		if (t->skip_why[i] == 0)
			continue;
		out_str(o, any++ ? "," : "");
		json_str(o, tv_skip_names[i]);
		tv_out_printf(o, ":%" PRIu64, t->skip_why[i]);
	}
	out_str(o, "}}\n");
}
