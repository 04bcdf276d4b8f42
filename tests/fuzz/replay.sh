#!/usr/bin/env bash
# Replays every kept WebAssembly fuzzer input (tests/fuzz/regress/wasm_decode/
# and wasm_run/) through both wasm targets, built without libFuzzer but with
# ASan+UBSan ($BUILD/host-asan/fuzz_replay_<target>); the run target twice,
# with checked and with guarded memory. Then each kept input of the
# differential target (tests/fuzz/regress/wasm_diff/) through its driver
# ($BUILD/host-asan/wasm_diff FILE: a module generated from it, checked vs
# guarded memory must agree). One test per (file, target, mode); a
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
diff_bin=$REPLAY_DIR/wasm_diff
files=("$REGRESS/wasm_diff"/*)
if [[ ! -x $diff_bin ]]; then
	echo "FAIL wasm_diff: $diff_bin missing (make host-test-build)"
	fail=$((fail + 1))
elif [[ ! -e ${files[0]} ]]; then
	echo "FAIL $REGRESS/wasm_diff: no files"
	fail=$((fail + 1))
else
	for f in "${files[@]}"; do
		if out=$(timeout 60 "${emu[@]}" "$diff_bin" "$f" 2>&1); then
			echo "ok   wasm_diff $f"
			pass=$((pass + 1))
		else
			echo "FAIL wasm_diff $f (exit $?)"
			tail -n 30 <<<"$out" | sed 's/^/   | /'
			fail=$((fail + 1))
		fi
	done
fi
ext2_bin=$REPLAY_DIR/fuzz_replay_ext2
files=("$REGRESS/ext2"/*)
if [[ ! -x $ext2_bin ]]; then
	echo "FAIL ext2: $ext2_bin missing (make host-test-build)"
	fail=$((fail + 1))
elif [[ ! -e ${files[0]} ]]; then
	echo "FAIL $REGRESS/ext2: no files"
	fail=$((fail + 1))
else
	for f in "${files[@]}"; do
		if out=$(timeout 60 "${emu[@]}" "$ext2_bin" "$f" 2>&1); then
			echo "ok   ext2 $f"
			pass=$((pass + 1))
		else
			echo "FAIL ext2 $f (exit $?)"
			tail -n 30 <<<"$out" | sed 's/^/   | /'
			fail=$((fail + 1))
		fi
	done
fi
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
