/* \summary: tcpviz-client: echo, greet, file-transfer and UDP clients on real sockets, for the live demo */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>
#include <sys/stat.h>

#include "tv_msg.h"
#include "tv_sock.h"

#define PROG		"tcpviz-client"
#define DEFAULT_MSG	"Hello Server"
#define TCP_TIMEOUT_MS	10000
#define UDP_TIMEOUT_MS	2000
#define COUNT_MAX	1000000
#define CHUNK		65536

static int quiet;
static int timeout_ms = -1;	/* -1 until --timeout or the default for the kind */
static char peer[TV_SOCK_ADDRSTRLEN];	/* "127.0.0.1:8000", for messages */

/* the one line on stderr before exit status 1; progress that -q hides */
#define fail(...) tv_msg_fail(PROG, 1, __VA_ARGS__)
#define note(...) do { if (!quiet) tv_msg_say(PROG, __VA_ARGS__); } while (0)



static void
note_connected(int fd, const char *kind)
{
	char local[TV_SOCK_ADDRSTRLEN];

	tv_sock_name(fd, 0, local, sizeof(local));
	note("%s %s -> %s", kind, local, peer);
}

/* Wait for the server's FIN; anything else it sends is an error. */
static int
await_close(int fd, const char *after)
{
	char errbuf[TV_SOCK_ERRBUF_SIZE], b[256];
	ssize_t n;

	n = tv_sock_read(fd, b, sizeof(b), timeout_ms, errbuf);
	if (n < 0)
		return fail("waiting for %s to close %s: %s", peer, after, errbuf);
	if (n > 0)
		return fail("%s sent %zd unexpected byte(s) %s", peer, n, after);
	return 0;
}

/*
 * TCP echo: each message, count times over one connection, each checked
 * against its echo; then shutdown(SHUT_WR), so the client sends the
 * first FIN, and wait for the server's.
 */
static int
run_echo(const char *host, int port, char **msgs, int nmsgs, long count)
{
	char errbuf[TV_SOCK_ERRBUF_SIZE];
	size_t len, maxlen = 0;
	char *buf;
	ssize_t n;
	long i;
	int fd, j, r = 0;

	for (j = 0; j < nmsgs; j++)
		if (strlen(msgs[j]) > maxlen)
			maxlen = strlen(msgs[j]);
	if ((buf = malloc(maxlen + 1)) == NULL)
		return fail("out of memory");
	if ((fd = tv_sock_connect(host, port, SOCK_STREAM, timeout_ms,
	    errbuf)) < 0) {
		free(buf);
		return fail("%s", errbuf);
	}
	note_connected(fd, "connected");
	for (i = 0; i < count && r == 0; i++)
		for (j = 0; j < nmsgs && r == 0; j++) {
			len = strlen(msgs[j]);
			if (tv_sock_write_all(fd, msgs[j], len, timeout_ms,
			    errbuf) < 0) {
				r = fail("sending to %s: %s", peer, errbuf);
				break;
			}
			n = tv_sock_read_all(fd, buf, len, timeout_ms, errbuf);
			if (n < 0)
				r = fail("reading the echo from %s: %s", peer, errbuf);
			else if ((size_t)n < len)
				r = fail("%s closed the connection after echoing %zd "
				    "of %zu bytes", peer, n, len);
			else if (memcmp(buf, msgs[j], len) != 0)
				r = fail("the echo from %s differs from what was sent",
				    peer);
			else {
				fwrite(buf, 1, len, stdout);
				putchar('\n');
			}
		}
	if (r == 0) {
		shutdown(fd, SHUT_WR);
		r = await_close(fd, "after our FIN");
		if (r == 0)
			note("closed; %ld message(s) echoed", count * nmsgs);
	}
	close(fd);
	free(buf);
	return r;
}

