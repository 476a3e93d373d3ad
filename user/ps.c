/* /bin/ps: lists processes from the kernel's /proc/isola/ps (a header
 * "PID PPID STATE NAME" and one line per process, fields separated by single
 * spaces; docs/syscalls.md), printed in aligned columns. Where that file does
 * not exist (e.g. on Linux) it prints its own line only. Exit status 0, or 1
 * if the list could not be read. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Prints one "PID PPID STATE NAME" line in columns; other lines as they are. */
static void ps_print_line(char *line)
{
    char *f[4];
    int n = 0;
    for (char *tok = strtok(line, " "); tok && n < 4; tok = strtok(NULL, " "))
        f[n++] = tok;
    if (n == 4)
        printf("%5s %5s %-5s %s\n", f[0], f[1], f[2], f[3]);
    else if (n > 0)
        printf("%s\n", f[0]);
}

int main(void)
{
    static char buf[16384];
    size_t len = 0;
    ssize_t r = 0;
    int fd = open("/proc/isola/ps", O_RDONLY);
    if (fd < 0) {
        printf("%5s %5s %-5s %s\n%5d %5d %-5s %s\n", "PID", "PPID", "STATE", "NAME",
               (int)getpid(), (int)getppid(), "R", "ps");
        return 0;
    }
    while (len < sizeof buf - 1 && (r = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
        len += (size_t)r;
    close(fd);
    buf[len] = 0;
    for (char *save = NULL, *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        ps_print_line(line);
    return r < 0 ? 1 : 0;
}
