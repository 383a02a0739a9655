#!/usr/bin/env python3
# docs/examples/echo-client.py: the socket tutorials' echo client, as run in tcpviz's lab (docs/lab.md).
#
# The tutorials' own, but the server's address comes from TCPVIZ_SERVER,
# which tcpviz --lab sets (127.0.0.1 when run alone), and it sends a few
# kilobytes, so that a lossy wire has segments to lose.
import os
import socket

HOST = os.environ.get("TCPVIZ_SERVER", "127.0.0.1")
PORT = 65432
MESSAGE = b"Hello, world. " * 400  # 5600 bytes: four segments

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.connect((HOST, PORT))
    s.sendall(MESSAGE)
    s.shutdown(socket.SHUT_WR)
    got = b""
    while True:
        data = s.recv(4096)
        if not data:
            break
        got += data

print(f"Received {len(got)} bytes, {'the same' if got == MESSAGE else 'NOT the same'}")
