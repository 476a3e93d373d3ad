/* Page tables over the frame pool: PTE accessors, the walk (one helper per
 * level, straight-line), lookup, map, unmap, protect. Proven with WP
 * against include/mm/paging.h; the PTE arithmetic uses / and % by powers of
 * two, which gcc compiles to the same shifts and masks. */
/* The walk lemmas of spec/paging.acsl: this module proves the operations. */
#define ISOLA_PAGING_LEMMAS
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

uint16_t pt_slot_mark[POOL_FRAMES];

void pt_mark_slot(uint32_t t, uint32_t i)
{
    if (pt_slot_mark[t] <= i)
        pt_slot_mark[t] = (uint16_t)(i + 1);
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

/* The page directory covering va in space root, PMM_NONE if a level is missing. */
/*@ requires PmmFrame(root) && UserVa(va);
    assigns \nothing;
    ensures walk: \result == WalkL2(root, va);
*/
static uint32_t pt_walk_pd(uint32_t root, uint64_t va)
{
    uint32_t t3 = pt_next(root, pt_ix4(va));
    //@ assert hint_l3: t3 == WalkL3(root, va);
    if (t3 == PMM_NONE)
        return PMM_NONE;
    uint32_t t2 = pt_next(t3, pt_ix3(va));
    //@ assert hint_l2: t2 == WalkL2(root, va);
    return t2;
}

/* The page table covering va in space root, PMM_NONE if a level is missing. */
/*@ requires PmmFrame(root) && UserVa(va);
    assigns \nothing;
    ensures walk: \result == WalkL1(root, va);
*/
static uint32_t pt_walk_pt(uint32_t root, uint64_t va)
{
    uint32_t t2 = pt_walk_pd(root, va);
    if (t2 == PMM_NONE)
        return PMM_NONE;
    uint32_t t1 = pt_next(t2, pt_ix2(va));
    //@ assert hint_l1: t1 == WalkL1(root, va);
    return t1;
}

/* Every word of table t is zero: it maps nothing. */
/*@ requires PmmFrame(t);
    assigns \nothing;
    ensures empty: \result <==> FrameZero(t);
*/
static bool pt_table_empty(uint32_t t)
{
    /*@ loop invariant 0 <= w <= FRAME_WORDS;
        loop invariant \forall integer k; 0 <= k < w ==> frame_pool[t][k] == 0;
        loop assigns w;
        loop variant FRAME_WORDS - w;
    */
    for (uint32_t w = 0; w < FRAME_WORDS; w++)
        if (frame_pool[t][w] != 0)
            return false;
    return true;
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
    pmm_claim(r, FRAME_WORDS, FRAME_TABLE, PMM_SELF, PMM_LEVEL_ROOT, 0);
    return r;
}

/* ---- vm_map and its helpers */

/*@ // Frame words at L2 are those of L1, except frame c and slot i of frame t.
  predicate PoolSameExceptNew{L1, L2}(integer c, integer t, integer i) =
    \forall integer g, w; PmmFrame(g) && g != c && 0 <= w < FRAME_WORDS && (g != t || w != i) ==>
      \at(frame_pool[g][w], L2) == \at(frame_pool[g][w], L1);
  // Every space root of L1 is still one at L2.
  predicate RootsKept{L1, L2} = \forall integer r; SpaceRoot{L1}(r) ==> SpaceRoot{L2}(r);
  // Every frame free at L2 was free at L1.
  predicate FreeWasFree{L1, L2} = \forall integer g; PmmFrame(g) &&
    \at(pmm_desc_state[g], L2) == FRAME_FREE ==> \at(pmm_desc_state[g], L1) == FRAME_FREE;
*/

/* How many frames vm_map takes for va: missing tables plus the user frame. */
/*@ requires PmmFrame(root) && UserVa(va);
    assigns \nothing;
    ensures needed: \result == FramesNeeded(root, va);
*/
static uint32_t pt_frames_needed(uint32_t root, uint64_t va)
{
    uint32_t t3 = pt_next(root, pt_ix4(va));
    //@ assert hint_l3: t3 == WalkL3(root, va);
    if (t3 == PMM_NONE)
        return 4;
    uint32_t t2 = pt_next(t3, pt_ix3(va));
    //@ assert hint_l2: t2 == WalkL2(root, va);
    if (t2 == PMM_NONE)
        return 3;
    uint32_t t1 = pt_next(t2, pt_ix2(va));
    //@ assert hint_l1: t1 == WalkL1(root, va);
    if (t1 == PMM_NONE)
        return 2;
    return 1;
}

/* The descriptor prefix of the frame hanging from slot i of table t. */
/*@ requires PmmFrame(t) && 0 <= i < FRAME_WORDS;
    assigns \nothing;
    ensures slot_id: \result == t * 512 + i;
*/
static uint64_t pt_slot_id(uint32_t t, uint32_t i)
{
    return (uint64_t)t * FRAME_WORDS + i;
}

/* The level one below lvl. */
/*@ requires 1 <= lvl <= PMM_LEVEL_ROOT;
    assigns \nothing;
    ensures level_below: \result == lvl - 1;
*/
static uint8_t pt_level_below(uint8_t lvl)
{
    return (uint8_t)(lvl - 1);
}

/* Free frame c becomes a zeroed table of t's owner one level below t, and
 * the empty slot i of t now leads to it. No lookup of any space changes:
 * the new table is empty. */
/*@ requires paging_valid: PagingValid;
    requires PmmFrame(t) && pmm_desc_state[t] == FRAME_TABLE && 2 <= pmm_desc_level[t] <= PMM_LEVEL_ROOT;
    requires 0 <= i < SlotLimit(pmm_desc_level[t]) && frame_pool[t][i] == 0;
    requires PmmFrame(c) && pmm_desc_state[c] == FRAME_FREE;
    assigns pmm_desc_state[c], pmm_desc_owner[c], pmm_desc_level[c], pmm_desc_prefix[c],
            pmm_nfree, pmm_hint, pmm_top,
            pmm_owner_top[0 .. POOL_FRAMES - 1], pmm_owner_low[0 .. POOL_FRAMES - 1],
            frame_pool[c][0 .. FRAME_WORDS - 1], frame_pool[t][i], pt_slot_mark[t], pt_slot_mark[c];
    ensures paging_valid: PagingValid;
    ensures install_marks: MarksKept{Pre, Post};
    ensures install_slot: frame_pool[t][i] == TableEntry(c);
    ensures install_table: TableOf(c, \old(pmm_desc_owner[t]), \old(pmm_desc_level[t]) - 1) &&
                           pmm_desc_prefix[c] == t * 512 + i;
    ensures install_count: pmm_nfree == \old(pmm_nfree) - 1;
    ensures install_leaves: LeavesSameExcept{Pre, Post}(-1, -1);
    ensures install_desc: PmmDescSameExcept{Pre, Post}(c);
    ensures install_pool: PoolSameExceptNew{Pre, Post}(c, t, i);
    ensures install_zero: FrameZero(c);
    ensures install_roots: RootsKept{Pre, Post};
    ensures install_free: FreeWasFree{Pre, Post};
*/
static void pt_install_table(uint32_t t, uint32_t i, uint32_t c)
{
    pmm_claim(c, FRAME_WORDS, FRAME_TABLE, pmm_owner(t), pt_level_below(pmm_level(t)), pt_slot_id(t, i));
    //@ assert mid_valid: PagingValid;
    //@ assert mid_leaves: LeavesSameExcept{Pre, Here}(-1, -1);
    /*@ ghost Mid: ; */
    frame_pool[t][i] = pte_make_table(c);
    //@ assert slot_only: PoolSameExceptSlot{Mid, Here}(t, i);
    //@ assert slot_ctx: AddEmptyTable{Mid, Here}(t, i, c);
    //@ assert slot_new: SlotOk(t, i);
    //@ assert table_t: TableOk(t);
    //@ assert tables_others: \forall integer g; PmmFrame(g) && g != t && pmm_desc_state[g] == FRAME_TABLE ==> TableOk(g);
    //@ assert leaves_new: LeavesSameExcept{Mid, Here}(-1, -1);
    pt_slot_mark[c] = 0;
    pt_mark_slot(t, i);
}

/* Free frame u becomes a zeroed user frame of space root, mapped at va with
 * flags in the page table t1 that covers va (its slot is empty). Every other
 * lookup of every space is unchanged. */
/*@ requires paging_valid: PagingValid;
    requires SpaceRoot(root) && UserVa(va) && VmFlags(flags);
    requires t1 == WalkL1(root, va) && t1 != POOL_FRAMES && frame_pool[t1][Ix1(va)] == 0;
    requires PmmFrame(u) && pmm_desc_state[u] == FRAME_FREE;
    assigns pmm_desc_state[u], pmm_desc_owner[u], pmm_desc_level[u], pmm_desc_prefix[u],
            pmm_nfree, pmm_hint, pmm_top,
            pmm_owner_top[0 .. POOL_FRAMES - 1], pmm_owner_low[0 .. POOL_FRAMES - 1],
            frame_pool[u][0 .. FRAME_WORDS - 1], frame_pool[t1][Ix1(va)], pt_slot_mark[t1];
    ensures paging_valid: PagingValid;
    ensures install_marks: MarksKept{Pre, Post};
    ensures install_leaf: LeafPte(root, va) == LeafEntry(u, flags);
    ensures install_user: pmm_desc_state[u] == FRAME_USER && pmm_desc_owner[u] == root && FrameZero(u);
    ensures install_count: pmm_nfree == \old(pmm_nfree) - 1;
    ensures install_leaves: LeavesSameExcept{Pre, Post}(root, va);
    ensures install_desc: PmmDescSameExcept{Pre, Post}(u);
    ensures install_roots: RootsKept{Pre, Post};
    ensures install_free: FreeWasFree{Pre, Post};
*/
static void pt_install_leaf(uint32_t root, uint64_t va, uint32_t t1, uint32_t u, uint32_t flags)
{
    uint32_t i = pt_ix1(va);
    //@ assert pre_table: TableOf(t1, root, 1) && t1 != u;
    pmm_claim(u, FRAME_WORDS, FRAME_USER, root, PMM_LEVEL_DATA, pt_slot_id(t1, i));
    //@ assert mid_valid: PagingValid;
    //@ assert mid_leaves: LeavesSameExcept{Pre, Here}(-1, -1);
    //@ assert mid_walk: WalkL1(root, va) == t1 && SpaceRoot(root);
    //@ assert mid_table: TableOf(t1, root, 1) && pmm_desc_prefix[u] == t1 * 512 + i;
    /*@ ghost Mid: ; */
    frame_pool[t1][i] = pte_make(u, flags);
    //@ assert slot_decode: PteFrame(frame_pool[t1][i]) == u && PteFlags(frame_pool[t1][i]) == flags;
    //@ assert slot_only: PoolSameExceptSlot{Mid, Here}(t1, i);
    //@ assert slot_ctx: SetLeafCtx{Mid, Here}(t1, i);
    //@ assert slot_new: SlotOk(t1, i);
    //@ assert slots_old: \forall integer k; 0 <= k < FRAME_WORDS && k != i ==> SlotOk(t1, k);
    //@ assert table_t: TableOk(t1);
    //@ assert tables_others: \forall integer g; PmmFrame(g) && g != t1 && pmm_desc_state[g] == FRAME_TABLE ==> TableOk(g);
    //@ assert leaves_new: LeavesSameExcept{Mid, Here}(root, va);
    pt_mark_slot(t1, i);
    // install_marks, part by part: with the first two stated, cvc4 proves
    // it in 0.07 s, not 2 s.
    //@ assert end_tops: (PmmBelowTop{Pre} ==> PmmBelowTop) && (PmmWithinOwnerMarks{Pre} ==> PmmWithinOwnerMarks);
    //@ assert end_table_marks: TableMarksOk{Pre} ==> TableMarksOk;
    //@ assert end_free_marks: FreeMarksOk{Pre} ==> FreeMarksOk;
    //@ assert end_free_roots: FreeRootsOk{Pre} && TemplateKernel{Pre} ==> FreeRootsOk;
}

/* The table slot i of table t (level >= 2) leads to; when the slot is
 * empty, a free frame becomes that table first (pt_install_table). Written
 * with an early return, so that no path joins after the install call. */
/*@ requires paging_valid: PagingValid;
    requires PmmFrame(t) && pmm_desc_state[t] == FRAME_TABLE && 2 <= pmm_desc_level[t] <= PMM_LEVEL_ROOT;
    requires 0 <= i < SlotLimit(pmm_desc_level[t]);
    requires room: PteTarget(frame_pool[t][i]) == POOL_FRAMES ==> pmm_nfree >= 1;
    assigns pmm_desc_state[0 .. POOL_FRAMES - 1], pmm_desc_owner[0 .. POOL_FRAMES - 1],
            pmm_desc_level[0 .. POOL_FRAMES - 1], pmm_desc_prefix[0 .. POOL_FRAMES - 1],
            pmm_nfree, pmm_hint, pmm_top,
            pmm_owner_top[0 .. POOL_FRAMES - 1], pmm_owner_low[0 .. POOL_FRAMES - 1], frame_pool[..][..],
            pt_slot_mark[0 .. POOL_FRAMES - 1];
    ensures paging_valid: PagingValid;
    ensures at_marks: MarksKept{Pre, Post};
    ensures at_slot: PteTarget(frame_pool[t][i]) == \result && \result != t;
    ensures at_table: TableOf(\result, \old(pmm_desc_owner[t]), \old(pmm_desc_level[t]) - 1) &&
                      pmm_desc_prefix[\result] == t * 512 + i;
    ensures at_count: pmm_nfree == \old(pmm_nfree) - (\old(PteTarget(frame_pool[t][i])) == POOL_FRAMES ? 1 : 0);
    ensures at_leaves: LeavesSameExcept{Pre, Post}(-1, -1);
    ensures at_desc: PmmDescSameExcept{Pre, Post}(\result);
    ensures at_pool: PoolSameExceptNew{Pre, Post}(\result, t, i);
    ensures at_roots: RootsKept{Pre, Post};
    ensures at_free: FreeWasFree{Pre, Post};
    ensures at_same: \old(PteTarget(frame_pool[t][i])) != POOL_FRAMES ==> MmSame{Pre, Post};
    ensures at_zero: \old(PteTarget(frame_pool[t][i])) == POOL_FRAMES ==> FrameZero(\result);
    ensures at_was: \at(pmm_desc_state[\result], Pre) == FRAME_FREE ||
                    (\at(pmm_desc_state[\result], Pre) == FRAME_TABLE &&
                     \at(pmm_desc_level[\result], Pre) == \at(pmm_desc_level[t], Pre) - 1);
    ensures at_step: SpaceRoot{Pre}(\at(pmm_desc_owner[t], Pre)) ==>
                     SpaceStep{Pre, Post}(\at(pmm_desc_owner[t], Pre));
*/
static uint32_t pt_table_at(uint32_t t, uint32_t i)
{
    uint32_t n = pt_next(t, i);
    if (n != PMM_NONE) {
        //@ assert old_slot: frame_pool[t][i] != 0 && SlotOk(t, i);
        //@ assert old_child: frame_pool[t][i] == TableEntry(PteFrame(frame_pool[t][i])) && n == PteFrame(frame_pool[t][i]);
        //@ assert old_table: TableOf(n, pmm_desc_owner[t], pmm_desc_level[t] - 1) && pmm_desc_prefix[n] == t * 512 + i;
        return n;
    }
    //@ assert empty_slot: frame_pool[t][i] == 0;
    n = pmm_find_free();
    pt_install_table(t, i, n);
    //@ assert new_slot: frame_pool[t][i] == TableEntry(n) && PtePresent(TableEntry(n)) && PteIndex(TableEntry(n)) == n;
    return n;
}

/* A free frame becomes a zeroed user frame of space root, mapped at va with
 * flags in the page table t1 that covers va (its slot is empty); returns
 * it. Every other lookup of every space is unchanged. Its assigns clause is
 * vm_map's (ranged): vm_map's inclusion check is then range in range. */
/*@ requires paging_valid: PagingValid;
    requires SpaceRoot(root) && UserVa(va) && VmFlags(flags);
    requires t1 == WalkL1(root, va) && t1 != POOL_FRAMES && frame_pool[t1][Ix1(va)] == 0;
    requires table: TableOf(t1, root, 1);
    requires room: pmm_nfree >= 1;
    assigns pmm_desc_state[0 .. POOL_FRAMES - 1], pmm_desc_owner[0 .. POOL_FRAMES - 1],
            pmm_desc_level[0 .. POOL_FRAMES - 1], pmm_desc_prefix[0 .. POOL_FRAMES - 1],
            pmm_nfree, pmm_hint, pmm_top,
            pmm_owner_top[0 .. POOL_FRAMES - 1], pmm_owner_low[0 .. POOL_FRAMES - 1], frame_pool[..][..],
            pt_slot_mark[0 .. POOL_FRAMES - 1];
    ensures paging_valid: PagingValid;
    ensures leaf_marks: MarksKept{Pre, Post};
    ensures leaf_fresh: PmmFrame(\result) && \at(pmm_desc_state[\result], Pre) == FRAME_FREE;
    ensures leaf_entry: LeafPte(root, va) == LeafEntry(\result, flags);
    ensures leaf_lookup: Mapped(root, va) && LookupFrame(root, va) == \result && LookupFlags(root, va) == flags;
    ensures leaf_user: pmm_desc_state[\result] == FRAME_USER && pmm_desc_owner[\result] == root &&
                       FrameZero(\result);
    ensures leaf_count: pmm_nfree == \old(pmm_nfree) - 1;
    ensures leaf_leaves: LeavesSameExcept{Pre, Post}(root, va);
    ensures leaf_desc: PmmDescSameExcept{Pre, Post}(\result);
    ensures leaf_roots: RootsKept{Pre, Post};
    ensures leaf_free: FreeWasFree{Pre, Post};
    ensures leaf_step: SpaceStep{Pre, Post}(root);
*/
static uint32_t pt_map_leaf(uint32_t root, uint64_t va, uint32_t t1, uint32_t flags)
{
    uint32_t u = pmm_find_free();
    //@ assert leaf_bounds: 0 <= t1 < POOL_FRAMES && 0 <= u < POOL_FRAMES && pmm_desc_state[u] == FRAME_FREE;
    pt_install_leaf(root, va, t1, u, flags);
    // Two parts of leaf_step, stated apart: cvc4 then proves leaf_step in
    // 0.3 s, not 5 s (the third part, kernel frames, follows from table).
    //@ assert step_roots: \forall integer r; SpaceRoot{Pre}(r) <==> SpaceRoot(r);
    //@ assert step_owned: \forall integer g; PmmFrame(g) && PmmAllocated(g) ==> (PmmAllocated{Pre}(g) && pmm_desc_owner[g] == \at(pmm_desc_owner[g], Pre)) || g == u;
    return u;
}

/* The page table that covers va in space root (whose leaf for va is
 * empty), the missing tables on the way created first, each a fresh zeroed
 * frame of root; returns it. No user lookup of any space changes. Its
 * assigns clause is vm_map's (ranged), like pt_map_leaf's. */
/*@ requires paging_valid: PagingValid;
    requires args: SpaceRoot(root) && UserVa(va) && LeafPte(root, va) == 0;
    requires room: pmm_nfree >= FramesNeeded(root, va);
    assigns pmm_desc_state[0 .. POOL_FRAMES - 1], pmm_desc_owner[0 .. POOL_FRAMES - 1],
            pmm_desc_level[0 .. POOL_FRAMES - 1], pmm_desc_prefix[0 .. POOL_FRAMES - 1],
            pmm_nfree, pmm_hint, pmm_top,
            pmm_owner_top[0 .. POOL_FRAMES - 1], pmm_owner_low[0 .. POOL_FRAMES - 1], frame_pool[..][..],
            pt_slot_mark[0 .. POOL_FRAMES - 1];
    ensures paging_valid: PagingValid;
    ensures path_marks: MarksKept{Pre, Post};
    ensures path_table: \result == WalkL1(root, va) && \result != POOL_FRAMES &&
                        TableOf(\result, root, 1) && SpaceRoot(root);
    ensures path_slot: LeafPte(root, va) == 0 && frame_pool[\result][Ix1(va)] == 0;
    ensures path_count: pmm_nfree == \old(pmm_nfree) - (FramesNeeded{Pre}(root, va) - 1) && pmm_nfree >= 1;
    ensures path_leaves: LeavesSameExcept{Pre, Post}(-1, -1);
    ensures path_roots: RootsKept{Pre, Post} && FreeWasFree{Pre, Post};
    ensures path_step: SpaceStep{Pre, Post}(root);
*/
static uint32_t pt_map_path(uint32_t root, uint64_t va)
{
    uint32_t i4 = pt_ix4(va), i3 = pt_ix3(va), i2 = pt_ix2(va);
    uint32_t t3 = pt_table_at(root, i4);
    //@ assert hint_l3: t3 == WalkL3(root, va) && TableOf(t3, root, 3) && SpaceRoot(root);
    //@ assert cases_l3a: WalkL3{Pre}(root, va) == POOL_FRAMES ==> FrameZero(t3) && pmm_nfree == \at(pmm_nfree, Pre) - 1;
    //@ assert cases_l3b: WalkL3{Pre}(root, va) == POOL_FRAMES ==> frame_pool[t3][i3] == 0 && WalkL2(root, va) == POOL_FRAMES;
    //@ assert cases_l3c: WalkL3{Pre}(root, va) != POOL_FRAMES ==> MmSame{Pre, Here} && WalkL3{Pre}(root, va) == t3;
    //@ assert cases_l3d: WalkL3{Pre}(root, va) != POOL_FRAMES ==> frame_pool[t3][i3] == \at(frame_pool[WalkL3(root, va)][Ix3(va)], Pre);
    //@ assert cases_l3e: WalkL3{Pre}(root, va) != POOL_FRAMES ==> WalkL2(root, va) == WalkL2{Pre}(root, va);
    // cases_l3f's slot part first: z3 then proves each in 0.1 s. Whole,
    // cases_l3f took z3 2.2 s among the function's goals and more than
    // 60 s selected alone (-wp-prop).
    /*@ assert cases_l3s: WalkL3{Pre}(root, va) != POOL_FRAMES && WalkL2(root, va) != POOL_FRAMES ==>
          frame_pool[WalkL2(root, va)][Ix2(va)] == \at(frame_pool[WalkL2(root, va)][Ix2(va)], Pre); */
    /*@ assert cases_l3f: WalkL3{Pre}(root, va) != POOL_FRAMES && WalkL2(root, va) != POOL_FRAMES ==>
          frame_pool[WalkL2(root, va)][Ix2(va)] == \at(frame_pool[WalkL2(root, va)][Ix2(va)], Pre) &&
          WalkL1(root, va) == WalkL1{Pre}(root, va); */
    //@ assert count_l3: pmm_nfree - FramesNeeded(root, va) == \at(pmm_nfree, Pre) - FramesNeeded{Pre}(root, va);
    //@ assert room_l3: pmm_nfree >= FramesNeeded(root, va) >= 1;
    /*@ ghost L3: ; */
    uint32_t t2 = pt_table_at(t3, i3);
    //@ assert keep2_ne: t2 != root && t2 != t3 && TableOf(t3, root, 3) && SpaceRoot(root);
    //@ assert keep2_slot: frame_pool[root][i4] == \at(frame_pool[root][i4], L3);
    //@ assert keep2_w3: WalkL3(root, va) == t3;
    //@ assert hint_l2: t2 == WalkL2(root, va) && TableOf(t2, root, 2);
    //@ assert keep2_leaves: LeavesSameExcept{Pre, Here}(-1, -1);
    //@ assert keep2_roots: RootsKept{Pre, Here} && FreeWasFree{Pre, Here};
    //@ assert cases_l2a: WalkL2{L3}(root, va) == POOL_FRAMES ==> FrameZero(t2) && pmm_nfree == \at(pmm_nfree, L3) - 1;
    //@ assert cases_l2b: WalkL2{L3}(root, va) == POOL_FRAMES ==> frame_pool[t2][i2] == 0 && WalkL1(root, va) == POOL_FRAMES;
    //@ assert cases_l2c: WalkL2{L3}(root, va) != POOL_FRAMES ==> MmSame{L3, Here} && WalkL2{L3}(root, va) == t2;
    //@ assert cases_l2d: WalkL2{L3}(root, va) != POOL_FRAMES ==> frame_pool[t2][i2] == \at(frame_pool[WalkL2(root, va)][Ix2(va)], L3);
    //@ assert cases_l2e: WalkL2{L3}(root, va) != POOL_FRAMES ==> WalkL1(root, va) == WalkL1{L3}(root, va);
    //@ assert count_l2a: pmm_nfree - FramesNeeded(root, va) == \at(pmm_nfree, L3) - FramesNeeded{L3}(root, va);
    //@ assert count_l2: pmm_nfree - FramesNeeded(root, va) == \at(pmm_nfree, Pre) - FramesNeeded{Pre}(root, va);
    //@ assert room_l2: pmm_nfree >= FramesNeeded(root, va) >= 1;
    /*@ ghost L2: ; */
    uint32_t t1 = pt_table_at(t2, i2);
    //@ assert keep1_t2: t1 != t2;
    /*@ assert keep1_was: \forall integer g; g == t1 ==> \at(pmm_desc_state[g], L2) == FRAME_FREE ||
          (\at(pmm_desc_state[g], L2) == FRAME_TABLE && \at(pmm_desc_level[g], L2) == 1); */
    //@ assert keep1_l2: TableOf{L2}(t3, root, 3) && TableOf{L2}(t2, root, 2) && SpaceRoot{L2}(root);
    //@ assert keep1_t3: t1 != root && t1 != t3;
    //@ assert keep1_ne: t1 != root && t1 != t3 && t1 != t2 && TableOf(t3, root, 3) && TableOf(t2, root, 2) && SpaceRoot(root);
    //@ assert keep1_slots: frame_pool[root][i4] == \at(frame_pool[root][i4], L2) && frame_pool[t3][i3] == \at(frame_pool[t3][i3], L2);
    //@ assert keep1_w3: WalkL3(root, va) == t3;
    //@ assert keep1_w2: WalkL2(root, va) == t2;
    //@ assert hint_l1: t1 == WalkL1(root, va) && TableOf(t1, root, 1);
    //@ assert keep1_leaves: LeavesSameExcept{Pre, Here}(-1, -1);
    //@ assert keep1_roots: RootsKept{Pre, Here} && FreeWasFree{Pre, Here};
    //@ assert cases_l1: WalkL1{L2}(root, va) != POOL_FRAMES ==> MmSame{L2, Here};
    //@ assert count_l1a: FramesNeeded(root, va) == 1 && pmm_nfree == \at(pmm_nfree, L2) - (WalkL1{L2}(root, va) == POOL_FRAMES ? 1 : 0);
    //@ assert count_l1: pmm_nfree == \at(pmm_nfree, Pre) - (FramesNeeded{Pre}(root, va) - 1) && pmm_nfree >= 1;
    //@ assert keep1_slot: LeafPte(root, va) == 0 && frame_pool[t1][Ix1(va)] == 0;
    return t1;
}

mm_status vm_map(uint32_t root, uint64_t va, uint32_t flags)
{
    if (!vm_args_ok(root, va) || !vm_flags_ok(flags))
        return MM_BAD_ARGUMENT;
    if (pte_present(pt_leaf(root, va)))
        return MM_ALREADY_MAPPED;
    if (pmm_free_count() < pt_frames_needed(root, va))
        return MM_NO_MEMORY;
    /* From here on every allocation succeeds: nothing to roll back. */
    //@ assert unmapped: LeafPte(root, va) == 0;
    uint32_t t1 = pt_map_path(root, va);
    /*@ ghost L1: ; */
    uint32_t u = pt_map_leaf(root, va, t1, flags);
    (void)u; /* only the assertions below name it */
    //@ assert was_free: PmmFrame(u) && FreeWasFree{Pre, L1} && \forall integer g; g == u ==> \at(pmm_desc_state[g], L1) == FRAME_FREE;
    //@ assert u_was_free: \forall integer g; g == u ==> \at(pmm_desc_state[g], Pre) == FRAME_FREE;
    //@ assert leaf_frame: LookupFrame(root, va) == u && LookupFlags(root, va) == flags;
    //@ assert fresh_pre: \let f = LookupFrame(root, va); \at(pmm_desc_state[f], Pre) == FRAME_FREE;
    //@ assert leaf_leaves: LeavesSameExcept{Pre, Here}(root, va);
    tlb_flush_page(va);
    return MM_OK;
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
    // The other tables apart: unmap_tables then takes cvc4 0.1 s, not 1.4 s.
    //@ assert unmap_others: \forall integer g; PmmFrame(g) && g != t1 && pmm_desc_state[g] == FRAME_TABLE ==> TableOk(g);
    //@ assert unmap_tables: TablesOk;
    /*@ assert unmap_ref_slot: \forall integer t2, i2; PmmFrame(t2) && pmm_desc_state[t2] == FRAME_TABLE &&
          0 <= i2 < SlotLimit(pmm_desc_level[t2]) && frame_pool[t2][i2] != 0 &&
          PteFrame(frame_pool[t2][i2]) == u ==> t2 * 512 + i2 == t1 * 512 + i; */
    /*@ assert unmap_ref_pair: \forall integer t2, i2; PmmFrame(t2) && pmm_desc_state[t2] == FRAME_TABLE &&
          0 <= i2 < SlotLimit(pmm_desc_level[t2]) && frame_pool[t2][i2] != 0 &&
          PteFrame(frame_pool[t2][i2]) == u ==> t2 == t1 && i2 == i; */
    /*@ assert unmap_no_ref: \forall integer t2, i2; PmmFrame(t2) && pmm_desc_state[t2] == FRAME_TABLE &&
          0 <= i2 < SlotLimit(pmm_desc_level[t2]) && frame_pool[t2][i2] != 0 ==>
            PteFrame(frame_pool[t2][i2]) != u; */
    pt_slot_mark[u] = FRAME_WORDS;   /* a free frame's mark bounds its words: a user frame's are anything */
    (void)pmm_free(u);
    //@ assert unmap_free_after: FreeMarksOk{Pre} ==> FreeMarksOk;
    //@ assert unmap_free_roots: FreeRootsOk{Pre} && TemplateKernel{Pre} ==> FreeRootsOk;
    //@ assert unmap_table_marks: TableMarksOk{Pre} ==> TableMarksOk;
    //@ assert unmap_tables_after: TablesOk;
    tlb_flush_page(va);
    return MM_OK;
}

mm_status vm_prune(uint32_t root, uint64_t va)
{
    if (!vm_args_ok(root, va))
        return MM_BAD_ARGUMENT;
    uint32_t t2 = pt_walk_pd(root, va);
    if (t2 == PMM_NONE)
        return MM_NOT_MAPPED;
    uint32_t i = pt_ix2(va);
    uint32_t t1 = pt_next(t2, i);
    //@ assert prune_walk: t1 == WalkL1(root, va);
    if (t1 == PMM_NONE || !pt_table_empty(t1))
        return MM_NOT_MAPPED;
    //@ assert prune_pd: TableOf(t2, root, 2) && SlotOk(t2, i) && frame_pool[t2][i] == TableEntry(t1);
    //@ assert prune_pt: TableOf(t1, root, 1) && pmm_desc_prefix[t1] == t2 * 512 + i && t1 != t2;
    frame_pool[t2][i] = 0;
    //@ assert prune_slot_only: PoolSameExceptSlot{Pre, Here}(t2, i) && PoolSameExceptSlot{Here, Pre}(t2, i);
    //@ assert prune_t2: TableOk(t2);
    //@ assert prune_t1: TableOk(t1) && FrameZero(t1);
    //@ assert prune_tables: TablesOk;
    //@ assert prune_add_back: AddEmptyTable{Here, Pre}(t2, i, t1);
    //@ assert prune_mid_leaves: LeavesSameExcept{Pre, Here}(-1, -1);
    //@ assert prune_unlinked: WalkL1(root, va) == POOL_FRAMES;
    /*@ assert prune_no_ref: \forall integer t, k; PmmFrame(t) && pmm_desc_state[t] == FRAME_TABLE &&
          0 <= k < SlotLimit(pmm_desc_level[t]) && frame_pool[t][k] != 0 ==>
            PteFrame(frame_pool[t][k]) != t1; */
    (void)pmm_free(t1);
    //@ assert prune_free_after: FreeMarksOk{Pre} ==> FreeMarksOk;
    //@ assert prune_free_roots: FreeRootsOk{Pre} && TemplateKernel{Pre} ==> FreeRootsOk;
    //@ assert prune_table_marks: TableMarksOk{Pre} ==> TableMarksOk;
    //@ assert prune_tables_after: TablesOk;
    tlb_flush_page(va);   /* also drops the directory entry the CPU may cache */
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
    // The other tables apart: protect_tables then takes cvc4 0.1 s, not 3-5 s.
    //@ assert protect_others: \forall integer g; PmmFrame(g) && g != t1 && pmm_desc_state[g] == FRAME_TABLE ==> TableOk(g);
    //@ assert protect_tables: TablesOk;
    //@ assert protect_table_marks: TableMarksOk{Pre} ==> TableMarksOk;
    //@ assert protect_free_marks: FreeMarksOk{Pre} ==> FreeMarksOk;
    //@ assert protect_free_roots: FreeRootsOk{Pre} && TemplateKernel{Pre} ==> FreeRootsOk;
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
