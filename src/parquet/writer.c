/*
 * src/parquet/writer.c - the Parquet writer (dccd_pq_writer_* in
 * include/dccd/parquet.h).
 *
 * This file owns the writer object and the file layout:
 *
 *   "PAR1"
 *   row group 0: column chunk 0 .. n-1   (written when the group ends)
 *   row group 1 ...                       (written or copied raw)
 *   bloom filters (BloomFilterHeader + bitset) of every chunk that has one
 *   ColumnIndex of every chunk that has one
 *   OffsetIndex of every chunk that has one
 *   FileMetaData (thrift compact), 4-byte little-endian length, "PAR1"
 *
 * Rows passed to dccd_pq_writer_write are validated as a whole first (types,
 * counts, offsets, nulls in required columns) so a rejected call buffers
 * nothing; then they are taken column by column, a slice (about one page)
 * at a time: copied into the column's buffers (packed non-null values +
 * definition bytes) and every page they complete is encoded at once by
 * page_write.c, while the rows are in cache.  When a row group is full its
 * chunks are finished (concurrently with threads) and written, column after
 * column, each as soon as it and those before it are finished (the file
 * writes overlap the finishing of the later chunks).  Memory is about
 * one page of raw values per column plus one row group of encoded pages,
 * plus footer metadata, bloom filters and page indexes (written at close,
 * like parquet-mr/arrow do).
 *
 * Output goes through a 1 MiB buffer (PQ_OBUF_CAP).  Any failed write or
 * encode leaves the writer "failed": every later call but abort returns
 * DCCD_ESTATE.  A path writer's close() flushes, fsyncs and closes; if close
 * fails, the partial file is unlinked (the caller can no longer abort).
 *
 * An empty writer (no rows, nothing copied) produces a valid file with zero
 * row groups; dccd_pq_writer_flush() never writes an empty row group.
 *
 * Schema: root group "schema" + one leaf per field, each with its
 * LogicalType and, where one exists, the legacy ConvertedType (STRING ->
 * UTF8, ENUM, JSON, BSON, DATE, INTEGER -> INT_32/INT_64 by physical type,
 * TIME/TIMESTAMP millis/micros -> TIME_/TIMESTAMP_MILLIS/MICROS only when
 * isAdjustedToUTC, which is what the legacy types mean; nanos have none).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "parquet/codec.h"
#include "parquet/file.h"
#include "parquet/writer_int.h"

#ifndef DCCD_VERSION
#define DCCD_VERSION "0.0.0"
#endif

#define PQ_COPY_PIECE ((size_t)4 << 20)
#define PQ_INDEX_MAX ((size_t)256 << 20)  /* cap on a copied page index blob */

void dccd_pq_write_options_init(dccd_pq_write_options *o)
{
    memset(o, 0, sizeof *o);
    o->codec = DCCD_PQ_SNAPPY;
    o->row_group_rows = (size_t)1 << 20;
    o->page_size = (size_t)1 << 20;
    o->dictionary_page_limit = (size_t)1 << 20;
    o->page_index = true;
    o->statistics = true;
    o->bloom_fpp = 0.01;
}

/* ---- output ------------------------------------------------------------ */

static int oflush(dccd_pq_writer *w, dccd_error *err)
{
    if (!w->olen)
        return DCCD_OK;
    int rc = dccd_write_all(w->fd, w->obuf, w->olen, w->name, err);
    w->olen = 0;
    if (rc)
        w->failed = true;
    return rc;
}

int pq_wout(dccd_pq_writer *w, const void *p, size_t n, dccd_error *err)
{
    int rc;
    if (w->failed)
        return dccd_err_set(err, DCCD_ESTATE, "%s: writer failed earlier", w->name);
    if (!n)
        return DCCD_OK;
    /* large pieces (whole pages) are written from where they are, after
     * what is buffered: no copy into the output buffer */
    const size_t direct = PQ_OBUF_CAP / 8;
    if ((w->olen + n > PQ_OBUF_CAP || n >= direct) && (rc = oflush(w, err)))
        return rc;
    if (n >= direct) {
        if ((rc = dccd_write_all(w->fd, p, n, w->name, err))) {
            w->failed = true;
            return rc;
        }
    } else {
        memcpy(w->obuf + w->olen, p, n);
        w->olen += n;
    }
    w->pos += n;
    return DCCD_OK;
}

/* ---- creation ------------------------------------------------------------ */

static void free_writer(dccd_pq_writer *w)
{
    if (!w)
        return;
    for (int i = 0; i < w->ncols; i++) {
        pq_wcol *c = &w->cols[i];
        free(c->name);
        dccd_buf_free(&c->vals);
        dccd_buf_free(&c->data);
        dccd_buf_free(&c->defs);
        free(c->offs);
        pq_wchunk_free(&c->ch);
        dccd_arena_free(&c->arena);
    }
    free(w->cols);
    for (size_t i = 0; i < w->n_kv; i++) {
        free(w->kv_keys[i]);
        free(w->kv_vals[i]);
    }
    free(w->kv_keys);
    free(w->kv_vals);
    for (size_t i = 0; i < w->n_extras; i++) {
        free(w->extras[i].bloom);
        free(w->extras[i].ci);
        free(w->extras[i].oi);
    }
    free(w->extras);
    free(w->rgs);
    dccd_arena_free(&w->arena);
    for (int i = 0; i < w->nscr; i++) {
        pq_wscr *S = &w->scr[i];
        dccd_buf_free(&S->page);
        dccd_buf_free(&S->lv);
        dccd_buf_free(&S->comp);
        dccd_buf_free(&S->hdr);
        dccd_buf_free(&S->frag);
        pq_cctx_free(S->cctx);
        free(S->idx);
    }
    free(w->scr);
    dccd_pool_destroy(w->own_pool);
    free(w->obuf);
    free(w->created_by);
    free(w->path);
    free(w->name);
    free(w);
}

static int check_field(const dccd_pq_field *f, int i, dccd_error *err)
{
    if (!f->name || !f->name[0])
        return dccd_err_set(err, DCCD_EINVAL, "schema: field %d has no name", i);
    switch (f->type) {
    case DCCD_PQ_BOOLEAN:
    case DCCD_PQ_INT32:
    case DCCD_PQ_INT64:
    case DCCD_PQ_FLOAT:
    case DCCD_PQ_DOUBLE:
    case DCCD_PQ_BYTE_ARRAY: break;
    default:
        return dccd_err_set(err, DCCD_EINVAL, "schema: field %s: unsupported physical type %d", f->name,
                            (int)f->type);
    }
    bool ok;
    switch (f->logical) {
    case DCCD_PQ_LOG_NONE: ok = true; break;
    case DCCD_PQ_LOG_STRING:
    case DCCD_PQ_LOG_ENUM:
    case DCCD_PQ_LOG_JSON:
    case DCCD_PQ_LOG_BSON: ok = f->type == DCCD_PQ_BYTE_ARRAY; break;
    case DCCD_PQ_LOG_DATE: ok = f->type == DCCD_PQ_INT32; break;
    case DCCD_PQ_LOG_INTEGER: ok = f->type == DCCD_PQ_INT32 || f->type == DCCD_PQ_INT64; break;
    case DCCD_PQ_LOG_TIMESTAMP: ok = f->type == DCCD_PQ_INT64 && f->unit <= DCCD_PQ_NANOS; break;
    case DCCD_PQ_LOG_TIME:
        ok = (f->unit == DCCD_PQ_MILLIS && f->type == DCCD_PQ_INT32) ||
             ((f->unit == DCCD_PQ_MICROS || f->unit == DCCD_PQ_NANOS) && f->type == DCCD_PQ_INT64);
        break;
    default: ok = false; break;
    }
    if (!ok)
        return dccd_err_set(err, DCCD_EINVAL, "schema: field %s: logical type %d not supported on physical type %d",
                            f->name, (int)f->logical, (int)f->type);
    if (f->bloom_filter && f->type == DCCD_PQ_BOOLEAN)
        return dccd_err_set(err, DCCD_EINVAL, "schema: field %s: no bloom filter on a BOOLEAN column", f->name);
    return DCCD_OK;
}

