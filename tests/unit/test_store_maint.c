/*
 * tests/unit/test_store_maint.c - store maintenance against the seed's
 * semantics: the inventory (order, counts and TS ranges equal to what full
 * loads give, legacy seconds files reported in ns, pending segments
 * counted, unreadable files warned about and skipped, odd names skipped),
 * list_files, checkpoint of the whole store, verify (clean files, legacy
 * schema, unsorted / duplicate / misplaced rows, bad footer statistics) and
 * migrate (dry run, in-place rewrite keeping every row and provenance,
 * pending segments folded first).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_int.h"
#include "helpers/store_fixture.h"

#define T2024 INT64_C(1704067200000000000) /* 2024-01-01T00:00:00Z */
#define T2023 INT64_C(1672531200000000000)
#define T2099 INT64_C(4070908800000000000) /* a period not yet complete */
#define MIN_NS (INT64_C(60) * DCCD_NS)

static char root[FX_ROOT_MAX];

typedef struct warn_log {
    char text[8192];
    int count;
} warn_log;

static void on_warn(void *ctx, const char *msg)
{
    warn_log *w = ctx;
    w->count++;
    size_t len = strlen(w->text);
    snprintf(w->text + len, sizeof w->text - len, "%s\n", msg);
}

static int setup(void **state)
{
    (void)state;
    fx_root_make(root, "maint");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fx_root_remove(root);
}

static dccd_store *open_store(warn_log *w)
{
    dccd_store_options o;
    dccd_store_options_init(&o);
    o.row_group_rows = 100;
    o.durable = false;
    if (w) {
        o.warn = on_warn;
        o.warn_ctx = w;
    }
    dccd_store *s = NULL;
    dccd_error e;
    assert_int_equal(dccd_store_open(root, &o, &s, &e), DCCD_OK);
    return s;
}

static void mk_ds(dccd_dataset *ds, const char *ex, const char *pair, dccd_data_type t, int64_t span)
{
    fx_dataset(ds, ex, pair, t, span);
}

static void save(dccd_store *s, const dccd_dataset *ds, const dccd_table *t)
{
    dccd_error e;
    int rc = dccd_store_save(s, ds, t, NULL, NULL, &e);
    if (rc)
        fail_msg("save: %s", e.msg);
}

/* Save and fold: the rows end in the period file. */
static void save_cp(dccd_store *s, const dccd_dataset *ds, const dccd_table *t)
{
    save(s, ds, t);
    dccd_error e;
    int rc = dccd_store_checkpoint(s, ds, NULL, &e);
    if (rc)
        fail_msg("checkpoint: %s", e.msg);
}

/* A pending segment written the way a save writes it, without the save's
 * checkpoint triggers (the periods used here are complete, so a save would
 * fold them at once): the state a save leaves while its period is current. */
static void pend(dccd_store *s, const dccd_dataset *ds, const dccd_table *t)
{
    dccd_period p;
    dccd_error e;
    assert_int_equal(dccd_period_of_ts(ds, ((int64_t *)t->cols[0].values)[0], &p, &e), DCCD_OK);
    dccd_period_lock lk;
    assert_int_equal(dccd_lock_acquire(s->locks, s->rootfd, p.lockrel, &lk, &e), DCCD_OK);
    int rc = dccd_wal_append(s, &p, t, NULL, &e);
    dccd_lock_release(s->locks, &lk);
    assert_int_equal(rc, DCCD_OK);
}

static void mkdirs(const char *rel)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/%s'", root, rel);
    assert_int_equal(system(cmd), 0);
}

/* A legacy v2 OHLC file: TS in Unix seconds, date/time strings, close,
 * high, low, open, quoteVolume, volume, weightedAverage; provenance kv. */
