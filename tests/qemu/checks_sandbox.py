"""checks_sandbox.py - end-to-end checks that a program sees only what it was
given (issue 11), run by tests/qemu/userland.py through the kernel shell.

CHECKS is a list of (name, function(sh)); each function drives the shell
(tests/qemu/shell_driver.py) and raises Fail with the reason. They run
/bin/sandbox (userland/sandbox.c), which tries the forbidden things and the
allowed ones and prints "sandbox: OP PATH: RESULT" per attempt, and check:

- every attempt on tracefs (write, truncate, read of tracing_on, the
  enable switches, set_event, trace_marker, trace, trace_pipe, options;
  stat, list, mkdir, unlink, rmdir, rename; through "..") is EACCES, and
  the tracing state and the trace buffer are the same before and after;
- the initrd and /proc refuse changes with EROFS, a read-only descriptor
  cannot write (EBADF), a path above the preopen is ENOTCAPABLE;
- the initrd and /proc information files can be read, /sys/kernel is
  listed with its "tracing", and /tmp works end to end;
- nothing the program read holds a kernel address: no 0xffff... value,
  none of the addresses (raw or hashed) that mm:page_fault recorded;
- the shell's user still does all of it (its builtins are not guests);
- trace text shows kernel addresses hashed by default (options/hash-ptr 1)
  and raw once the shell's user writes 0 there.
"""
import re

from shell_driver import ShellError

TR = "/sys/kernel/tracing"
# the files sandbox tries to change, read or clear (userland/sandbox.c)
CONTROLS = ["tracing_on", "events/enable", "events/sched/enable",
            "events/sched/sched_switch/enable", "events/mm/page_fault/filter", "set_event",
            "trace_marker", "trace", "buffer_size_kb", "options/hash-ptr"]
# the tracing state compared before and after a run (trace_marker: write-only)
STATE = [c for c in CONTROLS if c != "trace_marker"] + ["saved_cmdlines_size"]
# a kernel address as text: 0xffff... or a long hex run starting with ffff
KADDR_RE = re.compile(r"(?i)(0x)?ffff[0-9a-f]{8,}")


class Fail(ShellError):
    """A check's failure (a ShellError, so a runner built on shell_driver
    reports it and resynchronises the shell)."""


def need(cond, why):
    if not cond:
        raise Fail(why)


def run_sandbox(sh):
    """Runs /bin/sandbox; returns ({(op, path): result word}, whole output)."""
    out = sh.cmd("sandbox", 30)
    need(out.startswith("sandbox: forbidden\n") and "sandbox: done\n" in out
         and "[exit status" not in out, f"sandbox did not run through: {out[-600:]!r}")
    results = {}
    for m in re.finditer(r"^sandbox: (\S+) (\S+): (\S+)", out, re.M):
        results[(m.group(1), m.group(2))] = m.group(3)
    return results, out


def expect_results(results, want):
    bad = [f"{op} {path}: {results.get((op, path), 'not tried')} (want {res})"
           for (op, path), res in want.items() if results.get((op, path)) != res]
    need(not bad, f"{len(bad)} unexpected results: {'; '.join(bad[:6])}")


def tracing_state(sh):
    """The text of every tracing switch and of the whole trace buffer."""
    state = {f: sh.cmd(f"cat {TR}/{f}") for f in STATE}
    state["trace"] = sh.cmd(f"cat {TR}/trace")
    return state


def c_tracefs_refused(sh):
    sh.cmd(f"echo 0 > {TR}/events/enable")
    sh.cmd("trace clear")
    sh.cmd(f"echo sandbox-was-here > {TR}/trace_marker")  # the buffer is not empty
    before = tracing_state(sh)
    need("tracing_mark_write: sandbox-was-here" in before["trace"], "marker not in trace")
    results, out = run_sandbox(sh)
    after = tracing_state(sh)
    changed = [f for f in before if before[f] != after[f]]
    need(not changed, f"tracing state changed: {changed}: "
         f"{[(before[f][-200:], after[f][-200:]) for f in changed[:2]]}")
    want = {}
    for f in CONTROLS:
        for op in ("write", "truncate", "read"):
            want[(op, f"{TR}/{f}")] = "EACCES"
    for p in (f"{TR}/trace_pipe", f"{TR}/available_events", "/tmp/../sys/kernel/tracing/trace",
              f"{TR}/events/../trace"):
        want[("read", p)] = "EACCES"
    want.update({("create", f"{TR}/new"): "EACCES", ("stat", TR): "EACCES",
                 ("stat", f"{TR}/trace"): "EACCES", ("list", TR): "EACCES",
                 ("list", f"{TR}/events"): "EACCES", ("mkdir", f"{TR}/d"): "EACCES",
                 ("unlink", f"{TR}/trace"): "EACCES", ("rmdir", f"{TR}/events"): "EACCES",
                 ("rename", f"{TR}/trace"): "EACCES"})
    expect_results(results, want)
    need("| " not in out.split("sandbox: allowed")[0], "the program read something of tracefs")
    sh.cmd("trace clear")
    return f"{len(want)} tracefs attempts refused with EACCES; tracing state unchanged"


