/* \summary: the lab's nftables rules through libnftables: loss on the wire's bridge, silence on the hosts */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <nftables/libnftables.h>

#include "lab-int.h"
#include "tv_errbuf.h"

/*
 * The wire: a bridge table whose forward hook sends each direction to a
 * chain of its own (the port a frame came in by tells the direction).
 * There the frames of the loss's class jump to a class chain: its
 * `numgen inc` counts only what reaches it (numgen's state is the
 * rule's), so "#3" is the third packet of the class, and its `numgen
 * random` takes the percentage (its counter says how many came: the
 * tests read it).  nft does no arithmetic, so "TCP with
 * payload" is spelled out: for each data offset d (5 .. 15) the IP
 * length is compared with the header lengths (IPv4 without options,
 * IPv6 with TCP next: no extension headers).
 */

static const char *const dir_chain[] = { "to_server", "to_client" };
static const char *const dir_port[] = { "c0", "s0" };	/* where it enters */

struct txt {
	char *buf;
	size_t size, len;
	int over;
};

static void __attribute__((format(printf, 2, 3)))
put(struct txt *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= t->size - t->len)
		t->over = 1;
	else
		t->len += (size_t)n;
}

/* The rules of a direction's chain that send the class to chain `to`. */
static void
put_class(struct txt *t, enum tv_lab_what what, const char *to)
{
	const char *ack = what == TV_LAB_ACK ?
	    "tcp flags & (fin | syn | rst) == 0 " : "";
	int d;

	switch (what) {
	case TV_LAB_ALL:
		put(t, "\t\tether type { ip, ip6 } jump %s\n", to);
		return;
	case TV_LAB_SYN:
		put(t, "\t\ttcp flags & syn == syn jump %s\n", to);
		return;
	case TV_LAB_FIN:
		put(t, "\t\ttcp flags & fin == fin jump %s\n", to);
		return;
	case TV_LAB_DATA:
		put(t, "\t\tmeta l4proto udp jump %s\n", to);
		break;
	case TV_LAB_ACK:
		break;
	}
	for (d = 5; d <= 15; d++) {
		put(t, "\t\t%sip hdrlength 5 tcp doff %d ip length %s%d jump %s\n",
		    ack, d, what == TV_LAB_ACK ? "" : "> ", 20 + 4 * d, to);
		put(t, "\t\t%sip6 nexthdr tcp tcp doff %d ip6 length %s%d jump %s\n",
		    ack, d, what == TV_LAB_ACK ? "" : "> ", 4 * d, to);
	}
}

static void
put_dir(struct txt *t, int d, const struct tv_lab_loss *l)
{
	int i;

	put(t, "\tchain %s_class {\n\t\tcounter\n", dir_chain[d]);
	if (l->nnth > 0) {
		put(t, "\t\tnumgen inc mod 1000000000 { ");
		for (i = 0; i < l->nnth; i++)
			put(t, "%s%u", i ? ", " : "", l->nth[i] - 1);
		put(t, " } drop\n");
	}
	if (l->pct > 0)
		put(t, "\t\tnumgen random mod 10000 < %d drop\n",
		    (int)(l->pct * 100 + 0.5));
	put(t, "\t}\n\tchain %s {\n", dir_chain[d]);
	if (l->nnth > 0 || l->pct > 0) {
		char to[32];

		snprintf(to, sizeof to, "%s_class", dir_chain[d]);
		put_class(t, l->what, to);
	}
	put(t, "\t}\n");
}

int
lab_nft_wire_text(const struct tv_lab_cfg *cfg, char *buf, size_t size)
{
	struct txt t = { buf, size, 0, 0 };
	int d;

	put(&t, "table bridge tcpviz_lab {\n");
	for (d = 0; d < 2; d++)
		put_dir(&t, d, &cfg->dir[d].loss);
	put(&t, "\tchain forward {\n\t\ttype filter hook forward priority 0; "
	    "policy accept;\n");
	for (d = 0; d < 2; d++)
		put(&t, "\t\tiifname \"%s\" jump %s\n", dir_port[d], dir_chain[d]);
	put(&t, "\t}\n}\n");
	return t.over ? -1 : (int)t.len;
}

static int
run(const char *rules, char *errbuf)
{
	struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
	const char *e;
	size_t n;
	int rc;

	if (nft == NULL) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "tcpviz: lab: nftables: out of memory");
		return -1;
	}
	nft_ctx_buffer_output(nft);
	nft_ctx_buffer_error(nft);
	rc = nft_run_cmd_from_buffer(nft, rules);
	if (rc != 0) {
		e = nft_ctx_get_error_buffer(nft);
		n = e != NULL ? strcspn(e, "\n") : 0;
		snprintf(errbuf, TV_ERRBUF_SIZE, "tcpviz: lab: nftables: %.*s",
		    (int)n, n ? e : "the rules were refused");
	}
	nft_ctx_free(nft);
	return rc != 0 ? -1 : 0;
}

int
lab_nft_wire(const struct tv_lab_cfg *cfg, char *errbuf)
{
	char rules[16384];

	if (cfg->dir[0].loss.nnth == 0 && cfg->dir[0].loss.pct <= 0 &&
	    cfg->dir[1].loss.nnth == 0 && cfg->dir[1].loss.pct <= 0)
		return 0;
	if (lab_nft_wire_text(cfg, rules, sizeof rules) < 0) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "tcpviz: lab: the loss rules are too long");
		return -1;
	}
	return run(rules, errbuf);
}

/*
 * A fresh namespace's kernel speaks on its own as soon as eth0 is up:
 * MLDv2 reports (from ::, with no link-local address), an IGMPv3 report
 * from 0.0.0.0 (the wire's br0 too), and, but for the sysctls, router
 * solicitations and DAD.  The
 * sysctls stop the last two; this stops the reports before they are
 * sent (the output hook is before any capture), so the programs' traffic
 * is all there is on the wire.
 */
int
lab_nft_quiet(char *errbuf)
{
	return run("table inet tcpviz_lab_quiet {\n"
	    "\tchain output {\n"
	    "\t\ttype filter hook output priority 0; policy accept;\n"
	    "\t\tmeta l4proto igmp drop\n"
	    "\t\ticmpv6 type { mld-listener-query, mld-listener-report, "
	    "mld-listener-done, mld2-listener-report, nd-router-solicit } drop\n"
	    "\t}\n}\n", errbuf);
}
