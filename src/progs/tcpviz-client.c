/* \summary: tcpviz-client: echo, greet, file-transfer and UDP clients on real sockets, for the live demo */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>
#include <sys/stat.h>

#include "tv_callrep.h"
#include "tv_msg.h"
#include "tv_sock.h"
#include "tv_store.h"
#include "tv_util.h"

#define PROG		"tcpviz-client"
#define DEFAULT_MSG	"Hello Server"
#define TCP_TIMEOUT_MS	10000
#define UDP_TIMEOUT_MS	2000
#define COUNT_MAX	1000000
#define CHUNK		65536

/* What the command line asks for. */
struct opts {
	const char *host;
	int port;
	int udp, greet;
	const char *file;	/* --send */
	char **msgs;
	int nmsgs;
	long count;
	int have_count;
	int keep_going;		/* --keep-going: a UDP echo that does not come back is a gap */
};

static int quiet;
static int timeout_ms = -1;	/* -1 until --timeout or the default for the kind */
static char peer[TV_SOCK_ADDRSTRLEN];	/* "127.0.0.1:8000", for messages */
static struct addrinfo *addrs;	/* what HOST resolved to, in getaddrinfo()'s order */
static struct addrinfo *next_addr;	/* the next one connect_peer() tries */
static int udp_retry;		/* udp: a refused first datagram tries the next address */

/* the one line on stderr before exit status 1; progress that -q hides */
#define fail(...) tv_msg_fail(PROG, 1, __VA_ARGS__)
#define note(...) do { if (!quiet) tv_msg_say(PROG, __VA_ARGS__); } while (0)

static void usage(FILE *fp);

/* a usage error: the reason, then the usage on stderr; exit status 1 */
#define bad_usage(...) (tv_msg_say(PROG, __VA_ARGS__), tv_msg_try(PROG), 1)

/*
 * A socket of socktype connected to the peer: each address HOST
 * resolved to in turn, from next_addr on, until one connects.  A
 * progress line ("KIND LOCAL -> PEER"); a failed address that has a
 * next one is a note.  Sets peer.  Returns the socket, or -1 after the
 * error line of the last address.
 */
static int
connect_peer(int socktype, const char *kind)
{
	char errbuf[TV_ERRBUF_SIZE], local[TV_SOCK_ADDRSTRLEN];
	struct addrinfo *a;
	int fd = -1;

	for (a = next_addr; a != NULL && fd < 0; a = a->ai_next) {
		tv_sock_ntop(a->ai_addr, peer, sizeof(peer));
		fd = tv_sock_connect_addr(a->ai_addr, a->ai_addrlen, socktype,
		    timeout_ms, errbuf);
		if (fd < 0 && a->ai_next != NULL)
			note("%s; trying the next address", errbuf);
		else if (fd < 0)
			tv_msg_say(PROG, "%s", errbuf);
	}
	next_addr = a;
	if (fd < 0)
		return -1;
	tv_sock_name(fd, 0, local, sizeof(local));
	note("%s %s -> %s", kind, local, peer);
	return fd;
}

/* Wait for the server's FIN; anything else it sends is an error. */
static int
await_close(int fd, const char *after)
{
	char errbuf[TV_ERRBUF_SIZE], b[256];
	ssize_t n;

	n = tv_sock_read(fd, b, sizeof(b), timeout_ms, errbuf);
	if (n < 0)
		return fail("waiting for %s to close %s: %s", peer, after, errbuf);
	if (n > 0)
		return fail("%s sent %zd unexpected byte(s) %s", peer, n, after);
	return 0;
}

/* One TCP round trip: send msg, read its len bytes back into buf. */
static int
echo_tcp(int fd, const char *msg, size_t len, char *buf)
{
	char errbuf[TV_ERRBUF_SIZE];
	ssize_t n;

	if (tv_sock_write_all(fd, msg, len, timeout_ms, errbuf) < 0)
		return fail("sending to %s: %s", peer, errbuf);
	n = tv_sock_read_all(fd, buf, len, timeout_ms, errbuf);
	if (n < 0)
		return fail("reading the echo from %s: %s", peer, errbuf);
	if ((size_t)n < len)
		return fail("%s closed the connection after echoing %zd of %zu "
		    "bytes", peer, n, len);
	if (memcmp(buf, msg, len) != 0)
		return fail("the echo from %s differs from what was sent", peer);
	return 0;
}

