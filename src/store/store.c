/*
 * src/store/store.c - the store handle: open/close, options, dataset
 * directories, periods, the writer settings of period files and segments,
 * and save (validate, split by period, append a segment per period under
 * the period lock, checkpoint when a threshold is passed).
 *
 * See docs/STORE.md for the design; wal.c, checkpoint.c and read.c hold the
 * rest of the store.
 */
#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/store_int.h"

/* Rows per row group by default: polars' default (512 x 512).  A column of
 * doubles is then 2 MiB a row group, which the reader's output buffers
 * get as transparent huge pages (dccd_big_alloc) - decoding a 525,600-row
 * year took 23 ms through Python with 131,072-row groups, 16-19 ms with
 * 262,144 (2026-12-03, bench/py_bench.py's year load) - and a scan still
 * holds only a few row groups (16 MiB each for OHLC). */
#define DCCD_STORE_ROW_GROUP_ROWS 262144
/* Rows per data page of period files and segments (opts.page_rows). */
#define DCCD_STORE_PAGE_ROWS 8192

void dccd_store_options_init(dccd_store_options *o)
{
    memset(o, 0, sizeof *o);
    o->codec = DCCD_PQ_SNAPPY;
    o->row_group_rows = DCCD_STORE_ROW_GROUP_ROWS;
    o->checkpoint_rows = 262144;
    o->checkpoint_age_ns = INT64_C(600) * DCCD_NS;
    o->checkpoint_segments = 256;
    o->durable = true;
}

int dccd_store_open(const char *root, const dccd_store_options *opts, dccd_store **out, dccd_error *err)
{
    if (!root || !*root)
        return dccd_err_set(err, DCCD_EINVAL, "store root is empty");
    if (mkdir(root, 0755) != 0 && errno != EEXIST)
        return dccd_err_errno(err, errno, "create store root %s", root);
    int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return dccd_err_errno(err, errno, "open store root %s", root);
    dccd_store *s = calloc(1, sizeof *s);
    if (!s || !(s->root = dccd_strdup(root))) {
        free(s);
        close(fd);
        return DCCD_ENOMEM_MSG(err);
    }
    s->rootfd = fd;
    atomic_init(&s->refs, 1);
    if (opts)
        s->opts = *opts;
    else
        dccd_store_options_init(&s->opts);
    if (s->opts.row_group_rows == 0)
        s->opts.row_group_rows = DCCD_STORE_ROW_GROUP_ROWS;
    if (s->opts.threads < 0 || s->opts.threads > DCCD_POOL_MAX_THREADS) {
        int bad = s->opts.threads;
        close(fd);
        free(s->root);
        free(s);
        return dccd_err_set(err, DCCD_EINVAL, "store option threads = %d (expected 0 for the online CPUs, or 1 .. %d)",
                            bad, DCCD_POOL_MAX_THREADS);
    }
    s->threads = dccd_threads_resolve(s->opts.threads);
    pthread_mutex_init(&s->pool_mu, NULL);
    atomic_init(&s->pool, NULL);
    int rc = dccd_locks_create(&s->locks, err);
    if (!rc)
        rc = dccd_pcache_create(&s->pcache, err);
    if (rc) {
        dccd_store_close(s);
        return rc;
    }
    *out = s;
    return DCCD_OK;
}

void dccd_store_retain(dccd_store *s)
{
    atomic_fetch_add(&s->refs, 1);
}

void dccd_store_close(dccd_store *s)
{
    if (!s || atomic_fetch_sub(&s->refs, 1) > 1)
        return;
    if (s->rootfd >= 0)
        close(s->rootfd);
    dccd_locks_destroy(s->locks);
    dccd_pcache_destroy(s->pcache);
    dccd_pool_destroy(atomic_load(&s->pool));
    pthread_mutex_destroy(&s->pool_mu);
    free(s->root);
    free(s);
}

int dccd_store_map_file(dccd_store *s, dccd_pq_file *f, dccd_data_type type, dccd_canon_map *m, dccd_error *err)
{
    int rc = dccd_canon_map_file(f, type, m, err);
    if (!rc)
        m->pool = dccd_store_pool(s);
    return rc;
}

