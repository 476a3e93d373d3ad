/* COM1 console: 115200 8N1. Output is polled (works with interrupts off, from
 * any context); input arrives by IRQ 4 into a small ring buffer. */
#ifndef ARCH_SERIAL_H
#define ARCH_SERIAL_H

#include <stdbool.h>

/* Programs COM1 (115200 8N1, FIFOs on, receive interrupt enabled in the UART).
 * Input only flows once pic_unmask(IRQ_COM1) and interrupts are on. */
void serial_init(void);
/* Sends c; '\n' is sent as "\r\n". */
void serial_putc(char c);
void serial_write(const char *s);
/* Next received byte, or -1 if none is waiting. */
int serial_getc(void);
/* IRQ 4 handler: moves every waiting byte into the ring (drops on overflow). */
void serial_irq(void);

#endif
