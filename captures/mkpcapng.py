#!/usr/bin/env python3
"""mkpcapng.py - write the multi-interface and multi-section pcapng captures (and their damaged variants in bad/) from handshake.pcap."""

# Usage: python3 captures/mkpcapng.py   (from anywhere; then review the goldens)
#
# libpcap 1.10 stops at a pcapng interface block whose link type differs
# from the first one's; these files are what a multi-interface capture or
# mergecap output looks like, made from the one real connection of
# handshake.pcap (EN10MB, microseconds, client 127.0.0.1:42778):
#
#   handshake-2if.pcapng   one section, two interfaces: 0 EN10MB with
#                          if_tsresol 6 (us) holds the client's packets as
#                          captured; 1 LINUX_SLL with if_tsresol 9 (ns)
#                          holds the server's, the Ethernet header replaced
#                          by a 16-byte cooked header.  Interface statistics
#                          and a name resolution block, to be skipped.
#   handshake-2shb.pcapng  two sections: frames 1-6 as 0 EN10MB (us), then
#                          a new section header whose one interface is RAW
#                          (bare IPv4) with if_tsresol 9 and if_tsoffset
#                          1000 s (its time stamps are 1000 s less).
#   bad/pcapng-*.pcapng    the damage tcpviz must name: see BAD below.
#
# Every block little-endian unless said; struct only, every record of the
# input bounds-checked.
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENT_PORT = 42778
EN10MB, RAW, LINUX_SLL = 1, 101, 113
MAX_FILE = 1 << 20


def read_pcap(path):
    """(sec, usec, data, wirelen) of each record of a classic us pcap."""
    with open(path, "rb") as fp:
        d = fp.read(MAX_FILE + 1)
    if len(d) > MAX_FILE or len(d) < 24:
        sys.exit("%s: not a small classic pcap" % path)
    magic, = struct.unpack("<I", d[:4])
    if magic != 0xA1B2C3D4:
        sys.exit("%s: not a little-endian microsecond pcap" % path)
    if struct.unpack("<I", d[20:24])[0] != EN10MB:
        sys.exit("%s: not Ethernet" % path)
    recs, off = [], 24
    while off < len(d):
        if off + 16 > len(d):
            sys.exit("%s: record header cut off" % path)
        sec, usec, caplen, wirelen = struct.unpack("<IIII", d[off:off + 16])
        if off + 16 + caplen > len(d) or caplen < 14 + 20 + 20:
            sys.exit("%s: record %d cut off or short" % (path, len(recs) + 1))
        recs.append((sec, usec, d[off + 16:off + 16 + caplen], wirelen))
        off += 16 + caplen
    return recs


def from_client(data):
    ihl = (data[14] & 0x0F) * 4
    return struct.unpack("!H", data[14 + ihl:14 + ihl + 2])[0] == CLIENT_PORT


def block(btype, body, be=False, length=None):
    o = ">" if be else "<"
    n = 12 + len(body) if length is None else length
    return struct.pack(o + "II", btype, n) + body + struct.pack(o + "I", n)


def opt(code, value, be=False):
    o = ">" if be else "<"
    return struct.pack(o + "HH", code, len(value)) + value + b"\0" * (-len(value) % 4)


def shb(be=False):
    o = ">" if be else "<"
    return block(0x0A0D0D0A, struct.pack(o + "IHHq", 0x1A2B3C4D, 1, 0, -1), be)


def idb(link, tsresol=None, tsoffset=None, snaplen=262144, be=False):
    o = ">" if be else "<"
    opts = b""
    if tsresol is not None:
        opts += opt(9, bytes([tsresol]), be)
    if tsoffset is not None:
        opts += opt(14, struct.pack(o + "q", tsoffset), be)
    if opts:
        opts += struct.pack(o + "HH", 0, 0)
    return block(1, struct.pack(o + "HHI", link, 0, snaplen) + opts, be)


def epb(ifid, ts, data, wirelen, be=False, length=None):
    o = ">" if be else "<"
    body = struct.pack(o + "IIIII", ifid, ts >> 32, ts & 0xFFFFFFFF,
                       len(data), wirelen) + data + b"\0" * (-len(data) % 4)
    return block(6, body, be, length)


