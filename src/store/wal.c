/*
 * src/store/wal.c - the write-ahead log: pending segments of a period.
 *
 * A segment is a Parquet file in the canonical schema under
 * ROOT/.dccd/wal/<dataset dir>/<period>/, named by a 20-digit sequence
 * number, "-", its row count and ".seg" ("00000000000000000042-1440.seg";
 * no "*.parquet" glob picks it up).  The row count in the name lets a save
 * decide whether to checkpoint from one directory listing, without opening
 * every pending segment's footer; names without it ("SEQ.seg", written
 * before the count was added) are still read, their count taken from the
 * footer.  Sequence numbers
 * grow per period: a new segment takes one more than the largest present and
 * than the "dccd.wal_applied" mark of the period file (the highest sequence
 * already folded into it), so a folded segment's number is never reused.
 *
 * This file also opens period files without following symlinks and reads a
 * whole period (file folded with its segments), used by every dccd reader.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "store/store_int.h"

static int seg_cmp(const void *a, const void *b)
{
    uint64_t x = ((const dccd_segment *)a)->seq, y = ((const dccd_segment *)b)->seq;
    return x < y ? -1 : x > y;
}

static bool parse_digits(const char *p, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    if (len == 0 || len > 20)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        if (v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(p[i] - '0');
    }
    *out = v;
    return true;
}

/* "SEQ.seg" or "SEQ-ROWS.seg", SEQ exactly 20 digits; *rows -1 when the
 * name has no count. */
static bool parse_seg_name(const char *name, uint64_t *seq, int64_t *rows)
{
    size_t len = strlen(name);
    if (len < 24 || len >= sizeof ((dccd_segment *)0)->name || strcmp(name + len - 4, ".seg") != 0)
        return false;
    if (!parse_digits(name, 20, seq))
        return false;
    *rows = -1;
    if (len == 24)
        return true;
    uint64_t r;
    if (name[20] != '-' || !parse_digits(name + 21, len - 25, &r) || r > (uint64_t)INT64_MAX)
        return false;
    *rows = (int64_t)r;
    return true;
}

/* dccd_wal_list, also saying whether a dot-name (a temporary) was seen. */
static int wal_list(dccd_store *s, const dccd_period *p, dccd_segment **segs, size_t *n, bool *saw_temp,
                    dccd_error *err)
{
    *saw_temp = false;
    *segs = NULL;
    *n = 0;
    int dfd;
    int rc = dccd_dir_open(s->rootfd, p->waldir, false, &dfd, err);
    if (rc == DCCD_ENOTFOUND) {
        dccd_error_clear(err);
        return DCCD_OK;
    }
    if (rc)
        return rc;
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return dccd_err_errno(err, errno, "list %s", p->waldir);
    }
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        uint64_t seq;
        int64_t rows;
        if (e->d_name[0] == '.' && strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            *saw_temp = true;
        if (!parse_seg_name(e->d_name, &seq, &rows))
            continue;
        dccd_segment *ns = dccd_array_grow(*segs, &cap, *n, sizeof *ns, 16);
        if (!ns) {
            closedir(d);
            free(*segs);
            *segs = NULL;
            *n = 0;
            return DCCD_ENOMEM_MSG(err);
        }
        *segs = ns;
        (*segs)[*n].seq = seq;
        (*segs)[*n].rows = rows;
        memcpy((*segs)[*n].name, e->d_name, strlen(e->d_name) + 1); /* length checked by parse_seg_name */
        (*n)++;
    }
    closedir(d);
    if (*n > 1)
        qsort(*segs, *n, sizeof **segs, seg_cmp);
    return DCCD_OK;
}

int dccd_wal_list(dccd_store *s, const dccd_period *p, dccd_segment **segs, size_t *n, dccd_error *err)
{
    bool saw_temp;
    return wal_list(s, p, segs, n, &saw_temp, err);
}