static void write_legacy(const char *rel, int64_t t0_sec, size_t n)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    static const char *const names[] = {"TS", "date", "close", "high", "low", "open", "quoteVolume", "volume",
                                        "weightedAverage"};
    dccd_pq_field f[9];
    memset(f, 0, sizeof f);
    dccd_pq_column c[9];
    memset(c, 0, sizeof c);
    int64_t *ts = malloc(n * sizeof *ts);
    double *d = malloc(n * sizeof *d);
    int64_t *off = calloc(n + 1, sizeof *off);
    uint8_t *data = malloc(n * 3 + 1);
    for (size_t i = 0; i < n; i++) {
        ts[i] = t0_sec + (int64_t)i * 60;
        d[i] = 1000.0 + (double)i;
        memcpy(data + 3 * i, "d-x", 3);
        off[i + 1] = (int64_t)(3 * i + 3);
    }
    for (int k = 0; k < 9; k++) {
        f[k].name = names[k];
        f[k].optional = true;
        c[k].n = n;
        if (k == 0) {
            f[k].type = c[k].type = DCCD_PQ_INT64;
            c[k].values = ts;
        } else if (k == 1) {
            f[k].type = c[k].type = DCCD_PQ_BYTE_ARRAY;
            f[k].logical = DCCD_PQ_LOG_STRING;
            c[k].offsets = off;
            c[k].data = data;
        } else {
            f[k].type = c[k].type = DCCD_PQ_DOUBLE;
            c[k].values = d;
        }
    }
    dccd_pq_write_options o;
    dccd_pq_write_options_init(&o);
    dccd_pq_kv kv[1] = {{DCCD_PROVENANCE_KEY, "{\"source\":\"poloniex:legacy\",\"derived_from\":null}"}};
    o.kv = kv;
    o.n_kv = 1;
    dccd_pq_writer *w;
    dccd_error e;
    assert_int_equal(dccd_pq_writer_open(path, f, 9, &o, &w, &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_write(w, c, n, &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_close(w, &e), DCCD_OK);
    free(ts);
    free(d);
    free(off);
    free(data);
}

static int64_t load_rows(dccd_store *s, const dccd_dataset *ds, bool *has, int64_t *lo, int64_t *hi)
{
    dccd_table t;
    dccd_error e;
    assert_int_equal(dccd_store_load(s, ds, DCCD_TS_MIN, DCCD_TS_MAX, &t, &e), DCCD_OK);
    *has = t.nrows > 0;
    if (t.nrows) {
        *lo = ((int64_t *)t.cols[0].values)[0];
        *hi = ((int64_t *)t.cols[0].values)[t.nrows - 1];
    }
    int64_t n = (int64_t)t.nrows;
    dccd_table_free(&t);
    return n;
}

static void test_inventory_matches_loads(void **state)
{
    (void)state;
    warn_log w = {{0}, 0};
    dccd_store *s = open_store(&w);
    dccd_dataset a, b, c;
    mk_ds(&a, "binance", "BTC/USDT", DCCD_OHLC, 60);
    mk_ds(&b, "binance", "ETH/USDT", DCCD_TRADES, 0);
    mk_ds(&c, "aaa", "XRP/EUR", DCCD_OHLC, 3600);
    dccd_table t;
    fx_make_bars(&t, T2024 + 5 * MIN_NS, MIN_NS, 300, 1.0);
    save(s, &a, &t);
    dccd_table_free(&t);
    fx_make_bars(&t, T2023 + 7 * MIN_NS, MIN_NS, 50, 1.0);
    save(s, &a, &t);
    dccd_table_free(&t);
    dccd_error e;
    assert_int_equal(dccd_store_checkpoint(s, &a, NULL, &e), DCCD_OK);
    fx_make_bars(&t, T2024 + 1000 * MIN_NS, MIN_NS, 20, 5.0); /* pending */
    pend(s, &a, &t);
    dccd_table_free(&t);
    fx_make_trades(&t, T2024 + 3 * DCCD_NS, 90, 1); /* only pending: no data directory yet */
    pend(s, &b, &t);
    dccd_table_free(&t);
    /* a legacy seconds file (hourly) */
    mkdirs("aaa/ohlc/XRP-EUR/1h");
    write_legacy("aaa/ohlc/XRP-EUR/1h/2023.parquet", T2023 / DCCD_NS + 3600, 40);
    /* noise: hidden dirs, bad names, a non-dataset type, a corrupt file */
    mkdirs(".hidden/ohlc/BTC-USDT/1m");
    mkdirs("binance/candles/BTC-USDT");
    mkdirs("bad name/trades/X-Y");
    mkdirs("binance/ohlc/BTC-USDT/weird");
    char lnk[700];
    snprintf(lnk, sizeof lnk, "%s/zzz", root); /* a symlinked exchange pointing at a real one */
    assert_int_equal(symlink("binance", lnk), 0);
    char p[700];
    snprintf(p, sizeof p, "%s/binance/ohlc/BTC-USDT/weird/2022.parquet", root);
    FILE *fp = fopen(p, "wb");
    assert_non_null(fp);
    fputs("garbage, not parquet", fp);
    fclose(fp);

    dccd_inventory_entry *inv;
    size_t n;
    assert_int_equal(dccd_store_inventory(s, &inv, &n, &e), DCCD_OK);
    assert_int_equal(n, 4);
    /* the seed's order: exchange, then data type dir, pair, span dir */
    assert_string_equal(inv[0].exchange, "aaa");
    assert_string_equal(inv[1].exchange, "binance");
    assert_string_equal(inv[1].pair, "BTC-USDT");
    assert_int_equal(inv[1].span, 60);
    assert_string_equal(inv[2].pair, "BTC-USDT");
    assert_int_equal(inv[2].span, -1); /* "weird" is no span label */
    assert_int_equal(inv[3].type, DCCD_TRADES);
    /* the corrupt file: counted, warned about by name, no rows */
    assert_int_equal(inv[2].files, 1);
    assert_int_equal(inv[2].rows, 0);
    assert_false(inv[2].has_ts);
    assert_int_equal(w.count, 1);
    assert_non_null(strstr(w.text, "binance/ohlc/BTC-USDT/weird/2022.parquet"));
    /* every entry equals what a full load gives */
    const dccd_dataset *dss[4] = {&c, &a, NULL, &b};
    for (int i = 0; i < 4; i++) {
        if (!dss[i])
            continue;
        bool has;
        int64_t lo = 0, hi = 0;
        int64_t rows = load_rows(s, dss[i], &has, &lo, &hi);
        assert_int_equal(inv[i].rows, rows); /* no overlaps here, so no de-dup */
        assert_int_equal(inv[i].has_ts, has);
        assert_true(inv[i].min_ts == lo);
        assert_true(inv[i].max_ts == hi);
    }
    assert_int_equal(inv[0].span, 3600);
    assert_true(inv[0].min_ts == T2023 + 3600 * DCCD_NS); /* seconds reported as ns */
    assert_int_equal(inv[1].files, 2);
    assert_int_equal(inv[1].pending_segments, 1);
    assert_int_equal(inv[1].pending_rows, 20);
    assert_int_equal(inv[3].files, 0);
    assert_int_equal(inv[3].pending_segments, 1);
    assert_int_equal(inv[3].pending_rows, 90);
    struct stat st;
    char f1[700], f2[700];
    snprintf(f1, sizeof f1, "%s/binance/ohlc/BTC-USDT/1m/2023.parquet", root);
    snprintf(f2, sizeof f2, "%s/binance/ohlc/BTC-USDT/1m/2024.parquet", root);
    int64_t bytes = 0;
    assert_int_equal(stat(f1, &st), 0);
    bytes += st.st_size;
    assert_int_equal(stat(f2, &st), 0);
    bytes += st.st_size;
    assert_true(inv[1].bytes == bytes);
    free(inv);

    /* after a checkpoint of the whole store nothing is pending */
    dccd_checkpoint_report rep;
    assert_int_equal(dccd_store_checkpoint(s, NULL, &rep, &e), DCCD_OK);
    assert_int_equal(rep.segments, 2);
    assert_int_equal(rep.rows, 110);
    assert_int_equal(dccd_store_inventory(s, &inv, &n, &e), DCCD_OK);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(inv[i].pending_segments, 0);
    assert_int_equal(inv[3].files, 1);
    assert_int_equal(inv[3].rows, 90);
    assert_int_equal(inv[1].rows, 370);
    free(inv);
    dccd_store_close(s);
}

static void test_list_files_sorted(void **state)
{
    (void)state;
    dccd_store *s = open_store(NULL);
    dccd_dataset d;
    mk_ds(&d, "kraken", "ETH/EUR", DCCD_TRADES, 0);
    dccd_table t;
    for (int day = 3; day >= 0; day--) {
        fx_make_trades(&t, T2024 + day * DCCD_NS_PER_DAY + DCCD_NS, 5, day * 10);
        pend(s, &d, &t);
        dccd_table_free(&t);
    }
    dccd_error e;
    char **v;
    size_t n;
    assert_int_equal(dccd_store_list_files(s, &d, &v, &n, &e), DCCD_OK);
    assert_int_equal(n, 0); /* all pending: no period file yet */
    dccd_strv_free(v, n);
    assert_int_equal(dccd_store_checkpoint(s, &d, NULL, &e), DCCD_OK);
    mkdirs("kraken/trades/ETH-EUR/notaperiod.parquet");
    assert_int_equal(dccd_store_list_files(s, &d, &v, &n, &e), DCCD_OK);
    assert_int_equal(n, 4);
    assert_string_equal(v[0], "kraken/trades/ETH-EUR/2024-01-01.parquet");
    assert_string_equal(v[3], "kraken/trades/ETH-EUR/2024-01-04.parquet");
    for (size_t i = 1; i < n; i++)
        assert_true(strcmp(v[i - 1], v[i]) < 0);
    dccd_strv_free(v, n);
    dccd_store_close(s);
}

typedef struct file_log {
    char text[16384];
    int clean, problems;
} file_log;

static void on_file(void *ctx, const char *path, const char *msg)
{
    file_log *l = ctx;
    size_t len = strlen(l->text);
    snprintf(l->text + len, sizeof l->text - len, "%s: %s\n", path, msg ? msg : "ok");
    if (msg)
        l->problems++;
    else
        l->clean++;
}

/* Bad files are planted with fx_write_raw: dccd's writer (canonical
 * schema) but no de-dup or sort. */

static void test_verify_finds_problems(void **state)
{
    (void)state;
    dccd_store *s = open_store(NULL);
    dccd_dataset d;
    mk_ds(&d, "binance", "BTC/USDT", DCCD_OHLC, 60);
    dccd_table t;
    fx_make_bars(&t, T2024, MIN_NS, 250, 1.0);
    save(s, &d, &t);
    dccd_table_free(&t);
    dccd_error e;
    assert_int_equal(dccd_store_checkpoint(s, &d, NULL, &e), DCCD_OK);
    fx_make_bars(&t, T2024 + 5000 * MIN_NS, MIN_NS, 10, 1.0);
    pend(s, &d, &t); /* a pending segment */
    dccd_table_free(&t);
    file_log l;
    memset(&l, 0, sizeof l);
    dccd_verify_report rep;
    assert_int_equal(dccd_store_verify(s, &d, on_file, &l, &rep, &e), DCCD_OK);
    assert_int_equal(rep.files, 1);
    assert_int_equal(rep.segments, 1);
    assert_int_equal(rep.rows, 260);
    assert_int_equal(rep.problems, 0);
    assert_int_equal(l.clean, 2);

    /* 2022: unsorted with a duplicate TS; 2021: a row of 2020 in it */
    fx_make_bars(&t, T2023 - 365 * DCCD_NS_PER_DAY, MIN_NS, 30, 1.0);
    ((int64_t *)t.cols[0].values)[10] = ((int64_t *)t.cols[0].values)[20];
    fx_write_raw(s, "binance/ohlc/BTC-USDT/1m", "2022.parquet", &t);
    dccd_table_free(&t);
    fx_make_bars(&t, T2023 - 2 * 365 * DCCD_NS_PER_DAY, MIN_NS, 30, 1.0);
    ((int64_t *)t.cols[0].values)[0] -= DCCD_NS_PER_DAY;
    fx_write_raw(s, "binance/ohlc/BTC-USDT/1m", "2021.parquet", &t);
    dccd_table_free(&t);
    /* a legacy file */
    write_legacy("binance/ohlc/BTC-USDT/1m/2023.parquet", T2023 / DCCD_NS, 10);
    memset(&l, 0, sizeof l);
    assert_int_equal(dccd_store_verify(s, NULL, on_file, &l, &rep, &e), DCCD_OK);
    assert_int_equal(rep.files, 4);
    assert_true(rep.problems >= 4);
    assert_int_equal((int)rep.problems, l.problems);
    assert_non_null(strstr(l.text, "binance/ohlc/BTC-USDT/1m/2022.parquet: not sorted by TS: row 11"));
    assert_non_null(strstr(l.text, "binance/ohlc/BTC-USDT/1m/2022.parquet: 1 rows repeat a natural key (TS)"));
    assert_non_null(strstr(l.text, "binance/ohlc/BTC-USDT/1m/2021.parquet: 1 rows lie outside the period 2021"));
    assert_non_null(strstr(l.text, "binance/ohlc/BTC-USDT/1m/2023.parquet: legacy v2 schema, run migrate"));
    assert_non_null(strstr(l.text, "binance/ohlc/BTC-USDT/1m/2024.parquet: ok"));
    dccd_store_close(s);
}

/* Overwrite every copy of the 8 bytes `from` inside the footer of a file
 * (its last footer-length bytes) with `to`: forged statistics. */
static int patch_footer(const char *path, int64_t from, int64_t to)
{
    FILE *fp = fopen(path, "r+b");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    uint8_t *buf = malloc((size_t)size);
    fseek(fp, 0, SEEK_SET);
    assert_int_equal(fread(buf, 1, (size_t)size, fp), (size_t)size);
    uint32_t flen = (uint32_t)buf[size - 8] | (uint32_t)buf[size - 7] << 8 | (uint32_t)buf[size - 6] << 16 |
                    (uint32_t)buf[size - 5] << 24;
    int hits = 0;
    for (long i = size - 8 - (long)flen; i + 8 <= size - 8; i++)
        if (memcmp(buf + i, &from, 8) == 0) {
            memcpy(buf + i, &to, 8);
            hits++;
        }
    fseek(fp, 0, SEEK_SET);
    assert_int_equal(fwrite(buf, 1, (size_t)size, fp), (size_t)size);
    fclose(fp);
    free(buf);
    return hits;
}

static void test_verify_bad_stats_and_keys(void **state)
{
    (void)state;
    dccd_store *s = open_store(NULL);
    {
        dccd_dataset o;
        mk_ds(&o, "binance", "BTC/USDT", DCCD_OHLC, 60);
        dccd_table t;
        fx_make_bars(&t, T2024 + 7 * MIN_NS, MIN_NS, 50, 1.0);
        save_cp(s, &o, &t);
        dccd_table_free(&t);
        char p[700];
        snprintf(p, sizeof p, "%s/binance/ohlc/BTC-USDT/1m/2024.parquet", root);
        assert_true(patch_footer(p, T2024 + 7 * MIN_NS, T2024 + 3 * MIN_NS) >= 1);
        file_log l;
        memset(&l, 0, sizeof l);
        dccd_verify_report rep;
        dccd_error e;
        assert_int_equal(dccd_store_verify(s, &o, on_file, &l, &rep, &e), DCCD_OK);
        assert_int_equal(rep.problems, 1);
        assert_non_null(strstr(l.text, "2024.parquet: row group 0: footer TS statistics"));
    }
    dccd_dataset d;
    mk_ds(&d, "kraken", "ETH/EUR", DCCD_TRADES, 0);
    dccd_table t;
    fx_make_trades(&t, T2024 + DCCD_NS, 12, 1);
    /* tid 1 again at a later row: a duplicate under the tid key */
    dccd_pq_column *tid = &t.cols[TR_TID];
    tid->data[tid->offsets[11]] = '1';
    tid->offsets[12] = tid->offsets[11] + 1;
    fx_write_raw(s, "kraken/trades/ETH-EUR", "2024-01-01.parquet", &t);
    dccd_table_free(&t);
    mkdirs("kraken/trades/ETH-EUR");
    char p[700];
    snprintf(p, sizeof p, "%s/kraken/trades/ETH-EUR/2024-01-02.parquet", root);
    FILE *fp = fopen(p, "wb");
    assert_non_null(fp);
    fputs("PAR1 nope", fp);
    fclose(fp);
    file_log l;
    memset(&l, 0, sizeof l);
    dccd_verify_report rep;
    dccd_error e;
    assert_int_equal(dccd_store_verify(s, &d, on_file, &l, &rep, &e), DCCD_OK);
    assert_int_equal(rep.files, 2);
    assert_non_null(strstr(l.text, "2024-01-01.parquet: 1 rows repeat a natural key (tid)"));
    assert_non_null(strstr(l.text, "2024-01-02.parquet: cannot be read"));
    dccd_store_close(s);
}

static void test_migrate_legacy(void **state)
{
    (void)state;
    dccd_store *s = open_store(NULL);
    dccd_dataset d;
    mk_ds(&d, "poloniex", "BTC/USDT", DCCD_OHLC, 60);
    mkdirs("poloniex/ohlc/BTC-USDT/1m");
    write_legacy("poloniex/ohlc/BTC-USDT/1m/2023.parquet", T2023 / DCCD_NS, 250);
    write_legacy("poloniex/ohlc/BTC-USDT/1m/2022.parquet", (T2023 - 365 * DCCD_NS_PER_DAY) / DCCD_NS, 30);
    dccd_table before, after;
    dccd_error e;
    assert_int_equal(dccd_store_load(s, &d, DCCD_TS_MIN, DCCD_TS_MAX, &before, &e), DCCD_OK);
    assert_int_equal(before.nrows, 280);
    /* a pending segment for 2022 overlapping one bar */
    dccd_table t;
    fx_make_bars(&t, T2023 - 365 * DCCD_NS_PER_DAY + 29 * MIN_NS, MIN_NS, 3, 7.0);
    pend(s, &d, &t);
    dccd_table_free(&t);
    file_log l;
    memset(&l, 0, sizeof l);
    dccd_migrate_report rep;
    assert_int_equal(dccd_store_migrate(s, &d, true, on_file, &l, &rep, &e), DCCD_OK);
    assert_int_equal(rep.files, 2);
    assert_int_equal(rep.legacy, 2);
    assert_int_equal(rep.migrated, 0);
    assert_int_equal(rep.rows, 280);
    assert_non_null(strstr(l.text, "2023.parquet: would rewrite: rename quoteVolume->quote_volume, drop date, "
                                   "drop weightedAverage, add trades (null), TS seconds->ns, 250 rows"));
    /* nothing changed by the dry run */
    struct stat st;
    char p[700];
    snprintf(p, sizeof p, "%s/.dccd/wal/poloniex/ohlc/BTC-USDT/1m/2022", root);
    assert_int_equal(stat(p, &st), 0);
    memset(&l, 0, sizeof l);
    assert_int_equal(dccd_store_migrate(s, NULL, false, on_file, &l, &rep, &e), DCCD_OK);
    assert_int_equal(rep.migrated, 2);
    assert_non_null(strstr(l.text, "2023.parquet: rewrote: rename quoteVolume->quote_volume"));
    /* canonical now, provenance kept, every row and value there */
    dccd_verify_report vr;
    assert_int_equal(dccd_store_verify(s, &d, NULL, NULL, &vr, &e), DCCD_OK);
    assert_int_equal(vr.problems, 0);
    assert_int_equal(vr.segments, 0);
    snprintf(p, sizeof p, "%s/poloniex/ohlc/BTC-USDT/1m/2023.parquet", root);
    dccd_provenance prov;
    bool found;
    assert_int_equal(dccd_read_provenance(p, &prov, &found, &e), DCCD_OK);
    assert_true(found);
    assert_string_equal(prov.source, "poloniex:legacy");
    dccd_provenance_free(&prov);
    dccd_pq_file *f;
    assert_int_equal(dccd_pq_open(p, &f, &e), DCCD_OK);
    assert_string_equal(dccd_pq_kv_get(f, DCCD_SCHEMA_VERSION_KEY), "3");
    assert_true(dccd_schema_is_canonical(f, DCCD_OHLC, true));
    dccd_pq_close(f);
    assert_int_equal(dccd_store_load(s, &d, DCCD_TS_MIN, DCCD_TS_MAX, &after, &e), DCCD_OK);
    assert_int_equal(after.nrows, 282); /* 280 + 2 new bars (one replaced) */
    size_t j = 0;
    for (size_t i = 0; i < before.nrows; i++) {
        int64_t ts = ((int64_t *)before.cols[0].values)[i];
        while (j < after.nrows && ((int64_t *)after.cols[0].values)[j] != ts)
            j++;
        assert_true(j < after.nrows);
        if (i == 29) { /* the bar the segment replaced */
            assert_true(((double *)after.cols[OHLC_CLOSE].values)[j] == 7.0);
            continue;
        }
        for (int c = OHLC_OPEN; c <= OHLC_QUOTE_VOLUME; c++)
            assert_true(((double *)after.cols[c].values)[j] == ((double *)before.cols[c].values)[i]);
        assert_false(dccd_col_valid(&after.cols[OHLC_TRADES], j));
    }
    dccd_table_free(&before);
    dccd_table_free(&after);
    /* a second migrate finds nothing to do */
    assert_int_equal(dccd_store_migrate(s, NULL, false, NULL, NULL, &rep, &e), DCCD_OK);
    assert_int_equal(rep.legacy, 0);
    assert_int_equal(rep.files, 2);
    dccd_store_close(s);
}

static void test_migrate_unreadable_reported(void **state)
{
    (void)state;
    dccd_store *s = open_store(NULL);
    dccd_dataset d;
    mk_ds(&d, "poloniex", "BTC/USDT", DCCD_OHLC, 60);
    mkdirs("poloniex/ohlc/BTC-USDT/1m");
    write_legacy("poloniex/ohlc/BTC-USDT/1m/2023.parquet", T2023 / DCCD_NS, 20);
    char p[700];
    snprintf(p, sizeof p, "%s/poloniex/ohlc/BTC-USDT/1m/2022.parquet", root);
    FILE *fp = fopen(p, "wb");
    assert_non_null(fp);
    fputs("junk junk junk", fp);
    fclose(fp);
    file_log l;
    memset(&l, 0, sizeof l);
    dccd_migrate_report rep;
    dccd_error e;
    assert_int_equal(dccd_store_migrate(s, &d, false, on_file, &l, &rep, &e), DCCD_ECORRUPT);
    assert_int_equal(rep.migrated, 1); /* the other file was still migrated */
    assert_non_null(strstr(l.text, "2022.parquet: cannot be read, left untouched"));
    fp = fopen(p, "rb");
    char buf[32] = {0};
    assert_non_null(fgets(buf, sizeof buf, fp));
    fclose(fp);
    assert_string_equal(buf, "junk junk junk");
    dccd_store_close(s);
}


/* ---- scan and holes against full loads and the seed's fold ---- */

static uint64_t rng_state = 88172645463325252ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void assert_same_tables(const dccd_table *a, const dccd_table *b)
{
    assert_int_equal(a->nrows, b->nrows);
    for (int c = 0; c < a->ncols; c++) {
        const dccd_pq_column *x = &a->cols[c], *y = &b->cols[c];
        for (size_t i = 0; i < a->nrows; i++) {
            bool vx = dccd_col_valid(x, i), vy = dccd_col_valid(y, i);
            if (vx != vy)
                fail_msg("column %d row %zu: validity %d vs %d", c, i, vx, vy);
            if (!vx)
                continue;
            switch (x->type) {
            case DCCD_PQ_INT64:
            case DCCD_PQ_DOUBLE:
                if (memcmp((const uint8_t *)x->values + 8 * i, (const uint8_t *)y->values + 8 * i, 8) != 0)
                    fail_msg("column %d row %zu differs", c, i);
                break;
            case DCCD_PQ_BOOLEAN:
                assert_int_equal(((const uint8_t *)x->values)[i], ((const uint8_t *)y->values)[i]);
                break;
            default: {
                int64_t la = x->offsets[i + 1] - x->offsets[i], lb = y->offsets[i + 1] - y->offsets[i];
                assert_int_equal(la, lb);
                assert_memory_equal(x->data + x->offsets[i], y->data + y->offsets[i], (size_t)la);
            }
            }
        }
    }
}

/* Rows of a type with n rows: TS from t0 in steps of `step` per `per` rows
 * (ties), values from the generator; tid "k<id>" or null (null_pct). */
static void gen_rows(dccd_table *t, dccd_data_type type, int64_t t0, int64_t step, size_t per, size_t n, int id0,
                     int null_pct)
{
    assert_int_equal(dccd_table_alloc(t, type, n, NULL), DCCD_OK);
    int64_t *ts = t->cols[0].values;
    for (size_t i = 0; i < n; i++)
        ts[i] = t0 + (int64_t)(i / per) * step;
    if (type == DCCD_OHLC) {
        for (size_t i = 0; i < n; i++) {
            for (int c = OHLC_OPEN; c <= OHLC_QUOTE_VOLUME; c++)
                ((double *)t->cols[c].values)[i] = (double)(rnd() % 1000) / 8.0;
            ((int64_t *)t->cols[OHLC_TRADES].values)[i] = (int64_t)(rnd() % 50);
        }
        return;
    }
    if (type == DCCD_ORDERBOOK) {
        dccd_pq_column *side = &t->cols[BK_SIDE];
        side->data = malloc(n * 3 + 1);
        for (size_t i = 0; i < n; i++) {
            bool bid = (i % per) < per / 2;
            memcpy(side->data + 3 * i, bid ? "bid" : "ask", 3);
            side->offsets[i + 1] = (int64_t)(3 * i + 3);
            ((double *)t->cols[BK_PRICE].values)[i] = 100.0 + (double)(i % per);
            ((double *)t->cols[BK_AMOUNT].values)[i] = (double)(rnd() % 100);
            ((int64_t *)t->cols[BK_COUNT].values)[i] = (int64_t)(rnd() % 9);
            ((uint8_t *)t->cols[BK_IS_SNAPSHOT].values)[i] = (uint8_t)(rnd() % 2);
        }
        return;
    }
    dccd_pq_column *side = &t->cols[TR_SIDE], *tid = &t->cols[TR_TID];
    side->data = malloc(n * 4 + 1);
    tid->data = malloc(n * 16 + 1);
    size_t sp = 0, tp = 0;
    if (null_pct)
        assert_int_equal(dccd_table_col_validity(t, TR_TID, NULL), DCCD_OK);
    for (size_t i = 0; i < n; i++) {
        ((double *)t->cols[TR_PRICE].values)[i] = 100.0 + (double)(rnd() % 3);
        ((double *)t->cols[TR_AMOUNT].values)[i] = (double)(rnd() % 2 + 1);
        bool sell = rnd() % 2;
        memcpy(side->data + sp, sell ? "sell" : "buy", sell ? 4 : 3);
        sp += sell ? 4 : 3;
        side->offsets[i + 1] = (int64_t)sp;
        if (null_pct && (int)(rnd() % 100) < null_pct) {
            tid->validity[i] = 0;
        } else {
            tp += (size_t)sprintf((char *)tid->data + tp, "k%d", id0 + (int)i);
        }
        tid->offsets[i + 1] = (int64_t)tp;
    }
}

typedef struct chunks {
    dccd_table *v;
    size_t n, cap;
    size_t max_rows;
} chunks;

static int keep_chunk(void *ctx, const dccd_table *chunk, dccd_error *err)
{
    chunks *c = ctx;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 16;
        c->v = realloc(c->v, c->cap * sizeof *c->v);
        assert_non_null(c->v);
    }
    if (chunk->nrows > c->max_rows)
        c->max_rows = chunk->nrows;
    return dccd_table_slice(chunk, 0, chunk->nrows, &c->v[c->n++], err);
}

