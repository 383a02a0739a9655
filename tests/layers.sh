#!/bin/sh
# tests/layers.sh: the layers of docs/design.md hold: what each folder of src/ may include, no I/O in the core library, a summary line atop every file.
#
# 1. Each folder includes only the project headers its layer may (the
#    table below, as docs/design.md draws it) and only its own -int.h.
# 2. The core folders (decode, track, render) include no system header
#    that does I/O, and libpcap's and libnl's headers stand only in the
#    folders that own them (capture; craft's tv_nl.c, kernel's tv_kern.c).
# 3. build/libtcpviz.a calls nothing outside itself but memory, string
#    and formatting functions of libc (nm -u): the core does no I/O.
# 4. Every .c and .h under src/ and include/ begins with a one-line
#    "/* \summary: ... */".
# Prints "ok NAME" or "FAIL NAME: why", then "layers: N passed, M failed".
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/live/lib.sh
passed=0
failed=0

core_h="tv_decode.h tv_frag.h tv_cursor.h tv_flow.h tv_tcp.h tv_pair.h tv_render.h tv_ksock.h tv_call.h tv_cmp.h"
allowed() {
	case $1 in
	decode) echo "tv_decode.h tv_frag.h tv_cursor.h" ;;
	track) echo "tv_decode.h tv_flow.h tv_tcp.h tv_pair.h" ;;
	render) echo "$core_h" ;;
	capture) echo "tv_cap.h tv_cursor.h tv_decode.h tv_errbuf.h" ;;
	kernel) echo "tv_kern.h tv_ksock.h tv_decode.h tv_errbuf.h" ;;
	lab) echo "tv_lab.h tv_cap.h tv_errbuf.h" ;;
	util) echo "tv_util.h tv_msg.h tv_call.h tv_callrep.h" ;;
	tcpviz) echo "$core_h tv_cap.h tv_kern.h tv_lab.h tv_errbuf.h tv_run.h tv_util.h tv_msg.h" ;;
	progs) echo "tv_errbuf.h tv_sock.h tv_store.h tv_util.h tv_msg.h tv_callrep.h" ;;
	craft) echo "$core_h tv_craft.h tv_errbuf.h tv_nl.h tv_util.h tv_msg.h tv_callrep.h" ;;
	*) echo "" ;;
	esac
}

# ---- 1. project headers, by folder ----
for dir in src/*/; do
	folder=$(basename "$dir")
	why=""
	ok_h=$(allowed "$folder")
	for f in "$dir"*.c "$dir"*.h; do
		[ -f "$f" ] || continue
		for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
			case $h in
			*-int.h)
				[ -f "$dir$h" ] || why="$why $f includes $h, another folder's private header;"
				;;
			*)
				case " $ok_h " in
				*" $h "*) ;;
				*) why="$why $f includes $h;" ;;
				esac
				;;
			esac
		done
	done
	if [ -z "$ok_h" ]; then
		bad "includes-$folder" "src/$folder is not in docs/design.md's table (tests/layers.sh)"
	elif [ -z "$why" ]; then
		ok "includes-$folder"
	else
		bad "includes-$folder" "outside its layer:$why"
	fi
done

# ---- 2. system headers: no I/O in the core, pcap and libnl where they belong ----
why=""
for f in src/decode/* src/track/* src/render/*; do
	for h in $(sed -n 's/^#include <\([^>]*\)>.*/\1/p' "$f"); do
		case $h in
		stddef.h|stdint.h|stdlib.h|string.h|stdio.h|stdarg.h|inttypes.h) ;;
		*) why="$why $f includes <$h>;" ;;
		esac
	done
done
[ -z "$why" ] && ok core-system-headers || bad core-system-headers "the core may not:$why"
why=""
for f in $(grep -l '^#include <pcap' src/*/* include/* 2>/dev/null); do
	case $f in src/capture/*) ;; *) why="$why $f;" ;; esac
done
for f in $(grep -l '^#include <netlink/' src/*/* include/* 2>/dev/null); do
	case $f in src/craft/tv_nl.c|src/kernel/tv_kern.c|src/lab/tv_lab.c) ;; *) why="$why $f;" ;; esac
done
[ -z "$why" ] && ok library-headers || bad library-headers "pcap.h or libnl outside their folders:$why"

# ---- 3. what the core library calls ----
if [ ! -f build/libtcpviz.a ] || ! command -v nm >/dev/null 2>&1; then
	skip core-symbols "build/libtcpviz.a or nm missing (make builds the first)"
else
	defined=$(nm -g --defined-only build/libtcpviz.a 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u)
	used=$(nm -u build/libtcpviz.a 2>/dev/null | awk 'NF == 2 { print $2 }' | sort -u)
	why=""
	for s in $used; do
		case " $(echo $defined) " in *" $s "*) continue ;; esac
		case $s in
		malloc|calloc|realloc|free|qsort|memcpy|memmove|memset|memcmp|memchr) ;;
		strlen|strcmp|strncmp|strchr|strrchr|strstr|snprintf|vsnprintf) ;;
		__stack_chk_fail|_GLOBAL_OFFSET_TABLE_|__asan_*|__ubsan_*|__sanitizer_*) ;;
		*) why="$why $s" ;;
		esac
	done
	[ -z "$why" ] && ok core-symbols || bad core-symbols "libtcpviz.a calls outside the core:$why"
fi

# ---- 4. a summary line atop every file ----
why=""
for f in src/*/*.c src/*/*.h include/*.h; do
	head -1 "$f" | grep -q '^/\* \\summary: .* \*/$' || why="$why $f"
done
[ -z "$why" ] && ok summary-lines || bad summary-lines "no /* \\summary: ... */ first line:$why"

echo "layers: $passed passed, $failed failed"
[ $failed = 0 ]
