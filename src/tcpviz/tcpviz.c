/* \summary: tcpviz: draw TCP connections as ladders, from a capture file or live */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "tv_cap.h"
#include "tv_demo-int.h"
#include "tv_kview-int.h"
#include "tv_labrun-int.h"
#include "tv_priv-int.h"
#include "tv_run.h"
#include "tv_sink-int.h"
#include "tv_util.h"

#define TCPVIZ_VERSION "0.4.0"

/* Replay: a closed connection waits this long (capture time) for late packets. */
#define LINGER_NS (2 * 1000000000ULL)

/* What the command line asked for. */
struct opts {
	struct tv_run_opts run;
	struct tv_live_opts live;
	struct tv_demo_opts demo;
	const char *file, *wfile, *user;
	const char *files[TV_CMP_MAX_FLOWS];	/* -r ... -r (more than one: --compare) */
	int nfiles, fileno;
	int compare;		/* --compare[=ID,...] */
	int data_given;		/* --data */
	const char *ofile;	/* -o: the output into this file */
	const char *graph;	/* --graph */
	const char *format;	/* --format, or "summary" for --summary */
	long width;		/* --width, -1: the terminal's */
	int list;		/* -D */
	int summary;		/* --summary */
	int tcount;		/* how many -t */
	int linebuf;		/* -l */
	int print;		/* --print: with -w -, the ladder on stderr */
	int linktypes;		/* -L */
	const char *ffile;	/* -F */
	char *filter;
	int kernel;		/* --kernel 1, --no-kernel 0, neither -1 */
	const char *kdump;	/* --kernel-dump=FILE: the kernel's replies kept */
	const char *kquery;	/* --kernel-query=PORTS: ask once, print, exit */
	const char *kfile;	/* --kernel-file=FILE: read the answer from a recording */
	int lab;		/* --lab (or an impairment) */
	struct tv_labrun_opts labo;
	int calls;		/* --calls 1, --no-calls 0, neither -1 */
};

/* -F: the most a filter file may hold */
#define FILTER_FILE_MAX (64 * 1024)

