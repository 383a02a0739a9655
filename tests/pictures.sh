#!/bin/sh
# tests/pictures.sh: the pictures (--format=svg, mermaid, plantuml, html, --graph=tsg) checked in a real browser (and by plantuml).
#
#   1. every SVG (ladders and graphs) and the HTML page (written as
#      polyglot XHTML) are well-formed XML (xmllint);
#   2. the SVG ladder draws what the text ladder draws: as many arrows,
#      folded runs and outcome lines (counted in the text output), each
#      arrow with a <title>;
#   3. headless Chromium: the SVG inline in a page, through the DOM: the
#      same counts, every text drawn (a width), none outside the picture,
#      the outcome captions within their boxes; then a screenshot (PNG)
#      that is not blank, with colour where anomalies are (retrans.pcap:
#      red) and none needed to read it (the handshake is black on white
#      but for the arrows' tint);
#   4. the time-sequence graph: one bar a data segment, the retransmissions
#      marked as the tracker counted them;
#   5. the HTML page offline (Chromium with every host name unresolvable):
#      a table row and a section a connection, each row's link finds its
#      section, the filter's count, #q=udp leaves the UDP connection only;
#   6. Mermaid: each diagram rendered by the mermaid library (a local file,
#      tests/pictures/node_modules, installed by tools/deps.sh test) with no
#      parse error, as many messages as the text ladder has arrows; PlantUML
#      the same, rendered by Debian's plantuml (-failfast2: any syntax
#      error fails);
#   7. -o FILE writes the output there, an unwritable one is one line;
#      docs/img/*.svg (make docs) are what tcpviz draws now.
# Without chromium (not root, so tools/deps.sh could not install it) the
# browser checks skip with the reason; as root a missing one fails.
# PICTURES_KEEP=DIR keeps the screenshots there, to look at.
# Prints "ok NAME", "FAIL NAME: why" or "skip NAME: why", then
# "pictures: N passed, M failed".  TCPVIZ names the binary (default ./tcpviz).
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/live/lib.sh
test_begin
C=captures
MJS=$PWD/tests/pictures/node_modules/mermaid/dist/mermaid.min.js
caps="handshake close-four-way retrans reset-client refused syn-retries
zero-window midstream udp-tcp-mixed ipv6 reuse unanswered half-open"

have_browser=0
if command -v chromium >/dev/null 2>&1; then
	have_browser=1
elif [ "$is_root" = 1 ]; then
	bad browser "chromium is missing although tools/deps.sh test runs as root and installs it"
fi
nobrowser() {
	skip "$1" "chromium is not installed (not root: sudo make test, or apt-get install chromium fonts-dejavu-core)"
}

# browse URL OUT: the page's DOM once its scripts ran, offline
browse() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
	    --disable-extensions --user-data-dir="$tmp/profile" \
	    --host-resolver-rules="MAP * ~NOTFOUND" --virtual-time-budget=15000 \
	    --dump-dom "$1" >"$2" 2>"$tmp/chromium.err"
}

# shot FILE OUT.png W H
shot() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
	    --disable-extensions --user-data-dir="$tmp/profile" \
	    --host-resolver-rules="MAP * ~NOTFOUND" --hide-scrollbars \
	    --window-size="$3,$4" --screenshot="$2" "file://$1" \
	    >/dev/null 2>"$tmp/chromium.err"
	[ -n "${PICTURES_KEEP:-}" ] && mkdir -p "$PICTURES_KEEP" &&
	    cp "$2" "$PICTURES_KEEP/"
	[ -s "$2" ]
}

# val KEY FILE: the value of "KEY=value" in a result
val() {
	sed -n "s/^$1=//p" "$2" | head -1
}

# result DOM OUT: the <pre id="result"> of a dumped page, unescaped
result() {
	python3 tests/pictures/wrap.py result "$1" >"$2"
}

# counts of the text ladder: arrows, folded runs, outcome lines
text_counts() {
	"$TCPVIZ" -n -r "$C/$1.pcap" --width=0 >"$tmp/$1.txt" 2>/dev/null
	t_arrows=$(grep -cE '\|(<-|--)-+' "$tmp/$1.txt")
	t_folds=$(grep -c '|~' "$tmp/$1.txt")
	t_outcomes=$(grep -cE '^ +== ' "$tmp/$1.txt")
}

