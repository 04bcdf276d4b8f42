#!/usr/bin/env bash
# host.sh - the userland demo programs (userland/*.c, built as
# $BUILD/userland/*.wasm) under the host runner wasmrun: each program's
# output and exit status, its usage message for bad arguments, and the
# traps of oob and stack. One line per case; last line "N passed, N failed".
#
#   BUILD=build tests/userland/host.sh [FILTER]    (needs make userland wasmrun)
set -u
BUILD=${BUILD:-build}
WASMRUN=${WASMRUN:-$BUILD/host/wasmrun}
U=$BUILD/userland
FILTER=${1:-}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/root/sub"
printf 'line one\nline two\n' >"$tmp/root/file.txt"

# case NAME EXPECTED-STATUS STDOUT-REGEX STDERR-REGEX -- PROGRAM ARGS...
# (an empty regex is not checked; stdin is $STDIN or /dev/null)
case_() {
	local name=$1 want=$2 out_re=$3 err_re=$4
	shift 5
	[[ -z $FILTER || $name == *"$FILTER"* ]] || return 0
	local prog=$1
	shift
	timeout -k 2 "${LIMIT:-30}" "$WASMRUN" --dir "$tmp/root:/" "$U/$prog.wasm" "$@" \
		<"${STDIN:-/dev/null}" >"$tmp/out" 2>"$tmp/err"
	local status=$? why=
	[[ $status -eq $want ]] || why="exit status $status, expected $want"
	[[ -z $out_re ]] || grep -qE -- "$out_re" "$tmp/out" || why="$why stdout lacks /$out_re/"
	[[ -z $err_re ]] || grep -qE -- "$err_re" "$tmp/err" || why="$why stderr lacks /$err_re/"
	if [[ -z $why ]]; then
		echo "ok   userland.$name"
		pass=$((pass + 1))
	else
		echo "FAIL userland.$name: $why"
		sed 's/^/   | /' "$tmp/out" "$tmp/err" | head -10
		fail=$((fail + 1))
	fi
}

