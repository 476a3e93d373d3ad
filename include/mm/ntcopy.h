/* The hardware boundary of a frame copy that bypasses the caches: movnti
 * (non-temporal) stores go to memory without first reading each
 * destination line into the caches, and without pushing out what the
 * caches hold. The bodies are inline assembly in kernel/arch/x86_64/ntcopy.c,
 * outside the proven files; the contracts below are trusted
 * (docs/trusted-base.md). */
#ifndef ISOLA_MM_NTCOPY_H
#define ISOLA_MM_NTCOPY_H

#include <stdint.h>
#include "pool.h"

/* The FRAME_WORDS words at d become those at s. The stores are weakly
 * ordered: this CPU reads them back at once, but other CPUs and devices
 * may see them late or out of order until nt_store_fence. */
/*@ requires \valid(d + (0 .. FRAME_WORDS - 1)) && \valid_read(s + (0 .. FRAME_WORDS - 1));
    requires \separated(d + (0 .. FRAME_WORDS - 1), s + (0 .. FRAME_WORDS - 1));
    assigns d[0 .. FRAME_WORDS - 1] \from s[0 .. FRAME_WORDS - 1];
    ensures copied: \forall integer k; 0 <= k < FRAME_WORDS ==> d[k] == s[k];
*/
void nt_copy_frame(uint64_t *restrict d, const uint64_t *restrict s);

/* Every nt_copy_frame store made before the call is visible to every CPU
 * and ordered before every store made after it (sfence). It writes no
 * memory the proofs model. */
/*@ assigns \nothing; */
void nt_store_fence(void);

#endif
