/*
 * tests/unit/test_store_ts.c - timestamps read back as stored (issues 10
 * and 13): TS 0 (1970-01-01T00:00:00Z) is a valid timestamp; negative TS
 * is refused naming the row and the value; TS below 1e18 ns in dccd's own
 * segments and canonical period files is never taken for Unix seconds
 * (only a file that is legacy v2 by its columns is); a period file whose
 * pages are damaged refuses later saves; a period file replaced by another
 * writer after the segments were written is not overridden by them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_int.h"
#include "helpers/store_fixture.h"

#define MIN_NS (INT64_C(60) * DCCD_NS)
#define T2000 INT64_C(946684800000000000)   /* 2000-01-01T00:00:00Z */
#define TSEC INT64_C(1735689600)            /* 2025-01-01 in seconds: 1970 in ns */

static char root[FX_ROOT_MAX];

static int setup(void **state)
{
    (void)state;
    fx_root_make(root, "store-ts");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fx_root_remove(root);
}

static dccd_store *open_store(bool sync)
{
    dccd_store_options o;
    dccd_store_options_init(&o);
    o.sync_checkpoint = sync;
    o.row_group_rows = 1000;
    dccd_store *s = NULL;
    dccd_error e;
    assert_int_equal(dccd_store_open(root, &o, &s, &e), DCCD_OK);
    return s;
}

static void ohlc_ds(dccd_dataset *ds)
{
    fx_dataset(ds, "binance", "BTC/USDT", DCCD_OHLC, 60);
}

static void trades_ds(dccd_dataset *ds)
{
    fx_dataset(ds, "kraken", "ETH/USDT", DCCD_TRADES, 0);
}

static bool exists(const char *rel)
{
    char p[512];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", root, rel);
    return stat(p, &st) == 0;
}

/* load everything and check the TS column is t0 + i * step */
static void expect_ts(dccd_store *s, const dccd_dataset *ds, int64_t t0, int64_t step, size_t n)
{
    dccd_table got;
    dccd_error e;
    assert_int_equal(dccd_store_load(s, ds, DCCD_TS_MIN, DCCD_TS_MAX, &got, &e), DCCD_OK);
    assert_int_equal(got.nrows, n);
    const int64_t *ts = got.cols[0].values;
    for (size_t i = 0; i < n; i++)
        assert_true(ts[i] == t0 + (int64_t)i * step);
    dccd_table_free(&got);
}

static void expect_last(dccd_store *s, const dccd_dataset *ds, int64_t want)
{
    bool found = false;
    int64_t last = -1;
    dccd_error e;
    assert_int_equal(dccd_store_last_timestamp(s, ds, &found, &last, &e), DCCD_OK);
    assert_true(found);
    assert_true(last == want);
}

/* ---- A: TS 0 ------------------------------------------------------------- */

