/* /init, the first user process: starts the shell (or the program given as
 * its arguments), reaps every child including orphans re-parented to it, and
 * exits with the shell's status when the shell exits, which makes the kernel
 * report and power off. Exit status: the shell's, or 128+signal if killed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Forks and executes argv[0]; returns the child's pid or -1. */
static pid_t init_spawn(char **argv)
{
    pid_t pid = fork();
    if (pid == 0) {
        execve(argv[0], argv, environ);
        dprintf(2, "init: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    if (pid < 0)
        dprintf(2, "init: fork: %s\n", strerror(errno));
    return pid;
}

/* Wait status as a shell-style exit code: code, or 128+signal. */
static int init_exit_code(int st)
{
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return 255;
}

int main(int argc, char **argv)
{
    static char *sh_argv[] = { "/bin/sh", NULL };
    char **prog = argc > 1 ? argv + 1 : sh_argv;
    pid_t sh = init_spawn(prog);
    if (sh < 0)
        return 127;
    for (;;) {
        int st;
        pid_t w = wait4(-1, &st, 0, NULL);
        if (w == sh)
            return init_exit_code(st);
        if (w < 0 && errno != EINTR) {
            dprintf(2, "init: wait4: %s\n", strerror(errno));
            return 126;
        }
    }
}
