/* The one checked path between the kernel and user memory. A user address
 * is only ever resolved through vm_lookup in the given space; bytes move
 * only through frame_pool[frame] of a frame that the lookup returned, in
 * state FRAME_USER and owned by that space, and mapped writable for a
 * write. Anything else fails with nothing copied past the first bad page
 * (the caller answers EFAULT). Not yet proven (next issue): no pointer into
 * user memory, no cast of frame_pool, frames read and written as words
 * (bytes by / and %), one page at a time. */
#ifndef ISOLA_MM_UACCESS_H
#define ISOLA_MM_UACCESS_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

/* Copies len bytes at user va of space root into dst. */
bool uaccess_copy_in(uint32_t root, void *dst, uint64_t va, size_t len);
/* Copies len bytes of src to user va of space root; every page must be
 * mapped writable. */
bool uaccess_copy_out(uint32_t root, uint64_t va, const void *src, size_t len);
/* Like uaccess_copy_out but ignores VM_WRITE: the loader filling the pages
 * of a program (read-only text included) before it runs. */
bool uaccess_load(uint32_t root, uint64_t va, const void *src, size_t len);
/* Copies the NUL-terminated string at user va into dst (at most max bytes,
 * NUL included). Returns its length, -1 on a bad address, -2 if no NUL
 * comes within max bytes. */
long uaccess_string_in(uint32_t root, char *dst, uint64_t va, size_t max);
/* True iff [va, va + len) lies in the user half without wrapping. */
bool uaccess_range_ok(uint64_t va, size_t len);

#endif
