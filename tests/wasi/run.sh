#!/usr/bin/env bash
# Runs the WASI test programs (tests/wasi/*.c, built as $BUILD/wasi/*.wasm)
# under wasmrun and checks their output, exit status and wasmrun's trap and
# error messages; then wasmrun's own errors (missing file, malformed and
# invalid modules, unknown import, bad flags). Each case is one test.
# Last line: "N passed, N failed".
#
#   BUILD=build tests/wasi/run.sh [FILTER]     (needs make host-test-build)
#   EMU=qemu-riscv64 WASMRUN=build/rv64/wasmrun tests/wasi/run.sh
#   EMU=qemu-riscv64 WASMRUN=build/rv64/wasmrun WASMRUN_ARGS=--jit tests/wasi/run.sh
#        (EMU: a command put in front of each wasmrun run, e.g. an emulator)
set -u
BUILD=${BUILD:-build}
WASMRUN=${WASMRUN:-$BUILD/host/wasmrun}
# WASMRUN_ARGS: options put before every run's own (e.g. --jit)
read -ra wargs <<<"${WASMRUN_ARGS:-}"
read -ra emu <<<"${EMU:-}"
W=$BUILD/wasi
FILTER=${1:-}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- a tiny harness: begin NAME; run [<input] CMD...; expect_*; end ----
name=
bad=0
skip=0
begin() {
	name=$1
	bad=0
	skip=0
	[[ -z $FILTER || $name == *"$FILTER"* ]] || skip=1
}
note() {
	echo "  $name: $*"
	bad=1
}
# run CMD... : stdout -> $tmp/out, stderr -> $tmp/err, status -> $status
run() {
	[[ $skip -eq 0 ]] || return 0
	timeout 60 "${emu[@]}" "$@" >"$tmp/out" 2>"$tmp/err" <"${STDIN:-/dev/null}"
	status=$?
}
expect_status() {
	[[ $skip -eq 0 ]] || return 0
	[[ $status -eq $1 ]] || note "exit status $status, expected $1"
}
expect_out() { # extended regex, one line of stdout must match
	[[ $skip -eq 0 ]] || return 0
	grep -qE -- "$1" "$tmp/out" || note "stdout lacks /$1/"
}
expect_no_out() {
	[[ $skip -eq 0 ]] || return 0
	! grep -qE -- "$1" "$tmp/out" || note "stdout has /$1/"
}
expect_no_err() {
	[[ $skip -eq 0 ]] || return 0
	! grep -qE -- "$1" "$tmp/err" || note "stderr has /$1/"
}
expect_err() {
	[[ $skip -eq 0 ]] || return 0
	grep -qE -- "$1" "$tmp/err" || note "stderr lacks /$1/"
}
expect_out_exactly() { # the whole stdout
	[[ $skip -eq 0 ]] || return 0
	diff -u <(printf '%s\n' "$@") "$tmp/out" >"$tmp/diff" || {
		note "stdout differs:"
		sed 's/^/     /' "$tmp/diff" | head -n 40
	}
}
end() {
	[[ $skip -eq 0 ]] || return 0
	if [[ $bad -eq 0 ]]; then
		echo "ok   $name"
		pass=$((pass + 1))
	else
		echo "FAIL $name"
		sed 's/^/     stderr| /' "$tmp/err" | head -n 20
		fail=$((fail + 1))
	fi
}

for f in "$WASMRUN" "$W/basics.wasm" "$W/trap.wasm" "$W/exit3.wasm" "$W/invoke.wasm" \
	"$W/tailcall.wasm" "$W/tailcall-tc.wasm"; do
	if [[ ! -e $f ]]; then
		echo "FAIL setup: $f missing (make host-test-build)"
		echo "0 passed, 1 failed"
		exit 1
	fi
