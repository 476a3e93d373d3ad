/* libFuzzer driver for the ELF validator and loader (kernel/proc/elf.c,
 * unmodified). Each input is a whole file image, handed over in a buffer of
 * exactly its size, so AddressSanitizer catches any read outside the file.
 * When elf_validate accepts it, every promise of include/proc/elf.h is
 * re-checked from the raw bytes, and the file is loaded into a fresh space
 * of a small pool: on success the pages hold the file bytes and zeros with
 * the segment permissions; either way destroying the space gives back every
 * frame. A broken promise aborts (a crash for libFuzzer). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc/elf.h"
#include "mm/vmspace.h"
#include "host_support.h"

uint64_t boot_pml4[512];

#define POOL_FIRST 1u
#define POOL_N     48u
#define PAGE       4096ull

static void fail(const char *what, uint64_t a, uint64_t b)
{
    fprintf(stderr, "fuzz_elf: %s (0x%llx, 0x%llx)\n", what, (unsigned long long)a, (unsigned long long)b);
    abort();
}

#define CHECK(cond, a, b) do { if (!(cond)) fail(#cond, (a), (b)); } while (0)

static uint64_t get(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* Re-derives the PT_LOAD list from the raw program headers and compares it
 * with what elf_validate reported; no PT_INTERP may be present. */
static void check_phdrs(const uint8_t *buf, size_t len, const struct elf_info *info)
{
    uint64_t phoff = get(buf + 32, 8), phnum = get(buf + 56, 2);
    CHECK(get(buf + 54, 2) == 56 && phnum > 0 && phnum == info->phnum, phnum, info->phnum);
    CHECK(phoff <= len && phnum * 56 <= len - phoff, phoff, len);
    uint32_t k = 0;
    for (uint64_t i = 0; i < phnum; i++) {
        const uint8_t *p = buf + phoff + 56 * i;
        uint32_t type = (uint32_t)get(p, 4);
        CHECK(type != 3, i, type);                       /* PT_INTERP */
        if (type != 1)
            continue;
        CHECK(k < info->nseg, k, info->nseg);
        const struct elf_segment *s = &info->seg[k++];
        CHECK(s->flags == get(p + 4, 4) && s->offset == get(p + 8, 8) && s->vaddr == get(p + 16, 8) &&
              s->filesz == get(p + 32, 8) && s->memsz == get(p + 40, 8), i, k);
    }
    CHECK(k == info->nseg, k, info->nseg);
}

/* The promises on an accepted file: header fields, segment bounds, pages
 * disjoint, entry in executable file bytes, top. */
static void check_accepted(const uint8_t *buf, size_t len, const struct elf_info *info)
{
    CHECK(len >= 64 && memcmp(buf, "\x7f" "ELF\x02\x01\x01", 7) == 0, len, 0);
    CHECK(get(buf + 16, 2) == 2 && get(buf + 18, 2) == 62 && get(buf + 20, 4) == 1, 0, 0);
    CHECK(info->entry == get(buf + 24, 8), info->entry, 0);
    CHECK(info->nseg >= 1 && info->nseg <= ELF_MAX_SEGMENTS, info->nseg, 0);
    check_phdrs(buf, len, info);
    uint64_t top = 0;
    bool entry_ok = false;
    for (uint32_t i = 0; i < info->nseg; i++) {
        const struct elf_segment *s = &info->seg[i];
        CHECK(s->memsz > 0 && s->filesz <= s->memsz, s->filesz, s->memsz);
        CHECK(s->offset <= len && s->filesz <= len - s->offset, s->offset, s->filesz);
        CHECK(s->vaddr >= ELF_MIN_VADDR && s->vaddr < ELF_USER_LIMIT &&
              s->memsz <= ELF_USER_LIMIT - s->vaddr, s->vaddr, s->memsz);
        uint64_t lo = s->vaddr / PAGE, hi = (s->vaddr + s->memsz - 1) / PAGE;
        for (uint32_t j = 0; j < i; j++) {
            const struct elf_segment *t = &info->seg[j];
            uint64_t tlo = t->vaddr / PAGE, thi = (t->vaddr + t->memsz - 1) / PAGE;
            CHECK(hi < tlo || thi < lo, i, j);
        }
        if ((hi + 1) * PAGE > top)
            top = (hi + 1) * PAGE;
        entry_ok |= (s->flags & ELF_PF_X) && info->entry >= s->vaddr && info->entry - s->vaddr < s->filesz;
    }
    CHECK(entry_ok, info->entry, 0);
    CHECK(info->top == top, info->top, top);
}

/* The byte at va of root as the user would see it, or -1 if unmapped. */
static int user_byte(uint32_t root, uint64_t va)
{
    struct vm_lookup_result r = vm_lookup(root, va - va % PAGE);
    if (r.status != MM_OK)
        return -1;
    uint64_t off = va % PAGE;
    return (int)(frame_pool[r.frame][off / 8] >> (8 * (off % 8)) & 0xff);
}

/* After a successful load: every page of every segment mapped with the
 * segment's permissions, file bytes then zeros. */
static void check_loaded(uint32_t root, const uint8_t *buf, const struct elf_info *info)
{
    for (uint32_t i = 0; i < info->nseg; i++) {
        const struct elf_segment *s = &info->seg[i];
        uint32_t want = ((s->flags & ELF_PF_W) ? VM_WRITE : 0) | ((s->flags & ELF_PF_X) ? VM_EXEC : 0);
        for (uint64_t va = s->vaddr - s->vaddr % PAGE; va < s->vaddr + s->memsz; va += PAGE) {
            struct vm_lookup_result r = vm_lookup(root, va);
            CHECK(r.status == MM_OK && r.flags == want, va, r.flags);
        }
        for (uint64_t k = 0; k < s->memsz && k < 3 * PAGE; k++)
            CHECK(user_byte(root, s->vaddr + k) == (k < s->filesz ? buf[s->offset + k] : 0), s->vaddr, k);
    }
}

static void pool_reset(void)
{
    host_pool_reset(POOL_FIRST, POOL_N);
    for (int i = 0; i < 512; i++)
        boot_pml4[i] = i < 256 ? 0 : 0x100003ull + (uint64_t)i * 0x1000;
    if (vm_template_init() == PMM_NONE)
        fail("template", 0, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        pool_reset();
        ready = true;
    }
    struct elf_info info;
    memset(&info, 0xa5, sizeof info);
    enum elf_verdict v = elf_validate(data, size, &info);
    if (getenv("FUZZ_ELF_VERBOSE"))
        fprintf(stderr, "fuzz_elf: %zu bytes: %s\n", size, elf_verdict_name(v));
    CHECK((unsigned)v <= ELF_NO_LOAD, v, 0);
    if (v != ELF_OK)
        return 0;                  /* *out means nothing then (include/proc/elf.h) */
    check_accepted(data, size, &info);
    uint32_t before = pmm_free_count();
    uint32_t root = vm_space_create();
    CHECK(root != PMM_NONE, before, 0);
    if (elf_load(root, data, &info))
        check_loaded(root, data, &info);
    CHECK(vm_space_destroy(root) == MM_OK && pmm_free_count() == before, before, pmm_free_count());
    return 0;
}
