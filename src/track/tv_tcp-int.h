/* \summary: the three parts of the TCP analysis as tv_tcp_packet() drives them (private to src/track) */
#ifndef TV_TCP_INT_H
#define TV_TCP_INT_H

#include "tv_tcp.h"

/* Counters saturate, never wrap: one more, unless already at the top. */
static inline uint32_t
tv_sat_inc32(uint32_t *n)
{
	if (*n != UINT32_MAX)
		++*n;
	return *n;
}

/* A side sent an RST: the connection ended there, and a SYN after it
 * begins a new attempt (Zeek's connection boundary), not a retry. */
static inline int
tv_tcp_reset_seen(const struct tv_tcp *t)
{
	return t->s[0].rst || t->s[1].rst;
}

/* RFC 9293 (tv_tcp_state.c): the SYN, FIN and RST facts of the segment and
 * both endpoints' states after it; the TV_EV_* events in out->events. */
void tv_tcp_state_packet(struct tv_tcp *t, const struct tv_pkt *pkt, int from,
    int64_t ns, struct tv_tcp_pkt *out);

/* Anomalies (tv_tcp_anom.c): judged before the segment is taken in (they
 * compare it with what was sent before), so in two steps.  *again: the
 * payload does not move the sequence space (Zeek's 't', not a note). */
uint16_t tv_tcp_anom_judge(struct tv_tcp *t, const struct tv_pkt *pkt, int from,
    int64_t ns, struct tv_tcp_pkt *out, int *again);
void tv_tcp_anom_take(struct tv_tcp *t, const struct tv_pkt *pkt, int from,
    uint16_t notes, int64_t ns);
/* A segment not taken in for its bad checksum: followed by Wireshark's
 * rules all the same (they check no checksum), its notes dropped. */
void tv_tcp_anom_unused(struct tv_tcp *t, const struct tv_pkt *pkt, int from,
    int64_t ns);

/* Zeek (tv_tcp_zeek.c): history letters and Zeek's endpoint states. */
void tv_tcp_zeek_init(struct tv_tcp *t, int flipped);
void tv_tcp_zeek_packet(struct tv_tcp *t, const struct tv_pkt *pkt, int from,
    uint16_t notes, int again);
/* A segment with a bad checksum: only its history letter (C/c). */
void tv_tcp_zeek_bad_cksum(struct tv_tcp *t, int from);
/* An RST not acceptable: only its history letter (R/r). */
void tv_tcp_zeek_rst_ignored(struct tv_tcp *t, const struct tv_pkt *pkt, int from);

/* RFC 9293 §3.10.7.3, §3.10.7.4 and RFC 5961 §3.2 (tv_tcp_state.c): would
 * the receiver of this RST accept it? */
int tv_tcp_rst_acceptable(const struct tv_tcp *t, const struct tv_pkt *pkt,
    int from);

#endif /* TV_TCP_INT_H */
