/*
 * bench/bench_parse.c - ns per number of the importer's decimal parser:
 * the new dccd_ff_parse (src/common/fastfloat.h), the parse_f64 of
 * src/cli/textin.c before it (copied below as old_parse_f64: syntax check,
 * Clinger's fast path, else a NUL-terminated copy and strtod) and glibc
 * strtod alone on NUL-terminated strings.  Unlike dccd_bench it uses an
 * internal header (the parser is not public API).
 *
 *   bench_parse [N [RUNS]]     N numbers per input set (default 1,000,000),
 *                              RUNS runs of each (default 7)
 *
 * Input sets (fixed seeds): "full17": prices of a random walk rounded to
 * cents and log-normal amounts rounded to 1e-5, printed with %.17g (what a
 * double column written at full precision looks like: 40123.449999999997);
 * "price": the same values printed with %.15g (40123.45, the typical
 * export); "random17": random finite doubles of every magnitude, %.17g.
 * Every parser's results are checked equal to strtod's before timing.
 * Prints one line per (set, parser): the median, min and max ns/number of
 * runs (the parsers' runs interleaved), and the ratios.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/fastfloat.h"

/* ---- the previous parse_f64 of src/cli/textin.c, verbatim but for the
 * scratch buffer, which is passed in ---- */
static const double POW10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                               1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

typedef enum { NUM_OK, NUM_SYNTAX, NUM_RANGE, NUM_NOMEM } num_rc;

typedef struct scratch {
    char *p;
    size_t cap;
} scratch;

static num_rc old_parse_f64(scratch *in, const char *s, size_t n, double *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    uint64_t mant = 0;
    int digits = 0, ndig = 0;
    int frac = 0;
    bool exact = true;
    for (; i < n && (unsigned)(unsigned char)s[i] - '0' <= 9; i++, ndig++) {
        if (mant == 0 && s[i] == '0')
            continue;
        if (digits < 19) {
            mant = mant * 10 + (uint64_t)(s[i] - '0');
            digits++;
        } else {
            exact = false;
        }
    }
    if (i < n && s[i] == '.') {
        i++;
        for (; i < n && (unsigned)(unsigned char)s[i] - '0' <= 9; i++, ndig++) {
            if (mant == 0 && s[i] == '0') {
                frac++;
                continue;
            }
            if (digits < 19) {
                mant = mant * 10 + (uint64_t)(s[i] - '0');
                digits++;
                frac++;
            } else {
                exact = false;
            }
        }
    }
    if (ndig == 0)
        return NUM_SYNTAX;
    int64_t e = 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < n && (s[i] == '-' || s[i] == '+'))
            eneg = s[i++] == '-';
        if (i == n)
            return NUM_SYNTAX;
        for (; i < n && (unsigned)(unsigned char)s[i] - '0' <= 9; i++)
            if (e < 100000)
                e = e * 10 + (s[i] - '0');
        if (eneg)
            e = -e;
    }
    if (i != n)
        return NUM_SYNTAX;
    int64_t e10 = e - frac;
    if (mant == 0) {
        *out = neg ? -0.0 : 0.0;
        return NUM_OK;
    }
    if (exact && mant <= (UINT64_C(1) << 53) && e10 >= -22 && e10 <= 22) {
        double v = (double)mant;
        v = e10 < 0 ? v / POW10[-e10] : v * POW10[e10];
        *out = neg ? -v : v;
        return NUM_OK;
    }
    if (n + 1 > in->cap) {
        size_t cap = in->cap ? in->cap : 256;
        while (cap <= n)
            cap *= 2;
        char *p = realloc(in->p, cap);
        if (!p)
            return NUM_NOMEM;
        in->p = p;
        in->cap = cap;
    }
    memcpy(in->p, s, n);
    in->p[n] = 0;
    errno = 0;
    char *end = NULL;
    double v = strtod(in->p, &end);
    if (end != in->p + n)
        return NUM_SYNTAX;
    if (errno == ERANGE && (v > 1.0 || v < -1.0))
        return NUM_RANGE;
    *out = v;
    return NUM_OK;
}

/* ---- inputs ---- */

typedef struct set {
    const char *name;
    char *text;      /* the numbers, each followed by a NUL */
    size_t *off;     /* n + 1 offsets */
    size_t n;
} set;

static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static double unit(uint64_t *s)
{
    return (double)(rnd(s) >> 11) / 9007199254740992.0;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fprintf(stderr, "bench_parse: out of memory\n");
        exit(1);
    }
    return p;
}

