/* clonebench: the kernel's address-space code on the host, timed. Built from
 * the same kernel/mm sources and host frame pool as tests/host. Measures
 * vm_space_clone of a space with N user pages against memcpy of N * 4 KiB,
 * and how clone, destroy and pmm_alloc scale with mapped pages, pool size
 * and pool occupancy, and a plain clone of the same design
 * (bench/plainclone.c, an experiment: never in the kernel) beside it. One
 * "clonebench: ..." line per figure (parsed by bench/bench.py); `clonebench
 * smoke` does one repetition of each. Exit 0 when every clone was checked
 * equal to its parent, the plain clone's result to the kernel clone's, and
 * every call succeeded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arch/cpu.h"
#include "mm/vmspace.h"
#include "mm/paging.h"
#include "host_support.h"

uint64_t boot_pml4[512];

#define CB_VA_BASE 0x400000ull

uint32_t plain_clone(uint32_t parent);   /* bench/plainclone.c */

static int cb_smoke;
static int cb_failed;

/* Nanoseconds from CLOCK_MONOTONIC. */
static double cb_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* cb_ns() once every store this CPU made before it is visible (mfence):
 * an interval it closes ends when the timed operation's writes are done,
 * not when its last store entered the store buffer. Every interval of
 * cb_time_clone ends with it, on both sides. (On a 2.1 GHz EPYC,
 * 2026-12-05, one memcpy of a page between two plain reads timed 20 ns,
 * under what its 4 KiB of stores can take; with the fence, 30 ns, still
 * in the 10 ns steps of that machine's kvm-clock; 64 copies per interval
 * (CB_BATCH_PAGES), 31-33 ns each.) */
static double cb_ns_done(void)
{
    __asm__ volatile("mfence" : : : "memory");
    return cb_ns();
}

/* What closing an interval with cb_ns_done() adds to it (median of
 * back-to-back pairs, measured at start): about 20-30 ns on a vDSO TSC
 * clock. cb_time_clone takes it off every sample of both sides, so the
 * N=1 ratio compares the operations, not the clock. */
static double cb_clock_ns;

static int cb_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of the n values in v (v is sorted in place). */
static double cb_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof v[0], cb_cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Repetitions for an operation of about est_ns: enough for ~0.2 s, 5..200;
 * 1 in smoke mode. */
static int cb_reps(double est_ns)
{
    if (cb_smoke)
        return 1;
    int r = (int)(2e8 / (est_ns > 1 ? est_ns : 1));
    return r < 5 ? 5 : r > 200 ? 200 : r;
}

/* Median of 1001 back-to-back clock reads (sets cb_clock_ns). */
static void cb_clock_overhead(void)
{
    double v[1001];
    for (int i = 0; i < 1001; i++) {
        double t0 = cb_ns();
        v[i] = cb_ns_done() - t0;
    }
    cb_clock_ns = cb_median(v, 1001);
}

/* Interval t, less the clock's own share (never below zero). */
static double cb_net(double t)
{
    return t > cb_clock_ns ? t - cb_clock_ns : 0;
}

static void cb_fail(const char *what)
{
    printf("clonebench: error: %s\n", what);
    cb_failed = 1;
}

/* Fresh pool: frames [1, 1 + usable) free, the kernel template made. */
static void cb_pool(uint32_t usable)
{
    host_pool_reset(1, usable);
    for (int i = 256; i < 512; i++)
        boot_pml4[i] = 0x100003ull + (uint64_t)i * 0x1000;
    if (vm_template_init() == PMM_NONE)
        cb_fail("vm_template_init");
}

/* A space with `pages` writable user pages from CB_VA_BASE, page i filled
 * with words i * 7 + w; PMM_NONE on failure. */
static uint32_t cb_parent(uint32_t pages)
{
    uint32_t p = vm_space_create();
    if (p == PMM_NONE)
        return PMM_NONE;
    for (uint32_t i = 0; i < pages; i++) {
        uint64_t va = CB_VA_BASE + (uint64_t)i * PAGE_SIZE;
        if (vm_map(p, va, VM_WRITE) != MM_OK)
            return PMM_NONE;
        uint32_t f = vm_lookup(p, va).frame;
        for (uint32_t w = 0; w < FRAME_WORDS; w++)
            frame_pool[f][w] = (uint64_t)i * 7 + w;
    }
    return p;
}

