/* The process table: a fixed array of slots (state, pid, parent slot,
 * address space, exit status) and the pure table operations on it: create
 * (fork), exit, reap (wait), lookup. Contracts on the prototypes; the logic
 * is in spec/proc.acsl; ProcValid is the module's validity predicate. The
 * scheduler, kernel stacks and files live elsewhere (kernel/proc/sched.c),
 * indexed by the same slot numbers. */
#ifndef ISOLA_PROC_PROC_H
#define ISOLA_PROC_PROC_H

#include <stdint.h>
#include <stdbool.h>
#include "../mm/pool.h"
#include "../mm/pmm.h"

#define PROC_MAX      64          /* slots, zombies included */
#define PROC_NONE     (-1)        /* "no slot" (also: no parent) */
#define PROC_INIT     0           /* init's slot: orphans are handed to it */
#define PROC_PID_MAX  1000000000  /* pids are 1 .. PROC_PID_MAX - 1, never reused */

enum proc_state { PROC_UNUSED, PROC_RUNNABLE, PROC_RUNNING, PROC_BLOCKED, PROC_ZOMBIE };

/* The table. Read it through the accessors; it is visible here only so
 * that contracts can name it. */
extern uint8_t  proc_state[PROC_MAX];
extern int32_t  proc_pid[PROC_MAX];
extern int32_t  proc_parent[PROC_MAX];   /* parent's slot or PROC_NONE */
extern uint32_t proc_space[PROC_MAX];    /* root frame; PMM_NONE unless alive */
extern int32_t  proc_status[PROC_MAX];   /* wait status of a zombie (Linux encoding) */
extern int32_t  proc_next_pid;

#include "../../spec/proc.acsl"

/* Empty table; the next pid is 1. */
/*@ assigns proc_state[0 .. PROC_MAX - 1], proc_pid[0 .. PROC_MAX - 1],
            proc_parent[0 .. PROC_MAX - 1], proc_space[0 .. PROC_MAX - 1],
            proc_status[0 .. PROC_MAX - 1], proc_next_pid;
    // proc_valid: pids unique and below the next pid, one space per alive process, parents alive.
    ensures proc_valid: ProcValid;
    // init_empty: every slot is unused.
    ensures init_empty: \forall integer s; ProcSlot(s) ==> proc_state[s] == PROC_UNUSED;
*/
void proc_table_init(void);

/* fork (and the first process): an unused slot becomes a runnable process
 * with a fresh pid, the given parent (an alive slot, or PROC_NONE) and the
 * given space. Returns the slot. PROC_NONE, with nothing changed, when the
 * table is full ("table full": the caller answers EAGAIN), when pids are
 * exhausted, or when space is PMM_NONE or already the space of an alive
 * process (each alive process has its own space). */
/*@ // proc_valid: the process-table invariant holds on entry (ProcValid).
    requires proc_valid: ProcValid;
    // parent_ok: the parent is PROC_NONE or an alive slot.
    requires parent_ok: parent == PROC_NONE || (ProcSlot(parent) && ProcAlive(parent));
    assigns proc_state[0 .. PROC_MAX - 1], proc_pid[0 .. PROC_MAX - 1],
            proc_parent[0 .. PROC_MAX - 1], proc_space[0 .. PROC_MAX - 1],
            proc_status[0 .. PROC_MAX - 1], proc_next_pid;
    // proc_valid: the process table invariant still holds.
    ensures proc_valid: ProcValid;
    behavior created:
      assumes ProcHasUnused && proc_next_pid < PROC_PID_MAX && PmmFrame(space) &&
              !ProcSpaceUsed(space);
      // create_slot: on success the result is a slot that was unused.
      ensures create_slot: ProcSlot(\result) && \old(proc_state[\result]) == PROC_UNUSED;
      // create_fields: it is runnable, with the given parent and space and the old next pid.
      ensures create_fields: proc_state[\result] == PROC_RUNNABLE && proc_parent[\result] == parent &&
              proc_space[\result] == space && proc_pid[\result] == \old(proc_next_pid);
      // create_pid_fresh: its pid differs from that of every slot used on entry.
      ensures create_pid_fresh: \forall integer s; ProcSlot(s) && \old(proc_state[s]) != PROC_UNUSED ==>
              proc_pid[s] != proc_pid[\result];
      // create_others: no other slot changes.
      ensures create_others: ProcSameExcept{Pre, Post}(\result);
    behavior refused:
      assumes !ProcHasUnused || proc_next_pid >= PROC_PID_MAX || !PmmFrame(space) ||
              ProcSpaceUsed(space);
      // create_refused: table full, pids exhausted, or space not a pool frame or in use: PROC_NONE, nothing changes.
      ensures create_refused: \result == PROC_NONE && ProcSameExcept{Pre, Post}(PROC_NONE) &&
              proc_next_pid == \old(proc_next_pid);
    complete behaviors;
    disjoint behaviors;
*/
int32_t proc_create(int32_t parent, uint32_t space);

