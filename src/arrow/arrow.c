/*
 * src/arrow/arrow.c - the Arrow C Data Interface for dccd tables
 * (include/dccd/arrow.h): schemas, array export, streams over tables and
 * over a running scan, and the import of foreign arrays for save.
 *
 * Written from the Arrow specification ("The Arrow C data interface", "The
 * Arrow C stream interface").  The rules that shape this file:
 *
 *   - Every exported ArrowArray and ArrowSchema owns what it points to
 *     through private_data and frees it in its release callback, which
 *     sets release to NULL.  Children may be moved out by a consumer and
 *     released on their own, so each child array owns its own buffers, and
 *     a parent releases only the children not yet released.
 *   - Buffers: validity bitmaps are LSB-first bit arrays; a NULL validity
 *     buffer is allowed only with null_count 0.  large_utf8 has int64
 *     offsets (n + 1) and a data buffer; bool values are bits.  We never
 *     export a NULL buffer other than validity (some consumers dislike it,
 *     even for length 0).
 *   - A stream's get_next returns 0 and an array whose release is NULL at
 *     the end; an errno value on error, with get_last_error naming it.
 *
 * Ownership on export: int64 / double values, string offsets and string
 * bytes move from the dccd_table into the array without a copy; dccd's
 * byte-per-row validity and boolean values are packed into bits.
 *
 * The scan stream is a read-ahead scan (dccd_ahead, src/store/ahead.c): a
 * reader thread of its own hands chunks through a small ring (readahead
 * slots), so the next row group decodes while the consumer works on the
 * last one, memory stays bounded, and releasing the stream early stops the
 * reader at its next chunk.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dccd/arrow.h"
#include "store/store_int.h"

/* ---- schemas ------------------------------------------------------------ */

static const char *arrow_format(dccd_pq_type t)
{
    switch (t) {
    case DCCD_PQ_INT64: return "l";
    case DCCD_PQ_DOUBLE: return "g";
    case DCCD_PQ_BYTE_ARRAY: return "U";
    case DCCD_PQ_BOOLEAN: return "b";
    default: return NULL;
    }
}

typedef struct schema_priv {
    struct ArrowSchema kids[DCCD_MAX_COLS];
    struct ArrowSchema *ptrs[DCCD_MAX_COLS];
} schema_priv;

static void child_schema_release(struct ArrowSchema *s)
{
    s->release = NULL; /* names and formats are static; the parent owns the struct */
}

static void schema_release(struct ArrowSchema *s)
{
    schema_priv *p = s->private_data;
    for (int i = 0; p && i < (int)s->n_children; i++)
        if (p->ptrs[i]->release)
            p->ptrs[i]->release(p->ptrs[i]);
    free(p);
    s->release = NULL;
}

int dccd_arrow_schema(dccd_data_type type, struct ArrowSchema *out, dccd_error *err)
{
    int n = dccd_schema_ncols(type);
    if (n == 0)
        return dccd_err_set(err, DCCD_EINVAL, "unknown data type %d", (int)type);
    schema_priv *p = calloc(1, sizeof *p);
    if (!p)
        return DCCD_ENOMEM_MSG(err);
    for (int c = 0; c < n; c++) {
        struct ArrowSchema *k = &p->kids[c];
        k->format = arrow_format(dccd_schema_col_type(type, c));
        k->name = dccd_schema_col_name(type, c);
        k->flags = ARROW_FLAG_NULLABLE;
        k->release = child_schema_release;
        p->ptrs[c] = k;
    }
    memset(out, 0, sizeof *out);
    out->format = "+s";
    out->name = "";
    out->n_children = n;
    out->children = p->ptrs;
    out->release = schema_release;
    out->private_data = p;
    return DCCD_OK;
}

/* ---- array export --------------------------------------------------------- */

typedef struct col_priv {
    void *bufs[3];          /* freed by the release callback */
    bool mapped[3];         /* bufs[i] is a dccd_big_alloc mapping */
    const void *ptrs[3];    /* what ArrowArray.buffers points to */
} col_priv;

