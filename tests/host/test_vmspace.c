/* Host unit tests of the address spaces (kernel/mm/vmspace.c, unmodified):
 * the template and create, clone checked page by page against a reference
 * model of random parents, destroy's exact frees and refusals, repeated
 * clone/destroy cycles, running out of frames at every allocation a clone
 * makes, and VmValid kept by random paging and space operations. Parents
 * are built by a test-only mapper written with the hardware bit layout,
 * independently of vm_map. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mm/vmspace.h"
#include "mm/vmspace_user.h"
#include "host_support.h"
#include "vm_valid_scan.h"

/* The kernel's boot PML4 (boot/entry.asm): here a recognisable pattern. */
uint64_t boot_pml4[512];

#define HW_P    (1ull << 0)
#define HW_RW   (1ull << 1)
#define HW_US   (1ull << 2)
#define HW_NX   (1ull << 63)
#define HW_ADDR 0x000FFFFFFFFFF000ull
#define HW_IX(va, level) (((va) >> (12 + 9 * ((level) - 1))) & 511u)

#define POOL_FIRST 1u        /* frame 0 stays reserved */
#define POOL_N     6000u

/* ---- helpers ----------------------------------------------------------- */

static uint32_t frame_of(uint64_t e)
{
    return (uint32_t)(((e & HW_ADDR) - POOL_PHYS_BASE) / PAGE_SIZE);
}

/* Test-only mapper: a fresh user frame at va in root with flags, tables
 * created as needed (the same layout vm_map produces, slot marks included:
 * VmValid's SlotMarksOk). Returns the frame. */
static uint32_t test_map(uint32_t root, uint64_t va, uint32_t flags)
{
    uint32_t t = root;
    for (unsigned level = 4; level >= 2; level--) {
        uint64_t *slot = &frame_pool[t][HW_IX(va, level)];
        if (!(*slot & HW_P)) {
            uint32_t c = pmm_alloc(FRAME_TABLE, root, level - 1,
                                   (uint64_t)t * 512 + HW_IX(va, level));
            assert_int_not_equal(c, PMM_NONE);
            *slot = (POOL_PHYS_BASE + (uint64_t)c * PAGE_SIZE) | HW_P | HW_RW | HW_US;
            pt_slot_mark[c] = 0;
            pt_mark_slot(t, HW_IX(va, level));
        }
        t = frame_of(*slot);
    }
    uint64_t *leaf = &frame_pool[t][HW_IX(va, 1)];
    assert_false(*leaf & HW_P);
    uint32_t u = pmm_alloc(FRAME_USER, root, PMM_LEVEL_DATA, (uint64_t)t * 512 + HW_IX(va, 1));
    assert_int_not_equal(u, PMM_NONE);
    *leaf = (POOL_PHYS_BASE + (uint64_t)u * PAGE_SIZE) | HW_P | HW_US |
            ((flags & VM_WRITE) ? HW_RW : 0) | ((flags & VM_EXEC) ? 0 : HW_NX);
    pt_mark_slot(t, HW_IX(va, 1));
    return u;
}

/* Calls fn(va, leaf entry, ctx) for every present leaf of root's user half,
 * checking each table's descriptor (owner root, level, prefix) on the way. */
typedef void (*leaf_fn)(uint64_t va, uint64_t e, void *ctx);

static unsigned for_each_leaf(uint32_t root, leaf_fn fn, void *ctx)
{
    unsigned n = 0;
    for (uint64_t i4 = 0; i4 < 256; i4++) {
        uint64_t e4 = frame_pool[root][i4];
        if (!(e4 & HW_P)) { assert_int_equal(e4, 0); continue; }
        uint32_t t3 = frame_of(e4);
        assert_int_equal(pmm_state(t3), FRAME_TABLE);
        assert_int_equal(pmm_owner(t3), root);
        assert_int_equal(pmm_level(t3), 3);
        assert_int_equal(pmm_prefix(t3), (uint64_t)root * 512 + i4);
        for (uint64_t i3 = 0; i3 < 512; i3++) {
            uint64_t e3 = frame_pool[t3][i3];
            if (!(e3 & HW_P)) { assert_int_equal(e3, 0); continue; }
            uint32_t t2 = frame_of(e3);
            assert_int_equal(pmm_state(t2), FRAME_TABLE);
            assert_int_equal(pmm_owner(t2), root);
            assert_int_equal(pmm_level(t2), 2);
            assert_int_equal(pmm_prefix(t2), (uint64_t)t3 * 512 + i3);
            for (uint64_t i2 = 0; i2 < 512; i2++) {
                uint64_t e2 = frame_pool[t2][i2];
                if (!(e2 & HW_P)) { assert_int_equal(e2, 0); continue; }
                uint32_t t1 = frame_of(e2);
                assert_int_equal(pmm_state(t1), FRAME_TABLE);
                assert_int_equal(pmm_owner(t1), root);
                assert_int_equal(pmm_level(t1), 1);
                assert_int_equal(pmm_prefix(t1), (uint64_t)t2 * 512 + i2);
                for (uint64_t i1 = 0; i1 < 512; i1++) {
                    uint64_t e1 = frame_pool[t1][i1];
                    if (!(e1 & HW_P)) { assert_int_equal(e1, 0); continue; }
                    uint32_t u = frame_of(e1);
                    assert_int_equal(pmm_state(u), FRAME_USER);
                    assert_int_equal(pmm_owner(u), root);
                    assert_int_equal(pmm_prefix(u), (uint64_t)t1 * 512 + i1);
                    n++;
                    if (fn)
                        fn((i4 << 39) | (i3 << 30) | (i2 << 21) | (i1 << 12), e1, ctx);
                }
            }
        }
    }
    return n;
}

