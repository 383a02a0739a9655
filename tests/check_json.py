#!/usr/bin/env python3
"""tests/check_json.py: check tcpviz --format=json against the contract in docs/json.md on every capture."""
import glob
import ipaddress
import json
import os
import re
import subprocess
import sys

TCPVIZ = os.environ.get("TCPVIZ", "./tcpviz")
FLAGS = re.compile(r"^(none|F?S?R?P?\.?U?E?W?e?)$")    # print-tcp.c's order, AE as e
PACKET_KEYS = {"type", "n", "ts", "conn", "proto", "src", "sport", "dst", "dport", "from", "len"}
TCP_KEYS = {"flags", "seq", "win", "opts", "state"}
CKSUM_KEYS = {"cksum", "cksum_value", "cksum_want", "offloaded"}
CKSUMS = {"correct", "incorrect", "partial", "none"}
TCP_OPTIONAL = {"ack", "rseq", "rack", "truncated", "malformed", "notes", "dup_ack",
                "syn_retry", "fragments", "late_of"} | CKSUM_KEYS
FRAG_DROPPED = {"overlapping", "too_long", "malformed", "timed_out", "evicted", "incomplete"}
STATES = {"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1",
          "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT"}
NOTES = {"retransmission", "out-of-order", "dup-ack", "zero-window", "window-update",
         "keep-alive", "rst-with-data", "after-close", "syn-with-payload", "bad-cksum",
         "unacceptable-rst", "offloaded", "fast-retransmission", "spurious-retransmission",
         "previous-segment-not-captured", "acked-unseen-segment"}
TCP_CONN = {"retrans_bytes", "isn", "open", "syn_retries", "handshake_rtt_us", "close", "half_close",
            "closed_by", "time_wait", "conn_state", "history", "retransmissions",
            "dup_acks", "out_of_order", "zero_windows"}
CONN_STATES = {"S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH",
               "SH", "SHR", "OTH"}
SIDES = {None, "client", "server", "both"}
CONN_KEYS = {"type", "conn", "proto", "client", "server", "first_ts", "last_ts", "packets", "bytes"}
SUMMARY_KEYS = {"type", "packets", "tcp", "udp", "skipped", "truncated", "malformed", "connections"}
ICMP_KEYS = {"type", "n", "ts", "conn", "proto", "src", "dst", "from", "icmp"}
ICMP_ERRORS = {"net unreachable", "host unreachable", "protocol unreachable", "port unreachable",
               "fragmentation needed", "packet too big", "administratively prohibited",
               "unreachable", "time exceeded", "parameter problem"}


def check_icmp_packet(o, per_conn):
    """An ICMP error joined to its flow: not one of its packets (docs/json.md)."""
    assert ICMP_KEYS <= o.keys() and o.keys() <= ICMP_KEYS | CKSUM_KEYS | {"truncated", "malformed"}, o
    assert o["conn"] in per_conn, "an ICMP error before its flow's first packet"
    check_addr(o["src"]); check_addr(o["dst"])
    ic = o["icmp"]
    assert ic["error"] in ICMP_ERRORS, ic["error"]
    assert ("mtu" in ic) <= (ic["error"] in ("fragmentation needed", "packet too big"))
    q = ic["quote"]
    assert q["proto"] in ("tcp", "udp") and (("seq" in q) <= (q["proto"] == "tcp"))
    check_addr(q["src"]); check_addr(q["dst"])
    per_conn[o["conn"]]["icmp"] = per_conn[o["conn"]].get("icmp", 0) + 1


def check_addr(a):
    ip = ipaddress.ip_address(a)
    if ip.version == 6 and a != ip.compressed:   # RFC 5952 form
        raise AssertionError("IPv6 address %r is not in RFC 5952 form" % a)


def check_endpoint(e):
    m = re.match(r"^\[(.*)\]:(\d+)$", e) or re.match(r"^([0-9.]+):(\d+)$", e)
    assert m, "bad endpoint %r" % e
    check_addr(m.group(1))
    assert 0 <= int(m.group(2)) <= 65535


