/*
 * tests/unit/test_arrow.c - the Arrow C Data Interface of libdccd
 * (include/dccd/arrow.h): schemas, export of owned tables (buffers moved,
 * not copied; validity and booleans packed into bits), children released
 * on their own, streams over tables and over a scan (read-ahead, early
 * release, the store closed while a stream is open, errors through
 * get_last_error), import of foreign layouts (int32 offsets, string
 * views, dictionaries, bit offsets, slices), refusal of wrong schemas, and
 * save from a stream with and without dropping bad rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dccd/arrow.h"
#include "store/store_int.h"
#include "helpers/store_fixture.h"

#define T2024 INT64_C(1704067200000000000) /* 2024-01-01T00:00:00Z */
#define MIN_NS (INT64_C(60) * DCCD_NS)

static char root[FX_ROOT_MAX];

static int setup(void **state)
{
    (void)state;
    fx_root_make(root, "arrow");
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
    o.durable = false;
    o.row_group_rows = 100;
    return fx_store_open(root, &o);
}

static bool bitv(const void *bm, int64_t i)
{
    return (((const uint8_t *)bm)[i >> 3] >> (i & 7)) & 1;
}

static void test_schema(void **state)
{
    (void)state;
    struct ArrowSchema s;
    dccd_error e;
    assert_int_equal(dccd_arrow_schema(DCCD_ORDERBOOK, &s, &e), DCCD_OK);
    assert_string_equal(s.format, "+s");
    assert_int_equal(s.n_children, 6);
    const char *want[][2] = {{"TS", "l"}, {"side", "U"}, {"price", "g"}, {"amount", "g"}, {"count", "l"},
                             {"is_snapshot", "b"}};
    for (int i = 0; i < 6; i++) {
        assert_string_equal(s.children[i]->name, want[i][0]);
        assert_string_equal(s.children[i]->format, want[i][1]);
        assert_true(s.children[i]->flags & ARROW_FLAG_NULLABLE);
    }
    s.release(&s);
    assert_null(s.release);
}

/* Exported buffers are the table's own (moved), validity is a bitmap. */
static void test_export_moves_buffers(void **state)
{
    (void)state;
    dccd_table t;
    fx_make_trades(&t, T2024, 10, 100);
    dccd_error e;
    assert_int_equal(dccd_table_col_validity(&t, TR_TID, &e), DCCD_OK);
    t.cols[TR_TID].validity[3] = 0;
    t.cols[TR_TID].null_count = 1;
    const void *ts_values = t.cols[TR_TS].values;
    const void *price_values = t.cols[TR_PRICE].values;
    const void *side_data = t.cols[TR_SIDE].data;
    const void *side_offsets = t.cols[TR_SIDE].offsets;
    int64_t ts3 = ((int64_t *)t.cols[TR_TS].values)[3];
    struct ArrowArray a;
    assert_int_equal(dccd_arrow_export_table(&t, &a, &e), DCCD_OK);
    assert_int_equal(t.nrows, 0); /* emptied */
    assert_int_equal(a.length, 10);
    assert_int_equal(a.n_children, 5);
    assert_ptr_equal(a.children[TR_TS]->buffers[1], ts_values);
    assert_ptr_equal(a.children[TR_PRICE]->buffers[1], price_values);
    assert_ptr_equal(a.children[TR_SIDE]->buffers[1], side_offsets);
    assert_ptr_equal(a.children[TR_SIDE]->buffers[2], side_data);
    assert_int_equal(((const int64_t *)a.children[TR_TS]->buffers[1])[3], ts3);
    assert_null(a.children[TR_TS]->buffers[0]);
    assert_int_equal(a.children[TR_TID]->null_count, 1);
    const void *bm = a.children[TR_TID]->buffers[0];
    assert_non_null(bm);
    for (int64_t i = 0; i < 10; i++)
        assert_int_equal(bitv(bm, i), i != 3);
    /* a consumer may move a child out and release it alone */
    struct ArrowArray moved = *a.children[TR_PRICE];
    a.children[TR_PRICE]->release = NULL;
    moved.release(&moved);
    assert_null(moved.release);
    a.release(&a);
    assert_null(a.release);
    dccd_table_free(&t);
}

