/*
 * src/cli/cmd_query.c - the read-only store subcommands of the dccd
 * command, and the helpers they share with cmd_maint.c and cmd_demo.c
 * (declared in ops.h):
 *
 *   dccd last [--json] DATASET
 *       the last TS of a dataset (ISO-8601 and integer nanoseconds), from
 *       footers (dccd_store_last_timestamp).  No data: nothing on stdout,
 *       "no data" on stderr, exit 1.
 *   dccd gaps --start T --end T [--holes [--min N]] [--json] DATASET
 *       the seed's missing intervals in [start, end) (for OHLC: before the
 *       first and after the last bar of each year file; otherwise after the
 *       last TS), and with --holes the internal holes: consecutive TS
 *       further apart than N spans (OHLC, default 1: any missing bar) or N
 *       seconds (trades, order book; default 60).
 *   dccd inventory [--json]
 *       every dataset of the store (dccd_store_inventory): exchange, pair,
 *       type, span, files, rows, first, last, size, pending segments.
 *   dccd provenance [--json] DATASET | --file FILE
 *       the provenance recorded in the footer of each period file of a
 *       dataset, or of one Parquet file.
 *
 * Human output is aligned tables with ISO times and binary sizes; --json
 * is one JSON document on stdout.  Exit status 0 ok, 1 failure (or no
 * data), 2 usage (cli.h).  Only the public dccd headers are used.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "ops.h"

enum {
    OPT_JSON = CLI_OPT_FIRST_FREE,
    OPT_START,
    OPT_END,
    OPT_HOLES,
    OPT_MIN,
    OPT_FILE,
};

/* ======================================================================
 * Shared helpers (ops.h)
 * ====================================================================== */

int ops_bad_option(const cli_ctx *ctx, int c, char **argv)
{
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    bool is_long = strncmp(arg, "--", 2) == 0;
    if (c == ':') {
        if (is_long)
            return cli_usage(ctx, "option '%s' needs an argument", arg);
        return cli_usage(ctx, "option '-%c' needs an argument", optopt);
    }
    if (is_long || optopt == 0 || optopt > 127)
        return cli_usage(ctx, "unknown option '%s'", arg);
    return cli_usage(ctx, "unknown option '-%c'", optopt);
}

int ops_check_root(const cli_ctx *ctx)
{
    if (!ctx->root || !*ctx->root)
        return cli_usage(ctx, "--root needs a non-empty directory");
    return CLI_OK;
}

int ops_end_args(const cli_ctx *ctx, int argc, char **argv)
{
    if (optind < argc)
        return cli_usage(ctx, "unexpected argument '%s'", argv[optind]);
    return ops_check_root(ctx);
}

int ops_open_existing(const cli_ctx *ctx, dccd_store **out)
{
    struct stat st;
    if (stat(ctx->root, &st) != 0) {
        cli_msg(ctx, "no store at '%s': %s", ctx->root, strerror(errno));
        return CLI_FAIL;
    }
    if (!S_ISDIR(st.st_mode)) {
        cli_msg(ctx, "no store at '%s': not a directory", ctx->root);
        return CLI_FAIL;
    }
    return cli_open_store(ctx, out);
}

void ops_table_init(ops_table *t, const char *spec, const char *const *heads)
{
    memset(t, 0, sizeof *t);
    int n = (int)strlen(spec);
    if (n > OPS_TABLE_MAX_COLS)
        n = OPS_TABLE_MAX_COLS;
    t->ncols = n;
    for (int i = 0; i < n; i++) {
        t->head[i] = heads[i];
        t->right[i] = spec[i] == 'r';
    }
}

void ops_table_row(ops_table *t, const char *const *cells)
{
    if (t->oom)
        return;
    size_t nc = (size_t)t->ncols;
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        if (cap > SIZE_MAX / sizeof(char *) / nc) {
            t->oom = true;
            return;
        }
        char **p = realloc(t->cells, cap * nc * sizeof(char *));
        if (!p) {
            t->oom = true;
            return;
        }
        t->cells = p;
        t->cap = cap;
    }
    char **row = t->cells + t->nrows * nc;
    for (size_t i = 0; i < nc; i++) {
        row[i] = strdup(cells[i] ? cells[i] : "");
        if (!row[i]) {
            for (size_t j = 0; j < i; j++)
                free(row[j]);
            t->oom = true;
            return;
        }
    }
    t->nrows++;
}

