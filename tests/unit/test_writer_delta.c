/*
 * tests/unit/test_writer_delta.c - the writer's DELTA_BINARY_PACKED pages
 * for INT32 columns keep every miniblock bit width <= 32 and the block
 * min delta inside int32, as the spec's modulo-2^32 arithmetic allows and
 * readers such as pyarrow require (arrow refuses a width of 33 for INT32),
 * even for extreme values (INT32_MIN / INT32_MAX alternating, whose true
 * deltas need 33 bits).
 *
 * The pages are taken apart here by hand, independently of the library's
 * decoder: the file is written uncompressed to a temporary file, the data
 * page headers are found through the footer (dccd_pq_chunk) and the
 * internal page-header decoder, and the DELTA header, block min deltas
 * and width bytes are parsed with a local ULEB128 reader.  The values are
 * also read back through the public reader and compared.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/common.h"
#include "dccd/parquet.h"
#include "parquet/encoding.h"
#include "parquet/meta.h"

/* ULEB128 at *p (bounded by end); fails the test when truncated. */
static uint64_t uleb(const uint8_t **p, const uint8_t *end)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        assert_true(*p < end);
        uint8_t b = *(*p)++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
    fail_msg("ULEB128 longer than 10 bytes");
    return 0;
}

static int64_t unzig(uint64_t v)
{
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* Walk one DELTA_BINARY_PACKED stream of `expect` values; check every
 * width <= 32 and every min delta inside int32.  Returns the number of
 * bytes the stream used and the largest width seen. */
static size_t check_stream(const uint8_t *s, size_t len, uint64_t expect, int *max_width)
{
    const uint8_t *p = s, *end = s + len;
    uint64_t block = uleb(&p, end), mbs = uleb(&p, end), total = uleb(&p, end);
    int64_t first = unzig(uleb(&p, end));
    assert_true(block > 0 && block % 128 == 0);
    assert_true(mbs > 0 && block % mbs == 0 && (block / mbs) % 32 == 0);
    assert_int_equal(total, expect);
    assert_true(first >= INT32_MIN && first <= INT32_MAX);
    uint64_t per_mb = block / mbs, remaining = total ? total - 1 : 0;
    while (remaining > 0) {
        int64_t min = unzig(uleb(&p, end));
        assert_true(min >= INT32_MIN && min <= INT32_MAX);
        assert_true((size_t)(end - p) >= mbs);
        const uint8_t *w = p;
        p += mbs;
        for (uint64_t m = 0; m < mbs; m++) {
            if (remaining == 0)
                break;  /* widths of unused miniblocks: present, no data */
            if (w[m] > 32)
                fail_msg("INT32 miniblock width %d > 32", w[m]);
            if (w[m] > *max_width)
                *max_width = w[m];
            size_t bytes = (size_t)(per_mb / 8 * w[m]);
            assert_true((size_t)(end - p) >= bytes);
            p += bytes;
            remaining -= remaining < per_mb ? remaining : per_mb;
        }
    }
    return (size_t)(p - s);
}

/* Write vals as one required INT32 DELTA column (uncompressed, v1 or v2
 * pages), check every data page's stream, read the column back. */
static void write_and_check(const int32_t *vals, size_t n, bool v2, int *max_width)
{
    char path[] = "/tmp/dccd-test-delta-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    dccd_error e = {0};
    dccd_pq_field f = {.name = "x", .type = DCCD_PQ_INT32, .delta = true};
    dccd_pq_write_options o;
    dccd_pq_write_options_init(&o);
    o.codec = DCCD_PQ_UNCOMPRESSED;
    o.page_size = 1000;  /* several pages */
    o.data_page_v2 = v2;
    dccd_pq_writer *w = NULL;
    assert_int_equal(dccd_pq_writer_open_fd(fd, "delta.parquet", &f, 1, &o, &w, &e), DCCD_OK);
    dccd_pq_column col = {.type = DCCD_PQ_INT32, .n = n, .values = (void *)vals};
    assert_int_equal(dccd_pq_writer_write(w, &col, n, &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_close(w, &e), DCCD_OK);

    off_t size = lseek(fd, 0, SEEK_END);
    assert_true(size > 0);
    uint8_t *buf = malloc((size_t)size);
    assert_non_null(buf);
    assert_int_equal(pread(fd, buf, (size_t)size, 0), size);
    close(fd);

    dccd_pq_file *pf = NULL;
    assert_int_equal(dccd_pq_open_mem(buf, (size_t)size, "delta.parquet", &pf, &e), DCCD_OK);
    size_t seen = 0;
    int pages = 0;
    for (int rg = 0; rg < dccd_pq_num_row_groups(pf); rg++) {
        dccd_pq_chunk_info ci;
        assert_int_equal(dccd_pq_chunk(pf, rg, 0, &ci, &e), DCCD_OK);
        assert_int_equal(ci.codec, DCCD_PQ_UNCOMPRESSED);
        uint64_t pos = (uint64_t)ci.data_page_offset, end = (uint64_t)ci.file_offset + (uint64_t)ci.total_compressed_size;
        while (pos < end) {
            dccd_arena a;
            dccd_arena_init(&a, 1u << 20);
            pq_page_header h;
            size_t used = 0;
            assert_int_equal(pq_decode_page_header(buf + pos, (size_t)(end - pos), &a, &h, &used, &e), DCCD_OK);
            const uint8_t *payload = buf + pos + used;
            if (h.type == PQ_PAGE_DATA) {
                assert_int_equal(h.data_page_header.encoding, DCCD_PQ_ENC_DELTA_BINARY_PACKED);
                size_t got = check_stream(payload, (size_t)h.compressed_page_size,
                                          (uint64_t)h.data_page_header.num_values, max_width);
                assert_true(got <= (size_t)h.compressed_page_size);
                seen += (size_t)h.data_page_header.num_values;
                pages++;
            } else if (h.type == PQ_PAGE_DATA_V2) {
                const pq_data_page_header_v2 *d = &h.data_page_header_v2;
                assert_int_equal(d->encoding, DCCD_PQ_ENC_DELTA_BINARY_PACKED);
                size_t lv = (size_t)d->definition_levels_byte_length + (size_t)d->repetition_levels_byte_length;
                size_t got = check_stream(payload + lv, (size_t)h.compressed_page_size - lv,
                                          (uint64_t)d->num_values, max_width);
                assert_true(got <= (size_t)h.compressed_page_size - lv);
                seen += (size_t)d->num_values;
                pages++;
            }
            pos += used + (uint64_t)h.compressed_page_size;
            dccd_arena_free(&a);
        }
    }
    assert_int_equal(seen, n);
    assert_true(pages >= 2);

    /* and the values come back */
    size_t at = 0;
    for (int rg = 0; rg < dccd_pq_num_row_groups(pf); rg++) {
        dccd_pq_column c;
        assert_int_equal(dccd_pq_read_column(pf, rg, 0, &c, &e), DCCD_OK);
        assert_memory_equal(c.values, vals + at, c.n * sizeof(int32_t));
        at += c.n;
        dccd_pq_column_free(&c);
    }
    assert_int_equal(at, n);
    dccd_pq_close(pf);
    free(buf);
}

static void test_alternating_extremes(void **state)
{
    (void)state;
    enum { N = 1000 };
    int32_t *v = malloc(N * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < N; i++)
        v[i] = (i % 2) ? INT32_MAX : INT32_MIN;
    for (int v2 = 0; v2 < 2; v2++) {
        int maxw = 0;
        write_and_check(v, N, v2 != 0, &maxw);
        /* the true deltas are +-(2^32 - 1), 33 bits; in the spec's 32-bit
         * wrapping arithmetic they are -1 and +1: min -1, widths 2 */
        assert_int_equal(maxw, 2);
    }
    free(v);
}

/* Deltas alternating INT32_MIN and INT32_MAX: the widest 32-bit case
 * (delta - min spans 0 .. 2^32 - 1), exactly 32 bits, never 33. */
static void test_extreme_deltas(void **state)
{
    (void)state;
    enum { N = 640 };
    int32_t *v = malloc(N * sizeof *v);
    assert_non_null(v);
    uint32_t x = 0;
    for (size_t i = 0; i < N; i++) {
        v[i] = (int32_t)x;
        x += (i % 2) ? (uint32_t)INT32_MAX : (uint32_t)INT32_MIN;
    }
    for (int v2 = 0; v2 < 2; v2++) {
        int maxw = 0;
        write_and_check(v, N, v2 != 0, &maxw);
        assert_int_equal(maxw, 32);
    }
    free(v);
}

static void test_mixed_extremes(void **state)
{
    (void)state;
    enum { N = 777 };
    static const int32_t pat[] = {INT32_MIN, INT32_MAX, 0, -1, INT32_MAX, INT32_MAX - 1, INT32_MIN + 1, 1};
    int32_t *v = malloc(N * sizeof *v);
    assert_non_null(v);
    uint32_t x = 12345;
    for (size_t i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        v[i] = (i % 3 == 2) ? (int32_t)x : pat[(x >> 16) % 8];
    }
    int maxw = 0;
    write_and_check(v, N, false, &maxw);
    assert_true(maxw > 0 && maxw <= 32);
    free(v);
}

/* The encoder on its own, for a single block: its widths and its decode. */
static void test_encoder_block(void **state)
{
    (void)state;
    int32_t v[129];
    for (int i = 0; i < 129; i++)
        v[i] = (i % 2) ? INT32_MIN : INT32_MAX;
    v[64] = 0;  /* deltas INT32_MIN+1 and INT32_MIN ... around it: a wide miniblock */
    dccd_buf b = DCCD_BUF_INIT;
    dccd_error e = {0};
    assert_int_equal(pq_delta_encode_i32(&b, v, 129, &e), DCCD_OK);
    int maxw = 0;
    assert_int_equal(check_stream(b.data, b.len, 129, &maxw), b.len);
    assert_true(maxw > 2 && maxw <= 32);
    int32_t back[129];
    size_t used = 0;
    assert_int_equal(pq_delta_decode_i32(b.data, b.len, 129, back, &used, &e), DCCD_OK);
    assert_memory_equal(back, v, sizeof v);
    dccd_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alternating_extremes),
        cmocka_unit_test(test_extreme_deltas),
        cmocka_unit_test(test_mixed_extremes),
        cmocka_unit_test(test_encoder_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
