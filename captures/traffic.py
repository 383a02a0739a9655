#!/usr/bin/env python3
"""traffic.py - small, bounded loopback-only traffic generators (TCP/UDP echo, refused connect, 4-tuple reuse, ICMP, mixed) for tcpviz's sample captures."""

# Subcommands (all traffic goes to 127.0.0.1 or ::1 only; there is no host option):
#   tcp-echo  [--family 4|6] [--port 9999] [--msg hi] [--msg2 bye]
#   refused   [--port 9998]
#   udp-echo  [--port 9997] [--count 3]
#   reuse     [--port 9999] [--sport 40000] [--count 2] [--mode server-close|linger0]
#   icmp-echo [--count 2]
#   mixed     [--tcp-port 9999] [--udp-port 9997]
#   close     [--port 9999] [--mode four-way|three-way|simultaneous] [--delay 0.1]
#   open-simultaneous [--port-a 5001] [--port-b 5002] [--drop 0.3]
#   half-close [--port 9999] [--count 3] [--gap 0.02]
#   reset     [--port 9999] [--side client|server]
#   unanswered [--port 9996] [--give-up 3.5]
#   syn-retries [--port 9999] [--fill 2] [--accept-after 2.5]
#   half-open [--port 9999] [--sport 40001] [--seq 1000]
#   retrans   [--port 9999] [--bytes 300000] [--mss 1000] [--loss 3]
#   zero-window [--port 9999] [--bytes 32768] [--rcvbuf 4096] [--sndbuf 16384] [--pause 1.0]
#   keepalive [--port 9999] [--idle 2.5]
#   syn-data  [--port 9999]
#   midstream [--port 9999] --sync-dir DIR
#   bad-rst   [--port 9999] [--sport 40002]   (raw RSTs the kernel must ignore)
#   fin-rst   [--port 9999]                    (FIN, RST, then the peer's FIN)
#   syn-rst   [--port 9996] [--sport 40003] [--count 3] [--seq 5000]
#   syn-ae    [--port 9999] [--sport 40004] [--seq 7000]  (an AccECN SYN, AE set)
#   udp-echo ... [--empty]                     (zero-length datagrams)
# Every socket has a timeout and every loop has a fixed upper bound.
# close --mode simultaneous, open-simultaneous, unanswered and retrans add an
# nftables table "inet tcpviz" (input hook) for a while and always delete it
# again; they refuse to run unless the only network interface is lo, i.e. inside
# record.sh's private network namespace.

import argparse
import os
import select
import socket
import struct
import subprocess
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
        udp_roundtrip(c, a.port, b"" if a.empty else ("udp %d" % (i + 1)).encode())
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


# --- connection-lifecycle captures ----------------------------------------------

NFT_TABLE = "tcpviz"
BIG_ITER = 4096     # upper bound for bulk receive loops (retrans, zero-window)


def require_private_netns():
    """nft rules and raw packets only inside record.sh's namespace: lo must be
    the only interface (if_nameindex asks the kernel about the *current* netns)."""
    names = sorted(name for _, name in socket.if_nameindex())
    if names != ["lo"]:
        raise RuntimeError("refusing: interfaces besides lo present (%s); run via record.sh"
                           % " ".join(names))


def run_nft(args, stdin=None):
    r = subprocess.run(["nft"] + args, input=stdin, capture_output=True, text=True, timeout=5)
    if r.returncode != 0:
        raise RuntimeError("nft %s failed: %s" % (" ".join(args), r.stderr.strip()))
    return r.stdout


class NftDrop:
    """Context manager: table inet tcpviz, input hook, one `MATCH counter drop`
    rule per match. remove() may be called early (timed drop windows);
    __exit__ always removes the table, also after an exception."""

    def __init__(self, *matches):
        self.matches, self.active = matches, False

    def __enter__(self):
        require_private_netns()
        rules = "".join("  %s counter drop\n" % m for m in self.matches)
        try:
            run_nft(["-f", "-"], "table inet %s {\n chain input {\n"
                    "  type filter hook input priority 0; policy accept;\n%s }\n}\n"
                    % (NFT_TABLE, rules))
        except BaseException:
            # `nft -f` is one transaction, but make sure nothing is left behind
            # (__exit__ does not run when __enter__ raises).
            subprocess.run(["nft", "delete", "table", "inet", NFT_TABLE],
                           capture_output=True, timeout=5)
            raise
        self.active = True   # from here on, leaving the block deletes the table
        for m in self.matches:
            log("nft: dropping on input: %s" % m)
        return self

    def remove(self):
        if not self.active:
            return
        self.active = False
        try:
            for line in run_nft(["list", "table", "inet", NFT_TABLE]).splitlines():
                if "counter" in line:
                    log("nft: " + line.strip())
        finally:
            run_nft(["delete", "table", "inet", NFT_TABLE])

    def __exit__(self, *exc):
        self.remove()
        return False


