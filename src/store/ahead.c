/*
 * src/store/ahead.c - scans that read ahead: a reader thread runs the scan
 * (dccd_store_scan_take) into a bounded ring of decoded chunks while the
 * caller consumes them, so the next row groups decode while the consumer
 * works (encodes them, writes them out, hands them to Arrow).
 *
 * This file owns the ring (dccd_ahead, store_int.h), used by the public
 * dccd_store_scan_ahead (a callback on the caller's thread, as
 * dccd_store_scan) and by the Arrow scan stream (src/arrow/arrow.c).
 *
 * Order and memory: chunks come out in scan order; at most `cap` decoded
 * chunks wait in the ring (plus the one the reader is making and the one
 * the consumer holds).  Stopping early (dccd_ahead_stop before the end)
 * cancels the reader at its next chunk and joins it; an error of the scan
 * is returned by dccd_ahead_next once the chunks before it are consumed.
 * The reader holds a reference on the store (dccd_store_retain), so the
 * caller may close its own first.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

#define AHEAD_CANCELLED (-1000)

struct dccd_ahead {
    dccd_store *s;
    dccd_dataset ds;
    int64_t start, end;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    dccd_table *ring;
    size_t cap, head, count;
    bool done, cancel;
    int rc;
    dccd_error err;
};

static int ahead_put(void *ctx, dccd_table *chunk, dccd_error *err)
{
    (void)err;
    dccd_ahead *a = ctx;
    pthread_mutex_lock(&a->mu);
    while (a->count == a->cap && !a->cancel)
        pthread_cond_wait(&a->cv, &a->mu);
    if (a->cancel) {
        pthread_mutex_unlock(&a->mu);
        return AHEAD_CANCELLED;
    }
    dccd_table *slot = &a->ring[(a->head + a->count) % a->cap];
    dccd_table_init(slot, chunk->type);
    dccd_table_move(slot, chunk);
    a->count++;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    return DCCD_OK;
}

static void *ahead_thread(void *arg)
{
    dccd_ahead *a = arg;
    dccd_error e;
    dccd_error_clear(&e);
    int rc = dccd_store_scan_take(a->s, &a->ds, a->start, a->end, ahead_put, a, &e);
    pthread_mutex_lock(&a->mu);
    a->done = true;
    a->rc = rc == AHEAD_CANCELLED ? DCCD_OK : rc;
    a->err = e;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

int dccd_ahead_start(dccd_store *s, const dccd_dataset *ds, int64_t start, int64_t end, size_t cap,
                     dccd_ahead **out, dccd_error *err)
{
    *out = NULL;
    int rc = dccd_dataset_validate(ds, err);
    if (rc)
        return rc;
    dccd_ahead *a = calloc(1, sizeof *a);
    if (!cap)
        cap = 2;
    if (!a || !(a->ring = dccd_malloc_array(cap, sizeof *a->ring))) {
        free(a);
        return DCCD_ENOMEM_MSG(err);
    }
    a->cap = cap;
    a->s = s;
    a->ds = *ds;
    a->start = start;
    a->end = end;
    if (pthread_mutex_init(&a->mu, NULL) != 0) {
        free(a->ring);
        free(a);
        return dccd_err_set(err, DCCD_EIO, "read-ahead scan: cannot create a mutex");
    }
    if (pthread_cond_init(&a->cv, NULL) != 0) {
        pthread_mutex_destroy(&a->mu);
        free(a->ring);
        free(a);
        return dccd_err_set(err, DCCD_EIO, "read-ahead scan: cannot create a condition variable");
    }
    dccd_store_retain(s);
    int prc = pthread_create(&a->thread, NULL, ahead_thread, a);
    if (prc != 0) {
        dccd_store_close(s);
        pthread_cond_destroy(&a->cv);
        pthread_mutex_destroy(&a->mu);
        free(a->ring);
        free(a);
        return dccd_err_errno(err, prc, "read-ahead scan: cannot start the reader thread");
    }
    *out = a;
    return DCCD_OK;
}

int dccd_ahead_next(dccd_ahead *a, dccd_table *chunk, bool *end, dccd_error *err)
{
    pthread_mutex_lock(&a->mu);
    while (a->count == 0 && !a->done)
        pthread_cond_wait(&a->cv, &a->mu);
    if (a->count == 0) {
        int rc = a->rc;
        if (rc && err)
            *err = a->err;
        pthread_mutex_unlock(&a->mu);
        *end = true;
        return rc;
    }
    *chunk = a->ring[a->head];
    dccd_table_init(&a->ring[a->head], chunk->type);
    a->head = (a->head + 1) % a->cap;
    a->count--;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    *end = false;
    return DCCD_OK;
}

void dccd_ahead_stop(dccd_ahead *a)
{
    if (!a)
        return;
    pthread_mutex_lock(&a->mu);
    a->cancel = true;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    pthread_join(a->thread, NULL);
    for (size_t i = 0; i < a->count; i++)
        dccd_table_free(&a->ring[(a->head + i) % a->cap]);
    free(a->ring);
    pthread_cond_destroy(&a->cv);
    pthread_mutex_destroy(&a->mu);
    dccd_store_close(a->s); /* the reader's reference */
    free(a);
}

int dccd_store_scan_ahead(dccd_store *s, const dccd_dataset *ds, int64_t start, int64_t end, unsigned readahead,
                          dccd_scan_fn cb, void *ctx, dccd_error *err)
{
    if (!s || !ds || !cb)
        return dccd_err_set(err, DCCD_EINVAL, "dccd_store_scan_ahead: NULL argument");
    dccd_ahead *a;
    int rc = dccd_ahead_start(s, ds, start, end, readahead, &a, err);
    if (rc)
        return rc;
    for (;;) {
        dccd_table t;
        bool done;
        if ((rc = dccd_ahead_next(a, &t, &done, err)) || done)
            break;
        rc = cb(ctx, &t, err);
        dccd_table_free(&t);
        if (rc)
            break;
    }
    dccd_ahead_stop(a);
    return rc;
}
