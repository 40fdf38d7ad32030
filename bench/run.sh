#!/bin/bash
# run.sh: speed and memory of fake-imapd and loadgen against the raw-epoll
# ceilings, in a private network namespace; prints "name value unit" lines
# and one verdict per target (issues 3 and 4).  See bench/README.md.
set -u

BUILD=build
DURATION=5		# seconds per rate measurement
IDLE=15000		# idle connections for the memory measurement
CONCURRENCY=64		# closed-loop sessions in flight
QUICK=0
RATES="1000 5000 10000 15000 20000"

usage() {
	cat <<'EOF'
usage: bench/run.sh [--quick] [--build DIR] [--duration S] [--idle K]
                    [--concurrency C]
Runs as root in a private network namespace (unshare -n); builds nothing.
  --build DIR        meson build directory (build)
  --duration S       seconds per rate measurement (5)
  --idle K           idle connections for the memory figures (15000)
  --concurrency C    closed-loop sessions in flight (64)
  --quick            smoke run: 1 s per measurement, K=1000
EOF
}

die() {
	echo "run.sh: $*" >&2
	exit 2
}

need_int() {
	case $2 in
	'' | *[!0-9]*) die "$1: expected a whole number, not \"$2\"" ;;
	esac
	[ "$2" -gt 0 ] || die "$1: expected a number above 0"
}

parse_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		--quick) QUICK=1 ;;
		--build) [ $# -ge 2 ] || die "--build: expected a directory"
			BUILD=$2; shift ;;
		--duration) [ $# -ge 2 ] || die "--duration: expected seconds"
			need_int --duration "$2"; DURATION=$2; shift ;;
		--idle) [ $# -ge 2 ] || die "--idle: expected a count"
			need_int --idle "$2"; IDLE=$2; shift ;;
		--concurrency) [ $# -ge 2 ] || die "--concurrency: expected a count"
			need_int --concurrency "$2"; CONCURRENCY=$2; shift ;;
		-h | --help) usage; exit 0 ;;
		*) usage >&2; die "unknown argument \"$1\"" ;;
		esac
		shift
	done
	if [ "$QUICK" = 1 ]; then
		DURATION=1
		IDLE=1000
	fi
}

# ---- outside: check, then re-run this script in a new network namespace

outside() {
	local bin
	[ "$(id -u)" = 0 ] || die "needs root (unshare -n and sysctls in the namespace)"
	BUILD=$(cd "$BUILD" 2>/dev/null && pwd) || die "--build: no such directory"
	for bin in unshare ip sysctl ss timeout awk getconf; do
		command -v "$bin" >/dev/null || die "$bin not found"
	done
	for bin in bench/rawserver bench/rawclient fake-imapd/fake-imapd loadgen/loadgen; do
		[ -x "$BUILD/$bin" ] || die "$BUILD/$bin missing: build first (ninja -C $BUILD)"
	done
	EPHEMERA_BENCH_INNER=1 EPHEMERA_BENCH_HOST_NETNS=$(readlink /proc/self/ns/net) \
	    exec unshare -n -- "$BASH" "$0" "$@" --build "$BUILD"
}

# ---- inside the namespace

PIDS=()
TMP=
LAST_PID=
READY_LINE=

cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null
	done
	wait 2>/dev/null
	[ -n "$TMP" ] && rm -rf "$TMP"
}

# Refuse to touch sysctls unless this is a namespace of our own: not the
# one we were started in, and not init's.
namespace_setup() {
	local here
	here=$(readlink /proc/self/ns/net)
	[ -n "${EPHEMERA_BENCH_HOST_NETNS:-}" ] || die "no host namespace recorded"
	[ "$here" != "$EPHEMERA_BENCH_HOST_NETNS" ] ||
	    die "still in the host's network namespace ($here); refusing"
	[ "$here" != "$(readlink /proc/1/ns/net)" ] ||
	    die "in init's network namespace ($here); refusing"
	ip link set lo up || die "ip link set lo up failed"
	sysctl -qw net.ipv4.ip_local_port_range="1024 65000" \
	    net.ipv4.tcp_tw_reuse=1 net.ipv4.tcp_tw_reuse_delay=1 ||
	    die "sysctl in the namespace failed"
}

