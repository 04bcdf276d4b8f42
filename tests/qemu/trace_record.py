#!/usr/bin/env python3
"""trace_record.py IMAGE [--smp N] - `trace record` end to end: the kernel
records a program run to a trace.dat file, `base64` prints the file over the
serial line, and the host decodes it and reads it with Debian's
`trace-cmd report`, which must list the recorded events (and only those),
with their fields, CPUs and tasks. Also: a run stopped by Ctrl-C is still
written, a builtin can be recorded, the events switched on before come back
afterwards, and bad words change nothing. A pipeline is recorded whole
(`trace record ... -- hello | run cat - | wc -l`: every program of it in the
file), so is a command list (`trace record ... -c 'a > f; b < f | c && d'`), and `trace report` in the guest lists the file's events: as many as
trace-cmd report on the host, the same events in the same order; a file
that is not a trace.dat gets a clear error; every `trace` subcommand has
--help and says what is wrong with a bad word.

Prints "ok NAME" / "FAIL NAME" per check, then "N passed, N failed".
The transcript goes to build/test-logs/trace_record.transcript."""
import argparse
import base64
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shell_driver import Shell, ShellError  # noqa: E402

WROTE_RE = re.compile(r"trace record: (\d+) events, (\d+) CPUs, (\d+) bytes written to (\S+)\n")
# trace-cmd report's event line: COMM-PID [CPU] TIME: EVENT: FIELDS (and
# `trace report`'s in the guest)
LINE_RE = re.compile(r"^\s*(.+)-(\d+)\s+\[(\d{3})\]\s+(\d+\.\d+): (\w+):\s+(.*)$")

results = []


def check(name, ok, detail=""):
    results.append((name, bool(ok)))
    print(f"{'ok  ' if ok else 'FAIL'} trace_record.{name}" + ("" if ok else f": {detail}"))


def fetch(sh, path, tmp, name):
    """The guest file `path` through `base64`, decoded into tmp/name."""
    text = sh.cmd(f"base64 {path}", timeout=60)
    data = base64.b64decode("".join(text.split()), validate=True)
    local = os.path.join(tmp, name)
    with open(local, "wb") as f:
        f.write(data)
    return local, data


def report(local):
    """trace-cmd report's event lines, parsed, and its stderr."""
    p = subprocess.run(["trace-cmd", "report", local], capture_output=True, text=True,
                       timeout=60)
    lines = [LINE_RE.match(l) for l in p.stdout.splitlines()[1:]]
    return p, [m.groups() for m in lines if m], [l for l, m in
                                                 zip(p.stdout.splitlines()[1:], lines) if not m]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("image")
    ap.add_argument("--smp", type=int, default=2)
    a = ap.parse_args()
    if not shutil.which("trace-cmd"):
        check("setup", False, "trace-cmd missing (tools/deps.sh installs it)")
        return finish()
    tmp = tempfile.mkdtemp()
    os.makedirs("build/test-logs", exist_ok=True)
    try:
        with Shell(a.image, smp=a.smp, log="build/test-logs/trace_record.transcript") as sh:
            run_checks(sh, tmp)
            check("shutdown", sh.shutdown() == 0)
    except ShellError as e:
        check("session", False, str(e))
    finally:
        shutil.rmtree(tmp)
    return finish()


