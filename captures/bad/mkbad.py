#!/usr/bin/env python3
"""captures/bad/mkbad.py: write the small malformed captures in captures/bad/ (struct only, deterministic)."""
# Built from scratch, not from a recording, so re-recording the captures
# never changes them.  Addresses: 192.0.2.0/24 and 2001:db8::/32
# (documentation ranges) only.  The four older files (not-a-capture,
# header-trunc, linktype-80211, record-trunc) are not written here.
# Usage: python3 captures/bad/mkbad.py   (then review the goldens)
import os
import sys
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from pktsum import csum, pseudo  # noqa: E402
TS = 1700000000          # 2023-11-14 22:13:20 UTC
A4, B4 = bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])
A6 = bytes.fromhex("20010db8000000000000000000000001")
B6 = bytes.fromhex("20010db8000000000000000000000002")
MAC_A, MAC_B = bytes.fromhex("020000000001"), bytes.fromhex("020000000002")
SYN, ACK = 0x02, 0x10
SYN_OPTS = bytes([2, 4, 0x05, 0xb4, 1, 3, 3, 7, 4, 2, 0, 0])   # mss 1460, nop, wscale 7, sackOK, eol


def l4sum(seg, off, src, dst, proto):
    """Fill the checksum at seg[off:off+2] over the bytes present."""
    seg = bytearray(seg)
    seg[off:off + 2] = struct.pack("!H", csum(pseudo(src, dst, proto, len(seg)) + bytes(seg)))
    return bytes(seg)


def tcp(src, dst, flags, opts=b"", payload=b"", sport=40000, dport=80,
        seq=1000, ack=0, doff=None):
    if doff is None:
        doff = 5 + len(opts) // 4
    h = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4, flags,
                    65535, 0, 0)
    return l4sum(h + opts + payload, 16, src, dst, 6)


def udp(src, dst, payload, sport=40000, dport=53, length=None):
    if length is None:
        length = 8 + len(payload)
    return l4sum(struct.pack("!HHHH", sport, dport, length, 0) + payload, 6,
                 src, dst, 17)


def ipv4(payload, proto, src=A4, dst=B4, ihl=5, totlen=None, ident=1):
    if totlen is None:
        totlen = 20 + len(payload)
    h = bytearray(struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, totlen, ident,
                              0x4000, 64, proto, 0, src, dst))
    h[10:12] = struct.pack("!H", csum(bytes(h)))
    return bytes(h) + payload


def ipv6(payload, nh, src=A6, dst=B6, plen=None):
    if plen is None:
        plen = len(payload)
    return struct.pack("!IHBB16s16s", 0x60000000, plen, nh, 64, src, dst) + payload


def eth(payload, etype=0x0800, dst=MAC_B, src=MAC_A):
    frame = dst + src + struct.pack("!H", etype) + payload
    return frame + b"\0" * max(0, 60 - len(frame))     # minimum frame, no FCS


def syn4(**kw):
    return eth(ipv4(tcp(A4, B4, SYN, SYN_OPTS, **kw), 6))


def pcap(records, snaplen=65535, link=1):
    """Classic little-endian microsecond pcap.  A record is bytes, or
    (bytes, caplen, wirelen[, usec[, sec]]) to write lying header fields
    or other times (the seconds field is unsigned 32-bit)."""
    out = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, snaplen, link)
    for i, r in enumerate(records):
        if not isinstance(r, tuple):
            r = (r, len(r), len(r))
        data, caplen, wirelen = r[:3]
        usec = r[3] if len(r) > 3 else i * 1000
        sec = r[4] if len(r) > 4 else TS
        out += struct.pack("<IIII", sec, usec, caplen, wirelen) + data
    return out


def pcapng(records, link=1, idb_opts=b""):
    """Little-endian pcapng: SHB, one IDB (microseconds unless idb_opts
    says otherwise), one EPB per (bytes, timestamp in the IDB's units)."""
    def block(btype, body):
        n = 12 + len(body)
        return struct.pack("<II", btype, n) + body + struct.pack("<I", n)
    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += block(1, struct.pack("<HHI", link, 0, 0) + idb_opts)
    for data, ts in records:
        pad = b"\0" * (-len(data) % 4)
        out += block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xffffffff,
                                    len(data), len(data)) + data + pad)
    return out


