/* Not proven: feeds the boot memory map to the proven pmm. A pool frame
 * becomes free only if all of its 4 KiB are usable RAM that nobody else
 * (kernel image, GRUB modules, multiboot2 info) occupies. */
#include <stdbool.h>
#include "kernel/mm_boot.h"
#include "kernel/selftest.h"
#include "mm/pool.h"
#include "mm/pmm.h"
#include "lib/kprintf.h"

/* True iff [lo, hi) and [a, b) share a byte. */
static bool range_overlaps(uint64_t lo, uint64_t hi, uint64_t a, uint64_t b)
{
    return lo < b && a < hi;
}

/* True iff [lo, hi) lies inside one usable region of the memory map. */
static bool range_is_usable(const struct boot_info *bi, uint64_t lo, uint64_t hi)
{
    for (uint32_t i = 0; i < bi->n_regions; i++) {
        const struct boot_region *r = &bi->regions[i];
        if (r->type == BOOT_REGION_USABLE && r->base <= lo && hi - r->base <= r->len)
            return true;
    }
    return false;
}

/* True iff [lo, hi) overlaps memory that the boot already handed to someone. */
static bool range_is_claimed(const struct boot_info *bi, uint64_t lo, uint64_t hi)
{
    if (range_overlaps(lo, hi, bi->kernel_start, bi->kernel_end) ||
        range_overlaps(lo, hi, bi->mbi_start, bi->mbi_end))
        return true;
    for (uint32_t i = 0; i < bi->n_modules; i++)
        if (range_overlaps(lo, hi, bi->modules[i].start, bi->modules[i].end))
            return true;
    return false;
}

uint32_t mm_boot_init(const struct boot_info *bi)
{
    pmm_init();
    for (uint32_t f = 0; f < POOL_FRAMES; f++) {
        uint64_t lo = POOL_PHYS_BASE + (uint64_t)f * PAGE_SIZE;
        uint64_t hi = lo + PAGE_SIZE;
        if (range_is_usable(bi, lo, hi) && !range_is_claimed(bi, lo, hi) &&
            pmm_add_free(f) != MM_OK)
            kprintf("mm_boot: pmm refused frame %u\n", f);
    }
    return pmm_free_count();
}

#define SELFTEST_FRAMES 8

/* True iff frame f reads as all zero words. */
static bool frame_is_zero(uint32_t f)
{
    for (uint32_t i = 0; i < FRAME_WORDS; i++)
        if (frame_pool[f][i] != 0)
            return false;
    return true;
}

/* Allocates SELFTEST_FRAMES frames, checks them (distinct, user, zeroed),
 * dirties them, frees them, and checks the free count is back and that
 * freeing twice is refused without effect. */
bool mm_boot_selftest(void)
{
    uint32_t before = pmm_free_count();
    uint32_t got[SELFTEST_FRAMES];
    bool ok = before >= SELFTEST_FRAMES;
    for (uint32_t i = 0; ok && i < SELFTEST_FRAMES; i++) {
        got[i] = pmm_alloc(FRAME_USER, 0, 0, 0);
        ok = got[i] != PMM_NONE && pmm_state(got[i]) == FRAME_USER && frame_is_zero(got[i]);
        for (uint32_t j = 0; ok && j < i; j++)
            ok = got[j] != got[i];
        if (!ok) {
            kprintf("selftest pmm: allocation %u bad (frame %u)\n", i, got[i]);
            return false;
        }
        frame_pool[got[i]][0] = 0x150A150A150A150Aull;
        frame_pool[got[i]][FRAME_WORDS - 1] = i;
    }
    if (!ok) {
        kprintf("selftest pmm: only %u free frames\n", before);
        return false;
    }
    kprintf("selftest pmm: allocated %u frames, free %u -> %u\n",
            SELFTEST_FRAMES, before, pmm_free_count());
    ok = pmm_free_count() == before - SELFTEST_FRAMES;
    for (uint32_t i = 0; i < SELFTEST_FRAMES; i++)
        ok = pmm_free(got[i]) == MM_OK && pmm_state(got[i]) == FRAME_FREE && ok;
    ok = pmm_free(got[0]) != MM_OK && ok;                  /* double free refused */
    kprintf("selftest pmm: freed them, free count %u (expected %u)\n",
            pmm_free_count(), before);
    return ok && pmm_free_count() == before;
}
