/*
 * tests/unit/test_page_range.c - dccd_pq_read_column_range (rows
 * [from, to) of a column chunk through the OffsetIndex) and the writer's
 * opts.page_rows cap:
 *   - page_rows cuts pages at exactly that many rows (seen in the index);
 *   - random and page-boundary ranges equal slices of a full read, for
 *     required/optional (with nulls) INT64 delta, INT32, DOUBLE, BOOLEAN,
 *     dictionary and PLAIN strings, v1 and v2 pages, every writable codec,
 *     file read by pread and from memory;
 *   - files without a page index fall back to a full read + slice;
 *   - corpus files of other writers (PARQUET_TEST_DATA) with an offset
 *     index: range reads equal slices;
 *   - bad arguments give DCCD_EINVAL; a corrupted offset index gives an
 *     error (or a correct-size result), never a crash (run under ASan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/common.h"
#include "dccd/parquet.h"
#include "parquet/file.h"
#include "parquet/meta.h"

#define NROWS 5000
#define RG_ROWS 3000
#define PAGE_ROWS 256
#define NCOLS 7

static char g_dir[256];

static int setup_dir(void **state)
{
    (void)state;
    const char *t = getenv("TMPDIR");
    snprintf(g_dir, sizeof g_dir, "%s/dccd_pr_XXXXXX", t && *t ? t : "/tmp");
    return mkdtemp(g_dir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
    (void)state;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

/* The test table: one column per feature. */
typedef struct table {
    int64_t ts[NROWS], opt[NROWS];
    int32_t i32[NROWS];
    double dbl[NROWS];
    uint8_t b[NROWS];
    uint8_t v_opt[NROWS], v_dbl[NROWS], v_s[NROWS];
    int64_t s_offs[NROWS + 1], p_offs[NROWS + 1];
    uint8_t s_data[NROWS * 8], p_data[NROWS * 24];
} table;

static table *make_table(void)
{
    table *t = calloc(1, sizeof *t);
    assert_non_null(t);
    uint64_t seed = 42;
    size_t sl = 0, pl = 0;
    for (size_t i = 0; i < NROWS; i++) {
        t->ts[i] = 1700000000000000000 + (int64_t)i * 60000000000;
        t->v_opt[i] = i % 7 != 3;
        t->opt[i] = t->v_opt[i] ? (int64_t)lcg(&seed) - 1000000 : 0;
        t->i32[i] = (int32_t)(lcg(&seed) % 100000) - 50000;
        t->v_dbl[i] = i % 11 != 0;
        t->dbl[i] = t->v_dbl[i] ? (double)lcg(&seed) / 7.0 : 0.0;
        t->b[i] = (uint8_t)(lcg(&seed) & 1);
        t->s_offs[i] = (int64_t)sl;
        t->v_s[i] = i % 5 != 1;
        if (t->v_s[i])
            sl += (size_t)snprintf((char *)t->s_data + sl, 8, "k%u", (unsigned)(lcg(&seed) % 40));
        t->p_offs[i] = (int64_t)pl;
        pl += (size_t)snprintf((char *)t->p_data + pl, 24, "row-%zu-%u", i, (unsigned)(lcg(&seed) % 1000));
    }
    t->s_offs[NROWS] = (int64_t)sl;
    t->p_offs[NROWS] = (int64_t)pl;
    return t;
}

