/*
 * src/store/canon.c - reading period files and segments into canonical
 * tables: the C counterpart of the seed's canonicalize().
 *
 * A file may be a canonical v3 file (written by dccd or the seed), or a
 * legacy v2 OHLC file (TS in Unix seconds; quoteVolume, weightedAverage,
 * date, time columns).  The map renames quoteVolume to quote_volume (when
 * quote_volume is absent), drops every non-canonical column, fills missing
 * canonical columns with nulls, and, for a file that is legacy v2 by its
 * columns (quoteVolume, weightedAverage, date or time present), scales TS
 * to nanoseconds when the file's largest TS is below 1e18 (as the seed's
 * migration does).  Canonical files and segments are never scaled.  Numeric columns
 * stored with a narrower type (INT32, FLOAT) are widened; any other type
 * mismatch is an error naming the column.
 */
#include <stdlib.h>
#include <string.h>

#include "common/pool.h"
#include "store/store_int.h"

static bool type_ok(dccd_pq_type want, dccd_pq_type have)
{
    if (want == have)
        return true;
    if (want == DCCD_PQ_INT64 && have == DCCD_PQ_INT32)
        return true;
    if (want == DCCD_PQ_DOUBLE && (have == DCCD_PQ_FLOAT || have == DCCD_PQ_INT32 || have == DCCD_PQ_INT64))
        return true;
    return false;
}

static bool stat_ts(dccd_pq_file *f, int col, int rg, bool max, int64_t *out)
{
    return max ? dccd_pq_stat_max_i64(f, rg, col, out) : dccd_pq_stat_min_i64(f, rg, col, out);
}

bool dccd_canon_legacy_columns(dccd_pq_file *f)
{
    static const char *const v2[] = {"quoteVolume", "weightedAverage", "date", "time"};
    for (size_t i = 0; i < sizeof v2 / sizeof v2[0]; i++)
        if (dccd_pq_column_index(f, v2[i]) >= 0)
            return true;
    return false;
}

int dccd_canon_map_file(dccd_pq_file *f, dccd_data_type type, dccd_canon_map *m, dccd_error *err)
{
    memset(m, 0, sizeof *m);
    m->type = type;
    m->ts_scale = 1;
    int n = dccd_schema_ncols(type);
    for (int c = 0; c < n; c++) {
        const char *name = dccd_schema_col_name(type, c);
        int src = dccd_pq_column_index(f, name);
        if (src < 0 && strcmp(name, "quote_volume") == 0) {
            src = dccd_pq_column_index(f, "quoteVolume");
            if (src >= 0)
                m->legacy = true;
        }
        if (src >= 0) {
            const dccd_pq_column_info *ci = dccd_pq_column_info_at(f, src);
            if (!type_ok(dccd_schema_col_type(type, c), ci->type))
                return dccd_err_set(err, DCCD_ECORRUPT, "%s: column '%s' has type %s, expected %s",
                                    dccd_pq_name(f), ci->name, dccd_pq_type_name(ci->type),
                                    dccd_pq_type_name(dccd_schema_col_type(type, c)));
        }
        m->src[c] = src;
    }
    if (m->src[0] < 0)
        return dccd_err_set(err, DCCD_ECORRUPT, "%s: no TS column", dccd_pq_name(f));
    const dccd_pq_column_info *tsi = dccd_pq_column_info_at(f, m->src[0]);
    if (tsi->type != DCCD_PQ_INT64 && tsi->type != DCCD_PQ_INT32)
        return dccd_err_set(err, DCCD_ECORRUPT, "%s: TS column is %s, expected INT64", dccd_pq_name(f),
                            dccd_pq_type_name(tsi->type));
    if (dccd_pq_column_index(f, "weightedAverage") >= 0)
        m->legacy = true;
    /* Seconds or nanoseconds?  Only a file that is legacy v2 by its columns
     * can hold seconds; there the largest TS decides (as the seed's
     * migration does).  A canonical file or a dccd segment holds
     * nanoseconds whatever their value: TS 0 (1970) and TS before 2001
     * (below 1e18 ns) read back as stored, never multiplied. */
    if (!dccd_canon_legacy_columns(f))
        return DCCD_OK;
    bool any = false;
    int64_t fmax = INT64_MIN;
    for (int rg = 0; rg < dccd_pq_num_row_groups(f); rg++) {
        if (dccd_pq_row_group_rows(f, rg) == 0)
            continue;
        int64_t v;
        if (!stat_ts(f, m->src[0], rg, true, &v)) {
            dccd_pq_column col;
            int rc = dccd_pq_read_column(f, rg, m->src[0], &col, err);
            if (rc)
                return rc;
            for (size_t i = 0; i < col.n; i++) {
                if (col.validity && !col.validity[i])
                    continue;
                int64_t x = col.type == DCCD_PQ_INT32 ? ((int32_t *)col.values)[i] : ((int64_t *)col.values)[i];
                if (x > fmax)
                    fmax = x, any = true;
            }
            dccd_pq_column_free(&col);
        } else if (v > fmax) {
            fmax = v;
            any = true;
        }
    }
    if (any && fmax < INT64_C(1000000000000000000)) {
        m->ts_scale = DCCD_NS;
        m->legacy = true;
    }
    return DCCD_OK;
}

