/*
 * tests/unit/test_encoding.c - Parquet value/level encodings (encoding.h):
 * RLE/bit-packed hybrid, legacy BIT_PACKED, PLAIN, DELTA_BINARY_PACKED,
 * DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT.
 *
 * Covers: byte vectors written by hand from the examples in the
 * parquet-format Encodings.md (checked against both encoder and decoder),
 * random round trips over edge-case sizes and every bit width, integer
 * extremes with wrapping deltas, every truncation of valid encoded buffers
 * (must be an error, never a crash), and hostile headers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "common/common.h"
#include "parquet/encoding.h"

static const size_t SIZES[] = {0, 1, 7, 8, 9, 127, 128, 129, 1000, 1000003};
#define NSIZES (sizeof SIZES / sizeof SIZES[0])

/* deterministic xorshift64* generator */
static uint64_t rnd(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * UINT64_C(2685821657736338717);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    assert_non_null(p);
    return p;
}

/* ---- RLE / bit-packed hybrid ------------------------------------------------ */

static void test_bit_width(void **state)
{
    (void)state;
    assert_int_equal(pq_bit_width_u32(0), 0);
    assert_int_equal(pq_bit_width_u32(1), 1);
    assert_int_equal(pq_bit_width_u32(7), 3);
    assert_int_equal(pq_bit_width_u32(8), 4);
    assert_int_equal(pq_bit_width_u32(0xffffffffu), 32);
}

/* Encodings.md: values 0..7 at bit width 3 bit-pack to 10001000 11000110
 * 11111010; one group -> header (1 << 1) | 1 = 3. */