static void
usage(FILE *fp)
{
	fprintf(fp,
"Usage: tcpviz [-#AelnqSDUvX] [-t...] [-c count] [-i interface] [-r file]\n"
"              [-w file] [-s snaplen] [-B buffer_KiB] [-Z user] [-F file]\n"
"              [--format=FORMAT] [--graph=tsg] [-o file] [--width=N]\n"
"              [--data=summary|full|none] [--summary] [--compare[=IDS]]\n"
"              [--color=auto|always|never] [expression]\n"
"       tcpviz --demo[=LIST] [--pace=MS]    |    tcpviz --demo-list\n"
"       tcpviz --lab [--loss=L] [--rate=R] [--delay=MS] [--reorder=P] [options]\n"
"              -- SERVER_CMD [ARGS] :: CLIENT_CMD [ARGS]\n"
"\n"
"Draw each TCP or UDP connection as a ladder diagram: client on the left,\n"
"server on the right, one arrow per packet, states and outcomes named.\n"
"\n"
"Input (default: capture live on lo):\n"
"  -r FILE          read packets from FILE (pcap or pcapng; - for stdin)\n"
"  -i IFACE         capture live on IFACE (needs CAP_NET_RAW: sudo, or\n"
"                   make setcap)\n"
"  -w FILE          also save the packets the expression and -c select to\n"
"                   FILE (pcap)\n"
"  -s SNAPLEN       bytes to capture of each packet (default and 0: 262144)\n"
"  -B KIB           kernel capture buffer in KiB (default 8192)\n"
"  -Z USER          after opening the capture, run as USER (default: the user\n"
"                   who ran sudo, when started through sudo)\n"
"  -D, --list-interfaces   list the interfaces that can be captured on\n"
"  -c COUNT         stop after COUNT packets that match the expression\n"
"  -F FILE          read the expression from FILE (at most 64 KiB)\n"
"  -U, --immediate-mode   accepted for tcpdump habits: -w writes as packets\n"
"                   come, live capture delivers them as they arrive\n"
"  -w -             the capture on stdout, nothing else (tcpdump -r - reads it);\n"
"  --print          then the ladder on stderr (with -w FILE: on stdout)\n"
"  -Q in|out|inout  live: packets received, sent, or both (on lo each is both)\n"
"  -y TYPE          live: the link type (EN10MB ...); -L lists the interface's\n"
"  --time-stamp-precision=micro|nano   times (live, -r and -w) in us or ns\n"
"  -K, --dont-verify-checksums   verify no IPv4, TCP or UDP checksum (by\n"
"                   default one that is wrong is marked: a bad IPv4 header\n"
"                   drops the packet, a bad TCP/UDP one is not used)\n"
"  --max-conns N    connections tracked at once (default 262144); when full,\n"
"                   the least recently active one is drawn early (evicted)\n"
"  --shard K/N      only the connections of share K of N (1 <= K <= N): N\n"
"                   workers split a capture with no coordination\n"
"  --kernel         live: beside the ladder, what the kernel holds for each\n"
"                   end (ss's state, queues, timer, the process holding it),\n"
"                   when it changes (on in the demo; --no-kernel: off)\n"
"  --calls          the demo and --lab: the socket calls the bundled programs\n"
"                   make (socket, bind, listen, accept, connect, send, recv,\n"
"                   shutdown, close) on their side, among the packets (on in\n"
"                   the demo; --no-calls: off)\n"
"\n"
"Output:\n"
"  -S               absolute sequence numbers (default: relative to the ISN)\n"
"  -#, --number     the frame number of the file at the start of every row\n"
"  -t               no time column; -tt: seconds since 1970; -ttt: since the\n"
"                   previous row of the connection; -tttt: date and time of\n"
"                   day; -ttttt: since the first packet (default: since the\n"
"                   connection's first packet; live: since the start)\n"
"  -q               arrows only: no notes or options beside the rows\n"
"  -v, -vv          -v: window, TTL (hop limit), IP ID beside each row;\n"
"                   -vv: also the TCP options in full (TS values, SACK)\n"
"  -A, -X           payload under its row (at most 256 bytes): -A as text,\n"
"                   -X as hex and text; rows with payload are not folded\n"
"  -e               the link layer (MAC addresses, ethertype, VLAN) in the\n"
"                   connection's header\n"
"  --color=WHEN     auto (on a terminal, unless NO_COLOR is set), always or\n"
"                   never: arrows by direction, anomalies, outcomes\n"
"  -l               line-buffered standard output\n"
"  --width=N        fit text in N columns (default: the terminal's width on a\n"
"                   terminal, else no limit; 0: no limit)\n"
"  -n               accepted for tcpdump habits; tcpviz never resolves names\n"
"  --format=FORMAT  text (ladder diagrams, the default), json (JSON Lines),\n"
"                   summary, or a picture (docs/pictures.md): svg (the\n"
"                   ladders as one SVG), mermaid (a sequenceDiagram each),\n"
"                   plantuml (a sequence diagram each, @startuml ...),\n"
"                   html (one offline page: table, ladders, graphs, filter)\n"
"  --graph=tsg      the time-sequence graph of each connection, as SVG\n"
"                   (tsg:client, tsg:server: only the data that side sent)\n"
"  -o FILE          write the output to FILE instead of standard output\n"
"  --data=MODE      data phase in the ladder: summary (runs of plain data and\n"
"                   ACKs folded into one line; the default), full, or none\n"
"  --summary        one line per connection (open, close, Zeek conn_state and\n"
"                   history, packets, bytes, duration, handshake RTT), then\n"
"                   totals\n"
"  --compare[=IDS]  flows side by side on one time axis, each from its first\n"
"                   packet, and a table of their metrics (docs/compare.md);\n"
"                   IDS picks connections (1,3; default the first 8);\n"
"                   -r may then be given up to 8 times (ids go on)\n"
"\n"
"Demo (as root: sudo tcpviz --demo):\n"
"  --demo[=LIST]    run the bundled programs on loopback and draw them live;\n"
"                   LIST is a comma-separated choice of scenarios\n"
"  --demo-list      list the scenarios\n"
"  --pace=MS        show a line at most every MS ms (default 25 on a terminal,\n"
"                   else 0); capturing and checking do not wait for it\n"
"\n"
"The lab (as root; docs/lab.md): two hosts in private network namespaces\n"
"on a wire that misbehaves, captured at both ends:\n"
"  --lab            run SERVER_CMD on the server (198.51.100.2) and CLIENT_CMD on\n"
"                   the client (TCPVIZ_SERVER in its environment), draw both\n"
"                   ends joined: each packet once, lost ones ending in X\n"
"  --loss=[DIR:]AMOUNT[:KIND]   AMOUNT 10%% (at random) or #3 or #1,#2 (those\n"
"                   exactly); KIND all, syn, data, fin or ack; DIR to-server,\n"
"                   to-client or both (the default), for each option below too\n"
"  --rate=[DIR:]RATE   a slower wire (1mbit, 500kbit, 64kbps): a queue\n"
"  --delay=[DIR:]MS[/JITTER], --reorder=[DIR:]PCT%%   netem, where the\n"
"                   kernel has it\n"
"  (--demo=lab runs the lab's demo scenarios: loss, syn-loss, rate ...)\n"
"\n"
"  -h, --help       show this help and exit\n"
"      --version    show the version and exit\n"
"\n"
"expression        a BPF filter as in tcpdump, e.g. 'tcp port 8000'\n"
"\n"
"Examples:\n"
"  tcpviz -r captures/handshake.pcap\n"
"  tcpviz -r trace.pcapng 'tcp port 8000'\n"
"  tcpviz -r trace.pcap --format=json | jq .\n"
"  tcpviz -r trace.pcap --format=html -o report.html\n"
"  sudo tcpviz -i lo -w out.pcap 'tcp port 8000'\n"
"\n"
"See tcpviz(1) (docs/tcpviz.1) and docs/ for the ladder, the JSON fields,\n"
"the outcomes and exit statuses.\n");
}

