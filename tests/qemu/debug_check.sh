#!/usr/bin/env bash
# debug_check.sh - `make debug` as a user runs it: QEMU waits for gdb on a
# free port (GDB_PORT), the kernel boots with nokaslr, and gdb-multiarch on
# kernel.elf stops at `break kmain` with a backtrace. Uses the built kernel
# ($BUILD/kernel/loader.elf; make debug rebuilds nothing then). Prints
# "ok NAME" or "FAIL NAME" per check and ends with "N passed, N failed".
set -u
BUILD=${BUILD:-build}
ELF=$BUILD/kernel/kernel.elf
TMP=$(mktemp -d)
pass=0
fail=0
debug_pid=

cleanup() {
	[[ -n $debug_pid ]] && kill -- -"$debug_pid" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

check() { # check NAME STATUS [details]
	if [[ $2 -eq 0 ]]; then
		echo "ok   debug.$1"
		pass=$((pass + 1))
	else
		echo "FAIL debug.$1${3:+: $3}"
		fail=$((fail + 1))
	fi
}

for f in "$ELF" "$BUILD/kernel/loader.elf"; do
	[[ -e $f ]] || { echo "FAIL debug.setup: $f missing (make kernel)"; echo "0 passed, 1 failed"; exit 1; }
done
command -v gdb-multiarch >/dev/null || {
	echo "FAIL debug.setup: no gdb-multiarch (tools/deps.sh)"
	echo "0 passed, 1 failed"
	exit 1
}

# a port nobody listens on (the kernel picks it; closed again before QEMU binds it)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# make debug in its own process group, so the whole of it can be stopped
setsid make --no-print-directory debug BUILD="$BUILD" GDB_PORT="$port" </dev/null \
	>"$TMP/make.log" 2>&1 &
debug_pid=$!

# QEMU listens once make has checked the kernel is up to date
for _ in $(seq 100); do
	# /proc/net/tcp: 127.0.0.1:port listening (state 0A)
	grep -q " 0100007F:$(printf '%04X' "$port") 00000000:0000 0A " /proc/net/tcp && break
	sleep 0.1
done
grep -qF "gdb-multiarch $ELF -ex 'target remote :$port'" "$TMP/make.log"
check prints_gdb_command $? "$(head -5 "$TMP/make.log")"

# kmain is inlined into kernel_start: the pc must fall in that function
read -r lo size < <(llvm-nm -S "$ELF" | awk '$4 == "kernel_start" { print "0x" $1, "0x" $2 }')
timeout -k 5 60 gdb-multiarch -nx -batch -ex "target remote :$port" -ex 'break kmain' \
	-ex continue -ex bt -ex 'printf "pc=%#lx\n", $pc' -ex kill "$ELF" >"$TMP/gdb.log" 2>&1
sed 's/^/  | /' "$TMP/gdb.log"

grep -qE '^Breakpoint 1, (0x[0-9a-f]+ in )?kmain \(' "$TMP/gdb.log"
check stops_in_kmain $?
# nokaslr: the kernel runs at kernel.elf's addresses
pc=$(sed -n 's/^pc=//p' "$TMP/gdb.log")
[[ -n $pc && -n $lo && $((pc)) -ge $((lo)) && $((pc)) -lt $((lo + size)) ]]
check pc_is_link_address $? "pc=$pc, kernel_start in kernel.elf at $lo size $size"
# frame #0 is kmain in kernel/main.c, called from kernel_start (inlined),
# and gdb unwinds to _start (entry.S) without an error
grep -qE '^#0 +kmain \(.*\) at kernel/main\.c:[0-9]+' "$TMP/gdb.log" &&
	grep -qE '^#1 +kernel_start \(' "$TMP/gdb.log" &&
	grep -qE '^#2 .* in _start \(\) at kernel/arch/riscv64/entry\.S' "$TMP/gdb.log" &&
	! grep -qE 'Backtrace stopped: previous frame|Cannot access memory' "$TMP/gdb.log"
check sane_backtrace $?

# gdb's kill ends QEMU, and with it make
for _ in $(seq 50); do
	kill -0 "$debug_pid" 2>/dev/null || break
	sleep 0.1
done
! kill -0 "$debug_pid" 2>/dev/null
check qemu_ends_with_gdb $?

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
