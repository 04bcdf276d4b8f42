"""checks_shellenv.py - end-to-end checks of the shell's command lines,
variables, line limits, run --root and cp/rm, run by userland.py (its
checks() takes CHECKS): ; && || and $?, quotes, syntax errors, redirects
of builtins and programs (< > >> 2> 2>&1), cd/pwd and relative paths,
patterns; export, env and unset; K=V before a builtin refused; 300 words
and 4 KB lines accepted, one more byte refused with a message; $'...'
escapes; a program run with --root sees that folder as its "/" (and
writes there), a copy made with cp -r, removed with rm -r. (Programs
reading their environment: tests/qemu/wasi_testsuite.py.)

Each check takes the Shell (shell_driver.py) and raises Fail
(shell_checks.py) with the reason.
"""
import re
import time

from shell_checks import interrupt_ends, need


def c_lists_and_status(sh):
    need(sh.cmd("echo a; echo b") == "a\nb\n", "a; b")
    need(sh.cmd("nosuch && echo no") ==
         "nosuch: command not found (try 'help', or 'ls /bin' for programs)\n"
         "[exit status 127]\n", "&& after a failure")
    need(sh.cmd("echo $?") == "127\n", "$? after a failure")
    need(sh.cmd("echo $?") == "0\n", "$? after echo")
    need(sh.cmd("cat /nosuch || echo fallback").endswith("fallback\n"), "||")
    need(sh.cmd("hello && echo after") == "Hello, world, from WebAssembly!\nafter\n", "&& after a program")
    out = sh.cmd("run cat /nosuch || echo status=$?")
    need(out.endswith("[exit status 1]\nstatus=1\n"), f"|| after a program's exit 1: {out!r}")
    need(sh.cmd("true_word=1; echo $true_word ${true_word}x '$true_word' \"$true_word\"")
         == "1 1x $true_word 1\n", "variables and quotes")
    need(sh.cmd("unset true_word") == "", "unset")
    out = sh.cmd("echo 'open")
    need(out == "syntax error: unterminated quote (column 6)\n", f"open quote: {out!r}")
    out = sh.cmd("echo a |")
    need(out.startswith("syntax error: '|' needs a command on both sides"), f"a |: {out!r}")


def c_redirects(sh):
    sh.cmd("rm -r /tmp/rd")
    need(sh.cmd("cp -r /etc /tmp/rd") == "", "a folder to work in")
    need(sh.cmd("echo one > /tmp/rd/o.txt; echo two >> /tmp/rd/o.txt") == "", "> and >>")
    need(sh.cmd("cat /tmp/rd/o.txt") == "one\ntwo\n", "what > and >> wrote")
    need(sh.cmd("hello > /tmp/rd/h.txt") == "", "a program's output to a file")
    need(sh.cmd("cat /tmp/rd/h.txt") == "Hello, world, from WebAssembly!\n", "the program's output")
    need(sh.cmd("run cat - < /tmp/rd/o.txt") == "one\ntwo\n", "a program's input from a file")
    need(sh.cmd("run cat /nosuch 2> /tmp/rd/e.txt > /tmp/rd/out.txt").endswith(
        "[exit status 1]\n"), "2>")
    need("nosuch" in sh.cmd("cat /tmp/rd/e.txt") and sh.cmd("cat /tmp/rd/out.txt") == "",
         "stderr went to its own file")
    sh.cmd("run cat /nosuch > /tmp/rd/both.txt 2>&1")
    need("nosuch" in sh.cmd("cat /tmp/rd/both.txt"), "2>&1 after >")
    need(sh.cmd("ls /bin > /tmp/rd/ls.txt") == "", "a builtin job's output")
    need("hello" in sh.cmd("cat /tmp/rd/ls.txt"), "ls into a file")
    out = sh.cmd("echo x > /nodir/f")
    need(out == "/nodir/f: No such file or directory\n[exit status 1]\n", f"bad target: {out!r}")
    out = sh.cmd("run cat - < /nosuch")
    need(out.startswith("/nosuch: No such file"), f"bad input file: {out!r}")
    sh.cmd("rm -r /tmp/rd")


def checksum(sh, path):
    out = sh.cmd(f"longcall read {path}", 60)
    m = re.search(r"read (\d+) bytes .* sum ([0-9a-f]+)", out)
    need(m, f"longcall read {path}: {out!r}")
    return m.group(1), m.group(2)