static void test_export_bool_and_empty(void **state)
{
    (void)state;
    dccd_table t;
    dccd_error e;
    assert_int_equal(dccd_table_alloc(&t, DCCD_ORDERBOOK, 11, &e), DCCD_OK);
    uint8_t *snap = t.cols[BK_IS_SNAPSHOT].values;
    for (size_t i = 0; i < 11; i++)
        snap[i] = (uint8_t)(i % 3 == 0);
    struct ArrowArray a;
    assert_int_equal(dccd_arrow_export_table(&t, &a, &e), DCCD_OK);
    const void *bits = a.children[BK_IS_SNAPSHOT]->buffers[1];
    for (int64_t i = 0; i < 11; i++)
        assert_int_equal(bitv(bits, i), i % 3 == 0);
    a.release(&a);
    /* an empty table exports with non-NULL value buffers */
    dccd_table_init(&t, DCCD_TRADES);
    assert_int_equal(dccd_arrow_export_table(&t, &a, &e), DCCD_OK);
    assert_int_equal(a.length, 0);
    for (int c = 0; c < 5; c++)
        assert_non_null(a.children[c]->buffers[1]);
    a.release(&a);
    /* a borrowed table cannot be exported */
    dccd_table b;
    dccd_table_init(&b, DCCD_TRADES);
    b.owned = false;
    assert_int_equal(dccd_arrow_export_table(&b, &a, &e), DCCD_EINVAL);
}

/* export then import gives the same rows; int64/float64 are borrowed */
static void test_roundtrip_import(void **state)
{
    (void)state;
    dccd_table t, ref;
    fx_make_bars(&t, T2024, MIN_NS, 20, 100.0);
    fx_make_bars(&ref, T2024, MIN_NS, 20, 100.0);
    dccd_error e;
    struct ArrowSchema sc;
    struct ArrowArray a;
    assert_int_equal(dccd_arrow_schema(DCCD_OHLC, &sc, &e), DCCD_OK);
    assert_int_equal(dccd_arrow_export_table(&t, &a, &e), DCCD_OK);
    dccd_table in;
    void *keep;
    assert_int_equal(dccd_arrow_import(DCCD_OHLC, &sc, &a, &in, &keep, &e), DCCD_OK);
    assert_false(in.owned);
    assert_int_equal(in.nrows, 20);
    assert_ptr_equal(in.cols[OHLC_TS].values, a.children[OHLC_TS]->buffers[1]);
    assert_ptr_equal(in.cols[OHLC_CLOSE].values, a.children[OHLC_CLOSE]->buffers[1]);
    for (int c = 0; c < ref.ncols; c++)
        for (size_t i = 0; i < 20; i++) {
            assert_int_equal(dccd_col_valid(&in.cols[c], i), dccd_col_valid(&ref.cols[c], i));
            assert_memory_equal((uint8_t *)in.cols[c].values + 8 * i, (uint8_t *)ref.cols[c].values + 8 * i, 8);
        }
    dccd_arrow_keep_free(keep);
    a.release(&a);
    sc.release(&sc);
    dccd_table_free(&ref);
}

/* ---- hand-built foreign arrays ---- */

typedef struct fake {
    struct ArrowSchema sch, kids[5], *kptr[5], dict;
    struct ArrowArray arr, akids[5], *aptr[5], adict;
    const void *bufs[5][4];
    const void *dbufs[3];
} fake;

static void noop_schema(struct ArrowSchema *s)
{
    s->release = NULL;
}

static void noop_array(struct ArrowArray *a)
{
    a->release = NULL;
}

/* A trades batch of 4 rows (offset 1 into 5-row children): TS "l", price
 * "f" (float32), amount "i" (int32), side "u" (int32 offsets, a null),
 * tid "vu" (string view, one long view). */
