/* libFuzzer driver for the vm API (kernel/mm/{pmm,paging,vmspace}.c,
 * unmodified): each input is a program of create / map / unmap / protect /
 * lookup / clone / destroy / write operations (and prune after an unmap)
 * over four space slots and a small pool (so running out of frames is
 * common), every result checked against a reference model, and VmValid
 * checked by a scan of the pool after every operation. Any mismatch aborts
 * with a message (a crash for libFuzzer); AddressSanitizer and UBSan watch
 * the kernel code itself. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/vmspace.h"
#include "host_support.h"
#include "vm_valid_scan.h"

uint64_t boot_pml4[512];

#define SLOTS      4
#define PAGES_MAX  64
#define POOL_FIRST 1u

#define HW_P    (1ull << 0)
#define HW_RW   (1ull << 1)
#define HW_US   (1ull << 2)
#define HW_NX   (1ull << 63)
#define HW_ADDR 0x000FFFFFFFFFF000ull
#define HW_IX(va, level) (((va) >> (12 + 9 * ((level) - 1))) & 511u)

/* The model of one slot: its root and its pages (va, flags, frame, tag word). */
struct mpage { uint64_t va; uint32_t flags; uint32_t frame; uint64_t tag; };
struct mspace { bool live; uint32_t root; unsigned n; struct mpage p[PAGES_MAX]; };

static struct mspace sp[SLOTS];
static uint32_t pool_n;          /* frames handed to the pool this input */
static uint32_t template_root;
static uint32_t stale_root;      /* the last destroyed root (a bad argument now) */
static uint64_t tag_counter;

/* ---- input decoding ----------------------------------------------------- */

static const uint8_t *in;
static size_t in_left;

/* Next input byte (0 once the input is used up). */
static uint8_t next_byte(void)
{
    if (in_left == 0)
        return 0;
    in_left--;
    return *in++;
}

static uint64_t next_u64(void)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | next_byte();
    return v;
}

/* Addresses chosen so that pages share or do not share tables at each level,
 * plus the refusals: kernel half, non-canonical, unaligned, the first
 * non-user address; one byte in 16 picks raw 8 input bytes. */
static uint64_t next_va(void)
{
    static const uint64_t vas[15] = {
        0x0, 0x1000, 0x2000, 0x1ff000, 0x200000, 0x40000000, 0x8000000000ull,
        0x7ffffffff000ull, 0x7fffffffe000ull, 0x400000, 0x401000,
        0x0000800000000000ull, 0xffff800000000000ull, 0x1001, 0x0000900000001000ull,
    };
    uint8_t b = next_byte();
    return b % 16 == 15 ? next_u64() : vas[b % 16];
}

static void fail(const char *what, uint64_t a, uint64_t b)
{
    fprintf(stderr, "fuzz_vm: %s (0x%llx, 0x%llx)\n", what, (unsigned long long)a, (unsigned long long)b);
    abort();
}

#define CHECK(cond, a, b) do { if (!(cond)) fail(#cond, (a), (b)); } while (0)

/* ---- independent views of the real state ------------------------------- */

static bool user_va_ok(uint64_t va)
{
    return va < VM_USER_TOP && va % PAGE_SIZE == 0;
}

static uint32_t hw_frame(uint64_t e)
{
    return (uint32_t)(((e & HW_ADDR) - POOL_PHYS_BASE) / PAGE_SIZE);
}

/* The table the walk of va in root reaches at `level` (4: root itself;
 * 1: the page table), read with the hardware layout, or PMM_NONE where an
 * entry above it is not present. */
static uint32_t hw_table(uint32_t root, uint64_t va, unsigned level)
{
    uint32_t t = root;
    for (unsigned l = 4; l > level && t != PMM_NONE; l--) {
        uint64_t e = frame_pool[t][HW_IX(va, l)];
        t = (e & HW_P) ? hw_frame(e) : PMM_NONE;
    }
    return t;
}

/* Frames vm_map needs for va in root, read with the hardware layout:
 * the missing tables plus the page. */
