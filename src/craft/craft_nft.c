/* \summary: tcpviz-craft's nftables table: added for a run, always removed, stale ones reaped; through libnftables, no nft process */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nftables/libnftables.h>

#include "craft-int.h"
#include "tv_errbuf.h"

/* ---- running nft ---- */

/*
 * Run the nft commands `input` (as nft -f - would) in one transaction.
 * What nft prints goes to out (outsize bytes, may be NULL); 0, or -1
 * with the first line of nft's complaint in errbuf.
 */
static int
run_nft(const char *input, char *out, size_t outsize, char *errbuf,
    size_t errsize)
{
	struct nft_ctx *ctx;
	const char *o, *e;
	int rc;

	if (out && outsize)
		out[0] = '\0';
	errbuf[0] = '\0';
	if ((ctx = nft_ctx_new(NFT_CTX_DEFAULT)) == NULL) {
		snprintf(errbuf, errsize, "libnftables: out of memory");
		return -1;
	}
	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	rc = nft_run_cmd_from_buffer(ctx, input);
	if (out && outsize && (o = nft_ctx_get_output_buffer(ctx)) != NULL)
		snprintf(out, outsize, "%s", o);
	if (rc != 0) {
		e = nft_ctx_get_error_buffer(ctx);
		if (e != NULL && *e != '\0')
			snprintf(errbuf, errsize, "%.*s", (int)strcspn(e, "\n"), e);
		else
			snprintf(errbuf, errsize, "nft refused the commands");
	}
	nft_ctx_free(ctx);
	return rc != 0 ? -1 : 0;
}

/* ---- our table ---- */

void
nft_reap(void)
{
	char out[8192], err[TV_ERRBUF_SIZE], cmd[128];
	char *line, *save = NULL;
	size_t plen = strlen(TABLE_PREFIX);

	if (run_nft("list tables\n", out, sizeof(out), err, sizeof(err)) < 0)
		return;
	for (line = strtok_r(out, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		char fam[16], name[64];
		long pid;
		char *end;

		if (sscanf(line, "table %15s %63s", fam, name) != 2 ||
		    strncmp(name, TABLE_PREFIX, plen) != 0)
			continue;
		pid = strtol(name + plen, &end, 10);
		if (*end != '\0' || pid <= 0 || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(cmd, sizeof(cmd), "delete table %s %s\n", fam, name);
		if (run_nft(cmd, NULL, 0, err, sizeof(err)) == 0)
			note("removed table %s %s, left by a run that no longer "
			    "exists", fam, name);
	}
}

/*
 * The ruleset of our table: one output-hook rule that drops RSTs from
 * our source port(s) to the destination port, loopback addresses on both
 * sides, unless they carry CRAFT_MARK (segments we send ourselves).
 * Those RSTs are the crafting kernel's answer to a SYN-ACK no socket owns.
 * "add" then "delete" clears a table of the same name, then it is built:
 * all in one nft transaction, applied whole or not at all.
 */
static void
ruleset(const struct nft *n, const struct link *L, char *rs, size_t size)
{
	char a_src[TV_ADDRSTRLEN], a_dst[TV_ADDRSTRLEN];
	const char *ipk = L->family == 4 ? "ip" : "ip6";
	size_t i, len;

	tv_addr_str(&L->src, a_src, sizeof(a_src));
	tv_addr_str(&L->dst, a_dst, sizeof(a_dst));
	len = (size_t)snprintf(rs, size,
	    "add table inet %s\n"
	    "delete table inet %s\n"
	    "table inet %s {\n"
	    "\tchain output {\n"
	    "\t\ttype filter hook output priority filter; policy accept;\n"
	    "\t\tmeta mark != 0x%08x %s saddr %s %s daddr %s tcp sport ",
	    n->table, n->table, n->table, CRAFT_MARK, ipk, a_src, ipk, a_dst);
	if (L->nports == 1) {
		len += (size_t)snprintf(rs + len, size - len, "%u", L->ports[0]);
	} else {
		len += (size_t)snprintf(rs + len, size - len, "{ ");
		for (i = 0; i < L->nports; i++)
			len += (size_t)snprintf(rs + len, size - len, "%s%u",
			    i ? ", " : "", L->ports[i]);
		len += (size_t)snprintf(rs + len, size - len, " }");
	}
	snprintf(rs + len, size - len,
	    " tcp dport %u tcp flags & rst == rst counter drop"
	    " comment \"tcpviz-craft pid %ld: our kernel's RSTs for the crafted"
	    " connection\"\n"
	    "\t}\n"
	    "}\n", L->dport, (long)getpid());
}

int
nft_add(struct nft *n, const struct link *L)
{
	char *rs, err[TV_ERRBUF_SIZE];
	size_t size = 2048 + L->nports * 8;
	int rc;

	if ((rs = malloc(size)) == NULL)
		return fail("out of memory");
	snprintf(n->table, sizeof(n->table), TABLE_PREFIX "%ld", (long)getpid());
	ruleset(n, L, rs, size);
	rc = run_nft(rs, NULL, 0, err, sizeof(err));
	free(rs);
	if (rc < 0)
		return fail("adding nft table inet %s: %s", n->table, err);
	n->added = 1;
	if (!L->quiet)
		note("nft table inet %s drops our kernel's RSTs from port%s %u%s "
		    "to %u for this run", n->table, L->nports > 1 ? "s" : "",
		    L->ports[0], L->nports > 1 ? "..." : "", L->dport);
	return 0;
}

int
nft_remove(struct nft *n)
{
	char cmd[128], err[TV_ERRBUF_SIZE];

	if (!n->added)
		return 0;
	snprintf(cmd, sizeof(cmd), "delete table inet %s\n", n->table);
	if (run_nft(cmd, NULL, 0, err, sizeof(err)) < 0) {
		fail("removing nft table inet %s: %s (remove it with: nft delete "
		    "table inet %s)", n->table, err, n->table);
		return -1;
	}
	n->added = 0;
	return 0;
}
