/*
 * src/cli/ops.h - helpers shared by the store-operation subcommands of the
 * dccd command (cmd_query.c: last, gaps, inventory, provenance;
 * cmd_maint.c: checkpoint, migrate, verify; cmd_demo.c: demo).  They live
 * in cmd_query.c; this header only lets cmd_maint.c and cmd_demo.c reuse
 * them, so `dccd demo` prints exactly what `dccd inventory` and
 * `dccd gaps` print.
 *
 * What is here:
 *   - option-parsing helpers (unknown option / missing argument messages
 *     that name the option, exit status 2);
 *   - opening an EXISTING store (the read and maintenance commands never
 *     create a store at a mistyped --root);
 *   - a small aligned-text table (left-aligned text, right-aligned numbers);
 *   - duration formatting ("3h 1m", "45s", "1.500s");
 *   - the inventory and gaps reports, human and JSON.
 *
 * Everything is built on the public dccd headers only.
 */
#ifndef DCCD_CLI_OPS_H
#define DCCD_CLI_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"

/* ---- option parsing ---- */

/* Message for getopt_long's '?' (unknown option) or ':' (missing
 * argument) return c; returns CLI_USAGE. */
int ops_bad_option(const cli_ctx *ctx, int c, char **argv);
/* CLI_USAGE with a message when --root was given empty. */
int ops_check_root(const cli_ctx *ctx);
/* After getopt_long: no operand may follow the options (usage error naming
 * the first), and --root must be usable (ops_check_root). */
int ops_end_args(const cli_ctx *ctx, int argc, char **argv);

/* Open the store at ctx->root, which must already exist as a directory
 * ("no store at ROOT" otherwise, CLI_FAIL). */
int ops_open_existing(const cli_ctx *ctx, dccd_store **out);

/* ---- aligned tables ---- */

#define OPS_TABLE_MAX_COLS 12

typedef struct ops_table {
    int ncols;
    const char *head[OPS_TABLE_MAX_COLS];
    bool right[OPS_TABLE_MAX_COLS]; /* right-align (numbers) */
    char **cells;                   /* nrows * ncols malloc'd strings */
    size_t nrows, cap;
    bool oom;                       /* an allocation failed: print reports it */
} ops_table;

/* spec: one character per column, 'l' or 'r'; heads: ncols strings. */
void ops_table_init(ops_table *t, const char *spec, const char *const *heads);
/* Append one row of ncols strings (copied). */
void ops_table_row(ops_table *t, const char *const *cells);
/* Print with `indent` spaces before each line; returns CLI_FAIL when an
 * allocation failed while building the table (after saying so). */
int ops_table_print(const cli_ctx *ctx, const ops_table *t, FILE *f, int indent);
void ops_table_free(ops_table *t);

/* ---- formatting ---- */

/* "3h 1m", "2d 4h", "59s", "1.500s", "250ms", "17ns". */
void ops_fmt_duration(int64_t ns, char *buf, size_t cap);
/* "1m", "3600s" (span label), "-" for 0, "?" for an unknown (negative) span. */
void ops_fmt_span(int64_t span, char *buf, size_t cap);
/* The dataset id ("demo:BTC/USDT:ohlc:60s"); "?" when it cannot be formatted. */
void ops_fmt_dataset(const dccd_dataset *ds, char *buf, size_t cap);

/* ---- reports ---- */

/* Print the inventory entries: an aligned table (json false) or a JSON
 * array (json true).  Returns CLI_OK or CLI_FAIL. */
int ops_print_inventory(const cli_ctx *ctx, const dccd_inventory_entry *e, size_t n, bool json);

typedef struct ops_gaps_req {
    int64_t start, end;   /* range (both required for missing intervals) */
    bool missing;         /* report the seed's missing intervals */
    bool holes;           /* report internal holes */
    int64_t min_n;        /* holes longer than min_n spans (OHLC) or seconds */
    bool json;
} ops_gaps_req;

/* The gaps report of one dataset.  Returns CLI_OK or CLI_FAIL. */
int ops_print_gaps(const cli_ctx *ctx, dccd_store *s, const dccd_dataset *ds, const ops_gaps_req *rq);

#endif /* DCCD_CLI_OPS_H */