forget_pid() {
	local i
	for i in "${!PIDS[@]}"; do
		[ "${PIDS[$i]}" = "$1" ] && unset 'PIDS[i]'
	done
}

# Whether our child PID has exited (a zombie counts: not yet reaped).
exited() {
	local state
	[ -r "/proc/$1/stat" ] || return 0
	state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 0
	[ "$state" = Z ] || [ -z "$state" ]
}

# stop PID: SIGTERM, up to 5 s (loadgen drains for 2 s), then SIGKILL.
stop() {
	local i
	kill -TERM "$1" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		exited "$1" && break
		sleep 0.05
	done
	exited "$1" || kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	forget_pid "$1"
}

# start_ready TIMEOUT NAME CMD...: start CMD with --ready-fd 3 on a FIFO
# and wait, at most TIMEOUT seconds, for its readiness line.
start_ready() {
	local t=$1 name=$2 fifo="$TMP/$2.ready"
	shift 2
	rm -f "$fifo"
	mkfifo "$fifo" || die "mkfifo $fifo"
	"$@" --ready-fd 3 3>"$fifo" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	LAST_PID=$!
	PIDS+=("$LAST_PID")
	if ! read -r -t "$t" READY_LINE <"$fifo"; then
		cat "$TMP/$name.err" >&2
		die "$name: no readiness line within ${t}s"
	fi
}

# The port of a "ready ADDR:PORT" line.
ready_port() {
	echo "${READY_LINE##*:}"
}

rss_kib() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

put() {
	printf '%s %s %s\n' "$1" "$2" "$3"
}

calc() {
	awk "BEGIN { printf \"$1\n\", $2 }"
}

VERDICTS=()
# verdict TEXT VALUE OP LIMIT [NOTE]: OP is ge, lt or le (awk comparison);
# NOTE, if any, follows the verdict in parentheses.
verdict() {
	local ok
	case $3 in
	ge) ok=$(awk -v v="$2" -v l="$4" 'BEGIN { print (v >= l) }') ;;
	lt) ok=$(awk -v v="$2" -v l="$4" 'BEGIN { print (v < l) }') ;;
	le) ok=$(awk -v v="$2" -v l="$4" 'BEGIN { print (v <= l) }') ;;
	esac
	[ "$2" = "-" ] && ok=0
	if [ "$ok" = 1 ]; then
		VERDICTS+=("target $1: $2 met${5:+ ($5)}")
	else
		VERDICTS+=("target $1: $2 not met${5:+ ($5)}")
	fi
}

# sockstat FIELD: a count from the TCP line of /proc/net/sockstat (inuse,
# orphan, tw, alloc) for this namespace.
sockstat() {
	awk -v f="$1" '$1 == "TCP:" { for (i = 2; i < NF; i++) if ($i == f) print $(i + 1) }' \
	    /proc/net/sockstat
}

no_orphans() { [ "$(sockstat orphan)" -eq 0 ]; }

# Every measurement starts without TIME_WAIT sockets, whatever ran before:
# they slow connect()'s port search and loadgen's per-second sock_diag
# dump.  ss -K destroys them (this namespace only); TIME_WAIT lasts 60 s,
# too long to wait for.  Orphans (closed sockets still sending their FIN)
# of the previous measurement are let go first (bounded).
reset_time_wait() {
	wait_for 10 no_orphans ||
	    echo "run.sh: $(sockstat orphan) orphaned sockets left" >&2
	ss -K state time-wait >/dev/null 2>&1
	if [ "$(sockstat tw)" -gt 100 ]; then
		echo "run.sh: $(sockstat tw) TIME_WAIT sockets left after ss -K" >&2
	fi
}

# cpu_of FILE: user + system CPU seconds of the command `time` reported
# into FILE (TIMEFORMAT below): the client's own work and the kernel's on
# its behalf, a figure the machine's other load moves far less than a rate.
TIMEFORMAT='%3U %3S'
cpu_of() {
	awk '{ printf "%.3f\n", $1 + $2 }' "$1" 2>/dev/null || echo 0
}

