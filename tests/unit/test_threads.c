/*
 * tests/unit/test_threads.c - the threaded paths of the reader, writer and
 * store give what one thread gives:
 *   - files written with threads 1, 2 and 4 (own pool or a borrowed one)
 *     are byte-identical, for every codec, v1 and v2 pages, PLAIN / DELTA
 *     / dictionary (with fallback) encodings, nulls, bloom filters, page
 *     index and CRC, several row groups and write calls of every size;
 *   - dccd_pq_read_columns on pools of 1, 2 and 4, and
 *     dccd_pq_read_row_groups (several row groups in one batch), give the columns
 *     dccd_pq_read_column gives, and a corrupt chunk in a multi-column row
 *     group fails the whole call with one error naming it, every output
 *     column left empty; also with row groups large enough for fixed-width
 *     chunks to be split into parts of pages (memory and file handles, v1
 *     and v2 pages, nulls in some parts only);
 *   - a store with threads 1 and 4 writes the same period files (but for
 *     the footer's random file identity), loads the
 *     same rows, and a corrupt period file stops a threaded checkpoint
 *     with the file left untouched; a writer on a full disk fails cleanly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "common/pool.h"
#include "dccd/parquet.h"
#include "helpers/store_fixture.h"

#define NCOL 9

typedef struct data {
    size_t n;
    int64_t *ts;
    int32_t *i32;
    double *dbl;
    float *flt;
    uint8_t *bln;
    int64_t *soff, *loff, *uoff; /* side (dict), long strings (fallback), unique (no dict) */
    uint8_t *sdat, *ldat, *udat;
    uint8_t *valid;              /* nulls in the optional columns */
} data;

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void make_data(data *d, size_t n)
{
    memset(d, 0, sizeof *d);
    d->n = n;
    d->ts = malloc(n * 8);
    d->i32 = malloc(n * 4);
    d->dbl = malloc(n * 8);
    d->flt = malloc(n * 4);
    d->bln = malloc(n);
    d->valid = malloc(n);
    d->soff = malloc((n + 1) * 8);
    d->loff = malloc((n + 1) * 8);
    d->uoff = malloc((n + 1) * 8);
    d->sdat = malloc(n * 4 + 1);
    d->ldat = malloc(n * 40 + 1);
    d->udat = malloc(n * 12 + 1);
    assert_true(d->ts && d->i32 && d->dbl && d->flt && d->bln && d->valid && d->soff && d->loff && d->uoff &&
                d->sdat && d->ldat && d->udat);
    size_t sp = 0, lp = 0, up = 0;
    d->soff[0] = d->loff[0] = d->uoff[0] = 0;
    for (size_t i = 0; i < n; i++) {
        d->ts[i] = INT64_C(1700000000000000000) + (int64_t)(i / 3) * 1000000 + (int64_t)(next_rand() % 2);
        d->i32[i] = (int32_t)(next_rand() % 1000) - 500;
        d->dbl[i] = 100.0 + (double)(next_rand() % 100000) / 100.0;
        d->flt[i] = (float)(next_rand() % 1000) / 8.0f;
        d->bln[i] = (uint8_t)(next_rand() & 1);
        d->valid[i] = (uint8_t)(next_rand() % 10 != 0);
        const char *side = i % 2 ? "sell" : "buy";
        memcpy(d->sdat + sp, side, strlen(side));
        sp += strlen(side);
        d->soff[i + 1] = (int64_t)sp;
        /* mostly distinct long strings: the dictionary falls back to PLAIN */
        int k = snprintf((char *)d->ldat + lp, 40, "value-%016llx-%zu", (unsigned long long)next_rand(), i % 97);
        lp += (size_t)k;
        d->loff[i + 1] = (int64_t)lp;
        k = snprintf((char *)d->udat + up, 12, "%zu", i);
        up += (size_t)k;
        d->uoff[i + 1] = (int64_t)up;
    }
}

