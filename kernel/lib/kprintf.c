/* Small printf for the kernel: one formatter (kvformat) with two sinks,
 * the serial console and a bounded buffer. */
#include <stdint.h>
#include <stdbool.h>
#include "lib/kprintf.h"
#include "arch/serial.h"

struct fmt_spec {
    char pad;          /* ' ' or '0' */
    int width;
    int longs;         /* 0: int, 1: long, 2: long long (size_t counts as long) */
    int precision;     /* %.Ns / %.*s: at most N characters; -1: none */
    int prec_star;     /* precision comes from the argument list */
};

/* Emits len bytes of s, right-aligned in the field width. */
static int emit_str(kprintf_sink sink, void *ctx, const char *s, int len,
                    const struct fmt_spec *sp)
{
    int n = 0;
    for (int i = len; i < sp->width; i++, n++)
        sink(sp->pad == '0' ? '0' : ' ', ctx);
    for (int i = 0; i < len; i++, n++)
        sink(s[i], ctx);
    return n;
}

/* Prints v in base 10 or 16, with a leading '-' when negative is set. */
static int emit_uint(kprintf_sink sink, void *ctx, uint64_t v, unsigned base,
                     bool upper, bool negative, const struct fmt_spec *sp)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24];
    int i = (int)sizeof buf;
    do {
        buf[--i] = digits[v % base];
        v /= base;
    } while (v);
    int n = 0;
    struct fmt_spec s = *sp;
    if (negative) {
        if (s.pad == '0') {
            sink('-', ctx);
            n++;
            s.width--;
        } else {
            buf[--i] = '-';
        }
    }
    return n + emit_str(sink, ctx, buf + i, (int)sizeof buf - i, &s);
}

/* Reads flags, width, precision and length after a '%'; returns the
 * position of the conversion letter. */
static const char *parse_spec(const char *f, struct fmt_spec *sp)
{
    sp->pad = ' ';
    sp->width = 0;
    sp->longs = 0;
    sp->precision = -1;
    sp->prec_star = 0;
    if (*f == '0') {
        sp->pad = '0';
        f++;
    }
    while (*f >= '0' && *f <= '9')
        sp->width = sp->width * 10 + (*f++ - '0');
    if (*f == '.') {
        f++;
        sp->precision = 0;
        if (*f == '*') {
            sp->prec_star = 1;
            f++;
        }
        while (*f >= '0' && *f <= '9')
            sp->precision = sp->precision * 10 + (*f++ - '0');
    }
    while (*f == 'l' || *f == 'z') {
        sp->longs++;
        f++;
    }
    return f;
}

/* Fetches the next unsigned / signed argument of the given length. */
static uint64_t arg_unsigned(va_list *ap, int longs)
{
    if (longs >= 2)
        return va_arg(*ap, unsigned long long);
    if (longs == 1)
        return va_arg(*ap, unsigned long);
    return va_arg(*ap, unsigned int);
}

static int64_t arg_signed(va_list *ap, int longs)
{
    if (longs >= 2)
        return va_arg(*ap, long long);
    if (longs == 1)
        return va_arg(*ap, long);
    return va_arg(*ap, int);
}

/* Formats one conversion letter conv with its spec; returns characters out. */
static int format_one(kprintf_sink sink, void *ctx, char conv,
                      const struct fmt_spec *sp, va_list *ap)
{
    switch (conv) {
    case 'd':
    case 'i': {
        int64_t v = arg_signed(ap, sp->longs);
        uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
        return emit_uint(sink, ctx, mag, 10, false, v < 0, sp);
    }
    case 'u':
        return emit_uint(sink, ctx, arg_unsigned(ap, sp->longs), 10, false, false, sp);
    case 'x':
    case 'X':
        return emit_uint(sink, ctx, arg_unsigned(ap, sp->longs), 16, conv == 'X', false, sp);
    case 'p': {
        uint64_t v = (uint64_t)(uintptr_t)va_arg(*ap, void *);
        sink('0', ctx);
        sink('x', ctx);
        struct fmt_spec s = { .pad = '0', .width = 16, .longs = 1, .precision = -1 };
        return 2 + emit_uint(sink, ctx, v, 16, false, false, &s);
    }
    case 'c': {
        char c = (char)va_arg(*ap, int);
        return emit_str(sink, ctx, &c, 1, sp);
    }
    case 's': {
        const char *s = va_arg(*ap, const char *);
        if (!s)
            s = "(null)";
        int len = 0;
        while ((sp->precision < 0 || len < sp->precision) && s[len])
            len++;
        return emit_str(sink, ctx, s, len, sp);
    }
    case '%':
        sink('%', ctx);
        return 1;
    default:
        sink('%', ctx);
        sink(conv, ctx);
        return 2;
    }
}

int kvformat(kprintf_sink sink, void *ctx, const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = 0;
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            sink(*f, ctx);
            n++;
            continue;
        }
        struct fmt_spec sp;
        f = parse_spec(f + 1, &sp);
        if (!*f)
            break;
        if (sp.prec_star)
            sp.precision = va_arg(aq, int);
        n += format_one(sink, ctx, *f, &sp, &aq);
    }
    va_end(aq);
    return n;
}

struct buf_ctx {
    char *buf;
    size_t size;
    size_t pos;
};

/* ksnprintf sink: stores while there is room, counts always. */
static void buf_sink(char c, void *ctx)
{
    struct buf_ctx *b = ctx;
    if (b->pos + 1 < b->size)
        b->buf[b->pos] = c;
    b->pos++;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    struct buf_ctx b = { buf, size, 0 };
    va_list ap;
    va_start(ap, fmt);
    int n = kvformat(buf_sink, &b, fmt, ap);
    va_end(ap);
    if (size > 0)
        buf[b.pos < size ? b.pos : size - 1] = '\0';
    return n;
}

/* kprintf sink: the serial console. */
static void console_sink(char c, void *ctx)
{
    (void)ctx;
    serial_putc(c);
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvformat(console_sink, NULL, fmt, ap);
    va_end(ap);
    return n;
}
