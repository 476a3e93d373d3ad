/* Address spaces: the frozen kernel template, and create / clone (for fork)
 * / destroy of whole spaces over the frame pool. A space is named by the pool
 * index of its root PML4; its CR3 value is POOL_PHYS_BASE + root * 4096.
 * Logic in spec/vmspace.acsl; every clause is labelled with its property. */
#ifndef ISOLA_MM_VMSPACE_H
#define ISOLA_MM_VMSPACE_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "pool.h"
#include "pmm.h"
#include "paging.h"

/* The boot page-table root (boot/entry.asm; also declared, identically, in
 * include/arch/memlayout.h). Entries 256..511 are the kernel half. */
extern uint64_t boot_pml4[512];

/* vm_kernel_template, the kernel template's frame index (PMM_NONE before
 * vm_template_init), is declared in include/mm/paging.h. */
/* pmm_nfree when the clone in progress began (set by vm_space_clone, read
 * by it alone): how many frames the clone has taken so far decides whether
 * it copies a page through the caches or with non-temporal stores. That is
 * how a page is copied, never what: no contract depends on its value. */
extern uint32_t vm_clone_free0;

#include "../../spec/vmspace.acsl"

/* Boot, once: a pool frame (state FRAME_KERNEL, owning itself) whose entries
 * 256..511 copy boot_pml4[256..511] and 0..255 are zero; recorded in
 * vm_kernel_template. PMM_NONE, nothing changed, if the pool is empty. */
/*@ // paging_valid: the paging invariant holds on entry (PagingValid: pool counter and table ownership).
    requires paging_valid: PagingValid;
    // boot_pool: no pool frame is yet a table or user frame, and the high-water mark is within the pool.
    requires boot_pool: (\forall integer f; PmmFrame(f) ==> !PmmAllocated(f)) && pmm_top <= POOL_FRAMES;
    assigns pmm_desc_state[0 .. POOL_FRAMES - 1], pmm_desc_owner[0 .. POOL_FRAMES - 1],
            pmm_desc_level[0 .. POOL_FRAMES - 1], pmm_desc_prefix[0 .. POOL_FRAMES - 1],
            pmm_nfree, pmm_hint, pmm_top,
            pmm_owner_top[0 .. POOL_FRAMES - 1], pmm_owner_low[0 .. POOL_FRAMES - 1],
            frame_pool[..][..], vm_kernel_template, pt_slot_mark[0 .. POOL_FRAMES - 1];
    // paging_valid: the pool and every page table stay well formed.
    ensures paging_valid: PagingValid;
    behavior ok:
      assumes pmm_nfree > 0;
      // template_valid: the vmspace invariant now holds and the result is recorded as vm_kernel_template.
      ensures template_valid: VmValid && \result == vm_kernel_template;
      // template_self: the template owns itself.
      ensures template_self: pmm_desc_owner[\result] == \result;
      // template_user_empty: entries 0..255 of the template are zero.
      ensures template_user_empty: UserHalfEmpty(\result);
      // template_kernel_half: entries 256..511 copy those of boot_pml4.
      ensures template_kernel_half: \forall integer i; 256 <= i < 512 ==> frame_pool[\result][i] == boot_pml4[i];
      // template_count: one free frame less.
      ensures template_count: pmm_nfree == \old(pmm_nfree) - 1;
    behavior no_memory:
      assumes pmm_nfree == 0;
      // template_none: with no free frame, PMM_NONE, nothing changes and vm_kernel_template is kept.
      ensures template_none: \result == PMM_NONE && MmSame{Pre, Post} &&
                             vm_kernel_template == \old(vm_kernel_template);
    complete behaviors;
    disjoint behaviors;
*/
uint32_t vm_template_init(void);

/* A new space: user half empty, kernel half equal to the template. PMM_NONE,
 * nothing changed, if no frame is free. */
