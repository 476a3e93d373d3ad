/* Page tables over the frame pool: PTE encoding, the four-level walk, and
 * map / unmap / protect / lookup of user pages in one address space (named
 * by the pool index of its root PML4). Logic in spec/paging.acsl. */
#ifndef ISOLA_MM_PAGING_H
#define ISOLA_MM_PAGING_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "pool.h"
#include "pmm.h"

#define VM_WRITE 1u   /* writable */
#define VM_EXEC  2u   /* executable; without it the page is no-execute */
/* Every mapping made here is user-accessible. */

#define VM_USER_TOP 0x0000800000000000ull   /* user half: va < VM_USER_TOP */

/* PTE bits (hardware layout, Intel SDM vol. 3 4.5). */
#define PTE_PRESENT  1ull
#define PTE_WRITABLE 2ull
#define PTE_USER     4ull
#define PTE_NX       0x8000000000000000ull

/* The slot mark of page table t: every slot of t at or above it is zero
 * (SlotMarksOk, part of VmValid), so fork's scan of a parent's table for
 * present slots stops there instead of reading all 512. Writing an entry
 * raises the mark past its slot (pt_mark_slot); a new table starts at 0.
 * It only bounds: clearing a slot leaves the mark where it was. A free
 * frame's mark bounds its words the same way: a page table keeps its mark
 * when freed, a freed user frame gets FRAME_WORDS, so a frame taken back as
 * a table is zeroed only below its mark. A freed root keeps its mark too:
 * from there on it holds the template's words (FreeRootsOk), so a frame
 * taken back as a root is zeroed only below its mark, and its kernel half
 * is not written at all. */
extern uint16_t pt_slot_mark[POOL_FRAMES];

/* The kernel template's frame index (include/mm/vmspace.h; PMM_NONE before
 * vm_template_init). Declared here for FreeRootsOk: a free frame last used
 * as a root keeps the template's words from its mark on. */
extern uint32_t vm_kernel_template;

#include "../../spec/paging.acsl"

/*@ assigns \nothing;
    // pte_present: true exactly when the entry's present bit is set.
    ensures pte_present: \result <==> PtePresent(e);
*/
bool pte_present(uint64_t e);
/*@ assigns \nothing;
    // pte_writable: true exactly when the entry's writable bit is set.
    ensures pte_writable: \result <==> PteWritable(e);
*/
bool pte_writable(uint64_t e);
/*@ assigns \nothing;
    // pte_user: true exactly when the entry's user bit is set.
    ensures pte_user: \result <==> PteUser(e);
*/
bool pte_user(uint64_t e);
/*@ assigns \nothing;
    // pte_nx: true exactly when the entry's no-execute bit is set.
    ensures pte_nx: \result <==> PteNx(e);
*/
bool pte_nx(uint64_t e);
/* The pool index e's address field names, PMM_NONE if outside the pool. */
/*@ assigns \nothing;
    // pte_frame: the pool frame e's address names, POOL_FRAMES if outside the pool.
    ensures pte_frame: \result == PteIndex(e);
*/
uint32_t pte_frame(uint64_t e);
/* A present user leaf entry for pool frame f with VM_* flags. */
/*@ // f is a pool frame and flags are valid VM_* flags.
    requires PmmFrame(f) && VmFlags(flags);
    assigns \nothing;
    // pte_make: the present user leaf entry for f with these flags.
    ensures pte_make: \result == LeafEntry(f, flags);
*/
uint64_t pte_make(uint32_t f, uint32_t flags);
/* A present, writable, user, executable entry for table frame f. */
/*@ // f is a pool frame.
    requires PmmFrame(f);
    assigns \nothing;
    // pte_make_table: the present, writable, user table entry for f.
    ensures pte_make_table: \result == TableEntry(f);
*/
uint64_t pte_make_table(uint32_t f);

