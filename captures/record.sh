#!/usr/bin/env bash
# record.sh - records tcpviz's sample captures from real kernel loopback traffic inside a private network namespace.
#
# Usage: captures/record.sh [NAME...]      (run as root; needs unshare, ip, tcpdump, editcap, python3)
#   NAME is a capture's file name (e.g. handshake-sll2.pcap) or its short name:
#     handshake refused udp ipv6 snap64 ns pcapng sll sll2 null loop raw vlan reuse mixed
#   With no NAME every capture is re-recorded. pcapng/null/loop/raw/vlan are
#   derived from handshake.pcap (recorded first if it does not exist).
#
# The script re-executes itself under `unshare -n`, so the only interface is a
# fresh `lo`; all traffic is 127.0.0.1 / ::1 on fixed ports 9997-9999 (+ source
# port 40000 for reuse.pcap). Every wait loop is bounded.
set -eu

DIR=$(cd "$(dirname "$0")" && pwd)
SELF="$DIR/$(basename "$0")"

if [ -z "${TCPVIZ_RECORD_CHILD:-}" ]; then
    exec unshare -n env TCPVIZ_RECORD_CHILD=1 bash "$SELF" "$@"
fi

# --- inside the private network namespace -------------------------------------
ip link set lo up
# Refuse to run if this namespace has anything but lo (i.e. unshare did not happen).
ifaces=$(ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')
if [ "$ifaces" != "lo " ]; then
    echo "record.sh: refusing to run: interfaces besides lo present: $ifaces" >&2
    exit 1
fi

# reuse.pcap binds source port 40000. Keep the kernel from handing 40000 out as an
# ephemeral port to an earlier capture's client, whose TIME_WAIT would make that
# bind fail with EADDRINUSE. (Per-namespace sysctl; the host is not touched.)
echo 40000 > /proc/sys/net/ipv4/ip_local_reserved_ports

PY=python3
TRAFFIC="$DIR/traffic.py"
RELINK="$DIR/relink.py"
TMP=$(mktemp -d)
TD_PID=
stop_tcpdump() { # SIGINT, wait <= 5 s, then SIGKILL; only ever our own tcpdump
    local i
    [ -n "$TD_PID" ] || return 0
    kill -INT "$TD_PID" 2>/dev/null || true
    for i in $(seq 1 50); do
        kill -0 "$TD_PID" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$TD_PID" 2>/dev/null; then kill -KILL "$TD_PID" 2>/dev/null || true; fi
    wait "$TD_PID" 2>/dev/null || true
    TD_PID=
}
cleanup() {
    local rc=$?
    stop_tcpdump
    rm -rf "$TMP"
    if [ "$rc" -ne 0 ]; then echo "record.sh: failed (exit $rc); existing captures left unchanged" >&2; fi
}
trap cleanup EXIT

summary() { # summary FILE : print packet count
    local n
    n=$(tcpdump -nn -r "$1" 2>/dev/null | wc -l)
    printf 'record.sh: %-26s %3d packets\n' "$(basename "$1")" "$n" >&2
    if [ "$n" -eq 0 ]; then echo "record.sh: $1 is empty" >&2; exit 1; fi
}

# capture OUT [tcpdump args...] -- traffic command...
# Starts tcpdump writing OUT, waits for "listening on", runs the traffic,
# then stops tcpdump with SIGINT. OUT is replaced only on success.
capture() {
    local out=$1; shift
    local -a td=()
    while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do td+=("$1"); shift; done
    shift
    local part="$TMP/$out" err="$TMP/$out.err" i
    # -Z root: Debian's tcpdump would otherwise drop to user tcpdump before opening the file.
    # --immediate-mode: with TPACKET_V3 buffering, packets still in a partly filled
    # ring block can be lost when tcpdump is stopped; deliver each one at once.
    # -B 32768: immediate mode uses a TPACKET_V2 ring of snaplen-sized slots; the
    # default 2 MiB holds only ~8, and loopback puts every packet in the ring
    # twice (out + in), so a burst of a few packets overflowed it.
    tcpdump -Z root -U --immediate-mode -B 32768 -w "$part" "${td[@]}" 2>"$err" &
    TD_PID=$!
    for i in $(seq 1 100); do                   # <= 10 s
        grep -q "listening on" "$err" && break
        if ! kill -0 "$TD_PID" 2>/dev/null || [ "$i" = 100 ]; then
            echo "record.sh: tcpdump for $out did not start:" >&2; cat "$err" >&2; exit 1
        fi
        sleep 0.1
    done
    timeout 30 "$@"
    sleep 0.5
    stop_tcpdump
    local dropped
    dropped=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel$/\1/p' "$err")
    if [ "${dropped:-x}" != 0 ]; then
        echo "record.sh: $out: kernel dropped '${dropped:-?}' packets; not saving it:" >&2
        cat "$err" >&2; exit 1
    fi
    mv -f "$part" "$DIR/$out"
    summary "$DIR/$out"
}

HS=(tcp port 9999)

rec_handshake() { capture handshake.pcap -i lo "${HS[@]}" -- "$PY" "$TRAFFIC" tcp-echo --msg hi --msg2 bye; }
rec_refused()   { capture refused.pcap -i lo tcp port 9998 -- "$PY" "$TRAFFIC" refused --port 9998; }
rec_udp()       { capture udp.pcap -i lo udp port 9997 -- "$PY" "$TRAFFIC" udp-echo --port 9997 --count 3; }
rec_ipv6()      { capture ipv6.pcap -i lo ip6 and tcp port 9999 -- "$PY" "$TRAFFIC" tcp-echo --family 6 --msg hello6 --msg2 bye6; }
rec_snap64()    { capture handshake-snap64.pcap -i lo -s 64 "${HS[@]}" -- "$PY" "$TRAFFIC" tcp-echo --msg hi --msg2 bye; }
rec_ns()        { capture handshake-ns.pcap -i lo --time-stamp-precision=nano "${HS[@]}" -- "$PY" "$TRAFFIC" tcp-echo --msg hi --msg2 bye; }
rec_sll()       { capture handshake-sll.pcap -i any -y LINUX_SLL "${HS[@]}" -- "$PY" "$TRAFFIC" tcp-echo --msg hi --msg2 bye; }
rec_sll2()      { capture handshake-sll2.pcap -i any -y LINUX_SLL2 "${HS[@]}" -- "$PY" "$TRAFFIC" tcp-echo --msg hi --msg2 bye; }
rec_mixed()     { capture udp-tcp-mixed.pcap -i lo tcp port 9999 or udp port 9997 or icmp -- "$PY" "$TRAFFIC" mixed --tcp-port 9999 --udp-port 9997; }

rec_reuse() {
    capture reuse.pcap -i lo "${HS[@]}" -- "$PY" "$TRAFFIC" reuse --port 9999 --sport 40000 --count 2 --mode server-close
    # Verify: exactly two client SYNs, same 4-tuple, different ISNs.
    local syns
    syns=$(tcpdump -nn -S -r "$DIR/reuse.pcap" 'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn' 2>/dev/null \
           | sed -n 's/.* IP \([^ ]*\) > \([^:]*\): Flags \[S\], seq \([0-9]*\),.*/\1 \2 \3/p')
    echo "$syns" | awk '
        { n++; tuple[n] = $1 " " $2; isn[n] = $3 }
        END {
            if (n != 2) { print "record.sh: reuse.pcap: expected 2 SYNs, got " n > "/dev/stderr"; exit 1 }
            if (tuple[1] != tuple[2]) { print "record.sh: reuse.pcap: 4-tuples differ" > "/dev/stderr"; exit 1 }
            if (isn[1] == isn[2]) { print "record.sh: reuse.pcap: ISNs are equal" > "/dev/stderr"; exit 1 }
            print "record.sh: reuse.pcap: 2 SYNs on " tuple[1] ", ISNs " isn[1] " / " isn[2] > "/dev/stderr"
        }'
}

need_handshake() { [ -s "$DIR/handshake.pcap" ] || rec_handshake; }
derive() { # derive MODE OUT
    need_handshake
    "$PY" "$RELINK" "$1" "$DIR/handshake.pcap" "$TMP/$2"
    mv -f "$TMP/$2" "$DIR/$2"
    summary "$DIR/$2"
}
rec_pcapng() {
    need_handshake
    editcap -F pcapng "$DIR/handshake.pcap" "$TMP/handshake.pcapng"
    mv -f "$TMP/handshake.pcapng" "$DIR/handshake.pcapng"
    summary "$DIR/handshake.pcapng"
}
rec_null() { derive null handshake-null.pcap; }
rec_loop() { derive loop handshake-loop.pcap; }
rec_raw()  { derive raw handshake-raw.pcap; }
rec_vlan() { derive vlan handshake-vlan.pcap; }

ALL="handshake refused udp ipv6 snap64 ns pcapng sll sll2 null loop raw vlan reuse mixed"
names=("$@")
[ "${#names[@]}" -gt 0 ] || read -r -a names <<<"$ALL"

for name in "${names[@]}"; do
    short=${name%.pcap}
    short=${short%.pcapng}
    [ "$name" = handshake.pcapng ] && short=pcapng
    short=${short#handshake-}
    [ "$short" = udp-tcp-mixed ] && short=mixed
    case " $ALL " in
        *" $short "*) ;;
        *) echo "record.sh: unknown capture '$name' (known: $ALL)" >&2; exit 2 ;;
    esac
    "rec_$short"
done

if [ "$#" -gt 0 ] && printf '%s\n' "$@" | grep -qx 'handshake\(\.pcap\)\?'; then
    echo "record.sh: note: handshake.pcap changed; re-run with 'pcapng null loop raw vlan' to refresh the derived files" >&2
fi
