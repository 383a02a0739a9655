#!/bin/sh
# tests/live/capture.sh: capture live on lo for real (demo, JSON, -w on signals and a closed pipe, -Z, interfaces), -w write failures, -r from streams, -B and filter limits; most checks need root.
#
# Traffic stays on 127.0.0.1: every server listens on a port the kernel
# picks (--tcp 0) and names in its start line, and every capture filters on
# that port.  Every program runs under timeout(1); whatever is still running
# at the end is stopped by the EXIT trap.  TCPVIZ, TCPVIZ_SERVER and
# TCPVIZ_CLIENT name other binaries (a sanitizer build, say).  Checks that
# need CAP_NET_RAW print "skip NAME: needs root (...)" when not root and
# count neither way.  Prints "ok NAME" or "FAIL NAME: why" per check, then
# "capture: N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
TCPVIZ=${TCPVIZ:-./tcpviz}
SERVER=${TCPVIZ_SERVER:-./tcpviz-server}
CLIENT=${TCPVIZ_CLIENT:-./tcpviz-client}
T=20		# seconds any one client or capture may take
SRV_T=60	# seconds any one server may live

passed=0
failed=0
pids=""		# timeout(1) processes still to stop at exit
tmp=$(mktemp -d) || exit 1
pub=""		# a directory user nobody can read (made when needed)
mnt=""		# a small tmpfs for a full filesystem (mounted when root)