done
if [[ ${#emu[@]} -gt 0 ]] && ! command -v "${emu[0]}" >/dev/null; then
	echo "FAIL setup: $EMU missing (make deps)"
	echo "0 passed, 1 failed"
	exit 1
fi

# ---- basics.wasm: stdio, argv, environ, clocks, random, malloc, files ----
printf 'first line\n  second, indented\nlast without newline' >"$tmp/input"
basics_expected=(
	"ok argc 4"
	"ok arg[2] 'alpha'"
	"ok arg[3] 'two words'"
	"ok environ 2 BASICS_GREETING='hello there'"
	"ok stdin line 1 'first line'"
	"ok stdin line 2 '  second, indented'"
	"ok stdin line 3 'last without newline'"
	"ok stdin 3 lines 48 bytes"
	"ok clocks"
	"ok random"
	"ok malloc 600 blocks 7094729 bytes"
	"ok readdir a.txt"
	"ok readdir b.txt"
	"ok readdir keep.txt"
	"ok files"
	"ok all"
)
for mode in guarded checked; do
	begin "basics-$mode"
	flags=()
	[[ $mode == checked ]] && flags=(--checked)
	rm -rf "$tmp/sandbox" "$tmp/escape"
	mkdir -p "$tmp/sandbox"
	STDIN=$tmp/input run "$WASMRUN" "${wargs[@]}" "${flags[@]}" --dir "$tmp/sandbox:/sandbox" \
		--env "BASICS_GREETING=hello there" --env OTHER=1 \
		"$W/basics.wasm" /sandbox alpha "two words"
	expect_status 0
	expect_out_exactly "${basics_expected[@]}"
	expect_err '^basics: stderr works$'
	if [[ $skip -eq 0 ]]; then
		[[ $(cat "$tmp/sandbox/keep.txt" 2>/dev/null) == "kept 42" ]] ||
			note "host file keep.txt missing or wrong"
		[[ ! -e $tmp/sandbox/sub ]] || note "guest's rmdir did not reach the host"
		[[ ! -e $tmp/escape ]] || note "the guest created a file outside its directory"
	fi
	end
done

# stdin arrives late (a pipe that is empty at first): the read waits.
begin "basics-slow-stdin"
rm -rf "$tmp/sandbox" && mkdir -p "$tmp/sandbox"
if [[ $skip -eq 0 ]]; then
	(sleep 0.3; printf 'late\n') | timeout 60 "${emu[@]}" "$WASMRUN" "${wargs[@]}" --dir "$tmp/sandbox:/sandbox" \
		"$W/basics.wasm" /sandbox >"$tmp/out" 2>"$tmp/err"
	status=$?
fi
expect_status 0
expect_out "^ok stdin line 1 'late'$"
expect_out '^ok all$'
end

# Without --dir the program cannot create its files (no preopen).
begin "basics-no-preopen"
run "$WASMRUN" "${wargs[@]}" "$W/basics.wasm" /sandbox
expect_status 1
expect_out '^FAIL mkdir'
expect_out '^FAILED [0-9]+$'
end

# ---- trap.wasm: trap messages and backtraces ----
for mode in guarded checked; do
	flags=()
	[[ $mode == checked ]] && flags=(--checked)

	begin "trap-div-$mode"
	run "$WASMRUN" "${wargs[@]}" "${flags[@]}" "$W/trap.wasm" div
	expect_status 134
	expect_out '^trap: mode div$'
	expect_err '^wasmrun: trap: integer divide by zero'
	expect_err '#0 0x[0-9a-f]+ in divide \(trap\.wasm\)'
	expect_err '#1 0x[0-9a-f]+ in compute'
	expect_err 'in _start'
	end

	begin "trap-oob-$mode"
	run "$WASMRUN" "${wargs[@]}" "${flags[@]}" "$W/trap.wasm" oob
	expect_status 134
	expect_err '^wasmrun: trap: out of bounds memory access'
	expect_err '#0 0x[0-9a-f]+ in poke \(trap\.wasm\)'
	end
done

begin "trap-abort"
run "$WASMRUN" "${wargs[@]}" "$W/trap.wasm" abort
expect_status 134
expect_err '^wasmrun: trap: unreachable'
expect_err 'in abort'
end

begin "trap-recurse"
run "$WASMRUN" "${wargs[@]}" "$W/trap.wasm" recurse
expect_status 134
expect_err '^wasmrun: trap: call stack exhausted'
expect_err '#0 0x[0-9a-f]+ in dive \(trap\.wasm\)'
expect_err '^  \.\.\. 31 more frames of dive$'
end

begin "trap-fuel"
run "$WASMRUN" "${wargs[@]}" --fuel 2000000 "$W/trap.wasm" spin
expect_status 134
expect_out '^trap: mode spin$'
expect_err '^wasmrun: trap: fuel exhausted'
expect_err '#0 0x[0-9a-f]+ in spin \(trap\.wasm\)'
expect_err 'ran out of fuel'
end

begin "fuel-enough"
run "$WASMRUN" "${wargs[@]}" --fuel=50000000 "$W/exit3.wasm"
expect_status 3
end

begin "trap-usage-exit"
run "$WASMRUN" "${wargs[@]}" "$W/trap.wasm" nosuchmode
expect_status 2
expect_err "^trap: unknown mode 'nosuchmode'$"
end

# ---- exit3.wasm: exit(3) ends the run with status 3, output flushed ----
begin "exit3"
run "$WASMRUN" "${wargs[@]}" "$W/exit3.wasm"
expect_status 3
expect_out_exactly "exit3: leaving with 3"
end

# ---- invoke.wasm: --invoke with each parameter type ----
invoke_case() { # NAME EXPECTED ARGS...
	local n=$1 want=$2
	shift 2
	begin "invoke-$n"
	run "$WASMRUN" "${wargs[@]}" --invoke "$@"
	expect_status 0
	expect_out_exactly "$want"
	end
}
invoke_case add "5" add "$W/invoke.wasm" 2 3
invoke_case add-neg "-3" add "$W/invoke.wasm" -1 -2
invoke_case add-wrap "-2147483648" add "$W/invoke.wasm" 0x7fffffff 1
invoke_case add-unsigned "-1" add "$W/invoke.wasm" 4294967295 0
invoke_case mul64 "-8589934592" mul64 "$W/invoke.wasm" 4294967296 -2
invoke_case half "1.25" half "$W/invoke.wasm" 2.5
invoke_case scale "6" scale "$W/invoke.wasm" 1.5 4
invoke_case initialize "1234" inited "$W/invoke.wasm"
invoke_case hello "hello from invoke" hello "$W/invoke.wasm"

begin "invoke-missing-export"
run "$WASMRUN" "${wargs[@]}" --invoke nope "$W/invoke.wasm"
expect_status 1
expect_err "no exported function named 'nope'"
end

begin "invoke-arg-count"
run "$WASMRUN" "${wargs[@]}" --invoke add "$W/invoke.wasm" 1
expect_status 2
expect_err "'add' takes 2 argument\(s\), 1 given"
end

begin "invoke-bad-arg"
run "$WASMRUN" "${wargs[@]}" --invoke add "$W/invoke.wasm" 1 x2
expect_status 2
expect_err "argument 2 of 'add': 'x2' is not a i32"
end

begin "invoke-i32-range"
run "$WASMRUN" "${wargs[@]}" --invoke add "$W/invoke.wasm" 4294967296 0
expect_status 2
expect_err "is not a i32"
end

begin "no-start-export"
run "$WASMRUN" "${wargs[@]}" "$W/invoke.wasm"
expect_status 1
expect_err "no '_start' export"
end

# ---- tailcall.wasm, and tailcall-tc.wasm built from it with -mtail-call:
# the same output (the values a native build prints); with tail calls a
# million calls deep runs in constant stack, without them it cannot ----
tail_out() { # N ROUNDS RESULT
	printf 'tailcall: even(%s) = 0, odd(%s) = 1\ntailcall: vm %s rounds -> %s\n' "$1" "$1" "$2" "$3"
}
for prog in tailcall tailcall-tc; do
	for mode in guarded checked; do
		flags=()
		[[ $mode == checked ]] && flags=(--checked)
		begin "$prog-$mode"
		run "$WASMRUN" "${wargs[@]}" "${flags[@]}" "$W/$prog.wasm"
		expect_status 0
		expect_out_exactly "$(tail_out 1001 250 1994398441)"
		end
	done
done
begin "tailcall-tc-deep"
run "$WASMRUN" "${wargs[@]}" "$W/tailcall-tc.wasm" deep
expect_status 0
expect_out_exactly "$(tail_out 1000001 250000 4252978758)"
end
begin "tailcall-deep-without-tail-calls"
run "$WASMRUN" "${wargs[@]}" "$W/tailcall.wasm" deep
expect_status 134
expect_err '^wasmrun: trap: call stack exhausted'
end

# ---- wasmrun's own errors ----
begin "missing-file"
run "$WASMRUN" "${wargs[@]}" "$tmp/does-not-exist.wasm"
expect_status 1
expect_err "does-not-exist.wasm: cannot read: No such file or directory"
end

# the type section says 5 bytes follow, but only 1 does
printf '\0asm\1\0\0\0\1\5\1' >"$tmp/truncated.wasm"
begin "malformed-truncated"
run "$WASMRUN" "${wargs[@]}" "$tmp/truncated.wasm"
expect_status 1
expect_err 'truncated\.wasm: malformed module: .*\(section [a-z]+, offset 0x[0-9a-f]+\)'
end

printf 'not a wasm file\n' >"$tmp/text.wasm"
begin "malformed-magic"
run "$WASMRUN" "${wargs[@]}" "$tmp/text.wasm"
expect_status 1
expect_err 'malformed module: .*magic'
end

# ---- the text format (.wat), encoded by lib/wasm/text ----
cat >"$tmp/hello.wat" <<'WAT'
;; WASI hello in the text format: fd_write of one iovec
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello, text\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 12))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
WAT
begin "wat-hello"
run "$WASMRUN" "${wargs[@]}" "$tmp/hello.wat"
expect_status 0
expect_out_exactly "hello, text"
end

# named locals, folded if, recursion by index; a .txt name: detected by its '('
cat >"$tmp/fac.txt" <<'WAT'
(module
  (func $fac (export "fac") (param $n i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.const 1))
      (else (i64.mul (local.get $n) (call $fac (i64.sub (local.get $n) (i64.const 1))))))))
