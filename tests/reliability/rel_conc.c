/*
 * tests/reliability/rel_conc.c - concurrency (issue 5 point 3).
 *
 * N writer processes x M threads (threads of a process share one store
 * handle; odd processes run in sync_checkpoint mode, the others fold every
 * 200 pending rows, so checkpoints race with saves and reads) save batches
 * into the same three datasets and the same periods (OHLC across the year
 * boundary, trades and book across the day boundary).  Every batch has
 *   - rows whose keys are unique to the writer thread (the exact count), and
 *   - rows of a shared key set, written by every thread with identical
 *     values (keep-last across writers must still leave one copy).
 * Meanwhile R reader threads in the driver load the datasets again and
 * again (every fourth read with dccd_store_scan): every read must succeed (no decode error from a file or segment
 * being replaced), be sorted by TS and hold no duplicate key.  Writers must
 * finish before a deadline (no deadlock).  At the end every expected row is
 * present exactly once and nothing else is.
 *
 *   reltool conc [--procs N] [--threads M] [--batches B] [--readers R]
 *                [--timeout SEC]
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rel.h"

static const dccd_data_type CT[3] = {DCCD_OHLC, DCCD_TRADES, DCCD_ORDERBOOK};

typedef struct cfg {
    int procs, threads, batches, readers, timeout;
    char root[600];
} cfg;

/* Rows of batch b of writer w (global thread index), type CT[b % 3]. */
static void conc_batch(const cfg *c, int w, int b, rowset *rs)
{
    int W = c->procs * c->threads;
    dccd_data_type t = CT[b % 3];
    rs_init(rs, t);
    int u = W * (b / 3) + w; /* unique slot of this writer and batch */
    int j = b / 3;           /* shared slot: the same for every writer */
    switch (t) {
    case DCCD_OHLC: {
        rrow *r = rs_push(rs);
        rel_ohlc_row(r, 0, (uint64_t)w + 1000);
        r->ts = REL_OHLC_BASE + (int64_t)(2 * u + 1) * 60 * DCCD_NS;
        for (int k = 0; k < 4; k++) {
            r = rs_push(rs);
            rel_ohlc_row(r, 0, 7);
            r->ts = REL_OHLC_BASE + (int64_t)(2 * (4 * j + k)) * 60 * DCCD_NS;
        }
        break;
    }
    case DCCD_TRADES: {
        char pre[32];
        snprintf(pre, sizeof pre, "u%d-%d-", w, b);
        for (int i = 0; i < 20; i++) {
            rrow *r = rs_push(rs);
            rel_trade_row(r, pre, i, (uint64_t)w);
            r->ts = REL_DAY_BASE + ((int64_t)(u * 20 + i) * 997 * INT64_C(1000000)) % (4 * 3600 * DCCD_NS);
        }
        for (int k = 0; k < 10; k++)
            rel_trade_row(rs_push(rs), "s-", (j * 10 + k) % REL_TRADE_KEYS * 7 % REL_TRADE_KEYS, 3);
        break;
    }
    default:
        for (int l = 0; l < REL_BOOK_LEVELS * 2; l++) {
            rrow *r = rs_push(rs);
            rel_book_row(r, 0, l % 2, l / 2, (uint64_t)w);
            r->ts = REL_DAY_BASE + (int64_t)(2 * u + 1) * 60 * DCCD_NS;
        }
        for (int l = 0; l < REL_BOOK_LEVELS * 2; l++) {
            rrow *r = rs_push(rs);
            rel_book_row(r, 0, l % 2, l / 2, 5);
            r->ts = REL_DAY_BASE + (int64_t)(2 * j) * 60 * DCCD_NS;
        }
        break;
    }
}

typedef struct wthread {
    const cfg *c;
    dccd_store *s;
    dccd_dataset ds[3];
    int w;
    int failed;
} wthread;

static void *writer_thread(void *arg)
{
    wthread *wt = arg;
    for (int b = 0; b < wt->c->batches && !wt->failed; b++) {
        rowset rs;
        conc_batch(wt->c, wt->w, b, &rs);
        dccd_table t;
        if (rs_to_table(&rs, 0, rs.n, &t)) {
            wt->failed = 1;
            break;
        }
        dccd_error e;
        int64_t nw;
        if (dccd_store_save(wt->s, &wt->ds[b % 3], &t, NULL, &nw, &e) != DCCD_OK) {
            fprintf(stderr, "writer %d batch %d: %s\n", wt->w, b, e.msg);
            wt->failed = 1;
        }
        dccd_table_free(&t);
        rs_free(&rs);
    }
    return NULL;
}

static int datasets(dccd_dataset ds[3])
{
    for (int t = 0; t < 3; t++)
        if (rel_dataset(&ds[t], "conc", "CC/USDT", CT[t]))
            return -1;
    return 0;
}

