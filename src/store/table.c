/*
 * src/store/table.c - canonical schemas and dccd_table values.
 *
 * This file owns the three canonical schemas (column names, order and
 * physical types, exactly the seed's), owned tables (allocation, concat,
 * gather, slice, free), the layout check for tables handed in by callers,
 * the validation that refuses bad rows before anything is written, and the
 * flattening of order-book snapshots into level rows.
 *
 * An owned table's columns are malloc'd: values (fixed width) or offsets +
 * data (strings), and validity when the column holds nulls.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/pool.h"
#include "store/store_int.h"

typedef struct col_def {
    const char *name;
    dccd_pq_type type;
} col_def;

static const col_def OHLC_COLS[] = {
    {"TS", DCCD_PQ_INT64},      {"open", DCCD_PQ_DOUBLE},   {"high", DCCD_PQ_DOUBLE},
    {"low", DCCD_PQ_DOUBLE},    {"close", DCCD_PQ_DOUBLE},  {"volume", DCCD_PQ_DOUBLE},
    {"quote_volume", DCCD_PQ_DOUBLE}, {"trades", DCCD_PQ_INT64},
};
static const col_def TRADES_COLS[] = {
    {"TS", DCCD_PQ_INT64}, {"price", DCCD_PQ_DOUBLE}, {"amount", DCCD_PQ_DOUBLE},
    {"side", DCCD_PQ_BYTE_ARRAY}, {"tid", DCCD_PQ_BYTE_ARRAY},
};
static const col_def BOOK_COLS[] = {
    {"TS", DCCD_PQ_INT64},     {"side", DCCD_PQ_BYTE_ARRAY}, {"price", DCCD_PQ_DOUBLE},
    {"amount", DCCD_PQ_DOUBLE}, {"count", DCCD_PQ_INT64},     {"is_snapshot", DCCD_PQ_BOOLEAN},
};

static const col_def *schema_of(dccd_data_type type, int *n)
{
    switch (type) {
    case DCCD_OHLC: *n = 8; return OHLC_COLS;
    case DCCD_TRADES: *n = 5; return TRADES_COLS;
    case DCCD_ORDERBOOK: *n = 6; return BOOK_COLS;
    }
    *n = 0;
    return NULL;
}

int dccd_schema_ncols(dccd_data_type type)
{
    int n;
    schema_of(type, &n);
    return n;
}

const char *dccd_schema_col_name(dccd_data_type type, int col)
{
    int n;
    const col_def *d = schema_of(type, &n);
    return (d && col >= 0 && col < n) ? d[col].name : NULL;
}

dccd_pq_type dccd_schema_col_type(dccd_data_type type, int col)
{
    int n;
    const col_def *d = schema_of(type, &n);
    return (d && col >= 0 && col < n) ? d[col].type : DCCD_PQ_INT64;
}

int dccd_schema_col_index(dccd_data_type type, const char *name)
{
    int n;
    const col_def *d = schema_of(type, &n);
    for (int i = 0; d && i < n; i++)
        if (strcmp(d[i].name, name) == 0)
            return i;
    return -1;
}

static const char *type_label(dccd_pq_type t)
{
    switch (t) {
    case DCCD_PQ_BOOLEAN: return "boolean";
    case DCCD_PQ_INT32: return "int32";
    case DCCD_PQ_INT64: return "int64";
    case DCCD_PQ_FLOAT: return "float";
    case DCCD_PQ_DOUBLE: return "double";
    case DCCD_PQ_BYTE_ARRAY: return "string";
    default: return "unsupported";
    }
}

static size_t type_width(dccd_pq_type t)
{
    switch (t) {
    case DCCD_PQ_BOOLEAN: return 1;
    case DCCD_PQ_INT32: case DCCD_PQ_FLOAT: return 4;
    case DCCD_PQ_INT64: case DCCD_PQ_DOUBLE: return 8;
    default: return 0;
    }
}

void dccd_table_init(dccd_table *t, dccd_data_type type)
{
    memset(t, 0, sizeof *t);
    t->type = type;
    t->ncols = dccd_schema_ncols(type);
    t->owned = true;
    for (int c = 0; c < t->ncols; c++)
        t->cols[c].type = dccd_schema_col_type(type, c);
}

void dccd_table_free(dccd_table *t)
{
    if (!t)
        return;
    if (t->owned) {
        for (int c = 0; c < t->ncols && c < DCCD_MAX_COLS; c++)
            dccd_pq_column_free(&t->cols[c]);
    }
    dccd_data_type type = t->type;
    dccd_table_init(t, type);
}

void dccd_table_move(dccd_table *dst, dccd_table *src)
{
    dccd_table_free(dst);
    *dst = *src;
    dccd_data_type type = src->type;
    memset(src, 0, sizeof *src);
    dccd_table_init(src, type);
}

int dccd_table_alloc(dccd_table *t, dccd_data_type type, size_t nrows, dccd_error *err)
{
    dccd_table_init(t, type);
    t->nrows = nrows;
    for (int c = 0; c < t->ncols; c++) {
        dccd_pq_column *col = &t->cols[c];
        col->n = nrows;
        if (col->type == DCCD_PQ_BYTE_ARRAY) {
            col->offsets = calloc(nrows + 1, sizeof(int64_t));
            if (!col->offsets)
                goto oom;
        } else {
            size_t w = type_width(col->type), bytes;
            if (!dccd_mul_ok(nrows, w, &bytes))
                goto oom;
            col->values = calloc(bytes ? bytes : 1, 1);
            if (!col->values)
                goto oom;
        }
    }
    return DCCD_OK;
oom:
    dccd_table_free(t);
    return dccd_err_set(err, DCCD_ENOMEM, "out of memory allocating a table of %zu rows", nrows);
}

int dccd_table_col_validity(dccd_table *t, int c, dccd_error *err)
{
    dccd_pq_column *col = &t->cols[c];
    if (col->validity)
        return DCCD_OK;
    col->validity = malloc(t->nrows ? t->nrows : 1);
    if (!col->validity)
        return DCCD_ENOMEM_MSG(err);
    memset(col->validity, 1, t->nrows);
    return DCCD_OK;
}

int dccd_table_check_layout(const dccd_table *t, dccd_error *err)
{
    int n = dccd_schema_ncols(t->type);
    if (n == 0)
        return dccd_err_set(err, DCCD_EINVAL, "table has an unknown data type %d", (int)t->type);
    if (t->ncols != n)
        return dccd_err_set(err, DCCD_EINVAL, "%s table must have %d columns, has %d",
                            dccd_data_type_name(t->type), n, t->ncols);
    for (int c = 0; c < n; c++) {
        const dccd_pq_column *col = &t->cols[c];
        const char *name = dccd_schema_col_name(t->type, c);
        if (col->type != dccd_schema_col_type(t->type, c))
            return dccd_err_set(err, DCCD_EINVAL, "column '%s' has type %s, expected %s", name,
                                type_label(col->type), type_label(dccd_schema_col_type(t->type, c)));
        if (col->n != t->nrows)
            return dccd_err_set(err, DCCD_EINVAL, "column '%s' has %zu rows, the table %zu", name, col->n, t->nrows);
        if (t->nrows == 0)
            continue;
        if (col->type == DCCD_PQ_BYTE_ARRAY) {
            if (!col->offsets)
                return dccd_err_set(err, DCCD_EINVAL, "column '%s' has no offsets", name);
            if (col->offsets[0] < 0)
                return dccd_err_set(err, DCCD_EINVAL, "column '%s': negative offset", name);
            for (size_t i = 0; i < t->nrows; i++)
                if (col->offsets[i + 1] < col->offsets[i])
                    return dccd_err_set(err, DCCD_EINVAL, "column '%s': offsets decrease at row %zu", name, i);
            if (col->offsets[t->nrows] > col->offsets[0] && !col->data)
                return dccd_err_set(err, DCCD_EINVAL, "column '%s' has no data", name);
        } else if (!col->values) {
            return dccd_err_set(err, DCCD_EINVAL, "column '%s' has no values", name);
        }
    }
    return DCCD_OK;
}

/* ---- concat and gather, a column at a time (a task each with a pool) ---- */

