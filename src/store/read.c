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
 * row counts and TS statistics of files and segments (plus, for a period
 * with pending segments, the TS column of the fold); a period file that a
 * checkpoint found unreadable is a missing year.
 *
 * scan streams each period row group by row group (stream_period: pending
 * segments folded chunk by chunk, see docs/STORE.md "Reading: streaming");
 * load is a scan collected; holes is the same walk reading only TS.
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

#include "store/store_int.h"

/* ---- periods of a dataset ---- */

typedef dccd_labels period_list;

static int label_cmp(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

static int add_label(period_list *l, size_t *cap, const char *label, dccd_error *err)
{
    char(*nl)[16] = dccd_array_grow(l->v, cap, l->n, sizeof *nl, 32);
    if (!nl)
        return DCCD_ENOMEM_MSG(err);
    l->v = nl;
    snprintf(l->v[l->n++], 16, "%s", label);
    return DCCD_OK;
}

int dccd_list_periods(dccd_store *s, dccd_data_type type, const char *dsdir, int which, dccd_labels *out,
                      dccd_error *err)
{
    out->v = NULL;
    out->n = 0;
    size_t cap = 0;
    char walrel[DCCD_REL_MAX + 16];
    snprintf(walrel, sizeof walrel, ".dccd/wal/%s", dsdir);
    int rc = DCCD_OK;
    for (int pass = 0; pass < 2 && !rc; pass++) {
        if (!(which & (pass ? DCCD_LIST_WAL : DCCD_LIST_FILES)))
            continue;
        int dfd;
        rc = dccd_dir_open(s->rootfd, pass ? walrel : dsdir, false, &dfd, err);
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
            rc = dccd_err_errno(err, errno, "list %s", dsdir);
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
            if (dccd_time_period_range(label, type, &a, &b, NULL) != DCCD_OK)
                continue; /* not a period file of this dataset */
            rc = add_label(out, &cap, label, err);
        }
        closedir(d);
    }
    if (rc) {
        free(out->v);
        out->v = NULL;
        out->n = 0;
        return rc;
    }
    if (out->n > 1) {
        qsort(out->v, out->n, sizeof *out->v, label_cmp);
        size_t k = 1; /* a period with a file and segments is listed once */
        for (size_t i = 1; i < out->n; i++)
            if (strcmp(out->v[i], out->v[k - 1]) != 0)
                memmove(out->v[k++], out->v[i], 16);
        out->n = k;
    }
    return DCCD_OK;
}

/* Every period of ds that has a file or pending segments, sorted. */
static int list_periods(dccd_store *s, const dccd_dataset *ds, period_list *out, dccd_error *err)
{
    char rel[DCCD_REL_MAX];
    int rc = dccd_dataset_dir(ds, rel, sizeof rel, err);
    if (rc)
        return rc;
    return dccd_list_periods(s, ds->type, rel, DCCD_LIST_FILES | DCCD_LIST_WAL, out, err);
}

/* ---- reading a period ---- */

/* The file's rows (all row groups, or those overlapping [lo, hi] when
 * filter is set) as one owned table.  DCCD_ECORRUPT etc. on a bad file. */