/* Slot i of table t holds (or is about to hold) an entry: t's mark rises past i. */
/*@ // t is a pool frame and i one of its slots.
    requires PmmFrame(t) && 0 <= i < FRAME_WORDS;
    assigns pt_slot_mark[t];
    // mark_past: the mark is past i and did not fall.
    ensures mark_past: pt_slot_mark[t] > i && pt_slot_mark[t] >= \old(pt_slot_mark[t]);
*/
void pt_mark_slot(uint32_t t, uint32_t i);

/* A zeroed PML4 owned by itself (owner = its own index), or PMM_NONE. */
/*@ // paging_valid: the paging invariant holds on entry (PagingValid: pool counter and table ownership).
    requires paging_valid: PagingValid;
    assigns pmm_desc_state[0 .. POOL_FRAMES - 1], pmm_desc_owner[0 .. POOL_FRAMES - 1],
            pmm_desc_level[0 .. POOL_FRAMES - 1], pmm_desc_prefix[0 .. POOL_FRAMES - 1],
            pmm_nfree, pmm_hint, pmm_top,
            pmm_owner_top[0 .. POOL_FRAMES - 1], pmm_owner_low[0 .. POOL_FRAMES - 1], frame_pool[..][..];
    // paging_valid: the pool and every page table stay well formed.
    ensures paging_valid: PagingValid;
    // root_others: no descriptor and no frame other than the result's changes.
    ensures root_others: PmmDescSameExcept{Pre, Post}(\result) && PoolSameExcept{Pre, Post}(\result);
    behavior ok:
      assumes pmm_nfree > 0;
      // root_space: when a frame is free, the result is a space root (a PML4 owning itself).
      ensures root_space: SpaceRoot(\result);
      // root_fresh: the result was free on entry.
      ensures root_fresh: \at(pmm_desc_state[\result], Pre) == FRAME_FREE;
      // user_half_empty: every entry of the new root is zero.
      ensures user_half_empty: FrameZero(\result);
      // root_count: one free frame less.
      ensures root_count: pmm_nfree == \old(pmm_nfree) - 1;
      // root_leaves: every user lookup of every existing space is unchanged.
      ensures root_leaves: LeavesSameExcept{Pre, Post}(-1, -1);
    behavior no_memory:
      assumes pmm_nfree == 0;
      // root_none: with no free frame, PMM_NONE and nothing changes.
      ensures root_none: \result == PMM_NONE && MmSame{Pre, Post};
    complete behaviors;
    disjoint behaviors;
*/
uint32_t pt_root_create(void);

/* Map a fresh zeroed user frame at va with flags, creating the missing
 * tables first. All frames it needs (FramesNeeded: missing tables + 1) are
 * counted before anything changes, so it either succeeds or changes nothing. */
