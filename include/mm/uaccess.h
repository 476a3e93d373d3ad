/* The one checked path between the kernel and user memory. A user address
 * is only ever resolved through vm_lookup in the given space; bytes move
 * only through frame_pool[frame] of a frame that the lookup returned, in
 * state FRAME_USER and owned by that space, and mapped writable for a
 * write. A range that is not wholly usable fails (the caller answers
 * EFAULT); pages before the first bad page may have been copied, nothing
 * at or after it. Proven (spec/uaccess.acsl): no pointer into user memory,
 * no cast of frame_pool, frames read and written as words (bytes by / and
 * %), one page at a time; kernel buffers are seen as char. */
#ifndef ISOLA_MM_UACCESS_H
#define ISOLA_MM_UACCESS_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "pool.h"
#include "pmm.h"
#include "paging.h"

#include "../../spec/uaccess.acsl"

/* Copies len bytes at user va of space root into dst. True iff the whole
 * range is usable; on false, dst holds some bytes of the pages before the
 * first bad page and nothing from it on. */
/*@ // paging_valid: the paging invariant holds on entry (PagingValid: pool counter and table ownership).
    requires paging_valid: PagingValid;
    // dst_valid: dst is a writable kernel buffer of len bytes.
    requires dst_valid: \valid((char *)dst + (0 .. len - 1));
    assigns ((char *)dst)[0 .. len - 1];
    // uaccess_isolation: a byte of dst changes only to the byte at its user
    // address, and only if that page and every page before it in the range is
    // a user frame of root.
    ensures uaccess_isolation: \forall integer k; 0 <= k < len ==>
      ((char *)dst)[k] == \old(((char *)dst)[k]) ||
      (UaOk(root, va, k + 1, 0) && ((char *)dst)[k] == (char)UserByte(root, va + k));
    behavior ok:
      assumes UaOk(root, va, len, 0);
      // copy_in_ok: a wholly usable range succeeds and dst holds its bytes.
      ensures copy_in_ok: \result == true &&
        \forall integer k; 0 <= k < len ==> ((char *)dst)[k] == (char)UserByte(root, va + k);
    behavior fault:
      assumes !UaOk(root, va, len, 0);
      // copy_in_fault: any other range fails.
      ensures copy_in_fault: \result == false;
    complete behaviors;
    disjoint behaviors;
*/
bool uaccess_copy_in(uint32_t root, void *dst, uint64_t va, size_t len);

/* Copies len bytes of src to user va of space root; every page must be
 * mapped writable. True iff the whole range is usable; on false, pages
 * before the first bad page may have been written, none at or after it. */
/*@ // paging_valid: the paging invariant holds on entry (PagingValid: pool counter and table ownership).
    requires paging_valid: PagingValid;
    // src_valid: src is a readable kernel buffer of len bytes.
    requires src_valid: \valid_read((const char *)src + (0 .. len - 1));
    assigns frame_pool[..][..];
    // paging_valid: the pool and every page table stay well formed.
    ensures paging_valid: PagingValid;
    // uaccess_isolation: a word of the pool changes only if its frame is the
    // frame of a page of the range that is a writable user frame of root and
    // that no unusable page of the range precedes.
    ensures uaccess_isolation: \forall integer g, w; PmmFrame(g) && 0 <= w < FRAME_WORDS &&
      UaUntouched{Pre}(root, va, len, 1, g) ==> frame_pool[g][w] == \old(frame_pool[g][w]);
    // uaccess_user_only: frames that are not user frames of root are unchanged.
    ensures uaccess_user_only: UserFramesOnly{Pre, Post}(root);
    // uaccess_tables: no page table changes, so every lookup stays the same.
    ensures uaccess_tables: TablesSame{Pre, Post};
    // space_step: descriptors and marks untouched, and only user frames of root written (see SpaceStep).
    ensures space_step: SpaceStep{Pre, Post}(root);
    // marks_kept: both high-water marks and the slot marks still bound what they bounded.
    ensures marks_kept: MarksKept{Pre, Post};
    behavior ok:
      assumes UaOk(root, va, len, 1);
      // copy_out_ok: a wholly usable, writable range succeeds.
      ensures copy_out_ok: \result == true;
    behavior fault:
      assumes !UaOk(root, va, len, 1);
      // copy_out_fault: any other range fails.
      ensures copy_out_fault: \result == false;
    complete behaviors;
    disjoint behaviors;
*/
bool uaccess_copy_out(uint32_t root, uint64_t va, const void *src, size_t len);

/* Like uaccess_copy_out but ignores VM_WRITE: the loader filling the pages
 * of a program (read-only text included) before it runs. */
