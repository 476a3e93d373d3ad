/* Exit codes the kernel writes to QEMU's isa-debug-exit port (0xf4).
 * QEMU then exits with status (code << 1) | 1, so the harness sees 33, 35, ...
 * On real hardware port 0xf4 is unused and the write is harmless.
 * This file is also turned into build/gen/qemu_exit.inc for the NASM boot code
 * (every "#define QEMU_..." line becomes "%define QEMU_..."), so keep it to
 * plain #define lines plus the prototype. */
#ifndef ARCH_QEMU_EXIT_H
#define ARCH_QEMU_EXIT_H

#define QEMU_EXIT_PORT            0xf4
#define QEMU_EXIT_PASS            0x10  /* self-test passed          -> status 33 */
#define QEMU_EXIT_FAIL            0x11  /* self-test failed          -> status 35 */
#define QEMU_EXIT_KERNEL_FAULT    0x12  /* kernel exception / panic  -> status 37 */
#define QEMU_EXIT_UNSUPPORTED     0x13  /* boot stub refused the CPU or loader -> status 39 */

#ifndef __ASSEMBLER__
#include <stdint.h>
/* Asks QEMU to exit with status (code << 1) | 1; returns if no such device. */
void qemu_exit(uint8_t code);
#endif

#endif
