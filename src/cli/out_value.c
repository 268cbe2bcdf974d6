/*
 * src/cli/out_value.c - text writers shared by `export`, `cat` and
 * `inspect` (contract in out.h).
 *
 * This file owns how a value is shown:
 *   - doubles: the shortest of %.15g/%.16g/%.17g that reads back exactly;
 *   - BOOLEAN true/false; INT32/INT64 decimal (unsigned when the logical
 *     type says so); DATE as YYYY-MM-DD; TIME as HH:MM:SS[.fraction];
 *     TIMESTAMP (millis/micros/nanos) and INT96 (Julian day + nanoseconds)
 *     as ISO-8601 UTC over their whole range (INT96 with nanoseconds
 *     outside the day: hex); DECIMAL (INT32, INT64,
 *     BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY up to 32 bytes) as an exact
 *     decimal string; UUID in 8-4-4-4-12 form; FLOAT16 as a double;
 *   - BYTE_ARRAY: the bytes when they are valid UTF-8 (STRING, ENUM, JSON,
 *     or no logical type), else hex ("0x..."); FIXED_LEN_BYTE_ARRAY
 *     without a logical type and BSON/INTERVAL: hex.
 * The raw forms of `dccd cat --raw` (out_value_write_raw) live here too:
 * integers as stored, binary base64, floats exact (out_fmt_double_raw).
 * CSV quoting and JSON escaping of length-delimited bytes live here too.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dccd/domain.h"
#include "out.h"

enum { K_NUM, K_TEXT, K_BYTES, K_HEX };

int out_fmt_double(double v, char *buf, size_t cap)
{
    if (isnan(v))
        return snprintf(buf, cap, "NaN");
    if (isinf(v))
        return snprintf(buf, cap, v < 0 ? "-inf" : "inf");
    int n = 0;
    for (int p = 15; p <= 17; p++) {
        n = snprintf(buf, cap, "%.*g", p, v);
        if (p == 17 || strtod(buf, NULL) == v)
            break;
    }
    return n;
}

void out_csv_bytes(FILE *f, const void *s, size_t n)
{
    const char *p = s;
    bool quote = n == 0;
    for (size_t i = 0; i < n && !quote; i++)
        quote = p[i] == ',' || p[i] == '"' || p[i] == '\n' || p[i] == '\r';
    if (!quote) {
        fwrite(p, 1, n, f);
        return;
    }
    putc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '"')
            putc('"', f);
        putc(p[i], f);
    }
    putc('"', f);
}

void out_json_bytes(FILE *f, const void *s, size_t n)
{
    const unsigned char *p = s;
    putc('"', f);
    size_t run = 0; /* start of the pending plain run */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
            continue;
        fwrite(p + run, 1, i - run, f);
        run = i + 1;
        switch (c) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default: fprintf(f, "\\u%04x", c);
        }
    }
    fwrite(p + run, 1, n - run, f);
    putc('"', f);
}

/* A quoted string in the output format's quoting. */
static void out_quoted(FILE *f, out_format fmt, const void *s, size_t n)
{
    if (fmt == OUT_CSV)
        out_csv_bytes(f, s, n);
    else
        out_json_bytes(f, s, n);
}

