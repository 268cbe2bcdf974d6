/*
 * bench/dccd_bench.c - the C side of the dccd benchmarks (driven by
 * bench/run.sh, summarised by bench/report.mjs).  It uses the public API
 * only (dccd/parquet.h, dccd/store.h) and prints one JSON object per
 * measurement on stdout.
 *
 * Subcommands (every one deterministic; SEED fixes the data):
 *   gen ohlc|trades N SEED START_NS OUT   synthetic input, written uncompressed
 *                                         (one row group) so every engine
 *                                         starts from the same columns
 *   csv ohlc|trades FILE OUT [DIGITS]     the same data as CSV (import bench);
 *                                         doubles as %.DIGITSg (default 15:
 *                                         40123.45; 17: full precision,
 *                                         40123.449999999997)
 *   pq-enc SRC CODEC OUT REPS             in-memory columns -> OUT (no fsync,
 *                                         like the peers), REPS times
 *   pq-dec FILE REPS                      FILE -> column arrays, REPS times
 *   store-days ROOT SRC DAYS DURABLE [BENCH]  (2a) one save per day of 1m bars
 *   store-minutes ROOT SRC DURABLE        (2b) one save per minute of trades
 *   store-ab ROOT SRC DURABLE             (2b-ab) last hour into a full and an empty day
 *   store-ckpt ROOT SRC REPS              checkpoint of a whole trades day of
 *                                         segments, 1 thread vs default, alternating
 *   store-build-inv ROOT FILES            (2c) a store of FILES period files
 *   store-inventory ROOT REPS             (2c) dccd_store_inventory
 *   store-build-years ROOT SRC            (2c) 5 years of 1m bars, a file per year
 *   store-load ROOT START END REPS        (2c) dccd_store_load of a range
 *   mem-build ROOT N DAY_NS               (2d) a trades day file of N rows
 *   mem-save ROOT SYNC LABEL DAY_NS       (2d) save 1,440 rows into it in a fresh
 *                                         process; reports VmHWM / VmRSS
 *
 * Timing is CLOCK_MONOTONIC around the measured call(s) only.  Thread
 * counts: pq-enc/pq-dec take BENCH_THREADS (1, or 0 = the online CPUs);
 * store-ckpt runs both; the other store benchmarks use the store's default
 * (the online CPUs).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dccd/domain.h"
#include "dccd/error.h"
#include "dccd/parquet.h"
#include "dccd/store.h"

/* ------------------------------------------------------------ utilities */

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int die(const char *what, const dccd_error *err)
{
    fprintf(stderr, "dccd_bench: %s: %s\n", what, err ? err->msg : strerror(errno));
    return 1;
}

static int bench_err(dccd_error *err, int code, const char *what, const char *detail)
{
    if (err) {
        err->code = code;
        snprintf(err->msg, sizeof err->msg, "%s: %s", what, detail);
    }
    return code;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "dccd_bench: out of memory (%zu bytes)\n", n);
        exit(1);
    }
    return p;
}

static void print_ms_array(const double *ms, size_t n)
{
    printf("[");
    for (size_t i = 0; i < n; i++)
        printf("%s%.3f", i ? "," : "", ms[i]);
    printf("]");
}

/* xoshiro256** seeded by splitmix64 */
typedef struct rng {
    uint64_t s[4];
} rng;

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static void rng_init(rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return res;
}

static double rng_unit(rng *r) /* (0, 1) */
{
    return ((double)(rng_next(r) >> 11) + 0.5) / 9007199254740992.0;
}

static double rng_normal(rng *r)
{
    return sqrt(-2.0 * log(rng_unit(r))) * cos(6.283185307179586 * rng_unit(r));
}

static double round_to(double v, double q)
{
    return round(v / q) * q;
}

/* ------------------------------------------------------------ tables in memory */

typedef struct mtable {
    dccd_data_type type;
    size_t n;
    int ncols;
    dccd_pq_column cols[DCCD_MAX_COLS];
} mtable;

static void mtable_free(mtable *t)
{
    for (int c = 0; c < t->ncols; c++)
        dccd_pq_column_free(&t->cols[c]);
    memset(t, 0, sizeof *t);
}

static size_t type_width(dccd_pq_type t)
{
    switch (t) {
    case DCCD_PQ_BOOLEAN: return 1;
    case DCCD_PQ_INT32: case DCCD_PQ_FLOAT: return 4;
    default: return 8;
    }
}

/* A borrowed view of rows [from, from+n) of t (byte-array offsets stay absolute). */
static void mtable_slice(const mtable *t, size_t from, size_t n, dccd_table *out)
{
    memset(out, 0, sizeof *out);
    out->type = t->type;
    out->ncols = t->ncols;
    out->nrows = n;
    out->owned = false;
    for (int c = 0; c < t->ncols; c++) {
        const dccd_pq_column *s = &t->cols[c];
        dccd_pq_column *d = &out->cols[c];
        *d = *s;
        d->n = n;
        d->null_count = 0;
        if (s->type == DCCD_PQ_BYTE_ARRAY)
            d->offsets = s->offsets + from;
        else
            d->values = (uint8_t *)s->values + from * type_width(s->type);
        d->validity = s->validity ? s->validity + from : NULL;
        if (d->validity)
            for (size_t i = 0; i < n; i++)
                d->null_count += !d->validity[i];
    }
}

