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
 * so that contracts can name them, and so that destroy's scan can read two
 * per frame without two calls per frame. prefix of a non-root frame is the
 * slot it hangs from: parent frame index * 512 + entry index. */
extern uint8_t  pmm_desc_state[POOL_FRAMES];
extern uint32_t pmm_desc_owner[POOL_FRAMES];
extern uint8_t  pmm_desc_level[POOL_FRAMES];
extern uint64_t pmm_desc_prefix[POOL_FRAMES];
extern uint32_t pmm_nfree;
/* Where pmm_find_free starts scanning: one past the frame claimed last, or
 * the lowest frame freed since (next fit, and a freed frame is reused while
 * it is still in the cache). A hint only: no property depends on its value. */
extern uint32_t pmm_hint;
/* A high-water mark: a claim raises it to one past the frame claimed, a
 * free lowers it past the free frames at the top, so at run time it is one
 * past the highest table or user frame. What is proven (PmmBelowTop): no
 * frame at or above it is a table or user frame, so a scan for the frames
 * of a space stops there. */
extern uint32_t pmm_top;
/* The same per owner, for the spaces, from both ends: pmm_owner_top[r] is
 * above and pmm_owner_low[r] at or below every table or user frame owned by
 * r (a claim raises the one or lowers the other; vm_space_create sets them
 * to r + 1 and r for a new space, which owns only its root). What is proven
 * (PmmWithinOwnerMarks): a frame owned by r lies in [pmm_owner_low[r],
 * pmm_owner_top[r]), so destroy's scan for r's frames covers only that
 * range, however many frames other spaces hold below or above it. */
extern uint32_t pmm_owner_top[POOL_FRAMES];
extern uint32_t pmm_owner_low[POOL_FRAMES];
/* How frames are zeroed and copied: nonzero = one `rep stosq` / `rep movsq`
 * per frame, 0 = an unrolled loop of 8-byte moves. Set once at boot, before
 * the first claim, from CPUID (ERMS: the CPU runs string instructions fast;
 * QEMU's TCG runs them far slower than the loop). It changes how, never
 * what: every contract below holds whatever its value. */
extern uint8_t pmm_rep_strings;

#include "../../spec/pmm.acsl"

/* Every frame reserved, free count 0. */
/*@ assigns pmm_desc_state[0 .. POOL_FRAMES - 1], pmm_nfree, pmm_hint, pmm_top;
    // pmm_valid: the free counter equals the number of free descriptors.
    ensures pmm_valid: PmmValid;
    // below_top: the high-water mark is 0 and nothing is allocated above it.
    ensures below_top: PmmBelowTop && pmm_top == 0;
    // within_owner_marks: no frame is allocated, so each lies within its owner's marks.
    ensures within_owner_marks: PmmWithinOwnerMarks;
    // init_reserved: every frame of the pool is reserved.
    ensures init_reserved: \forall integer f; PmmFrame(f) ==> pmm_desc_state[f] == FRAME_RESERVED;
    // init_count: no frame is free.
    ensures init_count: pmm_nfree == 0;
*/
void pmm_init(void);

/* Boot: a reserved frame in usable RAM becomes free. MM_BAD_ARGUMENT for an
 * index outside the pool or a frame that is not reserved (nothing changes). */
/*@ // pmm_valid: the pool invariant holds on entry (the free counter equals the number of free descriptors).
    requires pmm_valid: PmmValid;
    assigns pmm_desc_state[f], pmm_nfree;
    // pmm_valid: the free counter still equals the number of free descriptors.
    ensures pmm_valid: PmmValid;
    // below_top: nothing at or above pmm_top is allocated, if that held on entry.
    ensures below_top: PmmBelowTop{Pre} ==> PmmBelowTop;
    // within_owner_marks: every allocated frame lies within its owner's marks, if that held on entry.
    ensures within_owner_marks: PmmWithinOwnerMarks{Pre} ==> PmmWithinOwnerMarks;
    // add_free_others: no descriptor other than f's changes.
    ensures add_free_others: PmmDescSameExcept{Pre, Post}(f);
    behavior ok:
      assumes PmmFrame(f) && pmm_desc_state[f] == FRAME_RESERVED;
      // add_free_result: a reserved pool frame is accepted with MM_OK.
      ensures add_free_result: \result == MM_OK;
      // add_free_state: f is now free.
      ensures add_free_state: pmm_desc_state[f] == FRAME_FREE;
      // add_free_count: one free frame more.
      ensures add_free_count: pmm_nfree == \old(pmm_nfree) + 1;
    behavior refused:
      assumes !PmmFrame(f) || pmm_desc_state[f] != FRAME_RESERVED;
      // add_free_refused: an index outside the pool or a frame not reserved gets MM_BAD_ARGUMENT.
      ensures add_free_refused: \result == MM_BAD_ARGUMENT;
      // add_free_unchanged: then no descriptor and not the free count changes.
      ensures add_free_unchanged: PmmDescSameExcept{Pre, Post}(-1) && pmm_nfree == \old(pmm_nfree);
    complete behaviors;
    disjoint behaviors;
*/
mm_status pmm_add_free(uint32_t f);