int ops_table_print(const cli_ctx *ctx, const ops_table *t, FILE *f, int indent)
{
    if (t->oom) {
        cli_msg(ctx, "out of memory building a table");
        return CLI_FAIL;
    }
    size_t nc = (size_t)t->ncols;
    size_t w[OPS_TABLE_MAX_COLS];
    for (size_t c = 0; c < nc; c++) {
        w[c] = strlen(t->head[c]);
        for (size_t r = 0; r < t->nrows; r++) {
            size_t l = strlen(t->cells[r * nc + c]);
            if (l > w[c])
                w[c] = l;
        }
    }
    for (size_t r = 0; r <= t->nrows; r++) {
        fprintf(f, "%*s", indent, "");
        for (size_t c = 0; c < nc; c++) {
            const char *s = r == 0 ? t->head[c] : t->cells[(r - 1) * nc + c];
            bool last = c + 1 == nc;
            if (t->right[c])
                fprintf(f, "%*s", (int)w[c], s);
            else if (last)
                fputs(s, f);
            else
                fprintf(f, "%-*s", (int)w[c], s);
            if (!last)
                fputs("  ", f);
        }
        fputc('\n', f);
    }
    return CLI_OK;
}

void ops_table_free(ops_table *t)
{
    for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    t->cells = NULL;
    t->nrows = t->cap = 0;
}

