#!/usr/bin/env bash
# Runs the official WASI preview1 testsuite (../shared/wasi-testsuite, see its
# ABOUT.md) under wasmrun: every NAME.wasm of the assemblyscript, c and rust
# suites, honouring NAME.json beside it (args, env, root preopened as "/",
# exit_code, stdout prefix). A test's root is copied fresh into a temporary
# folder for each run, since tests write into it. One line per test
# ("ok NAME" or "FAIL NAME (why)"); last line: "N passed, N failed".
#
#   BUILD=build tests/wasi/testsuite.sh [FILTER]        (needs make wasmrun)
#   WASI_TESTSUITE=DIR  the testsuite (default: ../shared/wasi-testsuite)
#   EMU=qemu-riscv64 WASMRUN=build/rv64/wasmrun tests/wasi/testsuite.sh
#        (EMU: a command put in front of each wasmrun run, e.g. an emulator)
set -u
BUILD=${BUILD:-build}
WASMRUN=${WASMRUN:-$BUILD/host/wasmrun}
here=$(cd "$(dirname "$0")/../.." && pwd)
SUITE=${WASI_TESTSUITE:-$here/../shared/wasi-testsuite}
FILTER=${1:-}
read -ra emu <<<"${EMU:-}"
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [[ ! -x $WASMRUN || ! -d $SUITE ]]; then
	echo "FAIL setup: $WASMRUN or $SUITE missing (make wasmrun)"
	echo "0 passed, 1 failed"
	exit 1
fi
WASMRUN=$(cd "$(dirname "$WASMRUN")" && pwd)/$(basename "$WASMRUN")

# Prints the test's settings from its .json (or the defaults), one field per
# NUL-terminated record: exit code, root, stdout prefix, the number of args,
# the args, then each env entry as K=V.
read_spec() {
	python3 - "$1" <<'EOF'
import json, os, sys
path = sys.argv[1]
spec = {}
if os.path.exists(path):
    with open(path) as f:
        spec = json.load(f)
args = [str(a) for a in spec.get("args", [])]
env = ["%s=%s" % (k, v) for k, v in spec.get("env", {}).items()]
out = [str(spec.get("exit_code", 0)), spec.get("root", ""), spec.get("stdout", ""),
       str(len(args))] + args + env
sys.stdout.write("".join(s + "\0" for s in out))
EOF
}

run_test() { # SUITE_NAME DIR NAME
	local suite=$1 dir=$2 name=$3 fields want root prefix nargs status why=
	local -a cmd
	mapfile -d '' fields < <(read_spec "$dir/$name.json")
	want=${fields[0]}
	root=${fields[1]}
	prefix=${fields[2]}
	nargs=${fields[3]}
	cmd=("$WASMRUN")
	for env in "${fields[@]:4+nargs}"; do
		cmd+=(--env "$env")
	done
	rm -rf "$tmp/run" && mkdir -p "$tmp/run"
	if [[ -n $root ]]; then
		cp -R "$dir/$root" "$tmp/run/root"
		cmd+=(--dir "$tmp/run/root::/")
	fi
	cmd+=("$dir/$name.wasm" "${fields[@]:4:nargs}")
	(cd "$tmp/run" && timeout 60 "${emu[@]}" "${cmd[@]}" >"$tmp/out" 2>"$tmp/err" </dev/null)
	status=$?
	if [[ $status -ne $want ]]; then
		why="exit status $status, expected $want"
	elif [[ -n $prefix ]] && ! head -c "${#prefix}" "$tmp/out" | cmp -s - <(printf '%s' "$prefix"); then
		why="stdout does not start with '$prefix'"
	fi
	if [[ -z $why ]]; then
		echo "ok   $suite/$name"
		pass=$((pass + 1))
	else
		echo "FAIL $suite/$name ($why)"
		sed 's/^/     stderr| /' "$tmp/err" | head -n 8
		fail=$((fail + 1))
	fi
}

for suite in assemblyscript c rust; do
	dir=$SUITE/$suite/testsuite/wasm32-wasip1
	for wasm in "$dir"/*.wasm; do
		name=$(basename "$wasm" .wasm)
		[[ -z $FILTER || $suite/$name == *"$FILTER"* ]] || continue
		run_test "$suite" "$dir" "$name"
	done
done
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
