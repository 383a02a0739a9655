#!/bin/sh
# bench/pgo-train.sh: the training run of make tcpviz-pgo: a tcpviz built with -fprofile-generate, run in each output mode over two generated captures and the repo's own.
#
# usage: bench/pgo-train.sh TCPVIZ DIR
# The captures are bench/mkcap's, small (20,000 connections, about 300,000
# packets each) and seeded: the many-host file and the all-loopback one,
# as make bench measures.  The counts differ a little from run to run
# (the table's hash key is random, addresses move), so two builds may lay
# the code out a little differently; never what it does.
# Output goes to /dev/null; only the counters the runs leave matter.  A run
# that fails fails the build: a profile from a broken program is no guide.
set -eu
TV=$1
DIR=$2
MKCAP=${MKCAP:-build/bench/mkcap}
mkdir -p "$DIR"
"$MKCAP" -s 7 -n 20000 -o "$DIR/hosts.pcap" 2>/dev/null
"$MKCAP" -l -s 7 -n 20000 -o "$DIR/loop.pcap" 2>/dev/null
for f in "$DIR/hosts.pcap" "$DIR/loop.pcap"; do
	for m in "" --summary --data=full --format=json -vv --format=svg; do
		# shellcheck disable=SC2086 # $m is one option or none
		"$TV" $m -r "$f" > /dev/null || {
			echo "pgo-train: tcpviz $m -r $f failed" >&2
			exit 1
		}
	done
done
# the rarer paths (tunnels, IPv6, options, damaged packets) once each
for f in captures/*.pcap captures/*.pcapng; do
	[ -f "$f" ] || continue
	"$TV" -vv -r "$f" > /dev/null 2>&1 || :
done
rm -f "$DIR/hosts.pcap" "$DIR/loop.pcap"