/* Some free frame, or PMM_NONE exactly when none is free. Changes nothing. */
/*@ // pmm_valid: the pool invariant holds on entry (the free counter equals the number of free descriptors).
    requires pmm_valid: PmmValid;
    assigns \nothing;
    behavior some:
      assumes pmm_nfree > 0;
      // find_free: when some frame is free, the result is a free pool frame.
      ensures find_free: PmmFrame(\result) && pmm_desc_state[\result] == FRAME_FREE;
    behavior none:
      assumes pmm_nfree == 0;
      // find_none: when none is free, the result is PMM_NONE.
      ensures find_none: \result == PMM_NONE;
    complete behaviors;
    disjoint behaviors;
*/
uint32_t pmm_find_free(void);

/* The free frame f becomes allocated: zeroed, in state st with the given
 * owner (PMM_SELF: f itself), level and prefix; one free frame less. Only
 * f's descriptor and words change (the assigns clause says so exactly).
 * dirty: the words from dirty on are already zero, so only those below
 * are written (a page table's last owner set only slots below its mark);
 * FRAME_WORDS when the caller knows nothing of f's words. */
/*@ // pmm_valid: the pool invariant holds on entry (the free counter equals the number of free descriptors).
    requires pmm_valid: PmmValid;
    // claim_free: the caller passes a free pool frame f.
    requires claim_free: PmmFrame(f) && pmm_desc_state[f] == FRAME_FREE;
    // claim_state: the new state is kernel, table or user.
    requires claim_state: st == FRAME_KERNEL || st == FRAME_TABLE || st == FRAME_USER;
    // clean_above: every word of f from dirty on is already zero.
    requires clean_above: dirty <= FRAME_WORDS && \forall integer w; dirty <= w < FRAME_WORDS ==> frame_pool[f][w] == 0;
    assigns pmm_desc_state[f], pmm_desc_owner[f], pmm_desc_level[f], pmm_desc_prefix[f],
            pmm_nfree, pmm_hint, pmm_top,
            pmm_owner_top[0 .. POOL_FRAMES - 1], pmm_owner_low[0 .. POOL_FRAMES - 1],
            frame_pool[f][0 .. FRAME_WORDS - 1];
    // pmm_valid: the free counter still equals the number of free descriptors.
    ensures pmm_valid: PmmValid;
    // below_top: nothing at or above pmm_top is allocated, if that held on entry.
    ensures below_top: PmmBelowTop{Pre} ==> PmmBelowTop;
    // within_owner_marks: every allocated frame lies within its owner's marks, if that held on entry.
    ensures within_owner_marks: PmmWithinOwnerMarks{Pre} ==> PmmWithinOwnerMarks;
    // alloc_fresh_owned: f has state st, the given owner (f itself for PMM_SELF), level and prefix.
    ensures alloc_fresh_owned: pmm_desc_state[f] == st &&
                               pmm_desc_owner[f] == (owner == PMM_SELF ? f : owner) &&
                               pmm_desc_level[f] == level && pmm_desc_prefix[f] == prefix;
    // alloc_fresh_zeroed: every word of f is zero.
    ensures alloc_fresh_zeroed: FrameZero(f);
    // alloc_fresh_count: one free frame less.
    ensures alloc_fresh_count: pmm_nfree == \old(pmm_nfree) - 1;
*/
void pmm_claim(uint32_t f, uint32_t dirty, enum frame_state st, uint32_t owner, uint8_t level,
               uint64_t prefix);

/* pmm_claim for a frame whose words from dirty on the caller knows and
 * keeps (a root taken back as a root: the template's words there): the
 * words below dirty are zeroed, the others are left as they are. Only f's
 * descriptor and words change. */