static void test_ts_zero_saved_and_read(void **state)
{
    (void)state;
    dccd_store *s = open_store(false);
    dccd_dataset ds;
    ohlc_ds(&ds);
    dccd_error e;
    dccd_table b;
    fx_make_bars(&b, 0, MIN_NS, 10, 1.0);
    int64_t written = 0;
    assert_int_equal(dccd_store_save(s, &ds, &b, NULL, &written, &e), DCCD_OK);
    assert_int_equal(written, 10);
    dccd_table_free(&b);
    for (int pass = 0; pass < 2; pass++) {
        expect_ts(s, &ds, 0, MIN_NS, 10);
        expect_last(s, &ds, 9 * MIN_NS);
        /* one load of exactly TS 0 */
        dccd_table got;
        assert_int_equal(dccd_store_load(s, &ds, 0, 0, &got, &e), DCCD_OK);
        assert_int_equal(got.nrows, 1);
        dccd_table_free(&got);
        /* 1970 is in the past and incomplete: the gap after the last bar,
         * none before the first */
        dccd_interval *iv = NULL;
        size_t n = 0;
        assert_int_equal(dccd_store_missing_intervals(s, &ds, 0, 20 * MIN_NS, &iv, &n, &e), DCCD_OK);
        assert_int_equal(n, 1);
        assert_true(iv[0].start == 10 * MIN_NS && iv[0].end == 20 * MIN_NS);
        free(iv);
        dccd_checkpoint_report rep;
        assert_int_equal(dccd_store_checkpoint(s, &ds, &rep, &e), DCCD_OK);
    }
    assert_true(exists("binance/ohlc/BTC-USDT/1m/1970.parquet"));
    /* trades: the non-OHLC missing_intervals starts after the last TS */
    dccd_dataset td;
    trades_ds(&td);
    fx_make_trades(&b, 0, 3, 1); /* three trades at TS 0 */
    assert_int_equal(dccd_store_save(s, &td, &b, NULL, NULL, &e), DCCD_OK);
    dccd_table_free(&b);
    expect_last(s, &td, 0);
    dccd_interval *iv = NULL;
    size_t n = 0;
    assert_int_equal(dccd_store_missing_intervals(s, &td, 0, 100, &iv, &n, &e), DCCD_OK);
    assert_int_equal(n, 1);
    assert_true(iv[0].start == 1 && iv[0].end == 100);
    free(iv);
    assert_true(exists(".dccd/wal/kraken/trades/ETH-USDT/1970-01-01"));
    dccd_store_close(s);
}

static void test_negative_ts_refused(void **state)
{
    (void)state;
    dccd_store *s = open_store(false);
    dccd_dataset ds;
    ohlc_ds(&ds);
    dccd_error e;
    dccd_table b;
    fx_make_bars(&b, 0, MIN_NS, 4, 1.0);
    ((int64_t *)b.cols[0].values)[2] = -5;
    assert_int_equal(dccd_store_save(s, &ds, &b, NULL, NULL, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "row 2"));
    assert_non_null(strstr(e.msg, "TS must be >= 0 nanoseconds since 1970-01-01T00:00:00Z, got -5"));
    assert_false(exists("binance"));
    assert_false(exists(".dccd/wal/binance"));
    dccd_table_free(&b);
    dccd_store_close(s);
}

/* ---- B: TS below 1e18 ns is nanoseconds in dccd's files ------------------ */

static void count_problem(void *ctx, const char *path, const char *message)
{
    (void)path;
    if (message) {
        (*(size_t *)ctx)++;
        print_message("verify: %s: %s\n", path, message);
    }
}

/* Every reader gives back what was saved: t0 .. t0 + (n - 1) * step */
static void expect_everywhere(dccd_store *s, const dccd_dataset *ds, int64_t t0, int64_t step, size_t n)
{
    dccd_error e;
    expect_ts(s, ds, t0, step, n);
    expect_last(s, ds, t0 + (int64_t)(n - 1) * step);
    /* a range load of the saved span */
    dccd_table got;
    assert_int_equal(dccd_store_load(s, ds, t0, t0 + (int64_t)(n - 1) * step, &got, &e), DCCD_OK);
    assert_int_equal(got.nrows, n);
    dccd_table_free(&got);
    /* holes: none inside */
    dccd_interval *iv = NULL;
    size_t ni = 0;
    assert_int_equal(dccd_store_holes(s, ds, DCCD_TS_MIN, DCCD_TS_MAX, step, &iv, &ni, &e), DCCD_OK);
    assert_int_equal(ni, 0);
    free(iv);
    /* inventory: the dataset, its range as saved */
    dccd_inventory_entry *inv = NULL;
    size_t nv = 0;
    assert_int_equal(dccd_store_inventory(s, &inv, &nv, &e), DCCD_OK);
    bool seen = false;
    for (size_t i = 0; i < nv; i++) {
        if (inv[i].type != ds->type || strcmp(inv[i].exchange, ds->exchange) != 0)
            continue;
        seen = true;
        assert_true(inv[i].has_ts);
        assert_true(inv[i].min_ts == t0);
        assert_true(inv[i].max_ts == t0 + (int64_t)(n - 1) * step);
    }
    free(inv);
    assert_true(seen);
    /* verify: nothing wrong (rows in the period named by the file) */
    size_t problems = 0;
    dccd_verify_report vr;
    assert_int_equal(dccd_store_verify(s, ds, count_problem, &problems, &vr, &e), DCCD_OK);
    assert_int_equal(problems, 0);
    /* migrate: nothing legacy */
    dccd_migrate_report mr;
    assert_int_equal(dccd_store_migrate(s, ds, true, NULL, NULL, &mr, &e), DCCD_OK);
    assert_int_equal(mr.legacy, 0);
}

