"""checks_pressure.py - memory pressure through the shell (issue 11): a
full /tmp, a program holding all the memory it can get, modules with big
data segments and a million functions, and a big module run many times.
Nothing may panic, every refusal must say why, and afterwards the frames
free or in the heap and the heap's bytes in use must be back where they
started.

Each check takes the Shell (tests/qemu/shell_driver.py); userland.py
includes CHECKS in its list.
"""
import re
import time

from shell_checks import has, line_re, mem_said, need, same_mem, settled_mem, start_bg

D8 = "/tmp/d8.wasm"


def budget(sh):
    """(available, promised) frames from `mem`'s budget line."""
    m = line_re(r"^budget: (\d+) available, (\d+) promised", sh.cmd("mem"))
    return int(m.group(1)), int(m.group(2))


def run_ok(sh, line, secs=120):
    out = sh.cmd(line, secs)
    need(out == "", f"{line}: {out[-300:]!r}")


def start_mem(sh):
    """mem_usage to come back to, after a program ran once (what the first
    program's run allocates for good is not the sequence's)."""
    need(sh.cmd("hello") == "Hello, world, from WebAssembly!\n", "hello")
    return settled_mem(sh)


def back_to(sh, start, what):
    """The frames free or in the heap, the heap's live allocations and its
    bytes in use are back at `start` (shell_checks.same_mem); returns
    "frames F0 -> F1, heap H0 -> H1 bytes in ..." for the note (make bench
    reads it)."""
    now = settled_mem(sh, start, 10.0)
    said = mem_said(start, now)
    need(same_mem(now, start), f"after {what}: {said}")
    return said


def make_d8(sh):
    out = sh.cmd(f"pressure module data 8 {D8}", 60)
    need(out == f"pressure: wrote {D8}\n", f"writing {D8}: {out!r}")


def c_full_tmp_holder_then_data_segment(sh):
    """The issue's panic: /tmp filled and emptied, a program holding every
    frame memory.grow would give, then a module with an 8 MiB data segment."""
    start = start_mem(sh)
    make_d8(sh)
    try:
        out = sh.cmd("pressure fill /tmp/big 16", 60)
        need(out == "pressure: wrote 16 MiB to /tmp/big\n", f"fill: {out!r}")
        need(sh.cmd("pressure rm /tmp/big") == "", "rm /tmp/big")
        num, _ = start_bg(sh, "pressure hold max", r"pressure: holding \d+ MiB.*\n")
        try:
            held = re.search(r"pressure: holding (\d+) MiB(.*)\n", sh.text).groups()
            need(held[1] == " (memory.grow refused)", f"the holder stopped at {held[0]} MiB: {held[1]!r}")
            avail, promised = budget(sh)
            out = sh.cmd(f"run {D8}", 120)
            # it may run (the kernel's reserve is not for programs, so it
            # must not fit there) or be refused with a reason; never a crash
            ran = out == ""
            need(ran or re.search(r"^run: /tmp/d8\.wasm: not enough memory.*\n\[exit status 126\]\n$",
                                  out), f"run {D8} beside the holder: {out[-300:]!r}")
            # the shell still answers; a program may be refused, with a reason
            has(sh.cmd("mem"), "budget: ")
            out = sh.cmd("hello")
            need(out == "Hello, world, from WebAssembly!\n" or
                 re.search(r"^run: /bin/hello\.wasm: not enough memory.*\n\[exit status 126\]\n$", out),
                 f"hello beside the holder: {out!r}")
        finally:
            has(sh.cmd(f"kill %{num}", 15), f"[{num}] Killed")
        run_ok(sh, f"run {D8}")
    finally:
        sh.cmd(f"pressure rm {D8}")
    said = back_to(sh, start, "the sequence")
    return (f"holder got {held[0]} MiB; then {avail} frames available, {promised} promised;"
            f" d8 {'ran' if ran else 'refused'}; {said}")


def c_million_functions_then_big_program(sh):
    """A module of a million empty functions is refused for its metadata
    (bounded by its size), quickly and without keeping anything; a big
    program runs right after."""
    start = start_mem(sh)
    out = sh.cmd("pressure module funcs 1000000 /tmp/f1m.wasm", 120)
    need(out == "pressure: wrote /tmp/f1m.wasm\n", f"writing f1m: {out!r}")
    t0 = time.monotonic()
    out = sh.cmd("run /tmp/f1m.wasm", 300)
    secs = time.monotonic() - t0
    need(re.search(r"^run: /tmp/f1m\.wasm: not enough memory \(.*past its limit\)\n"
                   r"\[exit status 126\]\n$", out), f"run f1m: {out[-300:]!r}")
    need(sh.cmd("pressure rm /tmp/f1m.wasm") == "", "rm f1m")
    make_d8(sh)
    run_ok(sh, f"run {D8}")
    need(sh.cmd(f"pressure rm {D8}") == "", f"rm {D8}")
    said = back_to(sh, start, "the sequence")
    return f"f1m refused in {secs:.1f} s; {said}"


def c_big_module_many_runs(sh, runs):
    """An 8 MiB module (its data segment copied into guest memory each
    time) run many times: each run works, nothing accumulates."""
    make_d8(sh)
    run_ok(sh, f"run {D8}")  # anything kept for good after the first run is not per run
    start = settled_mem(sh)
    t0 = time.monotonic()
    for i in range(runs):
        out = sh.cmd(f"run {D8}", 60)
        need(out == "", f"run {i + 1} of {D8}: {out[-300:]!r}")
    secs = time.monotonic() - t0
    said = back_to(sh, start, f"{runs} runs")
    need(sh.cmd(f"pressure rm {D8}") == "", f"rm {D8}")
    return f"{runs} runs in {secs:.1f} s; {said}"


def checks(runs):
    return [
        ("pressure_full_tmp_holder_then_data_segment", c_full_tmp_holder_then_data_segment),
        ("pressure_million_functions_then_big_program", c_million_functions_then_big_program),
        ("pressure_big_module_many_runs", lambda sh: c_big_module_many_runs(sh, runs)),
    ]
