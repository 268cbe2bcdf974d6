/*
 * src/common/fastfloat.h - correctly rounded decimal text to double.
 *
 * dccd_ff_parse() reads exactly the n bytes at s (no NUL needed) as
 *     [+-]digits[.digits][(e|E)[+-]digits]   or   [+-].digits[...]
 * and stores the nearest double (ties to even), bit-identical to glibc's
 * strtod in the "C" locale.  Anything else (spaces, nan, inf, hex floats,
 * a lone ".", an exponent without digits, trailing bytes) is
 * DCCD_FF_SYNTAX.  A value too large for a double is DCCD_FF_RANGE; a value
 * too small is not an error: it becomes the nearest subnormal or a signed
 * zero, as strtod returns it.  *out is written only on DCCD_FF_OK.
 *
 * How: the scan and Clinger's exact fast path (mantissa <= 2^53,
 * |exponent| <= 22) are inline below; else (src/common/fastfloat.c) the Eisel-Lemire algorithm (Lemire,
 * "Number Parsing at a Gigabyte per Second", 2021) on the first 19
 * significant digits with the 128-bit powers of five of
 * fastfloat_table.h; in the rare cases it cannot decide (more than 19
 * digits very close to a halfway point) strtod_l in the "C" locale on a
 * NUL-terminated copy, which may allocate: DCCD_FF_NOMEM if that fails.
 * No global state; safe from any number of threads.
 */
#ifndef DCCD_FASTFLOAT_H
#define DCCD_FASTFLOAT_H

#include <float.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef enum dccd_ff_status {
    DCCD_FF_OK = 0,
    DCCD_FF_SYNTAX = 1,
    DCCD_FF_RANGE = 2, /* overflow: |value| rounds above DBL_MAX */
    DCCD_FF_NOMEM = 3
} dccd_ff_status;

/* Which way a successful parse went (for tests and benchmarks). */
typedef enum dccd_ff_path {
    DCCD_FF_PATH_EXACT = 0,  /* zero, Clinger's fast path, or a limit decided from the exponent */
    DCCD_FF_PATH_LEMIRE = 1, /* Eisel-Lemire */
    DCCD_FF_PATH_STRTOD = 2  /* the strtod_l fallback */
} dccd_ff_path;

/* ---- the inline part (the scan and Clinger's fast path; the rest is
 * dccd_ff_finish() in fastfloat.c) ---- */

#define DCCD_FF_EXP_CAP INT64_C(100000000000000000) /* 10^17: exponent digits past this are only counted */

/* What the scan found: digits [int_start, int_end) '.' [frac_start,
 * frac_end), w = those digits as a number modulo 2^64, e the exponent
 * (clamped to about 10^18 with ebig set). */
typedef struct dccd_ff_scan {
    const char *int_start, *int_end, *frac_start, *frac_end;
    uint64_t w;
    int64_t e;
    bool neg, ebig;
} dccd_ff_scan;

/* The out-of-line rest: syntax already checked. */
dccd_ff_status dccd_ff_finish(const dccd_ff_scan *sc, const char *s, size_t n, double *out, dccd_ff_path *path);

static inline bool dccd_ff_digit(char c)
{
    return (unsigned)((unsigned char)c - '0') <= 9;
}

/* Clinger: w <= 2^53 and |q| <= 22 is one correctly rounded IEEE
 * multiplication or division of two exact doubles (needs double
 * arithmetic in double precision: FLT_EVAL_METHOD 0). */
static inline bool dccd_ff_clinger(uint64_t w, int64_t q, bool neg, double *out)
{
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
    static const double p10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    if (q >= -22 && q <= 22 && w <= (UINT64_C(1) << 53)) {
        double v = (double)w;
        v = q < 0 ? v / p10[-q] : v * p10[q];
        *out = neg ? -v : v;
        return true;
    }
#else
    (void)w, (void)q, (void)neg, (void)out;
#endif
    return false;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define DCCD_FF_SWAR 1
/* All eight bytes are '0'..'9': the high nibble is 3 and adding 6 does not
 * carry into it. */
static inline bool dccd_ff_eight_digits(uint64_t v)
{
    const uint64_t hi = UINT64_C(0xF0F0F0F0F0F0F0F0);
    return ((v & hi) | (((v + UINT64_C(0x0606060606060606)) & hi) >> 4)) == UINT64_C(0x3333333333333333);
}

/* The value of eight ASCII digits (first byte most significant): pairs,
 * then quads, then the whole, in three multiplications. */
static inline uint64_t dccd_ff_eight_value(uint64_t v)
{
    const uint64_t mask = UINT64_C(0x000000FF000000FF);
    v -= UINT64_C(0x3030303030303030);
    v = v * 10 + (v >> 8); /* byte 2k: the two-digit value of digits 2k, 2k+1 */
    v = ((v & mask) * UINT64_C(0x000F424000000064) + ((v >> 16) & mask) * UINT64_C(0x0000271000000001)) >> 32;
    return v & UINT64_C(0xFFFFFFFF);
}
#else
#define DCCD_FF_SWAR 0
#endif

/* path may be NULL. */
static inline dccd_ff_status dccd_ff_parse(const char *s, size_t n, double *out, dccd_ff_path *path)
{
    const char *p = s, *end = s + n;
    dccd_ff_scan sc;
    sc.neg = false;
    if (p != end && (*p == '-' || *p == '+'))
        sc.neg = *p++ == '-';
    /* digits: w takes them all, modulo 2^64 (redone if more than 19) */
    uint64_t w = 0;
    sc.int_start = p;
    while (p != end && dccd_ff_digit(*p))
        w = 10 * w + (uint64_t)(*p++ - '0');
    sc.int_end = sc.frac_start = sc.frac_end = p;
    if (p != end && *p == '.') {
        sc.frac_start = ++p;
#if DCCD_FF_SWAR
        while (end - p >= 8) {
            uint64_t v;
            memcpy(&v, p, 8);
            if (!dccd_ff_eight_digits(v))
                break;
            w = w * 100000000 + dccd_ff_eight_value(v);
            p += 8;
        }
#endif
        while (p != end && dccd_ff_digit(*p))
            w = 10 * w + (uint64_t)(*p++ - '0');
        sc.frac_end = p;
    }
    size_t ndig = (size_t)(sc.int_end - sc.int_start) + (size_t)(sc.frac_end - sc.frac_start);
    if (ndig == 0)
        return DCCD_FF_SYNTAX;
    int64_t e = 0;
    sc.ebig = false;
    if (p != end && (*p == 'e' || *p == 'E')) {
        p++;
        bool eneg = false;
        if (p != end && (*p == '-' || *p == '+'))
            eneg = *p++ == '-';
        if (p == end || !dccd_ff_digit(*p))
            return DCCD_FF_SYNTAX;
        for (; p != end && dccd_ff_digit(*p); p++) {
            if (e < DCCD_FF_EXP_CAP)
                e = 10 * e + (*p - '0');
            else
                sc.ebig = true;
        }
        if (eneg)
            e = -e;
    }
    if (p != end)
        return DCCD_FF_SYNTAX;
    if (ndig <= 19 && !sc.ebig &&
        dccd_ff_clinger(w, e - (int64_t)(sc.frac_end - sc.frac_start), sc.neg, out)) {
        if (path)
            *path = DCCD_FF_PATH_EXACT;
        return DCCD_FF_OK;
    }
    sc.w = w;
    sc.e = e;
    return dccd_ff_finish(&sc, s, n, out, path);
}

#endif /* DCCD_FASTFLOAT_H */