cleanup() {
	stop_all
	# the closed-pipe capture runs inside a subshell: stop it by its pid file
	[ -s "$tmp/pipe.pid" ] && kill "$(cat "$tmp/pipe.pid")" 2>/dev/null
	# never rm -rf through a mount point
	if [ -n "$mnt" ] && ! umount "$mnt"; then
		echo "capture: could not unmount $mnt; $tmp left in place" >&2
		return
	fi
	rm -rf "$tmp"
	[ -n "$pub" ] && rm -rf "$pub"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
. tests/live/lib.sh



# start_cap NAME ARGS...: tcpviz in the background (stdout $tmp/NAME.out,
# stderr $tmp/NAME.err); sets $tpid (its timeout) and $cpid (tcpviz itself)
# once it says it is listening.
start_cap() {
	name=$1
	shift
	timeout -k 5 $T "$TCPVIZ" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
	tpid=$!
	pids="$pids $tpid"
	cpid=""
	wait_log "$tmp/$name.err" "listening on" 1 || return 1
	cpid=$(child_of "$tpid")
	[ -n "$cpid" ]
}

# child_of PID: the one child of PID (tcpviz under its timeout)
child_of() {
	c=""
	if command -v pgrep >/dev/null 2>&1; then
		c=$(pgrep -P "$1" | head -1)
	fi
	if [ -z "$c" ] && [ -r "/proc/$1/task/$1/children" ]; then
		c=$(sed 's/ .*//' "/proc/$1/task/$1/children")
	fi
	echo "$c"
}

# stop_cap SIG: send SIG to the capture started last and wait; its exit
# status in $st (124 or more: timeout(1) had to end it)
stop_cap() {
	kill -"$1" "$cpid" 2>/dev/null
	wait "$tpid"
	st=$?
	forget "$tpid"
}

# wait_log FILE TEXT N: wait up to 5 s for N lines with TEXT in FILE
wait_log() {
	i=0
	while [ $i -lt 50 ]; do
		c=$(grep -c -- "$2" "$1" 2>/dev/null)
		[ "${c:-0}" -ge "$3" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# clients N: N echo clients one after another against $port; fails if one did
clients() {
	n=0
	while [ $n -lt "$1" ]; do
		timeout -k 2 $T "$CLIENT" -q 127.0.0.1 "$port" "round $n" \
		    >/dev/null 2>>"$tmp/clients.err" || return 1
		n=$((n + 1))
	done
}

# captured FILE: N from tcpviz's "N packets captured" line in FILE
captured() {
	sed -n 's/^\([0-9][0-9]*\) packets captured$/\1/p' "$1" | tail -1
}

# jnum LINE FIELD: a number field of one JSON line; jstr: a string field
jnum() {
	echo "$1" | sed -n "s/.*\"$2\":\([0-9][0-9]*\).*/\1/p"
}
jstr() {
	echo "$1" | sed -n "s/.*\"$2\":\"\([^\"]*\)\".*/\1/p"
}

# file_packets FILE: packets in a capture file by tcpviz -r, or "" if it
# cannot be read cleanly; file_conns likewise for connections
file_packets() {
	timeout $T "$TCPVIZ" -r "$1" --format=json >"$tmp/fp.out" 2>"$tmp/fp.err" ||
		return 0
	[ -s "$tmp/fp.err" ] && return 0
	jnum "$(grep '^{"type":"summary"' "$tmp/fp.out")" packets
}
file_conns() {
	jnum "$(grep '^{"type":"summary"' "$tmp/fp.out")" connections
}

# check_file FILE N: FILE is a classic pcap holding exactly N packets
# (tcpviz -r and, when there, tcpdump -r agree); what is wrong is added to $why
check_file() {
	magic=$(od -An -tx1 -N4 "$1" 2>/dev/null | tr -d ' \n')
	case $magic in
	d4c3b2a1|a1b2c3d4|4d3cb2a1|a1b23c4d) ;;
	*) why="not a pcap file (magic '$magic');" ;;
	esac
	fp=$(file_packets "$1")
	if [ -z "$fp" ]; then
		why="$why tcpviz -r cannot read it cleanly;"
	elif [ "$fp" != "$2" ]; then
		why="$why file holds $fp packets, tcpviz said $2 captured;"
	fi
	if command -v tcpdump >/dev/null 2>&1; then
		td=$(timeout $T tcpdump -n -r "$1" 2>/dev/null | wc -l | tr -d ' ')
		[ "$td" = "$2" ] || why="$why tcpdump -r counts $td packets;"
	fi
}

# ---- 1. the demo ----
timeout $T "$TCPVIZ" --demo-list >"$tmp/list.out" 2>"$tmp/list.err"
s=$?
scenarios=$(grep -v "(the lab)\\|(as root)\\|(by name)" "$tmp/list.out" | sed -n 's/^\([a-z0-9_-][a-z0-9_-]*\)  .*/\1/p')
if [ $s = 0 ] && [ -n "$scenarios" ] && ! [ -s "$tmp/list.err" ]; then
	ok demo-list
else
	bad demo-list "exit status $s, scenarios '$scenarios'" "$tmp/list.err"
fi

timeout $T "$TCPVIZ" --demo=bogus --pace=0 >"$tmp/bogus.out" 2>"$tmp/bogus.err"
s=$?
if [ $s = 1 ] && ! [ -s "$tmp/bogus.out" ] && grep -q "bogus" "$tmp/bogus.err"; then
	ok demo-bogus
else
	bad demo-bogus "exit status $s, expected 1, a message naming 'bogus' on stderr, nothing on stdout" \
	    "$tmp/bogus.out" "$tmp/bogus.err"
fi

# section NAME: the lines of scenario NAME in the demo's output
section() {
	sed -n "/^=== $1: /,/^--- $1: /p" "$tmp/demo.out"
}

if [ $is_root = 0 ]; then
	for c in demo demo-handshake demo-refused demo-greeting demo-udp demo-models demo-select; do
		needroot $c
	done
else
	timeout -k 5 60 "$TCPVIZ" --demo --pace=0 >"$tmp/demo.out" 2>"$tmp/demo.err"
	s=$?
	why=""
	[ $s = 0 ] || why="exit status $s;"
	for n in $scenarios; do
		grep -qx -- "--- $n: as expected" "$tmp/demo.out" ||
			why="$why no '--- $n: as expected';"
	done
	if [ -z "$why" ]; then
		ok demo
	else
		bad demo "$why" "$tmp/demo.err"
	fi

	# what each scenario must show in its own section
	why=""
	section handshake >"$tmp/sec"
	grep -q "== opened: three-way" "$tmp/sec" || why="no '== opened: three-way';"
	# the demo's server waits before its own FIN: FIN, ACK, FIN, ACK
	grep -q "== closed: four-way, client first; client in TIME_WAIT" "$tmp/sec" &&
	    grep -q "FIN_WAIT_2 |<--- ACK" "$tmp/sec" ||
		why="$why no four-way client-first close;"
	[ -z "$why" ] && ok demo-handshake || bad demo-handshake "$why" "$tmp/sec"

	why=""
	section refused >"$tmp/sec"
	grep -q "== opened: refused" "$tmp/sec" || why="no '== opened: refused';"
	grep -q "closed: reset by server" "$tmp/sec" || why="$why no 'closed: reset by server';"
	[ -z "$why" ] && ok demo-refused || bad demo-refused "$why" "$tmp/sec"

	section greeting >"$tmp/sec"
	if grep -q "server first; server in TIME_WAIT" "$tmp/sec"; then
		ok demo-greeting
	else
		bad demo-greeting "no 'server first; server in TIME_WAIT'" "$tmp/sec"
	fi

	section udp >"$tmp/sec"
	if grep -Eq '^#[0-9]+ +UDP 127\.0\.0\.1:[0-9]+ > 127\.0\.0\.1:[0-9]+' "$tmp/sec" &&
	    grep -q "UDP len=" "$tmp/sec"; then
		ok demo-udp
	else
		bad demo-udp "no UDP connection drawn" "$tmp/sec"
	fi

	# fork, thread, epoll: three header lines, three client ports, one server port
	why=""
	for m in fork thread epoll; do
		section $m | sed -n 's/^#[0-9][0-9]* *TCP \([0-9.]*\):\([0-9]*\) > \([0-9.]*\):\([0-9]*\) .*/\2 \4/p' \
		    >"$tmp/hdr"
		h=$(wc -l <"$tmp/hdr" | tr -d ' ')
		cp_=$(cut -d' ' -f1 "$tmp/hdr" | sort -u | wc -l | tr -d ' ')
		sp_=$(cut -d' ' -f2 "$tmp/hdr" | sort -u | wc -l | tr -d ' ')
		[ "$h" = 3 ] && [ "$cp_" = 3 ] && [ "$sp_" = 1 ] ||
			why="$why $m: $h connections, $cp_ client ports, $sp_ server ports;"
	done
	[ -z "$why" ] && ok demo-models || bad demo-models "$why (want 3, 3, 1)"

	timeout -k 5 60 "$TCPVIZ" --demo=refused,udp --pace=0 >"$tmp/sel.out" 2>"$tmp/sel.err"
	s=$?
	caps=$(sed -n 's/^=== \([a-z0-9_-]*\): .*/\1/p' "$tmp/sel.out" | tr '\n' ' ')
	if [ $s = 0 ] && [ "$caps" = "refused udp " ] &&
	    grep -qx -- "--- refused: as expected" "$tmp/sel.out" &&
	    grep -qx -- "--- udp: as expected" "$tmp/sel.out"; then
		ok demo-select
	else
		bad demo-select "exit status $s, captions '$caps' (want exactly refused and udp, as expected)" \
		    "$tmp/sel.out" "$tmp/sel.err"
	fi
fi

# ---- 2. live drawing as JSON ----
if [ $is_root = 0 ]; then
	needroot live-json
elif ! start_server json --tcp 0 --once; then
	bad live-json "server did not start" "$tmp/json.log"
elif ! start_cap json -i lo --format=json "tcp port $port"; then
	bad live-json "tcpviz did not say it is listening" "$tmp/json.err"
else
	timeout -k 2 $T "$CLIENT" -q 127.0.0.1 "$port" "live json" >"$tmp/jc.out" 2>"$tmp/jc.err"
	cs=$?
	wait "$spid"
	ss=$?
	forget "$spid"
	wait_log "$tmp/json.out" '"type":"packet".*"flags":"\.".*"state":{"client":"TIME_WAIT","server":"CLOSED"}' 1
	stop_cap INT
	why=""
	[ $cs = 0 ] && [ $ss = 0 ] || why="client exit $cs, server exit $ss;"
	[ $st = 0 ] || why="$why tcpviz exit $st after SIGINT;"
	grep '^{"type":"packet"' "$tmp/json.out" >"$tmp/jp"
	# one line per packet: from flags seq ack len
	while read -r l; do
		a=$(jnum "$l" ack)
		echo "$(jstr "$l" from) $(jstr "$l" flags) $(jnum "$l" seq) ${a:--} $(jnum "$l" len)"
	done <"$tmp/jp" >"$tmp/jrows"
	conns=$(grep -c '^{"type":"conn"' "$tmp/json.out")
	[ "$conns" = 1 ] || why="$why $conns conn lines, want 1;"
	grep -q '^{"type":"conn".*"open":"three-way"' "$tmp/json.out" ||
		why="$why conn line has no \"open\":\"three-way\";"
	# flags S, S., . from client, server, client; then data; then a FIN
	r=$(awk '
		NR == 1 { if ($1 != "client" || $2 != "S") bad = "first packet is not the client SYN"; isn = $3 }
		NR == 2 { if ($1 != "server" || $2 != "S.") bad = bad " second is not the SYN-ACK"
			  else if ($4 != (isn + 1) % 4294967296) bad = bad " SYN-ACK ack " $4 " != client ISN+1"
			  sisn = $3 }
		NR == 3 { if ($1 != "client" || $2 != ".") bad = bad " third is not the client ACK"
			  else if ($4 != (sisn + 1) % 4294967296) bad = bad " ACK ack " $4 " != server ISN+1" }
		NR > 3 && $5 > 0 && !fin { data = 1 }
		NR > 3 && $2 ~ /F/ { if (!data) bad = bad " FIN before any data"; fin = 1 }
		END { if (NR < 4) bad = bad " only " NR " packets"
		      else if (!fin) bad = bad " no FIN"
		      print bad }' "$tmp/jrows")
	[ -n "$r" ] && why="$why$r;"
	np=$(wc -l <"$tmp/jp" | tr -d ' ')
	sp=$(jnum "$(grep '^{"type":"summary"' "$tmp/json.out")" packets)
	n=$(captured "$tmp/json.err")
	[ -n "$n" ] || why="$why no 'N packets captured' on stderr;"
	[ "$np" = "${n:-x}" ] && [ "$sp" = "$n" ] ||
		why="$why $np packet lines, summary says ${sp:-nothing}, stderr ${n:-nothing};"
	if [ -z "$why" ]; then
		ok live-json
	else
		bad live-json "$why" "$tmp/jrows" "$tmp/json.err"
	fi
fi

# ---- 3. -w survives SIGINT, SIGTERM, SIGHUP and a closed stdout pipe ----
if [ $is_root = 0 ]; then
	for c in write-INT write-TERM write-HUP write-pipe; do
		needroot $c
	done
elif ! start_server echo --tcp 0 --model=thread; then
	bad write-INT "server did not start" "$tmp/echo.log"
else
	echo_spid=$spid
	for sig in INT TERM HUP; do
		w="$tmp/w-$sig.pcap"
		if ! start_cap "w$sig" -i lo -w "$w" "tcp port $port"; then
			bad write-$sig "tcpviz did not say it is listening" "$tmp/w$sig.err"
			continue
		fi
		why=""
		# three one after another, then two at once
		clients 3 || why="a client failed;"
		timeout -k 2 $T "$CLIENT" -q --count 5 127.0.0.1 "$port" a >/dev/null 2>>"$tmp/clients.err" &
		c1=$!
		timeout -k 2 $T "$CLIENT" -q --count 5 127.0.0.1 "$port" b >/dev/null 2>>"$tmp/clients.err" &
		c2=$!
		wait $c1 || why="$why a client failed;"
		wait $c2 || why="$why a client failed;"
		# every connection drawn to its close before the signal
		wait_log "$tmp/w$sig.out" "== closed:" 5 || why="$why not all 5 connections drawn closed;"
		stop_cap $sig
		[ $st = 0 ] || why="$why exit status $st after SIG$sig;"
		n=$(captured "$tmp/w$sig.err")
		if [ -z "$n" ]; then
			why="$why no 'N packets captured' on stderr;"
		else
			check_file "$w" "$n"
			[ "$(file_conns)" = 5 ] || why="$why file holds $(file_conns) connections, want 5;"
		fi
		if [ -z "$why" ]; then
			ok write-$sig
		else
			bad write-$sig "$why" "$tmp/w$sig.err" "$tmp/clients.err"
		fi
	done

	# stdout into head -1: once head is gone the next write fails, and
	# tcpviz must stop by itself with the file matching its count
	w="$tmp/w-pipe.pcap"
	(
		timeout -k 5 $T "$TCPVIZ" -i lo -w "$w" "tcp port $port" 2>"$tmp/pipe.err" &
		echo $! >"$tmp/pipe.pid"
		wait $!
		echo $? >"$tmp/pipe.rc"
	) | head -1 >"$tmp/head.out" &
	hpid=$!
	pids="$pids $hpid"
	why=""
	if ! wait_log "$tmp/pipe.err" "listening on" 1; then
		why="tcpviz did not say it is listening;"
	else
		# traffic until tcpviz has gone (at most 40 clients)
		k=0
		while [ $k -lt 40 ] && ! [ -s "$tmp/pipe.rc" ]; do
			timeout -k 2 $T "$CLIENT" -q 127.0.0.1 "$port" >/dev/null 2>>"$tmp/clients.err"
			sleep 0.1
			k=$((k + 1))
		done
		wait_log "$tmp/pipe.rc" "" 1
	fi
	rc=$(cat "$tmp/pipe.rc" 2>/dev/null)
	if [ -z "$rc" ]; then
		why="$why tcpviz still running after head exited and $k more clients;"
	elif [ "$rc" -ge 124 ]; then
		why="$why tcpviz did not notice the closed pipe: timeout ended it (status $rc);"
	elif [ "$rc" != 0 ]; then
		why="$why exit status $rc;"
	fi
	grep -Eq '^#1 +TCP 127\.0\.0\.1:[0-9]+ > 127\.0\.0\.1:'"$port " "$tmp/head.out" ||
		why="$why head did not get the first header line;"
	if [ -n "$rc" ]; then
		n=$(captured "$tmp/pipe.err")
		if [ -z "$n" ]; then
			why="$why no 'N packets captured' on stderr;"
		else
			check_file "$w" "$n"
		fi
	fi
	if [ -z "$why" ]; then
		ok write-pipe
	else
		bad write-pipe "$why" "$tmp/pipe.err" "$tmp/head.out"
	fi
	wait "$hpid" 2>/dev/null
	forget "$hpid"
fi

# ---- 4. privileges ----
# a copy any user can run, without file capabilities
pub=$(mktemp -d) && chmod 755 "$pub" && cp "$TCPVIZ" "$pub/tcpviz" && chmod 755 "$pub/tcpviz"
nobody_uid=$(id -u nobody 2>/dev/null)
nobody_gid=$(id -g nobody 2>/dev/null)

# check_ids NAME: $cpid runs as nobody (real, effective, saved, fs) with no
# supplementary group 0; $why says what is wrong
check_ids() {
	u=$(sed -n 's/^Uid:[[:space:]]*//p' "/proc/$cpid/status" | tr -s ' \t' ' ')
	g=$(sed -n 's/^Gid:[[:space:]]*//p' "/proc/$cpid/status" | tr -s ' \t' ' ')
	gs=$(sed -n 's/^Groups:[[:space:]]*//p' "/proc/$cpid/status")
	[ "$u" = "$nobody_uid $nobody_uid $nobody_uid $nobody_uid" ] ||
		why="$why Uid: '$u', want nobody ($nobody_uid) in all four;"
	[ "$g" = "$nobody_gid $nobody_gid $nobody_gid $nobody_gid" ] ||
		why="$why Gid: '$g', want $nobody_gid;"
	case " $gs " in
	*" 0 "*) why="$why still in group 0 (Groups: $gs);" ;;
	esac
}

# drop_check NAME ENV...: capture as root, then check the ids while it
# captures and that it still draws a connection
drop_check() {
	name=$1
	shift
	why=""
	if ! start_cap "$name" "$@" -i lo "tcp port $port"; then
		bad "$name" "tcpviz did not say it is listening" "$tmp/$name.err"
		return
	fi
	check_ids
	clients 1 || why="$why the client failed;"
	wait_log "$tmp/$name.out" "== closed:" 1 || why="$why no connection drawn after the drop;"
	grep -q "== opened: three-way" "$tmp/$name.out" || why="$why no three-way open drawn;"
	stop_cap INT
	[ $st = 0 ] || why="$why exit status $st after SIGINT;"
	grep -q "^[0-9]* packets captured$" "$tmp/$name.err" || why="$why no 'packets captured';"
	if [ -z "$why" ]; then
		ok "$name"
	else
		bad "$name" "$why" "$tmp/$name.out" "$tmp/$name.err"
	fi
}

if [ $is_root = 0 ]; then
	needroot privileges-Z
	needroot privileges-sudo-uid
elif [ -z "$nobody_uid" ]; then
	bad privileges-Z "no user nobody on this host"
elif ! kill -0 "${echo_spid:-x}" 2>/dev/null; then
	bad privileges-Z "the echo server is not running"
else
	drop_check privileges-Z -Z nobody
	# started through sudo (SUDO_UID set), tcpviz becomes that user
	SUDO_UID=$nobody_uid
	export SUDO_UID
	drop_check privileges-sudo-uid
	unset SUDO_UID
fi

# no privileges: exit 1 with the help, nothing on stdout.  As root, become
# nobody (which drops every capability); otherwise we already are unprivileged.
noprivs() {
	name=$1
	shift
	"$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	s=$?
	if [ $s = 1 ] && ! [ -s "$tmp/$name.out" ] && grep -q CAP_NET_RAW "$tmp/$name.err" &&
	    grep -q sudo "$tmp/$name.err" && grep -q setcap "$tmp/$name.err"; then
		ok "$name"
	else
		bad "$name" "exit status $s, expected 1 with CAP_NET_RAW, sudo and setcap on stderr, nothing on stdout" \
		    "$tmp/$name.out" "$tmp/$name.err"
	fi
}

if [ $is_root = 0 ]; then
	noprivs privileges-none timeout -k 2 $T "$pub/tcpviz" -i lo
elif command -v setpriv >/dev/null 2>&1; then
	noprivs privileges-none timeout -k 2 $T setpriv --reuid=nobody --regid=nogroup \
	    --clear-groups "$pub/tcpviz" -i lo
elif command -v su >/dev/null 2>&1; then
	noprivs privileges-none timeout -k 2 $T su -s /bin/sh nobody -c "$pub/tcpviz -i lo"
else
	skip privileges-none "neither setpriv nor su to become nobody"
fi

if ! command -v sudo >/dev/null 2>&1; then
	skip privileges-sudo "sudo is not installed"
elif [ $is_root = 0 ]; then
	needroot privileges-sudo
else
	noprivs privileges-sudo timeout -k 2 $T sudo -n -u nobody "$pub/tcpviz" -i lo
fi

# ---- 5. interfaces ----
timeout $T "$TCPVIZ" -D >"$tmp/D.out" 2>"$tmp/D.err"
s=$?
if [ $s = 0 ] && grep -Eq '^[0-9]+\.lo( |$)' "$tmp/D.out"; then
	ok list-interfaces
else
	bad list-interfaces "exit status $s, lo not listed" "$tmp/D.out" "$tmp/D.err"
fi

timeout $T "$TCPVIZ" -i nosuchif0 >"$tmp/nif.out" 2>"$tmp/nif.err"
s=$?
why=""
[ $s = 1 ] || why="exit status $s, want 1;"
[ -s "$tmp/nif.out" ] && why="$why wrote to stdout;"
grep -q "nosuchif0" "$tmp/nif.err" || why="$why the message does not name nosuchif0;"
# without root libpcap refuses before it looks the interface up
if [ $is_root = 1 ]; then
	grep -q "no such interface" "$tmp/nif.err" || why="$why no 'no such interface';"
	[ "$(wc -l <"$tmp/nif.err")" = 1 ] || why="$why more than one line on stderr;"
fi
[ -z "$why" ] && ok no-such-interface || bad no-such-interface "$why" "$tmp/nif.err"

# ---- 6. -w that cannot be written, -r from any stream, -B, long filters (issue 11) ----
# A capture of more than 1 MiB: handshake.pcap's records 1500 times over
big="$tmp/big.pcap"
head -c 24 captures/handshake.pcap >"$big"
k=0
while [ $k -lt 1500 ]; do
	tail -c +25 captures/handshake.pcap
	k=$((k + 1))
done >>"$big"

# wfail NAME FILE REASON ARGS...: `tcpviz ARGS -w FILE`, a replay, must
# stop by itself with exit 1 and one line on stderr naming FILE and REASON
wfail() {
	name=$1 wf=$2 reason=$3
	shift 3
	timeout -k 2 $T "$TCPVIZ" "$@" -w "$wf" >/dev/null 2>"$tmp/$name.err"
	s=$?
	why=""
	[ $s = 1 ] || why="exit status $s, want 1;"
	n=$(wc -l <"$tmp/$name.err" | tr -d ' ')
	[ "$n" = 1 ] || why="$why $n lines on stderr, want 1;"
	grep -qF -- "tcpviz: $wf: writing the capture failed: $reason" "$tmp/$name.err" ||
		why="$why no 'tcpviz: $wf: writing the capture failed: $reason';"
}

wfail write-dev-full /dev/full "No space left on device" -r captures/handshake.pcap
[ -z "$why" ] && ok write-dev-full || bad write-dev-full "$why" "$tmp/write-dev-full.err"

# a FIFO whose reader leaves after its first read: the rest is EPIPE
if mkfifo "$tmp/wfifo"; then
	timeout 10 head -c 1 <"$tmp/wfifo" >/dev/null &
	rpid=$!
	pids="$pids $rpid"
	wfail write-fifo-gone "$tmp/wfifo" "Broken pipe" -r "$big"
	wait "$rpid"
	forget "$rpid"
	[ -z "$why" ] && ok write-fifo-gone || bad write-fifo-gone "$why" "$tmp/write-fifo-gone.err"
else
	skip write-fifo-gone "mkfifo failed"
fi

# the file cannot be created: one line with the reason, nothing drawn
timeout -k 2 $T "$TCPVIZ" -r captures/handshake.pcap -w "$tmp/no/such/x.pcap" \
    >"$tmp/wopen.out" 2>"$tmp/wopen.err"
s=$?
why=""
[ $s = 1 ] || why="exit status $s, want 1;"
[ -s "$tmp/wopen.out" ] && why="$why drew on stdout;"
[ "$(wc -l <"$tmp/wopen.err" | tr -d ' ')" = 1 ] &&
    grep -qF "tcpviz: $tmp/no/such/x.pcap: No such file or directory" "$tmp/wopen.err" ||
	why="$why want one line 'FILE: No such file or directory';"
[ -z "$why" ] && ok write-open-fails || bad write-open-fails "$why" "$tmp/wopen.err"

# a full filesystem: a 1 MiB tmpfs filled part way by one replay, then
# already full for another, then full under a live capture
if [ $is_root = 0 ]; then
	for c in write-full-fs write-full-fs-already write-full-fs-live; do
		skip $c "needs root (mount -t tmpfs)"
	done
elif ! { mkdir "$tmp/mnt" && mount -t tmpfs -o size=1m tmpfs "$tmp/mnt"; } 2>"$tmp/mount.err"; then
	for c in write-full-fs write-full-fs-already write-full-fs-live; do
		skip $c "cannot mount a tmpfs: $(head -1 "$tmp/mount.err")"
	done
else
	mnt="$tmp/mnt"
	unset SUDO_UID		# root by login: -w is opened as root, in $tmp
	wfail write-full-fs "$mnt/big.pcap" "No space left on device" -r "$big"
	sz=$(wc -c <"$mnt/big.pcap" | tr -d ' ')
	[ "$sz" -gt 0 ] && [ "$sz" -le 1048576 ] || why="$why file holds $sz bytes;"
	[ -z "$why" ] && ok write-full-fs || bad write-full-fs "$why" "$tmp/write-full-fs.err"

	rm -f "$mnt/big.pcap"
	dd if=/dev/zero of="$mnt/fill" bs=65536 count=64 2>/dev/null	# to ENOSPC
	wfail write-full-fs-already "$mnt/x.pcap" "No space left on device" -r captures/handshake.pcap
	[ -z "$why" ] && ok write-full-fs-already ||
		bad write-full-fs-already "$why" "$tmp/write-full-fs-already.err"

	# live: the capture stops by itself once the file cannot be written
	why=""
	if ! start_server wfull --tcp 0 --model=thread; then
		why="server did not start;"
	elif ! start_cap wlive -i lo -w "$mnt/live.pcap" "tcp port $port"; then
		why="tcpviz did not say it is listening;"
	else
		k=0
		while [ $k -lt 40 ] && kill -0 "$cpid" 2>/dev/null; do
			timeout -k 2 $T "$CLIENT" -q 127.0.0.1 "$port" x >/dev/null 2>>"$tmp/clients.err"
			sleep 0.1
			k=$((k + 1))
		done
		kill -0 "$cpid" 2>/dev/null && why="still capturing after $k clients;"
		stop_cap INT
		[ $st = 1 ] || why="$why exit status $st, want 1;"
		grep -qF "tcpviz: $mnt/live.pcap: writing the capture failed: No space left on device" \
		    "$tmp/wlive.err" || why="$why no 'writing the capture failed: No space left on device';"
	fi
	[ -z "$why" ] && ok write-full-fs-live || bad write-full-fs-live "$why" "$tmp/wlive.err"
	kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	forget "$spid"
fi

# live: -w is opened (after the drop of privileges) before "listening on"
if [ $is_root = 0 ]; then
	needroot write-open-before-listening
else
	timeout -k 2 $T "$TCPVIZ" -i lo -w "$tmp/no/such/live.pcap" "tcp port 9" \
	    >"$tmp/wol.out" 2>"$tmp/wol.err"
	s=$?
	why=""
	[ $s = 1 ] || why="exit status $s, want 1;"
	grep -q "listening on" "$tmp/wol.err" && why="$why said 'listening on' first;"
	grep -qF "tcpviz: $tmp/no/such/live.pcap: No such file or directory" "$tmp/wol.err" ||
		why="$why no 'FILE: No such file or directory';"
	[ -z "$why" ] && ok write-open-before-listening ||
		bad write-open-before-listening "$why" "$tmp/wol.err"
fi

# -r from streams that cannot seek: stdout and status as for -r FILE
# (a record cut off at the end: exit 2 as well)
rstream() {
	name=$1
	why=""
	for c in handshake.pcap handshake-ns.pcapng bad/pcapng-tsresol-ns.pcapng bad/record-trunc.pcap; do
		timeout $T "$TCPVIZ" -r "captures/$c" >"$tmp/rs.want" 2>/dev/null
		ws=$?
		case $name in
		read-fifo)
			rm -f "$tmp/rfifo"
			mkfifo "$tmp/rfifo" || { why="mkfifo failed;"; break; }
			timeout 10 cat "captures/$c" >"$tmp/rfifo" &
			wpid=$!
			timeout $T "$TCPVIZ" -r "$tmp/rfifo" >"$tmp/rs.got" 2>"$tmp/rs.err"
			gs=$?
			wait "$wpid"
			;;
		read-dev-stdin-file)
			timeout $T "$TCPVIZ" -r /dev/stdin <"captures/$c" >"$tmp/rs.got" 2>"$tmp/rs.err"
			gs=$?
			;;
		read-dev-stdin-pipe)
			cat "captures/$c" | timeout $T "$TCPVIZ" -r /dev/stdin >"$tmp/rs.got" 2>"$tmp/rs.err"
			gs=$?
			;;
		read-dash-pipe)
			cat "captures/$c" | timeout $T "$TCPVIZ" -r - >"$tmp/rs.got" 2>"$tmp/rs.err"
			gs=$?
			;;
		read-procsub)
			timeout $T bash -c '"$1" -r <(cat "$2")' sh "$TCPVIZ" "captures/$c" \
			    >"$tmp/rs.got" 2>"$tmp/rs.err"
			gs=$?
			;;
		esac
		[ "$gs" = "$ws" ] || why="$why $c: exit status $gs, -r FILE gives $ws;"
		cmp -s "$tmp/rs.want" "$tmp/rs.got" || why="$why $c: stdout differs from -r FILE;"
		[ $ws = 0 ] && [ -s "$tmp/rs.err" ] && why="$why $c: stderr: $(head -1 "$tmp/rs.err");"
	done
	[ -z "$why" ] && ok "$name" || bad "$name" "$why" "$tmp/rs.err"
}
rstream read-fifo
rstream read-dev-stdin-file
rstream read-dev-stdin-pipe
rstream read-dash-pipe
if command -v bash >/dev/null 2>&1; then
	rstream read-procsub