WAT
begin "wat-invoke"
run "$WASMRUN" "${wargs[@]}" --invoke fac "$tmp/fac.txt" 20
expect_status 0
expect_out_exactly 2432902008176640000
end

printf '(module\n  (func (result i32)\n    (i32.const 0x1_0000_0000)))\n' >"$tmp/range.wat"
begin "wat-malformed-position"
run "$WASMRUN" "${wargs[@]}" "$tmp/range.wat"
expect_status 1
expect_err 'range\.wat:3:16: i32 constant out of range$'
end

printf '(module (func i32.const 1))' >"$tmp/invalid.wat"
begin "wat-invalid"
run "$WASMRUN" "${wargs[@]}" "$tmp/invalid.wat"
expect_status 1
expect_err 'invalid\.wat: invalid module: '
end

# (func (result i32) i64.const 1): decodes, fails validation
printf '\0asm\1\0\0\0\1\5\1\x60\0\1\x7f\3\2\1\0\x0a\6\1\4\0\x42\1\x0b' >"$tmp/invalid.wasm"
begin "invalid-type-mismatch"
run "$WASMRUN" "${wargs[@]}" "$tmp/invalid.wasm"
expect_status 1
expect_err 'invalid\.wasm: invalid module: type mismatch.*\(section code, offset 0x[0-9a-f]+\)'
end

