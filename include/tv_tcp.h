/* \summary: TCP analysis: endpoint states, opening and closing outcomes, anomalies, Zeek history */
#ifndef TV_TCP_H
#define TV_TCP_H

#include <stdint.h>
#include "tv_decode.h"

/* Endpoint states of RFC 9293 §3.3.2.  Names in tv_tcp_state_names[]. */
enum tv_tcp_state {
	TV_ST_CLOSED = 0,
	TV_ST_LISTEN,
	TV_ST_SYN_SENT,
	TV_ST_SYN_RECEIVED,
	TV_ST_ESTABLISHED,
	TV_ST_FIN_WAIT_1,
	TV_ST_FIN_WAIT_2,
	TV_ST_CLOSE_WAIT,
	TV_ST_CLOSING,
	TV_ST_LAST_ACK,
	TV_ST_TIME_WAIT,
	TV_ST_COUNT
};
extern const char *const tv_tcp_state_names[TV_ST_COUNT];

/* How the connection opened.  Names in tv_open_names[]. */
enum tv_open {
	TV_OPEN_THREE_WAY,
	TV_OPEN_SIMULTANEOUS,
	TV_OPEN_REFUSED,
	TV_OPEN_UNANSWERED,
	TV_OPEN_HALF_OPEN,
	TV_OPEN_MIDSTREAM,
	TV_OPEN_COUNT
};
extern const char *const tv_open_names[TV_OPEN_COUNT];

/* How it closed.  Names in tv_close_names[]. */
enum tv_close {
	TV_CLOSE_FOUR_WAY,
	TV_CLOSE_THREE_WAY,
	TV_CLOSE_SIMULTANEOUS,
	TV_CLOSE_RESET,
	TV_CLOSE_OPEN,
	TV_CLOSE_COUNT
};
extern const char *const tv_close_names[TV_CLOSE_COUNT];

/* Per-packet notes (anomalies).  Names in tv_note_names[], by bit. */
#define TV_NOTE_RETRANS		0x0001
#define TV_NOTE_OUT_OF_ORDER	0x0002
#define TV_NOTE_DUP_ACK		0x0004
#define TV_NOTE_ZERO_WINDOW	0x0008
#define TV_NOTE_WINDOW_UPDATE	0x0010
#define TV_NOTE_KEEPALIVE	0x0020
#define TV_NOTE_RST_DATA	0x0040
#define TV_NOTE_AFTER_CLOSE	0x0080
#define TV_NOTE_SYN_DATA	0x0100
#define TV_NOTE_BAD_CKSUM	0x0200	/* TCP/UDP checksum wrong: not used for state */
#define TV_NOTE_BAD_RST		0x0400	/* RST not acceptable (RFC 9293 §3.10.7.3, .4) */
#define TV_NOTE_OFFLOADED	0x0800	/* length taken from the frame (tv_pkt.offloaded) */
/* Wireshark's names for loss and recovery (tv_tcp_anom.c); the first two
 * come with TV_NOTE_RETRANS, as Wireshark adds "retransmission" to them */
#define TV_NOTE_FAST_RETRANS	0x1000	/* TCP_A_FAST_RETRANSMISSION */
#define TV_NOTE_SPURIOUS	0x2000	/* TCP_A_SPURIOUS_RETRANSMISSION */
#define TV_NOTE_LOST_SEGMENT	0x4000	/* TCP_A_LOST_PACKET: previous segment not captured */
#define TV_NOTE_ACK_UNSEEN	0x8000	/* TCP_A_ACK_LOST_PACKET: ACKed unseen segment */
#define TV_NOTE_COUNT		16
extern const char *const tv_note_names[TV_NOTE_COUNT];

/* Events a packet caused (tv_tcp_pkt.events). */
#define TV_EV_OPENED	0x01	/* completed the handshake */
#define TV_EV_CLOSED	0x02	/* closed the connection (last ACK of a FIN, or RST) */

/* Zeek endpoint states, for conn_state (Zeek's base/protocols/conn/main.zeek). */
enum tv_zeek_ep {
	TV_Z_INACTIVE, TV_Z_SYN_SENT, TV_Z_SYN_ACK_SENT, TV_Z_PARTIAL,
	TV_Z_ESTABLISHED, TV_Z_CLOSED, TV_Z_RESET
};

#define TV_HISTORY_MAX 48