static void chunks_concat(chunks *c, dccd_data_type type, dccd_table *out)
{
    if (c->n == 0) {
        dccd_table_init(out, type);
    } else {
        const dccd_table **pp = malloc(c->n * sizeof *pp);
        for (size_t i = 0; i < c->n; i++)
            pp[i] = &c->v[i];
        assert_int_equal(dccd_table_concat(pp, c->n, out, NULL), DCCD_OK);
        free(pp);
    }
    for (size_t i = 0; i < c->n; i++)
        dccd_table_free(&c->v[i]);
    free(c->v);
    memset(c, 0, sizeof *c);
}

static void range_of(const dccd_table *t, int64_t lo, int64_t hi, dccd_table *out)
{
    size_t *idx = malloc((t->nrows + 1) * sizeof *idx), k = 0;
    for (size_t i = 0; i < t->nrows; i++) {
        int64_t x = ((const int64_t *)t->cols[0].values)[i];
        if (x >= lo && x <= hi)
            idx[k++] = i;
    }
    assert_int_equal(dccd_table_gather(t, idx, k, out, NULL), DCCD_OK);
    free(idx);
}

/* Gaps of a sorted TS list, as holes reports them. */
static size_t ref_holes(const dccd_table *t, int64_t gap, dccd_interval *out, size_t cap)
{
    const int64_t *ts = t->cols[0].values;
    size_t n = 0;
    for (size_t i = 1; i < t->nrows; i++)
        if (ts[i] - ts[i - 1] > gap) {
            assert_true(n < cap);
            out[n].start = ts[i - 1];
            out[n].end = ts[i];
            n++;
        }
    return n;
}