/* Join the trailing arguments into one filter expression, as tcpdump does. */
static char *
join_args(int argc, char **argv)
{
	size_t len = 1;
	char *s;
	int i;

	if (argc == 0)
		return NULL;
	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((s = malloc(len)) == NULL)
		return NULL;
	s[0] = '\0';
	for (i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

/* -tttt: the local time's offset from UTC at sec, for the renderer. */
static long
utc_offset(int64_t sec)
{
	time_t t = (time_t)sec;
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return tm.tm_gmtoff;
}

/*
 * -F FILE: the expression in FILE, at most FILTER_FILE_MAX bytes, its
 * newlines as spaces and '#' comments dropped, as tcpdump reads it; NULL
 * after a message.
 */
static char *
read_filter_file(const char *path)
{
	FILE *fp;
	char *s;
	size_t n, i;

	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "tcpviz: -F %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if ((s = malloc(FILTER_FILE_MAX + 2)) == NULL) {
		fclose(fp);
		fprintf(stderr, "tcpviz: out of memory\n");
		return NULL;
	}
	n = fread(s, 1, FILTER_FILE_MAX + 1, fp);
	if (ferror(fp)) {
		fprintf(stderr, "tcpviz: -F %s: %s\n", path, strerror(errno));
		goto fail;
	}
	if (n > FILTER_FILE_MAX) {
		fprintf(stderr, "tcpviz: -F %s: longer than %d bytes: "
		    "not a filter expression\n", path, FILTER_FILE_MAX);
		goto fail;
	}
	s[n] = '\0';
	if (strlen(s) != n) {
		fprintf(stderr, "tcpviz: -F %s: holds a NUL byte: "
		    "not a filter expression\n", path);
		goto fail;
	}
	for (i = 0; i < n; i++) {
		if (s[i] == '#')	/* a comment to the end of the line, as tcpdump */
			while (i < n && s[i] != '\n')
				s[i++] = ' ';
		if (i < n && (s[i] == '\n' || s[i] == '\r' || s[i] == '\t'))
			s[i] = ' ';
	}
	fclose(fp);
	return s;
fail:
	fclose(fp);
	free(s);
	return NULL;
}

/*
 * The width output must fit: a terminal's (TIOCGWINSZ, then $COLUMNS,
 * then 80), never below TV_WIDTH_MIN; off a terminal, no limit.
 */
static unsigned
term_width(int fd)
{
	struct winsize ws;
	const char *cols;
	uint64_t v;
	unsigned w = 80;

	if (!isatty(fd))
		return 0;
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		w = ws.ws_col;
	else if ((cols = getenv("COLUMNS")) != NULL &&
	    tv_parse_u64(cols, 1, 100000, &v) == 0)
		w = (unsigned)v;
	return w < TV_WIDTH_MIN ? TV_WIDTH_MIN : w;
}

static void
write_stderr(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	fwrite(s, 1, n, stderr);
}

/* A message on standard error, broken to fit the terminal it goes to. */
static void
say_stderr(const char *text)
{
	struct tv_out o = { .write = write_stderr };

	tv_out_para(&o, term_width(STDERR_FILENO), 8, text);
}

static void
perm_help(const char *iface)
{
	fprintf(stderr,
	    "tcpviz: %s: no permission to capture (live capture needs CAP_NET_RAW)\n"
	    "tcpviz: hint: run it through sudo, or give the binary the capability "
	    "once: sudo setcap cap_net_raw,cap_net_admin+eip tcpviz (make setcap); "
	    "-r FILE needs none\n", iface);
}

/* A number option in [min, max] into *out; -1 with a message if not. */
static int
num_opt(const char *what, const char *arg, uint64_t min, uint64_t max,
    uint64_t *out)
{
	if (tv_parse_u64(arg, min, max, out) == 0)
		return 0;
	fprintf(stderr, "tcpviz: invalid %s '%s' (%" PRIu64 " to %" PRIu64 ")\n",
	    what, arg, min, max);
	return -1;
}

/* --shard K/N: 1 <= K <= N <= TV_RUN_SHARDS_MAX */
static int
shard_opt(const char *arg, struct tv_run_opts *run)
{
	const char *slash = strchr(arg, '/');
	char k[24];
	uint64_t kv, nv;

	if (slash != NULL && (size_t)(slash - arg) < sizeof(k)) {
		memcpy(k, arg, (size_t)(slash - arg));
		k[slash - arg] = '\0';
		if (tv_parse_u64(slash + 1, 1, TV_RUN_SHARDS_MAX, &nv) == 0 &&
		    tv_parse_u64(k, 1, nv, &kv) == 0) {
			run->shard = (uint32_t)kv;
			run->shards = (uint32_t)nv;
			run->ro.shard = run->shard;
			return 0;
		}
	}
	fprintf(stderr, "tcpviz: invalid --shard '%s' (K/N: this worker's share "
	    "K of N, 1 <= K <= N <= %u)\n", arg, TV_RUN_SHARDS_MAX);
	return -1;
}

/* --compare=ID,...: connection ids, at most TV_CMP_MAX_FLOWS */
static int
compare_opt(const char *arg, struct tv_render_opts *ro)
{
	char id[24];
	const char *p = arg, *e;
	uint64_t v;

	ro->ncmp = 0;
	while (arg != NULL) {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) >= sizeof(id) || ro->ncmp == TV_CMP_MAX_FLOWS)
			goto bad;
		memcpy(id, p, (size_t)(e - p));
		id[e - p] = '\0';
		if (tv_parse_u64(id, 1, UINT32_MAX, &v) < 0)
			goto bad;
		ro->cmp_ids[ro->ncmp++] = (uint32_t)v;
		if (*e == '\0')
			break;
		p = e + 1;
	}
	return 0;
bad:
	fprintf(stderr, "tcpviz: invalid --compare '%s' (connection ids, as the "
	    "ladders number them: 1,3; at most %d)\n", arg, TV_CMP_MAX_FLOWS);
	return -1;
}

enum { OPT_VERSION = 256, OPT_FORMAT, OPT_DATA, OPT_SUMMARY, OPT_DEMO,
	OPT_DEMO_LIST, OPT_PACE, OPT_MAX_CONNS, OPT_WIDTH, OPT_IMMEDIATE,
	OPT_PRINT, OPT_TSPREC, OPT_COLOR, OPT_SHARD, OPT_GRAPH, OPT_KERNEL,
	OPT_NO_KERNEL, OPT_KERNEL_DUMP, OPT_KERNEL_QUERY, OPT_KERNEL_FILE,
	OPT_CALLS, OPT_NO_CALLS, OPT_LAB, OPT_LOSS, OPT_RATE, OPT_DELAY,
	OPT_REORDER, OPT_COMPARE };

