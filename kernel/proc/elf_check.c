/* ELF64 validation (include/proc/elf.h): a function of (bytes, length) that
 * reads only inside the file for any content. Proven with WP: no runtime
 * error, and what it accepts obeys spec/elf.acsl. The loader is in elf.c. */
#include "proc/elf.h"

#define EHDR_SIZE   64u
#define PHDR_SIZE   56u
#define PHDR_MAX    64u
#define PT_LOAD     1u
#define PT_INTERP   3u
#define ET_EXEC     2u
#define EM_X86_64   62u
#define ELF_PAGE    4096ull

_Static_assert(ELF_PF_X == 1u, "ELF_PF_X is bit 0 (tested with % 2)");

/* Little-endian fields, by + and * (no shifts). */
/*@ requires \valid_read(p + (0 .. 1)); assigns \nothing; */
static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] + p[1] * 256u);
}

/*@ requires \valid_read(p + (0 .. 3)); assigns \nothing; */
static uint32_t rd32(const uint8_t *p)
{
    return rd16(p) + rd16(p + 2) * 65536u;
}

/*@ requires \valid_read(p + (0 .. 7)); assigns \nothing; */
static uint64_t rd64(const uint8_t *p)
{
    return rd32(p) + rd32(p + 4) * 4294967296ull;
}

/* The page holding v. */
/*@ assigns \nothing; ensures \result == v - v % 4096; */
static uint64_t elf_page_down(uint64_t v)
{
    return v - v % ELF_PAGE;
}

/* Identification and header fields of the 64-byte header at buf. */
/*@ requires \valid_read(buf + (0 .. EHDR_SIZE - 1));
    assigns \nothing;
    ensures ELF_OK <= \result <= ELF_NO_LOAD;
*/
static enum elf_verdict elf_check_ident(const uint8_t *buf)
{
    if (buf[0] != 0x7f || buf[1] != 'E' || buf[2] != 'L' || buf[3] != 'F')
        return ELF_BAD_MAGIC;
    if (buf[4] != 2 || buf[5] != 1 || buf[6] != 1)      /* 64-bit, LE, version 1 */
        return ELF_BAD_CLASS;
    if (rd16(buf + 16) != ET_EXEC || rd16(buf + 18) != EM_X86_64 || rd32(buf + 20) != 1)
        return ELF_BAD_TYPE;
    return ELF_OK;
}

/* The program header table (phnum entries of phentsize bytes at phoff)
 * is well formed and lies inside the len bytes of the file. */
/*@ assigns \nothing;
    ensures \result == true <==> phentsize == PHDR_SIZE && 1 <= phnum <= PHDR_MAX &&
                                 phoff + phnum * PHDR_SIZE <= len;
*/
static bool elf_phdrs_fit(uint64_t phoff, uint16_t phentsize, uint16_t phnum, uint64_t len)
{
    return phentsize == PHDR_SIZE && phnum != 0 && phnum <= PHDR_MAX && phoff <= len &&
           (uint64_t)phnum * PHDR_SIZE <= len - phoff;
}

/* The PT_LOAD fields of the program header at p. */
/*@ requires \valid_read(p + (0 .. PHDR_SIZE - 1));
    assigns \nothing;
*/
static struct elf_segment elf_read_segment(const uint8_t *p)
{
    struct elf_segment s;
    s.flags = rd32(p + 4);
    s.offset = rd64(p + 8);
    s.vaddr = rd64(p + 16);
    s.filesz = rd64(p + 32);
    s.memsz = rd64(p + 40);
    return s;
}

/* One PT_LOAD: sizes sane, file bytes inside the file, pages in the
 * user area, nothing wrapping. */
/*@ assigns \nothing;
    ensures seg_verdict: \result == ELF_OK || \result == ELF_BAD_SEGMENT || \result == ELF_KERNEL_HALF;
    ensures seg_ok: \result == ELF_OK <==> ElfSegOk(s, len);
*/
static enum elf_verdict elf_check_segment(struct elf_segment s, uint64_t len)
{
    if (s.filesz > s.memsz || s.memsz == 0 || s.offset > len || s.filesz > len - s.offset)
        return ELF_BAD_SEGMENT;
    if (s.vaddr < ELF_MIN_VADDR || s.vaddr >= ELF_USER_LIMIT || s.memsz > ELF_USER_LIMIT - s.vaddr)
        return ELF_KERNEL_HALF;
    return ELF_OK;
}

