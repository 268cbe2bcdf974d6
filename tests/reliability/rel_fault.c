/*
 * tests/reliability/rel_fault.c - injected I/O failures (issue 5 point 2b).
 *
 * Runs with faultshim.so preloaded (run.sh / CTest set LD_PRELOAD); without
 * it the driver prints SKIPPED and exits 77.  For each scenario
 *   save       order book, a batch across the day boundary 2024-06-01/02
 *              (two segment writes; where past periods are folded by the
 *              next save - branch store2 - two period-file rewrites too)
 *   save-sync  OHLC across the year boundary 2099/2100 in sync_checkpoint
 *              mode (segment writes + two period-file rewrites)
 *   checkpoint trades (2099-06-01/02, future: segments pending):
 *              dccd_store_checkpoint folding them into both period files
 * and each function class of the shim (write, pwrite, fsync, fdatasync,
 * rename, openat, close), the operation is first run with counting only to
 * learn how many calls K of that class it makes, then for every N in 1..K
 * the base store is rebuilt, the Nth call fails, and:
 *   - the operation returns (an error, or success when the failed call did
 *     not matter - then every row must be there), never crashes;
 *   - every file in the tree still decodes, no temporary file is left;
 *   - each period holds the previous content or the new one, entirely;
 *   - a retry without fault succeeds and every row is present exactly once.
 *
 *   reltool fault [--stride S]   (S > 1: for open and close, which a save
 *                                 calls over a hundred times, only every
 *                                 S-th N; every N of the other classes)
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rel.h"

typedef void (*arm_fn)(const char *, long, int);
typedef long (*count_fn)(const char *);

typedef long (*injected_fn)(void);

typedef struct shim {
    arm_fn arm;
    count_fn count;
    injected_fn injected;
} shim;

typedef struct scen {
    const char *name;
    dccd_data_type type;
    bool sync;
    bool checkpoint_op;
} scen;

static void make_batch(rowset *rs, dccd_data_type t, int from, int to, uint64_t ver)
{
    rs_init(rs, t);
    for (int k = from; k < to; k++) {
        if (t == DCCD_OHLC)
            rel_ohlc_row(rs_push(rs), k % REL_OHLC_KEYS, ver);
        else if (t == DCCD_TRADES)
            rel_trade_row(rs_push(rs), "f-", k % REL_TRADE_KEYS, ver);
        else
            for (int l = 0; l < REL_BOOK_LEVELS; l++)
                rel_book_row(rs_push(rs), k % REL_BOOK_SNAPS, l % 2, l, ver);
    }
}

/* key ranges: base batches before the boundary, the operation across it */
static void ranges(dccd_data_type t, int r[4][2])
{
    int K = t == DCCD_OHLC ? REL_OHLC_KEYS : t == DCCD_TRADES ? REL_TRADE_KEYS : REL_BOOK_SNAPS;
    int half = K / 2;
    r[0][0] = 0, r[0][1] = half - 10;            /* base 1 (checkpointed into the file) */
    r[1][0] = half - 30, r[1][1] = half - 5;     /* base 2 (segment, overlaps) */
    r[2][0] = half - 8, r[2][1] = half + 3;      /* base 3 (segments in both periods) */
    r[3][0] = half - 12, r[3][1] = half + 20;    /* the operation's batch (overlaps, crosses) */
}

static int save_rows(dccd_store *s, const dccd_dataset *ds, const rowset *rs, dccd_error *e)
{
    dccd_table t;
    if (rs_to_table(rs, 0, rs->n, &t))
        return DCCD_ENOMEM;
    int64_t nw;
    int rc = dccd_store_save(s, ds, &t, NULL, &nw, e);
    dccd_table_free(&t);
    return rc;
}

