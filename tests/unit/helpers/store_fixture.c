/*
 * tests/unit/helpers/store_fixture.c - the store tests' shared fixture (see
 * store_fixture.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers/store_fixture.h"

void fx_root_make(char root[FX_ROOT_MAX], const char *tag)
{
    snprintf(root, FX_ROOT_MAX, "/tmp/dccd-test-%s-XXXXXX", tag);
    assert_non_null(mkdtemp(root));
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return flag == FTW_DP ? rmdir(path) : unlink(path);
}

int fx_root_remove(const char *root)
{
    return nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void fx_dataset(dccd_dataset *ds, const char *ex, const char *pair, dccd_data_type t, int64_t span)
{
    dccd_symbol sym;
    assert_int_equal(dccd_symbol_parse(pair, &sym, NULL), DCCD_OK);
    assert_int_equal(dccd_dataset_init(ds, ex, &sym, t, span, NULL), DCCD_OK);
}

void fx_make_bars(dccd_table *t, int64_t t0, int64_t step, size_t n, double base)
{
    assert_int_equal(dccd_table_alloc(t, DCCD_OHLC, n, NULL), DCCD_OK);
    for (size_t i = 0; i < n; i++) {
        ((int64_t *)t->cols[OHLC_TS].values)[i] = t0 + (int64_t)i * step;
        for (int c = OHLC_OPEN; c <= OHLC_QUOTE_VOLUME; c++)
            ((double *)t->cols[c].values)[i] = base + (double)i;
        ((int64_t *)t->cols[OHLC_TRADES].values)[i] = (int64_t)i;
    }
}

void fx_make_trades(dccd_table *t, int64_t t0, size_t n, int tid0)
{
    assert_int_equal(dccd_table_alloc(t, DCCD_TRADES, n, NULL), DCCD_OK);
    dccd_pq_column *side = &t->cols[TR_SIDE], *tid = &t->cols[TR_TID];
    side->data = malloc(n * 4 + 1);
    tid->data = malloc(n * 12 + 1);
    assert_non_null(side->data);
    assert_non_null(tid->data);
    size_t sp = 0, tp = 0;
    for (size_t i = 0; i < n; i++) {
        ((int64_t *)t->cols[TR_TS].values)[i] = t0 + (int64_t)(i / 3) * DCCD_NS; /* ties */
        ((double *)t->cols[TR_PRICE].values)[i] = 100.0 + (double)(i % 7);
        ((double *)t->cols[TR_AMOUNT].values)[i] = 0.5;
        memcpy(side->data + sp, i % 2 ? "sell" : "buy", i % 2 ? 4 : 3);
        sp += i % 2 ? 4 : 3;
        side->offsets[i + 1] = (int64_t)sp;
        tp += (size_t)snprintf((char *)tid->data + tp, 12, "%d", tid0 + (int)i);
        tid->offsets[i + 1] = (int64_t)tp;
    }
}

int64_t fx_load_rows(dccd_store *s, const dccd_dataset *ds)
{
    dccd_table t;
    dccd_error e;
    assert_int_equal(dccd_store_load(s, ds, DCCD_TS_MIN, DCCD_TS_MAX, &t, &e), DCCD_OK);
    int64_t n = (int64_t)t.nrows;
    dccd_table_free(&t);
    return n;
}

dccd_store *fx_store_open(const char *root, const dccd_store_options *o)
{
    dccd_store *s = NULL;
    dccd_error e;
    if (dccd_store_open(root, o, &s, &e) != DCCD_OK)
        fail_msg("open %s: %s", root, e.msg);
    return s;
}

void fx_write_raw(dccd_store *s, const char *dsdir, const char *name, const dccd_table *t)
{
    int dfd;
    dccd_error e;
    assert_int_equal(dccd_dir_open(s->rootfd, dsdir, true, &dfd, &e), DCCD_OK);
    if (dccd_store_write_table(s, dfd, name, name, s->opts.codec, NULL, 0, t, NULL, 0, &e) != DCCD_OK)
        fail_msg("write %s/%s: %s", dsdir, name, e.msg);
    close(dfd);
}