/* True iff a and b share a page. */
/*@ requires ElfSegPlaced(a) && ElfSegPlaced(b);
    assigns \nothing;
    ensures overlap: \result == true <==> !ElfDisjoint(a, b);
*/
static bool elf_pages_overlap(struct elf_segment a, struct elf_segment b)
{
    uint64_t a_lo = elf_page_down(a.vaddr), a_hi = elf_page_down(a.vaddr + a.memsz - 1);
    uint64_t b_lo = elf_page_down(b.vaddr), b_hi = elf_page_down(b.vaddr + b.memsz - 1);
    return a_lo <= b_hi && b_lo <= a_hi;
}

/* True iff s shares a page with one of the n segments of seg. */
/*@ requires n <= ELF_MAX_SEGMENTS && \valid_read(seg + (0 .. n - 1)) && ElfSegPlaced(s);
    requires \forall integer k; 0 <= k < n ==> ElfSegPlaced(seg[k]);
    assigns \nothing;
    ensures overlap_none: \result == false ==> \forall integer k; 0 <= k < n ==> ElfDisjoint(seg[k], s);
*/
static bool elf_overlaps_any(const struct elf_segment *seg, uint32_t n, struct elf_segment s)
{
    /*@ loop invariant 0 <= j <= n;
        loop invariant \forall integer k; 0 <= k < j ==> ElfDisjoint(seg[k], s);
        loop assigns j;
        loop variant n - j;
    */
    for (uint32_t j = 0; j < n; j++)
        if (elf_pages_overlap(seg[j], s))
            return true;
    return false;
}

/* The index of an executable segment whose file bytes hold entry, or n. */
/*@ requires n <= ELF_MAX_SEGMENTS && \valid_read(seg + (0 .. n - 1));
    assigns \nothing;
    ensures entry_at: \result <= n && (\result < n ==> ElfEntryIn(seg[\result], entry));
*/
static uint32_t elf_entry_segment(const struct elf_segment *seg, uint32_t n, uint64_t entry)
{
    /*@ loop invariant 0 <= i <= n;
        loop assigns i;
        loop variant n - i;
    */
    for (uint32_t i = 0; i < n; i++)
        if (seg[i].flags % 2 == 1 && entry >= seg[i].vaddr && entry - seg[i].vaddr < seg[i].filesz)
            return i;
    return n;
}

/* AT_PHDR: the address of the program headers if a segment maps them, else 0. */
/*@ requires n <= ELF_MAX_SEGMENTS && \valid_read(seg + (0 .. n - 1));
    assigns \nothing;
*/
static uint64_t elf_phdr_va(const struct elf_segment *seg, uint32_t n, uint64_t phoff, uint16_t phnum)
{
    uint64_t size = (uint64_t)phnum * PHDR_SIZE;
    /*@ loop invariant 0 <= i <= n;
        loop assigns i;
        loop variant n - i;
    */
    for (uint32_t i = 0; i < n; i++) {
        if (phoff >= seg[i].offset && phoff - seg[i].offset <= seg[i].filesz &&
            size <= seg[i].filesz - (phoff - seg[i].offset))
            return seg[i].vaddr + (phoff - seg[i].offset);
    }
    return 0;
}

/* Appends s to out's segments; the segments before it stay as they were. */
/*@ requires \valid(out) && out->nseg < ELF_MAX_SEGMENTS;
    assigns out->seg[out->nseg], out->nseg;
    ensures push_count: out->nseg == \old(out->nseg) + 1;
    ensures push_new: out->seg[\old(out->nseg)] == s;
    ensures push_kept: \forall integer k; 0 <= k < \old(out->nseg) ==> out->seg[k] == \old(out->seg[k]);
*/
static void elf_push_segment(struct elf_info *out, struct elf_segment s)
{
    out->seg[out->nseg] = s;
    out->nseg++;
}

/* Reads the program headers into out's segments (PT_LOAD only), checking
 * each; ELF_OK when all are fine. */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid(out);
    requires 1 <= phnum <= PHDR_MAX && phoff + phnum * PHDR_SIZE <= len;
    assigns out->nseg, out->seg[0 .. ELF_MAX_SEGMENTS - 1], out->top;
    ensures segs_verdict: ELF_OK <= \result <= ELF_NO_LOAD;
    ensures segs_count: \result == ELF_OK ==> 1 <= out->nseg <= ELF_MAX_SEGMENTS;
    ensures segs_ok: \result == ELF_OK ==> \forall integer i; 0 <= i < out->nseg ==> ElfSegOk(out->seg[i], len);
    ensures segs_disjoint: \result == ELF_OK ==>
      \forall integer i, j; 0 <= i < j < out->nseg ==> ElfDisjoint(out->seg[i], out->seg[j]);
