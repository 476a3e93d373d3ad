/* Boot glue between the loader's memory map and the proven frame pool. */
#ifndef KERNEL_MM_BOOT_H
#define KERNEL_MM_BOOT_H

#include <stdint.h>
#include "kernel/bootinfo.h"

/* pmm_init(), then frees every pool frame that lies wholly in usable RAM and
 * overlaps neither the kernel image, a module nor the multiboot2 info.
 * Returns pmm_free_count(). */
uint32_t mm_boot_init(const struct boot_info *bi);

#endif