static void fake_trades(fake *f)
{
    memset(f, 0, sizeof *f);
    static const int64_t ts[5] = {0, 10, 20, 30, 40};
    static const float price[5] = {0, 1.5f, 2.5f, 3.5f, 4.5f};
    static const int32_t amount[5] = {0, 1, 2, 3, 4};
    static const int32_t soff[6] = {0, 0, 3, 7, 7, 10};
    static const char sdata[] = "buysellbuy";
    static const uint8_t svalid[1] = {0x17}; /* rows 0,1,2,4 valid; 3 null */
    static uint8_t views[5][16];
    static const char longtid[] = "a-trade-id-longer-than-12";
    static const void *vbuf[1] = {longtid};
    for (int i = 0; i < 5; i++) {
        memset(views[i], 0, 16);
        if (i == 2) {
            int32_t n = (int32_t)strlen(longtid), bi = 0, off = 0;
            memcpy(views[i], &n, 4);
            memcpy(views[i] + 4, longtid, 4);
            memcpy(views[i] + 8, &bi, 4);
            memcpy(views[i] + 12, &off, 4);
        } else {
            char s[8];
            int32_t n = snprintf(s, sizeof s, "t%d", i);
            memcpy(views[i], &n, 4);
            memcpy(views[i] + 4, s, (size_t)n);
        }
    }
    static const int64_t sizes[1] = {sizeof longtid - 1};
    const char *names[5] = {"TS", "price", "amount", "side", "tid"};
    const char *fmts[5] = {"l", "f", "i", "u", "vu"};
    for (int c = 0; c < 5; c++) {
        f->kids[c].format = fmts[c];
        f->kids[c].name = names[c];
        f->kids[c].flags = ARROW_FLAG_NULLABLE;
        f->kids[c].release = noop_schema;
        f->kptr[c] = &f->kids[c];
        f->akids[c].length = 5;
        f->akids[c].release = noop_array;
        f->akids[c].buffers = f->bufs[c];
        f->aptr[c] = &f->akids[c];
    }
    f->bufs[0][1] = ts;
    f->akids[0].n_buffers = 2;
    f->bufs[1][1] = price;
    f->akids[1].n_buffers = 2;
    f->bufs[2][1] = amount;
    f->akids[2].n_buffers = 2;
    f->bufs[3][0] = svalid;
    f->bufs[3][1] = soff;
    f->bufs[3][2] = sdata;
    f->akids[3].n_buffers = 3;
    f->akids[3].null_count = 1;
    f->bufs[4][1] = views;
    f->bufs[4][2] = vbuf[0];
    f->bufs[4][3] = sizes;
    f->akids[4].n_buffers = 4;
    f->sch.format = "+s";
    f->sch.name = "";
    f->sch.n_children = 5;
    f->sch.children = f->kptr;
    f->sch.release = noop_schema;
    f->arr.length = 4;
    f->arr.offset = 1;
    f->arr.n_buffers = 1;
    static const void *nobuf[1] = {NULL};
    f->arr.buffers = nobuf;
    f->arr.n_children = 5;
    f->arr.children = f->aptr;
    f->arr.release = noop_array;
}

static const char *str_of(const dccd_pq_column *c, size_t i, size_t *len)
{
    *len = (size_t)(c->offsets[i + 1] - c->offsets[i]);
    return (const char *)c->data + c->offsets[i];
}

static void test_import_foreign_layouts(void **state)
{
    (void)state;
    fake f;
    fake_trades(&f);
    dccd_table t;
    void *keep;
    dccd_error e;
    assert_int_equal(dccd_arrow_import(DCCD_TRADES, &f.sch, &f.arr, &t, &keep, &e), DCCD_OK);
    assert_int_equal(t.nrows, 4);
    const int64_t *ts = t.cols[TR_TS].values;
    const double *price = t.cols[TR_PRICE].values, *amount = t.cols[TR_AMOUNT].values;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(ts[i], 10 * (i + 1));
        assert_true(price[i] == 1.5 + i);
        assert_true(amount[i] == 1 + i);
    }
    size_t len;
    const char *p = str_of(&t.cols[TR_SIDE], 0, &len);
    assert_int_equal(len, 3);
    assert_memory_equal(p, "buy", 3);
    p = str_of(&t.cols[TR_SIDE], 1, &len);
    assert_int_equal(len, 4);
    assert_memory_equal(p, "sell", 4);
    assert_false(dccd_col_valid(&t.cols[TR_SIDE], 2)); /* physical row 3 */
    assert_true(dccd_col_valid(&t.cols[TR_SIDE], 3));
    p = str_of(&t.cols[TR_TID], 1, &len); /* physical row 2: the long view */
    assert_int_equal(len, strlen("a-trade-id-longer-than-12"));
    assert_memory_equal(p, "a-trade-id-longer-than-12", len);
    p = str_of(&t.cols[TR_TID], 3, &len);
    assert_int_equal(len, 2);
    assert_memory_equal(p, "t4", 2);
    assert_int_equal(dccd_table_validate(&t, &e), DCCD_OK);
    dccd_arrow_keep_free(keep);
}

