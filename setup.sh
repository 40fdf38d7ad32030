#!/bin/sh
# setup.sh: install what ephemera needs on Debian 12, build it, and then
# run the default reproduction or the test suite.
#
#   ./setup.sh run    set up, then run the KB 319502 reproduction
#   ./setup.sh test   set up, then run every test; ends with "N passed, N failed, N skipped"
#   ./setup.sh        set up only (packages and build)
#
# Idempotent: quiet and quick when everything is already there.
set -eu

cd "$(dirname "$0")"
BUILD=${BUILD:-build}

# Debian packages for the build, the tests and the scenarios.
PACKAGES="gcc libc6-dev pkg-config meson ninja-build libevent-dev libssl-dev check
libinih-dev libmnl-dev libjansson-dev gnuplot-nox python3 procps iproute2
util-linux curl openssl nftables"

die() {
	echo "setup.sh: $*" >&2
	exit 1
}

missing_packages() {
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		    grep -q '^install ok installed$' || echo "$p"
	done
}

# Dovecot is a test peer only (loadgen against a real IMAP server, started
# by the test in a private namespace).  Its package would also start and
# enable a system-wide IMAP service: keep it from starting while it is
# installed (policy-rc.d, see invoke-rc.d(8)) and leave it disabled.
install_dovecot() {
	dpkg-query -W -f='${Status}\n' dovecot-imapd 2>/dev/null |
	    grep -q '^install ok installed$' && return 0
	[ "$(id -u)" -eq 0 ] ||
	    die "missing package dovecot-imapd (for the tests); run as root"
	echo "setup.sh: installing dovecot-imapd (test peer; its service stays off)"
	policy=/usr/sbin/policy-rc.d
	own_policy=false
	if [ ! -e $policy ]; then
		printf '#!/bin/sh\nexit 101\n' > $policy
		chmod 755 $policy
		own_policy=true
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null || die "apt-get update failed"
	apt-get install -y -qq --no-install-recommends dovecot-imapd >/dev/null ||
	    { [ $own_policy = true ] && rm -f $policy; die "apt-get install dovecot-imapd failed"; }
	[ $own_policy = true ] && rm -f $policy
	systemctl disable --now dovecot.service >/dev/null 2>&1 || true
}

# Test-only packages: the HTML report's test opens the page in headless
# Chromium (run in a network namespace of its own, with no network); the
# statistics of `ephemera compare` are checked against SciPy's; the
# Kubernetes Job's manifest is read with PyYAML; valgrind's memcheck runs
# under end-to-end tests (tests/valgrind/).
TEST_PACKAGES="chromium python3-scipy python3-yaml valgrind"

install_test_packages() {
	PACKAGES=$TEST_PACKAGES install_packages
}

install_packages() {
	command -v dpkg-query >/dev/null 2>&1 ||
	    die "this is not a Debian system; install by hand: $PACKAGES"
	missing=$(missing_packages | tr '\n' ' ')
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		die "missing packages: $missing; run as root, or: sudo apt-get install $missing"
	fi
	echo "setup.sh: installing $missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null || die "apt-get update failed"
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
	    die "apt-get install $missing failed"
}

build() {
	if [ ! -f "$BUILD/build.ninja" ]; then
		werror=false
		[ "${CI:-}" = true ] && werror=true
		meson setup "$BUILD" -Dwerror=$werror >/dev/null ||
		    die "meson setup failed; see $BUILD/meson-logs/meson-log.txt"
	fi
	ninja -C "$BUILD" >/dev/null || {
		ninja -C "$BUILD"
		die "build failed"
	}
}

# meson's per-test log, counted down to the test cases inside each
# program (Check suites, Python unittest), then one plain line.
count_tests() {
	python3 tests/count.py "$BUILD/meson-logs/testlog.json"
}

install_packages
build
case "${1:-}" in
"")
	echo "setup.sh: ready; programs in $BUILD/"
	;;
run)
	"$BUILD/lab/ephemera" run scenarios/kb319502-quick.ini
	;;
test)
	install_dovecot
	install_test_packages
	rc=0
	meson test -C "$BUILD" --print-errorlogs --num-processes 2 || rc=$?
	count_tests || rc=1
	exit $rc
	;;
*)
	die "unknown command '$1' (expected run or test)"
	;;
esac
