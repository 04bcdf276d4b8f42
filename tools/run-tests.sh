#!/usr/bin/env bash
# Runs every test suite, one after another, and sums their verdicts.
#
# Each suite prints its own "N passed, N failed" as its last such line; a
# suite that ends without one (a crash, a hang past its timeout, a build that
# is missing) counts as one failure. Full logs go to $BUILD/test-logs/.
# The last line printed is the sum: "N passed, N failed"; the exit status is
# non-zero if anything failed.
set -u
BUILD=${BUILD:-build}
LOGS=$BUILD/test-logs
mkdir -p "$LOGS"

# name | command
suites=(
	"arch-check|tests/arch_check.sh"
	"host|$BUILD/host/test_host"
	"host-asan|$BUILD/host-asan/test_host"
	"host-tsan|env TSAN_OPTIONS=halt_on_error=1 $BUILD/host-tsan/test_host ${TSAN_FILTER:-}"
	"spec-selftest|env BUILD=$BUILD tests/spec/selftest.sh"
	"spectest|env BUILD=$BUILD tests/spec/run.sh"
	"spectest-guarded|env BUILD=$BUILD tests/spec/run.sh --guarded"
	"spectest-asan|env BUILD=$BUILD SPEC_RUNNER=$BUILD/host-asan/spectest tests/spec/run.sh --guarded"
	"spectest3|env BUILD=$BUILD tests/spec/run3.sh"
	"spectest3-guarded|env BUILD=$BUILD tests/spec/run3.sh --guarded"
	"spectest3-asan|env BUILD=$BUILD SPEC_RUNNER=$BUILD/host-asan/spectest tests/spec/run3.sh --guarded"
	"spectest-parallel-tsan|env BUILD=$BUILD TSAN_OPTIONS=halt_on_error=1 SPEC_RUNNER=$BUILD/host-tsan/spectest tests/spec/run.sh --validate-threads 4"
	"wasi|env BUILD=$BUILD tests/wasi/run.sh"
	"wasi-testsuite|env BUILD=$BUILD tests/wasi/testsuite.sh"
	"wasi-simd|env BUILD=$BUILD tests/wasi/simd.sh"
	"fuzz-replay|env BUILD=$BUILD tests/fuzz/replay.sh"
	"wasm-diff|$BUILD/host/wasm_diff --seeds 3000"
	"wasm-diff-base|$BUILD/host/wasm_diff --features base --seeds 1000"
	"spectest-rv64|env BUILD=$BUILD EMU=qemu-riscv64 SPEC_RUNNER=$BUILD/rv64/spectest tests/spec/run.sh"
	"spectest-rv64-guarded|env BUILD=$BUILD EMU=qemu-riscv64 SPEC_RUNNER=$BUILD/rv64/spectest tests/spec/run.sh --guarded"
	"wasi-rv64|env BUILD=$BUILD EMU=qemu-riscv64 WASMRUN=$BUILD/rv64/wasmrun tests/wasi/run.sh"
	"wasi-testsuite-rv64|env BUILD=$BUILD EMU=qemu-riscv64 WASMRUN=$BUILD/rv64/wasmrun tests/wasi/testsuite.sh"
	"fuzz-replay-rv64|env BUILD=$BUILD EMU=qemu-riscv64 REPLAY_DIR=$BUILD/rv64 tests/fuzz/replay.sh"
	"wasm-diff-rv64|env WASM_DIFF_B=checked qemu-riscv64 $BUILD/rv64/wasm_diff --seeds 2000"
	"wasm-diff-rv64-guarded|qemu-riscv64 $BUILD/rv64/wasm_diff --seeds 20"
	"rv64-enc-table|tools/gen-rv64-enc-table.py --check"
	"rv64-enc-exec|qemu-riscv64 $BUILD/rv64/test_rv64_enc"
	"rv64-jit-compile|env JIT_SPEC_DIR=$BUILD/spec/json JIT_SPEC_SIMD_DIR=$BUILD/spec/json-simd qemu-riscv64 $BUILD/rv64/test_rv64_jit"
	"rv64-jit-num|qemu-riscv64 $BUILD/rv64/test_rv64_jit_num"
	"rv64-jit-rt|qemu-riscv64 $BUILD/rv64/test_rv64_jit_rt"
	"spectest-rv64-jit|env BUILD=$BUILD EMU=qemu-riscv64 SPEC_RUNNER=$BUILD/rv64/spectest tests/spec/run.sh --jit"
	"spectest-rv64-jit-guarded|env BUILD=$BUILD EMU=qemu-riscv64 SPEC_RUNNER=$BUILD/rv64/spectest tests/spec/run.sh --jit --guarded"
	"spectest-jit-extra|$BUILD/host/spectest tests/spec/jit/*.wast"
	"spectest-rv64-jit-extra|qemu-riscv64 $BUILD/rv64/spectest --jit tests/spec/jit/*.wast"
	"wasm-diff-rv64-jit-table64|qemu-riscv64 $BUILD/rv64/wasm_diff --jit --features memory64 --seeds 50"
	"wasi-simd-rv64-jit|env BUILD=$BUILD EMU=qemu-riscv64 WASMRUN=$BUILD/rv64/wasmrun WASMRUN_ARGS=--jit tests/wasi/simd.sh"
	"wasi-rv64-jit|env BUILD=$BUILD EMU=qemu-riscv64 WASMRUN=$BUILD/rv64/wasmrun WASMRUN_ARGS=--jit tests/wasi/run.sh"
	"userland|env BUILD=$BUILD tests/userland/host.sh"
	"trace2json|env BUILD=$BUILD tests/trace2json/check.sh"
	"tracedat|env BUILD=$BUILD tests/tracedat/check.sh"
)
if [[ -z ${HOST_ONLY:-} ]]; then
	suites+=(
		"kernel-smp1|tools/qemu-test.sh $BUILD/kernel-test/loader.elf 1"
		"kernel-smp4|tools/qemu-test.sh $BUILD/kernel-test/loader.elf 4"
		"kernel-spectest-smp1|tools/qemu-test.sh $BUILD/kernel-spec/loader.elf 1 spec=/spec"
		"kernel-spectest-smp2-checked|tools/qemu-test.sh $BUILD/kernel-spec/loader.elf 2 spec=/spec spec_mem=checked"
		"kernel-spectest3-smp1|env QEMU_TIMEOUT=300 tools/qemu-test.sh $BUILD/kernel-spec/loader.elf 1 spec=/spec3 spec_suite=3.0"
		"kernel-spectest3-smp2-checked|env QEMU_TIMEOUT=300 tools/qemu-test.sh $BUILD/kernel-spec/loader.elf 2 spec=/spec3 spec_suite=3.0 spec_mem=checked"
		"kernel-boot|env BUILD=$BUILD tests/qemu/boot_checks.sh"
		"kernel-debug|env BUILD=$BUILD tests/qemu/debug_check.sh"
		"kernel-userland-smp1|tests/qemu/userland.py --smp 1 $BUILD/kernel/loader.elf"
		"kernel-userland-smp4|tests/qemu/userland.py --smp 4 $BUILD/kernel/loader.elf"
		"kernel-latency|tests/qemu/latency.py $BUILD/kernel/loader.elf"
		"kernel-console|tests/qemu/console_keys.py $BUILD/kernel/loader.elf"
		"kernel-trace-record|tests/qemu/trace_record.py --smp 2 $BUILD/kernel/loader.elf"
		"kernel-disk|tests/qemu/disk.py --smp 2 $BUILD/kernel/loader.elf"
		"kernel-wasi-testsuite|tests/qemu/wasi_testsuite.py --smp 2 $BUILD/kernel-wasits/loader.elf"
	)
fi

total_pass=0
total_fail=0
for entry in "${suites[@]}"; do
	name=${entry%%|*}
	cmd=${entry#*|}
	log=$LOGS/$name.log
	start=$(date +%s)
	printf '== %-14s ' "$name"
	$cmd >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	line=$(grep -aE '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [[ -z $line ]]; then
		pass=0
		fail=1
		echo "no verdict (exit $rc, ${secs}s); last lines of $log:"
		tail -n 20 "$log" | sed 's/^/   | /'
	else
		pass=$(sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed, ([0-9]+) failed.*/\2/' <<<"$line")
		fail=$(sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed, ([0-9]+) failed.*/\3/' <<<"$line")
		if [[ $fail -eq 0 && $rc -ne 0 ]]; then
			fail=1 # a clean count with a bad exit status is still a failure
			echo "$pass passed, but exit status $rc (${secs}s)"
			tail -n 20 "$log" | sed 's/^/   | /'
		else
			echo "$pass passed, $fail failed (${secs}s)"
		fi
		grep -aE '^(FAIL|  [^ ].*:[0-9]+: )' "$log" | head -n 40 | sed 's/^/   | /'
	fi
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
done
echo "$total_pass passed, $total_fail failed"
[[ $total_fail -eq 0 ]]
