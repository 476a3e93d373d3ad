/* isola-mem: 32M
 * munmap gives back the page tables it leaves empty: 12,000 cycles of "map
 * one page at a fresh 2 MiB-aligned address (MAP_FIXED), write it, unmap
 * it" each need a new page table. A kernel that kept empty page tables
 * until exit would hold 12,000 of them (47 MiB) and run out of a 32 MiB
 * machine after about 7,000 cycles. Then a partial unmap keeps the table
 * that still maps a page, and a fork after all that still works. */
#include "t.h"

#define P      T_PAGE
#define BLOCK  (2UL << 20)
#define BASE   ((uintptr_t)0x100000000000ULL)   /* 16 TiB: nothing of ours lives there */
#define CYCLES 12000

static void child_reads(uintptr_t a)
{
    _exit(*(volatile unsigned char *)a == 7 ? 0 : 3);
}

int main(void)
{
    t_init();
    int ok = 0;
    for (int i = 0; i < CYCLES; i++) {
        uintptr_t a = BASE + (uintptr_t)i * BLOCK;
        unsigned char *p = mmap((void *)a, P, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (p == MAP_FAILED) {
            fprintf(stderr, "munmap_tables: map %d: %s\n", i, t_err(-1));
            break;
        }
        p[0] = (unsigned char)i;
        if (p[0] != (unsigned char)i || munmap(p, P) != 0)
            break;
        ok++;
    }
    t_check("12000 map/write/unmap cycles, each in a fresh 2 MiB block", ok == CYCLES);
    unsigned char *p = mmap((void *)BASE, 2 * P, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    t_check("two pages mapped in one block", p != MAP_FAILED);
    if (p != MAP_FAILED) {
        p[P] = 7;
        t_check("unmap of the first page", munmap(p, P) == 0);
        t_check("the second page keeps its byte", p[P] == 7);
        t_expect_child("a child reads the second page", child_reads, (uintptr_t)(p + P), "exited 0");
        t_check("unmap of the second page", munmap(p + P, P) == 0);
    }
    return t_done();
}