/* Scheduler transitions between runnable, running and blocked of an alive
 * process; nothing else changes. */
/*@ // proc_valid: the process-table invariant holds on entry (ProcValid).
    requires proc_valid: ProcValid;
    // slot_alive: s is an alive slot.
    requires slot_alive: ProcSlot(s) && ProcAlive(s);
    // state_live: the new state is runnable, running or blocked.
    requires state_live: st == PROC_RUNNABLE || st == PROC_RUNNING || st == PROC_BLOCKED;
    assigns proc_state[s];
    // proc_valid: the process table invariant still holds.
    ensures proc_valid: ProcValid;
    // set_state: s is now in state st.
    ensures set_state: proc_state[s] == st;
*/
void proc_set_state(int32_t s, uint8_t st);

/* execve: the alive process s gets the new space; returns the old one (the
 * caller destroys it). PMM_NONE, nothing changed, if space is not a pool
 * frame or is already some alive process's space. */
/*@ // proc_valid: the process-table invariant holds on entry (ProcValid).
    requires proc_valid: ProcValid;
    // slot_alive: s is an alive slot.
    requires slot_alive: ProcSlot(s) && ProcAlive(s);
    assigns proc_space[s];
    // proc_valid: the process table invariant still holds.
    ensures proc_valid: ProcValid;
    behavior replaced:
      assumes PmmFrame(space) && !ProcSpaceUsed(space);
      // replace_result: s now has the new space; the old one is returned.
      ensures replace_result: \result == \old(proc_space[s]) && proc_space[s] == space;
    behavior refused:
      assumes !PmmFrame(space) || ProcSpaceUsed(space);
      // replace_refused: space not a pool frame or in use: PMM_NONE, s keeps its space.
      ensures replace_refused: \result == PMM_NONE && proc_space[s] == \old(proc_space[s]);
    complete behaviors;
    disjoint behaviors;
*/
uint32_t proc_replace_space(int32_t s, uint32_t space);

/* exit: the alive process s becomes a zombie with the given wait status and
 * no space, and its children, zombies included, are handed to init (to
 * nobody if s is init or init is not alive). Returns the space it had: the
 * caller destroys it (vm_space_destroy) once it runs on another CR3. */
/*@ // proc_valid: the process-table invariant holds on entry (ProcValid).
    requires proc_valid: ProcValid;
    // slot_alive: s is an alive slot.
    requires slot_alive: ProcSlot(s) && ProcAlive(s);
    assigns proc_state[s], proc_status[s], proc_space[s], proc_parent[0 .. PROC_MAX - 1];
    // proc_valid: the process table invariant still holds.
    ensures proc_valid: ProcValid;
    // exit_space: the result is the pool frame s had as space.
    ensures exit_space: \result == \old(proc_space[s]) && PmmFrame(\result);
    // exit_zombie: s is a zombie with this status and no space.
    ensures exit_zombie: proc_state[s] == PROC_ZOMBIE && proc_status[s] == status &&
            proc_space[s] == PMM_NONE;
    // exit_parent_kept: s keeps its parent.
    ensures exit_parent_kept: proc_parent[s] == \old(proc_parent[s]);
    // exit_orphans: each child of s passes to init, or to nobody if s is init, init is not alive or the child is init.
    ensures exit_orphans: \forall integer c; ProcSlot(c) && \old(proc_parent[c]) == s ==>
            proc_parent[c] == ProcAdopter(c, \old(ProcHeir(s)));
    // exit_others: every other slot keeps its parent.
    ensures exit_others: \forall integer c; ProcSlot(c) && \old(proc_parent[c]) != s ==>
            proc_parent[c] == \old(proc_parent[c]);
*/
uint32_t proc_exit(int32_t s, int32_t status);

