/* \summary: text helpers every renderer shares: the sink, fitting text into a width, times, facts in words */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tv_render-int.h"

/* the lab: a one-way time from this long is written beside its row */
#define TV_OWD_NOTABLE_NS 1000000

#define LINE_MAX_ 4096

void
tv_out_mem_slow(const struct tv_out *o, const char *s, size_t n)
{
	struct tv_obuf *b = o->buf;

	if (b == NULL) {
		o->write(o->ctx, s, n);
		return;
	}
	tv_out_flush(o);
	if (n >= b->cap) {
		o->write(o->ctx, s, n);
		return;
	}
	memcpy(b->b, s, n);
	b->len = n;
}

void
tv_out_flush(const struct tv_out *o)
{
	struct tv_obuf *b = o->buf;

	if (b != NULL && b->len > 0) {
		size_t n = b->len;

		b->len = 0;
		o->write(o->ctx, b->b, n);
	}
}

void
tvr_w_begin(struct tvr_w *w, const struct tv_out *o)
{
	struct tv_obuf *b = o->buf;

	w->o = o;
	if (b != NULL) {
		w->p = b->b + b->len;
		w->end = b->b + b->cap;
	} else {
		w->p = w->own;
		w->end = w->own + sizeof(w->own);
	}
}

void
tvr_w_end(struct tvr_w *w)
{
	const struct tv_out *o = w->o;

	if (w->end != w->own + sizeof(w->own)) {
		o->buf->len = (size_t)(w->p - o->buf->b);
	} else if (w->p > w->own) {	/* its own: none, or one too small */
		tv_out_mem(o, w->own, (size_t)(w->p - w->own));
		w->p = w->own;
	}
}

void
tvr_w_room(struct tvr_w *w, size_t n)
{
	tvr_w_end(w);
	tv_out_flush(w->o);
	tvr_w_begin(w, w->o);
	if ((size_t)(w->end - w->p) < n) {	/* a sink's buffer that small */
		w->p = w->own;
		w->end = w->own + sizeof(w->own);
	}
}

void
tvr_w_slow(struct tvr_w *w, const char *s, size_t n)
{
	tvr_w_end(w);
	tv_out_mem(w->o, s, n);
	tvr_w_begin(w, w->o);
}

void
tvr_w_pad_slow(struct tvr_w *w, char ch, size_t n)
{
	char run[TVR_RUN];

	memset(run, ch, sizeof(run));
	while (n > 0) {
		size_t k = n < sizeof(run) ? n : sizeof(run);

		tvr_w_mem(w, run, k);
		n -= k;
	}
}

void
tvr_w_field_slow(struct tvr_w *w, const char *s, size_t n, size_t width,
    int left)
{
	size_t pad = n < width ? width - n : 0;

	if (!left)
		tvr_w_pad(w, ' ', pad);
	tvr_w_mem(w, s, n);
	if (left)
		tvr_w_pad(w, ' ', pad);
}

/* (tvr_piece() is this through a writer of its own) */
void
tvr_w_piece(struct tvr_w *w, const char *s, size_t n)
{
	const char *soft;

	while ((soft = memchr(s, TV_SOFT, n)) != NULL) {
		tvr_w_mem(w, s, (size_t)(soft - s));
		tvr_w_mem(w, " ", 1);
		n -= (size_t)(soft - s) + 1;
		s = soft + 1;
	}
	tvr_w_mem(w, s, n);
}

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
	tv_out_mem(o, buf, (size_t)n);
}