def run_checks(sh, tmp):
    # an event switched on before: it must not get into the file, and must
    # be on again afterwards
    sh.cmd("trace enable timer:timer_expire")

    out = sh.cmd("trace record -o /tmp/hello.dat -e sched:sched_switch -e wasm/* hello",
                 timeout=60)
    m = WROTE_RE.search(out)
    check("program_ran", "Hello, world, from WebAssembly!" in out, out[-300:])
    check("file_written", m and m.group(4) == "/tmp/hello.dat", out[-300:])
    if not m:
        return
    nevents, ncpus, nbytes = int(m.group(1)), int(m.group(2)), int(m.group(3))
    check("cpus", ncpus == sh.smp, m.group(0))

    set_event = sh.cmd("cat /sys/kernel/tracing/set_event")
    check("switches_restored", set_event.split() == ["timer:timer_expire"], set_event)
    sh.cmd("trace disable all")

    local, data = fetch(sh, "/tmp/hello.dat", tmp, "hello.dat")
    check("base64_size", len(data) == nbytes, f"{len(data)} bytes, said {nbytes}")
    check("magic", data[:10] == b"\x17\x08\x44tracing" and data[10:12] == b"6\0",
          repr(data[:12]))

    p, ev, other = report(local)
    check("report_exit_0", p.returncode == 0, p.stderr[:300])
    check("report_no_stderr", p.stderr == "", p.stderr[:300])
    check("report_every_event", len(ev) == nevents and not other,
          f"{len(ev)} lines of {nevents}; not understood: {other[:3]}")
    names = {e[4] for e in ev}
    wasm = {"load", "translate", "instance_start", "start", "hostcall", "instance_exit",
            "instance_kill"}
    check("only_recorded_events", names <= wasm | {"sched_switch"}, sorted(names))
    check("program_events", {"instance_start", "start", "instance_exit"} <= names,
          sorted(names))
    check("switches_listed", "sched_switch" in names, sorted(names))
    start = [e for e in ev if e[4] == "instance_start"]
    check("fields", start and re.search(r"\bprog=hello\b", start[0][5]),
          start[0][5] if start else "no instance_start")
    check("task_named", any(e[0].strip() == "hello" for e in ev),
          sorted({e[0].strip() for e in ev}))
    switch = [e for e in ev if e[4] == "sched_switch"]
    # trace-cmd's sched_switch plugin prints "prev:pid [prio] state ==> next:pid [prio]"
    check("switch_fields", switch and re.fullmatch(r"\S+:\d+ \[120\] [RSX] ==> \S+:\d+ \[120\]",
                                                 switch[0][5]),
          switch[0][5] if switch else "no sched_switch")
    cpus = {int(e[2]) for e in ev}
    check("cpu_numbers", cpus and max(cpus) < sh.smp, sorted(cpus))
    ts = [float(e[3]) for e in ev]
    check("time_order", ts == sorted(ts) and ts and ts[0] > 0, ts[:5])

    guest_report(sh, "/tmp/hello.dat", ev, "hello")
    pipeline_checks(sh, tmp)

    # the headers the file carries, as tracefs shows them
    out = sh.cmd("cat /sys/kernel/tracing/events/header_event")
    check("tracefs_header_event", "time_extend : type == 30" in out, out)

    # Ctrl-C ends the program; the file is still written
    sh.start("trace record -o /tmp/spin.dat -e sched spin")
    sh.expect(r"spin: looping forever", 30)
    sh.send(b"\x03")
    out = sh.wait_prompt(30)
    m = WROTE_RE.search(out)
    check("stopped_run_written", m and m.group(4) == "/tmp/spin.dat" and int(m.group(1)) > 0,
          out[-300:])
    if m:
        local, data = fetch(sh, "/tmp/spin.dat", tmp, "spin.dat")
        p, ev, other = report(local)
        check("stopped_run_report", p.returncode == 0 and len(ev) == int(m.group(1)) and
              {e[4] for e in ev} <= {"sched_switch", "sched_wakeup", "task_spawn", "task_exit"},
              p.stderr[:200] + str(len(ev)))

    # a builtin, recorded with a relative path from the working directory
    out = sh.cmd("cd /tmp; trace record -e shell:prompt echo hi; cd /")
    check("builtin_recorded", "hi\n" in out and "written to /tmp/trace.dat" in out, out[-300:])

    # bad words: said, nothing run, nothing created
    out = sh.cmd("trace record -o /tmp/bad.dat -e nosuch:event hello; echo status=$?")
    check("unknown_event", "no such event" in out and "Hello" not in out and
          "status=1" in out, out)
    out = sh.cmd("trace record -o /tmp/bad.dat hello; echo status=$?")
    check("no_event_usage", "usage: trace record" in out and "status=2" in out, out)
    out = sh.cmd("ls /tmp")
    check("nothing_created", "bad.dat" not in out, out)
    out = sh.cmd("base64 /tmp/none.dat; echo status=$?")
    check("base64_missing_file", "No such file" in out and "status=1" in out, out)


def refused(sh, cases):
    """Each (name, cmd, said, status): cmd's output has `said` and its
    status is `status` (0 for --help)."""
    for name, cmd, said, status in cases:
        out = sh.cmd(f"{cmd}; echo status=$?")
        check(name, said in out and f"status={status}\n" in out, out)


def guest_lines(sh, path):
    """`trace report -i path` in the guest: its first line, event lines parsed,
    lines not understood."""
    out = sh.cmd(f"trace report -i {path}", timeout=120)
    lines = out.splitlines()
    parsed = [LINE_RE.match(l) for l in lines[1:]]
    return (lines[0] if lines else "", [m.groups() for m in parsed if m],
            [l for l, m in zip(lines[1:], parsed) if not m])


def guest_report(sh, path, host_ev, name):
    """trace report in the guest agrees with trace-cmd report on the host."""
    first, ev, other = guest_lines(sh, path)
    check(f"guest_report_{name}_cpus", first == f"cpus={sh.smp}", first)
    check(f"guest_report_{name}_count", len(ev) == len(host_ev) and not other,
          f"{len(ev)} lines, trace-cmd {len(host_ev)}; not understood: {other[:3]}")
    # the same events, tasks, CPUs and times (trace-cmd's sched_switch
    # plugin prints its fields its own way, so fields are compared for the
    # wasm events only)
    same = [g[:5] == h[:5] and (g[4] == "sched_switch" or g[5].strip() == h[5].strip())
            for g, h in zip(ev, host_ev)]
    bad = [(g, h) for g, h, ok in zip(ev, host_ev, same) if not ok]
    check(f"guest_report_{name}_same_events", ev and not bad, bad[:2])


