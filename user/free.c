/* /bin/free: prints the kernel's free memory as free 4 KiB frames, read with
 * sysinfo(2) (freeram * mem_unit bytes; on Isola the frame pool's free count,
 * see docs/syscalls.md). Exit status 1 if sysinfo fails. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysinfo.h>

int main(void)
{
    struct sysinfo si;
    if (sysinfo(&si) != 0) {
        printf("free: sysinfo: %s\n", strerror(errno));
        return 1;
    }
    unsigned long long unit = si.mem_unit ? si.mem_unit : 1;
    unsigned long long free_b = (unsigned long long)si.freeram * unit;
    unsigned long long total_b = (unsigned long long)si.totalram * unit;
    printf("free frames: %llu (%llu KiB of %llu KiB)\n", free_b / 4096, free_b / 1024, total_b / 1024);
    return 0;
}