static void test_rle_spec_example(void **state)
{
    (void)state;
    const uint8_t enc[] = {0x03, 0x88, 0xC6, 0xFA};
    uint32_t out[8];
    assert_int_equal(pq_rle_decode(enc, sizeof enc, 3, out, 8, NULL), DCCD_OK);
    for (uint32_t i = 0; i < 8; i++)
        assert_int_equal(out[i], i);
    uint8_t out8[8];
    assert_int_equal(pq_rle_decode_u8(enc, sizeof enc, 3, out8, 8, NULL), DCCD_OK);
    for (uint32_t i = 0; i < 8; i++)
        assert_int_equal(out8[i], i);
    /* the encoder writes the same bytes */
    const uint32_t vals[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    dccd_buf b = DCCD_BUF_INIT;
    assert_int_equal(pq_rle_encode(&b, vals, 8, 3, NULL), DCCD_OK);
    assert_int_equal(b.len, sizeof enc);
    assert_memory_equal(b.data, enc, sizeof enc);
    dccd_buf_free(&b);

    /* an RLE run: 100 copies of 5 at width 3 -> header 200 (varint c8 01), value 1 byte */
    const uint8_t run[] = {0xC8, 0x01, 0x05};
    uint32_t r[100];
    assert_int_equal(pq_rle_decode(run, sizeof run, 3, r, 100, NULL), DCCD_OK);
    for (int i = 0; i < 100; i++)
        assert_int_equal(r[i], 5);
    uint32_t same[100];
    for (int i = 0; i < 100; i++)
        same[i] = 5;
    assert_int_equal(pq_rle_encode(&b, same, 100, 3, NULL), DCCD_OK);
    assert_int_equal(b.len, sizeof run);
    assert_memory_equal(b.data, run, sizeof run);
    dccd_buf_free(&b);

    /* width 17: RLE value stored in 3 bytes, little endian */
    const uint8_t run17[] = {0x10, 0x01, 0x02, 0x01};  /* 8 x 0x10201 */
    assert_int_equal(pq_rle_decode(run17, sizeof run17, 17, r, 8, NULL), DCCD_OK);
    for (int i = 0; i < 8; i++)
        assert_int_equal(r[i], 0x10201);

    /* legacy BIT_PACKED (MSB first): 0..7 at width 3 = 00000101 00111001 01110111 */
    const uint8_t legacy[] = {0x05, 0x39, 0x77};
    assert_int_equal(pq_bitpacked_legacy_decode_u8(legacy, sizeof legacy, 3, out8, 8, NULL), DCCD_OK);
    for (uint32_t i = 0; i < 8; i++)
        assert_int_equal(out8[i], i);
    dccd_error e;
    assert_int_equal(pq_bitpacked_legacy_decode_u8(legacy, 2, 3, out8, 8, &e), DCCD_ECORRUPT);
    assert_int_equal(pq_bitpacked_legacy_decode_u8(legacy, 3, 9, out8, 2, &e), DCCD_ECORRUPT);
}

/* values with runs of random lengths, mixed with random literals */
static void gen_levels(uint32_t *v, size_t n, int bw, uint64_t *seed)
{
    uint32_t mask = bw == 32 ? 0xffffffffu : ((1u << bw) - 1);
    size_t i = 0;
    while (i < n) {
        uint64_t r = rnd(seed);
        size_t len = 1 + (size_t)(r % 40);
        if ((r >> 8) & 1) {
            uint32_t x = (uint32_t)(rnd(seed) & mask);
            for (size_t k = 0; k < len && i < n; k++)
                v[i++] = x;
        } else {
            for (size_t k = 0; k < len && i < n; k++)
                v[i++] = (uint32_t)(rnd(seed) & mask);
        }
    }
}

static void test_rle_roundtrip(void **state)
{
    (void)state;
    uint64_t seed = 0x1234567;
    size_t maxn = SIZES[NSIZES - 1];
    uint32_t *v = xmalloc(maxn * sizeof *v), *o = xmalloc((maxn + 8) * sizeof *o);
    uint8_t *v8 = xmalloc(maxn), *o8 = xmalloc(maxn + 8);
    dccd_buf b = DCCD_BUF_INIT;
    for (int bw = 0; bw <= 32; bw++) {
        for (size_t si = 0; si < NSIZES; si++) {
            size_t n = SIZES[si];
            if (n > 10000 && bw % 8 != 1)
                continue; /* the big size for a few widths only */
            gen_levels(v, n, bw, &seed);
            dccd_buf_reset(&b);
            assert_int_equal(pq_rle_encode(&b, v, n, bw, NULL), DCCD_OK);
            o[n] = 0xdeadbeef;
            assert_int_equal(pq_rle_decode(b.data, b.len, bw, o, n, NULL), DCCD_OK);
            assert_memory_equal(o, v, n * sizeof *v);
            assert_int_equal(o[n], 0xdeadbeef); /* no write past n */
            if (bw <= 8) {
                for (size_t i = 0; i < n; i++)
                    v8[i] = (uint8_t)v[i];
                dccd_buf_reset(&b);
                assert_int_equal(pq_rle_encode_u8(&b, v8, n, bw, NULL), DCCD_OK);
                assert_int_equal(pq_rle_decode_u8(b.data, b.len, bw, o8, n, NULL), DCCD_OK);
                assert_memory_equal(o8, v8, n);
                /* the u32 decoder reads the same stream */
                assert_int_equal(pq_rle_decode(b.data, b.len, bw, o, n, NULL), DCCD_OK);
                for (size_t i = 0; i < n; i++)
                    assert_int_equal(o[i], v8[i]);
            }
        }
    }
    /* constant runs compress to a few bytes; width 0 encodes all zeros */
    for (size_t i = 0; i < 100000; i++)
        v[i] = 1;
    dccd_buf_reset(&b);
    assert_int_equal(pq_rle_encode(&b, v, 100000, 1, NULL), DCCD_OK);
    assert_true(b.len <= 5);
    memset(v, 0, 100000 * sizeof *v);
    dccd_buf_reset(&b);
    assert_int_equal(pq_rle_encode(&b, v, 100000, 0, NULL), DCCD_OK);
    assert_true(b.len <= 4);
    assert_int_equal(pq_rle_decode(b.data, b.len, 0, o, 100000, NULL), DCCD_OK);
    for (size_t i = 0; i < 100000; i++)
        assert_int_equal(o[i], 0);
    /* values too wide for the declared width are refused */
    v[3] = 4;
    dccd_error e;
    assert_int_equal(pq_rle_encode(&b, v, 10, 2, &e), DCCD_EINVAL);
    assert_int_equal(pq_rle_encode(&b, v, 10, 33, &e), DCCD_EINVAL);
    dccd_buf_free(&b);
    free(v);
    free(o);
    free(v8);
    free(o8);
}

/* Decoding fewer values than a stream holds, and a partially used final group. */
static void test_rle_partial(void **state)
{
    (void)state;
    uint32_t v[20], o[32];
    for (int i = 0; i < 20; i++)
        v[i] = (uint32_t)(i * 7 % 13);
    dccd_buf b = DCCD_BUF_INIT;
    assert_int_equal(pq_rle_encode(&b, v, 20, 4, NULL), DCCD_OK);
    for (size_t n = 0; n <= 20; n++) {
        memset(o, 0xff, sizeof o);
        assert_int_equal(pq_rle_decode(b.data, b.len, 4, o, n, NULL), DCCD_OK);
        assert_memory_equal(o, v, n * sizeof *v);
        if (n < 20)
            assert_int_equal(o[n], 0xffffffffu);
    }
    /* asking for more values than the stream holds is an error */
    dccd_error e;
    assert_int_equal(pq_rle_decode(b.data, b.len, 4, o, 25, &e), DCCD_ECORRUPT);
    dccd_buf_free(&b);
}

static void test_rle_corrupt(void **state)
{
    (void)state;
    uint64_t seed = 99;
    uint32_t v[300], o[300];
    uint8_t o8[300];
    dccd_buf b = DCCD_BUF_INIT;
    dccd_error e;
    for (int bw = 0; bw <= 32; bw += 1) {
        gen_levels(v, 300, bw, &seed);
        dccd_buf_reset(&b);
        assert_int_equal(pq_rle_encode(&b, v, 300, bw, NULL), DCCD_OK);
        /* every truncation fails (copied to a tight buffer so ASan sees overreads) */
        for (size_t cut = 0; cut < b.len; cut++) {
            uint8_t *t = xmalloc(cut);
            memcpy(t, b.data, cut);
            assert_int_equal(pq_rle_decode(t, cut, bw, o, 300, &e), DCCD_ECORRUPT);
            if (bw <= 8)
                assert_int_equal(pq_rle_decode_u8(t, cut, bw, o8, 300, &e), DCCD_ECORRUPT);
            free(t);
        }
    }
    /* widths out of range */
    const uint8_t ok[] = {0x03, 0x88, 0xC6, 0xFA};
    assert_int_equal(pq_rle_decode(ok, sizeof ok, 33, o, 8, &e), DCCD_ECORRUPT);
    assert_int_equal(pq_rle_decode(ok, sizeof ok, -1, o, 8, &e), DCCD_ECORRUPT);
    assert_int_equal(pq_rle_decode_u8(ok, sizeof ok, 9, o8, 8, &e), DCCD_ECORRUPT);
    /* hostile bit-packed header: 2^62 groups */
    const uint8_t huge[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x00};
    assert_int_equal(pq_rle_decode(huge, sizeof huge, 3, o, 8, &e), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "RLE"));
    /* overlong varint */
    const uint8_t longv[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
    assert_int_equal(pq_rle_decode(longv, sizeof longv, 3, o, 8, &e), DCCD_ECORRUPT);
    /* huge RLE run count is fine: only n values are produced */
    const uint8_t bigrun[] = {0xfe, 0xff, 0xff, 0xff, 0x0f, 0x01};
    assert_int_equal(pq_rle_decode(bigrun, sizeof bigrun, 1, o, 300, NULL), DCCD_OK);
    assert_int_equal(o[299], 1);
    /* RLE value wider than bit width */
    const uint8_t wide[] = {0x10, 0x09};
    assert_int_equal(pq_rle_decode(wide, sizeof wide, 3, o, 8, &e), DCCD_ECORRUPT);
    /* empty input with n = 0 is fine */
    assert_int_equal(pq_rle_decode(NULL, 0, 3, o, 0, NULL), DCCD_OK);
    dccd_buf_free(&b);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Not a pass/fail benchmark: prints throughput so regressions are visible. */
static void test_rle_speed(void **state)
{
    (void)state;
    size_t n = 4u << 20;
    uint32_t *v = xmalloc(n * sizeof *v), *o = xmalloc(n * sizeof *o);
    uint64_t seed = 5;
    for (size_t i = 0; i < n; i++)
        v[i] = (uint32_t)(rnd(&seed) & 0x3ff);
    dccd_buf b = DCCD_BUF_INIT;
    assert_int_equal(pq_rle_encode(&b, v, n, 10, NULL), DCCD_OK);
    memset(o, 0, n * sizeof *o); /* fault the pages in before timing */
    double t0 = now_s();
    for (int rep = 0; rep < 5; rep++)
        assert_int_equal(pq_rle_decode(b.data, b.len, 10, o, n, NULL), DCCD_OK);
    double t1 = now_s();
    assert_memory_equal(o, v, n * sizeof *v);
    printf("rle decode bw=10: %.0f Mvalues/s\n", 5.0 * (double)n / (t1 - t0) / 1e6);
    dccd_buf_free(&b);
    free(v);
    free(o);
}

/* ---- PLAIN ---------------------------------------------------------------------- */

static void test_plain_fixed_bool(void **state)
{
    (void)state;
    uint64_t seed = 7;
    size_t maxn = SIZES[NSIZES - 1];
    uint8_t *v = xmalloc(maxn), *o = xmalloc(maxn);
    dccd_buf b = DCCD_BUF_INIT;
    dccd_error e;
    size_t used;
    for (size_t si = 0; si < NSIZES; si++) {
        size_t n = SIZES[si];
        for (size_t i = 0; i < n; i++)
            v[i] = (uint8_t)(rnd(&seed) & 1);
        dccd_buf_reset(&b);
        assert_int_equal(pq_plain_encode_bool(&b, v, n, NULL), DCCD_OK);
        assert_int_equal(b.len, (n + 7) / 8);
        assert_int_equal(pq_plain_decode_bool(b.data, b.len, n, o, &used, NULL), DCCD_OK);
        assert_int_equal(used, b.len);
        assert_memory_equal(o, v, n);
        if (n)
            assert_int_equal(pq_plain_decode_bool(b.data, b.len - 1, n, o, &used, &e), DCCD_ECORRUPT);
    }
    /* bit order: LSB first */
    const uint8_t bools[] = {1, 0, 1, 1, 0, 0, 0, 0, 1};
    dccd_buf_reset(&b);
    assert_int_equal(pq_plain_encode_bool(&b, bools, 9, NULL), DCCD_OK);
    assert_int_equal(b.len, 2);
    assert_int_equal(b.data[0], 0x0D);
    assert_int_equal(b.data[1], 0x01);
    /* fixed width */
    int64_t iv[3] = {INT64_MIN, -1, INT64_MAX}, io[3];
    assert_int_equal(pq_plain_decode_fixed((const uint8_t *)iv, sizeof iv, 8, 3, io, &used, NULL), DCCD_OK);
    assert_int_equal(used, 24);
    assert_memory_equal(io, iv, sizeof iv);
    assert_int_equal(pq_plain_decode_fixed((const uint8_t *)iv, 23, 8, 3, io, &used, &e), DCCD_ECORRUPT);
    assert_int_equal(pq_plain_decode_fixed((const uint8_t *)iv, 24, 12, SIZE_MAX / 4, io, &used, &e),
                     DCCD_ECORRUPT);
    dccd_buf_free(&b);
    free(v);
    free(o);
}

/* random strings: lengths mostly small, some empty */
static void gen_strings(uint8_t **data, int64_t **offs, size_t n, uint64_t *seed, int similar)
{
    size_t cap = n * 24 + 64;
    *data = xmalloc(cap);
    *offs = xmalloc((n + 1) * sizeof **offs);
    size_t pos = 0;
    (*offs)[0] = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = (size_t)(rnd(seed) % 21);
        if (rnd(seed) % 10 == 0)
            l = 0;
        for (size_t k = 0; k < l; k++) {
            if (similar && i > 0 && k < l / 2 && (size_t)((*offs)[i] - (*offs)[i - 1]) > k)
                (*data)[pos + k] = (*data)[(*offs)[i - 1] + (int64_t)k]; /* shared prefix */
            else
                (*data)[pos + k] = (uint8_t)('a' + rnd(seed) % 26);
        }
        pos += l;
        (*offs)[i + 1] = (int64_t)pos;
    }
}

typedef int (*ba_enc_fn)(dccd_buf *, const uint8_t *, const int64_t *, size_t, dccd_error *);
typedef int (*ba_dec_fn)(const uint8_t *, size_t, size_t, dccd_buf *, uint32_t *, size_t *, dccd_error *);

static int plain_ba_dec(const uint8_t *s, size_t l, size_t n, dccd_buf *d, uint32_t *lens, size_t *c,
                        dccd_error *e)
{
    return pq_plain_decode_byte_array(s, l, n, d, lens, c, e);
}

static void check_ba_roundtrip(ba_enc_fn enc, ba_dec_fn dec, const uint8_t *data, const int64_t *offs, size_t n,
                               int check_truncations)
{
    dccd_buf b = DCCD_BUF_INIT, out = DCCD_BUF_INIT;
    uint32_t *lens = xmalloc((n + 1) * sizeof *lens);
    assert_int_equal(enc(&b, data, offs, n, NULL), DCCD_OK);
    /* data buffer already holding bytes: decoders append */
    assert_int_equal(dccd_buf_append(&out, "XYZ", 3, NULL), DCCD_OK);
    size_t used = 0;
    dccd_error e;
    int rc = dec(b.data, b.len, n, &out, lens, &used, &e);
    if (rc)
        fail_msg("decode failed: %s", e.msg);
    assert_int_equal(used, b.len);
    assert_int_equal(out.len, 3 + (size_t)(offs[n] - offs[0]));
    assert_memory_equal(out.data, "XYZ", 3);
    if (offs[n] > offs[0])
        assert_memory_equal(out.data + 3, data + offs[0], (size_t)(offs[n] - offs[0]));
    for (size_t i = 0; i < n; i++)
        assert_int_equal(lens[i], (uint32_t)(offs[i + 1] - offs[i]));
    if (check_truncations) {
        for (size_t cut = 0; cut < b.len; cut++) {
            uint8_t *t = xmalloc(cut);
            memcpy(t, b.data, cut);
            dccd_buf_reset(&out);
            rc = dec(t, cut, n, &out, lens, &used, &e);
            if (rc != DCCD_ECORRUPT)
                fail_msg("truncation to %zu of %zu bytes (n=%zu) not detected: rc %d", cut, b.len, n, rc);
            free(t);
        }
    }
    free(lens);
    dccd_buf_free(&b);
    dccd_buf_free(&out);
}

static void run_ba_suite(ba_enc_fn enc, ba_dec_fn dec)
{
    uint64_t seed = 11;
    for (size_t si = 0; si < NSIZES; si++) {
        size_t n = SIZES[si];
        if (n > 200000)
            n = 200000;
        uint8_t *data;
        int64_t *offs;
        gen_strings(&data, &offs, n, &seed, 1);
        check_ba_roundtrip(enc, dec, data, offs, n, n <= 129 && n != 128);
        free(data);
        free(offs);
    }
    /* all empty strings */
    int64_t zoffs[6] = {0, 0, 0, 0, 0, 0};
    check_ba_roundtrip(enc, dec, (const uint8_t *)"", zoffs, 5, 1);
    /* one 1 MiB string between two short ones, offsets not starting at 0 */
    size_t big = 1u << 20;
    uint8_t *d = xmalloc(big + 20);
    uint64_t s2 = 3;
    for (size_t i = 0; i < big + 20; i++)
        d[i] = (uint8_t)rnd(&s2);
    int64_t boffs[4] = {2, 7, 7 + (int64_t)big, 7 + (int64_t)big + 9};
    check_ba_roundtrip(enc, dec, d, boffs, 3, 0);
    free(d);
    /* negative lengths in the offsets are refused by the encoder */
    int64_t bad[3] = {0, 5, 3};
    dccd_buf b = DCCD_BUF_INIT;
    dccd_error e;
    assert_int_equal(enc(&b, (const uint8_t *)"abcdef", bad, 2, &e), DCCD_EINVAL);
    dccd_buf_free(&b);
}

static void test_plain_byte_array(void **state)
{
    (void)state;
    run_ba_suite(pq_plain_encode_byte_array, plain_ba_dec);
    /* hand vector: "ab", "" , "c" */
    const uint8_t enc[] = {2, 0, 0, 0, 'a', 'b', 0, 0, 0, 0, 1, 0, 0, 0, 'c'};
    dccd_buf out = DCCD_BUF_INIT;
    uint32_t lens[3];
    size_t used;
    assert_int_equal(pq_plain_decode_byte_array(enc, sizeof enc, 3, &out, lens, &used, NULL), DCCD_OK);
    assert_int_equal(used, sizeof enc);
    assert_int_equal(out.len, 3);
    assert_memory_equal(out.data, "abc", 3);
    assert_int_equal(lens[0], 2);
    assert_int_equal(lens[1], 0);
    assert_int_equal(lens[2], 1);
    /* negative length */
    const uint8_t neg[] = {0xff, 0xff, 0xff, 0xff, 'a'};
    dccd_error e;
    assert_int_equal(pq_plain_decode_byte_array(neg, sizeof neg, 1, &out, lens, &used, &e), DCCD_ECORRUPT);
    dccd_buf_free(&out);
}

/* ---- DELTA_BINARY_PACKED ------------------------------------------------------------- */

static void expect_delta64(const uint8_t *enc, size_t len, const int64_t *vals, size_t n)
{
    int64_t *o = xmalloc((n + 1) * sizeof *o);
    size_t used = 0;
    dccd_error e;
    int rc = pq_delta_decode_i64(enc, len, n, o, &used, &e);
    if (rc)
        fail_msg("decode: %s", e.msg);
    assert_int_equal(used, len);
    if (n)
        assert_memory_equal(o, vals, n * sizeof *o);
    free(o);
}

/* Spec example 1 (1,2,3,4,5) and 2 (7,5,3,1,2,3,4,5) as the encoder writes
 * them with 128-value blocks of 4 miniblocks, bytes worked out by hand. */
static void test_delta_spec_examples(void **state)
{
    (void)state;
    /* header: 128 (80 01), 4 miniblocks, 5 values, first 1 (zigzag 2);
     * block: min delta 1 (zigzag 2), widths 0 0 0 0, no data */
    const uint8_t ex1[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0};
    const int64_t v1[] = {1, 2, 3, 4, 5};
    expect_delta64(ex1, sizeof ex1, v1, 5);
    int32_t o32[8];
    size_t used;
    assert_int_equal(pq_delta_decode_i32(ex1, sizeof ex1, 5, o32, &used, NULL), DCCD_OK);
    for (int i = 0; i < 5; i++)
        assert_int_equal(o32[i], i + 1);
    dccd_buf b = DCCD_BUF_INIT;
    assert_int_equal(pq_delta_encode_i64(&b, v1, 5, NULL), DCCD_OK);
    assert_int_equal(b.len, sizeof ex1);
    assert_memory_equal(b.data, ex1, sizeof ex1);
    size_t cnt;
    assert_int_equal(pq_delta_count(ex1, sizeof ex1, &cnt, NULL), DCCD_OK);
    assert_int_equal(cnt, 5);

    /* example 2: deltas -2 -2 -2 1 1 1 1, min -2 (zigzag 3), relative 0 0 0 3 3 3 3
     * at width 2: bytes c0 3f then 6 zero bytes (32 values * 2 bits) */
    const uint8_t ex2[] = {0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 2, 0, 0, 0, 0xC0, 0x3F, 0, 0, 0, 0, 0, 0};
    const int64_t v2[] = {7, 5, 3, 1, 2, 3, 4, 5};
    expect_delta64(ex2, sizeof ex2, v2, 8);
    const int32_t v2_32[] = {7, 5, 3, 1, 2, 3, 4, 5};
    dccd_buf_reset(&b);
    assert_int_equal(pq_delta_encode_i32(&b, v2_32, 8, NULL), DCCD_OK);
    assert_int_equal(b.len, sizeof ex2);
    assert_memory_equal(b.data, ex2, sizeof ex2);

    /* unused miniblocks may carry garbage widths and be omitted */
    uint8_t ex2g[sizeof ex2];
    memcpy(ex2g, ex2, sizeof ex2);
    ex2g[7] = 0xff;
    ex2g[9] = 200;
    expect_delta64(ex2g, sizeof ex2g, v2, 8);

    /* decoding fewer values than the stream holds still consumes the stream */
    int64_t o[8];
    assert_int_equal(pq_delta_decode_i64(ex2, sizeof ex2, 3, o, &used, NULL), DCCD_OK);
    assert_int_equal(used, sizeof ex2);
    assert_int_equal(o[2], 3);

    /* the spec's illustrative block size 8 is not a valid stream */
    const uint8_t bs8[] = {0x08, 0x01, 0x05, 0x02, 0x02, 0x00};
    dccd_error e;
    assert_int_equal(pq_delta_decode_i64(bs8, sizeof bs8, 5, o, &used, &e), DCCD_ECORRUPT);
    dccd_buf_free(&b);
}

static void delta_roundtrip64(const int64_t *v, size_t n)
{
    dccd_buf b = DCCD_BUF_INIT;
    assert_int_equal(pq_delta_encode_i64(&b, v, n, NULL), DCCD_OK);
    expect_delta64(b.data, b.len, v, n);
    dccd_buf_free(&b);
}

static void delta_roundtrip32(const int32_t *v, size_t n)
{
    dccd_buf b = DCCD_BUF_INIT;
    assert_int_equal(pq_delta_encode_i32(&b, v, n, NULL), DCCD_OK);
    int32_t *o = xmalloc((n + 1) * sizeof *o);
    size_t used = 0;
    dccd_error e;
    int rc = pq_delta_decode_i32(b.data, b.len, n, o, &used, &e);
    if (rc)
        fail_msg("decode: %s", e.msg);
    assert_int_equal(used, b.len);
    if (n)
        assert_memory_equal(o, v, n * sizeof *o);
    free(o);
    dccd_buf_free(&b);
}

static void test_delta_roundtrip(void **state)
{
    (void)state;
    uint64_t seed = 42;
    size_t maxn = SIZES[NSIZES - 1];
    int64_t *v = xmalloc(maxn * sizeof *v);
    int32_t *w = xmalloc(maxn * sizeof *w);
    for (size_t si = 0; si < NSIZES; si++) {
        size_t n = SIZES[si];
        /* every bit width of the deltas: random values masked to k bits */
        for (int k = 0; k <= 64; k += (n > 10000 ? 7 : 1)) {
            uint64_t mask = k == 64 ? ~UINT64_C(0) : ((UINT64_C(1) << k) - 1);
            for (size_t i = 0; i < n; i++)
                v[i] = (int64_t)(rnd(&seed) & mask);
            delta_roundtrip64(v, n);
            if (k <= 32) {
                for (size_t i = 0; i < n; i++)
                    w[i] = (int32_t)(uint32_t)(rnd(&seed) & mask);
                delta_roundtrip32(w, n);
            }
        }
        /* extremes alternating */
        for (size_t i = 0; i < n; i++) {
            v[i] = (i & 1) ? INT64_MAX : INT64_MIN;
            w[i] = (i & 1) ? INT32_MAX : INT32_MIN;
        }
        delta_roundtrip64(v, n);
        delta_roundtrip32(w, n);
        for (size_t i = 0; i < n; i++) {
            uint64_t r = rnd(&seed) % 4;
            v[i] = r == 0 ? INT64_MIN : r == 1 ? INT64_MAX : r == 2 ? 0 : -1;
            w[i] = r == 0 ? INT32_MIN : r == 1 ? INT32_MAX : r == 2 ? 0 : -1;
        }
        delta_roundtrip64(v, n);
        delta_roundtrip32(w, n);
        /* constants and decreasing sequences */
        for (size_t i = 0; i < n; i++) {
            v[i] = -77;
            w[i] = 5 - (int32_t)i;
        }
        delta_roundtrip64(v, n);
        delta_roundtrip32(w, n);
    }
    free(v);
    free(w);
}

/* Sorted nanosecond timestamps at a fixed step: width-0 miniblocks. */
static void test_delta_timestamps(void **state)
{
    (void)state;
    size_t n = 1000003;
    int64_t *v = xmalloc(n * sizeof *v), *o = xmalloc(n * sizeof *o);
    memset(o, 0, n * sizeof *o); /* fault the pages in before timing */
    int64_t t0 = INT64_C(1700000000000000000);
    for (size_t i = 0; i < n; i++)
        v[i] = t0 + (int64_t)i * 1000000;
    dccd_buf b = DCCD_BUF_INIT;
    double a = now_s();
    assert_int_equal(pq_delta_encode_i64(&b, v, n, NULL), DCCD_OK);
    double m = now_s();
    /* per 128 values: min delta varint (3 bytes) + 4 widths */
    assert_true(b.len < n / 16);
    size_t used;
    assert_int_equal(pq_delta_decode_i64(b.data, b.len, n, o, &used, NULL), DCCD_OK);
    double z = now_s();
    assert_int_equal(used, b.len);
    assert_memory_equal(o, v, n * sizeof *v);
    printf("delta ts: %zu bytes for %zu values; encode %.0f, decode %.0f Mvalues/s\n", b.len, n,
           (double)n / (m - a) / 1e6, (double)n / (z - m) / 1e6);
    /* jittered timestamps: random width each miniblock */
    uint64_t seed = 1;
    for (size_t i = 1; i < n; i++)
        v[i] = v[i - 1] + (int64_t)(rnd(&seed) % 5000000);
    dccd_buf_reset(&b);
    assert_int_equal(pq_delta_encode_i64(&b, v, n, NULL), DCCD_OK);
    m = now_s();
    assert_int_equal(pq_delta_decode_i64(b.data, b.len, n, o, &used, NULL), DCCD_OK);
    z = now_s();
    assert_memory_equal(o, v, n * sizeof *v);
    printf("delta jittered ts: %zu bytes; decode %.0f Mvalues/s\n", b.len, (double)n / (z - m) / 1e6);
    dccd_buf_free(&b);
    free(v);
    free(o);
}

static void test_delta_corrupt(void **state)
{
    (void)state;
    dccd_error e;
    int64_t o[400];
    int32_t o32[400];
    size_t used;
    uint64_t seed = 9;
    int64_t v[300];
    for (int i = 0; i < 300; i++)
        v[i] = (int64_t)(rnd(&seed) % 100000) - 50000;
    dccd_buf b = DCCD_BUF_INIT;
    assert_int_equal(pq_delta_encode_i64(&b, v, 300, NULL), DCCD_OK);
    for (size_t cut = 0; cut < b.len; cut++) {
        uint8_t *t = xmalloc(cut);
        memcpy(t, b.data, cut);
        assert_int_equal(pq_delta_decode_i64(t, cut, 300, o, &used, &e), DCCD_ECORRUPT);
        /* truncation is detected even when fewer values are requested */
        if (cut > 8)
            assert_int_equal(pq_delta_decode_i64(t, cut, 1, o, &used, &e), DCCD_ECORRUPT);
        free(t);
    }
    /* more values requested than the header announces */
    assert_int_equal(pq_delta_decode_i64(b.data, b.len, 301, o, &used, &e), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "DELTA_BINARY_PACKED"));
    dccd_buf_free(&b);

    /* bad headers */
    const uint8_t bs100[] = {100, 4, 1, 0};
    assert_int_equal(pq_delta_decode_i64(bs100, sizeof bs100, 1, o, &used, &e), DCCD_ECORRUPT);
    const uint8_t mb3[] = {0x80, 0x01, 3, 1, 0};
    assert_int_equal(pq_delta_decode_i64(mb3, sizeof mb3, 1, o, &used, &e), DCCD_ECORRUPT);
    const uint8_t mb8[] = {0x80, 0x01, 8, 1, 0}; /* 16 values per miniblock */
    assert_int_equal(pq_delta_decode_i64(mb8, sizeof mb8, 1, o, &used, &e), DCCD_ECORRUPT);
    const uint8_t mb0[] = {0x80, 0x01, 0, 1, 0};
    assert_int_equal(pq_delta_decode_i64(mb0, sizeof mb0, 1, o, &used, &e), DCCD_ECORRUPT);
    /* width 33 is valid for int32 too (DuckDB writes it: int32 deltas need 33
     * bits); 65 is corrupt for both */
    uint8_t w33[6 + 4 + 4 * 65] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 33, 0, 0, 0};
    assert_int_equal(pq_delta_decode_i32(w33, sizeof w33, 5, o32, &used, &e), DCCD_OK);
    assert_int_equal(pq_delta_decode_i64(w33, sizeof w33, 5, o, &used, NULL), DCCD_OK);
    w33[6] = 65;
    assert_int_equal(pq_delta_decode_i64(w33, sizeof w33, 5, o, &used, &e), DCCD_ECORRUPT);
    assert_int_equal(pq_delta_decode_i32(w33, sizeof w33, 5, o32, &used, &e), DCCD_ECORRUPT);
    /* hostile count with n small: fails fast on the missing blocks */
    const uint8_t huge[] = {0x80, 0x01, 0x04, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x00,
                            0x00, 0, 0, 0, 0};
    assert_int_equal(pq_delta_decode_i64(huge, sizeof huge, 2, o, &used, &e), DCCD_ECORRUPT);
    size_t cnt;
    assert_int_equal(pq_delta_count(huge, sizeof huge, &cnt, NULL), DCCD_OK);
    assert_true(cnt > ((size_t)1 << 60));
    /* huge block size: refused */
    const uint8_t hb[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x04, 0x05, 0x02};
    assert_int_equal(pq_delta_decode_i64(hb, sizeof hb, 1, o, &used, &e), DCCD_ECORRUPT);
    /* count 0 and n 0: just a header */
    const uint8_t zero[] = {0x80, 0x01, 0x04, 0x00, 0x00};
    assert_int_equal(pq_delta_decode_i64(zero, sizeof zero, 0, o, &used, NULL), DCCD_OK);
    assert_int_equal(used, sizeof zero);
}

