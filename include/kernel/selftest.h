/* Boot self-tests, chosen with test=<name> on the kernel command line and
 * reported through isa-debug-exit (include/arch/qemu_exit.h). The fault tests
 * never return: the exception report is their result. */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/bootinfo.h"

#define SELFTEST_PF_ADDR    0x000000000DEAD000ull  /* unmapped once the identity map is gone */
#define SELFTEST_TIMER_TICKS 50u

/* Each returns true on success; fault tests do not return when they work. */
bool selftest_timer(void);
/* test=clock: one RTC second waited with interrupts off moves clock_ns by
 * 1 s (within 5 %) and the timer's ticks not at all. */
bool selftest_clock(void);
bool selftest_ud2(void);
bool selftest_page_fault(void);
bool selftest_divide_error(void);
bool selftest_double_fault(void);
bool selftest_serial_input(void);
bool selftest_direct_map(const struct boot_info *bi);
bool selftest_lib(void);
bool mm_boot_selftest(void);

/* Fault sites in selftest_faults.asm; the *_site labels mark the faulting
 * instruction, so the harness can compare them (nm) with the reported RIP. */
void selftest_do_ud2(void);
uint64_t selftest_do_read(uint64_t addr);
uint32_t selftest_do_divide(uint32_t dividend, uint32_t divisor);
void selftest_do_bad_stack(uint64_t rsp);

#endif