static void test_import_dictionary(void **state)
{
    (void)state;
    fake f;
    fake_trades(&f);
    /* side as dictionary<int8 keys, utf8 values> ["buy", "sell"] */
    static const int8_t keys[5] = {0, 1, 0, 1, 1};
    static const int32_t doff[3] = {0, 3, 7};
    static const char dd[] = "buysell";
    f.kids[3].format = "c";
    f.dict.format = "u";
    f.dict.name = "";
    f.dict.release = noop_schema;
    f.kids[3].dictionary = &f.dict;
    f.bufs[3][0] = NULL;
    f.bufs[3][1] = keys;
    f.akids[3].n_buffers = 2;
    f.akids[3].null_count = 0;
    f.dbufs[1] = doff;
    f.dbufs[2] = dd;
    f.adict.length = 2;
    f.adict.n_buffers = 3;
    f.adict.buffers = f.dbufs;
    f.adict.release = noop_array;
    f.akids[3].dictionary = &f.adict;
    dccd_table t;
    void *keep;
    dccd_error e;
    assert_int_equal(dccd_arrow_import(DCCD_TRADES, &f.sch, &f.arr, &t, &keep, &e), DCCD_OK);
    const char *want[4] = {"sell", "buy", "sell", "sell"};
    for (int i = 0; i < 4; i++) {
        size_t len;
        const char *p = str_of(&t.cols[TR_SIDE], (size_t)i, &len);
        assert_int_equal(len, strlen(want[i]));
        assert_memory_equal(p, want[i], len);
    }
    dccd_arrow_keep_free(keep);
    /* a key out of the dictionary's range is refused */
    static const int8_t bad[5] = {0, 1, 2, 1, 1};
    f.bufs[3][1] = bad;
    assert_int_equal(dccd_arrow_import(DCCD_TRADES, &f.sch, &f.arr, &t, &keep, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "dictionary key 2"));
}

static void test_import_refusals(void **state)
{
    (void)state;
    fake f;
    dccd_table t;
    void *keep;
    dccd_error e;
    fake_trades(&f);
    f.kids[4].name = "trade_id"; /* not a trades column */
    assert_int_equal(dccd_arrow_import(DCCD_TRADES, &f.sch, &f.arr, &t, &keep, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "unexpected column 'trade_id'"));
    fake_trades(&f);
    f.kids[1].format = "u"; /* price as text */
    assert_int_equal(dccd_arrow_import(DCCD_TRADES, &f.sch, &f.arr, &t, &keep, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "column 'price'"));
    fake_trades(&f);
    f.kids[0].format = "tsu:UTC"; /* microseconds are not nanoseconds */
    assert_int_equal(dccd_arrow_import(DCCD_TRADES, &f.sch, &f.arr, &t, &keep, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "column 'TS'"));
    fake_trades(&f);
    f.kids[0].format = "tsn:UTC"; /* timestamp[ns] is taken as is */
    assert_int_equal(dccd_arrow_import(DCCD_TRADES, &f.sch, &f.arr, &t, &keep, &e), DCCD_OK);
    dccd_arrow_keep_free(keep);
    /* a missing required column; a missing nullable one is all-null */
    fake_trades(&f);
    f.sch.n_children = 4; /* no tid */
    f.arr.n_children = 4;
    assert_int_equal(dccd_arrow_import(DCCD_TRADES, &f.sch, &f.arr, &t, &keep, &e), DCCD_OK);
    assert_int_equal(t.cols[TR_TID].null_count, 4);
    dccd_arrow_keep_free(keep);
    f.kptr[1] = &f.kids[4]; /* price replaced by tid: price missing */
    f.aptr[1] = &f.akids[4];
    assert_int_equal(dccd_arrow_import(DCCD_TRADES, &f.sch, &f.arr, &t, &keep, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "column 'price' is missing"));
    fake_trades(&f);
    f.sch.format = "+l";
    assert_int_equal(dccd_arrow_import(DCCD_TRADES, &f.sch, &f.arr, &t, &keep, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "struct array"));
}

