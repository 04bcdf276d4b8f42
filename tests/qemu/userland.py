#!/usr/bin/env python3
"""userland.py --smp N [--log FILE] [--runs N] [--alloc-args A] [--limit S]
               [--only SUBSTR] [-v] IMAGE

End-to-end checks of the userland through the kernel shell: boots IMAGE in
QEMU with N harts and types commands at the shell over the serial line
(tests/qemu/shell_driver.py): the demo programs' output and traps, stdin,
Ctrl-C and Ctrl-D, background jobs with jobs/ps/kill, memory coming back
after many trapping and allocating runs, the wasm:trap and
sched:sched_switch trace events, WASI files in /tmp, and bad input.

Prints "ok   shell.NAME" or "FAIL shell.NAME: why" per check and ends with
"N passed, N failed" (exit status 1 if any failed). The whole transcript,
with the driver's "#### " notes, goes to --log (default
BUILD/test-logs/userland-smpN.transcript, BUILD being IMAGE's build dir).
A check that fails leaves the shell resynchronised (Ctrl-C, then a marker
echoed) or, if that fails too, a freshly booted QEMU for the next one.
--limit bounds the whole run: QEMU is killed then, and the checks not run
yet count as failures.
"""
import argparse
import glob
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shell_driver import Shell, ShellError  # noqa: E402
import checks_fair  # noqa: E402
import checks_pressure  # noqa: E402
import checks_prompt  # noqa: E402
import checks_sandbox  # noqa: E402
import checks_shellenv  # noqa: E402
import checks_shellio  # noqa: E402
from shell_checks import (Fail, has, jobs_rows, lacks, line_re, mem_said, mem_usage,  # noqa: E402
                          need, no_status, ps_rows, same_mem, settled_mem, start_bg, wait_notice)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRACING = "/sys/kernel/tracing"
SPIN = r"spin: looping forever\n"


# ---- the checks: each takes the Shell and returns a note for the log ----

def c_builtin_files(sh):
    need(sh.cmd("echo hi there > /tmp/e2e.txt") == "", "echo > /tmp/e2e.txt printed something")
    need(sh.cmd("cat /tmp/e2e.txt") == "hi there\n", "cat /tmp/e2e.txt")
    has(sh.cmd("ls /tmp"), "e2e.txt")
    has(sh.cmd("cat /proc/meminfo"), "MemFree")


def c_mem_format(sh):
    f, h, a = mem_usage(sh)
    need(f > 0 and h > 0 and a > 0, f"mem: {f} frames free or in the heap, {h} heap bytes, {a} allocations")


MODULES_RE = (r"^modules: (\d+) kept \((\d+) running\), (\d+) KiB \((\d+) KiB compiled code\);"
              r" (\d+) runs found theirs kept, (\d+) did not$")


def c_modules_kept(sh):
    """A second run of a program finds its module kept, with its compiled
    code; `mem drop` gives the kept ones back; a bad `mem` argument is
    refused."""
    sh.cmd("mem drop")
    m0 = line_re(MODULES_RE, sh.cmd("mem"))
    need(m0.group(1) == "0", f"after mem drop: {m0.group(0)!r}")
    for _ in range(2):
        need(sh.cmd("hello") == "Hello, world, from WebAssembly!\n", "hello")
    m1 = line_re(MODULES_RE, sh.cmd("mem"))
    # with the compiler (the default), its compiled code is kept with it
    need(m1.group(1) == "1" and m1.group(2) == "0" and int(m1.group(3)) > 0 and
         int(m1.group(4)) > 0, f"after two hellos: {m1.group(0)!r}")
    need(int(m1.group(5)) == int(m0.group(5)) + 1 and int(m1.group(6)) == int(m0.group(6)) + 1,
         f"hits and misses: {m0.group(0)!r} -> {m1.group(0)!r}")
    out = sh.cmd("mem drop")
    need(re.match(r"mem: gave back [1-9]\d* KiB of kept modules\n$", out), f"mem drop: {out!r}")
    need(sh.cmd("mem nope") == "usage: mem [drop]\n[exit status 2]\n", "mem nope")


def c_hello(sh):
    want = "Hello, world, from WebAssembly!\n"
    for line in ("hello", "run hello", "run /bin/hello.wasm"):
        out = sh.cmd(line)
        need(out == want, f"{line}: {out!r}")
    out = sh.cmd("run hello wasm")
    need(out == "Hello, wasm, from WebAssembly!\n", f"run hello wasm: {out!r}")


