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
    return fx_store_open(root, &o);
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

/* ---- C: a period file with a valid footer and damaged pages ------------- */

#define T2099 INT64_C(4070908800000000000) /* 2099-01-01: a period not complete */

static size_t count_segments(const char *waldir)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "ls %s/%s 2>/dev/null | grep -c '\\.seg$'", root, waldir);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = 0;
    assert_int_equal(fscanf(p, "%zu", &n), 1);
    pclose(p);
    return n;
}

/* Overwrite the bytes after the magic (the first page header and data)
 * with 0xff, keeping the footer: the file opens, its pages do not decode. */
static unsigned char before_damage[65536];
static size_t before_len;

static void damage_pages(const char *rel, unsigned char *orig, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    before_len = (size_t)pread(fd, before_damage, sizeof before_damage, 0);
    unsigned char junk[48];
    memset(junk, 0xff, sizeof junk);
    assert_int_equal(pwrite(fd, junk, sizeof junk, 4), (ssize_t)sizeof junk);
    *len = (size_t)pread(fd, orig, 65536, 0);
    close(fd);
}

static void expect_bytes(const char *rel, const unsigned char *want, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    static unsigned char got[65536];
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, got, sizeof got, 0), (ssize_t)len);
    close(fd);
    assert_memory_equal(got, want, len);
}

static void find_problem(void *ctx, const char *path, const char *message)
{
    if (message && strstr(message, "a checkpoint could not read it: saves into this period are refused"))
        *(const char **)ctx = strstr(path, "1h/2099.parquet") ? "found" : "wrong path";
}

static void test_damaged_pages_refuse_saves(void **state)
{
    (void)state;
    static const char *file = "binance/ohlc/BTC-USDT/1h/2099.parquet";
    static const char *wal = ".dccd/wal/binance/ohlc/BTC-USDT/1h/2099";
    dccd_store *s = open_store(false);
    dccd_dataset ds;
    ohlc_ds(&ds);
    ds.span = 3600;
    dccd_error e;
    dccd_table b;
    fx_make_bars(&b, T2099, 3600 * DCCD_NS, 10, 1.0);
    assert_int_equal(dccd_store_save(s, &ds, &b, NULL, NULL, &e), DCCD_OK);
    dccd_table_free(&b);
    assert_int_equal(dccd_store_checkpoint(s, &ds, NULL, &e), DCCD_OK);
    static unsigned char orig[65536];
    size_t len = 0;
    damage_pages(file, orig, &len);
    /* the footer reads: this save cannot know, its rows go to the log */
    fx_make_bars(&b, T2099 + 10 * 3600 * DCCD_NS, 3600 * DCCD_NS, 5, 1.0);
    assert_int_equal(dccd_store_save(s, &ds, &b, NULL, NULL, &e), DCCD_OK);
    dccd_table_free(&b);
    assert_int_equal(count_segments(wal), 1);
    /* the checkpoint reads the pages: refused, nothing changed */
    assert_int_equal(dccd_store_checkpoint(s, &ds, NULL, &e), DCCD_ECORRUPT);
    expect_bytes(file, orig, len);
    assert_int_equal(count_segments(wal), 1);
    /* every later save is refused, naming the file, and writes nothing */
    for (int i = 0; i < 2; i++) {
        fx_make_bars(&b, T2099 + 20 * 3600 * DCCD_NS, 3600 * DCCD_NS, 5, 1.0);
        assert_int_equal(dccd_store_save(s, &ds, &b, NULL, NULL, &e), DCCD_ECORRUPT);
        dccd_table_free(&b);
        assert_non_null(strstr(e.msg, "save refused, nothing was written"));
        assert_non_null(strstr(e.msg, file));
        assert_non_null(strstr(e.msg, "cannot be read"));
        assert_int_equal(count_segments(wal), 1);
        expect_bytes(file, orig, len);
    }
    /* another handle (another process) sees the same */
    dccd_store *s2 = open_store(false);
    fx_make_bars(&b, T2099 + 20 * 3600 * DCCD_NS, 3600 * DCCD_NS, 5, 1.0);
    assert_int_equal(dccd_store_save(s2, &ds, &b, NULL, NULL, &e), DCCD_ECORRUPT);
    dccd_table_free(&b);
    /* verify says so */
    const char *seen = NULL;
    dccd_verify_report vr;
    assert_int_equal(dccd_store_verify(s2, &ds, find_problem, &seen, &vr, &e), DCCD_OK);
    assert_non_null(seen);
    assert_string_equal(seen, "found");
    /* once the file is restored (a backup: the same file the waiting rows
     * were saved over), saves go through and the waiting rows are folded */
    char path[512], tmp[520];
    snprintf(path, sizeof path, "%s/%s", root, file);
    snprintf(tmp, sizeof tmp, "%s.restore", path);
    FILE *fp = fopen(tmp, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(before_damage, 1, before_len, fp), before_len);
    fclose(fp);
    assert_int_equal(rename(tmp, path), 0);
    fx_make_bars(&b, T2099 + 20 * 3600 * DCCD_NS, 3600 * DCCD_NS, 5, 1.0);
    assert_int_equal(dccd_store_save(s2, &ds, &b, NULL, NULL, &e), DCCD_OK);
    dccd_table_free(&b);
    assert_int_equal(dccd_store_checkpoint(s2, &ds, NULL, &e), DCCD_OK);
    assert_int_equal(fx_load_rows(s2, &ds), 20);
    assert_false(exists(wal));
    dccd_store_close(s2);
    dccd_store_close(s);
}

