#!/usr/bin/env python3
"""mkcpio.py - builds a cpio `newc` archive (magic 070701) from a directory,
deterministically: entries sorted by path, directories before their contents,
inode numbers counted from 1, uid/gid 0, one fixed mtime, no device numbers.
The same tree always gives the same bytes.

    tools/mkcpio.py [--mtime SECONDS] [--prefix DIR] SRC_DIR OUT.cpio
    tools/mkcpio.py rootfs -            (to stdout)

Entry names are relative to SRC_DIR without a leading "./" (e.g. "bin/sh.wasm"),
optionally under --prefix. Only directories and regular files are allowed: a
symlink, device or fifo is an error (the kernel's initramfs takes only those two).
Modes: directories 040755, files 0100644, or 0100755 if executable by the owner.
The default mtime is $SOURCE_DATE_EPOCH, else 0.
"""
import argparse
import os
import stat
import sys

MAGIC = b"070701"


def header(ino, mode, nlink, mtime, filesize, namesize):
    fields = [ino, mode, 0, 0, nlink, mtime, filesize, 0, 0, 0, 0, namesize, 0]
    return MAGIC + b"".join(b"%08X" % f for f in fields)


def pad4(n):
    return (4 - n % 4) % 4


class Writer:
    def __init__(self, mtime):
        self.out = bytearray()
        self.ino = 0
        self.mtime = mtime

    def entry(self, name, mode, data=b"", ino=None):
        if ino is None:
            self.ino += 1
            ino = self.ino
        nlink = 2 if stat.S_ISDIR(mode) else 1
        raw = name.encode("utf-8") + b"\0"
        self.out += header(ino, mode, nlink, self.mtime, len(data), len(raw))
        self.out += raw
        self.out += b"\0" * pad4(len(self.out))
        self.out += data
        self.out += b"\0" * pad4(len(self.out))

    def trailer(self):
        self.entry("TRAILER!!!", 0, ino=0)


def collect(src):
    """Yields (relative path, lstat) for every entry under src, sorted."""
    todo = [""]
    while todo:
        rel = todo.pop(0)
        full = os.path.join(src, rel) if rel else src
        names = sorted(os.listdir(full))
        subdirs = []
        for name in names:
            r = name if not rel else rel + "/" + name
            st = os.lstat(os.path.join(src, r))
            yield r, st
            if stat.S_ISDIR(st.st_mode):
                subdirs.append(r)
        todo = subdirs + todo


def build(src, mtime, prefix):
    w = Writer(mtime)
    if prefix:
        parts = prefix.strip("/").split("/")
        for i in range(len(parts)):
            w.entry("/".join(parts[: i + 1]), stat.S_IFDIR | 0o755)
    for rel, st in collect(src):
        name = prefix.strip("/") + "/" + rel if prefix else rel
        if stat.S_ISDIR(st.st_mode):
            w.entry(name, stat.S_IFDIR | 0o755)
        elif stat.S_ISREG(st.st_mode):
            with open(os.path.join(src, rel), "rb") as f:
                data = f.read()
            perm = 0o755 if st.st_mode & stat.S_IXUSR else 0o644
            w.entry(name, stat.S_IFREG | perm, data)
        else:
            raise SystemExit("mkcpio: %s: not a directory or regular file" % rel)
    w.trailer()
    return bytes(w.out)


def main():
    ap = argparse.ArgumentParser(description="deterministic cpio newc archive from a directory")
    ap.add_argument("--mtime", type=int, default=int(os.environ.get("SOURCE_DATE_EPOCH", "0")))
    ap.add_argument("--prefix", default="")
    ap.add_argument("src")
    ap.add_argument("out")
    a = ap.parse_args()
    if not os.path.isdir(a.src):
        raise SystemExit("mkcpio: %s: not a directory" % a.src)
    if not 0 <= a.mtime <= 0xFFFFFFFF:
        raise SystemExit("mkcpio: --mtime out of range")
    data = build(a.src, a.mtime, a.prefix)
    if a.out == "-":
        sys.stdout.buffer.write(data)
    else:
        tmp = a.out + ".tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, a.out)


if __name__ == "__main__":
    main()
