/*
 * tests/unit/test_store.c - the store end to end in a temporary root:
 * layout and file names, save through the write-ahead log, load with the
 * seed's de-dup semantics before and after checkpoints, raw row-group
 * copies on append, provenance kept, bad batches refused with nothing
 * written, hostile names refused, corrupt period files skipped by load and
 * never overwritten by a save's checkpoint.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_int.h"
#include "helpers/store_fixture.h"

#define T2099 INT64_C(4070908800000000000) /* 2099-01-01T00:00:00Z: a period not yet complete */
#define MIN_NS (INT64_C(60) * DCCD_NS)

static char root[FX_ROOT_MAX];

static int setup(void **state)
{
    (void)state;
    fx_root_make(root, "store");
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
    return fx_store_open(root, &o);
}

static void ohlc_ds(dccd_dataset *ds)
{
    fx_dataset(ds, "binance", "BTC/USDT", DCCD_OHLC, 60);
}

static void trades_ds(dccd_dataset *ds)
{
    fx_dataset(ds, "kraken", "eth-usdt:perp", DCCD_TRADES, 0);
}

/* n one-minute bars from t0, close = base + i */
static void make_bars(dccd_table *t, int64_t t0, size_t n, double base)
{
    fx_make_bars(t, t0, MIN_NS, n, base);
}

static bool exists(const char *rel)
{
    char p[512];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", root, rel);
    return stat(p, &st) == 0;
}

static void test_layout_and_roundtrip(void **state)
{
    (void)state;
    dccd_store *s = open_store(false);
    dccd_dataset ds;
    ohlc_ds(&ds);
    dccd_table b;
    make_bars(&b, T2099, 100, 10.0);
    int64_t written = 0;
    dccd_error e;
    assert_int_equal(dccd_store_save(s, &ds, &b, NULL, &written, &e), DCCD_OK);
    assert_int_equal(written, 100);
    /* in the log, not yet in the period file */
    assert_false(exists("binance/ohlc/BTC-USDT/1m/2099.parquet"));
    dccd_table got;
    assert_int_equal(dccd_store_load(s, &ds, DCCD_TS_MIN, DCCD_TS_MAX, &got, &e), DCCD_OK);
    assert_int_equal(got.nrows, 100);
    assert_true(((double *)got.cols[OHLC_CLOSE].values)[99] == 109.0);
    dccd_table_free(&got);
    bool found;
    int64_t last;
    assert_int_equal(dccd_store_last_timestamp(s, &ds, &found, &last, &e), DCCD_OK);
    assert_true(found);
    assert_true(last == T2099 + 99 * MIN_NS);
    dccd_checkpoint_report rep;
    assert_int_equal(dccd_store_checkpoint(s, &ds, &rep, &e), DCCD_OK);
    assert_int_equal(rep.segments, 1);
    assert_true(exists("binance/ohlc/BTC-USDT/1m/2099.parquet"));
    /* the period file reads back with the seed's column names and values */
    dccd_pq_file *f;
    char path[512];
    snprintf(path, sizeof path, "%s/binance/ohlc/BTC-USDT/1m/2099.parquet", root);
    assert_int_equal(dccd_pq_open(path, &f, &e), DCCD_OK);
    assert_int_equal(dccd_pq_num_rows(f), 100);
    assert_int_equal(dccd_pq_num_columns(f), 8);
    assert_string_equal(dccd_pq_column_info_at(f, 6)->name, "quote_volume");
    assert_non_null(dccd_pq_kv_get(f, "dccd.schema_version"));
    dccd_pq_close(f);
    assert_int_equal(dccd_store_load(s, &ds, T2099 + 10 * MIN_NS, T2099 + 19 * MIN_NS, &got, &e), DCCD_OK);
    assert_int_equal(got.nrows, 10); /* inclusive on both ends */
    assert_true(((int64_t *)got.cols[0].values)[0] == T2099 + 10 * MIN_NS);
    dccd_table_free(&got);
    dccd_table_free(&b);
    dccd_store_close(s);
}

static void test_overlap_keeps_last(void **state)
{
    (void)state;
    dccd_store *s = open_store(false);
    dccd_dataset ds;
    ohlc_ds(&ds);
    dccd_error e;
    dccd_table a, b, got;
    make_bars(&a, T2099 + 1000 * MIN_NS, 50, 1.0);
    make_bars(&b, T2099 + 1040 * MIN_NS, 20, 500.0); /* overlaps the last 10 */
    assert_int_equal(dccd_store_save(s, &ds, &a, NULL, NULL, &e), DCCD_OK);
    assert_int_equal(dccd_store_save(s, &ds, &b, NULL, NULL, &e), DCCD_OK);
    for (int pass = 0; pass < 2; pass++) {
        assert_int_equal(dccd_store_load(s, &ds, T2099 + 1000 * MIN_NS, T2099 + 2000 * MIN_NS, &got, &e), DCCD_OK);
        assert_int_equal(got.nrows, 60);
        assert_true(((double *)got.cols[OHLC_CLOSE].values)[39] == 40.0);
        assert_true(((double *)got.cols[OHLC_CLOSE].values)[40] == 500.0); /* the later save wins */
        assert_true(dccd_ts_sorted(got.cols[0].values, got.nrows));
        dccd_table_free(&got);
        assert_int_equal(dccd_store_checkpoint(s, &ds, NULL, &e), DCCD_OK);
    }
    dccd_table_free(&a);
    dccd_table_free(&b);
    dccd_store_close(s);
}

