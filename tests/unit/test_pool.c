/*
 * tests/unit/test_pool.c - the thread pool (src/common/pool.c): every task
 * runs once, worker ids are unique among concurrent tasks, the caller
 * helps, the first failure stops the tasks not yet started and is the one
 * reported, concurrent and nested batches, pools of 1 and of the CPUs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"
#include "common/pool.h"

#define NT 1000

typedef struct count_ctx {
    atomic_int hits[NT];
    atomic_int busy[DCCD_POOL_MAX_THREADS]; /* per worker id: tasks running now */
    atomic_int clash;                       /* a worker id seen twice at once */
    atomic_int by_caller;
    int threads;
    pthread_t caller;
} count_ctx;

static void spin(int us)
{
    struct timespec ts = {0, (long)us * 1000};
    nanosleep(&ts, NULL);
}

static int count_task(void *vctx, size_t task, int worker, dccd_error *err)
{
    count_ctx *c = vctx;
    if (worker < 0 || worker >= c->threads)
        return dccd_err_set(err, DCCD_ESTATE, "worker id %d out of range", worker);
    if (atomic_fetch_add(&c->busy[worker], 1) != 0)
        atomic_fetch_add(&c->clash, 1);
    if (worker == 0) {
        if (!pthread_equal(pthread_self(), c->caller))
            atomic_fetch_add(&c->clash, 1);
        atomic_fetch_add(&c->by_caller, 1);
    }
    atomic_fetch_add(&c->hits[task], 1);
    if (task % 50 == 0)
        spin(200);
    atomic_fetch_sub(&c->busy[worker], 1);
    return DCCD_OK;
}

static void run_counts(int threads)
{
    dccd_pool *p = NULL;
    dccd_error e;
    assert_int_equal(dccd_pool_create(threads, &p, &e), DCCD_OK);
    int n = dccd_pool_threads(p);
    if (threads)
        assert_int_equal(n, threads);
    else
        assert_true(n >= 1);
    count_ctx *c = calloc(1, sizeof *c);
    assert_non_null(c);
    c->threads = n;
    c->caller = pthread_self();
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < NT; i++)
            atomic_store(&c->hits[i], 0);
        assert_int_equal(dccd_pool_run(p, NT, count_task, c, &e), DCCD_OK);
        for (int i = 0; i < NT; i++)
            assert_int_equal(atomic_load(&c->hits[i]), 1);
    }
    assert_int_equal(atomic_load(&c->clash), 0);
    assert_true(atomic_load(&c->by_caller) > 0); /* the caller helps */
    assert_int_equal(dccd_pool_run(p, 0, count_task, c, &e), DCCD_OK);
    free(c);
    dccd_pool_destroy(p);
}

static void test_counts_1(void **state)
{
    (void)state;
    run_counts(1);
}
static void test_counts_4(void **state)
{
    (void)state;
    run_counts(4);
}
static void test_counts_online(void **state)
{
    (void)state;
    run_counts(0);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    assert_int_equal(dccd_threads_resolve(0), cpus < 1 ? 1 : (int)cpus);
    assert_int_equal(dccd_threads_resolve(3), 3);
    assert_int_equal(dccd_threads_resolve(-2), 1);
    assert_int_equal(dccd_threads_resolve(100000), DCCD_POOL_MAX_THREADS);
}

static void test_null_pool_runs_inline(void **state)
{
    (void)state;
    count_ctx *c = calloc(1, sizeof *c);
    assert_non_null(c);
    c->threads = 1;
    c->caller = pthread_self();
    dccd_error e;
    assert_int_equal(dccd_pool_run(NULL, NT, count_task, c, &e), DCCD_OK);
    assert_int_equal(atomic_load(&c->by_caller), NT);
    assert_int_equal(dccd_pool_threads(NULL), 1);
    free(c);
}

typedef struct fail_ctx {
    atomic_int started;
    size_t bad;
} fail_ctx;

static int fail_task(void *vctx, size_t task, int worker, dccd_error *err)
{
    (void)worker;
    fail_ctx *c = vctx;
    atomic_fetch_add(&c->started, 1);
    if (task == c->bad)
        return dccd_err_set(err, DCCD_ECORRUPT, "task %zu: corrupt page", task);
    spin(100);
    return DCCD_OK;
}

