/* Host unit tests of the kernel side of issue 5, sources unmodified: the
 * proven process table (kernel/proc/proc.c) under random operation
 * sequences checked against its invariants; the ELF validator
 * (kernel/proc/elf.c) on a crafted file, on every truncation, on targeted
 * corruptions and on random mutations (no read outside the buffer under
 * ASan/UBSan); the loader and uaccess (kernel/mm/uaccess.c) on a real space
 * of the host frame pool. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "proc/proc.h"
#include "proc/elf.h"
#include "mm/paging.h"
#include "mm/uaccess.h"
#include "host_support.h"

/* vmspace.c (linked for elf_load's vm_space_map) reads the boot PML4 only
 * in vm_template_init, which these tests do not call. */
uint64_t boot_pml4[512];

#define POOL_FIRST 1u
#define POOL_N     4000u

/* ---- process table ------------------------------------------------------ */

static bool alive(int32_t s)
{
    return proc_state[s] == PROC_RUNNABLE || proc_state[s] == PROC_RUNNING ||
           proc_state[s] == PROC_BLOCKED;
}

/* The ProcValid invariant, checked by brute force. */
static void check_table(void)
{
    assert_true(proc_next_pid >= 1 && proc_next_pid <= PROC_PID_MAX);
    for (int32_t s = 0; s < PROC_MAX; s++) {
        assert_true(proc_state[s] <= PROC_ZOMBIE);
        if (proc_state[s] == PROC_UNUSED)
            continue;
        assert_true(proc_pid[s] >= 1 && proc_pid[s] < proc_next_pid);
        if (alive(s))
            assert_true(proc_space[s] < POOL_FRAMES);
        else
            assert_int_equal(proc_space[s], PMM_NONE);
        int32_t p = proc_parent[s];
        assert_true(p == PROC_NONE || (p >= 0 && p < PROC_MAX && p != s && alive(p)));
        for (int32_t t = s + 1; t < PROC_MAX; t++) {
            if (proc_state[t] == PROC_UNUSED)
                continue;
            assert_int_not_equal(proc_pid[s], proc_pid[t]);
            if (alive(s) && alive(t))
                assert_int_not_equal(proc_space[s], proc_space[t]);
        }
    }
}

static int32_t random_alive(void)
{
    int32_t s = (int32_t)host_rand_below(PROC_MAX);
    for (int i = 0; i < PROC_MAX; i++, s = (s + 1) % PROC_MAX)
        if (alive(s))
            return s;
    return PROC_NONE;
}

/* A space number (a pool frame) no alive process uses; the table only
 * compares them. */
static uint32_t fresh_space(void)
{
    for (;;) {
        uint32_t sp = (uint32_t)host_rand_below(POOL_FRAMES);
        bool used = false;
        for (int32_t s = 0; s < PROC_MAX; s++)
            used = used || (alive(s) && proc_space[s] == sp);
        if (!used)
            return sp;
    }
}

