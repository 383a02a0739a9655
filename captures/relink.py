#!/usr/bin/env python3
"""relink.py - rewrite an Ethernet classic pcap to DLT_NULL, DLT_LOOP, LINKTYPE_RAW, Ethernet with an 802.1Q VLAN tag, or with the IP headers a capturing host's offload leaves."""

# Usage: relink.py MODE IN.pcap OUT.pcap [--vid N] [--bad-l4 N,..] [--bad-ip N,..]
#
#   null  LINKTYPE_NULL (0):   4-byte AF value in the file's (little-endian) byte order
#   loop  LINKTYPE_LOOP (108): 4-byte AF value, big-endian
#   raw   LINKTYPE_RAW (101):  bare IP packet, no link header
#   vlan  LINKTYPE_ETHERNET (1) with an 802.1Q tag (TPID 0x8100, VID --vid,
#         default 42) inserted after the two MAC addresses
#   null-ether     LINKTYPE_NULL whose header holds an Ethernet type, not an
#                  AF value: "0f 00" then the type big-endian (0f 00 08 00)
#   null-ether-le  the same, the type as a little-endian 32-bit word (dd 86 00 00)
#   tso   Ethernet kept; each TCP segment with payload gets the header a
#         sender's TSO/LSO (or BIG TCP) hands the capture: IPv4 total length
#         0 and header checksum 0 (as Windows LSO captures show); IPv6
#         payload length 0 with an RFC 2675 hop-by-hop Jumbo Payload option
#         (8 bytes inserted after the IPv6 header)
#   cksum Ethernet kept; every IPv4 header, TCP and UDP checksum filled in
#         as a NIC's checksum offload writes it on the wire (loopback
#         captures hold only the pseudo-header sum), then the frames listed
#         by --bad-l4 get a wrong TCP/UDP checksum and those by --bad-ip a
#         wrong IPv4 header checksum (frame numbers, 1-based)
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

LINKTYPE = {"null": 0, "loop": 108, "raw": 101, "vlan": 1,
            "null-ether": 0, "null-ether-le": 0, "tso": 1, "cksum": 1}
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


def ones_sum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def cksum(b):
    return ~ones_sum(b) & 0xFFFF


def ip_parts(frame):
    """(version, ip header offset, ip header length, l4 proto, l4 offset,
    l4 length) of an Ethernet frame carrying IPv4 or IPv6 (no extension
    headers), or None."""
    if len(frame) < ETH_HDR + 20:
        return None
    (ethertype,) = struct.unpack("!H", frame[12:14])
    if ethertype == ETHERTYPE_IPV4:
        ihl = (frame[ETH_HDR] & 0x0F) * 4
        (tot,) = struct.unpack("!H", frame[ETH_HDR + 2:ETH_HDR + 4])
        if ihl < 20 or tot < ihl or ETH_HDR + tot > len(frame):
            return None
        return 4, ETH_HDR, ihl, frame[ETH_HDR + 9], ETH_HDR + ihl, tot - ihl
    if ethertype == ETHERTYPE_IPV6 and len(frame) >= ETH_HDR + 40:
        (plen,) = struct.unpack("!H", frame[ETH_HDR + 4:ETH_HDR + 6])
        if ETH_HDR + 40 + plen > len(frame):
            return None
        return 6, ETH_HDR, 40, frame[ETH_HDR + 6], ETH_HDR + 40, plen
    return None


def l4_fill(f, parts, bad):
    """Fill the TCP/UDP checksum of bytearray f in place (+0x1111 when bad)."""
    ver, ipo, _ihl, proto, l4o, l4len = parts
    at = {6: 16, 17: 6}.get(proto)
    if at is None or l4len < at + 2:
        return
    if ver == 4:
        pseudo = bytes(f[ipo + 12:ipo + 20]) + struct.pack("!BBH", 0, proto, l4len)
    else:
        pseudo = bytes(f[ipo + 8:ipo + 40]) + struct.pack("!IxxxB", l4len, proto)
    f[l4o + at:l4o + at + 2] = b"\0\0"
    c = cksum(pseudo + bytes(f[l4o:l4o + l4len]))
    if proto == 17 and c == 0:
        c = 0xFFFF
    if bad:
        c = (c + 0x1111) & 0xFFFF or 0x1111
    f[l4o + at:l4o + at + 2] = struct.pack("!H", c)


