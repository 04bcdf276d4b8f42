"""checks_shellio.py - end-to-end checks of the shell's standard input for
builtins and of the programs' working directory, run by userland.py (its
checks() takes CHECKS):

- cat, wc and head read their standard input when given no file (or "-"):
  from a pipe (from a builtin and from a program, 4 MiB through a builtin
  cat with its checksum kept), from a `<` file, and from lines typed at
  the console until Ctrl-D; Ctrl-C ends a cat that waits for typed lines;
  head that stops early ends a program writing 4 MiB into it;
- a program starts in the shell's working directory: `cd DIR; run cat
  FILE` reads DIR/FILE, `run ls` lists DIR, a file it writes lands there,
  under --root the directory is seen from that root (outside it: "/"),
  and a PWD given on the line wins;
- pipebench through a pipe and through a ring of two programs (`ring`),
  and Ctrl-C ending two programs that wait for each other;
- output pushed into a pipe by a builtin that cannot wait (cat of
  trace_pipe) beyond the pipe's bound is dropped with a count, said when
  its job ends.

Each check takes the Shell (shell_driver.py) and raises Fail
(shell_checks.py) with the reason.
"""
import re
import time

from checks_shellenv import checksum
from shell_checks import interrupt_ends, need

MOTD_WC = "      2      20     136\n"


def c_filters_stdin(sh):
    need(sh.cmd("wc /etc/motd") == MOTD_WC.rstrip("\n") + " /etc/motd\n", "wc FILE")
    need(sh.cmd("hello | wc") == "      1       4      32\n", "a program | wc")
    need(sh.cmd("echo one two | wc -w") == "      2\n", "a builtin | wc -w")
    need(sh.cmd("wc < /etc/motd") == MOTD_WC, "wc < FILE")
    need(sh.cmd("cat < /etc/motd | wc -lc") == "      2     136\n", "cat < FILE | wc -lc")
    out = sh.cmd("wc /etc/motd - < /etc/motd")
    need(out.endswith("      4      40     272 total\n") and " -\n" in out, f"wc FILE -: {out!r}")
    need(sh.cmd("echo first | cat - /etc/motd | head -n 2") ==
         "first\nWelcome to wasmos: a WebAssembly microkernel.\n", "cat - FILE | head -n 2")
    need(sh.cmd("head -1 /etc/motd") == "Welcome to wasmos: a WebAssembly microkernel.\n",
         "head -1 FILE")
    out = sh.cmd("head -n 1 /etc/motd /etc/motd")
    need(out.startswith("==> /etc/motd <==\nWelcome") and "\n\n==> /etc/motd <==\n" in out,
         f"head of two files: {out!r}")
    out = sh.cmd("head -x")
    need(out.startswith("usage: head") and out.endswith("[exit status 2]\n"), f"head -x: {out!r}")
    out = sh.cmd("wc /nosuch")
    need(out == "wc: /nosuch: No such file or directory\n[exit status 1]\n", f"wc /nosuch: {out!r}")
    # typed lines until Ctrl-D, for a builtin as for a program
    sh.start("wc")
    sh.send(b"one two\r")
    sh.send(b"three\r")
    time.sleep(0.3)
    sh.send(b"\x04")
    sh.expect(r"      2       3      14\n> ", 10)
    # Ctrl-C ends a cat waiting for typed lines
    sh.start("cat")
    sh.send(b"typed\r")
    sh.expect(r"typed\ntyped\n", 10)  # the echo, then cat's copy
    sh.send(b"\x03")
    sh.expect(r"\^C", 5)
    sh.wait_prompt(10)
    need(sh.cmd("echo $?") == "130\n", "cat stopped by Ctrl-C: status 130")
    # 4 MiB from a program through the builtin cat's input, and head ending a writer
    need(sh.cmd("longcall write /tmp/io1.txt 4", 60).startswith("longcall"), "a 4 MiB file")
    want = checksum(sh, "/tmp/io1.txt")
    need(sh.cmd("run cat /tmp/io1.txt | cat | run cat - > /tmp/io2.txt", 120) == "",
         "program | cat | program")
    need(checksum(sh, "/tmp/io2.txt") == want, "what the builtin cat passed on from its input")
    need(sh.cmd("run cat /tmp/io1.txt | wc -c", 120) == "4194304\n", "wc -c of 4 MiB")
    t0 = time.monotonic()
    out = sh.cmd("run cat /tmp/io1.txt | head -n 1 | wc -l; echo status=$?", 60)
    # the writer is told that nobody reads (EPIPE): cat says so and exits 1,
    # the pipeline's status is the last command's
    rest = set(out.splitlines()) - {"      1", "status=0", "cat: write error: Broken pipe",
                                    "[exit status 1]"}
    need("      1\n" in out and out.endswith("status=0\n") and not rest,
         f"head ends early, its writer is told: {out!r}")
    need(time.monotonic() - t0 < 30, "head's early end did not wait for the whole file")
    need(not [r for r in sh.cmd("ps").splitlines() if " cat " in f" {r} "],
         "a cat still runs after head ended")
    need(sh.cmd("rm /tmp/io1.txt /tmp/io2.txt") == "", "clean up")


