#!/usr/bin/env python3
"""captures/mktunnel.py: write the tunnel and encapsulation captures (tunnel-*.pcap, bad/tunnel-*.pcap; struct only, deterministic)."""
# Usage: python3 captures/mktunnel.py   (then review the goldens)
#
# Each file holds one TCP connection (handshake with options, 5 bytes
# "hello" and 2 bytes "hi" each acknowledged, a three-way FIN close; 9
# packets), most also a UDP exchange ("ping" and "pong", 4 bytes each),
# inside one encapsulation.  Every address, inner and outer, is a
# documentation one (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24,
# 2001:db8::/32); MACs are locally administered.  Every IPv4 header, TCP
# and UDP checksum is right, inner and outer (outer UDP too).  Built from
# scratch, not from a recording: the shapes are those of RFC 2003, 4213,
# 2473 (IP-in-IP), 2784 and 2890 (GRE), 8086 (GRE-in-UDP), 7348 (VXLAN),
# 8926 (Geneve), 3GPP TS 29.281 (GTP-U), 4380 (Teredo), draft-foschiano-erspan (ERSPAN II
# and III), 3032 (MPLS), 2516 (PPPoE), 1661/1662 (PPP), 1042 (SNAP),
# IEEE 802.1AE (MACsec), IEEE 802.11 with radiotap; then FDDI (LLC/SNAP),
# IEEE 802.1ah (PBB), Cisco FabricPath (Wireshark's 16-byte header), 7761 (PIM register), draft-massar-v6ops-ayiya
# (AYIYA), libpcap's pcap/nflog.h (NFLOG), 4391 with the 40 bytes before
# it of LINKTYPE_IPOIB (IP over InfiniBand).
import os
import sys
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from pktsum import csum, pseudo  # noqa: E402
TS = 1700000000
# inner ends
C4, S4 = bytes([192, 0, 2, 10]), bytes([192, 0, 2, 20])
C6 = bytes.fromhex("20010db8000100000000000000000010")
S6 = bytes.fromhex("20010db8000100000000000000000020")
# tunnel endpoints
T4A, T4B = bytes([198, 51, 100, 1]), bytes([198, 51, 100, 2])
U4A, U4B = bytes([203, 0, 113, 1]), bytes([203, 0, 113, 2])
T6A = bytes.fromhex("20010db8ffff00000000000000000001")
T6B = bytes.fromhex("20010db8ffff00000000000000000002")
MAC_C, MAC_S = bytes.fromhex("020000000001"), bytes.fromhex("020000000002")
MAC_IC, MAC_IS = bytes.fromhex("02000000000a"), bytes.fromhex("020000000014")
FIN, SYN, PSH, ACK = 0x01, 0x02, 0x08, 0x10
SYN_OPTS = bytes([2, 4, 0x05, 0xb4, 1, 3, 3, 7, 4, 2, 0, 0])   # mss 1460, nop, wscale 7, sackOK, eol


def l4sum(seg, off, src, dst, proto):
    seg = bytearray(seg)
    c = csum(pseudo(src, dst, proto, len(seg)) + bytes(seg))
    if proto == 17 and c == 0:
        c = 0xffff
    seg[off:off + 2] = struct.pack("!H", c)
    return bytes(seg)


def tcp(src, dst, sport, dport, flags, seq, ack, payload=b"", opts=b""):
    h = struct.pack("!HHIIBBHHH", sport, dport, seq, ack,
                    (5 + len(opts) // 4) << 4, flags, 64240, 0, 0)
    return l4sum(h + opts + payload, 16, src, dst, 6)


def udp(src, dst, sport, dport, payload):
    h = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    return l4sum(h + payload, 6, src, dst, 17)


IDENT = [0x100]


def ipv4(src, dst, proto, payload, frag=0x4000):
    IDENT[0] += 1
    h = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload),
                              IDENT[0], frag, 64, proto, 0, src, dst))
    h[10:12] = struct.pack("!H", csum(bytes(h)))
    return bytes(h) + payload


def ipv6(src, dst, nh, payload):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nh, 64, src, dst) + payload


def ip(src, dst, proto, payload):
    return (ipv4 if len(src) == 4 else ipv6)(src, dst, proto, payload)


def eth(dst, src, etype, payload):
    return dst + src + struct.pack("!H", etype) + payload