static void write_table(const char *path, const table *t, dccd_pq_codec codec, bool v2, bool page_index)
{
    dccd_pq_field f[NCOLS];
    memset(f, 0, sizeof f);
    f[0].name = "ts"; f[0].type = DCCD_PQ_INT64; f[0].delta = true;
    f[1].name = "opt"; f[1].type = DCCD_PQ_INT64; f[1].optional = true; f[1].delta = true;
    f[2].name = "i32"; f[2].type = DCCD_PQ_INT32;
    f[3].name = "dbl"; f[3].type = DCCD_PQ_DOUBLE; f[3].optional = true;
    f[4].name = "b"; f[4].type = DCCD_PQ_BOOLEAN;
    f[5].name = "s"; f[5].type = DCCD_PQ_BYTE_ARRAY; f[5].optional = true; f[5].logical = DCCD_PQ_LOG_STRING;
    f[6].name = "p"; f[6].type = DCCD_PQ_BYTE_ARRAY; f[6].no_dictionary = true;
    dccd_pq_column c[NCOLS];
    memset(c, 0, sizeof c);
    c[0].type = DCCD_PQ_INT64; c[0].values = (void *)t->ts;
    c[1].type = DCCD_PQ_INT64; c[1].values = (void *)t->opt; c[1].validity = (uint8_t *)t->v_opt;
    c[2].type = DCCD_PQ_INT32; c[2].values = (void *)t->i32;
    c[3].type = DCCD_PQ_DOUBLE; c[3].values = (void *)t->dbl; c[3].validity = (uint8_t *)t->v_dbl;
    c[4].type = DCCD_PQ_BOOLEAN; c[4].values = (void *)t->b;
    c[5].type = DCCD_PQ_BYTE_ARRAY; c[5].offsets = (int64_t *)t->s_offs; c[5].data = (uint8_t *)t->s_data;
    c[5].validity = (uint8_t *)t->v_s;
    c[6].type = DCCD_PQ_BYTE_ARRAY; c[6].offsets = (int64_t *)t->p_offs; c[6].data = (uint8_t *)t->p_data;
    for (int i = 0; i < NCOLS; i++) {
        c[i].n = NROWS;
        if (c[i].validity)
            for (size_t r = 0; r < NROWS; r++)
                c[i].null_count += c[i].validity[r] == 0;
    }
    dccd_pq_write_options o;
    dccd_pq_write_options_init(&o);
    o.codec = codec;
    o.data_page_v2 = v2;
    o.page_index = page_index;
    o.row_group_rows = RG_ROWS;
    o.page_rows = PAGE_ROWS;
    unlink(path);
    dccd_error err;
    dccd_pq_writer *w = NULL;
    int rc = dccd_pq_writer_open(path, f, NCOLS, &o, &w, &err);
    assert_int_equal(rc, DCCD_OK);
    rc = dccd_pq_writer_write(w, c, NROWS, &err);
    assert_int_equal(rc, DCCD_OK);
    rc = dccd_pq_writer_close(w, &err);
    if (rc)
        fail_msg("close: %s", err.msg);
}

static size_t width_of(const dccd_pq_column *c)
{
    switch (c->type) {
    case DCCD_PQ_BOOLEAN: return 1;
    case DCCD_PQ_INT32: case DCCD_PQ_FLOAT: return 4;
    case DCCD_PQ_INT64: case DCCD_PQ_DOUBLE: return 8;
    case DCCD_PQ_INT96: return 12;
    case DCCD_PQ_FIXED_LEN_BYTE_ARRAY: return (size_t)c->type_length;
    default: return 0;
    }
}

/* part must equal rows [from, from + part->n) of full. */
static void assert_slice(const dccd_pq_column *full, size_t from, const dccd_pq_column *part, size_t n)
{
    assert_int_equal(part->n, n);
    assert_int_equal(part->type, full->type);
    size_t w = width_of(full), nulls = 0;
    for (size_t i = 0; i < n; i++) {
        int vf = full->validity ? full->validity[from + i] : 1;
        int vp = part->validity ? part->validity[i] : 1;
        assert_int_equal(vf, vp);
        nulls += vp == 0;
        if (!vp)
            continue;
        if (w) {
            assert_memory_equal((const uint8_t *)part->values + i * w, (const uint8_t *)full->values + (from + i) * w, w);
        } else {
            int64_t lf = full->offsets[from + i + 1] - full->offsets[from + i];
            int64_t lp = part->offsets[i + 1] - part->offsets[i];
            assert_int_equal(lf, lp);
            if (lf)
                assert_memory_equal(part->data + part->offsets[i], full->data + full->offsets[from + i], (size_t)lf);
        }
    }
    assert_int_equal(part->null_count, nulls);
    if (nulls == 0)
        assert_null(part->validity);
}