/* covers: proc_create.create_fields proc_create.create_pid_fresh proc_exit.exit_zombie proc_exit.exit_orphans proc_reap.reap_only_zombie_child */
static void table_random_ops(void **state)
{
    (void)state;
    host_rand_init(5);
    proc_table_init();
    check_table();
    int32_t init = proc_create(PROC_NONE, fresh_space());
    assert_int_equal(init, PROC_INIT);
    assert_int_equal(proc_pid[init], 1);
    int32_t last_pid = 1;
    for (int step = 0; step < 200000; step++) {
        int32_t s = random_alive();
        if (s == PROC_NONE)
            break;
        switch (host_rand_below(6)) {
        case 0: case 1: {                                   /* fork */
            int32_t used = proc_count();
            int32_t c = proc_create(s, fresh_space());
            if (used == PROC_MAX) {
                assert_int_equal(c, PROC_NONE);
            } else {
                assert_true(c >= 0 && c < PROC_MAX);
                assert_int_equal(proc_pid[c], last_pid + 1);
                last_pid = proc_pid[c];
                assert_int_equal(proc_parent[c], s);
            }
            break;
        }
        case 2: {                                           /* exit, never init's */
            if (s == PROC_INIT)
                break;
            int32_t kids[PROC_MAX], n = 0;
            for (int32_t c = 0; c < PROC_MAX; c++)
                if (proc_state[c] != PROC_UNUSED && proc_parent[c] == s)
                    kids[n++] = c;
            uint32_t sp = proc_space[s];
            assert_int_equal(proc_exit(s, 7 << 8), sp);
            assert_int_equal(proc_state[s], PROC_ZOMBIE);
            for (int32_t i = 0; i < n; i++)
                assert_int_equal(proc_parent[kids[i]], PROC_INIT);
            break;
        }
        case 3: {                                           /* wait */
            int32_t want = host_rand_below(2) ? 0 : (int32_t)host_rand_below((uint64_t)last_pid + 2);
            int32_t zombie = PROC_NONE;
            bool child = false;
            for (int32_t c = 0; c < PROC_MAX; c++)
                if (proc_state[c] != PROC_UNUSED && proc_parent[c] == s &&
                    (want <= 0 || proc_pid[c] == want)) {
                    child = true;
                    if (proc_state[c] == PROC_ZOMBIE && zombie == PROC_NONE)
                        zombie = c;
                }
            struct proc_reaped r = proc_reap(s, want);
            if (zombie != PROC_NONE) {
                assert_true(r.pid > 0);
                int32_t z = proc_find(r.pid);
                assert_int_equal(z, PROC_NONE);         /* gone from the table */
                assert_int_equal(r.status, 7 << 8);
            } else {
                assert_int_equal(r.pid, child ? 0 : -1);
            }
            break;
        }
        case 4:                                             /* scheduler states */
            proc_set_state(s, (uint8_t)(PROC_RUNNABLE + host_rand_below(3)));
            break;
        case 5: {                                           /* exec */
            uint32_t old = proc_space[s];
            assert_int_equal(proc_replace_space(s, fresh_space()), old);
            int32_t t = random_alive();
            if (t != s)   /* another alive process's space is refused */
                assert_int_equal(proc_replace_space(s, proc_space[t]), PMM_NONE);
            break;
        }
        }
        check_table();
    }
}

/* covers: proc_create.create_refused */
static void table_full_changes_nothing(void **state)
{
    (void)state;
    proc_table_init();
    int32_t init = proc_create(PROC_NONE, 1);
    for (uint32_t i = 1; i < PROC_MAX; i++)
        assert_int_not_equal(proc_create(init, 1 + i), PROC_NONE);
    uint8_t st[PROC_MAX];
    int32_t pid[PROC_MAX], next = proc_next_pid;
    memcpy(st, proc_state, sizeof st);
    memcpy(pid, proc_pid, sizeof pid);
    assert_int_equal(proc_create(init, 1000), PROC_NONE);
    assert_memory_equal(st, proc_state, sizeof st);
    assert_memory_equal(pid, proc_pid, sizeof pid);
    assert_int_equal(next, proc_next_pid);
    /* a space already in use is refused too, with room in the table */
    int32_t pid5 = proc_pid[5];
    proc_exit(5, 0);
    assert_int_equal(proc_reap(init, pid5).pid, pid5);
    assert_int_equal(proc_create(init, 3), PROC_NONE);
    assert_int_equal(proc_create(init, PMM_NONE), PROC_NONE);
    int32_t c = proc_create(init, 5 + 1);   /* slot 5's old space is free again */
    assert_int_not_equal(c, PROC_NONE);
    check_table();
}