typedef struct col_job {
    const dccd_table *const *parts; /* concat */
    size_t k;
    const dccd_table *src;          /* gather */
    const size_t *idx;
    size_t n;
    dccd_table *out;
} col_job;

/* Column c of concat(parts): out allocated with its rows. */
static int concat_col(const col_job *j, int c, dccd_error *err)
{
    dccd_table *out = j->out;
    dccd_pq_column *oc = &out->cols[c];
    bool any_nulls = false;
    size_t bytes = 0;
    for (size_t i = 0; i < j->k; i++) {
        const dccd_pq_column *ic = &j->parts[i]->cols[c];
        if (ic->validity)
            any_nulls = true;
        if (oc->type == DCCD_PQ_BYTE_ARRAY && j->parts[i]->nrows)
            bytes += (size_t)(ic->offsets[j->parts[i]->nrows] - ic->offsets[0]);
    }
    int rc;
    if (any_nulls && (rc = dccd_table_col_validity(out, c, err)))
        return rc;
    if (oc->type == DCCD_PQ_BYTE_ARRAY) {
        oc->data = malloc(bytes ? bytes : 1);
        if (!oc->data)
            return DCCD_ENOMEM_MSG(err);
    }
    size_t row = 0, pos = 0;
    size_t w = type_width(oc->type);
    for (size_t i = 0; i < j->k; i++) {
        const dccd_pq_column *ic = &j->parts[i]->cols[c];
        size_t n = j->parts[i]->nrows;
        if (n == 0)
            continue;
        if (oc->type == DCCD_PQ_BYTE_ARRAY) {
            int64_t base = ic->offsets[0];
            size_t len = (size_t)(ic->offsets[n] - base);
            if (len)
                memcpy(oc->data + pos, ic->data + base, len);
            for (size_t r = 0; r < n; r++)
                oc->offsets[row + r + 1] = (int64_t)pos + (ic->offsets[r + 1] - base);
            pos += len;
        } else {
            memcpy((uint8_t *)oc->values + row * w, ic->values, n * w);
        }
        if (oc->validity && ic->validity)
            memcpy(oc->validity + row, ic->validity, n);
        row += n;
    }
    if (oc->validity) {
        size_t nulls = 0;
        for (size_t r = 0; r < out->nrows; r++)
            nulls += !oc->validity[r];
        oc->null_count = nulls;
    }
    return DCCD_OK;
}

