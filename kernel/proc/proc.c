/* The process table (proven): pure operations on the global slot arrays.
 * Contracts in include/proc/proc.h, logic in spec/proc.acsl. No calls out:
 * the caller destroys the space proc_exit hands back. */
#include "proc/proc.h"

uint8_t  proc_state[PROC_MAX];
int32_t  proc_pid[PROC_MAX];
int32_t  proc_parent[PROC_MAX];
uint32_t proc_space[PROC_MAX];
int32_t  proc_status[PROC_MAX];
int32_t  proc_next_pid;

/* True iff slot s holds an alive process. */
/*@ requires slot: ProcSlot(s);
    assigns \nothing;
    ensures alive: \result <==> ProcAlive(s);
*/
static bool proc_alive(int32_t s)
{
    return proc_state[s] == PROC_RUNNABLE || proc_state[s] == PROC_RUNNING ||
           proc_state[s] == PROC_BLOCKED;
}

void proc_table_init(void)
{
    /*@ loop invariant 0 <= s <= PROC_MAX;
        loop invariant \forall integer t; 0 <= t < s ==> proc_state[t] == PROC_UNUSED &&
                       proc_space[t] == PMM_NONE;
        loop assigns s, proc_state[0 .. PROC_MAX - 1], proc_pid[0 .. PROC_MAX - 1],
                     proc_parent[0 .. PROC_MAX - 1], proc_space[0 .. PROC_MAX - 1],
                     proc_status[0 .. PROC_MAX - 1];
        loop variant PROC_MAX - s;
    */
    for (int32_t s = 0; s < PROC_MAX; s++) {
        proc_state[s] = PROC_UNUSED;
        proc_pid[s] = 0;
        proc_parent[s] = PROC_NONE;
        proc_space[s] = PMM_NONE;
        proc_status[s] = 0;
    }
    proc_next_pid = 1;
}

/* The first unused slot, or PROC_NONE if the table is full. */
/*@ assigns \nothing;
    behavior found:
      assumes ProcHasUnused;
      ensures unused_found: ProcSlot(\result) && proc_state[\result] == PROC_UNUSED;
    behavior full:
      assumes !ProcHasUnused;
      ensures unused_full: \result == PROC_NONE;
    complete behaviors;
    disjoint behaviors;
*/
static int32_t proc_unused_slot(void)
{
    /*@ loop invariant 0 <= s <= PROC_MAX;
        loop invariant \forall integer t; 0 <= t < s ==> proc_state[t] != PROC_UNUSED;
        loop assigns s;
        loop variant PROC_MAX - s;
    */
    for (int32_t s = 0; s < PROC_MAX; s++)
        if (proc_state[s] == PROC_UNUSED)
            return s;
    return PROC_NONE;
}

/* True iff some alive process has space sp. */
/*@ assigns \nothing;
    ensures space_used: \result <==> ProcSpaceUsed(sp);
*/
static bool proc_space_used(uint32_t sp)
{
    /*@ loop invariant 0 <= s <= PROC_MAX;
        loop invariant \forall integer t; 0 <= t < s ==> !(ProcAlive(t) && proc_space[t] == sp);
        loop assigns s;
        loop variant PROC_MAX - s;
    */
    for (int32_t s = 0; s < PROC_MAX; s++)
        if (proc_alive(s) && proc_space[s] == sp)
            return true;
    return false;
}

int32_t proc_create(int32_t parent, uint32_t space)
{
    if (proc_next_pid >= PROC_PID_MAX || space >= POOL_FRAMES || proc_space_used(space))
        return PROC_NONE;
    int32_t s = proc_unused_slot();
    if (s == PROC_NONE)
        return PROC_NONE;
    proc_state[s] = PROC_RUNNABLE;
    proc_pid[s] = proc_next_pid;
    proc_parent[s] = parent;
    proc_space[s] = space;
    proc_status[s] = 0;
    proc_next_pid++;
    return s;
}

void proc_set_state(int32_t s, uint8_t st)
{
    proc_state[s] = st;
}