dccd_pool *dccd_store_pool(dccd_store *s)
{
    if (s->threads <= 1)
        return NULL;
    dccd_pool *p = atomic_load_explicit(&s->pool, memory_order_acquire);
    if (p)
        return p;
    pthread_mutex_lock(&s->pool_mu);
    p = atomic_load_explicit(&s->pool, memory_order_relaxed);
    if (!p && !s->pool_failed) {
        dccd_error e;
        if (dccd_pool_create(s->threads, &p, &e) != DCCD_OK) {
            dccd_store_warn(s, "cannot start %d threads, working on one: %s", s->threads, e.msg);
            s->pool_failed = true;
            p = NULL;
        } else {
            atomic_store_explicit(&s->pool, p, memory_order_release);
        }
    }
    pthread_mutex_unlock(&s->pool_mu);
    return p;
}

const char *dccd_store_root(const dccd_store *s)
{
    return s->root;
}

void dccd_store_warn(dccd_store *s, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (s->opts.warn)
        s->opts.warn(s->opts.warn_ctx, msg);
    else
        fprintf(stderr, "dccd: warning: %s\n", msg);
}

int dccd_store_directory(dccd_store *s, const dccd_dataset *ds, bool create, char *buf, size_t cap,
                         dccd_error *err)
{
    char rel[DCCD_REL_MAX];
    int rc = dccd_dataset_dir(ds, rel, sizeof rel, err);
    if (rc)
        return rc;
    if (create) {
        int dfd;
        if ((rc = dccd_dir_open(s->rootfd, rel, true, &dfd, err)))
            return rc;
        close(dfd);
    }
    int n = snprintf(buf, cap, "%s/%s", s->root, rel);
    if (n < 0 || (size_t)n >= cap)
        return dccd_err_set(err, DCCD_ERANGE, "directory path too long for the buffer");
    return DCCD_OK;
}

int dccd_period_init_dir(dccd_data_type type, const char *dsdir, const char *label, dccd_period *p,
                         dccd_error *err)
{
    memset(p, 0, sizeof *p);
    if (strlen(dsdir) >= sizeof p->dsdir)
        return dccd_err_set(err, DCCD_EINVAL, "dataset directory too long: %s", dsdir);
    snprintf(p->dsdir, sizeof p->dsdir, "%s", dsdir);
    if (strlen(label) >= sizeof p->label)
        return dccd_err_set(err, DCCD_EINVAL, "bad period label \"%s\"", label);
    int rc = dccd_time_period_range(label, type, &p->start, &p->end, err);
    if (rc)
        return rc;
    p->type = type;
    snprintf(p->label, sizeof p->label, "%s", label);
    snprintf(p->file, sizeof p->file, "%s.parquet", label);
    snprintf(p->waldir, sizeof p->waldir, ".dccd/wal/%s/%s", p->dsdir, label);
    snprintf(p->lockrel, sizeof p->lockrel, "%s/%s", p->dsdir, label);
    return DCCD_OK;
}

int dccd_period_init(const dccd_dataset *ds, const char *label, dccd_period *p, dccd_error *err)
{
    char dsdir[DCCD_REL_MAX];
    int rc = dccd_dataset_dir(ds, dsdir, sizeof dsdir, err);
    if (rc)
        return rc;
    return dccd_period_init_dir(ds->type, dsdir, label, p, err);
}

int dccd_period_of_ts(const dccd_dataset *ds, int64_t ts, dccd_period *p, dccd_error *err)
{
    char label[32];
    int rc = dccd_time_period_label(ts, ds->type, label, sizeof label, err);
    return rc ? rc : dccd_period_init(ds, label, p, err);
}

int dccd_store_write_table(dccd_store *s, int dirfd, const char *name, const char *what, dccd_pq_codec codec,
                           dccd_pq_file *src, int ncopy, const dccd_table *t, const dccd_pq_kv *kv, size_t nkv,
                           dccd_error *err)
{
    dccd_pq_field fields[DCCD_MAX_COLS];
    memset(fields, 0, sizeof fields);
    for (int c = 0; c < t->ncols; c++) {
        fields[c].name = dccd_schema_col_name(t->type, c);
        fields[c].type = dccd_schema_col_type(t->type, c);
        fields[c].optional = true; /* polars writes every column nullable */
        if (fields[c].type == DCCD_PQ_BYTE_ARRAY)
            fields[c].logical = DCCD_PQ_LOG_STRING;
        if (c == 0)
            fields[c].delta = true; /* sorted TS shrink to almost nothing */
        if (t->type == DCCD_TRADES && c == TR_TID)
            fields[c].bloom_filter = true; /* proves "tid not in this row group" at checkpoint */
    }
    dccd_pq_write_options o;
    dccd_pq_write_options_init(&o);
    o.codec = codec;
    o.compression_level = s->opts.compression_level;
    o.row_group_rows = s->opts.row_group_rows;
    /* small pages: a range load decodes only the pages its rows are in
     * (dccd_pq_read_column_range through the OffsetIndex) */
    o.page_rows = DCCD_STORE_PAGE_ROWS;
    o.kv = kv;
    o.n_kv = nkv;
    o.bloom_fpp = 0.001;
    /* the store's pool (none: one thread); the bytes are the same */
    o.pool = dccd_store_pool(s);
    if (!o.pool)
        o.threads = 1;
    dccd_atomic a;
    int rc = dccd_atomic_begin(&a, dirfd, name, what, err);
    if (rc)
        return rc;
    dccd_pq_writer *w = NULL;
    rc = dccd_pq_writer_open_fd(a.fd, what, fields, t->ncols, &o, &w, err);
    for (int rg = 0; !rc && rg < ncopy; rg++)
        rc = dccd_pq_writer_copy_row_group(w, src, rg, err);
    if (!rc && t->nrows)
        rc = dccd_pq_writer_write(w, t->cols, t->nrows, err);
    if (!rc) {
        rc = dccd_pq_writer_close(w, err);
        w = NULL;
    }
    if (!rc)
        rc = dccd_atomic_commit(&a, s->opts.durable, err);
    if (rc) {
        dccd_pq_writer_abort(w);
        dccd_atomic_abort(&a);
    }
    return rc;
}

