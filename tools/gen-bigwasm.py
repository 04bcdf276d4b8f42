#!/usr/bin/env python3
"""gen-bigwasm.py - writes a large, valid WebAssembly module for measuring
the validator's throughput and a big program's start-up: it is also a WASI
command.

    tools/gen-bigwasm.py OUT.wasm [MEGABYTES] [SEED]

Deterministic for a given seed. A few hundred distinct function bodies of
varied shapes (nested block/loop/if, br/br_if/br_table, unreachable code
after a branch, locals of every number type, loads and stores of every
width, calls, call_indirect, select, globals, arithmetic, comparisons and
conversions of all four number types) are generated with their operand
types tracked, then repeated until the code section reaches the size asked
(default 20 MB; at least once each, about 1.6 MB). Every call names a function whose type it knows, so the
repeated bodies stay valid.

Those bodies may trap or loop forever, so _start never calls them: it calls
a few more functions generated from a second random stream in a safe subset
(no loop, call, load, store or memory.grow, no operator that can trap, no
float bits that could show a NaN's sign or payload, which differ between
hosts), folds their results into a 64-bit checksum and writes, with
fd_write,

    big.wasm: N functions, checksum XXXXXXXXXXXXXXXX

then returns. The safe functions do not depend on the size asked, so every
size of one seed prints the same checksum (N differs): a check can compare
two engines on modules of different sizes.
"""
import random
import struct
import sys

I32, I64, F32, F64 = 0x7F, 0x7E, 0x7D, 0x7C
NUM = [I32, I64, F32, F64]

# Function types: (params, results).
TYPES = [
    ([I32, I64, F32, F64], [I32]),
    ([], []),
    ([I32], [I64]),
    ([F64, F64], [F64]),
    ([I64, I32], [F32]),
    ([I32, I32], [I32, I64]),
]

BINOPS = {I32: range(0x6A, 0x79), I64: range(0x7C, 0x8B), F32: range(0x92, 0x99), F64: range(0xA0, 0xA7)}
UNOPS = {I32: [0x67, 0x68, 0x69, 0x45, 0xC0, 0xC1], I64: [0x79, 0x7A, 0x7B, 0xC2, 0xC3, 0xC4],
         F32: range(0x8B, 0x92), F64: range(0x99, 0xA0)}
CMPOPS = {I32: range(0x46, 0x50), I64: range(0x51, 0x5B), F32: range(0x5B, 0x61), F64: range(0x61, 0x67)}
# result <- (opcode, operand)
CONVS = {
    I32: [(0xA7, I64), (0xA8, F32), (0xA9, F32), (0xAA, F64), (0xAB, F64), (0xBC, F32), (0x50, I64)],
    I64: [(0xAC, I32), (0xAD, I32), (0xAE, F32), (0xAF, F32), (0xB0, F64), (0xB1, F64), (0xBD, F64)],
    F32: [(0xB2, I32), (0xB3, I32), (0xB4, I64), (0xB5, I64), (0xB6, F64), (0xBE, I32)],
    F64: [(0xB7, I32), (0xB8, I32), (0xB9, I64), (0xBA, I64), (0xBB, F32), (0xBF, I64)],
}
SATS = {I32: [(0, F32), (1, F32), (2, F64), (3, F64)], I64: [(4, F32), (5, F32), (6, F64), (7, F64)]}
LOADS = {I32: [(0x28, 2), (0x2C, 0), (0x2D, 0), (0x2E, 1), (0x2F, 1)],
         I64: [(0x29, 3), (0x30, 0), (0x31, 0), (0x32, 1), (0x33, 1), (0x34, 2), (0x35, 2)],
         F32: [(0x2A, 2)], F64: [(0x2B, 3)]}
STORES = {I32: [(0x36, 2), (0x3A, 0), (0x3B, 1)], I64: [(0x37, 3), (0x3C, 0), (0x3D, 1), (0x3E, 2)],
          F32: [(0x38, 2)], F64: [(0x39, 3)]}
