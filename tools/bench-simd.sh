#!/usr/bin/env bash
# bench/wasm built with -msimd128 ($BUILD/bench/wasm-simd/NAME.wasm) against
# the scalar build ($BUILD/bench/wasm/NAME.wasm), on each tier:
#
#   bench=simd tier=interp name=NAME scalar_s=X simd_s=Y ratio=Y/X simd_insns=K
#       host wasmrun (the interpreter), wall-clock seconds, median of 3;
#       simd_insns: SIMD instructions in the SIMD build (wabt's disassembler)
#   bench=simd tier=interp|jit where=rv64 name=NAME scalar_insns=X simd_insns=Y ratio=Y/X
#       $(BUILD)/rv64/wasmrun without and with --jit under qemu-riscv64,
#       guest instructions (the qemu plugin of tools/bench-compiler.sh):
#       independent of the host's load; functions the compiler refuses run
#       interpreted, so tier=jit is what SIMD code costs today
#
# Both builds must print the same output (the checksum), else the line says
# output_differs and the script exits non-zero. Figures are printed, never
# asserted.
#
#   make bench-simd-build && BUILD=build tools/bench-simd.sh [interp|rv64]
set -u
BUILD=${BUILD:-build}
WASMRUN=${WASMRUN:-$BUILD/host/wasmrun}
EMU=${EMU:-qemu-riscv64}
PLUGIN=$BUILD/host/qemu_insn_count.so
RV64_WASMRUN=$BUILD/rv64/wasmrun
status=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# name -> argument: the host runs of tools/bench-wasm.sh, the rv64 runs of
# tools/bench-compiler.sh
declare -A arg=([fib]=38 [coremix]=4000 [nbody]=3000000 [sha256]=800)
declare -A rv64_arg=([fib]=30 [coremix]=400 [nbody]=300000 [sha256]=80)
names=(fib coremix nbody sha256)

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b / a}'; }

# wall OUT CMD... -> median seconds of 3 runs; the last run's output in OUT
wall() {
	local out=$1 i s e
	shift
	for i in 1 2 3; do
		s=$(date +%s.%N)
		"$@" >"$out" 2>&1 || echo "exit status $?" >>"$out"
		e=$(date +%s.%N)
		awk -v s="$s" -v e="$e" 'BEGIN {printf "%.6f\n", e - s}'
	done | median
}

# insns OUT CMD... -> guest instructions of one run under qemu-riscv64
insns() {
	local out=$1
	shift
	"$EMU" -plugin "$PLUGIN" -d plugin "$@" >"$out" 2>"$out.count" || echo "exit status $?" >>"$out"
	sed -n 's/^insns: //p' "$out.count"
}

simd_count() {
	if command -v wasm-objdump >/dev/null; then
		wasm-objdump -d "$1" | grep -cE '\b(v128|i8x16|i16x8|i32x4|i64x2|f32x4|f64x2)\.'
	else
		echo "?"
	fi
}

bench_interp() {
	local n s v
	for n in "${names[@]}"; do
		if [[ ! -x $WASMRUN || ! -f $BUILD/bench/wasm/$n.wasm || ! -f $BUILD/bench/wasm-simd/$n.wasm ]]; then
			echo "bench=simd tier=interp name=$n error=missing_binaries (make bench-simd-build)"
			status=1
			continue
		fi
		s=$(wall "$tmp/scalar" "$WASMRUN" "$BUILD/bench/wasm/$n.wasm" "${arg[$n]}")
		v=$(wall "$tmp/simd" "$WASMRUN" "$BUILD/bench/wasm-simd/$n.wasm" "${arg[$n]}")
		if ! cmp -s "$tmp/scalar" "$tmp/simd"; then
			echo "bench=simd tier=interp name=$n error=output_differs simd='$(head -c 200 "$tmp/simd")'"
			status=1
			continue
		fi
		printf 'bench=simd tier=interp name=%s scalar_s=%.3f simd_s=%.3f ratio=%s simd_insns=%s\n' \
			"$n" "$s" "$v" "$(ratio "$s" "$v")" "$(simd_count "$BUILD/bench/wasm-simd/$n.wasm")"
	done
}

bench_rv64() {
	local n s v f tier
	local -a flags
	for f in "$PLUGIN" "$RV64_WASMRUN"; do
		[[ -e $f ]] || { echo "bench=simd where=rv64 error=missing_$f (make bench-build)"; status=1; return; }
	done
	command -v "$EMU" >/dev/null || { echo "bench=simd where=rv64 error=missing_$EMU (make deps)"; status=1; return; }
	for tier in interp jit; do
		flags=()
		[[ $tier == jit ]] && flags=(--jit)
		for n in "${names[@]}"; do
			s=$(insns "$tmp/scalar" "$RV64_WASMRUN" "${flags[@]}" "$BUILD/bench/wasm/$n.wasm" "${rv64_arg[$n]}")
			v=$(insns "$tmp/simd" "$RV64_WASMRUN" "${flags[@]}" "$BUILD/bench/wasm-simd/$n.wasm" "${rv64_arg[$n]}")
			if ! cmp -s "$tmp/scalar" "$tmp/simd" || [[ -z $s || -z $v ]]; then
				echo "bench=simd tier=$tier where=rv64 name=$n error=output_differs simd='$(head -c 200 "$tmp/simd")'"
				status=1
				continue
			fi
			echo "bench=simd tier=$tier where=rv64 name=$n scalar_insns=$s simd_insns=$v ratio=$(ratio "$s" "$v")"
		done
	done
}

case ${1:-all} in
interp) bench_interp ;;
rv64) bench_rv64 ;;
*)
	bench_interp
	bench_rv64
	;;
esac
exit $status
