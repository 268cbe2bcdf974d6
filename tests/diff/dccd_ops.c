/*
 * dccd_ops - the dccd side of the differential tests: runs the JSON-lines
 * op scripts of bench/seedport/seed_cli.mjs (see bench/seedport/README.md)
 * through the PUBLIC dccd store API (include/dccd/store.h) and prints one
 * JSON result line per op in the same format, so tests/diff/run_diff.mjs can
 * compare dccd with the seed port result for result.
 *
 *   dccd_ops ROOT [options] < script.jsonl
 *     --sync               sync_checkpoint (every save folds at once: the
 *                          seed's visibility)
 *     --no-checkpoint-op   treat the "checkpoint" op as a no-op (pure WAL
 *                          mode: reads merge pending segments)
 *     --rg-rows N          rows per row group (small values exercise the
 *                          checkpoint's raw row-group copy)
 *     --cp-rows N          checkpoint_rows (automatic folds)
 *     --no-durable         no fsync (speed; semantics are unchanged)
 *     --now-year Y         accepted for symmetry with seed_cli.mjs and
 *                          ignored: dccd takes the current year from the clock
 *
 * Ops (fields as in the seed port): save, load, last, missing, inventory,
 * files, and the dccd-only "checkpoint" ({"op":"checkpoint","ds":DS} or the
 * whole store without ds; seed_cli.mjs answers it with a no-op).  Unknown
 * fields (e.g. "_seq") are ignored.  Results: {"ok":true,...} or
 * {"ok":false,"error":"..."}; the script goes on after a failed op.
 *
 * Value forms: int64 as JSON integers or decimal strings; doubles as numbers
 * or "0x<16 hex digits>" IEEE bits (or decimal strings); results use the
 * canonical JSON table of tests/interop/README.md (int64 as decimal
 * strings, doubles as hex bits with every NaN the quiet NaN).
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dccd/domain.h"
#include "dccd/store.h"

#define MSG_MAX 1024

typedef struct ctx {
    dccd_store *store;
    const char *root;
    bool checkpoint_op;
    char msg[MSG_MAX]; /* error of the current op */
} ctx;

static int fail(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->msg, sizeof c->msg, fmt, ap);
    va_end(ap);
    return -1;
}

static int fail_err(ctx *c, const char *what, const dccd_error *e)
{
    size_t w = strlen(what);
    if (w > sizeof c->msg / 2)
        w = sizeof c->msg / 2;
    memcpy(c->msg, what, w);
    memcpy(c->msg + w, ": ", 2);
    size_t m = strnlen(e->msg, sizeof c->msg - w - 3);
    memcpy(c->msg + w + 2, e->msg, m);
    c->msg[w + 2 + m] = 0;
    return -1;
}

/* ---------------------------------------------------------------- values */

static int parse_i64_text(const char *s, int64_t *out)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end)
        return -1;
    *out = (int64_t)v;
    return 0;
}

/* int64 from a JSON integer or decimal string; *valid false for null. */
static int json_i64(const json_t *v, int64_t *out, bool *valid)
{
    *valid = true;
    if (!v || json_is_null(v)) {
        *valid = false;
        *out = 0;
        return 0;
    }
    if (json_is_integer(v)) {
        *out = (int64_t)json_integer_value(v);
        return 0;
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        if (d != floor(d) || fabs(d) > 9.2e18)
            return -1;
        *out = (int64_t)d;
        return 0;
    }
    if (json_is_string(v))
        return parse_i64_text(json_string_value(v), out);
    return -1;
}

static int json_f64(const json_t *v, double *out, bool *valid)
{
    *valid = true;
    if (!v || json_is_null(v)) {
        *valid = false;
        *out = 0;
        return 0;
    }
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return 0;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end = NULL;
        if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
            errno = 0;
            unsigned long long bits = strtoull(s + 2, &end, 16);
            if (errno || end == s + 2 || *end)
                return -1;
            uint64_t u = (uint64_t)bits;
            memcpy(out, &u, sizeof u);
            return 0;
        }
        errno = 0;
        *out = strtod(s, &end);
        return (end == s || *end) ? -1 : 0;
    }
    return -1;
}

