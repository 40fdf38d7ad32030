#!/bin/sh
# contended.sh: the test suite on one CPU that a busy loop competes for.
#
# A verdict must not depend on the machine's speed.  This is the slow
# machine on demand: every test process is pinned to CPU 0 (taskset), and
# one spinning process pinned to the same CPU takes half of it.  A test that
# only passes when the machine is fast fails here.
#
#   tests/contended.sh [--build DIR] [--repeat N] [MESON-TEST-ARGS ...]
#
# The rest goes to meson test: test names, --suite NAME (default: every
# test).  --repeat N runs the set N times and stops at the first failure.
# Ends with the line "N passed, N failed, N skipped" of the last round
# (tests/count.py); the log is DIR/contended.log.
set -eu
cd "$(dirname "$0")/.."

BUILD=build
REPEAT=1
while [ $# -gt 0 ]; do
	case "$1" in
	--build) BUILD=${2:?--build: expected a folder}; shift 2 ;;
	--repeat) REPEAT=${2:?--repeat: expected a count}; shift 2 ;;
	-h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) break ;;	# the rest is meson test's
	esac
done
case "$REPEAT" in
''|*[!0-9]*|0) echo "contended.sh: --repeat: expected a count from 1, got '$REPEAT'" >&2; exit 2 ;;
esac
[ -f "$BUILD/build.ninja" ] ||
    { echo "contended.sh: no build in $BUILD (run ./setup.sh first)" >&2; exit 2; }
command -v taskset >/dev/null ||
    { echo "contended.sh: taskset missing (util-linux)" >&2; exit 2; }

# The competitor: bounded in time like every loop here (4 hours), killed on
# any exit of this script.
taskset -c 0 timeout 4h sh -c 'while :; do :; done' &
spinner=$!
trap 'kill $spinner 2>/dev/null; wait $spinner 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM

round=1
rc=0
while [ $round -le "$REPEAT" ]; do
	start=$(date +%s)
	rc=0
	# One CPU, so one test at a time, and timeouts scaled for it.
	taskset -c 0 meson test -C "$BUILD" --print-errorlogs --num-processes 1 \
	    --timeout-multiplier 4 "$@" >"$BUILD/contended.log" 2>&1 || rc=$?
	counts=$(python3 tests/count.py "$BUILD/meson-logs/testlog.json") || rc=1
	echo "contended.sh: round $round of $REPEAT: $counts" \
	    "($(( $(date +%s) - start )) s on one contended CPU)"
	if [ $rc -ne 0 ]; then
		grep -E 'FAIL|TIMEOUT' "$BUILD/contended.log" | head -20 >&2
		break
	fi
	round=$((round + 1))
done
echo "$counts"
exit $rc