/* ---- DELTA_LENGTH_BYTE_ARRAY / DELTA_BYTE_ARRAY ---------------------------------------- */

static void test_delta_length(void **state)
{
    (void)state;
    run_ba_suite(pq_delta_length_encode, pq_delta_length_decode);
    /* Encodings.md example: "Hello" "World" "Foobar" "ABCDEF": lengths 5 5 6 6
     * -> first 5 (zigzag 10), deltas 0 1 0, min 0, width 1: 0b010 = 0x02 */
    const uint8_t enc[] = {0x80, 0x01, 0x04, 0x04, 0x0A, 0x00, 1, 0, 0, 0, 0x02, 0, 0, 0,
                           'H', 'e', 'l', 'l', 'o', 'W', 'o', 'r', 'l', 'd', 'F', 'o', 'o', 'b', 'a', 'r',
                           'A', 'B', 'C', 'D', 'E', 'F'};
    dccd_buf out = DCCD_BUF_INIT;
    uint32_t lens[4];
    size_t used;
    assert_int_equal(pq_delta_length_decode(enc, sizeof enc, 4, &out, lens, &used, NULL), DCCD_OK);
    assert_int_equal(used, sizeof enc);
    assert_int_equal(out.len, 22);
    assert_memory_equal(out.data, "HelloWorldFoobarABCDEF", 22);
    assert_int_equal(lens[2], 6);
    const int64_t offs[5] = {0, 5, 10, 16, 22};
    dccd_buf b = DCCD_BUF_INIT;
    assert_int_equal(pq_delta_length_encode(&b, (const uint8_t *)"HelloWorldFoobarABCDEF", offs, 4, NULL),
                     DCCD_OK);
    assert_int_equal(b.len, sizeof enc);
    assert_memory_equal(b.data, enc, sizeof enc);
    /* negative length: first value -1 (zigzag 1) */
    const uint8_t neg[] = {0x80, 0x01, 0x04, 0x01, 0x01, 'x'};
    dccd_error e;
    assert_int_equal(pq_delta_length_decode(neg, sizeof neg, 1, &out, lens, &used, &e), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "negative"));
    dccd_buf_free(&b);
    dccd_buf_free(&out);
}

