#!/usr/bin/env bash
# qemu-test.sh IMAGE SMP [BOOTARGS...] - boots the test kernel with a timeout
# (the boot arguments joined by spaces).
# The test kernel prints each result and "N passed, N failed", then ends
# QEMU through the virt test device; this script exits with QEMU's status.
# A fresh 16 MiB disk is attached (virtio-blk, for the driver's tests).
set -u
img=$1 smp=$2 args=${*:3}
extra=()
[[ -n $args ]] && extra=(-append "$args")
disk=$(mktemp) || exit 1
trap 'rm -f "$disk"' EXIT
truncate -s 16M "$disk"
timeout --foreground -k 5 ${QEMU_TIMEOUT:-120} qemu-system-riscv64 -machine virt -smp "$smp" -m 256M \
	-bios default -display none -serial stdio -monitor none -kernel "$img" "${extra[@]}" \
	-global virtio-mmio.force-legacy=false -drive "file=$disk,if=none,format=raw,id=disk0" \
	-device virtio-blk-device,drive=disk0 </dev/null
rc=$?
[[ $rc -eq 124 ]] && echo "qemu-test: timed out after ${QEMU_TIMEOUT:-120}s"
exit $rc
