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
#   * -v shows TCP checksums as tcpdump -vv verifies them; -K turns the
#     checks off; loopback's offloaded checksums are not called bad;
#   * -w - is the capture alone on stdout (tcpdump -r - reads it), the
#     ladder on stderr with --print; bad -Q, -y, --time-stamp-precision
#     values are one line; --time-stamp-precision scales -r and -w;
#     a bad --graph, --graph with another --format, an unwritable -o FILE:
#     one line each.
# tcpdump comes with tools/deps.sh test; without it the comparisons skip.
# Prints "ok NAME", "FAIL NAME: why" or "skip NAME: why", then
# "flags: N passed, M failed".  TCPVIZ names the binary (default ./tcpviz).
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/live/lib.sh
test_begin
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

# hms_case NAME FLAG: the time column under FLAG is tcpdump's under it,
# whose H:MM:SS.ffffff is turned into seconds
hms_case() {
	"$TCPVIZ" -n -# "$2" --data=full -r $C/close-four-way.pcap >"$tmp/out" 2>&1
	rowtimes "$tmp/out" >"$tmp/ours"
	tcpdump -n "$2" -r $C/close-four-way.pcap 2>/dev/null | awk '{
		split($1, t, ":"); printf "%.6f\n", t[1] * 3600 + t[2] * 60 + t[3] }' >"$tmp/theirs"
	cmp -s "$tmp/ours" "$tmp/theirs" && ok "$1" ||
	    bad "$1" "other times" "$tmp/ours" "$tmp/theirs"
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
	hms_case "-ttttt as tcpdump" -ttttt
	# -ttt: since the previous row of the same connection; the file holds
	# one, so tcpdump's delta since the previous packet (the first is 0)
	hms_case "-ttt as tcpdump" -ttt
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

# ---- 8. -w -, --print, -Q, -y, --time-stamp-precision (issue 13) ----
# -w -: standard output is the capture alone; tcpdump -r - reads it whole
"$TCPVIZ" -r $C/handshake.pcap -w - >"$tmp/wd.pcap" 2>"$tmp/err"
st=$?
if [ $have_tcpdump = 1 ]; then
	a=$(tcpdump -n -r - <"$tmp/wd.pcap" 2>/dev/null | wc -l | tr -d ' ')
	b=$(pcount $C/handshake.pcap)
	[ $st = 0 ] && [ "$a" = "$b" ] && [ "$a" -gt 0 ] && ! [ -s "$tmp/err" ] &&
	    ok "-w - | tcpdump -r -" ||
	    bad "-w - | tcpdump -r -" "exit $st, tcpdump read $a of $b packets" "$tmp/err"
	a=$("$TCPVIZ" -r $C/handshake.pcap -w - 2>/dev/null | tcpdump -n -r - 2>/dev/null | wc -l | tr -d ' ')
	[ "$a" = "$b" ] && ok "-w - through a pipe" || bad "-w - through a pipe" "tcpdump read $a of $b"
else
	skip "-w - | tcpdump -r -" "no tcpdump"
fi
"$TCPVIZ" -r $C/handshake.pcap -w - --print >"$tmp/wdp.pcap" 2>"$tmp/err"
st=$?
"$TCPVIZ" -r $C/handshake.pcap >"$tmp/want" 2>/dev/null
[ $st = 0 ] && cmp -s "$tmp/wdp.pcap" "$tmp/wd.pcap" && cmp -s "$tmp/err" "$tmp/want" &&
    ok "-w - --print: the ladder on stderr" ||
    bad "-w - --print: the ladder on stderr" "exit $st, stdout or stderr differ" "$tmp/err"
# with stderr a terminal of 72 columns and stdout a file: the ladder fits
# the terminal it goes to, in colour, and the file is the capture
python3 tests/pty.py --cols 72 --timeout 20 --out "$tmp/tty" -- sh -c \
    "'$TCPVIZ' -r $C/close-four-way.pcap -w - --print >'$tmp/wdt.pcap'"