static void make_set(set *st, const char *name, size_t n, int kind)
{
    st->name = name;
    st->n = n;
    st->text = xmalloc(n * 32);
    st->off = xmalloc((n + 1) * sizeof *st->off);
    uint64_t s = 12;
    double price = 40000.0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        double v;
        if (kind == 2) {
            uint64_t b;
            do
                b = rnd(&s);
            while (((b >> 52) & 0x7FF) == 0x7FF);
            memcpy(&v, &b, sizeof v);
        } else if (i % 6 == 5) { /* an amount */
            double a = 1e-3;
            for (int k = (int)(rnd(&s) % 8); k; k--)
                a *= 10;
            v = (double)(int64_t)(a * unit(&s) * 1e5 + 1) / 1e5;
        } else { /* a price */
            price *= 1 + (unit(&s) - 0.5) * 0.002;
            v = (double)(int64_t)(price * 100 + 0.5) / 100;
        }
        st->off[i] = o;
        int len = snprintf(st->text + o, 32, kind == 1 ? "%.15g" : "%.17g", v);
        o += (size_t)len + 1;
    }
    st->off[n] = o;
}

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

enum { P_OLD, P_NEW, P_STRTOD, NP };
static const char *pname[NP] = {"old parse_f64", "dccd_ff_parse", "strtod"};

static double run(const set *st, int p, scratch *sc, double *sum)
{
    double acc = 0;
    double t0 = now_ns();
    for (size_t i = 0; i < st->n; i++) {
        const char *s = st->text + st->off[i];
        size_t len = st->off[i + 1] - st->off[i] - 1;
        double v = 0;
        switch (p) {
        case P_OLD:
            old_parse_f64(sc, s, len, &v);
            break;
        case P_NEW:
            dccd_ff_parse(s, len, &v, NULL);
            break;
        default:
            v = strtod(s, NULL);
        }
        acc += v;
    }
    double t1 = now_ns();
    *sum = acc;
    return (t1 - t0) / (double)st->n;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
    int runs = argc > 2 ? atoi(argv[2]) : 7;
    if (n == 0 || runs < 1 || runs > 101)
        return fprintf(stderr, "usage: bench_parse [N [RUNS]]\n"), 2;
    set sets[3];
    make_set(&sets[0], "full17", n, 0);
    make_set(&sets[1], "price", n, 1);
    make_set(&sets[2], "random17", n, 2);
    scratch sc = {0};
    for (int k = 0; k < 3; k++) /* every parser agrees with strtod */
        for (size_t i = 0; i < n; i++) {
            const char *s = sets[k].text + sets[k].off[i];
            size_t len = sets[k].off[i + 1] - sets[k].off[i] - 1;
            double a = strtod(s, NULL), b = 1, c = 2;
            if (old_parse_f64(&sc, s, len, &b) != NUM_OK || dccd_ff_parse(s, len, &c, NULL) != DCCD_FF_OK ||
                memcmp(&a, &b, 8) || memcmp(&a, &c, 8)) {
                fprintf(stderr, "bench_parse: parsers disagree on \"%s\"\n", s);
                return 1;
            }
        }
    printf("%-9s %-14s %9s %9s %9s  (ns/number, %zu numbers, %d runs)\n", "set", "parser", "median", "min", "max",
           n, runs);
    for (int k = 0; k < 3; k++) {
        double sums[NP];
        double med[NP];
        double ns[NP][101];
        for (int r = 0; r < runs; r++) /* interleaved: the machine's load hits all alike */
            for (int p = 0; p < NP; p++)
                ns[p][r] = run(&sets[k], p, &sc, &sums[p]);
        for (int p = 0; p < NP; p++) {
            qsort(ns[p], (size_t)runs, sizeof *ns[p], cmp_d);
            med[p] = ns[p][runs / 2];
            printf("%-9s %-14s %9.1f %9.1f %9.1f\n", sets[k].name, pname[p], med[p], ns[p][0], ns[p][runs - 1]);
        }
        printf("%-9s new vs old x%.2f, new vs strtod x%.2f (checksum %g)\n", sets[k].name, med[P_OLD] / med[P_NEW],
               med[P_STRTOD] / med[P_NEW], sums[P_NEW]);
    }
    for (int k = 0; k < 3; k++) {
        free(sets[k].text);
        free(sets[k].off);
    }
    free(sc.p);
    return 0;
}
