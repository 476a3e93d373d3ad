/* Extends the boot direct map (physical 0..4 GiB) over usable RAM above
 * 4 GiB with 2 MiB pages. Page directories come from a static reserve in
 * .bss, never from the frame pool, so the pool's proofs are unaffected. */
#include "arch/directmap.h"
#include "arch/memlayout.h"
#include "arch/cpu.h"
#include "lib/string.h"

#define GIB            (1ull << 30)
#define PAGE_2M        (2ull << 20)
#define PTE_P          1ull
#define PTE_W          2ull
#define PTE_PS         0x80ull
#define PTE_ADDR_MASK  0x000FFFFFFFFFF000ull
#define BOOT_GIB       (DIRECT_MAP_SIZE / GIB)          /* mapped by the boot stub */
#define EXTRA_PDS      (DIRECT_MAP_MAX / GIB - BOOT_GIB)

static uint64_t extra_pds[EXTRA_PDS][512] __attribute__((aligned(4096)));
static uint64_t mapped_end = DIRECT_MAP_SIZE;

/* The direct map's PDPT (PML4[256]), reached through the kernel window. */
static uint64_t *directmap_pdpt(void)
{
    return phys_to_virt(boot_pml4[256] & PTE_ADDR_MASK);
}

/* Maps the 1 GiB slot g (g >= BOOT_GIB) if it is not mapped yet. */
static void directmap_map_gib(uint64_t *pdpt, uint64_t g)
{
    if (pdpt[g] & PTE_P)
        return;
    uint64_t *pd = extra_pds[g - BOOT_GIB];
    for (uint64_t i = 0; i < 512; i++)
        pd[i] = (g * GIB + i * PAGE_2M) | PTE_P | PTE_W | PTE_PS;
    pdpt[g] = kernel_virt_to_phys(pd) | PTE_P | PTE_W;
}

uint64_t directmap_init(const struct boot_info *bi)
{
    uint64_t *pdpt = directmap_pdpt();
    uint64_t top = 0;
    for (uint32_t i = 0; i < bi->n_regions; i++) {
        const struct boot_region *r = &bi->regions[i];
        if (r->type != BOOT_REGION_USABLE || r->len == 0)
            continue;
        uint64_t end = r->base + r->len;
        if (end > DIRECT_MAP_MAX)
            end = DIRECT_MAP_MAX;
        if (end <= r->base)
            continue;
        for (uint64_t g = r->base / GIB; g < (end + GIB - 1) / GIB; g++)
            if (g >= BOOT_GIB)
                directmap_map_gib(pdpt, g);
        if (end > top)
            top = end;
    }
    if (top > mapped_end)
        mapped_end = (top + GIB - 1) / GIB * GIB;
    write_cr3(read_cr3());
    return top;
}

bool directmap_covers(uint64_t p, uint64_t len)
{
    if (p >= mapped_end || len > mapped_end - p)
        return false;
    if (p < DIRECT_MAP_SIZE && len <= DIRECT_MAP_SIZE - p)
        return true;
    uint64_t *pdpt = directmap_pdpt();
    for (uint64_t g = p / GIB; g <= (p + len - 1) / GIB; g++)
        if (!(pdpt[g] & PTE_P))
            return false;
    return true;
}
