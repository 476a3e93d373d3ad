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
/*@ assigns pmm_desc_state[0 .. POOL_FRAMES - 1], pmm_nfree;
    ensures pmm_valid: PmmValid;
    ensures init_reserved: \forall integer f; PmmFrame(f) ==> pmm_desc_state[f] == FRAME_RESERVED;
    ensures init_count: pmm_nfree == 0;
*/
void pmm_init(void);

/* Boot: a reserved frame in usable RAM becomes free. MM_BAD_ARGUMENT for an
 * index outside the pool or a frame that is not reserved (nothing changes). */
/*@ requires pmm_valid: PmmValid;
    assigns pmm_desc_state[f], pmm_nfree;
    ensures pmm_valid: PmmValid;
    ensures add_free_others: PmmDescSameExcept{Pre, Post}(f);
    behavior ok:
      assumes PmmFrame(f) && pmm_desc_state[f] == FRAME_RESERVED;
      ensures add_free_result: \result == MM_OK;
      ensures add_free_state: pmm_desc_state[f] == FRAME_FREE;
      ensures add_free_count: pmm_nfree == \old(pmm_nfree) + 1;
    behavior refused:
      assumes !PmmFrame(f) || pmm_desc_state[f] != FRAME_RESERVED;
      ensures add_free_refused: \result == MM_BAD_ARGUMENT;
      ensures add_free_unchanged: PmmDescSameExcept{Pre, Post}(-1) && pmm_nfree == \old(pmm_nfree);
    complete behaviors;
    disjoint behaviors;
*/
mm_status pmm_add_free(uint32_t f);

/* Some free frame, or PMM_NONE exactly when none is free. Changes nothing. */
/*@ requires pmm_valid: PmmValid;
    assigns \nothing;
    behavior some:
      assumes pmm_nfree > 0;
      ensures find_free: PmmFrame(\result) && pmm_desc_state[\result] == FRAME_FREE;
    behavior none:
      assumes pmm_nfree == 0;
      ensures find_none: \result == PMM_NONE;
    complete behaviors;
    disjoint behaviors;
*/
uint32_t pmm_find_free(void);

/* The free frame f becomes allocated: zeroed, in state st with the given
 * owner (PMM_SELF: f itself), level and prefix; one free frame less. Only
 * f's descriptor and words change (the assigns clause says so exactly). */
/*@ requires pmm_valid: PmmValid;
    requires claim_free: PmmFrame(f) && pmm_desc_state[f] == FRAME_FREE;
    requires claim_state: st == FRAME_KERNEL || st == FRAME_TABLE || st == FRAME_USER;
    assigns pmm_desc_state[f], pmm_desc_owner[f], pmm_desc_level[f], pmm_desc_prefix[f],
            pmm_nfree, frame_pool[f][0 .. FRAME_WORDS - 1];
    ensures pmm_valid: PmmValid;
    ensures alloc_fresh_owned: pmm_desc_state[f] == st &&
                               pmm_desc_owner[f] == (owner == PMM_SELF ? f : owner) &&
                               pmm_desc_level[f] == level && pmm_desc_prefix[f] == prefix;
    ensures alloc_fresh_zeroed: FrameZero(f);
    ensures alloc_fresh_count: pmm_nfree == \old(pmm_nfree) - 1;
*/
void pmm_claim(uint32_t f, enum frame_state st, uint32_t owner, uint8_t level, uint64_t prefix);

/* A zeroed frame, now in state st with the given owner, level and prefix
 * (owner PMM_SELF: the frame's own index). PMM_NONE, with nothing changed,
 * exactly when no frame is free. */