bool dccd_canon_rg_ts_range(dccd_pq_file *f, const dccd_canon_map *m, int rg, int64_t *lo, int64_t *hi)
{
    int64_t a, b;
    if (!stat_ts(f, m->src[0], rg, false, &a) || !stat_ts(f, m->src[0], rg, true, &b))
        return false;
    if (a > b)  /* contradictory statistics (min > max): treat the range as unknown */
        return false;
    if (m->ts_scale != 1) {
        if (__builtin_mul_overflow(a, m->ts_scale, &a) || __builtin_mul_overflow(b, m->ts_scale, &b))
            return false;
    }
    *lo = a;
    *hi = b;
    return true;
}

/* Convert a column read from the file into the canonical type, in place. */
static int widen(dccd_pq_column *col, dccd_pq_type want, dccd_error *err)
{
    if (col->type == want)
        return DCCD_OK;
    size_t n = col->n;
    void *nv = dccd_malloc_array(n ? n : 1, 8);
    if (!nv)
        return DCCD_ENOMEM_MSG(err);
    for (size_t i = 0; i < n; i++) {
        if (want == DCCD_PQ_INT64) {
            ((int64_t *)nv)[i] = ((int32_t *)col->values)[i];
        } else {
            double d = 0;
            switch (col->type) {
            case DCCD_PQ_FLOAT: d = ((float *)col->values)[i]; break;
            case DCCD_PQ_INT32: d = ((int32_t *)col->values)[i]; break;
            case DCCD_PQ_INT64: d = (double)((int64_t *)col->values)[i]; break;
            default: break;
            }
            ((double *)nv)[i] = d;
        }
    }
    dccd_big_free(col->values, (col->mapped & DCCD_PQ_MAPPED_VALUES) != 0);
    col->values = nv;
    col->mapped &= ~DCCD_PQ_MAPPED_VALUES;
    col->type = want;
    return DCCD_OK;
}

/* One canonical column of rows [from, to) of row group rg: decoded and
 * widened, or a column of nulls. */
