/*
 * src/cli/cmd_export.c - `dccd export`: a dataset's rows, in TS order, as
 * CSV, JSON lines or Parquet.
 *
 *   dccd export [--start T] [--end T] [--format csv|jsonl|parquet]
 *               [-o FILE] [--columns a,b] [--iso] DATASET
 *
 * Rows come from dccd_store_scan_ahead (start <= TS <= end, both
 * inclusive, merged with pending segments), one chunk of about a row group
 * at a time, decoded by a reader thread two chunks ahead of the formatting
 * or encoding here, so memory is bounded whatever the range.  CSV has a header line; a null
 * is an empty field and an empty string is "" (so they stay distinct).
 * JSON lines write one object per row with nulls as null.  Doubles are the
 * shortest text that reads back to the same double; TS is integer
 * nanoseconds, or ISO-8601 UTC with --iso.  Parquet goes through the public
 * writer with the store's own column layout (canonical schema, every column
 * optional, strings UTF8, snappy) and needs -o.
 *
 * With -o the output is written to FILE.tmp.PID and renamed over FILE only
 * when complete (a failed export leaves no partial FILE); without it CSV
 * and JSON lines go to stdout.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ops.h"
#include "out.h"

enum { OPT_START = CLI_OPT_FIRST_FREE, OPT_END, OPT_FORMAT, OPT_COLUMNS, OPT_ISO };
enum { EXP_CSV, EXP_JSONL, EXP_PARQUET };

static void usage(FILE *f)
{
    fprintf(f, "usage: dccd export [options] DATASET\n"
               "\n"
               "Write a dataset's rows in TS order.\n"
               "\n"
               "DATASET: --exchange NAME --pair PAIR --type ohlc|trades|orderbook [--span SPAN]\n"
               "\n"
               "options:\n"
               "  --start T        first TS (inclusive; ns or ISO-8601, default: the first row)\n"
               "  --end T          last TS (inclusive; default: the last row)\n"
               "  --format F       csv (default), jsonl or parquet (parquet needs -o)\n"
               "  -o, --output F   write to file F (atomically: temp file + rename)\n"
               "  --columns a,b    only these columns, in this order\n"
               "  --iso            TS as ISO-8601 UTC text instead of nanoseconds (csv, jsonl)\n"
               "  --root DIR       store root\n"
               "  --help           show this help\n");
}

typedef struct export_ctx {
    int format;
    FILE *out;
    int cols[DCCD_MAX_COLS];
    int ncols;
    bool iso;
    dccd_data_type type;
    dccd_pq_writer *w;
    int64_t rows;
    const cli_ctx *cli;
    cli_progress prog;
} export_ctx;

/* A double as the shortest text that reads back to it (out_fmt_double),
 * with two cases it does not cover: -0 is "-0.0" (a JSON reader takes
 * "-0" for the integer 0 and loses the sign), and a subnormal gets its
 * really shortest digits (5e-324, not 4.94065645841247e-324). */
static void fmt_double(double v, char *buf, size_t cap)
{
    if (v == 0 && signbit(v)) {
        snprintf(buf, cap, "-0.0");
        return;
    }
    if (fpclassify(v) == FP_SUBNORMAL) {
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(buf, cap, "%.*g", prec, v);
            if (strtod(buf, NULL) == v)
                return;
        }
    }
    out_fmt_double(v, buf, cap);
}

static void write_cell(export_ctx *x, const dccd_pq_column *col, int c, size_t r)
{
    FILE *f = x->out;
    char buf[64];
    if (col->validity && !col->validity[r]) {
        if (x->format == EXP_JSONL)
            fputs("null", f);
        return;
    }
    switch (col->type) {
    case DCCD_PQ_INT64: {
        int64_t v = ((const int64_t *)col->values)[r];
        if (c == 0 && x->iso) {
            cli_fmt_time(v, buf, sizeof buf);
            if (x->format == EXP_JSONL)
                fprintf(f, "\"%s\"", buf);
            else
                fputs(buf, f);
        } else {
            fprintf(f, "%" PRId64, v);
        }
        break;
    }
    case DCCD_PQ_DOUBLE:
        fmt_double(((const double *)col->values)[r], buf, sizeof buf);
        fputs(buf, f);
        break;
    case DCCD_PQ_BOOLEAN:
        fputs(((const uint8_t *)col->values)[r] ? "true" : "false", f);
        break;
    case DCCD_PQ_BYTE_ARRAY: {
        size_t n = (size_t)(col->offsets[r + 1] - col->offsets[r]);
        const uint8_t *p = n ? col->data + col->offsets[r] : (const uint8_t *)"";
        if (x->format == EXP_JSONL)
            out_json_bytes(f, p, n);
        else
            out_csv_bytes(f, p, n);
        break;
    }
    default:
        break;
    }
}