void ops_fmt_duration(int64_t ns, char *buf, size_t cap)
{
    if (ns < 0) {
        snprintf(buf, cap, "-");
        return;
    }
    if (ns < 1000000) {
        snprintf(buf, cap, "%" PRId64 "ns", ns);
        return;
    }
    if (ns < DCCD_NS) {
        snprintf(buf, cap, "%" PRId64 "ms", ns / 1000000);
        return;
    }
    if (ns < 60 * DCCD_NS && ns % DCCD_NS != 0) {
        snprintf(buf, cap, "%" PRId64 ".%03ds", ns / DCCD_NS, (int)(ns % DCCD_NS / 1000000));
        return;
    }
    int64_t s = ns / DCCD_NS;
    static const struct {
        int64_t secs;
        const char *unit;
    } units[] = {{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
    for (size_t i = 0; i < 4; i++) {
        if (s >= units[i].secs) {
            int64_t a = s / units[i].secs;
            int64_t rest = s % units[i].secs;
            if (i + 1 < 4 && rest / units[i + 1].secs > 0)
                snprintf(buf, cap, "%" PRId64 "%s %" PRId64 "%s", a, units[i].unit, rest / units[i + 1].secs,
                         units[i + 1].unit);
            else
                snprintf(buf, cap, "%" PRId64 "%s", a, units[i].unit);
            return;
        }
    }
    snprintf(buf, cap, "0s");
}

void ops_fmt_span(int64_t span, char *buf, size_t cap)
{
    if (span == 0)
        snprintf(buf, cap, "-");
    else if (span < 0 || dccd_span_label(span, buf, cap, NULL) != DCCD_OK)
        snprintf(buf, cap, "?");
}

void ops_fmt_dataset(const dccd_dataset *ds, char *buf, size_t cap)
{
    if (dccd_dataset_format(ds, buf, cap, NULL) != DCCD_OK)
        snprintf(buf, cap, "?");
}

/* JSON helpers: a number, or null. */
static void json_ts(FILE *f, bool has, int64_t ts)
{
    if (has)
        fprintf(f, "%" PRId64, ts);
    else
        fputs("null", f);
}

static void json_iso(FILE *f, bool has, int64_t ts)
{
    if (!has) {
        fputs("null", f);
        return;
    }
    char b[DCCD_TIME_TEXT_MAX];
    cli_fmt_time(ts, b, sizeof b);
    cli_json_string(f, b);
}

int ops_print_inventory(const cli_ctx *ctx, const dccd_inventory_entry *e, size_t n, bool json)
{
    if (json) {
        fputs("[", stdout);
        for (size_t i = 0; i < n; i++) {
            fputs(i ? ",\n " : "\n ", stdout);
            fputs("{\"exchange\":", stdout);
            cli_json_string(stdout, e[i].exchange);
            fputs(",\"pair\":", stdout);
            cli_json_string(stdout, e[i].pair);
            fputs(",\"data_type\":", stdout);
            const char *tn = dccd_data_type_name(e[i].type);
            cli_json_string(stdout, tn ? tn : "?");
            /* as the seed: "span" (seconds, null when the directory name
             * is no span) only for OHLC; span_label is the directory's own
             * name, so 1h/, 3600s/ and hourly/ stay distinguishable */
            if (e[i].type == DCCD_OHLC) {
                fputs(",\"span\":", stdout);
                json_ts(stdout, e[i].span > 0, e[i].span);
                fputs(",\"span_label\":", stdout);
                cli_json_string(stdout, e[i].span_dir);
            }
            fprintf(stdout, ",\"files\":%zu,\"rows\":%" PRId64 ",\"min_ts\":", e[i].files, e[i].rows);
            json_ts(stdout, e[i].has_ts, e[i].min_ts);
            fputs(",\"max_ts\":", stdout);
            json_ts(stdout, e[i].has_ts, e[i].max_ts);
            fputs(",\"first\":", stdout);
            json_iso(stdout, e[i].has_ts, e[i].min_ts);
            fputs(",\"last\":", stdout);
            json_iso(stdout, e[i].has_ts, e[i].max_ts);
            fprintf(stdout, ",\"bytes\":%" PRId64 ",\"pending_segments\":%zu,\"pending_rows\":%" PRId64 "}",
                    e[i].bytes, e[i].pending_segments, e[i].pending_rows);
        }
        fputs(n ? "\n]\n" : "]\n", stdout);
        return CLI_OK;
    }
    if (n == 0) {
        printf("no datasets\n");
        return CLI_OK;
    }
    static const char *const heads[] = {"exchange", "pair",  "type", "span", "files",
                                        "rows",     "first", "last", "size", "pending"};
    ops_table t;
    ops_table_init(&t, "llllrrllrl", heads);
    for (size_t i = 0; i < n; i++) {
        char span[256], files[32], rows[32], first[DCCD_TIME_TEXT_MAX], last[DCCD_TIME_TEXT_MAX];
        char size[32], pending[64];
        /* the directory's own name (1h/, 3600s/ and hourly/ are distinct
         * datasets of one span) */
        if (e[i].type == DCCD_OHLC && e[i].span_dir[0])
            snprintf(span, sizeof span, "%s", e[i].span_dir);
        else
            ops_fmt_span(e[i].span, span, sizeof span);
        snprintf(files, sizeof files, "%zu", e[i].files);
        snprintf(rows, sizeof rows, "%" PRId64, e[i].rows);
        if (e[i].has_ts) {
            cli_fmt_time(e[i].min_ts, first, sizeof first);
            cli_fmt_time(e[i].max_ts, last, sizeof last);
        } else {
            strcpy(first, "-");
            strcpy(last, "-");
        }
        cli_fmt_size(e[i].bytes, size, sizeof size);
        if (e[i].pending_segments)
            snprintf(pending, sizeof pending, "%zu seg, %" PRId64 " rows", e[i].pending_segments,
                     e[i].pending_rows);
        else
            strcpy(pending, "-");
        const char *tn = dccd_data_type_name(e[i].type);
        const char *cells[] = {e[i].exchange, e[i].pair, tn ? tn : "?", span, files,
                               rows,          first,     last,          size, pending};
        ops_table_row(&t, cells);
    }
    int rc = ops_table_print(ctx, &t, stdout, 0);
    ops_table_free(&t);
    return rc;
}

/* Missing bars in [a, b) for a span in seconds: ceil((b - a) / span). */
static int64_t bars_in(int64_t a, int64_t b, int64_t span)
{
    int64_t sn = span * DCCD_NS;
    if (b <= a || sn <= 0)
        return 0;
    uint64_t d = (uint64_t)b - (uint64_t)a;
    return (int64_t)((d + (uint64_t)sn - 1) / (uint64_t)sn);
}

/* end - start without overflow (an interval may span more than INT64_MAX ns). */
static uint64_t interval_len(const dccd_interval *iv)
{
    return iv->end > iv->start ? (uint64_t)iv->end - (uint64_t)iv->start : 0;
}

static void json_intervals(FILE *f, const char *key, const dccd_interval *iv, size_t n, const char *k0,
                           const char *k1)
{
    fprintf(f, ",\"%s\":[", key);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%s{\"%s\":%" PRId64 ",\"%s\":%" PRId64 ",\"%s_iso\":", i ? "," : "", k0, iv[i].start, k1,
                iv[i].end, k0);
        json_iso(f, true, iv[i].start);
        fprintf(f, ",\"%s_iso\":", k1);
        json_iso(f, true, iv[i].end);
        fprintf(f, ",\"duration_ns\":%" PRIu64 "}", interval_len(&iv[i]));
    }
    fputs("]", f);
}

/* Human table of intervals; holes: (prev present, next present). */
static int print_interval_table(const cli_ctx *ctx, const dccd_dataset *ds, const dccd_interval *iv, size_t n,
                                bool holes)
{
    bool ohlc = ds->type == DCCD_OHLC;
    static const char *const mh[] = {"start", "end", "duration", "bars"};
    static const char *const hh[] = {"after", "before", "gap", "missing bars"};
    ops_table t;
    ops_table_init(&t, ohlc ? "llrr" : "llr", holes ? hh : mh);
    for (size_t i = 0; i < n; i++) {
        char a[DCCD_TIME_TEXT_MAX], b[DCCD_TIME_TEXT_MAX], d[48], bars[32];
        cli_fmt_time(iv[i].start, a, sizeof a);
        cli_fmt_time(iv[i].end, b, sizeof b);
        uint64_t len = interval_len(&iv[i]);
        ops_fmt_duration(len > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)len, d, sizeof d);
        int64_t nb = bars_in(iv[i].start, iv[i].end, ds->span);
        if (holes && nb > 0)
            nb--; /* both ends are present bars */
        snprintf(bars, sizeof bars, "%" PRId64, nb);
        const char *cells[] = {a, b, d, bars};
        ops_table_row(&t, cells);
    }
    int rc = ops_table_print(ctx, &t, stdout, 4);
    ops_table_free(&t);
    return rc;
}

