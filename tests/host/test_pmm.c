/* Host unit tests of the frame allocator (kernel/mm/pmm.c, unmodified):
 * init, add_free, zeroed allocation, descriptors, free count, every refusal
 * of pmm_free and pmm_add_free, exhaustion and recovery. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mm/pmm.h"
#include "mm/ntcopy.h"
#include "host_support.h"

#define FIRST 100u      /* first frame made free by the set-up */
#define NFREE 64u       /* frames made free by the set-up */

static int setup_small_pool(void **state)
{
    (void)state;
    host_pool_reset(FIRST, NFREE);
    return 0;
}

static int setup_small_pool_rep(void **state)
{
    pmm_rep_strings = 1;
    return setup_small_pool(state);
}

/* Counts frames in state st by the accessor. */
static uint32_t count_state(enum frame_state st)
{
    uint32_t n = 0;
    for (uint32_t f = 0; f < POOL_FRAMES; f++)
        n += pmm_state(f) == st;
    return n;
}

static void fill_frame(uint32_t f, uint64_t pattern)
{
    for (uint32_t w = 0; w < FRAME_WORDS; w++)
        frame_pool[f][w] = pattern ^ w;
}

static int frame_is_zero(uint32_t f)
{
    for (uint32_t w = 0; w < FRAME_WORDS; w++)
        if (frame_pool[f][w] != 0)
            return 0;
    return 1;
}

/* covers: pmm_init.init_reserved pmm_init.init_count pmm_init.below_top pmm_alloc.alloc_none */
static void init_reserves_everything(void **state)
{
    (void)state;
    pmm_init();
    assert_int_equal(pmm_free_count(), 0);
    assert_int_equal(pmm_top, 0);
    assert_int_equal(count_state(FRAME_RESERVED), POOL_FRAMES);
    assert_int_equal(pmm_alloc(FRAME_USER, 0, 0, 0), PMM_NONE);
}

/* covers: pmm_add_free.add_free_result pmm_add_free.add_free_state pmm_add_free.add_free_count pmm_add_free.add_free_refused pmm_add_free.add_free_unchanged */
static void add_free_only_on_reserved(void **state)
{
    (void)state;
    pmm_init();
    assert_int_equal(pmm_add_free(7), MM_OK);
    assert_int_equal(pmm_free_count(), 1);
    assert_int_equal(pmm_state(7), FRAME_FREE);
    /* A free frame is not reserved any more. */
    assert_int_equal(pmm_add_free(7), MM_BAD_ARGUMENT);
    assert_int_equal(pmm_free_count(), 1);
    /* Out of the pool. */
    assert_int_equal(pmm_add_free(POOL_FRAMES), MM_BAD_ARGUMENT);
    assert_int_equal(pmm_add_free(0xFFFFFFFFu), MM_BAD_ARGUMENT);
    /* An allocated frame. */
    uint32_t f = pmm_alloc(FRAME_USER, 3, 0, 0);
    assert_int_equal(f, 7);
    assert_int_equal(pmm_add_free(f), MM_BAD_ARGUMENT);
    assert_int_equal(pmm_state(f), FRAME_USER);
    assert_int_equal(pmm_free_count(), 0);
    /* Last frame of the pool is a valid index. */
    assert_int_equal(pmm_add_free(POOL_FRAMES - 1), MM_OK);
    assert_int_equal(pmm_free_count(), 1);
}

/* covers: pmm_alloc.alloc_fresh_owned pmm_alloc.alloc_fresh_count pmm_alloc.alloc_fresh_index */
static void alloc_records_descriptor(void **state)
{
    (void)state;
    uint32_t before = pmm_free_count();
    uint32_t f = pmm_alloc(FRAME_TABLE, 4242, 3, 0x123456789ull);
    assert_int_not_equal(f, PMM_NONE);
    assert_true(f >= FIRST && f < FIRST + NFREE);
    assert_int_equal(pmm_state(f), FRAME_TABLE);
    assert_int_equal(pmm_owner(f), 4242);
    assert_int_equal(pmm_level(f), 3);
    assert_int_equal(pmm_prefix(f), 0x123456789ull);
    assert_int_equal(pmm_free_count(), before - 1);
    /* PMM_SELF: the frame owns itself (a root). */
    uint32_t r = pmm_alloc(FRAME_TABLE, PMM_SELF, PMM_LEVEL_ROOT, 0);
    assert_int_not_equal(r, PMM_NONE);
    assert_int_not_equal(r, f);
    assert_int_equal(pmm_owner(r), r);
    assert_int_equal(pmm_level(r), PMM_LEVEL_ROOT);
    assert_int_equal(pmm_free_count(), before - 2);
}

