/* TSC clock calibrated against PIT channel 2 (see arch/clock.h). */
#include "arch/clock.h"
#include "arch/timer.h"
#include "arch/cpu.h"

#define PIT_CH2       0x42
#define PIT_CMD       0x43
#define PORT_B        0x61        /* bit 0: channel 2 gate, bit 1: speaker, bit 5: channel 2 output */
#define PIT_BASE_HZ   1193182u
#define NS_PER_S      1000000000ull
#define MIN_TSC_HZ    10000000ull
#define MAX_TSC_HZ    100000000000ull
/* Polls of port 0x61 before calibration gives up: far more than 10 ms of
 * port reads take on real hardware or under QEMU. */
#define MAX_POLLS     100000000u

static uint64_t tsc_start;
static uint64_t tsc_hz;
/* ns per TSC cycle, as a 32.32 fixed-point number. */
static uint64_t ns_per_cycle_q32;

/* TSC cycles while PIT channel 2 counts CLOCK_CALIBRATE_PIT_COUNTS down in
 * mode 0 (its output rises at 0), or 0 if the output never rises. */
static uint64_t clock_measure_tsc(void)
{
    outb(PORT_B, (uint8_t)((inb(PORT_B) & ~0x02) | 0x01));   /* gate on, speaker off */
    outb(PIT_CMD, 0xB0);                                     /* channel 2, lo/hi byte, mode 0 */
    outb(PIT_CH2, CLOCK_CALIBRATE_PIT_COUNTS & 0xFF);
    outb(PIT_CH2, (CLOCK_CALIBRATE_PIT_COUNTS >> 8) & 0xFF);
    uint64_t t0 = rdtsc();
    for (uint32_t i = 0; i < MAX_POLLS; i++)
        if (inb(PORT_B) & 0x20)
            return rdtsc() - t0;
    return 0;
}

void clock_init(void)
{
    uint64_t cycles = clock_measure_tsc();
    uint64_t hz = cycles * PIT_BASE_HZ / CLOCK_CALIBRATE_PIT_COUNTS;
    tsc_start = rdtsc();
    if (cycles == 0 || hz < MIN_TSC_HZ || hz > MAX_TSC_HZ)
        return;                              /* tsc_hz stays 0: ticks */
    tsc_hz = hz;
    ns_per_cycle_q32 = (NS_PER_S << 32) / hz;   /* NS_PER_S << 32 < 2^62 */
}

uint64_t clock_ns(void)
{
    if (tsc_hz == 0)
        return timer_ticks() * TIMER_NS_PER_TICK;
    unsigned __int128 d = rdtsc() - tsc_start;
    return (uint64_t)((d * ns_per_cycle_q32) >> 32);
}

uint64_t clock_tsc_hz(void)
{
    return tsc_hz;
}
