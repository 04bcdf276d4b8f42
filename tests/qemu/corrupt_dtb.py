#!/usr/bin/env python3
"""corrupt_dtb.py IN OUT - writes a copy of a device tree blob whose first
property under the fw-cfg node names a string past the strings block.
OpenSBI never reads that node, so the blob gets through the firmware and
reaches our loader, which must reject it with an offset."""
import struct
import sys

FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_NOP, FDT_END = 1, 2, 3, 4, 9

blob = bytearray(open(sys.argv[1], "rb").read())
off_struct, off_strings = struct.unpack(">II", blob[8:16])
pos = off_struct
in_target = False
while True:
    (tok,) = struct.unpack(">I", blob[pos:pos + 4])
    pos += 4
    if tok == FDT_BEGIN_NODE:
        end = blob.index(0, pos)
        in_target = blob[pos:end].startswith(b"fw-cfg")
        pos = (end + 4) & ~3
    elif tok == FDT_PROP:
        length, _ = struct.unpack(">II", blob[pos:pos + 8])
        if in_target:
            struct.pack_into(">I", blob, pos + 4, 0x00FFFFF0)
            break
        pos = (pos + 8 + length + 3) & ~3
    elif tok == FDT_END:
        sys.exit("no fw-cfg node with a property")
open(sys.argv[2], "wb").write(blob)