def c_pipes(sh):
    hello = "Hello, world, from WebAssembly!\n"
    need(sh.cmd("hello | run cat -") == hello, "hello | cat -")
    need(sh.cmd("echo two words | run cat - | run cat -") == "two words\n", "builtin | a | b")
    need("hello.wasm" in sh.cmd("ls /bin | run cat -").split(), "a builtin job into a pipe")
    # 4 MiB through three programs, and through a builtin, with backpressure
    need(sh.cmd("longcall write /tmp/p1.txt 4", 60).startswith("longcall"), "a 4 MiB file")
    want = checksum(sh, "/tmp/p1.txt")
    need(sh.cmd("run cat /tmp/p1.txt | run cat - | run cat - > /tmp/p2.txt", 120) == "",
         "three programs")
    need(checksum(sh, "/tmp/p2.txt") == want, "what three programs passed on")
    need(sh.cmd("cat /tmp/p1.txt | run cat - > /tmp/p3.txt", 120) == "", "the builtin cat")
    need(checksum(sh, "/tmp/p3.txt") == want, "what the builtin cat passed on")
    # a reader that ends early: the writer is told, the pipeline ends, $? is the reader's
    out = sh.cmd("run cat /tmp/p1.txt | hello; echo status=$?", 60)
    need(out.startswith(hello) and out.endswith("status=0\n"), f"early exit of a reader: {out!r}")
    out = sh.cmd("hello | nosuch")
    need("nosuch: command not found" in out and out.endswith("[exit status 127]\n"),
         f"an unknown command in a pipeline: {out!r}")
    need(sh.cmd("echo $?") == "127\n", "a pipeline's status is its last command's")
    out = sh.cmd("run cat /nosuch 2>&1 | run cat - > /tmp/p4.txt")
    need(out.endswith("[exit status 1]\n") and "nosuch" in sh.cmd("cat /tmp/p4.txt"),
         f"2>&1 into a pipe: {out!r}")
    sh.cmd("rm /tmp/p4.txt")
    # Ctrl-C ends the whole pipeline
    interrupt_ends(sh, "run cat - | run cat - | run cat -", "cat")
    need(sh.cmd("rm /tmp/p1.txt /tmp/p2.txt /tmp/p3.txt") == "", "clean up")


def c_keys(sh):
    """Tab completes commands, programs and paths; Ctrl-R finds an older
    line; Ctrl-L clears the screen and draws the line again (judged by
    what the completed lines run)."""
    sh.send(b"hel\t")
    sh.expect(r"help  hello\n> hel", 5)  # they share no more: listed
    sh.send(b"lo\t\r")  # the only one, with a space: "hello "
    sh.expect(r"Hello, world, from WebAssembly!\n> ", 10)
    sh.send(b"ech\t/bi\thello.wa\t\r")  # a builtin, a folder, a file
    sh.expect(r"\n/bin/hello\.wasm\n> ", 10)
    sh.send(b"\x12hello.w")
    sh.expect(r"\(search\)'hello\.w': echo /bin/hello\.wasm ", 5)
    sh.send(b"\r")  # Enter runs the match
    sh.expect(r"\n/bin/hello\.wasm\n> ", 10)
    sh.send(b"echo cleared\x0c")
    sh.expect(r"\x1b\[H\x1b\[2J> echo cleared", 5)
    sh.send(b"\r")
    sh.expect(r"\ncleared\n> ", 10)


def c_ls_l_dmesg_time(sh):
    sh.cmd("rm -r /tmp/ll")
    need(sh.cmd("cp -r /etc /tmp/ll; echo 12345 > /tmp/ll/f.txt") == "", "files")
    out = sh.cmd("ls -l /tmp/ll")
    rows = {r.split()[-1]: r.split() for r in out.splitlines()}
    need("f.txt" in rows and rows["f.txt"][0] == "-" and rows["f.txt"][1] == "6",
         f"ls -l: a file's type and size: {out!r}")
    need(re.fullmatch(r"\d{4}-\d\d-\d\d", rows["f.txt"][2] or ""), f"ls -l: a date: {out!r}")
    need(sh.cmd("ls -l /tmp").count("d ") >= 1 and "ll/" in sh.cmd("ls -l /tmp"),
         "ls -l: a directory")
    need(sh.cmd("ls -l /tmp/ll/f.txt").split()[1] == "6", "ls -l FILE")
    need(sh.cmd("ls -x").startswith("usage: ls"), "ls -x: usage")
    sh.cmd("rm -r /tmp/ll")
    out = sh.cmd("dmesg")
    need("[INFO]" in out or "INFO" in out, f"dmesg shows the boot's log lines: {out[:200]!r}")
    need(sh.cmd("dmesg | run cat -") == out, "dmesg into a pipe")
    out = sh.cmd("time primes 20000")
    m = re.search(r"time: (\d+\.\d{3}) s real, (\d+\.\d{3}) s on CPU \(programs\)\n$", out)
    need(m and float(m.group(2)) > 0 and float(m.group(1)) >= float(m.group(2)) * 0.5,
         f"time PROGRAM: {out[-120:]!r}")
    out = sh.cmd("time echo x")
    need(out.startswith("x\ntime: ") and out.endswith(" 0.000 s on CPU (programs)\n"),
         f"time BUILTIN: {out!r}")