/* Column c of gather(src, idx, n). */
static int gather_col(const col_job *j, int c, dccd_error *err)
{
    const dccd_table *src = j->src;
    const size_t *idx = j->idx;
    size_t n = j->n;
    dccd_table *out = j->out;
    int rc;
    const dccd_pq_column *ic = &src->cols[c];
    dccd_pq_column *oc = &out->cols[c];
    if (ic->validity) {
        if ((rc = dccd_table_col_validity(out, c, err)))
            return rc;
        size_t nulls = 0;
        for (size_t r = 0; r < n; r++) {
            oc->validity[r] = ic->validity[idx[r]];
            nulls += !oc->validity[r];
        }
        oc->null_count = nulls;
    }
    switch (oc->type) {
    case DCCD_PQ_INT64:
    case DCCD_PQ_DOUBLE: {
        const uint64_t *s = ic->values;
        uint64_t *d = oc->values;
        for (size_t r = 0; r < n; r++)
            d[r] = s[idx[r]];
        break;
    }
    case DCCD_PQ_INT32:
    case DCCD_PQ_FLOAT: {
        const uint32_t *s = ic->values;
        uint32_t *d = oc->values;
        for (size_t r = 0; r < n; r++)
            d[r] = s[idx[r]];
        break;
    }
    case DCCD_PQ_BOOLEAN: {
        const uint8_t *s = ic->values;
        uint8_t *d = oc->values;
        for (size_t r = 0; r < n; r++)
            d[r] = s[idx[r]];
        break;
    }
    case DCCD_PQ_BYTE_ARRAY: {
        size_t bytes = 0;
        for (size_t r = 0; r < n; r++)
            bytes += (size_t)(ic->offsets[idx[r] + 1] - ic->offsets[idx[r]]);
        oc->data = malloc(bytes ? bytes : 1);
        if (!oc->data) {
            rc = DCCD_ENOMEM_MSG(err);
            return rc;
        }
        size_t pos = 0;
        for (size_t r = 0; r < n; r++) {
            int64_t a = ic->offsets[idx[r]], b = ic->offsets[idx[r] + 1];
            if (b > a)
                memcpy(oc->data + pos, ic->data + a, (size_t)(b - a));
            pos += (size_t)(b - a);
            oc->offsets[r + 1] = (int64_t)pos;
        }
        break;
    }
    default:
        return dccd_err_set(err, DCCD_EINVAL, "gather: unsupported column type");
    }
    return DCCD_OK;
}