/* covers: pmm_alloc.alloc_fresh_zeroed pmm_alloc.alloc_other_frames */
static void alloc_returns_zeroed_frame(void **state)
{
    (void)state;
    /* Only one frame free: the reallocation must hand out the same one. */
    host_pool_reset(FIRST, 1);
    uint32_t f = pmm_alloc(FRAME_USER, 1, 0, 0);
    assert_int_equal(f, FIRST);
    assert_true(frame_is_zero(f));
    fill_frame(f, 0xDEADBEEFCAFEF00Dull);
    assert_int_equal(pmm_free(f), MM_OK);
    fill_frame(f, 0x5555AAAA5555AAAAull);   /* dirty while free, too */
    uint32_t g = pmm_alloc(FRAME_TABLE, 2, 1, 0);
    assert_int_equal(g, f);
    assert_true(frame_is_zero(g));
    /* Allocation zeroes only its own frame. */
    fill_frame(FIRST + 1, 0x77);
    assert_int_equal(pmm_free(g), MM_OK);
    assert_int_equal(pmm_alloc(FRAME_USER, 1, 0, 0), FIRST);
    assert_int_equal(frame_pool[FIRST + 1][5], 0x77 ^ 5);
}

/* pmm_claim_copy, both ways of copying (through the caches, and streamed
 * with non-temporal stores): the claimed frame holds the source's words
 * (not zeros), its descriptor is set, the source and every other frame are
 * untouched, and the high-water mark covers it. */
/* covers: pmm_claim_copy.copy_equal pmm_claim_copy.alloc_fresh_owned pmm_claim_copy.alloc_fresh_count pmm_claim_copy.below_top */
static void claim_copy_copies_source(void **state)
{
    (void)state;
    uint32_t src = pmm_alloc(FRAME_USER, 9, PMM_LEVEL_DATA, 0);
    assert_int_not_equal(src, PMM_NONE);
    fill_frame(src, 0x0123456789ABCDEFull);
    for (int stream = 0; stream < 2; stream++) {
        uint32_t f = pmm_find_free();
        assert_int_not_equal(f, PMM_NONE);
        fill_frame(f, 0x5555AAAA5555AAAAull);          /* dirty while free */
        fill_frame(f + 1, 0x77);                       /* a neighbour */
        uint32_t before = pmm_free_count();
        pmm_claim_copy(f, src, FRAME_USER, 9, PMM_LEVEL_DATA, 42 + stream, stream);
        nt_store_fence();
        assert_memory_equal(frame_pool[f], frame_pool[src], PAGE_SIZE);
        assert_int_equal(frame_pool[src][3], 0x0123456789ABCDEFull ^ 3);
        assert_int_equal(frame_pool[f + 1][5], 0x77 ^ 5);
        assert_int_equal(pmm_state(f), FRAME_USER);
        assert_int_equal(pmm_owner(f), 9);
        assert_int_equal(pmm_prefix(f), 42 + stream);
        assert_int_equal(pmm_free_count(), before - 1);
        assert_true(f < pmm_top && src < pmm_top);
    }
}

/* pmm_claim_copy into a frame that already holds the source's words but
 * one (the first, the middle or the last): the loop way checks first and
 * writes nothing into an equal frame, so a check that missed a word would
 * leave it; and into an equal frame, which stays equal. */
/* covers: pmm_claim_copy.copy_equal */
static void claim_copy_into_nearly_equal_frame(void **state)
{
    (void)state;
    uint32_t src = pmm_alloc(FRAME_USER, 9, PMM_LEVEL_DATA, 0);
    assert_int_not_equal(src, PMM_NONE);
    fill_frame(src, 0x0123456789ABCDEFull);
    const uint32_t odd[] = { 0, FRAME_WORDS / 2, FRAME_WORDS - 1, FRAME_WORDS };
    for (unsigned k = 0; k < sizeof odd / sizeof odd[0]; k++) {
        uint32_t f = pmm_find_free();
        assert_int_not_equal(f, PMM_NONE);
        memcpy(frame_pool[f], frame_pool[src], PAGE_SIZE);
        if (odd[k] < FRAME_WORDS)
            frame_pool[f][odd[k]] = ~frame_pool[src][odd[k]];
        pmm_claim_copy(f, src, FRAME_USER, 9, PMM_LEVEL_DATA, k, false);
        assert_memory_equal(frame_pool[f], frame_pool[src], PAGE_SIZE);
        assert_int_equal(pmm_free(f), MM_OK);
    }
}

