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

/* Boot, once: a pool frame (state FRAME_KERNEL, owning itself) whose entries
 * 256..511 copy boot_pml4[256..511] and 0..255 are zero; recorded in
 * vm_kernel_template. PMM_NONE, nothing changed, if the pool is empty. */
uint32_t vm_template_init(void);

/* A new space: user half empty, kernel half equal to the template. PMM_NONE,
 * nothing changed, if no frame is free. */
uint32_t vm_space_create(void);

/* A new space mapping exactly parent's user pages, each in a fresh frame of
 * the child with equal bytes and flags; the parent is unchanged. PMM_NONE if
 * parent is not a space, or on running out of frames, with every frame taken
 * freed again (the free count is back to its value at entry). */
uint32_t vm_space_clone(uint32_t parent);

/* Frees exactly the frames root owns (its tables and user frames, root
 * itself last). MM_BAD_ARGUMENT, nothing changed, if root is not a space
 * (the template, a freed space, any other frame). O(POOL_FRAMES): it scans
 * the descriptors for frames owned by root. */
mm_status vm_space_destroy(uint32_t root);

#endif
