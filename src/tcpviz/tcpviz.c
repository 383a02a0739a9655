/* \summary: tcpviz: draw TCP connections as ladders, from a capture file or live */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tv_cap.h"
#include "tv_demo.h"
#include "tv_run.h"

#define TCPVIZ_VERSION "0.2.0"

/* Replay: a closed connection waits this long (capture time) for late packets. */
#define LINGER_NS (2 * 1000000000ULL)

static void
usage(FILE *fp)
{
	fprintf(fp,
"Usage: tcpviz [-nSD] [-c count] [-i interface] [-r file] [-w file] [-s snaplen]\n"
"              [-B buffer_KiB] [-Z user] [--format=text|json] [--width=N]\n"
"              [--data=summary|full|none] [--summary] [expression]\n"
"       tcpviz --demo[=LIST] [--pace=MS]    |    tcpviz --demo-list\n"
"\n"
"Draw each TCP or UDP connection as a ladder diagram: client on the left,\n"
"server on the right, one arrow per packet, states and outcomes named.\n"
"\n"
"Input (default: capture live on lo):\n"
"  -r FILE          read packets from FILE (pcap or pcapng; - for stdin)\n"
"  -i IFACE         capture live on IFACE (needs CAP_NET_RAW: sudo, or\n"
"                   make setcap)\n"
"  -w FILE          also save every captured packet to FILE (pcap)\n"
"  -s SNAPLEN       bytes to capture of each packet (default 262144)\n"
"  -B KIB           kernel capture buffer in KiB (default 8192)\n"
"  -Z USER          after opening the capture, run as USER (default: the user\n"
"                   who ran sudo, when started through sudo)\n"
"  -D, --list-interfaces   list the interfaces that can be captured on\n"
"  -c COUNT         stop after COUNT packets that match the expression\n"
"  --max-conns N    connections tracked at once (default 262144); when full,\n"
"                   the least recently active one is drawn early (evicted)\n"
"\n"
"Output:\n"
"  -S               absolute sequence numbers (default: relative to the ISN)\n"
"  --width=N        fit text in N columns (default: the terminal's width on a\n"
"                   terminal, else no limit; 0: no limit)\n"
"  -n               accepted for tcpdump habits; tcpviz never resolves names\n"
"  --format=FORMAT  text (ladder diagrams, the default) or json (JSON Lines)\n"
"  --data=MODE      data phase in the ladder: summary (runs of plain data and\n"
"                   ACKs folded into one line; the default), full, or none\n"
"  --summary        one line per connection (open, close, Zeek conn_state and\n"
"                   history, packets, bytes, duration, handshake RTT), then\n"
"                   totals\n"
"\n"
"Demo (as root: sudo tcpviz --demo):\n"
"  --demo[=LIST]    run the bundled programs on loopback and draw them live;\n"
"                   LIST is a comma-separated choice of scenarios\n"
"  --demo-list      list the scenarios\n"
"  --pace=MS        show a line at most every MS ms (default 60 on a terminal,\n"
"                   else 0); capturing and checking do not wait for it\n"
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
"  sudo tcpviz -i lo -w out.pcap 'tcp port 8000'\n"
"\n"
"See tcpviz(1) (docs/tcpviz.1) and docs/ for the ladder, the JSON fields,\n"
"the outcomes and exit statuses.\n");
}

static int
parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end != '\0' || s[0] == '-' || v == 0 || v > max)
		return -1;
	*out = v;
	return 0;
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

/*
 * Give up root once the capture is open, as tcpdump -Z does: to USER when
 * given, else to the user who ran sudo.  Returns 0, or -1 with a message.
 */
