#!/usr/bin/env bash
# Runs every Go fuzz target for a short time (FUZZTIME, default 10s each).
# A failure leaves the crashing input in the package's testdata/fuzz/, where
# `go test` replays it from then on: commit it with the fix.
#
#   bash .ci/fuzz.sh            # every target
#   FUZZTIME=1m bash .ci/fuzz.sh ./core   # longer, one package
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${FUZZTIME:-10s}"
pkgs=("$@")
if [ ${#pkgs[@]} -eq 0 ]; then
	pkgs=(./...)
fi
# Fuzz targets are found in the test files (`go test -list` prints each
# package's targets, then "ok <package>"), so a new one is fuzzed without
# touching this script.
list=$(go test "${pkgs[@]}" -list '^Fuzz' | awk '/^Fuzz/ { t[n++] = $1 } /^ok / { for (i = 0; i < n; i++) print $2, t[i]; n = 0 }')
count=0
while read -r pkg t; do
	[ -n "$pkg" ] || continue
	echo "-- $pkg $t ($fuzztime)"
	# Large inputs (payload JSON, playbooks) are slow to minimize; a short
	# minimization keeps each run within its time.
	# A run that fails without writing a crashing input is the fuzzer's own
	# coordination timing out on a loaded machine ("context deadline
	# exceeded"): run it once more. A real failure leaves its input.
	if ! go test "$pkg" -run '^$' -fuzz "^${t}\$" -fuzztime "$fuzztime" -fuzzminimizetime 2s </dev/null; then
		if [ -n "$(git status --porcelain --untracked-files=all -- '*testdata/fuzz/*')" ]; then
			exit 1
		fi
		echo "-- $pkg $t failed without a crashing input; running it again"
		go test "$pkg" -run '^$' -fuzz "^${t}\$" -fuzztime "$fuzztime" -fuzzminimizetime 2s </dev/null
	fi
	count=$((count + 1))
done <<<"$list"
if [ "$count" -eq 0 ]; then
	echo "no fuzz targets found"; exit 1
fi
echo "fuzzed $count targets for $fuzztime each"