/* Child c maps the same bytes as parent p at the first and last page. */
static int cb_same(uint32_t p, uint32_t c, uint32_t pages)
{
    uint64_t vas[2] = { CB_VA_BASE, CB_VA_BASE + (uint64_t)(pages - 1) * PAGE_SIZE };
    for (int k = 0; k < 2; k++) {
        struct vm_lookup_result a = vm_lookup(p, vas[k]), b = vm_lookup(c, vas[k]);
        if (a.status != MM_OK || b.status != MM_OK || a.frame == b.frame ||
            memcmp(frame_pool[a.frame], frame_pool[b.frame], PAGE_SIZE) != 0)
            return 0;
    }
    return 1;
}

/* Everything a clone reads or writes: the pool, the descriptors, the
 * pool's and the owners' marks and the tables' slot marks. One list, so
 * that saving, restoring and comparing cannot cover different fields. */
static const struct cb_region {
    void *at;
    size_t size;
} cb_regions[] = {
    { frame_pool, sizeof frame_pool },
    { pmm_desc_state, sizeof pmm_desc_state },
    { pmm_desc_level, sizeof pmm_desc_level },
    { pmm_desc_owner, sizeof pmm_desc_owner },
    { pmm_desc_prefix, sizeof pmm_desc_prefix },
    { pmm_owner_top, sizeof pmm_owner_top },
    { pmm_owner_low, sizeof pmm_owner_low },
    { pt_slot_mark, sizeof pt_slot_mark },
    { &pmm_nfree, sizeof pmm_nfree },
    { &pmm_hint, sizeof pmm_hint },
    { &pmm_top, sizeof pmm_top },
};
#define CB_NREGIONS (sizeof cb_regions / sizeof cb_regions[0])

/* The regions one after the other in a buffer of cb_state_size() bytes. */
static size_t cb_state_size(void)
{
    size_t n = 0;
    for (size_t k = 0; k < CB_NREGIONS; k++)
        n += cb_regions[k].size;
    return n;
}

/* The regions saved to buf. */
static void cb_state_save(unsigned char *buf)
{
    for (size_t k = 0; k < CB_NREGIONS; buf += cb_regions[k++].size)
        memcpy(buf, cb_regions[k].at, cb_regions[k].size);
}

/* The regions as cb_state_save left them in buf. */
static void cb_state_load(const unsigned char *buf)
{
    for (size_t k = 0; k < CB_NREGIONS; buf += cb_regions[k++].size)
        memcpy(cb_regions[k].at, buf, cb_regions[k].size);
}

/* The regions hold what cb_state_save left in buf. */
static int cb_state_same(const unsigned char *buf)
{
    for (size_t k = 0; k < CB_NREGIONS; buf += cb_regions[k++].size)
        if (memcmp(cb_regions[k].at, buf, cb_regions[k].size) != 0)
            return 0;
    return 1;
}

/* plain_clone(p) leaves every byte a clone touches as vm_space_clone(p)
 * does, from the same state (the child destroyed after). */
static int cb_plain_same(uint32_t p)
{
    static unsigned char *start, *after;
    if (!start) {
        start = malloc(cb_state_size());
        after = malloc(cb_state_size());
        if (!start || !after)
            return 0;
    }
    cb_state_save(start);
    uint32_t c = vm_space_clone(p);
    cb_state_save(after);
    cb_state_load(start);
    uint32_t d = plain_clone(p);
    int same = c != PMM_NONE && d == c && cb_state_same(after);
    if (d != PMM_NONE)
        vm_space_destroy(d);
    return same;
}

/* memcpy's time depends on where the kernel placed its buffers: with one
 * pair, about one run in four copied 64 pages at half speed (most likely
 * physical pages that share cache sets, a placement the run cannot
 * choose), and the clone/memcpy ratio went from 2.0 to 1.0. So memcpy
 * copies between CB_PAIRS pairs of buffers, one pair per round (see
 * cb_time_clone), and its figure is the fastest pair's median: the
 * physical limit clone is held to. */
#define CB_PAIRS 4
#define CB_BATCH_PAGES 64

/* The writes a copying clone of this design makes at least, done with
 * libc's memcpy: `pages` frames copied. The child owns its root, tables and
 * pages (ownership, clone_fresh), so it writes each. A table costs only its
 * entries and the words below its frame's slot mark: a frame comes back
 * from the pool zero from its mark on (SlotMarksOk), and a table's last
 * owner set a few slots in this loop. The root costs its user slots below
 * its mark: a root freed by destroy holds the template's words from its
 * mark on (FreeRootsOk), and this loop's clone takes back the root the last
 * one freed. So the tables' and the root's few words are left out
 * (`tables` only says how many tables the clone took). */
