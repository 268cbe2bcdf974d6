/*
 * src/cli/cmd_demo.c - `dccd demo`: writes a synthetic sample store and
 * prints a summary of what it wrote.  Everything it writes is marked with
 * provenance {"source":"dccd:demo-synthetic","derived_from":null}, so
 * nobody can mistake it for market data.
 *
 * What is written (exchange "demo"):
 *   - demo:BTC/USDT:ohlc:60s and demo:ETH/USDT:ohlc:60s: every minute of
 *     2025 (525,600 bars each), saved in daily batches of 1,440 rows, except
 *     a deliberate 3-hour gap in BTC/USDT on 2025-06-15 12:00-15:00 UTC.
 *   - demo:BTC/USDT:trades: 2025-12-30 and 2025-12-31, about 20,000 trades
 *     a day, saved in hourly batches.
 *
 * The model (deterministic for a given --seed; default 42):
 *   - PRNG: splitmix64; normals by Box-Muller from two uniforms.
 *   - Close follows geometric Brownian motion without drift: each minute
 *     close = open * exp(0.0008 * Z).  open = previous close.
 *   - high = max(open, close) * (1 + |Z'| * 0.0005),
 *     low  = min(open, close) * (1 - |Z''| * 0.0005).
 *   - volume is lognormal: exp(ln(v0) + 0.8 * Z) with v0 = 5 (BTC) or
 *     80 (ETH); quote_volume = volume * close; trades = round(volume * 10).
 *   - Trades arrive as a Poisson process (exponential gaps, mean
 *     86400 / 20000 s), starting at the BTC bar open price of 2025-12-30;
 *     each trade moves the price by exp(0.0008 * sqrt(dt / 60) * Z);
 *     amount lognormal around 0.05 BTC; side "buy"/"sell" with equal odds;
 *     tid "1", "2", ... increasing over both days.
 *
 * After saving, every dataset is checkpointed, then summarised: rows and
 * first/last TS (from a streaming scan), missing intervals over 2025 (OHLC)
 * and internal holes longer than 5 minutes.  A progress line goes to
 * stderr only when stderr is a terminal.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "dccd/domain.h"
#include "dccd/error.h"
#include "dccd/store.h"

#define DEMO_EXCHANGE "demo"
#define DEMO_SOURCE "dccd:demo-synthetic"
#define DEMO_YEAR 2025
#define MINUTES_PER_DAY 1440
#define MINUTE_NS (INT64_C(60) * DCCD_NS)
#define HOUR_NS (INT64_C(3600) * DCCD_NS)
#define SIGMA_MINUTE 0.0008
#define WICK_SCALE 0.0005
#define TRADES_PER_DAY 20000.0
#define TRADE_DAYS 2
#define PI 3.14159265358979323846

/* ---- random numbers ---- */

typedef struct rng {
    uint64_t state;
    bool have_spare;
    double spare;
} rng;