/* covers: proc_reap.reap_only_zombie_child proc_reap.reap_wait proc_reap.reap_none */
static void reap_only_own_zombies(void **state)
{
    (void)state;
    proc_table_init();
    int32_t init = proc_create(PROC_NONE, 1);
    int32_t a = proc_create(init, 2), b = proc_create(init, 3);
    int32_t a1 = proc_create(a, 4);
    assert_int_equal(proc_reap(b, 0).pid, -1);               /* b has no child */
    assert_int_equal(proc_reap(a, 0).pid, 0);                /* a1 still alive */
    proc_exit(a1, 3 << 8);
    assert_int_equal(proc_reap(b, proc_pid[a1]).pid, -1);    /* not b's child */
    assert_int_equal(proc_reap(init, proc_pid[a1]).pid, -1); /* nor init's */
    struct proc_reaped r = proc_reap(a, proc_pid[a1]);
    assert_int_equal(r.status, 3 << 8);
    assert_int_equal(proc_state[a1], PROC_UNUSED);
    /* orphans: a's zombie child goes to init when a exits */
    int32_t a2 = proc_create(a, 5);
    proc_exit(a2, 0);
    proc_exit(a, 0);
    assert_int_equal(proc_parent[a2], init);
    assert_true(proc_reap(init, 0).pid > 0);
    assert_true(proc_reap(init, 0).pid > 0);
    assert_int_equal(proc_reap(init, 0).pid, 0);              /* b alive */
    /* init exits: children go to nobody and can be released */
    proc_exit(init, 0);
    assert_int_equal(proc_parent[b], PROC_NONE);
    proc_exit(b, 9);
    proc_release(b);
    proc_release(init);
    assert_int_equal(proc_count(), 0);
    check_table();
}

/* ---- ELF ---------------------------------------------------------------- */

#define IMG_SIZE 0x3000
static uint8_t img[IMG_SIZE];

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

static uint8_t *phdr(int i) { return img + 64 + 56 * i; }

static void set_phdr(int i, uint32_t type, uint32_t flags, uint64_t off, uint64_t va,
                     uint64_t filesz, uint64_t memsz)
{
    uint8_t *p = phdr(i);
    put32(p, type);
    put32(p + 4, flags);
    put64(p + 8, off);
    put64(p + 16, va);
    put64(p + 24, va);
    put64(p + 32, filesz);
    put64(p + 40, memsz);
    put64(p + 48, 0x1000);
}

/* A valid static ET_EXEC: headers R at 0x400000, text RX at 0x401000 (the
 * entry), data RW at 0x402000 with .bss past the file bytes. */
static void make_elf(void)
{
    memset(img, 0, sizeof img);
    memcpy(img, "\x7f" "ELF", 4);
    img[4] = 2; img[5] = 1; img[6] = 1;
    put16(img + 16, 2);
    put16(img + 18, 62);
    put32(img + 20, 1);
    put64(img + 24, 0x401010);
    put64(img + 32, 64);
    put16(img + 52, 64);
    put16(img + 54, 56);
    put16(img + 56, 3);
    set_phdr(0, 1, ELF_PF_R, 0, 0x400000, 0x200, 0x200);
    set_phdr(1, 1, ELF_PF_R | ELF_PF_X, 0x1000, 0x401000, 0x100, 0x100);
    set_phdr(2, 1, ELF_PF_R | ELF_PF_W, 0x2000, 0x402000, 0x80, 0x3000);
    memset(img + 0x1000, 0x90, 0x100);
    memset(img + 0x2000, 0xAB, 0x80);
}

static enum elf_verdict check(void)
{
    struct elf_info info;
    return elf_validate(img, IMG_SIZE, &info);
}

static void elf_valid_file(void **state)
{
    (void)state;
    make_elf();
    struct elf_info info;
    assert_int_equal(elf_validate(img, IMG_SIZE, &info), ELF_OK);
    assert_int_equal(info.nseg, 3);
    assert_int_equal(info.entry, 0x401010);
    assert_int_equal(info.phdr_va, 0x400040);
    assert_int_equal(info.phnum, 3);
    assert_int_equal(info.top, 0x405000);
}

static void elf_every_truncation_refused(void **state)
{
    (void)state;
    make_elf();
    struct elf_info info;
    for (uint64_t len = 0; len < 0x2080; len++) {
        uint8_t *copy = malloc(len ? len : 1);      /* exact size: ASan sees any overread */
        memcpy(copy, img, len);
        assert_int_not_equal(elf_validate(copy, len, &info), ELF_OK);
        free(copy);
    }
}

