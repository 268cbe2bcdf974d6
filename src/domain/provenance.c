/*
 * src/domain/provenance.c - provenance records and their JSON form.
 *
 * Owns: dccd_provenance (source, derived_from), its serialisation
 * byte-for-byte as pydantic's model_dump_json() writes it (the seed stores
 * that string under the Parquet footer key "dccd.provenance"), parsing it
 * back with jansson, UTF-8 validation of the strings, and freeing.
 *
 * The writer is hand-written rather than jansson's json_dumps() because
 * jansson escapes control characters with upper-case hex ("\u001F") where
 * pydantic (serde_json) writes lower-case ("\u001f"); byte-identical output
 * keeps files written by dccd and by the seed indistinguishable.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dccd/domain.h"
#include "util.h"

/* Length of the valid UTF-8 sequence starting at s, or 0 if invalid
 * (overlong forms, surrogates and code points above U+10FFFF refused, as
 * Python's str cannot carry them into JSON either). */
static size_t utf8_seq(const unsigned char *s)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        return (s[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
            return 0;
        if (c == 0xe0 && s[1] < 0xa0)
            return 0; /* overlong */
        if (c == 0xed && s[1] >= 0xa0)
            return 0; /* surrogate */
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
            return 0;
        if (c == 0xf0 && s[1] < 0x90)
            return 0; /* overlong */
        if (c == 0xf4 && s[1] >= 0x90)
            return 0; /* above U+10FFFF */
        return 4;
    }
    return 0;
}

/* Offset of the first invalid UTF-8 byte, or (size_t)-1 when valid. */
static size_t utf8_bad_offset(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (p[i]) {
        size_t n = utf8_seq(p + i);
        if (n == 0)
            return i;
        i += n;
    }
    return (size_t)-1;
}

static int check_utf8(const char *s, const char *field, dccd_error *err)
{
    size_t bad = utf8_bad_offset(s);
    if (bad != (size_t)-1)
        return dccd_err_set(err, DCCD_EINVAL, "provenance %s: invalid UTF-8 at byte %zu", field,
                            bad);
    return DCCD_OK;
}

int dccd_provenance_init(dccd_provenance *out, const char *source, const char *derived_from,
                         dccd_error *err)
{
    if (!source)
        return dccd_err_set(err, DCCD_EINVAL, "provenance: source is required");
    int rc = check_utf8(source, "source", err);
    if (rc == DCCD_OK && derived_from)
        rc = check_utf8(derived_from, "derived_from", err);
    if (rc)
        return rc;
    dccd_provenance p = {NULL, NULL};
    p.source = dccd_strdup(source);
    if (!p.source)
        return DCCD_ENOMEM_MSG(err);
    if (derived_from) {
        p.derived_from = dccd_strdup(derived_from);
        if (!p.derived_from) {
            free(p.source);
            return DCCD_ENOMEM_MSG(err);
        }
    }
    *out = p;
    return DCCD_OK;
}

void dccd_provenance_free(dccd_provenance *p)
{
    if (!p)
        return;
    free(p->source);
    free(p->derived_from);
    p->source = NULL;
    p->derived_from = NULL;
}

