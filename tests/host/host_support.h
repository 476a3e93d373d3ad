/* Shared helpers of the host unit tests: the seeded random generator, the
 * pool set-up, and the TLB-hook counters of host_pool.c. */
#ifndef ISOLA_TESTS_HOST_SUPPORT_H
#define ISOLA_TESTS_HOST_SUPPORT_H

#include <stdint.h>

extern uint64_t host_tlb_flushes;
extern uint64_t host_tlb_last_va;

/* The run's seed: $HOST_SEED if set, else time-based; printed once. */
uint64_t host_seed(void);
/* xorshift64* state seeded from host_seed() plus a per-test salt. */
void host_rand_init(uint64_t salt);
uint64_t host_rand(void);
/* Uniform in [0, n) for n > 0. */
uint64_t host_rand_below(uint64_t n);

/* pmm_init, then frames [first, first + n) made free; returns n. Frames
 * are zeroed and copied as pmm_rep_strings says (0, the loop, unless a
 * test's set-up chose the string instructions). */
uint32_t host_pool_reset(uint32_t first, uint32_t n);

/* A cmocka test run a second time with pmm_rep_strings = 1 (frames zeroed
 * and copied by rep stosq/movsq, as on a CPU with ERMS), named <fn>_rep.
 * setup_rep sets the flag and then does the test's usual set-up; the
 * teardown puts the flag back to 0. */
int host_rep_teardown(void **state);
#define HOST_REP_TEST(fn, setup_rep) { #fn "_rep", fn, setup_rep, host_rep_teardown, NULL }

#endif
