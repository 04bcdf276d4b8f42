#!/usr/bin/env bash
# boot_checks.sh - checks that need whole boots of QEMU: deliberate kernel
# faults and panics (each must print its report and end QEMU non-zero),
# KASLR across two boots, the loader's memory freed, bad boot arguments, a
# broken device tree, the shell's tracing and file sessions, the shell on 1
# to 8 harts, and three boots of the big image (kernel-big, with the 30 MiB
# generated program, checked against the host's wasmrun). Prints
# "ok NAME" or "FAIL NAME" per check and ends with "N passed, N failed".
set -u
BUILD=${BUILD:-build}
KERNEL=$BUILD/kernel/loader.elf
TKERNEL=$BUILD/kernel-test/loader.elf
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0

check() { # check NAME COND-STATUS [details]
	if [[ $2 -eq 0 ]]; then
		echo "ok   boot.$1"
		pass=$((pass + 1))
	else
		echo "FAIL boot.$1${3:+: $3}"
		fail=$((fail + 1))
	fi
}

# has FILE PATTERN...: every fixed string appears in FILE
has() {
	local f=$1
	shift
	for p in "$@"; do
		grep -aqF -- "$p" "$f" || { echo "  missing: $p" >&2; return 1; }
	done
}

qemu() { # qemu OUT SMP IMAGE BOOTARGS [extra qemu args...]
	local out=$1 smp=$2 img=$3 args=$4
	shift 4
	timeout -k 5 60 qemu-system-riscv64 -machine virt -smp "$smp" -m 256M -bios default \
		-display none -serial stdio -monitor none -kernel "$img" ${args:+-append "$args"} "$@" \
		</dev/null >"$out" 2>&1
}

# --- deliberate failures in the test kernel -------------------------------
crash() { # crash KIND PATTERN...
	local kind=$1 out=$TMP/crash-$1.log
	shift
	qemu "$out" 1 "$TKERNEL" "crash=$kind"
	local rc=$?
	local ok=0
	[[ $rc -ne 0 && $rc -ne 124 && $rc -ne 137 ]] || { echo "  exit status $rc" >&2; ok=1; }
	has "$out" "$@" || ok=1
	check "crash_$kind" $ok "see $out"
	[[ $ok -eq 0 ]] || sed 's/^/   | /' "$out" | tail -15
}
crash fault "KERNEL FAULT on CPU 0: store/AMO page fault" "stval 0x00000000dead0000" \
	"sepc " "backtrace:" "#0 ktest_crash+0x" "kernel_run+0x"
crash wx "KERNEL FAULT on CPU 0: store/AMO page fault" "#0 ktest_crash+0x"
crash panic "PANIC on CPU 0: deliberate panic (42)" "backtrace:" "ktest_crash+0x" "kernel panic: stopping"
crash nested "panic while panicking; stopping"
crash stack "looks like a kernel stack overflow" "recurse+0x"
crash assert "assertion failed: kind[0] == 'x' at kernel/tests/ktest.c" "assert_fail+0x"

# --- KASLR: two boots, two addresses --------------------------------------
for i in 1 2; do
	printf 'shutdown\n' | RUN_TIMEOUT=60 tools/qemu-run.sh "$KERNEL" 1 256M "log=debug" >"$TMP/kaslr$i.log" 2>&1
done
a1=$(grep -aoE 'kernel at 0x[0-9a-f]+' "$TMP/kaslr1.log")
a2=$(grep -aoE 'kernel at 0x[0-9a-f]+' "$TMP/kaslr2.log")
[[ -n $a1 && -n $a2 && $a1 != "$a2" ]]
check kaslr_differs_between_boots $? "'$a1' vs '$a2'"
freed=$(sed -nE 's/.*boot: ([0-9]+) KiB of loader memory freed.*/\1/p' "$TMP/kaslr1.log" | tr -d '\r')
[[ ${freed:-0} -gt 0 ]]
check loader_memory_is_freed $? "'${freed:-}' KiB"

