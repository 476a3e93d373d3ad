/* Multiboot2 information parser: walks the tag list once and copies the
 * memory map, the command line and the modules into a struct boot_info. */
#include <stddef.h>
#include "kernel/bootinfo.h"
#include "arch/memlayout.h"
#include "lib/string.h"

#define MB2_BOOT_MAGIC     0x36D76289u
#define MB2_TAG_END        0
#define MB2_TAG_CMDLINE    1
#define MB2_TAG_MODULE     3
#define MB2_TAG_MMAP       6

struct mb2_tag {
    uint32_t type;
    uint32_t size;
};

struct mb2_tag_module {
    struct mb2_tag tag;
    uint32_t mod_start, mod_end;
    char string[];
};

struct mb2_tag_mmap {
    struct mb2_tag tag;
    uint32_t entry_size, entry_version;
};

struct mb2_mmap_entry {
    uint64_t base, len;
    uint32_t type, reserved;
};

/* Copies the NUL-terminated string of a tag, bounded by the tag's size. */
static bool mb2_copy_string(char *dst, size_t cap, const char *src, size_t max)
{
    size_t n = strnlen(src, max);
    size_t keep = n < cap - 1 ? n : cap - 1;
    memcpy(dst, src, keep);
    dst[keep] = '\0';
    return keep == n;
}

/* Appends the entries of a memory-map tag; sums the usable bytes. */
static void mb2_add_mmap(const struct mb2_tag_mmap *t, struct boot_info *bi)
{
    if (t->entry_size < sizeof(struct mb2_mmap_entry))
        return;
    const uint8_t *p = (const uint8_t *)(t + 1);
    const uint8_t *end = (const uint8_t *)t + t->tag.size;
    for (; p + t->entry_size <= end; p += t->entry_size) {
        const struct mb2_mmap_entry *e = (const void *)p;
        if (bi->n_regions == BOOT_MAX_REGIONS) {
            bi->truncated = true;
            return;
        }
        bi->regions[bi->n_regions++] = (struct boot_region){ e->base, e->len, e->type };
        if (e->type == BOOT_REGION_USABLE)
            bi->usable_bytes += e->len;
    }
}

/* Appends a module tag: physical range and command line. */
static void mb2_add_module(const struct mb2_tag_module *t, struct boot_info *bi)
{
    if (bi->n_modules == BOOT_MAX_MODULES) {
        bi->truncated = true;
        return;
    }
    struct boot_module *m = &bi->modules[bi->n_modules++];
    m->start = t->mod_start;
    m->end = t->mod_end;
    if (!mb2_copy_string(m->name, sizeof m->name, t->string, t->tag.size - sizeof *t))
        bi->truncated = true;
}

/* Copies what one tag says into bi; other tag types are ignored. */
static void mb2_add_tag(const struct mb2_tag *tag, struct boot_info *bi)
{
    switch (tag->type) {
    case MB2_TAG_CMDLINE:
        if (!mb2_copy_string(bi->cmdline, sizeof bi->cmdline,
                             (const char *)(tag + 1), tag->size - sizeof *tag))
            bi->truncated = true;
        break;
    case MB2_TAG_MODULE:
        if (tag->size >= sizeof(struct mb2_tag_module))
            mb2_add_module((const struct mb2_tag_module *)tag, bi);
        break;
    case MB2_TAG_MMAP:
        if (tag->size >= sizeof(struct mb2_tag_mmap))
            mb2_add_mmap((const struct mb2_tag_mmap *)tag, bi);
        break;
    default:
        break;
    }
}

bool mb2_parse(uint32_t magic, uint64_t mbi_phys, struct boot_info *bi)
{
    memset(bi, 0, sizeof *bi);
    bi->kernel_start = kernel_virt_to_phys(__kernel_start);
    bi->kernel_end = kernel_virt_to_phys(__kernel_end);
    if (magic != MB2_BOOT_MAGIC || mbi_phys == 0 || mbi_phys % 8 != 0 ||
        mbi_phys + 8 > DIRECT_MAP_SIZE)
        return false;
    const uint8_t *base = phys_to_virt(mbi_phys);
    uint32_t total = *(const uint32_t *)base;
    if (total < 16 || mbi_phys + total > DIRECT_MAP_SIZE)
        return false;
    bi->mbi_start = mbi_phys;
    bi->mbi_end = mbi_phys + total;
    size_t off = 8;
    while (off + sizeof(struct mb2_tag) <= total) {
        const struct mb2_tag *tag = (const void *)(base + off);
        if (tag->type == MB2_TAG_END || tag->size < sizeof *tag || off + tag->size > total)
            break;
        mb2_add_tag(tag, bi);
        off += (tag->size + 7) & ~7u;
    }
    return true;
}
