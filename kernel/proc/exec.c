/* Program start-up: execve and the first process. A file from the initrd
 * is validated (elf_validate) before anything changes, loaded into a fresh
 * space, given a System V start-up stack, and only then swapped in: any
 * failure leaves the caller's process as it was. */
#include "proc/task.h"
#include "proc/abi.h"
#include "proc/elf.h"
#include "proc/initrd.h"
#include "mm/paging.h"
#include "mm/uaccess.h"
#include "mm/vmspace.h"
#include "mm/vmspace_user.h"
#include "arch/cpu.h"
#include "lib/string.h"
#include "lib/kprintf.h"

#define EXEC_ARGS_MAX   65536   /* bytes of argument and environment strings */
#define EXEC_PTRS_MAX   2048    /* argv + envp entries */
#define EXEC_PATH_MAX   256

#define AT_NULL   0
#define AT_PHDR   3
#define AT_PHENT  4
#define AT_PHNUM  5
#define AT_PAGESZ 6
#define AT_ENTRY  9
#define AT_UID    11
#define AT_EUID   12
#define AT_GID    13
#define AT_EGID   14
#define AT_RANDOM 25
#define N_AUX     11

/* Strings of the new program, gathered in the kernel before the old image
 * goes away (one at a time: the kernel is not preemptible). */
static char exec_strings[EXEC_ARGS_MAX];
static uint32_t exec_offsets[EXEC_PTRS_MAX];
static uint64_t exec_stack_words[EXEC_PTRS_MAX + 2 * N_AUX + 4];

struct exec_args {
    uint32_t argc, envc;    /* exec_offsets[0 .. argc-1] then [argc .. argc+envc-1] */
    uint32_t used;          /* bytes of exec_strings in use */
};

/* Appends the string s (with its NUL) as one more entry. */
static bool exec_args_add(struct exec_args *a, const char *s)
{
    size_t n = strlen(s) + 1;
    if (a->argc + a->envc >= EXEC_PTRS_MAX || n > EXEC_ARGS_MAX - a->used)
        return false;
    exec_offsets[a->argc + a->envc] = a->used;
    memcpy(exec_strings + a->used, s, n);
    a->used += n;
    return true;
}

/* Appends the NULL-terminated user vector at uvec (strings in space root)
 * to a; counts them into *count. 0 or -errno. */
static long exec_args_from_user(uint32_t root, uint64_t uvec, struct exec_args *a, uint32_t *count)
{
    if (uvec == 0)
        return 0;
    for (;;) {
        uint64_t ptr;
        task_fault_in(uvec, 8);
        if (!uaccess_copy_in(root, &ptr, uvec, 8))
            return -EFAULT;
        if (ptr == 0)
            return 0;
        if (a->argc + a->envc >= EXEC_PTRS_MAX)
            return -E2BIG;
        task_fault_in(ptr, 1);
        long n = uaccess_string_in(root, exec_strings + a->used, ptr, EXEC_ARGS_MAX - a->used);
        if (n == -1)
            return -EFAULT;
        if (n < 0)
            return -E2BIG;
        exec_offsets[a->argc + a->envc] = a->used;
        a->used += (uint32_t)n + 1;
        (*count)++;
        uvec += 8;
    }
}

/* 16 bytes for AT_RANDOM: the TSC mixed (not cryptographic; documented). */
static void exec_random(uint8_t out[16])
{
    uint64_t x = rdtsc() ^ 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 16; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out[i] = (uint8_t)x;
    }
}

/* Builds the start-up stack in space root: strings and random bytes at the
 * top, then (16-byte aligned) argc, argv[], NULL, envp[], NULL, auxv.
 * Returns the initial rsp, or 0 on running out of frames. */
static uint64_t exec_build_stack(uint32_t root, const struct exec_args *a, const struct elf_info *info)
{
    uint32_t n = a->argc + a->envc;
    uint64_t strings = USER_STACK_TOP - ((a->used + 15) & ~15ull);
    uint64_t random = strings - 16;
    uint64_t nwords = 1 + a->argc + 1 + a->envc + 1 + 2 * N_AUX;
    uint64_t sp = (random - nwords * 8) & ~15ull;
    for (uint64_t p = sp - sp % PAGE_SIZE; p < USER_STACK_TOP; p += PAGE_SIZE)
        if (vm_space_map(root, p, VM_WRITE) != MM_OK)
            return 0;
    uint64_t *w = exec_stack_words;
    *w++ = a->argc;
    for (uint32_t i = 0; i < a->argc; i++)
        *w++ = strings + exec_offsets[i];
    *w++ = 0;
    for (uint32_t i = a->argc; i < n; i++)
        *w++ = strings + exec_offsets[i];
    *w++ = 0;
    const uint64_t aux[2 * N_AUX] = {
        AT_PHDR, info->phdr_va, AT_PHENT, 56, AT_PHNUM, info->phnum, AT_PAGESZ, PAGE_SIZE,
        AT_ENTRY, info->entry, AT_RANDOM, random, AT_UID, 0, AT_EUID, 0, AT_GID, 0, AT_EGID, 0,
        AT_NULL, 0,
    };
    memcpy(w, aux, sizeof aux);
    uint8_t rnd[16];
    exec_random(rnd);
    if (!vm_space_load(root, strings, exec_strings, a->used) || !vm_space_load(root, random, rnd, 16) ||
        !vm_space_load(root, sp, exec_stack_words, nwords * 8))
        return 0;
    return sp;
}

