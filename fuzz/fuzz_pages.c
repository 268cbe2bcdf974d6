/*
 * fuzz/fuzz_pages.c - libFuzzer target: page headers and every value
 * decoder and codec, driven through the internal headers
 * (src/parquet/meta.h, encoding.h, codec.h).
 *
 * Input layout: byte 0 selects the mode, the next bytes give parameters
 * (bit width, value count, codec, output size), and the rest is the
 * encoded payload, copied into an exactly-sized heap buffer so that a read
 * one byte past it is an ASan report.  Modes:
 *    0  Thrift structs: PageHeader, BloomFilterHeader, ColumnIndex,
 *       OffsetIndex, ColumnMetaData decoders on the payload
 *    1  RLE/bit-packed hybrid into uint32 and into bytes
 *    2  legacy BIT_PACKED levels
 *    3  PLAIN: fixed width, BOOLEAN, BYTE_ARRAY
 *    4  DELTA_BINARY_PACKED, INT32 and INT64, and its header count
 *    5  DELTA_LENGTH_BYTE_ARRAY
 *    6  DELTA_BYTE_ARRAY
 *    7  BYTE_STREAM_SPLIT
 *    8  a codec's decompressor (codec and uncompressed size from the input)
 *    9  encoder -> decoder round trips (values from the payload); a
 *       mismatch is a crash
 *   10  split-block bloom filter: insert then probe
 * The dictionary page and dictionary-index path (RLE indices with the
 * leading width byte, range checks) lives in page_read.c and is reached
 * through fuzz_reader.  Value counts are capped at 65536 so one run stays
 * fast; every decoder must report consumed <= len.
 */
#include <string.h>

#include "fuzz_util.h"
#include "parquet/codec.h"
#include "parquet/encoding.h"
#include "parquet/meta.h"

#define MAX_N 65536u

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        abort();
    return p;
}

static void mode_thrift(const uint8_t *b, size_t len)
{
    dccd_error err = {0};
    dccd_arena arena;
    dccd_arena_init(&arena, 16u * 1024u * 1024u);
    pq_page_header h;
    size_t used = 0;
    int rc = pq_decode_page_header(b, len, &arena, &h, &used, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc == DCCD_OK)
        FUZZ_CHECK(used <= len);
    pq_bloom_header bh;
    err = (dccd_error){0};
    rc = pq_decode_bloom_header(b, len, &bh, &used, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc == DCCD_OK)
        FUZZ_CHECK(used <= len);
    pq_column_index ci;
    err = (dccd_error){0};
    rc = pq_decode_column_index(b, len, &arena, &ci, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc == DCCD_OK) {
        unsigned s = 0;
        for (size_t i = 0; i < ci.n_pages; i++) {
            s += ci.null_pages[i];
            for (size_t j = 0; ci.min_values[i].p && j < ci.min_values[i].n; j++)
                s += ci.min_values[i].p[j];
            for (size_t j = 0; ci.max_values[i].p && j < ci.max_values[i].n; j++)
                s += ci.max_values[i].p[j];
            if (ci.null_counts)
                s += (unsigned)ci.null_counts[i];
        }
        volatile unsigned sink = s;
        (void)sink;
    }
    pq_offset_index oi;
    err = (dccd_error){0};
    rc = pq_decode_offset_index(b, len, &arena, &oi, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc == DCCD_OK && oi.n_pages) {
        volatile int64_t sink = oi.pages[oi.n_pages - 1].offset;
        (void)sink;
    }
    pq_column_meta cm;
    err = (dccd_error){0};
    rc = pq_decode_column_meta(b, len, &arena, &cm, &err);
    FUZZ_ERR_OK(rc, err);
    dccd_arena_free(&arena);
}

static void mode_rle(fuzz_in *in, int legacy)
{
    int bw = fuzz_u8(in) % 34;  /* 33 must be refused */
    size_t n = fuzz_u32(in) % (MAX_N + 1);
    size_t len;
    uint8_t *b = fuzz_rest_copy(in, &len);
    dccd_error err = {0};
    uint8_t *o8 = xcalloc(n, 1);
    if (legacy) {
        int rc = pq_bitpacked_legacy_decode_u8(b, len, bw % 10, o8, n, &err);
        FUZZ_ERR_OK(rc, err);
    } else {
        uint32_t *o = xcalloc(n, sizeof *o);
        int rc = pq_rle_decode(b, len, bw, o, n, &err);
        FUZZ_ERR_OK(rc, err);
        if (rc == DCCD_OK && bw < 32)
            for (size_t i = 0; i < n; i++)
                FUZZ_CHECK(o[i] >> bw == 0);
        free(o);
        err = (dccd_error){0};
        rc = pq_rle_decode_u8(b, len, bw % 10, o8, n, &err);
        FUZZ_ERR_OK(rc, err);
    }
    free(o8);
    free(b);
}