void
tv_totals_add(struct tv_totals *t, const struct tv_pkt *pkt)
{
	if (pkt->frags == 0)	/* a reassembled one's frames were counted as fragments */
		t->packets++;
	if (pkt->skip != TV_SKIP_NONE) {
		t->skipped++;
		t->skip_why[pkt->skip]++;
	} else if (pkt->icmp.kind != TV_ICMP_NONE) {
		t->icmp++;
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
 * is out of time order.  The length written comes back (a row's time is
 * measured against its column with it, not with strlen). */
size_t
tvr_secs(char *buf, size_t size, int64_t d_ns, int digits)
{
	uint64_t a = d_ns < 0 ? (uint64_t)(-(d_ns + 1)) + 1 : (uint64_t)d_ns;
	uint64_t frac = a % 1000000000u;
	char d[20];
	size_t k = 0, n;

	if (size == 0)
		return 0;
	if (digits != 0 && digits != 3 && digits != 9)
		digits = 6;
	frac /= digits == 9 ? 1 : digits == 6 ? 1000 : digits == 3 ? 1000000 :
	    1000000000;
	if (size >= 32) {
		/* room for any: "-" 11 digits "." 9 digits, written in place */
		if (d_ns < 0)
			buf[k++] = '-';
		k += tv_u64_dec(buf + k, a / 1000000000u);
		if (digits > 0) {
			buf[k++] = '.';
			tv_dec_fixed(buf + k, (uint32_t)frac, (size_t)digits);
			k += (size_t)digits;
		}
		buf[k] = '\0';
		return k;
	}
	buf[0] = '\0';
	if (d_ns < 0)
		tvr_cat(buf, size, &k, "-", 1);
	tvr_catu(buf, size, &k, a / 1000000000u);
	if (digits == 0)
		return k;
	/* the fraction with its leading zeros */
	n = tv_u64_dec(d, frac);
	tvr_cat(buf, size, &k, ".", 1);
	tvr_cat(buf, size, &k, "000000000", (size_t)digits - n);
	tvr_cat(buf, size, &k, d, n);
	return k;
}

int64_t
tvr_span_ns(int64_t s0, uint32_t n0, int64_t s1, uint32_t n1)
{
	return (s1 - s0) * 1000000000LL + ((int64_t)n1 - (int64_t)n0);
}

const char *
tvr_proto(uint8_t proto)
{
	return proto == 6 ? "TCP" : "UDP";
}

size_t
tv_fmt_opts(char *buf, size_t size, uint8_t mask, uint16_t mss, uint8_t wscale,
    uint8_t nsack, int syn)
{
	size_t k = 0;

	buf[0] = '\0';
	if (!(mask & (TV_OPT_MSS | TV_OPT_WSCALE | TV_OPT_SACK_OK | TV_OPT_SACK)) &&
	    !((mask & TV_OPT_TS) && syn))
		return 0;
	/* by hand, not snprintf: every SYN's row has them */
	tvr_cat(buf, size, &k, "<", 1);
	if (mask & TV_OPT_MSS) {
		tvr_cats(buf, size, &k, "mss ");
		tvr_catu(buf, size, &k, mss);
	}
	if (mask & TV_OPT_SACK_OK)
		tvr_cats(buf, size, &k, k > 1 ? ",sackOK" : "sackOK");
	if ((mask & TV_OPT_TS) && syn)
		tvr_cats(buf, size, &k, k > 1 ? ",TS" : "TS");
	if (mask & TV_OPT_WSCALE) {
		tvr_cats(buf, size, &k, k > 1 ? ",wscale " : "wscale ");
		tvr_catu(buf, size, &k, wscale);
	}
	if (mask & TV_OPT_SACK) {
		tvr_cats(buf, size, &k, k > 1 ? ",sack " : "sack ");
		tvr_catu(buf, size, &k, nsack);
	}
	tvr_cat(buf, size, &k, ">", 1);
	return k;
}

/* (the ways the ladder's rows write, through a writer of their own) */
void
tvr_pad(const struct tv_out *o, char ch, size_t n)
{
	struct tvr_w w;

	tvr_w_begin(&w, o);
	tvr_w_pad(&w, ch, n);
	tvr_w_end(&w);
}

void
tvr_field(const struct tv_out *o, const char *s, size_t w, int left)
{
	tvr_fieldn(o, s, strlen(s), w, left);
}

void
tvr_fieldn(const struct tv_out *o, const char *s, size_t n, size_t w, int left)
{
	struct tvr_w wr;

	tvr_w_begin(&wr, o);
	tvr_w_field(&wr, s, n, w, left);
	tvr_w_end(&wr);
}

/* ---- fitting text into a width ---- */


/* Columns left after `used` under a width limit (0: no limit). */
size_t
tvr_room(size_t width, size_t used)
{
	if (width == 0)
		return (size_t)-1 / 4;
	return used < width ? width - used : 0;
}

/*
 * The next piece of s that fits in w columns: all of it, or up to its
 * last soft break within w, else its last space, else just after its
 * last ',', ';' or ':', else exactly w characters.  Trailing spaces are
 * left off the piece; *next is where the following piece starts.
 */
size_t
tvr_wrap_piece(const char *s, size_t w, const char **next)
{
	size_t n = strlen(s), i, soft = 0, sp = 0, pu = 0;

	if (w < 1)
		w = 1;
	if (n <= w) {
		*next = s + n;
	} else {
		for (i = 1; i <= w; i++) {
			if (s[i] == TV_SOFT)
				soft = i;
			else if (s[i] == ' ')
				sp = i;
			if (s[i - 1] == ',' || s[i - 1] == ';' || s[i - 1] == ':')
				pu = i;
		}
		n = soft ? soft : sp ? sp : pu ? pu : w;
		*next = s + n;
		while (**next == ' ' || **next == TV_SOFT)
			(*next)++;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == TV_SOFT))
		n--;
	return n;
}

/* n characters of s, soft breaks as spaces */
void
tvr_piece(const struct tv_out *o, const char *s, size_t n)
{
	struct tvr_w w;

	tvr_w_begin(&w, o);
	tvr_w_piece(&w, s, n);
	tvr_w_end(&w);
}

/*
 * Write text from column `col` of a line already begun, breaking it to
 * stay within `width`; each further line is `prefix` (plen columns) and
 * spaces up to column `cont`.  Ends the last line.
 */
void
tvr_wrap(const struct tv_out *o, size_t width, const char *prefix, size_t plen,
    size_t col, size_t cont, const char *text)
{
	const char *next;
	size_t n, w;

	for (;;) {
		w = tvr_room(width, col);
		n = tvr_wrap_piece(text, w < 8 ? 8 : w, &next);
		tvr_piece(o, text, n);
		tvr_str(o, "\n");
		text = next;
		if (*text == '\0')
			break;
		tvr_str(o, prefix);
		tvr_pad(o, ' ', cont > plen ? cont - plen : 0);
		col = cont > plen ? cont : plen;
	}
}

void
tv_out_para(const struct tv_out *o, unsigned width, size_t indent,
    const char *text)
{
	tvr_wrap(o, width, "", 0, 0, indent, text);
}

const char *const tv_side_words[3] = { "client", "server", "both" };

int
tv_fmt_start(const struct tv_conn *c, char *buf, size_t size)
{
	size_t k = 0;
	int said = 0;

	if (size > 0)
		buf[0] = '\0';
	if (c->part != 0)
		return 0;
	if (c->late_of) {
		/* its opening and closing were those of the connection it
		 * is late for */
		tvr_cats(buf, size, &k, "late packets of connection #");
		tvr_catu(buf, size, &k, c->late_of);
		tvr_cats(buf, size, &k, ", after its close");
		return TV_START_OPEN | TV_START_CLOSE;
	}
	if (c->proto == 6 && !c->tcp.first_had_syn) {
		tvr_cats(buf, size, &k, "opened before the capture began (midstream)");
		said = TV_START_OPEN;
	}
	if (c->port_flip) {
		tvr_cats(buf, size, &k, k ? "; client" : "client");
		tvr_cats(buf, size, &k, " by port: ");
		tvr_catu(buf, size, &k, c->port[TV_SERVER]);
		tvr_cats(buf, size, &k, " is one of Zeek's likely server ports");
	}
	return said;
}

void
tv_fmt_opened(const struct tv_tcp *t, char *buf, size_t size)
{
	enum tv_open op = tv_tcp_open(t);
	int64_t us = tv_tcp_handshake_rtt_us(t);
	unsigned retries = tv_tcp_syn_retries(t);
	char rtt[40];
	size_t k = 0;

	buf[0] = '\0';
	tvr_cats(buf, size, &k, "opened: ");
	tvr_cats(buf, size, &k, tv_open_names[op]);
	if (op == TV_OPEN_REFUSED)
		tvr_cats(buf, size, &k,
		    " (the SYN was answered by RST: nothing listens there)");
	else if (op == TV_OPEN_HALF_OPEN && t->first_rst == 0)
		tvr_cats(buf, size, &k,
		    " (the SYN's sender reset the SYN-ACK: it had no socket for it)");
	else if (op == TV_OPEN_HALF_OPEN)
		tvr_cats(buf, size, &k, " (no ACK completed the handshake)");
	else if (op == TV_OPEN_UNANSWERED)
		tvr_cats(buf, size, &k, " (no answer to the SYN)");
	if (us >= 0) {
		tvr_secs(rtt, sizeof(rtt), us * 1000, 6);
		tvr_cats(buf, size, &k, ", handshake ");
		tvr_cats(buf, size, &k, rtt);
		tvr_cats(buf, size, &k, " s");
	}
	if (retries) {
		tvr_cats(buf, size, &k, ", ");
		tvr_catu(buf, size, &k, retries);
		tvr_cats(buf, size, &k, retries == 1 ? " SYN retry" : " SYN retries");
	}
}

void
tv_fmt_closed(const struct tv_tcp *t, char *buf, size_t size)
{
	enum tv_close cl = tv_tcp_close(t);
	int by = tv_tcp_closed_by(t), tw = tv_tcp_time_wait(t);
	size_t k = 0;

	buf[0] = '\0';
	if (cl == TV_CLOSE_RESET) {
		tvr_cats(buf, size, &k, "closed: reset by ");
		tvr_cats(buf, size, &k, tv_side_words[t->rst_end_side == 1]);
	} else if (cl == TV_CLOSE_OPEN) {
		tvr_cats(buf, size, &k, "still open at end of capture");
	} else if (cl == TV_CLOSE_SIMULTANEOUS) {
		tvr_cats(buf, size, &k, "closed: simultaneous");
	} else {
		tvr_cats(buf, size, &k, "closed: ");
		tvr_cats(buf, size, &k, tv_close_names[cl]);
		tvr_cats(buf, size, &k, ", ");
		tvr_cats(buf, size, &k, tv_side_words[by < 0 ? 0 : by]);
		tvr_cats(buf, size, &k, " first");
	}
	if (tv_tcp_half_close(t))
		tvr_cats(buf, size, &k, "; half-close");
	if (tw >= 0) {
		tvr_cats(buf, size, &k, "; ");
		tvr_cats(buf, size, &k, tw == 2 ? "both" : tv_side_words[tw]);
		tvr_cats(buf, size, &k, " in TIME_WAIT");
	}
}

void
tvr_sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->k >= sizeof(sb->b))
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->b + sb->k, sizeof(sb->b) - sb->k, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->k += (size_t)n;
	if (sb->k >= sizeof(sb->b))
		sb->k = sizeof(sb->b) - 1;
}