/* The reference model of one space: its pages, their flags and bytes. */
#define MODEL_MAX 400
struct model_page { uint64_t va; uint32_t flags; uint64_t words[FRAME_WORDS]; };
struct model { unsigned n; struct model_page p[MODEL_MAX]; };

static const struct model_page *model_find(const struct model *m, uint64_t va)
{
    for (unsigned i = 0; i < m->n; i++)
        if (m->p[i].va == va)
            return &m->p[i];
    return NULL;
}

/* A random user va: clustered (shared tables) or spread over the half. */
static uint64_t random_va(void)
{
    switch (host_rand_below(3)) {
    case 0:  return host_rand_below(64) << 12;
    case 1:  return (0x400000ull + host_rand_below(2048) * 4096) ;
    default: return (host_rand_below(1ull << 35) << 12) & (VM_USER_TOP - 1);
    }
}

/* Maps va (not yet in m) in space r with random flags and bytes, recorded in m. */
static void model_add_page(struct model *m, uint32_t r, uint64_t va)
{
    struct model_page *p = &m->p[m->n++];
    p->va = va;
    p->flags = (uint32_t)host_rand_below(4);
    uint32_t u = test_map(r, va, p->flags);
    for (unsigned w = 0; w < FRAME_WORDS; w++)
        p->words[w] = frame_pool[u][w] = host_rand_below(4) ? host_rand() : 0;
}

/* Space r (recorded in m) gets random pages of random bytes and flags
 * until m holds n. */
static void add_random_pages(struct model *m, uint32_t r, unsigned n)
{
    while (m->n < n) {
        uint64_t va = random_va();
        if (!model_find(m, va))
            model_add_page(m, r, va);
    }
}

/* A new space with n random pages of random bytes and flags, recorded in m. */
static uint32_t random_space(struct model *m, unsigned n)
{
    uint32_t r = vm_space_create();
    assert_int_not_equal(r, PMM_NONE);
    m->n = 0;
    add_random_pages(m, r, n);
    return r;
}

struct check_ctx { const struct model *m; uint32_t root; uint32_t other; };

/* A leaf found in ctx->root is a model page with its flags and bytes, in a
 * frame of ctx->root (and, for a clone, not the other space's frame). */
static void check_leaf(uint64_t va, uint64_t e, void *vctx)
{
    struct check_ctx *c = vctx;
    const struct model_page *p = model_find(c->m, va);
    assert_non_null(p);
    struct vm_lookup_result r = vm_lookup(c->root, va);
    assert_int_equal(r.status, MM_OK);
    assert_int_equal(r.frame, frame_of(e));
    assert_int_equal(r.flags, p->flags);
    assert_int_equal(pmm_owner(r.frame), c->root);
    assert_memory_equal(frame_pool[r.frame], p->words, PAGE_SIZE);
    if (c->other != PMM_NONE) {
        struct vm_lookup_result o = vm_lookup(c->other, va);
        assert_int_equal(o.status, MM_OK);
        assert_int_not_equal(o.frame, r.frame);
    }
}

/* root maps exactly the model's pages; its kernel half is the template's. */
static void assert_space_is(uint32_t root, const struct model *m, uint32_t other)
{
    struct check_ctx c = { m, root, other };
    assert_int_equal(for_each_leaf(root, check_leaf, &c), m->n);
    for (unsigned i = 256; i < 512; i++)
        assert_int_equal(frame_pool[root][i], frame_pool[vm_kernel_template][i]);
}

/* The frames root owns (any state but free), counted by a descriptor scan. */
static unsigned owned_frames(uint32_t root)
{
    unsigned n = 0;
    for (uint32_t f = 0; f < POOL_FRAMES; f++)
        if (pmm_state(f) != FRAME_FREE && pmm_state(f) != FRAME_RESERVED &&
            pmm_state(f) != FRAME_KERNEL && pmm_owner(f) == root)
            n++;
    return n;
}

static int setup_pool(void **state)
{
    (void)state;
    host_pool_reset(POOL_FIRST, POOL_N);
    for (unsigned i = 0; i < 512; i++)
        boot_pml4[i] = i < 256 ? 0 : 0x100003ull + i * 0x1000;
    assert_int_not_equal(vm_template_init(), PMM_NONE);
    return 0;
}

static int setup_pool_rep(void **state)
{
    pmm_rep_strings = 1;
    return setup_pool(state);
}

static struct model parent_model, other_model;

/* ---- template and create ------------------------------------------------- */

/* covers: vm_template_init.template_kernel_half vm_template_init.template_user_empty */
static void template_copies_kernel_half(void **state)
{
    (void)state;
    uint32_t t = vm_kernel_template;
    assert_int_equal(pmm_state(t), FRAME_KERNEL);
    assert_int_equal(pmm_owner(t), t);
    for (unsigned i = 0; i < 512; i++)
        assert_int_equal(frame_pool[t][i], i < 256 ? 0 : boot_pml4[i]);
}

