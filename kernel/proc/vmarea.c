/* PROT_NONE for anonymous memory (see include/proc/task.h): reservations
 * without pages, and pages with data hidden in per-process shadow pages.
 * Bytes move only through vm_lookup frames of the process's own space. */
#include "proc/task.h"
#include "proc/abi.h"
#include "mm/paging.h"
#include "mm/pool.h"
#include "mm/vmspace.h"
#include "lib/string.h"

static struct task *vm_me(void) { return &tasks[task_current()]; }
static uint32_t vm_root(void) { return proc_space[task_current()]; }

static bool vmarea_mapped(uint64_t va)
{
    return vm_lookup(vm_root(), va).status == MM_OK;
}

/* The shadow slot hiding va, or -1. */
static int vmarea_shadow_slot(uint64_t va)
{
    struct task *t = vm_me();
    for (int i = 0; i < TASK_SHADOWS; i++)
        if (t->shadow_of[i] == va && va != 0)
            return i;
    return -1;
}

static uint64_t vmarea_shadow_va(int i)
{
    return USER_SHADOW_BASE + (uint64_t)i * PAGE_SIZE;
}

/* Copies the page at src_va to the page at dst_va (both mapped). */
static void vmarea_copy_page(uint64_t dst_va, uint64_t src_va)
{
    struct vm_lookup_result d = vm_lookup(vm_root(), dst_va), s = vm_lookup(vm_root(), src_va);
    if (d.status == MM_OK && s.status == MM_OK)
        memcpy(frame_pool[d.frame], frame_pool[s.frame], PAGE_SIZE);
}

uint32_t vmarea_prot_flags(uint64_t prot)
{
    return ((prot & PROT_WRITE) ? VM_WRITE : 0) | ((prot & PROT_EXEC) ? VM_EXEC : 0);
}

bool vmarea_reserve(uint64_t lo, uint64_t hi)
{
    struct task *t = vm_me();
    for (int i = 0; i < TASK_NONE_RANGES; i++)
        if (t->none_ranges[i].lo == t->none_ranges[i].hi) {
            t->none_ranges[i].lo = lo;
            t->none_ranges[i].hi = hi;
            return true;
        }
    return false;
}

/* Hides the mapped page va in a shadow page; false if no slot or frame. */
static bool vmarea_hide(uint64_t va)
{
    int i;
    for (i = 0; i < TASK_SHADOWS && vm_me()->shadow_of[i] != 0; i++)
        ;
    if (i == TASK_SHADOWS || vm_space_map(vm_root(), vmarea_shadow_va(i), 0) != MM_OK)
        return false;
    vmarea_copy_page(vmarea_shadow_va(i), va);
    vm_space_unmap(vm_root(), va);
    vm_me()->shadow_of[i] = va;
    return true;
}

/* Brings hidden page va (slot i) back with flags; false if no frame. */
static bool vmarea_unhide(uint64_t va, int i, uint32_t flags)
{
    if (vm_space_map(vm_root(), va, flags) != MM_OK)
        return false;
    vmarea_copy_page(va, vmarea_shadow_va(i));
    vm_space_unmap(vm_root(), vmarea_shadow_va(i));
    vm_me()->shadow_of[i] = 0;
    return true;
}

uint64_t vmarea_next_walkable(uint32_t root, uint64_t va)
{
    while (va < VM_USER_TOP) {
        uint32_t t = root;
        unsigned lvl;
        for (lvl = 4; lvl >= 2; lvl--) {
            uint64_t e = frame_pool[t][(va >> (12 + 9 * (lvl - 1))) % FRAME_WORDS];
            if (!pte_present(e) || pte_frame(e) >= POOL_FRAMES)
                break;
            t = pte_frame(e);
        }
        if (lvl < 2)
            return va;
        uint64_t span = 1ull << (12 + 9 * (lvl - 1));      /* what the missing table covers */
        va = (va & ~(span - 1)) + span;
    }
    return VM_USER_TOP;
}

uint64_t vmarea_next_mapped(uint32_t root, uint64_t va, uint64_t hi)
{
    for (va = vmarea_next_walkable(root, va); va < hi; va = vmarea_next_walkable(root, va)) {
        uint32_t t = root;
        for (unsigned lvl = 4; lvl >= 2; lvl--)
            t = pte_frame(frame_pool[t][(va >> (12 + 9 * (lvl - 1))) % FRAME_WORDS]);
        /* t is va's last-level table: scan it up to its end or hi */
        for (uint32_t i = (uint32_t)(va >> 12) % FRAME_WORDS; i < FRAME_WORDS && va < hi; i++, va += PAGE_SIZE)
            if (pte_present(frame_pool[t][i]))
                return va;
    }
    return hi;
}

