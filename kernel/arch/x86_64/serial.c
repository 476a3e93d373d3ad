/* COM1 driver: polled transmit, interrupt-driven receive into a ring buffer
 * (one producer, the IRQ handler; one consumer, serial_getc). */
#include <stdint.h>
#include "arch/serial.h"
#include "arch/cpu.h"

#define COM1       0x3F8
#define UART_DATA  0
#define UART_IER   1
#define UART_FCR   2
#define UART_LCR   3
#define UART_MCR   4
#define UART_LSR   5
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY  0x20

#define RX_SIZE 256u

static volatile uint8_t rx_buf[RX_SIZE];
static volatile uint32_t rx_head;   /* written by the IRQ handler */
static volatile uint32_t rx_tail;   /* written by serial_getc */

void serial_init(void)
{
    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, 0x80);          /* DLAB: divisor follows */
    outb(COM1 + UART_DATA, 1);            /* 115200 / 1 */
    outb(COM1 + UART_IER, 0);
    outb(COM1 + UART_LCR, 0x03);          /* 8N1 */
    outb(COM1 + UART_FCR, 0xC7);          /* FIFOs on, cleared, 14-byte trigger */
    outb(COM1 + UART_MCR, 0x0B);          /* DTR, RTS, OUT2 (routes the IRQ) */
    outb(COM1 + UART_IER, 0x01);          /* interrupt on received data */
}

/* Waits for room in the transmitter, then sends c as is. */
static void serial_put_raw(char c)
{
    while (!(inb(COM1 + UART_LSR) & LSR_THR_EMPTY))
        ;
    outb(COM1 + UART_DATA, (uint8_t)c);
}

void serial_putc(char c)
{
    if (c == '\n')
        serial_put_raw('\r');
    serial_put_raw(c);
}

void serial_write(const char *s)
{
    while (*s)
        serial_putc(*s++);
}

void serial_irq(void)
{
    while (inb(COM1 + UART_LSR) & LSR_DATA_READY) {
        uint8_t c = inb(COM1 + UART_DATA);
        uint32_t next = (rx_head + 1) % RX_SIZE;
        if (next != rx_tail) {
            rx_buf[rx_head] = c;
            rx_head = next;
        }
    }
}

int serial_getc(void)
{
    if (rx_tail == rx_head)
        return -1;
    int c = rx_buf[rx_tail];
    rx_tail = (rx_tail + 1) % RX_SIZE;
    return c;
}