struct cb_floor {
    unsigned char *src, *dst; /* pages frames each */
    uint32_t tables, pages;
};

static void cb_floor_writes(const struct cb_floor *fl)
{
    unsigned char *d = fl->dst;
    memcpy(d, fl->src, (size_t)fl->pages * PAGE_SIZE);
    __asm__ volatile("" : : "r"(d) : "memory");
}

/* `batch` copies of n bytes from src to dst, one after the other. */
static void cb_memcpy_batch(unsigned char *dst, const unsigned char *src, size_t n, int batch)
{
    for (int b = 0; b < batch; b++) {
        memcpy(dst, src, n);
        __asm__ volatile("" : : "r"(dst) : "memory");
    }
}

/* *best becomes v if v is lower or *best is not set yet (negative). */
static void cb_keep_min(double *best, double v)
{
    if (*best < 0 || v < *best)
        *best = v;
}

/* What clone is compared with (medians in ns, the fastest of CB_PAIRS
 * buffer pairs each; see cb_time_clone). */
struct cb_refs {
    double memcpy_ns;         /* memcpy of the N pages */
    double floor_ns;          /* cb_floor_writes */
    double plain_ns;          /* plain_clone (bench/plainclone.c), each destroyed after */
    uint32_t tables;          /* tables the clone took (reported; not in floor_ns) */
};

/* One round's buffers: memcpy from src to dst; the floor's writes from src. */
struct cb_pair {
    unsigned char *src, *dst;
    struct cb_floor fl;
};

static void cb_pair_alloc(struct cb_pair *b, uint32_t pages, uint32_t tables)
{
    size_t n = (size_t)pages * PAGE_SIZE;
    b->src = aligned_alloc(PAGE_SIZE, n);
    b->dst = aligned_alloc(PAGE_SIZE, n);
    b->fl = (struct cb_floor){ b->src, aligned_alloc(PAGE_SIZE, n), tables, pages };
    memset(b->src, 0x5a, n);
    memset(b->dst, 0, n);
    memset(b->fl.dst, 0x11, n);
}

/* The pair's buffers hold what memcpy and the floor's writes put there. */
static int cb_pair_ok(const struct cb_pair *b)
{
    size_t n = (size_t)b->fl.pages * PAGE_SIZE;
    return b->dst[n - 1] == 0x5a && b->fl.dst[0] == 0x5a && b->fl.dst[n - 1] == 0x5a;
}

static void cb_pair_free(struct cb_pair *b)
{
    free(b->src);
    free(b->dst);
    free(b->fl.dst);
}

/* Times (ns; how they are taken: below) of vm_space_clone and vm_space_destroy of parent p with
 * `pages` pages and, when refs is not NULL, what clone is compared with:
 * memcpy of as many pages between two touched buffers (the fastest of
 * CB_PAIRS pairs, see above), the clone's own writes (cb_floor_writes:
 * its pages) and plain_clone (bench/plainclone.c: the same design, written
 * plainly; each destroyed after its sample, untimed).
 * The samples are taken in CB_PAIRS rounds, and in each round every side
 * runs in a block of its own: clones (each destroyed after its sample),
 * then memcpys between pair k, then the writes from pair k's source, then
 * plain clones. So
 * each side finds in the caches what it used in its previous sample, as in
 * a loop of its own, and a change in the machine's load over the run hits
 * every side in every round. Each figure is the lowest of its rounds'
 * medians, for every side alike: memcpy's rounds differ by buffer pair
 * (above), and every side's rounds by the machine's load (on a shared
 * host, by up to a third within a run). Until 2026-12-06 clone's figure was
 * the median of all its samples, held to memcpy's quietest round. A smoke
 * run's single sample is its own figure.
 * Interleaved sample by sample (also until 2026-12-06), each side's
 * buffers pushed the others' out of the caches, and unequally: 64-page
 * clones took 4.2 us beside memcpy and 3.4 us in a loop of their own,
 * while memcpy took 2.8 us beside clone and 2.3 us beside the writes (2.1
 * GHz EPYC, 2026-12-06). */