/* ---- save ---- */

static int64_t period_key(const dccd_dataset *ds, int64_t ts)
{
    if (ds->type == DCCD_OHLC) {
        dccd_civil_time c;
        dccd_time_to_civil(ts, &c);
        return c.year;
    }
    int64_t d = ts / DCCD_NS_PER_DAY;
    if (ts % DCCD_NS_PER_DAY < 0)
        d--;
    return d;
}

/* Would a save of n rows ending at last_ts fold at once into a period
 * that has no pending segment?  should_checkpoint's rules for a log of one
 * new segment: sync_checkpoint, the period's last bar present (OHLC), or
 * at least checkpoint_rows rows (a segment's age is 0, and one segment
 * reaches checkpoint_segments only when that is 1). */
static bool folds_alone(const dccd_store *s, const dccd_period *p, const dccd_dataset *ds, int64_t last_ts, size_t n)
{
    if (s->opts.sync_checkpoint || (s->opts.checkpoint_segments > 0 && s->opts.checkpoint_segments <= 1))
        return true;
    if (ds->type == DCCD_OHLC && last_ts >= p->end - ds->span * DCCD_NS)
        return true;
    return (int64_t)n >= s->opts.checkpoint_rows;
}

/* Is the period fresh: no file, no pending segment, no unreadable record?
 * (The caller holds the period lock.)  Any doubt answers no: the save
 * then takes the usual path, which says what is wrong. */
static bool period_fresh(dccd_store *s, const dccd_period *p, const dccd_period_lock *lk)
{
    dccd_error e;
    int fd;
    if (dccd_period_open_fd(s, p, &fd, &e) != DCCD_OK)
        return false;
    if (fd >= 0) {
        close(fd);
        return false;
    }
    dccd_segment *segs = NULL;
    size_t n = 0;
    bool hit = false;
    if (dccd_pcache_log_get(s, p, lk, &hit, &segs, &n, &e) != DCCD_OK)
        return false;
    if (!hit && dccd_wal_list(s, p, &segs, &n, &e) != DCCD_OK)
        return false;
    free(segs);
    if (n > 0)
        return false;
    int walfd;
    int rc = dccd_dir_open(s->rootfd, p->waldir, false, &walfd, &e);
    if (rc == DCCD_ENOTFOUND)
        return true;
    if (rc != DCCD_OK)
        return false;
    bool bad = true;
    rc = dccd_period_check_unreadable(s, p, walfd, false, &bad, &e);
    close(walfd);
    return rc == DCCD_OK && !bad;
}

/* listed/nlisted: the period's segments when the caller has them (taken
 * over and freed here), else NULL (listed here). */
