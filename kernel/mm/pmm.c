/* The frame allocator over the frame pool: descriptors, free counter,
 * allocation of zeroed frames and refusal of bad frees. Proven with WP
 * against the contracts in include/mm/pmm.h. */
#include "mm/pmm.h"
#include "mm/ntcopy.h"

uint8_t  pmm_desc_state[POOL_FRAMES];
uint32_t pmm_desc_owner[POOL_FRAMES];
uint8_t  pmm_desc_level[POOL_FRAMES];
uint64_t pmm_desc_prefix[POOL_FRAMES];
uint32_t pmm_nfree;
uint32_t pmm_hint;
uint32_t pmm_top;
uint32_t pmm_owner_top[POOL_FRAMES];
uint32_t pmm_owner_low[POOL_FRAMES];
uint8_t  pmm_rep_strings;

/* Set frame f's state; the free counter follows, so PmmValid is kept.
 * The ghost loop re-counts to show the count moved by exactly the change. */
/*@ requires pmm_valid: PmmValid;
    requires PmmFrame(f);
    assigns pmm_desc_state[f], pmm_nfree;
    ensures pmm_valid: PmmValid;
    ensures pmm_desc_state[f] == st;
    ensures pmm_nfree == \old(pmm_nfree) - (\old(pmm_desc_state[f]) == FRAME_FREE ? 1 : 0)
                                         + (st == FRAME_FREE ? 1 : 0);
*/
static void pmm_set_state(uint32_t f, uint8_t st)
{
    bool was_free = pmm_desc_state[f] == FRAME_FREE;
    pmm_desc_state[f] = st;
    /*@ ghost
      /@ loop invariant 0 <= i <= POOL_FRAMES;
         loop invariant 0 <= PmmFreeCount(i) <= i;
         loop invariant i <= f ==> PmmFreeCount(i) == PmmFreeCount{Pre}(i);
         loop invariant i > f ==> PmmFreeCount(i) == PmmFreeCount{Pre}(i)
              - (was_free ? 1 : 0) + (st == FRAME_FREE ? 1 : 0);
         loop assigns i;
         loop variant POOL_FRAMES - i; @/
      for (uint32_t i = 0; i < POOL_FRAMES; i++) {}
    */
    if (was_free && st != FRAME_FREE)
        pmm_nfree--;
    else if (!was_free && st == FRAME_FREE)
        pmm_nfree++;
}

/* Scans from the hint to the end of the pool, then from frame 0 to the hint.
 * The hint is only where to start: any value is safe (one past the pool
 * means frame 0), so no contract constrains it. */
uint32_t pmm_find_free(void)
{
    uint32_t start = pmm_hint < POOL_FRAMES ? pmm_hint : 0;
    /*@ loop invariant start <= i <= POOL_FRAMES;
        loop invariant \forall integer g; start <= g < i ==> pmm_desc_state[g] != FRAME_FREE;
        loop assigns i;
        loop variant POOL_FRAMES - i; */
    for (uint32_t i = start; i < POOL_FRAMES; i++) {
        if (pmm_desc_state[i] == FRAME_FREE) {
            /* The count is >= 0 up to i, then >= 1 past it. */
            /*@ ghost
              /@ loop invariant 0 <= j <= i;
                 loop invariant PmmFreeCount(j) >= 0;
                 loop assigns j;
                 loop variant i - j; @/
              for (uint32_t j = 0; j < i; j++) {}
              /@ loop invariant i < k <= POOL_FRAMES;
                 loop invariant PmmFreeCount(k) >= 1;
                 loop assigns k;
                 loop variant POOL_FRAMES - k; @/
              for (uint32_t k = i + 1; k < POOL_FRAMES; k++) {}
            */
            return i;
        }
    }
    /*@ loop invariant 0 <= i <= start;
        loop invariant PmmFreeCount(i) == 0;
        loop assigns i;
        loop variant start - i; */
    for (uint32_t i = 0; i < start; i++) {
        if (pmm_desc_state[i] == FRAME_FREE) {
            /* The count only grows past a free frame: it is >= 1 at the end. */
            /*@ ghost
              /@ loop invariant i < j <= POOL_FRAMES;
                 loop invariant PmmFreeCount(j) >= 1;
                 loop assigns j;
                 loop variant POOL_FRAMES - j; @/
              for (uint32_t j = i + 1; j < POOL_FRAMES; j++) {}
            */
            return i;
        }
    }
    /* No frame below the hint is free, and none from it on (first loop). */
    /*@ ghost
      /@ loop invariant start <= j <= POOL_FRAMES;
         loop invariant PmmFreeCount(j) == 0;
         loop assigns j;
         loop variant POOL_FRAMES - j; @/
      for (uint32_t j = start; j < POOL_FRAMES; j++) {}
    */
    return PMM_NONE;
}

