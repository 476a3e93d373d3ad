/* Host unit tests of the page tables (kernel/mm/paging.c, unmodified): the
 * PTE encoding against the x86_64 bit layout, a walk by hand with the
 * hardware's index split, every refusal path, pool exhaustion and recovery,
 * and 100,000 random operations over several spaces checked against a
 * reference model. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mm/paging.h"
#include "host_support.h"

/* x86_64 4-level paging, Intel SDM vol. 3 4.5: written out here with
 * shifts and masks, independently of the kernel's / and % encoding. */
#define HW_P        (1ull << 0)
#define HW_RW       (1ull << 1)
#define HW_US       (1ull << 2)
#define HW_NX       (1ull << 63)
#define HW_ADDR     0x000FFFFFFFFFF000ull      /* bits 12..51 */
#define HW_IX(va, level) (((va) >> (12 + 9 * ((level) - 1))) & 511u)

#define POOL_END    (POOL_PHYS_BASE + (uint64_t)POOL_FRAMES * PAGE_SIZE)

/* ---- helpers ----------------------------------------------------------- */

/* What a walk by hand from root finds for va: the user frame and VM_*
 * flags, or PMM_NONE when a level is not present. Every entry on the way is
 * checked against the hardware layout and the descriptors (ownership). */
struct hand_walk { uint32_t frame; uint32_t flags; uint32_t tables[4]; };

static struct hand_walk walk_by_hand(uint32_t root, uint64_t va)
{
    struct hand_walk w = { PMM_NONE, 0, { root, PMM_NONE, PMM_NONE, PMM_NONE } };
    uint32_t t = root;
    for (unsigned level = 4; level >= 2; level--) {
        uint64_t e = frame_pool[t][HW_IX(va, level)];
        if (!(e & HW_P)) {
            assert_int_equal(e, 0);      /* an empty slot is all zero */
            return w;
        }
        /* A table entry: present, writable, user, executable, nothing else. */
        assert_true(e & HW_RW);
        assert_true(e & HW_US);
        assert_false(e & HW_NX);
        assert_int_equal(e & ~HW_ADDR, HW_P | HW_RW | HW_US);
        uint64_t pa = e & HW_ADDR;
        assert_true(pa >= POOL_PHYS_BASE && pa < POOL_END);
        uint32_t child = (uint32_t)((pa - POOL_PHYS_BASE) / PAGE_SIZE);
        assert_int_equal(pmm_state(child), FRAME_TABLE);
        assert_int_equal(pmm_owner(child), root);
        assert_int_equal(pmm_level(child), level - 1);
        assert_int_equal(pmm_prefix(child), (uint64_t)t * 512 + HW_IX(va, level));
        t = child;
        w.tables[5 - level] = t;
    }
    uint64_t e = frame_pool[t][HW_IX(va, 1)];
    if (!(e & HW_P)) {
        assert_int_equal(e, 0);
        return w;
    }
    assert_true(e & HW_US);
    /* Only P, RW, US, NX and the address may be set in a leaf. */
    assert_int_equal(e & ~(HW_ADDR | HW_P | HW_RW | HW_US | HW_NX), 0);
    uint64_t pa = e & HW_ADDR;
    assert_true(pa >= POOL_PHYS_BASE && pa < POOL_END);
    w.frame = (uint32_t)((pa - POOL_PHYS_BASE) / PAGE_SIZE);
    w.flags = ((e & HW_RW) ? VM_WRITE : 0) | ((e & HW_NX) ? 0 : VM_EXEC);
    assert_int_equal(pmm_state(w.frame), FRAME_USER);
    assert_int_equal(pmm_owner(w.frame), root);
    assert_int_equal(pmm_level(w.frame), PMM_LEVEL_DATA);
    assert_int_equal(pmm_prefix(w.frame), (uint64_t)t * 512 + HW_IX(va, 1));
    return w;
}

static int frame_is_zero(uint32_t f)
{
    for (uint32_t w = 0; w < FRAME_WORDS; w++)
        if (frame_pool[f][w] != 0)
            return 0;
    return 1;
}

/* va is mapped in root to frame with flags, seen by lookup and by hand. */
static void assert_mapped(uint32_t root, uint64_t va, uint32_t frame, uint32_t flags)
{
    struct vm_lookup_result r = vm_lookup(root, va);
    assert_int_equal(r.status, MM_OK);
    assert_int_equal(r.frame, frame);
    assert_int_equal(r.flags, flags);
    struct hand_walk w = walk_by_hand(root, va);
    assert_int_equal(w.frame, frame);
    assert_int_equal(w.flags, flags);
}

static void assert_not_mapped(uint32_t root, uint64_t va)
{
    struct vm_lookup_result r = vm_lookup(root, va);
    assert_int_equal(r.status, MM_NOT_MAPPED);
    assert_int_equal(r.frame, PMM_NONE);
    assert_int_equal(r.flags, 0);
    assert_int_equal(walk_by_hand(root, va).frame, PMM_NONE);
}

static uint32_t new_root(void)
{
    uint32_t r = pt_root_create();
    assert_int_not_equal(r, PMM_NONE);
    return r;
}

static uint64_t make_va(unsigned i4, unsigned i3, unsigned i2, unsigned i1)
{
    return ((uint64_t)i4 << 39) | ((uint64_t)i3 << 30) | ((uint64_t)i2 << 21)
         | ((uint64_t)i1 << 12);
}