static int concat_task(void *ctx, size_t c, int worker, dccd_error *err)
{
    (void)worker;
    return concat_col(ctx, (int)c, err);
}

static int gather_task(void *ctx, size_t c, int worker, dccd_error *err)
{
    (void)worker;
    return gather_col(ctx, (int)c, err);
}

/* a column of fewer rows is done on the caller: a hand-off costs more */
#define TABLE_POOL_MIN_ROWS 65536

int dccd_table_concat_pool(const dccd_table *const *parts, size_t k, dccd_pool *pool, dccd_table *out,
                           dccd_error *err)
{
    if (k == 0)
        return dccd_err_set(err, DCCD_EINVAL, "concat of no tables");
    dccd_data_type type = parts[0]->type;
    size_t total = 0;
    for (size_t i = 0; i < k; i++) {
        if (parts[i]->type != type)
            return dccd_err_set(err, DCCD_EINVAL, "concat of tables of different types");
        if (!dccd_add_ok(total, parts[i]->nrows, &total))
            return dccd_err_set(err, DCCD_ERANGE, "concat: too many rows");
    }
    int rc = dccd_table_alloc(out, type, total, err);
    if (rc)
        return rc;
    col_job j = {parts, k, NULL, NULL, 0, out};
    rc = dccd_pool_run(total >= TABLE_POOL_MIN_ROWS ? pool : NULL, (size_t)out->ncols, concat_task, &j, err);
    if (rc)
        dccd_table_free(out);
    return rc;
}

int dccd_table_concat(const dccd_table *const *parts, size_t k, dccd_table *out, dccd_error *err)
{
    return dccd_table_concat_pool(parts, k, NULL, out, err);
}

int dccd_table_gather_pool(const dccd_table *src, const size_t *idx, size_t n, dccd_pool *pool, dccd_table *out,
                           dccd_error *err)
{
    int rc = dccd_table_alloc(out, src->type, n, err);
    if (rc)
        return rc;
    col_job j = {NULL, 0, src, idx, n, out};
    rc = dccd_pool_run(n >= TABLE_POOL_MIN_ROWS ? pool : NULL, (size_t)out->ncols, gather_task, &j, err);
    if (rc)
        dccd_table_free(out);
    return rc;
}

int dccd_table_gather(const dccd_table *src, const size_t *idx, size_t n, dccd_table *out, dccd_error *err)
{
    return dccd_table_gather_pool(src, idx, n, NULL, out, err);
}