/*@ // paging_valid: the paging invariant holds on entry (PagingValid: pool counter and table ownership).
    requires paging_valid: PagingValid;
    assigns pmm_desc_state[0 .. POOL_FRAMES - 1], pmm_desc_owner[0 .. POOL_FRAMES - 1],
            pmm_desc_level[0 .. POOL_FRAMES - 1], pmm_desc_prefix[0 .. POOL_FRAMES - 1],
            pmm_nfree, pmm_hint, pmm_top,
            pmm_owner_top[0 .. POOL_FRAMES - 1], pmm_owner_low[0 .. POOL_FRAMES - 1], frame_pool[..][..],
            pt_slot_mark[0 .. POOL_FRAMES - 1];
    // paging_valid: the pool and every page table stay well formed.
    ensures paging_valid: PagingValid;
    // marks_kept: both high-water marks and the slot marks still bound what they bounded.
    ensures marks_kept: MarksKept{Pre, Post};
    // space_step: the same space roots; the kernel's frames and every root's kernel half untouched; every table or user frame one of before with its owner, or one of root.
    ensures space_step: SpaceStep{Pre, Post}(root);
    behavior bad_argument:
      assumes !SpaceRoot(root) || !UserVa(va) || !VmFlags(flags);
      // map_bad: a root that is no space, a va not a user page or bad flags: MM_BAD_ARGUMENT, nothing changes.
      ensures map_bad: \result == MM_BAD_ARGUMENT && MmSame{Pre, Post};
    behavior already_mapped:
      assumes SpaceRoot(root) && UserVa(va) && VmFlags(flags) && Mapped(root, va);
      // map_already: a va already mapped: MM_ALREADY_MAPPED, nothing changes.
      ensures map_already: \result == MM_ALREADY_MAPPED && MmSame{Pre, Post};
    behavior no_memory:
      assumes SpaceRoot(root) && UserVa(va) && VmFlags(flags) && !Mapped(root, va);
      assumes pmm_nfree < FramesNeeded(root, va);
      // map_no_memory: fewer free frames than FramesNeeded: MM_NO_MEMORY, nothing changes.
      ensures map_no_memory: \result == MM_NO_MEMORY && MmSame{Pre, Post};
    behavior ok:
      assumes SpaceRoot(root) && UserVa(va) && VmFlags(flags) && !Mapped(root, va);
      assumes pmm_nfree >= FramesNeeded(root, va);
      // map_ok: otherwise the call succeeds with MM_OK.
      ensures map_ok: \result == MM_OK;
      // map_result: va is now mapped in root with exactly these flags.
      ensures map_result: Mapped(root, va) && LookupFlags(root, va) == flags &&
                          LeafPte(root, va) == LeafEntry(LookupFrame(root, va), flags);
      // map_fresh: its frame was free on entry, is now a zeroed user frame owned by root.
      ensures map_fresh: \let f = LookupFrame(root, va);
                         PmmFrame(f) && \at(pmm_desc_state[f], Pre) == FRAME_FREE &&
                         pmm_desc_state[f] == FRAME_USER && pmm_desc_owner[f] == root &&
                         FrameZero(f);
      // map_frame: no other user lookup of any space changes.
      ensures map_frame: LeavesSameExcept{Pre, Post}(root, va);
      // map_count: exactly FramesNeeded frames (missing tables plus the user frame) were taken.
      ensures map_count: pmm_nfree == \old(pmm_nfree) - FramesNeeded{Pre}(root, va);
    complete behaviors;
    disjoint behaviors;
*/
mm_status vm_map(uint32_t root, uint64_t va, uint32_t flags);

/* Unmap the page at va and free its user frame. */
/*@ // paging_valid: the paging invariant holds on entry (PagingValid: pool counter and table ownership).
    requires paging_valid: PagingValid;
    assigns frame_pool[WalkL1(root, va)][Ix1(va)],
            pmm_desc_state[PteIndex(LeafPte(root, va))], pmm_nfree, pmm_hint, pmm_top,
            pt_slot_mark[PteIndex(LeafPte(root, va))];
    // paging_valid: the pool and every page table stay well formed.
    ensures paging_valid: PagingValid;
    // space_step: the same space roots; the kernel's frames and every root's kernel half untouched; every table or user frame one of before with its owner, or one of root.
    ensures space_step: SpaceStep{Pre, Post}(root);
    // marks_kept: both high-water marks and the slot marks still bound what they bounded.
    ensures marks_kept: MarksKept{Pre, Post};
    behavior bad_argument:
      assumes !SpaceRoot(root) || !UserVa(va);
      // unmap_bad: a root that is no space or a va not a user page: MM_BAD_ARGUMENT, nothing changes.
      ensures unmap_bad: \result == MM_BAD_ARGUMENT && MmSame{Pre, Post};
    behavior not_mapped:
      assumes SpaceRoot(root) && UserVa(va) && !Mapped(root, va);
      // unmap_none: an unmapped va: MM_NOT_MAPPED, nothing changes.
      ensures unmap_none: \result == MM_NOT_MAPPED && MmSame{Pre, Post};
    behavior ok:
      assumes SpaceRoot(root) && UserVa(va) && Mapped(root, va);
      // unmap_ok: a mapped va is unmapped with MM_OK.
      ensures unmap_ok: \result == MM_OK;
      // unmap_result: the leaf entry of va is now zero.
      ensures unmap_result: LeafPte(root, va) == 0;
      // unmap_free: the user frame va mapped is free again; one free frame more.
      ensures unmap_free: pmm_desc_state[LookupFrame{Pre}(root, va)] == FRAME_FREE &&
                          pmm_nfree == \old(pmm_nfree) + 1;
      // unmap_desc: no descriptor other than that frame's changes.
      ensures unmap_desc: PmmDescSameExcept{Pre, Post}(LookupFrame{Pre}(root, va));
      // unmap_frame: no other user lookup of any space changes.
      ensures unmap_frame: LeavesSameExcept{Pre, Post}(root, va);
    complete behaviors;
    disjoint behaviors;
*/
mm_status vm_unmap(uint32_t root, uint64_t va);

