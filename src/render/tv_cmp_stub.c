/* \summary: TEMPORARY stub */
#include <string.h>
#include "tv_cmp.h"
const char *const tv_cmp_how_names[3] = { "not known", "both ends", "inferred" };
void tv_cmp_acc_packet(struct tv_cmp_acc *a, const struct tv_conn *c,
    const struct tv_pkt *pkt, enum tv_side from)
{
	int64_t ns = pkt->ts_sec * 1000000000LL + pkt->ts_nsec;
	(void)c;
	if (!a->started) { a->started = 1; a->first_ns = ns; }
	a->last_ns = ns;
	a->pkts[from]++; a->wire[from] += pkt->wirelen;
	if (pkt->len) { a->msgs[from]++; if (!a->pay_ns) a->pay_ns = ns; }
	else if (!a->pay_ns) a->setup_pkts++;
}
void tv_cmp_metrics(const struct tv_cmp_acc *a, const struct tv_conn *c,
    struct tv_cmp_metrics *m)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->pkts, a->pkts, sizeof(m->pkts));
	memcpy(m->wire, a->wire, sizeof(m->wire));
	memcpy(m->payload, c->bytes, sizeof(m->payload));
	memcpy(m->sent, a->msgs, sizeof(m->sent));
	m->setup_pkts = a->setup_pkts;
	m->setup_ns = a->pay_ns ? a->pay_ns - a->first_ns : -1;
	m->resp_ns = -1;
	m->duration_ns = a->last_ns - a->first_ns;
}