/* covers: vm_space_create.user_half_empty vm_space_create.kernel_half_shared vm_space_create.create_count */
static void create_is_empty_and_shares_kernel_half(void **state)
{
    (void)state;
    for (uint32_t f = POOL_FIRST; f < POOL_FIRST + POOL_N; f++)
        if (pmm_state(f) == FRAME_FREE)
            frame_pool[f][f % FRAME_WORDS] = ~0ull;          /* dirty */
    uint32_t before = pmm_free_count();
    uint32_t r = vm_space_create();
    assert_int_not_equal(r, PMM_NONE);
    assert_int_equal(pmm_free_count(), before - 1);
    assert_int_equal(pmm_state(r), FRAME_TABLE);
    assert_int_equal(pmm_level(r), PMM_LEVEL_ROOT);
    assert_int_equal(pmm_owner(r), r);
    for (unsigned i = 0; i < 256; i++)
        assert_int_equal(frame_pool[r][i], 0);               /* user_half_empty */
    for (unsigned i = 256; i < 512; i++)
        assert_int_equal(frame_pool[r][i], boot_pml4[i]);    /* kernel_half_shared */
    assert_int_equal(vm_space_destroy(r), MM_OK);
    assert_int_equal(pmm_free_count(), before);
}

/* covers: vm_space_create.no_memory */
static void create_without_memory_changes_nothing(void **state)
{
    (void)state;
    while (pmm_alloc(FRAME_KERNEL, 0, 0, 0) != PMM_NONE)
        ;
    assert_int_equal(vm_space_create(), PMM_NONE);
    assert_int_equal(pmm_free_count(), 0);
}

/* ---- destroy ------------------------------------------------------------ */

/* covers: vm_space_destroy.destroy_result vm_space_destroy.destroy_exact */
static void destroy_frees_exactly_the_space(void **state)
{
    (void)state;
    uint32_t before = pmm_free_count();
    uint32_t a = random_space(&parent_model, 150);
    uint32_t mid = pmm_free_count();
    uint32_t b = random_space(&other_model, 150);
    unsigned owned_b = owned_frames(b);
    assert_int_equal(pmm_free_count(), mid - owned_b);
    assert_int_equal(vm_space_destroy(b), MM_OK);
    assert_int_equal(pmm_free_count(), mid);                 /* destroy_exact */
    assert_int_equal(owned_frames(b), 0);
    assert_space_is(a, &parent_model, PMM_NONE);             /* a untouched */
    assert_int_equal(vm_space_destroy(a), MM_OK);
    assert_int_equal(pmm_free_count(), before);
}

/* Frame f is a table or user frame of root's. */
static bool owned_by(uint32_t f, uint32_t root)
{
    return (pmm_state(f) == FRAME_TABLE || pmm_state(f) == FRAME_USER) && pmm_owner(f) == root;
}

/* One past the highest frame root owns (root itself included). */
static uint32_t highest_owned(uint32_t root)
{
    uint32_t top = 0;
    for (uint32_t f = 0; f < POOL_FRAMES; f++)
        if (owned_by(f, root))
            top = f + 1;
    return top;
}

/* The lowest frame root owns (root itself included); PMM_NONE with none. */
static uint32_t lowest_owned(uint32_t root)
{
    for (uint32_t f = 0; f < POOL_FRAMES; f++)
        if (owned_by(f, root))
            return f;
    return PMM_NONE;
}

/* A space made in the low frames another space left, below a space that
 * holds higher ones: its owner mark is one past its own highest frame, far
 * below the pool's mark, and destroy (which scans only below the lower of
 * the two) still frees exactly its frames. A new space's mark starts at its
 * root, even when the root frame last belonged to a larger space. */
/* covers: vm_space_destroy.destroy_exact vm_space_create.vm_valid */
static void destroy_scans_below_own_mark(void **state)
{
    (void)state;
    uint32_t before = pmm_free_count();
    uint32_t a = random_space(&parent_model, 150);
    uint32_t b = random_space(&other_model, 150);
    assert_true(highest_owned(a) < highest_owned(b));
    assert_int_equal(vm_space_destroy(a), MM_OK);
    uint32_t mid = pmm_free_count();
    uint32_t r = vm_space_create();
    assert_int_equal(r, a);                                   /* a's root, reused */
    assert_int_equal(pmm_owner_top[r], r + 1);
    assert_int_equal(pmm_owner_low[r], r);
    assert_int_equal(vm_space_destroy(r), MM_OK);
    uint32_t c = random_space(&parent_model, 20);
    assert_int_equal(pmm_owner_top[c], highest_owned(c));
    assert_true(pmm_owner_top[c] < highest_owned(b));
    assert_true(pmm_owner_top[c] < pmm_top);
    assert_int_equal(vm_space_destroy(c), MM_OK);
    assert_int_equal(pmm_free_count(), mid);                 /* destroy_exact */
    assert_int_equal(owned_frames(c), 0);
    assert_space_is(b, &other_model, PMM_NONE);              /* b untouched */
    assert_int_equal(vm_space_destroy(b), MM_OK);
    assert_int_equal(pmm_free_count(), before);
}

/* A space above another space's frames has its low mark at its root, so
 * destroy's scan starts there; once the space below is gone, the space
 * takes frames below its own root (the hint goes back to the lowest frame
 * freed), its low mark follows them down, and destroy still frees exactly
 * its frames, the ones below its root included. */
/* covers: vm_space_destroy.destroy_exact vm_space_destroy.vm_valid */
static void destroy_scans_own_span(void **state)
{
    (void)state;
    uint32_t before = pmm_free_count();
    uint32_t a = random_space(&parent_model, 150);
    uint32_t c = random_space(&other_model, 20);
    assert_true(lowest_owned(c) >= highest_owned(a));         /* c above a */
    assert_int_equal(pmm_owner_low[c], c);
    assert_int_equal(lowest_owned(c), c);
    assert_int_equal(vm_space_destroy(a), MM_OK);
    uint32_t mid = pmm_free_count();
    unsigned owned_c = owned_frames(c);
    add_random_pages(&other_model, c, 40);
    assert_true(lowest_owned(c) < c);                         /* below its root */
    assert_int_equal(pmm_owner_low[c], lowest_owned(c));
    assert_int_equal(pmm_free_count(), mid - (owned_frames(c) - owned_c));
    assert_space_is(c, &other_model, PMM_NONE);
    assert_int_equal(vm_space_destroy(c), MM_OK);
    assert_int_equal(owned_frames(c), 0);
    assert_int_equal(pmm_free_count(), before);               /* destroy_exact */
}

