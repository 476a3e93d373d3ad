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

#include "../../spec/paging.acsl"

bool pte_present(uint64_t e);
bool pte_writable(uint64_t e);
bool pte_user(uint64_t e);
bool pte_nx(uint64_t e);
/* The pool index a present entry points to, PMM_NONE if outside the pool. */
uint32_t pte_frame(uint64_t e);
/* A present user leaf entry for pool frame f with VM_* flags. */
uint64_t pte_make(uint32_t f, uint32_t flags);
/* A present, writable, user, executable entry for table frame f. */
uint64_t pte_make_table(uint32_t f);

/* A zeroed PML4 owned by itself (owner = its own index), or PMM_NONE. */
uint32_t pt_root_create(void);

/* Map a fresh zeroed user frame at va with flags, creating tables as needed. */
mm_status vm_map(uint32_t root, uint64_t va, uint32_t flags);

/* Unmap the page at va and free its user frame. */
mm_status vm_unmap(uint32_t root, uint64_t va);

/* Change the flags of the page mapped at va. */
mm_status vm_protect(uint32_t root, uint64_t va, uint32_t flags);

struct vm_lookup_result { mm_status status; uint32_t frame; uint32_t flags; };

/* What va maps to: MM_OK with frame and flags, or MM_NOT_MAPPED /
 * MM_BAD_ARGUMENT with frame PMM_NONE and flags 0. */
struct vm_lookup_result vm_lookup(uint32_t root, uint64_t va);

#endif