/* ---------------------------------------------------------------- dataset */

static int parse_ds(ctx *c, const json_t *j, dccd_dataset *ds)
{
    dccd_error e;
    if (!json_is_object(j))
        return fail(c, "ds must be an object");
    const char *ex = json_string_value(json_object_get(j, "exchange"));
    const char *pair = json_string_value(json_object_get(j, "pair"));
    json_t *tj = json_object_get(j, "type");
    if (!tj)
        tj = json_object_get(j, "data_type");
    const char *tname = json_string_value(tj);
    if (!ex || !pair || !tname)
        return fail(c, "ds needs exchange, pair and type");
    dccd_data_type type;
    if (dccd_data_type_from_name(tname, &type, &e))
        return fail_err(c, "ds type", &e);
    dccd_symbol sym;
    if (dccd_symbol_parse(pair, &sym, &e))
        return fail_err(c, "ds pair", &e);
    int64_t span = 0;
    json_t *sj = json_object_get(j, "span");
    if (sj && json_is_string(sj)) {
        if (dccd_str_to_span(json_string_value(sj), &span, &e))
            return fail_err(c, "ds span", &e);
    } else if (sj && json_is_integer(sj)) {
        span = (int64_t)json_integer_value(sj);
    }
    if (type != DCCD_OHLC)
        span = 0;
    if (dccd_dataset_init(ds, ex, &sym, type, span, &e))
        return fail_err(c, "ds", &e);
    return 0;
}

/* ---------------------------------------------------------------- tables */

/* A batch under construction: borrowed columns of a dccd_table whose
 * memory this program owns. */
typedef struct batch {
    dccd_table t;
    size_t cap[DCCD_MAX_COLS];  /* BYTE_ARRAY data capacity */
} batch;

static void batch_free(batch *b)
{
    for (int i = 0; i < b->t.ncols; i++) {
        dccd_pq_column *col = &b->t.cols[i];
        dccd_pq_column_free(col);
    }
    memset(b, 0, sizeof *b);
}

static int batch_alloc(batch *b, dccd_data_type type, size_t n)
{
    memset(b, 0, sizeof *b);
    b->t.type = type;
    b->t.nrows = n;
    b->t.ncols = dccd_schema_ncols(type);
    b->t.owned = false;
    size_t m = n ? n : 1;
    for (int i = 0; i < b->t.ncols; i++) {
        dccd_pq_column *col = &b->t.cols[i];
        col->type = dccd_schema_col_type(type, i);
        col->n = n;
        col->validity = calloc(m, 1);
        if (!col->validity)
            return -1;
        switch (col->type) {
        case DCCD_PQ_BOOLEAN: col->values = calloc(m, 1); break;
        case DCCD_PQ_INT64: col->values = calloc(m, sizeof(int64_t)); break;
        case DCCD_PQ_DOUBLE: col->values = calloc(m, sizeof(double)); break;
        case DCCD_PQ_BYTE_ARRAY:
            col->offsets = calloc(m + 1, sizeof(int64_t));
            b->cap[i] = 64;
            col->data = malloc(b->cap[i]);
            if (!col->offsets || !col->data)
                return -1;
            col->values = NULL;
            break;
        default: return -1;
        }
        if (col->type != DCCD_PQ_BYTE_ARRAY && !col->values)
            return -1;
    }
    return 0;
}

/* Set cell (row r, column i) from a JSON value.  Strings must be appended
 * in row order. */