/* One UDP round trip: msg as a datagram, its echo into buf (CHUNK bytes). */
static int
echo_udp(int fd, const char *msg, size_t len, char *buf)
{
	char errbuf[TV_ERRBUF_SIZE];
	ssize_t n;

	if (tvc_send(fd, msg, len, 0) < 0)
		return fail("udp %s: %s", peer, strerror(errno));
	n = tv_sock_read(fd, buf, CHUNK, timeout_ms, errbuf);
	if (n < 0 && errno == ECONNREFUSED && udp_retry)
		return 2;	/* port unreachable: run_echo() tries the next */
	if (n < 0 && errno == ETIMEDOUT) {
		fail("udp %s: no echo within %g s", peer, timeout_ms / 1000.0);
		return 3;
	}
	if (n < 0)
		return fail("udp %s: %s", peer, errbuf);
	if ((size_t)n != len || memcmp(buf, msg, len) != 0)
		return fail("udp %s: the echo differs from what was sent", peer);
	return 0;
}

/* Each message, count times over, each checked against its echo and printed. */
static int
echo_all(const struct opts *o, int fd, char *buf)
{
	size_t len;
	long i;
	int j, r, gaps = 0;

	for (i = 0; i < o->count; i++)
		for (j = 0; j < o->nmsgs; j++) {
			len = strlen(o->msgs[j]);
			udp_retry = i == 0 && j == 0 && next_addr != NULL;
			r = o->udp ? echo_udp(fd, o->msgs[j], len, buf) :
			    echo_tcp(fd, o->msgs[j], len, buf);
			udp_retry = 0;
			if (r == 3 && o->keep_going) {
				/* UDP resends nothing: the application sees a gap */
				printf("(no echo of '%s')\n", o->msgs[j]);
				gaps++;
				continue;
			}
			if (r != 0)
				return r == 3 ? 1 : r;
			fwrite(buf, 1, len, stdout);
			putchar('\n');
		}
	if (gaps)
		note("udp %s: %d of %ld datagram(s) had no echo", peer, gaps,
		    o->count * o->nmsgs);
	return gaps ? 1 : 0;
}

/*
 * Echo, over TCP or UDP.  TCP: all over one connection, then
 * shutdown(SHUT_WR), so that the client sends the first FIN, and wait
 * for the server's.  UDP: each message a datagram, each echo awaited
 * for timeout_ms; when the first one comes back as port unreachable and
 * HOST has another address, that one is tried.
 */
static int
run_echo(const struct opts *o)
{
	size_t size = 0;
	char *buf;
	int fd, j, r;

	for (j = 0; j < o->nmsgs; j++)
		if (strlen(o->msgs[j]) > size)
			size = strlen(o->msgs[j]);
	size = o->udp ? CHUNK : size + 1;
	if ((buf = malloc(size)) == NULL)
		return fail("out of memory");
	do {
		fd = connect_peer(o->udp ? SOCK_DGRAM : SOCK_STREAM,
		    o->udp ? "udp" : "connected");
		if (fd < 0) {
			free(buf);
			return 1;
		}
		r = echo_all(o, fd, buf);
		if (r == 2) {
			note("udp %s: %s; trying the next address", peer,
			    strerror(ECONNREFUSED));
			tvc_close(fd);
		}
	} while (r == 2);
	if (r == 0 && !o->udp) {
		tvc_shutdown(fd, SHUT_WR);
		r = await_close(fd, "after our FIN");
		if (r == 0)
			note("closed; %ld message(s) echoed", o->count * o->nmsgs);
	}
	tvc_close(fd);
	free(buf);
	return r;
}