static void check_file(dccd_pq_file *pf, uint64_t *seed)
{
    dccd_error err;
    for (int rg = 0; rg < dccd_pq_num_row_groups(pf); rg++) {
        int64_t rows = dccd_pq_row_group_rows(pf, rg);
        for (int col = 0; col < NCOLS; col++) {
            dccd_pq_column full;
            int rc = dccd_pq_read_column(pf, rg, col, &full, &err);
            if (rc)
                fail_msg("read: %s", err.msg);
            int64_t ranges[64][2];
            int nr = 0;
            ranges[nr][0] = 0, ranges[nr][1] = rows, nr++;
            ranges[nr][0] = 0, ranges[nr][1] = 0, nr++;
            ranges[nr][0] = rows, ranges[nr][1] = rows, nr++;
            ranges[nr][0] = rows - 1, ranges[nr][1] = rows, nr++;
            ranges[nr][0] = PAGE_ROWS - 1, ranges[nr][1] = PAGE_ROWS + 1, nr++;
            ranges[nr][0] = PAGE_ROWS, ranges[nr][1] = 2 * PAGE_ROWS, nr++;
            ranges[nr][0] = 3 * PAGE_ROWS, ranges[nr][1] = 3 * PAGE_ROWS + 1, nr++;
            ranges[nr][0] = PAGE_ROWS + 7, ranges[nr][1] = 5 * PAGE_ROWS - 3, nr++;
            while (nr < 64) {
                int64_t a = (int64_t)(lcg(seed) % (uint64_t)(rows + 1));
                int64_t b = a + (int64_t)(lcg(seed) % (uint64_t)(rows - a + 1));
                ranges[nr][0] = a, ranges[nr][1] = b, nr++;
            }
            for (int k = 0; k < nr; k++) {
                dccd_pq_column part;
                rc = dccd_pq_read_column_range(pf, rg, col, ranges[k][0], ranges[k][1], &part, &err);
                if (rc)
                    fail_msg("range [%lld, %lld) of rg %d col %d: %s", (long long)ranges[k][0],
                             (long long)ranges[k][1], rg, col, err.msg);
                assert_slice(&full, (size_t)ranges[k][0], &part, (size_t)(ranges[k][1] - ranges[k][0]));
                dccd_pq_column_free(&part);
            }
            dccd_pq_column_free(&full);
        }
    }
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long l = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)l);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)l, fp), (size_t)l);
    fclose(fp);
    *len = (size_t)l;
    return b;
}

static void test_ranges_all_codecs(void **state)
{
    (void)state;
    table *t = make_table();
    const dccd_pq_codec codecs[] = {DCCD_PQ_UNCOMPRESSED, DCCD_PQ_SNAPPY, DCCD_PQ_GZIP, DCCD_PQ_ZSTD,
                                    DCCD_PQ_LZ4_RAW, DCCD_PQ_BROTLI};
    char path[400];
    snprintf(path, sizeof path, "%s/t.parquet", g_dir);
    uint64_t seed = 7;
    dccd_error err;
    for (size_t ci = 0; ci < sizeof codecs / sizeof codecs[0]; ci++) {
        for (int v2 = 0; v2 < 2; v2++) {
            write_table(path, t, codecs[ci], v2 != 0, true);
            dccd_pq_file *pf = NULL;
            int rc = dccd_pq_open(path, &pf, &err);
            assert_int_equal(rc, DCCD_OK);
            /* the cap shows in the offset index: fixed-width pages hold
             * exactly PAGE_ROWS rows; strings at most */
            for (int col = 0; col < NCOLS; col++) {
                dccd_pq_page_info *pi = NULL;
                size_t np = 0;
                rc = dccd_pq_page_index(pf, 0, col, &pi, &np, &err);
                assert_int_equal(rc, DCCD_OK);
                assert_true(np >= (RG_ROWS + PAGE_ROWS - 1) / PAGE_ROWS);
                for (size_t i = 1; i < np; i++) {
                    assert_true(pi[i].first_row - pi[i - 1].first_row <= PAGE_ROWS);
                    if (col < 5)
                        assert_int_equal(pi[i].first_row, (int64_t)i * PAGE_ROWS);
                }
                free(pi);
            }
            check_file(pf, &seed);
            dccd_pq_close(pf);
            /* the same from memory */
            size_t len;
            uint8_t *buf = slurp(path, &len);
            rc = dccd_pq_open_mem(buf, len, "mem", &pf, &err);
            assert_int_equal(rc, DCCD_OK);
            check_file(pf, &seed);
            dccd_pq_close(pf);
            free(buf);
        }
    }
    free(t);
}

static void test_no_page_index(void **state)
{
    (void)state;
    table *t = make_table();
    char path[400];
    snprintf(path, sizeof path, "%s/nopi.parquet", g_dir);
    write_table(path, t, DCCD_PQ_SNAPPY, false, false);
    dccd_error err;
    dccd_pq_file *pf = NULL;
    assert_int_equal(dccd_pq_open(path, &pf, &err), DCCD_OK);
    dccd_pq_chunk_info info;
    assert_int_equal(dccd_pq_chunk(pf, 0, 0, &info, &err), DCCD_OK);
    assert_false(info.has_offset_index);
    uint64_t seed = 99;
    check_file(pf, &seed);
    dccd_pq_close(pf);
    free(t);
}

