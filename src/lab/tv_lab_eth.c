/* \summary: the lab's interfaces send and take frames one MTU each: no TSO, GSO or GRO (SIOCETHTOOL) */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "tv_lab.h"

/*
 * A veth offloads segmentation: the sender's capture would see one frame
 * of up to 64 KiB where the wire of a real network carries forty-five,
 * and a loss rule would drop them all at once.  With TSO and GSO off the
 * kernel cuts segments to the MTU before the capture sees them, and with
 * GRO off the receiving end does not glue them back together.
 */
static int
feature_off(int fd, const char *ifname, unsigned cmd)
{
	struct ethtool_value ev = { .cmd = cmd, .data = 0 };
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ev;
	return ioctl(fd, SIOCETHTOOL, &ifr);
}

/* In the calling thread's namespace: 0, or -1 with errno. */
static int
plain(const char *ifname)
{
	static const unsigned cmds[] = { ETHTOOL_STSO, ETHTOOL_SGSO, ETHTOOL_SGRO };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), e = 0;
	unsigned i;

	if (fd < 0)
		return -1;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (feature_off(fd, ifname, cmds[i]) < 0 && e == 0)
			e = errno;
	close(fd);
	errno = e;
	return e ? -1 : 0;
}

int
tv_lab_plain_frames(const struct tv_lab *lab, char *errbuf)
{
	static const struct { enum tv_lab_host h; const char *ifn; } ifs[] = {
		{ TV_LAB_CLIENT, "eth0" }, { TV_LAB_SERVER, "eth0" },
		{ TV_LAB_WIRE, "c0" }, { TV_LAB_WIRE, "s0" },
	};
	unsigned i;
	int r = 0;

	for (i = 0; i < sizeof(ifs) / sizeof(ifs[0]) && r == 0; i++) {
		if (tv_lab_enter(lab, ifs[i].h) < 0) {
			r = -1;
			break;
		}
		r = plain(ifs[i].ifn);
		if (r < 0)
			snprintf(errbuf, TV_ERRBUF_SIZE, "tcpviz: the lab: turning "
			    "segmentation offload off on %s: %s", ifs[i].ifn,
			    strerror(errno));
		tv_lab_leave(lab);
	}
	return r;
}