int
tv_drop_privileges(const char *user)
{
	struct passwd *pw = NULL;
	uid_t uid;
	gid_t gid;
	const char *name;

	if (geteuid() != 0)
		return 0;
	if (user != NULL) {
		if ((pw = getpwnam(user)) == NULL) {
			fprintf(stderr, "tcpviz: -Z %s: no such user\n", user);
			return -1;
		}
	} else {
		const char *su = getenv("SUDO_UID");
		uint64_t v;

		if (su == NULL || parse_uint(su, 0xfffffffeu, &v) < 0)
			return 0;	/* root by login: stay root, like tcpdump */
		if ((pw = getpwuid((uid_t)v)) == NULL)
			return 0;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	name = pw->pw_name;
	if (initgroups(name, gid) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
		fprintf(stderr, "tcpviz: cannot change to user %s: %s\n", name,
		    strerror(errno));
		return -1;
	}
	if (uid != 0 && setuid(0) == 0) {	/* must not be able to get root back */
		fprintf(stderr, "tcpviz: dropping privileges failed\n");
		return -1;
	}
	return 0;
}

/*
 * The width output must fit: a terminal's (TIOCGWINSZ, then $COLUMNS,
 * then 80), never below TV_WIDTH_MIN; off a terminal, no limit.
 */
static unsigned
tv_term_width(int fd)
{
	struct winsize ws;
	const char *cols;
	uint64_t v;
	unsigned w = 80;

	if (!isatty(fd))
		return 0;
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		w = ws.ws_col;
	else if ((cols = getenv("COLUMNS")) != NULL && parse_uint(cols, 100000, &v) == 0)
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
	struct tv_out o = { write_stderr, NULL };

	tv_out_para(&o, tv_term_width(STDERR_FILENO), 8, text);
}

static void
perm_help(const char *iface)
{
	fprintf(stderr,
	    "tcpviz: %s: you don't have permission to capture: live capture needs "
	    "CAP_NET_RAW.\n"
	    "tcpviz: either run it as root:  sudo tcpviz -i %s ...\n"
	    "tcpviz: or give the binary the capability once:  "
	    "sudo setcap cap_net_raw,cap_net_admin+eip ./tcpviz  (make setcap)\n"
	    "tcpviz: replaying a file (-r) needs no privileges.\n", iface, iface);
}

int
main(int argc, char **argv)
{
	enum { OPT_VERSION = 256, OPT_FORMAT, OPT_DATA, OPT_SUMMARY, OPT_DEMO,
	    OPT_DEMO_LIST, OPT_PACE, OPT_MAX_CONNS, OPT_WIDTH };
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "data", required_argument, NULL, OPT_DATA },
		{ "summary", no_argument, NULL, OPT_SUMMARY },
		{ "list-interfaces", no_argument, NULL, 'D' },
		{ "demo", optional_argument, NULL, OPT_DEMO },
		{ "demo-list", no_argument, NULL, OPT_DEMO_LIST },
		{ "pace", required_argument, NULL, OPT_PACE },
		{ "max-conns", required_argument, NULL, OPT_MAX_CONNS },
		{ "width", required_argument, NULL, OPT_WIDTH },
		{ NULL, 0, NULL, 0 },
	};
	struct tv_live_opts lo;
	struct tv_demo_opts demo;
	struct tv_run run;
	struct tv_cap *cap;
	struct tv_cap_stats cst;
	const char *file = NULL, *wfile = NULL, *user = NULL;
	char *filter = NULL;
	uint64_t v;
	int ch, status, summary = 0, list = 0, err, closed_ok;
	long width = -1;

	memset(&run, 0, sizeof(run));
	memset(&lo, 0, sizeof(lo));
	memset(&demo, 0, sizeof(demo));
	run.aux_fd = -1;
	demo.pace_ms = -1;

	while ((ch = getopt_long(argc, argv, "B:c:Dhi:nr:s:Sw:Z:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'B':
			if (parse_uint(optarg, 4u << 20, &v) < 0) {
				fprintf(stderr, "tcpviz: invalid buffer size '%s' (KiB)\n", optarg);
				return TV_EXIT_ERROR;
			}
			lo.buffer_kib = (int)v;
			break;
		case 'c':
			if (parse_uint(optarg, UINT64_MAX, &run.count) < 0) {
				fprintf(stderr, "tcpviz: invalid packet count '%s'\n", optarg);
				return TV_EXIT_ERROR;
			}
			break;
		case 'D':
			list = 1;
			break;
		case 'h':
			usage(stdout);
			return TV_EXIT_OK;
		case 'i':
			lo.iface = optarg;
			break;
		case 'n':
			break;
		case 'r':
			file = optarg;
			break;
		case 's':
			if (parse_uint(optarg, 262144, &v) < 0) {
				fprintf(stderr, "tcpviz: invalid snaplen '%s' (1 to 262144)\n", optarg);
				return TV_EXIT_ERROR;
			}
			lo.snaplen = (int)v;
			break;
		case 'S':
			run.ro.absolute = 1;
			break;
		case 'w':
			wfile = optarg;
			break;
		case 'Z':
			user = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0)
				run.fmt = TV_FMT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				run.fmt = TV_FMT_JSON;
			else {
				fprintf(stderr, "tcpviz: unknown format '%s' (text or json)\n",
				    optarg);
				return TV_EXIT_ERROR;
			}
			break;
		case OPT_DATA:
			if (strcmp(optarg, "summary") == 0)
				run.ro.data = TV_DATA_SUMMARY;
			else if (strcmp(optarg, "full") == 0)
				run.ro.data = TV_DATA_FULL;
			else if (strcmp(optarg, "none") == 0)
				run.ro.data = TV_DATA_NONE;
			else {
				fprintf(stderr, "tcpviz: unknown --data mode '%s' "
				    "(summary, full or none)\n", optarg);
				return TV_EXIT_ERROR;
			}
			break;
		case OPT_SUMMARY:
			summary = 1;
			break;
		case OPT_DEMO:
			demo.enabled = 1;
			demo.list = optarg;
			break;
		case OPT_DEMO_LIST:
			tv_demo_print_list(stdout);
			return TV_EXIT_OK;
		case OPT_PACE:
			if (strcmp(optarg, "0") == 0)
				v = 0;
			else if (parse_uint(optarg, 10000, &v) < 0) {
				fprintf(stderr, "tcpviz: invalid pace '%s' (0 to 10000 ms)\n", optarg);
				return TV_EXIT_ERROR;
			}
			demo.pace_ms = (int)v;
			break;
		case OPT_MAX_CONNS:
			if (parse_uint(optarg, 100000000, &v) < 0) {
				fprintf(stderr, "tcpviz: invalid --max-conns '%s'\n", optarg);
				return TV_EXIT_ERROR;
			}
			run.max_conns = (uint32_t)v;
			break;
		case OPT_WIDTH:
			if (strcmp(optarg, "0") == 0)
				v = 0;
			else if (parse_uint(optarg, 100000, &v) < 0 || v < TV_WIDTH_MIN) {
				fprintf(stderr, "tcpviz: invalid --width '%s' (0 for no "
				    "limit, or %d to 100000 columns)\n", optarg, TV_WIDTH_MIN);
				return TV_EXIT_ERROR;
			}
			width = (long)v;
			break;
		case OPT_VERSION:
			printf("tcpviz %s\n%s\n", TCPVIZ_VERSION, tv_cap_lib_version());
			return TV_EXIT_OK;
		default:
			usage(stderr);
			return TV_EXIT_ERROR;
		}
	}
	run.ro.width = width >= 0 ? (unsigned)width : tv_term_width(STDOUT_FILENO);
	if (list) {
		if (tv_cap_list_interfaces(stdout, run.errbuf) < 0) {
			fprintf(stderr, "tcpviz: %s\n", run.errbuf);
			return TV_EXIT_ERROR;
		}
		return TV_EXIT_OK;
	}
	if (summary) {
		if (run.fmt == TV_FMT_JSON) {
			fprintf(stderr, "tcpviz: --summary is a text format; "
			    "with --format=json the conn lines carry the same\n");
			return TV_EXIT_ERROR;
		}
		run.fmt = TV_FMT_SUMMARY;
	}
	if (file != NULL && lo.iface != NULL) {
		fprintf(stderr, "tcpviz: -r and -i: read a file or capture live, not both\n");
		return TV_EXIT_ERROR;
	}
	if (demo.enabled) {
		if (file != NULL || optind < argc) {
			fprintf(stderr, "tcpviz: --demo makes its own traffic: "
			    "no -r and no filter expression with it\n");
			return TV_EXIT_ERROR;
		}
		demo.user = user;
		demo.wfile = wfile;
		demo.live = lo;
		return tv_demo_main(&demo, &run);
	}
	if (optind < argc && (filter = join_args(argc - optind, argv + optind)) == NULL) {
		fprintf(stderr, "tcpviz: out of memory\n");
		return TV_EXIT_ERROR;
	}

	if (file != NULL) {
		cap = tv_cap_open_file(file, filter, run.errbuf);
		if (cap == NULL) {
			fprintf(stderr, "tcpviz: %s: %s\n", file, run.errbuf);
			free(filter);
			return TV_EXIT_ERROR;
		}
		run.linger_ns = LINGER_NS;
	} else {
		if (lo.iface == NULL)
			lo.iface = "lo";
		cap = tv_cap_open_live(&lo, filter, &err, run.errbuf);
		if (cap == NULL) {
			if (err == TV_CAP_EPERM)
				perm_help(lo.iface);
			else
				fprintf(stderr, "tcpviz: %s: %s\n", lo.iface, run.errbuf);
			free(filter);
			return TV_EXIT_ERROR;
		}
		if (tv_drop_privileges(user) < 0) {
			tv_cap_close(cap);
			free(filter);
			return TV_EXIT_ERROR;
		}
		run.live = 1;
		run.linger_ns = LINGER_NS;
		snprintf(run.errbuf, sizeof(run.errbuf), "tcpviz: listening on %s%s%s, "
		    "drawing as packets arrive (Ctrl-C to stop)", lo.iface,
		    filter ? ", filter " : "", filter ? filter : "");
		say_stderr(run.errbuf);
		run.errbuf[0] = '\0';
	}
	free(filter);
	if (wfile != NULL && tv_cap_dump_open(cap, wfile, run.errbuf) < 0) {
		fprintf(stderr, "tcpviz: %s: %s\n", wfile, run.errbuf);
		tv_cap_close(cap);
		return TV_EXIT_ERROR;
	}
	if (tv_run_init(&run) < 0) {
		fprintf(stderr, "tcpviz: out of memory\n");
		tv_cap_close(cap);
		return TV_EXIT_ERROR;
	}
	tv_run_signals();
	status = tv_run_loop(&run, cap);
	if (status == TV_EXIT_CUT)
		fflush(stdout);
	tv_run_finish(&run);
	status = tv_run_output_status(&run, status);

	if (run.live) {
		int have = tv_cap_stats(cap, &cst) == 0;

		closed_ok = tv_cap_close(cap) == 0;
		fprintf(stderr, "%" PRIu64 " packets captured\n", run.frames);
		if (have)
			fprintf(stderr, "%" PRIu64 " packets received by filter\n"
			    "%" PRIu64 " packets dropped by kernel\n",
			    cst.received, cst.dropped);
	} else {
		closed_ok = tv_cap_close(cap) == 0;
	}
	if (!closed_ok) {
		fprintf(stderr, "tcpviz: %s: writing the capture failed\n", wfile);
		return TV_EXIT_ERROR;
	}
	if (status == TV_EXIT_CUT)
		fprintf(stderr, "tcpviz: %s: input stopped after frame %" PRIu64
		    ": %s\n", file ? file : lo.iface, run.frames, run.errbuf);
	return status;
}
