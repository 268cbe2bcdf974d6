/*
 * src/domain/util.h - small internal helpers shared by the files of the
 * domain layer (the .c files of src/domain): quoting untrusted text for error messages,
 * describing a single character, ASCII case mapping and bounded copies into
 * caller buffers.
 *
 * Nothing here is public API.  No locale is consulted (tolower/toupper are
 * avoided on purpose), nothing keeps state.
 */
#ifndef DCCD_DOMAIN_UTIL_H
#define DCCD_DOMAIN_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"

/* Room for a quoted excerpt: up to 64 source bytes, each escaped to at most
 * 4 characters, quotes, "..." and NUL. */
#define DCCD_DOM_QUOTE_MAX 300

/* Write s into out as a double-quoted, escaped excerpt ("abc", "a\x01b",
 * "aaaa..."): at most 64 bytes of s are shown.  s == NULL gives "(null)". */
void dccd_dom_quote(const char *s, char out[DCCD_DOM_QUOTE_MAX]);

/* Describe one byte for a message: 'a', '/', '\\', '\x01', ' '. */
void dccd_dom_char(unsigned char c, char out[8]);

static inline char dccd_dom_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}
static inline char dccd_dom_upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}
static inline int dccd_dom_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Copy the n bytes at s plus a NUL into buf; DCCD_ERANGE (buf set to "" when
 * cap > 0) if cap <= n.  `what` names the output in the message. */
int dccd_dom_put(char *buf, size_t cap, const char *s, size_t n, const char *what,
                 dccd_error *err);

/* Parse a run of decimal digits text[0..n) as a non-negative int64.
 * Returns 0 on success, -1 when n == 0 or a non-digit is present, -2 on
 * overflow. */
int dccd_dom_parse_u63(const char *text, size_t n, int64_t *out);

#endif /* DCCD_DOMAIN_UTIL_H */
