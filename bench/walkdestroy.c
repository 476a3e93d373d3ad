/* Experiment only, never linked into the kernel: a vm_space_destroy that
 * walks the space's own page tables (O(tables + pages)) instead of scanning
 * the descriptors between the space's own marks (O(the span of its frames)),
 * to measure what a walk would buy. clonebench-walk links this; vmspace.c's own
 * destroy is renamed at compile time (its clone rollback keeps using it). */
#include "mm/vmspace.h"

/* Frees the frames below table t (level lvl: 4 = root .. 1 = page table),
 * user half only at the root, then t itself unless it is the root. */
static void walk_free(uint32_t t, unsigned lvl, uint32_t root)
{
    uint32_t slots = lvl == 4 ? 256 : FRAME_WORDS;
    for (uint32_t i = 0; i < slots; i++) {
        uint64_t e = frame_pool[t][i];
        if (!pte_present(e))
            continue;
        uint32_t f = pte_frame(e);
        if (lvl > 1)
            walk_free(f, lvl - 1, root);
        else
            pmm_free(f);
    }
    if (t != root)
        pmm_free(t);
}

/* As the kernel's: frees what root owns, root last; refuses a non-space. */
mm_status vm_space_destroy(uint32_t root)
{
    if (root >= POOL_FRAMES || pmm_state(root) != FRAME_TABLE ||
        pmm_level(root) != PMM_LEVEL_ROOT || pmm_owner(root) != root)
        return MM_BAD_ARGUMENT;
    walk_free(root, 4, root);
    pmm_free(root);
    return MM_OK;
}
