#!/usr/bin/env bash
# bench-bigstart.sh - a big program's start-up (issue 13): the generated
# module $BUILD/bench/big.wasm (30 MiB of functions, tools/gen-bigwasm.py,
# a WASI command that prints "big.wasm: N functions, checksum X") from its
# command to its first instruction. Prints "bench=bigstart ..." lines;
# figures are printed, never asserted. Needs `make bench-build` (or
# `make wasmrun kernel-big`); run alone as BUILD=build tools/bench-bigstart.sh.
#
#   where=host    build/host/wasmrun --timings, median of 5 runs (by time to
#                 the first instruction), validating on one thread
#                 (--jobs 0) and on one per host CPU (wasmrun's default);
#                 validate_mb_s is the module's bytes (10^6) per second of
#                 validation
#   bench=validate  the validator's throughput alone (bench_validate): MB of
#                 code section per second on one thread and on all
#   where=kernel  the big image (kernel-big, /big/big.wasm) runs it twice
#                 from the shell: run=first decodes and validates it,
#                 run=cached finds it kept (kernel/wasm/modcache.c). From
#                 the trace: shell:line (the shell starts the command) to
#                 wasm:start (the program's entry is next) is
#                 first_instruction_ms; wasm:load splits it into decode,
#                 validate and instantiate; other_ms is the rest (reading
#                 the line, finding the file, spawning, the first poll).
#                 total_ms runs to wasm:instance_exit; compiled= is how
#                 many functions it ran compiled (translated, with jit=0):
#                 a cached run finds those the first run compiled, kept
#                 with the module, and compiles none of them again.
#                 clock=icount: QEMU -icount shift=0, guest time = guest
#                 instructions (1 ns each), deterministic; clock=tcg: plain
#                 TCG, guest time follows the host's clock (noisy).
#
# -icount on more than one hart: the first run does not finish in 10
# minutes on 2 or 4 harts (hello does, and plain TCG does): hart 0 waits in
# OpenSBI inside sbi_remote_sfence_vma (a cross-CPU TLB flush, 19 of them in
# the first run) while QEMU's round-robin -icount mode never runs the other
# hart past OpenSBI's trap entry. So SMP=4 is measured under plain TCG
# (clock=tcg) beside SMP=1 under both; BIGSTART_ICOUNT_SMP="1 4" tries
# -icount on 4 harts too.
set -u
BUILD=${BUILD:-build}
BIG=$BUILD/bench/big.wasm
WASMRUN=$BUILD/host/wasmrun
IMAGE=$BUILD/kernel-big/loader.elf
MEM=${BIGSTART_MEM:-192M} # 128M is the least that runs it twice (Dec 2026)
ICOUNT_SMP=${BIGSTART_ICOUNT_SMP-1}
TCG_SMP=${BIGSTART_TCG_SMP-1 4}
LINE_RE='^big\.wasm: [0-9]+ functions, checksum [0-9a-f]{16}$'

for f in "$BIG" "$WASMRUN" "$IMAGE" "$BUILD/host/bench/bench_validate"; do
	[[ -e $f ]] || { echo "bench=bigstart error=missing file=$f (make bench-build)"; exit 0; }
done
bytes=$(stat -c %s "$BIG")

# host_once [wasmrun args...] -> "read decode validate instantiate first" (ms)
host_once() {
	local out
	out=$("$WASMRUN" --timings "$@" "$BIG" 2>&1)
	grep -qE "$LINE_RE" <<<"$out" || return 1
	sed -nE 's/.*read ([0-9.]+) ms, decode ([0-9.]+) ms, validate ([0-9.]+) ms, instantiate ([0-9.]+) ms; first instruction at ([0-9.]+) ms.*/\1 \2 \3 \4 \5/p' <<<"$out"
}

# host_bench THREADS [wasmrun args...]: the run of median time to the first
# instruction among 5
host_bench() {
	local threads=$1 runs
	shift
	runs=$(for _ in 1 2 3 4 5; do host_once "$@" || echo fail; done)
	if grep -q fail <<<"$runs"; then
		echo "bench=bigstart where=host threads=$threads error=run_failed"
		return
	fi
	sort -n -k5 <<<"$runs" | sed -n 3p | awk -v b="$bytes" -v j="$threads" '{
		printf "bench=bigstart where=host threads=%s bytes=%d read_ms=%s decode_ms=%s validate_ms=%s instantiate_ms=%s first_instruction_ms=%s validate_mb_s=%.0f\n",
			j, b, $1, $2, $3, $4, $5, ($3 > 0 ? b / 1e3 / $3 : 0) }'
}

host_bench 1 --jobs 0
host_bench "$(nproc)"

# The validator alone (bench/validate/bench_validate.c), side by side on one
# thread and on one per CPU: on big.wasm and on a program clang compiled
# (the largest demo), whose instruction mix is a real compiler's.
for f in "$BIG" "$BUILD/initrd-root/bin/files.wasm"; do
	"$BUILD/host/bench/bench_validate" --runs 7 "$f" | sed "s|^bench=validate |bench=validate file=${f##*/} |"
done

# kernel_bench CLOCK SMP: boots the big image, runs big.wasm twice with
# shell:line, wasm:load and wasm:start on, then prints one line per run.
kernel_bench() {
	local clock=$1 smp=$2 log icount=()
	log=$(mktemp)
	[[ $clock == icount ]] && icount=(-icount shift=0)
	printf '%s\n' "trace enable shell:line wasm:load wasm:start wasm:instance_exit" \
		"/big/big.wasm" "/big/big.wasm" \
		"trace show" "shutdown" |
		tools/qemu-pipe.py --timeout 600 qemu-system-riscv64 -machine virt -smp "$smp" -m "$MEM" \
			-bios default -display none -serial stdio -monitor none "${icount[@]}" \
			-kernel "$IMAGE" 2>&1 | tr -d '\r' >"$log"
	if [[ $(grep -cE "$LINE_RE" "$log") -ne 2 ]]; then
		echo "bench=bigstart where=kernel clock=$clock smp=$smp error=run_failed"
		rm -f "$log"
		return
	fi
	# "TIMESTAMP: line: line=/big/big.wasm", "TIMESTAMP: load: prog=big ...",
	# "TIMESTAMP: start: prog=big entry=..." in that order, per run
	awk -v clock="$clock" -v smp="$smp" '
		function ts(s) { sub(/:$/, "", s); return s * 1000 }
		$0 ~ / line: line=\/big\/big\.wasm$/ { t0 = ts($4); next }
		$0 ~ / load: prog=big / {
			for (i = 5; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
			next
		}
		$0 ~ / start: prog=big / && t0 != "" { first = ts($4) - t0; next }
		$0 ~ / instance_exit: prog=big / && t0 != "" {
			for (i = 5; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
			spent = (f["find_us"] + f["decode_us"] + f["validate_us"] + f["instantiate_us"]) / 1000
			printf "bench=bigstart where=kernel clock=%s smp=%s run=%s bytes=%s decode_ms=%.3f validate_ms=%.3f instantiate_ms=%.3f other_ms=%.3f first_instruction_ms=%.3f total_ms=%.3f compiled=%s\n",
				clock, smp, f["cached"] ? "cached" : "first", f["bytes"], f["decode_us"] / 1000,
				f["validate_us"] / 1000, f["instantiate_us"] / 1000, first - spent, first,
				ts($4) - t0, f["translated"]
			t0 = ""
		}' "$log"
	rm -f "$log"
}

for smp in $ICOUNT_SMP; do
	kernel_bench icount "$smp"
done
for smp in $TCG_SMP; do
	kernel_bench tcg "$smp"
done
