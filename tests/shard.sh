#!/bin/sh
# tests/shard.sh: --shard K/N splits a capture's connections among N workers with no coordination: every connection in exactly one share, each drawn there whole, the same share on every run.
#
# On captures with many connections (the bench generator's, and the
# recorded ones), for N = 1, 2, 3 and 7:
#   * the conn objects of the N shares' JSON, put together, are those of
#     the whole run (the same lines, but for conn ids and "shard");
#   * the packet objects likewise (every packet in one share, the conn's);
#   * the summaries' tcp + udp add up to the whole run's;
#   * two runs of one share give the same bytes (the hash is not the
#     table's secret one);
#   * bad K/N are refused in one line.
# Prints "ok NAME" or "FAIL NAME: why", then "shard: N passed, M failed".
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/live/lib.sh
test_begin

# conn and packet lines without what differs by share (ids, "shard")
norm() {
	sed -e 's/"conn":[0-9]*,//' -e 's/,"shard":[0-9]*//' "$@" |
	    grep -v '"type":"summary"' | sort
}
# tcp + udp of the summary lines of the files
tally() {
	cat "$@" | sed -n 's/.*"type":"summary".*"tcp":\([0-9]*\),"udp":\([0-9]*\),.*/\1 \2/p' |
	    awk '{ t += $1 + $2 } END { print t + 0 }'
}

inputs="captures/udp-tcp-mixed.pcap captures/reuse.pcap captures/retrans.pcap"
# and 3,000 connections from the bench's generator
if ! python3 tools/mkpcap.py full 3000 "$tmp/many.pcap" >/dev/null 2>&1; then
	bad many-pcap "tools/mkpcap.py could not make a capture"
fi
inputs="$inputs $tmp/many.pcap"

for f in $inputs; do
	name=$(basename "$f" .pcap)
	"$TCPVIZ" --format=json -r "$f" >"$tmp/all" 2>/dev/null
	norm "$tmp/all" >"$tmp/all.n"
	whole=$(tally "$tmp/all")
	for n in 1 2 3 7; do
		k=1
		rm -f "$tmp"/part.*
		while [ $k -le $n ]; do
			"$TCPVIZ" --format=json --shard $k/$n -r "$f" >"$tmp/part.$k" 2>/dev/null
			k=$((k + 1))
		done
		norm "$tmp"/part.* >"$tmp/parts.n"
		if cmp -s "$tmp/all.n" "$tmp/parts.n" &&
		    [ "$(tally "$tmp"/part.*)" = "$whole" ]; then
			ok "$name-$n-shares"
		else
			bad "$name-$n-shares" "the $n shares are not the whole run ($(tally "$tmp"/part.*) packets of $whole; $(diff "$tmp/all.n" "$tmp/parts.n" | head -2 | tr '\n' ' '))"
		fi
	done
	"$TCPVIZ" --format=json --shard 2/3 -r "$f" >"$tmp/again" 2>/dev/null
	"$TCPVIZ" --format=json --shard 2/3 -r "$f" >"$tmp/again2" 2>/dev/null
	if cmp -s "$tmp/again" "$tmp/again2"; then
		ok "$name-same-share"
	else
		bad "$name-same-share" "share 2/3 differs between two runs"
	fi
done

# a share of a many-connection file is a real part of it, not all or none
f=$tmp/many.pcap
one=$("$TCPVIZ" --summary --shard 1/4 -r "$f" 2>/dev/null | tail -2 | sed -n 's/^\([0-9]*\) connection.*/\1/p')
all=$("$TCPVIZ" --summary -r "$f" 2>/dev/null | tail -2 | sed -n 's/^\([0-9]*\) connection.*/\1/p')
if [ -n "$one" ] && [ -n "$all" ] && [ "$one" -gt $((all / 8)) ] && [ "$one" -lt $((all / 2)) ]; then
	ok share-spread
else
	bad share-spread "share 1/4 holds ${one:-?} of ${all:-?} connections"
fi

for arg in 0/3 4/3 3 3/0 a/b 1/65537 -1/2; do
	"$TCPVIZ" --shard "$arg" -r captures/udp.pcap >"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ $st = 1 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" = 1 ] &&
	    grep -q "invalid --shard" "$tmp/err"; then
		ok "refused-$arg"
	else
		bad "refused-$arg" "exit $st: $(head -1 "$tmp/err")"
	fi
done

echo "shard: $passed passed, $failed failed"
[ "$failed" = 0 ]
