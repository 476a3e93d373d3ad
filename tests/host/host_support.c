/* Seeded randomness and pool set-up shared by the host unit tests. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "mm/pmm.h"
#include "host_support.h"

static uint64_t rand_state;

uint64_t host_seed(void)
{
    static int done;
    static uint64_t seed;
    if (!done) {
        const char *s = getenv("HOST_SEED");
        seed = s && *s ? strtoull(s, NULL, 0) : (uint64_t)time(NULL);
        printf("# host tests: seed %llu (rerun with HOST_SEED=%llu)\n",
               (unsigned long long)seed, (unsigned long long)seed);
        fflush(stdout);
        done = 1;
    }
    return seed;
}

void host_rand_init(uint64_t salt)
{
    rand_state = (host_seed() ^ (salt * 0x9E3779B97F4A7C15ull)) | 1;
    for (int i = 0; i < 4; i++)
        host_rand();
}

uint64_t host_rand(void)
{
    rand_state ^= rand_state >> 12;
    rand_state ^= rand_state << 25;
    rand_state ^= rand_state >> 27;
    return rand_state * 0x2545F4914F6CDD1Dull;
}

uint64_t host_rand_below(uint64_t n)
{
    return host_rand() % n;
}

int host_rep_teardown(void **state)
{
    (void)state;
    pmm_rep_strings = 0;
    return 0;
}

uint32_t host_pool_reset(uint32_t first, uint32_t n)
{
    pmm_init();
    for (uint32_t f = first; f < first + n; f++)
        if (pmm_add_free(f) != MM_OK) {
            fprintf(stderr, "pmm_add_free(%u) refused during set-up\n", f);
            abort();
        }
    return n;
}