# --- bad boot arguments are reported and ignored ---------------------------
printf 'version\nshutdown\n' | RUN_TIMEOUT=60 tools/qemu-run.sh "$KERNEL" 1 256M "log=kasync=loud bogus backtrace=sideways" >"$TMP/args.log" 2>&1
rc=$?
has "$TMP/args.log" "bad log directive (unknown level), skipped: 'kasync=loud'" \
	"unknown boot argument (ignored): 'bogus'" "bad backtrace mode" "wasmos" "shutting down" &&
	[[ $rc -eq 0 ]]
check bad_bootargs_are_ignored $? "exit $rc"

# a malformed log directive is reported and skipped; the others still apply
printf 'version\nshutdown\n' | RUN_TIMEOUT=60 tools/qemu-run.sh "$KERNEL" 1 256M "log=warn,=info,boot=debug,kasync=x" >"$TMP/logdir.log" 2>&1
rc=$?
has "$TMP/logdir.log" "[WARN][CPU 0][" "bootargs: bad log directive (empty target), skipped: '=info'" \
	"bad log directive (unknown level), skipped: 'kasync=x'" "] boot: kernel at 0x" \
	"shutting down" && ! grep -aq "cpu: CPU 0 (hart 0) online" "$TMP/logdir.log" && [[ $rc -eq 0 ]]
check bad_log_directive_is_skipped $? "exit $rc"

# trace_event= switches events on from boot, an unknown one is reported
printf '%s\n' "cat /sys/kernel/tracing/events/wasm/instance_start/enable" \
	"cat /sys/kernel/tracing/events/sched/sched_switch/enable" "dmesg" "shutdown" |
	RUN_TIMEOUT=60 tools/qemu-run.sh "$KERNEL" 1 256M "trace_event=wasm:instance_start,nosuch:x" \
		>"$TMP/tev.log" 2>&1
rc=$?
tr -d '\r' <"$TMP/tev.log" >"$TMP/tev.txt"
has "$TMP/tev.txt" "trace: trace_event=: nosuch:x: no such event (skipped)" "shutting down" &&
	[[ $(grep -cx 1 "$TMP/tev.txt") -eq 1 && $(grep -cx 0 "$TMP/tev.txt") -eq 1 &&
		$(grep -c "no such event (skipped)" "$TMP/tev.txt") -eq 2 && $rc -eq 0 ]]
check trace_event_bootarg $? "exit $rc"

# --- tracing from the shell ------------------------------------------------
T=/sys/kernel/tracing
printf '%s\n' "echo 1 > $T/events/sched/sched_switch/enable" "echo 2 > $T/events/sched/enable" \
	"cat $T/events/sched/enable" "cat $T/trace" "timeout 1 cat $T/trace_pipe" "metrics" \
	"shutdown" | RUN_TIMEOUT=60 tools/qemu-run.sh "$KERNEL" 2 256M "" >"$TMP/trace.log" 2>&1
rc=$?
pipe_lines=$(sed -n '/cat .*trace_pipe/,/^> metrics/p' "$TMP/trace.log" | grep -ac 'sched_switch: prev_comm=')
has "$TMP/trace.log" "echo: write error: Invalid argument" "# tracer: nop" \
	"# entries-in-buffer/entries-written: " "#P:2" "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION" \
	"sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=shell" \
	"exec_ticks " "exec.polled " "irq_external " "shutting down" && grep -aqx "X" <(tr -d '\r' <"$TMP/trace.log") &&
	[[ $rc -eq 0 && $pipe_lines -gt 0 ]]
check shell_tracing_session $? "exit $rc, $pipe_lines live switch lines"

# --- files: the initrd, tmpfs, procfs through the shell ---------------------
printf '%s\n' "ls /bin" "cat /etc/motd" "echo hi > /tmp/x" "echo there >> tmp/x" "cat /tmp/x" \
	"cat /nope" "echo no > /etc/motd" "ls /proc" "cat /proc/tasks" "shutdown" |
	RUN_TIMEOUT=60 tools/qemu-run.sh "$KERNEL" 2 256M "" >"$TMP/files.log" 2>&1