GLOBALS = [I32, I64, F32, F64]

# The safe subset (see the header): no integer division or remainder, no
# copysign (it moves a NaN's sign into a number), no trapping float to
# integer truncation, no reinterpretation of a float as an integer.
SAFE_BINOPS = {t: [o for o in ops if o not in (0x6D, 0x6E, 0x6F, 0x70, 0x7F, 0x80, 0x81, 0x82,
                                                0x98, 0xA6)]
               for t, ops in BINOPS.items()}
SAFE_CONVS = {t: [(o, s) for o, s in cs if o not in (0xA8, 0xA9, 0xAA, 0xAB, 0xAE, 0xAF, 0xB0,
                                                      0xB1, 0xBC, 0xBD)]
              for t, cs in CONVS.items()}
# imports: wasi_snapshot_preview1.fd_write is function 0
NIMPORTS = 1


def uleb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def sleb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if (n == 0 and not b & 0x40) or (n == -1 and b & 0x40):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


class Body:
    def __init__(self, rnd, ftype, nfuncs_known, locals_, safe=False):
        self.r = rnd
        self.safe = safe
        self.b = bytearray()
        self.locals = TYPES[ftype][0] + locals_
        self.nknown = nfuncs_known
        self.labels = []  # label types, innermost last

    def op(self, *bs):
        self.b.extend(bs)

    def memarg(self, align):
        self.b.append(self.r.randint(0, align))
        self.b.extend(uleb(self.r.choice([0, 4, 100, 70000])))

    def const(self, t):
        r = self.r
        if t == I32:
            self.op(0x41)
            self.b.extend(sleb(r.choice([0, 1, -1, 63, 64, 1000, -70000, 2**31 - 1])))
        elif t == I64:
            self.op(0x42)
            self.b.extend(sleb(r.choice([0, 7, -8, 300, 2**40, -(2**63)])))
        elif t == F32:
            self.op(0x43)
            self.b.extend(struct.pack('<f', r.random()))
        else:
            self.op(0x44)
            self.b.extend(struct.pack('<d', r.random()))

    def local_of(self, t):
        idx = [i for i, lt in enumerate(self.locals) if lt == t]
        return self.r.choice(idx)

    def call_returning(self, t, depth):
        cands = [f for f in range(self.nknown) if TYPES[f % len(TYPES)][1] == [t]]
        f = self.r.choice(cands)
        for p in TYPES[f % len(TYPES)][0]:
            self.expr(p, depth + 1)
        if self.r.random() < 0.5:
            self.op(0x10)
            self.b.extend(uleb(f + NIMPORTS))
        else:
            self.const(I32)
            self.op(0x11)
            self.b.extend(uleb(f % len(TYPES)))
            self.op(0x00)

    def expr(self, t, depth=0):
        r = self.r
        if depth > 5:
            k = r.randint(0, 2)
        else:
            k = r.randint(0, 13)
            while self.safe and k in (9, 11):  # loads, calls
                k = r.randint(0, 13)
        if k == 0:
            self.const(t)
        elif k in (1, 2):
            self.op(0x20)
            self.b.extend(uleb(self.local_of(t)))
        elif k in (3, 4, 5):
            self.expr(t, depth + 1)
            self.expr(t, depth + 1)
            self.op(r.choice((SAFE_BINOPS if self.safe else BINOPS)[t]))
        elif k == 6:
            op = r.choice(UNOPS[t])
            self.expr(t, depth + 1)
            self.op(op)
        elif k == 7:
            if t == I32:
                s = r.choice(NUM)
                self.expr(s, depth + 1)
                self.expr(s, depth + 1)
                self.op(r.choice(CMPOPS[s]))
            else:
                self.op(0x23)
                self.b.extend(uleb(GLOBALS.index(t)))
        elif k == 8:
            op, s = r.choice((SAFE_CONVS if self.safe else CONVS)[t])
            self.expr(s, depth + 1)
            self.op(op)
        elif k == 9:
            op, align = r.choice(LOADS[t])
            self.expr(I32, depth + 1)
            self.op(op)
            self.memarg(align)
        elif k == 10:
            self.expr(t, depth + 1)
            self.expr(t, depth + 1)
            self.expr(I32, depth + 1)
            if r.random() < 0.5:
                self.op(0x1B)
            else:
                self.op(0x1C, 1, t)
        elif k == 11:
            self.call_returning(t, depth)
        elif k == 12:
            # block with a result, maybe left early by br_if
            self.op(0x02, t)
            self.labels.append([t])
            self.stmts(depth + 1, r.randint(0, 2))
            if r.random() < 0.5:
                self.expr(t, depth + 1)
                self.expr(I32, depth + 1)
                self.op(0x0D, 0)
                self.op(0x1A)
            self.expr(t, depth + 1)
            self.labels.pop()
            self.op(0x0B)
        else:
            if t in SATS and r.random() < 0.5:
                sub, s = r.choice(SATS[t])
                self.expr(s, depth + 1)
                self.op(0xFC, sub)
            else:
                self.expr(I32, depth + 1)
                self.op(0x04, t)
                self.labels.append([t])
                self.expr(t, depth + 1)
                self.op(0x05)
                self.expr(t, depth + 1)
                self.labels.pop()
                self.op(0x0B)

    def empty_labels(self):
        return [i for i, lt in enumerate(reversed(self.labels)) if not lt]

    def stmt(self, depth):
        r = self.r
        k = r.randint(0, 12 if depth < 4 else 6)
        while self.safe and k in (2, 5, 12):  # stores, calls, memory.grow
            k = r.randint(0, 12 if depth < 4 else 6)
        if k in (0, 1):
            t = r.choice(NUM)
            self.expr(t, depth)
            self.op(r.choice([0x21, 0x22]))
            last = len(self.b)
            self.b.extend(uleb(self.local_of(t)))
            if self.b[last - 1] == 0x22:
                self.op(0x1A)
        elif k == 2:
            t = r.choice(NUM)
            op, align = r.choice(STORES[t])
            self.expr(I32, depth)
            self.expr(t, depth)
            self.op(op)
            self.memarg(align)
        elif k == 3:
            t = r.choice(NUM)
            self.expr(t, depth)
            self.op(0x24)
            self.b.extend(uleb(GLOBALS.index(t)))
        elif k == 4:
            self.expr(r.choice(NUM), depth)
            self.op(0x1A)
        elif k == 5:
            f = r.randrange(self.nknown)
            ft = TYPES[f % len(TYPES)]
            for p in ft[0]:
                self.expr(p, depth + 1)
            self.op(0x10)
            self.b.extend(uleb(f + NIMPORTS))
            for _ in ft[1]:
                self.op(0x1A)
        elif k == 6:
            el = self.empty_labels()
            if el:
                self.expr(I32, depth)
                self.op(0x0D)
                self.b.extend(uleb(r.choice(el)))
            else:
                self.op(0x01)
        elif k in (7, 8):
            op = 0x02 if self.safe else r.choice([0x02, 0x03])
            self.op(op, 0x40)
            self.labels.append([])
            self.stmts(depth + 1, r.randint(1, 5))
            if r.random() < 0.3:
                self.op(0x0C)
                self.b.extend(uleb(r.choice(self.empty_labels())))
                # unreachable code: the operand stack is polymorphic here
                self.op(0x6A, 0x1A, 0x7C)
                self.op(0x1A)
            self.labels.pop()
            self.op(0x0B)
        elif k == 9:
            self.expr(I32, depth)
            self.op(0x04, 0x40)
            self.labels.append([])
            self.stmts(depth + 1, r.randint(1, 4))
            if r.random() < 0.5:
                self.op(0x05)
                self.stmts(depth + 1, r.randint(1, 4))
            self.labels.pop()
            self.op(0x0B)
        elif k == 10:
            # block { block { br_table } } with empty labels
            self.op(0x02, 0x40)
            self.labels.append([])
            self.op(0x02, 0x40)
            self.labels.append([])
            self.stmts(depth + 1, r.randint(0, 2))
            self.expr(I32, depth)
            el = self.empty_labels()
            n = r.randint(1, 8)
            self.op(0x0E)
            self.b.extend(uleb(n))
            for _ in range(n + 1):
                self.b.extend(uleb(r.choice(el)))
            self.labels.pop()
            self.op(0x0B)
            self.stmts(depth + 1, r.randint(0, 2))
            self.labels.pop()
            self.op(0x0B)
        elif k == 11:
            # a multi-value block typed by a function type index
            self.expr(I32, depth)
            self.expr(I32, depth)
            self.op(0x02, 5)
            self.labels.append([I32, I64])
            self.op(0x6A)
            self.expr(I64, depth + 1)
            self.labels.pop()
            self.op(0x0B, 0x1A, 0x1A)
        else:
            self.expr(I32, depth)
            self.op(0x40, 0x00, 0x1A)
            self.op(0x3F, 0x00, 0x1A)

    def stmts(self, depth, n):
        for _ in range(n):
            self.stmt(depth)


