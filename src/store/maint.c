/*
 * src/store/maint.c - store maintenance: the walk over every dataset of
 * the store, the inventory from footers, listing a dataset's period files,
 * verifying every file and migrating legacy v2 files to the canonical
 * schema.
 *
 * The walk (dccd_store_walk) follows the seed's inventory: exchange
 * directories not starting with '.', data-type directories ohlc /
 * orderbook / trades, pair directories and, for OHLC, span directories,
 * every level sorted bytewise (Python's sorted() on names).  It also walks
 * the write-ahead log (ROOT/.dccd/wal/...) so that a dataset whose rows are
 * all still pending is found too.  Names that are not valid path components
 * and symlinks are skipped: nothing outside the root is ever opened.
 *
 * The inventory reads footers only: row counts, file sizes and TS chunk
 * statistics (canonical nanoseconds, so a legacy seconds file reports ns
 * as the seed's canonicalize gives); dccd_pq_open_fd reads the 8-byte tail
 * and the footer, never the data pages.  A file whose footer cannot be read
 * is counted in `files`, skipped with a warning naming it, and the walk
 * goes on.  Pending segments not yet folded (sequence above the period
 * file's dccd.wal_applied mark) are counted in pending_segments /
 * pending_rows and in rows.
 *
 * verify decodes every period file and pending segment; migrate rewrites
 * legacy (non-canonical) period files in place through the store's atomic
 * writer, folding pending segments first, under the period lock.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_int.h"

void dccd_strv_free(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* ---- the walk ---- */

typedef struct name_list {
    char (*v)[256];
    size_t n;
} name_list;

static int name_cmp(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* Sorted names of the entries of the directory fd (consumed: closed) that
 * keep(dfd, entry) accepts; `what` names the directory in messages. */
static int list_names(int fd, const char *what, bool (*keep)(int, const struct dirent *), name_list *out,
                      dccd_error *err)
{
    out->v = NULL;
    out->n = 0;
    size_t cap = 0;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return dccd_err_errno(err, errno, "list %s", what);
    }
    int dfd = dirfd(d);
    struct dirent *e;
    int rc = DCCD_OK;
    while ((e = readdir(d)) != NULL) {
        if (strlen(e->d_name) >= 256 || !keep(dfd, e))
            continue;
        char(*nv)[256] = dccd_array_grow(out->v, &cap, out->n, sizeof *nv, 16);
        if (!nv) {
            rc = DCCD_ENOMEM_MSG(err);
            break;
        }
        out->v = nv;
        snprintf(out->v[out->n++], 256, "%s", e->d_name);
    }
    closedir(d);
    if (rc) {
        free(out->v);
        out->v = NULL;
        out->n = 0;
        return rc;
    }
    if (out->n > 1)
        qsort(out->v, out->n, sizeof *out->v, name_cmp);
    return DCCD_OK;
}

/* a subdirectory (symlinks excluded) named by a valid path component (so
 * not hidden) */