/* covers: vm_space_destroy.destroy_refused */
static void destroy_refusals_change_nothing(void **state)
{
    (void)state;
    uint32_t r = random_space(&parent_model, 20);
    uint32_t before = pmm_free_count();
    assert_int_equal(vm_space_destroy(vm_kernel_template), MM_BAD_ARGUMENT);
    assert_int_equal(vm_space_destroy(PMM_NONE), MM_BAD_ARGUMENT);
    assert_int_equal(vm_space_destroy(0), MM_BAD_ARGUMENT);  /* reserved */
    uint32_t t3 = frame_of(frame_pool[r][HW_IX(parent_model.p[0].va, 4)]);
    assert_int_equal(vm_space_destroy(t3), MM_BAD_ARGUMENT); /* a table, not a root */
    struct vm_lookup_result u = vm_lookup(r, parent_model.p[0].va);
    assert_int_equal(vm_space_destroy(u.frame), MM_BAD_ARGUMENT);
    assert_int_equal(pmm_free_count(), before);
    assert_space_is(r, &parent_model, PMM_NONE);
    assert_int_equal(vm_space_destroy(r), MM_OK);
    uint32_t after = pmm_free_count();
    assert_int_equal(vm_space_destroy(r), MM_BAD_ARGUMENT);  /* twice */
    assert_int_equal(pmm_free_count(), after);
    assert_int_equal(pmm_state(vm_kernel_template), FRAME_KERNEL);
}

/* ---- clone -------------------------------------------------------------- */

/* covers: vm_space_clone.clone_equal vm_space_clone.clone_fresh vm_space_clone.clone_parent_unchanged */
static void clone_matches_model(void **state)
{
    (void)state;
    host_rand_init(41);
    for (unsigned round = 0; round < 12; round++) {
        uint32_t before = pmm_free_count();
        uint32_t p = random_space(&parent_model, 1 + (unsigned)host_rand_below(MODEL_MAX));
        unsigned parent_frames = owned_frames(p);
        uint32_t c = vm_space_clone(p);
        assert_int_not_equal(c, PMM_NONE);
        assert_int_not_equal(c, p);
        assert_int_equal(owned_frames(c), parent_frames);    /* same shape */
        assert_space_is(c, &parent_model, p);                /* clone_equal, clone_fresh */
        assert_space_is(p, &parent_model, c);                /* clone_parent_unchanged */
        /* Writes to the child do not reach the parent. */
        struct vm_lookup_result cl = vm_lookup(c, parent_model.p[0].va);
        frame_pool[cl.frame][7] ^= 0x5A5A;
        assert_space_is(p, &parent_model, c);
        assert_int_equal(vm_space_destroy(c), MM_OK);
        assert_space_is(p, &parent_model, PMM_NONE);
        assert_int_equal(vm_space_destroy(p), MM_OK);
        assert_int_equal(pmm_free_count(), before);
    }
}

/* Pages at the first and last slot of every level and next to each other:
 * where clone's jump over empty parent slots (vm_next_present) could start
 * or land one slot off. */
/* covers: vm_space_clone.clone_equal vm_space_clone.clone_fresh */
static void clone_copies_edge_slots(void **state)
{
    (void)state;
    static const uint64_t vas[] = {
        0, 0x1000, 0x1ff000,                      /* PT slots 0, 1 and 511 */
        0x200000, 0x3ff000,                       /* PD slot 1: PT slots 0 and 511 */
        0x3fe00000, 0x40000000,                   /* PD slot 511, PDPT slot 1 */
        0x7fc0000000, 0x8000000000,               /* PDPT slot 511, root slot 1 */
        VM_USER_TOP - 0x2000, VM_USER_TOP - 0x1000, /* root slot 255, last two PT slots */
    };
    host_rand_init(43);
    uint32_t before = pmm_free_count();
    uint32_t p = vm_space_create();
    assert_int_not_equal(p, PMM_NONE);
    parent_model.n = 0;
    for (unsigned k = 0; k < sizeof vas / sizeof vas[0]; k++)
        model_add_page(&parent_model, p, vas[k]);
    uint32_t c = vm_space_clone(p);
    assert_int_not_equal(c, PMM_NONE);
    assert_int_equal(owned_frames(c), owned_frames(p));
    assert_space_is(c, &parent_model, p);
    assert_space_is(p, &parent_model, c);
    assert_int_equal(vm_space_destroy(c), MM_OK);
    assert_int_equal(vm_space_destroy(p), MM_OK);
    assert_int_equal(pmm_free_count(), before);
}

/* covers: vm_space_clone.clone_refused */
static void clone_of_empty_space_and_refusals(void **state)
{
    (void)state;
    uint32_t before = pmm_free_count();
    uint32_t p = vm_space_create();
    uint32_t c = vm_space_clone(p);
    assert_int_not_equal(c, PMM_NONE);
    assert_int_equal(pmm_free_count(), before - 2);
    parent_model.n = 0;
    assert_space_is(c, &parent_model, PMM_NONE);
    assert_int_equal(vm_space_clone(vm_kernel_template), PMM_NONE);
    assert_int_equal(vm_space_clone(PMM_NONE), PMM_NONE);
    assert_int_equal(vm_space_clone(0), PMM_NONE);
    assert_int_equal(pmm_free_count(), before - 2);
    assert_int_equal(vm_space_destroy(c), MM_OK);
    assert_int_equal(vm_space_destroy(p), MM_OK);
    assert_int_equal(pmm_free_count(), before);
}

