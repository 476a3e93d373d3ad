/* Address spaces over the frame pool: the kernel template, create, clone
 * (fork's copy of the user half, table by table, with fresh user frames) and
 * destroy (a scan of the descriptors for the frames a space owns). Proven
 * with WP against include/mm/vmspace.h. */
#include "mm/vmspace.h"

#define VM_KERNEL_FIRST 256u   /* first kernel-half PML4 slot */

uint32_t vm_kernel_template = PMM_NONE;

/* r names an address space (a root PML4 that owns itself). */
static bool vm_is_space(uint32_t r)
{
    return r < POOL_FRAMES && pmm_state(r) == FRAME_TABLE &&
           pmm_level(r) == PMM_LEVEL_ROOT && pmm_owner(r) == r;
}

/* Frame f is a table or user frame owned by space r: destroy frees it. */
static bool vm_owned_by(uint32_t f, uint32_t r)
{
    enum frame_state st = pmm_state(f);
    return (st == FRAME_TABLE || st == FRAME_USER) && pmm_owner(f) == r;
}

uint32_t vm_template_init(void)
{
    uint32_t t = pmm_alloc(FRAME_KERNEL, PMM_SELF, PMM_LEVEL_ROOT, 0);
    if (t == PMM_NONE)
        return PMM_NONE;
    for (uint32_t i = VM_KERNEL_FIRST; i < FRAME_WORDS; i++)
        frame_pool[t][i] = boot_pml4[i];
    vm_kernel_template = t;
    return t;
}

/* Entries 256..511 of root become the template's; nothing else changes. */
static void vm_copy_kernel_half(uint32_t root)
{
    uint32_t t = vm_kernel_template;
    for (uint32_t i = VM_KERNEL_FIRST; i < FRAME_WORDS; i++)
        frame_pool[root][i] = frame_pool[t][i];
}

uint32_t vm_space_create(void)
{
    uint32_t r = pt_root_create();
    if (r == PMM_NONE)
        return PMM_NONE;
    vm_copy_kernel_half(r);
    return r;
}

mm_status vm_space_destroy(uint32_t root)
{
    if (!vm_is_space(root))
        return MM_BAD_ARGUMENT;
    for (uint32_t f = 0; f < POOL_FRAMES; f++)
        if (f != root && vm_owned_by(f, root))
            pmm_free(f);
    pmm_free(root);
    return MM_OK;
}

/* ---- clone, one helper per level */

/* The pool frame slot i of table t leads to, PMM_NONE when not present. */
static uint32_t vm_next(uint32_t t, uint32_t i)
{
    uint64_t e = frame_pool[t][i];
    if (!pte_present(e))
        return PMM_NONE;
    return pte_frame(e);
}

/* A fresh zeroed table of space s at level lvl, linked into slot i of
 * table t (of s, one level up); PMM_NONE, nothing changed, if none is free. */
static uint32_t vm_table_new(uint32_t s, uint32_t t, uint32_t i, uint8_t lvl)
{
    uint32_t c = pmm_alloc(FRAME_TABLE, s, lvl, (uint64_t)t * 512 + i);
    if (c == PMM_NONE)
        return PMM_NONE;
    frame_pool[t][i] = pte_make_table(c);
    return c;
}

/* The VM_* flags of leaf entry e. */
static uint32_t vm_leaf_flags(uint64_t e)
{
    return (pte_writable(e) ? VM_WRITE : 0) + (pte_nx(e) ? 0 : VM_EXEC);
}

/* Frame dst gets the words of frame src. */
static void vm_copy_frame(uint32_t dst, uint32_t src)
{
    for (uint32_t w = 0; w < FRAME_WORDS; w++)
        frame_pool[dst][w] = frame_pool[src][w];
}

/* Slot i of child page table c1 (of space s) maps a fresh copy of the user
 * frame that leaf entry e maps, with e's flags. MM_NO_MEMORY if none free. */
static mm_status vm_clone_leaf(uint32_t s, uint32_t c1, uint32_t i, uint64_t e)
{
    uint32_t u = pmm_alloc(FRAME_USER, s, PMM_LEVEL_DATA, (uint64_t)c1 * 512 + i);
    if (u == PMM_NONE)
        return MM_NO_MEMORY;
    vm_copy_frame(u, pte_frame(e));
    frame_pool[c1][i] = pte_make(u, vm_leaf_flags(e));
    return MM_OK;
}

/* Page table c1 of space s maps copies of what parent page table p1 maps. */
static mm_status vm_clone_pt(uint32_t s, uint32_t p1, uint32_t c1)
{
    for (uint32_t i = 0; i < FRAME_WORDS; i++) {
        uint64_t e = frame_pool[p1][i];
        if (pte_present(e) && vm_clone_leaf(s, c1, i, e) != MM_OK)
            return MM_NO_MEMORY;
    }
    return MM_OK;
}

/* Page directory c2 of space s gets copies of parent directory p2's tables. */
static mm_status vm_clone_pd(uint32_t s, uint32_t p2, uint32_t c2)
{
    for (uint32_t i = 0; i < FRAME_WORDS; i++) {
        uint32_t p1 = vm_next(p2, i);
        if (p1 == PMM_NONE)
            continue;
        uint32_t c1 = vm_table_new(s, c2, i, 1);
        if (c1 == PMM_NONE || vm_clone_pt(s, p1, c1) != MM_OK)
            return MM_NO_MEMORY;
    }
    return MM_OK;
}

/* PDPT c3 of space s gets copies of parent PDPT p3's directories. */
static mm_status vm_clone_pdpt(uint32_t s, uint32_t p3, uint32_t c3)
{
    for (uint32_t i = 0; i < FRAME_WORDS; i++) {
        uint32_t p2 = vm_next(p3, i);
        if (p2 == PMM_NONE)
            continue;
        uint32_t c2 = vm_table_new(s, c3, i, 2);
        if (c2 == PMM_NONE || vm_clone_pd(s, p2, c2) != MM_OK)
            return MM_NO_MEMORY;
    }
    return MM_OK;
}

/* The user half of child root s gets copies of parent root p's PDPTs. */
static mm_status vm_clone_user_half(uint32_t p, uint32_t s)
{
    for (uint32_t i = 0; i < VM_KERNEL_FIRST; i++) {
        uint32_t p3 = vm_next(p, i);
        if (p3 == PMM_NONE)
            continue;
        uint32_t c3 = vm_table_new(s, s, i, 3);
        if (c3 == PMM_NONE || vm_clone_pdpt(s, p3, c3) != MM_OK)
            return MM_NO_MEMORY;
    }
    return MM_OK;
}

uint32_t vm_space_clone(uint32_t parent)
{
    if (!vm_is_space(parent))
        return PMM_NONE;
    uint32_t child = vm_space_create();
    if (child == PMM_NONE)
        return PMM_NONE;
    if (vm_clone_user_half(parent, child) != MM_OK) {
        vm_space_destroy(child);   /* rollback: frees every frame child owns */
        return PMM_NONE;
    }
    return child;
}
