/* \summary: the store protocol of tcpviz-server --mode=store and tcpviz-client --send (lines, names, CRC-32); pure functions, no sockets */
#ifndef TV_STORE_H
#define TV_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * The file transfer the programs speak:
 *   client: "NAME SIZE\n" then SIZE bytes
 *   server: "OK SIZE CRC32\n" (CRC32 as 8 hex digits) or "ERR reason\n",
 *           then it closes.
 * NAME is 1..TV_STORE_NAME_MAX printable bytes with no space, no '/',
 * no "..", not starting with '.'; SIZE is 1 to 20 decimal digits, at most
 * TV_STORE_MAX.  The header may end in "\r\n".
 */
#define TV_STORE_NAME_MAX	255
#define TV_STORE_HDR_MAX	(TV_STORE_NAME_MAX + 32)	/* with its '\n' */
#define TV_STORE_REPLY_MAX	128
#define TV_STORE_MAX		(64ULL * 1024 * 1024)
#define TV_STORE_SIZE_DIGITS	20

/*
 * CRC-32 (IEEE 802.3, as zlib's crc32() and gzip): start with crc = 0 and
 * feed the data in any number of pieces.
 */
uint32_t tv_store_crc32(uint32_t crc, const void *buf, size_t len);

/* NULL when name is a valid NAME above, else why not (static text). */
const char *tv_store_name_check(const char *name);

/*
 * NULL when name can go into a header line at all (not empty, not too
 * long, no space or control character), else why not.  The rest of the
 * rules are the server's to enforce and to explain in its ERR reply, so
 * that a client can show a refusal.
 */
const char *tv_store_name_sendable(const char *name);

/*
 * "NAME SIZE\n" into buf.  Returns its length, or -1 when the name cannot
 * go into a header (tv_store_name_sendable()), size is above TV_STORE_MAX
 * or buf is too small (TV_STORE_HDR_MAX + 1 bytes always do).
 */
int tv_store_header(char *buf, size_t len, const char *name, uint64_t size);

/* The header line as it arrives, in pieces. */
struct tv_store_line {
	char text[TV_STORE_HDR_MAX + 1];	/* without its '\n', NUL-ended */
	size_t len;
	int complete;				/* the '\n' has come */
};

void tv_store_line_init(struct tv_store_line *l);

/*
 * Take the bytes of p[0..n-1] up to and including the first '\n' into l.
 * Returns how many it took (what follows is file data), or -1 when the
 * line with its '\n' would be longer than TV_STORE_HDR_MAX.
 */
ssize_t tv_store_line_add(struct tv_store_line *l, const void *p, size_t n);

/* A header, parsed and checked. */
struct tv_store_hdr {
	char name[TV_STORE_NAME_MAX + 1];
	uint64_t size;
};

/*
 * Parse the header line text[0..len-1] (without its '\n'; one trailing
 * '\r' is allowed).  Returns 0 with *h filled, or -1 with *h untouched
 * and the reason in why (the text of the server's ERR reply, at most
 * whylen bytes with its NUL).
 */
int tv_store_header_parse(const char *text, size_t len,
    struct tv_store_hdr *h, char *why, size_t whylen);

/* "OK SIZE CRC32\n" or "ERR why\n" into buf; return their length as snprintf. */
int tv_store_reply_ok(char *buf, size_t len, uint64_t size, uint32_t crc);
int tv_store_reply_err(char *buf, size_t len, const char *why);

/* What tv_store_reply_parse() found. */
enum tv_store_reply {
	TV_STORE_REPLY_BAD = -1,	/* neither line */
	TV_STORE_REPLY_OK = 0,		/* "OK SIZE CRC32\n": *size, *crc */
	TV_STORE_REPLY_ERR = 1,		/* "ERR why": *why */
};

/*
 * Parse the server's reply, a NUL-ended line.  Unless it is OK, line is
 * cut at its first '\n'; for ERR *why points into it, after "ERR ".
 */
enum tv_store_reply tv_store_reply_parse(char *line, uint64_t *size,
    uint32_t *crc, const char **why);

#endif /* TV_STORE_H */
