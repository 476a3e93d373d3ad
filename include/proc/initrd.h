/* The initrd: a cpio newc archive handed over by GRUB as the module named
 * "initrd". Files are read-only byte ranges addressed by path ("/bin/sh"). */
#ifndef ISOLA_PROC_INITRD_H
#define ISOLA_PROC_INITRD_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "kernel/bootinfo.h"

#define INITRD_MAX_FILES 128

struct initrd_file {
    const char *name;        /* archive name, no leading '/' (not NUL-terminated) */
    size_t name_len;
    const uint8_t *data;
    uint64_t size;
};

/* Finds the module named "initrd" in bi and indexes its regular files.
 * Returns the number of files (0 without an initrd; a malformed archive is
 * read up to the first bad header, which is reported). */
uint32_t initrd_init(const struct boot_info *bi);
/* The file at path (leading '/' optional), or NULL. */
const struct initrd_file *initrd_find(const char *path);
/* File number i (< count), for listing. */
const struct initrd_file *initrd_file_at(uint32_t i);
uint32_t initrd_count(void);

#endif