/* ---- streams ---- */

static int64_t stream_rows(struct ArrowArrayStream *st, int64_t *batches, int64_t *last_ts)
{
    int64_t rows = 0;
    *batches = 0;
    for (;;) {
        struct ArrowArray a;
        assert_int_equal(st->get_next(st, &a), 0);
        if (!a.release)
            break;
        (*batches)++;
        rows += a.length;
        if (a.length)
            *last_ts = ((const int64_t *)a.children[0]->buffers[1])[a.length - 1];
        a.release(&a);
    }
    return rows;
}

static void save_bars(dccd_store *s, const dccd_dataset *ds, int64_t t0, size_t n)
{
    dccd_table t;
    fx_make_bars(&t, t0, MIN_NS, n, 1.0);
    int64_t w;
    dccd_error e;
    assert_int_equal(dccd_store_save(s, ds, &t, NULL, &w, &e), DCCD_OK);
    dccd_table_free(&t);
}

/* 1,050 bars from T2024: 1,000 checkpointed into the period file (ten row
 * groups of 100), then 50 pending in a segment. */
static void bars_with_pending(dccd_store *s, const dccd_dataset *ds)
{
    save_bars(s, ds, T2024, 1000);
    dccd_error e;
    dccd_checkpoint_report rep;
    assert_int_equal(dccd_store_checkpoint(s, ds, &rep, &e), DCCD_OK);
    save_bars(s, ds, T2024 + 1000 * MIN_NS, 50);
}

static void test_scan_stream(void **state)
{
    (void)state;
    dccd_store *s = open_store();
    dccd_dataset ds;
    fx_dataset(&ds, "binance", "BTC/USDT", DCCD_OHLC, 60);
    bars_with_pending(s, &ds);
    dccd_error e;
    struct ArrowArrayStream st;
    assert_int_equal(dccd_store_scan_arrow(s, &ds, DCCD_TS_MIN, DCCD_TS_MAX, 1, &st, &e), DCCD_OK);
    struct ArrowSchema sc;
    assert_int_equal(st.get_schema(&st, &sc), 0);
    assert_int_equal(sc.n_children, 8);
    sc.release(&sc);
    int64_t batches, last = 0;
    assert_int_equal(stream_rows(&st, &batches, &last), 1050);
    assert_true(batches >= 10); /* row groups of 100 rows: streamed, not one table */
    assert_int_equal(last, T2024 + 1049 * MIN_NS);
    st.release(&st);
    assert_null(st.release);
    /* a range */
    assert_int_equal(dccd_store_scan_arrow(s, &ds, T2024 + 10 * MIN_NS, T2024 + 19 * MIN_NS, 0, &st, &e), DCCD_OK);
    assert_int_equal(stream_rows(&st, &batches, &last), 10);
    st.release(&st);
    /* released after one batch: the reader thread stops (no leak, no hang) */
    assert_int_equal(dccd_store_scan_arrow(s, &ds, DCCD_TS_MIN, DCCD_TS_MAX, 1, &st, &e), DCCD_OK);
    struct ArrowArray a;
    assert_int_equal(st.get_next(&st, &a), 0);
    assert_non_null(a.release);
    /* the store may be closed while the stream is open */
    dccd_store_close(s);
    a.release(&a);
    int64_t more = stream_rows(&st, &batches, &last);
    assert_true(more > 0);
    st.release(&st);
}

static void test_load_stream(void **state)
{
    (void)state;
    dccd_store *s = open_store();
    dccd_dataset ds;
    fx_dataset(&ds, "kraken", "ETH/EUR", DCCD_OHLC, 60);
    dccd_error e;
    struct ArrowArrayStream st;
    assert_int_equal(dccd_store_load_arrow(s, &ds, DCCD_TS_MIN, DCCD_TS_MAX, &st, &e), DCCD_OK);
    int64_t batches, last = 0;
    assert_int_equal(stream_rows(&st, &batches, &last), 0);
    st.release(&st);
    save_bars(s, &ds, T2024, 250);
    save_bars(s, &ds, T2024 + 100 * MIN_NS, 10); /* overwrites: keep-last */
    assert_int_equal(dccd_store_load_arrow(s, &ds, DCCD_TS_MIN, DCCD_TS_MAX, &st, &e), DCCD_OK);
    assert_int_equal(stream_rows(&st, &batches, &last), 250);
    st.release(&st);
    dccd_store_close(s);
}

