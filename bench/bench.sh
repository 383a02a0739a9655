#!/bin/sh
# bench/bench.sh: make bench: each tcpviz mode timed against the libpcap floor on two generated captures, then live capture drops next to tcpdump's.
#
# Offline: bench/mkcap.c writes two captures (cached in build/bench/ by seed
# and size): "hosts", clients spread over 127.0-5.x.y, and "loop", the same
# traffic all on 127.0.0.1 with 4-tuples reused.  bench/floor.c is the
# floor: pcap_open_offline and a pcap_next_ex count loop, nothing more.
# Each mode runs paired with the floor, floor first (A B A B ...),
# BENCH_RUNS pairs; "x floor" is the median of the pairs' ratios, Mpkt/s
# the packets over the median time, peak RSS the largest ru_maxrss of the
# runs (bench/rss.c).  Before timing, the floor's packet count and
# tcpviz --summary's totals line must equal what the generator wrote.
#
# Memory: bench/connmem.c opens 100,000 connections in one table and
# prints the heap malloc counts for each (the table's index and the
# connections), exact and the same every run.
#
# Live (root only): bench/blast.c sends 60-byte UDP frames to 127.0.0.1 at
# BENCH_RATE a second for BENCH_LIVE_SECONDS; each capture (tcpviz in three
# output modes, and tcpdump -w /dev/null) is stopped with SIGINT and its
# "packets captured" and "dropped by kernel" lines read back.  Once on a
# quiet machine, once with a spinning process pinned to the capture's CPU,
# and once at the fastest rate the sender reaches.  Then latency: bench/
# latency.c sends one datagram at a time and times how soon the capture's
# output moves (tcpviz's ladders and JSON, tcpdump -l).
#
# Knobs: BENCH_RUNS (5), BENCH_SCALE (1 = 376,000 TCP connections, about
# 1 GB a capture; 0.05 for a quick run), BENCH_SEED (1), BENCH_TCPVIZ
# (./tcpviz), BENCH_CMP_RUNS (3, the tcpdump rows), BENCH_CMP_LIMIT (60:
# seconds a tcpdump run may take; one that takes longer is stopped and its
# row shows a bound, ">"), BENCH_LIVE (1; 0 skips),
# BENCH_RATE (100000), BENCH_LIVE_SECONDS (3, at most 5), BENCH_PORT (39999),
# BENCH_OFFLINE (1; 0 runs the live part only).
# Not a test: nothing here fails on speed, only on wrong counts.
set -eu
cd "$(dirname "$0")/.."
TV=${BENCH_TCPVIZ:-./tcpviz}
RUNS=${BENCH_RUNS:-5}
CMP_RUNS=${BENCH_CMP_RUNS:-3}
CMP_LIMIT=${BENCH_CMP_LIMIT:-60}
LIMIT=0
SCALE=${BENCH_SCALE:-1}
SEED=${BENCH_SEED:-1}
LIVE=${BENCH_LIVE:-1}
RATE=${BENCH_RATE:-100000}
LSECS=${BENCH_LIVE_SECONDS:-3}
PORT=${BENCH_PORT:-39999}
B=build/bench
tmp=$(mktemp -d)
spin=""
cap=""
cleanup() {
	[ -n "$spin" ] && kill "$spin" 2>/dev/null
	[ -n "$cap" ] && kill "$cap" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

die() {
	echo "bench: FAIL: $*" >&2
	exit 1
}

[ -x "$TV" ] || die "$TV: no such program (build it, or set BENCH_TCPVIZ)"
${MAKE:-make} --no-print-directory -s bench-tools || die "cannot build bench/"

# --- the machine ----------------------------------------------------------
cpu=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)
echo "tcpviz bench, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) CPUs, ${cpu:-unknown CPU}, Linux $(uname -r), $($B/floor -V)"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at the start"
echo "tcpviz:  $TV ($("$TV" --version 2>/dev/null | head -1)), tree at $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' + local changes')"
echo "runs:    $RUNS pairs a mode, floor first; medians; BENCH_SCALE=$SCALE BENCH_SEED=$SEED"

