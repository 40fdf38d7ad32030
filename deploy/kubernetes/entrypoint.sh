#!/bin/sh
# entrypoint.sh: one shard of a Kubernetes Indexed Job (job.yaml): the
# pod's JOB_COMPLETION_INDEX (0 to N-1, set by Kubernetes) is loadgen's
# --shard I/N with I = index + 1, and the shard's four files go to
# $RESULTS/shard-I/, the folder `ephemera merge` reads.  Every setting
# comes from the environment:
#
#   JOB_COMPLETION_INDEX  set by Kubernetes (Indexed Job)
#   SHARDS                N, the Job's completions
#   TARGET                ADDR:PORT of the server (numeric: no DNS)
#   SCHEDULE              the WHOLE run's schedule (poisson:3000, ...)
#   DURATION              loadgen --duration (60s)
#   START_AT              Unix time every shard starts at (see README.md)
#   SEED                  loadgen --seed (1)
#   RESULTS               where the shard folders go (/results)
#   LOADGEN               the program (/opt/ephemera/build/loadgen/loadgen)
#   LOADGEN_ARGS          more loadgen options, split on spaces
set -eu

die() {
	echo "entrypoint.sh: $*" >&2
	exit 2
}

# A whole number, or die naming the variable.
whole() {
	case $2 in
	'' | *[!0-9]*) die "$1: expected a whole number, got '$2'" ;;
	esac
}

: "${JOB_COMPLETION_INDEX:?not set: run as an Indexed Job (completionMode: Indexed)}"
: "${SHARDS:?not set: the Job's completions}"
: "${TARGET:?not set: the server, ADDR:PORT}"
: "${SCHEDULE:?not set: the whole run's schedule, such as poisson:3000}"
: "${START_AT:?not set: the Unix time every shard starts at}"
DURATION=${DURATION:-60s}
SEED=${SEED:-1}
RESULTS=${RESULTS:-/results}
LOADGEN=${LOADGEN:-/opt/ephemera/build/loadgen/loadgen}
LOADGEN_ARGS=${LOADGEN_ARGS:-}

whole JOB_COMPLETION_INDEX "$JOB_COMPLETION_INDEX"
whole SHARDS "$SHARDS"
[ "$JOB_COMPLETION_INDEX" -lt "$SHARDS" ] ||
    die "JOB_COMPLETION_INDEX $JOB_COMPLETION_INDEX: expected below SHARDS ($SHARDS)"
case $START_AT in
@START_AT@) die "START_AT: still @START_AT@; replace it when applying job.yaml (see README.md)" ;;
esac

I=$((JOB_COMPLETION_INDEX + 1))
dir=$RESULTS/shard-$I
mkdir -p "$dir" || die "cannot make $dir"
# shellcheck disable=SC2086 # LOADGEN_ARGS: options, split on purpose
exec "$LOADGEN" --shard "$I/$SHARDS" --start-at "$START_AT" \
    --schedule "$SCHEDULE" --seed "$SEED" --duration "$DURATION" \
    --csv "$dir/interval.csv" --summary-csv "$dir/summary.csv" \
    --histogram-csv "$dir/histogram.csv" --meta "$dir/meta.txt" \
    $LOADGEN_ARGS "$TARGET"
