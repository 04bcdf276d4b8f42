"""shell_checks.py - what the end-to-end checks through the shell share
(tests/qemu/userland.py and the checks_*.py files it includes): the
failure they raise, and readers of the shell's `mem`, `ps` and `jobs`.
"""
import re
import time


class Fail(Exception):
    pass


def need(cond, why):
    if not cond:
        raise Fail(why)


def has(out, *parts):
    for p in parts:
        need(p in out, f"missing {p!r} in {out[-400:]!r}")


def lacks(out, *parts):
    for p in parts:
        need(p not in out, f"unexpected {p!r} in {out[-400:]!r}")


def line_re(regex, out):
    """The first match of regex (anchored per line) in out."""
    m = re.search(regex, out, re.M)
    need(m, f"no line /{regex}/ in {out[-400:]!r}")
    return m


def mem_usage(sh):
    """(frames free or held by the heap and page tables, heap bytes in use,
    heap allocations) from `mem`. The heap gives free pages back and places
    chunks at random, so how many of its pages stay committed and how many
    page tables map them drift with where long-lived blocks (the shell's
    history, say) land: a frame leak shows as a frame in neither, a heap
    leak as bytes in use. Modules kept between runs are dropped first: they
    are a cache, not a leak (their own checks are in kernel/tests)."""
    out = sh.cmd("mem drop")
    need(re.match(r"mem: gave back \d+ KiB of kept modules\n$", out), f"mem drop: {out!r}")
    out = sh.cmd("mem")
    f = line_re(r"^frames: (\d+) total, (\d+) used, (\d+) free \((\d+) KiB free\)$", out)
    h = line_re(r"^heap: +(\d+) bytes in use in (\d+) allocations, \d+ free, \d+ total, "
                r"(\d+) committed in \d+ chunks$", out)
    v = line_re(r"^vm: .*, (\d+) page-table pages$", out)
    held = int(f.group(3)) + int(h.group(3)) // 4096 + int(v.group(1))
    return held, int(h.group(1)), int(h.group(2))


# The heap counts a block's whole size as in use, and hands out a free block
# that is 16 bytes bigger than asked for whole (lib/mem/heap.c, cut_tail: a
# tail under MIN_BLOCK is not split off). So a long-lived block that is
# allocated again while a check runs (an array that grows and shrinks back)
# may land in a spot 16 bytes roomier or tighter: the same live allocations
# can count a few times 16 bytes apart. A leak shows as a live allocation
# more, or as more bytes than this.
HEAP_SLOP = 64


def same_mem(a, b):
    """Whether two mem_usage readings hold the same memory: the same frames
    and live allocations, heap bytes within HEAP_SLOP."""
    return a[0] == b[0] and a[2] == b[2] and abs(a[1] - b[1]) <= HEAP_SLOP


def mem_said(a, b):
    """"frames F0 -> F1, heap H0 -> H1 bytes in A0 -> A1 allocations"."""
    return f"frames {a[0]} -> {b[0]}, heap {a[1]} -> {b[1]} bytes in {a[2]} -> {b[2]} allocations"


def settled_mem(sh, want=None, secs=5.0):
    """mem_usage once it stops changing (two equal reads 0.2 s apart), or,
    with `want` (a reading), once it is same_mem as want (until secs).
    A finished program's task header is freed when the last reference to
    the task goes, which on SMP may be a moment after the shell's prompt."""
    end = time.monotonic() + secs
    prev = mem_usage(sh)
    while time.monotonic() < end:
        if want is not None and same_mem(prev, want):
            return prev
        time.sleep(0.2)
        cur = mem_usage(sh)
        if want is None and cur == prev:
            return cur
        prev = cur
    return prev


def ps_rows(sh):
    """{id: (name, state, rest...)} from `ps`, after checking its header."""
    out = sh.cmd("ps")
    lines = out.splitlines()
    need(lines and lines[0].split()[:3] == ["ID", "NAME", "STATE"], f"ps header: {out[:200]!r}")
    cols = lines[0].split()
    need(len(cols) == 7 and cols[3] == "CPU" and cols[4].startswith("TIME") and
         cols[5].startswith("MEM") and cols[6].startswith("PROM"), f"ps columns: {lines[0]!r}")
    rows = {}
    for ln in lines[1:]:
        w = ln.split()
        need(len(w) == 7 and w[0].isdigit(), f"ps row: {ln!r}")
        rows[int(w[0])] = w[1:]
    return rows


def jobs_rows(sh):
    """[(num, id, state, name)] from `jobs`; notices before it in sh.notices."""
    out = sh.cmd("jobs")
    sh.notices = sh.before + out
    rows = []
    for ln in out.splitlines():
        m = re.match(r"^\[(\d+)\] (\d+) (\S+) (\S+)", ln)
        if m:
            rows.append((int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)))
    return rows


def no_status(out):
    lacks(out, "[exit status")


def start_bg(sh, line, first=None):
    """Runs `line &`; returns (job number, task id). With `first` (a
    regex), also waits for the program's output to match it: a background
    program prints whenever it likes, and the next line is typed only once
    it did, so its output does not land inside that line's echo."""
    out = sh.cmd(line + " &")
    m = line_re(r"^\[(\d+)\] (\d+)$", out)
    if first and not re.search(first, out):
        sh.expect(first, 10)
    return int(m.group(1)), int(m.group(2))


def wait_notice(sh, regex, secs=10.0):
    """Types `jobs` until a job notice matching regex came; returns it."""
    end = time.monotonic() + secs
    seen = ""
    while True:
        jobs_rows(sh)
        seen += sh.notices
        m = re.search(regex, seen, re.M)
        if m:
            return m.group(0)
        need(time.monotonic() < end, f"no notice /{regex}/ after {secs:g}s: {seen[-300:]!r}")
        time.sleep(0.3)


def interrupt_ends(sh, line, prog, settle=0.3):
    """Starts `line` in the foreground, sends Ctrl-C once it runs, and
    checks that the prompt comes back with no task named `prog` left."""
    sh.start(line)
    time.sleep(settle)
    sh.send(b"\x03")
    sh.expect(r"\^C", 5)
    sh.wait_prompt(10)
    need(not [r for r in sh.cmd("ps").splitlines() if f" {prog} " in f" {r} "],
         f"a {prog} still runs after Ctrl-C")