/* covers: vm_space_clone.clone_fresh vm_space_destroy.destroy_exact */
static void clone_destroy_cycles_keep_count(void **state)
{
    (void)state;
    host_rand_init(42);
    uint32_t start = pmm_free_count();
    uint32_t p = random_space(&parent_model, 200);
    uint32_t with_parent = pmm_free_count();
    for (unsigned i = 0; i < 200; i++) {
        uint32_t c = vm_space_clone(p);
        assert_int_not_equal(c, PMM_NONE);
        if (i % 50 == 0)
            assert_space_is(c, &parent_model, p);
        /* A grandchild, then both go, in either order. */
        uint32_t g = vm_space_clone(c);
        assert_int_not_equal(g, PMM_NONE);
        if (i % 2) {
            assert_int_equal(vm_space_destroy(c), MM_OK);
            assert_int_equal(vm_space_destroy(g), MM_OK);
        } else {
            assert_int_equal(vm_space_destroy(g), MM_OK);
            assert_int_equal(vm_space_destroy(c), MM_OK);
        }
        assert_int_equal(pmm_free_count(), with_parent);
    }
    assert_space_is(p, &parent_model, PMM_NONE);
    assert_int_equal(vm_space_destroy(p), MM_OK);
    assert_int_equal(pmm_free_count(), start);
}

/* Every table's slot mark is one past its highest slot set: vm_map and the
 * clone raise it, and a new table or root starts at 0 whatever its frame
 * held in an earlier life. So the clone's scan of a table stops there.
 * Unmapping leaves the mark where it was (a bound, not an exact count), and
 * the clone is still exact. */
/* covers: vm_space_clone.clone_equal vm_space_clone.vm_valid vm_space_map.vm_valid vm_space_unmap.vm_valid */
static void slot_marks_bound_tables(void **state)
{
    (void)state;
    for (uint32_t f = 0; f < POOL_FRAMES; f++)
        if (pmm_state(f) == FRAME_FREE)
            pt_slot_mark[f] = 512;   /* what a frame's last life as a table could leave */
    uint32_t before = pmm_free_count();
    uint32_t p = vm_space_create();
    assert_int_not_equal(p, PMM_NONE);
    assert_int_equal(pt_slot_mark[p], 0);
    /* root slot 1, PDPT slot 2, PD slots 3 and 7, PT slots 5, 9 and 4 */
    const uint64_t base = (1ull << 39) | (2ull << 30);
    const uint64_t vas[] = { base | (3ull << 21) | (5ull << 12), base | (3ull << 21) | (9ull << 12),
                             base | (7ull << 21) | (4ull << 12) };
    for (unsigned k = 0; k < 3; k++)
        assert_int_equal(vm_space_map(p, vas[k], VM_WRITE), MM_OK);
    uint32_t t3 = frame_of(frame_pool[p][1]), t2 = frame_of(frame_pool[t3][2]);
    uint32_t t1a = frame_of(frame_pool[t2][3]), t1b = frame_of(frame_pool[t2][7]);
    assert_int_equal(pt_slot_mark[p], 2);
    assert_int_equal(pt_slot_mark[t3], 3);
    assert_int_equal(pt_slot_mark[t2], 8);
    assert_int_equal(pt_slot_mark[t1a], 10);
    assert_int_equal(pt_slot_mark[t1b], 5);
    assert_int_equal(vm_space_unmap(p, vas[1]), MM_OK);
    assert_int_equal(pt_slot_mark[t1a], 10);
    assert_null(vm_valid_by_scan());

    uint32_t c = vm_space_clone(p);
    assert_int_not_equal(c, PMM_NONE);
    assert_null(vm_valid_by_scan());
    uint32_t c3 = frame_of(frame_pool[c][1]), c2 = frame_of(frame_pool[c3][2]);
    uint32_t c1a = frame_of(frame_pool[c2][3]), c1b = frame_of(frame_pool[c2][7]);
    assert_int_equal(pt_slot_mark[c], 2);
    assert_int_equal(pt_slot_mark[c3], 3);
    assert_int_equal(pt_slot_mark[c2], 8);
    assert_int_equal(pt_slot_mark[c1a], 6);   /* the child's table holds slot 5 only */
    assert_int_equal(pt_slot_mark[c1b], 5);
    assert_int_equal(vm_lookup(c, vas[0]).status, MM_OK);
    assert_int_equal(vm_lookup(c, vas[1]).status, MM_NOT_MAPPED);
    assert_int_equal(vm_lookup(c, vas[2]).status, MM_OK);
    assert_int_equal(owned_frames(c), owned_frames(p));
    assert_int_equal(vm_space_destroy(c), MM_OK);
    assert_int_equal(vm_space_destroy(p), MM_OK);
    assert_int_equal(pmm_free_count(), before);
}

/* The root's user half and kernel half as a new space has them. */
static void assert_fresh_root(uint32_t r)
{
    for (unsigned i = 0; i < 512; i++)
        assert_int_equal(frame_pool[r][i], i < 256 ? 0 : boot_pml4[i]);
}

