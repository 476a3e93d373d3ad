/* The IDT: gates for the 32 exception vectors and the 16 PIC IRQs, each
 * pointing at its stub in isr.asm. */
#include <stdint.h>
#include "arch/trap.h"
#include "arch/gdt.h"

struct idt_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
} __attribute__((packed));

_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout");

#define GATE_INTERRUPT_DPL0 0x8E   /* present, DPL 0, 64-bit interrupt gate */
#define GATE_INTERRUPT_DPL3 0xEE   /* the same, reachable by int3 / into from user mode */
#define VEC_BREAKPOINT 3
#define VEC_OVERFLOW   4

extern const uint64_t isr_stub_table[TRAP_STUBS];
static struct idt_gate idt[256] __attribute__((aligned(16)));

/* Points vector v at handler through an interrupt gate (IF off on entry),
 * on IST stack ist (0: the current or RSP0 stack). Kernel-only, except #BP
 * and #OF, which user code raises with int3 / into (SIGTRAP, as on Linux). */
static void idt_set_gate(unsigned v, uint64_t handler, uint8_t ist)
{
    idt[v].offset_lo = handler & 0xFFFF;
    idt[v].selector = GDT_KERNEL_CODE;
    idt[v].ist = ist;
    idt[v].type_attr = (v == VEC_BREAKPOINT || v == VEC_OVERFLOW) ? GATE_INTERRUPT_DPL3
                                                                   : GATE_INTERRUPT_DPL0;
    idt[v].offset_mid = (handler >> 16) & 0xFFFF;
    idt[v].offset_hi = (uint32_t)(handler >> 32);
    idt[v].reserved = 0;
}

void idt_init(void)
{
    for (unsigned v = 0; v < TRAP_STUBS; v++)
        idt_set_gate(v, isr_stub_table[v], v == TRAP_DOUBLE_FAULT ? IST_DOUBLE_FAULT : 0);
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } p = { sizeof idt - 1, (uint64_t)idt };
    __asm__ volatile("lidt %0" : : "m"(p) : "memory");
}