# ---- 1, 2. well-formed, and the same as the text ladder ----
for c in $caps; do
	"$TCPVIZ" -n -r "$C/$c.pcap" --format=svg >"$tmp/$c.svg" 2>"$tmp/err"
	st=$?
	if [ $st != 0 ] || [ -s "$tmp/err" ] || ! xmllint --noout "$tmp/$c.svg" 2>"$tmp/xml"; then
		bad "svg-wellformed-$c" "exit $st, or xmllint says" "$tmp/err" "$tmp/xml"
		continue
	fi
	ok "svg-wellformed-$c"
	text_counts "$c"
	s_arrows=$(grep -c '<g class="pkt ' "$tmp/$c.svg")
	s_titles=$(grep -c '<g class="pkt [^>]*><title>frame [0-9]*, ' "$tmp/$c.svg")
	s_folds=$(grep -c '<g class="fold"' "$tmp/$c.svg")
	s_outcomes=$(grep -c '<g class="outcome"' "$tmp/$c.svg")
	if [ "$s_arrows" = "$t_arrows" ] && [ "$s_titles" = "$t_arrows" ] &&
	    [ "$s_folds" = "$t_folds" ] && [ "$s_outcomes" = "$t_outcomes" ] &&
	    [ "$t_arrows" -gt 0 ]; then
		ok "svg-as-text-$c"
	else
		bad "svg-as-text-$c" "svg arrows $s_arrows (titled $s_titles), folds $s_folds, outcomes $s_outcomes; text $t_arrows, $t_folds, $t_outcomes"
	fi
done
for c in retrans close-four-way udp-tcp-mixed; do
	"$TCPVIZ" -n -r "$C/$c.pcap" --graph=tsg >"$tmp/$c-tsg.svg" 2>"$tmp/err" &&
	    [ ! -s "$tmp/err" ] && xmllint --noout "$tmp/$c-tsg.svg" 2>"$tmp/xml" &&
	    ok "tsg-wellformed-$c" ||
	    bad "tsg-wellformed-$c" "tcpviz or xmllint failed" "$tmp/err" "$tmp/xml"
	"$TCPVIZ" -n -r "$C/$c.pcap" --format=html >"$tmp/$c.html" 2>"$tmp/err" &&
	    [ ! -s "$tmp/err" ] && xmllint --noout "$tmp/$c.html" 2>"$tmp/xml" &&
	    ok "html-wellformed-$c" ||
	    bad "html-wellformed-$c" "tcpviz or xmllint failed" "$tmp/err" "$tmp/xml"
done
# -v, -vv and -q change the notes: still inside the picture (checked below)
"$TCPVIZ" -n -r $C/retrans.pcap --format=svg -vv --data=full >"$tmp/retrans-vv.svg"
"$TCPVIZ" -n -r $C/syn-retries.pcap --format=svg -q >"$tmp/syn-retries-q.svg"

# ---- 4. the graph: a bar a data segment, retransmissions marked ----
segs=$("$TCPVIZ" -n -r $C/retrans.pcap --format=json | grep -c '"type":"packet".*"from":"server".*"len":[1-9]')
g_segs=$(grep -c '<g class="seg' "$tmp/retrans-tsg.svg")
g_retr=$(grep -c '<g class="seg retrans"' "$tmp/retrans-tsg.svg")
t_retr=$(sed -n 's/.* \([0-9]*\) retransmissions (.*/\1/p' "$tmp/retrans.txt")
# the server's SYN-ACK and FIN occupy a sequence number: bars too
if [ "$g_segs" = $((segs + 2)) ] && [ "$g_retr" = "$t_retr" ] && [ "$g_retr" -gt 0 ]; then
	ok "tsg-segments"
else
	bad "tsg-segments" "graph: $g_segs bars, $g_retr retransmissions; capture: $segs data segments (+ SYN-ACK, FIN), $t_retr retransmissions"
fi
grep -q 'class="ack"' "$tmp/retrans-tsg.svg" && grep -q 'class="window"' "$tmp/retrans-tsg.svg" &&
    grep -q 'class="sack"' "$tmp/retrans-tsg.svg" &&
    grep -q 'relative sequence number (kB)' "$tmp/retrans-tsg.svg" &&
    grep -q "time since the connection's first packet (ms)" "$tmp/retrans-tsg.svg" &&
    ok "tsg-lines-axes" || bad "tsg-lines-axes" "no ACK, window or SACK line, or the axes' units"
