#!/usr/bin/env bash
# record-frag.sh - records captures/ip-frag.pcap: real IPv4 and IPv6 fragments between two network namespaces.
#
# Usage: sudo captures/record-frag.sh      (needs unshare, nsenter, ip, tcpdump, python3)
#
# The script re-executes itself under `unshare -n` (namespace A); a second
# namespace B is a `unshare -n sleep` child.  A veth pair with MTU 1280
# joins them (198.51.100.1/24 and fd99::1/64 in A, .2 and ::2 in B).  With
# tcpdump on A's end it sends from A a 4000-byte UDP datagram to B's
# echo server on port 9999, over IPv4 and IPv6 (B echoes it back, again
# fragmented), then an ICMP echo request of 3000 data bytes each way (B's
# kernel answers, fragmented).  No named namespace is made, nothing of the
# host is touched, every wait is bounded; both namespaces go with their
# processes.
set -eu

DIR=$(cd "$(dirname "$0")" && pwd)
SELF="$DIR/$(basename "$0")"
OUT="$DIR/ip-frag.pcap"

if [ -z "${TCPVIZ_FRAG_CHILD:-}" ]; then
    exec unshare -n env TCPVIZ_FRAG_CHILD=1 bash "$SELF" "$@"
fi

TMP=$(mktemp -d)
B_PID=
TD_PID=
SRV_PID=
cleanup() {
    [ -n "$TD_PID" ] && kill -INT "$TD_PID" 2>/dev/null || true
    [ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null || true
    [ -n "$B_PID" ] && kill "$B_PID" 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT

ip link set lo up
unshare -n sleep 60 &
B_PID=$!
sleep 0.2
inb() { nsenter -t "$B_PID" -n "$@"; }

ip link add va mtu 1280 type veth peer name vb mtu 1280
ip link set vb netns "$B_PID"
ip addr add 198.51.100.1/24 dev va
ip -6 addr add fd99::1/64 dev va nodad
ip link set va up
inb ip link set lo up
inb ip addr add 198.51.100.2/24 dev vb
inb ip -6 addr add fd99::2/64 dev vb nodad
inb ip link set vb up
sleep 0.5

# B: echo every UDP datagram back, IPv4 and IPv6, for at most 20 s
inb python3 -c '
import select, socket, sys, time
s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s4.bind(("198.51.100.2", 9999))
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s6.bind(("fd99::2", 9999))
end = time.time() + 20
while time.time() < end:
    r, _, _ = select.select([s4, s6], [], [], 0.5)
    for s in r:
        d, a = s.recvfrom(65535)
        s.sendto(d, a)
' &
SRV_PID=$!

tcpdump -U --immediate-mode -i va -w "$TMP/f.pcap" 'ip or ip6' 2>"$TMP/td.err" &
TD_PID=$!
for i in $(seq 1 100); do
    grep -q "listening on" "$TMP/td.err" && break
    sleep 0.1
done
sleep 0.5

python3 -c '
import os, socket, struct
def udp(fam, addr):
    s = socket.socket(fam, socket.SOCK_DGRAM); s.settimeout(5)
    s.bind((addr[0].replace("2", "1", 1) if fam == socket.AF_INET else "fd99::1", 40000))
    s.sendto(bytes(i % 251 for i in range(4000)), addr)
    d, _ = s.recvfrom(65535)
    assert len(d) == 4000, len(d)
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def ping4():
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP); s.settimeout(5)
    data = bytes(i % 256 for i in range(3000))
    h = struct.pack("!BBHHH", 8, 0, 0, 0x1234, 1)
    s.sendto(struct.pack("!BBHHH", 8, 0, csum(h + data), 0x1234, 1) + data, ("198.51.100.2", 0))
    while True:
        d, _ = s.recvfrom(65535)
        if d[20] == 0: break
def ping6():
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6); s.settimeout(5)
    data = bytes(i % 256 for i in range(3000))
    s.sendto(struct.pack("!BBHHH", 128, 0, 0, 0x1234, 1) + data, ("fd99::2", 0))
    while True:
        d, _ = s.recvfrom(65535)
        if d[0] == 129: break
udp(socket.AF_INET, ("198.51.100.2", 9999))
udp(socket.AF_INET6, ("fd99::2", 9999))
ping4()
ping6()
'
sleep 0.5
kill -INT "$TD_PID"
for i in $(seq 1 50); do
    kill -0 "$TD_PID" 2>/dev/null || break
    sleep 0.1
done
TD_PID=
grep -q "^0 packets dropped by kernel" "$TMP/td.err" || { cat "$TMP/td.err" >&2; exit 1; }
cp "$TMP/f.pcap" "$OUT"
echo "record-frag.sh: wrote $OUT"