static uint32_t hw_frames_needed(uint32_t root, uint64_t va)
{
    for (unsigned level = 3; level >= 1; level--)
        if (hw_table(root, va, level) == PMM_NONE)
            return level + 1;
    return 1;
}

/* Frames owned by root (itself included), by descriptor scan of the pool. */
static uint32_t owned_frames(uint32_t root)
{
    uint32_t n = 0;
    for (uint32_t f = POOL_FIRST; f < POOL_FIRST + pool_n; f++)
        n += pmm_state(f) != FRAME_FREE && pmm_owner(f) == root;
    return n;
}

/* A hash of the free count and every frame's state, and of the descriptor
 * and words of every frame (skip_free: of every allocated frame only). */
static uint64_t pool_hash(bool skip_free)
{
    uint64_t h = 1469598103934665603ull ^ pmm_free_count();
    for (uint32_t f = POOL_FIRST; f < POOL_FIRST + pool_n; f++) {
        h = (h ^ pmm_state(f)) * 1099511628211ull;
        if (skip_free && pmm_state(f) == FRAME_FREE)
            continue;
        h = (h ^ pmm_owner(f)) * 1099511628211ull;
        h = (h ^ pmm_level(f)) * 1099511628211ull;
        h = (h ^ pmm_prefix(f)) * 1099511628211ull;
        for (uint32_t w = 0; w < FRAME_WORDS; w++)
            h = (h ^ frame_pool[f][w]) * 1099511628211ull;
    }
    return h;
}

/* Every descriptor and frame word in the pool: "nothing changed". */
static uint64_t state_hash(void) { return pool_hash(false); }

/* The weaker "nothing changed" of a failed clone (clone_no_leak): every
 * frame's state, the free count, and the descriptors and words of the
 * allocated frames; freed frames may keep what the clone wrote. */
static uint64_t allocated_hash(void) { return pool_hash(true); }

/* ---- the model ---------------------------------------------------------- */

static struct mpage *model_find(struct mspace *s, uint64_t va)
{
    for (unsigned i = 0; i < s->n; i++)
        if (s->p[i].va == va)
            return &s->p[i];
    return NULL;
}

/* The slot whose live root is r, or -1. */
static int slot_of_root(uint32_t r)
{
    for (int i = 0; i < SLOTS; i++)
        if (sp[i].live && sp[i].root == r)
            return i;
    return -1;
}

/* The root an operation on slot i uses: its own if live, else a bad one
 * (the last destroyed root, the template, PMM_NONE, a reserved frame, a
 * table or user frame of another space). */
static uint32_t root_for(int i)
{
    if (sp[i].live)
        return sp[i].root;
    switch (next_byte() % 5) {
    case 0: return stale_root;
    case 1: return template_root;
    case 2: return PMM_NONE;
    case 3: return POOL_FIRST + pool_n + 3;    /* reserved */
    default: return POOL_FIRST + next_byte() % pool_n;
    }
}

/* Checks that every model page of s (if live) is mapped as recorded, with its tag. */
static void check_space(const struct mspace *s)
{
    if (!s->live)
        return;
    for (unsigned i = 0; i < s->n; i++) {
        const struct mpage *p = &s->p[i];
        struct vm_lookup_result r = vm_lookup(s->root, p->va);
        CHECK(r.status == MM_OK && r.frame == p->frame && r.flags == p->flags, p->va, r.status);
        CHECK(pmm_state(r.frame) == FRAME_USER && pmm_owner(r.frame) == s->root, r.frame, s->root);
        CHECK(frame_pool[r.frame][0] == p->tag && frame_pool[r.frame][511] == ~p->tag, p->va, p->tag);
    }
}

/* Counts root's present leaves with the hardware layout (user half). */
static unsigned hw_count_leaves(uint32_t root)
{
    unsigned n = 0;
    for (uint32_t i4 = 0; i4 < 256; i4++) {
        uint64_t e4 = frame_pool[root][i4];
        if (!(e4 & HW_P))
            continue;
        for (uint32_t i3 = 0; i3 < 512; i3++) {
            uint64_t e3 = frame_pool[hw_frame(e4)][i3];
            if (!(e3 & HW_P))
                continue;
            for (uint32_t i2 = 0; i2 < 512; i2++) {
                uint64_t e2 = frame_pool[hw_frame(e3)][i2];
                if (!(e2 & HW_P))
                    continue;
                for (uint32_t i1 = 0; i1 < 512; i1++)
                    n += (frame_pool[hw_frame(e2)][i1] & HW_P) != 0;
            }
        }
    }
    return n;
}

