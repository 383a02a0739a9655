#!/bin/sh
# tests/live/lab.sh: the lab (tcpviz --lab, --demo=loss ...): real namespaces, loss and rate on the wire, both ends joined, nothing left after and nothing leaked to the host; needs root.
#
# Every lab scenario of the demo runs on a pseudo-terminal of 80 columns
# (and loss on one of 200) and must say "as expected", with the words of
# what happened on the wire in its rows; the tutorials' Python echo pair
# runs through --lab on a lossy wire; JSON carries where each packet was
# seen.  Meanwhile a capture on the host's "any" must see none of the
# lab's addresses, and afterwards no namespace, veth or bridge of the lab
# may be left, even after tcpviz was killed with SIGKILL.  Prints "ok
# NAME" / "FAIL NAME: why" / "skip NAME: why", then "lab: N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
live_setup
T=120

# without programs: one line, exit 1 (no root needed to say so)
"$TCPVIZ" --lab >"$tmp/u.out" 2>"$tmp/u.err"
st=$?
if [ $st = 1 ] && [ "$(wc -l <"$tmp/u.err")" = 1 ] && grep -q "SERVER_CMD" "$tmp/u.err"; then
	ok lab-usage
else
	bad lab-usage "exit $st" "$tmp/u.err"
fi
"$TCPVIZ" --lab --loss 150% -- true >"$tmp/u.out" 2>"$tmp/u.err"
st=$?
if [ $st = 1 ] && [ "$(wc -l <"$tmp/u.err")" = 1 ] && grep -q "150%" "$tmp/u.err"; then
	ok lab-bad-loss
else
	bad lab-bad-loss "exit $st" "$tmp/u.err"
fi

if [ $is_root = 0 ]; then
	needroot lab
	echo "lab: $passed passed, $failed failed"
	[ $failed = 0 ]
	exit
fi

# not root: one clear line
setpriv --reuid 65534 --regid 65534 --clear-groups "$TCPVIZ" --lab -- true \
    >"$tmp/nr.out" 2>"$tmp/nr.err"
st=$?
if [ $st = 1 ] && [ "$(wc -l <"$tmp/nr.err")" = 1 ] && grep -q "needs root" "$tmp/nr.err"; then
	ok lab-not-root
else
	bad lab-not-root "exit $st" "$tmp/nr.err"
fi

# the network namespaces in use now (every task's), and the host's links
netns_now() {
	for f in /proc/[0-9]*/task/[0-9]*/ns/net; do
		readlink "$f" 2>/dev/null
	done | sort -u
}
netns_now >"$tmp/ns.before"
ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort >"$tmp/links.before"
ip netns list 2>/dev/null | sort >"$tmp/named.before"

# a watch on the host: none of the lab's frames may reach it (the host's
# own addresses left out, should one of them be in the lab's nets: a
# sandbox may use documentation addresses too)
excl=""
for a in $(ip -o addr show | awk '{ sub("/.*", "", $4); print $4 }' |
    grep -v '^127\.\|^::1$\|^fe80:'); do
	excl="$excl and not host $a"
done
have_tcpdump=0
tdpid=""
if command -v tcpdump >/dev/null 2>&1; then
	have_tcpdump=1
	tcpdump -i any -n -w "$tmp/host.pcap" \
	    "(net 198.51.100.0/24 or net fd54:7669:7a00::/64)$excl" 2>"$tmp/host.err" &
	tdpid=$!
	pids="$pids $tdpid"
	sleep 1
fi

# every lab scenario on an 80-column terminal
LAB="loss syn-loss synack-loss ack-loss fin-loss udp-loss rate"
python3 tests/pty.py --cols 80 --timeout $T --out "$tmp/demo80.out" -- \
    "$TCPVIZ" --demo=$(echo $LAB | tr ' ' ,) >/dev/null 2>&1
st=$?
if [ $st = 0 ]; then
	ok lab-demo-exit
else
	bad lab-demo-exit "exit $st" "$tmp/demo80.out"
fi
for s in $LAB; do
	if grep -q -- "--- $s: as expected" "$tmp/demo80.out"; then
		ok "lab-demo-$s"
	else
		bad "lab-demo-$s" "no '--- $s: as expected'" "$tmp/demo80.out"
	fi