/* How a frame is filled or copied (pmm_rep_strings picks; the result is
 * the same). The _rep helpers are loops that GCC turns into one `rep stosq`
 * or `rep movsq`: tree-loop-distribute-patterns (off in -ffreestanding
 * code, so switched on for these two only) makes each loop a memset or a
 * memcpy of FRAME_WORDS words, which -m{memset,memcpy}-strategy=rep_8byte
 * (mk/kernel.mk, KERNEL_STRINGOPS) expands inline. A memcpy needs to know
 * that d and s do not overlap, hence the restrict parameters, and noinline
 * keeps them a function's parameters. Frama-C proves the loops. */
#if defined(__clang__)   /* the host fuzzers: clang has no optimize attribute */
#define PMM_REP_LOOP __attribute__((noinline))
#else
#define PMM_REP_LOOP __attribute__((noinline, optimize("tree-loop-distribute-patterns")))
#endif

/*@ requires \valid(d + (0 .. FRAME_WORDS - 1));
    assigns d[0 .. FRAME_WORDS - 1];
    ensures zero: \forall integer k; 0 <= k < FRAME_WORDS ==> d[k] == 0;
*/
static PMM_REP_LOOP void pmm_words_zero_rep(uint64_t *restrict d)
{
    /*@ loop invariant 0 <= w <= FRAME_WORDS;
        loop invariant \forall integer k; 0 <= k < w ==> d[k] == 0;
        loop assigns w, d[0 .. FRAME_WORDS - 1];
        loop variant FRAME_WORDS - w; */
    for (uint32_t w = 0; w < FRAME_WORDS; w++)
        d[w] = 0;
}

/*@ requires \valid(d + (0 .. FRAME_WORDS - 1)) && \valid_read(s + (0 .. FRAME_WORDS - 1));
    requires \separated(d + (0 .. FRAME_WORDS - 1), s + (0 .. FRAME_WORDS - 1));
    assigns d[0 .. FRAME_WORDS - 1];
    ensures copied: \forall integer k; 0 <= k < FRAME_WORDS ==> d[k] == s[k];
*/
static PMM_REP_LOOP void pmm_words_copy_rep(uint64_t *restrict d, const uint64_t *restrict s)
{
    /*@ loop invariant 0 <= w <= FRAME_WORDS;
        loop invariant \forall integer k; 0 <= k < w ==> d[k] == s[k];
        loop assigns w, d[0 .. FRAME_WORDS - 1];
        loop variant FRAME_WORDS - w; */
    for (uint32_t w = 0; w < FRAME_WORDS; w++)
        d[w] = s[w];
}

/* The n words of frame f below n become zero, the others are kept; no
 * other memory changes. */