struct proc_reaped {
    int32_t pid;      /* > 0: the reaped child's pid; 0: children, none matching a zombie; -1: no such child */
    int32_t status;   /* its wait status when pid > 0 */
};

/* wait: reaps one zombie child of the alive process caller whose pid is
 * want (any child if want <= 0): the slot becomes unused. Nothing changes
 * when no such zombie exists; pid is then 0 if a matching child is still
 * alive, -1 if there is no matching child at all. */
/*@ // proc_valid: the process-table invariant holds on entry (ProcValid).
    requires proc_valid: ProcValid;
    // caller_alive: caller is an alive slot.
    requires caller_alive: ProcSlot(caller) && ProcAlive(caller);
    assigns proc_state[0 .. PROC_MAX - 1], proc_parent[0 .. PROC_MAX - 1];
    // proc_valid: the process table invariant still holds.
    ensures proc_valid: ProcValid;
    behavior reaped:
      assumes \exists integer z; ProcSlot(z) && ProcWaitable(caller, want, z) && proc_state[z] == PROC_ZOMBIE;
      // reap_only_zombie_child: only a matching zombie child of caller is reaped: its pid and status are returned, its slot is unused, no other slot changes.
      ensures reap_only_zombie_child: \exists integer z; ProcSlot(z) && \old(ProcWaitable(caller, want, z)) &&
              \old(proc_state[z]) == PROC_ZOMBIE && \result.pid == proc_pid[z] &&
              \result.status == proc_status[z] && proc_state[z] == PROC_UNUSED &&
              ProcSameExcept{Pre, Post}(z);
    behavior waiting:
      assumes !(\exists integer z; ProcSlot(z) && ProcWaitable(caller, want, z) && proc_state[z] == PROC_ZOMBIE);
      assumes \exists integer z; ProcSlot(z) && ProcWaitable(caller, want, z);
      // reap_wait: a matching child exists but none is a zombie: pid 0, nothing changes.
      ensures reap_wait: \result.pid == 0 && ProcSameExcept{Pre, Post}(PROC_NONE);
    behavior no_child:
      assumes !(\exists integer z; ProcSlot(z) && ProcWaitable(caller, want, z));
      // reap_none: no matching child: pid -1, nothing changes.
      ensures reap_none: \result.pid == -1 && ProcSameExcept{Pre, Post}(PROC_NONE);
    complete behaviors;
    disjoint behaviors;
*/
struct proc_reaped proc_reap(int32_t caller, int32_t want);

/* Releases the zombie s that has no parent (orphaned after init exited). */
/*@ // proc_valid: the process-table invariant holds on entry (ProcValid).
    requires proc_valid: ProcValid;
    // zombie_orphan: s is a zombie slot with no parent.
    requires zombie_orphan: ProcSlot(s) && proc_state[s] == PROC_ZOMBIE && proc_parent[s] == PROC_NONE;
    assigns proc_state[s];
    // proc_valid: the process table invariant still holds.
    ensures proc_valid: ProcValid;
    // release_unused: s is now unused.
    ensures release_unused: proc_state[s] == PROC_UNUSED;
*/
void proc_release(int32_t s);

/* The slot of the process (alive or zombie) with this pid, or PROC_NONE. */
/*@ // proc_valid: the process-table invariant holds on entry (ProcValid).
    requires proc_valid: ProcValid;
    assigns \nothing;
    behavior found:
      assumes \exists integer s; ProcSlot(s) && proc_state[s] != PROC_UNUSED && proc_pid[s] == pid;
      // find_found: a used slot with this pid is returned if one exists.
      ensures find_found: ProcSlot(\result) && proc_state[\result] != PROC_UNUSED && proc_pid[\result] == pid;
    behavior missing:
      assumes !(\exists integer s; ProcSlot(s) && proc_state[s] != PROC_UNUSED && proc_pid[s] == pid);
      // find_missing: otherwise PROC_NONE.
      ensures find_missing: \result == PROC_NONE;
    complete behaviors;
    disjoint behaviors;
*/
int32_t proc_find(int32_t pid);

/* Number of slots in use (alive or zombie). */
/*@ // proc_valid: the process-table invariant holds on entry (ProcValid).
    requires proc_valid: ProcValid;
    assigns \nothing;
    // count_range: the result is between 0 and PROC_MAX.
    ensures count_range: 0 <= \result <= PROC_MAX;
*/
int32_t proc_count(void);

#endif
