/* 8259A PIC: remap (ICW1..ICW4), masking, end of interrupt, spurious IRQs. */
#include "arch/pic.h"
#include "arch/cpu.h"
#include "arch/trap.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xA0
#define PIC2_DATA 0xA1
#define PIC_EOI   0x20
#define PIC_READ_ISR 0x0B

/* A write to the unused port 0x80: gives an old PIC time between commands. */
static void io_wait(void)
{
    outb(0x80, 0);
}

void pic_init(void)
{
    outb(PIC1_CMD, 0x11);  io_wait();          /* ICW1: init, ICW4 follows */
    outb(PIC2_CMD, 0x11);  io_wait();
    outb(PIC1_DATA, TRAP_IRQ_BASE);  io_wait();   /* ICW2: vector offsets */
    outb(PIC2_DATA, TRAP_IRQ_BASE + 8);  io_wait();
    outb(PIC1_DATA, 0x04);  io_wait();         /* ICW3: slave on IRQ 2 */
    outb(PIC2_DATA, 0x02);  io_wait();
    outb(PIC1_DATA, 0x01);  io_wait();         /* ICW4: 8086 mode */
    outb(PIC2_DATA, 0x01);  io_wait();
    outb(PIC1_DATA, 0xFB);                     /* all masked but the cascade */
    outb(PIC2_DATA, 0xFF);
}

void pic_unmask(uint8_t irq)
{
    uint16_t port = irq < 8 ? PIC1_DATA : PIC2_DATA;
    outb(port, inb(port) & (uint8_t)~(1u << (irq % 8)));
}

/* True iff irq is really in service (false for a spurious IRQ 7 or 15). */
static int pic_in_service(uint8_t irq)
{
    uint16_t cmd = irq < 8 ? PIC1_CMD : PIC2_CMD;
    outb(cmd, PIC_READ_ISR);
    return (inb(cmd) >> (irq % 8)) & 1;
}

int pic_eoi(uint8_t irq)
{
    if ((irq == 7 || irq == 15) && !pic_in_service(irq)) {
        if (irq == 15)
            outb(PIC1_CMD, PIC_EOI);           /* the master did see IRQ 2 */
        return 0;
    }
    if (irq >= 8)
        outb(PIC2_CMD, PIC_EOI);
    outb(PIC1_CMD, PIC_EOI);
    return 1;
}