int ops_print_gaps(const cli_ctx *ctx, dccd_store *s, const dccd_dataset *ds, const ops_gaps_req *rq)
{
    dccd_error err;
    char id[DCCD_DATASET_TEXT_MAX];
    ops_fmt_dataset(ds, id, sizeof id);
    dccd_interval *miss = NULL, *holes = NULL;
    size_t nmiss = 0, nholes = 0;
    int64_t min_gap = 0;
    if (rq->missing && dccd_store_missing_intervals(s, ds, rq->start, rq->end, &miss, &nmiss, &err) != DCCD_OK)
        return cli_fail(ctx, id, &err);
    if (rq->holes) {
        int64_t unit = ds->type == DCCD_OHLC ? ds->span * DCCD_NS : DCCD_NS;
        if (unit <= 0 || rq->min_n > INT64_MAX / unit) {
            free(miss);
            cli_msg(ctx, "--min %" PRId64 " is too large", rq->min_n);
            return CLI_USAGE;
        }
        min_gap = rq->min_n * unit;
        if (dccd_store_holes(s, ds, rq->start, rq->end, min_gap, &holes, &nholes, &err) != DCCD_OK) {
            free(miss);
            return cli_fail(ctx, id, &err);
        }
    }
    int rc = CLI_OK;
    bool ranged = rq->start != DCCD_TS_MIN || rq->end != DCCD_TS_MAX;
    if (rq->json) {
        fputs("{\"dataset\":", stdout);
        cli_json_string(stdout, id);
        fputs(",\"start\":", stdout);
        json_ts(stdout, rq->start != DCCD_TS_MIN, rq->start);
        fputs(",\"end\":", stdout);
        json_ts(stdout, rq->end != DCCD_TS_MAX, rq->end);
        if (rq->missing)
            json_intervals(stdout, "missing", miss, nmiss, "start", "end");
        if (rq->holes) {
            fprintf(stdout, ",\"hole_min_ns\":%" PRId64, min_gap);
            json_intervals(stdout, "holes", holes, nholes, "after", "before");
        }
        fputs("}\n", stdout);
    } else {
        if (ranged) {
            char a[DCCD_TIME_TEXT_MAX], b[DCCD_TIME_TEXT_MAX];
            cli_fmt_time(rq->start, a, sizeof a);
            cli_fmt_time(rq->end, b, sizeof b);
            printf("%s  %s .. %s\n", id, a, b);
        } else {
            printf("%s  (all data)\n", id);
        }
        if (rq->missing) {
            if (nmiss == 0) {
                printf("  missing intervals: none\n");
            } else {
                printf("  missing intervals: %zu\n", nmiss);
                rc = print_interval_table(ctx, ds, miss, nmiss, false);
            }
        }
        if (rq->holes && rc == CLI_OK) {
            char what[128];
            if (ds->type == DCCD_OHLC) {
                char lbl[DCCD_SPAN_LABEL_MAX];
                ops_fmt_span(ds->span, lbl, sizeof lbl);
                char dur[40];
                ops_fmt_duration(min_gap, dur, sizeof dur);
                snprintf(what, sizeof what, "%s (%" PRId64 " span%s of %s)", dur, rq->min_n, rq->min_n == 1 ? "" : "s",
                         lbl);
            } else {
                ops_fmt_duration(min_gap, what, sizeof what);
            }
            if (nholes == 0) {
                printf("  holes longer than %s: none\n", what);
            } else {
                printf("  holes longer than %s: %zu\n", what, nholes);
                rc = print_interval_table(ctx, ds, holes, nholes, true);
            }
        }
    }
    free(miss);
    free(holes);
    return rc;
}