rc=$?
tr -d '\r' <"$TMP/files.log" >"$TMP/files.txt"
has "$TMP/files.txt" "hello.wasm" "cat.wasm" "spin.wasm" "Welcome to wasmos" \
	"cat: /nope: No such file or directory" "/etc/motd: Read-only file system" \
	"tasks  meminfo  cpuinfo  uptime" "shell " "shutting down" &&
	grep -qxF hi "$TMP/files.txt" && grep -qxF there "$TMP/files.txt" && [[ $rc -eq 0 ]]
ok=$?
check shell_files_session $ok "exit $rc"
[[ $ok -eq 0 ]] || sed 's/^/   | /' "$TMP/files.txt" | tail -15

# --- the trace command: list, enable, show, clear, disable --------------------
printf '%s\n' "trace list" "trace enable sched:sched_switch nosuch" "trace enable wasm" "trace list" \
	"trace show" "trace disable all" "trace clear" "trace show" "trace list" "shutdown" |
	RUN_TIMEOUT=60 tools/qemu-run.sh "$KERNEL" 1 256M "" >"$TMP/tracecmd.log" 2>&1
rc=$?
tr -d '\r' <"$TMP/tracecmd.log" >"$TMP/tracecmd.txt"
on_before=$(sed -n '1,/^> trace enable sched/p' "$TMP/tracecmd.txt" | grep -c '\[on\]')
on_after=$(sed -n '/^> trace disable all$/,$p' "$TMP/tracecmd.txt" | grep -c '\[on\]')
has "$TMP/tracecmd.txt" "trace: no such event: nosuch" "[exit status 1]" "sched:sched_switch [on]" \
	"wasm:trap [on]" "sched_switch: prev_comm=" "entries-in-buffer/entries-written: 0/0" \
	"shutting down" && grep -qxF "sched:sched_switch" "$TMP/tracecmd.txt" &&
	[[ $rc -eq 0 && $on_before -eq 0 && $on_after -eq 0 ]]
ok=$?
check shell_trace_command $ok "exit $rc, [on] before/after: $on_before/$on_after"
[[ $ok -eq 0 ]] || sed 's/^/   | /' "$TMP/tracecmd.txt" | tail -15

# --- bench: the in-kernel benchmark command (output shape, not timing) ------
printf '%s\n' "bench hostcall" "bench nosuch" "shutdown" |
	RUN_TIMEOUT=120 tools/qemu-run.sh "$KERNEL" 1 256M "" >"$TMP/bench.log" 2>&1
rc=$?
tr -d '\r' <"$TMP/bench.log" >"$TMP/bench.txt"
has "$TMP/bench.txt" "bench: hostcall (" "bench: unknown benchmark 'nosuch'" \
	"usage: bench [NAME...]" "[exit status 2]" "shutting down" &&
	grep -qE '^bench=hostcall host_ns=[0-9]+\.[0-9] wasm_ns=[0-9]+\.[0-9] ratio=[0-9]+\.[0-9]{2} ' \
		"$TMP/bench.txt" && ! grep -q 'error=' "$TMP/bench.txt" && [[ $rc -eq 0 ]]
ok=$?
check shell_bench_command $ok "exit $rc"
[[ $ok -eq 0 ]] || sed 's/^/   | /' "$TMP/bench.txt" | tail -15

# --- deliberate kernel failures from the shell: reported, QEMU ends non-zero -
for kind in panic fault; do
	printf '%s\n' "$kind" | RUN_TIMEOUT=60 tools/qemu-run.sh "$KERNEL" 1 256M "" >"$TMP/sh-$kind.log" 2>&1
	rc=$?
	case $kind in
	panic) want="PANIC on CPU 0: deliberate panic from the shell" ;;
	fault) want="KERNEL FAULT on CPU 0: store/AMO page fault" ;;
	esac
	has "$TMP/sh-$kind.log" "$want" "backtrace:" && [[ $rc -ne 0 && $rc -ne 124 ]]
	check "shell_${kind}_command" $? "exit $rc"
