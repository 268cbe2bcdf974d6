/*
 * src/arrow/import.c - foreign Arrow arrays into canonical dccd tables, and
 * save from an ArrowArrayStream (include/dccd/arrow.h).
 *
 * A struct array is matched to the canonical schema by child name.  Values
 * whose layout is already dccd's (int64 and float64 values, large_utf8
 * offsets and bytes) are borrowed in place, offset included; everything
 * else is converted into buffers kept in an import_keep: validity bitmaps
 * into dccd's byte-per-row validity, bit-packed booleans into bytes, int32
 * and float32 widened, int32 string offsets widened, string views and
 * dictionary-encoded strings (polars' String and Categorical) gathered into
 * offsets + bytes.  Anything else is an error naming the column and its
 * Arrow format, so nothing is saved from a frame dccd would misread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dccd/arrow.h"
#include "store/store_int.h"

typedef struct import_keep {
    void **bufs;
    size_t n, cap;
} import_keep;

void dccd_arrow_keep_free(void *keep)
{
    import_keep *k = keep;
    if (!k)
        return;
    for (size_t i = 0; i < k->n; i++)
        free(k->bufs[i]);
    free(k->bufs);
    free(k);
}

static void *keep_alloc(import_keep *k, size_t n, size_t size, bool zero)
{
    void **nb = dccd_array_grow(k->bufs, &k->cap, k->n, sizeof *nb, 16);
    if (!nb)
        return NULL;
    k->bufs = nb;
    size_t bytes;
    if (!dccd_mul_ok(n ? n : 1, size, &bytes))
        return NULL;
    void *p = zero ? calloc(1, bytes) : malloc(bytes);
    if (p)
        k->bufs[k->n++] = p;
    return p;
}

static bool bit(const void *bitmap, int64_t i)
{
    return (((const uint8_t *)bitmap)[i >> 3] >> (i & 7)) & 1;
}

/* Columns the seed's records may leave out (all-null when absent). */
static bool may_be_absent(dccd_data_type type, int c)
{
    switch (type) {
    case DCCD_OHLC: return c == OHLC_QUOTE_VOLUME || c == OHLC_TRADES;
    case DCCD_TRADES: return c == TR_SIDE || c == TR_TID;
    case DCCD_ORDERBOOK: return c == BK_COUNT;
    }
    return false;
}

static int col_err(dccd_error *err, const char *name, const char *fmt, const char *what)
{
    return dccd_err_set(err, DCCD_EINVAL, "column '%s': Arrow format \"%s\" %s", name, fmt, what);
}

static bool is_int_fmt(const char *f)
{
    return f[1] == '\0' && strchr("cCsSiIlL", f[0]) != NULL;
}

static int64_t int_at(const char *f, const void *buf, int64_t i)
{
    switch (f[0]) {
    case 'c': return ((const int8_t *)buf)[i];
    case 'C': return ((const uint8_t *)buf)[i];
    case 's': return ((const int16_t *)buf)[i];
    case 'S': return ((const uint16_t *)buf)[i];
    case 'i': return ((const int32_t *)buf)[i];
    case 'I': return ((const uint32_t *)buf)[i];
    case 'l': return ((const int64_t *)buf)[i];
    default: return (int64_t)((const uint64_t *)buf)[i];
    }
}

/* String i of a "u" / "U" / "vu" array (absolute index, offset applied). */
static bool str_at(const char *f, const struct ArrowArray *a, int64_t i, const uint8_t **p, size_t *len)
{
    if (strcmp(f, "U") == 0) {
        const int64_t *o = a->buffers[1];
        *p = (const uint8_t *)a->buffers[2] + o[i];
        *len = (size_t)(o[i + 1] - o[i]);
        return o[i + 1] >= o[i];
    }
    if (strcmp(f, "u") == 0) {
        const int32_t *o = a->buffers[1];
        *p = (const uint8_t *)a->buffers[2] + o[i];
        *len = (size_t)(o[i + 1] - o[i]);
        return o[i + 1] >= o[i];
    }
    /* string view: 16-byte views; <= 12 bytes inline, else buffer index + offset */
    const uint8_t *v = (const uint8_t *)a->buffers[1] + 16 * i;
    int32_t n;
    memcpy(&n, v, 4);
    if (n < 0)
        return false;
    *len = (size_t)n;
    if (n <= 12) {
        *p = v + 4;
        return true;
    }
    int32_t bi, off;
    memcpy(&bi, v + 8, 4);
    memcpy(&off, v + 12, 4);
    /* buffers: validity, views, data buffers..., variadic sizes */
    if (bi < 0 || (int64_t)bi + 2 >= a->n_buffers || off < 0)
        return false;
    *p = (const uint8_t *)a->buffers[2 + bi] + off;
    return true;
}

