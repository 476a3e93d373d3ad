/* The system-call dispatcher and the calls themselves. Every user pointer
 * goes through uaccess (after stack pages it names are mapped on first
 * touch), so a bad one gives EFAULT, never a kernel fault. */
#include "proc/syscall.h"
#include "proc/task.h"
#include "proc/abi.h"
#include "proc/initrd.h"
#include "mm/paging.h"
#include "mm/uaccess.h"
#include "mm/vmspace.h"
#include "mm/vmspace_user.h"
#include "arch/cpu.h"
#include "arch/clock.h"
#include "lib/string.h"
#include "lib/kprintf.h"

#define SYS_read 0
#define SYS_write 1
#define SYS_open 2
#define SYS_close 3
#define SYS_lseek 8
#define SYS_mmap 9
#define SYS_mprotect 10
#define SYS_munmap 11
#define SYS_brk 12
#define SYS_rt_sigaction 13
#define SYS_rt_sigprocmask 14
#define SYS_ioctl 16
#define SYS_writev 20
#define SYS_sched_yield 24
#define SYS_nanosleep 35
#define SYS_getpid 39
#define SYS_fork 57
#define SYS_execve 59
#define SYS_exit 60
#define SYS_wait4 61
#define SYS_kill 62
#define SYS_uname 63
#define SYS_sysinfo 99
#define SYS_getppid 110
#define SYS_arch_prctl 158
#define SYS_gettid 186
#define SYS_set_tid_address 218
#define SYS_clock_gettime 228
#define SYS_exit_group 231

#define CHUNK 1024
#define PS_PATH "/proc/isola/ps"
#define BRK_MAX (1ull << 30)

static uint64_t boot_epoch;
static uint32_t total_frames;
static char kbuf[CHUNK];
static char ps_text[PROC_MAX * 48 + 64];

void syscall_init(uint64_t boot_epoch_seconds, uint32_t frames)
{
    boot_epoch = boot_epoch_seconds;
    total_frames = frames;
}

static int32_t cur(void) { return task_current(); }
static struct task *me(void) { return &tasks[task_current()]; }
static uint32_t space(void) { return proc_space[task_current()]; }
static uint64_t page_up(uint64_t v) { return (v + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1); }

/* Checked copies for the current process (stack pages mapped on demand). */
static bool copy_out(uint64_t va, const void *src, uint64_t n)
{
    task_fault_in(va, n);
    return vm_space_copy_out(space(), va, src, n);
}

static bool copy_in(void *dst, uint64_t va, uint64_t n)
{
    task_fault_in(va, n);
    return uaccess_copy_in(space(), dst, va, n);
}

/* The open file fd of the current process, or NULL. */
static struct fd *fd_get(uint64_t fd)
{
    if (fd >= TASK_FDS || me()->fds[fd].kind == FD_NONE)
        return 0;
    return &me()->fds[fd];
}

/* /proc/isola/ps rendered now; returns its length. */
static uint64_t ps_render(void)
{
    static const char st[] = { '-', 'R', 'R', 'S', 'Z' };
    int n = ksnprintf(ps_text, sizeof ps_text, "PID PPID STATE NAME\n");
    for (int32_t s = 0; s < PROC_MAX; s++) {
        if (proc_state[s] == PROC_UNUSED)
            continue;
        int32_t pp = proc_parent[s] == PROC_NONE ? 0 : proc_pid[proc_parent[s]];
        n += ksnprintf(ps_text + n, sizeof ps_text - n, "%d %d %c %s\n", proc_pid[s], pp,
                       st[proc_state[s]], tasks[s].name);
    }
    return (uint64_t)n;
}

/* Bytes of a file fd: the initrd file's, or the ps text's. */
static const uint8_t *fd_data(const struct fd *f, uint64_t *size)
{
    if (f->kind == FD_PS) {
        *size = ps_render();
        return (const uint8_t *)ps_text;
    }
    const struct initrd_file *file = initrd_file_at(f->file);
    *size = file->size;
    return file->data;
}

