/* VmValid (spec/vmspace.acsl) as a C function, for the host tests and the
 * vm fuzzer: it reads the pool, the descriptors and the marks, and writes
 * nothing. See vm_valid_scan.h. */
#include <stddef.h>
#include <stdint.h>

#include "mm/vmspace.h"
#include "vm_valid_scan.h"

static int is_space_root(uint32_t r)
{
    return r < POOL_FRAMES && pmm_desc_state[r] == FRAME_TABLE &&
           pmm_desc_level[r] == PMM_LEVEL_ROOT && pmm_desc_owner[r] == r;
}

/* TableOk (spec/paging.acsl) of table t, and SlotMarksOk for t, by a scan
 * of its slots: NULL when they hold, else what is wrong. */
static const char *table_ok_by_scan(uint32_t t)
{
    uint32_t level = pmm_desc_level[t], owner = pmm_desc_owner[t];
    if (level < 1 || level > PMM_LEVEL_ROOT || owner >= POOL_FRAMES ||
        (level == PMM_LEVEL_ROOT && owner != t))
        return "TablesOk (a table's descriptor)";
    for (uint32_t i = 0; i < (level == PMM_LEVEL_ROOT ? 256u : 512u); i++) {
        uint64_t e = frame_pool[t][i];
        if (e == 0)
            continue;
        if (i >= pt_slot_mark[t])
            return "SlotMarksOk (a slot set at or above its table's mark)";
        uint32_t c = pte_frame(e);
        if (c >= POOL_FRAMES || pmm_desc_owner[c] != owner ||
            pmm_desc_level[c] != level - 1 || pmm_desc_prefix[c] != (uint64_t)t * 512 + i)
            return "TablesOk (a child's owner, level or prefix)";
        int leaf_ok = 0;
        for (uint32_t fl = 0; fl <= VM_WRITE + VM_EXEC; fl++)
            leaf_ok |= e == pte_make(c, fl);
        if (level == 1 ? pmm_desc_state[c] != FRAME_USER || !leaf_ok
                       : pmm_desc_state[c] != FRAME_TABLE || e != pte_make_table(c))
            return "TablesOk (an entry's encoding or target)";
    }
    return NULL;
}

/* VmValid (spec/vmspace.acsl), every conjunct, by a scan of the whole pool:
 * NULL when it holds, else the name of a conjunct that does not. */
const char *vm_valid_by_scan(void)
{
    if (vm_kernel_template >= POOL_FRAMES || pmm_desc_state[vm_kernel_template] != FRAME_KERNEL)
        return "VmTemplateOk";
    if (pmm_top > POOL_FRAMES)
        return "PmmBelowTop (pmm_top)";
    uint32_t nfree = 0;
    for (uint32_t f = 0; f < POOL_FRAMES; f++) {
        uint8_t st = pmm_desc_state[f];
        nfree += st == FRAME_FREE;
        /* From its mark on, a free frame holds zeros, or the template's
         * words if it was a root last (FreeMarksOk, FreeRootsOk). */
        bool was_root = pmm_desc_level[f] == PMM_LEVEL_ROOT;
        if (st == FRAME_FREE)
            for (uint32_t w = pt_slot_mark[f]; w < FRAME_WORDS; w++)
                if (frame_pool[f][w] != (was_root ? frame_pool[vm_kernel_template][w] : 0))
                    return was_root ? "SlotMarksOk (a free root's word not the template's at or above its mark)"
                                    : "SlotMarksOk (a free frame's word set at or above its mark)";
        if (st != FRAME_TABLE && st != FRAME_USER)
            continue;
        uint32_t o = pmm_desc_owner[f];
        if (!is_space_root(o))
            return "OwnersLive";
        if (f >= pmm_top)
            return "PmmBelowTop";
        if (f >= pmm_owner_top[o] || f < pmm_owner_low[o])
            return "PmmWithinOwnerMarks";
        const char *why = st == FRAME_TABLE ? table_ok_by_scan(f) : NULL;
        if (why)
            return why;
        if (is_space_root(f))
            for (uint32_t i = 256; i < 512; i++)
                if (frame_pool[f][i] != frame_pool[vm_kernel_template][i])
                    return "SpacesShareKernel";
    }
    return nfree == pmm_nfree ? NULL : "PmmValid (pmm_nfree)";
}
