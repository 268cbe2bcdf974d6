/*
 * src/common/pool.c - the thread pool (include/dccd/pool.h) and its
 * fork-join primitive (src/common/pool.h).
 *
 * A batch (one dccd_pool_run call) lives on its caller's stack and is
 * queued on the pool while it has tasks not yet started.  Workers and the
 * caller take the next task number under the pool's mutex; a task runs
 * without the lock.  The first failure stores its error in the batch and
 * marks every remaining task as taken, so none starts; the caller waits on
 * the pool's condition variable until no task of its batch is running.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"
#include "common/pool.h"

typedef struct pool_batch {
    dccd_task_fn fn;
    void *ctx;
    size_t ntasks;
    size_t next;            /* next task to start; ntasks once all are taken */
    size_t running;         /* tasks started and not yet returned */
    int rc;                 /* first failure */
    dccd_error err;
    struct pool_batch *qnext; /* queue link while tasks remain to start */
    bool queued;
} pool_batch;

typedef struct pool_worker {
    dccd_pool *pool;
    int id;                 /* 1 .. threads-1 */
    pthread_t th;
} pool_worker;

struct dccd_pool {
    pthread_mutex_t mu;
    pthread_cond_t work;    /* a batch was queued, or stop */
    pthread_cond_t done;    /* a task returned */
    int threads;
    int started;            /* worker threads running */
    bool stop;
    pool_batch *head, *tail;
    pool_worker *workers;
};

int dccd_threads_resolve(int threads)
{
    if (threads < 0)
        return 1;
    if (threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n < 1 ? 1 : n > DCCD_POOL_MAX_THREADS ? DCCD_POOL_MAX_THREADS : (int)n;
    }
    return threads > DCCD_POOL_MAX_THREADS ? DCCD_POOL_MAX_THREADS : threads;
}

int dccd_pool_threads(const dccd_pool *p)
{
    return p ? p->threads : 1;
}

/* Unlink b from the queue (the lock held). */
static void dequeue(dccd_pool *p, pool_batch *b)
{
    if (!b->queued)
        return;
    pool_batch **pp = &p->head, *prev = NULL;
    while (*pp && *pp != b) {
        prev = *pp;
        pp = &(*pp)->qnext;
    }
    if (*pp) {
        *pp = b->qnext;
        if (p->tail == b)
            p->tail = prev;
    }
    b->qnext = NULL;
    b->queued = false;
}

/* Take the next task of b (the lock held); false when none is left. */
static bool take(dccd_pool *p, pool_batch *b, size_t *task)
{
    if (b->next >= b->ntasks)
        return false;
    *task = b->next++;
    b->running++;
    if (b->next >= b->ntasks)
        dequeue(p, b);
    return true;
}

/* Run one task of b and record its result; called without the lock,
 * returns with it held. */
static void run_task(dccd_pool *p, pool_batch *b, size_t task, int worker)
{
    dccd_error e;
    e.code = DCCD_OK;
    e.sys_errno = 0;
    e.msg[0] = '\0';
    int rc = b->fn(b->ctx, task, worker, &e);
    pthread_mutex_lock(&p->mu);
    if (rc && !b->rc) {
        b->rc = rc;
        b->err = e;
        if (b->err.code == DCCD_OK) /* a task that forgot its message */
            dccd_err_set(&b->err, rc, "task %zu failed", task);
        b->next = b->ntasks; /* nothing more starts */
        dequeue(p, b);
    }
    b->running--;
    if (!b->running && b->next >= b->ntasks)
        pthread_cond_broadcast(&p->done);
}

static void *worker_main(void *arg)
{
    pool_worker *w = arg;
    dccd_pool *p = w->pool;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && !p->head)
            pthread_cond_wait(&p->work, &p->mu);
        if (p->stop)
            break;
        pool_batch *b = p->head;
        size_t task;
        if (!take(p, b, &task))
            continue; /* cannot happen: a queued batch has tasks left */
        pthread_mutex_unlock(&p->mu);
        run_task(p, b, task, w->id);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

void dccd_pool_destroy(dccd_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->started; i++)
        pthread_join(p->workers[i].th, NULL);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->mu);
    free(p->workers);
    free(p);
}

int dccd_pool_create(int threads, dccd_pool **out, dccd_error *err)
{
    if (!out)
        return dccd_err_set(err, DCCD_EINVAL, "pool: NULL output handle");
    *out = NULL;
    if (threads < 0 || threads > DCCD_POOL_MAX_THREADS)
        return dccd_err_set(err, DCCD_EINVAL, "pool: %d threads (expected 0 for the online CPUs, or 1 .. %d)",
                            threads, DCCD_POOL_MAX_THREADS);
    dccd_pool *p = calloc(1, sizeof *p);
    if (!p)
        return DCCD_ENOMEM_MSG(err);
    p->threads = dccd_threads_resolve(threads);
    if (pthread_mutex_init(&p->mu, NULL)) {
        free(p);
        return dccd_err_set(err, DCCD_ENOMEM, "pool: cannot create a mutex");
    }
    if (pthread_cond_init(&p->work, NULL)) {
        pthread_mutex_destroy(&p->mu);
        free(p);
        return dccd_err_set(err, DCCD_ENOMEM, "pool: cannot create a condition variable");
    }
    if (pthread_cond_init(&p->done, NULL)) {
        pthread_cond_destroy(&p->work);
        pthread_mutex_destroy(&p->mu);
        free(p);
        return dccd_err_set(err, DCCD_ENOMEM, "pool: cannot create a condition variable");
    }
    if (p->threads > 1) {
        p->workers = calloc((size_t)p->threads - 1, sizeof *p->workers);
        if (!p->workers) {
            dccd_pool_destroy(p);
            return DCCD_ENOMEM_MSG(err);
        }
        for (int i = 0; i < p->threads - 1; i++) {
            p->workers[i].pool = p;
            p->workers[i].id = i + 1;
            int e = pthread_create(&p->workers[i].th, NULL, worker_main, &p->workers[i]);
            if (e) {
                dccd_pool_destroy(p);
                return dccd_err_errno(err, e, "pool: cannot start thread %d of %d", i + 2, threads);
            }
            p->started++;
        }
    }
    *out = p;
    return DCCD_OK;
}

int dccd_pool_run(dccd_pool *p, size_t ntasks, dccd_task_fn fn, void *ctx, dccd_error *err)
{
    if (!fn)
        return dccd_err_set(err, DCCD_EINVAL, "pool: NULL task function");
    if (!p || p->threads <= 1 || ntasks <= 1) {
        for (size_t t = 0; t < ntasks; t++) {
            int rc = fn(ctx, t, 0, err);
            if (rc)
                return rc;
        }
        return DCCD_OK;
    }
    pool_batch b;
    memset(&b, 0, sizeof b);
    b.fn = fn;
    b.ctx = ctx;
    b.ntasks = ntasks;
    pthread_mutex_lock(&p->mu);
    b.queued = true;
    if (p->tail)
        p->tail->qnext = &b;
    else
        p->head = &b;
    p->tail = &b;
    if (ntasks - 1 >= (size_t)p->threads - 1)
        pthread_cond_broadcast(&p->work);
    else
        for (size_t i = 0; i < ntasks - 1; i++)
            pthread_cond_signal(&p->work);
    size_t task;
    while (take(p, &b, &task)) {
        pthread_mutex_unlock(&p->mu);
        run_task(p, &b, task, 0);
    }
    while (b.running)
        pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
    if (b.rc) {
        if (err)
            *err = b.err;
        return b.rc;
    }
    return DCCD_OK;
}
