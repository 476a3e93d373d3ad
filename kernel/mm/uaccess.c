/* User copies (see include/mm/uaccess.h): page by page through vm_lookup,
 * only through frames owned by the space, with the flags checked. Proven
 * with WP against the header's contracts (spec/uaccess.acsl). */
#include "mm/uaccess.h"

_Static_assert(VM_WRITE == 1u, "VM_WRITE is bit 0 of the flags (tested with % 2)");
_Static_assert(PAGE_SIZE == FRAME_WORDS * 8u, "a frame is 512 words of 8 bytes");

bool uaccess_range_ok(uint64_t va, size_t len)
{
    return va <= VM_USER_TOP && len <= VM_USER_TOP - va;
}

/* The pool frame behind user page `page` of space root if it is a user
 * frame of root (mapped writable too when write), else PMM_NONE. That a
 * mapped page's frame is in the pool, in state FRAME_USER and owned by root
 * is vm_lookup's proven lookup_owned: not tested again here (the smoke
 * tests would flag such a test as dead code). */
/*@ requires paging_valid: PagingValid;
    requires page_user: UserVa(page);
    assigns \nothing;
    ensures frame_ok: \result != PMM_NONE <==> UaPageOk(root, page, write);
    ensures frame_is: \result != PMM_NONE ==> \result == LookupFrame(root, page) && PmmFrame(\result);
*/
static uint32_t uaccess_frame(uint32_t root, uint64_t page, bool write)
{
    struct vm_lookup_result r = vm_lookup(root, page);
    if (r.status != MM_OK)
        return PMM_NONE;
    if (write && r.flags % 2 == 0)
        return PMM_NONE;
    return r.frame;
}

/* The number of bytes from a to move next: the rest of a's page, at most
 * rest. */
/*@ requires rest_pos: 0 < rest;
    assigns \nothing;
    ensures chunk_bounds: 0 < \result <= rest && a % PAGE_SIZE + \result <= PAGE_SIZE;
    ensures chunk_end: \result == rest || (a + \result) % PAGE_SIZE == 0;
*/
static size_t uaccess_chunk(uint64_t a, size_t rest)
{
    size_t n = PAGE_SIZE - a % PAGE_SIZE;
    return n < rest ? n : rest;
}

/* Weight of byte k (0..7, little-endian) inside a 64-bit frame word. The
 * frames are reached as words only (no cast of frame_pool to bytes), with
 * byte access by / and % on these weights, which is what provers handle. */
static const uint64_t byte_weight[8] = {
    1ull, 1ull << 8, 1ull << 16, 1ull << 24, 1ull << 32, 1ull << 40, 1ull << 48, 1ull << 56,
};

/* Byte i of frame f. */
/*@ requires PmmFrame(f) && i < PAGE_SIZE;
    assigns \nothing;
    ensures get_byte: \result == FrameByte(f, i);
*/
static uint8_t frame_get_byte(uint32_t f, size_t i)
{
    //@ assert weight: byte_weight[i % 8] == ByteWeight(i % 8);
    return (uint8_t)(frame_pool[f][i / 8] / byte_weight[i % 8] % 256);
}

/* Sets byte i of frame f to b; only the word holding it changes. */
/*@ requires PmmFrame(f) && i < PAGE_SIZE;
    assigns frame_pool[f][i / 8];
*/
static void frame_set_byte(uint32_t f, size_t i, uint8_t b)
{
    uint64_t w = frame_pool[f][i / 8];
    uint64_t old = w / byte_weight[i % 8] % 256;
    frame_pool[f][i / 8] = w - old * byte_weight[i % 8] + (uint64_t)b * byte_weight[i % 8];
}

/* Copies bytes off .. off+n-1 of frame f to buf[at .. at+n-1]. Ghost:
 * buf[k] stands for user address base + k of space root, and f is the
 * frame of the page of base + at, whose offset is off. */
/*@ requires PmmFrame(f) && off + n <= PAGE_SIZE && at + n <= SIZE_MAX;
    requires f == LookupFrame(root, PageOf(base + at)) && off == (base + at) % PAGE_SIZE && 0 <= base;
    requires \valid(buf + (at .. at + n - 1));
    assigns buf[at .. at + n - 1];
    ensures get_bytes: \forall integer k; at <= k < at + n ==> buf[k] == (char)UserByte(root, base + k);
*/
static void uaccess_get(uint32_t f, size_t off, char *buf, size_t at, size_t n)
    /*@ ghost (uint32_t root, uint64_t base) */
{
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer k; at <= k < at + i ==> buf[k] == (char)UserByte(root, base + k);
        loop assigns i, buf[at .. at + n - 1];
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++) {
        //@ assert same_page: PageOf(base + at + i) == PageOf(base + at) && (base + at + i) % PAGE_SIZE == off + i;
        uint8_t b = frame_get_byte(f, off + i);
        //@ assert user_byte: b == UserByte(root, base + at + i);
        buf[at + i] = (char)b;
    }
}

