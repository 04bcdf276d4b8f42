#!/usr/bin/env python3
"""shell_driver.py - drives the kernel shell over QEMU's serial line.

    from shell_driver import Shell
    with Shell(image, smp=4, log="build/test-logs/x.transcript") as sh:
        out = sh.cmd("run hello", timeout=10)   # output up to the next prompt
        sh.send(b"\\x03")                         # raw bytes (Ctrl-C)
        sh.expect(r"\\[1\\] Killed", timeout=5)   # regex on what comes next
        rc = sh.shutdown()                       # QEMU's exit status (0)

Boots `qemu-system-riscv64 -machine virt` with the serial port on pipes,
waits for the first prompt, and then types one line at a time, each ended
by "\\r" like a terminal's Enter. Everything the guest prints goes, as it
arrives, to the transcript file, with "#### " lines marking what the driver
did (and when), so a failure can be read there in full.

Invariant: `pos` is the offset in `text` (what was received, without
carriage returns) up to which output has been consumed; expect() and cmd()
only look after it, and move it past what they matched. Typing a line may
drop consumed text but the last 16 KiB from the front of `text` (so a long
session stays cheap): offsets into it are good until the next line only.
A hard deadline for the whole session (`limit` seconds) kills QEMU; after
that every wait fails at once.
"""
import os
import re
import subprocess
import threading
import time

PROMPT_RE = re.compile(r"\n> ")


class ShellError(Exception):
    """A wait that ended without its match (timeout, QEMU gone, deadline)."""