static bool keep_subdir(int dfd, const struct dirent *e)
{
    if (e->d_name[0] == '.' || dccd_path_component_ok(e->d_name, NULL) != DCCD_OK)
        return false;
    if (e->d_type != DT_UNKNOWN)
        return e->d_type == DT_DIR;
    struct stat st;
    return fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

/* a name ending in ".parquet" (regular file or not) */
static bool keep_parquet(int dfd, const struct dirent *e)
{
    (void)dfd;
    size_t len = strlen(e->d_name);
    return len >= 9 && strcmp(e->d_name + len - 8, ".parquet") == 0;
}

/* Sorted names of the subdirectories of dfd that are valid path
 * components (so not hidden), symlinks excluded. */
static int list_subdirs(int dfd, name_list *out, dccd_error *err)
{
    out->v = NULL;
    out->n = 0;
    int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return dccd_err_errno(err, errno, "open directory");
    return list_names(fd, "directory", keep_subdir, out, err);
}

static int open_sub(int dfd, const char *name)
{
    return openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

typedef struct ref_vec {
    dccd_ds_ref *v;
    size_t n, cap;
} ref_vec;

static int add_ref(ref_vec *rv, const char *ex, dccd_data_type type, const char *pair, const char *span,
                   dccd_error *err)
{
    dccd_ds_ref *nv = dccd_array_grow(rv->v, &rv->cap, rv->n, sizeof *nv, 16);
    if (!nv)
        return DCCD_ENOMEM_MSG(err);
    rv->v = nv;
    dccd_ds_ref *r = &rv->v[rv->n];
    memset(r, 0, sizeof *r);
    snprintf(r->exchange, sizeof r->exchange, "%s", ex);
    snprintf(r->pair, sizeof r->pair, "%s", pair);
    snprintf(r->spandir, sizeof r->spandir, "%s", span ? span : "");
    r->type = type;
    int n = span ? snprintf(r->dsdir, sizeof r->dsdir, "%s/%s/%s/%s", ex, dccd_data_type_name(type), pair, span)
                 : snprintf(r->dsdir, sizeof r->dsdir, "%s/%s/%s", ex, dccd_data_type_name(type), pair);
    if (n < 0 || (size_t)n >= sizeof r->dsdir)
        return DCCD_OK; /* too long to be a dataset dccd could have written: skipped */
    rv->n++;
    return DCCD_OK;
}

static const char *const TYPE_DIRS[] = {"ohlc", "orderbook", "trades"};

static int walk_tree(int base, ref_vec *rv, dccd_error *err)
{
    name_list ex;
    int rc = list_subdirs(base, &ex, err);
    for (size_t i = 0; !rc && i < ex.n; i++) {
        int efd = open_sub(base, ex.v[i]);
        if (efd < 0)
            continue;
        for (size_t t = 0; !rc && t < 3; t++) {
            dccd_data_type type;
            if (dccd_data_type_from_name(TYPE_DIRS[t], &type, NULL) != DCCD_OK)
                continue;
            int tfd = open_sub(efd, TYPE_DIRS[t]);
            if (tfd < 0)
                continue;
            name_list pairs;
            rc = list_subdirs(tfd, &pairs, err);
            for (size_t p = 0; !rc && p < pairs.n; p++) {
                if (type != DCCD_OHLC) {
                    rc = add_ref(rv, ex.v[i], type, pairs.v[p], NULL, err);
                    continue;
                }
                int pfd = open_sub(tfd, pairs.v[p]);
                if (pfd < 0)
                    continue;
                name_list spans;
                rc = list_subdirs(pfd, &spans, err);
                for (size_t k = 0; !rc && k < spans.n; k++)
                    rc = add_ref(rv, ex.v[i], type, pairs.v[p], spans.v[k], err);
                free(spans.v);
                close(pfd);
            }
            free(pairs.v);
            close(tfd);
        }
        close(efd);
    }
    free(ex.v);
    return rc;
}

static int ref_cmp(const void *a, const void *b)
{
    const dccd_ds_ref *x = a, *y = b;
    int c = strcmp(x->exchange, y->exchange);
    if (!c)
        c = strcmp(dccd_data_type_name(x->type), dccd_data_type_name(y->type));
    if (!c)
        c = strcmp(x->pair, y->pair);
    if (!c)
        c = strcmp(x->spandir, y->spandir);
    return c;
}

int dccd_store_walk(dccd_store *s, int which, dccd_ds_ref **out, size_t *n, dccd_error *err)
{
    *out = NULL;
    *n = 0;
    ref_vec rv = {NULL, 0, 0};
    int rc = (which & DCCD_LIST_FILES) ? walk_tree(s->rootfd, &rv, err) : DCCD_OK;
    if (!rc && (which & DCCD_LIST_WAL)) {
        int wfd;
        rc = dccd_dir_open(s->rootfd, ".dccd/wal", false, &wfd, err);
        if (rc == DCCD_ENOTFOUND) {
            dccd_error_clear(err);
            rc = DCCD_OK;
        } else if (!rc) {
            rc = walk_tree(wfd, &rv, err);
            close(wfd);
        }
    }
    if (rc) {
        free(rv.v);
        return rc;
    }
    if (rv.n > 1) {
        qsort(rv.v, rv.n, sizeof *rv.v, ref_cmp);
        size_t k = 1;
        for (size_t i = 1; i < rv.n; i++)
            if (ref_cmp(&rv.v[i], &rv.v[k - 1]) != 0)
                rv.v[k++] = rv.v[i];
        rv.n = k;
    }
    *out = rv.v;
    *n = rv.n;
    return DCCD_OK;
}

/* ---- inventory ---- */

/* Open dirfd/name (no symlink) as a Parquet file named `rel` in messages. */
static int open_pq_at(int dirfd, const char *name, const char *rel, dccd_pq_file **f, dccd_error *err)
{
    *f = NULL;
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT)
            return dccd_err_set(err, DCCD_ENOTFOUND, "%s: vanished", rel);
        return dccd_err_errno(err, e, "open %s", rel);
    }
    int rc = dccd_pq_open_fd(fd, rel, f, err);
    close(fd);
    return rc;
}

static void inv_ts(dccd_inventory_entry *e, int64_t a, int64_t b)
{
    if (!e->has_ts || a < e->min_ts)
        e->min_ts = a;
    if (!e->has_ts || b > e->max_ts)
        e->max_ts = b;
    e->has_ts = true;
}

