/* Test program for the QEMU suite's isola-exec test (tests/qemu/run-tests):
 * prints its arguments and some libc output, then exits with 42. With
 * "exec FILE" it instead tries to execve FILE and reports the errno name
 * (the ELF loader must refuse a malformed file with ENOEXEC and leave the
 * caller running). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "exec") == 0) {
        char *args[] = { argv[2], NULL };
        execve(argv[2], args, NULL);
        printf("execve %s: %s\n", argv[2], errno == ENOEXEC ? "ENOEXEC" : strerror(errno));
        printf("caller still running: yes\n");
        return 0;
    }
    printf("hello, %d arguments\n", argc - 1);
    for (int i = 1; i < argc; i++)
        printf("argv[%d] = %s\n", i, argv[i]);
    printf("%s %5.2f %x\n", "formatted", 3.25, 48879);
    fprintf(stderr, "this goes to stderr\n");
    return 42;
}