/*@ requires pmm_valid: PmmValid;
    requires alloc_state: st == FRAME_KERNEL || st == FRAME_TABLE || st == FRAME_USER;
    assigns pmm_desc_state[0 .. POOL_FRAMES - 1], pmm_desc_owner[0 .. POOL_FRAMES - 1],
            pmm_desc_level[0 .. POOL_FRAMES - 1], pmm_desc_prefix[0 .. POOL_FRAMES - 1],
            pmm_nfree, frame_pool[..][..];
    ensures pmm_valid: PmmValid;
    ensures alloc_other_desc: PmmDescSameExcept{Pre, Post}(\result);
    ensures alloc_other_frames: PoolSameExcept{Pre, Post}(\result);
    behavior ok:
      assumes pmm_nfree > 0;
      ensures alloc_fresh_index: PmmFrame(\result);
      ensures alloc_fresh_was_free: \at(pmm_desc_state[\result], Pre) == FRAME_FREE;
      ensures alloc_fresh_owned: pmm_desc_state[\result] == st &&
                                 pmm_desc_owner[\result] == (owner == PMM_SELF ? \result : owner) &&
                                 pmm_desc_level[\result] == level && pmm_desc_prefix[\result] == prefix;
      ensures alloc_fresh_zeroed: FrameZero(\result);
      ensures alloc_fresh_count: pmm_nfree == \old(pmm_nfree) - 1;
    behavior no_memory:
      assumes pmm_nfree == 0;
      ensures alloc_none: \result == PMM_NONE;
      ensures alloc_none_count: pmm_nfree == 0;
    complete behaviors;
    disjoint behaviors;
*/
uint32_t pmm_alloc(enum frame_state st, uint32_t owner, uint8_t level, uint64_t prefix);

/* A table or user frame becomes free. Refuses (MM_NOT_ALLOCATED, nothing
 * changed) a free, reserved or kernel frame; MM_BAD_ARGUMENT out of range. */
/*@ requires pmm_valid: PmmValid;
    assigns pmm_desc_state[f], pmm_nfree;
    ensures pmm_valid: PmmValid;
    ensures free_others: PmmDescSameExcept{Pre, Post}(f);
    ensures free_desc_kept: PmmFrame(f) ==> pmm_desc_owner[f] == \old(pmm_desc_owner[f]) &&
                            pmm_desc_level[f] == \old(pmm_desc_level[f]) &&
                            pmm_desc_prefix[f] == \old(pmm_desc_prefix[f]);
    behavior ok:
      assumes PmmFrame(f) && PmmAllocated(f);
      ensures free_exact_result: \result == MM_OK;
      ensures free_exact_state: pmm_desc_state[f] == FRAME_FREE;
      ensures free_exact_count: pmm_nfree == \old(pmm_nfree) + 1;
    behavior out_of_range:
      assumes !PmmFrame(f);
      ensures free_bad_result: \result == MM_BAD_ARGUMENT;
      ensures free_bad_unchanged: PmmDescSameExcept{Pre, Post}(-1) && pmm_nfree == \old(pmm_nfree);
    behavior not_allocated:
      assumes PmmFrame(f) && !PmmAllocated(f);
      ensures free_refused_result: \result == MM_NOT_ALLOCATED;
      ensures free_refused_unchanged: PmmDescSameExcept{Pre, Post}(-1) && pmm_nfree == \old(pmm_nfree);
    complete behaviors;
    disjoint behaviors;
*/
mm_status pmm_free(uint32_t f);

/* The number of free frames. */
/*@ requires pmm_valid: PmmValid;
    assigns \nothing;
    ensures free_count: \result == PmmFreeCount(POOL_FRAMES);
*/
uint32_t pmm_free_count(void);

/* Descriptor fields of frame f (f < POOL_FRAMES). */
/*@ requires PmmFrame(f); assigns \nothing; ensures \result == pmm_desc_state[f]; */
enum frame_state pmm_state(uint32_t f);
/*@ requires PmmFrame(f); assigns \nothing; ensures \result == pmm_desc_owner[f]; */
uint32_t pmm_owner(uint32_t f);
/*@ requires PmmFrame(f); assigns \nothing; ensures \result == pmm_desc_level[f]; */
uint8_t pmm_level(uint32_t f);
/*@ requires PmmFrame(f); assigns \nothing; ensures \result == pmm_desc_prefix[f]; */
uint64_t pmm_prefix(uint32_t f);

#endif
