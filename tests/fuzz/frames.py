#!/usr/bin/env python3
"""tests/fuzz/frames.py: split classic pcap files into fuzz_decode seeds (link-type index byte + one frame)."""
import os
import struct
import sys

# the order of links[] in fuzz_decode.c
LINKS = [0, 1, 101, 108, 113, 228, 229, 276, 105, 9, 50, 127, 10, 239, 242]


def frames(path):
    with open(path, "rb") as f:
        b = f.read()
    if len(b) < 24:
        return
    magic = b[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return
    link = struct.unpack(e + "I", b[20:24])[0] & 0x0fffffff
    if link not in LINKS:
        return
    off = 24
    while off + 16 <= len(b):
        caplen = struct.unpack(e + "I", b[off + 8:off + 12])[0]
        off += 16
        if caplen > len(b) - off:
            return
        yield LINKS.index(link), b[off:off + caplen]
        off += caplen


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for path in sys.argv[2:]:
        base = os.path.basename(path).rsplit(".", 1)[0]
        for i, (idx, fr) in enumerate(frames(path)):
            with open(os.path.join(out, "%s-%d" % (base, i + 1)), "wb") as f:
                f.write(bytes([idx]) + fr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
