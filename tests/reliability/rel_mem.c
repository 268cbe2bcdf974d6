/*
 * tests/reliability/rel_mem.c - memory bounds of reads (issue 5 point 5).
 *
 * For each multiple m (default 10 and 100) a store is built holding one
 * OHLC 1s period file of m row groups of R rows (default 16384: one row
 * group is R x 64 bytes decoded, 1 MiB), written by m saves each folded at
 * once (so the file is built by raw row-group appends, as in production).
 * Then, each in a fresh process (exec of this program, so the peak RSS
 * VmHWM starts from a small baseline), the probe runs
 *   load-all    dccd_store_load of the whole file
 *   load-range  dccd_store_load of one row group's TS range in the middle
 *   scan-all    dccd_store_scan of the whole file (rows counted, chunk sizes
 *               recorded, nothing kept)
 * and reports the growth of VmHWM over the baseline.  The figures are
 * printed; the test fails only when scan's peak exceeds --scan-limit-mb
 * (default: none, i.e. report only) or a probe fails.
 *
 *   reltool mem [--rg R] [--mults 10,100] [--scan-limit-mb X]
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rel.h"

#define MEM_T0 INT64_C(1704067200000000000) /* 2024-01-01T00:00Z */

/* Under AddressSanitizer freed memory stays in a quarantine: RSS figures
 * are meaningless there, so the limit is reported but not enforced. */
#if defined(__SANITIZE_ADDRESS__)
#define REL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REL_ASAN 1
#endif
#endif
#ifndef REL_ASAN
#define REL_ASAN 0
#endif

static int mem_dataset(dccd_dataset *ds)
{
    dccd_symbol sym;
    if (dccd_symbol_parse("MEM/USDT", &sym, NULL))
        return -1;
    return dccd_dataset_init(ds, "mem", &sym, DCCD_OHLC, 1, NULL) ? -1 : 0;
}

static int build(const char *root, size_t rg, int mult)
{
    dccd_store_options o;
    rel_store_opts(&o, true, rg, 1000000000);
    o.durable = false;
    dccd_store *s;
    dccd_error e;
    dccd_dataset ds;
    if (dccd_store_open(root, &o, &s, &e) || mem_dataset(&ds))
        return -1;
    rowset rs;
    rs_init(&rs, DCCD_OHLC);
    uint64_t st = 42;
    int rc = 0;
    for (int m = 0; m < mult && !rc; m++) {
        rs.n = 0;
        for (size_t i = 0; i < rg; i++) {
            rrow *r = rs_push(&rs);
            r->ts = MEM_T0 + (int64_t)((size_t)m * rg + i) * DCCD_NS;
            for (int c = 0; c < 6; c++)
                r->d[c] = (double)(rel_rand(&st) % 1000000) / 100.0;
            r->i = (int64_t)(rel_rand(&st) % 1000);
        }
        dccd_table t;
        if (rs_to_table(&rs, 0, rs.n, &t))
            return -1;
        int64_t nw;
        rc = dccd_store_save(s, &ds, &t, NULL, &nw, &e);
        dccd_table_free(&t);
    }
    if (rc)
        FAILF("build: %s", e.msg);
    rs_free(&rs);
    dccd_store_close(s);
    return rc ? -1 : 0;
}

typedef struct scan_ctx {
    size_t rows, chunks, max_chunk;
} scan_ctx;

static int scan_cb(void *ctx, const dccd_table *chunk, dccd_error *err)
{
    (void)err;
    scan_ctx *c = ctx;
    c->rows += chunk->nrows;
    c->chunks++;
    if (chunk->nrows > c->max_chunk)
        c->max_chunk = chunk->nrows;
    return 0;
}

/* In the fresh process: run one read mode, print "rows chunks maxchunk kB". */
static int probe(const char *root, const char *mode, size_t rg, int mult)
{
    dccd_store_options o;
    rel_store_opts(&o, false, rg, 1000000000);
    dccd_store *s;
    dccd_error e;
    dccd_dataset ds;
    if (dccd_store_open(root, &o, &s, &e) || mem_dataset(&ds))
        return 2;
    long base = rel_vmhwm_kb();
    scan_ctx sc = {0, 0, 0};
    int rc;
    if (!strcmp(mode, "scan-all")) {
        rc = dccd_store_scan(s, &ds, DCCD_TS_MIN, DCCD_TS_MAX, scan_cb, &sc, &e);
    } else {
        int64_t lo = DCCD_TS_MIN, hi = DCCD_TS_MAX;
        if (!strcmp(mode, "load-range")) {
            lo = MEM_T0 + (int64_t)((size_t)(mult / 2) * rg) * DCCD_NS;
            hi = lo + (int64_t)(rg - 1) * DCCD_NS;
        }
        dccd_table t;
        rc = dccd_store_load(s, &ds, lo, hi, &t, &e);
        if (!rc) {
            sc.rows = t.nrows;
            sc.chunks = 1;
            sc.max_chunk = t.nrows;
            dccd_table_free(&t);
        }
    }
    long peak = rel_vmhwm_kb();
    dccd_store_close(s);
    if (rc) {
        fprintf(stderr, "probe %s: %s\n", mode, e.msg);
        return 1;
    }
    printf("%zu %zu %zu %ld\n", sc.rows, sc.chunks, sc.max_chunk, peak - base);
    return 0;
}

