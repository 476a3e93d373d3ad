/* mprotect(PROT_NONE) on pages that hold data, and back: while PROT_NONE a
 * page faults on read and gives EFAULT to write(2), its neighbour stays
 * usable; after mprotect back to read/write the bytes are still there.
 * (Needs a mapped but not user-accessible page; Isola's paging keeps every
 * mapping user-accessible, docs/syscalls.md.) */
#include "t.h"

#define P T_PAGE

int main(void)
{
    t_init();
    unsigned char *n = mmap(NULL, 2 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    t_check("mmap of 2 read/write pages", n != MAP_FAILED);
    if (n == MAP_FAILED)
        return t_done();
    n[0] = 0x61;
    n[P] = 0x62;
    t_expect_err("mprotect of page 2 to PROT_NONE", mprotect(n + P, P, PROT_NONE), 0);
    t_expect_child("read of page 2", t_read_at, (uintptr_t)n + P, "killed by SIGSEGV");
    t_expect_err("write(2) from page 2", write(1, n + P, 1), EFAULT);
    t_expect_child("read of page 1", t_read_at, (uintptr_t)n, "exited 0");
    int ok = mprotect(n + P, P, PROT_READ | PROT_WRITE) == 0;
    t_expect_err("mprotect of page 2 back to read/write", ok ? 0 : -1, 0);
    t_check("page 2 kept its byte", ok && n[P] == 0x62 && n[0] == 0x61);
    t_expect_err("munmap", munmap(n, 2 * P), 0);
    return t_done();
}
