/* forkbench: fork + exit + wait cycles timed with clock_gettime(CLOCK_MONOTONIC),
 * run as init (pid 1) on Isola and on Linux by `make bench`, and once per
 * size by `make bench-smoke`. Prints one "forkbench: ..." line per figure
 * (parsed by bench/bench.py), each phase opened by a "forkbench: begin"
 * line so the host can time it by the serial output too; exits 0 when every child exited 0 and saw the
 * parent's bytes. As pid 1 it powers the machine off at the end
 * (reboot(RB_POWER_OFF); on Isola that call fails and init's exit does it). */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096ul

/* Seconds since an arbitrary origin, from CLOCK_MONOTONIC. */
static double fb_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One cycle: fork a child that checks one byte of each touched region end
 * and exits 0, then reap it. Returns 0 if the child exited 0, -1 otherwise. */
static int fb_cycle(const unsigned char *mem, size_t pages)
{
    pid_t pid = fork();
    if (pid < 0) {
        printf("forkbench: fork failed: %s\n", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        int bad = pages && (mem[0] != 1 || mem[(pages - 1) * PAGE] != (unsigned char)(pages & 0xff));
        _exit(bad ? 3 : 0);
    }
    int st = 0;
    if (wait4(pid, &st, 0, NULL) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        printf("forkbench: child %d ended with status 0x%x\n", (int)pid, st);
        return -1;
    }
    return 0;
}

/* Runs cycles until min_n cycles and either min_s seconds or max_n cycles
 * have passed (max_n bounds the run when a kernel's clock runs slow); stores
 * the count and the elapsed seconds. Returns 0, or -1 on a failure. */
static int fb_measure(const unsigned char *mem, size_t pages, double min_s, long min_n,
                      long max_n, long *n_out, double *s_out)
{
    long n = 0;
    double t0 = fb_now(), el = 0;
    do {
        if (fb_cycle(mem, pages) != 0)
            return -1;
        n++;
        el = fb_now() - t0;
    } while (n < min_n || (el < min_s && n < max_n));
    *n_out = n;
    *s_out = el;
    return 0;
}

/* An anonymous region of `pages` pages, each written once (page i holds
 * (i + 1) & 0xff in its first byte). NULL if mmap fails. */
static unsigned char *fb_touch(size_t pages)
{
    unsigned char *m = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        printf("forkbench: mmap of %zu pages failed: %s\n", pages, strerror(errno));
        return NULL;
    }
    for (size_t i = 0; i < pages; i++)
        m[i * PAGE] = (unsigned char)((i + 1) & 0xff);
    return m;
}

/* The rate of fork+exit+wait cycles for a small process, printed as
 * "forkbench: <label> cycles=N seconds=S per_s=R" after a "begin <label>"
 * line; 0, or -1 if a cycle failed. */
static int fb_rate(const char *label, double min_s, long min_n)
{
    long n;
    double s;
    printf("forkbench: begin %s\n", label);
    if (fb_measure(NULL, 0, min_s, min_n, 100000, &n, &s) != 0)
        return -1;
    printf("forkbench: %s cycles=%ld seconds=%.4f per_s=%.1f\n", label, n, s, s > 0 ? n / s : 0.0);
    return 0;
}

/* Free memory in bytes (sysinfo), as a signed number so that a rise
 * cannot wrap a difference. */
static long fb_free_bytes(void)
{
    struct sysinfo si;
    if (sysinfo(&si) != 0)
        return 0;
    return (long)si.freeram * (long)si.mem_unit;
}

/* The small-process rate while another process holds `pages` touched
 * pages: a holder is forked first, touches its pages (fb_touch) and
 * sleeps; once free memory has gone down by (most of) as much, the rate is measured
 * as "rate_beside", then the holder is killed and reaped. The holder's
 * frames are taken before any child of the rate loop: on Isola they lie
 * below those children's frames, which an exit's scan must not pay for.
 * 0, or -1 on a failure (the holder is killed and reaped either way). */
static int fb_rate_beside(double min_s, long min_n, size_t pages)
{
    long before = fb_free_bytes();
    pid_t holder = fork();
    if (holder < 0) {
        printf("forkbench: fork of the holder failed: %s\n", strerror(errno));
        return -1;
    }
    if (holder == 0) {
        if (!fb_touch(pages))
            _exit(4);
        for (;;) {
            struct timespec ts = { 1, 0 };
            nanosleep(&ts, NULL);
        }
    }
    int status = 0;
    double t0 = fb_now();
    /* Seven eighths of them: Linux frees a little elsewhere meanwhile. */
    while (before - fb_free_bytes() < (long)(pages * PAGE / 8 * 7)) {
        if (fb_now() - t0 > 30) {
            printf("forkbench: the holder's %zu pages did not show in free memory in 30 s\n", pages);
            status = -1;
            break;
        }
        sched_yield();
    }
    if (status == 0) {
        printf("forkbench: holder pages=%zu ready_s=%.4f\n", pages, fb_now() - t0);
        status = fb_rate("rate_beside", min_s, min_n);
    }
    int st = 0;
    kill(holder, SIGKILL);
    if (waitpid(holder, &st, 0) != holder || !WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL) {
        printf("forkbench: holder %d ended with status 0x%x\n", (int)holder, st);
        status = -1;
    }
    return status;
}

/* Powers off when we are init (Linux); elsewhere, or if refused, returns. */
static void fb_power_off(void)
{
    if (getpid() != 1)
        return;
    fflush(stdout);
    reboot(RB_POWER_OFF);
}

int main(int argc, char **argv)
{
    static const size_t sizes[] = { 1, 64, 1024, 8192 };
    static const long caps[] = { 100000, 100000, 100, 20 };   /* max cycles per size */
    int smoke = argc > 1 && strcmp(argv[1], "smoke") == 0;
    double min_s = smoke ? 0 : 1.0;
    long min_n = smoke ? 1 : 3;
    int status = 0;
    setvbuf(stdout, NULL, _IOLBF, 0);   /* every line out at once: the host times them */
    struct utsname u;
    uname(&u);
    printf("forkbench: kernel %s %s pid %d mode %s\n", u.sysname, u.release, (int)getpid(),
           smoke ? "smoke" : "full");
    long n;
    double s;
    if (fb_rate("rate", min_s, min_n) != 0)
        status = 1;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0] && status == 0; k++) {
        unsigned char *m = fb_touch(sizes[k]);
        printf("forkbench: begin pages=%zu\n", sizes[k]);
        if (!m || fb_measure(m, sizes[k], min_s, min_n, caps[k], &n, &s) != 0) {
            status = 1;
            break;
        }
        printf("forkbench: latency pages=%zu cycles=%ld seconds=%.4f us_per_cycle=%.1f\n",
               sizes[k], n, s, s / n * 1e6);
        munmap(m, sizes[k] * PAGE);
    }
    /* The small-process rate again, now that large processes have run and
     * exited and this process has unmapped its regions (on Isola, munmap
     * frees the page tables it emptied, so a fork does not copy them, and
     * an exit scans only below its own space's mark). */
    if (status == 0 && fb_rate("rate_after", min_s, min_n) != 0)
        status = 1;
    /* The same rate beside a process that holds 8192 pages (64 in smoke
     * mode), which are then below the frames of the rate's children. */
    if (status == 0 && fb_rate_beside(min_s, min_n, smoke ? 64 : 8192) != 0)
        status = 1;
    printf("forkbench: %s\n", status ? "failed" : "done");
    fb_power_off();
    return status;
}
