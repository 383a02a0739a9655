#!/bin/sh
# tests/golden.sh: tcpdump-style golden tests: run tcpviz on each capture in
# tests/TESTLIST and diff stdout, stderr and the exit status against the goldens.
#
#   sh tests/golden.sh                 run every test
#   sh tests/golden.sh NAME...         run the named tests
#   sh tests/golden.sh --regen NAME    rewrite NAME's golden files from the
#                                      current output (read them before committing)
#
# TESTLIST lines:  name  capture  golden-output  exit-status  [tcpviz options...]
# The capture is under captures/, the golden files under tests/golden/; a
# test whose stderr is expected has tests/golden/NAME.err, otherwise any
# stderr fails it.  TCPVIZ names the binary (default ./tcpviz).
set -u
cd "$(dirname "$0")/.." || exit 1
TCPVIZ=${TCPVIZ:-./tcpviz}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

regen=0
if [ "${1:-}" = --regen ]; then
	regen=1
	shift
fi

only=" $* "
passed=0
failed=0

run_one() {
	name=$1 cap=$2 out=$3 want_status=$4
	shift 4
	"$TCPVIZ" -n -r "captures/$cap" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	# messages name the binary; goldens say tcpviz whichever binary ran
	sed "s|^$(basename "$TCPVIZ"): |tcpviz: |" "$tmp/err" >"$tmp/err2"
	if [ $regen = 1 ]; then
		cp "$tmp/out" "tests/golden/$out"
		if [ -s "$tmp/err2" ]; then
			cp "$tmp/err2" "tests/golden/$name.err"
		else
			rm -f "tests/golden/$name.err"
		fi
		echo "regenerated tests/golden/$out (exit status $status; TESTLIST says $want_status)"
		return
	fi
	why=""
	if [ "$status" != "$want_status" ]; then
		why="exit status $status, expected $want_status"
	elif ! diff -u "tests/golden/$out" "$tmp/out" >"$tmp/diff" 2>&1; then
		why="stdout differs"
	elif [ -f "tests/golden/$name.err" ]; then
		diff -u "tests/golden/$name.err" "$tmp/err2" >"$tmp/diff" 2>&1 ||
			why="stderr differs"
	elif [ -s "$tmp/err" ]; then
		why="unexpected stderr"
		cp "$tmp/err" "$tmp/diff"
	fi
	if [ -z "$why" ]; then
		passed=$((passed + 1))
		echo "ok      $name"
	else
		failed=$((failed + 1))
		echo "FAIL    $name: $why"
		sed 's/^/        /' "$tmp/diff" | head -40
	fi
}

while read -r name cap out status opts; do
	case $name in ''|'#'*) continue ;; esac
	case $only in "  ") ;; *" $name "*) ;; *) continue ;; esac
	eval "set -- $opts"
	run_one "$name" "$cap" "$out" "$status" "$@"
done <tests/TESTLIST

[ $regen = 1 ] && exit 0
echo "golden: $passed passed, $failed failed"
[ $failed = 0 ]