def c_hello_usage(sh):
    out = sh.cmd("hello a b")
    need(out == "usage: hello [NAME]\n[exit status 2]\n", f"hello a b: {out!r}")


def c_echo(sh):
    out = sh.cmd("run echo a b c")
    need(out == "a b c\n", f"run echo a b c: {out!r}")
    out = sh.cmd("run echo 'a  b' \"c d\" e")
    need(out == "a  b c d e\n", f"quoted arguments: {out!r}")
    out = sh.cmd("run echo -n")
    need(out == "", f"run echo -n: {out!r}")


def c_cat(sh):
    out = sh.cmd("run cat /etc/motd")
    has(out, "Welcome to wasmos")
    no_status(out)
    need(out == sh.cmd("cat /etc/motd"), "run cat /etc/motd differs from the builtin cat")
    out = sh.cmd("run cat /nope")
    need(out == "cat: /nope: No such file or directory\n[exit status 1]\n", f"run cat /nope: {out!r}")


def c_cat_large(sh):
    # 24 lines of 80 characters: more than any one console line buffer
    sh.cmd("echo -n > /tmp/big.txt")
    for i in range(24):
        sh.cmd(f"echo line-{i:02d}-" + "x" * 71 + " >> /tmp/big.txt")
    builtin = sh.cmd("cat /tmp/big.txt")
    need(builtin.count("\n") == 24 and len(builtin) == 24 * 80, f"builtin cat: {len(builtin)} bytes")
    out = sh.cmd("run cat /tmp/big.txt")
    need(out == builtin, f"run cat printed {len(out)} of {len(builtin)} bytes; ends {out[-120:]!r}")


def c_ls(sh):
    out = sh.cmd("run ls /bin")
    no_status(out)
    names = set(out.split("\n")) - {""}
    progs = {os.path.basename(p)[:-2] + ".wasm" for p in glob.glob(os.path.join(ROOT, "userland/*.c"))}
    need(progs <= names, f"missing in run ls /bin: {sorted(progs - names)}")
    need(out.splitlines() == sorted(out.splitlines()), "run ls /bin is not sorted")
    out = sh.cmd("run ls /")
    for d in ("bin/", "etc/", "tmp/"):
        need(d in out.splitlines(), f"run ls / lacks {d}: {out!r}")


def c_sleep(sh):
    out = sh.cmd("sleep 0.5", 15)
    secs = sh.last_secs
    need(out == "", f"sleep 0.5 printed {out!r}")
    need(0.5 <= secs < 10, f"sleep 0.5 took {secs:.3f} s")
    out = sh.cmd("sleep soon")
    has(out, "usage: sleep", "[exit status 2]")
    return f"sleep 0.5 took {secs:.3f} s"


def c_primes(sh):
    out = sh.cmd("primes 1000", 30)
    need(out.endswith("primes: 168 primes below 1000\n"), f"primes 1000: {out[-200:]!r}")
    has(out, "primes: 50% (95 found)\n")
    out = sh.cmd("primes 20000", 60)
    need(out.endswith("primes: 2262 primes below 20000\n"), f"primes 20000: {out[-200:]!r}")
    return f"primes 20000 took {sh.last_secs:.2f} s"


def c_clock(sh):
    out = sh.cmd("clock")
    no_status(out)  # its status is 1 if monotonic time did not advance 10 ms
    line_re(r"^realtime: +(\d+)\.\d{9} s since the epoch$", out)
    line_re(r"^monotonic: \d+\.\d{9} s$", out)
    line_re(r"^resolution: [1-9]\d* ns$", out)
    line_re(r"^slept 10 ms: monotonic advanced \d+\.\d{3} ms$", out)


def c_clock_realtime(sh):
    # WASI's realtime clock is wall-clock time since 1970 (QEMU virt has an RTC)
    rt = line_re(r"^realtime: +(\d+)\.\d{9} s since the epoch$", sh.cmd("clock"))
    need(int(rt.group(1)) > 1577836800, f"realtime {rt.group(1)} s is before 2020")


