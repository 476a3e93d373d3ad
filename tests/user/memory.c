/* brk, mmap, munmap and mprotect as on Linux: fresh memory reads zero,
 * released memory faults (SIGSEGV, checked in children), protections are
 * enforced and reversible, partial unmaps keep the neighbours, bad arguments
 * give EINVAL/ENOMEM, and malloc (brk + mmap in musl) keeps every byte.
 * The brk part runs first, before malloc owns the break. */
#include "t.h"

#define P T_PAGE

static long sys_brk(uintptr_t a) { return syscall(SYS_brk, a); }

static int all_are(const unsigned char *p, size_t n, unsigned char v)
{
    for (size_t i = 0; i < n; i++)
        if (((volatile const unsigned char *)p)[i] != v)
            return 0;
    return 1;
}

static void brk_part(void)
{
    uintptr_t b0 = (uintptr_t)sys_brk(0);
    uintptr_t a = (b0 + P - 1) & ~(P - 1);
    t_check("brk grows by 8 pages", (uintptr_t)sys_brk(a + 8 * P) == a + 8 * P);
    t_check("grown break reads zero", all_are((unsigned char *)a, 8 * P, 0));
    memset((void *)a, 0x42, 8 * P);
    t_check("brk shrinks to 2 pages", (uintptr_t)sys_brk(a + 2 * P) == a + 2 * P);
    t_expect_child("read above the shrunk break", t_read_at, a + 5 * P, "killed by SIGSEGV");
    t_expect_child("read below the shrunk break", t_read_at, a + P, "exited 0");
    t_check("brk grows again", (uintptr_t)sys_brk(a + 8 * P) == a + 8 * P);
    t_check("pages below the break kept their bytes", all_are((unsigned char *)a, 2 * P, 0x42));
    t_check("pages regained after the shrink read zero", all_are((unsigned char *)a + 2 * P, 6 * P, 0));
    t_check("brk(0) reports the break", (uintptr_t)sys_brk(0) == a + 8 * P);
    t_check("brk by 1 TiB refused (old break returned)", (uintptr_t)sys_brk(a + (1ULL << 40)) == a + 8 * P);
    t_check("brk below the heap start refused", (uintptr_t)sys_brk(0x1000) == a + 8 * P);
    t_check("brk back to the start", (uintptr_t)sys_brk(b0) == b0);
    t_expect_child("read above the start after release", t_read_at, a + P, "killed by SIGSEGV");
}

