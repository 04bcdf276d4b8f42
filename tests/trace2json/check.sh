#!/usr/bin/env bash
# check.sh - trace2json on a real capture: capture-smp2.txt is the serial
# console of `make run SMP=2` (carriage returns and all) with the lines
#   trace enable sched:sched_switch sched:task_spawn sched:task_exit
#                wasm:start wasm:instance_exit
#   hello &  /  hello  /  sleep 1  /  echo marker ... > .../trace_marker
#   trace show  /  shutdown
# piped in (tools/qemu-run.sh). Every trace line must become one event,
# the console text around the trace one range report each, and a line
# spoiled inside the trace a report with its number and why.
# Prints "ok NAME" or "FAIL NAME" per check and ends with "N passed, N failed".
set -u
BUILD=${BUILD:-build}
T2J=${T2J:-$BUILD/host/trace2json}
DIR=$(dirname "$0")
CAP=$DIR/capture-smp2.txt
CHECK_PREFIX=trace2json
. "$DIR/../lib/checks.sh"

[[ -x $T2J ]] || { echo "FAIL trace2json.setup: $T2J missing (make trace-tools)"; echo "0 passed, 1 failed"; exit 1; }

"$T2J" "$CAP" >"$TMP/out.json" 2>"$TMP/err"
check exit_0 $?

# the JSON: valid, CPU tracks named, one event per trace line, no \r
python3 - "$CAP" "$TMP/out.json" <<'EOF' >"$TMP/py" 2>&1
import json, re, sys
cap = open(sys.argv[1], "rb").read().decode()
raw = open(sys.argv[2], "rb").read()
trace = [l for l in cap.split("\n") if re.search(r"-\d+ +\[\d{3}\] \S+ +\d+\.\d{6}: ", l)]
ev = json.loads(raw)["traceEvents"]
names = {e["tid"]: e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "thread_name"}
slices = [e for e in ev if e["ph"] == "X"]
inst = [e for e in ev if e["ph"] == "i"]
switches = [l for l in trace if ": sched_switch: " in l]
marker = [e for e in inst if e["name"] == "tracing_mark_write"]
print("json_valid", 0)
print("no_carriage_return", int(b"\r" in raw or b"\\r" in raw or b"\\u000d" in raw))
print("cpu_tracks_named", int(names != {0: "CPU 0", 1: "CPU 1"}))
print("every_trace_line_an_event", int(len(trace) != 54 or len(slices) != len(switches)
      or len(inst) != len(trace) - len(switches)))
print("marker_fields", int(len(marker) != 1 or marker[0]["args"]["fields"] != "marker from the shell"
      or marker[0]["tid"] != 1 or marker[0]["ts"] != 1420813.0))
print("slice_names", int(not slices or any(not re.fullmatch(r"[\w/]+-\d+", s["name"]) for s in slices)))
EOF
if grep -q '^json_valid 0$' "$TMP/py"; then
	while read -r name status; do check "$name" "$status"; done <"$TMP/py"
else
	check json_valid 1 "$(tail -3 "$TMP/py")"
fi

# the console text before and after the trace: one report each, nothing else
cat >"$TMP/want" <<EOF
$CAP: lines 2-63 (59 lines): console text before the trace, skipped (line 2: no " [CPU] " field)
$CAP: lines 130-131 (2 lines): console text after the trace, skipped (line 130: a shell prompt line, not a trace line)
EOF
diff "$TMP/want" "$TMP/err" >"$TMP/diff"
check console_text_reported_as_ranges $? "$(cat "$TMP/diff")"

# lines spoiled inside the trace: each reported with its number and why
awk 'NR == 81 { print "[WARN][CPU 0][0.3] vfs: a log line in the middle\r" }
	NR == 82 { print "           hello-2       [000] .....     0.27: start: prog=hello\r"; next }
	NR == 84 { print "           hello-3       [000] .....     0.298253: Unknown type 99\r"; next }
	NR == 86 { print "           hello-3 [001] garbage\r" }
	{ print }' "$CAP" >"$TMP/bad.txt"
"$T2J" "$TMP/bad.txt" >"$TMP/bad.json" 2>"$TMP/bad.err"
cat >"$TMP/want" <<EOF
$TMP/bad.txt: lines 2-63 (59 lines): console text before the trace, skipped (line 2: no " [CPU] " field)
$TMP/bad.txt: line 81: a kernel log line, not a trace line
$TMP/bad.txt: line 83: no SECS.USECS: timestamp after FLAGS
$TMP/bad.txt: line 85: a record of an event type the kernel did not know
$TMP/bad.txt: line 87: no SECS.USECS: timestamp after FLAGS
$TMP/bad.txt: lines 132-133 (2 lines): console text after the trace, skipped (line 132: a shell prompt line, not a trace line)
$TMP/bad.txt: 4 lines inside the trace not understood (listed above)
EOF
diff "$TMP/want" "$TMP/bad.err" >"$TMP/diff"
check bad_lines_reported_by_number $? "$(cat "$TMP/diff")"
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$TMP/bad.json"
check bad_lines_json_valid $?

# usage
"$T2J" --help | grep -q '^usage: trace2json \[FILE\]' && [[ ${PIPESTATUS[0]} -eq 0 ]]
check help $?
"$T2J" --bogus >/dev/null 2>&1
[[ $? -eq 2 ]]
check bad_option_exit_2 $?
"$T2J" "$TMP/missing" >/dev/null 2>&1
[[ $? -eq 1 ]]
check missing_file_exit_1 $?
# from stdin: the same JSON
"$T2J" <"$CAP" 2>/dev/null | cmp -s - "$TMP/out.json"
check stdin_same_output $?

checks_end