def c_background_builtins_and_pipelines(sh):
    motd = sh.cmd("cat /etc/motd")
    out = sh.cmd("cat /etc/motd > /tmp/bgc.txt &")
    # its notice may come before the prompt already (SMP=4: it is quick)
    need(re.fullmatch(r"\[(\d+)\] \d+\n(\[\1\] Done cat /etc/motd\n)?", out),
         f"a builtin's job in the background: {out!r}")
    out = sh.cmd("hello | run cat - > /tmp/bgp.txt &")
    need(re.match(r"(\[\d+\] \d+\n){2}", out), f"a pipeline in the background: {out!r}")
    sh.cmd("sleep 1")
    out = sh.cmd("jobs")
    need(out == "" or "Done" in out, f"the background jobs ended: {out!r}")
    need(sh.cmd("cat /tmp/bgc.txt") == motd, "what the background cat wrote")
    need(sh.cmd("cat /tmp/bgp.txt") == "Hello, world, from WebAssembly!\n",
         "what the background pipeline wrote")
    need(sh.cmd("echo in-bg &") == "in-bg\n", "a builtin that does not wait runs at once")
    sh.cmd("rm /tmp/bgc.txt /tmp/bgp.txt")


def c_typeahead(sh):
    """Lines typed while a program that reads no input runs are the
    shell's once it ends; so is a line half typed."""
    sh.start("sleep 1")
    sh.send(b"echo typed-ahead\recho half")
    sh.expect(r"\n> ", 10)  # sleep ended: the shell runs the typed line
    sh.expect(r"\ntyped-ahead\n> ", 10)
    sh.send(b"-line\r")
    sh.expect(r"\nhalf-line\n> ", 10)


def c_cd_and_patterns(sh):
    sh.cmd("rm -r /tmp/g")
    need(sh.cmd("cp -r /etc /tmp/g") == "", "a folder")
    need(sh.cmd("cd /tmp/g && pwd") == "/tmp/g\n", "cd, pwd")
    need(sh.cmd("echo a > a.txt; echo b > b.txt; echo c > c.md") == "", "relative redirects")
    need(sh.cmd("echo *.txt") == "a.txt b.txt\n", "a pattern")
    need(sh.cmd("echo ?.md [ab].txt") == "c.md a.txt b.txt\n", "? and [...]")
    need(sh.cmd("echo '*.txt' nomatch*") == "*.txt nomatch*\n", "quoted, and no match")
    need(sh.cmd("cat a.txt ../g/b.txt") == "a\nb\n", "relative paths for builtins")
    need(sh.cmd("ls") == sh.cmd("ls /tmp/g"), "ls with no path lists the directory")
    need(sh.cmd("cd ..; pwd") == "/tmp\n", "cd ..")
    need(sh.cmd("echo g/*.md") == "g/c.md\n", "a pattern under a folder")
    out = sh.cmd("cd /nosuch")
    need(out == "cd: /nosuch: No such file or directory\n[exit status 1]\n", f"cd: {out!r}")
    need(sh.cmd("pwd") == "/tmp\n", "a failed cd changes nothing")
    need(sh.cmd("cd; pwd") == "/\n", "cd alone goes to /")
    sh.cmd("rm -r /tmp/g")


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
    words = " ".join(f"w{i}" for i in range(300))
    out = sh.cmd("run echo " + words)
    need(out == words + "\n", f"300 words: {out[-40:]!r}")
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
    ("shell_lists_and_status", c_lists_and_status),
    ("shell_redirects", c_redirects),
    ("shell_pipes", c_pipes),
    ("shell_keys", c_keys),
    ("shell_ls_l_dmesg_time", c_ls_l_dmesg_time),
    ("shell_typeahead", c_typeahead),
    ("shell_background_builtins_and_pipelines", c_background_builtins_and_pipelines),
    ("shell_cd_and_patterns", c_cd_and_patterns),
    ("shell_variables", c_variables),
    ("shell_line_limits", c_line_limits),
    ("run_root_cp_rm", c_root_and_cp),
]