static int kv_put(dccd_pq_writer *w, const char *key, const char *value, dccd_error *err)
{
    if (!key)
        return dccd_err_set(err, DCCD_EINVAL, "%s: key-value metadata with a NULL key", w->name);
    char *v = NULL;
    if (value && !(v = dccd_strdup(value)))
        return DCCD_ENOMEM_MSG(err);
    for (size_t i = 0; i < w->n_kv; i++)
        if (strcmp(w->kv_keys[i], key) == 0) {
            free(w->kv_vals[i]);
            w->kv_vals[i] = v;
            return DCCD_OK;
        }
    if (w->n_kv == w->kv_cap) {
        size_t nc = w->kv_cap ? w->kv_cap * 2 : 8;
        char **nk = dccd_realloc_array(w->kv_keys, nc, sizeof *nk);
        if (nk)
            w->kv_keys = nk;
        char **nv = nk ? dccd_realloc_array(w->kv_vals, nc, sizeof *nv) : NULL;
        if (nv)
            w->kv_vals = nv;
        if (!nk || !nv) {
            free(v);
            return DCCD_ENOMEM_MSG(err);
        }
        w->kv_cap = nc;
    }
    char *k = dccd_strdup(key);
    if (!k) {
        free(v);
        return DCCD_ENOMEM_MSG(err);
    }
    w->kv_keys[w->n_kv] = k;
    w->kv_vals[w->n_kv] = v;
    w->n_kv++;
    return DCCD_OK;
}

static int offs_reserve(pq_wcol *c, size_t need, dccd_error *err);

static int writer_new(int fd, const char *name, const dccd_pq_field *fields, int nfields,
                      const dccd_pq_write_options *opts, dccd_pq_writer **out, dccd_error *err)
{
    int rc;
    if (!out)
        return dccd_err_set(err, DCCD_EINVAL, "writer: NULL output handle");
    *out = NULL;
    if (!name)
        name = "<parquet output>";
    if (!fields || nfields <= 0)
        return dccd_err_set(err, DCCD_EINVAL, "%s: schema has no fields", name);
    for (int i = 0; i < nfields; i++) {
        if ((rc = check_field(&fields[i], i, err)))
            return dccd_err_prefix(err, rc, "%s", name);
        for (int j = 0; j < i; j++)
            if (strcmp(fields[i].name, fields[j].name) == 0)
                return dccd_err_set(err, DCCD_EINVAL, "%s: schema: duplicate field name %s", name, fields[i].name);
    }
    dccd_pq_write_options o;
    if (opts)
        o = *opts;
    else
        dccd_pq_write_options_init(&o);
    switch (o.codec) {
    case DCCD_PQ_UNCOMPRESSED:
    case DCCD_PQ_SNAPPY:
    case DCCD_PQ_GZIP:
    case DCCD_PQ_BROTLI:
    case DCCD_PQ_ZSTD:
    case DCCD_PQ_LZ4_RAW: break;
    default: return dccd_err_set(err, DCCD_EUNSUPPORTED, "%s: cannot write codec %d", name, (int)o.codec);
    }
    if (!o.row_group_rows)
        o.row_group_rows = (size_t)1 << 20;
    if (!o.page_size)
        o.page_size = (size_t)1 << 20;
    if (!o.dictionary_page_limit)
        o.dictionary_page_limit = (size_t)1 << 20;
    if (!(o.bloom_fpp > 0.0 && o.bloom_fpp < 1.0))
        o.bloom_fpp = 0.01;
    if (o.n_kv && !o.kv)
        return dccd_err_set(err, DCCD_EINVAL, "%s: %zu key-value pairs but kv is NULL", name, o.n_kv);
    if (!o.pool && (o.threads < 0 || o.threads > DCCD_POOL_MAX_THREADS))
        return dccd_err_set(err, DCCD_EINVAL, "%s: threads = %d (expected 0 for the online CPUs, or 1 .. %d)", name,
                            o.threads, DCCD_POOL_MAX_THREADS);

    dccd_pq_writer *w = calloc(1, sizeof *w);
    if (!w)
        return DCCD_ENOMEM_MSG(err);
    w->fd = fd;
    dccd_arena_init(&w->arena, 0);
    w->o = o;
    w->o.kv = NULL;
    w->o.n_kv = 0;
    w->o.created_by = NULL;
    w->name = dccd_strdup(name);
    w->created_by = dccd_strdup(o.created_by ? o.created_by : "dccd version " DCCD_VERSION);
    w->obuf = malloc(PQ_OBUF_CAP);
    w->cols = calloc((size_t)nfields, sizeof *w->cols);
    w->pool = o.pool;
    w->threads = o.pool ? dccd_pool_threads(o.pool) : dccd_threads_resolve(o.threads);
    w->o.pool = NULL;
    w->scr = calloc(1, sizeof *w->scr);
    w->nscr = w->scr ? 1 : 0;
    if (!w->name || !w->created_by || !w->obuf || !w->cols || !w->scr) {
        free_writer(w);
        return DCCD_ENOMEM_MSG(err);
    }
    w->ncols = nfields;
    for (int i = 0; i < nfields; i++) {
        pq_wcol *c = &w->cols[i];
        c->f = fields[i];
        c->name = dccd_strdup(fields[i].name);
        if (!c->name) {
            free_writer(w);
            return DCCD_ENOMEM_MSG(err);
        }
        c->f.name = c->name;
        dccd_arena_init(&c->arena, 0);
        pq_wdict_init(&c->ch.dict);
        /* buffers always allocated: no pointer arithmetic on NULL later */
        if ((rc = dccd_buf_reserve(&c->vals, PQ_VALS_HEAD + 64, err)) || (rc = dccd_buf_reserve(&c->data, 64, err)) ||
            (rc = dccd_buf_reserve(&c->defs, 64, err)) || (rc = offs_reserve(c, 64, err))) {
            free_writer(w);
            return rc;
        }
        memset(c->vals.data, 0, PQ_VALS_HEAD);
        c->vals.len = PQ_VALS_HEAD;
        switch (c->f.type) {
        case DCCD_PQ_BOOLEAN: c->width = 1; break;
        case DCCD_PQ_INT32:
        case DCCD_PQ_FLOAT: c->width = 4; break;
        case DCCD_PQ_INT64:
        case DCCD_PQ_DOUBLE: c->width = 8; break;
        default: c->width = 0; break;
        }
    }
    for (size_t i = 0; i < o.n_kv; i++)
        if ((rc = kv_put(w, o.kv[i].key, o.kv[i].value, err))) {
            free_writer(w);
            return rc;
        }
    if ((rc = pq_wout(w, "PAR1", 4, err))) {
        free_writer(w);
        return rc;
    }
    *out = w;
    return DCCD_OK;
}

