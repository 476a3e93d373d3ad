/* Legacy 8259 PIC pair, remapped to vectors 32..47, every line masked until
 * pic_unmask. */
#ifndef ARCH_PIC_H
#define ARCH_PIC_H

#include <stdint.h>

#define IRQ_TIMER 0
#define IRQ_COM1  4

void pic_init(void);
void pic_unmask(uint8_t irq);
/* Acknowledges irq; true unless it was a spurious IRQ 7/15 (then no EOI is due
 * to the PIC that raised it and the handler must not run). */
int pic_eoi(uint8_t irq);

#endif
