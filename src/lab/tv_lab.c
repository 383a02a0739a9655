/* \summary: the lab's namespaces, links, addresses and qdiscs (libnl-route), and the programs run in it */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_bridge.h>
#include <net/if.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/netem.h>
#include <netlink/route/qdisc/tbf.h>
#include <netlink/route/tc.h>

#include "lab-int.h"
#include "tv_errbuf.h"
#include "tv_lab.h"

/*
 * Nothing of the lab outlives this process.  Its namespaces are never
 * bind-mounted or named: each lives only while a descriptor in
 * lab->ns[] (or a thread or process inside it) holds it.  A crash closes
 * the descriptors; the programs tv_lab_spawn() started get SIGKILL from
 * the kernel when we die (PR_SET_PDEATHSIG); with the last holder gone
 * the kernel takes the namespace down, and its links, qdiscs and nft
 * tables with it.
 */

static const char *const host_name[] = {
	[TV_LAB_CLIENT] = "client", [TV_LAB_SERVER] = "server",
	[TV_LAB_WIRE] = "wire",
};

/* the wire's port towards each host, and the port a direction leaves by */
static const char *const port_name[] = {
	[TV_LAB_CLIENT] = "c0", [TV_LAB_SERVER] = "s0",
};
static const enum tv_lab_host dir_to[] = {
	[TV_LAB_TO_SERVER] = TV_LAB_SERVER, [TV_LAB_TO_CLIENT] = TV_LAB_CLIENT,
};

#define TBF_LATENCY_US	1000000	/* tbf queues at most 1 s of the rate */
#define TBF_MIN_BURST	(4 * 1514)
#define NETEM_LIMIT	10000	/* packets */
#define LINK_WAIT_MS	3000
#define OPER_UP		6	/* IF_OPER_UP of <linux/if.h>, which <net/if.h> excludes */

/* ---- namespaces ---- */

static int
self_ns(void)
{
	return open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
}

int
tv_lab_enter(const struct tv_lab *lab, enum tv_lab_host host)
{
	if (host > TV_LAB_WIRE || lab->ns[host] < 0) {
		errno = EINVAL;
		return -1;
	}
	return setns(lab->ns[host], CLONE_NEWNET);
}

int
tv_lab_leave(const struct tv_lab *lab)
{
	return setns(lab->home, CLONE_NEWNET);
}

/* A new namespace, kept by a descriptor; the thread is back home after. */
static int
new_ns(int home)
{
	int fd;

	if (unshare(CLONE_NEWNET) < 0)
		return -1;
	fd = self_ns();
	if (setns(home, CLONE_NEWNET) < 0) {
		/* cannot happen with CAP_SYS_ADMIN; never run on elsewhere */
		abort();
	}
	return fd;
}

static int
put_sysctl(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -1 : 0;
}

/* In a host: no DAD, no router solicitation, no link-local address, for
 * every interface made after this ("default") and those there ("all"). */
static void
quiet_sysctls(int wire)
{
	static const char *const keys[][2] = {
		{ "accept_dad", "0" }, { "dad_transmits", "0" },
		{ "router_solicitations", "0" }, { "addr_gen_mode", "1" },
		{ "accept_ra", "0" },
	};
	const char *conf[] = { "all", "default" };
	char path[128];
	size_t i, j;

	for (j = 0; j < 2; j++) {
		if (wire) {
			/* the bridge forwards IPv6; it needs none of its own */
			snprintf(path, sizeof path,
			    "/proc/sys/net/ipv6/conf/%s/disable_ipv6", conf[j]);
			put_sysctl(path, "1");
			continue;
		}
		for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
			snprintf(path, sizeof path, "/proc/sys/net/ipv6/conf/%s/%s",
			    conf[j], keys[i][0]);
			put_sysctl(path, keys[i][1]);
		}
	}
}

/* ---- netlink ---- */

static struct nl_sock *
nl_open(char *errbuf)
{
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	if (sk == NULL) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "tcpviz: lab: out of memory");
		return NULL;
	}
	if ((err = nl_connect(sk, NETLINK_ROUTE)) < 0) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "tcpviz: lab: netlink: %s",
		    nl_geterror(err));
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

