/*
 * tests/unit/test_codec.c - page codecs, CRC32 and the split-block bloom
 * filter (codec.h).
 *
 * Covers: round trips for every codec on empty, small, compressible and
 * incompressible data; every decompression size mismatch (one byte short,
 * one byte long) detected with the codec named in the message; truncated
 * and garbage inputs; concatenated gzip members and zlib-wrapped deflate;
 * the three LZ4 layouts (Hadoop framing with several frames, raw block, LZ4
 * frame); the CRC-32 check value; bloom filter layout from the spec, known
 * XXH64 values, no false negatives and the false-positive rate; and, when
 * the parquet-testing corpus is present, the parquet-mr bloom filter file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <lz4.h>
#include <lz4frame.h>
#include <zlib.h>

#include "common/common.h"
#include "parquet/codec.h"

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

static const dccd_pq_codec CODECS[] = {DCCD_PQ_UNCOMPRESSED, DCCD_PQ_SNAPPY, DCCD_PQ_GZIP, DCCD_PQ_BROTLI,
                                       DCCD_PQ_LZ4, DCCD_PQ_ZSTD, DCCD_PQ_LZ4_RAW};
static const char *const NAMES[] = {"uncompressed", "snappy", "gzip", "brotli", "lz4", "zstd", "lz4_raw"};
#define NCODECS (sizeof CODECS / sizeof CODECS[0])

/* compressible: text-like with repeats; incompressible: random bytes */
static uint8_t *make_input(size_t n, int random, uint64_t *seed)
{
    uint8_t *p = xmalloc(n);
    static const char words[] = "trade bid ask btc usdt 1700000000 price qty ";
    for (size_t i = 0; i < n; i++)
        p[i] = random ? (uint8_t)rnd(seed) : (uint8_t)words[(i * 7 + i / 13) % (sizeof words - 1)];
    return p;
}

static void test_roundtrip_all(void **state)
{
    (void)state;
    uint64_t seed = 123;
    const size_t sizes[] = {0, 1, 100, 65536, 1u << 20};
    dccd_buf c = DCCD_BUF_INIT;
    dccd_error e;
    for (size_t ci = 0; ci < NCODECS; ci++) {
        for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
            for (int random = 0; random <= 1; random++) {
                size_t n = sizes[si];
                uint8_t *in = make_input(n, random, &seed);
                uint8_t *out = xmalloc(n + 1);
                dccd_buf_reset(&c);
                /* prefix already in the buffer: compression appends */
                assert_int_equal(dccd_buf_append(&c, "PFX", 3, NULL), DCCD_OK);
                int rc = pq_compress(CODECS[ci], 0, in, n, &c, &e);
                if (rc)
                    fail_msg("%s compress: %s", NAMES[ci], e.msg);
                assert_memory_equal(c.data, "PFX", 3);
                const uint8_t *z = c.data + 3;
                size_t zl = c.len - 3;
                if (!random && n >= 65536 && CODECS[ci] != DCCD_PQ_UNCOMPRESSED)
                    assert_true(zl < n / 4);
                rc = pq_decompress(CODECS[ci], z, zl, out, n, &e);
                if (rc)
                    fail_msg("%s decompress n=%zu: %s", NAMES[ci], n, e.msg);
                if (n)
                    assert_memory_equal(out, in, n);
                /* size mismatches: one byte short and one byte long */
                if (n) {
                    rc = pq_decompress(CODECS[ci], z, zl, out, n - 1, &e);
                    if (rc != DCCD_ECORRUPT)
                        fail_msg("%s: short output (n=%zu) not detected", NAMES[ci], n);
                    assert_non_null(strstr(e.msg, NAMES[ci]));
                }
                rc = pq_decompress(CODECS[ci], z, zl, out, n + 1, &e);
                if (rc != DCCD_ECORRUPT)
                    fail_msg("%s: long output (n=%zu) not detected", NAMES[ci], n);
                assert_non_null(strstr(e.msg, NAMES[ci]));
                free(in);
                free(out);
            }
        }
    }
    dccd_buf_free(&c);
}

