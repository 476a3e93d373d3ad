/* ELF64 loading through vm_space_map and vm_space_load, and the verdict names.
 * The validator is kernel/proc/elf_check.c (proven). */
#include "proc/elf.h"
#include "mm/paging.h"
#include "mm/vmspace.h"
#include "mm/vmspace_user.h"
#include "mm/uaccess.h"

#define PAGE        4096ull

static uint64_t page_down(uint64_t v) { return v - v % PAGE; }

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
            if (vm_space_map(root, va, elf_vm_flags(s->flags)) != MM_OK)
                return false;
        if (!vm_space_load(root, s->vaddr, buf + s->offset, s->filesz))
            return false;
    }
    return true;
}
