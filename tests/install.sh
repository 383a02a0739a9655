#!/bin/sh
# tests/install.sh: make install into a DESTDIR, run what was installed, make
# uninstall.  The installed tcpviz reads a capture; each installed man page
# renders with man -l (and passes mandoc -T lint, skipped visibly without
# mandoc); the bash completion loads and completes --dem to --demo; as root
# the installed demo (--demo=handshake) runs from the DESTDIR, finding its
# programs next to itself; uninstall leaves no file behind.
# Last line: "install: N passed, M failed".
set -u
cd "$(dirname "$0")/.." || exit 1
passed=0
failed=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
. tests/live/lib.sh

dest=$tmp/root
prefix=/usr
bin=$dest$prefix/bin
MAKE=${MAKE:-make}

if $MAKE --no-print-directory install DESTDIR="$dest" PREFIX=$prefix >"$tmp/log" 2>&1; then
	ok "make install DESTDIR PREFIX=$prefix"
else
	bad "make install DESTDIR PREFIX=$prefix" "failed" "$tmp/log"
	echo "install: $passed passed, $failed failed"
	exit 1
fi

# every file where it belongs, and nothing else
(cd "$dest" && find . ! -type d | sort) >"$tmp/got"
{
	for p in tcpviz tcpviz-server tcpviz-client tcpviz-craft; do
		echo "./usr/bin/$p"
		echo "./usr/share/man/man1/$p.1"
	done
	for d in README.md docs/*.md; do
		echo "./usr/share/doc/tcpviz/${d##*/}"
	done
	echo "./usr/share/bash-completion/completions/tcpviz"
} | sort >"$tmp/want"
if cmp -s "$tmp/want" "$tmp/got"; then
	ok "installed files ($(wc -l <"$tmp/got"))"
else
	diff -u --label expected --label installed "$tmp/want" "$tmp/got" >"$tmp/diff"
	bad "installed files" "not the expected list" "$tmp/diff"
fi
for p in tcpviz tcpviz-server tcpviz-client tcpviz-craft; do
	if [ -x "$bin/$p" ]; then ok "$p executable"; else bad "$p executable" "$bin/$p"; fi
done

# the installed binary, run from where it was installed
if "$bin/tcpviz" --version >"$tmp/out" 2>&1 && grep -q '^tcpviz ' "$tmp/out"; then
	ok "installed tcpviz --version ($(head -1 "$tmp/out"))"
else
	bad "installed tcpviz --version" "failed" "$tmp/out"
fi
"$bin/tcpviz" -r captures/handshake.pcap >"$tmp/out" 2>"$tmp/err"
st=$?
if [ $st = 0 ] && grep -q '== opened: three-way' "$tmp/out"; then
	ok "installed tcpviz -r captures/handshake.pcap"
else
	bad "installed tcpviz -r captures/handshake.pcap" "exit status $st" "$tmp/err" "$tmp/out"
fi
for p in tcpviz-server tcpviz-client tcpviz-craft; do
	if "$bin/$p" --help >"$tmp/out" 2>&1 && grep -q "^Usage: $p" "$tmp/out"; then
		ok "installed $p --help"
	else
		bad "installed $p --help" "failed" "$tmp/out"
	fi
done

# the man pages: rendered by man, lint-clean for mandoc
for p in tcpviz tcpviz-server tcpviz-client tcpviz-craft; do
	page=$dest$prefix/share/man/man1/$p.1
	if ! command -v man >/dev/null 2>&1; then
		skip "man -l $p.1" "man is not installed (apt-get install man-db)"
	elif MANWIDTH=80 MANPAGER=cat PAGER=cat man -l "$page" >"$tmp/out" 2>"$tmp/err" &&
	    grep -q '^NAME' "$tmp/out" && grep -q "^ *$p " "$tmp/out" &&
	    ! grep -q . "$tmp/err"; then
		ok "man -l $p.1"
	else
		bad "man -l $p.1" "does not render (or warns)" "$tmp/err" "$tmp/out"
	fi
	if ! command -v mandoc >/dev/null 2>&1; then
		skip "mandoc -T lint $p.1" "mandoc is not installed (apt-get install mandoc; make test installs it as root)"
	elif mandoc -T lint -W style "$page" >"$tmp/out" 2>&1; then
		ok "mandoc -T lint $p.1"
	else
		bad "mandoc -T lint $p.1" "not clean" "$tmp/out"
	fi
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"; do
		grep -q "^\.SH \"*$s\"*\$" "$page" || bad "$p.1 sections" "no $s section"
	done
