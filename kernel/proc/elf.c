/* ELF64 validation (pure, bounds-checked) and loading through vm_map. */
#include "proc/elf.h"
#include "mm/paging.h"
#include "mm/uaccess.h"

#define EHDR_SIZE   64
#define PHDR_SIZE   56
#define PT_LOAD     1
#define PT_INTERP   3
#define PT_PHDR     6
#define ET_EXEC     2
#define EM_X86_64   62
#define PAGE        4096ull

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p) { return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16; }
static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

static uint64_t page_down(uint64_t v) { return v - v % PAGE; }

/* The identification and header fields that do not depend on other parts. */
static enum elf_verdict elf_check_header(const uint8_t *buf, uint64_t len)
{
    if (len < EHDR_SIZE)
        return ELF_TOO_SHORT;
    if (buf[0] != 0x7f || buf[1] != 'E' || buf[2] != 'L' || buf[3] != 'F')
        return ELF_BAD_MAGIC;
    if (buf[4] != 2 || buf[5] != 1 || buf[6] != 1)      /* 64-bit, LE, version 1 */
        return ELF_BAD_CLASS;
    if (rd16(buf + 16) != ET_EXEC || rd16(buf + 18) != EM_X86_64 || rd32(buf + 20) != 1)
        return ELF_BAD_TYPE;
    uint64_t phoff = rd64(buf + 32);
    uint16_t phentsize = rd16(buf + 54), phnum = rd16(buf + 56);
    if (phentsize != PHDR_SIZE || phnum == 0 || phnum > 64 || phoff > len ||
        (uint64_t)phnum * PHDR_SIZE > len - phoff)
        return ELF_BAD_PHDRS;
    return ELF_OK;
}

/* One PT_LOAD: sizes and addresses sane, file bytes inside the file. */
static enum elf_verdict elf_check_segment(const struct elf_segment *s, uint64_t len)
{
    if (s->filesz > s->memsz || s->memsz == 0 || s->offset > len || s->filesz > len - s->offset)
        return ELF_BAD_SEGMENT;
    if (s->vaddr < ELF_MIN_VADDR || s->vaddr >= ELF_USER_LIMIT || s->memsz > ELF_USER_LIMIT - s->vaddr)
        return ELF_KERNEL_HALF;
    return ELF_OK;
}

/* True iff the page ranges of a and b share a page. */
static bool elf_pages_overlap(const struct elf_segment *a, const struct elf_segment *b)
{
    uint64_t a_lo = page_down(a->vaddr), a_hi = page_down(a->vaddr + a->memsz - 1);
    uint64_t b_lo = page_down(b->vaddr), b_hi = page_down(b->vaddr + b->memsz - 1);
    return a_lo <= b_hi && b_lo <= a_hi;
}

/* Reads program header i into *s; returns its p_type. */
static uint32_t elf_read_phdr(const uint8_t *buf, uint64_t phoff, uint32_t i, struct elf_segment *s)
{
    const uint8_t *p = buf + phoff + (uint64_t)i * PHDR_SIZE;
    s->flags = rd32(p + 4);
    s->offset = rd64(p + 8);
    s->vaddr = rd64(p + 16);
    s->filesz = rd64(p + 32);
    s->memsz = rd64(p + 40);
    return rd32(p);
}

/* The entry lies in the file bytes of an executable segment. */
static bool elf_entry_ok(const struct elf_info *info)
{
    for (uint32_t i = 0; i < info->nseg; i++) {
        const struct elf_segment *s = &info->seg[i];
        if ((s->flags & ELF_PF_X) && info->entry >= s->vaddr && info->entry - s->vaddr < s->filesz)
            return true;
    }
    return false;
}

/* AT_PHDR: the address of the program headers if a segment maps them. */
static uint64_t elf_phdr_va(const struct elf_info *info, uint64_t phoff)
{
    uint64_t size = (uint64_t)info->phnum * PHDR_SIZE;
    for (uint32_t i = 0; i < info->nseg; i++) {
        const struct elf_segment *s = &info->seg[i];
        if (phoff >= s->offset && phoff - s->offset <= s->filesz &&
            size <= s->filesz - (phoff - s->offset))
            return s->vaddr + (phoff - s->offset);
    }
    return 0;
}

enum elf_verdict elf_validate(const uint8_t *buf, uint64_t len, struct elf_info *out)
{
    enum elf_verdict v = elf_check_header(buf, len);
    if (v != ELF_OK)
        return v;
    struct elf_info info = { 0 };
    uint64_t phoff = rd64(buf + 32);
    info.entry = rd64(buf + 24);
    info.phnum = rd16(buf + 56);
    info.phentsize = PHDR_SIZE;
    for (uint32_t i = 0; i < info.phnum; i++) {
        struct elf_segment s;
        uint32_t type = elf_read_phdr(buf, phoff, i, &s);
        if (type == PT_INTERP)
            return ELF_INTERP;
        if (type != PT_LOAD)
            continue;
        if (info.nseg == ELF_MAX_SEGMENTS)
            return ELF_BAD_PHDRS;
        if ((v = elf_check_segment(&s, len)) != ELF_OK)
            return v;
        for (uint32_t j = 0; j < info.nseg; j++)
            if (elf_pages_overlap(&s, &info.seg[j]))
                return ELF_OVERLAP;
        info.seg[info.nseg++] = s;
        uint64_t end = page_down(s.vaddr + s.memsz - 1) + PAGE;
        if (end > info.top)
            info.top = end;
    }
    if (info.nseg == 0)
        return ELF_NO_LOAD;
    if (!elf_entry_ok(&info))
        return ELF_BAD_ENTRY;
    info.phdr_va = elf_phdr_va(&info, phoff);
    *out = info;
    return ELF_OK;
}

const char *elf_verdict_name(enum elf_verdict v)
{
    static const char *const names[] = {
        "ok", "too short", "bad magic", "not 64-bit little-endian", "not an x86_64 ET_EXEC",
        "bad program headers", "bad segment", "overlapping segments", "segment outside the user area",
        "entry outside the text", "dynamic (PT_INTERP)", "no PT_LOAD",
    };
    return (unsigned)v < sizeof names / sizeof names[0] ? names[v] : "?";
}

/* VM_* flags for a segment's ELF flags. */
static uint32_t elf_vm_flags(uint32_t pf)
{
    return ((pf & ELF_PF_W) ? VM_WRITE : 0) | ((pf & ELF_PF_X) ? VM_EXEC : 0);
}

bool elf_load(uint32_t root, const uint8_t *buf, const struct elf_info *info)
{
    for (uint32_t i = 0; i < info->nseg; i++) {
        const struct elf_segment *s = &info->seg[i];
        uint64_t lo = page_down(s->vaddr), hi = page_down(s->vaddr + s->memsz - 1);
        for (uint64_t va = lo; va <= hi; va += PAGE)
            if (vm_map(root, va, elf_vm_flags(s->flags)) != MM_OK)
                return false;
        if (!uaccess_load(root, s->vaddr, buf + s->offset, s->filesz))
            return false;
    }
    return true;
}