done
# the rows name what the wire did: per scenario, between its === and ---
sed 's/\x1b\[[0-9;]*m//g' "$tmp/demo80.out" >"$tmp/demo80.txt"
rows_of() {
	sed -n "/=== $1: the lab: /,/--- $1: /p" "$tmp/demo80.txt"
}
want_rows() {	# NAME MIN PATTERN: at least MIN rows matching
	n=$(rows_of "$1" | grep -c -- "$3")
	if [ "$n" -ge "$2" ]; then
		ok "lab-rows-$1-$4"
	else
		bad "lab-rows-$1-$4" "$n rows with '$3', want $2 or more" "$tmp/demo80.out"
	fi
}
want_rows loss 2 '[-]X  *|' lostarrow
want_rows loss 2 'lost on the wire' lost
want_rows loss 2 'retransmission' retrans
want_rows loss 1 'fast retransmission' fast
want_rows loss 3 'dup-ack #' dupack
want_rows syn-loss 2 'SYN seq=0 -*X' synlost
want_rows syn-loss 1 'SYN retry #2' retry
want_rows synack-loss 1 'X--- SYN,ACK' lost
want_rows ack-loss 1 'ACK seq=1 ack=1 -*X' lost
want_rows fin-loss 1 'FIN,ACK.*X' lost
want_rows fin-loss 1 'retransmission' retrans
want_rows udp-loss 2 'UDP len=[0-9]* -*X' lost
want_rows rate 5 'one-way 0\.[01][0-9][0-9]' queued
# 80 columns: no line wider
w=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$tmp/demo80.txt")
if [ "$w" -le 80 ]; then
	ok lab-demo-fits-80
else
	bad lab-demo-fits-80 "a line of $w columns" "$tmp/demo80.out"
fi

# loss on 200 columns: the lost arrows stop at their X, the rest reach the rail
python3 tests/pty.py --cols 200 --timeout $T --out "$tmp/demo200.out" -- \
    "$TCPVIZ" --demo=loss >/dev/null 2>&1
st=$?
sed 's/\x1b\[[0-9;]*m//g' "$tmp/demo200.out" >"$tmp/demo200.txt"
if [ $st = 0 ] && grep -q -- "--- loss: as expected" "$tmp/demo200.txt" &&
    [ "$(grep -c -- '-X  *|.*lost on the wire' "$tmp/demo200.txt")" -ge 2 ]; then
	ok lab-demo-200
else
	bad lab-demo-200 "exit $st" "$tmp/demo200.out"
fi

# the tutorials' echo pair, run in the lab on a wire that loses 20 %
timeout $T "$TCPVIZ" --lab --loss 20% -- python3 docs/examples/echo-server.py \
    :: python3 docs/examples/echo-client.py >"$tmp/py.out" 2>"$tmp/py.err"
st=$?
if [ $st = 0 ] && grep -q "Received 5600 bytes, the same" "$tmp/py.out" &&
    grep -q "198.51.100.1:[0-9]* > 198.51.100.2:65432" "$tmp/py.out" &&
    grep -q "payload 5600 bytes client->server, 5600 server->client" "$tmp/py.out"; then
	ok lab-python-echo
else
	bad lab-python-echo "exit $st" "$tmp/py.out" "$tmp/py.err"
fi

# JSON: where each packet was seen; the SYN lost once, then seen at both ends
timeout $T "$TCPVIZ" --format=json --lab --loss 'to-server:#1:syn' -- \
    "$SERVER" --tcp 8000 --bind 0.0.0.0 --once :: "$CLIENT" -q 198.51.100.2 8000 hi \
    >"$tmp/j.out" 2>"$tmp/j.err"
st=$?
if [ $st = 0 ] && python3 - "$tmp/j.out" <<'EOF'
import json, sys
pk = [json.loads(l) for l in open(sys.argv[1]) if l.startswith('{"type":"packet"')]
syn = [p for p in pk if p["flags"] == "S"]
assert syn[0]["seen"] == ["client"] and syn[0].get("lost") is True, syn[0]
assert syn[1]["seen"] == ["client", "server"] and "lost" not in syn[1], syn[1]
assert syn[1]["one_way_ns"] > 0
assert all(p["seen"] == ["client", "server"] for p in pk[1:]), "one lost only"
EOF
then
	ok lab-json-seen
else
	bad lab-json-seen "exit $st" "$tmp/j.out" "$tmp/j.err"
fi

# the picture: one arrow that stops at a cross, slanted ones behind the
# rate limit's queue; valid SVG, and in the browser not blank
big=$(python3 -c "print('x' * 12000)")
timeout $T "$TCPVIZ" --lab --rate 2mbit --loss 'to-server:#3:data' --format=svg \
    -o "$tmp/lab.svg" -- "$SERVER" --tcp 8000 --bind 0.0.0.0 --once :: \
    "$CLIENT" -q 198.51.100.2 8000 "$big" >"$tmp/svg.out" 2>"$tmp/svg.err"
