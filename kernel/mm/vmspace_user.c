/* The uaccess writes for a caller that holds VmValid (see
 * include/mm/vmspace_user.h). Proven with WP against the header. */
#include "mm/vmspace_user.h"

bool vm_space_copy_out(uint32_t root, uint64_t va, const void *src, size_t len)
{
    return uaccess_copy_out(root, va, src, len);
}

bool vm_space_load(uint32_t root, uint64_t va, const void *src, size_t len)
{
    return uaccess_load(root, va, src, len);
}