def check_trap(out, first_line, kind=None):
    has(out, first_line + "\n")
    m = line_re(r"^trap: (.+)$", out)
    need(kind is None or m.group(1) == kind, f"trap kind {m.group(1)!r}, expected {kind!r}")
    frames = [ln for ln in out.splitlines() if ln.startswith("  #")]
    need(frames and frames[0].startswith("  #0 "), f"no backtrace in {out[-300:]!r}")
    for ln in frames:
        need(re.match(r"^  #\d+ 0x[0-9a-f]{8} in \S+", ln), f"bad backtrace line {ln!r}")
    need(out.endswith("[exit status 134]\n"), f"no [exit status 134] at the end: {out[-200:]!r}")
    return frames


def c_oob(sh):
    out = sh.cmd("oob", 15)
    frames = check_trap(out, "oob: reading at 0xfffffff0", "out of bounds memory access")
    has(frames[0], " in main")
    lacks(out, "should have trapped")


def c_stack(sh):
    out = sh.cmd("stack", 30)
    frames = check_trap(out, "stack: recursing forever", "call stack exhausted")
    has(frames[0], " in recurse")
    lacks(out, "should have trapped")
    # one frame repeated is counted, not printed 32 times; deeper than the
    # frames recorded: the backtrace ends with the rest counted
    line_re(r"^  \.\.\. \d+ more frames of recurse$", out)
    line_re(r"^  \.\.\. \d+ more frames$", out)


TAILCALL_SHALLOW, TAILCALL_DEEP = 1994398441, 4252978758  # as built natively
TAILCALL_OUT = ("tailcall: even({n}) = 0, odd({n}) = 1\n"
                "tailcall: vm {r} rounds -> {v}\n")


def c_tailcall(sh):
    """tests/wasi/tailcall.c built without and with -mtail-call prints the
    same; with tail calls (functions the compiler refuses: interpreted) a
    million calls deep runs in constant stack, compiled or --interp."""
    plain = sh.cmd("tailcall", 30)
    tc = sh.cmd("tailcall-tc", 30)
    want = TAILCALL_OUT.format(n=1001, r=250, v=TAILCALL_SHALLOW)
    need(plain == tc == want, f"outputs {plain!r} {tc!r}, expected {want!r}")
    want = TAILCALL_OUT.format(n=1000001, r=250000, v=TAILCALL_DEEP)
    for cmd in ("tailcall-tc deep", "run --interp tailcall-tc deep"):
        out = sh.cmd(cmd, 120)
        need(out == want, f"{cmd}: {out[-300:]!r}, expected {want!r}")
    return f"tailcall-tc deep took {sh.last_secs:.2f} s interpreted"


EXN_LINE = "exn: caught 42, legacy 7, rethrown, nested"


def c_exn(sh):
    # exception handling (3.0): caught across calls, legacy try, throw_ref
    need(sh.cmd("exn", 15) == EXN_LINE + "\n", "exn")
    # uncaught: reported like a trap, with the throw's backtrace
    frames = check_trap(sh.cmd("exn x", 15), EXN_LINE, "uncaught exception")
    need(len(frames) >= 3, f"backtrace of the throw: {frames!r}")


GC_LINE = "gc: list of 1000 kept over 512 MiB of arrays, casts and i31 ok"


def c_gc(sh):
    """GC (3.0): more arrays than the program's GC heap may hold come and go
    while a list stays; keeping them all traps "out of memory", and every
    frame and heap byte comes back (after a first run of each, whose module
    the shell keeps)."""
    need(sh.cmd("gc", 60) == GC_LINE + "\n", "gc")
    secs = sh.last_secs
    check_trap(sh.cmd("gc x", 60), GC_LINE, "out of memory")
    m0 = settled_mem(sh)
    for _ in range(2):
        need(sh.cmd("gc", 60) == GC_LINE + "\n", "gc again")
        check_trap(sh.cmd("gc x", 60), GC_LINE, "out of memory")
    m1 = settled_mem(sh, m0)
    need(same_mem(m1, m0), f"after 2 more runs of gc and gc x: {mem_said(m0, m1)}")
    return f"gc took {secs:.2f} s"


def c_alloc(sh):
    out = sh.cmd("alloc", 60)
    m = line_re(r"^alloc: got (\d+) KiB in (\d+) blocks of 1024 KiB, then malloc refused$", out)
    no_status(out)
    need(int(m.group(1)) >= 60000, f"alloc got only {m.group(1)} KiB of its 64 MiB")
    return f"alloc got {m.group(1)} KiB in {sh.last_secs:.2f} s"