static long sys_read(uint64_t fd, uint64_t buf, uint64_t n)
{
    struct fd *f = fd_get(fd);
    if (!f)
        return -EBADF;
    if (!uaccess_range_ok(buf, n))
        return -EFAULT;
    if (n == 0)
        return 0;
    if (f->kind == FD_TTY || f->kind == FD_TTY_ERR) {
        long k = tty_read(kbuf, n < CHUNK ? n : CHUNK);
        if (k > 0 && !copy_out(buf, kbuf, (uint64_t)k))
            return -EFAULT;
        return k;
    }
    uint64_t size;
    const uint8_t *data = fd_data(f, &size);
    if (f->offset >= size)
        return 0;
    uint64_t k = size - f->offset < n ? size - f->offset : n;
    if (!copy_out(buf, data + f->offset, k))
        return -EFAULT;
    f->offset += k;
    return (long)k;
}

static long sys_write(uint64_t fd, uint64_t buf, uint64_t n)
{
    struct fd *f = fd_get(fd);
    if (!f)
        return -EBADF;
    if (f->kind != FD_TTY && f->kind != FD_TTY_ERR)
        return -EBADF;
    uint64_t done = 0;
    while (done < n) {
        uint64_t k = n - done < CHUNK ? n - done : CHUNK;
        if (!copy_in(kbuf, buf + done, k))
            return done ? (long)done : -EFAULT;
        tty_write(f->kind, kbuf, k);
        done += k;
    }
    return (long)done;
}

static long sys_writev(uint64_t fd, uint64_t iov, uint64_t cnt)
{
    if (cnt > 1024)
        return -EINVAL;
    if (!fd_get(fd))
        return -EBADF;
    long total = 0;
    for (uint64_t i = 0; i < cnt; i++) {
        uint64_t v[2];
        if (!copy_in(v, iov + 16 * i, 16))
            return total ? total : -EFAULT;
        if (v[1] == 0)
            continue;
        long r = sys_write(fd, v[0], v[1]);
        if (r < 0)
            return total ? total : r;
        total += r;
    }
    return total;
}

static long sys_open(uint64_t upath, uint64_t flags)
{
    char path[256];
    task_fault_in(upath, 1);
    long n = uaccess_string_in(space(), path, upath, sizeof path);
    if (n == -1)
        return -EFAULT;
    if (n < 0)
        return -ENAMETOOLONG;
    bool ps = strcmp(path, PS_PATH) == 0;
    const struct initrd_file *file = ps ? 0 : initrd_find(path);
    if ((flags & 3) != 0 || (flags & 0x40 /* O_CREAT */))
        return (file || ps || (flags & 0x40)) ? -EROFS : -ENOENT;
    if (!file && !ps)
        return -ENOENT;
    if (flags & 0x10000 /* O_DIRECTORY */)
        return -ENOTDIR;
    for (int fd = 0; fd < TASK_FDS; fd++) {
        struct fd *f = &me()->fds[fd];
        if (f->kind != FD_NONE)
            continue;
        f->kind = ps ? FD_PS : FD_FILE;
        f->file = ps ? 0 : (uint32_t)(file - initrd_file_at(0));
        f->offset = 0;
        return fd;
    }
    return -EMFILE;
}

static long sys_close(uint64_t fd)
{
    struct fd *f = fd_get(fd);
    if (!f)
        return -EBADF;
    f->kind = FD_NONE;
    return 0;
}

static long sys_lseek(uint64_t fd, int64_t off, uint64_t whence)
{
    struct fd *f = fd_get(fd);
    if (!f)
        return -EBADF;
    if (f->kind == FD_TTY || f->kind == FD_TTY_ERR)
        return -ESPIPE;
    uint64_t size;
    fd_data(f, &size);
    int64_t base = whence == 0 ? 0 : whence == 1 ? (int64_t)f->offset : whence == 2 ? (int64_t)size : -1;
    if (whence > 2 || base + off < 0)
        return -EINVAL;
    f->offset = (uint64_t)(base + off);
    return (long)f->offset;
}

#define PT_SPAN (512ull * PAGE_SIZE)   /* the 2 MiB one page table covers */

/* Unmaps every mapped page in [lo, hi) except shadow pages in use; walks
 * only the page tables that exist, so an empty terabyte costs a few steps.
 * Each page table it unmapped pages from is freed if that left it empty
 * (vm_prune), so the space keeps no empty tables for fork to copy. */
static void unmap_range(uint64_t lo, uint64_t hi)
{
    uint64_t block = VM_USER_TOP;   /* the 2 MiB block of the last page unmapped */
    for (uint64_t va = vmarea_next_mapped(space(), lo, hi); va < hi;
         va = vmarea_next_mapped(space(), va + PAGE_SIZE, hi)) {
        if (vmarea_is_shadow(va))
            continue;
        if (block != VM_USER_TOP && va - va % PT_SPAN != block)
            vm_space_prune(space(), block);
        vm_space_unmap(space(), va);
        block = va - va % PT_SPAN;
    }
    if (block != VM_USER_TOP)
        vm_space_prune(space(), block);
}