/* One data type: a period file of many row groups, pending segments that
 * replace rows (also across row-group boundaries) and add new ones; scans
 * of several ranges must equal the seed's fold of file + segments, in
 * chunks of about a row group; holes must equal the gaps of a full load. */
static void scan_case(dccd_data_type type, int null_pct, bool expect_stream, bool seed_file)
{
    teardown(NULL);
    setup(NULL);
    dccd_store_options o;
    dccd_store_options_init(&o);
    o.row_group_rows = 64;
    o.durable = false;
    dccd_store *s;
    dccd_error e;
    assert_int_equal(dccd_store_open(root, &o, &s, &e), DCCD_OK);
    dccd_dataset d;
    mk_ds(&d, "x", "BTC/USDT", type, type == DCCD_OHLC ? 60 : 0);
    int64_t t0 = T2024 + 3600 * DCCD_NS;
    size_t per = type == DCCD_OHLC ? 1 : type == DCCD_ORDERBOOK ? 10 : 3;
    dccd_table base;
    gen_rows(&base, type, t0, MIN_NS, per, 1000, 0, 0);
    /* a gap in the file for holes */
    for (size_t i = 500; i < base.nrows; i++)
        ((int64_t *)base.cols[0].values)[i] += 50 * MIN_NS;
    if (seed_file) {
        /* as the seed writes it: sorted, de-duplicated, no dccd footer keys */
        char dsdir[DCCD_REL_MAX], name[64];
        assert_int_equal(dccd_dataset_dir(&d, dsdir, sizeof dsdir, NULL), DCCD_OK);
        dccd_period p;
        assert_int_equal(dccd_period_of_ts(&d, t0, &p, NULL), DCCD_OK);
        snprintf(name, sizeof name, "%s", p.file);
        fx_write_raw(s, dsdir, name, &base);
    } else {
        save_cp(s, &d, &base);
    }
    dccd_table F;
    assert_int_equal(dccd_store_load(s, &d, DCCD_TS_MIN, DCCD_TS_MAX, &F, &e), DCCD_OK);
    assert_int_equal(F.nrows, 1000);
    /* segments: replace a stretch around a row-group boundary, add rows
     * inside, before, after and in the gap */
    dccd_table seg[4];
    gen_rows(&seg[0], type, t0 + (int64_t)(62 / per) * MIN_NS, MIN_NS, per, 4 * per, 0, null_pct); /* across row group 0/1 */
    gen_rows(&seg[1], type, t0 + 6 * MIN_NS + 7, MIN_NS, per, 5 * per, 5000, null_pct);
    gen_rows(&seg[2], type, t0 - 30 * MIN_NS, MIN_NS, per, 3 * per, 6000, null_pct);
    gen_rows(&seg[3], type, t0 + 520 * MIN_NS / (int64_t)per, MIN_NS, per, 6 * per, 7000, null_pct);
    if (type == DCCD_TRADES && !null_pct) {
        /* tids of file rows again (replaced wherever they are) */
        dccd_table_free(&seg[0]);
        gen_rows(&seg[0], type, t0 + 900 * MIN_NS, MIN_NS, per, 4 * per, 10, 0);
    }
    const dccd_table *parts[5] = {&F, &seg[0], &seg[1], &seg[2], &seg[3]};
    for (int i = 0; i < 4; i++)
        pend(s, &d, &seg[i]);
    dccd_table want;
    assert_int_equal(dccd_merge_fold(parts, 5, &want, &e), DCCD_OK);
    const int64_t *wts = want.cols[0].values;
    int64_t ranges[5][2] = {{DCCD_TS_MIN, DCCD_TS_MAX},
                            {wts[100], wts[400]},
                            {wts[0] - 1, wts[10]},
                            {wts[want.nrows - 30], DCCD_TS_MAX},
                            {t0 + 2 * 86400 * DCCD_NS, DCCD_TS_MAX}};
    for (int r = 0; r < 5; r++) {
        chunks c;
        memset(&c, 0, sizeof c);
        assert_int_equal(dccd_store_scan(s, &d, ranges[r][0], ranges[r][1], keep_chunk, &c, &e), DCCD_OK);
        size_t nchunks = c.n, maxr = c.max_rows;
        dccd_table got, exp;
        chunks_concat(&c, type, &got);
        range_of(&want, ranges[r][0], ranges[r][1], &exp);
        assert_same_tables(&got, &exp);
        if (r == 0 && expect_stream) {
            assert_true(nchunks >= 10);       /* row group by row group */
            assert_true(maxr <= 64 + 6 * per + 64); /* about a row group (+ held-back ties, pending rows) */
        }
        dccd_table_free(&got);
        dccd_table_free(&exp);
        /* holes = gaps computed from a full load */
        dccd_table full;
        assert_int_equal(dccd_store_load(s, &d, ranges[r][0], ranges[r][1], &full, &e), DCCD_OK);
        dccd_interval ref[64];
        size_t nref = ref_holes(&full, 5 * MIN_NS, ref, 64);
        dccd_interval *h;
        size_t nh;
        assert_int_equal(dccd_store_holes(s, &d, ranges[r][0], ranges[r][1], 5 * MIN_NS, &h, &nh, &e), DCCD_OK);
        assert_int_equal(nh, nref);
        for (size_t i = 0; i < nh; i++)
            assert_true(h[i].start == ref[i].start && h[i].end == ref[i].end);
        if (r == 0)
            assert_true(nh >= 1);
        free(h);
        dccd_table_free(&full);
    }
    /* after a checkpoint the file alone gives the same rows */
    assert_int_equal(dccd_store_checkpoint(s, &d, NULL, &e), DCCD_OK);
    dccd_table after;
    assert_int_equal(dccd_store_load(s, &d, DCCD_TS_MIN, DCCD_TS_MAX, &after, &e), DCCD_OK);
    assert_same_tables(&after, &want);
    dccd_table_free(&after);
    dccd_table_free(&want);
    dccd_table_free(&F);
    dccd_table_free(&base);
    for (int i = 0; i < 4; i++)
        dccd_table_free(&seg[i]);
    dccd_store_close(s);
}