int dccd_table_slice(const dccd_table *src, size_t from, size_t to, dccd_table *out, dccd_error *err)
{
    if (from > to || to > src->nrows)
        return dccd_err_set(err, DCCD_EINVAL, "slice [%zu, %zu) out of %zu rows", from, to, src->nrows);
    size_t n = to - from;
    size_t *idx = dccd_malloc_array(n ? n : 1, sizeof *idx);
    if (!idx)
        return DCCD_ENOMEM_MSG(err);
    for (size_t i = 0; i < n; i++)
        idx[i] = from + i;
    int rc = dccd_table_gather(src, idx, n, out, err);
    free(idx);
    return rc;
}

/* ---- validation ---- */

static bool str_is(const dccd_pq_column *c, size_t i, const char *s)
{
    size_t n = strlen(s);
    int64_t a = c->offsets[i], b = c->offsets[i + 1];
    return (size_t)(b - a) == n && memcmp(c->data + a, s, n) == 0;
}

static int bad_row(dccd_error *err, const dccd_table *t, size_t row, int col, const char *what)
{
    return dccd_err_set(err, DCCD_EINVAL, "bad %s batch: row %zu, field '%s': %s; nothing was written",
                        dccd_data_type_name(t->type), row, dccd_schema_col_name(t->type, col), what);
}

/* A double column that must be present and finite (and >= 0 if amount). */
static int check_number(const dccd_table *t, int col, bool required, bool nonneg, dccd_error *err)
{
    const dccd_pq_column *c = &t->cols[col];
    const double *v = c->values;
    for (size_t i = 0; i < t->nrows; i++) {
        if (!dccd_col_valid(c, i)) {
            if (required)
                return bad_row(err, t, i, col, "null is not allowed");
            continue;
        }
        if (isnan(v[i]))
            return bad_row(err, t, i, col, "NaN is not allowed");
        if (isinf(v[i]))
            return bad_row(err, t, i, col, "an infinite value is not allowed");
        if (nonneg && v[i] < 0)
            return bad_row(err, t, i, col, "a negative value is not allowed");
    }
    return DCCD_OK;
}

static int check_count(const dccd_table *t, int col, dccd_error *err)
{
    const dccd_pq_column *c = &t->cols[col];
    const int64_t *v = c->values;
    for (size_t i = 0; i < t->nrows; i++)
        if (dccd_col_valid(c, i) && v[i] < 0)
            return bad_row(err, t, i, col, "a negative count is not allowed");
    return DCCD_OK;
}

int dccd_table_validate(const dccd_table *t, dccd_error *err)
{
    int rc = dccd_table_check_layout(t, err);
    if (rc)
        return rc;
    const dccd_pq_column *ts = &t->cols[0];
    const int64_t *tv = ts->values;
    for (size_t i = 0; i < t->nrows; i++) {
        if (!dccd_col_valid(ts, i))
            return bad_row(err, t, i, 0, "null is not allowed");
        if (tv[i] < 0) {
            char what[128];
            snprintf(what, sizeof what, "TS must be >= 0 nanoseconds since 1970-01-01T00:00:00Z, got %" PRId64, tv[i]);
            return bad_row(err, t, i, 0, what);
        }
    }
    switch (t->type) {
    case DCCD_OHLC:
        for (int c = OHLC_OPEN; c <= OHLC_CLOSE; c++)
            if ((rc = check_number(t, c, true, false, err)))
                return rc;
        if ((rc = check_number(t, OHLC_VOLUME, true, true, err)) ||
            (rc = check_number(t, OHLC_QUOTE_VOLUME, false, true, err)) || (rc = check_count(t, OHLC_TRADES, err)))
            return rc;
        break;
    case DCCD_TRADES: {
        if ((rc = check_number(t, TR_PRICE, true, false, err)) || (rc = check_number(t, TR_AMOUNT, true, true, err)))
            return rc;
        const dccd_pq_column *side = &t->cols[TR_SIDE];
        for (size_t i = 0; i < t->nrows; i++)
            if (dccd_col_valid(side, i) && !str_is(side, i, "buy") && !str_is(side, i, "sell"))
                return bad_row(err, t, i, TR_SIDE, "side must be \"buy\", \"sell\" or null");
        break;
    }
    case DCCD_ORDERBOOK: {
        if ((rc = check_number(t, BK_PRICE, true, false, err)) || (rc = check_number(t, BK_AMOUNT, true, true, err)) ||
            (rc = check_count(t, BK_COUNT, err)))
            return rc;
        const dccd_pq_column *side = &t->cols[BK_SIDE];
        for (size_t i = 0; i < t->nrows; i++)
            if (!dccd_col_valid(side, i) || (!str_is(side, i, "bid") && !str_is(side, i, "ask")))
                return bad_row(err, t, i, BK_SIDE, "side must be \"bid\" or \"ask\"");
        const dccd_pq_column *snap = &t->cols[BK_IS_SNAPSHOT];
        for (size_t i = 0; i < t->nrows; i++)
            if (!dccd_col_valid(snap, i))
                return bad_row(err, t, i, BK_IS_SNAPSHOT, "null is not allowed");
        break;
    }
    }
    return DCCD_OK;
}

