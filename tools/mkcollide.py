#!/usr/bin/env python3
"""tools/mkcollide.py: two captures of the same size for tests/hash.sh: 4-tuples that all share one bucket of the old unkeyed connection hash, and ordinary ones.

The old hash (src/track/tv_flow.c before the table was keyed) was byte-wise
FNV-1a over each endpoint (the 16 address bytes, the port's low byte, its
high byte), the two endpoints added, plus the protocol, then a fixed mixer,
masked to the bucket count.  old_bucket() below computes it exactly.

Why colliding tuples are easy to make: FNV-1a steps s' = (s ^ x) * P.  Write
s ^ x = s + d, where d is any integer in [-(s & 0xff), 255 - (s & 0xff)]
(x picks it).  Then an endpoint's hash is OFF * P^18 + sum(d_i * P^(18-i)),
exactly, mod 2^64.  Two endpoints' hashes add, so their sum depends only on
the per-position sums d_i(client) + d_i(server): every (client, server) pair
whose d's sum to the same values at every position has the same 64-bit sum,
so the same bucket whatever the table size.  A zero byte is d = 0, always.

Usage: mkcollide.py [--tuples N] [--follow K] COLLIDE.pcap ORDINARY.pcap
Each capture: N connections, first every SYN, then K rounds of one more
packet per connection (SYN-ACK, ACK, data, ACK, ...), so every lookup walks
the table while all N are open.  Both files have the same size.
"""
import argparse
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mkpcap import frame  # noqa: E402  one frame builder for every tool

M64 = (1 << 64) - 1
FNV_OFF = 1469598103934665603
FNV_P = 1099511628211


def endpoint_hash(a16, port):
    """The old tv_flow.c endpoint_hash(): FNV-1a over a[16], port low, port high."""
    h = FNV_OFF
    for b in a16 + bytes([port & 0xFF, port >> 8]):
        h = ((h ^ b) * FNV_P) & M64
    return h


def old_hash(a16, ap, b16, bp, proto):
    """The old pkt_bucket() before the mask."""
    h = (endpoint_hash(a16, ap) + endpoint_hash(b16, bp) + proto) & M64
    h ^= h >> 29
    h = (h * 0xBF58476D1CE4E5B9) & M64
    h ^= h >> 32
    return h


def old_bucket(a16, ap, b16, bp, proto, nbuckets):
    return old_hash(a16, ap, b16, bp, proto) & (nbuckets - 1)


def addr16(v4):
    """struct tv_addr.a of an IPv4 address: the first 4 bytes, the rest zero."""
    return bytes(v4) + bytes(12)


# endpoint bytes as FNV takes them: a[0..15], port low, port high; the
# positions the generator varies (the last two address bytes and the port),
# the fixed first two address bytes of each side
VARY = (2, 3, 16, 17)
CLIENT_NET = (10, 1)
SERVER_NET = (10, 2)


def step(s, x):
    return ((s ^ x) * FNV_P) & M64


def window(s):
    """The d values a byte can give at state s: s ^ x - s for x in 0..255."""
    lo = s & 0xFF
    return -lo, 255 - lo


def colliding(n):
    """n distinct (client bytes, server bytes) pairs of 18 bytes each whose
    old hashes sum alike: at every varied position d(client) = -d(server)."""
    out = []

    def fixed_state(net):
        s = FNV_OFF
        for x in net:
            s = step(s, x)
        return s

    def walk(k, sa, sb, xa, xb):
        if len(out) >= n:
            return
        pos = VARY[k]
        # zero bytes up to this position: d = 0 on both sides
        while len(xa) < pos:
            sa, sb = step(sa, 0), step(sb, 0)
            xa.append(0)
            xb.append(0)
        lo_a, hi_a = window(sa)
        lo_b, hi_b = window(sb)
        # d(client) = d, d(server) = -d, both in their windows; visit the
        # d that give nonzero bytes first, for ports and addresses that
        # look ordinary
        ds = [d for d in range(max(lo_a, -hi_b), min(hi_a, -lo_b) + 1)]
        ds.sort(key=lambda d: (d == 0, abs(d)))
        for d in ds:
            x, y = sa ^ (sa + d), sb ^ (sb - d)
            xa.append(x)
            xb.append(y)
            if k + 1 < len(VARY):
                walk(k + 1, step(sa, x), step(sb, y), xa, xb)
            elif valid(xa) and valid(xb):
                out.append((bytes(xa), bytes(xb)))
            xa.pop()
            xb.pop()
            if len(out) >= n:
                return

    walk(0, fixed_state(CLIENT_NET), fixed_state(SERVER_NET),
         list(CLIENT_NET), list(SERVER_NET))
    return out