static void free_data(data *d)
{
    free(d->ts); free(d->i32); free(d->dbl); free(d->flt); free(d->bln); free(d->valid);
    free(d->soff); free(d->loff); free(d->uoff); free(d->sdat); free(d->ldat); free(d->udat);
}

static void fields_of(dccd_pq_field *f)
{
    memset(f, 0, NCOL * sizeof *f);
    f[0] = (dccd_pq_field){.name = "TS", .type = DCCD_PQ_INT64, .optional = true, .delta = true,
                           .logical = DCCD_PQ_LOG_TIMESTAMP, .unit = DCCD_PQ_NANOS, .utc = true};
    f[1] = (dccd_pq_field){.name = "i32", .type = DCCD_PQ_INT32, .optional = false};
    f[2] = (dccd_pq_field){.name = "i32d", .type = DCCD_PQ_INT32, .optional = true, .delta = true};
    f[3] = (dccd_pq_field){.name = "price", .type = DCCD_PQ_DOUBLE, .optional = true};
    f[4] = (dccd_pq_field){.name = "flt", .type = DCCD_PQ_FLOAT, .optional = false};
    f[5] = (dccd_pq_field){.name = "flag", .type = DCCD_PQ_BOOLEAN, .optional = true};
    f[6] = (dccd_pq_field){.name = "side", .type = DCCD_PQ_BYTE_ARRAY, .optional = true,
                           .logical = DCCD_PQ_LOG_STRING, .bloom_filter = true};
    f[7] = (dccd_pq_field){.name = "long", .type = DCCD_PQ_BYTE_ARRAY, .optional = true,
                           .logical = DCCD_PQ_LOG_STRING, .bloom_filter = true};
    f[8] = (dccd_pq_field){.name = "tid", .type = DCCD_PQ_BYTE_ARRAY, .optional = false,
                           .logical = DCCD_PQ_LOG_STRING, .no_dictionary = true};
}

/* Columns of rows [r0, r0 + n) (borrowed). */
static void cols_of(const data *d, size_t r0, size_t n, dccd_pq_column *c, int64_t *offs_tmp[3])
{
    memset(c, 0, NCOL * sizeof *c);
    dccd_pq_type t[NCOL] = {DCCD_PQ_INT64, DCCD_PQ_INT32, DCCD_PQ_INT32, DCCD_PQ_DOUBLE, DCCD_PQ_FLOAT,
                            DCCD_PQ_BOOLEAN, DCCD_PQ_BYTE_ARRAY, DCCD_PQ_BYTE_ARRAY, DCCD_PQ_BYTE_ARRAY};
    void *v[NCOL] = {d->ts + r0, d->i32 + r0, d->i32 + r0, d->dbl + r0, d->flt + r0, d->bln + r0, NULL, NULL, NULL};
    for (int i = 0; i < NCOL; i++) {
        c[i].type = t[i];
        c[i].n = n;
        c[i].values = v[i];
    }
    /* nulls in TS's neighbours: price, flag, side, long, i32d */
    size_t nn = 0;
    for (size_t i = 0; i < n; i++)
        nn += !d->valid[r0 + i];
    int nul[] = {2, 3, 5, 6, 7};
    for (size_t k = 0; k < sizeof nul / sizeof nul[0]; k++) {
        c[nul[k]].validity = d->valid + r0;
        c[nul[k]].null_count = nn;
    }
    /* offsets rebased to the slice: data pointer moved instead */
    const int64_t *src[3] = {d->soff, d->loff, d->uoff};
    uint8_t *dat[3] = {d->sdat, d->ldat, d->udat};
    for (int k = 0; k < 3; k++) {
        int64_t base = src[k][r0];
        for (size_t i = 0; i <= n; i++)
            offs_tmp[k][i] = src[k][r0 + i] - base;
        c[6 + k].offsets = offs_tmp[k];
        c[6 + k].data = dat[k] + base;
    }
}