static int setup_pool(void **state)
{
    (void)state;
    host_pool_reset(1, 4096);     /* frame 0 stays reserved on purpose */
    return 0;
}

/* ---- PTE encoding -------------------------------------------------------- */

/* covers: pte_make.pte_make pte_make_table.pte_make_table pte_frame.pte_frame */
static void pte_encoding_matches_hardware(void **state)
{
    (void)state;
    for (uint32_t f = 0; f < POOL_FRAMES; f++) {
        uint64_t pa = POOL_PHYS_BASE + (uint64_t)f * PAGE_SIZE;
        for (uint32_t fl = 0; fl <= (VM_WRITE | VM_EXEC); fl++) {
            uint64_t e = pte_make(f, fl);
            uint64_t want = pa | HW_P | HW_US | ((fl & VM_WRITE) ? HW_RW : 0)
                          | ((fl & VM_EXEC) ? 0 : HW_NX);
            assert_int_equal(e, want);
            assert_true(pte_present(e));
            assert_true(pte_user(e));
            assert_int_equal(pte_writable(e), (fl & VM_WRITE) != 0);
            assert_int_equal(pte_nx(e), (fl & VM_EXEC) == 0);
            assert_int_equal(pte_frame(e), f);
        }
        uint64_t t = pte_make_table(f);
        assert_int_equal(t, pa | HW_P | HW_RW | HW_US);
        assert_int_equal(pte_frame(t), f);
        assert_false(pte_nx(t));
    }
}

/* covers: pte_present.pte_present pte_writable.pte_writable pte_user.pte_user pte_nx.pte_nx */
static void pte_accessors_read_single_bits(void **state)
{
    (void)state;
    assert_false(pte_present(0));
    assert_true(pte_present(HW_P));
    assert_false(pte_present(~HW_P));
    assert_true(pte_writable(HW_RW));
    assert_false(pte_writable(~HW_RW));
    assert_true(pte_user(HW_US));
    assert_false(pte_user(~HW_US));
    assert_true(pte_nx(HW_NX));
    assert_false(pte_nx(~HW_NX));
    /* pte_frame ignores flag bits and the NX bit, reads bits 12..51 only. */
    uint64_t e = POOL_PHYS_BASE + 5 * PAGE_SIZE;
    assert_int_equal(pte_frame(e | HW_NX | 0xFFF | (0x7FFull << 52)), 5);
    /* Addresses outside the pool. */
    assert_int_equal(pte_frame(0), PMM_NONE);
    assert_int_equal(pte_frame(POOL_PHYS_BASE - PAGE_SIZE), PMM_NONE);
    assert_int_equal(pte_frame(POOL_END), PMM_NONE);
    assert_int_equal(pte_frame(HW_ADDR), PMM_NONE);
    assert_int_equal(pte_frame(POOL_END - PAGE_SIZE), POOL_FRAMES - 1);
}

/* ---- roots -------------------------------------------------------------- */

/* covers: pt_root_create.user_half_empty pt_root_create.root_space pt_root_create.root_fresh pt_root_create.root_count */
static void root_create_is_empty_and_self_owned(void **state)
{
    (void)state;
    for (uint32_t f = 1; f <= 4096; f++)
        frame_pool[f][f % FRAME_WORDS] = 0xFFFFFFFFFFFFFFFFull;   /* dirty */
    uint32_t before = pmm_free_count();
    uint32_t r = new_root();
    assert_int_equal(pmm_free_count(), before - 1);
    assert_int_equal(pmm_state(r), FRAME_TABLE);
    assert_int_equal(pmm_level(r), PMM_LEVEL_ROOT);
    assert_int_equal(pmm_owner(r), r);
    for (unsigned i = 0; i < 256; i++)
        assert_int_equal(frame_pool[r][i], 0);      /* user_half_empty */
    assert_not_mapped(r, 0);
    assert_not_mapped(r, VM_USER_TOP - PAGE_SIZE);
}

/* covers: pt_root_create.root_none */
static void root_create_exhaustion(void **state)
{
    (void)state;
    host_pool_reset(1, 3);
    assert_int_not_equal(pt_root_create(), PMM_NONE);
    assert_int_not_equal(pt_root_create(), PMM_NONE);
    assert_int_not_equal(pt_root_create(), PMM_NONE);
    assert_int_equal(pmm_free_count(), 0);
    assert_int_equal(pt_root_create(), PMM_NONE);
    assert_int_equal(pmm_free_count(), 0);
}

/* ---- map / lookup / protect / unmap ------------------------------------- */