/* gaps (missing_intervals) of a year whose file has a valid footer and
 * damaged TS pages: once a checkpoint has met the damage, the year is
 * missing, as the seed (it reads the TS column) says; gaps itself reads
 * footers only */
static void test_damaged_pages_year_missing(void **state)
{
    (void)state;
    static const char *file = "binance/ohlc/BTC-USDT/1h/2099.parquet";
    dccd_store *s = open_store(true);
    dccd_dataset ds;
    ohlc_ds(&ds);
    ds.span = 3600;
    dccd_error e;
    dccd_table b;
    fx_make_bars(&b, T2099, 3600 * DCCD_NS, 10, 1.0);
    assert_int_equal(dccd_store_save(s, &ds, &b, NULL, NULL, &e), DCCD_OK);
    dccd_table_free(&b);
    int64_t end = T2099 + 20 * 3600 * DCCD_NS;
    dccd_interval *iv = NULL;
    size_t n = 0;
    assert_int_equal(dccd_store_missing_intervals(s, &ds, T2099, end, &iv, &n, &e), DCCD_OK);
    assert_int_equal(n, 1); /* after the last bar */
    assert_true(iv[0].start == T2099 + 10 * 3600 * DCCD_NS && iv[0].end == end);
    free(iv);
    static unsigned char orig[65536];
    size_t len = 0;
    damage_pages(file, orig, &len);
    /* the next save's checkpoint meets the damage: refused, and recorded */
    fx_make_bars(&b, T2099 + 10 * 3600 * DCCD_NS, 3600 * DCCD_NS, 1, 1.0);
    assert_int_not_equal(dccd_store_save(s, &ds, &b, NULL, NULL, &e), DCCD_OK);
    dccd_table_free(&b);
    assert_int_equal(dccd_store_missing_intervals(s, &ds, T2099, end, &iv, &n, &e), DCCD_OK);
    assert_int_equal(n, 1);
    assert_true(iv[0].start == T2099 && iv[0].end == end);
    free(iv);
    dccd_store_close(s);
}

/* A save whose own checkpoint (sync_checkpoint) finds the pages damaged is
 * refused, and its rows are not left behind in the log. */