def seq_space(side):
    """TCP payload counted once, from the packets' own numbers: how far each
    segment's data moves the sequence space past what was sent before (a
    gap counts, bytes sent again do not), and the old bytes of segments
    noted as retransmissions."""
    nxt, fresh_total, again = None, 0, 0
    for p in side:
        notes = p.get("notes", [])
        if "bad-cksum" in notes or "unacceptable-rst" in notes:
            continue        # not taken in
        syn, fin, rst = "S" in p["flags"], "F" in p["flags"], "R" in p["flags"]
        start = (p["seq"] + syn) % 2**32
        end = (start + p["len"]) % 2**32
        notes = p.get("notes", [])
        fresh = 0
        if not p["len"] and not rst and not syn and nxt is not None and \
                0 < (end - nxt) % 2**32 < 2**31:
            fresh = (end - nxt) % 2**32     # an empty segment past the bytes seen
        if p["len"] and not rst:
            if nxt is None:
                fresh = p["len"]
            elif 0 < (end - nxt) % 2**32 < 2**31:
                fresh = (end - nxt) % 2**32
            if "keep-alive" in notes:
                fresh = 0
            if "retransmission" in notes and fresh < p["len"]:
                again += p["len"] - fresh
        fresh_total += fresh
        top = (end + fin) % 2**32
        if not rst and (nxt is None or 0 < (top - nxt) % 2**32 < 2**31):
            nxt = top
    return fresh_total, again


