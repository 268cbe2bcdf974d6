/*
 * src/cli/cmd_import.c - `dccd import`: CSV or JSON-lines files (or stdin)
 * saved into one dataset.
 *
 *   dccd import [--format csv|jsonl] [--batch N] [--source S]
 *               [--checkpoint] [--skip-bad] DATASET FILE...|-
 *
 * Each input is read through a buffered line reader (1 MiB reads, lines of
 * any length), parsed by the text importer (textin.c) and saved with
 * dccd_store_save in batches of --batch rows (default 1,000,000), so memory
 * is bounded by one batch whatever the file size.  The format comes from
 * --format, else the file extension (.csv; .jsonl, .ndjson, .json), else
 * CSV.  --source S records provenance {"source":S,"derived_from":null};
 * without it the period files keep the provenance they had.
 *
 * A malformed line stops the import with "FILE:LINE: column N 'name': what"
 * on stderr and exit status 1; the batch being built is not saved (the
 * batches of the same file saved before it are, and the message says how
 * many rows that was).  With --skip-bad such lines are counted, the first
 * ten are shown on stderr, and the import goes on.
 *
 * Output (stdout, as it is the command's result): one line per input,
 *   FILE: N rows read, W written, R rejected
 * and a "total:" line when there were several inputs.  A progress bar goes
 * to stderr when it is a terminal.  --checkpoint folds the dataset's
 * pending segments into its period files before returning.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "textin.h"

#define IMPORT_DEFAULT_BATCH 1000000
#define READ_CHUNK (1u << 20)
#define SHOW_REJECTS 10

enum { OPT_FORMAT = CLI_OPT_FIRST_FREE, OPT_BATCH, OPT_SOURCE, OPT_CHECKPOINT, OPT_SKIP_BAD };

static void usage(FILE *f)
{
    fprintf(f,
            "usage: dccd import [options] DATASET FILE...|-\n"
            "\n"
            "Save CSV or JSON-lines rows into a dataset.  Each FILE ('-' = stdin) is\n"
            "saved in batches; columns are matched by header name (CSV) or key (JSON)\n"
            "against the type's schema:\n"
            "  ohlc       TS,open,high,low,close,volume,quote_volume,trades\n"
            "  trades     TS,price,amount,side,tid          (side buy|sell)\n"
            "  orderbook  TS,side,price,amount,count,is_snapshot (one row per level,\n"
            "             side bid|ask, is_snapshot true|false|1|0)\n"
            "TS is integer nanoseconds or ISO-8601 UTC; an empty field is null.\n"
            "\n"
            "DATASET: --exchange NAME --pair PAIR --type ohlc|trades|orderbook [--span SPAN]\n"
            "\n"
            "options:\n"
            "  --format csv|jsonl  input format (default: from the extension, else csv)\n"
            "  --batch N           rows per save (default %d)\n"
            "  --source S          provenance source recorded in the files\n"
            "  --checkpoint        fold pending segments into period files at the end\n"
            "  --skip-bad          count and skip malformed lines instead of failing\n"
            "  --root DIR          store root\n"
            "  --help              show this help\n"
            "\n"
            "Prints 'FILE: N rows read, W written, R rejected' per input on stdout.\n"
            "A malformed line is reported as FILE:LINE: column N 'name': reason (exit 1).\n",
            IMPORT_DEFAULT_BATCH);
}

/* ---- buffered line reader ---- */

typedef struct lreader {
    int fd;
    char *buf;
    size_t cap, start, end, scan;
    bool eof;
    bool csv;         /* a newline inside a quoted field belongs to the record */
    int qstate;       /* CSV state at scan (see csv_scan) */
    int64_t consumed; /* bytes handed out as lines */
} lreader;

/* CSV field state over p[0, n) (no newline outside quotes in it):
 * 0 at a field start, 1 in an unquoted field, 2 in a quoted field, 3 just
 * after a quote in a quoted field (its end, or the first of ""). */