bool vmarea_is_shadow(uint64_t va)
{
    if (va < USER_SHADOW_BASE || va >= USER_SHADOW_BASE + (uint64_t)TASK_SHADOWS * PAGE_SIZE)
        return false;
    return vm_me()->shadow_of[(va - USER_SHADOW_BASE) / PAGE_SIZE] != 0;
}

uint64_t vmarea_first_used(uint64_t lo, uint64_t hi)
{
    struct task *t = vm_me();
    uint64_t first = hi;
    for (int i = 0; i < TASK_NONE_RANGES; i++) {
        uint64_t rlo = t->none_ranges[i].lo, rhi = t->none_ranges[i].hi;
        if (rlo < rhi && rhi > lo && rlo < first)
            first = rlo > lo ? rlo : lo;
    }
    for (int i = 0; i < TASK_SHADOWS; i++)
        if (t->shadow_of[i] >= lo && t->shadow_of[i] < first)
            first = t->shadow_of[i];
    return vmarea_next_mapped(vm_root(), lo, first);
}

/* The end of the furthest-reaching reservation holding va; va if none. */
static uint64_t vmarea_reserved_end(uint64_t va)
{
    struct task *t = vm_me();
    uint64_t end = va;
    for (int i = 0; i < TASK_NONE_RANGES; i++)
        if (t->none_ranges[i].lo <= va && va < t->none_ranges[i].hi && t->none_ranges[i].hi > end)
            end = t->none_ranges[i].hi;
    return end;
}

/* The first page >= va that mprotect may have to change: one whose page
 * table exists, a hidden page, or (with_reserved) a reserved page; hi if
 * none below hi. Every other page of [va, hi) is unmapped and not hidden. */
static uint64_t vmarea_next_candidate(uint64_t va, uint64_t hi, bool with_reserved)
{
    struct task *t = vm_me();
    uint64_t next = vmarea_next_walkable(vm_root(), va);
    for (int i = 0; i < TASK_SHADOWS; i++)
        if (t->shadow_of[i] >= va && t->shadow_of[i] < next)
            next = t->shadow_of[i];
    for (int i = 0; with_reserved && i < TASK_NONE_RANGES; i++) {
        uint64_t rlo = t->none_ranges[i].lo, rhi = t->none_ranges[i].hi;
        if (rlo < rhi && rhi > va) {
            uint64_t first = rlo > va ? rlo : va;
            if (first < next)
                next = first;
        }
    }
    return next < hi ? next : hi;
}

/* Every page of [lo, hi) is mapped, reserved or hidden. Reservations are
 * stepped over whole, so a huge reservation costs one step. */
static bool vmarea_all_known(uint64_t lo, uint64_t hi)
{
    for (uint64_t va = lo; va < hi;) {
        uint64_t end = vmarea_reserved_end(va);
        if (end > va) {
            va = end;
            continue;
        }
        if (!vmarea_mapped(va) && vmarea_shadow_slot(va) < 0)
            return false;
        va += PAGE_SIZE;
    }
    return true;
}

long vmarea_protect(uint64_t lo, uint64_t hi, uint32_t prot)
{
    if (!vmarea_all_known(lo, hi))
        return -ENOMEM;
    uint32_t flags = vmarea_prot_flags(prot);
    for (uint64_t va = vmarea_next_candidate(lo, hi, prot != 0); va < hi;
         va = vmarea_next_candidate(va + PAGE_SIZE, hi, prot != 0)) {
        int slot = vmarea_shadow_slot(va);
        bool ok = true;
        if (vmarea_mapped(va))
            ok = prot == 0 ? vmarea_hide(va) : vm_space_protect(vm_root(), va, flags) == MM_OK;
        else if (slot >= 0)
            ok = prot == 0 || vmarea_unhide(va, slot, flags);
        else if (prot != 0)
            ok = vm_space_map(vm_root(), va, flags) == MM_OK;   /* commit a reserved page */
        if (!ok)
            return -ENOMEM;
    }
    return 0;
}

void vmarea_release(uint64_t lo, uint64_t hi)
{
    struct task *t = vm_me();
    for (int i = 0; i < TASK_SHADOWS; i++)
        if (t->shadow_of[i] >= lo && t->shadow_of[i] < hi && t->shadow_of[i] != 0) {
            vm_space_unmap(vm_root(), vmarea_shadow_va(i));
            t->shadow_of[i] = 0;
        }
    for (int i = 0; i < TASK_NONE_RANGES; i++) {
        uint64_t *rlo = &t->none_ranges[i].lo, *rhi = &t->none_ranges[i].hi;
        if (*rlo >= *rhi)
            continue;
        if (lo <= *rlo && *rhi <= hi)
            *rlo = *rhi = 0;                 /* wholly released */
        else if (lo <= *rlo && hi > *rlo)
            *rlo = hi;                       /* front cut */
        else if (lo < *rhi && hi >= *rhi)
            *rhi = lo;                       /* back cut */
        /* a hole in the middle keeps the whole reservation (documented) */
    }
}
