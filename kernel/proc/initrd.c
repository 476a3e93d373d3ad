/* cpio newc reader for the initrd module: headers of 110 ASCII bytes
 * ("070701" + 13 eight-digit hex fields), name and data each padded to 4
 * bytes, ending at "TRAILER!!!". Every field is bounds-checked against the
 * module's length. */
#include "proc/initrd.h"
#include "arch/memlayout.h"
#include "lib/string.h"
#include "lib/kprintf.h"

#define CPIO_HDR      110
#define CPIO_MODE_TYPE 0170000u
#define CPIO_MODE_REG  0100000u

static struct initrd_file files[INITRD_MAX_FILES];
static uint32_t n_files;

/* The 8 hex digits at p, or -1 if one is not a hex digit. */
static int64_t cpio_hex8(const uint8_t *p)
{
    int64_t v = 0;
    for (int i = 0; i < 8; i++) {
        uint8_t c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
                c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static uint64_t align4(uint64_t v)
{
    return (v + 3) & ~3ull;
}

/* Indexes the archive at base (len bytes). */
static void initrd_parse(const uint8_t *base, uint64_t len)
{
    uint64_t off = 0;
    while (off + CPIO_HDR <= len && n_files < INITRD_MAX_FILES) {
        const uint8_t *h = base + off;
        if (memcmp(h, "070701", 6) != 0) {
            kprintf("initrd: bad header magic at offset %lu\n", off);
            return;
        }
        int64_t mode = cpio_hex8(h + 6 + 1 * 8);
        int64_t size = cpio_hex8(h + 6 + 6 * 8);
        int64_t namesize = cpio_hex8(h + 6 + 11 * 8);
        if (mode < 0 || size < 0 || namesize < 1 ||
            (uint64_t)namesize > len - off - CPIO_HDR) {
            kprintf("initrd: bad header at offset %lu\n", off);
            return;
        }
        const char *name = (const char *)h + CPIO_HDR;
        uint64_t data_off = align4(off + CPIO_HDR + (uint64_t)namesize);
        if (data_off > len || (uint64_t)size > len - data_off) {
            kprintf("initrd: file data past the end at offset %lu\n", off);
            return;
        }
        size_t name_len = strnlen(name, (size_t)namesize);
        if (name_len == 10 && memcmp(name, "TRAILER!!!", 10) == 0)
            return;
        while (name_len > 0 && name[0] == '/') {
            name++;
            name_len--;
        }
        if (name_len > 1 && name[0] == '.' && name[1] == '/') {
            name += 2;
            name_len -= 2;
        }
        if (((uint64_t)mode & CPIO_MODE_TYPE) == CPIO_MODE_REG && name_len > 0) {
            files[n_files].name = name;
            files[n_files].name_len = name_len;
            files[n_files].data = base + data_off;
            files[n_files].size = (uint64_t)size;
            n_files++;
        }
        off = align4(data_off + (uint64_t)size);
    }
}

uint32_t initrd_init(const struct boot_info *bi)
{
    for (uint32_t i = 0; i < bi->n_modules; i++) {
        const struct boot_module *m = &bi->modules[i];
        if (strcmp(m->name, "initrd") == 0 && m->end > m->start && m->end <= DIRECT_MAP_SIZE) {
            initrd_parse(phys_to_virt(m->start), m->end - m->start);
            kprintf("initrd: %u files, %lu bytes\n", n_files, m->end - m->start);
            return n_files;
        }
    }
    kprintf("initrd: none\n");
    return 0;
}

const struct initrd_file *initrd_find(const char *path)
{
    while (*path == '/')
        path++;
    size_t len = strlen(path);
    for (uint32_t i = 0; i < n_files; i++)
        if (files[i].name_len == len && memcmp(files[i].name, path, len) == 0)
            return &files[i];
    return 0;
}

const struct initrd_file *initrd_file_at(uint32_t i)
{
    return i < n_files ? &files[i] : 0;
}

uint32_t initrd_count(void)
{
    return n_files;
}