def pin_one_cpu():
    """Run this process (and threads started later) on one CPU, so TCP timers
    armed by both ends at nearly the same time sit in the same per-CPU timer
    wheel and expire in the same timer-softirq run."""
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def tcp_client(port, opts=(), bind=None):
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.settimeout(TIMEOUT)
    for level, name, value in opts:
        c.setsockopt(level, name, value)
    if bind:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        c.bind(bind)
    c.connect(("127.0.0.1", port))
    return c


def accept_one(lsock):
    conn, _ = lsock.accept()
    conn.settimeout(TIMEOUT)
    return conn


def echo_once(c, conn, msg):
    """c sends msg, conn reads it and echoes it, c reads the echo."""
    c.sendall(msg)
    if recv_exact(conn, len(msg)) != msg:
        raise RuntimeError("bad request")
    conn.sendall(msg)
    if recv_exact(c, len(msg)) != msg:
        raise RuntimeError("bad echo")


def expect_eof(sock):
    if recv_until_eof(sock):
        raise RuntimeError("unexpected data before EOF")


def recv_count(sock, limit=BIG_ITER):
    """Read until EOF (bounded by `limit` reads); returns the byte count."""
    n = 0
    for _ in range(limit):
        chunk = sock.recv(65536)
        if not chunk:
            return n
        n += len(chunk)
    raise RuntimeError("no EOF within %d reads" % limit)


def linger0(sock):
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def cmd_close(a):
    """One echo, then a close in one of three shapes."""
    if a.mode == "simultaneous":
        pin_one_cpu()
    lsock = tcp_listener(socket.AF_INET, "127.0.0.1", a.port)
    c = tcp_client(a.port)
    conn = accept_one(lsock)
    echo_once(c, conn, b"close me")
    time.sleep(0.1)   # let any delayed ACK go out before the close starts
    if a.mode == "simultaneous":
        # Both FINs are dropped on input, so each side is still ESTABLISHED when
        # it sends its own FIN. The rule is gone before the RTO (>= 200 ms), so
        # the retransmitted FINs get through: FIN_WAIT_1 -> CLOSING -> TIME_WAIT
        # on both sides.
        barrier = threading.Barrier(2, timeout=TIMEOUT)

        def server_side():
            barrier.wait()
            conn.shutdown(socket.SHUT_WR)
            expect_eof(conn)

        fin = "tcp flags & fin == fin"
        with NftDrop("%s tcp dport %d" % (fin, a.port), "%s tcp sport %d" % (fin, a.port)) as nft:
            srv = Worker(server_side)
            srv.start()
            barrier.wait()
            c.shutdown(socket.SHUT_WR)
            time.sleep(a.delay)
            nft.remove()
            expect_eof(c)
            srv.finish()
        conn.close()
    else:
        c.shutdown(socket.SHUT_WR)
        expect_eof(conn)
        if a.mode == "four-way":
            # The ACK of the client's FIN is pending (delayed ACK, ~40 ms);
            # TCP_QUICKACK sends it now, alone. The server closes `delay` s
            # later -> its FIN is a separate segment.
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            time.sleep(a.delay)
        conn.close()   # three-way: at once, so the FIN carries the ACK of the client's FIN
    expect_eof(c)
    c.close()
    lsock.close()
    log("close %s ok" % a.mode)


def wait_connected(socks, limit):
    """Wait (<= limit s) until every non-blocking connect() in socks finished."""
    pending = list(socks)
    deadline = time.monotonic() + limit
    for _ in range(MAX_ITER):
        if not pending:
            return
        left = deadline - time.monotonic()
        if left <= 0:
            break
        _, w, _ = select.select([], pending, [], left)
        for s in w:
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                raise OSError(err, "connect: " + os.strerror(err))
            pending.remove(s)
    raise RuntimeError("connect did not finish within %.1f s" % limit)


