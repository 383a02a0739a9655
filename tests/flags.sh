#!/bin/sh
# tests/flags.sh: tcpdump's habits, checked against tcpdump itself where they overlap.
#
#   * an unknown option: getopt's one line and "Try 'tcpviz --help' ...",
#     exit 1, nothing on stdout (not the whole help);
#   * -w with -r saves what the expression and -c select: as many packets
#     as tcpdump -r -w saves, the same bytes;
#   * -l, -U, --immediate-mode, -n, -nn are accepted and change nothing;
#   * -# shows the file's frame numbers, those of tcpdump -# without a
#     filter, and the same numbers under one;
#   * -tt and -tttt (TZ=UTC0) show tcpdump's times; -t, -ttt, -ttttt too;
#   * -# and the -t formats keep every line within --width;
#   * -s 0 is the most; -F FILE reads the expression (comments, bounds).
# tcpdump comes with tools/deps.sh test; without it the comparisons skip.
# Prints "ok NAME", "FAIL NAME: why" or "skip NAME: why", then
# "flags: N passed, M failed".  TCPVIZ names the binary (default ./tcpviz).
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/live/lib.sh
TCPVIZ=${TCPVIZ:-./tcpviz}
passed=0
failed=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
have_tcpdump=0
command -v tcpdump >/dev/null 2>&1 && have_tcpdump=1
C=captures

# ---- 1. unknown options: one line and a hint ----
for o in -x --bogus -c; do
	"$TCPVIZ" -r $C/udp.pcap "$o" >"$tmp/out" 2>"$tmp/err" </dev/null
	st=$?
	n=$(wc -l <"$tmp/err")
	if [ $st = 1 ] && [ ! -s "$tmp/out" ] && [ "$n" = 2 ] &&
	    [ "$(sed -n 2p "$tmp/err")" = "Try 'tcpviz --help' for more information." ] &&
	    grep -q "^tcpviz: .*option" "$tmp/err"; then
		ok "unknown-option$o"
	else
		bad "unknown-option$o" "exit $st, $n lines on stderr" "$tmp/err"
	fi
done

# ---- 2. -w with -r: what the expression and -c select ----
pcount() {	# packets in a pcap file, as tcpdump reads it
	tcpdump -n -r "$1" 2>/dev/null | wc -l | tr -d ' '
}
wcase() {	# NAME CAPTURE [-c N] [expression...]
	name=$1 cap=$2
	shift 2
	rm -f "$tmp/ours.pcap" "$tmp/theirs.pcap"
	"$TCPVIZ" -n -r "$C/$cap" -w "$tmp/ours.pcap" "$@" >/dev/null 2>"$tmp/err"
	st=$?
	# a nanosecond file is saved at its precision (tcpdump: when told)
	case $cap in
	*-ns*) tcpdump --time-stamp-precision=nano -n -r "$C/$cap" \
	    -w "$tmp/theirs.pcap" "$@" 2>/dev/null ;;
	*) tcpdump -n -r "$C/$cap" -w "$tmp/theirs.pcap" "$@" 2>/dev/null ;;
	esac
	a=$(pcount "$tmp/ours.pcap") b=$(pcount "$tmp/theirs.pcap")
	if [ $st != 0 ]; then
		bad "write-$name" "exit status $st" "$tmp/err"
	elif [ "$a" != "$b" ]; then
		bad "write-$name" "wrote $a packets, tcpdump $b"
	elif ! cmp -s "$tmp/ours.pcap" "$tmp/theirs.pcap"; then
		bad "write-$name" "$a packets as tcpdump, but other bytes"
	else
		ok "write-$name ($a packets)"
	fi
}
if [ $have_tcpdump = 1 ]; then
	wcase udp udp-tcp-mixed.pcap udp
	wcase count-udp udp-tcp-mixed.pcap -c 2 udp
	wcase tcp-port udp-tcp-mixed.pcap tcp port 9999
	wcase icmp udp-tcp-mixed.pcap icmp
	wcase all udp-tcp-mixed.pcap
	wcase count-all retrans.pcap -c 7
	wcase none handshake.pcap udp
	wcase ns handshake-ns.pcap -c 5 tcp
	# the exact count the issue names
	"$TCPVIZ" -r $C/udp-tcp-mixed.pcap -w "$tmp/o.pcap" udp >/dev/null 2>&1
	[ "$(pcount "$tmp/o.pcap")" = 4 ] && ok write-udp-is-4 ||
	    bad write-udp-is-4 "wrote $(pcount "$tmp/o.pcap") packets, not 4"
else
	skip write-filter "no tcpdump (tools/deps.sh test installs it)"
fi

# ---- 3. accepted habits change nothing ----
"$TCPVIZ" -r $C/close-four-way.pcap >"$tmp/plain" 2>&1
for o in -l -U --immediate-mode -n -nn "-l -U -nn" "-s 0" "-s 262144"; do
	# shellcheck disable=SC2086
	"$TCPVIZ" $o -r $C/close-four-way.pcap >"$tmp/out" 2>&1
	st=$?
	if [ $st = 0 ] && cmp -s "$tmp/plain" "$tmp/out"; then
		ok "accepted $o"
	else
		bad "accepted $o" "exit $st, or the output differs" "$tmp/out"
	fi
