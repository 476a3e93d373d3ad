/* isola-mem: 32M
 * A long-running program that maps and unmaps memory over and over must not
 * run out: 10,000 cycles of "reserve 2 MiB (PROT_NONE), commit one page,
 * write it, unmap all" hold at most one page at a time. Isola used to hand
 * out each mapping below the previous one, so every cycle left a page table
 * behind (they stayed until exit then) and a 32 MiB machine ran out after a
 * few thousand cycles; mmap now reuses freed address space. The same with
 * read/write mappings of 64 KiB (malloc-sized) blocks. */
#include "t.h"

#define P     T_PAGE
#define BLOCK (2UL << 20)

int main(void)
{
    t_init();
    int ok = 0;
    for (int i = 0; i < 10000; i++) {
        unsigned char *p = mmap(NULL, BLOCK, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            fprintf(stderr, "mmap_cycles: reserve %d: %s\n", i, t_err(-1));
            break;
        }
        if (mprotect(p + BLOCK / 2, P, PROT_READ | PROT_WRITE) != 0) {
            fprintf(stderr, "mmap_cycles: commit %d: %s\n", i, t_err(-1));
            break;
        }
        p[BLOCK / 2] = (unsigned char)i;
        int same = p[BLOCK / 2] == (unsigned char)i;
        if (munmap(p, BLOCK) != 0 || !same)
            break;
        ok++;
    }
    t_check("10000 reserve/commit/unmap cycles of 2 MiB", ok == 10000);
    ok = 0;
    for (int i = 0; i < 3000; i++) {
        unsigned char *p = mmap(NULL, 16 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            fprintf(stderr, "mmap_cycles: block %d: %s\n", i, t_err(-1));
            break;
        }
        p[0] = p[16 * P - 1] = 1;
        if (munmap(p, 16 * P) != 0)
            break;
        ok++;
    }
    t_check("3000 map/unmap cycles of 64 KiB", ok == 3000);
    return t_done();
}