st=$?
"$TCPVIZ" -r $C/close-four-way.pcap -w "$tmp/wdf.pcap" 2>/dev/null
long=$(sed 's/\x1b\[[0-9;]*m//g' "$tmp/tty" | awk 'length > 72 { n++ } END { print n + 0 }')
[ $st = 0 ] && [ "$long" = 0 ] && grep -q "$(printf '\033')\\[" "$tmp/tty" &&
    grep -q "ESTABLISHED" "$tmp/tty" && cmp -s "$tmp/wdt.pcap" "$tmp/wdf.pcap" &&
    ok "-w - --print: width and colour of stderr's terminal" ||
    bad "-w - --print: width and colour of stderr's terminal" "exit $st, $long lines over 72, or no colour, or the file differs" "$tmp/tty"
"$TCPVIZ" -r $C/handshake.pcap -w "$tmp/wp.pcap" --print >"$tmp/out" 2>"$tmp/err"
cmp -s "$tmp/out" "$tmp/want" && cmp -s "$tmp/wp.pcap" "$tmp/wd.pcap" &&
    ok "--print with -w FILE: drawn and saved" ||
    bad "--print with -w FILE: drawn and saved" "output or file differ" "$tmp/err"
"$TCPVIZ" -r $C/handshake.pcap --print >"$tmp/out" 2>&1
cmp -s "$tmp/out" "$tmp/want" && ok "--print alone: the default" ||
    bad "--print alone: the default" "output differs" "$tmp/out"

# bad values of -Q, -y, --time-stamp-precision: one line, exit 1, nothing on stdout
onebad() {	# NAME GREP ARGS...
	name=$1 pat=$2
	shift 2
	"$TCPVIZ" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	st=$?
	[ $st = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && ! [ -s "$tmp/out" ] &&
	    grep -q -- "$pat" "$tmp/err" && ok "$name" ||
	    bad "$name" "exit $st, want 1 and one line with '$pat'" "$tmp/err"
}
onebad "-Q bad value" "-Q sideways: not a direction (in, out or inout)" -i lo -Q sideways
onebad "-y bad value" "-y NOSUCHLINK: unknown link type" -i lo -y NOSUCHLINK
onebad "--time-stamp-precision bad value" "micro or nano" -r $C/handshake.pcap --time-stamp-precision=pico
onebad "--width too narrow" "(72 to 100000)" -r $C/handshake.pcap --width=10
onebad "--width not a number" "(72 to 100000)" -r $C/handshake.pcap --width=wide
onebad "--color bad value" "auto, always or never" -r $C/handshake.pcap --color=bogus
onebad "--data bad value" "summary, full or none" -r $C/handshake.pcap --data=some
onebad "--format bad value" "unknown format 'xml'" -r $C/handshake.pcap --format=xml
onebad "--graph bad value" "unknown --graph 'stevens' (tsg" -r $C/handshake.pcap --graph=stevens
onebad "--graph with --format=json" "no --format=json with it" -r $C/handshake.pcap --graph=tsg --format=json
onebad "-o unwritable" "/nonexistent/out.svg: No such file or directory" -r $C/handshake.pcap --format=svg -o /nonexistent/out.svg
onebad "--pace too long" "(0 to 10000)" --demo --pace=99999

# --time-stamp-precision with -r: libpcap scales the times; -w keeps them so
digits() {	# the decimals of the first row's time
	sed -n 's/^ *[0-9][0-9]*\.\([0-9]*\) .*SYN_SENT.*/\1/p' "$1" | head -1 | awk '{ print length($0) }'
}
"$TCPVIZ" -r $C/handshake-ns.pcap >"$tmp/ns" 2>&1
"$TCPVIZ" -r $C/handshake-ns.pcap --time-stamp-precision=nano >"$tmp/nsn" 2>&1
"$TCPVIZ" -r $C/handshake-ns.pcap --time-stamp-precision=micro >"$tmp/nsu" 2>&1
"$TCPVIZ" -r $C/handshake.pcap --time-stamp-precision=nano >"$tmp/usn" 2>&1
why=""
[ "$(digits "$tmp/ns")" = 9 ] || why="handshake-ns.pcap: not 9 digits;"
cmp -s "$tmp/ns" "$tmp/nsn" || why="$why =nano changes a nanosecond file;"
[ "$(digits "$tmp/nsu")" = 6 ] || why="$why =micro: not 6 digits;"
[ "$(digits "$tmp/usn")" = 9 ] || why="$why handshake.pcap =nano: not 9 digits;"
[ -z "$why" ] && ok "--time-stamp-precision with -r" ||
    bad "--time-stamp-precision with -r" "$why" "$tmp/nsu" "$tmp/usn"
magic() {
	od -An -tx1 -N4 "$1" 2>/dev/null | tr -d ' \n'
}
why=""
"$TCPVIZ" -r $C/handshake-ns.pcap --time-stamp-precision=micro -w "$tmp/m.pcap" >/dev/null 2>&1
"$TCPVIZ" -r $C/handshake.pcap --time-stamp-precision=nano -w "$tmp/n.pcap" >/dev/null 2>&1
case $(magic "$tmp/m.pcap") in d4c3b2a1|a1b2c3d4) ;; *) why="=micro -w: not a microsecond pcap;" ;; esac
case $(magic "$tmp/n.pcap") in 4d3cb2a1|a1b23c4d) ;; *) why="$why =nano -w: not a nanosecond pcap;" ;; esac
if [ $have_tcpdump = 1 ]; then
	tcpdump --time-stamp-precision=micro -n -r $C/handshake-ns.pcap -w "$tmp/tm.pcap" 2>/dev/null
	tcpdump --time-stamp-precision=nano -n -r $C/handshake.pcap -w "$tmp/tn.pcap" 2>/dev/null
	cmp -s "$tmp/m.pcap" "$tmp/tm.pcap" || why="$why =micro -w differs from tcpdump's;"
	cmp -s "$tmp/n.pcap" "$tmp/tn.pcap" || why="$why =nano -w differs from tcpdump's;"