case_ hello 0 '^Hello, world, from WebAssembly!$' '' -- hello
case_ hello_name 0 '^Hello, wasm, from WebAssembly!$' '' -- hello wasm
case_ hello_usage 2 '' '^usage: hello' -- hello a b
case_ echo 0 '^a b  c$' '' -- echo a b " c"
case_ echo_n 0 '^x y$' '' -- echo -n x y
case_ echo_usage 2 '' '^usage: echo' -- echo --help
case_ cat_file 0 '^line two$' '' -- cat /file.txt
case_ cat_two 0 '^line one$' '' -- cat /file.txt /file.txt
STDIN=$tmp/root/file.txt case_ cat_stdin 0 '^line one$' '' -- cat -
case_ cat_missing 1 '' '^cat: /nope: No such file or directory$' -- cat /nope
case_ cat_usage 2 '' '^usage: cat' -- cat
case_ ls_root 0 '^sub/$' '' -- ls /
case_ ls_file 0 '^file.txt$' '' -- ls /
case_ ls_missing 1 '' '^ls: /nope: ' -- ls /nope
case_ ls_usage 2 '' '^usage: ls' -- ls -l
case_ sleep_usage 2 '' '^usage: sleep' -- sleep soon
case_ sleep_usage_none 2 '' '^usage: sleep' -- sleep
case_ spin_usage 2 '' '^usage: spin' -- spin 1
LIMIT=1 case_ spin_runs_until_killed 124 '^spin: looping forever$' '' -- spin
case_ oob_traps 134 '^oob: reading at 0xfffffff0$' 'trap: out of bounds memory access' -- oob
case_ oob_usage 2 '' '^usage: oob' -- oob x
case_ stack_traps 134 '^stack: recursing forever$' 'trap: call stack exhausted' -- stack
case_ stack_usage 2 '' '^usage: stack' -- stack x
case_ alloc_until_refused 0 '^alloc: got 6[0-9]{4} KiB in [0-9]+ blocks of 1024 KiB, then malloc refused$' '' -- alloc
case_ alloc_blocks 0 '^alloc: got 6[0-9]{4} KiB in [0-9]+ blocks of 4096 KiB' '' -- alloc 4096
case_ alloc_usage 2 '' '^usage: alloc' -- alloc 0
case_ primes 0 '^primes: 168 primes below 1000$' '' -- primes 1000
case_ primes_progress 0 '^primes: 50% \(95 found\)$' '' -- primes 1000
case_ primes_usage 2 '' '^usage: primes' -- primes many
case_ clock 0 '^slept 10 ms: monotonic advanced' '' -- clock
case_ clock_realtime 0 '^realtime: +1[0-9]{9}\.' '' -- clock
case_ clock_usage 2 '' '^usage: clock' -- clock now
# files: make, write, read back, rename, append, list, delete under a dir;
# what it leaves is read by cat, then removed by files -c
case_ files_roundtrip 0 '^files: wrote 12 bytes, size 12, read back 12: same$' '' -- files /sub hello world
case_ files_result 0 '^hello world$' '' -- cat /sub/files.d/two.txt
case_ files_clean 0 '^files: removed /sub/files.d$' '' -- files -c /sub
case_ files_cleaned 1 '' '^ls: /sub/files.d: No such file or directory$' -- ls /sub/files.d
case_ files_listing 0 '^files: ls: three.txt two.txt$' '' -- files /sub a
case_ files_clean_again 0 '^files: removed /sub/files.d$' '' -- files -c /sub
case_ files_append 0 '^files: three.txt after append: 3\+more$' '' -- files /sub b
case_ files_exists 1 '' '^files: mkdir /sub/files.d: File exists$' -- files /sub c
case_ files_clean_last 0 '^files: removed /sub/files.d$' '' -- files -c /sub
case_ files_clean_twice 1 '' '^files: unlink /sub/files.d/two.txt: No such file or directory$' -- files -c /sub
case_ files_missing_dir 1 '' '^files: mkdir /nope/files.d: No such file or directory$' -- files /nope
case_ files_usage 2 '' '^usage: files' -- files
case_ sandbox_usage 2 '' '^usage: sandbox' -- sandbox x
# longcall: single long calls (the kernel's latency checks use them)
case_ longcall_random 0 '^longcall: random 3 MiB done, sum [0-9a-f]{8}$' '' -- longcall random 3 2
case_ longcall_fill 0 '^longcall: fill 8 MiB done, sum f8e38fc7$' '' -- longcall fill 8 2
case_ longcall_copy 0 '^longcall: copy 8 MiB done' '' -- longcall copy 8
case_ longcall_write 0 '^longcall: wrote 3 MiB to /big.txt in one call$' '' -- longcall write /big.txt 3
case_ longcall_read 0 '^longcall: read 3145728 bytes of /big.txt in one call, sum c260dcde$' '' -- longcall read /big.txt
case_ longcall_badstart 0 '' '' -- longcall badstart /badstart.wasm
case_ longcall_usage 2 '' '^usage: longcall' -- longcall fill 0
case_ pipebench_write 0 '^abcdefghijklmnopqrstuvwxyzabcdef' '' -- pipebench write 1
STDIN=$tmp/root/file.txt case_ pipebench_read 0 '' '^bench=pipe_throughput bytes=18 guest_us=[0-9]+ mb_per_s=[0-9]+\.[0-9]$' -- pipebench read
STDIN=$tmp/root/file.txt case_ pipebench_pong 0 '^line one$' '' -- pipebench pong
case_ pipebench_ping_no_reply 1 'p' '^pipebench: read: end of input$' -- pipebench ping 2
case_ pipebench_usage 2 '' '^usage: pipebench' -- pipebench write 0
# gc.wat: 512 MiB of arrays collected while a list stays, casts, i31; with
# an argument it keeps everything until the GC heap's limit traps
case_ gc_collects 0 '^gc: list of 1000 kept over 512 MiB of arrays, casts and i31 ok$' '' -- gc
case_ gc_limit_traps 134 '^gc: list of 1000' 'trap: out of memory' -- gc x

# sleep really waits (and not much longer)
if [[ -z $FILTER || sleep_waits == *"$FILTER"* ]]; then
	start=$(date +%s%N)
	"$WASMRUN" "$U/sleep.wasm" 0.3
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	if [[ $rc -eq 0 && $ms -ge 300 && $ms -lt 5000 ]]; then
		echo "ok   userland.sleep_waits"
		pass=$((pass + 1))
	else
		echo "FAIL userland.sleep_waits: exit $rc after $ms ms"
		fail=$((fail + 1))
	fi
fi

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
