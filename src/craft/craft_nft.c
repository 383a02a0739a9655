/* \summary: tcpviz-craft's nftables table: added for a run, always removed, stale ones reaped; nft -f - through tv_spawn, no shell */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/wait.h>

#include "craft-int.h"
#include "tv_errbuf.h"
#include "tv_util.h"

#define NFT_TIMEOUT_MS	5000

static const char *const nft_paths[] = {
	"/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft", "/bin/nft",
	"/usr/local/sbin/nft", NULL
};

/* ---- running nft ---- */

/*
 * The three pipes of one nft run.  fd[] are our ends ([0] writes its
 * stdin, [1] and [2] read its stdout and stderr), child[] its ends;
 * buf[1] (may be NULL) and buf[2] collect what it says.
 */
struct nft_io {
	int fd[3], child[3];
	const char *in;
	size_t ilen, ioff;
	char *buf[3];
	size_t size[3], len[3];
};

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void
io_close(struct nft_io *io)
{
	int i;

	for (i = 0; i < 3; i++) {
		close_fd(&io->fd[i]);
		close_fd(&io->child[i]);
	}
}

/* The pipes, close-on-exec (tv_spawn's dup2 gives the child its ends). */
static int
io_open(struct nft_io *io)
{
	int p[2], i;

	for (i = 0; i < 3; i++)
		io->fd[i] = io->child[i] = -1;
	for (i = 0; i < 3; i++) {
		if (pipe2(p, O_CLOEXEC) < 0) {
			io_close(io);
			return -1;
		}
		io->fd[i] = i == 0 ? p[1] : p[0];
		io->child[i] = i == 0 ? p[0] : p[1];
	}
	fcntl(io->fd[0], F_SETFL, O_NONBLOCK);
	return 0;
}

/* Add n bytes to what nft said on fd i (cut at its buffer's size). */
static void
io_keep(struct nft_io *io, int i, const char *s, size_t n)
{
	size_t size = io->size[i], *len = &io->len[i];

	if (io->buf[i] == NULL || *len + 1 >= size)
		return;
	if (n > size - 1 - *len)
		n = size - 1 - *len;
	memcpy(io->buf[i] + *len, s, n);
	*len += n;
	io->buf[i][*len] = '\0';
}

/* Feed nft's stdin; close it once all is written (or it went away). */
static void
io_feed(struct nft_io *io)
{
	ssize_t n = write(io->fd[0], io->in + io->ioff, io->ilen - io->ioff);

	if (n > 0)
		io->ioff += (size_t)n;
	if ((n < 0 && errno != EAGAIN && errno != EINTR) || io->ioff == io->ilen)
		close_fd(&io->fd[0]);
}

/* Drain nft's stdout (i 1) or stderr (i 2); close it at its end. */
static void
io_drain(struct nft_io *io, int i)
{
	char b[4096];
	ssize_t n = read(io->fd[i], b, sizeof(b));

	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0)
		close_fd(&io->fd[i]);
	else
		io_keep(io, i, b, (size_t)n);
}

/*
 * Feed stdin and drain stdout and stderr together, so no pipe can fill,
 * until nft has closed them all; kill it after NFT_TIMEOUT_MS.  A signal
 * does not stop this: the nft run is finished anyway.
 */
static void
io_pump(struct nft_io *io, pid_t pid, char *errbuf, size_t errsize)
{
	int64_t deadline = tv_now_ms() + NFT_TIMEOUT_MS;
	int i;

	if (io->ilen == 0)
		close_fd(&io->fd[0]);
	while (io->fd[0] >= 0 || io->fd[1] >= 0 || io->fd[2] >= 0) {
		struct pollfd pf[3] = {
			{ .fd = io->fd[0], .events = POLLOUT },
			{ .fd = io->fd[1], .events = POLLIN },
			{ .fd = io->fd[2], .events = POLLIN },
		};
		int64_t left = deadline - tv_now_ms();

		if (left <= 0) {
			kill(pid, SIGKILL);
			snprintf(errbuf, errsize, "nft did not finish in %d ms",
			    NFT_TIMEOUT_MS);
			return;
		}
		if (poll(pf, 3, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			kill(pid, SIGKILL);
			snprintf(errbuf, errsize, "poll: %s", strerror(errno));
			return;
		}
		if (pf[0].revents)
			io_feed(io);
		for (i = 1; i < 3; i++)
			if (pf[i].revents)
				io_drain(io, i);
	}
}

/* Reap nft; 0 when it exited 0, else -1 with the reason in errbuf
 * (nft's own first line when it said one). */
static int
nft_wait(pid_t pid, char *errbuf, size_t errsize)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(errbuf, errsize, "waitpid: %s", strerror(errno));
			return -1;
		}
	/* one line of nft's complaint is enough for a message */
	errbuf[strcspn(errbuf, "\n")] = '\0';
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (errbuf[0] == '\0')
		snprintf(errbuf, errsize, "nft exited with status %d",
		    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return -1;
}

/* In nft, before exec: a process group of its own, so a terminal's ^C
 * reaches only us, and a plain environment. */
static int
nft_child(void *ctx)
{
	static char *envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
		"LC_ALL=C", NULL };

	(void)ctx;
	if (setpgid(0, 0) < 0)
		return -1;
	environ = envp;
	return 0;
}

/*
 * Run `nft -f -` with `input` on its stdin.  Its stdout goes to out
 * (outsize bytes, may be NULL), its stderr to errbuf.  Returns 0 when it
 * exited 0, else -1 with the reason in errbuf.
 */
static int
run_nft(const char *input, char *out, size_t outsize, char *errbuf,
    size_t errsize)
{
	struct nft_io io;
	char *argv[] = { NULL, "-f", "-", NULL };
	pid_t pid;
	int i;

	if (out && outsize)
		out[0] = '\0';
	errbuf[0] = '\0';
	for (i = 0; nft_paths[i] && argv[0] == NULL; i++)
		if (access(nft_paths[i], X_OK) == 0)
			argv[0] = (char *)nft_paths[i];
	if (argv[0] == NULL) {
		snprintf(errbuf, errsize, "nft not found (apt-get install nftables)");
		return -1;
	}
	memset(&io, 0, sizeof(io));
	if (io_open(&io) < 0) {
		snprintf(errbuf, errsize, "pipe: %s", strerror(errno));
		return -1;
	}
	io.in = input;
	io.ilen = strlen(input);
	io.buf[1] = out;
	io.size[1] = out ? outsize : 0;
	io.buf[2] = errbuf;
	io.size[2] = errsize;
	pid = tv_spawn(argv, io.child[0], io.child[1], io.child[2], nft_child, NULL);
	for (i = 0; i < 3; i++)
		close_fd(&io.child[i]);
	if (pid < 0) {
		snprintf(errbuf, errsize, "%s: %s", argv[0], strerror(errno));
		io_close(&io);
		return -1;
	}
	io_pump(&io, pid, errbuf, errsize);
	io_close(&io);
	return nft_wait(pid, errbuf, errsize);
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