/* covers: pmm_alloc.alloc_fresh_zeroed pmm_alloc.alloc_fresh_was_free pmm_alloc.alloc_fresh_count */
static void alloc_many_all_zeroed_and_distinct(void **state)
{
    (void)state;
    for (uint32_t f = FIRST; f < FIRST + NFREE; f++)
        fill_frame(f, 0xABCDull * f);
    uint8_t seen[NFREE] = {0};
    for (uint32_t i = 0; i < NFREE; i++) {
        uint32_t f = pmm_alloc(FRAME_USER, 9, 0, i);
        assert_true(f >= FIRST && f < FIRST + NFREE);
        assert_int_equal(seen[f - FIRST], 0);
        seen[f - FIRST] = 1;
        assert_true(frame_is_zero(f));
        assert_int_equal(pmm_free_count(), NFREE - 1 - i);
    }
}

/* covers: pmm_free.free_refused_result pmm_free.free_refused_unchanged pmm_free.free_bad_result pmm_free.free_bad_unchanged */
static void free_refusals_change_nothing(void **state)
{
    (void)state;
    uint32_t u = pmm_alloc(FRAME_USER, 5, 0, 0);
    uint32_t k = pmm_alloc(FRAME_KERNEL, 5, 0, 0);
    assert_int_not_equal(u, PMM_NONE);
    assert_int_not_equal(k, PMM_NONE);
    uint32_t count = pmm_free_count();
    /* A kernel frame. */
    assert_int_equal(pmm_free(k), MM_NOT_ALLOCATED);
    assert_int_equal(pmm_state(k), FRAME_KERNEL);
    /* A reserved frame (outside the free range). */
    assert_int_equal(pmm_free(3), MM_NOT_ALLOCATED);
    assert_int_equal(pmm_state(3), FRAME_RESERVED);
    /* A free frame. */
    uint32_t fr = FIRST + NFREE - 1;
    assert_int_equal(pmm_state(fr), FRAME_FREE);
    assert_int_equal(pmm_free(fr), MM_NOT_ALLOCATED);
    assert_int_equal(pmm_state(fr), FRAME_FREE);
    /* Out of range. */
    assert_int_equal(pmm_free(POOL_FRAMES), MM_BAD_ARGUMENT);
    assert_int_equal(pmm_free(0xFFFFFFFFu), MM_BAD_ARGUMENT);
    assert_int_equal(pmm_free_count(), count);
    /* Double free: the second one is refused. */
    assert_int_equal(pmm_free(u), MM_OK);
    assert_int_equal(pmm_free_count(), count + 1);
    assert_int_equal(pmm_free(u), MM_NOT_ALLOCATED);
    assert_int_equal(pmm_free_count(), count + 1);
    assert_int_equal(pmm_state(u), FRAME_FREE);
}

/* covers: pmm_free.free_exact_result pmm_free.free_exact_state pmm_free.free_exact_count */
static void free_table_and_user_frames(void **state)
{
    (void)state;
    uint32_t t = pmm_alloc(FRAME_TABLE, 1, 2, 0);
    uint32_t u = pmm_alloc(FRAME_USER, 1, 0, 0);
    assert_int_equal(pmm_free_count(), NFREE - 2);
    assert_int_equal(pmm_free(t), MM_OK);
    assert_int_equal(pmm_free(u), MM_OK);
    assert_int_equal(pmm_free_count(), NFREE);
    assert_int_equal(pmm_state(t), FRAME_FREE);
    assert_int_equal(pmm_state(u), FRAME_FREE);
}