def section(sid, payload):
    return bytes([sid]) + uleb(len(payload)) + payload


def vec(items):
    return uleb(len(items)) + b''.join(items)


def template(rnd, ft, ncallees, safe):
    """One function body of type ft, with its size in front (a code entry)."""
    nl = [rnd.randint(1, 4) for _ in NUM]
    locals_ = [t for t, n in zip(NUM, nl) for _ in range(n)]
    body = Body(rnd, ft, ncallees, locals_, safe)
    body.labels.append(TYPES[ft][1])
    body.stmts(0, rnd.randint(5, 40))
    for t in TYPES[ft][1]:
        body.expr(t, 0)
    body.op(0x0B)
    decl = vec([uleb(n) + bytes([t]) for t, n in zip(NUM, nl)])
    code = decl + bytes(body.b)
    return uleb(len(code)) + code


# _start's data: the iovec for fd_write at 0, the count written at 8, the
# line at LINE_AT with its checksum's 16 hex digits at hex_at.
LINE_AT = 16


def start_body(rnd, safe_funcs, hex_at):
    """_start: calls each safe function with constant arguments, folds the
    results into an FNV-1a-like 64-bit checksum, writes it in hex into the
    line and the line to fd 1. Locals: 0 i (i32), 1 acc (i64), 2 nib (i32)."""
    b = Body(rnd, 1, 0, [])
    b.op(0x42)
    b.b.extend(sleb(0xCBF29CE484222325 - 2**64))
    b.op(0x21, 1)
    for f, ft in safe_funcs:
        for p in TYPES[ft][0]:
            b.const(p)
        b.op(0x10)
        b.b.extend(uleb(f))
        res = TYPES[ft][1][0]
        # to i64 without showing a NaN's bits: saturating truncation
        b.op(*{I32: [0xAD], I64: [], F32: [0xFC, 4], F64: [0xFC, 6]}[res])
        b.op(0x20, 1, 0x85)  # acc ^ v
        b.op(0x42)
        b.b.extend(sleb(0x100000001B3))
        b.op(0x7E, 0x21, 1)  # * prime -> acc
    # for i in 0..15: line[hex_at + i] = hex digit of (acc >> (60 - 4 i)) & 15
    b.op(0x41, 0, 0x21, 0)
    b.op(0x03, 0x40)
    b.op(0x20, 0)  # store address
    b.op(0x20, 1, 0x42, 60, 0x20, 0, 0x41, 2, 0x74, 0xAD, 0x7D, 0x88)  # acc >> (60 - 4 i)
    b.op(0xA7, 0x41, 15, 0x71, 0x22, 2)  # nib
    b.op(0x41, 48, 0x6A, 0x41, 39, 0x41, 0, 0x20, 2, 0x41, 9, 0x4B, 0x1B, 0x6A)
    b.op(0x3A, 0)
    b.b.extend(uleb(hex_at))
    b.op(0x20, 0, 0x41, 1, 0x6A, 0x22, 0, 0x41, 16, 0x49, 0x0D, 0)
    b.op(0x0B)
    # fd_write(1, iovs=0, 1, nwritten=8)
    b.op(0x41, 1, 0x41, 0, 0x41, 1, 0x41, 8, 0x10, 0, 0x1A)
    b.op(0x0B)
    code = vec([b'\x01\x7F', b'\x01\x7E', b'\x01\x7F']) + bytes(b.b)
    return uleb(len(code)) + code