static int inventory_one(dccd_store *s, const dccd_ds_ref *r, dccd_inventory_entry *e, dccd_error *err)
{
    memset(e, 0, sizeof *e);
    snprintf(e->exchange, sizeof e->exchange, "%s", r->exchange);
    snprintf(e->pair, sizeof e->pair, "%s", r->pair);
    e->type = r->type;
    if (r->type == DCCD_OHLC) {
        int64_t sp;
        e->span = dccd_span_parse(r->spandir, &sp, NULL) == DCCD_OK ? sp : -1;
        snprintf(e->span_dir, sizeof e->span_dir, "%s", r->spandir);
    }
    dccd_labels files = {NULL, 0}, wal = {NULL, 0};
    uint64_t *applied = NULL;
    int dfd = -1;
    int rc = dccd_list_periods(s, r->type, r->dsdir, DCCD_LIST_FILES, &files, err);
    if (!rc && files.n) {
        applied = calloc(files.n, sizeof *applied);
        if (!applied)
            rc = DCCD_ENOMEM_MSG(err);
        else if ((rc = dccd_dir_open(s->rootfd, r->dsdir, false, &dfd, err)) != DCCD_OK)
            goto done;
    }
    for (size_t i = 0; !rc && i < files.n; i++) {
        char name[32], rel[DCCD_REL_MAX + 40];
        snprintf(name, sizeof name, "%s.parquet", files.v[i]);
        snprintf(rel, sizeof rel, "%s/%s", r->dsdir, name);
        e->files++;
        dccd_pq_file *f;
        dccd_error fe;
        int frc = open_pq_at(dfd, name, rel, &f, &fe);
        if (frc == DCCD_ENOMEM) {
            rc = dccd_err_set(err, frc, "%s", fe.msg);
            break;
        }
        bool has = false;
        int64_t lo = 0, hi = 0;
        if (!frc) {
            applied[i] = dccd_wal_applied(f);
            frc = dccd_file_ts_range(f, r->type, &has, &lo, &hi, &fe);
            if (!frc) {
                e->rows += dccd_pq_num_rows(f);
                e->bytes += (int64_t)dccd_pq_file_size(f);
                if (has)
                    inv_ts(e, lo, hi);
            }
            dccd_pq_close(f);
        }
        if (frc)
            dccd_store_warn(s, "inventory: skipping unreadable file %s (%s)", rel, fe.msg);
    }
    if (dfd >= 0)
        close(dfd);
    dfd = -1;
    if (!rc)
        rc = dccd_list_periods(s, r->type, r->dsdir, DCCD_LIST_WAL, &wal, err);
    for (size_t i = 0; !rc && i < wal.n; i++) {
        dccd_period p;
        if (dccd_period_init_dir(r->type, r->dsdir, wal.v[i], &p, NULL) != DCCD_OK)
            continue;
        uint64_t mark = 0;
        char(*hit)[16] = files.n ? bsearch(wal.v[i], files.v, files.n, sizeof *files.v, name_cmp) : NULL;
        if (hit)
            mark = applied[hit - files.v];
        dccd_segment *segs = NULL;
        size_t ns = 0;
        if ((rc = dccd_wal_list(s, &p, &segs, &ns, err)))
            break;
        int wfd = -1;
        if (ns && dccd_dir_open(s->rootfd, p.waldir, false, &wfd, NULL) != DCCD_OK)
            ns = 0;
        for (size_t k = 0; k < ns && !rc; k++) {
            if (segs[k].seq <= mark)
                continue; /* folded already, deleted by the next checkpoint */
            char rel[DCCD_REL_MAX + 80];
            snprintf(rel, sizeof rel, "%s/%s", p.waldir, segs[k].name);
            dccd_pq_file *f;
            dccd_error fe;
            int frc = open_pq_at(wfd, segs[k].name, rel, &f, &fe);
            if (frc == DCCD_ENOTFOUND)
                continue; /* folded meanwhile */
            if (frc == DCCD_ENOMEM) {
                rc = dccd_err_set(err, frc, "%s", fe.msg);
                break;
            }
            bool has = false;
            int64_t lo = 0, hi = 0;
            if (!frc) {
                frc = dccd_file_ts_range(f, r->type, &has, &lo, &hi, &fe);
                if (!frc) {
                    e->pending_segments++;
                    e->pending_rows += dccd_pq_num_rows(f);
                    e->rows += dccd_pq_num_rows(f);
                    if (has)
                        inv_ts(e, lo, hi);
                }
                dccd_pq_close(f);
            }
            if (frc)
                dccd_store_warn(s, "inventory: skipping unreadable segment %s (%s)", rel, fe.msg);
        }
        if (wfd >= 0)
            close(wfd);
        free(segs);
    }
done:
    if (dfd >= 0)
        close(dfd);
    free(files.v);
    free(wal.v);
    free(applied);
    return rc;
}

int dccd_store_inventory(dccd_store *s, dccd_inventory_entry **out, size_t *n, dccd_error *err)
{
    *out = NULL;
    *n = 0;
    dccd_ds_ref *refs;
    size_t nr;
    int rc = dccd_store_walk(s, DCCD_LIST_FILES | DCCD_LIST_WAL, &refs, &nr, err);
    if (rc)
        return rc;
    dccd_inventory_entry *v = nr ? dccd_malloc_array(nr, sizeof *v) : NULL;
    if (nr && !v) {
        free(refs);
        return DCCD_ENOMEM_MSG(err);
    }
    size_t k = 0;
    for (size_t i = 0; i < nr && !rc; i++) {
        rc = inventory_one(s, &refs[i], &v[k], err);
        if (!rc && (v[k].files || v[k].pending_segments))
            k++; /* the seed lists a dataset only when it has files */
    }
    free(refs);
    if (rc) {
        free(v);
        return rc;
    }
    *out = v;
    *n = k;
    return DCCD_OK;
}

/* ---- list_files ---- */