def c_bad_usage(sh):
    for prog in ("oob x", "stack x", "alloc 0", "spin 1", "primes many", "clock now"):
        out = sh.cmd(prog)
        need(out.startswith("usage: ") and out.endswith("[exit status 2]\n"), f"{prog}: {out!r}")


def c_stdin_lines(sh):
    sh.start("run cat -")
    sh.send(b"first line\r")
    sh.expect(r"first line\n(.|\n)*first line\n", 10)  # the echo, then cat's copy
    sh.send(b"second\r")
    sh.expect(r"second\n(.|\n)*second\n", 10)
    sh.send(b"\x04")  # Ctrl-D on an empty line: end of input
    out = sh.wait_prompt(10)
    no_status(out)
    seen = sh.text[sh.text.rfind("run cat -"):]
    need(seen.count("first line\n") == 2 and seen.count("second\n") == 2,
         f"each line echoed once and printed once by cat: {seen!r}")


def c_stdin_ctrl_c(sh):
    sh.start("run cat -")
    time.sleep(0.3)
    sh.send(b"\x03")
    sh.expect(r"\^C", 5)
    sh.wait_prompt(10)
    need(not jobs_rows(sh), "jobs not empty after Ctrl-C")


def c_ctrl_c_spin(sh):
    sh.start("spin")
    sh.expect(r"spin: looping forever\n", 10)
    time.sleep(0.2)
    sh.send(b"\x03")
    sh.expect(r"\^C", 5)
    sh.wait_prompt(10)
    note = f"spin ended {sh.last_secs:.3f} s after it was started"
    need(not [r for r in ps_rows(sh).values() if r[0] == "spin"], "spin still in ps after Ctrl-C")
    need(sh.cmd("hello") == "Hello, world, from WebAssembly!\n", "hello after Ctrl-C")
    return note


def c_bg_spin_kill(sh):
    spins = []
    for _ in range(2):
        spins.append(start_bg(sh, "spin", SPIN))
    out = sh.cmd("hello", 10)
    took = sh.last_secs
    need(out == "Hello, world, from WebAssembly!\n", f"hello beside two spins: {out!r}")
    rows = jobs_rows(sh)
    for num, tid in spins:
        need(any(r[0] == num and r[1] == tid and r[3] == "spin" for r in rows),
             f"jobs lacks [{num}] {tid} spin: {rows}")
    ps = ps_rows(sh)
    for _, tid in spins:
        need(tid in ps and ps[tid][0] == "spin", f"ps lacks spin {tid}: {ps}")
        need(re.match(r"^\d+(\.\d+)?$", ps[tid][3]) and re.match(r"^\d+$", ps[tid][4]) and
             re.match(r"^\d+$", ps[tid][5]), f"spin {tid} has no run time or memory in ps: {ps[tid]}")
    out = sh.cmd(f"kill %{spins[0][0]} {spins[1][1]}", 15)
    for num, _ in spins:
        has(out, f"[{num}] Killed spin\n")
    no_status(out)
    need(jobs_rows(sh) == [], "jobs not empty after kill")
    ps = ps_rows(sh)
    for _, tid in spins:
        need(tid not in ps, f"ps still lists {tid}")
    need(not [r for r in ps.values() if r[0] == "spin"], "ps still lists a spin")
    return f"hello beside two spins answered in {took:.3f} s"


def c_bg_notices(sh):
    num, _ = start_bg(sh, "sleep 0.3")
    wait_notice(sh, rf"^\[{num}\] Done sleep")
    num, _ = start_bg(sh, "run cat -")  # stdin at its end: cat ends at once
    wait_notice(sh, rf"^\[{num}\] Done (run )?cat")
    num, _ = start_bg(sh, "primes 10", r"primes: 4 primes below 10\n")
    wait_notice(sh, rf"^\[{num}\] Done primes")
    num, _ = start_bg(sh, "hello a b", r"usage: hello \[NAME\]\n")
    wait_notice(sh, rf"^\[{num}\] Exit 2 hello")
    num, _ = start_bg(sh, "oob", r"trap: out of bounds memory access\n(  #.*\n)*  #\d+ .* in _start\S*\n")
    wait_notice(sh, rf"^\[{num}\] Trap \(?out of bounds memory access\)? oob")
    need(jobs_rows(sh) == [], "jobs not empty after the notices")