/* A destroyed space's root stays free with its slot mark and the
 * template's words from there on (FreeRootsOk). The next space takes it
 * back with only its user slots below the mark zeroed; with a mark past the
 * user half it copies the template instead; and a clone that takes two
 * freed roots, one as its root and one as a table, zeroes the table whole
 * (its kernel half is not zero). Each way, the words are exactly a new
 * space's, and VmValid holds throughout. */
/* covers: vm_space_create.user_half_empty vm_space_create.kernel_half_shared vm_space_destroy.vm_valid */
static void freed_roots_taken_back(void **state)
{
    (void)state;
    uint32_t before = pmm_free_count();
    uint32_t p = vm_space_create();
    assert_int_not_equal(p, PMM_NONE);
    /* user slots 0 and 3 of the root set: its mark is 4 */
    assert_int_equal(vm_space_map(p, 0x1000, VM_WRITE), MM_OK);
    assert_int_equal(vm_space_map(p, (3ull << 39) | 0x2000, VM_WRITE), MM_OK);
    assert_int_equal(pt_slot_mark[p], 4);
    assert_int_equal(vm_space_destroy(p), MM_OK);
    assert_int_equal(pmm_free_count(), before);
    assert_int_equal(pmm_state(p), FRAME_FREE);
    assert_int_equal(pt_slot_mark[p], 4);                     /* kept */
    assert_int_not_equal(frame_pool[p][0], 0);                /* below the mark: left dirty */
    assert_null(vm_valid_by_scan());

    uint32_t r = vm_space_create();                          /* taken back, slots 0..3 zeroed */
    assert_int_equal(r, p);
    assert_int_equal(pt_slot_mark[r], 0);
    assert_fresh_root(r);
    assert_null(vm_valid_by_scan());
    assert_int_equal(vm_space_destroy(r), MM_OK);

    pt_slot_mark[p] = 300;                                   /* still true of its words */
    assert_null(vm_valid_by_scan());
    r = vm_space_create();                                   /* a copy of the template */
    assert_int_equal(r, p);
    assert_fresh_root(r);
    assert_null(vm_valid_by_scan());
    assert_int_equal(vm_space_destroy(r), MM_OK);

    /* Two adjacent freed roots, then a clone of a one-page parent made
     * above them: its root takes the first, its top table the second. */
    uint32_t x1 = vm_space_create(), x2 = vm_space_create();
    uint32_t parent = vm_space_create();
    assert_int_equal(x2, x1 + 1);
    assert_int_equal(vm_space_map(parent, 0x1000, VM_WRITE), MM_OK);
    assert_int_equal(vm_space_destroy(x1), MM_OK);
    assert_int_equal(vm_space_destroy(x2), MM_OK);
    uint32_t c = vm_space_clone(parent);
    assert_int_equal(c, x1);
    assert_int_equal(frame_of(frame_pool[c][0]), x2);
    assert_int_equal(pmm_level(x2), 3);
    for (unsigned i = 1; i < 512; i++)
        assert_int_equal(frame_pool[x2][i], 0);
    assert_null(vm_valid_by_scan());
    assert_int_equal(vm_lookup(c, 0x1000).status, MM_OK);
    assert_int_equal(vm_space_destroy(c), MM_OK);
    assert_int_equal(vm_space_destroy(parent), MM_OK);
    assert_int_equal(pmm_free_count(), before);
}

/* A clone larger than VM_CLONE_CACHED_FRAMES (1024 frames) copies its
 * later pages with non-temporal stores (nt_copy_frame): every page of a
 * 1500-page space, read back right after the clone, is its own copy with
 * the parent's flags and words, and the parent is untouched. */
/* covers: vm_space_clone.clone_equal vm_space_clone.clone_fresh vm_space_clone.clone_parent_unchanged */
static void clone_streams_large_space(void **state)
{
    (void)state;
    enum { PAGES = 1500 };
    const uint64_t base = 0x400000;
    uint32_t before = pmm_free_count();
    uint32_t p = vm_space_create();
    assert_int_not_equal(p, PMM_NONE);
    for (uint64_t i = 0; i < PAGES; i++) {
        assert_int_equal(vm_space_map(p, base + i * PAGE_SIZE, i % 3 ? VM_WRITE : VM_EXEC), MM_OK);
        uint32_t f = vm_lookup(p, base + i * PAGE_SIZE).frame;
        for (uint32_t w = 0; w < FRAME_WORDS; w++)
            frame_pool[f][w] = i * 0x9E3779B97F4A7C15ull + w;
    }
    uint32_t with_parent = pmm_free_count();
    uint32_t c = vm_space_clone(p);
    assert_int_not_equal(c, PMM_NONE);
    assert_true(with_parent - pmm_free_count() > 1024 + 1);   /* past the cached frames */
    for (uint64_t i = 0; i < PAGES; i++) {
        struct vm_lookup_result a = vm_lookup(p, base + i * PAGE_SIZE), b = vm_lookup(c, base + i * PAGE_SIZE);
        assert_int_equal(a.status, MM_OK);
        assert_int_equal(b.status, MM_OK);
        assert_int_not_equal(a.frame, b.frame);
        assert_int_equal(b.flags, a.flags);
        assert_int_equal(pmm_owner(b.frame), c);
        for (uint32_t w = 0; w < FRAME_WORDS; w++) {
            assert_int_equal(frame_pool[a.frame][w], i * 0x9E3779B97F4A7C15ull + w);
            assert_int_equal(frame_pool[b.frame][w], frame_pool[a.frame][w]);
        }
    }
    assert_int_equal(vm_space_destroy(c), MM_OK);
    assert_int_equal(pmm_free_count(), with_parent);
    assert_int_equal(vm_space_destroy(p), MM_OK);
    assert_int_equal(pmm_free_count(), before);
}

