/*
 * src/cli/cli.h - the small internal interface between the dccd command's
 * front end (main.c: global options, root resolution, dispatch), the shared
 * helpers every subcommand uses (common.c: dataset options, times, errors,
 * human formatting, progress bar) and the subcommands (cmd_*.c).  Not
 * installed; everything here is built on the public dccd headers only.
 *
 * Exit codes shared by every subcommand: CLI_OK (0) success, CLI_FAIL (1)
 * an operation failed, CLI_USAGE (2) bad command line.  Data goes to
 * stdout, diagnostics to stderr, always prefixed "dccd CMD: ".
 */
#ifndef DCCD_CLI_H
#define DCCD_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dccd/domain.h"
#include "dccd/error.h"
#include "dccd/store.h"

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* What the front end resolved before running a subcommand. */
typedef struct cli_ctx {
    const char *prog;  /* "dccd" */
    const char *cmd;   /* the subcommand's name, for messages */
    const char *root;  /* --root, else $DCCD_DATA, else "./data"; may be
                          overridden by the subcommand's own --root */
    int threads;       /* --threads N, else $DCCD_THREADS, else 0 (the online CPUs) */
} cli_ctx;

/* ---- messages (common.c) ---- */

/* "dccd CMD: " + printf message + "\n" on stderr. */
void cli_msg(const cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "dccd CMD: what: err->msg" on stderr; returns CLI_FAIL. */
int cli_fail(const cli_ctx *ctx, const char *what, const dccd_error *err);
/* Usage error: message, then "try 'dccd CMD --help'"; returns CLI_USAGE. */
int cli_usage(const cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- dataset options (common.c) ----
 *
 * Every dataset-taking subcommand accepts --exchange, --pair, --type,
 * --span and --root.  Put CLI_DATASET_OPTIONS in the getopt_long table and
 * hand unrecognised option codes to cli_dataset_opt() first. */
enum {
    CLI_OPT_ROOT = 0x1000,
    CLI_OPT_EXCHANGE,
    CLI_OPT_PAIR,
    CLI_OPT_TYPE,
    CLI_OPT_SPAN,
    CLI_OPT_FIRST_FREE = 0x1100 /* subcommands number their own long-only options from here */
};
#define CLI_DATASET_OPTIONS                                                                                           \
    {"root", required_argument, NULL, CLI_OPT_ROOT}, {"exchange", required_argument, NULL, CLI_OPT_EXCHANGE},        \
        {"pair", required_argument, NULL, CLI_OPT_PAIR}, {"type", required_argument, NULL, CLI_OPT_TYPE},            \
        {"span", required_argument, NULL, CLI_OPT_SPAN}

typedef struct cli_dataset_opts {
    const char *exchange, *pair, *type, *span;
} cli_dataset_opts;

/* Consume one of the options above: returns 1 if c was one of them (value
 * stored), 0 otherwise. */
int cli_dataset_opt(cli_ctx *ctx, cli_dataset_opts *o, int c, const char *arg);
/* True when any of --exchange/--pair/--type/--span was given. */
bool cli_dataset_given(const cli_dataset_opts *o);
/* Build and validate the dataset: exchange, pair and type are required,
 * span only (and always) for ohlc.  A missing option or a bad value
 * (hostile exchange name, unknown type, bad span) prints the reason and
 * returns CLI_USAGE; CLI_OK on success. */
int cli_dataset_resolve(const cli_ctx *ctx, const cli_dataset_opts *o, dccd_dataset *out);

/* Integer nanoseconds or ISO-8601 UTC; on error prints "bad time for
 * --NAME: ..." and returns CLI_USAGE. */
int cli_parse_time(const cli_ctx *ctx, const char *optname, const char *text, int64_t *out);
/* Non-negative decimal integer option; CLI_USAGE with a message otherwise. */
int cli_parse_count(const cli_ctx *ctx, const char *optname, const char *text, int64_t min, int64_t *out);

/* Open the store at ctx->root; prints the error and returns CLI_FAIL. */
int cli_open_store(const cli_ctx *ctx, dccd_store **out);

/* ---- human output (common.c) ---- */

/* "2024-03-01T12:00:00Z" (fractional seconds only when non-zero); falls
 * back to the integer when out of range.  buf >= 40 bytes. */
void cli_fmt_time(int64_t ts, char *buf, size_t cap);
/* "512 B", "1.5 KiB", "3.2 MiB", ... */
void cli_fmt_size(int64_t bytes, char *buf, size_t cap);
/* Write s as a JSON string literal (quotes and escapes) to f. */
void cli_json_string(FILE *f, const char *s);

/* ---- progress bar (common.c) ----
 * Drawn on stderr only when stderr is a terminal; otherwise every call is a
 * no-op.  total 0 = unknown (a counter instead of a bar). */
typedef struct cli_progress {
    bool on;
    const char *label;
    int64_t total, done;
    int64_t last_draw_ns;
} cli_progress;

void cli_progress_start(cli_progress *p, const char *label, int64_t total);
void cli_progress_update(cli_progress *p, int64_t done);
void cli_progress_end(cli_progress *p);

/* ---- subcommands: argv[0] is the subcommand name ----
 * One file each: cmd_import.c, cmd_export.c, cmd_cat.c (cat), cmd_inspect.c,
 * cmd_query.c (last, gaps, inventory, provenance), cmd_maint.c (checkpoint,
 * migrate, verify), cmd_demo.c. */
int cli_cmd_import(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_export(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_cat(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_inspect(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_last(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_gaps(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_inventory(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_provenance(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_checkpoint(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_migrate(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_verify(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_demo(cli_ctx *ctx, int argc, char **argv);

#endif /* DCCD_CLI_H */