bool out_utf8_ok(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        uint32_t cp;
        if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (n - i < len)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

/* ---- helpers for the value forms ---- */

/* ISO-8601 UTC of a day number and nanoseconds into that day (any
 * range: no int64 nanosecond overflow); fraction trimmed to 3, 6 or 9
 * digits as dccd_time_format does. */
static int fmt_days_nanos(int64_t days, int64_t nsod, char *buf, size_t cap)
{
    int64_t y;
    int m, d;
    dccd_civil_from_days(days, &y, &m, &d);
    int64_t s = nsod / DCCD_NS, frac = nsod % DCCD_NS;
    int n = snprintf(buf, cap, "%04" PRId64 "-%02d-%02dT%02d:%02d:%02d", y, m, d, (int)(s / 3600), (int)(s / 60 % 60),
                     (int)(s % 60));
    if (n < 0 || (size_t)n >= cap)
        return n;
    if (frac % 1000000 == 0 && frac)
        n += snprintf(buf + n, cap - (size_t)n, ".%03" PRId64 "Z", frac / 1000000);
    else if (frac % 1000 == 0 && frac)
        n += snprintf(buf + n, cap - (size_t)n, ".%06" PRId64 "Z", frac / 1000);
    else if (frac)
        n += snprintf(buf + n, cap - (size_t)n, ".%09" PRId64 "Z", frac);
    else
        n += snprintf(buf + n, cap - (size_t)n, "Z");
    return n;
}

/* value in `unit` since the epoch -> ISO text, whatever its range */
static int fmt_ts_unit(int64_t v, dccd_pq_time_unit unit, char *buf, size_t cap)
{
    int64_t per_s = unit == DCCD_PQ_MILLIS ? 1000 : unit == DCCD_PQ_MICROS ? 1000000 : 1000000000;
    int64_t per_day = per_s * 86400;
    int64_t days = v / per_day, rem = v % per_day;
    if (rem < 0) {
        rem += per_day;
        days--;
    }
    return fmt_days_nanos(days, rem * (DCCD_NS / per_s), buf, cap);
}

static int fmt_time_of_day(int64_t v, dccd_pq_time_unit unit, char *buf, size_t cap)
{
    int64_t per_s = unit == DCCD_PQ_MILLIS ? 1000 : unit == DCCD_PQ_MICROS ? 1000000 : 1000000000;
    int digits = unit == DCCD_PQ_MILLIS ? 3 : unit == DCCD_PQ_MICROS ? 6 : 9;
    if (v < 0 || v / per_s >= 86400 + 1)
        return snprintf(buf, cap, "%" PRId64, v);
    int64_t s = v / per_s, frac = v % per_s;
    if (frac)
        return snprintf(buf, cap, "%02d:%02d:%02d.%0*" PRId64, (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60),
                        digits, frac);
    return snprintf(buf, cap, "%02d:%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
}

static int fmt_date(int64_t days, char *buf, size_t cap)
{
    int64_t y;
    int m, d;
    dccd_civil_from_days(days, &y, &m, &d);
    return snprintf(buf, cap, "%04" PRId64 "-%02d-%02d", y, m, d);
}

/* Unsigned decimal digits of a big-endian magnitude (destroyed) into buf,
 * then the point inserted `scale` digits from the right. */
static int fmt_decimal_mag(uint8_t *mag, size_t n, bool neg, int32_t scale, char *buf, size_t cap)
{
    char digits[128];
    size_t nd = 0;
    for (;;) {
        bool zero = true;
        unsigned rem = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned cur = (rem << 8) | mag[i];
            mag[i] = (uint8_t)(cur / 10);
            rem = cur % 10;
            if (mag[i])
                zero = false;
        }
        if (nd < sizeof digits)
            digits[nd++] = (char)('0' + rem);
        if (zero)
            break;
    }
    /* digits are reversed */
    char tmp[160];
    size_t o = 0;
    if (neg)
        tmp[o++] = '-';
    if (scale <= 0 || scale > 100) {
        for (size_t i = nd; i > 0; i--)
            tmp[o++] = digits[i - 1];
        for (int32_t z = 0; scale < 0 && z < -scale && o < sizeof tmp - 1 && z < 100; z++)
            tmp[o++] = '0';
    } else {
        size_t sc = (size_t)scale;
        if (nd <= sc) {
            tmp[o++] = '0';
            tmp[o++] = '.';
            for (size_t z = nd; z < sc; z++)
                tmp[o++] = '0';
            for (size_t i = nd; i > 0; i--)
                tmp[o++] = digits[i - 1];
        } else {
            for (size_t i = nd; i > 0; i--) {
                tmp[o++] = digits[i - 1];
                if (i - 1 == sc)
                    tmp[o++] = '.';
            }
        }
    }
    tmp[o] = 0;
    return snprintf(buf, cap, "%s", tmp);
}

/* Big-endian two's complement -> decimal text; false when too long. */
static bool fmt_decimal_be(const uint8_t *p, size_t n, int32_t scale, char *buf, size_t cap)
{
    uint8_t mag[32];
    if (n == 0 || n > sizeof mag)
        return false;
    memcpy(mag, p, n);
    bool neg = (mag[0] & 0x80) != 0;
    if (neg) { /* negate: invert and add one */
        for (size_t i = 0; i < n; i++)
            mag[i] = (uint8_t)~mag[i];
        for (size_t i = n; i > 0; i--)
            if (++mag[i - 1] != 0)
                break;
    }
    fmt_decimal_mag(mag, n, neg, scale, buf, cap);
    return true;
}

static bool fmt_decimal_i64(int64_t v, int32_t scale, char *buf, size_t cap)
{
    uint8_t be[8];
    for (int i = 0; i < 8; i++)
        be[i] = (uint8_t)((uint64_t)v >> (56 - 8 * i));
    return fmt_decimal_be(be, 8, scale, buf, cap);
}

static double half_to_double(uint16_t h)
{
    int e = (h >> 10) & 0x1F, m = h & 0x3FF;
    double v;
    if (e == 0)
        v = ldexp(m, -24);
    else if (e == 31)
        v = m ? NAN : INFINITY;
    else
        v = ldexp(m + 1024, e - 25);
    return (h & 0x8000) ? -v : v;
}

/* Shortest text that strtof reads back as v. */
static void fmt_float(float v, char *buf, size_t cap)
{
    if (!isfinite(v)) {
        out_fmt_double((double)v, buf, cap);
        return;
    }
    for (int p = 6; p <= 9; p++) {
        snprintf(buf, cap, "%.*g", p, (double)v);
        if (p == 9 || strtof(buf, NULL) == v)
            break;
    }
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* The readable form: text in buf (K_NUM, K_TEXT) or raw bytes (K_BYTES
 * as text, K_HEX as hex). */
static int value_form(const dccd_pq_column_info *ci, const dccd_pq_column *col, size_t row, char *buf, size_t cap,
                      const uint8_t **raw, size_t *rawlen)
{
    buf[0] = 0;
    switch (col->type) {
    case DCCD_PQ_BOOLEAN:
        snprintf(buf, cap, "%s", ((const uint8_t *)col->values)[row] ? "true" : "false");
        return K_NUM;
    case DCCD_PQ_INT32: {
        int32_t v = ((const int32_t *)col->values)[row];
        switch (ci->logical) {
        case DCCD_PQ_LOG_DATE:
            fmt_date(v, buf, cap);
            return K_TEXT;
        case DCCD_PQ_LOG_TIME:
            fmt_time_of_day(v, ci->unit, buf, cap);
            return K_TEXT;
        case DCCD_PQ_LOG_DECIMAL:
            fmt_decimal_i64(v, ci->scale, buf, cap);
            return K_NUM;
        case DCCD_PQ_LOG_INTEGER:
            if (!ci->is_signed) {
                snprintf(buf, cap, "%" PRIu32, (uint32_t)v);
                return K_NUM;
            }
            break;
        default:
            break;
        }
        snprintf(buf, cap, "%" PRId32, v);
        return K_NUM;
    }
    case DCCD_PQ_INT64: {
        int64_t v = ((const int64_t *)col->values)[row];
        switch (ci->logical) {
        case DCCD_PQ_LOG_TIMESTAMP:
            fmt_ts_unit(v, ci->unit, buf, cap);
            return K_TEXT;
        case DCCD_PQ_LOG_TIME:
            fmt_time_of_day(v, ci->unit, buf, cap);
            return K_TEXT;
        case DCCD_PQ_LOG_DECIMAL:
            fmt_decimal_i64(v, ci->scale, buf, cap);
            return K_NUM;
        case DCCD_PQ_LOG_INTEGER:
            if (!ci->is_signed) {
                snprintf(buf, cap, "%" PRIu64, (uint64_t)v);
                return K_NUM;
            }
            break;
        default:
            break;
        }
        snprintf(buf, cap, "%" PRId64, v);
        return K_NUM;
    }
    case DCCD_PQ_INT96: {
        const uint8_t *p = (const uint8_t *)col->values + row * 12;
        int64_t nanos = (int64_t)le64(p);
        int64_t jd = (int64_t)le32(p + 8);
        if (nanos < 0 || nanos >= DCCD_NS_PER_DAY) {
            *raw = p;
            *rawlen = 12;
            return K_HEX;
        }
        fmt_days_nanos(jd - 2440588, nanos, buf, cap);
        return K_TEXT;
    }
    case DCCD_PQ_FLOAT:
        fmt_float(((const float *)col->values)[row], buf, cap);
        return isfinite(((const float *)col->values)[row]) ? K_NUM : K_TEXT;
    case DCCD_PQ_DOUBLE:
        out_fmt_double(((const double *)col->values)[row], buf, cap);
        return isfinite(((const double *)col->values)[row]) ? K_NUM : K_TEXT;
    case DCCD_PQ_BYTE_ARRAY:
    case DCCD_PQ_FIXED_LEN_BYTE_ARRAY: {
        const uint8_t *p;
        size_t n;
        if (col->type == DCCD_PQ_BYTE_ARRAY) {
            n = (size_t)(col->offsets[row + 1] - col->offsets[row]);
            p = n ? col->data + col->offsets[row] : (const uint8_t *)"";
        } else {
            n = (size_t)(col->type_length > 0 ? col->type_length : 0);
            p = n ? (const uint8_t *)col->values + row * n : (const uint8_t *)"";
        }
        *raw = p;
        *rawlen = n;
        switch (ci->logical) {
        case DCCD_PQ_LOG_DECIMAL:
            if (fmt_decimal_be(p, n, ci->scale, buf, cap))
                return K_NUM;
            return K_HEX;
        case DCCD_PQ_LOG_UUID:
            if (n == 16) {
                snprintf(buf, cap,
                         "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", p[0], p[1], p[2],
                         p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13], p[14], p[15]);
                return K_TEXT;
            }
            return K_HEX;
        case DCCD_PQ_LOG_FLOAT16:
            if (n == 2) {
                double d = half_to_double((uint16_t)(p[0] | p[1] << 8));
                out_fmt_double(d, buf, cap);
                return isfinite(d) ? K_NUM : K_TEXT;
            }
            return K_HEX;
        case DCCD_PQ_LOG_STRING:
        case DCCD_PQ_LOG_ENUM:
        case DCCD_PQ_LOG_JSON:
        case DCCD_PQ_LOG_NONE:
            if (col->type == DCCD_PQ_FIXED_LEN_BYTE_ARRAY && ci->logical == DCCD_PQ_LOG_NONE)
                return K_HEX;
            return out_utf8_ok(p, n) ? K_BYTES : K_HEX;
        default:
            return K_HEX;
        }
    }
    }
    return K_TEXT;
}

static void hex_write(FILE *f, const uint8_t *p, size_t n)
{
    static const char hx[] = "0123456789abcdef";
    fputs("0x", f);
    for (size_t i = 0; i < n; i++) {
        putc(hx[p[i] >> 4], f);
        putc(hx[p[i] & 15], f);
    }
}

void out_value_write(FILE *f, out_format fmt, const dccd_pq_column_info *ci, const dccd_pq_column *col, size_t row)
{
    char buf[192];
    const uint8_t *raw = NULL;
    size_t rawlen = 0;
    int k = value_form(ci, col, row, buf, sizeof buf, &raw, &rawlen);
    switch (k) {
    case K_NUM:
        fputs(buf, f);
        break;
    case K_TEXT:
        out_quoted(f, fmt, buf, strlen(buf));
        break;
    case K_BYTES:
        out_quoted(f, fmt, raw, rawlen);
        break;
    case K_HEX:
        if (fmt == OUT_JSONL)
            putc('"', f);
        hex_write(f, raw, rawlen);
        if (fmt == OUT_JSONL)
            putc('"', f);
        break;
    }
}

/* ---- raw forms (`dccd cat --raw`) ---- */

/* Shortest "%.*g" text that strtod reads back as exactly v (a normal
 * double needs 15 to 17 digits and %.15g is already the shortest when it
 * reads back; a subnormal may need fewer, e.g. 5e-324), with ".0" added
 * when it would read as an integer ("-0.0", "1.0"): the text of a
 * DOUBLE stays a floating-point number for typed JSON readers, and -0.0
 * keeps its sign.  Non-finite: "NaN", "Infinity", "-Infinity". */
int out_fmt_double_raw(double v, char *buf, size_t cap)
{
    if (isnan(v))
        return snprintf(buf, cap, "NaN");
    if (isinf(v))
        return snprintf(buf, cap, v < 0 ? "-Infinity" : "Infinity");
    int n = 0;
    for (int p = fpclassify(v) == FP_SUBNORMAL ? 1 : 15; p <= 17; p++) {
        n = snprintf(buf, cap, "%.*g", p, v);
        if (p == 17 || strtod(buf, NULL) == v)
            break;
    }
    if (n > 0 && (size_t)n + 2 < cap && !strpbrk(buf, ".e"))
        n += snprintf(buf + n, cap - (size_t)n, ".0");
    return n;
}

static const char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* RFC 4648 section 4 base64 (standard alphabet, '=' padding) of n bytes,
 * bare; an empty value writes nothing. */
static void b64_write(FILE *f, const uint8_t *p, size_t n)
{
    char out[4 * 256];
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t w = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            w |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            w |= p[i + 2];
        out[o++] = b64_alphabet[w >> 18 & 63];
        out[o++] = b64_alphabet[w >> 12 & 63];
        out[o++] = i + 1 < n ? b64_alphabet[w >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? b64_alphabet[w & 63] : '=';
        if (o == sizeof out) {
            fwrite(out, 1, o, f);
            o = 0;
        }
    }
    fwrite(out, 1, o, f);
}

enum { R_NUM, R_TEXT, R_STRING, R_BASE64 };

/* The raw form: R_NUM (bare number or true/false in buf), R_TEXT (buf,
 * a JSON string: the non-finite floats), R_STRING (the bytes at *raw, a
 * string) or R_BASE64 (the bytes at *raw, binary). */
static int raw_form(const dccd_pq_column_info *ci, const dccd_pq_column *col, size_t row, char *buf, size_t cap,
                    const uint8_t **raw, size_t *rawlen)
{
    buf[0] = 0;
    double d;
    switch (col->type) {
    case DCCD_PQ_BOOLEAN:
        snprintf(buf, cap, "%s", ((const uint8_t *)col->values)[row] ? "true" : "false");
        return R_NUM;
    case DCCD_PQ_INT32: {
        int32_t v = ((const int32_t *)col->values)[row];
        if (ci->logical == DCCD_PQ_LOG_INTEGER && !ci->is_signed)
            snprintf(buf, cap, "%" PRIu32, (uint32_t)v);
        else
            snprintf(buf, cap, "%" PRId32, v);
        return R_NUM;
    }
    case DCCD_PQ_INT64: {
        int64_t v = ((const int64_t *)col->values)[row];
        if (ci->logical == DCCD_PQ_LOG_INTEGER && !ci->is_signed)
            snprintf(buf, cap, "%" PRIu64, (uint64_t)v);
        else
            snprintf(buf, cap, "%" PRId64, v);
        return R_NUM;
    }
    case DCCD_PQ_INT96:
        *raw = (const uint8_t *)col->values + row * 12;
        *rawlen = 12;
        return R_BASE64;
    case DCCD_PQ_FLOAT:
        d = (double)((const float *)col->values)[row]; /* exact */
        out_fmt_double_raw(d, buf, cap);
        return isfinite(d) ? R_NUM : R_TEXT;
    case DCCD_PQ_DOUBLE:
        d = ((const double *)col->values)[row];
        out_fmt_double_raw(d, buf, cap);
        return isfinite(d) ? R_NUM : R_TEXT;
    case DCCD_PQ_BYTE_ARRAY:
    case DCCD_PQ_FIXED_LEN_BYTE_ARRAY: {
        const uint8_t *p;
        size_t n;
        if (col->type == DCCD_PQ_BYTE_ARRAY) {
            n = (size_t)(col->offsets[row + 1] - col->offsets[row]);
            p = n ? col->data + col->offsets[row] : (const uint8_t *)"";
        } else {
            n = (size_t)(col->type_length > 0 ? col->type_length : 0);
            p = n ? (const uint8_t *)col->values + row * n : (const uint8_t *)"";
        }
        *raw = p;
        *rawlen = n;
        switch (ci->logical) {
        case DCCD_PQ_LOG_DECIMAL: /* the unscaled integer (up to 32 bytes) */
            return fmt_decimal_be(p, n, 0, buf, cap) ? R_NUM : R_BASE64;
        case DCCD_PQ_LOG_FLOAT16:
            if (n != 2)
                return R_BASE64;
            d = half_to_double((uint16_t)(p[0] | p[1] << 8)); /* exact */
            out_fmt_double_raw(d, buf, cap);
            return isfinite(d) ? R_NUM : R_TEXT;
        case DCCD_PQ_LOG_STRING:
        case DCCD_PQ_LOG_ENUM:
        case DCCD_PQ_LOG_JSON:
            if (col->type == DCCD_PQ_BYTE_ARRAY && out_utf8_ok(p, n))
                return R_STRING;
            return R_BASE64;
        default:
            return R_BASE64;
        }
    }
    }
    return R_TEXT;
}

void out_value_write_raw(FILE *f, out_format fmt, const dccd_pq_column_info *ci, const dccd_pq_column *col,
                         size_t row)
{
    char buf[192];
    const uint8_t *raw = NULL;
    size_t rawlen = 0;
    switch (raw_form(ci, col, row, buf, sizeof buf, &raw, &rawlen)) {
    case R_NUM:
        fputs(buf, f);
        break;
    case R_TEXT:
        out_quoted(f, fmt, buf, strlen(buf));
        break;
    case R_STRING:
        out_quoted(f, fmt, raw, rawlen);
        break;
    case R_BASE64:
        if (fmt == OUT_JSONL || rawlen == 0) /* CSV: "" (an empty value), not a null */
            putc('"', f);
        b64_write(f, raw, rawlen);
        if (fmt == OUT_JSONL || rawlen == 0)
            putc('"', f);
        break;
    }
}

void out_stat_text(const dccd_pq_column_info *ci, const uint8_t *raw, size_t len, char *buf, size_t cap)
{
    /* one-row column over a copy of the raw bytes */
    uint8_t fixed[16];
    int64_t offs[2] = {0, (int64_t)len};
    dccd_pq_column col;
    memset(&col, 0, sizeof col);
    col.type = ci->type;
    col.type_length = ci->type_length;
    col.n = 1;
    size_t need = 0;
    switch (ci->type) {
    case DCCD_PQ_BOOLEAN: need = 1; break;
    case DCCD_PQ_INT32: case DCCD_PQ_FLOAT: need = 4; break;
    case DCCD_PQ_INT64: case DCCD_PQ_DOUBLE: need = 8; break;
    case DCCD_PQ_INT96: need = 12; break;
    case DCCD_PQ_FIXED_LEN_BYTE_ARRAY: need = (size_t)(ci->type_length > 0 ? ci->type_length : 0); break;
    case DCCD_PQ_BYTE_ARRAY: need = len; break;
    }
    bool ok = need == len;
    if (ok && ci->type != DCCD_PQ_BYTE_ARRAY && ci->type != DCCD_PQ_FIXED_LEN_BYTE_ARRAY) {
        memset(fixed, 0, sizeof fixed);
        memcpy(fixed, raw, len);
        if (ci->type == DCCD_PQ_BOOLEAN)
            fixed[0] = fixed[0] != 0;
        col.values = fixed;
    } else if (ok && ci->type == DCCD_PQ_BYTE_ARRAY) {
        col.offsets = offs;
        col.data = (uint8_t *)(uintptr_t)raw;
    } else if (ok) {
        col.values = (void *)(uintptr_t)raw;
    }
    const uint8_t *r = raw;
    size_t rl = len;
    int k = ok ? value_form(ci, &col, 0, buf, cap, &r, &rl) : K_HEX;
    if (k == K_NUM || k == K_TEXT)
        return;
    size_t o = 0;
    if (k == K_BYTES) {
        o = rl < cap - 1 ? rl : cap - 1;
        memcpy(buf, r, o);
        buf[o] = 0;
        return;
    }
    static const char hx[] = "0123456789abcdef";
    if (cap < 4)
        return;
    buf[o++] = '0';
    buf[o++] = 'x';
    for (size_t i = 0; i < rl && o + 3 < cap; i++) {
        buf[o++] = hx[r[i] >> 4];
        buf[o++] = hx[r[i] & 15];
    }
    buf[o] = 0;
}

const char *out_converted_name(int32_t ct)
{
    static const char *names[] = {"UTF8",        "MAP",          "MAP_KEY_VALUE",    "LIST",
                                  "ENUM",        "DECIMAL",      "DATE",             "TIME_MILLIS",
                                  "TIME_MICROS", "TIMESTAMP_MILLIS", "TIMESTAMP_MICROS", "UINT_8",
                                  "UINT_16",     "UINT_32",      "UINT_64",          "INT_8",
                                  "INT_16",      "INT_32",       "INT_64",           "JSON",
                                  "BSON",        "INTERVAL"};
    if (ct < 0 || ct >= (int32_t)(sizeof names / sizeof names[0]))
        return NULL;
    return names[ct];
}
