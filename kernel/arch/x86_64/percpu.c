/* syscall/sysret MSRs, swapgs bases, SSE enablement and FPU state save for
 * user mode. */
#include <stdint.h>
#include "arch/percpu.h"
#include "arch/cpu.h"
#include "arch/gdt.h"
#include "lib/string.h"

#define MSR_EFER           0xC0000080u
#define MSR_STAR           0xC0000081u
#define MSR_LSTAR          0xC0000082u
#define MSR_FMASK          0xC0000084u
#define MSR_FS_BASE        0xC0000100u
#define MSR_GS_BASE        0xC0000101u
#define MSR_KERNEL_GS_BASE 0xC0000102u
#define EFER_SCE           1u
#define RFLAGS_MASKED      0x44700u   /* TF, IF, DF, NT, AC cleared on syscall */

struct percpu percpu;
static uint8_t fpu_clean_state[FPU_STATE_SIZE] __attribute__((aligned(16)));

extern char syscall_entry[];

static void cpu_sse_enable(void)
{
    uint64_t cr0 = read_cr0();
    cr0 &= ~((1ull << 2) | (1ull << 3));     /* EM, TS off */
    cr0 |= 1ull << 1;                        /* MP */
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
    uint64_t cr4 = read_cr4();
    cr4 |= (1ull << 9) | (1ull << 10);       /* OSFXSR, OSXMMEXCPT */
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
}

void cpu_user_init(void)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    /* sysret: CS = 0x10 + 16 = 0x20 (|3), SS = 0x10 + 8 = 0x18 (|3);
     * syscall: CS = 0x08, SS = 0x10. */
    wrmsr(MSR_STAR, ((uint64_t)GDT_KERNEL_DATA << 48) | ((uint64_t)GDT_KERNEL_CODE << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    wrmsr(MSR_FMASK, RFLAGS_MASKED);
    wrmsr(MSR_GS_BASE, (uint64_t)&percpu);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
    cpu_sse_enable();
    __asm__ volatile("fninit");
    uint32_t mxcsr = 0x1F80;
    __asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
    cpu_fpu_save(fpu_clean_state);
}

void cpu_set_kernel_stack(uint64_t top)
{
    percpu.kstack_top = top;
    gdt_set_rsp0(top);
}

void cpu_set_fs_base(uint64_t va)
{
    wrmsr(MSR_FS_BASE, va);
}

void cpu_fpu_save(uint8_t *area)
{
    __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

void cpu_fpu_restore(const uint8_t *area)
{
    __asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

void cpu_fpu_clean(uint8_t *area)
{
    memcpy(area, fpu_clean_state, FPU_STATE_SIZE);
}