/* Read every row group of a file into one column per field (owned). */
static int load_file(const char *path, dccd_data_type type, mtable *out, dccd_error *err)
{
    memset(out, 0, sizeof *out);
    out->type = type;
    dccd_pq_file *f;
    int rc = dccd_pq_open(path, &f, err);
    if (rc)
        return rc;
    size_t n = (size_t)dccd_pq_num_rows(f);
    out->n = n;
    out->ncols = dccd_pq_num_columns(f);
    for (int c = 0; c < out->ncols; c++) {
        const dccd_pq_column_info *ci = dccd_pq_column_info_at(f, c);
        dccd_pq_column *d = &out->cols[c];
        d->type = ci->type;
        d->n = n;
        size_t w = type_width(ci->type);
        size_t pos = 0, dpos = 0, dcap = 0;
        if (ci->type == DCCD_PQ_BYTE_ARRAY) {
            d->offsets = xmalloc((n + 1) * sizeof(int64_t));
            d->offsets[0] = 0;
        } else {
            d->values = xmalloc(n * w);
        }
        for (int rg = 0; rg < dccd_pq_num_row_groups(f); rg++) {
            dccd_pq_column col;
            rc = dccd_pq_read_column(f, rg, c, &col, err);
            if (rc) {
                dccd_pq_close(f);
                return rc;
            }
            if (col.null_count) {
                fprintf(stderr, "dccd_bench: %s: nulls in the input are not expected\n", path);
                exit(1);
            }
            if (ci->type == DCCD_PQ_BYTE_ARRAY) {
                size_t len = (size_t)col.offsets[col.n];
                if (dpos + len > dcap) {
                    dcap = (dpos + len) * 2;
                    uint8_t *nd = realloc(d->data, dcap);
                    if (!nd)
                        return die("realloc", NULL);
                    d->data = nd;
                }
                if (len)
                    memcpy(d->data + dpos, col.data, len);
                for (size_t i = 0; i < col.n; i++)
                    d->offsets[pos + i + 1] = (int64_t)dpos + col.offsets[i + 1];
                dpos += len;
            } else {
                memcpy((uint8_t *)d->values + pos * w, col.values, col.n * w);
            }
            pos += col.n;
            dccd_pq_column_free(&col);
        }
    }
    dccd_pq_close(f);
    return DCCD_OK;
}

/* The fields dccd writes for the store's schemas (as src/store does):
 * every column optional like polars, TS DELTA_BINARY_PACKED, strings with
 * a dictionary (falling back to PLAIN when it grows too large). */
static void bench_fields(const mtable *t, dccd_pq_field *fields)
{
    memset(fields, 0, sizeof(dccd_pq_field) * (size_t)t->ncols);
    for (int c = 0; c < t->ncols; c++) {
        fields[c].name = dccd_schema_col_name(t->type, c);
        fields[c].type = dccd_schema_col_type(t->type, c);
        fields[c].optional = true;
        if (fields[c].type == DCCD_PQ_BYTE_ARRAY)
            fields[c].logical = DCCD_PQ_LOG_STRING;
        if (c == 0)
            fields[c].delta = true;
    }
}

/* ------------------------------------------------------------ generators */

/* 1-minute bars from start_ns: a geometric random walk rounded to cents,
 * highs/lows around it, volumes log-normal rounded to 1e-5, trades counts. */
static void gen_ohlc(size_t n, uint64_t seed, int64_t start_ns, mtable *t)
{
    memset(t, 0, sizeof *t);
    t->type = DCCD_OHLC;
    t->n = n;
    t->ncols = dccd_schema_ncols(DCCD_OHLC);
    for (int c = 0; c < t->ncols; c++) {
        t->cols[c].type = dccd_schema_col_type(DCCD_OHLC, c);
        t->cols[c].n = n;
        t->cols[c].values = xmalloc(n * 8);
    }
    int64_t *ts = t->cols[0].values, *trades = t->cols[7].values;
    double *o = t->cols[1].values, *h = t->cols[2].values, *l = t->cols[3].values, *cl = t->cols[4].values;
    double *v = t->cols[5].values, *qv = t->cols[6].values;
    rng r;
    rng_init(&r, seed);
    double price = 42000.0;
    for (size_t i = 0; i < n; i++) {
        ts[i] = start_ns + (int64_t)i * 60 * DCCD_NS;
        double open = round_to(price, 0.01);
        price *= exp(rng_normal(&r) * 0.0008);
        double close = round_to(price, 0.01);
        double hi = fmax(open, close) * (1.0 + fabs(rng_normal(&r)) * 0.0004);
        double lo = fmin(open, close) * (1.0 - fabs(rng_normal(&r)) * 0.0004);
        o[i] = open;
        cl[i] = close;
        h[i] = round_to(hi, 0.01);
        l[i] = round_to(lo, 0.01);
        v[i] = round_to(exp(rng_normal(&r) * 0.8 + 2.5), 1e-5);
        qv[i] = round_to(v[i] * (open + close) * 0.5, 1e-8);
        trades[i] = 50 + (int64_t)(exp(rng_normal(&r) * 0.7 + 5.5));
    }
}

/* Trades spread over [start_ns, start_ns + span_ns): millisecond TS
 * (non-decreasing, ties happen), price walk in cents, amounts log-normal
 * rounded to 1e-5, side buy/sell, tid = sequential decimal ids. */
