"""captures/pktsum.py: the Internet checksum (RFC 1071) and the TCP/UDP pseudo-header, for the capture builders."""
import struct


def csum(b):
    """RFC 1071's ones' complement sum of b, complemented."""
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def pseudo(src, dst, proto, length):
    """The pseudo-header of RFC 9293 §3.1 (IPv4) or RFC 8200 §8.1 (IPv6)."""
    if len(src) == 4:
        return src + dst + struct.pack("!BBH", 0, proto, length)
    return src + dst + struct.pack("!IxxxB", length, proto)