fi
"$TCPVIZ" -r "$tmp/n.pcap" >"$tmp/out" 2>&1
[ "$(digits "$tmp/out")" = 9 ] || why="$why the =nano file replays without 9 digits;"
[ -z "$why" ] && ok "--time-stamp-precision with -w" || bad "--time-stamp-precision with -w" "$why"

# ---- -q, -v, -vv, -A, -X, -e, --color: the ladder's display flags ----
# -q: arrows only: no options, no notes beside or under the rows
"$TCPVIZ" -n -r $C/retrans.pcap -q --data=full >"$tmp/q" 2>&1
if ! grep '|' "$tmp/q" | grep -q '<mss\|dup-ack\|retransmission\|truncated' &&
    grep -q -- '---- SYN seq=0' "$tmp/q"; then ok "-q: arrows only"
else bad "-q: arrows only" "notes or options left" "$tmp/q"; fi
# -v: TTL and IP ID as tcpdump -v reads them, for every packet
"$TCPVIZ" -n -r $C/close-four-way.pcap -v --data=full >"$tmp/v" 2>&1
sed -n 's/.*\(ttl [0-9]*\), \(id [0-9]*\).*/\1, \2/p' "$tmp/v" >"$tmp/v.ours"
if [ $have_tcpdump = 1 ]; then
	tcpdump -n -v -r $C/close-four-way.pcap 2>/dev/null |
	    sed -n 's/.*\(ttl [0-9]*\), \(id [0-9]*\),.*/\1, \2/p' >"$tmp/v.theirs"
	if [ -s "$tmp/v.ours" ] && cmp -s "$tmp/v.ours" "$tmp/v.theirs" &&
	    grep -q "win 65495" "$tmp/v"; then ok "-v: TTL and IP ID as tcpdump -v"
	else bad "-v: TTL and IP ID as tcpdump -v" "differ" "$tmp/v.ours" "$tmp/v.theirs"; fi
else
	skip "-v: TTL and IP ID as tcpdump -v" "no tcpdump"
fi
# -v: TCP checksums as tcpdump -vv verifies them (captures/cksum.pcap: all
# filled in by relink.py cksum, two TCP/UDP ones and one IPv4 header made
# wrong; tcpviz drops the packet with the bad IPv4 header, so it is left out)
"$TCPVIZ" -n -r $C/cksum.pcap -v --data=full tcp >"$tmp/ck" 2>&1
grep -o 'cksum 0x[0-9a-f]* ([^)]*)' "$tmp/ck" | sort >"$tmp/ck.ours"
if [ $have_tcpdump = 1 ]; then
	tcpdump -n -vv -r $C/cksum.pcap tcp 2>/dev/null |
	    awk '/^[^ \t]/ { if (l != "") print l; l = $0; next } { l = l " " $0 } END { if (l != "") print l }' |
	    grep -v 'bad cksum' | grep -o 'cksum 0x[0-9a-f]* ([^)]*)' | sort >"$tmp/ck.theirs"
	if [ -s "$tmp/ck.ours" ] && cmp -s "$tmp/ck.ours" "$tmp/ck.theirs" &&
	    grep -q 'incorrect -> ' "$tmp/ck.ours"; then ok "-v: TCP checksums as tcpdump -vv"
	else bad "-v: TCP checksums as tcpdump -vv" "differ" "$tmp/ck.ours" "$tmp/ck.theirs"; fi