done

# the completion, in a bash of its own, with the installed tcpviz on PATH
comp=$dest$prefix/share/bash-completion/completions/tcpviz
if ! command -v bash >/dev/null 2>&1; then
	skip "bash completion" "bash is not installed"
else
	if PATH=$bin:$PATH bash -c '. "$1" && complete -p tcpviz' sh "$comp" >"$tmp/out" 2>&1 &&
	    grep -q -- '-F _tcpviz tcpviz' "$tmp/out"; then
		ok "completion loads (complete -p tcpviz)"
	else
		bad "completion loads" "complete -p tcpviz" "$tmp/out"
	fi
	# comp WANT WORD...: complete the last WORD; WANT must be among the replies
	comp() {
		want=$1
		shift
		PATH=$bin:$PATH bash -c '
			. "$1" || exit 1
			shift
			COMP_WORDS=("$@")
			COMP_CWORD=$(( $# - 1 ))
			COMP_LINE="$*"
			COMP_POINT=${#COMP_LINE}
			COMPREPLY=()
			_tcpviz tcpviz "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
			printf "%s\n" "${COMPREPLY[@]}"' sh "$comp" "$@" >"$tmp/out" 2>&1
		if grep -qx -- "$want" "$tmp/out"; then
			ok "completion: '$*' -> $want"
		else
			bad "completion: '$*'" "$want not among the replies" "$tmp/out"
		fi
	}
	comp --demo tcpviz --dem
	comp --summary tcpviz --summ
	comp half-open tcpviz --demo = half
	comp --demo=refused tcpviz --demo=ref
	comp handshake,udp tcpviz --demo = handshake,u
	comp json tcpviz --format = j
	comp summary tcpviz --format = s
	comp full tcpviz --data = f
	comp lo tcpviz -i l
	comp captures/handshake.pcap tcpviz -r captures/handshake.pc
	comp captures/refused.pcap tcpviz -n -w captures/ref
fi

# the demo, installed: it runs the tcpviz-server and tcpviz-client next to it.
# It starts them after giving up root, so the DESTDIR must be searchable by
# others as an installed bin directory is (mktemp -d makes it 0700).
if [ $is_root = 1 ]; then
	chmod 755 "$tmp"
	timeout -k 5 60 "$bin/tcpviz" --demo=handshake --pace=0 </dev/null >"$tmp/out" 2>&1
	st=$?
	if [ $st = 0 ] && grep -q -- '--- handshake: as expected' "$tmp/out"; then
		ok "installed tcpviz --demo=handshake"
	else
		bad "installed tcpviz --demo=handshake" "exit status $st" "$tmp/out"
	fi
else
	needroot "installed tcpviz --demo=handshake"
fi

if $MAKE --no-print-directory uninstall DESTDIR="$dest" PREFIX=$prefix >"$tmp/log" 2>&1; then
	ok "make uninstall"
else
	bad "make uninstall" "failed" "$tmp/log"
fi
(cd "$dest" && find . ! -type d) >"$tmp/left"
if [ -s "$tmp/left" ]; then
	bad "uninstall leaves nothing" "files left behind" "$tmp/left"
else
	ok "uninstall leaves no file behind"
fi
if [ -d "$dest$prefix/share/doc/tcpviz" ]; then
	bad "uninstall removes share/doc/tcpviz" "the directory is still there"
else
	ok "uninstall removes share/doc/tcpviz"
fi

echo "install: $passed passed, $failed failed"
[ $failed = 0 ]