/* What one packet did: filled by tv_tcp_packet(), stored with the row.
 * dup_ack and syn_retry saturate at UINT32_MAX. */
struct tv_tcp_pkt {
	uint8_t state[2];	/* enum tv_tcp_state of each side after the packet */
	uint8_t changed;	/* bit 0: client's state changed, bit 1: server's */
	uint8_t events;		/* TV_EV_* */
	uint16_t notes;		/* TV_NOTE_* */
	uint32_t dup_ack;	/* the n of "duplicate ACK #n" */
	uint32_t syn_retry;	/* the n of "SYN retry #n" (0: not a retry) */
	int64_t retry_gap_ns;	/* time since the previous SYN of a retry */
};

/* RFC 9293: what a side's segments said of its SYN, FIN and RST
 * (tv_tcp_state.c). */
struct tv_tcp_side {
	int64_t last_syn_ns;	/* time of its latest SYN (for retry gaps) */
	uint32_t fin_seq;	/* the sequence number the FIN occupies */
	uint32_t syn_seq;
	uint32_t syn_sends;	/* SYNs with syn_seq before any RST (counters here
				   saturate at their type's top, never wrap) */
	uint8_t syn;		/* sent a SYN without ACK */
	uint8_t synack;		/* sent a SYN with ACK */
	uint8_t syn_acked;	/* its SYN was acknowledged by the peer */
	uint8_t fin;		/* sent a FIN */
	uint8_t fin_acked;
	uint8_t fin_acked_alone;/* its FIN was acknowledged before the peer's own FIN */
	uint8_t fin_carried_ack;/* its FIN acknowledged the peer's earlier FIN */
	uint8_t data_after_peer_fin;
	uint8_t rst;
	uint8_t syn_seen;	/* its SYN (or SYN-ACK) was captured ... */
	uint8_t wscale;		/* ... with this window scale (RFC 7323 §2.3) */
	uint8_t has_wscale;
};

/* A side's sequence space as the anomaly rules follow it (tv_tcp_anom.c). */
struct tv_tcp_seq {
	/* payload: the sequence space its data advanced (each byte once, as
	 * Zeek's orig_bytes/resp_bytes), and the bytes it sent again */
	uint64_t payload;
	uint64_t retrans_bytes;
	uint32_t nxt;		/* highest sequence number sent, plus one */
	uint32_t last_ack, last_seq;
	/* one hole in the sequence space (bytes not yet seen), for Zeek's gaps */
	uint32_t hole_lo, hole_hi;
	uint16_t last_win;
	/* bits, so that the side fits in 40 bytes */
	uint8_t nxt_known:1;
	uint8_t last_valid:1;
	uint8_t hole:1;
};

/* A side as Wireshark's TCP analysis follows it (its tcp_analyze_seq_info,
 * epan/dissectors/packet-tcp.c; tv_tcp_anom.c).  `known` says which fields
 * hold a value, where Wireshark takes 0 for "none". */
struct tv_tcp_ws {
	uint32_t nextseq;	/* highest sequence number sent, plus one */
	uint32_t maxseqtobeacked;	/* end of what was sent without a gap */
	uint32_t lastack;	/* the ACK field of its last segment ... */
	uint32_t window;	/* ... its window (unscaled) ... */
	int64_t lastack_ns;	/* ... and its time */
	int64_t nextseq_ns;	/* when nextseq last moved */
	uint32_t dupacknum;	/* duplicate ACKs of lastack so far */
	uint16_t lastnotes;	/* TV_NOTE_* of its last segment */
	uint8_t known;
};

/* A side as Zeek sees it: its endpoint state and history bookkeeping
 * (tv_tcp_zeek.c). */
struct tv_tcp_zeek {
	uint32_t h_seq_s, h_seq_f, h_seq_r;	/* last seq of SYN (or SYN-ACK), FIN, RST */
	uint32_t n_t, n_w, n_c, n_g;	/* counts for the logarithmic letters */
	uint32_t gap_to;	/* content gaps (g): reported up to here ... */
	uint8_t gap_known;	/* ... once one was */
	uint8_t ep;		/* enum tv_zeek_ep */
	uint8_t ep_prev;	/* the endpoint state before the last change */
	uint8_t h_once;		/* bits: a d i q recorded, payload sent */
	uint8_t h_seen;		/* bits: s h f r seen before (seq valid) */
};