static void mode_plain(fuzz_in *in)
{
    static const size_t widths[] = {1, 4, 8, 12, 2, 3, 16, 7};
    size_t w = widths[fuzz_u8(in) % 8];
    size_t n = fuzz_u32(in) % (MAX_N + 1);
    size_t len, used = 0;
    uint8_t *b = fuzz_rest_copy(in, &len);
    dccd_error err = {0};
    uint8_t *o = xcalloc(n, w);
    int rc = pq_plain_decode_fixed(b, len, w, n, o, &used, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc == DCCD_OK)
        FUZZ_CHECK(used <= len);
    err = (dccd_error){0};
    rc = pq_plain_decode_bool(b, len, n, o, &used, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc == DCCD_OK) {
        FUZZ_CHECK(used <= len);
        for (size_t i = 0; i < n; i++)
            FUZZ_CHECK(o[i] <= 1);
    }
    free(o);
    dccd_buf data = DCCD_BUF_INIT;
    uint32_t *lens = xcalloc(n, sizeof *lens);
    err = (dccd_error){0};
    rc = pq_plain_decode_byte_array(b, len, n, &data, lens, &used, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc == DCCD_OK) {
        size_t tot = 0;
        for (size_t i = 0; i < n; i++)
            tot += lens[i];
        FUZZ_CHECK(used <= len && tot == data.len);
    }
    free(lens);
    dccd_buf_free(&data);
    free(b);
}

static void mode_delta(fuzz_in *in)
{
    size_t n = fuzz_u32(in) % (MAX_N + 1);
    size_t len, used = 0, count = 0;
    uint8_t *b = fuzz_rest_copy(in, &len);
    dccd_error err = {0};
    int rc = pq_delta_count(b, len, &count, &err);
    FUZZ_ERR_OK(rc, err);
    int32_t *o32 = xcalloc(n, sizeof *o32);
    int64_t *o64 = xcalloc(n, sizeof *o64);
    err = (dccd_error){0};
    rc = pq_delta_decode_i32(b, len, n, o32, &used, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc == DCCD_OK)
        FUZZ_CHECK(used <= len);
    err = (dccd_error){0};
    rc = pq_delta_decode_i64(b, len, n, o64, &used, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc == DCCD_OK)
        FUZZ_CHECK(used <= len);
    free(o32);
    free(o64);
    free(b);
}

static void mode_delta_bytes(fuzz_in *in, int dba)
{
    size_t n = fuzz_u32(in) % (MAX_N + 1);
    size_t len, used = 0;
    uint8_t *b = fuzz_rest_copy(in, &len);
    dccd_error err = {0};
    dccd_buf data = DCCD_BUF_INIT;
    uint32_t *lens = xcalloc(n, sizeof *lens);
    int rc = dba ? pq_delta_byte_array_decode(b, len, n, &data, lens, &used, &err)
                 : pq_delta_length_decode(b, len, n, &data, lens, &used, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc == DCCD_OK) {
        size_t tot = 0;
        for (size_t i = 0; i < n; i++)
            tot += lens[i];
        FUZZ_CHECK(used <= len && tot == data.len);
    }
    free(lens);
    dccd_buf_free(&data);
    free(b);
}

static void mode_bss(fuzz_in *in)
{
    size_t w = fuzz_u8(in) % 17;  /* 0 must be refused */
    size_t n = fuzz_u32(in) % (MAX_N + 1);
    size_t len;
    uint8_t *b = fuzz_rest_copy(in, &len);
    dccd_error err = {0};
    uint8_t *o = xcalloc(n, w);
    int rc = pq_bss_decode(b, len, w, n, o, &err);
    FUZZ_ERR_OK(rc, err);
    if (w && len % w == 0) {  /* the natural count: every byte used */
        uint8_t *o2 = xcalloc(len / w, w);
        err = (dccd_error){0};
        rc = pq_bss_decode(b, len, w, len / w, o2, &err);
        FUZZ_ERR_OK(rc, err);
        free(o2);
    }
    free(o);
    free(b);
}

