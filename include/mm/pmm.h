/* The frame allocator: one descriptor per pool frame (state, owner, level,
 * parent slot) and a counter of free frames. Contracts: spec/pmm.acsl holds
 * the logic, every clause below is labelled with the property it proves. */
#ifndef ISOLA_MM_PMM_H
#define ISOLA_MM_PMM_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "pool.h"

enum frame_state { FRAME_FREE, FRAME_RESERVED, FRAME_KERNEL, FRAME_TABLE, FRAME_USER };

typedef enum {
    MM_OK = 0, MM_NO_MEMORY, MM_BAD_ARGUMENT, MM_NOT_MAPPED, MM_ALREADY_MAPPED, MM_NOT_ALLOCATED
} mm_status;

#define PMM_NONE POOL_FRAMES   /* "no frame" */
#define PMM_SELF PMM_NONE      /* as owner for pmm_alloc: the frame owns itself (a root) */

/* Levels: 4 = PML4 (root), 3 = PDPT, 2 = PD, 1 = PT, 0 = user data. */
#define PMM_LEVEL_ROOT 4u
#define PMM_LEVEL_DATA 0u

/* The descriptors. Read them through the accessors; they are visible here
 * only so that contracts can name them. prefix of a non-root frame is the
 * slot it hangs from: parent frame index * 512 + entry index. */
extern uint8_t  pmm_desc_state[POOL_FRAMES];
extern uint32_t pmm_desc_owner[POOL_FRAMES];
extern uint8_t  pmm_desc_level[POOL_FRAMES];
extern uint64_t pmm_desc_prefix[POOL_FRAMES];
extern uint32_t pmm_nfree;

#include "../../spec/pmm.acsl"

/* Every frame reserved, free count 0. */
void pmm_init(void);

/* Boot: a reserved frame in usable RAM becomes free. MM_BAD_ARGUMENT for an
 * index outside the pool or a frame that is not reserved (nothing changes). */
mm_status pmm_add_free(uint32_t f);

/* A zeroed frame, now in state st with the given owner, level and prefix
 * (owner PMM_SELF: the frame's own index). PMM_NONE, with nothing changed,
 * exactly when no frame is free. */
uint32_t pmm_alloc(enum frame_state st, uint32_t owner, uint8_t level, uint64_t prefix);

/* A table or user frame becomes free. Refuses (MM_NOT_ALLOCATED, nothing
 * changed) a free, reserved or kernel frame; MM_BAD_ARGUMENT out of range. */
mm_status pmm_free(uint32_t f);

/* The number of free frames. */
uint32_t pmm_free_count(void);

/* Descriptor fields of frame f (f < POOL_FRAMES). */
enum frame_state pmm_state(uint32_t f);
uint32_t pmm_owner(uint32_t f);
uint8_t pmm_level(uint32_t f);
uint64_t pmm_prefix(uint32_t f);

#endif