def rewrite(mode, frame, n, opts):
    """tso and cksum: the frame with its IP headers rewritten."""
    parts = ip_parts(frame)
    if parts is None:
        return frame
    f = bytearray(frame)
    ver, ipo, ihl, proto, l4o, l4len = parts
    if mode == "cksum":
        l4_fill(f, parts, n in opts["bad_l4"])
        if ver == 4:
            f[ipo + 10:ipo + 12] = b"\0\0"
            c = cksum(bytes(f[ipo:ipo + ihl]))
            if n in opts["bad_ip"]:
                c ^= 0x0101
            f[ipo + 10:ipo + 12] = struct.pack("!H", c)
        return bytes(f)
    # tso: only TCP segments that carry payload
    if proto != 6 or l4len < 20 or l4len - (f[l4o + 12] >> 4) * 4 <= 0:
        return frame
    if ver == 4:
        f[ipo + 2:ipo + 4] = b"\0\0"
        f[ipo + 10:ipo + 12] = b"\0\0"
        return bytes(f)
    jumbo = struct.pack("!BBBBI", proto, 0, 0xC2, 4, l4len + 8)
    f[ipo + 4:ipo + 7] = struct.pack("!HB", 0, 0)
    return bytes(f[:ipo + 40]) + jumbo + bytes(f[ipo + 40:])


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
    if mode == "null-ether":
        return b"\x0f\x00" + struct.pack("!H", ethertype), ETH_HDR
    if mode == "null-ether-le":
        return struct.pack("<I", ethertype), ETH_HDR
    af = AF_VALUE[mode].get(ethertype)
    if af is None:
        raise PcapError("EtherType 0x%04x has no AF mapping for %s" % (ethertype, mode))
    return struct.pack("<I" if mode == "null" else ">I", af), ETH_HDR


def relink(mode, data, vid=42, opts=None):
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
        if mode in ("tso", "cksum"):
            if caplen != origlen:
                raise PcapError("record %d: not captured whole" % (n + 1))
            body = rewrite(mode, frame, n + 1, opts)
            new_orig = len(body)
        else:
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


def frame_list(args, name):
    """Take `name N,N,...` out of args: a set of frame numbers."""
    if name not in args:
        return set()
    i = args.index(name)
    if i + 1 >= len(args):
        raise SystemExit("relink.py: %s needs a list of frame numbers" % name)
    nums = set(int(x) for x in args[i + 1].split(",") if x)
    del args[i:i + 2]
    return nums


def main(argv):
    args = argv[1:]
    vid = 42
    opts = {"bad_l4": frame_list(args, "--bad-l4"), "bad_ip": frame_list(args, "--bad-ip")}
    if "--vid" in args:
        i = args.index("--vid")
        if i + 1 >= len(args):
            raise SystemExit("relink.py: --vid needs a value")
        vid = int(args[i + 1], 0)
        if not 0 <= vid <= 4095:
            raise SystemExit("relink.py: VLAN id must be 0..4095")
        del args[i:i + 2]
    if len(args) != 3 or args[0] not in LINKTYPE:
        raise SystemExit("usage: relink.py {null|loop|raw|vlan|null-ether|null-ether-le|tso|cksum}"
                         " IN.pcap OUT.pcap [--vid N] [--bad-l4 N,..] [--bad-ip N,..]")
    mode, src, dst = args
    with open(src, "rb") as f:
        data = f.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise SystemExit("relink.py: %s is larger than %d bytes" % (src, MAX_FILE))
    try:
        result, n = relink(mode, data, vid, opts)
    except PcapError as e:
        raise SystemExit("relink.py: %s: %s" % (src, e))
    with open(dst, "wb") as f:
        f.write(result)
    print("relink.py: %s -> %s (%s, linktype %d, %d records)"
          % (src, dst, mode, LINKTYPE[mode], n), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