static void test_append_copies_row_groups_raw(void **state)
{
    (void)state;
    dccd_store *s = open_store(false);
    dccd_dataset ds;
    ohlc_ds(&ds);
    dccd_error e;
    dccd_checkpoint_report rep;
    int64_t t0 = T2099 + 100000 * MIN_NS;
    for (int i = 0; i < 5; i++) {
        dccd_table b;
        make_bars(&b, t0 + i * 1500 * MIN_NS, 1500, (double)i * 10000);
        assert_int_equal(dccd_store_save(s, &ds, &b, NULL, NULL, &e), DCCD_OK);
        assert_int_equal(dccd_store_checkpoint(s, &ds, &rep, &e), DCCD_OK);
        if (i >= 2)
            assert_true(rep.row_groups_copied >= 1); /* old data copied, not re-encoded */
        dccd_table_free(&b);
    }
    dccd_table got;
    assert_int_equal(dccd_store_load(s, &ds, DCCD_TS_MIN, DCCD_TS_MAX, &got, &e), DCCD_OK);
    assert_int_equal(got.nrows, 7500);
    const int64_t *ts = got.cols[0].values;
    for (size_t i = 0; i < got.nrows; i++)
        assert_true(ts[i] == t0 + (int64_t)i * MIN_NS);
    dccd_table_free(&got);
    dccd_store_close(s);
}

static void test_trades_tid_dedup_and_bloom_path(void **state)
{
    (void)state;
    dccd_store *s = open_store(false);
    dccd_dataset ds;
    trades_ds(&ds);
    dccd_error e;
    dccd_table a, b, c, got;
    int64_t t0 = T2099 + 5 * DCCD_NS;
    fx_make_trades(&a, t0, 3000, 1);
    fx_make_trades(&b, t0 + 2000 * DCCD_NS, 300, 5000); /* new tids, later TS */
    fx_make_trades(&c, t0 + 10 * DCCD_NS, 3, 2);        /* tids 2..4 again: replace */
    ((double *)c.cols[TR_PRICE].values)[0] = 999.0;
    assert_int_equal(dccd_store_save(s, &ds, &a, NULL, NULL, &e), DCCD_OK);
    assert_int_equal(dccd_store_checkpoint(s, &ds, NULL, &e), DCCD_OK);
    assert_int_equal(dccd_store_save(s, &ds, &b, NULL, NULL, &e), DCCD_OK);
    assert_int_equal(dccd_store_checkpoint(s, &ds, NULL, &e), DCCD_OK);
    assert_int_equal(dccd_store_save(s, &ds, &c, NULL, NULL, &e), DCCD_OK);
    for (int pass = 0; pass < 2; pass++) {
        assert_int_equal(dccd_store_load(s, &ds, DCCD_TS_MIN, DCCD_TS_MAX, &got, &e), DCCD_OK);
        assert_int_equal(got.nrows, 3300);
        size_t hits = 0;
        for (size_t i = 0; i < got.nrows; i++) {
            const dccd_pq_column *tid = &got.cols[TR_TID];
            if (tid->offsets[i + 1] - tid->offsets[i] == 1 && tid->data[tid->offsets[i]] == '2') {
                assert_true(((double *)got.cols[TR_PRICE].values)[i] == 999.0);
                hits++;
            }
        }
        assert_int_equal(hits, 1);
        assert_true(dccd_ts_sorted(got.cols[0].values, got.nrows));
        dccd_table_free(&got);
        assert_int_equal(dccd_store_checkpoint(s, &ds, NULL, &e), DCCD_OK);
    }
    dccd_table_free(&a);
    dccd_table_free(&b);
    dccd_table_free(&c);
    dccd_store_close(s);
}

static void test_bad_batch_writes_nothing(void **state)
{
    (void)state;
    dccd_store *s = open_store(true);
    dccd_dataset ds;
    ohlc_ds(&ds);
    ds.span = 3600;
    dccd_error e;
    dccd_table b;
    make_bars(&b, T2099, 10, 1.0);
    ((double *)b.cols[OHLC_HIGH].values)[7] = NAN;
    assert_int_equal(dccd_store_save(s, &ds, &b, NULL, NULL, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "row 7"));
    assert_false(exists("binance/ohlc/BTC-USDT/1h"));
    assert_false(exists(".dccd/wal/binance/ohlc/BTC-USDT/1h"));
    dccd_table_free(&b);
    /* hostile exchange name */
    dccd_dataset bad = ds;
    snprintf(bad.exchange, sizeof bad.exchange, "../../etc");
    make_bars(&b, T2099, 10, 1.0);
    assert_int_equal(dccd_store_save(s, &bad, &b, NULL, NULL, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "../../etc"));
    dccd_table_free(&b);
    dccd_store_close(s);
}