# --- the captures ---------------------------------------------------------
n=$(awk -v s="$SCALE" 'BEGIN { n = int(376000 * s + 0.5); print (n < 100 ? 100 : n) }')

# capture NAME FLAGS: the file's path; written once, kept by seed and size
capture() {
	f=$B/$1-s$SEED-n$n.pcap
	if [ ! -s "$f" ] || [ ! -s "$f.counts" ] ||
	    [ "$(wc -c <"$f")" != "$(sed -n 's/.* bytes=\([0-9]*\).*/\1/p' "$f.counts")" ]; then
		rm -f "$f" "$f.counts"
		$B/mkcap $2 -s "$SEED" -n "$n" -o "$f" 2>"$f.counts.tmp" ||
		    { cat "$f.counts.tmp" >&2; die "mkcap failed"; }
		mv "$f.counts.tmp" "$f.counts"
	fi
	echo "$f"
}

# count FILE KEY: packets, tcp, udp or bytes, as the generator wrote them
count() {
	sed -n "s/.* $2=\([0-9]*\).*/\1/p" "$1.counts"
}

# check FILE: the floor and tcpviz --summary must count what was written
check() {
	p=$(count "$1" packets)
	t=$(count "$1" tcp)
	u=$(count "$1" udp)
	fl=$($B/floor "$1") || die "floor could not read $1"
	[ "$fl" = "$p" ] || die "$1: floor counts $fl packets, the generator wrote $p"
	"$TV" --summary -r "$1" >"$tmp/sum" 2>"$tmp/sum.err" ||
	    { cat "$tmp/sum.err" >&2; die "$TV --summary -r $1 failed"; }
	tot=$(grep -E '^[0-9]+ connections? \(' "$tmp/sum" | tail -1)
	[ -n "$tot" ] || die "$TV --summary -r $1: no totals line"
	got=$(echo "$tot" | sed -n 's/^[0-9]* connections* (\([0-9]*\) TCP, \([0-9]*\) UDP), \([0-9]*\) packets.*/\1 \2 \3/p')
	[ "$got" = "$t $u $p" ] ||
	    die "$1: tcpviz --summary says \"$tot\"; the generator wrote $t TCP, $u UDP, $p packets"
	echo "checked: floor $fl packets; tcpviz --summary $t TCP + $u UDP connections, $p packets: as written"
}

# median of numbers on stdin
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan";
	    else if (NR % 2) print v[(NR + 1) / 2];
	    else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# timed OUTFILE LIMIT CMD...: one run under bench/rss, "seconds kb"
# appended; a run that outlasts LIMIT seconds (0: none) is killed, "over" set
timed() {
	o=$1
	l=$2
	shift 2
	r=$($B/rss -t "$l" "$@" 2>>"$tmp/err") || {
		case $r in *" 124") over=1 ;;
		*) tail -5 "$tmp/err" >&2; die "'$*' failed (rss: $r)" ;; esac
	}
	echo "$r" | cut -d' ' -f1,2 >>"$o"
}

row() {
	printf '%-44s %8s %8s %12s\n' "$@"
}

# paired LABEL RUNS CMD...: RUNS pairs of floor then CMD; one table row
paired() {
	label=$1
	k=$2
	shift 2
	: >"$tmp/a"
	: >"$tmp/b"
	i=0
	over=0
	while [ $i -lt "$k" ] && [ $over = 0 ]; do
		timed "$tmp/a" 0 $B/floor "$F"
		timed "$tmp/b" "$LIMIT" "$@"
		i=$((i + 1))
	done
	ratio=$(paste -d' ' "$tmp/a" "$tmp/b" | awk '{ print $3 / $1 }' | median)
	sec=$(cut -d' ' -f1 "$tmp/b" | median)
	kb=$(cut -d' ' -f2 "$tmp/b" | sort -n | tail -1)
	fsec=$(cut -d' ' -f1 "$tmp/a" | median)
	echo "$fsec" >>"$tmp/floors"
	# a run stopped at LIMIT: its time is a lower bound, and so is the ratio
	gt=""
	[ $over = 1 ] && gt=">" && ratio=$(paste -d' ' "$tmp/a" "$tmp/b" | tail -1 | awk '{ print $3 / $1 }') &&
	    sec=$(tail -1 "$tmp/b" | cut -d' ' -f1)
	[ $over = 1 ] && lt="<" || lt=""
	row "$label" "$gt$(awk -v r="$ratio" 'BEGIN { printf "%.2f", r }')" \
	    "$lt$(awk -v p="$PK" -v s="$sec" 'BEGIN { printf "%.2f", p / s / 1e6 }')" \
	    "$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')"
	[ $over = 0 ] || echo "    (stopped after $LIMIT s, BENCH_CMP_LIMIT: the row is a bound)"
}