def check(path):
    out = subprocess.run([TCPVIZ, "-r", path, "--format=json"], capture_output=True, text=True)
    assert out.returncode == 0, "exit status %d: %s" % (out.returncode, out.stderr)
    assert out.stderr == "", "stderr: " + out.stderr
    lines = out.stdout.splitlines()
    assert lines, "no output"
    objs = [json.loads(l) for l in lines]
    assert objs[-1]["type"] == "summary" and all(o["type"] != "summary" for o in objs[:-1])
    per_conn = {}
    last_n = 0
    first_seen = []
    conns = {}
    # a late part (late_of) is keyed (conn, n): the n-th one of that conn
    late_gen = {}

    def key(o):
        if "late_of" in o:
            return (o["conn"], late_gen.get(o["conn"], 0))
        return o["conn"]
    nicmp = 0
    nreas = 0
    for o in objs[:-1]:
        if o["type"] == "packet" and o.get("proto") in ("icmp", "icmp6"):
            assert o["n"] > last_n, "frame numbers must increase"
            last_n = o["n"]
            assert o["conn"] not in conns, "packet after its conn line"
            check_icmp_packet(o, per_conn)
            nicmp += 1
        elif o["type"] == "packet":
            assert PACKET_KEYS <= o.keys(), o
            assert o["n"] > last_n, "frame numbers must increase"
            last_n = o["n"]
            assert o["proto"] in ("tcp", "udp") and o["from"] in ("client", "server")
            check_addr(o["src"]); check_addr(o["dst"])
            k = key(o)
            assert k not in conns, "packet after its conn line"
            if "late_of" in o:      # late packets of a closed connection, drawn already
                assert o["late_of"] == o["conn"] and o["conn"] in conns, "late for a conn drawn"
                assert o["proto"] == "tcp" and "after-close" in o.get("notes", [])
            if k not in per_conn:
                if "late_of" not in o:
                    assert o["conn"] == len(first_seen) + 1, "ids in order of first packet"
                    first_seen.append(o["conn"])
                per_conn[k] = {"client": [0, 0], "server": [0, 0]}
            per_conn[k][o["from"]][0] += 1
            if "cksum" in o:
                assert o["cksum"] in CKSUMS, o["cksum"]
                assert ("cksum_value" in o) == ("cksum_want" in o) == (o["cksum"] == "incorrect")
            if o.get("cksum") != "incorrect":       # a bad datagram's bytes do not count
                per_conn[k][o["from"]][1] += o["len"]
            assert o.get("offloaded", True) is True
            assert o.get("fragments", 2) >= 1, "reassembled from fragments"
            nreas += "fragments" in o
            per_conn[k].setdefault(o["from"] + "_pkts", []).append(o)
            if o["proto"] == "tcp":
                assert TCP_KEYS <= o.keys() and o.keys() <= PACKET_KEYS | TCP_KEYS | TCP_OPTIONAL, o
                assert FLAGS.match(o["flags"]), o["flags"]
                assert ("ack" in o) == ("." in o["flags"]), "ack present iff ACK set"
                assert ("bad-cksum" in o.get("notes", [])) == (o.get("cksum") == "incorrect")
                if "rack" in o:
                    assert "ack" in o
                assert set(o["opts"]) <= {"mss", "wscale", "sack_ok", "ts", "sack"}
                assert set(o["state"]) == {"client", "server"} and set(o["state"].values()) <= STATES
                if "notes" in o:
                    assert o["notes"] and set(o["notes"]) <= NOTES, o["notes"]
                    assert ("dup_ack" in o) == ("dup-ack" in o["notes"])
                    if "syn_retry" in o:
                        assert "retransmission" in o["notes"] and o["flags"] == "S"
                    per_conn[k].setdefault("notes", []).extend(o["notes"])
            else:
                assert "flags" not in o and "seq" not in o
                assert o.keys() <= PACKET_KEYS | CKSUM_KEYS | {"truncated", "malformed",
                                                                "fragments"}, o
        elif o["type"] == "conn":
            assert CONN_KEYS <= o.keys(), o
            check_endpoint(o["client"]); check_endpoint(o["server"])
            assert o["last_ts"] >= o["first_ts"]
            k = key(o)
            got = per_conn[k]
            for side in ("client", "server"):
                assert o["packets"][side] == got[side][0], "packet count of conn %d" % o["conn"]
                if o["proto"] == "udp":
                    assert o["bytes"][side] == got[side][1], "byte count of conn %d" % o["conn"]
                    continue
                fresh, again = seq_space(got.get(side + "_pkts", []))
                assert o["bytes"][side] == fresh, "byte count of conn %d" % o["conn"]
                assert o["retrans_bytes"][side] == again, "retransmitted bytes of conn %d" % o["conn"]
                assert again <= got[side][1], "more bytes sent again than sent"
            assert o["conn_state"] in CONN_STATES
            assert o.get("icmp", {}).get("errors", 0) == got.get("icmp", 0), "ICMP errors of conn %d" % o["conn"]
            if "outcome" in o:
                assert o["proto"] == "udp" and o["outcome"] in ("refused", "unreachable")
                assert (o["outcome"] == "refused") == o["icmp"]["port_unreachable"]
            if o["proto"] == "tcp":
                assert TCP_CONN <= o.keys(), TCP_CONN - o.keys()
                assert set(o["isn"]) == {"client", "server"}
                assert o["open"] in {"three-way", "simultaneous", "refused", "unanswered",
                                     "half-open", "midstream"}
                assert o["close"] in {"four-way", "three-way", "simultaneous", "reset", "open"}
                assert ("reset_by" in o) == (o["close"] == "reset")
                assert o["closed_by"] in SIDES and o["time_wait"] in SIDES
                assert isinstance(o["half_close"], bool)
                notes = got.get("notes", [])
                # the counts in the conn line are the notes on its packets
                assert o["retransmissions"] == notes.count("retransmission")
                assert o["dup_acks"] == notes.count("dup-ack")
                assert o["out_of_order"] == notes.count("out-of-order")
                assert o["zero_windows"] == notes.count("zero-window")
                if o["open"] not in ("three-way", "simultaneous"):
                    assert o["handshake_rtt_us"] is None, "an RTT without a handshake"
            conns[k] = o
            if "late_of" in o:
                assert o["late_of"] == o["conn"] and o["conn"] in conns
                late_gen[o["conn"]] = late_gen.get(o["conn"], 0) + 1
        else:
            raise AssertionError("unknown type " + o["type"])
    s = objs[-1]
    assert SUMMARY_KEYS <= s.keys()
    icmp = s.get("icmp_errors", 0)
    assert ("icmp_errors" in s) == ("icmp_no_conn" in s) == (icmp > 0)
    # IP fragments (docs/json.md): the frames are counted as fragments, each
    # reassembled datagram once more where it decodes
    frags, reas = s.get("fragments", 0), s.get("reassembled", 0)
    assert ("fragments" in s) == ("reassembled" in s) == ("fragments_dropped" in s) == (frags > 0)
    assert set(s.get("fragments_dropped", {})) <= FRAG_DROPPED
    assert reas <= frags and nreas <= reas
    assert s["tcp"] + s["udp"] + icmp + s["skipped"] + frags - reas == s["packets"]
    assert s["connections"] == len(first_seen) == sum(1 for k in conns if not isinstance(k, tuple))
    assert len(conns) == len(per_conn)
    assert nicmp == icmp - s.get("icmp_no_conn", 0), "ICMP errors drawn"
    npk = sum(1 for o in objs if o["type"] == "packet")
    assert s["tcp"] + s["udp"] + nicmp == npk