static void writer_process(const cfg *c, int p)
{
    dccd_store_options o;
    rel_store_opts(&o, p % 2 == 1, 64, 200);
    dccd_store *s;
    dccd_error e;
    if (dccd_store_open(c->root, &o, &s, &e))
        _exit(3);
    wthread *wt = calloc((size_t)c->threads, sizeof *wt);
    pthread_t *th = calloc((size_t)c->threads, sizeof *th);
    if (!wt || !th)
        _exit(3);
    for (int i = 0; i < c->threads; i++) {
        wt[i].c = c;
        wt[i].s = s;
        wt[i].w = p * c->threads + i;
        if (datasets(wt[i].ds) || pthread_create(&th[i], NULL, writer_thread, &wt[i]))
            _exit(3);
    }
    int failed = 0;
    for (int i = 0; i < c->threads; i++) {
        pthread_join(th[i], NULL);
        failed |= wt[i].failed;
    }
    dccd_store_close(s);
    _exit(failed ? 4 : 0);
}

typedef struct rthread {
    const cfg *c;
    dccd_store *s;
    dccd_dataset ds[3];
    atomic_int *stop;
    long loads, rows;
    int failed;
    char why[600];
} rthread;

typedef struct scan_acc {
    rowset *rs;
    int64_t last;
    int bad;
    char *why;
    size_t cap;
} scan_acc;

static int scan_collect(void *ctx, const dccd_table *chunk, dccd_error *err)
{
    (void)err;
    scan_acc *a = ctx;
    if (chunk->nrows && ((const int64_t *)chunk->cols[0].values)[0] < a->last) {
        snprintf(a->why, a->cap, "scan chunks out of TS order");
        a->bad = 1;
    }
    if (chunk->nrows)
        a->last = ((const int64_t *)chunk->cols[0].values)[chunk->nrows - 1];
    if (rs_from_table(a->rs, chunk, a->why, a->cap))
        a->bad = 1;
    return 0;
}

static void *reader_thread(void *arg)
{
    rthread *rt = arg;
    for (int i = 0; !atomic_load(rt->stop) && !rt->failed; i++) {
        int t = i % 3;
        dccd_table got;
        dccd_error e;
        rowset rs;
        rs_init(&rs, CT[t]);
        if (i % 4 == 3) { /* every fourth read streams with scan */
            scan_acc a = {&rs, INT64_MIN, 0, rt->why, sizeof rt->why};
            if (dccd_store_scan(rt->s, &rt->ds[t], DCCD_TS_MIN, DCCD_TS_MAX, scan_collect, &a, &e) != DCCD_OK) {
                snprintf(rt->why, sizeof rt->why, "scan failed while writers run: %.500s", e.msg);
                rt->failed = 1;
            }
            rt->failed |= a.bad;
            dccd_table_init(&got, CT[t]);
        } else if (dccd_store_load(rt->s, &rt->ds[t], DCCD_TS_MIN, DCCD_TS_MAX, &got, &e) != DCCD_OK) {
            snprintf(rt->why, sizeof rt->why, "load failed while writers run: %.500s", e.msg);
            rt->failed = 1;
            rs_free(&rs);
            break;
        } else if (rs_from_table(&rs, &got, rt->why, sizeof rt->why)) {
            rt->failed = 1;
        }
        for (size_t k = 1; !rt->failed && k < rs.n; k++)
            if (rs.r[k].ts < rs.r[k - 1].ts) {
                snprintf(rt->why, sizeof rt->why, "%s load not sorted at row %zu", dccd_data_type_name(CT[t]), k);
                rt->failed = 1;
            }
        rs_sort(&rs);
        if (!rt->failed && rs_dup_keys(&rs)) {
            snprintf(rt->why, sizeof rt->why, "%s load holds %zu duplicated keys", dccd_data_type_name(CT[t]),
                     rs_dup_keys(&rs));
            rt->failed = 1;
        }
        rt->loads++;
        rt->rows += (long)rs.n;
        rs_free(&rs);
        dccd_table_free(&got);
    }
    return NULL;
}