static int csv_scan(const char *p, size_t n, int st)
{
    if (n == 0)
        return st;
    if (st != 2 && !memchr(p, '"', n)) /* the usual line: no quote at all */
        return p[n - 1] == ',' ? 0 : 1;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        switch (st) {
        case 0: st = c == '"' ? 2 : c == ',' ? 0 : 1; break;
        case 1: st = c == ',' ? 0 : 1; break;
        case 2: st = c == '"' ? 3 : 2; break;
        default: st = c == '"' ? 2 : c == ',' ? 0 : 1; break;
        }
    }
    return st;
}

/* Next line (without the newline) in *line and *len; *got false at end of
 * input.  For CSV a line is a record: a newline inside a quoted field (as
 * export writes a field holding one) continues it. */
static int lr_next(lreader *r, const char **line, size_t *len, bool *got, dccd_error *err)
{
    for (;;) {
        char *nl = r->scan < r->end ? memchr(r->buf + r->scan, '\n', r->end - r->scan) : NULL;
        if (nl && r->csv) {
            r->qstate = csv_scan(r->buf + r->scan, (size_t)(nl - (r->buf + r->scan)), r->qstate);
            if (r->qstate == 2) { /* inside a quoted field: the newline is data */
                r->scan = (size_t)(nl - r->buf) + 1;
                continue;
            }
            r->qstate = 0;
        }
        if (nl) {
            *line = r->buf + r->start;
            *len = (size_t)(nl - (r->buf + r->start));
            r->consumed += (int64_t)*len + 1;
            r->start = r->scan = (size_t)(nl - r->buf) + 1;
            *got = true;
            return DCCD_OK;
        }
        if (r->csv && r->end > r->scan) /* (buf is NULL before the first read) */
            r->qstate = csv_scan(r->buf + r->scan, r->end - r->scan, r->qstate);
        r->scan = r->end;
        if (r->eof) {
            r->qstate = 0;
            if (r->start < r->end) {
                *line = r->buf + r->start;
                *len = r->end - r->start;
                r->consumed += (int64_t)*len;
                r->start = r->scan = r->end;
                *got = true;
                return DCCD_OK;
            }
            *got = false;
            return DCCD_OK;
        }
        if (r->start > 0) { /* move the partial line to the front */
            memmove(r->buf, r->buf + r->start, r->end - r->start);
            r->end -= r->start;
            r->scan -= r->start;
            r->start = 0;
        }
        if (r->cap - r->end < READ_CHUNK / 2) {
            size_t cap = r->cap ? r->cap * 2 : READ_CHUNK;
            if (cap < r->cap) {
                err->code = DCCD_ENOMEM;
                snprintf(err->msg, sizeof err->msg, "line too long");
                return DCCD_ENOMEM;
            }
            char *p = realloc(r->buf, cap);
            if (!p) {
                err->code = DCCD_ENOMEM;
                snprintf(err->msg, sizeof err->msg, "out of memory for a line of %zu bytes", r->end);
                return DCCD_ENOMEM;
            }
            r->buf = p;
            r->cap = cap;
        }
        ssize_t n = read(r->fd, r->buf + r->end, r->cap - r->end);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            err->code = DCCD_EIO;
            snprintf(err->msg, sizeof err->msg, "read: %s", strerror(errno));
            return DCCD_EIO;
        }
        if (n == 0)
            r->eof = true;
        r->end += (size_t)n;
    }
}

/* ---- one input ---- */

typedef struct import_opts {
    cli_text_format fmt;
    bool fmt_given;
    int64_t batch;
    bool skip_bad;
    const dccd_provenance *prov;
} import_opts;

typedef struct import_totals {
    int64_t read, written, rejected;
} import_totals;

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static cli_text_format format_of(const char *path)
{
    if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson") || ends_with(path, ".json"))
        return CLI_FMT_JSONL;
    return CLI_FMT_CSV;
}

