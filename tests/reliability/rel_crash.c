/*
 * tests/reliability/rel_crash.c - kill -9 crash safety (issue 5 point 1,
 * issue 3's crash test).
 *
 * The driver forks W writer processes on one store root.  Writer w saves
 * deterministic pseudo-random batches (batch id -> rows) into its own three
 * datasets (OHLC 1m across the 2099/2100 year boundary, trades across the
 * 2099-06-01/02 day boundary - future periods, so segments stay pending -
 * and the order book across 2024-06-01/02 - past periods, folded by every
 * save - plus trades with null tids, see below): overlapping key ranges so
 * keep-last matters, duplicate keys inside a batch, some explicit
 * checkpoints, and in one spawn out of three sync_checkpoint mode (every
 * save folds the period file).  Only after dccd_store_save (or checkpoint)
 * returned success does the writer append the batch id to its ack log and
 * fdatasync it.
 *
 * The driver SIGKILLs every writer after a random delay, then checks:
 *   - every period file and WAL segment in the tree opens and decodes;
 *   - for each dataset and period, dccd_store_load returns exactly the
 *     keep-last replay of the acknowledged batches, or that replay plus the
 *     one batch in flight (present entirely or not at all, per period: a
 *     batch spanning two periods is two independent segment writes, so
 *     atomicity is per period file, as docs/STORE.md designs it);
 *   - load output is sorted by TS and has no duplicate key;
 *   - temporary files may exist on disk after a kill, but never disturb
 *     readers; inventory (when implemented) does not count them.
 * The resolution of the in-flight batch becomes part of the history, and
 * new writers start from the next batch id.  At the end a checkpoint of
 * every dataset must leave no temporary file and the same content.
 *
 *   reltool crash [--cycles N] [--writers W] [--max-delay-ms D] [--seed S]
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rel.h"

#define MAXW 8
/* the fourth dataset: trades where some tids are null (the seed's key then
 * changes to TS, price, amount, side: the checkpoint's exact step-by-step
 * path and the dccd.wal_applied mark are exercised) */
#define NT 4
static const dccd_data_type TYPES[NT] = {DCCD_OHLC, DCCD_TRADES, DCCD_ORDERBOOK, DCCD_TRADES};

typedef struct batch {
    int checkpoint; /* 1: explicit checkpoint of the dataset, no rows */
    int t;          /* index in TYPES */
    rowset rows;
} batch;

typedef struct hist {
    uint64_t id;
    unsigned mask; /* bit p: the batch's rows of period p are in the store */
} hist;

typedef struct writer_hist {
    hist *h;
    size_t n, cap;
    uint64_t next;
} writer_hist;

static void pair_of(int w, char *buf, size_t cap)
{
    snprintf(buf, cap, "W%c/USDT", 'A' + w);
}

static void gen_batch(uint64_t seed, int w, uint64_t id, batch *b)
{
    uint64_t st = seed ^ ((uint64_t)(w + 1) * 0x9E3779B97F4A7C15ull) ^ (id * 0xD1B54A32D192ED03ull);
    b->checkpoint = rel_below(&st, 100) < 8;
    b->t = (int)rel_below(&st, NT);
    rs_init(&b->rows, TYPES[b->t]);
    if (b->checkpoint)
        return;
    char prefix[16];
    snprintf(prefix, sizeof prefix, "w%d-", w);
    if (b->t == 3) {
        char np[16];
        snprintf(np, sizeof np, "n%d-", w);
        /* a narrow key range around the day boundary: many overlaps */
        int s0 = REL_TRADE_KEYS / 2 - 150 + (int)rel_below(&st, 300), len = 1 + (int)rel_below(&st, 60);
        bool nulls = rel_below(&st, 4) == 0; /* one batch in four has null tids */
        for (int k = s0; k < s0 + len && k < REL_TRADE_KEYS; k++) {
            rrow *r = rs_push(&b->rows);
            rel_trade_row(r, np, k, id);
            r->d[0] = 100.0 + (double)(id % 3); /* repeats: the null-tid key collides */
            if (nulls && rel_below(&st, 10) < 3) {
                r->tnull = 1;
                r->s2[0] = '\0';
            }
        }
    } else
    switch (TYPES[b->t]) {
    case DCCD_OHLC: {
        int s = (int)rel_below(&st, REL_OHLC_KEYS), len = 1 + (int)rel_below(&st, 40);
        for (int k = s; k < s + len && k < REL_OHLC_KEYS; k++)
            rel_ohlc_row(rs_push(&b->rows), k, id);
        break;
    }
    case DCCD_TRADES: {
        int s = (int)rel_below(&st, REL_TRADE_KEYS), len = 1 + (int)rel_below(&st, 200);
        for (int k = s; k < s + len && k < REL_TRADE_KEYS; k++)
            rel_trade_row(rs_push(&b->rows), prefix, k, id);
        break;
    }
    default: {
        int s = (int)rel_below(&st, REL_BOOK_SNAPS), len = 1 + (int)rel_below(&st, 6);
        for (int k = s; k < s + len && k < REL_BOOK_SNAPS; k++)
            for (int side = 1; side >= 0; side--)
                for (int l = 0; l < REL_BOOK_LEVELS; l++)
                    if (rel_below(&st, 4))
                        rel_book_row(rs_push(&b->rows), k, side, l, id);
        break;
    }
    }
    /* a duplicate key inside the batch: the later row must win */
    if (b->rows.n && rel_below(&st, 5) == 0) {
        rrow copy = b->rows.r[rel_below(&st, b->rows.n)];
        copy.d[0] += 0.5;
        copy.d[1] += 1.0;
        *rs_push(&b->rows) = copy;
    }
}