/* Validates the file, builds a new space with the program and its stack.
 * Returns the space (and *rsp, *info) or -errno. */
static long exec_prepare(const struct initrd_file *f, const struct exec_args *a,
                         struct elf_info *info, uint64_t *rsp)
{
    enum elf_verdict v = elf_validate(f->data, f->size, info);
    if (v != ELF_OK) {
        kprintf("exec: %.*s refused: %s\n", (int)f->name_len, f->name, elf_verdict_name(v));
        return -ENOEXEC;
    }
    uint32_t root = vm_space_create();
    if (root == PMM_NONE)
        return -ENOMEM;
    if (!elf_load(root, f->data, info) || (*rsp = exec_build_stack(root, a, info)) == 0) {
        vm_space_destroy(root);
        return -ENOMEM;
    }
    return root;
}

/* The process state a new program starts with: registers, FPU, heap, name. */
static void exec_reset_task(int32_t s, const struct initrd_file *f, const struct elf_info *info,
                            uint64_t rsp)
{
    struct task *t = &tasks[s];
    struct trap_frame *tf = task_frame(s);
    memset(tf, 0, sizeof *tf);
    tf->rip = info->entry;
    tf->rsp = rsp;
    tf->rflags = 0x202;
    tf->rcx = tf->rip;          /* sysretq-compatible */
    tf->r11 = tf->rflags;
    tf->cs = USER_CS;
    tf->ss = USER_DS;
    tf->vector = TRAP_SYSCALL;
    cpu_fpu_clean(t->fpu);
    t->fs_base = 0;
    t->brk_base = t->brk = info->top;
    t->mmap_low = USER_MMAP_TOP;
    memset(t->none_ranges, 0, sizeof t->none_ranges);
    memset(t->shadow_of, 0, sizeof t->shadow_of);
    const char *base = f->name;
    size_t len = f->name_len;
    for (size_t i = 0; i < f->name_len; i++)
        if (f->name[i] == '/') {
            base = f->name + i + 1;
            len = f->name_len - i - 1;
        }
    if (len >= TASK_NAME_MAX)
        len = TASK_NAME_MAX - 1;
    memcpy(t->name, base, len);
    t->name[len] = '\0';
}

int32_t exec_spawn_init(const char *path, const char *const *argv, int argc)
{
    const struct initrd_file *f = initrd_find(path);
    if (!f) {
        kprintf("exec: no %s in the initrd\n", path);
        return PROC_NONE;
    }
    struct exec_args a = { 0, 0, 0 };
    for (int i = 0; i < argc; i++) {
        if (!exec_args_add(&a, argv[i]))
            return PROC_NONE;
        a.argc++;
    }
    static const char *const env[] = { "PATH=/bin", "HOME=/" };
    for (int i = 0; i < 2; i++) {
        if (!exec_args_add(&a, env[i]))
            return PROC_NONE;
        a.envc++;
    }
    struct elf_info info;
    uint64_t rsp;
    long root = exec_prepare(f, &a, &info, &rsp);
    if (root < 0)
        return PROC_NONE;
    int32_t s = proc_create(PROC_NONE, (uint32_t)root);
    if (s == PROC_NONE) {
        vm_space_destroy((uint32_t)root);
        return PROC_NONE;
    }
    memset(&tasks[s], 0, sizeof tasks[s]);
    tasks[s].fds[0].kind = FD_TTY;
    tasks[s].fds[1].kind = FD_TTY;
    tasks[s].fds[2].kind = FD_TTY_ERR;
    exec_reset_task(s, f, &info, rsp);
    task_stack_init(s);
    return s;
}

long exec_current(uint64_t upath, uint64_t uargv, uint64_t uenvp, struct trap_frame *tf)
{
    int32_t s = task_current();
    uint32_t old = proc_space[s];
    char path[EXEC_PATH_MAX];
    task_fault_in(upath, 1);
    long n = uaccess_string_in(old, path, upath, sizeof path);
    if (n == -1)
        return -EFAULT;
    if (n < 0)
        return -ENAMETOOLONG;
    struct exec_args a = { 0, 0, 0 };
    long err = exec_args_from_user(old, uargv, &a, &a.argc);
    if (err == 0)
        err = exec_args_from_user(old, uenvp, &a, &a.envc);
    if (err)
        return err;
    const struct initrd_file *f = initrd_find(path);
    if (!f)
        return -ENOENT;
    struct elf_info info;
    uint64_t rsp;
    long root = exec_prepare(f, &a, &info, &rsp);
    if (root < 0)
        return root;
    write_cr3(task_cr3((uint32_t)root));            /* leave the old space first */
    uint32_t prev = proc_replace_space(s, (uint32_t)root);
    if (prev == PMM_NONE) {
        write_cr3(task_cr3(old));
        vm_space_destroy((uint32_t)root);
        return -ENOMEM;
    }
    vm_space_destroy(prev);
    exec_reset_task(s, f, &info, rsp);
    (void)tf;
    return 0;
}
