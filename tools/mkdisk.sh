#!/usr/bin/env bash
# mkdisk.sh IMAGE [DIR] [SIZE] - makes sure IMAGE exists for `make run DISK=`:
# an existing image is used as it is (DIR is then ignored, said so); a
# missing one is created as an ext2 filesystem of SIZE (default 64M, as
# truncate reads it) holding the files of DIR (mke2fs -d), or empty.
set -eu
img=$1 dir=${2:-} size=${3:-64M}
PATH=$PATH:/usr/sbin:/sbin
if [[ -e $img ]]; then
	[[ -n $dir ]] && echo "mkdisk: $img exists: using it as it is (DISKDIR=$dir ignored)" >&2
	exit 0
fi
if [[ -n $dir && ! -d $dir ]]; then
	echo "mkdisk: DISKDIR=$dir is not a directory" >&2
	exit 2
fi
truncate -s "$size" "$img"
if ! mke2fs -q -F -t ext2 -b 4096 ${dir:+-d "$dir"} "$img"; then
	rm -f "$img"
	echo "mkdisk: mke2fs failed (is DISKSIZE=$size large enough for $dir?)" >&2
	exit 1
fi
echo "mkdisk: made $img: ext2, $size${dir:+, from $dir}" >&2