/* covers: vm_map.map_result vm_lookup.lookup_result */
static void map_lookup_walk_by_hand(void **state)
{
    (void)state;
    uint32_t r = new_root();
    uint32_t before = pmm_free_count();
    /* Index split: a va whose four indices all differ. */
    uint64_t va = make_va(3, 7, 11, 13);
    assert_int_equal(HW_IX(va, 4), 3);
    assert_int_equal(HW_IX(va, 1), 13);
    assert_int_equal(vm_map(r, va, VM_WRITE), MM_OK);
    assert_int_equal(pmm_free_count(), before - 4);   /* 3 tables + the page */
    struct vm_lookup_result l = vm_lookup(r, va);
    assert_int_equal(l.status, MM_OK);
    assert_mapped(r, va, l.frame, VM_WRITE);
    assert_true(frame_is_zero(l.frame));
    /* The raw entries sit exactly at the hardware's indices. */
    struct hand_walk w = walk_by_hand(r, va);
    assert_int_not_equal(frame_pool[r][3], 0);
    assert_int_not_equal(frame_pool[w.tables[1]][7], 0);
    assert_int_not_equal(frame_pool[w.tables[2]][11], 0);
    assert_int_not_equal(frame_pool[w.tables[3]][13], 0);
    /* Neighbours are not mapped; a second page in the same table costs 1. */
    assert_not_mapped(r, va + PAGE_SIZE);
    assert_not_mapped(r, va - PAGE_SIZE);
    assert_int_equal(vm_map(r, va + PAGE_SIZE, VM_EXEC), MM_OK);
    assert_int_equal(pmm_free_count(), before - 5);
    l = vm_lookup(r, va + PAGE_SIZE);
    assert_mapped(r, va + PAGE_SIZE, l.frame, VM_EXEC);
    /* Extremes of the user half. */
    assert_int_equal(vm_map(r, 0, 0), MM_OK);
    assert_int_equal(vm_map(r, VM_USER_TOP - PAGE_SIZE, VM_WRITE | VM_EXEC), MM_OK);
    assert_int_equal(vm_lookup(r, 0).flags, 0);
    assert_int_equal(vm_lookup(r, VM_USER_TOP - PAGE_SIZE).flags, VM_WRITE | VM_EXEC);
    assert_int_equal(frame_pool[r][0] & HW_P, HW_P);
    assert_int_equal(frame_pool[r][255] & HW_P, HW_P);
}

/* covers: vm_map.map_fresh vm_lookup.lookup_owned */
static void map_gives_zeroed_distinct_frames(void **state)
{
    (void)state;
    for (uint32_t f = 1; f <= 4096; f++)
        for (uint32_t w = 0; w < FRAME_WORDS; w += 37)
            frame_pool[f][w] = 0xA5A5A5A5A5A5A5A5ull;
    uint32_t r = new_root();
    static uint8_t used[POOL_FRAMES];
    memset(used, 0, sizeof used);
    for (unsigned i = 0; i < 600; i++) {
        uint64_t va = make_va(i % 2, i % 3, i % 5, i % 512);
        if (vm_lookup(r, va).status == MM_OK)
            continue;
        assert_int_equal(vm_map(r, va, i % 4), MM_OK);
        struct vm_lookup_result l = vm_lookup(r, va);
        assert_int_equal(l.status, MM_OK);
        assert_true(frame_is_zero(l.frame));
        assert_int_equal(used[l.frame], 0);
        used[l.frame] = 1;
        frame_pool[l.frame][i % FRAME_WORDS] = i + 1;   /* write through */
    }
}

/* covers: vm_protect.protect_result vm_protect.protect_frame */
static void protect_changes_flags_only(void **state)
{
    (void)state;
    uint32_t r = new_root();
    uint64_t va = make_va(1, 2, 3, 4);
    assert_int_equal(vm_map(r, va, 0), MM_OK);
    uint32_t f = vm_lookup(r, va).frame;
    frame_pool[f][100] = 0x1122334455667788ull;
    uint32_t count = pmm_free_count();
    for (uint32_t fl = 0; fl <= (VM_WRITE | VM_EXEC); fl++) {
        uint64_t flushes = host_tlb_flushes;
        assert_int_equal(vm_protect(r, va, fl), MM_OK);
        assert_mapped(r, va, f, fl);
        assert_true(host_tlb_flushes > flushes);
        assert_int_equal(host_tlb_last_va, va);
    }
    assert_int_equal(frame_pool[f][100], 0x1122334455667788ull);
    assert_int_equal(pmm_free_count(), count);
}

/* covers: vm_unmap.unmap_result vm_unmap.unmap_free vm_unmap.unmap_desc */
static void unmap_frees_the_user_frame(void **state)
{
    (void)state;
    uint32_t r = new_root();
    uint64_t va = make_va(0, 0, 0, 9);
    uint32_t before = pmm_free_count();
    assert_int_equal(vm_map(r, va, VM_WRITE), MM_OK);
    uint32_t f = vm_lookup(r, va).frame;
    uint64_t flushes = host_tlb_flushes;
    assert_int_equal(vm_unmap(r, va), MM_OK);
    assert_true(host_tlb_flushes > flushes);
    assert_int_equal(host_tlb_last_va, va);
    assert_int_equal(pmm_state(f), FRAME_FREE);
    assert_not_mapped(r, va);
    /* The tables stay; only the user frame went back. */
    assert_int_equal(pmm_free_count(), before - 3);
    assert_int_equal(vm_map(r, va, 0), MM_OK);
    assert_int_equal(pmm_free_count(), before - 4);
}

/* A page table is freed only once it maps nothing: while a page is
 * mapped through it, prune changes nothing; then the table goes back to
 * the pool, its directory slot is cleared, every other lookup stays, and a
 * later map builds a new table. */
