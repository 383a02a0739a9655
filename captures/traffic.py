#!/usr/bin/env python3
"""traffic.py - small, bounded loopback-only traffic generators (TCP/UDP echo, refused connect, 4-tuple reuse, ICMP, mixed) for tcpviz's sample captures."""

# Subcommands (all traffic goes to 127.0.0.1 or ::1 only; there is no host option):
#   tcp-echo  [--family 4|6] [--port 9999] [--msg hi] [--msg2 bye]
#   refused   [--port 9998]
#   udp-echo  [--port 9997] [--count 3]
#   reuse     [--port 9999] [--sport 40000] [--count 2] [--mode server-close|linger0]
#   icmp-echo [--count 2]
#   mixed     [--tcp-port 9999] [--udp-port 9997]
# Every socket has a timeout and every loop has a fixed upper bound.

import argparse
import socket
import struct
import sys
import threading
import time

TIMEOUT = 5.0       # seconds, per socket operation
MAX_ITER = 64       # upper bound for every receive loop
HOSTS = {4: (socket.AF_INET, "127.0.0.1"), 6: (socket.AF_INET6, "::1")}


def log(msg):
    print("traffic: " + msg, file=sys.stderr)


def recv_exact(sock, n):
    """Read exactly n bytes (bounded)."""
    buf = b""
    for _ in range(MAX_ITER):
        if len(buf) >= n:
            break
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise RuntimeError("unexpected EOF after %d of %d bytes" % (len(buf), n))
        buf += chunk
    if len(buf) != n:
        raise RuntimeError("short read")
    return buf


def recv_until_eof(sock):
    """Read until the peer's FIN (bounded); returns what was read."""
    buf = b""
    for _ in range(MAX_ITER):
        chunk = sock.recv(4096)
        if not chunk:
            return buf
        buf += chunk
    raise RuntimeError("no EOF within %d reads" % MAX_ITER)


def tcp_listener(family, host, port):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(TIMEOUT)
    s.bind((host, port))
    s.listen(4)
    return s


class Worker(threading.Thread):
    """Thread that records an exception so the main thread can fail loudly."""

    def __init__(self, fn, *args):
        super().__init__(daemon=True)
        self.fn, self.args, self.error = fn, args, None

    def run(self):
        try:
            self.fn(*self.args)
        except Exception as e:  # reported by finish()
            self.error = e

    def finish(self):
        self.join(TIMEOUT * 2)
        if self.is_alive():
            raise RuntimeError("worker thread did not finish")
        if self.error:
            raise self.error


def tcp_echo_server(lsock, server_closes_first, reset_ok=False):
    """Accept one connection; echo every read. Either close after reading
    EOF (passive close) or right after the first echo (active close).
    With reset_ok, a peer RST ends the connection without an error."""
    conn, peer = lsock.accept()
    conn.settimeout(TIMEOUT)
    try:
        for _ in range(MAX_ITER):
            try:
                data = conn.recv(4096)
            except ConnectionResetError:
                if reset_ok:
                    break
                raise
            if not data:
                break
            conn.sendall(data)
            if server_closes_first:
                break
    finally:
        conn.close()


def cmd_tcp_echo(a):
    family, host = HOSTS[a.family]
    lsock = tcp_listener(family, host, a.port)
    srv = Worker(tcp_echo_server, lsock, False)
    srv.start()
    c = socket.socket(family, socket.SOCK_STREAM)
    c.settimeout(TIMEOUT)
    c.connect((host, a.port))
    for msg in (a.msg, a.msg2):
        m = msg.encode()
        c.sendall(m)
        if recv_exact(c, len(m)) != m:
            raise RuntimeError("bad echo")
    # Client closes first: FIN from the client, server reads EOF, then closes.
    c.shutdown(socket.SHUT_WR)
    rest = recv_until_eof(c)
    c.close()
    srv.finish()
    lsock.close()
    if rest:
        raise RuntimeError("unexpected trailing data")
    log("tcp-echo over %s:%d ok" % (host, a.port))


def cmd_refused(a):
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.settimeout(TIMEOUT)
    try:
        c.connect(("127.0.0.1", a.port))
    except ConnectionRefusedError:
        log("connect to 127.0.0.1:%d refused (as expected)" % a.port)
        return
    finally:
        c.close()
    raise RuntimeError("connect to closed port %d unexpectedly succeeded" % a.port)


def udp_echo_server(sock, count):
    for _ in range(count):
        data, addr = sock.recvfrom(2048)
        sock.sendto(data, addr)