def c_program_cwd(sh):
    sh.cmd("rm -r /tmp/cw")
    need(sh.cmd("cp -r /etc /tmp/cw; echo inner > /tmp/cw/in.txt") == "", "a folder")
    need(sh.cmd("cd /tmp/cw && run cat in.txt") == "inner\n", "cd DIR; run cat FILE")
    need("motd" in sh.cmd("run ls").split(), "run ls lists the working directory")
    need(sh.cmd("run cat ./motd | head -1") == "Welcome to wasmos: a WebAssembly microkernel.\n",
         "./FILE")
    need(sh.cmd("run cat ../cw/in.txt") == "inner\n", "../")
    need(sh.cmd("run cat /etc/motd | wc -l") == "      2\n", "absolute paths as before")
    out = sh.cmd("run files . a b")
    need("files: ls: two.txt" in out, f"files . writes in the working directory: {out!r}")
    need(sh.cmd("cat /tmp/cw/files.d/two.txt") == "a b\n", "what it wrote, where")
    # under --root the working directory is seen from the root
    need(sh.cmd("run --root /tmp cat in.txt") == "inner\n", "--root /tmp from /tmp/cw")
    need(sh.cmd("run --root /tmp/cw cat in.txt") == "inner\n", "--root the directory itself")
    need(sh.cmd("cd /etc && run --root /tmp/cw cat in.txt") == "inner\n",
         "outside the root: its /")
    need(sh.cmd("PWD=/tmp/cw run cat in.txt") == "inner\n", "PWD given on the line wins")
    need(sh.cmd("cd /; run cat in.txt").startswith("cat: in.txt: No such file"),
         "from / again")
    sh.cmd("rm -r /tmp/cw")


def c_ring_and_pipebench(sh):
    out = sh.cmd("run pipebench write 8 | run pipebench read", 120)
    need(re.fullmatch(r"bench=pipe_throughput bytes=8388608 guest_us=\d+ mb_per_s=\d+\.\d\n", out),
         f"8 MiB between two programs, all of it: {out!r}")
    out = sh.cmd("ring pipebench ping 200 -- pipebench pong; echo status=$?", 120)
    need(re.fullmatch(r"bench=pipe_pingpong rounds=200 guest_us=\d+ round_trip_us=\d+\.\d\d\n"
                      r"status=0\n", out), f"ping-pong through a ring: {out!r}")
    out = sh.cmd("ring pipebench ping 5 -- nosuch")
    need("nosuch: No such file" in out and "pipebench: write: Broken pipe" in out,
         f"a ring whose second program is missing: the first is told: {out!r}")
    out = sh.cmd("ring hello")
    need(out.startswith("usage: ring") and out.endswith("[exit status 2]\n"), f"ring: {out!r}")
    # two programs that wait for each other forever: Ctrl-C ends both
    interrupt_ends(sh, "ring pipebench pong -- pipebench pong", "pipebench", 0.5)


def c_pipe_push_bound(sh):
    """A builtin that cannot wait for its pipe (cat of trace_pipe, in the
    background) into a program that never reads (sleep), while a ring of
    two programs makes scheduler events fast: what passes the pipe's bound
    (16 x 64 KiB) is dropped, and the count is said when the job ends."""
    sh.cmd("trace clear")
    sh.cmd("trace enable sched")
    try:
        out = sh.cmd("cat /sys/kernel/tracing/trace_pipe | run sleep 100 &")
        need(re.fullmatch(r"(\[\d+\] \d+\n){2}", out), f"the background pipeline: {out!r}")
        out = sh.cmd("ring pipebench ping 20000 -- pipebench pong", 120)
        need(out.startswith("bench=pipe_pingpong rounds=20000"), f"events made: {out!r}")
        out = sh.cmd("kill %1 %2", 30)
    finally:
        sh.cmd("trace disable sched")
    m = re.search(r"\[(\d+) bytes of output dropped: the next command in the pipeline did not "
                  r"read them in time\]\n", out)
    need(m and int(m.group(1)) > 0, f"the dropped bytes told: {out!r}")


CHECKS = [
    ("shell_filters_stdin", c_filters_stdin),
    ("program_cwd", c_program_cwd),
    ("shell_ring_and_pipebench", c_ring_and_pipebench),
    ("shell_pipe_push_bound", c_pipe_push_bound),
]