else
	skip "-v: TCP checksums as tcpdump -vv" "no tcpdump"
fi
# -K (--dont-verify-checksums): nothing dropped, marked or shown for checksums
for k in -K --dont-verify-checksums; do
	"$TCPVIZ" -n -r $C/cksum.pcap -v "$k" >"$tmp/ko" 2>&1
	"$TCPVIZ" -n -r $C/cksum.pcap -v >"$tmp/kv" 2>&1
	if [ $? = 0 ] && ! grep -q 'cksum' "$tmp/ko" && grep -q 'bad cksum' "$tmp/kv" &&
	    grep -q '^20 packets: 12 TCP, 4 UDP, 4 skipped' "$tmp/ko" &&
	    grep -q 'bad IPv4 header checksum' "$tmp/kv"; then ok "$k: no checksum checks"
	else bad "$k: no checksum checks" "checksums still checked, or none without it" "$tmp/ko"; fi
done
# loopback captures (the kernel leaves CHECKSUM_PARTIAL) are never marked bad
"$TCPVIZ" -n -r $C/close-four-way.pcap -v --data=full >"$tmp/lo" 2>&1
if ! grep -q 'bad cksum\|incorrect' "$tmp/lo" && grep -q 'cksum 0x[0-9a-f]* (offloaded)' "$tmp/lo"; then
	ok "-v: loopback checksums are offloaded, not bad"
else bad "-v: loopback checksums are offloaded, not bad" "marked bad" "$tmp/lo"; fi
# -vv: timestamp values as tcpdump's; SACK blocks relative as tcpdump's
"$TCPVIZ" -n -r $C/retrans.pcap -vv --data=full >"$tmp/vv" 2>&1
grep -o 'TS val [0-9]* ecr [0-9]*' "$tmp/vv" >"$tmp/vv.ours"
if [ $have_tcpdump = 1 ]; then
	tcpdump -n -r $C/retrans.pcap 2>/dev/null |
	    grep -o 'TS val [0-9]* ecr [0-9]*' >"$tmp/vv.theirs"
	tcpdump -n -r $C/retrans.pcap 2>/dev/null | grep -o 'sack 1 {[0-9:]*}' |
	    head -1 >"$tmp/sack.theirs"
	if [ -s "$tmp/vv.ours" ] && cmp -s "$tmp/vv.ours" "$tmp/vv.theirs" &&
	    grep -qF "$(cat "$tmp/sack.theirs")" "$tmp/vv"; then
		ok "-vv: options in full as tcpdump's"
	else bad "-vv: options in full as tcpdump's" "differ" "$tmp/vv.ours" "$tmp/vv.theirs"; fi
else
	skip "-vv: options in full as tcpdump's" "no tcpdump"
fi
# -A and -X: the payload under its row, folded runs unfolded; -X's hex
# as tcpdump -X has it
"$TCPVIZ" -n -r $C/close-four-way.pcap -A >"$tmp/a" 2>&1
"$TCPVIZ" -n -r $C/close-four-way.pcap -X >"$tmp/x" 2>&1
if grep -A1 'PSH,ACK seq=1:9 ack=1 len=8' "$tmp/a" | grep -q '^ *close me$' &&
    ! grep -q 'segments:' "$tmp/a"; then ok "-A: payload under the PSH row"
else bad "-A: payload under the PSH row" "not there" "$tmp/a"; fi
if grep -q '0x0000:  636c 6f73 6520 6d65 .*close me$' "$tmp/x"; then
	if [ $have_tcpdump = 1 ] && ! tcpdump -n -X -r $C/close-four-way.pcap 2>/dev/null |
	    grep -q '636c 6f73 6520 6d65'; then
		bad "-X: hex and ASCII" "tcpdump -X has other bytes" "$tmp/x"
	else ok "-X: hex and ASCII"; fi