class Shell:
    def __init__(self, image, smp=1, log=None, mem="256M", limit=300.0, bootargs="",
                 boot_timeout=60.0, qemu_args=()):
        self.image = image
        self.smp = smp
        self.limit = limit
        self.t0 = time.monotonic()
        self.deadline = self.t0 + limit
        self.text = ""  # everything received so far, without "\r"
        self.pos = 0
        self.cond = threading.Condition()
        self.eof = False
        self.log = open(log, "w", encoding="utf-8", errors="replace") if log else None
        self.log_lock = threading.Lock()
        args = ["qemu-system-riscv64", "-machine", "virt", "-smp", str(smp), "-m", mem,
                "-bios", "default", "-display", "none", "-serial", "stdio",
                "-monitor", "none", "-kernel", image]
        if bootargs:
            args += ["-append", bootargs]
        args += list(qemu_args)  # e.g. ["-icount", "shift=0"]
        self.note("boot: " + " ".join(args))
        self.qemu = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.reader = threading.Thread(target=self._pump, daemon=True)
        self.reader.start()
        self.expired = False
        self.killer = threading.Timer(limit, self._expire)
        self.killer.daemon = True
        self.killer.start()
        # The first prompt comes after the banner; nothing is typed before
        # it (OpenSBI drains the UART while it starts).
        try:
            self.expect(r"(?:^|\n)> ", boot_timeout)
        except ShellError:
            self.close()
            raise

    # ---- plumbing -------------------------------------------------------
    def elapsed(self):
        return time.monotonic() - self.t0

    def note(self, what):
        """Writes a "#### [t] what" line into the transcript."""
        if not self.log:
            return
        with self.log_lock:
            self.log.write(f"\n#### [{self.elapsed():8.3f}] {what}\n")
            self.log.flush()

    def _pump(self):
        fd = self.qemu.stdout.fileno()
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                break
            s = chunk.decode("utf-8", errors="replace")
            if self.log:
                with self.log_lock:
                    self.log.write(s)
                    self.log.flush()
            with self.cond:
                self.text += s.replace("\r", "")
                self.cond.notify_all()
        with self.cond:
            self.eof = True
            self.cond.notify_all()

    def _expire(self):
        self.expired = True
        self.note(f"hard limit of {self.limit:g}s reached: killing QEMU")
        self.qemu.kill()

    def send(self, data):
        """Writes raw bytes (str is encoded) to the serial line."""
        if isinstance(data, str):
            data = data.encode()
        self.note(f"send {data!r}")
        try:
            self.qemu.stdin.write(data)
            self.qemu.stdin.flush()
        except (BrokenPipeError, ValueError) as e:
            raise ShellError(f"cannot send {data!r}: QEMU is gone ({e})")

    def expect(self, regex, timeout=10.0):
        """Waits for `regex` in the output after `pos`; returns the match
        (offsets into self.text) and moves `pos` past it."""
        pat = re.compile(regex) if isinstance(regex, str) else regex
        end = min(time.monotonic() + timeout, self.deadline)
        with self.cond:
            while True:
                m = pat.search(self.text, self.pos)
                if m:
                    self.pos = m.end()
                    return m
                left = end - time.monotonic()
                if self.eof or left <= 0:
                    why = ("QEMU exited" if self.eof else
                           "hard limit reached" if self.expired or time.monotonic() >= self.deadline
                           else f"no match after {timeout:g}s")
                    tail = self.text[self.pos:][-600:]
                    self.note(f"expect {pat.pattern!r} failed: {why}")
                    raise ShellError(f"waiting for /{pat.pattern}/: {why}; got {tail!r}")
                self.cond.wait(left)

    def _compact(self, keep=16384):
        """Drops consumed text but the last `keep` characters, so appending
        stays cheap over a long session; offsets held by callers are stale
        after it (it runs only when a new line is typed)."""
        with self.cond:
            if self.pos > 4 * keep:
                cut = self.pos - keep
                self.text = self.text[cut:]
                self.pos -= cut

    def pending(self):
        """The output received after `pos`, without consuming it."""
        with self.cond:
            return self.text[self.pos:]

    def skip(self):
        """Consumes and returns whatever has arrived after `pos`."""
        with self.cond:
            s = self.text[self.pos:]
            self.pos = len(self.text)
            return s

    # ---- the shell ------------------------------------------------------
    def start(self, line, timeout=10.0):
        """Types `line` and Enter and consumes its echo, without waiting for
        the prompt (for commands that run until Ctrl-C or read input).
        Text that arrived before the echo (e.g. notices of background jobs
        printed at the prompt) is kept in self.before."""
        self._compact()
        self.note(f"cmd {line!r}")
        before_pos = self.pos
        self.send(line.encode() + b"\r")
        m = self.expect(re.escape(line) + r"\n", timeout)
        self.before = self.text[before_pos:m.start()]
        self.pos = m.end() - 1  # keep the newline: the prompt regex wants it
        self.started = time.monotonic()
        return self.before

    def wait_prompt(self, timeout=10.0):
        """Waits for the next prompt; returns the output before it (from
        after the echoed line), and sets self.last_secs to the time since
        the line was typed."""
        start = self.pos
        try:
            p = self.expect(PROMPT_RE, timeout)
        except ShellError:
            # output without a final newline runs into the prompt: take a
            # "> " that ends what came, once nothing more arrives
            with self.cond:
                tail = self.text[start:]
                if self.eof or not tail.endswith("> "):
                    raise
                self.pos = len(self.text)
            self.note("prompt after output without a newline")
            self.last_secs = time.monotonic() - self.started
            return tail[1:-2]
        self.last_secs = time.monotonic() - self.started
        return self.text[start + 1:p.start() + 1]

    def cmd(self, line, timeout=10.0):
        """Runs one shell line: types it, waits for the next prompt, and
        returns the output in between (without the echoed line and the
        prompt)."""
        self.start(line, min(timeout, 10.0))
        return self.wait_prompt(timeout)

    def shutdown(self, timeout=20.0):
        """Types `shutdown` and waits for QEMU to exit; returns its status."""
        self.note("cmd 'shutdown'")
        self.send(b"shutdown\r")
        self.expect(r"shutting down", timeout)
        left = max(0.1, min(timeout, self.deadline - time.monotonic()))
        try:
            rc = self.qemu.wait(timeout=left)
        except subprocess.TimeoutExpired:
            raise ShellError(f"QEMU still running {left:g}s after shutdown")
        self.reader.join(timeout=2)
        self.note(f"QEMU exited with status {rc}")
        return rc

    def close(self):
        """Kills QEMU if it still runs; closes the transcript."""
        self.killer.cancel()
        if self.qemu.poll() is None:
            self.note("closing: killing QEMU")
            self.qemu.kill()
            self.qemu.wait()
        self.reader.join(timeout=2)
        for f in (self.qemu.stdin, self.qemu.stdout):
            try:
                f.close()
            except OSError:
                pass
        if self.log:
            self.log.close()
            self.log = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
