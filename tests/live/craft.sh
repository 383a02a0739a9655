#!/bin/sh
# tests/live/craft.sh: run tcpviz-craft for real against tcpviz-server on 127.0.0.1 and ::1, watched by tcpviz.
#
# Argument checks (bounds, non-loopback refusals) run as anyone; the rest
# needs root (raw sockets, nft, live capture) and prints "skip NAME: why"
# otherwise.  Servers listen on ports the kernel picks; every program runs
# under timeout(1) or stops on its own watchdog; the EXIT trap stops what
# is left and deletes any nft table a crafter of ours left behind.
# TCPVIZ_CRAFT, TCPVIZ_SERVER and TCPVIZ name other binaries.  Prints "ok
# NAME", "FAIL NAME: why" or "skip NAME: why" per check, then
# "craft: N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
CRAFT=${TCPVIZ_CRAFT:-./tcpviz-craft}
SERVER=${TCPVIZ_SERVER:-./tcpviz-server}
TCPVIZ=${TCPVIZ:-./tcpviz}
T=40		# seconds any one crafter may take (its own limit is 30 s)
SRV_T=120	# seconds a server or a capture may live

passed=0
failed=0
pids=""	# background pids to stop at exit
tables=""	# nft tables our crafters announced
tmp=$(mktemp -d) || exit 1