static int read_canon_col(dccd_pq_file *f, const dccd_canon_map *m, int rg, bool ts_only, int64_t from, int64_t to,
                          int c, dccd_pq_column *col, dccd_error *err)
{
    bool whole = from == 0 && to == dccd_pq_row_group_rows(f, rg);
    size_t rows = (size_t)(to - from);
    dccd_pq_type want = dccd_schema_col_type(m->type, c);
    int rc;
    if (m->src[c] >= 0 && (!ts_only || c == 0)) {
        rc = whole ? dccd_pq_read_column(f, rg, m->src[c], col, err)
                   : dccd_pq_read_column_range(f, rg, m->src[c], from, to, col, err);
        if (rc)
            return rc;
        if (col->n != rows)
            return dccd_err_set(err, DCCD_ECORRUPT, "%s: row group %d: column '%s' has %zu rows, expected %zu",
                                dccd_pq_name(f), rg, dccd_schema_col_name(m->type, c), col->n, rows);
        return widen(col, want, err);
    }
    /* a column of nulls */
    col->type = want;
    col->n = rows;
    col->validity = calloc(rows ? rows : 1, 1);
    if (want == DCCD_PQ_BYTE_ARRAY)
        col->offsets = calloc(rows + 1, sizeof(int64_t));
    else
        col->values = calloc(rows ? rows : 1, want == DCCD_PQ_BOOLEAN ? 1 : 8);
    if (!col->validity || (want == DCCD_PQ_BYTE_ARRAY ? !col->offsets : !col->values))
        return DCCD_ENOMEM_MSG(err);
    col->null_count = rows;
    return DCCD_OK;
}

typedef struct canon_rg_task {
    dccd_pq_file *f;
    const dccd_canon_map *m;
    int rg;
    bool ts_only;
    int64_t from, to;
    dccd_table *out;
} canon_rg_task;

static int canon_col_task(void *vctx, size_t c, int worker, dccd_error *err)
{
    (void)worker;
    canon_rg_task *t = vctx;
    return read_canon_col(t->f, t->m, t->rg, t->ts_only, t->from, t->to, (int)c, &t->out->cols[c], err);
}

/* A legacy file's TS in seconds, scaled to nanoseconds in place. */
static int scale_ts(dccd_pq_file *f, const dccd_canon_map *m, dccd_table *t, dccd_error *err)
{
    if (m->ts_scale == 1)
        return DCCD_OK;
    int64_t *ts = t->cols[0].values;
    for (size_t i = 0; i < t->nrows; i++)
        if (__builtin_mul_overflow(ts[i], m->ts_scale, &ts[i]))
            return dccd_err_set(err, DCCD_ECORRUPT, "%s: TS out of range at row %zu", dccd_pq_name(f), i);
    return DCCD_OK;
}

/* Rows [from, to) of row group rg as a canonical owned table (the whole
 * row group through dccd_pq_read_column, a part through the OffsetIndex),
 * the columns decoded as concurrent tasks on m->pool: the same table
 * whatever the pool, and the first failure (by column when on one
 * thread) returned with every column freed. */
static int read_rg_rows(dccd_pq_file *f, const dccd_canon_map *m, int rg, bool ts_only, int64_t from, int64_t to,
                        dccd_table *out, dccd_error *err)
{
    size_t rows = (size_t)(to - from);
    dccd_table_init(out, m->type);
    out->nrows = rows;
    canon_rg_task t = {f, m, rg, ts_only, from, to, out};
    /* a column's decode must be worth a task hand-off (~10 us) */
    dccd_pool *pool = ts_only || rows < 4096 ? NULL : m->pool;
    int rc = dccd_pool_run(pool, (size_t)out->ncols, canon_col_task, &t, err);
    if (!rc)
        rc = scale_ts(f, m, out, err);
    if (rc)
        dccd_table_free(out);
    return rc;
}

int dccd_canon_read_rg(dccd_pq_file *f, const dccd_canon_map *m, int rg, bool ts_only, dccd_table *out,
                       dccd_error *err)
{
    return read_rg_rows(f, m, rg, ts_only, 0, dccd_pq_row_group_rows(f, rg), out, err);
}

/* Little-endian INT32/INT64 page bound, scaled to canonical ns. */
static bool page_ts(const uint8_t *p, size_t len, bool i32, int64_t scale, int64_t *out)
{
    int64_t v;
    if (!p || len != (i32 ? 4u : 8u))
        return false;
    if (i32) {
        uint32_t u = dccd_load_u32le(p);
        int32_t x;
        memcpy(&x, &u, 4);
        v = x;
    } else {
        uint64_t u = dccd_load_u64le(p);
        memcpy(&v, &u, 8);
    }
    if (scale != 1 && __builtin_mul_overflow(v, scale, &v))
        return false;
    *out = v;
    return true;
}

