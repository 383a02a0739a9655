#!/usr/bin/env python3
"""retouch.py - derive a capture from a recorded one: frames left out, a port renumbered, frames sent again later (late packets after a close)."""

# Usage: retouch.py IN.pcap OUT.pcap [--drop N,..] [--port OLD=NEW] [--late N@SECS[:FLAGS]] ...
#
#   --drop N,..         frames of IN (1-based) left out
#   --port OLD=NEW      TCP and UDP port OLD becomes NEW, both ways (a
#                       recorded exchange moved to a likely server port)
#   --late N@SECS[:F]   a copy of frame N put SECS seconds after the last
#                       frame of IN (in the order given), its TCP flags
#                       replaced by F when given (letters of FSRPAU: R for
#                       a stray RST)
#
# Input: classic pcap, link type 1 (Ethernet), IPv4, either byte order;
# output: little-endian, the input's precision.  A TCP or UDP checksum
# that held the pseudo-header's sum (loopback's offload) is left so; any
# other is computed again over the changed segment.  struct only, every
# header and record bounds-checked.

import struct
import sys

MAX_FILE = 64 << 20
FLAG_BITS = {"F": 0x01, "S": 0x02, "R": 0x04, "P": 0x08, "A": 0x10, "U": 0x20}


def fail(msg):
    sys.exit("retouch.py: " + msg)


def fold(s):
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def sum16(b):
    if len(b) % 2:
        b += b"\0"
    return sum(struct.unpack("!%dH" % (len(b) // 2), b))


def read_pcap(path):
    data = open(path, "rb").read(MAX_FILE + 1)
    if len(data) > MAX_FILE or len(data) < 24:
        fail("%s: not a capture this script reads" % path)
    e = "<"
    magic = struct.unpack("<I", data[:4])[0]
    if magic not in (0xA1B2C3D4, 0xA1B23C4D):
        e = ">"
        magic = struct.unpack(">I", data[:4])[0]
    if magic not in (0xA1B2C3D4, 0xA1B23C4D):
        fail("%s: not a classic pcap" % path)
    snap, link = struct.unpack(e + "II", data[16:24])
    if link != 1:
        fail("%s: link type %d, want 1 (Ethernet)" % (path, link))
    recs, off = [], 24
    while off + 16 <= len(data):
        sec, frac, cap, wire = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        if cap > 262144 or off + cap > len(data):
            fail("%s: damaged record" % path)
        recs.append([sec, frac, bytearray(data[off:off + cap]), wire])
        off += cap
    return magic, snap, recs


def l4(frame):
    """(offset of the TCP/UDP header, protocol, pseudo-header sum, segment length), or None."""
    if len(frame) < 34 or struct.unpack("!H", frame[12:14])[0] != 0x0800:
        return None
    ip = 14
    hlen = (frame[ip] & 15) * 4
    tot = struct.unpack("!H", frame[ip + 2:ip + 4])[0]
    proto = frame[ip + 9]
    if proto not in (6, 17) or hlen < 20 or tot < hlen or ip + tot > len(frame):
        return None
    seglen = tot - hlen
    if seglen < (20 if proto == 6 else 8):
        return None
    pseudo = sum16(bytes(frame[ip + 12:ip + 20])) + proto + seglen
    return ip + hlen, proto, pseudo, seglen


def retouch(frame, port_map, flags):
    """Renumber ports and set TCP flags in place, keeping the checksum's kind."""
    h = l4(frame)
    if h is None:
        return
    off, proto, pseudo, seglen = h
    ck = off + (16 if proto == 6 else 6)
    old = struct.unpack("!H", frame[ck:ck + 2])[0]
    offloaded = old == fold(pseudo)
    for p in (off, off + 2):
        v = struct.unpack("!H", frame[p:p + 2])[0]
        if v in port_map:
            frame[p:p + 2] = struct.pack("!H", port_map[v])
    if flags is not None and proto == 6:
        frame[off + 13] = flags
    if offloaded or (proto == 17 and old == 0):
        return
    frame[ck:ck + 2] = b"\0\0"
    s = ~fold(pseudo + sum16(bytes(frame[off:off + seglen]))) & 0xFFFF
    frame[ck:ck + 2] = struct.pack("!H", s or (0xFFFF if proto == 17 else 0))


def main(argv):
    if len(argv) < 3:
        fail("usage: retouch.py IN.pcap OUT.pcap [--drop N,..] [--port OLD=NEW] [--late N@SECS[:FLAGS]] ...")
    src_path, out_path, args = argv[1], argv[2], argv[3:]
    drop, port_map, late = set(), {}, []
    while args:
        a = args.pop(0)
        if not args:
            fail("%s wants a value" % a)
        v = args.pop(0)
        if a == "--drop":
            drop |= {int(x) for x in v.split(",")}
        elif a == "--port":
            o, n = v.split("=")
            port_map[int(o)] = int(n)
        elif a == "--late":
            n, _, rest = v.partition("@")
            secs, _, fl = rest.partition(":")
            bits = None
            if fl:
                if any(ch not in FLAG_BITS for ch in fl):
                    fail("flags are letters of FSRPAU: %s" % fl)
                bits = sum(FLAG_BITS[ch] for ch in set(fl))
            late.append((int(n), float(secs), bits))
        else:
            fail("unknown option %s" % a)
    magic, snap, recs = read_pcap(src_path)
    unit = 1000000000 if magic == 0xA1B23C4D else 1000000
    out = [struct.pack("<IHHiIII", magic, 2, 4, 0, 0, snap, 1)]
    for n, (sec, frac, data, wire) in enumerate(recs, 1):
        if n in drop:
            continue
        f = bytearray(data)
        retouch(f, port_map, None)
        out.append(struct.pack("<IIII", sec, frac, len(f), wire) + bytes(f))
    last = recs[-1][0] * unit + recs[-1][1]
    for n, secs, bits in late:
        if not 1 <= n <= len(recs):
            fail("no frame %d" % n)
        _, _, data, wire = recs[n - 1]
        f = bytearray(data)
        retouch(f, port_map, bits)
        t = last + round(secs * unit)
        out.append(struct.pack("<IIII", t // unit, t % unit, len(f), wire) + bytes(f))
    with open(out_path, "wb") as fh:
        fh.write(b"".join(out))


if __name__ == "__main__":
    main(sys.argv)