static void test_provenance_kept(void **state)
{
    (void)state;
    dccd_store *s = open_store(true);
    dccd_dataset ds;
    ohlc_ds(&ds);
    ds.span = 300;
    dccd_error e;
    dccd_provenance prov;
    assert_int_equal(dccd_provenance_init(&prov, "binance:rest", NULL, &e), DCCD_OK);
    dccd_table b;
    make_bars(&b, T2099, 10, 1.0);
    assert_int_equal(dccd_store_save(s, &ds, &b, &prov, NULL, &e), DCCD_OK);
    dccd_table_free(&b);
    make_bars(&b, T2099 + 50 * MIN_NS, 10, 1.0);
    assert_int_equal(dccd_store_save(s, &ds, &b, NULL, NULL, &e), DCCD_OK); /* no provenance: kept */
    dccd_table_free(&b);
    char path[512];
    snprintf(path, sizeof path, "%s/binance/ohlc/BTC-USDT/5m/2099.parquet", root);
    dccd_provenance got;
    bool found;
    assert_int_equal(dccd_read_provenance(path, &got, &found, &e), DCCD_OK);
    assert_true(found);
    assert_string_equal(got.source, "binance:rest");
    assert_null(got.derived_from);
    dccd_provenance_free(&got);
    dccd_provenance_free(&prov);
    dccd_store_close(s);
}

static void test_corrupt_file_skipped_and_never_overwritten(void **state)
{
    (void)state;
    dccd_store *s = open_store(true);
    dccd_dataset ds;
    ohlc_ds(&ds);
    ds.span = 900;
    dccd_error e;
    dccd_table b, got;
    make_bars(&b, T2099, 10, 1.0);
    assert_int_equal(dccd_store_save(s, &ds, &b, NULL, NULL, &e), DCCD_OK);
    dccd_table_free(&b);
    /* a 2023 file of garbage */
    char path[512];
    snprintf(path, sizeof path, "%s/binance/ohlc/BTC-USDT/15m/2023.parquet", root);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs("this is not parquet at all", fp);
    fclose(fp);
    assert_int_equal(dccd_store_load(s, &ds, DCCD_TS_MIN, DCCD_TS_MAX, &got, &e), DCCD_OK);
    assert_int_equal(got.nrows, 10); /* the 2099 rows still load */
    dccd_table_free(&got);
    /* a save into 2023 must fail and leave the file as it was */
    make_bars(&b, INT64_C(1672531200000000000), 5, 1.0);
    assert_int_not_equal(dccd_store_save(s, &ds, &b, NULL, NULL, &e), DCCD_OK);
    dccd_table_free(&b);
    fp = fopen(path, "rb");
    char buf[64] = {0};
    assert_non_null(fgets(buf, sizeof buf, fp));
    fclose(fp);
    assert_string_equal(buf, "this is not parquet at all");
    dccd_store_close(s);
}

static void test_missing_intervals_seed_contract(void **state)
{
    (void)state;
    dccd_store *s = open_store(false);
    dccd_dataset ds;
    ohlc_ds(&ds);
    ds.span = 3600;
    dccd_error e;
    dccd_table b;
    /* 2099-01-01 10:00 .. 19:00 hourly */
    assert_int_equal(dccd_table_alloc(&b, DCCD_OHLC, 10, NULL), DCCD_OK);
    for (int i = 0; i < 10; i++) {
        ((int64_t *)b.cols[0].values)[i] = T2099 + (10 + i) * INT64_C(3600) * DCCD_NS;
        for (int c = 1; c <= 5; c++)
            ((double *)b.cols[c].values)[i] = 1.0;
    }
    assert_int_equal(dccd_store_save(s, &ds, &b, NULL, NULL, &e), DCCD_OK);
    dccd_table_free(&b);
    dccd_interval *iv;
    size_t n;
    int64_t end = T2099 + INT64_C(86400) * DCCD_NS;
    assert_int_equal(dccd_store_missing_intervals(s, &ds, T2099, end, &iv, &n, &e), DCCD_OK);
    assert_int_equal(n, 2);
    assert_true(iv[0].start == T2099 && iv[0].end == T2099 + 10 * INT64_C(3600) * DCCD_NS);
    assert_true(iv[1].start == T2099 + 20 * INT64_C(3600) * DCCD_NS && iv[1].end == end);
    free(iv);
    dccd_store_close(s);
}

/* Trades whose tid key changes between saves (a later save has null tids):
 * the checkpoint takes the full path and must give exactly the seed's
 * step-by-step fold, before and after the checkpoint. */
