/* /bin/forktest: the parent forks a child that exits with 7, reaps it with
 * wait4 and reports both PIDs and the decoded status. Exit status 0 when the
 * child's status was "exited 7" and its pid differs from the parent's. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    pid_t parent = getpid();
    pid_t child = fork();
    if (child < 0) {
        printf("forktest: fork failed: %s\n", strerror(errno));
        return 1;
    }
    if (child == 0)
        _exit(7);
    int st = 0;
    pid_t w = wait4(child, &st, 0, NULL);
    printf("forktest: parent pid %d, child pid %d\n", (int)parent, (int)child);
    if (w != child) {
        printf("forktest: wait4 returned %d (%s)\n", (int)w, w < 0 ? strerror(errno) : "wrong pid");
        return 1;
    }
    if (WIFEXITED(st))
        printf("forktest: child %d exited with status %d\n", (int)w, WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        printf("forktest: child %d killed by signal %d\n", (int)w, WTERMSIG(st));
    return (WIFEXITED(st) && WEXITSTATUS(st) == 7 && child != parent) ? 0 : 1;
}