/* Write d with o, in write calls of the given sizes (cycled); returns the bytes. */
static uint8_t *write_file(const data *d, const dccd_pq_write_options *o, const size_t *calls, size_t ncalls,
                           size_t *len)
{
    char path[] = "/tmp/dccd-test-threads-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    dccd_pq_field f[NCOL];
    fields_of(f);
    dccd_pq_writer *w;
    dccd_error e;
    assert_int_equal(dccd_pq_writer_open_fd(fd, path, f, NCOL, o, &w, &e), DCCD_OK);
    int64_t *tmp[3];
    for (int k = 0; k < 3; k++)
        assert_non_null(tmp[k] = malloc((d->n + 1) * 8));
    dccd_pq_column c[NCOL];
    size_t r = 0, k = 0;
    while (r < d->n) {
        size_t n = calls[k++ % ncalls];
        if (n > d->n - r)
            n = d->n - r;
        cols_of(d, r, n, c, tmp);
        int rc = dccd_pq_writer_write(w, c, n, &e);
        if (rc)
            fail_msg("write: %s", e.msg);
        r += n;
    }
    if (dccd_pq_writer_close(w, &e) != DCCD_OK)
        fail_msg("close: %s", e.msg);
    for (int j = 0; j < 3; j++)
        free(tmp[j]);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    *len = (size_t)st.st_size;
    uint8_t *buf = malloc(*len);
    assert_non_null(buf);
    assert_int_equal(pread(fd, buf, *len, 0), (ssize_t)*len);
    close(fd);
    unlink(path);
    return buf;
}

static void test_writer_bytes_identical(void **state)
{
    (void)state;
    data d;
    make_data(&d, 70000);
    static const size_t calls_a[] = {70000};
    static const size_t calls_b[] = {1, 20000, 333, 17000, 5, 40000};
    const dccd_pq_codec codecs[] = {DCCD_PQ_UNCOMPRESSED, DCCD_PQ_SNAPPY, DCCD_PQ_GZIP, DCCD_PQ_BROTLI,
                                    DCCD_PQ_ZSTD, DCCD_PQ_LZ4_RAW};
    dccd_pool *p4 = NULL;
    dccd_error e;
    assert_int_equal(dccd_pool_create(4, &p4, &e), DCCD_OK);
    int files = 0;
    for (size_t ci = 0; ci < sizeof codecs / sizeof codecs[0]; ci++)
        for (int v2 = 0; v2 < 2; v2++)
            for (int variant = 0; variant < 2; variant++) {
                dccd_pq_write_options o;
                dccd_pq_write_options_init(&o);
                o.codec = codecs[ci];
                o.data_page_v2 = v2;
                o.crc = variant;
                o.row_group_rows = variant ? 30000 : 65536;
                o.page_rows = variant ? 0 : 4096;
                o.page_size = variant ? 64 * 1024 : 0;
                o.dictionary_page_limit = 256 * 1024;
                o.compression_level = codecs[ci] == DCCD_PQ_ZSTD ? 3 : 0;
                const size_t *calls = variant ? calls_b : calls_a;
                size_t ncalls = variant ? 6 : 1;
                o.threads = 1;
                size_t len1, len;
                uint8_t *ref = write_file(&d, &o, calls, ncalls, &len1);
                for (int th = 2; th <= 4; th += 2) {
                    o.threads = th;
                    uint8_t *b = write_file(&d, &o, calls, ncalls, &len);
                    assert_int_equal(len, len1);
                    if (memcmp(b, ref, len) != 0)
                        fail_msg("codec %d v2 %d variant %d threads %d: bytes differ", (int)codecs[ci], v2, variant,
                                 th);
                    free(b);
                }
                o.threads = 0;
                o.pool = p4;
                uint8_t *b = write_file(&d, &o, calls, ncalls, &len);
                assert_int_equal(len, len1);
                assert_memory_equal(b, ref, len);
                free(b);
                /* the file is complete: every row group and column reads back */
                dccd_pq_file *f;
                assert_int_equal(dccd_pq_open_mem(ref, len1, "ref", &f, &e), DCCD_OK);
                assert_int_equal(dccd_pq_num_rows(f), 70000);
                dccd_pq_chunk_info info;
                assert_int_equal(dccd_pq_chunk(f, 0, 6, &info, &e), DCCD_OK);
                assert_true(info.has_bloom_filter);
                assert_true(info.has_offset_index);
                dccd_pq_close(f);
                free(ref);
                files++;
            }
    assert_int_equal(files, 24);
    dccd_pool_destroy(p4);
    free_data(&d);
}

