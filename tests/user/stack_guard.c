/* The stack: 1 MiB of it is usable (Isola maps 8 MiB on first touch, Linux
 * grows to RLIMIT_STACK = 8 MiB, the runner sets it), the frames hold their
 * values, and unbounded recursion ends in SIGSEGV at the guard page instead of
 * running into other memory. Children do the deep work. */
#include "t.h"

/* Recurses depth times with a 1 KiB frame; returns a checksum of the frames. */
static __attribute__((noinline)) unsigned long deep(int depth)
{
    volatile unsigned char frame[1024];
    for (int i = 0; i < 1024; i += 64)
        frame[i] = (unsigned char)depth;
    unsigned long below = depth > 0 ? deep(depth - 1) : 0;
    unsigned long sum = 0;
    for (int i = 0; i < 1024; i += 64)
        sum += frame[i];
    return sum + below;
}

static void one_mib(uintptr_t unused)
{
    (void)unused;
    unsigned long want = 0;
    for (int d = 0; d <= 1024; d++)
        want += 16UL * (unsigned char)d;
    _exit(deep(1024) == want ? 0 : 1);
}

static void forever(uintptr_t unused)
{
    (void)unused;
    deep(1 << 30);
}

/* Touches the page 64 KiB below the stack pointer without recursion. */
static void below_sp(uintptr_t unused)
{
    (void)unused;
    volatile unsigned char big[96 * 1024];
    big[0] = 1;
    big[sizeof big - 1] = 2;
    _exit(big[0] + big[sizeof big - 1] == 3 ? 0 : 1);
}

int main(void)
{
    t_init();
    t_expect_child("recursion through 1 MiB of stack", one_mib, 0, "exited 0");
    t_expect_child("a 96 KiB stack array", below_sp, 0, "exited 0");
    t_expect_child("unbounded recursion", forever, 0, "killed by SIGSEGV");
    t_expect_child("unbounded recursion again", forever, 0, "killed by SIGSEGV");
    t_expect_err("no children left", wait4(-1, NULL, 0, NULL), ECHILD);
    return t_done();
}