int dccd_store_list_files(dccd_store *s, const dccd_dataset *ds, char ***paths, size_t *n, dccd_error *err)
{
    *paths = NULL;
    *n = 0;
    char dsdir[DCCD_REL_MAX];
    int rc = dccd_dataset_validate(ds, err);
    if (!rc)
        rc = dccd_dataset_dir(ds, dsdir, sizeof dsdir, err);
    if (rc)
        return rc;
    dccd_labels l;
    if ((rc = dccd_list_periods(s, ds->type, dsdir, DCCD_LIST_FILES, &l, err)))
        return rc;
    char **v = l.n ? calloc(l.n, sizeof *v) : NULL;
    if (l.n && !v)
        rc = DCCD_ENOMEM_MSG(err);
    for (size_t i = 0; !rc && i < l.n; i++) {
        size_t len = strlen(dsdir) + strlen(l.v[i]) + 10;
        v[i] = malloc(len);
        if (!v[i])
            rc = DCCD_ENOMEM_MSG(err);
        else
            snprintf(v[i], len, "%s/%s.parquet", dsdir, l.v[i]);
    }
    free(l.v);
    if (rc) {
        dccd_strv_free(v, l.n);
        return rc;
    }
    *paths = v;
    *n = l.n;
    return DCCD_OK;
}

/* ---- verify ---- */

typedef struct vstate {
    dccd_store *s;
    dccd_file_fn cb;
    void *ctx;
    dccd_verify_report *rep;
    size_t file_problems; /* problems of the file being checked */
} vstate;

static void problem(vstate *v, const char *rel, const char *fmt, ...) DCCD_PRINTF(3, 4);
static void problem(vstate *v, const char *rel, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    v->rep->problems++;
    v->file_problems++;
    if (v->cb)
        v->cb(v->ctx, rel, msg);
}

/* Describe the first difference between the file's columns and the
 * canonical schema into buf. */
static void schema_diff(dccd_pq_file *f, dccd_data_type type, char *buf, size_t cap)
{
    int n = dccd_schema_ncols(type), nf = dccd_pq_num_columns(f);
    for (int c = 0; c < n || c < nf; c++) {
        const char *want = c < n ? dccd_schema_col_name(type, c) : NULL;
        const dccd_pq_column_info *ci = c < nf ? dccd_pq_column_info_at(f, c) : NULL;
        if (!ci) {
            snprintf(buf, cap, "column %d should be '%s', the file has only %d columns", c, want, nf);
            return;
        }
        if (!want) {
            snprintf(buf, cap, "extra column '%s' at %d", ci->name, c);
            return;
        }
        if (strcmp(ci->name, want) != 0) {
            snprintf(buf, cap, "column %d is '%s', expected '%s'", c, ci->name, want);
            return;
        }
        if (ci->type != dccd_schema_col_type(type, c)) {
            snprintf(buf, cap, "column '%s' is %s, expected %s", want, dccd_pq_type_name(ci->type),
                     dccd_pq_type_name(dccd_schema_col_type(type, c)));
            return;
        }
    }
    snprintf(buf, cap, "columns differ");
}

/* Checks shared by period files and segments, on canonical rows. */
static void check_rows(vstate *v, const char *rel, const dccd_period *p, const dccd_table *t, bool file)
{
    const dccd_pq_column *tc = &t->cols[0];
    const int64_t *ts = tc->values;
    size_t nulls = 0, outside = 0, first_out = 0, unsorted = SIZE_MAX;
    for (size_t i = 0; i < t->nrows; i++) {
        if (!dccd_col_valid(tc, i)) {
            nulls++;
            continue;
        }
        if (ts[i] < p->start || ts[i] >= p->end) {
            if (!outside++)
                first_out = i;
        }
        if (unsorted == SIZE_MAX && i > 0 && dccd_col_valid(tc, i - 1) && ts[i] < ts[i - 1])
            unsorted = i;
    }
    if (nulls)
        problem(v, rel, "%zu rows have a null TS", nulls);
    if (outside)
        problem(v, rel, "%zu rows lie outside the period %s (first: row %zu, TS %" PRId64 ")", outside, p->label,
                first_out, ts[first_out]);
    if (!file)
        return; /* a segment holds one save's rows as given: order and duplicates are the fold's business */
    if (unsorted != SIZE_MAX)
        problem(v, rel, "not sorted by TS: row %zu (TS %" PRId64 ") follows TS %" PRId64, unsorted, ts[unsorted],
                ts[unsorted - 1]);
    dccd_key_mode m = dccd_key_mode_of(t);
    size_t ndup = 0, first = SIZE_MAX;
    dccd_error e;
    if (dccd_table_duplicates(t, m, &ndup, &first, &e) != DCCD_OK) {
        problem(v, rel, "duplicate check failed: %s", e.msg);
    } else if (ndup) {
        static const char *const KEYS[] = {"TS", "TS, side, price", "tid", "TS, price, amount, side"};
        problem(v, rel, "%zu rows repeat a natural key (%s) of a later row (first: row %zu)", ndup, KEYS[m], first);
    }
}

/* Decode f's row groups as canonical rows, checking each row group's TS
 * statistics against its data. */