static void col_release(struct ArrowArray *a)
{
    col_priv *p = a->private_data;
    if (p)
        for (int i = 0; i < 3; i++)
            dccd_big_free(p->bufs[i], p->mapped[i]);
    free(p);
    a->release = NULL;
}

typedef struct top_priv {
    struct ArrowArray kids[DCCD_MAX_COLS];
    struct ArrowArray *ptrs[DCCD_MAX_COLS];
    const void *buf0[1];
} top_priv;

static void top_release(struct ArrowArray *a)
{
    top_priv *p = a->private_data;
    for (int i = 0; p && i < (int)a->n_children; i++)
        if (p->ptrs[i]->release)
            p->ptrs[i]->release(p->ptrs[i]);
    free(p);
    a->release = NULL;
}

static uint8_t *pack_bits(const uint8_t *bytes, size_t n, size_t *zeros)
{
    uint8_t *b = calloc(n / 8 + 1, 1);
    if (!b)
        return NULL;
    size_t z = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t v = bytes[i] != 0;
        b[i >> 3] |= (uint8_t)(v << (i & 7));
        z += !v;
    }
    *zeros = z;
    return b;
}

/* What one column's export needs beyond its own buffers, allocated before
 * anything moves so that a failure leaves the table as it was. */
typedef struct col_plan {
    col_priv *priv;
    uint8_t *bitmap;      /* packed validity, NULL when no nulls */
    size_t nulls;
    uint8_t *bools;       /* packed boolean values */
    void *dummy;          /* stands in for a NULL values/offsets/data buffer */
    void *dummy2;
} col_plan;

static void plan_free(col_plan *pl)
{
    free(pl->priv);
    free(pl->bitmap);
    free(pl->bools);
    free(pl->dummy);
    free(pl->dummy2);
}

static int plan_col(const dccd_pq_column *c, size_t n, col_plan *pl)
{
    memset(pl, 0, sizeof *pl);
    if (!(pl->priv = calloc(1, sizeof *pl->priv)))
        return -1;
    if (c->validity && n) {
        size_t zeros;
        if (!(pl->bitmap = pack_bits(c->validity, n, &zeros)))
            return -1;
        pl->nulls = zeros;
        if (zeros == 0) {
            free(pl->bitmap);
            pl->bitmap = NULL;
        }
    }
    if (c->type == DCCD_PQ_BOOLEAN) {
        size_t ignored;
        if (!(pl->bools = n ? pack_bits(c->values, n, &ignored) : calloc(1, 1)))
            return -1;
    } else if (c->type == DCCD_PQ_BYTE_ARRAY) {
        if (!c->offsets && !(pl->dummy = calloc(1, sizeof(int64_t))))
            return -1;
        if (!c->data && !(pl->dummy2 = malloc(1)))
            return -1;
    } else if (!c->values && !(pl->dummy = calloc(1, 8))) {
        return -1;
    }
    return 0;
}

/* Fill a (child) array from a planned column; moves the column's buffers. */
static void fill_col(dccd_pq_column *c, size_t n, col_plan *pl, struct ArrowArray *a)
{
    col_priv *p = pl->priv;
    memset(a, 0, sizeof *a);
    a->length = (int64_t)n;
    a->null_count = (int64_t)pl->nulls;
    p->bufs[0] = pl->bitmap;
    p->ptrs[0] = pl->bitmap;
    free(c->validity);
    c->validity = NULL;
    if (c->type == DCCD_PQ_BYTE_ARRAY) {
        p->bufs[1] = c->offsets ? (void *)c->offsets : pl->dummy;
        p->mapped[1] = c->offsets && (c->mapped & DCCD_PQ_MAPPED_OFFSETS);
        p->bufs[2] = c->data ? (void *)c->data : pl->dummy2;
        p->ptrs[1] = p->bufs[1];
        p->ptrs[2] = p->bufs[2];
        c->offsets = NULL;
        c->data = NULL;
        a->n_buffers = 3;
    } else if (c->type == DCCD_PQ_BOOLEAN) {
        p->bufs[1] = pl->bools;
        p->ptrs[1] = pl->bools;
        dccd_big_free(c->values, (c->mapped & DCCD_PQ_MAPPED_VALUES) != 0);
        c->values = NULL;
        a->n_buffers = 2;
    } else {
        p->bufs[1] = c->values ? c->values : pl->dummy;
        p->mapped[1] = c->values && (c->mapped & DCCD_PQ_MAPPED_VALUES);
        p->ptrs[1] = p->bufs[1];
        c->values = NULL;
        a->n_buffers = 2;
    }
    c->mapped = 0;
    a->buffers = p->ptrs;
    a->release = col_release;
    a->private_data = p;
    memset(pl, 0, sizeof *pl); /* now owned by the array */
}