static void mode_decompress(fuzz_in *in)
{
    dccd_pq_codec codec = (dccd_pq_codec)(fuzz_u8(in) % 9);
    size_t dst_len = fuzz_u32(in) % (1u << 20);
    size_t len;
    uint8_t *b = fuzz_rest_copy(in, &len);
    uint8_t *dst = malloc(dst_len ? dst_len : 1);
    if (!dst)
        abort();
    dccd_error err = {0};
    int rc = pq_decompress(codec, b, len, dst, dst_len, &err);
    FUZZ_ERR_OK(rc, err);
    free(dst);
    free(b);
}

/* Split the payload into byte-array values: each value's length is one
 * byte of the input (mod 17), then that many bytes. */
static size_t split_values(const uint8_t *b, size_t len, int64_t *offs, uint8_t *data, size_t max)
{
    size_t n = 0, p = 0, d = 0;
    offs[0] = 0;
    while (p < len && n < max) {
        size_t l = b[p++] % 17u;
        if (l > len - p)
            l = len - p;
        memcpy(data + d, b + p, l);
        p += l;
        d += l;
        offs[++n] = (int64_t)d;
    }
    return n;
}

static void mode_roundtrip(fuzz_in *in)
{
    int which = fuzz_u8(in) % 7;
    int level = fuzz_u8(in) % 4;
    size_t len;
    uint8_t *b = fuzz_rest_copy(in, &len);
    dccd_buf enc = DCCD_BUF_INIT, data = DCCD_BUF_INIT;
    dccd_error err = {0};
    size_t used = 0;
    int rc;
    switch (which) {
    case 0: {  /* DELTA_BINARY_PACKED INT32 */
        size_t n = len / 4;
        int32_t *v = xcalloc(n, 4), *o = xcalloc(n, 4);
        if (n)
            memcpy(v, b, n * 4);
        FUZZ_CHECK(pq_delta_encode_i32(&enc, v, n, &err) == DCCD_OK);
        rc = pq_delta_decode_i32(enc.data, enc.len, n, o, &used, &err);
        FUZZ_CHECK(rc == DCCD_OK && used <= enc.len);
        FUZZ_CHECK(n == 0 || memcmp(v, o, n * 4) == 0);
        free(v);
        free(o);
        break;
    }
    case 1: {  /* DELTA_BINARY_PACKED INT64 */
        size_t n = len / 8;
        int64_t *v = xcalloc(n, 8), *o = xcalloc(n, 8);
        if (n)
            memcpy(v, b, n * 8);
        FUZZ_CHECK(pq_delta_encode_i64(&enc, v, n, &err) == DCCD_OK);
        rc = pq_delta_decode_i64(enc.data, enc.len, n, o, &used, &err);
        FUZZ_CHECK(rc == DCCD_OK && used <= enc.len);
        FUZZ_CHECK(n == 0 || memcmp(v, o, n * 8) == 0);
        free(v);
        free(o);
        break;
    }
    case 2: {  /* RLE hybrid, width from the data */
        size_t n = len / 4;
        int bw = level * 8 + 1;  /* 1, 9, 17, 25 */
        uint32_t *v = xcalloc(n, 4), *o = xcalloc(n, 4);
        for (size_t i = 0; i < n; i++) {
            uint32_t x = dccd_load_u32le(b + 4 * i);
            if (b[4 * i] & 1)  /* make runs likely */
                x = i ? v[i - 1] : 0;
            v[i] = x & ((UINT32_C(1) << bw) - 1);
        }
        FUZZ_CHECK(pq_rle_encode(&enc, v, n, bw, &err) == DCCD_OK);
        FUZZ_CHECK(pq_rle_decode(enc.data, enc.len, bw, o, n, &err) == DCCD_OK);
        FUZZ_CHECK(n == 0 || memcmp(v, o, n * 4) == 0);
        free(v);
        free(o);
        break;
    }
    case 3: {  /* BYTE_STREAM_SPLIT */
        size_t w = (size_t)level * 4 + 4;  /* 4, 8, 12, 16 */
        size_t n = len / w;
        uint8_t *o = xcalloc(n, w);
        FUZZ_CHECK(pq_bss_encode(&enc, b, w, n, &err) == DCCD_OK);
        FUZZ_CHECK(enc.len == n * w);
        FUZZ_CHECK(pq_bss_decode(enc.data, enc.len, w, n, o, &err) == DCCD_OK);
        FUZZ_CHECK(n == 0 || memcmp(b, o, n * w) == 0);
        free(o);
        break;
    }
    case 4:
    case 5: {  /* PLAIN / DELTA_LENGTH / DELTA_BYTE_ARRAY byte arrays */
        int64_t *offs = xcalloc(len + 1, sizeof *offs);
        uint8_t *vals = xcalloc(len, 1);
        size_t n = split_values(b, len, offs, vals, len);
        uint32_t *lens = xcalloc(n, sizeof *lens);
        int kind = which == 4 ? level % 3 : 2;
        if (kind == 0)
            rc = pq_plain_encode_byte_array(&enc, vals, offs, n, &err);
        else if (kind == 1)
            rc = pq_delta_length_encode(&enc, vals, offs, n, &err);
        else
            rc = pq_delta_byte_array_encode(&enc, vals, offs, n, &err);
        FUZZ_CHECK(rc == DCCD_OK);
        if (kind == 0)
            rc = pq_plain_decode_byte_array(enc.data, enc.len, n, &data, lens, &used, &err);
        else if (kind == 1)
            rc = pq_delta_length_decode(enc.data, enc.len, n, &data, lens, &used, &err);
        else
            rc = pq_delta_byte_array_decode(enc.data, enc.len, n, &data, lens, &used, &err);
        FUZZ_CHECK(rc == DCCD_OK && used <= enc.len);
        FUZZ_CHECK(data.len == (size_t)offs[n]);
        for (size_t i = 0; i < n; i++)
            FUZZ_CHECK(lens[i] == (uint32_t)(offs[i + 1] - offs[i]));
        FUZZ_CHECK(n == 0 || data.len == 0 || memcmp(data.data, vals, data.len) == 0);
        free(offs);
        free(vals);
        free(lens);
        break;
    }
    default: {  /* every codec: compress then decompress */
        static const dccd_pq_codec codecs[] = {DCCD_PQ_UNCOMPRESSED, DCCD_PQ_SNAPPY, DCCD_PQ_GZIP,
                                               DCCD_PQ_BROTLI, DCCD_PQ_LZ4_RAW, DCCD_PQ_ZSTD};
        dccd_pq_codec c = codecs[(b && len ? b[0] : 0) % 6];
        FUZZ_CHECK(pq_compress(c, level, b, len, &enc, &err) == DCCD_OK);
        uint8_t *o = malloc(len ? len : 1);
        if (!o)
            abort();
        rc = pq_decompress(c, enc.data ? enc.data : (const uint8_t *)"", enc.len, o, len, &err);
        if (rc != DCCD_OK)
            fprintf(stderr, "decompress %d: %s\n", (int)c, err.msg);
        FUZZ_CHECK(rc == DCCD_OK);
        FUZZ_CHECK(len == 0 || memcmp(o, b, len) == 0);
        free(o);
        break;
    }
    }
    dccd_buf_free(&enc);
    dccd_buf_free(&data);
    free(b);
}

