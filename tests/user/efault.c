/* Bad user pointers give EFAULT and never kill the caller or the kernel:
 * write/writev/read/open/execve/uname/nanosleep/clock_gettime with NULL,
 * kernel-half, non-canonical and unmapped pointers; read into read-only
 * memory; execve with a bad argv, argv element or envp. */
#include <fcntl.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include "t.h"

extern char **environ;
static const char rodata_buf[64] = "read-only";

/* A page that was mapped and is unmapped again. */
static char *unmapped_page(void)
{
    char *p = mmap(NULL, T_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED || munmap(p, T_PAGE) != 0)
        return NULL;
    return p;
}

static void writes(char *gone)
{
    t_expect_err("write from NULL", write(1, NULL, 8), EFAULT);
    t_expect_err("write from kernel text", write(1, (void *)T_KERNEL_TEXT, 8), EFAULT);
    t_expect_err("write from the direct map", write(1, (void *)T_DIRECT_MAP, 8), EFAULT);
    t_expect_err("write from a non-canonical address", write(1, (void *)T_NONCANON, 8), EFAULT);
    t_expect_err("write from an unmapped page", write(1, gone, 8), EFAULT);
    t_expect_err("write to stderr from NULL", write(2, NULL, 8), EFAULT);
    struct iovec bad_base = { (void *)T_KERNEL_TEXT, 8 };
    t_expect_err("writev with a NULL iovec array", writev(1, NULL, 1), EFAULT);
    t_expect_err("writev with a kernel iovec array", writev(1, (void *)T_KERNEL_TEXT, 1), EFAULT);
    t_expect_err("writev with a kernel buffer", writev(1, &bad_base, 1), EFAULT);
}

static void reads(char *gone)
{
    int fd = open(t_self, O_RDONLY);
    t_check("own executable opened", fd >= 0);
    t_expect_err("read into NULL", read(fd, NULL, 8), EFAULT);
    t_expect_err("read into kernel text", read(fd, (void *)T_KERNEL_TEXT, 8), EFAULT);
    t_expect_err("read into an unmapped page", read(fd, gone, 8), EFAULT);
    t_expect_err("read into read-only data", read(fd, (void *)rodata_buf, 8), EFAULT);
    t_check("read-only data unchanged", strcmp(rodata_buf, "read-only") == 0);
    char ok[4];
    t_check("a good read after them starts at offset 0 with ELF magic",
            read(fd, ok, 4) == 4 && memcmp(ok, "\177ELF", 4) == 0);
    close(fd);
    t_expect_err("open of a NULL path", open(NULL, O_RDONLY), EFAULT);
    t_expect_err("open of a kernel-half path", open((char *)T_KERNEL_TEXT, O_RDONLY), EFAULT);
}

/* Runs execve(path, argv, envp) in a child; prints the errno it returned.
 * If the exec wrongly succeeds, the new image exits 99 (see main). */
static void exec_case(const char *what, const char *path, char **argv, char **envp)
{
    pid_t pid = t_fork();
    if (pid == 0) {
        execve(path, argv, envp);
        _exit(errno == EFAULT ? 0 : errno);
    }
    int st = t_wait(pid);
    const char *r = st != -1 && WIFEXITED(st) && WEXITSTATUS(st) < 99 ? t_errname(WEXITSTATUS(st) ? WEXITSTATUS(st) : EFAULT)
                                                                   : t_status(st);
    printf("%s: %s\n", what, r);
    if (strcmp(r, "EFAULT") != 0)
        t_failures++;
}

static void execs(char *gone)
{
    char *ran_env[] = { "T_EXEC_RAN=1", NULL };
    char *good_argv[] = { (char *)t_self, "exec-ran", NULL };
    char *bad_elem[] = { (char *)t_self, (char *)T_KERNEL_TEXT, NULL };
    char *bad_env[] = { "T_EXEC_RAN=1", gone, NULL };
    exec_case("execve of a NULL path", NULL, good_argv, ran_env);
    exec_case("execve of a kernel-half path", (char *)T_KERNEL_TEXT, good_argv, ran_env);
    exec_case("execve of an unmapped path", gone, good_argv, ran_env);
    exec_case("execve with a kernel-half argv", t_self, (char **)T_KERNEL_TEXT, ran_env);
    exec_case("execve with an unmapped argv", t_self, (char **)gone, ran_env);
    exec_case("execve with a kernel-half argv[1]", t_self, bad_elem, ran_env);
    exec_case("execve with a kernel-half envp", t_self, good_argv, (char **)T_KERNEL_TEXT);
    exec_case("execve with an unmapped envp[1]", t_self, good_argv, bad_env);
}

static void others(void)
{
    t_expect_err("uname into NULL", uname(NULL), EFAULT);
    t_expect_err("uname into kernel text", uname((struct utsname *)T_KERNEL_TEXT), EFAULT);
    t_expect_err("nanosleep of a NULL request", nanosleep(NULL, NULL), EFAULT);
    t_expect_err("clock_gettime into NULL (raw syscall)", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, NULL), EFAULT);
    t_expect_err("clock_gettime into kernel text (raw syscall)",
                 syscall(SYS_clock_gettime, CLOCK_MONOTONIC, T_KERNEL_TEXT), EFAULT);
}

int main(int argc, char **argv)
{
    if (argc > 1 || getenv("T_EXEC_RAN"))
        return 99;              /* an execve that should have failed ran us */
    t_self = argv[0];
    t_init();
    char *gone = unmapped_page();
    if (!gone) {
        printf("mmap/munmap failed\n");
        return 1;
    }
    writes(gone);
    reads(gone);
    execs(gone);
    others();
    t_check("still running after all of them", 1);
    return t_done();
}
