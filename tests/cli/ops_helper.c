/*
 * tests/cli/ops_helper.c - a tiny helper for the end-to-end tests of the
 * dccd store-operation subcommands (tests/cli/ops_*.sh, registered by
 * tests/cli_ops.cmake).  It builds small stores and legacy files with the
 * PUBLIC dccd API only, and prints what the library loads, so the shell
 * tests can compare the command's output with what was written.
 *
 *   ops_helper mkstore ROOT
 *       a small store, exchange "test" (all times in March 2099):
 *       - test:BTC/USDT:ohlc:60s  2099-03-01T00:00Z + i minutes, i = 0..59
 *         except 10..14 (a hole of five bars): 55 rows.  Bars 0..29 are
 *         saved and checkpointed into the period file 2099.parquet, bars
 *         30..59 are saved after and left pending (one segment).
 *         Provenance {"source":"test:helper","derived_from":null}.
 *       - test:BTC/USDT:trades  100 trades on 2099-03-01, every 10 s from
 *         00:00:00 (trades 0..49, the last at 00:08:10) and from 00:23:20
 *         (trades 50..99, the last at 00:31:30): a silence of 910 s;
 *         tids "1".."100",
 *         checkpointed.  Provenance {"source":"test:ws","derived_from":null}.
 *       - test:ETH/USDT:orderbook  10 snapshots (3 bids, 3 asks) on
 *         2099-03-02 every minute from 00:00, left pending (no period
 *         file).  Provenance source "test:rest", derived_from
 *         "test:ETH/USDT:trades".
 *   ops_helper write-v2 PATH N
 *       a legacy v2 OHLC file (the seed's README: TS in Unix seconds, date,
 *       time, close, high, low, open, quoteVolume, volume, weightedAverage)
 *       of N hourly bars from 2020-01-01T00:00Z; row 5 has a null
 *       quoteVolume.  Written with dccd_pq_writer.
 *   ops_helper dump ROOT DATASET_ID
 *       every row the store loads for the dataset, one per line, columns
 *       separated by ',' (doubles with %.17g, null as "null").
 *   ops_helper columns PATH
 *       the column names of a Parquet file, comma separated, then the
 *       file's largest TS (from the TS column) on a second line.
 *
 * Exit status 0 ok, 1 failure (message on stderr), 2 usage.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dccd/domain.h"
#include "dccd/error.h"
#include "dccd/parquet.h"
#include "dccd/store.h"

#define MIN_NS (INT64_C(60) * DCCD_NS)

static int fail(const char *what, const dccd_error *err)
{
    fprintf(stderr, "ops_helper: %s: %s (%s)\n", what, err->msg, dccd_code_name(err->code));
    return 1;
}

static void borrow(dccd_table *t, dccd_data_type type, size_t n)
{
    memset(t, 0, sizeof *t);
    t->type = type;
    t->nrows = n;
    t->ncols = dccd_schema_ncols(type);
    for (int i = 0; i < t->ncols; i++) {
        t->cols[i].type = dccd_schema_col_type(type, i);
        t->cols[i].n = n;
    }
}

static int dataset(const char *id, dccd_dataset *ds)
{
    dccd_error err;
    if (dccd_dataset_parse(id, ds, &err) != DCCD_OK)
        return fail(id, &err);
    return 0;
}

static int save(dccd_store *s, const dccd_dataset *ds, const dccd_table *t, const char *source, const char *derived)
{
    dccd_error err;
    dccd_provenance p;
    if (dccd_provenance_init(&p, source, derived, &err) != DCCD_OK)
        return fail("provenance", &err);
    int64_t w;
    int rc = dccd_store_save(s, ds, t, &p, &w, &err) != DCCD_OK ? fail("save", &err) : 0;
    dccd_provenance_free(&p);
    return rc;
}

static int mk_ohlc(dccd_store *s, int64_t t0)
{
    dccd_dataset ds;
    if (dataset("test:BTC/USDT:ohlc:60s", &ds))
        return 1;
    int64_t ts[60], trades[60];
    double o[60], h[60], l[60], c[60], v[60], q[60];
    size_t n = 0;
    for (int i = 0; i < 60; i++) {
        if (i >= 10 && i < 15)
            continue;
        ts[n] = t0 + i * MIN_NS;
        o[n] = 100.0 + i;
        c[n] = 100.5 + i;
        h[n] = 101.0 + i;
        l[n] = 99.5 + i;
        v[n] = 1.25 * (i + 1);
        q[n] = v[n] * c[n];
        trades[n] = i + 3;
        n++;
    }
    size_t first = 25; /* bars 0..29 minus the five missing */
    for (int part = 0; part < 2; part++) {
        size_t off = part ? first : 0, cnt = part ? n - first : first;
        dccd_table t;
        borrow(&t, DCCD_OHLC, cnt);
        t.cols[0].values = ts + off;
        t.cols[1].values = o + off;
        t.cols[2].values = h + off;
        t.cols[3].values = l + off;
        t.cols[4].values = c + off;
        t.cols[5].values = v + off;
        t.cols[6].values = q + off;
        t.cols[7].values = trades + off;
        if (save(s, &ds, &t, "test:helper", NULL))
            return 1;
        if (part == 0) {
            dccd_error err;
            dccd_checkpoint_report rep;
            if (dccd_store_checkpoint(s, &ds, &rep, &err) != DCCD_OK)
                return fail("checkpoint", &err);
        }
    }
    return 0;
}