/* Copies src[at .. at+n-1] to bytes off .. off+n-1 of frame f; only frame
 * f changes. */
/*@ requires PmmFrame(f) && off + n <= PAGE_SIZE && at + n <= SIZE_MAX;
    requires \valid_read(src + (at .. at + n - 1));
    assigns frame_pool[f][..];
*/
static void uaccess_put(uint32_t f, size_t off, const char *src, size_t at, size_t n)
{
    /*@ loop invariant 0 <= i <= n;
        loop assigns i, frame_pool[f][..];
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++)
        frame_set_byte(f, off + i, (uint8_t)src[at + i]);
}

/* One page of a copy to user memory: if the page of user address a is
 * usable (a user frame of root, writable too when write), copies
 * src[at .. at+n-1] to a .. a+n-1 through its frame and returns true; else
 * returns false and nothing changes. Only that frame changes. */
/*@ requires paging_valid: PagingValid;
    requires page_args: UserVa(PageOf(a)) && 0 < n && a % PAGE_SIZE + n <= PAGE_SIZE && at + n <= SIZE_MAX;
    requires src_valid: \valid_read(src + (at .. at + n - 1));
    assigns frame_pool[..][..];
    ensures put_ok: \result == true <==> UaPageOk{Pre}(root, PageOf(a), write);
    ensures put_frame: \result == true ==> PoolSameExcept{Pre, Post}(LookupFrame{Pre}(root, PageOf(a)));
    ensures put_none: \result == false ==> PoolSameExcept{Pre, Post}(-1);
*/
static bool uaccess_put_page(uint32_t root, uint64_t a, const char *src, size_t at, size_t n, bool write)
{
    uint32_t frame = uaccess_frame(root, a - a % PAGE_SIZE, write);
    if (frame == PMM_NONE)
        return false;
    uaccess_put(frame, a % PAGE_SIZE, src, at, n);
    return true;
}

/* Copies src[0 .. len-1] to user va of space root, page by page, each page
 * checked (writable too when write) before any byte goes to it. */
/*@ requires paging_valid: PagingValid;
    requires src_valid: \valid_read(src + (0 .. len - 1));
    assigns frame_pool[..][..];
    ensures paging_valid: PagingValid;
    ensures uaccess_isolation: \forall integer g, w; PmmFrame(g) && 0 <= w < FRAME_WORDS &&
      UaUntouched{Pre}(root, va, len, write, g) ==> frame_pool[g][w] == \old(frame_pool[g][w]);
    ensures uaccess_user_only: UserFramesOnly{Pre, Post}(root);
    ensures uaccess_tables: TablesSame{Pre, Post};
    ensures write_result: \result == true <==> UaOk{Pre}(root, va, len, write);
*/
static bool uaccess_write(uint32_t root, uint64_t va, const char *src, size_t len, bool write)
{
    if (!uaccess_range_ok(va, len))
        return false;
    size_t done = 0;
    /*@ loop invariant done_bounds: 0 <= done <= len;
        loop invariant done_page: done == 0 || done == len || (va + done) % PAGE_SIZE == 0;
        loop invariant done_ok: UaOk{Pre}(root, va, done, write);
        loop invariant tables: TablesSame{Pre, Here};
        loop invariant valid: PagingValid;
        loop invariant user_only: UserFramesOnly{Pre, Here}(root);
        loop invariant isolation: \forall integer g, w; PmmFrame(g) && 0 <= w < FRAME_WORDS &&
          UaUntouched{Pre}(root, va, done, write, g) ==>
            frame_pool[g][w] == \at(frame_pool[g][w], Pre);
        loop assigns done, frame_pool[..][..];
        loop variant len - done;
    */
    while (done < len) {
        uint64_t a = va + done;
        size_t n = uaccess_chunk(a, len - done);
        //@ assert step_a: a == va + done && PageOf(a) + 4096 > va + done;
        //@ assert step_page: UaPage(PageOf(a), va, done + n);
        //@ assert step_new: \forall integer p; UaPage(p, va, done + n) ==> UaPage(p, va, done) || p == PageOf(a);
        //@ assert step_upto: \forall integer p; UaPage(p, va, PageOf(a) + 4096 - va) ==> UaPage(p, va, done) || p == PageOf(a);
        //@ assert step_same: UaPageOk(root, PageOf(a), write) <==> UaPageOk{Pre}(root, PageOf(a), write);
        //@ assert step_frame: SpaceRoot(root) ==> LookupFrame(root, PageOf(a)) == LookupFrame{Pre}(root, PageOf(a));
        if (!uaccess_put_page(root, a, src, done, n, write)) {
            //@ assert fault_tables: TablesSame{Pre, Here};
            return false;
        }
        //@ assert step_ok: UaOk{Pre}(root, va, done + n, write) && UaOk{Pre}(root, va, PageOf(a) + 4096 - va, write);
        //@ assert step_touched: !UaUntouched{Pre}(root, va, done + n, write, LookupFrame{Pre}(root, PageOf(a)));
        done += n;
    }
    return true;
}

/* Copies user va of space root to dst[0 .. len-1], page by page, each page
 * checked before any byte comes from it. */
/*@ requires paging_valid: PagingValid;
    requires dst_valid: \valid(dst + (0 .. len - 1));
    assigns dst[0 .. len - 1];
    ensures uaccess_isolation: \forall integer k; 0 <= k < len ==>
      dst[k] == \old(dst[k]) || (UaOk(root, va, k + 1, 0) && dst[k] == (char)UserByte(root, va + k));
    ensures read_data: \result == true ==>
      \forall integer k; 0 <= k < len ==> dst[k] == (char)UserByte(root, va + k);
    ensures read_result: \result == true <==> UaOk(root, va, len, 0);
*/
static bool uaccess_read(uint32_t root, char *dst, uint64_t va, size_t len)
{
    if (!uaccess_range_ok(va, len))
        return false;
    size_t done = 0;
    /*@ loop invariant done_bounds: 0 <= done <= len;
        loop invariant done_page: done == 0 || done == len || (va + done) % PAGE_SIZE == 0;
        loop invariant done_ok: UaOk(root, va, done, 0);
        loop invariant copied: \forall integer k; 0 <= k < done ==> dst[k] == (char)UserByte(root, va + k);
        loop invariant rest: \forall integer k; done <= k < len ==> dst[k] == \at(dst[k], Pre);
        loop assigns done, dst[0 .. len - 1];
        loop variant len - done;
    */
    while (done < len) {
        uint64_t a = va + done;
        uint64_t page = a - a % PAGE_SIZE;
        size_t n = uaccess_chunk(a, len - done);
        //@ assert step_a: a == va + done && page == PageOf(va + done) && UserVa(page);
        uint32_t frame = uaccess_frame(root, page, false);
        if (frame == PMM_NONE)
            return false;
        //@ assert step_page: page == PageOf(va + done) && a % PAGE_SIZE == va + done - page;
        //@ assert step_new: \forall integer p; UaPage(p, va, done + n) ==> UaPage(p, va, done) || p == page;
        //@ assert step_ok: UaOk(root, va, done + n, 0);
        uaccess_get(frame, a % PAGE_SIZE, dst, done, n) /*@ ghost (root, va) */;
        done += n;
    }
    //@ assert at_end: done == len;
    /*@ assert all_copied: \forall integer k; 0 <= k < len ==>
          dst[k] == (char)UserByte(root, va + k) && UaOk(root, va, k + 1, 0); */
    return true;
}

bool uaccess_copy_in(uint32_t root, void *dst, uint64_t va, size_t len)
{
    return uaccess_read(root, dst, va, len);
}

bool uaccess_copy_out(uint32_t root, uint64_t va, const void *src, size_t len)
{
    return uaccess_write(root, va, src, len, true);
}

bool uaccess_load(uint32_t root, uint64_t va, const void *src, size_t len)
{
    return uaccess_write(root, va, src, len, false);
}

/* Copies bytes off .. off+n-1 of frame f to buf[at ..], up to and
 * including the first NUL. Returns the index in buf of the NUL, or at + n
 * if there is none. Ghost: as for uaccess_get. */
/*@ requires PmmFrame(f) && off + n <= PAGE_SIZE && at + n <= SIZE_MAX;
    requires f == LookupFrame(root, PageOf(base + at)) && off == (base + at) % PAGE_SIZE && 0 <= base;
    requires \valid(buf + (at .. at + n - 1));
    assigns buf[at .. at + n - 1];
    ensures get_string_result: at <= \result <= at + n;
    ensures get_string_copied: \forall integer k; at <= k <= \result && k < at + n ==>
      buf[k] == (char)UserByte(root, base + k);
    ensures get_string_nonzero: \forall integer x; base + at <= x < base + \result ==> UserByte(root, x) != 0;
    ensures get_string_nul: \result < at + n ==> UserByte(root, base + \result) == 0;
    ensures get_string_rest: \forall integer k; \result < k < at + n ==> buf[k] == \old(buf[k]);
*/
static size_t uaccess_get_string(uint32_t f, size_t off, char *buf, size_t at, size_t n)
    /*@ ghost (uint32_t root, uint64_t base) */
{
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer k; at <= k < at + i ==> buf[k] == (char)UserByte(root, base + k);
        loop invariant \forall integer x; base + at <= x < base + at + i ==> UserByte(root, x) != 0;
        loop invariant \forall integer k; at + i <= k < at + n ==> buf[k] == \at(buf[k], Pre);
        loop assigns i, buf[at .. at + n - 1];
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++) {
        //@ assert same_page: PageOf(base + at + i) == PageOf(base + at) && (base + at + i) % PAGE_SIZE == off + i;
        uint8_t b = frame_get_byte(f, off + i);
        //@ assert user_byte: b == UserByte(root, base + at + i);
        buf[at + i] = (char)b;
        /*@ assert copied_here: \forall integer k; at <= k <= at + i ==>
              buf[k] == (char)UserByte(root, base + k); */
        if (b == 0)
            return at + i;
    }
    //@ assert all_copied: \forall integer k; at <= k < at + n ==> buf[k] == (char)UserByte(root, base + k);
    return at + n;
}