def pipeline_checks(sh, tmp):
    """A whole pipeline recorded; the file read in the guest and on the host."""
    out = sh.cmd("trace record -o /tmp/pipe.dat -e wasm -e sched:sched_switch -- "
                 "hello | run cat - | wc -l", timeout=60)
    m = WROTE_RE.search(out)
    check("pipeline_output", re.search(r"^\s*1\n", out, re.M), out[-300:])
    check("pipeline_written", m and m.group(4) == "/tmp/pipe.dat", out[-300:])
    if not m:
        return
    local, data = fetch(sh, "/tmp/pipe.dat", tmp, "pipe.dat")
    p, ev, other = report(local)
    check("pipeline_report", p.returncode == 0 and len(ev) == int(m.group(1)) and not other,
          p.stderr[:200] + f" {len(ev)} of {m.group(1)}")
    progs = {re.search(r"prog=(\S+)", e[5]).group(1) for e in ev
             if e[4] == "instance_start" and "prog=" in e[5]}
    check("pipeline_every_program", {"hello", "cat"} <= progs, sorted(progs))
    tasks = {e[0].strip() for e in ev}
    check("pipeline_wc_ran_inside", "wc" in tasks or any(
        "next_comm=wc" in e[5] or "==> wc:" in e[5] for e in ev), sorted(tasks))
    guest_report(sh, "/tmp/pipe.dat", ev, "pipeline")

    # a list: each pipeline recorded by itself, the next one not
    out = sh.cmd("trace record -o /tmp/one.dat -e wasm hello | wc -c; hello", timeout=60)
    m = WROTE_RE.search(out)
    check("list_records_one_pipeline", m and out.count("Hello, world") == 1 and
          out.index("written to") < out.index("Hello, world"), out[-300:])

    # a command list with -c: every pipeline of it recorded, && after it
    # sees its status
    out = sh.cmd("trace record -o /tmp/list.dat -e wasm -c 'hello > /tmp/h.txt; "
                 "run cat - < /tmp/h.txt | wc -l && echo listed' && echo after", timeout=60)
    m = WROTE_RE.search(out)
    check("list_ran", re.search(r"^\s*1\nlisted\ntrace record: .*\nafter\n", out, re.M), out)
    if m:
        local, data = fetch(sh, "/tmp/list.dat", tmp, "list.dat")
        p, ev, other = report(local)
        progs = {re.search(r"prog=(\S+)", e[5]).group(1) for e in ev
                 if e[4] == "instance_exit" and "prog=" in e[5]}
        check("list_every_program", p.returncode == 0 and len(ev) == int(m.group(1)) and
              progs == {"hello", "cat"}, f"{sorted(progs)} {len(ev)} of {m.group(1)}")
        guest_report(sh, "/tmp/list.dat", ev, "list")
    refused(sh, [
        ("list_no_background", "trace record -e wasm -c 'hello &'", "no & in what is recorded", 2),
        ("list_syntax_error", "trace record -e wasm -c 'hello |'",
         "-c: syntax error: '|' needs a command", 2),
        ("list_and_cmd", "trace record -e wasm -c hello hello", "-c LIST or CMD, not both", 2),
    ])

    # errors in the guest: not a trace.dat (cut files: the host tests), no
    # file, a record in the background; then bad options and subcommands
    sh.cmd("echo just some words > /tmp/words.txt")
    refused(sh, [
        ("report_foreign_file", "trace report -i /bin/hello.wasm", "not a trace.dat file", 1),
        ("report_text_file", "trace report -i /tmp/words.txt", "not a trace.dat file", 1),
        ("report_missing_file", "trace report -i /tmp/none.dat", "No such file", 1),
    ])
    out = sh.cmd("trace record -o /tmp/bg.dat -e wasm hello & echo status=$?")
    check("record_not_in_background", "not in the background" in out and
          "status=2" in out and "Hello" not in out, out)
    refused(sh, [
        ("record_bad_option", "trace record -x", "unknown option -x", 2),
        ("report_bad_option", "trace report -q", "-q: unknown option", 2),
        ("show_extra_word", "trace show extra", "takes no arguments", 2),
        ("unknown_subcommand", "trace frob", "unknown subcommand 'frob'", 2),
        ("unknown_subcommand_usage", "trace frob", "trace report [-i FILE]", 2),
    ])

    # every subcommand: --help
    refused(sh, [(f"help_{sub}", f"trace {sub} --help", f"usage: trace {sub}", 0) for sub in
                 ["list", "enable", "disable", "show", "clear", "pipe", "record", "report"]])


def finish():
    passed = sum(ok for _, ok in results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if results and passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