static int read_checked(vstate *v, const char *rel, dccd_pq_file *f, const dccd_canon_map *m, dccd_table *out,
                        dccd_error *err)
{
    int nrg = dccd_pq_num_row_groups(f);
    dccd_table *parts = calloc((size_t)nrg + 1, sizeof *parts);
    const dccd_table **pp = calloc((size_t)nrg + 1, sizeof *pp);
    int rc = DCCD_OK, got = 0;
    if (!parts || !pp)
        rc = DCCD_ENOMEM_MSG(err);
    for (int rg = 0; !rc && rg < nrg; rg++) {
        if ((rc = dccd_canon_read_rg(f, m, rg, false, &parts[rg], err)))
            break;
        got++;
        pp[rg] = &parts[rg];
        int64_t lo, hi;
        if (!dccd_canon_rg_ts_range(f, m, rg, &lo, &hi))
            continue;
        const dccd_pq_column *tc = &parts[rg].cols[0];
        bool any = false;
        int64_t a = 0, b = 0;
        for (size_t i = 0; i < parts[rg].nrows; i++) {
            if (!dccd_col_valid(tc, i))
                continue;
            int64_t x = ((const int64_t *)tc->values)[i];
            if (!any || x < a)
                a = x;
            if (!any || x > b)
                b = x;
            any = true;
        }
        if (any && (a != lo || b != hi))
            problem(v, rel,
                    "row group %d: footer TS statistics [%" PRId64 ", %" PRId64 "] disagree with the data [%" PRId64
                    ", %" PRId64 "]",
                    rg, lo, hi, a, b);
    }
    if (!rc) {
        if (nrg == 0)
            dccd_table_init(out, m->type);
        else
            rc = dccd_table_concat(pp, (size_t)nrg, out, err);
    }
    for (int i = 0; i < got; i++)
        dccd_table_free(&parts[i]);
    free(parts);
    free(pp);
    return rc;
}

/* Check one file (period file or segment) at dirfd/name. */
static int verify_one(vstate *v, int dirfd, const char *name, const char *rel, const dccd_period *p, bool file,
                      dccd_error *err)
{
    v->file_problems = 0;
    dccd_pq_file *f;
    dccd_error fe;
    int rc = open_pq_at(dirfd, name, rel, &f, &fe);
    if (rc == DCCD_ENOTFOUND && !file)
        return DCCD_OK; /* a segment folded meanwhile */
    if (rc == DCCD_ENOMEM)
        return dccd_err_set(err, rc, "%s", fe.msg);
    if (file)
        v->rep->files++;
    else
        v->rep->segments++;
    if (rc) {
        problem(v, rel, "cannot be read: %s", fe.msg);
        return DCCD_OK;
    }
    dccd_canon_map m;
    if ((rc = dccd_store_map_file(v->s, f, p->type, &m, &fe)) != DCCD_OK) {
        dccd_pq_close(f);
        if (rc == DCCD_ENOMEM)
            return dccd_err_set(err, rc, "%s", fe.msg);
        problem(v, rel, "cannot be read: %s", fe.msg);
        return DCCD_OK;
    }
    if (m.legacy) {
        problem(v, rel, "legacy v2 schema, run migrate");
    } else if (!dccd_schema_is_canonical(f, p->type, false)) {
        char d[300];
        schema_diff(f, p->type, d, sizeof d);
        problem(v, rel, "schema is not canonical (%s), run migrate", d);
    }
    dccd_table t;
    rc = read_checked(v, rel, f, &m, &t, &fe);
    dccd_pq_close(f);
    if (rc == DCCD_ENOMEM)
        return dccd_err_set(err, rc, "%s", fe.msg);
    if (rc) {
        problem(v, rel, "cannot be decoded: %s", fe.msg);
        return DCCD_OK;
    }
    v->rep->rows += (int64_t)t.nrows;
    check_rows(v, rel, p, &t, file);
    dccd_table_free(&t);
    if (!v->file_problems && v->cb)
        v->cb(v->ctx, rel, NULL);
    return DCCD_OK;
}

/* Names in dsdir ending in ".parquet" (regular or not), sorted. */
static int list_parquet_names(dccd_store *s, const char *dsdir, name_list *out, dccd_error *err)
{
    out->v = NULL;
    out->n = 0;
    int dfd;
    int rc = dccd_dir_open(s->rootfd, dsdir, false, &dfd, err);
    if (rc == DCCD_ENOTFOUND) {
        dccd_error_clear(err);
        return DCCD_OK;
    }
    if (rc)
        return rc;
    return list_names(dfd, dsdir, keep_parquet, out, err);
}

