/* \summary: --compare's metrics: what a flow's packets add up to, counted as they come, and the numbers set side by side (no I/O; docs/compare.md) */
#include <stdint.h>
#include <string.h>

#include "tv_cmp.h"
#include "tv_pair.h"
#include "tv_tcp.h"

const char *const tv_cmp_how_names[3] = {
	[TV_CMP_NOT_KNOWN] = "not known",
	[TV_CMP_BOTH_ENDS] = "both ends",
	[TV_CMP_INFERRED] = "inferred",
};

#define NS_PER_S 1000000000u

/* Times and their differences in unsigned arithmetic: a hostile capture's
 * timestamps wrap, they do not overflow a signed type. */
static int64_t
pkt_ns(const struct tv_pkt *pkt)
{
	return (int64_t)((uint64_t)pkt->ts_sec * NS_PER_S + pkt->ts_nsec);
}

static int64_t
ns_sub(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a - (uint64_t)b);
}

/* FNV-1a, 32 bits, of the captured payload */
static uint32_t
fnv1a(const uint8_t *p, uint32_t n)
{
	uint32_t h = 2166136261u, i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

/*
 * A datagram of `from` came: a duplicate when one of the side's last
 * TV_CMP_DGRAMS had the same length and payload hash, else remembered.
 */
static void
udp_dup(struct tv_cmp_acc *a, const struct tv_pkt *pkt, int from)
{
	uint64_t key = (uint64_t)pkt->len << 32 |
	    fnv1a(pkt->payload, pkt->payload != NULL ? pkt->paycap : 0);
	unsigned i, n = a->dg_n[from];

	for (i = 0; i < n; i++) {
		if (a->dg[from][i] == key) {
			a->dup[from]++;
			return;
		}
	}
	a->dg[from][a->dg_next[from]] = key;
	a->dg_next[from] = (uint8_t)((a->dg_next[from] + 1) % TV_CMP_DGRAMS);
	if (n < TV_CMP_DGRAMS)
		a->dg_n[from]++;
}

/* The sequence space a data segment occupies (a SYN's one included). */
static uint32_t
seg_end(const struct tv_pkt *pkt)
{
	return pkt->seq + pkt->len + ((pkt->flags & TV_TH_SYN) ? 1u : 0u);
}

/*
 * A segment sent again at `now`: the oldest remembered transmission of
 * the side whose range holds its first byte.  Its ns is the time its
 * recovery is counted up to (the first sending, then each resending):
 * what lies between goes to recovery_ns, so a segment sent three times
 * adds its last resending minus its first sending, once.
 */
static void
tcp_recovery(struct tv_cmp_acc *a, const struct tv_pkt *pkt, int from,
    int64_t now)
{
	unsigned n = a->tx_n[from], k;
	unsigned oldest = n < TV_CMP_RING ? 0 : a->tx_next[from];
	struct tv_cmp_tx *t;

	for (k = 0; k < n; k++) {
		t = &a->tx[from][(oldest + k) % TV_CMP_RING];
		if (tv_seq_ge(pkt->seq, t->seq) && tv_seq_lt(pkt->seq, t->end)) {
			a->recovery_ns[from] = (int64_t)((uint64_t)a->recovery_ns[from] +
			    (uint64_t)ns_sub(now, t->ns));
			t->ns = now;
			return;
		}
	}
}

/* A data segment sent for the first time: remembered, the oldest let go. */
static void
tcp_remember(struct tv_cmp_acc *a, const struct tv_pkt *pkt, int from,
    int64_t now)
{
	struct tv_cmp_tx *t = &a->tx[from][a->tx_next[from]];

	t->seq = pkt->seq;
	t->end = seg_end(pkt);
	t->ns = now;
	a->tx_next[from] = (uint8_t)((a->tx_next[from] + 1) % TV_CMP_RING);
	if (a->tx_n[from] < TV_CMP_RING)
		a->tx_n[from]++;
}

/* What the tracker said of a TCP segment with payload (c->last.notes). */
static void
tcp_data(struct tv_cmp_acc *a, const struct tv_conn *c,
    const struct tv_pkt *pkt, int from, int64_t now)
{
	uint16_t notes = c->last.notes;

	if (notes & TV_NOTE_OUT_OF_ORDER)
		a->reord[from]++;
	if (!(notes & TV_NOTE_RETRANS)) {
		tcp_remember(a, pkt, from, now);
		return;
	}
	a->retrans[from]++;
	if (notes & TV_NOTE_SPURIOUS)
		a->dup[from]++;
	tcp_recovery(a, pkt, from, now);
}

/* The lab: where the pair saw a message (receiver: the other end). */
static void
lab_msg(struct tv_cmp_acc *a, const struct tv_pkt *pkt, int from)
{
	unsigned rx = from == TV_CLIENT ? TV_PAIR_SEEN_SERVER : TV_PAIR_SEEN_CLIENT;

	if (pkt->seen == 0)
		return;
	if (pkt->lost)
		a->lost[from]++;
	if (!(pkt->seen & rx)) {
		a->unseen[from]++;
		a->unseen_bytes[from] += pkt->len;
	}
}

/* TCP: the highest ACK a side sent, the edge of what the other delivered. */
static void
tcp_ack(struct tv_cmp_acc *a, const struct tv_pkt *pkt, int from)
{
	if (!(pkt->flags & TV_TH_ACK) || pkt->lost)
		return;		/* (a lost ACK told the other end nothing) */
	if (!a->ack_known[from] || tv_seq_gt(pkt->ack, a->ack_hi[from])) {
		a->ack_hi[from] = pkt->ack;
		a->ack_known[from] = 1;
	}
}

/* The times: first and last packet, the first message and its answer. */
static void
acc_times(struct tv_cmp_acc *a, const struct tv_pkt *pkt, int from,
    int64_t now, int msg)
{
	int had_msg = a->msgs[0] + a->msgs[1] > 0;

	if (!a->started) {
		a->first_ns = now;
		a->started = 1;
	}
	a->last_ns = now;
	if (!had_msg && !msg)
		a->setup_pkts++;
	if (!had_msg && msg) {
		a->pay_ns = now;
		a->pay_side = (uint8_t)from;
	} else if (had_msg && msg && !a->resp_known && from != a->pay_side) {
		a->resp_ns = now;
		a->resp_known = 1;
	}
	/* close_pkts counts the first FIN or RST too: non-zero once closing began */
	if (pkt->proto == 6 &&
	    (a->close_pkts > 0 || (pkt->flags & (TV_TH_FIN | TV_TH_RST)))) {
		if (a->close_pkts == 0)
			a->close_ns = now;
		a->close_pkts++;
	}
}

void
tv_cmp_acc_packet(struct tv_cmp_acc *a, const struct tv_conn *c,
    const struct tv_pkt *pkt, enum tv_side from)
{
	int side = from == TV_SERVER ? 1 : 0;
	int msg = pkt->len > 0;
	int64_t now = pkt_ns(pkt);

	if (pkt->proto != 6 && pkt->proto != 17)
		return;
	acc_times(a, pkt, side, now, msg);
	a->pkts[side]++;
	a->wire[side] += pkt->wirelen;
	a->paywire[side] += pkt->len;
	if (pkt->seen != 0)
		a->two_ends = 1;
	if (pkt->proto == 6)
		tcp_ack(a, pkt, side);
	if (!msg)
		return;
	a->msgs[side]++;
	lab_msg(a, pkt, side);
	if (pkt->proto == 6)
		tcp_data(a, c, pkt, side, now);
	else
		udp_dup(a, pkt, side);
}

/* (wire - payload) per mille of wire; 0 with no wire bytes, 0 when the
 * payload counts more than the wire (frames cut by the capture's own
 * length, a payload that only sequence numbers prove). */
static uint32_t
overhead_pm(uint64_t wire, uint64_t payload)
{
	uint64_t over;

	if (wire == 0 || payload >= wire)
		return 0;
	over = wire - payload;
	if (over <= UINT64_MAX / 1000)
		return (uint32_t)(over * 1000 / wire);
	return (uint32_t)(over / (wire / 1000));
}

/* bytes * 8 per second of dur_ns: exact while bytes * 8e9 fits in 64 bits. */
static uint64_t
goodput(uint64_t bytes, int64_t dur_ns)
{
	double bps;

	if (dur_ns <= 0)
		return 0;
	if (bytes <= UINT64_MAX / (8ull * NS_PER_S))
		return bytes * 8ull * NS_PER_S / (uint64_t)dur_ns;
	bps = (double)bytes * 8.0 * 1e9 / (double)dur_ns;
	return bps >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)bps;
}

