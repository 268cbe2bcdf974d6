/*
 * tests/unit/test_store_merge.c - tables, validation and the seed's merge
 * semantics, checked against a naive reference (quadratic keep-last de-dup
 * applied step by step, then a stable insertion sort) on random batches
 * with few distinct keys, so collisions, ties and null tids are frequent;
 * and the pool's partitioned de-dup against the one-thread one on tables
 * of 70,000-210,000 rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dccd/pool.h"
#include "store/store_int.h"

static uint64_t rng_state = 0x12345678u;
static uint32_t rnd(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng_state >> 33);
}

/* An owned trades table of n rows with side and tid validity and string
 * buffers of 4 and tid_bytes bytes a row (filled by the caller). */
static void trades_alloc(dccd_table *t, size_t n, size_t tid_bytes)
{
    assert_int_equal(dccd_table_alloc(t, DCCD_TRADES, n, NULL), DCCD_OK);
    assert_int_equal(dccd_table_col_validity(t, TR_SIDE, NULL), DCCD_OK);
    assert_int_equal(dccd_table_col_validity(t, TR_TID, NULL), DCCD_OK);
    t->cols[TR_SIDE].data = malloc(n * 4 + 1);
    t->cols[TR_TID].data = malloc(n * tid_bytes + 1);
    assert_non_null(t->cols[TR_SIDE].data);
    assert_non_null(t->cols[TR_TID].data);
}

/* Build an owned trades table with random rows drawn from small domains. */
static void make_trades(dccd_table *t, size_t n, int null_tid_pct)
{
    trades_alloc(t, n, 4);
    int64_t *ts = t->cols[TR_TS].values;
    double *price = t->cols[TR_PRICE].values, *amount = t->cols[TR_AMOUNT].values;
    dccd_pq_column *side = &t->cols[TR_SIDE], *tid = &t->cols[TR_TID];
    size_t sp = 0, tp = 0;
    for (size_t i = 0; i < n; i++) {
        ts[i] = 1000 + rnd() % 8;
        price[i] = (rnd() % 3) ? 1.5 : -0.0 + 0.0 * (rnd() % 2);
        amount[i] = (double)(rnd() % 3);
        int s = rnd() % 3;
        side->validity[i] = s != 2;
        if (s == 0) {
            memcpy(side->data + sp, "buy", 3);
            sp += 3;
        } else if (s == 1) {
            memcpy(side->data + sp, "sell", 4);
            sp += 4;
        }
        side->offsets[i + 1] = (int64_t)sp;
        if ((int)(rnd() % 100) < null_tid_pct) {
            tid->validity[i] = 0;
        } else {
            int v = rnd() % 12;
            tp += (size_t)sprintf((char *)tid->data + tp, "%d", v);
        }
        tid->offsets[i + 1] = (int64_t)tp;
    }
    size_t nulls = 0;
    for (size_t i = 0; i < n; i++)
        nulls += !tid->validity[i];
    tid->null_count = nulls;
}

static void make_ohlc(dccd_table *t, size_t n)
{
    assert_int_equal(dccd_table_alloc(t, DCCD_OHLC, n, NULL), DCCD_OK);
    int64_t *ts = t->cols[OHLC_TS].values;
    for (size_t i = 0; i < n; i++) {
        ts[i] = 60 + 60 * (int64_t)(rnd() % 20);
        for (int c = OHLC_OPEN; c <= OHLC_QUOTE_VOLUME; c++)
            ((double *)t->cols[c].values)[i] = (double)(rnd() % 1000);
        ((int64_t *)t->cols[OHLC_TRADES].values)[i] = (int64_t)i;
    }
}

/* ---- naive reference ---- */