int rel_conc_main(int argc, char **argv)
{
    cfg c = {3, 3, 24, 2, 180, ""};
    for (int i = 0; i + 1 < argc; i += 2) {
        int v = atoi(argv[i + 1]);
        if (!strcmp(argv[i], "--procs"))
            c.procs = v;
        else if (!strcmp(argv[i], "--threads"))
            c.threads = v;
        else if (!strcmp(argv[i], "--batches"))
            c.batches = v;
        else if (!strcmp(argv[i], "--readers"))
            c.readers = v;
        else if (!strcmp(argv[i], "--timeout"))
            c.timeout = v;
    }
    if (c.procs < 1 || c.threads < 1 || c.batches < 1 || c.readers < 0 || c.procs > 64 || c.threads > 64)
        return 2;
    char dir[512];
    if (rel_tmpdir(dir, sizeof dir, "conc"))
        return 2;
    snprintf(c.root, sizeof c.root, "%s/store", dir);
    dccd_store_options o;
    rel_store_opts(&o, false, 64, 200);
    dccd_store *s;
    dccd_error e;
    if (dccd_store_open(c.root, &o, &s, &e))
        return 2;
    double t0 = rel_now();
    fflush(NULL);
    pid_t pids[64];
    for (int p = 0; p < c.procs; p++) {
        pids[p] = fork();
        if (pids[p] < 0)
            return 2;
        if (pids[p] == 0)
            writer_process(&c, p);
    }
    atomic_int stop = 0;
    rthread *rt = calloc((size_t)c.readers + 1, sizeof *rt);
    pthread_t *th = calloc((size_t)c.readers + 1, sizeof *th);
    if (!rt || !th)
        return 2;
    for (int r = 0; r < c.readers; r++) {
        rt[r].c = &c;
        rt[r].s = s;
        rt[r].stop = &stop;
        if (datasets(rt[r].ds) || pthread_create(&th[r], NULL, reader_thread, &rt[r]))
            return 2;
    }
    int fail = 0, left = c.procs;
    int done[64] = {0};
    while (left > 0) {
        for (int p = 0; p < c.procs; p++) {
            int st;
            if (!done[p] && waitpid(pids[p], &st, WNOHANG) == pids[p]) {
                done[p] = 1;
                left--;
                if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
                    FAILF("writer process %d ended with status %d", p, st);
                    fail = 1;
                }
            }
        }
        if (left > 0 && rel_now() - t0 > c.timeout) {
            FAILF("writers still running after %d s: deadlock or hang", c.timeout);
            for (int p = 0; p < c.procs; p++)
                if (!done[p]) {
                    kill(pids[p], SIGKILL);
                    waitpid(pids[p], NULL, 0);
                }
            fail = 1;
            break;
        }
        struct timespec d = {0, 20000000};
        nanosleep(&d, NULL);
    }
    double twrite = rel_now() - t0;
    atomic_store(&stop, 1);
    long loads = 0, lrows = 0;
    for (int r = 0; r < c.readers; r++) {
        pthread_join(th[r], NULL);
        loads += rt[r].loads;
        lrows += rt[r].rows;
        if (rt[r].failed) {
            FAILF("reader %d: %s", r, rt[r].why);
            fail = 1;
        }
    }
    /* final content: exactly the expected rows, once */
    dccd_dataset ds[3];
    datasets(ds);
    long saved = 0, distinct = 0;
    for (int t = 0; t < 3 && !fail; t++) {
        rowset want, got;
        rs_init(&want, CT[t]);
        rs_init(&got, CT[t]);
        for (int w = 0; w < c.procs * c.threads; w++)
            for (int b = t; b < c.batches; b += 3) {
                rowset rs;
                conc_batch(&c, w, b, &rs);
                for (size_t i = 0; i < rs.n; i++)
                    *rs_push(&want) = rs.r[i];
                saved += (long)rs.n;
                rs_free(&rs);
            }
        rs_keep_last(&want);
        for (int pass = 0; pass < 2 && !fail; pass++) {
            /* before and after a final checkpoint */
            if (pass == 1 && dccd_store_checkpoint(s, &ds[t], NULL, &e)) {
                FAILF("final checkpoint: %s", e.msg);
                fail = 1;
                break;
            }
            dccd_table tb;
            char why[512];
            if (dccd_store_load(s, &ds[t], DCCD_TS_MIN, DCCD_TS_MAX, &tb, &e)) {
                FAILF("final load: %s", e.msg);
                fail = 1;
                break;
            }
            got.n = 0;
            if (rs_from_table(&got, &tb, why, sizeof why))
                fail = 1;
            dccd_table_free(&tb);
            rs_sort(&got);
            if (!fail && !rs_equal(&got, &want, why, sizeof why)) {
                FAILF("%s final content (%s checkpoint): %s", dccd_data_type_name(CT[t]), pass ? "after" : "before",
                      why);
                fail = 1;
            }
        }
        distinct += (long)want.n;
        rs_free(&want);
        rs_free(&got);
    }
    size_t bad = 0;
    if (!fail && rel_walk_decode(c.root, NULL, NULL, NULL, &bad))
        fail = 1;
    dccd_store_close(s);
    printf("conc: %s: %d processes x %d threads, %d batches each (%ld rows saved, %ld distinct expected, every one "
           "present exactly once), %d reader threads made %ld loads (%ld rows) with no error, all sorted and "
           "de-duplicated, writers done in %.1f s (deadline %d s)\n",
           fail ? "FAILED" : "ok", c.procs, c.threads, c.batches, saved, distinct, c.readers, loads, lrows, twrite,
           c.timeout);
    free(rt);
    free(th);
    if (!fail)
        rel_rmrf(dir);
    else
        printf("conc: store kept in %s\n", dir);
    return fail ? 1 : 0;
}