static void test_levels(void **state)
{
    (void)state;
    uint64_t seed = 5;
    size_t n = 200000;
    uint8_t *in = make_input(n, 0, &seed), *out = xmalloc(n);
    dccd_buf c = DCCD_BUF_INIT;
    dccd_error e;
    const struct { dccd_pq_codec codec; int level; } ok[] = {
        {DCCD_PQ_GZIP, 1}, {DCCD_PQ_GZIP, 9}, {DCCD_PQ_ZSTD, 1}, {DCCD_PQ_ZSTD, 19}, {DCCD_PQ_ZSTD, -5},
        {DCCD_PQ_BROTLI, 1}, {DCCD_PQ_BROTLI, 11}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        dccd_buf_reset(&c);
        assert_int_equal(pq_compress(ok[i].codec, ok[i].level, in, n, &c, &e), DCCD_OK);
        assert_int_equal(pq_decompress(ok[i].codec, c.data, c.len, out, n, &e), DCCD_OK);
        assert_memory_equal(out, in, n);
    }
    assert_int_equal(pq_compress(DCCD_PQ_GZIP, 10, in, n, &c, &e), DCCD_EINVAL);
    assert_int_equal(pq_compress(DCCD_PQ_ZSTD, 1000, in, n, &c, &e), DCCD_EINVAL);
    assert_int_equal(pq_compress(DCCD_PQ_BROTLI, 12, in, n, &c, &e), DCCD_EINVAL);
    assert_int_equal(pq_compress(DCCD_PQ_LZO, 0, in, n, &c, &e), DCCD_EUNSUPPORTED);
    assert_int_equal(pq_decompress(DCCD_PQ_LZO, in, 10, out, 10, &e), DCCD_EUNSUPPORTED);
    assert_non_null(strstr(e.msg, "lzo"));
    assert_int_equal(pq_decompress((dccd_pq_codec)42, in, 10, out, 10, &e), DCCD_EUNSUPPORTED);
    /* the gzip output is a gzip member (magic 1f 8b) */
    dccd_buf_reset(&c);
    assert_int_equal(pq_compress(DCCD_PQ_GZIP, 0, in, 100, &c, NULL), DCCD_OK);
    assert_int_equal(c.data[0], 0x1f);
    assert_int_equal(c.data[1], 0x8b);
    free(in);
    free(out);
    dccd_buf_free(&c);
}

static void test_corrupt_inputs(void **state)
{
    (void)state;
    uint64_t seed = 77;
    size_t n = 5000;
    uint8_t *in = make_input(n, 0, &seed), *out = xmalloc(n);
    dccd_buf c = DCCD_BUF_INIT;
    dccd_error e;
    for (size_t ci = 1; ci < NCODECS; ci++) {
        dccd_buf_reset(&c);
        assert_int_equal(pq_compress(CODECS[ci], 0, in, n, &c, NULL), DCCD_OK);
        /* truncations at a few points, each copied to a tight buffer */
        const size_t cuts[] = {0, 1, c.len / 2, c.len - 1};
        for (size_t k = 0; k < 4; k++) {
            uint8_t *t = xmalloc(cuts[k]);
            memcpy(t, c.data, cuts[k]);
            int rc = pq_decompress(CODECS[ci], t, cuts[k], out, n, &e);
            if (rc != DCCD_ECORRUPT)
                fail_msg("%s: truncation to %zu of %zu not detected (rc %d)", NAMES[ci], cuts[k], c.len, rc);
            free(t);
        }
        /* garbage */
        uint8_t junk[300];
        for (size_t i = 0; i < sizeof junk; i++)
            junk[i] = (uint8_t)rnd(&seed);
        assert_int_equal(pq_decompress(CODECS[ci], junk, sizeof junk, out, n, &e), DCCD_ECORRUPT);
        assert_non_null(strstr(e.msg, NAMES[ci]));
    }
    /* uncompressed: size must match */
    assert_int_equal(pq_decompress(DCCD_PQ_UNCOMPRESSED, in, 10, out, 11, &e), DCCD_ECORRUPT);
    free(in);
    free(out);
    dccd_buf_free(&c);
}

