/* Self-test of kernel/lib (test=lib): kprintf's formatter through ksnprintf
 * and the command-line tokenizer, each against expected strings. */
#include <stdint.h>
#include "kernel/selftest.h"
#include "lib/kprintf.h"
#include "lib/cmdline.h"
#include "lib/string.h"

/* Compares got with want; prints both on a mismatch. */
static bool lib_check(const char *what, const char *got, const char *want)
{
    if (strcmp(got, want) == 0)
        return true;
    kprintf("selftest lib: %s: got '%s', want '%s'\n", what, got, want);
    return false;
}

static bool lib_test_format(void)
{
    char b[96];
    bool ok = true;
    ksnprintf(b, sizeof b, "%d %i %u %d", -42, 7, 4000000000u, 0);
    ok = lib_check("%d/%u", b, "-42 7 4000000000 0") && ok;
    ksnprintf(b, sizeof b, "%x %X %lx %llx", 0xbeefu, 0xbeefu,
              0xffffffff80100000ul, 0x123456789abcdefull);
    ok = lib_check("%x/%lx", b, "beef BEEF ffffffff80100000 123456789abcdef") && ok;
    ksnprintf(b, sizeof b, "%p|%016lx|%5d|%-3c", (void *)0x1000, 0xabcul, -12, 'z');
    ok = lib_check("%p/width", b, "0x0000000000001000|0000000000000abc|  -12|%-3c") && ok;
    const char *volatile null_str = 0;      /* volatile: hide the NULL from gcc */
    ksnprintf(b, sizeof b, "[%s|%.3s|%.*s|%s]", "abc", "abcdef", 2, "xyz", null_str);
    ok = lib_check("%s", b, "[abc|abc|xy|(null)]") && ok;
    int n = ksnprintf(b, 6, "%s", "truncated");
    ok = lib_check("truncation", b, "trunc") && n == 9 && ok;
    ksnprintf(b, sizeof b, "%ld %lu %zu %%", -9000000000l, 18446744073709551615ul, (size_t)3);
    ok = lib_check("%ld/%zu", b, "-9000000000 18446744073709551615 3 %") && ok;
    return ok;
}

static bool lib_test_cmdline(void)
{
    static const char line[] = "  a=1 =x b bad!=2 c= d=4\t";
    static const enum cmdline_kind want[] = {
        CMDLINE_PAIR, CMDLINE_MALFORMED, CMDLINE_MALFORMED, CMDLINE_MALFORMED,
        CMDLINE_MALFORMED, CMDLINE_PAIR, CMDLINE_END,
    };
    size_t pos = 0;
    struct cmdline_word w;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        enum cmdline_kind k = cmdline_next(line, &pos, &w);
        if (k != want[i]) {
            kprintf("selftest lib: cmdline word %u: kind %d, want %d\n", (unsigned)i, k, want[i]);
            return false;
        }
    }
    pos = 0;
    cmdline_next(line, &pos, &w);
    return cmdline_eq(w.key, w.key_len, "a") && cmdline_eq(w.value, w.value_len, "1") &&
           !cmdline_eq(w.key, w.key_len, "ab") && !cmdline_eq(w.key, w.key_len, "");
}

bool selftest_lib(void)
{
    bool f = lib_test_format();
    bool c = lib_test_cmdline();
    kprintf("selftest lib: format %s, cmdline %s\n", f ? "ok" : "BAD", c ? "ok" : "BAD");
    return f && c;
}
