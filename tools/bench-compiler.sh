#!/usr/bin/env bash
# The compiler tier's benchmark (issue 14): each bench/wasm program natively
# and as WebAssembly, by guest instruction counts, which do not depend on
# the host's load. Prints one line per program and tier, then the geometric
# mean of each tier's ratio to native:
#
#   bench=compiler where=rv64 name=fib native_insns=N interp_insns=I interp_ratio=I/N [jit_insns=J jit_ratio=J/N]
#   bench=compiler where=rv64 name=geomean interp_ratio=... [jit_ratio=...]
#
# where=rv64: static riscv64 Linux binaries under qemu-riscv64 with a
# plugin counting instructions (tools/qemu-insn/): the native program
# (clang -O2) against $(BUILD)/rv64/wasmrun running its .wasm, interpreted
# and (once wasmrun has --jit) compiled. The WebAssembly counts include
# wasmrun's start-up (reading, validating, instantiating: about 1-2 M
# instructions, under 1% of each run). Every run must print what the
# native one printed (the checksum), else the line says so and the script
# exits non-zero.
#
# where=kernel: the main kernel's `bench kwasm` (native kernel C against the
# same program as WebAssembly, each timed by rdtime) under -icount shift=0,
# where 1 ns of guest time is one instruction; interpreted (boot argument
# jit=0) and compiled (the default).
#
# compile: the compiler's speed in the kernel (MB of wasm per second of
# guest time) and its code size against the wasm it compiled.
#
#   make bench-build && tools/bench-compiler.sh [rv64|kernel|compile]
set -u
BUILD=${BUILD:-build}
EMU=${EMU:-qemu-riscv64}
PLUGIN=$BUILD/host/qemu_insn_count.so
WASMRUN=$BUILD/rv64/wasmrun
status=0

# name -> argument: about 30-400 M native instructions each
declare -A arg=([fib]=30 [coremix]=400 [nbody]=300000 [sha256]=80)

# insns OUT CMD... -> the instruction count; the program's output in OUT
insns() {
	local out=$1
	shift
	"$EMU" -plugin "$PLUGIN" -d plugin "$@" >"$out" 2>"$out.count" || echo "exit status $?" >>"$out"
	sed -n 's/^insns: //p' "$out.count"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
geomean() { awk '{s += log($1); n++} END {if (n) printf "%.2f", exp(s / n)}'; }

bench_rv64() {
	local tmp n a nat int jit has_jit=0 line
	local -a int_r=() jit_r=()
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' RETURN
	for f in "$PLUGIN" "$WASMRUN"; do
		[[ -e $f ]] || { echo "bench=compiler where=rv64 error=missing_$f (make bench-build)"; status=1; return; }
	done
	"$EMU" "$WASMRUN" --help 2>&1 | grep -q -- '--jit' && has_jit=1
	for n in fib coremix nbody sha256; do
		a=${arg[$n]}
		nat=$(insns "$tmp/native" "$BUILD/rv64/bench/$n" "$a")
		int=$(insns "$tmp/interp" "$WASMRUN" "$BUILD/bench/wasm/$n.wasm" "$a")
		if ! cmp -s "$tmp/native" "$tmp/interp" || [[ -z $nat || -z $int ]]; then
			echo "bench=compiler where=rv64 name=$n error=output_differs tier=interp"
			status=1
			continue
		fi
		line="bench=compiler where=rv64 name=$n native_insns=$nat interp_insns=$int interp_ratio=$(ratio "$int" "$nat")"
		int_r+=("$(ratio "$int" "$nat")")
		if ((has_jit)); then
			jit=$(insns "$tmp/jit" "$WASMRUN" --jit "$BUILD/bench/wasm/$n.wasm" "$a")
			if ! cmp -s "$tmp/native" "$tmp/jit" || [[ -z $jit ]]; then
				line+=" jit_error=output_differs"
				status=1
			else
				line+=" jit_insns=$jit jit_ratio=$(ratio "$jit" "$nat")"
				jit_r+=("$(ratio "$jit" "$nat")")
			fi
		fi
		echo "$line"
	done
	line="bench=compiler where=rv64 name=geomean interp_ratio=$(printf '%s\n' "${int_r[@]}" | geomean)"
	((${#jit_r[@]})) && line+=" jit_ratio=$(printf '%s\n' "${jit_r[@]}" | geomean)"
	echo "$line"
}

# icount_shell IMAGE MEM BOOTARGS: boots IMAGE on one hart under -icount
# shift=0, types stdin's lines into its shell, prints its output.
icount_shell() {
	tools/qemu-pipe.py --timeout 900 qemu-system-riscv64 -machine virt -smp 1 -m "$2" \
		-bios default -display none -serial stdio -monitor none -icount shift=0 \
		-kernel "$1" -append "$3" 2>&1 | tr -d '\r'
}

# The kernel's `bench kwasm` lines, with where=kernel and -icount: booted
# with jit=0 (every program interpreted), then with the default (compiled).
bench_kernel() {
	local tier args out
	for tier in interp jit; do
		args=""
		[[ $tier == interp ]] && args="jit=0"
		out=$(printf 'bench kwasm\nshutdown\n' | icount_shell "$BUILD/kernel/loader.elf" 256M "$args" |
			sed -nE "s/^bench=kwasm (.*)/bench=compiler where=kernel tier=$tier \\1/p")
		echo "$out"
		echo "bench=compiler where=kernel tier=$tier name=geomean ratio=$(
			sed -nE 's/.* ratio=([0-9.]+)$/\1/p' <<<"$out" | geomean)"
	done
}

# Compile speed in the kernel: the big image's 30 MiB generated program
# (tools/gen-bigwasm.py) with wasm:translate on, under -icount; the sum of
# the compiled functions' wasm bytes, code bytes and nanoseconds.
bench_compile() {
	printf 'trace enable wasm:translate\nrun /big/big.wasm\ntrace show\nshutdown\n' |
		icount_shell "$BUILD/kernel-big/loader.elf" 512M "" |
		awk '/ translate: .* tier=jit$/ {
			for (i = 1; i <= NF; i++) {
				split($i, kv, "=")
				if (kv[1] == "wasm_bytes") w += kv[2]
				if (kv[1] == "bytes") b += kv[2]
				if (kv[1] == "ns") ns += kv[2]
			}
			n++
		}
		END {
			if (!n || !ns) { print "bench=compiler where=kernel name=compile error=no_compiles"; exit 1 }
			printf "bench=compiler where=kernel name=compile funcs=%d wasm_bytes=%d code_bytes=%d guest_ns=%d mb_per_s=%.2f code_per_wasm=%.2f\n", n, w, b, ns, w / (ns / 1e9) / 1e6, b / w
		}'
}

case "${1:-all}" in
rv64) bench_rv64 ;;
kernel) bench_kernel ;;
compile) bench_compile || status=1 ;;
all) bench_rv64 && bench_kernel && { bench_compile || status=1; } ;;
*) echo "usage: tools/bench-compiler.sh [rv64|kernel|compile|all]" >&2; exit 2 ;;
esac
exit $status