/*@ requires PmmFrame(f) && n <= FRAME_WORDS;
    assigns frame_pool[f][0 .. FRAME_WORDS - 1];
    ensures zeroed: \forall integer w; 0 <= w < n ==> frame_pool[f][w] == 0;
    ensures kept: \forall integer w; n <= w < FRAME_WORDS ==> frame_pool[f][w] == \old(frame_pool[f][w]);
*/
static void pmm_zero_below(uint32_t f, uint32_t n)
{
    if (pmm_rep_strings && n == FRAME_WORDS) {
        pmm_words_zero_rep(frame_pool[f]);
        return;
    }
    /* GCC unrolls this loop (and pmm_copy's) 8 times: about 3x faster than
     * one word per step (measured on the host, -O2 -mgeneral-regs-only).
     * Frama-C ignores the pragma: the loop it proves is the one compiled.
     * It also zeroes a part of a frame: a few words, for which one rep
     * stosq would cost more than the loop. */
#pragma GCC unroll 8
    /*@ loop invariant 0 <= w <= n;
        loop invariant \forall integer k; 0 <= k < w ==> frame_pool[f][k] == 0;
        loop assigns w, frame_pool[f][0 .. n - 1];
        loop variant n - w; */
    for (uint32_t w = 0; w < n; w++)
        frame_pool[f][w] = 0;
}

void pmm_init(void)
{
    /*@ loop invariant 0 <= f <= POOL_FRAMES;
        loop invariant \forall integer g; 0 <= g < f ==> pmm_desc_state[g] == FRAME_RESERVED;
        loop assigns f, pmm_desc_state[0 .. POOL_FRAMES - 1];
        loop variant POOL_FRAMES - f; */
    for (uint32_t f = 0; f < POOL_FRAMES; f++)
        pmm_desc_state[f] = FRAME_RESERVED;
    /*@ ghost
      /@ loop invariant 0 <= i <= POOL_FRAMES;
         loop invariant PmmFreeCount(i) == 0;
         loop assigns i;
         loop variant POOL_FRAMES - i; @/
      for (uint32_t i = 0; i < POOL_FRAMES; i++) {}
    */
    pmm_nfree = 0;
    pmm_hint = 0;
    pmm_top = 0;
}

mm_status pmm_add_free(uint32_t f)
{
    if (f >= POOL_FRAMES || pmm_desc_state[f] != FRAME_RESERVED)
        return MM_BAD_ARGUMENT;
    pmm_set_state(f, FRAME_FREE);
    return MM_OK;
}

/* Owner o's marks cover frame f: its top mark is above f and its low mark
 * at or below f (each moved only as far as that takes); no other mark
 * changes. A function of its own so that its branches do not multiply the
 * paths, and so the goals, of pmm_take. */
/*@ requires PmmFrame(o) && PmmFrame(f);
    assigns pmm_owner_top[o], pmm_owner_low[o];
    ensures covered: pmm_owner_low[o] <= f < pmm_owner_top[o];
    ensures top_raised: pmm_owner_top[o] == (\old(pmm_owner_top[o]) > f ? \old(pmm_owner_top[o]) : f + 1);
    ensures low_lowered: pmm_owner_low[o] == (\old(pmm_owner_low[o]) <= f ? \old(pmm_owner_low[o]) : f);
*/
static void pmm_owner_marks_cover(uint32_t o, uint32_t f)
{
    if (f >= pmm_owner_top[o])
        pmm_owner_top[o] = f + 1;
    if (f < pmm_owner_low[o])
        pmm_owner_low[o] = f;
}

/* The free frame f's descriptor becomes (st, owner, level, prefix); the
 * count, the hint and the high-water mark follow. f's words are untouched:
 * the two claims differ only in what they write there first. */
