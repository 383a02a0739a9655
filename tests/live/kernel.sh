#!/bin/sh
# tests/live/kernel.sh: tcpviz -i lo --kernel shows what the kernel holds for each end (LISTEN with its accept queue, ESTAB, TIME-WAIT with its timer, the server's name), in text and JSON; needs root.
#
# An iterative tcpviz-server on 127.0.0.1 (a port the kernel picks) that
# holds each connection 300 ms after the client's FIN, three tcpviz-client
# at once: the second and third wait in the accept queue while the first
# is served.  Two captures watch: the ladder with --kernel, and JSON.
# Then tcpviz --kernel-query asks once about the port, and reads back the
# replies the JSON capture kept (--kernel-dump); without root, a recording
# in tests/data/ is read back and compared with its reviewed words.  Everything runs
# under timeout(1).  Prints "ok NAME" / "FAIL NAME: why" / "skip NAME:
# why", then "kernel: N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
live_setup
T=30

# --kernel is for live capture: with -r, one line and exit 1
"$TCPVIZ" -r captures/handshake.pcap --kernel >"$tmp/r.out" 2>"$tmp/r.err"
st=$?
if [ $st = 1 ] && [ ! -s "$tmp/r.out" ] && grep -q "not with -r" "$tmp/r.err"; then
	ok kernel-not-with-r
else
	bad kernel-not-with-r "exit $st" "$tmp/r.err"
fi

# a recording (tests/data/, tools/kernel-record.py) read back without root:
# every state in words, as the reviewed tests/data/kernel-states.out has them
P=47001,47002,47003,47004,47005,47006,47007,47008,47009
"$TCPVIZ" --kernel-query=$P --kernel-file=tests/data/kernel-states.diag \
    >"$tmp/rec.out" 2>"$tmp/rec.err"
st=$?
if [ $st = 0 ] && [ ! -s "$tmp/rec.err" ] && cmp -s "$tmp/rec.out" tests/data/kernel-states.out; then
	ok kernel-file
else
	diff tests/data/kernel-states.out "$tmp/rec.out" >"$tmp/rec.diff"
	bad kernel-file "exit $st, or not the lines of tests/data/kernel-states.out" "$tmp/rec.err" "$tmp/rec.diff"
fi
# a cut recording: one line, exit 1
head -c 100 tests/data/kernel-states.diag >"$tmp/cut.diag"
"$TCPVIZ" --kernel-query=$P --kernel-file="$tmp/cut.diag" >"$tmp/cut.out" 2>"$tmp/cut.err"
st=$?
if [ $st = 1 ] && [ ! -s "$tmp/cut.out" ] && grep -q "cut, or damaged" "$tmp/cut.err"; then
	ok kernel-file-cut
else
	bad kernel-file-cut "exit $st" "$tmp/cut.out" "$tmp/cut.err"
fi

# --kernel: the ladder or JSON, not --summary (checked before capturing)
"$TCPVIZ" -i lo --kernel --summary >"$tmp/s.out" 2>"$tmp/s.err"
st=$?
if [ $st = 1 ] && [ ! -s "$tmp/s.out" ] && grep -q "not --summary" "$tmp/s.err"; then
	ok kernel-not-summary
else
	bad kernel-not-summary "exit $st" "$tmp/s.err"
fi

if [ $is_root = 0 ]; then
	for n in kernel-listen-queue kernel-estab kernel-time-wait kernel-owner \
	    kernel-json kernel-query kernel-filter kernel-dump; do
		needroot $n
	done
	echo "kernel: $passed passed, $failed failed"
	exit 0
fi

if ! start_server srv --tcp 0 --bind 127.0.0.1 --model=iterative \
    --close-delay 300; then
	bad kernel-server "the server did not start" "$tmp/srv.log"
	echo "kernel: $passed passed, $failed failed"
	exit 1
fi
timeout -k 2 $T "$TCPVIZ" -i lo --kernel --width=0 "tcp port $port" \
    >"$tmp/text.out" 2>"$tmp/text.err" &
t1=$!
pids="$pids $t1"
timeout -k 2 $T "$TCPVIZ" -i lo --kernel --format=json "tcp port $port" \
    --kernel-dump="$tmp/live.diag" >"$tmp/json.out" 2>"$tmp/json.err" &
t2=$!
pids="$pids $t2"
listening "$tmp/text.err" && listening "$tmp/json.err"
for i in 1 2 3; do
	timeout -k 2 $T "$CLIENT" -q 127.0.0.1 "$port" "hello $i" \
	    >/dev/null 2>>"$tmp/client.err" &
	pids="$pids $!"
done
sleep 2
# what the kernel says of the port now, asked once (the server still listens)
timeout -k 2 $T "$TCPVIZ" --kernel-query="$port" >"$tmp/query.out" 2>"$tmp/query.err"
qst=$?
for p in $t1 $t2; do
	vpid=$(pgrep -P "$p" | head -1)
	[ -n "$vpid" ] && kill -INT "$vpid"
	wait "$p"
	forget "$p"
