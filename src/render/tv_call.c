/* \summary: a socket call reported by the bundled programs: its record packed and parsed, and its words (no I/O) */
#include <stdio.h>
#include <string.h>

#include "tv_call.h"
#include "tv_cursor.h"

static const char *const call_names[TV_CALL_MAX] = {
	[TV_CALL_SOCKET] = "socket",
	[TV_CALL_BIND] = "bind",
	[TV_CALL_LISTEN] = "listen",
	[TV_CALL_ACCEPT] = "accept",
	[TV_CALL_CONNECT] = "connect",
	[TV_CALL_SEND] = "send",
	[TV_CALL_RECV] = "recv",
	[TV_CALL_SHUTDOWN] = "shutdown",
	[TV_CALL_CLOSE] = "close",
};

/* Linux's numbers (asm-generic/errno.h) of the errors a socket call of
 * the programs meets; the core includes no <errno.h> */
static const struct {
	int32_t n;
	const char *name;
} errnames[] = {
	{ 4, "EINTR" }, { 9, "EBADF" }, { 11, "EAGAIN" }, { 13, "EACCES" },
	{ 22, "EINVAL" }, { 24, "EMFILE" }, { 32, "EPIPE" },
	{ 98, "EADDRINUSE" }, { 99, "EADDRNOTAVAIL" }, { 101, "ENETUNREACH" },
	{ 103, "ECONNABORTED" }, { 104, "ECONNRESET" }, { 107, "ENOTCONN" },
	{ 110, "ETIMEDOUT" }, { 111, "ECONNREFUSED" }, { 113, "EHOSTUNREACH" },
	{ 115, "EINPROGRESS" },
};

const char *
tv_call_name_str(unsigned name)
{
	return name < TV_CALL_MAX && call_names[name] ? call_names[name] : "?";
}

static uint64_t
cur_be64(struct tv_cur *k)
{
	uint64_t hi = tv_cur_be32(k);

	return hi << 32 | tv_cur_be32(k);
}

/* An address of the family: IPv4 has its last 12 bytes zero; none
 * (family 0) has all 16 and port 0. */
static int
addr_ok(uint8_t fam, const uint8_t *a, uint16_t port)
{
	static const uint8_t zero[16];

	if (fam == 0)
		return memcmp(a, zero, 16) == 0 && port == 0;
	return fam == 6 || memcmp(a + 4, zero, 12) == 0;
}

int
tv_call_parse(const uint8_t *buf, size_t len, struct tv_call *c)
{
	struct tv_cur k;
	uint8_t fam, magic[4], la[16], ra[16];

	memset(c, 0, sizeof(*c));
	if (buf == NULL || len != TV_CALL_REC)
		return -1;
	tv_cur_init(&k, buf, len);
	tv_cur_copy(&k, magic, 4);
	c->name = tv_cur_u8(&k);
	fam = tv_cur_u8(&k);
	c->flags = tv_cur_u8(&k);
	tv_cur_skip(&k, 1);
	c->sec = (int64_t)cur_be64(&k);
	c->nsec = tv_cur_be32(&k);
	c->pid = tv_cur_be32(&k);
	c->fd = (int32_t)tv_cur_be32(&k);
	c->err = (int32_t)tv_cur_be32(&k);
	c->ret = (int64_t)cur_be64(&k);
	c->bytes = cur_be64(&k);
	tv_cur_copy(&k, la, 16);
	c->lport = tv_cur_be16(&k);
	c->rport = tv_cur_be16(&k);
	tv_cur_copy(&k, ra, 16);
	if (k.err || memcmp(magic, "TVC1", 4) != 0 || c->name == 0 ||
	    c->name >= TV_CALL_MAX || (fam != 0 && fam != 4 && fam != 6) ||
	    c->flags > (TV_CALLF_RETURNED | TV_CALLF_RAW) || c->nsec >= 1000000000u || c->sec < 0 ||
	    !addr_ok(fam, la, c->lport) || !addr_ok(fam, ra, c->rport)) {
		memset(c, 0, sizeof(*c));
		return -1;
	}
	/* all zero, port 0: not known (a socket not bound, not connected) */
	if (fam != 0 && (c->lport != 0 || !addr_ok(0, la, 0))) {
		c->local.family = fam;
		memcpy(c->local.a, la, 16);
	}
	if (fam != 0 && c->rport != 0) {
		c->remote.family = fam;
		memcpy(c->remote.a, ra, 16);
	}
	return 0;
}

static const char *
err_name(int32_t e, char *buf, size_t size)
{
	size_t i;

	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].n == e)
			return errnames[i].name;
	snprintf(buf, size, "errno %d", (int)e);
	return buf;
}

size_t
tv_fmt_call(char *buf, size_t size, const struct tv_call *c)
{
	const char *n = tv_call_name_str(c->name);
	char e[TV_ENDPOINTSTRLEN], eb[24];
	int r;

	if (size == 0)
		return 0;
	if (c->name == TV_CALL_SOCKET && c->err == 0)
		r = snprintf(buf, size, "socket() = %lld", (long long)c->ret);
	else if (c->name == TV_CALL_SOCKET)
		r = snprintf(buf, size, "socket() fails: %s", err_name(c->err, eb, sizeof(eb)));
	else if (c->err != 0 && !(c->name == TV_CALL_CONNECT && !(c->flags & TV_CALLF_RETURNED)))
		r = snprintf(buf, size, "%s(%d)%s fails: %s", n, (int)c->fd,
		    c->name == TV_CALL_CONNECT ? " returns," : "",
		    err_name(c->err, eb, sizeof(eb)));
	else if (c->name == TV_CALL_BIND && c->local.family)
		r = snprintf(buf, size, "bind(%d) %s", (int)c->fd,
		    tv_endpoint_str(&c->local, c->lport, e, sizeof(e)));
	else if (c->name == TV_CALL_ACCEPT)
		r = snprintf(buf, size, "accept(%d) -> fd %lld", (int)c->fd,
		    (long long)c->ret);
	else if (c->name == TV_CALL_CONNECT)
		r = snprintf(buf, size, "connect(%d) %s", (int)c->fd,
		    c->flags & TV_CALLF_RETURNED ? "returns" : "begun");
	else if (c->name == TV_CALL_SEND && (c->flags & TV_CALLF_RAW))
		r = snprintf(buf, size, "sendto(%d) %llu bytes raw", (int)c->fd,
		    (unsigned long long)c->bytes);
	else if (c->name == TV_CALL_SEND || c->name == TV_CALL_RECV)
		r = snprintf(buf, size, "%s(%d) %llu bytes%s", n, (int)c->fd,
		    (unsigned long long)c->bytes,
		    c->name == TV_CALL_RECV && c->bytes == 0 ? " (EOF)" : "");
	else
		r = snprintf(buf, size, "%s(%d)", n, (int)c->fd);
	return r < 0 ? 0 : (size_t)r < size ? (size_t)r : size - 1;
}
