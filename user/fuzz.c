/* fuzz: a seeded random generator of hostile system calls, for Isola.
 * usage: fuzz [N [SEED]]   (defaults: 10000 calls, seed 1)
 * Runs as init (tools/isola-exec build/user/bin/fuzz N SEED) or from sh.
 * Each call is drawn from the table below with arguments from hostile
 * classes: NULL, kernel half, non-canonical, unaligned, huge, the guard page,
 * the first non-user address, crossing into an unmapped page, the PROT_NONE
 * shadow area, random words, unknown syscall numbers; fork storms (bounded)
 * run the same generator in children that then exit, die or exec garbage.
 * Calls that would legitimately end the fuzzer itself are drawn only with
 * arguments that must fail (see tests/fuzz/README.md). At the end it prints
 * the calls made per syscall, the results per errno, the storms' outcomes,
 * and the self-checks; exit 0 iff every self-check held. The kernel's own
 * verdict (fault, leaked frames) is isola-exec's exit status. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PAGE        4096ul
#define ARENA       0x100000000000ul     /* mmap/munmap/mprotect playground */
#define ARENA_PAGES 32
#define SHADOW_BASE 0x7ff000000000ul     /* Isola's hidden PROT_NONE pages */
#define STACK_TOP   0x7ffffffff000ul
#define STACK_LOW   (STACK_TOP - (8ul << 20))
#define KERNEL_TEXT 0xffffffff80100000ul
#define DIRECT_MAP  0xffff800000000000ul
#define NONCANON    0x0000800000000000ul
#define MAPS_KEPT   4
#define STORM_MAX   70                   /* > Isola's 64 slots: EAGAIN */
#define NERR        134

/* ---- raw system calls (no errno, any argument) --------------------------- */

static long sys6(long n, long a, long b, long c, long d, long e, long f)
{
    register long r10 __asm__("r10") = d, r8 __asm__("r8") = e, r9 __asm__("r9") = f;
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

/* ---- the generator ------------------------------------------------------- */

static uint64_t rng;

/* xorshift64*: the whole run follows from the seed. */
static uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1Dull;
}

static uint64_t below(uint64_t n) { return rnd() % n; }
static int one_in(uint64_t n) { return below(n) == 0; }

/* Memory the kernel may write: valid buffers (pages 0-7), argument
 * structures (8: iovecs, 9: timespec, 10-15: execve vector, 16: path,
 * 17: short string). Mapped on its own with unmapped pages around it, so
 * a long valid write stops there and never reaches the fuzzer's state. */
#define SCRATCH       0x200000000000ul
#define SCRATCH_PAGES 18
static unsigned char *const scratch = (unsigned char *)SCRATCH;
/* Memory never handed to the kernel: a pattern that must survive the run. */
static unsigned char canary[4 * PAGE] __attribute__((aligned(4096)));

static int in_child;
static int verbose;         /* argv[3] == "v": each call's name on stderr first */        /* children may end themselves; the parent may not */

/* Pointer classes. Bad ones never reach valid memory; the others do. */
enum ptr_class { P_NULL, P_KERNEL, P_NONCANON, P_GUARD, P_USER_TOP,
                 P_SCRATCH, P_UNALIGNED, P_CROSSING, P_ARENA, P_DEEP_STACK, P_TEXT,
                 P_SHADOW, P_RANDOM, P_CLASSES };

#define P_BAD_END P_SCRATCH   /* classes below it never name valid memory */

static int class_is_bad(int c) { return c < P_BAD_END; }