# one direction: tsg:client and tsg:server each draw only that side's data,
# and together the graphs of plain tsg
"$TCPVIZ" -n -r "$C/close-four-way.pcap" --graph=tsg >"$tmp/both.svg" 2>/dev/null
"$TCPVIZ" -n -r "$C/close-four-way.pcap" --graph=tsg:client >"$tmp/cli.svg" 2>/dev/null
"$TCPVIZ" -n -r "$C/close-four-way.pcap" --graph=tsg:server >"$tmp/srv.svg" 2>/dev/null
nb=$(grep -c 'class="tsg"' "$tmp/both.svg")
[ "$nb" = 2 ] && [ "$(grep -c 'class="tsg"' "$tmp/cli.svg")" = 1 ] &&
    [ "$(grep -c 'class="tsg"' "$tmp/srv.svg")" = 1 ] &&
    grep -q ': data client ' "$tmp/cli.svg" && ! grep -q ': data server ' "$tmp/cli.svg" &&
    grep -q ': data server ' "$tmp/srv.svg" && ! grep -q ': data client ' "$tmp/srv.svg" &&
    xmllint --noout "$tmp/cli.svg" "$tmp/srv.svg" 2>/dev/null &&
    ok "tsg-one-direction" || bad "tsg-one-direction" "tsg $nb graphs; tsg:client or tsg:server drew the other side"

# ---- 3. in the browser: DOM counts, text inside, pixels ----
svg_dom() {	# NAME FILE.svg: the DOM's view of it into $tmp/NAME.res
	python3 tests/pictures/wrap.py svg "$2" >"$tmp/$1-wrap.html" &&
	    browse "file://$tmp/$1-wrap.html" "$tmp/$1.dom" &&
	    result "$tmp/$1.dom" "$tmp/$1.res" && grep -q '^done$' "$tmp/$1.res"
}
if [ $have_browser = 1 ]; then
	for c in $caps; do
		if ! svg_dom "$c" "$tmp/$c.svg"; then
			bad "svg-dom-$c" "the page did not run" "$tmp/chromium.err"
			continue
		fi
		text_counts "$c"
		r=$tmp/$c.res
		if [ "$(val pkt "$r")" = "$t_arrows" ] && [ "$(val pkt_titles "$r")" = "$t_arrows" ] &&
		    [ "$(val fold "$r")" = "$t_folds" ] && [ "$(val outcome "$r")" = "$t_outcomes" ] &&
		    [ "$(val texts "$r")" = "$(val texts_drawn "$r")" ] &&
		    [ "$(val texts_outside "$r")" = 0 ] && [ "$(val captions_overflowing "$r")" = 0 ]; then
			ok "svg-dom-$c"
		else
			bad "svg-dom-$c" "text ladder: $t_arrows arrows, $t_folds folds, $t_outcomes outcomes; the DOM:" "$r"
		fi
	done
	for v in retrans-vv syn-retries-q retrans-tsg close-four-way-tsg udp-tcp-mixed-tsg; do
		if svg_dom "$v" "$tmp/$v.svg" && [ "$(val texts_outside "$tmp/$v.res")" = 0 ] &&
		    [ "$(val texts "$tmp/$v.res")" = "$(val texts_drawn "$tmp/$v.res")" ]; then
			ok "svg-text-inside-$v"
		else
			bad "svg-text-inside-$v" "texts not drawn or outside the picture" "$tmp/$v.res"
		fi
	done
	# pixels: not blank; colour only where it says something
	for c in close-four-way retrans retrans-tsg; do
		f=$tmp/$c.svg
		wh=$(sed -n 's/^<svg [^>]* width="\([0-9]*\)" height="\([0-9]*\)".*/\1 \2/p' "$f" | head -1)
		if ! shot "$f" "$tmp/$c.png" $wh; then
			bad "png-$c" "no screenshot" "$tmp/chromium.err"
			continue
		fi
		python3 tests/pictures/png_stats.py "$tmp/$c.png" | tr ' ' '\n' >"$tmp/$c.png.txt"
		ink=$(val ink "$tmp/$c.png.txt")
		red=$(val red "$tmp/$c.png.txt")
		w=$(val w "$tmp/$c.png.txt")
		case $c in
		retrans*) red_ok=$([ "$red" -ge 5 ] && echo 1) want_red=1 ;;
		*) red_ok=$([ "$red" = 0 ] && echo 1) want_red=0 ;;
		esac
		if [ "$w" = "${wh% *}" ] && [ "$ink" -ge 20 ] && [ "$ink" -le 400 ] &&
		    [ "${red_ok:-0}" = 1 ]; then
			ok "png-$c"
		else
			bad "png-$c" "width $w (want ${wh% *}), ink $ink/1000, red $red/10000 (want some: $want_red)"
		fi
	done
