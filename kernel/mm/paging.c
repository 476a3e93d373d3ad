/* Page tables over the frame pool: PTE accessors, the walk (one helper per
 * level, straight-line), lookup, map, unmap, protect. Proven with WP
 * against include/mm/paging.h; the PTE arithmetic uses / and % by powers of
 * two, which gcc compiles to the same shifts and masks. */
#include "mm/paging.h"
#include "mm/tlb.h"

_Static_assert(PTE_PRESENT == 1ull << 0, "present is bit 0");
_Static_assert(PTE_WRITABLE == 1ull << 1, "writable is bit 1");
_Static_assert(PTE_USER == 1ull << 2, "user is bit 2");
_Static_assert(PTE_NX == 1ull << 63, "no-execute is bit 63");
_Static_assert(POOL_PHYS_BASE % PAGE_SIZE == 0, "pool base is page aligned");
_Static_assert(VM_USER_TOP == 256ull << 39, "user half is PML4 slots 0..255");

#define PTE_ADDR_PAGES 0x10000000000ull   /* bits 12..51: 2^40 page numbers */

bool pte_present(uint64_t e)
{
    return e % 2 == 1;
}

bool pte_writable(uint64_t e)
{
    return (e / 2) % 2 == 1;
}

bool pte_user(uint64_t e)
{
    return (e / 4) % 2 == 1;
}

bool pte_nx(uint64_t e)
{
    return e / PTE_NX == 1;
}

uint32_t pte_frame(uint64_t e)
{
    uint64_t page = (e / PAGE_SIZE) % PTE_ADDR_PAGES;
    uint64_t base = POOL_PHYS_BASE / PAGE_SIZE;
    if (page < base || page - base >= POOL_FRAMES)
        return PMM_NONE;
    return (uint32_t)(page - base);
}

uint64_t pte_make(uint32_t f, uint32_t flags)
{
    uint64_t e = ((uint64_t)f + POOL_PHYS_BASE / PAGE_SIZE) * PAGE_SIZE + PTE_PRESENT + PTE_USER;
    if (flags % 2 == 1)
        e += PTE_WRITABLE;
    if ((flags / 2) % 2 == 0)
        e += PTE_NX;
    return e;
}

uint64_t pte_make_table(uint32_t f)
{
    return ((uint64_t)f + POOL_PHYS_BASE / PAGE_SIZE) * PAGE_SIZE
           + PTE_PRESENT + PTE_WRITABLE + PTE_USER;
}

/* ---- indices of va at each level */

/*@ assigns \nothing; ensures ix4: \result == Ix4(va); */
static uint32_t pt_ix4(uint64_t va)
{
    return (uint32_t)((va / 549755813888ull) % 512);
}

/*@ assigns \nothing; ensures ix3: \result == Ix3(va); */
static uint32_t pt_ix3(uint64_t va)
{
    return (uint32_t)((va / 1073741824ull) % 512);
}

/*@ assigns \nothing; ensures ix2: \result == Ix2(va); */
static uint32_t pt_ix2(uint64_t va)
{
    return (uint32_t)((va / 2097152ull) % 512);
}

/*@ assigns \nothing; ensures ix1: \result == Ix1(va); */
static uint32_t pt_ix1(uint64_t va)
{
    return (uint32_t)((va / 4096ull) % 512);
}

/* ---- the walk */

/* The pool frame slot i of table t leads to, PMM_NONE when not present. */
/*@ requires PmmFrame(t) && 0 <= i < FRAME_WORDS;
    assigns \nothing;
    ensures next: \result == PteTarget(frame_pool[t][i]);
*/
static uint32_t pt_next(uint32_t t, uint32_t i)
{
    uint64_t e = frame_pool[t][i];
    if (!pte_present(e))
        return PMM_NONE;
    return pte_frame(e);
}

/* The page table covering va in space root, PMM_NONE if a level is missing. */
/*@ requires PmmFrame(root) && UserVa(va);
    assigns \nothing;
    ensures walk: \result == WalkL1(root, va);
*/
static uint32_t pt_walk_pt(uint32_t root, uint64_t va)
{
    uint32_t t3 = pt_next(root, pt_ix4(va));
    //@ assert hint_l3: t3 == WalkL3(root, va);
    if (t3 == PMM_NONE)
        return PMM_NONE;
    uint32_t t2 = pt_next(t3, pt_ix3(va));
    //@ assert hint_l2: t2 == WalkL2(root, va);
    if (t2 == PMM_NONE)
        return PMM_NONE;
    uint32_t t1 = pt_next(t2, pt_ix2(va));
    //@ assert hint_l1: t1 == WalkL1(root, va);
    return t1;
}

