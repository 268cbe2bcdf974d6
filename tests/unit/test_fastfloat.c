/*
 * tests/unit/test_fastfloat.c - the decimal-to-double parser
 * (src/common/fastfloat.c) against glibc's strtod, which rounds correctly:
 * every result must be bit-identical (or both overflow), read from a
 * buffer whose next byte is a digit (so reading past n would show).
 *
 *   - test_edges:   hand-picked hard cases with their expected bits
 *                   written out (subnormals, the halfway points around the
 *                   smallest subnormal, DBL_MIN, DBL_MAX and the overflow
 *                   boundary, ties at 2^53, classic hard cases, 800-digit
 *                   ties with zeros or a one behind, signed zeros, huge and
 *                   long exponents, leading zeros) and each against strtod;
 *   - test_syntax:  what is refused (nan, inf, hex, spaces, lone signs and
 *                   points, empty exponents, trailing bytes) and accepted;
 *   - test_paths:   %.17g doubles and prices never need the strtod fallback,
 *                   prices take the exact path;
 *   - test_random:  DCCD_FASTFLOAT_CASES (default 2,000,000) random strings:
 *                   random doubles (all bit patterns, and typical
 *                   magnitudes) as %.17g, %.16g, %.15g and %.{1..25}e,
 *                   random digit strings of 1..40 significant digits with
 *                   exponents -345..+310, prices, and exact midpoints
 *                   between neighbouring doubles (up to ~770 digits, printed
 *                   exactly from a long double) exact, nudged up, or cut.
 */
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/fastfloat.h"

typedef struct stats {
    uint64_t cases, range, path[3];
} stats;