def c_leak(sh, runs, alloc_args):
    # one run of each first: anything allocated once and kept for good
    # (e.g. on first use) is not a leak per run
    for prog in ("oob", "stack", "alloc " + alloc_args):
        sh.cmd(prog, 60)
    m0 = settled_mem(sh)
    t0 = time.monotonic()
    bad = []
    each = []
    for prog in ("oob", "stack", "alloc " + alloc_args):
        t1 = time.monotonic()
        for i in range(runs):
            out = sh.cmd(prog, 60)
            ok = (out.endswith("[exit status 134]\n") if prog.startswith(("oob", "stack")) else
                  "then malloc refused\n" in out and "[exit status" not in out)
            if not ok:
                bad.append(f"{prog} run {i + 1}: {out[-200:]!r}")
        each.append(f"{prog.strip()} {time.monotonic() - t1:.1f} s")
    secs = time.monotonic() - t0
    m1 = settled_mem(sh, m0)
    need(not bad, f"{len(bad)} runs went wrong, first: {bad[:1]}")
    need(same_mem(m1, m0), f"after {runs} runs each: {mem_said(m0, m1)}")
    return f"{3 * runs} runs in {secs:.1f} s ({', '.join(each)}); frames free or in the heap {m0[0]}, heap {m0[1]} bytes"


def c_kill_frees(sh):
    """A killed program's memory is back when `kill` has returned (it
    waits for its victims), and so after Ctrl-C."""
    m0 = settled_mem(sh)
    num, _ = start_bg(sh, "spin", SPIN)
    has(sh.cmd(f"kill %{num}", 15), f"[{num}] Killed spin")
    m1 = mem_usage(sh)
    sh.start("spin")
    sh.expect(r"spin: looping forever\n", 10)
    time.sleep(0.2)
    sh.send(b"\x03")
    sh.wait_prompt(10)
    m2 = mem_usage(sh)
    later = settled_mem(sh, m0)
    need(same_mem(m1, m0) and same_mem(m2, m0),
         f"right after kill: {mem_said(m0, m1)}; right after Ctrl-C: {mem_said(m0, m2)};"
         f" some seconds later: {mem_said(m0, later)}")


def c_trace(sh):
    events = ("wasm/trap", "wasm/load", "wasm/start", "sched/sched_switch")
    for ev in events:
        out = sh.cmd(f"echo 1 > {TRACING}/events/{ev}/enable")
        need(out == "", f"enable {ev}: {out!r}")
    try:
        trapped = sh.cmd("oob", 15)
        check_trap(trapped, "oob: reading at 0xfffffff0")
        sh.start(f"cat {TRACING}/trace_pipe")
        time.sleep(1.0)
        sh.send(b"\x03")
        out = sh.wait_prompt(15)
    finally:
        for ev in events:
            sh.cmd(f"echo 0 > {TRACING}/events/{ev}/enable")
    trap = line_re(r"^ +oob-\d+ +\[\d+\] .* trap: prog=oob kind=out of bounds memory access func=\d+"
                   r" name=(\S+) offset=0x[0-9a-f]+$", out)
    # the function by name, as the backtrace's first frame names it
    frame0 = re.search(r"#0 0x[0-9a-f]+ in (\S+)", trapped)
    need(frame0 and trap.group(1) == frame0.group(1)[:31],
         f"wasm:trap names {trap.group(1)!r}, the backtrace {frame0 and frame0.group(1)!r}")
    load = line_re(r" load: prog=oob bytes=[1-9]\d* funcs=[1-9]\d* cached=[01] find_us=\d+ decode_us=\d+"
                   r" validate_us=\d+ instantiate_us=\d+", out)
    # the program's own task enters _start once, after its load, before its trap
    start = line_re(r"^ +oob-\d+ +\[\d+\] .* start: prog=oob entry=_start$", out)
    need(load.start() < start.start() < trap.start() and out.count(" start: prog=oob ") == 1,
         "wasm:start not once between wasm:load and wasm:trap")
    line_re(r"sched_switch: prev_comm=\S+ .*==> next_comm=oob ", out)
    line_re(r"sched_switch: prev_comm=oob ", out)
    # `timeout` ends the reader too
    sh.cmd(f"timeout 1 cat {TRACING}/trace_pipe", 15)
    need(0.9 <= sh.last_secs < 10, f"timeout 1 cat trace_pipe took {sh.last_secs:.2f} s")