/*@ // vm_valid: the address-space invariant holds on entry (VmValid: paging, template, live owners, shared kernel half, high-water and slot marks).
    requires vm_valid: VmValid;
    assigns pmm_desc_state[0 .. POOL_FRAMES - 1], pmm_desc_owner[0 .. POOL_FRAMES - 1],
            pmm_desc_level[0 .. POOL_FRAMES - 1], pmm_desc_prefix[0 .. POOL_FRAMES - 1],
            pmm_nfree, pmm_hint, pmm_top,
            pmm_owner_top[0 .. POOL_FRAMES - 1], pmm_owner_low[0 .. POOL_FRAMES - 1], frame_pool[..][..],
            pt_slot_mark[0 .. POOL_FRAMES - 1];
    // vm_valid: paging valid, template intact, owners live, every space shares the kernel half, nothing allocated above pmm_top or outside its owner's marks, no table slot set at or above its slot mark.
    ensures vm_valid: VmValid;
    // create_others: no descriptor and no frame other than the result's changes.
    ensures create_others: PmmDescSameExcept{Pre, Post}(\result) && PoolSameExcept{Pre, Post}(\result);
    behavior ok:
      assumes pmm_nfree > 0;
      // create_space: when a frame is free, the result is a space root.
      ensures create_space: SpaceRoot(\result);
      // create_fresh: the result was free on entry.
      ensures create_fresh: \at(pmm_desc_state[\result], Pre) == FRAME_FREE;
      // user_half_empty: no entry of its user half is set.
      ensures user_half_empty: UserHalfEmpty(\result);
      // kernel_half_shared: its kernel half is the template's.
      ensures kernel_half_shared: KernelHalfShared(\result);
      // create_count: one free frame less.
      ensures create_count: pmm_nfree == \old(pmm_nfree) - 1;
    behavior no_memory:
      assumes pmm_nfree == 0;
      // no_memory: with no free frame, PMM_NONE and nothing changes.
      ensures no_memory: \result == PMM_NONE && MmSame{Pre, Post};
    complete behaviors;
    disjoint behaviors;
*/
uint32_t vm_space_create(void);

/* A new space mapping exactly parent's user pages, each in a fresh frame of
 * the child with equal bytes and flags; the parent is unchanged. PMM_NONE if
 * parent is not a space, or on running out of frames, with every frame taken
 * freed again (the free count is back to its value at entry). */
/*@ // vm_valid: the address-space invariant holds on entry (VmValid: paging, template, live owners, shared kernel half, high-water and slot marks).
    requires vm_valid: VmValid;
    assigns pmm_desc_state[0 .. POOL_FRAMES - 1], pmm_desc_owner[0 .. POOL_FRAMES - 1],
            pmm_desc_level[0 .. POOL_FRAMES - 1], pmm_desc_prefix[0 .. POOL_FRAMES - 1],
            pmm_nfree, pmm_hint, pmm_top,
            pmm_owner_top[0 .. POOL_FRAMES - 1], pmm_owner_low[0 .. POOL_FRAMES - 1], frame_pool[..][..],
            pt_slot_mark[0 .. POOL_FRAMES - 1], vm_clone_free0;
    // vm_valid: paging valid, template intact, owners live, every space shares the kernel half, nothing allocated above pmm_top or outside its owner's marks, no table slot set at or above its slot mark.
    ensures vm_valid: VmValid;
    // clone_parent_unchanged: every frame in use on entry keeps its descriptor and words.
    ensures clone_parent_unchanged: KeptExcept{Pre, Post}(-1);
    behavior bad_argument:
      assumes !SpaceRoot(parent);
      // clone_refused: parent is no space: PMM_NONE, nothing changes.
      ensures clone_refused: \result == PMM_NONE && MmSame{Pre, Post};
    behavior space:
      assumes SpaceRoot(parent);
      // clone_no_leak: on failure every frame state and the free count are back to their entry values.
      ensures clone_no_leak: \result == PMM_NONE ==>
        (\forall integer f; PmmFrame(f) ==> pmm_desc_state[f] == \old(pmm_desc_state[f])) &&
        pmm_nfree == \old(pmm_nfree);
      // clone_fresh: on success the result is a new space root, and every frame taken was free and belongs to it.
      ensures clone_fresh: \result != PMM_NONE ==>
        SpaceRoot(\result) && \at(pmm_desc_state[\result], Pre) == FRAME_FREE &&
        TakenBy{Pre, Post}(\result) &&
        \forall integer f; PmmFrame(f) && Owned(f, \result) ==> \at(pmm_desc_state[f], Pre) == FRAME_FREE;
      // clone_equal: every user page of the child maps like the parent's: same flags, equal bytes.
      ensures clone_equal: \result != PMM_NONE ==> \forall integer va; UserVa(va) ==> Corr(parent, \result, va);
      // kernel_half_shared: on success the child's kernel half is the template's.
      ensures kernel_half_shared: \result != PMM_NONE ==> KernelHalfShared(\result);
    complete behaviors;
    disjoint behaviors;
*/
uint32_t vm_space_clone(uint32_t parent);

