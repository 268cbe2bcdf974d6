/*
 * src/store/checkpoint.c - folding a period's pending segments into its
 * period file.
 *
 * The caller holds the period lock.  The new period file is written beside
 * the old one and renamed over it (dccd_atomic_*), then the folded segments
 * are deleted; the new file records the highest folded sequence number
 * ("dccd.wal_applied") so a crash between the rename and the deletes never
 * applies a segment twice.
 *
 * Fast path (the usual append): the period file's row groups are sorted by
 * TS (footer statistics).  Every row group that ends before the first
 * pending TS, and (trades keyed on tid) holds none of the pending tids -
 * proven by its bloom filter, or by reading its tid column on a bloom hit -
 * is copied raw into the new file: no decode, no re-encode.  The rest of
 * the file (plus a trailing small row group, so appends compact into full
 * row groups) is decoded, folded with the segments and re-encoded.
 *
 * Full path (legacy v2 files, files without TS statistics or with a
 * non-canonical schema, trades whose tid key changes between saves): the
 * whole file is read, folded with the segments and rewritten canonically.
 *
 * An unreadable period file stops the checkpoint with an error: it is never
 * replaced by data that could not include its rows.  When its pages cannot
 * be decoded (the footer read), the checkpoint records that in the log
 * directory (dccd_period_mark_unreadable) so that the next save refuses
 * at once instead of adding rows that can never be folded.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/pool.h"
#include "store/store_int.h"

bool dccd_schema_is_canonical(dccd_pq_file *f, dccd_data_type type, bool need_optional)
{
    int n = dccd_schema_ncols(type);
    if (dccd_pq_num_columns(f) != n)
        return false;
    for (int c = 0; c < n; c++) {
        const dccd_pq_column_info *ci = dccd_pq_column_info_at(f, c);
        if (strcmp(ci->name, dccd_schema_col_name(type, c)) != 0 || ci->type != dccd_schema_col_type(type, c) ||
            (need_optional && !ci->optional))
            return false;
    }
    return true;
}

/* The tids of the pending rows, for exact membership checks, with their
 * smallest and largest in Parquet's BYTE_ARRAY order (unsigned bytes, a
 * prefix first; lo_row == SIZE_MAX when no tid is pending). */
typedef struct tid_set {
    dccd_str_set set;
    size_t lo_row, hi_row;
} tid_set;

/* Parquet's unsigned lexicographic order of byte strings. */
static int bytes_order(const uint8_t *a, size_t la, const uint8_t *b, size_t lb)
{
    int c = memcmp(a, b, la < lb ? la : lb);
    if (c)
        return c;
    return la < lb ? -1 : la > lb;
}

static int tid_set_build(tid_set *s, const dccd_pq_column *col, size_t n, dccd_error *err)
{
    int rc = dccd_str_set_init(&s->set, col, n, err);
    if (rc)
        return rc;
    s->lo_row = s->hi_row = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        if (!dccd_col_valid(col, i))
            continue;
        const uint8_t *v = col->data + col->offsets[i];
        size_t len = (size_t)(col->offsets[i + 1] - col->offsets[i]);
        if (s->lo_row == SIZE_MAX) {
            s->lo_row = s->hi_row = i;
        } else {
            const uint8_t *lo = col->data + col->offsets[s->lo_row], *hi = col->data + col->offsets[s->hi_row];
            if (bytes_order(v, len, lo, (size_t)(col->offsets[s->lo_row + 1] - col->offsets[s->lo_row])) < 0)
                s->lo_row = i;
            else if (bytes_order(v, len, hi, (size_t)(col->offsets[s->hi_row + 1] - col->offsets[s->hi_row])) > 0)
                s->hi_row = i;
        }
        dccd_str_set_add(&s->set, i); /* a tid already in is already found */
    }
    return DCCD_OK;
}

