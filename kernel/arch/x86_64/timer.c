/* PIT (8253/8254) channel 0 in rate-generator mode: TIMER_HZ interrupts/s. */
#include "arch/timer.h"
#include "arch/pic.h"
#include "arch/cpu.h"

#define PIT_CH0     0x40
#define PIT_CMD     0x43
#define PIT_BASE_HZ 1193182u

static volatile uint64_t ticks;

void timer_init(void)
{
    uint32_t divisor = (PIT_BASE_HZ + TIMER_HZ / 2) / TIMER_HZ;
    outb(PIT_CMD, 0x34);                      /* channel 0, lo/hi byte, mode 2 */
    outb(PIT_CH0, divisor & 0xFF);
    outb(PIT_CH0, (divisor >> 8) & 0xFF);
    pic_unmask(IRQ_TIMER);
}

uint64_t timer_ticks(void)
{
    return ticks;
}

void timer_irq(void)
{
    ticks++;
}