static int read_file_rows(dccd_store *s, dccd_pq_file *f, dccd_data_type type, bool filter, int64_t lo, int64_t hi,
                          dccd_table *out, dccd_error *err)
{
    dccd_canon_map m;
    int rc = dccd_store_map_file(s, f, type, &m, err);
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
        char(*bases)[DCCD_IDENT_MAX] = calloc(nseg + 1, sizeof *bases);
        if (!parts || !pp || !bases) {
            free(parts);
            free(pp);
            free(bases);
            free(segs);
            return DCCD_ENOMEM_MSG(err);
        }
        size_t got = 0;
        bool vanished = false, skipped = false;
        for (size_t i = 0; i < nseg && !rc; i++) {
            rc = dccd_wal_read_base(s, p, &segs[i], &parts[i + 1], NULL, bases[i], err);
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
                skipped = true;
            }
        }
        uint64_t applied = f ? dccd_wal_applied(f) : 0;
        size_t first = 0; /* segments already folded into the file are skipped */
        while (first < got && segs[first].seq <= applied)
            first++;
        if (!rc && !vanished && !skipped) {
            char ident[DCCD_IDENT_MAX];
            dccd_period_ident(f, ident);
            for (size_t i = first; i < got && !rc; i++)
                rc = dccd_segment_base_check(s, p, segs[i].name, bases[i], ident, err);
        }
        if (!rc && !vanished) {
            /* the file's rows take the slot of the last skipped segment */
            if (first > 0)
                dccd_table_free(&parts[first]);
            if (f) {
                rc = read_file_rows(s, f, p->type, filter && first == got, lo, hi, &parts[first], err);
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
        free(bases);
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

/* ---- streaming a period row group by row group ----
 *
 * A period without pending segments is streamed one row group at a time
 * (row groups outside the range skipped by their TS statistics): the rows
 * as stored, as the seed's load gives them.
 *
 * With pending segments, the segments are folded among themselves first
 * (P: keep-last on the fold's key, sorted by TS; small, bounded by the
 * checkpoint thresholds), then merged into the file's row groups in TS
 * order.  For the keys that contain TS (OHLC, order book, trades without
 * tids) every row sharing a key shares its TS, so a chunk that holds every
 * file row and every P row of its TS values folds exactly on its own: the
 * rows of a row group's last TS are held back into the next chunk while a
 * later row group may continue that TS.  For trades keyed on tid, file rows
 * whose tid occurs in P are dropped (a hash set over P) and the rest merged
 * by TS; this needs a file without duplicate tids, which is what dccd's
 * checkpoint records (dccd.unique_keys lists "tid").  Ties keep
 * the fold's order: file rows first, then segment rows in save order.
 *
 * Anything else (row groups without TS statistics or overlapping, trades
 * whose key changes between saves, a tid-keyed file not written by a dccd
 * checkpoint) reads the period whole, as the seed would.
 */

typedef struct period_src {
    dccd_table *segs;    /* pending segments beyond the file's wal mark, in order */
    size_t nseg;
    dccd_pq_file *f;     /* NULL: no file, or unreadable (warned) */
    dccd_canon_map m;
} period_src;

static void period_src_free(period_src *ps)
{
    for (size_t i = 0; i < ps->nseg; i++)
        dccd_table_free(&ps->segs[i]);
    free(ps->segs);
    ps->segs = NULL;
    ps->nseg = 0;
    if (ps->f)
        dccd_pq_close(ps->f);
    ps->f = NULL;
}

static int period_src_open(dccd_store *s, const dccd_period *p, period_src *ps, dccd_error *err)
{
    memset(ps, 0, sizeof *ps);
    int rc = DCCD_OK;
    for (int attempt = 0; attempt < 8; attempt++) {
        period_src_free(ps);
        dccd_segment *segs = NULL;
        size_t n = 0;
        if ((rc = dccd_wal_list(s, p, &segs, &n, err)))
            return rc;
        ps->segs = n ? calloc(n, sizeof *ps->segs) : NULL;
        char(*bases)[DCCD_IDENT_MAX] = n ? calloc(n, sizeof *bases) : NULL;
        if (n && (!ps->segs || !bases)) {
            free(bases);
            free(segs);
            return DCCD_ENOMEM_MSG(err);
        }
        bool vanished = false;
        /* segments first, then the file: a checkpoint in between shows as a
         * vanished segment (retry) or a file whose mark covers them */
        for (size_t i = 0; i < n && !rc; i++) {
            rc = dccd_wal_read_base(s, p, &segs[i], &ps->segs[i], NULL, bases[i], err);
            if (rc == DCCD_ENOTFOUND) {
                dccd_error_clear(err);
                rc = DCCD_OK;
                vanished = true;
                break;
            }
            if (!rc)
                ps->nseg++;
        }
        if (rc || vanished) {
            free(bases);
            free(segs);
            if (rc)
                break;
            continue;
        }
        dccd_error fe;
        int frc = dccd_period_open_file(s, p, &ps->f, &fe);
        if (!frc && ps->f)
            frc = dccd_store_map_file(s, ps->f, p->type, &ps->m, &fe);
        if (frc == DCCD_ENOMEM) {
            free(bases);
            free(segs);
            rc = dccd_err_set(err, frc, "%s", fe.msg);
            break;
        }
        if (frc) {
            dccd_store_warn(s, "skipping unreadable file: %s", fe.msg);
            if (ps->f)
                dccd_pq_close(ps->f);
            ps->f = NULL;
        }
        uint64_t applied = ps->f ? dccd_wal_applied(ps->f) : 0;
        size_t first = 0;
        while (first < ps->nseg && segs[first].seq <= applied)
            first++;
        if (!frc) {
            char ident[DCCD_IDENT_MAX];
            dccd_period_ident(ps->f, ident);
            for (size_t i = first; i < ps->nseg && !rc; i++)
                rc = dccd_segment_base_check(s, p, segs[i].name, bases[i], ident, err);
        }
        free(bases);
        if (rc) {
            free(segs);
            break;
        }
        for (size_t i = 0; i < first; i++)
            dccd_table_free(&ps->segs[i]);
        if (first)
            memmove(ps->segs, ps->segs + first, (ps->nseg - first) * sizeof *ps->segs);
        ps->nseg -= first;
        free(segs);
        return DCCD_OK;
    }
    period_src_free(ps);
    return rc;
}

/* The fold's key for file + segments, or false when it is not fixed. */
static bool fold_mode(const period_src *ps, dccd_data_type type, dccd_key_mode *mode)
{
    if (type == DCCD_OHLC) {
        *mode = DCCD_KEY_TS;
        return true;
    }
    if (type == DCCD_ORDERBOOK) {
        *mode = DCCD_KEY_BOOK;
        return true;
    }
    int64_t fnull = 0;
    if (ps->f) {
        int tc = ps->m.src[TR_TID];
        for (int rg = 0; rg < dccd_pq_num_row_groups(ps->f); rg++) {
            if (tc < 0) {
                fnull += dccd_pq_row_group_rows(ps->f, rg);
                continue;
            }
            dccd_pq_chunk_info ci;
            if (dccd_pq_chunk(ps->f, rg, tc, &ci, NULL) != DCCD_OK || !ci.stats.has_null_count)
                return false;
            fnull += ci.stats.null_count;
        }
    }
    bool no_nulls = fnull == 0, later_all_null = true;
    for (size_t i = 0; i < ps->nseg; i++) {
        const dccd_pq_column *c = &ps->segs[i].cols[TR_TID];
        size_t nn = 0;
        for (size_t r = 0; r < ps->segs[i].nrows; r++)
            nn += !dccd_col_valid(c, r);
        if (nn)
            no_nulls = false;
        if (nn != ps->segs[i].nrows)
            later_all_null = false;
    }
    if (no_nulls) {
        *mode = DCCD_KEY_TID;
        return true;
    }
    if (later_all_null) { /* some null somewhere, every later part all-null */
        *mode = DCCD_KEY_COMPOSITE;
        return true;
    }
    return false;
}

typedef struct stream_ctx {
    dccd_scan_take_fn cb;
    void *ctx;
    bool fold;            /* pending segments: chunks are folded */
    dccd_key_mode mode;
} stream_ctx;

static int emit(stream_ctx *sc, dccd_table *frows, const dccd_table *prows, dccd_error *err)
{
    if (!sc->fold) {
        int rc = sort_by_ts(frows, err);
        return rc || frows->nrows == 0 ? rc : sc->cb(sc->ctx, frows, err);
    }
    if (frows->nrows + prows->nrows == 0)
        return DCCD_OK;
    const dccd_table *two[2] = {frows, prows};
    dccd_table out;
    int rc = dccd_merge_keyed(two, 2, sc->mode, &out, err);
    if (rc)
        return rc;
    if (out.nrows)
        rc = sc->cb(sc->ctx, &out, err);
    dccd_table_free(&out);
    return rc;
}

/* Index of the first row of a TS-sorted table with TS >= x (from lo). */
static size_t lower_bound(const dccd_table *t, size_t lo, int64_t x)
{
    const int64_t *ts = t->cols[0].values;
    size_t hi = t->nrows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ts[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Whole-period fallback: fold (or rows as stored), filter, sort, one chunk. */
static int period_whole(dccd_store *s, const dccd_period *p, int64_t start, int64_t end, dccd_scan_take_fn cb,
                        void *ctx, dccd_error *err)
{
    dccd_table t;
    int rc = period_rows(s, p, true, true, start, end, &t, err);
    if (rc)
        return rc;
    rc = filter_range(&t, start, end, err);
    if (!rc)
        rc = sort_by_ts(&t, err);
    if (!rc && t.nrows)
        rc = cb(ctx, &t, err);
    dccd_table_free(&t);
    return rc;
}

/* Row groups of a period decoded at once by stream_period (with a pool). */
#define STREAM_WINDOW 8

static int stream_period(dccd_store *s, const dccd_period *p, int64_t start, int64_t end, bool ts_only,
                         dccd_scan_take_fn cb, void *ctx, bool *skipped, dccd_error *err)
{
    period_src ps;
    int rc = period_src_open(s, p, &ps, err);
    if (rc)
        return rc;
    stream_ctx sc = {cb, ctx, ps.nseg > 0, DCCD_KEY_TS};
    bool ok = true;
    if (sc.fold) {
        ok = fold_mode(&ps, p->type, &sc.mode);
        if (ok && sc.mode == DCCD_KEY_TID && ps.f && !dccd_file_unique_under(ps.f, "tid"))
            ok = false; /* not known to be free of duplicate tids */
    }
    int nrg = ps.f ? dccd_pq_num_row_groups(ps.f) : 0;
    int *sel = nrg ? dccd_malloc_array((size_t)nrg, sizeof *sel) : NULL;
    if (nrg && !sel) {
        period_src_free(&ps);
        return DCCD_ENOMEM_MSG(err);
    }
    int nsel = 0;
    int64_t prev_hi = INT64_MIN;
    for (int rg = 0; ok && rg < nrg; rg++) {
        if (dccd_pq_row_group_rows(ps.f, rg) == 0)
            continue;
        int64_t a, b;
        if (!dccd_canon_rg_ts_range(ps.f, &ps.m, rg, &a, &b) || a < prev_hi) {
            ok = false; /* no statistics, or row groups out of order */
            break;
        }
        prev_hi = b;
        if (b >= start && a <= end)
            sel[nsel++] = rg;
    }
    if (!ok) {
        free(sel);
        period_src_free(&ps);
        return period_whole(s, p, start, end, cb, ctx, err);
    }
    /* ts_only is exact for the keys containing TS (a dropped row always
     * leaves a row with its TS); tid keys need the tid column */
    bool tsonly = ts_only && !(sc.fold && sc.mode == DCCD_KEY_TID);
    dccd_table P, carry, rows, cur;
    dccd_table_init(&P, p->type);
    dccd_table_init(&carry, p->type);
    dccd_table_init(&rows, p->type);
    dccd_table_init(&cur, p->type);
    dccd_key_set ks = {NULL, 0, NULL, DCCD_KEY_TS};
    size_t pj = 0, pend = 0;
    if (sc.fold) {
        const dccd_table **pp = dccd_malloc_array(ps.nseg, sizeof *pp);
        if (!pp) {
            rc = DCCD_ENOMEM_MSG(err);
            goto done;
        }
        for (size_t i = 0; i < ps.nseg; i++)
            pp[i] = &ps.segs[i];
        rc = dccd_merge_keyed(pp, ps.nseg, sc.mode, &P, err);
        free(pp);
        if (rc)
            goto done;
        for (size_t i = 0; i < ps.nseg; i++)
            dccd_table_free(&ps.segs[i]);
        if (sc.mode == DCCD_KEY_TID && (rc = dccd_key_set_build(&ks, &P, sc.mode, err)))
            goto done;
        pj = lower_bound(&P, 0, start);
        pend = end == INT64_MAX ? P.nrows : lower_bound(&P, pj, end + 1);
    }
    /* row groups decode win at a time (the pool's threads, at most
     * STREAM_WINDOW): their columns are one batch of tasks, so both cores
     * stay busy across row-group boundaries; memory stays bounded by win
     * decoded row groups */
    int win = dccd_pool_threads(ps.m.pool); /* 1 without a pool */
    if (win > STREAM_WINDOW)
        win = STREAM_WINDOW;
    dccd_table wt[STREAM_WINDOW];
    int wrc[STREAM_WINDOW];
    dccd_error werr[STREAM_WINDOW];
    int wlo = 0, whi = 0; /* decoded row groups sel[wlo .. whi) are in wt[k - wlo] */
    for (int k = 0; k < nsel && !rc; k++) {
        if (k >= whi) {
            wlo = k; /* every table of the last window was moved out */
            whi = k + win < nsel ? k + win : nsel;
            if ((rc = dccd_canon_read_rg_ranges(ps.f, &ps.m, sel + wlo, whi - wlo, tsonly, start, end, wt, wrc, werr,
                                                err))) {
                whi = wlo;
                break;
            }
        }
        int frc = wrc[k - wlo];
        const dccd_error *fe = &werr[k - wlo];
        if (!frc)
            dccd_table_move(&rows, &wt[k - wlo]);
        if (frc == DCCD_ENOMEM) {
            rc = dccd_err_set(err, frc, "%s", fe->msg);
            break;
        }
        if (frc) {
            dccd_store_warn(s, "skipping the rest of unreadable file: %s", fe->msg);
            if (skipped)
                *skipped = true;
            break;
        }
        if ((rc = filter_range(&rows, start, end, err)) || (rc = sort_by_ts(&rows, err)))
            break;
        if (!sc.fold) {
            rc = emit(&sc, &rows, &P, err);
            dccd_table_free(&rows);
            continue;
        }
        if (sc.mode == DCCD_KEY_TID && ks.slots) {
            /* file rows whose tid a pending save replaces are dropped */
            size_t *idx = dccd_malloc_array(rows.nrows ? rows.nrows : 1, sizeof *idx), m = 0;
            if (!idx) {
                rc = DCCD_ENOMEM_MSG(err);
                break;
            }
            for (size_t i = 0; i < rows.nrows; i++)
                if (!dccd_key_set_has(&ks, &rows, i))
                    idx[m++] = i;
            if (m != rows.nrows) {
                dccd_table g;
                if ((rc = dccd_table_gather(&rows, idx, m, &g, err)) == DCCD_OK)
                    dccd_table_move(&rows, &g);
            }
            free(idx);
            if (rc)
                break;
        }
        if (carry.nrows) {
            const dccd_table *two[2] = {&carry, &rows};
            if ((rc = dccd_table_concat(two, 2, &cur, err)))
                break;
            dccd_table_free(&carry);
            dccd_table_free(&rows);
        } else {
            dccd_table_free(&carry); /* an empty slice still owns buffers */
            dccd_table_move(&cur, &rows);
        }
        if (cur.nrows == 0) {
            dccd_table_free(&cur);
            continue;
        }
        /* hold back the rows of the last TS while a later row group may
         * continue it; emit the rest with the pending rows before it */
        bool last = k == nsel - 1;
        size_t q = cur.nrows;
        int64_t cut = INT64_MAX;
        if (!last) {
            cut = ((const int64_t *)cur.cols[0].values)[cur.nrows - 1];
            q = lower_bound(&cur, 0, cut);
        }
        size_t pe = last ? pend : lower_bound(&P, pj, cut);
        if (pe > pend)
            pe = pend;
        dccd_table f0, p0;
        dccd_table_init(&f0, p->type);
        dccd_table_init(&p0, p->type);
        rc = dccd_table_slice(&cur, 0, q, &f0, err);
        if (!rc)
            rc = dccd_table_slice(&cur, q, cur.nrows, &carry, err);
        if (!rc)
            rc = dccd_table_slice(&P, pj, pe, &p0, err);
        if (!rc)
            rc = emit(&sc, &f0, &p0, err);
        pj = pe;
        dccd_table_free(&f0);
        dccd_table_free(&p0);
        dccd_table_free(&cur);
    }
    if (!rc && sc.fold && (carry.nrows || pj < pend)) {
        dccd_table p0;
        if ((rc = dccd_table_slice(&P, pj, pend, &p0, err)) == DCCD_OK) {
            rc = emit(&sc, &carry, &p0, err);
            dccd_table_free(&p0);
        }
    }
    for (int j = 0; j < whi - wlo; j++) /* decoded but not used: a failure or an early stop */
        dccd_table_free(&wt[j]);
done:
    dccd_key_set_free(&ks);
    dccd_table_free(&P);
    dccd_table_free(&carry);
    dccd_table_free(&rows);
    dccd_table_free(&cur);
    free(sel);
    period_src_free(&ps);
    return rc;
}

static int scan_impl(dccd_store *s, const dccd_dataset *ds, int64_t start, int64_t end, bool ts_only,
                     dccd_scan_take_fn cb, void *ctx, dccd_error *err)
{
    int rc = dccd_dataset_validate(ds, err);
    if (rc)
        return rc;
    period_list pl;
    if ((rc = list_periods(s, ds, &pl, err)))
        return rc;
    for (size_t i = 0; i < pl.n && !rc; i++) {
        dccd_period p;
        if ((rc = dccd_period_init(ds, pl.v[i], &p, err)))
            break;
        if (p.end <= start || p.start > end)
            continue; /* skipped by name */
        rc = stream_period(s, &p, start, end, ts_only, cb, ctx, NULL, err);
    }
    free(pl.v);
    return rc;
}

int dccd_store_scan_take(dccd_store *s, const dccd_dataset *ds, int64_t start, int64_t end, dccd_scan_take_fn cb,
                         void *ctx, dccd_error *err)
{
    return scan_impl(s, ds, start, end, false, cb, ctx, err);
}

typedef struct borrow_ctx {
    dccd_scan_fn cb;
    void *ctx;
} borrow_ctx;

static int borrow_cb(void *vctx, dccd_table *chunk, dccd_error *err)
{
    borrow_ctx *b = vctx;
    return b->cb(b->ctx, chunk, err);
}

int dccd_store_scan(dccd_store *s, const dccd_dataset *ds, int64_t start, int64_t end, dccd_scan_fn cb, void *ctx,
                    dccd_error *err)
{
    borrow_ctx b = {cb, ctx};
    return scan_impl(s, ds, start, end, false, borrow_cb, &b, err);
}

typedef struct collect_ctx {
    dccd_table *parts;
    size_t n, cap;
} collect_ctx;

static int collect_cb(void *vctx, dccd_table *chunk, dccd_error *err)
{
    collect_ctx *c = vctx;
    dccd_table *np = dccd_array_grow(c->parts, &c->cap, c->n, sizeof *np, 16);
    if (!np)
        return DCCD_ENOMEM_MSG(err);
    c->parts = np;
    /* the chunk is handed over: kept as it is, no copy */
    dccd_table_init(&c->parts[c->n], chunk->type);
    dccd_table_move(&c->parts[c->n++], chunk);
    return DCCD_OK;
}

int dccd_store_load_chunks(dccd_store *s, const dccd_dataset *ds, int64_t start, int64_t end, dccd_table **chunks,
                           size_t *n, dccd_error *err)
{
    collect_ctx c = {NULL, 0, 0};
    int rc = dccd_store_scan_take(s, ds, start, end, collect_cb, &c, err);
    if (rc) {
        for (size_t i = 0; i < c.n; i++)
            dccd_table_free(&c.parts[i]);
        free(c.parts);
        c.parts = NULL;
        c.n = 0;
    }
    *chunks = c.parts;
    *n = c.n;
    return rc;
}

int dccd_store_load(dccd_store *s, const dccd_dataset *ds, int64_t start, int64_t end, dccd_table *out,
                    dccd_error *err)
{
    collect_ctx c = {NULL, 0, 0};
    int rc = dccd_store_scan_take(s, ds, start, end, collect_cb, &c, err);
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

int dccd_file_ts_range(dccd_pq_file *f, dccd_data_type type, bool *has, int64_t *lo, int64_t *hi, dccd_error *err)
{
    *has = false;
    dccd_canon_map m;
    int rc = dccd_canon_map_file(f, type, &m, err);
    if (rc)
        return rc;
    period_summary ps;
    memset(&ps, 0, sizeof ps);
    for (int rg = 0; rg < dccd_pq_num_row_groups(f); rg++) {
        if (dccd_pq_row_group_rows(f, rg) == 0)
            continue;
        int64_t a, b;
        if (dccd_canon_rg_ts_range(f, &m, rg, &a, &b)) {
            summ_ts(&ps, a, b);
            continue;
        }
        dccd_table t;
        if ((rc = dccd_canon_read_rg(f, &m, rg, true, &t, err)))
            return rc;
        const int64_t *ts = t.cols[0].values;
        for (size_t i = 0; i < t.nrows; i++)
            if (dccd_col_valid(&t.cols[0], i))
                summ_ts(&ps, ts[i], ts[i]);
        dccd_table_free(&t);
    }
    *has = ps.has_ts;
    *lo = ps.min_ts;
    *hi = ps.max_ts;
    return DCCD_OK;
}

/* TS range of a whole file from footers, into ps. */
static int file_ts_summary(dccd_pq_file *f, dccd_data_type type, period_summary *ps, dccd_error *err)
{
    bool has;
    int64_t a, b;
    int rc = dccd_file_ts_range(f, type, &has, &a, &b, err);
    if (!rc && has)
        summ_ts(ps, a, b);
    return rc;
}

static int period_summary_once(dccd_store *s, const dccd_period *p, period_summary *ps, dccd_error *err);

/* The file is read before the segments: a checkpoint and a save in between
 * would show as a segment saved over another file; read again then. */
static int period_summary_of(dccd_store *s, const dccd_period *p, period_summary *ps, dccd_error *err)
{
    int rc = DCCD_OK;
    for (int attempt = 0; attempt < 4; attempt++) {
        rc = period_summary_once(s, p, ps, err);
        if (rc != DCCD_ESTATE)
            break;
    }
    return rc;
}

static int period_summary_once(dccd_store *s, const dccd_period *p, period_summary *ps, dccd_error *err)
{
    memset(ps, 0, sizeof *ps);
    dccd_pq_file *f = NULL;
    int rc = dccd_period_open_file(s, p, &f, err);
    if (rc)
        return rc;
    uint64_t applied = 0;
    char ident[DCCD_IDENT_MAX];
    dccd_period_ident(f, ident);
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
        const char *base = dccd_pq_kv_get(sf, DCCD_BASE_KEY);
        if ((rc = dccd_segment_base_check(s, p, segs[i].name, base ? base : "", ident, err))) {
            dccd_pq_close(sf);
            break;
        }
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
    dccd_str_set seen = {NULL, 0, NULL};
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
    if ((rc = dccd_str_set_init(&seen, tid, all.nrows, err)))
        goto done;
    int fcol = -1;
    if (f)
        for (int c = 0; c < dccd_pq_num_columns(f); c++)
            if (strcmp(dccd_pq_column_info_at(f, c)->name, "tid") == 0)
                fcol = c;
    int nrg = f ? dccd_pq_num_row_groups(f) : 0;
    for (size_t i = 0; i < all.nrows; i++) {
        if (!dccd_col_valid(tid, i))
            continue;
        if (!dccd_str_set_add(&seen, i))
            goto done; /* a tid twice among the pending rows */
        const uint8_t *v = tid->data + tid->offsets[i];
        size_t len = (size_t)(tid->offsets[i + 1] - tid->offsets[i]);
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
    dccd_str_set_free(&seen);
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
        if ((rc = dccd_period_init(ds, pl.v[i], &p, err)))
            break;
        period_summary ps;
        dccd_error e2;
        int src = period_summary_of(s, &p, &ps, &e2);
        if (src == DCCD_ESTATE) { /* a replaced file: refused, not skipped */
            rc = dccd_err_set(err, src, "%s", e2.msg);
            break;
        }
        if (src != DCCD_OK)
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
    free(pl.v);
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

/* Rows of a period's TS-only stream: its distinct TS for OHLC (the file is
 * de-duplicated on TS, pending segments are folded). */
static int count_cb(void *ctx, dccd_table *chunk, dccd_error *err)
{
    (void)err;
    *(int64_t *)ctx += (int64_t)chunk->nrows;
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
        int src = dccd_period_init(ds, label, &p, NULL);
        if (src == DCCD_OK && (src = period_summary_of(s, &p, &ps, err)) == DCCD_ESTATE) {
            rc = src; /* a replaced file: refused, not taken for missing */
            break;
        }
        dccd_error_clear(err);
        if (src == DCCD_OK && (ps.has_file || ps.pending)) {
            /* From footers: a year's range is its TS statistics, its
             * completeness its row count.  A period file a checkpoint found
             * unreadable (its pages damaged under a valid footer: recorded in
             * the log, dccd_period_mark_unreadable) is a missing year, as the
             * seed, which reads the TS column, reports it.  Damage no dccd
             * reader has met yet is found by verify, load and the next
             * checkpoint, not here: this question never reads a column of a
             * clean file (docs/STORE.md, "Metadata from footers"). */
            bool bad = false;
            int wfd = -1;
            if (ps.has_file && dccd_dir_open(s->rootfd, p.waldir, false, &wfd, NULL) == DCCD_OK) {
                dccd_error be;
                dccd_period_check_unreadable(s, &p, wfd, false, &bad, &be);
                close(wfd);
                if (bad) {
                    dccd_store_warn(s, "missing_intervals: %s/%s taken for missing: %s", p.dsdir, p.file, be.msg);
                    rc = push_interval(out, n, &cap, a, b, err);
                    continue;
                }
            }
            if (year < now.year) {
                int64_t count = ps.rows; /* the file is de-duplicated on TS */
                if (ps.pending) {
                    /* the fold's distinct TS, streamed, TS only */
                    dccd_error se;
                    bool skipped = false;
                    count = 0;
                    int trc = stream_period(s, &p, p.start, p.end - 1, true, count_cb, &count, &skipped, &se);
                    if (trc == DCCD_ENOMEM || trc == DCCD_ESTATE) {
                        rc = dccd_err_set(err, trc, "%s", se.msg);
                        break;
                    }
                    if (trc != DCCD_OK || skipped)
                        count = 0; /* unreadable: not complete */
                }
                if (count >= (ye - ys) / span_ns)
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

static int holes_cb(void *vctx, dccd_table *chunk, dccd_error *err)
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
    /* the TS column only, row groups in range only, merged with pending
     * segments (see stream_period) */
    int rc = scan_impl(s, ds, start, end, true, holes_cb, &h, err);
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