def cmd_open_simultaneous(a):
    """Two sockets on fixed ports connect() to each other at the same time.
    The first SYNs are dropped; both retransmission timers were armed within
    microseconds on the same CPU, so they expire in the same timer run and both
    retransmitted SYNs are sent before either is delivered: each side receives
    a bare SYN in SYN_SENT and answers with SYN-ACK (RFC 9293 Figure 8)."""
    cpu = pin_one_cpu()
    ea, eb = ("127.0.0.1", a.port_a), ("127.0.0.1", a.port_b)
    sa = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sb = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        for s, addr in ((sa, ea), (sb, eb)):
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(addr)
            s.setblocking(False)
        syn = "tcp flags & (syn|ack) == syn tcp sport { %d, %d }" % (a.port_a, a.port_b)
        with NftDrop(syn) as nft:
            for s, peer in ((sa, eb), (sb, ea)):
                rc = s.connect_ex(peer)
                if rc not in (0, 115):   # EINPROGRESS
                    raise OSError(rc, "connect: " + os.strerror(rc))
            time.sleep(a.drop)
            nft.remove()
            wait_connected([sa, sb], TIMEOUT)
        for s in (sa, sb):
            s.setblocking(True)
            s.settimeout(TIMEOUT)
        echo_once(sa, sb, b"simultaneous")
        sa.shutdown(socket.SHUT_WR)
        expect_eof(sb)
        sb.close()
        expect_eof(sa)
    finally:
        sa.close()
        sb.close()
    log("open-simultaneous %d <-> %d ok (cpu %d)" % (a.port_a, a.port_b, cpu))


def cmd_half_close(a):
    """Client sends a request and shuts down its sending side; the server
    reads EOF and still sends `count` replies, `gap` s apart, then closes."""
    lsock = tcp_listener(socket.AF_INET, "127.0.0.1", a.port)
    c = tcp_client(a.port)
    conn = accept_one(lsock)
    req = b"request"
    c.sendall(req)
    c.shutdown(socket.SHUT_WR)
    if recv_until_eof(conn) != req:
        raise RuntimeError("bad request")
    want = b""
    for i in range(a.count):
        time.sleep(a.gap)
        m = b"reply part %d\n" % (i + 1)
        conn.sendall(m)
        want += m
    conn.close()
    if recv_until_eof(c) != want:
        raise RuntimeError("bad replies")
    c.close()
    lsock.close()
    log("half-close: %d replies after the client's FIN ok" % a.count)


def cmd_reset(a):
    """Echo once, then one side closes with SO_LINGER {1, 0}: RST, not FIN."""
    lsock = tcp_listener(socket.AF_INET, "127.0.0.1", a.port)
    c = tcp_client(a.port)
    conn = accept_one(lsock)
    echo_once(c, conn, b"reset soon")
    time.sleep(0.1)
    aborter, other = (c, conn) if a.side == "client" else (conn, c)
    linger0(aborter)
    aborter.close()
    try:
        data = other.recv(4096)
    except ConnectionResetError:
        data = None
    other.close()
    lsock.close()
    if data is not None:
        raise RuntimeError("peer saw %r instead of a reset" % data)
    log("reset by the %s ok" % a.side)


def cmd_unanswered(a):
    """connect() to a port whose SYNs are dropped on input; give up after
    `give_up` s (SYN at 0 s, retransmissions at 1 s and 3 s)."""
    with NftDrop("tcp dport %d tcp flags & (syn|ack) == syn" % a.port):
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.settimeout(a.give_up)
        try:
            c.connect(("127.0.0.1", a.port))
        except socket.timeout:
            log("unanswered: gave up after %.1f s (as expected)" % a.give_up)
            return
        finally:
            c.close()
    raise RuntimeError("connect to %d unexpectedly succeeded" % a.port)


def cmd_syn_retries(a):
    """listen(1) without accept(): `fill` connections fill the accept queue,
    the next client's SYNs are dropped by the kernel and retransmitted; after
    `accept_after` s the server accepts everything and the retry gets through."""
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.settimeout(TIMEOUT)
    lsock.bind(("127.0.0.1", a.port))
    lsock.listen(1)
    clients = [tcp_client(a.port) for _ in range(a.fill)]
    time.sleep(0.1)
    late = {}

    def late_client():
        late["c"] = tcp_client(a.port)

    w = Worker(late_client)
    w.start()
    time.sleep(a.accept_after)
    conns = [accept_one(lsock) for _ in range(a.fill + 1)]   # the last waits for the retry
    w.finish()
    clients.append(late["c"])
    for i, (c, conn) in enumerate(zip(clients, conns)):
        # accept() order = queue order = client order
        echo_once(c, conn, b"conn %d" % (i + 1))
        c.shutdown(socket.SHUT_WR)
        expect_eof(conn)
        conn.close()
        expect_eof(c)
        c.close()
    lsock.close()
    log("syn-retries: %d queued + 1 retried connection ok" % a.fill)


