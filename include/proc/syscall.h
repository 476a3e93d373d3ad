/* System calls: Linux x86_64 numbers and semantics (docs/syscalls.md). */
#ifndef ISOLA_PROC_SYSCALL_H
#define ISOLA_PROC_SYSCALL_H

#include <stdint.h>
#include "arch/trap.h"

/* Called by syscall_entry with the caller's frame: rax = number, arguments
 * in rdi, rsi, rdx, r10, r8, r9; the result (or -errno) goes to rax. */
void syscall_dispatch(struct trap_frame *tf);
/* Boot: the RTC's wall-clock time (for CLOCK_REALTIME) and the number of
 * usable pool frames (sysinfo totalram). */
void syscall_init(uint64_t boot_epoch_seconds, uint32_t total_frames);

#endif
