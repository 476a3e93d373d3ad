/* Experiment only, never linked into the kernel: a next-fit pmm_find_free
 * (start after the frame found last, wrap around) to measure what the fix
 * proposed for clone's O(N^2) allocator scans would buy. clonebench-nextfit
 * links this instead of the kernel's scan from frame 0 (pmm.c's own copy is
 * renamed at compile time), so only vmspace.c's direct calls use it. */
#include "mm/pmm.h"

static uint32_t nextfit_hint;

/* Some free frame (the first at or after the hint, cyclically), or PMM_NONE. */
uint32_t pmm_find_free(void)
{
    for (uint32_t k = 0; k < POOL_FRAMES; k++) {
        uint32_t i = (nextfit_hint + k) % POOL_FRAMES;
        if (pmm_desc_state[i] == FRAME_FREE) {
            nextfit_hint = i + 1 == POOL_FRAMES ? 0 : i + 1;
            return i;
        }
    }
    return PMM_NONE;
}