static bool is_str_fmt(const char *f)
{
    return strcmp(f, "u") == 0 || strcmp(f, "U") == 0 || strcmp(f, "vu") == 0;
}

static int import_col(dccd_data_type type, int c, const struct ArrowSchema *cs, const struct ArrowArray *ca,
                      int64_t base, size_t n, dccd_pq_column *out, import_keep *k, dccd_error *err)
{
    const char *name = dccd_schema_col_name(type, c);
    dccd_pq_type want = dccd_schema_col_type(type, c);
    const char *f = cs->format;
    int64_t off = base + ca->offset;
    memset(out, 0, sizeof *out);
    out->type = want;
    out->n = n;
    if (ca->length < (int64_t)n - base && base == 0)
        return dccd_err_set(err, DCCD_EINVAL, "column '%s' has %lld rows, the batch %zu", name,
                            (long long)ca->length, n);
    /* validity */
    const void *vbuf = ca->n_buffers > 0 ? ca->buffers[0] : NULL;
    if (ca->dictionary == NULL && strcmp(f, "n") == 0)
        return col_err(err, name, f, "(null type) cannot be stored");
    if (vbuf && ca->null_count != 0 && n) {
        uint8_t *v = keep_alloc(k, n, 1, false);
        if (!v)
            return DCCD_ENOMEM_MSG(err);
        size_t z = 0;
        for (size_t i = 0; i < n; i++) {
            v[i] = bit(vbuf, off + (int64_t)i);
            z += !v[i];
        }
        if (z) {
            out->validity = v;
            out->null_count = z;
        }
    }
    if (n == 0) {
        /* nothing to read; give the layout dccd expects */
        if (want == DCCD_PQ_BYTE_ARRAY) {
            out->offsets = keep_alloc(k, 1, sizeof(int64_t), true);
            if (!out->offsets)
                return DCCD_ENOMEM_MSG(err);
        } else if (!(out->values = keep_alloc(k, 1, 8, true))) {
            return DCCD_ENOMEM_MSG(err);
        }
        return DCCD_OK;
    }
    if (want == DCCD_PQ_INT64) {
        if (strcmp(f, "l") == 0 || (c == 0 && strncmp(f, "tsn:", 4) == 0)) {
            out->values = (int64_t *)ca->buffers[1] + off; /* borrowed */
            return DCCD_OK;
        }
        if (!is_int_fmt(f) || f[0] == 'L')
            return col_err(err, name, f, c == 0 ? "cannot be TS (int64 nanoseconds or timestamp[ns] expected)"
                                                : "cannot be stored as int64");
        int64_t *v = keep_alloc(k, n, sizeof *v, false);
        if (!v)
            return DCCD_ENOMEM_MSG(err);
        for (size_t i = 0; i < n; i++)
            v[i] = int_at(f, ca->buffers[1], off + (int64_t)i);
        out->values = v;
        return DCCD_OK;
    }
    if (want == DCCD_PQ_DOUBLE) {
        if (strcmp(f, "g") == 0) {
            out->values = (double *)ca->buffers[1] + off; /* borrowed */
            return DCCD_OK;
        }
        double *v = keep_alloc(k, n, sizeof *v, false);
        if (!v)
            return DCCD_ENOMEM_MSG(err);
        if (strcmp(f, "f") == 0) {
            for (size_t i = 0; i < n; i++)
                v[i] = ((const float *)ca->buffers[1])[off + (int64_t)i];
        } else if (is_int_fmt(f)) {
            for (size_t i = 0; i < n; i++)
                v[i] = (double)int_at(f, ca->buffers[1], off + (int64_t)i);
        } else {
            return col_err(err, name, f, "cannot be stored as float64");
        }
        out->values = v;
        return DCCD_OK;
    }
    if (want == DCCD_PQ_BOOLEAN) {
        if (strcmp(f, "b") != 0)
            return col_err(err, name, f, "cannot be stored as bool");
        uint8_t *v = keep_alloc(k, n, 1, false);
        if (!v)
            return DCCD_ENOMEM_MSG(err);
        for (size_t i = 0; i < n; i++)
            v[i] = bit(ca->buffers[1], off + (int64_t)i);
        out->values = v;
        return DCCD_OK;
    }
    /* strings */
    if (strcmp(f, "U") == 0) {
        out->offsets = (int64_t *)ca->buffers[1] + off; /* borrowed */
        out->data = (uint8_t *)ca->buffers[2];
        return DCCD_OK;
    }
    const struct ArrowSchema *ds = NULL;
    const struct ArrowArray *da = NULL;
    if (cs->dictionary) {
        ds = cs->dictionary;
        da = ca->dictionary;
        if (!is_int_fmt(f) || !da || !is_str_fmt(ds->format))
            return col_err(err, name, f, "(dictionary) cannot be stored as a string");
    } else if (!is_str_fmt(f)) {
        return col_err(err, name, f, "cannot be stored as a string");
    }
    int64_t *o = keep_alloc(k, n + 1, sizeof *o, false);
    if (!o)
        return DCCD_ENOMEM_MSG(err);
    /* two passes: sizes, then bytes */
    size_t total = 0;
    for (int pass = 0; pass < 2; pass++) {
        uint8_t *d = NULL;
        if (pass == 1 && !(d = keep_alloc(k, total ? total : 1, 1, false)))
            return DCCD_ENOMEM_MSG(err);
        size_t at = 0;
        o[0] = 0;
        for (size_t i = 0; i < n; i++) {
            const uint8_t *p = NULL;
            size_t len = 0;
            bool valid = !out->validity || out->validity[i];
            if (valid) {
                bool ok;
                if (ds) {
                    int64_t key = int_at(f, ca->buffers[1], off + (int64_t)i);
                    if (key < 0 || key >= da->length)
                        return dccd_err_set(err, DCCD_EINVAL, "column '%s': dictionary key %lld out of range",
                                            name, (long long)key);
                    ok = str_at(ds->format, da, da->offset + key, &p, &len);
                } else {
                    ok = str_at(f, ca, off + (int64_t)i, &p, &len);
                }
                if (!ok)
                    return dccd_err_set(err, DCCD_EINVAL, "column '%s': malformed string at row %zu", name, i);
            }
            if (pass == 1 && len)
                memcpy(d + at, p, len);
            at += len;
            o[i + 1] = (int64_t)at;
        }
        total = at;
        out->data = d;
    }
    out->offsets = o;
    return DCCD_OK;
}

