#!/usr/bin/env python3
"""latency.py [--log FILE] [--limit-ms MS] [--only SUBSTR] IMAGE

The shell's answer time and Ctrl-C latency while a guest (or a builtin)
does long work, in guest time: QEMU runs with `-icount shift=0` on one
hart, so the guest's clock counts its instructions (1 ns each) and the
figures do not depend on how fast or busy the host is.

The work is one long operation after another: a random_get of 64 MiB, a
memory.fill of 128-256 MiB or a memory.copy of 64 MiB (userland/longcall.c), the
builtin `cat` of a 16 MiB /tmp file. While it runs in the background the
shell is asked for `uptime`; while it runs in the foreground, Ctrl-C is
sent. Serial input arrives on host time, so the kernel's own timestamps
are what is measured: the tracepoints irq:irq_handler_entry (the UART's
interrupt for the key: Enter, typed alone after the echo of the line, or
Ctrl-C), shell:line / shell:interrupt (the shell took the key) and
shell:prompt (the answer, or the job's end, is out). Each latency is from
the key's interrupt to the prompt after it and must be at most --limit-ms
(default 50) of guest time.

Prints "ok   latency.NAME (answer X ms)" or "FAIL latency.NAME: why" per
check, the figures, and ends with "N passed, N failed". The transcript
goes to --log (default BUILD/test-logs/latency.transcript).
"""
import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shell_driver import Shell, ShellError  # noqa: E402

TRACING = "/sys/kernel/tracing"
# "  <task>-<pid>  [000] .....   12.345678: event: fields"
RECORD_RE = re.compile(r"^\s*(\S+)\s+\[(\d+)\]\s+\S*\s+(\d+\.\d+): (\w+): (.*)$", re.M)


class Fail(Exception):
    pass


def key_while_busy(sh, key, settle=0.3):
    """Sends `key` once the shell has had time to go idle again, so that
    the key arrives while the long work has the CPU."""
    time.sleep(settle)
    sh.send(key)


def bg(sh, line, started_re):
    out = sh.cmd(line + " &", 30)
    m = re.search(r"^\[(\d+)\] \d+$", out, re.M)
    if not m:
        raise Fail(f"{line} &: {out!r}")
    if not re.search(started_re, out):
        sh.expect(started_re, 60)
    return int(m.group(1))


def kill(sh, num):
    out = sh.cmd(f"kill %{num}", 30)
    if f"[{num}] Killed" not in out:
        raise Fail(f"kill %{num}: {out!r}")


def uptime_beside(op, mib):
    """`uptime` typed while `longcall OP MIB 0` runs in the background; the
    key measured is the Enter, sent alone after the echo of the line."""
    def run(sh):
        num = bg(sh, f"longcall {op} {mib} 0", rf"longcall: {op} {mib} MiB start\n")
        try:
            key_while_busy(sh, b"uptime")
            sh.expect(r"uptime", 10)
            key_while_busy(sh, b"\r")
            sh.expect(r"\nup \d+\.\d{3} s\n> ", 30)
        finally:
            sh.send(b"\x03")  # a line half typed is dropped
            kill(sh, num)
    return run


def ctrl_c_in(line, started_re, settle=0.5):
    """Ctrl-C to the foreground `line` once it has started."""
    def run(sh):
        sh.start(line)
        sh.expect(started_re, 60)
        key_while_busy(sh, b"\x03", settle)
        sh.expect(r"\^C\n", 30)
        sh.expect(r"> ", 30)
    return run


# name, the event that takes the key (shell:line "uptime" or shell:interrupt),
# the task that must have had the CPU when the key came, the steps
# (a memset is fast: it takes 256 MiB to hold the CPU for 100 ms; a killed
# program's memory is freed before the prompt, about 1 ms per 10 MiB, so
# Ctrl-C is measured on a 128 MiB fill)
SCENARIOS = [
    ("uptime_during_random_get_64MiB", "line", "longcall", uptime_beside("random", 64)),
    ("ctrl_c_during_random_get_64MiB", "interrupt", "longcall",
     ctrl_c_in("longcall random 64 0", r"longcall: random 64 MiB start\n")),
    ("uptime_during_memory_fill_256MiB", "line", "longcall", uptime_beside("fill", 256)),
    ("ctrl_c_during_memory_fill_128MiB", "interrupt", "longcall",
     ctrl_c_in("longcall fill 128 0", r"longcall: fill 128 MiB start\n")),
    ("uptime_during_memory_copy_64MiB", "line", "longcall", uptime_beside("copy", 64)),
    ("ctrl_c_during_builtin_cat_16MiB", "interrupt", "cat",
     ctrl_c_in("cat /tmp/big", r"(longcall: a line of text.*\n){100}", 0.3)),
]


