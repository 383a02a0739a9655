#!/bin/sh
# tests/hash.sh: the connection table's hash is keyed: 4-tuples made to share one bucket of the old unkeyed hash cost no more than ordinary ones.
#
# tools/mkcollide.py writes two captures of the same size and shape
# (HASH_TUPLES connections, default 20,000, each a SYN and 4 packets
# more): one whose 4-tuples all fell in one bucket of the old hash
# (byte-wise FNV-1a, no key: every lookup walked all of them, some 240
# times slower), one of ordinary 4-tuples.  `tcpviz --summary` reads each,
# timed in this one run; the ratio must stay below HASH_MAX_RATIO (3).
# The threshold is a guard against the quadratic case, not a benchmark
# (make bench measures speed).  Both outputs must also be the same from
# run to run: the key is drawn anew each time and nothing may show it.
# Prints "ok NAME" or "FAIL NAME: why", then "hash: N passed, M failed".
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/live/lib.sh
TCPVIZ=${TCPVIZ:-./tcpviz}
TUPLES=${HASH_TUPLES:-20000}
MAX_RATIO=${HASH_MAX_RATIO:-3}
passed=0
failed=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# seconds one command takes, best of three (the runs are short)
best_time() {
	python3 - "$@" <<'EOF'
import subprocess, sys, time
best = None
for _ in range(3):
    t = time.monotonic()
    with open(sys.argv[-1], "wb") as out:
        rc = subprocess.call(sys.argv[1:-1], stdout=out, stderr=subprocess.DEVNULL)
    d = time.monotonic() - t
    if rc != 0:
        sys.exit("exit status %d" % rc)
    best = d if best is None or d < best else best
print("%.4f" % best)
EOF
}

if python3 tools/mkcollide.py --tuples "$TUPLES" "$tmp/collide.pcap" \
    "$tmp/ordinary.pcap" >"$tmp/gen.log" 2>&1; then
	ok "generate"
else
	bad "generate" "tools/mkcollide.py failed" "$tmp/gen.log"
	echo "hash: $passed passed, $failed failed"
	exit 1
fi

a=$(wc -c <"$tmp/collide.pcap")
b=$(wc -c <"$tmp/ordinary.pcap")
if [ "$a" = "$b" ]; then
	ok "same-size"
else
	bad "same-size" "collide.pcap $a bytes, ordinary.pcap $b bytes"
fi

to=$(best_time "$TCPVIZ" -r "$tmp/ordinary.pcap" --summary "$tmp/ordinary.out" 2>"$tmp/t.err") || to=""
tc=$(best_time "$TCPVIZ" -r "$tmp/collide.pcap" --summary "$tmp/collide.out" 2>>"$tmp/t.err") || tc=""
if [ -z "$to" ] || [ -z "$tc" ]; then
	bad "ratio" "tcpviz failed" "$tmp/t.err"
else
	verdict=$(python3 -c "
o, c, m = max($to, 0.001), $tc, $MAX_RATIO
print('%s %.2f' % ('ok' if c / o < m else 'slow', c / o))")
	msg="colliding ${tc} s, ordinary ${to} s: ratio ${verdict#* } (limit $MAX_RATIO)"
	case $verdict in
	ok*) ok "ratio ($msg)" ;;
	*) bad "ratio" "$msg" ;;
	esac
fi

# every connection found: one line each, and the totals say so
for k in collide ordinary; do
	n=$(grep -c ' three-way ' "$tmp/$k.out" 2>/dev/null)
	if [ "${n:-0}" = "$TUPLES" ] && grep -q "; $TUPLES connections\$" "$tmp/$k.out"; then
		ok "all-found-$k"
	else
		bad "all-found-$k" "$n of $TUPLES connections opened three-way" "$tmp/$k.out"
	fi
done

# another run, another key: the same bytes
"$TCPVIZ" -r "$tmp/collide.pcap" --summary >"$tmp/again.out" 2>/dev/null
if cmp -s "$tmp/collide.out" "$tmp/again.out"; then
	ok "key-invisible"
else
	bad "key-invisible" "two runs of one capture differ"
fi

echo "hash: $passed passed, $failed failed"
[ "$failed" = 0 ]
