/*
 * tests/unit/test_pq_fastpath.c - the fast paths of the Parquet writer and
 * reader (branch pqperf), checked through a write/read round trip and the
 * raw page bytes:
 *
 *   writer: definition levels are only materialised once a row group has a
 *   null (batches without validity, with an all-1 validity array, with
 *   nulls, in every order, across row-group boundaries); a column without
 *   nulls gets its levels as one RLE run per page; PLAIN fixed-width pages
 *   are compressed in place from the row-group buffer (the v1 level prefix
 *   written over the previous page's last value bytes and restored: the
 *   values of every page, and the bloom filter built after all pages, must
 *   still be right);
 *
 *   reader: a compressed v1 page of an optional PLAIN column is
 *   decompressed straight into the output array (the level prefix landing
 *   on the previous page's values, restored), falling back to the general
 *   path when the page has nulls; all-1 levels skip the RLE decoder.
 *
 * Every combination of codec (none, snappy, zstd), page version (v1, v2),
 * types (INT32, INT64, FLOAT, DOUBLE, BOOLEAN, BYTE_ARRAY) and null layout
 * is read back and compared with the input row by row.
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
#include "parquet/file.h"
#include "parquet/meta.h"

#define NROWS 5000u
#define NCOLS 6

enum { NULLS_NONE, NULLS_LATE, NULLS_EARLY, NULLS_ALL_VALID_ARRAY };

typedef struct src_data {
    int32_t i32[NROWS];
    int64_t i64[NROWS];
    float f32[NROWS];
    double f64[NROWS];
    uint8_t b[NROWS];
    int64_t offs[NROWS + 1];
    uint8_t bytes[NROWS * 8];
    uint8_t valid[NROWS];
} src_data;

static void fill(src_data *s, int layout)
{
    uint64_t x = 88172645463325252ull;
    s->offs[0] = 0;
    for (size_t i = 0; i < NROWS; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s->i32[i] = (int32_t)(x >> 33) - (1 << 29);
        s->i64[i] = (int64_t)(x >> 1) - (int64_t)(x >> 3);
        s->f32[i] = (float)(int32_t)(x >> 40) / 7.0f;
        s->f64[i] = (double)(int64_t)(x >> 20) / 1000.0;
        s->b[i] = (uint8_t)(x >> 63);
        int len = (int)(x % 7);
        for (int k = 0; k < len; k++)
            s->bytes[s->offs[i] + k] = (uint8_t)('a' + (x >> (8 * k)) % 26);
        s->offs[i + 1] = s->offs[i] + len;
        switch (layout) {
        case NULLS_LATE: s->valid[i] = !(i >= 3000 && i % 5 == 0); break;
        case NULLS_EARLY: s->valid[i] = i % 11 != 3; break;
        default: s->valid[i] = 1; break;
        }
    }
}

static void columns(src_data *s, size_t r0, size_t n, bool with_validity, dccd_pq_column *c)
{
    memset(c, 0, sizeof(dccd_pq_column) * NCOLS);
    c[0].type = DCCD_PQ_INT32;
    c[0].values = s->i32 + r0;
    c[1].type = DCCD_PQ_INT64;
    c[1].values = s->i64 + r0;
    c[2].type = DCCD_PQ_FLOAT;
    c[2].values = s->f32 + r0;
    c[3].type = DCCD_PQ_DOUBLE;
    c[3].values = s->f64 + r0;
    c[4].type = DCCD_PQ_BOOLEAN;
    c[4].values = s->b + r0;
    c[5].type = DCCD_PQ_BYTE_ARRAY;
    c[5].offsets = s->offs + r0;
    c[5].data = s->bytes;
    for (int k = 0; k < NCOLS; k++) {
        c[k].n = n;
        c[k].validity = with_validity ? s->valid + r0 : NULL;
    }
}

static void schema(dccd_pq_field *f, bool delta)
{
    static const char *names[NCOLS] = {"i32", "i64", "f32", "f64", "b", "s"};
    static const dccd_pq_type types[NCOLS] = {DCCD_PQ_INT32, DCCD_PQ_INT64, DCCD_PQ_FLOAT,
                                              DCCD_PQ_DOUBLE, DCCD_PQ_BOOLEAN, DCCD_PQ_BYTE_ARRAY};
    memset(f, 0, sizeof(dccd_pq_field) * NCOLS);
    for (int k = 0; k < NCOLS; k++) {
        f[k].name = names[k];
        f[k].type = types[k];
        f[k].optional = true;
        f[k].bloom_filter = k == 3;
    }
    f[1].delta = delta;
}

/* Write s in batches (the validity of each batch per `layout`), read the
 * file back and compare every row. */
