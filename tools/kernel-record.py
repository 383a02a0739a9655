#!/usr/bin/env python3
"""tools/kernel-record.py: put loopback sockets in every TCP state and record the kernel's sock_diag replies for the unit tests.

Run as root from the repository root, after make:

    sudo python3 tools/kernel-record.py tests/data/kernel-states.diag

It makes, on 127.0.0.1 (and ::1) ports 47001-47009 only:
  47001  LISTEN backlog 4 with 2 connections not accepted (accept queue 2/4),
         their ESTAB ends, and one accepted connection with 5 bytes unread
  47002  SYN-RECV: SYNs from tcpviz-craft flood (its nft table drops our
         own kernel's RSTs), the SYN-ACK timer running
  47003  FIN-WAIT-1: the client's FIN queued behind data the server does not
         read (its window closed); the server ESTAB with Recv-Q full
  47004  LAST-ACK: the same the other way, after the client's FIN
         (CLOSE-WAIT); the client FIN-WAIT-2 with Recv-Q
  47005  CLOSE-WAIT / FIN-WAIT-2 (the client shut down, the server did not),
         and TIME-WAIT (a client that closed first)
  47006  CLOSING: a simultaneous close whose first FIN an nft rule drops
  47007  SYN-SENT: a connect() whose SYN an nft rule drops
  47008  UDP: a bound server (UNCONN) and a connected client (ESTAB)
  47009  IPv6: LISTEN and an ESTAB pair on ::1
then writes what `tcpviz --kernel-query=47001,...,47009 --kernel-dump=FILE`
records, and prints what tcpviz read from it.  The nft table
(inet tcpviz_krec) is removed at the end, whatever happens.
"""
import os
import socket
import subprocess
import sys
import time

TABLE = "tcpviz_krec"
PORTS = list(range(47001, 47010))
HOLD = []   # sockets kept open until the recording is made


def nft(script):
    subprocess.run(["nft", "-f", "-"], input=script.encode(), check=True)


def nft_setup():
    nft("""table inet %s {
  chain out {
    type filter hook output priority 0; policy accept;
    oifname "lo" tcp dport 47007 tcp flags syn drop
    oifname "lo" tcp sport 47006 tcp flags fin drop
  }
}
""" % TABLE)


def nft_cleanup():
    subprocess.run(["nft", "delete", "table", "inet", TABLE],
                   stderr=subprocess.DEVNULL)


def listener(port, backlog=16, fam=socket.AF_INET, rcvbuf=None):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind(("::1" if fam == socket.AF_INET6 else "127.0.0.1", port))
    s.listen(backlog)
    HOLD.append(s)
    return s


def client(port, fam=socket.AF_INET, rcvbuf=None):
    c = socket.socket(fam, socket.SOCK_STREAM)
    if rcvbuf:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    c.connect(("::1" if fam == socket.AF_INET6 else "127.0.0.1", port))
    HOLD.append(c)
    return c


def fill(s):
    """Write until the peer's window and our buffer are full."""
    s.setblocking(False)
    chunk = b"x" * 65536
    try:
        while True:
            s.send(chunk)
    except BlockingIOError:
        pass
    s.setblocking(True)