static int verify_dataset(vstate *v, dccd_data_type type, const char *dsdir, dccd_error *err)
{
    dccd_store *s = v->s;
    name_list names;
    int rc = list_parquet_names(s, dsdir, &names, err);
    if (rc)
        return rc;
    int dfd = -1;
    if (names.n && (rc = dccd_dir_open(s->rootfd, dsdir, false, &dfd, err)) != DCCD_OK) {
        free(names.v);
        return rc;
    }
    for (size_t i = 0; !rc && i < names.n; i++) {
        char rel[DCCD_REL_MAX + 260], label[256];
        snprintf(rel, sizeof rel, "%s/%s", dsdir, names.v[i]);
        snprintf(label, sizeof label, "%.*s", (int)(strlen(names.v[i]) - 8), names.v[i]);
        dccd_period p;
        if (dccd_period_init_dir(type, dsdir, label, &p, NULL) != DCCD_OK) {
            v->file_problems = 0;
            v->rep->files++;
            problem(v, rel, "not a period file name of a %s dataset (dccd readers ignore it)",
                    dccd_data_type_name(type));
            continue;
        }
        rc = verify_one(v, dfd, names.v[i], rel, &p, true, err);
    }
    if (dfd >= 0)
        close(dfd);
    free(names.v);
    if (rc)
        return rc;
    dccd_labels wal;
    if ((rc = dccd_list_periods(s, type, dsdir, DCCD_LIST_WAL, &wal, err)))
        return rc;
    for (size_t i = 0; !rc && i < wal.n; i++) {
        dccd_period p;
        if (dccd_period_init_dir(type, dsdir, wal.v[i], &p, NULL) != DCCD_OK)
            continue;
        dccd_pq_file *f = NULL;
        uint64_t mark = 0;
        if (dccd_period_open_file(s, &p, &f, NULL) == DCCD_OK && f) {
            mark = dccd_wal_applied(f);
            dccd_pq_close(f);
        }
        dccd_segment *segs = NULL;
        size_t ns = 0;
        if ((rc = dccd_wal_list(s, &p, &segs, &ns, err)))
            break;
        int wfd = -1;
        if (dccd_dir_open(s->rootfd, p.waldir, false, &wfd, NULL) != DCCD_OK)
            ns = 0;
        bool bad = false;
        dccd_error be;
        if (wfd >= 0 && (dccd_period_check_unreadable(s, &p, wfd, false, &bad, &be), bad)) {
            /* a checkpoint could not read the period file: say what that
             * means for saves and for the rows waiting in the log */
            char rel[DCCD_REL_MAX + 80];
            snprintf(rel, sizeof rel, "%s/%s", p.dsdir, p.file);
            size_t waiting = 0;
            for (size_t k = 0; k < ns; k++)
                waiting += segs[k].seq > mark;
            v->file_problems = 0;
            problem(v, rel, "a checkpoint could not read it: saves into this period are refused and %zu pending "
                    "segment%s cannot be folded until the file is replaced or repaired", waiting,
                    waiting == 1 ? "" : "s");
        }
        for (size_t k = 0; !rc && k < ns; k++) {
            if (segs[k].seq <= mark)
                continue; /* already folded into the file, deleted by the next checkpoint */
            char rel[DCCD_REL_MAX + 80];
            snprintf(rel, sizeof rel, "%s/%s", p.waldir, segs[k].name);
            rc = verify_one(v, wfd, segs[k].name, rel, &p, false, err);
        }
        if (wfd >= 0)
            close(wfd);
        free(segs);
    }
    free(wal.v);
    return rc;
}

int dccd_store_verify(dccd_store *s, const dccd_dataset *ds, dccd_file_fn cb, void *ctx, dccd_verify_report *rep,
                      dccd_error *err)
{
    dccd_verify_report local;
    if (!rep)
        rep = &local;
    memset(rep, 0, sizeof *rep);
    vstate v = {s, cb, ctx, rep, 0};
    int rc;
    if (ds) {
        char dsdir[DCCD_REL_MAX];
        if ((rc = dccd_dataset_validate(ds, err)) || (rc = dccd_dataset_dir(ds, dsdir, sizeof dsdir, err)))
            return rc;
        return verify_dataset(&v, ds->type, dsdir, err);
    }
    dccd_ds_ref *refs;
    size_t n;
    if ((rc = dccd_store_walk(s, DCCD_LIST_FILES | DCCD_LIST_WAL, &refs, &n, err)))
        return rc;
    for (size_t i = 0; !rc && i < n; i++)
        rc = verify_dataset(&v, refs[i].type, refs[i].dsdir, err);
    free(refs);
    return rc;
}

/* ---- migrate ---- */

/* Append ", text" (or "text" first) to buf. */
static void add_part(char *buf, size_t cap, const char *fmt, ...) DCCD_PRINTF(3, 4);
static void add_part(char *buf, size_t cap, const char *fmt, ...)
{
    size_t len = strlen(buf);
    if (len + 3 >= cap)
        return;
    if (len) {
        memcpy(buf + len, ", ", 3);
        len += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, cap - len, fmt, ap);
    va_end(ap);
}

