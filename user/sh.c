/* /bin/sh: a small shell. Prints "isola$ ", reads a line from fd 0, splits it
 * on blanks and runs /bin/<cmd> (or a path containing '/') with its arguments
 * through fork+execve+wait4; prints "[status N]" or "[signal N]" when the
 * command did not exit 0. Builtin: exit [N]. End of input exits with the last
 * status. Echo and line editing are the terminal's job (on Isola the kernel's
 * console, docs/syscalls.md); a backspace that still arrives erases a byte. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SH_LINE_MAX 256
#define SH_ARGS_MAX 32

extern char **environ;

/* Reads one line into buf (NUL-terminated, without the newline). Accepts
 * "\n", "\r" and "\r\n" as line ends, erases with backspace/DEL. Returns the
 * length, or -1 at end of input with nothing read. */
static int sh_read_line(char *buf, int cap)
{
    static int last_cr;
    int n = 0;
    for (;;) {
        char c;
        ssize_t r = read(0, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            buf[n] = 0;
            return n > 0 ? n : -1;
        }
        if (c == '\n' && last_cr) {   /* second half of "\r\n" */
            last_cr = 0;
            continue;
        }
        last_cr = (c == '\r');
        if (c == '\r' || c == '\n') {
            buf[n] = 0;
            return n;
        }
        if (c == 0x7f || c == '\b') {
            if (n > 0)
                n--;
            continue;
        }
        if ((unsigned char)c < ' ' && c != '\t')
            continue;
        if (n < cap - 1)
            buf[n++] = c;
    }
}

/* Splits line in place on blanks; returns the word count (<= max - 1),
 * argv NULL-terminated. */
static int sh_split(char *line, char **argv, int max)
{
    int argc = 0;
    char *p = line;
    while (*p && argc < max - 1) {
        while (*p == ' ' || *p == '\t')
            *p++ = 0;
        if (!*p)
            break;
        argv[argc++] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
    }
    argv[argc] = NULL;
    return argc;
}

/* Runs argv as a child and waits for it; returns its wait status, or -1 if
 * fork failed (the reason is printed). */
static int sh_run(char **argv)
{
    char path[SH_LINE_MAX + 8];
    if (strchr(argv[0], '/'))
        snprintf(path, sizeof path, "%s", argv[0]);
    else
        snprintf(path, sizeof path, "/bin/%s", argv[0]);
    pid_t pid = fork();
    if (pid < 0) {
        printf("sh: fork: %s\n", strerror(errno));
        fflush(stdout);
        return -1;
    }
    if (pid == 0) {
        execve(path, argv, environ);
        if (errno == ENOENT)
            printf("sh: %s: command not found\n", argv[0]);
        else
            printf("sh: %s: %s\n", argv[0], strerror(errno));
        fflush(stdout);
        _exit(127);
    }
    int st;
    while (wait4(pid, &st, 0, NULL) < 0) {
        if (errno != EINTR) {
            printf("sh: wait4: %s\n", strerror(errno));
            return -1;
        }
    }
    return st;
}

/* Prints "[status N]" / "[signal N]" for a non-zero wait status and returns
 * it as an exit code (N or 128+N). */
static int sh_report(int st)
{
    if (WIFEXITED(st)) {
        if (WEXITSTATUS(st) != 0)
            printf("[status %d]\n", WEXITSTATUS(st));
        return WEXITSTATUS(st);
    }
    if (WIFSIGNALED(st)) {
        printf("[signal %d]\n", WTERMSIG(st));
        return 128 + WTERMSIG(st);
    }
    return 255;
}

int main(void)
{
    char line[SH_LINE_MAX];
    char *argv[SH_ARGS_MAX];
    int last = 0;
    for (;;) {
        printf("isola$ ");
        fflush(stdout);
        if (sh_read_line(line, sizeof line) < 0) {
            printf("\n");
            return last;
        }
        int argc = sh_split(line, argv, SH_ARGS_MAX);
        if (argc == 0)
            continue;
        if (strcmp(argv[0], "exit") == 0)
            return argc > 1 ? atoi(argv[1]) & 0xff : last;
        int st = sh_run(argv);
        last = st < 0 ? 1 : sh_report(st);
        fflush(stdout);
    }
}