static void cb_time_clone(uint32_t p, uint32_t pages, double *clone_ns, double *destroy_ns,
                          struct cb_refs *refs)
{
    size_t n = (size_t)pages * PAGE_SIZE;
    uint32_t free_before = pmm_free_count();
    double t0 = cb_ns();
    uint32_t c = vm_space_clone(p);
    double est = cb_ns() - t0;
    /* Frames the clone took: its root, its tables and its pages. */
    uint32_t taken = free_before - pmm_free_count();
    if (c == PMM_NONE || !cb_same(p, c, pages) || taken < 1 + pages)
        cb_fail("clone missing or different from its parent");
    if (c != PMM_NONE)
        vm_space_destroy(c);
    uint32_t tables = taken >= 1 + pages ? taken - 1 - pages : 0;
    struct cb_pair pair[CB_PAIRS] = { 0 };
    for (int k = 0; refs && k < CB_PAIRS; k++)
        cb_pair_alloc(&pair[k], pages, tables);
    int reps = cb_reps(est);
    /* memcpy of fewer than CB_BATCH_PAGES pages is timed CB_BATCH_PAGES /
     * pages times in a row in one interval (its figure is the interval over
     * that count): one copy of a page takes a few clock steps (kvm-clock
     * steps by 10 ns), so alone it would be measured to +-10 ns. The
     * floor's writes likewise. */
    int batch = pages < CB_BATCH_PAGES ? (int)(CB_BATCH_PAGES / pages) : 1;
    if (!cb_smoke && reps < 2 * CB_PAIRS)
        reps = 2 * CB_PAIRS;
    double *cv = malloc(sizeof(double) * (size_t)reps), *dv = malloc(sizeof(double) * (size_t)reps);
    double *mv = malloc(sizeof(double) * (size_t)reps), *fv = malloc(sizeof(double) * (size_t)reps);
    double *pv = malloc(sizeof(double) * (size_t)reps);
    *clone_ns = *destroy_ns = -1;
    if (refs)
        *refs = (struct cb_refs){ -1, -1, -1, tables };
    for (int k = 0; k < CB_PAIRS; k++) {
        /* Round k's share of the reps (a smoke run's one rep is round 3's). */
        int r0 = (int)((long)k * reps / CB_PAIRS), r1 = (int)((long)(k + 1) * reps / CB_PAIRS);
        for (int r = r0; r < r1; r++) {
            t0 = cb_ns();
            c = vm_space_clone(p);
            double t1 = cb_ns_done();
            if (c == PMM_NONE || vm_space_destroy(c) != MM_OK)
                cb_fail("clone or destroy failed");
            double t2 = cb_ns_done();
            cv[r - r0] = cb_net(t1 - t0);
            dv[r - r0] = cb_net(t2 - t1);
        }
        if (r1 == r0)
            continue;
        cb_keep_min(clone_ns, cb_median(cv, r1 - r0));
        cb_keep_min(destroy_ns, cb_median(dv, r1 - r0));
        if (!refs)
            continue;
        for (int r = r0; r < r1; r++) {
            t0 = cb_ns();
            cb_memcpy_batch(pair[k].dst, pair[k].src, n, batch);
            mv[r - r0] = cb_net(cb_ns_done() - t0) / batch;
        }
        for (int r = r0; r < r1; r++) {
            t0 = cb_ns();
            for (int b = 0; b < batch; b++)
                cb_floor_writes(&pair[k].fl);
            fv[r - r0] = cb_net(cb_ns_done() - t0) / batch;
        }
        for (int r = r0; r < r1; r++) {
            t0 = cb_ns();
            c = plain_clone(p);
            pv[r - r0] = cb_net(cb_ns_done() - t0);
            if (c == PMM_NONE || vm_space_destroy(c) != MM_OK)
                cb_fail("plain clone or destroy failed");
        }
        if (!cb_pair_ok(&pair[k]))
            cb_fail("memcpy");
        cb_keep_min(&refs->memcpy_ns, cb_median(mv, r1 - r0));
        cb_keep_min(&refs->floor_ns, cb_median(fv, r1 - r0));
        cb_keep_min(&refs->plain_ns, cb_median(pv, r1 - r0));
    }
    free(pv);
    free(cv);
    free(dv);
    free(mv);
    free(fv);
    for (int k = 0; refs && k < CB_PAIRS; k++)
        cb_pair_free(&pair[k]);
}

/* How the kernel would zero and copy frames on this CPU (kmain: ERMS). */
static uint8_t cb_cpu_rep;

/* Clone vs memcpy and destroy per N, the whole pool usable. clone_us is
 * with frames zeroed and copied the way the kernel picks on this CPU, timed
 * in rounds with memcpy and with the clone's own writes (floor_us; see
 * cb_time_clone); loop_us and rep_us time clone each way. */
