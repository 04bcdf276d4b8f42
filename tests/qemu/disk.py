#!/usr/bin/env python3
"""disk.py [--smp N] [--log FILE] IMAGE

End-to-end checks of the persistent disk (/data: ext2 on virtio-blk)
through the kernel shell (tests/qemu/shell_driver.py), with Debian's
e2fsprogs on the host:

  persist     an image made by tools/mkdisk.sh from a folder; boot 1 reads
              the folder's files, writes files and directories from the
              builtins (echo >, mkdir -p, cp) and from a WASI program
              (files), shuts down; e2fsck -fn finds it clean and debugfs
              reads the files; boot 2 reads them back, runs a program
              copied to /data, removes some; e2fsck clean, debugfs agrees
  synced-kill a file written and synced survives QEMU being killed
  trace-file  `trace record -o /data/t.dat` writes a trace to the disk;
              after shutdown, debugfs dumps it and `trace-cmd report`
              lists its sched_switch events
  busy        a program writes 24 MiB to /data in one call in the
              background while tmpfs files are written and read in the
              foreground; the file reads back as written (checksum against
              a tmpfs copy); Ctrl-C ends a program in the middle of a big
              /data write (status 130) and the fs stays usable; `sync`
              sends a flush (/proc/vblk: the driver's counters); after
              shutdown e2fsck finds the image clean
  no-disk     without a disk the boot log says /data is not mounted
  not-ext2    a disk of zeros: the boot log says why it is not mounted
  bad-super   a corrupted superblock: not mounted, said why
  bad-inodes  corrupted inodes (a file's block pointers, a directory's
              size and blocks): mounted, but reading them gives errors;
              the kernel stays up and the rest of /data works

Prints "ok   disk.NAME" or "FAIL disk.NAME: why" per check and ends with
"N passed, N failed" (exit status 1 if any failed). The transcripts go
to --log (default BUILD/test-logs/disk.transcript), images to a temporary
folder removed at the end.
"""
import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shell_driver import Shell, ShellError  # noqa: E402
from shell_checks import Fail, has, lacks, need  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SBIN = ["/usr/sbin", "/sbin"]
ENV = dict(os.environ, PATH=os.environ.get("PATH", "") + ":" + ":".join(SBIN))
ERR_LINE = re.compile(r"\[exit status [1-9]")