int dccd_arrow_export_table(dccd_table *t, struct ArrowArray *out, dccd_error *err)
{
    if (!t->owned)
        return dccd_err_set(err, DCCD_EINVAL, "only an owned table can be exported (its buffers move)");
    int rc = dccd_table_check_layout(t, err);
    if (rc)
        return rc;
    top_priv *tp = calloc(1, sizeof *tp);
    col_plan plans[DCCD_MAX_COLS];
    memset(plans, 0, sizeof plans);
    bool ok = tp != NULL;
    for (int c = 0; ok && c < t->ncols; c++)
        ok = plan_col(&t->cols[c], t->nrows, &plans[c]) == 0;
    if (!ok) {
        for (int c = 0; c < t->ncols; c++)
            plan_free(&plans[c]);
        free(tp);
        return DCCD_ENOMEM_MSG(err);
    }
    for (int c = 0; c < t->ncols; c++) {
        fill_col(&t->cols[c], t->nrows, &plans[c], &tp->kids[c]);
        tp->ptrs[c] = &tp->kids[c];
    }
    memset(out, 0, sizeof *out);
    out->length = (int64_t)t->nrows;
    out->n_buffers = 1;
    tp->buf0[0] = NULL;
    out->buffers = tp->buf0;
    out->n_children = t->ncols;
    out->children = tp->ptrs;
    out->release = top_release;
    out->private_data = tp;
    dccd_table_free(t); /* only emptied columns are left */
    return DCCD_OK;
}

/* ---- streams ---------------------------------------------------------------- */

static int errno_of(int code)
{
    switch (code) {
    case DCCD_EINVAL: return EINVAL;
    case DCCD_ENOMEM: return ENOMEM;
    case DCCD_ENOSPC: return ENOSPC;
    case DCCD_ENOTFOUND: return ENOENT;
    default: return EIO;
    }
}

/* What both streams (over tables, over a scan) start with: the schema's
 * type and the last error, served by stream_get_schema / stream_last_error. */
typedef struct stream_head {
    dccd_data_type type;
    char last_error[DCCD_ERROR_MSG_MAX];
} stream_head;

static int stream_get_schema(struct ArrowArrayStream *st, struct ArrowSchema *out)
{
    stream_head *h = st->private_data;
    dccd_error e;
    int rc = dccd_arrow_schema(h->type, out, &e);
    if (rc)
        snprintf(h->last_error, sizeof h->last_error, "%s", e.msg);
    return rc ? errno_of(rc) : 0;
}

static const char *stream_last_error(struct ArrowArrayStream *st)
{
    stream_head *h = st->private_data;
    return h->last_error[0] ? h->last_error : NULL;
}

typedef struct table_stream {
    stream_head h; /* first: the stream's private_data is also a stream_head */
    dccd_table *t;
    size_t n, next;
} table_stream;

static int ts_get_next(struct ArrowArrayStream *st, struct ArrowArray *out)
{
    table_stream *ts = st->private_data;
    while (ts->next < ts->n && ts->t[ts->next].nrows == 0)
        dccd_table_free(&ts->t[ts->next++]);
    if (ts->next == ts->n) {
        memset(out, 0, sizeof *out); /* release NULL: the end */
        return 0;
    }
    dccd_error e;
    int rc = dccd_arrow_export_table(&ts->t[ts->next], out, &e);
    if (rc) {
        snprintf(ts->h.last_error, sizeof ts->h.last_error, "%s", e.msg);
        return errno_of(rc);
    }
    ts->next++;
    return 0;
}

