/*
 * src/store/read.c - every dccd reader of a dataset: load, scan,
 * last_timestamp, missing_intervals, holes, and read_provenance.
 *
 * A dataset is a directory of period files plus, per period, pending
 * segments in the write-ahead log.  Periods are chosen by name (the file
 * name is the period), row groups by TS statistics; a period with pending
 * segments is read as the file folded with its segments (dccd_merge_fold),
 * so a reader sees every acknowledged row with the seed's semantics.
 * Metadata questions (last_timestamp, missing_intervals) use footers only:
 * row counts and TS statistics of files and segments.
 *
 * A period file that cannot be read is skipped with a warning naming it
 * (the seed's load); segments are dccd's own and an unreadable one is an
 * error.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "store/store_int.h"

/* ---- periods of a dataset ---- */

typedef struct period_list {
    char (*labels)[16];
    size_t n;
} period_list;

static int label_cmp(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

static int add_label(period_list *l, size_t *cap, const char *label, dccd_error *err)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->labels[i], label) == 0)
            return DCCD_OK;
    char(*nl)[16] = dccd_array_grow(l->labels, cap, l->n, sizeof *nl, 32);
    if (!nl)
        return DCCD_ENOMEM_MSG(err);
    l->labels = nl;
    snprintf(l->labels[l->n++], 16, "%s", label);
    return DCCD_OK;
}

/* Every period of ds that has a file or pending segments, sorted. */
static int list_periods(dccd_store *s, const dccd_dataset *ds, period_list *out, dccd_error *err)
{
    out->labels = NULL;
    out->n = 0;
    size_t cap = 0;
    char rel[DCCD_REL_MAX], walrel[DCCD_REL_MAX + 16];
    int rc = dccd_dataset_dir(ds, rel, sizeof rel, err);
    if (rc)
        return rc;
    snprintf(walrel, sizeof walrel, ".dccd/wal/%s", rel);
    for (int pass = 0; pass < 2 && !rc; pass++) {
        int dfd;
        rc = dccd_dir_open(s->rootfd, pass ? walrel : rel, false, &dfd, err);
        if (rc == DCCD_ENOTFOUND) {
            dccd_error_clear(err);
            rc = DCCD_OK;
            continue;
        }
        if (rc)
            break;
        DIR *d = fdopendir(dfd);
        if (!d) {
            close(dfd);
            rc = dccd_err_errno(err, errno, "list %s", rel);
            break;
        }
        struct dirent *e;
        while (!rc && (e = readdir(d)) != NULL) {
            char label[16];
            size_t len = strlen(e->d_name);
            if (!pass) {
                if (len < 9 || len - 8 >= sizeof label || strcmp(e->d_name + len - 8, ".parquet") != 0)
                    continue;
                memcpy(label, e->d_name, len - 8);
                label[len - 8] = '\0';
            } else {
                if (len >= sizeof label)
                    continue;
                memcpy(label, e->d_name, len + 1);
            }
            int64_t a, b;
            if (dccd_time_period_range(label, ds->type, &a, &b, NULL) != DCCD_OK)
                continue; /* not a period file of this dataset */
            rc = add_label(out, &cap, label, err);
        }
        closedir(d);
    }
    if (rc) {
        free(out->labels);
        out->labels = NULL;
        out->n = 0;
        return rc;
    }
    if (out->n > 1)
        qsort(out->labels, out->n, sizeof *out->labels, label_cmp);
    return DCCD_OK;
}

/* ---- reading a period ---- */

/* The file's rows (all row groups, or those overlapping [lo, hi] when
 * filter is set) as one owned table.  DCCD_ECORRUPT etc. on a bad file. */
static int read_file_rows(dccd_pq_file *f, dccd_data_type type, bool filter, int64_t lo, int64_t hi,
                          dccd_table *out, dccd_error *err)
{
    dccd_canon_map m;
    int rc = dccd_canon_map_file(f, type, &m, err);
    if (rc)
        return rc;
    return dccd_canon_read_rgs(f, &m, 0, dccd_pq_num_row_groups(f), filter, lo, hi, out, err);
}

