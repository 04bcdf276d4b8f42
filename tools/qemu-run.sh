#!/usr/bin/env bash
# qemu-run.sh IMAGE SMP MEM BOOTARGS - boots the kernel on the console
# (with the disk image $DISK attached, if set).
# Interactive on a terminal (QEMU's escape key is Ctrl-], so Ctrl-A is the
# shell's Home: Ctrl-] X quits QEMU, Ctrl-] H lists the others); with piped input, the
# lines are typed into the shell in order. Exits with QEMU's status, which
# is the kernel's (shutdown -> 0).
set -u
img=$1 smp=$2 mem=$3 args=${4:-}
case $smp in [1-8]) ;; *) echo "SMP must be 1..8 (got '$smp')" >&2; exit 2 ;; esac
extra=()
[[ -n $args ]] && extra=(-append "$args")
# DISK=file.img: attached as the virtio-blk disk (ext2 on it: /data)
if [[ -n ${DISK:-} ]]; then
	extra+=(-global virtio-mmio.force-legacy=false -drive "file=$DISK,if=none,format=raw,id=disk0"
		-device virtio-blk-device,drive=disk0)
fi
qemu=(qemu-system-riscv64 -machine virt -smp "$smp" -m "$mem" -bios default -kernel "$img" "${extra[@]}")
if [[ -t 0 ]]; then
	exec "${qemu[@]}" -nographic -echr 0x1d
fi
# Not a terminal: each piped line is typed at the shell's prompt.
exec "$(dirname "$0")/qemu-pipe.py" ${RUN_TIMEOUT:+--timeout "$RUN_TIMEOUT"} \
	"${qemu[@]}" -display none -serial stdio -monitor none