static int
nl_fail(char *errbuf, const char *what, const char *name, int err)
{
	snprintf(errbuf, TV_ERRBUF_SIZE, "tcpviz: lab: %s %s: %s", what, name,
	    nl_geterror(err));
	return -1;
}

static int
link_index(struct nl_sock *sk, const char *name)
{
	struct rtnl_link *l;
	int idx;

	if (rtnl_link_get_kernel(sk, 0, name, &l) < 0)
		return 0;
	idx = rtnl_link_get_ifindex(l);
	rtnl_link_put(l);
	return idx;
}

static int
link_up(struct nl_sock *sk, const char *name, char *errbuf)
{
	struct rtnl_link *l, *change;
	int err;

	if ((err = rtnl_link_get_kernel(sk, 0, name, &l)) < 0)
		return nl_fail(errbuf, "no link", name, err);
	change = rtnl_link_alloc();
	rtnl_link_set_flags(change, IFF_UP);
	err = rtnl_link_change(sk, l, change, 0);
	rtnl_link_put(change);
	rtnl_link_put(l);
	return err < 0 ? nl_fail(errbuf, "cannot bring up", name, err) : 0;
}

/* In the wire: port `name` on bridge `master`, up, its peer eth0 in ns. */
static int
add_veth(struct nl_sock *sk, const char *name, int master, int ns,
    char *errbuf)
{
	struct rtnl_link *l = rtnl_link_veth_alloc(), *peer;
	int err;

	if (l == NULL)
		return nl_fail(errbuf, "veth", name, -NLE_NOMEM);
	rtnl_link_set_name(l, name);
	rtnl_link_set_master(l, master);
	rtnl_link_set_flags(l, IFF_UP);
	peer = rtnl_link_veth_get_peer(l);
	rtnl_link_set_name(peer, "eth0");
	rtnl_link_set_ns_fd(peer, ns);
	rtnl_link_put(peer);
	err = rtnl_link_add(sk, l, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(l);
	return err < 0 ? nl_fail(errbuf, "cannot add veth", name, err) : 0;
}

static int
add_bridge(struct nl_sock *sk, char *errbuf)
{
	struct rtnl_link *l = rtnl_link_bridge_alloc();
	int err;

	if (l == NULL)
		return nl_fail(errbuf, "bridge", "br0", -NLE_NOMEM);
	rtnl_link_set_name(l, "br0");
	rtnl_link_set_flags(l, IFF_UP);
	err = rtnl_link_add(sk, l, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(l);
	return err < 0 ? nl_fail(errbuf, "cannot add bridge", "br0", err) : 0;
}

static int
add_addr(struct nl_sock *sk, int ifindex, int family, const char *text,
    char *errbuf)
{
	struct rtnl_addr *a;
	struct nl_addr *local;
	int err;

	if ((err = nl_addr_parse(text, family, &local)) < 0)
		return nl_fail(errbuf, "address", text, err);
	a = rtnl_addr_alloc();
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_local(a, local);
	if (family == AF_INET6)
		rtnl_addr_set_flags(a, IFA_F_NODAD);
	err = rtnl_addr_add(sk, a, 0);
	rtnl_addr_put(a);
	nl_addr_put(local);
	return err < 0 ? nl_fail(errbuf, "cannot add address", text, err) : 0;
}

/*
 * A link is up when the kernel says so, and it says so late: a carrier
 * is taken in by the linkwatch work, which gives a device its qdisc and
 * the bridge its port (disabled, so dropping, until then).  So wait for
 * the hosts' eth0 to be IF_OPER_UP and the bridge's ports forwarding.
 */
static int
link_ready(struct nl_sock *sk, const char *name, int port)
{
	struct nl_cache *cache;
	struct rtnl_link *l;
	int ok = 0;

	if (rtnl_link_alloc_cache(sk, port ? AF_BRIDGE : AF_UNSPEC, &cache) < 0)
		return 0;
	if ((l = rtnl_link_get_by_name(cache, name)) != NULL) {
		ok = port ? rtnl_link_bridge_get_port_state(l) == BR_STATE_FORWARDING :
		    rtnl_link_get_operstate(l) == OPER_UP;
		rtnl_link_put(l);
	}
	nl_cache_free(cache);
	return ok;
}

static int
wait_ready(struct nl_sock *sk, const char *name, int port, char *errbuf)
{
	struct timespec nap = { 0, 5 * 1000000 };
	int t;

	for (t = 0; t < LINK_WAIT_MS / 5; t++) {
		if (link_ready(sk, name, port))
			return 0;
		nanosleep(&nap, NULL);
	}
	snprintf(errbuf, TV_ERRBUF_SIZE, "tcpviz: lab: %s is not up after %d ms",
	    name, LINK_WAIT_MS);
	return -1;
}

/* ---- qdiscs on the wire's ports ---- */

static struct rtnl_qdisc *
qdisc_new(int ifindex, uint32_t parent, uint32_t handle, const char *kind)
{
	struct rtnl_qdisc *q = rtnl_qdisc_alloc();

	if (q == NULL)
		return NULL;
	rtnl_tc_set_ifindex(TC_CAST(q), ifindex);
	rtnl_tc_set_parent(TC_CAST(q), parent);
	rtnl_tc_set_handle(TC_CAST(q), handle);
	if (rtnl_tc_set_kind(TC_CAST(q), kind) < 0) {
		rtnl_qdisc_put(q);
		return NULL;
	}
	return q;
}

static int
qdisc_add(struct nl_sock *sk, struct rtnl_qdisc *q, const char *port,
    char *errbuf)
{
	int err;

	if (q == NULL)
		return nl_fail(errbuf, "qdisc on", port, -NLE_NOMEM);
	err = rtnl_qdisc_add(sk, q, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_qdisc_put(q);
	return err < 0 ? nl_fail(errbuf, "cannot add a qdisc on", port, err) : 0;
}

/* netem as the root (1:) when asked, tbf under it (10:) or as the root. */
static int
add_qdiscs(struct nl_sock *sk, const struct tv_lab_impair *im,
    const char *port, char *errbuf)
{
	int idx = link_index(sk, port), netem = im->delay_ms || im->reorder_pct;
	uint32_t parent = TC_H_ROOT;
	struct rtnl_qdisc *q;

	if (netem) {
		q = qdisc_new(idx, TC_H_ROOT, TC_HANDLE(1, 0), "netem");
		if (q != NULL) {
			rtnl_netem_set_limit(q, NETEM_LIMIT);
			rtnl_netem_set_delay(q, (int)im->delay_ms * 1000);
			rtnl_netem_set_jitter(q, (int)im->jitter_ms * 1000);
			if (im->reorder_pct > 0)
				rtnl_netem_set_reorder_probability(q,
				    (int)(im->reorder_pct / 100 * 0xffffffffu));
		}
		if (qdisc_add(sk, q, port, errbuf) < 0)
			return -1;
		parent = TC_HANDLE(1, 1);
	}
	if (im->rate_bps) {
		int rate = (int)(im->rate_bps / 8), burst = rate / 50;

		if (burst < TBF_MIN_BURST)
			burst = TBF_MIN_BURST;
		q = qdisc_new(idx, parent, TC_HANDLE(netem ? 10 : 1, 0), "tbf");
		if (q != NULL) {
			rtnl_qdisc_tbf_set_rate(q, rate, burst, 0);
			rtnl_qdisc_tbf_set_limit(q, (int)((int64_t)rate *
			    TBF_LATENCY_US / 1000000) + burst);
		}
		if (qdisc_add(sk, q, port, errbuf) < 0)
			return -1;
	}
	return 0;
}

/* ---- building it ---- */

static int
build_wire(struct tv_lab *lab, const struct tv_lab_cfg *cfg, char *errbuf)
{
	struct nl_sock *sk;
	int br, d, rc = -1;

	if ((sk = nl_open(errbuf)) == NULL)
		return -1;
	if (link_up(sk, "lo", errbuf) < 0 || add_bridge(sk, errbuf) < 0)
		goto out;
	if ((br = link_index(sk, "br0")) == 0) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "tcpviz: lab: no br0 after adding it");
		goto out;
	}
	if (add_veth(sk, port_name[TV_LAB_CLIENT], br, lab->ns[TV_LAB_CLIENT],
	    errbuf) < 0 || add_veth(sk, port_name[TV_LAB_SERVER], br,
	    lab->ns[TV_LAB_SERVER], errbuf) < 0)
		goto out;
	for (d = 0; d < 2; d++)
		if (add_qdiscs(sk, &cfg->dir[d], port_name[dir_to[d]], errbuf) < 0)
			goto out;
	rc = lab_nft_wire(cfg, errbuf);
out:
	nl_socket_free(sk);
	return rc;
}

static int
build_host(struct tv_lab *lab, enum tv_lab_host h, char *errbuf)
{
	struct nl_sock *sk;
	char a[64];
	int idx, rc = -1;

	if ((sk = nl_open(errbuf)) == NULL)
		return -1;
	if (link_up(sk, "lo", errbuf) < 0)
		goto out;
	if ((idx = link_index(sk, lab->ifname)) == 0) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "tcpviz: lab: no %s in the %s",
		    lab->ifname, host_name[h]);
		goto out;
	}
	snprintf(a, sizeof a, "%s/24", lab->addr[h]);
	if (add_addr(sk, idx, AF_INET, a, errbuf) < 0)
		goto out;
	snprintf(a, sizeof a, "%s/64", lab->addr6[h]);
	if (add_addr(sk, idx, AF_INET6, a, errbuf) < 0)
		goto out;
	rc = link_up(sk, lab->ifname, errbuf);
