/* Fixed virtual memory layout of the kernel (see docs and boot/entry.asm).
 * Physical p < 2 GiB is at KERNEL_VMA + p (the -mcmodel=kernel window, where
 * the image and the frame pool live); physical p < DIRECT_MAP_SIZE is also at
 * DIRECT_MAP_BASE + p (2 MiB pages, kernel half, PML4[256]). */
#ifndef ARCH_MEMLAYOUT_H
#define ARCH_MEMLAYOUT_H

#include <stdint.h>

#define KERNEL_VMA        0xFFFFFFFF80000000ull
#define KERNEL_PHYS_BASE  0x100000ull
#define DIRECT_MAP_BASE   0xFFFF800000000000ull
#define DIRECT_MAP_SIZE   0x100000000ull          /* 4 GiB, mapped at boot */

/* The boot page-table root (boot/entry.asm, .bss, outside the frame pool).
 * After boot its entries 256..511 are the kernel half that every address
 * space shares; entries 0..255 are empty (the identity map is gone). */
extern uint64_t boot_pml4[512];

/* Linker-script symbols bounding the loaded image (virtual addresses). */
extern char __kernel_start[], __kernel_end[];

/* Pointer to physical address p through the direct map; p < DIRECT_MAP_SIZE. */
static inline void *phys_to_virt(uint64_t p)
{
    return (void *)(DIRECT_MAP_BASE + p);
}

/* Physical address of a kernel-image symbol. */
static inline uint64_t kernel_virt_to_phys(const void *v)
{
    return (uint64_t)v - KERNEL_VMA;
}

#endif