static int open_st(const char *root, bool sync, dccd_store **s)
{
    dccd_store_options o;
    rel_store_opts(&o, sync, 16, 1000000);
    dccd_error e;
    if (dccd_store_open(root, &o, s, &e)) {
        FAILF("open %s: %s", root, e.msg);
        return -1;
    }
    return 0;
}

static int build_base(const char *root, const scen *sc, const dccd_dataset *ds)
{
    rel_rmrf(root);
    dccd_store *s;
    if (open_st(root, false, &s))
        return -1;
    int r[4][2];
    ranges(sc->type, r);
    dccd_error e;
    int rc = 0;
    for (int b = 0; b < 3 && !rc; b++) {
        rowset rs;
        make_batch(&rs, sc->type, r[b][0], r[b][1], (uint64_t)b + 1);
        rc = save_rows(s, ds, &rs, &e);
        rs_free(&rs);
        if (!rc && b == 0)
            rc = dccd_store_checkpoint(s, ds, NULL, &e);
    }
    if (rc)
        FAILF("building the base store: %s", e.msg);
    dccd_store_close(s);
    return rc ? -1 : 0;
}

/* expected content per period: before (e0) and after (e1) the operation */
static void expected(const scen *sc, rowset e0[2], rowset e1[2])
{
    int r[4][2];
    ranges(sc->type, r);
    rowset all0, all1;
    rs_init(&all0, sc->type);
    rs_init(&all1, sc->type);
    for (int b = 0; b < 4; b++) {
        if (b == 3 && sc->checkpoint_op)
            break;
        rowset rs;
        make_batch(&rs, sc->type, r[b][0], r[b][1], (uint64_t)b + 1);
        for (size_t i = 0; i < rs.n; i++) {
            if (b < 3)
                *rs_push(&all0) = rs.r[i];
            *rs_push(&all1) = rs.r[i];
        }
        rs_free(&rs);
    }
    for (int p = 0; p < 2; p++) {
        rs_init(&e0[p], sc->type);
        rs_init(&e1[p], sc->type);
        for (size_t i = 0; i < all0.n; i++)
            if (rel_period_of(sc->type, all0.r[i].ts) == p)
                *rs_push(&e0[p]) = all0.r[i];
        for (size_t i = 0; i < all1.n; i++)
            if (rel_period_of(sc->type, all1.r[i].ts) == p)
                *rs_push(&e1[p]) = all1.r[i];
        rs_keep_last(&e0[p]);
        rs_keep_last(&e1[p]);
    }
    rs_free(&all0);
    rs_free(&all1);
}

static int run_op(const char *root, const scen *sc, const dccd_dataset *ds, dccd_error *e, const shim *sh,
                  const char *cls, long n, int err, long *injected)
{
    if (injected)
        *injected = 0;
    dccd_store *s;
    if (open_st(root, sc->sync, &s))
        return -1;
    int rc;
    if (sh)
        sh->arm(cls, n, err);
    if (sc->checkpoint_op) {
        rc = dccd_store_checkpoint(s, ds, NULL, e);
    } else {
        int r[4][2];
        ranges(sc->type, r);
        rowset rs;
        make_batch(&rs, sc->type, r[3][0], r[3][1], 4);
        rc = save_rows(s, ds, &rs, e);
        rs_free(&rs);
    }
    if (sh) {
        if (injected)
            *injected = sh->injected();
        sh->arm(NULL, 0, 0);
    }
    dccd_store_close(s);
    return rc;
}