out:
	nl_socket_free(sk);
	return rc;
}

/* Run fn in host's namespace, and come back whatever it did. */
static int
in_ns(struct tv_lab *lab, enum tv_lab_host h, char *errbuf,
    int (*fn)(struct tv_lab *, enum tv_lab_host, const struct tv_lab_cfg *,
    char *), const struct tv_lab_cfg *cfg)
{
	int rc;

	if (tv_lab_enter(lab, h) < 0) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "tcpviz: lab: cannot enter the %s: %s",
		    host_name[h], strerror(errno));
		return -1;
	}
	rc = fn(lab, h, cfg, errbuf);
	if (tv_lab_leave(lab) < 0)
		abort();
	return rc;
}

static int
step_quiet(struct tv_lab *lab, enum tv_lab_host h,
    const struct tv_lab_cfg *cfg, char *errbuf)
{
	(void)lab;
	(void)cfg;
	quiet_sysctls(h == TV_LAB_WIRE);
	return lab_nft_quiet(errbuf);
}

static int
step_wire(struct tv_lab *lab, enum tv_lab_host h,
    const struct tv_lab_cfg *cfg, char *errbuf)
{
	(void)h;
	return build_wire(lab, cfg, errbuf);
}

static int
step_host(struct tv_lab *lab, enum tv_lab_host h,
    const struct tv_lab_cfg *cfg, char *errbuf)
{
	(void)cfg;
	return build_host(lab, h, errbuf);
}