def c_read_only_and_escapes(sh):
    results, _ = run_sandbox(sh)
    want = {("write", "/etc/motd"): "EROFS", ("truncate", "/etc/motd"): "EROFS",
            ("create", "/etc/new"): "EROFS", ("mkdir", "/sandbox.d"): "EROFS",
            ("unlink", "/etc/motd"): "EROFS", ("rmdir", "/bin"): "EROFS",
            ("rename", "/etc/motd"): "EROFS", ("write", "/proc/uptime"): "EROFS",
            ("create", "/proc/new"): "EROFS",
            ("write-on-read-only-fd", "/tmp/sandbox.ro"): "EBADF",
            ("read", "/../etc/motd"): "ENOTCAPABLE",
            ("rename-across", "/tmp/sandbox.d/b"): "EXDEV"}
    expect_results(results, want)
    need("Welcome to wasmos" in sh.cmd("cat /etc/motd"), "/etc/motd changed")
    need("sandbox" not in sh.cmd("ls /"), "something of sandbox's is in /")


def c_allowed(sh):
    results, out = run_sandbox(sh)
    want = {}
    for p in ("/etc/motd", "/proc/meminfo", "/proc/cpuinfo", "/proc/uptime", "/proc/tasks"):
        want[("read", p)] = want[("stat", p)] = "ok"
    for p in ("/", "/sys/kernel", "/proc", "/tmp/sandbox.d"):
        want[("list", p)] = "ok"
    want.update({("stat", "/sys/kernel"): "ok", ("stat", "/proc"): "ok",
                 ("mkdir", "/tmp/sandbox.d"): "ok", ("create", "/tmp/sandbox.d/a"): "ok",
                 ("read", "/tmp/sandbox.d/a"): "ok", ("rename", "/tmp/sandbox.d/a"): "ok",
                 ("stat", "/tmp/sandbox.d/b"): "ok", ("unlink", "/tmp/sandbox.d/b"): "ok",
                 ("rmdir", "/tmp/sandbox.d"): "ok"})
    expect_results(results, want)
    for text in ("| Welcome to wasmos", "| MemTotal:", "| processor\t: 0", "| ID ",
                 "| sandbox\n"):
        need(text in out, f"{text!r} not read")
    need(re.search(r"^sandbox: list /sys/kernel: ok .* tracing@0x", out, re.M),
         "/sys/kernel does not list tracing")
    need("sandbox.d" not in sh.cmd("ls /tmp"), "sandbox left /tmp/sandbox.d")


def kernel_addresses(sh):
    """Page faults of a program, traced: (raw addresses, their hashed texts)."""
    sh.cmd(f"echo 1 > {TR}/options/hash-ptr")
    sh.cmd("trace clear")
    sh.cmd("trace enable mm:page_fault")
    try:
        need(sh.cmd("hello") == "Hello, world, from WebAssembly!\n", "hello")
    finally:
        sh.cmd("trace disable all")
    hashed = sh.cmd("trace show")
    sh.cmd(f"echo 0 > {TR}/options/hash-ptr")
    try:
        raw = sh.cmd("trace show")
    finally:
        sh.cmd(f"echo 1 > {TR}/options/hash-ptr")
    sh.cmd("trace clear")
    field = r"(?:address|ip)=0x([0-9a-f]+)"
    return re.findall(field, raw), re.findall(field, hashed), hashed, raw


