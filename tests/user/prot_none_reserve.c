/* PROT_NONE reservations as allocators use them (reserve with mmap PROT_NONE,
 * commit with mprotect): the reserved range faults on access and gives EFAULT
 * to write(2); after mprotect to read/write it reads zero and is writable;
 * munmap releases it. (Isola leaves PROT_NONE pages unmapped, docs/syscalls.md.) */
#include "t.h"

#define P T_PAGE

int main(void)
{
    t_init();
    unsigned char *n = mmap(NULL, 4 * P, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    t_check("mmap of 4 PROT_NONE pages", n != MAP_FAILED);
    if (n == MAP_FAILED)
        return t_done();
    t_expect_child("read of a reserved page", t_read_at, (uintptr_t)n, "killed by SIGSEGV");
    t_expect_child("write of a reserved page", t_write_at, (uintptr_t)n + 3 * P, "killed by SIGSEGV");
    t_expect_err("write(2) from a reserved page", write(1, n, 8), EFAULT);
    int ok = mprotect(n, 2 * P, PROT_READ | PROT_WRITE) == 0;
    t_expect_err("mprotect of the first 2 pages to read/write", ok ? 0 : -1, 0);
    if (ok) {
        t_expect_child("read of a committed page", t_read_at, (uintptr_t)n + P, "exited 0");
        t_check("committed pages read zero", n[0] == 0 && n[2 * P - 1] == 0);
        n[0] = 0x61;
        t_check("and keep what is written", n[0] == 0x61);
    }
    t_expect_child("read of a page still reserved", t_read_at, (uintptr_t)n + 2 * P, "killed by SIGSEGV");
    t_expect_err("munmap of all 4", munmap(n, 4 * P), 0);
    t_expect_child("read after munmap", t_read_at, (uintptr_t)n, "killed by SIGSEGV");
    return t_done();
}
