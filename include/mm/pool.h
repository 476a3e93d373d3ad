/* The frame pool: the one array of 4 KiB frames that page tables and user
 * pages come from. Proven code names frames by index, never by pointer; a
 * frame's physical address is POOL_PHYS_BASE + index * PAGE_SIZE. */
#ifndef ISOLA_MM_POOL_H
#define ISOLA_MM_POOL_H

#include <stdint.h>

#define POOL_FRAMES    65536u          /* 256 MiB of frames */
#define POOL_PHYS_BASE 0x1000000ull    /* physical 16 MiB */
#define FRAME_WORDS    512u            /* 64-bit words per frame */
#define PAGE_SIZE      4096u

/* In the kernel the linker script places this at 0xFFFFFFFF81000000
 * (physical POOL_PHYS_BASE); host tests define it as a real array. */
extern uint64_t frame_pool[POOL_FRAMES][FRAME_WORDS];

#endif
