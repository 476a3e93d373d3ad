/* Preemption: two CPU-bound children that never block or yield both make
 * progress in each third of a 1.5 s window. Without a timer-driven switch
 * one would spin through the whole window and the other would start after
 * it. Each child exits with a bit per third in which it ran. */
#include "t.h"

#define WINDOW_NS (1500LL * 1000000LL)

static void spinner(long long start)
{
    int thirds = 0;
    volatile unsigned long work = 0;
    while (t_now_ns() < start)
        work++;
    for (;;) {
        for (int i = 0; i < 20000; i++)
            work += (unsigned long)i * 2654435761UL;
        long long now = t_now_ns() - start;
        if (now >= WINDOW_NS)
            break;
        thirds |= 1 << (now * 3 / WINDOW_NS);
    }
    _exit(thirds);
}

int main(void)
{
    t_init();
    long long start = t_now_ns() + 200LL * 1000000LL;   /* both forked before it */
    pid_t a = t_fork();
    if (a == 0)
        spinner(start);
    pid_t b = t_fork();
    if (b == 0)
        spinner(start);
    int sa = t_wait(a), sb = t_wait(b);
    t_check("first child ran in all three thirds", sa != -1 && WIFEXITED(sa) && WEXITSTATUS(sa) == 7);
    t_check("second child ran in all three thirds", sb != -1 && WIFEXITED(sb) && WEXITSTATUS(sb) == 7);
    if (sa == -1 || sb == -1 || !WIFEXITED(sa) || !WIFEXITED(sb) || WEXITSTATUS(sa) != 7 || WEXITSTATUS(sb) != 7)
        fprintf(stderr, "preempt: first %s", t_status(sa)),
        fprintf(stderr, ", second %s (status bits: thirds run)\n", t_status(sb));
    return t_done();
}