static void test_trades_mixed_null_tids_full_path(void **state)
{
    (void)state;
    dccd_store *s = open_store(false);
    dccd_dataset ds;
    trades_ds(&ds);
    dccd_error e;
    dccd_table a, b, want, got;
    int64_t t0 = T2099 + 7 * DCCD_NS;
    fx_make_trades(&a, t0, 200, 1);
    fx_make_trades(&b, t0 + 30 * DCCD_NS, 60, 150); /* overlaps a, with nulls below */
    assert_int_equal(dccd_table_col_validity(&b, TR_TID, NULL), DCCD_OK);
    for (size_t i = 0; i < b.nrows; i += 4)
        b.cols[TR_TID].validity[i] = 0;
    assert_int_equal(dccd_store_save(s, &ds, &a, NULL, NULL, &e), DCCD_OK);
    assert_int_equal(dccd_store_checkpoint(s, &ds, NULL, &e), DCCD_OK);
    assert_int_equal(dccd_store_save(s, &ds, &b, NULL, NULL, &e), DCCD_OK);
    /* reference: the seed's saves one after another */
    dccd_table empty, f1;
    dccd_table_init(&empty, DCCD_TRADES);
    const dccd_table *s1[2] = {&empty, &a};
    assert_int_equal(dccd_merge_fold(s1, 2, &f1, NULL), DCCD_OK);
    const dccd_table *s2[2] = {&f1, &b};
    assert_int_equal(dccd_merge_fold(s2, 2, &want, NULL), DCCD_OK);
    for (int pass = 0; pass < 2; pass++) {
        assert_int_equal(dccd_store_load(s, &ds, DCCD_TS_MIN, DCCD_TS_MAX, &got, &e), DCCD_OK);
        assert_int_equal(got.nrows, want.nrows);
        for (size_t i = 0; i < got.nrows; i++) {
            assert_true(((int64_t *)got.cols[TR_TS].values)[i] == ((int64_t *)want.cols[TR_TS].values)[i]);
            assert_int_equal(dccd_col_valid(&got.cols[TR_TID], i), dccd_col_valid(&want.cols[TR_TID], i));
        }
        dccd_table_free(&got);
        dccd_checkpoint_report rep;
        assert_int_equal(dccd_store_checkpoint(s, &ds, &rep, &e), DCCD_OK);
        if (pass == 0)
            assert_int_equal(rep.row_groups_copied, 0); /* full path: nothing copied raw */
    }
    dccd_table_free(&want);
    dccd_table_free(&f1);
    dccd_table_free(&empty);
    dccd_table_free(&a);
    dccd_table_free(&b);
    dccd_store_close(s);
}

/* A complete period (its end in the past) is folded on the next save to
 * another period of the dataset (yesterday's day file once today's saves
 * begin; a backfill's period once it moves on), not at every save into it
 * (a backfill in batches would copy the file once per batch). */
static void test_complete_periods_folded_on_save(void **state)
{
    (void)state;
    dccd_store *s = open_store(false);
    dccd_dataset ds;
    trades_ds(&ds);
    dccd_error e;
    dccd_table a;
    const int64_t day1 = INT64_C(1704067200000000000); /* 2024-01-01 */
    for (int i = 0; i < 3; i++) {                       /* a backfill of one past day in batches */
        fx_make_trades(&a, day1 + DCCD_NS + i * 100 * DCCD_NS, 30, 1 + 30 * i);
        assert_int_equal(dccd_store_save(s, &ds, &a, NULL, NULL, &e), DCCD_OK);
        dccd_table_free(&a);
    }
    assert_false(exists("kraken/trades/ETH-USDT_PERP/2024-01-01.parquet"));
    /* it moves on to the next day: the first day is folded, once */
    fx_make_trades(&a, day1 + DCCD_NS_PER_DAY + DCCD_NS, 12, 100);
    assert_int_equal(dccd_store_save(s, &ds, &a, NULL, NULL, &e), DCCD_OK);
    dccd_table_free(&a);
    assert_true(exists("kraken/trades/ETH-USDT_PERP/2024-01-01.parquet"));
    assert_false(exists(".dccd/wal/kraken/trades/ETH-USDT_PERP/2024-01-01"));
    assert_false(exists("kraken/trades/ETH-USDT_PERP/2024-01-02.parquet"));
    /* today's save (a day not yet over) stays pending, yesterday's is folded */
    fx_make_trades(&a, T2099 + DCCD_NS, 6, 500);
    assert_int_equal(dccd_store_save(s, &ds, &a, NULL, NULL, &e), DCCD_OK);
    dccd_table_free(&a);
    assert_true(exists("kraken/trades/ETH-USDT_PERP/2024-01-02.parquet"));
    assert_false(exists(".dccd/wal/kraken/trades/ETH-USDT_PERP/2024-01-02"));
    assert_false(exists("kraken/trades/ETH-USDT_PERP/2099-01-01.parquet"));
    dccd_table got;
    assert_int_equal(dccd_store_load(s, &ds, DCCD_TS_MIN, DCCD_TS_MAX, &got, &e), DCCD_OK);
    assert_int_equal(got.nrows, 108);
    dccd_table_free(&got);
    /* the file of the first day holds all three batches */
    char path[512];
    snprintf(path, sizeof path, "%s/kraken/trades/ETH-USDT_PERP/2024-01-01.parquet", root);
    dccd_pq_file *f;
    assert_int_equal(dccd_pq_open(path, &f, &e), DCCD_OK);
    assert_int_equal(dccd_pq_num_rows(f), 90);
    dccd_pq_close(f);
    dccd_store_close(s);
}