def c_run_interp(sh):
    """run --interp runs a program interpreted (wasm:translate tier=interp),
    with the same output as compiled (tier=jit, the default); a second run
    compiles nothing: its module was kept with its compiled code."""
    ev = f"{TRACING}/events/wasm/translate/enable"
    sh.cmd("trace clear")
    need(sh.cmd(f"echo 1 > {ev}") == "", "enable wasm/translate")
    try:
        interp = sh.cmd("run --interp hello")
        out_i = sh.cmd(f"cat {TRACING}/trace", 30)
        sh.cmd("mem drop")  # nothing kept: this run compiles what it calls
        sh.cmd("trace clear")
        jit = sh.cmd("run hello")
        out_j = sh.cmd(f"cat {TRACING}/trace", 30)
        sh.cmd("trace clear")
        again = sh.cmd("run hello")
        out_k = sh.cmd(f"cat {TRACING}/trace", 30)
    finally:
        sh.cmd(f"echo 0 > {ev}")
        sh.cmd("trace clear")
    need(interp == jit == again == "Hello, world, from WebAssembly!\n",
         f"outputs {interp!r} {jit!r} {again!r}")
    ni = len(re.findall(r" translate: prog=hello .* tier=interp$", out_i, re.M))
    nj = len(re.findall(r" translate: prog=hello .* tier=jit$", out_j, re.M))
    need(ni > 0 and "tier=jit" not in out_i, f"--interp: {ni} interp events: {out_i[-300:]!r}")
    need(nj > 0 and "tier=interp" not in out_j, f"default: {nj} jit events: {out_j[-300:]!r}")
    need(" translate: " not in out_k, f"a second run translated: {out_k[-300:]!r}")
    return f"hello: {ni} functions translated with --interp, {nj} compiled without, 0 again"


def c_trace_translate(sh):
    """wasm:translate shows each function hello calls for the first time,
    compiled (the kernel's default tier), and wasm:instance_exit how many
    that was: fewer than hello has."""
    evs = ("wasm/translate", "wasm/instance_exit", "wasm/load")
    sh.cmd("trace clear")
    for ev in evs:
        out = sh.cmd(f"echo 1 > {TRACING}/events/{ev}/enable")
        need(out == "", f"enable {ev}: {out!r}")
    try:
        need(sh.cmd("hello") == "Hello, world, from WebAssembly!\n", "hello")
        out = sh.cmd(f"cat {TRACING}/trace", 30)
    finally:
        for ev in evs:
            sh.cmd(f"echo 0 > {TRACING}/events/{ev}/enable")
        sh.cmd("trace clear")
    tr = re.findall(r" translate: prog=hello func=(\d+) wasm_bytes=(\d+) ins=(\d+) bytes=(\d+)"
                    r" ns=(\d+) tier=jit$", out, re.M)
    ex = line_re(r" instance_exit: prog=hello code=0 trap=0 run_us=\d+ translated=(\d+)"
                 r" funcs=(\d+)$", out)
    ld = line_re(r" load: prog=hello bytes=\d+ funcs=(\d+) ", out)
    translated, funcs = int(ex.group(1)), int(ex.group(2))
    need(tr, f"no translate event: {out[-300:]!r}")
    need(len(tr) == translated, f"{len(tr)} translate events, instance_exit says {translated}")
    need(len({f for f, *_ in tr}) == len(tr), "a function translated twice")
    need(0 < translated < funcs and funcs == int(ld.group(1)),
         f"translated {translated} of {funcs} functions (load: {ld.group(1)})")
    need(all(int(w) > 0 and int(i) > 0 and int(b) > 0 for _, w, i, b, _ in tr),
         f"an empty translation: {tr[:3]}")
    ns = sum(int(n) for *_, n in tr)
    need(ns > 0, "no translation took any time")
    return f"hello: {translated} of {funcs} functions translated, {ns // 1000} us in all"