else
	skip read-procsub "bash is not installed"
fi

# -B beyond what libpcap takes (an int of bytes): refused with the range,
# before any capture starts (no root needed: it is refused first)
why=""
for b in 2097152 4194304; do
	timeout -k 2 5 "$TCPVIZ" -i lo -B $b "tcp port 9" >/dev/null 2>"$tmp/B.err"
	s=$?
	[ $s = 1 ] || why="$why -B $b: exit status $s, want 1;"
	grep -q "listening on" "$tmp/B.err" && why="$why -B $b: started capturing;"
	grep -q "1 to 2097151 KiB" "$tmp/B.err" || why="$why -B $b: no range '1 to 2097151 KiB';"
done
[ -z "$why" ] && ok buffer-too-big || bad buffer-too-big "$why" "$tmp/B.err"

# a 2000-character invalid filter: libpcap's reason is shown, the filter cut
lf=""
k=0
while [ $k -lt 133 ]; do
	lf="${lf}tcp port 80 or "
	k=$((k + 1))
done
lf="${lf}tcp port"
lfilter() {
	name=$1
	shift
	timeout -k 2 $T "$TCPVIZ" "$@" "$lf" >"$tmp/$name.out" 2>"$tmp/$name.err"
	s=$?
	why=""
	[ $s = 1 ] || why="exit status $s, want 1;"
	[ -s "$tmp/$name.out" ] && why="$why drew on stdout;"
	grep -q "bad filter: .*syntax error" "$tmp/$name.err" || why="$why libpcap's reason not shown;"
	len=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$tmp/$name.err")
	[ "$len" -lt 300 ] || why="$why a line of $len characters;"
	[ -z "$why" ] && ok "$name" || bad "$name" "$why" "$tmp/$name.err"
}
lfilter filter-long -r captures/handshake.pcap
if [ $is_root = 0 ]; then
	needroot filter-long-live