def c_trace_hashes_pointers(sh):
    need(sh.cmd(f"cat {TR}/options/hash-ptr") == "1\n", "options/hash-ptr is not 1 at boot")
    need("hash-ptr" in sh.cmd(f"ls {TR}/options"), "ls options")
    raw, hashed, htext, rtext = kernel_addresses(sh)
    need(raw and len(raw) == len(hashed), f"page faults: {len(raw)} raw, {len(hashed)} hashed: "
         f"{htext[-300:]!r}")
    need(all(len(h) <= 8 for h in hashed), f"a hashed value is wider than 32 bits: {hashed[:4]}")
    need(not KADDR_RE.search(htext), f"a kernel address in hashed text: {htext[-300:]!r}")
    need(all(r.startswith("ffff") and len(r) == 16 for r in raw),
         f"raw values are not kernel addresses: {raw[:4]}")
    same = {}
    for r, h in zip(raw, hashed):
        need(same.setdefault(r, h) == h, f"{r} hashed to {same[r]} and {h}")
    need(sh.cmd(f"echo 2 > {TR}/options/hash-ptr").startswith("echo: write error"),
         "hash-ptr took 2")
    return f"{len(raw)} addresses, e.g. {raw[0]} shown as {hashed[0]}"


def c_no_kernel_address(sh):
    raw, hashed, _, _ = kernel_addresses(sh)
    need(raw, "no page fault recorded")
    _, out = run_sandbox(sh)
    m = KADDR_RE.search(out)
    need(not m, f"a kernel address in what the program read: {m and m.group(0)!r}")
    # hashed values shorter than 6 digits could match other numbers by chance
    seen = [v for v in raw + hashed if len(v.lstrip("0")) >= 6 and
            re.search(rf"(?i)(?<![0-9a-f])0*{v.lstrip('0')}(?![0-9a-f])", out)]
    need(not seen, f"traced addresses in what the program read: {seen[:4]}")
    big = re.findall(r"\b\d{13,}\b", out)
    need(not big, f"numbers as large as addresses in what the program read: {big[:4]}")
    return f"{len(out)} bytes read by the program, none of {len(raw)} traced addresses"


def c_shell_user_keeps_access(sh):
    try:
        need(sh.cmd(f"echo 0 > {TR}/tracing_on") == "", "echo 0 > tracing_on")
        need(sh.cmd(f"cat {TR}/tracing_on") == "0\n", "tracing_on did not turn off")
        need(sh.cmd(f"echo 1 > {TR}/tracing_on") == "", "echo 1 > tracing_on")
        need(sh.cmd(f"echo wasm:instance_start > {TR}/set_event") == "", "set_event")
        need(sh.cmd(f"cat {TR}/events/wasm/instance_start/enable") == "1\n", "event enable")
        sh.cmd("hello")
        need(sh.cmd(f"echo from-the-shell > {TR}/trace_marker") == "", "trace_marker")
        text = sh.cmd(f"cat {TR}/trace")
        need("instance_start: prog=hello" in text and "from-the-shell" in text,
             f"trace: {text[-300:]!r}")
        need(sh.cmd(f"echo > {TR}/trace") == "", "clearing trace")
        need("entries-in-buffer/entries-written: 0/" in sh.cmd(f"cat {TR}/trace"),
             "trace not cleared")
        sh.cmd(f"timeout 1 cat {TR}/trace_pipe", 15)
        need("hash-ptr" in sh.cmd(f"ls {TR}/options"), "ls options")
    finally:
        sh.cmd(f"echo 0 > {TR}/events/enable")
        sh.cmd(f"echo 1 > {TR}/tracing_on")
        sh.cmd("trace clear")
    need(sh.cmd("echo x > /tmp/shell.txt") == "" and sh.cmd("cat /tmp/shell.txt") == "x\n",
         "/tmp")
    need("MemFree" in sh.cmd("cat /proc/meminfo"), "/proc/meminfo")
    out = sh.cmd("echo x > /etc/motd")
    need(out.startswith("/etc/motd: Read-only file system"), f"/etc/motd: {out!r}")


CHECKS = [
    ("sandbox_tracefs_refused_state_unchanged", c_tracefs_refused),
    ("sandbox_read_only_badf_notcapable", c_read_only_and_escapes),
    ("sandbox_allowed_reads_and_tmp", c_allowed),
    ("sandbox_no_kernel_address_read", c_no_kernel_address),
    ("sandbox_shell_user_keeps_access", c_shell_user_keeps_access),
    ("trace_pointers_hashed_by_default", c_trace_hashes_pointers),
]