static void test_scan_ohlc(void **state)
{
    (void)state;
    scan_case(DCCD_OHLC, 0, true, false);
    scan_case(DCCD_OHLC, 0, true, true);
}

static void test_scan_book(void **state)
{
    (void)state;
    scan_case(DCCD_ORDERBOOK, 0, true, false);
}

static void test_scan_trades_tid(void **state)
{
    (void)state;
    scan_case(DCCD_TRADES, 0, true, false);
    scan_case(DCCD_TRADES, 0, false, true); /* seed file keyed on tid: whole period */
}

static void test_scan_trades_null_tids(void **state)
{
    (void)state;
    scan_case(DCCD_TRADES, 100, true, false); /* every later tid null: composite key, streamed */
}

static void test_scan_trades_mixed_tids(void **state)
{
    (void)state;
    scan_case(DCCD_TRADES, 30, false, false); /* the key changes between saves: whole period */
}

/* Without pending segments, a range reads only the row groups it touches
 * and streams them: chunks never exceed a row group. */
static void test_scan_file_only_streams(void **state)
{
    (void)state;
    dccd_store_options o;
    dccd_store_options_init(&o);
    o.row_group_rows = 50;
    o.durable = false;
    dccd_store *s;
    dccd_error e;
    assert_int_equal(dccd_store_open(root, &o, &s, &e), DCCD_OK);
    dccd_dataset d;
    mk_ds(&d, "x", "ETH/USDT", DCCD_OHLC, 60);
    dccd_table t;
    fx_make_bars(&t, T2024, MIN_NS, 2000, 1.0);
    save_cp(s, &d, &t);
    chunks c;
    memset(&c, 0, sizeof c);
    assert_int_equal(dccd_store_scan(s, &d, T2024 + 120 * MIN_NS, T2024 + 379 * MIN_NS, keep_chunk, &c, &e),
                     DCCD_OK);
    assert_int_equal(c.max_rows, 50);
    size_t n = c.n;
    dccd_table got, exp;
    chunks_concat(&c, DCCD_OHLC, &got);
    assert_int_equal(n, 6); /* row groups 2..7, the first and last partly */
    range_of(&t, T2024 + 120 * MIN_NS, T2024 + 379 * MIN_NS, &exp);
    assert_same_tables(&got, &exp);
    dccd_table_free(&got);
    dccd_table_free(&exp);
    dccd_table_free(&t);
    dccd_store_close(s);
}

