/*
 * src/common/pool.h - running tasks on a dccd_pool (include/dccd/pool.h):
 * the internal fork-join primitive.
 */
#ifndef DCCD_COMMON_POOL_H
#define DCCD_COMMON_POOL_H

#include <stddef.h>

#include "dccd/error.h"
#include "dccd/pool.h"

/* One task of a batch: task is 0 .. ntasks-1; worker is 0 .. threads-1 and
 * unique among the threads running tasks of this batch at the same time
 * (0 is the calling thread), so it can index per-thread scratch owned by
 * the caller.  Returns DCCD_OK or an error code with *err filled. */
typedef int (*dccd_task_fn)(void *ctx, size_t task, int worker, dccd_error *err);

/* Run tasks 0 .. ntasks-1 and wait until every started task has returned.
 * The calling thread runs tasks too.  The first task to fail wins: its code
 * is returned and its message copied to *err, and no task that has not
 * started yet starts (the running ones finish).  With p NULL, a pool of 1
 * or one task, the tasks run on the caller in order, stopping at the first
 * failure.  Tasks may themselves call dccd_pool_run (nested batches). */
int dccd_pool_run(dccd_pool *p, size_t ntasks, dccd_task_fn fn, void *ctx, dccd_error *err);

#endif /* DCCD_COMMON_POOL_H */
