/*
 * tests/unit/test_store_range.c - range loads and scans that read only the
 * pages of a row group overlapping [start, end] (TS ColumnIndex ->
 * dccd_pq_read_column_range) give exactly the rows of a full load filtered
 * to the inclusive range: ranges on and across 8192-row page boundaries and
 * row-group boundaries, single rows, empty ranges, with and without pending
 * segments (which replace some file rows and add new ones).  Also checks
 * that the page path is really taken (dccd_canon_rg_page_rows narrows a
 * period file's row group) and that a file whose TS pages are not sorted
 * (or hold a null TS) is not trusted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store_int.h"
#include "helpers/store_fixture.h"

#define T2099 INT64_C(4070908800000000000) /* 2099-01-01T00:00:00Z */
#define MIN_NS (INT64_C(60) * DCCD_NS)
#define NBARS 60000
#define RG_ROWS 40000
#define PAGE 8192

static char root[FX_ROOT_MAX];

static int setup(void **state)
{
    (void)state;
    fx_root_make(root, "srange");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fx_root_remove(root);
}

static dccd_store *open_store(void)
{
    dccd_store_options o;
    dccd_store_options_init(&o);
    o.row_group_rows = RG_ROWS;
    return fx_store_open(root, &o);
}

static void ohlc_ds(dccd_dataset *ds)
{
    fx_dataset(ds, "binance", "BTC/USDT", DCCD_OHLC, 60);
}

/* n one-minute bars from t0 (every `step` minutes), prices base + i; the
 * quote volume of every 13th bar is null */
static void make_bars(dccd_table *t, int64_t t0, size_t n, int64_t step, double base)
{
    assert_int_equal(dccd_table_alloc(t, DCCD_OHLC, n, NULL), DCCD_OK);
    assert_int_equal(dccd_table_col_validity(t, OHLC_QUOTE_VOLUME, NULL), DCCD_OK);
    for (size_t i = 0; i < n; i++) {
        ((int64_t *)t->cols[OHLC_TS].values)[i] = t0 + (int64_t)i * step * MIN_NS;
        double v = base + (double)i;
        ((double *)t->cols[OHLC_OPEN].values)[i] = v;
        ((double *)t->cols[OHLC_HIGH].values)[i] = v + 2;
        ((double *)t->cols[OHLC_LOW].values)[i] = v - 1;
        ((double *)t->cols[OHLC_CLOSE].values)[i] = v + 1;
        ((double *)t->cols[OHLC_VOLUME].values)[i] = v * 0.5;
        ((double *)t->cols[OHLC_QUOTE_VOLUME].values)[i] = v * 3;
        ((int64_t *)t->cols[OHLC_TRADES].values)[i] = (int64_t)i * 3;
        if (i % 13 == 0) {
            t->cols[OHLC_QUOTE_VOLUME].validity[i] = 0;
            ((double *)t->cols[OHLC_QUOTE_VOLUME].values)[i] = 0;
            t->cols[OHLC_QUOTE_VOLUME].null_count++;
        }
    }
}

/* got must equal the rows of full with lo <= TS <= hi (full is sorted). */
static void assert_filtered(const dccd_table *full, int64_t lo, int64_t hi, const dccd_table *got)
{
    const int64_t *ts = full->cols[0].values;
    size_t k = 0;
    for (size_t i = 0; i < full->nrows; i++) {
        if (ts[i] < lo || ts[i] > hi)
            continue;
        assert_true(k < got->nrows);
        for (int c = 0; c < full->ncols; c++) {
            const dccd_pq_column *a = &full->cols[c], *b = &got->cols[c];
            int va = a->validity ? a->validity[i] : 1, vb = b->validity ? b->validity[k] : 1;
            assert_int_equal(va, vb);
            if (va)
                assert_memory_equal((const uint8_t *)a->values + i * 8, (const uint8_t *)b->values + k * 8, 8);
        }
        k++;
    }
    assert_int_equal(k, got->nrows);
}

typedef struct acc {
    dccd_table parts[64];
    size_t n;
} acc;

static int scan_cb(void *ctx, const dccd_table *chunk, dccd_error *err)
{
    acc *a = ctx;
    assert_true(a->n < 64);
    return dccd_table_slice(chunk, 0, chunk->nrows, &a->parts[a->n++], err);
}

