/* munmap, mmap(MAP_FIXED) and mprotect over huge ranges (1 TiB .. 64 TiB)
 * that are mostly empty answer at once, as on Linux: the kernel walks only
 * the page tables that exist (found by the syscall fuzzer: a 64 TiB munmap
 * used to look up every page, with the kernel not preemptible). Pages inside
 * the range are still handled. Everything happens in [16 TiB, 80 TiB), empty
 * on both systems. */
#include "t.h"

#define P     T_PAGE
#define BASE  0x100000000000UL            /* 16 TiB */
#define TIB   (1UL << 40)

static long long t0;

static void start(void) { t0 = t_now_ns(); }

/* "what: quick" when the call took under 2 s (TCG included). */
static void quick(const char *what)
{
    char line[128];
    snprintf(line, sizeof line, "%s: under 2 s", what);
    t_check(line, t_now_ns() - t0 < 2000000000LL);
}

static void *map_at(uintptr_t va, int prot)
{
    return mmap((void *)va, P, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
}

int main(void)
{
    t_init();
    start();
    t_expect_err("munmap of 64 TiB of nothing", munmap((void *)BASE, 64 * TIB), 0);
    quick("munmap of 64 TiB");

    unsigned char *a = map_at(BASE + 3 * TIB + 5 * P, PROT_READ | PROT_WRITE);
    unsigned char *b = map_at(BASE + 40 * TIB, PROT_READ | PROT_WRITE);
    t_check("two pages mapped 37 TiB apart", a != MAP_FAILED && b != MAP_FAILED);
    a[0] = 1;
    b[0] = 2;
    start();
    t_expect_err("munmap of 32 TiB holding the first", munmap((void *)BASE, 32 * TIB), 0);
    quick("munmap of 32 TiB");
    t_expect_child("the first page is gone", t_read_at, (uintptr_t)a, "killed by SIGSEGV");
    t_check("the second page kept its byte", b[0] == 2);

    start();
    void *r = mmap((void *)BASE, TIB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    t_check("mmap(MAP_FIXED, PROT_NONE) of 1 TiB", r == (void *)BASE);
    quick("PROT_NONE mmap of 1 TiB");
    start();
    t_expect_err("mprotect(PROT_NONE) of the 1 TiB reservation", mprotect((void *)BASE, TIB, PROT_NONE), 0);
    quick("mprotect of the reservation");
    start();
    t_expect_err("mprotect of 1 TiB of holes", mprotect((void *)(BASE + 2 * TIB), TIB, PROT_READ), ENOMEM);
    quick("mprotect of 1 TiB of holes");
    start();
    t_expect_err("munmap of the reservation and beyond", munmap((void *)BASE, 64 * TIB), 0);
    quick("munmap after the reservation");
    t_expect_child("the second page is gone too", t_read_at, (uintptr_t)b, "killed by SIGSEGV");
    return t_done();
}