static void test_scan_stream_error(void **state)
{
    (void)state;
    dccd_store *s = open_store();
    dccd_dataset ds;
    fx_dataset(&ds, "binance", "BTC/USDT", DCCD_TRADES, 0);
    dccd_table t;
    fx_make_trades(&t, T2024, 30, 1);
    int64_t w;
    dccd_error e;
    assert_int_equal(dccd_store_save(s, &ds, &t, NULL, &w, &e), DCCD_OK);
    dccd_table_free(&t);
    /* corrupt the pending segment: dccd's own file, so the scan fails */
    char cmd[FX_ROOT_MAX + 128];
    snprintf(cmd, sizeof cmd, "for f in $(find %s/.dccd/wal -name '*.seg'); do printf 'junk' > $f; done", root);
    assert_int_equal(system(cmd), 0);
    struct ArrowArrayStream st;
    assert_int_equal(dccd_store_scan_arrow(s, &ds, DCCD_TS_MIN, DCCD_TS_MAX, 0, &st, &e), DCCD_OK);
    struct ArrowArray a;
    int rc = st.get_next(&st, &a);
    assert_int_not_equal(rc, 0);
    const char *msg = st.get_last_error(&st);
    assert_non_null(msg);
    assert_non_null(strstr(msg, ".seg"));
    st.release(&st);
    dccd_store_close(s);
}

/* dccd_store_scan_ahead: the chunks of dccd_store_scan, in order, on the
 * caller's thread; a callback's error stops it; a scan error is returned */
typedef struct ahead_seen {
    int64_t rows, chunks, last;
    bool ordered;
    int64_t stop_after; /* return an error after this many chunks (0: never) */
} ahead_seen;

static int ahead_cb(void *ctx, const dccd_table *chunk, dccd_error *err)
{
    ahead_seen *a = ctx;
    const int64_t *ts = chunk->cols[0].values;
    for (size_t i = 0; i < chunk->nrows; i++) {
        if (ts[i] <= a->last)
            a->ordered = false;
        a->last = ts[i];
    }
    a->rows += (int64_t)chunk->nrows;
    if (++a->chunks == a->stop_after)
        return dccd_err_set(err, DCCD_EINVAL, "consumer stops at chunk %lld", (long long)a->chunks);
    return DCCD_OK;
}

static int plain_cb(void *ctx, const dccd_table *chunk, dccd_error *err)
{
    (void)err;
    ahead_seen *a = ctx;
    a->rows += (int64_t)chunk->nrows;
    a->chunks++;
    return DCCD_OK;
}