uint32_t proc_replace_space(int32_t s, uint32_t space)
{
    if (space >= POOL_FRAMES || proc_space_used(space))
        return PMM_NONE;
    uint32_t old = proc_space[s];
    proc_space[s] = space;
    return old;
}

/* Hands every child of s (zombies included) to heir; heir itself, should
 * it be one of them, to nobody. */
/*@ requires slot: ProcSlot(s);
    assigns proc_parent[0 .. PROC_MAX - 1];
    ensures orphans: \forall integer c; ProcSlot(c) && \old(proc_parent[c]) == s ==>
            proc_parent[c] == ProcAdopter(c, heir);
    ensures others: \forall integer c; ProcSlot(c) && \old(proc_parent[c]) != s ==>
            proc_parent[c] == \old(proc_parent[c]);
*/
static void proc_reparent(int32_t s, int32_t heir)
{
    /*@ loop invariant 0 <= c <= PROC_MAX;
        loop invariant \forall integer t; 0 <= t < c && \at(proc_parent[t], LoopEntry) == s ==>
                       proc_parent[t] == ProcAdopter(t, heir);
        loop invariant \forall integer t; 0 <= t < c && \at(proc_parent[t], LoopEntry) != s ==>
                       proc_parent[t] == \at(proc_parent[t], LoopEntry);
        loop invariant \forall integer t; c <= t < PROC_MAX ==> proc_parent[t] == \at(proc_parent[t], LoopEntry);
        loop assigns c, proc_parent[0 .. PROC_MAX - 1];
        loop variant PROC_MAX - c;
    */
    for (int32_t c = 0; c < PROC_MAX; c++)
        if (proc_parent[c] == s)
            proc_parent[c] = c == heir ? PROC_NONE : heir;
}

uint32_t proc_exit(int32_t s, int32_t status)
{
    uint32_t space = proc_space[s];
    int32_t heir = (s != PROC_INIT && proc_alive(PROC_INIT)) ? PROC_INIT : PROC_NONE;
    proc_state[s] = PROC_ZOMBIE;
    proc_status[s] = status;
    proc_space[s] = PMM_NONE;
    proc_reparent(s, heir);
    return space;
}

struct proc_reaped proc_reap(int32_t caller, int32_t want)
{
    struct proc_reaped r = { -1, 0 };
    /*@ loop invariant 0 <= z <= PROC_MAX;
        loop invariant \forall integer t; 0 <= t < z ==>
                       !(ProcWaitable(caller, want, t) && proc_state[t] == PROC_ZOMBIE);
        loop invariant r.pid == 0 <==> (\exists integer t; 0 <= t < z && ProcWaitable(caller, want, t));
        loop invariant r.pid == 0 || r.pid == -1;
        loop assigns z, r;
        loop variant PROC_MAX - z;
    */
    for (int32_t z = 0; z < PROC_MAX; z++) {
        if (proc_state[z] == PROC_UNUSED || proc_parent[z] != caller ||
            (want > 0 && proc_pid[z] != want))
            continue;
        if (proc_state[z] == PROC_ZOMBIE) {
            r.pid = proc_pid[z];
            r.status = proc_status[z];
            proc_state[z] = PROC_UNUSED;
            return r;
        }
        r.pid = 0;
    }
    return r;
}

void proc_release(int32_t s)
{
    proc_state[s] = PROC_UNUSED;
}

int32_t proc_find(int32_t pid)
{
    /*@ loop invariant 0 <= s <= PROC_MAX;
        loop invariant \forall integer t; 0 <= t < s ==> !(proc_state[t] != PROC_UNUSED && proc_pid[t] == pid);
        loop assigns s;
        loop variant PROC_MAX - s;
    */
    for (int32_t s = 0; s < PROC_MAX; s++)
        if (proc_state[s] != PROC_UNUSED && proc_pid[s] == pid)
            return s;
    return PROC_NONE;
}

int32_t proc_count(void)
{
    int32_t n = 0;
    /*@ loop invariant 0 <= s <= PROC_MAX && 0 <= n <= s;
        loop assigns s, n;
        loop variant PROC_MAX - s;
    */
    for (int32_t s = 0; s < PROC_MAX; s++)
        if (proc_state[s] != PROC_UNUSED)
            n++;
    return n;
}