/* Maps fresh zeroed pages over [lo, hi); on running out of frames unmaps
 * what it mapped and returns false. */
static bool map_range(uint64_t lo, uint64_t hi, uint32_t flags)
{
    for (uint64_t va = lo; va < hi; va += PAGE_SIZE)
        if (vm_space_map(space(), va, flags) != MM_OK) {
            unmap_range(lo, va);
            return false;
        }
    return true;
}

/* The highest free range of n bytes (page-aligned) in [floor, from),
 * first fit downwards; 0 if there is none. */
static uint64_t mmap_hole_below(uint64_t from, uint64_t n, uint64_t floor)
{
    uint64_t hi = from;
    while (hi >= floor && hi - floor >= n) {
        uint64_t used = vmarea_first_used(hi - n, hi);
        if (used == hi)
            return hi - n;
        hi = used;                  /* a hole must end at or below a used page */
    }
    return 0;
}

/* Where a new mapping of n bytes goes: below the task's search point
 * mmap_low (everything above it was handed out, except what munmap gave
 * back, which raised it), else anywhere below USER_MMAP_TOP. Freed address
 * space and the page tables still covering it are used again. 0 if full. */
static uint64_t mmap_find_hole(struct task *t, uint64_t n)
{
    uint64_t floor = page_up(t->brk_base) + BRK_MAX;
    uint64_t va = mmap_hole_below(t->mmap_low, n, floor);
    return va ? va : mmap_hole_below(USER_MMAP_TOP, n, floor);
}

static long sys_mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags)
{
    if (!(flags & 0x20) /* MAP_ANONYMOUS */)
        return -ENODEV;
    if (len == 0 || (flags & 3) == 0 || (prot & ~7ull))
        return -EINVAL;
    uint64_t n = page_up(len);
    if (n < len || n > USER_MMAP_TOP)
        return -ENOMEM;
    struct task *t = me();
    uint64_t va;
    if (flags & 0x10 /* MAP_FIXED */) {
        if (addr % PAGE_SIZE || !uaccess_range_ok(addr, n))
            return -EINVAL;
        va = addr;
        unmap_range(va, va + n);
        vmarea_release(va, va + n);
    } else {
        va = mmap_find_hole(t, n);
        if (va == 0)
            return -ENOMEM;
    }
    if (prot != 0 && !map_range(va, va + n, vmarea_prot_flags(prot)))
        return -ENOMEM;
    if (prot == 0 && !vmarea_reserve(va, va + n))
        return -ENOMEM;
    if (!(flags & 0x10))
        t->mmap_low = va;
    return (long)va;
}

static long sys_munmap(uint64_t addr, uint64_t len)
{
    if (addr % PAGE_SIZE || len == 0 || !uaccess_range_ok(addr, page_up(len)))
        return -EINVAL;
    uint64_t end = addr + page_up(len);
    unmap_range(addr, end);
    vmarea_release(addr, end);
    struct task *t = me();
    if (end > t->mmap_low && addr < USER_MMAP_TOP)      /* freed space to hand out again */
        t->mmap_low = end < USER_MMAP_TOP ? end : USER_MMAP_TOP;
    return 0;
}

static long sys_mprotect(uint64_t addr, uint64_t len, uint64_t prot)
{
    if (addr % PAGE_SIZE || (prot & ~7ull))
        return -EINVAL;
    uint64_t n = page_up(len);
    if (!uaccess_range_ok(addr, n))
        return -ENOMEM;
    return vmarea_protect(addr, addr + n, (uint32_t)prot);
}

static long sys_brk(uint64_t addr)
{
    struct task *t = me();
    if (addr < t->brk_base || addr - t->brk_base > BRK_MAX || page_up(addr) > t->mmap_low)
        return (long)t->brk;
    uint64_t old_top = page_up(t->brk), new_top = page_up(addr);
    if (new_top > old_top && !map_range(old_top, new_top, VM_WRITE))
        return (long)t->brk;
    if (new_top < old_top)
        unmap_range(new_top, old_top);
    t->brk = addr;
    return (long)addr;
}