st=$?
if [ $st = 0 ] && xmllint --noout "$tmp/lab.svg" 2>"$tmp/xml.err" && python3 - "$tmp/lab.svg" <<'EOF2'
import re, sys
svg = open(sys.argv[1]).read()
assert svg.count('class="pkt lost"') == 1, "one lost arrow"
lost = svg[svg.index('class="pkt lost"'):]
lost = lost[:lost.index("</g>")]
assert "M" in lost and "l10 10m0 -10l-10 10" in lost, "the cross"
lines = re.findall(r'<line x1="[-0-9.]+" y1="([-0-9.]+)" x2="[-0-9.]+" y2="([-0-9.]+)"', svg)
assert any(float(b) > float(a) + 1 for a, b in lines), "a slanted arrow"
EOF2
then
	ok lab-svg
else
	bad lab-svg "exit $st" "$tmp/svg.err" "$tmp/xml.err"
fi
# the time-sequence graph marks the lost segment, Mermaid crosses its arrow
for f in tsg mermaid plantuml; do
	case $f in
	tsg) fmt=--graph=tsg want='class="lost"' ;;
	mermaid) fmt=--format=mermaid want='C-xS: .*lost on the wire' ;;
	plantuml) fmt=--format=plantuml want='C->xS: .*lost on the wire' ;;
	esac
	timeout $T "$TCPVIZ" --lab --loss 'to-server:#3:data' $fmt -o "$tmp/lab.$f" \
	    -- "$SERVER" --tcp 8000 --bind 0.0.0.0 --once :: \
	    "$CLIENT" -q 198.51.100.2 8000 "$big" >/dev/null 2>"$tmp/$f.err"
	st=$?
	if [ $f = plantuml ] && command -v plantuml >/dev/null 2>&1 && [ $st = 0 ]; then
		mkdir -p "$tmp/pu" && cp "$tmp/lab.$f" "$tmp/pu/lab.puml"
		timeout 120 plantuml -tsvg -failfast2 "$tmp/pu/lab.puml" >"$tmp/$f.err" 2>&1
		st=$?		# 200: PlantUML could not read it
	fi
	if [ $st = 0 ] && [ "$(grep -c -- "$want" "$tmp/lab.$f")" = 1 ]; then
		ok "lab-$f-lost"
	else
		bad "lab-$f-lost" "exit $st, or not one '$want'" "$tmp/$f.err" "$tmp/lab.$f"
	fi
done
if command -v chromium >/dev/null 2>&1 && [ -s "$tmp/lab.svg" ]; then
	wh=$(sed -n 's/^<svg[^>]* width="\([0-9]*\)" height="\([0-9]*\)".*/\1 \2/p' "$tmp/lab.svg" | head -1)
	timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
	    --disable-extensions --disable-background-networking \
	    --user-data-dir="$tmp/profile" --screenshot="$tmp/lab.png" \
	    --window-size="$(echo $wh | tr ' ' ,)" "file://$tmp/lab.svg" \
	    >/dev/null 2>"$tmp/chromium.err"
	python3 tests/pictures/png_stats.py "$tmp/lab.png" 2>&1 | tr ' ' '\n' >"$tmp/png.txt"
	ink=$(sed -n 's/^ink=//p' "$tmp/png.txt")
	red=$(sed -n 's/^red=//p' "$tmp/png.txt")
	if [ "${ink:-0}" -gt 20 ] && [ "${red:-0}" -gt 0 ]; then
		ok lab-svg-png
	else
		bad lab-svg-png "ink ${ink:-?}/1000, red ${red:-?}/10000" "$tmp/png.txt" "$tmp/chromium.err"
	fi
else
	skip lab-svg-png "chromium is not installed (tools/deps.sh test installs it as root)"
fi

# delay needs netem: this kernel may not have it; then one line, exit 1
timeout $T "$TCPVIZ" --lab --delay 40 -- "$SERVER" --tcp 8000 --bind 0.0.0.0 \
    --once :: "$CLIENT" -q 198.51.100.2 8000 hi >"$tmp/d.out" 2>"$tmp/d.err"
st=$?
if grep -q "netem" "$tmp/d.err"; then
	if [ $st = 1 ] && [ "$(wc -l <"$tmp/d.err")" = 1 ]; then
		ok lab-no-netem
	else
		bad lab-no-netem "exit $st" "$tmp/d.err"
	fi
	skip lab-delay "this kernel has no sch_netem: $(cat "$tmp/d.err")"