/* Rows of the period; the file is skipped with a warning when unreadable
 * and `lenient` (load), an error otherwise.  With filter, only row groups
 * overlapping [lo, hi] are read when there are no pending segments. */
static int period_rows(dccd_store *s, const dccd_period *p, bool lenient, bool filter, int64_t lo, int64_t hi,
                       dccd_table *out, dccd_error *err)
{
    dccd_segment *segs = NULL;
    size_t nseg = 0;
    int rc;
    for (int attempt = 0; attempt < 8; attempt++) {
        free(segs);
        segs = NULL;
        if ((rc = dccd_wal_list(s, p, &segs, &nseg, err)))
            return rc;
        /* read segments first, then the file: a checkpoint in between shows
         * as a vanished segment (retry) or a file whose wal mark covers them */
        dccd_table *parts = calloc(nseg + 1, sizeof *parts);
        const dccd_table **pp = calloc(nseg + 1, sizeof *pp);
        if (!parts || !pp) {
            free(parts);
            free(pp);
            free(segs);
            return DCCD_ENOMEM_MSG(err);
        }
        size_t got = 0;
        bool vanished = false;
        for (size_t i = 0; i < nseg && !rc; i++) {
            rc = dccd_wal_read(s, p, &segs[i], &parts[i + 1], NULL, err);
            if (rc == DCCD_ENOTFOUND) {
                vanished = true;
                break;
            }
            if (!rc)
                got++;
        }
        dccd_pq_file *f = NULL;
        if (!rc && !vanished) {
            rc = dccd_period_open_file(s, p, &f, err);
            if (rc && lenient && rc != DCCD_ENOMEM) {
                dccd_store_warn(s, "skipping unreadable file: %s", err ? err->msg : p->file);
                dccd_error_clear(err);
                rc = DCCD_OK;
                f = NULL;
            }
        }
        uint64_t applied = f ? dccd_wal_applied(f) : 0;
        size_t first = 0; /* segments already folded into the file are skipped */
        while (first < got && segs[first].seq <= applied)
            first++;
        if (!rc && !vanished) {
            if (f) {
                rc = read_file_rows(f, p->type, filter && first == got, lo, hi, &parts[first], err);
                if (rc && lenient && rc != DCCD_ENOMEM) {
                    dccd_store_warn(s, "skipping unreadable file: %s", err ? err->msg : p->file);
                    dccd_error_clear(err);
                    rc = DCCD_OK;
                    dccd_table_init(&parts[first], p->type);
                }
            } else {
                dccd_table_init(&parts[first], p->type);
            }
            if (!rc) {
                if (first == got) {
                    *out = parts[first];
                    memset(&parts[first], 0, sizeof parts[first]);
                } else {
                    for (size_t i = first; i <= got; i++)
                        pp[i - first] = &parts[i];
                    rc = dccd_merge_fold(pp, got - first + 1, out, err);
                }
            }
        }
        if (f)
            dccd_pq_close(f);
        for (size_t i = 0; i <= nseg; i++)
            if (parts[i].owned)
                dccd_table_free(&parts[i]);
        free(parts);
        free(pp);
        if (!vanished)
            break;
        dccd_error_clear(err);
        rc = DCCD_OK;
    }
    free(segs);
    return rc;
}

int dccd_period_read_all(dccd_store *s, const dccd_period *p, dccd_table *out, dccd_error *err)
{
    return period_rows(s, p, false, false, 0, 0, out, err);
}

/* Keep rows with lo <= TS <= hi (the table is sorted by TS when it came
 * from a fold; a file's rows are filtered without assuming order). */
