#!/usr/bin/env bash
# check.sh - trace.dat files (lib/trace/tracedat.c) as Debian's trace-cmd
# reads them: tracedat_gen (gen.c) writes known records on two CPUs, and
# `trace-cmd report` must list exactly those, with their fields, CPUs,
# tasks and nanosecond timestamps, a long record, a time extend, several
# pages, and say nothing on stderr.
# Prints "ok NAME" or "FAIL NAME" per check and ends with "N passed, N failed".
set -u
BUILD=${BUILD:-build}
GEN=${GEN:-$BUILD/host/tracedat_gen}
CHECK_PREFIX=tracedat
. "$(dirname "$0")/../lib/checks.sh"

if [[ ! -x $GEN ]]; then
	check setup 1 "$GEN missing (make $GEN)"
	checks_end
fi
if ! command -v trace-cmd >/dev/null; then
	check setup 1 "trace-cmd missing (tools/deps.sh installs it)"
	checks_end
fi

"$GEN" "$TMP/t.dat" >"$TMP/gen.out"
check gen_exit_0 $?
grep -qx "events 305 skipped 0 bytes 24576" "$TMP/gen.out"
check gen_counts $? "$(cat "$TMP/gen.out")"

trace-cmd report -t "$TMP/t.dat" >"$TMP/report" 2>"$TMP/report.err"
check report_exit_0 $? "$(head -3 "$TMP/report.err")"
[[ ! -s $TMP/report.err ]]
check report_no_stderr $? "$(head -3 "$TMP/report.err")"

# the first records, exactly (trace-cmd's own spacing squeezed)
tr -s ' ' <"$TMP/report" | sed 's/^ //' | head -n 6 >"$TMP/head"
wide=$(printf 'w%.0s' $(seq 191)) # the field keeps 191 of the 199
cat >"$TMP/want" <<WANT
cpus=2
hello-7 [000] 1.000001000: tick: n=1 name=first big=-5
shell-9 [001] 1.000002000: tick: n=2 name=second big=1234567890123
hello-7 [000] 1.000003000: print: 0x0: hello marker
hello-7 [000] 3.500000000: wide: len=199 text=$wide
shell-9 [001] 3.500000500: tick: n=3 name=third big=7
WANT
diff "$TMP/want" "$TMP/head" >"$TMP/diff"
check first_records $? "$(head -8 "$TMP/diff")"

# the 300 records of CPU 1 that fill several pages: each, in order
tr -s ' ' <"$TMP/report" | sed 's/^ //' | tail -n +7 >"$TMP/many"
for i in $(seq 0 299); do
	printf 'shell-9 [001] 4.%06d000: tick: n=%d name=many big=%d\n' "$i" $((100 + i)) "$i"
done >"$TMP/want-many"
diff "$TMP/want-many" "$TMP/many" >"$TMP/diff"
check many_records_in_order $? "$(head -8 "$TMP/diff")"

# raw fields (-R) as the format files declare them
trace-cmd report -R "$TMP/t.dat" 2>&1 | tr -s ' ' | grep -c 'tick: n=2 name=second big=1234567890123$' >"$TMP/raw"
[[ $(cat "$TMP/raw") == 1 ]]
check raw_fields $?

# one CPU at a time, and the file's sections
[[ $(trace-cmd report --cpu 0 "$TMP/t.dat" 2>/dev/null | grep -c '\[000\]') == 3 &&
	$(trace-cmd report --cpu 0 "$TMP/t.dat" 2>/dev/null | grep -c '\[001\]') == 0 ]]
check per_cpu $?
trace-cmd report --stat "$TMP/t.dat" >"$TMP/stat" 2>&1
grep -q "CPU1 data recorded at offset=0x2000" "$TMP/stat" && grep -q "16384 bytes in size" "$TMP/stat"
check cpu_pages $? "$(grep -A1 'data recorded' "$TMP/stat" | head -4 | tr '\n' ' ')"
trace-cmd report --events "$TMP/t.dat" 2>&1 | grep -q '^print fmt: "len=%u text=%s", REC->len, REC->text$'
check event_formats $?

# a file cut short is refused, not misread
head -c 3000 "$TMP/t.dat" >"$TMP/short.dat"
trace-cmd report "$TMP/short.dat" >"$TMP/short.out" 2>&1
[[ $? -ne 0 ]] || ! grep -q 'tick:' "$TMP/short.out"
check truncated_refused $?

checks_end