/* Might row group rg of f hold one of the tids of `pend`? */
static int rg_tid_collides(dccd_pq_file *f, int rg, int tidcol, const dccd_table *pend, const tid_set *set,
                           bool *hit, dccd_error *err)
{
    *hit = false;
    const dccd_pq_column *tc = &pend->cols[TR_TID];
    if (set->lo_row == SIZE_MAX)
        return DCCD_OK; /* no tid pending */
    /* the row group's tid statistics (exact bounds, or a truncated min
     * prefix and a rounded-up max: bounds either way): pending tids outside
     * them cannot occur in it.  Trade ids of one exchange and day mostly
     * have one length, so a day's later tids lie above every earlier row
     * group's max and the whole range test settles it at once. */
    const uint8_t *rmin = NULL, *rmax = NULL;
    size_t rmin_len = 0, rmax_len = 0;
    dccd_pq_chunk_info ci;
    if (dccd_pq_chunk(f, rg, tidcol, &ci, NULL) == DCCD_OK && ci.stats.has_min && ci.stats.has_max) {
        rmin = ci.stats.min, rmin_len = ci.stats.min_len;
        rmax = ci.stats.max, rmax_len = ci.stats.max_len;
        const uint8_t *plo = tc->data + tc->offsets[set->lo_row], *phi = tc->data + tc->offsets[set->hi_row];
        size_t plo_len = (size_t)(tc->offsets[set->lo_row + 1] - tc->offsets[set->lo_row]);
        size_t phi_len = (size_t)(tc->offsets[set->hi_row + 1] - tc->offsets[set->hi_row]);
        if (bytes_order(phi, phi_len, rmin, rmin_len) < 0 || bytes_order(plo, plo_len, rmax, rmax_len) > 0)
            return DCCD_OK;
    }
    bool maybe = false;
    for (size_t i = 0; i < pend->nrows && !maybe; i++) {
        if (!dccd_col_valid(tc, i))
            continue;
        if (rmin) {
            const uint8_t *v = tc->data + tc->offsets[i];
            size_t len = (size_t)(tc->offsets[i + 1] - tc->offsets[i]);
            if (bytes_order(v, len, rmin, rmin_len) < 0 || bytes_order(v, len, rmax, rmax_len) > 0)
                continue;
        }
        int res;
        int rc = dccd_pq_bloom_check(f, rg, tidcol, tc->data + tc->offsets[i],
                                     (size_t)(tc->offsets[i + 1] - tc->offsets[i]), &res, err);
        if (rc)
            return rc;
        if (res != 0)
            maybe = true; /* a bloom hit, or no bloom filter */
    }
    if (!maybe)
        return DCCD_OK;
    dccd_pq_column col;
    int rc = dccd_pq_read_column(f, rg, tidcol, &col, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < col.n && !*hit; i++)
        if (dccd_col_valid(&col, i) &&
            dccd_str_set_has(&set->set, col.data + col.offsets[i], (size_t)(col.offsets[i + 1] - col.offsets[i])))
            *hit = true;
    dccd_pq_column_free(&col);
    return DCCD_OK;
}

static int64_t tid_nulls_in_file(dccd_pq_file *f, int tidcol, bool *known)
{
    int64_t total = 0;
    *known = true;
    for (int rg = 0; rg < dccd_pq_num_row_groups(f); rg++) {
        dccd_pq_chunk_info ci;
        if (dccd_pq_chunk(f, rg, tidcol, &ci, NULL) != DCCD_OK || !ci.stats.has_null_count) {
            *known = false;
            return 0;
        }
        total += ci.stats.null_count;
    }
    return total;
}

static size_t table_tid_nulls(const dccd_table *t)
{
    size_t n = 0;
    for (size_t i = 0; i < t->nrows; i++)
        n += !dccd_col_valid(&t->cols[TR_TID], i);
    return n;
}

/* The checkpoint's duplicate checks (dccd.unique): task 0 counts rows
 * duplicated under the composite key, task 1 under tid. */
typedef struct dup_check {
    const dccd_table *rows;
    size_t ndup[2];
    dccd_pool *pool;
} dup_check;

static int dup_task(void *vctx, size_t task, int worker, dccd_error *err)
{
    (void)worker;
    dup_check *c = vctx;
    size_t first;
    return dccd_table_duplicates_pool(c->rows, task ? DCCD_KEY_TID : DCCD_KEY_COMPOSITE, c->pool, &c->ndup[task],
                                      &first, err);
}

