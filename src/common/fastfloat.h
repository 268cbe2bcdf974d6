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
 * How (src/common/fastfloat.c): Clinger's exact fast path (mantissa <=
 * 2^53, |exponent| <= 22); else the Eisel-Lemire algorithm (Lemire,
 * "Number Parsing at a Gigabyte per Second", 2021) on the first 19
 * significant digits with the 128-bit powers of five of
 * fastfloat_table.h; in the rare cases it cannot decide (more than 19
 * digits very close to a halfway point) strtod_l in the "C" locale on a
 * NUL-terminated copy, which may allocate: DCCD_FF_NOMEM if that fails.
 * No global state; safe from any number of threads.
 */
#ifndef DCCD_FASTFLOAT_H
#define DCCD_FASTFLOAT_H

#include <stddef.h>

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

/* path may be NULL. */
dccd_ff_status dccd_ff_parse(const char *s, size_t n, double *out, dccd_ff_path *path);

#endif /* DCCD_FASTFLOAT_H */