/* covers: vm_prune.prune_ok vm_prune.prune_unlinked vm_prune.prune_free vm_prune.prune_desc vm_prune.prune_kept vm_prune.prune_bad */
static void prune_frees_only_empty_tables(void **state)
{
    (void)state;
    uint32_t r = new_root();
    uint64_t va0 = make_va(0, 0, 3, 1), va1 = make_va(0, 0, 3, 2), other = make_va(0, 0, 4, 0);
    assert_int_equal(vm_prune(r, va0), MM_NOT_MAPPED);            /* no table yet */
    assert_int_equal(vm_map(r, va0, VM_WRITE), MM_OK);
    assert_int_equal(vm_map(r, va1, 0), MM_OK);
    assert_int_equal(vm_map(r, other, VM_EXEC), MM_OK);
    uint32_t pt = walk_by_hand(r, va0).tables[3];
    uint32_t pd = walk_by_hand(r, va0).tables[2];
    uint32_t of = vm_lookup(r, other).frame;
    assert_int_not_equal(pt, PMM_NONE);
    uint32_t before = pmm_free_count();
    assert_int_equal(vm_prune(r, va0), MM_NOT_MAPPED);            /* still maps two pages */
    assert_int_equal(vm_unmap(r, va0), MM_OK);
    assert_int_equal(vm_prune(r, va1), MM_NOT_MAPPED);            /* still maps one */
    assert_int_equal(pmm_free_count(), before + 1);
    assert_int_equal(pmm_state(pt), FRAME_TABLE);
    assert_int_equal(vm_unmap(r, va1), MM_OK);
    uint64_t flushes = host_tlb_flushes;
    assert_int_equal(vm_prune(r, make_va(0, 0, 3, 300)), MM_OK);  /* any va it covers */
    assert_true(host_tlb_flushes > flushes);
    assert_int_equal(pmm_free_count(), before + 3);
    assert_int_equal(pmm_state(pt), FRAME_FREE);
    assert_int_equal(pmm_owner(pt), r);                            /* descriptor kept */
    assert_int_equal(frame_pool[pd][3], 0);                        /* slot cleared */
    assert_int_equal(walk_by_hand(r, va0).tables[3], PMM_NONE);
    assert_not_mapped(r, va0);
    assert_not_mapped(r, va1);
    assert_mapped(r, other, of, VM_EXEC);
    assert_int_equal(vm_prune(r, va0), MM_NOT_MAPPED);            /* nothing left to free */
    assert_int_equal(vm_prune(pt, va0), MM_BAD_ARGUMENT);          /* no space */
    assert_int_equal(vm_prune(r, VM_USER_TOP), MM_BAD_ARGUMENT);   /* kernel half */
    assert_int_equal(vm_prune(r, va0 + 8), MM_BAD_ARGUMENT);       /* unaligned */
    assert_int_equal(pmm_free_count(), before + 3);
    assert_int_equal(vm_map(r, va0, VM_WRITE), MM_OK);             /* a new table */
    assert_int_equal(pmm_free_count(), before + 1);
    assert_mapped(r, other, of, VM_EXEC);
}

/* covers: vm_map.map_frame vm_unmap.unmap_frame */
static void spaces_are_isolated(void **state)
{
    (void)state;
    uint32_t a = new_root(), b = new_root();
    uint64_t va = make_va(5, 6, 7, 8);
    assert_int_equal(vm_map(a, va, VM_WRITE), MM_OK);
    assert_not_mapped(b, va);
    assert_int_equal(vm_map(b, va, VM_WRITE), MM_OK);
    uint32_t fa = vm_lookup(a, va).frame, fb = vm_lookup(b, va).frame;
    assert_int_not_equal(fa, fb);
    frame_pool[fa][0] = 0xAAAA;
    assert_int_equal(frame_pool[fb][0], 0);
    assert_int_equal(vm_unmap(a, va), MM_OK);
    assert_not_mapped(a, va);
    assert_mapped(b, va, fb, VM_WRITE);
    /* No table is shared between the two spaces. */
    struct hand_walk wb = walk_by_hand(b, va);
    struct hand_walk wa = walk_by_hand(a, va);
    for (int i = 0; i < 4; i++)
        assert_int_not_equal(wa.tables[i], wb.tables[i]);
}

/* ---- refusals ----------------------------------------------------------- */

static const uint64_t bad_vas[] = {
    VM_USER_TOP,                    /* first non-canonical address */
    0x00FF000000000000ull,          /* non-canonical */
    0x7FFFFFFFFFFFF000ull,          /* non-canonical, aligned */
    0xFFFF7FFFFFFFF000ull,          /* non-canonical, just below the kernel half */
    0xFFFF800000000000ull,          /* kernel half: direct map */
    0xFFFFFFFF80000000ull,          /* kernel half: kernel image */
    0xFFFFFFFFFFFFF000ull,          /* last page */
    0x0000000000001001ull,          /* unaligned */
    0x0000000000000008ull,          /* unaligned */
    0x00007FFFFFFFFFFFull,          /* unaligned, last user byte */
};

/* covers: vm_map.map_bad vm_unmap.unmap_bad vm_protect.protect_bad vm_lookup.lookup_bad */
static void bad_addresses_refused(void **state)
{
    (void)state;
    uint32_t r = new_root();
    assert_int_equal(vm_map(r, make_va(0, 0, 0, 1), VM_WRITE), MM_OK);
    uint64_t root_copy[FRAME_WORDS];
    memcpy(root_copy, frame_pool[r], sizeof root_copy);
    uint32_t count = pmm_free_count();
    for (size_t i = 0; i < sizeof bad_vas / sizeof bad_vas[0]; i++) {
        uint64_t va = bad_vas[i];
        assert_int_equal(vm_map(r, va, VM_WRITE), MM_BAD_ARGUMENT);
        assert_int_equal(vm_unmap(r, va), MM_BAD_ARGUMENT);
        assert_int_equal(vm_protect(r, va, 0), MM_BAD_ARGUMENT);
        struct vm_lookup_result l = vm_lookup(r, va);
        assert_int_equal(l.status, MM_BAD_ARGUMENT);
        assert_int_equal(l.frame, PMM_NONE);
        assert_int_equal(l.flags, 0);
        assert_int_equal(pmm_free_count(), count);
        assert_memory_equal(root_copy, frame_pool[r], sizeof root_copy);
    }
}