static uint64_t ptr_of(int c)
{
    switch (c) {
    case P_NULL: return 0;
    case P_KERNEL: {
        static const uint64_t k[] = { KERNEL_TEXT, DIRECT_MAP, 0xfffffffffffff000ul, 0xffffffff81000000ul };
        return k[below(4)] + (one_in(2) ? 0 : below(PAGE));
    }
    case P_NONCANON: return NONCANON + below(1ul << 40) * 8 + (one_in(2) ? 0 : 0x00ff000000000000ul);
    case P_GUARD: return STACK_LOW - PAGE + below(PAGE);
    case P_USER_TOP: return STACK_TOP + below(PAGE);          /* the last user page: never mapped */
    case P_SCRATCH: return (uint64_t)scratch + below(8) * PAGE;
    case P_UNALIGNED: return (uint64_t)scratch + 1 + below(8 * PAGE - 1);
    case P_CROSSING: return ARENA + ARENA_PAGES * PAGE - 1 - below(16);
    case P_ARENA: return ARENA + below(ARENA_PAGES) * PAGE + (one_in(4) ? below(PAGE) : 0);
    case P_DEEP_STACK: return STACK_LOW + below(16) * PAGE;
    case P_TEXT: return (uint64_t)&rnd & ~(PAGE - 1);
    case P_SHADOW: return SHADOW_BASE + below(64) * PAGE;
    default: return rnd();
    }
}

static uint64_t any_ptr(void) { return ptr_of((int)below(P_CLASSES)); }
static uint64_t bad_ptr(void) { return ptr_of((int)below(P_BAD_END)); }

/* Lengths: small, page-ish, huge, negative. */
static uint64_t any_len(void)
{
    switch (below(8)) {
    case 0: return 0;
    case 1: return 1 + below(16);
    case 2: return 1 + below(2 * PAGE);
    case 3: return PAGE * (1 + below(64));
    case 4: return 1ul << (20 + below(44));
    case 5: return (uint64_t)-1 - below(PAGE);
    case 6: return 0x8000000000000000ul;
    default: return rnd();
    }
}

/* File descriptors the parent may pass anywhere: never the console (0 would
 * block on input, 1 and 2 carry the report). */
static uint64_t file_fd(void)
{
    switch (below(4)) {
    case 0: return (uint64_t)-1;
    case 1: return 1ul << (31 + below(33));
    default: return 3 + below(18);
    }
}

/* ---- bookkeeping --------------------------------------------------------- */

static unsigned long results[NERR + 1];   /* [0]: success, [e]: -e, [NERR]: other */
static unsigned long storms, forks, fork_eagain, fork_enomem, fork_other;
static unsigned long kids_exited, kids_killed[65], kids_weird;
static unsigned long unexpected, violations;
static uint64_t kept_maps[MAPS_KEPT][2];
static unsigned kept_next;

static void count_result(long r)
{
    if (r >= 0 || r < -4095)
        results[0]++;
    else if (-r < NERR)
        results[-r]++;
    else
        results[NERR]++;
}