/* ---- VmValid across the paging operations -------------------------------- */

#define KEEP_SLOTS 4
#define KEEP_STEPS 20000

enum keep_op { KEEP_CREATE, KEEP_MAP, KEEP_UNMAP, KEEP_PROTECT, KEEP_PRUNE, KEEP_CLONE, KEEP_DESTROY,
               KEEP_COPY_OUT, KEEP_OPS };

/* vm_space_map, vm_space_unmap, vm_space_protect, vm_space_prune and
 * vm_space_copy_out (the kernel's calls) are proven to keep VmValid, which
 * clone and destroy require. A run-time check of the same with an
 * independent C reading of VmValid: 20,000 random operations of every kind
 * over four spaces in a pool of 300 frames (running out of frames
 * happens), VmValid scanned after each. */
/* covers: vm_map.marks_kept vm_map.space_step vm_unmap.space_step vm_unmap.marks_kept
 * covers: vm_protect.space_step vm_protect.marks_kept vm_prune.space_step vm_prune.marks_kept
 * covers: vm_space_map.vm_valid vm_space_unmap.vm_valid vm_space_protect.vm_valid vm_space_prune.vm_valid
 * covers: vm_space_copy_out.vm_valid uaccess_copy_out.space_step uaccess_copy_out.marks_kept */
static void paging_ops_keep_vm_valid(void **state)
{
    (void)state;
    host_pool_reset(POOL_FIRST, 300);
    assert_int_not_equal(vm_template_init(), PMM_NONE);
    host_rand_init(7);
    uint32_t roots[KEEP_SLOTS];
    for (unsigned i = 0; i < KEEP_SLOTS; i++)
        roots[i] = PMM_NONE;
    unsigned done[KEEP_OPS] = { 0 };
    for (unsigned step = 0; step < KEEP_STEPS; step++) {
        /* Weights: map 4, unmap 4, copy-out 1, protect 2, prune 4, clone 1
         * (into an empty slot); 1 step in 64 destroys; an empty slot is
         * created. */
        static const enum keep_op pick[16] = {
            KEEP_MAP, KEEP_MAP, KEEP_MAP, KEEP_MAP, KEEP_UNMAP, KEEP_UNMAP, KEEP_UNMAP, KEEP_UNMAP,
            KEEP_COPY_OUT, KEEP_PROTECT, KEEP_PROTECT, KEEP_PRUNE, KEEP_PRUNE, KEEP_PRUNE, KEEP_PRUNE,
            KEEP_CLONE };
        unsigned i = (unsigned)host_rand_below(KEEP_SLOTS);
        enum keep_op op = host_rand_below(64) == 0 ? KEEP_DESTROY : pick[host_rand_below(16)];
        uint32_t r = roots[i];
        /* 64 vas: 8 pages in each of 4 blocks of 2 MiB, in 2 regions of
         * 1 GiB, so that page tables fill, empty and get pruned. */
        uint64_t va = 0x400000ull + host_rand_below(8) * 4096 + host_rand_below(4) * (2ull << 20) +
                      host_rand_below(2) * (1ull << 30);
        if (r == PMM_NONE)
            op = KEEP_CREATE;
        mm_status st = MM_OK;
        switch (op) {
        case KEEP_CREATE:
            if ((roots[i] = vm_space_create()) == PMM_NONE)
                st = MM_NO_MEMORY;
            break;
        case KEEP_MAP: st = vm_space_map(r, va, (uint32_t)host_rand_below(4)); break;
        case KEEP_UNMAP: st = vm_space_unmap(r, va); break;
        case KEEP_PROTECT: st = vm_space_protect(r, va, (uint32_t)host_rand_below(4)); break;
        case KEEP_PRUNE: st = vm_space_prune(r, va); break;
        case KEEP_COPY_OUT: {
            /* 1..4096 bytes from va + off: some ranges cross into an
             * unmapped or read-only page and fail part-way */
            static uint8_t bytes[4096];
            size_t off = (size_t)host_rand_below(4096), len = 1 + (size_t)host_rand_below(4096);
            for (size_t k = 0; k < len; k++)
                bytes[k] = (uint8_t)host_rand();
            st = vm_space_copy_out(r, va + off, bytes, len) ? MM_OK : MM_NOT_MAPPED;
            break;
        }
        case KEEP_CLONE: {
            unsigned j = 0;
            while (j < KEEP_SLOTS && roots[j] != PMM_NONE)
                j++;
            if (j == KEEP_SLOTS)
                continue;
            if ((roots[j] = vm_space_clone(r)) == PMM_NONE)
                st = MM_NO_MEMORY;
            break;
        }
        default:   /* KEEP_DESTROY */
            assert_int_equal(vm_space_destroy(r), MM_OK);
            roots[i] = PMM_NONE;
            break;
        }
        done[op] += st == MM_OK;
        const char *broken = vm_valid_by_scan();
        if (broken)
            fail_msg("step %u, op %u on slot %u: %s no longer holds", step, (unsigned)op, i, broken);
    }
    printf("# paging_ops_keep_vm_valid: VmValid after %u steps; succeeded: %u create, %u map, "
           "%u unmap, %u protect, %u prune, %u clone, %u destroy, %u copy-out\n", KEEP_STEPS,
           done[KEEP_CREATE], done[KEEP_MAP], done[KEEP_UNMAP], done[KEEP_PROTECT],
           done[KEEP_PRUNE], done[KEEP_CLONE], done[KEEP_DESTROY], done[KEEP_COPY_OUT]);
    /* Every kind of operation succeeded many times, prune included. */
    for (unsigned op = 0; op < KEEP_OPS; op++)
        if (done[op] < 15)
            fail_msg("operation %u succeeded only %u times (see the line above)", op, done[op]);
    for (unsigned i = 0; i < KEEP_SLOTS; i++)
        if (roots[i] != PMM_NONE)
            assert_int_equal(vm_space_destroy(roots[i]), MM_OK);
    assert_null(vm_valid_by_scan());
    assert_int_equal(pmm_free_count(), 300 - 1);
}