done
for s in 262145 -1; do
	"$TCPVIZ" -s "$s" -r $C/udp.pcap >"$tmp/out" 2>"$tmp/err"
	st=$?
	[ $st = 1 ] && grep -q "0 to 262144" "$tmp/err" && ok "snaplen $s refused" ||
	    bad "snaplen $s refused" "exit $st" "$tmp/err"
done

# ---- 4. -#: the frame numbers of the file ----
rownums() {	# the numbers that start ladder rows, one a line
	sed -n 's/^ *\([0-9][0-9]*\) .*[|].*/\1/p' "$1"
}
"$TCPVIZ" -n -# --data=full -r $C/close-four-way.pcap >"$tmp/out" 2>&1
rownums "$tmp/out" >"$tmp/ours"
if [ $have_tcpdump = 1 ]; then
	tcpdump -n -# -r $C/close-four-way.pcap 2>/dev/null |
	    awk '{ print $1 }' >"$tmp/theirs"
	cmp -s "$tmp/ours" "$tmp/theirs" && ok "number as tcpdump -#" ||
	    bad "number as tcpdump -#" "other numbers" "$tmp/ours"
	# under a filter: the file's numbers (tcpdump -# counts what it prints)
	"$TCPVIZ" -n -# -r $C/udp-tcp-mixed.pcap udp >"$tmp/out" 2>&1
	rownums "$tmp/out" >"$tmp/ours"
	tcpdump -n -# -r $C/udp-tcp-mixed.pcap 2>/dev/null |
	    awk '/ UDP,/ { print $1 }' >"$tmp/theirs"
	cmp -s "$tmp/ours" "$tmp/theirs" && ok "number under a filter" ||
	    bad "number under a filter" "not the file's frame numbers" "$tmp/ours"
else
	seq 1 11 >"$tmp/theirs"
	cmp -s "$tmp/ours" "$tmp/theirs" && ok "number 1 to 11" ||
	    bad "number 1 to 11" "other numbers" "$tmp/ours"
fi
# the JSON says the same numbers
"$TCPVIZ" -n --format=json -r $C/retrans.pcap | sed -n \
    's/^{"type":"packet","n":\([0-9]*\),.*/\1/p' >"$tmp/json"
"$TCPVIZ" -n -# --data=full -r $C/retrans.pcap >"$tmp/out" 2>&1
rownums "$tmp/out" >"$tmp/ours"
cmp -s "$tmp/ours" "$tmp/json" && ok "number as json n" ||
    bad "number as json n" "other numbers" "$tmp/ours"

# ---- 5. the time formats ----
rowtimes() {	# the time column of every row, after -#
	sed -n 's/^ *[0-9][0-9]* \{1,\}\([0-9][-0-9: .]*[0-9]\)  .*[|].*/\1/p' "$1" |
	    sed 's/ *$//'
}
if [ $have_tcpdump = 1 ]; then
	for f in close-four-way.pcap handshake-ns.pcap; do
		ns=""
		case $f in *-ns*) ns="--time-stamp-precision=nano" ;; esac
		TZ=UTC0 "$TCPVIZ" -n -# -tt --data=full -r "$C/$f" >"$tmp/out" 2>&1
		rowtimes "$tmp/out" >"$tmp/ours"
		# shellcheck disable=SC2086
		tcpdump -n -tt $ns -r "$C/$f" 2>/dev/null | awk '{ print $1 }' >"$tmp/theirs"
		cmp -s "$tmp/ours" "$tmp/theirs" && ok "-tt as tcpdump ($f)" ||
		    bad "-tt as tcpdump ($f)" "other times" "$tmp/ours" "$tmp/theirs"
		TZ=UTC0 "$TCPVIZ" -n -# -tttt --data=full -r "$C/$f" >"$tmp/out" 2>&1
		rowtimes "$tmp/out" >"$tmp/ours"
		# shellcheck disable=SC2086
		TZ=UTC0 tcpdump -n -tttt $ns -r "$C/$f" 2>/dev/null |
		    awk '{ print $1 " " $2 }' >"$tmp/theirs"
		cmp -s "$tmp/ours" "$tmp/theirs" && ok "-tttt as tcpdump ($f)" ||
		    bad "-tttt as tcpdump ($f)" "other times" "$tmp/ours" "$tmp/theirs"
	done
	# -tttt follows TZ, as tcpdump does
	TZ=JST-9 "$TCPVIZ" -n -# -tttt --data=full -r $C/close-four-way.pcap >"$tmp/out" 2>&1
	rowtimes "$tmp/out" >"$tmp/ours"
	TZ=JST-9 tcpdump -n -tttt -r $C/close-four-way.pcap 2>/dev/null |
	    awk '{ print $1 " " $2 }' >"$tmp/theirs"
	cmp -s "$tmp/ours" "$tmp/theirs" && ok "-tttt in local time" ||
	    bad "-tttt in local time" "other times" "$tmp/ours" "$tmp/theirs"
	# -ttttt: since the first packet; one connection in the file: as tcpdump's
	# seconds since the first (tcpdump writes 00:00:00.000011)
	"$TCPVIZ" -n -# -ttttt --data=full -r $C/close-four-way.pcap >"$tmp/out" 2>&1
	rowtimes "$tmp/out" >"$tmp/ours"
	tcpdump -n -ttttt -r $C/close-four-way.pcap 2>/dev/null | awk '{
		split($1, t, ":"); printf "%.6f\n", t[1] * 3600 + t[2] * 60 + t[3] }' >"$tmp/theirs"
	cmp -s "$tmp/ours" "$tmp/theirs" && ok "-ttttt as tcpdump" ||
	    bad "-ttttt as tcpdump" "other times" "$tmp/ours" "$tmp/theirs"
	# -ttt: since the previous row of the same connection; the file holds
	# one, so tcpdump's delta since the previous packet (the first is 0)
	"$TCPVIZ" -n -# -ttt --data=full -r $C/close-four-way.pcap >"$tmp/out" 2>&1
	rowtimes "$tmp/out" >"$tmp/ours"
	tcpdump -n -ttt -r $C/close-four-way.pcap 2>/dev/null | awk '{
		split($1, t, ":"); printf "%.6f\n", t[1] * 3600 + t[2] * 60 + t[3] }' >"$tmp/theirs"
	cmp -s "$tmp/ours" "$tmp/theirs" && ok "-ttt as tcpdump" ||
	    bad "-ttt as tcpdump" "other times" "$tmp/ours" "$tmp/theirs"