static void test_damaged_pages_refuse_sync_save(void **state)
{
    (void)state;
    static const char *file = "binance/ohlc/BTC-USDT/1h/2099.parquet";
    static const char *wal = ".dccd/wal/binance/ohlc/BTC-USDT/1h/2099";
    dccd_store *s = open_store(true);
    dccd_dataset ds;
    ohlc_ds(&ds);
    ds.span = 3600;
    dccd_error e;
    dccd_table b;
    fx_make_bars(&b, T2099, 3600 * DCCD_NS, 10, 1.0);
    assert_int_equal(dccd_store_save(s, &ds, &b, NULL, NULL, &e), DCCD_OK);
    dccd_table_free(&b);
    static unsigned char orig[65536];
    size_t len = 0;
    damage_pages(file, orig, &len);
    fx_make_bars(&b, T2099 + 10 * 3600 * DCCD_NS, 3600 * DCCD_NS, 5, 1.0);
    assert_int_equal(dccd_store_save(s, &ds, &b, NULL, NULL, &e), DCCD_ECORRUPT);
    dccd_table_free(&b);
    assert_non_null(strstr(e.msg, "save refused"));
    assert_non_null(strstr(e.msg, file));
    assert_int_equal(count_segments(wal), 0);
    expect_bytes(file, orig, len);
    dccd_store_close(s);
}

/* ---- D: a period file replaced by another writer after pending saves ----
 * (fx_write_raw does what another writer - the seed, polars - does: write
 * the period file through its own temporary file and rename, with no dccd
 * footer keys.) */

static void set_close(dccd_table *t, size_t from, size_t to, double v)
{
    for (size_t i = from; i < to; i++)
        ((double *)t->cols[OHLC_CLOSE].values)[i] = v;
}

static void check_replaced(dccd_store *s, const dccd_dataset *ds, const char *file, const char *wal)
{
    dccd_error e;
    dccd_table got;
    static unsigned char want[65536];
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, file);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    size_t len = (size_t)pread(fd, want, sizeof want, 0);
    close(fd);
    /* every reader refuses, naming the file and the rule */
    assert_int_equal(dccd_store_load(s, ds, DCCD_TS_MIN, DCCD_TS_MAX, &got, &e), DCCD_ESTATE);
    assert_non_null(strstr(e.msg, file));
    assert_non_null(strstr(e.msg, "was replaced by another writer after the pending segment"));
    bool found;
    int64_t last;
    assert_int_equal(dccd_store_last_timestamp(s, ds, &found, &last, &e), DCCD_ESTATE);
    dccd_interval *iv = NULL;
    size_t n = 0;
    assert_int_equal(dccd_store_holes(s, ds, DCCD_TS_MIN, DCCD_TS_MAX, 1, &iv, &n, &e), DCCD_ESTATE);
    /* so do the checkpoint and a save, and nothing changes */
    size_t nseg = count_segments(wal);
    assert_true(nseg >= 1);
    assert_int_equal(dccd_store_checkpoint(s, ds, NULL, &e), DCCD_ESTATE);
    assert_non_null(strstr(e.msg, "checkpoint refused"));
    dccd_table b;
    fx_make_bars(&b, T2099 + 100 * 3600 * DCCD_NS, 3600 * DCCD_NS, 3, 1.0);
    assert_int_equal(dccd_store_save(s, ds, &b, NULL, NULL, &e), DCCD_ESTATE);
    assert_non_null(strstr(e.msg, "save refused, nothing was written"));
    dccd_table_free(&b);
    expect_bytes(file, want, len);
    assert_int_equal(count_segments(wal), nseg);
}