def conversation(c, s, sport=40000, dport=80, udp_too=True):
    """[(from_client, inner IP packet)] of the TCP connection and the UDP exchange."""
    ci, si = 1000, 5000
    out = []

    def t(fc, flags, seq, ack, payload=b"", opts=b""):
        a, b = (c, s) if fc else (s, c)
        sp, dp = (sport, dport) if fc else (dport, sport)
        out.append((fc, ip(a, b, 6, tcp(a, b, sp, dp, flags, seq, ack, payload, opts))))

    t(1, SYN, ci, 0, opts=SYN_OPTS)
    t(0, SYN | ACK, si, ci + 1, opts=SYN_OPTS)
    t(1, ACK, ci + 1, si + 1)
    t(1, PSH | ACK, ci + 1, si + 1, b"hello")
    t(0, ACK, si + 1, ci + 6)
    t(0, PSH | ACK, si + 1, ci + 6, b"hi")
    t(1, ACK, ci + 6, si + 3)
    t(1, FIN | ACK, ci + 6, si + 3)
    t(0, FIN | ACK, si + 3, ci + 7)
    out.append((1, ip(c, s, 6, tcp(c, s, sport, dport, ACK, ci + 7, si + 4))))
    if udp_too:
        out.append((1, ip(c, s, 17, udp(c, s, 40001, 9997, b"ping"))))
        out.append((0, ip(s, c, 17, udp(s, c, 9997, 40001, b"pong"))))
    return out


def write(name, frames, link=1):
    """frames: link-layer bytes, or (bytes, wirelen); 100 us apart."""
    path = os.path.join(HERE, name)
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, link))
        for i, fr in enumerate(frames):
            data, wire = fr if isinstance(fr, tuple) else (fr, len(fr))
            f.write(struct.pack("<IIII", TS + i // 10000, (i % 10000) * 100,
                                len(data), wire))
            f.write(data)


def ether_ip(pkt, fc, a=MAC_C, b=MAC_S):
    et = 0x0800 if pkt[0] >> 4 == 4 else 0x86dd
    return eth(b, a, et, pkt) if fc else eth(a, b, et, pkt)


def outer(fc, a, b):
    return (a, b) if fc else (b, a)


# ---- IP in IP ----

def ipip(conv, oa, ob):
    fr = []
    for fc, p in conv:
        s, d = outer(fc, oa, ob)
        fr.append(ether_ip(ip(s, d, 4 if p[0] >> 4 == 4 else 41, p), fc))
    return fr


# ---- GRE (RFC 2784, 2890) ----

def gre(proto, payload, key=None, seq=None, cksum=False):
    flags = (0x80 if cksum else 0) | (0x20 if key is not None else 0) | \
        (0x10 if seq is not None else 0)
    h = struct.pack("!BBH", flags, 0, proto)
    opt = b""
    if cksum:
        opt += b"\0\0\0\0"
    if key is not None:
        opt += struct.pack("!I", key)
    if seq is not None:
        opt += struct.pack("!I", seq)
    b = bytearray(h + opt + payload)
    if cksum:
        b[4:6] = struct.pack("!H", csum(bytes(b)))
    return bytes(b)


def gre_frames(conv, oa, ob, key=None, seq=True, cksum=False):
    fr = []
    for i, (fc, p) in enumerate(conv):
        s, d = outer(fc, oa, ob)
        et = 0x0800 if p[0] >> 4 == 4 else 0x86dd
        g = gre(et, p, key=key, seq=i if seq else None, cksum=cksum)
        fr.append(ether_ip(ip(s, d, 47, g), fc))
    return fr


def inner_eth(fc, p):
    return ether_ip(p, fc, MAC_IC, MAC_IS)


def erspan_frames(conv, ver3):
    """A mirror session (id 5) from 198.51.100.1 to its collector .2: both
    directions of the inner connection sent the same way."""
    fr = []
    for i, (fc, p) in enumerate(conv):
        if ver3:
            # ver 2, vlan 0; cos 0, bso 0, t 0, session 5; timestamp; sgt 0;
            # p 0, ft 0, hw id 1, d 0, gra 3 (IEEE 1588), o 0
            h = struct.pack("!HHIHH", 2 << 12, 5, 1000 * i, 0, (1 << 4) | (3 << 1))
            g = gre(0x22eb, h + inner_eth(fc, p), seq=i)
        else:
            # ver 1, vlan 0; cos 0, en 3 (original frame untagged... as sent), t 0, session 5; index 0
            h = struct.pack("!HHI", 1 << 12, (3 << 11) | 5, 0)
            g = gre(0x88be, h + inner_eth(fc, p), seq=i)
        fr.append(eth(MAC_S, MAC_C, 0x0800, ip(T4A, T4B, 47, g)))
    return fr


# ---- UDP tunnels ----

def udp_tunnel(conv, oa, ob, dport, hdr, sport=50000):
    """hdr(i, fc, inner IP packet) -> the tunnel's UDP payload."""
    fr = []
    for i, (fc, p) in enumerate(conv):
        s, d = outer(fc, oa, ob)
        u = udp(s, d, sport + (i % 3), dport, hdr(i, fc, p))
        fr.append(ether_ip(ip(s, d, 17, u), fc))
    return fr