def c_files(sh):
    out = sh.cmd("files /tmp one 'two  three' four", 15)
    no_status(out)
    want = ("files: made /tmp/files.d\n"
            "files: wrote 20 bytes, size 20, read back 20: same\n"
            "files: renamed one.txt to two.txt\n"
            "files: three.txt after append: 3+more\n"
            "files: ls: three.txt two.txt\n"
            "files: deleted three.txt\n"
            "files: ls: two.txt\n")
    need(out == want, f"files /tmp: {out!r}")
    need(sh.cmd("cat /tmp/files.d/two.txt") == "one two  three four\n", "cat two.txt")
    need(sh.cmd("ls /tmp/files.d").split() == ["two.txt"], "ls /tmp/files.d")
    need(sh.cmd("run cat /tmp/files.d/two.txt") == "one two  three four\n", "run cat two.txt")
    out = sh.cmd("files /tmp x")
    has(out, "files: mkdir /tmp/files.d: File exists\n", "[exit status 1]")
    out = sh.cmd("files -c /tmp")
    need(out == "files: removed /tmp/files.d\n", f"files -c /tmp: {out!r}")
    lacks(sh.cmd("ls /tmp"), "files.d")
    out = sh.cmd("files /etc")
    has(out, "files: mkdir /etc/files.d: ", "[exit status 1]")
    lacks(sh.cmd("ls /etc"), "files.d")


def c_bad_input(sh):
    sh.cmd("echo garbage > /tmp/bad.wasm")
    need(sh.cmd("cat /tmp/bad.wasm") == "garbage\n", "cat /tmp/bad.wasm")
    m0 = mem_usage(sh)
    out = sh.cmd("nosuch arg")
    need(out.startswith("nosuch: command not found"), f"nosuch: {out!r}")
    out = sh.cmd("run")
    need(out.startswith("usage: run") and out.endswith("[exit status 2]\n"), f"run: {out!r}")
    for arg in ("9999", "%9", "abc"):
        out = sh.cmd(f"kill {arg}")
        need(out == f"kill: {arg}: no such job\n[exit status 1]\n", f"kill {arg}: {out!r}")
    out = sh.cmd("run nosuch")
    need(out.startswith("run: nosuch: No such file or directory\n"), f"run nosuch: {out!r}")
    for path in ("/tmp/bad.wasm", "/etc/motd"):
        out = sh.cmd(f"run {path}")
        m = line_re(r"^run: (\S+): (.+)$", out)
        need(m.group(1) == path and m.group(2).strip(), f"run {path}: {out!r}")
        need(re.search(r"\[exit status [1-9]\d*\]\n$", out), f"run {path}: no failure status: {out!r}")
    out = sh.cmd("run /tmp")
    need(out.startswith("run: /tmp: ") and "[exit status" in out, f"run /tmp: {out!r}")
    m1 = mem_usage(sh)
    need(same_mem(m1, m0), f"bad input changed memory: {mem_said(m0, m1)}")
    need(jobs_rows(sh) == [], "jobs not empty")
    need(sh.cmd("hello") == "Hello, world, from WebAssembly!\n", "hello after bad input")


def checks(runs, alloc_args, big_runs):
    return [
        ("builtin_files", c_builtin_files),
        ("mem_format", c_mem_format),
        ("modules_kept", c_modules_kept),
        ("hello", c_hello),
        ("hello_usage", c_hello_usage),
        ("echo_argv", c_echo),
        ("cat", c_cat),
        ("cat_large_output", c_cat_large),
        ("ls", c_ls),
        ("sleep", c_sleep),
        ("primes", c_primes),
        ("clock", c_clock),
        ("clock_realtime_is_wall_time", c_clock_realtime),
        ("oob_traps", c_oob),
        ("stack_traps", c_stack),
        ("tail_calls", c_tailcall),


        ("exceptions", c_exn),
        ("gc", c_gc),
        ("alloc", c_alloc),
        ("usage_errors", c_bad_usage),
        ("stdin_lines_ctrl_d", c_stdin_lines),
        ("stdin_ctrl_c", c_stdin_ctrl_c),
        ("ctrl_c_spin", c_ctrl_c_spin),
        ("bg_spin_jobs_ps_kill", c_bg_spin_kill),
        ("bg_notices", c_bg_notices),
        ("no_leak_after_runs", lambda sh: c_leak(sh, runs, alloc_args)),
        ("kill_frees_memory_at_once", c_kill_frees),
        ("trace_trap_and_switch", c_trace),
        ("trace_translate", c_trace_translate),
        ("run_interp", c_run_interp),
        ("wasi_files_tmp", c_files),
        ("bad_input", c_bad_input),
        *checks_sandbox.CHECKS,
        *checks_prompt.CHECKS,
        *checks_shellenv.CHECKS,
        *checks_shellio.CHECKS,
        *checks_pressure.checks(big_runs),
        *checks_fair.CHECKS,
    ]


