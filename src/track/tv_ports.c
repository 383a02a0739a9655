/* \summary: Zeek's likely server ports, and its flip of the originator when no SYN was seen */
#include <stddef.h>
#include <string.h>

#include "tv_flow.h"

/*
 * Zeek's likely_server_ports (scripts/base/init-bare.zeek declares the
 * set; each protocol script of scripts/base/protocols/ adds its analyzer's
 * well-known ports with `redef likely_server_ports += { ports }`).  This is
 * tcpviz's fixed copy of the ports Zeek's default (base) analyzers add, by
 * script; docs/outcomes.md lists the same.  Sorted, for the search.
 */
static const uint16_t tcp_ports[] = {
	21,	/* ftp */
	22,	/* ssh */
	25,	/* smtp */
	53,	/* dns */
	79,	/* finger */
	80, 81,	/* http */
	88,	/* krb */
	135,	/* dce-rpc */
	139,	/* smb */
	143,	/* imap */
	389,	/* ldap */
	443,	/* ssl */
	445,	/* smb */
	502,	/* modbus */
	563, 585,	/* ssl */
	587,	/* smtp */
	614,	/* ssl */
	631,	/* http */
	636, 989, 990, 992, 993, 995,	/* ssl */
	1080,	/* http, socks */
	1883,	/* mqtt */
	2811,	/* ftp */
	3128,	/* http */
	3268,	/* ldap */
	3306,	/* mysql */
	3389,	/* rdp */
	5222,	/* xmpp */
	5223,	/* ssl */
	5269,	/* xmpp */
	5432,	/* postgresql */
	6379,	/* redis */
	6666, 6667, 6668, 6669,	/* irc */
	8000, 8080, 8888,	/* http */
	20000,	/* dnp3 */
};

static const uint16_t udp_ports[] = {
	53,	/* dns */
	67,	/* dhcp */
	88,	/* krb */
	123,	/* ntp */
	137,	/* dns (NetBIOS names) */
	161, 162,	/* snmp */
	389,	/* ldap */
	443,	/* ssl (DTLS) */
	514,	/* syslog */
	1812,	/* radius */
	5060,	/* sip */
	5353, 5355,	/* dns (mDNS, LLMNR) */
	20000,	/* dnp3 */
};

static int
in_list(const uint16_t *l, size_t n, uint16_t port)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l[mid] == port)
			return 1;
		if (l[mid] < port)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int
tv_likely_server_port(uint8_t proto, uint16_t port)
{
	if (proto == 6)
		return in_list(tcp_ports, sizeof(tcp_ports) / sizeof(tcp_ports[0]),
		    port);
	if (proto == 17)
		return in_list(udp_ports, sizeof(udp_ports) / sizeof(udp_ports[0]),
		    port);
	return 0;
}

/*
 * Zeek's rule (its analyzers' WantConnection(), then IPBasedAnalyzer::
 * NewConn(), which calls Connection::FlipRoles() and that writes '^'):
 * TCP whose first segment has no SYN (src/packet_analysis/protocol/tcp/
 * TCP.cc): flip when the source port is a likely server port and the
 * destination port is not; when both are, flip only when the source port
 * is the lower.  UDP (udp/UDP.cc): flip when the source port is one and
 * the destination port is not.  Never toward a broadcast address
 * (IPAddr::IsBroadcast(): IPv4 255.255.255.255).  A first SYN or SYN-ACK
 * is not judged here: the SYN's sender is the client, a SYN-ACK's
 * receiver (tv_flow.c's conn_new()).
 */
int
tv_flow_port_flip(const struct tv_pkt *pkt)
{
	static const uint8_t bcast[4] = { 255, 255, 255, 255 };
	int src, dst;

	if (pkt->proto == 6 && (pkt->flags & TV_TH_SYN))
		return 0;
	if (pkt->proto != 6 && pkt->proto != 17)
		return 0;
	if (pkt->dst.family == 4 && memcmp(pkt->dst.a, bcast, 4) == 0)
		return 0;
	src = tv_likely_server_port(pkt->proto, pkt->sport);
	dst = tv_likely_server_port(pkt->proto, pkt->dport);
	if (!src)
		return 0;
	if (!dst)
		return 1;
	return pkt->proto == 6 && pkt->sport < pkt->dport;
}