offline() {
	F=$(capture "$1" "$2")
	PK=$(count "$F" packets)
	echo
	echo "== $1: $F"
	echo "written: $(count "$F" packets) packets, $(count "$F" tcp) TCP connections, $(count "$F" udp) UDP flows, $(awk -v b="$(count "$F" bytes)" 'BEGIN { printf "%.2f GB", b / 1e9 }'); $3"
	check "$F"
	: >"$tmp/floors"
	row mode "x floor" Mpkt/s "peak RSS MB"
	paired "floor (pcap_next_ex count loop)" "$RUNS" $B/floor "$F"
	paired "tcpviz --summary" "$RUNS" "$TV" --summary -r "$F"
	# what verifying every checksum costs (-K skips it, as tcpdump's)
	paired "tcpviz --summary -K" "$RUNS" "$TV" --summary -K -r "$F"
	paired "tcpviz (ladders)" "$RUNS" "$TV" -r "$F"
	paired "tcpviz --data=full" "$RUNS" "$TV" --data=full -r "$F"
	paired "tcpviz --format=json" "$RUNS" "$TV" --format=json -r "$F"
	if command -v tcpdump >/dev/null 2>&1; then
		LIMIT=$CMP_LIMIT
		paired "tcpdump -nn -S -r (text)" "$CMP_RUNS" tcpdump -nn -S -r "$F"
		paired "tcpdump -r -w /dev/null 'tcp port 80'" "$CMP_RUNS" \
		    tcpdump -r "$F" -w /dev/null tcp port 80
		LIMIT=0
	else
		echo "(tcpdump not installed: no comparison rows)"
	fi
	echo "floor: median $(median <"$tmp/floors" | awk '{ printf "%.3f", $1 }') s of the pairs' floor medians, $(awk -v p="$PK" -v s="$(median <"$tmp/floors")" 'BEGIN { printf "%.1f", p / s / 1e6 }') Mpkt/s"
}

if [ "${BENCH_OFFLINE:-1}" = 0 ]; then
	echo
	echo "skip offline: BENCH_OFFLINE=0"
else
	offline hosts "" "clients over 127.0-5.x.y, server 127.0.0.1 ports 80 443 8080 5432"
	offline loop -l "all on 127.0.0.1, client ports reused once closed"
fi

# --- memory ----------------------------------------------------------------
# bench/connmem.c: what one more connection costs the table (--summary's
# case: no rows), counted by malloc, 100,000 open at once; exact, no timing
if [ "${BENCH_OFFLINE:-1}" != 0 ]; then
	echo
	echo "== memory a tracked connection (bench/connmem.c, 100,000 open; issue 12's target: 128 bytes)"
	$B/connmem -n 100000 || die "connmem failed"
fi

# --- live ------------------------------------------------------------------
echo
echo "== live: 60-byte UDP frames on lo to 127.0.0.1:$PORT, $LSECS s a run"
if [ "$LIVE" = 0 ]; then
	echo "skip live: BENCH_LIVE=0"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "skip live: needs root (capture on lo needs CAP_NET_RAW)"
	exit 0
fi
pin_cap=""
pin_snd=""
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
	pin_cap="taskset -c 1"
	pin_snd="taskset -c 0"
	echo "sender pinned to CPU 0, capture to CPU 1"