/* covers: vm_map.map_bad vm_protect.protect_bad */
static void bad_flags_refused(void **state)
{
    (void)state;
    uint32_t r = new_root();
    uint64_t va = make_va(0, 1, 0, 0);
    uint32_t count = pmm_free_count();
    assert_int_equal(vm_map(r, va, 4), MM_BAD_ARGUMENT);
    assert_int_equal(vm_map(r, va, 0xFFFFFFFFu), MM_BAD_ARGUMENT);
    assert_int_equal(pmm_free_count(), count);
    assert_not_mapped(r, va);
    assert_int_equal(vm_map(r, va, VM_WRITE), MM_OK);
    uint32_t f = vm_lookup(r, va).frame;
    assert_int_equal(vm_protect(r, va, 8), MM_BAD_ARGUMENT);
    assert_mapped(r, va, f, VM_WRITE);
}

/* covers: vm_map.map_already */
static void double_map_refused(void **state)
{
    (void)state;
    uint32_t r = new_root();
    uint64_t va = make_va(2, 0, 0, 0);
    assert_int_equal(vm_map(r, va, VM_WRITE), MM_OK);
    uint32_t f = vm_lookup(r, va).frame;
    frame_pool[f][1] = 77;
    uint32_t count = pmm_free_count();
    assert_int_equal(vm_map(r, va, VM_EXEC), MM_ALREADY_MAPPED);
    assert_int_equal(pmm_free_count(), count);
    assert_mapped(r, va, f, VM_WRITE);
    assert_int_equal(frame_pool[f][1], 77);
}

/* covers: vm_unmap.unmap_none vm_protect.protect_none vm_lookup.lookup_none */
static void unmap_and_protect_of_unmapped_refused(void **state)
{
    (void)state;
    uint32_t r = new_root();
    uint32_t count = pmm_free_count();
    /* No table at all on the way. */
    assert_int_equal(vm_unmap(r, make_va(9, 9, 9, 9)), MM_NOT_MAPPED);
    assert_int_equal(vm_protect(r, make_va(9, 9, 9, 9), VM_WRITE), MM_NOT_MAPPED);
    assert_int_equal(pmm_free_count(), count);
    /* Tables present, leaf empty: a neighbour in the same page table. */
    assert_int_equal(vm_map(r, make_va(9, 9, 9, 9), VM_WRITE), MM_OK);
    count = pmm_free_count();
    assert_int_equal(vm_unmap(r, make_va(9, 9, 9, 10)), MM_NOT_MAPPED);
    assert_int_equal(vm_protect(r, make_va(9, 9, 9, 10), 0), MM_NOT_MAPPED);
    /* Upper tables present, lower missing. */
    assert_int_equal(vm_unmap(r, make_va(9, 9, 10, 9)), MM_NOT_MAPPED);
    assert_int_equal(vm_unmap(r, make_va(9, 10, 9, 9)), MM_NOT_MAPPED);
    assert_int_equal(pmm_free_count(), count);
    /* Double unmap: the second one must not free the frame again. */
    uint32_t f = vm_lookup(r, make_va(9, 9, 9, 9)).frame;
    assert_int_equal(vm_unmap(r, make_va(9, 9, 9, 9)), MM_OK);
    assert_int_equal(pmm_free_count(), count + 1);
    assert_int_equal(vm_unmap(r, make_va(9, 9, 9, 9)), MM_NOT_MAPPED);
    assert_int_equal(pmm_free_count(), count + 1);
    assert_int_equal(pmm_state(f), FRAME_FREE);
    assert_int_equal(vm_protect(r, make_va(9, 9, 9, 9), 0), MM_NOT_MAPPED);
}

/* ---- exhaustion and recovery -------------------------------------------- */

/* What a failing call must leave alone: descriptors, the counter, and the
 * contents of every frame that is not free. */
struct pool_snapshot {
    uint8_t state[POOL_FRAMES];
    uint32_t owner[POOL_FRAMES];
    uint8_t level[POOL_FRAMES];
    uint64_t prefix[POOL_FRAMES];
    uint32_t nfree;
    uint64_t frames[512][FRAME_WORDS];
};

static struct pool_snapshot snap;

/* Frames 1..n of the small pool are the only ones that can change. */
static void take_snapshot(uint32_t n)
{
    memcpy(snap.state, pmm_desc_state, sizeof snap.state);
    memcpy(snap.owner, pmm_desc_owner, sizeof snap.owner);
    memcpy(snap.level, pmm_desc_level, sizeof snap.level);
    memcpy(snap.prefix, pmm_desc_prefix, sizeof snap.prefix);
    snap.nfree = pmm_free_count();
    for (uint32_t f = 1; f <= n; f++)
        memcpy(snap.frames[f - 1], frame_pool[f], sizeof snap.frames[0]);
}

