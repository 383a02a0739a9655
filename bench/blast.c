/* bench/blast.c: a bounded sender of small UDP datagrams to 127.0.0.1, for the live part of the bench. */
/*
 * blast [-d 127.0.0.1] -p PORT [-r RATE] [-t SECONDS] [-c COUNT]
 *
 * Sends 18-byte UDP payloads (60-byte frames on lo: 14 Ethernet + 20 IP
 * + 8 UDP + 18) to 127.0.0.1:PORT at RATE datagrams a second (default
 * 100000; 0 = as fast as one sender goes) for SECONDS (default 3, at most
 * 5) or COUNT datagrams (default and at most 10,000,000), whichever ends
 * first.  Any destination but 127.0.0.1 is refused: the bench sends only
 * on loopback.  blast also binds PORT itself and never reads it, so the
 * datagrams end in a full socket buffer, not in ICMP port unreachables.
 * Prints "sent N in S s" on stdout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SECONDS 5.0
#define MAX_COUNT   10000000ULL

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
usage(void)
{
	fprintf(stderr, "usage: blast [-d 127.0.0.1] -p PORT [-r RATE] "
	    "[-t SECONDS] [-c COUNT]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *dst = "127.0.0.1";
	unsigned long long count = MAX_COUNT, sent = 0, want;
	double rate = 100000, secs = 3, t0, t;
	struct sockaddr_in sa;
	char payload[18];
	int ch, fd, sink, port = 0, small = 4096;

	while ((ch = getopt(argc, argv, "c:d:p:r:t:")) != -1) {
		switch (ch) {
		case 'c': count = strtoull(optarg, NULL, 10); break;
		case 'd': dst = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'r': rate = atof(optarg); break;
		case 't': secs = atof(optarg); break;
		default: usage();
		}
	}
	if (optind != argc || port <= 0 || port > 65535 || rate < 0)
		usage();
	if (strcmp(dst, "127.0.0.1") != 0) {
		fprintf(stderr, "blast: %s: only 127.0.0.1 is allowed\n", dst);
		return 2;
	}
	if (secs <= 0 || secs > MAX_SECONDS)
		secs = MAX_SECONDS;
	if (count == 0 || count > MAX_COUNT)
		count = MAX_COUNT;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	memset(payload, 'b', sizeof(payload));
	if ((sink = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    setsockopt(sink, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)) < 0 ||
	    bind(sink, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("blast: bind 127.0.0.1");
		return 1;
	}
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("blast: socket");
		return 1;
	}
	t0 = now();
	for (t = t0; t - t0 < secs && sent < count; t = now()) {
		want = rate > 0 ? (unsigned long long)((t - t0) * rate) + 1 : sent + 64;
		if (want > count)
			want = count;
		if (sent >= want) {
			struct timespec ns = { 0, 20000 };

			nanosleep(&ns, NULL);
			continue;
		}
		while (sent < want) {
			if (send(fd, payload, sizeof(payload), 0) < 0) {
				if (errno == ENOBUFS || errno == EAGAIN)
					continue;
				perror("blast: send");
				return 1;
			}
			sent++;
		}
	}
	printf("sent %llu in %.3f s\n", sent, now() - t0);
	close(fd);
	close(sink);
	return 0;
}