/* Is the trades period file f known to hold each key of mode `which`
 * ("tid" / "composite") once?  Recorded by the checkpoint that wrote it
 * (dccd.unique_keys); unknown for other files.  The trades key of the seed
 * changes with null tids, so a file written under one key may hold
 * duplicates under the other: raw row-group copies under a key are only
 * right when the file is unique under it. */
bool dccd_file_unique_under(dccd_pq_file *f, const char *which)
{
    const char *v = dccd_pq_kv_get(f, DCCD_UNIQUE_KEYS_KEY);
    if (!v)
        return false;
    size_t n = strlen(which);
    for (const char *q = v; (q = strstr(q, which)) != NULL; q += n)
        if ((q == v || q[-1] == ',') && (q[n] == '\0' || q[n] == ','))
            return true;
    return false;
}

/* Write the new period file: row groups [0, ncopy) of f raw, then rows. */
static int write_period(dccd_store *s, const dccd_period *p, dccd_pq_file *f, int ncopy, const dccd_table *rows,
                        const char *prov_json, uint64_t applied, const char *unique, dccd_checkpoint_report *rep,
                        dccd_error *err)
{
    int dfd;
    int rc = dccd_dir_open(s->rootfd, p->dsdir, true, &dfd, err);
    if (rc)
        return rc;
    char what[DCCD_REL_MAX + 160], seqtxt[24];
    snprintf(what, sizeof what, "%s/%s/%s", s->root, p->dsdir, p->file);
    snprintf(seqtxt, sizeof seqtxt, "%" PRIu64, applied);
    dccd_pq_kv kv[5];
    size_t nkv = 0;
    char id[17];
    dccd_new_file_id(id);
    kv[nkv++] = (dccd_pq_kv){DCCD_SCHEMA_VERSION_KEY, "3"};
    kv[nkv++] = (dccd_pq_kv){DCCD_WAL_APPLIED_KEY, seqtxt};
    kv[nkv++] = (dccd_pq_kv){DCCD_FILE_ID_KEY, id};
    if (prov_json)
        kv[nkv++] = (dccd_pq_kv){DCCD_PROVENANCE_KEY, prov_json};
    if (unique && *unique)
        kv[nkv++] = (dccd_pq_kv){DCCD_UNIQUE_KEYS_KEY, unique};
    rc = dccd_store_write_table(s, dfd, p->file, what, s->opts.codec, f, ncopy, rows, kv, nkv, err);
    close(dfd);
    if (!rc && rep) {
        rep->periods++;
        rep->row_groups_copied += (size_t)ncopy;
    }
    return rc;
}

/* Which keys a folded trades table is unique under (dccd.unique): the tid
 * check (skipped when the fold was keyed by tid: unique by construction)
 * and the composite one, run as two tasks. */
static int unique_keys(dccd_store *s, const dccd_table *rows, bool tid_folded, const char **unique, dccd_error *err)
{
    dup_check dc = {rows, {1, 1}, dccd_store_pool(s)};
    size_t ntasks = 1;
    if (tid_folded)
        dc.ndup[1] = 0;
    else if (table_tid_nulls(rows) == 0)
        ntasks = 2;
    int rc = dccd_pool_run(dc.pool, ntasks, dup_task, &dc, err);
    if (rc)
        return rc;
    size_t nd_comp = dc.ndup[0], nd_tid = dc.ndup[1];
    *unique = nd_tid == 0 && nd_comp == 0 ? "tid,composite" : nd_tid == 0 ? "tid" : nd_comp == 0 ? "composite" : NULL;
    return DCCD_OK;
}

/* Crash leftovers: temporary files of writers that are gone, in the
 * period's segment directory and (of this period's file only: other
 * periods' writers hold other locks) its dataset directory.  The caller
 * holds the period lock. */