def ext_chain(n, last_nh):
    """n 8-byte IPv6 extension headers, hop-by-hop and destination options
    in turn, the last one naming last_nh as the next header."""
    kinds = [0 if i % 2 == 0 else 60 for i in range(n)]
    out = b""
    for i in range(n):
        nh = kinds[i + 1] if i + 1 < n else last_nh
        out += bytes([nh, 0, 1, 4, 0, 0, 0, 0])     # PadN option fills the 6 bytes
    return kinds[0], out


def icmp_echo(kind, ident, seq, data):
    m = bytearray(struct.pack("!BBHHH", kind, 0, 0, ident, seq) + data)
    m[2:4] = struct.pack("!H", csum(bytes(m)))
    return bytes(m)


def icmp6_echo(kind, src, dst, ident, seq, data):
    m = struct.pack("!BBHHH", kind, 0, 0, ident, seq) + data
    return l4sum(m, 2, src, dst, 58)


def arp_request():
    body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, MAC_A, A4,
                       b"\0" * 6, B4)
    return eth(body, 0x0806, dst=b"\xff" * 6)


def stp_llc():
    # 802.3 length field, LLC DSAP/SSAP 0x42 (spanning tree), UI; a
    # configuration BPDU (protocol 0, version 0, type 0)
    bpdu = struct.pack("!HBBB8sI8sHHHHH", 0, 0, 0, 0,
                       bytes.fromhex("8000020000000001"), 0,
                       bytes.fromhex("8000020000000001"), 0x8001,
                       0, 20 * 256, 2 * 256, 15 * 256)
    llc = bytes([0x42, 0x42, 0x03]) + bpdu
    return eth(llc, len(llc), dst=bytes.fromhex("0180c2000000"))


def handshake4(sport=40000):
    """A three-way handshake 192.0.2.1:sport -> 192.0.2.2:80: SYN, SYN-ACK, ACK."""
    syn = syn4(sport=sport)
    synack = eth(ipv4(tcp(B4, A4, SYN | ACK, SYN_OPTS, sport=80, dport=sport,
                          seq=5000, ack=1001), 6, src=B4, dst=A4),
                 dst=MAC_A, src=MAC_B)
    ack = eth(ipv4(tcp(A4, B4, ACK, seq=1001, ack=5001, sport=sport), 6, ident=2))
    return [syn, synack, ack]


def timed(frames, times):
    """Classic pcap records of frames at (sec, usec) times."""
    return [(d, len(d), len(d), us, s) for d, (s, us) in zip(frames, times)]


def gre_in_ipv4():
    inner = ipv4(tcp(A4, B4, SYN, SYN_OPTS), 6, ident=2)
    return eth(ipv4(struct.pack("!HH", 0, 0x0800) + inner, 47))


