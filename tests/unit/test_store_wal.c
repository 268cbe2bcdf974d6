/*
 * tests/unit/test_store_wal.c - the write-ahead log's segment names and the
 * segment-count checkpoint trigger: a segment's name carries its row count
 * (so a save decides whether to checkpoint from one directory listing),
 * segments named without it (older stores) are still read, and a period
 * with checkpoint_segments segments is folded by the next save.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_int.h"

#define T2099 INT64_C(4070908800000000000) /* 2099-01-01: a period not yet complete */
#define MIN_NS (INT64_C(60) * DCCD_NS)
#define WALDIR ".dccd/wal/binance/ohlc/BTC-USDT/1m/2099"

static char root[256];

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/dccd-test-wal-XXXXXX");
    assert_non_null(mkdtemp(root));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

static dccd_store *open_store(size_t max_segments)
{
    dccd_store_options o;
    dccd_store_options_init(&o);
    o.checkpoint_segments = max_segments;
    o.durable = false;
    dccd_store *s = NULL;
    dccd_error e;
    assert_int_equal(dccd_store_open(root, &o, &s, &e), DCCD_OK);
    return s;
}

static void ohlc_ds(dccd_dataset *ds)
{
    dccd_symbol sym;
    assert_int_equal(dccd_symbol_parse("BTC/USDT", &sym, NULL), DCCD_OK);
    assert_int_equal(dccd_dataset_init(ds, "binance", &sym, DCCD_OHLC, 60, NULL), DCCD_OK);
}

static void save_bars(dccd_store *s, const dccd_dataset *ds, int64_t t0, size_t n)
{
    dccd_table t;
    assert_int_equal(dccd_table_alloc(&t, DCCD_OHLC, n, NULL), DCCD_OK);
    for (size_t i = 0; i < n; i++) {
        ((int64_t *)t.cols[OHLC_TS].values)[i] = t0 + (int64_t)i * MIN_NS;
        for (int c = OHLC_OPEN; c <= OHLC_QUOTE_VOLUME; c++)
            ((double *)t.cols[c].values)[i] = 100.0 + (double)i;
    }
    dccd_error e;
    int64_t w = 0;
    assert_int_equal(dccd_store_save(s, ds, &t, NULL, &w, &e), DCCD_OK);
    assert_int_equal(w, (int64_t)n);
    dccd_table_free(&t);
}

/* names of the segments in the period's log directory, sorted */
static size_t list_segments(char names[][64], size_t cap)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/%s", root, WALDIR);
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".seg") == 0 && n < cap)
            snprintf(names[n++], 64, "%.63s", e->d_name);
    }
    closedir(d);
    qsort(names, n, 64, (int (*)(const void *, const void *))strcmp);
    return n;
}

static int64_t load_rows(dccd_store *s, const dccd_dataset *ds)
{
    dccd_table t;
    dccd_error e;
    assert_int_equal(dccd_store_load(s, ds, DCCD_TS_MIN, DCCD_TS_MAX, &t, &e), DCCD_OK);
    int64_t n = (int64_t)t.nrows;
    dccd_table_free(&t);
    return n;
}

static void test_segment_names_carry_row_counts(void **state)
{
    (void)state;
    dccd_store *s = open_store(0);
    dccd_dataset ds;
    ohlc_ds(&ds);
    save_bars(s, &ds, T2099, 7);
    save_bars(s, &ds, T2099 + 100 * MIN_NS, 1440);
    char names[8][64];
    assert_int_equal(list_segments(names, 8), 2);
    assert_string_equal(names[0], "00000000000000000001-7.seg");
    assert_string_equal(names[1], "00000000000000000002-1440.seg");
    /* a segment named the older way (no count) is still read */
    char from[600], to[600];
    snprintf(from, sizeof from, "%s/%s/%s", root, WALDIR, names[0]);
    snprintf(to, sizeof to, "%s/%s/00000000000000000001.seg", root, WALDIR);
    assert_int_equal(rename(from, to), 0);
    assert_int_equal(load_rows(s, &ds), 7 + 1440);
    save_bars(s, &ds, T2099 + 5000 * MIN_NS, 3);
    assert_int_equal(list_segments(names, 8), 3);
    assert_string_equal(names[2], "00000000000000000003-3.seg");
    /* names that only look like segments are ignored */
    snprintf(to, sizeof to, "%s/%s/0000000000000000000x-3.seg", root, WALDIR);
    FILE *f = fopen(to, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(load_rows(s, &ds), 7 + 1440 + 3);
    dccd_store_close(s);
}

static void test_segment_count_triggers_checkpoint(void **state)
{
    (void)state;
    dccd_store *s = open_store(4);
    dccd_dataset ds;
    ohlc_ds(&ds);
    char names[8][64];
    for (int i = 0; i < 3; i++)
        save_bars(s, &ds, T2099 + (int64_t)i * 10 * MIN_NS, 5);
    /* three segments stay pending; the save that makes the fourth folds */
    assert_int_equal(list_segments(names, 8), 3);
    char pf[512];
    snprintf(pf, sizeof pf, "%s/binance/ohlc/BTC-USDT/1m/2099.parquet", root);
    struct stat st;
    assert_int_not_equal(stat(pf, &st), 0);
    save_bars(s, &ds, T2099 + 100 * MIN_NS, 5);
    assert_int_equal(list_segments(names, 8), 0);
    assert_int_equal(stat(pf, &st), 0);
    assert_int_equal(load_rows(s, &ds), 20);
    dccd_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_segment_names_carry_row_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_segment_count_triggers_checkpoint, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