static bool cell_eq(const dccd_table *t, int c, size_t i, size_t j)
{
    const dccd_pq_column *col = &t->cols[c];
    bool vi = dccd_col_valid(col, i), vj = dccd_col_valid(col, j);
    if (!vi || !vj)
        return vi == vj;
    if (col->type == DCCD_PQ_BYTE_ARRAY) {
        int64_t li = col->offsets[i + 1] - col->offsets[i], lj = col->offsets[j + 1] - col->offsets[j];
        return li == lj && memcmp(col->data + col->offsets[i], col->data + col->offsets[j], (size_t)li) == 0;
    }
    if (col->type == DCCD_PQ_DOUBLE) {
        double a = ((double *)col->values)[i], b = ((double *)col->values)[j];
        return a == b || (isnan(a) && isnan(b));
    }
    return ((int64_t *)col->values)[i] == ((int64_t *)col->values)[j];
}

static void ref_step(const dccd_table *cat, dccd_table *out)
{
    int key[4], nk = 0;
    if (cat->type == DCCD_OHLC) {
        key[nk++] = OHLC_TS;
    } else {
        bool nulls = false;
        for (size_t i = 0; i < cat->nrows; i++)
            nulls |= !dccd_col_valid(&cat->cols[TR_TID], i);
        if (!nulls)
            key[nk++] = TR_TID;
        else {
            key[nk++] = TR_TS;
            key[nk++] = TR_PRICE;
            key[nk++] = TR_AMOUNT;
            key[nk++] = TR_SIDE;
        }
    }
    size_t *idx = malloc((cat->nrows + 1) * sizeof *idx), n = 0;
    for (size_t i = 0; i < cat->nrows; i++) {
        bool later = false;
        for (size_t j = i + 1; j < cat->nrows && !later; j++) {
            bool eq = true;
            for (int q = 0; q < nk && eq; q++)
                eq = cell_eq(cat, key[q], i, j);
            later = eq;
        }
        if (!later)
            idx[n++] = i;
    }
    const int64_t *ts = cat->cols[0].values;
    for (size_t i = 1; i < n; i++) { /* stable insertion sort */
        size_t v = idx[i], j = i;
        while (j > 0 && ts[idx[j - 1]] > ts[v]) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = v;
    }
    assert_int_equal(dccd_table_gather(cat, idx, n, out, NULL), DCCD_OK);
    free(idx);
}

static void ref_fold(const dccd_table *const *parts, size_t k, dccd_table *out)
{
    dccd_table acc, cat;
    if (k == 1) {
        ref_step(parts[0], out);
        return;
    }
    const dccd_table *two[2] = {parts[0], parts[1]};
    assert_int_equal(dccd_table_concat(two, 2, &cat, NULL), DCCD_OK);
    ref_step(&cat, &acc);
    dccd_table_free(&cat);
    for (size_t i = 2; i < k; i++) {
        two[0] = &acc;
        two[1] = parts[i];
        assert_int_equal(dccd_table_concat(two, 2, &cat, NULL), DCCD_OK);
        dccd_table next;
        ref_step(&cat, &next);
        dccd_table_free(&cat);
        dccd_table_free(&acc);
        acc = next;
    }
    *out = acc;
}

static void assert_tables_equal(const dccd_table *a, const dccd_table *b)
{
    assert_int_equal(a->nrows, b->nrows);
    assert_int_equal(a->ncols, b->ncols);
    for (size_t i = 0; i < a->nrows; i++)
        for (int c = 0; c < a->ncols; c++) {
            /* compare a row of a with the same row of b via a joined table */
            const dccd_pq_column *x = &a->cols[c], *y = &b->cols[c];
            bool vx = dccd_col_valid(x, i), vy = dccd_col_valid(y, i);
            assert_int_equal(vx, vy);
            if (!vx)
                continue;
            if (x->type == DCCD_PQ_BYTE_ARRAY) {
                int64_t lx = x->offsets[i + 1] - x->offsets[i], ly = y->offsets[i + 1] - y->offsets[i];
                assert_int_equal(lx, ly);
                assert_memory_equal(x->data + x->offsets[i], y->data + y->offsets[i], (size_t)lx);
            } else {
                assert_memory_equal((uint8_t *)x->values + i * 8, (uint8_t *)y->values + i * 8, 8);
            }
        }
}

