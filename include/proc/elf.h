/* ELF64 executables: a pure validator over (bytes, length) and the loader
 * that maps the PT_LOAD segments of a validated file into a fresh space. */
#ifndef ISOLA_PROC_ELF_H
#define ISOLA_PROC_ELF_H

#include <stdint.h>
#include <stdbool.h>

#define ELF_MAX_SEGMENTS 16
#define ELF_USER_LIMIT   0x0000700000000000ull   /* segments end below: room for mmap and stack */
#define ELF_MIN_VADDR    0x10000ull              /* nothing in the first 64 KiB */

#define ELF_PF_X 1u
#define ELF_PF_W 2u
#define ELF_PF_R 4u

struct elf_segment {
    uint64_t vaddr, memsz, offset, filesz;
    uint32_t flags;          /* ELF_PF_* */
};

struct elf_info {
    uint64_t entry;
    uint64_t phdr_va;        /* AT_PHDR: where the program headers are mapped (0 if not) */
    uint16_t phnum, phentsize;
    uint32_t nseg;
    struct elf_segment seg[ELF_MAX_SEGMENTS];
    uint64_t top;            /* end of the highest segment, page-aligned up */
};

enum elf_verdict {
    ELF_OK, ELF_TOO_SHORT, ELF_BAD_MAGIC, ELF_BAD_CLASS, ELF_BAD_TYPE, ELF_BAD_PHDRS,
    ELF_BAD_SEGMENT, ELF_OVERLAP, ELF_KERNEL_HALF, ELF_BAD_ENTRY, ELF_INTERP, ELF_NO_LOAD,
};

#include "../../spec/elf.acsl"

/* Checks the whole file image (len bytes at buf) without trusting any field:
 * a little-endian x86_64 ET_EXEC, program headers inside the file, every
 * PT_LOAD with filesz <= memsz, file bytes inside the file, no size or
 * address overflow, pages in [ELF_MIN_VADDR, ELF_USER_LIMIT), no two
 * segments sharing a page, no PT_INTERP, the entry inside an executable
 * segment's file bytes. *out is meaningful only on ELF_OK. Reads only
 * buf[0 .. len-1], for any byte content (proven free of runtime errors in
 * kernel/proc/elf_check.c). */
/*@ // buf_valid: the file image is len readable bytes at buf.
    requires buf_valid: \valid_read(buf + (0 .. len - 1));
    // out_valid: out points to writable storage for the result.
    requires out_valid: \valid(out);
    assigns *out;
    // elf_verdict: one of the verdicts.
    ensures elf_verdict: ELF_OK <= \result <= ELF_NO_LOAD;
    // elf_segments: an accepted file has 1 .. ELF_MAX_SEGMENTS segments.
    ensures elf_segments: \result == ELF_OK ==> 1 <= out->nseg <= ELF_MAX_SEGMENTS;
    // elf_segment_ok: each lies in [ELF_MIN_VADDR, ELF_USER_LIMIT) without
    // wrapping, is not empty, has filesz <= memsz and its file bytes inside the file.
    ensures elf_segment_ok: \result == ELF_OK ==>
      \forall integer i; 0 <= i < out->nseg ==> ElfSegOk(out->seg[i], len);
    // elf_no_overlap: no two segments share a page.
    ensures elf_no_overlap: \result == ELF_OK ==>
      \forall integer i, j; 0 <= i < j < out->nseg ==> ElfDisjoint(out->seg[i], out->seg[j]);
    // elf_entry_text: the entry lies in the file bytes of an executable segment.
    ensures elf_entry_text: \result == ELF_OK ==>
      \exists integer i; 0 <= i < out->nseg && ElfEntryIn(out->seg[i], out->entry);
*/
enum elf_verdict elf_validate(const uint8_t *buf, uint64_t len, struct elf_info *out);
/* Human-readable verdict, for the log. */
const char *elf_verdict_name(enum elf_verdict v);

/* Maps every segment of info into space root (text read-only and
 * executable, data writable and no-execute, per the flags), copies the file
 * bytes and leaves the rest zero (.bss). False on running out of frames
 * (the caller destroys the space). */
bool elf_load(uint32_t root, const uint8_t *buf, const struct elf_info *info);

#endif
