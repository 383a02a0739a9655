#!/usr/bin/env bash
# record.sh - records tcpviz's sample captures from real kernel loopback traffic inside a private network namespace.
#
# Usage: captures/record.sh [NAME...]      (run as root; needs unshare, ip, tcpdump, editcap, python3)
#   NAME is a capture's file name (e.g. handshake-sll2.pcap) or its short name:
#     handshake refused udp ipv6 snap64 ns pcapng sll sll2 null loop raw vlan reuse mixed
#     close-four-way close-three-way close-simultaneous open-simultaneous
#     half-close reset-client reset-server unanswered syn-retries half-open
#     retrans capture-loss zero-window keepalive syn-data midstream
#     ecn syn-ae bad-rst fin-rst syn-rst udp-empty gap oneway-client oneway-server
#     null-ether null-ether6 tso jumbo cksum udp-refused udp-refused6
#   With no NAME every capture is re-recorded. pcapng/null/loop/raw/vlan/
#   null-ether/tso are derived from handshake.pcap, null-ether6/jumbo from
#   ipv6.pcap, cksum from udp-tcp-mixed.pcap (each recorded first if missing).
#
# The script re-executes itself under `unshare -n`, so the only interface is a
# fresh `lo`; all traffic is 127.0.0.1 / ::1 on fixed ports 9996-9999 (+ source
# port 40000 for reuse.pcap, 40001 for half-open.pcap, 5001/5002 for
# open-simultaneous.pcap; 9995, where nothing listens, for udp-refused*.pcap,
# sent by the built tcpviz-client: make progs first). Every wait loop is bounded. Some captures add an
# nftables table "inet tcpviz" inside the namespace (extra requirement: nft);
# it is deleted after each capture and on every exit path.
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
# half-open.pcap's hand-made SYN comes from 40001, which must not be a live or
# TIME_WAIT socket either.
# bad-rst.pcap binds 40002; syn-rst.pcap's raw SYNs come from 40003, syn-ae.pcap's from 40004.
echo 40000-40004 > /proc/sys/net/ipv4/ip_local_reserved_ports

PY=python3
TRAFFIC="$DIR/traffic.py"
RELINK="$DIR/relink.py"
TMP=$(mktemp -d)
TD_PID=
BG_PID=         # background traffic (midstream.pcap only)
LO_GSO=         # lo's gso_max_segs to restore (retrans.pcap, zero-window.pcap)
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
nft_cleanup() { # the nft table some captures use; gone after every capture
    if timeout 5 nft list table inet tcpviz >/dev/null 2>&1; then
        echo "record.sh: deleting leftover nft table inet tcpviz" >&2
        timeout 5 nft delete table inet tcpviz || true
    fi
}
restore_lo() {
    [ -n "$LO_GSO" ] || return 0
    ip link set dev lo gso_max_segs "$LO_GSO" || true
    LO_GSO=
}
cleanup() {
    local rc=$?
    if [ -n "$BG_PID" ]; then kill "$BG_PID" 2>/dev/null || true; wait "$BG_PID" 2>/dev/null || true; fi
    stop_tcpdump
    nft_cleanup
    restore_lo
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
    td_start "$out" "${td[@]}"
    timeout 30 "$@"
    sleep 0.5
    td_finish "$out"
}

# td_start OUT [tcpdump args...] : start tcpdump writing $TMP/OUT, wait for "listening on".
td_start() {
    local out=$1; shift
    local part="$TMP/$out" err="$TMP/$out.err" i
    # -Z root: Debian's tcpdump would otherwise drop to user tcpdump before opening the file.
    # --immediate-mode: with TPACKET_V3 buffering, packets still in a partly filled
    # ring block can be lost when tcpdump is stopped; deliver each one at once.
    # -B 32768: immediate mode uses a TPACKET_V2 ring of snaplen-sized slots; the
    # default 2 MiB holds only ~8, and loopback puts every packet in the ring
    # twice (out + in), so a burst of a few packets overflowed it.
    : >"$err"   # exists before tcpdump's own redirection does, for the grep below
    tcpdump -Z root -U --immediate-mode -B 32768 -w "$part" "$@" 2>"$err" &
    TD_PID=$!
    for i in $(seq 1 100); do                   # <= 10 s
        grep -q "listening on" "$err" && break
        if ! kill -0 "$TD_PID" 2>/dev/null || [ "$i" = 100 ]; then
            echo "record.sh: tcpdump for $out did not start:" >&2; cat "$err" >&2; exit 1
        fi
        sleep 0.1
    done
}