/* 0: every period equals e1 (need_new) or e0/e1; -1 otherwise */
static int check_content(const char *root, const scen *sc, const dccd_dataset *ds, rowset e0[2], rowset e1[2],
                         bool need_new, const char *ctx)
{
    size_t temps = 0, bad = 0;
    if (rel_walk_decode(root, NULL, NULL, &temps, &bad)) {
        FAILF("%s: %zu files do not decode", ctx, bad);
        return -1;
    }
    if (temps) {
        FAILF("%s: %zu temporary files left behind", ctx, temps);
        return -1;
    }
    dccd_store *s;
    if (open_st(root, false, &s))
        return -1;
    dccd_table t;
    dccd_error e;
    int rc = dccd_store_load(s, ds, DCCD_TS_MIN, DCCD_TS_MAX, &t, &e);
    dccd_store_close(s);
    if (rc) {
        FAILF("%s: load failed: %s", ctx, e.msg);
        return -1;
    }
    rowset got;
    rs_init(&got, sc->type);
    char why[512];
    rc = rs_from_table(&got, &t, why, sizeof why);
    dccd_table_free(&t);
    if (rc) {
        FAILF("%s: %s", ctx, why);
        rs_free(&got);
        return -1;
    }
    rs_sort(&got);
    for (int p = 0; p < 2 && !rc; p++) {
        rowset lp;
        rs_init(&lp, sc->type);
        for (size_t i = 0; i < got.n; i++)
            if (rel_period_of(sc->type, got.r[i].ts) == p)
                *rs_push(&lp) = got.r[i];
        if (rs_equal(&lp, &e1[p], why, sizeof why)) {
        } else if (!need_new && rs_equal(&lp, &e0[p], why, sizeof why)) {
        } else {
            FAILF("%s: period %d holds neither the previous nor the new content: %s", ctx, p, why);
            rc = -1;
        }
        rs_free(&lp);
    }
    rs_free(&got);
    return rc;
}