else
	lfilter filter-long-live -i lo
fi

# ---- 7. -w -, --print, -Q, -L, -y, --time-stamp-precision, errors as nobody (issue 13) ----
# exch NAME ARGS...: a server, tcpviz ARGS "tcp port $port" as NAME, one
# echo client, then SIGINT; $st is tcpviz's exit, $why says what failed
exch() {
	xn=$1
	shift
	why=""
	st=""
	if ! start_server "$xn-srv" --tcp 0 --once; then
		why="server did not start;"
		return 1
	fi
	if ! start_cap "$xn" "$@" "tcp port $port"; then
		why="tcpviz did not say it is listening;"
		return 1
	fi
	timeout -k 2 $T "$CLIENT" -q 127.0.0.1 "$port" "issue 13" >/dev/null \
	    2>>"$tmp/clients.err" || why="the client failed;"
	wait "$spid"
	forget "$spid"
	sleep 0.5
	stop_cap INT
	[ "$st" = 0 ] || why="$why tcpviz exit $st after SIGINT;"
	return 0
}
# pcap_n FILE: packets tcpdump reads from FILE on its standard input
pcap_n() {
	timeout $T tcpdump -n -r - <"$1" 2>/dev/null | wc -l | tr -d ' '
}

if [ $is_root = 0 ]; then
	for c in live-w-stdout live-w-stdout-print live-Q-in live-Q-out live-L live-y live-nano; do
		needroot $c
	done