/* Greet: print what the server says until it closes, then close. */
static int
run_greet(const char *host, int port)
{
	char errbuf[TV_SOCK_ERRBUF_SIZE], buf[4096];
	ssize_t n;
	int fd, r = 0;

	if ((fd = tv_sock_connect(host, port, SOCK_STREAM, timeout_ms,
	    errbuf)) < 0)
		return fail("%s", errbuf);
	note_connected(fd, "connected");
	while ((n = tv_sock_read(fd, buf, sizeof(buf), timeout_ms, errbuf)) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	if (n < 0)
		r = fail("reading from %s: %s", peer, errbuf);
	else
		note("%s closed first", peer);
	close(fd);
	return r;
}

/*
 * Can NAME go into a "NAME SIZE" header at all?  The rest of the naming
 * rules (no "..", no leading '.') are the server's to enforce and to
 * explain in its ERR reply, so the demo can show a refusal.  Returns
 * NULL or why not.
 */
static const char *
header_problem(const char *name)
{
	const unsigned char *p;

	if (*name == '\0')
		return "empty name";
	if (strlen(name) > TV_STORE_NAME_MAX)
		return "name too long";
	for (p = (const unsigned char *)name; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return "name contains a space or control character";
	return NULL;
}

/* Read the server's one-line reply (to EOF, so it closes first). */
static int
read_reply(int fd, char *line, size_t size, char *errbuf)
{
	size_t got = 0;
	ssize_t n;

	while (got < size - 1) {
		n = tv_sock_read(fd, line + got, size - 1 - got, timeout_ms, errbuf);
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	line[got] = '\0';
	return 0;
}

/* "OK SIZE CRC32\n": 0 with *size and *crc, else -1. */
static int
parse_ok(const char *line, unsigned long long *size, uint32_t *crc)
{
	const char *p = line + 3;
	char *end;
	unsigned long v;

	if (strncmp(line, "OK ", 3) != 0 || *p < '0' || *p > '9')
		return -1;
	errno = 0;
	*size = strtoull(p, &end, 10);
	if (errno || *end != ' ')
		return -1;
	p = end + 1;
	if (strspn(p, "0123456789abcdefABCDEF") != 8 || strcmp(p + 8, "\n") != 0)
		return -1;
	v = strtoul(p, NULL, 16);
	*crc = (uint32_t)v;
	return 0;
}

/*
 * Send a file: "NAME SIZE\n" and the bytes, computing CRC-32 on the way;
 * then compare the server's "OK SIZE CRC32" with our own figures.
 */
static int
run_send(const char *host, int port, const char *path)
{
	char errbuf[TV_SOCK_ERRBUF_SIZE], reply[TV_STORE_REPLY_MAX];
	char hdr[TV_STORE_HDR_MAX + 1], *buf;
	unsigned long long size, sent = 0, rsize;
	const char *name, *bad;
	uint32_t crc = 0, rcrc;
	struct stat st;
	ssize_t n;
	int ffd, fd, r = 0, wfail = 0;

	name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if ((bad = header_problem(name)) != NULL)
		return fail("%s: cannot send under this name: %s", path, bad);
	if ((ffd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return fail("%s: %s", path, strerror(errno));
	if (fstat(ffd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(ffd);
		return fail("%s: not a regular file", path);
	}
	size = (unsigned long long)st.st_size;
	if (size > TV_STORE_MAX) {
		close(ffd);
		return fail("%s: %llu bytes; the server takes at most %llu", path,
		    size, TV_STORE_MAX);
	}
	if ((buf = malloc(CHUNK)) == NULL) {
		close(ffd);
		return fail("out of memory");
	}
	if ((fd = tv_sock_connect(host, port, SOCK_STREAM, timeout_ms,
	    errbuf)) < 0) {
		close(ffd);
		free(buf);
		return fail("%s", errbuf);
	}
	note_connected(fd, "connected");

	n = snprintf(hdr, sizeof(hdr), "%s %llu\n", name, size);
	if (tv_sock_write_all(fd, hdr, (size_t)n, timeout_ms, errbuf) < 0)
		wfail = 1;
	while (!wfail && sent < size) {
		size_t want = size - sent < CHUNK ? (size_t)(size - sent) : CHUNK;

		n = read(ffd, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = fail("%s: %s after %llu of %llu bytes", path,
			    n < 0 ? strerror(errno) : "file shrank", sent, size);
			break;
		}
		crc = tv_sock_crc32(crc, buf, (size_t)n);
		if (tv_sock_write_all(fd, buf, (size_t)n, timeout_ms, errbuf) < 0)
			wfail = 1;
		sent += (unsigned long long)n;
	}
	close(ffd);
	free(buf);
	if (r != 0) {
		close(fd);
		return r;
	}
	if (wfail) {
		/* the server may have said why it stopped reading */
		char why[TV_SOCK_ERRBUF_SIZE];

		if (read_reply(fd, reply, sizeof(reply), why) == 0 &&
		    strncmp(reply, "ERR ", 4) == 0) {
			reply[strcspn(reply, "\n")] = '\0';
			r = fail("%s refused %s: %s", peer, name, reply + 4);
		} else {
			r = fail("sending %s to %s: %s", name, peer, errbuf);
		}
		close(fd);
		return r;
	}

	if (read_reply(fd, reply, sizeof(reply), errbuf) < 0) {
		close(fd);
		return fail("reading the reply from %s: %s", peer, errbuf);
	}
	close(fd);
	if (strncmp(reply, "ERR ", 4) == 0) {
		reply[strcspn(reply, "\n")] = '\0';
		return fail("%s refused %s: %s", peer, name, reply + 4);
	}
	if (parse_ok(reply, &rsize, &rcrc) < 0) {
		reply[strcspn(reply, "\n")] = '\0';
		return fail("%s answered \"%.60s\", not \"OK SIZE CRC32\"", peer,
		    reply);
	}
	if (rsize != size)
		return fail("%s stored %llu bytes of %s, but %llu were sent",
		    peer, rsize, name, size);
	if (rcrc != crc)
		return fail("CRC-32 mismatch for %s: sent %08x, %s stored %08x",
		    name, crc, peer, rcrc);
	printf("sent %s: %llu bytes, crc32 %08x, confirmed by %s\n", name, size,
	    crc, peer);
	return 0;
}

/* UDP echo: each message a datagram; wait timeout_ms for its echo. */
static int
run_udp(const char *host, int port, char **msgs, int nmsgs, long count)
{
	char errbuf[TV_SOCK_ERRBUF_SIZE];
	size_t len;
	ssize_t n;
	char *buf;
	long i;
	int fd, j, r = 0;

	if ((buf = malloc(CHUNK)) == NULL)
		return fail("out of memory");
	if ((fd = tv_sock_connect(host, port, SOCK_DGRAM, timeout_ms,
	    errbuf)) < 0) {
		free(buf);
		return fail("%s", errbuf);
	}
	note_connected(fd, "udp");
	for (i = 0; i < count && r == 0; i++)
		for (j = 0; j < nmsgs && r == 0; j++) {
			len = strlen(msgs[j]);
			if (send(fd, msgs[j], len, 0) < 0) {
				r = fail("udp %s: %s", peer, strerror(errno));
				break;
			}
			n = tv_sock_read(fd, buf, CHUNK, timeout_ms, errbuf);
			if (n < 0 && errno == ETIMEDOUT)
				r = fail("udp %s: no echo within %g s", peer,
				    timeout_ms / 1000.0);
			else if (n < 0)
				r = fail("udp %s: %s", peer, errbuf);
			else if ((size_t)n != len || memcmp(buf, msgs[j], len) != 0)
				r = fail("udp %s: the echo differs from what was sent",
				    peer);
			else {
				fwrite(buf, 1, len, stdout);
				putchar('\n');
			}
		}
	close(fd);
	free(buf);
	return r;
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
"  --timeout SEC      give up when a connect or a wait for data takes longer\n"
"                     (default %d; %d with --udp; fractions allowed)\n"
"  -q                 no progress lines on stderr, only errors\n"
"  -h, --help         show this help and exit\n"
"\n"
"HOST is a numeric IPv4 or IPv6 address (127.0.0.1, ::1); names are not\n"
"looked up.  What the server sent goes to stdout.  Exit status 0 when all\n"
"went as expected, 1 with one line on stderr when not.\n"
"\n"
"Examples:\n"
"  tcpviz-client %s %d\n"
"  tcpviz-client --count 3 %s %d ping pong\n"
"  tcpviz-client --greet %s %d\n"
"  tcpviz-client --send notes.txt %s %d\n"
"  tcpviz-client --udp %s %d hello\n"
"  tcpviz-client ::1 8001\n",
	    DEFAULT_MSG, TCP_TIMEOUT_MS / 1000, UDP_TIMEOUT_MS / 1000,
	    TV_SOCK_HOST, TV_SOCK_TCP_PORT, TV_SOCK_HOST, TV_SOCK_TCP_PORT,
	    TV_SOCK_HOST, TV_SOCK_TCP_PORT, TV_SOCK_HOST, TV_SOCK_TCP_PORT,
	    TV_SOCK_HOST, TV_SOCK_UDP_PORT);
}

static int
bad_usage(const char *fmt, const char *arg)
{
	if (fmt != NULL)
		tv_msg_say(PROG, fmt, arg);
	usage(stderr);
	return 1;
}

int
main(int argc, char **argv)
{
	enum { OPT_UDP = 256, OPT_GREET, OPT_SEND, OPT_COUNT, OPT_TIMEOUT };
	static const struct option longopts[] = {
		{ "udp", no_argument, NULL, OPT_UDP },
		{ "greet", no_argument, NULL, OPT_GREET },
		{ "send", required_argument, NULL, OPT_SEND },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char *default_msg[] = { DEFAULT_MSG };
	char errbuf[TV_SOCK_ERRBUF_SIZE];
	struct sockaddr_storage ss;
	socklen_t sslen;
	const char *host, *file = NULL;
	char *end, **msgs;
	int ch, udp = 0, greet = 0, have_count = 0, port, nmsgs, r;
	long count = 1;
	double sec;

	while ((ch = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_UDP:
			udp = 1;
			break;
		case OPT_GREET:
			greet = 1;
			break;
		case OPT_SEND:
			file = optarg;
			break;
		case OPT_COUNT:
			errno = 0;
			count = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || count < 1 ||
			    count > COUNT_MAX)
				return bad_usage("invalid --count '%s' (1 to 1000000)",
				    optarg);
			have_count = 1;
			break;
		case OPT_TIMEOUT:
			errno = 0;
			sec = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(sec > 0) ||
			    sec > 86400)
				return bad_usage("invalid --timeout '%s' (seconds, more "
				    "than 0)", optarg);
			timeout_ms = (int)(sec * 1000 + 0.5);
			if (timeout_ms < 1)
				timeout_ms = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return bad_usage(NULL, NULL);
		}
	}
	if (argc - optind < 2)
		return bad_usage("%s", "give HOST and PORT");
	if (udp + greet + (file != NULL) > 1)
		return bad_usage("%s", "choose one of --udp, --greet and --send");
	host = argv[optind];
	errno = 0;
	port = (int)strtol(argv[optind + 1], &end, 10);
	if (errno || end == argv[optind + 1] || *end || port < 1 || port > 65535)
		return bad_usage("invalid port '%s' (1 to 65535)", argv[optind + 1]);
	nmsgs = argc - optind - 2;
	msgs = argv + optind + 2;
	if ((greet || file != NULL) && (nmsgs > 0 || have_count))
		return bad_usage("%s", "MESSAGE and --count are for echo (TCP or "
		    "UDP)");
	if (nmsgs == 0) {
		msgs = default_msg;
		nmsgs = 1;
	}
	if (timeout_ms < 0)
		timeout_ms = udp ? UDP_TIMEOUT_MS : TCP_TIMEOUT_MS;

	if (tv_sock_resolve(host, port, udp ? SOCK_DGRAM : SOCK_STREAM, &ss,
	    &sslen, errbuf) < 0)
		return fail("%s", errbuf);
	tv_sock_ntop((struct sockaddr *)&ss, peer, sizeof(peer));

	if (udp)
		r = run_udp(host, port, msgs, nmsgs, count);
	else if (greet)
		r = run_greet(host, port);
	else if (file != NULL)
		r = run_send(host, port, file);
	else
		r = run_echo(host, port, msgs, nmsgs, count);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (r == 0)
			r = fail("writing output: %s", strerror(errno));
	}
	return r;
}
