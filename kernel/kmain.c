/* kmain: the first C code. Brings up the CPU tables, the console, the boot
 * information, the frame pool and the timer, prints the banner, then runs the
 * self-test named on the command line (test=<name>) or idles. */
#include <stdint.h>
#include <stdbool.h>
#include "arch/cpu.h"
#include "arch/gdt.h"
#include "arch/trap.h"
#include "arch/pic.h"
#include "arch/timer.h"
#include "arch/serial.h"
#include "arch/qemu_exit.h"
#include "arch/directmap.h"
#include "arch/memlayout.h"
#include "kernel/bootinfo.h"
#include "kernel/mm_boot.h"
#include "kernel/selftest.h"
#include "kernel/panic.h"
#include "lib/cmdline.h"
#include "lib/kprintf.h"
#include "mm/pool.h"

#ifndef ISOLA_VERSION
#define ISOLA_VERSION "unknown"
#endif

struct selftest {
    const char *name;
    bool (*run)(void);
};

/* test=boot: reaching the banner is the test. */
static bool selftest_boot(void)
{
    return true;            /* reaching the banner is the test */
}

static struct boot_info boot_info;

/* test=dmap: adapter giving the direct-map test the boot information. */
static bool selftest_dmap(void)
{
    return selftest_direct_map(&boot_info);
}

static const struct selftest selftests[] = {
    { "boot", selftest_boot },
    { "timer", selftest_timer },
    { "ud2", selftest_ud2 },
    { "pf", selftest_page_fault },
    { "de", selftest_divide_error },
    { "df", selftest_double_fault },
    { "serial", selftest_serial_input },
    { "dmap", selftest_dmap },
    { "lib", selftest_lib },
    { "pmm", mm_boot_selftest },
};

#define N_SELFTESTS (sizeof selftests / sizeof selftests[0])

/* The self-test named by value, or NULL. */
static const struct selftest *selftest_find(const char *value, size_t len)
{
    for (size_t i = 0; i < N_SELFTESTS; i++)
        if (cmdline_eq(value, len, selftests[i].name))
            return &selftests[i];
    return 0;
}

/* Applies one key=value argument; unknown keys and values are reported and
 * ignored. */
static void kmain_apply_arg(const struct cmdline_word *w, const struct selftest **test)
{
    if (cmdline_eq(w->key, w->key_len, "test")) {
        const struct selftest *t = selftest_find(w->value, w->value_len);
        if (t)
            *test = t;
        else
            kprintf("cmdline: ignoring unknown self-test '%.*s'\n", (int)w->word_len, w->word);
        return;
    }
    kprintf("cmdline: ignoring unknown argument '%.*s'\n", (int)w->word_len, w->word);
}

/* Parses the command line; returns the chosen self-test or NULL. A leading
 * path (GRUB may pass the kernel's file name) is skipped. */
static const struct selftest *kmain_parse_cmdline(const char *cmdline)
{
    const struct selftest *test = 0;
    size_t pos = 0;
    struct cmdline_word w;
    enum cmdline_kind k;
    bool first = true;
    while ((k = cmdline_next(cmdline, &pos, &w)) != CMDLINE_END) {
        bool is_path = first && w.word[0] == '/';
        first = false;
        if (is_path)
            continue;
        if (k == CMDLINE_MALFORMED)
            kprintf("cmdline: ignoring malformed argument '%.*s' (%s)\n",
                    (int)w.word_len, w.word, w.why);
        else
            kmain_apply_arg(&w, &test);
    }
    return test;
}

/* Prints the memory map, modules and the ranges kept away from the pool. */
static void kmain_print_boot_info(const struct boot_info *bi)
{
    for (uint32_t i = 0; i < bi->n_regions; i++)
        kprintf("  mem 0x%016lx-0x%016lx type %u\n", bi->regions[i].base,
                bi->regions[i].base + bi->regions[i].len, bi->regions[i].type);
    for (uint32_t i = 0; i < bi->n_modules; i++)
        kprintf("  module 0x%lx-0x%lx '%s'\n", bi->modules[i].start,
                bi->modules[i].end, bi->modules[i].name);
    kprintf("  kernel 0x%lx-0x%lx, multiboot2 info 0x%lx-0x%lx\n", bi->kernel_start,
            bi->kernel_end, bi->mbi_start, bi->mbi_end);
    if (bi->truncated)
        kprintf("  (boot information truncated)\n");
}

/* The banner: version, usable RAM, timer frequency, free pool frames. */
static void kmain_banner(const struct boot_info *bi, uint32_t free_frames)
{
    kprintf("Isola %s\n", ISOLA_VERSION);
    kprintf("usable RAM: %lu KiB (%lu MiB)\n", bi->usable_bytes / 1024,
            bi->usable_bytes / (1024 * 1024));
    kprintf("timer: %u Hz\n", TIMER_HZ);
    kprintf("frame pool: %u free frames of %u (%u MiB free)\n", free_frames,
            POOL_FRAMES, free_frames / (1024 * 1024 / PAGE_SIZE));
}

/* Runs the chosen self-test and reports its outcome to QEMU; no return. */
static void kmain_run_selftest(const struct selftest *t)
{
    kprintf("selftest %s: running\n", t->name);
    bool ok = t->run();
    kprintf("selftest %s: %s\n", t->name, ok ? "passed" : "FAILED");
    qemu_exit(ok ? QEMU_EXIT_PASS : QEMU_EXIT_FAIL);
    cpu_halt_forever();
}

/* Echoes serial input until the end of time (interrupt-driven receive). */
static void kmain_idle(void)
{
    kprintf("idle: serial input is echoed (QEMU: Ctrl-A X quits)\n");
    for (;;) {
        int c;
        while ((c = serial_getc()) >= 0)
            serial_putc(c == '\r' ? '\n' : (char)c);
        cpu_sti_hlt();
    }
}

/* Entered from boot/entry.asm in long mode on the boot stack, interrupts off,
 * with the multiboot2 magic and the physical address of its information. */
void kmain(uint32_t magic, uint64_t mbi_phys)
{
    serial_init();
    kprintf("\nisola: kmain reached\n");
    gdt_init();
    idt_init();
    pic_init();
    if (!mb2_parse(magic, mbi_phys, &boot_info))
        panic("kmain: no usable multiboot2 information (magic 0x%x)", magic);
    uint64_t ram_top = directmap_init(&boot_info);
    uint64_t mapped = ram_top > DIRECT_MAP_SIZE ? ram_top : DIRECT_MAP_SIZE;
    kprintf("direct map: physical 0-0x%lx at 0x%lx\n", mapped, (uint64_t)DIRECT_MAP_BASE);
    kprintf("cmdline: '%s'\n", boot_info.cmdline);
    const struct selftest *test = kmain_parse_cmdline(boot_info.cmdline);
    kmain_print_boot_info(&boot_info);
    uint32_t free_frames = mm_boot_init(&boot_info);
    timer_init();
    pic_unmask(IRQ_COM1);
    cpu_sti();
    kmain_banner(&boot_info, free_frames);
    if (test)
        kmain_run_selftest(test);
    kmain_idle();
}