/* Wait for the host's eth0, or the wire's two ports. */
static int
step_wait(struct tv_lab *lab, enum tv_lab_host h,
    const struct tv_lab_cfg *cfg, char *errbuf)
{
	struct nl_sock *sk;
	int rc;

	(void)cfg;
	if ((sk = nl_open(errbuf)) == NULL)
		return -1;
	if (h == TV_LAB_WIRE)
		rc = wait_ready(sk, port_name[TV_LAB_CLIENT], 1, errbuf) < 0 ||
		    wait_ready(sk, port_name[TV_LAB_SERVER], 1, errbuf) < 0 ? -1 : 0;
	else
		rc = wait_ready(sk, lab->ifname, 0, errbuf);
	nl_socket_free(sk);
	return rc;
}

static void
lab_init(struct tv_lab *lab)
{
	memset(lab, 0, sizeof *lab);
	lab->ns[0] = lab->ns[1] = lab->ns[2] = lab->home = -1;
	lab->addr[TV_LAB_CLIENT] = TV_LAB_CLIENT_ADDR;
	lab->addr[TV_LAB_SERVER] = TV_LAB_SERVER_ADDR;
	lab->addr6[TV_LAB_CLIENT] = TV_LAB_CLIENT_ADDR6;
	lab->addr6[TV_LAB_SERVER] = TV_LAB_SERVER_ADDR6;
	lab->ifname = "eth0";
}