/*@ requires pmm_valid: PmmValid;
    requires PmmFrame(f) && pmm_desc_state[f] == FRAME_FREE;
    requires st == FRAME_KERNEL || st == FRAME_TABLE || st == FRAME_USER;
    assigns pmm_desc_state[f], pmm_desc_owner[f], pmm_desc_level[f], pmm_desc_prefix[f],
            pmm_nfree, pmm_hint, pmm_top,
            pmm_owner_top[0 .. POOL_FRAMES - 1], pmm_owner_low[0 .. POOL_FRAMES - 1];
    ensures pmm_valid: PmmValid;
    ensures below_top: PmmBelowTop{Pre} ==> PmmBelowTop;
    ensures within_owner_marks: PmmWithinOwnerMarks{Pre} ==> PmmWithinOwnerMarks;
    ensures taken: pmm_desc_state[f] == st && pmm_desc_owner[f] == (owner == PMM_SELF ? f : owner) &&
                   pmm_desc_level[f] == level && pmm_desc_prefix[f] == prefix;
    ensures count: pmm_nfree == \old(pmm_nfree) - 1;
*/
static void pmm_take(uint32_t f, enum frame_state st, uint32_t owner, uint8_t level, uint64_t prefix)
{
    if (f >= pmm_top)
        pmm_top = f + 1;
    //@ assert top_raised: f < pmm_top && \at(pmm_top, Pre) <= pmm_top;
    uint32_t o = owner == PMM_SELF ? f : owner;
    if (o < POOL_FRAMES)
        pmm_owner_marks_cover(o, f);
    pmm_set_state(f, (uint8_t)st);
    pmm_desc_owner[f] = o;
    pmm_desc_level[f] = level;
    pmm_desc_prefix[f] = prefix;
    pmm_hint = f + 1;
}

void pmm_claim_keep(uint32_t f, uint32_t dirty, enum frame_state st, uint32_t owner, uint8_t level,
                    uint64_t prefix)
{
    pmm_zero_below(f, dirty);
    pmm_take(f, st, owner, level, prefix);
}

void pmm_claim(uint32_t f, uint32_t dirty, enum frame_state st, uint32_t owner, uint8_t level,
               uint64_t prefix)
{
    pmm_claim_keep(f, dirty, st, owner, level, prefix);
}

/* Frames a and b hold the same words. It reads both a line (8 words) at a
 * time and stops after the first line that differs; within a line it does
 * not branch: under QEMU's TCG a branch per word ends a translated block
 * per word, which made an 8192-page fork 2-3 x slower. */
/*@ requires PmmFrame(a) && PmmFrame(b);
    assigns \nothing;
    ensures equal: \result <==> \forall integer w; 0 <= w < FRAME_WORDS ==> frame_pool[a][w] == frame_pool[b][w];
*/
static bool pmm_frames_equal(uint32_t a, uint32_t b)
{
    uint32_t ndiff = 0, w = 0;
    /*@ loop invariant 0 <= w <= FRAME_WORDS && w % 8 == 0 && 0 <= ndiff <= w;
        loop invariant ndiff == 0 <==> \forall integer j; 0 <= j < w ==> frame_pool[a][j] == frame_pool[b][j];
        loop assigns w, ndiff;
        loop variant FRAME_WORDS - w;
    */
    while (w < FRAME_WORDS && ndiff == 0) {
#pragma GCC unroll 8
        /*@ loop invariant 0 <= k <= 8 && 0 <= ndiff <= k;
            loop invariant ndiff == 0 <==> \forall integer j; 0 <= j < w + k ==> frame_pool[a][j] == frame_pool[b][j];
            loop assigns k, ndiff;
            loop variant 8 - k;
        */
        for (uint32_t k = 0; k < 8; k++)
            ndiff += frame_pool[a][w + k] != frame_pool[b][w + k];
        w += 8;
    }
    return ndiff == 0;
}

/* Frame dst gets the words of frame src (with non-temporal stores if
 * stream). The loop of 8-byte moves, which the kernel takes on a CPU
 * without ERMS (QEMU's qemu64 model), first checks whether dst already
 * holds those words and then writes nothing. Under QEMU's TCG a write to a
 * frame drops the host code translated from it; a fork after an exit
 * takes back the frames the last child had, in the same order, so the
 * child's code pages already hold the parent's code, and with the check
 * their translations survive: a small process's fork+exit+wait cycle went
 * from about 450 to 70 us (bench/README.md). */