static void ts_release(struct ArrowArrayStream *st)
{
    table_stream *ts = st->private_data;
    if (ts) {
        for (size_t i = ts->next; i < ts->n; i++)
            dccd_table_free(&ts->t[i]);
        free(ts->t);
        free(ts);
    }
    st->release = NULL;
}

int dccd_arrow_stream_tables(dccd_data_type type, dccd_table *tables, size_t n, struct ArrowArrayStream *out,
                             dccd_error *err)
{
    table_stream *ts = calloc(1, sizeof *ts);
    dccd_table *copy = dccd_malloc_array(n ? n : 1, sizeof *copy);
    if (!ts || !copy) {
        free(ts);
        free(copy);
        for (size_t i = 0; i < n; i++)
            dccd_table_free(&tables[i]);
        return DCCD_ENOMEM_MSG(err);
    }
    for (size_t i = 0; i < n; i++) {
        copy[i] = tables[i];
        dccd_table_init(&tables[i], type);
        tables[i].owned = false;
    }
    ts->h.type = type;
    ts->t = copy;
    ts->n = n;
    memset(out, 0, sizeof *out);
    out->get_schema = stream_get_schema;
    out->get_next = ts_get_next;
    out->get_last_error = stream_last_error;
    out->release = ts_release;
    out->private_data = ts;
    return DCCD_OK;
}

int dccd_store_load_arrow(dccd_store *s, const dccd_dataset *ds, int64_t start, int64_t end,
                          struct ArrowArrayStream *out, dccd_error *err)
{
    dccd_table *chunks;
    size_t n;
    int rc = dccd_store_load_chunks(s, ds, start, end, &chunks, &n, err);
    if (rc)
        return rc;
    rc = dccd_arrow_stream_tables(ds->type, chunks, n, out, err);
    free(chunks);
    return rc;
}

/* ---- the scan stream ------------------------------------------------------------ */

typedef struct scan_stream {
    stream_head h;     /* first, as in table_stream */
    dccd_ahead *ahead; /* the reader thread and its ring (src/store/ahead.c) */
} scan_stream;

static int ss_get_next(struct ArrowArrayStream *st, struct ArrowArray *out)
{
    scan_stream *ss = st->private_data;
    dccd_table t;
    bool end;
    dccd_error e;
    dccd_error_clear(&e);
    int rc = dccd_ahead_next(ss->ahead, &t, &end, &e);
    if (end) {
        if (rc)
            snprintf(ss->h.last_error, sizeof ss->h.last_error, "%s", e.msg);
        memset(out, 0, sizeof *out);
        return rc ? errno_of(rc) : 0;
    }
    rc = dccd_arrow_export_table(&t, out, &e);
    if (rc) {
        dccd_table_free(&t);
        snprintf(ss->h.last_error, sizeof ss->h.last_error, "%s", e.msg);
        return errno_of(rc);
    }
    return 0;
}

static void ss_release(struct ArrowArrayStream *st)
{
    scan_stream *ss = st->private_data;
    if (ss) {
        dccd_ahead_stop(ss->ahead); /* drops the reader's store reference */
        free(ss);
    }
    st->release = NULL;
}

int dccd_store_scan_arrow(dccd_store *s, const dccd_dataset *ds, int64_t start, int64_t end, unsigned readahead,
                          struct ArrowArrayStream *out, dccd_error *err)
{
    scan_stream *ss = calloc(1, sizeof *ss);
    if (!ss)
        return DCCD_ENOMEM_MSG(err);
    int rc = dccd_ahead_start(s, ds, start, end, readahead, &ss->ahead, err);
    if (rc) {
        free(ss);
        return rc;
    }
    ss->h.type = ds->type;
    memset(out, 0, sizeof *out);
    out->get_schema = stream_get_schema;
    out->get_next = ss_get_next;
    out->get_last_error = stream_last_error;
    out->release = ss_release;
    out->private_data = ss;
    return DCCD_OK;
}
