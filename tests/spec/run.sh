#!/usr/bin/env bash
# run.sh - the official WebAssembly spec testsuite against lib/wasm.
#
# Runs every .wast of $WASM_TESTSUITE with $SPEC_RUNNER (default
# $BUILD/host/spectest, from make spectest-build), which reads the scripts
# itself (text-format modules included), passing on the arguments (e.g.
# --guarded, -v, -j 2). One line per file; the last line is "N passed,
# N failed", counted per command. Skips: tests/spec/skip.txt. The 2.0
# suite expects a 2.0 engine ("multiple memories" is invalid there): the
# features after 2.0 are turned off (SPEC_FEATURES_OFF, default all but
# simd, which is 2.0's; empty: none).
#
#   BUILD=build WASM_TESTSUITE=../shared/wasm-testsuite tests/spec/run.sh [--guarded]
#   SPEC_RUNNER=build/host-asan/spectest tests/spec/run.sh     (under ASan)
#   EMU=qemu-riscv64 SPEC_RUNNER=build/rv64/spectest tests/spec/run.sh
#        (EMU: a command put in front of the runner, e.g. an emulator)
set -u
BUILD=${BUILD:-build}
SUITE=${WASM_TESTSUITE:-../shared/wasm-testsuite}
RUNNER=${SPEC_RUNNER:-$BUILD/host/spectest}
read -ra emu <<<"${EMU:-}"

die() {
	echo "spec: $*"
	echo "0 passed, 1 failed"
	exit 1
}

[[ -x $RUNNER ]] || die "$RUNNER missing (make BUILD=$BUILD spectest-build)"
[[ ${#emu[@]} -eq 0 ]] || command -v "${emu[0]}" >/dev/null || die "$EMU missing (make deps)"
[[ -d $SUITE ]] || die "testsuite folder $SUITE not found (set WASM_TESTSUITE=DIR)"
shopt -s nullglob
wasts=("$SUITE"/*.wast)
[[ ${#wasts[@]} -gt 0 ]] || die "no .wast files in $SUITE"
post20=relaxed-simd,tail-call,extended-const,multi-memory,memory64,exceptions,function-references,gc
off=()
[[ -n ${SPEC_FEATURES_OFF-$post20} ]] && off=(--features-off "${SPEC_FEATURES_OFF-$post20}")
exec "${emu[@]}" "$RUNNER" --skip tests/spec/skip.txt "${off[@]}" "$@" "${wasts[@]}"