int dccd_arrow_import(dccd_data_type type, const struct ArrowSchema *schema, const struct ArrowArray *array,
                      dccd_table *out, void **keep, dccd_error *err)
{
    *keep = NULL;
    int ncols = dccd_schema_ncols(type);
    if (ncols == 0)
        return dccd_err_set(err, DCCD_EINVAL, "unknown data type %d", (int)type);
    if (!schema || !schema->format || strcmp(schema->format, "+s") != 0)
        return dccd_err_set(err, DCCD_EINVAL, "Arrow data must be a struct array (a record batch), got format \"%s\"",
                            schema && schema->format ? schema->format : "(none)");
    if (array->n_children != schema->n_children)
        return dccd_err_set(err, DCCD_EINVAL, "Arrow array has %lld children, its schema %lld",
                            (long long)array->n_children, (long long)schema->n_children);
    if (array->null_count > 0 && array->n_buffers > 0 && array->buffers[0])
        return dccd_err_set(err, DCCD_EINVAL, "Arrow record batch has null rows (a null struct)");
    if (array->length < 0 || array->offset < 0)
        return dccd_err_set(err, DCCD_EINVAL, "Arrow array has a negative length or offset");
    int map[DCCD_MAX_COLS];
    for (int c = 0; c < ncols; c++)
        map[c] = -1;
    for (int64_t i = 0; i < schema->n_children; i++) {
        const char *nm = schema->children[i]->name ? schema->children[i]->name : "";
        int c = dccd_schema_col_index(type, nm);
        if (c < 0) {
            char cols[256];
            size_t at = 0;
            for (int j = 0; j < ncols && at < sizeof cols; j++)
                at += (size_t)snprintf(cols + at, sizeof cols - at, "%s%s", j ? ", " : "", dccd_schema_col_name(type, j));
            return dccd_err_set(err, DCCD_EINVAL, "unexpected column '%s' (the %s schema is %s)", nm,
                                dccd_data_type_name(type), cols);
        }
        if (map[c] >= 0)
            return dccd_err_set(err, DCCD_EINVAL, "column '%s' appears twice", nm);
        if (array->children[i]->length < array->offset + array->length)
            return dccd_err_set(err, DCCD_EINVAL, "column '%s' is shorter than its record batch", nm);
        map[c] = (int)i;
    }
    import_keep *k = calloc(1, sizeof *k);
    if (!k)
        return DCCD_ENOMEM_MSG(err);
    dccd_table_init(out, type);
    out->owned = false;
    size_t n = (size_t)array->length;
    out->nrows = n;
    int rc = DCCD_OK;
    for (int c = 0; c < ncols && !rc; c++) {
        if (map[c] < 0) {
            if (!may_be_absent(type, c)) {
                rc = dccd_err_set(err, DCCD_EINVAL, "column '%s' is missing (the %s schema needs it)",
                                  dccd_schema_col_name(type, c), dccd_data_type_name(type));
                break;
            }
            dccd_pq_column *col = &out->cols[c];
            col->type = dccd_schema_col_type(type, c);
            col->n = n;
            col->null_count = n;
            if (!(col->validity = keep_alloc(k, n, 1, true)))
                rc = DCCD_ENOMEM_MSG(err);
            else if (col->type == DCCD_PQ_BYTE_ARRAY ? !(col->offsets = keep_alloc(k, n + 1, 8, true))
                                                      : !(col->values = keep_alloc(k, n, 8, true)))
                rc = DCCD_ENOMEM_MSG(err);
            if (n == 0) {
                col->validity = NULL;
                col->null_count = 0;
            }
            continue;
        }
        rc = import_col(type, c, schema->children[map[c]], array->children[map[c]], array->offset, n, &out->cols[c],
                        k, err);
    }
    if (rc) {
        dccd_arrow_keep_free(k);
        dccd_table_init(out, type);
        return rc;
    }
    *keep = k;
    return DCCD_OK;
}

