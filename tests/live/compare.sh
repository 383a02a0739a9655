#!/bin/sh
# tests/live/compare.sh: the demo's compare scenarios (tcp-vs-udp on loopback and in the lab, udp-refused) on an 80-column pty, and into a pipe that closes early; needs root.
#
# `tcpviz --demo=tcp-vs-udp` and `--demo=udp-refused` run on pseudo-terminals
# of 80 columns made by tests/pty.py, at the demo's pace on a terminal: each
# must exit 0, say "as expected" for every part, draw both flows side by
# side (the compare view's header names a TCP and a UDP flow) with the
# metrics table under them, and print no line wider than 80 columns.  Then
# `--demo=tcp-vs-udp | head -3` must end within 15 s with status 0 and
# leave none of its programs running.  Traffic stays on 127.0.0.1 and in
# the lab's own namespaces.  Without root (capture, the lab) every check
# prints "skip NAME: needs root (...)".  Prints "ok NAME" / "FAIL NAME: why"
# / "skip NAME: why", then "compare: N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
live_setup
T=120		# seconds one demo may take (tcp-vs-udp: about 10 on a terminal)

cleanup() {
	stop_all
	[ -s "$tmp/head.pid" ] && kill "$(cat "$tmp/head.pid")" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

names="compare-tcp-vs-udp-pty-80 compare-udp-refused-pty-80 compare-pipe"
if [ $is_root = 0 ]; then
	for n in $names; do
		needroot "$n"
	done
	echo "compare: $passed passed, $failed failed"
	exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
	for n in $names; do
		skip "$n" "python3 is not installed (tests/pty.py makes the terminals)"
	done
	echo "compare: $passed passed, $failed failed"
	exit 0
fi
if [ ! -x "$TCPVIZ" ]; then
	bad build "$TCPVIZ is not built"
	echo "compare: $passed passed, $failed failed"
	exit 1
fi

# (pty COLS SECONDS OUT CMD...: tests/live/lib.sh)

# view OUT W NAME PARTS PROTO...: what is wrong with the compare demo's
# output (nothing when all is well): PARTS "as expected" results for NAME,
# as many compare views, each with a header naming every PROTO flow and
# the metrics table; no "!!!"; no line over W columns (colour escapes not
# counted)
cat >"$tmp/view.py" <<'EOF'
import re, sys

path, w, name, parts = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
protos = sys.argv[5:]
with open(path, "rb") as f:
    text = re.sub(r"\x1b\[[0-9;]*m", "", f.read().decode("utf-8", "replace"))
ls = text.replace("\r", "").split("\n")
why = []
for i, l in enumerate(ls, 1):
    if len(l) > w:
        why.append("line %d is %d columns, over %d: %r" % (i, len(l), w, l[:200]))
        break
    if l.startswith("!!! "):
        why.append("line %d: %r" % (i, l[:200]))
n = sum(1 for l in ls if l == "--- %s: as expected" % name)
if n != parts:
    why.append("%d '--- %s: as expected', want %d" % (n, name, parts))
views = [i for i, l in enumerate(ls) if re.match(r"compare: [0-9]+ flows", l)]
if len(views) != parts:
    why.append("%d compare views ('compare: N flows'), want %d" % (len(views), parts))
for k, v in enumerate(views):
    end = views[k + 1] if k + 1 < len(views) else len(ls)
    part = ls[v:end]
    head = next((l for l in part if re.search(r"#[0-9]+ (TCP|UDP)", l)), "")
    for p in protos:
        if not re.search(r"#[0-9]+ %s\b" % p, head):
            why.append("view %d: no %s flow in its header %r" % (k + 1, p, head[:120]))
    rows = [l for l in part if re.match(r" +[0-9]+\.[0-9]+ +\|", l)]
    if len(rows) < 2:
        why.append("view %d: %d rows drawn, want 2 or more" % (k + 1, len(rows)))
    for label in ("packets ->, <-", "payload bytes ->, <-", "retransmissions ->, <-",
                  "outcome"):
        if not any(l.startswith(label) for l in part):
            why.append("view %d: no metrics row %r" % (k + 1, label))
print("; ".join(why))
EOF

# ---- tcp-vs-udp: loopback, then the lab (10 % loss) ----
o="$tmp/tvu.out"
pty 80 $T "$o" env -u COLUMNS "$TCPVIZ" --demo=tcp-vs-udp
why=""
[ $st = 0 ] || why="exit status $st;"
r=$(python3 "$tmp/view.py" "$o" 80 tcp-vs-udp 2 TCP UDP)
[ -n "$r" ] && why="$why $r"
if [ -z "$why" ]; then
	ok compare-tcp-vs-udp-pty-80
else
	bad compare-tcp-vs-udp-pty-80 "$why" "$o.err" "$o.pty" "$o"
fi

# ---- udp-refused: ICMP port unreachable beside RST ----
o="$tmp/ur.out"
pty 80 $T "$o" env -u COLUMNS "$TCPVIZ" --demo=udp-refused
why=""
[ $st = 0 ] || why="exit status $st;"
r=$(python3 "$tmp/view.py" "$o" 80 udp-refused 1 TCP UDP)
[ -n "$r" ] && why="$why $r"
grep -q "ICMP port unreachable" "$o" || why="$why no 'ICMP port unreachable';"
grep -q "RST,ACK" "$o" || why="$why no RST,ACK;"
if [ -z "$why" ]; then
	ok compare-udp-refused-pty-80
else
	bad compare-udp-refused-pty-80 "$why" "$o.err" "$o.pty" "$o"
fi

# ---- into head -3: ends soon, exit 0, stops what it started ----
into_head3 60 "$TCPVIZ" --demo=tcp-vs-udp
if [ -z "$why" ]; then
	ok compare-pipe
else
	bad compare-pipe "$why" "$tmp/head.out" "$tmp/head.err"
fi

echo "compare: $passed passed, $failed failed"
[ $failed = 0 ]
