#!/bin/sh
# compare-accuracy.sh: does `ephemera compare` tell a slower server from
# noise?  Each try benchmarks examples/ci/server.ini three times, 5
# repeats each: the base (fake-imapd), an A/A second base, and a head whose
# fake-imapd answers every command 20 ms late (--command-delay 20ms).
# compare must flag base -> head (exit 1, login_p99_ms among the
# regressions) and nothing on base -> A/A (exit 0).  Prints one line per
# try and the totals; the target is 5 of 5 for both.  As root.
#   bench/compare-accuracy.sh [--build DIR] [--tries N]
set -eu
cd "$(dirname "$0")/.."

BUILD=build
TRIES=5
while [ $# -gt 0 ]; do
	case $1 in
	--build) BUILD=${2:?--build: expected a folder}; shift 2 ;;
	--tries) TRIES=${2:?--tries: expected a count}; shift 2 ;;
	-h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "compare-accuracy.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
case $TRIES in
''|*[!0-9]*|0) echo "compare-accuracy.sh: --tries: expected a count from 1, got '$TRIES'" >&2; exit 2 ;;
esac
ephemera=$BUILD/lab/ephemera
[ -x "$ephemera" ] || { echo "compare-accuracy.sh: no $ephemera (run ./setup.sh)" >&2; exit 2; }

work=$(mktemp -d /tmp/ephemera-compare-accuracy.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/slow"
printf '#!/bin/sh\nexec %s --command-delay 20ms "$@"\n' \
    "$(realpath "$BUILD/fake-imapd/fake-imapd")" > "$work/slow/fake-imapd"
chmod +x "$work/slow/fake-imapd"
base_bin=$(realpath "$BUILD/fake-imapd")

bench() {	# bench BINDIR JSON
	"$ephemera" --results "$work/runs" --bindir "$1" bench \
	    examples/ci/server.ini --repeat 5 --json "$2" >/dev/null
}

flagged=0
clean=0
t=1
while [ $t -le "$TRIES" ]; do
	start=$(date +%s)
	bench "$base_bin" "$work/base.json"
	bench "$work/slow" "$work/head.json"
	bench "$base_bin" "$work/aa.json"
	rc=0
	"$ephemera" compare "$work/base.json" "$work/head.json" \
	    >"$work/slow.out" || rc=$?
	slow_hit=no
	if [ $rc -eq 1 ] && grep -q '^regression: server login_p99_ms:' "$work/slow.out"; then
		slow_hit=yes
		flagged=$((flagged + 1))
	fi
	rc_aa=0
	"$ephemera" compare "$work/base.json" "$work/aa.json" \
	    >"$work/aa.out" || rc_aa=$?
	aa_clean=no
	if [ $rc_aa -eq 0 ]; then
		aa_clean=yes
		clean=$((clean + 1))
	fi
	login=$(awk '$2 == "login_p99_ms" { print $3 " -> " $4 " (" $5 ")" }' "$work/slow.out")
	echo "try $t: slowed server flagged: $slow_hit (exit $rc; login_p99_ms $login); A/A clean: $aa_clean (exit $rc_aa) [$(($(date +%s) - start)) s]"
	[ "$aa_clean" = yes ] || grep '^regression:' "$work/aa.out" | sed 's/^/    A\/A /'
	t=$((t + 1))
done
echo "compare_flags_slowed_server $flagged/$TRIES (target $TRIES/$TRIES)"
echo "compare_clean_on_aa $clean/$TRIES (target $TRIES/$TRIES)"