elif [ $st = 0 ] && grep -q "one-way 0\.04" "$tmp/d.out"; then
	ok lab-delay
else
	bad lab-delay "exit $st" "$tmp/d.out" "$tmp/d.err"
fi

# early close of the reader: the lab still goes away
timeout $T "$TCPVIZ" --demo=ack-loss 2>/dev/null | head -3 >"$tmp/h.out"
if [ "$(wc -l <"$tmp/h.out")" = 3 ]; then
	ok lab-head-3
else
	bad lab-head-3 "not 3 lines" "$tmp/h.out"
fi

# what a program leaves running in the background goes with the lab
timeout $T "$TCPVIZ" --lab -- sh -c "sleep 297 & exec $SERVER --tcp 8000 --bind 0.0.0.0" \
    :: "$CLIENT" -q 198.51.100.2 8000 hi >"$tmp/bg.out" 2>"$tmp/bg.err"
st=$?
sleep 0.3
if [ $st = 0 ] && ! pgrep -f "sleep 297" >/dev/null; then
	ok lab-background-gone
else
	bad lab-background-gone "exit $st, or the server's background sleep is still there" "$tmp/bg.err"
	kill $(pgrep -f "sleep 297") 2>/dev/null
fi

# SIGKILL: the programs die with tcpviz (PR_SET_PDEATHSIG), and with the
# last of them the namespaces
"$TCPVIZ" --lab -- "$SERVER" --tcp 8000 --bind 0.0.0.0 :: sleep 30 \
    >"$tmp/k.out" 2>"$tmp/k.err" &
kpid=$!
i=0
while [ $i -lt 50 ] && ! pgrep -P $kpid sleep >/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
kns=$(readlink /proc/"$(pgrep -P $kpid sleep | head -1)"/ns/net 2>/dev/null)
kill -9 $kpid
wait $kpid 2>/dev/null
# gone within 5 s (the kernel ends them at once; a loaded machine may
# take its time to reap them)
i=0
while [ $i -lt 50 ] && { netns_now | grep -qx "$kns" || pgrep -x -f "sleep 30" >/dev/null; }; do
	sleep 0.1
	i=$((i + 1))
done
if [ -n "$kns" ] && ! netns_now | grep -qx "$kns" && ! pgrep -x -f "sleep 30" >/dev/null; then
	ok lab-sigkill-gone
else
	left=""
	for f in /proc/[0-9]*/ns/net; do
		[ "$(readlink "$f" 2>/dev/null)" = "$kns" ] && left="$left $(echo "$f" | cut -d/ -f3)"
	done
	bad lab-sigkill-gone "namespace ${kns:-unknown} or its programs still there after 5 s:$(for p in $left; do printf ' %s' "$(tr '\0' ' ' </proc/$p/cmdline 2>/dev/null)"; done)" "$tmp/k.err"
fi

if [ $have_tcpdump = 0 ]; then
	skip lab-nothing-leaves "tcpdump is not installed (tools/deps.sh test installs it)"
else
	sleep 1
	kill $tdpid 2>/dev/null
	wait $tdpid 2>/dev/null
	forget $tdpid
	n=$(tcpdump -r "$tmp/host.pcap" -n 2>/dev/null | wc -l)
	if [ -s "$tmp/host.pcap" ] && [ "$n" = 0 ]; then
		ok lab-nothing-leaves
	else
		tcpdump -r "$tmp/host.pcap" -n -e 2>&1 | head -20 >"$tmp/host.txt"
		bad lab-nothing-leaves "the host saw $n frames of the lab's addresses" "$tmp/host.txt"
	fi
fi

# nothing of the lab is left
sleep 0.5
netns_now >"$tmp/ns.after"
ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort >"$tmp/links.after"
ip netns list 2>/dev/null | sort >"$tmp/named.after"
if comm -13 "$tmp/ns.before" "$tmp/ns.after" | grep -q . ||
    ! cmp -s "$tmp/links.before" "$tmp/links.after" ||
    ! cmp -s "$tmp/named.before" "$tmp/named.after"; then
	comm -13 "$tmp/ns.before" "$tmp/ns.after" >"$tmp/left"
	diff "$tmp/links.before" "$tmp/links.after" >>"$tmp/left"
	bad lab-teardown "something of the lab is left" "$tmp/left"
else
	ok lab-teardown
fi

echo "lab: $passed passed, $failed failed"
[ $failed = 0 ]
