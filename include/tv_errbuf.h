/* \summary: the one size of an error message buffer, for every part that writes one */
#ifndef TV_ERRBUF_H
#define TV_ERRBUF_H

/* Large enough for libpcap's PCAP_ERRBUF_SIZE (256) plus a file name. */
#define TV_ERRBUF_SIZE 512

#endif /* TV_ERRBUF_H */
