#!/usr/bin/env python3
"""console_keys.py IMAGE - `make run`'s console on a terminal (tools/qemu-run.sh
under a pseudo-terminal): QEMU's escape key is Ctrl-], so Ctrl-A reaches the
shell's line editor (Home) and Ctrl-] X quits QEMU. Three checks, then
"N passed, N failed" (on a machine without pseudo-terminals it says so and
counts none)."""
import os
import pty
import select
import sys
import time


def main():
    img = sys.argv[1]
    try:
        pid, fd = pty.fork()
    except OSError as e:  # said, and counted as nothing run, not as a pass
        print(f"console: no pseudo-terminal here ({e}): its 3 checks did not run")
        print("0 passed, 0 failed")
        return
    if pid == 0:
        os.execvp("tools/qemu-run.sh", ["tools/qemu-run.sh", img, "1", "256M", ""])
    seen = b""

    def read_until(pat, secs):
        nonlocal seen
        end = time.monotonic() + secs
        while time.monotonic() < end:
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    data = os.read(fd, 4096)
                except OSError:  # the child is gone
                    return False
                if not data:
                    return False
                seen += data
                if pat in seen:
                    return True
        return False

    results = []
    results.append(("prompt", read_until(b"\n> ", 60)))
    # "ello", Ctrl-A (Home), "h", Enter: the shell must run "hello"
    os.write(fd, b"ello\x01h\r")
    results.append(("ctrl_a_is_home", read_until(b"Hello, world, from WebAssembly!", 30)))
    os.write(fd, b"\x1dx")  # Ctrl-] X: QEMU quits
    end = time.monotonic() + 15
    done = 0
    while time.monotonic() < end and not done:
        read_until(b"\0", 0.2)  # keep the terminal drained
        done, _ = os.waitpid(pid, os.WNOHANG)
    if not done:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    results.append(("ctrl_rbracket_x_quits", bool(done)))
    for name, ok in results:
        print(f"{'ok  ' if ok else 'FAIL'} console.{name}")
    if not all(ok for _, ok in results):
        print("last output:", seen[-400:].decode("utf-8", "replace"))
    passed = sum(ok for _, ok in results)
    print(f"{passed} passed, {len(results) - passed} failed")
    sys.exit(0 if passed == len(results) else 1)


if __name__ == "__main__":
    main()
