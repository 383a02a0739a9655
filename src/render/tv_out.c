/* \summary: text helpers every renderer shares: the sink, fitting text into a width, times, facts in words */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tv_render-int.h"

#define LINE_MAX_ 4096

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

void
tvr_str(const struct tv_out *o, const char *s)
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
void
tvr_secs(char *buf, size_t size, int64_t d_ns, int digits)
{
	const char *sign = d_ns < 0 ? "-" : "";
	uint64_t a = d_ns < 0 ? (uint64_t)(-(d_ns + 1)) + 1 : (uint64_t)d_ns;

	if (digits == 9)
		snprintf(buf, size, "%s%" PRIu64 ".%09" PRIu64, sign,
		    a / 1000000000u, a % 1000000000u);
	else if (digits == 0)
		snprintf(buf, size, "%s%" PRIu64, sign, a / 1000000000u);
	else if (digits == 3)
		snprintf(buf, size, "%s%" PRIu64 ".%03" PRIu64, sign,
		    a / 1000000000u, (a % 1000000000u) / 1000000u);
	else
		snprintf(buf, size, "%s%" PRIu64 ".%06" PRIu64, sign,
		    a / 1000000000u, (a % 1000000000u) / 1000u);
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
	int any = 0;

	buf[0] = '\0';
	if (!(mask & (TV_OPT_MSS | TV_OPT_WSCALE | TV_OPT_SACK_OK | TV_OPT_SACK)) &&
	    !((mask & TV_OPT_TS) && syn))
		return 0;
#define ADD(...) do { \
	if (k < size) \
		k += (size_t)snprintf(buf + k, size - k, __VA_ARGS__); \
} while (0)
	ADD("<");
	if (mask & TV_OPT_MSS)
		ADD("%smss %u", any++ ? "," : "", mss);
	if (mask & TV_OPT_SACK_OK)
		ADD("%ssackOK", any++ ? "," : "");
	if ((mask & TV_OPT_TS) && syn)
		ADD("%sTS", any++ ? "," : "");
	if (mask & TV_OPT_WSCALE)
		ADD("%swscale %u", any++ ? "," : "", wscale);
	if (mask & TV_OPT_SACK)
		ADD("%ssack %u", any++ ? "," : "", nsack);
	ADD(">");
#undef ADD
	return k < size ? k : size - 1;
}

void
tvr_pad(const struct tv_out *o, char ch, size_t n)
{
	char buf[256];

	memset(buf, ch, sizeof(buf));
	while (n > 0) {
		size_t k = n < sizeof(buf) ? n : sizeof(buf);

		o->write(o->ctx, buf, k);
		n -= k;
	}
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
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (s[i] != TV_SOFT)
			continue;
		o->write(o->ctx, s + k, i - k);
		o->write(o->ctx, " ", 1);
		k = i + 1;
	}
	o->write(o->ctx, s + k, n - k);
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

void
tv_fmt_opened(const struct tv_tcp *t, char *buf, size_t size)
{
	enum tv_open op = tv_tcp_open(t);
	int64_t us = tv_tcp_handshake_rtt_us(t);
	char rtt[40];
	size_t k;

	k = (size_t)snprintf(buf, size, "opened: %s", tv_open_names[op]);
	if (op == TV_OPEN_REFUSED && k < size)
		k += (size_t)snprintf(buf + k, size - k,
		    " (the SYN was answered by RST: nothing listens there)");
	else if (op == TV_OPEN_HALF_OPEN && t->first_rst == 0 && k < size)
		k += (size_t)snprintf(buf + k, size - k,
		    " (the SYN's sender reset the SYN-ACK: it had no socket for it)");
	else if (op == TV_OPEN_HALF_OPEN && k < size)
		k += (size_t)snprintf(buf + k, size - k,
		    " (no ACK completed the handshake)");
	else if (op == TV_OPEN_UNANSWERED && k < size)
		k += (size_t)snprintf(buf + k, size - k, " (no answer to the SYN)");
	if (us >= 0 && k < size) {
		tvr_secs(rtt, sizeof(rtt), us * 1000, 6);
		k += (size_t)snprintf(buf + k, size - k, ", handshake %s s", rtt);
	}
	if (tv_tcp_syn_retries(t) && k < size)
		snprintf(buf + k, size - k, ", %u SYN retr%s",
		    tv_tcp_syn_retries(t), tv_tcp_syn_retries(t) == 1 ? "y" : "ies");
}

void
tv_fmt_closed(const struct tv_tcp *t, char *buf, size_t size)
{
	enum tv_close cl = tv_tcp_close(t);
	int by = tv_tcp_closed_by(t), tw = tv_tcp_time_wait(t);
	size_t k;

	if (cl == TV_CLOSE_RESET)
		k = (size_t)snprintf(buf, size, "closed: reset by %s",
		    tv_side_words[t->rst_end_side == 1]);
	else if (cl == TV_CLOSE_OPEN)
		k = (size_t)snprintf(buf, size, "still open at end of capture");
	else if (cl == TV_CLOSE_SIMULTANEOUS)
		k = (size_t)snprintf(buf, size, "closed: simultaneous");
	else
		k = (size_t)snprintf(buf, size, "closed: %s, %s first",
		    tv_close_names[cl], tv_side_words[by < 0 ? 0 : by]);
	if (tv_tcp_half_close(t) && k < size)
		k += (size_t)snprintf(buf + k, size - k, "; half-close");
	if (tw >= 0 && k < size)
		snprintf(buf + k, size - k, "; %s in TIME_WAIT",
		    tw == 2 ? "both" : tv_side_words[tw]);
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

/* The totals line the text formats end with. */
void
tv_text_totals(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_totals *t)
{
	struct sbuf sb;

	sb.k = 0;
	tvr_sb_printf(&sb, "%" PRIu64 " packet%s: %" PRIu64 " TCP, %" PRIu64
	    " UDP, %" PRIu64 " skipped; %" PRIu64 " connection%s",
	    t->packets, t->packets == 1 ? "" : "s", t->tcp, t->udp, t->skipped,
	    t->connections, t->connections == 1 ? "" : "s");
	if (t->evicted)
		tvr_sb_printf(&sb, " (%" PRIu64 " evicted)", t->evicted);
	if (t->truncated)
		tvr_sb_printf(&sb, "; %" PRIu64 " truncated", t->truncated);
	if (t->malformed)
		tvr_sb_printf(&sb, "; %" PRIu64 " malformed", t->malformed);
	tv_out_para(o, ro->width, 2, sb.b);
	sb.k = 0;
	if (tvr_sb_counts(&sb, "skipped: ", t->skip_why + 1, tv_skip_names + 1,
	    TV_SKIP_COUNT - 1))
		tv_out_para(o, ro->width, 2, sb.b);
}


/* ---- the formats ---- */

/* Every renderer; a new format is one file and one line here. */
static const struct tv_renderer *const tv_renderers[] = {
	&tv_render_ladder, &tv_render_live, &tv_render_json, &tv_render_summary,
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
	return "text, json or summary";
}