static void check_ranges(dccd_store *s, const dccd_dataset *ds, uint64_t *seed)
{
    dccd_error e;
    dccd_table full;
    assert_int_equal(dccd_store_load(s, ds, DCCD_TS_MIN, DCCD_TS_MAX, &full, &e), DCCD_OK);
    assert_true(full.nrows >= NBARS);
    int64_t r[40][2];
    int n = 0;
    const int64_t m = MIN_NS;
    r[n][0] = T2099, r[n][1] = T2099, n++;                                         /* one row */
    r[n][0] = T2099 + (PAGE - 1) * m, r[n][1] = T2099 + PAGE * m, n++;             /* across a page boundary */
    r[n][0] = T2099 + PAGE * m, r[n][1] = T2099 + (2 * PAGE - 1) * m, n++;         /* exactly one page */
    r[n][0] = T2099 + (3 * PAGE + 5) * m, r[n][1] = T2099 + (3 * PAGE + 5) * m, n++;
    r[n][0] = T2099 + (RG_ROWS - 3) * m, r[n][1] = T2099 + (RG_ROWS + 3) * m, n++; /* across row groups */
    r[n][0] = T2099 + 10080 * m, r[n][1] = T2099 + 2 * 10080 * m - 1, n++;         /* a week */
    r[n][0] = T2099 + 100 * m + 1, r[n][1] = T2099 + 101 * m - 1, n++;             /* between bars: empty */
    r[n][0] = T2099 - 1000 * m, r[n][1] = T2099 + 3 * m, n++;                      /* before the data */
    r[n][0] = T2099 + (NBARS - 2) * m, r[n][1] = T2099 + (NBARS + 5000) * m, n++;  /* past the end */
    while (n < 40) {
        int64_t a = (int64_t)(*seed = *seed * 6364136223846793005ull + 1442695040888963407ull) % (NBARS + 200);
        if (a < 0)
            a = -a;
        int64_t len = (int64_t)((*seed >> 20) % 20000);
        r[n][0] = T2099 + a * m - (int64_t)(*seed % 2);
        r[n][1] = r[n][0] + len * m;
        n++;
    }
    for (int k = 0; k < n; k++) {
        dccd_table got;
        assert_int_equal(dccd_store_load(s, ds, r[k][0], r[k][1], &got, &e), DCCD_OK);
        assert_filtered(&full, r[k][0], r[k][1], &got);
        dccd_table_free(&got);
        acc a;
        memset(&a, 0, sizeof a);
        assert_int_equal(dccd_store_scan(s, ds, r[k][0], r[k][1], scan_cb, &a, &e), DCCD_OK);
        const dccd_table *pp[64];
        for (size_t i = 0; i < a.n; i++)
            pp[i] = &a.parts[i];
        dccd_table cat;
        if (a.n) {
            assert_int_equal(dccd_table_concat(pp, a.n, &cat, &e), DCCD_OK);
        } else {
            dccd_table_init(&cat, DCCD_OHLC);
        }
        assert_filtered(&full, r[k][0], r[k][1], &cat);
        dccd_table_free(&cat);
        for (size_t i = 0; i < a.n; i++)
            dccd_table_free(&a.parts[i]);
    }
    dccd_table_free(&full);
}