/* Regression (found by tests/diff/run_diff.mjs, seed 101): trades keyed on
 * tid keep the LAST row of a tid, which may have another TS; the last
 * timestamp must be the last TS of the rows that remain, not the footers'
 * bound that still counts the replaced row, with pending segments both
 * among themselves and over a period file, and after the checkpoint. */
static void test_trades_last_ts_after_tid_replaced(void **state)
{
    (void)state;
    dccd_dataset ds;
    trades_ds(&ds);
    dccd_error e;
    int64_t t0 = T2099 + 5 * DCCD_NS;
    for (int mode = 0; mode < 3; mode++) {
        dccd_store *s = open_store(false);
        dccd_table a, c, b;
        fx_make_trades(&a, t0, 4, 1);         /* tids 1..3 at t0, tid 4 at t0 + 1 s */
        fx_make_trades(&c, t0, 1, 4);         /* tid 4 again, at t0: replaces the last row */
        fx_make_trades(&b, t0 + 9 * DCCD_NS, 2, 100); /* fresh tids, later */
        bool found = false;
        int64_t last = 0;
        assert_int_equal(dccd_store_save(s, &ds, &a, NULL, NULL, &e), DCCD_OK);
        if (mode == 1)
            assert_int_equal(dccd_store_checkpoint(s, &ds, NULL, &e), DCCD_OK);
        assert_int_equal(dccd_store_last_timestamp(s, &ds, &found, &last, &e), DCCD_OK);
        assert_true(found);
        assert_true(last == t0 + DCCD_NS);
        assert_int_equal(dccd_store_save(s, &ds, &c, NULL, NULL, &e), DCCD_OK);
        if (mode == 2)
            assert_int_equal(dccd_store_checkpoint(s, &ds, NULL, &e), DCCD_OK);
        assert_int_equal(dccd_store_last_timestamp(s, &ds, &found, &last, &e), DCCD_OK);
        assert_true(found);
        assert_true(last == t0);
        dccd_interval *iv = NULL;
        size_t n = 0;
        assert_int_equal(dccd_store_missing_intervals(s, &ds, T2099, t0 + 100 * DCCD_NS, &iv, &n, &e), DCCD_OK);
        assert_int_equal(n, 1);
        assert_true(iv[0].start == t0 + 1 && iv[0].end == t0 + 100 * DCCD_NS);
        free(iv);
        /* fresh tids after it: the footers' bound is exact again */
        assert_int_equal(dccd_store_save(s, &ds, &b, NULL, NULL, &e), DCCD_OK);
        assert_int_equal(dccd_store_last_timestamp(s, &ds, &found, &last, &e), DCCD_OK);
        assert_true(last == t0 + 9 * DCCD_NS);
        assert_int_equal(dccd_store_checkpoint(s, &ds, NULL, &e), DCCD_OK);
        assert_int_equal(dccd_store_last_timestamp(s, &ds, &found, &last, &e), DCCD_OK);
        assert_true(last == t0 + 9 * DCCD_NS);
        dccd_table_free(&a);
        dccd_table_free(&b);
        dccd_table_free(&c);
        dccd_store_close(s);
        teardown(NULL);
        setup(NULL);
    }
}

/* Regression (found by tests/diff/run_diff.mjs, seed 205): a period file
 * without null tids (last de-duplicated on tid) and a pending save whose
 * tids are all null: the seed's merge then de-duplicates the WHOLE merged
 * frame on (TS, price, amount, side), collapsing distinct trades of the file
 * that agree on those columns.  The checkpoint must not copy the file's row
 * groups raw in that case. */
static void test_trades_key_switch_to_composite_checkpoint(void **state)
{
    (void)state;
    dccd_store *s = open_store(false);
    dccd_dataset ds;
    trades_ds(&ds);
    dccd_error e;
    int64_t t0 = T2099 + 5 * DCCD_NS;
    dccd_table a, b, got;
    /* 600 trades, 3 per TS, sides buy/sell/buy or sell/buy/sell, one price:
     * one composite duplicate per TS, distinct tids */
    fx_make_trades(&a, t0, 600, 1);
    for (size_t i = 0; i < a.nrows; i++)
        ((double *)a.cols[TR_PRICE].values)[i] = 100.0;
    fx_make_trades(&b, t0 + 1000 * DCCD_NS, 1, 9000);
    assert_int_equal(dccd_table_col_validity(&b, TR_TID, &e), DCCD_OK);
    b.cols[TR_TID].validity[0] = 0;
    b.cols[TR_TID].null_count = 1;
    b.cols[TR_TID].offsets[1] = 0;
    assert_int_equal(dccd_store_save(s, &ds, &a, NULL, NULL, &e), DCCD_OK);
    assert_int_equal(dccd_store_checkpoint(s, &ds, NULL, &e), DCCD_OK);
    assert_int_equal(dccd_store_save(s, &ds, &b, NULL, NULL, &e), DCCD_OK);
    for (int pass = 0; pass < 2; pass++) {
        assert_int_equal(dccd_store_load(s, &ds, DCCD_TS_MIN, DCCD_TS_MAX, &got, &e), DCCD_OK);
        assert_int_equal(got.nrows, 401); /* 200 TS x 2 distinct (side) + the new trade */
        dccd_table_free(&got);
        assert_int_equal(dccd_store_checkpoint(s, &ds, NULL, &e), DCCD_OK);
    }
    dccd_table_free(&a);
    dccd_table_free(&b);
    dccd_store_close(s);
}