static void test_scan_ahead(void **state)
{
    (void)state;
    dccd_store *s = open_store();
    dccd_dataset ds;
    fx_dataset(&ds, "binance", "BTC/USDT", DCCD_OHLC, 60);
    bars_with_pending(s, &ds);
    dccd_error e;
    ahead_seen plain = {0, 0, 0, true, 0};
    assert_int_equal(dccd_store_scan(s, &ds, DCCD_TS_MIN, DCCD_TS_MAX, plain_cb, &plain, &e), DCCD_OK);
    for (unsigned ra = 0; ra < 4; ra++) {
        ahead_seen a = {0, 0, INT64_MIN, true, 0};
        assert_int_equal(dccd_store_scan_ahead(s, &ds, DCCD_TS_MIN, DCCD_TS_MAX, ra, ahead_cb, &a, &e), DCCD_OK);
        assert_int_equal(a.rows, 1050);
        assert_int_equal(a.chunks, plain.chunks);
        assert_true(a.chunks >= 10);
        assert_true(a.ordered);
        assert_int_equal(a.last, T2024 + 1049 * MIN_NS);
    }
    /* the consumer stops: its error comes back, the reader is stopped */
    ahead_seen st = {0, 0, INT64_MIN, true, 3};
    assert_int_equal(dccd_store_scan_ahead(s, &ds, DCCD_TS_MIN, DCCD_TS_MAX, 1, ahead_cb, &st, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "consumer stops at chunk 3"));
    assert_int_equal(st.chunks, 3);
    /* a scan error (a segment of another dataset made unreadable) */
    dccd_dataset tr;
    fx_dataset(&tr, "binance", "BTC/USDT", DCCD_TRADES, 0);
    dccd_table t;
    fx_make_trades(&t, T2024, 30, 1);
    int64_t w;
    assert_int_equal(dccd_store_save(s, &tr, &t, NULL, &w, &e), DCCD_OK);
    dccd_table_free(&t);
    char cmd[FX_ROOT_MAX + 160];
    snprintf(cmd, sizeof cmd, "for f in $(find %s/.dccd/wal -path '*trades*' -name '*.seg'); do printf 'junk' > $f; done",
             root);
    assert_int_equal(system(cmd), 0);
    ahead_seen bad = {0, 0, INT64_MIN, true, 0};
    assert_int_equal(dccd_store_scan_ahead(s, &tr, DCCD_TS_MIN, DCCD_TS_MAX, 0, ahead_cb, &bad, &e), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, ".seg"));
    assert_int_equal(bad.rows, 0);
    /* bad arguments */
    assert_int_equal(dccd_store_scan_ahead(s, &ds, DCCD_TS_MIN, DCCD_TS_MAX, 0, NULL, NULL, &e), DCCD_EINVAL);
    dccd_store_close(s);
}

/* A period file whose 6th row group (of 10) has a damaged page: load keeps
 * row groups 1-5 and warns, whatever the thread count (with a pool, row
 * groups decode several at a time: the rows after the damage are dropped
 * even when already decoded). */
static void count_warn(void *ctx, const char *msg)
{
    (void)msg;
    ++*(int *)ctx;
}

static void test_load_damaged_row_group(void **state)
{
    (void)state;
    dccd_dataset ds;
    fx_dataset(&ds, "binance", "BTC/USDT", DCCD_OHLC, 60);
    {
        dccd_store *s = open_store();
        save_bars(s, &ds, T2024, 1000);
        dccd_error e;
        dccd_checkpoint_report rep;
        assert_int_equal(dccd_store_checkpoint(s, &ds, &rep, &e), DCCD_OK);
        dccd_store_close(s);
    }
    char path[FX_ROOT_MAX + 64];
    snprintf(path, sizeof path, "%s/binance/ohlc/BTC-USDT/1m/2024.parquet", root);
    dccd_pq_file *f;
    dccd_error e;
    assert_int_equal(dccd_pq_open(path, &f, &e), DCCD_OK);
    assert_int_equal(dccd_pq_num_row_groups(f), 10);
    dccd_pq_chunk_info ci;
    assert_int_equal(dccd_pq_chunk(f, 5, 1, &ci, &e), DCCD_OK); /* row group 6, column open */
    dccd_pq_close(f);
    FILE *fp = fopen(path, "r+b");
    assert_non_null(fp);
    /* garble the compressed bytes of the page, after its header */
    assert_int_equal(fseek(fp, (long)(ci.data_page_offset + ci.total_compressed_size / 2), SEEK_SET), 0);
    for (int i = 0; i < 24; i++)
        fputc(0xff, fp);
    assert_int_equal(fclose(fp), 0);
    for (int threads = 1; threads <= 4; threads++) {
        dccd_store_options o;
        dccd_store_options_init(&o);
        o.durable = false;
        o.row_group_rows = 100;
        o.threads = threads;
        int warned = 0;
        o.warn = count_warn;
        o.warn_ctx = &warned;
        dccd_store *s;
        assert_int_equal(dccd_store_open(root, &o, &s, &e), DCCD_OK);
        dccd_table t;
        assert_int_equal(dccd_store_load(s, &ds, DCCD_TS_MIN, DCCD_TS_MAX, &t, &e), DCCD_OK);
        assert_int_equal(t.nrows, 500);
        assert_int_equal(((int64_t *)t.cols[0].values)[499], T2024 + 499 * MIN_NS);
        assert_int_equal(warned, 1);
        dccd_table_free(&t);
        dccd_store_close(s);
    }
}

