#!/usr/bin/env bash
# run3.sh - the WebAssembly 3.0 testsuite against lib/wasm: every .wast of
# $WASM_TESTSUITE3 (default ../shared/wasm-testsuite-3.0) and of its legacy/
# folder, SIMD included, through $SPEC_RUNNER (default $BUILD/host/spectest),
# passing on the arguments (e.g. --guarded, -v, -j 2). Files are named by
# their path under the suite (legacy/throw.wast), as tests/spec/skip3.txt
# names them; what the engine cannot pass yet is listed there with the
# feature it needs, counted as skipped on each file's line and in the total,
# and each entry's count follows (--skip-counts). The last line is
# "N passed, N failed". Per-feature counts: tests/spec/features.sh.
#
#   BUILD=build WASM_TESTSUITE3=../shared/wasm-testsuite-3.0 tests/spec/run3.sh [--guarded]
#   SPEC_RUNNER=build/host-asan/spectest tests/spec/run3.sh     (under ASan)
set -u
BUILD=${BUILD:-build}
SUITE=${WASM_TESTSUITE3:-../shared/wasm-testsuite-3.0}
RUNNER=${SPEC_RUNNER:-$BUILD/host/spectest}
read -ra emu <<<"${EMU:-}"

die() {
	echo "spec3: $*"
	echo "0 passed, 1 failed"
	exit 1
}

[[ -x $RUNNER ]] || die "$RUNNER missing (make BUILD=$BUILD spectest-build)"
[[ ${#emu[@]} -eq 0 ]] || command -v "${emu[0]}" >/dev/null || die "$EMU missing (make deps)"
[[ -d $SUITE ]] || die "testsuite folder $SUITE not found (set WASM_TESTSUITE3=DIR)"
shopt -s nullglob
wasts=("$SUITE"/*.wast "$SUITE"/legacy/*.wast)
[[ ${#wasts[@]} -gt 0 ]] || die "no .wast files in $SUITE"
exec "${emu[@]}" "$RUNNER" --root "$SUITE" --skip tests/spec/skip3.txt --skip-counts "$@" "${wasts[@]}"