/* Append s as a JSON string literal, serde_json style. */
static int append_json_string(dccd_buf *b, const char *s, dccd_error *err)
{
    static const char hex[] = "0123456789abcdef";
    int rc = dccd_buf_append_byte(b, '"', err);
    for (const unsigned char *p = (const unsigned char *)s; rc == DCCD_OK && *p; p++) {
        unsigned char c = *p;
        char esc[6];
        size_t n = 0;
        switch (c) {
        case '"': esc[0] = '\\'; esc[1] = '"'; n = 2; break;
        case '\\': esc[0] = '\\'; esc[1] = '\\'; n = 2; break;
        case '\b': esc[0] = '\\'; esc[1] = 'b'; n = 2; break;
        case '\f': esc[0] = '\\'; esc[1] = 'f'; n = 2; break;
        case '\n': esc[0] = '\\'; esc[1] = 'n'; n = 2; break;
        case '\r': esc[0] = '\\'; esc[1] = 'r'; n = 2; break;
        case '\t': esc[0] = '\\'; esc[1] = 't'; n = 2; break;
        default:
            if (c < 0x20) {
                memcpy(esc, "\\u00", 4);
                esc[4] = hex[c >> 4];
                esc[5] = hex[c & 15];
                n = 6;
            }
            break;
        }
        if (n)
            rc = dccd_buf_append(b, esc, n, err);
        else
            rc = dccd_buf_append_byte(b, c, err);
    }
    if (rc == DCCD_OK)
        rc = dccd_buf_append_byte(b, '"', err);
    return rc;
}

int dccd_provenance_to_json(const dccd_provenance *p, char **json, size_t *len, dccd_error *err)
{
    if (!p || !p->source)
        return dccd_err_set(err, DCCD_EINVAL, "provenance: source is required");
    int rc = check_utf8(p->source, "source", err);
    if (rc == DCCD_OK && p->derived_from)
        rc = check_utf8(p->derived_from, "derived_from", err);
    if (rc)
        return rc;
    dccd_buf b = DCCD_BUF_INIT;
    static const char k1[] = "{\"source\":";
    static const char k2[] = ",\"derived_from\":";
    rc = dccd_buf_append(&b, k1, sizeof k1 - 1, err);
    if (rc == DCCD_OK)
        rc = append_json_string(&b, p->source, err);
    if (rc == DCCD_OK)
        rc = dccd_buf_append(&b, k2, sizeof k2 - 1, err);
    if (rc == DCCD_OK) {
        if (p->derived_from)
            rc = append_json_string(&b, p->derived_from, err);
        else
            rc = dccd_buf_append(&b, "null", 4, err);
    }
    if (rc == DCCD_OK)
        rc = dccd_buf_append(&b, "}", 2, err); /* with the NUL */
    if (rc) {
        dccd_buf_free(&b);
        return rc;
    }
    size_t n;
    uint8_t *data = dccd_buf_detach(&b, &n);
    *json = (char *)data;
    if (len)
        *len = n - 1;
    return DCCD_OK;
}

int dccd_provenance_from_json(const char *json, size_t len, dccd_provenance *out,
                              dccd_error *err)
{
    if (!json)
        return dccd_err_set(err, DCCD_EINVAL, "provenance JSON is NULL");
    json_error_t jerr;
    json_t *root = json_loadb(json, len, 0, &jerr);
    if (!root)
        return dccd_err_set(err, DCCD_EINVAL,
                            "invalid provenance JSON at line %d column %d: %s", jerr.line,
                            jerr.column, jerr.text);
    int rc = DCCD_OK;
    if (!json_is_object(root)) {
        rc = dccd_err_set(err, DCCD_EINVAL, "invalid provenance JSON: not an object");
        goto out;
    }
    json_t *src = json_object_get(root, "source");
    json_t *der = json_object_get(root, "derived_from");
    if (!src) {
        rc = dccd_err_set(err, DCCD_EINVAL, "invalid provenance JSON: \"source\" is missing");
        goto out;
    }
    if (!json_is_string(src)) {
        rc = dccd_err_set(err, DCCD_EINVAL, "invalid provenance JSON: \"source\" is not a string");
        goto out;
    }
    if (der && !json_is_null(der) && !json_is_string(der)) {
        rc = dccd_err_set(err, DCCD_EINVAL,
                          "invalid provenance JSON: \"derived_from\" is neither a string nor null");
        goto out;
    }
    rc = dccd_provenance_init(out, json_string_value(src),
                              (der && json_is_string(der)) ? json_string_value(der) : NULL, err);
out:
    json_decref(root);
    return rc;
}