/* missing_intervals' year-completeness check counts distinct TS of a year
 * whose bars are partly pending (streamed TS-only fold), as the seed counts
 * the rows of the folded file. */
static void test_missing_intervals_counts_pending(void **state)
{
    (void)state;
    dccd_store *s = open_store(NULL);
    dccd_dataset d;
    mk_ds(&d, "binance", "BTC/USDT", DCCD_OHLC, 86400);
    const int64_t DAY = DCCD_NS_PER_DAY, T2025 = T2024 + 366 * DCCD_NS_PER_DAY;
    dccd_table t;
    fx_make_bars(&t, T2024, DAY, 300, 1.0);
    save_cp(s, &d, &t);
    dccd_table_free(&t);
    fx_make_bars(&t, T2024 + 290 * DAY, DAY, 75, 2.0); /* days 290..364, ten overlapping */
    pend(s, &d, &t);
    dccd_table_free(&t);
    dccd_interval *iv;
    size_t n;
    dccd_error e;
    assert_int_equal(dccd_store_missing_intervals(s, &d, T2024, T2025, &iv, &n, &e), DCCD_OK);
    assert_int_equal(n, 1); /* 365 of 366 days: the trailing day is missing */
    assert_true(iv[0].start == T2024 + 365 * DAY && iv[0].end == T2025);
    free(iv);
    fx_make_bars(&t, T2024 + 365 * DAY, DAY, 1, 3.0);
    pend(s, &d, &t);
    dccd_table_free(&t);
    assert_int_equal(dccd_store_missing_intervals(s, &d, T2024, T2025, &iv, &n, &e), DCCD_OK);
    assert_int_equal(n, 0); /* complete */
    free(iv);
    dccd_store_close(s);
}

