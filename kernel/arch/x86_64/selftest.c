/* Self-tests of the architecture layer: the timer ticks, and deliberate
 * kernel-mode #UD, #PF and #DE are caught and reported by trap_dispatch. */
#include "kernel/selftest.h"
#include "arch/timer.h"
#include "arch/cpu.h"
#include "lib/kprintf.h"

bool selftest_timer(void)
{
    uint64_t start = timer_ticks();
    kprintf("selftest timer: start ticks=%lu\n", start);
    while (timer_ticks() < start + SELFTEST_TIMER_TICKS)
        cpu_sti_hlt();
    kprintf("selftest timer: %u ticks elapsed (ticks=%lu)\n",
            SELFTEST_TIMER_TICKS, timer_ticks());
    return true;
}

bool selftest_ud2(void)
{
    kprintf("selftest ud2: executing ud2\n");
    selftest_do_ud2();
    return false;
}

bool selftest_page_fault(void)
{
    kprintf("selftest pf: reading 0x%lx\n", (unsigned long)SELFTEST_PF_ADDR);
    selftest_do_read(SELFTEST_PF_ADDR);
    return false;
}

bool selftest_divide_error(void)
{
    kprintf("selftest de: dividing by zero\n");
    selftest_do_divide(1, 0);
    return false;
}

bool selftest_double_fault(void)
{
    kprintf("selftest df: switching to unmapped stack 0x%lx\n", (unsigned long)SELFTEST_PF_ADDR);
    selftest_do_bad_stack(SELFTEST_PF_ADDR);
    return false;
}