done
K="$tmp/text.out"

# the listener: its accept queue held the two that waited
if grep -Eq "^#[0-9]+ +kernel: server LISTEN accept queue [2-9]/[0-9]+" "$K" &&
    grep -Eq "^#[0-9]+ +kernel: server LISTEN accept queue 0/[0-9]+" "$K"; then
	ok kernel-listen-queue
else
	bad kernel-listen-queue "no LISTEN line with 2 or more waiting, then 0" "$K" "$tmp/text.err"
fi
# both ends established, the server's while it waited for accept()
if grep -Eq "kernel: client ESTAB" "$K" &&
    grep -Eq "kernel: server ESTAB.*in the accept queue \(not accepted yet\)" "$K"; then
	ok kernel-estab
else
	bad kernel-estab "no ESTAB of the client and of a server end not accepted yet" "$K"
fi
# the client closed first: TIME-WAIT, with its timer (60 s at most)
tw=$(grep -Ec "kernel: client TIME-WAIT (60\.0|[1-5][0-9]\.[0-9]) s left" "$K")
if [ "$tw" = 3 ]; then
	ok kernel-time-wait
else
	bad kernel-time-wait "$tw of 3 clients shown in TIME-WAIT with the time left" "$K"
fi
# who holds the sockets: the server by name and pid
if grep -Eq "kernel: server LISTEN .*\(tcpviz-server [0-9]+\)" "$K" &&
    grep -Eq "kernel: client .*\(tcpviz-client [0-9]+\)" "$K"; then
	ok kernel-owner
else
	bad kernel-owner "no (tcpviz-server PID) on the listener, or no client's name" "$K"
fi
# JSON: the same facts as kernel objects
if python3 - "$tmp/json.out" <<'EOF'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
k = [e for e in ev if e["type"] == "kernel"]
lis = [e for e in k if e["state"] == "LISTEN"]
tw = [e for e in k if e["state"] == "TIME-WAIT"]
assert lis and max(e["recv_q"] for e in lis) >= 2, "no LISTEN with 2 waiting"
assert all(e["comm"] == "tcpviz-server" and e["pid"] > 0 for e in lis if "pid" in e)
assert any("pid" in e for e in lis), "no owner of the listener"
assert len(tw) == 3, "%d TIME-WAIT" % len(tw)
assert all(e["timer"] == "timewait" and 0 < e["timer_ms"] <= 60000 for e in tw)
assert all(e["side"] in ("client", "server") and isinstance(e["conn"], int) for e in k)
conns = {e["conn"] for e in ev if e["type"] == "conn"}
assert {e["conn"] for e in k} <= conns, "a kernel line for no connection"
EOF
then
	ok kernel-json
else
	bad kernel-json "the JSON kernel objects do not say it" "$tmp/json.out"
fi
# asked once: the listener and its owner
if [ $qst = 0 ] && grep -Eq "^tcp 127\.0\.0\.1:$port 0\.0\.0\.0:0 LISTEN accept queue 0/[0-9]+ \(tcpviz-server [0-9]+\)$" "$tmp/query.out"; then
	ok kernel-query
else
	bad kernel-query "exit $qst" "$tmp/query.out" "$tmp/query.err"
fi

# the kernel's own port filter (INET_DIAG_REQ_BYTECODE) leaves out no
# socket of the port: as many as ss lists (TIME-WAITs included)
if command -v ss >/dev/null 2>&1; then
	theirs=$(ss -Htan "( sport = :$port or dport = :$port )" | wc -l)
	ours=$(grep -c "^tcp " "$tmp/query.out")
	if [ "$ours" = "$theirs" ] && [ "$ours" -ge 4 ]; then
		ok kernel-filter
	else
		bad kernel-filter "--kernel-query lists $ours sockets of port $port, ss $theirs" "$tmp/query.out"
	fi
else
	skip kernel-filter "ss is not installed"
fi
# every reply of the live capture kept, and read back: the listener is in it
"$TCPVIZ" --kernel-query="$port" --kernel-file="$tmp/live.diag" >"$tmp/back.out" 2>&1
st=$?
if [ $st = 0 ] && grep -Eq "^tcp 127\.0\.0\.1:$port 0\.0\.0\.0:0 LISTEN accept queue [2-9]/" "$tmp/back.out" &&
    grep -q "TIME-WAIT" "$tmp/back.out"; then
	ok kernel-dump
else
	bad kernel-dump "exit $st: no LISTEN with 2 waiting, or no TIME-WAIT, in the replies kept" "$tmp/back.out"
fi

echo "kernel: $passed passed, $failed failed"
[ $failed = 0 ]
