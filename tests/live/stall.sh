#!/bin/sh
# tests/live/stall.sh: a reader of stdout that stalls (a pager) does not stall the capture: no kernel drops, -w complete, a clean Ctrl-C; needs root.
#
# An echo server on 127.0.0.1 (a port the kernel picks), 60 clients one
# after another, each sending 20 short messages (bounded, about 5000
# packets in 4 s: a rate tcpviz draws with ease), tcpviz -i lo drawing
# every row into a pipe whose reader sleeps for the first 6 seconds.  Everything runs under timeout(1).  Prints
# "ok NAME" / "FAIL NAME: why" / "skip NAME: why", then
# "stall: N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
live_setup
T=60

if [ $is_root = 0 ]; then
	needroot stalled-reader
	echo "stall: $passed passed, $failed failed"
	exit 0
fi

if ! start_server srv --tcp 0; then
	bad stalled-reader "the server did not start" "$tmp/srv.log"
	echo "stall: $passed passed, $failed failed"
	exit 1
fi
mkfifo "$tmp/fifo"
# the reader: asleep for 6 s, then it reads everything
timeout -k 2 $T sh -c 'sleep 6; cat >/dev/null' <"$tmp/fifo" &
pids="$pids $!"
timeout -k 2 $T "$TCPVIZ" -i lo --data=full -w "$tmp/s.pcap" \
    "tcp port $port" >"$tmp/fifo" 2>"$tmp/viz.err" &
tpid=$!
pids="$pids $tpid"
listening "$tmp/viz.err"
cst=0
n=0
while [ $n -lt 60 ]; do
	timeout -k 2 $T "$CLIENT" -q --count 20 127.0.0.1 "$port" "ping" \
	    >/dev/null 2>>"$tmp/client.err" || cst=1
	sleep 0.05
	n=$((n + 1))
done
sleep 1
vpid=$(pgrep -P "$tpid" | head -1)
[ -n "$vpid" ] && kill -INT "$vpid"
wait "$tpid"
st=$?
forget "$tpid"
captured=$(sed -n 's/^\([0-9]*\) packets captured$/\1/p' "$tmp/viz.err")
dropped=$(sed -n 's/^\([0-9]*\) packets dropped by kernel$/\1/p' "$tmp/viz.err")
saved=$("$TCPVIZ" -r "$tmp/s.pcap" 2>/dev/null | sed -n 's/^\([0-9]*\) packets: .*/\1/p')
why=""
[ $cst = 0 ] || why="$why the client failed ($cst);"
[ $st = 0 ] || why="$why tcpviz exit status $st;"
[ "${dropped:-x}" = 0 ] || why="$why the kernel dropped ${dropped:-?} packets;"
[ -n "$captured" ] && [ "$captured" -ge 2800 ] || why="$why ${captured:-no} packets captured (want at least 2800);"
[ "${saved:-x}" = "${captured:-y}" ] || why="$why -w holds ${saved:-?} of ${captured:-?};"
grep -q "Interrupted system call" "$tmp/viz.err" && why="$why a write interrupted at the end was an error;"
if [ -z "$why" ]; then
	ok stalled-reader
else
	bad stalled-reader "$why" "$tmp/viz.err" "$tmp/client.err"
fi

echo "stall: $passed passed, $failed failed"
[ $failed = 0 ]