size_t
tvr_sb_counts(struct sbuf *sb, const char *lead, const uint64_t *n,
    const char *const *names, int count)
{
	size_t any = 0;
	int i;

	for (i = 0; i < count; i++)
		if (n[i])
			tvr_sb_printf(sb, "%s%" PRIu64 " %s", any++ ? ", " : lead,
			    n[i], names[i]);
	return any;
}

/* ---- a row in words: the label on its arrow, its notes ---- */

/* A TCP row's label at p (TV_ROW_LABEL_MAX bytes): written in place, each
 * piece's length known, as it is formatted for every row; its length. */
static size_t
row_label_tcp(const struct tv_render_opts *ro, const struct tv_conn *c,
    const struct tv_row *r, char *p)
{
	uint32_t s = ro->absolute ? r->seq : tv_conn_rel(c, r->from, r->seq);
	uint32_t a = ro->absolute ? r->ack : tv_conn_rel(c, !r->from, r->ack);
	size_t k = tv_flags_words_len(r->flags, p);

	memcpy(p + k, " seq=", 5);
	k += 5 + tv_u64_dec(p + k + 5, s);
	if (r->len > 0) {
		p[k++] = ':';
		k += tv_u64_dec(p + k, (uint32_t)(s + r->len));
	}
	if (r->flags & TV_TH_ACK) {
		memcpy(p + k, " ack=", 5);
		k += 5 + tv_u64_dec(p + k + 5, a);
	}
	if (r->len > 0) {
		memcpy(p + k, " len=", 5);
		k += 5 + tv_u64_dec(p + k + 5, r->len);
	}
	p[k] = '\0';
	return k;
}