static long sys_fork(struct trap_frame *tf)
{
    if (proc_count() >= PROC_MAX)
        return -EAGAIN;
    int32_t parent = cur();
    uint32_t child_space = vm_space_clone(space());
    if (child_space == PMM_NONE)
        return -ENOMEM;
    int32_t c = proc_create(parent, child_space);
    if (c == PROC_NONE) {
        vm_space_destroy(child_space);
        return -EAGAIN;
    }
    tasks[c] = tasks[parent];
    cpu_fpu_save(tasks[c].fpu);           /* the live registers are the parent's */
    tasks[c].need_resched = false;
    tasks[c].kill_sig = 0;
    tasks[c].wait = WAIT_NONE;
    *task_frame(c) = *tf;
    task_frame(c)->rax = 0;
    task_stack_init(c);
    return proc_pid[c];
}

static long sys_wait4(int64_t pid, uint64_t ustatus, uint64_t options, uint64_t rusage)
{
    int32_t want = pid > 0 ? (int32_t)pid : 0;
    if (options & ~(1ull | 2ull | 8ull | 0x01000000ull | 0x40000000ull | 0x80000000ull))
        return -EINVAL;
    uint32_t probe;
    if (ustatus && (!copy_in(&probe, ustatus, 4) || !copy_out(ustatus, &probe, 4)))
        return -EFAULT;
    for (;;) {
        struct proc_reaped r = proc_reap(cur(), want);
        if (r.pid > 0) {
            if (ustatus)
                copy_out(ustatus, &r.status, 4);
            if (rusage) {
                static const uint8_t zero[144];
                copy_out(rusage, zero, sizeof zero);
            }
            return r.pid;
        }
        if (r.pid < 0)
            return -ECHILD;
        if (options & 1 /* WNOHANG */)
            return 0;
        if (me()->kill_sig)
            return -EINTR;
        sched_block(WAIT_CHILD, 0);
    }
}

static long sys_kill(int64_t pid, int64_t sig)
{
    if (sig < 0 || sig > 64)
        return -EINVAL;
    if (pid <= 0 || pid > 0x7fffffff)
        return pid == 0 || pid == -1 ? -EPERM : -ESRCH;
    int32_t s = proc_find((int32_t)pid);
    if (s == PROC_NONE)
        return -ESRCH;
    if (sig == 0 || proc_state[s] == PROC_ZOMBIE)
        return 0;
    switch (sig) {
    case 17: case 18: case 19: case 20: case 21: case 22: case 23: case 28:
        return 0;                        /* ignored or stop signals: no effect here */
    }
    task_kill(s, (int)sig);
    return 0;
}

static long sys_nanosleep(uint64_t ureq)
{
    int64_t ts[2];
    if (!copy_in(ts, ureq, 16))
        return -EFAULT;
    if (ts[0] < 0 || ts[1] < 0 || ts[1] > 999999999)
        return -EINVAL;
    uint64_t ns = (uint64_t)ts[0] >= UINT64_MAX / 1000000000ull ? UINT64_MAX
                  : (uint64_t)ts[0] * 1000000000ull + (uint64_t)ts[1];
    uint64_t now = clock_ns();
    uint64_t wake = ns > UINT64_MAX - now ? UINT64_MAX : now + ns;
    while (clock_ns() < wake) {
        if (me()->kill_sig)
            return -EINTR;
        sched_block(WAIT_SLEEP, wake);
    }
    return 0;
}

static long sys_clock_gettime(uint64_t clk, uint64_t utp)
{
    uint64_t ns = clock_ns();
    int64_t ts[2];
    if (clk == 0 || clk == 5)                        /* REALTIME, REALTIME_COARSE */
        ns += boot_epoch * 1000000000ull;
    else if (clk != 1 && clk != 4 && clk != 6 && clk != 7)
        return -EINVAL;
    ts[0] = (int64_t)(ns / 1000000000ull);
    ts[1] = (int64_t)(ns % 1000000000ull);
    return copy_out(utp, ts, 16) ? 0 : -EFAULT;
}

static long sys_uname(uint64_t ubuf)
{
    static char u[6][65];
    memset(u, 0, sizeof u);
    strlcpy(u[0], "Isola", 65);
    strlcpy(u[1], "isola", 65);
    strlcpy(u[2], "0.1.0", 65);
    strlcpy(u[3], "#1", 65);
    strlcpy(u[4], "x86_64", 65);
    strlcpy(u[5], "(none)", 65);
    return copy_out(ubuf, u, sizeof u) ? 0 : -EFAULT;
}