static void round_trip(dccd_pq_codec codec, bool v2, bool delta, int layout, size_t batch, size_t rg_rows)
{
    src_data *s = malloc(sizeof *s);
    assert_non_null(s);
    fill(s, layout);
    dccd_pq_field f[NCOLS];
    schema(f, delta);
    dccd_pq_write_options o;
    dccd_pq_write_options_init(&o);
    o.codec = codec;
    o.data_page_v2 = v2;
    o.page_size = 1000; /* many pages per chunk */
    o.row_group_rows = rg_rows;
    char path[] = "/tmp/dccd_fastpath_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    dccd_error err = {0};
    dccd_pq_writer *w = NULL;
    assert_int_equal(dccd_pq_writer_open_fd(fd, path, f, NCOLS, &o, &w, &err), DCCD_OK);
    for (size_t r0 = 0; r0 < NROWS; r0 += batch) {
        size_t n = NROWS - r0 < batch ? NROWS - r0 : batch;
        /* all-valid layouts alternate NULL validity and an all-1 array */
        bool with_valid = layout != NULLS_NONE && (layout != NULLS_ALL_VALID_ARRAY || (r0 / batch) % 2);
        dccd_pq_column c[NCOLS];
        columns(s, r0, n, with_valid, c);
        assert_int_equal(dccd_pq_writer_write(w, c, n, &err), DCCD_OK);
    }
    assert_int_equal(dccd_pq_writer_close(w, &err), DCCD_OK);
    close(fd);

    dccd_pq_file *pf = NULL;
    assert_int_equal(dccd_pq_open(path, &pf, &err), DCCD_OK);
    size_t row = 0;
    for (int rg = 0; rg < dccd_pq_num_row_groups(pf); rg++) {
        size_t n = (size_t)dccd_pq_row_group_rows(pf, rg);
        for (int k = 0; k < NCOLS; k++) {
            dccd_pq_column c;
            int rc = dccd_pq_read_column(pf, rg, k, &c, &err);
            if (rc)
                fail_msg("rg %d col %d: %s", rg, k, err.msg);
            assert_int_equal(c.n, n);
            for (size_t i = 0; i < n; i++) {
                size_t r = row + i;
                bool v = c.validity ? c.validity[i] != 0 : true;
                if (v != (s->valid[r] != 0))
                    fail_msg("rg %d col %d row %zu: validity %d, expected %d", rg, k, r, (int)v, (int)s->valid[r]);
                if (!v)
                    continue;
                bool eq;
                switch (k) {
                case 0: eq = ((int32_t *)c.values)[i] == s->i32[r]; break;
                case 1: eq = ((int64_t *)c.values)[i] == s->i64[r]; break;
                case 2: eq = memcmp((float *)c.values + i, &s->f32[r], 4) == 0; break;
                case 3: eq = memcmp((double *)c.values + i, &s->f64[r], 8) == 0; break;
                case 4: eq = ((uint8_t *)c.values)[i] == s->b[r]; break;
                default: {
                    int64_t l = c.offsets[i + 1] - c.offsets[i];
                    eq = l == s->offs[r + 1] - s->offs[r] &&
                         memcmp(c.data + c.offsets[i], s->bytes + s->offs[r], (size_t)l) == 0;
                }
                }
                if (!eq)
                    fail_msg("rg %d col %d row %zu: value differs (codec %d v2 %d layout %d)", rg, k, r, (int)codec,
                             (int)v2, layout);
            }
            dccd_pq_column_free(&c);
        }
        /* the bloom filter (built after the pages were compressed in place)
         * holds every value of the row group */
        for (size_t i = 0; i < n; i += 97) {
            if (!s->valid[row + i])
                continue;
            int res = -1;
            assert_int_equal(dccd_pq_bloom_check(pf, rg, 3, &s->f64[row + i], 8, &res, &err), DCCD_OK);
            assert_int_not_equal(res, 0);
        }
        row += n;
    }
    assert_int_equal(row, NROWS);
    dccd_pq_close(pf);
    unlink(path);
    free(s);
}