static int filter_range(dccd_table *t, int64_t lo, int64_t hi, dccd_error *err)
{
    const int64_t *ts = t->cols[0].values;
    size_t n = t->nrows, k = 0;
    size_t *idx = dccd_malloc_array(n ? n : 1, sizeof *idx);
    if (!idx)
        return DCCD_ENOMEM_MSG(err);
    for (size_t i = 0; i < n; i++)
        if (ts[i] >= lo && ts[i] <= hi)
            idx[k++] = i;
    int rc = DCCD_OK;
    if (k != n) {
        dccd_table o;
        rc = dccd_table_gather(t, idx, k, &o, err);
        if (!rc)
            dccd_table_move(t, &o);
    }
    free(idx);
    return rc;
}

/* Stable sort of a table by TS (no de-dup): the seed's load sorts. */
static int sort_by_ts(dccd_table *t, dccd_error *err)
{
    if (dccd_ts_sorted(t->cols[0].values, t->nrows))
        return DCCD_OK;
    const int64_t *ts = t->cols[0].values;
    size_t n = t->nrows;
    size_t *idx = dccd_malloc_array(n, sizeof *idx), *tmp = dccd_malloc_array(n, sizeof *tmp);
    if (!idx || !tmp) {
        free(idx);
        free(tmp);
        return DCCD_ENOMEM_MSG(err);
    }
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi)
                tmp[o++] = ts[idx[b]] < ts[idx[a]] ? idx[b++] : idx[a++];
            while (a < mid)
                tmp[o++] = idx[a++];
            while (b < hi)
                tmp[o++] = idx[b++];
        }
        size_t *x = idx;
        idx = tmp;
        tmp = x;
    }
    dccd_table o;
    int rc = dccd_table_gather(t, idx, n, &o, err);
    if (!rc)
        dccd_table_move(t, &o);
    free(idx);
    free(tmp);
    return rc;
}

int dccd_store_scan(dccd_store *s, const dccd_dataset *ds, int64_t start, int64_t end, dccd_scan_fn cb, void *ctx,
                    dccd_error *err)
{
    int rc = dccd_dataset_validate(ds, err);
    if (rc)
        return rc;
    period_list pl;
    if ((rc = list_periods(s, ds, &pl, err)))
        return rc;
    for (size_t i = 0; i < pl.n && !rc; i++) {
        dccd_period p;
        if ((rc = dccd_period_init(ds, pl.labels[i], &p, err)))
            break;
        if (p.end <= start || p.start > end)
            continue; /* skipped by name */
        dccd_table t;
        if ((rc = period_rows(s, &p, true, true, start, end, &t, err)))
            break;
        rc = filter_range(&t, start, end, err);
        if (!rc)
            rc = sort_by_ts(&t, err);
        if (!rc && t.nrows)
            rc = cb(ctx, &t, err);
        dccd_table_free(&t);
    }
    free(pl.labels);
    return rc;
}

typedef struct collect_ctx {
    dccd_table *parts;
    size_t n, cap;
} collect_ctx;

static int collect_cb(void *vctx, const dccd_table *chunk, dccd_error *err)
{
    collect_ctx *c = vctx;
    dccd_table *np = dccd_array_grow(c->parts, &c->cap, c->n, sizeof *np, 16);
    if (!np)
        return DCCD_ENOMEM_MSG(err);
    c->parts = np;
    /* take a copy: the chunk belongs to the scan */
    return dccd_table_slice(chunk, 0, chunk->nrows, &c->parts[c->n++], err) ? (c->n--, err ? err->code : DCCD_ENOMEM)
                                                                            : DCCD_OK;
}