/* Delivered and lost, as well as one capture (or the lab's two) can know. */
static void
delivery(const struct tv_cmp_acc *a, uint8_t proto, struct tv_cmp_metrics *m)
{
	int s;

	if (a->two_ends)
		m->delivered_how = TV_CMP_BOTH_ENDS;
	else if (proto == 6)
		m->delivered_how = TV_CMP_INFERRED;
	else
		m->delivered_how = TV_CMP_NOT_KNOWN;
	m->reord_how = proto == 6 ? TV_CMP_INFERRED : TV_CMP_NOT_KNOWN;
	for (s = 0; s < 2; s++) {
		uint64_t lost = 0, gone = 0;

		if (m->delivered_how == TV_CMP_BOTH_ENDS) {
			lost = a->lost[s];
			gone = a->unseen[s];
		} else if (m->delivered_how == TV_CMP_INFERRED) {
			lost = a->retrans[s] > a->dup[s] ? a->retrans[s] - a->dup[s] : 0;
			gone = lost;
		} else {
			continue;
		}
		m->lost[s] = lost;
		m->delivered[s] = a->msgs[s] > gone ? a->msgs[s] - gone : 0;
	}
}

/*
 * The payload bytes of side s that reached the other end.  TCP: what the
 * other side's highest ACK covers, from s's first data byte (its ISN + 1,
 * or midstream its first sequence number seen), at most its payload
 * (inferred).  UDP: its datagrams' bytes less those the lab
 * did not see arrive (both ends); from one end, not known.
 */
