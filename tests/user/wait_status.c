/* wait4 statuses in Linux encoding: exit codes 0..255, deaths by SIGKILL and
 * SIGTERM from kill(2), wait4(-1) collecting every child once, WNOHANG on a
 * running child, a NULL status pointer, ECHILD when no child is left or the
 * pid is not a child (own pid, a grandchild orphaned to init).
 * The test body runs in a child of main: on Isola main is init and receives
 * orphans, so the body, like on Linux, is an ordinary process; main reaps
 * everything and exits with the body's status. */
#include "t.h"

static const int codes[] = { 0, 1, 7, 42, 128, 255 };
#define NCODES (int)(sizeof codes / sizeof codes[0])

/* A child that sleeps until it is killed (exits 3 if the sleep ends). */
static pid_t sleeper(void)
{
    pid_t pid = t_fork();
    if (pid == 0) {
        t_sleep_ms(30000);
        _exit(3);
    }
    return pid;
}

static void exit_codes(void)
{
    pid_t pids[NCODES];
    for (int i = 0; i < NCODES; i++) {
        pids[i] = t_fork();
        if (pids[i] == 0)
            _exit(codes[i]);
    }
    for (int i = NCODES - 1; i >= 0; i--) {   /* reaped in reverse order, by pid */
        int st = pids[i] < 0 ? -1 : t_wait(pids[i]);
        char want[32], what[96];
        snprintf(want, sizeof want, "exited %d", codes[i]);
        snprintf(what, sizeof what, "_exit(%d) seen as %s", codes[i], t_status(st));
        t_check(what, strcmp(t_status(st), want) == 0);
    }
}

static void wait_any(void)
{
    int seen = 0, n = 0;
    for (int i = 0; i < 4; i++)
        if (t_fork() == 0)
            _exit(20 + i);
    for (;;) {
        int st;
        pid_t w = wait4(-1, &st, 0, NULL);
        if (w < 0)
            break;
        n++;
        if (WIFEXITED(st) && WEXITSTATUS(st) >= 20 && WEXITSTATUS(st) < 24)
            seen |= 1 << (WEXITSTATUS(st) - 20);
    }
    printf("wait4(-1) reaped %d children, then %s\n", n, t_errname(errno));
    t_check("each of the four exit codes seen once", n == 4 && seen == 15);
}

static void killed(void)
{
    pid_t a = sleeper(), b = sleeper();
    t_expect_err("kill(child, 0) probes a live child", kill(a, 0), 0);
    int st;
    t_check("WNOHANG on a sleeping child returns 0", wait4(a, &st, WNOHANG, NULL) == 0);
    t_expect_err("kill(child, SIGKILL)", kill(a, SIGKILL), 0);
    t_expect_err("kill(child, SIGTERM)", kill(b, SIGTERM), 0);
    t_expect_status("SIGKILLed child", t_wait(a), "killed by SIGKILL");
    t_expect_status("SIGTERMed child", t_wait(b), "killed by SIGTERM");
    t_expect_err("kill of a reaped child", kill(a, SIGKILL), ESRCH);

    pid_t c = t_fork();
    if (c == 0)
        _exit(9);
    t_check("wait4 with a NULL status pointer returns the pid", wait4(c, NULL, 0, NULL) == c);
}

static void not_children(void)
{
    pid_t c = t_fork();
    if (c == 0) {
        if (t_fork() == 0) {        /* grandchild: outlives its parent */
            t_sleep_ms(100);
            _exit(5);
        }
        _exit(4);
    }
    t_expect_status("child with a grandchild", t_wait(c), "exited 4");
    t_expect_err("wait4(-1) for the orphaned grandchild", wait4(-1, NULL, 0, NULL), ECHILD);
    t_expect_err("wait4(own pid)", wait4(getpid(), NULL, 0, NULL), ECHILD);
    t_expect_err("wait4 of a reaped child", wait4(c, NULL, 0, NULL), ECHILD);
    t_expect_err("wait4(-1, WNOHANG) without children", wait4(-1, NULL, WNOHANG, NULL), ECHILD);
}

int main(void)
{
    t_init();
    pid_t body = t_fork();
    if (body == 0) {
        exit_codes();
        wait_any();
        killed();
        not_children();
        exit(t_done());
    }
    int body_st = -1, st;
    pid_t w;
    while ((w = wait4(-1, &st, 0, NULL)) > 0 || (w < 0 && errno == EINTR))
        if (w == body)
            body_st = st;
    if (body_st == -1 || !WIFEXITED(body_st)) {
        printf("test body: %s\n", t_status(body_st));
        return 1;
    }
    return WEXITSTATUS(body_st);
}
