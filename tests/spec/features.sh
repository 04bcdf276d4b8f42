#!/usr/bin/env bash
# features.sh - the WebAssembly 3.0 testsuite's counts per feature: runs
# tests/spec/run3.sh (or reads a saved output of it) and sums its per-file
# lines by the feature each file tests (tests/spec/features3.txt, where the
# rule is written down):
#
#   feature | files | assertions | passed | failed | skipped
#
# `assertions` is passed + failed + skipped, counted as the runner counts
# (assertions and actions; a module command only when it fails). A second
# table counts the skipped ones by the feature their skip entry names (the
# REASON's first word in tests/spec/skip3.txt): a core file's commands may
# be skipped for another feature.
#
#   BUILD=build tests/spec/features.sh [RUNNER ARGS...]   e.g. --guarded
#   tests/spec/features.sh --from OUTPUT                  a saved run3.sh output
set -u
MAP=tests/spec/features3.txt

if [[ ${1:-} == --from ]]; then
	[[ -r ${2:-} ]] || { echo "features: cannot read ${2:-(no file)}"; exit 2; }
	out=$(cat "$2")
else
	out=$(tests/spec/run3.sh "$@")
fi
grep -qE '^[0-9]+ passed, [0-9]+ failed$' <<<"$out" || {
	echo "features: the run gave no result line:"
	tail -n 5 <<<"$out"
	exit 1
}

# "spec: NAME: P passed, F failed[, S skipped]..." -> "F NAME P F S";
# "spec-skip: SKIPFILE:LINE: N skipped: FEATURE: why" -> "S FEATURE N"
sed -nE -e 's/^spec: ([^ ]+): ([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/F \1 \2 \3 \5/p' \
	-e 's/^spec-skip: [^ ]+ ([0-9]+) skipped: ([^: ]+):.*/S \2 \1/p' <<<"$out" |
	awk -v map="$MAP" '
	BEGIN {
		while ((getline l < map) > 0) {
			if (l ~ /^#/ || l !~ /[^ \t]/)
				continue
			split(l, w, " ")
			feat[w[1]] = w[2]
		}
	}
	$1 == "S" {
		by[$2] += $3
		next
	}
	{
		f = $2
		t = (f in feat) ? feat[f] : "unmapped"
		files[t]++
		pass[t] += $3
		fail[t] += $4
		sk[t] += $5
	}
	END {
		fmt = "%-20s | %5s | %10s | %8s | %8s | %8s\n"
		printf fmt, "feature", "files", "assertions", "passed", "failed", "skipped"
		# the features in a fixed order (awk has no sort everywhere)
		order_s = "core text simd relaxed-simd tail-call extended-const multi-memory " \
			  "memory64 exceptions legacy-exceptions function-references gc unmapped"
		n = split(order_s, order, " ")
		for (i = 1; i <= n; i++) {
			t = order[i]
			if (!(t in files))
				continue
			printf fmt, t, files[t], pass[t] + fail[t] + sk[t], pass[t], fail[t], sk[t]
			F += files[t]
			P += pass[t]
			X += fail[t]
			S += sk[t]
		}
		printf fmt, "total", F, P + X + S, P, X, S
		printf "\nskipped, by the feature their skip entry names:\n"
		for (i = 1; i <= n; i++)
			if (order[i] in by)
				printf "%-20s | %8d\n", order[i], by[order[i]]
		for (t in by)
			if (!index(" " order_s " ", " " t " "))
				printf "%-20s | %8d\n", t, by[t]
	}'