static int
needs_netem(const struct tv_lab_cfg *cfg, char *errbuf)
{
	const char *opt = NULL;
	int d;

	for (d = 0; d < 2; d++) {
		if (cfg->dir[d].reorder_pct > 0)
			opt = "--reorder";
		else if (cfg->dir[d].delay_ms || cfg->dir[d].jitter_ms)
			opt = "--delay";
	}
	if (opt == NULL || tv_lab_have_netem())
		return 0;
	snprintf(errbuf, TV_ERRBUF_SIZE, "tcpviz: %s needs the kernel's netem "
	    "(sch_netem, CONFIG_NET_SCH_NETEM), which this kernel does not have",
	    opt);
	return -1;
}

int
tv_lab_up(struct tv_lab *lab, const struct tv_lab_cfg *cfg, char *errbuf)
{
	static const struct tv_lab_cfg none;
	int h;

	lab_init(lab);
	if (cfg == NULL)
		cfg = &none;
	if (geteuid() != 0) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "tcpviz: the lab needs root "
		    "(network namespaces, CAP_NET_ADMIN): run it with sudo");
		return -1;
	}
	if (needs_netem(cfg, errbuf) < 0)
		return -1;
	if ((lab->home = self_ns()) < 0) {
		snprintf(errbuf, TV_ERRBUF_SIZE, "tcpviz: lab: /proc/thread-self/ns/net: %s",
		    strerror(errno));
		return -1;
	}
	for (h = 0; h < 3; h++)
		if ((lab->ns[h] = new_ns(lab->home)) < 0) {
			snprintf(errbuf, TV_ERRBUF_SIZE, "tcpviz: the lab needs root "
			    "(network namespaces, CAP_NET_ADMIN): run it with sudo"
			    " (unshare: %s)", strerror(errno));
			goto fail;
		}
	lab->up = 1;
	for (h = 0; h < 3; h++)
		if (in_ns(lab, h, errbuf, step_quiet, cfg) < 0)
			goto fail;
	if (in_ns(lab, TV_LAB_WIRE, errbuf, step_wire, cfg) < 0 ||
	    in_ns(lab, TV_LAB_CLIENT, errbuf, step_host, cfg) < 0 ||
	    in_ns(lab, TV_LAB_SERVER, errbuf, step_host, cfg) < 0)
		goto fail;
	for (h = 0; h < 3; h++)
		if (in_ns(lab, h, errbuf, step_wait, cfg) < 0)
			goto fail;
	if (tv_lab_plain_frames(lab, errbuf) < 0)
		goto fail;
	return 0;
fail:
	tv_lab_down(lab);
	return -1;
}

/* ---- what runs in it ---- */

struct tv_cap *
tv_lab_capture(struct tv_lab *lab, enum tv_lab_host host,
    const struct tv_live_opts *lo, const char *filter, int *err, char *errbuf)
{
	struct tv_live_opts o;
	struct tv_cap *cap;

	if (lo != NULL)
		o = *lo;
	else
		memset(&o, 0, sizeof o);

	o.iface = lab->ifname;
	if (tv_lab_enter(lab, host) < 0) {
		*err = TV_CAP_EOTHER;
		snprintf(errbuf, TV_ERRBUF_SIZE, "cannot enter the lab's %s: %s",
		    host <= TV_LAB_WIRE ? host_name[host] : "?", strerror(errno));
		return NULL;
	}
	cap = tv_cap_open_live(&o, filter, err, errbuf);
	if (tv_lab_leave(lab) < 0)
		abort();
	return cap;
}

/*
 * What the child needs, made before fork(): after it, in a threaded
 * program, only async-signal-safe calls (no getpwuid, no malloc).
 */
struct spawn {
	gid_t groups[64];
	int ngroups;		/* -1: stay root */
	char **envp;
};