static int batch_set(ctx *c, batch *b, int i, size_t r, const json_t *v)
{
    dccd_pq_column *col = &b->t.cols[i];
    const char *name = dccd_schema_col_name(b->t.type, i);
    bool valid = true;
    switch (col->type) {
    case DCCD_PQ_BOOLEAN:
        if (!v || json_is_null(v))
            valid = false;
        else if (json_is_boolean(v))
            ((uint8_t *)col->values)[r] = json_is_true(v);
        else
            return fail(c, "column %s: expected a boolean", name);
        break;
    case DCCD_PQ_INT64:
        if (json_i64(v, &((int64_t *)col->values)[r], &valid))
            return fail(c, "column %s: expected an int64", name);
        break;
    case DCCD_PQ_DOUBLE:
        if (json_f64(v, &((double *)col->values)[r], &valid))
            return fail(c, "column %s: expected a double", name);
        break;
    case DCCD_PQ_BYTE_ARRAY: {
        char num[32];
        const char *s = NULL;
        size_t len = 0;
        if (!v || json_is_null(v)) {
            valid = false;
        } else if (json_is_string(v)) {
            s = json_string_value(v);
            len = json_string_length(v);
        } else if (json_is_integer(v)) {
            snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
            s = num;
            len = strlen(num);
        } else {
            return fail(c, "column %s: expected a string", name);
        }
        int64_t at = col->offsets[r];
        if (len > 0) {
            size_t need = (size_t)at + len;
            if (need > b->cap[i]) {
                size_t nc = b->cap[i];
                while (nc < need)
                    nc *= 2;
                uint8_t *nd = realloc(col->data, nc);
                if (!nd)
                    return fail(c, "out of memory");
                col->data = nd;
                b->cap[i] = nc;
            }
            memcpy(col->data + at, s, len);
        }
        col->offsets[r + 1] = at + (int64_t)len;
        break;
    }
    default: return fail(c, "column %s: unsupported type", name);
    }
    col->validity[r] = valid;
    if (!valid)
        col->null_count++;
    return 0;
}

static void batch_finish(batch *b)
{
    for (int i = 0; i < b->t.ncols; i++) {
        dccd_pq_column *col = &b->t.cols[i];
        if (col->null_count == 0) {
            free(col->validity);
            col->validity = NULL;
        }
    }
}

static int batch_from_columns(ctx *c, dccd_data_type type, const json_t *cols, batch *b)
{
    if (!json_is_object(cols))
        return fail(c, "columns must be an object");
    const char *k;
    json_t *v;
    size_t n = 0;
    bool have_n = false;
    json_object_foreach((json_t *)cols, k, v) {
        if (dccd_schema_col_index(type, k) < 0) {
            snprintf(c->msg, sizeof c->msg, "column %s is not in the %s schema", k, dccd_data_type_name(type));
            return -1;
        }
        if (!json_is_array(v))
            return fail(c, "column %s is not an array", k);
        if (have_n && json_array_size(v) != n)
            return fail(c, "columns of different lengths");
        n = json_array_size(v);
        have_n = true;
    }
    if (batch_alloc(b, type, n))
        return fail(c, "out of memory");
    for (int i = 0; i < b->t.ncols; i++) {
        const json_t *arr = json_object_get(cols, dccd_schema_col_name(type, i));
        for (size_t r = 0; r < n; r++)
            if (batch_set(c, b, i, r, arr ? json_array_get(arr, r) : NULL))
                return -1;
    }
    batch_finish(b);
    return 0;
}

static const json_t *level_field(const json_t *lvl, size_t pos, const char *key)
{
    if (json_is_array(lvl))
        return json_array_get(lvl, pos);
    return json_object_get(lvl, key);
}

/* The seed's _to_dataframe (records), including the order-book flattening:
 * one row per level, bids first. */
