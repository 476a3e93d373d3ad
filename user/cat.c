/* /bin/cat: copies each named file (stdin if none, or for "-") to stdout.
 * On Isola, files are the initrd's (read-only). Exit status 1 if any file
 * could not be read or stdout could not be written, else 0. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Writes all n bytes, retrying short writes; 0 on success, -1 on error. */
static int cat_write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(1, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Copies fd to stdout until end of file; 0 on success, -1 on error. */
static int cat_fd(int fd, const char *name)
{
    static char buf[4096];
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r == 0)
            return 0;
        if (r < 0) {
            if (errno == EINTR)
                continue;
            dprintf(2, "cat: %s: %s\n", name, strerror(errno));
            return -1;
        }
        if (cat_write_all(buf, (size_t)r) < 0) {
            dprintf(2, "cat: write: %s\n", strerror(errno));
            return -1;
        }
    }
}

int main(int argc, char **argv)
{
    int status = 0;
    if (argc < 2)
        return cat_fd(0, "stdin") < 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-") == 0) {
            status |= cat_fd(0, "stdin") < 0;
            continue;
        }
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            dprintf(2, "cat: %s: %s\n", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        status |= cat_fd(fd, argv[i]) < 0;
        close(fd);
    }
    return status;
}