else bad "-X: hex and ASCII" "no hex line" "$tmp/x"; fi
"$TCPVIZ" -n -r $C/retrans.pcap -X -s 0 >"$tmp/xt" 2>&1
grep -q '(958 more bytes, not captured)' "$tmp/xt" && ok "-X: a short capture says so" ||
    bad "-X: a short capture says so" "no note" "$tmp/xt"
# -e: the MAC addresses and VLAN of an Ethernet capture, as tcpdump -e
"$TCPVIZ" -n -r $C/handshake-vlan.pcap -e >"$tmp/e" 2>&1
if grep -q '^link client 00:00:00:00:00:00 server 00:00:00:00:00:00, ethertype IPv4 (0x0800), vlan 42$' "$tmp/e"; then
	if [ $have_tcpdump = 1 ] && ! tcpdump -n -e -r $C/handshake-vlan.pcap 2>/dev/null |
	    head -1 | grep -q 'vlan 42, p 0, ethertype IPv4 (0x0800)'; then
		bad "-e: link layer in the header" "tcpdump -e says otherwise" "$tmp/e"
	else ok "-e: link layer in the header"; fi
else bad "-e: link layer in the header" "no link line" "$tmp/e"; fi
# every new kind of line within --width
why=""
for wd in 72 80; do
	for f in -q -v -vv -A -X -e "-vv -X -e -#" "-v -A -tttt"; do
		for cap in retrans.pcap close-four-way.pcap ipv6.pcap handshake-vlan.pcap udp-tcp-mixed.pcap; do
			# shellcheck disable=SC2086
			"$TCPVIZ" -n -r $C/$cap --width=$wd $f --data=full >"$tmp/w" 2>&1
			n=$(awk -v w=$wd 'length($0) > w' "$tmp/w" | wc -l)
			[ "$n" = 0 ] || why="$why $cap $f at $wd: $n long lines;"
		done
	done
done
[ -z "$why" ] && ok "-q -v -vv -A -X -e within --width" ||
    bad "-q -v -vv -A -X -e within --width" "$why"
# colour: off in a pipe, on a terminal, NO_COLOR, --color=always|never;
# escapes never count toward the width
esc=$(printf '\033')
"$TCPVIZ" -n -r $C/refused.pcap >"$tmp/c.pipe" 2>&1
"$TCPVIZ" -n -r $C/refused.pcap --color=always >"$tmp/c.always" 2>&1
why=""
grep -q "$esc" "$tmp/c.pipe" && why="colour in a pipe;"
grep -q "$esc\[35m<--- RST" "$tmp/c.always" || why="$why --color=always: no colour;"
sed "s/$esc\[[0-9;]*m//g" "$tmp/c.always" | cmp -s - "$tmp/c.pipe" ||
    why="$why --color=always differs beyond its escapes;"
if command -v python3 >/dev/null 2>&1; then
	python3 tests/pty.py --cols 80 --out "$tmp/c.tty" -- "$TCPVIZ" -n -r $C/retrans.pcap >/dev/null 2>&1
	NO_COLOR=1 python3 tests/pty.py --cols 80 --out "$tmp/c.nocolor" -- "$TCPVIZ" -n -r $C/retrans.pcap >/dev/null 2>&1
	python3 tests/pty.py --cols 80 --out "$tmp/c.never" -- "$TCPVIZ" -n -r $C/retrans.pcap --color=never >/dev/null 2>&1
	grep -q "$esc\[1;33m" "$tmp/c.tty" || why="$why a terminal: no colour;"
	grep -q "$esc" "$tmp/c.nocolor" && why="$why NO_COLOR: colour;"
	grep -q "$esc" "$tmp/c.never" && why="$why --color=never on a terminal: colour;"
	n=$(sed "s/$esc\[[0-9;]*m//g" "$tmp/c.tty" | awk 'length($0) > 80' | wc -l)
	[ "$n" = 0 ] || why="$why $n lines over 80 columns on the terminal;"
fi
[ -z "$why" ] && ok "--color: terminal, pipe, NO_COLOR" ||
    bad "--color: terminal, pipe, NO_COLOR" "$why" "$tmp/c.always"