static void test_replaced_file_not_overridden(void **state)
{
    (void)state;
    static const char *file = "binance/ohlc/BTC-USDT/1h/2099.parquet";
    static const char *wal = ".dccd/wal/binance/ohlc/BTC-USDT/1h/2099";
    dccd_store *s = open_store(false);
    dccd_dataset ds;
    ohlc_ds(&ds);
    ds.span = 3600;
    dccd_error e;
    dccd_table a, b, c;
    fx_make_bars(&a, T2099, 3600 * DCCD_NS, 10, 1.0);
    assert_int_equal(dccd_store_save(s, &ds, &a, NULL, NULL, &e), DCCD_OK);
    assert_int_equal(dccd_store_checkpoint(s, &ds, NULL, &e), DCCD_OK);
    /* dccd: bars 5..9 get close 500, pending */
    fx_make_bars(&b, T2099 + 5 * 3600 * DCCD_NS, 3600 * DCCD_NS, 5, 1.0);
    set_close(&b, 0, 5, 500.0);
    assert_int_equal(dccd_store_save(s, &ds, &b, NULL, NULL, &e), DCCD_OK);
    dccd_table_free(&b);
    /* then the seed saves bars 0..12 with close 900 (it read the file, not
     * the log) and replaces the file */
    fx_make_bars(&c, T2099, 3600 * DCCD_NS, 13, 1.0);
    set_close(&c, 0, 13, 900.0);
    fx_write_raw(s, "binance/ohlc/BTC-USDT/1h", "2099.parquet", &c);
    check_replaced(s, &ds, file, wal);
    /* another handle: the same */
    dccd_store *s2 = open_store(false);
    check_replaced(s2, &ds, file, wal);
    /* the documented way out: move the segments aside; the file's rows,
     * the later write, are what every reader gives */
    char from[512], to[520];
    snprintf(from, sizeof from, "%s/%s", root, wal);
    snprintf(to, sizeof to, "%s/aside", root);
    assert_int_equal(rename(from, to), 0);
    dccd_table got;
    assert_int_equal(dccd_store_load(s2, &ds, DCCD_TS_MIN, DCCD_TS_MAX, &got, &e), DCCD_OK);
    assert_int_equal(got.nrows, 13);
    for (size_t i = 0; i < 13; i++)
        assert_true(((double *)got.cols[OHLC_CLOSE].values)[i] == 900.0);
    dccd_table_free(&got);
    fx_make_bars(&b, T2099 + 13 * 3600 * DCCD_NS, 3600 * DCCD_NS, 2, 1.0);
    assert_int_equal(dccd_store_save(s, &ds, &b, NULL, NULL, &e), DCCD_OK);
    dccd_table_free(&b);
    assert_int_equal(dccd_store_checkpoint(s, &ds, NULL, &e), DCCD_OK);
    assert_int_equal(fx_load_rows(s, &ds), 15);
    dccd_table_free(&a);
    dccd_table_free(&c);
    dccd_store_close(s2);
    dccd_store_close(s);
}

/* The same when the file the segments were saved over was itself the
 * seed's (no dccd footer keys: its identity is its row count and size). */
static void test_replaced_seed_file_not_overridden(void **state)
{
    (void)state;
    static const char *file = "binance/ohlc/BTC-USDT/1h/2099.parquet";
    static const char *wal = ".dccd/wal/binance/ohlc/BTC-USDT/1h/2099";
    dccd_store *s = open_store(false);
    dccd_dataset ds;
    ohlc_ds(&ds);
    ds.span = 3600;
    dccd_error e;
    dccd_table a, b;
    fx_make_bars(&a, T2099, 3600 * DCCD_NS, 10, 1.0);
    fx_write_raw(s, "binance/ohlc/BTC-USDT/1h", "2099.parquet", &a);
    dccd_table_free(&a);
    fx_make_bars(&b, T2099 + 10 * 3600 * DCCD_NS, 3600 * DCCD_NS, 5, 1.0);
    assert_int_equal(dccd_store_save(s, &ds, &b, NULL, NULL, &e), DCCD_OK);
    dccd_table_free(&b);
    /* dccd reads the seed's file with its pending rows */
    assert_int_equal(fx_load_rows(s, &ds), 15);
    fx_make_bars(&a, T2099, 3600 * DCCD_NS, 12, 700.0);
    fx_write_raw(s, "binance/ohlc/BTC-USDT/1h", "2099.parquet", &a);
    dccd_table_free(&a);
    check_replaced(s, &ds, file, wal);
    dccd_store_close(s);
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
        cmocka_unit_test_setup_teardown(test_damaged_pages_refuse_saves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_pages_refuse_sync_save, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_pages_year_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replaced_file_not_overridden, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replaced_seed_file_not_overridden, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
