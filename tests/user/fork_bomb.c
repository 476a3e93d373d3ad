/* A fork bomb: every process forks FAN children that do the same, DEPTH
 * levels deep (156 processes if nothing refuses; Isola has 64 slots), the
 * leaves sleep 300 ms, everyone reaps its children. The bomb must end with
 * fork refused only by EAGAIN (Isola) or never (Linux), every process
 * reaped, and the system as before: a second bomb behaves the same, a fork
 * works afterwards, and on Isola the free-frame count is back exactly. */
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include "t.h"

#define FAN   5
#define DEPTH 3
#define SAW_EAGAIN 1
#define SAW_OTHER  2

/* Forks the subtree below this process and reaps it; returns SAW_* bits. */
static int bomb(int depth)
{
    if (depth == DEPTH) {
        t_sleep_ms(300);
        return 0;
    }
    int seen = 0;
    for (int i = 0; i < FAN; i++) {
        pid_t c = t_fork();
        if (c == 0)
            _exit(bomb(depth + 1));
        if (c < 0)
            seen |= errno == EAGAIN ? SAW_EAGAIN : SAW_OTHER;
    }
    int st;
    pid_t w;
    while ((w = wait4(-1, &st, 0, NULL)) > 0 || (w < 0 && errno == EINTR))
        if (w > 0)
            seen |= WIFEXITED(st) ? WEXITSTATUS(st) & 3 : SAW_OTHER;
    return seen;
}

static long free_frames(void)
{
    struct sysinfo si;
    return sysinfo(&si) == 0 ? (long)(si.freeram * si.mem_unit / T_PAGE) : -1;
}

int main(void)
{
    t_init();
    struct utsname u;
    int isola = uname(&u) == 0 && strcmp(u.sysname, "Isola") == 0;
    long before = free_frames();
    int first = bomb(0);
    t_check("first bomb: fork refused only with EAGAIN", !(first & SAW_OTHER));
    t_check("first bomb: EAGAIN seen (Isola) or never refused (Linux)", isola ? first == SAW_EAGAIN : first == 0);
    t_expect_err("first bomb: every process reaped", wait4(-1, NULL, WNOHANG, NULL), ECHILD);
    int second = bomb(0);
    t_check("second bomb ended the same way", second == first);
    pid_t c = t_fork();
    if (c == 0)
        _exit(0);
    t_expect_status("a fork after the bombs", c < 0 ? -1 : t_wait(c), "exited 0");
    t_expect_err("no children left", wait4(-1, NULL, 0, NULL), ECHILD);
    long after = free_frames();
    t_check("free memory back (exact on Isola)", !isola || before == after);
    fprintf(stderr, "fork_bomb: bombs saw %d/%d, free frames %ld -> %ld\n", first, second, before, after);
    return t_done();
}