def records_of(text):
    """[(time s, task, event, fields)] of a trace listing."""
    return [(float(m.group(3)), m.group(1), m.group(4), m.group(5).strip())
            for m in RECORD_RE.finditer(text)]


def measure(records, kind):
    """(ms from the key's UART interrupt to the prompt after it, ms until
    the shell took it, the task that had the CPU when the key came)."""
    for i, (t, _, ev, fields) in enumerate(records):
        if ev != kind or (kind == "line" and fields != "line=uptime"):
            continue
        irq = [r for r in records[:i] if r[2] == "irq_handler_entry" and "name=uart" in r[3]]
        prompt = [r for r in records[i:] if r[2] == "prompt"]
        if not irq or not prompt:
            raise Fail(f"no UART interrupt before, or no prompt after, {ev} at {t}")
        key = irq[-1]
        return (prompt[0][0] - key[0]) * 1000.0, (t - key[0]) * 1000.0, key[1]
    raise Fail(f"no {kind} event in the trace")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--log")
    ap.add_argument("--limit-ms", type=float, default=50.0)
    ap.add_argument("--only")
    ap.add_argument("image")
    args = ap.parse_args()
    if not args.log:
        build = os.path.dirname(os.path.dirname(os.path.abspath(args.image)))
        args.log = os.path.join(build, "test-logs", "latency.transcript")
    os.makedirs(os.path.dirname(os.path.abspath(args.log)), exist_ok=True)
    passed = failed = 0
    t0 = time.monotonic()
    todo = [s for s in SCENARIOS if not args.only or args.only in s[0]]
    figures = []
    with Shell(args.image, smp=1, log=args.log, limit=300, mem="512M",
               qemu_args=["-icount", "shift=0"]) as sh:
        try:
            out = sh.cmd("longcall write /tmp/big 16", 60)
            if "wrote 16 MiB" not in out:
                raise Fail(f"longcall write: {out!r}")
            out = sh.cmd("trace enable irq:irq_handler_entry shell")
            if out:
                raise Fail(f"trace enable: {out!r}")
        except (Fail, ShellError) as e:
            print(f"FAIL latency.setup: {e}")
            print(f"0 passed, {len(todo) + 1} failed")
            sys.exit(1)
        for name, kind, busy, run in todo:
            why = "not run"
            for attempt in range(3):
                try:
                    sh.note(f"=== {name}, attempt {attempt + 1}")
                    sh.cmd("trace clear")
                    run(sh)
                    total, taken, task = measure(records_of(sh.cmd(f"cat {TRACING}/trace", 60)),
                                                 kind)
                except (Fail, ShellError) as e:
                    why = str(e)
                    sh.send(b"\x03")
                    time.sleep(1)
                    sh.skip()
                    continue
                if not task.startswith(busy + "-"):
                    why = f"the key came while {task} ran, not {busy}"
                    continue  # timing: the shell was still busy; again
                why = None
                if total > args.limit_ms:
                    why = (f"{total:.2f} ms from the key to the prompt (limit {args.limit_ms:g}"
                           f" ms; the shell took the key after {taken:.2f} ms)")
                break
            if why:
                print(f"FAIL latency.{name}: {why}")
                failed += 1
            else:
                print(f"ok   latency.{name} (key to prompt {total:.2f} ms, key taken after"
                      f" {taken:.2f} ms, guest time)")
                figures.append(total)
                passed += 1
        try:
            sh.cmd("trace disable irq:irq_handler_entry shell")
            sh.shutdown()
        except ShellError as e:
            print(f"FAIL latency.shutdown: {e}")
            failed += 1
    if figures:
        print(f"worst key to prompt: {max(figures):.2f} ms of guest time")
    print(f"transcript: {args.log} ({time.monotonic() - t0:.1f} s)")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
