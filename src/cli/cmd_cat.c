/*
 * src/cli/cmd_cat.c - `dccd cat`: any flat Parquet file printed as CSV or
 * JSON lines, one row group at a time (memory: the selected column chunks
 * of one row group).
 *
 *   dccd cat [--format csv|jsonl] [--columns a,b] [--limit N] FILE
 *
 * Values are shown as out_value.c describes: logical types applied (dates,
 * times, timestamps in their unit, INT96, decimals, UUIDs, float16),
 * strings as text, binary that is not UTF-8 and fixed-length binary as
 * hex "0x...".  A null is an empty CSV field / JSON null.  A file the
 * reader refuses (corrupt, encrypted, nested) fails with exit status 1 and
 * the reader's message.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "out.h"

enum { OPT_FORMAT = CLI_OPT_FIRST_FREE, OPT_COLUMNS, OPT_LIMIT };

static void usage(FILE *f)
{
    fprintf(f, "usage: dccd cat [options] FILE\n"
               "\n"
               "Print any flat Parquet file as CSV (with a header) or JSON lines.\n"
               "\n"
               "options:\n"
               "  --format csv|jsonl  output format (default csv)\n"
               "  --columns a,b       only these columns, in this order\n"
               "  --limit N           at most N rows\n"
               "  --help              show this help\n");
}

int cli_cmd_cat(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"columns", required_argument, NULL, OPT_COLUMNS},
        {"limit", required_argument, NULL, OPT_LIMIT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    out_format fmt = OUT_CSV;
    const char *columns = NULL;
    int64_t limit = -1;
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
                if (valid)
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