static int save_batch(const cli_ctx *ctx, dccd_store *s, const dccd_dataset *ds, cli_textin *in,
                      const import_opts *o, int64_t *written, const char *name)
{
    dccd_error err;
    dccd_table t;
    if (cli_textin_take(in, &t, &err) != DCCD_OK)
        return cli_fail(ctx, name, &err);
    int rc = CLI_OK;
    if (t.nrows) {
        int64_t w = 0;
        if (dccd_store_save(s, ds, &t, o->prov, &w, &err) != DCCD_OK) {
            char what[600];
            if (w > 0) /* the batch's earlier periods were saved */
                snprintf(what, sizeof what,
                         "%s: saving %zu rows: %" PRId64 " of them saved (the periods before the failing one), "
                         "%" PRId64 " rows of this input saved in all", name, t.nrows, w, *written + w);
            else
                snprintf(what, sizeof what, "%s: saving %zu rows (%" PRId64 " rows of this input saved before)",
                         name, t.nrows, *written);
            *written += w;
            rc = cli_fail(ctx, what, &err);
        } else {
            *written += w;
        }
    }
    dccd_table_free(&t);
    return rc;
}

static int import_one(const cli_ctx *ctx, dccd_store *s, const dccd_dataset *ds, const import_opts *o,
                      const char *path, import_totals *tot)
{
    bool is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "<stdin>" : path;
    cli_text_format fmt = o->fmt_given ? o->fmt : is_stdin ? CLI_FMT_CSV : format_of(path);
    dccd_error err;
    lreader r;
    memset(&r, 0, sizeof r);
    r.csv = fmt == CLI_FMT_CSV;
    r.fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (r.fd < 0) {
        cli_msg(ctx, "cannot open '%s': %s", path, strerror(errno));
        return CLI_FAIL;
    }
    int64_t total_bytes = 0;
    struct stat st;
    if (fstat(r.fd, &st) == 0 && S_ISREG(st.st_mode))
        total_bytes = st.st_size;
    (void)posix_fadvise(r.fd, 0, 0, POSIX_FADV_SEQUENTIAL);

    cli_textin *in = NULL;
    if (cli_textin_open(&in, fmt, ds->type, name, o->skip_bad, &err) != DCCD_OK) {
        if (!is_stdin)
            close(r.fd);
        return cli_fail(ctx, name, &err);
    }
    cli_progress prog;
    cli_progress_start(&prog, name, total_bytes);
    int rc = CLI_OK;
    int64_t written = 0, shown = 0;
    for (;;) {
        const char *line;
        size_t len;
        bool got;
        if (lr_next(&r, &line, &len, &got, &err) != DCCD_OK) {
            cli_progress_end(&prog);
            rc = cli_fail(ctx, name, &err);
            break;
        }
        if (!got)
            break;
        int64_t rej = cli_textin_rejected(in);
        if (cli_textin_line(in, line, len, &err) != DCCD_OK) {
            cli_progress_end(&prog);
            if (written)
                cli_msg(ctx, "%s (%" PRId64 " rows of this input were saved before this line; the batch being read "
                        "was not)", err.msg, written);
            else
                cli_msg(ctx, "%s (nothing of this input was saved)", err.msg);
            rc = CLI_FAIL;
            break;
        }
        if (cli_textin_rejected(in) != rej && shown < SHOW_REJECTS) {
            cli_progress_end(&prog);
            cli_msg(ctx, "skipped %s", cli_textin_last_error(in));
            if (++shown == SHOW_REJECTS)
                cli_msg(ctx, "(further skipped lines are only counted)");
        }
        if ((int64_t)cli_textin_rows(in) >= o->batch) {
            if ((rc = save_batch(ctx, s, ds, in, o, &written, name)) != CLI_OK)
                break;
        }
        if (prog.on && (cli_textin_lines(in) & 0xFFF) == 0)
            cli_progress_update(&prog, r.consumed);
    }
    if (rc == CLI_OK)
        rc = save_batch(ctx, s, ds, in, o, &written, name);
    cli_progress_end(&prog);
    if (rc == CLI_OK) {
        printf("%s: %" PRId64 " rows read, %" PRId64 " written, %" PRId64 " rejected\n", name,
               cli_textin_lines(in), written,
               cli_textin_rejected(in));
        tot->read += cli_textin_lines(in);
        tot->written += written;
        tot->rejected += cli_textin_rejected(in);
    }
    cli_textin_close(in);
    free(r.buf);
    if (!is_stdin)
        close(r.fd);
    return rc;
}