static void check_random_folds(dccd_data_type type, int rounds, int null_pct_max)
{
    for (int round = 0; round < rounds; round++) {
        size_t k = 1 + rnd() % 5;
        dccd_table parts[5];
        const dccd_table *pp[5];
        for (size_t i = 0; i < k; i++) {
            size_t n = rnd() % 30;
            if (type == DCCD_TRADES)
                make_trades(&parts[i], n, null_pct_max ? (int)(rnd() % (unsigned)null_pct_max) : 0);
            else
                make_ohlc(&parts[i], n);
            pp[i] = &parts[i];
        }
        dccd_table got, want;
        assert_int_equal(dccd_merge_fold(pp, k, &got, NULL), DCCD_OK);
        ref_fold(pp, k, &want);
        assert_true(dccd_ts_sorted(got.cols[0].values, got.nrows));
        assert_tables_equal(&got, &want);
        dccd_table_free(&got);
        dccd_table_free(&want);
        for (size_t i = 0; i < k; i++)
            dccd_table_free(&parts[i]);
    }
}

static void test_fold_ohlc_matches_reference(void **s)
{
    (void)s;
    check_random_folds(DCCD_OHLC, 300, 0);
}

static void test_fold_trades_tid_matches_reference(void **s)
{
    (void)s;
    check_random_folds(DCCD_TRADES, 300, 0);
}

static void test_fold_trades_null_tids_matches_reference(void **s)
{
    (void)s;
    check_random_folds(DCCD_TRADES, 600, 40);
    check_random_folds(DCCD_TRADES, 200, 101); /* some parts all-null */
}

static void test_fold_keeps_last_and_sorts(void **s)
{
    (void)s;
    dccd_table a, b, out;
    make_ohlc(&a, 3);
    make_ohlc(&b, 2);
    int64_t *ta = a.cols[0].values, *tb = b.cols[0].values;
    ta[0] = 300, ta[1] = 120, ta[2] = 60;
    tb[0] = 120, tb[1] = 600;
    ((double *)b.cols[OHLC_CLOSE].values)[0] = 42.0;
    const dccd_table *pp[2] = {&a, &b};
    assert_int_equal(dccd_merge_fold(pp, 2, &out, NULL), DCCD_OK);
    assert_int_equal(out.nrows, 4);
    int64_t *to = out.cols[0].values;
    assert_true(to[0] == 60 && to[1] == 120 && to[2] == 300 && to[3] == 600);
    assert_true(((double *)out.cols[OHLC_CLOSE].values)[1] == 42.0); /* last wins */
    dccd_table_free(&a);
    dccd_table_free(&b);
    dccd_table_free(&out);
}

/* Trades drawn from wide domains (tids 0..ntid-1, ts 0..nts-1, some null
 * tids): enough rows for the partitioned de-dup of a pool. */
static void make_trades_wide(dccd_table *t, size_t n, unsigned ntid, unsigned nts, int null_tid_pct)
{
    trades_alloc(t, n, 12);
    int64_t *ts = t->cols[TR_TS].values;
    double *price = t->cols[TR_PRICE].values, *amount = t->cols[TR_AMOUNT].values;
    dccd_pq_column *side = &t->cols[TR_SIDE], *tid = &t->cols[TR_TID];
    size_t sp = 0, tp = 0, nulls = 0;
    for (size_t i = 0; i < n; i++) {
        ts[i] = (int64_t)(rnd() % nts);
        price[i] = (double)(rnd() % 4) * 0.5;
        amount[i] = (double)(rnd() % 3);
        bool buy = rnd() % 2;
        memcpy(side->data + sp, buy ? "buy" : "sell", buy ? 3 : 4);
        sp += buy ? 3 : 4;
        side->offsets[i + 1] = (int64_t)sp;
        if ((int)(rnd() % 100) < null_tid_pct) {
            tid->validity[i] = 0;
            nulls++;
        } else {
            tp += (size_t)sprintf((char *)tid->data + tp, "%u", rnd() % ntid);
        }
        tid->offsets[i + 1] = (int64_t)tp;
    }
    tid->null_count = nulls;
}