bool dccd_canon_rg_page_rows(dccd_pq_file *f, const dccd_canon_map *m, int rg, int64_t lo, int64_t hi,
                             int64_t *from, int64_t *to)
{
    int col = m->src[0];
    const dccd_pq_column_info *ci = dccd_pq_column_info_at(f, col);
    if (!ci || (ci->logical == DCCD_PQ_LOG_INTEGER && !ci->is_signed))
        return false; /* unsigned order: the index min/max are not signed bounds */
    bool i32 = ci->type == DCCD_PQ_INT32;
    dccd_pq_page_info *pi = NULL;
    size_t np = 0;
    dccd_error e;
    if (dccd_pq_page_index(f, rg, col, &pi, &np, &e) != DCCD_OK)
        return false;
    int64_t rows = dccd_pq_row_group_rows(f, rg);
    bool ok = np > 0 && pi[0].first_row == 0;
    int64_t prev_max = INT64_MIN;
    size_t first = np, last = 0;
    bool any = false;
    for (size_t i = 0; ok && i < np; i++) {
        int64_t a, b;
        /* no nulls (a null TS would not be bounded), bounds known, and
         * sorted: every page's min at or above the previous page's max */
        if (pi[i].null_page || pi[i].null_count != 0 || !page_ts(pi[i].min, pi[i].min_len, i32, m->ts_scale, &a) ||
            !page_ts(pi[i].max, pi[i].max_len, i32, m->ts_scale, &b) || a > b || a < prev_max ||
            (i > 0 && pi[i].first_row <= pi[i - 1].first_row) || pi[i].first_row >= rows) {
            ok = false;
            break;
        }
        prev_max = b;
        if (b >= lo && a <= hi) {
            if (!any)
                first = i;
            last = i;
            any = true;
        }
    }
    if (ok) {
        if (!any) {
            *from = *to = 0;
        } else {
            *from = pi[first].first_row;
            *to = last + 1 < np ? pi[last + 1].first_row : rows;
        }
    }
    free(pi);
    return ok;
}

/* The rows [*from, *to) of row group rg a range read of [lo, hi] reads:
 * all of them when the row group lies inside the range or its pages are
 * not usable, else those of the pages overlapping the range. */
static void rg_span(dccd_pq_file *f, const dccd_canon_map *m, int rg, int64_t lo, int64_t hi, int64_t *from,
                    int64_t *to)
{
    int64_t a, b, pf, pt;
    *from = 0;
    *to = dccd_pq_row_group_rows(f, rg);
    if (dccd_canon_rg_ts_range(f, m, rg, &a, &b) && a >= lo && b <= hi)
        return; /* wholly inside */
    if (dccd_canon_rg_page_rows(f, m, rg, lo, hi, &pf, &pt)) {
        *from = pf;
        *to = pt;
    }
}

int dccd_canon_read_rg_range(dccd_pq_file *f, const dccd_canon_map *m, int rg, bool ts_only, int64_t lo, int64_t hi,
                             dccd_table *out, dccd_error *err)
{
    int64_t from, to;
    rg_span(f, m, rg, lo, hi, &from, &to);
    return read_rg_rows(f, m, rg, ts_only, from, to, out, err);
}

/* ---- several row groups at once ---- */

typedef struct canon_many {
    dccd_pq_file *f;
    const dccd_canon_map *m;
    const int *rgs;
    bool ts_only;
    int64_t *from, *to;    /* rows of each row group to read */
    dccd_table *outs;
    int ncols;
    int *rcs;              /* per (row group, column) */
    dccd_error *errs;
} canon_many;