static void cols_equal(const dccd_pq_column *a, const dccd_pq_column *b)
{
    assert_int_equal(a->type, b->type);
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->null_count, b->null_count);
    assert_int_equal(a->validity == NULL, b->validity == NULL);
    if (a->validity)
        assert_memory_equal(a->validity, b->validity, a->n);
    if (a->type == DCCD_PQ_BYTE_ARRAY) {
        assert_memory_equal(a->offsets, b->offsets, (a->n + 1) * 8);
        if (a->offsets[a->n])
            assert_memory_equal(a->data, b->data, (size_t)a->offsets[a->n]);
    } else {
        size_t w = a->type == DCCD_PQ_BOOLEAN ? 1 : a->type == DCCD_PQ_INT32 || a->type == DCCD_PQ_FLOAT ? 4 : 8;
        assert_memory_equal(a->values, b->values, a->n * w);
    }
}

/* Each of out[0..n) equals column cols[i] of row group rg read alone; both
 * are freed. */
static void expect_as_read_alone(dccd_pq_file *f, int rg, const int *cols, int n, dccd_pq_column *out)
{
    for (int i = 0; i < n; i++) {
        dccd_pq_column one;
        dccd_error e;
        assert_int_equal(dccd_pq_read_column(f, rg, cols[i], &one, &e), DCCD_OK);
        cols_equal(&out[i], &one);
        dccd_pq_column_free(&one);
        dccd_pq_column_free(&out[i]);
    }
}

static uint8_t *sample_file(size_t *len, bool crc)
{
    data d;
    make_data(&d, 50000);
    static const size_t calls[] = {50000};
    dccd_pq_write_options o;
    dccd_pq_write_options_init(&o);
    o.codec = DCCD_PQ_ZSTD;
    o.row_group_rows = 25000;
    o.crc = crc;
    uint8_t *b = write_file(&d, &o, calls, 1, len);
    free_data(&d);
    return b;
}