static void mmap_part(void)
{
    unsigned char *p = mmap(NULL, 4 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    t_check("mmap of 4 pages", p != MAP_FAILED);
    if (p == MAP_FAILED)
        return;
    t_check("mmap result page-aligned", ((uintptr_t)p & (P - 1)) == 0);
    t_check("fresh mapping reads zero", all_are(p, 4 * P, 0));
    memset(p, 0x17, 4 * P);
    t_expect_err("munmap of the second page", munmap(p + P, P), 0);
    t_expect_child("read of the unmapped page", t_read_at, (uintptr_t)p + P, "killed by SIGSEGV");
    t_expect_child("read of the third page", t_read_at, (uintptr_t)p + 2 * P, "exited 0");
    t_check("neighbours kept their bytes", all_are(p, P, 0x17) && all_are(p + 2 * P, 2 * P, 0x17));

    t_expect_err("mprotect of page 1 to PROT_READ", mprotect(p, P, PROT_READ), 0);
    t_expect_child("write to the read-only page", t_write_at, (uintptr_t)p, "killed by SIGSEGV");
    t_expect_child("read of the read-only page", t_read_at, (uintptr_t)p, "exited 0");
    t_expect_err("mprotect back to read/write", mprotect(p, P, PROT_READ | PROT_WRITE), 0);
    p[0] = 0x18;
    t_check("writable again, other bytes kept", p[0] == 0x18 && all_are(p + 1, P - 1, 0x17));
    t_expect_err("mprotect over a hole", mprotect(p, 4 * P, PROT_READ), ENOMEM);
    /* musl's mprotect() rounds the range to pages; the raw call must refuse. */
    t_expect_err("mprotect of an unaligned address (raw syscall)", syscall(SYS_mprotect, p + 1, P, PROT_READ), EINVAL);
    t_expect_err("munmap of an unaligned address", munmap(p + 1, P), EINVAL);
    t_expect_err("munmap of length 0", munmap(p, 0), EINVAL);
    t_check("mmap of length 0 fails with EINVAL",
            mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
    t_expect_err("munmap of all 4 pages, over the hole", munmap(p, 4 * P), 0);
    t_expect_child("read of page 1 after munmap", t_read_at, (uintptr_t)p, "killed by SIGSEGV");
    t_expect_child("read of page 4 after munmap", t_read_at, (uintptr_t)p + 3 * P, "killed by SIGSEGV");
    t_expect_err("munmap of an unmapped range", munmap(p, 4 * P), 0);
}

static void mmap_flags_part(void)
{
    unsigned char *q = mmap(NULL, 2 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(q, 0x11, 2 * P);
    unsigned char *f = mmap(q + P, P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    t_check("MAP_FIXED maps at the address", f == q + P);
    t_check("MAP_FIXED replaces with a zero page", all_are(q + P, P, 0) && all_are(q, P, 0x11));
    munmap(q, 2 * P);

    unsigned char *r = mmap(NULL, P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    t_check("PROT_READ mapping reads zero", r != MAP_FAILED && all_are(r, P, 0));
    t_expect_child("write to a PROT_READ mapping", t_write_at, (uintptr_t)r, "killed by SIGSEGV");
    munmap(r, P);

    static const unsigned char code[] = { 0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3 };   /* mov eax,42; ret */
    unsigned char *e = mmap(NULL, P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memcpy(e, code, sizeof code);
    t_expect_err("mprotect to PROT_READ|PROT_EXEC", mprotect(e, P, PROT_READ | PROT_EXEC), 0);
    t_check("code in a PROT_READ|PROT_EXEC page runs", ((int (*)(void))(uintptr_t)e)() == 42);
    t_expect_child("write to the code page", t_write_at, (uintptr_t)e, "killed by SIGSEGV");
    munmap(e, P);

    size_t big = 4u << 20;
    unsigned char *g = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int ok = g != MAP_FAILED;
    for (size_t i = 0; ok && i < big; i += P)
        g[i] = (unsigned char)(i / P);
    for (size_t i = 0; ok && i < big; i += P)
        ok = g[i] == (unsigned char)(i / P) && g[i + 1] == 0;
    t_check("4 MiB mapping holds a byte per page", ok);
    t_expect_err("munmap of 4 MiB", munmap(g, big), 0);

    unsigned char *many[64];
    ok = 1;
    for (int i = 0; i < 64; i++) {
        many[i] = mmap(NULL, P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        ok &= many[i] != MAP_FAILED;
        if (many[i] != MAP_FAILED)
            memset(many[i], i, P);
    }
    for (int i = 0; i < 64; i++)
        ok &= many[i] != MAP_FAILED && all_are(many[i], P, (unsigned char)i) && munmap(many[i], P) == 0;
    t_check("64 one-page mappings are distinct and released", ok);
}

static void malloc_part(void)
{
    enum { N = 200 };
    static unsigned char *blk[N];
    static size_t len[N];
    int ok = 1;
    for (int i = 0; i < N; i++) {
        len[i] = (size_t)(i * 997 % 5000 + 1) * (i % 10 == 0 ? 60 : 1);   /* up to ~300 KiB */
        blk[i] = malloc(len[i]);
        ok &= blk[i] != NULL;
        if (blk[i])
            memset(blk[i], i, len[i]);
    }
    for (int i = 0; i < N; i += 2) {            /* free half, grow the rest */
        free(blk[i]);
        blk[i] = NULL;
        unsigned char *r = realloc(blk[i + 1], len[i + 1] * 3);
        ok &= r != NULL && all_are(r, len[i + 1], (unsigned char)(i + 1));
        if (r) {
            memset(r, i + 1, len[i + 1] * 3);
            blk[i + 1] = r;
            len[i + 1] *= 3;
        }
    }
    for (int i = 1; i < N; i += 2) {
        ok &= all_are(blk[i], len[i], (unsigned char)i);
        free(blk[i]);
    }
    t_check("malloc/realloc/free of 200 blocks up to 900 KiB keep their bytes", ok);
}

int main(void)
{
    t_init();
    brk_part();
    mmap_part();
    mmap_flags_part();
    malloc_part();
    t_expect_err("no children left", wait4(-1, NULL, 0, NULL), ECHILD);
    return t_done();
}