else
	nobrowser svg-dom
	nobrowser png
fi

# ---- 5. the HTML page, offline ----
"$TCPVIZ" -n -r $C/udp-tcp-mixed.pcap --format=html -o "$tmp/mixed.html" 2>"$tmp/err"
if grep -Eo '(src|href)="[^"#][^"]*"' "$tmp/mixed.html" | grep -q . ||
    grep -Eo 'https?://[^"]*' "$tmp/mixed.html" | grep -vqx 'http://www.w3.org/[0-9]*/[a-z]*'; then
	bad "html-self-contained" "it refers to something outside itself" "$tmp/mixed.html"
else
	ok "html-self-contained"
fi
if [ $have_browser = 1 ]; then
	browse "file://$tmp/mixed.html" "$tmp/mixed.dom"
	rows=$(grep -o '<tr data-conn="[0-9]*"' "$tmp/mixed.dom" | wc -l)
	secs=$(grep -o '<section class="conn" data-conn="[0-9]*"' "$tmp/mixed.dom" | wc -l)
	lad=$(grep -o '<svg class="ladder"' "$tmp/mixed.dom" | wc -l)
	pkts=$(grep -o '<g class="pkt ' "$tmp/mixed.dom" | wc -l)
	text_counts udp-tcp-mixed
	links_ok=1
	for l in $(grep -o 'href="#conn-[0-9]*"' "$tmp/mixed.dom" | sed 's/href="#//; s/"//'); do
		grep -q "id=\"$l\"" "$tmp/mixed.dom" || links_ok=0
	done
	if [ "$rows" = 2 ] && [ "$secs" = 2 ] && [ "$lad" = 2 ] && [ "$pkts" = "$t_arrows" ] &&
	    [ $links_ok = 1 ] && grep -q '<span id="shown">2 of 2 connections shown</span>' "$tmp/mixed.dom"; then
		ok "html-dom"
	else
		bad "html-dom" "rows $rows, sections $secs, ladders $lad, arrows $pkts (text: $t_arrows), links $links_ok"
	fi
	browse "file://$tmp/mixed.html#q=udp" "$tmp/mixed-q.dom"
	if grep -q '<span id="shown">1 of 2 connections shown</span>' "$tmp/mixed-q.dom" &&
	    grep -q '<section class="conn hidden" data-conn="1"' "$tmp/mixed-q.dom" &&
	    grep -q '<section class="conn" data-conn="2"' "$tmp/mixed-q.dom"; then
		ok "html-filter"
	else
		bad "html-filter" "#q=udp did not leave the UDP connection alone" "$tmp/mixed-q.dom"
	fi
	if shot "$tmp/mixed.html" "$tmp/mixed-html.png" 1100 1400 &&
	    python3 tests/pictures/png_stats.py "$tmp/mixed-html.png" | tr ' ' '\n' >"$tmp/h.txt" &&
	    [ "$(val ink "$tmp/h.txt")" -ge 20 ]; then
		ok "html-png"
	else
		bad "html-png" "blank or no screenshot" "$tmp/h.txt"
	fi
else
	nobrowser html-dom
fi

# ---- 6. Mermaid, rendered by the mermaid library ----
if [ $have_browser = 0 ]; then
	nobrowser mermaid
elif [ ! -f "$MJS" ]; then
	if [ "$is_root" = 1 ]; then
		bad mermaid "tests/pictures/node_modules is missing (tools/deps.sh test runs npm ci)"
	else
		skip mermaid "tests/pictures/node_modules is missing: (cd tests/pictures && npm ci)"
	fi