done

# --- a broken device tree is an error with an offset, not a crash ----------
qemu-system-riscv64 -machine virt,dumpdtb="$TMP/virt.dtb" -smp 1 -m 256M >/dev/null 2>&1
size=$(stat -c %s "$TMP/virt.dtb")
tests/qemu/corrupt_dtb.py "$TMP/virt.dtb" "$TMP/bad.dtb"
qemu "$TMP/dtb.log" 1 "$KERNEL" "" -dtb "$TMP/bad.dtb"
rc=$?
has "$TMP/dtb.log" "loader: error: bad device tree at offset" && ! grep -aq "KERNEL FAULT\|PANIC" "$TMP/dtb.log" &&
	[[ $rc -ne 124 && $size -gt 0 ]]
check broken_device_tree_is_reported $? "exit $rc"

# --- the shell through piped input, on every hart count --------------------
for smp in 1 2 3 4 5 6 7 8; do
	out=$TMP/shell$smp.log
	printf 'cpus\nnosuch arg\nshutdown\n' | RUN_TIMEOUT=60 tools/qemu-run.sh "$KERNEL" "$smp" 256M "" >"$out" 2>&1
	rc=$?
	rows=$(grep -acE '^[0-7] +[0-7] +online' "$out")
	has "$out" "$smp CPU(s)" "nosuch: command not found" "shutting down" >/dev/null 2>&1 &&
		[[ $rc -eq 0 && $rows -eq $smp ]]
	ok=$?
	check "shell_cpus_smp$smp" $ok "exit $rc, $rows CPU rows"
	# keep what a failing boot printed
	[[ $ok -eq 0 ]] || sed 's/^/   | /' "$out" | tail -25
done

# --- the big image: a ~45 MB image (45 MB initrd) on 4 harts ----------------
# Such boots hung, a few in a thousand (more on a busy host), when OpenSBI
# started a hart at the loader's entry (loader/entry.S has the story);
# `make soak` boots it 200 times. Here: three boots, a look at the initrd, a
# program, the loader's memory freed; the first boot also runs the 30 MiB
# generated /big/big.wasm (make bench's, tools/gen-bigwasm.py), which must
# print what the host's wasmrun prints for the same file.
host_big=$("$BUILD/host/wasmrun" "$BUILD/bench/big.wasm" 2>&1)
for i in 1 2 3; do
	out=$TMP/big$i.log
	cmds=("ls /big" "hello" "shutdown")
	[[ $i -eq 1 ]] && cmds=("ls /big" "/big/big.wasm" "hello" "shutdown")
	printf '%s\n' "${cmds[@]}" |
		RUN_TIMEOUT=120 tools/qemu-run.sh "$BUILD/kernel-big/loader.elf" 4 256M "log=info,boot=debug" >"$out" 2>&1
	rc=$?
	freed=$(sed -nE 's/.*boot: ([0-9]+) KiB of loader memory freed.*/\1/p' "$out" | tr -d '\r')
	has "$out" "4 CPU(s)" "blob0" "blob1" "big.wasm" "Hello, world, from WebAssembly!" "shutting down" &&
		[[ $rc -eq 0 && ${freed:-0} -gt 0 ]]
	ok=$?
	check "big_image_boot$i" $ok "exit $rc, '${freed:-}' KiB of loader memory freed"
	[[ $ok -eq 0 ]] || sed 's/^/   | /' "$out" | tail -25
	if [[ $i -eq 1 ]]; then
		[[ $host_big =~ ^big\.wasm:\ [0-9]+\ functions,\ checksum\ [0-9a-f]{16}$ ]] &&
			tr -d '\r' <"$out" | grep -qxF "$host_big"
		check big_image_runs_big_wasm $? "host printed '$host_big'"
	fi
done

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