COMPARE_PAIRS = ["packets", "wire_bytes", "payload_bytes", "sent", "duplicated"]
COMPARE_MAYBE = ["delivered", "lost", "reordered", "retransmissions", "payload_delivered"]
COMPARE_SECS = ["setup_s", "first_answer_s", "recovery_s", "duration_s"]
COMPARE_KEYS = {"type", "conn", "proto", "client", "server", "overhead_pct", "setup_packets",
                "closing_packets", "delivery_known", "goodput_bps", "outcome"} | \
    set(COMPARE_PAIRS) | set(COMPARE_MAYBE) | set(COMPARE_SECS)


def pair_of(v):
    assert isinstance(v, list) and len(v) == 2 and all(isinstance(x, int) and x >= 0 for x in v), v
    return v


def check_compare(path):
    """--compare --format=json (docs/compare.md): a compare object per flow,
    agreeing with the conn objects of the same capture."""
    out = subprocess.run([TCPVIZ, "-r", path, "--compare", "--format=json"],
                         capture_output=True, text=True)
    assert out.returncode in (0, 2), "exit status %d" % out.returncode
    conns = {}
    for line in subprocess.run([TCPVIZ, "-r", path, "--format=json"], capture_output=True,
                               text=True).stdout.splitlines():
        o = json.loads(line)
        if o["type"] == "conn" and "late_of" not in o:   # late parts: not in the numbers
            conns[o["conn"]] = o
    seen = []
    for line in out.stdout.splitlines():
        o = json.loads(line)
        if o["type"] == "compare_left_out":
            assert o["flows"] == len(conns) - len(seen) > 0
            continue
        assert o["type"] == "compare", o["type"]
        assert set(o) == COMPARE_KEYS, set(o) ^ COMPARE_KEYS
        c = conns[o["conn"]]
        assert (o["proto"], o["client"], o["server"]) == (c["proto"], c["client"], c["server"])
        for k in COMPARE_PAIRS:
            pair_of(o[k])
        assert o["packets"] == [c["packets"]["client"], c["packets"]["server"]], o["conn"]
        assert o["payload_bytes"] == [c["bytes"]["client"], c["bytes"]["server"]], o["conn"]
        known = o["delivery_known"]
        assert known in ("not known", "both ends", "inferred")
        for k in COMPARE_MAYBE:
            assert o[k] is None or pair_of(o[k])
        assert (o["delivered"] is None) == (known == "not known")
        if o["payload_delivered"] is not None:
            assert all(d <= p for d, p in zip(o["payload_delivered"], o["payload_bytes"]))
        assert (o["payload_delivered"] is None) == (o["proto"] == "udp" and known == "not known")
        if o["delivered"] is not None:
            assert [d + l for d, l in zip(o["delivered"], o["lost"])] == o["sent"] or \
                known == "both ends"
        assert (o["retransmissions"] is None) == (o["proto"] == "udp")
        for k in COMPARE_SECS:
            assert o[k] is None or (isinstance(o[k], float) and o[k] >= 0), (k, o[k])
        assert o["setup_packets"] <= sum(o["packets"])
        assert 0 <= o["overhead_pct"] <= 100
        assert all(s <= p for s, p in zip(o["sent"], o["packets"]))
        seen.append(o["conn"])
    assert seen == sorted(seen) and len(seen) == min(len(conns), 8), (seen, len(conns))


def main():
    caps = sorted(glob.glob("captures/*.pcap") + glob.glob("captures/*.pcapng"))
    passed = failed = 0
    for c in caps:
        try:
            check(c)
            check_compare(c)
            passed += 1
            print("ok      json %s" % c)
        except Exception as e:  # report and go on
            failed += 1
            print("FAIL    json %s: %s" % (c, e))
    print("json: %d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