int rel_fault_main(int argc, char **argv)
{
    long stride = 1;
    for (int i = 0; i + 1 < argc; i += 2)
        if (!strcmp(argv[i], "--stride"))
            stride = atol(argv[i + 1]);
    if (stride < 1)
        stride = 1;
    shim sh;
    sh.arm = (arm_fn)dlsym(RTLD_DEFAULT, "dccd_faultshim_arm");
    sh.count = (count_fn)dlsym(RTLD_DEFAULT, "dccd_faultshim_count");
    sh.injected = (injected_fn)dlsym(RTLD_DEFAULT, "dccd_faultshim_injected");
    if (!sh.arm || !sh.count || !sh.injected) {
        printf("SKIPPED: faultshim not preloaded (LD_PRELOAD=.../libdccd_faultshim.so)\n");
        return REL_SKIP;
    }
    static const scen scens[] = {{"save", DCCD_ORDERBOOK, false, false},
                                 {"save-sync", DCCD_OHLC, true, false},
                                 {"checkpoint", DCCD_TRADES, false, true}};
    static const struct {
        const char *cls;
        int err;
    } fns[] = {{"write", ENOSPC}, {"pwrite", ENOSPC}, {"fsync", EIO},   {"fdatasync", EIO},
               {"rename", EIO},   {"openat", EMFILE}, {"close", EIO}};
    char dir[512], root[600];
    if (rel_tmpdir(dir, sizeof dir, "fault"))
        return 2;
    snprintf(root, sizeof root, "%s/store", dir);
    double t0 = rel_now();
    long total = 0, errors = 0, successes = 0;
    int fail = 0;
    char sample[3][300] = {"", "", ""};
    for (size_t si = 0; si < sizeof scens / sizeof scens[0] && !fail; si++) {
        const scen *sc = &scens[si];
        dccd_dataset ds;
        if (rel_dataset(&ds, "fault", "FLT/USDT", sc->type))
            return 2;
        rowset e0[2], e1[2];
        expected(sc, e0, e1);
        printf("fault: scenario %s (%s%s):", sc->name, dccd_data_type_name(sc->type),
               sc->sync ? ", sync_checkpoint" : "");
        for (size_t fi = 0; fi < sizeof fns / sizeof fns[0] && !fail; fi++) {
            /* count the calls of this class made by the operation */
            dccd_error e;
            if (build_base(root, sc, &ds) || run_op(root, sc, &ds, &e, &sh, fns[fi].cls, 0, 0, NULL) != DCCD_OK) {
                FAILF("scenario %s: the operation fails without a fault", sc->name);
                fail = 1;
                break;
            }
            /* run again, counting inside (run_op resets the counters when it disarms) */
            if (build_base(root, sc, &ds))
                return 2;
            dccd_store *s;
            if (open_st(root, sc->sync, &s))
                return 2;
            sh.arm(fns[fi].cls, 0, 0);
            if (sc->checkpoint_op) {
                dccd_store_checkpoint(s, &ds, NULL, &e);
            } else {
                int r[4][2];
                ranges(sc->type, r);
                rowset rs;
                make_batch(&rs, sc->type, r[3][0], r[3][1], 4);
                save_rows(s, &ds, &rs, &e);
                rs_free(&rs);
            }
            long k = sh.count(fns[fi].cls);
            sh.arm(NULL, 0, 0);
            dccd_store_close(s);
            printf(" %s=%ld", fns[fi].cls, k);
            if (k == 0 && strcmp(fns[fi].cls, "pwrite") && strcmp(fns[fi].cls, "fdatasync")) {
                FAILF("scenario %s: no %s call seen: the shim is not interposing", sc->name, fns[fi].cls);
                fail = 1;
            }
            /* the stride thins out only the many open/close calls (reads) */
            long step = strcmp(fns[fi].cls, "openat") && strcmp(fns[fi].cls, "close") ? 1 : stride;
            for (long n = 1; n <= k && !fail; n += step) {
                char ctx[200];
                snprintf(ctx, sizeof ctx, "scenario %s, call %ld of %ld of %s failing with %s", sc->name, n, k,
                         fns[fi].cls, strerror(fns[fi].err));
                if (build_base(root, sc, &ds))
                    return 2;
                long inj = 0;
                int rc = run_op(root, sc, &ds, &e, &sh, fns[fi].cls, n, fns[fi].err, &inj);
                if (inj != 1) {
                    FAILF("%s: the shim injected %ld faults, not 1 (is it interposing?)", ctx, inj);
                    fail = 1;
                }
                total++;
                if (rc) {
                    errors++;
                    if (!e.msg[0]) {
                        FAILF("%s: error %d without a message", ctx, rc);
                        fail = 1;
                    }
                    int slot = fns[fi].err == ENOSPC ? 0 : fns[fi].err == EIO ? 1 : 2;
                    if (!sample[slot][0])
                        snprintf(sample[slot], sizeof sample[slot], "%.290s", e.msg);
                } else {
                    successes++;
                }
                if (!fail && check_content(root, sc, &ds, e0, e1, rc == DCCD_OK, ctx))
                    fail = 1;
                if (!fail && run_op(root, sc, &ds, &e, NULL, NULL, 0, 0, NULL) != DCCD_OK) {
                    FAILF("%s: the retry failed: %s", ctx, e.msg);
                    fail = 1;
                }
                if (!fail) {
                    char ctx2[260];
                    snprintf(ctx2, sizeof ctx2, "%s, after the retry", ctx);
                    if (check_content(root, sc, &ds, e0, e1, true, ctx2))
                        fail = 1;
                }
            }
        }
        printf("\n");
        for (int p = 0; p < 2; p++) {
            rs_free(&e0[p]);
            rs_free(&e1[p]);
        }
    }
    printf("fault: %s: %ld faults injected (%ld returned an error, %ld succeeded because the failed call did not "
           "matter - data then complete), every one followed by decode + content checks and a successful retry, "
           "%.1f s\n",
           fail ? "FAILED" : "ok", total, errors, successes, rel_now() - t0);
    for (int i = 0; i < 3; i++)
        if (sample[i][0])
            printf("fault: sample error: %s\n", sample[i]);
    if (!fail)
        rel_rmrf(dir);
    else
        printf("fault: store kept in %s\n", dir);
    return fail ? 1 : 0;
}
