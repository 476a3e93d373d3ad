/* A user-mode fault kills only the faulting process, with Linux's signal:
 * reads and writes of the kernel half (kernel text, direct map), of address 0
 * and of a non-canonical address, a write to our own text, a jump into a
 * non-executable page and a privileged instruction give SIGSEGV; ud2 gives
 * SIGILL; an integer division by zero gives SIGFPE. Each runs in a child; the
 * parent prints the decoded wait statuses and stays alive. */
#include "t.h"

static void write_text(uintptr_t unused)
{
    (void)unused;
    *(volatile unsigned char *)(uintptr_t)&write_text = 0xc3;
}

/* Copies a "ret" into a fresh read/write (not executable) page and calls it. */
static void exec_data(uintptr_t unused)
{
    (void)unused;
    unsigned char *p = mmap(NULL, T_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        _exit(2);
    p[0] = 0xc3;
    ((void (*)(void))(uintptr_t)p)();
}

static void run_hlt(uintptr_t unused) { (void)unused; __asm__ volatile("hlt"); }
static void run_ud2(uintptr_t unused) { (void)unused; __asm__ volatile("ud2"); }

static void divide_by_zero(uintptr_t zero)
{
    volatile int a = 1, b = (int)zero;
    a = a / b;
}

int main(void)
{
    t_init();
    t_expect_child("read of kernel text", t_read_at, T_KERNEL_TEXT, "killed by SIGSEGV");
    t_expect_child("write of kernel text", t_write_at, T_KERNEL_TEXT, "killed by SIGSEGV");
    t_expect_child("read of the direct map", t_read_at, T_DIRECT_MAP, "killed by SIGSEGV");
    t_expect_child("read of the last kernel page", t_read_at, (uintptr_t)0xFFFFFFFFFFFFF000ULL, "killed by SIGSEGV");
    t_expect_child("read of address 0", t_read_at, 0, "killed by SIGSEGV");
    t_expect_child("write of address 0", t_write_at, 0, "killed by SIGSEGV");
    t_expect_child("read of a non-canonical address", t_read_at, T_NONCANON, "killed by SIGSEGV");
    t_expect_child("write to own text", write_text, 0, "killed by SIGSEGV");
    t_expect_child("call into a non-executable page", exec_data, 0, "killed by SIGSEGV");
    t_expect_child("hlt in user mode", run_hlt, 0, "killed by SIGSEGV");
    t_expect_child("ud2", run_ud2, 0, "killed by SIGILL");
    t_expect_child("division by zero", divide_by_zero, 0, "killed by SIGFPE");
    t_expect_child("a child that just returns", t_read_at, (uintptr_t)&t_failures, "exited 0");
    t_check("parent still running", 1);
    t_expect_err("no children left", wait4(-1, NULL, 0, NULL), ECHILD);
    return t_done();
}