static int on_chunk(void *vctx, const dccd_table *chunk, dccd_error *err)
{
    export_ctx *x = vctx;
    if (x->format == EXP_PARQUET) {
        dccd_pq_column cols[DCCD_MAX_COLS];
        for (int i = 0; i < x->ncols; i++)
            cols[i] = chunk->cols[x->cols[i]];
        int rc = dccd_pq_writer_write(x->w, cols, chunk->nrows, err);
        if (rc)
            return rc;
    } else {
        for (size_t r = 0; r < chunk->nrows; r++) {
            if (x->format == EXP_JSONL)
                putc('{', x->out);
            for (int i = 0; i < x->ncols; i++) {
                int c = x->cols[i];
                if (x->format == EXP_JSONL) {
                    if (i)
                        putc(',', x->out);
                    cli_json_string(x->out, dccd_schema_col_name(x->type, c));
                    putc(':', x->out);
                } else if (i) {
                    putc(',', x->out);
                }
                write_cell(x, &chunk->cols[c], c, r);
            }
            if (x->format == EXP_JSONL)
                putc('}', x->out);
            putc('\n', x->out);
        }
        if (ferror(x->out)) {
            err->code = DCCD_EIO;
            snprintf(err->msg, sizeof err->msg, "write error: %s", strerror(errno));
            return DCCD_EIO;
        }
    }
    x->rows += (int64_t)chunk->nrows;
    cli_progress_update(&x->prog, x->rows);
    return DCCD_OK;
}

static int parse_columns(const cli_ctx *ctx, dccd_data_type type, const char *list, int *cols, int *n)
{
    *n = 0;
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char name[64];
        if (len == 0 || len >= sizeof name)
            return cli_usage(ctx, "bad --columns '%s': empty or too long name", list);
        memcpy(name, p, len);
        name[len] = 0;
        int c = dccd_schema_col_index(type, name);
        if (c < 0)
            return cli_usage(ctx, "bad --columns: no column '%s' in %s", name, dccd_data_type_name(type));
        for (int i = 0; i < *n; i++)
            if (cols[i] == c)
                return cli_usage(ctx, "bad --columns: '%s' given twice", name);
        if (*n >= DCCD_MAX_COLS)
            return cli_usage(ctx, "bad --columns: too many columns");
        cols[(*n)++] = c;
        if (!comma)
            break;
        p = comma + 1;
    }
    return CLI_OK;
}

