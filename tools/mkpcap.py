#!/usr/bin/env python3
"""tools/mkpcap.py: write synthetic loopback TCP captures for the resource tests and the benchmark."""
import argparse
import struct
import sys


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(src, dst, sport, dport, seq, ack, flags, payload=b""):
    """An Ethernet frame with IPv4 and TCP, every checksum right (as on a
    wire), so that tcpviz's checksum checks take every packet in."""
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                      5 << 4, flags, 65535, 0, 0) + payload
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return b"\0" * 12 + b"\x08\x00" + ip + tcp


class Writer:
    def __init__(self, f, step_us=10):
        self.f = f
        self.step = step_us
        self.t = 1_700_000_000 * 1_000_000
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))

    def put(self, fr):
        self.t += self.step
        self.f.write(struct.pack("<IIII", self.t // 1_000_000, self.t % 1_000_000, len(fr), len(fr)))
        self.f.write(fr)


def addr(i):
    return bytes([127, (i >> 16) & 0xFF, (i >> 8) & 0xFF, 1 + (i & 0x7F)])


S, A, F, P = 0x02, 0x10, 0x01, 0x08
SERVER = bytes([127, 0, 0, 1])


def syns(w, n):
    """n connections that never close: one SYN each, all distinct 4-tuples."""
    for i in range(n):
        w.put(frame(addr(i // 60000), SERVER, 1024 + i % 60000, 80, 1000 + i, 0, S))


def long_conn(w, n):
    """one connection with n data segments, acknowledged, never closed."""
    c, s = 40000, 80
    w.put(frame(SERVER, SERVER, c, s, 100, 0, S))
    w.put(frame(SERVER, SERVER, s, c, 500, 101, S | A))
    w.put(frame(SERVER, SERVER, c, s, 101, 501, A))
    seq = 101
    for i in range(n):
        if i % 2 == 0:
            w.put(frame(SERVER, SERVER, c, s, seq, 501, P | A, b"x" * 100))
            seq += 100
        else:
            w.put(frame(SERVER, SERVER, s, c, 501, seq, A))


def many_long(w, n):
    """1000 connections, opened at once and never closed, each then carrying
    n data segments and their ACKs, interleaved: the ladder's memory case."""
    conns = []
    for i in range(1000):
        cl, cp = addr(0), 2000 + i
        isn_c, isn_s = (i * 2654435761) & 0xFFFFFFFF, (i * 40503) & 0xFFFFFFFF
        w.put(frame(cl, SERVER, cp, 80, isn_c, 0, S))
        w.put(frame(SERVER, cl, 80, cp, isn_s, isn_c + 1, S | A))
        w.put(frame(cl, SERVER, cp, 80, isn_c + 1, isn_s + 1, A))
        conns.append([cl, cp, isn_c + 1, isn_s + 1])
    for k in range(n):
        for c in conns:
            cl, cp, seq, ack = c
            if k % 2 == 0:
                w.put(frame(cl, SERVER, cp, 80, seq, ack, P | A, b"x" * 100))
                c[2] = seq + 100
            else:
                w.put(frame(SERVER, cl, 80, cp, ack, seq, A))


def many_full(w, n):
    """n complete connections (handshake, one request and reply, four-way close),
    six at a time interleaved: the shape of a busy server's capture."""
    live = []
    for i in range(n):
        cl = addr(i // 60000)
        cp = 1024 + i % 60000
        isn_c, isn_s = (i * 2654435761) & 0xFFFFFFFF, (i * 40503) & 0xFFFFFFFF
        pk = [
            (cl, SERVER, cp, 80, isn_c, 0, S, b""),
            (SERVER, cl, 80, cp, isn_s, isn_c + 1, S | A, b""),
            (cl, SERVER, cp, 80, isn_c + 1, isn_s + 1, A, b""),
            (cl, SERVER, cp, 80, isn_c + 1, isn_s + 1, P | A, b"GET / HTTP/1.0\r\n\r\n"),
            (SERVER, cl, 80, cp, isn_s + 1, isn_c + 19, P | A, b"HTTP/1.0 200 OK\r\n\r\nhello"),
            (cl, SERVER, cp, 80, isn_c + 19, isn_s + 25, F | A, b""),
            (SERVER, cl, 80, cp, isn_s + 25, isn_c + 20, F | A, b""),
            (cl, SERVER, cp, 80, isn_c + 20, isn_s + 26, A, b""),
        ]
        live.append(pk)
        if len(live) == 6 or i == n - 1:
            while any(live):
                for p in live:
                    if p:
                        w.put(frame(*p.pop(0)))
            live = []


def frags(w, n):
    """n UDP datagrams of which only the first fragment (1480 bytes, more
    to come) is sent, all distinct IP identifications and sources."""
    for i in range(n):
        src = addr(i // 65536)
        udp = struct.pack("!HHHH", 1024 + i % 60000, 53, 4000, 0) + bytes(1472)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xFFFF, 0x2000, 64,
                         17, 0, src, SERVER)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        w.put(b"\0" * 12 + b"\x08\x00" + ip + udp)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("kind", choices=["syns", "long", "full", "longs", "frags"])
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    a = ap.parse_args()
    with open(a.out, "wb") as f:
        # complete connections 1 ms apart: a closed connection lingers 2 s
        # of capture time, so about 250 are in the table at any moment
        w = Writer(f, 1000 if a.kind == "full" else 10)
        {"syns": syns, "long": long_conn, "full": many_full,
         "longs": many_long, "frags": frags}[a.kind](w, a.n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