def tcp_checksum(src, dst, segment):
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(segment))
    return icmp_checksum(pseudo + segment)   # same one's-complement sum


def cmd_half_open(a):
    """A hand-made SYN from a raw socket to a listener: the kernel answers with
    SYN-ACK, and (no socket owns the source port) the same kernel sends RST."""
    require_private_netns()
    lsock = tcp_listener(socket.AF_INET, "127.0.0.1", a.port)
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    try:
        src = dst = "127.0.0.1"
        raw.bind((src, 0))
        # sport, dport, seq, ack, data offset 5 (20 bytes, no options), flags SYN,
        # window, checksum 0 for now, urgent pointer
        hdr = struct.pack("!HHIIBBHHH", a.sport, a.port, a.seq, 0, 5 << 4, 0x02, 65535, 0, 0)
        csum = tcp_checksum(src, dst, hdr)
        hdr = hdr[:16] + struct.pack("!H", csum) + hdr[18:]
        if tcp_checksum(src, dst, hdr) != 0:
            raise RuntimeError("checksum does not verify")
        raw.sendto(hdr, (dst, 0))
        time.sleep(0.3)   # SYN-ACK and RST happen at once; just let them pass
    finally:
        raw.close()
        lsock.close()
    log("half-open: raw SYN %s:%d -> :%d seq %d sent (csum 0x%04x)" % (src, a.sport, a.port, a.seq, csum))


def raw_tcp(src_port, dst_port, seq, ack, flags, payload=b""):
    """One hand-made TCP segment 127.0.0.1 -> 127.0.0.1 from a raw socket
    (the kernel adds the IPv4 header); its checksum filled in and checked."""
    # flags up to 0x1ff: bit 8 is AE (RFC 9768), the low bit of byte 12
    hdr = struct.pack("!HHIIBBHHH", src_port, dst_port, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                      5 << 4 | (flags >> 8 & 1), flags & 0xFF, 65535, 0, 0) + payload
    csum = tcp_checksum("127.0.0.1", "127.0.0.1", hdr)
    hdr = hdr[:16] + struct.pack("!H", csum) + hdr[18:]
    if tcp_checksum("127.0.0.1", "127.0.0.1", hdr) != 0:
        raise RuntimeError("checksum does not verify")
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    try:
        raw.sendto(hdr, ("127.0.0.1", 0))
    finally:
        raw.close()


class SynSniffer:
    """An AF_PACKET socket on lo that reads, within TIMEOUT, the first SYN
    (no ACK) from sport to dport and gives its sequence number."""

    def __init__(self, sport, dport):
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
        self.s.bind(("lo", 0))
        self.s.settimeout(TIMEOUT)
        self.sport, self.dport = sport, dport

    def isn(self):
        for _ in range(MAX_ITER * 16):
            f = self.s.recv(65536)
            if len(f) < 14 + 20 + 20 or f[12:14] != b"\x08\x00" or f[14 + 9] != 6:
                continue
            t = 14 + (f[14] & 0x0F) * 4
            sp, dp, seq = struct.unpack("!HHI", f[t:t + 8])
            if (sp, dp) == (self.sport, self.dport) and f[t + 13] & 0x12 == 0x02:
                return seq
        raise RuntimeError("no SYN seen")

    def close(self):
        self.s.close()


