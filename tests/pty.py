#!/usr/bin/env python3
"""tests/pty.py: run a command on a fresh pseudo-terminal of a given size.

Usage: python3 tests/pty.py --cols N [--rows R] [--timeout S] [--out FILE]
                            [--sigint-after D] [--max-bytes B] -- CMD ARGS...

CMD runs in a new session whose controlling terminal is a new pty of N
columns and R rows (default 24), set with TIOCSWINSZ before exec (--cols 0
leaves TIOCGWINSZ saying 0 columns, to try a program's fallback); its stdin,
stdout and stderr are all that pty.  Everything it prints is copied to FILE
(default stdout) as it arrives, with "\\r\\n" turned into "\\n".  pty.py keeps
reading until EOF (EIO on Linux: every holder of the pty has closed it), so
CMD never blocks on a full pty.

Exit status: CMD's own; 128+N if a signal N killed it; 124 if S seconds
(default 60; 0 = no limit) passed first, after SIGTERM and then, 2 s later,
SIGKILL to CMD's process group; 125 if CMD printed more than B bytes
(--max-bytes, default no limit), after the same; 127 if CMD cannot be run.

--sigint-after D sends SIGINT to CMD D seconds after the start.  SIGINT sent
to pty.py itself is passed on to CMD (as a Ctrl-C would be); SIGTERM or SIGHUP
to pty.py ends CMD's process group as a timeout does.

In CMD, every signal starts with its default action and none is blocked
(Python ignores SIGPIPE, and a background job of sh ignores SIGINT: neither
is passed on).
"""

import argparse
import errno
import fcntl
import os
import select
import signal
import struct
import sys
import termios
import time

GRACE = 2.0  # seconds between SIGTERM and SIGKILL


def parse():
    p = argparse.ArgumentParser(
        prog="pty.py",
        usage="python3 tests/pty.py --cols N [--rows R] [--timeout S] "
        "[--out FILE] [--sigint-after D] [--max-bytes B] -- CMD ARGS...")
    p.add_argument("--cols", type=int, required=True)
    p.add_argument("--rows", type=int, default=24)
    p.add_argument("--timeout", type=float, default=60.0)
    p.add_argument("--out")
    p.add_argument("--sigint-after", type=float)
    p.add_argument("--max-bytes", type=int)
    p.add_argument("cmd", nargs=argparse.REMAINDER)
    a = p.parse_args()
    if a.cmd and a.cmd[0] == "--":
        a.cmd = a.cmd[1:]
    if not a.cmd:
        p.error("no command given (put it after --)")
    if not 0 <= a.cols <= 65535 or not 0 <= a.rows <= 65535:
        p.error("--cols and --rows must be 0..65535")
    return a


def child(slave, master, cmd):
    """In the forked child: new session, the pty as controlling tty, exec."""
    try:
        os.close(master)
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for fd in (0, 1, 2):
            os.dup2(slave, fd)
        if slave > 2:
            os.close(slave)
        for s in range(1, signal.NSIG):
            if s in (signal.SIGKILL, signal.SIGSTOP):
                continue
            try:
                signal.signal(s, signal.SIG_DFL)
            except (OSError, ValueError, RuntimeError):
                pass
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        os.execvp(cmd[0], cmd)
    except OSError as e:
        try:
            os.write(2, ("pty.py: %s: %s\n" % (cmd[0], e.strerror)).encode())
        except OSError:
            pass
        os._exit(127 if e.errno == errno.ENOENT else 126)
    os._exit(127)