static void remove_dead_temps(dccd_store *s, const dccd_period *p)
{
    int fd;
    if (dccd_dir_open(s->rootfd, p->dsdir, false, &fd, NULL) == DCCD_OK) {
        dccd_remove_stale_temps(fd, p->file, 3600);
        close(fd);
    }
    if (dccd_dir_open(s->rootfd, p->waldir, false, &fd, NULL) == DCCD_OK) {
        dccd_remove_stale_temps(fd, NULL, 3600);
        close(fd);
    }
}

/* A save's rows written as the period file directly: the period has no
 * file and no pending segment, and the save would fold at once (the
 * caller checked, holding the period lock).  The file is the one a
 * segment and its checkpoint would make (the rows folded alone, the same
 * footer keys; applied mark 0: no segment was ever applied), without
 * writing the segment and reading it back. */
int dccd_checkpoint_rows_locked(dccd_store *s, const dccd_period *p, const dccd_table *rows,
                                const dccd_provenance *prov, dccd_error *err)
{
    dccd_pcache_log_drop(s, p);
    dccd_table empty, merged;
    dccd_table_init(&empty, p->type);
    dccd_table_init(&merged, p->type);
    const dccd_table *two[2] = {&empty, rows};
    char *pj = NULL;
    size_t pjlen;
    int rc = prov ? dccd_provenance_to_json(prov, &pj, &pjlen, err) : DCCD_OK;
    if (!rc)
        rc = dccd_merge_fold_pool(two, 2, dccd_store_pool(s), &merged, err);
    const char *unique = NULL;
    if (!rc && p->type == DCCD_TRADES)
        rc = unique_keys(s, &merged, table_tid_nulls(rows) == 0, &unique, err);
    if (!rc)
        rc = write_period(s, p, NULL, 0, &merged, pj, 0, unique, NULL, err);
    if (!rc)
        remove_dead_temps(s, p);
    dccd_table_free(&merged);
    free(pj);
    return rc;
}

/* One segment read of a checkpoint, done as a pool task. */
typedef struct seg_read {
    int rc;
    dccd_error err;
    char *pj;
    char base[DCCD_IDENT_MAX];
} seg_read;

typedef struct seg_reads {
    dccd_store *s;
    const dccd_period *p;
    const dccd_segment *segs;
    dccd_table *out;
    seg_read *res;
} seg_reads;

static int seg_read_task(void *vctx, size_t i, int worker, dccd_error *err)
{
    (void)worker;
    seg_reads *c = vctx;
    seg_read *r = &c->res[i];
    r->rc = dccd_wal_read_base(c->s, c->p, &c->segs[i], &c->out[i], &r->pj, r->base, &r->err);
    if (r->rc == DCCD_ENOMEM) /* no point reading on */
        return dccd_err_set(err, r->rc, "%s", r->err.msg);
    return DCCD_OK;
}

