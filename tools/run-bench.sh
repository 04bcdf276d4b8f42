#!/usr/bin/env bash
# Runs every benchmark and prints one "bench=NAME key=value..." line each.
# Figures are printed, never asserted: machines are shared and noisy.
#
#   boot       guest time from reset to the shell prompt, with QEMU's
#              -icount shift=0 (one instruction = 1 ns of guest time), so
#              the figure does not depend on how loaded the host is;
#              median of 3 boots (KASLR changes the layout each time); the
#              loader + kernel part (from the loader's first instruction)
#              is the figure to quote, also for the big image (kernel-big).
#   kasync     executor workloads on the host (tools/bench-exec.sh: medians
#              and spread over rounds, ratios to tokio and oneTBB run side by
#              side, callgrind instructions per operation), then
#              inside the test kernel (bootarg bench=exec) on SMP=1 and 4,
#              in guest ns under -icount shift=0 (= guest instructions),
#              with wake IPIs, wfi and waits per op; SMP=4 once more
#              without -icount (where=kernel_mttcg: the work spreads).
#   trace      tracepoint and log costs on the host (see bench/trace/).
#   heap       lib/mem/heap's common paths on the host (see bench/mem/).
#   ext2       lib/ext2's sequential write and read MB/s over a memory device
#              on the host (see bench/ext2/).
#   disk       the same through the kernel: `diskbench` on /data (ext2 on
#              virtio-blk), write+sync and read MB/s in guest time, TCG.
#   startup    a program's start-up in the kernel (wasm:load, -icount): the
#              first run of hello and one that finds its module kept.
#   bigstart   a 30 MiB generated program's time to its first instruction on
#              the host (wasmrun) and in the kernel (first run and from the
#              module cache): tools/bench-bigstart.sh, which runs alone too.
#   kbench     the main kernel's `bench` command (kernel/bench/): bench/wasm
#              natively in the kernel vs as WASM, host vs WASM call cost,
#              hello.wasm latency, boot to prompt; TCG without -icount.
#   wasm       bench/wasm/*.c natively and under wasmrun (tools/bench-wasm.sh).
#   compiler   bench/wasm natively vs as WebAssembly by guest instruction
#              counts: riscv64 binaries under qemu-riscv64, and the kernel's
#              bench kwasm under -icount (tools/bench-compiler.sh).
#   simd       bench/wasm built with -msimd128 vs the scalar build, on the
#              interpreter and the compiler (tools/bench-simd.sh).
#   mem        the memory-pressure sequences of tests/qemu/checks_pressure.py
#              through the shell on SMP=1: the frames free or held by the heap
#              and page tables, and the heap's bytes in use, before and after
#              each (equal when nothing is kept).
set -u
BUILD=${BUILD:-build}

