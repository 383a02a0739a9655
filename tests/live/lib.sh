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
