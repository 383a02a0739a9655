#!/bin/sh
# record-compare.sh - records the captures of issue 15's --compare: the same ten messages over TCP and over UDP, on loopback and in the lab, and a closed port answered by ICMP and by RST.
#
# Usage: sudo captures/record-compare.sh [NAME...]     (root; POSIX sh; needs
#        unshare, ip, and the built ./tcpviz, ./tcpviz-server, ./tcpviz-client:
#        make first)
#   NAME: lo (tcp-vs-udp.pcap), lab (tcp-vs-udp-lab.pcap), refused
#   (udp-tcp-refused.pcap), or the file names; none: all three.
#
# lo and refused re-execute this script under `unshare -n`, as record.sh does:
# the only interface is a fresh lo, every packet 127.0.0.1.  The capture is
# tcpviz's own (`tcpviz -i lo -U -w FILE FILTER`; no tcpdump needed): started,
# its "listening on" line waited for, the traffic run, 0.5 s, SIGINT.  A file
# is replaced only when the traffic did what it should, the capture reported
# "0 packets dropped by kernel", and the new file, read back by tcpviz, shows
# what it must (check_* below).
#
# lab runs `tcpviz --lab --loss 10%` (its own namespaces, nothing of the host
# touched).  `tcpviz --lab` takes no -w (docs/lab.md: two captures, one
# file), so the client's command line captures its own end: a tcpviz -i eth0
# -w in the lab's client namespace, started before the clients and stopped
# after them.  The file is the client's vantage point: what it sent (lost
# segments included, as they left) and what reached it.  The loss is random:
# a recording is kept only when TCP sent at least one segment again and UDP
# lost at least one message (fewer than ten echoes came back); up to
# TRIES (default 6) lab runs are tried.
#
# Fixed ports: 9993 (TCP and UDP echo on loopback), 9992 (nothing listens:
# refused), 8000 in the lab.  Every wait is bounded.
set -eu

DIR=$(cd "$(dirname "$0")" && pwd)
SELF="$DIR/$(basename "$0")"
TOP=$(dirname "$DIR")
TV="$TOP/tcpviz"
SRV="$TOP/tcpviz-server"
CLI="$TOP/tcpviz-client"
WORDS="one two three four five six seven eight nine ten"
TRIES=${TRIES:-6}
# shellcheck disable=SC2086
LEN=$(printf %s $WORDS | wc -c | tr -d ' ')    # the payload of the ten, each way