def main():
    out = sys.argv[1]
    mbytes = float(sys.argv[2]) if len(sys.argv) > 2 else 20.0
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    rnd = random.Random(seed)
    ntemplates = 300
    bodies = [template(rnd, f % len(TYPES), ntemplates, False) for f in range(ntemplates)]
    target = int(mbytes * 1024 * 1024)
    chosen, size = [], 0
    while size < target or len(chosen) < ntemplates:  # every callee exists
        b = bodies[len(chosen) % ntemplates]
        chosen.append(b)
        size += len(b)
    nfuncs = len(chosen)
    # the safe functions and _start, after the generated ones
    srnd = random.Random(seed * 7919 + 1)
    safe_types = [ft for ft in range(len(TYPES)) if len(TYPES[ft][1]) == 1] * 2
    safe_funcs = [(NIMPORTS + nfuncs + i, ft) for i, ft in enumerate(safe_types)]
    safe_bodies = [template(srnd, ft, 0, True) for ft in safe_types]
    start_index = NIMPORTS + nfuncs + len(safe_types)
    total = nfuncs + len(safe_types) + 1
    line = f'big.wasm: {total} functions, checksum '.encode()
    hex_at = LINE_AT + len(line)
    line += b'0' * 16 + b'\n'
    start = start_body(srnd, safe_funcs, hex_at)
    types = vec([b'\x60' + vec([bytes([p]) for p in ps]) + vec([bytes([q]) for q in rs])
                 for ps, rs in TYPES + [([I32] * 4, [I32])]])
    fd_write_type = len(TYPES)
    imports = vec([vec([b'wasi_snapshot_preview1'[i:i + 1] for i in range(22)]) +
                   vec([c.encode() for c in 'fd_write']) + b'\x00' + uleb(fd_write_type)])
    funcs = vec([uleb(i % ntemplates % len(TYPES)) for i in range(nfuncs)] +
                [uleb(ft) for ft in safe_types] + [uleb(1)])
    table = vec([b'\x70\x00' + uleb(ntemplates)])
    memory = vec([b'\x00\x01'])
    zero = {I32: b'\x41\x00', I64: b'\x42\x00', F32: b'\x43' + bytes(4), F64: b'\x44' + bytes(8)}
    globals_ = vec([bytes([t, 1]) + zero[t] + b'\x0b' for t in GLOBALS])
    exports = vec([vec([c.encode() for c in '_start']) + b'\x00' + uleb(start_index),
                   vec([c.encode() for c in 'memory']) + b'\x02\x00'])
    code = uleb(total) + b''.join(chosen) + b''.join(safe_bodies) + start
    iov = struct.pack('<II', LINE_AT, len(line))
    data = vec([b'\x00\x41\x00\x0b' + vec([iov[i:i + 1] for i in range(8)]),
                b'\x00\x41' + sleb(LINE_AT) + b'\x0b' + vec([line[i:i + 1] for i in range(len(line))])])
    mod = (b'\x00asm\x01\x00\x00\x00' + section(1, types) + section(2, imports) +
           section(3, funcs) + section(4, table) + section(5, memory) + section(6, globals_) +
           section(7, exports) + section(10, code) + section(11, data))
    with open(out, 'wb') as f:
        f.write(mod)
    print(f'{out}: {len(mod)} bytes, {total} functions, code section {len(code)} bytes')


if __name__ == '__main__':
    main()
