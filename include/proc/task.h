/* The kernel side of a process, next to its proven table slot (same index):
 * kernel stack, saved context, FPU state, memory layout, open files, and
 * what it waits for. Also the scheduler (round-robin) and process exit. */
#ifndef ISOLA_PROC_TASK_H
#define ISOLA_PROC_TASK_H

#include <stdint.h>
#include <stdbool.h>
#include "proc/proc.h"
#include "arch/trap.h"
#include "arch/percpu.h"

#define TASK_KSTACK_SIZE 16384
#define TASK_FDS         16
#define TASK_NAME_MAX    16

#define USER_STACK_TOP   0x00007ffffffff000ull
#define USER_STACK_MAX   (8ull << 20)                    /* mapped on first touch */
#define USER_STACK_LOW   (USER_STACK_TOP - USER_STACK_MAX) /* the guard page is just below */
#define USER_MMAP_TOP    0x00007f0000000000ull
#define USER_SHADOW_BASE 0x00007ff000000000ull           /* hidden PROT_NONE pages (vmarea.c) */
#define TASK_NONE_RANGES 8
#define TASK_SHADOWS     64

enum fd_kind { FD_NONE, FD_TTY, FD_TTY_ERR, FD_FILE, FD_PS };

struct fd {
    uint8_t kind;
    uint32_t file;           /* FD_FILE: initrd file number */
    uint64_t offset;
};

enum wait_kind { WAIT_NONE, WAIT_CHILD, WAIT_TTY, WAIT_SLEEP };

struct task {
    uint64_t ctx_rsp;                  /* saved kernel rsp while switched out */
    uint8_t fpu[FPU_STATE_SIZE] __attribute__((aligned(16)));
    uint64_t fs_base;
    bool need_resched;
    int kill_sig;                      /* pending fatal signal, 0 if none */
    uint8_t wait;                      /* enum wait_kind while blocked */
    uint64_t wake_ns;                  /* WAIT_SLEEP: clock_ns deadline */
    uint64_t brk_base, brk;            /* heap: [brk_base, page_up(brk)) mapped */
    uint64_t mmap_low;                 /* lowest mmap address handed out */
    struct fd fds[TASK_FDS];
    char name[TASK_NAME_MAX];
    struct { uint64_t lo, hi; } none_ranges[TASK_NONE_RANGES];  /* PROT_NONE reservations */
    uint64_t shadow_of[TASK_SHADOWS];  /* va hidden in shadow page i (0: slot free) */
};

extern struct task tasks[PROC_MAX];

#define TRAP_SYSCALL 128   /* trap_frame.vector of a system call */

/* The slot of the process whose kernel stack we are on. */
int32_t task_current(void);
/* The user frame of slot s (top of its kernel stack). */
struct trap_frame *task_frame(int32_t s);
/* Prepares slot s's kernel stack so that the first switch to it returns to
 * user mode through its frame (already filled in). */
void task_stack_init(int32_t s);
/* CR3 value of space root. */
uint64_t task_cr3(uint32_t root);

/* Scheduler. */
void sched_init(void);
/* Switches to the first process (slot s); never returns. */
__attribute__((noreturn)) void sched_start(int32_t s);
/* Lets other runnable processes run; returns when we are chosen again. */
void sched_yield(void);
/* Blocks the current process until its wait condition holds (or it is
 * killed); returns when it runs again. WAIT_SLEEP holds once clock_ns()
 * reaches wake_ns; when nothing else can run, the scheduler waits for a
 * deadline due before the next tick by polling the clock instead of halting,
 * so a sleep ends within microseconds of its deadline, not at a tick. */
void sched_block(enum wait_kind kind, uint64_t wake_ns);
/* Marks slot s runnable if it is blocked (kill, child exit). */
void sched_wake(int32_t s);
/* Timer tick from user mode: preempt at the next return to user. */
void sched_tick_from_user(void);

/* Ends the current process with wait status `status` (Linux encoding):
 * its space is destroyed, its parent woken; never returns. */
__attribute__((noreturn)) void task_exit(int32_t status);
/* Kills slot s with signal sig (takes effect before it returns to user). */
void task_kill(int32_t s, int sig);
/* A fault in user mode: maps a stack page on first touch, or kills the
 * process with the Linux signal, printing one line. */
void task_user_fault(struct trap_frame *tf);
/* Maps not-yet-touched stack pages in [va, va + len) of the current
 * process, so that a system call may copy there. */
void task_fault_in(uint64_t va, uint64_t len);

/* Called when init exits: ends everyone, reports, powers off. */
__attribute__((noreturn)) void task_shutdown(int32_t init_status);
/* Free frames before init was created (for the final report). */
extern uint32_t task_frames_before;

/* Boot: creates init from the initrd path with argv (argc entries) and
 * returns its slot, or PROC_NONE (reason logged). */
int32_t exec_spawn_init(const char *path, const char *const *argv, int argc);
/* execve for the current process (user pointers in the current space).
 * Returns only on failure, with -errno; on success the frame is replaced. */
long exec_current(uint64_t upath, uint64_t uargv, uint64_t uenvp, struct trap_frame *tf);

/* PROT_NONE without a "not user-accessible" mapping (every mapping made by
 * paging is user-accessible): reserved ranges have no pages, and a page
 * that had data is moved to a shadow page of the same space
 * (USER_SHADOW_BASE + i * 4096) while it is PROT_NONE. */
/* VM_* flags for PROT_* bits (every mapping is readable). */
uint32_t vmarea_prot_flags(uint64_t prot);
/* mmap(PROT_NONE): remember [lo, hi) as reserved; false if no slot is left. */
bool vmarea_reserve(uint64_t lo, uint64_t hi);
/* mprotect over the page-aligned [lo, hi): 0 or -errno (ENOMEM when a page
 * is neither mapped, reserved nor hidden). */
long vmarea_protect(uint64_t lo, uint64_t hi, uint32_t prot);
/* munmap: forgets reservations and hidden pages in [lo, hi) (the caller
 * unmaps the mapped pages). */
void vmarea_release(uint64_t lo, uint64_t hi);
/* The lowest page va' >= va (page-aligned) of space root whose last-level
 * page table exists: every page in [va, va') is unmapped. VM_USER_TOP if
 * none. Lets range operations skip empty terabytes in a few steps. */
uint64_t vmarea_next_walkable(uint32_t root, uint64_t va);
/* The lowest mapped page of [va, hi) in space root (va page-aligned), or
 * hi: reads only the tables that exist, a last-level table entry by entry. */
uint64_t vmarea_next_mapped(uint32_t root, uint64_t va, uint64_t hi);
/* The lowest page of [lo, hi) (page-aligned) that is mapped, reserved or
 * hidden in the current process; hi if the range is free. */
uint64_t vmarea_first_used(uint64_t lo, uint64_t hi);
/* True iff va is a shadow page in use (hiding a PROT_NONE page): user
 * munmap/mmap leave it alone, so the hidden bytes survive. */
bool vmarea_is_shadow(uint64_t va);

/* The console line discipline (fd 0/1/2). */
void tty_set_raw(bool raw);
void tty_set_stderr_port(int port);
/* Echo and line editing of pending input; true iff a read would not block. */
bool tty_poll(void);
/* Reads at most one line into buf (blocks via sched_block). */
long tty_read(char *buf, uint64_t n);
void tty_write(int fd_kind, const char *buf, uint64_t n);

#endif