static int mk_trades(dccd_store *s, int64_t t0)
{
    dccd_dataset ds;
    if (dataset("test:BTC/USDT:trades", &ds))
        return 1;
    enum { N = 100 };
    int64_t ts[N], side_off[N + 1], tid_off[N + 1];
    double price[N], amount[N];
    char side_data[N * 4], tid_data[N * 4];
    side_off[0] = tid_off[0] = 0;
    for (int i = 0; i < N; i++) {
        ts[i] = t0 + (int64_t)i * 10 * DCCD_NS + (i >= 50 ? 900 * DCCD_NS : 0);
        price[i] = 60000.0 + i * 0.5;
        amount[i] = 0.001 * (i + 1);
        const char *sd = i % 3 ? "buy" : "sell";
        memcpy(side_data + side_off[i], sd, strlen(sd));
        side_off[i + 1] = side_off[i] + (int64_t)strlen(sd);
        char tb[8];
        int tl = snprintf(tb, sizeof tb, "%d", i + 1);
        memcpy(tid_data + tid_off[i], tb, (size_t)tl);
        tid_off[i + 1] = tid_off[i] + tl;
    }
    dccd_table t;
    borrow(&t, DCCD_TRADES, N);
    t.cols[0].values = ts;
    t.cols[1].values = price;
    t.cols[2].values = amount;
    t.cols[3].offsets = side_off;
    t.cols[3].data = (uint8_t *)side_data;
    t.cols[4].offsets = tid_off;
    t.cols[4].data = (uint8_t *)tid_data;
    if (save(s, &ds, &t, "test:ws", NULL))
        return 1;
    dccd_error err;
    dccd_checkpoint_report rep;
    if (dccd_store_checkpoint(s, &ds, &rep, &err) != DCCD_OK)
        return fail("checkpoint", &err);
    return 0;
}

static int mk_book(dccd_store *s, int64_t t0)
{
    dccd_dataset ds;
    if (dataset("test:ETH/USDT:orderbook", &ds))
        return 1;
    enum { N = 10, L = 3 };
    dccd_book_level bids[N][L], asks[N][L];
    dccd_book_snapshot snaps[N];
    for (int i = 0; i < N; i++) {
        for (int k = 0; k < L; k++) {
            bids[i][k] = (dccd_book_level){3000.0 - k - i * 0.25, 1.0 + k, k + 1, true};
            asks[i][k] = (dccd_book_level){3001.0 + k + i * 0.25, 2.0 + k, 0, false};
        }
        snaps[i] = (dccd_book_snapshot){t0 + i * MIN_NS, bids[i], L, asks[i], L, true};
    }
    dccd_error err;
    dccd_table t;
    if (dccd_book_flatten(snaps, N, &t, &err) != DCCD_OK)
        return fail("flatten", &err);
    int rc = save(s, &ds, &t, "test:rest", "test:ETH/USDT:trades");
    dccd_table_free(&t);
    return rc;
}

