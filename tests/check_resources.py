#!/usr/bin/env python3
"""tests/check_resources.py: memory stays bounded by open connections, not by input size (tcpviz --max-conns, long connections)."""
import json
import os
import resource
import subprocess
import sys
import tempfile

TCPVIZ = os.environ.get("TCPVIZ", "./tcpviz")
HERE = os.path.dirname(os.path.abspath(__file__))
MKPCAP = os.path.join(HERE, "..", "tools", "mkpcap.py")


def make(tmp, kind, n):
    path = os.path.join(tmp, "%s-%d.pcap" % (kind, n))
    if not os.path.exists(path):
        subprocess.run([sys.executable, MKPCAP, kind, str(n), path], check=True)
    return path


def run(args):
    """Run tcpviz in a fresh child; return (stdout, peak RSS in KiB of that child)."""
    # RUSAGE_CHILDREN keeps the largest child seen so far, so measure each
    # run in its own intermediate process
    code = ("import resource,subprocess,sys;"
            "p=subprocess.run(sys.argv[1:],stdout=subprocess.PIPE,stderr=subprocess.PIPE);"
            "sys.stderr.write(p.stderr.decode());"
            "sys.stdout.buffer.write(p.stdout);"
            "sys.exit(0 if p.returncode==0 else 100+p.returncode) if False else "
            "print('\\nRSS %d RC %d' % (resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode))")
    out = subprocess.run([sys.executable, "-c", code, TCPVIZ] + args,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    body, _, tail = out.stdout.rpartition("\nRSS ")
    rss, _, rc = tail.strip().partition(" RC ")
    assert int(rc) == 0, "tcpviz exit status %s: %s" % (rc, out.stderr[-300:])
    return body, int(rss)


def summary(text):
    for line in text.splitlines():
        if line.startswith('{"type":"summary"'):
            return json.loads(line)
    raise AssertionError("no summary line")


def baseline():
    """The peak RSS that run() reports for a tcpviz that does nothing: it
    includes the spawning interpreter's image before exec."""
    _, rss = run(["--version"])
    return rss


def test_cap_bounds_memory(tmp):
    """300000 connections that never close: with --max-conns 1000 the table
    stays small and the rest are evicted; without it, memory grows."""
    f = make(tmp, "syns", 300000)
    out, capped = run(["-r", f, "--format=json", "--max-conns", "1000"])
    s = summary(out)
    assert s["connections"] == 300000 and s["evicted"] == 299000, s
    evicted = sum(1 for l in out.splitlines() if '"evicted":true' in l)
    assert evicted == 299000, evicted
    _, uncapped = run(["-r", f, "--format=json"])
    base = baseline()
    capped, uncapped = max(capped - base, 0), uncapped - base
    assert capped < 8 * 1024, "capped run used %d KiB" % capped
    assert uncapped > 50 * 1024, "uncapped %d KiB: the table did not grow?" % uncapped
    return "capped +%d KiB, uncapped +%d KiB over a do-nothing run" % (capped, uncapped)


ROWS = 4096    # rows a connection keeps (TV_FLOW_MAX_ROWS): a part of the ladder


def test_long_connection_in_parts(tmp):
    """One connection of 600003 packets: every row drawn (--data=full) comes
    in parts of ROWS rows; folded (the default), its data rows are kept as
    one as they come, so it is one ladder."""
    f = make(tmp, "long", 600000)
    out, rss = run(["-r", f, "--data=full"])
    parts = sum(1 for l in out.splitlines() if l.startswith("TCP ") and "(part " in l)
    want = (600003 - 1) // ROWS
    assert parts == want, "%d continuation parts, want %d" % (parts, want)
    assert out.count("continued below") == want
    rss = max(rss - baseline(), 0)
    assert rss < 32 * 1024, "drawing used %d KiB" % rss
    out, rss_f = run(["-r", f])
    assert "(part " not in out, "a folded ladder in parts"
    assert "300000 segments" in out or "600000 segments" in out, out[-800:]
    return "%d parts, +%d KiB; folded: one ladder, +%d KiB" % (
        parts + 1, rss, max(rss_f - baseline(), 0))


def test_open_connections_bound_memory(tmp):
    """1000 open connections of 500, 1000 and 2000 packets each (--max-conns
    1000): what the ladders keep does not grow with the packets, folded as
    they come (it did: 80 bytes a packet); with every row (--data=full) it
    is bounded by ROWS a connection."""
    base = baseline()
    got = []
    for k in (500, 1000, 2000):
        f = make(tmp, "longs", k)
        out, rss = run(["-r", f, "--max-conns", "1000"])
        assert out.count("still open at end of capture") == 1000, out[-400:]
        got.append(max(rss - base, 0))
    assert got[2] < got[0] * 1.5 + 4096, "+%d, +%d, +%d KiB" % tuple(got)
    out, full = run(["-r", make(tmp, "longs", 2000), "--max-conns", "1000", "--data=full"])
    full = max(full - base, 0)
    assert full < 1000 * ROWS * 100 // 1024 + 64 * 1024, "--data=full +%d KiB" % full
    return "+%d, +%d, +%d KiB; --data=full +%d KiB" % (got[0], got[1], got[2], full)


def test_memory_flat_with_file_size(tmp):
    """Complete connections are freed once drawn: 5x the input, same memory."""
    small = make(tmp, "full", 20000)
    big = make(tmp, "full", 100000)
    out_s, rss_s = run(["-r", small, "--format=json"])
    out_b, rss_b = run(["-r", big, "--format=json"])
    assert summary(out_b)["connections"] == 100000
    base = baseline()
    rss_s, rss_b = max(rss_s - base, 0), max(rss_b - base, 0)
    assert rss_b < rss_s * 1.5 + 2048, "20k conns +%d KiB, 100k conns +%d KiB" % (rss_s, rss_b)
    return "+%d KiB for 160k packets, +%d KiB for 800k" % (rss_s, rss_b)


def test_fragment_flood_bounded(tmp):
    """IP fragments of datagrams that never complete (1480 bytes each): the
    reassembly table's memory is fixed (tv_frag.h: 64 datagrams, 256 KiB),
    the others evicted and counted; 5x the fragments, same memory."""
    got = []
    for n in (20000, 100000):
        out, rss = run(["-r", make(tmp, "frags", n), "--format=json"])
        s = summary(out)
        d = s["fragments_dropped"]
        assert s["fragments"] == n and s["reassembled"] == 0, s
        assert d["evicted"] + d["incomplete"] == n and d["incomplete"] == 64, s
        got.append(max(rss - baseline(), 0))
    assert got[1] < got[0] * 1.5 + 2048, "+%d KiB, +%d KiB" % tuple(got)
    return "+%d KiB for 20000 fragments, +%d KiB for 100000" % tuple(got)


def main():
    passed = failed = 0
    if TCPVIZ.endswith("-asan") or os.environ.get("ASAN_OPTIONS"):
        # a sanitizer build's memory says nothing about tcpviz's own
        print("skip    resources: memory is not measured on a sanitizer build")
        print("resources: 0 passed, 0 failed")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        for t in (test_cap_bounds_memory, test_long_connection_in_parts,
                  test_open_connections_bound_memory, test_memory_flat_with_file_size,
                  test_fragment_flood_bounded):
            try:
                what = t(tmp)
                passed += 1
                print("ok      %s (%s)" % (t.__name__, what))
            except Exception as e:  # report and go on
                failed += 1
                print("FAIL    %s: %s" % (t.__name__, e))
    print("resources: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