/* ---- operations --------------------------------------------------------- */

static void op_create(int i)
{
    if (sp[i].live)
        return;
    uint32_t before = pmm_free_count();
    uint64_t h = before == 0 ? state_hash() : 0;
    uint32_t r = vm_space_create();
    if (before == 0) {
        CHECK(r == PMM_NONE && state_hash() == h, r, before);
        return;
    }
    CHECK(r != PMM_NONE && pmm_free_count() == before - 1, r, before);
    CHECK(owned_frames(r) == 1 && hw_count_leaves(r) == 0, r, 0);
    for (uint32_t w = 256; w < 512; w++)
        CHECK(frame_pool[r][w] == frame_pool[template_root][w], r, w);
    sp[i] = (struct mspace){ .live = true, .root = r, .n = 0 };
}

static void op_map(int i)
{
    uint32_t root = root_for(i);
    uint64_t va = next_va();
    uint8_t fb = next_byte();
    uint32_t flags = fb % 8 == 7 ? fb : fb % 4;      /* mostly valid flags */
    uint32_t before = pmm_free_count();
    int owner = slot_of_root(root);
    bool valid = owner >= 0 && user_va_ok(va) && flags <= 3;
    uint32_t need = valid ? hw_frames_needed(root, va) : 0;
    /* the state is hashed only when the call must change nothing */
    uint64_t h = !valid || model_find(&sp[owner], va) || need > before ? state_hash() : 0;
    mm_status st = vm_map(root, va, flags);
    if (owner < 0 || !user_va_ok(va) || flags > 3) {
        CHECK(st == MM_BAD_ARGUMENT && state_hash() == h, va, st);
        return;
    }
    struct mspace *s = &sp[owner];
    if (model_find(s, va)) {
        CHECK(st == MM_ALREADY_MAPPED && state_hash() == h, va, st);
        return;
    }
    if (need > before) {
        CHECK(st == MM_NO_MEMORY && state_hash() == h, va, before);
        return;
    }
    CHECK(st == MM_OK && s->n < PAGES_MAX, va, st);
    struct vm_lookup_result r = vm_lookup(root, va);
    CHECK(r.status == MM_OK && r.flags == flags, va, r.status);
    CHECK(pmm_state(r.frame) == FRAME_USER && pmm_owner(r.frame) == root, r.frame, root);
    for (uint32_t w = 0; w < FRAME_WORDS; w++)
        CHECK(frame_pool[r.frame][w] == 0, r.frame, w);
    CHECK(pmm_free_count() == before - need, need, before);
    uint64_t tag = ++tag_counter * 0x9E3779B97F4A7C15ull;
    frame_pool[r.frame][0] = tag;
    frame_pool[r.frame][511] = ~tag;
    s->p[s->n++] = (struct mpage){ va, flags, r.frame, tag };
}

/* As munmap does after unmapping va: vm_prune of va's block, checked
 * against the hardware walk (the page table there is freed if it maps
 * nothing, else nothing changes) and the model (every page stays). */
static void prune_block(struct mspace *s, uint64_t va)
{
    uint32_t t = hw_table(s->root, va, 1);
    bool empty = t != PMM_NONE;
    for (uint32_t w = 0; empty && w < FRAME_WORDS; w++)
        empty = frame_pool[t][w] == 0;
    uint32_t before = pmm_free_count();
    uint64_t h = empty ? 0 : state_hash();
    mm_status st = vm_prune(s->root, va);
    if (!empty) {
        CHECK(st == MM_NOT_MAPPED && state_hash() == h, va, st);
        return;
    }
    CHECK(st == MM_OK && pmm_free_count() == before + 1 && pmm_state(t) == FRAME_FREE, va, t);
    check_space(s);
}