static void test_read_columns_same(void **state)
{
    (void)state;
    size_t len;
    uint8_t *buf = sample_file(&len, false);
    dccd_pq_file *f;
    dccd_error e;
    assert_int_equal(dccd_pq_open_mem(buf, len, "sample", &f, &e), DCCD_OK);
    int cols[NCOL] = {8, 0, 7, 1, 6, 2, 5, 3, 4}; /* any order */
    for (int th = 1; th <= 4; th *= 2) {
        dccd_pool *p;
        assert_int_equal(dccd_pool_create(th, &p, &e), DCCD_OK);
        for (int rg = 0; rg < dccd_pq_num_row_groups(f); rg++) {
            dccd_pq_column out[NCOL];
            assert_int_equal(dccd_pq_read_columns(f, rg, cols, NCOL, out, p, &e), DCCD_OK);
            expect_as_read_alone(f, rg, cols, NCOL, out);
        }
        dccd_pool_destroy(p);
    }
    /* every row group in one call, on no pool and on pools of 2 and 3 */
    int nrg = dccd_pq_num_row_groups(f);
    assert_true(nrg >= 2);
    for (int th = 1; th <= 3; th++) {
        dccd_pool *p = NULL;
        if (th > 1)
            assert_int_equal(dccd_pool_create(th, &p, &e), DCCD_OK);
        dccd_pq_column *all = calloc((size_t)nrg * NCOL, sizeof *all);
        assert_non_null(all);
        if (dccd_pq_read_row_groups(f, 0, nrg, cols, NCOL, all, p, &e) != DCCD_OK)
            fail_msg("read_row_groups: %s", e.msg);
        for (int rg = 0; rg < nrg; rg++)
            expect_as_read_alone(f, rg, cols, NCOL, &all[rg * NCOL]);
        /* a sub-range */
        assert_int_equal(dccd_pq_read_row_groups(f, 1, 1, cols, NCOL, all, p, &e), DCCD_OK);
        for (int i = 0; i < NCOL; i++) {
            dccd_pq_column one;
            assert_int_equal(dccd_pq_read_column(f, 1, cols[i], &one, &e), DCCD_OK);
            cols_equal(&all[i], &one);
            dccd_pq_column_free(&one);
            dccd_pq_column_free(&all[i]);
        }
        assert_int_equal(dccd_pq_read_row_groups(f, 1, nrg, cols, NCOL, all, p, &e), DCCD_EINVAL);
        assert_int_equal(dccd_pq_read_row_groups(f, -1, 1, cols, NCOL, all, p, &e), DCCD_EINVAL);
        assert_int_equal(dccd_pq_read_row_groups(f, 0, 0, cols, NCOL, all, p, &e), DCCD_OK);
        free(all);
        dccd_pool_destroy(p);
    }
    dccd_pq_column none;
    assert_int_equal(dccd_pq_read_columns(f, 0, cols, 0, &none, NULL, &e), DCCD_OK);
    assert_int_equal(dccd_pq_read_columns(f, 0, NULL, 2, &none, NULL, &e), DCCD_EINVAL);
    dccd_pq_close(f);
    free(buf);
}

static void test_read_columns_corrupt_chunk(void **state)
{
    (void)state;
    size_t len;
    uint8_t *buf = sample_file(&len, true);
    dccd_pq_file *f;
    dccd_error e;
    assert_int_equal(dccd_pq_open_mem(buf, len, "sample", &f, &e), DCCD_OK);
    /* damage the middle of column 'price' (3) of row group 1: CRC catches it */
    dccd_pq_chunk_info ci;
    assert_int_equal(dccd_pq_chunk(f, 1, 3, &ci, &e), DCCD_OK);
    size_t at = (size_t)ci.data_page_offset + (size_t)ci.total_compressed_size / 2;
    buf[at] ^= 0x5a;
    buf[at + 1] ^= 0xa5;
    int cols[NCOL] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    for (int th = 1; th <= 4; th *= 2) {
        dccd_pool *p;
        assert_int_equal(dccd_pool_create(th, &p, &e), DCCD_OK);
        dccd_pq_column out[NCOL];
        memset(out, 0x7f, sizeof out);
        int rc = dccd_pq_read_columns(f, 1, cols, NCOL, out, p, &e);
        assert_int_equal(rc, DCCD_ECORRUPT);
        assert_non_null(strstr(e.msg, "column 'price'"));
        assert_non_null(strstr(e.msg, "row group 1"));
        for (int i = 0; i < NCOL; i++) { /* nothing half-made */
            assert_null(out[i].values);
            assert_null(out[i].offsets);
            assert_null(out[i].validity);
            assert_int_equal(out[i].n, 0);
        }
        /* the other row group is fine */
        assert_int_equal(dccd_pq_read_columns(f, 0, cols, NCOL, out, p, &e), DCCD_OK);
        for (int i = 0; i < NCOL; i++)
            dccd_pq_column_free(&out[i]);
        /* both row groups in one call: fails as a whole, nothing left */
        dccd_pq_column both[2 * NCOL];
        memset(both, 0x7f, sizeof both);
        assert_int_equal(dccd_pq_read_row_groups(f, 0, 2, cols, NCOL, both, p, &e), DCCD_ECORRUPT);
        assert_non_null(strstr(e.msg, "column 'price'"));
        for (int i = 0; i < 2 * NCOL; i++) {
            assert_null(both[i].values);
            assert_null(both[i].offsets);
            assert_int_equal(both[i].n, 0);
        }
        dccd_pool_destroy(p);
    }
    dccd_pq_close(f);
    free(buf);
}