/* Does f need rewriting to be canonical?  What would change, into buf. */
static bool migrate_plan(dccd_pq_file *f, const dccd_canon_map *m, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (dccd_schema_is_canonical(f, m->type, false) && m->ts_scale == 1)
        return false;
    int n = dccd_schema_ncols(m->type), nf = dccd_pq_num_columns(f);
    for (int c = 0; c < n; c++) {
        if (m->src[c] < 0)
            continue;
        const dccd_pq_column_info *ci = dccd_pq_column_info_at(f, m->src[c]);
        const char *want = dccd_schema_col_name(m->type, c);
        if (strcmp(ci->name, want) != 0)
            add_part(buf, cap, "rename %s->%s", ci->name, want);
    }
    for (int fc = 0; fc < nf; fc++) {
        bool used = false;
        for (int c = 0; c < n; c++)
            used |= m->src[c] == fc;
        if (!used)
            add_part(buf, cap, "drop %s", dccd_pq_column_info_at(f, fc)->name);
    }
    for (int c = 0; c < n; c++)
        if (m->src[c] < 0)
            add_part(buf, cap, "add %s (null)", dccd_schema_col_name(m->type, c));
    for (int c = 0; c < n; c++) {
        if (m->src[c] < 0)
            continue;
        const dccd_pq_column_info *ci = dccd_pq_column_info_at(f, m->src[c]);
        if (ci->type != dccd_schema_col_type(m->type, c))
            add_part(buf, cap, "widen %s %s->%s", dccd_schema_col_name(m->type, c), dccd_pq_type_name(ci->type),
                     dccd_pq_type_name(dccd_schema_col_type(m->type, c)));
    }
    if (m->ts_scale != 1)
        add_part(buf, cap, "TS seconds->ns");
    if (!buf[0])
        add_part(buf, cap, "reorder columns");
    add_part(buf, cap, "%" PRId64 " rows", dccd_pq_num_rows(f));
    return true;
}

/* INT64 values stored where the canonical column is DOUBLE convert exactly
 * only up to 2^53: refuse a migration that would round one. */
static int check_exact_widening(dccd_pq_file *f, const dccd_canon_map *m, dccd_error *err)
{
    for (int c = 0; c < dccd_schema_ncols(m->type); c++) {
        if (m->src[c] < 0 || dccd_schema_col_type(m->type, c) != DCCD_PQ_DOUBLE ||
            dccd_pq_column_info_at(f, m->src[c])->type != DCCD_PQ_INT64)
            continue;
        for (int rg = 0; rg < dccd_pq_num_row_groups(f); rg++) {
            dccd_pq_column col;
            int rc = dccd_pq_read_column(f, rg, m->src[c], &col, err);
            if (rc)
                return rc;
            const int64_t *x = col.values;
            for (size_t i = 0; i < col.n && !rc; i++)
                if (dccd_col_valid(&col, i) && (x[i] > (INT64_C(1) << 53) || x[i] < -(INT64_C(1) << 53)))
                    rc = dccd_err_set(err, DCCD_ERANGE,
                                      "column '%s' row group %d holds %" PRId64
                                      ", which a double cannot hold exactly: not migrated",
                                      dccd_schema_col_name(m->type, c), rg, x[i]);
            dccd_pq_column_free(&col);
            if (rc)
                return rc;
        }
    }
    return DCCD_OK;
}

/* Rewrite the period file canonically, rows as they are (no de-dup, same
 * order), keeping its provenance and wal mark (caller holds the lock). */
static int rewrite_locked(dccd_store *s, const dccd_period *p, dccd_pq_file *f, const dccd_canon_map *m,
                          dccd_error *err)
{
    int rc = check_exact_widening(f, m, err);
    if (rc)
        return rc;
    dccd_table t;
    if ((rc = dccd_canon_read_rgs(f, m, 0, dccd_pq_num_row_groups(f), false, 0, 0, &t, err)))
        return rc;
    if ((int64_t)t.nrows != dccd_pq_num_rows(f)) {
        dccd_table_free(&t);
        return dccd_err_set(err, DCCD_ECORRUPT, "%s: read %zu rows, the footer says %" PRId64, dccd_pq_name(f),
                            t.nrows, dccd_pq_num_rows(f));
    }
    char seqtxt[24], what[DCCD_REL_MAX + 160];
    snprintf(seqtxt, sizeof seqtxt, "%" PRIu64, dccd_wal_applied(f));
    snprintf(what, sizeof what, "%s/%s/%s", s->root, p->dsdir, p->file);
    dccd_pq_kv kv[4];
    size_t nkv = 0;
    kv[nkv++] = (dccd_pq_kv){DCCD_SCHEMA_VERSION_KEY, "3"};
    kv[nkv++] = (dccd_pq_kv){DCCD_WAL_APPLIED_KEY, seqtxt};
    char id[17];
    dccd_new_file_id(id);
    kv[nkv++] = (dccd_pq_kv){DCCD_FILE_ID_KEY, id};
    const char *prov = dccd_pq_kv_get(f, DCCD_PROVENANCE_KEY);
    if (prov)
        kv[nkv++] = (dccd_pq_kv){DCCD_PROVENANCE_KEY, prov};
    int dfd;
    if ((rc = dccd_dir_open(s->rootfd, p->dsdir, false, &dfd, err)) == DCCD_OK) {
        rc = dccd_store_write_table(s, dfd, p->file, what, s->opts.codec, NULL, 0, &t, kv, nkv, err);
        close(dfd);
    }
    dccd_table_free(&t);
    return rc;
}

typedef struct mstate {
    dccd_store *s;
    bool dry;
    dccd_file_fn cb;
    void *ctx;
    dccd_migrate_report *rep;
    bool bad;
} mstate;

static void mreport(mstate *ms, const char *rel, const char *msg)
{
    if (ms->cb)
        ms->cb(ms->ctx, rel, msg);
}