static void test_delta_byte_array(void **state)
{
    (void)state;
    run_ba_suite(pq_delta_byte_array_encode, pq_delta_byte_array_decode);
    /* Encodings.md example: "axis" "axle" "babble" "babyhood"
     * prefixes 0 2 0 3: first 0, deltas 2 -2 3, min -2 (zigzag 3), relative 4 0 5, width 3:
     *   4 | 0 << 3 | 5 << 6 = 0x144 -> 44 01, then 10 zero bytes
     * suffix lengths 4 2 6 5: first 4 (zigzag 8), deltas -2 4 -1, min -2, relative 0 6 1:
     *   0 | 6 << 3 | 1 << 6 = 0x70 -> 70 00, then 10 zero bytes */
    uint8_t enc[2 * (6 + 4 + 12) + 17] = {0};
    const uint8_t p1[] = {0x80, 0x01, 0x04, 0x04, 0x00, 0x03, 3, 0, 0, 0, 0x44, 0x01};
    const uint8_t p2[] = {0x80, 0x01, 0x04, 0x04, 0x08, 0x03, 3, 0, 0, 0, 0x70, 0x00};
    memcpy(enc, p1, sizeof p1);
    memcpy(enc + 22, p2, sizeof p2);
    memcpy(enc + 44, "axislebabbleyhood", 17);
    dccd_buf out = DCCD_BUF_INIT;
    uint32_t lens[4];
    size_t used;
    dccd_error e;
    int rc = pq_delta_byte_array_decode(enc, sizeof enc, 4, &out, lens, &used, &e);
    if (rc)
        fail_msg("%s", e.msg);
    assert_int_equal(used, sizeof enc);
    assert_int_equal(out.len, 4 + 4 + 6 + 8);
    assert_memory_equal(out.data, "axisaxlebabblebabyhood", 22);
    assert_int_equal(lens[0], 4);
    assert_int_equal(lens[3], 8);
    const int64_t offs[5] = {0, 4, 8, 14, 22};
    dccd_buf b = DCCD_BUF_INIT;
    assert_int_equal(pq_delta_byte_array_encode(&b, (const uint8_t *)"axisaxlebabblebabyhood", offs, 4, NULL),
                     DCCD_OK);
    assert_int_equal(b.len, sizeof enc);
    assert_memory_equal(b.data, enc, sizeof enc);

    /* first value with a prefix (it has no predecessor): first prefix 1 -> prefixes 1 3 1 4 */
    uint8_t bad[sizeof enc];
    memcpy(bad, enc, sizeof enc);
    bad[4] = 0x02;
    rc = pq_delta_byte_array_decode(bad, sizeof bad, 4, &out, lens, &used, &e);
    assert_int_equal(rc, DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "prefix"));
    /* prefix longer than the previous value: relative 4 7 2 -> prefixes 0 2 7 7, "axle" has 4 */
    memcpy(bad, enc, sizeof enc);
    bad[10] = 0xBC;
    bad[11] = 0x00;
    rc = pq_delta_byte_array_decode(bad, sizeof bad, 4, &out, lens, &used, &e);
    assert_int_equal(rc, DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "value 2"));
    /* negative prefix: first value -1 */
    memcpy(bad, enc, sizeof enc);
    bad[4] = 0x01;
    assert_int_equal(pq_delta_byte_array_decode(bad, sizeof bad, 4, &out, lens, &used, &e), DCCD_ECORRUPT);
    dccd_buf_free(&b);
    dccd_buf_free(&out);
}

