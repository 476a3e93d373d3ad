/* The kernel direct map: physical p at DIRECT_MAP_BASE + p (2 MiB pages,
 * PML4[256]). The boot stub maps 0..4 GiB; directmap_init extends it over the
 * usable RAM above, up to DIRECT_MAP_MAX. */
#ifndef ARCH_DIRECTMAP_H
#define ARCH_DIRECTMAP_H

#include <stdint.h>
#include <stdbool.h>
#include "kernel/bootinfo.h"

#define DIRECT_MAP_MAX (32ull << 30)   /* 32 GiB: bounded by a static PD reserve */

/* Maps every usable region of bi (clipped to DIRECT_MAP_MAX) into the direct
 * map. Returns the end of the highest mapped usable byte. */
uint64_t directmap_init(const struct boot_info *bi);
/* True iff [p, p + len) is reachable through phys_to_virt. */
bool directmap_covers(uint64_t p, uint64_t len);

#endif
