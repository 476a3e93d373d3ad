/* What the boot loader told us, copied out of the multiboot2 information so
 * nothing later depends on that memory: RAM regions, command line, modules,
 * and the physical ranges that must never be handed out as free frames. */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H

#include <stdint.h>
#include <stdbool.h>

#define BOOT_MAX_REGIONS  64
#define BOOT_MAX_MODULES  16
#define BOOT_CMDLINE_MAX  512
#define BOOT_MODNAME_MAX  64

#define BOOT_REGION_USABLE 1   /* multiboot2 / e820 type 1 */

struct boot_region {
    uint64_t base, len;        /* physical */
    uint32_t type;
};

struct boot_module {
    uint64_t start, end;       /* physical, end exclusive */
    char name[BOOT_MODNAME_MAX];   /* the module's command line, truncated */
};

struct boot_info {
    struct boot_region regions[BOOT_MAX_REGIONS];
    uint32_t n_regions;
    struct boot_module modules[BOOT_MAX_MODULES];
    uint32_t n_modules;
    char cmdline[BOOT_CMDLINE_MAX];
    uint64_t mbi_start, mbi_end;        /* physical range of the multiboot2 info */
    uint64_t kernel_start, kernel_end;  /* physical range of the loaded image */
    uint64_t usable_bytes;              /* sum of the usable regions */
    bool truncated;                     /* some region/module/cmdline did not fit */
};

/* Parses the multiboot2 information at physical mbi_phys into *bi.
 * Returns false (and leaves *bi empty) if magic is not the multiboot2 boot
 * magic or the information is not reachable through the direct map. */
bool mb2_parse(uint32_t magic, uint64_t mbi_phys, struct boot_info *bi);

#endif