/* ======================================================================
 * dccd last
 * ====================================================================== */

static void last_usage(FILE *f)
{
    fputs("usage: dccd last [--json] [--root DIR] DATASET\n"
          "Print the last timestamp of a dataset: ISO-8601 UTC and integer nanoseconds\n"
          "(from file footers, never a column scan).  No data: nothing on stdout,\n"
          "\"no data\" on stderr, exit status 1.\n"
          "\n"
          "  DATASET       --exchange NAME --pair PAIR --type ohlc|trades|orderbook\n"
          "                [--span SPAN] (span only for ohlc)\n"
          "  --json        one JSON object: {\"dataset\",\"last_ts\",\"last\"}\n"
          "  --root DIR    store root (default $DCCD_DATA, else ./data)\n"
          "  --help        this help\n",
          f);
}

int cli_cmd_last(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_DATASET_OPTIONS,
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_dataset_opts dso = {0};
    bool json = false;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (cli_dataset_opt(ctx, &dso, c, optarg))
            continue;
        switch (c) {
        case 'h':
            last_usage(stdout);
            return CLI_OK;
        case OPT_JSON:
            json = true;
            break;
        default:
            return ops_bad_option(ctx, c, argv);
        }
    }
    int rc = ops_end_args(ctx, argc, argv);
    dccd_dataset ds;
    if (rc == CLI_OK)
        rc = cli_dataset_resolve(ctx, &dso, &ds);
    if (rc != CLI_OK)
        return rc;
    dccd_store *s;
    if ((rc = ops_open_existing(ctx, &s)) != CLI_OK)
        return rc;
    dccd_error err;
    bool found = false;
    int64_t ts = 0;
    char id[DCCD_DATASET_TEXT_MAX];
    ops_fmt_dataset(&ds, id, sizeof id);
    if (dccd_store_last_timestamp(s, &ds, &found, &ts, &err) != DCCD_OK) {
        rc = cli_fail(ctx, id, &err);
    } else if (!found) {
        cli_msg(ctx, "%s: no data", id);
        rc = CLI_FAIL;
    } else {
        char iso[DCCD_TIME_TEXT_MAX];
        cli_fmt_time(ts, iso, sizeof iso);
        if (json) {
            fputs("{\"dataset\":", stdout);
            cli_json_string(stdout, id);
            printf(",\"last_ts\":%" PRId64 ",\"last\":", ts);
            cli_json_string(stdout, iso);
            fputs("}\n", stdout);
        } else {
            printf("%s  %" PRId64 "\n", iso, ts);
        }
    }
    dccd_store_close(s);
    return rc;
}