/* ---- save from a stream ------------------------------------------------------ */

static int stream_err(struct ArrowArrayStream *st, int erc, const char *what, dccd_error *err)
{
    const char *m = st->get_last_error ? st->get_last_error(st) : NULL;
    return dccd_err_set(err, DCCD_EIO, "Arrow stream: %s failed (errno %d)%s%s", what, erc, m ? ": " : "",
                        m ? m : "");
}

int dccd_store_save_arrow(dccd_store *s, const dccd_dataset *ds, struct ArrowArrayStream *stream,
                          const dccd_provenance *prov, bool drop_bad, int64_t *rows_written, int64_t *rows_dropped,
                          dccd_error *first_bad, dccd_error *err)
{
    if (rows_written)
        *rows_written = 0;
    if (rows_dropped)
        *rows_dropped = 0;
    if (!stream || !stream->release)
        return dccd_err_set(err, DCCD_EINVAL, "Arrow stream is released or missing");
    struct ArrowSchema schema;
    int erc = stream->get_schema(stream, &schema);
    if (erc)
        return stream_err(stream, erc, "get_schema", err);
    struct ArrowArray *arrays = NULL;
    dccd_table *tables = NULL;
    void **keeps = NULL;
    size_t n = 0, cap = 0;
    int rc = DCCD_OK;
    for (;;) {
        struct ArrowArray a;
        if ((erc = stream->get_next(stream, &a))) {
            rc = stream_err(stream, erc, "get_next", err);
            break;
        }
        if (!a.release)
            break;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 4;
            struct ArrowArray *na = realloc(arrays, nc * sizeof *na);
            if (na)
                arrays = na;
            dccd_table *nt = na ? realloc(tables, nc * sizeof *nt) : NULL;
            if (nt)
                tables = nt;
            void **nk = nt ? realloc(keeps, nc * sizeof *nk) : NULL;
            if (nk)
                keeps = nk;
            if (!nk) {
                a.release(&a);
                rc = DCCD_ENOMEM_MSG(err);
                break;
            }
            cap = nc;
        }
        arrays[n] = a;
        rc = dccd_arrow_import(ds->type, &schema, &arrays[n], &tables[n], &keeps[n], err);
        if (rc) {
            arrays[n].release(&arrays[n]);
            dccd_err_prefix(err, rc, "batch %zu", n);
            break;
        }
        n++;
    }
    if (!rc) {
        dccd_table all;
        const dccd_table *batch = NULL;
        if (n == 1) {
            batch = &tables[0];
        } else if (n > 1) {
            const dccd_table **pp = dccd_malloc_array(n, sizeof *pp);
            if (!pp) {
                rc = DCCD_ENOMEM_MSG(err);
            } else {
                for (size_t i = 0; i < n; i++)
                    pp[i] = &tables[i];
                rc = dccd_table_concat(pp, n, &all, err);
                free(pp);
                if (!rc)
                    batch = &all;
            }
        }
        if (!rc && batch) {
            rc = dccd_store_save_lenient(s, ds, batch, prov, drop_bad, rows_written, rows_dropped, first_bad, err);
        }
        if (n > 1 && batch)
            dccd_table_free(&all);
    }
    for (size_t i = 0; i < n; i++) {
        dccd_arrow_keep_free(keeps[i]);
        arrays[i].release(&arrays[i]);
    }
    free(arrays);
    free(tables);
    free(keeps);
    schema.release(&schema);
    return rc;
}
