#!/bin/sh
# tests/bench.sh: the bench's tools still build and count right: bench/mkcap's files are what it says it wrote, the same seed writes the same bytes.
#
# make bench trusts three things this checks on small files: the floor
# (bench/floor.c) counts every packet the generator (bench/mkcap.c) says
# it wrote; tcpviz --summary finds exactly its TCP connections and UDP
# flows, in the many-host shape and in the all-loopback one with 4-tuples
# reused; a seed always gives the same file (and another seed another).
# A full table (--max-conns) splits no connection that a larger one would
# not.  Also: bench/rss.c passes on its command's exit status, bench/blast.c
# refuses any destination but 127.0.0.1, bench/connmem.c counts the table
# it fills, bench/latency.c sees tcpviz's live rows come as the datagrams
# do (root), and tcpdump (when installed) finds no bad checksum.  No
# timing: speed is make bench's, not a test's.
# Prints "ok NAME" or "FAIL NAME: why", then "bench: N passed, M failed".
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/live/lib.sh
test_begin
CFL="-O2 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror"

built=1
for t in mkcap floor rss blast latency; do
	lib=""
	[ $t = floor ] && lib=-lpcap
	if ${CC:-cc} $CFL -o "$tmp/$t" bench/$t.c $lib >"$tmp/cc.log" 2>&1; then
		ok "build $t"
	else
		bad "build $t" "does not compile without warnings" "$tmp/cc.log"
		built=0
	fi
done
if [ $built = 0 ]; then
	echo "bench: $passed passed, $failed failed"
	exit 1
fi

# field FILE KEY: a number from mkcap's "packets=P tcp=T udp=U" line
field() {
	sed -n "s/.* $2=\([0-9]*\).*/\1/p" "$1"
}

# shape NAME FLAGS: write a small file, count it with the floor and tcpviz
shape() {
	f=$tmp/$1.pcap
	if ! "$tmp/mkcap" $2 -s 7 -n 400 -c 60 -o "$f" 2>"$f.counts" ||
	    [ -z "$(field "$f.counts" packets)" ]; then
		bad "$1 generate" "mkcap failed or said nothing" "$f.counts"
		return
	fi
	p=$(field "$f.counts" packets)
	t=$(field "$f.counts" tcp)
	u=$(field "$f.counts" udp)
	[ "$t" = 400 ] && [ "$u" -gt 0 ] && [ "$p" -gt $((t * 5)) ] &&
	    [ "$(wc -c <"$f")" = "$(field "$f.counts" bytes)" ] &&
	    ok "$1 counts" || bad "$1 counts" "unexpected" "$f.counts"
	n=$("$tmp/floor" "$f" 2>&1)
	[ "$n" = "$p" ] && ok "$1 floor" ||
	    bad "$1 floor" "floor counted '$n', mkcap wrote $p packets"
	"$TCPVIZ" --summary -r "$f" >"$tmp/sum" 2>&1
	line=$(grep -E '^[0-9]+ connections? \(' "$tmp/sum" | tail -1)
	case $line in
	"$((t + u)) connections ($t TCP, $u UDP), $p packets,"*)
		ok "$1 tcpviz --summary" ;;
	*)	bad "$1 tcpviz --summary" "totals '$line'; mkcap wrote $t TCP, $u UDP, $p packets" ;;
	esac
	if command -v tcpdump >/dev/null 2>&1; then
		tcpdump -vv -nn -r "$f" >"$tmp/td" 2>/dev/null
		# TCP and most UDP: "cksum 0x.. (correct)"; DNS: "[udp sum ok]"
		c=$(grep -c '(correct)\|udp sum ok' "$tmp/td")
		i=$(grep -c 'incorrect\|bad cksum\|bad udp' "$tmp/td")
		[ "$i" = 0 ] && [ "$c" -ge "$p" ] && ok "$1 checksums" ||
		    bad "$1 checksums" "tcpdump -vv: $i incorrect, $c checked of $p"
	else
		skip "$1 checksums" "tcpdump is not installed"
	fi
}

shape hosts ""
shape loop -l

# bench/connmem.c (it links the library: built by make): its table holds
# every connection it made (it checks the count) and each costs at least
# its struct, by malloc's own count
if ${MAKE:-make} --no-print-directory -s build/bench/connmem >"$tmp/cc.log" 2>&1; then
	line=$(build/bench/connmem -n 5000 2>&1)
	st=$?
	each=$(echo "$line" | sed -n 's/^5000 conns: \([0-9]*\)\.[0-9] bytes each .* sizeof(struct tv_conn) \([0-9]*\)$/\1 \2/p')
	if [ $st = 0 ] && [ -n "$each" ] && [ "${each% *}" -ge "${each#* }" ]; then
		ok "connmem"
	else
		bad "connmem" "exit $st, said '$line'"
	fi
	# bad arguments: the usage line and exit 2, no table made
	build/bench/connmem -n 0 >/dev/null 2>"$tmp/cm.err"
	st=$?
	[ $st = 2 ] && grep -q '^usage: connmem' "$tmp/cm.err" &&
	    ok "connmem: bad arguments" || bad "connmem: bad arguments" "exit $st" "$tmp/cm.err"
else
	bad "connmem" "does not build" "$tmp/cc.log"
fi

# latency's bad arguments (no capture needed): the usage line and exit 2
la_bad=""
for args in "-p 0 -- true" "-p 9 -n 101 -- true" "-p 9 -n 0 -- true" "-p 9"; do
	"$tmp/latency" $args >/dev/null 2>"$tmp/la.err"
	st=$?
	if [ $st != 2 ] || ! grep -q '^usage: latency' "$tmp/la.err"; then
		la_bad="'latency $args': exit $st"
		break
	fi
