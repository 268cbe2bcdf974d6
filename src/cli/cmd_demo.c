/*
 * src/cli/cmd_demo.c - `dccd demo`: writes a realistic synthetic sample
 * store into the root, then prints its inventory and its gaps (the same
 * reports as `dccd inventory` and `dccd gaps`, through ops.h).  Everything
 * it writes is marked with provenance
 * {"source":"dccd:demo-synthetic","derived_from":null}, so nobody can
 * mistake it for market data.
 *
 * What is written (exchange "demo"):
 *   - demo:BTC/USDT, ETH/USDT and SOL/USDT ohlc 60s: every minute of 2025
 *     (525,600 bars each), saved in monthly batches, except a
 *     deliberate 3-hour gap in BTC/USDT on 2025-06-15 12:00-15:00 UTC
 *     (180 missing bars).
 *   - demo:BTC/USDT:trades: 2025-12-29 .. 2025-12-31 (three days), about
 *     20,000 trades a day, saved in 6-hour batches.
 *   - demo:BTC/USDT:orderbook: the same three days, one snapshot a minute
 *     of 20 bid and 20 ask levels (flattened by dccd_book_flatten into 40
 *     rows), saved in 6-hour batches, with a deliberate 30-minute feed
 *     outage on 2025-12-30 08:00-08:30 UTC.
 * Then every dataset is checkpointed (pending segments folded into the
 * period files, so external Parquet readers see everything).
 *
 * The random model (deterministic for a given --seed; default 42):
 *   - PRNG: splitmix64; normals by Box-Muller from two uniforms.
 *   - Bars: close follows geometric Brownian motion without drift: each
 *     minute close = open * exp(0.0008 * Z), open = previous close;
 *     high = max(open, close) * (1 + |Z'| * 0.0005),
 *     low  = min(open, close) * (1 - |Z''| * 0.0005);
 *     volume is lognormal, exp(ln(v0) + 0.8 * Z) with v0 = 5 (BTC), 80 (ETH)
 *     or 900 (SOL); quote_volume = volume * close; trades = round(volume*10).
 *     Start prices: 94,000 (BTC), 3,300 (ETH), 190 (SOL).
 *   - Trades arrive as a Poisson process (exponential gaps, mean
 *     86400 / 20000 s), starting at the open of the BTC bar at
 *     2025-12-29T00:00Z; each trade moves the price by
 *     exp(0.0008 * sqrt(dt / 60) * Z) (dt in seconds), rounded to cents;
 *     amount lognormal exp(ln(0.05) + Z), rounded to 1e-6; side "buy" or
 *     "sell" with equal odds; tid "1", "2", ... increasing over the days.
 *   - Order book: the mid starts at the same price and follows the bars'
 *     GBM minute by minute; best bid/ask = mid * (1 -/+ 0.00005); level k
 *     (0..19) lies k * mid * 0.0001 further out, rounded to cents; amount
 *     exp(ln(0.3) + 0.1 k + 0.6 Z) rounded to 1e-6; count = 1 +
 *     floor(amount * 5); is_snapshot true.
 *
 * A progress bar per dataset goes to stderr only when it is a terminal;
 * the time taken goes to stderr; the summary to stdout.  Running demo
 * again on the same root rewrites the same rows (saves are idempotent:
 * de-duplication keeps the last copy), so the store ends up identical.
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "dccd/domain.h"
#include "dccd/error.h"
#include "dccd/store.h"
#include "ops.h"

#define DEMO_EXCHANGE "demo"
#define DEMO_SOURCE "dccd:demo-synthetic"
#define DEMO_YEAR 2025
#define MINUTES_PER_DAY 1440
#define MINUTE_NS (INT64_C(60) * DCCD_NS)
#define BATCH_HOURS 6        /* trades and order book are saved in 6-hour batches */
#define BATCH_NS (INT64_C(3600) * BATCH_HOURS * DCCD_NS)
#define BATCH_MINUTES (60 * BATCH_HOURS)
#define SIGMA_MINUTE 0.0008
#define WICK_SCALE 0.0005
#define TRADES_PER_DAY 20000.0
#define FEED_DAYS 3          /* trades and order book: the last three days of the year */
#define BOOK_LEVELS 20
#define BOOK_HALF_SPREAD 0.00005
#define BOOK_STEP 0.0001
#define MAX_DATASETS 8
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