def cmd_bad_rst(a):
    """Two RSTs a receiver must not accept (RFC 9293 §3.10.7.3, §3.10.7.4,
    RFC 5961 §3), then the connection goes on: (1) while the client is in
    SYN-SENT (its SYN dropped by nft before the listener sees it), an RST,ACK
    whose ACK is not ISN+1; the SYN's retry then gets the real handshake.
    (2) once established, an RST from the client's 4-tuple whose sequence
    number is 10^7 past the window.  Then an echo and a normal close."""
    require_private_netns()
    lsock = tcp_listener(socket.AF_INET, "127.0.0.1", a.port)
    sniff = SynSniffer(a.sport, a.port)
    res = {}

    def connect():
        res["c"] = tcp_client(a.port, bind=("127.0.0.1", a.sport))

    try:
        with NftDrop("tcp dport %d tcp flags & (syn|ack) == syn" % a.port) as nft:
            w = Worker(connect)
            w.start()
            isn = sniff.isn()
            time.sleep(0.05)
            raw_tcp(a.port, a.sport, 0, isn + 1001, 0x14)    # RST,ACK: ack not ISN+1
            time.sleep(0.3)
            nft.remove()                                     # the SYN retry (1 s) gets through
            w.finish()
        c = res["c"]
        conn = accept_one(lsock)
        echo_once(c, conn, b"before")
        raw_tcp(a.sport, a.port, isn + 1 + len(b"before") + 10 ** 7, 0, 0x04)   # RST, far out of window
        time.sleep(0.1)
        echo_once(c, conn, b"after")
        c.shutdown(socket.SHUT_WR)
        expect_eof(conn)
        conn.close()
        expect_eof(c)
        c.close()
    finally:
        sniff.close()
        lsock.close()
    log("bad-rst: both RSTs ignored, ISN %d, connection closed normally" % isn)


def cmd_fin_rst(a):
    """Zeek's FIN-after-RST: the client sends FIN, then RST (SO_LINGER 0),
    which nft drops before the server's socket sees it; the server, still
    open, sends its FIN; the client's kernel answers it with an RST."""
    require_private_netns()
    lsock = tcp_listener(socket.AF_INET, "127.0.0.1", a.port)
    c = tcp_client(a.port)
    conn = accept_one(lsock)
    echo_once(c, conn, b"fin then rst")
    c.shutdown(socket.SHUT_WR)
    expect_eof(conn)
    with NftDrop("tcp dport %d tcp flags & rst == rst" % a.port):
        linger0(c)
        c.close()
        time.sleep(0.1)
    conn.close()               # FIN to a socket that is gone: RST back
    time.sleep(0.2)
    lsock.close()
    log("fin-rst ok")


def cmd_syn_rst(a):
    """`count` hand-made SYNs with one sequence number from one source port
    to a closed port: the kernel refuses each with RST,ACK.  Zeek counts
    each SYN after the RST as a new connection (three REJ, not retries)."""
    require_private_netns()
    for _ in range(a.count):
        raw_tcp(a.sport, a.port, a.seq, 0, 0x02)
        time.sleep(0.1)
    log("syn-rst: %d SYNs, seq %d" % (a.count, a.seq))


def cmd_syn_ae(a):
    """A hand-made AccECN SYN (RFC 9768: AE, CWR and ECE set; tcpdump
    [SEWe]) to a listener: the kernel answers SYN-ACK, and, as no socket
    owns the source port, the same kernel sends RST."""
    require_private_netns()
    lsock = tcp_listener(socket.AF_INET, "127.0.0.1", a.port)
    try:
        raw_tcp(a.sport, a.port, a.seq, 0, 0x1C2)
        time.sleep(0.3)
    finally:
        lsock.close()
    log("syn-ae: AccECN SYN from %d sent" % a.sport)


