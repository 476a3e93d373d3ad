/* panic: for states the proofs and checks exclude. Prints "PANIC: ...",
 * reports QEMU_EXIT_KERNEL_FAULT and halts; never returns. */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

__attribute__((noreturn, format(printf, 1, 2)))
void panic(const char *fmt, ...);

#endif