/* The leaf entry for va in space root, 0 when no page table covers va. */
/*@ requires PmmFrame(root) && UserVa(va);
    assigns \nothing;
    ensures leaf: \result == LeafPte(root, va);
*/
static uint64_t pt_leaf(uint32_t root, uint64_t va)
{
    uint32_t t1 = pt_walk_pt(root, va);
    if (t1 == PMM_NONE)
        return 0;
    return frame_pool[t1][pt_ix1(va)];
}

/* root names an address space and va is a user-half, canonical, aligned page. */
/*@ assigns \nothing;
    ensures args_ok: \result <==> SpaceRoot(root) && UserVa(va);
*/
static bool vm_args_ok(uint32_t root, uint64_t va)
{
    return va < VM_USER_TOP && va % PAGE_SIZE == 0 && root < POOL_FRAMES
           && pmm_state(root) == FRAME_TABLE && pmm_level(root) == PMM_LEVEL_ROOT
           && pmm_owner(root) == root;
}

/* The flags word names only VM_WRITE and VM_EXEC. */
/*@ assigns \nothing;
    ensures flags_ok: \result <==> VmFlags(flags);
*/
static bool vm_flags_ok(uint32_t flags)
{
    return flags <= VM_WRITE + VM_EXEC;
}

uint32_t pt_root_create(void)
{
    uint32_t r = pmm_find_free();
    if (r == PMM_NONE)
        return PMM_NONE;
    pmm_claim(r, FRAME_TABLE, PMM_SELF, PMM_LEVEL_ROOT, 0);
    return r;
}

mm_status vm_unmap(uint32_t root, uint64_t va)
{
    if (!vm_args_ok(root, va))
        return MM_BAD_ARGUMENT;
    uint32_t t1 = pt_walk_pt(root, va);
    if (t1 == PMM_NONE)
        return MM_NOT_MAPPED;
    uint32_t i = pt_ix1(va);
    uint64_t e = frame_pool[t1][i];
    if (!pte_present(e))
        return MM_NOT_MAPPED;
    uint32_t u = pte_frame(e);
    frame_pool[t1][i] = 0;
    //@ assert unmap_slot_only: PoolSameExceptSlot{Pre, Here}(t1, i);
    //@ assert unmap_slot_ctx: SetLeafCtx{Pre, Here}(t1, i);
    //@ assert unmap_leaf_zero: LeafPte(root, va) == 0;
    //@ assert unmap_mid_leaves: LeavesSameExcept{Pre, Here}(root, va);
    //@ assert unmap_frame_user: u == LookupFrame{Pre}(root, va) && PmmFrame(u) && pmm_desc_prefix[u] == t1 * 512 + i;
    //@ assert unmap_t1: TableOk(t1);
    //@ assert unmap_tables: TablesOk;
    /*@ assert unmap_no_ref: \forall integer t2, i2; PmmFrame(t2) && pmm_desc_state[t2] == FRAME_TABLE &&
          0 <= i2 < SlotLimit(pmm_desc_level[t2]) && frame_pool[t2][i2] != 0 ==>
            PteFrame(frame_pool[t2][i2]) != u; */
    (void)pmm_free(u);
    //@ assert unmap_tables_after: TablesOk;
    tlb_flush_page(va);
    return MM_OK;
}

mm_status vm_protect(uint32_t root, uint64_t va, uint32_t flags)
{
    if (!vm_args_ok(root, va) || !vm_flags_ok(flags))
        return MM_BAD_ARGUMENT;
    uint32_t t1 = pt_walk_pt(root, va);
    if (t1 == PMM_NONE)
        return MM_NOT_MAPPED;
    uint32_t i = pt_ix1(va);
    uint64_t e = frame_pool[t1][i];
    if (!pte_present(e))
        return MM_NOT_MAPPED;
    frame_pool[t1][i] = pte_make(pte_frame(e), flags);
    //@ assert protect_slot_only: PoolSameExceptSlot{Pre, Here}(t1, i);
    //@ assert protect_slot_ctx: SetLeafCtx{Pre, Here}(t1, i);
    //@ assert protect_leaf: LeafPte(root, va) == frame_pool[t1][i];
    //@ assert protect_frame_user: PteIndex(e) == LookupFrame{Pre}(root, va);
    //@ assert protect_slot: SlotOk(t1, i);
    //@ assert protect_t1: TableOk(t1);
    //@ assert protect_tables: TablesOk;
    tlb_flush_page(va);
    return MM_OK;
}

struct vm_lookup_result vm_lookup(uint32_t root, uint64_t va)
{
    struct vm_lookup_result r = { MM_BAD_ARGUMENT, PMM_NONE, 0 };
    if (!vm_args_ok(root, va))
        return r;
    uint64_t e = pt_leaf(root, va);
    if (!pte_present(e)) {
        r.status = MM_NOT_MAPPED;
        return r;
    }
    r.status = MM_OK;
    r.frame = pte_frame(e);
    r.flags = (pte_writable(e) ? VM_WRITE : 0) + (pte_nx(e) ? 0 : VM_EXEC);
    return r;
}