static void test_gzip_members(void **state)
{
    (void)state;
    uint64_t seed = 3;
    size_t n = 300000;
    uint8_t *in = make_input(n, 0, &seed), *out = xmalloc(n);
    dccd_buf c = DCCD_BUF_INIT;
    dccd_error e;
    /* three members: [0, 1000) [1000, 1000) (empty) [1000, n) */
    assert_int_equal(pq_compress(DCCD_PQ_GZIP, 0, in, 1000, &c, NULL), DCCD_OK);
    assert_int_equal(pq_compress(DCCD_PQ_GZIP, 0, in + 1000, 0, &c, NULL), DCCD_OK);
    assert_int_equal(pq_compress(DCCD_PQ_GZIP, 0, in + 1000, n - 1000, &c, NULL), DCCD_OK);
    int rc = pq_decompress(DCCD_PQ_GZIP, c.data, c.len, out, n, &e);
    if (rc)
        fail_msg("%s", e.msg);
    assert_memory_equal(out, in, n);
    assert_int_equal(pq_decompress(DCCD_PQ_GZIP, c.data, c.len, out, n - 1, &e), DCCD_ECORRUPT);
    assert_int_equal(pq_decompress(DCCD_PQ_GZIP, c.data, c.len - 3, out, n, &e), DCCD_ECORRUPT);
    /* garbage after the last member */
    assert_int_equal(dccd_buf_append(&c, "junk", 4, NULL), DCCD_OK);
    assert_int_equal(pq_decompress(DCCD_PQ_GZIP, c.data, c.len, out, n, &e), DCCD_ECORRUPT);
    /* a zlib stream (not gzip) is detected too */
    uLongf zl = compressBound((uLong)n);
    uint8_t *z = xmalloc(zl);
    assert_int_equal(compress2(z, &zl, in, (uLong)n, 6), Z_OK);
    assert_int_equal(pq_decompress(DCCD_PQ_GZIP, z, zl, out, n, &e), DCCD_OK);
    assert_memory_equal(out, in, n);
    free(z);
    free(in);
    free(out);
    dccd_buf_free(&c);
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void test_lz4_layouts(void **state)
{
    (void)state;
    uint64_t seed = 8;
    size_t n = 100000;
    uint8_t *in = make_input(n, 0, &seed), *out = xmalloc(n);
    dccd_error e;
    int bound = LZ4_compressBound((int)n);
    uint8_t *buf = xmalloc((size_t)bound * 2 + 64);

    /* our LZ4 output is Hadoop framed: [n BE][csize BE][block] */
    dccd_buf c = DCCD_BUF_INIT;
    assert_int_equal(pq_compress(DCCD_PQ_LZ4, 0, in, n, &c, NULL), DCCD_OK);
    assert_true(c.len > 8);
    assert_int_equal(dccd_load_u32le(c.data) , (uint32_t)__builtin_bswap32((uint32_t)n));
    assert_int_equal(c.len - 8, __builtin_bswap32(dccd_load_u32le(c.data + 4)));

    /* Hadoop framing with three frames, built here with the lz4 block API */
    size_t pos = 0, parts[4] = {0, 30000, 30001, n};
    for (int k = 0; k < 3; k++) {
        size_t ul = parts[k + 1] - parts[k];
        int cl = LZ4_compress_default((const char *)in + parts[k], (char *)buf + pos + 8, (int)ul, bound);
        assert_true(cl > 0);
        put_be32(buf + pos, (uint32_t)ul);
        put_be32(buf + pos + 4, (uint32_t)cl);
        pos += 8 + (size_t)cl;
    }
    int rc = pq_decompress(DCCD_PQ_LZ4, buf, pos, out, n, &e);
    if (rc)
        fail_msg("%s", e.msg);
    assert_memory_equal(out, in, n);
    assert_int_equal(pq_decompress(DCCD_PQ_LZ4, buf, pos, out, n - 1, &e), DCCD_ECORRUPT);

    /* raw block (what some writers produce for LZ4) */
    int cl = LZ4_compress_default((const char *)in, (char *)buf, (int)n, bound);
    assert_true(cl > 0);
    memset(out, 0, n);
    assert_int_equal(pq_decompress(DCCD_PQ_LZ4, buf, (size_t)cl, out, n, &e), DCCD_OK);
    assert_memory_equal(out, in, n);
    assert_int_equal(pq_decompress(DCCD_PQ_LZ4_RAW, buf, (size_t)cl, out, n, &e), DCCD_OK);
    assert_int_equal(pq_decompress(DCCD_PQ_LZ4, buf, (size_t)cl, out, n + 1, &e), DCCD_ECORRUPT);

    /* LZ4 frame format */
    size_t fb = LZ4F_compressFrameBound(n, NULL);
    uint8_t *f = xmalloc(fb);
    size_t fl = LZ4F_compressFrame(f, fb, in, n, NULL);
    assert_false(LZ4F_isError(fl));
    memset(out, 0, n);
    rc = pq_decompress(DCCD_PQ_LZ4, f, fl, out, n, &e);
    if (rc)
        fail_msg("%s", e.msg);
    assert_memory_equal(out, in, n);
    assert_int_equal(pq_decompress(DCCD_PQ_LZ4, f, fl, out, n - 1, &e), DCCD_ECORRUPT);
    assert_int_equal(pq_decompress(DCCD_PQ_LZ4, f, fl, out, n + 1, &e), DCCD_ECORRUPT);
    assert_int_equal(pq_decompress(DCCD_PQ_LZ4, f, fl - 1, out, n, &e), DCCD_ECORRUPT);
    free(f);
    free(buf);
    free(in);
    free(out);
    dccd_buf_free(&c);
}

static void test_crc32(void **state)
{
    (void)state;
    /* the CRC-32/ISO-HDLC check value */
    assert_int_equal(pq_crc32(0, (const uint8_t *)"123456789", 9), 0xCBF43926u);
    /* incremental */
    uint32_t a = pq_crc32(0, (const uint8_t *)"1234", 4);
    assert_int_equal(pq_crc32(a, (const uint8_t *)"56789", 5), 0xCBF43926u);
    assert_int_equal(pq_crc32(0, NULL, 0), 0);
}

/* ---- bloom filter ------------------------------------------------------------------ */

static void test_bloom_hash_and_size(void **state)
{
    (void)state;
    /* XXH64 reference values (seed 0) */
    assert_true(pq_bloom_hash("", 0) == UINT64_C(0xEF46DB3751D8E999));
    assert_true(pq_bloom_hash(NULL, 0) == UINT64_C(0xEF46DB3751D8E999));
    assert_true(pq_bloom_hash("a", 1) == UINT64_C(0xD24EC4F1A98C6E5B));
    assert_true(pq_bloom_hash("abc", 3) == UINT64_C(0x44BC2CF5AD770999));

    assert_int_equal(pq_bloom_size(0, 0.01), PQ_BLOOM_MIN_BYTES);
    assert_int_equal(pq_bloom_size(1, 0.5), PQ_BLOOM_MIN_BYTES);
    assert_int_equal(pq_bloom_size((size_t)1 << 40, 0.001), PQ_BLOOM_MAX_BYTES);
    size_t prev = 0;
    const size_t ndvs[] = {10, 1000, 100000, 1000000, 10000000};
    for (size_t i = 0; i < 5; i++) {
        size_t s = pq_bloom_size(ndvs[i], 0.01);
        assert_true((s & (s - 1)) == 0);
        assert_true(s >= prev);
        prev = s;
        /* at least the optimal size, less than twice it */
        double opt = -8.0 * (double)ndvs[i] / log(1.0 - pow(0.01, 0.125)) / 8.0;
        if (opt > PQ_BLOOM_MIN_BYTES) {
            assert_true((double)s >= opt);
            assert_true((double)s < 2 * opt);
        }
    }
    /* 1M values at 1%: about 1.2 MB -> 2 MiB */
    assert_int_equal(pq_bloom_size(1000000, 0.01), 2u << 20);
    assert_true(pq_bloom_size(1000000, 0.0001) > pq_bloom_size(1000000, 0.01));
}

static void test_bloom_layout(void **state)
{
    (void)state;
    static const uint32_t salt[8] = {0x47b6137b, 0x44974d91, 0x8824ad5b, 0xa2b7289d,
                                     0x705495c7, 0x2df1424b, 0x9efc4947, 0x5c6bfb31};
    uint8_t bits[64];
    memset(bits, 0, sizeof bits);
    /* high half 0x80000000 with 2 blocks -> block 1; low half x = 3 */
    uint64_t h = (UINT64_C(0x80000000) << 32) | 3;
    pq_bloom_insert(bits, sizeof bits, h);
    for (int i = 0; i < 32; i++)
        assert_int_equal(bits[i], 0);
    for (int i = 0; i < 8; i++) {
        uint32_t want = 1u << ((3u * salt[i]) >> 27);
        uint32_t got = (uint32_t)bits[32 + 4 * i] | (uint32_t)bits[32 + 4 * i + 1] << 8 |
                       (uint32_t)bits[32 + 4 * i + 2] << 16 | (uint32_t)bits[32 + 4 * i + 3] << 24;
        assert_int_equal(got, want);
    }
    assert_int_equal(pq_bloom_contains(bits, sizeof bits, h), 1);
    assert_int_equal(pq_bloom_contains(bits, sizeof bits, (UINT64_C(0x7fffffff) << 32) | 3), 0); /* block 0 */
    /* a filter smaller than one block answers "maybe" */
    assert_int_equal(pq_bloom_contains(bits, 16, 12345), 1);
}

static void test_bloom_fpp(void **state)
{
    (void)state;
    const size_t ndv = 10000;
    const double fpp = 0.01;
    size_t nb = pq_bloom_size(ndv, fpp);
    uint8_t *bits = calloc(1, nb);
    assert_non_null(bits);
    char key[32];
    for (size_t i = 0; i < ndv; i++) {
        int l = snprintf(key, sizeof key, "in-%zu", i);
        pq_bloom_insert(bits, nb, pq_bloom_hash(key, (size_t)l));
    }
    for (size_t i = 0; i < ndv; i++) {
        int l = snprintf(key, sizeof key, "in-%zu", i);
        assert_int_equal(pq_bloom_contains(bits, nb, pq_bloom_hash(key, (size_t)l)), 1);
    }
    size_t fp = 0, probes = 100000;
    for (size_t i = 0; i < probes; i++) {
        int l = snprintf(key, sizeof key, "out-%zu", i);
        fp += (size_t)pq_bloom_contains(bits, nb, pq_bloom_hash(key, (size_t)l));
    }
    double rate = (double)fp / (double)probes;
    printf("bloom: %zu bytes, fpp %.4f (target %.2f)\n", nb, rate, fpp);
    assert_true(rate <= 2 * fpp);
    /* int64 keys hashed as 8 little-endian bytes, as Parquet does */
    memset(bits, 0, nb);
    for (int64_t v = -5000; v < 5000; v++) {
        uint8_t le[8];
        dccd_store_u64le(le, (uint64_t)v);
        pq_bloom_insert(bits, nb, pq_bloom_hash(le, 8));
    }
    for (int64_t v = -5000; v < 5000; v++) {
        uint8_t le[8];
        dccd_store_u64le(le, (uint64_t)v);
        assert_int_equal(pq_bloom_contains(bits, nb, pq_bloom_hash(le, 8)), 1);
    }
    free(bits);
}

/* data/bloom_filter.xxhash.bin: a thrift BloomFilterHeader (field 1, i32
 * numBytes, comes first) followed by numBytes of bitset; the bitset holds
 * "hello", "parquet", "bloom", "filter" (parquet-testing README). */
static void test_bloom_corpus(void **state)
{
    (void)state;
    const char *dir = getenv("PARQUET_TEST_DATA");
    char path[4096];
    if (!dir || !*dir) {
        printf("SKIPPED: corpus absent\n");
        skip();
    }
    snprintf(path, sizeof path, "%s/data/bloom_filter.xxhash.bin", dir);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        printf("SKIPPED: corpus absent\n");
        skip();
    }
    uint8_t buf[1 << 16];
    size_t len = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    assert_true(len > 2);
    /* field header 0x15: delta 1, type i32; then a zigzag varint */
    assert_int_equal(buf[0], 0x15);
    uint64_t v = 0;
    size_t i = 1;
    int shift = 0;
    while (i < len && (buf[i] & 0x80)) {
        v |= (uint64_t)(buf[i] & 0x7f) << shift;
        shift += 7;
        i++;
    }
    assert_true(i < len);
    v |= (uint64_t)buf[i] << shift;
    uint64_t nbytes = (v >> 1) ^ (0 - (v & 1));
    assert_true(nbytes >= 32 && nbytes < len);
    const uint8_t *bits = buf + len - nbytes;
    const char *words[] = {"hello", "parquet", "bloom", "filter"};
    for (int k = 0; k < 4; k++)
        assert_int_equal(pq_bloom_contains(bits, (size_t)nbytes, pq_bloom_hash(words[k], strlen(words[k]))), 1);
    /* and most other words are absent */
    int absent = 0;
    char key[32];
    for (int k = 0; k < 100; k++) {
        int l = snprintf(key, sizeof key, "nope-%d", k);
        absent += !pq_bloom_contains(bits, (size_t)nbytes, pq_bloom_hash(key, (size_t)l));
    }
    assert_true(absent > 90);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_all),
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_corrupt_inputs),
        cmocka_unit_test(test_gzip_members),
        cmocka_unit_test(test_lz4_layouts),
        cmocka_unit_test(test_crc32),
        cmocka_unit_test(test_bloom_hash_and_size),
        cmocka_unit_test(test_bloom_layout),
        cmocka_unit_test(test_bloom_fpp),
        cmocka_unit_test(test_bloom_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