/* Frees exactly the frames root owns (its tables and user frames, root
 * itself last). MM_BAD_ARGUMENT, nothing changed, if root is not a space
 * (the template, a freed space, any other frame). It scans for frames
 * owned by root the descriptors from root's low mark (pmm_owner_low[root],
 * the lowest frame the space held) to below the lower of the pool's
 * high-water mark and root's own top mark (pmm_owner_top[root], one past
 * the highest): O(the span of root's frames), whatever other spaces hold
 * below or above it. */
/*@ // vm_valid: the address-space invariant holds on entry (VmValid: paging, template, live owners, shared kernel half, high-water and slot marks).
    requires vm_valid: VmValid;
    assigns pmm_desc_state[0 .. POOL_FRAMES - 1], pmm_nfree, pmm_hint, pmm_top,
            pt_slot_mark[0 .. POOL_FRAMES - 1];
    // vm_valid: paging valid, template intact, owners live, every space shares the kernel half, nothing allocated above pmm_top or outside its owner's marks, no table slot set at or above its slot mark.
    ensures vm_valid: VmValid;
    behavior space:
      assumes SpaceRoot(root);
      // destroy_result: a space is destroyed with MM_OK.
      ensures destroy_result: \result == MM_OK;
      // destroy_exact: exactly the frames root owned are free now; every other frame keeps its state.
      ensures destroy_exact: \forall integer f; PmmFrame(f) ==>
        (Owned{Pre}(f, root) ==> pmm_desc_state[f] == FRAME_FREE) &&
        (!Owned{Pre}(f, root) ==> pmm_desc_state[f] == \at(pmm_desc_state[f], Pre));
    behavior refused:
      assumes !SpaceRoot(root);
      // destroy_refused: root is no space: MM_BAD_ARGUMENT, nothing changes.
      ensures destroy_refused: \result == MM_BAD_ARGUMENT && MmSame{Pre, Post};
    complete behaviors;
    disjoint behaviors;
*/
mm_status vm_space_destroy(uint32_t root);

/* vm_map, vm_unmap, vm_protect and vm_prune (include/mm/paging.h) for a
 * caller that holds VmValid: the same call and result, and VmValid holds
 * afterwards, so the space can then be cloned or destroyed. (The paging
 * calls promise PagingValid, SpaceStep and MarksKept; these wrappers are
 * where that is shown to give VmValid back.) */
