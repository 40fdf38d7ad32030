#!/bin/sh
# ephemera-ci.sh: your server's base and head, benchmarked in the same job
# (one machine, one load: never against a number from another machine),
# then compared.  Exit status: compare's (0 no regression, 1 regression,
# 2 bad input).  Run as root (namespaces) from ephemera's folder.
#   examples/ci/ephemera-ci.sh BASE_BINDIR HEAD_BINDIR [OUT]
set -eu
base=${1:?usage: ephemera-ci.sh BASE_BINDIR HEAD_BINDIR [OUT]}
head=${2:?usage: ephemera-ci.sh BASE_BINDIR HEAD_BINDIR [OUT]}
out=${3:-ephemera-ci}
ephemera=${EPHEMERA:-build/lab/ephemera}
scenario=${SCENARIO:-examples/ci/server.ini}
mkdir -p "$out"

# Base and head take turns, repeat by repeat (base 1, head 1, base 2...):
# load that another job brings to a shared runner falls on both alike.
"$ephemera" --results "$out/runs" --bindir "$base" bench "$scenario" \
    --repeat 5 --json "$out/base.json" \
    --head-bindir "$head" --head-json "$out/head.json"
# Gate the login (the change under test) tightly, the rest loosely;
# `ephemera bench --noise` on your runner suggests tighter ones.
exec "$ephemera" compare "$out/base.json" "$out/head.json" \
    --tolerance login_p99_ms:+50% --tolerance session_p99_ms:+300% \
    --tolerance session_p90_ms:+300% --tolerance connect_p99_ms:+300% \
    --tolerance greeting_p99_ms:+300% \
    --junit "$out/junit.xml" --markdown "$out/summary.md" \
    --json "$out/compare.json"
