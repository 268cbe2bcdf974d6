/*
 * tests/unit/test_store_wal.c - the write-ahead log's segment names and the
 * segment-count checkpoint trigger: a segment's name carries its row count
 * (so a save decides whether to checkpoint from one directory listing),
 * segments named without it (older stores) are still read, and a period
 * with checkpoint_segments segments is folded by the next save.  Also the
 * store handle's cache of a period's log and of its file's mark
 * (src/store/pcache.c): it is trusted only while nobody else held the
 * period lock and while the period file is the one it was read from.
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
#include "helpers/store_fixture.h"

#define T2099 INT64_C(4070908800000000000) /* 2099-01-01: a period not yet complete */
#define MIN_NS (INT64_C(60) * DCCD_NS)
#define WALDIR ".dccd/wal/binance/ohlc/BTC-USDT/1m/2099"

static char root[FX_ROOT_MAX];

static int setup(void **state)
{
    (void)state;
    fx_root_make(root, "wal");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fx_root_remove(root);
}

static dccd_store *open_store(size_t max_segments)
{
    dccd_store_options o;
    dccd_store_options_init(&o);
    o.checkpoint_segments = max_segments;
    o.durable = false;
    return fx_store_open(root, &o);
}

static void ohlc_ds(dccd_dataset *ds)
{
    fx_dataset(ds, "binance", "BTC/USDT", DCCD_OHLC, 60);
}

