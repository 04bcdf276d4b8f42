"""checks_shellenv.py - end-to-end checks of the shell's variables, line
limits, run --root and cp/rm, run by userland.py (its checks() takes
CHECKS): export, env and unset; K=V before a builtin refused; 64 words and
4 KB lines accepted, one more word or byte refused with a message; $'...'
escapes; a program run with --root sees that folder as its "/" (and
writes there), a copy made with cp -r, removed with rm -r. (Programs
reading their environment: tests/qemu/wasi_testsuite.py.)

Each check takes the Shell (shell_driver.py) and raises Fail
(shell_checks.py) with the reason.
"""
from shell_checks import need


def c_variables(sh):
    need(sh.cmd("export A=1 B='two words'") == "", "export")
    need(sh.cmd("C=3") == "", "C=3 alone")
    need(sh.cmd("env") == "A=1\nB=two words\nC=3\n", "env lists them")
    need(sh.cmd("export A=one") == "", "export again")
    need(sh.cmd("unset B nosuch") == "", "unset")
    need(sh.cmd("env") == "A=one\nC=3\n", "env after unset and a new value")
    out = sh.cmd("X=1 ls /")
    need(out.startswith("ls: variables before a builtin") and out.endswith("[exit status 2]\n"),
         f"X=1 ls: {out!r}")
    out = sh.cmd("export 1A=x")
    need(out == "export: '1A=x': not NAME=VALUE\n[exit status 2]\n", f"export 1A=x: {out!r}")
    need(sh.cmd("unset A C") == "" and sh.cmd("env") == "", "all unset")


def c_line_limits(sh):
    words = " ".join(f"w{i}" for i in range(62))  # with "run echo": 64
    out = sh.cmd("run echo " + words)
    need(out == words + "\n", f"64 words: {out[-40:]!r}")
    out = sh.cmd("run echo " + words + " one-more")
    need(out == "too many arguments (at most 64)\n[exit status 2]\n", f"65 words: {out!r}")
    long_word = "x" * (4096 - len("run echo "))
    out = sh.cmd("run echo " + long_word, timeout=30)
    need(out == long_word + "\n", f"a 4096-byte line: {len(out)} bytes back")
    out = sh.cmd(r"run echo $'a\tb' $'it\'s'")
    need(out == "a\tb it's\n", f"$'...': {out!r}")


def c_root_and_cp(sh):
    sh.cmd("rm -r /tmp/rt /tmp/rt2")
    need(sh.cmd("echo hi > /tmp/x.txt") == "", "echo > /tmp/x.txt")
    need(sh.cmd("run --root /tmp cat /x.txt") == "hi\n", "cat /x.txt with --root /tmp")
    need(sh.cmd("run --root /tmp files / a b") != "", "files / with --root /tmp")
    need(sh.cmd("cat /tmp/files.d/two.txt") == "a b\n", "files wrote into the root")
    need(sh.cmd("cp -r /tmp/files.d /tmp/rt") == "", "cp -r")
    need(sh.cmd("cat /tmp/rt/two.txt") == "a b\n", "the copy")
    out = sh.cmd("cp -r /tmp/files.d /tmp/rt")
    need(out.startswith("cp: ") and out.endswith("[exit status 1]\n"), f"cp onto a dir: {out!r}")
    out = sh.cmd("cp /tmp/files.d /tmp/rt2")
    need(out == "cp: /tmp/files.d: a directory (use cp -r)\n[exit status 1]\n", f"cp dir: {out!r}")
    out = sh.cmd("run --root /tmp/nope hello")
    need(out == "run: --root /tmp/nope: No such file or directory\n[exit status 1]\n",
         f"--root missing: {out!r}")
    out = sh.cmd("run --no-root cat /x.txt")
    need(out.endswith("[exit status 1]\n") or "exit status" in out, f"--no-root: {out!r}")
    out = sh.cmd("rm /tmp/rt")
    need(out == "rm: /tmp/rt: Is a directory\n[exit status 1]\n", f"rm dir: {out!r}")
    need(sh.cmd("rm -r /tmp/rt /tmp/files.d /tmp/x.txt") == "", "rm -r")
    out = sh.cmd("ls /tmp")
    need("rt" not in out.split() and "files.d" not in out, f"ls /tmp after rm -r: {out!r}")


CHECKS = [
    ("shell_variables", c_variables),
    ("shell_line_limits", c_line_limits),
    ("run_root_cp_rm", c_root_and_cp),
]