static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "graph", required_argument, NULL, OPT_GRAPH },
	{ "output", required_argument, NULL, 'o' },
	{ "data", required_argument, NULL, OPT_DATA },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "list-interfaces", no_argument, NULL, 'D' },
	{ "demo", optional_argument, NULL, OPT_DEMO },
	{ "demo-list", no_argument, NULL, OPT_DEMO_LIST },
	{ "pace", required_argument, NULL, OPT_PACE },
	{ "max-conns", required_argument, NULL, OPT_MAX_CONNS },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "width", required_argument, NULL, OPT_WIDTH },
	{ "number", no_argument, NULL, '#' },
	{ "immediate-mode", no_argument, NULL, OPT_IMMEDIATE },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "colour", required_argument, NULL, OPT_COLOR },
	{ "print", no_argument, NULL, OPT_PRINT },
	{ "list-data-link-types", no_argument, NULL, 'L' },
	{ "time-stamp-precision", required_argument, NULL, OPT_TSPREC },
	{ "kernel", no_argument, NULL, OPT_KERNEL },
	{ "no-kernel", no_argument, NULL, OPT_NO_KERNEL },
	{ "calls", no_argument, NULL, OPT_CALLS },
	{ "no-calls", no_argument, NULL, OPT_NO_CALLS },
	{ "kernel-dump", required_argument, NULL, OPT_KERNEL_DUMP },
	{ "kernel-query", required_argument, NULL, OPT_KERNEL_QUERY },
	{ "kernel-file", required_argument, NULL, OPT_KERNEL_FILE },
	{ "dont-verify-checksums", no_argument, NULL, 'K' },
	{ "lab", no_argument, NULL, OPT_LAB },
	{ "loss", required_argument, NULL, OPT_LOSS },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "delay", required_argument, NULL, OPT_DELAY },
	{ "reorder", required_argument, NULL, OPT_REORDER },
	{ "compare", optional_argument, NULL, OPT_COMPARE },
	{ NULL, 0, NULL, 0 },
};

static const char *const data_names[] = {
	[TV_DATA_SUMMARY] = "summary", [TV_DATA_FULL] = "full", [TV_DATA_NONE] = "none",
};

static const char *const dir_names[] = {
	[TV_DIR_INOUT] = "inout", [TV_DIR_IN] = "in", [TV_DIR_OUT] = "out",
};

static const char *const prec_names[] = { "micro", "nano" };

/* The capture's options (-Q, -y, -L, --print, --time-stamp-precision):
 * as one_opt() returns. */
static int
cap_opt(struct opts *op, int ch, const char *arg)
{
	int i;

	switch (ch) {
	case 'Q':
		if ((i = tv_name_index(arg, dir_names, 3)) < 0) {
			fprintf(stderr, "tcpviz: -Q %s: not a direction "
			    "(in, out or inout)\n", arg);
			return TV_EXIT_ERROR;
		}
		op->live.dir = (enum tv_cap_dir)i;
		return -1;
	case 'y':
		if (!tv_cap_linktype_known(arg)) {
			fprintf(stderr, "tcpviz: -y %s: unknown link type "
			    "(tcpviz -L lists an interface's)\n", arg);
			return TV_EXIT_ERROR;
		}
		op->live.linktype = arg;
		return -1;
	case 'L':
		op->linktypes = 1;
		return -1;
	case OPT_PRINT:
		op->print = 1;
		return -1;
	default:	/* OPT_TSPREC */
		if ((i = tv_name_index(arg, prec_names, 2)) < 0) {
			fprintf(stderr, "tcpviz: --time-stamp-precision=%s: "
			    "micro or nano\n", arg);
			return TV_EXIT_ERROR;
		}
		op->live.digits = i ? 9 : 6;
		return -1;
	}
}

/*
 * One option.  0 to go on; TV_EXIT_OK when it was answered
 * (--help, --version, --demo-list); TV_EXIT_ERROR after a message.
 */