static int should_checkpoint(dccd_store *s, const dccd_period *p, const dccd_dataset *ds, int64_t last_ts,
                             dccd_segment *listed, size_t nlisted, bool *yes, dccd_error *err)
{
    *yes = s->opts.sync_checkpoint;
    if (*yes) {
        free(listed);
        return DCCD_OK;
    }
    dccd_segment *segs = listed;
    size_t n = nlisted;
    if (!segs) {
        int rc = dccd_wal_list(s, p, &segs, &n, err);
        if (rc)
            return rc;
    }
    if (n == 0) {
        free(segs);
        return DCCD_OK;
    }
    /* the period is complete: its last bar (OHLC) is present.  (A period
     * whose end is in the past is folded by the next save to another period
     * of the dataset, see fold_completed_periods: folding it at every save
     * into it would copy the file once per batch of a backfill.) */
    if (ds->type == DCCD_OHLC && last_ts >= p->end - ds->span * DCCD_NS)
        *yes = true;
    /* many small segments make every reader open many files: bound them */
    if (s->opts.checkpoint_segments > 0 && n >= s->opts.checkpoint_segments)
        *yes = true;
    int64_t pending = 0;
    int walfd = -1;
    if (!*yes && dccd_dir_open(s->rootfd, p->waldir, false, &walfd, NULL) == DCCD_OK) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        struct stat st;
        if (fstatat(walfd, segs[0].name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
            int64_t age = ((int64_t)now.tv_sec - (int64_t)st.st_mtim.tv_sec) * DCCD_NS;
            if (age >= s->opts.checkpoint_age_ns)
                *yes = true;
        }
        /* row counts come from the segment names; only a name without one
         * (older segments) costs a footer read */
        for (size_t i = 0; i < n && !*yes; i++) {
            if (segs[i].rows >= 0) {
                pending += segs[i].rows;
                continue;
            }
            int fd = openat(walfd, segs[i].name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0)
                continue;
            dccd_pq_file *f = NULL;
            if (dccd_pq_open_fd(fd, segs[i].name, &f, NULL) == DCCD_OK) {
                pending += dccd_pq_num_rows(f);
                dccd_pq_close(f);
            }
            close(fd);
        }
        close(walfd);
    }
    if (pending >= s->opts.checkpoint_rows)
        *yes = true;
    free(segs);
    return DCCD_OK;
}

/* Fold every period of the dataset that still has pending segments, whose
 * end is in the past and that this save did not write to (saved[0..nsaved)
 * period keys): once saves go to today's day file, nothing saves to
 * yesterday's again, and its rows must reach the period file (what
 * external engines read) without waiting for `dccd checkpoint`.  A
 * backfill writing period after period folds each one once, when it moves
 * on.  Failures are warnings: the rows are durable in the log. */
static void fold_completed_periods(dccd_store *s, const dccd_dataset *ds, const int64_t *saved, size_t nsaved)
{
    char dsdir[DCCD_REL_MAX];
    dccd_labels l;
    if (dccd_dataset_dir(ds, dsdir, sizeof dsdir, NULL) != DCCD_OK ||
        dccd_list_periods(s, ds->type, dsdir, DCCD_LIST_WAL, &l, NULL) != DCCD_OK)
        return;
    struct timespec tnow;
    clock_gettime(CLOCK_REALTIME, &tnow);
    int64_t now = (int64_t)tnow.tv_sec * DCCD_NS;
    for (size_t i = 0; i < l.n; i++) {
        dccd_period p;
        if (dccd_period_init_dir(ds->type, dsdir, l.v[i], &p, NULL) != DCCD_OK || p.end > now)
            continue;
        bool mine = false;
        for (size_t k = 0; k < nsaved && !mine; k++)
            mine = saved[k] == period_key(ds, p.start);
        if (mine)
            continue;
        dccd_segment *segs = NULL;
        size_t ns = 0;
        if (dccd_wal_list(s, &p, &segs, &ns, NULL) != DCCD_OK)
            continue;
        free(segs);
        if (ns == 0)
            continue;
        dccd_error cerr;
        if (dccd_checkpoint_period(s, &p, NULL, &cerr) != DCCD_OK)
            dccd_store_warn(s, "checkpoint of %s/%s deferred: %s", p.dsdir, p.file, cerr.msg);
    }
    free(l.v);
}

/* The checkpoint this save triggered found the period file unreadable (and
 * recorded it, see pcache.c): take back the batch's own segment `mine`
 * (the caller holds the period lock and has not returned, so no one was
 * told it was saved), and refuse the batch.  True when refused. */
static bool refuse_unreadable(dccd_store *s, const dccd_period *p, const char *mine, dccd_error *err)
{
    int dfd;
    if (!mine[0] || dccd_dir_open(s->rootfd, p->waldir, false, &dfd, NULL) != DCCD_OK)
        return false;
    bool bad = false;
    dccd_error e;
    dccd_period_check_unreadable(s, p, dfd, false, &bad, &e);
    if (bad && unlinkat(dfd, mine, 0) == 0) {
        if (s->opts.durable)
            dccd_fsync(dfd, p->waldir, NULL);
        dccd_err_set(err, DCCD_ECORRUPT, "save refused, nothing of this period was written: %s", e.msg);
    } else {
        bad = false;
    }
    close(dfd);
    dccd_pcache_log_drop(s, p);
    return bad;
}