def cmd_retrans(a):
    """The server sends `bytes` bytes over one connection while nft drops
    about `loss` % of its data segments on input."""
    mss = [(socket.IPPROTO_TCP, socket.TCP_MAXSEG, a.mss)]
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.setsockopt(*mss[0])
    lsock.settimeout(TIMEOUT)
    lsock.bind(("127.0.0.1", a.port))
    lsock.listen(1)
    payload = bytes(range(256)) * (a.bytes // 256) + bytes(a.bytes % 256)
    got = {}
    drop = "tcp sport %d ip length > 100 numgen random mod 100 < %d" % (a.port, a.loss)
    with NftDrop(drop):
        c = tcp_client(a.port, mss)
        conn = accept_one(lsock)

        def reader():
            got["n"] = recv_count(c)

        r = Worker(reader)
        r.start()
        conn.sendall(payload)
        conn.close()
        r.finish()
    c.close()
    lsock.close()
    if got.get("n") != len(payload):
        raise RuntimeError("received %r of %d bytes" % (got.get("n"), len(payload)))
    log("retrans: %d bytes ok" % len(payload))


def cmd_zero_window(a):
    """Receiver with a small SO_RCVBUF stops reading for `pause` s while the
    sender writes `bytes` bytes: zero window, probes, window update."""
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, a.rcvbuf)   # inherited by accept()
    lsock.settimeout(TIMEOUT)
    lsock.bind(("127.0.0.1", a.port))
    lsock.listen(1)
    # A small send buffer too, so "writes until blocked" is a few KB, not MBs.
    c = tcp_client(a.port, [(socket.SOL_SOCKET, socket.SO_SNDBUF, a.sndbuf)])
    conn = accept_one(lsock)
    got = {}

    def receiver():
        time.sleep(a.pause)           # not reading: the window closes
        got["n"] = recv_count(conn)
        conn.close()

    r = Worker(receiver)
    r.start()
    t0 = time.monotonic()
    c.sendall(b"z" * a.bytes)         # blocks once the window and send buffer are full
    blocked = time.monotonic() - t0
    c.shutdown(socket.SHUT_WR)
    r.finish()
    expect_eof(c)
    c.close()
    lsock.close()
    if got.get("n") != a.bytes:
        raise RuntimeError("received %r of %d bytes" % (got.get("n"), a.bytes))
    if blocked < a.pause / 2:
        raise RuntimeError("sender never blocked (%.2f s)" % blocked)
    log("zero-window: %d bytes ok, sender blocked %.2f s" % (a.bytes, blocked))


def cmd_keepalive(a):
    """Echo once, stay idle for `idle` s with 1 s keep-alive idle/interval
    on the client, then close normally."""
    lsock = tcp_listener(socket.AF_INET, "127.0.0.1", a.port)
    c = tcp_client(a.port, [(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1),
                            (socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1),
                            (socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1),
                            (socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 3)])
    conn = accept_one(lsock)
    echo_once(c, conn, b"hi")
    time.sleep(a.idle)
    c.shutdown(socket.SHUT_WR)
    expect_eof(conn)
    conn.close()
    expect_eof(c)
    c.close()
    lsock.close()
    log("keepalive: idle %.1f s ok" % a.idle)


def cmd_syn_data(a):
    """TCP Fast Open (needs net.ipv4.tcp_fastopen=3): the first connection
    asks for a cookie, the second sends its request inside the SYN."""
    lsock = tcp_listener(socket.AF_INET, "127.0.0.1", a.port)
    lsock.setsockopt(socket.IPPROTO_TCP, socket.TCP_FASTOPEN, 4)
    for i, msg in enumerate((b"cookie please", b"data in SYN")):
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.settimeout(TIMEOUT)
        try:
            # With a cookie: connect + data in the SYN. Without one the SYN only
            # asks for a cookie and (non-blocking socket) sendto fails with
            # EINPROGRESS; the data then goes out after the handshake.
            n = c.sendto(msg, socket.MSG_FASTOPEN, ("127.0.0.1", a.port))
        except BlockingIOError:
            wait_connected([c], TIMEOUT)
            n = 0
        c.sendall(msg[n:])
        conn = accept_one(lsock)
        if recv_exact(conn, len(msg)) != msg:
            raise RuntimeError("bad request")
        conn.sendall(msg)
        if recv_exact(c, len(msg)) != msg:
            raise RuntimeError("bad echo")
        c.shutdown(socket.SHUT_WR)
        expect_eof(conn)
        conn.close()
        expect_eof(c)
        c.close()
        time.sleep(0.1)
    lsock.close()
    log("syn-data: 2 TFO connections ok")


def wait_file(path, limit):
    for _ in range(int(limit / 0.05)):
        if os.path.exists(path):
            return
        time.sleep(0.05)
    raise RuntimeError("%s did not appear within %.0f s" % (path, limit))