/* The label drawn on an arrow: flags, seq, ack and length. */
size_t
tv_fmt_row_label(const struct tv_render_opts *ro, const struct tv_conn *c,
    const struct tv_row *r, char *buf, size_t size)
{
	char own[TV_ROW_LABEL_MAX];
	size_t k = 0, n;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	if (r->icmp) {
		tvr_cats(buf, size, &k, r->icmp6 ? "ICMPv6 " : "ICMP ");
		tvr_cats(buf, size, &k, tv_icmp_names[r->icmp < TV_ICMP_COUNT ?
		    r->icmp : 0]);
		if (r->mtu) {
			tvr_cats(buf, size, &k, " mtu=");
			tvr_catu(buf, size, &k, r->mtu);
		}
		if (r->has_qseq) {	/* the quote: a segment the peer sent */
			tvr_cats(buf, size, &k, " seq=");
			tvr_catu(buf, size, &k, ro->absolute ? r->seq :
			    tv_conn_rel(c, !r->from, r->seq));
		}
	} else if (c->proto != 6) {
		tvr_cats(buf, size, &k, "UDP len=");
		tvr_catu(buf, size, &k, r->len);
	} else if (size >= sizeof(own)) {
		k = row_label_tcp(ro, c, r, buf);
	} else {		/* a buffer too short for the longest: cut */
		n = row_label_tcp(ro, c, r, own);
		tvr_cat(buf, size, &k, own, n);
	}
	return k;
}

/* -vv: every option with its values, "<mss 65495,sackOK,TS val 1 ecr 0,
 * sack 1 {1:9},wscale 10>" (tcpdump's order of words). */
void
tv_fmt_opts_full(const struct tv_render_opts *ro, const struct tv_conn *c,
    const struct tv_row *r, char *buf, size_t size)
{
	size_t k = 0;
	unsigned i;

#define OADD(...) do { \
	if (k < size) \
		k += (size_t)snprintf(buf + k, size - k, __VA_ARGS__); \
} while (0)
	buf[0] = '\0';
	if (r->opt_mask == 0)
		return;
	OADD("<");
	if (r->opt_mask & TV_OPT_MSS)
		OADD("%smss %u", k > 1 ? "," : "", (unsigned)r->mss);
	if (r->opt_mask & TV_OPT_SACK_OK)
		OADD("%ssackOK", k > 1 ? "," : "");
	if (r->opt_mask & TV_OPT_TS)
		OADD("%sTS val %" PRIu32 " ecr %" PRIu32, k > 1 ? "," : "",
		    r->ts_val, r->ts_ecr);
	if (r->opt_mask & TV_OPT_SACK) {
		OADD("%ssack %u", k > 1 ? "," : "", (unsigned)r->nsack);
		for (i = 0; i < r->nsack && i < TV_MAX_SACK; i++)
			/* blocks of the peer's data: relative to its ISN, as tcpdump */
			OADD(" {%" PRIu32 ":%" PRIu32 "}",
			    ro->absolute ? r->sack[i][0] :
			    tv_conn_rel(c, !r->from, r->sack[i][0]),
			    ro->absolute ? r->sack[i][1] :
			    tv_conn_rel(c, !r->from, r->sack[i][1]));
	}
	if (r->opt_mask & TV_OPT_WSCALE)
		OADD("%swscale %u", k > 1 ? "," : "", (unsigned)r->wscale);
	OADD(">");