long uaccess_string_in(uint32_t root, char *dst, uint64_t va, size_t max)
{
    size_t done = 0;
    /*@ loop invariant done_bounds: 0 <= done <= max;
        loop invariant done_page: done == 0 || done == max || (va + done) % PAGE_SIZE == 0;
        loop invariant done_ok: done == 0 || UaOk(root, va, done, 0);
        loop invariant done_prefix: \forall integer k; 0 <= k < done ==> UaOk(root, va, k + 1, 0);
        loop invariant copied: \forall integer k; 0 <= k < done ==> dst[k] == (char)UserByte(root, va + k);
        loop invariant nonzero: \forall integer x; va <= x < va + done ==> UserByte(root, x) != 0;
        loop invariant rest: \forall integer k; done <= k < max ==> dst[k] == \at(dst[k], Pre);
        loop assigns done, dst[0 .. max - 1];
        loop variant max - done;
    */
    while (done < max) {
        if (va >= VM_USER_TOP || done >= VM_USER_TOP - va) {
            //@ assert fault_top: (done == 0 || UaOk(root, va, done, 0)) && !UaOk(root, va, done + 1, 0);
            return -1;
        }
        uint64_t a = va + done;
        uint64_t page = a - a % PAGE_SIZE;
        size_t n = uaccess_chunk(a, max - done);
        //@ assert step_a: a == va + done && page == PageOf(va + done) && UserVa(page);
        uint32_t frame = uaccess_frame(root, page, false);
        if (frame == PMM_NONE) {
            //@ assert fault_page: (done == 0 || UaOk(root, va, done, 0)) && UaPage(page, va, done + 1) && !UaOk(root, va, done + 1, 0);
            return -1;
        }
        //@ assert step_page: page == PageOf(va + done) && a % PAGE_SIZE == va + done - page;
        //@ assert step_new: \forall integer p; UaPage(p, va, done + n) ==> UaPage(p, va, done) || p == page;
        //@ assert step_ok: UaOk(root, va, done + n, 0);
        //@ assert step_prefix: \forall integer j; 0 <= j < done + n ==> UaOk(root, va, j + 1, 0);
        size_t k = uaccess_get_string(frame, a % PAGE_SIZE, dst, done, n) /*@ ghost (root, va) */;
        if (k < done + n) {
            //@ assert found: k < VM_USER_TOP && dst[k] == 0 && UserByte(root, va + k) == 0;
            /* This exit's share of the postconditions, stated here: proved
             * at the merged exit alone, they took 5-9 s of cvc5 each. */
            //@ assert found_ok: UaOk(root, va, k + 1, 0);
            /*@ assert found_copied: \forall integer j; 0 <= j < k ==>
                  UserByte(root, va + j) != 0 && dst[j] == (char)UserByte(root, va + j); */
            /*@ assert found_isolation: \forall integer j; 0 <= j < max ==> dst[j] == \at(dst[j], Pre) ||
                  (UaOk(root, va, j + 1, 0) && dst[j] == (char)UserByte(root, va + j)); */
            return (long)k;
        }
        done += n;
    }
    //@ assert at_end: done == max;
    /*@ assert all_copied: \forall integer k; 0 <= k < max ==>
          dst[k] == (char)UserByte(root, va + k) && UaOk(root, va, k + 1, 0); */
    return -2;
}