# td_finish OUT : stop tcpdump; keep OUT only if the kernel dropped nothing.
td_finish() {
    local out=$1 part="$TMP/$1" err="$TMP/$1.err"
    stop_tcpdump
    nft_cleanup
    local dropped
    dropped=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel$/\1/p' "$err")
    if [ "${dropped:-x}" != 0 ]; then
        echo "record.sh: $out: kernel dropped '${dropped:-?}' packets; not saving it:" >&2
        cat "$err" >&2; exit 1
    fi
    if [ -n "${CHECK:-}" ]; then "$CHECK" "$part"; fi    # CHECK=fn capture ... : verify before saving
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

# --- checks: does a new capture show what its name says? ------------------------
# Run by td_finish on the fresh file (CHECK=fn), before it replaces the old one.
# tcp_fields FILE : one line per packet, from `tcpdump -nn -S -tt`:
#   time side src dst flags seq ack win len opts
# side is C for packets from the first packet's source, S otherwise; flags as
# tcpdump prints them (S, S., ., P., F., FP., R, R.); seq is the first sequence
# number or "-"; ack/win "-" if absent; opts is the TCP option list or "-".
tcp_fields() {
    tcpdump -nn -S -tt -r "$1" 2>/dev/null | awk '
        $2 != "IP" { next }
        { src = $3; dst = $5; sub(/:$/, "", dst); fl = $7; gsub(/[][,]/, "", fl)
          seq = "-"; ack = "-"; win = "-"; len = 0; opts = "-"
          for (i = 8; i <= NF; i++) {
              if ($i == "seq") { seq = $(i + 1); sub(/[:,].*/, "", seq) }
              else if ($i == "ack") { ack = $(i + 1); sub(/,$/, "", ack) }
              else if ($i == "win") { win = $(i + 1); sub(/,$/, "", win) }
              else if ($i == "length") len = $(i + 1)
          }
          if (match($0, /options \[[^]]*\]/)) { opts = substr($0, RSTART + 9, RLENGTH - 10); gsub(/ /, "_", opts) }
          if (client == "") client = src
          print $1, (src == client ? "C" : "S"), src, dst, fl, seq, ack, win, len, opts }'
}
# check_awk FILE NAME PROGRAM : run an awk PROGRAM over tcp_fields; it calls
# fail("why") or leaves ok; prints one line either way.
check_awk() {
    local f=$1 name=$2 prog=$3 msg
    msg=$(tcp_fields "$f" | awk '
        function fail(m) { print "FAIL " m; bad = 1; exit }
        function has(fl, c) { return index(fl, c) > 0 }
        function next_seq(x) { return (x + 1) % 4294967296 }
        { t[NR] = $1; side[NR] = $2; src[NR] = $3; dst[NR] = $4; fl[NR] = $5
          seq[NR] = $6; ack[NR] = $7; win[NR] = $8; len[NR] = $9; opts[NR] = $10 }
        '"$prog"'
        END { if (!bad) print ok }')
    case "$msg" in
        "FAIL "*) echo "record.sh: $name: check failed: ${msg#FAIL }" >&2; exit 1 ;;
        *) echo "record.sh: $name: ok: $msg" >&2 ;;
    esac
}
# the last four packets: client FIN, server's bare ACK of it, >= 50 ms later the server's FIN, client ACK
check_close_four_way() { check_awk "$1" close-four-way.pcap '
    END { if (bad) exit; n = NR
        if (side[n-3] != "C" || fl[n-3] != "F.") fail("packet " n-3 " is not the client FIN")
        if (side[n-2] != "S" || fl[n-2] != "." || ack[n-2] + 0 != next_seq(seq[n-3])) fail("packet " n-2 " is not the server ACK of that FIN")
        if (side[n-1] != "S" || fl[n-1] != "F.") fail("packet " n-1 " is not the server FIN")
        if (side[n] != "C" || fl[n] != "." || ack[n] + 0 != next_seq(seq[n-1])) fail("last packet is not the client ACK")
        if (t[n-1] - t[n-2] < 0.05) fail("server FIN only " t[n-1] - t[n-2] " s after its ACK")
        ok = sprintf("FIN, ACK, %.0f ms, FIN, ACK", (t[n-1] - t[n-2]) * 1000) }'; }
# the last three packets: client FIN, server FIN+ACK acknowledging it, client ACK
check_close_three_way() { check_awk "$1" close-three-way.pcap '
    has(fl[NR], "F") { fins++ }
    END { if (bad) exit; n = NR
        if (fins != 2) fail(fins " FINs")
        if (side[n-2] != "C" || fl[n-2] != "F.") fail("packet " n-2 " is not the client FIN")
        if (side[n-1] != "S" || fl[n-1] != "F." || ack[n-1] + 0 != next_seq(seq[n-2])) fail("packet " n-1 " is not a server FIN+ACK of it")
        if (side[n] != "C" || fl[n] != "." || ack[n] + 0 != next_seq(seq[n-1])) fail("last packet is not the client ACK")
        ok = "FIN, FIN+ACK, ACK" }'; }
# the first two FINs come from different sides and the second does not acknowledge the first
check_close_simultaneous() { check_awk "$1" close-simultaneous.pcap '
    has(fl[NR], "F") && nf < 2 { nf++; fi[nf] = NR }
    END { if (bad) exit
        if (nf < 2) fail("fewer than 2 FINs")
        a = fi[1]; b = fi[2]
        if (side[a] == side[b]) fail("first two FINs from the same side")
        if (ack[b] + 0 == next_seq(seq[a])) fail("second FIN acknowledges the first")
        ok = sprintf("FIN seq %s and FIN seq %s/ack %s cross (second does not ack the first)", seq[a], seq[b], ack[b]) }'; }
# starts with a bare SYN from each port; then one SYN-ACK from each port, each
# sent before that side had seen an ACK of its own SYN
check_open_simultaneous() { check_awk "$1" open-simultaneous.pcap '
    fl[NR] == "S" && NR <= 2 { first[side[NR]] = 1 }
    fl[NR] == "S." { sa[side[NR]]++; nsa++ }
    END { if (bad) exit
        if (!first["C"] || !first["S"]) fail("the first two packets are not bare SYNs from both ports")
        if (nsa != 2 || sa["C"] != 1 || sa["S"] != 1) fail("expected one SYN-ACK from each port, got " nsa)
        ok = "SYN, SYN from both ports, then a SYN-ACK from each" }'; }
# >= 3 server data segments after the client FIN, then the server FIN
check_half_close() { check_awk "$1" half-close.pcap '
    side[NR] == "C" && has(fl[NR], "F") { cfin = NR }
    cfin && NR > cfin && side[NR] == "S" && len[NR] > 0 && !sfin { after++ }
    side[NR] == "S" && has(fl[NR], "F") { sfin = NR }
    END { if (bad) exit
        if (!cfin || !sfin || sfin < cfin) fail("no client FIN followed by a server FIN")
        if (after < 3) fail("only " after + 0 " server data segments after the client FIN")
        ok = after " server data segments between the client FIN and the server FIN" }'; }
check_reset() { # FILE NAME SIDE : last packet is a RST from SIDE; no FIN anywhere
    check_awk "$1" "$2" '
    has(fl[NR], "F") { fins++ }
    END { if (bad) exit
        if (fins) fail(fins " FINs")
        if (!has(fl[NR], "R") || side[NR] != "'"$3"'") fail("last packet is not a RST from side '"$3"'")
        ok = "ends with " fl[NR] " from " src[NR] ", no FIN" }'
}
check_reset_client() { check_reset "$1" reset-client.pcap C; }
check_reset_server() { check_reset "$1" reset-server.pcap S; }
# exactly 3 SYNs with the same ISN, about 1 s and 2 s apart, nothing else
check_unanswered() { check_awk "$1" unanswered.pcap '
    fl[NR] != "S" || seq[NR] != seq[1] { fail("packet " NR " is not the same SYN again") }
    END { if (bad) exit
        if (NR != 3) fail(NR " packets, expected 3 SYNs")
        d1 = t[2] - t[1]; d2 = t[3] - t[2]
        if (d1 < 0.8 || d1 > 1.5 || d2 < 1.7 || d2 > 2.6) fail(sprintf("gaps %.2f s, %.2f s", d1, d2))
        ok = sprintf("3 SYNs, gaps %.2f s and %.2f s", d1, d2) }'; }
# >= 3 connections; one SYN was sent >= 3 times and finally answered by a SYN-ACK
check_syn_retries() { check_awk "$1" syn-retries.pcap '
    fl[NR] == "S" { k = src[NR] " " seq[NR]; n[k]++; if (n[k] == 1) conns++ }
    fl[NR] == "S." { k = dst[NR] " " sprintf("%.0f", (ack[NR] - 1 + 4294967296) % 4294967296); if (n[k] >= 3) done = k }
    END { if (bad) exit
        if (conns < 3) fail(conns " connections")
        if (done == "") fail("no SYN sent >= 3 times and then answered")
        split(done, w, " ")
        ok = sprintf("%d connections; %s sent its SYN %d times before the SYN-ACK", conns, w[1], n[done]) }'; }
# SYN seq 1000 from :40001, SYN-ACK ack 1001, RST seq 1001 from :40001
check_half_open() { check_awk "$1" half-open.pcap '
    END { if (bad) exit
        if (NR != 3) fail(NR " packets, expected 3")
        if (fl[1] != "S" || seq[1] + 0 != 1000 || src[1] !~ /\.40001$/) fail("packet 1 is not SYN seq 1000 from port 40001")
        if (fl[2] != "S." || ack[2] + 0 != 1001) fail("packet 2 is not a SYN-ACK with ack 1001")
        if (fl[3] != "R" || seq[3] + 0 != 1001 || side[3] != "C") fail("packet 3 is not the RST seq 1001 from the SYN side")
        ok = "SYN seq 1000, SYN-ACK ack 1001, RST seq 1001" }'; }
# retransmitted data segments, duplicate ACKs with SACK blocks, file < 1 MB
check_retrans() {
    local size
    size=$(stat -c %s "$1")
    if [ "$size" -ge 1000000 ]; then echo "record.sh: retrans.pcap: $size bytes, over 1 MB" >&2; exit 1; fi
    check_awk "$1" retrans.pcap '
    side[NR] == "S" && len[NR] > 0 { if (sent[seq[NR]]++) re++ }
    side[NR] == "C" && len[NR] == 0 && opts[NR] ~ /sack_[0-9]/ { sack++ }
    side[NR] == "C" && len[NR] == 0 && !has(fl[NR], "F") { if (ack[NR] == last) dup++; last = ack[NR] }
    END { if (bad) exit
        if (re < 1 || sack < 1 || dup < 1) fail(re + 0 " retransmissions, " dup + 0 " dup ACKs, " sack + 0 " SACKs")
        ok = re " retransmitted segments, " dup " duplicate ACKs, " sack " ACKs with SACK blocks" }'
}
# receiver (server) advertises 0, sender probes, receiver reopens >= 0.5 s later
check_zero_window() { check_awk "$1" zero-window.pcap '
    side[NR] == "S" && win[NR] == "0" && !z { z = NR }
    z && NR > z && side[NR] == "C" && len[NR] == 0 && !open { probes++ }
    z && !open && side[NR] == "S" && win[NR] + 0 > 0 { open = NR }
    END { if (bad) exit
        if (!z) fail("no zero window")
        if (!open) fail("window never reopened")
        if (probes < 1) fail("no zero-window probes")
        if (t[open] - t[z] < 0.5) fail(sprintf("window closed only %.2f s", t[open] - t[z]))
        ok = sprintf("zero window for %.2f s, %d probes, then win %s", t[open] - t[z], probes, win[open]) }'; }
# >= 2 client bare segments after >= 0.8 s of silence, each answered by the server
check_keepalive() { check_awk "$1" keepalive.pcap '
    NR > 1 && side[NR] == "C" && fl[NR] == "." && len[NR] == 0 && t[NR] - t[NR-1] > 0.8 { probe = NR }
    probe && NR == probe + 1 && side[NR] == "S" && fl[NR] == "." { answered++ }
    END { if (bad) exit
        if (answered < 2) fail(answered + 0 " answered keep-alive probes")
        if (!has(fl[NR-2], "F") && !has(fl[NR-1], "F")) fail("no FIN close at the end")
        ok = answered " keep-alive probes, each ACKed, then FIN close" }'; }
# one SYN asks for a TFO cookie, a later SYN carries the cookie and data, and its SYN-ACK acknowledges the data
check_syn_data() { check_awk "$1" syn-data.pcap '
    fl[NR] == "S" && opts[NR] ~ /cookiereq/ { req = NR }
    fl[NR] == "S" && opts[NR] ~ /cookie_[0-9a-f]/ && len[NR] > 0 { data = NR; want = (seq[NR] + len[NR] + 1) % 4294967296 }
    data && fl[NR] == "S." && ack[NR] + 0 == want { acked = NR }
    END { if (bad) exit
        if (!req) fail("no SYN with a cookie request")
        if (!data) fail("no SYN with cookie and data")
        if (!acked) fail("the data in the SYN is not acknowledged by the SYN-ACK")
        ok = "cookie request, then SYN with cookie and " len[data] " bytes, SYN-ACK ack " ack[acked] }'; }
# no SYN; data both ways; a FIN
check_midstream() { check_awk "$1" midstream.pcap '
    has(fl[NR], "S") { fail("packet " NR " is a SYN") }
    len[NR] > 0 { d[side[NR]]++ }
    has(fl[NR], "F") { fin++ }
    END { if (bad) exit
        if (!d["C"] || !d["S"]) fail("no data in both directions")
        if (!fin) fail("no FIN")
        ok = "no SYN; " d["C"] "+" d["S"] " data segments; " fin " FINs" }'; }
# --- connection-lifecycle captures ---------------------------------------------
# Each starts from a clean per-namespace TCP metrics cache (cached RTT/ssthresh
# or TFO cookies from an earlier capture would otherwise leak into it).
fresh() { ip tcp_metrics flush all; }
TR=("$PY" "$TRAFFIC")

rec_close_four_way()     { fresh; CHECK=check_close_four_way     capture close-four-way.pcap     -i lo "${HS[@]}" -- "${TR[@]}" close --mode four-way --delay 0.1; }
rec_close_three_way()    { fresh; CHECK=check_close_three_way    capture close-three-way.pcap    -i lo "${HS[@]}" -- "${TR[@]}" close --mode three-way; }
rec_close_simultaneous() { fresh; CHECK=check_close_simultaneous capture close-simultaneous.pcap -i lo "${HS[@]}" -- "${TR[@]}" close --mode simultaneous --delay 0.12; }
rec_open_simultaneous()  { fresh; CHECK=check_open_simultaneous  capture open-simultaneous.pcap  -i lo tcp port 5001 and tcp port 5002 -- "${TR[@]}" open-simultaneous --port-a 5001 --port-b 5002 --drop 0.3; }
rec_half_close()         { fresh; CHECK=check_half_close         capture half-close.pcap         -i lo "${HS[@]}" -- "${TR[@]}" half-close --count 3 --gap 0.02; }
rec_reset_client()       { fresh; CHECK=check_reset_client       capture reset-client.pcap       -i lo "${HS[@]}" -- "${TR[@]}" reset --side client; }
rec_reset_server()       { fresh; CHECK=check_reset_server       capture reset-server.pcap       -i lo "${HS[@]}" -- "${TR[@]}" reset --side server; }
# SYN retransmission timing, per namespace: tcp_syn_retries at its default (6),
# and no linear phase (since 6.7 tcp_syn_linear_timeouts=4 makes the first four
# retries 1 s apart); so the classic exponential backoff: SYN at 0, 1, 3, 7 ... s.
syn_backoff() {
    echo 6 > /proc/sys/net/ipv4/tcp_syn_retries
    if [ -e /proc/sys/net/ipv4/tcp_syn_linear_timeouts ]; then echo 0 > /proc/sys/net/ipv4/tcp_syn_linear_timeouts; fi
}
rec_unanswered() {
    fresh; syn_backoff
    CHECK=check_unanswered capture unanswered.pcap -i lo tcp port 9996 -- "${TR[@]}" unanswered --port 9996 --give-up 3.5
}
rec_syn_retries() {
    fresh; syn_backoff
    CHECK=check_syn_retries capture syn-retries.pcap -i lo "${HS[@]}" -- "${TR[@]}" syn-retries --fill 2 --accept-after 2.5
}
rec_half_open() { fresh; CHECK=check_half_open capture half-open.pcap -i lo "${HS[@]}" -- "${TR[@]}" half-open --sport 40001 --seq 1000; }
# lo would otherwise pass 64 KB TSO/GSO super-segments; one MSS per packet as on a real link.
lo_one_segment() { LO_GSO=$(ip -d link show dev lo | sed -n 's/.* gso_max_segs \([0-9]*\).*/\1/p'); ip link set dev lo gso_max_segs 1; }
rec_retrans() {
    fresh; lo_one_segment
    CHECK=check_retrans capture retrans.pcap -i lo -s 96 "${HS[@]}" -- "${TR[@]}" retrans --bytes 300000 --mss 1000 --loss 3
    restore_lo
}
# capture loss (not network loss): a clean transfer, one MSS a packet, with
# the server's 5th data segment left out of the file afterwards, as a
# capture point that missed it records it (the receiver had it: its ACKs go on)
rec_capture_loss() {
    local n
    fresh; lo_one_segment
    capture capture-bulk.pcap -i lo "${HS[@]}" -- "${TR[@]}" retrans --bytes 12000 --mss 1000 --loss 0
    restore_lo
    n=$(tcpdump -nn -r "$DIR/capture-bulk.pcap" 2>/dev/null |
        awk '/ 127\.0\.0\.1\.9999 > .* length [1-9]/ { if (++d == 5) { print NR; exit } }')
    [ -n "$n" ] || { echo "record.sh: capture-bulk.pcap: fewer than 5 data segments" >&2; exit 1; }
    "$PY" "$DIR/dropseg.py" "$DIR/capture-bulk.pcap" "$TMP/capture-loss.pcap" "$n"
    mv -f "$TMP/capture-loss.pcap" "$DIR/capture-loss.pcap"
    rm -f "$DIR/capture-bulk.pcap"
    summary "$DIR/capture-loss.pcap"
}
rec_zero_window() {
    fresh; lo_one_segment
    CHECK=check_zero_window capture zero-window.pcap -i lo -s 96 "${HS[@]}" -- "${TR[@]}" zero-window --bytes 32768 --rcvbuf 4096 --sndbuf 16384 --pause 1.0
    restore_lo
}
rec_keepalive() { fresh; CHECK=check_keepalive capture keepalive.pcap -i lo "${HS[@]}" -- "${TR[@]}" keepalive --idle 2.5; }
rec_syn_data() {
    local old
    fresh
    old=$(cat /proc/sys/net/ipv4/tcp_fastopen)
    echo 3 > /proc/sys/net/ipv4/tcp_fastopen        # client + server TFO, this namespace only
    CHECK=check_syn_data capture syn-data.pcap -i lo "${HS[@]}" -- "${TR[@]}" syn-data
    echo "$old" > /proc/sys/net/ipv4/tcp_fastopen
}
rec_midstream() { # tcpdump starts only once the connection is established
    local sync="$TMP/midstream.sync" i
    fresh
    mkdir "$sync"
    timeout 30 "${TR[@]}" midstream --sync-dir "$sync" &
    BG_PID=$!
    for i in $(seq 1 100); do                   # <= 10 s
        [ -e "$sync/established" ] && break
        if ! kill -0 "$BG_PID" 2>/dev/null || [ "$i" = 100 ]; then
            echo "record.sh: midstream traffic did not get established" >&2; exit 1
        fi
        sleep 0.1
    done
    td_start midstream.pcap -i lo "${HS[@]}"
    touch "$sync/go"
    wait "$BG_PID" || { echo "record.sh: midstream traffic failed" >&2; BG_PID=; exit 1; }
    BG_PID=
    sleep 0.5
    CHECK=check_midstream td_finish midstream.pcap
}

# --- real-world shapes (issue 18) ---------------------------------------------
# ECN (RFC 3168) per namespace: the SYN carries ECE+CWR, the SYN-ACK ECE.
rec_ecn() {
    fresh; echo 1 > /proc/sys/net/ipv4/tcp_ecn
    capture ecn.pcap -i lo "${HS[@]}" -- "${TR[@]}" tcp-echo --msg hi --msg2 bye
    echo 2 > /proc/sys/net/ipv4/tcp_ecn
}
rec_bad_rst()   { fresh; capture bad-rst.pcap -i lo "${HS[@]}" -- "${TR[@]}" bad-rst --sport 40002; }
rec_fin_rst()   { fresh; capture fin-rst.pcap -i lo "${HS[@]}" -- "${TR[@]}" fin-rst; }
rec_syn_rst()   { fresh; capture syn-rst.pcap -i lo tcp port 9996 -- "${TR[@]}" syn-rst --port 9996 --sport 40003 --count 3; }
rec_syn_ae()    { fresh; capture syn-ae.pcap -i lo "${HS[@]}" -- "${TR[@]}" syn-ae --sport 40004; }
rec_udp_empty() { capture udp-empty.pcap -i lo udp port 9997 -- "${TR[@]}" udp-echo --port 9997 --count 2 --empty; }
# a content gap: the filter leaves out the segments whose payload starts
# with "GAP!" (the request and its echo); the ACKs still cover them
rec_gap() {
    fresh
    capture gap.pcap -i lo "${HS[@]}" and not \( ip[2:2] - \(\(ip[0] \& 0xf\) \<\< 2\) - \(\(tcp[12] \& 0xf0\) \>\> 2\) \>= 4 \
        and tcp[\(\(tcp[12:1] \& 0xf0\) \>\> 2\):4] = 0x47415021 \) -- "${TR[@]}" tcp-echo --msg 'GAP!hello' --msg2 bye
}
# one direction only (asymmetric routing, a SPAN of one side): 6000 bytes
# each way, the filter keeps what the client sent, or what the server sent
ONEWAY_MSG=$(printf '%06000d' 0)
rec_oneway_client() { fresh; capture oneway-client.pcap -i lo tcp dst port 9999 -- "${TR[@]}" tcp-echo --msg "$ONEWAY_MSG" --msg2 bye; }
rec_oneway_server() { fresh; capture oneway-server.pcap -i lo tcp src port 9999 -- "${TR[@]}" tcp-echo --msg "$ONEWAY_MSG" --msg2 bye; }

# UDP to a port nothing listens on: the kernel answers ICMP (ICMPv6) port
# unreachable on lo, and tcpviz-client's recv() sees ECONNREFUSED (its exit
# status 1 is the point, not a failure)
CLIENT="$DIR/../tcpviz-client"
udp_refused() { # udp_refused OUT ADDR ICMP-FILTER
    [ -x "$CLIENT" ] || { echo "record.sh: build tcpviz-client first (make progs)" >&2; exit 1; }
    capture "$1" -i lo udp port 9995 or "$3" -- bash -c '"$0" -q --udp "$1" 9995 hello || true' "$CLIENT" "$2"
}
rec_udp_refused()  { udp_refused udp-refused.pcap 127.0.0.1 icmp; }
rec_udp_refused6() { udp_refused udp-refused6.pcap ::1 icmp6; }

need_handshake() { [ -s "$DIR/handshake.pcap" ] || rec_handshake; }
derive_from() { # derive_from SRC MODE OUT [relink options]
    local src=$1 mode=$2 out=$3
    shift 3
    [ -s "$DIR/$src" ] || "rec_$(echo "${src%.pcap}" | sed 's/^handshake$/handshake/; s/^udp-tcp-mixed$/mixed/')"
    "$PY" "$RELINK" "$mode" "$DIR/$src" "$TMP/$out" "$@"
    mv -f "$TMP/$out" "$DIR/$out"
    summary "$DIR/$out"
}
rec_null_ether()  { derive_from handshake.pcap null-ether handshake-null-ether.pcap; }
rec_null_ether6() { derive_from ipv6.pcap null-ether-le ipv6-null-ether.pcap; }
rec_tso()         { derive_from handshake.pcap tso handshake-tso.pcap; }
rec_jumbo()       { derive_from ipv6.pcap tso ipv6-jumbo.pcap; }
# frames of udp-tcp-mixed.pcap: 4 a UDP request, 6 the client's first data
# segment, 8 the server's echo of it (check with tcpdump -nn -# when re-recorded)
rec_cksum()       { derive_from udp-tcp-mixed.pcap cksum cksum.pcap --bad-l4 4,8 --bad-ip 6; }
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
# the nanosecond capture as pcapng: editcap keeps the resolution (if_tsresol 9)
rec_ns_pcapng() {
    [ -s "$DIR/handshake-ns.pcap" ] || rec_ns
    editcap -F pcapng "$DIR/handshake-ns.pcap" "$TMP/handshake-ns.pcapng"
    mv -f "$TMP/handshake-ns.pcapng" "$DIR/handshake-ns.pcapng"
    summary "$DIR/handshake-ns.pcapng"
}
rec_null() { derive null handshake-null.pcap; }
rec_loop() { derive loop handshake-loop.pcap; }
rec_raw()  { derive raw handshake-raw.pcap; }
rec_vlan() { derive vlan handshake-vlan.pcap; }

ALL="handshake refused udp ipv6 snap64 ns pcapng ns-pcapng sll sll2 null loop raw vlan reuse mixed"
ALL="$ALL close-four-way close-three-way close-simultaneous open-simultaneous half-close"
ALL="$ALL reset-client reset-server unanswered syn-retries half-open retrans capture-loss zero-window"
ALL="$ALL keepalive syn-data midstream"
ALL="$ALL ecn syn-ae bad-rst fin-rst syn-rst udp-empty gap oneway-client oneway-server"
ALL="$ALL null-ether null-ether6 tso jumbo cksum udp-refused udp-refused6"
names=("$@")
[ "${#names[@]}" -gt 0 ] || read -r -a names <<<"$ALL"

for name in "${names[@]}"; do
    short=${name%.pcap}
    short=${short%.pcapng}
    [ "$name" = handshake.pcapng ] && short=pcapng
    short=${short#handshake-}
    [ "$short" = udp-tcp-mixed ] && short=mixed
    case $short in ipv6-null-ether) short=null-ether6 ;; ipv6-jumbo) short=jumbo ;; esac
    case " $ALL " in
        *" $short "*) ;;
        *) echo "record.sh: unknown capture '$name' (known: $ALL)" >&2; exit 2 ;;
    esac
    "rec_${short//-/_}"
done

if [ "$#" -gt 0 ] && printf '%s\n' "$@" | grep -qx 'handshake\(\.pcap\)\?'; then
    echo "record.sh: note: handshake.pcap changed; re-run with 'pcapng null loop raw vlan' to refresh the derived files" >&2
fi