class Runner:
    def __init__(self, args):
        self.args = args
        self.sh = None
        self.boots = 0
        self.passed = 0
        self.failed = 0
        self.deadline = time.monotonic() + args.limit

    def boot(self):
        if self.sh:
            self.sh.close()
            self.sh = None
        self.boots += 1
        # the transcript of a second boot goes next to the first
        log = self.args.log if self.boots == 1 else f"{self.args.log}.boot{self.boots}"
        self.sh = Shell(self.args.image, smp=self.args.smp, log=log, limit=max(1.0, self.left()))

    def left(self):
        return self.deadline - time.monotonic()

    def resync(self):
        """After a failure: Ctrl-C, then an echoed marker; else a new boot."""
        try:
            self.sh.send(b"\x03")
            time.sleep(0.5)
            self.sh.skip()
            marker = f"resync-{time.monotonic_ns()}"
            need(self.sh.cmd(f"echo {marker}", 10) == marker + "\n", "no marker")
            self.sh.skip()
            return
        except (ShellError, Fail, OSError) as e:
            self.sh.note(f"resync failed ({e}); booting again")
        try:
            self.boot()
        except ShellError as e:
            print(f"     cannot boot again: {e}")
            self.sh = None  # the next check tries once more

    def run_check(self, name, fn):
        t0 = time.monotonic()
        if self.left() < 5:
            print(f"FAIL shell.{name}: not run: the suite's {self.args.limit:g} s are over")
            self.failed += 1
            return
        try:
            if self.sh is None or self.sh.qemu.poll() is not None:
                self.boot()
            self.sh.note(f"=== check {name}")
            note = fn(self.sh)
            secs = time.monotonic() - t0
            self.sh.note(f"=== ok {name} ({secs:.1f} s){': ' + note if note else ''}")
            print(f"ok   shell.{name}" + (f" ({note})" if note and self.args.verbose else ""))
            self.passed += 1
        except (Fail, ShellError, OSError) as e:
            why = str(e).replace("\n", "\\n")
            print(f"FAIL shell.{name}: {why}")
            self.failed += 1
            if self.sh:
                self.sh.note(f"=== FAIL {name}: {why}")
                if self.sh.qemu.poll() is not None:
                    print(f"     QEMU exited with status {self.sh.qemu.returncode}; "
                          f"last output: {self.sh.text[-600:]!r}")
                else:
                    self.resync()
        sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--log", help="transcript file")
    ap.add_argument("--runs", type=int, default=100, help="runs of oob, stack, alloc each")
    ap.add_argument("--big-runs", type=int, default=200,
                    help="runs of a module with an 8 MiB data segment (memory pressure checks)")
    ap.add_argument("--alloc-args", default="32768",
                    help="alloc's argument in the runs (default: one 32 MiB block, then refused)")
    ap.add_argument("--only", help="run the checks whose name contains this")
    ap.add_argument("--limit", type=float, default=360, help="hard limit for all checks, seconds")
    ap.add_argument("-v", "--verbose", action="store_true", help="notes on the ok lines")
    ap.add_argument("image")
    args = ap.parse_args()
    if not args.log:
        build = os.path.dirname(os.path.dirname(os.path.abspath(args.image)))
        args.log = os.path.join(build, "test-logs", f"userland-smp{args.smp}.transcript")
    os.makedirs(os.path.dirname(os.path.abspath(args.log)), exist_ok=True)
    r = Runner(args)
    t0 = time.monotonic()
    for name, fn in checks(args.runs, args.alloc_args, args.big_runs):
        if args.only and args.only not in name:
            continue
        r.run_check(name, fn)

    def c_shutdown(sh):
        rc = sh.shutdown()
        need(rc == 0, f"QEMU exited with status {rc}")
    r.run_check("shutdown", c_shutdown)
    if r.sh:
        r.sh.close()
    print(f"transcript: {args.log} ({r.boots} boot(s), {time.monotonic() - t0:.1f} s)")
    print(f"{r.passed} passed, {r.failed} failed")
    sys.exit(1 if r.failed else 0)


if __name__ == "__main__":
    main()