int cli_cmd_import(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_DATASET_OPTIONS,
        {"format", required_argument, NULL, OPT_FORMAT},
        {"batch", required_argument, NULL, OPT_BATCH},
        {"source", required_argument, NULL, OPT_SOURCE},
        {"checkpoint", no_argument, NULL, OPT_CHECKPOINT},
        {"skip-bad", no_argument, NULL, OPT_SKIP_BAD},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_dataset_opts dso = {0};
    import_opts o = {CLI_FMT_CSV, false, IMPORT_DEFAULT_BATCH, false, NULL};
    const char *source = NULL;
    bool checkpoint = false;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (cli_dataset_opt(ctx, &dso, c, optarg))
            continue;
        switch (c) {
        case 'h':
            usage(stdout);
            return CLI_OK;
        case OPT_FORMAT:
            if (strcmp(optarg, "csv") == 0)
                o.fmt = CLI_FMT_CSV;
            else if (strcmp(optarg, "jsonl") == 0 || strcmp(optarg, "ndjson") == 0)
                o.fmt = CLI_FMT_JSONL;
            else
                return cli_usage(ctx, "bad --format '%s' (csv or jsonl)", optarg);
            o.fmt_given = true;
            break;
        case OPT_BATCH:
            if (cli_parse_count(ctx, "batch", optarg, 1, &o.batch) != CLI_OK)
                return CLI_USAGE;
            break;
        case OPT_SOURCE:
            source = optarg;
            break;
        case OPT_CHECKPOINT:
            checkpoint = true;
            break;
        case OPT_SKIP_BAD:
            o.skip_bad = true;
            break;
        case ':':
            return cli_usage(ctx, "option '%s' needs an argument", argv[optind - 1]);
        default:
            return cli_usage(ctx, "unknown option '%s'", argv[optind - 1]);
        }
    }
    dccd_dataset ds;
    if (cli_dataset_resolve(ctx, &dso, &ds) != CLI_OK)
        return CLI_USAGE;
    if (optind >= argc)
        return cli_usage(ctx, "no input file (give FILE... or - for stdin)");
    int nstdin = 0;
    for (int i = optind; i < argc; i++)
        nstdin += strcmp(argv[i], "-") == 0;
    if (nstdin > 1)
        return cli_usage(ctx, "stdin ('-') given more than once");

    dccd_error err;
    dccd_provenance prov = {NULL, NULL};
    if (source) {
        if (!*source)
            return cli_usage(ctx, "--source needs a non-empty text");
        if (dccd_provenance_init(&prov, source, NULL, &err) != DCCD_OK)
            return cli_usage(ctx, "bad --source: %s", err.msg);
        o.prov = &prov;
    }
    dccd_store *s = NULL;
    if (cli_open_store(ctx, &s) != CLI_OK) {
        dccd_provenance_free(&prov);
        return CLI_FAIL;
    }
    import_totals tot = {0, 0, 0};
    int rc = CLI_OK;
    for (int i = optind; i < argc && rc == CLI_OK; i++)
        rc = import_one(ctx, s, &ds, &o, argv[i], &tot);
    if (rc == CLI_OK && argc - optind > 1)
        printf("total: %" PRId64 " rows read, %" PRId64 " written, %" PRId64 " rejected\n", tot.read, tot.written,
               tot.rejected);
    if (rc == CLI_OK && checkpoint) {
        dccd_checkpoint_report rep;
        memset(&rep, 0, sizeof rep);
        if (dccd_store_checkpoint(s, &ds, &rep, &err) != DCCD_OK)
            rc = cli_fail(ctx, "checkpoint", &err);
        else
            printf("checkpoint: %zu segments (%" PRId64 " rows) folded into %zu period files\n", rep.segments,
                   rep.rows, rep.periods);
    }
    dccd_store_close(s);
    dccd_provenance_free(&prov);
    return rc;
}
