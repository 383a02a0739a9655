#!/usr/bin/env python3
# docs/examples/echo-server.py: the socket tutorials' echo server, as run in tcpviz's lab (docs/lab.md).
#
# The tutorials' own, but for two lines: it listens on every address of
# its host (the lab's server is 192.0.2.2, not 127.0.0.1) and serves one
# connection, then exits.
import socket

HOST = ""  # every address of this host
PORT = 65432

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((HOST, PORT))
    s.listen()
    conn, addr = s.accept()
    with conn:
        print(f"Connected by {addr}", flush=True)
        while True:
            data = conn.recv(1024)
            if not data:
                break
            conn.sendall(data)