static int batch_from_records(ctx *c, dccd_data_type type, const json_t *recs, batch *b)
{
    if (!json_is_array(recs))
        return fail(c, "records must be an array");
    size_t n = 0, nr = json_array_size(recs);
    for (size_t i = 0; i < nr; i++) {
        const json_t *r = json_array_get(recs, i);
        if (type == DCCD_ORDERBOOK)
            n += json_array_size(json_object_get(r, "bids")) + json_array_size(json_object_get(r, "asks"));
        else
            n++;
    }
    if (batch_alloc(b, type, n))
        return fail(c, "out of memory");
    size_t row = 0;
    for (size_t i = 0; i < nr; i++) {
        const json_t *r = json_array_get(recs, i);
        if (type == DCCD_OHLC) {
            static const char *const keys[] = {"ts", "open", "high", "low", "close", "volume", "quote_volume", "trades"};
            for (int k = 0; k < 8; k++)
                if (batch_set(c, b, k, row, json_object_get(r, keys[k])))
                    return -1;
            row++;
        } else if (type == DCCD_TRADES) {
            static const char *const keys[] = {"ts", "price", "amount", "side", "tid"};
            for (int k = 0; k < 5; k++)
                if (batch_set(c, b, k, row, json_object_get(r, keys[k])))
                    return -1;
            row++;
        } else {
            json_t *snap = json_object_get(r, "is_snapshot");
            json_t *snapv = snap && !json_is_null(snap) ? json_incref(snap) : json_true();
            for (int s = 0; s < 2; s++) {
                const json_t *levels = json_object_get(r, s ? "asks" : "bids");
                json_t *side = json_string(s ? "ask" : "bid");
                for (size_t l = 0; l < json_array_size(levels); l++, row++) {
                    const json_t *lvl = json_array_get(levels, l);
                    if (batch_set(c, b, 0, row, json_object_get(r, "ts")) || batch_set(c, b, 1, row, side) ||
                        batch_set(c, b, 2, row, level_field(lvl, 0, "price")) ||
                        batch_set(c, b, 3, row, level_field(lvl, 1, "amount")) ||
                        batch_set(c, b, 4, row, level_field(lvl, 2, "count")) || batch_set(c, b, 5, row, snapv)) {
                        json_decref(side);
                        json_decref(snapv);
                        return -1;
                    }
                }
                json_decref(side);
            }
            json_decref(snapv);
        }
    }
    batch_finish(b);
    return 0;
}

/* ---------------------------------------------------------------- output */

static json_t *i64_json(int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    return json_string(buf);
}

static json_t *f64_json(double d)
{
    uint64_t u;
    if (isnan(d)) {
        u = UINT64_C(0x7ff8000000000000);
    } else {
        memcpy(&u, &d, sizeof u);
    }
    char buf[24];
    snprintf(buf, sizeof buf, "0x%016" PRIx64, u);
    return json_string(buf);
}

/* The canonical JSON table (tests/interop/README.md) of a dccd_table. */
static json_t *table_json(const dccd_table *t)
{
    json_t *cols = json_array(), *data = json_object();
    for (int i = 0; i < t->ncols; i++) {
        const dccd_pq_column *col = &t->cols[i];
        const char *name = dccd_schema_col_name(t->type, i);
        const char *tn = "unsupported";
        switch (col->type) {
        case DCCD_PQ_BOOLEAN: tn = "boolean"; break;
        case DCCD_PQ_INT64: tn = "int64"; break;
        case DCCD_PQ_DOUBLE: tn = "double"; break;
        case DCCD_PQ_BYTE_ARRAY: tn = "string"; break;
        default: break;
        }
        json_array_append_new(cols, json_pack("{s:s,s:s}", "name", name, "type", tn));
        json_t *arr = json_array();
        for (size_t r = 0; r < t->nrows; r++) {
            if (col->validity && !col->validity[r]) {
                json_array_append_new(arr, json_null());
                continue;
            }
            switch (col->type) {
            case DCCD_PQ_BOOLEAN: json_array_append_new(arr, json_boolean(((const uint8_t *)col->values)[r])); break;
            case DCCD_PQ_INT64: json_array_append_new(arr, i64_json(((const int64_t *)col->values)[r])); break;
            case DCCD_PQ_DOUBLE: json_array_append_new(arr, f64_json(((const double *)col->values)[r])); break;
            case DCCD_PQ_BYTE_ARRAY:
                json_array_append_new(arr, json_stringn((const char *)col->data + col->offsets[r],
                                                        (size_t)(col->offsets[r + 1] - col->offsets[r])));
                break;
            default: json_array_append_new(arr, json_null()); break;
            }
        }
        json_object_set_new(data, name, arr);
    }
    return json_pack("{s:o,s:I,s:o}", "columns", cols, "rows", (json_int_t)t->nrows, "data", data);
}