/* ---- order book ---- */

int dccd_book_flatten(const dccd_book_snapshot *snaps, size_t n, dccd_table *out, dccd_error *err)
{
    size_t rows = 0;
    for (size_t i = 0; i < n; i++) {
        if ((snaps[i].n_bids && !snaps[i].bids) || (snaps[i].n_asks && !snaps[i].asks))
            return dccd_err_set(err, DCCD_EINVAL, "snapshot %zu: levels missing", i);
        if (!dccd_add_ok(rows, snaps[i].n_bids, &rows) || !dccd_add_ok(rows, snaps[i].n_asks, &rows))
            return dccd_err_set(err, DCCD_ERANGE, "too many order-book levels");
    }
    int rc = dccd_table_alloc(out, DCCD_ORDERBOOK, rows, err);
    if (rc)
        return rc;
    dccd_pq_column *side = &out->cols[BK_SIDE];
    side->data = malloc(rows * 3 + 1);
    if (!side->data) {
        dccd_table_free(out);
        return DCCD_ENOMEM_MSG(err);
    }
    int64_t *ts = out->cols[BK_TS].values;
    double *price = out->cols[BK_PRICE].values, *amount = out->cols[BK_AMOUNT].values;
    int64_t *count = out->cols[BK_COUNT].values;
    uint8_t *snap = out->cols[BK_IS_SNAPSHOT].values;
    size_t r = 0;
    bool any_null_count = false;
    for (size_t i = 0; i < n; i++)
        for (int s = 0; s < 2; s++) {
            const dccd_book_level *lv = s ? snaps[i].asks : snaps[i].bids;
            size_t nl = s ? snaps[i].n_asks : snaps[i].n_bids;
            for (size_t j = 0; j < nl; j++, r++) {
                ts[r] = snaps[i].ts;
                memcpy(side->data + r * 3, s ? "ask" : "bid", 3);
                side->offsets[r + 1] = (int64_t)(r + 1) * 3;
                price[r] = lv[j].price;
                amount[r] = lv[j].amount;
                count[r] = lv[j].has_count ? lv[j].count : 0;
                snap[r] = snaps[i].is_snapshot ? 1 : 0;
                if (!lv[j].has_count)
                    any_null_count = true;
            }
        }
    if (any_null_count) {
        if ((rc = dccd_table_col_validity(out, BK_COUNT, err))) {
            dccd_table_free(out);
            return rc;
        }
        r = 0;
        size_t nulls = 0;
        for (size_t i = 0; i < n; i++)
            for (int s = 0; s < 2; s++) {
                const dccd_book_level *lv = s ? snaps[i].asks : snaps[i].bids;
                size_t nl = s ? snaps[i].n_asks : snaps[i].n_bids;
                for (size_t j = 0; j < nl; j++, r++) {
                    out->cols[BK_COUNT].validity[r] = lv[j].has_count;
                    nulls += !lv[j].has_count;
                }
            }
        out->cols[BK_COUNT].null_count = nulls;
    }
    return DCCD_OK;
}
