#!/usr/bin/env python3
"""icmpjoin.py - derive a capture with ICMP/ICMPv6 errors that quote its own real frames (loopback makes no such errors honestly)."""

# Usage: icmpjoin.py IN.pcap OUT.pcap [--drop N,..] N:KIND[:MTU][@SRC] ...
#
#   N     a frame of IN (1-based, Ethernet, IPv4 or IPv6): the error is put
#         10 us after it and quotes it as a router would (RFC 792: the IP
#         header and the first 8 bytes of what follows; RFC 4443 §2.4: as
#         much of it as fits in 1280 bytes), sent to the quoted frame's
#         source, from its destination or from SRC (a router on the path)
#   KIND  frag (ICMP 3/4, fragmentation needed, RFC 1191: MTU in the low
#         16 bits of the second word), toobig (ICMPv6 2, MTU), host (3/1
#         or ICMPv6 1/3), port (3/3 or 1/4), time (11/0 or 3/0)
#   --drop frames of IN left out (to leave an error with no flow)
#
# Every checksum is right (IPv4 header, ICMP, ICMPv6 with its pseudo-header),
# so tcpviz's checks take the errors in.  Input: classic pcap, link type 1,
# either byte order; output: little-endian, the input's precision.

import ipaddress
import struct
import sys

MAX_FILE = 64 << 20

KINDS4 = {"frag": (3, 4), "host": (3, 1), "port": (3, 3), "time": (11, 0)}
KINDS6 = {"toobig": (2, 0), "host": (1, 3), "port": (1, 4), "time": (3, 0)}


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def read_pcap(path):
    data = open(path, "rb").read(MAX_FILE + 1)
    if len(data) > MAX_FILE or len(data) < 24:
        sys.exit("icmpjoin.py: %s: not a capture this script reads" % path)
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        e = "<"
    else:
        e = ">"
        magic = struct.unpack(">I", data[:4])[0]
    if magic not in (0xA1B2C3D4, 0xA1B23C4D):
        sys.exit("icmpjoin.py: %s: not a classic pcap" % path)
    snap, link = struct.unpack(e + "II", data[16:24])
    if link != 1:
        sys.exit("icmpjoin.py: %s: link type %d, want 1 (Ethernet)" % (path, link))
    recs, off = [], 24
    while off + 16 <= len(data):
        sec, frac, cap, wire = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        if cap > 262144 or off + cap > len(data):
            sys.exit("icmpjoin.py: %s: damaged record" % path)
        recs.append([sec, frac, data[off:off + cap], wire])
        off += cap
    return magic, snap, recs


def error_frame(frame, kind, mtu, src):
    """The Ethernet frame of an ICMP error quoting `frame`."""
    eth, ip = frame[:14], frame[14:]
    etype = struct.unpack("!H", eth[12:14])[0]
    if etype == 0x0800:
        hlen = (ip[0] & 15) * 4
        qsrc, qdst = ip[12:16], ip[16:20]
        quote = ip[:hlen + 8]
        t, c = KINDS4[kind]
        rest = struct.pack("!HH", 0, mtu if kind == "frag" else 0)
        msg = struct.pack("!BBH", t, c, 0) + rest + quote
        msg = msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]
        osrc = ipaddress.ip_address(src).packed if src else qdst
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0xC0, 20 + len(msg), 0, 0, 64, 1, 0,
                          osrc, qsrc)
        hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
        pkt = hdr + msg
    elif etype == 0x86DD:
        qsrc, qdst = ip[8:24], ip[24:40]
        quote = ip[:1280 - 48]
        t, c = KINDS6[kind]
        rest = struct.pack("!I", mtu if kind == "toobig" else 0)
        msg = struct.pack("!BBH", t, c, 0) + rest + quote
        osrc = ipaddress.ip_address(src).packed if src else qdst
        pseudo = osrc + qsrc + struct.pack("!IxxxB", len(msg), 58)
        msg = msg[:2] + struct.pack("!H", csum(pseudo + msg)) + msg[4:]
        pkt = struct.pack("!IHBB16s16s", 6 << 28, len(msg), 58, 64, osrc, qsrc) + msg
    else:
        sys.exit("icmpjoin.py: the quoted frame is neither IPv4 nor IPv6")
    return eth[6:12] + eth[0:6] + eth[12:14] + pkt


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__ + "\nusage: icmpjoin.py IN.pcap OUT.pcap [--drop N,..] N:KIND[:MTU][@SRC] ...")
    src_path, out_path, args = argv[1], argv[2], argv[3:]
    drop, errs = set(), {}
    while args:
        a = args.pop(0)
        if a == "--drop":
            drop |= {int(x) for x in args.pop(0).split(",")}
            continue
        spec, _, via = a.partition("@")
        parts = spec.split(":")
        errs.setdefault(int(parts[0]), []).append(
            (parts[1], int(parts[2]) if len(parts) > 2 else 0, via or None))
    magic, snap, recs = read_pcap(src_path)
    tick = 10000 if magic == 0xA1B23C4D else 10     # 10 us
    unit = 1000000000 if magic == 0xA1B23C4D else 1000000
    out = [struct.pack("<IHHiIII", magic, 2, 4, 0, 0, snap, 1)]
    for n, (sec, frac, data, wire) in enumerate(recs, 1):
        if n not in drop:
            out.append(struct.pack("<IIII", sec, frac, len(data), wire) + data)
        for i, (kind, mtu, via) in enumerate(errs.get(n, []), 1):
            f = error_frame(data, kind, mtu, via)
            t = frac + tick * i
            out.append(struct.pack("<IIII", sec + t // unit, t % unit, len(f), len(f)) + f)
    with open(out_path, "wb") as fh:
        fh.write(b"".join(out))


if __name__ == "__main__":
    main(sys.argv)