boot_once() { # boot_once SMP IMAGE -> "since_reset_ms loader_ms kernel_ms"
	printf 'shutdown\n' | tools/qemu-pipe.py --timeout 60 qemu-system-riscv64 -machine virt \
		-smp "$1" -m 256M -bios default -display none -serial stdio -monitor none \
		-icount shift=0 -kernel "$2" 2>&1 |
		sed -nE 's/.*Booted in ~([0-9.]+) ms \(loader ([0-9.]+) ms, kernel ([0-9.]+) ms\).*/\1 \2 \3/p'
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# boot_bench NAME IMAGE SMP: medians of 3 boots; loader + kernel is the
# figure to quote (OpenSBI, before the loader, is not ours).
boot_bench() {
	local runs
	runs=$(for i in 1 2 3; do boot_once "$3" "$2"; done)
	printf 'bench=%s smp=%s guest_ms_since_reset=%s guest_ms_in_loader_and_kernel=%s guest_ms_in_loader=%s guest_ms_in_kernel=%s\n' \
		"$1" "$3" "$(awk '{print $1}' <<<"$runs" | median)" \
		"$(awk '{printf "%.3f\n", $2 + $3}' <<<"$runs" | median)" \
		"$(awk '{print $2}' <<<"$runs" | median)" "$(awk '{print $3}' <<<"$runs" | median)"
}

for smp in 1 4 8; do
	boot_bench boot "$BUILD/kernel/loader.elf" "$smp"
done
# the same with the big image's 44 MB initrd (make kernel-big): mapped where
# QEMU loaded it, it costs about 1 ms more (11,000 pages to map)
boot_bench boot_big_initrd "$BUILD/kernel-big/loader.elf" 1

# medians and spread over 5 rounds, side by side with tokio and oneTBB
# when ../shared/peer-bench is built; instruction counts with valgrind
BUILD="$BUILD" CALLGRIND=1 tools/bench-exec.sh 5

for smp in 1 4; do
	timeout 300 qemu-system-riscv64 -machine virt -smp "$smp" -m 256M -bios default \
		-display none -serial stdio -monitor none -icount shift=0 \
		-kernel "$BUILD/kernel-test/loader.elf" -append "bench=exec log=warn" 2>&1 |
		sed -nE 's/^bench=([a-z_]+) threads=([0-9]+) (.*)/bench=\1 where=kernel smp=\2 \3/p'
done
# the same on SMP=4 without -icount (multi-threaded TCG): under -icount
# QEMU runs the harts in turn and a hart woken by an IPI runs only once the
# sender stops, so there the work never leaves the boot CPU (elsewhere_pct=0);
# here the ns follow the host's load, the IPI/wfi counts per op do not much
timeout 300 qemu-system-riscv64 -machine virt -smp 4 -m 256M -bios default \
	-display none -serial stdio -monitor none \
	-kernel "$BUILD/kernel-test/loader.elf" -append "bench=exec log=warn" 2>&1 |
	sed -nE 's/^bench=([a-z_]+) threads=([0-9]+) (.*)/bench=\1 where=kernel_mttcg smp=\2 \3/p'

# The engine inside the kernel: embedded programs, guest time under -icount.
timeout 300 qemu-system-riscv64 -machine virt -smp 1 -m 256M -bios default \
	-display none -serial stdio -monitor none -icount shift=0 \
	-kernel "$BUILD/kernel-test/loader.elf" -append "bench=wasm log=warn" 2>&1 | grep '^bench='

# A program's start-up in the main kernel, guest time under -icount on one
# hart, from the wasm:load tracepoint: the first run of hello, then a run
# that finds its module kept (kernel/wasm/modcache.c).
printf 'trace enable wasm:load\nhello\nhello\ntrace show\nshutdown\n' |
	tools/qemu-pipe.py --timeout 120 qemu-system-riscv64 -machine virt -smp 1 -m 256M \
		-bios default -display none -serial stdio -monitor none -icount shift=0 \
		-kernel "$BUILD/kernel/loader.elf" 2>&1 | tr -d '\r' |
	sed -nE 's/.* load: prog=([a-z]+) bytes=([0-9]+) funcs=[0-9]+ cached=([01]) find_us=([0-9]+) decode_us=([0-9]+) validate_us=([0-9]+) instantiate_us=([0-9]+)$/bench=startup prog=\1 bytes=\2 cached=\3 find_us=\4 decode_us=\5 validate_us=\6 instantiate_us=\7/p'

BUILD="$BUILD" tools/bench-bigstart.sh

# The in-kernel benchmarks (kernel/bench/, the shell's `bench`) in the main
# kernel on SMP=1, without -icount (plain TCG: rdtime follows the host, so
# the figures move with the host's load; ratios are the useful part).
printf 'bench\nshutdown\n' | RUN_TIMEOUT=600 tools/qemu-run.sh "$BUILD/kernel/loader.elf" 1 256M 2>&1 |
	tr -d '\r' | sed -nE 's/^bench=([a-z_]+) (.*)/bench=\1 where=kernel \2/p'

"$BUILD/host/bench_trace"

# "ok   shell.pressure_NAME (...; frames F0 -> F1, heap H0 -> H1 bytes in A0 -> A1 allocations)"
tests/qemu/userland.py --smp 1 --only pressure -v --log "$BUILD/bench-pressure.transcript" \
	"$BUILD/kernel/loader.elf" 2>&1 |
	sed -nE 's/^ok +shell\.pressure_([a-z_]+) \((.*; )?frames ([0-9]+) -> ([0-9]+), heap ([0-9]+) -> ([0-9]+) bytes in ([0-9]+) -> ([0-9]+) allocations\)$/bench=mem_pressure seq=\1 frames_free_or_heap_before=\3 frames_free_or_heap_after=\4 heap_in_use_before=\5 heap_in_use_after=\6 heap_allocs_before=\7 heap_allocs_after=\8/p'

"$BUILD/host/bench/bench_heap"

"$BUILD/host/bench/bench_ext2"

# /data: `diskbench` (kernel/bench/kbench_disk.c) on a fresh 256 MiB ext2
# image with 4 KiB blocks (tools/mkdisk.sh), SMP=1, plain TCG: sequential
# write (with the sync) and read MB/s of 16 and 64 MiB files, guest time.
rm -f "$BUILD/bench-disk.img"
tools/mkdisk.sh "$BUILD/bench-disk.img" "" 256M 2>/dev/null &&
	printf 'diskbench -s 16\ndiskbench -s 64\nshutdown\n' |
	DISK="$BUILD/bench-disk.img" RUN_TIMEOUT=300 tools/qemu-run.sh "$BUILD/kernel/loader.elf" 1 256M 2>&1 |
	tr -d '\r' | sed -nE 's/^bench=disk (.*)/bench=disk where=kernel \1/p'
rm -f "$BUILD/bench-disk.img"

BUILD="$BUILD" tools/bench-wasm.sh

BUILD="$BUILD" tools/bench-compiler.sh

BUILD="$BUILD" tools/bench-simd.sh
