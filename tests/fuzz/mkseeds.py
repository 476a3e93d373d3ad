#!/usr/bin/env python3
"""Writes the starting inputs of the host fuzzers and the invalid programs the
Isola fuzzer execs (all deterministic, written by this script, no binaries
committed).

usage: tests/fuzz/mkseeds.py OUTDIR [ELF...]
  OUTDIR/elf/*   small valid and almost-valid ELF images for fuzz_elf, plus a
                 copy of each ELF given (real musl programs)
  OUTDIR/isola/fuzz-garbage    "\\x7fELF" then 4 KiB of a counter pattern (bad class)
  OUTDIR/isola/fuzz-truncated  the first 200 bytes of the first ELF given
"""
import os
import struct
import sys


def ehdr(entry, phnum, phoff=64):
    ident = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
    return ident + struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, entry, phoff, 0, 0, 64, 56, phnum, 64, 0, 0)


def phdr(ptype, flags, off, va, filesz, memsz):
    return struct.pack("<IIQQQQQQ", ptype, flags, off, va, va, filesz, memsz, 0x1000)


def image(entry, segs, size):
    """A file of `size` bytes: header, program headers, segment bytes filled."""
    b = bytearray(size)
    head = ehdr(entry, len(segs)) + b"".join(phdr(*s) for s in segs)
    b[: len(head)] = head
    for i, (_t, _f, off, _va, filesz, _m) in enumerate(segs):
        if off >= len(head):
            b[off : off + filesz] = bytes([0x90 + i]) * filesz
    return bytes(b)


def seeds():
    r, rx, rw = 4, 5, 6
    yield "three-segments", image(0x401010, [(1, r, 0, 0x400000, 0x200, 0x200),
                                             (1, rx, 0x1000, 0x401000, 0x100, 0x100),
                                             (1, rw, 0x2000, 0x402000, 0x80, 0x3000)], 0x3000)
    yield "one-segment", image(0x400100, [(1, rx, 0, 0x400000, 0x400, 0x400)], 0x400)
    yield "phdr-and-note", image(0x401000, [(6, r, 64, 0x400040, 168, 168),
                                            (4, r, 0, 0, 0, 0),
                                            (1, rx, 0, 0x400000, 0x1100, 0x1100)], 0x1100)
    yield "interp", image(0x401000, [(3, r, 0, 0x400000, 8, 8), (1, rx, 0, 0x400000, 0x1100, 0x1100)], 0x1100)
    yield "overlap", image(0x401000, [(1, rx, 0, 0x400000, 0x1100, 0x1100),
                                      (1, rw, 0x1000, 0x400800, 0x100, 0x100)], 0x1100)


def main():
    out, elves = sys.argv[1], sys.argv[2:]
    os.makedirs(os.path.join(out, "elf"), exist_ok=True)
    os.makedirs(os.path.join(out, "isola"), exist_ok=True)
    for name, data in seeds():
        with open(os.path.join(out, "elf", name), "wb") as f:
            f.write(data)
    for path in elves:
        with open(path, "rb") as src, open(os.path.join(out, "elf", "prog-" + os.path.basename(path)), "wb") as f:
            f.write(src.read())
    with open(os.path.join(out, "isola", "fuzz-garbage"), "wb") as f:
        f.write(b"\x7fELF" + bytes(i % 251 for i in range(4096)))
    if elves:
        with open(elves[0], "rb") as src, open(os.path.join(out, "isola", "fuzz-truncated"), "wb") as f:
            f.write(src.read()[:200])


if __name__ == "__main__":
    main()