/* covers: pmm_alloc.alloc_none pmm_alloc.alloc_none_count pmm_alloc.alloc_other_desc */
static void exhaustion_and_recovery(void **state)
{
    (void)state;
    uint32_t got[NFREE];
    for (uint32_t i = 0; i < NFREE; i++) {
        got[i] = pmm_alloc(FRAME_USER, 1, 0, 0);
        assert_int_not_equal(got[i], PMM_NONE);
    }
    assert_int_equal(pmm_free_count(), 0);
    /* Exhausted: PMM_NONE, and the descriptors stay as they were. */
    uint8_t snap[POOL_FRAMES];
    memcpy(snap, pmm_desc_state, sizeof snap);
    for (int i = 0; i < 3; i++)
        assert_int_equal(pmm_alloc(FRAME_TABLE, 2, 1, 0), PMM_NONE);
    assert_memory_equal(snap, pmm_desc_state, sizeof snap);
    assert_int_equal(pmm_free_count(), 0);
    for (uint32_t i = 0; i < NFREE; i++)
        assert_int_equal(pmm_free(got[i]), MM_OK);
    assert_int_equal(pmm_free_count(), NFREE);
    assert_int_equal(count_state(FRAME_FREE), NFREE);
    for (uint32_t i = 0; i < NFREE; i++)
        assert_int_not_equal(pmm_alloc(FRAME_USER, 1, 0, 0), PMM_NONE);
    assert_int_equal(pmm_alloc(FRAME_USER, 1, 0, 0), PMM_NONE);
}

/* Random alloc/free against a model of which frames are allocated; the
 * free count and every state must agree with the model at each step, and
 * the high-water mark pmm_top is exactly one past the highest allocated
 * frame (0 with none): an alloc raises it at most to that, a free lowers it
 * past the free frames at the top, never raises it (PmmBelowTop bounds
 * destroy's scan; the exact mark is what keeps the scan short). Each frame
 * gets one of four owners; pmm_owner_top[owner] must be exactly one past
 * the highest frame ever claimed for that owner and pmm_owner_low[owner]
 * the lowest (frees leave both), so every allocated frame lies within its
 * owner's marks (PmmWithinOwnerMarks). */
/* covers: pmm_alloc.pmm_valid pmm_free.pmm_valid pmm_free_count.free_count pmm_alloc.below_top pmm_free.below_top pmm_free.top_not_raised pmm_alloc.within_owner_marks pmm_free.within_owner_marks */
static void alloc_free_random(void **state)
{
    (void)state;
    enum { N = 512, OPS = 50000, OWNERS = 4 };
    host_rand_init(1);
    host_pool_reset(FIRST, N);
    memset(pmm_owner_top, 0, sizeof pmm_owner_top);
    memset(pmm_owner_low, 0xff, sizeof pmm_owner_low);
    uint8_t model[N] = {0};    /* 0 free, else the state + 1 */
    uint8_t owner_of[N] = {0};
    uint32_t owner_top[OWNERS] = {0};
    uint32_t owner_low[OWNERS] = {UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX};
    uint32_t nalloc = 0;
    uint32_t top = pmm_top;
    uint32_t lowered = 0;      /* frees that lowered the mark */
    for (int op = 0; op < OPS; op++) {
        if (host_rand_below(2) == 0) {
            enum frame_state st = host_rand_below(2) ? FRAME_USER : FRAME_TABLE;
            uint32_t owner = (uint32_t)host_rand_below(OWNERS);
            uint32_t f = pmm_alloc(st, owner, 0, 0);
            if (nalloc == N) {
                assert_int_equal(f, PMM_NONE);
                continue;
            }
            assert_true(f >= FIRST && f < FIRST + N);
            assert_int_equal(model[f - FIRST], 0);
            model[f - FIRST] = (uint8_t)(st + 1);
            owner_of[f - FIRST] = (uint8_t)owner;
            if (f + 1 > owner_top[owner])
                owner_top[owner] = f + 1;
            if (f < owner_low[owner])
                owner_low[owner] = f;
            nalloc++;
        } else {
            uint32_t f = FIRST + (uint32_t)host_rand_below(N);
            mm_status s = pmm_free(f);
            if (model[f - FIRST]) {
                assert_int_equal(s, MM_OK);
                model[f - FIRST] = 0;
                nalloc--;
            } else {
                assert_int_equal(s, MM_NOT_ALLOCATED);
            }
            assert_true(pmm_top <= top);
            lowered += pmm_top < top;
        }
        assert_int_equal(pmm_free_count(), N - nalloc);
        uint32_t want = 0;
        for (uint32_t i = 0; i < N; i++)
            if (model[i])
                want = FIRST + i + 1;
        assert_int_equal(pmm_top, want);
        top = pmm_top;
        for (uint32_t o = 0; o < OWNERS; o++) {
            assert_int_equal(pmm_owner_top[o], owner_top[o]);
            assert_int_equal(pmm_owner_low[o], owner_low[o]);
        }
        for (uint32_t i = 0; i < N; i++)
            if (model[i]) {
                assert_true(FIRST + i < pmm_owner_top[owner_of[i]]);
                assert_true(FIRST + i >= pmm_owner_low[owner_of[i]]);
            }
    }
    assert_true(lowered > 0);
    for (uint32_t f = top; f < POOL_FRAMES; f++)
        assert_true(pmm_state(f) != FRAME_TABLE && pmm_state(f) != FRAME_USER);
    for (uint32_t i = 0; i < N; i++)
        assert_int_equal(pmm_state(FIRST + i),
                         model[i] ? (enum frame_state)(model[i] - 1) : FRAME_FREE);
}