/* ---- the run's state ---- */

typedef struct demo {
    const cli_ctx *ctx;
    dccd_store *s;
    rng r;
    dccd_provenance prov;
    dccd_dataset ds[MAX_DATASETS];
    size_t nds;
    int64_t rows; /* rows saved */
} demo;

static int demo_err(const demo *d, const char *what, const dccd_error *err)
{
    return cli_fail(d->ctx, what, err);
}

/* Register a dataset (its id goes into id, for messages and the bar). */
static int demo_dataset(demo *d, const char *base, dccd_data_type type, int64_t span, dccd_dataset **out, char *id,
                        size_t cap)
{
    dccd_error err;
    dccd_symbol sym;
    if (d->nds == MAX_DATASETS) {
        cli_msg(d->ctx, "too many datasets");
        return CLI_FAIL;
    }
    dccd_dataset *ds = &d->ds[d->nds];
    if (dccd_symbol_init(&sym, base, "USDT", DCCD_SPOT, &err) ||
        dccd_dataset_init(ds, DEMO_EXCHANGE, &sym, type, span, &err) || dccd_dataset_format(ds, id, cap, &err))
        return demo_err(d, "dataset", &err);
    d->nds++;
    *out = ds;
    return CLI_OK;
}

static int demo_save(demo *d, const dccd_dataset *ds, const char *id, const dccd_table *t)
{
    dccd_error err;
    int64_t written = 0;
    if (dccd_store_save(d->s, ds, t, &d->prov, &written, &err) != DCCD_OK)
        return demo_err(d, id, &err);
    d->rows += written;
    return CLI_OK;
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

#define MONTH_BARS (31 * MINUTES_PER_DAY)

typedef struct ohlc_buf {
    int64_t ts[MONTH_BARS];
    double open[MONTH_BARS], high[MONTH_BARS], low[MONTH_BARS], close[MONTH_BARS];
    double volume[MONTH_BARS], quote_volume[MONTH_BARS];
    int64_t trades[MONTH_BARS];
} ohlc_buf;

typedef struct pair_spec {
    const char *base;
    double start_price;
    double base_volume;
    bool gap; /* leave the 2025-06-15 12:00-15:00 gap */
} pair_spec;

/* One pair's year of bars.  *price_at receives the open of the bar at
 * ts == price_ts (where the trades and the book start). */
static int demo_ohlc(demo *d, const pair_spec *ps, ohlc_buf *b, int64_t price_ts, double *price_at)
{
    dccd_error err;
    dccd_dataset *ds;
    char id[DCCD_DATASET_TEXT_MAX];
    int rc = demo_dataset(d, ps->base, DCCD_OHLC, 60, &ds, id, sizeof id);
    if (rc != CLI_OK)
        return rc;
    int64_t year0, year1, gap0 = 0, gap1 = 0;
    if (dccd_time_year_start(DEMO_YEAR, &year0, &err) || dccd_time_year_start(DEMO_YEAR + 1, &year1, &err) ||
        dccd_time_from_civil(DEMO_YEAR, 6, 15, 12, 0, 0, 0, &gap0, &err) ||
        dccd_time_from_civil(DEMO_YEAR, 6, 15, 15, 0, 0, 0, &gap1, &err))
        return demo_err(d, "time", &err);
    int days = (int)((year1 - year0) / DCCD_NS_PER_DAY);
    double price = ps->start_price;
    double lv0 = log(ps->base_volume);
    cli_progress pr;
    cli_progress_start(&pr, id, days);
    size_t n = 0;
    for (int day = 0; day < days && rc == CLI_OK; day++) {
        int64_t day0 = year0 + (int64_t)day * DCCD_NS_PER_DAY;
        for (int m = 0; m < MINUTES_PER_DAY; m++) {
            int64_t ts = day0 + (int64_t)m * MINUTE_NS;
            double open = price;
            double close = open * exp(SIGMA_MINUTE * normal01(&d->r));
            double hi = (open > close ? open : close) * (1.0 + fabs(normal01(&d->r)) * WICK_SCALE);
            double lo = (open < close ? open : close) * (1.0 - fabs(normal01(&d->r)) * WICK_SCALE);
            double vol = exp(lv0 + 0.8 * normal01(&d->r));
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
        cli_progress_update(&pr, day + 1);
        dccd_civil_time next;
        dccd_time_to_civil(day0 + DCCD_NS_PER_DAY, &next);
        if (next.day != 1 || n == 0)
            continue; /* save whole months */
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
        rc = demo_save(d, ds, id, &t);
        n = 0;
    }
    cli_progress_end(&pr);
    return rc;
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
    if (cap > SIZE_MAX / 32) /* the largest per-row allocation is 20 bytes of tid */
        return false;
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

static int demo_trades(demo *d, int64_t day0, double price)
{
    dccd_dataset *ds;
    char id[DCCD_DATASET_TEXT_MAX];
    int rc = demo_dataset(d, "BTC", DCCD_TRADES, 0, &ds, id, sizeof id);
    if (rc != CLI_OK)
        return rc;
    trade_buf b;
    memset(&b, 0, sizeof b);
    const double mean_gap_s = 86400.0 / TRADES_PER_DAY;
    int64_t tid = 0;
    int batches = FEED_DAYS * 24 / BATCH_HOURS;
    cli_progress pr;
    cli_progress_start(&pr, id, batches);
    /* t is the time of the next trade, carried across batches. */
    int64_t t = day0 + (int64_t)(-log(uniform01(&d->r)) * mean_gap_s * 1e9);
    int64_t prev = t;
    for (int h = 0; h < batches && rc == CLI_OK; h++) {
        int64_t batch_end = day0 + (int64_t)(h + 1) * BATCH_NS;
        size_t n = 0;
        while (t < batch_end) {
            if (!trade_buf_reserve(&b, n + 1)) {
                cli_msg(d->ctx, "out of memory building trades");
                rc = CLI_FAIL;
                break;
            }
            if (n == 0) {
                b.side_off[0] = 0;
                b.tid_off[0] = 0;
            }
            double dt_s = (double)(t - prev) / 1e9;
            price *= exp(SIGMA_MINUTE * sqrt(dt_s / 60.0) * normal01(&d->r));
            b.ts[n] = t;
            b.price[n] = round(price * 100.0) / 100.0;
            b.amount[n] = round(exp(log(0.05) + 1.0 * normal01(&d->r)) * 1e6) / 1e6;
            const char *side = (splitmix64(&d->r) & 1) ? "buy" : "sell";
            size_t sl = strlen(side);
            memcpy(b.side_data + b.side_off[n], side, sl);
            b.side_off[n + 1] = b.side_off[n] + (int64_t)sl;
            char tb[24];
            int tl = snprintf(tb, sizeof tb, "%" PRId64, ++tid);
            memcpy(b.tid_data + b.tid_off[n], tb, (size_t)tl);
            b.tid_off[n + 1] = b.tid_off[n] + tl;
            n++;
            prev = t;
            int64_t gap = (int64_t)(-log(uniform01(&d->r)) * mean_gap_s * 1e9);
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
        cli_progress_update(&pr, h + 1);
        rc = demo_save(d, ds, id, &tb);
    }
    cli_progress_end(&pr);
    trade_buf_free(&b);
    return rc;
}

/* ---- order book ---- */

typedef struct book_buf {
    dccd_book_level bids[BATCH_MINUTES][BOOK_LEVELS], asks[BATCH_MINUTES][BOOK_LEVELS];
    dccd_book_snapshot snaps[BATCH_MINUTES];
} book_buf;

static void book_side(rng *r, dccd_book_level *lv, double best, double step, int dir)
{
    for (int k = 0; k < BOOK_LEVELS; k++) {
        lv[k].price = round((best + dir * k * step) * 100.0) / 100.0;
        lv[k].amount = round(exp(log(0.3) + 0.1 * k + 0.6 * normal01(r)) * 1e6) / 1e6;
        lv[k].count = 1 + (int64_t)floor(lv[k].amount * 5.0);
        lv[k].has_count = true;
    }
}

static int demo_book(demo *d, int64_t day0, double mid)
{
    dccd_error err;
    dccd_dataset *ds;
    char id[DCCD_DATASET_TEXT_MAX];
    int rc = demo_dataset(d, "BTC", DCCD_ORDERBOOK, 0, &ds, id, sizeof id);
    if (rc != CLI_OK)
        return rc;
    int64_t out0, out1;
    if (dccd_time_from_civil(DEMO_YEAR, 12, 30, 8, 0, 0, 0, &out0, &err) ||
        dccd_time_from_civil(DEMO_YEAR, 12, 30, 8, 30, 0, 0, &out1, &err))
        return demo_err(d, "time", &err);
    book_buf *b = malloc(sizeof *b);
    if (!b) {
        cli_msg(d->ctx, "out of memory");
        return CLI_FAIL;
    }
    int batches = FEED_DAYS * 24 / BATCH_HOURS;
    cli_progress pr;
    cli_progress_start(&pr, id, batches);
    for (int h = 0; h < batches && rc == CLI_OK; h++) {
        size_t n = 0;
        for (int m = 0; m < BATCH_MINUTES; m++) {
            int64_t ts = day0 + (int64_t)h * BATCH_NS + (int64_t)m * MINUTE_NS;
            mid *= exp(SIGMA_MINUTE * normal01(&d->r));
            if (ts >= out0 && ts < out1)
                continue; /* the deliberate feed outage */
            double step = mid * BOOK_STEP;
            book_side(&d->r, b->bids[n], mid * (1.0 - BOOK_HALF_SPREAD), step, -1);
            book_side(&d->r, b->asks[n], mid * (1.0 + BOOK_HALF_SPREAD), step, +1);
            b->snaps[n] = (dccd_book_snapshot){ts, b->bids[n], BOOK_LEVELS, b->asks[n], BOOK_LEVELS, true};
            n++;
        }
        if (n == 0)
            continue;
        dccd_table t;
        if (dccd_book_flatten(b->snaps, n, &t, &err) != DCCD_OK) {
            rc = demo_err(d, id, &err);
            break;
        }
        cli_progress_update(&pr, h + 1);
        rc = demo_save(d, ds, id, &t);
        dccd_table_free(&t);
    }
    cli_progress_end(&pr);
    free(b);
    return rc;
}

/* ---- summary ---- */

static int demo_summary(demo *d, double secs)
{
    dccd_error err;
    const char *root = dccd_store_root(d->s);
    fprintf(stderr, "%s demo: wrote %zu datasets (%" PRId64 " rows) in %.1f s\n", d->ctx->prog, d->nds, d->rows,
            secs);
    printf("dccd demo: a synthetic sample store in %s\n"
           "(exchange \"%s\", provenance source \"%s\": a random model, not market data)\n\n",
           root, DEMO_EXCHANGE, DEMO_SOURCE);
    int rc = CLI_OK;
    dccd_inventory_entry *e = NULL;
    size_t n = 0;
    printf("inventory\n");
    if (dccd_store_inventory(d->s, &e, &n, &err) != DCCD_OK)
        cli_fail(d->ctx, "inventory", &err); /* the data are written; say so and go on */
    else
        rc = ops_print_inventory(d->ctx, e, n, false);
    free(e);

    int64_t year0, year1, feed0, feed1;
    if (dccd_time_year_start(DEMO_YEAR, &year0, &err) || dccd_time_year_start(DEMO_YEAR + 1, &year1, &err) ||
        dccd_time_from_civil(DEMO_YEAR, 12, 32 - FEED_DAYS, 0, 0, 0, 0, &feed0, &err))
        return demo_err(d, "time", &err);
    feed1 = year1;
    printf("\ngaps\n");
    for (size_t i = 0; i < d->nds && rc == CLI_OK; i++) {
        ops_gaps_req rq;
        memset(&rq, 0, sizeof rq);
        rq.holes = true;
        if (d->ds[i].type == DCCD_OHLC) {
            rq.start = year0;
            rq.end = year1;
            rq.missing = true;
            rq.min_n = 1; /* any missing bar */
        } else {
            rq.start = feed0;
            rq.end = feed1;
            rq.min_n = d->ds[i].type == DCCD_TRADES ? 60 : 120; /* a quiet minute; two missed snapshots */
        }
        if (i)
            putchar('\n');
        rc = ops_print_gaps(d->ctx, d->s, &d->ds[i], &rq);
    }
    if (rc == CLI_OK)
        printf("\ntry\n"
               "  dccd --root %s inventory --json\n"
               "  dccd --root %s gaps --exchange demo --pair BTC/USDT --type ohlc --span 1m \\\n"
               "       --start 2025-06-01 --end 2025-07-01 --holes\n"
               "  dccd --root %s provenance --exchange demo --pair ETH/USDT --type ohlc --span 1m\n"
               "  dccd --root %s verify\n",
               root, root, root, root);
    return rc;
}

/* ---- the command ---- */

static void demo_usage(FILE *f)
{
    fputs("usage: dccd demo [--root DIR] [--seed N]\n"
          "Write a synthetic sample store into the root (exchange \"demo\": one-minute bars\n"
          "of 2025 for BTC/USDT, ETH/USDT and SOL/USDT with a 3-hour gap in BTC/USDT;\n"
          "BTC/USDT trades and order-book snapshots for 2025-12-29..31 with a 30-minute\n"
          "book outage), all marked \"dccd:demo-synthetic\" in provenance, then print the\n"
          "inventory and the gaps.\n"
          "\n"
          "  --seed N      seed of the random model (default 42; same seed, same data)\n"
          "  --root DIR    store root (default $DCCD_DATA, else ./data)\n"
          "  --help        this help\n",
          f);
}

int cli_cmd_demo(cli_ctx *ctx, int argc, char **argv)
{
    enum { OPT_SEED = CLI_OPT_FIRST_FREE };
    static const struct option opts[] = {
        {"root", required_argument, NULL, CLI_OPT_ROOT},
        {"seed", required_argument, NULL, OPT_SEED},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_dataset_opts dso = {0};
    int64_t seed = 42;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (cli_dataset_opt(ctx, &dso, c, optarg))
            continue;
        switch (c) {
        case 'h':
            demo_usage(stdout);
            return CLI_OK;
        case OPT_SEED: {
            int rc = cli_parse_count(ctx, "seed", optarg, 0, &seed);
            if (rc != CLI_OK)
                return rc;
            break;
        }
        default:
            return ops_bad_option(ctx, c, argv);
        }
    }
    int rc = ops_end_args(ctx, argc, argv);
    if (rc != CLI_OK)
        return rc;

    demo d;
    memset(&d, 0, sizeof d);
    d.ctx = ctx;
    d.r.state = (uint64_t)seed;
    dccd_error err;
    /* Synthetic data that can be regenerated at will: no fsync per save
     * (the store's durability option), which makes the demo several times
     * faster on a real disk.  Files still appear atomically (rename). */
    dccd_store_options so;
    dccd_store_options_init(&so);
    so.threads = ctx->threads;
    so.durable = false;
    if (dccd_store_open(ctx->root, &so, &d.s, &err) != DCCD_OK) {
        cli_msg(ctx, "cannot open store '%s': %s", ctx->root, err.msg);
        return CLI_FAIL;
    }
    if (dccd_provenance_init(&d.prov, DEMO_SOURCE, NULL, &err) != DCCD_OK) {
        dccd_store_close(d.s);
        return demo_err(&d, "provenance", &err);
    }
    ohlc_buf *b = malloc(sizeof *b);
    if (!b) {
        cli_msg(ctx, "out of memory");
        rc = CLI_FAIL;
    }
    static const pair_spec pairs[] = {
        {"BTC", 94000.0, 5.0, true},
        {"ETH", 3300.0, 80.0, false},
        {"SOL", 190.0, 900.0, false},
    };
    int64_t feed_day0 = 0;
    double feed_price = pairs[0].start_price;
    if (rc == CLI_OK && dccd_time_from_civil(DEMO_YEAR, 12, 32 - FEED_DAYS, 0, 0, 0, 0, &feed_day0, &err))
        rc = demo_err(&d, "time", &err);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0] && rc == CLI_OK; i++) {
        double unused = 0;
        rc = demo_ohlc(&d, &pairs[i], b, feed_day0, i == 0 ? &feed_price : &unused);
    }
    if (rc == CLI_OK)
        rc = demo_trades(&d, feed_day0, feed_price);
    if (rc == CLI_OK)
        rc = demo_book(&d, feed_day0, feed_price);
    for (size_t i = 0; i < d.nds && rc == CLI_OK; i++) {
        dccd_checkpoint_report rep;
        if (dccd_store_checkpoint(d.s, &d.ds[i], &rep, &err) != DCCD_OK)
            rc = demo_err(&d, "checkpoint", &err);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc == CLI_OK) {
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        rc = demo_summary(&d, secs);
    }
    free(b);
    dccd_provenance_free(&d.prov);
    dccd_store_close(d.s);
    return rc;
}