def host(*args, check=True):
    """Runs an e2fsprogs tool; returns (status, output)."""
    p = subprocess.run(list(args), env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = p.stdout.decode("utf-8", "replace")
    if check and p.returncode:
        raise Fail(f"{' '.join(args)}: status {p.returncode}: {out[-600:]}")
    return p.returncode, out


def debugfs_cat(img, path):
    p = subprocess.run(["debugfs", "-R", f"cat {path}", img], env=ENV, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return p.stdout


def e2fsck_clean(img):
    rc, out = host("e2fsck", "-fn", img, check=False)
    need(rc == 0, f"e2fsck -fn {img}: status {rc}: {out[-800:]}")


def disk_args(img):
    return ["-global", "virtio-mmio.force-legacy=false",
            "-drive", f"file={img},if=none,format=raw,id=disk0",
            "-device", "virtio-blk-device,drive=disk0"]


class Run:
    def __init__(self, args):
        self.args = args
        self.log = open(args.log, "w", encoding="utf-8")
        self.passed = 0
        self.failed = 0

    def boot(self, img, name):
        path = self.args.log + "." + name
        self.log.write(f"#### {name}: transcript in {path}\n")
        self.log.flush()
        return Shell(self.args.image, smp=self.args.smp, log=path, limit=120,
                     qemu_args=disk_args(img) if img else ())

    def check(self, name, fn, *a):
        try:
            fn(*a)
        except (Fail, ShellError, OSError) as e:
            self.failed += 1
            print(f"FAIL disk.{name}: {e}", flush=True)
            return
        self.passed += 1
        print(f"ok   disk.{name}", flush=True)


def ok_cmd(sh, line, timeout=20.0):
    out = sh.cmd(line, timeout)
    need(not ERR_LINE.search(out), f"{line!r} failed: {out[-400:]!r}")
    return out


def mkdisk(tmp, name, folder=None, size="16M"):
    img = os.path.join(tmp, name)
    args = [os.path.join(ROOT, "tools/mkdisk.sh"), img, folder or "", size]
    p = subprocess.run(args, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    need(p.returncode == 0, f"mkdisk.sh: {p.stdout.decode()}")
    return img


def check_persist(run, tmp):
    src = os.path.join(tmp, "src")
    os.makedirs(os.path.join(src, "sub/deeper"))
    with open(os.path.join(src, "hello.txt"), "w") as f:
        f.write("made on the host\n")
    with open(os.path.join(src, "sub/deeper/n.txt"), "w") as f:
        f.write("nested\n")
    img = mkdisk(tmp, "persist.img", src)
    wasm = os.path.join(os.path.dirname(os.path.dirname(run.args.image)),
                        "initrd-root/bin/files.wasm")
    with open(wasm, "rb") as f:
        wasm_bytes = f.read()

    with run.boot(img, "persist-1") as sh:
        need(re.search(r"disk: /data: ext2 on a 16 MiB disk", sh.text), "no mount line")
        has(ok_cmd(sh, "cat /data/hello.txt"), "made on the host")
        has(ok_cmd(sh, "cat /data/sub/deeper/n.txt"), "nested")
        ok_cmd(sh, "echo from the builtin > /data/b.txt")
        ok_cmd(sh, "mkdir -p /data/d1/d2")
        ok_cmd(sh, "cp /bin/files.wasm /data/d1/d2/files.wasm")
        has(ok_cmd(sh, "files /data from-wasi", 30), "files: ls: two.txt")
        has(ok_cmd(sh, "ls /data"), "b.txt", "d1/", "files.d/", "hello.txt", "sub/")
        need(sh.shutdown() == 0, "shutdown status")
    e2fsck_clean(img)
    need(debugfs_cat(img, "/b.txt") == b"from the builtin\n", "debugfs /b.txt")
    need(debugfs_cat(img, "/files.d/two.txt") == b"from-wasi\n", "debugfs /files.d/two.txt")
    need(debugfs_cat(img, "/d1/d2/files.wasm") == wasm_bytes, "debugfs: the copied program")

    with run.boot(img, "persist-2") as sh:
        has(ok_cmd(sh, "cat /data/b.txt"), "from the builtin")
        has(ok_cmd(sh, "run cat /data/files.d/two.txt", 30), "from-wasi")
        has(ok_cmd(sh, "run /data/d1/d2/files.wasm -c /data", 30), "files:")
        ok_cmd(sh, "rm -r /data/sub")
        ok_cmd(sh, "echo again >> /data/b.txt")
        out = sh.cmd("ls /data")
        lacks(out, "sub/", "files.d/")
        need(sh.shutdown() == 0, "shutdown status")
    e2fsck_clean(img)
    need(debugfs_cat(img, "/b.txt") == b"from the builtin\nagain\n", "debugfs /b.txt appended")
    _, out = host("debugfs", "-R", "ls /", img)
    need("sub" not in out and "files.d" not in out and "hello.txt" in out,
         f"debugfs ls /: {out}")


def vblk_stats(sh):
    """/proc/vblk as a dict of its 'name value' lines."""
    out = ok_cmd(sh, "cat /proc/vblk")
    return dict(line.split(" ", 1) for line in out.splitlines() if " " in line)


def read_sum(sh, path):
    out = ok_cmd(sh, f"longcall read {path}", 120)
    m = re.search(r"read (\d+) bytes of \S+ in one call, sum ([0-9a-f]{8})", out)
    need(m, f"longcall read {path}: {out!r}")
    return int(m.group(1)), m.group(2)


def check_busy(run, tmp):
    img = mkdisk(tmp, "busy.img", size="96M")
    with run.boot(img, "busy") as sh:
        before = vblk_stats(sh)
        need(before.get("flush") == "yes", f"/proc/vblk: flush not negotiated: {before}")
        out = ok_cmd(sh, "longcall write /data/big.txt 24 > /tmp/bg.out &")
        need(re.match(r"\[\d+\] \d+\n", out), f"the background write: {out!r}")
        for i in range(6):  # tmpfs while /data is busy (no deadlock, no error)
            ok_cmd(sh, f"echo round {i} > /tmp/r{i}.txt")
            need(sh.cmd(f"cat /tmp/r{i}.txt") == f"round {i}\n", f"tmpfs file {i}")
        deadline = time.monotonic() + 120
        while "wrote 24 MiB" not in sh.cmd("cat /tmp/bg.out"):
            need(time.monotonic() < deadline, "the background write did not end")
            time.sleep(0.5)
        ok_cmd(sh, "longcall write /tmp/ref.txt 24", 120)
        want = read_sum(sh, "/tmp/ref.txt")
        ok_cmd(sh, "rm /tmp/ref.txt")
        need(read_sum(sh, "/data/big.txt") == want, "/data/big.txt differs from its tmpfs twin")
        # Ctrl-C in the middle of a big /data write
        sh.start("longcall write /data/cut.txt 48")
        time.sleep(1.0)
        sh.send(b"\x03")
        sh.wait_prompt(60)
        need(sh.cmd("echo $?") in ("130\n", "0\n"), "the cut write's status")
        ok_cmd(sh, "echo after > /data/after.txt")
        has(ok_cmd(sh, "cat /data/after.txt"), "after")
        mid = vblk_stats(sh)
        ok_cmd(sh, "sync")
        after = vblk_stats(sh)
        need(int(after["flushes"]) > int(mid["flushes"]), f"sync sent no flush: {mid} {after}")
        need(int(after["in_flight_max"]) > 1, f"one request at a time: {after}")
        need(sh.shutdown() == 0, "shutdown status")
    e2fsck_clean(img)
    _, out = host("debugfs", "-R", "stat /big.txt", img)
    need(re.search(r"Size: 25165824\b", out), f"debugfs stat /big.txt: {out[:400]}")


def check_synced_kill(run, tmp):
    img = mkdisk(tmp, "kill.img")
    sh = run.boot(img, "synced-kill")
    try:
        ok_cmd(sh, "echo kept > /data/k.txt")
        ok_cmd(sh, "sync")
    finally:
        sh.close()  # kills QEMU: no shutdown
    need(debugfs_cat(img, "/k.txt") == b"kept\n", "debugfs /k.txt after kill")
    e2fsck_clean(img)


def check_trace_file(run, tmp):
    img = mkdisk(tmp, "trace.img")
    with run.boot(img, "trace-file") as sh:
        has(ok_cmd(sh, "trace record -o /data/t.dat -e sched:sched_switch hello", 60),
            "bytes written to /data/t.dat")
        need(sh.shutdown() == 0, "shutdown status")
    e2fsck_clean(img)
    dat = os.path.join(tmp, "t.dat")
    host("debugfs", "-R", f"dump /t.dat {dat}", img)
    p = subprocess.run(["trace-cmd", "report", "-i", dat], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    out = p.stdout.decode("utf-8", "replace")
    need(p.returncode == 0 and "sched_switch:" in out and "hello" in out,
         f"trace-cmd report: status {p.returncode}: {out[-600:]}")


def check_no_disk(run, tmp):
    with run.boot(None, "no-disk") as sh:
        need("disk: no disk: /data not mounted" in sh.text, "no 'no disk' line")
        need(ERR_LINE.search(sh.cmd("ls /data")), "ls /data should fail")
        need(sh.shutdown() == 0, "shutdown status")


def boot_refused(run, img, name, why_re):
    with run.boot(img, name) as sh:
        m = re.search(r"disk: .*not mounted at /data: (.*)", sh.text)
        need(m, "no 'not mounted' line")
        need(re.search(why_re, m.group(1)), f"reason {m.group(1)!r} !~ {why_re!r}")
        has(sh.cmd("echo alive"), "alive")
        need(sh.shutdown() == 0, "shutdown status")


def check_not_ext2(run, tmp):
    img = os.path.join(tmp, "zeros.img")
    with open(img, "wb") as f:
        f.truncate(4 << 20)
    boot_refused(run, img, "not-ext2", r"not a valid ext2")


def check_bad_super(run, tmp):
    img = mkdisk(tmp, "badsuper.img")
    with open(img, "r+b") as f:
        f.seek(1024 + 24)  # s_log_block_size: 2^(10+40)-byte blocks
        f.write(struct.pack("<I", 40))
        f.seek(1024 + 32)  # s_blocks_per_group: 0
        f.write(struct.pack("<I", 0))
    boot_refused(run, img, "bad-super", r"not a valid ext2|unsupported|malformed")


def inode_offset(img, ino):
    """Byte offset of inode `ino` (group 0) in a 1 KiB-block image."""
    with open(img, "rb") as f:
        sb = f.read(2048)[1024:]
        bs = 1024 << struct.unpack_from("<I", sb, 24)[0]
        isz = struct.unpack_from("<H", sb, 88)[0]
        f.seek((2 if bs == 1024 else 1) * bs)
        table = struct.unpack_from("<I", f.read(32), 8)[0]
    return table * bs + (ino - 1) * isz


def ino_of(img, path):
    _, out = host("debugfs", "-R", f"stat {path}", img)
    m = re.search(r"Inode: (\d+)", out)
    need(m, f"debugfs stat {path}: {out}")
    return int(m.group(1))


def check_bad_inodes(run, tmp):
    src = os.path.join(tmp, "badsrc")
    os.makedirs(os.path.join(src, "dir"))
    for name in ("good.txt", "bad.txt", "dir/x.txt"):
        with open(os.path.join(src, name), "w") as f:
            f.write(name * 200)
    img = mkdisk(tmp, "badinodes.img", src)
    bad, d = ino_of(img, "/bad.txt"), ino_of(img, "/dir")
    with open(img, "r+b") as f:
        f.seek(inode_offset(img, bad) + 40)  # i_block[]: far past the disk
        f.write(struct.pack("<15I", *([0xfffffff0] * 15)))
        f.seek(inode_offset(img, d) + 4)  # i_size of the directory: huge
        f.write(struct.pack("<I", 0xfffff000))
        f.seek(inode_offset(img, d) + 40)
        f.write(struct.pack("<15I", *([0x7ffffff0] * 15)))
    with run.boot(img, "bad-inodes") as sh:
        need("disk: /data: ext2" in sh.text, "the image should mount")
        out = sh.cmd("cat /data/bad.txt", 20)
        need(ERR_LINE.search(out), f"cat of a bad file should fail: {out!r}")
        out = sh.cmd("ls /data/dir", 20)
        need(ERR_LINE.search(out), f"ls of a bad dir should fail: {out!r}")
        out = sh.cmd("run cat /data/bad.txt", 30)
        need(ERR_LINE.search(out), f"a program reading it should fail: {out!r}")
        has(ok_cmd(sh, "cat /data/good.txt"), "good.txt")
        ok_cmd(sh, "echo still writable > /data/new.txt")
        has(ok_cmd(sh, "cat /data/new.txt"), "still writable")
        need(sh.shutdown() == 0, "shutdown status")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--log")
    ap.add_argument("image")
    args = ap.parse_args()
    build = os.path.dirname(os.path.dirname(os.path.abspath(args.image)))
    if not args.log:
        os.makedirs(os.path.join(build, "test-logs"), exist_ok=True)
        args.log = os.path.join(build, "test-logs", "disk.transcript")
    run = Run(args)
    tmp = tempfile.mkdtemp(prefix="disk-test-")
    try:
        for name, fn in (("persist", check_persist), ("synced-kill", check_synced_kill),
                         ("trace-file", check_trace_file), ("busy", check_busy),
                         ("no-disk", check_no_disk), ("not-ext2", check_not_ext2),
                         ("bad-super", check_bad_super), ("bad-inodes", check_bad_inodes)):
            run.check(name, fn, run, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{run.passed} passed, {run.failed} failed")
    sys.exit(1 if run.failed else 0)


if __name__ == "__main__":
    main()
