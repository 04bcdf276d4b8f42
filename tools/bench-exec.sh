#!/usr/bin/env bash
# The executor's host benchmark, side by side with its peers (tokio, oneTBB;
# ../shared/peer-bench, built in $PEER_BENCH_BUILD by its build.sh), with
# medians and spread instead of one figure.
#
#   tools/bench-exec.sh [ROUNDS]        (default 5; env RUNS, THREADS, BENCHES)
#
# Per workload and thread count: ROUNDS rounds, each running ours, tokio and
# oneTBB back to back (RUNS timed runs each, their median is the round's
# figure), so the three see the same load. Prints per workload
#   bench=NAME threads=T ns_per_op=MEDIAN min=.. max=.. spread_pct=..
#     tokio_ns=.. tbb_ns=.. vs_tokio=MEDIAN_RATIO vs_tokio_max=.. vs_tbb=..
#     rounds_below_tokio=K/ROUNDS
# (ratios are ours/peer per round; their median and worst round). On a
# shared machine the ratios are the figures to quote, not the ns.
# With CALLGRIND=1 it also counts instructions per operation (valgrind,
# marginal over 1 vs 11 runs, one worker), ours against the peers':
#   bench=NAME callgrind_ir_per_op=X pool_ir_per_op=Y tokio_ir=.. tbb_ir=..
# (X with malloc'd tasks, Y with bench_exec --pool: task memory recycled,
# as oneTBB's allocator does)
# (valgrind needs DWARF 4: ours is rebuilt with -gdwarf-4 for it.)
set -u
BUILD=${BUILD:-build}
ROUNDS=${1:-5}
RUNS=${RUNS:-11}
THREADS=${THREADS:-"1 2"}
BENCHES=${BENCHES:-"spawn_many chained_spawn ping_pong yield_many"}
PB=${PEER_BENCH_BUILD:-/tmp/peer-bench-build}
PEER_DIR=${PEER_BENCH_DIR:-../shared/peer-bench}
OURS=${BENCH_EXEC:-$BUILD/host/bench/bench_exec}
PEERS=""
for p in tokio tbb; do [ -x "$PB/$p-peer" ] && PEERS="$PEERS $p"; done
[ -n "$PEERS" ] || echo "bench-exec: no peers in $PB (../shared/peer-bench/build.sh): ours only" >&2

ns_of() { sed -nE 's/.*ns_per_op=([0-9.]+).*/\1/p'; }
stats() { # numbers on stdin -> "median min max"
	sort -g | awk '{a[NR]=$1} END {m = NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2;
		printf "%s %s %s\n", m, a[1], a[NR]}'
}

for t in $THREADS; do
	for b in $BENCHES; do
		: >/tmp/bench-exec.$$.ours
		: >/tmp/bench-exec.$$.tokio
		: >/tmp/bench-exec.$$.tbb
		for ((k = 0; k < ROUNDS; k++)); do
			"$OURS" --bench "$b" --threads "$t" --runs "$RUNS" | ns_of >>/tmp/bench-exec.$$.ours
			for p in $PEERS; do
				"$PB/$p-peer" --threads "$t" --bench "$b" --iters "$RUNS" | ns_of \
					>>/tmp/bench-exec.$$.$p
			done
		done
		read -r med lo hi < <(stats </tmp/bench-exec.$$.ours)
		line="bench=$b threads=$t ns_per_op=$med min=$lo max=$hi"
		line="$line spread_pct=$(awk -v m="$med" -v l="$lo" -v h="$hi" 'BEGIN{printf "%.0f", 100*(h-l)/m}')"
		for p in $PEERS; do
			read -r pmed _ _ < <(stats </tmp/bench-exec.$$.$p)
			ratios=$(paste /tmp/bench-exec.$$.ours /tmp/bench-exec.$$.$p |
				awk '{printf "%.2f\n", $1 / $2}')
			read -r rmed _ rmax < <(stats <<<"$ratios")
			line="$line ${p}_ns=$pmed vs_$p=$rmed vs_${p}_max=$rmax"
			[ "$p" = tokio ] && line="$line rounds_below_tokio=$(awk '$1 < 1' <<<"$ratios" | wc -l)/$ROUNDS"
		done
		echo "$line"
	done
done
rm -f /tmp/bench-exec.$$.*

[ "${CALLGRIND:-0}" = 1 ] || exit 0
command -v valgrind >/dev/null || { echo "bench-exec: no valgrind" >&2; exit 0; }
CG=/tmp/bench-exec-cg.$$
mkdir -p "$CG"
CG_CC=${CG_CC:-$(command -v gcc || echo clang)} # the figures in the READMEs: gcc 12
"$CG_CC" -O2 -gdwarf-4 -Ilib -D_GNU_SOURCE -pthread -o "$CG/bench_exec" bench/kasync/bench_exec.c \
	lib/kasync/*.c lib/kasync/host/*.c lib/base/err.c lib/base/host/assert_host.c || exit 1
ir() { # bench runs [--pool] -> total instructions of a run of ours
	valgrind --tool=callgrind --callgrind-out-file="$CG/out" "$CG/bench_exec" --bench "$1" \
		--threads 1 --runs "$2" ${3:-} >/dev/null 2>&1
	awk '/^(summary|totals):/{print $2; exit}' "$CG/out"
}
per_op() { # bench ops [--pool] -> marginal instructions per operation
	awk -v a="$(ir "$1" 1 "${3:-}")" -v c="$(ir "$1" 11 "${3:-}")" -v n="$2" \
		'BEGIN{printf "%.0f", (c-a)/(10*n)}'
}
for b in $BENCHES; do
	case $b in spawn_many) ops=10000 ;; yield_many) ops=200000 ;; *) ops=1000 ;; esac
	line="bench=$b callgrind_ir_per_op=$(per_op "$b" "$ops") pool_ir_per_op=$(per_op "$b" "$ops" --pool)"
	if [ -n "$PEERS" ] && [ -x "$PEER_DIR/callgrind.sh" ]; then
		peer=$(PEER_BENCH_BUILD=$PB "$PEER_DIR/callgrind.sh" "$b" 1 11 2>/dev/null)
		for p in $PEERS; do
			line="$line ${p}_ir=$(sed -nE "s/^peer=$p .*Ir_marginal_per_op=([0-9.]+).*/\1/p" <<<"$peer")"
		done
	fi
	echo "$line"
done
rm -rf "$CG"