static void assert_unchanged(uint32_t n)
{
    assert_int_equal(pmm_free_count(), snap.nfree);
    assert_memory_equal(snap.state, pmm_desc_state, sizeof snap.state);
    assert_memory_equal(snap.owner, pmm_desc_owner, sizeof snap.owner);
    assert_memory_equal(snap.level, pmm_desc_level, sizeof snap.level);
    assert_memory_equal(snap.prefix, pmm_desc_prefix, sizeof snap.prefix);
    for (uint32_t f = 1; f <= n; f++)
        if (pmm_state(f) != FRAME_FREE)
            assert_memory_equal(snap.frames[f - 1], frame_pool[f], sizeof snap.frames[0]);
}

/* covers: vm_map.map_no_memory vm_map.map_count */
static void exhaustion_changes_nothing_and_recovers(void **state)
{
    (void)state;
    enum { N = 40 };
    host_pool_reset(1, N);
    uint32_t r = new_root();
    uint64_t vas[64];
    unsigned nva = 0;
    /* 4 frames for the first page, then one per page in the same table,
     * until exactly 2 frames are left. */
    while (pmm_free_count() > 2) {
        uint64_t va = make_va(0, 0, 0, nva);
        assert_int_equal(vm_map(r, va, VM_WRITE), MM_OK);
        frame_pool[vm_lookup(r, va).frame][3] = 1000 + nva;
        vas[nva++] = va;
    }
    uint32_t tables = 1 + 3;
    assert_int_equal(N - tables - nva, 2);
    /* Needs 4 frames (new PML4 slot): refused, nothing changed. */
    take_snapshot(N);
    assert_int_equal(vm_map(r, make_va(1, 0, 0, 0), VM_WRITE), MM_NO_MEMORY);
    assert_unchanged(N);
    assert_not_mapped(r, make_va(1, 0, 0, 0));
    /* Needs 3 frames (new PDPT slot): refused, nothing changed. */
    assert_int_equal(vm_map(r, make_va(0, 1, 0, 0), VM_WRITE), MM_NO_MEMORY);
    assert_unchanged(N);
    /* Needs exactly 2 (new PD slot): fits. */
    assert_int_equal(vm_map(r, make_va(0, 0, 1, 0), VM_EXEC), MM_OK);
    frame_pool[vm_lookup(r, make_va(0, 0, 1, 0)).frame][3] = 1000 + nva;
    vas[nva++] = make_va(0, 0, 1, 0);
    tables++;
    assert_int_equal(pmm_free_count(), 0);
    /* Empty pool: even a page in an existing table is refused. */
    take_snapshot(N);
    assert_int_equal(vm_map(r, make_va(0, 0, 0, 500), VM_WRITE), MM_NO_MEMORY);
    assert_unchanged(N);
    assert_int_equal(pt_root_create(), PMM_NONE);
    assert_unchanged(N);
    /* Everything mapped before the failures is intact. */
    for (unsigned i = 0; i < nva; i++) {
        struct vm_lookup_result l = vm_lookup(r, vas[i]);
        assert_int_equal(l.status, MM_OK);
        assert_int_equal(frame_pool[l.frame][3], 1000 + i);
    }
    /* Unmap everything: every user frame is back. */
    for (unsigned i = 0; i < nva; i++)
        assert_int_equal(vm_unmap(r, vas[i]), MM_OK);
    assert_int_equal(pmm_free_count(), N - tables);
    /* Recovery: the same mappings fit again. */
    for (unsigned i = 0; i < nva; i++)
        assert_int_equal(vm_map(r, vas[i], 0), MM_OK);
    assert_int_equal(pmm_free_count(), 0);
}

/* Random maps over a wide address range in two spaces until the pool runs
 * out; every MM_NO_MEMORY leaves everything as it was. Then more attempts
 * (some fit: fewer tables needed), unmap all, and map the same pages again. */
/* covers: vm_map.map_no_memory */
static void map_until_no_memory(void **state)
{
    (void)state;
    enum { N = 300, MAXV = 400 };
    host_rand_init(3);
    host_pool_reset(1, N);
    uint32_t roots[2] = { new_root(), new_root() };
    static uint64_t vas[MAXV];
    static unsigned space[MAXV];
    unsigned nva = 0, failures = 0;
    for (unsigned attempt = 0; attempt < 2000 && failures < 60 && nva < MAXV; attempt++) {
        unsigned sp = (unsigned)host_rand_below(2);
        uint64_t va = make_va((unsigned)host_rand_below(256), (unsigned)host_rand_below(4),
                              (unsigned)host_rand_below(4), (unsigned)host_rand_below(512));
        if (vm_lookup(roots[sp], va).status == MM_OK)
            continue;
        take_snapshot(N);
        mm_status st = vm_map(roots[sp], va, (uint32_t)host_rand_below(4));
        if (st == MM_NO_MEMORY) {
            assert_unchanged(N);
            assert_not_mapped(roots[sp], va);
            failures++;
            continue;
        }
        assert_int_equal(st, MM_OK);
        vas[nva] = va;
        space[nva++] = sp;
    }
    assert_true(failures > 0);
    uint32_t low = pmm_free_count();
    for (unsigned i = 0; i < nva; i++)
        assert_int_equal(vm_unmap(roots[space[i]], vas[i]), MM_OK);
    assert_int_equal(pmm_free_count(), low + nva);
    /* Only roots and tables stay: no user frame leaked. */
    uint32_t users = 0;
    for (uint32_t f = 1; f <= N; f++)
        users += pmm_state(f) == FRAME_USER;
    assert_int_equal(users, 0);
    for (unsigned i = 0; i < nva; i++)
        assert_int_equal(vm_map(roots[space[i]], vas[i], VM_WRITE), MM_OK);
    assert_int_equal(pmm_free_count(), low);
}