/* Regression (found by tests/diff/run_diff.mjs, seed 206): a save whose
 * null-tid row is replaced on the composite key by a row with a tid leaves a
 * period file with no null tid but one tid twice; the seed's next merge with
 * tids everywhere de-duplicates the whole frame on tid and collapses them.
 * The checkpoint must not copy such a file's row groups raw. */
static void test_trades_file_with_duplicate_tids_checkpoint(void **state)
{
    (void)state;
    dccd_store *s = open_store(false);
    dccd_dataset ds;
    trades_ds(&ds);
    dccd_error e;
    int64_t t0 = T2099 + 5 * DCCD_NS;
    dccd_table a, c, ac, b, got;
    fx_make_trades(&a, t0, 900, 1); /* 3 per TS, one price: one composite duplicate per TS */
    for (size_t i = 0; i < a.nrows; i++)
        ((double *)a.cols[TR_PRICE].values)[i] = 100.0;
    assert_int_equal(dccd_table_col_validity(&a, TR_TID, &e), DCCD_OK);
    a.cols[TR_TID].validity[0] = 0; /* replaced by row 2 on the composite key */
    a.cols[TR_TID].null_count = 1;
    fx_make_trades(&c, t0 + 600 * DCCD_NS, 1, 5); /* tid "5" again, another TS */
    const dccd_table *parts[2] = {&a, &c};
    assert_int_equal(dccd_table_concat(parts, 2, &ac, &e), DCCD_OK);
    fx_make_trades(&b, t0 + 1000 * DCCD_NS, 2, 5000); /* fresh tids, later */
    assert_int_equal(dccd_store_save(s, &ds, &ac, NULL, NULL, &e), DCCD_OK);
    assert_int_equal(dccd_store_checkpoint(s, &ds, NULL, &e), DCCD_OK);
    assert_int_equal(dccd_store_load(s, &ds, DCCD_TS_MIN, DCCD_TS_MAX, &got, &e), DCCD_OK);
    assert_int_equal(got.nrows, 601); /* 300 TS x 2 + the second "5"; no null tid left */
    assert_null(got.cols[TR_TID].validity ? memchr(got.cols[TR_TID].validity, 0, got.nrows) : NULL);
    dccd_table_free(&got);
    assert_int_equal(dccd_store_save(s, &ds, &b, NULL, NULL, &e), DCCD_OK);
    for (int pass = 0; pass < 2; pass++) {
        assert_int_equal(dccd_store_load(s, &ds, DCCD_TS_MIN, DCCD_TS_MAX, &got, &e), DCCD_OK);
        assert_int_equal(got.nrows, 602); /* tid key now: the two "5" collapse */
        dccd_table_free(&got);
        assert_int_equal(dccd_store_checkpoint(s, &ds, NULL, &e), DCCD_OK);
    }
    dccd_table_free(&a);
    dccd_table_free(&c);
    dccd_table_free(&ac);
    dccd_table_free(&b);
    dccd_store_close(s);
}

/* One trade row per spec "TSsec:price:side:tid" (tid "-" = null). */
static void make_trade_rows(dccd_table *t, const char *const *spec, size_t n)
{
    assert_int_equal(dccd_table_alloc(t, DCCD_TRADES, n, NULL), DCCD_OK);
    assert_int_equal(dccd_table_col_validity(t, TR_TID, NULL), DCCD_OK);
    dccd_pq_column *side = &t->cols[TR_SIDE], *tid = &t->cols[TR_TID];
    side->data = malloc(n * 4 + 1);
    tid->data = malloc(n * 16 + 1);
    size_t sp = 0, tp = 0;
    for (size_t i = 0; i < n; i++) {
        int sec = 0;
        double price = 0;
        char sd[8] = "", td[16] = "";
        assert_int_equal(sscanf(spec[i], "%d:%lf:%7[a-z]:%15s", &sec, &price, sd, td), 4);
        ((int64_t *)t->cols[TR_TS].values)[i] = T2099 + sec * DCCD_NS;
        ((double *)t->cols[TR_PRICE].values)[i] = price;
        ((double *)t->cols[TR_AMOUNT].values)[i] = 1.0;
        memcpy(side->data + sp, sd, strlen(sd));
        sp += strlen(sd);
        side->offsets[i + 1] = (int64_t)sp;
        if (strcmp(td, "-") == 0) {
            tid->validity[i] = 0;
        } else {
            memcpy(tid->data + tp, td, strlen(td));
            tp += strlen(td);
        }
        tid->offsets[i + 1] = (int64_t)tp;
    }
}