else
	skip times "no tcpdump (tools/deps.sh test installs it)"
fi
"$TCPVIZ" -n -t -r $C/close-four-way.pcap >"$tmp/out" 2>&1
if ! grep -Eq '^ *[0-9]+\.[0-9]+ ' "$tmp/out" && ! grep -q " time " "$tmp/out" &&
    [ "$(grep -c '|' "$tmp/out")" -ge 8 ]; then
	ok "-t: no time column"
else
	bad "-t: no time column" "a time is shown" "$tmp/out"
fi
"$TCPVIZ" -tttttt -r $C/udp.pcap >"$tmp/out" 2>"$tmp/err"
[ $? = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && ok "-tttttt refused" ||
    bad "-tttttt refused" "not one line and exit 1" "$tmp/err"

# ---- 6. width: no line longer than --width, whatever the flags ----
why=""
for f in $C/*.pcap; do
	for w in 72 80; do
		for o in "-#" "-# -tt" "-# -tttt" "-tttt" "-# -ttt" "-# -ttttt --data=full" "-t -#"; do
			# shellcheck disable=SC2086
			TZ=UTC0 "$TCPVIZ" -n $o --width=$w -r "$f" >"$tmp/out" 2>/dev/null
			l=$(awk -v w=$w 'length > w { n++ } END { print n + 0 }' "$tmp/out")
			[ "$l" = 0 ] || why="$why $f $o --width=$w: $l lines;"
		done
	done
done
[ -z "$why" ] && ok "width with -# and -t..." || bad "width with -# and -t..." "$why"

# ---- 7. -F FILE ----
printf 'udp   # the echo\n  and port 9997\n' >"$tmp/filter"
"$TCPVIZ" -n -r $C/udp-tcp-mixed.pcap -F "$tmp/filter" >"$tmp/out" 2>&1
"$TCPVIZ" -n -r $C/udp-tcp-mixed.pcap udp and port 9997 >"$tmp/want" 2>&1
cmp -s "$tmp/out" "$tmp/want" && ok "-F as the expression" ||
    bad "-F as the expression" "output differs" "$tmp/out"
"$TCPVIZ" -n -r $C/udp-tcp-mixed.pcap -F "$tmp/filter" tcp >"$tmp/out2" 2>"$tmp/err"
cmp -s "$tmp/out2" "$tmp/want" && grep -q "ignored" "$tmp/err" &&
    ok "-F with an expression: ignored, said" ||
    bad "-F with an expression: ignored, said" "output or message" "$tmp/err"
"$TCPVIZ" -r $C/udp.pcap -F "$tmp/nosuch" >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "nosuch: No such file" "$tmp/err" &&
    ok "-F missing file" || bad "-F missing file" "exit $st" "$tmp/err"
head -c 70000 /dev/zero | tr '\0' ' ' >"$tmp/big"
"$TCPVIZ" -r $C/udp.pcap -F "$tmp/big" >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st = 1 ] && grep -q "longer than 65536 bytes" "$tmp/err" &&
    ok "-F too big" || bad "-F too big" "exit $st" "$tmp/err"
printf 'udp and\n' >"$tmp/badf"
"$TCPVIZ" -r $C/udp.pcap -F "$tmp/badf" >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st = 1 ] && grep -q "bad filter" "$tmp/err" &&
    ok "-F bad expression" || bad "-F bad expression" "exit $st" "$tmp/err"

echo "flags: $passed passed, $failed failed"
[ $failed = 0 ]
