/* \summary: the renderers (ladder, JSON Lines, --summary) and their interface; text goes to a caller's sink */
#ifndef TV_RENDER_H
#define TV_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include "tv_decode.h"
#include "tv_flow.h"
#include "tv_frag.h"
#include "tv_cmp.h"

/*
 * The core does no I/O: renderers hand text to a sink that the program
 * supplies (fwrite to stdout, a test buffer ...).
 */
struct tv_out {
	void (*write)(void *ctx, const char *s, size_t n);
	void *ctx;
	/* optional: text collects here and goes to write() in large pieces,
	 * when it is full and at tv_out_flush() (NULL: each piece at once) */
	struct tv_obuf *buf;
};

struct tv_obuf {
	char *b;
	size_t len, cap;
};

/* n bytes of s to the sink (through its buffer when it has one). */
void tv_out_mem_slow(const struct tv_out *o, const char *s, size_t n);
static inline void
tv_out_mem(const struct tv_out *o, const char *s, size_t n)
{
	struct tv_obuf *b = o->buf;

	if (b != NULL && n <= b->cap - b->len) {
		__builtin_memcpy(b->b + b->len, s, n);
		b->len += n;
	} else {
		tv_out_mem_slow(o, s, n);
	}
}

/* What the buffer holds, to write() now. */
void tv_out_flush(const struct tv_out *o);

/* Write text as lines of at most `width` columns (0: one line), broken
 * at spaces where it can be; lines after the first are indented by
 * `indent` spaces.  Ends with a newline. */
void tv_out_para(const struct tv_out *o, unsigned width, size_t indent,
    const char *text);

