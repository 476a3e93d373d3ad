/* Command-line tokenizer: splits on whitespace and classifies each word as a
 * key=value pair or a malformed word (with a reason). */
#include "lib/cmdline.h"

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '-';
}

/* Classifies w->word as a pair or malformed; fills key/value or why. */
static enum cmdline_kind classify(struct cmdline_word *w)
{
    size_t eq = 0;
    while (eq < w->word_len && w->word[eq] != '=')
        eq++;
    if (eq == w->word_len) {
        w->why = "expected key=value";
        return CMDLINE_MALFORMED;
    }
    if (eq == 0) {
        w->why = "empty key";
        return CMDLINE_MALFORMED;
    }
    for (size_t i = 0; i < eq; i++) {
        if (!is_key_char(w->word[i])) {
            w->why = "key may use only a-z 0-9 _ . -";
            return CMDLINE_MALFORMED;
        }
    }
    if (eq + 1 == w->word_len) {
        w->why = "empty value";
        return CMDLINE_MALFORMED;
    }
    w->key = w->word;
    w->key_len = eq;
    w->value = w->word + eq + 1;
    w->value_len = w->word_len - eq - 1;
    return CMDLINE_PAIR;
}

enum cmdline_kind cmdline_next(const char *s, size_t *pos, struct cmdline_word *w)
{
    size_t i = *pos;
    while (s[i] && is_space(s[i]))
        i++;
    w->word = s + i;
    w->word_len = 0;
    w->key = w->value = w->why = 0;
    w->key_len = w->value_len = 0;
    if (!s[i]) {
        *pos = i;
        return CMDLINE_END;
    }
    while (s[i] && !is_space(s[i]))
        i++;
    w->word_len = (size_t)(s + i - w->word);
    *pos = i;
    return classify(w);
}

bool cmdline_eq(const char *p, size_t len, const char *lit)
{
    size_t i = 0;
    for (; i < len; i++)
        if (lit[i] != p[i])     /* also stops at lit's NUL */
            return false;
    return lit[i] == '\0';
}
