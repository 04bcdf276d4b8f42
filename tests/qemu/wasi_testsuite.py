#!/usr/bin/env python3
"""wasi_testsuite.py [--smp N] [--log FILE] [--suite DIR] [--only SUBSTR] IMAGE

The official WASI preview1 testsuite (../shared/wasi-testsuite, see its
ABOUT.md) in the kernel, through the shell: IMAGE must hold the suite's
tests under /big (make kernel-wasits: /big/SUITE/NAME.wasm, .json and
fs-tests.dir). For each NAME.wasm of the assemblyscript, c and rust suites
it reads NAME.json on the host (args, env, root, exit_code, stdout prefix),
and types at the shell:

    cp -r /big/SUITE/ROOT /tmp/wt      (a fresh copy, when the test has a root)
    K=V... run --root /tmp/wt|--no-root /big/SUITE/NAME.wasm ARGS...
    rm -r /tmp/wt

every word quoted as $'...'. The exit status is the shell's "[exit status
N]" line (none: 0); the output is what the program printed before it.
Prints "ok   SUITE/NAME" or "FAIL SUITE/NAME (why)" per test, then
"N passed, N failed" (exit status 1 if any failed). One boot; after a
test that does not come back to the prompt (or crashes the kernel), the
next one boots again.
"""
import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shell_driver import Shell, ShellError  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SUITES = ("assemblyscript", "c", "rust")
STATUS_RE = re.compile(r"\[exit status (\d+)\]\n")
WORK = "/tmp/wt"


def quote(word):
    """The word as the shell's $'...', which keeps every byte."""
    return "$'" + word.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") \
        .replace("\t", "\\t").replace("\r", "\\r") + "'"


def tests(suite_dir, only):
    """(suite, name, spec) for every test, in a stable order."""
    for suite in SUITES:
        d = os.path.join(suite_dir, suite, "testsuite", "wasm32-wasip1")
        for f in sorted(os.listdir(d)):
            if not f.endswith(".wasm"):
                continue
            name = f[:-5]
            if only and only not in f"{suite}/{name}":
                continue
            spec = {}
            js = os.path.join(d, name + ".json")
            if os.path.exists(js):
                with open(js) as fh:
                    spec = json.load(fh)
            yield suite, name, spec


def run_one(sh, suite, name, spec):
    """Runs one test; returns None (passed) or why it failed."""
    root = spec.get("root")
    if root:
        out = sh.cmd(f"cp -r {quote(f'/big/{suite}/{root}')} {WORK}", timeout=30)
        if STATUS_RE.search(out):
            return "cp -r failed: " + out.strip()
    words = [quote(f"{k}={v}") for k, v in spec.get("env", {}).items()]
    words.append("run")
    # as wasmrun without --dir: a test without a root has no preopen (fd 3
    # is no file)
    words += ["--root", WORK] if root else ["--no-root"]
    words.append(quote(f"/big/{suite}/{name}.wasm"))
    words += [quote(str(a)) for a in spec.get("args", [])]
    out = sh.cmd(" ".join(words), timeout=60)
    if root:
        rm = sh.cmd(f"rm -r {WORK}", timeout=30)
        if STATUS_RE.search(rm):
            return "rm -r failed: " + rm.strip()
    m = STATUS_RE.search(out)
    status = int(m.group(1)) if m else 0
    printed = out[:m.start()] if m else out
    want = int(spec.get("exit_code", 0))
    if status != want:
        tail = printed.strip().splitlines()[-3:]
        return f"exit status {status}, expected {want}: {' | '.join(tail)!r}"
    prefix = spec.get("stdout", "")
    if prefix and not printed.startswith(prefix):
        return f"stdout {printed[:len(prefix) + 20]!r} does not start with {prefix!r}"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("image")
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--log")
    ap.add_argument("--suite", default=os.path.join(ROOT, "..", "shared", "wasi-testsuite"))
    ap.add_argument("--only", default="")
    ap.add_argument("--limit", type=float, default=600.0)
    a = ap.parse_args()
    log = a.log or os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(a.image))),
                                "test-logs", f"wasi-testsuite-smp{a.smp}.transcript")
    os.makedirs(os.path.dirname(log), exist_ok=True)
    if not os.path.isdir(a.suite):
        print(f"FAIL setup: {a.suite} missing (see ../shared/wasi-testsuite/ABOUT.md)")
        print("0 passed, 1 failed")
        return 1
    passed = failed = 0
    sh = None
    boots = 0
    for suite, name, spec in tests(a.suite, a.only):
        why = None
        try:
            if sh is None:
                boots += 1
                sh = Shell(a.image, smp=a.smp, limit=a.limit,
                           log=log if boots == 1 else f"{log}.{boots}")
            why = run_one(sh, suite, name, spec)
        except ShellError as e:
            why = f"shell: {e}"[:300]
            sh.close()
            sh = None
        if why is None:
            print(f"ok   {suite}/{name}", flush=True)
            passed += 1
        else:
            print(f"FAIL {suite}/{name} ({why})", flush=True)
            failed += 1
    if sh is not None:
        try:
            sh.shutdown()
        except ShellError:
            pass
        sh.close()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