#undef OADD
}

/* RFC 1122 §4.2.3.9: protocol and port unreachable are hard errors (TCP
 * SHOULD abort); the others soft (RFC 5927).  tcpviz changes no TCP state
 * for either: what the ends did next shows in their packets. */
static int
icmp_hard(unsigned kind)
{
	return kind == TV_ICMP_PROTO_UNREACH || kind == TV_ICMP_PORT_UNREACH;
}

/* Notes after the right bar: anomalies, options of SYN segments, damage. */
size_t
tv_fmt_row_notes(const struct tv_render_opts *ro, const struct tv_conn *c,
    const struct tv_row *r, char *buf, size_t size)
{
	char opts[200];
	size_t k = 0, on;
	unsigned bits;
	int i;
	char gap[40];

	buf[0] = '\0';
	if (ro->quiet)			/* -q: arrows only */
		return 0;
#define SOFT_S "\037"		/* TV_SOFT as a string */
#define SEP ";" SOFT_S
#define CAT(str) tvr_cats(buf, size, &k, (str))
#define NUM(v) tvr_catu(buf, size, &k, (v))
	/* the lab: what the wire did with it */
	if (r->lost) {
		CAT("lost on the wire");
	} else if ((r->seen & 3) == 3 &&
	    (r->owd_ns >= TV_OWD_NOTABLE_NS || ro->verbose >= 1)) {
		/* microseconds are the lab's bridge; a millisecond is a queue
		 * or a delay, worth a word (-v: always) */
		tvr_secs(gap, sizeof(gap), r->owd_ns, 6);
		CAT("one-way ");
		CAT(gap);
		CAT(" s");
	} else if (r->seen && (r->seen & 3) != 3) {
		CAT("not seen leaving the sender");
	}
	if (r->icmp && r->icmp_relay)
		CAT(k ? SEP "sent by a host on the path" : "sent by a host on the path");
	if (r->icmp && c->proto == 6) {
		if (k)
			CAT(SEP);
		CAT(icmp_hard(r->icmp) ? "hard error: TCP state unchanged" :
		    "soft error: TCP state unchanged");
	}
	if (r->frags) {		/* IP fragments (tv_frag.h) */
		CAT(k ? SEP "reassembled from " : "reassembled from ");
		NUM(r->frags);
		CAT(" fragments");
	}
	for (bits = r->an.notes; bits != 0; bits &= bits - 1) {
		i = __builtin_ctz(bits);	/* the notes it has, in order */
		if (i >= TV_NOTE_COUNT)
			break;
		if ((1u << i) == TV_NOTE_RETRANS &&
		    (r->an.notes & (TV_NOTE_FAST_RETRANS | TV_NOTE_SPURIOUS)))
			continue;	/* said by its kind, below */
		if (k)
			CAT(SEP);
		if ((1u << i) == TV_NOTE_RETRANS && r->an.syn_retry) {
			tvr_secs(gap, sizeof(gap), r->an.retry_gap_ns, 3);
			CAT("SYN retry #");
			NUM(r->an.syn_retry);
			CAT(" after ");
			CAT(gap);
			CAT(" s");
		} else if ((1u << i) == TV_NOTE_DUP_ACK) {
			CAT("dup-ack #");
			NUM(r->an.dup_ack);
		} else if ((1u << i) == TV_NOTE_BAD_CKSUM) {
			CAT("bad cksum: not used (offload on the capturing host? -K)");
		} else if ((1u << i) == TV_NOTE_BAD_RST) {
			CAT("unacceptable RST: ignored");
		} else if ((1u << i) == TV_NOTE_OFFLOADED) {
			CAT("offloaded (length from frame)");
		} else if ((1u << i) == TV_NOTE_FAST_RETRANS) {
			CAT("fast retransmission");	/* Wireshark's words */
		} else if ((1u << i) == TV_NOTE_SPURIOUS) {
			CAT("spurious retransmission");
		} else if ((1u << i) == TV_NOTE_LOST_SEGMENT) {
			CAT("previous segment not captured");
		} else if ((1u << i) == TV_NOTE_ACK_UNSEEN) {
			CAT("ACKed unseen segment");
		} else {
			CAT(tv_note_names[i]);
		}
	}
	if (ro->verbose >= 2) {
		tv_fmt_opts_full(ro, c, r, opts, sizeof(opts));
		on = strlen(opts);
	} else {
		on = tv_fmt_opts(opts, sizeof(opts), r->opt_mask, r->mss,
		    r->wscale, r->nsack, r->flags & TV_TH_SYN);
	}
	if (ro->verbose >= 1) {
		int any = c->proto == 6 && !r->icmp;	/* a window only in TCP */

		if (any) {
			CAT(k ? SEP "win " : "win ");
			NUM(r->win);
		}
		if (r->ttl || r->has_ipid) {
			CAT(any++ ? "," SOFT_S : k ? SEP : "");
			CAT(r->has_ipid ? "ttl " : "hlim ");
			NUM(r->ttl);
		}
		if (r->has_ipid) {
			CAT("," SOFT_S "id ");
			NUM(r->ipid);
		}
		/* tcpdump -v's words, and ours for an offloading sender */
		if (r->ck_l4 == TV_CK_CORRECT || r->ck_l4 == TV_CK_INCORRECT ||
		    r->ck_l4 == TV_CK_PARTIAL) {
			char ck[40];

			snprintf(ck, sizeof(ck), "," SOFT_S "cksum 0x%04x (%s",
			    r->ck_got, r->ck_l4 == TV_CK_CORRECT ? "correct)" :
			    r->ck_l4 == TV_CK_PARTIAL ? "offloaded)" : "incorrect");
			CAT(ck);
			if (r->ck_l4 == TV_CK_INCORRECT) {
				snprintf(ck, sizeof(ck), " -> 0x%04x)", r->ck_want);
				CAT(ck);
			}
		}
	}
	if (on) {
		CAT(k ? SOFT_S : "");
		tvr_cat(buf, size, &k, opts, on);
	}
	if (r->truncated)
		CAT(k ? SOFT_S "truncated" : "truncated");
	if (r->malformed) {
		CAT(k ? SOFT_S "malformed: " : "malformed: ");
		CAT(r->malformed);
	}
	return k;
#undef CAT
#undef NUM
#undef SEP
#undef SOFT_S
}