int dccd_checkpoint_locked(dccd_store *s, const dccd_period *p, dccd_checkpoint_report *rep, dccd_error *err)
{
    dccd_pcache_log_drop(s, p); /* the log is about to change */
    dccd_segment *segs = NULL;
    size_t nseg = 0;
    int rc = dccd_wal_list(s, p, &segs, &nseg, err);
    if (rc || nseg == 0) {
        free(segs);
        if (!rc)
            remove_dead_temps(s, p);
        return rc;
    }
    dccd_pq_file *f = NULL;
    if ((rc = dccd_period_open_file(s, p, &f, err))) {
        free(segs);
        if (rc == DCCD_ECORRUPT)
            dccd_period_mark_unreadable(s, p, err ? err->msg : "its footer cannot be read");
        return dccd_err_prefix(err, rc, "checkpoint refused (the period file cannot be read, it is left untouched)");
    }
    bool file_bad = false; /* a read of the period file's pages failed */
    uint64_t applied = f ? dccd_wal_applied(f) : 0;
    size_t first = 0;
    while (first < nseg && segs[first].seq <= applied)
        first++;
    size_t k = nseg - first;
    dccd_table *sparts = calloc(k + 1, sizeof *sparts);
    const dccd_table **pp = calloc(k + 2, sizeof *pp);
    char *prov = NULL;
    dccd_table pend, rows, tail;
    dccd_table_init(&pend, p->type);
    dccd_table_init(&rows, p->type);
    dccd_table_init(&tail, p->type);
    tid_set set = {{NULL, 0, NULL}, SIZE_MAX, SIZE_MAX};
    int64_t *lo = NULL, *hi = NULL;
    if (!sparts || !pp) {
        rc = DCCD_ENOMEM_MSG(err);
        goto done;
    }
    dccd_table_init(&sparts[0], p->type); /* the empty start of a fold of segments alone */
    char ident[DCCD_IDENT_MAX];
    dccd_period_ident(f, ident);
    /* the segments are read as concurrent tasks; their results are then
     * taken in order (the first failing segment's error, the last
     * provenance), as one after another */
    seg_reads sr = {s, p, segs + first, sparts + 1, calloc(k ? k : 1, sizeof *sr.res)};
    if (!sr.res) {
        rc = DCCD_ENOMEM_MSG(err);
        goto done;
    }
    rc = dccd_pool_run(k >= 8 ? dccd_store_pool(s) : NULL, k, seg_read_task, &sr, err);
    for (size_t i = 0; i < k && !rc; i++) {
        seg_read *r = &sr.res[i];
        if (r->pj) {
            free(prov);
            prov = r->pj;
            r->pj = NULL;
        }
        if (r->rc) {
            rc = r->rc;
            if (err)
                *err = r->err;
        } else if ((rc = dccd_segment_base_check(s, p, segs[first + i].name, r->base, ident, err))) {
            rc = dccd_err_prefix(err, rc, "checkpoint refused");
        }
    }
    for (size_t i = 0; i < k; i++)
        free(sr.res[i].pj);
    free(sr.res);
    if (rc)
        goto done;
    if (!prov && f) {
        const char *pv = dccd_pq_kv_get(f, DCCD_PROVENANCE_KEY);
        if (pv && !(prov = dccd_strdup(pv))) {
            rc = DCCD_ENOMEM_MSG(err);
            goto done;
        }
    }
    uint64_t max_seq = segs[nseg - 1].seq > applied ? segs[nseg - 1].seq : applied;
    int64_t seg_rows = 0;
    for (size_t i = 1; i <= k; i++)
        seg_rows += (int64_t)sparts[i].nrows;

    /* ---- can the fast path be used? ---- */
    int ncopy = 0;
    bool fast = f != NULL && k > 0 && dccd_schema_is_canonical(f, p->type, true);
    dccd_canon_map m;
    if (fast && (dccd_store_map_file(s, f, p->type, &m, NULL) != DCCD_OK || m.legacy))
        fast = false;
    int nrg = f ? dccd_pq_num_row_groups(f) : 0;
    if (fast) {
        lo = calloc((size_t)nrg + 1, sizeof *lo);
        hi = calloc((size_t)nrg + 1, sizeof *hi);
        if (!lo || !hi)
            fast = false;
        for (int rg = 0; fast && rg < nrg; rg++) {
            if (!dccd_canon_rg_ts_range(f, &m, rg, &lo[rg], &hi[rg]) && dccd_pq_row_group_rows(f, rg) > 0)
                fast = false;
            if (fast && rg > 0 && lo[rg] < hi[rg - 1])
                fast = false; /* row groups overlap: not sorted */
        }
    }
    bool tid_mode = false, tid_folded = false;
    if (fast && p->type == DCCD_TRADES) {
        bool known;
        int64_t fnulls = tid_nulls_in_file(f, TR_TID, &known);
        size_t snulls = 0;
        bool later_all_null = true;
        for (size_t i = 1; i <= k; i++) {
            size_t nn = table_tid_nulls(&sparts[i]);
            snulls += nn;
            if (nn != sparts[i].nrows)
                later_all_null = false;
        }
        if (!known)
            fast = false;
        else if (fnulls == 0 && snulls == 0)
            tid_mode = true;
        else if (!(later_all_null && (fnulls > 0 || snulls > 0)))
            fast = false; /* the key changes between steps: full path */
        /* copying row groups raw keeps their rows as they are: only right
         * when the file holds each key of this fold once */
        if (fast && !dccd_file_unique_under(f, tid_mode ? "tid" : "composite"))
            fast = false;
    }
    if (fast) {
        /* pend = the segments folded among themselves (keys are fixed) */
        for (size_t i = 1; i <= k; i++)
            pp[i - 1] = &sparts[i];
        if ((rc = dccd_merge_fold_pool(pp, k, dccd_store_pool(s), &pend, err)))
            goto done;
        int64_t smin = pend.nrows ? ((int64_t *)pend.cols[0].values)[0] : INT64_MAX;
        if (tid_mode && (rc = tid_set_build(&set, &pend.cols[TR_TID], pend.nrows, err)))
            goto done;
        while (ncopy < nrg && hi[ncopy] < smin) {
            if (tid_mode) {
                bool hit;
                if ((rc = rg_tid_collides(f, ncopy, TR_TID, &pend, &set, &hit, err))) {
                    file_bad = rc == DCCD_ECORRUPT;
                    goto done;
                }
                if (hit)
                    break;
            }
            ncopy++;
        }
        /* compact a small trailing copied row group into the new rows */
        while (ncopy > 0 && ncopy == nrg &&
               dccd_pq_row_group_rows(f, ncopy - 1) < (int64_t)s->opts.row_group_rows / 2)
            ncopy--;
        /* rows = fold(file row groups [ncopy, nrg), segments) */
        if ((rc = dccd_canon_read_rgs(f, &m, ncopy, nrg, false, 0, 0, &tail, err))) {
            file_bad = rc == DCCD_ECORRUPT;
            rc = dccd_err_prefix(err, rc, "checkpoint refused (the period file cannot be read, it is left untouched)");
            goto done;
        }
        const dccd_table *two[2] = {&tail, &pend};
        if ((rc = dccd_merge_fold_pool(two, 2, dccd_store_pool(s), &rows, err)))
            goto done;
        if (rep)
            rep->row_groups_rewritten += (size_t)(nrg - ncopy);
    } else {
        /* full path: the whole file folded with the segments */
        if (f) {
            dccd_canon_map fm;
            dccd_table all;
            if ((rc = dccd_store_map_file(s, f, p->type, &fm, err)) ||
                (rc = dccd_canon_read_rgs(f, &fm, 0, dccd_pq_num_row_groups(f), false, 0, 0, &all, err))) {
                file_bad = rc == DCCD_ECORRUPT;
                rc = dccd_err_prefix(err, rc, "checkpoint refused (the period file cannot be read, it is left untouched)");
                goto done;
            }
            if (rep)
                rep->row_groups_rewritten += (size_t)dccd_pq_num_row_groups(f);
            dccd_table_free(&sparts[0]);
            sparts[0] = all; /* the fold starts from the file */
        }
        for (size_t i = 0; i <= k; i++)
            pp[i] = &sparts[i];
        if ((rc = dccd_merge_fold_pool(pp, k + 1, dccd_store_pool(s), &rows, err)))
            goto done;
        /* every part free of null tids: dccd_merge_fold keyed the whole
         * fold by tid, so the rows are unique under tid already */
        tid_folded = p->type == DCCD_TRADES;
        for (size_t i = 0; tid_folded && i <= k; i++)
            tid_folded = table_tid_nulls(&sparts[i]) == 0;
    }
    const char *unique = NULL;
    if (p->type == DCCD_TRADES) {
        if (fast) {
            /* copied row groups: unique under this key (checked above) and
             * disjoint from the folded rows, which the fold made unique */
            unique = tid_mode ? "tid" : "composite";
        } else if ((rc = unique_keys(s, &rows, tid_folded, &unique, err))) {
            goto done;
        }
    }
    if ((rc = write_period(s, p, f, ncopy, &rows, prov, max_seq, unique, rep, err)))
        goto done;
    remove_dead_temps(s, p);
    if (rep) {
        rep->segments += k;
        rep->rows += seg_rows;
    }
    /* the new file holds every folded segment: delete them */
    int wfd;
    if (dccd_dir_open(s->rootfd, p->waldir, false, &wfd, NULL) == DCCD_OK) {
        for (size_t i = 0; i < nseg; i++)
            if (segs[i].seq <= max_seq)
                unlinkat(wfd, segs[i].name, 0);
        dccd_remove_stale_temps(wfd, NULL, 3600);
        if (s->opts.durable)
            dccd_fsync(wfd, p->waldir, NULL);
        close(wfd);
        /* an emptied period directory goes too (rmdir fails harmlessly when
         * something is left); saves create it again under the lock */
        char parent[sizeof p->waldir];
        snprintf(parent, sizeof parent, "%s", p->waldir);
        char *slash = strrchr(parent, '/');
        int pfd;
        if (slash) {
            *slash = '\0';
            if (dccd_dir_open(s->rootfd, parent, false, &pfd, NULL) == DCCD_OK) {
                unlinkat(pfd, slash + 1, AT_REMOVEDIR);
                close(pfd);
            }
        }
    }
done:
    if (file_bad)
        dccd_period_mark_unreadable(s, p, err ? err->msg : "its pages cannot be decoded");
    free(lo);
    free(hi);
    dccd_str_set_free(&set.set);
    dccd_table_free(&pend);
    dccd_table_free(&rows);
    dccd_table_free(&tail);
    if (sparts)
        for (size_t i = 0; i <= k; i++)
            dccd_table_free(&sparts[i]);
    free(sparts);
    free(pp);
    free(prov);
    free(segs);
    if (f)
        dccd_pq_close(f);
    return rc;
}