/* a stream over tables that the consumer fails to read fully */
static void test_table_stream_partial(void **state)
{
    (void)state;
    dccd_table t[3];
    fx_make_trades(&t[0], T2024, 5, 1);
    dccd_table_init(&t[1], DCCD_TRADES); /* empty: skipped */
    fx_make_trades(&t[2], T2024 + DCCD_NS, 7, 10);
    struct ArrowArrayStream st;
    dccd_error e;
    assert_int_equal(dccd_arrow_stream_tables(DCCD_TRADES, t, 3, &st, &e), DCCD_OK);
    struct ArrowArray a;
    assert_int_equal(st.get_next(&st, &a), 0);
    assert_int_equal(a.length, 5);
    a.release(&a);
    st.release(&st); /* the third table is freed unread */
}

/* ---- save from a stream ---- */

static void test_save_arrow(void **state)
{
    (void)state;
    dccd_store *s = open_store();
    dccd_dataset ds;
    fx_dataset(&ds, "binance", "BTC/USDT", DCCD_TRADES, 0);
    dccd_table t[2];
    fx_make_trades(&t[0], T2024, 6, 1);
    fx_make_trades(&t[1], T2024 + 10 * DCCD_NS, 4, 3); /* tids 3..6 again: replaced */
    struct ArrowArrayStream st;
    dccd_error e, first;
    assert_int_equal(dccd_arrow_stream_tables(DCCD_TRADES, t, 2, &st, &e), DCCD_OK);
    int64_t w, d;
    assert_int_equal(dccd_store_save_arrow(s, &ds, &st, NULL, false, &w, &d, &first, &e), DCCD_OK);
    assert_int_equal(w, 10);
    assert_int_equal(d, 0);
    st.release(&st);
    assert_int_equal(fx_load_rows(s, &ds), 6); /* tids 1..6 */
    /* a bad row: refused whole, or dropped alone */
    fx_make_trades(&t[0], T2024 + 100 * DCCD_NS, 5, 50);
    ((double *)t[0].cols[TR_PRICE].values)[2] = NAN;
    dccd_table copy;
    assert_int_equal(dccd_table_slice(&t[0], 0, 5, &copy, &e), DCCD_OK);
    assert_int_equal(dccd_arrow_stream_tables(DCCD_TRADES, t, 1, &st, &e), DCCD_OK);
    assert_int_equal(dccd_store_save_arrow(s, &ds, &st, NULL, false, &w, &d, &first, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "row 2"));
    assert_non_null(strstr(e.msg, "price"));
    st.release(&st);
    assert_int_equal(fx_load_rows(s, &ds), 6);
    assert_int_equal(dccd_arrow_stream_tables(DCCD_TRADES, &copy, 1, &st, &e), DCCD_OK);
    assert_int_equal(dccd_store_save_arrow(s, &ds, &st, NULL, true, &w, &d, &first, &e), DCCD_OK);
    assert_int_equal(w, 4);
    assert_int_equal(d, 1);
    assert_non_null(strstr(first.msg, "row 2, field 'price'"));
    st.release(&st);
    assert_int_equal(fx_load_rows(s, &ds), 10);
    /* a stream of the wrong type */
    dccd_table bars;
    fx_make_bars(&bars, T2024, MIN_NS, 3, 1.0);
    assert_int_equal(dccd_arrow_stream_tables(DCCD_OHLC, &bars, 1, &st, &e), DCCD_OK);
    assert_int_equal(dccd_store_save_arrow(s, &ds, &st, NULL, false, &w, &d, &first, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "unexpected column 'open'"));
    st.release(&st);
    assert_int_equal(fx_load_rows(s, &ds), 10);
    dccd_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema),
        cmocka_unit_test(test_export_moves_buffers),
        cmocka_unit_test(test_export_bool_and_empty),
        cmocka_unit_test(test_roundtrip_import),
        cmocka_unit_test(test_import_foreign_layouts),
        cmocka_unit_test(test_import_dictionary),
        cmocka_unit_test(test_import_refusals),
        cmocka_unit_test(test_table_stream_partial),
        cmocka_unit_test_setup_teardown(test_scan_stream, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_stream, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_stream_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_ahead, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_damaged_row_group, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_arrow, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