/* A checkpoint whose fold was on the composite key can leave one tid twice
 * in a file without null tids; a later tid-keyed pending save must then
 * fold the whole period (the seed collapses the twice-held tid), not
 * stream the file row group by row group as if its tids were unique (the
 * two rows of the tid sit in different row groups here). */
static void test_trades_stream_needs_unique_tids(void **state)
{
    (void)state;
    dccd_store *s = open_store(false); /* 1,000-row row groups */
    dccd_dataset ds;
    trades_ds(&ds);
    dccd_error e;
    enum { NF = 1500 };
    char(*buf)[40] = malloc((NF + 1) * sizeof *buf);
    const char **spec = malloc((NF + 1) * sizeof *spec);
    assert_non_null(buf);
    assert_non_null(spec);
    for (int i = 0; i < NF; i++) {
        snprintf(buf[i], sizeof buf[i], "%d:%d:sell:F%d", 10 + i, 100 + i, i);
        spec[i] = buf[i];
    }
    snprintf(buf[NF], sizeof buf[NF], "2000:20:buy:X");
    spec[NF] = buf[NF];
    static const char *const b1[] = {"1:10:buy:X", "5:50:sell:-"};
    static const char *const b3[] = {"5:50:sell:Y"};
    static const char *const b4[] = {"3000:90:buy:Z"};
    const char *const *bs[] = {b1, spec, b3, b4};
    size_t ns[] = {2, NF + 1, 1, 1};
    for (int i = 0; i < 4; i++) {
        dccd_table t;
        make_trade_rows(&t, bs[i], ns[i]);
        assert_int_equal(dccd_store_save(s, &ds, &t, NULL, NULL, &e), DCCD_OK);
        dccd_table_free(&t);
        /* after b3 the file holds X twice (1 s, 2000 s), Y, the fillers;
         * no null tid */
        if (i < 3)
            assert_int_equal(dccd_store_checkpoint(s, &ds, NULL, &e), DCCD_OK);
    }
    free(spec);
    free(buf);
    /* the seed: concat(file, b4) has no null tid -> unique on tid, keep
     * last: X only at 2000 s */
    for (int pass = 0; pass < 2; pass++) {
        dccd_table got;
        assert_int_equal(dccd_store_load(s, &ds, DCCD_TS_MIN, DCCD_TS_MAX, &got, &e), DCCD_OK);
        assert_int_equal(got.nrows, NF + 3);
        const int64_t *ts = got.cols[TR_TS].values;
        assert_true(ts[0] == T2099 + 5 * DCCD_NS);
        assert_true(ts[got.nrows - 2] == T2099 + 2000 * DCCD_NS);
        assert_true(ts[got.nrows - 1] == T2099 + 3000 * DCCD_NS);
        dccd_table_free(&got);
        if (pass == 0) /* and the checkpoint agrees */
            assert_int_equal(dccd_store_checkpoint(s, &ds, NULL, &e), DCCD_OK);
    }
    dccd_store_close(s);
}

/* A save that folds at once into a period holding nothing writes the
 * period file directly: the same rows and footer keys as a segment and its
 * checkpoint, no segment ever written, and later saves go through the log
 * as usual (trades with duplicate tids, and with a null tid). */
static int count_seg_files(const char *r)
{
    char cmd[FX_ROOT_MAX + 96];
    snprintf(cmd, sizeof cmd, "test $(find %s/.dccd -name '*.seg' 2>/dev/null | wc -l) -eq 0", r);
    return system(cmd) == 0 ? 0 : 1;
}