die() { echo "record-compare.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (capture, network namespaces): sudo $0"
for p in "$TV" "$SRV" "$CLI"; do
    [ -x "$p" ] || die "$p missing: run make first"
done

TMP=$(mktemp -d)
CAP_PID=
SRV_PIDS=
cleanup() {
    # only what this script started, by pid
    [ -z "$CAP_PID" ] || kill -INT "$CAP_PID" 2>/dev/null || true
    for p in $SRV_PIDS; do kill "$p" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# start_capture IFACE FILE FILTER...: tcpviz -w in the background, waits <= 10 s
start_capture() {
    iface=$1 file=$2
    shift 2
    "$TV" -Z root -i "$iface" -U -w "$file" "$@" >"$TMP/cap.out" 2>"$TMP/cap.err" &
    CAP_PID=$!
    i=0
    while ! grep -q 'listening on' "$TMP/cap.err" 2>/dev/null; do
        i=$((i + 1))
        [ $i -le 100 ] || die "the capture did not start: $(cat "$TMP/cap.err")"
        kill -0 "$CAP_PID" 2>/dev/null || die "the capture ended: $(cat "$TMP/cap.err")"
        sleep 0.1
    done
}

# stop_capture: 0.5 s, SIGINT, wait <= 5 s; 0 when nothing was dropped
stop_capture() {
    sleep 0.5
    kill -INT "$CAP_PID" 2>/dev/null || true
    i=0
    while kill -0 "$CAP_PID" 2>/dev/null && [ $i -lt 50 ]; do
        i=$((i + 1))
        sleep 0.1
    done
    kill -KILL "$CAP_PID" 2>/dev/null || true
    wait "$CAP_PID" 2>/dev/null || true
    CAP_PID=
    grep -q '^0 packets dropped by kernel' "$TMP/cap.err"
}

# wait_port PROTO PORT: a listening TCP (bound UDP) socket on PORT, <= 5 s
wait_port() {
    hex=$(printf '%04X' "$2")
    f=/proc/net/tcp st=' 0A '
    [ "$1" = tcp ] || { f=/proc/net/udp st=' 07 '; }
    i=0
    while ! grep -q ":$hex 00000000:0000$st" "$f"; do
        i=$((i + 1))
        [ $i -le 50 ] || die "no $1 server on port $2"
        sleep 0.1
    done
}

# the conn objects of FILE's JSON, one a line
conns() { "$TV" -r "$1" --format=json | grep '"type":"conn"' || true; }
field() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
pkts() { sed -n "s/.*\"packets\":{\"client\":\([0-9]*\),\"server\":\([0-9]*\)}.*/\1 \2/p"; }

# keep NEW as captures/NAME
keep() {
    mv "$1" "$DIR/$2"
    chmod 644 "$DIR/$2"
    echo "record-compare.sh: $2 recorded" >&2
    "$TV" -r "$DIR/$2" --summary >&2
}

# ---- loopback: inside the private namespace ----

check_lo() { # one TCP connection and one UDP flow, 10 messages each way
    c=$(conns "$1")
    t=$(echo "$c" | grep '"proto":"tcp"' | grep -c '"open":"three-way"' || true)
    u=$(echo "$c" | grep '"proto":"udp"' | pkts)
    [ "$t" = 1 ] && [ "$u" = "10 10" ]
}

rec_lo() {
    out="$TMP/tcp-vs-udp.pcap"
    "$SRV" -q --tcp 9993 --bind 127.0.0.1 2>"$TMP/srv-tcp.err" &
    SRV_PIDS="$SRV_PIDS $!"
    "$SRV" -q --udp 9993 --bind 127.0.0.1 2>"$TMP/srv-udp.err" &
    SRV_PIDS="$SRV_PIDS $!"
    wait_port tcp 9993
    wait_port udp 9993
    start_capture lo "$out" port 9993
    # shellcheck disable=SC2086
    timeout 30 "$CLI" -q 127.0.0.1 9993 $WORDS >/dev/null ||
        die "the TCP client failed"
    sleep 0.2
    # shellcheck disable=SC2086
    timeout 30 "$CLI" -q --udp 127.0.0.1 9993 $WORDS >/dev/null ||
        die "the UDP client failed"
    stop_capture || die "the capture dropped packets: $(cat "$TMP/cap.err")"
    for p in $SRV_PIDS; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    SRV_PIDS=
    check_lo "$out" || die "tcp-vs-udp.pcap: not one TCP echo and ten UDP datagrams each way"
    keep "$out" tcp-vs-udp.pcap
}

check_refused() { # a UDP flow whose datagram drew ICMP, a TCP connection refused
    c=$(conns "$1")
    echo "$c" | grep '"proto":"tcp"' | grep -q '"open":"refused"' &&
        echo "$c" | grep '"proto":"udp"' | grep -q '"icmp' &&
        "$TV" -r "$1" | grep -q 'ICMP port unreachable'
}

rec_refused() {
    out="$TMP/udp-tcp-refused.pcap"
    start_capture lo "$out" port 9992 or icmp
    # nothing listens on 9992: the datagram draws ICMP port unreachable (the
    # client, its socket connected, reads ECONNREFUSED and exits 1), the SYN an RST
    if timeout 10 "$CLI" -q --udp --timeout 1 127.0.0.1 9992 refused >/dev/null 2>"$TMP/cli.err"; then
        die "the UDP client says port 9992 answered"
    fi
    sleep 0.2
    if timeout 10 "$CLI" -q 127.0.0.1 9992 refused >/dev/null 2>>"$TMP/cli.err"; then
        die "the TCP client says port 9992 answered"
    fi
    stop_capture || die "the capture dropped packets: $(cat "$TMP/cap.err")"
    check_refused "$out" || die "udp-tcp-refused.pcap: no ICMP-refused datagram beside an RST-refused connect"
    keep "$out" udp-tcp-refused.pcap
}

# ---- the lab: tcpviz makes its own namespaces ----

check_lab() { # TCP delivered ten echoes with a retransmission; UDP lost one
    c=$(conns "$1")
    r=$(echo "$c" | grep '"proto":"tcp"' | field retransmissions)
    u=$(echo "$c" | grep '"proto":"udp"' | pkts)
    b=$(echo "$c" | grep '"proto":"tcp"' | sed -n 's/.*"bytes":{"client":\([0-9]*\),"server":\([0-9]*\)}.*/\1 \2/p')
    echo "record-compare.sh: lab try: TCP retransmissions ${r:-none}, bytes ${b:-none}; UDP packets ${u:-none}" >&2
    [ -n "$r" ] && [ "$r" -ge 1 ] && [ "$b" = "$LEN $LEN" ] || return 1
    set -- $u
    [ "${1:-0}" = 10 ] && [ "${2:-10}" -lt 10 ]
}

rec_lab() {
    out="$TMP/tcp-vs-udp-lab.pcap"
    n=0
    while [ $n -lt "$TRIES" ]; do
        n=$((n + 1))
        rm -f "$out" "$TMP/lab.status"
        # the server's host: TCP and UDP echo on 8000, both ended with the
        # shell the lab ends (SIGTERM); the client's: its own end captured
        # around the two clients
        timeout 120 "$TV" --lab --loss 10% -Z root --no-calls -- \
            /bin/sh -c '"$0" -q --udp 8000 --bind 0.0.0.0 & u=$!
                "$0" -q --tcp 8000 --bind 0.0.0.0 & t=$!
                trap "kill $u $t" TERM INT HUP
                wait' "$SRV" :: \
            /bin/sh -c '
                tv=$1 cli=$2 out=$3 st=$4; shift 4
                "$tv" -Z root -i eth0 -U -w "$out" port 8000 or icmp >/dev/null 2>"$out.err" &
                cap=$!
                i=0
                while ! grep -q "listening on" "$out.err" 2>/dev/null && [ $i -lt 100 ]; do
                    i=$((i + 1)); sleep 0.1
                done
                "$cli" -q "$TCPVIZ_SERVER" 8000 "$@" >/dev/null; t=$?
                sleep 0.3
                "$cli" -q --udp --keep-going --timeout 0.4 "$TCPVIZ_SERVER" 8000 "$@" >/dev/null; u=$?
                sleep 0.5
                kill -INT $cap; wait $cap
                echo "$t $u" >"$st"' sh "$TV" "$CLI" "$out" "$TMP/lab.status" $WORDS \
            >"$TMP/lab.out" 2>"$TMP/lab.err" || {
            cat "$TMP/lab.err" >&2
            continue
        }
        [ -s "$TMP/lab.status" ] || continue
        # TCP must have succeeded; UDP reports its gaps with status 1
        read -r t u <"$TMP/lab.status"
        [ "$t" = 0 ] || continue
        grep -q '^0 packets dropped by kernel' "$out.err" || continue
        if check_lab "$out"; then
            keep "$out" tcp-vs-udp-lab.pcap
            return 0
        fi
    done
    die "tcp-vs-udp-lab.pcap: no run of $TRIES lost a UDP message and retransmitted a TCP segment"
}

# ---- which ----

if [ -n "${TCPVIZ_CMP_CHILD:-}" ]; then
    ip link set lo up
    ifaces=$(ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')
    [ "$ifaces" = "lo " ] || die "refusing to run: interfaces besides lo present: $ifaces"
    for name in "$@"; do "rec_$name"; done
    exit 0
fi

[ $# -gt 0 ] || set -- lo lab refused
for name in "$@"; do
    case $name in
    lo | tcp-vs-udp | tcp-vs-udp.pcap)
        unshare -n env TCPVIZ_CMP_CHILD=1 sh "$SELF" lo ;;
    refused | udp-tcp-refused | udp-tcp-refused.pcap)
        unshare -n env TCPVIZ_CMP_CHILD=1 sh "$SELF" refused ;;
    lab | tcp-vs-udp-lab | tcp-vs-udp-lab.pcap)
        rec_lab ;;
    *) die "no capture '$name' (lo, lab, refused)" ;;
    esac
done