int cli_cmd_export(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_DATASET_OPTIONS,
        {"start", required_argument, NULL, OPT_START},
        {"end", required_argument, NULL, OPT_END},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"output", required_argument, NULL, 'o'},
        {"columns", required_argument, NULL, OPT_COLUMNS},
        {"iso", no_argument, NULL, OPT_ISO},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_dataset_opts dso = {0};
    export_ctx x;
    memset(&x, 0, sizeof x);
    x.cli = ctx;
    int64_t start = DCCD_TS_MIN, end = DCCD_TS_MAX;
    const char *output = NULL, *columns = NULL;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
        if (cli_dataset_opt(ctx, &dso, c, optarg))
            continue;
        switch (c) {
        case 'h':
            usage(stdout);
            return CLI_OK;
        case OPT_START:
            if (cli_parse_time(ctx, "start", optarg, &start) != CLI_OK)
                return CLI_USAGE;
            break;
        case OPT_END:
            if (cli_parse_time(ctx, "end", optarg, &end) != CLI_OK)
                return CLI_USAGE;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "csv") == 0)
                x.format = EXP_CSV;
            else if (strcmp(optarg, "jsonl") == 0 || strcmp(optarg, "ndjson") == 0)
                x.format = EXP_JSONL;
            else if (strcmp(optarg, "parquet") == 0)
                x.format = EXP_PARQUET;
            else
                return cli_usage(ctx, "bad --format '%s' (csv, jsonl or parquet)", optarg);
            break;
        case 'o':
            if (!*optarg)
                return cli_usage(ctx, "-o needs a file name");
            output = optarg;
            break;
        case OPT_COLUMNS:
            columns = optarg;
            break;
        case OPT_ISO:
            x.iso = true;
            break;
        case ':':
            return cli_usage(ctx, "option '%s' needs an argument", argv[optind - 1]);
        default:
            return cli_usage(ctx, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage(ctx, "unexpected argument '%s'", argv[optind]);
    dccd_dataset ds;
    if (cli_dataset_resolve(ctx, &dso, &ds) != CLI_OK)
        return CLI_USAGE;
    if (start > end)
        return cli_usage(ctx, "--start is after --end");
    if (x.format == EXP_PARQUET && !output)
        return cli_usage(ctx, "--format parquet needs -o FILE");
    if (x.format == EXP_PARQUET && x.iso)
        return cli_usage(ctx, "--iso applies to csv and jsonl only");
    x.type = ds.type;
    if (columns) {
        if (parse_columns(ctx, ds.type, columns, x.cols, &x.ncols) != CLI_OK)
            return CLI_USAGE;
    } else {
        x.ncols = dccd_schema_ncols(ds.type);
        for (int i = 0; i < x.ncols; i++)
            x.cols[i] = i;
    }

    dccd_store *s = NULL;
    if (ops_open_existing(ctx, &s) != CLI_OK) /* a read: never creates the root */
        return CLI_FAIL;
    dccd_error err;
    int rc = CLI_OK;
    char *tmp = NULL;
    if (output) {
        size_t n = strlen(output) + 32;
        tmp = malloc(n);
        if (!tmp) {
            dccd_store_close(s);
            cli_msg(ctx, "out of memory");
            return CLI_FAIL;
        }
        snprintf(tmp, n, "%s.tmp.%ld", output, (long)getpid());
    }
    if (x.format == EXP_PARQUET) {
        dccd_pq_field fields[DCCD_MAX_COLS];
        memset(fields, 0, sizeof fields);
        for (int i = 0; i < x.ncols; i++) {
            int col = x.cols[i];
            fields[i].name = dccd_schema_col_name(ds.type, col);
            fields[i].type = dccd_schema_col_type(ds.type, col);
            fields[i].optional = true;
            if (fields[i].type == DCCD_PQ_BYTE_ARRAY)
                fields[i].logical = DCCD_PQ_LOG_STRING;
            if (col == 0)
                fields[i].delta = true;
        }
        dccd_pq_write_options wo;
        dccd_pq_write_options_init(&wo);
        wo.threads = ctx->threads;
        wo.codec = DCCD_PQ_SNAPPY;
        if (dccd_pq_writer_open(tmp, fields, x.ncols, &wo, &x.w, &err) != DCCD_OK) {
            rc = cli_fail(ctx, output, &err);
            goto done;
        }
    } else if (output) {
        x.out = fopen(tmp, "wx");
        if (!x.out) {
            cli_msg(ctx, "cannot create '%s': %s", tmp, strerror(errno));
            rc = CLI_FAIL;
            goto done;
        }
    } else {
        x.out = stdout;
    }
    if (x.out)
        setvbuf(x.out, NULL, _IOFBF, 1 << 20);
    if (x.format == EXP_CSV) {
        for (int i = 0; i < x.ncols; i++)
            fprintf(x.out, "%s%s", i ? "," : "", dccd_schema_col_name(ds.type, x.cols[i]));
        putc('\n', x.out);
    }
    cli_progress_start(&x.prog, "export", 0);
    /* read ahead: the next row groups decode on a reader thread while
     * this one formats or encodes the last */
    int src = dccd_store_scan_ahead(s, &ds, start, end, 2, on_chunk, &x, &err);
    cli_progress_end(&x.prog);
    if (src != DCCD_OK) {
        rc = cli_fail(ctx, "export", &err);
    } else if (x.w) {
        dccd_pq_writer *w = x.w;
        x.w = NULL;
        if (dccd_pq_writer_close(w, &err) != DCCD_OK)
            rc = cli_fail(ctx, output, &err);
    } else if (x.out) {
        if (fflush(x.out) != 0 || ferror(x.out)) {
            cli_msg(ctx, "write error on %s: %s", output ? output : "stdout", strerror(errno));
            rc = CLI_FAIL;
        } else if (output && fsync(fileno(x.out)) != 0) {
            cli_msg(ctx, "fsync %s: %s", tmp, strerror(errno));
            rc = CLI_FAIL;
        }
    }
    if (x.w)
        dccd_pq_writer_abort(x.w); /* unlinks the partial file */
    if (x.out && x.out != stdout && fclose(x.out) != 0 && rc == CLI_OK) {
        cli_msg(ctx, "close %s: %s", tmp, strerror(errno));
        rc = CLI_FAIL;
    }
    if (output) {
        if (rc == CLI_OK && rename(tmp, output) != 0) {
            cli_msg(ctx, "rename %s to %s: %s", tmp, output, strerror(errno));
            rc = CLI_FAIL;
        }
        if (rc != CLI_OK)
            unlink(tmp);
    }
done:
    free(tmp);
    dccd_store_close(s);
    return rc;
}