/*@ // pmm_valid: the pool invariant holds on entry (the free counter equals the number of free descriptors).
    requires pmm_valid: PmmValid;
    // claim_free: the caller passes a free pool frame f.
    requires claim_free: PmmFrame(f) && pmm_desc_state[f] == FRAME_FREE;
    // claim_state: the new state is kernel, table or user.
    requires claim_state: st == FRAME_KERNEL || st == FRAME_TABLE || st == FRAME_USER;
    // keep_bound: dirty is a word index or FRAME_WORDS.
    requires keep_bound: dirty <= FRAME_WORDS;
    assigns pmm_desc_state[f], pmm_desc_owner[f], pmm_desc_level[f], pmm_desc_prefix[f],
            pmm_nfree, pmm_hint, pmm_top,
            pmm_owner_top[0 .. POOL_FRAMES - 1], pmm_owner_low[0 .. POOL_FRAMES - 1],
            frame_pool[f][0 .. FRAME_WORDS - 1];
    // pmm_valid: the free counter still equals the number of free descriptors.
    ensures pmm_valid: PmmValid;
    // below_top: nothing at or above pmm_top is allocated, if that held on entry.
    ensures below_top: PmmBelowTop{Pre} ==> PmmBelowTop;
    // within_owner_marks: every allocated frame lies within its owner's marks, if that held on entry.
    ensures within_owner_marks: PmmWithinOwnerMarks{Pre} ==> PmmWithinOwnerMarks;
    // alloc_fresh_owned: f has state st, the given owner (f itself for PMM_SELF), level and prefix.
    ensures alloc_fresh_owned: pmm_desc_state[f] == st &&
                               pmm_desc_owner[f] == (owner == PMM_SELF ? f : owner) &&
                               pmm_desc_level[f] == level && pmm_desc_prefix[f] == prefix;
    // keep_zeroed: every word of f below dirty is zero.
    ensures keep_zeroed: \forall integer w; 0 <= w < dirty ==> frame_pool[f][w] == 0;
    // keep_kept: every word of f from dirty on is what it was.
    ensures keep_kept: \forall integer w; dirty <= w < FRAME_WORDS ==> frame_pool[f][w] == \old(frame_pool[f][w]);
    // alloc_fresh_count: one free frame less.
    ensures alloc_fresh_count: pmm_nfree == \old(pmm_nfree) - 1;
*/
void pmm_claim_keep(uint32_t f, uint32_t dirty, enum frame_state st, uint32_t owner, uint8_t level,
                    uint64_t prefix);

/* pmm_claim for a frame that starts as a copy of frame src instead of zero
 * (fork's copy of a user page): one pass over the frame instead of two.
 * Only f's descriptor and words change. stream changes how, never what:
 * true copies with non-temporal stores (nt_copy_frame, include/mm/ntcopy.h),
 * which skip reading f's old lines into the caches and leave the caches as
 * they were; the caller then owes an nt_store_fence before another CPU or
 * a device may read f. */
/*@ // pmm_valid: the pool invariant holds on entry (the free counter equals the number of free descriptors).
    requires pmm_valid: PmmValid;
    // claim_free: the caller passes a free pool frame f.
    requires claim_free: PmmFrame(f) && pmm_desc_state[f] == FRAME_FREE;
    // claim_state: the new state is kernel, table or user.
    requires claim_state: st == FRAME_KERNEL || st == FRAME_TABLE || st == FRAME_USER;
    // copy_source: src is another pool frame.
    requires copy_source: PmmFrame(src) && src != f;
    assigns pmm_desc_state[f], pmm_desc_owner[f], pmm_desc_level[f], pmm_desc_prefix[f],
            pmm_nfree, pmm_hint, pmm_top,
            pmm_owner_top[0 .. POOL_FRAMES - 1], pmm_owner_low[0 .. POOL_FRAMES - 1],
            frame_pool[f][0 .. FRAME_WORDS - 1];
    // pmm_valid: the free counter still equals the number of free descriptors.
    ensures pmm_valid: PmmValid;
    // below_top: nothing at or above pmm_top is allocated, if that held on entry.
    ensures below_top: PmmBelowTop{Pre} ==> PmmBelowTop;
    // within_owner_marks: every allocated frame lies within its owner's marks, if that held on entry.
    ensures within_owner_marks: PmmWithinOwnerMarks{Pre} ==> PmmWithinOwnerMarks;
    // alloc_fresh_owned: f has state st, the given owner (f itself for PMM_SELF), level and prefix.
    ensures alloc_fresh_owned: pmm_desc_state[f] == st &&
                               pmm_desc_owner[f] == (owner == PMM_SELF ? f : owner) &&
                               pmm_desc_level[f] == level && pmm_desc_prefix[f] == prefix;
    // copy_equal: every word of f is the word of src.
    ensures copy_equal: \forall integer w; 0 <= w < FRAME_WORDS ==> frame_pool[f][w] == frame_pool[src][w];
    // alloc_fresh_count: one free frame less.
    ensures alloc_fresh_count: pmm_nfree == \old(pmm_nfree) - 1;
*/
void pmm_claim_copy(uint32_t f, uint32_t src, enum frame_state st, uint32_t owner, uint8_t level,
                    uint64_t prefix, bool stream);

