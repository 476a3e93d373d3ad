/* GDT with flat 64-bit kernel and user segments, plus one TSS whose RSP0 and
 * IST1 (double fault) point at stacks in .bss. */
#include <stdint.h>
#include "arch/gdt.h"

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct tss) == 104, "TSS layout");

#define STACK_SIZE 16384

static uint8_t rsp0_stack[STACK_SIZE] __attribute__((aligned(16)));
static uint8_t double_fault_stack[STACK_SIZE] __attribute__((aligned(16)));
static struct tss tss;

static uint64_t gdt[7] __attribute__((aligned(16))) = {
    0,
    0x00AF9A000000FFFFull,   /* 0x08 kernel code: 64-bit, DPL 0 */
    0x00CF92000000FFFFull,   /* 0x10 kernel data */
    0x00CFF2000000FFFFull,   /* 0x18 user data, DPL 3 */
    0x00AFFA000000FFFFull,   /* 0x20 user code: 64-bit, DPL 3 */
    0, 0,                    /* 0x28 TSS (16-byte system descriptor) */
};

struct __attribute__((packed)) gdt_ptr {
    uint16_t limit;
    uint64_t base;
};

/* Encodes the 16-byte available-64-bit-TSS descriptor for tss. */
static void gdt_set_tss_descriptor(void)
{
    uint64_t base = (uint64_t)&tss;
    uint64_t limit = sizeof tss - 1;
    gdt[5] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ull << 40) |
             (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
    gdt[6] = base >> 32;
}

/* Loads GDTR, reloads CS with a far return, then the data segments and TR. */
static void gdt_load(void)
{
    struct gdt_ptr p = { sizeof gdt - 1, (uint64_t)gdt };
    __asm__ volatile(
        "lgdt %0\n\t"
        "pushq %1\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "movw %w2, %%ax\n\t"
        "movw %%ax, %%ds\n\t"
        "movw %%ax, %%es\n\t"
        "movw %%ax, %%ss\n\t"
        "xorl %%eax, %%eax\n\t"
        "movw %%ax, %%fs\n\t"
        "movw %%ax, %%gs\n\t"
        "movw %w3, %%ax\n\t"
        "ltr %%ax"
        :
        : "m"(p), "i"(GDT_KERNEL_CODE), "i"(GDT_KERNEL_DATA), "i"(GDT_TSS)
        : "rax", "memory");
}

void gdt_init(void)
{
    tss.rsp[0] = (uint64_t)(rsp0_stack + STACK_SIZE);
    tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)(double_fault_stack + STACK_SIZE);
    tss.iomap_base = sizeof tss;          /* no I/O bitmap */
    gdt_set_tss_descriptor();
    gdt_load();
}

void gdt_set_rsp0(uint64_t rsp0)
{
    tss.rsp[0] = rsp0;
}
