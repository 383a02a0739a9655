/* \summary: tcpviz: replay a capture and draw each connection as a ladder */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tv_cap.h"
#include "tv_decode.h"
#include "tv_flow.h"
#include "tv_render.h"

#define TCPVIZ_VERSION "0.1.0"

/* Exit statuses (docs/tcpviz.1, EXIT STATUS). */
#define EXIT_OK		0
#define EXIT_USAGE	1	/* bad arguments, unreadable input, bad filter */
#define EXIT_CUT	2	/* input damaged or cut off part way: all before it was printed */

/* A closed connection waits this long (capture time) for late packets. */
#define LINGER_NS (2 * 1000000000ULL)

enum fmt { FMT_TEXT, FMT_JSON };

struct run {
	enum fmt fmt;
	struct tv_render_opts ro;
	struct tv_out out;
	struct tv_totals tot;
	int write_failed;
	int write_errno;
};

static volatile sig_atomic_t stop_requested;

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void
out_stdout(void *ctx, const char *s, size_t n)
{
	struct run *run = ctx;

	if (run->write_failed)
		return;
	if (fwrite(s, 1, n, stdout) != n) {
		run->write_failed = 1;
		run->write_errno = errno;
	}
}

static void
conn_done(struct tv_conn *c, enum tv_done why, void *ctx)
{
	struct run *run = ctx;

	if (run->fmt == FMT_JSON) {
		if (why != TV_DONE_PARTIAL)
			tv_json_conn(&run->out, &run->ro, c, why);
	} else {
		tv_lad_conn(&run->out, &run->ro, c, why);
	}
}

static void
usage(FILE *fp)
{
	fprintf(fp,
"Usage: tcpviz [-nS] [-c count] [--format=text|json] -r file [expression]\n"
"\n"
"Draw each TCP or UDP connection in a capture as a ladder diagram.\n"
"\n"
"  -r FILE          read packets from FILE (pcap or pcapng; - for stdin)\n"
"  -c COUNT         stop after COUNT packets that match the expression\n"
"  -S               print absolute sequence numbers (default: relative to the ISN)\n"
"  -n               accepted for tcpdump habits; tcpviz never resolves names\n"
"  --format=FORMAT  text (ladder diagrams, the default) or json (JSON Lines)\n"
"  -h, --help       show this help and exit\n"
"      --version    show the version and exit\n"
"\n"
"expression        a BPF filter as in tcpdump, e.g. 'tcp port 8000'\n"
"\n"
"Examples:\n"
"  tcpviz -r captures/handshake.pcap\n"
"  tcpviz -r trace.pcapng 'tcp port 8000'\n"
"  tcpviz -r trace.pcap --format=json | jq .\n"
"\n"
"See tcpviz(1) and docs/ for the ladder, the JSON fields and exit statuses.\n");
}

static int
parse_count(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end != '\0' || v == 0 || s[0] == '-')
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

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	char errbuf[TV_ERRBUF_SIZE];
	const char *file = NULL;
	char *filter = NULL;
	uint64_t count = 0, matched = 0, frame = 0;
	struct tv_flow_cfg cfg;
	struct tv_flow_stats st;
	struct tv_flow *flow;
	struct tv_cap *cap;
	struct run run;
	struct sigaction sa;
	int ch, r, link, status = EXIT_OK;

	memset(&run, 0, sizeof(run));
	run.out.write = out_stdout;
	run.out.ctx = &run;

	while ((ch = getopt_long(argc, argv, "c:hnr:S", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			if (parse_count(optarg, &count) < 0) {
				fprintf(stderr, "tcpviz: invalid packet count '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'n':
			break;
		case 'r':
			file = optarg;
			break;
		case 'S':
			run.ro.absolute = 1;
			break;
		case 'f':
			if (strcmp(optarg, "text") == 0)
				run.fmt = FMT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				run.fmt = FMT_JSON;
			else {
				fprintf(stderr, "tcpviz: unknown format '%s' (text or json)\n",
				    optarg);
				return EXIT_USAGE;
			}
			break;
		case 'V':
			printf("tcpviz %s\n%s\n", TCPVIZ_VERSION, tv_cap_lib_version());
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (file == NULL) {
		fprintf(stderr, "tcpviz: no input: give a capture file with -r FILE "
		    "(try 'tcpviz --help')\n");
		return EXIT_USAGE;
	}
	if (optind < argc && (filter = join_args(argc - optind, argv + optind)) == NULL) {
		fprintf(stderr, "tcpviz: out of memory\n");
		return EXIT_USAGE;
	}

	cap = tv_cap_open_file(file, filter, errbuf);
	free(filter);
	if (cap == NULL) {
		fprintf(stderr, "tcpviz: %s: %s\n", file, errbuf);
		return EXIT_USAGE;
	}
	link = tv_cap_link(cap);
	run.ro.ts_digits = tv_cap_ts_digits(cap);

	memset(&cfg, 0, sizeof(cfg));
	cfg.keep_rows = run.fmt == FMT_TEXT;
	cfg.linger_ns = LINGER_NS;
	cfg.done = conn_done;
	cfg.ctx = &run;
	if ((flow = tv_flow_new(&cfg)) == NULL) {
		fprintf(stderr, "tcpviz: out of memory\n");
		tv_cap_close(cap);
		return EXIT_USAGE;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a closed pipe shows as a write error */

	while (!stop_requested && !run.write_failed) {
		struct tv_rec rec;
		struct tv_pkt pkt;
		struct tv_conn *c;
		enum tv_side from;
		int match;

		r = tv_cap_next(cap, &rec, &match, errbuf);
		if (r == 0)
			break;
		if (r < 0) {
			fflush(stdout);
			status = EXIT_CUT;
			break;
		}
		frame++;
		if (!match)
			continue;
		pkt.n = frame;
		pkt.ts_sec = rec.ts_sec;
		pkt.ts_nsec = rec.ts_nsec;
		if (tv_decode(link, rec.data, rec.caplen, rec.wirelen, &pkt) == 0) {
			c = tv_flow_add(flow, &pkt, &from);
			if (c == NULL) {
				fprintf(stderr, "tcpviz: out of memory\n");
				status = EXIT_USAGE;
				break;
			}
			if (run.fmt == FMT_JSON)
				tv_json_packet(&run.out, &run.ro, &pkt, c, from);
		}
		tv_totals_add(&run.tot, &pkt);
		if (count && ++matched >= count)
			break;
	}

	tv_flow_finish(flow);
	tv_flow_get_stats(flow, &st);
	run.tot.connections = st.conns;
	run.tot.evicted = st.evicted;
	if (run.fmt == FMT_JSON)
		tv_json_summary(&run.out, &run.tot);
	else
		tv_lad_summary(&run.out, &run.tot);
	tv_flow_free(flow);
	tv_cap_close(cap);

	if (!run.write_failed && fflush(stdout) != 0) {
		run.write_failed = 1;
		run.write_errno = errno;
	}
	if (run.write_failed) {
		if (run.write_errno == EPIPE)	/* reader went away: not an error */
			return status;
		fprintf(stderr, "tcpviz: writing output: %s\n",
		    strerror(run.write_errno));
		return EXIT_USAGE;
	}
	if (status == EXIT_CUT)
		fprintf(stderr, "tcpviz: %s: input stopped after frame %" PRIu64
		    ": %s\n", file, frame, errbuf);
	return status;
}
