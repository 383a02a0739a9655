/* bench/mkcap.c: a seeded, deterministic writer of the bench captures (many hosts, or all on 127.0.0.1 with 4-tuples reused) as plain pcap files. */
/*
 * mkcap [-l] [-s SEED] [-n CONNECTIONS] [-c OPEN] -o FILE
 *
 * Writes a classic pcap file (microsecond timestamps, DLT_EN10MB) of
 * CONNECTIONS TCP connections (default 376000) and CONNECTIONS/19.2 UDP
 * request/response flows, about OPEN (default 1500) of them open at any
 * time: memory a reader needs grows with OPEN, never with the file.
 * Connections are short (handshake, request, response, FIN close), longer
 * transfers with data both ways, resets (refused SYNs, aborts), with a few
 * retransmitted segments; IP, TCP and UDP checksums are valid and time
 * only goes forward.  Without -l the clients are spread over
 * 127.0.x.y-127.5.x.y; with -l everything is on 127.0.0.1 and a client port
 * is used again by later connections once the earlier one has closed
 * (RFC 9293 §3.4.1: the new one starts with a new ISN).
 *
 * The same seed and options give the same bytes.  At the end one line on
 * stderr says what was written, for the bench and the tests to check:
 *   mkcap: FILE: packets=P tcp=T udp=U bytes=B
 * No libpcap: the file format is written by hand (pcap-savefile(5)).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXSTEP   512		/* packets one flow's script may hold */
#define PATLEN    65536		/* payload bytes are cut from this */
#define OUTBUF    (4 << 20)
#define CPORT_LO  10000		/* client ports: above every server port */
#define NCPORT    (65536 - CPORT_LO)
#define HOSTS     (6 * 65536)	/* 127.0.0.0 - 127.5.255.255 */

enum { C = 0, S = 1 };		/* which side sends a step */
enum { FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10 };
enum { K_SEG, K_RETX };		/* a new segment, or the side's last one again */

struct step {
	uint8_t dir, flags, kind;
	uint16_t len;
};

struct flow {
	uint8_t proto;			/* 6 or 17 */
	uint32_t caddr, saddr;		/* host order */
	uint16_t cport, sport;
	uint32_t nxt[2];		/* next sequence number each side sends */
	uint32_t lseq[2];		/* each side's last data segment */
	uint16_t llen[2];
	uint8_t lflags[2];
	int nstep, step;
	struct step s[MAXSTEP];
};

static uint64_t rng;
static unsigned char pat[PATLEN];
static unsigned char *out;
static size_t outlen;
static int outfd;
static uint64_t npkts, nbytes, ts_us;
static unsigned char cport_busy[65536];	/* -l: TCP client ports in use */
static int loop_mode;

/* splitmix64: small, fast, and the same on every machine */
static uint64_t
rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* a number in [lo, hi] */
static unsigned
between(unsigned lo, unsigned hi)
{
	return lo + (unsigned)(rnd() % (hi - lo + 1));
}

/* true with probability pct/1000 */
static int
chance(unsigned permille)
{
	return rnd() % 1000 < permille;
}

static void
flush_out(void)
{
	size_t off = 0;

	while (off < outlen) {
		ssize_t n = write(outfd, out + off, outlen - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			perror("mkcap: write");
			exit(1);
		}
		off += (size_t)n;
	}
	outlen = 0;
}

static unsigned char *
reserve(size_t n)
{
	if (outlen + n > OUTBUF)
		flush_out();
	outlen += n;
	return out + outlen - n;
}