static void
pay_delivered(const struct tv_cmp_acc *a, const struct tv_conn *c, int s,
    struct tv_cmp_metrics *m)
{
	uint32_t base;
	uint64_t n;

	if (c->proto != 6) {
		m->pay_delivered_how = a->two_ends ? TV_CMP_BOTH_ENDS : TV_CMP_NOT_KNOWN;
		if (a->two_ends)
			m->pay_delivered[s] = a->paywire[s] > a->unseen_bytes[s] ?
			    a->paywire[s] - a->unseen_bytes[s] : 0;
		return;
	}
	m->pay_delivered_how = TV_CMP_INFERRED;
	if (!a->ack_known[!s] || !(c->isn_known[s] || c->base_known[s]))
		return;
	base = c->isn_known[s] ? c->isn[s] + 1 : c->base[s];
	if (!tv_seq_gt(a->ack_hi[!s], base))
		return;
	n = a->ack_hi[!s] - base;	/* (a FIN's place too: the cap leaves it out) */
	m->pay_delivered[s] = n < c->bytes[s] ? n : c->bytes[s];
}

void
tv_cmp_metrics(const struct tv_cmp_acc *a, const struct tv_conn *c,
    struct tv_cmp_metrics *m)
{
	uint64_t wire, payload;
	int s;

	memset(m, 0, sizeof(*m));
	m->proto = c->proto;
	for (s = 0; s < 2; s++) {
		m->pkts[s] = a->pkts[s];
		m->wire[s] = a->wire[s];
		m->payload[s] = c->bytes[s];
		m->sent[s] = a->msgs[s];
		m->dup[s] = a->dup[s];
		m->reord[s] = c->proto == 6 ? a->reord[s] : 0;
		m->retrans[s] = c->proto == 6 ? a->retrans[s] : 0;
	}
	wire = a->wire[0] + a->wire[1];
	payload = c->bytes[0] + c->bytes[1];
	m->overhead_pm = overhead_pm(wire, payload);
	m->setup_pkts = a->setup_pkts;
	m->setup_ns = a->msgs[0] + a->msgs[1] > 0 ? ns_sub(a->pay_ns, a->first_ns) : -1;
	m->resp_ns = a->resp_known ? ns_sub(a->resp_ns, a->pay_ns) : -1;
	m->close_pkts = c->proto == 6 ? a->close_pkts : 0;
	delivery(a, c->proto, m);
	for (s = 0; s < 2; s++)
		pay_delivered(a, c, s, m);
	if (c->proto == 6)
		m->recovery_ns = (int64_t)((uint64_t)a->recovery_ns[0] +
		    (uint64_t)a->recovery_ns[1]);
	m->duration_ns = a->started ? ns_sub(a->last_ns, a->first_ns) : 0;
	m->goodput_bps = goodput(payload, m->duration_ns);
}
