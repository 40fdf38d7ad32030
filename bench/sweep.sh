#!/bin/bash
# sweep.sh: the accuracy and speed benchmark of `ephemera sweep --search
# rate`: 3 port ranges x 3 TIME_WAIT values (bench/sweep-search.ini), each
# point's highest sustainable rate against the model's ports / TIME_WAIT.
# Each TIME_WAIT runs at the time scale that makes it 3 s in the lab (60 s
# at 20, 120 s at 40, 240 s at 80): one sweep per TIME_WAIT, so that every
# point has the same margin for a session's own time and the machine's
# lag, which a 1.5 s lab TIME_WAIT did not leave.  Prints, per repeat, the table (model, measured,
# ratio) and the wall time; at the end, per point, the ratios of every
# repeat and the points more than 5% from the model.  A benchmark that
# prints numbers: it fails only when a sweep could not run.
set -u

BUILD=build
REPEAT=1
OUT=

usage() {
	cat <<'USAGE'
usage: bench/sweep.sh [--repeat N] [--build DIR] [--out DIR]
Runs as root; builds nothing.  Each repeat is one whole 3 x 3 search.
  --repeat N   whole searches (1; the target is 5 of 5 within 5%)
  --build DIR  meson build directory (build)
  --out DIR    where the CSVs, logs and plots go
               (results/bench-sweep/<UTC stamp>)
USAGE
}

die() {
	echo "sweep.sh: $*" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--repeat) [ $# -ge 2 ] || die "--repeat: expected a count"
		REPEAT=$2; shift 2 ;;
	--build) [ $# -ge 2 ] || die "--build: expected a folder"
		BUILD=$2; shift 2 ;;
	--out) [ $# -ge 2 ] || die "--out: expected a folder"
		OUT=$2; shift 2 ;;
	--help) usage; exit 0 ;;
	*) usage >&2; die "$1: unknown option" ;;
	esac
done
case $REPEAT in
''|*[!0-9]*|0) die "--repeat: expected a whole number from 1, got '$REPEAT'" ;;
esac

cd "$(dirname "$0")/.." || die "cannot enter the source tree"
EPHEMERA=$BUILD/lab/ephemera
[ -x "$EPHEMERA" ] || die "$EPHEMERA: not built (meson setup $BUILD && ninja -C $BUILD)"
[ -n "$OUT" ] || OUT=results/bench-sweep/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT" || die "$OUT: cannot make it"

PORTS=20000-20499,20000-20999,20000-21999
LAB_TW_S=3			# every TIME_WAIT's length in the lab
TW_S="60 120 240"

for r in $(seq 1 "$REPEAT"); do
	start=$(date +%s.%N)
	for tw in $TW_S; do
		run=$OUT/repeat$r-tw$tw
		"$EPHEMERA" --results "$OUT/runs" sweep bench/sweep-search.ini \
		    --vary port_range=$PORTS --vary time_wait=${tw}s \
		    --vary time_scale=$((tw / LAB_TW_S)) --search rate \
		    --csv "$run.csv" >"$run.log"
		rc=$?
		[ $rc -eq 0 ] || die "repeat $r: ephemera sweep exited $rc (see $run.log)"
	done
	end=$(date +%s.%N)
	# One CSV per repeat (the header once), for the table and the plots.
	awk 'FNR > 1 || NR == 1' $(for tw in $TW_S; do
	    echo "$OUT/repeat$r-tw$tw.csv"; done) >"$OUT/repeat$r.csv"
	"$EPHEMERA" sweep --replot "$OUT/repeat$r.csv" >"$OUT/repeat$r.log" ||
	    die "repeat $r: ephemera sweep --replot $OUT/repeat$r.csv failed"
	echo "repeat $r of $REPEAT:"
	awk '/^point  /,0' "$OUT/repeat$r.log"
	awk -v s="$start" -v e="$end" 'BEGIN { printf "wall_time_s %.1f (target: under 600)\n\n", e - s }'
done

# Every repeat's ratio per point, and where any is more than 5% off.
awk -F, '
FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
{
	key = $(col["system.port_range"]) " " $(col["system.time_wait"])
	if (!(key in seen)) { order[n++] = key; seen[key] = 1
		model[key] = $(col["capacity_per_s"]) }
	r = $(col["ratio"])
	ratios[key] = ratios[key] sprintf(" %6s", r == "" ? "-" : r)
	if (r == "" || r < 0.95 || r > 1.05) off[key]++
	runs[key]++
	again[key] += $(col["stalled_probes"])
}
END {
	printf "%-30s %9s  %s\n", "point (ports, TIME_WAIT)", "model/s", "ratio per repeat"
	for (i = 0; i < n; i++) {
		k = order[i]
		printf "%-30s %9s %s  %d/%d within 5%%, %d probes run again\n", k,
		    model[k], ratios[k], runs[k] - off[k], runs[k], again[k]
		bad += off[k] > 0
	}
	printf "points off by more than 5%% in some repeat: %d of %d\n", bad, n
}' $(seq -f "$OUT/repeat%g.csv" 1 "$REPEAT")
echo "csv, logs and plots: $OUT/"
