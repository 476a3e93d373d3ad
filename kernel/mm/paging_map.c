/* vm_map, NOT YET PROVEN. Its contract sits on the prototype in
 * include/mm/paging.h; until kernel/mm/paging.c carries a proven body
 * (docs/wip-vm_map.md, issue 3), this file supplies the kernel's and the host
 * tests' vm_map, and docs/trusted-base.md lists its contract as trusted.
 * No proven function calls vm_map. Built only from paging's and pmm's public
 * API, so it cannot touch anything the proven modules do not also expose. */
#include "mm/paging.h"
#include "mm/pmm.h"
#include "mm/tlb.h"

/* The index of va's entry in its table at level lvl (4 = PML4 .. 1 = PT). */
static uint32_t map_index(uint64_t va, unsigned lvl)
{
    return (uint32_t)((va >> (12 + 9 * (lvl - 1))) % FRAME_WORDS);
}

/* The table that slot i of table t leads to, PMM_NONE when not present. */
static uint32_t map_next(uint32_t t, uint32_t i)
{
    uint64_t e = frame_pool[t][i];
    return pte_present(e) ? pte_frame(e) : PMM_NONE;
}

/* How many frames mapping va takes: the missing tables plus the user frame.
 * 0 when va is already mapped. */
static uint32_t map_frames_needed(uint32_t root, uint64_t va)
{
    uint32_t t = root;
    for (unsigned lvl = 4; lvl >= 2; lvl--) {
        t = map_next(t, map_index(va, lvl));
        if (t == PMM_NONE)
            return lvl;
    }
    return pte_present(frame_pool[t][map_index(va, 1)]) ? 0 : 1;
}

mm_status vm_map(uint32_t root, uint64_t va, uint32_t flags)
{
    if (va >= VM_USER_TOP || va % PAGE_SIZE != 0 || flags > (VM_WRITE | VM_EXEC) ||
        root >= POOL_FRAMES || pmm_state(root) != FRAME_TABLE ||
        pmm_level(root) != PMM_LEVEL_ROOT || pmm_owner(root) != root)
        return MM_BAD_ARGUMENT;
    uint32_t needed = map_frames_needed(root, va);
    if (needed == 0)
        return MM_ALREADY_MAPPED;
    if (pmm_free_count() < needed)
        return MM_NO_MEMORY;
    /* From here on every allocation succeeds: nothing to roll back. */
    uint32_t t = root;
    for (unsigned lvl = 4; lvl >= 2; lvl--) {
        uint32_t i = map_index(va, lvl);
        uint32_t next = map_next(t, i);
        if (next == PMM_NONE) {
            next = pmm_alloc(FRAME_TABLE, root, (uint8_t)(lvl - 1), (uint64_t)t * FRAME_WORDS + i);
            frame_pool[t][i] = pte_make_table(next);
        }
        t = next;
    }
    uint32_t i = map_index(va, 1);
    uint32_t u = pmm_alloc(FRAME_USER, root, PMM_LEVEL_DATA, (uint64_t)t * FRAME_WORDS + i);
    frame_pool[t][i] = pte_make(u, flags);
    tlb_flush_page(va);
    return MM_OK;
}
