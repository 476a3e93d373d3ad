/* kmain: the first C code. Brings up the CPU tables, the console, the boot
 * information, the frame pool, the kernel template and the timer, prints the
 * banner, then runs the self-test named on the command line (test=<name>),
 * or starts init from the initrd, or (without one) idles. */
#include <stdint.h>
#include <stdbool.h>
#include "arch/cpu.h"
#include "arch/gdt.h"
#include "arch/trap.h"
#include "arch/pic.h"
#include "arch/timer.h"
#include "arch/clock.h"
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
#include "mm/pmm.h"
#include "mm/vmspace.h"
#include "arch/percpu.h"
#include "arch/rtc.h"
#include "proc/task.h"
#include "proc/initrd.h"
#include "proc/syscall.h"
#include "lib/string.h"

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
    { "clock", selftest_clock },
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

#define INIT_ARGS_MAX 16
#define ARG_TEXT_MAX  128

/* What the command line asks of the process side. */
static struct {
    char init_path[ARG_TEXT_MAX];
    char init_args[ARG_TEXT_MAX];      /* initargs=a,b,c with ',' turned into NULs */
    const char *argv[INIT_ARGS_MAX + 1];
    int argc;
} boot_proc = { "/init", "", { 0 }, 0 };

/* Copies a command-line value (not NUL-terminated) into dst. */
static void kmain_copy_value(char *dst, const struct cmdline_word *w)
{
    size_t n = w->value_len < ARG_TEXT_MAX - 1 ? w->value_len : ARG_TEXT_MAX - 1;
    memcpy(dst, w->value, n);
    dst[n] = '\0';
}

/* Applies a process-side key (klog, stderr, tty, init, initargs); false if
 * the key is not one of them. */
static bool kmain_apply_proc_arg(const struct cmdline_word *w)
{
    if (cmdline_eq(w->key, w->key_len, "klog")) {
        if (cmdline_eq(w->value, w->value_len, "com2"))
            serial_set_log_port(SERIAL_COM2);
    } else if (cmdline_eq(w->key, w->key_len, "stderr")) {
        if (cmdline_eq(w->value, w->value_len, "com3"))
            tty_set_stderr_port(SERIAL_COM3);
    } else if (cmdline_eq(w->key, w->key_len, "tty")) {
        tty_set_raw(cmdline_eq(w->value, w->value_len, "raw"));
    } else if (cmdline_eq(w->key, w->key_len, "init")) {
        kmain_copy_value(boot_proc.init_path, w);
    } else if (cmdline_eq(w->key, w->key_len, "initargs")) {
        kmain_copy_value(boot_proc.init_args, w);
    } else {
        return false;
    }
    return true;
}

/* Moves the kernel log before anything is printed if klog=com2 is given. */
static void kmain_early_klog(const char *cmdline)
{
    size_t pos = 0;
    struct cmdline_word w;
    enum cmdline_kind k;
    while ((k = cmdline_next(cmdline, &pos, &w)) != CMDLINE_END)
        if (k == CMDLINE_PAIR && cmdline_eq(w.key, w.key_len, "klog") &&
            cmdline_eq(w.value, w.value_len, "com2"))
            serial_set_log_port(SERIAL_COM2);
}

/* Applies one key=value argument; unknown keys and values are reported and
 * ignored. */
static void kmain_apply_arg(const struct cmdline_word *w, const struct selftest **test)
{
    if (kmain_apply_proc_arg(w))
        return;
    if (cmdline_eq(w->key, w->key_len, "frames")) {
        if (cmdline_eq(w->value, w->value_len, "rep"))
            pmm_rep_strings = 1;
        else if (cmdline_eq(w->value, w->value_len, "loop"))
            pmm_rep_strings = 0;
        else
            kprintf("cmdline: ignoring '%.*s' (frames=rep or frames=loop)\n", (int)w->word_len, w->word);
        return;
    }
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
    kprintf("frames zeroed and copied by: %s\n", pmm_rep_strings ? "rep stosq/movsq" : "loop");
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

/* argv of init: its path, then the initargs split at ','. */
static void kmain_init_argv(void)
{
    boot_proc.argv[boot_proc.argc++] = boot_proc.init_path;
    char *p = boot_proc.init_args;
    while (*p && boot_proc.argc < INIT_ARGS_MAX) {
        boot_proc.argv[boot_proc.argc++] = p;
        while (*p && *p != ',')
            p++;
        if (*p == ',')
            *p++ = '\0';
    }
    boot_proc.argv[boot_proc.argc] = 0;
}

/* Starts init from the initrd and runs the scheduler; returns only if
 * there is no init to start. */
static void kmain_start_init(void)
{
    if (initrd_count() == 0)
        return;
    kmain_init_argv();
    task_frames_before = pmm_free_count();
    int32_t s = exec_spawn_init(boot_proc.init_path, boot_proc.argv, boot_proc.argc);
    if (s == PROC_NONE) {
        kprintf("isola: cannot start %s\n", boot_proc.init_path);
        return;
    }
    kprintf("isola: starting %s (pid %d), %u free frames\n", boot_proc.init_path,
            proc_pid[s], task_frames_before);
    sched_start(s);
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
    bool mb_ok = mb2_parse(magic, mbi_phys, &boot_info);
    if (mb_ok)
        kmain_early_klog(boot_info.cmdline);
    kprintf("\nisola: kmain reached\n");
    gdt_init();
    idt_init();
    pic_init();
    if (!mb_ok)
        panic("kmain: no usable multiboot2 information (magic 0x%x)", magic);
    uint64_t ram_top = directmap_init(&boot_info);
    uint64_t mapped = ram_top > DIRECT_MAP_SIZE ? ram_top : DIRECT_MAP_SIZE;
    kprintf("direct map: physical 0-0x%lx at 0x%lx\n", mapped, (uint64_t)DIRECT_MAP_BASE);
    kprintf("cmdline: '%s'\n", boot_info.cmdline);
    pmm_rep_strings = (uint8_t)cpu_has_erms();
    const struct selftest *test = kmain_parse_cmdline(boot_info.cmdline);
    kmain_print_boot_info(&boot_info);
    uint32_t free_frames = mm_boot_init(&boot_info);
    if (vm_template_init() == PMM_NONE)
        panic("kmain: no frame for the kernel template");
    cpu_user_init();
    sched_init();
    initrd_init(&boot_info);
    syscall_init(rtc_epoch_seconds(), pmm_free_count());
    clock_init();
    if (clock_tsc_hz())
        kprintf("clock: TSC at %lu Hz (measured against PIT channel 2)\n", clock_tsc_hz());
    else
        kprintf("clock: TSC not measured, the clock counts timer ticks (%u Hz)\n", TIMER_HZ);
    timer_init();
    pic_unmask(IRQ_COM1);
    cpu_sti();
    kmain_banner(&boot_info, free_frames);
    if (test)
        kmain_run_selftest(test);
    kmain_start_init();
    kmain_idle();
}