/* Per-connection TCP analysis; lives in struct tv_conn. */
struct tv_tcp {
	struct tv_tcp_side s[2];	/* [TV_CLIENT], [TV_SERVER] */
	struct tv_tcp_seq q[2];
	struct tv_tcp_zeek z[2];
	struct tv_tcp_ws w[2];
	int64_t ws_syn_ns;		/* Wireshark's ts_mru_syn: the latest SYN ... */
	int64_t ws_irtt_ns;		/* ... and its ts_first_rtt (iRTT) */
	int64_t first_syn_ns;		/* the client's first SYN ... */
	int64_t hs_done_ns;		/* ... and the ACK completing the handshake */
	uint32_t retransmissions, dup_acks, out_of_order, zero_windows;	/* (saturate) */
	char history[TV_HISTORY_MAX];
	uint8_t hlen;
	uint8_t ws_syn_seen, ws_irtt_known;
	uint8_t have_first_syn, have_hs_done;	/* (a time may be 0) */
	uint8_t state[2];		/* enum tv_tcp_state */
	uint8_t init_state[2];		/* the states before the first packet */
	uint8_t first_had_syn;		/* the first packet carried SYN */
	uint8_t flipped;		/* first packet came from the server (a SYN-ACK,
					   or Zeek's port rule): roles inferred */
	uint8_t closed;			/* RST seen, or both FINs acknowledged */
	int8_t first_rst;		/* side of the first RST, or -1 */
	int8_t first_fin;		/* side of the first FIN, or -1 */
	uint8_t rst_before_est;		/* the first RST came before the handshake completed */
	uint8_t rst_ended;		/* an RST ended the connection (not FINs) */
	int8_t rst_end_side;		/* who sent that RST, or -1 */
	uint8_t established;		/* the handshake completed */
	uint8_t seen[2];		/* a segment of each side was taken in */
	int8_t uncaptured;		/* the side none of whose segments were
					   captured though the other's ACKs prove
					   they existed (one direction captured), or -1 */
	uint8_t simultaneous_close;
};

/* Start the analysis of a connection whose first packet is pkt; `flipped`
 * when that packet came from the server (a SYN-ACK seen first, or Zeek's
 * port rule: tv_flow_port_flip()): Zeek's history begins with '^'. */
void tv_tcp_init(struct tv_tcp *t, const struct tv_pkt *pkt, int flipped);

/*
 * Account one segment sent by side `from` (0 client, 1 server): update both
 * endpoints' states (RFC 9293 §3.10), the outcome facts, anomaly counters
 * and the Zeek history, and describe the packet in *out.
 */
void tv_tcp_packet(struct tv_tcp *t, const struct tv_pkt *pkt, int from,
    struct tv_tcp_pkt *out);

/* Has either side sent a FIN or an (acceptable) RST?  A SYN after that
 * begins a new connection, whatever its ISN (Zeek's IsReuse()). */
int tv_tcp_ended(const struct tv_tcp *t);

/* The connection's outcomes, from the facts gathered so far. */
enum tv_open tv_tcp_open(const struct tv_tcp *t);
enum tv_close tv_tcp_close(const struct tv_tcp *t);
/* -1 none, 0 client, 1 server, 2 both */
int tv_tcp_closed_by(const struct tv_tcp *t);
int tv_tcp_time_wait(const struct tv_tcp *t);
int tv_tcp_half_close(const struct tv_tcp *t);
/* Handshake round trip in microseconds, or -1 when it did not complete. */
int64_t tv_tcp_handshake_rtt_us(const struct tv_tcp *t);
unsigned tv_tcp_syn_retries(const struct tv_tcp *t);
/* Zeek's conn_state for this connection ("SF", "REJ", ...). */
const char *tv_tcp_conn_state(const struct tv_tcp *t);

/* UDP flows get a conn_state and history too (Zeek's UDP rules).  A UDP
 * flow's history is kept in its struct tv_tcp's history (the rest unused):
 * tv_udp_init() starts it ('^' when the first datagram came from the
 * server: Zeek's port rule), tv_udp_packet() adds a datagram's letters and
 * fills *out's notes. */
void tv_udp_init(struct tv_tcp *t, int flipped);
void tv_udp_packet(struct tv_tcp *t, const struct tv_pkt *pkt, int from,
    struct tv_tcp_pkt *out);
const char *tv_udp_conn_state(uint64_t client_pkts, uint64_t server_pkts);

#endif /* TV_TCP_H */