def isb(ifid, ts):
    return block(5, struct.pack("<III", ifid, ts >> 32, ts & 0xFFFFFFFF))


def nrb():
    name = b"localhost\0"
    rec = struct.pack("<HH", 1, 4 + len(name)) + bytes([127, 0, 0, 1]) + name
    rec += b"\0" * (-len(rec) % 4)
    return block(4, rec + struct.pack("<HH", 0, 0))


def sll(data):
    """The Ethernet header replaced by a LINUX_SLL one (outgoing, loopback)."""
    hdr = struct.pack("!HHH8sH", 4, 772, 6, b"\0" * 8, struct.unpack("!H", data[12:14])[0])
    return hdr + data[14:]


def us(r):
    return r[0] * 1000000 + r[1]


def ns(r):
    return r[0] * 1000000000 + r[1] * 1000


def two_if(recs, late_idb=None, bad_ifid=None, bad_len=None):
    """handshake-2if.pcapng; late_idb: the second interface block given
    after frame 1, in place of the good one; bad_ifid / bad_len: (frame,
    value) for one EPB's interface index or block length."""
    out = shb() + idb(EN10MB, 6)
    if late_idb is None:
        out += idb(LINUX_SLL, 9)
    out += nrb()
    for i, r in enumerate(recs, 1):
        if i == 2 and late_idb is not None:
            out += late_idb
        c = from_client(r[2])
        ifid, ts, data = (0, us(r), r[2]) if c else (1, ns(r), sll(r[2]))
        wire = r[3] if c else r[3] + 2
        if bad_ifid and bad_ifid[0] == i:
            ifid = bad_ifid[1]
        length = bad_len[1] if bad_len and bad_len[0] == i else None
        out += epb(ifid, ts, data, wire, length=length)
    return out + isb(0, us(recs[-1])) + isb(1, ns(recs[-1]))


def two_shb(recs, be2=False):
    out = shb() + idb(EN10MB, 6)
    for r in recs[:6]:
        out += epb(0, us(r), r[2], r[3])
    out += shb(be2) + idb(RAW, 9, 1000, be=be2)
    for r in recs[6:]:
        out += epb(0, ns(r) - 1000 * 10**9, r[2][14:], r[3] - 14, be=be2)
    return out


def files(recs):
    good = two_if(recs)
    f = {"handshake-2if.pcapng": good,
         "handshake-2shb.pcapng": two_shb(recs)}
    # BAD: an EPB naming interface 7 of 2 (frame 5); a second interface
    # block (after frame 1) with if_tsresol 2^-64 or 10^-30; frame 6's
    # block length not a multiple of 4, or 0xfffffff0; the second section
    # big-endian (well formed: drawn whole); the last block cut off.
    f["bad/pcapng-ifid-range.pcapng"] = two_if(recs, bad_ifid=(5, 7))
    f["bad/pcapng-tsresol-2-64.pcapng"] = two_if(recs, late_idb=idb(LINUX_SLL, 0x80 | 64))
    f["bad/pcapng-tsresol-10-30.pcapng"] = two_if(recs, late_idb=idb(LINUX_SLL, 30))
    f["bad/pcapng-blocklen-odd.pcapng"] = two_if(recs, bad_len=(6, 13 * 4 + 2))
    f["bad/pcapng-blocklen-huge.pcapng"] = two_if(recs, bad_len=(6, 0xFFFFFFF0))
    f["bad/pcapng-shb-be.pcapng"] = two_shb(recs, be2=True)
    cut = good[:-(len(isb(0, 0)) * 2)]
    f["bad/pcapng-2if-trunc.pcapng"] = cut[:-30]
    return f


def main():
    recs = read_pcap(os.path.join(HERE, "handshake.pcap"))
    for name, data in sorted(files(recs).items()):
        with open(os.path.join(HERE, name), "wb") as fp:
            fp.write(data)
        print("wrote captures/%s (%d bytes)" % (name, len(data)))


if __name__ == "__main__":
    main()
