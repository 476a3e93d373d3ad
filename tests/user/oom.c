/* isola-mem: 32M
 * Out of frames, every allocating call fails cleanly: fork, execve, brk,
 * mmap and the page tables a far mapping needs. A child first maps single
 * pages until mmap says ENOMEM (Isola; Linux overcommits and stops at a
 * bound), then retries the call, giving back a few pages between tries:
 * on Isola every refused try must be ENOMEM (brk: the old break) with the
 * free-frame count (sysinfo) exactly as before the try, so every failure
 * point on the way (root, tables, pages, stack, clone's copy) is walked
 * and leaks nothing; the call works once enough is free. The parent checks
 * that the free count is back after reaping each child (Isola; Linux's
 * free memory moves on its own). Only host-independent relations are
 * printed; counts go to stderr. */
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include "t.h"

#define P        T_PAGE
#define FILL_MAX 16384                    /* 64 MiB: Linux stops here */
#define FAR_VA   0x300000000000UL         /* a PML4 slot nothing else uses */

extern char **environ;
static char *pages[FILL_MAX];
static int filled;
static int isola;

static long free_frames(void)
{
    struct sysinfo si;
    return sysinfo(&si) == 0 ? (long)(si.freeram * si.mem_unit / P) : -1;
}

/* Maps single pages until ENOMEM or FILL_MAX; returns the errno that ended it. */
static int fill(void)
{
    filled = 0;
    while (filled < FILL_MAX) {
        char *p = mmap(NULL, P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return errno;
        pages[filled++] = p;
    }
    return 0;
}

static void release(int k)
{
    while (k-- > 0 && filled > 0)
        munmap(pages[--filled], P);
}

/* The calls under test: 1 = worked, 0 = refused (errno set; brk: ENOMEM). */
static int try_fork(void)
{
    pid_t c = t_fork();
    if (c == 0)
        _exit(0);
    return c > 0 && t_wait(c) == 0;
}

static int try_exec(void)
{
    char *argv[] = { (char *)t_self, "exec-ok", NULL };
    execve(t_self, argv, environ);
    return 0;                                  /* only reached on failure */
}

static int try_brk(void)
{
    long b = syscall(SYS_brk, 0);
    if (syscall(SYS_brk, b + 16 * P) != b + 16 * (long)P) {
        errno = ENOMEM;
        return 0;
    }
    syscall(SYS_brk, b);
    return 1;
}

static int try_mmap(void)
{
    void *p = mmap(NULL, 16 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p != MAP_FAILED && munmap(p, 16 * P) == 0;
}

static int try_tables(void)
{
    void *p = mmap((void *)FAR_VA, P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    return p != MAP_FAILED && munmap(p, P) == 0;
}

/* In a child: fill memory, then try `call` up to `tries` times, giving back
 * `step` pages after each refusal. Exit 0 iff every refusal was ENOMEM with
 * nothing leaked and the call worked in the end (after giving everything
 * back if it had not yet). */
static void walk(int (*call)(void), int tries, int step, const char *name)
{
    volatile char stack[64 * 1024];
    stack[0] = stack[sizeof stack - 1] = 1;    /* stack pages mapped before memory runs out */
    int why = fill();
    int had = filled, refused = 0, bad = 0;
    for (int i = 0; i < tries; i++) {
        long f0 = free_frames();
        if (call())
            break;
        long f1 = free_frames();
        refused++;
        if (call == try_exec)                  /* a successful exec ends the loop unseen */
            fprintf(stderr, "oom: execve refused %d times so far\n", refused);
        if (errno != ENOMEM || (isola && f1 != f0)) {
            fprintf(stderr, "oom: %s try %d: %s, free frames %ld -> %ld\n", name, i, t_err(-1), f0, f1);
            bad++;
        }
        release(step);
    }
    int works = refused < tries;
    if (!works) {
        release(filled);
        works = call();
    }
    fprintf(stderr, "oom: %s: fill ended by %s after %d pages, %d refusals, then %s\n", name,
            t_errname(why), had, refused, works ? "worked" : "still refused");
    _exit(bad == 0 && works && (!isola || (why == ENOMEM && refused > 0)) ? 0 : 1);
}

static void walk_fork(uintptr_t u)   { (void)u; walk(try_fork, 40, 7, "fork"); }
static void walk_exec(uintptr_t u)   { (void)u; walk(try_exec, 400, 1, "execve"); }
static void walk_brk(uintptr_t u)    { (void)u; walk(try_brk, 100, 1, "brk"); }
static void walk_mmap(uintptr_t u)   { (void)u; walk(try_mmap, 100, 1, "mmap"); }
static void walk_tables(uintptr_t u) { (void)u; walk(try_tables, 20, 1, "page tables"); }

/* Runs walk_fn in a child; checks its status and that the free count is
 * back after reaping it (exact on Isola only). */
static void check(const char *what, void (*walk_fn)(uintptr_t))
{
    long before = free_frames();
    t_expect_child(what, walk_fn, 0, "exited 0");
    long after = free_frames();
    char line[160];
    snprintf(line, sizeof line, "%s: free memory back after the child", what);
    t_check(line, !isola || before == after);
    if (isola && before != after)
        fprintf(stderr, "oom: %s: free frames %ld before, %ld after\n", what, before, after);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "exec-ok") == 0)
        return 0;
    t_self = argv[0];
    t_init();
    struct utsname u;
    isola = uname(&u) == 0 && strcmp(u.sysname, "Isola") == 0;
    volatile char stack[64 * 1024];
    stack[0] = stack[sizeof stack - 1] = 1;
    check("fork out of frames: ENOMEM, nothing leaked, then works", walk_fork);
    check("execve out of frames: ENOMEM, nothing leaked, then works", walk_exec);
    check("brk out of frames: refused, nothing leaked, then works", walk_brk);
    check("mmap out of frames: ENOMEM, nothing leaked, then works", walk_mmap);
    check("page tables out of frames: ENOMEM, nothing leaked, then works", walk_tables);
    t_expect_err("no children left", wait4(-1, NULL, 0, NULL), ECHILD);
    return t_done();
}
