#!/usr/bin/env python3
"""relink.py - rewrite an Ethernet classic pcap to DLT_NULL, DLT_LOOP, LINKTYPE_RAW, or Ethernet with an 802.1Q VLAN tag."""

# Usage: relink.py {null|loop|raw|vlan} IN.pcap OUT.pcap [--vid N]
#
#   null  LINKTYPE_NULL (0):   4-byte AF value in the file's (little-endian) byte order
#   loop  LINKTYPE_LOOP (108): 4-byte AF value, big-endian
#   raw   LINKTYPE_RAW (101):  bare IP packet, no link header
#   vlan  LINKTYPE_ETHERNET (1) with an 802.1Q tag (TPID 0x8100, VID --vid,
#         default 42) inserted after the two MAC addresses
#
# For null/loop/raw the 14-byte Ethernet header of every record is replaced by
# the new link header; caplen and len are adjusted by the size difference.
# Input: classic pcap (usec or nsec magic, either byte order), link type 1.
# Output: classic pcap written little-endian, same timestamp precision.
# Pure Python, struct only.

import struct
import sys

MAX_FILE = 64 << 20        # refuse inputs larger than this
MAX_CAPLEN = 262144        # largest record we accept
MAX_RECORDS = 100000
ETH_HDR = 14

MAGIC_USEC = 0xA1B2C3D4
MAGIC_NSEC = 0xA1B23C4D

LINKTYPE = {"null": 0, "loop": 108, "raw": 101, "vlan": 1}
ETHERTYPE_IPV4 = 0x0800
ETHERTYPE_IPV6 = 0x86DD
# AF_INET is 2 everywhere. AF_INET6 differs per OS: DLT_NULL captures mostly
# come from macOS/FreeBSD-like systems (30 = Darwin), DLT_LOOP is OpenBSD (24).
AF_VALUE = {
    "null": {ETHERTYPE_IPV4: 2, ETHERTYPE_IPV6: 30},
    "loop": {ETHERTYPE_IPV4: 2, ETHERTYPE_IPV6: 24},
}


class PcapError(Exception):
    pass


def parse_header(buf):
    if len(buf) < 24:
        raise PcapError("file too short for a pcap global header (%d bytes)" % len(buf))
    for endian in ("<", ">"):
        (magic,) = struct.unpack(endian + "I", buf[:4])
        if magic in (MAGIC_USEC, MAGIC_NSEC):
            break
    else:
        raise PcapError("not a classic pcap file (magic %s)" % buf[:4].hex())
    vmaj, vmin, _tz, _sig, snaplen, linktype = struct.unpack(endian + "HHiIII", buf[4:24])
    if vmaj != 2:
        raise PcapError("unsupported pcap version %d.%d" % (vmaj, vmin))
    if linktype & 0x0FFFFFFF != 1:
        raise PcapError("input link type is %d, expected 1 (Ethernet)" % linktype)
    return endian, magic, vmaj, vmin, snaplen


def link_header(mode, frame, vid):
    """Return (new_link_header, bytes_of_frame_to_drop_from_the_front)."""
    if mode == "vlan":
        if len(frame) < 12:
            raise PcapError("frame too short (%d bytes) to insert a VLAN tag" % len(frame))
        # keep dst+src MAC, insert TPID+TCI, original EtherType follows
        return frame[:12] + struct.pack("!HH", 0x8100, vid & 0x0FFF), 12
    if len(frame) < ETH_HDR:
        raise PcapError("frame too short (%d bytes) for an Ethernet header" % len(frame))
    (ethertype,) = struct.unpack("!H", frame[12:14])
    if mode == "raw":
        if ethertype not in (ETHERTYPE_IPV4, ETHERTYPE_IPV6):
            raise PcapError("EtherType 0x%04x is not IP; cannot write LINKTYPE_RAW" % ethertype)
        return b"", ETH_HDR
    af = AF_VALUE[mode].get(ethertype)
    if af is None:
        raise PcapError("EtherType 0x%04x has no AF mapping for %s" % (ethertype, mode))
    return struct.pack("<I" if mode == "null" else ">I", af), ETH_HDR


def relink(mode, data, vid=42):
    endian, magic, vmaj, vmin, snaplen = parse_header(data)
    out = []
    off, n, max_caplen = 24, 0, 0
    while off < len(data):
        if n >= MAX_RECORDS:
            raise PcapError("more than %d records" % MAX_RECORDS)
        if len(data) - off < 16:
            raise PcapError("truncated record header at offset %d" % off)
        ts_sec, ts_frac, caplen, origlen = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16
        if caplen > MAX_CAPLEN:
            raise PcapError("record %d: caplen %d too large" % (n + 1, caplen))
        if caplen > len(data) - off:
            raise PcapError("record %d: caplen %d runs past end of file" % (n + 1, caplen))
        if origlen < caplen:
            raise PcapError("record %d: len %d < caplen %d" % (n + 1, origlen, caplen))
        frame = data[off:off + caplen]
        off += caplen
        try:
            new_hdr, drop = link_header(mode, frame, vid)
        except PcapError as e:
            raise PcapError("record %d: %s" % (n + 1, e))
        body = new_hdr + frame[drop:]
        new_orig = origlen - drop + len(new_hdr)
        out.append(struct.pack("<IIII", ts_sec, ts_frac, len(body), new_orig))
        out.append(body)
        max_caplen = max(max_caplen, len(body))
        n += 1
    # keep the input snaplen unless a (vlan-grown) record no longer fits it
    hdr = struct.pack("<IHHiIII", magic, vmaj, vmin, 0, 0,
                      max(snaplen, max_caplen), LINKTYPE[mode])
    return hdr + b"".join(out), n


def main(argv):
    args = argv[1:]
    vid = 42
    if "--vid" in args:
        i = args.index("--vid")
        if i + 1 >= len(args):
            raise SystemExit("relink.py: --vid needs a value")
        vid = int(args[i + 1], 0)
        if not 0 <= vid <= 4095:
            raise SystemExit("relink.py: VLAN id must be 0..4095")
        del args[i:i + 2]
    if len(args) != 3 or args[0] not in LINKTYPE:
        raise SystemExit("usage: relink.py {null|loop|raw|vlan} IN.pcap OUT.pcap [--vid N]")
    mode, src, dst = args
    with open(src, "rb") as f:
        data = f.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise SystemExit("relink.py: %s is larger than %d bytes" % (src, MAX_FILE))
    try:
        result, n = relink(mode, data, vid)
    except PcapError as e:
        raise SystemExit("relink.py: %s: %s" % (src, e))
    with open(dst, "wb") as f:
        f.write(result)
    print("relink.py: %s -> %s (%s, linktype %d, %d records)"
          % (src, dst, mode, LINKTYPE[mode], n), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
