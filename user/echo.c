/* /bin/echo: writes its arguments separated by single spaces and a newline
 * (none with -n as the first argument). Exit status 0, 1 on a write error. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    int newline = 1, i = 1;
    if (argc > 1 && strcmp(argv[1], "-n") == 0) {
        newline = 0;
        i = 2;
    }
    for (int first = i; i < argc; i++)
        printf("%s%s", i > first ? " " : "", argv[i]);
    if (newline)
        putchar('\n');
    return fflush(stdout) == 0 ? 0 : 1;
}
