#!/usr/bin/env bash
# Replays every kept WebAssembly fuzzer input (tests/fuzz/regress/wasm_decode/
# and wasm_run/) through both wasm targets, built without libFuzzer but with
# ASan+UBSan ($BUILD/host-asan/fuzz_replay_<target>); the run target twice,
# with checked and with guarded memory. Then each kept input of the
# differential target (tests/fuzz/regress/wasm_diff/) through its driver
# ($BUILD/host-asan/wasm_diff FILE: a module generated from it, checked vs
# guarded memory must agree), twice: with every feature the generator has
# (SIMD, multiple memories, memory64, ...) and with its base set (the
# modules the inputs kept before those gave). One test per (file, target,
# mode); a
# crash, sanitizer report, leak, mismatch or timeout fails it. A missing
# replay binary or an empty regress directory fails too. Then each kept
# ext2 image (tests/fuzz/regress/ext2/) through $REPLAY_DIR/
# fuzz_replay_ext2 (ext2_exercise.h: mount, walk, change, remount).
# Last line: "N passed, N failed".
#
#   BUILD=build tests/fuzz/replay.sh
#   EMU=qemu-riscv64 REPLAY_DIR=build/rv64 tests/fuzz/replay.sh
#        (the riscv64 replays, plain -O2 builds; EMU: a command put in front
#        of each replay, e.g. an emulator)
set -u
BUILD=${BUILD:-build}
REGRESS=${REGRESS:-tests/fuzz/regress}
REPLAY_DIR=${REPLAY_DIR:-$BUILD/host-asan}
read -ra emu <<<"${EMU:-}"
pass=0
fail=0

targets=(wasm_decode wasm_run)
for t in "${targets[@]}"; do
	if [[ ! -x $REPLAY_DIR/fuzz_replay_$t ]]; then
		echo "FAIL $t: $REPLAY_DIR/fuzz_replay_$t missing (make host-test-build)"
		fail=$((fail + 1))
	fi
done

for dir in "$REGRESS/wasm_decode" "$REGRESS/wasm_run"; do
	files=("$dir"/*)
	if [[ ! -e ${files[0]} ]]; then
		echo "FAIL $dir: no files"
		fail=$((fail + 1))
		continue
	fi
	for f in "${files[@]}"; do
		for tm in wasm_decode:checked wasm_run:checked wasm_run:guarded; do
			t=${tm%%:*}
			mode=${tm#*:}
			bin=$REPLAY_DIR/fuzz_replay_$t
			[[ -x $bin ]] || continue
			guarded=
			[[ $mode == guarded ]] && guarded=1
			if out=$(WASM_FUZZ_GUARDED=$guarded timeout 60 "${emu[@]}" "$bin" "$f" 2>&1); then
				echo "ok   $t/$mode $f"
				pass=$((pass + 1))
			else
				echo "FAIL $t/$mode $f (exit $?)"
				tail -n 30 <<<"$out" | sed 's/^/   | /'
				fail=$((fail + 1))
			fi
		done
	done
done
# replay_each NAME BIN DIR: BIN FILE for each file of DIR, one test each.
replay_each() {
	local name=$1 bin=$2 dir=$3 f out
	local files=("$dir"/*)
	if [[ ! -x $bin ]]; then
		echo "FAIL $name: $bin missing (make host-test-build)"
		fail=$((fail + 1))
		return
	fi
	if [[ ! -e ${files[0]} ]]; then
		echo "FAIL $dir: no files"
		fail=$((fail + 1))
		return
	fi
	for f in "${files[@]}"; do
		if out=$(timeout 60 "${emu[@]}" "$bin" "$f" 2>&1); then
			echo "ok   $name $f"
			pass=$((pass + 1))
		else
			echo "FAIL $name $f (exit $?)"
			tail -n 30 <<<"$out" | sed 's/^/   | /'
			fail=$((fail + 1))
		fi
	done
}
WASM_DIFF_FEATURES=all replay_each wasm_diff "$REPLAY_DIR/wasm_diff" "$REGRESS/wasm_diff"
WASM_DIFF_FEATURES=base replay_each wasm_diff/base "$REPLAY_DIR/wasm_diff" "$REGRESS/wasm_diff"
replay_each ext2 "$REPLAY_DIR/fuzz_replay_ext2" "$REGRESS/ext2"
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