/* ======================================================================
 * dccd gaps
 * ====================================================================== */

static void gaps_usage(FILE *f)
{
    fputs("usage: dccd gaps --start T --end T [--holes [--min N]] [--json] [--root DIR] DATASET\n"
          "Missing intervals of a dataset within [start, end), as the seed defines them:\n"
          "for ohlc, per year, the time before the first and after the last bar of the\n"
          "year's file (a whole year when it has no file; complete past years count as\n"
          "present); for trades and orderbook, the time after the last timestamp.\n"
          "\n"
          "  --start T, --end T  the range (required): integer nanoseconds or ISO-8601\n"
          "                      (2025-01-01, 2025-01-01T12:00:00Z, ...)\n"
          "  --holes             also list internal holes: consecutive rows further\n"
          "                      apart than N spans (ohlc) or N seconds (others)\n"
          "  --min N             hole threshold (default 1 span for ohlc, i.e. any\n"
          "                      missing bar; 60 seconds for trades and orderbook)\n"
          "  --json              one JSON object: {\"dataset\",\"start\",\"end\",\"missing\":[...],\n"
          "                      \"holes\":[...]} (holes only with --holes)\n"
          "  DATASET             --exchange NAME --pair PAIR --type TYPE [--span SPAN]\n"
          "  --root DIR          store root (default $DCCD_DATA, else ./data)\n"
          "  --help              this help\n",
          f);
}

int cli_cmd_gaps(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_DATASET_OPTIONS,
        {"start", required_argument, NULL, OPT_START},
        {"end", required_argument, NULL, OPT_END},
        {"holes", no_argument, NULL, OPT_HOLES},
        {"min", required_argument, NULL, OPT_MIN},
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_dataset_opts dso = {0};
    ops_gaps_req rq = {0};
    rq.missing = true;
    const char *start = NULL, *end = NULL, *min = NULL;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (cli_dataset_opt(ctx, &dso, c, optarg))
            continue;
        switch (c) {
        case 'h':
            gaps_usage(stdout);
            return CLI_OK;
        case OPT_START:
            start = optarg;
            break;
        case OPT_END:
            end = optarg;
            break;
        case OPT_HOLES:
            rq.holes = true;
            break;
        case OPT_MIN:
            min = optarg;
            break;
        case OPT_JSON:
            rq.json = true;
            break;
        default:
            return ops_bad_option(ctx, c, argv);
        }
    }
    int rc = ops_end_args(ctx, argc, argv);
    if (rc != CLI_OK)
        return rc;
    if (!start)
        return cli_usage(ctx, "missing --start");
    if (!end)
        return cli_usage(ctx, "missing --end");
    if ((rc = cli_parse_time(ctx, "start", start, &rq.start)) != CLI_OK ||
        (rc = cli_parse_time(ctx, "end", end, &rq.end)) != CLI_OK)
        return rc;
    if (rq.start >= rq.end)
        return cli_usage(ctx, "--start must be before --end");
    if (min && !rq.holes)
        return cli_usage(ctx, "--min applies only with --holes");
    dccd_dataset ds;
    if ((rc = cli_dataset_resolve(ctx, &dso, &ds)) != CLI_OK)
        return rc;
    rq.min_n = ds.type == DCCD_OHLC ? 1 : 60;
    if (min && (rc = cli_parse_count(ctx, "min", min, 1, &rq.min_n)) != CLI_OK)
        return rc;
    dccd_store *s;
    if ((rc = ops_open_existing(ctx, &s)) != CLI_OK)
        return rc;
    rc = ops_print_gaps(ctx, s, &ds, &rq);
    dccd_store_close(s);
    return rc;
}