/* Free the page table that covers va in space root when it maps nothing
 * (every entry zero), and clear the directory entry that led to it, so
 * that a space keeps no empty page tables (fork would copy them, and they
 * hold the pool's high-water mark up). munmap calls it for each 2 MiB block
 * it unmapped pages in. MM_NOT_MAPPED, nothing changed, when no page table
 * covers va or the one that does still maps a page. */
/*@ // paging_valid: the paging invariant holds on entry (PagingValid: pool counter and table ownership).
    requires paging_valid: PagingValid;
    assigns frame_pool[WalkL2(root, va)][Ix2(va)],
            pmm_desc_state[WalkL1(root, va)], pmm_nfree, pmm_hint, pmm_top;
    // paging_valid: the pool and every page table stay well formed.
    ensures paging_valid: PagingValid;
    // space_step: the same space roots; the kernel's frames and every root's kernel half untouched; every table or user frame one of before with its owner, or one of root.
    ensures space_step: SpaceStep{Pre, Post}(root);
    // marks_kept: both high-water marks and the slot marks still bound what they bounded.
    ensures marks_kept: MarksKept{Pre, Post};
    behavior bad_argument:
      assumes !SpaceRoot(root) || !UserVa(va);
      // prune_bad: a root that is no space or a va not a user page: MM_BAD_ARGUMENT, nothing changes.
      ensures prune_bad: \result == MM_BAD_ARGUMENT && MmSame{Pre, Post};
    behavior kept:
      assumes SpaceRoot(root) && UserVa(va);
      assumes WalkL1(root, va) == POOL_FRAMES || !FrameZero(WalkL1(root, va));
      // prune_kept: no page table covers va, or it maps a page: MM_NOT_MAPPED, nothing changes.
      ensures prune_kept: \result == MM_NOT_MAPPED && MmSame{Pre, Post};
    behavior pruned:
      assumes SpaceRoot(root) && UserVa(va);
      assumes WalkL1(root, va) != POOL_FRAMES && FrameZero(WalkL1(root, va));
      // prune_ok: an empty page table covers va: MM_OK.
      ensures prune_ok: \result == MM_OK;
      // prune_unlinked: no page table covers va any more.
      ensures prune_unlinked: WalkL1(root, va) == POOL_FRAMES;
      // prune_free: the page table is free again; one free frame more.
      ensures prune_free: pmm_desc_state[WalkL1{Pre}(root, va)] == FRAME_FREE &&
                          pmm_nfree == \old(pmm_nfree) + 1;
      // prune_desc: no descriptor other than that table's changes.
      ensures prune_desc: PmmDescSameExcept{Pre, Post}(WalkL1{Pre}(root, va));
      // prune_leaves: no user lookup of any space changes.
      ensures prune_leaves: LeavesSameExcept{Pre, Post}(-1, -1);
    complete behaviors;
    disjoint behaviors;
*/
mm_status vm_prune(uint32_t root, uint64_t va);