else
	# -w -: stdout is the capture alone, tcpdump -r - reads every packet
	exch wdash -i lo -w -
	n=$(captured "$tmp/wdash.err")
	if command -v tcpdump >/dev/null 2>&1; then
		k=$(pcap_n "$tmp/wdash.out")
		[ -n "$n" ] && [ "$n" -gt 0 ] && [ "$k" = "$n" ] ||
			why="$why tcpdump -r - read '$k' packets, tcpviz captured '$n';"
	fi
	grep -q "opened:" "$tmp/wdash.err" && why="$why the ladder without --print;"
	[ -z "$why" ] && ok live-w-stdout || bad live-w-stdout "$why" "$tmp/wdash.err"

	# the same through a pipe into tcpdump -r -, -c 6 ending it
	why=""
	if ! command -v tcpdump >/dev/null 2>&1; then
		skip live-w-stdout-pipe "no tcpdump"
	elif ! start_server wpipe-srv --tcp 0 --once; then
		bad live-w-stdout-pipe "server did not start" "$tmp/wpipe-srv.log"
	else
		( timeout -k 5 $T "$TCPVIZ" -i lo -c 6 -w - "tcp port $port" 2>"$tmp/wpipe.err" |
		    timeout -k 5 $T tcpdump -n -r - >"$tmp/wpipe.out" 2>/dev/null ) &
		ppid13=$!
		pids="$pids $ppid13"
		wait_log "$tmp/wpipe.err" "listening on" 1 || why="tcpviz did not say it is listening;"
		timeout -k 2 $T "$CLIENT" -q 127.0.0.1 "$port" "pipe" >/dev/null 2>>"$tmp/clients.err" ||
			why="$why the client failed;"
		wait "$spid"
		forget "$spid"
		wait "$ppid13"
		forget "$ppid13"
		k=$(wc -l <"$tmp/wpipe.out" | tr -d ' ')
		[ "$k" = 6 ] || why="$why tcpdump -r - read $k packets, want 6;"
		[ -z "$why" ] && ok live-w-stdout-pipe || bad live-w-stdout-pipe "$why" "$tmp/wpipe.err"
	fi

	# -w - --print: the ladder on stderr, stdout still the capture alone
	exch wdashp -i lo -w - --print
	n=$(captured "$tmp/wdashp.err")
	xwhy=$why
	why=""
	check_file "$tmp/wdashp.out" "$n"
	why="$xwhy$why"
	grep -q "== opened: three-way" "$tmp/wdashp.err" || why="$why no ladder on stderr;"
	[ -z "$why" ] && ok live-w-stdout-print || bad live-w-stdout-print "$why" "$tmp/wdashp.err"

	# -Q in, -Q out: on lo every packet is both sent and received here,
	# so each captures the whole exchange (the same as -Q inout)
	for q in in out; do
		exch "Q$q" -i lo -Q "$q"
		n=$(captured "$tmp/Q$q.err")
		grep -q "== opened: three-way" "$tmp/Q$q.out" || why="$why no handshake drawn;"
		grep -q "== closed:" "$tmp/Q$q.out" || why="$why no close drawn;"
		[ "${n:-0}" -ge 10 ] || why="$why $n packets captured;"
		[ -z "$why" ] && ok "live-Q-$q" || bad "live-Q-$q" "$why" "$tmp/Q$q.err" "$tmp/Q$q.out"
	done

	# -L: lo's link types, as tcpdump -L prints them
	timeout $T "$TCPVIZ" -L -i lo >"$tmp/L.out" 2>"$tmp/L.err"
	s=$?
	if [ $s = 0 ] && grep -q "^Data link types for lo (use option -y to set):" "$tmp/L.out" &&
	    grep -q "^  EN10MB (Ethernet)" "$tmp/L.out" && ! [ -s "$tmp/L.err" ]; then
		ok live-L
	else
		bad live-L "exit $s, no EN10MB for lo" "$tmp/L.out" "$tmp/L.err"
	fi

	# -y: one lo offers works; one it does not is one line, exit 1
	exch y -i lo -y EN10MB
	grep -q "== opened: three-way" "$tmp/y.out" || why="$why -y EN10MB: no handshake drawn;"
	timeout $T "$TCPVIZ" -i lo -y LINUX_SLL2 >"$tmp/y2.out" 2>"$tmp/y2.err"
	s=$?
	[ $s = 1 ] && [ "$(wc -l <"$tmp/y2.err")" = 1 ] && grep -q "not a link type of lo" "$tmp/y2.err" ||
		why="$why -y LINUX_SLL2 on lo: exit $s;"
	[ -s "$tmp/y2.out" ] && why="$why -y LINUX_SLL2: wrote to stdout;"
	[ -z "$why" ] && ok live-y || bad live-y "$why" "$tmp/y.err" "$tmp/y2.err"

	# --time-stamp-precision=nano live: 9 digits in the rows, a nanosecond -w file
	exch nano -i lo --time-stamp-precision=nano -w "$tmp/nano.pcap"
	grep -Eq '^#[0-9]+ +[0-9]+\.[0-9]{9} ' "$tmp/nano.out" || why="$why rows without 9 digits;"
	magic=$(od -An -tx1 -N4 "$tmp/nano.pcap" 2>/dev/null | tr -d ' \n')
	case $magic in
	4d3cb2a1|a1b23c4d) ;;
	*) why="$why the -w file's magic is '$magic', not nanosecond pcap's;" ;;
	esac
	n=$(captured "$tmp/nano.err")
	fp=$(file_packets "$tmp/nano.pcap")
	[ "$fp" = "$n" ] || why="$why file holds '$fp' packets, '$n' captured;"
	[ -z "$why" ] && ok live-nano || bad live-nano "$why" "$tmp/nano.err" "$tmp/nano.out"