static void test_range_equals_filtered_full(void **state)
{
    (void)state;
    dccd_store *s = open_store();
    dccd_dataset ds;
    ohlc_ds(&ds);
    dccd_error e;
    dccd_table b;
    make_bars(&b, T2099, NBARS, 1, 100.0);
    if (dccd_store_save(s, &ds, &b, NULL, NULL, &e))
        fail_msg("save: %s", e.msg);
    dccd_table_free(&b);
    assert_int_equal(dccd_store_checkpoint(s, &ds, NULL, &e), DCCD_OK);

    /* the page path is taken: a week inside the first row group maps to
     * fewer rows than the row group */
    char **paths = NULL;
    size_t np = 0;
    assert_int_equal(dccd_store_list_files(s, &ds, &paths, &np, &e), DCCD_OK);
    assert_int_equal(np, 1);
    char full_path[600];
    snprintf(full_path, sizeof full_path, "%s/%s", root, paths[0]);
    dccd_strv_free(paths, np);
    dccd_pq_file *f = NULL;
    assert_int_equal(dccd_pq_open(full_path, &f, &e), DCCD_OK);
    dccd_canon_map m;
    assert_int_equal(dccd_canon_map_file(f, DCCD_OHLC, &m, &e), DCCD_OK);
    int64_t from = -1, to = -1;
    assert_true(dccd_canon_rg_page_rows(f, &m, 0, T2099 + 10080 * MIN_NS, T2099 + 2 * 10080 * MIN_NS - 1, &from, &to));
    assert_int_equal(from, (10080 / PAGE) * PAGE);
    assert_int_equal(to, (2 * 10080 / PAGE + 1) * PAGE);
    assert_true(dccd_canon_rg_page_rows(f, &m, 0, T2099 - 10 * MIN_NS, T2099 - MIN_NS, &from, &to));
    assert_int_equal(from, to);
    dccd_pq_close(f);

    uint64_t seed = 1;
    check_ranges(s, &ds, &seed);

    /* pending segments: bars every other minute over the file's second
     * page (replacing file rows), and new bars after the end */
    dccd_table p1, p2;
    make_bars(&p1, T2099 + (PAGE + 100) * MIN_NS, 3000, 2, 5000.0);
    make_bars(&p2, T2099 + (NBARS + 10) * MIN_NS, 500, 1, 9000.0);
    assert_int_equal(dccd_store_save(s, &ds, &p1, NULL, NULL, &e), DCCD_OK);
    assert_int_equal(dccd_store_save(s, &ds, &p2, NULL, NULL, &e), DCCD_OK);
    dccd_table_free(&p1);
    dccd_table_free(&p2);
    check_ranges(s, &ds, &seed);
    dccd_store_close(s);
}

/* A file whose TS pages are not in order (or hold a null TS) is not
 * narrowed: dccd_canon_rg_page_rows says false. */
static void test_unsorted_pages_not_trusted(void **state)
{
    (void)state;
    enum { N = 4000 };
    int64_t *ts = malloc(N * sizeof *ts);
    uint8_t *valid = malloc(N);
    assert_non_null(ts);
    assert_non_null(valid);
    for (int pass = 0; pass < 3; pass++) {
        for (int i = 0; i < N; i++) {
            ts[i] = T2099 + (int64_t)i * MIN_NS;
            valid[i] = 1;
        }
        if (pass == 1)
            ts[N - 1] = T2099; /* last page goes back in time */
        if (pass == 2)
            valid[1500] = 0, ts[1500] = 0;
        dccd_pq_field f;
        memset(&f, 0, sizeof f);
        f.name = "TS";
        f.type = DCCD_PQ_INT64;
        f.optional = true;
        dccd_pq_column c;
        memset(&c, 0, sizeof c);
        c.type = DCCD_PQ_INT64;
        c.n = N;
        c.values = ts;
        c.validity = pass == 2 ? valid : NULL;
        c.null_count = pass == 2 ? 1 : 0;
        dccd_pq_write_options o;
        dccd_pq_write_options_init(&o);
        o.page_rows = 1000;
        char path[400];
        snprintf(path, sizeof path, "%s/u%d.parquet", root, pass);
        dccd_error e;
        dccd_pq_writer *w = NULL;
        assert_int_equal(dccd_pq_writer_open(path, &f, 1, &o, &w, &e), DCCD_OK);
        assert_int_equal(dccd_pq_writer_write(w, &c, N, &e), DCCD_OK);
        assert_int_equal(dccd_pq_writer_close(w, &e), DCCD_OK);
        dccd_pq_file *pf = NULL;
        assert_int_equal(dccd_pq_open(path, &pf, &e), DCCD_OK);
        dccd_canon_map m;
        assert_int_equal(dccd_canon_map_file(pf, DCCD_OHLC, &m, &e), DCCD_OK);
        int64_t from = -1, to = -1;
        bool ok = dccd_canon_rg_page_rows(pf, &m, 0, T2099 + 2100 * MIN_NS, T2099 + 2200 * MIN_NS, &from, &to);
        if (pass == 0) {
            assert_true(ok);
            assert_int_equal(from, 2000);
            assert_int_equal(to, 3000);
        } else {
            assert_false(ok);
        }
        dccd_pq_close(pf);
    }
    free(ts);
    free(valid);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_range_equals_filtered_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsorted_pages_not_trusted, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