int dccd_store_save(dccd_store *s, const dccd_dataset *ds, const dccd_table *batch, const dccd_provenance *prov,
                    int64_t *rows_written, dccd_error *err)
{
    if (rows_written)
        *rows_written = 0;
    int rc = dccd_dataset_validate(ds, err);
    if (rc)
        return rc;
    if (batch->type != ds->type)
        return dccd_err_set(err, DCCD_EINVAL, "batch is %s but the dataset is %s", dccd_data_type_name(batch->type),
                            dccd_data_type_name(ds->type));
    if ((rc = dccd_table_validate(batch, err)))
        return rc;
    size_t n = batch->nrows;
    if (n == 0)
        return DCCD_OK;
    const int64_t *ts = batch->cols[0].values;
    /* group rows by period, keeping their order inside each period */
    int64_t *keys = dccd_malloc_array(n, sizeof *keys);
    size_t *idx = dccd_malloc_array(n, sizeof *idx);
    int64_t *saved = dccd_malloc_array(n, sizeof *saved); /* period keys written */
    size_t nsaved = 0;
    if (!keys || !idx || !saved) {
        free(keys);
        free(idx);
        free(saved);
        return DCCD_ENOMEM_MSG(err);
    }
    bool one_period = true;
    for (size_t i = 0; i < n; i++) {
        keys[i] = period_key(ds, ts[i]);
        one_period &= keys[i] == keys[0];
    }
    size_t done = 0;
    while (done < n && !rc) {
        /* the smallest remaining key */
        int64_t k = INT64_MAX;
        for (size_t i = 0; i < n; i++)
            if (keys[i] != INT64_MIN && keys[i] < k)
                k = keys[i];
        size_t m = 0;
        int64_t max_ts = INT64_MIN, first_ts = 0;
        for (size_t i = 0; i < n; i++)
            if (keys[i] == k) {
                if (m == 0)
                    first_ts = ts[i];
                idx[m++] = i;
                keys[i] = INT64_MIN;
                if (ts[i] > max_ts)
                    max_ts = ts[i];
            }
        done += m;
        saved[nsaved++] = k;
        dccd_period p;
        if ((rc = dccd_period_of_ts(ds, first_ts, &p, err)))
            break;
        dccd_table part;
        const dccd_table *rows = batch;
        if (!one_period) {
            if ((rc = dccd_table_gather(batch, idx, m, &part, err)))
                break;
            rows = &part;
        }
        dccd_period_lock lk;
        if (rows_written)
            *rows_written = (int64_t)(done - m); /* the periods saved before this one */
        if ((rc = dccd_lock_acquire(s->locks, s->rootfd, p.lockrel, &lk, err)) == DCCD_OK &&
            folds_alone(s, &p, ds, max_ts, rows->nrows) && period_fresh(s, &p, &lk)) {
            /* the segment would be folded at once into a period that holds
             * nothing yet: write the period file directly */
            rc = dccd_checkpoint_rows_locked(s, &p, rows, prov, err);
            dccd_lock_release(s->locks, &lk);
        } else if (rc == DCCD_OK) {
            dccd_segment *listed = NULL;
            size_t nlisted = 0;
            rc = dccd_wal_append_list(s, &p, &lk, rows, prov, &listed, &nlisted, err);
            char mine[sizeof listed->name] = ""; /* this batch's segment (listed goes to should_checkpoint) */
            if (!rc && listed && nlisted)
                memcpy(mine, listed[nlisted - 1].name, sizeof mine);
            bool cp = false;
            if (!rc && (rc = should_checkpoint(s, &p, ds, max_ts, listed, nlisted, &cp, err)) == DCCD_OK && cp) {
                dccd_error cerr;
                /* the rows are durable in the log: a failed fold is reported, not lost */
                int crc = dccd_checkpoint_locked(s, &p, NULL, &cerr);
                if (crc && refuse_unreadable(s, &p, mine, err))
                    rc = DCCD_ECORRUPT;
                else if (crc)
                    dccd_store_warn(s, "checkpoint of %s/%s deferred: %s", p.dsdir, p.file, cerr.msg);
            }
            dccd_lock_release(s->locks, &lk);
        }
        if (!one_period)
            dccd_table_free(&part);
    }
    free(keys);
    free(idx);
    if (!rc)
        fold_completed_periods(s, ds, saved, nsaved);
    free(saved);
    if (!rc && rows_written)
        *rows_written = (int64_t)n;
    return rc;
}