static void gen_trades_span(size_t n, uint64_t seed, int64_t start_ns, int64_t span_ns, uint64_t first_tid,
                            mtable *t)
{
    memset(t, 0, sizeof *t);
    t->type = DCCD_TRADES;
    t->n = n;
    t->ncols = dccd_schema_ncols(DCCD_TRADES);
    for (int c = 0; c < t->ncols; c++) {
        t->cols[c].type = dccd_schema_col_type(DCCD_TRADES, c);
        t->cols[c].n = n;
    }
    int64_t *ts = xmalloc(n * 8);
    double *price = xmalloc(n * 8), *amount = xmalloc(n * 8);
    int64_t *soff = xmalloc((n + 1) * 8), *toff = xmalloc((n + 1) * 8);
    uint8_t *sdata = xmalloc(n * 4), *tdata = xmalloc(n * 21);
    rng r;
    rng_init(&r, seed);
    double p = 42000.0;
    int64_t span_ms = span_ns / 1000000;
    size_t sp = 0, tp = 0;
    soff[0] = toff[0] = 0;
    for (size_t i = 0; i < n; i++) {
        double pos = ((double)i + 0.9 * rng_unit(&r)) / (double)n; /* < (i+1)/n: sorted */
        ts[i] = start_ns + (int64_t)(pos * (double)span_ms) * 1000000;
        p *= exp(rng_normal(&r) * 0.00005);
        price[i] = round_to(p, 0.01);
        amount[i] = round_to(exp(rng_normal(&r) * 1.5 - 4.0), 1e-5);
        if (amount[i] <= 0)
            amount[i] = 1e-5;
        bool buy = rng_unit(&r) < 0.5;
        memcpy(sdata + sp, buy ? "buy" : "sell", buy ? 3 : 4);
        sp += buy ? 3 : 4;
        soff[i + 1] = (int64_t)sp;
        tp += (size_t)snprintf((char *)tdata + tp, 21, "%" PRIu64, first_tid + i);
        toff[i + 1] = (int64_t)tp;
    }
    t->cols[0].values = ts;
    t->cols[1].values = price;
    t->cols[2].values = amount;
    t->cols[3].offsets = soff;
    t->cols[3].data = sdata;
    t->cols[4].offsets = toff;
    t->cols[4].data = tdata;
}

/* BENCH_THREADS: the Parquet benchmark's thread count (0 = the online
 * CPUs, dccd's default; unset = 1, the single-threaded figures). */
static int bench_threads(void)
{
    const char *s = getenv("BENCH_THREADS");
    return s && *s ? atoi(s) : 1;
}

static const char *threads_label(void)
{
    return bench_threads() == 1 ? "1" : "default";
}

static int write_table(const char *path, const mtable *t, dccd_pq_codec codec, size_t rg_rows, double *ms,
                       dccd_error *err)
{
    dccd_pq_field fields[DCCD_MAX_COLS];
    bench_fields(t, fields);
    dccd_pq_write_options o;
    dccd_pq_write_options_init(&o);
    o.codec = codec;
    o.threads = ms ? bench_threads() : 1;
    if (rg_rows)
        o.row_group_rows = rg_rows;
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return bench_err(err, DCCD_EIO, path, strerror(errno));
    double t0 = now_ms();
    dccd_pq_writer *w;
    int rc = dccd_pq_writer_open_fd(fd, path, fields, t->ncols, &o, &w, err);
    if (!rc) {
        rc = dccd_pq_writer_write(w, t->cols, t->n, err);
        if (rc)
            dccd_pq_writer_abort(w);
        else
            rc = dccd_pq_writer_close(w, err);
    }
    if (ms)
        *ms = now_ms() - t0;
    close(fd);
    return rc;
}

static int cmd_gen(int argc, char **argv)
{
    if (argc != 7)
        return fprintf(stderr, "usage: gen ohlc|trades N SEED START_NS OUT\n"), 2;
    size_t n = strtoull(argv[3], NULL, 10);
    uint64_t seed = strtoull(argv[4], NULL, 10);
    int64_t start = strtoll(argv[5], NULL, 10);
    mtable t;
    if (!strcmp(argv[2], "ohlc"))
        gen_ohlc(n, seed, start, &t);
    else
        gen_trades_span(n, seed, start, DCCD_NS_PER_DAY, UINT64_C(3000000000), &t);
    dccd_error err = {0};
    if (write_table(argv[6], &t, DCCD_PQ_UNCOMPRESSED, n, NULL, &err))
        return die("gen", &err);
    mtable_free(&t);
    return 0;
}

/* CSV with the canonical header; TS in integer ns, doubles with %.DIGITSg:
 * 15 (default) is exact for the generators' cents and 1e-5 amounts, 17
 * round-trips any double (the full-precision import input of issue 12). */
static int cmd_csv(int argc, char **argv)
{
    if (argc != 5 && argc != 6)
        return fprintf(stderr, "usage: csv ohlc|trades FILE OUT [DIGITS]\n"), 2;
    int digits = argc == 6 ? atoi(argv[5]) : 15;
    if (digits < 1 || digits > 17)
        return fprintf(stderr, "csv: DIGITS must be 1..17\n"), 2;
    dccd_data_type type = strcmp(argv[2], "ohlc") ? DCCD_TRADES : DCCD_OHLC;
    mtable t;
    dccd_error err = {0};
    if (load_file(argv[3], type, &t, &err))
        return die("csv", &err);
    FILE *out = fopen(argv[4], "w");
    if (!out)
        return die(argv[4], NULL);
    static char buf[1 << 16];
    setvbuf(out, buf, _IOFBF, sizeof buf);
    for (int c = 0; c < t.ncols; c++)
        fprintf(out, "%s%s", c ? "," : "", dccd_schema_col_name(type, c));
    fputc('\n', out);
    for (size_t i = 0; i < t.n; i++) {
        for (int c = 0; c < t.ncols; c++) {
            const dccd_pq_column *col = &t.cols[c];
            if (c)
                fputc(',', out);
            switch (col->type) {
            case DCCD_PQ_INT64: fprintf(out, "%" PRId64, ((const int64_t *)col->values)[i]); break;
            case DCCD_PQ_DOUBLE: fprintf(out, "%.*g", digits, ((const double *)col->values)[i]); break;
            default:
                fwrite(col->data + col->offsets[i], 1, (size_t)(col->offsets[i + 1] - col->offsets[i]), out);
            }
        }
        fputc('\n', out);
    }
    if (fclose(out))
        return die(argv[4], NULL);
    mtable_free(&t);
    return 0;
}