def keep_ours(path):
    """Keep, of each recorded reply, only the messages of our ports (and
    the end of the dump): the bytes stay the kernel's, other programs'
    sockets are left out."""
    data = open(path, "rb").read()
    out = b""
    i = 0
    while i + 8 <= len(data):
        proto, n = data[i], int.from_bytes(data[i + 4:i + 8], "little")
        blk = data[i + 8:i + 8 + n]
        i += 8 + n
        kept = b""
        j = 0
        while j + 16 <= len(blk):
            ml = int.from_bytes(blk[j:j + 4], "little")
            typ = int.from_bytes(blk[j + 4:j + 6], "little")
            if ml < 16 or j + ml > len(blk):
                break
            msg = blk[j:j + ml]
            if typ == 20 and ml >= 16 + 8:
                sport = int.from_bytes(msg[20:22], "big")
                dport = int.from_bytes(msg[22:24], "big")
                if sport in PORTS or dport in PORTS:
                    kept += msg + b"\0" * ((4 - ml % 4) % 4)
            elif typ != 20:
                kept += msg + b"\0" * ((4 - ml % 4) % 4)
            j += (ml + 3) & ~3
        if kept:
            out += bytes([proto, 0, 0, 0]) + len(kept).to_bytes(4, "little") + kept
    open(path, "wb").write(out)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/data/kernel-states.diag"
    tcpviz = os.environ.get("TCPVIZ", "./tcpviz")
    craft = os.environ.get("TCPVIZ_CRAFT", "./tcpviz-craft")
    nft_cleanup()
    nft_setup()
    try:
        # 47001: accept queue 2/4, and one accepted with 5 bytes unread
        l1 = listener(47001, backlog=4)
        a = client(47001)
        acc, _ = l1.accept()
        HOLD.append(acc)
        a.send(b"hello")
        client(47001)
        client(47001)
        # 47003: FIN-WAIT-1 behind unread data
        l3 = listener(47003, rcvbuf=4096)
        c3 = client(47003)
        s3, _ = l3.accept()
        HOLD.append(s3)
        fill(c3)
        c3.shutdown(socket.SHUT_WR)
        # 47004: LAST-ACK behind data the client does not read
        l4 = listener(47004)
        c4 = client(47004, rcvbuf=4096)
        s4, _ = l4.accept()
        HOLD.append(s4)
        c4.shutdown(socket.SHUT_WR)
        time.sleep(0.05)
        fill(s4)
        s4.shutdown(socket.SHUT_WR)
        # 47005: CLOSE-WAIT / FIN-WAIT-2, and a TIME-WAIT
        l5 = listener(47005)
        c5 = client(47005)
        s5, _ = l5.accept()
        HOLD.append(s5)
        c5.shutdown(socket.SHUT_WR)
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.connect(("127.0.0.1", 47005))
        ts, _ = l5.accept()
        t.close()
        time.sleep(0.05)
        ts.close()
        # 47006: CLOSING (the server's FIN is dropped; the client's gets through)
        l6 = listener(47006)
        c6 = client(47006)
        s6, _ = l6.accept()
        HOLD.append(s6)
        s6.shutdown(socket.SHUT_WR)     # FIN dropped: FIN-WAIT-1
        time.sleep(0.05)
        c6.shutdown(socket.SHUT_WR)     # its FIN reaches s6: CLOSING
        # 47007: SYN-SENT (the SYN is dropped)
        c7 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c7.setblocking(False)
        try:
            c7.connect(("127.0.0.1", 47007))
        except BlockingIOError:
            pass
        HOLD.append(c7)
        # 47008: UDP
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(("127.0.0.1", 47008))
        uc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        uc.connect(("127.0.0.1", 47008))
        HOLD.extend([u, uc])
        # 47009: IPv6
        l9 = listener(47009, fam=socket.AF_INET6)
        c9 = client(47009, fam=socket.AF_INET6)
        s9, _ = l9.accept()
        HOLD.append(s9)
        # 47002: SYN-RECV, while the crafter waits for answers
        listener(47002)
        flood = subprocess.Popen([craft, "-q", "flood", "--count", "3",
                                  "--timeout", "3000", "127.0.0.1", "47002"],
                                 stdout=subprocess.DEVNULL)
        time.sleep(0.3)
        ports = ",".join(str(p) for p in PORTS)
        subprocess.run([tcpviz, "--kernel-query=" + ports, "--kernel-dump=" + out],
                       check=True)
        flood.wait()
        keep_ours(out)
    finally:
        nft_cleanup()
        for s in HOLD:
            s.close()


if __name__ == "__main__":
    main()
