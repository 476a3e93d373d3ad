/* kprintf: formatted output to the kernel console (COM1).
 * Conversions: %s %c %d %i %u %x %X %p %%, length modifiers l, ll, z, an
 * optional '0' flag and width (e.g. %016lx), and a precision for %s (%.*s).
 * Unknown conversions print as is. */
#ifndef LIB_KPRINTF_H
#define LIB_KPRINTF_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*kprintf_sink)(char c, void *ctx);

/* Core formatter: sends every output character to sink; returns the count. */
int kvformat(kprintf_sink sink, void *ctx, const char *fmt, va_list ap);
/* Formats into buf (always NUL-terminated when size > 0); returns the length
 * the full output would have had. */
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Formats to the console; returns the number of characters written. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