/* ------------------------------------------------------------ Parquet */

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int cmd_pq_enc(int argc, char **argv)
{
    if (argc != 7)
        return fprintf(stderr, "usage: pq-enc ohlc|trades SRC CODEC OUT REPS\n"), 2;
    dccd_data_type type = strcmp(argv[2], "ohlc") ? DCCD_TRADES : DCCD_OHLC;
    dccd_error err = {0};
    dccd_pq_codec codec;
    if (dccd_pq_codec_parse(argv[4], &codec, &err))
        return die("codec", &err);
    mtable t;
    if (load_file(argv[3], type, &t, &err))
        return die("load", &err);
    int reps = atoi(argv[6]);
    double *ms = xmalloc(sizeof(double) * (size_t)reps);
    for (int i = 0; i < reps; i++)
        if (write_table(argv[5], &t, codec, 0, &ms[i], &err))
            return die("encode", &err);
    struct stat st;
    if (stat(argv[5], &st))
        return die(argv[5], NULL);
    printf("{\"bench\":\"pq\",\"engine\":\"dccd\",\"op\":\"encode\",\"threads\":\"%s\",\"data\":\"%s\","
           "\"codec\":\"%s\",\"rows\":%zu,\"bytes\":%lld,\"ms\":",
           threads_label(), argv[2], argv[4], t.n, (long long)st.st_size);
    print_ms_array(ms, (size_t)reps);
    printf("}\n");
    free(ms);
    mtable_free(&t);
    return 0;
}

static int decode_all(const char *path, size_t *rows, dccd_error *err)
{
    dccd_pq_file *f;
    int rc = dccd_pq_open(path, &f, err);
    if (rc)
        return rc;
    int nrg = dccd_pq_num_row_groups(f), nc = dccd_pq_num_columns(f);
    size_t ncol = (size_t)nrg * (size_t)nc;
    dccd_pq_column *cols = calloc(ncol ? ncol : 1, sizeof *cols);
    if (!cols) {
        dccd_pq_close(f);
        return bench_err(err, DCCD_ENOMEM, path, "out of memory");
    }
    *rows = (size_t)dccd_pq_num_rows(f);
    /* the pool is part of the timed decode (threads started per file) */
    dccd_pool *pool = NULL;
    int th = bench_threads();
    if (th != 1 && (rc = dccd_pool_create(th, &pool, err))) {
        dccd_pq_close(f);
        free(cols);
        return rc;
    }
    int *idx = malloc(sizeof(int) * (size_t)(nc ? nc : 1));
    if (!idx)
        rc = bench_err(err, DCCD_ENOMEM, path, "out of memory");
    for (int c = 0; idx && c < nc; c++)
        idx[c] = c;
    /* every row group in one batch: small row groups (peers' files) decode side by side */
    if (idx)
        rc = dccd_pq_read_row_groups(f, 0, nrg, idx, nc, cols, pool, err);
    free(idx);
    dccd_pool_destroy(pool);
    dccd_pq_close(f);
    /* the columns are the result: released only after the clock stopped, by the caller's next step */
    for (size_t i = 0; i < ncol; i++)
        dccd_pq_column_free(&cols[i]);
    free(cols);
    return rc;
}

static int cmd_pq_dec(int argc, char **argv)
{
    if (argc != 7)
        return fprintf(stderr, "usage: pq-dec ohlc|trades FILE CODEC WRITER REPS\n"), 2;
    int reps = atoi(argv[6]);
    double *ms = xmalloc(sizeof(double) * (size_t)reps);
    dccd_error err = {0};
    size_t rows = 0;
    for (int i = 0; i < reps; i++) {
        double t0 = now_ms();
        /* free() of the result is inside the timed region: a few ms at most,
         * and the peers also free their previous frames as they go */
        if (decode_all(argv[3], &rows, &err))
            return die("decode", &err);
        ms[i] = now_ms() - t0;
    }
    printf("{\"bench\":\"pq\",\"engine\":\"dccd\",\"op\":\"decode\",\"threads\":\"%s\",\"data\":\"%s\","
           "\"codec\":\"%s\",\"file_by\":\"%s\",\"file\":\"%s\",\"rows\":%zu,\"ms\":",
           threads_label(), argv[2], argv[4], argv[5], base_name(argv[3]), rows);
    print_ms_array(ms, (size_t)reps);
    printf("}\n");
    free(ms);
    return 0;
}

/* ------------------------------------------------------------ the store */

static int open_store(const char *root, bool durable, bool sync, dccd_store **s, dccd_error *err)
{
    dccd_store_options o;
    dccd_store_options_init(&o);
    o.durable = durable;
    o.sync_checkpoint = sync;
    return dccd_store_open(root, &o, s, err);
}

