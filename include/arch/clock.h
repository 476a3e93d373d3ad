/* The kernel's clock: nanoseconds since boot read from the TSC, whose rate is
 * measured against PIT channel 2 at boot. Unlike the tick count of
 * arch/timer.h it does not depend on interrupts, so it keeps counting while
 * a long system call runs with interrupts off. */
#ifndef ARCH_CLOCK_H
#define ARCH_CLOCK_H

#include <stdint.h>

/* Measures the TSC's rate over CLOCK_CALIBRATE_PIT_COUNTS of the PIT's
 * 1,193,182 Hz (10 ms) with channel 2, and starts the clock at 0. Uses
 * channel 2 and port 0x61 only (not channel 0, the timer); call once, with
 * interrupts off, before anything reads the clock. If the measurement fails
 * (channel 2 never counts down, or the rate is outside 10 MHz..100 GHz),
 * clock_ns falls back to the timer's ticks. */
void clock_init(void);
/* Nanoseconds since clock_init; never decreases (one CPU). */
uint64_t clock_ns(void);
/* The measured TSC rate in Hz, or 0 when the clock runs on the timer's ticks. */
uint64_t clock_tsc_hz(void);

#define CLOCK_CALIBRATE_PIT_COUNTS 11932u

#endif
