/* Filling the process table: fork sleeping children until fork fails with
 * EAGAIN (Isola: 64 slots) or a bound is reached (Linux), kill and reap them
 * all, then do it again: the second round must reach the same count (full
 * recovery), and a plain fork works afterwards. Only host-independent facts
 * are printed, never the count itself. */
/* covers: proc_create.create_refused */
#include "t.h"

#define BOUND 200

static pid_t kids[BOUND];

/* Forks sleepers until failure or BOUND; returns how many, *err = errno of
 * the failure (0 at the bound). */
static int fill(int *err)
{
    int n = 0;
    *err = 0;
    while (n < BOUND) {
        pid_t pid = t_fork();
        if (pid == 0) {
            t_sleep_ms(60000);
            _exit(3);
        }
        if (pid < 0) {
            *err = errno;
            break;
        }
        kids[n++] = pid;
    }
    return n;
}

/* SIGKILLs and reaps kids[0..n); returns how many died by SIGKILL. */
static int drain(int n)
{
    int killed = 0;
    for (int i = 0; i < n; i++)
        kill(kids[i], SIGKILL);
    for (int i = 0; i < n; i++) {
        int st = t_wait(kids[i]);
        killed += st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
    }
    return killed;
}

int main(void)
{
    int err1, err2;
    t_init();
    int n1 = fill(&err1);
    printf("first round stopped by %s\n", err1 == EAGAIN || err1 == 0 ? "EAGAIN or the bound" : t_errname(err1));
    t_check("first round: at least 8 children", n1 >= 8);
    fprintf(stderr, "fork_full: round 1: %d children, then %s\n", n1, t_errname(err1));
    int k1 = drain(n1);
    t_check("first round: every child killed by SIGKILL and reaped", k1 == n1);
    t_expect_err("table empty again", wait4(-1, NULL, WNOHANG, NULL), ECHILD);

    int n2 = fill(&err2);
    printf("second round stopped by %s\n", err2 == EAGAIN || err2 == 0 ? "EAGAIN or the bound" : t_errname(err2));
    fprintf(stderr, "fork_full: round 2: %d children, then %s\n", n2, t_errname(err2));
    t_check("second round reached the same count (full recovery)", n2 == n1 && err2 == err1);
    t_check("second round: every child killed by SIGKILL and reaped", drain(n2) == n2);

    pid_t c = t_fork();
    if (c == 0)
        _exit(0);
    t_expect_status("a fork after both rounds", c < 0 ? -1 : t_wait(c), "exited 0");
    t_expect_err("no children left", wait4(-1, NULL, 0, NULL), ECHILD);
    return t_done();
}