static int dataset(dccd_data_type type, const char *pair_base, dccd_dataset *ds, dccd_error *err)
{
    dccd_symbol sym;
    int rc = dccd_symbol_init(&sym, pair_base, "USDT", DCCD_SPOT, err);
    return rc ? rc : dccd_dataset_init(ds, "binance", &sym, type, type == DCCD_OHLC ? 60 : 0, err);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(const double *v, size_t n)
{
    if (!n)
        return 0;
    double *c = xmalloc(n * sizeof *c);
    memcpy(c, v, n * sizeof *c);
    qsort(c, n, sizeof *c, cmp_double);
    double m = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
    free(c);
    return m;
}

/* Saves of consecutive slices [cuts[i], cuts[i+1]) of t, then a final
 * checkpoint (so the end state is the seed's: one period file holding
 * everything).  Prints total, per-save latencies summary and the check. */
static int run_saves(const char *bench, const char *root, const mtable *t, const size_t *cuts, size_t nsaves,
                     bool durable, const dccd_dataset *ds)
{
    dccd_error err = {0};
    dccd_store *s;
    if (open_store(root, durable, false, &s, &err))
        return die("open", &err);
    double *lat = xmalloc(nsaves * sizeof *lat);
    double t0 = now_ms();
    for (size_t i = 0; i < nsaves; i++) {
        dccd_table b;
        mtable_slice(t, cuts[i], cuts[i + 1] - cuts[i], &b);
        double a = now_ms();
        int64_t w;
        if (dccd_store_save(s, ds, &b, NULL, &w, &err))
            return die("save", &err);
        lat[i] = now_ms() - a;
    }
    double saves_ms = now_ms() - t0;
    double c0 = now_ms();
    dccd_checkpoint_report rep;
    if (dccd_store_checkpoint(s, ds, &rep, &err))
        return die("checkpoint", &err);
    double ckpt_ms = now_ms() - c0;
    /* check: everything is there */
    dccd_table all;
    if (dccd_store_load(s, ds, DCCD_TS_MIN, DCCD_TS_MAX, &all, &err))
        return die("load", &err);
    const char *latf = getenv("BENCH_LAT_OUT"); /* every save's latency, one per line (analysis) */
    if (latf && *latf) {
        FILE *lf = fopen(latf, "w");
        if (lf) {
            for (size_t i = 0; i < nsaves; i++)
                fprintf(lf, "%.4f\n", lat[i]);
            fclose(lf);
        }
    }
    size_t k = nsaves < 60 ? nsaves : 60;
    double max = 0, med = median_of(lat, nsaves), slow_ms = 0;
    size_t slow = 0; /* saves that folded (checkpointed): > 10x the median */
    for (size_t i = 0; i < nsaves; i++) {
        max = lat[i] > max ? lat[i] : max;
        if (lat[i] > 10 * med) {
            slow++;
            slow_ms += lat[i];
        }
    }
    printf("{\"bench\":\"%s\",\"engine\":\"dccd\",\"durable\":%s,\"saves\":%zu,\"rows\":%zu,\"loaded_rows\":%zu,"
           "\"saves_ms\":%.3f,\"final_checkpoint_ms\":%.3f,\"total_ms\":%.3f,\"first_median_ms\":%.3f,"
           "\"last_median_ms\":%.3f,\"max_save_ms\":%.3f,\"median_save_ms\":%.3f,\"slow_saves\":%zu,"
           "\"slow_saves_ms\":%.3f}\n",
           bench, durable ? "true" : "false", nsaves, t->n, all.nrows, saves_ms, ckpt_ms, saves_ms + ckpt_ms,
           median_of(lat, k), median_of(lat + nsaves - k, k), max, med, slow, slow_ms);
    dccd_table_free(&all);
    free(lat);
    dccd_store_close(s);
    return 0;
}

static int cmd_store_days(int argc, char **argv)
{
    if (argc != 6 && argc != 7)
        return fprintf(stderr, "usage: store-days ROOT SRC DAYS DURABLE [BENCH]\n"), 2;
    dccd_error err = {0};
    mtable t;
    if (load_file(argv[3], DCCD_OHLC, &t, &err))
        return die("load", &err);
    size_t days = strtoull(argv[4], NULL, 10);
    if (days * 1440 > t.n)
        return fprintf(stderr, "store-days: source too short\n"), 1;
    t.n = days * 1440;
    size_t *cuts = xmalloc((days + 1) * sizeof *cuts);
    for (size_t i = 0; i <= days; i++)
        cuts[i] = i * 1440;
    dccd_dataset ds;
    if (dataset(DCCD_OHLC, "BTC", &ds, &err))
        return die("dataset", &err);
    int rc = run_saves(argc == 7 ? argv[6] : "store_days", argv[2], &t, cuts, days, atoi(argv[5]) != 0, &ds);
    free(cuts);
    mtable_free(&t);
    return rc;
}

/* Batch boundaries of t (sorted by TS): one batch per UTC minute; batch i
 * is rows [cuts[i], cuts[i+1]), *n batches (malloc'd). */
static size_t *minute_cuts(const mtable *t, size_t *n)
{
    const int64_t *ts = t->cols[0].values;
    size_t *cuts = xmalloc((t->n + 2) * sizeof *cuts), k = 0;
    cuts[k++] = 0;
    for (size_t i = 1; i < t->n; i++)
        if (ts[i] / (60 * DCCD_NS) != ts[i - 1] / (60 * DCCD_NS))
            cuts[k++] = i;
    cuts[k] = t->n;
    *n = k;
    return cuts;
}

static int cmd_store_minutes(int argc, char **argv)
{
    if (argc != 5 && argc != 6)
        return fprintf(stderr, "usage: store-minutes ROOT SRC DURABLE [BENCH]\n"), 2;
    dccd_error err = {0};
    mtable t;
    if (load_file(argv[3], DCCD_TRADES, &t, &err))
        return die("load", &err);
    size_t n, *cuts = minute_cuts(&t, &n);
    dccd_dataset ds;
    if (dataset(DCCD_TRADES, "BTC", &ds, &err))
        return die("dataset", &err);
    int rc = run_saves(argc == 6 ? argv[5] : "store_minutes", argv[2], &t, cuts, n, atoi(argv[4]) != 0, &ds);
    free(cuts);
    mtable_free(&t);
    return rc;
}

/* The claim "a save at the end of the day costs no more than at its
 * start", measured without the drift of a shared machine: two stores, one
 * whose day file already holds the first 23 hours (saved minute by minute,
 * then checkpointed: the end of a day), one empty (the start of a day); the
 * last hour's 60 minute batches are saved into both, alternately, each save
 * timed.  Both stores accumulate the same pending segments meanwhile. */
static int cmd_store_ab(int argc, char **argv)
{
    if (argc != 5)
        return fprintf(stderr, "usage: store-ab ROOT SRC DURABLE\n"), 2;
    dccd_error err = {0};
    mtable t;
    if (load_file(argv[3], DCCD_TRADES, &t, &err))
        return die("load", &err);
    size_t n, *cuts = minute_cuts(&t, &n);
    size_t k = n < 60 ? n : 60, first = n - k;
    bool durable = atoi(argv[4]) != 0;
    char ra[4096], rb[4096];
    snprintf(ra, sizeof ra, "%s/start", argv[2]);
    snprintf(rb, sizeof rb, "%s/end", argv[2]);
    mkdir(argv[2], 0755);
    dccd_dataset ds;
    dccd_store *sa, *sb;
    if (dataset(DCCD_TRADES, "BTC", &ds, &err) || open_store(ra, durable, false, &sa, &err) ||
        open_store(rb, durable, false, &sb, &err))
        return die("open", &err);
    int64_t w;
    for (size_t i = 0; i < first; i++) {
        dccd_table b;
        mtable_slice(&t, cuts[i], cuts[i + 1] - cuts[i], &b);
        if (dccd_store_save(sb, &ds, &b, NULL, &w, &err))
            return die("save", &err);
    }
    if (dccd_store_checkpoint(sb, &ds, NULL, &err))
        return die("checkpoint", &err);
    double *la = xmalloc(k * sizeof *la), *lb = xmalloc(k * sizeof *lb);
    for (size_t i = 0; i < k; i++) {
        dccd_table b;
        mtable_slice(&t, cuts[first + i], cuts[first + i + 1] - cuts[first + i], &b);
        for (int side = 0; side < 2; side++) {
            /* alternate which store goes first */
            bool to_a = (side == 0) == (i % 2 == 0);
            double a0 = now_ms();
            if (dccd_store_save(to_a ? sa : sb, &ds, &b, NULL, &w, &err))
                return die("save", &err);
            (to_a ? la : lb)[i] = now_ms() - a0;
        }
    }
    /* check: the empty day holds the last hour, the full day everything */
    dccd_table la_all, lb_all;
    if (dccd_store_load(sa, &ds, DCCD_TS_MIN, DCCD_TS_MAX, &la_all, &err) ||
        dccd_store_load(sb, &ds, DCCD_TS_MIN, DCCD_TS_MAX, &lb_all, &err))
        return die("load", &err);
    if (la_all.nrows != t.n - cuts[first] || lb_all.nrows != t.n)
        return fprintf(stderr, "store-ab: loaded %zu / %zu rows, expected %zu / %zu\n", la_all.nrows, lb_all.nrows,
                       t.n - cuts[first], t.n),
               1;
    dccd_table_free(&la_all);
    dccd_table_free(&lb_all);
    dccd_inventory_entry *inv = NULL;
    size_t ninv = 0;
    if (dccd_store_inventory(sb, &inv, &ninv, &err) || ninv != 1)
        return die("inventory", &err);
    double ma = median_of(la, k), mb = median_of(lb, k);
    printf("{\"bench\":\"store_ab\",\"engine\":\"dccd\",\"durable\":%s,\"saves\":%zu,\"end_file_rows\":%lld,"
           "\"start_median_ms\":%.4f,\"end_median_ms\":%.4f,\"end_over_start\":%.4f}\n",
           durable ? "true" : "false", k, (long long)(inv[0].rows - (int64_t)(t.n - cuts[first])), ma, mb,
           ma > 0 ? mb / ma : 0);
    free(inv);
    free(la);
    free(lb);
    free(cuts);
    dccd_store_close(sa);
    dccd_store_close(sb);
    mtable_free(&t);
    return 0;
}

/* (issue 12) a checkpoint of a full trades day: the day's minute batches
 * saved as segments (no automatic checkpoint, no fsync), then one
 * dccd_store_checkpoint folding all of them into the day file, timed; at
 * one thread and at the store's default (the online CPUs), alternately,
 * REPS times each.  The segments are rebuilt for every run. */
static int cmd_store_ckpt(int argc, char **argv)
{
    if (argc != 5)
        return fprintf(stderr, "usage: store-ckpt ROOT SRC REPS\n"), 2;
    dccd_error err = {0};
    mtable t;
    if (load_file(argv[3], DCCD_TRADES, &t, &err))
        return die("load", &err);
    size_t n, *cuts = minute_cuts(&t, &n);
    int reps = atoi(argv[4]);
    dccd_dataset ds;
    if (dataset(DCCD_TRADES, "BTC", &ds, &err))
        return die("dataset", &err);
    mkdir(argv[2], 0755);
    double *ms[2] = {xmalloc((size_t)reps * sizeof(double)), xmalloc((size_t)reps * sizeof(double))};
    for (int r = 0; r < reps; r++) {
        for (int side = 0; side < 2; side++) {
            int mode = (side == 0) == (r % 2 == 0) ? 0 : 1; /* 0: one thread, 1: default; alternating */
            char root[4096];
            snprintf(root, sizeof root, "%s/ckpt-%d-%d", argv[2], r, mode);
            dccd_store_options o;
            dccd_store_options_init(&o);
            o.durable = false;
            o.checkpoint_rows = INT64_MAX;
            o.checkpoint_age_ns = INT64_MAX;
            o.checkpoint_segments = 0;
            o.threads = mode == 0 ? 1 : 0;
            dccd_store *s;
            if (dccd_store_open(root, &o, &s, &err))
                return die("open", &err);
            int64_t w;
            for (size_t i = 0; i < n; i++) {
                dccd_table b;
                mtable_slice(&t, cuts[i], cuts[i + 1] - cuts[i], &b);
                if (dccd_store_save(s, &ds, &b, NULL, &w, &err))
                    return die("save", &err);
            }
            dccd_checkpoint_report rep;
            double a0 = now_ms();
            if (dccd_store_checkpoint(s, &ds, &rep, &err))
                return die("checkpoint", &err);
            ms[mode][r] = now_ms() - a0;
            dccd_inventory_entry *inv = NULL;
            size_t ninv = 0;
            if (dccd_store_inventory(s, &inv, &ninv, &err) || ninv != 1 || inv[0].rows != (int64_t)t.n ||
                inv[0].pending_rows != 0)
                return fprintf(stderr, "store-ckpt: the day file does not hold the %zu rows\n", t.n), 1;
            free(inv);
            dccd_store_close(s);
        }
    }
    for (int mode = 0; mode < 2; mode++) {
        printf("{\"bench\":\"store_ckpt\",\"engine\":\"dccd\",\"threads\":\"%s\",\"segments\":%zu,"
               "\"rows\":%zu,\"ms\":[",
               mode ? "default" : "1", n, t.n);
        for (int r = 0; r < reps; r++)
            printf("%s%.3f", r ? "," : "", ms[mode][r]);
        printf("]}\n");
    }
    free(ms[0]);
    free(ms[1]);
    free(cuts);
    mtable_free(&t);
    return 0;
}

static const char *const INV_BASES[] = {"BTC", "ETH", "SOL", "XRP", "ADA", "DOGE", "LTC", "DOT"};

/* FILES trade-day files (up to 8 pairs x N days, 500 trades each) */
static int cmd_store_build_inv(int argc, char **argv)
{
    if (argc != 4)
        return fprintf(stderr, "usage: store-build-inv ROOT FILES\n"), 2;
    size_t files = strtoull(argv[3], NULL, 10);
    dccd_error err = {0};
    dccd_store *s;
    if (open_store(argv[2], false, true, &s, &err))
        return die("open", &err);
    size_t pairs = 4, days = (files + pairs - 1) / pairs;
    int64_t day0 = INT64_C(1672531200) * DCCD_NS; /* 2023-01-01 */
    size_t made = 0;
    for (size_t p = 0; p < pairs && made < files; p++) {
        dccd_dataset ds;
        if (dataset(DCCD_TRADES, INV_BASES[p], &ds, &err))
            return die("dataset", &err);
        for (size_t d = 0; d < days && made < files; d++, made++) {
            mtable t;
            gen_trades_span(500, 7 + p * 1000 + d, day0 + (int64_t)d * DCCD_NS_PER_DAY, DCCD_NS_PER_DAY,
                            UINT64_C(1000000) * (d + 1), &t);
            dccd_table b;
            mtable_slice(&t, 0, t.n, &b);
            int64_t w;
            if (dccd_store_save(s, &ds, &b, NULL, &w, &err))
                return die("save", &err);
            mtable_free(&t);
        }
    }
    dccd_store_close(s);
    return 0;
}

static int cmd_store_inventory(int argc, char **argv)
{
    if (argc != 4)
        return fprintf(stderr, "usage: store-inventory ROOT REPS\n"), 2;
    int reps = atoi(argv[3]);
    dccd_error err = {0};
    dccd_store *s;
    if (open_store(argv[2], false, false, &s, &err))
        return die("open", &err);
    double *ms = xmalloc(sizeof(double) * (size_t)reps);
    size_t files = 0, n = 0;
    for (int i = 0; i < reps; i++) {
        dccd_inventory_entry *e = NULL;
        double t0 = now_ms();
        int rc = dccd_store_inventory(s, &e, &n, &err);
        ms[i] = now_ms() - t0;
        if (rc == DCCD_EUNSUPPORTED) {
            printf("{\"bench\":\"inventory\",\"engine\":\"dccd\",\"skipped\":\"%s\"}\n", err.msg);
            dccd_store_close(s);
            free(ms);
            return 0;
        }
        if (rc)
            return die("inventory", &err);
        files = 0;
        for (size_t k = 0; k < n; k++)
            files += e[k].files;
        free(e);
    }
    printf("{\"bench\":\"inventory\",\"engine\":\"dccd\",\"datasets\":%zu,\"files\":%zu,\"ms\":", n, files);
    print_ms_array(ms, (size_t)reps);
    printf("}\n");
    free(ms);
    dccd_store_close(s);
    return 0;
}

/* one save per calendar year of SRC (1m bars), each folded at once */
static int cmd_store_build_years(int argc, char **argv)
{
    if (argc != 4)
        return fprintf(stderr, "usage: store-build-years ROOT SRC\n"), 2;
    dccd_error err = {0};
    mtable t;
    if (load_file(argv[3], DCCD_OHLC, &t, &err))
        return die("load", &err);
    dccd_store *s;
    if (open_store(argv[2], false, true, &s, &err))
        return die("open", &err);
    dccd_dataset ds;
    if (dataset(DCCD_OHLC, "BTC", &ds, &err))
        return die("dataset", &err);
    const int64_t *ts = t.cols[0].values;
    size_t from = 0;
    char cur[32] = "", lab[32];
    for (size_t i = 0; i <= t.n; i++) {
        if (i < t.n && dccd_time_period_label(ts[i], DCCD_OHLC, lab, sizeof lab, &err))
            return die("period", &err);
        if (i == t.n || (i > from && strcmp(lab, cur))) {
            dccd_table b;
            mtable_slice(&t, from, i - from, &b);
            int64_t w;
            if (dccd_store_save(s, &ds, &b, NULL, &w, &err))
                return die("save", &err);
            from = i;
        }
        if (i < t.n)
            memcpy(cur, lab, sizeof cur);
    }
    dccd_store_close(s);
    mtable_free(&t);
    return 0;
}

static int cmd_store_load(int argc, char **argv)
{
    if (argc != 6)
        return fprintf(stderr, "usage: store-load ROOT START END REPS\n"), 2;
    int64_t a = strtoll(argv[3], NULL, 10), b = strtoll(argv[4], NULL, 10);
    int reps = atoi(argv[5]);
    dccd_error err = {0};
    dccd_store *s;
    if (open_store(argv[2], false, false, &s, &err))
        return die("open", &err);
    dccd_dataset ds;
    if (dataset(DCCD_OHLC, "BTC", &ds, &err))
        return die("dataset", &err);
    double *ms = xmalloc(sizeof(double) * (size_t)reps);
    size_t rows = 0;
    for (int i = 0; i < reps; i++) {
        dccd_table out;
        double t0 = now_ms();
        if (dccd_store_load(s, &ds, a, b, &out, &err))
            return die("load", &err);
        ms[i] = now_ms() - t0;
        rows = out.nrows;
        dccd_table_free(&out);
    }
    printf("{\"bench\":\"load_week\",\"engine\":\"dccd\",\"rows\":%zu,\"ms\":", rows);
    print_ms_array(ms, (size_t)reps);
    printf("}\n");
    free(ms);
    dccd_store_close(s);
    return 0;
}

/* ------------------------------------------------------------ memory */

static long status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    long v = -1;
    size_t kl = strlen(key);
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, key, kl) && line[kl] == ':') {
            v = strtol(line + kl + 1, NULL, 10);
            break;
        }
    fclose(f);
    return v;
}