/* ---------------------------------------------------------------- ops */

static int get_range_end(ctx *c, const json_t *op, const char *key, int64_t dflt, int64_t *out)
{
    bool valid;
    if (json_i64(json_object_get(op, key), out, &valid))
        return fail(c, "bad %s", key);
    if (!valid)
        *out = dflt;
    return 0;
}

static int op_save(ctx *c, const json_t *op, json_t *res)
{
    dccd_dataset ds;
    if (parse_ds(c, json_object_get(op, "ds"), &ds))
        return -1;
    batch b;
    memset(&b, 0, sizeof b);
    int rc;
    const json_t *recs = json_object_get(op, "records");
    if (recs)
        rc = batch_from_records(c, ds.type, recs, &b);
    else {
        json_t *empty = json_object();
        const json_t *cols = json_object_get(op, "columns");
        rc = batch_from_columns(c, ds.type, cols ? cols : empty, &b);
        json_decref(empty);
    }
    if (rc) {
        batch_free(&b);
        return -1;
    }
    dccd_provenance prov, *pp = NULL;
    const json_t *pj = json_object_get(op, "provenance");
    dccd_error e;
    if (pj && json_is_object(pj)) {
        if (dccd_provenance_init(&prov, json_string_value(json_object_get(pj, "source")),
                                 json_string_value(json_object_get(pj, "derived_from")), &e)) {
            batch_free(&b);
            return fail_err(c, "provenance", &e);
        }
        pp = &prov;
    }
    int64_t rows = 0;
    rc = dccd_store_save(c->store, &ds, &b.t, pp, &rows, &e);
    if (pp)
        dccd_provenance_free(pp);
    batch_free(&b);
    if (rc)
        return fail_err(c, "save", &e);
    json_object_set_new(res, "rows", json_integer(rows));
    json_object_set_new(res, "provenance_written", json_boolean(pp != NULL));
    return 0;
}

static int op_load(ctx *c, const json_t *op, json_t *res)
{
    dccd_dataset ds;
    int64_t start, end;
    if (parse_ds(c, json_object_get(op, "ds"), &ds) || get_range_end(c, op, "start", DCCD_TS_MIN, &start) ||
        get_range_end(c, op, "end", DCCD_TS_MAX, &end))
        return -1;
    dccd_table t;
    dccd_error e;
    if (dccd_store_load(c->store, &ds, start, end, &t, &e))
        return fail_err(c, "load", &e);
    json_object_set_new(res, "table", table_json(&t));
    dccd_table_free(&t);
    return 0;
}

static int op_last(ctx *c, const json_t *op, json_t *res)
{
    dccd_dataset ds;
    if (parse_ds(c, json_object_get(op, "ds"), &ds))
        return -1;
    bool found = false;
    int64_t ts = 0;
    dccd_error e;
    if (dccd_store_last_timestamp(c->store, &ds, &found, &ts, &e))
        return fail_err(c, "last_timestamp", &e);
    json_object_set_new(res, "ts", found ? i64_json(ts) : json_null());
    return 0;
}

