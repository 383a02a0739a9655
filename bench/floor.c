/* bench/floor.c: the libpcap floor the bench measures against: open a file, read every packet with pcap_next_ex, print the count. */
/*
 * floor FILE
 *
 * Nothing but what any libpcap reader must do: pcap_open_offline, then
 * pcap_next_ex until the end, touching no packet byte.  A reader of the
 * same file cannot be faster than this on the same libpcap, so the bench
 * reports each mode's time as a multiple of this one's.
 * floor -V prints the libpcap version instead.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const unsigned char *data;
	unsigned long long n = 0;
	pcap_t *p;
	int rc;

	if (argc == 2 && strcmp(argv[1], "-V") == 0) {
		printf("%s\n", pcap_lib_version());
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: floor FILE\n");
		return 2;
	}
	if ((p = pcap_open_offline(argv[1], errbuf)) == NULL) {
		fprintf(stderr, "floor: %s\n", errbuf);
		return 1;
	}
	while ((rc = pcap_next_ex(p, &h, &data)) == 1)
		n++;
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "floor: %s\n", pcap_geterr(p));
		return 1;
	}
	pcap_close(p);
	printf("%llu\n", n);
	return 0;
}