static int run_probe(const char *root, const char *mode, size_t rg, int mult, size_t *rows, size_t *maxchunk,
                     long *kb)
{
    int fds[2];
    if (pipe(fds))
        return -1;
    fflush(NULL);
    pid_t p = fork();
    if (p == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        char rgs[32], ms[32];
        snprintf(rgs, sizeof rgs, "%zu", rg);
        snprintf(ms, sizeof ms, "%d", mult);
        execl("/proc/self/exe", "reltool", "mem", "--probe", root, mode, rgs, ms, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char buf[256] = "";
    ssize_t n = read(fds[0], buf, sizeof buf - 1);
    close(fds[0]);
    int st;
    waitpid(p, &st, 0);
    if (n <= 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return -1;
    buf[n] = '\0';
    size_t chunks;
    return sscanf(buf, "%zu %zu %zu %ld", rows, &chunks, maxchunk, kb) == 4 ? 0 : -1;
}

int rel_mem_main(int argc, char **argv)
{
    if (argc >= 5 && !strcmp(argv[0], "--probe"))
        return probe(argv[1], argv[2], (size_t)strtoull(argv[3], NULL, 10), atoi(argv[4]));
    size_t rg = 16384;
    char mults[64] = "10,100";
    double limit = 0;
    for (int i = 0; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--rg"))
            rg = (size_t)strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--mults"))
            snprintf(mults, sizeof mults, "%s", argv[i + 1]);
        else if (!strcmp(argv[i], "--scan-limit-mb"))
            limit = atof(argv[i + 1]);
    }
    char dir[512], root[600];
    if (rel_tmpdir(dir, sizeof dir, "mem"))
        return 2;
    double rg_mb = (double)rg * 64.0 / 1048576.0;
    printf("mem: row group = %zu rows = %.2f MiB decoded (8 columns x 8 bytes); peak RSS growth (VmHWM) per read:\n",
           rg, rg_mb);
    printf("mem:   %-6s %-9s %12s %12s %12s %10s\n", "mult", "rows", "load-all", "load-range", "scan-all",
           "scan chunk");
    int fail = 0;
    char *save = NULL;
    for (char *tok = strtok_r(mults, ",", &save); tok && !fail; tok = strtok_r(NULL, ",", &save)) {
        int m = atoi(tok);
        if (m < 1)
            continue;
        snprintf(root, sizeof root, "%s/store-%d", dir, m);
        double t0 = rel_now();
        if (build(root, rg, m)) {
            fail = 1;
            break;
        }
        double tb = rel_now() - t0;
        static const char *const modes[3] = {"load-all", "load-range", "scan-all"};
        long kb[3] = {0, 0, 0};
        size_t rows[3] = {0, 0, 0}, maxc[3] = {0, 0, 0};
        for (int k = 0; k < 3 && !fail; k++)
            if (run_probe(root, modes[k], rg, m, &rows[k], &maxc[k], &kb[k])) {
                FAILF("probe %s on %dx failed", modes[k], m);
                fail = 1;
            }
        if (fail)
            break;
        if (rows[0] != (size_t)m * rg || rows[2] != (size_t)m * rg || rows[1] != rg) {
            FAILF("row counts: load %zu, range %zu, scan %zu (expected %zu, %zu)", rows[0], rows[1], rows[2],
                  (size_t)m * rg, rg);
            fail = 1;
        }
        printf("mem:   %-6d %-9zu %9.1f MiB %9.1f MiB %9.1f MiB %10zu   (build %.1f s)\n", m, (size_t)m * rg,
               (double)kb[0] / 1024.0, (double)kb[1] / 1024.0, (double)kb[2] / 1024.0, maxc[2], tb);
        printf("mem:   %dx: scan peak = %.1f row groups, load-all peak = %.1f row groups\n", m,
               (double)kb[2] / 1024.0 / rg_mb, (double)kb[0] / 1024.0 / rg_mb);
        if (limit > 0 && REL_ASAN)
            printf("mem:   (AddressSanitizer build: RSS includes its quarantine, the %.1f MiB limit is not enforced)\n",
                   limit);
        else if (limit > 0 && (double)kb[2] / 1024.0 > limit) {
            FAILF("scan of %dx peaks at %.1f MiB, above the limit %.1f MiB", m, (double)kb[2] / 1024.0, limit);
            fail = 1;
        }
        rel_rmrf(root);
    }
    rel_rmrf(dir);
    printf("mem: %s\n", fail ? "FAILED" : "ok");
    return fail ? 1 : 0;
}