static uint64_t bits_of(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

static double of_bits(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

/* buf holds the text at [0, len) and has room for one more byte. */
static void check_buf(char *buf, size_t len, stats *st)
{
    buf[len] = 0;
    char *end = NULL;
    errno = 0;
    double ref = strtod(buf, &end);
    int er = errno;
    if (end != buf + len)
        fail_msg("generator produced a non-number: \"%s\"", buf);
    int overflow = er == ERANGE && (ref > 1.0 || ref < -1.0);
    buf[len] = '7'; /* not NUL-terminated: a digit follows */
    double got = 12345.0;
    dccd_ff_path path = DCCD_FF_PATH_EXACT;
    dccd_ff_status rc = dccd_ff_parse(buf, len, &got, &path);
    buf[len] = 0;
    if (overflow) {
        if (rc != DCCD_FF_RANGE)
            fail_msg("\"%s\": strtod overflows, got rc %d value %a", buf, (int)rc, got);
        if (got != 12345.0)
            fail_msg("\"%s\": *out written on overflow", buf);
        st->range++;
    } else {
        if (rc != DCCD_FF_OK)
            fail_msg("\"%s\": rc %d, strtod gives %a", buf, (int)rc, ref);
        if (bits_of(got) != bits_of(ref))
            fail_msg("\"%s\": got %a (0x%016" PRIx64 "), strtod %a (0x%016" PRIx64 ")", buf, got, bits_of(got), ref,
                     bits_of(ref));
        st->path[path]++;
    }
    st->cases++;
}

static void check_str(const char *s, stats *st)
{
    size_t len = strlen(s);
    char *buf = malloc(len + 1);
    assert_non_null(buf);
    memcpy(buf, s, len);
    check_buf(buf, len, st);
    free(buf);
}

/* s must give exactly these bits, and agree with strtod. */
static void expect_bits(const char *s, uint64_t bits)
{
    stats st = {0};
    double v = 0;
    assert_int_equal(dccd_ff_parse(s, strlen(s), &v, NULL), DCCD_FF_OK);
    if (bits_of(v) != bits)
        fail_msg("\"%.60s\": got 0x%016" PRIx64 ", expected 0x%016" PRIx64, s, bits_of(v), bits);
    check_str(s, &st);
}

static void expect_range(const char *s)
{
    stats st = {0};
    double v = 3.0;
    assert_int_equal(dccd_ff_parse(s, strlen(s), &v, NULL), DCCD_FF_RANGE);
    assert_true(v == 3.0);
    check_str(s, &st);
    assert_int_equal(st.range, 1);
}

/* "PREFIX" + k copies of c + "SUFFIX" */
static char *repeat(const char *prefix, char c, size_t k, const char *suffix)
{
    size_t a = strlen(prefix), b = strlen(suffix);
    char *s = malloc(a + k + b + 1);
    assert_non_null(s);
    memcpy(s, prefix, a);
    memset(s + a, c, k);
    memcpy(s + a + k, suffix, b + 1);
    return s;
}

static void test_edges(void **state)
{
    (void)state;
    const uint64_t DMAX = UINT64_C(0x7FEFFFFFFFFFFFFF), DMIN = UINT64_C(0x0010000000000000);
    const uint64_t NEG = UINT64_C(1) << 63;
    /* the smallest subnormal 2^-1074 and the halfway point 2^-1075 =
     * 2.4703282292062327208828439643411068618252990130716238221279284125033775e-324 */
    expect_bits("4.9406564584124654e-324", 1);
    expect_bits("5e-324", 1);
    expect_bits("2.4703282292062328e-324", 1); /* just above half: up */
    expect_bits("2.4703282292062327e-324", 0); /* just below half: zero */
    expect_bits("2.4703282292062327208828439643411068618252990130716238221279284125033775e-324", 0); /* 2^-1075 cut: below */
    expect_bits("2.4703282292062327208828439643411068618252990130716238221279284125033776e-324", 1);
    expect_bits("-2.4703282292062327e-324", NEG); /* underflow keeps the sign */
    expect_bits("1e-400", 0);
    expect_bits("7.4109846876186982e-323", 15);
    expect_bits("2.2250738585072011e-308", UINT64_C(0x000FFFFFFFFFFFFF)); /* largest subnormal */
    expect_bits("2.2250738585072012e-308", DMIN);
    expect_bits("2.2250738585072014e-308", DMIN);
    expect_bits("2.225073858507201136057409796709131975934819546351645648e-308", UINT64_C(0x000FFFFFFFFFFFFF));
    expect_bits("1.7976931348623157e308", DMAX);
    expect_bits("1.7976931348623158e308", DMAX);
    expect_bits("-1.7976931348623158e+308", DMAX | NEG);
    expect_range("1.7976931348623159e308");
    expect_range("-1.7976931348623159e308");
    expect_range("1e309");
    expect_range("1e99999999999999999999999999");
    /* DBL_MAX + half an ulp is the overflow threshold (ties to even: up) */
    expect_range("179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096"
                 "330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730"
                 "270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497"
                 "792");
    expect_bits("179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096"
                "330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730"
                "270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497"
                "791",
                DMAX);
    /* ties at 2^53 */
    expect_bits("9007199254740992", bits_of(9007199254740992.0));
    expect_bits("9007199254740993", bits_of(9007199254740992.0)); /* tie: even */
    expect_bits("9007199254740995", bits_of(9007199254740996.0)); /* tie: even */
    expect_bits("9007199254740993.0000000000000000001", bits_of(9007199254740994.0));
    expect_bits("9.007199254740993e15", bits_of(9007199254740992.0));
    expect_bits("18014398509481986", bits_of(18014398509481984.0)); /* 2^54 + 2: tie */
    expect_bits("18014398509481990", bits_of(18014398509481992.0));
    /* 17..19 significant digits */
    expect_bits("0.1", bits_of(0.1));
    expect_bits("0.30000000000000004", bits_of(0.1 + 0.2));
    expect_bits("1.0000000000000002", UINT64_C(0x3FF0000000000001));
    expect_bits("123456789012345678", bits_of(123456789012345678.0));
    expect_bits("1234567890123456789", bits_of(1234567890123456789.0));
    expect_bits("9999999999999999999", bits_of(1e19));
    expect_bits("18446744073709551615", bits_of(18446744073709551615.0));
    expect_bits("18446744073709551616", UINT64_C(0x43F0000000000000));
    /* zeros, exponents, leading zeros */
    expect_bits("0", 0);
    expect_bits("-0", NEG);
    expect_bits("-0.0", NEG);
    expect_bits("+0.000e-5", 0);
    expect_bits("0e999999", 0);
    expect_bits("-0e999999999999999999999999999999", NEG);
    expect_bits("0.0000000000000000000000000000000000000000e400", 0);
    expect_bits("1e0000000000000000000001", bits_of(10.0));
    expect_bits("1e-0000000000000000000001", bits_of(0.1));
    expect_bits("1e-99999999999999999999999999", 0);
    expect_bits("000000000000000000000000000000001.5", bits_of(1.5));
    expect_bits("0000000000000000000000000.00000000000000000000000015", bits_of(1.5e-25));
    expect_bits("00000000000000000000000001234567890123456789012345e-10", bits_of(123456789012345.6789012345));
    expect_bits("40123.5", bits_of(40123.5));
    expect_bits("1.", bits_of(1.0));
    expect_bits(".5", bits_of(0.5));
    expect_bits("+.5E+1", bits_of(5.0));
    expect_bits("1e22", bits_of(1e22));
    expect_bits("1e23", bits_of(1e23));
    expect_bits("8.98846567431158e307", bits_of(8.98846567431158e307));
    expect_bits("4.35679146462e-311", bits_of(4.35679146462e-311));

    /* 800 digits at a tie: 2^53 + 1 then zeros (even: down) or zeros then a
     * one (up); the same with the digits after the point */
    char *s = repeat("9007199254740993.", '0', 800, "");
    expect_bits(s, bits_of(9007199254740992.0));
    free(s);
    s = repeat("9007199254740993.", '0', 800, "1");
    expect_bits(s, bits_of(9007199254740994.0));
    free(s);
    s = repeat("9007199254740993", '0', 800, "e-800");
    expect_bits(s, bits_of(9007199254740992.0));
    free(s);
    s = repeat("9007199254740992.", '9', 800, "");
    expect_bits(s, bits_of(9007199254740992.0));
    free(s);
    s = repeat("9007199254740994.", '1', 800, "");
    expect_bits(s, bits_of(9007199254740994.0));
    free(s);
    /* a million significant digits, and 2^-1075 followed by 800 zeros / a one */
    s = repeat("1.", '1', 1000000, "e-5");
    expect_bits(s, bits_of(1.1111111111111111e-5));
    free(s);
    /* 2^-1075 (halfway to the smallest subnormal, 752 significant digits)
     * and 2^1024 - 2^970 (DBL_MAX + half an ulp), exact decimals made from
     * glibc's exact printing of doubles with string arithmetic (no long
     * double: valgrind computes those in double precision), then 800 zeros
     * (a tie: even, i.e. 0 and overflow) or 800 zeros and a one (above) */
    char tie[2048];
    int tl = snprintf(tie, sizeof tie, "%.760e", 0x1p-1074); /* exact: 751 digits, zeros behind */
    assert_true(tl > 0 && (size_t)tl < sizeof tie);
    *strchr(tie, 'e') = 0;
    unsigned rem = 0;
    for (char *d = tie; *d; d++) { /* halve the digit string: 4.94... -> 2.47... */
        if (*d == '.')
            continue;
        unsigned v = rem * 10 + (unsigned)(*d - '0');
        *d = (char)('0' + v / 2);
        rem = v % 2;
    }
    assert_int_equal(rem, 0);
    assert_int_equal(strncmp(tie, "2.4703282292062327208828439643411068618252990130716238221279284125033775363", 75), 0);
    s = repeat(tie, '0', 800, "e-324");
    expect_bits(s, 0);
    free(s);
    s = repeat(tie, '0', 800, "1e-324");
    expect_bits(s, 1);
    free(s);
    char half[400];
    tl = snprintf(tie, sizeof tie, "%.0f", DBL_MAX);
    assert_int_equal(tl, 309);
    int hl = snprintf(half, sizeof half, "%.0f", 0x1p970);
    assert_true(hl > 0 && hl < tl);
    unsigned carry = 0;
    for (int i = 0; i < tl; i++) { /* tie += half, right-aligned */
        int j = hl - 1 - i;
        unsigned v = (unsigned)(tie[tl - 1 - i] - '0') + carry + (j >= 0 ? (unsigned)(half[j] - '0') : 0);
        tie[tl - 1 - i] = (char)('0' + v % 10);
        carry = v / 10;
    }
    assert_int_equal(carry, 0);
    assert_int_equal(strcmp(tie + 300, "174497792"), 0);
    expect_range(tie); /* a tie with the odd DBL_MAX: up, to infinity */
    tie[308] = '1'; /* ...792 -> ...791, just below */
    expect_bits(tie, DMAX);
    s = repeat(tie, '9', 800, "e-800");
    expect_bits(s, DMAX);
    free(s);
    /* a long exponent behind many digits that cancel it */
    s = repeat("0.", '0', 100000, "1e100001");
    expect_bits(s, bits_of(1.0));
    free(s);

    /* not NUL-terminated: only n bytes are read */
    double v = 0;
    assert_int_equal(dccd_ff_parse("123", 2, &v, NULL), DCCD_FF_OK);
    assert_true(v == 12.0);
    assert_int_equal(dccd_ff_parse("1.5e30", 4, &v, NULL), DCCD_FF_SYNTAX); /* "1.5e" */
    assert_int_equal(dccd_ff_parse("1.5e30", 5, &v, NULL), DCCD_FF_OK);
    assert_true(v == 1.5e3);
    /* errno is left alone */
    errno = 1234;
    s = repeat("9007199254740993.", '0', 200, "1");
    assert_int_equal(dccd_ff_parse(s, strlen(s), &v, NULL), DCCD_FF_OK);
    assert_int_equal(dccd_ff_parse("1e999", 5, &v, NULL), DCCD_FF_RANGE);
    assert_int_equal(errno, 1234);
    free(s);
}

static void test_syntax(void **state)
{
    (void)state;
    static const char *bad[] = {"",     "+",      "-",     ".",      "+.",      "-.e1", "e5",   "E5",     "1e",
                                "1e+",  "1e-",    "1E",    "1ee5",   "1e5e5",   "1e5.", "1.2.3", "..1",   "1..",
                                "--1",  "+-1",    " 1",    "1 ",     "1\t",     "1,5",  "1_000", "nan",   "NaN",
                                "-nan", "inf",    "-inf",  "Infinity", "+INF",  "0x1p3", "0x10", "0X1.8P1", "1f",
                                "1d",   "1.5L",   "1e5x",  "١",      "1\xff",   "0b101", "1e+-5", "1e 5", "\0001"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        double v = 42.0;
        size_t n = i + 1 == sizeof bad / sizeof *bad ? 2 : strlen(bad[i]);
        if (dccd_ff_parse(bad[i], n, &v, NULL) != DCCD_FF_SYNTAX)
            fail_msg("\"%s\" not refused", bad[i]);
        assert_true(v == 42.0);
    }
    static const char *good[] = {"1", "-1", "+1", "1.", ".1", "-.1", "1e5", "1E5", "1e+5", "1e-5", "1.e5", ".1e5",
                                 "007", "0.0", "00.00e00"};
    stats st = {0};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        check_str(good[i], &st);
    assert_int_equal(st.cases, sizeof good / sizeof *good);
}

/* ---- random cases ---- */

static uint64_t next_rand(uint64_t *s) /* splitmix64 */
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static unsigned below(uint64_t *s, unsigned n)
{
    return (unsigned)(next_rand(s) % n);
}

static double random_double(uint64_t *s)
{
    if (below(s, 4) == 0) { /* a typical magnitude: 1e-6 .. 1e9 */
        double m = (double)(next_rand(s) >> 11) / 9007199254740992.0;
        double v = m * 1e9;
        for (unsigned k = below(s, 15); k; k--)
            v /= 10;
        return below(s, 2) ? -v : v;
    }
    for (;;) {
        double d = of_bits(next_rand(s));
        if (d - d == 0) /* finite */
            return d;
    }
}

/* [sign][leading zeros]digits with a point somewhere or none, e[sign][zeros]exp */
static size_t random_digits(uint64_t *s, char *buf)
{
    size_t o = 0;
    unsigned r = below(s, 4);
    if (r == 0)
        buf[o++] = '-';
    else if (r == 1)
        buf[o++] = '+';
    unsigned nd = 1 + below(s, 40), point = below(s, nd + 2), lead = below(s, 4) ? 0 : below(s, 5);
    for (unsigned i = 0; i < lead; i++)
        buf[o++] = '0';
    for (unsigned i = 0; i < nd; i++) {
        if (i == point)
            buf[o++] = '.';
        unsigned d = below(s, 10);
        if (below(s, 8) == 0) /* runs of zeros and nines make near-ties */
            d = below(s, 2) ? 0 : 9;
        buf[o++] = (char)('0' + (i == 0 && d == 0 ? 1 : d));
    }
    if (point == nd && below(s, 2))
        buf[o++] = '.';
    int e = (int)below(s, 656) - 345;
    buf[o++] = below(s, 2) ? 'e' : 'E';
    if (e < 0)
        buf[o++] = '-';
    else if (below(s, 2))
        buf[o++] = '+';
    if (below(s, 8) == 0)
        buf[o++] = '0';
    o += (size_t)sprintf(buf + o, "%d", e < 0 ? -e : e);
    return o;
}

/* the exact midpoint between d and its upper neighbour (long double holds
 * it exactly), printed exactly; variant 1: a one appended far behind
 * (above the tie), variant 2: cut to 17..40 digits (below it). */
static size_t random_midpoint(uint64_t *s, char *buf, size_t cap)
{
    double d;
    do
        d = random_double(s);
    while (d < 0 || d >= DBL_MAX);
    double up = of_bits(bits_of(d) + 1);
    long double mid = ((long double)d + (long double)up) / 2;
    int len = snprintf(buf, cap, "%.780Le", mid);
    assert_true(len > 0 && (size_t)len < cap - 8);
    char *e = strchr(buf, 'e');
    size_t elen = strlen(e);
    char ex[16];
    memcpy(ex, e, elen + 1);
    size_t mlen = (size_t)(e - buf);
    switch (below(s, 3)) {
    case 1:
        buf[mlen++] = '1';
        break;
    case 2:
        mlen = 18 + below(s, 24); /* "d." + 16..39 digits */
        break;
    default:
        break;
    }
    memcpy(buf + mlen, ex, elen + 1);
    return mlen + elen;
}

static void test_random(void **state)
{
    (void)state;
    uint64_t cases = 2000000;
    const char *env = getenv("DCCD_FASTFLOAT_CASES");
    if (env && *env)
        cases = strtoull(env, NULL, 10);
    uint64_t seed = UINT64_C(0x5EED00DCCD000012);
    const char *envs = getenv("DCCD_FASTFLOAT_SEED");
    if (envs && *envs)
        seed = strtoull(envs, NULL, 0);
    uint64_t rs = seed;
    stats st = {0}, cls[5] = {{0}};
    char buf[1024];
    /* midpoints need a long double wider than double, really computed so
     * (not under valgrind, which does long double in double precision) */
    volatile long double one = 1;
    int have_ld = LDBL_MANT_DIG >= 64 && one + 0x1p-60L != one;
    for (uint64_t i = 0; i < cases; i++) {
        unsigned k = below(&rs, 100);
        size_t len;
        int c;
        if (k < 30) { /* %.17g %.16g %.15g */
            c = 0;
            len = (size_t)snprintf(buf, sizeof buf, "%.*g", 15 + (int)below(&rs, 3), random_double(&rs));
        } else if (k < 55) { /* %.{1..25}e, i.e. 2..26 significant digits */
            c = 1;
            len = (size_t)snprintf(buf, sizeof buf, "%.*e", 1 + (int)below(&rs, 25), random_double(&rs));
        } else if (k < 90) {
            c = 2;
            len = random_digits(&rs, buf);
        } else if (k < 98 || !have_ld) { /* prices and amounts */
            c = 3;
            len = (size_t)snprintf(buf, sizeof buf, "%.*f", (int)below(&rs, 9),
                                   (double)(next_rand(&rs) % 10000000000u) / 10000.0);
        } else {
            c = 4;
            len = random_midpoint(&rs, buf, sizeof buf);
        }
        assert_true(len < sizeof buf - 1);
        check_buf(buf, len, &cls[c]);
    }
    static const char *names[] = {"%.15-17g", "%.{1..25}e", "digits", "prices", "midpoints"};
    for (int c = 0; c < 5; c++) {
        print_message("fastfloat: %-10s %9" PRIu64 " cases: exact %" PRIu64 ", lemire %" PRIu64 ", strtod %" PRIu64
                      ", overflow %" PRIu64 "\n",
                      names[c], cls[c].cases, cls[c].path[0], cls[c].path[1], cls[c].path[2], cls[c].range);
        st.cases += cls[c].cases;
        st.path[2] += cls[c].path[2];
    }
    print_message("fastfloat: %" PRIu64 " random cases (seed 0x%" PRIx64 ") bit-identical to strtod, %" PRIu64
                  " through the fallback\n",
                  st.cases, seed, st.path[2]);
    assert_int_equal(st.cases, cases);
    /* up to 17 digits the fallback is never needed */
    assert_int_equal(cls[0].path[2], 0);
    assert_int_equal(cls[3].path[2], 0);
}

static void test_paths(void **state)
{
    (void)state;
    dccd_ff_path p = DCCD_FF_PATH_STRTOD;
    double v;
    assert_int_equal(dccd_ff_parse("40123.5", 7, &v, &p), DCCD_FF_OK);
    assert_int_equal(p, DCCD_FF_PATH_EXACT);
    assert_true(v == 40123.5);
    assert_int_equal(dccd_ff_parse("0.00012345", 10, &v, &p), DCCD_FF_OK);
    assert_int_equal(p, DCCD_FF_PATH_EXACT);
    assert_int_equal(dccd_ff_parse("40123.456789012345", 18, &v, &p), DCCD_FF_OK);
    assert_int_equal(p, DCCD_FF_PATH_LEMIRE);
    assert_true(v == 40123.456789012345);
    char *s = repeat("9007199254740993.", '0', 50, "");
    assert_int_equal(dccd_ff_parse(s, strlen(s), &v, &p), DCCD_FF_OK);
    assert_int_equal(p, DCCD_FF_PATH_STRTOD);
    free(s);
    /* 100,000 %.17g doubles: not one through the fallback */
    uint64_t rs = 17;
    char buf[64];
    for (int i = 0; i < 100000; i++) {
        double d = random_double(&rs);
        int n = snprintf(buf, sizeof buf, "%.17g", d);
        p = DCCD_FF_PATH_STRTOD;
        assert_int_equal(dccd_ff_parse(buf, (size_t)n, &v, &p), DCCD_FF_OK);
        assert_true(p != DCCD_FF_PATH_STRTOD);
        assert_true(bits_of(v) == bits_of(d));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_syntax),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