/* Copies of everything a clone may touch: descriptors and the test's frames. */
struct snapshot {
    uint8_t state[POOL_FRAMES]; uint32_t owner[POOL_FRAMES];
    uint8_t level[POOL_FRAMES]; uint64_t prefix[POOL_FRAMES];
    uint32_t nfree; uint64_t frames[POOL_N + 1][FRAME_WORDS];
};
static struct snapshot snap;

static void take_snapshot(struct snapshot *s)
{
    memcpy(s->state, pmm_desc_state, sizeof s->state);
    memcpy(s->owner, pmm_desc_owner, sizeof s->owner);
    memcpy(s->level, pmm_desc_level, sizeof s->level);
    memcpy(s->prefix, pmm_desc_prefix, sizeof s->prefix);
    s->nfree = pmm_free_count();
    memcpy(s->frames, frame_pool[0], sizeof s->frames);
}

/* The count and every frame's state exactly as in s; every allocated
 * frame's descriptor and bytes too (a free frame's owner, level, prefix and
 * bytes carry no meaning: pmm_alloc sets them all when it hands it out). */
static void assert_snapshot(const struct snapshot *s)
{
    assert_int_equal(pmm_free_count(), s->nfree);
    assert_memory_equal(s->state, pmm_desc_state, sizeof s->state);
    for (uint32_t f = 0; f < POOL_FRAMES; f++) {
        if (s->state[f] == FRAME_FREE)
            continue;
        assert_int_equal(s->owner[f], pmm_desc_owner[f]);
        assert_int_equal(s->level[f], pmm_desc_level[f]);
        assert_int_equal(s->prefix[f], pmm_desc_prefix[f]);
        if (f <= POOL_N)
            assert_memory_equal(s->frames[f], frame_pool[f], PAGE_SIZE);
    }
}

/* covers: vm_space_clone.clone_no_leak */
static void clone_out_of_memory_at_every_allocation(void **state)
{
    (void)state;
    host_rand_init(43);
    uint32_t p = random_space(&parent_model, 60);
    unsigned need = owned_frames(p);     /* a clone takes as many frames */
    for (unsigned k = 0; k <= need; k++) {
        /* Drain the pool to exactly k free frames. */
        uint32_t held[POOL_N];
        unsigned nheld = 0;
        while (pmm_free_count() > k) {
            held[nheld] = pmm_alloc(FRAME_USER, PMM_NONE - 1, 0, 0);
            assert_int_not_equal(held[nheld], PMM_NONE);
            nheld++;
        }
        take_snapshot(&snap);
        uint32_t c = vm_space_clone(p);
        if (k < need) {
            assert_int_equal(c, PMM_NONE);                   /* clone_no_leak */
            assert_snapshot(&snap);
        } else {
            assert_int_not_equal(c, PMM_NONE);
            assert_int_equal(pmm_free_count(), 0);
            assert_space_is(c, &parent_model, p);
            assert_int_equal(vm_space_destroy(c), MM_OK);
            assert_int_equal(pmm_free_count(), k);
        }
        for (unsigned i = 0; i < nheld; i++)
            assert_int_equal(pmm_free(held[i]), MM_OK);
    }
    assert_space_is(p, &parent_model, PMM_NONE);
    assert_int_equal(vm_space_destroy(p), MM_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(template_copies_kernel_half, setup_pool),
        cmocka_unit_test_setup(create_is_empty_and_shares_kernel_half, setup_pool),
        cmocka_unit_test_setup(create_without_memory_changes_nothing, setup_pool),
        cmocka_unit_test_setup(destroy_frees_exactly_the_space, setup_pool),
        cmocka_unit_test_setup(destroy_refusals_change_nothing, setup_pool),
        cmocka_unit_test_setup(destroy_scans_below_own_mark, setup_pool),
        cmocka_unit_test_setup(destroy_scans_own_span, setup_pool),
        cmocka_unit_test_setup(clone_matches_model, setup_pool),
        cmocka_unit_test_setup(clone_copies_edge_slots, setup_pool),
        cmocka_unit_test_setup(clone_of_empty_space_and_refusals, setup_pool),
        cmocka_unit_test_setup(clone_destroy_cycles_keep_count, setup_pool),
        cmocka_unit_test_setup(clone_streams_large_space, setup_pool),
        cmocka_unit_test_setup(slot_marks_bound_tables, setup_pool),
        cmocka_unit_test_setup(freed_roots_taken_back, setup_pool),
        cmocka_unit_test_setup(clone_out_of_memory_at_every_allocation, setup_pool),
        cmocka_unit_test_setup(paging_ops_keep_vm_valid, setup_pool),
        HOST_REP_TEST(clone_matches_model, setup_pool_rep),
        HOST_REP_TEST(clone_copies_edge_slots, setup_pool_rep),
        HOST_REP_TEST(clone_destroy_cycles_keep_count, setup_pool_rep),
        HOST_REP_TEST(clone_out_of_memory_at_every_allocation, setup_pool_rep),
    };
    host_rand_init(40);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
