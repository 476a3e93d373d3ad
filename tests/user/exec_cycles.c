/* execve replaces the image: 100 cycles of fork + execve of this program with
 * arguments and an environment, each new image checking that it got exactly
 * those, fresh .data/.bss and the right parent; a chain of execve without
 * fork keeps the pid; a failed execve leaves the caller running.
 * usage: exec_cycles                      (the test)
 *        exec_cycles child I PPID "two words" ""   (one cycle's new image)
 *        exec_cycles chain N PID          (N more execve in the same process)
 *        exec_cycles many A0 .. A63       (64 arguments of 60 bytes each) */
#include "t.h"

#define CYCLES 100
#define CHAIN  10

extern char **environ;
int data_var = 1;      /* .data: the parent changes it before exec */
int bss_var;           /* .bss: likewise */

/* Bits of a child image's exit status when a check failed (else I % 64). */
enum { C_ARGC = 64, C_ARGS = 65, C_ENV = 66, C_IMAGE = 67, C_PPID = 68 };

static int child_main(int argc, char **argv)
{
    if (argc != 6)
        return C_ARGC;
    int i = atoi(argv[2]);
    if (strcmp(argv[4], "two words") != 0 || argv[5][0] != 0 || argv[6] != NULL)
        return C_ARGS;
    const char *e = getenv("ISOLA_TEST");
    int nenv = 0;
    while (environ[nenv])
        nenv++;
    if (!e || strcmp(e, "exec") != 0 || nenv != 2 || strcmp(environ[1], "SECOND=2") != 0)
        return C_ENV;
    if (data_var != 1 || bss_var != 0)
        return C_IMAGE;
    if (getppid() != atoi(argv[3]))
        return C_PPID;
    return i % 64;
}

#define MANY 64
#define MANY_LEN 60

/* Argument i of the "many" exec: MANY_LEN bytes derived from i. */
static void many_arg(char *buf, int i)
{
    for (int k = 0; k < MANY_LEN; k++)
        buf[k] = (char)('a' + (i + k) % 26);
    buf[MANY_LEN] = 0;
}

static int many_main(int argc, char **argv)
{
    char want[MANY_LEN + 1];
    if (argc != MANY + 2)
        return 1;
    for (int i = 0; i < MANY; i++) {
        many_arg(want, i);
        if (strcmp(argv[i + 2], want) != 0)
            return 2;
    }
    return 0;
}

static int chain_main(char **argv)
{
    int n = atoi(argv[2]);
    if (getpid() != atoi(argv[3]))
        return 1;
    if (n == 0)
        return 42;
    char next[16];
    snprintf(next, sizeof next, "%d", n - 1);
    char *args[] = { (char *)t_self, "chain", next, argv[3], NULL };
    execve(t_self, args, environ);
    return 2;
}

/* One fork + execve cycle; returns 1 if the child exited with i % 64. */
static int one_cycle(int i)
{
    char num[16], ppid[16];
    snprintf(num, sizeof num, "%d", i);
    snprintf(ppid, sizeof ppid, "%d", (int)getpid());
    char *args[] = { (char *)t_self, "child", num, ppid, "two words", "", NULL };
    char *env[] = { "ISOLA_TEST=exec", "SECOND=2", NULL };
    pid_t pid = t_fork();
    if (pid == 0) {
        execve(t_self, args, env);
        _exit(100);
    }
    int st = pid < 0 ? -1 : t_wait(pid);
    if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == i % 64)
        return 1;
    fprintf(stderr, "cycle %d: %s\n", i, t_status(st));
    return 0;
}

int main(int argc, char **argv)
{
    t_self = argv[0];
    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return child_main(argc, argv);
    if (argc == 4 && strcmp(argv[1], "chain") == 0)
        return chain_main(argv);
    if (argc > 1 && strcmp(argv[1], "many") == 0)
        return many_main(argc, argv);

    t_init();
    data_var = 2;
    bss_var = 3;
    int good = 0;
    for (int i = 0; i < CYCLES; i++)
        good += one_cycle(i);
    printf("fork+execve cycles whose image saw its args, env, fresh data and parent: %d of %d\n", good, CYCLES);
    if (good != CYCLES)
        t_failures++;

    pid_t pid = t_fork();
    if (pid == 0) {
        char n[16], me[16];
        snprintf(n, sizeof n, "%d", CHAIN);
        snprintf(me, sizeof me, "%d", (int)getpid());
        char *args[] = { (char *)t_self, "chain", n, me, NULL };
        execve(t_self, args, environ);
        _exit(3);
    }
    int st = t_wait(pid);
    printf("chain of %d execve in one process: %s\n", CHAIN + 1, t_status(st));
    t_check("pid kept across the chain", st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 42);

    static char many_bufs[MANY][MANY_LEN + 1];
    char *many_args[MANY + 3] = { (char *)t_self, "many" };
    for (int i = 0; i < MANY; i++) {
        many_arg(many_bufs[i], i);
        many_args[i + 2] = many_bufs[i];
    }
    pid = t_fork();
    if (pid == 0) {
        execve(t_self, many_args, environ);
        _exit(3);
    }
    t_expect_status("execve with 64 arguments of 60 bytes", t_wait(pid), "exited 0");

    char *noargs[] = { "/nonexistent/prog", NULL };
    t_expect_err("execve of a missing file", execve("/nonexistent/prog", noargs, environ), ENOENT);
    t_check("caller still running with its data", data_var == 2 && bss_var == 3);
    t_expect_err("no children left", wait4(-1, NULL, 0, NULL), ECHILD);
    return t_done();
}