/* A few KB of DELTA_BYTE_ARRAY that would expand to 2 GiB (every value repeats
 * the previous 2 KiB value): refused before allocating. */
static void test_delta_byte_array_bomb(void **state)
{
    (void)state;
    size_t n = (size_t)1 << 20;
    int32_t *pre = xmalloc(n * sizeof *pre), *suf = xmalloc(n * sizeof *suf);
    for (size_t i = 0; i < n; i++) {
        pre[i] = i ? 2048 : 0;
        suf[i] = i ? 0 : 2048;
    }
    dccd_buf b = DCCD_BUF_INIT, out = DCCD_BUF_INIT;
    assert_int_equal(pq_delta_encode_i32(&b, pre, n, NULL), DCCD_OK);
    assert_int_equal(pq_delta_encode_i32(&b, suf, n, NULL), DCCD_OK);
    uint8_t *z;
    assert_int_equal(dccd_buf_extend(&b, 2048, &z, NULL), DCCD_OK);
    assert_true(b.len < 200000);
    uint32_t *lens = xmalloc(n * sizeof *lens);
    size_t used;
    dccd_error e;
    assert_int_equal(pq_delta_byte_array_decode(b.data, b.len, n, &out, lens, &used, &e), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "limit"));
    assert_true(out.cap < ((size_t)1 << 20));
    /* the first 1000 values are fine */
    dccd_buf_reset(&out);
    assert_int_equal(pq_delta_byte_array_decode(b.data, b.len, 1000, &out, lens, &used, &e), DCCD_OK);
    assert_int_equal(out.len, 1000 * 2048);
    assert_int_equal(lens[999], 2048);
    assert_int_equal(used, b.len);
    free(lens);
    free(pre);
    free(suf);
    dccd_buf_free(&b);
    dccd_buf_free(&out);
}