/* printf into the sink; lines longer than 4 KiB are cut. */
void tv_out_printf(const struct tv_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* --data: how much of the data phase the ladder shows. */
enum tv_data { TV_DATA_SUMMARY = 0, TV_DATA_FULL, TV_DATA_NONE };

/* -t ... -ttttt: what the ladder's time column shows, as tcpdump's. */
enum tv_tfmt {
	TV_T_DEFAULT = 0,	/* since the connection's first packet (live: the capture's start) */
	TV_T_NONE,		/* -t: no time column */
	TV_T_EPOCH,		/* -tt: seconds since 1970 */
	TV_T_DELTA,		/* -ttt: since the previous row of the connection */
	TV_T_DATE,		/* -tttt: date and time of day */
	TV_T_FIRST,		/* -ttttt: since the first packet of the capture (clock_ns) */
};

/* Options shared by the renderers. */
struct tv_render_opts {
	int absolute;		/* -S: absolute sequence numbers */
	int ts_digits;		/* 6 or 9: the input's timestamp precision */
	enum tv_data data;	/* ladder only */
	unsigned width;		/* --width: no text line is longer; 0: no limit */
	int shared_clock;	/* live: every row's time counts from clock_ns */
	int64_t clock_ns;	/* (the capture's start), not from its connection's first packet */
	int number;		/* -#: the frame number at the start of every ladder row */
	enum tv_tfmt tfmt;	/* ladder only */
	/* TV_T_DATE: seconds east of UTC of the local time at `sec` (the
	 * program's, the core does no I/O); NULL: UTC */
	long (*utc_offset)(int64_t sec);
	int quiet;		/* -q: arrows only, no notes beside the rows */
	int verbose;		/* -v 1, -vv 2: window, TTL, IP ID; options in full */
	int payload;		/* -A 'A', -X 'X': payload under a row (live), 0: none */
	int link;		/* -e: the link layer in the header (live) */
	int color;		/* ANSI colours (the program decides: terminal, NO_COLOR) */
	uint32_t shard;		/* --shard K/N: JSON says K in conn and summary objects (0: none) */
	int graph_only;		/* --graph=tsg:client|server: that side's data only
				   (1 client, 2 server); 0 both */
	/* --compare=ID,...: the flows compared, by connection id (ncmp 0:
	 * the first TV_CMP_MAX_FLOWS by id) */
	uint32_t cmp_ids[TV_CMP_MAX_FLOWS];
	unsigned ncmp;
};

/* -A, -X: at most this many payload bytes are shown under a row */
#define TV_PAYLOAD_MAX 256

/* The narrowest --width the text renderers lay out for (0 is no limit). */
#define TV_WIDTH_MIN 72

/* ---- facts in words: each formatted here once, for every output ---- */

/* TCP options as the ladder writes them, "<mss 65495,sackOK,TS,wscale 10>"
 * (timestamps only on a SYN); "" and 0 when there are none.  Returns the
 * length. */
size_t tv_fmt_opts(char *buf, size_t size, uint8_t opt_mask, uint16_t mss,
    uint8_t wscale, uint8_t nsack, int syn);

/* How the connection opened and closed, as the ladder's "== opened: ..."
 * and "== closed: ..." lines say it (without the "== "). */
void tv_fmt_opened(const struct tv_tcp *t, char *buf, size_t size);
void tv_fmt_closed(const struct tv_tcp *t, char *buf, size_t size);

/* What is said of c before its first row (without the "== "): "late
 * packets of connection #3, after its close"; "opened before the capture
 * began (midstream)", and "; client by port: 443 is one of Zeek's likely
 * server ports" when Zeek's port rule chose the client; "" when nothing (or
 * a later part).  Returns TV_START_OPEN | TV_START_CLOSE for what it stands
 * for: no "opened" (late: nor "closed") line is to follow. */
#define TV_START_OPEN 1
#define TV_START_CLOSE 2
int tv_fmt_start(const struct tv_conn *c, char *buf, size_t size);
/* The tunnel's kind in words: its name, IP-in-IP as "6in4" (inner in
 * outer) when the inner family is given (4 or 6; 0: "IP-in-IP"). */
const char *tv_tun_kind_str(const struct tv_tunnel *t, int inner_family);
/* The name of a tunnel's key: "key" (GRE), "vni", "session" (ERSPAN), "teid". */
const char *tv_tun_key_name(const struct tv_tunnel *t);
/* The tunnel and link encapsulations c came through, as the ladder's
 * header says them: "inside GRE key 7 192.0.2.1>192.0.2.2",
 * "inside VXLAN vni 42 198.51.100.1>198.51.100.2 (outermost of 2 tunnels)",
 * "via MPLS,PPPoE"; "" when none.  Returns the length. */
size_t tv_fmt_tunnel(const struct tv_conn *c, char *buf, size_t size);

/* The ICMP errors that quoted c, as the ladder's "== ..." line says them:
 * "refused (ICMP port unreachable)" for a UDP flow, "ICMP fragmentation
 * needed, mtu 1400: a soft error, TCP state unchanged"; "" when none. */
void tv_fmt_icmp(const struct tv_conn *c, char *buf, size_t size);
/* A UDP flow's outcome by the ICMP errors that answered it: "refused"
 * (port unreachable), "unreachable" (net, host, protocol, prohibited), or
 * NULL (none, or TCP: its outcomes are its own). */
const char *tv_icmp_outcome(const struct tv_conn *c);

/* The label on a row's arrow: "SYN,ACK seq=0 ack=1", "ACK seq=1:9 ack=1
 * len=8" (relative numbers unless -S), "UDP len=8"; its length.  Cut to
 * fit size; whole in TV_ROW_LABEL_MAX (every flag and four numbers of
 * ten digits: 90 and the NUL). */
#define TV_ROW_LABEL_MAX 96
size_t tv_fmt_row_label(const struct tv_render_opts *ro, const struct tv_conn *c,
    const struct tv_row *r, char *buf, size_t size);
/* The notes beside a row: anomalies ("dup-ack #2", "SYN retry #1 after
 * 1.000 s"), -v's window, TTL and IP ID, the options, damage; parts are
 * joined by TV_SOFT (a space where a line would rather break); "" with -q;
 * the length written. */
size_t tv_fmt_row_notes(const struct tv_render_opts *ro,
    const struct tv_conn *c, const struct tv_row *r, char *buf, size_t size);
/* -vv: every option with its values, "<mss 65495,sackOK,TS val 1 ecr 0,
 * sack 1 {1:9},wscale 10>"; "" when there are none. */
void tv_fmt_opts_full(const struct tv_render_opts *ro, const struct tv_conn *c,
    const struct tv_row *r, char *buf, size_t size);
/* The footer of a connection: "11 packets (client 6, server 5), payload
 * ..., 0.200520 s; conn_state SF, history ShADadFf" and its anomaly
 * counts; `live`: the ISNs too. */
void tv_fmt_conn_totals(const struct tv_render_opts *ro, const struct tv_conn *c,
    enum tv_done why, int live, char *buf, size_t size);

/* Totals for the end-of-input summary. */
struct tv_totals {
	uint64_t packets;	/* every record read */
	uint64_t tcp, udp;
	uint64_t icmp;		/* ICMP errors quoting TCP or UDP (tv_pkt.icmp) ... */
	uint64_t icmp_no_flow;	/* ... of which no connection in the table matched */
	uint64_t skipped;
	uint64_t truncated;
	uint64_t malformed;
	uint64_t connections;
	uint64_t evicted;
	uint64_t skip_why[TV_SKIP_COUNT];
	/* IP fragments: frames taken in as fragments (counted in packets,
	 * not in skipped), datagrams reassembled (each then counted once
	 * in tcp, udp, icmp or skipped) and dropped (tv_frag.h) */
	struct tv_frag_stats frag;
};

/* Count one decoded frame into the totals. */
void tv_totals_add(struct tv_totals *t, const struct tv_pkt *pkt);

/* The totals line the text formats end with ("14 packets: 14 TCP ..."). */
void tv_text_totals(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_totals *t);

/* ---- the renderer interface ---- */

/* What a renderer is handed with every call. */
struct tv_rctx {
	const struct tv_out *out;
	const struct tv_render_opts *ro;
	void *self;			/* its own state for the run (self_size bytes) */
};

/*
 * An output format.  The run loop calls packet() for every TCP or UDP
 * packet after the tracker took it in, conn() for every connection the
 * tracker hands out (closed, at the end, evicted, or a part of a long
 * one), end() once with the totals.  What it keeps per connection lives
 * in the tracker's area for it, tv_conn_user(c): conn_size bytes, zeroed
 * at the connection's first packet.  Adding a format is one file with one
 * of these, listed in tv_renderers[] (tv_out.c).
 */
struct tv_renderer {
	const char *name;		/* --format=NAME */
	int live;			/* drawn as packets come (else whole, at the end of each) */
	int keep_rows;			/* the tracker stores every connection's rows */
	int wants_row;			/* packet() is handed the packet's row (else NULL) */
	int batch;			/* packet() writes nothing: conn() may come for
					   several at once (tv_flow_cfg.batch) */
	size_t self_size;
	size_t conn_size;
	void (*packet)(const struct tv_rctx *x, struct tv_conn *c,
	    const struct tv_pkt *pkt, enum tv_side from, const struct tv_row *row);
	void (*conn)(const struct tv_rctx *x, struct tv_conn *c, enum tv_done why);
	void (*end)(const struct tv_rctx *x, const struct tv_totals *t);
	/* with keep_rows: fold row r into the row stored last (1), or not (0);
	 * see tv_flow_cfg.merge.  May be NULL. */
	int (*merge)(const struct tv_render_opts *ro, const struct tv_conn *c,
	    struct tv_row *last, const struct tv_row *r);
};

/* The renderer for --format=name, live or replayed; NULL when unknown. */
const struct tv_renderer *tv_renderer_find(const char *name, int live);
/* "text, json, summary": the names, for messages */
const char *tv_renderer_names(void);

/* ---- ASCII ladder (tv_ladder.c) ---- */

/* -e: the link layer of a connection's first packet, as the header says it */
struct tv_lad_link {
	uint8_t have;		/* an Ethernet frame was seen */
	uint8_t from;		/* enum tv_side: who sent it */
	uint8_t nvlan;
	uint8_t mac_src[6], mac_dst[6];
	uint16_t ethertype;
	uint16_t vlan[2];
};

/* Keep pkt's link layer in *k unless one is kept already. */
void tv_lad_link_keep(struct tv_lad_link *k, const struct tv_pkt *pkt,
    enum tv_side from);

/* Where a ladder drawn row by row stands (live), or from stored rows. */
struct tv_lad_state {
	struct tv_lad_link link;	/* -e */
	struct tv_row fold_first;	/* first row of a run being folded */
	uint32_t fold_n;
	uint64_t fold_bytes[2];
	uint8_t said_open, said_close;
	uint8_t started;		/* live: header drawn */
	uint8_t have_prev;		/* -ttt: prev_* is the time of the row drawn last */
	uint8_t ncol;			/* live, -#: width of the frame number column */
	int64_t prev_sec;
	uint32_t prev_nsec;
};

/*
 * Draw connection c from its stored rows: header, one row per packet,
 * footer.  `why` tells whether it closed, is still open at the end of the
 * input, was evicted, or is one part of a long connection.
 */
void tv_lad_conn(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, enum tv_done why);

/*
 * Live view: draw one row as it arrives (the header first, for a new
 * connection), every line tagged "#id".  Plain data rows are held in *ls
 * while they can still be folded (--data=summary).  `r` is the row as
 * tv_flow would store it; see tv_flow_row().
 */
void tv_lad_live_packet(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, const struct tv_row *r, struct tv_lad_state *ls);
/* The same with the packet itself (-e, -A and -X need it; pkt may be NULL). */
void tv_lad_live_pkt(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, const struct tv_row *r, const struct tv_pkt *pkt,
    struct tv_lad_state *ls);
/* Live view: a program's socket call (text: tv_fmt_call()'s words), at
 * time sec.nsec, on its side: the client's left of the ladder, the
 * server's right (the header first when no packet was drawn yet). */
void tv_lad_live_call(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, struct tv_lad_state *ls, enum tv_side side,
    int64_t sec, uint32_t nsec, const char *text);
/* Live view: the connection is finished: pending rows, outcome, footer. */
void tv_lad_live_done(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, enum tv_done why, struct tv_lad_state *ls);

/* Live view: a line of words under c's rows so far (what the kernel
 * holds, say), from the left bar's column, tagged as its rows are;
 * nothing before the connection's header was drawn. */
void tv_lad_live_say(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, struct tv_lad_state *ls, const char *text);

/* A row --data=summary folds into a run: plain data or ACK, no state
 * change, no anomaly, no SYN, FIN or RST; `payload`: -A or -X, which
 * keep rows with payload apart.  Every picture folds the same rows. */
int tv_lad_foldable(const struct tv_conn *c, const struct tv_row *r, int payload);
/* tv_renderer.merge for the pictures that fold (the ladders, SVG ...). */
int tv_lad_merge(const struct tv_render_opts *ro, const struct tv_conn *c,
    struct tv_row *last, const struct tv_row *r);

extern const struct tv_renderer tv_render_ladder, tv_render_live;

/* ---- --compare: flows side by side and their metrics (tv_compare.c) ---- */

/* The view and the metrics table (text), or a "compare" object per flow
 * (--format=json); both live and replayed, drawn at the end of input. */
extern const struct tv_renderer tv_render_compare, tv_render_compare_json;

/* ---- --summary: one aligned line per connection (tv_summary.c) ---- */

struct tv_sum_totals {
	uint64_t tcp, udp, packets, bytes;
	uint64_t open[TV_OPEN_COUNT];
	uint64_t close[TV_CLOSE_COUNT];
};

/* One connection's line of the table, as fields (every table shows these). */
struct tv_sum_row {
	char client[TV_ENDPOINTSTRLEN], server[TV_ENDPOINTSTRLEN];
	const char *proto;		/* "tcp", "udp" */
	const char *open, *close;	/* outcome names, "-" for UDP */
	const char *state;		/* Zeek's conn_state */
	char history[TV_HISTORY_MAX];	/* Zeek's history, "-" when empty */
	uint64_t packets, bytes;
	char dur[40], rtt[40];		/* seconds; rtt "-" when none */
	int have_rtt;
};
/* The fields of c's line; counted into *st unless st is NULL. */
void tv_sum_fields(const struct tv_render_opts *ro, const struct tv_conn *c,
    struct tv_sum_row *f, struct tv_sum_totals *st);

/* The table's column heads (none in the two-line form of a narrow width). */
void tv_sum_header(const struct tv_out *o, const struct tv_render_opts *ro);
/* One line for connection c; adds it to *st. */
void tv_sum_conn(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, struct tv_sum_totals *st);
void tv_sum_totals(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_sum_totals *st);

extern const struct tv_renderer tv_render_summary;

/* ---- JSON Lines (tv_json.c); the contract is docs/json.md ---- */

void tv_json_packet(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_pkt *pkt, const struct tv_conn *c, enum tv_side from);
void tv_json_conn(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, enum tv_done why);
void tv_json_summary(const struct tv_out *o, const struct tv_totals *t,
    uint32_t shard);

/* A "kernel" object: what the kernel holds for `side` ("client",
 * "server") of c, and the state the packets so far gave it (wire < 0:
 * none); k NULL: the side's socket is gone. */
struct tv_ksock;
void tv_json_kernel(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, const char *side, const struct tv_ksock *k,
    int wire, int64_t ts_ns);

/* A "call" object: a program's socket call (include/tv_call.h) on
 * `side` ("client", "server") of c. */
struct tv_call;
void tv_json_call(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, const char *side, const struct tv_call *k);

extern const struct tv_renderer tv_render_json;

/* ---- pictures: SVG ladders (tv_svg.c), Mermaid (tv_mermaid.c), one
 * HTML page (tv_html.c), the time-sequence graph (tv_tsg.c); docs/pictures.md.
 * Replay only: a document is written whole at the end, and the live
 * sink drops lines a slow reader leaves behind ---- */

extern const struct tv_renderer tv_render_svg, tv_render_mermaid, tv_render_plantuml,
    tv_render_html,
    tv_render_tsg;

#endif /* TV_RENDER_H */
