# checks.sh - the verdict of a check script, sourced by it (tests/trace2json,
# tests/tracedat): set CHECK_PREFIX, then
#   check NAME STATUS [DETAILS]   "ok   PREFIX.NAME", or "FAIL PREFIX.NAME: DETAILS"
#                                 when STATUS is not 0; counted
#   checks_end                    "N passed, N failed", and exits 0 only if none failed
# and use $TMP, a directory removed at exit.
pass=0
fail=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

check() {
	if [[ $2 -eq 0 ]]; then
		echo "ok   $CHECK_PREFIX.$1"
		pass=$((pass + 1))
	else
		echo "FAIL $CHECK_PREFIX.$1${3:+: $3}"
		fail=$((fail + 1))
	fi
}

checks_end() {
	echo "$pass passed, $fail failed"
	[[ $fail -eq 0 ]]
	exit
}
