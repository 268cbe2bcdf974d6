/*
 * src/domain/util.c - internal helpers of the domain layer: quoting text for
 * error messages, describing characters, bounded copies and digit parsing.
 * See util.h.
 */
#include <stdio.h>
#include <string.h>

#include "util.h"

void dccd_dom_quote(const char *s, char out[DCCD_DOM_QUOTE_MAX])
{
    if (!s) {
        snprintf(out, DCCD_DOM_QUOTE_MAX, "(null)");
        return;
    }
    size_t o = 0;
    out[o++] = '"';
    size_t i = 0;
    for (; s[i] && i < 64; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20 || c >= 0x7f) {
            o += (size_t)snprintf(out + o, DCCD_DOM_QUOTE_MAX - o, "\\x%02x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    out[o++] = '"';
    if (s[i]) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}

void dccd_dom_char(unsigned char c, char out[8])
{
    if (c == '\\')
        snprintf(out, 8, "'\\\\'");
    else if (c == '\'')
        snprintf(out, 8, "'\\''");
    else if (c < 0x20 || c >= 0x7f)
        snprintf(out, 8, "'\\x%02x'", c);
    else
        snprintf(out, 8, "'%c'", (char)c);
}

int dccd_dom_put(char *buf, size_t cap, const char *s, size_t n, const char *what,
                 dccd_error *err)
{
    if (!buf || cap <= n) {
        if (buf && cap > 0)
            buf[0] = '\0';
        return dccd_err_set(err, DCCD_ERANGE, "%s: buffer of %zu bytes too small (need %zu)", what,
                            cap, n + 1);
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    return DCCD_OK;
}

int dccd_dom_parse_u63(const char *text, size_t n, int64_t *out)
{
    if (n == 0)
        return -1;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!dccd_dom_is_digit(text[i]))
            return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, text[i] - '0', &v))
            return -2;
    }
    *out = v;
    return 0;
}
