# tests/live/lib.sh: what the live test scripts share: counting and reporting checks.
# Sourced by them, never run on its own (tests/run.sh leaves it out).

# ok NAME: a check passed
ok() {
	passed=$((passed + 1))
	echo "ok $1"
}

# bad NAME WHY [FILE...]: a check failed; show the start of each FILE
bad() {
	failed=$((failed + 1))
	echo "FAIL $1: $2"
	shift 2
	for f in "$@"; do
		[ -s "$f" ] && sed 's/^/    /' "$f" | head -40
	done
	return 0
}

# skip NAME WHY: a check that cannot run here, counted neither way
skip() {
	echo "skip $1: $2"
}