/* Row groups large enough for dccd_pq_read_columns to split fixed-width
 * chunks into parts of pages decoded as separate tasks: the columns are
 * still dccd_pq_read_column's, from memory and from a file, v1 and v2
 * pages, nulls in some parts only; a corrupt page fails the call naming
 * its column. */
static void test_read_columns_split(void **state)
{
    (void)state;
    data d;
    make_data(&d, 150000);
    for (size_t i = 0; i < 60000; i++) /* the first pages have no nulls */
        d.valid[i] = 1;
    static const size_t calls[] = {150000};
    const dccd_pq_codec codecs[] = {DCCD_PQ_UNCOMPRESSED, DCCD_PQ_SNAPPY, DCCD_PQ_ZSTD};
    int cols[NCOL] = {3, 0, 7, 1, 6, 2, 5, 8, 4};
    dccd_error e;
    for (size_t ci = 0; ci < sizeof codecs / sizeof codecs[0]; ci++)
        for (int v2 = 0; v2 < 2; v2++) {
            dccd_pq_write_options o;
            dccd_pq_write_options_init(&o);
            o.codec = codecs[ci];
            o.data_page_v2 = v2;
            o.crc = true;
            o.row_group_rows = 100000; /* a large row group and a smaller one */
            o.page_size = 32 * 1024;
            size_t len;
            uint8_t *buf = write_file(&d, &o, calls, 1, &len);
            char path[] = "/tmp/dccd-test-split-XXXXXX";
            int fd = mkstemp(path);
            assert_true(fd >= 0);
            assert_int_equal(write(fd, buf, len), (ssize_t)len);
            close(fd);
            for (int src = 0; src < 2; src++) {
                dccd_pq_file *f;
                if (src)
                    assert_int_equal(dccd_pq_open(path, &f, &e), DCCD_OK);
                else
                    assert_int_equal(dccd_pq_open_mem(buf, len, "split", &f, &e), DCCD_OK);
                for (int th = 2; th <= 3; th++) {
                    dccd_pool *p;
                    assert_int_equal(dccd_pool_create(th, &p, &e), DCCD_OK);
                    int nrg = dccd_pq_num_row_groups(f);
                    dccd_pq_column *all = calloc((size_t)nrg * NCOL, sizeof *all);
                    assert_non_null(all);
                    if (dccd_pq_read_row_groups(f, 0, nrg, cols, NCOL, all, p, &e) != DCCD_OK)
                        fail_msg("read_row_groups: %s", e.msg);
                    for (int rg = 0; rg < nrg; rg++) {
                        dccd_pq_column out[NCOL];
                        if (dccd_pq_read_columns(f, rg, cols, NCOL, out, p, &e) != DCCD_OK)
                            fail_msg("read_columns: %s", e.msg);
                        for (int i = 0; i < NCOL; i++) {
                            cols_equal(&all[rg * NCOL + i], &out[i]);
                            dccd_pq_column_free(&all[rg * NCOL + i]);
                        }
                        expect_as_read_alone(f, rg, cols, NCOL, out);
                    }
                    free(all);
                    dccd_pool_destroy(p);
                }
                dccd_pq_close(f);
            }
            unlink(path);
            /* a damaged page in the middle of 'price' (3) of row group 0 */
            dccd_pq_file *f;
            assert_int_equal(dccd_pq_open_mem(buf, len, "split", &f, &e), DCCD_OK);
            dccd_pq_chunk_info info;
            assert_int_equal(dccd_pq_chunk(f, 0, 3, &info, &e), DCCD_OK);
            size_t at = (size_t)info.data_page_offset + (size_t)info.total_compressed_size / 2;
            buf[at] ^= 0x5a;
            buf[at + 1] ^= 0xa5;
            dccd_pool *p;
            assert_int_equal(dccd_pool_create(2, &p, &e), DCCD_OK);
            dccd_pq_column out[NCOL];
            memset(out, 0x7f, sizeof out);
            assert_int_equal(dccd_pq_read_columns(f, 0, cols, NCOL, out, p, &e), DCCD_ECORRUPT);
            assert_non_null(strstr(e.msg, "column 'price'"));
            for (int i = 0; i < NCOL; i++) {
                assert_null(out[i].values);
                assert_null(out[i].validity);
                assert_int_equal(out[i].n, 0);
            }
            dccd_pool_destroy(p);
            dccd_pq_close(f);
            free(buf);
        }
    free_data(&d);
}