static long sys_sysinfo(uint64_t ubuf)
{
    uint8_t si[112];
    memset(si, 0, sizeof si);
    uint64_t uptime = clock_ns() / 1000000000ull;
    uint64_t total = (uint64_t)total_frames * PAGE_SIZE, free = (uint64_t)pmm_free_count() * PAGE_SIZE;
    uint16_t procs = (uint16_t)proc_count();
    uint32_t unit = 1;
    memcpy(si + 0, &uptime, 8);
    memcpy(si + 32, &total, 8);
    memcpy(si + 40, &free, 8);
    memcpy(si + 80, &procs, 2);
    memcpy(si + 104, &unit, 4);
    return copy_out(ubuf, si, sizeof si) ? 0 : -EFAULT;
}

static long sys_arch_prctl(uint64_t code, uint64_t addr)
{
    if (code == 0x1002) {                            /* ARCH_SET_FS */
        if (addr >= VM_USER_TOP)
            return -EPERM;
        me()->fs_base = addr;
        cpu_set_fs_base(addr);
        return 0;
    }
    if (code == 0x1003)                              /* ARCH_GET_FS */
        return copy_out(addr, &me()->fs_base, 8) ? 0 : -EFAULT;
    return -EINVAL;
}

/* rt_sigaction / rt_sigprocmask: accepted; old values reported empty. */
static long sys_sig_accept(uint64_t old, uint64_t size)
{
    static const uint8_t zero[32];
    if (old && !copy_out(old, zero, size))
        return -EFAULT;
    return 0;
}

void syscall_dispatch(struct trap_frame *tf)
{
    uint64_t a0 = tf->rdi, a1 = tf->rsi, a2 = tf->rdx, a3 = tf->r10;
    long r;
    switch (tf->rax) {
    case SYS_read: r = sys_read(a0, a1, a2); break;
    case SYS_write: r = sys_write(a0, a1, a2); break;
    case SYS_open: r = sys_open(a0, a1); break;
    case SYS_close: r = sys_close(a0); break;
    case SYS_lseek: r = sys_lseek(a0, (int64_t)a1, a2); break;
    case SYS_mmap: r = sys_mmap(a0, a1, a2, a3); break;
    case SYS_mprotect: r = sys_mprotect(a0, a1, a2); break;
    case SYS_munmap: r = sys_munmap(a0, a1); break;
    case SYS_brk: r = sys_brk(a0); break;
    case SYS_rt_sigaction: r = a0 < 1 || a0 > 64 || a0 == 9 || a0 == 19 ? -EINVAL : sys_sig_accept(a2, 32); break;
    case SYS_rt_sigprocmask: r = a0 > 2 ? -EINVAL : sys_sig_accept(a2, 8); break;
    case SYS_ioctl: r = fd_get(a0) ? -ENOTTY : -EBADF; break;
    case SYS_writev: r = sys_writev(a0, a1, a2); break;
    case SYS_sched_yield: sched_yield(); r = 0; break;
    case SYS_nanosleep: r = sys_nanosleep(a0); break;
    case SYS_getpid: case SYS_gettid: case SYS_set_tid_address: r = proc_pid[cur()]; break;
    case SYS_getppid: r = proc_parent[cur()] == PROC_NONE ? 0 : proc_pid[proc_parent[cur()]]; break;
    case SYS_fork: r = sys_fork(tf); break;
    case SYS_execve: r = exec_current(a0, a1, a2, tf); break;
    case SYS_exit: case SYS_exit_group: task_exit((int32_t)((a0 & 0xff) << 8));
    case SYS_wait4: r = sys_wait4((int64_t)a0, a1, a2, a3); break;
    case SYS_kill: r = sys_kill((int64_t)a0, (int64_t)a1); break;
    case SYS_uname: r = sys_uname(a0); break;
    case SYS_sysinfo: r = sys_sysinfo(a0); break;
    case SYS_arch_prctl: r = sys_arch_prctl(a0, a1); break;
    case SYS_clock_gettime: r = sys_clock_gettime(a0, a1); break;
    default: r = -ENOSYS; break;
    }
    if (tf->rax == SYS_execve && r == 0)
        return;                              /* the frame is the new program's */
    tf->rax = (uint64_t)r;
}