done
[ -z "$la_bad" ] && ok "latency: bad arguments" ||
    bad "latency: bad arguments" "$la_bad" "$tmp/la.err"

# the loop shape really reuses 4-tuples: fewer client ports than connections
"$tmp/mkcap" -l -s 7 -n 60000 -c 60 -o "$tmp/reuse.pcap" 2>"$tmp/reuse.counts"
ports=$("$TCPVIZ" --summary -r "$tmp/reuse.pcap" 2>/dev/null |
    awk '$2 == "tcp" { print $3 }' | sort -u | wc -l)
conns=$(field "$tmp/reuse.counts" tcp)
line=$("$TCPVIZ" --summary -r "$tmp/reuse.pcap" 2>/dev/null | grep -E '^[0-9]+ connections \(' | tail -1)
case $line in
*"($conns TCP, "*) [ "$ports" -lt "$conns" ] && ok "loop reuses 4-tuples" ||
	bad "loop reuses 4-tuples" "$ports client endpoints for $conns connections" ;;
*)	bad "loop reuses 4-tuples" "totals '$line', mkcap wrote $conns TCP" ;;
esac

# a full table (--max-conns) hands out closed connections waiting out their
# linger and idle UDP flows before any live one: with room for the 60 open
# at once plus some, connections are evicted and none is split (the same
# rows, ids and outcomes as with a table that never fills); too small a
# table must split them, so the check can fail
"$tmp/mkcap" -s 9 -n 3000 -c 60 -o "$tmp/cap.pcap" 2>/dev/null
rows() { "$TCPVIZ" --summary "$@" -r "$tmp/cap.pcap" 2>/dev/null |
    grep -E '^ *[0-9]+ (tcp|udp) ' | sort; }
rows >"$tmp/cap.all"
for n in 100 40; do
	rows --max-conns $n >"$tmp/cap.$n"
	ev=$("$TCPVIZ" --format=json --max-conns $n -r "$tmp/cap.pcap" 2>/dev/null |
	    sed -n 's/.*"type":"summary".*"evicted":\([0-9]*\).*/\1/p')
	eval "ev$n=\${ev:-0}"
done
if [ "${ev100:-0}" -gt 0 ] && [ -s "$tmp/cap.all" ] &&
    cmp -s "$tmp/cap.all" "$tmp/cap.100" && ! cmp -s "$tmp/cap.all" "$tmp/cap.40"; then
	ok "max-conns splits no connection a larger table would not"
else
	bad "max-conns splits no connection a larger table would not" \
	    "--max-conns 100: $ev100 evicted, $(diff "$tmp/cap.all" "$tmp/cap.100" | grep -c '^>') rows differ; 40: $ev40 evicted, $(diff "$tmp/cap.all" "$tmp/cap.40" | grep -c '^>') differ"
fi

"$tmp/mkcap" -s 7 -n 400 -c 60 -o "$tmp/again.pcap" 2>/dev/null
"$tmp/mkcap" -s 8 -n 400 -c 60 -o "$tmp/other.pcap" 2>/dev/null
cmp -s "$tmp/hosts.pcap" "$tmp/again.pcap" && ok "same seed, same bytes" ||
    bad "same seed, same bytes" "two runs with -s 7 differ"
cmp -s "$tmp/hosts.pcap" "$tmp/other.pcap" && bad "another seed" "-s 8 wrote what -s 7 did" ||
    ok "another seed, another file"

r=$("$tmp/rss" sh -c 'echo hidden; exit 3')
st=$?
set -- $r
[ $st = 3 ] && [ $# = 3 ] && [ "$3" = 3 ] && [ "$2" -gt 0 ] &&
    ok "rss passes on the exit status" || bad "rss" "printed '$r', exit $st"

# a documentation address (RFC 5737, never routed), and where it can be in
# a network namespace of its own with no route out: even a blast that
# failed to refuse could send nothing anywhere
iso=""
unshare -n true 2>/dev/null && iso="unshare -n"
if $iso "$tmp/blast" -d 192.0.2.1 -p 9 -t 0.1 -c 1 >/dev/null 2>"$tmp/blast.err"; then
	bad "blast refuses other hosts" "it sent to 192.0.2.1"
else
	grep -q 'only 127.0.0.1' "$tmp/blast.err" && ok "blast refuses other hosts" ||
	    bad "blast refuses other hosts" "no reason given" "$tmp/blast.err"
fi

# latency (root: it captures on lo): tcpviz shows each datagram while it
# captures, before the next is sent; the bound is a generous 1 s (what
# make bench reports is the time: this checks only that rows stream)
if [ "$(id -u)" = 0 ]; then
	lp=$((30000 + $$ % 20000))
	l=$("$tmp/latency" -p $lp -n 3 -- "$TCPVIZ" -i lo "udp port $lp" 2>"$tmp/lat.err")
	case $l in
	"3 sent: median "*", 0 not seen within 1 s") ok "latency: live rows stream" ;;
	*)	bad "latency: live rows stream" "said '$l'" "$tmp/lat.err" ;;
	esac
	# a command that never says "listening on": a clear failure, no hang
	if "$tmp/latency" -p $lp -n 1 -- true >/dev/null 2>"$tmp/lat2.err"; then
		bad "latency: a capture that does not start" "exit 0"
	else
		grep -q 'did not start capturing' "$tmp/lat2.err" &&
		    ok "latency: a capture that does not start" ||
		    bad "latency: a capture that does not start" "no reason" "$tmp/lat2.err"
	fi
else
	needroot "latency: live rows stream"
fi

echo "bench: $passed passed, $failed failed"
[ $failed = 0 ]