static int op_missing(ctx *c, const json_t *op, json_t *res)
{
    dccd_dataset ds;
    int64_t start, end;
    bool v1, v2;
    if (parse_ds(c, json_object_get(op, "ds"), &ds))
        return -1;
    if (json_i64(json_object_get(op, "start"), &start, &v1) || json_i64(json_object_get(op, "end"), &end, &v2) ||
        !v1 || !v2)
        return fail(c, "missing needs start and end");
    dccd_interval *iv = NULL;
    size_t n = 0;
    dccd_error e;
    if (dccd_store_missing_intervals(c->store, &ds, start, end, &iv, &n, &e))
        return fail_err(c, "missing_intervals", &e);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("[o,o]", i64_json(iv[i].start), i64_json(iv[i].end)));
    free(iv);
    json_object_set_new(res, "intervals", arr);
    return 0;
}

static int op_inventory(ctx *c, json_t *res)
{
    dccd_inventory_entry *v = NULL;
    size_t n = 0;
    dccd_error e;
    if (dccd_store_inventory(c->store, &v, &n, &e))
        return fail_err(c, "inventory", &e);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "exchange", json_string(v[i].exchange));
        json_object_set_new(o, "pair", json_string(v[i].pair));
        json_object_set_new(o, "data_type", json_string(dccd_data_type_name(v[i].type)));
        if (v[i].type == DCCD_OHLC)
            json_object_set_new(o, "span", v[i].span > 0 ? json_integer(v[i].span) : json_null());
        json_object_set_new(o, "files", json_integer((json_int_t)v[i].files));
        json_object_set_new(o, "rows", json_integer(v[i].rows));
        json_object_set_new(o, "min_ts", v[i].has_ts ? i64_json(v[i].min_ts) : json_null());
        json_object_set_new(o, "max_ts", v[i].has_ts ? i64_json(v[i].max_ts) : json_null());
        json_object_set_new(o, "pending_segments", json_integer((json_int_t)v[i].pending_segments));
        json_array_append_new(arr, o);
    }
    free(v);
    json_object_set_new(res, "datasets", arr);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.parquet names in the dataset's directory (readdir, as the seed's
 * glob: this checks the layout dccd produced, not a dccd listing). */
static int op_files(ctx *c, const json_t *op, json_t *res)
{
    dccd_dataset ds;
    if (parse_ds(c, json_object_get(op, "ds"), &ds))
        return -1;
    char dir[4096], rel[4096];
    dccd_error e;
    if (dccd_store_directory(c->store, &ds, true, dir, sizeof dir, &e) ||
        dccd_dataset_dir(&ds, rel, sizeof rel, &e))
        return fail_err(c, "directory", &e);
    DIR *d = opendir(dir);
    if (!d)
        return fail(c, "opendir %s failed", dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len < 8 || strcmp(de->d_name + len - 8, ".parquet") != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) {
                rc = fail(c, "out of memory");
                break;
            }
            names = nn;
        }
        if (!(names[n] = strdup(de->d_name))) {
            rc = fail(c, "out of memory");
            break;
        }
        n++;
    }
    closedir(d);
    if (!rc) {
        if (n)
            qsort(names, n, sizeof *names, cmp_str);
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, json_string(names[i]));
        json_object_set_new(res, "dir", json_string(rel));
        json_object_set_new(res, "files", arr);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

static int op_checkpoint(ctx *c, const json_t *op, json_t *res)
{
    if (!c->checkpoint_op)
        return 0;
    dccd_dataset ds, *dsp = NULL;
    const json_t *dj = json_object_get(op, "ds");
    if (dj && !json_is_null(dj)) {
        if (parse_ds(c, dj, &ds))
            return -1;
        dsp = &ds;
    }
    dccd_checkpoint_report rep;
    memset(&rep, 0, sizeof rep);
    dccd_error e;
    if (dccd_store_checkpoint(c->store, dsp, &rep, &e))
        return fail_err(c, "checkpoint", &e);
    json_object_set_new(res, "periods", json_integer((json_int_t)rep.periods));
    json_object_set_new(res, "segments", json_integer((json_int_t)rep.segments));
    return 0;
}

