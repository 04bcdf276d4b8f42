"""checks_prompt.py - end-to-end checks of the shell's small promises,
run by userland.py (its checks() takes CHECKS): the prompt starts a line of
its own after output without a final newline; an empty program name and a
_start with parameters are refused with a clear message; the job table's
background limit (the jobs= boot argument, 64 by default) gives a clear
message and never blocks the foreground.

Each check takes the Shell (shell_driver.py) and raises Fail
(shell_checks.py) with the reason.
"""
import re

from shell_checks import need

MARK = "\x1b[7m%\x1b[0m\n"  # the prompt's own line end after unfinished output
HELLO = "Hello, world, from WebAssembly!\n"
JOBS_DEFAULT = 64


def c_prompt_newline(sh):
    for line, text in (("run echo -n abc", "abc"), ("echo -n xyz", "xyz")):
        out = sh.cmd(line)
        need(out == text + MARK, f"{line}: {out!r}, expected {text + MARK!r}")
    out = sh.cmd("run echo abc")
    need(out == "abc\n", f"run echo abc (a final newline: no mark): {out!r}")
    out = sh.cmd("run echo -n")
    need(out == "", f"run echo -n (no output: no mark): {out!r}")


def c_empty_program_name(sh):
    out = sh.cmd("run ''")
    need(out == "run: the program name is empty\n[exit status 127]\n", f"run '': {out!r}")
    out = sh.cmd("''")
    need(out == "the program name is empty\n[exit status 127]\n", f"'': {out!r}")


def c_start_with_parameters(sh):
    path = "/tmp/badstart.wasm"
    out = sh.cmd(f"longcall badstart {path}")
    need(out == "", f"longcall badstart: {out!r}")
    out = sh.cmd(f"run {path}")
    want = (f"run: {path}: not a WASI command: _start takes 1 parameter(s) and returns 0"
            " result(s), not none\n[exit status 126]\n")
    need(out == want, f"run {path}: {out!r}")
    need(sh.cmd("hello") == HELLO, "hello after the refused module")


def c_background_limit(sh):
    nums = []
    try:
        for i in range(JOBS_DEFAULT):
            out = sh.cmd("sleep 100 &", 20)
            m = re.search(r"^\[(\d+)\] \d+$", out, re.M)
            need(m, f"background job {i + 1} of {JOBS_DEFAULT}: {out!r}")
            nums.append(int(m.group(1)))
        out = sh.cmd("sleep 100 &")
        want = ("run: sleep: too many background jobs (at most 64, set by the jobs= boot argument):"
                " wait for one or kill it\n[exit status 1]\n")
        need(out == want, f"job {JOBS_DEFAULT + 1} in the background: {out!r}")
        # the foreground is never refused: a program, and a builtin's job
        need(sh.cmd("hello", 20) == HELLO, "hello in the foreground beside 64 background jobs")
        out = sh.cmd("cat /etc/motd", 20)
        need(out.startswith("Welcome to wasmos"), f"cat beside 64 background jobs: {out!r}")
        rows = [ln for ln in sh.cmd("jobs", 20).splitlines() if re.match(r"^\[\d+\] \d+ running sleep", ln)]
        need(len(rows) == JOBS_DEFAULT, f"jobs lists {len(rows)} running sleeps, not {JOBS_DEFAULT}")
    finally:
        for k in range(0, len(nums), 15):
            sh.cmd("kill " + " ".join(f"%{n}" for n in nums[k:k + 15]), 30)
    need(sh.cmd("jobs") == "", "jobs not empty after killing them all")


CHECKS = [
    ("prompt_on_its_own_line", c_prompt_newline),
    ("empty_program_name", c_empty_program_name),
    ("start_with_parameters_refused", c_start_with_parameters),
    ("background_limit_spares_foreground", c_background_limit),
]
