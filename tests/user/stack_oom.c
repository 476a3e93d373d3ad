/* isola-mem: 32M
 * Memory runs out while a process grows its stack: it dies with SIGSEGV,
 * the others keep running. The parent forks a spinner (runs 2 s without
 * needing memory) and a grower, then maps single pages until ENOMEM and
 * holds them; the grower waits until memory is scarce (Isola; on Linux it
 * starts at once and stops at the 8 MiB stack limit), then recurses.
 * Afterwards memory comes back: a new child recurses through 1 MiB, and on
 * Isola the free-frame count is back exactly. */
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include "t.h"

#define P        T_PAGE
#define FILL_MAX 16384

static char *pages[FILL_MAX];
static int filled, isola;

static long free_frames(void)
{
    struct sysinfo si;
    return sysinfo(&si) == 0 ? (long)(si.freeram * si.mem_unit / P) : -1;
}

/* Maps single pages until ENOMEM or FILL_MAX; returns the errno that ended it. */
static int fill(void)
{
    while (filled < FILL_MAX) {
        char *p = mmap(NULL, P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return errno;
        pages[filled++] = p;
    }
    return 0;
}

static void release(void)
{
    while (filled > 0)
        munmap(pages[--filled], P);
}

static __attribute__((noinline)) unsigned long deep(int depth)
{
    volatile unsigned char frame[1024];
    for (int i = 0; i < 1024; i += 64)
        frame[i] = (unsigned char)depth;
    return (depth > 0 ? deep(depth - 1) : 0) + frame[0];
}

/* Spins for 2 s on the clock alone; exit 0 iff time went on meanwhile. */
static void spinner(void)
{
    long long t0 = t_now_ns(), now = t0;
    unsigned long loops = 0;
    while ((now = t_now_ns()) - t0 < 2000000000LL)
        loops++;
    _exit(loops > 0 ? 0 : 1);
}

/* Waits (Isola) until fewer than 64 frames are free, then recurses without end. */
static void grower(void)
{
    for (int i = 0; isola && free_frames() >= 64; i++) {
        if (i == 2000)
            _exit(3);                        /* memory never ran short: the test is void */
        t_sleep_ms(10);
    }
    deep(1 << 30);
    _exit(4);
}

static void one_mib(uintptr_t unused)
{
    (void)unused;
    deep(1024);
    _exit(0);
}

int main(void)
{
    t_init();
    struct utsname u;
    isola = uname(&u) == 0 && strcmp(u.sysname, "Isola") == 0;
    volatile char stack[64 * 1024];
    stack[0] = stack[sizeof stack - 1] = 1;
    /* a first fill and release leaves the page tables of the fill area in
     * place (they stay until exit), so the count below is comparable */
    int why = fill();
    release();
    long before = free_frames();
    pid_t spin = t_fork();
    if (spin == 0)
        spinner();
    pid_t grow = t_fork();
    if (grow == 0)
        grower();
    why = fill();
    fprintf(stderr, "stack_oom: parent holds %d pages (%s), %ld frames free\n", filled, t_errname(why), free_frames());
    t_check("the parent ran out (Isola) or reached its bound (Linux)", isola ? why == ENOMEM : filled == FILL_MAX);
    t_expect_status("the stack grower", t_wait(grow), "killed by SIGSEGV");
    release();
    t_expect_status("the spinner kept running", t_wait(spin), "exited 0");
    t_expect_child("a new child recurses through 1 MiB", one_mib, 0, "exited 0");
    t_expect_err("no children left", wait4(-1, NULL, 0, NULL), ECHILD);
    long after = free_frames();
    t_check("free memory back (exact on Isola)", !isola || before == after);
    fprintf(stderr, "stack_oom: free frames %ld -> %ld\n", before, after);
    return t_done();
}
