/*
 * tests/unit/test_snappy.c - the reader's snappy decoder
 * (src/parquet/snappy.c) against libsnappy, the reference.
 *
 * Covers: round trips of libsnappy's output for data shaped like column
 * chunks (doubles of integers, cent prices, int64 counters, zero runs,
 * random bytes) at sizes around the decoder's 16-byte slack limits; every
 * copy offset 1..70 and length 1..80 in hand-made streams, decoded next to
 * the end of the output and away from it; literals with 1-4 length bytes;
 * and refusals: a wrong output size (header and actual), offset 0, an
 * offset before the start, a copy or literal past the output, truncated
 * tags, an over-long length varint, trailing bytes - each with a message.
 * fuzz/fuzz_snappy.c runs the same comparison on arbitrary input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include <snappy-c.h>

#include "common/common.h"
#include "parquet/codec.h"

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void roundtrip(const uint8_t *data, size_t n)
{
    size_t cap = snappy_max_compressed_length(n), clen = cap;
    char *c = malloc(cap);
    uint8_t *out = malloc(n + 1);
    assert_non_null(c);
    assert_non_null(out);
    assert_int_equal(snappy_compress((const char *)data, n, c, &clen), SNAPPY_OK);
    dccd_error err;
    int rc = pq_snappy_uncompress((const uint8_t *)c, clen, out, n, &err);
    if (rc)
        fail_msg("n=%zu: %s", n, err.msg);
    assert_memory_equal(out, data, n);
    /* the wrong size is refused, naming both */
    assert_int_equal(pq_snappy_uncompress((const uint8_t *)c, clen, out, n + 1, &err), DCCD_ECORRUPT);
    assert_non_null(strstr(err.msg, "expected"));
    free(c);
    free(out);
}

static void test_roundtrip_columns(void **state)
{
    (void)state;
    enum { N = 70000 };
    uint8_t *d = malloc(N * 8);
    assert_non_null(d);
    for (int kind = 0; kind < 5; kind++) {
        double p = 40000;
        for (size_t i = 0; i < N; i++) {
            double v;
            int64_t k;
            switch (kind) {
            case 0: v = 1e6 + (double)i; memcpy(d + 8 * i, &v, 8); break;
            case 1:
                p *= 1 + ((double)(next() % 2001) - 1000) * 1e-6;
                v = (double)(int64_t)(p * 100) / 100;
                memcpy(d + 8 * i, &v, 8);
                break;
            case 2: k = (int64_t)i; memcpy(d + 8 * i, &k, 8); break;
            case 3: memset(d + 8 * i, 0, 8); break;
            default: k = (int64_t)next(); memcpy(d + 8 * i, &k, 8); break;
            }
        }
        static const size_t sizes[] = {0, 1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 4095, 65536, 65537, N * 8};
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
            roundtrip(d, sizes[s]);
        for (int r = 0; r < 50; r++) /* random sizes and starts */
            roundtrip(d + next() % 4096, (size_t)(next() % 20000));
    }
    free(d);
}

/* a hand-made stream: header, then tags appended */
typedef struct {
    uint8_t b[4096];
    size_t n;
} stream;