def cmd_midstream(a):
    """Connect and exchange one message, then create SYNC_DIR/established and
    wait for SYNC_DIR/go (record.sh starts tcpdump in between), then two more
    echoes and the close."""
    lsock = tcp_listener(socket.AF_INET, "127.0.0.1", a.port)
    c = tcp_client(a.port)
    conn = accept_one(lsock)
    echo_once(c, conn, b"before the capture")
    time.sleep(0.3)   # delayed ACKs out of the way
    open(os.path.join(a.sync_dir, "established"), "w").close()
    wait_file(os.path.join(a.sync_dir, "go"), 15)
    echo_once(c, conn, b"mid 1")
    echo_once(c, conn, b"mid 2")
    c.shutdown(socket.SHUT_WR)
    expect_eof(conn)
    conn.close()
    expect_eof(c)
    c.close()
    lsock.close()
    log("midstream ok")


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
    s.add_argument("--empty", action="store_true")
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
    s = sub.add_parser("close")
    s.add_argument("--port", type=int, default=9999)
    s.add_argument("--mode", choices=("four-way", "three-way", "simultaneous"), default="four-way")
    s.add_argument("--delay", type=float, default=0.1)
    s.set_defaults(fn=cmd_close)
    s = sub.add_parser("open-simultaneous")
    s.add_argument("--port-a", type=int, default=5001)
    s.add_argument("--port-b", type=int, default=5002)
    s.add_argument("--drop", type=float, default=0.3)
    s.set_defaults(fn=cmd_open_simultaneous)
    s = sub.add_parser("half-close")
    s.add_argument("--port", type=int, default=9999)
    s.add_argument("--count", type=int, choices=range(1, 11), default=3)
    s.add_argument("--gap", type=float, default=0.02)
    s.set_defaults(fn=cmd_half_close)
    s = sub.add_parser("reset")
    s.add_argument("--port", type=int, default=9999)
    s.add_argument("--side", choices=("client", "server"), default="client")
    s.set_defaults(fn=cmd_reset)
    s = sub.add_parser("unanswered")
    s.add_argument("--port", type=int, default=9996)
    s.add_argument("--give-up", type=float, default=3.5)
    s.set_defaults(fn=cmd_unanswered)
    s = sub.add_parser("syn-retries")
    s.add_argument("--port", type=int, default=9999)
    s.add_argument("--fill", type=int, choices=range(1, 5), default=2)
    s.add_argument("--accept-after", type=float, default=2.5)
    s.set_defaults(fn=cmd_syn_retries)
    s = sub.add_parser("half-open")
    s.add_argument("--port", type=int, default=9999)
    s.add_argument("--sport", type=int, default=40001)
    s.add_argument("--seq", type=int, default=1000)
    s.set_defaults(fn=cmd_half_open)
    s = sub.add_parser("retrans")
    s.add_argument("--port", type=int, default=9999)
    s.add_argument("--bytes", type=int, default=300000)
    s.add_argument("--mss", type=int, default=1000)
    s.add_argument("--loss", type=int, choices=range(0, 21), default=3)
    s.set_defaults(fn=cmd_retrans)
    s = sub.add_parser("zero-window")
    s.add_argument("--port", type=int, default=9999)
    s.add_argument("--bytes", type=int, default=32768)
    s.add_argument("--rcvbuf", type=int, default=4096)
    s.add_argument("--sndbuf", type=int, default=16384)
    s.add_argument("--pause", type=float, default=1.0)
    s.set_defaults(fn=cmd_zero_window)
    s = sub.add_parser("keepalive")
    s.add_argument("--port", type=int, default=9999)
    s.add_argument("--idle", type=float, default=2.5)
    s.set_defaults(fn=cmd_keepalive)
    s = sub.add_parser("syn-data")
    s.add_argument("--port", type=int, default=9999)
    s.set_defaults(fn=cmd_syn_data)
    s = sub.add_parser("midstream")
    s.add_argument("--port", type=int, default=9999)
    s.add_argument("--sync-dir", required=True)
    s.set_defaults(fn=cmd_midstream)
    s = sub.add_parser("bad-rst")
    s.add_argument("--port", type=int, default=9999)
    s.add_argument("--sport", type=int, default=40002)
    s.set_defaults(fn=cmd_bad_rst)
    s = sub.add_parser("fin-rst")
    s.add_argument("--port", type=int, default=9999)
    s.set_defaults(fn=cmd_fin_rst)
    s = sub.add_parser("syn-ae")
    s.add_argument("--port", type=int, default=9999)
    s.add_argument("--sport", type=int, default=40004)
    s.add_argument("--seq", type=int, default=7000)
    s.set_defaults(fn=cmd_syn_ae)
    s = sub.add_parser("syn-rst")
    s.add_argument("--port", type=int, default=9996)
    s.add_argument("--sport", type=int, default=40003)
    s.add_argument("--count", type=int, choices=range(1, 6), default=3)
    s.add_argument("--seq", type=int, default=5000)
    s.set_defaults(fn=cmd_syn_rst)
    a = p.parse_args()
    a.fn(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