static void test_writer_full_disk(void **state)
{
    (void)state;
    int fd = open("/dev/full", O_WRONLY);
    if (fd < 0) {
        skip();
        return;
    }
    data d;
    make_data(&d, 70000);
    dccd_pq_field fl[NCOL];
    fields_of(fl);
    dccd_pq_write_options o;
    dccd_pq_write_options_init(&o);
    o.threads = 4;
    o.row_group_rows = 30000;
    dccd_pq_writer *w;
    dccd_error e;
    assert_int_equal(dccd_pq_writer_open_fd(fd, "/dev/full", fl, NCOL, &o, &w, &e), DCCD_OK);
    int64_t *tmp[3];
    for (int k = 0; k < 3; k++)
        assert_non_null(tmp[k] = malloc((d.n + 1) * 8));
    dccd_pq_column c[NCOL];
    cols_of(&d, 0, d.n, c, tmp);
    int rc = dccd_pq_writer_write(w, c, d.n, &e);
    if (!rc)
        rc = dccd_pq_writer_flush(w, &e);
    assert_int_equal(rc, DCCD_ENOSPC);
    assert_non_null(strstr(e.msg, "/dev/full"));
    assert_int_equal(dccd_pq_writer_write(w, c, 10, &e), DCCD_ESTATE);
    dccd_pq_writer_abort(w);
    close(fd);
    for (int k = 0; k < 3; k++)
        free(tmp[k]);
    free_data(&d);
}

static void quiet(void *ctx, const char *msg)
{
    int *n = ctx;
    (void)msg;
    (*n)++;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    *len = (size_t)st.st_size;
    uint8_t *b = malloc(*len + 1);
    assert_non_null(b);
    assert_int_equal(read(fd, b, *len), (ssize_t)*len);
    close(fd);
    return b;
}