static void test_bad_args(void **state)
{
    (void)state;
    table *t = make_table();
    char path[400];
    snprintf(path, sizeof path, "%s/args.parquet", g_dir);
    write_table(path, t, DCCD_PQ_SNAPPY, false, true);
    dccd_error err;
    dccd_pq_file *pf = NULL;
    assert_int_equal(dccd_pq_open(path, &pf, &err), DCCD_OK);
    dccd_pq_column c;
    assert_int_equal(dccd_pq_read_column_range(pf, 0, 0, -1, 5, &c, &err), DCCD_EINVAL);
    assert_int_equal(dccd_pq_read_column_range(pf, 0, 0, 6, 5, &c, &err), DCCD_EINVAL);
    assert_int_equal(dccd_pq_read_column_range(pf, 0, 0, 0, RG_ROWS + 1, &c, &err), DCCD_EINVAL);
    assert_int_equal(dccd_pq_read_column_range(pf, 2, 0, 0, 1, &c, &err), DCCD_EINVAL);
    assert_int_equal(dccd_pq_read_column_range(pf, 0, NCOLS, 0, 1, &c, &err), DCCD_EINVAL);
    dccd_pq_close(pf);
    free(t);
}

/* Every byte of the offset index of (rg 0, ts) and (rg 0, s) replaced by a
 * few values: the range read returns an error or a result of the right
 * size, never crashes (ASan/valgrind watch). */
static void test_hostile_offset_index(void **state)
{
    (void)state;
    table *t = make_table();
    char path[400];
    snprintf(path, sizeof path, "%s/host.parquet", g_dir);
    write_table(path, t, DCCD_PQ_SNAPPY, false, true);
    size_t len;
    uint8_t *buf = slurp(path, &len);
    dccd_error err;
    dccd_pq_file *pf = NULL;
    assert_int_equal(dccd_pq_open_mem(buf, len, "h", &pf, &err), DCCD_OK);
    int cols[2] = {0, 5};
    int64_t off[2];
    int32_t olen[2];
    for (int k = 0; k < 2; k++) {
        const pq_column_chunk *cc = &pf->meta.row_groups[0].columns[cols[k]];
        assert_true(cc->has_offset_index);
        off[k] = cc->offset_index_offset;
        olen[k] = cc->offset_index_length;
    }
    dccd_pq_close(pf);
    const uint8_t vals[] = {0x00, 0xff, 0x7f, 0x15};
    size_t errors = 0, oks = 0;
    for (int k = 0; k < 2; k++) {
        for (int32_t i = 0; i < olen[k]; i++) {
            for (size_t v = 0; v < sizeof vals; v++) {
                uint8_t *b = &buf[off[k] + i];
                uint8_t save = *b;
                *b = save == vals[v] ? (uint8_t)(save ^ 0x40) : vals[v];
                assert_int_equal(dccd_pq_open_mem(buf, len, "h", &pf, &err), DCCD_OK);
                dccd_pq_column c;
                int rc = dccd_pq_read_column_range(pf, 0, cols[k], 700, 1100, &c, &err);
                if (rc == DCCD_OK) {
                    assert_int_equal(c.n, 400);
                    dccd_pq_column_free(&c);
                    oks++;
                } else {
                    assert_true(rc == DCCD_ECORRUPT || rc == DCCD_EUNSUPPORTED || rc == DCCD_ERANGE ||
                                rc == DCCD_ENOMEM);
                    errors++;
                }
                dccd_pq_close(pf);
                *b = save;
            }
        }
    }
    assert_true(errors > 0);
    free(buf);
    free(t);
}

/* Only the pages of the range are read: with the last data page of a
 * chunk overwritten, a range on the first pages still reads (and equals the
 * original), while the full read and a range touching that page fail. */