/* ======================================================================
 * dccd inventory
 * ====================================================================== */

static void inventory_usage(FILE *f)
{
    fputs("usage: dccd inventory [--json] [--root DIR]\n"
          "List every dataset of the store: exchange, pair, type, span, period files,\n"
          "rows (period files plus pending segments, before de-duplication), first and\n"
          "last timestamp, size of the period files, pending segments (not yet folded\n"
          "by a checkpoint).\n"
          "\n"
          "  --json        a JSON array of objects: exchange, pair, data_type, span\n"
          "                (seconds or null), span_label, files, rows, min_ts, max_ts\n"
          "                (ns or null), first, last (ISO or null), bytes,\n"
          "                pending_segments, pending_rows\n"
          "  --root DIR    store root (default $DCCD_DATA, else ./data)\n"
          "  --help        this help\n",
          f);
}

int cli_cmd_inventory(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"root", required_argument, NULL, CLI_OPT_ROOT},
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_dataset_opts dso = {0};
    bool json = false;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (cli_dataset_opt(ctx, &dso, c, optarg))
            continue;
        switch (c) {
        case 'h':
            inventory_usage(stdout);
            return CLI_OK;
        case OPT_JSON:
            json = true;
            break;
        default:
            return ops_bad_option(ctx, c, argv);
        }
    }
    int rc = ops_end_args(ctx, argc, argv);
    if (rc != CLI_OK)
        return rc;
    dccd_store *s;
    if ((rc = ops_open_existing(ctx, &s)) != CLI_OK)
        return rc;
    dccd_error err;
    dccd_inventory_entry *e = NULL;
    size_t n = 0;
    if (dccd_store_inventory(s, &e, &n, &err) != DCCD_OK)
        rc = cli_fail(ctx, ctx->root, &err);
    else
        rc = ops_print_inventory(ctx, e, n, json);
    free(e);
    dccd_store_close(s);
    return rc;
}

/* ======================================================================
 * dccd provenance
 * ====================================================================== */

static void provenance_usage(FILE *f)
{
    fputs("usage: dccd provenance [--json] [--root DIR] DATASET\n"
          "       dccd provenance [--json] --file FILE\n"
          "Print the provenance (source, derived_from) recorded in the footer key\n"
          "dccd.provenance of each period file of a dataset, or of one Parquet file.\n"
          "A file without provenance shows \"-\"; --file on such a file exits 1.\n"
          "\n"
          "  --file FILE   one Parquet file (any path)\n"
          "  --json        JSON: {\"path\",\"source\",\"derived_from\"} for a file, an array\n"
          "                of those for a dataset (null source when absent)\n"
          "  DATASET       --exchange NAME --pair PAIR --type TYPE [--span SPAN]\n"
          "  --root DIR    store root (default $DCCD_DATA, else ./data)\n"
          "  --help        this help\n",
          f);
}

static void prov_json(const char *path, const dccd_provenance *p, bool found)
{
    fputs("{\"path\":", stdout);
    cli_json_string(stdout, path);
    fputs(",\"source\":", stdout);
    if (found && p->source)
        cli_json_string(stdout, p->source);
    else
        fputs("null", stdout);
    fputs(",\"derived_from\":", stdout);
    if (found && p->derived_from)
        cli_json_string(stdout, p->derived_from);
    else
        fputs("null", stdout);
    fputs("}", stdout);
}

