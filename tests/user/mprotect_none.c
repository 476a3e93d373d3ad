/* PROT_NONE as on Linux: a PROT_NONE mapping faults on read, gives EFAULT to
 * write(2), and becomes usable (zero) after mprotect to read/write; an
 * mprotect to PROT_NONE and back keeps the bytes. (Separate from memory.c:
 * Isola represents PROT_NONE by leaving pages unmapped, docs/syscalls.md.) */
#include "t.h"

#define P T_PAGE

int main(void)
{
    t_init();
    unsigned char *n = mmap(NULL, 2 * P, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    t_check("mmap PROT_NONE", n != MAP_FAILED);
    if (n == MAP_FAILED)
        return t_done();
    t_expect_child("read of a PROT_NONE page", t_read_at, (uintptr_t)n, "killed by SIGSEGV");
    t_expect_err("write(2) from a PROT_NONE page", write(1, n, 8), EFAULT);
    t_expect_err("mprotect of it to read/write", mprotect(n, 2 * P, PROT_READ | PROT_WRITE), 0);
    t_check("then it reads zero", n[0] == 0 && n[2 * P - 1] == 0);
    n[0] = 0x61;
    n[P] = 0x62;
    t_expect_err("mprotect of page 2 to PROT_NONE", mprotect(n + P, P, PROT_NONE), 0);
    t_expect_child("read of page 2", t_read_at, (uintptr_t)n + P, "killed by SIGSEGV");
    t_expect_child("read of page 1", t_read_at, (uintptr_t)n, "exited 0");
    t_expect_err("mprotect of page 2 back to read/write", mprotect(n + P, P, PROT_READ | PROT_WRITE), 0);
    t_check("page 2 kept its byte", n[P] == 0x62 && n[0] == 0x61);
    t_expect_err("munmap", munmap(n, 2 * P), 0);
    return t_done();
}