static void op_unmap(int i)
{
    uint32_t root = root_for(i);
    uint64_t va = next_va();
    uint32_t before = pmm_free_count();
    int owner = slot_of_root(root);
    uint64_t h = owner < 0 || !user_va_ok(va) || !model_find(&sp[owner], va) ? state_hash() : 0;
    mm_status st = vm_unmap(root, va);
    if (owner < 0 || !user_va_ok(va)) {
        CHECK(st == MM_BAD_ARGUMENT && state_hash() == h, va, st);
        return;
    }
    struct mspace *s = &sp[owner];
    struct mpage *p = model_find(s, va);
    if (!p) {
        CHECK(st == MM_NOT_MAPPED && state_hash() == h, va, st);
        return;
    }
    CHECK(st == MM_OK && pmm_free_count() == before + 1, va, st);
    CHECK(pmm_state(p->frame) == FRAME_FREE, p->frame, 0);
    CHECK(vm_lookup(root, va).status == MM_NOT_MAPPED, va, 0);
    *p = s->p[--s->n];
    if (next_byte() % 2)
        prune_block(s, va);
}

static void op_protect(int i)
{
    uint32_t root = root_for(i);
    uint64_t va = next_va();
    uint8_t fb = next_byte();
    uint32_t flags = fb % 8 == 7 ? fb : fb % 4;
    uint32_t before = pmm_free_count();
    int owner = slot_of_root(root);
    uint64_t h = owner < 0 || !user_va_ok(va) || flags > 3 || !model_find(&sp[owner], va) ? state_hash() : 0;
    mm_status st = vm_protect(root, va, flags);
    if (owner < 0 || !user_va_ok(va) || flags > 3) {
        CHECK(st == MM_BAD_ARGUMENT && state_hash() == h, va, st);
        return;
    }
    struct mpage *p = model_find(&sp[owner], va);
    if (!p) {
        CHECK(st == MM_NOT_MAPPED && state_hash() == h, va, st);
        return;
    }
    CHECK(st == MM_OK && pmm_free_count() == before, va, st);
    p->flags = flags;
}

static void op_lookup(int i)
{
    uint32_t root = root_for(i);
    uint64_t va = next_va();
    struct vm_lookup_result r = vm_lookup(root, va);
    int owner = slot_of_root(root);
    if (owner < 0 || !user_va_ok(va)) {
        CHECK(r.status == MM_BAD_ARGUMENT && r.frame == PMM_NONE && r.flags == 0, va, r.status);
        return;
    }
    struct mpage *p = model_find(&sp[owner], va);
    if (!p)
        CHECK(r.status == MM_NOT_MAPPED && r.frame == PMM_NONE && r.flags == 0, va, r.status);
    else
        CHECK(r.status == MM_OK && r.frame == p->frame && r.flags == p->flags, va, r.status);
}

/* A user write: a page of slot i gets a new tag (clone must copy it). */
static void op_write(int i)
{
    struct mspace *s = &sp[i];
    uint8_t k = next_byte();
    if (!s->live || s->n == 0)
        return;
    struct mpage *p = &s->p[k % s->n];
    p->tag = ++tag_counter * 0x9E3779B97F4A7C15ull;
    frame_pool[p->frame][0] = p->tag;
    frame_pool[p->frame][511] = ~p->tag;
}

static void op_clone(int i)
{
    int to = next_byte() % SLOTS;
    if (sp[to].live || to == i)
        return;
    uint32_t parent = root_for(i);
    uint32_t before = pmm_free_count();
    int owner = slot_of_root(parent);
    uint64_t h = owner < 0 ? state_hash() : 0, ha = owner >= 0 ? allocated_hash() : 0;
    uint32_t c = vm_space_clone(parent);
    if (owner < 0) {
        CHECK(c == PMM_NONE && state_hash() == h, parent, c);
        return;
    }
    if (c == PMM_NONE) {      /* out of frames: every frame taken is free again */
        CHECK(allocated_hash() == ha, parent, before);
        return;
    }
    CHECK(pmm_free_count() == before - owned_frames(c), c, before);
    check_space(&sp[owner]);                  /* the parent is unchanged */
    struct mspace *d = &sp[to];
    *d = sp[owner];
    d->root = c;
    for (unsigned k = 0; k < d->n; k++) {
        struct vm_lookup_result r = vm_lookup(c, d->p[k].va);
        CHECK(r.status == MM_OK && pmm_owner(r.frame) == c, d->p[k].va, r.status);
        CHECK(r.frame != sp[owner].p[k].frame, r.frame, c);
        d->p[k].frame = r.frame;
    }
    check_space(d);
    CHECK(hw_count_leaves(c) == d->n, c, d->n);
}