# (import "env" "foo" (func))
printf '\0asm\1\0\0\0\1\4\1\x60\0\0\2\x0b\1\3env\3foo\0\0' >"$tmp/import.wasm"
begin "unknown-import"
run "$WASMRUN" "${wargs[@]}" "$tmp/import.wasm"
expect_status 1
expect_err 'import\.wasm: link error: unknown import.*env.*foo'
end

# link errors name an import whole, even a long one (wasi_snapshot_preview1
# is 22 bytes, the field 53; 200 bytes is still whole); a name over 240
# bytes is cut and marked "..."
long_import() { # MODULE FIELD: a module with (import MODULE FIELD (func))
	python3 -c 'import sys
def leb(n):
    out = b""
    while True:
        b, n = n & 0x7f, n >> 7
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out
m, f = (a.encode() for a in sys.argv[1:3])
imp = b"\1" + leb(len(m)) + m + leb(len(f)) + f + bytes([0, 0])
sys.stdout.buffer.write(b"\0asm\1\0\0\0\1\4\1\x60\0\0\2" + leb(len(imp)) + imp)' "$@"
}
begin "unknown-import-long-name"
[[ $skip -eq 0 ]] && long_import wasi_snapshot_preview1 \
	this_import_name_is_much_longer_than_thirty_two_bytes >"$tmp/long.wasm"
