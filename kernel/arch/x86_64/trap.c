/* trap_dispatch: IRQs go to their drivers (a timer tick in user mode also
 * asks for preemption); an exception in user mode goes to the process layer
 * (task_user_fault: stack growth or the Linux signal); an exception in
 * kernel mode is a kernel bug, so it is reported in full (vector, name,
 * error code, RIP, CR2, registers), QEMU is told QEMU_EXIT_KERNEL_FAULT, and
 * the CPU halts. */
#include <stdbool.h>
#include "arch/trap.h"
#include "arch/cpu.h"
#include "arch/pic.h"
#include "arch/timer.h"
#include "arch/serial.h"
#include "arch/qemu_exit.h"
#include "lib/kprintf.h"
#include "proc/task.h"

static const char *const exception_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
    "#OF overflow", "#BR bound range exceeded", "#UD invalid opcode",
    "#NM device not available", "#DF double fault",
    "coprocessor segment overrun", "#TS invalid TSS", "#NP segment not present",
    "#SS stack-segment fault", "#GP general protection", "#PF page fault",
    "reserved (15)", "#MF x87 floating-point", "#AC alignment check",
    "#MC machine check", "#XM SIMD floating-point", "#VE virtualization",
    "#CP control protection", "reserved (22)", "reserved (23)",
    "reserved (24)", "reserved (25)", "reserved (26)", "reserved (27)",
    "#HV hypervisor injection", "#VC VMM communication", "#SX security",
    "reserved (31)",
};

const char *trap_name(uint64_t v)
{
    return v < 32 ? exception_names[v] : "interrupt";
}

/* Prints the whole fault report; the test harness parses the first line. */
static void trap_report(const struct trap_frame *tf)
{
    kprintf("\nKERNEL FAULT: vector=%lu (%s) error=0x%lx rip=0x%lx cr2=0x%lx\n",
            tf->vector, trap_name(tf->vector), tf->error, tf->rip, read_cr2());
    kprintf("  cs=0x%lx rflags=0x%lx rsp=0x%lx ss=0x%lx cr3=0x%lx\n",
            tf->cs, tf->rflags, tf->rsp, tf->ss, read_cr3());
    kprintf("  rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n",
            tf->rax, tf->rbx, tf->rcx, tf->rdx);
    kprintf("  rsi=%016lx rdi=%016lx rbp=%016lx r8 =%016lx\n",
            tf->rsi, tf->rdi, tf->rbp, tf->r8);
    kprintf("  r9 =%016lx r10=%016lx r11=%016lx r12=%016lx\n",
            tf->r9, tf->r10, tf->r11, tf->r12);
    kprintf("  r13=%016lx r14=%016lx r15=%016lx\n", tf->r13, tf->r14, tf->r15);
}

/* Reports the fault, tells QEMU QEMU_EXIT_KERNEL_FAULT, halts for good. */
static void trap_fatal(const struct trap_frame *tf)
{
    trap_report(tf);
    kprintf("halted.\n");
    qemu_exit(QEMU_EXIT_KERNEL_FAULT);
    cpu_halt_forever();
}

/* Acknowledges PIC line irq and runs its driver (nothing for a spurious one). */
static void trap_irq(uint8_t irq)
{
    if (!pic_eoi(irq))
        return;                 /* spurious */
    if (irq == IRQ_TIMER)
        timer_irq();
    else if (irq == IRQ_COM1)
        serial_irq();
}

void trap_dispatch(struct trap_frame *tf)
{
    bool from_user = (tf->cs & 3) != 0;
    if (tf->vector < 32) {
        if (from_user)
            task_user_fault(tf);
        else
            trap_fatal(tf);
    } else if (tf->vector < TRAP_STUBS) {
        trap_irq((uint8_t)(tf->vector - TRAP_IRQ_BASE));
        if (from_user && tf->vector == TRAP_IRQ_BASE + IRQ_TIMER)
            sched_tick_from_user();
    }
}
