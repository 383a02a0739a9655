#!/bin/sh
# tools/deps.sh: check the build dependencies; install the missing ones when
# run as root on an apt system, otherwise name the exact command to run.
# Usage: tools/deps.sh [--check] [build|test|valgrind|fuzz]
#   test      also the tools the tests use: diff, python3, nft (the crafter's
#             tests), tcpdump (a cross-check of tcpviz -w files), mandoc and
#             man (the man pages' lint and rendering, tests/install.sh);
#             for the pictures (tests/pictures.sh): xmllint, chromium with
#             the DejaVu fonts, npm, and the mermaid library in
#             tests/pictures/node_modules (npm ci from its package-lock.json),
#             plantuml (its diagrams rendered)
#   valgrind  make valgrind;  fuzz: make fuzz (clang with libFuzzer)
#   bench     make bench: tcpdump, the yardstick it times and drops against
#             (installed as root; otherwise a note: the bench runs without)
#   --check   (or TCPVIZ_DEPS=check in the environment) never install, even
#             as root: name what is missing and the command that installs it.
#             Plain make (all, progs, install ...) checks only (mk/deps.mk);
#             make deps, make demo and make test install.
set -u

check_only=0
[ "${TCPVIZ_DEPS:-}" = check ] && check_only=1
if [ "${1:-}" = --check ]; then
	check_only=1
	shift
fi

need_pc="libpcap libnl-3.0 libnl-route-3.0 libnl-idiag-3.0 libnftables cmocka"
missing=""

have_pc() { command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$1"; }

command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
command -v cc >/dev/null 2>&1 || missing="$missing gcc"
command -v make >/dev/null 2>&1 || missing="$missing make"
for m in $need_pc; do
	if ! have_pc "$m"; then
		case $m in
		libpcap) missing="$missing libpcap-dev" ;;
		libnl-3.0) missing="$missing libnl-3-dev" ;;
		libnl-route-3.0) missing="$missing libnl-route-3-dev" ;;
		libnl-idiag-3.0) missing="$missing libnl-idiag-3-dev" ;;
		libnftables) missing="$missing libnftables-dev" ;;
		cmocka) missing="$missing libcmocka-dev" ;;
		esac
	fi
done
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing="$missing $2"; }
mode=${1:-build}
case $mode in
test)
	need_cmd diff diffutils
	need_cmd python3 python3
	need_cmd nft nftables
	need_cmd tcpdump tcpdump
	need_cmd mandoc mandoc
	need_cmd man man-db
	need_cmd xmllint libxml2-utils
	need_cmd chromium chromium
	need_cmd plantuml plantuml
	[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] ||
		missing="$missing fonts-dejavu-core"
	need_cmd npm npm
	;;
valgrind)
	need_cmd valgrind valgrind
	;;
bench)
	need_cmd tcpdump tcpdump
	;;
fuzz)
	need_cmd clang clang
	# libFuzzer's runtime
	ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a \
	    >/dev/null 2>&1 || missing="$missing libclang-rt-dev"
	;;
esac

# the pictures' test tooling: the mermaid library, as its lock file pins it
npm_step() {
	[ "$mode" = test ] || return 0
	[ -f tests/pictures/node_modules/mermaid/dist/mermaid.min.js ] && return 0
	if [ $check_only = 1 ] || ! command -v npm >/dev/null 2>&1; then
		echo "tcpviz: tests/pictures/node_modules is missing: (cd tests/pictures && npm ci)" >&2
		return 0
	fi
	echo "tcpviz: installing the mermaid library for the picture tests (npm ci)"
	(cd tests/pictures && npm ci --no-audit --no-fund >/dev/null) ||
		echo "tcpviz: (cd tests/pictures && npm ci) failed" >&2
}
cd "$(dirname "$0")/.." || exit 1

if [ -z "$missing" ]; then
	npm_step
	exit 0
fi

if [ $check_only = 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "tcpviz: installing missing packages:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null && apt-get install -y -qq $missing >/dev/null || {
		echo "tcpviz: apt-get install$missing failed" >&2
		[ "$mode" = bench ] || exit 1	# the bench runs without tcpdump
	}
	npm_step
	exit 0
fi

if [ "$mode" = bench ]; then
	echo "tcpviz: bench: without tcpdump, no tcpdump rows (to have them: apt-get install$missing)" >&2
	exit 0
fi
echo "tcpviz: missing build dependencies:$missing" >&2
if command -v apt-get >/dev/null 2>&1; then
	sudo="sudo "
	[ "$(id -u)" = 0 ] && sudo=""
	if [ "$mode" = build ]; then
		echo "tcpviz: install them with:  ${sudo}make deps" >&2
		echo "tcpviz: (which runs:  ${sudo}apt-get install$missing)" >&2
	else
		echo "tcpviz: install them with:  ${sudo}apt-get install$missing" >&2
	fi
else
	echo "tcpviz: install the equivalents with your package manager" >&2
fi
exit 1
