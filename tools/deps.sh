#!/usr/bin/env bash
# Install the Debian packages the build and the tests need, and say which.
# Idempotent: does nothing (and prints nothing) when everything is present.
set -eu

# command-or-file : package
need=(
	"clang:clang"
	"ld.lld:lld"
	"qemu-system-riscv64:qemu-system-misc"
	"/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin:opensbi"
	"wat2wasm:wabt"
	"dtc:device-tree-compiler"
	"clang-format:clang-format"
	"/usr/include/wasm32-wasi/stdio.h:wasi-libc"
	"/usr/lib/llvm-14/lib/clang/14.0.6/lib/wasi/libclang_rt.builtins-wasm32.a:libclang-rt-14-dev-wasm32"
	"/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.asan-x86_64.a:libclang-rt-14-dev"
	"python3:python3"
	"cpio:cpio"
	"timeout:coreutils"
	"llvm-objcopy:llvm"
	"gdb-multiarch:gdb-multiarch"
	# ext2 images for lib/ext2's tests: mke2fs, e2fsck, debugfs, dumpe2fs
	"/usr/sbin/mke2fs:e2fsprogs"
	# trace.dat files (trace record) checked by trace-cmd report
	"trace-cmd:trace-cmd"
	"valgrind:valgrind" # instruction counts in make bench (tools/bench-exec.sh)
	# riscv64 Linux builds of the host tools, run under qemu-riscv64 (mk/rv64.mk)
	"qemu-riscv64:qemu-user"
	"/usr/riscv64-linux-gnu/lib/libc.a:libc6-dev-riscv64-cross"
	"/usr/lib/gcc-cross/riscv64-linux-gnu/12/crtbeginT.o:libgcc-12-dev-riscv64-cross"
	"riscv64-linux-gnu-ld:binutils-riscv64-linux-gnu"
)

missing=()
for entry in "${need[@]}"; do
	what=${entry%%:*}
	pkg=${entry#*:}
	if [[ $what == /* ]]; then
		[[ -e $what ]] && continue
	else
		command -v "$what" >/dev/null 2>&1 && continue
	fi
	missing+=("$pkg")
done

[[ ${#missing[@]} -eq 0 ]] && exit 0

# de-duplicate
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "deps: installing missing Debian packages: ${missing[*]}" >&2
sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
echo "deps: done" >&2
