/*
 * dccd/pool.h - a thread pool that a caller owns and hands to the calls
 * that can use it (the Parquet reader and writer, the store).  There is no
 * global pool: a dccd_store owns one (dccd_store_options.threads), a
 * Parquet writer makes one when asked for threads and given none, and
 * dccd_pq_read_columns / dccd_pq_read_row_groups take one.
 *
 * A pool of N threads runs N tasks at once: N - 1 worker threads plus the
 * thread that asked for the work, which always helps.  A pool of 1 starts
 * no thread at all: every task runs on the caller, in order.
 *
 * Thread safety: one pool may be used by any number of threads at once
 * (their batches of tasks share the workers); destroy it only when no call
 * is using it.
 */
#ifndef DCCD_POOL_H
#define DCCD_POOL_H

#include "dccd/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dccd_pool dccd_pool;

/* The largest thread count a pool accepts. */
#define DCCD_POOL_MAX_THREADS 256

/* threads 0 = the online CPUs (sysconf(_SC_NPROCESSORS_ONLN)); otherwise
 * 1 .. DCCD_POOL_MAX_THREADS.  Starts threads - 1 worker threads. */
int dccd_pool_create(int threads, dccd_pool **out, dccd_error *err);
/* Stops and joins the workers.  NULL allowed. */
void dccd_pool_destroy(dccd_pool *p);
/* Tasks the pool runs at once (worker threads + the caller); 1 for NULL. */
int dccd_pool_threads(const dccd_pool *p);
/* What a thread option means: 0 -> the online CPUs (at least 1, at most
 * DCCD_POOL_MAX_THREADS), n > 0 -> n capped likewise; negative -> 1. */
int dccd_threads_resolve(int threads);

#ifdef __cplusplus
}
#endif
#endif /* DCCD_POOL_H */