static int canon_many_task(void *vctx, size_t i, int worker, dccd_error *err)
{
    (void)worker;
    (void)err;
    canon_many *t = vctx;
    size_t k = i / (size_t)t->ncols;
    int c = (int)(i % (size_t)t->ncols);
    /* every task runs: a failure is kept for its row group, so the caller
     * sees the row groups before the first failing one whole */
    t->rcs[i] = read_canon_col(t->f, t->m, t->rgs[k], t->ts_only, t->from[k], t->to[k], c, &t->outs[k].cols[c],
                               &t->errs[i]);
    return t->rcs[i] == DCCD_ENOMEM ? DCCD_ENOMEM : DCCD_OK;
}

int dccd_canon_read_rg_ranges(dccd_pq_file *f, const dccd_canon_map *m, const int *rgs, int n, bool ts_only,
                              int64_t lo, int64_t hi, dccd_table *outs, int *rcs, dccd_error *errs, dccd_error *err)
{
    if (n <= 0)
        return DCCD_OK;
    int ncols = dccd_schema_ncols(m->type);
    size_t ntasks = (size_t)n * (size_t)ncols;
    int64_t *from = dccd_malloc_array((size_t)n * 2, sizeof *from);
    int *trc = calloc(ntasks, sizeof *trc);
    dccd_error *terr = dccd_malloc_array(ntasks, sizeof *terr);
    if (!from || !trc || !terr) {
        free(from);
        free(trc);
        free(terr);
        return DCCD_ENOMEM_MSG(err);
    }
    int64_t *to = from + n;
    size_t rows_total = 0;
    for (int k = 0; k < n; k++) {
        rg_span(f, m, rgs[k], lo, hi, &from[k], &to[k]);
        dccd_table_init(&outs[k], m->type);
        outs[k].nrows = (size_t)(to[k] - from[k]);
        rows_total += outs[k].nrows;
    }
    canon_many t = {f, m, rgs, ts_only, from, to, outs, ncols, trc, terr};
    /* a column's decode must be worth a task hand-off (~10 us) */
    dccd_pool *pool = ts_only || rows_total < 4096 ? NULL : m->pool;
    int rc = dccd_pool_run(pool, ntasks, canon_many_task, &t, err);
    for (int k = 0; k < n; k++) {
        rcs[k] = DCCD_OK;
        for (int c = 0; c < ncols && !rc; c++) {
            size_t i = (size_t)k * (size_t)ncols + (size_t)c;
            if (trc[i]) {
                rcs[k] = trc[i];
                errs[k] = terr[i];
                break;
            }
        }
        if (!rc && !rcs[k])
            rcs[k] = scale_ts(f, m, &outs[k], &errs[k]);
        if (rc || rcs[k])
            dccd_table_free(&outs[k]);
    }
    free(from);
    free(trc);
    free(terr);
    return rc;
}

int dccd_canon_read_rgs(dccd_pq_file *f, const dccd_canon_map *m, int from, int to, bool filter, int64_t lo,
                        int64_t hi, dccd_table *out, dccd_error *err)
{
    size_t cap = to > from ? (size_t)(to - from) : 1;
    dccd_table *parts = calloc(cap, sizeof *parts);
    const dccd_table **pp = calloc(cap, sizeof *pp);
    if (!parts || !pp) {
        free(parts);
        free(pp);
        return DCCD_ENOMEM_MSG(err);
    }
    int rc = DCCD_OK;
    size_t k = 0;
    for (int rg = from; rg < to && !rc; rg++) {
        int64_t a, b;
        if (filter && dccd_canon_rg_ts_range(f, m, rg, &a, &b) && (b < lo || a > hi))
            continue;
        rc = filter ? dccd_canon_read_rg_range(f, m, rg, false, lo, hi, &parts[k], err)
                    : dccd_canon_read_rg(f, m, rg, false, &parts[k], err);
        if (!rc) {
            pp[k] = &parts[k];
            k++;
        }
    }
    if (!rc) {
        if (k == 0) {
            dccd_table_init(out, m->type);
        } else if (k == 1) {
            *out = parts[0];
            k = 0;
        } else {
            rc = dccd_table_concat(pp, k, out, err);
        }
    }
    for (size_t i = 0; i < k; i++)
        dccd_table_free(&parts[i]);
    free(parts);
    free(pp);
    return rc;
}
