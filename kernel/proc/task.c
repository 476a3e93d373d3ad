/* Processes at run time: kernel stacks, the round-robin scheduler, blocking,
 * exit, kill and user faults. The table itself (pids, parents, spaces) is
 * the proven kernel/proc/proc.c; this file only calls its operations. The
 * kernel runs with interrupts off except while idle, so there is no locking. */
#include "proc/task.h"
#include "proc/abi.h"
#include "arch/cpu.h"
#include "arch/memlayout.h"
#include "arch/qemu_exit.h"
#include "arch/timer.h"
#include "arch/clock.h"
#include "mm/paging.h"
#include "mm/vmspace.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "kernel/panic.h"

struct task tasks[PROC_MAX];
static uint8_t kstacks[PROC_MAX][TASK_KSTACK_SIZE] __attribute__((aligned(16)));
static int32_t current = PROC_NONE;
static uint64_t boot_ctx_rsp;
uint32_t task_frames_before;

extern void proc_switch_stacks(uint64_t *save_rsp, uint64_t next_rsp);
extern char proc_enter_user[];

int32_t task_current(void)
{
    return current;
}

struct trap_frame *task_frame(int32_t s)
{
    return (struct trap_frame *)(kstacks[s] + TASK_KSTACK_SIZE) - 1;
}

uint64_t task_cr3(uint32_t root)
{
    return POOL_PHYS_BASE + (uint64_t)root * PAGE_SIZE;
}

void task_stack_init(int32_t s)
{
    uint64_t *sp = (uint64_t *)task_frame(s);
    *--sp = (uint64_t)proc_enter_user;      /* proc_switch_stacks returns here */
    for (int i = 0; i < 6; i++)
        *--sp = 0;                          /* rbx rbp r12 r13 r14 r15 */
    tasks[s].ctx_rsp = (uint64_t)sp;
}

void sched_init(void)
{
    proc_table_init();
    memset(tasks, 0, sizeof tasks);
}

/* True iff blocked slot s may run again. */
static bool sched_can_wake(int32_t s)
{
    const struct task *t = &tasks[s];
    if (t->kill_sig)
        return true;
    switch (t->wait) {
    case WAIT_CHILD:
        return false;                   /* woken by sched_wake on a child's exit */
    case WAIT_TTY:
        return tty_poll();
    case WAIT_SLEEP:
        return clock_ns() >= t->wake_ns;
    default:
        return true;
    }
}

/* The next slot to run after `from` in round-robin order, waking blocked
 * slots whose condition holds; PROC_NONE if none can run. */
static int32_t sched_pick(int32_t from)
{
    for (int32_t i = 1; i <= PROC_MAX; i++) {
        int32_t s = (from + i) % PROC_MAX;
        if (proc_state[s] == PROC_BLOCKED && sched_can_wake(s)) {
            tasks[s].wait = WAIT_NONE;
            proc_set_state(s, PROC_RUNNABLE);
        }
        if (proc_state[s] == PROC_RUNNABLE)
            return s;
    }
    return PROC_NONE;
}

/* True iff a sleeping process's deadline comes before the next timer tick
 * could (within one tick period from now). */
static bool sched_sleep_due_soon(void)
{
    uint64_t soon = clock_ns() + TIMER_NS_PER_TICK;
    for (int32_t s = 0; s < PROC_MAX; s++)
        if (proc_state[s] == PROC_BLOCKED && tasks[s].wait == WAIT_SLEEP &&
            tasks[s].wake_ns < soon)
            return true;
    return false;
}

/* Runs the next runnable process (idling with interrupts on until there is
 * one: halted until the next interrupt, or polling the clock while a sleep
 * is due before the next tick); returns when the current process is chosen
 * again. */
static void sched_switch(void)
{
    int32_t prev = current, next;
    while ((next = sched_pick(prev)) == PROC_NONE) {
        tty_poll();
        if (sched_sleep_due_soon())
            cpu_sti_pause();
        else
            cpu_sti_hlt();
        cpu_cli();
    }
    proc_set_state(next, PROC_RUNNING);
    if (next == prev)
        return;
    cpu_fpu_save(tasks[prev].fpu);
    current = next;
    proc_switch_stacks(&tasks[prev].ctx_rsp, tasks[next].ctx_rsp);
    /* back on prev's stack: user_return_prepare restores the rest */
}

void sched_start(int32_t s)
{
    current = s;
    proc_set_state(s, PROC_RUNNING);
    proc_switch_stacks(&boot_ctx_rsp, tasks[s].ctx_rsp);
    panic("sched_start: returned to the boot stack");
}

void sched_yield(void)
{
    if (proc_state[current] == PROC_RUNNING)
        proc_set_state(current, PROC_RUNNABLE);
    sched_switch();
}

void sched_block(enum wait_kind kind, uint64_t wake_ns)
{
    if (tasks[current].kill_sig)
        return;
    tasks[current].wait = (uint8_t)kind;
    tasks[current].wake_ns = wake_ns;
    proc_set_state(current, PROC_BLOCKED);
    sched_switch();
}

void sched_wake(int32_t s)
{
    if (s >= 0 && s < PROC_MAX && proc_state[s] == PROC_BLOCKED) {
        tasks[s].wait = WAIT_NONE;
        proc_set_state(s, PROC_RUNNABLE);
    }
}

void sched_tick_from_user(void)
{
    if (current != PROC_NONE)
        tasks[current].need_resched = true;
}

/* Called by return_to_user with the current frame: reschedules if due,
 * ends a killed process, then loads this process's CR3, kernel stack, FS
 * base and FPU state. Returns 1 iff sysretq may return (rcx/r11 hold
 * rip/rflags and rip is canonical), 0 for iretq. */