/*@ // vm_valid: the address-space invariant holds on entry (VmValid: paging, template, live owners, shared kernel half, high-water and slot marks).
    requires vm_valid: VmValid;
    assigns pmm_desc_state[0 .. POOL_FRAMES - 1], pmm_desc_owner[0 .. POOL_FRAMES - 1],
            pmm_desc_level[0 .. POOL_FRAMES - 1], pmm_desc_prefix[0 .. POOL_FRAMES - 1],
            pmm_nfree, pmm_hint, pmm_top,
            pmm_owner_top[0 .. POOL_FRAMES - 1], pmm_owner_low[0 .. POOL_FRAMES - 1], frame_pool[..][..],
            pt_slot_mark[0 .. POOL_FRAMES - 1];
    // vm_valid: paging valid, template intact, owners live, every space shares the kernel half, nothing allocated above pmm_top or outside its owner's marks, no table slot set at or above its slot mark.
    ensures vm_valid: VmValid;
    // space_mapped: on MM_OK va is mapped in root with these flags, to a zeroed user frame of root that was free, and no other lookup of any space changed.
    ensures space_mapped: \result == MM_OK ==>
                            Mapped(root, va) && LookupFlags(root, va) == flags &&
                            (\let f = LookupFrame(root, va); \at(pmm_desc_state[f], Pre) == FRAME_FREE &&
                               pmm_desc_owner[f] == root && FrameZero(f)) &&
                            LeavesSameExcept{Pre, Post}(root, va);
    // space_unchanged: otherwise nothing changed.
    ensures space_unchanged: \result != MM_OK ==> MmSame{Pre, Post};
*/
mm_status vm_space_map(uint32_t root, uint64_t va, uint32_t flags);

/*@ // vm_valid: the address-space invariant holds on entry (VmValid: paging, template, live owners, shared kernel half, high-water and slot marks).
    requires vm_valid: VmValid;
    assigns frame_pool[WalkL1(root, va)][Ix1(va)],
            pmm_desc_state[PteIndex(LeafPte(root, va))], pmm_nfree, pmm_hint, pmm_top,
            pt_slot_mark[PteIndex(LeafPte(root, va))];
    // vm_valid: paging valid, template intact, owners live, every space shares the kernel half, nothing allocated above pmm_top or outside its owner's marks, no table slot set at or above its slot mark.
    ensures vm_valid: VmValid;
    // space_unmapped: on MM_OK va is unmapped in root and no other lookup of any space changed; otherwise nothing changed.
    ensures space_unmapped: \result == MM_OK ? LeafPte(root, va) == 0 && LeavesSameExcept{Pre, Post}(root, va)
                                              : MmSame{Pre, Post};
*/
mm_status vm_space_unmap(uint32_t root, uint64_t va);

/*@ // vm_valid: the address-space invariant holds on entry (VmValid: paging, template, live owners, shared kernel half, high-water and slot marks).
    requires vm_valid: VmValid;
    assigns frame_pool[WalkL1(root, va)][Ix1(va)];
    // vm_valid: paging valid, template intact, owners live, every space shares the kernel half, nothing allocated above pmm_top or outside its owner's marks, no table slot set at or above its slot mark.
    ensures vm_valid: VmValid;
    // space_protected: on MM_OK va keeps its frame with the new flags and no other lookup of any space changed; otherwise nothing changed.
    ensures space_protected: \result == MM_OK ?
                               LeafPte(root, va) == LeafEntry(LookupFrame{Pre}(root, va), flags) &&
                               LeavesSameExcept{Pre, Post}(root, va)
                             : MmSame{Pre, Post};
*/
mm_status vm_space_protect(uint32_t root, uint64_t va, uint32_t flags);

/*@ // vm_valid: the address-space invariant holds on entry (VmValid: paging, template, live owners, shared kernel half, high-water and slot marks).
    requires vm_valid: VmValid;
    assigns frame_pool[WalkL2(root, va)][Ix2(va)],
            pmm_desc_state[WalkL1(root, va)], pmm_nfree, pmm_hint, pmm_top;
    // vm_valid: paging valid, template intact, owners live, every space shares the kernel half, nothing allocated above pmm_top or outside its owner's marks, no table slot set at or above its slot mark.
    ensures vm_valid: VmValid;
    // space_pruned: on MM_OK the empty page table that covered va is free and no user lookup of any space changed; otherwise nothing changed.
    ensures space_pruned: \result == MM_OK ?
                            WalkL1(root, va) == POOL_FRAMES && LeavesSameExcept{Pre, Post}(-1, -1)
                          : MmSame{Pre, Post};
*/
mm_status vm_space_prune(uint32_t root, uint64_t va);

#endif