const char *
tv_tun_kind_str(const struct tv_tunnel *t, int inner_family)
{
	static const char *const ipip[2][2] = {
		{ "4in4", "6in4" }, { "4in6", "6in6" },
	};

	if (t->kind == TV_TUN_IPIP && (inner_family == 4 || inner_family == 6))
		return ipip[t->src.family == 6][inner_family == 6];
	return tv_tun_names[t->kind < TV_TUN_COUNT ? t->kind : 0];
}

const char *
tv_tun_key_name(const struct tv_tunnel *t)
{
	switch (t->kind) {
	case TV_TUN_ERSPAN:	return "session";
	case TV_TUN_VXLAN:
	case TV_TUN_GENEVE:	return "vni";
	case TV_TUN_GTPU:	return "teid";
	case TV_TUN_PPTP:	return "call";
	}
	return "key";
}

size_t
tv_fmt_tunnel(const struct tv_conn *c, char *buf, size_t size)
{
	const struct tv_tunnel *t = &c->tun;
	char a[TV_ADDRSTRLEN];
	size_t k = 0;
	int i, n = 0;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	if (t->kind != TV_TUN_NONE) {
		tvr_cats(buf, size, &k, "inside ");
		tvr_cats(buf, size, &k, tv_tun_kind_str(t, c->addr[0].family));
		if (t->has_key) {
			tvr_cats(buf, size, &k, " ");
			tvr_cats(buf, size, &k, tv_tun_key_name(t));
			tvr_cats(buf, size, &k, " ");
			tvr_catu(buf, size, &k, t->key);
		}
		tvr_cats(buf, size, &k, " ");
		tvr_cats(buf, size, &k, tv_addr_str(&t->src, a, sizeof(a)));
		tvr_cats(buf, size, &k, ">");
		tvr_cats(buf, size, &k, tv_addr_str(&t->dst, a, sizeof(a)));
		if (t->depth > 1) {
			tvr_cats(buf, size, &k, " (outermost of ");
			tvr_catu(buf, size, &k, t->depth);
			tvr_cats(buf, size, &k, " tunnels)");
		}
	}
	for (i = 0; i < TV_VIA_COUNT; i++) {
		if (!(t->via & (1u << i)))
			continue;
		tvr_cats(buf, size, &k, n++ ? "," : k ? "; via " : "via ");
		tvr_cats(buf, size, &k, tv_via_names[i]);
	}
	return k;
}

const char *
tv_icmp_outcome(const struct tv_conn *c)
{
	if (c->proto == 6 || c->icmp.n == 0)
		return NULL;
	if (c->icmp.refused)
		return "refused";
	switch (c->icmp.kind) {
	case TV_ICMP_NET_UNREACH: case TV_ICMP_HOST_UNREACH:
	case TV_ICMP_PROTO_UNREACH: case TV_ICMP_ADMIN: case TV_ICMP_UNREACH:
		return "unreachable";
	}
	return NULL;
}