static void test_round_trips(void **state)
{
    (void)state;
    static const dccd_pq_codec codecs[] = {DCCD_PQ_UNCOMPRESSED, DCCD_PQ_SNAPPY, DCCD_PQ_ZSTD};
    static const int layouts[] = {NULLS_NONE, NULLS_LATE, NULLS_EARLY, NULLS_ALL_VALID_ARRAY};
    for (size_t c = 0; c < 3; c++)
        for (int v2 = 0; v2 < 2; v2++)
            for (size_t l = 0; l < 4; l++) {
                round_trip(codecs[c], v2, l == 1, layouts[l], 700, 2048);
                round_trip(codecs[c], v2, false, layouts[l], NROWS, 0);
            }
    /* tiny batches: the nulls arrive after many all-valid batches */
    round_trip(DCCD_PQ_SNAPPY, false, false, NULLS_LATE, 3, 4096);
}

/* The levels of a page without nulls are one RLE run: [u32 2][n << 1][1]
 * (n < 64 here, one varint byte); a page with a null is not. */
static void test_levels_one_run(void **state)
{
    (void)state;
    dccd_pq_field f = {0};
    f.name = "x";
    f.type = DCCD_PQ_INT64;
    f.optional = true;
    dccd_pq_write_options o;
    dccd_pq_write_options_init(&o);
    o.codec = DCCD_PQ_UNCOMPRESSED;
    o.page_size = 40 * 8; /* 40 rows per page */
    int64_t v[100];
    uint8_t valid[100];
    for (int i = 0; i < 100; i++) {
        v[i] = i * 3;
        valid[i] = i != 55;
    }
    char path[] = "/tmp/dccd_fastpath_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    dccd_error err = {0};
    dccd_pq_writer *w = NULL;
    assert_int_equal(dccd_pq_writer_open_fd(fd, path, &f, 1, &o, &w, &err), DCCD_OK);
    dccd_pq_column c = {0};
    c.type = DCCD_PQ_INT64;
    c.n = 50;
    c.values = v;
    assert_int_equal(dccd_pq_writer_write(w, &c, 50, &err), DCCD_OK); /* no validity */
    c.values = v + 50;
    c.validity = valid + 50;
    assert_int_equal(dccd_pq_writer_write(w, &c, 50, &err), DCCD_OK); /* row 55 null */
    assert_int_equal(dccd_pq_writer_close(w, &err), DCCD_OK);
    close(fd);

    dccd_pq_file *pf = NULL;
    assert_int_equal(dccd_pq_open(path, &pf, &err), DCCD_OK);
    uint64_t start, len;
    assert_int_equal(pq_chunk_range(pf, 0, 0, &start, &len, &err), DCCD_OK);
    uint8_t *buf = malloc(len);
    assert_non_null(buf);
    assert_int_equal(pq_file_read_at(pf, start, len, buf, &err), DCCD_OK);
    size_t pos = 0;
    int page = 0;
    while (pos < len) {
        dccd_arena a;
        dccd_arena_init(&a, 0);
        pq_page_header h;
        size_t used = 0;
        assert_int_equal(pq_decode_page_header(buf + pos, len - pos, &a, &h, &used, &err), DCCD_OK);
        dccd_arena_free(&a);
        pos += used;
        assert_true(h.has_data_page_header);
        const uint8_t *b = buf + pos;
        int32_t nv = h.data_page_header.num_values;
        if (page == 1) {
            /* rows 40..79 hold the null: not a single run */
            assert_int_not_equal(dccd_load_u32le(b), 2);
        } else {
            assert_int_equal(dccd_load_u32le(b), 2);
            assert_int_equal(b[4], (uint8_t)(nv << 1));
            assert_int_equal(b[5], 1);
        }
        pos += (size_t)h.compressed_page_size;
        page++;
    }
    assert_int_equal(page, 3);
    free(buf);
    dccd_pq_close(pf);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_levels_one_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
