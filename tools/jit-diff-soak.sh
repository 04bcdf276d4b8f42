#!/usr/bin/env bash
# jit-diff-soak.sh [SECONDS] [FIRST_SEED] - the differential check of the
# compiler tier against the interpreter (tests/fuzz/wasm_diff.h, B = jit:
# compiled code, guarded memory) for SECONDS (default 3600) of generated
# modules, under qemu-riscv64. Runs $BUILD/rv64/wasm_diff over chunks of
# DIFF_CHUNK seeds (default 50: each process reserves guarded memory per
# module, which qemu-user makes costly) from FIRST_SEED (default: the
# clock), keeps every mismatching input in $BUILD/jit-diff-soak/, prints a
# progress line per minute and ends with "N passed, N failed" (a seed is one
# module with all its calls). Run by `make jit-diff-soak [SOAK_SECONDS=s]`.
set -u
BUILD=${BUILD:-build}
secs=${1:-3600}
seed=${2:-$(date +%s)000}
chunk=${DIFF_CHUNK:-50}
bin=$BUILD/rv64/wasm_diff
out=$BUILD/jit-diff-soak
[[ -x $bin ]] || { echo "jit-diff-soak: $bin missing (make rv64-tools)" >&2; exit 2; }
mkdir -p "$out"
start=$(date +%s)
first=$seed
pass=0
fail=0
next_report=$((start + 60))
while (($(date +%s) - start < secs)); do
	log=$(qemu-riscv64 "$bin" --jit --seeds "$chunk" --from "$seed" --save "$out" 2>&1)
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' <<<"$log" | tail -n 1)
	if [[ -z $line ]]; then
		# a crash or a hang of the driver: the whole chunk counts as failed
		fail=$((fail + chunk))
		printf '%s\n' "$log" >"$out/chunk-$seed.log"
		echo "jit-diff-soak: seeds $seed..$((seed + chunk - 1)): no verdict, log in $out/chunk-$seed.log"
	else
		p=${line%% passed*}
		f=${line#*passed, }
		f=${f%% failed*}
		pass=$((pass + p))
		fail=$((fail + f))
		((f > 0)) && grep -aE '^(FAIL|  saved)' <<<"$log" | sed 's/^/  /'
	fi
	seed=$((seed + chunk))
	now=$(date +%s)
	if ((now >= next_report)); then
		echo "jit-diff-soak: $((now - start)) s, seeds $first..$((seed - 1)): $pass passed, $fail failed"
		next_report=$((now + 60))
	fi
done
echo "jit-diff-soak: ran $(($(date +%s) - start)) s over seeds $first..$((seed - 1))"
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
