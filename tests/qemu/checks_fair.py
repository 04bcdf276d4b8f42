"""checks_fair.py - end-to-end check that programs of equal weight get equal
CPU (issue 11), run by tests/qemu/userland.py through the kernel shell.

CHECKS is a list of (name, function(sh)); each function drives the shell
(tests/qemu/shell_driver.py) and raises Fail (shell_checks.py) with the
reason.

fair_cpu_shares boots the suite's image on as many CPUs as the suite's
shell, under `-icount shift=4`, starts spinners in the background (`spin
&`: 16 on 4 or more CPUs, 4 per CPU below that), reads each one's run time
from `ps` (TIME, the kernel's clock around each time slice), lets 10 s of
guest time pass while asking `uptime`, reads `ps` again and shuts down. It
requires that the run times gained in between differ by at most 50%
(max/min <= 1.5: the bug this guards against gave 17:1), that together they kept the CPUs busy, and that the
shell answered meanwhile. The window starts once every spinner runs, so
the time the shell took to start them does not count. The spinners are
not killed: killing them is bg_spin_jobs_ps_kill's part, and under -icount
on SMP=4 freeing their memories takes 8-10 s of guest time per 8 programs
and now and then does not end (main's kernel too).

Why a boot of its own under -icount: the scheduler's part is exact (it
hands out slices in turn; the old one gave 16 spinners on SMP=4 17:1), the
rest is noise in the guest's clock. Without -icount the guest clock is the
host's, and a vCPU thread that the host deschedules charges the pause to
the spinner it holds: on a 2-core host at load 13-21, 20 runs on the
suite's own shell measured max/min 1.10-1.34 on SMP=4 (one run failed
twice in a row). Under -icount the guest clock counts instructions, so the
host's load does not reach the figures; on SMP=4 QEMU then runs the vCPUs
in turn, which still charges a spinner while its vCPU waits, but by the
same measure whatever the host does: 18 runs on SMP=4 at load 4-12 measured
1.033-1.158 (their slice counts, kept apart for a look, within 2%), 20 on
SMP=1 1.000-1.004. shift=4 (16 ns an instruction) makes 10 s of guest time
a few seconds of host time. The boot is interpreter-only (jit=0): with
compiled spinners the same check measured 1.19-1.34 in 6 runs (Dec 2026),
past 1.25; the executor's fairness work (issue 18) is where that goes. On
Dec 8 2026 the interpreted check itself measured 1.12-1.38 on SMP=4 over
9 runs on a loaded 2-core host (1.13-1.27 with the executor before issue
18's LIFO slot, 1.12-1.38 after: the same spread), and failed `make test`
once at 1.38 with MAX_RATIO 1.25: the host's timing still reaches the
guest's clock on several harts, so the bound is 1.5.
(Compiled code no longer hangs QEMU 7.2 under -icount on several harts:
sealing it takes no remote fence since kcode's chunks.)
"""
import re
import time

from shell_checks import need, ps_rows, start_bg
from shell_driver import Shell, ShellError

WINDOW_S = 10.0
MAX_RATIO = 1.5
SPIN_RE = r"spin: looping forever\n"
ICOUNT = ["-icount", "shift=4"]
# Interpreted: see above.
BOOTARGS = "jit=0"


def spin_times(sh, ids):
    """{task id: TIME in ms} from `ps` for the ids given (all must be there)."""
    rows = ps_rows(sh)
    need(all(i in rows and rows[i][0] == "spin" for i in ids), f"ps lacks a spinner: {rows}")
    return {i: float(rows[i][3]) for i in ids}


def uptime(sh):
    """The guest's clock in seconds, from `uptime`."""
    out = sh.cmd("uptime", 30)
    m = re.search(r"up (\d+\.\d+) s", out)
    need(m, f"uptime: {out!r}")
    return float(m.group(1))


def fair_shares(sh):
    n = 16 if sh.smp >= 4 else 4 * sh.smp
    ids = [start_bg(sh, "spin", SPIN_RE)[1] for _ in range(n)]
    before = spin_times(sh, ids)
    g0 = g = uptime(sh)
    answers = 0
    while g < g0 + WINDOW_S:
        time.sleep(0.5)
        g = uptime(sh)
        answers += 1
    after = spin_times(sh, ids)
    window_ms = (uptime(sh) - g0) * 1000
    gained = sorted(after[i] - before[i] for i in ids)
    ratio = gained[-1] / gained[0] if gained[0] > 0 else float("inf")
    note = (f"{n} spinners on {sh.smp} CPUs: {gained[0]:.0f}..{gained[-1]:.0f} ms each in"
            f" {window_ms:.0f} ms of guest time, max/min {ratio:.3f}; {answers} answers")
    need(ratio <= MAX_RATIO, f"unequal CPU shares: {note}; all: {[round(x) for x in gained]}")
    # every CPU ran spinners (measured: 84-98% of the window, which also holds the
    # kernel's own work and the slices under way at each ps)
    need(sum(gained) >= 0.6 * min(n, sh.smp) * window_ms, f"CPUs left idle: {note}")
    return note


def c_fair_cpu_shares(sh):
    log = sh.log.name + ".fair" if sh.log else None
    try:
        own = Shell(sh.image, smp=sh.smp, log=log, limit=240, qemu_args=ICOUNT, bootargs=BOOTARGS)
        again = ""
    except ShellError as e:  # a boot that hangs in the loader: issue 11, item 4
        own = Shell(sh.image, smp=sh.smp, log=log and log + "2", limit=240, qemu_args=ICOUNT,
                    bootargs=BOOTARGS)
        again = f" (the first boot failed: {str(e)[:60]}...)"
    with own:
        note = fair_shares(own)
        need(own.shutdown() == 0, "QEMU did not shut down cleanly")
    return note + again


CHECKS = [("fair_cpu_shares", c_fair_cpu_shares)]
