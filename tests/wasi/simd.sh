#!/usr/bin/env bash
# The WASI test programs built with -msimd128 ($BUILD/wasi-simd/NAME.wasm)
# must run as their scalar builds ($BUILD/wasi/NAME.wasm) do under wasmrun:
# the same stdout, exit status and first line of stderr (the trap message;
# backtraces give code offsets, which differ between the builds). Each
# case runs both builds, with guarded and with --checked memory.
# vector.wasm is the one that leans on SIMD (vectorized loops, and one
# wasm_simd128.h intrinsic per case against the same semantics in C); the
# first case checks that its SIMD build is full of SIMD instructions and
# its scalar build has none, so the comparison means something.
# Last line: "N passed, N failed".
#
#   BUILD=build tests/wasi/simd.sh [FILTER]      (needs make host-test-build)
#   EMU=qemu-riscv64 WASMRUN=build/rv64/wasmrun [WASMRUN_ARGS=--jit] tests/wasi/simd.sh
set -u
BUILD=${BUILD:-build}
WASMRUN=${WASMRUN:-$BUILD/host/wasmrun}
read -ra wargs <<<"${WASMRUN_ARGS:-}"
read -ra emu <<<"${EMU:-}"
FILTER=${1:-}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

result() { # NAME OK [WHY...]
	if [[ $2 -eq 1 ]]; then
		echo "ok   $1"
		pass=$((pass + 1))
	else
		echo "FAIL $1"
		shift 2
		printf '     %s\n' "$@"
		fail=$((fail + 1))
	fi
}

# run_one DIR OUTPREFIX WASMRUN-ARGS... (the program is DIR/NAME.wasm in the args
# as @W@/NAME.wasm); a fresh sandbox for basics, the same stdin for all
run_one() {
	local dir=$1 o=$2
	shift 2
	rm -rf "$tmp/sandbox" && mkdir -p "$tmp/sandbox"
	timeout 120 "${emu[@]}" "$WASMRUN" "${wargs[@]}" "${@//@W@/$dir}" \
		<"$tmp/input" >"$o.out" 2>"$o.err"
	echo $? >"$o.status"
	head -n 1 "$o.err" >"$o.err1"
}

# compare NAME WASMRUN-ARGS...: scalar build vs SIMD build, both memory modes
compare() {
	local name=$1 mode why
	shift
	[[ -z $FILTER || $name == *"$FILTER"* ]] || return 0
	for mode in guarded checked; do
		local -a flags=()
		[[ $mode == checked ]] && flags=(--checked)
		run_one "$BUILD/wasi" "$tmp/s" "${flags[@]}" "$@"
		run_one "$BUILD/wasi-simd" "$tmp/v" "${flags[@]}" "$@"
		why=()
		cmp -s "$tmp/s.status" "$tmp/v.status" ||
			why+=("exit status $(cat "$tmp/s.status") scalar, $(cat "$tmp/v.status") simd")
		cmp -s "$tmp/s.out" "$tmp/v.out" ||
			why+=("stdout differs:" "$(diff "$tmp/s.out" "$tmp/v.out" | head -n 10)")
		cmp -s "$tmp/s.err1" "$tmp/v.err1" ||
			why+=("stderr: '$(cat "$tmp/s.err1")' scalar, '$(cat "$tmp/v.err1")' simd")
		[[ -s $tmp/s.out || -s $tmp/s.err1 || $(cat "$tmp/s.status") != 0 ]] ||
			why+=("the scalar build printed nothing")
		result "$name-$mode" $((${#why[@]} == 0)) "${why[@]}"
	done
}

for f in "$WASMRUN" "$BUILD/wasi/vector.wasm" "$BUILD/wasi-simd/vector.wasm"; do
	if [[ ! -e $f ]]; then
		echo "FAIL setup: $f missing (make host-test-build)"
		echo "0 passed, 1 failed"
		exit 1
	fi
done
printf 'first line\n  second\nlast' >"$tmp/input"

# SIMD instructions in each build (wabt's disassembler)
simd_count() {
	wasm-objdump -d "$1" | grep -cE '\b(v128|i8x16|i16x8|i32x4|i64x2|f32x4|f64x2)\.'
}
if [[ -z $FILTER || vector-has-simd == *"$FILTER"* ]]; then
	if ! command -v wasm-objdump >/dev/null; then
		result vector-has-simd 0 "wasm-objdump (wabt) missing: make deps"
	else
		ns=$(simd_count "$BUILD/wasi/vector.wasm")
		nv=$(simd_count "$BUILD/wasi-simd/vector.wasm")
		result vector-has-simd $((ns == 0 && nv >= 100)) \
			"SIMD instructions: $ns in the scalar build, $nv in the SIMD build (want 0 and >= 100)"
	fi
fi

compare vector @W@/vector.wasm
compare basics --dir "$tmp/sandbox:/sandbox" --env BASICS_GREETING=hi @W@/basics.wasm /sandbox a "b c"
compare exit3 @W@/exit3.wasm
for m in div oob abort recurse; do
	compare "trap-$m" @W@/trap.wasm "$m"
done
compare invoke-add --invoke add @W@/invoke.wasm 0x7fffffff 1
compare invoke-mul64 --invoke mul64 @W@/invoke.wasm 4294967296 -2
compare invoke-half --invoke half @W@/invoke.wasm 2.5
compare invoke-hello --invoke hello @W@/invoke.wasm

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
