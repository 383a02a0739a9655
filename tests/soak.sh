#!/bin/sh
# tests/soak.sh: make soak: live capture with -w for SOAK_SECONDS (600) of mixed TCP and UDP traffic on loopback; the file holds every packet counted, nothing leaks; needs root.
#
# An echo server for TCP and one for UDP on 127.0.0.1 (ports the kernel
# picks); senders in a loop, each run bounded (--count) and the loop by
# the clock (bursts of some 400 packets at loopback speed), tcpviz -i lo
# -w FILE on those ports, its output to /dev/null.
# Every 10 s the RSS and the open descriptors of tcpviz are sampled: after
# the first minute (or half the run) neither may grow by more than 10 %
# plus 1 MiB / 2 fds.  At the end: SIGINT, then the "packets captured"
# line must equal the packets in the file, and the kernel dropped none.
# Prints "ok NAME" / "FAIL NAME: why", then "soak: N passed, M failed".
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/live/lib.sh
live_setup
SECS=${SOAK_SECONDS:-600}
SRV_T=$((SECS + 120))

if [ $is_root = 0 ]; then
	needroot soak
	echo "soak: $passed passed, $failed failed"
	exit 0
fi
start_server tcp --tcp 0 --model=epoll || { bad soak "no TCP server" "$tmp/tcp.log"; exit 1; }
tport=$port
start_server udp --udp 0 || { bad soak "no UDP server" "$tmp/udp.log"; exit 1; }
uport=$port

timeout -k 5 $((SECS + 60)) "$TCPVIZ" -i lo -w "$tmp/soak.pcap" \
    "port $tport or port $uport" >/dev/null 2>"$tmp/viz.err" &
tpid=$!
pids="$pids $tpid"
listening "$tmp/viz.err"
vpid=$(pgrep -P "$tpid" | head -1)

end=$(($(date +%s) + SECS))
start=$(date +%s)
: >"$tmp/samples"
next=$start
while [ "$(date +%s)" -lt "$end" ]; do
	timeout -k 2 20 "$CLIENT" -q --count 100 127.0.0.1 "$tport" "soak" >/dev/null 2>&1
	timeout -k 2 20 "$CLIENT" -q --udp 127.0.0.1 "$uport" one two three >/dev/null 2>&1
	if [ "$(date +%s)" -ge "$next" ]; then
		rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$vpid/status" 2>/dev/null)
		fds=$(ls "/proc/$vpid/fd" 2>/dev/null | wc -l)
		echo "$(($(date +%s) - start)) ${rss:-0} $fds" >>"$tmp/samples"
		next=$((next + 10))
	fi
	sleep 0.05
done
kill -INT "$vpid" 2>/dev/null
wait "$tpid"
st=$?
forget "$tpid"

captured=$(sed -n 's/^\([0-9]*\) packets captured$/\1/p' "$tmp/viz.err")
dropped=$(sed -n 's/^\([0-9]*\) packets dropped by kernel$/\1/p' "$tmp/viz.err")
saved=$("$TCPVIZ" -r "$tmp/soak.pcap" --summary 2>/dev/null | sed -n 's/^\([0-9]*\) packets: .*/\1/p')
if [ $st = 0 ] && [ -n "$captured" ] && [ "$captured" = "${saved:-x}" ] && [ "${dropped:-x}" = 0 ]; then
	ok soak-file-complete
else
	bad soak-file-complete "exit $st; captured ${captured:-?}, in the file ${saved:-?}, dropped ${dropped:-?}" "$tmp/viz.err"
fi
# steady: the samples after the warm-up against the first one after it
warm=$((SECS / 2 < 60 ? SECS / 2 : 60))
why=$(awk -v warm="$warm" '
	$1 >= warm && !base { r0 = $2; f0 = $3; base = 1; next }
	base { if ($2 > r0 * 1.1 + 1024) printf "RSS %d KiB at %d s (was %d); ", $2, $1, r0
	       if ($3 > f0 + 2) printf "%d fds at %d s (were %d); ", $3, $1, f0 }
	END { if (!base) printf "no samples after the warm-up" }' "$tmp/samples")
if [ -z "$why" ]; then
	ok soak-steady
else
	bad soak-steady "$why" "$tmp/samples"
fi
echo "soak: $passed passed, $failed failed ($(wc -l <"$tmp/samples") samples, ${captured:-0} packets in $SECS s)"
[ $failed = 0 ]
