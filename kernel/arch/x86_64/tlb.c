/* TLB maintenance for the page-table code (contract in include/mm/tlb.h,
 * trusted: listed in docs/trusted-base.md). */
#include "mm/tlb.h"

void tlb_flush_page(uint64_t va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}