static void cb_clone_vs_memcpy(void)
{
    static const uint32_t sizes[] = { 1, 64, 1024, 8192 };
    for (unsigned k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        cb_pool(POOL_FRAMES - 1);
        uint32_t p = cb_parent(sizes[k]);
        if (p == PMM_NONE) {
            cb_fail("parent set-up");
            return;
        }
        double c, d, other, od;
        struct cb_refs rf;
        pmm_rep_strings = !cb_cpu_rep;
        cb_time_clone(p, sizes[k], &other, &od, NULL);
        pmm_rep_strings = cb_cpu_rep;
        if (!cb_plain_same(p))
            cb_fail("plain clone's result differs from vm_space_clone's");
        cb_time_clone(p, sizes[k], &c, &d, &rf);
        printf("clonebench: clone pages=%u clone_us=%.3f destroy_us=%.3f memcpy_us=%.3f ratio=%.2f "
               "loop_us=%.3f rep_us=%.3f tables=%u floor_us=%.3f plain_us=%.3f\n", sizes[k],
               c / 1e3, d / 1e3, rf.memcpy_ns / 1e3, c / rf.memcpy_ns, (cb_cpu_rep ? other : c) / 1e3,
               (cb_cpu_rep ? c : other) / 1e3, rf.tables, rf.floor_ns / 1e3, rf.plain_ns / 1e3);
    }
}

/* Clone and destroy of a 64-page space vs the number of usable pool frames
 * (the occupancy is the same: only the space's own frames are taken). */
static void cb_pool_size(void)
{
    static const uint32_t usable[] = { 4096, 16384, POOL_FRAMES - 1 };
    for (unsigned k = 0; k < sizeof usable / sizeof usable[0]; k++) {
        cb_pool(usable[k]);
        uint32_t p = cb_parent(64);
        if (p == PMM_NONE) {
            cb_fail("parent set-up");
            return;
        }
        double c, d;
        cb_time_clone(p, 64, &c, &d, NULL);
        printf("clonebench: poolsize usable=%u pages=64 clone_us=%.2f destroy_us=%.2f\n",
               usable[k], c / 1e3, d / 1e3);
    }
}

/* pmm_alloc + pmm_free of one frame when `taken` frames past the parent's
 * are allocated, and a 64-page clone and destroy then: the clone's frames
 * lie above the taken ones, which destroy's scan (from the space's own low
 * mark) should not pay for. */
static void cb_occupancy(void)
{
    static const uint32_t taken[] = { 0, 8192, 32768, 57344 };
    for (unsigned k = 0; k < sizeof taken / sizeof taken[0]; k++) {
        cb_pool(POOL_FRAMES - 1);
        uint32_t p = cb_parent(64);
        for (uint32_t i = 0; i < taken[k]; i++)
            if (pmm_alloc(FRAME_USER, PMM_SELF, PMM_LEVEL_DATA, 0) == PMM_NONE)
                cb_fail("filling the pool");
        int reps = cb_smoke ? 1 : 2000;
        double t0 = cb_ns();
        for (int r = 0; r < reps; r++) {
            uint32_t f = pmm_alloc(FRAME_USER, PMM_SELF, PMM_LEVEL_DATA, 0);
            if (f == PMM_NONE || pmm_free(f) != MM_OK)
                cb_fail("alloc/free");
        }
        double alloc_ns = (cb_ns() - t0) / reps;
        double c, d;
        cb_time_clone(p, 64, &c, &d, NULL);
        printf("clonebench: occupancy taken=%u alloc_ns=%.1f clone64_us=%.2f destroy64_us=%.2f\n",
               taken[k], alloc_ns, c / 1e3, d / 1e3);
    }
}

int main(int argc, char **argv)
{
    cb_smoke = argc > 1 && strcmp(argv[1], "smoke") == 0;
    /* The kernel's pool is RAM; the host's is a BSS array whose pages fault
     * in on first touch: touch them all once so no timing pays for that. */
    memset(frame_pool, 0, sizeof frame_pool);
    cb_cpu_rep = (uint8_t)cpu_has_erms();
    pmm_rep_strings = cb_cpu_rep;
    cb_clock_overhead();
    printf("clonebench: pool_frames=%u mode=%s frames=%s clock_ns=%.1f\n", POOL_FRAMES,
           cb_smoke ? "smoke" : "full", cb_cpu_rep ? "rep" : "loop", cb_clock_ns);
    cb_clone_vs_memcpy();
    cb_pool_size();
    cb_occupancy();
    printf("clonebench: %s\n", cb_failed ? "failed" : "done");
    return cb_failed;
}