/* The partitioned de-dup on a pool gives the one-thread result: folds
 * keyed by tid and by the composite key, OHLC, and duplicate counts. */
static void test_fold_on_pool_matches_one_thread(void **st)
{
    (void)st;
    dccd_pool *pools[2];
    assert_int_equal(dccd_pool_create(2, &pools[0], NULL), DCCD_OK);
    assert_int_equal(dccd_pool_create(5, &pools[1], NULL), DCCD_OK);
    for (int round = 0; round < 4; round++) {
        dccd_table a, b, o1, o2;
        int nullpct = round == 1 ? 10 : 0; /* round 1: null tids, composite key */
        make_trades_wide(&a, 150000, round == 3 ? 1000u : 120000u, round == 2 ? 50u : 90000u, nullpct);
        make_trades_wide(&b, 60000, 120000u, 90000u, nullpct);
        make_ohlc(&o1, 70000);
        make_ohlc(&o2, 1000);
        const dccd_table *tp[2] = {&a, &b}, *op[2] = {&o1, &o2};
        dccd_table want, wanto;
        assert_int_equal(dccd_merge_fold(tp, 2, &want, NULL), DCCD_OK);
        assert_int_equal(dccd_merge_fold(op, 2, &wanto, NULL), DCCD_OK);
        assert_true(want.nrows < a.nrows + b.nrows); /* duplicates were dropped */
        for (int pi = 0; pi < 2; pi++) {
            dccd_table got, goto_;
            assert_int_equal(dccd_merge_fold_pool(tp, 2, pools[pi], &got, NULL), DCCD_OK);
            assert_tables_equal(&got, &want);
            assert_int_equal(dccd_merge_fold_pool(op, 2, pools[pi], &goto_, NULL), DCCD_OK);
            assert_tables_equal(&goto_, &wanto);
            dccd_table_free(&got);
            dccd_table_free(&goto_);
            for (int m = 0; m < 2; m++) {
                dccd_key_mode km = m ? DCCD_KEY_TID : DCCD_KEY_COMPOSITE;
                size_t nd1, f1, nd2, f2;
                assert_int_equal(dccd_table_duplicates(&a, km, &nd1, &f1, NULL), DCCD_OK);
                assert_int_equal(dccd_table_duplicates_pool(&a, km, pools[pi], &nd2, &f2, NULL), DCCD_OK);
                assert_true(nd1 > 0);
                assert_int_equal(nd1, nd2);
                assert_int_equal(f1, f2);
            }
        }
        dccd_table_free(&want);
        dccd_table_free(&wanto);
        dccd_table_free(&a);
        dccd_table_free(&b);
        dccd_table_free(&o1);
        dccd_table_free(&o2);
    }
    dccd_pool_destroy(pools[0]);
    dccd_pool_destroy(pools[1]);
}

