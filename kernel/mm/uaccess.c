/* User copies (see include/mm/uaccess.h): page by page through vm_lookup,
 * only into frames owned by the space, with the flags checked. */
#include "mm/uaccess.h"
#include "mm/paging.h"
#include "mm/pmm.h"
#include "mm/pool.h"

enum uaccess_dir { UACCESS_IN, UACCESS_OUT, UACCESS_LOAD };

bool uaccess_range_ok(uint64_t va, size_t len)
{
    return va <= VM_USER_TOP && len <= VM_USER_TOP - va;
}

/* The pool frame behind the page of space root holding va, usable in
 * direction dir, or PMM_NONE. */
static uint32_t uaccess_frame(uint32_t root, uint64_t va, enum uaccess_dir dir)
{
    struct vm_lookup_result r = vm_lookup(root, va - va % PAGE_SIZE);
    if (r.status != MM_OK || r.frame >= POOL_FRAMES)
        return PMM_NONE;
    if (pmm_state(r.frame) != FRAME_USER || pmm_owner(r.frame) != root)
        return PMM_NONE;
    if (dir == UACCESS_OUT && !(r.flags & VM_WRITE))
        return PMM_NONE;
    return r.frame;
}

/* Weight of byte k (0..7, little-endian) inside a 64-bit frame word. The
 * frames are reached as words only (no cast of frame_pool to bytes), with
 * byte access by / and % on these weights, which is what provers handle. */
static const uint64_t byte_weight[8] = {
    1ull, 1ull << 8, 1ull << 16, 1ull << 24, 1ull << 32, 1ull << 40, 1ull << 48, 1ull << 56,
};

/* Byte i (< PAGE_SIZE) of frame f. */
static uint8_t frame_get_byte(uint32_t f, size_t i)
{
    return (uint8_t)(frame_pool[f][i / 8] / byte_weight[i % 8] % 256);
}

/* Sets byte i (< PAGE_SIZE) of frame f to b; the other bytes stay. */
static void frame_set_byte(uint32_t f, size_t i, uint8_t b)
{
    uint64_t w = frame_pool[f][i / 8];
    uint64_t old = w / byte_weight[i % 8] % 256;
    frame_pool[f][i / 8] = w - old * byte_weight[i % 8] + (uint64_t)b * byte_weight[i % 8];
}

/* Moves n bytes (n within one page from va) between buf and the frame. */
static void uaccess_move(uint32_t frame, uint64_t va, uint8_t *buf, size_t n, enum uaccess_dir dir)
{
    size_t off = va % PAGE_SIZE;
    for (size_t i = 0; i < n; i++) {
        if (dir == UACCESS_IN)
            buf[i] = frame_get_byte(frame, off + i);
        else
            frame_set_byte(frame, off + i, buf[i]);
    }
}

/* The copy loop shared by the three directions. */
static bool uaccess_copy(uint32_t root, uint64_t va, uint8_t *buf, size_t len, enum uaccess_dir dir)
{
    if (!uaccess_range_ok(va, len))
        return false;
    while (len > 0) {
        size_t n = PAGE_SIZE - va % PAGE_SIZE;
        if (n > len)
            n = len;
        uint32_t frame = uaccess_frame(root, va, dir);
        if (frame == PMM_NONE)
            return false;
        uaccess_move(frame, va, buf, n, dir);
        va += n;
        buf += n;
        len -= n;
    }
    return true;
}

bool uaccess_copy_in(uint32_t root, void *dst, uint64_t va, size_t len)
{
    return uaccess_copy(root, va, dst, len, UACCESS_IN);
}

bool uaccess_copy_out(uint32_t root, uint64_t va, const void *src, size_t len)
{
    return uaccess_copy(root, va, (uint8_t *)src, len, UACCESS_OUT);
}

bool uaccess_load(uint32_t root, uint64_t va, const void *src, size_t len)
{
    return uaccess_copy(root, va, (uint8_t *)src, len, UACCESS_LOAD);
}

long uaccess_string_in(uint32_t root, char *dst, uint64_t va, size_t max)
{
    size_t i = 0;
    while (i < max) {
        if (va + i >= VM_USER_TOP)
            return -1;
        uint32_t frame = uaccess_frame(root, va + i, UACCESS_IN);
        if (frame == PMM_NONE)
            return -1;
        /* the rest of this page, or of the budget */
        for (size_t off = (va + i) % PAGE_SIZE; off < PAGE_SIZE && i < max; off++, i++) {
            dst[i] = (char)frame_get_byte(frame, off);
            if (dst[i] == '\0')
                return (long)i;
        }
    }
    return -2;
}