/* a trades day file of N rows in the first 23 hours of the day starting
 * at DAY_NS (folded at once) */
static int cmd_mem_build(int argc, char **argv)
{
    if (argc != 5)
        return fprintf(stderr, "usage: mem-build ROOT N DAY_NS\n"), 2;
    size_t n = strtoull(argv[3], NULL, 10);
    const int64_t day0 = strtoll(argv[4], NULL, 10);
    dccd_error err = {0};
    mtable t;
    gen_trades_span(n, 11, day0, 23 * 3600 * DCCD_NS, UINT64_C(3000000000), &t);
    dccd_store *s;
    if (open_store(argv[2], false, true, &s, &err))
        return die("open", &err);
    dccd_dataset ds;
    if (dataset(DCCD_TRADES, "BTC", &ds, &err))
        return die("dataset", &err);
    dccd_table b;
    mtable_slice(&t, 0, t.n, &b);
    int64_t w;
    if (dccd_store_save(s, &ds, &b, NULL, &w, &err))
        return die("save", &err);
    dccd_store_close(s);
    mtable_free(&t);
    return 0;
}

/* save 1,440 trades (the last hour) into the day; SYNC=1 folds at once */
static int cmd_mem_save(int argc, char **argv)
{
    if (argc != 6)
        return fprintf(stderr, "usage: mem-save ROOT SYNC LABEL DAY_NS\n"), 2;
    const int64_t day0 = strtoll(argv[5], NULL, 10);
    bool sync = atoi(argv[3]) != 0;
    dccd_error err = {0};
    mtable t;
    gen_trades_span(1440, 12, day0 + 23 * 3600 * DCCD_NS, 3600 * DCCD_NS, UINT64_C(9000000000), &t);
    dccd_store *s;
    if (open_store(argv[2], true, sync, &s, &err))
        return die("open", &err);
    dccd_dataset ds;
    if (dataset(DCCD_TRADES, "BTC", &ds, &err))
        return die("dataset", &err);
    dccd_table b;
    mtable_slice(&t, 0, t.n, &b);
    long before = status_kb("VmRSS"), hwm0 = status_kb("VmHWM");
    double t0 = now_ms();
    int64_t w;
    if (dccd_store_save(s, &ds, &b, NULL, &w, &err))
        return die("save", &err);
    double ms = now_ms() - t0;
    long hwm = status_kb("VmHWM");
    printf("{\"bench\":\"mem_save\",\"engine\":\"dccd\",\"file_rows\":\"%s\",\"sync_checkpoint\":%s,"
           "\"rss_before_kb\":%ld,\"hwm_before_kb\":%ld,\"hwm_after_kb\":%ld,\"ms\":%.3f}\n",
           argv[4], sync ? "true" : "false", before, hwm0, hwm, ms);
    dccd_store_close(s);
    mtable_free(&t);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: dccd_bench SUBCOMMAND ... (see the comment at the top of bench/dccd_bench.c)\n");
        return 2;
    }
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {
        {"gen", cmd_gen},
        {"csv", cmd_csv},
        {"pq-enc", cmd_pq_enc},
        {"pq-dec", cmd_pq_dec},
        {"store-days", cmd_store_days},
        {"store-minutes", cmd_store_minutes},
        {"store-ab", cmd_store_ab},
        {"store-ckpt", cmd_store_ckpt},
        {"store-build-inv", cmd_store_build_inv},
        {"store-inventory", cmd_store_inventory},
        {"store-build-years", cmd_store_build_years},
        {"store-load", cmd_store_load},
        {"mem-build", cmd_mem_build},
        {"mem-save", cmd_mem_save},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (!strcmp(argv[1], cmds[i].name)) {
            int rc = cmds[i].fn(argc, argv);
            fflush(stdout);
            return rc;
        }
    fprintf(stderr, "dccd_bench: unknown subcommand %s\n", argv[1]);
    return 2;
}
