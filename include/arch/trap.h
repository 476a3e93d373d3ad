/* Interrupts and exceptions: the IDT, the register frame the entry stubs
 * (kernel/arch/x86_64/isr.asm) build, and the C dispatcher. */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include <stdint.h>

#define TRAP_DIVIDE        0
#define TRAP_INVALID_OP    6
#define TRAP_DOUBLE_FAULT  8
#define TRAP_GP            13
#define TRAP_PAGE_FAULT    14
#define TRAP_IRQ_BASE      32     /* PIC IRQ n arrives as vector 32 + n */
#define TRAP_STUBS         48     /* vectors 0..47 have entry stubs */

/* Saved by isr_common in this order; the CPU pushed rip..ss. */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};

/* Fills and loads the IDT: 32 exception gates (double fault on IST1) and
 * 16 PIC IRQ gates, all kernel-only interrupt gates. */
void idt_init(void);
/* Called by isr_common for every vector; an exception taken in kernel mode
 * prints a report and never returns. */
void trap_dispatch(struct trap_frame *tf);
/* Human-readable name of exception vector v (< 32), e.g. "#PF page fault". */
const char *trap_name(uint64_t v);

#endif
