/* GDT and TSS. Selector layout is fixed so that syscall/sysret can be set up
 * later (STAR: kernel CS = 0x08, SS = 0x10; user SS = 0x18|3, CS = 0x20|3). */
#ifndef ARCH_GDT_H
#define ARCH_GDT_H

#include <stdint.h>

#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_USER_DATA   0x18   /* use with RPL 3: 0x1b */
#define GDT_USER_CODE   0x20   /* use with RPL 3: 0x23 */
#define GDT_TSS         0x28

#define IST_DOUBLE_FAULT 1     /* IDT IST index of the double-fault stack */

/* Loads the kernel GDT and the TSS (RSP0 = a kernel stack, IST1 = the
 * double-fault stack) and reloads every segment register. */
void gdt_init(void);
/* Sets the stack the CPU switches to on an interrupt from user mode. */
void gdt_set_rsp0(uint64_t rsp0);

#endif