/* Readers take no lock: scans racing saves whose checkpoints fold the
 * segments they are reading must still see every acknowledged row exactly
 * once, sorted (a vanished segment is retried, the file's wal mark
 * prevents double counting). */
typedef struct race {
    dccd_store *s;
    dccd_dataset d;
    volatile int done;
    volatile int64_t acked;
} race;

static void *race_writer(void *arg)
{
    race *r = arg;
    for (int i = 0; i < 120; i++) {
        dccd_table t;
        fx_make_trades(&t, T2099 + (int64_t)i * 40 * DCCD_NS, 10, i * 10);
        dccd_error e;
        if (dccd_store_save(r->s, &r->d, &t, NULL, NULL, &e) != DCCD_OK)
            fprintf(stderr, "save: %s\n", e.msg);
        dccd_table_free(&t);
        __atomic_store_n(&r->acked, (int64_t)(i + 1) * 10, __ATOMIC_SEQ_CST);
    }
    __atomic_store_n(&r->done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void test_scan_races_checkpoints(void **state)
{
    (void)state;
    dccd_store_options o;
    dccd_store_options_init(&o);
    o.row_group_rows = 32;
    o.checkpoint_rows = 35; /* a checkpoint every few saves */
    o.durable = false;
    race r;
    memset(&r, 0, sizeof r);
    dccd_error e;
    assert_int_equal(dccd_store_open(root, &o, &r.s, &e), DCCD_OK);
    mk_ds(&r.d, "kraken", "ETH/EUR", DCCD_TRADES, 0);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, race_writer, &r), 0);
    int64_t last = 0;
    int scans = 0;
    while (!__atomic_load_n(&r.done, __ATOMIC_SEQ_CST) || scans == 0) {
        int64_t before = __atomic_load_n(&r.acked, __ATOMIC_SEQ_CST);
        dccd_table t;
        int rc = dccd_store_load(r.s, &r.d, DCCD_TS_MIN, DCCD_TS_MAX, &t, &e);
        if (rc)
            fail_msg("load during saves: %s", e.msg);
        assert_true((int64_t)t.nrows >= before);
        assert_true((int64_t)t.nrows >= last);
        assert_int_equal(t.nrows % 10, 0);
        assert_true(dccd_ts_sorted(t.cols[0].values, t.nrows));
        last = (int64_t)t.nrows;
        dccd_table_free(&t);
        scans++;
    }
    pthread_join(th, NULL);
    print_message("%d scans raced the saves\n", scans);
    dccd_table t;
    assert_int_equal(dccd_store_load(r.s, &r.d, DCCD_TS_MIN, DCCD_TS_MAX, &t, &e), DCCD_OK);
    assert_int_equal(t.nrows, 1200);
    dccd_table_free(&t);
    dccd_store_close(r.s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_inventory_matches_loads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_files_sorted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_finds_problems, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_bad_stats_and_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_legacy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_unreadable_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_ohlc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_book, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_trades_tid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_trades_null_tids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_trades_mixed_tids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_file_only_streams, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_intervals_counts_pending, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_races_checkpoints, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