/* A zeroed frame, now in state st with the given owner, level and prefix
 * (owner PMM_SELF: the frame's own index). PMM_NONE, with nothing changed,
 * exactly when no frame is free. */
/*@ // pmm_valid: the pool invariant holds on entry (the free counter equals the number of free descriptors).
    requires pmm_valid: PmmValid;
    // alloc_state: the caller asks for state kernel, table or user.
    requires alloc_state: st == FRAME_KERNEL || st == FRAME_TABLE || st == FRAME_USER;
    assigns pmm_desc_state[0 .. POOL_FRAMES - 1], pmm_desc_owner[0 .. POOL_FRAMES - 1],
            pmm_desc_level[0 .. POOL_FRAMES - 1], pmm_desc_prefix[0 .. POOL_FRAMES - 1],
            pmm_nfree, pmm_hint, pmm_top,
            pmm_owner_top[0 .. POOL_FRAMES - 1], pmm_owner_low[0 .. POOL_FRAMES - 1], frame_pool[..][..];
    // pmm_valid: the free counter still equals the number of free descriptors.
    ensures pmm_valid: PmmValid;
    // below_top: nothing at or above pmm_top is allocated, if that held on entry.
    ensures below_top: PmmBelowTop{Pre} ==> PmmBelowTop;
    // within_owner_marks: every allocated frame lies within its owner's marks, if that held on entry.
    ensures within_owner_marks: PmmWithinOwnerMarks{Pre} ==> PmmWithinOwnerMarks;
    // alloc_other_desc: no descriptor other than the result's changes.
    ensures alloc_other_desc: PmmDescSameExcept{Pre, Post}(\result);
    // alloc_other_frames: no frame other than the result changes content.
    ensures alloc_other_frames: PoolSameExcept{Pre, Post}(\result);
    behavior ok:
      assumes pmm_nfree > 0;
      // alloc_fresh_index: when a frame is free, the result is a pool frame.
      ensures alloc_fresh_index: PmmFrame(\result);
      // alloc_fresh_was_free: the result was free on entry.
      ensures alloc_fresh_was_free: \at(pmm_desc_state[\result], Pre) == FRAME_FREE;
      // alloc_fresh_owned: the result has state st, the given owner (itself for PMM_SELF), level and prefix.
      ensures alloc_fresh_owned: pmm_desc_state[\result] == st &&
                                 pmm_desc_owner[\result] == (owner == PMM_SELF ? \result : owner) &&
                                 pmm_desc_level[\result] == level && pmm_desc_prefix[\result] == prefix;
      // alloc_fresh_zeroed: every word of the result is zero.
      ensures alloc_fresh_zeroed: FrameZero(\result);
      // alloc_fresh_count: one free frame less.
      ensures alloc_fresh_count: pmm_nfree == \old(pmm_nfree) - 1;
    behavior no_memory:
      assumes pmm_nfree == 0;
      // alloc_none: when no frame is free, the result is PMM_NONE.
      ensures alloc_none: \result == PMM_NONE;
      // alloc_none_count: the free count stays zero.
      ensures alloc_none_count: pmm_nfree == 0;
    complete behaviors;
    disjoint behaviors;
*/
uint32_t pmm_alloc(enum frame_state st, uint32_t owner, uint8_t level, uint64_t prefix);

/* A table or user frame becomes free. Refuses (MM_NOT_ALLOCATED, nothing
 * changed) a free, reserved or kernel frame; MM_BAD_ARGUMENT out of range. */