onebad "--color bad value" "unknown --color 'sometimes'" -r $C/handshake.pcap --color=sometimes

# --compare: its ids, several -r, what does not go with it
onebad "--compare bad ids" "invalid --compare '1,x'" -r $C/handshake.pcap --compare=1,x
onebad "--compare id 0" "invalid --compare '0'" -r $C/handshake.pcap --compare=0
onebad "-r twice without --compare" "several captures go with --compare" -r $C/handshake.pcap -r $C/udp.pcap
onebad "-w with several -r" "not with several -r" -r $C/handshake.pcap -r $C/udp.pcap --compare -w $tmp/x.pcap
onebad "--compare --summary" "not --summary" -r $C/handshake.pcap --compare --summary
onebad "--compare, a later -r missing" "$tmp/none.pcap" --compare -r $C/handshake.pcap -r $tmp/none.pcap
# ids go on from one file to the next; --compare=ID picks that one
"$TCPVIZ" -n --compare -r $C/handshake.pcap -r $C/udp-refused.pcap --width=80 >"$tmp/cmp" 2>&1
"$TCPVIZ" -n --compare=2 -r $C/handshake.pcap -r $C/udp-refused.pcap --width=80 >"$tmp/cmp2" 2>&1
why=""
grep -q '^compare: 2 flows' "$tmp/cmp" || why="no 2-flow view;"
grep -Eq '^ +#1 TCP +#2 UDP$' "$tmp/cmp" || why="$why #1 TCP and #2 UDP not side by side;"
grep -q '^compare: 1 flow,' "$tmp/cmp2" || why="$why --compare=2: not one flow;"
grep -q '#1 TCP' "$tmp/cmp2" && why="$why --compare=2 drew #1;"
grep -q '#2 UDP' "$tmp/cmp2" || why="$why --compare=2 did not draw #2;"
n=$(awk 'length($0) > 80' "$tmp/cmp" | wc -l)
[ "$n" = 0 ] || why="$why $n lines over 80 columns;"
[ -z "$why" ] && ok "--compare -r A -r B, --compare=ID" || bad "--compare -r A -r B, --compare=ID" "$why" "$tmp/cmp"
# on a terminal: the terminal's width, four flows in groups at 80 columns,
# side by side at 200; into a pipe that closes early: no hang, exit 0
if command -v python3 >/dev/null 2>&1; then
	why=""
	for cols in 80 200; do
		python3 tests/pty.py --cols $cols --timeout 20 --out "$tmp/cmp.$cols" -- \
		    "$TCPVIZ" -n --compare -r $C/udp-tcp-mixed.pcap -r $C/retrans.pcap \
		    -r $C/ipv6.pcap >/dev/null 2>&1 || why="$why $cols columns: exit status $?;"
		tr -d '\r' <"$tmp/cmp.$cols" >"$tmp/cmp.$cols.txt"
		n=$(awk -v w=$cols 'length($0) > w' "$tmp/cmp.$cols.txt" | wc -l)
		[ "$n" = 0 ] || why="$why $n lines over $cols columns;"
	done
	grep -Eq '^ +#1 TCP +#2 UDP$' "$tmp/cmp.80.txt" &&
	    grep -Eq '^ +#3 TCP +#4 TCP$' "$tmp/cmp.80.txt" ||
	    why="$why 80 columns: four flows not in groups of two;"
	grep -Eq '^ +#1 TCP +#2 UDP +#3 TCP +#4 TCP$' "$tmp/cmp.200.txt" ||
	    why="$why 200 columns: not all four side by side;"
	[ -z "$why" ] && ok "--compare on a terminal of 80 and 200 columns" ||
	    bad "--compare on a terminal of 80 and 200 columns" "$why" "$tmp/cmp.80.txt"
fi
st=$( { timeout 10 "$TCPVIZ" -n --compare -r $C/retrans.pcap; echo $? >"$tmp/cmp.st"; } | head -3 >/dev/null; cat "$tmp/cmp.st")
[ "$st" = 0 ] && ok "--compare into a pipe that closes early" ||
    bad "--compare into a pipe that closes early" "exit status $st"

echo "flags: $passed passed, $failed failed"
[ $failed = 0 ]
