/* The hardware boundary of the page-table code: drop a stale translation.
 * The body is assembly (invlpg) in kernel/arch, outside the proven files;
 * the contract below is trusted (docs/trusted-base.md). */
#ifndef ISOLA_MM_TLB_H
#define ISOLA_MM_TLB_H

#include <stdint.h>

/* After this call the CPU holds no cached translation for the page at va
 * in the current address space. It touches no memory the proofs model. */
/*@ assigns \nothing; */
void tlb_flush_page(uint64_t va);

#endif
