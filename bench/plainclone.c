/* Experiment (host only, never in the kernel): vm_space_clone's design
 * written plainly, for speed, with no proof in mind. Same frames in the
 * same order (pmm_find_free's policy: from the hint, then wrapping), the
 * same descriptors, owner marks, slot marks, entries and words, so that
 * clonebench can check that its result is byte for byte the kernel
 * clone's, and then time it beside the kernel's. One recursive function for
 * the three table levels, its helpers inlined, no contracts, no ghost code;
 * pages copied and frames zeroed with libc's memcpy and memset (this file is
 * built with the harness's flags, not the kernel's). What it costs is what
 * this design costs; what the kernel's clone costs beyond it is the price of
 * its proof-friendly code (docs/benchmarks.md, "Clone vs memcpy"). */
#include <stdint.h>
#include <string.h>
#include "mm/vmspace.h"
#include "mm/paging.h"
#include "mm/pmm.h"

#define PLAIN_USER_SLOTS 256u                  /* root slots of the user half */
#define PLAIN_BASE_PAGE  (POOL_PHYS_BASE / PAGE_SIZE)
#define PLAIN_ADDR_MASK  (0xffffffffffull << 12) /* bits 12..51 */

/* The few words below a frame's slot mark are zeroed by a loop: GCC would
 * make it a rep stosq, whose start-up alone costs more than a few stores
 * (a one-page clone took 0.10 us that way, 0.07 us with the loop). */
#define PLAIN_LOOP __attribute__((optimize("no-tree-loop-distribute-patterns")))

uint32_t plain_clone(uint32_t parent);

/* The first free frame from the hint on, then from frame 0 (pmm_find_free). */
static inline uint32_t plain_find(void)
{
    uint32_t start = pmm_hint < POOL_FRAMES ? pmm_hint : 0;
    for (uint32_t f = start; f < POOL_FRAMES; f++)
        if (pmm_desc_state[f] == FRAME_FREE)
            return f;
    for (uint32_t f = 0; f < start; f++)
        if (pmm_desc_state[f] == FRAME_FREE)
            return f;
    return PMM_NONE;
}

/* Free frame f's descriptor and the pool's marks, as pmm_take sets them. */
static inline void plain_take(uint32_t f, uint8_t st, uint32_t owner, uint8_t level, uint64_t prefix)
{
    if (f >= pmm_top)
        pmm_top = f + 1;
    if (f >= pmm_owner_top[owner])
        pmm_owner_top[owner] = f + 1;
    if (f < pmm_owner_low[owner])
        pmm_owner_low[owner] = f;
    pmm_desc_state[f] = st;
    pmm_desc_owner[f] = owner;
    pmm_desc_level[f] = level;
    pmm_desc_prefix[f] = prefix;
    pmm_nfree--;
    pmm_hint = f + 1;
}

static inline void plain_mark(uint32_t t, uint32_t i)
{
    if (pt_slot_mark[t] <= i)
        pt_slot_mark[t] = (uint16_t)(i + 1);
}

static inline uint32_t plain_target(uint64_t e)
{
    return (uint32_t)(((e & PLAIN_ADDR_MASK) >> 12) - PLAIN_BASE_PAGE);
}

/* A zeroed table of space s at level lvl in the empty slot i of table t;
 * PMM_NONE when the pool is empty. A frame is zero from its slot mark on
 * unless it was a root last (the kernel's SlotMarksOk). */
static inline PLAIN_LOOP uint32_t plain_table(uint32_t s, uint32_t t, uint32_t i, uint8_t lvl)
{
    uint32_t c = plain_find();
    if (c == PMM_NONE)
        return c;
    uint32_t dirty = pmm_desc_level[c] == PMM_LEVEL_ROOT || pt_slot_mark[c] > FRAME_WORDS
                     ? FRAME_WORDS : pt_slot_mark[c];
    if (dirty == FRAME_WORDS)
        memset(frame_pool[c], 0, PAGE_SIZE);
    else
        for (uint32_t w = 0; w < dirty; w++)
            frame_pool[c][w] = 0;
    plain_take(c, FRAME_TABLE, s, lvl, (uint64_t)t * FRAME_WORDS + i);
    frame_pool[t][i] = ((uint64_t)c + PLAIN_BASE_PAGE) * PAGE_SIZE + PTE_PRESENT + PTE_WRITABLE + PTE_USER;
    pt_slot_mark[c] = 0;
    plain_mark(t, i);
    return c;
}

/* Child table c (level lvl, of space s) gets copies of what parent table
 * p maps; 0, or -1 when the pool ran out. */
static PLAIN_LOOP int plain_level(uint32_t s, uint32_t p, uint32_t c, uint32_t lvl)
{
    uint32_t n = pt_slot_mark[p] < FRAME_WORDS ? pt_slot_mark[p] : FRAME_WORDS;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t e = frame_pool[p][i];
        if (!(e & PTE_PRESENT))
            continue;
        if (lvl > 1) {
            uint32_t t = plain_table(s, c, i, (uint8_t)(lvl - 1));
            if (t == PMM_NONE || plain_level(s, plain_target(e), t, lvl - 1) != 0)
                return -1;
            continue;
        }
        uint32_t u = plain_find();
        if (u == PMM_NONE)
            return -1;
        memcpy(frame_pool[u], frame_pool[plain_target(e)], PAGE_SIZE);
        plain_take(u, FRAME_USER, s, PMM_LEVEL_DATA, (uint64_t)c * FRAME_WORDS + i);
        frame_pool[c][i] = (e & ~PLAIN_ADDR_MASK) | (((uint64_t)u + PLAIN_BASE_PAGE) << 12);
        plain_mark(c, i);
    }
    return 0;
}

/* A new space with copies of parent's user pages, as vm_space_clone makes
 * it (parent must be a space); PMM_NONE, nothing kept, if the pool ran out. */
PLAIN_LOOP uint32_t plain_clone(uint32_t parent)
{
    uint32_t r = plain_find();
    if (r == PMM_NONE)
        return r;
    /* A root freed by destroy holds the template's words from its mark on
     * (the kernel's FreeRootsOk); any other frame copies the template. */
    if (pmm_desc_level[r] == PMM_LEVEL_ROOT && pt_slot_mark[r] <= PLAIN_USER_SLOTS)
        for (uint32_t w = 0; w < pt_slot_mark[r]; w++)
            frame_pool[r][w] = 0;
    else
        memcpy(frame_pool[r], frame_pool[vm_kernel_template], PAGE_SIZE);
    plain_take(r, FRAME_TABLE, r, PMM_LEVEL_ROOT, 0);
    pmm_owner_top[r] = r + 1;
    pmm_owner_low[r] = r;
    pt_slot_mark[r] = 0;
    uint32_t n = pt_slot_mark[parent] < PLAIN_USER_SLOTS ? pt_slot_mark[parent] : PLAIN_USER_SLOTS;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t e = frame_pool[parent][i];
        if (!(e & PTE_PRESENT))
            continue;
        uint32_t t = plain_table(r, r, i, 3);
        if (t == PMM_NONE || plain_level(r, plain_target(e), t, 3) != 0) {
            vm_space_destroy(r);
            return PMM_NONE;
        }
    }
    return r;
}