else
	echo "(one CPU or no taskset: nothing pinned; the busy condition is skipped)"
fi

# live_one LABEL CONDITION RATE CMD...: one capture while blast sends;
# the row's last column is its captured share over tcpdump's in this set
live_one() {
	label=$1
	cond=$2
	rate=$3
	shift 3
	$pin_cap "$@" >/dev/null 2>"$tmp/cap.err" &
	cap=$!
	i=0
	until grep -q 'listening on' "$tmp/cap.err" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$cap" 2>/dev/null; then
			cat "$tmp/cap.err" >&2
			die "'$*' did not start capturing"
		fi
		sleep 0.1
	done
	sleep 0.3
	sent=$($pin_snd $B/blast -p "$PORT" -r "$rate" -t "$LSECS" | awk '{ print $2 }')
	# tcpdump's ring hands over a block at the latest after its 1 s timeout
	sleep 1.5
	kill -INT "$cap"
	wait "$cap" || true
	cap=""
	got=$(sed -n 's/^\([0-9]*\) packets captured$/\1/p' "$tmp/cap.err")
	drop=$(sed -n 's/^\([0-9]*\) packets dropped by kernel$/\1/p' "$tmp/cap.err")
	pct=$(awk -v g="${got:-0}" -v s="$sent" 'BEGIN { printf "%.2f", s ? 100 * g / s : 0 }')
	case $label in tcpdump*) ref=$pct ;; esac
	vs=$(awk -v p="$pct" -v r="${ref:-}" 'BEGIN { if (r == "" || r == 0) print "-";
	    else printf "%.1f%%", 100 * p / r }')
	printf '%-24s %-6s %7s %9s %9s %7s %9s %8s\n' "$label" "$cond" \
	    "$([ "$rate" = 0 ] && echo max || echo "$rate")" "$sent" \
	    "${got:-?}" "$pct" "${drop:-?}" "$vs"
}

# live_set CONDITION RATE: every capture once, tcpdump first
live_set() {
	ref=""
	if command -v tcpdump >/dev/null 2>&1; then
		live_one "tcpdump -w /dev/null" "$1" "$2" tcpdump -i lo -w /dev/null "udp port $PORT"
	fi
	live_one "tcpviz --summary" "$1" "$2" "$TV" --summary -i lo "udp port $PORT"
	live_one "tcpviz (ladders)" "$1" "$2" "$TV" -i lo "udp port $PORT"
	live_one "tcpviz --format=json" "$1" "$2" "$TV" --format=json -i lo "udp port $PORT"
}

command -v tcpdump >/dev/null 2>&1 || echo "(tcpdump not installed: no tcpdump rows)"
printf '%-24s %-6s %7s %9s %9s %7s %9s %8s\n' capture cond rate/s sent captured "%" k-drops "vs tcpd"
live_set quiet "$RATE"
if [ -n "$pin_cap" ]; then
	$pin_cap sh -c 'while :; do :; done' &
	spin=$!
	live_set busy "$RATE"
	kill "$spin"
	wait "$spin" 2>/dev/null || true
	spin=""
fi
live_set quiet 0
echo "busy: a spinning shell pinned to the capture's CPU; max: one sender as fast as it goes"
echo "% = captured / sent; vs tcpd = that share over tcpdump's in the same set"

# latency: how soon a packet shows (issue 12: a live row within 50 ms)
echo
echo "== live latency: one datagram at a time to 127.0.0.1:$PORT, the time until the capture's stdout (a pipe) moves (bench/latency.c)"
lat_one() {
	label=$1
	shift
	printf '%-24s %s\n' "$label" "$($B/latency -p "$PORT" -n 20 -- "$@" "udp port $PORT" ||
	    echo "(failed: latency's reason is above)")"
}
lat_one "tcpviz (ladders)" "$TV" -i lo
lat_one "tcpviz --format=json" "$TV" --format=json -i lo
if command -v tcpdump >/dev/null 2>&1; then
	lat_one "tcpdump -l" tcpdump -l -n -i lo
fi
