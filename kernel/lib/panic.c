/* panic(): the one way out for "cannot happen" states. */
#include <stdarg.h>
#include "kernel/panic.h"
#include "lib/kprintf.h"
#include "arch/serial.h"
#include "arch/cpu.h"
#include "arch/qemu_exit.h"

static void panic_sink(char c, void *ctx)
{
    (void)ctx;
    serial_putc(c);
}

void panic(const char *fmt, ...)
{
    va_list ap;
    cpu_cli();
    serial_write("PANIC: ");
    va_start(ap, fmt);
    kvformat(panic_sink, 0, fmt, ap);
    va_end(ap);
    serial_write("\n");
    qemu_exit(QEMU_EXIT_KERNEL_FAULT);
    cpu_halt_forever();
}