int dccd_store_load(dccd_store *s, const dccd_dataset *ds, int64_t start, int64_t end, dccd_table *out,
                    dccd_error *err)
{
    collect_ctx c = {NULL, 0, 0};
    int rc = dccd_store_scan(s, ds, start, end, collect_cb, &c, err);
    if (!rc) {
        if (c.n == 0) {
            dccd_table_init(out, ds->type);
        } else if (c.n == 1) {
            *out = c.parts[0];
            c.n = 0;
        } else {
            const dccd_table **pp = dccd_malloc_array(c.n, sizeof *pp);
            if (!pp)
                rc = DCCD_ENOMEM_MSG(err);
            for (size_t i = 0; !rc && i < c.n; i++)
                pp[i] = &c.parts[i];
            if (!rc)
                rc = dccd_table_concat(pp, c.n, out, err);
            free(pp);
        }
    }
    for (size_t i = 0; i < c.n; i++)
        dccd_table_free(&c.parts[i]);
    free(c.parts);
    return rc;
}

/* ---- footer-only questions ---- */

/* TS range and row count of one period from footers: the file's row-group
 * statistics and the segments' footers. */
typedef struct period_summary {
    bool has_ts;
    int64_t min_ts, max_ts;
    int64_t rows;          /* file rows + pending rows */
    int64_t pending_rows;
    size_t pending;
    bool has_file;
    int64_t bytes;
} period_summary;

static void summ_ts(period_summary *ps, int64_t a, int64_t b)
{
    if (!ps->has_ts || a < ps->min_ts)
        ps->min_ts = a;
    if (!ps->has_ts || b > ps->max_ts)
        ps->max_ts = b;
    ps->has_ts = true;
}

/* TS range of a whole file from footers; reads the TS column only of row
 * groups without statistics. */
static int file_ts_summary(dccd_pq_file *f, dccd_data_type type, period_summary *ps, dccd_error *err)
{
    dccd_canon_map m;
    int rc = dccd_canon_map_file(f, type, &m, err);
    if (rc)
        return rc;
    for (int rg = 0; rg < dccd_pq_num_row_groups(f); rg++) {
        if (dccd_pq_row_group_rows(f, rg) == 0)
            continue;
        int64_t a, b;
        if (dccd_canon_rg_ts_range(f, &m, rg, &a, &b)) {
            summ_ts(ps, a, b);
            continue;
        }
        dccd_table t;
        if ((rc = dccd_canon_read_rg(f, &m, rg, true, &t, err)))
            return rc;
        const int64_t *ts = t.cols[0].values;
        for (size_t i = 0; i < t.nrows; i++)
            if (dccd_col_valid(&t.cols[0], i))
                summ_ts(ps, ts[i], ts[i]);
        dccd_table_free(&t);
    }
    return DCCD_OK;
}