uint64_t dccd_wal_applied(dccd_pq_file *f)
{
    const char *v = f ? dccd_pq_kv_get(f, DCCD_WAL_APPLIED_KEY) : NULL;
    if (!v)
        return 0;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    if (errno || *end || end == v)
        return 0;
    return (uint64_t)x;
}

void dccd_period_ident(dccd_pq_file *f, char ident[DCCD_IDENT_MAX])
{
    if (!f) {
        snprintf(ident, DCCD_IDENT_MAX, "none");
        return;
    }
    const char *id = dccd_pq_kv_get(f, DCCD_FILE_ID_KEY);
    if (id && *id && strlen(id) <= 32)
        snprintf(ident, DCCD_IDENT_MAX, "id:%s:%" PRId64, id, dccd_pq_num_rows(f));
    else
        snprintf(ident, DCCD_IDENT_MAX, "ext:%" PRId64 ":%" PRIu64, dccd_pq_num_rows(f), dccd_pq_file_size(f));
}

void dccd_new_file_id(char id[17])
{
    uint64_t r = 0;
    if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
        r = (uint64_t)time(NULL) * UINT64_C(0x9E3779B97F4A7C15) ^ (uint64_t)getpid();
    snprintf(id, 17, "%016" PRIx64, r);
}

int dccd_segment_base_check(dccd_store *s, const dccd_period *p, const char *segname, const char *base,
                            const char *ident, dccd_error *err)
{
    if (!base[0] || strcmp(base, ident) == 0)
        return DCCD_OK;
    return dccd_err_set(err, DCCD_ESTATE,
                        "%s/%s/%s was replaced by another writer after the pending segment %s/%s/%s was saved "
                        "over the file it replaced (%s, now %s): dccd will not guess which write is the later "
                        "one; nothing was changed.  To keep the file as it is, move the period's segment "
                        "directory %s/%s out of the store (they are Parquet files: dccd cat reads them, "
                        "dccd import can save their rows again)",
                        s->root, p->dsdir, p->file, s->root, p->waldir, segname, base, ident, s->root, p->waldir);
}

