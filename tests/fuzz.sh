#!/bin/sh
# fuzz.sh: run the libFuzzer targets (clang, ASan + UBSan), each for a
# bounded time, from its committed seed corpus; then one line per target
# with its executions.  Exit 1 if any target found a failure (its log's
# tail is printed and the crashing input kept), 2 on bad usage.
#   tests/fuzz.sh [SECONDS] [TARGET...]
# SECONDS: per target (default 60).  TARGET: the build paths below
# (default: all).  The clang build folder is $FUZZ_BUILD (default
# build-clang, set up if missing).  New inputs and crashes go to a
# scratch folder, never into the checkout; $FUZZ_WORK names a folder to
# keep instead (its corpora then grow from one run to the next).
set -eu
cd "$(dirname "$0")/.."

all="common/fuzz-parsers fake-imapd/fuzz-session loadgen/fuzz-session
lab/fuzz-scenario"
usage="usage: tests/fuzz.sh [SECONDS] [TARGET...]; targets:"

secs=60
case ${1:-} in
[0-9]*)	secs=$1; shift ;;
-*)	echo "$usage" $all >&2; exit 2 ;;
esac
case $secs in
*[!0-9]* | 0)
	echo "fuzz.sh: SECONDS: expected a whole number above 0, got" \
	    "'$secs'" >&2
	exit 2 ;;
esac
targets=${*:-$all}
for t in $targets; do
	case " $(echo $all) " in
	*" $t "*) ;;
	*)	echo "fuzz.sh: unknown target '$t'; $usage" $all >&2; exit 2 ;;
	esac
done

build=${FUZZ_BUILD:-build-clang}
if [ ! -d "$build" ]; then
	CC=clang meson setup "$build" >/dev/null
fi
# shellcheck disable=SC2086
ninja -C "$build" $targets >/dev/null || { ninja -C "$build" $targets; exit 1; }

if [ -n "${FUZZ_WORK:-}" ]; then
	work=$FUZZ_WORK
	mkdir -p "$work"
else
	work=$(mktemp -d)
fi

failed=0
summary=""
for t in $targets; do
	name=$(echo "$t" | tr / -)
	log="$work/$name.log"
	mkdir -p "$work/$name-corpus"
	if "$build/$t" -max_total_time="$secs" -timeout=2 \
	    -print_final_stats=1 -artifact_prefix="$work/$name-" \
	    "$work/$name-corpus" "$(dirname "$t")/fuzz-corpus" \
	    >"$log" 2>&1; then
		result=ok
	else
		result=FAILED
		failed=1
		tail -50 "$log"
		echo "fuzz.sh: $t found a failure; input and log in $work" >&2
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	added=$(sed -n 's/^stat::new_units_added: *//p' "$log")
	summary="$summary$(printf '%-24s %6ss %12s %10s %8s  %s' "$t" \
	    "$secs" "${execs:--}" "${rate:--}" "${added:--}" "$result")
"
done

if [ -z "${FUZZ_WORK:-}" ] && [ "$failed" = 0 ]; then
	rm -rf "$work"
fi
printf '%-24s %7s %12s %10s %8s  %s\n' target time executions "execs/s" \
    "new" result
printf '%s' "$summary"
exit "$failed"