*/
static enum elf_verdict elf_read_segments(const uint8_t *buf, uint64_t len, uint64_t phoff, uint16_t phnum,
                                          struct elf_info *out)
{
    uint64_t top = 0;
    out->nseg = 0;
    /*@ loop invariant 0 <= i <= phnum;
        loop invariant 0 <= out->nseg <= ELF_MAX_SEGMENTS;
        loop invariant \forall integer k; 0 <= k < out->nseg ==> ElfSegOk(out->seg[k], len);
        loop invariant \forall integer k, m; 0 <= k < m < out->nseg ==> ElfDisjoint(out->seg[k], out->seg[m]);
        loop assigns i, top, out->nseg, out->seg[0 .. ELF_MAX_SEGMENTS - 1];
        loop variant phnum - i;
    */
    for (uint32_t i = 0; i < phnum; i++) {
        const uint8_t *p = buf + phoff + (uint64_t)i * PHDR_SIZE;
        uint32_t type = rd32(p);
        if (type == PT_INTERP)
            return ELF_INTERP;
        if (type != PT_LOAD)
            continue;
        if (out->nseg == ELF_MAX_SEGMENTS)
            return ELF_BAD_PHDRS;
        struct elf_segment s = elf_read_segment(p);
        enum elf_verdict v = elf_check_segment(s, len);
        if (v != ELF_OK)
            return v;
        if (elf_overlaps_any(out->seg, out->nseg, s))
            return ELF_OVERLAP;
        elf_push_segment(out, s);
        /* The new pairs and the old ones, stated apart: the fourth loop
         * invariant then proves in under a second, not 10 s of cvc5. */
        /*@ assert pairs_new: \forall integer k; 0 <= k < out->nseg - 1 ==>
              ElfDisjoint(out->seg[k], out->seg[out->nseg - 1]);
        */
        /*@ assert pairs_old: \forall integer k, m; 0 <= k < m < out->nseg - 1 ==>
              ElfDisjoint(out->seg[k], out->seg[m]);
        */
        uint64_t end = elf_page_down(s.vaddr + s.memsz - 1) + ELF_PAGE;
        if (end > top)
            top = end;
    }
    out->top = top;
    if (out->nseg == 0)
        return ELF_NO_LOAD;
    return ELF_OK;
}

/* Sets out->phdr_va from the segments; nothing else of *out changes. */
/*@ requires \valid(out) && out->nseg <= ELF_MAX_SEGMENTS;
    assigns out->phdr_va;
    ensures phdr_kept: out->nseg == \old(out->nseg) && out->entry == \old(out->entry) &&
      \forall integer k; 0 <= k < ELF_MAX_SEGMENTS ==> out->seg[k] == \old(out->seg[k]);
*/
static void elf_set_phdr_va(struct elf_info *out, uint64_t phoff, uint16_t phnum)
{
    out->phdr_va = elf_phdr_va(out->seg, out->nseg, phoff, phnum);
}

enum elf_verdict elf_validate(const uint8_t *buf, uint64_t len, struct elf_info *out)
{
    if (len < EHDR_SIZE)
        return ELF_TOO_SHORT;
    enum elf_verdict v = elf_check_ident(buf);
    if (v != ELF_OK)
        return v;
    uint64_t phoff = rd64(buf + 32);
    uint16_t phentsize = rd16(buf + 54), phnum = rd16(buf + 56);
    if (!elf_phdrs_fit(phoff, phentsize, phnum, len))
        return ELF_BAD_PHDRS;
    out->entry = rd64(buf + 24);
    out->phnum = phnum;
    out->phentsize = PHDR_SIZE;
    v = elf_read_segments(buf, len, phoff, phnum, out);
    if (v != ELF_OK)
        return v;
    uint32_t e = elf_entry_segment(out->seg, out->nseg, out->entry);
    if (e == out->nseg)
        return ELF_BAD_ENTRY;
    elf_set_phdr_va(out, phoff, phnum);
    //@ assert entry_witness: e < out->nseg && ElfEntryIn(out->seg[e], out->entry);
    return ELF_OK;
}
