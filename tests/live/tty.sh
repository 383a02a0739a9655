#!/bin/sh
# tests/live/tty.sh: output width on a terminal and off it (--width), the demo on a pty and into a closed pipe, a bounded live capture; the demo and live checks need root.
#
# Terminals are pseudo-terminals of a chosen size made by tests/pty.py
# (python3).  Traffic stays on 127.0.0.1: the live check's server listens on
# a port the kernel picks (--tcp 0) and the capture filters on that port.
# Every program runs under timeout(1) (and pty.py's own --timeout); whatever
# is still running at the end is stopped by the EXIT trap.  TCPVIZ,
# TCPVIZ_SERVER and TCPVIZ_CLIENT name other binaries.  Checks that need
# CAP_NET_RAW print "skip NAME: needs root (...)" when not root and count
# neither way.  Prints "ok NAME" or "FAIL NAME: why" per check, then
# "tty: N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
live_setup
T=20		# seconds any one client or capture may take
SRV_T=60	# seconds any one server may live
DEMO_T=60	# seconds the whole demo may take on a terminal at the default pace (about 30)
PER_PACKET=400	# bytes a live capture may print per packet: a row of a narrow
		# ladder wraps its label (about 230 bytes with -S at 80 columns)

cleanup() {
	stop_all
	# the closed-pipe demo runs inside a subshell: stop it by its pid file
	[ -s "$tmp/head.pid" ] && kill "$(cat "$tmp/head.pid")" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

if ! command -v python3 >/dev/null 2>&1; then
	skip tty "python3 is not installed (tests/pty.py makes the terminals)"
	echo "tty: $passed passed, $failed failed"
	exit 0
fi
if [ ! -x "$TCPVIZ" ]; then
	bad build "$TCPVIZ is not built"
	echo "tty: $passed passed, $failed failed"
	exit 1
fi

# (pty COLS SECONDS OUT CMD...: tests/live/lib.sh; widths are checked on
# stdout only)

# check.py width W FILE...: every line of each FILE at most W characters
# (UTF-8, ANSI colour escapes not counted); with several, names the first FILE (less ".out") that has a longer one
# check.py demo FILE W NAME...: the demo's output: each NAME has one caption
# "=== NAME: " and, after it, one result "--- NAME: as expected" or
# "--- NAME: skipped..."; no other captions, no "!!!"; every "#ID " line
# stands between one scenario's caption and its result, all lines of an ID
# in the same scenario; with W > 0, no line over W characters.
# Prints what is wrong (nothing when all is well).
cat >"$tmp/check.py" <<'EOF'
import re, sys

def lines(path):
    # colour escapes (on by default on a terminal) take no columns
    with open(path, "rb") as f:
        return re.sub(r"\x1b\[[0-9;]*m", "",
            f.read().decode("utf-8", "replace")).split("\n")

def width(ls, w):
    for i, l in enumerate(ls, 1):
        if len(l) > w:
            return ["line %d is %d characters, over %d: %r" % (i, len(l), w, l[:300])]
    return []

def demo(ls, w, names):
    why = []
    if w > 0:
        why += width(ls, w)
    caps, ends = {}, {}
    cur = None          # the scenario whose caption stands open
    home = {}           # ID -> the scenario its first line stood in
    for i, l in enumerate(ls, 1):
        m = re.match(r"=== ([A-Za-z0-9_-]+): ", l)
        if m:
            n = m.group(1)
            caps.setdefault(n, []).append(i)
            if cur is not None:
                why.append("line %d: caption of %s while %s has no result yet" % (i, n, cur))
            cur = n
            continue
        m = re.match(r"(---|!!!) ([A-Za-z0-9_-]+): (.*)", l)
        if m:
            n = m.group(2)
            if m.group(1) == "!!!":
                why.append("line %d: failed: %r" % (i, l[:200]))
            elif m.group(3) != "as expected" and not m.group(3).startswith("skipped"):
                why.append("line %d: unknown result %r" % (i, l[:200]))
            ends.setdefault(n, []).append(i)
            if cur != n:
                why.append("line %d: result of %s, but the open caption is %s" % (i, n, cur))
            cur = None
            continue
        m = re.match(r"#([0-9]+) ", l)
        if m:
            tag = m.group(1)
            if cur is None:
                why.append("line %d: #%s outside any scenario (before its caption or after a result): %r"
                           % (i, tag, l[:120]))
            elif home.setdefault(tag, cur) != cur:
                why.append("line %d: #%s in %s, but it began in %s" % (i, tag, cur, home[tag]))
    if cur is not None:
        why.append("%s has a caption but no result" % cur)
    # one clock: rows where a state changes are drawn as their packets come
    # (never folded), so their times, counted from the capture's start for
    # every connection, never go back: by more than a millisecond, as two
    # connections' packets on two CPUs may reach the capture's ring in the
    # other order than the kernel stamped them (seen: 1 us); a clock of
    # each connection's own would go back by as long as the demo ran
    last, nrows = None, 0
    for i, l in enumerate(ls, 1):
        m = re.match(r"#[0-9]+ +([0-9]+\.[0-9]+) +[A-Z_0-9]+ [|]", l)
        if not m:
            continue
        nrows += 1
        t = float(m.group(1))
        if last is not None and t < last - 0.001:
            why.append("line %d: time %s before the previous row's %s (one clock?)"
                       % (i, m.group(1), last))
            break
        last = max(last, t) if last is not None else t
    if nrows == 0:
        why.append("no row with a state change")
    for n in names:
        if len(caps.get(n, [])) != 1:
            why.append("%d '=== %s: ' captions, want 1" % (len(caps.get(n, [])), n))
        if len(ends.get(n, [])) != 1:
            why.append("%d results for %s, want 1" % (len(ends.get(n, [])), n))
    extra = sorted(set(caps) - set(names))
    if extra:
        why.append("captions of scenarios not asked for: %s" % " ".join(extra))
    return why

def read(path):
    ls = lines(path)
    if ls and ls[-1] == "":
        ls.pop()
    return ls

if sys.argv[1] == "width":
    w, files, why = int(sys.argv[2]), sys.argv[3:], []
    for f in files:
        why = width(read(f), w)
        if why:
            if len(files) > 1:
                why[0] = "%s: %s" % (f.rsplit("/", 1)[-1][:-len(".out")], why[0])
            break
else:
    why = demo(read(sys.argv[2]), int(sys.argv[3]), sys.argv[4:])
# at most a few reasons, one line
more = " (and %d more)" % (len(why) - 4) if len(why) > 4 else ""
print("; ".join(why[:4]) + more if why else "")
EOF
check() {
	python3 "$tmp/check.py" "$@" 2>&1
}

# ---- a. width of -r output, on a pty and off it ----
files=$(ls captures/*.pcap captures/*.pcapng 2>/dev/null)

# width_check NAME W HOW ARGS...: tcpviz -r FILE ARGS for every capture;
# HOW is "pty:COLS" (COLUMNS unset), "pty:COLS:COLUMNS" or "file" (stdout a
# file, stdin /dev/null); each must exit 0, print something, no line over W
width_check() {
	name=$1 w=$2 how=$3
	shift 3
	why=""
	rm -rf "$tmp/w"
	mkdir "$tmp/w"
	for f in $files; do
		o="$tmp/w/${f##*/}.out"
		case $how in
		pty:*:*)
			c=${how#pty:}
			pty "${c%%:*}" $T "$o" env COLUMNS="${c#*:}" "$TCPVIZ" -r "$f" "$@"
			;;
		pty:*)
			pty "${how#pty:}" $T "$o" env -u COLUMNS "$TCPVIZ" -r "$f" "$@"
			;;
		*)
			timeout -k 5 $T env -u COLUMNS "$TCPVIZ" -r "$f" "$@" \
			    </dev/null >"$o" 2>"$o.err"
			st=$?
			;;
		esac
		if [ $st != 0 ]; then
			why="$f: exit status $st"
		elif ! [ -s "$o" ]; then
			why="$f: no output"
		fi
		if [ -n "$why" ]; then
			cat "$o" "$o.err" "$o.pty" >"$tmp/w.fail" 2>/dev/null
			break
		fi
	done
	if [ -z "$why" ] && [ -n "$files" ]; then
		# every output at once: python starts once
		why=$(check width "$w" "$tmp/w/"*.out)
		if [ -n "$why" ]; then
			cat "$tmp/w/${why%%: *}.out" >"$tmp/w.fail" 2>/dev/null
			why="captures/$why"
		fi
	fi
	if [ -z "$files" ]; then
		bad "$name" "no captures/*.pcap or *.pcapng"
	elif [ -z "$why" ]; then
		ok "$name"
	else
		bad "$name" "tcpviz -r FILE $* ($how): $why" "$tmp/w.fail"
	fi
}

