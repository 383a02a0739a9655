#!/bin/sh
# tests/live/priv.sh: privileges really dropped once the capture is open: capabilities of a setcap binary, sudo's user, -Z, the demo's programs never root; needs root.
#
# Each check starts tcpviz on lo with a filter on a port nothing uses (no
# traffic is sent, except by the demo, on 127.0.0.1), waits for it to say
# "listening on", then reads its Uid and capability sets from
# /proc/PID/status.  Every program runs under timeout(1); the EXIT trap
# stops what is left.  Prints "ok NAME" / "FAIL NAME: why" / "skip NAME:
# why", then "priv: N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
live_setup
T=20
chmod 755 "$tmp"

if [ $is_root = 0 ]; then
	for n in setcap-caps sudo-user z-user bad-sudo-uid demo-programs demo-transfer-sudo \
	    demo-private-dir; do
		needroot $n
	done
	echo "priv: $passed passed, $failed failed"
	exit 0
fi

# status_of PID FIELD: a line of /proc/PID/status, its values only
status_of() {
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" 2>/dev/null | tr -s '\t ' ' '
}

# capture NAME CMD...: run CMD (timeout(1) running a tcpviz capture) in the
# background until it says it listens; $cpid is the tcpviz process (the
# child of timeout), its stderr in $tmp/NAME.err
capture() {
	name=$1
	shift
	"$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
	tpid=$!
	pids="$pids $tpid"
	listening "$tmp/$name.err"
	cpid=$(pgrep -P "$tpid" | head -1)
	[ -n "$cpid" ] && grep -q "listening on" "$tmp/$name.err"
}

# expect_dropped NAME UID: tcpviz ($cpid) runs as UID with no capabilities
expect_dropped() {
	uids=$(status_of "$cpid" Uid)
	eff=$(status_of "$cpid" CapEff)
	prm=$(status_of "$cpid" CapPrm)
	kill -INT "$cpid" 2>/dev/null
	wait "$tpid" 2>/dev/null
	want="$2 $2 $2 $2"
	if [ "$uids" = "$want" ] && [ "$eff" = 0000000000000000 ] &&
	    [ "$prm" = 0000000000000000 ]; then
		ok "$1"
	else
		bad "$1" "Uid '$uids' (want '$want'), CapEff $eff, CapPrm $prm (want none)" \
		    "$tmp/$1.err"
	fi
}

nobody=$(id -u nobody 2>/dev/null || echo 65534)

# a setcap binary run by an ordinary user keeps no capability once open
if ! command -v setcap >/dev/null 2>&1 || ! command -v setpriv >/dev/null 2>&1; then
	skip setcap-caps "setcap (libcap2-bin) or setpriv (util-linux) is not installed"
else
	cp "$TCPVIZ" "$tmp/tcpviz-cap"
	chmod 755 "$tmp/tcpviz-cap"
	if ! setcap cap_net_raw,cap_net_admin+eip "$tmp/tcpviz-cap" 2>"$tmp/setcap.err"; then
		skip setcap-caps "setcap failed here: $(head -1 "$tmp/setcap.err")"
	elif capture setcap-caps timeout -k 2 $T setpriv --reuid="$nobody" \
	    --regid="$nobody" --clear-groups "$tmp/tcpviz-cap" -i lo 'tcp port 9'; then
		expect_dropped setcap-caps "$nobody"
	else
		bad setcap-caps "the setcap binary did not start capturing" "$tmp/setcap-caps.err"
	fi
fi

# started through sudo: the invoking user, without capabilities
if capture sudo-user env SUDO_UID="$nobody" timeout -k 2 $T "$TCPVIZ" -i lo 'tcp port 9'; then
	expect_dropped sudo-user "$nobody"
else
	bad sudo-user "did not start capturing" "$tmp/sudo-user.err"
fi

# -Z nobody: that user, without capabilities
if capture z-user env -u SUDO_UID timeout -k 2 $T "$TCPVIZ" -Z nobody -i lo 'tcp port 9'; then
	expect_dropped z-user "$nobody"