static void check_before_2001(dccd_data_type type, int64_t t0, int64_t step, size_t n)
{
    dccd_store *s = open_store(false);
    dccd_dataset ds;
    if (type == DCCD_OHLC)
        ohlc_ds(&ds);
    else
        trades_ds(&ds);
    dccd_error e;
    dccd_table b;
    if (type == DCCD_OHLC)
        fx_make_bars(&b, t0, step, n, 1.0);
    else {
        fx_make_trades(&b, t0, n, 1);
        for (size_t i = 0; i < n; i++) /* one trade per step */
            ((int64_t *)b.cols[0].values)[i] = t0 + (int64_t)i * step;
    }
    assert_int_equal(dccd_store_save(s, &ds, &b, NULL, NULL, &e), DCCD_OK);
    dccd_table_free(&b);
    expect_everywhere(s, &ds, t0, step, n); /* pending */
    dccd_checkpoint_report rep;
    assert_int_equal(dccd_store_checkpoint(s, &ds, &rep, &e), DCCD_OK);
    assert_int_equal(rep.segments, 1);
    expect_everywhere(s, &ds, t0, step, n); /* in the period file */
    /* a second save and checkpoint (raw copies of the first rows) */
    if (type == DCCD_OHLC)
        fx_make_bars(&b, t0 + (int64_t)n * step, step, n, 1.0);
    else {
        fx_make_trades(&b, t0, n, 1000);
        for (size_t i = 0; i < n; i++)
            ((int64_t *)b.cols[0].values)[i] = t0 + (int64_t)(n + i) * step;
    }
    assert_int_equal(dccd_store_save(s, &ds, &b, NULL, NULL, &e), DCCD_OK);
    dccd_table_free(&b);
    expect_everywhere(s, &ds, t0, step, 2 * n);
    assert_int_equal(dccd_store_checkpoint(s, &ds, &rep, &e), DCCD_OK);
    expect_everywhere(s, &ds, t0, step, 2 * n);
    dccd_store_close(s);
}

static void test_ohlc_2000_reads_as_stored(void **state)
{
    (void)state;
    check_before_2001(DCCD_OHLC, T2000, MIN_NS, 50);
    assert_true(exists("binance/ohlc/BTC-USDT/1m/2000.parquet"));
}

static void test_trades_2000_reads_as_stored(void **state)
{
    (void)state;
    check_before_2001(DCCD_TRADES, T2000, DCCD_NS, 50);
    assert_true(exists("kraken/trades/ETH-USDT/2000-01-01.parquet"));
}

/* seconds by mistake: stored as nanoseconds in 1970, and it stays there */
static void test_ohlc_seconds_by_mistake_stay_1970(void **state)
{
    (void)state;
    check_before_2001(DCCD_OHLC, TSEC, 1, 20);
    assert_true(exists("binance/ohlc/BTC-USDT/1m/1970.parquet"));
    assert_false(exists("binance/ohlc/BTC-USDT/1m/2025.parquet"));
}

static void test_trades_seconds_by_mistake_stay_1970(void **state)
{
    (void)state;
    check_before_2001(DCCD_TRADES, TSEC, 1, 20);
    assert_true(exists("kraken/trades/ETH-USDT/1970-01-01.parquet"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ts_zero_saved_and_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_negative_ts_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ohlc_2000_reads_as_stored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trades_2000_reads_as_stored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ohlc_seconds_by_mistake_stay_1970, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trades_seconds_by_mistake_stay_1970, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
