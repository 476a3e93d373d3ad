/* Tokenizer for the kernel command line: whitespace-separated words of the
 * form key=value. Pure functions (no state, no output), so the caller decides
 * how to report what is malformed or unknown. */
#ifndef LIB_CMDLINE_H
#define LIB_CMDLINE_H

#include <stddef.h>
#include <stdbool.h>

enum cmdline_kind {
    CMDLINE_END,        /* no more words */
    CMDLINE_PAIR,       /* well-formed key=value */
    CMDLINE_MALFORMED,  /* a word that is not key=value; why says what is wrong */
};

struct cmdline_word {
    const char *word;      /* the whole word (not NUL-terminated) */
    size_t word_len;
    const char *key;       /* for CMDLINE_PAIR: key and value inside word */
    size_t key_len;
    const char *value;
    size_t value_len;
    const char *why;       /* for CMDLINE_MALFORMED: a short reason */
};

/* Reads the word of s that starts at or after *pos, fills *w and advances
 * *pos past it. A well-formed word is key=value with a non-empty key of
 * [a-z0-9_.-] and a non-empty value without whitespace. */
enum cmdline_kind cmdline_next(const char *s, size_t *pos, struct cmdline_word *w);

/* True iff the len bytes at p equal the NUL-terminated string lit. */
bool cmdline_eq(const char *p, size_t len, const char *lit);

#endif
