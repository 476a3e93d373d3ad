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

/* The kernel template's frame index (PMM_NONE before vm_template_init). */
extern uint32_t vm_kernel_template;

#include "../../spec/vmspace.acsl"

/* Boot, once: a pool frame (state FRAME_KERNEL, owning itself) whose entries
 * 256..511 copy boot_pml4[256..511] and 0..255 are zero; recorded in
 * vm_kernel_template. PMM_NONE, nothing changed, if the pool is empty. */
/*@ requires paging_valid: PagingValid;
    requires boot_pool: \forall integer f; PmmFrame(f) ==> !PmmAllocated(f);
    assigns pmm_desc_state[0 .. POOL_FRAMES - 1], pmm_desc_owner[0 .. POOL_FRAMES - 1],
            pmm_desc_level[0 .. POOL_FRAMES - 1], pmm_desc_prefix[0 .. POOL_FRAMES - 1],
            pmm_nfree, frame_pool[..][..], vm_kernel_template;
    ensures paging_valid: PagingValid;
    behavior ok:
      assumes pmm_nfree > 0;
      ensures template_valid: VmValid && \result == vm_kernel_template;
      ensures template_self: pmm_desc_owner[\result] == \result;
      ensures template_user_empty: UserHalfEmpty(\result);
      ensures template_kernel_half: \forall integer i; 256 <= i < 512 ==> frame_pool[\result][i] == boot_pml4[i];
      ensures template_count: pmm_nfree == \old(pmm_nfree) - 1;
    behavior no_memory:
      assumes pmm_nfree == 0;
      ensures template_none: \result == PMM_NONE && MmSame{Pre, Post} &&
                             vm_kernel_template == \old(vm_kernel_template);
    complete behaviors;
    disjoint behaviors;
*/
uint32_t vm_template_init(void);

/* A new space: user half empty, kernel half equal to the template. PMM_NONE,
 * nothing changed, if no frame is free. */
/*@ requires vm_valid: VmValid;
    assigns pmm_desc_state[0 .. POOL_FRAMES - 1], pmm_desc_owner[0 .. POOL_FRAMES - 1],
            pmm_desc_level[0 .. POOL_FRAMES - 1], pmm_desc_prefix[0 .. POOL_FRAMES - 1],
            pmm_nfree, frame_pool[..][..];
    ensures vm_valid: VmValid;
    ensures create_others: PmmDescSameExcept{Pre, Post}(\result) && PoolSameExcept{Pre, Post}(\result);
    behavior ok:
      assumes pmm_nfree > 0;
      ensures create_space: SpaceRoot(\result);
      ensures create_fresh: \at(pmm_desc_state[\result], Pre) == FRAME_FREE;
      ensures user_half_empty: UserHalfEmpty(\result);
      ensures kernel_half_shared: KernelHalfShared(\result);
      ensures create_count: pmm_nfree == \old(pmm_nfree) - 1;
    behavior no_memory:
      assumes pmm_nfree == 0;
      ensures no_memory: \result == PMM_NONE && MmSame{Pre, Post};
    complete behaviors;
    disjoint behaviors;
*/
uint32_t vm_space_create(void);

/* A new space mapping exactly parent's user pages, each in a fresh frame of
 * the child with equal bytes and flags; the parent is unchanged. PMM_NONE if
 * parent is not a space, or on running out of frames, with every frame taken
 * freed again (the free count is back to its value at entry). */
/*@ requires vm_valid: VmValid;
    assigns pmm_desc_state[0 .. POOL_FRAMES - 1], pmm_desc_owner[0 .. POOL_FRAMES - 1],
            pmm_desc_level[0 .. POOL_FRAMES - 1], pmm_desc_prefix[0 .. POOL_FRAMES - 1],
            pmm_nfree, frame_pool[..][..];
    ensures vm_valid: VmValid;
    ensures clone_parent_unchanged: KeptExcept{Pre, Post}(-1);
    behavior bad_argument:
      assumes !SpaceRoot(parent);
      ensures clone_refused: \result == PMM_NONE && MmSame{Pre, Post};
    behavior space:
      assumes SpaceRoot(parent);
      ensures clone_no_leak: \result == PMM_NONE ==>
        (\forall integer f; PmmFrame(f) ==> pmm_desc_state[f] == \old(pmm_desc_state[f])) &&
        pmm_nfree == \old(pmm_nfree);
      ensures clone_fresh: \result != PMM_NONE ==>
        SpaceRoot(\result) && \at(pmm_desc_state[\result], Pre) == FRAME_FREE &&
        TakenBy{Pre, Post}(\result) &&
        \forall integer f; PmmFrame(f) && Owned(f, \result) ==> \at(pmm_desc_state[f], Pre) == FRAME_FREE;
      ensures clone_equal: \result != PMM_NONE ==> \forall integer va; UserVa(va) ==> Corr(parent, \result, va);
      ensures kernel_half_shared: \result != PMM_NONE ==> KernelHalfShared(\result);
    complete behaviors;
    disjoint behaviors;
*/
uint32_t vm_space_clone(uint32_t parent);

/* Frees exactly the frames root owns (its tables and user frames, root
 * itself last). MM_BAD_ARGUMENT, nothing changed, if root is not a space
 * (the template, a freed space, any other frame). O(POOL_FRAMES): it scans
 * the descriptors for frames owned by root. */
/*@ requires vm_valid: VmValid;
    assigns pmm_desc_state[0 .. POOL_FRAMES - 1], pmm_nfree;
    ensures vm_valid: VmValid;
    behavior space:
      assumes SpaceRoot(root);
      ensures destroy_result: \result == MM_OK;
      ensures destroy_exact: \forall integer f; PmmFrame(f) ==>
        (Owned{Pre}(f, root) ==> pmm_desc_state[f] == FRAME_FREE) &&
        (!Owned{Pre}(f, root) ==> pmm_desc_state[f] == \at(pmm_desc_state[f], Pre));
    behavior refused:
      assumes !SpaceRoot(root);
      ensures destroy_refused: \result == MM_BAD_ARGUMENT && MmSame{Pre, Post};
    complete behaviors;
    disjoint behaviors;
*/
mm_status vm_space_destroy(uint32_t root);

#endif