/* ---- BYTE_STREAM_SPLIT ------------------------------------------------------------------ */

static void test_bss(void **state)
{
    (void)state;
    /* layout: byte k of value i at k*n + i */
    const uint32_t v[2] = {0x04030201u, 0x08070605u};
    dccd_buf b = DCCD_BUF_INIT;
    assert_int_equal(pq_bss_encode(&b, v, 4, 2, NULL), DCCD_OK);
    const uint8_t expect[] = {1, 5, 2, 6, 3, 7, 4, 8};
    assert_int_equal(b.len, 8);
    assert_memory_equal(b.data, expect, 8);
    uint32_t o[2];
    assert_int_equal(pq_bss_decode(expect, 8, 4, 2, o, NULL), DCCD_OK);
    assert_int_equal(o[0], v[0]);
    assert_int_equal(o[1], v[1]);
    dccd_error e;
    assert_int_equal(pq_bss_decode(expect, 7, 4, 2, o, &e), DCCD_ECORRUPT);
    assert_int_equal(pq_bss_decode(expect, 8, 4, 1, o, &e), DCCD_ECORRUPT);
    assert_int_equal(pq_bss_decode(expect, 8, 4, SIZE_MAX / 2, o, &e), DCCD_ECORRUPT);

    const size_t widths[] = {1, 2, 3, 4, 8, 12, 16};
    uint64_t seed = 17;
    for (size_t wi = 0; wi < sizeof widths / sizeof widths[0]; wi++) {
        size_t w = widths[wi];
        for (size_t si = 0; si < NSIZES; si++) {
            size_t n = SIZES[si];
            if (n > 10000 && w != 4 && w != 8)
                continue;
            uint8_t *in = xmalloc(n * w), *out = xmalloc(n * w);
            for (size_t i = 0; i < n * w; i++)
                in[i] = (uint8_t)rnd(&seed);
            dccd_buf_reset(&b);
            assert_int_equal(pq_bss_encode(&b, in, w, n, NULL), DCCD_OK);
            assert_int_equal(b.len, n * w);
            /* spot-check the layout */
            if (n > 5)
                assert_int_equal(b.data[(w - 1) * n + 5], in[5 * w + w - 1]);
            assert_int_equal(pq_bss_decode(b.data, b.len, w, n, out, NULL), DCCD_OK);
            if (n)
                assert_memory_equal(out, in, n * w);
            free(in);
            free(out);
        }
    }
    dccd_buf_free(&b);
}