def files():
    f = {}
    syn = syn4()
    # A record claims more bytes than the file's snapshot length allows.
    f["caplen-over-snaplen.pcap"] = pcap([syn], snaplen=54)
    # A record header with caplen 0xffffffff after one good SYN.
    f["caplen-huge.pcap"] = pcap([syn, (syn, 0xffffffff, len(syn))])
    # IPv4 header length field 4 (16 bytes).
    f["ip-hlen-short.pcap"] = pcap([eth(ipv4(tcp(A4, B4, SYN, SYN_OPTS), 6, ihl=4))])
    # IPv4 total length 1500 in a 74-byte frame that was whole on the wire.
    f["ip-totlen-long.pcap"] = pcap([eth(ipv4(tcp(A4, B4, SYN, SYN_OPTS), 6, totlen=1500))])
    # TCP data offset 4 (16 bytes) and 15 (60 bytes) in a 20-byte segment.
    f["tcp-doff-short.pcap"] = pcap([eth(ipv4(tcp(A4, B4, SYN, doff=4), 6))])
    f["tcp-doff-long.pcap"] = pcap([eth(ipv4(tcp(A4, B4, SYN, doff=15), 6))])
    # TCP options: an MSS option of length 0, of length 1, and one whose
    # length runs past the end of the header.
    f["tcp-optlen-0.pcap"] = pcap([eth(ipv4(tcp(A4, B4, SYN, bytes([2, 0, 0, 0])), 6))])
    f["tcp-optlen-1.pcap"] = pcap([eth(ipv4(tcp(A4, B4, SYN, bytes([2, 1, 0, 0])), 6))])
    f["tcp-optlen-over.pcap"] = pcap([eth(ipv4(tcp(A4, B4, SYN, bytes([1, 1, 2, 40])), 6))])
    # 40 IPv6 extension headers, the last pointing at yet another.
    nh, chain = ext_chain(40, 60)
    f["ipv6-ext-loop.pcap"] = pcap([eth(ipv6(chain, nh), 0x86dd)])
    # UDP length field 0 on a datagram with 5 bytes of payload.
    f["udp-len-0.pcap"] = pcap([eth(ipv4(udp(A4, B4, b"hello", length=0), 17))])
    # Well-formed packets tcpviz does not draw.
    f["proto-arp.pcap"] = pcap([arp_request()])
    f["proto-icmp.pcap"] = pcap([
        eth(ipv4(icmp_echo(8, 0x7476, 1, b"tcpviz"), 1)),
        eth(ipv4(icmp_echo(0, 0x7476, 1, b"tcpviz"), 1, src=B4, dst=A4), dst=MAC_A, src=MAC_B)])
    f["proto-icmp6.pcap"] = pcap([
        eth(ipv6(icmp6_echo(128, A6, B6, 0x7476, 1, b"tcpviz"), 58), 0x86dd),
        eth(ipv6(icmp6_echo(129, B6, A6, 0x7476, 1, b"tcpviz"), 58, src=B6, dst=A6),
            0x86dd, dst=MAC_A, src=MAC_B)])
    f["proto-gre.pcap"] = pcap([gre_in_ipv4()])
    f["proto-llc.pcap"] = pcap([stp_llc()])
    # Timestamps (found reading the code, then checked under -fsanitize):
    # pcapng times are 64-bit and seconds * 10^9 overflowed int64 ...
    f["ts-huge-ovf.pcapng"] = pcapng([(syn, TS * 1000000),
                                      (syn4(seq=2000), 0xffffffffffffffff)])
    # ... and a classic pcap's microsecond field is a signed 32-bit number
    # that may be negative (here -1) or a second or more (2500000).
    ack = eth(ipv4(tcp(A4, B4, ACK, seq=1001, ack=1), 6))
    f["ts-usec-range.pcap"] = pcap([(syn, len(syn), len(syn), 0xffffffff),
                                    (ack, len(ack), len(ack), 2500000)])
    # pcapng interface options, read by tcpviz itself for the timestamp
    # digits: if_tsresol 9 with nanosecond times (drawn with 9 digits) ...
    tsresol9 = struct.pack("<HHB3x", 9, 1, 9) + struct.pack("<HH", 0, 0)
    f["pcapng-tsresol-ns.pcapng"] = pcapng(
        [(syn, TS * 10**9 + 123456789), (ack, TS * 10**9 + 123987654)],
        idb_opts=tsresol9)
    # ... an option whose length runs past its block, and an interface
    # block cut off at the end of the file
    f["pcapng-tsresol-over.pcapng"] = pcapng(
        [(syn, TS * 1000000)], idb_opts=struct.pack("<HHB3x", 9, 200, 9))
    f["pcapng-idb-trunc.pcapng"] = pcapng([(syn, TS * 1000000)],
                                          idb_opts=tsresol9)[:40]
    # Times past 2038 (well formed): a classic pcap's seconds field is
    # unsigned 32-bit, so a handshake across 2^31 s (2038-01-19 03:14:08
    # UTC) is 2 ms long, not minus 136 years ...
    hs = handshake4()
    f["ts-2038.pcap"] = pcap(timed(hs, [(2**31 - 1, 999000), (2**31, 500),
                                        (2**31, 1000)]))
    # ... one in the last seconds it can hold (2^32-1: 2106-02-07 06:28:15) ...
    f["ts-2106.pcap"] = pcap(timed(hs, [(2**32 - 2, 500000), (2**32 - 1, 250000),
                                        (2**32 - 1, 999999)]))
    # ... and pcapng's 64-bit times go on (nanoseconds): a handshake
    # across 2^32 s, 1 s and 2 s long, then one in 2200 (7258118400 s)
    t2106, t2200 = 2**32 * 10**9, 7258118400 * 10**9
    hs2 = handshake4(sport=40001)
    f["ts-2200.pcapng"] = pcapng([(hs2[0], t2106 - 500000000),
                                  (hs2[1], t2106 + 500000000),
                                  (hs2[2], t2106 + 1500000000),
                                  (hs[0], t2200 + 123456789),
                                  (hs[1], t2200 + 123469134),
                                  (hs[2], t2200 + 124000000)], idb_opts=tsresol9)
    return f


def main():
    for name, data in sorted(files().items()):
        with open(os.path.join(HERE, name), "wb") as fp:
            fp.write(data)
        print("wrote captures/bad/%s (%d bytes)" % (name, len(data)))


if __name__ == "__main__":
    main()