/* ---- random operations against a reference model ----------------------- */

/* Per space, the candidate addresses: PML4 slots {0, 1, 255}, PDPT slots
 * {0, 5, 511}, PD slots {0, 1, 2, 511}, PT slots 0..63, so tables are
 * shared, created and reused at every level. */
enum { NROOTS = 4, N4 = 3, N3 = 3, N2 = 4, N1 = 64, NSLOTS = N4 * N3 * N2 * N1 };
static const unsigned ix4s[N4] = { 0, 1, 255 };
static const unsigned ix3s[N3] = { 0, 5, 511 };
static const unsigned ix2s[N2] = { 0, 1, 2, 511 };

struct model_page { uint8_t mapped; uint8_t flags; uint16_t word; uint32_t frame; uint64_t value; };

struct model {
    uint32_t roots[NROOTS];
    struct model_page page[NROOTS][NSLOTS];
    uint8_t l3[NROOTS][N4], l2[NROOTS][N4 * N3], l1[NROOTS][N4 * N3 * N2];
    uint32_t tables, pages, start_free;
    uint32_t owner_of[POOL_FRAMES];   /* model: user frame -> root + 1 */
};

static struct model m;

static uint64_t slot_va(unsigned s)
{
    unsigned i1 = s % N1, i2 = (s / N1) % N2, i3 = (s / (N1 * N2)) % N3, i4 = s / (N1 * N2 * N3);
    return make_va(ix4s[i4], ix3s[i3], ix2s[i2], i1);
}

static uint32_t model_expected_free(void)
{
    return m.start_free - NROOTS - m.tables - m.pages;
}

static void model_note_tables(unsigned r, unsigned s)
{
    unsigned k4 = s / (N1 * N2 * N3), k3 = s / (N1 * N2), k2 = s / N1;
    m.tables += !m.l3[r][k4] + !m.l2[r][k3] + !m.l1[r][k2];
    m.l3[r][k4] = m.l2[r][k3] = m.l1[r][k2] = 1;
}

static void model_check_page(unsigned r, unsigned s, int full)
{
    struct model_page *p = &m.page[r][s];
    uint64_t va = slot_va(s);
    if (!p->mapped) {
        assert_not_mapped(m.roots[r], va);
        return;
    }
    assert_mapped(m.roots[r], va, p->frame, p->flags);
    assert_int_equal(frame_pool[p->frame][p->word], p->value);
    if (full)
        for (unsigned w = 0; w < FRAME_WORDS; w++)
            if (w != p->word)
                assert_int_equal(frame_pool[p->frame][w], 0);
}

static void op_map(unsigned r, unsigned s)
{
    struct model_page *p = &m.page[r][s];
    uint32_t fl = (uint32_t)host_rand_below(4);
    mm_status st = vm_map(m.roots[r], slot_va(s), fl);
    if (p->mapped) {
        assert_int_equal(st, MM_ALREADY_MAPPED);
        return;
    }
    assert_int_equal(st, MM_OK);
    struct vm_lookup_result l = vm_lookup(m.roots[r], slot_va(s));
    assert_int_equal(l.status, MM_OK);
    assert_true(frame_is_zero(l.frame));            /* zero at map time */
    assert_int_equal(m.owner_of[l.frame], 0);       /* distinct frames */
    m.owner_of[l.frame] = r + 1;
    *p = (struct model_page){ 1, (uint8_t)fl, 0, l.frame, 0 };
    m.pages++;
    model_note_tables(r, s);
    model_check_page(r, s, 0);
}

static void op_unmap(unsigned r, unsigned s)
{
    struct model_page *p = &m.page[r][s];
    if (p->mapped)
        model_check_page(r, s, 1);     /* bytes kept until unmapped */
    mm_status st = vm_unmap(m.roots[r], slot_va(s));
    if (!p->mapped) {
        assert_int_equal(st, MM_NOT_MAPPED);
        return;
    }
    assert_int_equal(st, MM_OK);
    assert_int_equal(pmm_state(p->frame), FRAME_FREE);
    m.owner_of[p->frame] = 0;
    /* The test's bytes may stay in the free frame; clear them so that the
     * zero check at the next map tests the allocator, not this test. */
    frame_pool[p->frame][p->word] = 0;
    p->mapped = 0;
    m.pages--;
    model_check_page(r, s, 0);
}

static void op_protect(unsigned r, unsigned s)
{
    struct model_page *p = &m.page[r][s];
    uint32_t fl = (uint32_t)host_rand_below(4);
    mm_status st = vm_protect(m.roots[r], slot_va(s), fl);
    if (!p->mapped) {
        assert_int_equal(st, MM_NOT_MAPPED);
        return;
    }
    assert_int_equal(st, MM_OK);
    p->flags = (uint8_t)fl;
    model_check_page(r, s, 0);
}

/* Prune the page table of slot s's block: freed exactly when the model
 * has a table there and no page of the block is mapped. */