static void test_fresh_period_written_directly(void **state)
{
    (void)state;
    for (int nulltid = 0; nulltid < 2; nulltid++) {
        dccd_dataset ds;
        trades_ds(&ds);
        dccd_table t;
        fx_make_trades(&t, T2099, 500, 1);
        /* tids 1..500 with 10..19 repeated at the end: keep-last by tid drops
         * ten; with a null tid the key is composite and all 510 stay */
        dccd_table dup;
        fx_make_trades(&dup, T2099 + 400 * DCCD_NS, 10, 10);
        const dccd_table *two[2] = {&t, &dup};
        dccd_table batch;
        assert_int_equal(dccd_table_concat(two, 2, &batch, NULL), DCCD_OK);
        if (nulltid) {
            assert_int_equal(dccd_table_col_validity(&batch, TR_TID, NULL), DCCD_OK);
            batch.cols[TR_TID].validity[3] = 0;
            batch.cols[TR_TID].null_count = 1;
        }
        char ra[FX_ROOT_MAX], rb[FX_ROOT_MAX];
        fx_root_make(ra, "fresh-seg");
        fx_root_make(rb, "fresh-direct");
        dccd_store_options o;
        dccd_store_options_init(&o);
        o.durable = false;
        dccd_store *a = fx_store_open(ra, &o); /* a segment (no fold: few rows), then a checkpoint */
        o.sync_checkpoint = true;
        dccd_store *b = fx_store_open(rb, &o); /* folds at once: the direct write */
        dccd_error e;
        int64_t w;
        assert_int_equal(dccd_store_save(a, &ds, &batch, NULL, &w, &e), DCCD_OK);
        assert_int_equal(count_seg_files(ra), 1);
        dccd_checkpoint_report rep;
        assert_int_equal(dccd_store_checkpoint(a, &ds, &rep, &e), DCCD_OK);
        assert_int_equal(dccd_store_save(b, &ds, &batch, NULL, &w, &e), DCCD_OK);
        assert_int_equal(count_seg_files(rb), 0); /* no segment was written */
        dccd_table la, lb;
        assert_int_equal(dccd_store_load(a, &ds, DCCD_TS_MIN, DCCD_TS_MAX, &la, &e), DCCD_OK);
        assert_int_equal(dccd_store_load(b, &ds, DCCD_TS_MIN, DCCD_TS_MAX, &lb, &e), DCCD_OK);
        assert_int_equal(la.nrows, nulltid ? 510 : 500);
        assert_int_equal(lb.nrows, la.nrows);
        for (int c = 0; c < la.ncols; c++) {
            const dccd_pq_column *x = &la.cols[c], *y = &lb.cols[c];
            assert_int_equal(x->null_count, y->null_count);
            if (x->type == DCCD_PQ_BYTE_ARRAY) {
                assert_memory_equal(x->offsets, y->offsets, (la.nrows + 1) * sizeof(int64_t));
                assert_memory_equal(x->data, y->data, (size_t)x->offsets[la.nrows]);
            } else {
                assert_memory_equal(x->values, y->values, la.nrows * 8);
            }
        }
        dccd_table_free(&la);
        dccd_table_free(&lb);
        /* the same footer keys, but for the file id and the applied mark */
        char pa[FX_ROOT_MAX + 64], pb[FX_ROOT_MAX + 64];
        snprintf(pa, sizeof pa, "%s/kraken/trades/ETH-USDT_PERP/2099-01-01.parquet", ra);
        snprintf(pb, sizeof pb, "%s/kraken/trades/ETH-USDT_PERP/2099-01-01.parquet", rb);
        dccd_pq_file *fa, *fb;
        assert_int_equal(dccd_pq_open(pa, &fa, &e), DCCD_OK);
        assert_int_equal(dccd_pq_open(pb, &fb, &e), DCCD_OK);
        const char *ua = dccd_pq_kv_get(fa, DCCD_UNIQUE_KEYS_KEY), *ub = dccd_pq_kv_get(fb, DCCD_UNIQUE_KEYS_KEY);
        assert_true((ua == NULL) == (ub == NULL));
        if (ua)
            assert_string_equal(ua, ub);
        assert_string_equal(dccd_pq_kv_get(fb, DCCD_WAL_APPLIED_KEY), "0");
        assert_string_equal(dccd_pq_kv_get(fa, DCCD_SCHEMA_VERSION_KEY), dccd_pq_kv_get(fb, DCCD_SCHEMA_VERSION_KEY));
        dccd_pq_close(fa);
        dccd_pq_close(fb);
        /* a later save into that period is not fresh: it goes through the log */
        dccd_store_close(b);
        o.sync_checkpoint = false;
        b = fx_store_open(rb, &o);
        dccd_table more;
        fx_make_trades(&more, T2099 + 600 * DCCD_NS, 5, 5000);
        assert_int_equal(dccd_store_save(b, &ds, &more, NULL, &w, &e), DCCD_OK);
        assert_int_equal(count_seg_files(rb), 1);
        assert_int_equal(fx_load_rows(b, &ds), (nulltid ? 510 : 500) + 5);
        dccd_table_free(&more);
        dccd_store_close(a);
        dccd_store_close(b);
        dccd_table_free(&t);
        dccd_table_free(&dup);
        dccd_table_free(&batch);
        assert_int_equal(fx_root_remove(ra), 0);
        assert_int_equal(fx_root_remove(rb), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_layout_and_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overlap_keeps_last, setup, teardown),
        cmocka_unit_test_setup_teardown(test_append_copies_row_groups_raw, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trades_tid_dedup_and_bloom_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trades_mixed_null_tids_full_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trades_last_ts_after_tid_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trades_key_switch_to_composite_checkpoint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trades_file_with_duplicate_tids_checkpoint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trades_stream_needs_unique_tids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_batch_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_provenance_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_file_skipped_and_never_overwritten, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_intervals_seed_contract, setup, teardown),
        cmocka_unit_test_setup_teardown(test_complete_periods_folded_on_save, setup, teardown),
        cmocka_unit_test(test_fresh_period_written_directly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