/* One period (the lock is held unless dry run). */
static int migrate_period(mstate *ms, const dccd_period *p, dccd_error *err)
{
    dccd_store *s = ms->s;
    char rel[DCCD_REL_MAX + 80], plan[600], msg[1800];
    snprintf(rel, sizeof rel, "%s/%s", p->dsdir, p->file);
    dccd_pq_file *f = NULL;
    dccd_error fe;
    int rc = dccd_period_open_file(s, p, &f, &fe);
    if (rc == DCCD_ENOMEM)
        return dccd_err_set(err, rc, "%s", fe.msg);
    dccd_canon_map m;
    if (!rc && f && (rc = dccd_store_map_file(ms->s, f, p->type, &m, &fe)) != DCCD_OK) {
        dccd_pq_close(f);
        f = NULL;
    }
    if (rc) {
        ms->rep->files++;
        ms->bad = true;
        snprintf(msg, sizeof msg, "cannot be read, left untouched: %s", fe.msg);
        mreport(ms, rel, msg);
        return DCCD_OK;
    }
    bool legacy = f && migrate_plan(f, &m, plan, sizeof plan);
    int64_t rows = f ? dccd_pq_num_rows(f) : 0;
    if (f) {
        ms->rep->files++;
        if (legacy) {
            ms->rep->legacy++;
            ms->rep->rows += rows;
        }
    }
    if (ms->dry) {
        if (f) {
            if (legacy)
                snprintf(msg, sizeof msg, "would rewrite: %s", plan);
            mreport(ms, rel, legacy ? msg : NULL);
        }
        dccd_pq_close(f);
        return DCCD_OK;
    }
    /* fold pending segments first: the checkpoint rewrites a legacy file
     * canonically (full path) with the segments' rows */
    dccd_segment *segs = NULL;
    size_t ns = 0;
    if ((rc = dccd_wal_list(s, p, &segs, &ns, err))) {
        dccd_pq_close(f);
        return rc;
    }
    uint64_t mark = f ? dccd_wal_applied(f) : 0;
    bool pending = ns && segs[ns - 1].seq > mark;
    free(segs);
    if (pending) {
        dccd_pq_close(f);
        f = NULL;
        rc = dccd_checkpoint_locked(s, p, NULL, &fe);
    } else if (legacy) {
        rc = rewrite_locked(s, p, f, &m, &fe);
    }
    dccd_pq_close(f);
    if (rc == DCCD_ENOMEM)
        return dccd_err_set(err, rc, "%s", fe.msg);
    if (rc) {
        ms->bad = true;
        snprintf(msg, sizeof msg, "not migrated, left untouched: %s", fe.msg);
        mreport(ms, rel, msg);
        return DCCD_OK;
    }
    if (legacy) {
        ms->rep->migrated++;
        snprintf(msg, sizeof msg, "rewrote: %s", plan);
        mreport(ms, rel, msg);
    } else if (rows || pending) {
        mreport(ms, rel, NULL);
    }
    return DCCD_OK;
}

static int migrate_dataset(mstate *ms, dccd_data_type type, const char *dsdir, dccd_error *err)
{
    dccd_labels l;
    int rc = dccd_list_periods(ms->s, type, dsdir, ms->dry ? DCCD_LIST_FILES : DCCD_LIST_FILES | DCCD_LIST_WAL,
                               &l, err);
    for (size_t i = 0; !rc && i < l.n; i++) {
        dccd_period p;
        if ((rc = dccd_period_init_dir(type, dsdir, l.v[i], &p, err)))
            break;
        if (ms->dry) {
            rc = migrate_period(ms, &p, err);
            continue;
        }
        dccd_period_lock lk;
        if ((rc = dccd_lock_acquire(ms->s->locks, ms->s->rootfd, p.lockrel, &lk, err)))
            break;
        dccd_pcache_log_drop(ms->s, &p);
        rc = migrate_period(ms, &p, err);
        dccd_lock_release(ms->s->locks, &lk);
    }
    free(l.v);
    return rc;
}

int dccd_store_migrate(dccd_store *s, const dccd_dataset *ds, bool dry_run, dccd_file_fn cb, void *ctx,
                       dccd_migrate_report *rep, dccd_error *err)
{
    dccd_migrate_report local;
    if (!rep)
        rep = &local;
    memset(rep, 0, sizeof *rep);
    mstate ms = {s, dry_run, cb, ctx, rep, false};
    int rc;
    if (ds) {
        char dsdir[DCCD_REL_MAX];
        if ((rc = dccd_dataset_validate(ds, err)) || (rc = dccd_dataset_dir(ds, dsdir, sizeof dsdir, err)))
            return rc;
        rc = migrate_dataset(&ms, ds->type, dsdir, err);
    } else {
        dccd_ds_ref *refs;
        size_t n;
        if ((rc = dccd_store_walk(s, DCCD_LIST_FILES | DCCD_LIST_WAL, &refs, &n, err)))
            return rc;
        for (size_t i = 0; !rc && i < n; i++)
            rc = migrate_dataset(&ms, refs[i].type, refs[i].dsdir, err);
        free(refs);
    }
    if (!rc && ms.bad)
        rc = dccd_err_set(err, DCCD_ECORRUPT, "some period files could not be migrated (reported per file)");
    return rc;
}