int dccd_pq_writer_open(const char *path, const dccd_pq_field *fields, int nfields,
                        const dccd_pq_write_options *opts, dccd_pq_writer **out, dccd_error *err)
{
    if (out)
        *out = NULL;
    if (!path)
        return dccd_err_set(err, DCCD_EINVAL, "writer: NULL path");
    /* validate before creating anything */
    dccd_pq_writer *w;
    int rc = writer_new(-1, path, fields, nfields, opts, &w, err);
    if (rc)
        return rc;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        rc = dccd_err_errno(err, errno, "create %s", path);
        free_writer(w);
        return rc;
    }
    w->fd = fd;
    w->own_fd = true;
    w->path = dccd_strdup(path);
    if (!w->path) {
        close(fd);
        unlink(path);
        free_writer(w);
        return DCCD_ENOMEM_MSG(err);
    }
    *out = w;
    return DCCD_OK;
}

int dccd_pq_writer_open_fd(int fd, const char *name, const dccd_pq_field *fields, int nfields,
                           const dccd_pq_write_options *opts, dccd_pq_writer **out, dccd_error *err)
{
    if (out)
        *out = NULL;
    if (fd < 0)
        return dccd_err_set(err, DCCD_EINVAL, "writer: invalid descriptor %d", fd);
    return writer_new(fd, name, fields, nfields, opts, out, err);
}

/* ---- buffering rows ---------------------------------------------------------- */

static int check_columns(dccd_pq_writer *w, const dccd_pq_column *cols, size_t nrows, dccd_error *err)
{
    if (nrows && !cols)
        return dccd_err_set(err, DCCD_EINVAL, "%s: NULL columns for %zu rows", w->name, nrows);
    if (!cols)
        return DCCD_OK;
    for (int i = 0; i < w->ncols; i++) {
        const pq_wcol *c = &w->cols[i];
        const dccd_pq_column *in = &cols[i];
        if (in->type != c->f.type)
            return dccd_err_set(err, DCCD_EINVAL, "%s: column %s: input type %s, schema type %s", w->name, c->name,
                                dccd_pq_type_name(in->type), dccd_pq_type_name(c->f.type));
        if (in->n != nrows)
            return dccd_err_set(err, DCCD_EINVAL, "%s: column %s: %zu values for %zu rows", w->name, c->name, in->n,
                                nrows);
        if (!nrows)
            continue;
        if (c->width && !in->values)
            return dccd_err_set(err, DCCD_EINVAL, "%s: column %s: NULL values", w->name, c->name);
        if (!c->f.optional && in->validity) {
            const uint8_t *v = in->validity;
            for (size_t r = 0; r < nrows; r++)
                if (!v[r])
                    return dccd_err_set(err, DCCD_EINVAL, "%s: column %s: row %zu is null but the column is required",
                                        w->name, c->name, r);
        }
        if (!c->width) {
            const int64_t *o = in->offsets;
            if (!o)
                return dccd_err_set(err, DCCD_EINVAL, "%s: column %s: NULL offsets", w->name, c->name);
            if (o[0] < 0)
                return dccd_err_set(err, DCCD_EINVAL, "%s: column %s: negative offset %lld", w->name, c->name,
                                    (long long)o[0]);
            for (size_t r = 0; r < nrows; r++) {
                int64_t l = o[r + 1] - o[r];
                if (o[r + 1] < o[r] || l > (int64_t)INT32_MAX - 4)
                    return dccd_err_set(err, DCCD_EINVAL,
                                        "%s: column %s: row %zu: bad offsets %lld..%lld (decreasing or value too long)",
                                        w->name, c->name, r, (long long)o[r], (long long)o[r + 1]);
            }
            if (o[nrows] > o[0] && !in->data)
                return dccd_err_set(err, DCCD_EINVAL, "%s: column %s: NULL data", w->name, c->name);
        }
    }
    return DCCD_OK;
}

/* Ask for transparent huge pages on a large buffer just grown: the first
 * touch of the fresh row-group buffers (page faults, zeroing) was a quarter
 * of an encode.  Only a hint: its result is ignored. */