static int
spawn_prepare(struct spawn *sp, char *const env[], uid_t uid, gid_t gid)
{
	extern char **environ;
	struct passwd *pw;
	size_t n = 0, k = 0, i;

	sp->ngroups = -1;
	if (uid != 0 || gid != 0) {
		sp->ngroups = 64;
		pw = getpwuid(uid);
		if (pw == NULL || getgrouplist(pw->pw_name, gid, sp->groups,
		    &sp->ngroups) < 0) {
			sp->groups[0] = gid;
			sp->ngroups = 1;
		}
	}
	while (environ != NULL && environ[n] != NULL)
		n++;
	while (env != NULL && env[k] != NULL)
		k++;
	if ((sp->envp = calloc(n + k + 1, sizeof *sp->envp)) == NULL)
		return -1;
	/* the added ones first: getenv() finds the first of a name */
	for (i = 0; i < k; i++)
		sp->envp[i] = env[i];
	for (i = 0; i < n; i++)
		sp->envp[k + i] = environ[i];
	return 0;
}

static void __attribute__((noreturn))
child(struct tv_lab *lab, enum tv_lab_host host, char *const argv[],
    const struct spawn *sp, uid_t uid, gid_t gid, pid_t parent, int fd)
{
	int e;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(127);
	if (tv_lab_enter(lab, host) < 0)
		goto fail;
	if (lab->pass_fd > 2 && fcntl(lab->pass_fd, F_SETFD, 0) < 0)
		goto fail;
	if (lab->quiet_kids) {		/* the demo: the ladder says what they did */
		int null = open("/dev/null", O_WRONLY);

		if (null < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
			goto fail;
		close(null);
	}
	if (sp->ngroups >= 0 && (setgroups((size_t)sp->ngroups, sp->groups) < 0 ||
	    setgid(gid) < 0 || setuid(uid) < 0))
		goto fail;
	execvpe(argv[0], argv, sp->envp);
fail:
	e = errno;
	if (write(fd, &e, sizeof e) < 0)
		_exit(127);
	_exit(127);
}

static pid_t
spawn_fail(const char *prog, const char *why, char *errbuf)
{
	snprintf(errbuf, TV_ERRBUF_SIZE, "tcpviz: cannot run %s: %s", prog, why);
	return -1;
}

/*
 * The child dies with the thread that forked it (PR_SET_PDEATHSIG is
 * the parent thread's): call this from a thread that lives as long as
 * the lab.  Its exec failing is told through a close-on-exec pipe.
 */
pid_t
tv_lab_spawn(struct tv_lab *lab, enum tv_lab_host host,
    char *const argv[], char *const env[], uid_t uid, gid_t gid,
    char *errbuf)
{
	pid_t pid, parent = getpid();
	struct spawn sp;
	int p[2], e = 0;
	ssize_t n;

	if (!lab->up || host > TV_LAB_WIRE)
		return spawn_fail(argv[0], "the lab is not up", errbuf);
	if (lab->nkids >= (int)(sizeof lab->kids / sizeof lab->kids[0]))
		return spawn_fail(argv[0], "too many programs in the lab", errbuf);
	if (spawn_prepare(&sp, env, uid, gid) < 0)
		return spawn_fail(argv[0], strerror(errno), errbuf);
	if (pipe2(p, O_CLOEXEC) < 0) {
		free(sp.envp);
		return spawn_fail(argv[0], strerror(errno), errbuf);
	}
	if ((pid = fork()) == 0) {
		close(p[0]);
		child(lab, host, argv, &sp, uid, gid, parent, p[1]);
	}
	e = errno;
	close(p[1]);
	free(sp.envp);
	if (pid < 0) {
		close(p[0]);
		return spawn_fail(argv[0], strerror(e), errbuf);
	}
	while ((n = read(p[0], &e, sizeof e)) < 0 && errno == EINTR)
		;
	close(p[0]);
	if (n > 0) {
		waitpid(pid, NULL, 0);
		return spawn_fail(argv[0], strerror(e), errbuf);
	}
	lab->kids[lab->nkids++] = pid;
	return pid;
}

int
tv_lab_reap(struct tv_lab *lab, pid_t pid, int *status)
{
	int i, st;

	for (i = 0; i < lab->nkids && lab->kids[i] != pid; i++)
		;
	if (i == lab->nkids || waitpid(pid, &st, WNOHANG) != pid)
		return 0;
	lab->kids[i] = lab->kids[--lab->nkids];	/* never signalled again */
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return 1;
}

/* ---- taking it down ---- */

static int
all_gone(struct tv_lab *lab)
{
	int i, j = 0;

	for (i = 0; i < lab->nkids; i++)
		if (waitpid(lab->kids[i], NULL, WNOHANG) == 0)
			lab->kids[j++] = lab->kids[i];
	lab->nkids = j;
	return j == 0;
}

/*
 * Whatever still runs in the lab's namespaces once its programs are gone
 * (what a program put in the background, a daemon it started): no one
 * else can be there (the namespaces are this process's own), and nothing
 * of the lab may outlive it, so each is killed.  Returns how many.
 */
static int
end_stragglers(const struct tv_lab *lab)
{
	struct stat ns[3], st;
	struct dirent *e;
	char path[64];
	DIR *d;
	int h, n = 0;
	long pid;

	for (h = 0; h < 3; h++)
		if (lab->ns[h] < 0 || fstat(lab->ns[h], &ns[h]) < 0)
			ns[h].st_ino = 0;
	if ((d = opendir("/proc")) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if ((pid = strtol(e->d_name, NULL, 10)) <= 1 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
		if (stat(path, &st) < 0)
			continue;
		for (h = 0; h < 3; h++)
			if (ns[h].st_ino != 0 && st.st_ino == ns[h].st_ino &&
			    st.st_dev == ns[h].st_dev && kill((pid_t)pid, SIGKILL) == 0)
				n++;
	}
	closedir(d);
	return n;
}

static void
end_kids(struct tv_lab *lab)
{
	struct timespec nap = { 0, 10 * 1000000 };
	int i, t;

	for (i = 0; i < lab->nkids; i++)
		kill(lab->kids[i], SIGTERM);
	for (t = 0; t < 50 && !all_gone(lab); t++)
		nanosleep(&nap, NULL);
	for (i = 0; i < lab->nkids; i++) {
		kill(lab->kids[i], SIGKILL);
		waitpid(lab->kids[i], NULL, 0);
	}
	lab->nkids = 0;
	end_stragglers(lab);
}

void
tv_lab_down(struct tv_lab *lab)
{
	int h;

	if (lab->ifname == NULL)	/* never given to tv_lab_up() */
		return;
	end_kids(lab);
	for (h = 0; h < 3; h++) {
		if (lab->ns[h] >= 0)
			close(lab->ns[h]);
		lab->ns[h] = -1;
	}
	if (lab->home >= 0)
		close(lab->home);
	lab->home = -1;
	lab->up = 0;
}

/* ---- what this kernel can do ---- */

static int
probe_netem(void)
{
	struct rtnl_qdisc *q;
	struct nl_sock *sk;
	int home = self_ns(), ns, ok = 0;

	if (home < 0 || (ns = new_ns(home)) < 0) {
		if (home >= 0)
			close(home);
		return -1;
	}
	if (setns(ns, CLONE_NEWNET) == 0 && (sk = nl_socket_alloc()) != NULL) {
		if (nl_connect(sk, NETLINK_ROUTE) == 0 &&
		    (q = qdisc_new(link_index(sk, "lo"), TC_H_ROOT,
		    TC_HANDLE(1, 0), "netem")) != NULL) {
			ok = rtnl_qdisc_add(sk, q, NLM_F_CREATE) == 0;
			rtnl_qdisc_put(q);
		}
		nl_socket_free(sk);
	}
	if (setns(home, CLONE_NEWNET) < 0)
		abort();
	close(ns);
	close(home);
	return ok;
}

/* Asked of the kernel: a netem qdisc on lo in a namespace of its own,
 * thrown away after (needs root: without it the answer is 0). */
int
tv_lab_have_netem(void)
{
	static int known = -1;

	if (known < 0)
		known = probe_netem();
	return known > 0;
}