# rawclient_run ARGS...: rawclient for DURATION with ARGS, timed, on a
# namespace without TIME_WAIT; sets RC_OUT (its summary line) and RC_CPU
# (its CPU seconds).
rawclient_run() {
	reset_time_wait
	{ time RC_OUT=$(timeout $((DURATION + 10)) "$RAWCLIENT" \
	    --duration "${DURATION}s" "$@" 2>>"$TMP/rawclient.err") ; } \
	    2>"$TMP/time.out"
	echo "$RC_OUT" >>"$TMP/rawclient.out"
	RC_CPU=$(cpu_of "$TMP/time.out")
}

# cpu_ticks PID: user + system CPU of a running process, in clock ticks.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# rawclient_rate PORT [SERVER_PID]: closed-loop sessions per second for
# DURATION; each run's "sessions cpu_s" is appended to
# $TMP/rawclient-PORT.cpu, and with SERVER_PID the server's "sessions
# ticks" of the same run to $TMP/server-PORT.cpu.
rawclient_rate() {
	local t0 sessions
	[ -n "${2:-}" ] && t0=$(cpu_ticks "$2")
	rawclient_run --concurrency "$CONCURRENCY" "127.0.0.1:$1"
	sessions=$(echo "$RC_OUT" | sed -n 's/.*sessions=\([0-9]*\).*/\1/p')
	echo "$sessions $RC_CPU" >>"$TMP/rawclient-$1.cpu"
	[ -n "${2:-}" ] &&
	    echo "$sessions $(($(cpu_ticks "$2") - t0))" >>"$TMP/server-$1.cpu"
	echo "$RC_OUT" | sed -n 's/.* rate=\([0-9]*\)\/s.*/\1/p' | grep . || echo 0
}

# server_cpu_per_session PORT: the server's CPU (user + system, from
# /proc/PID/stat) over the sessions of its rounds, in µs.
server_cpu_per_session() {
	awk -v hz="$(getconf CLK_TCK)" '{ s += $1; t += $2 }
	    END { if (s > 0) printf "%.1f\n", t / hz / s * 1e6 }' \
	    "$TMP/server-$1.cpu"
}

# a. fake-imapd against rawserver, same client; order ABBA against drift,
# repeated.
# SERVER_BLOCKS ABBA blocks: a neighbour's burst of load lands on a round
# or two, and the more rounds alternate, the less it moves the ratio.
SERVER_BLOCKS=2

# mean_of "A/B/...": their mean, rounded.
mean_of() {
	echo "$1" | awk -F/ '{ for (i = 1; i <= NF; i++) s += $i
	    printf "%.0f\n", s / NF }'
}

bench_servers() {
	local raw_port fake_port b raw_rounds= fake_rounds=
	start_ready 10 rawserver "$RAWSERVER" --listen 127.0.0.1:0
	RAW_PID=$LAST_PID; raw_port=$(ready_port)
	start_ready 10 fake-imapd "$FAKE" --listen 127.0.0.1:0
	FAKE_PID=$LAST_PID; fake_port=$(ready_port)
	for ((b = 0; b < SERVER_BLOCKS; b++)); do
		raw_rounds+=${raw_rounds:+/}$(rawclient_rate "$raw_port" "$RAW_PID")
		fake_rounds+=${fake_rounds:+/}$(rawclient_rate "$fake_port" "$FAKE_PID")
		fake_rounds+=/$(rawclient_rate "$fake_port" "$FAKE_PID")
		raw_rounds+=/$(rawclient_rate "$raw_port" "$RAW_PID")
	done
	RAW_RATE=$(mean_of "$raw_rounds")
	FAKE_RATE=$(mean_of "$fake_rounds")
	RAW_PORT=$raw_port
	stop "$FAKE_PID"
	put concurrency "$CONCURRENCY" sessions
	put duration "$DURATION" s
	put rawclient_vs_rawserver_rate "$RAW_RATE" sessions/s
	put rawclient_vs_fake_imapd_rate "$FAKE_RATE" sessions/s
	put rawclient_vs_rawserver_rounds "$raw_rounds" sessions/s
	put rawclient_vs_fake_imapd_rounds "$fake_rounds" sessions/s
	RAW_CPU=$(server_cpu_per_session "$raw_port")
	FAKE_CPU=$(server_cpu_per_session "$fake_port")
	put rawserver_cpu_per_session "${RAW_CPU:--}" us
	put fake_imapd_cpu_per_session "${FAKE_CPU:--}" us
	[ -n "$RAW_CPU" ] && [ -n "$FAKE_CPU" ] &&
	    put rawserver_over_fake_imapd_cpu "$(calc '%.2f' "$RAW_CPU / $FAKE_CPU")" ratio
	RATIO=$(calc '%.2f' "$FAKE_RATE / $RAW_RATE")
	put fake_imapd_over_rawserver "$RATIO" ratio
	verdict "fake-imapd/raw >= 0.90" "$RATIO" ge 0.90
}