cleanup() {
	stop_all
	for t in $tables; do
		if nft list table inet "$t" >/dev/null 2>&1; then
			echo "craft.sh: deleting leftover nft table inet $t" >&2
			nft delete table inet "$t" 2>/dev/null
		fi
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
. tests/live/lib.sh




# build what is missing (make test builds only tcpviz and the unit tests)
if [ ! -x "$CRAFT" ] || [ ! -x "$SERVER" ] || [ ! -x "$TCPVIZ" ]; then
	make --no-print-directory tcpviz tcpviz-server tcpviz-craft >"$tmp/make.log" 2>&1
fi
for b in "$CRAFT" "$SERVER" "$TCPVIZ"; do
	if [ ! -x "$b" ]; then
		bad "build" "$b is not built" "$tmp/make.log"
		echo "craft: $passed passed, $failed failed"
		exit 1
	fi
done

# craft NAME ARGS...: run the crafter; stdout, stderr, status in $tmp/NAME.*
craft() {
	name=$1
	shift
	timeout -k 5 $T "$CRAFT" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	st=$?
	echo $st >"$tmp/$name.st"
	t=$(sed -n 's/^tcpviz-craft: nft table inet \([a-z_0-9]*\) .*/\1/p' \
	    "$tmp/$name.err" | head -1)
	[ -n "$t" ] && tables="$tables $t"
	return 0
}

# the crafter's source port, from its first "sent" line
src_port() {
	sed -n '1s/^sent  [^ ]*[]:.]\([0-9][0-9]*\) > .*/\1/p' "$tmp/$1.out"
}

# rst_of NAME PORT: the first RST tcpviz saw in $tmp/NAME.json on the
# connection whose client port is PORT (earlier probes of the same server,
# such as a half-open SYN's, are other connections and may be reset late)
rst_of() {
	grep '"type":"packet"' "$tmp/$1.json" |
	    grep -E "\"(sport|dport)\":$2," | grep '"flags":"R' | head -1
}

# table_gone NAME: the table the crafter named in $tmp/NAME.err no longer exists
table_gone() {
	t=$(sed -n 's/^tcpviz-craft: nft table inet \([a-z_0-9]*\) .*/\1/p' \
	    "$tmp/$1.err" | head -1)
	[ -n "$t" ] || return 1
	! nft list tables 2>/dev/null | grep -q "inet $t\$"
}

# start_capture NAME IFACE FILTER: tcpviz --format=json in the background
start_capture() {
	timeout -k 5 $SRV_T "$TCPVIZ" -i "$2" --format=json "$3" \
	    >"$tmp/$1.json" 2>"$tmp/$1.cap" &
	cpid=$!
	pids="$pids $cpid"
	i=0
	while [ $i -lt 100 ]; do
		grep -q "listening on" "$tmp/$1.cap" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# stop_capture: SIGINT the capture started last; it prints what is open
stop_capture() {
	sleep 0.3
	kill -INT "$cpid" 2>/dev/null
	wait "$cpid" 2>/dev/null
}

# has FILE ERE: some line of FILE matches
has() {
	grep -Eq "$2" "$1"
}

# wait_for FILE ERE: up to 10 s
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		grep -Eq "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# ---- as anyone: help, usage, bounds, refusals ----
craft help --help
if [ "$(cat "$tmp/help.st")" = 0 ] && has "$tmp/help.out" '^Usage: tcpviz-craft ' &&
    ! [ -s "$tmp/help.err" ]; then
	ok "help"
else
	bad "help" "--help did not exit 0 with usage on stdout" "$tmp/help.err"
fi

craft badarg --no-such-option syn 8000
if [ "$(cat "$tmp/badarg.st")" = 1 ] && [ "$(wc -l <"$tmp/badarg.err")" = 2 ] &&
    has "$tmp/badarg.err" "^Try 'tcpviz-craft --help' for more information.\$" &&
    ! [ -s "$tmp/badarg.out" ]; then
	ok "badargs"
else
	bad "badargs" "expected exit 1 with two lines on stderr" "$tmp/badarg.err"
fi

# each bound: NAME, the text the message must have, then the arguments
check_bound() {
	name=$1
	want=$2
	shift 2
	craft "$name" "$@"
	if [ "$(cat "$tmp/$name.st")" = 1 ] && has "$tmp/$name.err" "$want" &&
	    ! [ -s "$tmp/$name.out" ]; then
		ok "$name"
	else
		bad "$name" "expected exit 1 and \"$want\" (status $(cat "$tmp/$name.st"))" \
		    "$tmp/$name.err" "$tmp/$name.out"
	fi
}
check_bound bound-count-max 'from 1 to 1000' syn --count 1001 127.0.0.1 8000
check_bound bound-count-zero 'from 1 to 1000' flood --count 0 127.0.0.1 8000
check_bound bound-interval-min 'from 1 to' syn --count 2 --interval 0 127.0.0.1 8000
check_bound bound-total 'at most 30000 ms' flood --count 1000 --interval 30 127.0.0.1 8000
check_bound bound-timeout 'from 1 to 30000' syn --timeout 30001 127.0.0.1 8000
check_bound bound-hold 'at most 30000 ms' handshake --hold 29500 127.0.0.1 8000
check_bound bound-data 'at most 1460' syn --data "$(head -c 1461 /dev/zero | tr '\0' x)" 127.0.0.1 8000
check_bound bound-wscale 'from 0 to 14' syn --wscale 15 127.0.0.1 8000
check_bound bound-flags 'expected letters' syn --flags SX 127.0.0.1 8000

# refusals: exit 1, the reason, nothing on stdout
check_bound refuse-192.0.2.1 'refusing to send to 192.0.2.1: .*loopback' syn 192.0.2.1 80
check_bound refuse-2001:db8::1 'refusing to send to 2001:db8::1: .*loopback' syn 2001:db8::1 80
check_bound refuse-v4-mapped 'IPv4-mapped' syn ::ffff:127.0.0.1 80
check_bound refuse-128.0.0.1 'refusing' flood 128.0.0.1 80
check_bound refuse-handshake 'refusing' handshake --data x 0.0.0.0 80
check_bound refuse-name 'not a numeric' syn localhost 80

# ---- as root only ----
if [ "$(id -u)" != 0 ]; then
	for n in refuse-no-packet syn-half-open syn-refused syn-no-answer \
	    handshake handshake-sigterm flood flood-sigterm syn-ipv6 \
	    handshake-ipv6; do
		skip "$n" "needs root (raw sockets, nft, live capture)"
	done
	echo "craft: $passed passed, $failed failed"
	[ $failed = 0 ]
	exit
fi
have_nft=1
command -v nft >/dev/null 2>&1 || have_nft=0

# Nothing leaves for a refused destination, watched on every interface.
# 127.0.0.77 is the control: a SYN there must show up, so the capture saw
# traffic while the refused attempts ran.
if start_capture refuse any 'host 192.0.2.1 or host 2001:db8::1 or host 127.0.0.77'; then
	craft refuse4 syn 192.0.2.1 80
	craft refuse6 flood --count 5 2001:db8::1 80
	craft refuse6h handshake 2001:db8::1 80
	craft control --timeout 300 syn 127.0.0.77 9
	stop_capture
	n_bad=$(grep '"type":"packet"' "$tmp/refuse.json" |
	    grep -Ec '"(192\.0\.2\.1|2001:db8::1)"')
	if [ "$(cat "$tmp/refuse4.st")" = 1 ] && [ "$(cat "$tmp/refuse6.st")" = 1 ] &&
	    [ "$(cat "$tmp/refuse6h.st")" = 1 ] && [ "$n_bad" = 0 ] &&
	    has "$tmp/refuse.json" '"dst":"127\.0\.0\.77"'; then
		ok "refuse-no-packet"
	else
		bad "refuse-no-packet" "exit statuses $(cat "$tmp/refuse4.st") \
$(cat "$tmp/refuse6.st") $(cat "$tmp/refuse6h.st") (want 1 1 1), $n_bad packet(s) \
to the refused addresses, control SYN $(has "$tmp/refuse.json" \
'"dst":"127\.0\.0\.77"' && echo seen || echo 'NOT seen')" "$tmp/refuse.json"
	fi
else
	bad "refuse-no-packet" "the capture on any did not start" "$tmp/refuse.cap"
fi

if ! start_server srv4 --tcp 0; then
	bad "server" "tcpviz-server did not start" "$tmp/srv4.log"
	echo "craft: $passed passed, $failed failed"
	exit 1
fi
port4=$port

# syn to a listening port: SYN-ACK with ack 1001, our kernel's RST, half-open
if start_capture syn lo "tcp port $port4"; then
	craft syn syn --seq 1000 127.0.0.1 "$port4"
	stop_capture
	cp=$(src_port syn)
	why=""
	[ "$(cat "$tmp/syn.st")" = 0 ] || why="$why exit status $(cat "$tmp/syn.st");"
	has "$tmp/syn.out" "^got   127\.0\.0\.1:$port4 > 127\.0\.0\.1:$cp S\. seq=[0-9]+ ack=1001 .*ack == our seq \+ 1: ok" ||
		why="$why no SYN-ACK with ack=1001 in the output;"
	has "$tmp/syn.out" '^half-open: the server answered SYN-ACK; our kernel' ||
		why="$why verdict is not half-open;"
	has "$tmp/syn.json" "\"sport\":$cp,.*\"flags\":\"S\",\"seq\":1000," ||
		why="$why capture: no SYN seq=1000 from port $cp;"
	has "$tmp/syn.json" "\"dport\":$cp,.*\"flags\":\"S\.\",.*\"ack\":1001," ||
		why="$why capture: no SYN-ACK ack=1001;"
	has "$tmp/syn.json" "\"sport\":$cp,.*\"flags\":\"R\"" ||
		why="$why capture: no RST from the crafter's port $cp;"
	has "$tmp/syn.json" "\"type\":\"conn\",.*\"client\":\"127\.0\.0\.1:$cp\",.*\"open\":\"half-open\"" ||
		why="$why tcpviz did not call it half-open;"
	if [ -z "$why" ]; then
		ok "syn-half-open"
	else
		bad "syn-half-open" "$why" "$tmp/syn.out" "$tmp/syn.err" "$tmp/syn.json"
	fi
else
	bad "syn-half-open" "the capture on lo did not start" "$tmp/syn.cap"
fi

# syn to a closed port: a server's port once it has gone
if start_server gone --tcp 0; then
	closed=$port
	kill "$spid"
	wait "$spid" 2>/dev/null
	craft refused --timeout 2000 syn 127.0.0.1 "$closed"
	if [ "$(cat "$tmp/refused.st")" = 0 ] &&
	    has "$tmp/refused.out" "^got   127\.0\.0\.1:$closed > .* R\. seq=0 ack=1001" &&
	    has "$tmp/refused.out" '^refused: RST,ACK'; then
		ok "syn-refused"
	else
		bad "syn-refused" "no RST,ACK / refused verdict (status $(cat "$tmp/refused.st"))" \
		    "$tmp/refused.out" "$tmp/refused.err"
	fi
else
	bad "syn-refused" "tcpviz-server did not start" "$tmp/gone.log"
fi

# nothing answers an RST: exit 2 and "no answer"
craft noanswer --flags R --timeout 300 syn 127.0.0.1 "$port4"
if [ "$(cat "$tmp/noanswer.st")" = 2 ] &&
    has "$tmp/noanswer.out" '^no answer in 300 ms$'; then
	ok "syn-no-answer"
else
	bad "syn-no-answer" "expected exit 2 and \"no answer in 300 ms\" (status $(cat "$tmp/noanswer.st"))" \
	    "$tmp/noanswer.out" "$tmp/noanswer.err"
fi

if [ $have_nft = 0 ]; then
	for n in handshake handshake-sigterm flood flood-sigterm handshake-ipv6; do
		skip "$n" "nft is not installed (apt-get install nftables)"
	done
else
	# handshake by hand: three-way for tcpviz, no RST from us, table gone
	if start_capture hs lo "tcp port $port4"; then
		craft hs handshake --data hello --mss 1460 --sackok --ts 1 --wscale 7 \
		    127.0.0.1 "$port4"
		stop_capture
		cp=$(src_port hs)
		why=""
		[ "$(cat "$tmp/hs.st")" = 0 ] || why="$why exit status $(cat "$tmp/hs.st");"
		has "$tmp/hs.out" '^three-way: handshake completed by hand.*closed with FIN both ways' ||
			why="$why no three-way verdict;"
		has "$tmp/hs.out" '^got .* P\. .*"hello"' || why="$why no echo;"
		has "$tmp/hs.json" "\"type\":\"conn\",.*\"client\":\"127\.0\.0\.1:$cp\",.*\"open\":\"three-way\"" ||
			why="$why tcpviz did not call it three-way;"
		r=$(rst_of hs "$cp")
		[ -z "$r" ] || why="$why an RST was sent: $r;"
		table_gone hs || why="$why the nft table is still there (or was never named);"
		if [ -z "$why" ]; then
			ok "handshake"
		else
			bad "handshake" "$why" "$tmp/hs.out" "$tmp/hs.err" "$tmp/hs.json"
		fi
	else
		bad "handshake" "the capture on lo did not start" "$tmp/hs.cap"
	fi

	# SIGTERM while the connection is held open: table removed
	"$CRAFT" handshake --hold 20000 127.0.0.1 "$port4" >"$tmp/hterm.out" 2>"$tmp/hterm.err" &
	hp=$!
	pids="$pids $hp"
	tables="$tables tcpviz_craft_$hp"
	why=""
	if wait_for "$tmp/hterm.out" 'handshake done'; then
		nft list tables | grep -q "inet tcpviz_craft_$hp\$" ||
			why="$why no table while it ran;"
		kill -TERM "$hp"
		{ wait "$hp"; } 2>/dev/null
		st=$?
		[ $st = 143 ] || why="$why exit status $st, want 143 (SIGTERM);"
		nft list tables | grep -q "inet tcpviz_craft_$hp\$" &&
			why="$why table inet tcpviz_craft_$hp is still there;"
		has "$tmp/hterm.out" '^sent .* R seq=.*\(interrupted\)' ||
			why="$why the held connection was not reset;"
	else
		why="handshake did not complete"
		kill -TERM "$hp"
		{ wait "$hp"; } 2>/dev/null
	fi
	if [ -z "$why" ]; then
		ok "handshake-sigterm"
	else
		bad "handshake-sigterm" "$why" "$tmp/hterm.out" "$tmp/hterm.err"
	fi

	# a bounded flood: SYN_RECV grows, the table goes
	craft flood flood --count 50 --interval 2 127.0.0.1 "$port4"
	why=""
	[ "$(cat "$tmp/flood.st")" = 0 ] || why="$why exit status $(cat "$tmp/flood.st");"
	has "$tmp/flood.out" '^backlog [1-9][0-9]* in SYN_RECV on ' ||
		why="$why no nonzero SYN_RECV count;"
	has "$tmp/flood.out" '^flood: 50 SYNs sent from 50 source ports, [1-9][0-9]* SYN-ACKs back; SYN_RECV on .* peaked at [1-9]' ||
		why="$why no flood verdict;"
	[ "$(grep -c '^sent .* S seq=1000 ' "$tmp/flood.out")" = 50 ] ||
		why="$why not 50 SYNs;"
	[ "$(sed -n 's/^sent  [^ ]*[]:.]\([0-9][0-9]*\) > .*/\1/p' "$tmp/flood.out" |
	    sort -u | wc -l)" = 50 ] || why="$why source ports not distinct;"
	table_gone flood || why="$why the nft table is still there;"
	if [ -z "$why" ]; then
		ok "flood"
	else
		bad "flood" "$why" "$tmp/flood.out" "$tmp/flood.err"
	fi

	# SIGTERM mid-flood: table removed
	"$CRAFT" -q flood --count 1000 --interval 20 127.0.0.1 "$port4" \
	    >"$tmp/fterm.out" 2>"$tmp/fterm.err" &
	fp=$!
	pids="$pids $fp"
	tables="$tables tcpviz_craft_$fp"
	why=""
	i=0
	while [ $i -lt 100 ] && ! nft list tables | grep -q "inet tcpviz_craft_$fp\$"; do
		sleep 0.1
		i=$((i + 1))
	done
	[ $i -lt 100 ] || why="$why no table while it ran;"
	sleep 0.5
	kill -TERM "$fp"
	{ wait "$fp"; } 2>/dev/null
	st=$?
	[ $st = 143 ] || why="$why exit status $st, want 143 (SIGTERM);"
	nft list tables | grep -q "inet tcpviz_craft_$fp\$" &&
		why="$why table inet tcpviz_craft_$fp is still there;"
	if [ -z "$why" ]; then
		ok "flood-sigterm"
	else
		bad "flood-sigterm" "$why" "$tmp/fterm.out" "$tmp/fterm.err"
	fi
fi

# IPv6: the same on ::1 (a bare TCP header, checksum over the IPv6 pseudo-header)
if start_server srv6 --tcp 0 --bind ::1; then
	port6=$port
	craft syn6 syn -6 "$port6"
	if [ "$(cat "$tmp/syn6.st")" = 0 ] &&
	    has "$tmp/syn6.out" "^got   \[::1\]:$port6 > \[::1\]:[0-9]+ S\. seq=[0-9]+ ack=1001 " &&
	    has "$tmp/syn6.out" '^half-open: '; then
		ok "syn-ipv6"
	else
		bad "syn-ipv6" "no SYN-ACK / half-open verdict (status $(cat "$tmp/syn6.st"))" \
		    "$tmp/syn6.out" "$tmp/syn6.err"
	fi
	if [ $have_nft = 1 ]; then
		if start_capture hs6 lo "tcp port $port6"; then
			craft hs6 handshake --data hello6 --ts 5 ::1 "$port6"
			stop_capture
			cp=$(src_port hs6)
			why=""
			[ "$(cat "$tmp/hs6.st")" = 0 ] || why="$why exit status $(cat "$tmp/hs6.st");"
			has "$tmp/hs6.json" "\"type\":\"conn\",.*\"client\":\"::1:$cp\",.*\"open\":\"three-way\"" ||
			    has "$tmp/hs6.json" "\"type\":\"conn\",.*\"client\":\"\[::1\]:$cp\",.*\"open\":\"three-way\"" ||
				why="$why tcpviz did not call it three-way;"
			r=$(rst_of hs6 "$cp")
			[ -z "$r" ] || why="$why an RST was sent: $r;"
			table_gone hs6 || why="$why the nft table is still there;"
			if [ -z "$why" ]; then
				ok "handshake-ipv6"
			else
				bad "handshake-ipv6" "$why" "$tmp/hs6.out" "$tmp/hs6.err" "$tmp/hs6.json"
			fi
		else
			bad "handshake-ipv6" "the capture on lo did not start" "$tmp/hs6.cap"
		fi
	fi
else
	bad "syn-ipv6" "tcpviz-server on ::1 did not start" "$tmp/srv6.log"
fi

echo "craft: $passed passed, $failed failed"
[ $failed = 0 ]