void
tv_fmt_icmp(const struct tv_conn *c, char *buf, size_t size)
{
	const char *out = tv_icmp_outcome(c);
	const char *v = c->icmp.v6 ? "ICMPv6 " : "ICMP ";
	uint8_t kind = c->icmp.refused ? TV_ICMP_PORT_UNREACH : c->icmp.kind;
	size_t k = 0;

	buf[0] = '\0';
	if (c->icmp.n == 0)
		return;
	if (kind >= TV_ICMP_COUNT)
		kind = TV_ICMP_NONE;
	if (out != NULL) {
		tvr_cats(buf, size, &k, out);
		tvr_cats(buf, size, &k, " (");
	}
	tvr_cats(buf, size, &k, v);
	tvr_cats(buf, size, &k, tv_icmp_names[kind]);
	if (out != NULL)
		tvr_cats(buf, size, &k, ")");
	if (c->icmp.mtu) {
		tvr_cats(buf, size, &k, ", mtu ");
		tvr_catu(buf, size, &k, c->icmp.mtu);
	}
	if (c->proto == 6)
		tvr_cats(buf, size, &k, icmp_hard(c->icmp.refused ?
		    TV_ICMP_PORT_UNREACH : c->icmp.kind) ?
		    ": a hard error, TCP state unchanged" :
		    ": a soft error, TCP state unchanged");
	if (c->icmp.n > 1) {
		tvr_cats(buf, size, &k, "; ");
		tvr_catu(buf, size, &k, c->icmp.n);
		tvr_cats(buf, size, &k, " ICMP errors");
	}
}

/* The footer's words: packets, payload, duration, Zeek's conn_state and
 * history, anomalies; `live`: the ISNs too (the live header has none). */
void
tv_fmt_conn_totals(const struct tv_render_opts *ro, const struct tv_conn *c,
    enum tv_done why, int live, char *buf, size_t size)
{
	char tbuf[40];
	size_t k;

#define CAT(str) tvr_cats(buf, size, &k, (str))
#define NUM(v) tvr_catu(buf, size, &k, (v))
	k = 0;
	buf[0] = '\0';
	tvr_secs(tbuf, sizeof(tbuf), tvr_span_ns(c->first_sec, c->first_nsec,
	    c->last_sec, c->last_nsec), ro->ts_digits);
	NUM(c->pkts[0] + c->pkts[1]);
	CAT(c->pkts[0] + c->pkts[1] == 1 ? " packet (client " : " packets (client ");
	NUM(c->pkts[0]);
	CAT(", server ");
	NUM(c->pkts[1]);
	CAT("), payload ");
	NUM(c->bytes[0]);
	CAT(" bytes client->server, ");
	NUM(c->bytes[1]);
	CAT(" server->client, ");
	CAT(tbuf);
	CAT(" s");
	if (why == TV_DONE_PARTIAL) {
		CAT("; continued below");
	} else if (c->proto == 6) {
		CAT("; conn_state ");
		CAT(tv_tcp_conn_state(&c->tcp));
		CAT(", history ");
		CAT(c->tcp.history);
		if (live && c->isn_known[0] && c->isn_known[1]) {
			CAT("; ISN client ");
			NUM(c->isn[0]);
			CAT(" server ");
			NUM(c->isn[1]);
		}
		if (c->tcp.retransmissions || c->tcp.dup_acks ||
		    c->tcp.out_of_order || c->tcp.zero_windows) {
			uint64_t rb = c->tcp.q[0].retrans_bytes +
			    c->tcp.q[1].retrans_bytes;

			CAT("; ");
			NUM(c->tcp.retransmissions);
			CAT(" retransmissions");
			if (rb) {
				CAT(" (");
				NUM(rb);
				CAT(" bytes)");
			}
			CAT(", ");
			NUM(c->tcp.dup_acks);
			CAT(" dup ACKs, ");
			NUM(c->tcp.out_of_order);
			CAT(" out-of-order, ");
			NUM(c->tcp.zero_windows);
			CAT(" zero windows");
		}
	} else {
		CAT("; conn_state ");
		CAT(tv_udp_conn_state(c->pkts[0], c->pkts[1]));
		CAT(", history ");
		CAT(c->tcp.history);
	}
	if (c->icmp.n) {
		CAT("; ");
		NUM(c->icmp.n);
		CAT(c->icmp.n == 1 ? " ICMP error" : " ICMP errors");
	}
	if (why == TV_DONE_EVICTED)
		CAT("; evicted: connection table full");
	if (why == TV_DONE_IDLE)
		CAT("; inactive: no longer followed");
#undef CAT
#undef NUM
}