static int
one_opt(struct opts *op, int ch, const char *arg)
{
	uint64_t v;
	int i;

	switch (ch) {
	case 'B':
		if (num_opt("buffer size (KiB)", arg, 1, 4u << 20, &v) < 0)
			return TV_EXIT_ERROR;
		op->live.buffer_kib = (int)v;
		return -1;
	case 'c':
		return num_opt("packet count", arg, 1, UINT64_MAX, &op->run.count) < 0 ?
		    TV_EXIT_ERROR : -1;
	case 'D':
		op->list = 1;
		return -1;
	case 'h':
		usage(stdout);
		return TV_EXIT_OK;
	case 'i':
		op->live.iface = arg;
		return -1;
	case 'n':		/* tcpviz never resolves names */
	case 'U':		/* -w writes as packets come already */
	case OPT_IMMEDIATE:	/* live capture is prompt already */
		return -1;
	case '#':
		op->run.ro.number = 1;
		return -1;
	case 't':
		op->tcount++;
		return -1;
	case 'l':
		op->linebuf = 1;
		return -1;
	case 'F':
		op->ffile = arg;
		return -1;
	case 'r':
		if (op->nfiles == TV_CMP_MAX_FLOWS) {
			fprintf(stderr, "tcpviz: -r given more than %d times\n",
			    TV_CMP_MAX_FLOWS);
			return TV_EXIT_ERROR;
		}
		op->files[op->nfiles++] = arg;
		op->file = op->files[0];
		return -1;
	case 's':
		/* 0: the most, as in tcpdump */
		if (num_opt("snaplen", arg, 0, 262144, &v) < 0)
			return TV_EXIT_ERROR;
		op->live.snaplen = v == 0 ? 262144 : (int)v;
		return -1;
	case 'S':
		op->run.ro.absolute = 1;
		return -1;
	case 'q':
		op->run.ro.quiet = 1;
		return -1;
	case 'v':
		if (op->run.ro.verbose < 3)
			op->run.ro.verbose++;
		return -1;
	case 'A':
	case 'X':
		op->run.ro.payload = ch;
		return -1;
	case 'e':
		op->run.ro.link = 1;
		return -1;
	case 'K':
		op->run.no_cksum = 1;
		return -1;
	case OPT_COLOR:		/* resolved after the options: -1 never, 0 auto, 1 always */
		if (strcmp(arg, "always") == 0)
			op->run.ro.color = 1;
		else if (strcmp(arg, "never") == 0)
			op->run.ro.color = -1;
		else if (strcmp(arg, "auto") == 0)
			op->run.ro.color = 0;
		else {
			fprintf(stderr, "tcpviz: unknown --color '%s' "
			    "(auto, always or never)\n", arg);
			return TV_EXIT_ERROR;
		}
		return -1;
	case 'w':
		op->wfile = arg;
		return -1;
	case 'Z':
		op->user = arg;
		return -1;
	case OPT_FORMAT:
		op->format = arg;
		return -1;
	case OPT_GRAPH:
		/* tsg: both directions that carried data; tsg:client, tsg:server:
		 * the data that side sent */
		op->run.ro.graph_only = strcmp(arg, "tsg:client") == 0 ? 1 :
		    strcmp(arg, "tsg:server") == 0 ? 2 : 0;
		if (strcmp(arg, "tsg") != 0 && op->run.ro.graph_only == 0) {
			fprintf(stderr, "tcpviz: unknown --graph '%s' (tsg: the "
			    "time-sequence graph; tsg:client or tsg:server: one "
			    "direction's)\n", arg);
			return TV_EXIT_ERROR;
		}
		op->graph = arg;
		return -1;
	case 'o':
		op->ofile = arg;
		return -1;
	case OPT_DATA:
		if ((i = tv_name_index(arg, data_names, 3)) < 0) {
			fprintf(stderr, "tcpviz: unknown --data mode '%s' "
			    "(summary, full or none)\n", arg);
			return TV_EXIT_ERROR;
		}
		op->run.ro.data = (enum tv_data)i;
		op->data_given = 1;
		return -1;
	case OPT_SUMMARY:
		op->summary = 1;
		return -1;
	case OPT_DEMO:
		op->demo.enabled = 1;
		op->demo.list = arg;
		return -1;
	case OPT_DEMO_LIST:
		tv_demo_print_list(stdout);
		return TV_EXIT_OK;
	case OPT_LAB:
		op->lab = 1;
		return -1;
	case OPT_LOSS:
	case OPT_RATE:
	case OPT_DELAY:
	case OPT_REORDER: {
		static const char *const on[] = { "loss", "rate", "delay", "reorder" };
		char errbuf[TV_ERRBUF_SIZE];

		op->lab = 1;
		if (tv_lab_parse(&op->labo.cfg, on[ch - OPT_LOSS], arg, errbuf) < 0) {
			fprintf(stderr, "%s\n", errbuf);
			return TV_EXIT_ERROR;
		}
		return -1;
	}
	case OPT_PACE:
		if (num_opt("pace (ms)", arg, 0, 10000, &v) < 0)
			return TV_EXIT_ERROR;
		op->demo.pace_ms = (int)v;
		return -1;
	case OPT_MAX_CONNS:
		if (num_opt("--max-conns", arg, 1, 100000000, &v) < 0)
			return TV_EXIT_ERROR;
		op->run.max_conns = (uint32_t)v;
		return -1;
	case OPT_SHARD:
		return shard_opt(arg, &op->run) < 0 ? TV_EXIT_ERROR : -1;
	case OPT_COMPARE:
		op->compare = 1;
		return compare_opt(arg, &op->run.ro) < 0 ? TV_EXIT_ERROR : -1;
	case OPT_WIDTH:
		if (strcmp(arg, "0") == 0)
			v = 0;
		else if (num_opt("--width (0 for no limit, or columns)", arg,
		    TV_WIDTH_MIN, 100000, &v) < 0)
			return TV_EXIT_ERROR;
		op->width = (long)v;
		return -1;
	case 'Q':
	case 'y':
	case 'L':
	case OPT_PRINT:
	case OPT_TSPREC:
		return cap_opt(op, ch, arg);
	case OPT_KERNEL:
	case OPT_NO_KERNEL:
		op->kernel = ch == OPT_KERNEL;
		return -1;
	case OPT_CALLS:
	case OPT_NO_CALLS:
		op->calls = ch == OPT_CALLS;
		return -1;
	case OPT_KERNEL_DUMP:
		op->kdump = arg;
		return -1;
	case OPT_KERNEL_QUERY:
		op->kquery = arg;
		return -1;
	case OPT_KERNEL_FILE:
		op->kfile = arg;
		return -1;
	case OPT_VERSION:
		printf("tcpviz %s\n%s\n", TCPVIZ_VERSION, tv_cap_lib_version());
		return TV_EXIT_OK;
	default:		/* getopt said what; the help is one option away */
		fprintf(stderr, "Try 'tcpviz --help' for more information.\n");
		return TV_EXIT_ERROR;
	}
}

/* The command line into *op; -1 to go on, else the exit status. */
/* --lab -- SERVER ARGS [:: CLIENT ARGS]: the programs, split in place;
 * 0, or -1 after a message. */
static int
lab_args(struct opts *op, int argc, char **argv)
{
	int i;

	if (op->demo.enabled || op->file != NULL || op->live.iface != NULL ||
	    op->wfile != NULL || op->kernel > 0) {
		fprintf(stderr, "tcpviz: --lab makes its own hosts and wire and "
		    "captures there: no --demo, -r, -i, -w or --kernel with it\n");
		return -1;
	}
	if (optind >= argc || strcmp(argv[optind], "::") == 0) {
		fprintf(stderr, "tcpviz: --lab runs programs: tcpviz --lab [--loss ...] "
		    "-- SERVER_CMD [ARGS] :: CLIENT_CMD [ARGS]\n");
		return -1;
	}
	op->labo.server = argv + optind;
	for (i = optind; i < argc; i++)
		if (strcmp(argv[i], "::") == 0) {
			argv[i] = NULL;
			if (i + 1 < argc)
				op->labo.client = argv + i + 1;
			break;
		}
	op->labo.user = op->user;
	op->labo.live = op->live;
	return 0;
}