run "$WASMRUN" "$tmp/long.wasm"
expect_status 1
expect_err 'link error: unknown import wasi_snapshot_preview1\.this_import_name_is_much_longer_than_thirty_two_bytes$'
end

begin "unknown-import-200-byte-name"
[[ $skip -eq 0 ]] && long_import env "$(printf 'y%.0s' {1..200})" >"$tmp/long.wasm"
run "$WASMRUN" "$tmp/long.wasm"
expect_status 1
expect_err "link error: unknown import env\.$(printf 'y%.0s' {1..200})$"
end

begin "unknown-import-too-long-name"
[[ $skip -eq 0 ]] && long_import env "$(printf 'x%.0s' {1..300})" >"$tmp/long.wasm"
run "$WASMRUN" "$tmp/long.wasm"
expect_status 1
expect_err "link error: unknown import env\.$(printf 'x%.0s' {1..240})\.\.\.$"
end

# a function with 600 locals, each set from the argument and summed: its
# frame slots lie past a 12-bit offset from the frame pointer, where the
# compiler's stores once asserted (a kernel panic from a guest's code)
many_locals() {
	python3 -c 'import sys
def leb(n):
    out = b""
    while True:
        b, n = n & 0x7f, n >> 7
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out
def sleb(n):
    out = b""
    while True:
        b, n = n & 0x7f, n >> 7
        if (n == 0 and not b & 0x40) or (n == -1 and b & 0x40):
            return out + bytes([b])
        out += bytes([b | 0x80])
def sec(i, b):
    return bytes([i]) + leb(len(b)) + b
n = 600
code = b""
for i in range(1, n + 1):
    code += b"\x20\x00\x41" + sleb(i) + b"\x6a\x21" + leb(i)
code += b"\x41\x00"
for i in range(1, n + 1):
    code += b"\x20" + leb(i) + b"\x6a"
body = b"\x01" + leb(n) + b"\x7f" + code + b"\x0b"
mod = b"\0asm\1\0\0\0" + sec(1, b"\x01\x60\x01\x7f\x01\x7f") + sec(3, b"\x01\x00")
mod += sec(7, b"\x01\x03far\x00\x00") + sec(10, b"\x01" + leb(len(body)) + body)
sys.stdout.buffer.write(mod)'
}
[[ $skip -eq 0 ]] && many_locals >"$tmp/far.wasm"
invoke_case many-locals "180900" far "$tmp/far.wasm" 1

begin "dir-wasmtime-spelling"
rm -rf "$tmp/sandbox" && mkdir -p "$tmp/sandbox"
run "$WASMRUN" --dir "$tmp/sandbox::/sandbox" --env BASICS_GREETING=hi "$W/basics.wasm" /sandbox
expect_status 0
expect_out '^ok files$'
end

