/* bootmark: the first process of the boot benchmark on both kernels. It
 * prints one marker line and powers off: reboot(RB_POWER_OFF) when it is
 * init on Linux; on Isola that call fails and init's exit powers off. */
#include <stdio.h>
#include <sys/reboot.h>
#include <unistd.h>

int main(void)
{
    printf("bootmark: init reached\n");
    fflush(stdout);
    if (getpid() == 1)
        reboot(RB_POWER_OFF);
    return 0;
}