static int
parse_args(int argc, char **argv, struct opts *op)
{
	int ch, st, text_fd;

	memset(op, 0, sizeof(*op));
	op->demo.pace_ms = -1;
	op->kernel = -1;
	op->calls = -1;
	op->width = -1;
	op->format = NULL;
	argv[0] = (char *)"tcpviz";	/* getopt's messages, as every other says it */
	while ((ch = getopt_long(argc, argv, "#AB:c:DeF:hi:KlLno:qQ:r:s:StUvw:Xy:Z:", longopts,
	    NULL)) != -1)
		if ((st = one_opt(op, ch, optarg)) >= 0)
			return st;
	if (op->summary && op->format && strcmp(op->format, "summary") != 0) {
		fprintf(stderr, "tcpviz: --summary is a text format; "
		    "with --format=json the conn lines carry the same\n");
		return TV_EXIT_ERROR;
	}
	if (op->summary)
		op->format = "summary";
	if (op->graph && op->format && strcmp(op->format, "svg") != 0) {
		fprintf(stderr, "tcpviz: --graph=tsg draws an SVG picture: "
		    "no --format=%s with it\n", op->format);
		return TV_EXIT_ERROR;
	}
	if (op->graph)
		op->format = "tsg";
	if (op->nfiles > 1 && op->wfile != NULL) {
		fprintf(stderr, "tcpviz: -w saves one capture: not with several -r\n");
		return TV_EXIT_ERROR;
	}
	if (op->nfiles > 1 && !op->compare) {
		fprintf(stderr, "tcpviz: -r given %d times: several captures go "
		    "with --compare (side by side)\n", op->nfiles);
		return TV_EXIT_ERROR;
	}
	if (op->compare) {
		if (op->format && strcmp(op->format, "text") != 0 &&
		    strcmp(op->format, "json") != 0) {
			fprintf(stderr, "tcpviz: --compare draws text, or JSON "
			    "with --format=json: not %s\n", op->summary ?
			    "--summary" : op->graph ? "--graph" : op->format);
			return TV_EXIT_ERROR;
		}
		op->format = op->format && strcmp(op->format, "json") == 0 ?
		    "compare-json" : "compare";
		/* each message its own row: the point is to count them */
		if (!op->data_given)
			op->run.ro.data = TV_DATA_FULL;
	}
	if (op->file != NULL && op->live.iface != NULL) {
		fprintf(stderr, "tcpviz: -r and -i: read a file or capture live, not both\n");
		return TV_EXIT_ERROR;
	}
	if (op->demo.enabled && (op->file != NULL || optind < argc)) {
		fprintf(stderr, "tcpviz: --demo makes its own traffic: "
		    "no -r and no filter expression with it\n");
		return TV_EXIT_ERROR;
	}
	if (op->lab && lab_args(op, argc, argv) < 0)
		return TV_EXIT_ERROR;
	if (op->kfile != NULL && (op->kquery == NULL || op->kdump != NULL)) {
		fprintf(stderr, "tcpviz: --kernel-file=FILE goes with "
		    "--kernel-query=PORTS (and without --kernel-dump)\n");
		return TV_EXIT_ERROR;
	}
	if (op->kdump != NULL && op->kernel < 0 && op->kquery == NULL)
		op->kernel = 1;		/* keeping the replies is asking for them */
	/* the calls come from the bundled programs the demo or the lab
	 * runs: nothing else reports them */
	if (op->calls > 0 && !op->demo.enabled && !op->lab) {
		fprintf(stderr, "tcpviz: --calls goes with --demo or --lab (the "
		    "bundled programs report their socket calls)\n");
		return TV_EXIT_ERROR;
	}
	op->labo.calls = op->calls > 0;
	if (op->kernel > 0 && op->file != NULL) {
		fprintf(stderr, "tcpviz: --kernel asks the kernel about the sockets "
		    "of a live capture: not with -r\n");
		return TV_EXIT_ERROR;
	}
	if (op->tcount > 5) {
		fprintf(stderr, "tcpviz: -t given %d times: -t to -ttttt\n",
		    op->tcount);
		return TV_EXIT_ERROR;
	}
	op->run.ro.tfmt = (enum tv_tfmt)op->tcount;	/* TV_T_NONE is 1 */
	op->run.ro.utc_offset = utc_offset;
	if (op->linebuf)
		setvbuf(stdout, NULL, _IOLBF, 0);
	if (op->ffile != NULL) {
		/* tcpdump -F: the file is the expression, arguments are not */
		if (optind < argc)
			fprintf(stderr, "tcpviz: -F %s: the expression on the "
			    "command line is ignored\n", op->ffile);
		if ((op->filter = read_filter_file(op->ffile)) == NULL)
			return TV_EXIT_ERROR;
	} else if (!op->lab && optind < argc &&
	    (op->filter = join_args(argc - optind, argv + optind)) == NULL) {
		fprintf(stderr, "tcpviz: out of memory\n");
		return TV_EXIT_ERROR;
	}
	/* the text goes to stdout, or with -w - --print to stderr: the
	 * width and colour are those of where it goes */
	text_fd = op->wfile != NULL && strcmp(op->wfile, "-") == 0 ?
	    STDERR_FILENO : STDOUT_FILENO;
	op->run.ro.width = op->width >= 0 ? (unsigned)op->width :
	    term_width(text_fd);
	/* --color: auto is on a terminal unless NO_COLOR is set (no-color.org) */
	op->run.ro.color = op->run.ro.color > 0 || (op->run.ro.color == 0 &&
	    isatty(text_fd) && (getenv("NO_COLOR") == NULL ||
	    getenv("NO_COLOR")[0] == '\0') && (getenv("TERM") == NULL ||
	    strcmp(getenv("TERM"), "dumb") != 0));
	op->run.live = op->file == NULL;
	op->run.renderer = tv_renderer_find(op->format ? op->format : "text",
	    op->run.live);
	/* the lab's run ends by itself: the pictures of whole captures too */
	if (op->run.renderer == NULL && op->lab)
		op->run.renderer = tv_renderer_find(op->format, 0);
	if (op->run.renderer == NULL && op->run.live &&
	    tv_renderer_find(op->format, 0) != NULL) {
		fprintf(stderr, "tcpviz: %s%s draws whole captures: save one with "
		    "-w, then draw it with -r\n", op->graph ? "--graph=" :
		    "--format=", op->graph ? op->graph : op->format);
		return TV_EXIT_ERROR;
	}
	if (op->run.renderer == NULL) {
		fprintf(stderr, "tcpviz: unknown format '%s' (%s)\n", op->format,
		    tv_renderer_names());
		return TV_EXIT_ERROR;
	}
	/* the kernel's lines go under the live ladder's rows, or into JSON */
	if (op->kernel > 0 && op->run.renderer != &tv_render_live &&
	    op->run.renderer != &tv_render_json) {
		fprintf(stderr, "tcpviz: --kernel goes with the ladder or "
		    "--format=json, not --%s\n", op->summary ? "summary" : "format");
		return TV_EXIT_ERROR;
	}
	/* -w -: standard output carries only the capture; the ladder goes
	 * to standard error with --print, else nowhere (as tcpdump) */
	if (op->wfile != NULL && strcmp(op->wfile, "-") == 0) {
		if (op->print)
			tv_sink_stderr(&op->run.sink, op->run.live);
		else
			tv_sink_none(&op->run.sink);
	} else {
		tv_sink_stdout(&op->run.sink, op->run.live);
	}
	op->run.linger_ns = LINGER_NS;
	return -1;
}