/*@ // paging_valid: the paging invariant holds on entry (PagingValid: pool counter and table ownership).
    requires paging_valid: PagingValid;
    // src_valid: src is a readable kernel buffer of len bytes.
    requires src_valid: \valid_read((const char *)src + (0 .. len - 1));
    assigns frame_pool[..][..];
    // paging_valid: the pool and every page table stay well formed.
    ensures paging_valid: PagingValid;
    // uaccess_isolation: a word of the pool changes only if its frame is the
    // frame of a page of the range that is a user frame of root (writable or
    // not) and that no unusable page of the range precedes.
    ensures uaccess_isolation: \forall integer g, w; PmmFrame(g) && 0 <= w < FRAME_WORDS &&
      UaUntouched{Pre}(root, va, len, 0, g) ==> frame_pool[g][w] == \old(frame_pool[g][w]);
    // uaccess_user_only: frames that are not user frames of root are unchanged.
    ensures uaccess_user_only: UserFramesOnly{Pre, Post}(root);
    // uaccess_tables: no page table changes, so every lookup stays the same.
    ensures uaccess_tables: TablesSame{Pre, Post};
    // space_step: descriptors and marks untouched, and only user frames of root written (see SpaceStep).
    ensures space_step: SpaceStep{Pre, Post}(root);
    // marks_kept: both high-water marks and the slot marks still bound what they bounded.
    ensures marks_kept: MarksKept{Pre, Post};
    behavior ok:
      assumes UaOk(root, va, len, 0);
      // load_ok: a wholly usable range succeeds.
      ensures load_ok: \result == true;
    behavior fault:
      assumes !UaOk(root, va, len, 0);
      // load_fault: any other range fails.
      ensures load_fault: \result == false;
    complete behaviors;
    disjoint behaviors;
*/
bool uaccess_load(uint32_t root, uint64_t va, const void *src, size_t len);

/* Copies the NUL-terminated string at user va into dst (at most max bytes,
 * NUL included). Returns its length, -1 on a bad address before the NUL,
 * -2 if no NUL comes within max bytes. */
/*@ // paging_valid: the paging invariant holds on entry (PagingValid: pool counter and table ownership).
    requires paging_valid: PagingValid;
    // dst_valid: dst is a writable kernel buffer of len bytes.
    requires dst_valid: \valid(dst + (0 .. max - 1));
    assigns dst[0 .. max - 1];
    // uaccess_isolation: a byte of dst changes only to the byte at its user
    // address, and only if that page and every page before it is a user frame
    // of root.
    ensures uaccess_isolation: \forall integer k; 0 <= k < max ==>
      dst[k] == \old(dst[k]) || (UaOk(root, va, k + 1, 0) && dst[k] == (char)UserByte(root, va + k));
    // string_result: a length below max, or -1, or -2.
    ensures string_result: \result == -1 || \result == -2 || 0 <= \result < max;
    // string_found: a length n means the n + 1 bytes up to the first NUL are
    // usable, and byte n is NUL, in user memory and in dst.
    ensures string_found: \result >= 0 ==> UaOk(root, va, \result + 1, 0) &&
      UserByte(root, va + \result) == 0 && dst[\result] == 0;
    // string_found_copied: a length n means the n bytes before that NUL are
    // not NUL and are copied.
    ensures string_found_copied: \result >= 0 ==>
      \forall integer k; 0 <= k < \result ==> UserByte(root, va + k) != 0 &&
        dst[k] == (char)UserByte(root, va + k);
    // string_too_long: -2 means max usable bytes (if max > 0), none of them NUL.
    ensures string_too_long: \result == -2 ==> (max == 0 || UaOk(root, va, max, 0)) &&
      \forall integer k; 0 <= k < max ==> UserByte(root, va + k) != 0;
    // string_fault: -1 means an unusable page comes within max bytes, before
    // any NUL.
    ensures string_fault: \result == -1 ==> \exists integer n; 0 <= n < max &&
      (n == 0 || UaOk(root, va, n, 0)) && !UaOk(root, va, n + 1, 0) &&
      \forall integer k; 0 <= k < n ==> UserByte(root, va + k) != 0;
*/
long uaccess_string_in(uint32_t root, char *dst, uint64_t va, size_t max);

/* True iff [va, va + len) lies in the user half without wrapping. */
/*@ assigns \nothing;
    // range_ok: the range ends in the user half.
    ensures range_ok: \result == true <==> va + len <= VM_USER_TOP;
*/
bool uaccess_range_ok(uint64_t va, size_t len);

#endif