static void elf_corruptions_refused(void **state)
{
    (void)state;
    make_elf(); img[1] = 'X';                          assert_int_equal(check(), ELF_BAD_MAGIC);
    make_elf(); img[4] = 1;                            assert_int_equal(check(), ELF_BAD_CLASS);
    make_elf(); put16(img + 16, 3);                    assert_int_equal(check(), ELF_BAD_TYPE);
    make_elf(); put16(img + 18, 3);                    assert_int_equal(check(), ELF_BAD_TYPE);
    make_elf(); put16(img + 54, 32);                   assert_int_equal(check(), ELF_BAD_PHDRS);
    make_elf(); put64(img + 32, ~0ull - 8);            assert_int_equal(check(), ELF_BAD_PHDRS);
    make_elf(); put16(img + 56, 0);                    assert_int_equal(check(), ELF_BAD_PHDRS);
    /* filesz > memsz, file bytes past the end, offset overflow */
    make_elf(); put64(phdr(2) + 32, 0x4000);           assert_int_equal(check(), ELF_BAD_SEGMENT);
    make_elf(); put64(phdr(1) + 32, 0x2100); put64(phdr(1) + 40, 0x2100);
    assert_int_equal(check(), ELF_BAD_SEGMENT);
    make_elf(); put64(phdr(1) + 8, ~0ull - 0x10);      assert_int_equal(check(), ELF_BAD_SEGMENT);
    /* kernel half, overflowing memsz, page 0 */
    make_elf(); put64(phdr(2) + 16, 0xFFFFFFFF80000000ull); assert_int_equal(check(), ELF_KERNEL_HALF);
    make_elf(); put64(phdr(2) + 40, ~0ull - 0x1000);   assert_int_equal(check(), ELF_KERNEL_HALF);
    make_elf(); put64(phdr(0) + 16, 0);                assert_int_equal(check(), ELF_KERNEL_HALF);
    make_elf(); put64(phdr(2) + 16, 0x6FFFFFFFF000ull); assert_int_equal(check(), ELF_KERNEL_HALF);
    /* overlap: data moved onto the text page, or sharing its last page */
    make_elf(); put64(phdr(2) + 16, 0x401800);         assert_int_equal(check(), ELF_OVERLAP);
    make_elf(); put64(phdr(0) + 40, 0x1001);           assert_int_equal(check(), ELF_OVERLAP);
    /* entry outside the text: in data, past the file bytes, nowhere */
    make_elf(); put64(img + 24, 0x402000);             assert_int_equal(check(), ELF_BAD_ENTRY);
    make_elf(); put64(img + 24, 0x401100);             assert_int_equal(check(), ELF_BAD_ENTRY);
    make_elf(); put64(img + 24, 0);                    assert_int_equal(check(), ELF_BAD_ENTRY);
    make_elf(); set_phdr(1, 3, 4, 0x1000, 0, 0x10, 0x10); assert_int_equal(check(), ELF_INTERP);
    make_elf(); for (int i = 0; i < 3; i++) put32(phdr(i), 4);
    assert_int_equal(check(), ELF_NO_LOAD);
}

static void elf_random_mutations(void **state)
{
    (void)state;
    host_rand_init(9);
    struct elf_info info;
    for (int it = 0; it < 100000; it++) {
        make_elf();
        int k = 1 + (int)host_rand_below(6);
        for (int j = 0; j < k; j++) {
            uint64_t pos = host_rand_below(host_rand_below(2) ? 64 + 56 * 3 : IMG_SIZE);
            img[pos] = (uint8_t)host_rand();
        }
        uint64_t len = host_rand_below(4) ? IMG_SIZE : host_rand_below(IMG_SIZE);
        uint8_t *copy = malloc(len ? len : 1);
        memcpy(copy, img, len);
        if (elf_validate(copy, len, &info) == ELF_OK) {
            /* what is accepted obeys the rules */
            assert_true(info.nseg >= 1 && info.nseg <= ELF_MAX_SEGMENTS);
            for (uint32_t i = 0; i < info.nseg; i++) {
                const struct elf_segment *s = &info.seg[i];
                assert_true(s->filesz <= s->memsz && s->offset + s->filesz <= len);
                assert_true(s->vaddr >= ELF_MIN_VADDR && s->vaddr + s->memsz <= ELF_USER_LIMIT);
            }
        }
        free(copy);
    }
}

