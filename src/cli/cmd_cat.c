/*
 * src/cli/cmd_cat.c - `dccd cat`: any flat Parquet file printed as CSV or
 * JSON lines, one row group at a time (memory: the selected column chunks
 * of one row group).
 *
 *   dccd cat [--format csv|jsonl] [--raw] [--columns a,b] [--limit N] FILE
 *
 * By default values are shown as out_value.c describes: logical types
 * applied (dates, times, timestamps in their unit, INT96, decimals, UUIDs,
 * float16), strings as text, binary that is not UTF-8 and fixed-length
 * binary as hex "0x...".  --raw prints what is stored instead
 * (out_value_write_raw): integers as stored (timestamps, dates, times,
 * decimals unscaled), binary as base64, floats exactly.  The usage text
 * below is the reference for both.  A null is an empty CSV field / JSON
 * null.  A file the reader refuses (corrupt, encrypted, nested) fails with
 * exit status 1 and the reader's message.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "out.h"

enum { OPT_FORMAT = CLI_OPT_FIRST_FREE, OPT_COLUMNS, OPT_LIMIT, OPT_RAW };

static void usage(FILE *f)
{
    fprintf(f, "usage: dccd cat [options] FILE\n"
               "\n"
               "Print any flat Parquet file as CSV (with a header) or JSON lines.\n"
               "\n"
               "options:\n"
               "  --format csv|jsonl  output format (default csv)\n"
               "  --raw               stored values instead of readable ones (below)\n"
               "  --columns a,b       only these columns, in this order\n"
               "  --limit N           at most N rows\n"
               "  --help              show this help\n"
               "\n"
               "values           default                         --raw\n"
               "  BOOLEAN        true / false                    true / false\n"
               "  integers       decimal (UINT as unsigned)      the same\n"
               "  TIMESTAMP      ISO-8601 UTC text               stored integer, in its unit\n"
               "  DATE / TIME    YYYY-MM-DD / HH:MM:SS[.f] text  stored integer (days / its unit)\n"
               "  DECIMAL        exact decimal number (1.50)     unscaled integer (150)\n"
               "  FLOAT          shortest digits of the float32  the float's exact value as a double\n"
               "  DOUBLE         shortest round-trip digits      shortest round-trip digits\n"
               "  FLOAT16        its value as a double           the same\n"
               "  NaN, +-inf     \"NaN\" \"inf\" \"-inf\"              \"NaN\" \"Infinity\" \"-Infinity\"\n"
               "  STRING/ENUM/JSON  text                         text\n"
               "  other binary   text if UTF-8, else 0x hex      base64 (standard, padded)\n"
               "  fixed-length   0x hex (UUID 8-4-4-4-12)        base64\n"
               "  INT96          ISO-8601 UTC text               base64 of its 12 bytes\n"
               "  null           empty CSV field / JSON null     the same\n"
               "--raw floats always have a '.' or an exponent (-0.0, 1.0, 5e-324) and read\n"
               "back bit for bit; text and NaN/Infinity are JSON strings (CSV: bare).\n");
}

int cli_cmd_cat(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"columns", required_argument, NULL, OPT_COLUMNS},
        {"limit", required_argument, NULL, OPT_LIMIT},
        {"raw", no_argument, NULL, OPT_RAW},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    out_format fmt = OUT_CSV;
    const char *columns = NULL;
    int64_t limit = -1;
    bool raw = false;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            return CLI_OK;
        case OPT_FORMAT:
            if (strcmp(optarg, "csv") == 0)
                fmt = OUT_CSV;
            else if (strcmp(optarg, "jsonl") == 0 || strcmp(optarg, "ndjson") == 0)
                fmt = OUT_JSONL;
            else
                return cli_usage(ctx, "bad --format '%s' (csv or jsonl)", optarg);
            break;
        case OPT_COLUMNS:
            columns = optarg;
            break;
        case OPT_RAW:
            raw = true;
            break;
        case OPT_LIMIT:
            if (cli_parse_count(ctx, "limit", optarg, 0, &limit) != CLI_OK)
                return CLI_USAGE;
            break;
        case ':':
            return cli_usage(ctx, "option '%s' needs an argument", argv[optind - 1]);
        default:
            return cli_usage(ctx, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage(ctx, "no FILE given");
    if (argc - optind > 1)
        return cli_usage(ctx, "one FILE at a time (got '%s' too)", argv[optind + 1]);
    const char *path = argv[optind];

    dccd_error err;
    dccd_pq_file *f = NULL;
    if (dccd_pq_open(path, &f, &err) != DCCD_OK)
        return cli_fail(ctx, path, &err);
    int ncols_file = dccd_pq_num_columns(f);
    int *sel = NULL;
    int nsel = 0;
    int rc = CLI_OK;
    dccd_pq_column *cols = NULL;
    sel = calloc((size_t)(ncols_file > 0 ? ncols_file : 1), sizeof *sel);
    cols = calloc((size_t)(ncols_file > 0 ? ncols_file : 1), sizeof *cols);
    if (!sel || !cols) {
        cli_msg(ctx, "out of memory");
        rc = CLI_FAIL;
        goto done;
    }
    if (columns) {
        const char *p = columns;
        for (;;) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            char *name = strndup(p, len);
            if (!name) {
                rc = CLI_FAIL;
                goto done;
            }
            int ci = dccd_pq_column_index(f, name);
            if (ci < 0) {
                rc = cli_usage(ctx, "bad --columns: no column '%s' in %s", name, path);
                free(name);
                goto done;
            }
            free(name);
            if (nsel >= ncols_file) {
                rc = cli_usage(ctx, "bad --columns: more names than the file has columns");
                goto done;
            }
            sel[nsel++] = ci;
            if (!comma)
                break;
            p = comma + 1;
        }
    } else {
        for (int i = 0; i < ncols_file; i++)
            sel[nsel++] = i;
    }
    setvbuf(stdout, NULL, _IOFBF, 1 << 20);
    if (fmt == OUT_CSV) {
        for (int i = 0; i < nsel; i++) {
            const char *name = dccd_pq_column_info_at(f, sel[i])->name;
            if (i)
                putchar(',');
            out_csv_bytes(stdout, name, strlen(name));
        }
        putchar('\n');
    }
    int64_t printed = 0;
    int nrg = dccd_pq_num_row_groups(f);
    for (int rg = 0; rg < nrg && (limit < 0 || printed < limit); rg++) {
        int64_t rows = dccd_pq_row_group_rows(f, rg);
        for (int i = 0; i < nsel; i++) {
            if (dccd_pq_read_column(f, rg, sel[i], &cols[i], &err) != DCCD_OK) {
                char what[512];
                snprintf(what, sizeof what, "%s: row group %d, column '%s'", path, rg,
                         dccd_pq_column_info_at(f, sel[i])->name);
                for (int k = 0; k < i; k++)
                    dccd_pq_column_free(&cols[k]);
                fflush(stdout);
                rc = cli_fail(ctx, what, &err);
                goto done;
            }
            if ((int64_t)cols[i].n != rows) {
                for (int k = 0; k <= i; k++)
                    dccd_pq_column_free(&cols[k]);
                fflush(stdout);
                cli_msg(ctx, "%s: row group %d: column '%s' has %zu values, the row group %" PRId64 " rows", path,
                        rg, dccd_pq_column_info_at(f, sel[i])->name, cols[i].n, rows);
                rc = CLI_FAIL;
                goto done;
            }
        }
        for (int64_t r = 0; r < rows && (limit < 0 || printed < limit); r++, printed++) {
            if (fmt == OUT_JSONL)
                putchar('{');
            for (int i = 0; i < nsel; i++) {
                const dccd_pq_column_info *ci = dccd_pq_column_info_at(f, sel[i]);
                const dccd_pq_column *col = &cols[i];
                bool valid = !col->validity || col->validity[r];
                if (fmt == OUT_JSONL) {
                    if (i)
                        putchar(',');
                    cli_json_string(stdout, ci->name);
                    putchar(':');
                    if (!valid)
                        fputs("null", stdout);
                } else if (i) {
                    putchar(',');
                }
                if (valid && raw)
                    out_value_write_raw(stdout, fmt, ci, col, (size_t)r);
                else if (valid)
                    out_value_write(stdout, fmt, ci, col, (size_t)r);
            }
            if (fmt == OUT_JSONL)
                putchar('}');
            putchar('\n');
        }
        for (int i = 0; i < nsel; i++)
            dccd_pq_column_free(&cols[i]);
    }
    if (fflush(stdout) != 0) {
        cli_msg(ctx, "write error on stdout");
        rc = CLI_FAIL;
    }
done:
    free(sel);
    free(cols);
    dccd_pq_close(f);
    return rc;
}