static void put_len(stream *s, uint32_t v)
{
    while (v >= 0x80) {
        s->b[s->n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    s->b[s->n++] = (uint8_t)v;
}

static void put_literal(stream *s, const uint8_t *p, size_t len)
{
    size_t m = len - 1;
    if (m < 60) {
        s->b[s->n++] = (uint8_t)(m << 2);
    } else {
        int nb = m < 256 ? 1 : m < 65536 ? 2 : 3;
        s->b[s->n++] = (uint8_t)((59 + nb) << 2);
        for (int i = 0; i < nb; i++)
            s->b[s->n++] = (uint8_t)(m >> (8 * i));
    }
    memcpy(s->b + s->n, p, len);
    s->n += len;
}

static void put_copy2(stream *s, size_t len, size_t off) /* len 1..64 */
{
    s->b[s->n++] = (uint8_t)(((len - 1) << 2) | 2);
    s->b[s->n++] = (uint8_t)off;
    s->b[s->n++] = (uint8_t)(off >> 8);
}

static void check_same(const stream *s, size_t ulen)
{
    char *ref = malloc(ulen + 1);
    uint8_t *got = malloc(ulen + 1);
    assert_non_null(ref);
    assert_non_null(got);
    size_t rlen = ulen;
    int ok_ref = snappy_uncompress((const char *)s->b, s->n, ref, &rlen) == SNAPPY_OK && rlen == ulen;
    dccd_error err;
    int rc = pq_snappy_uncompress(s->b, s->n, got, ulen, &err);
    assert_int_equal(ok_ref, rc == DCCD_OK);
    if (ok_ref)
        assert_memory_equal(ref, got, ulen);
    else
        assert_true(err.msg[0] != '\0');
    free(ref);
    free(got);
}

static void test_every_offset_and_length(void **state)
{
    (void)state;
    uint8_t lit[80];
    for (int i = 0; i < 80; i++)
        lit[i] = (uint8_t)(i * 7 + 1);
    for (size_t off = 1; off <= 70; off++)
        for (size_t len = 1; len <= 64; len++)
            for (int tail = 0; tail < 3; tail++) { /* 0: copy at the very end; 1, 2: 20 / 40 bytes follow */
                stream s = {{0}, 0};
                size_t pre = off < 80 ? 80 : off, ulen = pre + len + (size_t)tail * 20;
                put_len(&s, (uint32_t)ulen);
                put_literal(&s, lit, 80);
                put_copy2(&s, len, off);
                if (tail)
                    put_literal(&s, lit, (size_t)tail * 20);
                check_same(&s, ulen);
                /* one byte short of output: refused by both */
                check_same(&s, ulen - 1);
            }
}

static void test_long_literals(void **state)
{
    (void)state;
    static const size_t lens[] = {60, 61, 255, 256, 257, 3000};
    uint8_t *p = malloc(3000);
    assert_non_null(p);
    for (size_t i = 0; i < 3000; i++)
        p[i] = (uint8_t)next();
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        stream *s = calloc(1, sizeof *s);
        assert_non_null(s);
        if (lens[k] + 16 > sizeof s->b) {
            free(s);
            continue;
        }
        put_len(s, (uint32_t)lens[k]);
        put_literal(s, p, lens[k]);
        check_same(s, lens[k]);
        free(s);
    }
    free(p);
}

static void refuse(const uint8_t *b, size_t n, size_t ulen, const char *what)
{
    uint8_t out[64];
    dccd_error err;
    assert_true(ulen <= sizeof out);
    int rc = pq_snappy_uncompress(b, n, out, ulen, &err);
    if (rc != DCCD_ECORRUPT)
        fail_msg("%s: accepted", what);
    assert_non_null(strstr(err.msg, "snappy"));
    size_t rlen = ulen;
    char ref[64];
    assert_int_not_equal(snappy_uncompress((const char *)b, n, ref, &rlen) == SNAPPY_OK && rlen == ulen, 1);
}

static void test_refusals(void **state)
{
    (void)state;
    const uint8_t off0[] = {8, 0x0c, 'a', 'b', 'c', 'd', 0x02 | (3 << 2), 0, 0};    /* copy offset 0 */
    const uint8_t before[] = {8, 0x0c, 'a', 'b', 'c', 'd', 0x02 | (3 << 2), 5, 0};  /* offset 5 > 4 written */
    const uint8_t past[] = {6, 0x0c, 'a', 'b', 'c', 'd', 0x02 | (3 << 2), 4, 0};    /* copy of 4 past 6 */
    const uint8_t litpast[] = {3, 0x0c, 'a', 'b', 'c', 'd'};                        /* literal of 4 into 3 */
    const uint8_t cut_lit[] = {4, 0x0c, 'a', 'b'};                                  /* literal cut short */
    const uint8_t cut_tag[] = {8, 0x0c, 'a', 'b', 'c', 'd', 0x02};                  /* copy-2 without offset */
    const uint8_t cut_tag4[] = {8, 0x0c, 'a', 'b', 'c', 'd', 0x03, 4, 0};           /* copy-4 short */
    const uint8_t cut_litlen[] = {70, 0xf0 | 0x0c};                                 /* 4 length bytes absent */
    const uint8_t longvar[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x01};                 /* 6-byte varint */
    const uint8_t big[] = {0xff, 0xff, 0xff, 0xff, 0x7f};                           /* > 2^32 - 1 */
    const uint8_t trailing[] = {4, 0x0c, 'a', 'b', 'c', 'd', 0x00};                 /* a tag after the end */
    const uint8_t shortout[] = {8, 0x0c, 'a', 'b', 'c', 'd'};                       /* header 8, 4 made */
    refuse(off0, sizeof off0, 8, "offset 0");
    refuse(before, sizeof before, 8, "offset before the start");
    refuse(past, sizeof past, 6, "copy past the output");
    refuse(litpast, sizeof litpast, 3, "literal past the output");
    refuse(cut_lit, sizeof cut_lit, 4, "truncated literal");
    refuse(cut_tag, sizeof cut_tag, 8, "truncated copy-2");
    refuse(cut_tag4, sizeof cut_tag4, 8, "truncated copy-4");
    refuse(cut_litlen, sizeof cut_litlen, 64, "truncated literal length");
    refuse(longvar, sizeof longvar, 1, "over-long varint");
    refuse(big, sizeof big, 1, "length over 32 bits");
    refuse(trailing, sizeof trailing, 4, "trailing tag");
    refuse(shortout, sizeof shortout, 8, "fewer bytes than the header");
    refuse(NULL, 0, 0, "empty input");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_columns),
        cmocka_unit_test(test_every_offset_and_length),
        cmocka_unit_test(test_long_literals),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