static void test_reads_only_range_pages(void **state)
{
    (void)state;
    table *t = make_table();
    char path[400];
    snprintf(path, sizeof path, "%s/only.parquet", g_dir);
    write_table(path, t, DCCD_PQ_ZSTD, false, true);
    size_t len;
    uint8_t *buf = slurp(path, &len);
    dccd_error err;
    for (int col = 0; col < NCOLS; col++) {
        dccd_pq_file *pf = NULL;
        assert_int_equal(dccd_pq_open_mem(buf, len, "o", &pf, &err), DCCD_OK);
        dccd_pq_column full;
        assert_int_equal(dccd_pq_read_column(pf, 0, col, &full, &err), DCCD_OK);
        dccd_pq_page_info *pi = NULL;
        size_t np = 0;
        assert_int_equal(dccd_pq_page_index(pf, 0, col, &pi, &np, &err), DCCD_OK);
        assert_true(np > 2);
        int64_t last_first = pi[np - 1].first_row;
        uint8_t *saved = malloc((size_t)pi[np - 1].compressed_size);
        assert_non_null(saved);
        memcpy(saved, buf + pi[np - 1].offset, (size_t)pi[np - 1].compressed_size);
        memset(buf + pi[np - 1].offset, 0xee, (size_t)pi[np - 1].compressed_size);
        dccd_pq_close(pf);
        assert_int_equal(dccd_pq_open_mem(buf, len, "o", &pf, &err), DCCD_OK);
        dccd_pq_column part, bad;
        assert_int_not_equal(dccd_pq_read_column(pf, 0, col, &bad, &err), DCCD_OK);
        assert_int_not_equal(dccd_pq_read_column_range(pf, 0, col, last_first - 1, last_first + 1, &bad, &err),
                             DCCD_OK);
        int rc = dccd_pq_read_column_range(pf, 0, col, 3, last_first, &part, &err);
        if (rc)
            fail_msg("col %d: %s", col, err.msg);
        assert_slice(&full, 3, &part, (size_t)(last_first - 3));
        dccd_pq_column_free(&part);
        dccd_pq_column_free(&full);
        dccd_pq_close(pf);
        memcpy(buf + pi[np - 1].offset, saved, (size_t)pi[np - 1].compressed_size);
        free(saved);
        free(pi);
    }
    free(buf);
    free(t);
}

/* Files of other writers (parquet-testing corpus, e.g. parquet-mr's
 * alltypes_tiny_pages with many pages per chunk): for every chunk that has
 * an offset index and decodes in full, range reads equal slices. */
static void test_corpus(void **state)
{
    (void)state;
    const char *dir = getenv("PARQUET_TEST_DATA");
    if (!dir || !*dir) {
        printf("SKIPPED: corpus absent\n");
        skip();
    }
    char dpath[600];
    snprintf(dpath, sizeof dpath, "%s/data", dir);
    DIR *d = opendir(dpath);
    if (!d) {
        printf("SKIPPED: corpus absent\n");
        skip();
    }
    struct dirent *de;
    size_t chunks = 0;
    uint64_t seed = 5;
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l < 8 || strcmp(de->d_name + l - 8, ".parquet") != 0)
            continue;
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", dpath, de->d_name);
        dccd_error err;
        dccd_pq_file *pf = NULL;
        if (dccd_pq_open(path, &pf, &err))
            continue;
        for (int rg = 0; rg < dccd_pq_num_row_groups(pf); rg++) {
            int64_t rows = dccd_pq_row_group_rows(pf, rg);
            for (int col = 0; col < dccd_pq_num_columns(pf); col++) {
                dccd_pq_chunk_info ci;
                if (dccd_pq_chunk(pf, rg, col, &ci, &err) || !ci.has_offset_index || rows == 0)
                    continue;
                dccd_pq_column full;
                if (dccd_pq_read_column(pf, rg, col, &full, &err))
                    continue;
                for (int k = 0; k < 12; k++) {
                    int64_t a = (int64_t)(lcg(&seed) % (uint64_t)(rows + 1));
                    int64_t b = a + (int64_t)(lcg(&seed) % (uint64_t)(rows - a + 1));
                    dccd_pq_column part;
                    int rc = dccd_pq_read_column_range(pf, rg, col, a, b, &part, &err);
                    if (rc)
                        fail_msg("%s rg %d col %d [%lld, %lld): %s", de->d_name, rg, col, (long long)a,
                                 (long long)b, err.msg);
                    assert_slice(&full, (size_t)a, &part, (size_t)(b - a));
                    dccd_pq_column_free(&part);
                }
                dccd_pq_column_free(&full);
                chunks++;
            }
        }
        dccd_pq_close(pf);
    }
    closedir(d);
    printf("range reads checked on %zu corpus chunks with an offset index\n", chunks);
    assert_true(chunks > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ranges_all_codecs),
        cmocka_unit_test(test_no_page_index),
        cmocka_unit_test(test_bad_args),
        cmocka_unit_test(test_hostile_offset_index),
        cmocka_unit_test(test_reads_only_range_pages),
        cmocka_unit_test(test_corpus),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
