/* The initrd's /bin programs run from a test as from the shell: echo joins
 * its arguments (one with spaces, an empty one, -n), cat of a missing file
 * exits 1, a missing program gives ENOENT. On Linux these are coreutils'
 * echo and cat, which print the same for these cases. */
#include "t.h"

extern char **environ;

/* fork + execve(path, argv) + wait; returns the wait status (-1 on error). */
static int run(char *const argv[])
{
    pid_t pid = t_fork();
    if (pid == 0) {
        execve(argv[0], argv, environ);
        _exit(127);
    }
    return pid < 0 ? -1 : t_wait(pid);
}

int main(void)
{
    t_init();
    char *e1[] = { "/bin/echo", "hello", "two  spaces", "", "end", NULL };
    t_expect_status("echo with arguments", run(e1), "exited 0");
    char *e2[] = { "/bin/echo", "-n", "no newline;", NULL };
    t_expect_status("echo -n", run(e2), "exited 0");
    char *e3[] = { "/bin/echo", NULL };
    t_expect_status("echo without arguments", run(e3), "exited 0");
    char *c1[] = { "/bin/cat", "/no/such/file", NULL };
    t_expect_status("cat of a missing file", run(c1), "exited 1");
    char *m[] = { "/bin/no-such-program", NULL };
    t_expect_status("a missing program (child exits 127)", run(m), "exited 127");
    return t_done();
}
