/* Periodic timer: PIT channel 0 at TIMER_HZ on IRQ 0, counting ticks. */
#ifndef ARCH_TIMER_H
#define ARCH_TIMER_H

#include <stdint.h>

#define TIMER_HZ 100u
/* Nanoseconds between two ticks. */
#define TIMER_NS_PER_TICK (1000000000ull / TIMER_HZ)

/* Programs the PIT for TIMER_HZ and unmasks IRQ 0 (ticks start once
 * interrupts are enabled). */
void timer_init(void);
/* Number of timer interrupts since timer_init. */
uint64_t timer_ticks(void);
/* IRQ 0 handler. */
void timer_irq(void);

#endif
