#!/bin/sh
# tests/live/progs.sh: run tcpviz-server and tcpviz-client for real on 127.0.0.1 and ::1 (root for a few checks).
#
# Every server listens on a port the kernel picks (--tcp 0 / --udp 0) and
# names in its start line, so runs never collide.  Every program runs under
# timeout(1); whatever is still running at the end is stopped by the EXIT
# trap.  TCPVIZ_SERVER and TCPVIZ_CLIENT name other binaries (a sanitizer
# build, say).  Prints "ok NAME" or "FAIL NAME: why" per check, then
# "progs: N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
SERVER=${TCPVIZ_SERVER:-./tcpviz-server}
CLIENT=${TCPVIZ_CLIENT:-./tcpviz-client}
T=20		# seconds any one client may take
SRV_T=30	# seconds any one server may live

passed=0
failed=0
pids=""
SRV_TIMEOUT_FLAGS="--foreground -k 10"	# see start_server in lib.sh
tmp=$(mktemp -d) || exit 1

cleanup() {
	stop_all
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
. tests/live/lib.sh



# stop_server: SIGTERM the server started last; its exit status in $st
# (124 or more: it did not stop and timeout(1) ended it).
stop_server() {
	kill -TERM "$spid" 2>/dev/null
	wait "$spid"
	st=$?
	forget "$spid"
}

# wait_log FILE TEXT N: wait up to 5 s for N lines with TEXT in FILE
wait_log() {
	i=0
	while [ $i -lt 50 ]; do
		[ "$(grep -c "$2" "$1" 2>/dev/null)" -ge "$3" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# repeat N TEXT: N lines of TEXT
repeat() {
	i=0
	while [ $i -lt "$1" ]; do
		echo "$2"
		i=$((i + 1))
	done
}

for prog in "$SERVER" "$CLIENT"; do
	if ! [ -x "$prog" ]; then
		echo "FAIL build: no $prog (make tcpviz-server tcpviz-client)"
		echo "progs: 0 passed, 1 failed"
		exit 1
	fi
done

# ---- --help and bad arguments ----
for b in tcpviz-server tcpviz-client; do
	prog=$SERVER
	[ $b = tcpviz-client ] && prog=$CLIENT
	if timeout $T "$prog" --help >"$tmp/help.out" 2>"$tmp/help.err" &&
	    grep -q "^Usage: $b " "$tmp/help.out" && ! [ -s "$tmp/help.err" ]; then
		ok "help-$b"
	else
		bad "help-$b" "--help did not exit 0 with usage on stdout" "$tmp/help.err"
	fi
	timeout $T "$prog" --no-such-option >"$tmp/bad.out" 2>"$tmp/bad.err"
	s=$?
	# as tcpviz: what is wrong and where help is, two lines, not the usage
	if [ $s = 1 ] && [ "$(wc -l <"$tmp/bad.err")" = 2 ] &&
	    grep -q "^$b: .*option" "$tmp/bad.err" &&
	    [ "$(sed -n 2p "$tmp/bad.err")" = "Try '$b --help' for more information." ] &&
	    ! [ -s "$tmp/bad.out" ]; then
		ok "badargs-$b"
	else
		bad "badargs-$b" "exit status $s, expected 1 and two lines on stderr" "$tmp/bad.err"
	fi
	timeout $T "$prog" localhost 99999 >"$tmp/bad.out" 2>"$tmp/bad.err"
	s=$?
	if [ $s = 1 ] && [ "$(wc -l <"$tmp/bad.err")" = 2 ] &&
	    grep -q "^$b: " "$tmp/bad.err" && ! grep -q "^Usage" "$tmp/bad.err"; then
		ok "badvalue-$b"
	else
		bad "badvalue-$b" "exit status $s, expected 1 and two lines on stderr" "$tmp/bad.err"
	fi
done

# ---- each concurrency model: echo, greet, store ----
head -c 204800 /dev/urandom >"$tmp/upload.bin"
cp "$tmp/upload.bin" "$tmp/bad..name"

# clients_at_once N COUNT NAME: N clients at once, COUNT echoes each, to
# the server on $port; $why says what went wrong (empty: all served)
clients_at_once() {
	pids=""
	for c in $(seq 1 "$1"); do
		timeout -k 2 $T "$CLIENT" -q --count "$2" 127.0.0.1 "$port" "$3$c" \
		    >"$tmp/$3$c.out" 2>"$tmp/$3$c.err" &
		pids="$pids $!"
	done
	why=""
	c=0
	for p in $pids; do
		c=$((c + 1))
		wait "$p" || why="$why client $c exited $?;"
		[ "$(wc -l <"$tmp/$3$c.out")" = "$2" ] || why="$why client $c: wrong echo count;"
	done
}

for model in fork thread epoll iterative poll prefork; do
	# echo: five clients at once, twenty round trips each
	if ! start_server "echo-$model" --tcp 0 --model=$model; then
		bad "echo-$model" "server did not start" "$tmp/echo-$model.log"
		continue
	fi
	pids=""
	for c in 1 2 3 4 5; do
		timeout -k 2 $T "$CLIENT" -q --count 20 127.0.0.1 "$port" \
		    "hello $model $c" >"$tmp/c$c.out" 2>"$tmp/c$c.err" &
		pids="$pids $!"
	done
	why=""
	c=0
	for p in $pids; do
		c=$((c + 1))
		wait "$p" || why="$why client $c exited $?;"
		repeat 20 "hello $model $c" >"$tmp/c$c.want"
		cmp -s "$tmp/c$c.want" "$tmp/c$c.out" ||
			why="$why client $c printed the wrong echo;"
		[ -s "$tmp/c$c.err" ] && why="$why client $c wrote to stderr;"
	done
	if [ -z "$why" ]; then
		ok "echo-$model"
	else
		bad "echo-$model" "$why" "$tmp/c1.err" "$tmp/echo-$model.log"
	fi
	# iterative: one at a time, so each connection closes before the
	# next is taken: "connected" and "closed" alternate in the log
	if [ $model = iterative ]; then
		seq=$(sed -n 's/^tcpviz-server: [^ ]* \(connected\|closed\).*/\1/p' \
		    "$tmp/echo-$model.log" | tr '\n' ' ')
		if [ "$seq" = "$(repeat 5 'connected closed' | tr '\n' ' ')" ]; then
			ok "one-at-a-time-$model"
		else
			bad "one-at-a-time-$model" "connected/closed do not alternate: $seq" \
			    "$tmp/echo-$model.log"
		fi
	fi
	# prefork: its workers (the server's children), to check they go too
	workers=""
	if [ $model = prefork ]; then
		srv=$(ps -o pid= --ppid "$spid" | tr -d ' ')
		workers=$(ps -o pid= --ppid "$srv" 2>/dev/null | tr -d ' ')
		if [ "$(echo $workers | wc -w)" = 2 ] &&
		    grep -q "^tcpviz-server: 2 worker(s), each an epoll loop" "$tmp/echo-$model.log"; then
			ok "workers-$model"
		else
			bad "workers-$model" "expected 2 worker processes, found: $workers" \
			    "$tmp/echo-$model.log"
		fi
	fi

	# SIGTERM with a connection open: a --greet client waits on the echo
	# server, which says nothing; the grace period ends, the server closes
	# it (the client sees EOF) and exits 0
	timeout -k 2 $T "$CLIENT" -q --greet 127.0.0.1 "$port" \
	    >"$tmp/hold.out" 2>"$tmp/hold.err" &
	hold=$!
	wait_log "$tmp/echo-$model.log" " connected" 6
	t0=$(date +%s)
	stop_server
	t1=$(date +%s)
	wait "$hold"
	hs=$?
	left=""
	for w in $workers; do
		kill -0 "$w" 2>/dev/null && left="$left $w"
	done
	if [ $st = 0 ] && [ $hs = 0 ] && [ $((t1 - t0)) -le 5 ] && [ -z "$left" ]; then
		ok "shutdown-$model"
	else
		bad "shutdown-$model" "server exit $st after $((t1 - t0)) s, held client exit $hs, workers left:${left:- none}" \
		    "$tmp/echo-$model.log" "$tmp/hold.err"
	fi

	# greet: the server talks and closes first; --once, so it then exits 0
	if start_server "greet-$model" --tcp 0 --mode=greet --model=$model --once; then
		timeout -k 2 $T "$CLIENT" -q --greet 127.0.0.1 "$port" \
		    >"$tmp/greet.out" 2>"$tmp/greet.err"
		s=$?
		wait "$spid"
		st=$?
		if [ $s = 0 ] && [ $st = 0 ] &&
		    [ "$(cat "$tmp/greet.out")" = "Hello from tcpviz-server" ]; then
			ok "greet-$model"
		else
			bad "greet-$model" "client exit $s, server exit $st" \
			    "$tmp/greet.out" "$tmp/greet.err" "$tmp/greet-$model.log"
		fi
	else
		bad "greet-$model" "server did not start" "$tmp/greet-$model.log"
	fi

	# store: 200 KB, byte-identical copy, CRC-32 checked by the client
	mkdir "$tmp/store-$model"
	if start_server "store-$model" --tcp 0 --mode=store --model=$model \
	    --dir "$tmp/store-$model" --once; then
		timeout -k 2 $T "$CLIENT" -q --send "$tmp/upload.bin" 127.0.0.1 "$port" \
		    >"$tmp/send.out" 2>"$tmp/send.err"
		s=$?
		wait "$spid"
		st=$?
		why=""
		[ $s = 0 ] || why="client exit $s;"
		[ $st = 0 ] || why="$why server exit $st;"
		grep -q "^sent upload.bin: 204800 bytes, crc32 [0-9a-f]\{8\}, confirmed by 127.0.0.1:$port\$" \
		    "$tmp/send.out" || why="$why no confirmation from the client;"
		cmp -s "$tmp/upload.bin" "$tmp/store-$model/upload.bin" ||
			why="$why stored copy differs;"
		[ "$(ls -A "$tmp/store-$model")" = upload.bin ] ||
			why="$why stray files in the store directory;"
		# the client's CRC-32 against zlib's, when python3 is there
		if [ -z "$why" ] && command -v python3 >/dev/null 2>&1; then
			want=$(python3 -c 'import sys, zlib; print("%08x" % zlib.crc32(open(sys.argv[1], "rb").read()))' \
			    "$tmp/upload.bin")
			grep -q "crc32 $want," "$tmp/send.out" ||
				why="client's CRC-32 is not zlib's $want;"
		fi
		if [ -z "$why" ]; then
			ok "store-$model"
		else
			bad "store-$model" "$why" "$tmp/send.out" "$tmp/send.err" \
			    "$tmp/store-$model.log"
		fi
	else
		bad "store-$model" "server did not start" "$tmp/store-$model.log"
	fi

	# the same name again: refused, the file stored first is kept
	if start_server "again-$model" --tcp 0 --mode=store --model=$model \
	    --dir "$tmp/store-$model" --once; then
		mkdir -p "$tmp/again"
		head -c 1000 /dev/zero >"$tmp/again/upload.bin"
		timeout -k 2 $T "$CLIENT" -q --send "$tmp/again/upload.bin" 127.0.0.1 "$port" \
		    >"$tmp/again.out" 2>"$tmp/again.err"
		s=$?
		wait "$spid"
		st=$?
		if [ $s = 1 ] && [ $st = 1 ] && cmp -s "$tmp/upload.bin" "$tmp/store-$model/upload.bin" &&
		    grep -q "upload.bin is stored already: not replaced" "$tmp/again.err"; then
			ok "store-not-replaced-$model"
		else
			bad "store-not-replaced-$model" "client exit $s, server exit $st (both should be 1), the first copy kept" \
			    "$tmp/again.err" "$tmp/again-$model.log"
		fi
	else
		bad "store-not-replaced-$model" "server did not start" "$tmp/again-$model.log"
	fi

	# a name with ".." is refused with a reason, even while the client is
	# still sending 200 KB, and nothing is stored
	mkdir "$tmp/refuse-$model"
	if start_server "refuse-$model" --tcp 0 --mode=store --model=$model \
	    --dir "$tmp/refuse-$model" --once; then
		timeout -k 2 $T "$CLIENT" -q --send "$tmp/bad..name" 127.0.0.1 "$port" \
		    >"$tmp/refuse.out" 2>"$tmp/refuse.err"
		s=$?
		wait "$spid"
		st=$?
		if [ $s = 1 ] && [ $st = 1 ] && [ -z "$(ls -A "$tmp/refuse-$model")" ] &&
		    [ "$(cat "$tmp/refuse.err")" = "tcpviz-client: 127.0.0.1:$port refused bad..name: name contains '..'" ]; then
			ok "store-refused-$model"
		else
			bad "store-refused-$model" "client exit $s, server exit $st (both should be 1)" \
			    "$tmp/refuse.err" "$tmp/refuse-$model.log"
		fi
	else
		bad "store-refused-$model" "server did not start" "$tmp/refuse-$model.log"
	fi

	# --max-conns 1: three clients at once are served one after another
	if start_server "max-$model" --tcp 0 --model=$model --max-conns 1; then
		clients_at_once 3 50 m
		stop_server
		[ $st = 0 ] || why="$why server exit $st;"
		if [ -z "$why" ]; then
			ok "maxconns-$model"
		else
			bad "maxconns-$model" "$why" "$tmp/m1.err" "$tmp/max-$model.log"
		fi
	else
		bad "maxconns-$model" "server did not start" "$tmp/max-$model.log"
	fi
done

# iterative serves one at a time: any other --max-conns is an error
timeout $T "$SERVER" --tcp 0 --model=iterative --max-conns 2 >"$tmp/it2.out" 2>"$tmp/it2.err"
s=$?
if [ $s = 1 ] && grep -q "^tcpviz-server: the iterative model serves one connection at a time" "$tmp/it2.err"; then
	ok maxconns-iterative-only-1
else
	bad maxconns-iterative-only-1 "exit status $s, expected 1" "$tmp/it2.err"
fi

# prefork with --max-conns 3: shared out, 2 and 1; four clients at once are all served
if start_server max3-prefork --tcp 0 --model=prefork --max-conns 3; then
	clients_at_once 4 20 p
	stop_server
	[ $st = 0 ] || why="$why server exit $st;"
	grep -q "2 worker(s), .* at most 2 connection(s) each" "$tmp/max3-prefork.log" ||
		why="$why no word of the share;"
	if [ -z "$why" ]; then
		ok maxconns-share-prefork
	else
		bad maxconns-share-prefork "$why" "$tmp/max3-prefork.log"
	fi
else
	bad maxconns-share-prefork "server did not start" "$tmp/max3-prefork.log"
fi

# a header with '/' in the name, which tcpviz-client never sends: python3 only
if ! command -v python3 >/dev/null 2>&1; then
	passed=$((passed + 1))
	echo "ok store-refused-slash # SKIP no python3"
elif mkdir "$tmp/slash" "$tmp/slash/in" &&
    start_server slash --tcp 0 --mode=store --model=thread --dir "$tmp/slash/in" --once; then
	timeout -k 2 $T python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"../escape 5\nhello")
data = b""
while True:
    b = s.recv(1024)
    if not b:
        break
    data += b
sys.stdout.write(data.decode())
' "$port" >"$tmp/slash.out" 2>"$tmp/slash.err"
	s=$?
	wait "$spid"
	st=$?
	if [ $s = 0 ] && [ $st = 1 ] && [ -z "$(ls -A "$tmp/slash/in")" ] &&
	    ! [ -e "$tmp/slash/escape" ] &&
	    [ "$(cat "$tmp/slash.out")" = "ERR name contains '/'" ]; then
		ok store-refused-slash
	else
		bad store-refused-slash "python exit $s, server exit $st" "$tmp/slash.out" \
		    "$tmp/slash.err" "$tmp/slash.log"
	fi
else
	bad store-refused-slash "server did not start" "$tmp/slash.log"
fi

# ---- UDP echo ----
if start_server udp --udp 0; then
	timeout -k 2 $T "$CLIENT" -q --udp --count 2 127.0.0.1 "$port" one two \
	    >"$tmp/udp.out" 2>"$tmp/udp.err"
	s=$?
	printf 'one\ntwo\none\ntwo\n' >"$tmp/udp.want"
	stop_server
	if [ $s = 0 ] && [ $st = 0 ] && cmp -s "$tmp/udp.want" "$tmp/udp.out"; then
		ok udp-echo
	else
		bad udp-echo "client exit $s, server exit $st" "$tmp/udp.out" "$tmp/udp.err" \
		    "$tmp/udp.log"
	fi
else
	bad udp-echo "server did not start" "$tmp/udp.log"
fi

if start_server udp-once --udp 0 --once; then
	timeout -k 2 $T "$CLIENT" -q --udp 127.0.0.1 "$port" >"$tmp/udp1.out" 2>"$tmp/udp1.err"
	s=$?
	wait "$spid"
	st=$?
	if [ $s = 0 ] && [ $st = 0 ] && [ "$(cat "$tmp/udp1.out")" = "Hello Server" ]; then
		ok udp-once
	else
		bad udp-once "client exit $s, server exit $st" "$tmp/udp1.err" "$tmp/udp-once.log"
	fi
else
	bad udp-once "server did not start" "$tmp/udp-once.log"
fi

# ---- IPv6 echo over ::1 ----
if ! grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null; then
	passed=$((passed + 1))
	echo "ok ipv6-echo # SKIP no ::1 on this host"
elif start_server ipv6 --bind ::1 --tcp 0 --model=epoll; then
	timeout -k 2 $T "$CLIENT" -q ::1 "$port" "over IPv6" >"$tmp/v6.out" 2>"$tmp/v6.err"
	s=$?
	stop_server
	if [ $s = 0 ] && [ $st = 0 ] && [ "$(cat "$tmp/v6.out")" = "over IPv6" ] &&
	    grep -q "on \[::1\]:$port " "$tmp/ipv6.log" &&
	    grep -q "^tcpviz-server: \[::1\]:[0-9]* connected" "$tmp/ipv6.log"; then
		ok ipv6-echo
	else
		bad ipv6-echo "client exit $s, server exit $st" "$tmp/v6.err" "$tmp/ipv6.log"
	fi
else
	bad ipv6-echo "server did not start" "$tmp/ipv6.log"
fi

# ---- errors ----
# a port that was just closed: TCP is refused, UDP gets ICMP port unreachable
start_server closed --tcp 0
closed=$port
stop_server
timeout -k 2 $T "$CLIENT" -q 127.0.0.1 "$closed" >"$tmp/ref.out" 2>"$tmp/ref.err"
s=$?
if [ $s = 1 ] && [ "$(cat "$tmp/ref.err")" = "tcpviz-client: connect to 127.0.0.1:$closed: Connection refused" ]; then
	ok connect-refused
else
	bad connect-refused "exit status $s, expected 1 and the refused message" "$tmp/ref.err"
fi
timeout -k 2 $T "$CLIENT" -q --udp --timeout 1 127.0.0.1 "$closed" >"$tmp/uref.out" 2>"$tmp/uref.err"
s=$?
if [ $s = 1 ] && [ "$(wc -l <"$tmp/uref.err")" = 1 ] &&
    grep -q "^tcpviz-client: udp 127.0.0.1:$closed: " "$tmp/uref.err"; then
	ok udp-refused
else
	bad udp-refused "exit status $s, expected 1 and one line on stderr" "$tmp/uref.err"
fi

# a port in use: the second server says so and exits 1
if start_server inuse --tcp 0 --model=thread; then
	timeout -k 2 $T "$SERVER" --tcp "$port" >/dev/null 2>"$tmp/inuse2.err"
	s=$?
	stop_server
	if [ $s = 1 ] && [ "$(cat "$tmp/inuse2.err")" = "tcpviz-server: bind 127.0.0.1:$port: Address already in use" ]; then
		ok bind-in-use
	else
		bad bind-in-use "exit status $s, expected 1 and the in-use message" "$tmp/inuse2.err"
	fi
else
	bad bind-in-use "server did not start" "$tmp/inuse.log"
fi

# ---- host names (issue 13 item 7): getaddrinfo, each address in turn ----
# localhost comes from /etc/hosts (no DNS); the note names what it is
if start_server names --tcp 0; then
	timeout -k 2 $T "$CLIENT" localhost "$port" "by name" >"$tmp/name.out" 2>"$tmp/name.err"
	s=$?
	if [ $s = 0 ] && [ "$(cat "$tmp/name.out")" = "by name" ] &&
	    grep -q "^tcpviz-client: localhost is .*127\.0\.0\.1" "$tmp/name.err" &&
	    grep -q "^tcpviz-client: connected .* -> .*:$port\$" "$tmp/name.err"; then
		ok name-localhost
	else
		bad name-localhost "exit status $s" "$tmp/name.out" "$tmp/name.err" "$tmp/names.log"
	fi
	# a numeric address still works, with no note of a lookup
	timeout -k 2 $T "$CLIENT" 127.0.0.1 "$port" "by number" >"$tmp/num.out" 2>"$tmp/num.err"
	s=$?
	if [ $s = 0 ] && [ "$(cat "$tmp/num.out")" = "by number" ] &&
	    ! grep -q " is " "$tmp/num.err"; then
		ok name-numeric
	else
		bad name-numeric "exit status $s" "$tmp/num.out" "$tmp/num.err"
	fi
	stop_server
else
	bad name-localhost "server did not start" "$tmp/names.log"
fi

# localhost as ::1 first, then 127.0.0.1 (a private /etc/hosts in a mount
# namespace), against a server on 127.0.0.1 only: ::1 is refused, and the
# client says so and goes on to 127.0.0.1; UDP likewise after the port
# unreachable
if [ "$is_root" != 1 ] || ! command -v unshare >/dev/null 2>&1 ||
    ! timeout 5 unshare -m true 2>/dev/null ||
    ! grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null; then
	skip name-next-address "needs root, unshare -m and ::1"
else
	printf '::1 localhost\n127.0.0.1 localhost\n' >"$tmp/hosts"
	for kind in tcp udp; do
		if [ $kind = tcp ]; then
			start_server "next-$kind" --bind 127.0.0.1 --tcp 0
		else
			start_server "next-$kind" --bind 127.0.0.1 --udp 0
		fi || { bad "name-next-address-$kind" "server did not start" "$tmp/next-$kind.log"; continue; }
		flag=""
		[ $kind = udp ] && flag=--udp
		timeout -k 2 $T unshare -m sh -c 'mount --bind "$1" /etc/hosts && shift && exec "$@"' sh \
		    "$tmp/hosts" "$CLIENT" $flag localhost "$port" "next" >"$tmp/next.out" 2>"$tmp/next.err"
		s=$?
		stop_server
		if [ $s = 0 ] && [ "$(cat "$tmp/next.out")" = "next" ] &&
		    grep -q "^tcpviz-client: localhost is ::1 and 127\.0\.0\.1\$" "$tmp/next.err" &&
		    grep -q "\[::1\]:$port: Connection refused; trying the next address\$" "$tmp/next.err" &&
		    grep -q " -> 127\.0\.0\.1:$port\$" "$tmp/next.err"; then
			ok "name-next-address-$kind"
		else
			bad "name-next-address-$kind" "exit status $s" "$tmp/next.out" "$tmp/next.err"
		fi
	done
fi

# an unknown name fails with getaddrinfo's reason, exit 1, at once.  .invalid
# is reserved and resolves nowhere; the lookup runs where no query can leave
# the machine: a new network namespace (no interfaces up), or here when every
# nameserver in /etc/resolv.conf is on loopback or there is none
unknown_run=""
if command -v unshare >/dev/null 2>&1; then
	if [ "$is_root" = 1 ] && timeout 5 unshare -n true 2>/dev/null; then
		unknown_run="unshare -n"
	elif timeout 5 unshare -rn true 2>/dev/null; then
		unknown_run="unshare -rn"
	fi
fi
if [ -z "$unknown_run" ] && ! grep -v -E '^[[:space:]]*nameserver[[:space:]]+(127\.|::1([[:space:]]|$))' \
    /etc/resolv.conf 2>/dev/null | grep -q -E '^[[:space:]]*nameserver'; then
	unknown_run="env"
fi
if [ -z "$unknown_run" ]; then
	skip name-unknown "a lookup here could leave the machine (no unshare -n, non-loopback nameserver)"
else
	t0=$(date +%s)
	timeout -k 2 10 $unknown_run "$CLIENT" no-such-host.invalid 8000 >"$tmp/unk.out" 2>"$tmp/unk.err"
	s=$?
	t1=$(date +%s)
	if [ $s = 1 ] && [ "$(wc -l <"$tmp/unk.err")" = 1 ] && ! [ -s "$tmp/unk.out" ] &&
	    grep -q "^tcpviz-client: no-such-host\.invalid: [A-Z]" "$tmp/unk.err" &&
	    [ $((t1 - t0)) -le 5 ]; then
		ok name-unknown
	else
		bad name-unknown "exit status $s after $((t1 - t0)) s, expected 1 and getaddrinfo's reason" \
		    "$tmp/unk.err"
	fi
fi

# ---- both loopback addresses by default (issue 13 item 8) ----
if ! grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null; then
	skip dual-loopback "no ::1 on this host"
else
	for model in fork thread epoll iterative poll prefork; do
		if ! start_server "dual-$model" --tcp 0 --model=$model; then
			bad "dual-$model" "server did not start" "$tmp/dual-$model.log"
			continue
		fi
		timeout -k 2 $T "$CLIENT" -q ::1 "$port" "six $model" >"$tmp/d6.out" 2>"$tmp/d6.err" &
		c6=$!
		timeout -k 2 $T "$CLIENT" -q 127.0.0.1 "$port" "four $model" >"$tmp/d4.out" 2>"$tmp/d4.err" &
		c4=$!
		wait $c6
		s6=$?
		wait $c4
		s4=$?
		wait_log "$tmp/dual-$model.log" " closed" 2
		stop_server
		why=""
		[ $s6 = 0 ] && [ "$(cat "$tmp/d6.out")" = "six $model" ] || why="client to ::1 exit $s6;"
		[ $s4 = 0 ] && [ "$(cat "$tmp/d4.out")" = "four $model" ] || why="$why client to 127.0.0.1 exit $s4;"
		grep -q "^tcpviz-server: echo on 127\.0\.0\.1:$port and \[::1\]:$port (model $model)\$" \
		    "$tmp/dual-$model.log" || why="$why start line does not name both;"
		grep -q "^tcpviz-server: \[::1\]:[0-9]* connected" "$tmp/dual-$model.log" &&
		    grep -q "^tcpviz-server: 127\.0\.0\.1:[0-9]* connected" "$tmp/dual-$model.log" ||
			why="$why the server did not see both;"
		[ $st = 0 ] || why="$why server exit $st;"
		if [ -z "$why" ]; then
			ok "dual-$model"
		else
			bad "dual-$model" "$why" "$tmp/d6.err" "$tmp/d4.err" "$tmp/dual-$model.log"
		fi
	done
	# UDP echo on both as well
	if start_server dual-udp --udp 0; then
		timeout -k 2 $T "$CLIENT" -q --udp ::1 "$port" six >"$tmp/du6.out" 2>"$tmp/du6.err"
		s6=$?
		timeout -k 2 $T "$CLIENT" -q --udp 127.0.0.1 "$port" four >"$tmp/du4.out" 2>"$tmp/du4.err"
		s4=$?
		stop_server
		if [ $s6 = 0 ] && [ $s4 = 0 ] && [ "$(cat "$tmp/du6.out")" = six ] &&
		    [ "$(cat "$tmp/du4.out")" = four ] &&
		    grep -q "^tcpviz-server: udp echo on 127\.0\.0\.1:$port and \[::1\]:$port\$" "$tmp/dual-udp.log"; then
			ok dual-udp
		else
			bad dual-udp "clients exit $s6 (::1) and $s4 (127.0.0.1), server $st" \
			    "$tmp/du6.err" "$tmp/du4.err" "$tmp/dual-udp.log"
		fi
	else
		bad dual-udp "server did not start" "$tmp/dual-udp.log"
	fi
	# --bind keeps one address: ::1 is refused
	if start_server bind-one --bind 127.0.0.1 --tcp 0; then
		timeout -k 2 $T "$CLIENT" -q ::1 "$port" >"$tmp/b1.out" 2>"$tmp/b1.err"
		s=$?
		stop_server
		if [ $s = 1 ] && grep -q "^tcpviz-server: echo on 127\.0\.0\.1:$port (model fork)\$" "$tmp/bind-one.log" &&
		    [ "$(cat "$tmp/b1.err")" = "tcpviz-client: connect to [::1]:$port: Connection refused" ]; then
			ok bind-one-address
		else
			bad bind-one-address "client to ::1 exit $s (expected 1, refused)" "$tmp/b1.err" "$tmp/bind-one.log"
		fi
	else
		bad bind-one-address "server did not start" "$tmp/bind-one.log"
	fi
fi

# ---- store --dir created when missing (issue 13 item 10) ----
if start_server mkdir --tcp 0 --mode=store --dir "$tmp/newstore" --once; then
	timeout -k 2 $T "$CLIENT" -q --send "$tmp/upload.bin" 127.0.0.1 "$port" \
	    >"$tmp/mk.out" 2>"$tmp/mk.err"
	s=$?
	wait "$spid"
	st=$?
	forget "$spid"
	mode=$(stat -c %a "$tmp/newstore" 2>/dev/null)
	if [ $s = 0 ] && [ $st = 0 ] && [ "$mode" = 700 ] &&
	    cmp -s "$tmp/upload.bin" "$tmp/newstore/upload.bin" &&
	    grep -q "files go to $tmp/newstore (created)\$" "$tmp/mkdir.log"; then
		ok store-dir-created
	else
		bad store-dir-created "client exit $s, server exit $st, mode $mode" \
		    "$tmp/mk.err" "$tmp/mkdir.log"
	fi
else
	bad store-dir-created "server did not start" "$tmp/mkdir.log"
fi
# one level only: a missing parent is an error, and nothing is made
timeout -k 2 $T "$SERVER" --tcp 0 --mode=store --dir "$tmp/noparent/store" --once \
    >/dev/null 2>"$tmp/np.err"
s=$?
if [ $s = 1 ] && ! [ -e "$tmp/noparent" ] &&
    grep -q "^tcpviz-server: cannot create $tmp/noparent/store: No such file or directory (its parent directory is missing" "$tmp/np.err"; then
	ok store-dir-no-parent
else
	bad store-dir-no-parent "exit status $s, expected 1" "$tmp/np.err"
fi
# a file where the directory should be is still refused
: >"$tmp/plainfile"
timeout -k 2 $T "$SERVER" --tcp 0 --mode=store --dir "$tmp/plainfile" --once \
    >/dev/null 2>"$tmp/pf.err"
s=$?
if [ $s = 1 ] && [ "$(cat "$tmp/pf.err")" = "tcpviz-server: $tmp/plainfile: not a directory" ]; then
	ok store-dir-not-dir
else
	bad store-dir-not-dir "exit status $s, expected 1" "$tmp/pf.err"
fi

# ---- a slow attack: clients that connect and say nothing ----
# hold PORT N SECS: N silent connections to PORT for SECS (bounded), in the
# background; $hpid
hold() {
	rm -f "$tmp/hold.ready"
	timeout -k 2 $((${3%.*} + 5)) python3 -c 'import socket, sys, time
s = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(int(sys.argv[2]))]
open(sys.argv[4], "w").close()
time.sleep(float(sys.argv[3]))' "$1" "$2" "$3" "$tmp/hold.ready" 2>"$tmp/hold.err" &
	hpid=$!
	pids="$pids $hpid"
	# connected before the caller goes on (python's start may be slow on
	# a loaded machine), then a moment for the server to take them
	i=0
	while [ $i -lt 100 ] && ! [ -e "$tmp/hold.ready" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.2
}
if ! command -v python3 >/dev/null 2>&1; then
	skip slow-attack "python3 is not installed"
else
	# the event loop's default limit is far above 100 idle sockets
	if start_server slow-epoll --tcp 0 --model=epoll; then
		hold "$port" 100 5
		timeout -k 2 3 "$CLIENT" -q 127.0.0.1 "$port" "still served" \
		    >"$tmp/slow1.out" 2>"$tmp/slow1.err"
		s=$?
		if [ $s = 0 ]; then
			ok slow-attack-epoll
		else
			bad slow-attack-epoll "a client behind 100 silent ones: exit status $s" \
			    "$tmp/slow1.err" "$tmp/slow-epoll.log"
		fi
		stop_server
		wait "$hpid" 2>/dev/null
		forget "$hpid"
	else
		bad slow-attack-epoll "server did not start" "$tmp/slow-epoll.log"
	fi
	# with every slot taken by silent clients, they are closed after 10 s
	# (not 300) and the waiting client is served; the server says why
	if start_server slow-thread --tcp 0 --model=thread --max-conns 4; then
		hold "$port" 4 30
		timeout -k 2 25 "$CLIENT" -q --timeout 20 127.0.0.1 "$port" "at last" \
		    >"$tmp/slow2.out" 2>"$tmp/slow2.err"
		s=$?
		if [ $s = 0 ] && grep -q "timed out after 10 s" "$tmp/slow-thread.log" &&
		    grep -q "4 connections open (--max-conns)" "$tmp/slow-thread.log"; then
			ok slow-attack-thread
		else
			bad slow-attack-thread "exit status $s, or no word of it in the log" \
			    "$tmp/slow2.err" "$tmp/slow-thread.log"
		fi
		stop_server
		kill "$hpid" 2>/dev/null
		wait "$hpid" 2>/dev/null
		forget "$hpid"
	else
		bad slow-attack-thread "server did not start" "$tmp/slow-thread.log"
	fi
	# the same 10 s against the new models, every slot taken by silent
	# clients: iterative (its one), poll and prefork (--max-conns 2: two
	# workers, one each).  Run side by side, so the wait is paid once.
	spids=""
	for mn in iterative:1 poll:2 prefork:2; do
		model=${mn%:*}
		n=${mn#*:}
		if [ $model = iterative ]; then
			start_server "slow-$model" --tcp 0 --model=$model
		else
			start_server "slow-$model" --tcp 0 --model=$model --max-conns $n
		fi || { bad "slow-attack-$model" "server did not start" "$tmp/slow-$model.log"; continue; }
		eval "sp_$model=$spid port_$model=$port"
		hold "$port" "$n" 30
		eval "hp_$model=$hpid"
		timeout -k 2 25 "$CLIENT" -q --timeout 20 127.0.0.1 "$port" "at last $model" \
		    >"$tmp/slow-$model.out" 2>"$tmp/slow-$model.err" &
		eval "cp_$model=$!"
		pids="$pids $!"
	done
	for model in iterative poll prefork; do
		eval "cp=\${cp_$model:-}; sp=\${sp_$model:-}; hp=\${hp_$model:-}"
		[ -n "$cp" ] || continue
		wait "$cp"
		s=$?
		forget "$cp"
		if [ $s = 0 ] && [ "$(cat "$tmp/slow-$model.out")" = "at last $model" ] &&
		    grep -q "timed out after 10 s\|sent nothing" "$tmp/slow-$model.log"; then
			ok "slow-attack-$model"
		else
			bad "slow-attack-$model" "exit status $s, or no word of the timeout in the log" \
			    "$tmp/slow-$model.err" "$tmp/slow-$model.log"
		fi
		spid=$sp
		stop_server
		kill "$hp" 2>/dev/null
		wait "$hp" 2>/dev/null
		forget "$hp"
	done
fi

# ---- no sanitizer reports anywhere (when the binaries were built with them) ----
if grep -l -E '(ERROR|WARNING): [A-Za-z]*Sanitizer|runtime error:' \
    "$tmp"/*.log "$tmp"/*.err >"$tmp/san.list" 2>/dev/null; then
	bad sanitizer-clean "reports in $(tr '\n' ' ' <"$tmp/san.list")" $(cat "$tmp/san.list")
else
	ok sanitizer-clean
fi

echo "progs: $passed passed, $failed failed"
[ $failed = 0 ]