/* -w FILE on cap, then -o FILE; 0, or -1 after a message (cap closed). */
static int
open_dump(struct opts *op, struct tv_cap *cap, char *errbuf)
{
	if (op->wfile == NULL || tv_cap_dump_open(cap, op->wfile, errbuf) == 0) {
		if (op->ofile == NULL ||
		    tv_sink_file(&op->run.sink, op->run.live, op->ofile) == 0)
			return 0;
		fprintf(stderr, "tcpviz: %s: %s\n", op->ofile, strerror(errno));
		tv_cap_close(cap);
		return -1;
	}
	fprintf(stderr, "tcpviz: %s: %s\n", op->wfile, errbuf);
	tv_cap_close(cap);
	return -1;
}

/*
 * Open the file or the interface, drop root, open -w (as the user tcpviz
 * now runs as), and only then say it is listening; NULL after a message.
 */
static struct tv_cap *
open_input(struct opts *op, char *errbuf)
{
	struct tv_cap *cap;
	int err;

	if (op->file != NULL) {
		/* --compare -r A -r B: each file is read in turn; that the
		 * later ones open is known before the first is drawn */
		for (int i = op->nfiles - 1; i > 0; i--) {
			if ((cap = tv_cap_open_file_prec(op->files[i],
			    op->filter, op->live.digits, errbuf)) == NULL) {
				fprintf(stderr, "tcpviz: %s: %s\n",
				    op->files[i], errbuf);
				return NULL;
			}
			tv_cap_close(cap);
		}
		if ((cap = tv_cap_open_file_prec(op->file, op->filter,
		    op->live.digits, errbuf)) == NULL)
			fprintf(stderr, "tcpviz: %s: %s\n", op->file, errbuf);
		return cap == NULL || open_dump(op, cap, errbuf) < 0 ? NULL : cap;
	}
	if (op->live.iface == NULL)
		op->live.iface = "lo";
	if ((cap = tv_cap_open_live(&op->live, op->filter, &err, errbuf)) == NULL) {
		if (err == TV_CAP_EPERM)
			perm_help(op->live.iface);
		else
			fprintf(stderr, "tcpviz: %s: %s\n", op->live.iface, errbuf);
		return NULL;
	}
	if (tv_drop_privileges(op->user) < 0) {
		tv_cap_close(cap);
		return NULL;
	}
	if (open_dump(op, cap, errbuf) < 0)
		return NULL;
	/* a long filter is shown cut, as in the messages of tv_cap */
	snprintf(errbuf, TV_ERRBUF_SIZE, "tcpviz: listening on %s%s%.60s%s, "
	    "%s", op->live.iface,
	    op->filter ? ", filter " : "", op->filter ? op->filter : "",
	    op->filter && strlen(op->filter) > 60 ? "..." : "", op->compare ?
	    "comparing the flows when the capture ends (Ctrl-C or -c)" :
	    "drawing as packets arrive (Ctrl-C to stop)");
	say_stderr(errbuf);
	return cap;
}

/* tcpdump's three lines at the end of a live capture */
static void
live_stats(struct tv_cap *cap, const struct tv_run *run)
{
	struct tv_cap_stats cst;
	int have = tv_cap_stats(cap, &cst) == 0;

	fprintf(stderr, "%" PRIu64 " packets captured\n", run->frames);
	if (have)
		fprintf(stderr, "%" PRIu64 " packets received by filter\n"
		    "%" PRIu64 " packets dropped by kernel\n",
		    cst.received, cst.dropped);
}

/* --kernel-dump=FILE: where the kernel's replies go (-1: nowhere) */
static int kfd = -1;