else
	for c in close-four-way retrans reuse udp-tcp-mixed ipv6 syn-retries refused midstream; do
		"$TCPVIZ" -n -r "$C/$c.pcap" --format=mermaid >"$tmp/$c.md" 2>"$tmp/err"
		python3 tests/pictures/wrap.py mermaid "$tmp/$c.md" "$MJS" >"$tmp/$c-mm.html"
		browse "file://$tmp/$c-mm.html" "$tmp/$c-mm.dom"
		result "$tmp/$c-mm.dom" "$tmp/$c-mm.res"
		text_counts "$c"
		blocks=$(grep -c '^```mermaid$' "$tmp/$c.md")
		msgs=$(sed -n 's/^ok [0-9]* messages=\([0-9]*\) .*/\1/p' "$tmp/$c-mm.res" |
		    awk '{ n += $1 } END { print n + 0 }')
		oks=$(grep -c '^ok ' "$tmp/$c-mm.res")
		if [ "$oks" = "$blocks" ] && [ "$blocks" -gt 0 ] && [ "$msgs" = "$t_arrows" ] &&
		    ! grep -q '^error' "$tmp/$c-mm.res" && grep -q '^done$' "$tmp/$c-mm.res"; then
			ok "mermaid-$c"
		else
			bad "mermaid-$c" "$blocks diagrams, $oks rendered, $msgs messages (text ladder: $t_arrows arrows)" "$tmp/$c-mm.res"
		fi
	done
fi

# ---- 6b. PlantUML, rendered by plantuml (Debian's, tools/deps.sh test) ----
if ! command -v plantuml >/dev/null 2>&1; then
	if [ "$is_root" = 1 ]; then
		bad plantuml "plantuml is missing although tools/deps.sh test runs as root and installs it"
	else
		skip plantuml "plantuml is not installed (not root: sudo make test, or apt-get install plantuml)"
	fi
else
	for c in close-four-way retrans udp-tcp-mixed ipv6 refused midstream; do
		mkdir -p "$tmp/pu-$c"
		"$TCPVIZ" -n -r "$C/$c.pcap" --format=plantuml >"$tmp/pu-$c/$c.puml" 2>"$tmp/err"
		text_counts "$c"
		# -failfast2: exit 200 and no picture on any syntax error
		timeout 120 plantuml -tsvg -failfast2 "$tmp/pu-$c/$c.puml" \
		    >"$tmp/pu-$c/out" 2>&1
		st=$?
		blocks=$(grep -c '^@startuml$' "$tmp/pu-$c/$c.puml")
		svgs=$(ls "$tmp/pu-$c"/*.svg 2>/dev/null | wc -l)
		msgs=$(cat "$tmp/pu-$c"/*.svg 2>/dev/null | grep -o '<text[^>]*>[^<]*' |
		    grep -c 'seq=\|UDP len=')
		if [ $st = 0 ] && [ "$svgs" = "$blocks" ] && [ "$blocks" -gt 0 ] &&
		    [ "$msgs" = "$t_arrows" ]; then
			ok "plantuml-$c"
		else
			bad "plantuml-$c" "exit $st, $blocks diagrams, $svgs drawn, $msgs messages (text ladder: $t_arrows arrows)" "$tmp/pu-$c/out"
		fi
	done
fi

# ---- the README's pictures are what tcpviz draws (make docs) ----
"$TCPVIZ" -n -r $C/close-four-way.pcap --format=svg >"$tmp/doc1.svg"
"$TCPVIZ" -n -r $C/retrans.pcap --graph=tsg >"$tmp/doc2.svg"
if cmp -s "$tmp/doc1.svg" docs/img/close-four-way.svg && cmp -s "$tmp/doc2.svg" docs/img/retrans-tsg.svg; then
	ok "docs-img"
else
	bad "docs-img" "docs/img/*.svg differ from what tcpviz draws now: make docs"
fi

# ---- 7. -o FILE ----
"$TCPVIZ" -n -r $C/handshake.pcap --format=svg -o "$tmp/o.svg" >"$tmp/out" 2>"$tmp/err"
"$TCPVIZ" -n -r $C/handshake.pcap --format=svg >"$tmp/o2.svg"
if [ ! -s "$tmp/out" ] && [ ! -s "$tmp/err" ] && cmp -s "$tmp/o.svg" "$tmp/o2.svg"; then
	ok "o-file"
else
	bad "o-file" "-o did not write what stdout gets" "$tmp/err"
fi
"$TCPVIZ" -n -r $C/handshake.pcap -o "$tmp/no/such/dir/x.html" >"$tmp/out" 2>"$tmp/err"
st=$?
if [ $st = 1 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" = 1 ] &&
    grep -q "^tcpviz: $tmp/no/such/dir/x.html: No such file or directory$" "$tmp/err"; then
	ok "o-unwritable"
else
	bad "o-unwritable" "exit $st" "$tmp/err"
fi

echo "pictures: $passed passed, $failed failed"
[ $failed = 0 ]