def vxlan(vni):
    return lambda i, fc, p: struct.pack("!BxxxI", 0x08, vni << 8) + inner_eth(fc, p)


def geneve(vni):
    # version 0, one 8-byte option (class 0x0103, type 0x80, 4 bytes of data)
    def h(i, fc, p):
        opt = struct.pack("!HBB", 0x0103, 0x80, 1) + b"\x00\x00\x00\x2a"
        return struct.pack("!BBHI", len(opt) // 4, 0, 0x6558, vni << 8) + opt + inner_eth(fc, p)
    return h


def gtpu(i, fc, p):
    # uplink TEID 0x1001 (client to server), downlink 0x2002; S set with a
    # sequence number, one PDU session container extension (type 0x85)
    teid = 0x1001 if fc else 0x2002
    ext = struct.pack("!BBBB", 1, 0x00 if fc else 0x10, 9, 0)   # len 1, PDU type, QFI 9, no next
    body = struct.pack("!HBB", i, 0, 0x85) + ext + p
    return struct.pack("!BBHI", 0x30 | 0x04 | 0x02, 255, len(body), teid) + body


def greudp(i, fc, p):
    return gre(0x0800 if p[0] >> 4 == 4 else 0x86dd, p, key=9)


# ---- link encapsulations ----

def mpls(labels, p):
    b = b""
    for k, lab in enumerate(labels):
        b += struct.pack("!I", lab << 12 | (1 << 8 if k == len(labels) - 1 else 0) | 64)
    return b + p


def pppoe(p, sid=0x1234):
    proto = 0x0021 if p[0] >> 4 == 4 else 0x0057
    return struct.pack("!BBHHH", 0x11, 0, sid, len(p) + 2, proto) + p


def snap(p):
    et = 0x0800 if p[0] >> 4 == 4 else 0x86dd
    body = b"\xaa\xaa\x03\x00\x00\x00" + struct.pack("!H", et) + p
    return body


def macsec(p, fc, pn, encrypted=False):
    et = 0x0800 if p[0] >> 4 == 4 else 0x86dd
    # TCI: V 0, ES 0, SC 1 (SCI present), SCB 0, E, C, AN 0
    tci = 0x20 | (0x0c if encrypted else 0)
    sci = (MAC_C if fc else MAC_S) + b"\x00\x01"
    data = struct.pack("!H", et) + p
    if encrypted:       # what an encrypted payload looks like: not the data
        data = bytes((b * 7 + 13) & 0xff for b in data)
    icv = bytes(range(16))
    return struct.pack("!BBI", tci, 0, pn) + sci + data + icv


def main():
    conv4 = conversation(C4, S4)
    conv6 = conversation(C6, S6)
    write("tunnel-4in4.pcap", ipip(conv4, T4A, T4B))
    write("tunnel-6in4.pcap", ipip(conv6, T4A, T4B))
    write("tunnel-4in6.pcap", ipip(conv4, T6A, T6B))
    write("tunnel-6in6.pcap", ipip(conv6, T6A, T6B))
    write("tunnel-gre.pcap", gre_frames(conv4, T4A, T4B, key=7, cksum=True))
    write("tunnel-gre6.pcap", gre_frames(conv6, T6A, T6B, seq=False))
    # the same inner 4-tuple three times: in GRE key 7, in GRE key 8 (the
    # same endpoints), and bare; interleaved packet by packet
    a = gre_frames(conversation(C4, S4, udp_too=False), T4A, T4B, key=7)
    b = gre_frames(conversation(C4, S4, udp_too=False), T4A, T4B, key=8)
    c = [ether_ip(p, fc) for fc, p in conversation(C4, S4, udp_too=False)]
    write("tunnel-gre-keys.pcap", [x for t in zip(a, b, c) for x in t])
    write("tunnel-erspan2.pcap", erspan_frames(conv4, False))
    write("tunnel-erspan3.pcap", erspan_frames(conv4, True))
    # VXLAN: VNI 42 and VNI 43 carry the same inner 4-tuple
    v42 = udp_tunnel(conversation(C4, S4), T4A, T4B, 4789, vxlan(42))
    v43 = udp_tunnel(conversation(C4, S4, udp_too=False), T4A, T4B, 4789, vxlan(43))
    write("tunnel-vxlan.pcap", [x for t in zip(v42, v43) for x in t] + v42[len(v43):])
    write("tunnel-geneve.pcap", udp_tunnel(conv6, T6A, T6B, 6081, geneve(7000)))
    write("tunnel-gtpu.pcap", udp_tunnel(conv4, T4A, T4B, 2152, gtpu, sport=2152))
    write("tunnel-greudp.pcap", udp_tunnel(conv4, T4A, T4B, 4754, greudp))
    # VXLAN inside GRE: two tunnels deep
    nested = []
    for i, (fc, p) in enumerate(conv4):
        s, d = outer(fc, U4A, U4B)
        inner = ip(s, d, 17, udp(s, d, 50000, 4789, vxlan(42)(i, fc, p)))
        s, d = outer(fc, T4A, T4B)
        nested.append(ether_ip(ip(s, d, 47, gre(0x0800, inner)), fc))
    write("tunnel-nested.pcap", nested)
    write("tunnel-mpls.pcap", [eth(*((MAC_S, MAC_C) if fc else (MAC_C, MAC_S)), 0x8847,
                                   mpls([100 if fc else 200, 16 + i], p))
                               for i, (fc, p) in enumerate(conv4 + conv6)])
    write("tunnel-pppoe.pcap", [eth(*((MAC_S, MAC_C) if fc else (MAC_C, MAC_S)), 0x8864,
                                    pppoe(p)) for fc, p in conv4 + conv6])
    # DLT_PPP: address and control, then the protocol; DLT_PPP_SERIAL
    # (HDLC framing): the same, its UDP in Cisco HDLC
    write("tunnel-ppp.pcap", [b"\xff\x03" + struct.pack("!H", 0x21 if p[0] >> 4 == 4 else 0x57) + p
                              for fc, p in conv4 + conv6], link=9)
    write("tunnel-ppp-serial.pcap",
          [(b"\xff\x03\x00\x21" if p[9] == 6 else b"\x0f\x00\x08\x00") + p
           for fc, p in conv4], link=50)
    write("tunnel-llc.pcap", [eth(*((MAC_S, MAC_C) if fc else (MAC_C, MAC_S)),
                                  len(snap(p)), snap(p)) for fc, p in conv4])
    # MACsec: the TCP connection integrity-only (readable), the UDP exchange encrypted
    ms = []
    for i, (fc, p) in enumerate(conv4):
        m = macsec(p, fc, i + 1, encrypted=p[9] == 17)
        ms.append(eth(*((MAC_S, MAC_C) if fc else (MAC_C, MAC_S)), 0x88e5, m))
    write("tunnel-macsec.pcap", ms)
    # 802.11 with radiotap (flags, rate, channel 2412 MHz, signal): QoS data
    # frames between a station (the client) and its access point, LLC/SNAP;
    # then a beacon, a null frame and a protected (CCMP) data frame
    bssid = bytes.fromhex("020000000099")
    rt = struct.pack("<BBHI", 0, 0, 15, (1 << 1) | (1 << 2) | (1 << 3) | (1 << 5)) + \
        struct.pack("<BBHHb", 0, 2, 2412, 0x00a0, -40)
    wf = []
    for i, (fc, p) in enumerate(conv4):
        if fc:      # to the DS: BSSID, source, destination
            hdr = struct.pack("<BBH", 0x88, 0x01, 0) + bssid + MAC_C + MAC_S
        else:       # from the DS: destination, BSSID, source
            hdr = struct.pack("<BBH", 0x88, 0x02, 0) + MAC_C + bssid + MAC_S
        hdr += struct.pack("<HH", i << 4, 0)
        wf.append(rt + hdr + snap(p))
    wf.append(rt + struct.pack("<BBH", 0x80, 0, 0) + b"\xff" * 6 + bssid + bssid +
              struct.pack("<H", 0) + bytes(12) + struct.pack("<HH", 100, 0x0401))
    wf.append(rt + struct.pack("<BBH", 0x48, 0x01, 0) + bssid + MAC_C + bssid + struct.pack("<H", 0))
    wf.append(rt + struct.pack("<BBH", 0x88, 0x41, 0) + bssid + MAC_C + MAC_S +
              struct.pack("<HH", 200 << 4, 0) + bytes(8) + bytes((b * 5 + 3) & 0xff for b in snap(conv4[0][1])) + bytes(8))
    write("tunnel-wifi.pcap", wf, link=127)

    bad()
    teredo(conv6)
    gre_frag()
    encap2()
    gre_innerfrag()
    pptp(conv4)


def teredo(conv6):
    # (last: the IP ids of the files above stay as they were)
    # Teredo: a client at 203.0.113.5:40005 and a relay at 198.51.100.7:3544;
    # the relay's first packet with an origin indication, the client's
    # first with an (empty) authentication indicator (RFC 4380 §5.1.1)
    ter = []
    cli, rel = bytes([203, 0, 113, 5]), bytes([198, 51, 100, 7])
    first = {0: True, 1: True}
    for fc, p in conv6:
        pre = b""
        if first[fc]:
            pre = (b"\x00\x01\x00\x00" + bytes(8) + b"\x00") if fc else \
                (b"\x00\x00" + struct.pack("!H", 40005 ^ 0xffff) +
                 bytes(b ^ 0xff for b in cli))
            first[fc] = False
        s, d = (cli, rel) if fc else (rel, cli)
        sp, dp = (40005, 3544) if fc else (3544, 40005)
        ter.append(ether_ip(ip(s, d, 17, udp(s, d, sp, dp, pre + p)), fc))
    write("tunnel-teredo.pcap", ter)


def frags4(src, dst, proto, payload, size):
    """An IPv4 datagram cut into fragments of `size` data bytes (a multiple of 8)."""
    IDENT[0] += 1
    out = []
    for off in range(0, len(payload), size):
        part = payload[off:off + size]
        more = off + size < len(payload)
        h = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(part), IDENT[0],
                                  (0x2000 if more else 0) | off // 8, 64, proto, 0, src, dst))
        h[10:12] = struct.pack("!H", csum(bytes(h)))
        out.append(bytes(h) + part)
    return out


def gre_frag():
    """A 3000-byte UDP datagram each way inside GRE key 7, the GRE packets
    fragmented by the tunnel's own IPv4 (reassembled, then opened); then a
    datagram fragmented inside the tunnel (reassembled in the tunnel)."""
    fr = []
    for fc in (1, 0):
        a, b = (C4, S4) if fc else (S4, C4)
        sp, dp = (40001, 9997) if fc else (9997, 40001)
        inner = ip(a, b, 17, udp(a, b, sp, dp, bytes(i % 251 for i in range(3000))))
        s, d = outer(fc, T4A, T4B)
        for f in frags4(s, d, 47, gre(0x0800, inner, key=7), 1480):
            fr.append(ether_ip(f, fc))
    dgram = udp(C4, S4, 40002, 9997, bytes(i % 251 for i in range(2000)))
    for f in frags4(C4, S4, 17, dgram, 1480):
        fr.append(ether_ip(ipv4(T4A, T4B, 47, gre(0x0800, f, key=7)), 1))
    write("tunnel-gre-frag.pcap", fr)


def bad():
    syn = conversation(C4, S4, udp_too=False)[0][1]
    fr = []
    # 1: GRE whose IP packet ends inside the key and sequence fields
    fr.append(ether_ip(ipv4(T4A, T4B, 47, gre(0x0800, syn, key=7, seq=1)[:6]), 1))
    # 2: a whole GRE packet cut by the capture (snaplen 40) inside its header
    whole = ether_ip(ipv4(T4A, T4B, 47, gre(0x0800, syn, key=7, seq=1)), 1)
    fr.append((whole[:40], len(whole)))
    # 3: GRE cut by the capture inside the inner IP header
    fr.append((whole[:54], len(whole)))
    write("bad/tunnel-gre-trunc.pcap", fr)
    # GRE version 3; GRE with the RFC 1701 routing bit; PPTP GRE (version 1) without its key
    g = bytearray(gre(0x0800, syn))
    g[1] = 3
    f1 = ether_ip(ipv4(T4A, T4B, 47, bytes(g)), 1)
    g = bytearray(gre(0x0800, syn))
    g[0] = 0x40
    f2 = ether_ip(ipv4(T4A, T4B, 47, bytes(g)), 1)
    g = bytearray(gre(0x880b, b"\xff\x03\x00\x21" + syn))
    g[1] = 1
    f3 = ether_ip(ipv4(T4A, T4B, 47, bytes(g)), 1)
    write("bad/tunnel-gre-badver.pcap", [f1, f2, f3])
    # five IP-in-IP tunnels round a SYN (tcpviz reads four), and four (read)
    p = syn
    deep = []
    for k in range(5):
        p = ipv4(bytes([198, 51, 100, 10 + k]), bytes([198, 51, 100, 20 + k]), 4, p)
        if k == 3:
            deep.append(ether_ip(p, 1))
    deep.append(ether_ip(p, 1))
    write("bad/tunnel-deep.pcap", deep)
    # VXLAN whose inner frame is 10 bytes (shorter than an Ethernet header);
    # one whose inner IPv4 header is cut by the UDP length; one that is the
    # first fragment of an inner datagram whose others never come
    v = struct.pack("!BxxxI", 0x08, 42 << 8)
    f1 = ether_ip(ipv4(T4A, T4B, 17, udp(T4A, T4B, 50000, 4789, v + MAC_IS + MAC_IC[:4])), 1)
    f2 = ether_ip(ipv4(T4A, T4B, 17, udp(T4A, T4B, 50000, 4789, v + inner_eth(1, syn)[:24])), 1)
    frag = ipv4(C4, S4, 6, tcp(C4, S4, 40000, 80, SYN, 1000, 0, opts=SYN_OPTS)[:16], frag=0x2000)
    f3 = ether_ip(ipv4(T4A, T4B, 17, udp(T4A, T4B, 50000, 4789, v + inner_eth(1, frag))), 1)
    write("bad/tunnel-vxlan-short.pcap", [f1, f2, f3])


# ---- FDDI, 802.1ah, PIM register, AYIYA, NFLOG, IPoIB (last: the IP ids
# of the files above stay as they were) ----

def pim_register(p, null=False):
    """RFC 7761 4.9.3: version 2, type 1, the checksum over these 8 bytes only."""
    h = bytearray(struct.pack("!BBHI", 0x21, 0, 0, 0x40000000 if null else 0))
    h[2:4] = struct.pack("!H", csum(bytes(h)))
    return bytes(h) + p


def ayiya(p, fc, op=1):
    """draft-massar-v6ops-ayiya: identity 2^4 = 16 bytes (the client's IPv6
    address, integer), SHA-1 signature of 5 words (20 bytes; not a real
    one), shared secret, opcode, next header, epoch time."""
    nh = 59 if op != 1 else (4 if p[0] >> 4 == 4 else 41)
    ident = bytes.fromhex("20010db8000100000000000000000010")
    sig = bytes((i * 11 + 5 + fc) & 0xff for i in range(20))
    return struct.pack("!BBBBI", 0x41, 0x52, 0x10 | op, nh, TS) + ident + sig + p


def nflog(p, payload_tlv=None, prefix=b"tcpviz\0"):
    """family (AF_INET 2, AF_INET6 10), version 0, resource id 5 (network
    order), then TLVs in little-endian: packet header, prefix, payload."""
    fam = 2 if p[0] >> 4 == 4 else 10

    def tlv(t, v):
        b = struct.pack("<HH", 4 + len(v), t) + v
        return b + bytes(-len(b) % 4)
    hw = 0x0800 if fam == 2 else 0x86dd
    b = struct.pack("!BBH", fam, 0, 5)
    b += tlv(1, struct.pack("!HBB", hw, 1, 0))      # NFULA_PACKET_HDR: protocol, hook 1 (LOCAL_IN)
    b += tlv(10, prefix)                            # NFULA_PREFIX
    b += payload_tlv if payload_tlv is not None else tlv(9, p)   # NFULA_PAYLOAD
    return b


GID_A = bytes.fromhex("20010db8ffff000000000000000000a1")
GID_B = bytes.fromhex("20010db8ffff000000000000000000b2")


def ipoib(p, fc):
    """LINKTYPE_IPOIB: 20 zero bytes, the destination's hardware address
    (QPN 0x48, GID), then RFC 4391's type and reserved."""
    dst = struct.pack("!I", 0x48) + (GID_B if fc else GID_A)
    et = 0x0800 if p[0] >> 4 == 4 else 0x86dd
    return bytes(20) + dst + struct.pack("!HH", et, 0) + p


def encap2():
    conv4 = conversation(C4, S4)
    conv6 = conversation(C6, S6)
    # FDDI: frame control 0x50 (asynchronous LLC, 48-bit addresses), MACs, LLC/SNAP;
    # then an SMT frame (frame control 0x41: not IP)
    fd = [struct.pack("!B", 0x50) + (MAC_S + MAC_C if fc else MAC_C + MAC_S) + snap(p)
          for fc, p in conv4]
    fd.append(struct.pack("!B", 0x41) + b"\x80\x01\x43\x00\x80\x00" + MAC_C + bytes(20))
    write("tunnel-fddi.pcap", fd, link=10)
    # 802.1ah: backbone MACs, the TCP packets with a B-TAG (0x88a8, VID 100),
    # the UDP ones without; I-TAG I-SID 0x012345; customer MACs, the UDP ones
    # with a C-TAG (VID 7)
    bm_a, bm_b = bytes.fromhex("0200000000b1"), bytes.fromhex("0200000000b2")
    pb = []
    for fc, p in conv4:
        btag = struct.pack("!HH", 0x88a8, 100) if p[9] == 6 else b""
        itag = struct.pack("!HI", 0x88e7, 0x012345)
        a, b = (MAC_IC, MAC_IS) if fc else (MAC_IS, MAC_IC)
        et = struct.pack("!H", 0x0800) if p[9] == 6 else struct.pack("!HHH", 0x8100, 7, 0x0800)
        x, y = (bm_a, bm_b) if fc else (bm_b, bm_a)
        pb.append(y + x + btag + itag + b + a + et + p)
    write("tunnel-pbb.pcap", pb)
    # Cisco FabricPath: hierarchical MACs (U/L set, switch ids 0xa10 and 0xb20,
    # sub-switch 0, LIDs 0x0010 and 0x0020), type 0x8903, FTag 1 TTL 32;
    # the customer's whole Ethernet frame
    hm_a, hm_b = bytes.fromhex("020a1000" "0010"), bytes.fromhex("020b2000" "0020")
    fp = []
    for fc, p in conv4:
        x, y = (hm_a, hm_b) if fc else (hm_b, hm_a)
        fp.append(y + x + struct.pack("!HH", 0x8903, 1 << 6 | 32) + inner_eth(fc, p))
    write("tunnel-fabricpath.pcap", fp)
    # PIM register between 198.51.100.1 and .2 (each direction with the
    # endpoints reversed); then a null register (not a flow's)
    pim = []
    for fc, p in conv4:
        s, d = outer(fc, T4A, T4B)
        pim.append(ether_ip(ipv4(s, d, 103, pim_register(p)), fc))
    pim.append(ether_ip(ipv4(T4A, T4B, 103, pim_register(ipv4(C4, S4, 17, b""), null=True)), 1))
    write("tunnel-pim.pcap", pim)
    # AYIYA: a client at 203.0.113.5:40072 and its PoP at 198.51.100.7:5072,
    # IPv6 inside; then a heartbeat (opcode 0, next header 59): plain UDP
    cli, pop = bytes([203, 0, 113, 5]), bytes([198, 51, 100, 7])
    ay = []
    for fc, p in conv6:
        s, d = (cli, pop) if fc else (pop, cli)
        sp, dp = (40072, 5072) if fc else (5072, 40072)
        ay.append(ether_ip(ip(s, d, 17, udp(s, d, sp, dp, ayiya(p, fc))), fc))
    ay.append(ether_ip(ip(cli, pop, 17, udp(cli, pop, 40072, 5072, ayiya(b"", 1, op=0))), 1))
    write("tunnel-ayiya.pcap", ay)
    # NFLOG: IPv4 then IPv6, group 5, prefix "tcpviz"
    write("tunnel-nflog.pcap", [nflog(p) for fc, p in conv4 + conv6], link=239)
    # IPoIB: IPv4 then IPv6
    write("tunnel-ipoib.pcap", [ipoib(p, fc) for fc, p in conv4 + conv6], link=242)
    bad2()


def bad2():
    syn = conversation(C4, S4, udp_too=False)[0][1]
    # NFLOG: 1 the payload attribute's length beyond the frame; 2 the
    # capture cut inside the prefix attribute; 3 an attribute of length 2;
    # 4 version 1; 5 no payload attribute
    long_tlv = struct.pack("<HH", 4 + len(syn) + 40, 9) + syn
    f1 = nflog(syn, payload_tlv=long_tlv)
    whole = nflog(syn)
    f2 = (whole[:14], len(whole))
    f3 = nflog(syn, payload_tlv=struct.pack("<HH", 2, 9) + syn)
    f4 = bytearray(whole)
    f4[1] = 1
    f5 = nflog(syn, payload_tlv=b"")
    write("bad/tunnel-nflog-trunc.pcap", [f1, f2, f3, bytes(f4), f5], link=239)
    # PIM register: 1 the inner IPv4 header cut by the outer IP length (10
    # of its 20 bytes); 2 the capture cut inside the inner header; 3 the
    # register header itself cut by the IP length (6 of its 8 bytes)
    f1 = ether_ip(ipv4(T4A, T4B, 103, pim_register(syn)[:18]), 1)
    whole = ether_ip(ipv4(T4A, T4B, 103, pim_register(syn)), 1)
    f2 = (whole[:14 + 20 + 8 + 12], len(whole))
    f3 = ether_ip(ipv4(T4A, T4B, 103, pim_register(syn)[:6]), 1)
    write("bad/tunnel-pim-cut.pcap", [f1, f2, f3])


# ---- IP fragments inside a tunnel (last: the IP ids of the files above
# stay as they were) ----

def frags4_id(src, dst, proto, payload, sizes, ident):
    """An IPv4 datagram of id `ident` cut into fragments of the given data
    sizes (multiples of 8 but the last, which takes the rest)."""
    out, off = [], 0
    for k, size in enumerate(sizes):
        last = k == len(sizes) - 1
        part = payload[off:] if last else payload[off:off + size]
        h = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(part), ident,
                                  (0 if last else 0x2000) | off // 8, 64, proto, 0, src, dst))
        h[10:12] = struct.pack("!H", csum(bytes(h)))
        out.append(bytes(h) + part)
        off += len(part)
    return out


def gre_innerfrag():
    """A TCP connection inside GRE key 7 whose 1200-byte data segment's inner
    IPv4 packet is sent as 3 fragments (512, 512, 196 bytes: the outer
    packets whole), reassembled in the tunnel; then, in GRE keys 7 and 8,
    a UDP datagram each with the same inner id, addresses, protocol and
    ports, their fragments interleaved: reassembled apart, one connection
    in each tunnel; then in GRE key 9 an inner fragment whose GRE packet is
    fragmented by the outer IPv4 (reassembled twice over)."""
    fr = []

    def g(fc, p, key=7):
        s, d = outer(fc, T4A, T4B)
        fr.append(ether_ip(ipv4(s, d, 47, gre(0x0800, p, key=key)), fc))

    ci, si, data = 1000, 5000, bytes(i % 251 for i in range(1200))
    sp, dp = 40000, 80
    g(1, ip(C4, S4, 6, tcp(C4, S4, sp, dp, SYN, ci, 0, opts=SYN_OPTS)))
    g(0, ip(S4, C4, 6, tcp(S4, C4, dp, sp, SYN | ACK, si, ci + 1, opts=SYN_OPTS)))
    g(1, ip(C4, S4, 6, tcp(C4, S4, sp, dp, ACK, ci + 1, si + 1)))
    IDENT[0] += 1
    seg = tcp(C4, S4, sp, dp, PSH | ACK, ci + 1, si + 1, data)
    for f in frags4_id(C4, S4, 6, seg, [512, 512, 0], IDENT[0]):
        g(1, f)
    g(0, ip(S4, C4, 6, tcp(S4, C4, dp, sp, ACK, si + 1, ci + 1201)))
    g(1, ip(C4, S4, 6, tcp(C4, S4, sp, dp, FIN | ACK, ci + 1201, si + 1)))
    g(0, ip(S4, C4, 6, tcp(S4, C4, dp, sp, FIN | ACK, si + 1, ci + 1202)))
    g(1, ip(C4, S4, 6, tcp(C4, S4, sp, dp, ACK, ci + 1202, si + 2)))
    # the same inner datagram's identity in two tunnels, different data
    a = frags4_id(C4, S4, 17, udp(C4, S4, 40003, 9997, bytes(i % 251 for i in range(1000))),
                  [512, 0], 0x4242)
    b = frags4_id(C4, S4, 17, udp(C4, S4, 40003, 9997, bytes((i * 7) % 253 for i in range(1000))),
                  [512, 0], 0x4242)
    for fa, fb in zip(a, b):
        g(1, fa, key=7)
        g(1, fb, key=8)
    # both at once, in GRE key 9: a 2000-byte UDP datagram's first inner
    # fragment (1480 bytes) in a GRE packet itself cut in 2 by the outer
    # IPv4, its second in a whole GRE packet
    a = frags4_id(C4, S4, 17, udp(C4, S4, 40004, 9997, bytes(i % 251 for i in range(1992))),
                  [1480, 0], 0x4343)
    IDENT[0] += 1
    for f in frags4_id(T4A, T4B, 47, gre(0x0800, a[0], key=9), [1000, 0], IDENT[0]):
        fr.append(ether_ip(f, 1))
    g(1, a[1], key=9)
    write("tunnel-gre-innerfrag.pcap", fr)


def pptp(conv):
    """PPTP's enhanced GRE (RFC 2637 §4.1): version 1, K always (payload
    length, then the peer's call id: 0x4001 to the server, 0x8002 to the
    client), S on the data, A on the answers; PPP (0x880b) with address,
    control and protocol inside.  After the data, the client acknowledges
    the server's last packet alone (A, no S, no payload)."""
    fr = []
    seq = [0, 0]
    for fc, p in conv:
        s, d = outer(fc, T4A, T4B)
        ppp = b"\xff\x03" + struct.pack("!H", 0x21) + p
        call = 0x4001 if fc else 0x8002
        ack = fc == 0
        h = struct.pack("!BBHHH", 0x30, 0x01 | (0x80 if ack else 0), 0x880b,
                        len(ppp), call) + struct.pack("!I", seq[fc])
        if ack:
            h += struct.pack("!I", seq[1])
        seq[fc] += 1
        fr.append(ether_ip(ip(s, d, 47, h + ppp), fc))
    s, d = outer(1, T4A, T4B)
    h = struct.pack("!BBHHH", 0x20, 0x81, 0x880b, 0, 0x4001) + struct.pack("!I", seq[0] - 1)
    fr.append(ether_ip(ip(s, d, 47, h), 1))
    write("tunnel-pptp.pcap", fr)


if __name__ == "__main__":
    main()
