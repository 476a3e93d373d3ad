/* Out-of-line CPU helpers: halting for good and the QEMU exit port. */
#include "arch/cpu.h"
#include "arch/qemu_exit.h"

void cpu_halt_forever(void)
{
    for (;;) {
        cpu_cli();
        cpu_hlt();
    }
}

void qemu_exit(uint8_t code)
{
    outb(QEMU_EXIT_PORT, code);
}
