/* Out-of-line CPU helpers: feature bits, halting for good and the QEMU exit port. */
#include "arch/cpu.h"
#include "arch/qemu_exit.h"

int cpu_has_erms(void)
{
    uint32_t r[4];
    cpuid(0, 0, r);
    if (r[0] < 7)
        return 0;
    cpuid(7, 0, r);
    return (r[1] >> 9) & 1;
}

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
