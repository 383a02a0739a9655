/* \summary: --compare: flows side by side on one time axis, and the metrics that set them against each other (docs/compare.md) */
#ifndef TV_CMP_H
#define TV_CMP_H

#include <stdint.h>
#include "tv_decode.h"
#include "tv_flow.h"

/* At most this many flows are compared at once (--compare=ID,... picks
 * them; without a list the first ones by id). */
#define TV_CMP_MAX_FLOWS 8

/* Data transmissions each side remembers (sequence range, time) to find
 * the first sending of a segment sent again; datagrams each side
 * remembers (length and payload hash) to find a duplicate. */
#define TV_CMP_RING 32
#define TV_CMP_DGRAMS 16

/* How a count of messages delivered, lost or reordered is known. */
enum tv_cmp_how {
	TV_CMP_NOT_KNOWN = 0,	/* one capture of UDP: datagrams carry no numbers */
	TV_CMP_BOTH_ENDS,	/* the lab: each packet seen (or not) at both ends */
	TV_CMP_INFERRED,	/* TCP in one capture: from its sequence numbers
				   (lost: retransmitted and not spurious) */
};
extern const char *const tv_cmp_how_names[3];	/* "not known", "both ends", "inferred" */

/*
 * What a flow's packets add up to, kept per connection as they come
 * (fixed size: no allocation, whatever the flow's length).  Zero it
 * before the first packet.
 */
struct tv_cmp_acc {
	uint64_t pkts[2];	/* packets from each side (enum tv_side) */
	uint64_t wire[2];	/* frame bytes on the wire (tv_pkt.wirelen): headers included */
	uint64_t paywire[2];	/* payload bytes on the wire, sent again included */
	uint64_t msgs[2];	/* messages: TCP segments or UDP datagrams with payload,
				   each transmission */
	uint64_t lost[2];	/* the lab: messages the wire lost */
	uint64_t unseen[2];	/* the lab: messages not seen at the receiving end
				   (lost ones included) */
	uint64_t unseen_bytes[2];	/* ... and their payload bytes */
	uint32_t ack_hi[2];	/* TCP: the highest ACK each side sent (of the
				   other's bytes), when ack_known */
	uint8_t ack_known[2];
	uint64_t dup[2];	/* a message that came again (UDP: same length and
				   payload as one of the last TV_CMP_DGRAMS; TCP:
				   a retransmission the tracker calls spurious) */
	uint64_t reord[2];	/* TCP: segments the tracker calls out of order */
	uint64_t retrans[2];	/* TCP: segments sent again (fast ones included) */
	int64_t recovery_ns[2];	/* TCP: for each segment sent again, the time from
				   its first sending to its last resending, summed */
	int64_t first_ns;	/* the flow's first packet (ns since the epoch) */
	int64_t last_ns;	/* its last packet */
	int64_t pay_ns;		/* the first message (0: none yet) */
	int64_t resp_ns;	/* the first message of the other side after it ... */
	uint8_t resp_known;	/* ... when this is set */
	int64_t close_ns;	/* TCP: the first FIN or RST (0: none) */
	uint64_t setup_pkts;	/* packets before the first message */
	uint64_t close_pkts;	/* TCP: packets from the first FIN or RST on */
	uint8_t pay_side;	/* the side of the first message */
	uint8_t two_ends;	/* some packet came through the lab's pair (tv_pkt.seen) */
	uint8_t started;
	/* the last TV_CMP_RING transmissions with data of each side: each
	 * sequence range sent for the first time, and the time its recovery
	 * is counted up to (its first sending, then its latest resending) */
	struct tv_cmp_tx {
		uint32_t seq, end;
		int64_t ns;
	} tx[2][TV_CMP_RING];
	uint8_t tx_n[2], tx_next[2];
	/* the last TV_CMP_DGRAMS datagrams of each side: length << 32 | hash */
	uint64_t dg[2][TV_CMP_DGRAMS];
	uint8_t dg_n[2], dg_next[2];
};

/* Take in one packet of c (after the tracker did: c->last holds its
 * notes) sent by `from`.  ICMP errors are not packets of the flow. */
void tv_cmp_acc_packet(struct tv_cmp_acc *a, const struct tv_conn *c,
    const struct tv_pkt *pkt, enum tv_side from);

/* The metrics of a finished flow, each defined in docs/compare.md. */
struct tv_cmp_metrics {
	uint8_t proto;			/* 6 or 17 */
	uint64_t pkts[2], wire[2];	/* as tv_cmp_acc */
	uint64_t payload[2];		/* payload bytes, each once (tv_conn.bytes) */
	uint64_t pay_delivered[2];	/* ... of which reached the other end: TCP
					   acknowledged (inferred), UDP seen there
					   (both ends); how: pay_delivered_how */
	enum tv_cmp_how pay_delivered_how;
	uint32_t overhead_pm;		/* (wire - payload) / wire, per mille of the
					   wire bytes both ways (0 when no packet) */
	uint64_t setup_pkts;		/* packets before the first message */
	int64_t setup_ns;		/* first packet to the first message (-1: no message) */
	int64_t resp_ns;		/* first message to the first answer (-1: none) */
	uint64_t close_pkts;		/* TCP: packets spent closing (UDP: 0) */
	uint64_t sent[2];		/* messages sent by each side */
	uint64_t delivered[2];		/* ... that reached the other end (how: delivered_how) */
	uint64_t lost[2];
	uint64_t dup[2];
	uint64_t reord[2];		/* (how: reord_how) */
	enum tv_cmp_how delivered_how;	/* delivered and lost */
	enum tv_cmp_how reord_how;
	uint64_t retrans[2];		/* TCP */
	int64_t recovery_ns;		/* TCP: both sides' recovery_ns */
	int64_t duration_ns;		/* first packet to last */
	uint64_t goodput_bps;		/* payload both ways * 8 / duration (0: none) */
};

/* m from a's counts and c (its payload counts, protocol). */
void tv_cmp_metrics(const struct tv_cmp_acc *a, const struct tv_conn *c,
    struct tv_cmp_metrics *m);

#endif /* TV_CMP_H */
