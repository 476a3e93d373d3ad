/* Helpers shared by the differential tests (tests/user/NAME.c). A test prints
 * only host-independent observations on stdout, one per line, and exits 0 iff
 * every self-check held; tests/user/run-tests compares stdout and status
 * between Linux and Isola. Diagnostics go to stderr (not compared). */
#ifndef T_H
#define T_H

#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#define T_PAGE 4096UL
#define T_KERNEL_TEXT ((uintptr_t)0xFFFFFFFF80100000ULL)  /* Isola's kernel .text */
#define T_DIRECT_MAP  ((uintptr_t)0xFFFF800000000000ULL)  /* start of the kernel half */
#define T_NONCANON    ((uintptr_t)0x0000800000000000ULL)  /* first non-canonical address */

static int t_failures __attribute__((unused));

/* Line-buffered stdout, so output survives a crash and is never duplicated
 * by fork (every helper also flushes before forking). */
static inline void t_init(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
}

/* Prints "what: yes" or "what: no"; a "no" makes the test fail. */
static inline void t_check(const char *what, int ok)
{
    printf("%s: %s\n", what, ok ? "yes" : "no");
    if (!ok)
        t_failures++;
}

/* Exit status of the test: 0 iff every check held. */
static inline int t_done(void)
{
    fflush(stdout);
    return t_failures ? 1 : 0;
}

/* Symbolic name of an errno value (the same on both systems). */
static inline const char *t_errname(int e)
{
    static char buf[16];
    switch (e) {
    case 0: return "OK";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case E2BIG: return "E2BIG";
    case ENOEXEC: return "ENOEXEC";
    case EBADF: return "EBADF";
    case ECHILD: return "ECHILD";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case ENOTTY: return "ENOTTY";
    case ESPIPE: return "ESPIPE";
    case EROFS: return "EROFS";
    case ENOSYS: return "ENOSYS";
    case ETXTBSY: return "ETXTBSY";
    }
    snprintf(buf, sizeof buf, "errno %d", e);
    return buf;
}

/* Result of a call returning -1/errno: "OK" or the errno name. */
static inline const char *t_err(long r)
{
    return t_errname(r < 0 ? errno : 0);
}

/* Prints "what: <errno name>" and checks it is the expected one. */
static inline void t_expect_err(const char *what, long r, int want)
{
    int got = r < 0 ? errno : 0;
    printf("%s: %s\n", what, t_errname(got));
    if (got != want)
        t_failures++;
}

static inline const char *t_signame(int s)
{
    static char buf[16];
    switch (s) {
    case SIGHUP: return "SIGHUP";
    case SIGINT: return "SIGINT";
    case SIGILL: return "SIGILL";
    case SIGTRAP: return "SIGTRAP";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGKILL: return "SIGKILL";
    case SIGSEGV: return "SIGSEGV";
    case SIGTERM: return "SIGTERM";
    }
    snprintf(buf, sizeof buf, "signal %d", s);
    return buf;
}

/* A wait status decoded: "exited N", "killed by SIGxxx" or "wait failed". */
static inline const char *t_status(int st)
{
    static char buf[40];
    if (st == -1)
        return "wait failed";
    if (WIFEXITED(st))
        snprintf(buf, sizeof buf, "exited %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        snprintf(buf, sizeof buf, "killed by %s", t_signame(WTERMSIG(st)));
    else
        snprintf(buf, sizeof buf, "status 0x%x", st);
    return buf;
}

/* fork() after flushing stdout; musl 1.2.3's fork() is the fork syscall. */
static inline pid_t t_fork(void)
{
    fflush(stdout);
    fflush(stderr);
    return fork();
}

/* Waits for pid; returns its wait status, or -1 if wait4 failed. */
static inline int t_wait(pid_t pid)
{
    int st;
    pid_t w;
    do
        w = wait4(pid, &st, 0, NULL);
    while (w < 0 && errno == EINTR);
    return w == pid ? st : -1;
}

/* Runs fn(arg) in a child that exits 0 when fn returns; returns the wait
 * status (-1 if fork or wait failed). */
static inline int t_in_child(void (*fn)(uintptr_t), uintptr_t arg)
{
    pid_t pid = t_fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        fn(arg);
        _exit(0);
    }
    return t_wait(pid);
}

/* Prints "what: <decoded status>"; the check holds when the status reads
 * exactly `want` (e.g. "killed by SIGSEGV", "exited 0"). */
static inline void t_expect_status(const char *what, int st, const char *want)
{
    const char *got = t_status(st);
    printf("%s: %s\n", what, got);
    if (strcmp(got, want) != 0)
        t_failures++;
}

/* Runs fn(arg) in a child and checks its status as t_expect_status does. */
static inline void t_expect_child(const char *what, void (*fn)(uintptr_t), uintptr_t arg, const char *want)
{
    t_expect_status(what, t_in_child(fn, arg), want);
}

/* Memory probes for t_in_child: read, write, call at an address. */
static inline void t_read_at(uintptr_t a)  { (void)*(volatile unsigned char *)a; }
static inline void t_write_at(uintptr_t a) { *(volatile unsigned char *)a = 0x5a; }

/* Monotonic time in nanoseconds. */
static inline long long t_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Sleeps ms milliseconds (nanosleep, restarted after EINTR). */
static inline void t_sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* The test's own executable: argv[0] (an absolute path on Linux, "/init" on
 * Isola, where the test runs as init). */
static const char *t_self __attribute__((unused));

#endif