int dccd_period_open_fd(dccd_store *s, const dccd_period *p, int *fdp, dccd_error *err)
{
    *fdp = -1;
    int dfd;
    int rc = dccd_dir_open(s->rootfd, p->dsdir, false, &dfd, err);
    if (rc == DCCD_ENOTFOUND) {
        dccd_error_clear(err);
        return DCCD_OK;
    }
    if (rc)
        return rc;
    int fd = openat(dfd, p->file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    int e = errno;
    close(dfd);
    if (fd < 0) {
        if (e == ENOENT)
            return DCCD_OK;
        if (e == ELOOP)
            return dccd_err_set(err, DCCD_EINVAL, "%s/%s/%s is a symlink: refusing to follow it", s->root, p->dsdir,
                                p->file);
        return dccd_err_errno(err, e, "open %s/%s/%s", s->root, p->dsdir, p->file);
    }
    *fdp = fd;
    return DCCD_OK;
}

int dccd_period_open_parsed(dccd_store *s, const dccd_period *p, int fd, dccd_pq_file **f, dccd_error *err)
{
    char name[DCCD_REL_MAX + 128];
    snprintf(name, sizeof name, "%s/%s/%s", s->root, p->dsdir, p->file);
    return dccd_pq_open_fd(fd, name, f, err);
}

int dccd_period_open_file(dccd_store *s, const dccd_period *p, dccd_pq_file **f, dccd_error *err)
{
    *f = NULL;
    int fd;
    int rc = dccd_period_open_fd(s, p, &fd, err);
    if (rc || fd < 0)
        return rc;
    rc = dccd_period_open_parsed(s, p, fd, f, err);
    close(fd);
    return rc;
}

int dccd_wal_append_list(dccd_store *s, const dccd_period *p, const dccd_period_lock *lk, const dccd_table *rows,
                         const dccd_provenance *prov, dccd_segment **segs_out, size_t *n_out, dccd_error *err)
{
    if (segs_out) {
        *segs_out = NULL;
        *n_out = 0;
    }
    dccd_segment *segs = NULL;
    size_t n = 0;
    bool saw_temp = false, cached = false;
    int rc = dccd_pcache_log_get(s, p, lk, &cached, &segs, &n, err);
    if (!rc && !cached)
        rc = wal_list(s, p, &segs, &n, &saw_temp, err);
    if (rc)
        return rc;
    uint64_t next = n ? segs[n - 1].seq : 0;
    /* never add rows to a period whose file cannot be read: they could not
     * be folded without losing the file's rows (the seed's rule) */
    uint64_t applied;
    char ident[DCCD_IDENT_MAX];
    bool parsed = false;
    if ((rc = dccd_period_applied_ident(s, p, &applied, ident, &parsed, err))) {
        free(segs);
        return dccd_err_prefix(err, rc, "save refused, the period file cannot be read (it is left untouched)");
    }
    /* nor on top of segments saved over a period file that another writer
     * has replaced since: checked when the file is new to this handle (a
     * file it parsed before, unchanged, was checked then) on the newest
     * pending segment, the one a replacement would have to follow */
    if (parsed && n > 0 && segs[n - 1].seq > applied) {
        char base[DCCD_IDENT_MAX];
        if ((rc = dccd_wal_read_base(s, p, &segs[n - 1], NULL, NULL, base, err)) == DCCD_OK)
            rc = dccd_segment_base_check(s, p, segs[n - 1].name, base, ident, err);
        if (rc) {
            free(segs);
            return dccd_err_prefix(err, rc, "save refused, nothing was written");
        }
    }
    if (applied > next)
        next = applied;
    next++;
    /* nor to one a checkpoint found unreadable (pcache.c): one openat in
     * the directory the segment goes to */
    int dfd;
    rc = dccd_dir_open(s->rootfd, p->waldir, false, &dfd, err);
    if (rc == DCCD_OK) {
        bool bad;
        if ((rc = dccd_period_check_unreadable(s, p, dfd, true, &bad, err))) {
            close(dfd);
            free(segs);
            return dccd_err_prefix(err, rc, "save refused, nothing was written");
        }
    } else if (rc == DCCD_ENOTFOUND) {
        dccd_error_clear(err);
        rc = dccd_dir_open(s->rootfd, p->waldir, true, &dfd, err);
    }
    if (rc) {
        free(segs);
        return rc;
    }
    if (saw_temp) /* segments of crashed writers (we hold the period lock) */
        dccd_remove_stale_temps(dfd, NULL, 3600);
    char name[sizeof ((dccd_segment *)0)->name], what[DCCD_REL_MAX + 160];
    snprintf(name, sizeof name, "%020" PRIu64 "-%zu.seg", next, rows->nrows);
    snprintf(what, sizeof what, "%s/%s/%s", s->root, p->waldir, name);
    dccd_pq_kv kv[4];
    size_t nkv = 0;
    kv[nkv++] = (dccd_pq_kv){DCCD_SCHEMA_VERSION_KEY, "3"};
    kv[nkv++] = (dccd_pq_kv){DCCD_BASE_KEY, ident};
    char *pj = NULL;
    if (prov) {
        size_t len;
        if ((rc = dccd_provenance_to_json(prov, &pj, &len, err))) {
            close(dfd);
            free(segs);
            return rc;
        }
        kv[nkv++] = (dccd_pq_kv){DCCD_PROVENANCE_KEY, pj};
    }
    /* segments are written uncompressed: they live until the next
     * checkpoint and are read only by dccd, and compressing them was a
     * sixth of a 1,440-row save (snappy's per-page hash table setup) */
    rc = dccd_store_write_table(s, dfd, name, what, DCCD_PQ_UNCOMPRESSED, NULL, 0, rows, kv, nkv, err);
    free(pj);
    close(dfd);
    if (!rc) {
        /* the period's segments now: those listed, then the new one */
        dccd_segment *ns = dccd_realloc_array(segs, n + 1, sizeof *ns);
        if (ns) {
            segs = ns;
            segs[n].seq = next;
            segs[n].rows = (int64_t)rows->nrows;
            memcpy(segs[n].name, name, sizeof name);
            dccd_pcache_log_put(s, p, lk, segs, n + 1);
            if (segs_out) {
                *segs_out = segs;
                *n_out = n + 1;
                segs = NULL;
            }
        } else { /* no list for the caller (it lists again), none kept */
            dccd_pcache_log_drop(s, p);
        }
    } else {
        dccd_pcache_log_drop(s, p);
    }
    free(segs);
    return rc;
}

int dccd_wal_append(dccd_store *s, const dccd_period *p, const dccd_table *rows, const dccd_provenance *prov,
                    dccd_error *err)
{
    return dccd_wal_append_list(s, p, NULL, rows, prov, NULL, NULL, err);
}

int dccd_wal_read(dccd_store *s, const dccd_period *p, const dccd_segment *seg, dccd_table *out, char **prov_json,
                  dccd_error *err)
{
    char base[DCCD_IDENT_MAX];
    return dccd_wal_read_base(s, p, seg, out, prov_json, base, err);
}

/* out NULL: the footer only (for the base) */
int dccd_wal_read_base(dccd_store *s, const dccd_period *p, const dccd_segment *seg, dccd_table *out,
                       char **prov_json, char *base, dccd_error *err)
{
    base[0] = '\0';
    if (prov_json)
        *prov_json = NULL;
    int dfd;
    int rc = dccd_dir_open(s->rootfd, p->waldir, false, &dfd, err);
    if (rc)
        return rc;
    int fd = openat(dfd, seg->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    int e = errno;
    close(dfd);
    if (fd < 0)
        return dccd_err_errno(err, e, "open segment %s/%s", p->waldir, seg->name);
    char name[DCCD_REL_MAX + 160];
    snprintf(name, sizeof name, "%s/%s/%s", s->root, p->waldir, seg->name);
    dccd_pq_file *f;
    rc = dccd_pq_open_fd(fd, name, &f, err);
    close(fd);
    if (rc)
        return rc;
    const char *b = dccd_pq_kv_get(f, DCCD_BASE_KEY);
    if (b)
        snprintf(base, DCCD_IDENT_MAX, "%s", b);
    if (!out) {
        dccd_pq_close(f);
        return DCCD_OK;
    }
    dccd_canon_map m;
    rc = dccd_store_map_file(s, f, p->type, &m, err);
    int nrg = rc ? 0 : dccd_pq_num_row_groups(f);
    dccd_table *parts = nrg ? calloc((size_t)nrg, sizeof *parts) : NULL;
    if (nrg && !parts)
        rc = DCCD_ENOMEM_MSG(err);
    int got = 0;
    for (int rg = 0; !rc && rg < nrg; rg++, got++)
        rc = dccd_canon_read_rg(f, &m, rg, false, &parts[rg], err);
    if (!rc) {
        if (nrg == 1) {
            *out = parts[0];
            got = 0;
        } else if (nrg == 0) {
            dccd_table_init(out, m.type);
        } else {
            const dccd_table **pp = calloc((size_t)nrg, sizeof *pp);
            if (!pp)
                rc = DCCD_ENOMEM_MSG(err);
            for (int i = 0; !rc && i < nrg; i++)
                pp[i] = &parts[i];
            if (!rc)
                rc = dccd_table_concat(pp, (size_t)nrg, out, err);
            free(pp);
        }
    }
    for (int i = 0; i < got; i++)
        dccd_table_free(&parts[i]);
    free(parts);
    if (!rc && prov_json) {
        const char *pv = dccd_pq_kv_get(f, DCCD_PROVENANCE_KEY);
        if (pv && !(*prov_json = dccd_strdup(pv)))
            rc = DCCD_ENOMEM_MSG(err);
    }
    dccd_pq_close(f);
    return rc;
}
