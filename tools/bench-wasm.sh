#!/usr/bin/env bash
# Runs each bench/wasm program natively and under wasmrun and prints
#   bench=NAME native_s=X wasm_s=Y ratio=Y/X
# (wall-clock seconds, median of 3 runs each). Arguments are sized so that
# one native run takes about 0.2-0.5 s on the reference machine. Both runs
# must print the same output (the checksum), else the line says so and the
# script exits non-zero. Figures are printed, never asserted.
#
#   BUILD=build tools/bench-wasm.sh [NAME...]   (needs make bench-build)
#   WASMRUN_FLAGS=--checked tools/bench-wasm.sh  (bounds-checked memory)
set -u
BUILD=${BUILD:-build}
WASMRUN=${WASMRUN:-$BUILD/host/wasmrun}
BIN=$BUILD/bench/wasm
read -r -a flags <<<"${WASMRUN_FLAGS:-}"

# name -> argument for a short native run
declare -A arg=([fib]=38 [coremix]=4000 [nbody]=3000000 [sha256]=800)

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# time_runs OUTFILE CMD... -> prints the median wall time of 3 runs;
# the program's stdout of the last run goes to OUTFILE.
time_runs() {
	local out=$1 i s e
	shift
	for i in 1 2 3; do
		s=$(date +%s.%N)
		"$@" >"$out" 2>&1 || echo "exit status $?" >>"$out"
		e=$(date +%s.%N)
		awk -v s="$s" -v e="$e" 'BEGIN {printf "%.6f\n", e - s}'
	done | median
}

names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=(fib coremix nbody sha256)
status=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for n in "${names[@]}"; do
	a=${arg[$n]:-}
	if [[ ! -x $BIN/$n || ! -f $BIN/$n.wasm || ! -x $WASMRUN ]]; then
		echo "bench=$n error=missing_binaries (make bench-build)"
		status=1
		continue
	fi
	nat=$(time_runs "$tmp/native" "$BIN/$n" $a)
	was=$(time_runs "$tmp/wasm" "$WASMRUN" "${flags[@]}" "$BIN/$n.wasm" $a)
	if ! cmp -s "$tmp/native" "$tmp/wasm"; then
		echo "bench=$n error=output_differs native='$(head -c 200 "$tmp/native")' wasm='$(head -c 200 "$tmp/wasm")'"
		status=1
		continue
	fi
	awk -v n="$n" -v a="$nat" -v b="$was" \
		'BEGIN {printf "bench=%s native_s=%.3f wasm_s=%.3f ratio=%.2f\n", n, a, b, b / a}'
done
exit $status