int user_return_prepare(struct trap_frame *tf)
{
    if (tasks[current].need_resched) {
        tasks[current].need_resched = false;
        sched_yield();
    }
    struct task *t = &tasks[current];
    if (t->kill_sig)
        task_exit(t->kill_sig);
    if (tf->rip >= VM_USER_TOP) {
        kprintf("isola: pid %d (%s) killed by SIGSEGV: return to non-canonical rip=0x%lx\n",
                proc_pid[current], t->name, tf->rip);
        task_exit(SIGSEGV);
    }
    tf->cs = USER_CS;
    tf->ss = USER_DS;
    tf->rflags = (tf->rflags & 0x240DD5ull) | 0x202ull;   /* arithmetic, TF, DF, AC, ID; IF on */
    uint64_t cr3 = task_cr3(proc_space[current]);
    if (read_cr3() != cr3)
        write_cr3(cr3);
    cpu_set_kernel_stack((uint64_t)(kstacks[current] + TASK_KSTACK_SIZE));
    cpu_set_fs_base(t->fs_base);
    cpu_fpu_restore(t->fpu);
    return tf->rcx == tf->rip && tf->r11 == tf->rflags && tf->rip < VM_USER_TOP - PAGE_SIZE;
}

/* Leaves every address space: CR3 = the boot root (kernel half only). */
static void task_enter_kernel_space(void)
{
    write_cr3(kernel_virt_to_phys(boot_pml4));
}

void task_exit(int32_t status)
{
    int32_t s = current;
    task_enter_kernel_space();
    int32_t parent = proc_parent[s];
    if (vm_space_destroy(proc_exit(s, status)) != MM_OK)
        panic("task_exit: space of slot %d not destroyed", s);
    if (s == PROC_INIT)
        task_shutdown(status);
    if (parent != PROC_NONE && tasks[parent].wait == WAIT_CHILD)
        sched_wake(parent);
    if (tasks[PROC_INIT].wait == WAIT_CHILD)
        sched_wake(PROC_INIT);          /* it may have inherited zombies */
    sched_switch();
    panic("task_exit: a zombie was scheduled");
}

void task_kill(int32_t s, int sig)
{
    if (!tasks[s].kill_sig)
        tasks[s].kill_sig = sig;
    sched_wake(s);
}

/* Wait status -> shell-style code: exit code, or 128 + signal. */
static int32_t task_status_code(int32_t st)
{
    return (st & 0x7f) ? 128 + (st & 0x7f) : (st >> 8) & 0xff;
}

void task_shutdown(int32_t init_status)
{
    /* end the others: alive ones exit, then every orphan zombie is released */
    for (int32_t s = 0; s < PROC_MAX; s++)
        if (proc_state[s] == PROC_RUNNABLE || proc_state[s] == PROC_RUNNING ||
            proc_state[s] == PROC_BLOCKED)
            if (vm_space_destroy(proc_exit(s, SIGKILL)) != MM_OK)
                panic("task_shutdown: space of slot %d not destroyed", s);
    for (int32_t s = 0; s < PROC_MAX; s++)
        if (proc_state[s] == PROC_ZOMBIE && proc_parent[s] == PROC_NONE)
            proc_release(s);
    kprintf("isola: init exited status=%d frames_before=%u frames_after=%u\n",
            task_status_code(init_status), task_frames_before, pmm_free_count());
    qemu_exit(QEMU_EXIT_PASS);
    cpu_halt_forever();
}

static const char *task_signal_name(int sig)
{
    switch (sig) {
    case SIGILL: return "SIGILL";
    case SIGTRAP: return "SIGTRAP";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    default: return "SIGSEGV";
    }
}

/* The signal Linux sends for exception vector v in user mode. */
static int task_fault_signal(uint64_t v)
{
    switch (v) {
    case TRAP_DIVIDE: return SIGFPE;
    case 16: case 19: return SIGFPE;      /* x87 / SIMD floating point */
    case TRAP_INVALID_OP: return SIGILL;
    case 1: case 3: return SIGTRAP;
    case 17: return SIGBUS;               /* alignment check */
    default: return SIGSEGV;
    }
}

/* Maps the stack page holding va if it is in the stack area and unmapped.
 * True iff it is mapped now. */
static bool task_stack_fault_in(uint64_t va)
{
    if (va < USER_STACK_LOW || va >= USER_STACK_TOP)
        return false;
    uint32_t root = proc_space[current];
    uint64_t page = va - va % PAGE_SIZE;
    if (vm_lookup(root, page).status == MM_OK)
        return true;
    return vm_space_map(root, page, VM_WRITE) == MM_OK;
}

void task_fault_in(uint64_t va, uint64_t len)
{
    if (len == 0 || va >= USER_STACK_TOP || va + len <= USER_STACK_LOW || va + len < va)
        return;
    uint64_t lo = va < USER_STACK_LOW ? USER_STACK_LOW : va;
    uint64_t hi = va + len > USER_STACK_TOP ? USER_STACK_TOP : va + len;
    for (uint64_t p = lo - lo % PAGE_SIZE; p < hi; p += PAGE_SIZE)
        if (!task_stack_fault_in(p))
            return;
}

void task_user_fault(struct trap_frame *tf)
{
    uint64_t cr2 = tf->vector == TRAP_PAGE_FAULT ? read_cr2() : 0;
    if (tf->vector == TRAP_PAGE_FAULT && !(tf->error & 1) && task_stack_fault_in(cr2))
        return;
    int sig = task_fault_signal(tf->vector);
    kprintf("isola: pid %d (%s) killed by %s: %s error=0x%lx rip=0x%lx addr=0x%lx\n",
            proc_pid[current], tasks[current].name, task_signal_name(sig),
            trap_name(tf->vector), tf->error, tf->rip, cr2);
    task_exit(sig);
}