/* The errno values Isola returns (docs/syscalls.md); anything else is odd. */
static int known_errno(long e)
{
    static const int ok[] = { 1, 2, 3, 4, 7, 8, 9, 10, 11, 12, 14, 19, 20, 22, 24, 25, 29, 30, 36, 38 };
    for (unsigned i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (e == ok[i])
            return 1;
    return 0;
}

static void note(long r)
{
    count_result(r);
    if (r < 0 && r >= -4095 && !known_errno(-r)) {
        unexpected++;
        fprintf(stderr, "fuzz: unexpected errno %ld\n", -r);
    }
}

/* A call that had to fail (a bad pointer it must dereference) succeeded. */
static void must_fail(const char *what, long r)
{
    if (r >= 0) {
        violations++;
        fprintf(stderr, "fuzz: %s succeeded with a bad pointer (%ld)\n", what, r);
    }
}

/* ---- the calls ----------------------------------------------------------- */

static long c_read(void) { return sys6(0, (long)file_fd(), (long)any_ptr(), (long)any_len(), 0, 0, 0); }

static long c_write(void)
{
    uint64_t fd = file_fd();
    if (one_in(3))                       /* the console, only with buffers that must fault */
        return sys6(1, 1 + (long)below(2), (long)bad_ptr(), 1 + (long)below(64), 0, 0, 0);
    return sys6(1, (long)fd, (long)any_ptr(), (long)any_len(), 0, 0, 0);
}

/* A path: a bad pointer, a file that exists, one that does not, a long one. */
static uint64_t any_path(void)
{
    static const char *const names[] = { "/bin/echo", "/init", "/proc/isola/ps", "/nonexistent",
                                         "", "/bin/", "/bin/fuzz-garbage", "/bin/fuzz-truncated" };
    char *p = (char *)scratch + 16 * PAGE;
    switch (below(5)) {
    case 0: case 1: return bad_ptr();
    case 2: memset(p, 'a', 300); p[300] = 0; return (uint64_t)p;
    case 3: memset(p, 'b', PAGE); return (uint64_t)p + PAGE - 300;   /* runs into the unmapped page */
    default: strcpy(p, names[below(8)]); return (uint64_t)p;
    }
}

static long c_open(void) { return sys6(2, (long)any_path(), (long)rnd() & 0x1ffff, 0, 0, 0, 0); }
static long c_close(void) { return sys6(3, (long)file_fd(), 0, 0, 0, 0, 0); }
static long c_lseek(void) { return sys6(8, (long)file_fd(), (long)(rnd() >> below(64)), (long)below(5), 0, 0, 0); }

extern char __executable_start[], _end[];

/* True iff [a, a + len) may be mapped, unmapped or re-protected without
 * harming the fuzzer: it misses the first 64 KiB (NULL stays a bad
 * pointer), the program image (canary included), scratch with its guard
 * pages, and the stack's top 16 MiB (guard page included). */
static int map_range_safe(uint64_t a, uint64_t len)
{
    uint64_t end = a + len < a ? ~0ul : a + len;
    uint64_t img_lo = (uint64_t)__executable_start & ~(PAGE - 1), img_hi = (uint64_t)_end;
    if (a < 0x10000 || (a < img_hi + PAGE && end > img_lo))
        return 0;
    if (a < SCRATCH + (SCRATCH_PAGES + 1) * PAGE && end > SCRATCH - PAGE)
        return 0;
    return !(a < STACK_TOP && end > STACK_TOP - (16ul << 20));
}

/* Addresses for the mapping calls: the arena and its neighbours, the
 * shadow area, and the refusals. */
static uint64_t map_addr(void)
{
    switch (below(6)) {
    case 0: return any_ptr();
    case 1: return SHADOW_BASE + below(66) * PAGE;
    default: return ARENA + below(ARENA_PAGES + 4) * PAGE;
    }
}

/* Lengths for the mapping calls: mostly a few pages, sometimes huge. */
static uint64_t map_len(void)
{
    return one_in(32) ? any_len() : PAGE * (1 + below(8)) - (one_in(4) ? below(PAGE) : 0);
}

/* An (address, length) for munmap/mprotect/MAP_FIXED: drawn, and moved to
 * the arena when it would hit the fuzzer's own memory. */
static void map_args(uint64_t *a, uint64_t *len)
{
    *a = map_addr();
    *len = map_len();
    if (!map_range_safe(*a, *len)) {
        *a = ARENA + below(ARENA_PAGES) * PAGE;
        if (!map_range_safe(*a, *len))
            *len = PAGE;
    }
}

static long c_mmap(void)
{
    uint64_t flags = one_in(10) ? rnd() : (0x02 | 0x20 | (one_in(2) ? 0x10 : 0));   /* PRIVATE|ANON[|FIXED] */
    uint64_t prot = one_in(10) ? rnd() : below(8);
    uint64_t addr, len;
    map_args(&addr, &len);
    long r = sys6(9, (long)addr, (long)len, (long)prot, (long)flags, -1, 0);
    if (r >= 0 && !(flags & 0x10)) {          /* not ours to keep: unmapped later */
        uint64_t *k = kept_maps[kept_next++ % MAPS_KEPT];
        if (k[1])
            sys6(11, (long)k[0], (long)k[1], 0, 0, 0, 0);
        k[0] = (uint64_t)r;
        k[1] = len;
    }
    return r;
}

static long c_munmap(void)
{
    uint64_t a, len;
    map_args(&a, &len);
    return sys6(11, (long)a, (long)len, 0, 0, 0, 0);
}

static long c_mprotect(void)
{
    uint64_t a, len;
    map_args(&a, &len);
    return sys6(10, (long)a, (long)len, (long)(one_in(10) ? rnd() : below(8)), 0, 0, 0);
}

static long c_brk(void)
{
    long cur = sys6(12, 0, 0, 0, 0, 0, 0);
    switch (below(4)) {
    case 0: return sys6(12, (long)any_ptr(), 0, 0, 0, 0, 0);
    case 1: return sys6(12, cur + (long)below(64 * PAGE), 0, 0, 0, 0, 0);
    case 2: return sys6(12, cur - (long)below(64 * PAGE), 0, 0, 0, 0, 0);
    default: return sys6(12, cur + (long)(1ul << (20 + below(one_in(16) ? 12 : 5))), 0, 0, 0, 0, 0);
    }
}

/* Signals: the new action is never installed (NULL or a bad pointer). */
static long c_sigaction(void)
{
    uint64_t act = one_in(2) ? 0 : bad_ptr();
    return sys6(13, (long)below(70), (long)act, (long)any_ptr(), (long)(one_in(2) ? 8 : any_len()), 0, 0);
}

static long c_sigprocmask(void)
{
    return sys6(14, (long)below(4), (long)(one_in(2) ? 0 : bad_ptr()), (long)any_ptr(), 8, 0, 0);
}

static long c_ioctl(void) { return sys6(16, (long)(one_in(3) ? below(3) : file_fd()), (long)rnd(), (long)any_ptr(), 0, 0, 0); }

/* writev: any iovec array on files; on the console only arrays whose
 * entries all point at bad buffers. */
static long c_writev(void)
{
    uint64_t *iov = (uint64_t *)(scratch + 8 * PAGE);
    uint64_t cnt = one_in(8) ? any_len() : below(8);
    int console = one_in(3);
    for (unsigned i = 0; i < 16; i++) {
        iov[2 * i] = console ? bad_ptr() : any_ptr();
        iov[2 * i + 1] = console ? 1 + below(64) : any_len();
    }
    uint64_t arr = one_in(3) ? (console ? bad_ptr() : any_ptr()) : (uint64_t)iov;
    if (console && cnt > 16)
        cnt = 16;
    return sys6(20, console ? 1 + (long)below(2) : (long)file_fd(), (long)arr, (long)cnt, 0, 0, 0);
}

/* nanosleep: bad pointers, invalid times, or at most 10 ms. */
static long c_nanosleep(void)
{
    int64_t *ts = (int64_t *)(scratch + 9 * PAGE);
    switch (below(3)) {
    case 0: {
        long r = sys6(35, (long)bad_ptr(), 0, 0, 0, 0, 0);
        must_fail("nanosleep", r);
        return r;
    }
    case 1: ts[0] = -(int64_t)below(5) - 1; ts[1] = (int64_t)rnd() | 1000000000; break;
    default: ts[0] = 0; ts[1] = (int64_t)below(10000000); break;
    }
    return sys6(35, (long)ts, (long)any_ptr(), 0, 0, 0, 0);
}

static long c_simple(void)
{
    static const long nrs[] = { 24, 39, 110, 186 };     /* sched_yield getpid getppid gettid */
    return sys6(nrs[below(4)], (long)rnd(), (long)rnd(), 0, 0, 0, 0);
}

static long c_set_tid_address(void) { return sys6(218, (long)any_ptr(), 0, 0, 0, 0, 0); }

/* execve that must fail: a bad path or path pointer, a missing or invalid
 * file, or a real program with a bad argv/envp (a bad pointer in the
 * vector, never a NULL vector), or too many arguments. */
static long c_execve(void)
{
    uint64_t *vec = (uint64_t *)(scratch + 10 * PAGE);
    uint64_t path = any_path();
    char *s = (char *)scratch + 17 * PAGE;
    strcpy(s, "x");
    switch (below(4)) {
    case 0:
        return sys6(59, (long)path, (long)bad_ptr() | 1, (long)(vec), 0, 0, 0);
    case 1:
        vec[0] = (uint64_t)s; vec[1] = bad_ptr() | 1; vec[2] = 0;
        return sys6(59, (long)path, (long)vec, (long)(one_in(2) ? 0 : vec), 0, 0, 0);
    case 2:
        vec[0] = (uint64_t)s; vec[1] = 0;
        return sys6(59, (long)path, (long)vec, (long)bad_ptr() | 1, 0, 0, 0);
    default:
        for (unsigned i = 0; i < 3000; i++)             /* more than the kernel takes */
            vec[i] = (uint64_t)s;
        vec[3000] = 0;
        return sys6(59, (long)path, (long)vec, 0, 0, 0, 0);
    }
}

/* wait4: never blocks in the parent (it has no children between storms). */
static long c_wait4(void)
{
    static const long pids[] = { -1, 0, 1, 2, 0x7fffffff, -0x7fffffff };
    long pid = one_in(2) ? pids[below(6)] : (long)rnd();
    return sys6(61, pid, (long)any_ptr(), (long)(one_in(4) ? rnd() : below(4)), (long)any_ptr(), 0, 0);
}

/* kill: never the fuzzer itself except with signal 0 or 17 (ignored). */
static long c_kill(void)
{
    long me = sys6(39, 0, 0, 0, 0, 0, 0);
    long sig = (long)below(70) - 2;
    switch (below(3)) {
    case 0: return sys6(62, me, one_in(2) ? 0 : 17, 0, 0, 0, 0);
    case 1: return sys6(62, 100000 + (long)below(1000000), sig, 0, 0, 0, 0);   /* no such pid */
    default: return sys6(62, -2 - (long)below(1000), sig, 0, 0, 0, 0);         /* no such group */
    }
}

static long c_uname(void)
{
    int c = (int)below(P_CLASSES);
    long r = sys6(63, (long)ptr_of(c), 0, 0, 0, 0, 0);
    if (class_is_bad(c))
        must_fail("uname", r);
    return r;
}

static long c_sysinfo(void)
{
    int c = (int)below(P_CLASSES);
    long r = sys6(99, (long)ptr_of(c), 0, 0, 0, 0, 0);
    if (class_is_bad(c))
        must_fail("sysinfo", r);
    return r;
}

/* arch_prctl: SET_FS only with values that must be refused (musl's TLS
 * lives at the current FS base). */
static long c_arch_prctl(void)
{
    switch (below(3)) {
    case 0: return sys6(158, 0x1002, (long)(one_in(2) ? KERNEL_TEXT : NONCANON + below(1ul << 40)), 0, 0, 0, 0);
    case 1: return sys6(158, 0x1003, (long)any_ptr(), 0, 0, 0, 0);
    default: {
        long code = (long)below(0x2000);
        if (code == 0x1001 || code == 0x1002)
            code = 0x1004;
        return sys6(158, code, (long)any_ptr(), 0, 0, 0, 0);
    }
    }
}

static long c_clock_gettime(void)
{
    int c = (int)below(P_CLASSES);
    long clk = one_in(2) ? (long)below(12) : (long)rnd();
    long r = sys6(228, clk, (long)ptr_of(c), 0, 0, 0, 0);
    if (class_is_bad(c) && (clk == 0 || clk == 1))
        must_fail("clock_gettime", r);
    return r;
}

/* A number Isola does not implement (docs/syscalls.md): ENOSYS. */
static long c_unknown(void)
{
    static const long implemented[] = { 0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 16, 20, 24, 35, 39, 57, 59,
                                        60, 61, 62, 63, 99, 110, 158, 186, 218, 228, 231 };
    long n = one_in(2) ? (long)below(600) : (long)rnd();
    for (unsigned i = 0; i < sizeof implemented / sizeof implemented[0]; i++)
        if (n == implemented[i])
            n = 1000 + n;
    long r = sys6(n, (long)any_ptr(), (long)any_len(), (long)rnd(), (long)rnd(), (long)rnd(), (long)rnd());
    if (r != -38)
        violations++, fprintf(stderr, "fuzz: syscall %ld gave %ld, not ENOSYS\n", n, r);
    return r;
}

struct entry { const char *name; long (*call)(void); unsigned weight; unsigned long n; };

static long c_storm(void);

static struct entry table[] = {
    { "read", c_read, 6, 0 }, { "write", c_write, 6, 0 }, { "open", c_open, 5, 0 }, { "close", c_close, 4, 0 },
    { "lseek", c_lseek, 3, 0 }, { "mmap", c_mmap, 8, 0 }, { "munmap", c_munmap, 6, 0 }, { "mprotect", c_mprotect, 8, 0 },
    { "brk", c_brk, 4, 0 }, { "rt_sigaction", c_sigaction, 2, 0 }, { "rt_sigprocmask", c_sigprocmask, 2, 0 },
    { "ioctl", c_ioctl, 2, 0 }, { "writev", c_writev, 4, 0 }, { "nanosleep", c_nanosleep, 2, 0 },
    { "yield/getpid/getppid/gettid", c_simple, 2, 0 }, { "set_tid_address", c_set_tid_address, 1, 0 },
    { "execve", c_execve, 4, 0 }, { "wait4", c_wait4, 3, 0 }, { "kill", c_kill, 3, 0 }, { "uname", c_uname, 2, 0 },
    { "sysinfo", c_sysinfo, 2, 0 }, { "arch_prctl", c_arch_prctl, 2, 0 }, { "clock_gettime", c_clock_gettime, 2, 0 },
    { "unknown", c_unknown, 5, 0 }, { "fork storm", c_storm, 1, 0 },
};
#define NCALLS (sizeof table / sizeof table[0])

/* One call drawn by weight; its result counted. */
static void one_call(void)
{
    static unsigned total;
    if (!total)
        for (unsigned i = 0; i < NCALLS; i++)
            total += table[i].weight;
    unsigned k = (unsigned)below(total), i = 0;
    while (k >= table[i].weight)
        k -= table[i++].weight;
    if (in_child && table[i].call == c_storm)
        i = 0;
    table[i].n++;
    if (verbose)
        fprintf(stderr, "%s%s\n", in_child ? "  child: " : "", table[i].name);
    note(table[i].call());
}

/* ---- fork storms --------------------------------------------------------- */

/* A child of a storm: no console, a few hostile calls (it may fork once
 * more), then one ending: exit, exit_group, a fault, an execve of a real or
 * garbage program, or a kill of itself. */
static void storm_child(uint64_t seed)
{
    in_child = 1;
    rng = seed | 1;
    sys6(3, 1, 0, 0, 0, 0, 0);
    if (!verbose)
        sys6(3, 2, 0, 0, 0, 0, 0);
    unsigned calls = (unsigned)below(20);
    for (unsigned i = 0; i < calls; i++)
        one_call();
    if (one_in(4) && sys6(57, 0, 0, 0, 0, 0, 0) == 0)
        sys6(60, 9, 0, 0, 0, 0, 0);                      /* a grandchild, orphaned at once */
    static const char *const progs[] = { "/bin/echo", "/bin/fuzz-garbage", "/bin/fuzz-truncated", "/bin/free" };
    uint64_t argv[2] = { (uint64_t)progs[0], 0 };
    int end = (int)below(6);
    if (verbose)
        fprintf(stderr, "  child: ending %d\n", end);
    switch (end) {
    case 0: sys6(231, (long)rnd(), 0, 0, 0, 0, 0); break;
    case 1: sys6(60, (long)rnd(), 0, 0, 0, 0, 0); break;
    case 2: *(volatile char *)bad_ptr() = 1; break;
    case 3: argv[0] = (uint64_t)progs[below(4)]; sys6(59, (long)argv[0], (long)argv, 0, 0, 0, 0); break;
    case 4: sys6(62, sys6(39, 0, 0, 0, 0, 0, 0), one_in(2) ? 9 : 15, 0, 0, 0, 0); break;
    default: sys6(11, (long)((uint64_t)&rnd & ~(PAGE - 1)), (long)PAGE, 0, 0, 0, 0); break;   /* own text */
    }
    sys6(231, 0, 0, 0, 0, 0, 0);
}

/* Forks 1..STORM_MAX children at once (past the table's end sometimes),
 * then reaps every child and orphan, counting how each ended. */
static long c_storm(void)
{
    unsigned n = one_in(4) ? STORM_MAX : 1 + (unsigned)below(8);
    long last = 0;
    storms++;
    fflush(stdout);
    for (unsigned i = 0; i < n; i++) {
        uint64_t seed = rnd();
        long pid = sys6(57, 0, 0, 0, 0, 0, 0);
        if (pid == 0)
            storm_child(seed);
        if (pid > 0)
            forks++;
        else if (pid == -11)
            fork_eagain++;
        else if (pid == -12)
            fork_enomem++;
        else
            fork_other++;
        last = pid;
    }
    int st;
    long w;
    while ((w = sys6(61, -1, (long)&st, 0, 0, 0, 0)) > 0 || w == -4) {
        if (w < 0)
            continue;
        if ((st & 0x7f) == 0)
            kids_exited++;
        else if ((st & 0x7f) <= 64)
            kids_killed[st & 0x7f]++;
        else
            kids_weird++;
    }
    if (w != -10) {
        unexpected++;
        fprintf(stderr, "fuzz: reaping ended with %ld, not ECHILD\n", w);
    }
    return last;
}

/* Every 500 calls: memory back to the start (arena remapped, break back,
 * kept mappings and everything in the arena's terabyte unmapped), so the
 * fuzzer's own appetite does not leave every later call out of memory. */
static void fresh_memory(uint64_t brk0)
{
    sys6(11, (long)ARENA, 1l << 40, 0, 0, 0, 0);
    sys6(9, (long)ARENA, (long)(ARENA_PAGES * PAGE), 3, 0x32, -1, 0);
    sys6(12, (long)brk0, 0, 0, 0, 0, 0);
    for (unsigned i = 0; i < MAPS_KEPT; i++)
        if (kept_maps[i][1]) {
            sys6(11, (long)kept_maps[i][0], (long)kept_maps[i][1], 0, 0, 0, 0);
            kept_maps[i][1] = 0;
        }
}

/* ---- checks and report --------------------------------------------------- */

static void canary_fill(void)
{
    for (unsigned i = 0; i < sizeof canary; i++)
        canary[i] = (unsigned char)(i * 131 + 7);
}

static int canary_ok(void)
{
    for (unsigned i = 0; i < sizeof canary; i++)
        if (canary[i] != (unsigned char)(i * 131 + 7))
            return 0;
    return 1;
}

static const char *errno_name(int e)
{
    static const char *const names[] = { [1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH", [4] = "EINTR",
        [7] = "E2BIG", [8] = "ENOEXEC", [9] = "EBADF", [10] = "ECHILD", [11] = "EAGAIN", [12] = "ENOMEM",
        [14] = "EFAULT", [19] = "ENODEV", [20] = "ENOTDIR", [22] = "EINVAL", [24] = "EMFILE",
        [25] = "ENOTTY", [29] = "ESPIPE", [30] = "EROFS", [36] = "ENAMETOOLONG", [38] = "ENOSYS" };
    return e < (int)(sizeof names / sizeof names[0]) && names[e] ? names[e] : 0;
}

static void report(unsigned long n, uint64_t seed, int ok_canary, int ok_pid)
{
    printf("fuzz: seed %llu, %lu calls\n", (unsigned long long)seed, n);
    printf("fuzz: calls:");
    for (unsigned i = 0; i < NCALLS; i++)
        printf(" %s=%lu", table[i].name, table[i].n);
    printf("\nfuzz: results: ok=%lu", results[0]);
    for (int e = 1; e < NERR; e++)
        if (results[e]) {
            const char *nm = errno_name(e);
            if (nm)
                printf(" %s=%lu", nm, results[e]);
            else
                printf(" errno%d=%lu", e, results[e]);
        }
    if (results[NERR])
        printf(" other=%lu", results[NERR]);
    printf("\nfuzz: storms=%lu forks=%lu fork_EAGAIN=%lu fork_ENOMEM=%lu fork_other=%lu\n",
           storms, forks, fork_eagain, fork_enomem, fork_other);
    printf("fuzz: children: exited=%lu", kids_exited);
    for (int s = 1; s <= 64; s++)
        if (kids_killed[s])
            printf(" signal%d=%lu", s, kids_killed[s]);
    printf(" other=%lu\n", kids_weird);
    printf("fuzz: checks: canary %s, pid %s, unexpected results %lu, must-fail violations %lu\n",
           ok_canary ? "intact" : "CHANGED", ok_pid ? "same" : "CHANGED", unexpected, violations);
}

/* True iff we run on Isola: elsewhere "unknown" numbers are real calls
 * with random arguments, so the fuzzer refuses to start. */
static int on_isola(void)
{
    char u[6 * 65];
    return sys6(63, (long)u, 0, 0, 0, 0, 0) == 0 && strcmp(u, "Isola") == 0;
}

int main(int argc, char **argv)
{
    if (!on_isola()) {
        fprintf(stderr, "fuzz: not on Isola: refusing to make random system calls here\n");
        return 2;
    }
    unsigned long n = argc > 1 ? strtoul(argv[1], 0, 0) : 10000;
    uint64_t seed = argc > 2 ? strtoull(argv[2], 0, 0) : 1;
    verbose = argc > 3 && strcmp(argv[3], "v") == 0;
    rng = (seed ^ 0x9E3779B97F4A7C15ull) | 1;
    canary_fill();
    long pid = sys6(39, 0, 0, 0, 0, 0, 0);
    uint64_t brk0 = (uint64_t)sys6(12, 0, 0, 0, 0, 0, 0);
    if (sys6(9, (long)SCRATCH, (long)(SCRATCH_PAGES * PAGE), 3, 0x32, -1, 0) != (long)SCRATCH) {
        fprintf(stderr, "fuzz: cannot map scratch\n");
        return 1;
    }
    /* the arena: mapped, then torn apart by the calls */
    sys6(9, (long)ARENA, (long)(ARENA_PAGES * PAGE), 3, 0x32, -1, 0);
    int ok_canary = 1, ok_pid = 1;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (unsigned long i = 1; i <= n; i++) {
        one_call();
        if (i % 500 == 0)
            fresh_memory(brk0);
        if (i % 1000 == 0 || i == n) {
            ok_canary &= canary_ok();
            ok_pid &= sys6(39, 0, 0, 0, 0, 0, 0) == pid;
        }
        if (i % 10000 == 0) {
            clock_gettime(CLOCK_MONOTONIC, &t1);
            fprintf(stderr, "fuzz: %lu calls, %ld s\n", i, (long)(t1.tv_sec - t0.tv_sec));
        }
    }
    /* nothing left behind: no child, every kept mapping released */
    int st;
    if (sys6(61, -1, (long)&st, 1, 0, 0, 0) != -10)
        unexpected++;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    report(n, seed, ok_canary, ok_pid);
    printf("fuzz: %ld s\n", (long)(t1.tv_sec - t0.tv_sec));
    int pass = ok_canary && ok_pid && unexpected == 0 && violations == 0;
    printf("fuzz: %s\n", pass ? "passed" : "FAILED");
    fflush(stdout);
    return pass ? 0 : 1;
}
