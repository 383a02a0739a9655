/* \summary: what the lab's files share: running in a namespace, the nft rules of the wire and of the hosts */
#ifndef LAB_INT_H
#define LAB_INT_H

#include "tv_lab.h"

/* The nftables ruleset of the wire (loss), loaded in the calling thread's
 * namespace: 0, or -1 with one line in errbuf.  Nothing to do is 0. */
int lab_nft_wire(const struct tv_lab_cfg *cfg, char *errbuf);

/* A host's output filter that drops what the kernel says on its own
 * (MLD and IGMP reports, router solicitations): 0 or -1 with errbuf. */
int lab_nft_quiet(char *errbuf);

/* The rules lab_nft_wire() loads, as text (for tests and messages):
 * the length written, or -1 when it does not fit in size. */
int lab_nft_wire_text(const struct tv_lab_cfg *cfg, char *buf, size_t size);

#endif /* LAB_INT_H */