def udp_server_socket(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(TIMEOUT)
    s.bind(("127.0.0.1", port))
    return s


def udp_roundtrip(c, port, payload):
    c.sendto(payload, ("127.0.0.1", port))
    data, _ = c.recvfrom(2048)
    if data != payload:
        raise RuntimeError("bad udp echo")


def cmd_udp_echo(a):
    s = udp_server_socket(a.port)
    srv = Worker(udp_echo_server, s, a.count)
    srv.start()
    c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    c.settimeout(TIMEOUT)
    for i in range(a.count):
        udp_roundtrip(c, a.port, ("udp %d" % (i + 1)).encode())
    c.close()
    srv.finish()
    s.close()
    log("udp-echo x%d ok" % a.count)


def cmd_reuse(a):
    lsock = tcp_listener(socket.AF_INET, "127.0.0.1", a.port)
    for i in range(a.count):
        srv = Worker(tcp_echo_server, lsock, a.mode == "server-close", a.mode == "linger0")
        srv.start()
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        c.settimeout(TIMEOUT)
        c.bind(("127.0.0.1", a.sport))
        c.connect(("127.0.0.1", a.port))
        m = ("conn %d" % (i + 1)).encode()
        c.sendall(m)
        if recv_exact(c, len(m)) != m:
            raise RuntimeError("bad echo")
        if a.mode == "server-close":
            # Server does the active close -> TIME_WAIT sits on the server side.
            recv_until_eof(c)
            c.close()
        else:
            # Abortive close: RST, no TIME_WAIT anywhere.
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            c.close()
        srv.finish()
        time.sleep(0.2)
    lsock.close()
    log("reuse: %d connections from 127.0.0.1:%d ok (%s)" % (a.count, a.sport, a.mode))


def icmp_checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def icmp_echo(seq, ident=0x7476):
    """Send one ICMP echo request to 127.0.0.1 over a raw socket (needs root)
    and wait for the kernel's echo reply."""
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.settimeout(TIMEOUT)
    try:
        payload = b"tcpviz-ping-%02d" % seq
        hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
        pkt = struct.pack("!BBHHH", 8, 0, icmp_checksum(hdr + payload), ident, seq) + payload
        s.sendto(pkt, ("127.0.0.1", 0))
        for _ in range(MAX_ITER):  # the raw socket also sees our own request
            data = s.recv(2048)
            ihl = (data[0] & 0x0F) * 4
            if len(data) < ihl + 8:
                continue
            typ, _, _, rid, rseq = struct.unpack("!BBHHH", data[ihl:ihl + 8])
            if typ == 0 and rid == ident and rseq == seq:
                return
        raise RuntimeError("no ICMP echo reply")
    finally:
        s.close()


def cmd_icmp_echo(a):
    for i in range(a.count):
        icmp_echo(i + 1)
    log("icmp-echo x%d ok" % a.count)


def cmd_mixed(a):
    """TCP echo, UDP echo and ICMP echo interleaved in one flow of time."""
    lsock = tcp_listener(socket.AF_INET, "127.0.0.1", a.tcp_port)
    tsrv = Worker(tcp_echo_server, lsock, False)
    tsrv.start()
    us = udp_server_socket(a.udp_port)
    usrv = Worker(udp_echo_server, us, 2)
    usrv.start()
    uc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    uc.settimeout(TIMEOUT)
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.settimeout(TIMEOUT)
    c.connect(("127.0.0.1", a.tcp_port))
    for i in (1, 2):
        udp_roundtrip(uc, a.udp_port, b"mixed udp %d" % i)
        m = b"mix%d" % i
        c.sendall(m)
        if recv_exact(c, len(m)) != m:
            raise RuntimeError("bad echo")
        icmp_echo(i)
    c.shutdown(socket.SHUT_WR)
    recv_until_eof(c)
    c.close()
    uc.close()
    tsrv.finish()
    usrv.finish()
    lsock.close()
    us.close()
    log("mixed ok")


def main():
    p = argparse.ArgumentParser(description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("tcp-echo")
    s.add_argument("--family", type=int, choices=(4, 6), default=4)
    s.add_argument("--port", type=int, default=9999)
    s.add_argument("--msg", default="hi")
    s.add_argument("--msg2", default="bye")
    s.set_defaults(fn=cmd_tcp_echo)
    s = sub.add_parser("refused")
    s.add_argument("--port", type=int, default=9998)
    s.set_defaults(fn=cmd_refused)
    s = sub.add_parser("udp-echo")
    s.add_argument("--port", type=int, default=9997)
    s.add_argument("--count", type=int, choices=range(1, 11), default=3)
    s.set_defaults(fn=cmd_udp_echo)
    s = sub.add_parser("reuse")
    s.add_argument("--port", type=int, default=9999)
    s.add_argument("--sport", type=int, default=40000)
    s.add_argument("--count", type=int, choices=range(1, 6), default=2)
    s.add_argument("--mode", choices=("server-close", "linger0"), default="server-close")
    s.set_defaults(fn=cmd_reuse)
    s = sub.add_parser("icmp-echo")
    s.add_argument("--count", type=int, choices=range(1, 11), default=2)
    s.set_defaults(fn=cmd_icmp_echo)
    s = sub.add_parser("mixed")
    s.add_argument("--tcp-port", type=int, default=9999)
    s.add_argument("--udp-port", type=int, default=9997)
    s.set_defaults(fn=cmd_mixed)
    a = p.parse_args()
    a.fn(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