static int open_store(const char *root, bool sync, dccd_store **s)
{
    dccd_store_options o;
    rel_store_opts(&o, sync, 50, 300);
    dccd_error e;
    if (dccd_store_open(root, &o, s, &e) != DCCD_OK) {
        fprintf(stderr, "reltool: open %s: %s\n", root, e.msg);
        return -1;
    }
    return 0;
}

static int datasets_of(int w, dccd_dataset ds[NT])
{
    char pair[32], npair[32];
    pair_of(w, pair, sizeof pair);
    snprintf(npair, sizeof npair, "N%c/USDT", 'A' + w);
    for (int t = 0; t < NT; t++)
        if (rel_dataset(&ds[t], "crash", t == 3 ? npair : pair, TYPES[t]))
            return -1;
    return 0;
}

static void writer_run(const char *root, const char *acklog, int w, uint64_t start, uint64_t seed, bool sync)
{
    dccd_store *s;
    dccd_dataset ds[NT];
    if (open_store(root, sync, &s) || datasets_of(w, ds))
        _exit(3);
    int fd = open(acklog, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        _exit(3);
    for (uint64_t id = start;; id++) {
        batch b;
        gen_batch(seed, w, id, &b);
        dccd_error e;
        int rc;
        if (b.checkpoint) {
            rc = dccd_store_checkpoint(s, &ds[b.t], NULL, &e);
        } else {
            dccd_table t;
            if (rs_to_table(&b.rows, 0, b.rows.n, &t))
                _exit(3);
            int64_t nw;
            rc = dccd_store_save(s, &ds[b.t], &t, NULL, &nw, &e);
            if (!rc && nw != (int64_t)b.rows.n) {
                fprintf(stderr, "writer %d: save of batch %llu returned %lld rows, not %zu\n", w,
                        (unsigned long long)id, (long long)nw, b.rows.n);
                _exit(3);
            }
            dccd_table_free(&t);
        }
        rs_free(&b.rows);
        if (rc) {
            fprintf(stderr, "writer %d: batch %llu failed: %s\n", w, (unsigned long long)id, e.msg);
            _exit(3);
        }
        char line[32];
        int len = snprintf(line, sizeof line, "%llu\n", (unsigned long long)id);
        if (write(fd, line, (size_t)len) != len || fdatasync(fd) != 0)
            _exit(3);
    }
}

/* Highest contiguous acknowledged id >= from, or from - 1. */
static uint64_t read_acks(const char *path, uint64_t from)
{
    FILE *f = fopen(path, "r");
    uint64_t last = from - 1;
    if (!f)
        return last;
    char line[64];
    while (fgets(line, sizeof line, f)) {
        if (!strchr(line, '\n'))
            break; /* torn last line: never acknowledged */
        uint64_t v = strtoull(line, NULL, 10);
        if (v >= from) {
            if (v != last + 1) {
                FAILF("ack log %s: id %llu after %llu", path, (unsigned long long)v, (unsigned long long)last);
                exit(1);
            }
            last = v;
        }
    }
    fclose(f);
    return last;
}

static void hist_push(writer_hist *wh, uint64_t id, unsigned mask)
{
    if (wh->n == wh->cap) {
        wh->cap = wh->cap ? wh->cap * 2 : 256;
        wh->h = realloc(wh->h, wh->cap * sizeof *wh->h);
        if (!wh->h)
            exit(2);
    }
    wh->h[wh->n++] = (hist){id, mask};
}

typedef struct counters {
    size_t inflight_present, inflight_absent, inflight_partial_periods, temps_seen, checks, rows_checked;
} counters;

/* On a mismatch (DCCD_REL_VERBOSE): the first differing row, and every
 * batch of the history touching its key, with what it wrote for it. */
static void debug_history(uint64_t seed, int w, const writer_hist *wh, int t, int p, const rowset *got,
                          const rowset *want)
{
    size_t i = 0;
    while (i < got->n && i < want->n && !memcmp(&got->r[i].ts, &want->r[i].ts, sizeof got->r[i].ts) &&
           got->r[i].d[0] == want->r[i].d[0] && got->r[i].d[1] == want->r[i].d[1] &&
           !strcmp(got->r[i].s1, want->r[i].s1) && !strcmp(got->r[i].s2, want->r[i].s2) &&
           got->r[i].tnull == want->r[i].tnull)
        i++;
    if (i >= got->n || i >= want->n)
        return;
    const rrow *g = &got->r[i], *x = &want->r[i];
    rowset acc;
    rs_init(&acc, TYPES[t]);
    for (size_t r = 0; r < got->n; r++)
        if (got->r[r].ts == g->ts)
            fprintf(stderr, "  got row: %g %s %s\n", got->r[r].d[0], got->r[r].s1, got->r[r].tnull ? "null" : got->r[r].s2);
    for (size_t r = 0; r < want->n; r++)
        if (want->r[r].ts == g->ts)
            fprintf(stderr, "  want row: %g %s %s\n", want->r[r].d[0], want->r[r].s1, want->r[r].tnull ? "null" : want->r[r].s2);
    fprintf(stderr, "  got  ts %lld price %g amount %g side %s tid %s%s\n", (long long)g->ts, g->d[0], g->d[1], g->s1,
            g->s2, g->tnull ? "(null)" : "");
    fprintf(stderr, "  want ts %lld price %g amount %g side %s tid %s%s\n", (long long)x->ts, x->d[0], x->d[1], x->s1,
            x->s2, x->tnull ? "(null)" : "");
    for (size_t h = 0; h < wh->n; h++) {
        batch b;
        gen_batch(seed, w, wh->h[h].id, &b);
        if (!b.checkpoint && b.t == t) {
            size_t inp = 0, nulls = 0;
            for (size_t r = 0; r < b.rows.n; r++)
                if (rel_period_of(TYPES[t], b.rows.r[r].ts) == p) {
                    inp++;
                    nulls += b.rows.r[r].tnull;
                }
            if (inp && (wh->h[h].mask & (1u << p))) {
                rowset part;
                rs_init(&part, TYPES[t]);
                for (size_t r = 0; r < b.rows.n; r++)
                    if (rel_period_of(TYPES[t], b.rows.r[r].ts) == p)
                        *rs_push(&part) = b.rows.r[r];
                if (t == 3)
                    rs_save_step(&acc, &part);
                rs_free(&part);
                size_t an = 0;
                for (size_t r = 0; r < acc.n; r++)
                    an += acc.r[r].tnull;
                fprintf(stderr, "  [model after it: %zu rows, %zu null tids; at this ts:", acc.n, an);
                for (size_t r = 0; r < acc.n; r++)
                    if (acc.r[r].ts == g->ts)
                        fprintf(stderr, " (%g %s %s)", acc.r[r].d[0], acc.r[r].s1, acc.r[r].tnull ? "null" : acc.r[r].s2);
                fprintf(stderr, "]\n");
            }
            if (inp) {
                fprintf(stderr, "  batch %llu mask %u: %zu rows in the period, %zu null tids", (unsigned long long)wh->h[h].id, wh->h[h].mask, inp, nulls);
                for (size_t r = 0; r < b.rows.n; r++)
                    if (b.rows.r[r].ts == g->ts)
                        fprintf(stderr, "; row price %g amount %g side %s tid %s", b.rows.r[r].d[0], b.rows.r[r].d[1],
                                b.rows.r[r].s1, b.rows.r[r].tnull ? "null" : b.rows.r[r].s2);
                fprintf(stderr, "\n");
            }
        }
        rs_free(&b.rows);
    }
    rs_free(&acc);
}

/* Check writer w's datasets against its history; resolve `inflight`
 * (0 = none) and push it.  Returns 0 when consistent. */
/* The expected content of writer w's dataset t in period p: the seed's
 * saves replayed one after another (keep-last; for dataset 3 the trades key
 * may change with null tids, so step by step). */
static void expected_rows(uint64_t seed, int w, const writer_hist *wh, int t, int p, rowset *out)
{
    rowset raw;
    rs_init(&raw, TYPES[t]);
    for (size_t i = 0; i < wh->n; i++) {
        if (!(wh->h[i].mask & (1u << p)))
            continue;
        batch b;
        gen_batch(seed, w, wh->h[i].id, &b);
        if (!b.checkpoint && b.t == t) {
            rowset part;
            rs_init(&part, TYPES[t]);
            for (size_t r = 0; r < b.rows.n; r++)
                if (rel_period_of(TYPES[t], b.rows.r[r].ts) == p)
                    *rs_push(t == 3 ? &part : &raw) = b.rows.r[r];
            if (t == 3 && part.n)
                rs_save_step(out, &part);
            rs_free(&part);
        }
        rs_free(&b.rows);
    }
    if (t != 3)
        rs_save_step(out, &raw); /* fixed keys: one keep-last over everything */
    rs_free(&raw);
}

/* Check writer w's datasets against its history; resolve `inflight`
 * (0 = none) and push it.  Returns 0 when consistent. */
static int check_writer(dccd_store *s, uint64_t seed, int w, writer_hist *wh, uint64_t inflight, counters *ct)
{
    dccd_dataset ds[NT];
    if (datasets_of(w, ds))
        return -1;
    batch fl = {0};
    if (inflight)
        gen_batch(seed, w, inflight, &fl);
    int bad = 0;
    unsigned mask = 0;
    for (int t = 0; t < NT && !bad; t++) {
        dccd_table got;
        dccd_error e;
        if (dccd_store_load(s, &ds[t], DCCD_TS_MIN, DCCD_TS_MAX, &got, &e) != DCCD_OK) {
            FAILF("load of writer %d %s failed: %s", w, dccd_data_type_name(TYPES[t]), e.msg);
            bad = 1;
            break;
        }
        rowset all;
        rs_init(&all, TYPES[t]);
        char why[512];
        if (rs_from_table(&all, &got, why, sizeof why)) {
            FAILF("writer %d %s: %s", w, dccd_data_type_name(TYPES[t]), why);
            bad = 1;
        }
        for (size_t i = 1; !bad && i < all.n; i++)
            if (all.r[i].ts < all.r[i - 1].ts) {
                FAILF("writer %d %s: load not sorted at row %zu", w, dccd_data_type_name(TYPES[t]), i);
                bad = 1;
            }
        dccd_table_free(&got);
        rs_sort(&all);
        for (int p = 0; p < 2 && !bad; p++) {
            rowset lp, e0, e1;
            rs_init(&lp, TYPES[t]);
            rs_init(&e0, TYPES[t]);
            rs_init(&e1, TYPES[t]);
            for (size_t i = 0; i < all.n; i++)
                if (rel_period_of(TYPES[t], all.r[i].ts) == p)
                    *rs_push(&lp) = all.r[i];
            expected_rows(seed, w, wh, t, p, &e0);
            for (size_t i = 0; i < e0.n; i++)
                *rs_push(&e1) = e0.r[i];
            bool fl_here = false;
            rowset flp;
            rs_init(&flp, TYPES[t]);
            if (inflight && !fl.checkpoint && fl.t == t)
                for (size_t i = 0; i < fl.rows.n; i++)
                    if (rel_period_of(TYPES[t], fl.rows.r[i].ts) == p) {
                        *rs_push(&flp) = fl.rows.r[i];
                        fl_here = true;
                    }
            rs_save_step(&e1, &flp);
            rs_free(&flp);
            rs_sort(&e0);
            rs_sort(&e1);
            ct->rows_checked += lp.n;
            if (t != 3 && rs_dup_keys(&lp)) {
                FAILF("writer %d %s period %d: %zu duplicated keys", w, dccd_data_type_name(TYPES[t]), p,
                      rs_dup_keys(&lp));
                bad = 1;
            } else if (rs_equal(&lp, &e0, why, sizeof why)) {
                if (fl_here)
                    ct->inflight_absent++;
            } else if (fl_here && rs_equal(&lp, &e1, why, sizeof why)) {
                mask |= 1u << p;
                ct->inflight_present++;
            } else {
                char why1[512] = "";
                if (fl_here)
                    rs_equal(&lp, &e1, why1, sizeof why1);
                FAILF("writer %d %s period %d (in flight: batch %llu%s): not the acknowledged content: %s%s%s", w,
                      dccd_data_type_name(TYPES[t]), p, (unsigned long long)inflight, fl_here ? "" : ", not here",
                      why, fl_here ? "; with the in-flight batch: " : "", why1);
                if (getenv("DCCD_REL_VERBOSE"))
                    debug_history(seed, w, wh, t, p, &lp, &e0);
                bad = 1;
            }
            ct->checks++;
            rs_free(&lp);
            rs_free(&e0);
            rs_free(&e1);
        }
        rs_free(&all);
    }
    if (inflight && !fl.checkpoint && mask && mask != 3) {
        /* present in one period and absent from the other: allowed, counted */
        bool two = false;
        int p0 = -1;
        for (size_t i = 0; i < fl.rows.n; i++) {
            int p = rel_period_of(TYPES[fl.t], fl.rows.r[i].ts);
            if (p0 >= 0 && p != p0)
                two = true;
            p0 = p;
        }
        if (two)
            ct->inflight_partial_periods++;
    }
    rs_free(&fl.rows);
    if (inflight)
        hist_push(wh, inflight, mask);
    return bad ? -1 : 0;
}

static int check_inventory(dccd_store *s, size_t files_on_disk)
{
    dccd_inventory_entry *inv = NULL;
    size_t n = 0;
    dccd_error e;
    int rc = dccd_store_inventory(s, &inv, &n, &e);
    if (rc == DCCD_EUNSUPPORTED)
        return 1; /* not implemented on this branch */
    if (rc) {
        FAILF("inventory failed: %s", e.msg);
        return -1;
    }
    size_t files = 0;
    for (size_t i = 0; i < n; i++)
        files += inv[i].files;
    free(inv);
    if (files != files_on_disk) {
        FAILF("inventory counts %zu period files, the tree holds %zu", files, files_on_disk);
        return -1;
    }
    return 0;
}

int rel_crash_main(int argc, char **argv)
{
    int cycles = 20, nw = 2, maxdelay = 150;
    uint64_t seed = (uint64_t)time(NULL);
    for (int i = 0; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--cycles"))
            cycles = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--writers"))
            nw = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--max-delay-ms"))
            maxdelay = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--seed"))
            seed = strtoull(argv[i + 1], NULL, 10);
    }
    if (nw < 1 || nw > MAXW || cycles < 1 || maxdelay < 1) {
        fprintf(stderr, "reltool crash: bad arguments\n");
        return 2;
    }
    char root[600], dir[512], acks[MAXW][600];
    if (rel_tmpdir(dir, sizeof dir, "crash")) {
        perror("mkdtemp");
        return 2;
    }
    snprintf(root, sizeof root, "%s/store", dir);
    for (int w = 0; w < nw; w++)
        snprintf(acks[w], sizeof acks[w], "%s/ack-%d.log", dir, w);
    printf("crash: root %s, %d writers, %d cycles, max delay %d ms, seed %llu\n", root, nw, cycles, maxdelay,
           (unsigned long long)seed);
    writer_hist wh[MAXW];
    memset(wh, 0, sizeof wh);
    for (int w = 0; w < nw; w++)
        wh[w].next = 1;
    counters ct = {0};
    uint64_t st = seed;
    double t0 = rel_now();
    size_t kills = 0, acked = 0, sync_spawns = 0, files = 0, segs = 0, temps = 0, bad = 0;
    int inv_state = 0, fail = 0;
    for (int c = 0; c < cycles && !fail; c++) {
        pid_t pids[MAXW];
        fflush(NULL);
        for (int w = 0; w < nw; w++) {
            bool sync = rel_below(&st, 3) == 0;
            sync_spawns += sync;
            pids[w] = fork();
            if (pids[w] < 0) {
                perror("fork");
                return 2;
            }
            if (pids[w] == 0)
                writer_run(root, acks[w], w, wh[w].next, seed, sync);
        }
        struct timespec d = {0, (long)(1 + rel_below(&st, (uint64_t)maxdelay)) * 1000000L};
        while (d.tv_nsec >= 1000000000L) {
            d.tv_sec++;
            d.tv_nsec -= 1000000000L;
        }
        nanosleep(&d, NULL);
        for (int w = 0; w < nw; w++) {
            kill(pids[w], SIGKILL);
            int status;
            while (waitpid(pids[w], &status, 0) < 0 && errno == EINTR)
                ;
            if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) {
                FAILF("writer %d exited by itself (status %d) before the kill: a save failed", w, status);
                fail = 1;
            }
            kills++;
        }
        if (fail)
            break;
        if (rel_walk_decode(root, &files, &segs, &temps, &bad)) {
            FAILF("cycle %d: %zu files do not decode", c, bad);
            fail = 1;
            break;
        }
        ct.temps_seen += temps;
        dccd_store *s;
        if (open_store(root, false, &s))
            return 2;
        for (int w = 0; w < nw && !fail; w++) {
            uint64_t last = read_acks(acks[w], wh[w].next);
            for (uint64_t id = wh[w].next; id <= last; id++)
                hist_push(&wh[w], id, 3);
            acked += last + 1 - wh[w].next;
            uint64_t inflight = last + 1;
            if (check_writer(s, seed, w, &wh[w], inflight, &ct))
                fail = 1;
            wh[w].next = inflight + 1;
        }
        if (!fail && inv_state == 0) {
            int r = check_inventory(s, files);
            if (r < 0)
                fail = 1;
            else if (r == 1)
                inv_state = 1;
        }
        dccd_store_close(s);
    }
    /* the end: the next save and checkpoint of every period (re-saving the
     * period's expected rows: keep-last of identical rows changes nothing)
     * leave no temporary file and the same data */
    if (!fail) {
        dccd_store *s;
        if (open_store(root, false, &s))
            return 2;
        for (int w = 0; w < nw && !fail; w++) {
            dccd_dataset ds[NT];
            datasets_of(w, ds);
            for (int t = 0; t < NT; t++) {
                dccd_error e;
                for (int p = 0; p < 2 && !fail; p++) {
                    rowset ex;
                    rs_init(&ex, TYPES[t]);
                    expected_rows(seed, w, &wh[w], t, p, &ex);
                    dccd_table tb;
                    int64_t nwr;
                    if (ex.n && (rs_to_table(&ex, 0, ex.n, &tb) || dccd_store_save(s, &ds[t], &tb, NULL, &nwr, &e))) {
                        FAILF("final re-save: %s", e.msg);
                        fail = 1;
                    }
                    if (ex.n)
                        dccd_table_free(&tb);
                    rs_free(&ex);
                }
                if (dccd_store_checkpoint(s, &ds[t], NULL, &e) != DCCD_OK) {
                    FAILF("final checkpoint: %s", e.msg);
                    fail = 1;
                }
            }
            if (!fail && check_writer(s, seed, w, &wh[w], 0, &ct))
                fail = 1;
        }
        dccd_store_close(s);
        if (!fail && rel_walk_decode(root, &files, &segs, &temps, &bad))
            fail = 1;
        if (!fail && temps) {
            FAILF("%zu temporary files remain after a checkpoint of every dataset", temps);
            fail = 1;
        }
    }
    double secs = rel_now() - t0;
    printf("crash: %s: %zu SIGKILLs over %d cycles (%zu writer spawns in sync_checkpoint mode), %zu batches "
           "acknowledged, in-flight batch found present %zu / absent %zu times (per period; %zu split across "
           "periods), %zu temporary files seen after kills, %zu period checks over %zu rows, final tree %zu period "
           "files + %zu segments, inventory %s, %.1f s\n",
           fail ? "FAILED" : "ok", kills, cycles, sync_spawns, acked, ct.inflight_present, ct.inflight_absent,
           ct.inflight_partial_periods, ct.temps_seen, ct.checks, ct.rows_checked, files, segs,
           inv_state ? "not implemented (skipped)" : "checked", secs);
    for (int w = 0; w < nw; w++)
        free(wh[w].h);
    if (!fail)
        rel_rmrf(dir);
    else
        printf("crash: store kept for inspection in %s\n", dir);
    return fail ? 1 : 0;
}