begin "bad-dir-empty-guest"
run "$WASMRUN" --dir "$tmp::" "$W/exit3.wasm"
expect_status 2
expect_err '--dir wants HOST\[:GUEST\] or HOST::GUEST'
end

begin "bad-flag"
run "$WASMRUN" "${wargs[@]}" --frobnicate "$W/exit3.wasm"
expect_status 2
expect_err 'unknown option: --frobnicate'
end

begin "no-module"
run "$WASMRUN" "${wargs[@]}" --checked
expect_status 2
expect_err 'no module given'
end

begin "flag-needs-value"
run "$WASMRUN" "${wargs[@]}" --fuel
expect_status 2
expect_err 'option needs a value: --fuel'
end

begin "bad-fuel"
run "$WASMRUN" "${wargs[@]}" --fuel abc "$W/exit3.wasm"
expect_status 2
expect_err '--fuel wants a positive integer: abc'
end

begin "bad-jobs"
run "$WASMRUN" "${wargs[@]}" --jobs -1 "$W/exit3.wasm"
expect_status 2
expect_err '--jobs wants a number from 0 to 255: -1'
end

# validation alone or on threads: the same program, the same run
for jobs in 0 3; do
	begin "jobs-$jobs"
	run "$WASMRUN" "${wargs[@]}" --jobs "$jobs" "$W/exit3.wasm"
	expect_status 3
	end
done

begin "bad-dir"
run "$WASMRUN" "${wargs[@]}" --dir "$tmp/no-such-dir" "$W/exit3.wasm"
expect_status 1
expect_err 'no-such-dir: cannot open the directory'
end

begin "bad-env"
run "$WASMRUN" "${wargs[@]}" --env NOEQUALS "$W/exit3.wasm"
expect_status 2
expect_err '--env wants KEY=VALUE: NOEQUALS'
end

begin "timings"
run "$WASMRUN" "${wargs[@]}" --timings "$W/exit3.wasm"
expect_status 3
expect_err '^wasmrun: exit3.wasm: read [0-9.]+ ms, decode [0-9.]+ ms, validate [0-9.]+ ms, instantiate [0-9.]+ ms; first instruction at [0-9.]+ ms, end at [0-9.]+ ms$'
end

begin "timings-not-for-a-bad-module"
run "$WASMRUN" "${wargs[@]}" --timings "$tmp/no-such.wasm"
expect_status 1
expect_no_err 'first instruction'
end

# ---- the big-module generator (tools/gen-bigwasm.py, make bench's 30 MiB
# big.wasm) at its least size (~1.6 MB, every generated function once): it
# validates, and its _start prints the checksum of its safe functions (the
# one V8 computes too: node with a 10-line fd_write, December 2026) ----
begin "generated-big-module"
[[ $skip -eq 0 ]] && python3 tools/gen-bigwasm.py "$tmp/big.wasm" 0 >/dev/null
run "$WASMRUN" "${wargs[@]}" --timings "$tmp/big.wasm"
expect_status 0
expect_out_exactly "big.wasm: 309 functions, checksum 561e578386cd33cb"
expect_err '^wasmrun: big.wasm: read [0-9.]+ ms, decode [0-9.]+ ms, validate [0-9.]+ ms, instantiate [0-9.]+ ms; first instruction at [0-9.]+ ms'
end

# cut in the middle of its code section: an error, not a crash
begin "generated-big-module-truncated"
[[ $skip -eq 0 ]] && head -c 800000 "$tmp/big.wasm" >"$tmp/big-cut.wasm"
run "$WASMRUN" "${wargs[@]}" "$tmp/big-cut.wasm"
expect_status 1
expect_err '^wasmrun: .*/big-cut.wasm: malformed module: '
expect_no_out 'checksum'
end

begin "help"
run "$WASMRUN" "${wargs[@]}" --help
expect_status 0
expect_out '^usage: wasmrun '
expect_out 'exit status'
end

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
