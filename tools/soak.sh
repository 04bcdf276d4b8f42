#!/usr/bin/env bash
# soak.sh [N] - boots the big image ($BUILD/kernel-big/loader.elf: the
# kernel with a ~45 MB initrd, `make kernel-big`) N times (default 200) on
# SMP=4 with 256 MiB: each boot must reach the shell's prompt and end with
# a clean `shutdown` within SOAK_TIMEOUT seconds (default 60). Prints a
# progress line every 10 boots, keeps the log of every failed boot in
# $BUILD/soak/, counts the boots in which the loader recovered a hart that
# OpenSBI started through its hart_start race (loader/entry.S), and ends
# with "N passed, N failed".
set -u
BUILD=${BUILD:-build}
n=${1:-200}
smp=${SOAK_SMP:-4}
img=${SOAK_IMAGE:-$BUILD/kernel-big/loader.elf}
out=$BUILD/soak
mkdir -p "$out"
rm -f "$out"/fail-*.log
[[ -f $img ]] || { echo "soak: $img missing (make kernel-big)" >&2; exit 2; }

pass=0
fail=0
raced=0
log=$out/boot.log
start=$(date +%s)
for ((i = 1; i <= n; i++)); do
	printf 'shutdown\n' | RUN_TIMEOUT=${SOAK_TIMEOUT:-60} tools/qemu-run.sh "$img" "$smp" 256M "" >"$log" 2>&1
	rc=$?
	if [[ $rc -eq 0 ]] && grep -aq "Type 'help'" "$log" && grep -aq "shutting down" "$log"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		cp "$log" "$out/fail-$i.log"
		echo "soak: boot $i failed (exit $rc), log in $out/fail-$i.log"
	fi
	grep -aq "hart_start race" "$log" && raced=$((raced + 1))
	((i % 10 == 0 || i == n)) &&
		echo "soak: $i/$n boots, $fail failed, $raced with a hart recovered from the race ($(($(date +%s) - start)) s)"
done
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