static int run_op(ctx *c, const json_t *op, json_t *res)
{
    const char *name = json_string_value(json_object_get(op, "op"));
    if (!name)
        return fail(c, "op has no name");
    if (!strcmp(name, "save"))
        return op_save(c, op, res);
    if (!strcmp(name, "load"))
        return op_load(c, op, res);
    if (!strcmp(name, "last"))
        return op_last(c, op, res);
    if (!strcmp(name, "missing"))
        return op_missing(c, op, res);
    if (!strcmp(name, "inventory"))
        return op_inventory(c, res);
    if (!strcmp(name, "files"))
        return op_files(c, op, res);
    if (!strcmp(name, "checkpoint"))
        return op_checkpoint(c, op, res);
    return fail(c, "unknown op %s", name);
}

static void warn_cb(void *vctx, const char *message)
{
    (void)vctx;
    fprintf(stderr, "dccd warning: %s\n", message);
}

int main(int argc, char **argv)
{
    ctx c;
    memset(&c, 0, sizeof c);
    c.checkpoint_op = true;
    dccd_store_options o;
    dccd_store_options_init(&o);
    o.warn = warn_cb;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--sync"))
            o.sync_checkpoint = true;
        else if (!strcmp(a, "--no-checkpoint-op"))
            c.checkpoint_op = false;
        else if (!strcmp(a, "--no-durable"))
            o.durable = false;
        else if (!strcmp(a, "--rg-rows") && i + 1 < argc)
            o.row_group_rows = (size_t)strtoull(argv[++i], NULL, 10);
        else if (!strcmp(a, "--cp-rows") && i + 1 < argc)
            o.checkpoint_rows = strtoll(argv[++i], NULL, 10);
        else if (!strcmp(a, "--now-year") && i + 1 < argc)
            i++;
        else if (a[0] != '-' && !c.root)
            c.root = a;
        else {
            fprintf(stderr, "dccd_ops: unknown argument %s\n", a);
            return 2;
        }
    }
    if (!c.root) {
        fprintf(stderr, "usage: dccd_ops ROOT [--sync] [--no-checkpoint-op] [--rg-rows N] [--cp-rows N] "
                        "[--no-durable] < script.jsonl\n");
        return 2;
    }
    dccd_error e;
    if (dccd_store_open(c.root, &o, &c.store, &e)) {
        fprintf(stderr, "dccd_ops: open %s: %s\n", c.root, e.msg);
        return 1;
    }
    size_t cap = 1 << 16, len = 0;
    char *line = malloc(cap);
    int status = line ? 0 : 1;
    int ch = 0;
    while (line && ch != EOF) {
        len = 0;
        while ((ch = getchar()) != EOF && ch != '\n') {
            if (len + 1 >= cap) {
                char *nl = realloc(line, cap * 2);
                if (!nl) {
                    status = 1;
                    break;
                }
                line = nl;
                cap *= 2;
            }
            line[len++] = (char)ch;
        }
        if (status)
            break;
        line[len] = 0;
        size_t sp = strspn(line, " \t\r");
        if (line[sp] == 0 || line[sp] == '#')
            continue;
        json_error_t je;
        json_t *op = json_loadb(line, len, 0, &je);
        json_t *res = json_object();
        json_object_set_new(res, "ok", json_true());
        c.msg[0] = 0;
        int rc;
        if (!op)
            rc = fail(&c, "bad JSON: %s", je.text);
        else
            rc = run_op(&c, op, res);
        if (rc) {
            json_decref(res);
            res = json_pack("{s:b,s:s}", "ok", 0, "error", c.msg);
        }
        char *out = json_dumps(res, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (out) {
            fputs(out, stdout);
            fputc('\n', stdout);
            free(out);
        } else {
            status = 1;
        }
        json_decref(res);
        json_decref(op);
    }
    free(line);
    dccd_store_close(c.store);
    if (fflush(stdout) != 0)
        status = 1;
    return status;
}
