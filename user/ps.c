/* /bin/ps: lists processes. Until the kernel exposes a process list (see
 * docs/syscalls.md), it prints what a process can learn about itself: its own
 * pid and its parent's. Exit status 0. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    printf("  PID  PPID CMD\n");
    printf("%5d %5d ps\n", (int)getpid(), (int)getppid());
    return 0;
}