static void save_bars(dccd_store *s, const dccd_dataset *ds, int64_t t0, size_t n)
{
    dccd_table t;
    fx_make_bars(&t, t0, MIN_NS, n, 100.0);
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
    assert_int_equal(fx_load_rows(s, &ds), 7 + 1440);
    save_bars(s, &ds, T2099 + 5000 * MIN_NS, 3);
    assert_int_equal(list_segments(names, 8), 3);
    assert_string_equal(names[2], "00000000000000000003-3.seg");
    /* names that only look like segments are ignored */
    snprintf(to, sizeof to, "%s/%s/0000000000000000000x-3.seg", root, WALDIR);
    FILE *f = fopen(to, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(fx_load_rows(s, &ds), 7 + 1440 + 3);
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
    assert_int_equal(fx_load_rows(s, &ds), 20);
    /* the fold ran inside that save's lock hold: what the handle cached of
     * the log before it is void, the next saves start a fresh count */
    for (int i = 0; i < 3; i++)
        save_bars(s, &ds, T2099 + (int64_t)(200 + i * 10) * MIN_NS, 5);
    assert_int_equal(list_segments(names, 8), 3);
    assert_string_equal(names[0], "00000000000000000005-5.seg");
    assert_int_equal(fx_load_rows(s, &ds), 35);
    dccd_store_close(s);
}

/* Two handles on one store stand for two processes: every lock
 * acquisition writes a new token, so a handle never appends from a stale
 * view of the log (which would reuse a sequence number: the same name
 * replaces the other writer's segment, a different one orders two
 * segments under one number). */
static void test_log_cache_other_writer(void **state)
{
    (void)state;
    dccd_store *a = open_store(0), *b = open_store(0);
    dccd_dataset ds;
    ohlc_ds(&ds);
    char names[16][64];
    save_bars(a, &ds, T2099, 5);
    save_bars(b, &ds, T2099 + 10 * MIN_NS, 5);
    save_bars(a, &ds, T2099 + 20 * MIN_NS, 5); /* a's cached view: one segment */
    assert_int_equal(list_segments(names, 16), 3);
    assert_string_equal(names[2], "00000000000000000003-5.seg");
    assert_int_equal(fx_load_rows(a, &ds), 15);
    /* b folds the log into the file and appends twice; a appends after */
    dccd_error e;
    assert_int_equal(dccd_store_checkpoint(b, &ds, NULL, &e), DCCD_OK);
    save_bars(b, &ds, T2099 + 30 * MIN_NS, 5);
    save_bars(b, &ds, T2099 + 40 * MIN_NS, 5);
    save_bars(a, &ds, T2099 + 50 * MIN_NS, 5);
    assert_int_equal(list_segments(names, 16), 3);
    assert_string_equal(names[0], "00000000000000000004-5.seg");
    assert_string_equal(names[1], "00000000000000000005-5.seg");
    assert_string_equal(names[2], "00000000000000000006-5.seg");
    assert_int_equal(fx_load_rows(a, &ds), 30);
    assert_int_equal(fx_load_rows(b, &ds), 30);
    /* a lock file removed and created again carries no token a cache knows */
    char lockf[512];
    snprintf(lockf, sizeof lockf, "%s/.dccd/locks/binance/ohlc/BTC-USDT/1m/2099.lock", root);
    assert_int_equal(unlink(lockf), 0);
    save_bars(b, &ds, T2099 + 60 * MIN_NS, 5);
    save_bars(a, &ds, T2099 + 70 * MIN_NS, 5);
    assert_int_equal(list_segments(names, 16), 5);
    assert_string_equal(names[4], "00000000000000000008-5.seg");
    assert_int_equal(fx_load_rows(b, &ds), 40);
    dccd_store_close(a);
    dccd_store_close(b);
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* The mark a handle cached is trusted only for the very file it read: a
 * period file replaced (by anyone, locks or not) or changed in place is
 * read again, and a save into one that cannot be read is refused. */
static void test_mark_cache_follows_the_file(void **state)
{
    (void)state;
    dccd_store *s = open_store(0);
    dccd_dataset ds;
    ohlc_ds(&ds);
    dccd_error e;
    save_bars(s, &ds, T2099, 5);
    assert_int_equal(dccd_store_checkpoint(s, &ds, NULL, &e), DCCD_OK);
    save_bars(s, &ds, T2099 + 10 * MIN_NS, 5); /* the file's mark is cached now */
    char pf[512], tmp[600];
    snprintf(pf, sizeof pf, "%s/binance/ohlc/BTC-USDT/1m/2099.parquet", root);
    snprintf(tmp, sizeof tmp, "%s.other", pf);
    /* replaced whole by a file that is not Parquet */
    static const char junk[] = "this is not a parquet file at all, but it is long enough";
    write_file(tmp, junk, sizeof junk);
    assert_int_equal(rename(tmp, pf), 0);
    dccd_table t;
    assert_int_equal(dccd_table_alloc(&t, DCCD_OHLC, 1, NULL), DCCD_OK);
    ((int64_t *)t.cols[OHLC_TS].values)[0] = T2099 + 20 * MIN_NS;
    int64_t w = -1;
    assert_int_not_equal(dccd_store_save(s, &ds, &t, NULL, &w, &e), DCCD_OK);
    assert_non_null(strstr(e.msg, "2099.parquet"));
    char names[8][64];
    assert_int_equal(list_segments(names, 8), 1); /* nothing appended */
    /* a good file back, then corrupted in place (same inode and size) */
    dccd_store_close(s);
    teardown(NULL);
    setup(NULL);
    s = open_store(0);
    save_bars(s, &ds, T2099, 5);
    assert_int_equal(dccd_store_checkpoint(s, &ds, NULL, &e), DCCD_OK);
    save_bars(s, &ds, T2099 + 10 * MIN_NS, 5);
    snprintf(pf, sizeof pf, "%s/binance/ohlc/BTC-USDT/1m/2099.parquet", root); /* new root */
    usleep(20000); /* past the file system's timestamp granularity */
    FILE *f = fopen(pf, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, -4, SEEK_END), 0);
    assert_int_equal(fwrite("XXXX", 1, 4, f), 4); /* the trailing magic */
    assert_int_equal(fclose(f), 0);
    assert_int_not_equal(dccd_store_save(s, &ds, &t, NULL, &w, &e), DCCD_OK);
    assert_non_null(strstr(e.msg, "2099.parquet"));
    assert_int_equal(list_segments(names, 8), 1);
    dccd_table_free(&t);
    dccd_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_segment_names_carry_row_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_segment_count_triggers_checkpoint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_cache_other_writer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mark_cache_follows_the_file, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