fi

# errors as a user without privileges (the binary in $pub, which nobody can read)
as_nobody() {
	if [ $is_root = 1 ]; then
		timeout -k 2 $T setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
	else
		timeout -k 2 $T "$@"
	fi
}
if [ $is_root = 1 ] && ! command -v setpriv >/dev/null 2>&1; then
	for c in nobody-no-such-interface nobody-not-root nobody-w-unwritable; do
		skip $c "no setpriv to become nobody"
	done
else
	nb="$pub/tcpviz"
	[ $is_root = 1 ] || nb=$TCPVIZ
	as_nobody "$nb" -i nosuch0 >"$tmp/nb1.out" 2>"$tmp/nb1.err"
	s=$?
	[ $s = 1 ] && [ "$(wc -l <"$tmp/nb1.err")" = 1 ] &&
	    grep -q "^tcpviz: nosuch0: no such interface" "$tmp/nb1.err" &&
	    ! grep -qi permission "$tmp/nb1.err" && ! [ -s "$tmp/nb1.out" ] &&
	    ok nobody-no-such-interface ||
	    bad nobody-no-such-interface "exit $s, want 1 and one line 'no such interface'" "$tmp/nb1.err"

	as_nobody "$nb" -i lo >"$tmp/nb2.out" 2>"$tmp/nb2.err"
	s=$?
	[ $s = 1 ] && [ "$(wc -l <"$tmp/nb2.err")" = 2 ] &&
	    grep -q "^tcpviz: lo: no permission to capture" "$tmp/nb2.err" &&
	    [ "$(sed -n 2p "$tmp/nb2.err" | cut -c1-14)" = "tcpviz: hint: " ] &&
	    ! [ -s "$tmp/nb2.out" ] && ok nobody-not-root ||
	    bad nobody-not-root "exit $s, want 1, one line and one hint" "$tmp/nb2.err"

	# -w to a path that cannot be created: the path once, exit 1 (-r, and
	# live through -Z as root, where the file is opened as nobody)
	wp="$tmp/no-such-dir/x.pcap"
	cp captures/handshake.pcap "$pub/h13.pcap" && chmod 644 "$pub/h13.pcap"
	as_nobody "$nb" -r "$pub/h13.pcap" -w "$wp" >"$tmp/nb3.out" 2>"$tmp/nb3.err"
	s=$?
	why=""
	[ $s = 1 ] || why="exit $s;"
	[ "$(grep -o "no-such-dir/x.pcap" "$tmp/nb3.err" | wc -l)" = 1 ] || why="$why the path not named once;"
	[ "$(wc -l <"$tmp/nb3.err")" = 1 ] || why="$why more than one line;"
	if [ $is_root = 1 ]; then
		timeout -k 2 $T "$TCPVIZ" -i lo -Z nobody -w "$wp" >"$tmp/nb4.out" 2>"$tmp/nb4.err"
		s=$?
		[ $s = 1 ] || why="$why live: exit $s;"
		[ "$(grep -o "no-such-dir/x.pcap" "$tmp/nb4.err" | wc -l)" = 1 ] ||
			why="$why live: the path not named once;"
	fi
	[ -z "$why" ] && ok nobody-w-unwritable || bad nobody-w-unwritable "$why" "$tmp/nb3.err" "$tmp/nb4.err"
fi

# ---- no sanitizer reports anywhere (when the binaries were built with them) ----
if grep -l -E 'ERROR: (Address|Leak|Thread|Memory)Sanitizer|runtime error:' \
    "$tmp"/*.err "$tmp"/*.log >"$tmp/san.list" 2>/dev/null; then
	bad sanitizer-clean "reports in $(tr '\n' ' ' <"$tmp/san.list")" $(cat "$tmp/san.list")
else
	ok sanitizer-clean
fi

echo "capture: $passed passed, $failed failed"
[ $failed = 0 ]