/* ---- loader and uaccess ---------------------------------------------------- */

static void load_and_copy(void **state)
{
    (void)state;
    host_pool_reset(POOL_FIRST, POOL_N);
    uint32_t before = pmm_free_count();
    uint32_t root = pt_root_create();
    assert_int_not_equal(root, PMM_NONE);
    make_elf();
    struct elf_info info;
    assert_int_equal(elf_validate(img, IMG_SIZE, &info), ELF_OK);
    assert_true(elf_load(root, img, &info));
    struct vm_lookup_result t = vm_lookup(root, 0x401000), d = vm_lookup(root, 0x402000),
                            b = vm_lookup(root, 0x404000), h = vm_lookup(root, 0x400000);
    assert_int_equal(t.status, MM_OK);
    assert_int_equal(t.flags, VM_EXEC);                       /* text: read-only, executable */
    assert_int_equal(d.flags, VM_WRITE);                      /* data: writable, no-execute */
    assert_int_equal(b.flags, VM_WRITE);                      /* .bss pages exist */
    assert_int_equal(h.flags, 0);
    assert_int_equal(vm_lookup(root, 0x405000).status, MM_NOT_MAPPED);
    uint8_t buf[0x200];
    assert_true(uaccess_copy_in(root, buf, 0x401000, 0x100));
    for (int i = 0; i < 0x100; i++)
        assert_int_equal(buf[i], 0x90);
    /* data bytes then zeros, across a page boundary */
    assert_true(uaccess_copy_in(root, buf, 0x402000 + 0x1000 - 0x40, 0x80));
    for (int i = 0; i < 0x80; i++)
        assert_int_equal(buf[i], 0);
    assert_true(uaccess_copy_in(root, buf, 0x402000, 0x100));
    assert_int_equal(buf[0x7f], 0xAB);
    assert_int_equal(buf[0x80], 0);
    /* writes: refused on text, allowed on data, refused past the mapping */
    assert_false(uaccess_copy_out(root, 0x401000, buf, 1));
    assert_true(uaccess_copy_out(root, 0x404ff0, "0123456789abcdef", 16));
    assert_false(uaccess_copy_out(root, 0x404ff8, "0123456789abcdef", 16));
    assert_false(uaccess_copy_in(root, buf, 0x3ffff0, 32));
    assert_false(uaccess_copy_in(root, buf, VM_USER_TOP - 8, 16));
    assert_false(uaccess_copy_in(root, buf, ~0ull - 4, 8));
    /* strings */
    char s[32];
    assert_int_equal(uaccess_string_in(root, s, 0x404ff0, sizeof s), -1);   /* runs off the map */
    assert_true(uaccess_copy_out(root, 0x403ffc, "abcdefg", 8));
    assert_int_equal(uaccess_string_in(root, s, 0x403ffc, sizeof s), 7);
    assert_string_equal(s, "abcdefg");
    assert_int_equal(uaccess_string_in(root, s, 0x403ffc, 4), -2);
    (void)before;
}

int main(void)
{
    host_seed();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_random_ops),
        cmocka_unit_test(table_full_changes_nothing),
        cmocka_unit_test(reap_only_own_zombies),
        cmocka_unit_test(elf_valid_file),
        cmocka_unit_test(elf_every_truncation_refused),
        cmocka_unit_test(elf_corruptions_refused),
        cmocka_unit_test(elf_random_mutations),
        cmocka_unit_test(load_and_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