static void op_destroy(int i)
{
    uint32_t root = root_for(i);
    uint32_t before = pmm_free_count();
    int owner = slot_of_root(root);
    uint32_t owned = owner >= 0 ? owned_frames(root) : 0;
    uint64_t h = owner < 0 ? state_hash() : 0;
    mm_status st = vm_space_destroy(root);
    if (owner < 0) {
        CHECK(st == MM_BAD_ARGUMENT && state_hash() == h, root, st);
        return;
    }
    CHECK(st == MM_OK && pmm_free_count() == before + owned, root, before);
    CHECK(owned_frames(root) == 0 && pmm_state(root) == FRAME_FREE, root, 0);
    for (int k = 0; k < SLOTS; k++)
        if (k != owner)
            check_space(&sp[k]);
    sp[owner].live = false;
    stale_root = root;
}

/* ---- the driver --------------------------------------------------------- */

/* Pool of 8..135 frames (the byte's low 7 bits), frames zeroed and copied
 * by rep stosq/movsq or by the loops (its top bit), the template, empty
 * slots. */
static void reset(uint8_t size_byte)
{
    pool_n = 8 + size_byte % 128;
    pmm_rep_strings = size_byte >> 7;
    host_pool_reset(POOL_FIRST, pool_n);
    for (int i = 0; i < 512; i++)
        boot_pml4[i] = i < 256 ? 0 : 0x100003ull + (uint64_t)i * 0x1000;
    template_root = vm_template_init();
    if (template_root == PMM_NONE)
        fail("template", 0, 0);
    memset(sp, 0, sizeof sp);
    stale_root = PMM_NONE;
}

/* End of an input: every space as modelled, descriptors add up, and
 * destroying everything gives every frame back. */
static void final_check(void)
{
    uint32_t used = 1;   /* the template */
    for (int i = 0; i < SLOTS; i++)
        if (sp[i].live) {
            check_space(&sp[i]);
            CHECK(hw_count_leaves(sp[i].root) == sp[i].n, sp[i].root, sp[i].n);
            used += owned_frames(sp[i].root);
        }
    CHECK(used + pmm_free_count() == pool_n, used, pmm_free_count());
    for (int i = 0; i < SLOTS; i++)
        if (sp[i].live)
            CHECK(vm_space_destroy(sp[i].root) == MM_OK, sp[i].root, 0);
    CHECK(pmm_free_count() == pool_n - 1, pmm_free_count(), pool_n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int trace = -1;
    if (trace < 0)
        trace = getenv("FUZZ_VM_TRACE") != NULL;
    in = data;
    in_left = size;
    reset(next_byte());
    for (int steps = 0; in_left > 0 && steps < 400; steps++) {
        uint8_t b = next_byte();
        int slot = (b >> 3) % SLOTS;
        if (trace)
            fprintf(stderr, "step %d: op %d slot %d (free %u)\n", steps, b % 8, slot, pmm_free_count());
        switch (b % 8) {
        case 0: op_create(slot); break;
        case 1: op_map(slot); break;
        case 2: op_unmap(slot); break;
        case 3: op_protect(slot); break;
        case 4: op_lookup(slot); break;
        case 5: op_clone(slot); break;
        case 6: op_destroy(slot); break;
        default: op_write(slot); break;
        }
        /* Every operation keeps VmValid (not proven for vm_map:
         * docs/trusted-base.md, "Between proven calls"); checked here by a
         * scan of the pool. */
        const char *broken = vm_valid_by_scan();
        if (broken)
            fail(broken, (uint64_t)steps, b);
    }
    final_check();
    return 0;
}