static void mode_bloom(fuzz_in *in)
{
    uint64_t h1 = fuzz_u64(in);
    size_t len;
    uint8_t *b = fuzz_rest_copy(in, &len);
    size_t nbytes = len & ~(size_t)31;
    if (nbytes >= PQ_BLOOM_MIN_BYTES) {
        (void)pq_bloom_contains(b, nbytes, h1);
        pq_bloom_insert(b, nbytes, h1);
        FUZZ_CHECK(pq_bloom_contains(b, nbytes, h1) == 1);
        uint64_t h2 = pq_bloom_hash(b, len);
        pq_bloom_insert(b, nbytes, h2);
        FUZZ_CHECK(pq_bloom_contains(b, nbytes, h2) == 1);
    }
    free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = {data, size};
    int mode = fuzz_u8(&in) % 11;
    switch (mode) {
    case 0: {
        size_t len;
        uint8_t *b = fuzz_rest_copy(&in, &len);
        mode_thrift(b, len);
        free(b);
        break;
    }
    case 1: mode_rle(&in, 0); break;
    case 2: mode_rle(&in, 1); break;
    case 3: mode_plain(&in); break;
    case 4: mode_delta(&in); break;
    case 5: mode_delta_bytes(&in, 0); break;
    case 6: mode_delta_bytes(&in, 1); break;
    case 7: mode_bss(&in); break;
    case 8: mode_decompress(&in); break;
    case 9: mode_roundtrip(&in); break;
    default: mode_bloom(&in); break;
    }
    return 0;
}
