#!/usr/bin/env python3
"""captures/bad/mkfrag.py: write the hostile IP-fragment captures in captures/bad/ (struct only, deterministic)."""
# Built from scratch with mkbad.py's helpers (192.0.2.0/24, 2001:db8::/32).
# The real fragments are captures/ip-frag.pcap (captures/record-frag.sh).
# Usage: python3 captures/bad/mkfrag.py   (then review the goldens)
import os
import struct

from mkbad import (A4, B4, A6, B6, HERE, SYN, SYN_OPTS, TS, csum, eth, pcap,
                   tcp, udp)


def frag4(l4, proto, off, more, ident, src=A4, dst=B4):
    """An IPv4 fragment: bytes l4[off:...] given whole in l4 here."""
    h = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), ident,
                              (0x2000 if more else 0) | off // 8, 64, proto, 0,
                              src, dst))
    h[10:12] = struct.pack("!H", csum(bytes(h)))
    return eth(bytes(h) + l4)


def frag6(data, nh, off, more, ident, src=A6, dst=B6):
    fh = struct.pack("!BBHI", nh, 0, off | (1 if more else 0), ident)
    return eth(struct.pack("!IHBB16s16s", 0x60000000, 8 + len(data), 44, 64,
                           src, dst) + fh + data, 0x86dd)


def split4(l4, proto, sizes, ident, src=A4, dst=B4):
    """l4 cut into fragments of the given sizes (the rest in the last)."""
    out, off = [], 0
    for n in sizes + [len(l4)]:
        n = min(n, len(l4) - off)
        out.append(frag4(l4[off:off + n], proto, off, off + n < len(l4), ident, src, dst))
        off += n
        if off >= len(l4):
            break
    return out


def split6(l4, nh, sizes, ident, src=A6, dst=B6):
    out, off = [], 0
    for n in sizes + [len(l4)]:
        n = min(n, len(l4) - off)
        out.append(frag6(l4[off:off + n], nh, off, off + n < len(l4), ident, src, dst))
        off += n
        if off >= len(l4):
            break
    return out


def pay(n):
    return bytes(i % 251 for i in range(n))


def files():
    f = {}
    good4 = udp(A4, B4, pay(2000), dport=9999)
    good6 = udp(A6, B6, pay(2000), dport=9999)
    # Overlaps (RFC 5722): the RFC 1858 §3.2 overwrite -- a SYN's second
    # fragment at offset 8 rewrites its flags to ACK -- then an IPv6 UDP
    # datagram whose second fragment overlaps the first by 8 bytes; each
    # dropped whole, its last fragment swallowed.  A good datagram each
    # way after them is reassembled.
    syn = tcp(A4, B4, SYN, SYN_OPTS, payload=pay(24))
    ack = bytearray(syn)
    ack[13] = 0x10
    f["frag-overlap.pcap"] = pcap(
        [frag4(syn[:24], 6, 0, 1, 7), frag4(bytes(ack[8:32]), 6, 8, 1, 7),
         frag4(syn[24:], 6, 24, 0, 7)] +
        [frag6(good6[:1024], 17, 0, 1, 8), frag6(good6[1016:1536], 17, 1016, 1, 8),
         frag6(good6[1536:], 17, 1536, 0, 8)] +
        split4(good4, 17, [1024], 9) + split6(good6, 17, [1024], 10))
    # 10,000 datagrams whose first fragment alone comes (1 ms apart, so
    # none times out): the table keeps the 64 newest, the others evicted;
    # a whole one after them is still reassembled.
    flood = [frag4(udp(A4, B4, pay(1024), sport=1024 + i % 60000)[:16], 17, 0, 1, i & 0xffff)
             for i in range(10000)]
    recs = [(d, len(d), len(d), (i * 1000) % 1000000, TS + i // 1000)
            for i, d in enumerate(flood + split4(good4, 17, [1024], 0xbeef))]
    f["frag-flood.pcap"] = pcap(recs)
    # Past 65535 bytes: an IPv4 fragment at offset 65512 with 64 bytes, an
    # IPv6 one at 65528 with 16; each after a first fragment of its own.
    f["frag-too-long.pcap"] = pcap(
        [frag4(good4[:1024], 17, 0, 1, 11), frag4(pay(64), 17, 65512, 0, 11),
         frag6(good6[:1024], 17, 0, 1, 12), frag6(pay(16), 17, 65528, 0, 12)])
    # RFC 1858's tiny first fragment: 8 bytes of a SYN (ports, sequence
    # number; not its flags), the rest at offset 8: whole once both are
    # in, drawn as the SYN it is.  Then one whose rest never comes.
    f["frag-tiny.pcap"] = pcap(split4(syn, 6, [8], 13) +
                               [frag4(tcp(A4, B4, SYN, sport=40001)[:8], 6, 0, 1, 14)])
    # Malformed: a first fragment of 1020 bytes (not a multiple of 8) with
    # more to come; two last fragments that end apart (at 2008, at 1536).
    f["frag-malformed.pcap"] = pcap(
        [frag4(good4[:1020], 17, 0, 1, 15), frag4(good4[1020:], 17, 1020, 0, 15),
         frag4(good4[:1024], 17, 0, 1, 16), frag4(good4[1536:], 17, 1536, 0, 16),
         frag4(good4[1024:1536], 17, 1024, 0, 16)])
    # IPv6: an atomic fragment (RFC 6946: offset 0, M 0) is whole, decoded
    # as it is; fragments out of order (last first) reassembled; a first
    # fragment that waits 31 s for the rest is dropped (RFC 8200 §4.5:
    # 60 s there; 30 s here, Linux's ipfrag_time).
    atom = frag6(good6, 17, 0, 0, 17)
    ooo = split6(good6, 17, [1024], 18)
    late = split6(good6, 17, [1024], 19)
    f["frag-ipv6.pcap"] = pcap([(atom, len(atom), len(atom), 0, TS),
                                (ooo[1], len(ooo[1]), len(ooo[1]), 1000, TS),
                                (ooo[0], len(ooo[0]), len(ooo[0]), 2000, TS),
                                (late[0], len(late[0]), len(late[0]), 3000, TS),
                                (late[1], len(late[1]), len(late[1]), 3000, TS + 31)])
    return f


def main():
    for name, data in sorted(files().items()):
        with open(os.path.join(HERE, name), "wb") as fp:
            fp.write(data)
        print("wrote captures/bad/%s (%d bytes)" % (name, len(data)))


if __name__ == "__main__":
    main()