static uint64_t splitmix64(rng *r)
{
    uint64_t z = (r->state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Uniform in (0, 1): never 0, so log() is safe. */
static double uniform01(rng *r)
{
    return ((double)(splitmix64(r) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static double normal01(rng *r)
{
    if (r->have_spare) {
        r->have_spare = false;
        return r->spare;
    }
    double u1 = uniform01(r), u2 = uniform01(r);
    double m = sqrt(-2.0 * log(u1));
    r->spare = m * sin(2.0 * PI * u2);
    r->have_spare = true;
    return m * cos(2.0 * PI * u2);
}

/* ---- small helpers ---- */

typedef struct progress {
    bool on;
} progress;

static void progress_show(const progress *p, const char *what, int done, int total)
{
    if (!p->on)
        return;
    fprintf(stderr, "\r%-40s %3d/%d", what, done, total);
    fflush(stderr);
}

static void progress_end(const progress *p)
{
    if (p->on)
        fprintf(stderr, "\r%60s\r", "");
}

static void report(const cli_ctx *ctx, const char *what, const dccd_error *err)
{
    fprintf(stderr, "%s demo: %s: %s (%s)\n", ctx->prog, what, err->msg, dccd_code_name(err->code));
}

static void fmt_ts(int64_t ts, char *buf, size_t cap)
{
    if (dccd_time_format(ts, buf, cap, NULL) != DCCD_OK)
        snprintf(buf, cap, "%" PRId64, ts);
}

static void table_borrow(dccd_table *t, dccd_data_type type, size_t nrows)
{
    memset(t, 0, sizeof *t);
    t->type = type;
    t->nrows = nrows;
    t->ncols = dccd_schema_ncols(type);
    for (int i = 0; i < t->ncols; i++) {
        t->cols[i].type = dccd_schema_col_type(type, i);
        t->cols[i].n = nrows;
    }
    t->owned = false;
}

/* ---- OHLC ---- */

typedef struct ohlc_buf {
    int64_t ts[MINUTES_PER_DAY];
    double open[MINUTES_PER_DAY], high[MINUTES_PER_DAY], low[MINUTES_PER_DAY], close[MINUTES_PER_DAY];
    double volume[MINUTES_PER_DAY], quote_volume[MINUTES_PER_DAY];
    int64_t trades[MINUTES_PER_DAY];
} ohlc_buf;

typedef struct pair_spec {
    const char *base;
    double start_price;
    double base_volume;
    bool gap;  /* leave the 2025-06-15 12:00-15:00 gap */
} pair_spec;

/* Writes one pair's year of bars.  *price_at receives the open of the bar at
 * ts == price_ts (used to start the trades there). */
static int demo_ohlc(const cli_ctx *ctx, dccd_store *s, const pair_spec *ps, rng *r, const dccd_provenance *prov,
                     const progress *pr, ohlc_buf *b, int64_t price_ts, double *price_at, dccd_dataset *ds)
{
    dccd_error err;
    dccd_symbol sym;
    if (dccd_symbol_init(&sym, ps->base, "USDT", DCCD_SPOT, &err) ||
        dccd_dataset_init(ds, DEMO_EXCHANGE, &sym, DCCD_OHLC, 60, &err)) {
        report(ctx, "dataset", &err);
        return CLI_FAIL;
    }
    char id[DCCD_DATASET_TEXT_MAX];
    if (dccd_dataset_format(ds, id, sizeof id, &err)) {
        report(ctx, "dataset", &err);
        return CLI_FAIL;
    }
    int64_t year0, year1, gap0 = 0, gap1 = 0;
    if (dccd_time_year_start(DEMO_YEAR, &year0, &err) || dccd_time_year_start(DEMO_YEAR + 1, &year1, &err) ||
        dccd_time_from_civil(DEMO_YEAR, 6, 15, 12, 0, 0, 0, &gap0, &err) ||
        dccd_time_from_civil(DEMO_YEAR, 6, 15, 15, 0, 0, 0, &gap1, &err)) {
        report(ctx, "time", &err);
        return CLI_FAIL;
    }
    int days = (int)((year1 - year0) / DCCD_NS_PER_DAY);
    double price = ps->start_price;
    double lv0 = log(ps->base_volume);
    for (int d = 0; d < days; d++) {
        size_t n = 0;
        int64_t day0 = year0 + (int64_t)d * DCCD_NS_PER_DAY;
        for (int m = 0; m < MINUTES_PER_DAY; m++) {
            int64_t ts = day0 + (int64_t)m * MINUTE_NS;
            double open = price;
            double close = open * exp(SIGMA_MINUTE * normal01(r));
            double hi = (open > close ? open : close) * (1.0 + fabs(normal01(r)) * WICK_SCALE);
            double lo = (open < close ? open : close) * (1.0 - fabs(normal01(r)) * WICK_SCALE);
            double vol = exp(lv0 + 0.8 * normal01(r));
            price = close;
            if (ts == price_ts)
                *price_at = open;
            if (ps->gap && ts >= gap0 && ts < gap1)
                continue; /* the deliberate gap: generated, not saved */
            b->ts[n] = ts;
            b->open[n] = open;
            b->high[n] = hi;
            b->low[n] = lo;
            b->close[n] = close;
            b->volume[n] = vol;
            b->quote_volume[n] = vol * close;
            b->trades[n] = llround(vol * 10.0);
            n++;
        }
        dccd_table t;
        table_borrow(&t, DCCD_OHLC, n);
        t.cols[0].values = b->ts;
        t.cols[1].values = b->open;
        t.cols[2].values = b->high;
        t.cols[3].values = b->low;
        t.cols[4].values = b->close;
        t.cols[5].values = b->volume;
        t.cols[6].values = b->quote_volume;
        t.cols[7].values = b->trades;
        int64_t written;
        if (dccd_store_save(s, ds, &t, prov, &written, &err)) {
            progress_end(pr);
            report(ctx, id, &err);
            return CLI_FAIL;
        }
        progress_show(pr, id, d + 1, days);
    }
    progress_end(pr);
    return CLI_OK;
}

/* ---- trades ---- */

typedef struct trade_buf {
    size_t cap;
    int64_t *ts;
    double *price, *amount;
    int64_t *side_off, *tid_off;
    uint8_t *side_data, *tid_data;
    size_t tid_data_cap;
} trade_buf;

static void trade_buf_free(trade_buf *b)
{
    free(b->ts);
    free(b->price);
    free(b->amount);
    free(b->side_off);
    free(b->tid_off);
    free(b->side_data);
    free(b->tid_data);
    memset(b, 0, sizeof *b);
}

static bool trade_buf_reserve(trade_buf *b, size_t n)
{
    if (n <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < n)
        cap *= 2;
    trade_buf nb = *b;
    void *p;
#define GROW(field, count)                                            \
    do {                                                              \
        p = realloc(nb.field, (count) * sizeof *nb.field);            \
        if (!p)                                                       \
            goto fail;                                                \
        nb.field = p;                                                 \
    } while (0)
    GROW(ts, cap);
    GROW(price, cap);
    GROW(amount, cap);
    GROW(side_off, cap + 1);
    GROW(tid_off, cap + 1);
    GROW(side_data, cap * 4);    /* "buy" / "sell" */
    GROW(tid_data, cap * 20);    /* decimal int64 */
#undef GROW
    nb.cap = cap;
    *b = nb;
    return true;
fail:
    *b = nb; /* keep whatever grew, so trade_buf_free releases it */
    return false;
}

static int demo_trades(const cli_ctx *ctx, dccd_store *s, rng *r, const dccd_provenance *prov, const progress *pr,
                       int64_t day0, double price, dccd_dataset *ds)
{
    dccd_error err;
    dccd_symbol sym;
    if (dccd_symbol_init(&sym, "BTC", "USDT", DCCD_SPOT, &err) ||
        dccd_dataset_init(ds, DEMO_EXCHANGE, &sym, DCCD_TRADES, 0, &err)) {
        report(ctx, "dataset", &err);
        return CLI_FAIL;
    }
    char id[DCCD_DATASET_TEXT_MAX];
    if (dccd_dataset_format(ds, id, sizeof id, &err)) {
        report(ctx, "dataset", &err);
        return CLI_FAIL;
    }
    trade_buf b;
    memset(&b, 0, sizeof b);
    int rc = CLI_OK;
    const double mean_gap_s = 86400.0 / TRADES_PER_DAY;
    int64_t tid = 0;
    int hours = TRADE_DAYS * 24;
    /* t is the time of the next trade, carried across hour batches. */
    int64_t t = day0 + (int64_t)(-log(uniform01(r)) * mean_gap_s * 1e9);
    for (int h = 0; h < hours && rc == CLI_OK; h++) {
        int64_t hour_end = day0 + (int64_t)(h + 1) * HOUR_NS;
        size_t n = 0;
        int64_t prev = t;
        while (t < hour_end) {
            if (!trade_buf_reserve(&b, n + 1)) {
                fprintf(stderr, "%s demo: out of memory building trades\n", ctx->prog);
                rc = CLI_FAIL;
                break;
            }
            if (n == 0) {
                b.side_off[0] = 0;
                b.tid_off[0] = 0;
            }
            double dt_s = (double)(t - prev) / 1e9;
            price *= exp(SIGMA_MINUTE * sqrt(dt_s / 60.0) * normal01(r));
            b.ts[n] = t;
            b.price[n] = round(price * 100.0) / 100.0;
            b.amount[n] = round(exp(log(0.05) + 1.0 * normal01(r)) * 1e6) / 1e6;
            const char *side = (splitmix64(r) & 1) ? "buy" : "sell";
            size_t sl = strlen(side);
            memcpy(b.side_data + b.side_off[n], side, sl);
            b.side_off[n + 1] = b.side_off[n] + (int64_t)sl;
            char tb[24];
            int tl = snprintf(tb, sizeof tb, "%" PRId64, ++tid);
            memcpy(b.tid_data + b.tid_off[n], tb, (size_t)tl);
            b.tid_off[n + 1] = b.tid_off[n] + tl;
            n++;
            prev = t;
            int64_t gap = (int64_t)(-log(uniform01(r)) * mean_gap_s * 1e9);
            t += gap > 0 ? gap : 1; /* strictly increasing */
        }
        if (rc != CLI_OK || n == 0)
            continue;
        dccd_table tb;
        table_borrow(&tb, DCCD_TRADES, n);
        tb.cols[0].values = b.ts;
        tb.cols[1].values = b.price;
        tb.cols[2].values = b.amount;
        tb.cols[3].offsets = b.side_off;
        tb.cols[3].data = b.side_data;
        tb.cols[4].offsets = b.tid_off;
        tb.cols[4].data = b.tid_data;
        int64_t written;
        if (dccd_store_save(s, ds, &tb, prov, &written, &err)) {
            progress_end(pr);
            report(ctx, id, &err);
            rc = CLI_FAIL;
        }
        progress_show(pr, id, h + 1, hours);
    }
    progress_end(pr);
    trade_buf_free(&b);
    return rc;
}

/* ---- summary ---- */

typedef struct scan_sum {
    int64_t rows;
    bool any;
    int64_t first, last;
} scan_sum;

static int sum_chunk(void *vctx, const dccd_table *chunk, dccd_error *err)
{
    (void)err;
    scan_sum *ss = vctx;
    if (chunk->nrows == 0)
        return DCCD_OK;
    const int64_t *ts = chunk->cols[0].values;
    if (!ss->any) {
        ss->first = ts[0];
        ss->any = true;
    }
    ss->last = ts[chunk->nrows - 1];
    ss->rows += (int64_t)chunk->nrows;
    return DCCD_OK;
}

static void print_intervals(const char *label, const dccd_interval *iv, size_t n)
{
    printf("  %s: %zu\n", label, n);
    for (size_t i = 0; i < n; i++) {
        char a[DCCD_TIME_TEXT_MAX], b[DCCD_TIME_TEXT_MAX];
        fmt_ts(iv[i].start, a, sizeof a);
        fmt_ts(iv[i].end, b, sizeof b);
        printf("    %s -> %s\n", a, b);
    }
}

static int summarise(const cli_ctx *ctx, dccd_store *s, const dccd_dataset *dss, size_t nds)
{
    dccd_error err;
    int64_t year0, year1;
    if (dccd_time_year_start(DEMO_YEAR, &year0, &err) || dccd_time_year_start(DEMO_YEAR + 1, &year1, &err)) {
        report(ctx, "time", &err);
        return CLI_FAIL;
    }
    scan_sum sums[4];
    char ids[4][DCCD_DATASET_TEXT_MAX];
    if (nds > 4)
        nds = 4;
    int idw = (int)strlen("dataset");
    for (size_t i = 0; i < nds; i++) {
        memset(&sums[i], 0, sizeof sums[i]);
        if (dccd_dataset_format(&dss[i], ids[i], sizeof ids[i], &err) ||
            dccd_store_scan(s, &dss[i], DCCD_TS_MIN, DCCD_TS_MAX, sum_chunk, &sums[i], &err)) {
            report(ctx, "scan", &err);
            return CLI_FAIL;
        }
        int l = (int)strlen(ids[i]);
        if (l > idw)
            idw = l;
    }
    printf("store: %s (synthetic data, provenance source \"%s\")\n\n", dccd_store_root(s), DEMO_SOURCE);
    char first[4][DCCD_TIME_TEXT_MAX], last[4][DCCD_TIME_TEXT_MAX];
    int tw = (int)strlen("first");
    for (size_t i = 0; i < nds; i++) {
        strcpy(first[i], "-");
        strcpy(last[i], "-");
        if (sums[i].any) {
            fmt_ts(sums[i].first, first[i], sizeof first[i]);
            fmt_ts(sums[i].last, last[i], sizeof last[i]);
        }
        int l = (int)strlen(first[i]);
        if (l > tw)
            tw = l;
    }
    printf("%-*s  %10s  %-*s  %s\n", idw, "dataset", "rows", tw, "first", "last");
    for (size_t i = 0; i < nds; i++)
        printf("%-*s  %10" PRId64 "  %-*s  %s\n", idw, ids[i], sums[i].rows, tw, first[i], last[i]);
    for (size_t i = 0; i < nds; i++) {
        printf("\n%s\n", ids[i]);
        dccd_interval *iv = NULL;
        size_t n = 0;
        if (dss[i].type == DCCD_OHLC) {
            if (dccd_store_missing_intervals(s, &dss[i], year0, year1, &iv, &n, &err)) {
                report(ctx, "missing intervals", &err);
                return CLI_FAIL;
            }
            print_intervals("missing intervals over 2025", iv, n);
            free(iv);
            iv = NULL;
        }
        if (dccd_store_holes(s, &dss[i], DCCD_TS_MIN, DCCD_TS_MAX, 5 * MINUTE_NS, &iv, &n, &err)) {
            report(ctx, "holes", &err);
            return CLI_FAIL;
        }
        print_intervals("holes longer than 5 minutes", iv, n);
        free(iv);
    }
    return CLI_OK;
}

/* ---- the command ---- */

static void demo_usage(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s demo [--root DIR] [--seed N]\n"
            "Write a synthetic sample store (exchange \"demo\": BTC/USDT and ETH/USDT one-minute\n"
            "bars for 2025, BTC/USDT trades for 2025-12-30..31) and print a summary.\n",
            prog);
}

int cli_cmd_demo(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"root", required_argument, NULL, 'r'},
        {"seed", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    uint64_t seed = 42;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (!*optarg) {
                fprintf(stderr, "%s demo: --root needs a non-empty directory\n", ctx->prog);
                return CLI_USAGE;
            }
            ctx->root = optarg;
            break;
        case 's': {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (errno || end == optarg || *end || optarg[0] == '-') {
                fprintf(stderr, "%s demo: --seed wants a non-negative integer, got '%s'\n", ctx->prog, optarg);
                return CLI_USAGE;
            }
            seed = (uint64_t)v;
            break;
        }
        case 'h':
            demo_usage(stdout, ctx->prog);
            return CLI_OK;
        case ':':
            fprintf(stderr, "%s demo: option '%s' needs an argument\n", ctx->prog, argv[optind - 1]);
            return CLI_USAGE;
        default:
            fprintf(stderr, "%s demo: unknown option '%s'\n", ctx->prog, argv[optind - 1]);
            demo_usage(stderr, ctx->prog);
            return CLI_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "%s demo: unexpected argument '%s'\n", ctx->prog, argv[optind]);
        return CLI_USAGE;
    }

    dccd_error err;
    dccd_store_options so;
    dccd_store_options_init(&so);
    dccd_store *s = NULL;
    if (dccd_store_open(ctx->root, &so, &s, &err)) {
        report(ctx, ctx->root, &err);
        return CLI_FAIL;
    }
    dccd_provenance prov;
    if (dccd_provenance_init(&prov, DEMO_SOURCE, NULL, &err)) {
        report(ctx, "provenance", &err);
        dccd_store_close(s);
        return CLI_FAIL;
    }
    progress pr = {isatty(STDERR_FILENO) == 1};
    rng r = {seed, false, 0.0};
    ohlc_buf *b = malloc(sizeof *b);
    int rc = b ? CLI_OK : CLI_FAIL;
    if (!b)
        fprintf(stderr, "%s demo: out of memory\n", ctx->prog);

    static const pair_spec pairs[2] = {
        {"BTC", 94000.0, 5.0, true},
        {"ETH", 3300.0, 80.0, false},
    };
    dccd_dataset dss[3];
    size_t nds = 0;
    int64_t trades_day0 = 0;
    double trade_price = pairs[0].start_price;
    if (rc == CLI_OK && dccd_time_from_civil(DEMO_YEAR, 12, 30, 0, 0, 0, 0, &trades_day0, &err)) {
        report(ctx, "time", &err);
        rc = CLI_FAIL;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i < 2 && rc == CLI_OK; i++) {
        rc = demo_ohlc(ctx, s, &pairs[i], &r, &prov, &pr, b, trades_day0, i == 0 ? &trade_price : &(double){0},
                       &dss[nds]);
        if (rc == CLI_OK)
            nds++;
    }
    if (rc == CLI_OK) {
        rc = demo_trades(ctx, s, &r, &prov, &pr, trades_day0, trade_price, &dss[nds]);
        if (rc == CLI_OK)
            nds++;
    }
    for (size_t i = 0; i < nds && rc == CLI_OK; i++) {
        dccd_checkpoint_report rep;
        if (dccd_store_checkpoint(s, &dss[i], &rep, &err)) {
            report(ctx, "checkpoint", &err);
            rc = CLI_FAIL;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc == CLI_OK) {
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        fprintf(stderr, "%s demo: wrote %zu datasets in %.1f s\n", ctx->prog, nds, secs);
        rc = summarise(ctx, s, dss, nds);
    }
    free(b);
    dccd_provenance_free(&prov);
    dccd_store_close(s);
    return rc;
}