/* Change the flags of the page mapped at va. */
/*@ // paging_valid: the paging invariant holds on entry (PagingValid: pool counter and table ownership).
    requires paging_valid: PagingValid;
    assigns frame_pool[WalkL1(root, va)][Ix1(va)];
    // paging_valid: the pool and every page table stay well formed.
    ensures paging_valid: PagingValid;
    // space_step: the same space roots; the kernel's frames and every root's kernel half untouched; every table or user frame one of before with its owner, or one of root.
    ensures space_step: SpaceStep{Pre, Post}(root);
    // marks_kept: both high-water marks and the slot marks still bound what they bounded.
    ensures marks_kept: MarksKept{Pre, Post};
    behavior bad_argument:
      assumes !SpaceRoot(root) || !UserVa(va) || !VmFlags(flags);
      // protect_bad: a root that is no space, a va not a user page or bad flags: MM_BAD_ARGUMENT, nothing changes.
      ensures protect_bad: \result == MM_BAD_ARGUMENT && MmSame{Pre, Post};
    behavior not_mapped:
      assumes SpaceRoot(root) && UserVa(va) && VmFlags(flags) && !Mapped(root, va);
      // protect_none: an unmapped va: MM_NOT_MAPPED, nothing changes.
      ensures protect_none: \result == MM_NOT_MAPPED && MmSame{Pre, Post};
    behavior ok:
      assumes SpaceRoot(root) && UserVa(va) && VmFlags(flags) && Mapped(root, va);
      // protect_ok: a mapped va gets the new flags with MM_OK.
      ensures protect_ok: \result == MM_OK;
      // protect_result: va still maps the same frame, now with exactly these flags.
      ensures protect_result: LeafPte(root, va) == LeafEntry(LookupFrame{Pre}(root, va), flags) &&
                              Mapped(root, va) && LookupFrame(root, va) == LookupFrame{Pre}(root, va) &&
                              LookupFlags(root, va) == flags;
      // protect_frame: no other user lookup of any space changes.
      ensures protect_frame: LeavesSameExcept{Pre, Post}(root, va);
    complete behaviors;
    disjoint behaviors;
*/
mm_status vm_protect(uint32_t root, uint64_t va, uint32_t flags);

struct vm_lookup_result { mm_status status; uint32_t frame; uint32_t flags; };

/* What va maps to: MM_OK with frame and flags, or MM_NOT_MAPPED /
 * MM_BAD_ARGUMENT with frame PMM_NONE and flags 0. */
/*@ // paging_valid: the paging invariant holds on entry (PagingValid: pool counter and table ownership).
    requires paging_valid: PagingValid;
    assigns \nothing;
    behavior bad_argument:
      assumes !SpaceRoot(root) || !UserVa(va);
      // lookup_bad: a root that is no space or a va not a user page: MM_BAD_ARGUMENT, frame PMM_NONE, flags 0.
      ensures lookup_bad: \result.status == MM_BAD_ARGUMENT && \result.frame == PMM_NONE && \result.flags == 0;
    behavior not_mapped:
      assumes SpaceRoot(root) && UserVa(va) && !Mapped(root, va);
      // lookup_none: an unmapped va: MM_NOT_MAPPED, frame PMM_NONE, flags 0.
      ensures lookup_none: \result.status == MM_NOT_MAPPED && \result.frame == PMM_NONE && \result.flags == 0;
    behavior mapped:
      assumes SpaceRoot(root) && UserVa(va) && Mapped(root, va);
      // lookup_result: a mapped va: MM_OK with the frame and flags of its leaf entry.
      ensures lookup_result: \result.status == MM_OK && \result.frame == LookupFrame(root, va) &&
                             \result.flags == LookupFlags(root, va);
      // lookup_owned: that frame is a pool frame, a user frame owned by root.
      ensures lookup_owned: PmmFrame(\result.frame) && pmm_desc_state[\result.frame] == FRAME_USER &&
                            pmm_desc_owner[\result.frame] == root;
    complete behaviors;
    disjoint behaviors;
*/
struct vm_lookup_result vm_lookup(uint32_t root, uint64_t va);

#endif
