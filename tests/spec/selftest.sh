#!/usr/bin/env bash
# selftest.sh - checks the spec runner itself ($BUILD/host/spectest) on three
# small scripts, which it reads itself, so that a runner bug cannot turn
# failures into passes:
#
#   selftest/ok.wast   every command must pass, none skipped (a text-format
#                      assert_malformed included)
#   selftest/bad.wast  exactly the commands marked ";; FAIL" must fail: wrong
#                      values, NaN kinds, references, trap messages, valid
#                      modules in assert_invalid, linkable ones in
#                      assert_unlinkable, well-formed text in
#                      assert_malformed, actions on a failed module, ...
#   selftest/hang.wast an endless loop: with --timeout 1 the file must be
#                      killed, 1 assertion passed (the module does not
#                      count) and 2 commands failed
#
# One check per command; last line "N passed, N failed".
#
#   BUILD=build [SPEC_RUNNER=build/host-asan/spectest] tests/spec/selftest.sh
set -u
BUILD=${BUILD:-build}
RUNNER=${SPEC_RUNNER:-$BUILD/host/spectest}
HERE=tests/spec/selftest

die() {
	echo "spec-selftest: $*"
	echo "0 passed, 1 failed"
	exit 1
}

[[ -x $RUNNER ]] || die "$RUNNER missing (make BUILD=$BUILD spectest-build)"

# "spec: F.wast: P passed, F failed[, S skipped]..." -> "P F S"
counts() {
	sed -nE 's/^spec: [^ ]+: ([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/\1 \2 \4/p' <<<"$1"
}

pass=0
fail=0

out=$("$RUNNER" -v --skip tests/spec/skip.txt "$HERE/ok.wast" 2>&1)
read -r p f s < <(counts "$out")
if [[ -z ${p:-} ]]; then
	echo "spec-selftest: ok.wast: no result line"
	printf '%s\n' "$out" | tail -n 5
	fail=$((fail + 1))
else
	pass=$((pass + p))
	fail=$((fail + f))
	if [[ ${s:-0} -ne 0 ]]; then
		echo "spec-selftest: ok.wast: expected none skipped, got ${s:-0}"
		fail=$((fail + 1))
	fi
	echo "spec-selftest: ok.wast: $p passed, $f failed"
	grep -E '^  ' <<<"$out"
fi

out=$("$RUNNER" -v --skip /dev/null "$HERE/bad.wast" 2>&1)
read -r p f s < <(counts "$out")
if [[ -z ${p:-} ]]; then
	echo "spec-selftest: bad.wast: no result line"
	printf '%s\n' "$out" | tail -n 5
	fail=$((fail + 1))
else
	want=$(grep -n ';; FAIL' "$HERE/bad.wast" | cut -d: -f1 | sort -n)
	got=$(sed -nE 's/^  bad\.wast:([0-9]+): .*/\1/p' <<<"$out" | sort -n)
	wrong=0
	for l in $(comm -23 <(echo "$want") <(echo "$got")); do
		echo "  bad.wast:$l: passed, but should fail"
		wrong=$((wrong + 1))
	done
	for l in $(comm -13 <(echo "$want") <(echo "$got")); do
		echo "  bad.wast:$l: failed, but should pass: $(grep -E "^  bad\.wast:$l: " <<<"$out")"
		wrong=$((wrong + 1))
	done
	total=$((p + f + ${s:-0}))
	echo "spec-selftest: bad.wast: $((total - wrong)) as expected, $wrong not"
	pass=$((pass + total - wrong))
	fail=$((fail + wrong))
fi
out=$("$RUNNER" --timeout 1 --skip /dev/null "$HERE/hang.wast" 2>&1)
line=$(grep -E '^spec: hang\.wast: ' <<<"$out")
if [[ $line == "spec: hang.wast: 1 passed, 2 failed, timed out after 1 s at line 9" ]]; then
	echo "spec-selftest: hang.wast: killed after the timeout, as expected"
	pass=$((pass + 1))
else
	echo "spec-selftest: hang.wast: expected a timeout at line 9, got: ${line:-nothing}"
	fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