/* Save the same trades with threads 1 and 4, checkpoint, compare. */
static void test_store_threads_same_files(void **state)
{
    (void)state;
    char root[2][FX_ROOT_MAX];
    dccd_dataset ds;
    fx_dataset(&ds, "binance", "BTC/USDT", DCCD_TRADES, 0);
    const int64_t t0 = INT64_C(1709251200) * DCCD_NS; /* 2024-03-01 */
    dccd_table t;
    fx_make_trades(&t, t0, 300000, 1);
    for (int k = 0; k < 2; k++) {
        fx_root_make(root[k], "threads");
        dccd_store_options so;
        dccd_store_options_init(&so);
        so.threads = k ? 4 : 1;
        so.durable = false;
        so.row_group_rows = 131072; /* 300,000 rows: three row groups */
        dccd_store *s;
        dccd_error e;
        assert_int_equal(dccd_store_open(root[k], &so, &s, &e), DCCD_OK);
        int64_t wrote;
        /* a segment, then the rest, then a checkpoint folds both */
        dccd_table part = t;
        part.owned = false;
        part.nrows = 1000;
        for (int c = 0; c < part.ncols; c++)
            part.cols[c].n = 1000;
        assert_int_equal(dccd_store_save(s, &ds, &part, NULL, &wrote, &e), DCCD_OK);
        if (dccd_store_save(s, &ds, &t, NULL, &wrote, &e) != DCCD_OK)
            fail_msg("save: %s", e.msg);
        dccd_checkpoint_report rep;
        if (dccd_store_checkpoint(s, NULL, &rep, &e) != DCCD_OK)
            fail_msg("checkpoint: %s", e.msg);
        dccd_table got;
        assert_int_equal(dccd_store_load(s, &ds, DCCD_TS_MIN, DCCD_TS_MAX, &got, &e), DCCD_OK);
        assert_int_equal(got.nrows, 300000);
        for (int c = 0; c < got.ncols; c++)
            cols_equal(&got.cols[c], &t.cols[c]);
        dccd_table_free(&got);
        dccd_store_close(s);
    }
    char p0[512], p1[512];
    snprintf(p0, sizeof p0, "%s/binance/trades/BTC-USDT/2024-03-01.parquet", root[0]);
    snprintf(p1, sizeof p1, "%s/binance/trades/BTC-USDT/2024-03-01.parquet", root[1]);
    size_t l0, l1;
    uint8_t *b0 = slurp(p0, &l0), *b1 = slurp(p1, &l1);
    /* every page, bloom filter and page index is the same; the footers
     * differ only by the store's random file identity (same length) */
    assert_int_equal(l0, l1);
    assert_true(l0 > 12);
    uint32_t flen = dccd_load_u32le(b0 + l0 - 8);
    assert_int_equal(flen, dccd_load_u32le(b1 + l1 - 8));
    assert_true(flen + 8u < l0);
    assert_memory_equal(b0, b1, l0 - 8 - flen);
    free(b0);
    free(b1);

    /* damage the period file's 'price' chunk: a threaded load skips the
     * file with a warning, a threaded checkpoint refuses and leaves it */
    dccd_pq_file *f;
    dccd_error e;
    assert_int_equal(dccd_pq_open(p1, &f, &e), DCCD_OK);
    int pc = dccd_pq_column_index(f, "price");
    dccd_pq_chunk_info ci;
    assert_int_equal(dccd_pq_chunk(f, 1, pc, &ci, &e), DCCD_OK);
    dccd_pq_close(f);
    int fd = open(p1, O_RDWR);
    assert_true(fd >= 0);
    /* the first page's header: its sizes no longer add up */
    uint8_t junk[16];
    memset(junk, 0xee, sizeof junk);
    assert_int_equal(pwrite(fd, junk, sizeof junk, ci.data_page_offset), (ssize_t)sizeof junk);
    close(fd);
    size_t lbad;
    uint8_t *bad = slurp(p1, &lbad);
    dccd_store_options so;
    dccd_store_options_init(&so);
    so.threads = 4;
    so.durable = false;
    so.row_group_rows = 131072;
    int warnings = 0;
    so.warn = quiet;
    so.warn_ctx = &warnings;
    dccd_store *s;
    assert_int_equal(dccd_store_open(root[1], &so, &s, &e), DCCD_OK);
    dccd_table more;
    fx_make_trades(&more, t0 + INT64_C(3600) * DCCD_NS, 10, 900000);
    int64_t wrote;
    int rc = dccd_store_save(s, &ds, &more, NULL, &wrote, &e);
    if (rc == DCCD_OK) {
        dccd_checkpoint_report rep;
        rc = dccd_store_checkpoint(s, NULL, &rep, &e);
    }
    assert_int_equal(rc, DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "price"));
    size_t lafter;
    uint8_t *after = slurp(p1, &lafter);
    assert_int_equal(lafter, lbad);
    assert_memory_equal(after, bad, lbad);
    free(after);
    free(bad);
    dccd_table_free(&more);
    dccd_store_close(s);
    dccd_table_free(&t);
    assert_int_equal(fx_root_remove(root[0]), 0);
    assert_int_equal(fx_root_remove(root[1]), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writer_bytes_identical),
        cmocka_unit_test(test_read_columns_same),
        cmocka_unit_test(test_read_columns_corrupt_chunk),
        cmocka_unit_test(test_read_columns_split),
        cmocka_unit_test(test_writer_full_disk),
        cmocka_unit_test(test_store_threads_same_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
