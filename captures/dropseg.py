#!/usr/bin/env python3
"""dropseg.py IN OUT N[,N...]: copy a classic pcap file, leaving out the
records numbered N (1 = the first): a capture that missed those packets,
as a capture point that lost them (capture loss, not network loss).
Pure Python, struct only; every header and record is bounds-checked."""
import struct
import sys

MAGICS = {b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">",
          b"\x4d\x3c\xb2\xa1": "<", b"\xa1\xb2\x3c\x4d": ">"}


def main(argv):
    if len(argv) != 4:
        sys.exit("usage: dropseg.py IN OUT N[,N...]")
    drop = {int(n) for n in argv[3].split(",")}
    data = open(argv[1], "rb").read()
    if len(data) < 24 or data[:4] not in MAGICS:
        sys.exit("dropseg.py: %s: not a classic pcap file" % argv[1])
    end = MAGICS[data[:4]]
    out, off, n, left = [data[:24]], 24, 0, 0
    while off < len(data):
        if off + 16 > len(data):
            sys.exit("dropseg.py: %s: record header cut short" % argv[1])
        incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        if off + 16 + incl > len(data):
            sys.exit("dropseg.py: %s: record %d cut short" % (argv[1], n + 1))
        n += 1
        if n not in drop:
            out.append(data[off:off + 16 + incl])
            left += 1
        off += 16 + incl
    if not drop <= set(range(1, n + 1)):
        sys.exit("dropseg.py: %s has %d records" % (argv[1], n))
    open(argv[2], "wb").write(b"".join(out))
    print("dropseg.py: %d of %d records kept" % (left, n))


if __name__ == "__main__":
    main(sys.argv)
