#!/usr/bin/env bash
# arch_check.sh - the architecture boundary (kernel/arch/arch.h) holds in
# both directions:
#   generic:   no file outside kernel/arch/ includes an arch/riscv64/ header
#              (generic code reaches the arch through arch/arch.h only);
#   arch-up:   files under kernel/arch/riscv64/ include only their own
#              folder, arch/arch.h, lib/base (base/...), core/cpu.h (the one
#              shared type, see arch.h) and system headers: the trap handler
#              reaches the rest of the kernel through its hooks;
#   rv-names:  generic kernel code calls no rv_* (riscv64-internal) function.
# Exempt: loader/ (the riscv64 boot loader, arch code itself, shares pt.c,
# csr.h and sbi.h) and tests/host/rvpt_test.c (host tests of pt.c).
# Prints the offending lines, then "N passed, N failed".
set -u
cd "$(dirname "$0")/.."

pass=0
fail=0
check() { # check NAME OFFENDING-LINES
	if [[ -z $2 ]]; then
		echo "ok   arch.$1"
		pass=$((pass + 1))
	else
		echo "FAIL arch.$1"
		sed 's/^/  /' <<<"$2"
		fail=$((fail + 1))
	fi
}

sources() { # sources DIR...: C, header and assembly files
	find "$@" -type f \( -name '*.c' -o -name '*.h' -o -name '*.S' \) 2>/dev/null | sort
}

generic=$(sources kernel lib tests tools bench | grep -v -e '^kernel/arch/' -e '^tests/host/rvpt_test.c$' |
	xargs -r grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^">]*/)?arch/riscv64/' /dev/null)
check generic_includes_no_riscv64 "$generic"

allowed='[[:space:]]*#[[:space:]]*include[[:space:]]*(<[^>]+>|"(arch/[^"]+|base/[^"]+|core/cpu\.h|[a-z_0-9]+\.h)")'
arch_up=$(sources kernel/arch | xargs -r grep -nE '^[[:space:]]*#[[:space:]]*include' /dev/null |
	grep -vE ":[0-9]+:$allowed")
check arch_includes_only_allowed "$arch_up"

rv_calls=$(sources kernel | grep -v '^kernel/arch/' |
	xargs -r grep -nE '\brv_[a-z0-9_]+[[:space:]]*\(' /dev/null)
check generic_calls_no_rv "$rv_calls"

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