# loadgen_at NAME RATE [EXTRA...]: open loop at RATE for DURATION against
# rawserver; sets LG_ACHIEVED (completed in [0, DURATION] / DURATION),
# LG_LAG (lag p99, ms), LG_FAILED, LG_SKIPPED, LG_FIRST (first failure).
# --steps login,logout: rawserver answers LOGIN and LOGOUT only, and the
# raw client's session is greeting, LOGIN, LOGOUT, so both do the same.
loadgen_at() {
	local name=$1 rate=$2 csv="$TMP/loadgen-$1.csv" out
	shift 2
	reset_time_wait
	{ time out=$(timeout $((DURATION + 30)) "$LOADGEN" --steps login,logout --rate "$rate" \
	    --duration "${DURATION}s" --csv "$csv" "$@" "127.0.0.1:$RAW_PORT" \
	    2>>"$TMP/loadgen.err") ; } 2>"$TMP/time.out"
	echo "$out" >>"$TMP/loadgen.out"
	LG_CPU=$(cpu_of "$TMP/time.out")
	LG_COMPLETED=$(echo "$out" | sed -n 's/.* completed=\([0-9]*\).*/\1/p')
	: "${LG_COMPLETED:=0}"
	LG_ACHIEVED=$(awk -F, -v d="$DURATION" '
	    NR == 1 { for (i = 1; i <= NF; i++) if ($i == "completed") c = i; next }
	    $1 + 0 <= d + 0.0005 { s += $c }
	    END { printf "%.0f\n", s / d }' "$csv" 2>/dev/null)
	LG_LAG=$(echo "$out" | sed -n 's/.* lag_p99_ms=\([0-9.]*\).*/\1/p')
	LG_FAILED=$(echo "$out" | sed -n 's/.* failed=\([0-9]*\).*/\1/p')
	LG_SKIPPED=$(echo "$out" | sed -n 's/.* skipped=\([0-9]*\).*/\1/p')
	LG_FIRST=$(echo "$out" | sed -n 's/.* first_failure=\([^ ]*\).*/\1/p')
	: "${LG_ACHIEVED:=0}" "${LG_LAG:=-}" "${LG_FAILED:=-}" "${LG_SKIPPED:=0}"
	: "${LG_FIRST:=-}"
}

# rawclient_at RATE: the raw client's own open loop at RATE against
# rawserver for DURATION, the reference for loadgen's at the same rate:
# sets RC_ACHIEVED (completed in [0, DURATION] / DURATION) and RC_LAG
# (lag p99 of its starts behind the schedule, ms), RC_CPU (CPU seconds).
rawclient_at() {
	rawclient_run --rate "$1" --concurrency 10000 "127.0.0.1:$RAW_PORT"
	RC_ACHIEVED=$(echo "$RC_OUT" | sed -n 's/.*sessions=\([0-9]*\).*/\1/p')
	RC_ACHIEVED=$(calc '%.0f' "${RC_ACHIEVED:-0} / $DURATION")
	RC_LAG=$(echo "$RC_OUT" | sed -n 's/.* lag_p99_ms=\([0-9.]*\).*/\1/p')
	: "${RC_LAG:=-}"
}

# CPU per completed session, loadgen (saturated run) against rawclient
# (its two rounds against rawserver): the cost of each per session, which
# is what their rates come from, measured so that the noise cancels.
cpu_per_session() {
	local raw lg
	raw=$(awk '{ s += $1; c += $2 } END { if (s > 0) printf "%.1f\n", c / s * 1e6 }' \
	    "$TMP/rawclient-$RAW_PORT.cpu")
	[ "$LG_COMPLETED" -gt 0 ] && lg=$(calc '%.1f' "$LG_CPU / $LG_COMPLETED * 1000000")
	put rawclient_cpu_per_session "${raw:--}" us
	put loadgen_cpu_per_session "${lg:--}" us
	[ -n "$raw" ] && [ -n "$lg" ] &&
	    put rawclient_over_loadgen_cpu "$(calc '%.2f' "$raw / $lg")" ratio
	return 0
}

# rate_verdicts RATE: loadgen's achieved rate and lag at RATE, each with
# what the raw client's open loop did at the same rate: the most this
# machine allows.
rate_verdicts() {
	local rate=$1 lg_achieved=$LG_ACHIEVED lg_lag=$LG_LAG lg_cpu=$LG_CPU
	local n=$((rate * DURATION))
	rawclient_at "$rate"
	put "rawclient_at_${rate}_achieved" "$RC_ACHIEVED" sessions/s
	put "rawclient_at_${rate}_ratio" "$(calc '%.3f' "$RC_ACHIEVED / $rate")" ratio
	put "rawclient_at_${rate}_lag_p99" "$RC_LAG" ms
	# Both did the same arrivals: CPU per arrival compares their cost at
	# the same load, batching and all.
	put "loadgen_at_${rate}_cpu_per_session" "$(calc '%.1f' "$lg_cpu / $n * 1000000")" us
	put "rawclient_at_${rate}_cpu_per_session" "$(calc '%.1f' "$RC_CPU / $n * 1000000")" us
	verdict "loadgen achieved/target at $rate/s >= 0.99" \
	    "$(calc '%.3f' "$lg_achieved / $rate")" ge 0.99 \
	    "rawclient: $(calc '%.3f' "$RC_ACHIEVED / $rate")"
	verdict "loadgen lag p99 at $rate/s < 1 ms" "$lg_lag" lt 1 \
	    "rawclient: $RC_LAG"
}

# b. loadgen against the raw client, both against rawserver.
bench_clients() {
	local rate name ratio
	put rawclient_closed_loop_rate "$RAW_RATE" sessions/s
	loadgen_at saturated $((RAW_RATE * 2)) --max-in-flight "$CONCURRENCY"
	put loadgen_saturated_rate "$LG_ACHIEVED" sessions/s
	put loadgen_saturated_over_rawclient "$(calc '%.2f' "$LG_ACHIEVED / $RAW_RATE")" ratio
	cpu_per_session
	for rate in "$RAW_RATE" $RATES; do
		name=loadgen_at_$rate
		[ "$rate" = "$RAW_RATE" ] && name=loadgen_at_rawclient_rate
		loadgen_at "$rate" "$rate"
		ratio=$(calc '%.3f' "$LG_ACHIEVED / $rate")
		put "${name}_target" "$rate" sessions/s
		put "${name}_achieved" "$LG_ACHIEVED" sessions/s
		put "${name}_ratio" "$ratio" ratio
		put "${name}_lag_p99" "$LG_LAG" ms
		put "${name}_failed" "$LG_FAILED" sessions
		put "${name}_first_failure" "$LG_FIRST" stage/errno
		if [ "$rate" = "$RAW_RATE" ]; then
			ratio=$(calc '%.2f' "$LG_ACHIEVED / $RAW_RATE")
			put loadgen_over_rawclient "$ratio" ratio
			verdict "loadgen/rawclient >= 0.90" "$ratio" ge 0.90
		elif [ "$rate" -le 20000 ]; then
			rate_verdicts "$rate"
		fi
	done
	stop "$RAW_PID"
}

# idle_rss NAME CMD...: a server's VmRSS before and after rawclient holds
# IDLE logged-in connections to it; prints per connection, sets PER_CONN.
idle_rss() {
	local name=$1 spid port before after client
	shift
	start_ready 10 "$name-idle" "$@" --listen 127.0.0.1:0
	spid=$LAST_PID; port=$(ready_port)
	before=$(rss_kib "$spid")
	start_ready 120 rawclient-idle "$RAWCLIENT" --idle "$IDLE" \
	    --concurrency "$CONCURRENCY" "127.0.0.1:$port"
	client=$LAST_PID
	after=$(rss_kib "$spid")
	RAWCLIENT_IDLE_KIB=$(rss_kib "$client")
	stop "$client"
	stop "$spid"
	PER_CONN=$(calc '%.0f' "($after - $before) * 1024 / $IDLE")
	put "${name}_rss_before" "$before" KiB
	put "${name}_rss_idle" "$after" KiB
	put "${name}_rss_per_conn" "$PER_CONN" B
}

# csv_last CSV COLUMN: that column of the last row of a loadgen CSV.
csv_last() {
	awk -F, -v col="$2" '
	    NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
	    { v = $c } END { print v + 0 }' "$1" 2>/dev/null
}

# wait_for SECONDS COMMAND...: poll COMMAND every 50 ms, bounded.
wait_for() {
	local i n=$(($1 * 20))
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

csv_rows_ge() { [ -r "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ]; }
csv_active_ge() { [ "$(csv_last "$1" active)" -ge "$2" ]; }

# loadgen's VmRSS per session in flight: fake-imapd delays its greeting by
# 60 s, so every session waits at the greeting.  No arrivals in the first
# 2 s (the baseline is read then), then IDLE arrivals at 10k/s.
loadgen_rss() {
	local port csv="$TMP/loadgen-idle.csv" lpid before after rows active failed
	start_ready 10 fake-imapd-delay "$FAKE" --listen 127.0.0.1:0 \
	    --greeting-delay 60s --autologout-unauth 10m
	FAKE_PID=$LAST_PID; port=$(ready_port)
	"$LOADGEN" --schedule steps:0/2s,10000/60s --count "$IDLE" \
	    --duration 60s --timeout 120s --csv "$csv" "127.0.0.1:$port" \
	    >"$TMP/loadgen-idle.out" 2>"$TMP/loadgen-idle.err" &
	lpid=$!; PIDS+=("$lpid")
	wait_for 10 csv_rows_ge "$csv" 2 || die "loadgen: no CSV row within 10 s"
	before=$(rss_kib "$lpid")
	rows=$(wc -l <"$csv")
	[ "$rows" -eq 2 ] || echo "run.sh: loadgen baseline read late (row $rows)" >&2
	wait_for 60 csv_active_ge "$csv" "$IDLE" ||
	    echo "run.sh: loadgen reached only $(csv_last "$csv" active) sessions" >&2
	after=$(rss_kib "$lpid")
	active=$(csv_last "$csv" active)
	failed=$(awk -F, 'NR > 1 { s += $5 } END { print s + 0 }' "$csv")
	stop "$lpid"
	stop "$FAKE_PID"
	PER_CONN=$(calc '%.0f' "($after - $before) * 1024 / $active")
	put loadgen_rss_before "$before" KiB
	put loadgen_rss_in_flight "$after" KiB
	put loadgen_sessions_in_flight "$active" sessions
	put loadgen_sessions_failed "$failed" sessions
	put loadgen_rss_per_conn "$PER_CONN" B
}

# c. memory per idle connection.
bench_memory() {
	put idle_connections "$IDLE" connections
	idle_rss rawserver "$RAWSERVER"
	idle_rss fake_imapd "$FAKE"
	verdict "fake-imapd RSS per idle connection <= 4096 B" "$PER_CONN" le 4096
	put rawclient_idle_rss_total_per_conn \
	    "$(calc '%.0f' "$RAWCLIENT_IDLE_KIB * 1024 / $IDLE")" B
	loadgen_rss
	verdict "loadgen RSS per connection <= 4096 B" "$PER_CONN" le 4096
}

inside() {
	local v
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	TMP=$(mktemp -d /tmp/ephemera-bench.XXXXXX) || die "mktemp failed"
	namespace_setup
	RAWSERVER=$BUILD/bench/rawserver
	RAWCLIENT=$BUILD/bench/rawclient
	FAKE=$BUILD/fake-imapd/fake-imapd
	LOADGEN=$BUILD/loadgen/loadgen
	echo "# ephemera bench $(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -r)" \
	    "cpus=$(nproc) netns=$(readlink /proc/self/ns/net)"
	bench_servers
	bench_clients
	bench_memory
	for v in "${VERDICTS[@]}"; do
		echo "$v"
	done
}

parse_args "$@"
if [ "${EPHEMERA_BENCH_INNER:-}" = 1 ]; then
	inside
else
	outside "$@"
fi