static void op_prune(unsigned r, unsigned s)
{
    unsigned k2 = s / N1, mapped = 0;
    for (unsigned t = k2 * N1; t < (k2 + 1) * N1; t++)
        mapped += m.page[r][t].mapped;
    mm_status st = vm_prune(m.roots[r], slot_va(s));
    if (!m.l1[r][k2] || mapped) {
        assert_int_equal(st, MM_NOT_MAPPED);
        return;
    }
    assert_int_equal(st, MM_OK);
    m.l1[r][k2] = 0;
    m.tables--;
    model_check_page(r, s, 0);
}

static void op_write(unsigned r, unsigned s)
{
    struct model_page *p = &m.page[r][s];
    if (!p->mapped)
        return;
    frame_pool[p->frame][p->word] = 0;
    p->word = (uint16_t)host_rand_below(FRAME_WORDS);
    p->value = host_rand() | 1;
    frame_pool[p->frame][p->word] = p->value;
}

/* Every page of every space, the descriptor counts and the free count. */
static void model_check_all(void)
{
    uint32_t users = 0, tables = 0;
    for (unsigned r = 0; r < NROOTS; r++)
        for (unsigned s = 0; s < NSLOTS; s++)
            model_check_page(r, s, 0);
    for (uint32_t f = 0; f < POOL_FRAMES; f++) {
        users += pmm_state(f) == FRAME_USER;
        tables += pmm_state(f) == FRAME_TABLE;
    }
    assert_int_equal(users, m.pages);
    assert_int_equal(tables, NROOTS + m.tables);
    assert_int_equal(pmm_free_count(), model_expected_free());
}

/* covers: vm_map.map_result vm_map.map_fresh vm_map.map_frame vm_unmap.unmap_frame vm_protect.protect_frame vm_prune.prune_leaves */
static void map_random_100k(void **state)
{
    (void)state;
    enum { OPS = 100000 };
    host_rand_init(2);
    memset(&m, 0, sizeof m);
    m.start_free = host_pool_reset(1, 16383);
    for (unsigned r = 0; r < NROOTS; r++)
        m.roots[r] = new_root();
    unsigned counts[6] = { 0 };
    for (unsigned op = 0; op < OPS; op++) {
        unsigned r = (unsigned)host_rand_below(NROOTS);
        unsigned s = (unsigned)host_rand_below(NSLOTS);
        unsigned kind = (unsigned)host_rand_below(100);
        if (kind < 35)
            op_map(r, s), counts[0]++;
        else if (kind < 60)
            op_unmap(r, s), counts[1]++;
        else if (kind < 75)
            op_protect(r, s), counts[2]++;
        else if (kind < 85)
            model_check_page(r, s, 0), counts[3]++;
        else if (kind < 95)
            op_write(r, s), counts[4]++;
        else
            op_prune(r, s), counts[5]++;
        assert_int_equal(pmm_free_count(), model_expected_free());
        if (op % 20000 == 19999)
            model_check_all();
    }
    model_check_all();
    printf("# map_random_100k: %u map, %u unmap, %u protect, %u lookup, %u write, %u prune; "
           "%u pages and %u tables at the end\n", counts[0], counts[1], counts[2],
           counts[3], counts[4], counts[5], m.pages, m.tables);
    /* Unmap everything: only the tables and roots stay allocated. */
    for (unsigned r = 0; r < NROOTS; r++)
        for (unsigned s = 0; s < NSLOTS; s++)
            if (m.page[r][s].mapped)
                op_unmap(r, s);
    assert_int_equal(pmm_free_count(), m.start_free - NROOTS - m.tables);
    model_check_all();
    /* Prune every block: only the directories and roots stay. */
    for (unsigned r = 0; r < NROOTS; r++)
        for (unsigned s = 0; s < NSLOTS; s += N1)
            op_prune(r, s);
    for (unsigned r = 0; r < NROOTS; r++)
        for (unsigned k = 0; k < N4 * N3 * N2; k++)
            assert_int_equal(m.l1[r][k], 0);
    model_check_all();
}

int main(void)
{
    host_seed();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pte_encoding_matches_hardware),
        cmocka_unit_test(pte_accessors_read_single_bits),
        cmocka_unit_test_setup(root_create_is_empty_and_self_owned, setup_pool),
        cmocka_unit_test_setup(root_create_exhaustion, setup_pool),
        cmocka_unit_test_setup(map_lookup_walk_by_hand, setup_pool),
        cmocka_unit_test_setup(map_gives_zeroed_distinct_frames, setup_pool),
        cmocka_unit_test_setup(protect_changes_flags_only, setup_pool),
        cmocka_unit_test_setup(unmap_frees_the_user_frame, setup_pool),
        cmocka_unit_test_setup(prune_frees_only_empty_tables, setup_pool),
        cmocka_unit_test_setup(spaces_are_isolated, setup_pool),
        cmocka_unit_test_setup(bad_addresses_refused, setup_pool),
        cmocka_unit_test_setup(bad_flags_refused, setup_pool),
        cmocka_unit_test_setup(double_map_refused, setup_pool),
        cmocka_unit_test_setup(unmap_and_protect_of_unmapped_refused, setup_pool),
        cmocka_unit_test(exhaustion_changes_nothing_and_recovers),
        cmocka_unit_test(map_until_no_memory),
        cmocka_unit_test(map_random_100k),
    };
    return cmocka_run_group_tests_name("paging", tests, NULL, NULL);
}