static int provenance_file(const cli_ctx *ctx, const char *path, bool json)
{
    dccd_error err;
    dccd_provenance p = {0};
    bool found = false;
    if (dccd_read_provenance(path, &p, &found, &err) != DCCD_OK)
        return cli_fail(ctx, path, &err);
    int rc = CLI_OK;
    if (!found) {
        cli_msg(ctx, "%s: no provenance recorded (footer key %s absent)", path, DCCD_PROVENANCE_KEY);
        rc = CLI_FAIL;
    } else if (json) {
        prov_json(path, &p, found);
        fputc('\n', stdout);
    } else {
        printf("file          %s\nsource        %s\nderived_from  %s\n", path, p.source,
               p.derived_from ? p.derived_from : "null");
    }
    dccd_provenance_free(&p);
    return rc;
}

static int provenance_dataset(const cli_ctx *ctx, dccd_store *s, const dccd_dataset *ds, bool json)
{
    dccd_error err;
    char id[DCCD_DATASET_TEXT_MAX];
    ops_fmt_dataset(ds, id, sizeof id);
    char **paths = NULL;
    size_t n = 0;
    int lrc = dccd_store_list_files(s, ds, &paths, &n, &err);
    if (lrc == DCCD_ENOTFOUND || (lrc == DCCD_OK && n == 0)) {
        dccd_strv_free(paths, n);
        cli_msg(ctx, "%s: no data (no period files)", id);
        return CLI_FAIL;
    }
    if (lrc != DCCD_OK)
        return cli_fail(ctx, id, &err);
    const char *root = dccd_store_root(s);
    int rc = CLI_OK;
    static const char *const heads[] = {"file", "source", "derived_from"};
    ops_table t;
    ops_table_init(&t, "lll", heads);
    if (json)
        fputs("[", stdout);
    size_t nout = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(root) + strlen(paths[i]) + 2;
        char *full = malloc(len);
        if (!full) {
            cli_msg(ctx, "out of memory");
            rc = CLI_FAIL;
            break;
        }
        snprintf(full, len, "%s/%s", root, paths[i]);
        dccd_provenance p = {0};
        bool found = false;
        if (dccd_read_provenance(full, &p, &found, &err) != DCCD_OK) {
            cli_fail(ctx, paths[i], &err);
            rc = CLI_FAIL;
            free(full);
            continue;
        }
        if (json) {
            fputs(nout++ ? ",\n " : "\n ", stdout);
            prov_json(paths[i], &p, found);
        } else {
            const char *cells[] = {paths[i], found ? p.source : "-",
                                   found && p.derived_from ? p.derived_from : "-"};
            ops_table_row(&t, cells);
        }
        dccd_provenance_free(&p);
        free(full);
    }
    if (json) {
        fputs(nout ? "\n]\n" : "]\n", stdout);
    } else if (ops_table_print(ctx, &t, stdout, 0) != CLI_OK) {
        rc = CLI_FAIL;
    }
    ops_table_free(&t);
    dccd_strv_free(paths, n);
    return rc;
}

int cli_cmd_provenance(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_DATASET_OPTIONS,
        {"file", required_argument, NULL, OPT_FILE},
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_dataset_opts dso = {0};
    bool json = false;
    const char *file = NULL;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (cli_dataset_opt(ctx, &dso, c, optarg))
            continue;
        switch (c) {
        case 'h':
            provenance_usage(stdout);
            return CLI_OK;
        case OPT_FILE:
            file = optarg;
            break;
        case OPT_JSON:
            json = true;
            break;
        default:
            return ops_bad_option(ctx, c, argv);
        }
    }
    if (optind < argc)
        return cli_usage(ctx, "unexpected argument '%s'", argv[optind]);
    if (file) {
        if (cli_dataset_given(&dso))
            return cli_usage(ctx, "give either a DATASET or --file, not both");
        if (!*file)
            return cli_usage(ctx, "--file needs a path");
        return provenance_file(ctx, file, json);
    }
    int rc = ops_check_root(ctx);
    dccd_dataset ds;
    if (rc == CLI_OK)
        rc = cli_dataset_resolve(ctx, &dso, &ds);
    if (rc != CLI_OK)
        return rc;
    dccd_store *s;
    if ((rc = ops_open_existing(ctx, &s)) != CLI_OK)
        return rc;
    rc = provenance_dataset(ctx, s, &ds, json);
    dccd_store_close(s);
    return rc;
}