static int cmd_mkstore(const char *root)
{
    dccd_error err;
    dccd_store_options o;
    dccd_store_options_init(&o);
    o.durable = false;
    dccd_store *s;
    if (dccd_store_open(root, &o, &s, &err) != DCCD_OK)
        return fail(root, &err);
    int64_t d1, d2;
    int rc = 0;
    if (dccd_time_from_civil(2099, 3, 1, 0, 0, 0, 0, &d1, &err) ||
        dccd_time_from_civil(2099, 3, 2, 0, 0, 0, 0, &d2, &err))
        rc = fail("time", &err);
    if (!rc)
        rc = mk_ohlc(s, d1);
    if (!rc)
        rc = mk_trades(s, d1);
    if (!rc)
        rc = mk_book(s, d2);
    dccd_store_close(s);
    return rc;
}

static int cmd_write_v2(const char *path, const char *count)
{
    char *end;
    long n = strtol(count, &end, 10);
    if (*end || n < 1 || n > 100000) {
        fprintf(stderr, "ops_helper: bad row count '%s'\n", count);
        return 2;
    }
    static const char *const names[] = {"TS",   "date",   "time",        "close",  "high",
                                        "low",  "open",   "quoteVolume", "volume", "weightedAverage"};
    dccd_pq_field f[10];
    memset(f, 0, sizeof f);
    for (int i = 0; i < 10; i++) {
        f[i].name = names[i];
        f[i].optional = true;
        f[i].type = i == 0 ? DCCD_PQ_INT64 : i < 3 ? DCCD_PQ_BYTE_ARRAY : DCCD_PQ_DOUBLE;
        f[i].logical = (i == 1 || i == 2) ? DCCD_PQ_LOG_STRING : DCCD_PQ_LOG_NONE;
    }
    size_t rows = (size_t)n;
    int64_t *ts = calloc(rows, sizeof *ts);
    int64_t *doff = calloc(rows + 1, sizeof *doff), *toff = calloc(rows + 1, sizeof *toff);
    uint8_t *ddata = calloc(rows, 10), *tdata = calloc(rows, 8);
    double *vals[7];
    for (int i = 0; i < 7; i++)
        vals[i] = calloc(rows, sizeof(double));
    uint8_t *qvalid = calloc(rows, 1);
    int rc = 0;
    for (int i = 0; i < 7; i++)
        if (!vals[i])
            rc = 1;
    if (rc || !ts || !doff || !toff || !ddata || !tdata || !qvalid) {
        fprintf(stderr, "ops_helper: out of memory\n");
        rc = 1;
        goto out;
    }
    dccd_error err;
    int64_t t0;
    if (dccd_time_from_civil(2020, 1, 1, 0, 0, 0, 0, &t0, &err)) {
        rc = fail("time", &err);
        goto out;
    }
    for (size_t i = 0; i < rows; i++) {
        int64_t sec = t0 / DCCD_NS + (int64_t)i * 3600;
        ts[i] = sec;
        dccd_civil_time ct;
        dccd_time_to_civil(sec * DCCD_NS, &ct);
        char db[16], tb[16];
        snprintf(db, sizeof db, "%04d-%02d-%02d", ct.year, ct.month, ct.day);
        snprintf(tb, sizeof tb, "%02d:%02d:%02d", ct.hour, ct.minute, ct.second);
        memcpy(ddata + i * 10, db, 10);
        memcpy(tdata + i * 8, tb, 8);
        doff[i + 1] = (int64_t)(i + 1) * 10;
        toff[i + 1] = (int64_t)(i + 1) * 8;
        double base = 7000.0 + (double)i;
        vals[0][i] = base + 0.5;         /* close */
        vals[1][i] = base + 1.0;         /* high */
        vals[2][i] = base - 1.0;         /* low */
        vals[3][i] = base;               /* open */
        vals[5][i] = 2.0 + (double)i / 8; /* volume */
        vals[4][i] = vals[5][i] * vals[0][i]; /* quoteVolume */
        vals[6][i] = base + 0.25;        /* weightedAverage */
        qvalid[i] = i != 5;
    }
    if (rows > 5)
        vals[4][5] = 0.0; /* a null keeps a zeroed slot */
    dccd_pq_column cols[10];
    memset(cols, 0, sizeof cols);
    for (int i = 0; i < 10; i++) {
        cols[i].type = f[i].type;
        cols[i].n = rows;
    }
    cols[0].values = ts;
    cols[1].offsets = doff;
    cols[1].data = ddata;
    cols[2].offsets = toff;
    cols[2].data = tdata;
    for (int i = 0; i < 7; i++)
        cols[3 + i].values = vals[i];
    /* column order: close high low open quoteVolume volume weightedAverage */
    if (rows > 5) {
        cols[7].validity = qvalid;
        cols[7].null_count = 1;
    }
    dccd_pq_write_options o;
    dccd_pq_write_options_init(&o);
    o.created_by = "legacy v2 writer (dccd ops_helper)";
    dccd_pq_writer *w;
    if (dccd_pq_writer_open(path, f, 10, &o, &w, &err) != DCCD_OK) {
        rc = fail(path, &err);
        goto out;
    }
    if (dccd_pq_writer_write(w, cols, rows, &err) != DCCD_OK) {
        dccd_pq_writer_abort(w);
        rc = fail(path, &err);
        goto out;
    }
    if (dccd_pq_writer_close(w, &err) != DCCD_OK)
        rc = fail(path, &err);
out:
    free(ts);
    free(doff);
    free(toff);
    free(ddata);
    free(tdata);
    free(qvalid);
    for (int i = 0; i < 7; i++)
        free(vals[i]);
    return rc;
}

