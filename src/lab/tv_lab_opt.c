/* \summary: the lab's impairment options (--loss, --rate, --delay, --reorder) parsed into a struct tv_lab_cfg */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tv_errbuf.h"
#include "tv_lab.h"

#define MAX_RATE_BPS	10000000000ULL	/* 10gbit: tbf's rate is 32-bit bytes/s */
#define MAX_DELAY_MS	60000
#define MAX_NTH		999999999u	/* below numgen's modulus */

static const char *const what_name[] = {
	[TV_LAB_ALL] = "all", [TV_LAB_SYN] = "syn", [TV_LAB_DATA] = "data",
	[TV_LAB_FIN] = "fin", [TV_LAB_ACK] = "ack",
};

static int
bad(char *errbuf, const char *opt, const char *arg, const char *why)
{
	snprintf(errbuf, TV_ERRBUF_SIZE, "tcpviz: --%s '%s': %s", opt, arg, why);
	return -1;
}

/* A percentage "P%" (0 .. 100, to 0.01): 0 or -1. */
static int
parse_pct(const char *s, size_t n, double *out)
{
	char *end;
	double v;

	if (n < 2 || s[n - 1] != '%' || !(isdigit((unsigned char)s[0]) ||
	    s[0] == '.'))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end != s + n - 1 || !isfinite(v) || v < 0 || v > 100)
		return -1;
	*out = v;
	return 0;
}

/* An unsigned decimal of n characters, lo .. hi: 0 or -1. */
static int
parse_num(const char *s, size_t n, uint64_t lo, uint64_t hi, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 12)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* Split off the direction, if the text starts with one: the number of
 * directions it names (both: 2), -1 when it names none it knows. */
static int
parse_dir(const char **s, int *first)
{
	static const char *const names[] = { "to-server", "to-client", "both" };
	size_t n = strcspn(*s, ":");
	int i;

	*first = 0;
	if ((*s)[n] != ':' || isdigit((unsigned char)**s) || **s == '#' ||
	    **s == '.')
		return 2;	/* no direction: both */
	for (i = 0; i < 3; i++)
		if (strlen(names[i]) == n && strncmp(*s, names[i], n) == 0)
			break;
	if (i == 3)
		return -1;
	*s += n + 1;
	*first = i == 2 ? 0 : i;
	return i == 2 ? 2 : 1;
}

/* AMOUNT[:WHAT] of --loss into l. */
static int
parse_loss(const char *s, struct tv_lab_loss *l, const char **why)
{
	const char *colon = strchr(s, ':'), *end = colon ? colon : s + strlen(s);
	const char *p = s;
	uint64_t v;
	int w;

	memset(l, 0, sizeof *l);
	if (p == end)
		return *why = "the amount is N% or #N[,#N...]", -1;
	while (p < end) {
		size_t n = strcspn(p, ",:");

		if (p[0] == '#') {
			if (parse_num(p + 1, n - 1, 1, MAX_NTH, &v) < 0)
				return *why = "packet numbers are #1 to #999999999", -1;
			if (l->nnth == TV_LAB_MAX_NTH)
				return *why = "at most 8 packet numbers", -1;
			l->nth[l->nnth++] = (uint32_t)v;
		} else if (parse_pct(p, n, &l->pct) < 0)
			return *why = n > 0 && p[n - 1] == '%' ?
			    "a percentage from 0 to 100" :
			    "the amount is N% or #N[,#N...]", -1;
		p += n;
		if (*p == ',' && p + 1 == end)
			return *why = "the amount is N% or #N[,#N...]", -1;
		if (*p == ',')
			p++;
	}
	if (colon == NULL)
		return 0;
	for (w = 0; w <= TV_LAB_ACK; w++)
		if (strcmp(colon + 1, what_name[w]) == 0)
			break;
	if (w > TV_LAB_ACK)
		return *why = "which packets: all, syn, data, fin or ack", -1;
	l->what = (enum tv_lab_what)w;
	return 0;
}

/* RATE in tc's units into bits/s. */
static int
parse_rate(const char *s, uint64_t *bps)
{
	static const struct { const char *u; double mul; } units[] = {
		{ "", 1 }, { "bit", 1 }, { "kbit", 1e3 }, { "mbit", 1e6 },
		{ "gbit", 1e9 }, { "bps", 8 }, { "kbps", 8e3 }, { "mbps", 8e6 },
		{ "gbps", 8e9 },
	};
	char *end;
	double v;
	size_t i;

	if (!isdigit((unsigned char)s[0]) && s[0] != '.')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || !isfinite(v))
		return -1;
	for (i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcasecmp(end, units[i].u) == 0)
			break;
	if (i == sizeof units / sizeof units[0])
		return -1;
	v *= units[i].mul;
	if (v < 8 || v > (double)MAX_RATE_BPS)
		return -1;
	*bps = (uint64_t)v;
	return 0;
}

/* MS[/JITTER], each an optional "ms" after it. */
static int
parse_delay(const char *s, uint32_t *ms, uint32_t *jitter)
{
	size_t n = strcspn(s, "/");
	uint64_t v, j = 0;
	size_t k = n;

	if (k > 2 && strncmp(s + k - 2, "ms", 2) == 0)
		k -= 2;
	if (parse_num(s, k, 1, MAX_DELAY_MS, &v) < 0)
		return -1;
	if (s[n] == '/') {
		const char *t = s + n + 1;

		k = strlen(t);
		if (k > 2 && strcmp(t + k - 2, "ms") == 0)
			k -= 2;
		if (parse_num(t, k, 0, MAX_DELAY_MS, &j) < 0)
			return -1;
	}
	*ms = (uint32_t)v;
	*jitter = (uint32_t)j;
	return 0;
}

int
tv_lab_parse(struct tv_lab_cfg *cfg, const char *opt, const char *arg,
    char *errbuf)
{
	const char *s = arg, *why = NULL;
	struct tv_lab_impair im;
	int first, ndir, d, rc = -1;

	if ((ndir = parse_dir(&s, &first)) < 0)
		return bad(errbuf, opt, arg,
		    "the direction is to-server, to-client or both");
	memset(&im, 0, sizeof im);
	if (strcmp(opt, "loss") == 0)
		rc = parse_loss(s, &im.loss, &why);
	else if (strcmp(opt, "rate") == 0) {
		why = "a rate from 8bit to 10gbit, such as 1mbit, 500kbit or 64kbps";
		rc = parse_rate(s, &im.rate_bps);
	} else if (strcmp(opt, "delay") == 0) {
		why = "a delay of 1 to 60000 ms, with a jitter after a / "
		    "(such as 50 or 50/10)";
		rc = parse_delay(s, &im.delay_ms, &im.jitter_ms);
	} else if (strcmp(opt, "reorder") == 0) {
		why = "a percentage from 0 to 100";
		rc = parse_pct(s, strlen(s), &im.reorder_pct);
	} else {
		snprintf(errbuf, TV_ERRBUF_SIZE, "tcpviz: no lab option --%s", opt);
		return -1;
	}
	if (rc < 0)
		return bad(errbuf, opt, arg, why);
	for (d = first; d < first + ndir; d++) {
		struct tv_lab_impair *to = &cfg->dir[d];

		if (opt[0] == 'l')
			to->loss = im.loss;
		else if (opt[0] == 'r' && opt[1] == 'a')
			to->rate_bps = im.rate_bps;
		else if (opt[0] == 'd') {
			to->delay_ms = im.delay_ms;
			to->jitter_ms = im.jitter_ms;
		} else
			to->reorder_pct = im.reorder_pct;
	}
	return 0;
}