static int period_summary_of(dccd_store *s, const dccd_period *p, period_summary *ps, dccd_error *err)
{
    memset(ps, 0, sizeof *ps);
    dccd_pq_file *f = NULL;
    int rc = dccd_period_open_file(s, p, &f, err);
    if (rc)
        return rc;
    uint64_t applied = 0;
    if (f) {
        ps->has_file = true;
        ps->rows = dccd_pq_num_rows(f);
        ps->bytes = (int64_t)dccd_pq_file_size(f);
        applied = dccd_wal_applied(f);
        rc = file_ts_summary(f, p->type, ps, err);
        dccd_pq_close(f);
        if (rc)
            return rc;
    }
    dccd_segment *segs = NULL;
    size_t n = 0;
    if ((rc = dccd_wal_list(s, p, &segs, &n, err)))
        return rc;
    int dfd = -1;
    if (n && (rc = dccd_dir_open(s->rootfd, p->waldir, false, &dfd, err)) != DCCD_OK) {
        free(segs);
        return rc == DCCD_ENOTFOUND ? (dccd_error_clear(err), DCCD_OK) : rc;
    }
    for (size_t i = 0; i < n && !rc; i++) {
        if (segs[i].seq <= applied)
            continue;
        int fd = openat(dfd, segs[i].name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            continue; /* folded meanwhile */
        dccd_pq_file *sf;
        rc = dccd_pq_open_fd(fd, segs[i].name, &sf, err);
        close(fd);
        if (rc)
            break;
        ps->pending++;
        ps->pending_rows += dccd_pq_num_rows(sf);
        ps->rows += dccd_pq_num_rows(sf);
        rc = file_ts_summary(sf, p->type, ps, err);
        dccd_pq_close(sf);
    }
    if (dfd >= 0)
        close(dfd);
    free(segs);
    return rc;
}

/* Trades keyed on tid (the seed's keep-last on "tid"): a pending row can
 * replace a stored row with the same tid and ANOTHER TS, so the footers'
 * max TS of a period with pending segments is then only an upper bound (the
 * TS of a row that is gone).  *maybe is false when that cannot happen: no
 * non-null pending tid occurs twice among the pending rows, and none may
 * occur in the period file (its bloom filters say "absent").  Anything
 * uncertain (a segment vanished, no bloom filter) gives *maybe true. */
static int trades_pending_may_replace(dccd_store *s, const dccd_period *p, bool *maybe, dccd_error *err)
{
    *maybe = true;
    dccd_pq_file *f = NULL;
    int rc = dccd_period_open_file(s, p, &f, err);
    if (rc)
        return rc;
    uint64_t applied = f ? dccd_wal_applied(f) : 0;
    dccd_segment *segs = NULL;
    size_t nseg = 0, k = 0;
    dccd_table *parts = NULL;
    const dccd_table **pp = NULL;
    dccd_table all;
    dccd_table_init(&all, DCCD_TRADES);
    size_t *slots = NULL;
    if ((rc = dccd_wal_list(s, p, &segs, &nseg, err)))
        goto done;
    parts = calloc(nseg ? nseg : 1, sizeof *parts);
    pp = calloc(nseg ? nseg : 1, sizeof *pp);
    if (!parts || !pp) {
        rc = DCCD_ENOMEM_MSG(err);
        goto done;
    }
    for (size_t i = 0; i < nseg; i++) {
        if (segs[i].seq <= applied)
            continue;
        if ((rc = dccd_wal_read(s, p, &segs[i], &parts[k], NULL, err))) {
            if (rc == DCCD_ENOTFOUND) { /* folded meanwhile: stay uncertain */
                dccd_error_clear(err);
                rc = DCCD_OK;
            }
            goto done;
        }
        pp[k] = &parts[k];
        k++;
    }
    if (k && (rc = dccd_table_concat(pp, k, &all, err)))
        goto done;
    const dccd_pq_column *tid = &all.cols[TR_TID];
    size_t cap = 16;
    while (cap < all.nrows * 2 + 2)
        cap *= 2;
    if (!(slots = calloc(cap, sizeof *slots))) {
        rc = DCCD_ENOMEM_MSG(err);
        goto done;
    }
    int fcol = -1;
    if (f)
        for (int c = 0; c < dccd_pq_num_columns(f); c++)
            if (strcmp(dccd_pq_column_info_at(f, c)->name, "tid") == 0)
                fcol = c;
    int nrg = f ? dccd_pq_num_row_groups(f) : 0;
    for (size_t i = 0; i < all.nrows; i++) {
        if (!dccd_col_valid(tid, i))
            continue;
        const uint8_t *v = tid->data + tid->offsets[i];
        size_t len = (size_t)(tid->offsets[i + 1] - tid->offsets[i]);
        size_t h = (size_t)XXH3_64bits(v, len) & (cap - 1);
        for (; slots[h]; h = (h + 1) & (cap - 1)) {
            size_t r = slots[h] - 1;
            if ((size_t)(tid->offsets[r + 1] - tid->offsets[r]) == len && memcmp(tid->data + tid->offsets[r], v, len) == 0)
                goto done; /* a tid twice among the pending rows */
        }
        slots[h] = i + 1;
        for (int rg = 0; rg < nrg; rg++) {
            if (dccd_pq_row_group_rows(f, rg) == 0)
                continue;
            int res = 1;
            if (fcol < 0 || (rc = dccd_pq_bloom_check(f, rg, fcol, v, len, &res, err)) || res != 0)
                goto done; /* may be in the file */
        }
    }
    *maybe = false;
done:
    free(slots);
    dccd_table_free(&all);
    for (size_t i = 0; i < k; i++)
        dccd_table_free(&parts[i]);
    free(parts);
    free(pp);
    free(segs);
    if (f)
        dccd_pq_close(f);
    return rc;
}

/* Exact last TS of a trades period whose footers only bound it: fold it. */
static int period_fold_last(dccd_store *s, const dccd_period *p, bool *found, int64_t *ts, dccd_error *err)
{
    dccd_table t;
    int rc = dccd_period_read_all(s, p, &t, err);
    if (rc)
        return rc;
    const int64_t *v = t.cols[0].values;
    for (size_t i = 0; i < t.nrows; i++)
        if (!*found || v[i] > *ts) {
            *ts = v[i];
            *found = true;
        }
    dccd_table_free(&t);
    return DCCD_OK;
}

int dccd_store_last_timestamp(dccd_store *s, const dccd_dataset *ds, bool *found, int64_t *ts, dccd_error *err)
{
    *found = false;
    int rc = dccd_dataset_validate(ds, err);
    if (rc)
        return rc;
    period_list pl;
    if ((rc = list_periods(s, ds, &pl, err)))
        return rc;
    for (size_t i = pl.n; i-- > 0 && !*found;) {
        dccd_period p;
        if ((rc = dccd_period_init(ds, pl.labels[i], &p, err)))
            break;
        period_summary ps;
        dccd_error e2;
        if (period_summary_of(s, &p, &ps, &e2) != DCCD_OK)
            continue; /* the seed skips unreadable files here */
        bool maybe = false;
        if (ps.has_ts && p.type == DCCD_TRADES && ps.pending &&
            trades_pending_may_replace(s, &p, &maybe, &e2) != DCCD_OK)
            maybe = true;
        if (maybe) {
            if (period_fold_last(s, &p, found, ts, &e2) != DCCD_OK)
                continue; /* unreadable: skipped, as above */
        } else if (ps.has_ts) {
            *found = true;
            *ts = ps.max_ts;
        }
    }
    free(pl.labels);
    return rc;
}

static int push_interval(dccd_interval **v, size_t *n, size_t *cap, int64_t a, int64_t b, dccd_error *err)
{
    dccd_interval *nv = dccd_array_grow(*v, cap, *n, sizeof *nv, 8);
    if (!nv)
        return DCCD_ENOMEM_MSG(err);
    *v = nv;
    (*v)[*n].start = a;
    (*v)[*n].end = b;
    (*n)++;
    return DCCD_OK;
}

/* Number of distinct TS of a period (OHLC completeness): from the footer's
 * row count when there is nothing pending (the file is de-duplicated on
 * TS), else from the TS columns of the file and segments. */
static int period_distinct_ts(dccd_store *s, const dccd_period *p, const period_summary *ps, int64_t *count,
                              dccd_error *err)
{
    if (ps->pending == 0) {
        *count = ps->rows;
        return DCCD_OK;
    }
    dccd_table t;
    int rc = dccd_period_read_all(s, p, &t, err);
    if (rc)
        return rc;
    *count = (int64_t)t.nrows;
    dccd_table_free(&t);
    return DCCD_OK;
}

int dccd_store_missing_intervals(dccd_store *s, const dccd_dataset *ds, int64_t start, int64_t end,
                                 dccd_interval **out, size_t *n, dccd_error *err)
{
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    int rc = dccd_dataset_validate(ds, err);
    if (rc)
        return rc;
    if (ds->type != DCCD_OHLC) {
        bool found;
        int64_t last;
        if ((rc = dccd_store_last_timestamp(s, ds, &found, &last, err)))
            return rc;
        int64_t eff = found ? (last + 1 > start ? last + 1 : start) : start;
        if (eff < end)
            rc = push_interval(out, n, &cap, eff, end, err);
        return rc;
    }
    int64_t span_ns = ds->span * DCCD_NS;
    dccd_civil_time cs, ce, now;
    dccd_time_to_civil(start, &cs);
    dccd_time_to_civil(end, &ce);
    struct timespec tn;
    clock_gettime(CLOCK_REALTIME, &tn);
    dccd_time_to_civil((int64_t)tn.tv_sec * DCCD_NS, &now);
    for (int64_t year = cs.year; year <= ce.year && !rc; year++) {
        int64_t ys, ye;
        if (dccd_time_year_start(year, &ys, NULL) != DCCD_OK)
            ys = INT64_MIN;
        if (dccd_time_year_start(year + 1, &ye, NULL) != DCCD_OK)
            ye = INT64_MAX;
        int64_t a = start > ys ? start : ys, b = end < ye ? end : ye;
        if (a >= b)
            continue;
        char label[16];
        snprintf(label, sizeof label, "%04lld", (long long)year);
        dccd_period p;
        period_summary ps;
        if (dccd_period_init(ds, label, &p, NULL) == DCCD_OK && period_summary_of(s, &p, &ps, NULL) == DCCD_OK &&
            (ps.has_file || ps.pending)) {
            if (year < now.year) {
                int64_t expected = (ye - ys) / span_ns, count = 0;
                if (period_distinct_ts(s, &p, &ps, &count, NULL) == DCCD_OK && count >= expected)
                    continue;
            }
            if (ps.has_ts) {
                if (a < ps.min_ts && (rc = push_interval(out, n, &cap, a, ps.min_ts, err)))
                    break;
                int64_t trailing = ps.max_ts + span_ns;
                if (trailing < b)
                    rc = push_interval(out, n, &cap, trailing, b, err);
                continue;
            }
        }
        rc = push_interval(out, n, &cap, a, b, err);
    }
    if (rc) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

typedef struct holes_ctx {
    int64_t min_gap, prev;
    bool has_prev;
    dccd_interval *v;
    size_t n, cap;
} holes_ctx;

static int holes_cb(void *vctx, const dccd_table *chunk, dccd_error *err)
{
    holes_ctx *h = vctx;
    const int64_t *ts = chunk->cols[0].values;
    for (size_t i = 0; i < chunk->nrows; i++) {
        if (h->has_prev && ts[i] - h->prev > h->min_gap) {
            int rc = push_interval(&h->v, &h->n, &h->cap, h->prev, ts[i], err);
            if (rc)
                return rc;
        }
        h->prev = ts[i];
        h->has_prev = true;
    }
    return DCCD_OK;
}

int dccd_store_holes(dccd_store *s, const dccd_dataset *ds, int64_t start, int64_t end, int64_t min_gap_ns,
                     dccd_interval **out, size_t *n, dccd_error *err)
{
    holes_ctx h = {min_gap_ns, 0, false, NULL, 0, 0};
    int rc = dccd_store_scan(s, ds, start, end, holes_cb, &h, err);
    if (rc) {
        free(h.v);
        return rc;
    }
    *out = h.v;
    *n = h.n;
    return DCCD_OK;
}

int dccd_read_provenance(const char *path, dccd_provenance *out, bool *found, dccd_error *err)
{
    *found = false;
    dccd_pq_file *f;
    int rc = dccd_pq_open(path, &f, err);
    if (rc)
        return rc;
    const char *v = dccd_pq_kv_get(f, DCCD_PROVENANCE_KEY);
    if (v) {
        rc = dccd_provenance_from_json(v, strlen(v), out, err);
        if (!rc)
            *found = true;
    }
    dccd_pq_close(f);
    return rc;
}
