# tests/live/lib.sh: what the live test scripts share: counting and reporting checks.
# Sourced by them, never run on its own (tests/run.sh leaves it out).

# test_begin: how every test script starts: the binary (TCPVIZ, default
# ./tcpviz), the counts, a folder $tmp removed at the end, an interrupt
# ending the script (and so removing it)
test_begin() {
	TCPVIZ=${TCPVIZ:-./tcpviz}
	passed=0
	failed=0
	tmp=$(mktemp -d) || exit 1
	trap 'rm -rf "$tmp"' EXIT
	trap 'exit 1' INT TERM
}

# ok NAME: a check passed
ok() {
	passed=$((passed + 1))
	echo "ok $1"
}

# bad NAME WHY [FILE...]: a check failed; show the start of each FILE
bad() {
	failed=$((failed + 1))
	echo "FAIL $1: $2"
	shift 2
	for f in "$@"; do
		[ -s "$f" ] && sed 's/^/    /' "$f" | head -40
	done
	return 0
}

# skip NAME WHY: a check that cannot run here, counted neither way
skip() {
	echo "skip $1: $2"
}

# is_root: 1 when live capture can run; needroot NAME skips a check that needs it
is_root=0
[ "$(id -u)" = 0 ] && is_root=1
needroot() {
	skip "$1" "needs root (live capture needs CAP_NET_RAW; CI runs as root)"
}

# Background processes go in $pids (each script sets pids="" first);
# stop_all ends them, forget PID drops one that was waited for.
stop_all() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	for p in $pids; do
		{ wait "$p"; } 2>/dev/null
	done
}

forget() {
	pids=$(echo " $pids " | sed "s/ $1 / /; s/^ *//; s/ *\$//")
}

# start_server NAME ARGS...: $SERVER in the background under timeout(1)
# ($SRV_T seconds; $SRV_TIMEOUT_FLAGS, default -k 5), its stderr in
# $tmp/NAME.log; sets $spid, and $port once the start line is out.
start_server() {
	name=$1
	shift
	port=""
	timeout ${SRV_TIMEOUT_FLAGS:--k 5} "${SRV_T:-60}" "$SERVER" "$@" \
	    2>"$tmp/$name.log" &
	spid=$!
	pids="$pids $spid"
	i=0
	while [ $i -lt 100 ]; do
		port=$(sed -n 's/^tcpviz-server: .* on [^ ]*:\([0-9][0-9]*\).*$/\1/p' \
		    "$tmp/$name.log" 2>/dev/null | head -1)
		[ -n "$port" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# live_setup: what a simple live script starts with: the binaries
# (TCPVIZ, TCPVIZ_SERVER, TCPVIZ_CLIENT name others), the counters, a
# temp dir $tmp, and an EXIT trap that stops what is left and removes it
live_setup() {
	TCPVIZ=${TCPVIZ:-./tcpviz}
	SERVER=${TCPVIZ_SERVER:-./tcpviz-server}
	CLIENT=${TCPVIZ_CLIENT:-./tcpviz-client}
	passed=0
	failed=0
	pids=""
	tmp=$(mktemp -d) || exit 1
	trap 'stop_all; rm -rf "$tmp"' EXIT
	trap 'exit 1' INT TERM
}

# listening FILE: wait up to 5 s for tcpviz to say in FILE that it listens
listening() {
	i=0
	while [ $i -lt 50 ] && ! grep -q "listening on" "$1" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -q "listening on" "$1" 2>/dev/null
}

# pty COLS SECONDS OUT CMD...: CMD on a COLS-column pty (tests/pty.py,
# PTY_FLAGS added); its stdout in OUT, its stderr in OUT.err, pty.py's
# messages in OUT.pty; its status in $st
pty() {
	cols=$1 secs=$2 out=$3
	shift 3
	timeout -k 5 $((secs + 10)) python3 -S tests/pty.py --cols "$cols" \
	    --timeout "$secs" --out "$out" ${PTY_FLAGS:-} -- \
	    sh -c 'e=$1; shift; exec "$@" 2>"$e"' sh "$out.err" "$@" \
	    </dev/null 2>"$out.pty"
	st=$?
}

# bundled_progs: the pids of every tcpviz-server, tcpviz-client,
# tcpviz-craft, sorted
bundled_progs() {
	for p in tcpviz-server tcpviz-client tcpviz-craft; do
		pgrep -x "$p"
	done | sort
}

# into_head3 SECONDS CMD...: CMD (under timeout SECONDS) into a pipe that
# head -3 closes; $why says what went wrong, empty when CMD ended within
# 15 s of it with status 0, head printed 3 lines and every bundled program
# CMD started was gone 5 s later (those still there are ended: only ours,
# marked in their environment).  Output in $tmp/head.out, stderr in
# $tmp/head.err.
into_head3() {
	h_secs=$1
	shift
	bundled_progs >"$tmp/before"
	mark="head3-$$"
	rm -f "$tmp/st" "$tmp/head.pid"
	(
		{
			TV_TEST_MARK=$mark timeout -k 5 "$h_secs" "$@" 2>"$tmp/head.err" &
			echo $! >"$tmp/head.pid"
			wait $!
			echo $? >"$tmp/st"
		} | head -3 >"$tmp/head.out"
	) </dev/null &
	hpid=$!
	pids="$pids $hpid"
	i=0
	while [ $i -lt 150 ] && ! { [ -s "$tmp/st" ] && ! kill -0 $hpid 2>/dev/null; }; do
		sleep 0.1
		i=$((i + 1))
	done
	why=""
	if ! [ -s "$tmp/st" ]; then
		why="still running 15 s after head -3;"
	else
		rc=$(cat "$tmp/st")
		[ "$rc" = 0 ] || why="exit status $rc after head exited (want 0);"
	fi
	n=$(wc -l <"$tmp/head.out" | tr -d ' ')
	[ "$n" = 3 ] || why="$why head printed $n lines, want 3;"
	j=0
	while [ $j -lt 50 ]; do
		bundled_progs >"$tmp/after"
		left=$(comm -13 "$tmp/before" "$tmp/after" | tr '\n' ' ')
		[ -z "$left" ] && break
		sleep 0.1
		j=$((j + 1))
	done
	if [ -n "$left" ]; then
		why="$why still running 5 s after: $(ps -o pid=,ppid=,args= -p "$(echo $left | tr ' ' ,)" | tr -s ' ' | tr '\n' ';')"
		for p in $left; do
			tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "TV_TEST_MARK=$mark" &&
			    kill "$p" 2>/dev/null
		done
	fi
	[ -z "$why" ] || why="$why (after $((i / 10)).$((i % 10)) s)"
	[ -s "$tmp/head.pid" ] && kill "$(cat "$tmp/head.pid")" 2>/dev/null
	wait $hpid 2>/dev/null
	forget $hpid
	rm -f "$tmp/head.pid"
}