int dccd_checkpoint_period(dccd_store *s, const dccd_period *p, dccd_checkpoint_report *rep, dccd_error *err)
{
    dccd_period_lock lk;
    int rc = dccd_lock_acquire(s->locks, s->rootfd, p->lockrel, &lk, err);
    if (rc)
        return rc;
    rc = dccd_checkpoint_locked(s, p, rep, err);
    dccd_lock_release(s->locks, &lk);
    return rc;
}

int dccd_checkpoint_dir(dccd_store *s, dccd_data_type type, const char *dsdir, dccd_checkpoint_report *rep,
                        dccd_error *err)
{
    dccd_labels l;
    int rc = dccd_list_periods(s, type, dsdir, DCCD_LIST_WAL, &l, err);
    for (size_t i = 0; !rc && i < l.n; i++) {
        dccd_period p;
        if ((rc = dccd_period_init_dir(type, dsdir, l.v[i], &p, err)) == DCCD_OK)
            rc = dccd_checkpoint_period(s, &p, rep, err);
    }
    free(l.v);
    return rc;
}

int dccd_store_checkpoint(dccd_store *s, const dccd_dataset *ds, dccd_checkpoint_report *rep, dccd_error *err)
{
    if (rep)
        memset(rep, 0, sizeof *rep);
    int rc;
    if (ds) {
        char rel[DCCD_REL_MAX];
        if ((rc = dccd_dataset_validate(ds, err)) || (rc = dccd_dataset_dir(ds, rel, sizeof rel, err)))
            return rc;
        return dccd_checkpoint_dir(s, ds->type, rel, rep, err);
    }
    /* the whole store: every dataset with a directory in the log.  A period
     * that cannot be folded is reported; the others are still folded and
     * the first error is returned. */
    dccd_ds_ref *refs = NULL;
    size_t n = 0;
    if ((rc = dccd_store_walk(s, DCCD_LIST_WAL, &refs, &n, err)))
        return rc;
    int first = DCCD_OK;
    for (size_t i = 0; i < n; i++) {
        dccd_error e2;
        int r = dccd_checkpoint_dir(s, refs[i].type, refs[i].dsdir, rep, &e2);
        if (r) {
            dccd_store_warn(s, "checkpoint of %s failed: %s", refs[i].dsdir, e2.msg);
            if (!first) {
                first = r;
                dccd_err_set(err, r, "checkpoint of %s: %s", refs[i].dsdir, e2.msg);
            }
        }
    }
    free(refs);
    return first;
}
