/* Read-only files (on Isola the initrd): the test opens its own executable
 * (argv[0]; "/init" on Isola, the same bytes), reads it in odd-sized pieces,
 * and checks lseek SEEK_SET/CUR/END, reads at and past the end, fd numbering,
 * close, and the errors ENOENT, EBADF, EINVAL and ESPIPE. Prints the size and
 * a checksum, identical on both systems because the file is the same. */
#include <fcntl.h>
#include "t.h"

static unsigned long fnv(const unsigned char *p, size_t n, unsigned long h)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211UL;
    return h;
}

int main(int argc, char **argv)
{
    (void)argc;
    t_init();
    int fd = open(argv[0], O_RDONLY);
    t_check("first open returns fd 3", fd == 3);
    static unsigned char buf[1000];
    unsigned long h = 14695981039346656037UL;
    long size = 0;
    ssize_t r;
    while ((r = read(fd, buf, 999)) > 0) {
        h = fnv(buf, (size_t)r, h);
        size += r;
    }
    printf("size %ld, checksum %016lx\n", size, h);
    t_check("read at the end returns 0", r == 0 && read(fd, buf, 10) == 0);
    t_check("SEEK_END gives the size", lseek(fd, 0, SEEK_END) == size);
    t_check("SEEK_SET to 1, then ELF", lseek(fd, 1, SEEK_SET) == 1 && read(fd, buf, 3) == 3 && memcmp(buf, "ELF", 3) == 0);
    t_check("SEEK_CUR reports 4", lseek(fd, 0, SEEK_CUR) == 4);
    t_check("SEEK_CUR -4 then magic", lseek(fd, -4, SEEK_CUR) == 0 && read(fd, buf, 4) == 4 && memcmp(buf, "\177ELF", 4) == 0);
    t_check("read across the end is short", lseek(fd, size - 10, SEEK_SET) == size - 10 && read(fd, buf, 100) == 10);
    t_check("seek past the end, read returns 0", lseek(fd, size + 5000, SEEK_SET) == size + 5000 && read(fd, buf, 10) == 0);
    t_expect_err("seek to a negative offset", lseek(fd, -1, SEEK_SET), EINVAL);
    t_expect_err("bad whence", lseek(fd, 0, 42), EINVAL);
    int fd2 = open(argv[0], O_RDONLY);
    t_check("second open returns fd 4", fd2 == 4);
    t_check("it has its own offset", read(fd2, buf, 4) == 4 && memcmp(buf, "\177ELF", 4) == 0);
    t_expect_err("close", close(fd), 0);
    t_expect_err("read after close", read(fd, buf, 4), EBADF);
    t_expect_err("close again", close(fd), EBADF);
    t_check("open reuses the lowest free fd (3)", (fd = open(argv[0], O_RDONLY)) == 3);
    close(fd);
    close(fd2);
    t_expect_err("open of a missing file", open("/no/such/file", O_RDONLY), ENOENT);
    t_expect_err("lseek on stdout", lseek(1, 0, SEEK_CUR), ESPIPE);

    pid_t c = t_fork();
    if (c == 0) {
        int f = open(argv[0], O_RDONLY);
        _exit(f == 3 && read(f, buf, 4) == 4 && memcmp(buf, "\177ELF", 4) == 0 ? 0 : 1);
    }
    t_expect_status("a child opens and reads the file too", t_wait(c), "exited 0");
    return t_done();
}