/* --kernel on run; NULL after a message. */
static struct tv_kview *
start_kview(struct opts *op, struct tv_run *run)
{
	char errbuf[TV_ERRBUF_SIZE];
	struct tv_kview *kv;

	if (op->kdump != NULL && (kfd = open(op->kdump, O_WRONLY | O_CREAT |
	    O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		fprintf(stderr, "tcpviz: %s: %s\n", op->kdump, strerror(errno));
		return NULL;
	}
	if ((kv = tv_kview_start(run, kfd, errbuf)) == NULL)
		fprintf(stderr, "tcpviz: --kernel: %s\n", errbuf);
	return kv;
}

/*
 * Read, draw, report: the exit status.  A -w file that cannot be written
 * stops the capture (tv_cap_next says so); that, or a failed flush or
 * close at the end, is one line naming the file and the reason, exit 1.
 */
static int
run_capture(struct opts *op, struct tv_cap *cap)
{
	static struct tv_run run;
	struct tv_kview *kv = NULL;
	enum tv_run_end end;
	int status, werr;

	if (tv_run_init(&run, &op->run) < 0) {
		fprintf(stderr, "tcpviz: out of memory\n");
		tv_cap_close(cap);
		return TV_EXIT_ERROR;
	}
	tv_run_signals();
	if (op->run.live && op->kernel > 0 &&
	    (kv = start_kview(op, &run)) == NULL) {
		tv_run_finish(&run);
		tv_cap_close(cap);
		return TV_EXIT_ERROR;
	}
	end = tv_run_loop(&run, cap);
	/* --compare -r A -r B: the next file goes on where A ended (its
	 * connections handed out first, ids going on) */
	while (end == TV_RUN_DONE && !tv_run_signalled && !run.stop &&
	    op->fileno + 1 < op->nfiles) {
		tv_cap_close(cap);
		op->file = op->files[++op->fileno];
		if ((cap = tv_cap_open_file_prec(op->file, op->filter,
		    op->live.digits, run.errbuf)) == NULL) {
			fprintf(stderr, "tcpviz: %s: %s\n", op->file, run.errbuf);
			tv_run_finish(&run);
			tv_run_output_status(&run, TV_EXIT_ERROR);
			return TV_EXIT_ERROR;
		}
		tv_run_input_end(&run);
		end = tv_run_loop(&run, cap);
	}
	tv_kview_stop(kv);
	if (kfd >= 0)
		close(kfd);
	if (end == TV_RUN_DAMAGED && tv_cap_dump_failed(cap))
		end = TV_RUN_DONE;	/* the input was fine; -w was not */
	status = end == TV_RUN_DAMAGED ? TV_EXIT_CUT : TV_EXIT_OK;
	tv_run_finish(&run);
	status = tv_run_output_status(&run, status);
	if (op->run.live)
		live_stats(cap, &run);
	if ((werr = tv_cap_dump_close(cap)) != 0) {
		fprintf(stderr, "tcpviz: %s: writing the capture failed: %s\n",
		    op->wfile, strerror(werr));
		status = TV_EXIT_ERROR;
	} else if (op->wfile != NULL && tv_cap_dump_skipped(cap) > 0)
		fprintf(stderr, "tcpviz: %s: %" PRIu64 " record%s of other link "
		    "types left out (a pcap file holds one: %s, the first "
		    "interface's)\n", op->wfile, tv_cap_dump_skipped(cap),
		    tv_cap_dump_skipped(cap) == 1 ? "" : "s",
		    tv_cap_link_name(cap));
	tv_cap_close(cap);
	if (end == TV_RUN_DAMAGED)
		fprintf(stderr, "tcpviz: %s: input stopped after frame %" PRIu64
		    ": %s\n", op->file ? op->file : op->live.iface, run.frames,
		    run.errbuf);
	return status;
}

int
main(int argc, char **argv)
{
	static struct opts op;
	char errbuf[TV_ERRBUF_SIZE];
	struct tv_cap *cap;
	int status;

	if ((status = parse_args(argc, argv, &op)) >= 0)
		return status;
	if (op.linktypes) {	/* -L, as tcpdump: the interface's link types */
		const char *ifn = op.live.iface ? op.live.iface : "lo";

		if ((status = tv_cap_list_linktypes(stdout, ifn, errbuf)) == 0)
			return TV_EXIT_OK;
		if (status == TV_CAP_EPERM)
			perm_help(ifn);
		else
			fprintf(stderr, "tcpviz: %s: %s\n", ifn, errbuf);
		return TV_EXIT_ERROR;
	}
	if (op.list) {
		if (tv_cap_list_interfaces(stdout, errbuf) < 0) {
			fprintf(stderr, "tcpviz: %s\n", errbuf);
			return TV_EXIT_ERROR;
		}
		return TV_EXIT_OK;
	}
	if (op.kquery != NULL)
		return tv_kview_query_main(op.kquery, op.kdump, op.kfile);
	if (op.demo.enabled) {
		op.demo.kernel = op.kernel != 0;
		op.demo.calls = op.calls != 0;
		op.demo.user = op.user;
		op.demo.wfile = op.wfile;
		op.demo.live = op.live;
		if (op.ofile != NULL &&
		    tv_sink_file(&op.run.sink, op.run.live, op.ofile) < 0) {
			fprintf(stderr, "tcpviz: %s: %s\n", op.ofile,
			    strerror(errno));
			return TV_EXIT_ERROR;
		}
		return tv_demo_main(&op.demo, &op.run);
	}
	if (op.lab) {
		if (op.ofile != NULL &&
		    tv_sink_file(&op.run.sink, op.run.live, op.ofile) < 0) {
			fprintf(stderr, "tcpviz: %s: %s\n", op.ofile,
			    strerror(errno));
			return TV_EXIT_ERROR;
		}
		op.labo.filter = op.filter;
		status = tv_labrun_main(&op.labo, &op.run);
		free(op.filter);
		return status;
	}
	if ((cap = open_input(&op, errbuf)) == NULL) {
		free(op.filter);
		return TV_EXIT_ERROR;
	}
	free(op.filter);
	return run_capture(&op, cap);
}
