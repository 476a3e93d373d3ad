/* A PROT_NONE page keeps its bytes whatever the program does to the rest of
 * its address space: Isola hides such a page in a shadow page of the same
 * space (0x7ff000000000 + i * 4096), and a munmap or MAP_FIXED mmap over
 * that window must not take the hidden bytes with it (before the fix the
 * bytes were lost: the kernel copied from frame_pool[PMM_NONE], past the
 * pool's end). On Linux the window is just empty address space. */
#include "t.h"

#define P      T_PAGE
#define WINDOW 0x7ff000000000UL

int main(void)
{
    t_init();
    unsigned char *p = mmap(NULL, 2 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    t_check("mmap of 2 pages", p != MAP_FAILED);
    if (p == MAP_FAILED)
        return t_done();
    memset(p, 0x5c, 2 * P);
    t_expect_err("mprotect(PROT_NONE) of both", mprotect(p, 2 * P, PROT_NONE), 0);
    t_expect_err("munmap of the shadow window", munmap((void *)WINDOW, 64 * P), 0);
    t_expect_err("mprotect of the first back to read/write", mprotect(p, P, PROT_READ | PROT_WRITE), 0);
    int same = 1;
    for (unsigned i = 0; i < P; i++)
        same &= p[i] == 0x5c;
    t_check("first page kept its bytes", same);
    void *m = mmap((void *)WINDOW, 64 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    fprintf(stderr, "prot_none_shadow: MAP_FIXED over the window: %s\n", m == MAP_FAILED ? t_err(-1) : "OK");
    if (m != MAP_FAILED)
        munmap(m, 64 * P);
    t_expect_err("mprotect of the second back to read/write", mprotect(p + P, P, PROT_READ | PROT_WRITE), 0);
    same = 1;
    for (unsigned i = 0; i < P; i++)
        same &= p[P + i] == 0x5c;
    t_check("second page kept its bytes", same);
    t_expect_err("munmap of both", munmap(p, 2 * P), 0);
    return t_done();
}