width_check width-pty-80 80 pty:80
width_check width-pty-200 200 pty:200
width_check width-flag-80 80 file --width=80
# the variants both ways: on an 80-column pty and --width=80 into a file
for v in summary:--summary full:--data=full abs:-S; do
	n=${v%%:*} a=${v#*:}
	p0=$passed f0=$failed
	width_check "width-$n-pty-80" 80 pty:80 "$a" >"$tmp/v1"
	width_check "width-$n-flag-80" 80 file --width=80 "$a" >"$tmp/v2"
	passed=$p0 failed=$f0
	if grep -q '^FAIL' "$tmp/v1" "$tmp/v2"; then
		failed=$((failed + 1))
		grep -h -A40 '^FAIL' "$tmp/v1" "$tmp/v2" | sed 's/^FAIL width-[a-z]*-/FAIL width-'"$n"': /' | head -60
	else
		ok "width-$n-80"
	fi
done
# the size the pty reports comes before $COLUMNS; $COLUMNS when it says 0
# columns; 80 when neither says
width_check width-winsize-before-COLUMNS 80 pty:80:200
width_check width-COLUMNS-fallback 100 pty:0:100
width_check width-default-80 80 pty:0

# ---- the scenarios ----
timeout $T "$TCPVIZ" --demo-list >"$tmp/list.out" 2>"$tmp/list.err"
s=$?
scenarios=$(awk 'NF && !/\(the lab\)|\(as root\)|\(by name\)/ { print $1 }' "$tmp/list.out")	# the default list: not the lab's
if [ $s != 0 ] || [ -z "$scenarios" ]; then
	bad demo-list "exit status $s, no scenarios" "$tmp/list.out" "$tmp/list.err"
fi
subset="handshake transfer epoll half-open"

# demo_check NAME OUT W SCENARIO...: the exit status in $st and what
# check.py demo says about OUT
demo_check() {
	name=$1 out=$2 w=$3
	shift 3
	why=""
	[ $st = 0 ] || why="exit status $st;"
	r=$(check demo "$out" "$w" "$@")
	[ -n "$r" ] && why="$why $r"
	if [ -z "$why" ]; then
		ok "$name"
	else
		bad "$name" "$why" "$out.err" "$out.pty" "$out"
	fi
}

# ---- b. the whole demo on an 80-column pty, default pace ----
if [ $is_root = 0 ]; then
	needroot demo-pty-80
else
	pty 80 $DEMO_T "$tmp/d80.out" env -u COLUMNS "$TCPVIZ" --demo
	demo_check demo-pty-80 "$tmp/d80.out" 80 $scenarios
fi

# ---- c. a choice at --pace=120: on a 200-column pty, into a file ----
if [ $is_root = 0 ]; then
	needroot demo-pty-200
	needroot demo-file
else
	pty 200 60 "$tmp/d200.out" env -u COLUMNS "$TCPVIZ" --demo=handshake,transfer,epoll,half-open --pace=120
	demo_check demo-pty-200 "$tmp/d200.out" 200 $subset
	# off a terminal the width is unlimited: only the order is checked
	timeout -k 5 60 env -u COLUMNS "$TCPVIZ" --demo=handshake,transfer,epoll,half-open --pace=120 \
	    </dev/null >"$tmp/dfile.out" 2>"$tmp/dfile.out.err"
	st=$?
	demo_check demo-file "$tmp/dfile.out" 0 $subset
fi

# ---- d. the demo into head -3: ends soon, exit 0, stops what it started ----
if [ $is_root = 0 ]; then
	needroot demo-pipe
else
	into_head3 30 "$TCPVIZ" --demo
	if [ -z "$why" ]; then
		ok demo-pipe
	else
		bad demo-pipe "$why" "$tmp/head.out" "$tmp/head.err"
	fi
fi

# ---- e. live capture of a 16 MiB transfer on an 80-column pty: bounded ----
# child_of PID: the one child of PID
child_of() {
	c=$(pgrep -P "$1" 2>/dev/null | head -1)
	if [ -z "$c" ] && [ -r "/proc/$1/task/$1/children" ]; then
		c=$(sed 's/ .*//' "/proc/$1/task/$1/children")
	fi
	echo "$c"
}

# wait_for FILE TEXT: up to 5 s for TEXT in FILE
wait_for() {
	k=0
	while [ $k -lt 50 ]; do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		k=$((k + 1))
	done
	return 1
}

if [ $is_root = 0 ]; then
	needroot live-pty-80
elif ! mkdir "$tmp/store" || ! start_server store --tcp 0 --mode=store --dir "$tmp/store"; then
	bad live-pty-80 "server did not start" "$tmp/store.log"
else
	dd if=/dev/urandom of="$tmp/big" bs=1048576 count=16 2>/dev/null
	o="$tmp/live.out"
	# as pty() does, but in the background; pty.py stops tcpviz if it
	# writes 100 MB
	timeout -k 5 $((T + 15)) python3 -S tests/pty.py --cols 80 --timeout $((T + 5)) \
	    --max-bytes 100000000 --out "$o" -- \
	    sh -c 'e=$1; shift; exec "$@" 2>"$e"' sh "$o.err" \
	    env -u COLUMNS "$TCPVIZ" -i lo -S --data=full "tcp port $port" \
	    </dev/null 2>"$o.pty" &
	ltpid=$!
	pids="$pids $ltpid"
	why=""
	if ! wait_for "$o.err" "listening on"; then
		why="tcpviz did not say it is listening;"
	else
		timeout -k 2 $T "$CLIENT" -q --send "$tmp/big" 127.0.0.1 "$port" \
		    >"$tmp/lc.out" 2>"$tmp/lc.err" || why="the client failed;"
		wait_for "$o" "== closed:" || why="$why no '== closed:' drawn;"
	fi
	# SIGINT to tcpviz (sh -c and env exec it): pty.py's child, under timeout
	cpid=$(child_of $ltpid)
	[ -n "$cpid" ] && cpid=$(child_of "$cpid")
	if [ -n "$cpid" ]; then
		kill -INT "$cpid" 2>/dev/null
	else
		why="$why tcpviz was not running when the client finished;"
	fi
	wait $ltpid
	st=$?
	forget $ltpid
	[ $st = 0 ] || why="$why exit status $st after SIGINT;"
	size=$(wc -c <"$o" | tr -d ' ')
	n=$(sed -n 's/^\([0-9][0-9]*\) packets captured$/\1/p' "$o.err" | tail -1)
	if [ -z "$n" ]; then
		why="$why no 'N packets captured' ($size bytes of output);"
	elif [ "$size" -ge $((PER_PACKET * n)) ] || [ "$size" -ge 100000000 ]; then
		why="$why $size bytes of output for $n packets (limit $PER_PACKET a packet);"
	fi
	grep -q PSH "$o" || why="$why no row with PSH;"
	r=$(check width 80 "$o")
	[ -n "$r" ] && why="$why $r"
	if [ -z "$why" ]; then
		ok live-pty-80
	else
		head -c 4000 "$o" >"$tmp/live.head"
		bad live-pty-80 "$why" "$tmp/live.head" "$o.err" "$o.pty" "$tmp/lc.err"
	fi
	stop_all
	pids=""
fi

echo "tty: $passed passed, $failed failed"
[ $failed = 0 ]
