/* Test-only stand-ins for what the kernel's link provides: the frame pool
 * as a real host array (the kernel's linker script places it at a fixed
 * address instead) and the TLB hook, which here only counts its calls. */
#include <stdint.h>
#include "mm/pool.h"
#include "mm/tlb.h"
#include "host_support.h"

uint64_t frame_pool[POOL_FRAMES][FRAME_WORDS] __attribute__((aligned(4096)));

uint64_t host_tlb_flushes;
uint64_t host_tlb_last_va;

void tlb_flush_page(uint64_t va)
{
    host_tlb_flushes++;
    host_tlb_last_va = va;
}