/*@ // pmm_valid: the pool invariant holds on entry (the free counter equals the number of free descriptors).
    requires pmm_valid: PmmValid;
    assigns pmm_desc_state[f], pmm_nfree, pmm_hint, pmm_top;
    // pmm_valid: the free counter still equals the number of free descriptors.
    ensures pmm_valid: PmmValid;
    // below_top: nothing at or above pmm_top is allocated, if that held on entry.
    ensures below_top: PmmBelowTop{Pre} ==> PmmBelowTop;
    // within_owner_marks: every allocated frame lies within its owner's marks, if that held on entry.
    ensures within_owner_marks: PmmWithinOwnerMarks{Pre} ==> PmmWithinOwnerMarks;
    // top_not_raised: the high-water mark may fall (past the frames freed at the top), never rise.
    ensures top_not_raised: pmm_top <= \old(pmm_top);
    // free_others: no descriptor other than f's changes.
    ensures free_others: PmmDescSameExcept{Pre, Post}(f);
    // free_desc_kept: f keeps its owner, level and prefix; only its state may change.
    ensures free_desc_kept: PmmFrame(f) ==> pmm_desc_owner[f] == \old(pmm_desc_owner[f]) &&
                            pmm_desc_level[f] == \old(pmm_desc_level[f]) &&
                            pmm_desc_prefix[f] == \old(pmm_desc_prefix[f]);
    behavior ok:
      assumes PmmFrame(f) && PmmAllocated(f);
      // free_exact_result: a table or user frame is freed with MM_OK.
      ensures free_exact_result: \result == MM_OK;
      // free_exact_state: f is now free.
      ensures free_exact_state: pmm_desc_state[f] == FRAME_FREE;
      // free_exact_count: one free frame more.
      ensures free_exact_count: pmm_nfree == \old(pmm_nfree) + 1;
    behavior out_of_range:
      assumes !PmmFrame(f);
      // free_bad_result: an index outside the pool gets MM_BAD_ARGUMENT.
      ensures free_bad_result: \result == MM_BAD_ARGUMENT;
      // free_bad_unchanged: then no descriptor and not the free count changes.
      ensures free_bad_unchanged: PmmDescSameExcept{Pre, Post}(-1) && pmm_nfree == \old(pmm_nfree);
    behavior not_allocated:
      assumes PmmFrame(f) && !PmmAllocated(f);
      // free_refused_result: a free, reserved or kernel frame gets MM_NOT_ALLOCATED.
      ensures free_refused_result: \result == MM_NOT_ALLOCATED;
      // free_refused_unchanged: then no descriptor and not the free count changes.
      ensures free_refused_unchanged: PmmDescSameExcept{Pre, Post}(-1) && pmm_nfree == \old(pmm_nfree);
    complete behaviors;
    disjoint behaviors;
*/
mm_status pmm_free(uint32_t f);

/* The number of free frames. */
/*@ // pmm_valid: the pool invariant holds on entry (the free counter equals the number of free descriptors).
    requires pmm_valid: PmmValid;
    assigns \nothing;
    // free_count: the result is the number of free descriptors in the pool.
    ensures free_count: \result == PmmFreeCount(POOL_FRAMES);
*/
uint32_t pmm_free_count(void);

/* Descriptor fields of frame f (f < POOL_FRAMES). */
/*@ // f is a pool frame index.
    requires PmmFrame(f);
    assigns \nothing;
    // The result is the state of f's descriptor.
    ensures \result == pmm_desc_state[f];
*/
enum frame_state pmm_state(uint32_t f);
/*@ // f is a pool frame index.
    requires PmmFrame(f);
    assigns \nothing;
    // The result is the owner of f's descriptor.
    ensures \result == pmm_desc_owner[f];
*/
uint32_t pmm_owner(uint32_t f);
/*@ // f is a pool frame index.
    requires PmmFrame(f);
    assigns \nothing;
    // The result is the level of f's descriptor.
    ensures \result == pmm_desc_level[f];
*/
uint8_t pmm_level(uint32_t f);
/*@ // f is a pool frame index.
    requires PmmFrame(f);
    assigns \nothing;
    // The result is the prefix (parent table * 512 + slot) of f's descriptor.
    ensures \result == pmm_desc_prefix[f];
*/
uint64_t pmm_prefix(uint32_t f);

#endif