static void
put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void
put32(unsigned char *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static void
le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* ones' complement sum of 16-bit words (RFC 1071) */
static uint32_t
sum16(const unsigned char *p, size_t n, uint32_t sum)
{
	while (n > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		n -= 2;
	}
	if (n)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static unsigned
fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/*
 * One frame: Ethernet (lo's zero addresses), IPv4 without options, then
 * the TCP or UDP header and len payload bytes; the pcap record in front.
 */
static void
emit(const struct flow *f, int dir, unsigned flags, uint32_t seq,
    uint32_t ack, unsigned len)
{
	int tcp = f->proto == 6;
	unsigned opt = tcp && (flags & SYN) ? 12 : 0;
	unsigned l4 = tcp ? 20 + opt : 8;
	unsigned iplen = 20 + l4 + len;
	unsigned flen = 14 + iplen;
	unsigned char *r = reserve(16 + flen), *e = r + 16, *ip = e + 14;
	unsigned char *th = ip + 20;
	uint32_t src = dir == C ? f->caddr : f->saddr;
	uint32_t dst = dir == C ? f->saddr : f->caddr;
	unsigned sp = dir == C ? f->cport : f->sport;
	unsigned dp = dir == C ? f->sport : f->cport;
	uint32_t sum;

	ts_us += between(1, 39);
	le32(r, (uint32_t)(ts_us / 1000000));
	le32(r + 4, (uint32_t)(ts_us % 1000000));
	le32(r + 8, flen);
	le32(r + 12, flen);
	memset(e, 0, 12);
	put16(e + 12, 0x0800);

	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, iplen);
	put16(ip + 4, (unsigned)(npkts & 0xffff));
	put16(ip + 6, 0x4000);		/* DF */
	ip[8] = 64;
	ip[9] = f->proto;
	put16(ip + 10, 0);
	put32(ip + 12, src);
	put32(ip + 16, dst);
	put16(ip + 10, fold(sum16(ip, 20, 0)));

	put16(th, sp);
	put16(th + 2, dp);
	if (tcp) {
		put32(th + 4, seq);
		put32(th + 8, flags & ACK ? ack : 0);
		th[12] = (unsigned char)((l4 / 4) << 4);
		th[13] = (unsigned char)flags;
		put16(th + 14, 65535);
		put16(th + 16, 0);
		put16(th + 18, 0);
		if (opt) {		/* MSS 65495, NOP WS 7, NOP NOP SACK-permitted */
			static const unsigned char o[12] = { 2, 4, 0xff, 0xd7,
			    1, 3, 3, 7, 1, 1, 4, 2 };
			memcpy(th + 20, o, 12);
		}
	} else {
		put16(th + 4, l4 + len);
		put16(th + 6, 0);
	}
	memcpy(th + l4, pat + (seq + rnd()) % (PATLEN - 1500), len);
	/* pseudo-header, then the segment (RFC 9293 §3.1, RFC 768) */
	sum = sum16(ip + 12, 8, 0) + f->proto + l4 + len;
	sum = fold(sum16(th, l4 + len, sum));
	if (!tcp && sum == 0)
		sum = 0xffff;
	put16(th + (tcp ? 16 : 6), sum);
	npkts++;
	nbytes += 16 + flen;
}

static void
add(struct flow *f, int dir, unsigned flags, unsigned len, unsigned kind)
{
	struct step *s;

	if (f->nstep >= MAXSTEP)
		return;
	s = &f->s[f->nstep++];
	s->dir = (uint8_t)dir;
	s->flags = (uint8_t)flags;
	s->len = (uint16_t)len;
	s->kind = (uint8_t)kind;
}

/* data from one side, the other's ACK sometimes, a resend sometimes */
static void
data(struct flow *f, int dir, unsigned len, unsigned ack_pm, unsigned retx_pm)
{
	add(f, dir, PSH | ACK, len, K_SEG);
	if (chance(retx_pm))
		add(f, dir, PSH | ACK, len, K_RETX);
	if (chance(ack_pm))
		add(f, !dir, ACK, 0, K_SEG);
}

static void
handshake(struct flow *f)
{
	add(f, C, SYN, 0, K_SEG);
	add(f, S, SYN | ACK, 0, K_SEG);
	add(f, C, ACK, 0, K_SEG);
}

/* a four-way close from either side, or the three-way one (RFC 9293 §3.6) */
static void
fin_close(struct flow *f)
{
	int a = chance(700) ? C : S;

	add(f, a, FIN | ACK, 0, K_SEG);
	if (chance(500)) {
		add(f, !a, FIN | ACK, 0, K_SEG);
	} else {
		add(f, !a, ACK, 0, K_SEG);
		add(f, !a, FIN | ACK, 0, K_SEG);
	}
	add(f, a, ACK, 0, K_SEG);
}

static void
script_tcp(struct flow *f)
{
	unsigned r = between(0, 999), i, n;

	if (r < 30) {			/* refused */
		add(f, C, SYN, 0, K_SEG);
		add(f, S, RST | ACK, 0, K_SEG);
		return;
	}
	handshake(f);
	if (r < 60) {			/* aborted after the request */
		data(f, C, between(40, 400), 500, 0);
		add(f, chance(500) ? C : S, RST | ACK, 0, K_SEG);
		return;
	}
	if (r < 900) {			/* one request, one response */
		data(f, C, between(40, 300), 400, 5);
		data(f, S, between(60, 200), 900, 5);
		fin_close(f);
		return;
	}
	/* a longer exchange with data both ways */
	n = between(10, 60);
	data(f, C, between(40, 300), 300, 10);
	for (i = 0; i < n; i++) {
		if (chance(750))
			data(f, S, between(100, 820), 500, 15);
		else
			data(f, C, between(20, 300), 700, 15);
	}
	fin_close(f);
}

static void
script_udp(struct flow *f)
{
	unsigned i, n = between(1, 3);

	for (i = 0; i < n; i++) {
		add(f, C, 0, between(30, 80), K_SEG);
		add(f, S, 0, between(60, 400), K_SEG);
	}
}

static const uint16_t tcp_ports[] = { 80, 443, 8080, 5432 };
static const uint16_t udp_ports[] = { 53, 123, 514, 5353 };

/* the next free TCP client port on 127.0.0.1, in turn */
static uint16_t
loop_cport(void)
{
	static unsigned next;
	unsigned i;

	for (i = 0; i < NCPORT; i++) {
		unsigned p = CPORT_LO + next;

		next = (next + 1) % NCPORT;
		if (!cport_busy[p]) {
			cport_busy[p] = 1;
			return (uint16_t)p;
		}
	}
	fprintf(stderr, "mkcap: every client port is in use (lower -c)\n");
	exit(1);
}

/*
 * Flow number i (TCP) or j (UDP): its addresses and script.  Host i of the
 * many-host file is a bijection of i onto 127.0.0.0/14-and-a-half (40499 is
 * odd and not a multiple of 3), so no two recent flows share a client.
 */
static void
flow_new(struct flow *f, int udp, uint64_t i)
{
	memset(f, 0, offsetof(struct flow, s));
	f->proto = udp ? 17 : 6;
	f->saddr = 0x7f000001;
	if (loop_mode)
		f->caddr = 0x7f000001;
	else
		f->caddr = 0x7f000000 + (uint32_t)((i * 40499) % HOSTS);
	if (udp) {
		f->cport = (uint16_t)(CPORT_LO + i % NCPORT);
		f->sport = udp_ports[(i / NCPORT) % 4];
		script_udp(f);
		return;
	}
	/* drawn in both shapes, so both files carry the same scripts */
	f->cport = (uint16_t)between(CPORT_LO, 65535);
	if (loop_mode)
		f->cport = loop_cport();
	f->sport = tcp_ports[rnd() % 4];
	f->nxt[C] = (uint32_t)rnd();
	f->nxt[S] = (uint32_t)rnd();
	script_tcp(f);
}

/* send the flow's next step; 1 when its script is done */
static int
flow_step(struct flow *f)
{
	const struct step *s = &f->s[f->step++];
	int d = s->dir;

	if (f->proto == 17) {
		emit(f, d, 0, 0, 0, s->len);
	} else if (s->kind == K_RETX && f->llen[d]) {
		emit(f, d, f->lflags[d], f->lseq[d], f->nxt[!d], f->llen[d]);
	} else {
		emit(f, d, s->flags, f->nxt[d], f->nxt[!d], s->len);
		if (s->len) {
			f->lseq[d] = f->nxt[d];
			f->llen[d] = s->len;
			f->lflags[d] = s->flags;
		}
		f->nxt[d] += s->len + !!(s->flags & SYN) + !!(s->flags & FIN);
	}
	if (f->step < f->nstep)
		return 0;
	if (loop_mode && f->proto == 6)
		cport_busy[f->cport] = 0;
	return 1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: mkcap [-l] [-s SEED] [-n CONNECTIONS] "
	    "[-c OPEN] -o FILE\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	uint64_t seed = 1, ntcp = 376000, nudp, tcp = 0, udp = 0;
	unsigned open_max = 1500, nact = 0, i;
	const char *file = NULL;
	struct flow **act;
	unsigned char *h;
	int ch;

	while ((ch = getopt(argc, argv, "lc:n:o:s:")) != -1) {
		switch (ch) {
		case 'l': loop_mode = 1; break;
		case 'c': open_max = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'n': ntcp = strtoull(optarg, NULL, 10); break;
		case 'o': file = optarg; break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		default: usage();
		}
	}
	if (file == NULL || optind != argc || open_max == 0 ||
	    open_max > 20000)
		usage();
	nudp = (ntcp * 10 + 96) / 192;	/* 19.6 k UDP flows to 376 k */
	rng = seed;
	for (i = 0; i < PATLEN; i++)
		pat[i] = (unsigned char)(' ' + rnd() % 95);
	if ((out = malloc(OUTBUF)) == NULL ||
	    (act = calloc(open_max, sizeof(*act))) == NULL) {
		perror("mkcap");
		return 1;
	}
	for (i = 0; i < open_max; i++)
		if ((act[i] = malloc(sizeof(struct flow))) == NULL) {
			perror("mkcap");
			return 1;
		}
	if ((outfd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
		fprintf(stderr, "mkcap: %s: %s\n", file, strerror(errno));
		return 1;
	}
	h = reserve(24);		/* pcap-savefile(5) header */
	le32(h, 0xa1b2c3d4);
	h[4] = 2; h[5] = 0; h[6] = 4; h[7] = 0;
	le32(h + 8, 0);
	le32(h + 12, 0);
	le32(h + 16, 262144);
	le32(h + 20, 1);		/* DLT_EN10MB */
	nbytes = 24;
	ts_us = 1767225600ULL * 1000000;	/* 2026-01-01 */

	for (;;) {
		/* fill the open set with new flows while any are left */
		while (nact < open_max && tcp + udp < ntcp + nudp) {
			uint64_t left = ntcp + nudp - tcp - udp;
			int u = rnd() % left < nudp - udp;

			flow_new(act[nact++], u, u ? udp++ : tcp++);
		}
		if (nact == 0)
			break;
		i = (unsigned)(rnd() % nact);
		if (flow_step(act[i])) {
			struct flow *t = act[i];

			act[i] = act[--nact];
			act[nact] = t;
		}
	}
	flush_out();
	if (close(outfd) != 0) {
		fprintf(stderr, "mkcap: %s: %s\n", file, strerror(errno));
		return 1;
	}
	fprintf(stderr, "mkcap: %s: packets=%llu tcp=%llu udp=%llu bytes=%llu\n",
	    file, (unsigned long long)npkts, (unsigned long long)tcp,
	    (unsigned long long)udp, (unsigned long long)nbytes);
	return 0;
}