static void print_cell(const dccd_pq_column *c, size_t r)
{
    if (c->validity && !c->validity[r]) {
        fputs("null", stdout);
        return;
    }
    switch (c->type) {
    case DCCD_PQ_INT64:
        printf("%" PRId64, ((const int64_t *)c->values)[r]);
        break;
    case DCCD_PQ_DOUBLE:
        printf("%.17g", ((const double *)c->values)[r]);
        break;
    case DCCD_PQ_BOOLEAN:
        fputs(((const uint8_t *)c->values)[r] ? "true" : "false", stdout);
        break;
    case DCCD_PQ_BYTE_ARRAY:
        fwrite(c->data + c->offsets[r], 1, (size_t)(c->offsets[r + 1] - c->offsets[r]), stdout);
        break;
    default:
        fputs("?", stdout);
    }
}

static int cmd_dump(const char *root, const char *id)
{
    dccd_error err;
    dccd_dataset ds;
    if (dataset(id, &ds))
        return 1;
    dccd_store_options o;
    dccd_store_options_init(&o);
    dccd_store *s;
    if (dccd_store_open(root, &o, &s, &err) != DCCD_OK)
        return fail(root, &err);
    dccd_table t;
    int rc = 0;
    if (dccd_store_load(s, &ds, DCCD_TS_MIN, DCCD_TS_MAX, &t, &err) != DCCD_OK) {
        rc = fail(id, &err);
    } else {
        for (size_t r = 0; r < t.nrows; r++) {
            for (int c = 0; c < t.ncols; c++) {
                if (c)
                    fputc(',', stdout);
                print_cell(&t.cols[c], r);
            }
            fputc('\n', stdout);
        }
        dccd_table_free(&t);
    }
    dccd_store_close(s);
    return rc;
}

static int cmd_columns(const char *path)
{
    dccd_error err;
    dccd_pq_file *f;
    if (dccd_pq_open(path, &f, &err) != DCCD_OK)
        return fail(path, &err);
    int nc = dccd_pq_num_columns(f);
    for (int c = 0; c < nc; c++)
        printf("%s%s", c ? "," : "", dccd_pq_column_info_at(f, c)->name);
    fputc('\n', stdout);
    int ts = dccd_pq_column_index(f, "TS");
    int64_t max = INT64_MIN;
    int rc = 0;
    for (int rg = 0; ts >= 0 && rg < dccd_pq_num_row_groups(f) && !rc; rg++) {
        dccd_pq_column col;
        if (dccd_pq_read_column(f, rg, ts, &col, &err) != DCCD_OK) {
            rc = fail(path, &err);
            break;
        }
        for (size_t i = 0; i < col.n; i++)
            if ((!col.validity || col.validity[i]) && ((int64_t *)col.values)[i] > max)
                max = ((int64_t *)col.values)[i];
        dccd_pq_column_free(&col);
    }
    if (!rc)
        printf("%" PRId64 "\n", max);
    dccd_pq_close(f);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "mkstore") == 0)
        return cmd_mkstore(argv[2]);
    if (argc == 4 && strcmp(argv[1], "write-v2") == 0)
        return cmd_write_v2(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "dump") == 0)
        return cmd_dump(argv[2], argv[3]);
    if (argc == 3 && strcmp(argv[1], "columns") == 0)
        return cmd_columns(argv[2]);
    fprintf(stderr, "usage: ops_helper mkstore ROOT | write-v2 PATH N | dump ROOT DATASET_ID | columns PATH\n");
    return 2;
}
