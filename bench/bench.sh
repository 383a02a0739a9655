#!/bin/sh
# bench/bench.sh: replay speed of tcpviz against tcpdump -r on the same synthetic
# capture, as ratios measured in one run (make bench).  Not a test: numbers vary
# by machine; the ratios are what to compare between versions.
#
#   sh bench/bench.sh [CONNECTIONS]      (default 100000: 800000 packets)
set -eu
cd "$(dirname "$0")/.."
n=${1:-100000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
f=$tmp/full.pcap
python3 tools/mkpcap.py full "$n" "$f"
pkts=$((n * 8))

# best of 3 wall-clock seconds of a command, output discarded
best() {
	b=""
	for i in 1 2 3; do
		s=$(date +%s.%N)
		"$@" >/dev/null 2>&1
		e=$(date +%s.%N)
		t=$(awk "BEGIN { print $e - $s }")
		if [ -z "$b" ] || awk "BEGIN { exit !($t < $b) }"; then b=$t; fi
	done
	echo "$b"
}

echo "capture: $n connections, $pkts packets, $(du -h "$f" | cut -f1)"
printf '%-34s %10s %14s %10s\n' command seconds packets/s "vs tcpdump"
ref=""
if command -v tcpdump >/dev/null 2>&1; then
	ref=$(best tcpdump -n -r "$f")
fi
for cmd in "tcpdump -n -r" "./tcpviz --format=json -r" "./tcpviz --summary -r" "./tcpviz -r" "./tcpviz --data=full -r"; do
	case $cmd in tcpdump*) [ -n "$ref" ] || continue; t=$ref ;; *) t=$(best $cmd "$f") ;; esac
	rate=$(awk "BEGIN { print $pkts / $t }")
	ratio="-"
	[ -n "$ref" ] && ratio=$(awk "BEGIN { printf \"%.2fx\", $t / $ref }")
	printf '%-34s %10.3f %14.0f %10s\n' "$cmd" "$t" "$rate" "$ratio"
done