else
	bad z-user "did not start capturing" "$tmp/z-user.err"
fi

# a SUDO_UID that names nobody here: refused, not root for it
env SUDO_UID=4000000000 timeout -k 2 $T "$TCPVIZ" -i lo -c 1 'tcp port 9' \
    >"$tmp/bad.out" 2>"$tmp/bad.err"
st=$?
if [ $st = 1 ] && grep -q "SUDO_UID=4000000000 is no user" "$tmp/bad.err" &&
    ! grep -q "listening on" "$tmp/bad.err"; then
	ok bad-sudo-uid
else
	bad bad-sudo-uid "exit status $st, want 1 and a message before capturing" "$tmp/bad.err"
fi

# root by login: the demo's programs still never run as root (sampled
# while the handshake scenario's server waits out its close delay)
# (only the demo's own: the process group of the scenario runner, the
# child of tcpviz, the child of timeout)
timeout -k 2 60 env -u SUDO_UID "$TCPVIZ" --demo=handshake,fork >"$tmp/demo.out" 2>&1 &
dpid=$!
pids="$pids $dpid"
: >"$tmp/uids"
i=0
while kill -0 "$dpid" 2>/dev/null && [ $i -lt 3000 ]; do
	ps -eo pid=,ppid=,pgid=,uid=,comm= 2>/dev/null | awk -v top="$dpid" '
	    { pid[NR] = $1; ppid[NR] = $2; pgid[NR] = $3; uid[NR] = $4; comm[NR] = $5 }
	    END {
		for (k = 1; k <= NR; k++) if (ppid[k] == top) viz = pid[k]
		for (k = 1; k <= NR; k++) if (viz != "" && ppid[k] == viz) runner = pid[k]
		for (k = 1; k <= NR; k++)
			if (runner != "" && pgid[k] == runner && comm[k] ~ /^tcpviz-(server|client)$/)
				print uid[k]
	    }' >>"$tmp/uids"
	i=$((i + 1))
done
wait "$dpid"
st=$?
forget "$dpid"
if [ $st != 0 ]; then
	bad demo-programs "the demo failed (exit status $st)" "$tmp/demo.out"
elif [ ! -s "$tmp/uids" ]; then
	skip demo-programs "no program was seen running (too quick to sample here)"
elif grep -qx 0 "$tmp/uids"; then
	bad demo-programs "a bundled program ran as root: uids $(sort -u "$tmp/uids" | tr '\n' ' ')"
else
	ok demo-programs
fi

# through sudo, the transfer scenario's file and store belong to the user
# who runs the programs
timeout -k 2 60 env SUDO_UID="$nobody" "$TCPVIZ" --demo=transfer >"$tmp/tr.out" 2>&1
st=$?
if [ $st = 0 ] && grep -q -- "--- transfer: as expected" "$tmp/tr.out"; then
	ok demo-transfer-sudo
else
	bad demo-transfer-sudo "exit status $st" "$tmp/tr.out"
fi

# root by login in a directory only root can reach (a checkout under
# /root): the programs, run as nobody, are run by descriptor and still work
mkdir -p "$tmp/private/bin"
chmod 700 "$tmp/private"
for p in "$TCPVIZ" "${TCPVIZ_SERVER:-./tcpviz-server}" "${TCPVIZ_CLIENT:-./tcpviz-client}"; do
	cp "$p" "$tmp/private/bin/"
done
cp "$tmp/private/bin/$(basename "$TCPVIZ")" "$tmp/private/bin/tcpviz" 2>/dev/null
(cd / && timeout -k 2 60 env -u SUDO_UID "$tmp/private/bin/tcpviz" --demo=handshake,transfer) \
    >"$tmp/private.out" 2>&1
st=$?
if [ $st = 0 ] && [ "$(grep -c -- '^--- .*: as expected' "$tmp/private.out")" = 2 ]; then
	ok demo-private-dir
else
	bad demo-private-dir "exit status $st" "$tmp/private.out"
fi

echo "priv: $passed passed, $failed failed"
[ $failed = 0 ]