/* Greet: print what the server says until it closes, then close. */
static int
run_greet(void)
{
	char errbuf[TV_ERRBUF_SIZE], buf[4096];
	ssize_t n;
	int fd, r = 0;

	if ((fd = connect_peer(SOCK_STREAM, "connected")) < 0)
		return 1;
	while ((n = tv_sock_read(fd, buf, sizeof(buf), timeout_ms, errbuf)) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	if (n < 0)
		r = fail("reading from %s: %s", peer, errbuf);
	else
		note("%s closed first", peer);
	tvc_close(fd);
	return r;
}

/* A file on its way to the server. */
struct upload {
	const char *path;
	const char *name;	/* the last part of path */
	int fd;
	uint64_t size;
	uint32_t crc;		/* of what was sent */
};

/* Open the file and check that it can be sent.  0, or 1 after the error line. */
static int
upload_open(struct upload *u, const char *path)
{
	const char *bad;
	struct stat st;

	u->path = path;
	u->name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	u->fd = -1;
	u->size = 0;
	u->crc = 0;
	if ((bad = tv_store_name_sendable(u->name)) != NULL)
		return fail("%s: cannot send under this name: %s", path, bad);
	if ((u->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return fail("%s: %s", path, strerror(errno));
	if (fstat(u->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(u->fd);
		return fail("%s: not a regular file", path);
	}
	u->size = (uint64_t)st.st_size;
	if (u->size > TV_STORE_MAX) {
		close(u->fd);
		return fail("%s: %llu bytes; the server takes at most %llu", path,
		    (unsigned long long)u->size, TV_STORE_MAX);
	}
	return 0;
}

/*
 * "NAME SIZE\n" and the bytes, computing CRC-32 on the way, through buf
 * (CHUNK bytes).  Returns 0; 1 after the error line when the file could
 * not be read; -1 with errbuf when the socket took no more.
 */
static int
upload_send(struct upload *u, int fd, char *buf, char *errbuf)
{
	char hdr[TV_STORE_HDR_MAX + 1];
	uint64_t sent = 0;
	ssize_t n;
	int len;

	if ((len = tv_store_header(hdr, sizeof(hdr), u->name, u->size)) < 0)
		return fail("%s: no header for it", u->path);
	if (tv_sock_write_all(fd, hdr, (size_t)len, timeout_ms, errbuf) < 0)
		return -1;
	while (sent < u->size) {
		size_t want = u->size - sent < CHUNK ? (size_t)(u->size - sent) :
		    CHUNK;

		n = read(u->fd, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return fail("%s: %s after %llu of %llu bytes", u->path,
			    n < 0 ? strerror(errno) : "file shrank",
			    (unsigned long long)sent, (unsigned long long)u->size);
		u->crc = tv_store_crc32(u->crc, buf, (size_t)n);
		if (tv_sock_write_all(fd, buf, (size_t)n, timeout_ms, errbuf) < 0)
			return -1;
		sent += (uint64_t)n;
	}
	return 0;
}

/* Read the server's one-line reply (to EOF, so it closes first). */
static int
read_reply(int fd, char *line, size_t size, char *errbuf)
{
	ssize_t n = tv_sock_read_all(fd, line, size - 1, timeout_ms, errbuf);

	line[n > 0 ? n : 0] = '\0';
	return n < 0 ? -1 : 0;
}

/*
 * The sending stopped at a write error (in errbuf): the server may have
 * said why it stopped reading.  Closes fd; returns 1.
 */
static int
upload_refused(const struct upload *u, int fd, const char *errbuf)
{
	char reply[TV_STORE_REPLY_MAX], why[TV_ERRBUF_SIZE];
	const char *reason;
	uint64_t rsize;
	uint32_t rcrc;
	int r;

	if (read_reply(fd, reply, sizeof(reply), why) == 0 &&
	    tv_store_reply_parse(reply, &rsize, &rcrc, &reason) ==
	    TV_STORE_REPLY_ERR)
		r = fail("%s refused %s: %s", peer, u->name, reason);
	else
		r = fail("sending %s to %s: %s", u->name, peer, errbuf);
	tvc_close(fd);
	return r;
}

/* Compare the server's "OK SIZE CRC32" with our own figures; closes fd. */
static int
upload_confirm(const struct upload *u, int fd)
{
	char errbuf[TV_ERRBUF_SIZE], reply[TV_STORE_REPLY_MAX];
	const char *reason;
	uint64_t rsize;
	uint32_t rcrc;

	if (read_reply(fd, reply, sizeof(reply), errbuf) < 0) {
		tvc_close(fd);
		return fail("reading the reply from %s: %s", peer, errbuf);
	}
	tvc_close(fd);
	switch (tv_store_reply_parse(reply, &rsize, &rcrc, &reason)) {
	case TV_STORE_REPLY_ERR:
		return fail("%s refused %s: %s", peer, u->name, reason);
	case TV_STORE_REPLY_BAD:
		return fail("%s answered \"%.60s\", not \"OK SIZE CRC32\"", peer,
		    reply);
	case TV_STORE_REPLY_OK:
		break;
	}
	if (rsize != u->size)
		return fail("%s stored %llu bytes of %s, but %llu were sent",
		    peer, (unsigned long long)rsize, u->name,
		    (unsigned long long)u->size);
	if (rcrc != u->crc)
		return fail("CRC-32 mismatch for %s: sent %08x, %s stored %08x",
		    u->name, u->crc, peer, rcrc);
	printf("sent %s: %llu bytes, crc32 %08x, confirmed by %s\n", u->name,
	    (unsigned long long)u->size, u->crc, peer);
	return 0;
}

/* Send a file (--send) and check the server's confirmation. */
static int
run_send(const struct opts *o)
{
	char errbuf[TV_ERRBUF_SIZE];
	struct upload u;
	char *buf;
	int fd, r;

	if ((r = upload_open(&u, o->file)) != 0)
		return r;
	if ((buf = malloc(CHUNK)) == NULL) {
		close(u.fd);
		return fail("out of memory");
	}
	if ((fd = connect_peer(SOCK_STREAM, "connected")) < 0) {
		close(u.fd);
		free(buf);
		return 1;
	}
	r = upload_send(&u, fd, buf, errbuf);
	close(u.fd);
	free(buf);
	if (r > 0) {
		tvc_close(fd);
		return r;
	}
	return r < 0 ? upload_refused(&u, fd, errbuf) : upload_confirm(&u, fd);
}

static void
usage(FILE *fp)
{
	fprintf(fp,
"Usage: tcpviz-client [--udp] [--greet] [--send FILE] [--count N]\n"
"                     [--timeout SEC] [-q] HOST PORT [MESSAGE...]\n"
"\n"
"Talk to tcpviz-server (or any echo server) over real sockets.\n"
"\n"
"  (default)          TCP echo: connect, send each MESSAGE (default \"%s\"),\n"
"                     read its echo and print it; then shut down the sending\n"
"                     side, so the client closes first, and wait for the\n"
"                     server to close\n"
"  --greet            connect, print what the server says until it closes\n"
"                     (for tcpviz-server --mode=greet)\n"
"  --send FILE        send FILE as \"NAME SIZE\\n\" and its bytes (for\n"
"                     tcpviz-server --mode=store) and check the server's\n"
"                     \"OK SIZE CRC32\" against our own size and CRC-32\n"
"  --udp              UDP echo: send each MESSAGE as a datagram and wait for it\n"
"                     to come back\n"
"  --count N          send the messages N times (default 1; echo only)\n"
"  --keep-going       --udp: a datagram whose echo does not come back is a\n"
"                     gap: say so and send the next (exit status 1 at the end)\n"
"  --timeout SEC      give up when a connect or a wait for data takes longer\n"
"                     (default %d; %d with --udp; fractions allowed)\n"
"  -q                 no progress lines on stderr, only errors\n"
"  -h, --help         show this help and exit\n"
"\n"
"HOST is a name (localhost) or a numeric IPv4 or IPv6 address (127.0.0.1,\n"
"::1).  A name is looked up with getaddrinfo() (localhost from /etc/hosts),\n"
"and its addresses are tried in getaddrinfo()'s order until one connects.\n"
"What the server sent goes to stdout.  Exit status 0 when all went as\n"
"expected, 1 with one line on stderr when not.\n"
"\n"
"Examples:\n"
"  tcpviz-client %s %d\n"
"  tcpviz-client localhost %d\n"
"  tcpviz-client --count 3 %s %d ping pong\n"
"  tcpviz-client --greet %s %d\n"
"  tcpviz-client --send notes.txt %s %d\n"
"  tcpviz-client --udp %s %d hello\n"
"  tcpviz-client ::1 8001\n",
	    DEFAULT_MSG, TCP_TIMEOUT_MS / 1000, UDP_TIMEOUT_MS / 1000,
	    TV_SOCK_HOST, TV_SOCK_TCP_PORT, TV_SOCK_TCP_PORT, TV_SOCK_HOST, TV_SOCK_TCP_PORT,
	    TV_SOCK_HOST, TV_SOCK_TCP_PORT, TV_SOCK_HOST, TV_SOCK_TCP_PORT,
	    TV_SOCK_HOST, TV_SOCK_UDP_PORT);
}

/* --timeout SEC into timeout_ms.  0, or -1 when SEC is no such number. */
static int
parse_timeout(const char *s)
{
	char *end;
	double sec;

	errno = 0;
	sec = strtod(s, &end);
	if (errno || end == s || *end || !(sec > 0) || sec > 86400)
		return -1;
	timeout_ms = (int)(sec * 1000 + 0.5);
	if (timeout_ms < 1)
		timeout_ms = 1;
	return 0;
}

/* The options, into *o.  Returns -1 to go on, else the exit status. */
static int
parse_options(int argc, char **argv, struct opts *o)
{
	enum { OPT_UDP = 256, OPT_GREET, OPT_SEND, OPT_COUNT, OPT_TIMEOUT,
		OPT_KEEP_GOING };
	static const struct option longopts[] = {
		{ "udp", no_argument, NULL, OPT_UDP },
		{ "greet", no_argument, NULL, OPT_GREET },
		{ "send", required_argument, NULL, OPT_SEND },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "keep-going", no_argument, NULL, OPT_KEEP_GOING },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int ch;

	argv[0] = (char *)PROG;	/* getopt's messages, as every other says it */
	while ((ch = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_UDP:
			o->udp = 1;
			break;
		case OPT_GREET:
			o->greet = 1;
			break;
		case OPT_SEND:
			o->file = optarg;
			break;
		case OPT_COUNT:
			if (tv_parse_u64(optarg, 1, COUNT_MAX, &v) < 0)
				return bad_usage("invalid --count '%s' (1 to 1000000)",
				    optarg);
			o->count = (long)v;
			o->have_count = 1;
			break;
		case OPT_TIMEOUT:
			if (parse_timeout(optarg) < 0)
				return bad_usage("invalid --timeout '%s' (seconds, more "
				    "than 0)", optarg);
			break;
		case OPT_KEEP_GOING:
			o->keep_going = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		default:
			return tv_opt_help(PROG, ch, usage);
		}
	}
	return -1;
}

/* The command line into *o.  Returns -1 to go on, else the exit status. */
static int
parse_args(int argc, char **argv, struct opts *o)
{
	static char *default_msg[] = { DEFAULT_MSG };
	uint64_t port;
	int r;

	o->count = 1;
	if ((r = parse_options(argc, argv, o)) >= 0)
		return r;
	if (argc - optind < 2)
		return bad_usage("%s", "give HOST and PORT");
	if (o->udp + o->greet + (o->file != NULL) > 1)
		return bad_usage("%s", "choose one of --udp, --greet and --send");
	o->host = argv[optind];
	if (tv_parse_u64(argv[optind + 1], 1, 65535, &port) < 0)
		return bad_usage("invalid port '%s' (1 to 65535)", argv[optind + 1]);
	o->port = (int)port;
	o->nmsgs = argc - optind - 2;
	o->msgs = argv + optind + 2;
	if ((o->greet || o->file != NULL) && (o->nmsgs > 0 || o->have_count))
		return bad_usage("%s", "MESSAGE and --count are for echo (TCP or "
		    "UDP)");
	if (o->nmsgs == 0) {
		o->msgs = default_msg;
		o->nmsgs = 1;
	}
	if (timeout_ms < 0)
		timeout_ms = o->udp ? UDP_TIMEOUT_MS : TCP_TIMEOUT_MS;
	return -1;
}

/* HOST into addrs; a name is followed by a note of what it resolved to. */
static int
look_up(const struct opts *o)
{
	char errbuf[TV_ERRBUF_SIZE], list[200], one[TV_SOCK_ADDRSTRLEN];
	struct sockaddr_storage ss;
	struct addrinfo *a;
	size_t k = 0;

	if (tv_sock_lookup(o->host, o->port, o->udp ? SOCK_DGRAM : SOCK_STREAM,
	    &addrs, errbuf) < 0)
		return fail("%s", errbuf);
	next_addr = addrs;
	tv_sock_ntop(addrs->ai_addr, peer, sizeof(peer));
	if (tv_sock_is_numeric(o->host))
		return 0;
	list[0] = '\0';
	for (a = addrs; a != NULL && k < sizeof(list); a = a->ai_next) {
		/* the address without the port */
		memset(&ss, 0, sizeof(ss));
		memcpy(&ss, a->ai_addr, a->ai_addrlen < sizeof(ss) ?
		    a->ai_addrlen : sizeof(ss));
		if (getnameinfo((struct sockaddr *)&ss, a->ai_addrlen, one,
		    sizeof(one), NULL, 0, NI_NUMERICHOST) != 0)
			snprintf(one, sizeof(one), "?");
		k += (size_t)snprintf(list + k, sizeof(list) - k, "%s%s",
		    a == addrs ? "" : a->ai_next == NULL ? " and " : ", ", one);
	}
	note("%s is %s", o->host, list);
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	int r;

	memset(&o, 0, sizeof(o));
	if ((r = parse_args(argc, argv, &o)) >= 0)
		return r;
	if ((r = look_up(&o)) != 0)
		return r;

	if (o.greet)
		r = run_greet();
	else if (o.file != NULL)
		r = run_send(&o);
	else
		r = run_echo(&o);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (r == 0)
			r = fail("writing output: %s", strerror(errno));
	}
	freeaddrinfo(addrs);
	return r;
}
