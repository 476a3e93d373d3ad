/* Frame copies with non-temporal stores (contracts in include/mm/ntcopy.h,
 * trusted: listed in docs/trusted-base.md). Also linked into the host
 * tests and the bench, which run on x86_64 too. */
#include "mm/ntcopy.h"

void nt_copy_frame(uint64_t *restrict d, const uint64_t *restrict s)
{
#pragma GCC unroll 8
    for (uint32_t w = 0; w < FRAME_WORDS; w++)
        __asm__ volatile("movnti %1, %0" : "=m"(d[w]) : "r"(s[w]));
}

void nt_store_fence(void)
{
    __asm__ volatile("sfence" : : : "memory");
}
