/* fork isolates .data, .bss, brk heap, malloc heap, mmap and stack: several
 * children alive at once each see the parent's values as of fork, overwrite
 * them with their own, and still read their own after the others and the
 * parent wrote theirs; a grandchild's writes do not reach its parent; the
 * parent's memory is untouched by all of them. */
/* covers: vm_space_clone.clone_equal vm_space_clone.clone_parent_unchanged */
#include "t.h"

#define NCHILD     5
#define HEAP_BYTES 65536
#define MAP_BYTES  (3 * T_PAGE)
#define BRK_BYTES  (2 * T_PAGE)
#define STACK_BYTES 8192
#define BIG_BYTES  (6u << 20)   /* crosses 2 MiB (page-table) boundaries; 1,536 pages
                                 * take a fork past the 1,024 frames clone copies
                                 * through the caches, so the rest is streamed */

int data_var = 1234;          /* .data */
int bss_var;                  /* .bss */
static unsigned char *heap, *map, *brkmem, *big;

/* Region bits in a child's exit status: set when the region was wrong. */
enum { R_DATA = 1, R_BSS = 2, R_BRK = 4, R_HEAP = 8, R_MAP = 16, R_STACK = 32, R_BIG = 64, R_GRANDCHILD = 128 };
static const char *region_names[] = { "data", "bss", "brk", "heap", "mmap", "stack", "3 MiB mmap", "grandchild" };
#define NREGIONS 8

/* The 3 MiB region holds v in the first byte of every page, page index in the last. */
static int big_wrong(unsigned char v)
{
    for (size_t off = 0; off < BIG_BYTES; off += T_PAGE)
        if (((volatile unsigned char *)big)[off] != v || big[off + T_PAGE - 1] != (unsigned char)(off / T_PAGE))
            return 1;
    return 0;
}

static void big_set(unsigned char v)
{
    for (size_t off = 0; off < BIG_BYTES; off += T_PAGE) {
        big[off] = v;
        big[off + T_PAGE - 1] = (unsigned char)(off / T_PAGE);
    }
}

static int all_are(const unsigned char *p, size_t n, unsigned char v)
{
    for (size_t i = 0; i < n; i++)
        if (((volatile const unsigned char *)p)[i] != v)
            return 0;
    return 1;
}

/* Bits of the regions that do not all hold v (data/bss hold base + v). */
static int regions_wrong(unsigned char *stack, int base, unsigned char v)
{
    int bad = 0;
    if (data_var != base + v) bad |= R_DATA;
    if (bss_var != v) bad |= R_BSS;
    if (!all_are(brkmem, BRK_BYTES, v)) bad |= R_BRK;
    if (!all_are(heap, HEAP_BYTES, v)) bad |= R_HEAP;
    if (!all_are(map, MAP_BYTES, v)) bad |= R_MAP;
    if (!all_are(stack, STACK_BYTES, v)) bad |= R_STACK;
    if (big_wrong(v)) bad |= R_BIG;
    return bad;
}

static void regions_set(unsigned char *stack, int base, unsigned char v)
{
    data_var = base + v;
    bss_var = v;
    memset(brkmem, v, BRK_BYTES);
    memset(heap, v, HEAP_BYTES);
    memset(map, v, MAP_BYTES);
    memset(stack, v, STACK_BYTES);
    big_set(v);
}

/* Child i: checks the fork-time values, writes its own, lets everybody run,
 * lets a grandchild scribble, checks its own are intact. Exits with the bits
 * of the wrong regions. */
static void child(unsigned char *stack, int i)
{
    unsigned char mine = (unsigned char)(10 + i);
    int bad = regions_wrong(stack, 1000, 0xA5);
    regions_set(stack, 1000, mine);
    for (int k = 0; k < 10; k++) {
        sched_yield();
        t_sleep_ms(2);
    }
    pid_t g = t_fork();
    if (g == 0) {
        regions_set(stack, 1000, 0xEE);
        _exit(regions_wrong(stack, 1000, 0xEE) ? 1 : 0);
    }
    int gst = g < 0 ? -1 : t_wait(g);
    if (gst == -1 || !WIFEXITED(gst) || WEXITSTATUS(gst) != 0 || wait4(-1, NULL, 0, NULL) != -1)
        bad |= R_GRANDCHILD;
    bad |= regions_wrong(stack, 1000, mine);
    _exit(bad);
}

int main(void)
{
    unsigned char stack[STACK_BYTES];
    pid_t pids[NCHILD];

    t_init();
    /* brk first, before malloc can use the break. */
    uintptr_t b0 = (uintptr_t)syscall(SYS_brk, 0);
    uintptr_t b1 = (b0 + T_PAGE - 1) & ~(T_PAGE - 1);
    if ((uintptr_t)syscall(SYS_brk, b1 + BRK_BYTES) != b1 + BRK_BYTES) {
        printf("brk grow failed\n");
        return 1;
    }
    brkmem = (unsigned char *)b1;
    heap = malloc(HEAP_BYTES);
    map = mmap(NULL, MAP_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    big = mmap(NULL, BIG_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!heap || map == MAP_FAILED || big == MAP_FAILED) {
        printf("allocation failed\n");
        return 1;
    }
    regions_set(stack, 1000, 0xA5);

    for (int i = 0; i < NCHILD; i++) {
        pids[i] = t_fork();
        if (pids[i] == 0)
            child(stack, i);
        if (pids[i] < 0) {
            printf("fork %d failed: %s\n", i, t_errname(errno));
            return 1;
        }
    }
    /* The parent writes while the children run; they must not see it. */
    regions_set(stack, 2000, 0x33);

    for (int i = 0; i < NCHILD; i++) {
        int st = t_wait(pids[i]);
        printf("child %d: %s\n", i, t_status(st));
        if (st == -1 || !WIFEXITED(st)) {
            t_failures++;
            continue;
        }
        for (int r = 0; r < NREGIONS; r++) {
            char what[64];
            snprintf(what, sizeof what, "child %d %s isolated", i, region_names[r]);
            t_check(what, !(WEXITSTATUS(st) & (1 << r)));
        }
    }
    int bad = regions_wrong(stack, 2000, 0x33);
    for (int r = 0; r < NREGIONS - 1; r++) {
        char what[64];
        snprintf(what, sizeof what, "parent %s untouched by children", region_names[r]);
        t_check(what, !(bad & (1 << r)));
    }
    t_expect_err("no children left", wait4(-1, NULL, 0, NULL), ECHILD);
    return t_done();
}
