#!/usr/bin/env bash
# run.sh - the official WebAssembly spec testsuite against lib/wasm.
#
# Converts every non-SIMD .wast of $WASM_TESTSUITE with wast2json into
# $BUILD/spec/json/ (only those whose .wast is newer than their .json), then
# runs them all with $SPEC_RUNNER (default $BUILD/host/spectest, from make
# spectest-build), passing on the arguments (e.g. --guarded, -v, -j 2). One
# line per file; the last line is "N passed, N failed", counted per command.
# Skips: tests/spec/skip.txt.
#
#   BUILD=build WASM_TESTSUITE=../shared/wasm-testsuite tests/spec/run.sh [--guarded]
#   SPEC_RUNNER=build/host-asan/spectest tests/spec/run.sh     (under ASan)
#   EMU=qemu-riscv64 SPEC_RUNNER=build/rv64/spectest tests/spec/run.sh
#        (EMU: a command put in front of the runner, e.g. an emulator)
set -u
BUILD=${BUILD:-build}
SUITE=${WASM_TESTSUITE:-../shared/wasm-testsuite}
RUNNER=${SPEC_RUNNER:-$BUILD/host/spectest}
OUT=$BUILD/spec/json
read -ra emu <<<"${EMU:-}"

die() {
	echo "spec: $*"
	echo "0 passed, 1 failed"
	exit 1
}

[[ -x $RUNNER ]] || die "$RUNNER missing (make BUILD=$BUILD spectest-build)"
[[ ${#emu[@]} -eq 0 ]] || command -v "${emu[0]}" >/dev/null || die "$EMU missing (make deps)"
command -v wast2json >/dev/null || die "wast2json missing (apt install wabt)"
[[ -d $SUITE ]] || die "testsuite folder $SUITE not found (set WASM_TESTSUITE=DIR)"
shopt -s nullglob
jsons=()
for w in "$SUITE"/*.wast; do
	name=$(basename "$w" .wast)
	[[ $name == simd_* ]] && continue
	jsons+=("$OUT/$name.json")
done
[[ ${#jsons[@]} -gt 0 ]] || die "no .wast files in $SUITE"
mkdir -p "$OUT" || die "cannot create $OUT"

# wast2json writes NAME.json plus NAME.N.wasm / NAME.N.wat beside it. A
# failed conversion leaves no .json: the runner then counts that file as one
# failure ("cannot open or read").
for json in "${jsons[@]}"; do
	name=$(basename "$json" .json)
	w=$SUITE/$name.wast
	if [[ ! -f $json || $json -ot $w ]]; then
		rm -f "$json" "$OUT/$name".[0-9]*.wasm "$OUT/$name".[0-9]*.wat
		if ! wast2json "$w" -o "$json" >"$OUT/$name.log" 2>&1; then
			echo "spec: $name.wast: wast2json failed, see $OUT/$name.log"
			rm -f "$json"
		fi
	fi
done
exec "${emu[@]}" "$RUNNER" --skip tests/spec/skip.txt "$@" "${jsons[@]}"
