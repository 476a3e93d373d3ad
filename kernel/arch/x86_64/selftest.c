/* Self-tests of the architecture layer: the timer ticks, and deliberate
 * kernel-mode #UD, #PF, #DE and #DF are caught and reported by trap_dispatch,
 * and serial input arrives through IRQ 4. */
#include "kernel/selftest.h"
#include "arch/timer.h"
#include "arch/clock.h"
#include "arch/cpu.h"
#include "arch/serial.h"
#include "lib/string.h"
#include "arch/directmap.h"
#include "arch/memlayout.h"
#include "lib/kprintf.h"
#include "arch/rtc.h"

/* Waits until the RTC's seconds register changes: halting between reads
 * with interrupts on (halt), or spinning with interrupts as they are. */
static void rtc_wait_next_second(bool halt)
{
    uint8_t s = rtc_seconds_raw();
    while (rtc_seconds_raw() == s)
        if (halt)
            cpu_sti_hlt();
}

/* The tick count seen right after the RTC's next second begins. */
static uint64_t timer_ticks_at_next_second(void)
{
    rtc_wait_next_second(true);
    return timer_ticks();
}

/* Counts timer ticks during one RTC second (an independent clock) and passes
 * if that is within 30 % of TIMER_HZ; then also prints when a further
 * SELFTEST_TIMER_TICKS ticks have passed, for the harness's wall clock. */
bool selftest_timer(void)
{
    uint64_t t0 = timer_ticks_at_next_second();
    uint64_t t1 = timer_ticks_at_next_second();
    uint64_t per_second = t1 - t0;
    kprintf("selftest timer: %lu ticks in one RTC second (expected %u)\n",
            per_second, TIMER_HZ);
    uint64_t start = timer_ticks();
    kprintf("selftest timer: start ticks=%lu\n", start);
    while (timer_ticks() < start + SELFTEST_TIMER_TICKS)
        cpu_sti_hlt();
    kprintf("selftest timer: %u ticks elapsed (ticks=%lu)\n",
            SELFTEST_TIMER_TICKS, timer_ticks());
    return per_second * 10 >= TIMER_HZ * 7 && per_second * 10 <= TIMER_HZ * 13;
}

/* The clock must not depend on interrupts: with them off for one RTC second,
 * clock_ns advances by that second (within 5 %) while the timer's ticks,
 * counted by its interrupt, stand still. */
bool selftest_clock(void)
{
    cpu_cli();
    rtc_wait_next_second(false);
    uint64_t n0 = clock_ns(), k0 = timer_ticks();
    rtc_wait_next_second(false);
    uint64_t n1 = clock_ns(), k1 = timer_ticks();
    cpu_sti();
    kprintf("selftest clock: TSC %lu Hz; one RTC second with interrupts off: "
            "%lu ns of clock, %lu timer ticks\n", clock_tsc_hz(), n1 - n0, k1 - k0);
    return clock_tsc_hz() != 0 && n1 - n0 >= 950000000ull && n1 - n0 <= 1050000000ull &&
           k1 == k0;
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

/* Reads one line through the IRQ-fed ring (serial_getc never polls the UART)
 * and passes iff it is "ping". Gives up after 10 s of timer ticks. */
bool selftest_serial_input(void)
{
    char line[32];
    size_t n = 0;
    uint64_t deadline = timer_ticks() + 10 * TIMER_HZ;
    kprintf("selftest serial: ready for a line\n");
    while (timer_ticks() < deadline) {
        int c = serial_getc();
        if (c < 0) {
            cpu_sti_hlt();
        } else if (c == '\r' || c == '\n') {
            line[n] = '\0';
            kprintf("selftest serial: received '%s'\n", line);
            return strcmp(line, "ping") == 0;
        } else if (n < sizeof line - 1) {
            line[n++] = (char)c;
        }
    }
    kprintf("selftest serial: no line within 10 s\n");
    return false;
}

/* Reads the first and last word of every usable region below DIRECT_MAP_MAX
 * through the direct map; a missing mapping faults (and the test fails). */
bool selftest_direct_map(const struct boot_info *bi)
{
    for (uint32_t i = 0; i < bi->n_regions; i++) {
        const struct boot_region *r = &bi->regions[i];
        if (r->type != BOOT_REGION_USABLE || r->len < 8 || r->base >= DIRECT_MAP_MAX)
            continue;
        uint64_t last = r->base + r->len - 8;
        if (last >= DIRECT_MAP_MAX)
            last = DIRECT_MAP_MAX - 8;
        if (!directmap_covers(r->base, last + 8 - r->base)) {
            kprintf("selftest dmap: 0x%lx-0x%lx not covered\n", r->base, last + 8);
            return false;
        }
        (void)*(volatile uint64_t *)phys_to_virt(r->base);
        (void)*(volatile uint64_t *)phys_to_virt(last);
        kprintf("selftest dmap: read 0x%lx and 0x%lx\n", r->base, last);
    }
    return true;
}