/*@ requires PmmFrame(dst) && PmmFrame(src) && dst != src;
    assigns frame_pool[dst][0 .. FRAME_WORDS - 1];
    ensures copied: \forall integer w; 0 <= w < FRAME_WORDS ==> frame_pool[dst][w] == frame_pool[src][w];
*/
static void pmm_copy(uint32_t dst, uint32_t src, bool stream)
{
    if (stream) {
        nt_copy_frame(frame_pool[dst], frame_pool[src]);
        return;
    }
    if (pmm_rep_strings) {
        pmm_words_copy_rep(frame_pool[dst], frame_pool[src]);
        return;
    }
    if (pmm_frames_equal(dst, src))
        return;
#pragma GCC unroll 8
    /*@ loop invariant 0 <= w <= FRAME_WORDS;
        loop invariant \forall integer j; 0 <= j < w ==> frame_pool[dst][j] == frame_pool[src][j];
        loop assigns w, frame_pool[dst][0 .. FRAME_WORDS - 1];
        loop variant FRAME_WORDS - w;
    */
    for (uint32_t w = 0; w < FRAME_WORDS; w++)
        frame_pool[dst][w] = frame_pool[src][w];
}

void pmm_claim_copy(uint32_t f, uint32_t src, enum frame_state st, uint32_t owner, uint8_t level,
                    uint64_t prefix, bool stream)
{
    pmm_copy(f, src, stream);
    pmm_take(f, st, owner, level, prefix);
}

uint32_t pmm_alloc(enum frame_state st, uint32_t owner, uint8_t level, uint64_t prefix)
{
    uint32_t f = pmm_find_free();
    if (f == PMM_NONE)
        return PMM_NONE;
    pmm_claim(f, FRAME_WORDS, st, owner, level, prefix);
    return f;
}

/* Lowers the high-water mark past the free frames just below it, so that
 * it is again one past the highest table or user frame. O(1) unless the top
 * frame was just freed; then it walks down over frames freed before, each
 * of which a claim once raised the mark over. A mark above the pool (no
 * PmmBelowTop) is left alone. */
/*@ assigns pmm_top;
    ensures below_top: PmmBelowTop{Pre} ==> PmmBelowTop;
    ensures not_raised: pmm_top <= \old(pmm_top);
*/
static void pmm_lower_top(void)
{
    if (pmm_top > POOL_FRAMES)
        return;
    /*@ loop invariant pmm_top <= \at(pmm_top, Pre) && pmm_top <= POOL_FRAMES;
        loop invariant PmmBelowTop{Pre} ==> PmmBelowTop;
        loop assigns pmm_top;
        loop variant pmm_top;
    */
    while (pmm_top > 0 && pmm_desc_state[pmm_top - 1] != FRAME_TABLE &&
           pmm_desc_state[pmm_top - 1] != FRAME_USER)
        pmm_top--;
}

mm_status pmm_free(uint32_t f)
{
    if (f >= POOL_FRAMES)
        return MM_BAD_ARGUMENT;
    if (pmm_desc_state[f] != FRAME_TABLE && pmm_desc_state[f] != FRAME_USER)
        return MM_NOT_ALLOCATED;
    pmm_set_state(f, FRAME_FREE);
    if (f < pmm_hint)
        pmm_hint = f;
    pmm_lower_top();
    return MM_OK;
}

uint32_t pmm_free_count(void)
{
    return pmm_nfree;
}

enum frame_state pmm_state(uint32_t f)
{
    return (enum frame_state)pmm_desc_state[f];
}

uint32_t pmm_owner(uint32_t f)
{
    return pmm_desc_owner[f];
}

uint8_t pmm_level(uint32_t f)
{
    return pmm_desc_level[f];
}

uint64_t pmm_prefix(uint32_t f)
{
    return pmm_desc_prefix[f];
}
