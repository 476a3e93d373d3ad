/* Serial ports: COM1 is the console (input by IRQ 4 into a small ring
 * buffer), COM2/COM3 are output-only. Output is polled (works with
 * interrupts off, from any context). The kernel log (serial_putc, kprintf,
 * panic) goes to the log port, COM1 unless klog=com2 moved it. */
#ifndef ARCH_SERIAL_H
#define ARCH_SERIAL_H

#include <stdbool.h>
#include <stddef.h>

#define SERIAL_COM1  1
#define SERIAL_COM2  2
#define SERIAL_COM3  3
#define SERIAL_PORTS 3

/* Programs COM1..COM3 (115200 8N1, FIFOs on, receive interrupt enabled in
 * COM1's UART). Input only flows once pic_unmask(IRQ_COM1) and interrupts are on. */
void serial_init(void);
/* Sends n bytes of buf to port (SERIAL_COM1..3; others ignored); with crlf,
 * '\n' goes out as "\r\n". */
void serial_port_write(int port, const char *buf, size_t n, bool crlf);
/* Moves the kernel log to port (SERIAL_COM1..3; others ignored). */
void serial_set_log_port(int port);
int serial_log_port(void);
/* Sends c to the kernel log port; '\n' is sent as "\r\n". */
void serial_putc(char c);
void serial_write(const char *s);
/* Next received byte, or -1 if none is waiting. */
int serial_getc(void);
/* IRQ 4 handler: moves every waiting byte into the ring (drops on overflow). */
void serial_irq(void);

#endif