static void test_validate_refuses_bad_rows(void **s)
{
    (void)s;
    dccd_table t;
    dccd_error e;
    make_trades(&t, 10, 0);
    assert_int_equal(dccd_table_validate(&t, &e), DCCD_OK);
    ((double *)t.cols[TR_PRICE].values)[4] = NAN;
    assert_int_equal(dccd_table_validate(&t, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "row 4"));
    assert_non_null(strstr(e.msg, "'price'"));
    ((double *)t.cols[TR_PRICE].values)[4] = 1;
    ((double *)t.cols[TR_AMOUNT].values)[7] = -1;
    assert_int_equal(dccd_table_validate(&t, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "row 7"));
    ((double *)t.cols[TR_AMOUNT].values)[7] = INFINITY;
    assert_int_equal(dccd_table_validate(&t, &e), DCCD_EINVAL);
    ((double *)t.cols[TR_AMOUNT].values)[7] = 1;
    ((int64_t *)t.cols[TR_TS].values)[2] = 0; /* 1970-01-01T00:00:00Z is valid */
    assert_int_equal(dccd_table_validate(&t, &e), DCCD_OK);
    ((int64_t *)t.cols[TR_TS].values)[2] = -1;
    assert_int_equal(dccd_table_validate(&t, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "'TS'"));
    assert_non_null(strstr(e.msg, "got -1"));
    ((int64_t *)t.cols[TR_TS].values)[2] = 5;
    dccd_table_free(&t);
    /* a side other than buy/sell */
    assert_int_equal(dccd_table_alloc(&t, DCCD_TRADES, 2, NULL), DCCD_OK);
    ((int64_t *)t.cols[TR_TS].values)[0] = 1;
    ((int64_t *)t.cols[TR_TS].values)[1] = 2;
    t.cols[TR_SIDE].data = malloc(6);
    memcpy(t.cols[TR_SIDE].data, "buyBUY", 6);
    t.cols[TR_SIDE].offsets[1] = 3;
    t.cols[TR_SIDE].offsets[2] = 6;
    assert_int_equal(dccd_table_validate(&t, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "row 1"));
    assert_non_null(strstr(e.msg, "'side'"));
    dccd_table_free(&t);
}

static void test_layout_check(void **s)
{
    (void)s;
    dccd_table t;
    dccd_error e;
    make_ohlc(&t, 4);
    t.cols[3].n = 3;
    assert_int_equal(dccd_table_check_layout(&t, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "'low'"));
    t.cols[3].n = 4;
    t.cols[2].type = DCCD_PQ_FLOAT;
    assert_int_equal(dccd_table_check_layout(&t, &e), DCCD_EINVAL);
    t.cols[2].type = DCCD_PQ_DOUBLE;
    assert_int_equal(dccd_table_check_layout(&t, &e), DCCD_OK);
    dccd_table_free(&t);
}

static void test_book_flatten(void **s)
{
    (void)s;
    dccd_book_level bids[2] = {{100.0, 1.0, 3, true}, {99.5, 2.0, 0, false}};
    dccd_book_level asks[1] = {{100.5, 0.5, 1, true}};
    dccd_book_snapshot snaps[2] = {{1000, bids, 2, asks, 1, true}, {2000, NULL, 0, asks, 1, false}};
    dccd_table t;
    assert_int_equal(dccd_book_flatten(snaps, 2, &t, NULL), DCCD_OK);
    assert_int_equal(t.nrows, 4);
    const char *sides[4] = {"bid", "bid", "ask", "ask"};
    for (size_t i = 0; i < 4; i++)
        assert_memory_equal(t.cols[BK_SIDE].data + t.cols[BK_SIDE].offsets[i], sides[i], 3);
    assert_true(((double *)t.cols[BK_PRICE].values)[1] == 99.5);
    assert_int_equal(t.cols[BK_COUNT].validity[1], 0);
    assert_int_equal(t.cols[BK_COUNT].validity[0], 1);
    assert_int_equal(((int64_t *)t.cols[BK_TS].values)[3], 2000);
    assert_int_equal(((uint8_t *)t.cols[BK_IS_SNAPSHOT].values)[3], 0);
    assert_int_equal(dccd_table_validate(&t, NULL), DCCD_OK);
    dccd_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold_keeps_last_and_sorts),
        cmocka_unit_test(test_fold_ohlc_matches_reference),
        cmocka_unit_test(test_fold_trades_tid_matches_reference),
        cmocka_unit_test(test_fold_trades_null_tids_matches_reference),
        cmocka_unit_test(test_fold_on_pool_matches_one_thread),
        cmocka_unit_test(test_validate_refuses_bad_rows),
        cmocka_unit_test(test_layout_check),
        cmocka_unit_test(test_book_flatten),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
