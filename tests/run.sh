#!/bin/sh
# tests/run.sh: run the cmocka unit tests, the golden tests and the JSON
# contract check, then print one "N passed, N failed" line.
# Usage: sh tests/run.sh build/tests/test_*   (make test calls it)
# TCPVIZ names the binary the golden and JSON checks run (default ./tcpviz).
set -u
cd "$(dirname "$0")/.." || exit 1
TCPVIZ=${TCPVIZ:-./tcpviz}
export TCPVIZ
passed=0
failed=0
log=$(mktemp) || exit 1
trap 'rm -f "$log"' EXIT INT TERM

# cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s), listed below:"
for t in "$@"; do
	echo "== $t"
	"$t" >"$log" 2>&1
	status=$?
	cat "$log"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log")
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log")
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	# a crash or a binary that ran nothing still fails
	if [ $status != 0 ] && [ "${f:-0}" = 0 ]; then
		echo "FAIL $t: exit status $status"
		failed=$((failed + 1))
	fi
done

for script in tests/golden.sh tests/check_json.sh tests/resources.sh tests/docs.sh tests/layers.sh tests/flags.sh tests/install.sh tests/hash.sh tests/shard.sh tests/bench.sh tests/pictures.sh $(ls tests/live/*.sh | grep -v /lib.sh); do
	[ -f "$script" ] || continue
	echo "== $script"
	sh "$script" >"$log" 2>&1
	cat "$log"
	p=$(sed -n 's/^[a-z]*: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^[a-z]*: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$log" | tail -1)
	if [ -z "$p" ]; then
		echo "FAIL $script: no summary line"
		f=1 p=0
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done

echo
echo "$passed passed, $failed failed"
[ $failed = 0 ]
