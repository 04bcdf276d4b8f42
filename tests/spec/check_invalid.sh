#!/usr/bin/env bash
# check_invalid.sh - lib/wasm's decoder and validator against the official
# spec testsuite, without running anything.
#
# Converts every non-SIMD .wast with wast2json into $BUILD/spec/check_invalid/
# and checks with $BUILD/host/wasmcheck that every `assert_invalid` and binary
# `assert_malformed` module is rejected, and that every `module`,
# `assert_unlinkable` and `assert_uninstantiable` module (all valid) is
# accepted. One line per file; the last line is "N passed, N failed", counted
# per module. A rejection of the wrong kind (invalid for malformed or the
# reverse) still passes, as in the reference runner, but is counted in the
# file's line ("kind≠N") so it stays visible.
#
#   BUILD=build WASM_TESTSUITE=../shared/wasm-testsuite tests/spec/check_invalid.sh
set -u
BUILD=${BUILD:-build}
SUITE=${WASM_TESTSUITE:-../shared/wasm-testsuite}
CHECK=$BUILD/host/wasmcheck
OUT=$BUILD/spec/check_invalid

if [[ ! -x $CHECK ]]; then
	echo "check_invalid: $CHECK missing (make wasmcheck)"
	echo "0 passed, 1 failed"
	exit 1
fi
if ! command -v wast2json >/dev/null; then
	echo "check_invalid: wast2json missing (apt install wabt)"
	echo "0 passed, 1 failed"
	exit 1
fi
shopt -s nullglob
wasts=()
for w in "$SUITE"/*.wast; do
	[[ $(basename "$w") == simd_* ]] || wasts+=("$w")
done
if [[ ${#wasts[@]} -eq 0 ]]; then
	echo "check_invalid: no .wast files in $SUITE"
	echo "0 passed, 1 failed"
	exit 1
fi
mkdir -p "$OUT"

total_pass=0
total_fail=0
for w in "${wasts[@]}"; do
	name=$(basename "$w" .wast)
	dir=$OUT/$name
	json=$dir/$name.json
	if [[ ! -f $json || $json -ot $w ]]; then
		rm -rf "$dir"
		mkdir -p "$dir"
		if ! wast2json "$w" -o "$json" >"$dir/wast2json.log" 2>&1; then
			printf '%-28s wast2json failed\n' "$name"
			total_fail=$((total_fail + 1))
			continue
		fi
	fi
	# wast2json writes one command per line: "type", then "filename", then
	# for assertions "text" and "module_type".
	expects=()
	files=()
	texts=()
	while IFS=$'\t' read -r type file text mtype; do
		case $type in
		module | assert_unlinkable | assert_uninstantiable) expects+=(accept) ;;
		assert_invalid) expects+=(invalid) ;;
		assert_malformed)
			[[ $mtype == binary ]] || continue
			expects+=(malformed)
			;;
		*) continue ;;
		esac
		files+=("$dir/$file")
		texts+=("$text")
	done < <(sed -nE 's/^ *\{"type": "([a-z_]+)", "line": [0-9]+(, "name": "[^"]*")?, "filename": "([^"]+\.wasm)"(, "text": "([^"]*)")?(, "module_type": "([a-z]+)")?.*/\1\t\3\t\5\t\7/p' "$json")
	pass=0
	fail=0
	kind=0
	details=()
	if [[ ${#files[@]} -gt 0 ]]; then
		mapfile -t results < <("$CHECK" "${files[@]}" 2>&1)
		for i in "${!files[@]}"; do
			res=${results[$i]:-missing}
			got=${res#"${files[$i]}: "}
			if [[ ${expects[$i]} == accept ]]; then
				if [[ $got == ok ]]; then
					pass=$((pass + 1))
				else
					fail=$((fail + 1))
					details+=("  $(basename "${files[$i]}"): valid module rejected: $got")
				fi
			elif [[ $got == ok || $got != malformed:* && $got != invalid:* ]]; then
				fail=$((fail + 1))
				details+=("  $(basename "${files[$i]}"): expected ${expects[$i]} \"${texts[$i]}\", got: $got")
			else
				pass=$((pass + 1))
				[[ $got == "${expects[$i]}":* ]] || kind=$((kind + 1))
			fi
		done
	fi
	line=$(printf '%-28s %4d passed, %d failed' "$name" "$pass" "$fail")
	[[ $kind -gt 0 ]] && line+=" (kind≠ $kind)"
	echo "$line"
	for d in "${details[@]}"; do echo "$d"; done | head -n 20
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
done
echo "$total_pass passed, $total_fail failed"
[[ $total_fail -eq 0 ]]