/* ---- mutated inputs: no decoder may crash or read out of bounds (ASan) ---------------- */

static void test_mutations(void **state)
{
    (void)state;
    uint64_t seed = 2024;
    enum { N = 300 };
    uint32_t v[N], o[N + 8];
    uint8_t o8[N + 8];
    int32_t o32[N];
    int64_t v64[N], o64[N];
    dccd_buf enc[5] = {DCCD_BUF_INIT, DCCD_BUF_INIT, DCCD_BUF_INIT, DCCD_BUF_INIT, DCCD_BUF_INIT};
    dccd_buf out = DCCD_BUF_INIT;
    gen_levels(v, N, 5, &seed);
    for (int i = 0; i < N; i++)
        v64[i] = (int64_t)(rnd(&seed) % 1000000);
    uint8_t *sd;
    int64_t *so;
    gen_strings(&sd, &so, N, &seed, 1);
    assert_int_equal(pq_rle_encode(&enc[0], v, N, 5, NULL), DCCD_OK);
    assert_int_equal(pq_delta_encode_i64(&enc[1], v64, N, NULL), DCCD_OK);
    assert_int_equal(pq_delta_length_encode(&enc[2], sd, so, N, NULL), DCCD_OK);
    assert_int_equal(pq_delta_byte_array_encode(&enc[3], sd, so, N, NULL), DCCD_OK);
    assert_int_equal(pq_plain_encode_byte_array(&enc[4], sd, so, N, NULL), DCCD_OK);
    uint32_t lens[N];
    size_t used;
    int ok = 0;
    for (int iter = 0; iter < 4000; iter++) {
        const dccd_buf *src = &enc[iter % 5];
        size_t len = src->len;
        if (rnd(&seed) % 4 == 0)
            len = (size_t)(rnd(&seed) % (len + 1));
        uint8_t *t = xmalloc(len);
        memcpy(t, src->data, len);
        int flips = 1 + (int)(rnd(&seed) % 4);
        for (int f = 0; f < flips && len; f++)
            t[rnd(&seed) % len] ^= (uint8_t)(1u << (rnd(&seed) % 8));
        dccd_buf_reset(&out);
        int rc;
        switch (iter % 5) {
        case 0:
            rc = pq_rle_decode(t, len, 5, o, N, NULL);
            (void)pq_rle_decode_u8(t, len, 5, o8, N, NULL);
            break;
        case 1:
            rc = pq_delta_decode_i64(t, len, N, o64, &used, NULL);
            (void)pq_delta_decode_i32(t, len, N, o32, &used, NULL);
            break;
        case 2: rc = pq_delta_length_decode(t, len, N, &out, lens, &used, NULL); break;
        case 3: rc = pq_delta_byte_array_decode(t, len, N, &out, lens, &used, NULL); break;
        default: rc = pq_plain_decode_byte_array(t, len, N, &out, lens, &used, NULL); break;
        }
        assert_true(rc == DCCD_OK || rc == DCCD_ECORRUPT);
        if (rc == DCCD_OK && iter % 5 >= 2)
            assert_true(used <= len);
        ok += rc == DCCD_OK;
        free(t);
    }
    printf("mutations: %d of 4000 still decoded\n", ok);
    for (int i = 0; i < 5; i++)
        dccd_buf_free(&enc[i]);
    dccd_buf_free(&out);
    free(sd);
    free(so);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bit_width),
        cmocka_unit_test(test_rle_spec_example),
        cmocka_unit_test(test_rle_roundtrip),
        cmocka_unit_test(test_rle_partial),
        cmocka_unit_test(test_rle_corrupt),
        cmocka_unit_test(test_rle_speed),
        cmocka_unit_test(test_plain_fixed_bool),
        cmocka_unit_test(test_plain_byte_array),
        cmocka_unit_test(test_delta_spec_examples),
        cmocka_unit_test(test_delta_roundtrip),
        cmocka_unit_test(test_delta_timestamps),
        cmocka_unit_test(test_delta_corrupt),
        cmocka_unit_test(test_delta_length),
        cmocka_unit_test(test_delta_byte_array),
        cmocka_unit_test(test_delta_byte_array_bomb),
        cmocka_unit_test(test_bss),
        cmocka_unit_test(test_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
