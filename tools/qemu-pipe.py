#!/usr/bin/env python3
"""qemu-pipe.py QEMU-ARGS... - runs QEMU with its serial line on our stdio
when stdin is not a terminal: copies everything the guest prints to stdout,
and types each line of our stdin into the guest only once the shell shows
its prompt, so no byte reaches the UART before the kernel listens (OpenSBI
drains the UART when it starts). After the last line it waits for QEMU to
exit and exits with its status. --timeout S ends QEMU after S seconds."""
import os
import subprocess
import sys
import threading
import time

PROMPT = b"\n> "


def main():
    args = sys.argv[1:]
    timeout = None
    if args[:1] == ["--timeout"]:
        timeout = float(args[1])
        args = args[2:]
    qemu = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    prompts = threading.Semaphore(0)

    def pump():
        tail = b""
        out = sys.stdout.buffer
        while True:
            chunk = os.read(qemu.stdout.fileno(), 4096)
            if not chunk:
                break
            out.write(chunk)
            out.flush()
            # count prompts, also when one straddles two chunks
            data = tail + chunk
            prompts_here = data.count(PROMPT) - tail.count(PROMPT)
            for _ in range(prompts_here):
                prompts.release()
            tail = data[-(len(PROMPT) - 1):]
        for _ in range(2):  # wake the feeder if QEMU is gone
            prompts.release()

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout if timeout else None

    def left():
        return None if deadline is None else max(0.0, deadline - time.monotonic())

    try:
        for line in sys.stdin.buffer:
            if not prompts.acquire(timeout=left()):
                raise subprocess.TimeoutExpired(args, timeout)
            if qemu.poll() is not None:
                break
            try:
                qemu.stdin.write(line.rstrip(b"\r\n") + b"\r")
                qemu.stdin.flush()
            except BrokenPipeError:
                break
        rc = qemu.wait(timeout=left())
    except subprocess.TimeoutExpired:
        qemu.kill()
        print(f"\nqemu-pipe: QEMU still running after {timeout:g}s; stopped it", file=sys.stderr)
        rc = 124
    except KeyboardInterrupt:
        qemu.kill()
        rc = 130
    reader.join(timeout=2)
    sys.exit(rc)


if __name__ == "__main__":
    main()