void pq_big_hint(void *p, size_t n)
{
#if defined(MADV_HUGEPAGE)
    const uintptr_t pg = 4096, huge = (uintptr_t)2 << 20;
    if (!p || n < 2 * huge)
        return;
    uintptr_t a = ((uintptr_t)p + pg - 1) & ~(pg - 1), e = ((uintptr_t)p + n) & ~(pg - 1);
    if (e > a)
        (void)madvise((void *)a, (size_t)(e - a), MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}

/* dccd_buf_reserve, with the huge-page hint when the buffer moved. */
static int reserve_big(dccd_buf *b, size_t extra, dccd_error *err)
{
    size_t cap = b->cap;
    int rc = dccd_buf_reserve(b, extra, err);
    if (!rc && b->cap != cap)
        pq_big_hint(b->data, b->cap);
    return rc;
}

static int offs_reserve(pq_wcol *c, size_t need, dccd_error *err)
{
    if (need <= c->offs_cap)
        return DCCD_OK;
    size_t nc = c->offs_cap ? c->offs_cap : 1024;
    while (nc < need)
        nc *= 2;
    int64_t *no = dccd_realloc_array(c->offs, nc, sizeof *no);
    if (!no)
        return DCCD_ENOMEM_MSG(err);
    if (!c->offs)
        no[0] = 0;
    pq_big_hint(no, nc * sizeof *no);
    c->offs = no;
    c->offs_cap = nc;
    return DCCD_OK;
}

/* Append rows [r0, r0 + n) of column `in` to the row-group buffers. */
static int buffer_rows(pq_wcol *c, const dccd_pq_column *in, size_t r0, size_t n, dccd_error *err)
{
    int rc;
    const uint8_t *valid = c->f.optional ? in->validity : NULL;
    size_t nvalid = n;
    if (valid) {
        nvalid = 0;
        for (size_t i = 0; i < n; i++)
            nvalid += valid[r0 + i] != 0;
        if (nvalid == n)
            valid = NULL; /* no null in this batch */
    }
    /* Definition levels are only materialised once a pending row is null:
     * while c->defs is empty every buffered row (c->nvals of them) is
     * valid, and a page of them gets one RLE run of 1s. */
    if (c->f.optional && (valid || c->defs.len)) {
        size_t before = c->defs.len ? 0 : c->nvals, add;
        if (!dccd_add_ok(before, n, &add))
            return dccd_err_set(err, DCCD_ERANGE, "row group too large");
        if ((rc = reserve_big(&c->defs, add, err)))
            return rc;
        uint8_t *d = c->defs.data + c->defs.len;
        memset(d, 1, before);
        d += before;
        if (valid) {
            for (size_t i = 0; i < n; i++)
                d[i] = valid[r0 + i] != 0;
        } else {
            memset(d, 1, n);
        }
        c->defs.len += add;
    }
    /* rows count now; values below (a failure after this point fails the writer) */
    c->prows += n;
    if (c->width) {
        const uint8_t *src = (const uint8_t *)in->values + r0 * c->width;
        size_t nv = nvalid;
        if (!nv)
            return DCCD_OK;
        uint8_t *dst;
        size_t bytes = nv * c->width; /* <= n * width: the caller's array */
        if ((rc = reserve_big(&c->vals, bytes, err)))
            return rc;
        dst = c->vals.data + c->vals.len;
        c->vals.len += bytes;
        if (c->f.type == DCCD_PQ_BOOLEAN) {
            for (size_t i = 0; i < n; i++)
                if (!valid || valid[r0 + i])
                    *dst++ = src[i] != 0;
        } else if (!valid) {
            memcpy(dst, src, n * c->width);
        } else if (c->width == 8) {
            for (size_t i = 0; i < n; i++)
                if (valid[r0 + i]) {
                    memcpy(dst, src + i * 8, 8);
                    dst += 8;
                }
        } else {
            for (size_t i = 0; i < n; i++)
                if (valid[r0 + i]) {
                    memcpy(dst, src + i * 4, 4);
                    dst += 4;
                }
        }
        c->nvals += nv;
        return DCCD_OK;
    }
    /* BYTE_ARRAY */
    const int64_t *o = in->offsets + r0;
    if ((rc = offs_reserve(c, c->nvals + n + 1, err)))
        return rc;
    int64_t *dof = c->offs + c->nvals;
    if (!valid) {
        size_t bytes = (size_t)(o[n] - o[0]);
        int64_t base = (int64_t)c->data.len - o[0];
        if (bytes && ((rc = reserve_big(&c->data, bytes, err)) ||
                      (rc = dccd_buf_append(&c->data, in->data + o[0], bytes, err))))
            return rc;
        for (size_t i = 1; i <= n; i++)
            dof[i] = o[i] + base;
        c->nvals += n;
        return DCCD_OK;
    }
    size_t nv = 0;
    for (size_t i = 0; i < n; i++) {
        if (!valid[r0 + i])
            continue;
        size_t l = (size_t)(o[i + 1] - o[i]);
        if (l && (rc = dccd_buf_append(&c->data, in->data + o[i], l, err)))
            return rc;
        dof[++nv] = (int64_t)c->data.len;
    }
    c->nvals += nv;
    return DCCD_OK;
}

static int push_extra(dccd_pq_writer *w, const pq_wextra *ex, dccd_error *err)
{
    pq_wextra *ne = dccd_array_grow(w->extras, &w->extras_cap, w->n_extras, sizeof *ne, 16);
    if (!ne)
        return DCCD_ENOMEM_MSG(err);
    w->extras = ne;
    w->extras[w->n_extras++] = *ex;
    return DCCD_OK;
}

static int push_rg(dccd_pq_writer *w, const pq_row_group *g, dccd_error *err)
{
    pq_row_group *ng = dccd_array_grow(w->rgs, &w->rgs_cap, w->n_rgs, sizeof *ng, 16);
    if (!ng)
        return DCCD_ENOMEM_MSG(err);
    w->rgs = ng;
    w->rgs[w->n_rgs++] = *g;
    return DCCD_OK;
}

static void free_extra(pq_wextra *ex)
{
    free(ex->bloom);
    free(ex->ci);
    free(ex->oi);
    memset(ex, 0, sizeof *ex);
}

static void finish_rg(pq_row_group *g, size_t index)
{
    g->total_byte_size = 0;
    g->total_compressed_size = 0;
    for (size_t c = 0; c < g->n_columns; c++) {
        g->total_byte_size += g->columns[c].meta_data.total_uncompressed_size;
        g->total_compressed_size += g->columns[c].meta_data.total_compressed_size;
    }
    g->has_total_compressed_size = true;
    if (g->n_columns) {
        const pq_column_meta *m = &g->columns[0].meta_data;
        g->has_file_offset = true;
        g->file_offset = m->has_dictionary_page_offset && m->dictionary_page_offset < m->data_page_offset
                             ? m->dictionary_page_offset
                             : m->data_page_offset;
    }
    if (index <= INT16_MAX) {
        g->has_ordinal = true;
        g->ordinal = (int16_t)index;
    }
}

/* Rows of a row group (or of a write call) from which its columns are
 * worth encoding as concurrent tasks: below it, a task hand-off costs
 * about what the work does. */
#define PQ_PAR_ROWS ((size_t)16384)

/* The pool for a parallel step, with one scratch per thread of it; NULL
 * when the writer works on one thread (threads 1, one column, or its own
 * pool could not be started: the work then runs here, as with 1). */
static dccd_pool *par_pool(dccd_pq_writer *w)
{
    if (w->threads <= 1 || w->ncols < 2)
        return NULL;
    dccd_pool *p = w->pool ? w->pool : w->own_pool;
    if (!p) {
        dccd_error e;
        if (dccd_pool_create(w->threads, &w->own_pool, &e) != DCCD_OK) {
            w->threads = 1;
            return NULL;
        }
        p = w->own_pool;
    }
    int n = dccd_pool_threads(p);
    if (n > w->nscr) {
        pq_wscr *ns = dccd_realloc_array(w->scr, (size_t)n, sizeof *ns);
        if (!ns)
            return NULL;
        memset(ns + w->nscr, 0, (size_t)(n - w->nscr) * sizeof *ns);
        w->scr = ns;
        w->nscr = n;
    }
    return p;
}

/* The chunks of a row group finish as concurrent tasks; each is written
 * (in column order) as soon as it and every chunk before it are finished,
 * by whichever task finds it so: the file writes overlap the finishing of
 * the other chunks.  One writer at a time (emitting, under mu); the bytes
 * and their order are those of a serial end of the row group. */
typedef struct finish_ctx {
    dccd_pq_writer *w;
    pq_wextra *ex;
    pq_row_group *g;
    bool pipelined;         /* mu is usable; else the chunks are written after the batch */
    pthread_mutex_t mu;
    bool *finished;         /* per column */
    int next;               /* next column to write */
    bool emitting;          /* a task is writing chunks (without mu held) */
    bool stop;              /* a write failed: no more */
} finish_ctx;

/* Write chunk c of the row group (and hand its extras to the writer). */
static int emit_one(dccd_pq_writer *w, pq_row_group *g, pq_wextra *ex, int c, dccd_error *err)
{
    int rc = pq_emit_chunk(w, c, &g->columns[c], &ex[c], err);
    if (!rc && (ex[c].bloom || ex[c].ci || ex[c].oi)) {
        ex[c].rg = w->n_rgs;
        ex[c].col = c;
        rc = push_extra(w, &ex[c], err);
        if (!rc)
            memset(&ex[c], 0, sizeof ex[c]); /* the writer owns them now */
    }
    return rc ? dccd_err_prefix(err, rc, "column %s", w->cols[c].name) : DCCD_OK;
}

static int finish_task(void *vctx, size_t c, int worker, dccd_error *err)
{
    finish_ctx *f = vctx;
    int rc = pq_finish_chunk(f->w, &f->w->scr[worker], (int)c, &f->ex[c], err);
    if (rc)
        return dccd_err_prefix(err, rc, "column %s", f->w->cols[c].name);
    if (!f->pipelined)
        return DCCD_OK;
    pthread_mutex_lock(&f->mu);
    f->finished[c] = true;
    if (f->emitting || f->stop) {
        pthread_mutex_unlock(&f->mu);
        return DCCD_OK;
    }
    f->emitting = true;
    while (!rc && f->next < f->w->ncols && f->finished[f->next]) {
        int k = f->next;
        pthread_mutex_unlock(&f->mu);
        rc = emit_one(f->w, f->g, f->ex, k, err);
        pthread_mutex_lock(&f->mu);
        if (!rc)
            f->next++;
        else
            f->stop = true;
    }
    f->emitting = false;
    pthread_mutex_unlock(&f->mu);
    return rc;
}

static int end_row_group(dccd_pq_writer *w, dccd_error *err)
{
    if (!w->rg_rows)
        return DCCD_OK;
    int rc = DCCD_OK;
    pq_row_group g;
    memset(&g, 0, sizeof g);
    pq_wextra *ex = calloc((size_t)w->ncols, sizeof *ex);
    g.columns = dccd_arena_array(&w->arena, (size_t)w->ncols, sizeof *g.columns);
    int c = 0;
    if (!g.columns || !ex) {
        rc = DCCD_ENOMEM_MSG(err);
        goto fail;
    }
    g.n_columns = (size_t)w->ncols;
    g.num_rows = (int64_t)w->rg_rows;
    /* the chunks finish (last pages, dictionary page, statistics, bloom
     * filter) concurrently and are written in column order, each as soon
     * as it can be (finish_task); what is left after the batch (no mutex,
     * or no pool) is written here */
    dccd_pool *p = w->rg_rows >= PQ_PAR_ROWS ? par_pool(w) : NULL;
    finish_ctx fc;
    memset(&fc, 0, sizeof fc);
    fc.w = w;
    fc.ex = ex;
    fc.g = &g;
    if (dccd_pool_threads(p) > 1 && (fc.finished = calloc((size_t)w->ncols, sizeof *fc.finished)) &&
        pthread_mutex_init(&fc.mu, NULL) == 0)
        fc.pipelined = true;
    rc = dccd_pool_run(p, (size_t)w->ncols, finish_task, &fc, err);
    if (fc.pipelined)
        pthread_mutex_destroy(&fc.mu);
    free(fc.finished);
    if (rc)
        goto fail;
    for (c = fc.next; c < w->ncols; c++)
        if ((rc = emit_one(w, &g, ex, c, err)))
            goto fail;
    free(ex);
    finish_rg(&g, w->n_rgs);
    if ((rc = push_rg(w, &g, err)))
        goto fail_rg;
    w->rows_done += (int64_t)w->rg_rows;
    w->rg_rows = 0;
    return DCCD_OK;
fail:
    for (int i = 0; ex && i < w->ncols; i++)
        free_extra(&ex[i]);
    free(ex);
fail_rg:
    w->failed = true;
    return dccd_err_prefix(err, rc, "%s: row group %zu", w->name, w->n_rgs);
}

/* Rows [done, done + take) of column c of a write call: a slice (about a
 * page) at a time, each page encoded as soon as its rows are buffered,
 * while in cache.  Touches only column c and the scratch S. */
static int write_col(dccd_pq_writer *w, pq_wscr *S, int c, const dccd_pq_column *in, size_t done, size_t take,
                     dccd_error *err)
{
    pq_wcol *col = &w->cols[c];
    const uint8_t *valid = col->f.optional ? in->validity : NULL;
    size_t slice = pq_slice_rows(w, col), end = done + take;
    int rc;
    for (size_t s = done; s < end;) {
        if (pq_direct_ok(col)) {
            /* nothing buffered: the complete pages of the rows
             * without nulls from here are encoded from the caller's
             * arrays, without a copy */
            size_t m = end - s, used;
            if (valid)
                for (m = 0; s + m < end && valid[s + m]; m++)
                    ;
            pq_wrest rest = {valid ? valid + s + m : NULL, end - s - m};
            if (m && (rc = pq_encode_direct(w, S, c, in, s, m, &rest, &used, err)))
                return dccd_err_prefix(err, rc, "%s: column %s", w->name, col->name);
            if (m && used) {
                s += used;
                continue;
            }
        }
        size_t n = end - s < slice ? end - s : slice;
        pq_wrest rest = {valid ? valid + s + n : NULL, end - s - n};
        if ((rc = buffer_rows(col, in, s, n, err)) || (rc = pq_encode_pages(w, S, c, false, &rest, err)))
            return dccd_err_prefix(err, rc, "%s: column %s", w->name, col->name);
        s += n;
    }
    return DCCD_OK;
}

typedef struct write_ctx {
    dccd_pq_writer *w;
    const dccd_pq_column *cols;
    size_t done, take;
} write_ctx;

static int write_task(void *vctx, size_t c, int worker, dccd_error *err)
{
    write_ctx *x = vctx;
    return write_col(x->w, &x->w->scr[worker], (int)c, &x->cols[c], x->done, x->take, err);
}

int dccd_pq_writer_write(dccd_pq_writer *w, const dccd_pq_column *cols, size_t nrows, dccd_error *err)
{
    if (!w)
        return dccd_err_set(err, DCCD_EINVAL, "writer: NULL handle");
    if (w->failed)
        return dccd_err_set(err, DCCD_ESTATE, "%s: writer failed earlier; only abort is possible", w->name);
    int rc = check_columns(w, cols, nrows, err);
    if (rc)
        return rc;
    size_t done = 0;
    while (done < nrows) {
        size_t room = w->o.row_group_rows - w->rg_rows;
        size_t take = nrows - done < room ? nrows - done : room;
        /* the columns as concurrent tasks (one after another on one
         * thread); each column's pages are the same either way */
        write_ctx x = {w, cols, done, take};
        if ((rc = dccd_pool_run(take >= PQ_PAR_ROWS ? par_pool(w) : NULL, (size_t)w->ncols, write_task, &x, err))) {
            w->failed = true; /* columns are now out of step */
            return rc;
        }
        w->rg_rows += take;
        done += take;
        if (w->rg_rows >= w->o.row_group_rows && (rc = end_row_group(w, err)))
            return rc;
    }
    return DCCD_OK;
}

int dccd_pq_writer_flush(dccd_pq_writer *w, dccd_error *err)
{
    if (!w)
        return dccd_err_set(err, DCCD_EINVAL, "writer: NULL handle");
    if (w->failed)
        return dccd_err_set(err, DCCD_ESTATE, "%s: writer failed earlier; only abort is possible", w->name);
    return end_row_group(w, err);
}

int64_t dccd_pq_writer_rows(const dccd_pq_writer *w)
{
    return w ? w->rows_done + (int64_t)w->rg_rows : 0;
}

int dccd_pq_writer_set_kv(dccd_pq_writer *w, const char *key, const char *value, dccd_error *err)
{
    if (!w)
        return dccd_err_set(err, DCCD_EINVAL, "writer: NULL handle");
    return kv_put(w, key, value, err);
}

/* ---- raw row-group copy ------------------------------------------------------ */

static int clone_bytes(dccd_arena *a, pq_bytes *b, dccd_error *err)
{
    if (!b->p)
        return DCCD_OK;
    const uint8_t *p = dccd_arena_memdup(a, b->p, b->n ? b->n : 1);
    if (!p)
        return DCCD_ENOMEM_MSG(err);
    b->p = p;
    return DCCD_OK;
}

static int clone_str(dccd_arena *a, const char **s, dccd_error *err)
{
    if (!*s)
        return DCCD_OK;
    char *c = dccd_arena_strndup(a, *s, strlen(*s));
    if (!c)
        return DCCD_ENOMEM_MSG(err);
    *s = c;
    return DCCD_OK;
}

/* Deep copy of a column's metadata into the writer's arena (in place: *m
 * starts as a shallow copy). */
static int clone_column_meta(dccd_arena *a, pq_column_meta *m, dccd_error *err)
{
    int rc;
    if (m->n_encodings) {
        int32_t *e = dccd_arena_memdup(a, m->encodings, m->n_encodings * sizeof *e);
        if (!e)
            return DCCD_ENOMEM_MSG(err);
        m->encodings = e;
    }
    if (m->n_path) {
        const char **p = dccd_arena_array(a, m->n_path, sizeof *p);
        if (!p)
            return DCCD_ENOMEM_MSG(err);
        for (size_t i = 0; i < m->n_path; i++) {
            p[i] = m->path_in_schema[i];
            if ((rc = clone_str(a, &p[i], err)))
                return rc;
        }
        m->path_in_schema = p;
    }
    if (m->n_kv) {
        pq_key_value *kv = dccd_arena_array(a, m->n_kv, sizeof *kv);
        if (!kv)
            return DCCD_ENOMEM_MSG(err);
        for (size_t i = 0; i < m->n_kv; i++) {
            kv[i] = m->kv[i];
            if ((rc = clone_str(a, &kv[i].key, err)))
                return rc;
            if (kv[i].value) {
                char *v = dccd_arena_memdup(a, kv[i].value, kv[i].value_len + 1);
                if (!v)
                    return DCCD_ENOMEM_MSG(err);
                v[kv[i].value_len] = '\0';
                kv[i].value = v;
            }
        }
        m->kv = kv;
    }
    pq_statistics *s = &m->statistics;
    if ((rc = clone_bytes(a, &s->min, err)) || (rc = clone_bytes(a, &s->max, err)) ||
        (rc = clone_bytes(a, &s->min_value, err)) || (rc = clone_bytes(a, &s->max_value, err)))
        return rc;
    if (m->n_encoding_stats) {
        pq_page_encoding_stats *es = dccd_arena_memdup(a, m->encoding_stats, m->n_encoding_stats * sizeof *es);
        if (!es)
            return DCCD_ENOMEM_MSG(err);
        m->encoding_stats = es;
    }
    return DCCD_OK;
}

/* Read [off, off+len) of src into a malloc'd buffer. */
static int read_blob(dccd_pq_file *src, uint64_t off, size_t len, uint8_t **out, dccd_error *err)
{
    *out = NULL;
    if (off > src->size || len > src->size - off)
        return dccd_err_set(err, DCCD_ECORRUPT, "%s: range %llu+%zu beyond the end of the file (%llu bytes)",
                            src->name ? src->name : "source", (unsigned long long)off, len,
                            (unsigned long long)src->size);
    uint8_t *b = malloc(len ? len : 1);
    if (!b)
        return DCCD_ENOMEM_MSG(err);
    int rc = pq_file_read_at(src, off, len, b, err);
    if (rc) {
        free(b);
        return rc;
    }
    *out = b;
    return DCCD_OK;
}

static int copy_bloom(dccd_pq_file *src, const pq_column_meta *m, pq_wextra *ex, dccd_error *err)
{
    int rc;
    if (m->bloom_filter_offset < 0)
        return dccd_err_set(err, DCCD_ECORRUPT, "negative bloom_filter_offset");
    uint64_t off = (uint64_t)m->bloom_filter_offset;
    size_t len;
    if (m->has_bloom_filter_length && m->bloom_filter_length > 0) {
        len = (size_t)m->bloom_filter_length;
    } else {
        /* parse the header to learn the bitset size */
        uint8_t hb[256];
        size_t hl = sizeof hb;
        if (off > src->size)
            return dccd_err_set(err, DCCD_ECORRUPT, "bloom_filter_offset %llu beyond the end of the file",
                                (unsigned long long)off);
        if (src->size - off < hl)
            hl = (size_t)(src->size - off);
        if ((rc = pq_file_read_at(src, off, hl, hb, err)))
            return rc;
        pq_bloom_header bh;
        size_t used;
        if ((rc = pq_decode_bloom_header(hb, hl, &bh, &used, err)))
            return rc;
        if (bh.num_bytes <= 0 || (size_t)bh.num_bytes > PQ_BLOOM_MAX_BYTES)
            return dccd_err_set(err, DCCD_ECORRUPT, "bloom filter of %d bytes", (int)bh.num_bytes);
        len = used + (size_t)bh.num_bytes;
    }
    if (len > PQ_BLOOM_MAX_BYTES + 1024)
        return dccd_err_set(err, DCCD_ECORRUPT, "bloom filter of %zu bytes", len);
    if ((rc = read_blob(src, off, len, &ex->bloom, err)))
        return rc;
    ex->bloom_len = len;
    return DCCD_OK;
}

static int copy_page_index(dccd_pq_file *src, const pq_column_chunk *cc, int64_t delta, pq_wextra *ex,
                           dccd_error *err)
{
    int rc;
    if (cc->has_column_index) {
        if (cc->column_index_offset < 0 || cc->column_index_length <= 0 ||
            (size_t)cc->column_index_length > PQ_INDEX_MAX)
            return dccd_err_set(err, DCCD_ECORRUPT, "bad column index location %lld+%d",
                                (long long)cc->column_index_offset, (int)cc->column_index_length);
        if ((rc = read_blob(src, (uint64_t)cc->column_index_offset, (size_t)cc->column_index_length, &ex->ci,
                            err)))
            return rc;
        ex->ci_len = (size_t)cc->column_index_length;
    }
    if (cc->has_offset_index) {
        if (cc->offset_index_offset < 0 || cc->offset_index_length <= 0 ||
            (size_t)cc->offset_index_length > PQ_INDEX_MAX)
            return dccd_err_set(err, DCCD_ECORRUPT, "bad offset index location %lld+%d",
                                (long long)cc->offset_index_offset, (int)cc->offset_index_length);
        uint8_t *raw;
        size_t rl = (size_t)cc->offset_index_length;
        if ((rc = read_blob(src, (uint64_t)cc->offset_index_offset, rl, &raw, err)))
            return rc;
        dccd_arena a;
        dccd_arena_init(&a, PQ_INDEX_MAX);
        pq_offset_index oi;
        rc = pq_decode_offset_index(raw, rl, &a, &oi, err);
        free(raw);
        dccd_buf b = DCCD_BUF_INIT;
        if (!rc) {
            for (size_t i = 0; i < oi.n_pages; i++)
                oi.pages[i].offset += delta;
            rc = pq_encode_offset_index(&b, &oi, err);
        }
        dccd_arena_free(&a);
        if (rc) {
            dccd_buf_free(&b);
            return rc;
        }
        ex->oi = dccd_buf_detach(&b, &ex->oi_len);
    }
    return DCCD_OK;
}

static int copy_chunk(dccd_pq_writer *w, dccd_pq_file *src, int rg, int c, pq_column_chunk *dst, pq_wextra *ex,
                      uint8_t *buf, dccd_error *err)
{
    int rc;
    const pq_column_chunk *sc = &src->meta.row_groups[rg].columns[c];
    if (sc->file_path)
        return dccd_err_set(err, DCCD_EUNSUPPORTED, "chunk stored in another file (%s)", sc->file_path);
    if (sc->has_crypto_metadata)
        return dccd_err_set(err, DCCD_EUNSUPPORTED, "encrypted column chunk");
    if (!sc->has_meta_data)
        return dccd_err_set(err, DCCD_ECORRUPT, "column chunk without metadata");
    uint64_t start, len;
    if ((rc = pq_chunk_range(src, rg, c, &start, &len, err)))
        return rc;
    int64_t delta = (int64_t)w->pos - (int64_t)start;
    for (uint64_t done = 0; done < len;) {
        size_t n = len - done > PQ_COPY_PIECE ? PQ_COPY_PIECE : (size_t)(len - done);
        if ((rc = pq_file_read_at(src, start + done, n, buf, err)))
            return rc;
        if ((rc = pq_wout(w, buf, n, err)))
            return rc;
        done += n;
    }
    *dst = *sc;
    dst->file_path = NULL;
    dst->file_offset = sc->file_offset + delta;
    if (dst->file_offset < 0)
        dst->file_offset = (int64_t)start + delta;
    pq_column_meta *m = &dst->meta_data;
    if ((rc = clone_column_meta(&w->arena, m, err)))
        return rc;
    m->data_page_offset += delta;
    if (m->has_dictionary_page_offset)
        m->dictionary_page_offset += delta;
    if (m->has_index_page_offset)
        m->index_page_offset += delta;
    m->has_bloom_filter_offset = m->has_bloom_filter_length = false;
    dst->has_column_index = dst->has_offset_index = false;
    if (sc->meta_data.has_bloom_filter_offset && (rc = copy_bloom(src, &sc->meta_data, ex, err)))
        return rc;
    if ((rc = copy_page_index(src, sc, delta, ex, err)))
        return rc;
    return DCCD_OK;
}

int dccd_pq_writer_copy_row_group(dccd_pq_writer *w, dccd_pq_file *src, int rg, dccd_error *err)
{
    if (!w || !src)
        return dccd_err_set(err, DCCD_EINVAL, "copy_row_group: NULL argument");
    if (w->failed)
        return dccd_err_set(err, DCCD_ESTATE, "%s: writer failed earlier; only abort is possible", w->name);
    const char *sname = src->name ? src->name : "source";
    if (rg < 0 || (size_t)rg >= src->meta.n_row_groups)
        return dccd_err_set(err, DCCD_EINVAL, "%s: row group %d out of range (%zu row groups)", sname, rg,
                            src->meta.n_row_groups);
    if (src->ncols != w->ncols)
        return dccd_err_set(err, DCCD_EINVAL, "%s: schema mismatch: %d columns, the writer has %d", sname,
                            src->ncols, w->ncols);
    for (int c = 0; c < w->ncols; c++) {
        const dccd_pq_column_info *ci = &src->cols[c];
        const dccd_pq_field *f = &w->cols[c].f;
        if (!ci->name || strcmp(ci->name, f->name) != 0 || ci->type != f->type || ci->optional != f->optional)
            return dccd_err_set(err, DCCD_EINVAL,
                                "%s: schema mismatch at column %d: source %s %s %s, writer %s %s %s", sname, c,
                                ci->name ? ci->name : "?", dccd_pq_type_name(ci->type),
                                ci->optional ? "optional" : "required", f->name, dccd_pq_type_name(f->type),
                                f->optional ? "optional" : "required");
    }
    const pq_row_group *sg = &src->meta.row_groups[rg];
    if (sg->n_columns != (size_t)w->ncols || !sg->columns)
        return dccd_err_set(err, DCCD_ECORRUPT, "%s: row group %d has %zu column chunks for %d columns", sname, rg,
                            sg->n_columns, w->ncols);
    int rc = end_row_group(w, err);
    if (rc)
        return rc;
    pq_row_group g;
    memset(&g, 0, sizeof g);
    g.columns = dccd_arena_array(&w->arena, (size_t)w->ncols, sizeof *g.columns);
    uint8_t *buf = malloc(PQ_COPY_PIECE);
    if (!g.columns || !buf) {
        free(buf);
        return DCCD_ENOMEM_MSG(err);
    }
    g.n_columns = (size_t)w->ncols;
    g.num_rows = sg->num_rows;
    size_t n_extras0 = w->n_extras;
    for (int c = 0; c < w->ncols; c++) {
        pq_wextra ex;
        memset(&ex, 0, sizeof ex);
        rc = copy_chunk(w, src, rg, c, &g.columns[c], &ex, buf, err);
        if (!rc && (ex.bloom || ex.ci || ex.oi)) {
            ex.rg = w->n_rgs;
            ex.col = c;
            rc = push_extra(w, &ex, err);
        }
        if (rc) {
            /* Bytes already copied stay in the file unreferenced (harmless);
             * an output error has marked the writer failed in pq_wout. */
            free_extra(&ex);
            while (w->n_extras > n_extras0)
                free_extra(&w->extras[--w->n_extras]);
            free(buf);
            return dccd_err_prefix(err, rc, "%s: copy row group %d column %s", w->name, rg, w->cols[c].name);
        }
    }
    free(buf);
    finish_rg(&g, w->n_rgs);
    g.total_byte_size = sg->total_byte_size;
    if ((rc = push_rg(w, &g, err))) {
        w->failed = true;
        return rc;
    }
    if (src->meta.version >= 2)
        w->any_v2 = true;
    w->rows_done += sg->num_rows;
    return DCCD_OK;
}

/* ---- close ---------------------------------------------------------------- */

static int set_logical(const dccd_pq_field *f, pq_schema_element *e)
{
    pq_logical_type *lt = &e->logical_type;
    int conv = -1;
    switch (f->logical) {
    case DCCD_PQ_LOG_NONE: return DCCD_OK;
    case DCCD_PQ_LOG_STRING: lt->kind = PQ_LT_STRING; conv = 0; break;
    case DCCD_PQ_LOG_ENUM: lt->kind = PQ_LT_ENUM; conv = 4; break;
    case DCCD_PQ_LOG_JSON: lt->kind = PQ_LT_JSON; conv = 19; break;
    case DCCD_PQ_LOG_BSON: lt->kind = PQ_LT_BSON; conv = 20; break;
    case DCCD_PQ_LOG_DATE: lt->kind = PQ_LT_DATE; conv = 6; break;
    case DCCD_PQ_LOG_INTEGER:
        lt->kind = PQ_LT_INTEGER;
        lt->is_signed = true;
        lt->bit_width = f->type == DCCD_PQ_INT32 ? 32 : 64;
        conv = f->type == DCCD_PQ_INT32 ? 17 : 18; /* INT_32 / INT_64 */
        break;
    case DCCD_PQ_LOG_TIME:
        lt->kind = PQ_LT_TIME;
        lt->unit = (int)f->unit;
        lt->utc = f->utc;
        if (f->utc && f->unit == DCCD_PQ_MILLIS)
            conv = 7;
        else if (f->utc && f->unit == DCCD_PQ_MICROS)
            conv = 8;
        break;
    case DCCD_PQ_LOG_TIMESTAMP:
        lt->kind = PQ_LT_TIMESTAMP;
        lt->unit = (int)f->unit;
        lt->utc = f->utc;
        if (f->utc && f->unit == DCCD_PQ_MILLIS)
            conv = 9;
        else if (f->utc && f->unit == DCCD_PQ_MICROS)
            conv = 10;
        break;
    default: return DCCD_EINVAL;
    }
    e->has_logical_type = true;
    if (conv >= 0) {
        e->has_converted_type = true;
        e->converted_type = conv;
    }
    return DCCD_OK;
}

static int write_footer(dccd_pq_writer *w, dccd_error *err)
{
    int rc;
    /* bloom filters, then column indexes, then offset indexes */
    for (int pass = 0; pass < 3; pass++) {
        for (size_t i = 0; i < w->n_extras; i++) {
            pq_wextra *ex = &w->extras[i];
            pq_column_chunk *cc = &w->rgs[ex->rg].columns[ex->col];
            const uint8_t *p = pass == 0 ? ex->bloom : pass == 1 ? ex->ci : ex->oi;
            size_t n = pass == 0 ? ex->bloom_len : pass == 1 ? ex->ci_len : ex->oi_len;
            if (!p)
                continue;
            if (n > (size_t)INT32_MAX)
                return dccd_err_set(err, DCCD_ERANGE, "%s: index or bloom filter of %zu bytes", w->name, n);
            int64_t off = (int64_t)w->pos;
            if ((rc = pq_wout(w, p, n, err)))
                return rc;
            if (pass == 0) {
                cc->meta_data.has_bloom_filter_offset = cc->meta_data.has_bloom_filter_length = true;
                cc->meta_data.bloom_filter_offset = off;
                cc->meta_data.bloom_filter_length = (int32_t)n;
            } else if (pass == 1) {
                cc->has_column_index = true;
                cc->column_index_offset = off;
                cc->column_index_length = (int32_t)n;
            } else {
                cc->has_offset_index = true;
                cc->offset_index_offset = off;
                cc->offset_index_length = (int32_t)n;
            }
        }
    }

    dccd_arena a;
    dccd_arena_init(&a, 0);
    dccd_buf b = DCCD_BUF_INIT;
    pq_file_meta fm;
    memset(&fm, 0, sizeof fm);
    fm.version = w->o.data_page_v2 || w->any_v2 ? 2 : 1;
    fm.n_schema = (size_t)w->ncols + 1;
    fm.schema = dccd_arena_array(&a, fm.n_schema, sizeof *fm.schema);
    fm.type_defined_order = dccd_arena_array(&a, (size_t)w->ncols, sizeof *fm.type_defined_order);
    fm.kv = dccd_arena_array(&a, w->n_kv ? w->n_kv : 1, sizeof *fm.kv);
    if (!fm.schema || !fm.type_defined_order || !fm.kv) {
        rc = DCCD_ENOMEM_MSG(err);
        goto out;
    }
    fm.schema[0].name = "schema";
    fm.schema[0].num_children = w->ncols;
    for (int c = 0; c < w->ncols; c++) {
        pq_schema_element *e = &fm.schema[c + 1];
        const dccd_pq_field *f = &w->cols[c].f;
        e->has_type = true;
        e->type = (int32_t)f->type;
        e->has_repetition = true;
        e->repetition = f->optional ? PQ_OPTIONAL : PQ_REQUIRED;
        e->name = f->name;
        if (set_logical(f, e)) {
            rc = dccd_err_set(err, DCCD_EINVAL, "%s: column %s: bad logical type", w->name, f->name);
            goto out;
        }
        fm.type_defined_order[c] = true;
    }
    fm.n_column_orders = (size_t)w->ncols;
    fm.num_rows = w->rows_done;
    fm.row_groups = w->rgs;
    fm.n_row_groups = w->n_rgs;
    for (size_t i = 0; i < w->n_kv; i++) {
        fm.kv[i].key = w->kv_keys[i];
        fm.kv[i].value = w->kv_vals[i];
        fm.kv[i].value_len = w->kv_vals[i] ? strlen(w->kv_vals[i]) : 0;
    }
    fm.n_kv = w->n_kv;
    fm.created_by = w->created_by;
    if ((rc = pq_encode_file_meta(&b, &fm, err)))
        goto out;
    if (b.len > UINT32_MAX) {
        rc = dccd_err_set(err, DCCD_ERANGE, "%s: footer of %zu bytes", w->name, b.len);
        goto out;
    }
    uint8_t tail[8];
    dccd_store_u32le(tail, (uint32_t)b.len);
    memcpy(tail + 4, "PAR1", 4);
    if ((rc = pq_wout(w, b.data, b.len, err)) || (rc = pq_wout(w, tail, 8, err)) || (rc = oflush(w, err)))
        goto out;
out:
    dccd_buf_free(&b);
    dccd_arena_free(&a);
    return rc;
}

int dccd_pq_writer_close(dccd_pq_writer *w, dccd_error *err)
{
    if (!w)
        return dccd_err_set(err, DCCD_EINVAL, "writer: NULL handle");
    int rc;
    if (w->failed)
        rc = dccd_err_set(err, DCCD_ESTATE, "%s: writer failed earlier; the file is discarded", w->name);
    else if (!(rc = end_row_group(w, err)))
        rc = write_footer(w, err);
    if (w->own_fd) {
        if (!rc)
            rc = dccd_fsync(w->fd, w->name, err);
        if (close(w->fd) != 0 && !rc)
            rc = dccd_err_errno(err, errno, "close %s", w->name);
        w->fd = -1;
        if (rc && w->path)
            unlink(w->path);
    }
    free_writer(w);
    return rc;
}

void dccd_pq_writer_abort(dccd_pq_writer *w)
{
    if (!w)
        return;
    if (w->own_fd) {
        close(w->fd);
        if (w->path)
            unlink(w->path);
    }
    free_writer(w);
}