/* The totals line the text formats end with. */
void
tv_text_totals(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_totals *t)
{
	struct sbuf sb;

	sb.k = 0;
	tvr_sb_printf(&sb, "%" PRIu64 " packet%s: %" PRIu64 " TCP, %" PRIu64
	    " UDP, ", t->packets, t->packets == 1 ? "" : "s", t->tcp, t->udp);
	/* ICMP errors quoting TCP or UDP: neither skipped nor drawn as flows */
	if (t->icmp)
		tvr_sb_printf(&sb, "%" PRIu64 " ICMP error%s, ", t->icmp,
		    t->icmp == 1 ? "" : "s");
	tvr_sb_printf(&sb, "%" PRIu64 " skipped; %" PRIu64 " connection%s",
	    t->skipped, t->connections, t->connections == 1 ? "" : "s");
	if (t->evicted)
		tvr_sb_printf(&sb, " (%" PRIu64 " evicted)", t->evicted);
	if (t->icmp_no_flow)
		tvr_sb_printf(&sb, "; %" PRIu64 " ICMP error%s with no connection",
		    t->icmp_no_flow, t->icmp_no_flow == 1 ? "" : "s");
	if (t->truncated)
		tvr_sb_printf(&sb, "; %" PRIu64 " truncated", t->truncated);
	if (t->malformed)
		tvr_sb_printf(&sb, "; %" PRIu64 " malformed", t->malformed);
	tv_out_para(o, ro->width, 2, sb.b);
	if (t->frag.fragments) {
		const struct tv_frag_stats *f = &t->frag;
		uint64_t dropped = tv_frag_dropped(f);
		static const char *const why[] = { "overlapping", "beyond 65535 bytes",
		    "malformed", "timed out", "evicted (table full)",
		    "incomplete at the end" };
		uint64_t n[6];
		int i, any = 0;

		n[0] = f->overlap;
		n[1] = f->too_long;
		n[2] = f->bad;
		n[3] = f->timed_out;
		n[4] = f->evicted;
		n[5] = f->incomplete;
		sb.k = 0;
		if (f->reassembled)
			tvr_sb_printf(&sb, "%" PRIu64 " fragment%s reassembled into %"
			    PRIu64 " packet%s (counted among those above)",
			    f->fragments, f->fragments == 1 ? "" : "s",
			    f->reassembled, f->reassembled == 1 ? "" : "s");
		else
			tvr_sb_printf(&sb, "%" PRIu64 " fragment%s, no datagram reassembled",
			    f->fragments, f->fragments == 1 ? "" : "s");
		if (dropped) {
			tvr_sb_printf(&sb, "; %" PRIu64 " datagram%s dropped (",
			    dropped, dropped == 1 ? "" : "s");
			for (i = 0; i < 6; i++)
				if (n[i])
					tvr_sb_printf(&sb, "%s%" PRIu64 " %s",
					    any++ ? ", " : "", n[i], why[i]);
			tvr_sb_printf(&sb, ")");
		}
		tv_out_para(o, ro->width, 2, sb.b);
	}
	sb.k = 0;
	if (tvr_sb_counts(&sb, "skipped: ", t->skip_why + 1, tv_skip_names + 1,
	    TV_SKIP_COUNT - 1))
		tv_out_para(o, ro->width, 2, sb.b);
}


/* ---- the formats ---- */

/* Every renderer; a new format is one file and one line here. */
static const struct tv_renderer *const tv_renderers[] = {
	&tv_render_ladder, &tv_render_live, &tv_render_json, &tv_render_summary,
	&tv_render_svg, &tv_render_mermaid, &tv_render_plantuml, &tv_render_html, &tv_render_tsg,
	&tv_render_compare, &tv_render_compare_json,
};

const struct tv_renderer *
tv_renderer_find(const char *name, int live)
{
	size_t i;

	for (i = 0; i < sizeof(tv_renderers) / sizeof(tv_renderers[0]); i++) {
		const struct tv_renderer *r = tv_renderers[i];

		if (strcmp(r->name, name) == 0 && (r->live < 0 || r->live == !!live))
			return r;
	}
	return NULL;
}

const char *
tv_renderer_names(void)
{
	return "text, json, summary, svg, mermaid, plantuml or html";
}

/* ---- text kept for a document written whole; XML text ---- */

static void
buf_write(void *ctx, const char *s, size_t n)
{
	struct tvr_buf *b = ctx;
	size_t cap;
	char *p;

	if (b->full)
		return;
	if (n > TVR_BUF_MAX - b->n) {
		b->full = 1;
		return;
	}
	if (b->n + n > b->cap) {
		cap = b->cap ? b->cap : 16384;
		while (cap < b->n + n)
			cap *= 2;
		if (cap > TVR_BUF_MAX)
			cap = TVR_BUF_MAX;
		if ((p = realloc(b->p, cap)) == NULL) {
			b->full = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

void
tvr_buf_out(struct tvr_buf *b, struct tv_out *o)
{
	o->write = buf_write;
	o->ctx = b;
	o->buf = NULL;
}

void
tvr_buf_free(struct tvr_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

void
tvr_escaped(const struct tv_out *o, const char *s,
    const char *(*rep)(unsigned char ch))
{
	const char *run = s, *r;

	for (; *s; s++) {
		if ((r = rep((unsigned char)*s)) == NULL)
			continue;
		tv_out_mem(o, run, (size_t)(s - run));
		tvr_str(o, r);
		run = s + 1;
	}
	tv_out_mem(o, run, (size_t)(s - run));
}

/* XML's five and ours: soft breaks as spaces, other controls as '?' */
static const char *
xml_rep(unsigned char ch)
{
	switch (ch) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case TV_SOFT: return " ";
	case '\n': return NULL;
	}
	return ch < 0x20 || ch >= 0x7f ? "?" : NULL;
}

void
tvr_xml(const struct tv_out *o, const char *s)
{
	tvr_escaped(o, s, xml_rep);
}