/* covers: pmm_claim.alloc_fresh_zeroed pmm_claim.alloc_fresh_owned pmm_claim.alloc_fresh_count pmm_claim.below_top */
static void claim_zeroes_only_the_dirty_words(void **state)
{
    (void)state;
    static const uint32_t dirty[] = { 0, 1, 7, 8, 9, 300, FRAME_WORDS };
    for (unsigned k = 0; k < sizeof dirty / sizeof dirty[0]; k++) {
        uint32_t f = pmm_find_free(), n = dirty[k];
        assert_int_not_equal(f, PMM_NONE);
        memset(frame_pool[f], 0, PAGE_SIZE);
        for (uint32_t w = 0; w < n; w++)              /* what a table left below its mark */
            frame_pool[f][w] = 0xA5A5A5A5A5A5A5A5ull ^ w;
        fill_frame(f + 1, 0x77);                      /* a neighbour */
        uint32_t before = pmm_free_count();
        pmm_claim(f, n, FRAME_TABLE, 5, 2, 100 + k);
        assert_true(frame_is_zero(f));
        assert_int_equal(frame_pool[f + 1][5], 0x77 ^ 5);
        assert_int_equal(pmm_state(f), FRAME_TABLE);
        assert_int_equal(pmm_owner(f), 5);
        assert_int_equal(pmm_level(f), 2);
        assert_int_equal(pmm_prefix(f), 100 + k);
        assert_int_equal(pmm_free_count(), before - 1);
        assert_true(f < pmm_top);
    }
}

int main(void)
{
    host_seed();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(init_reserves_everything),
        cmocka_unit_test(add_free_only_on_reserved),
        cmocka_unit_test_setup(alloc_records_descriptor, setup_small_pool),
        cmocka_unit_test_setup(alloc_returns_zeroed_frame, setup_small_pool),
        cmocka_unit_test_setup(claim_copy_copies_source, setup_small_pool),
        cmocka_unit_test_setup(claim_copy_into_nearly_equal_frame, setup_small_pool),
        cmocka_unit_test_setup(alloc_many_all_zeroed_and_distinct, setup_small_pool),
        HOST_REP_TEST(alloc_returns_zeroed_frame, setup_small_pool_rep),
        HOST_REP_TEST(claim_copy_copies_source, setup_small_pool_rep),
        HOST_REP_TEST(claim_copy_into_nearly_equal_frame, setup_small_pool_rep),
        HOST_REP_TEST(alloc_many_all_zeroed_and_distinct, setup_small_pool_rep),
        cmocka_unit_test_setup(claim_zeroes_only_the_dirty_words, setup_small_pool),
        HOST_REP_TEST(claim_zeroes_only_the_dirty_words, setup_small_pool_rep),
        cmocka_unit_test_setup(free_refusals_change_nothing, setup_small_pool),
        cmocka_unit_test_setup(free_table_and_user_frames, setup_small_pool),
        cmocka_unit_test_setup(exhaustion_and_recovery, setup_small_pool),
        cmocka_unit_test(alloc_free_random),
    };
    return cmocka_run_group_tests_name("pmm", tests, NULL, NULL);
}
