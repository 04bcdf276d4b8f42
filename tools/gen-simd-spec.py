#!/usr/bin/env python3
"""Extracts the spec testsuite's assertions on single SIMD instructions.

    tools/gen-simd-spec.py OUT.h SIMD_OPS_H TESTSUITE_DIR TESTSUITE_3_DIR

(SIMD_OPS_H: lib/wasm/interp/simd_ops.h, read through clang -E.)

The 2.0 suite's simd_*.wast files and the 3.0 suite's relaxed SIMD files
hold thousands of `(assert_return (invoke F args) result)` where F's body is
`local.get 0 [local.get 1 [local.get 2]] OP [immediates]`. Each one whose OP
has a function simd_OP in simd_ops.h becomes one row

    SIMD_SPEC(op, a0lo, a0hi, a1lo, a1hi, a2lo, a2hi, imm_lo, imm_hi,
              want_lo, want_hi, lane_bytes, nan, nalt, "file:line")

Arguments and result are 16-byte values as two little-endian 64-bit halves
(a scalar sits in the low half); imm holds a lane index or the 16 shuffle
lanes. nan has 2 bits per float lane of the result (1: any canonical NaN,
2: any arithmetic NaN, 0: exact bits). An `either` assertion gives nalt > 1
on its first row, followed by its other alternatives (nalt 0). The rows are
the spec's expected results, independent of our code; tests/host/
wasm_simd_ops_test.c runs them. It also lists SIMD_SPEC_OP(op, sig) for
every op of the rows (sig: how to call it). Without the testsuites or wabt
the header defines SIMD_SPEC_MISSING and the test fails saying so.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

WABT = ["--enable-relaxed-simd"]
RELAXED = ["i16x8_relaxed_q15mulr_s", "i32x4_relaxed_trunc", "i8x16_relaxed_swizzle",
           "relaxed_dot_product", "relaxed_laneselect", "relaxed_madd_nmadd",
           "relaxed_min_max"]
# wabt 1.0.32 knows the relaxed dot products by their proposal-era names:
# {name in the suite: name for wabt}.
WABT_NAMES = {"i16x8.relaxed_dot_i8x16_i7x16_s": "i16x8.dot_i8x16_i7x16_s",
              "i32x4.relaxed_dot_i8x16_i7x16_add_s": "i32x4.dot_i8x16_i7x16_add_s"}
WABT_BACK = {old: new for new, old in WABT_NAMES.items()}
LANE_BYTES = {"i8": 1, "i16": 2, "i32": 4, "i64": 8, "f32": 4, "f64": 8}


def header_ops(path):
    """The instruction functions simd_ops.h defines, from the preprocessor's
    output (most come out of generator macros); helpers end in '_'."""
    inc = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(path))))
    text = subprocess.run(["clang", "-std=c11", "-E", "-P", "-I", inc, path], check=True,
                          capture_output=True, text=True).stdout
    return set(re.findall(r"static inline \w+ simd_(\w*[^_\W])\(", text))


def sig_of(op, nargs):
    if op.endswith("_splat"):
        return "SPLAT64" if op[:5] in ("i64x2", "f64x2") else "SPLAT32"
    if "extract_lane" in op:
        return "EXTRACT"
    if "replace_lane" in op:
        return "REPLACE64" if op[:5] in ("i64x2", "f64x2") else "REPLACE32"
    if op == "i8x16_shuffle":
        return "SHUFFLE"
    if op.endswith(("any_true", "all_true", "bitmask")):
        return "REDUCE"
    if op.endswith(("_shl", "_shr_s", "_shr_u")):
        return "SHIFT"
    return ["", "UN", "BIN", "TERN"][nargs]


def single_op_exports(wasm, known):
    """{export name: (op, [immediates], nargs)} for single-instruction bodies."""
    wat = subprocess.run(["wasm2wat"] + WABT + [wasm], check=True, capture_output=True,
                         text=True).stdout
    funcs, body = [], None
    for line in wat.splitlines():
        if line.startswith("  (func "):
            body = []
            funcs.append(body)
        elif line.startswith("    ") and body is not None:
            body.append(line.strip().rstrip(")"))
        else:
            body = None
    ops = {}
    for i, b in enumerate(funcs):
        if not b:
            continue
        words = b[-1].split()
        op = WABT_BACK.get(words[0], words[0]).replace(".", "_")
        gets = ["local.get %d" % k for k in range(len(b) - 1)]
        if b[:-1] == gets and op in known and 1 <= len(gets) <= 3:
            ops[i] = (op, [int(w, 0) for w in words[1:]], len(gets))
    exports = {}
    for m in re.finditer(r'\(export "([^"]*)" \(func (\d+)\)\)', wat):
        if int(m.group(2)) in ops:
            exports[m.group(1)] = ops[int(m.group(2))]
    return exports


def value_bytes(v):
    """(16 little-endian bytes, lane bytes, nan bits) of a JSON value."""
    if v["type"] != "v128":
        width = 4 if v["type"] in ("i32", "f32") else 8
        lanes, lane = [v["value"]], width
    else:
        lanes, lane = v["value"], LANE_BYTES[v["lane_type"]]
    out, nan = bytearray(16), 0
    for i, x in enumerate(lanes):
        if x.startswith("nan:"):
            nan |= (1 if x == "nan:canonical" else 2) << (2 * i)
            continue
        out[i * lane:(i + 1) * lane] = (int(x) & ((1 << (8 * lane)) - 1)).to_bytes(lane, "little")
    return out, lane, nan


def halves(b):
    return ["0x%xull" % int.from_bytes(b[k:k + 8], "little") for k in (0, 8)]


def rows_of(path, tmp, known, used):
    name = os.path.basename(path)[:-len(".wast")]
    out = os.path.join(tmp, name + ".json")
    src = open(path).read()
    for new, old in WABT_NAMES.items():
        src = src.replace(new, old)
    with open(os.path.join(tmp, name + ".wast"), "w") as f:
        f.write(src)
    subprocess.run(["wast2json"] + WABT + [os.path.join(tmp, name + ".wast"), "-o", out],
                   check=True, capture_output=True)
    with open(out) as f:
        commands = json.load(f)["commands"]
    rows, exports = [], {}
    for c in commands:
        if c["type"] == "module":
            exports = single_op_exports(os.path.join(tmp, c["filename"]), known)
            continue
        if c["type"] != "assert_return":
            continue
        act = c["action"]
        if act["type"] != "invoke" or "module" in act or act["field"] not in exports:
            continue
        op, imm, nargs = exports[act["field"]]
        used[op] = sig_of(op, nargs)
        args = []
        for a in act["args"][:3]:
            args += halves(value_bytes(a)[0])
        args += ["0"] * (6 - len(args))
        immb = bytearray(16)
        for i, x in enumerate(imm[:16]):
            immb[i] = x & 0xff
        wants = c["either"] if "either" in c else c["expected"]
        where = '"%s:%d"' % (name, c["line"])
        for k, w in enumerate(wants if "either" in c else wants[:1]):
            wb, lane, nan = value_bytes(w)
            nalt = len(wants) if "either" in c and k == 0 else (0 if "either" in c else 1)
            rows.append([op] + args + halves(immb) + halves(wb) +
                        [str(lane), str(nan), str(nalt), where])
    return rows


def main():
    out, ops_h, suite, suite3 = sys.argv[1:5]
    lines = ["/* Generated by tools/gen-simd-spec.py from %s and %s: do not edit. */"
             % (suite, suite3)]
    paths = sorted(glob.glob(os.path.join(suite, "simd_*.wast")))
    paths += [os.path.join(suite3, f + ".wast") for f in RELAXED]
    missing = [p for p in paths if not os.path.exists(p)]
    if not glob.glob(os.path.join(suite, "simd_*.wast")):
        missing.append(os.path.join(suite, "simd_*.wast"))
    missing += [t + " (wabt)" for t in ("wast2json", "wasm2wat") if not shutil.which(t)]
    if missing:
        lines.append('#define SIMD_SPEC_MISSING "%s"' % missing[0])
    else:
        known, used = header_ops(ops_h), {}
        with tempfile.TemporaryDirectory() as tmp:
            rows = []
            for p in paths:
                rows += rows_of(p, tmp, known, used)
        lines.append("#ifdef SIMD_SPEC_OP")
        for op in sorted(used):
            lines.append("SIMD_SPEC_OP(%s, %s)" % (op, used[op]))
        lines.append("#endif")
        lines.append("#ifdef SIMD_SPEC")
        for r in rows:
            lines.append("SIMD_SPEC(%s)" % ", ".join(r))
        lines.append("#endif")
    with open(out + ".tmp", "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()
