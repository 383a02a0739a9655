/* \summary: the store protocol of tcpviz-server and tcpviz-client: header and reply lines, name rules, CRC-32 (no I/O) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tv_store.h"

/*
 * CRC-32 with the reflected IEEE polynomial 0xedb88320, four bits at a
 * time: a 16-entry table is small enough to write out and needs no
 * initialisation, so threads may call this freely.
 */
uint32_t
tv_store_crc32(uint32_t crc, const void *buf, size_t len)
{
	static const uint32_t tab[16] = {
		0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
		0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
		0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
		0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
	};
	const unsigned char *p = buf;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		crc = (crc >> 4) ^ tab[crc & 15];
		crc = (crc >> 4) ^ tab[crc & 15];
	}
	return ~crc;
}

/*
 * The naming rules in the order their reasons are given; `all` adds the
 * server's own ('/', "..", a leading '.') to what a header line needs.
 */
static const char *
name_problem(const char *name, int all)
{
	const unsigned char *p;
	size_t n = strlen(name);

	if (n == 0)
		return "empty name";
	if (n > TV_STORE_NAME_MAX)
		return "name too long";
	if (all && strchr(name, '/') != NULL)
		return "name contains '/'";
	if (all && strstr(name, "..") != NULL)
		return "name contains '..'";
	if (all && name[0] == '.')
		return "name starts with '.'";
	for (p = (const unsigned char *)name; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return "name contains a space or control character";
	if (!all)
		return NULL;
	/* names a shell or a terminal would misread: an option, bytes
	 * beyond ASCII, quotes and globs; POSIX's portable file name
	 * characters only */
	if (name[0] == '-')
		return "name starts with '-'";
	for (p = (const unsigned char *)name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			return "name has a character outside A-Z a-z 0-9 . _ -";
	return NULL;
}

const char *
tv_store_name_check(const char *name)
{
	return name_problem(name, 1);
}

const char *
tv_store_name_sendable(const char *name)
{
	return name_problem(name, 0);
}

int
tv_store_header(char *buf, size_t len, const char *name, uint64_t size)
{
	int n;

	if (tv_store_name_sendable(name) != NULL || size > TV_STORE_MAX)
		return -1;
	n = snprintf(buf, len, "%s %llu\n", name, (unsigned long long)size);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

void
tv_store_line_init(struct tv_store_line *l)
{
	l->text[0] = '\0';
	l->len = 0;
	l->complete = 0;
}

ssize_t
tv_store_line_add(struct tv_store_line *l, const void *p, size_t n)
{
	const char *nl;
	size_t take;

	if (l->complete)
		return 0;
	nl = memchr(p, '\n', n);
	take = nl != NULL ? (size_t)(nl - (const char *)p) + 1 : n;
	if (l->len + take > TV_STORE_HDR_MAX)
		return -1;
	memcpy(l->text + l->len, p, take);
	l->len += take;
	if (nl != NULL) {
		l->len--;		/* the '\n' */
		l->complete = 1;
	}
	l->text[l->len] = '\0';
	return (ssize_t)take;
}

/* -1 with "bad header: <what>" in why. */
static int
bad_header(char *why, size_t whylen, const char *what)
{
	snprintf(why, whylen, "bad header: %s", what);
	return -1;
}

int
tv_store_header_parse(const char *text, size_t len, struct tv_store_hdr *h,
    char *why, size_t whylen)
{
	char name[TV_STORE_NAME_MAX + 1], digits[TV_STORE_SIZE_DIGITS + 1];
	const char *sp, *bad;
	size_t nlen, dlen, i;
	unsigned long long size;

	if (len > 0 && text[len - 1] == '\r')
		len--;
	if (memchr(text, '\0', len) != NULL)
		return bad_header(why, whylen, "it contains a NUL byte");
	sp = memchr(text, ' ', len);
	nlen = sp != NULL ? (size_t)(sp - text) : len;
	dlen = sp != NULL ? len - nlen - 1 : 0;
	if (dlen == 0 || dlen > TV_STORE_SIZE_DIGITS)
		return bad_header(why, whylen, "want \"NAME SIZE\"");
	for (i = 0; i < dlen; i++)
		if (sp[1 + i] < '0' || sp[1 + i] > '9')
			return bad_header(why, whylen,
			    "SIZE is not a decimal number");
	if (nlen > TV_STORE_NAME_MAX)
		bad = "name too long";
	else {
		memcpy(name, text, nlen);
		name[nlen] = '\0';
		bad = tv_store_name_check(name);
	}
	if (bad != NULL) {
		snprintf(why, whylen, "%s", bad);
		return -1;
	}
	memcpy(digits, sp + 1, dlen);
	digits[dlen] = '\0';
	size = strtoull(digits, NULL, 10);	/* ULLONG_MAX past it: too large */
	if (size > TV_STORE_MAX) {
		snprintf(why, whylen, "larger than %llu bytes", TV_STORE_MAX);
		return -1;
	}
	memcpy(h->name, name, nlen + 1);
	h->size = size;
	return 0;
}

int
tv_store_reply_ok(char *buf, size_t len, uint64_t size, uint32_t crc)
{
	return snprintf(buf, len, "OK %llu %08x\n", (unsigned long long)size,
	    (unsigned)crc);
}

int
tv_store_reply_err(char *buf, size_t len, const char *why)
{
	return snprintf(buf, len, "ERR %s\n", why);
}

/* "OK SIZE CRC32\n", exactly: 0 with *size and *crc, else -1. */
static int
parse_ok(const char *line, uint64_t *size, uint32_t *crc)
{
	const char *p = line + 3;
	char *end;
	unsigned long long v;

	if (strncmp(line, "OK ", 3) != 0 || *p < '0' || *p > '9')
		return -1;
	errno = 0;
	v = strtoull(p, &end, 10);
	if (errno != 0 || *end != ' ')
		return -1;
	p = end + 1;
	if (strspn(p, "0123456789abcdefABCDEF") != 8 || strcmp(p + 8, "\n") != 0)
		return -1;
	*size = v;
	*crc = (uint32_t)strtoul(p, NULL, 16);
	return 0;
}

enum tv_store_reply
tv_store_reply_parse(char *line, uint64_t *size, uint32_t *crc,
    const char **why)
{
	if (parse_ok(line, size, crc) == 0)
		return TV_STORE_REPLY_OK;
	line[strcspn(line, "\n")] = '\0';
	if (strncmp(line, "ERR ", 4) != 0)
		return TV_STORE_REPLY_BAD;
	*why = line + 4;
	return TV_STORE_REPLY_ERR;
}
