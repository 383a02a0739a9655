#!/usr/bin/env python3
"""tests/pictures/png_stats.py: what a PNG shows, for the picture tests: its
size, the share of pixels that are not white, and how many of them are
strongly coloured (red, green or blue well apart from grey) and reddish.

    python3 png_stats.py FILE.png
prints one line "w=W h=H ink=N colour=N red=N": ink and colour in
thousandths of the pixels, red in ten-thousandths.
Only the standard library: the PNG is decoded here (8-bit greyscale, RGB
or RGBA, not interlaced: what Chromium's screenshots are)."""
import struct
import sys
import zlib


def decode(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or interlace or ctype not in (0, 2, 6):
                raise ValueError("unsupported PNG: depth %d type %d" % (depth, ctype))
            bpp = {0: 1, 2: 3, 6: 4}[ctype]
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        off = y * (stride + 1)
        ft, line = raw[off], bytearray(raw[off + 1:off + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def main():
    w, h, bpp, rows = decode(sys.argv[1])
    ink = colour = red = 0
    for line in rows:
        for x in range(0, w * bpp, bpp):
            if bpp == 1:
                r = g = b = line[x]
            else:
                r, g, b = line[x], line[x + 1], line[x + 2]
            if r < 235 or g < 235 or b < 235:
                ink += 1
                if max(r, g, b) - min(r, g, b) > 60:
                    colour += 1
                    if r > 150 and g < 110 and b < 110:
                        red += 1
    n = max(w * h, 1)
    print("w=%d h=%d ink=%d colour=%d red=%d" % (
        w, h, ink * 1000 // n, colour * 1000 // n, red * 10000 // n))


if __name__ == "__main__":
    main()
