#!/usr/bin/env bash
# Writes small ext2 images made by mke2fs -d into DIR: the seed corpus of the
# ext2 fuzzer (make fuzz-ext2). Each image is cut after its last non-zero
# block (ext2_exercise.h pads an input to the size its superblock claims),
# so the fuzzer starts from inputs of a few KiB.
#
#   tools/mkext2-seeds.sh DIR
set -eu
PATH=$PATH:/usr/sbin:/sbin
out=$1
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=$tmp/src
mkdir -p "$src/sub/deeper" "$src/many"
printf 'hello\n' >"$src/a.txt"
head -c 3000 /dev/zero | tr '\0' 'x' >"$src/sub/b"
head -c 5000 /dev/zero | tr '\0' 'y' >"$src/sub/deeper/c"
ln -s a.txt "$src/short"
ln -s "$(printf '%080d' 1)" "$src/long"
for i in $(seq 1 20); do : >"$src/many/entry-with-a-long-name-$i"; done
n=0
for opts in "-b 1024 -N 64" "-b 1024 -N 48 -r 0" "-b 2048 -N 64" "-b 4096 -N 48" "-b 1024 -N 64 -O ^filetype"; do
	for size in 128 192; do
		img=$tmp/img
		rm -f "$img"
		# shellcheck disable=SC2086
		mke2fs -q -F -t ext2 $opts -d "$src" "$img" "${size}k" >/dev/null 2>&1 || continue
		python3 - "$img" "$out/seed-$n" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
end = len(d)
while end > 0 and not any(d[max(0, end - 1024):end]):
    end -= 1024
open(sys.argv[2], 'wb').write(d[:max(end, 2048)])
PY
		n=$((n + 1))
	done
done
echo "mkext2-seeds: $n images in $out"