def main():
    a = parse()
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ,
                struct.pack("HHHH", a.rows, a.cols, 0, 0))
    out_fd = os.open(a.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644) \
        if a.out else sys.stdout.fileno()

    pid = os.fork()
    if pid == 0:
        child(slave, master, a.cmd)
    os.close(slave)

    pending = []          # signals that reached pty.py, handled in the loop

    def on_signal(sig, _frame):
        pending.append(sig)
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_signal)

    start = time.monotonic()
    deadline = start + a.timeout if a.timeout > 0 else None
    sigint_at = start + a.sigint_after if a.sigint_after is not None else None
    status = None         # CMD's wait status once reaped
    verdict = None        # 124 / 125 / 128+sig once we decided to end CMD
    kill_at = None        # when SIGKILL follows the SIGTERM
    give_up_at = None     # when to stop waiting for EOF after the SIGKILL
    held_cr = False       # a chunk ended in "\r": wait for the next byte
    copied = 0

    def write(data):
        while data:
            try:
                n = os.write(out_fd, data)
            except InterruptedError:
                continue
            data = data[n:]

    def end_group(why):
        nonlocal verdict, kill_at
        if verdict is None:
            verdict = why
        if kill_at is None:
            try:
                os.killpg(pid, signal.SIGTERM)
            except OSError:
                pass
            kill_at = time.monotonic() + GRACE

    eof = False
    while True:
        while pending:
            s = pending.pop(0)
            if s == signal.SIGINT:
                try:
                    os.kill(pid, signal.SIGINT)
                except OSError:
                    pass
            else:
                end_group(128 + s)
        now = time.monotonic()
        if sigint_at is not None and now >= sigint_at:
            sigint_at = None
            try:
                os.kill(pid, signal.SIGINT)
            except OSError:
                pass
        if deadline is not None and now >= deadline:
            deadline = None
            sys.stderr.write("pty.py: timeout after %g s: stopping %s\n"
                             % (a.timeout, a.cmd[0]))
            end_group(124)
        if kill_at is not None and now >= kill_at:
            kill_at = float("inf")
            give_up_at = now + GRACE
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
        if give_up_at is not None and now >= give_up_at:
            # something outside CMD's group still holds the pty open
            sys.stderr.write("pty.py: the pty is still open: giving up\n")
            break
        if status is None:
            try:
                r, st = os.waitpid(pid, os.WNOHANG)
                if r == pid:
                    status = st
            except ChildProcessError:
                status = 0
        if eof and status is not None:
            break
        if eof:
            # the pty is closed but CMD lives on: wait for it (or the timers)
            time.sleep(0.02)
            continue

        waits = [0.2]
        for t in (deadline, sigint_at, kill_at):
            if t is not None and t != float("inf"):
                waits.append(max(0.0, t - now))
        try:
            r, _, _ = select.select([master], [], [], min(waits))
        except InterruptedError:
            continue
        if not r:
            continue
        try:
            data = os.read(master, 65536)
        except InterruptedError:
            continue
        except OSError as e:
            if e.errno != errno.EIO:
                raise
            data = b""
        if not data:
            eof = True
            if held_cr:
                write(b"\r")
                held_cr = False
            continue
        if held_cr:
            data = b"\r" + data
            held_cr = False
        if data.endswith(b"\r"):
            data = data[:-1]
            held_cr = True
        data = data.replace(b"\r\n", b"\n")
        if a.max_bytes is not None:
            room = a.max_bytes - copied
            if len(data) > room:
                write(data[:max(room, 0)])
                copied = a.max_bytes
                if verdict is None:
                    sys.stderr.write("pty.py: %s printed more than %d bytes: "
                                     "stopping it\n" % (a.cmd[0], a.max_bytes))
                end_group(125)
                continue
        if verdict == 125:
            continue      # drain, do not copy, once past --max-bytes
        copied += len(data)
        write(data)

    os.close(master)
    if a.out:
        os.close(out_fd)
    if verdict in (124, 125):
        return verdict
    if status is None:
        return verdict or 1
    if verdict is not None and os.WIFSIGNALED(status):
        return verdict
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    if os.WIFEXITED(status):
        return os.WEXITSTATUS(status)
    return 1


if __name__ == "__main__":
    sys.exit(main())