static void test_first_error_stops(void **state)
{
    (void)state;
    for (int threads = 1; threads <= 4; threads *= 2) {
        dccd_pool *p = NULL;
        dccd_error e;
        assert_int_equal(dccd_pool_create(threads, &p, &e), DCCD_OK);
        fail_ctx c;
        atomic_store(&c.started, 0);
        c.bad = 3;
        memset(&e, 0, sizeof e);
        assert_int_equal(dccd_pool_run(p, 10000, fail_task, &c, &e), DCCD_ECORRUPT);
        assert_string_equal(e.msg, "task 3: corrupt page");
        /* at most the tasks already taken when task 3 failed have started */
        assert_true(atomic_load(&c.started) < 4 + 4 * threads);
        /* the pool is still usable */
        c.bad = (size_t)-1;
        atomic_store(&c.started, 0);
        assert_int_equal(dccd_pool_run(p, 40, fail_task, &c, &e), DCCD_OK);
        assert_int_equal(atomic_load(&c.started), 40);
        dccd_pool_destroy(p);
    }
}

typedef struct conc_arg {
    dccd_pool *p;
    int rc;
    int sum;
} conc_arg;

static int add_task(void *vctx, size_t task, int worker, dccd_error *err)
{
    (void)worker;
    (void)err;
    atomic_int *sum = vctx;
    atomic_fetch_add(sum, (int)task);
    return DCCD_OK;
}

static int nested_task(void *vctx, size_t task, int worker, dccd_error *err)
{
    (void)task;
    (void)worker;
    conc_arg *a = vctx;
    atomic_int sum;
    atomic_store(&sum, 0);
    int rc = dccd_pool_run(a->p, 100, add_task, &sum, err);
    if (rc)
        return rc;
    if (atomic_load(&sum) != 4950)
        return dccd_err_set(err, DCCD_ESTATE, "nested sum %d", atomic_load(&sum));
    return DCCD_OK;
}

static void *conc_main(void *varg)
{
    conc_arg *a = varg;
    dccd_error e;
    for (int i = 0; i < 50 && !a->rc; i++) {
        atomic_int sum;
        atomic_store(&sum, 0);
        a->rc = dccd_pool_run(a->p, 200, add_task, &sum, &e);
        if (!a->rc && atomic_load(&sum) != 19900)
            a->rc = -1;
        if (!a->rc)
            a->rc = dccd_pool_run(a->p, 8, nested_task, a, &e);
    }
    return NULL;
}

static void test_concurrent_and_nested(void **state)
{
    (void)state;
    dccd_pool *p = NULL;
    dccd_error e;
    assert_int_equal(dccd_pool_create(3, &p, &e), DCCD_OK);
    pthread_t th[4];
    conc_arg args[4];
    for (int i = 0; i < 4; i++) {
        args[i].p = p;
        args[i].rc = 0;
        assert_int_equal(pthread_create(&th[i], NULL, conc_main, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(args[i].rc, 0);
    }
    dccd_pool_destroy(p);
}

static void test_bad_args(void **state)
{
    (void)state;
    dccd_pool *p = (dccd_pool *)1;
    dccd_error e;
    assert_int_equal(dccd_pool_create(-1, &p, &e), DCCD_EINVAL);
    assert_null(p);
    assert_int_equal(dccd_pool_create(DCCD_POOL_MAX_THREADS + 1, &p, &e), DCCD_EINVAL);
    assert_int_equal(dccd_pool_create(1, NULL, &e), DCCD_EINVAL);
    assert_int_equal(dccd_pool_run(NULL, 3, NULL, NULL, &e), DCCD_EINVAL);
    dccd_pool_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_1),
        cmocka_unit_test(test_counts_4),
        cmocka_unit_test(test_counts_online),
        cmocka_unit_test(test_null_pool_runs_inline),
        cmocka_unit_test(test_first_error_stops),
        cmocka_unit_test(test_concurrent_and_nested),
        cmocka_unit_test(test_bad_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
