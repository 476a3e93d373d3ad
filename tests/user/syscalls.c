/* Calls outside Isola's list give ENOSYS (numbers that are ENOSYS on Linux
 * too), and the small calls behave as on Linux: ids, exit vs exit_group,
 * ioctl ENOTTY, EBADF, sched_yield, nanosleep (1 ms sleeps end near 1 ms), clocks, uname, sigaction and
 * sigprocmask accepted, arch_prctl(ARCH_GET_FS), set_tid_address, sysinfo. */
#define ARCH_GET_FS 0x1003   /* <asm/prctl.h>, not in musl-dev */
#include <sys/ioctl.h>
#include <sys/sysinfo.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include "t.h"

/* Numbers that are ENOSYS on Linux 6.x too: removed calls (174..185, 236),
 * the unused gap 336..423 (not 335: uretprobe, SIGILL outside a trampoline)
 * and numbers beyond the table. */
static void enosys(void)
{
    static const long nrs[] = { 174, 177, 178, 180, 181, 182, 184, 185, 236, 400, 1000, 100000, -1 };
    for (unsigned i = 0; i < sizeof nrs / sizeof nrs[0]; i++) {
        char what[48];
        snprintf(what, sizeof what, "syscall %ld", nrs[i]);
        t_expect_err(what, syscall(nrs[i], 0, 0, 0, 0, 0, 0), ENOSYS);
    }
}

static void ids(void)
{
    pid_t me = getpid();
    t_check("gettid equals getpid", syscall(SYS_gettid) == me);
    t_check("set_tid_address returns the tid", syscall(SYS_set_tid_address, NULL) == me);
    pid_t c = t_fork();
    if (c == 0)
        _exit((getppid() == me ? 0x80 : 0) | (getpid() & 0x7f));
    t_check("fork returns a new pid to the parent", c > 0 && c != me);
    int st = t_wait(c);
    t_check("child sees its parent and its own pid", st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == (0x80 | (c & 0x7f)));
    t_check("pid unchanged in the parent", getpid() == me);
    t_expect_err("kill(self, 0)", kill(me, 0), 0);
}

static void exits(void)
{
    pid_t c = t_fork();
    if (c == 0)
        syscall(SYS_exit, 5);
    t_expect_status("exit(5)", t_wait(c), "exited 5");
    c = t_fork();
    if (c == 0)
        syscall(SYS_exit_group, 6);
    t_expect_status("exit_group(6)", t_wait(c), "exited 6");
    c = t_fork();
    if (c == 0)
        exit(300);
    t_expect_status("exit(300)", t_wait(c), "exited 44");
}

static void fds(void)
{
    struct winsize ws;
    t_expect_err("ioctl(1, TIOCGWINSZ)", ioctl(1, TIOCGWINSZ, &ws), ENOTTY);
    t_expect_err("write to fd 99", write(99, "x", 1), EBADF);
    t_expect_err("read from fd 99", read(99, &ws, 1), EBADF);
    t_expect_err("close of fd 99", close(99), EBADF);
    t_expect_err("write to fd -1", write(-1, "x", 1), EBADF);
    t_check("write of 0 bytes returns 0", write(1, "", 0) == 0);
    struct iovec iov[3] = { { "writev ", 7 }, { "", 0 }, { "joins 3 iovecs\n", 15 } };
    fflush(stdout);
    t_check("writev returns the total", writev(1, iov, 3) == 22);
    t_expect_err("lseek on stdout", lseek(1, 0, SEEK_SET), ESPIPE);
}

static void time_calls(void)
{
    t_check("sched_yield returns 0", sched_yield() == 0);
    long long t0 = t_now_ns();
    struct timespec req = { 0, 30 * 1000000L };
    t_check("nanosleep(30 ms) returns 0", nanosleep(&req, NULL) == 0);
    long long t1 = t_now_ns();
    t_check("at least 30 ms passed", t1 - t0 >= 30 * 1000000LL);
    t_check("and less than 2 s", t1 - t0 < 2000 * 1000000LL);
    /* A short sleep ends near its deadline (Linux: hrtimers; a tick-based
     * sleep would take 10-20 ms each). */
    struct timespec ms1 = { 0, 1000000L };
    long long s0 = t_now_ns();
    int slept = 1;
    for (int i = 0; i < 5; i++)
        slept &= nanosleep(&ms1, NULL) == 0;
    long long s1 = t_now_ns();
    t_check("5 x nanosleep(1 ms) take at least 5 ms", slept && s1 - s0 >= 5 * 1000000LL);
    t_check("and less than 25 ms", s1 - s0 < 25 * 1000000LL);
    struct timespec bad = { 0, 1000000000L };
    t_expect_err("nanosleep with tv_nsec = 1e9", nanosleep(&bad, NULL), EINVAL);
    struct timespec rt;
    t_check("CLOCK_REALTIME after 2020", clock_gettime(CLOCK_REALTIME, &rt) == 0 && rt.tv_sec > 1577836800);
    long long prev = t_now_ns(), back = 0;
    for (int i = 0; i < 1000; i++) {
        long long now = t_now_ns();
        back |= now < prev;
        prev = now;
    }
    t_check("CLOCK_MONOTONIC never goes back", !back);
    /* Resolution: the smallest of 5 steps of the clock seen by a loop that
     * reads it until it changes (Linux: nanoseconds; a tick clock: 10 ms). */
    long long step = -1;
    for (int i = 0; i < 5; i++) {
        long long a = t_now_ns(), b;
        while ((b = t_now_ns()) == a)
            ;
        if (step < 0 || b - a < step)
            step = b - a;
    }
    t_check("CLOCK_MONOTONIC steps by less than 1 ms", step < 1000000LL);
}

static void misc(void)
{
    struct utsname u;
    t_check("uname machine is x86_64", uname(&u) == 0 && strcmp(u.machine, "x86_64") == 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    t_expect_err("sigaction(SIGUSR1) accepted", sigaction(SIGUSR1, &sa, NULL), 0);
    sigset_t set;
    sigemptyset(&set);
    t_expect_err("sigprocmask accepted", sigprocmask(SIG_SETMASK, &set, NULL), 0);
    unsigned long fs = 0, self;
    __asm__("mov %%fs:0, %0" : "=r"(self));
    t_check("arch_prctl(ARCH_GET_FS) is the thread pointer",
            syscall(SYS_arch_prctl, ARCH_GET_FS, &fs) == 0 && fs == self);
    struct sysinfo si;
    t_check("sysinfo reports free and total RAM",
            sysinfo(&si) == 0 && si.freeram > 0 && si.totalram >= si.freeram);
}

int main(void)
{
    t_init();
    enosys();
    ids();
    exits();
    fds();
    time_calls();
    misc();
    t_expect_err("no children left", wait4(-1, NULL, 0, NULL), ECHILD);
    return t_done();
}
