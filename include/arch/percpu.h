/* The per-CPU block the syscall entry reaches through swapgs (GS base in
 * kernel mode), and the user-mode CPU setup: syscall MSRs, SSE state. */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include <stdint.h>

/* Field offsets are fixed: kernel/arch/x86_64/syscall.asm uses them. */
struct percpu {
    uint64_t kstack_top;     /* 0: kernel stack of the current process */
    uint64_t user_rsp;       /* 8: scratch for the user rsp at syscall entry */
};

extern struct percpu percpu;

#define FPU_STATE_SIZE 512   /* fxsave area */

/* Enables syscall/sysret (EFER.SCE, STAR, LSTAR, FMASK), the GS bases for
 * swapgs, and SSE for user code (CR0.MP, CR4.OSFXSR|OSXMMEXCPT); records a
 * clean FPU/SSE state for new programs. */
void cpu_user_init(void);
/* The kernel stack the next entry from user mode uses (TSS RSP0 and the
 * syscall entry). */
void cpu_set_kernel_stack(uint64_t top);
/* FS base of user mode (arch_prctl ARCH_SET_FS); va must be canonical. */
void cpu_set_fs_base(uint64_t va);
/* Save / restore the FPU and SSE registers (16-byte aligned area). */
void cpu_fpu_save(uint8_t *area);
void cpu_fpu_restore(const uint8_t *area);
/* A clean FPU/SSE state (fninit, MXCSR default), as for a new program. */
void cpu_fpu_clean(uint8_t *area);

#endif