def valid(x):
    """Not port 0, not a .0 or .255 host."""
    port = x[16] | x[17] << 8
    return port != 0 and x[3] not in (0, 255)


def split(x):
    """18 FNV bytes back into an IPv4 address and a port."""
    assert x[4:16] == bytes(12)
    return x[:4], x[16] | x[17] << 8


def ordinary(n):
    """n ordinary tuples: clients 10.1.y.z, sequential ports, one server."""
    out = []
    for i in range(n):
        cl = bytes([10, 1, 1 + (i // 250) % 250, 1 + i % 250])
        out.append(((cl, 1024 + i % 60000), (bytes([10, 2, 0, 1]), 80)))
    return out


S, A, P = 0x02, 0x10, 0x08


def follow_up(k, cl, sv, isn_c, isn_s):
    """The k-th packet after the SYN: the handshake, then data and its ACK."""
    (ca, cp), (sa, sp) = cl, sv
    if k == 0:
        return frame(sa, ca, sp, cp, isn_s, isn_c + 1, S | A)
    if k == 1:
        return frame(ca, sa, cp, sp, isn_c + 1, isn_s + 1, A)
    j = (k - 2) // 2
    if k % 2 == 0:
        return frame(ca, sa, cp, sp, isn_c + 1 + 8 * j, isn_s + 1, P | A,
                     b"x" * 8)
    return frame(sa, ca, sp, cp, isn_s + 1, isn_c + 9 + 8 * j, A)


def write(path, tuples, follow):
    t = 1_700_000_000 * 1_000_000
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))

        def put(fr):
            nonlocal t
            t += 10
            f.write(struct.pack("<IIII", t // 1_000_000, t % 1_000_000,
                                len(fr), len(fr)))
            f.write(fr)

        isn = [((i * 2654435761) & 0xFFFFFFFF, (i * 40503) & 0xFFFFFFFF)
               for i in range(len(tuples))]
        for i, ((ca, cp), (sa, sp)) in enumerate(tuples):
            put(frame(ca, sa, cp, sp, isn[i][0], 0, S))
        for k in range(follow):
            for i, (cl, sv) in enumerate(tuples):
                put(follow_up(k, cl, sv, *isn[i]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tuples", type=int, default=20000)
    ap.add_argument("--follow", type=int, default=4)
    ap.add_argument("collide")
    ap.add_argument("ordinary")
    o = ap.parse_args()

    pairs = colliding(o.tuples)
    if len(pairs) < o.tuples:
        sys.exit("mkcollide: only %d colliding tuples" % len(pairs))
    col = [(split(a), split(b)) for a, b in pairs]
    if len(set(col)) != len(col):
        sys.exit("mkcollide: tuples repeat")
    # every tuple in one bucket of the old hash, whatever the table size
    h0 = old_hash(addr16(col[0][0][0]), col[0][0][1],
                  addr16(col[0][1][0]), col[0][1][1], 6)
    for (ca, cp), (sa, sp) in col:
        if old_hash(addr16(ca), cp, addr16(sa), sp, 6) != h0:
            sys.exit("mkcollide: a tuple does not collide")
    ordn = ordinary(o.tuples)
    nb = 1 << 20
    spread = len({old_bucket(addr16(ca), cp, addr16(sa), sp, 6, nb)
                  for (ca, cp), (sa, sp) in ordn})
    write(o.collide, col, o.follow)
    write(o.ordinary, ordn, o.follow)
    print("mkcollide: %d tuples x %d packets; old hash: colliding 1 bucket, "
          "ordinary %d of %d buckets" % (o.tuples, 1 + o.follow, spread, nb))


if __name__ == "__main__":
    main()
