/*
 * src/store/badrows.c - a save that leaves bad rows out instead of failing.
 *
 * dccd_store_save refuses a whole batch when one row is bad (the rules of
 * dccd_table_validate).  A backfill that receives one broken bar in a page
 * of good ones usually wants the good ones stored: dccd_store_save_lenient
 * checks each row on its own (a one-row view of the batch, no copy), keeps
 * the good rows in their order, and saves them; the caller learns how many
 * rows were dropped and why the first one was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

/* Row i of t as a borrowed one-row table. */
static void row_view(const dccd_table *t, size_t i, dccd_table *v)
{
    *v = *t;
    v->owned = false;
    v->nrows = 1;
    for (int c = 0; c < t->ncols; c++) {
        const dccd_pq_column *src = &t->cols[c];
        dccd_pq_column *dst = &v->cols[c];
        dst->n = 1;
        dst->validity = src->validity ? src->validity + i : NULL;
        dst->null_count = dst->validity && !dst->validity[0];
        if (src->type == DCCD_PQ_BYTE_ARRAY) {
            dst->offsets = src->offsets + i;
        } else {
            size_t w = src->type == DCCD_PQ_BOOLEAN ? 1 : 8;
            dst->values = (uint8_t *)src->values + i * w;
        }
    }
}

/* "field 'price': NaN is not allowed" out of a validation message. */
static const char *reason_of(const char *msg, size_t *len)
{
    const char *p = strstr(msg, "field '");
    if (!p)
        p = msg;
    const char *e = strstr(p, "; nothing was written");
    *len = e ? (size_t)(e - p) : strlen(p);
    return p;
}

int dccd_store_save_lenient(dccd_store *s, const dccd_dataset *ds, const dccd_table *batch, const dccd_provenance *prov,
                            bool drop_bad, int64_t *rows_written, int64_t *rows_dropped, dccd_error *first_bad,
                            dccd_error *err)
{
    if (rows_dropped)
        *rows_dropped = 0;
    if (rows_written)
        *rows_written = 0;
    dccd_error_clear(first_bad);
    if (!drop_bad)
        return dccd_store_save(s, ds, batch, prov, rows_written, err);
    int rc = dccd_table_check_layout(batch, err);
    if (rc)
        return rc;
    dccd_error verr;
    if (dccd_table_validate(batch, &verr) == DCCD_OK)
        return dccd_store_save(s, ds, batch, prov, rows_written, err);
    size_t n = batch->nrows, m = 0, dropped = 0;
    size_t *keep = dccd_malloc_array(n, sizeof *keep);
    if (!keep)
        return DCCD_ENOMEM_MSG(err);
    for (size_t i = 0; i < n; i++) {
        dccd_table v;
        row_view(batch, i, &v);
        if (dccd_table_validate(&v, &verr) == DCCD_OK) {
            keep[m++] = i;
            continue;
        }
        if (dropped++ == 0 && first_bad) {
            size_t len;
            const char *why = reason_of(verr.msg, &len);
            dccd_err_set(first_bad, DCCD_EINVAL, "row %zu, %.*s", i, (int)len, why);
        }
    }
    if (rows_dropped)
        *rows_dropped = (int64_t)dropped;
    if (m == 0) {
        free(keep);
        return DCCD_OK;
    }
    dccd_table good;
    rc = dccd_table_gather(batch, keep, m, &good, err);
    free(keep);
    if (rc)
        return rc;
    rc = dccd_store_save(s, ds, &good, prov, rows_written, err);
    dccd_table_free(&good);
    return rc;
}
