/* Serial ports COM1..COM3: polled transmit on each, interrupt-driven receive
 * on COM1 into a ring buffer (one producer, the IRQ handler; one consumer,
 * serial_getc). The kernel log goes to one selectable port (default COM1). */
#include <stdint.h>
#include <stddef.h>
#include "arch/serial.h"
#include "arch/cpu.h"

#define COM1       0x3F8
#define COM2       0x2F8
#define COM3       0x3E8
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

static const uint16_t port_base[SERIAL_PORTS + 1] = { 0, COM1, COM2, COM3 };
static int log_port = SERIAL_COM1;

/* Programs one UART: 115200 8N1, FIFOs on; receive interrupt if irq. */
static void serial_port_init(uint16_t base, int irq)
{
    outb(base + UART_IER, 0x00);
    outb(base + UART_LCR, 0x80);          /* DLAB: divisor follows */
    outb(base + UART_DATA, 1);            /* 115200 / 1 */
    outb(base + UART_IER, 0);
    outb(base + UART_LCR, 0x03);          /* 8N1 */
    outb(base + UART_FCR, 0xC7);          /* FIFOs on, cleared, 14-byte trigger */
    outb(base + UART_MCR, 0x0B);          /* DTR, RTS, OUT2 (routes the IRQ) */
    outb(base + UART_IER, irq ? 0x01 : 0x00);   /* interrupt on received data */
}

void serial_init(void)
{
    serial_port_init(COM1, 1);
    serial_port_init(COM2, 0);
    serial_port_init(COM3, 0);
}

/* Waits for room in port's transmitter, then sends c as is. A port that
 * does not exist reads LSR as 0xFF (THR empty), so the write is lost, not
 * stuck. */
static void serial_port_put_raw(int port, char c)
{
    uint16_t base = port_base[port];
    while (!(inb(base + UART_LSR) & LSR_THR_EMPTY))
        ;
    outb(base + UART_DATA, (uint8_t)c);
}

void serial_port_write(int port, const char *buf, size_t n, bool crlf)
{
    if (port < SERIAL_COM1 || port > SERIAL_PORTS)
        return;
    for (size_t i = 0; i < n; i++) {
        if (crlf && buf[i] == '\n')
            serial_port_put_raw(port, '\r');
        serial_port_put_raw(port, buf[i]);
    }
}

void serial_set_log_port(int port)
{
    if (port >= SERIAL_COM1 && port <= SERIAL_PORTS)
        log_port = port;
}

int serial_log_port(void)
{
    return log_port;
}

void serial_putc(char c)
{
    if (c == '\n')
        serial_port_put_raw(log_port, '\r');
    serial_port_put_raw(log_port, c);
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
