/* \summary: tcpviz-craft's own parts: the link (raw socket, source ports, segments out and in, the one receive loop) and the nft table */
#ifndef CRAFT_INT_H
#define CRAFT_INT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "tv_craft.h"
#include "tv_msg.h"

#define PROG		"tcpviz-craft"
#define CRAFT_MARK	0x74766372u	/* "tvcr": our own segments pass the nft rule */
#define TABLE_PREFIX	"tcpviz_craft_"

/* Exit statuses (tcpviz-craft(1) in docs/crafter.md). */
enum { EX_ANSWER = 0, EX_ERROR = 1, EX_NOANSWER = 2 };

/* one line on stderr: an error (returns EX_ERROR), or a remark */
#define fail(...) tv_msg_fail(PROG, EX_ERROR, __VA_ARGS__)
#define note(...) tv_msg_say(PROG, __VA_ARGS__)

/* ---- the link: craft_link.c ---- */

/* The raw socket and both ends of the conversation. */
struct link {
	int fd;				/* -1 until link_open() */
	int family;			/* 4 or 6 */
	struct tv_addr src, dst;
	uint16_t dport;
	uint16_t win;			/* the window our segments offer */
	int quiet;			/* no per-segment lines */
	volatile sig_atomic_t *stop;	/* set by a signal: every wait returns */
	uint16_t *ports;		/* our source ports ... */
	struct tv_craft_conn *conns;	/* ... and what the core makes of each */
	size_t nports;
	int *resv;			/* sockets holding those ports */
	size_t nresv;
	uint16_t ip_id;
	unsigned rst_sent, rst_seen;	/* RSTs we sent / saw leaving from our ports */
};

/* Who sent a segment the receive loop hands over. */
enum dir {
	DIR_SERVER,			/* the destination */
	DIR_KERNEL,			/* our kernel, from one of our ports */
	DIR_OURS,			/* we did: our own, back in on loopback */
};

struct seg_in {
	struct tv_pkt p;
	enum dir dir;
	size_t port_i;			/* which of our ports */
	uint8_t data[TV_CRAFT_DATA_MAX];	/* up to this much payload kept */
	size_t datalen;
};

/* What link_receive() and a mode's handler return. */
enum rx_rc {
	RX_STOPPED = -2,		/* a signal asked us to stop */
	RX_FAILED = -1,			/* an error, printed */
	RX_TIMEOUT = 0,			/* the deadline passed */
	RX_DONE = 1,			/* the handler has what it waited for */
	RX_MORE = 2,			/* (handler) keep going */
};

/* A mode's side of the receive loop. */
struct rx {
	int64_t deadline;		/* tv_now_ms() time; the handler may move it */
	int (*on_seg)(struct link *L, struct rx *rx, const struct seg_in *in);
	void *ctx;
};

/* Zeroes L; our segments offer `win`; a signal sets *stop. */
void link_init(struct link *L, uint16_t win, int quiet,
    volatile sig_atomic_t *stop);

/*
 * Everything before the first segment: the source address the kernel
 * picks towards dst (checked to be loopback), nports source ports
 * (src_port, src_port + 1 ...; -1: ones the kernel hands out, each held
 * by a bound socket), the raw socket (with SO_MARK CRAFT_MARK when
 * `mark`).  Returns 0 or EX_ERROR (message printed).
 */
int link_open(struct link *L, const struct tv_addr *dst, uint16_t dport,
    long src_port, size_t nports, int mark);

/* Close the sockets, free what link_open() took. */
void link_close(struct link *L);

/* A segment of ours from port index i, as link_open() set the link up. */
void link_seg(const struct link *L, size_t i, struct tv_craft_seg *s);

/*
 * Build s, send it, add it to its connection, and print it as it went
 * out (decoded back from the bytes we built), with a note when fmt is
 * not NULL.  Returns 0 or EX_ERROR (message printed).
 */
int link_send(struct link *L, struct tv_craft_seg *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "got   127.0.0.1:8000 > 127.0.0.1:40000 S. seq=... <mss 65495>  (note)" */
void link_print(const struct link *L, const char *tag, const struct tv_pkt *p,
    const uint8_t *data, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * The receive loop of every mode: each segment between our ports and the
 * destination port, until rx->on_seg says RX_DONE (or RX_FAILED), the
 * deadline passes or a signal asks us to stop.  Segments from the server
 * and from our kernel (printed here) are added to their connection and
 * handed to rx->on_seg; our own, coming back in, are dropped.  Returns
 * RX_DONE, RX_TIMEOUT, RX_FAILED or RX_STOPPED.
 */
int link_receive(struct link *L, struct rx *rx);

/* ---- the nft table: craft_nft.c ---- */

struct nft {
	char table[64];			/* "tcpviz_craft_<pid>" */
	int added;
};

/* Remove the tables of runs that no longer exist (killed with SIGKILL). */
void nft_reap(void);

/* Add our table: it drops our kernel's RSTs from L's ports to its
 * destination port.  Returns 0 or EX_ERROR (message printed). */
int nft_add(struct nft *n, const struct link *L);

/* Remove our table if it was added.  Returns 0 or -1 (message printed). */
int nft_remove(struct nft *n);

#endif /* CRAFT_INT_H */
