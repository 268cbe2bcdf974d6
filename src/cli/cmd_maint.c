/*
 * src/cli/cmd_maint.c - the maintenance subcommands of the dccd command:
 *
 *   dccd checkpoint [--json] [DATASET]
 *       fold every pending write-ahead-log segment of the store (or of one
 *       dataset) into its period file (dccd_store_checkpoint) and report
 *       what was folded: period files replaced, segments, rows, row groups
 *       copied raw / decoded and rewritten.
 *   dccd migrate [--dry-run] [DATASET]
 *       rewrite legacy v2 period files in the canonical v3 schema
 *       (dccd_store_migrate); one line per file examined, then a summary.
 *       A file that cannot be read is reported and makes the exit status 1.
 *   dccd verify [--json] [DATASET]
 *       read every period file and pending segment and check it
 *       (dccd_store_verify); one line per problem, then a summary; exit
 *       status 1 when anything is wrong.
 *
 * migrate and verify draw a progress bar on stderr when it is a terminal
 * (total from the inventory: period files, plus segments for verify); per
 * file lines go to stdout, so the bar is cleared before each one.  Only
 * the public dccd headers are used.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ops.h"

enum {
    OPT_JSON = CLI_OPT_FIRST_FREE,
    OPT_DRY_RUN,
};

/* Parse the common shape "[flags] [DATASET]": the dataset is optional
 * (NULL = the whole store).  Returns CLI_OK, or the exit status to use
 * (CLI_OK with *done set after --help). */
typedef struct maint_args {
    bool json, dry_run, done;
    bool has_ds;
    dccd_dataset ds;
} maint_args;

static int maint_parse(cli_ctx *ctx, int argc, char **argv, bool allow_json, bool allow_dry, void (*usage)(FILE *),
                       maint_args *a)
{
    static const struct option opts[] = {
        CLI_DATASET_OPTIONS,
        {"json", no_argument, NULL, OPT_JSON},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    cli_dataset_opts dso = {0};
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (cli_dataset_opt(ctx, &dso, c, optarg))
            continue;
        switch (c) {
        case 'h':
            usage(stdout);
            a->done = true;
            return CLI_OK;
        case OPT_JSON:
            if (!allow_json)
                return cli_usage(ctx, "unknown option '--json'");
            a->json = true;
            break;
        case OPT_DRY_RUN:
            if (!allow_dry)
                return cli_usage(ctx, "unknown option '--dry-run'");
            a->dry_run = true;
            break;
        default:
            return ops_bad_option(ctx, c, argv);
        }
    }
    int rc = ops_end_args(ctx, argc, argv);
    if (rc != CLI_OK)
        return rc;
    if (cli_dataset_given(&dso)) {
        if ((rc = cli_dataset_resolve(ctx, &dso, &a->ds)) != CLI_OK)
            return rc;
        a->has_ds = true;
    }
    return CLI_OK;
}

/* What the command covers, for messages: the dataset id or "store ROOT". */
static void scope_text(const cli_ctx *ctx, const maint_args *a, char *buf, size_t cap)
{
    if (a->has_ds)
        ops_fmt_dataset(&a->ds, buf, cap);
    else
        snprintf(buf, cap, "store %s", ctx->root);
}

/* Total files (and segments) for the progress bar, from the inventory;
 * 0 (a counter instead of a bar) when it cannot be known cheaply. */
static int64_t progress_total(dccd_store *s, const maint_args *a, bool segments)
{
    dccd_inventory_entry *e = NULL;
    size_t n = 0;
    /* Only when the bar is drawn: the inventory reads every footer, and
     * warns about unreadable files that the command reports anyway. */
    if (!isatty(STDERR_FILENO) || dccd_store_inventory(s, &e, &n, NULL) != DCCD_OK)
        return 0;
    char want_slug[DCCD_SYMBOL_TEXT_MAX] = "";
    if (a->has_ds && dccd_symbol_pair_slug(&a->ds.symbol, want_slug, sizeof want_slug, NULL) != DCCD_OK) {
        free(e);
        return 0;
    }
    int64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (a->has_ds && (strcmp(e[i].exchange, a->ds.exchange) != 0 || strcmp(e[i].pair, want_slug) != 0 ||
                          e[i].type != a->ds.type || (a->ds.type == DCCD_OHLC && e[i].span != a->ds.span)))
            continue;
        total += (int64_t)e[i].files;
        if (segments)
            total += (int64_t)e[i].pending_segments;
    }
    free(e);
    return total;
}

/* ======================================================================
 * dccd checkpoint
 * ====================================================================== */

static void checkpoint_usage(FILE *f)
{
    fputs("usage: dccd checkpoint [--json] [--root DIR] [DATASET]\n"
          "Fold every pending write-ahead-log segment of the store, or of one dataset,\n"
          "into its period file, so that other Parquet readers (polars, DuckDB, the\n"
          "seed) see the rows.  Reports the period files replaced, the segments and\n"
          "rows folded, and the row groups copied raw or decoded and rewritten.\n"
          "\n"
          "  DATASET       --exchange NAME --pair PAIR --type TYPE [--span SPAN]\n"
          "                (default: the whole store)\n"
          "  --json        one JSON object: {\"scope\",\"periods\",\"segments\",\"rows\",\n"
          "                \"row_groups_copied\",\"row_groups_rewritten\"}\n"
          "  --root DIR    store root (default $DCCD_DATA, else ./data)\n"
          "  --help        this help\n",
          f);
}

int cli_cmd_checkpoint(cli_ctx *ctx, int argc, char **argv)
{
    maint_args a;
    int rc = maint_parse(ctx, argc, argv, true, false, checkpoint_usage, &a);
    if (rc != CLI_OK || a.done)
        return rc;
    dccd_store *s;
    if ((rc = ops_open_existing(ctx, &s)) != CLI_OK)
        return rc;
    char scope[DCCD_DATASET_TEXT_MAX + 64];
    scope_text(ctx, &a, scope, sizeof scope);
    dccd_error err;
    dccd_checkpoint_report rep;
    memset(&rep, 0, sizeof rep);
    if (dccd_store_checkpoint(s, a.has_ds ? &a.ds : NULL, &rep, &err) != DCCD_OK) {
        rc = cli_fail(ctx, scope, &err);
    } else if (a.json) {
        fputs("{\"scope\":", stdout);
        cli_json_string(stdout, scope);
        printf(",\"periods\":%zu,\"segments\":%zu,\"rows\":%" PRId64
               ",\"row_groups_copied\":%zu,\"row_groups_rewritten\":%zu}\n",
               rep.periods, rep.segments, rep.rows, rep.row_groups_copied, rep.row_groups_rewritten);
    } else if (rep.segments == 0 && rep.periods == 0) {
        printf("%s: nothing to fold (no pending segments)\n", scope);
    } else {
        printf("%s: folded %zu segment%s (%" PRId64 " rows) into %zu period file%s; row groups: %zu copied, "
               "%zu rewritten\n",
               scope, rep.segments, rep.segments == 1 ? "" : "s", rep.rows, rep.periods, rep.periods == 1 ? "" : "s",
               rep.row_groups_copied, rep.row_groups_rewritten);
    }
    dccd_store_close(s);
    return rc;
}

/* ======================================================================
 * per-file callbacks (migrate, verify)
 * ====================================================================== */

typedef struct file_note {
    char *path, *message;
} file_note;

typedef struct file_cb {
    cli_progress prog;
    int64_t calls;
    bool print_ok;     /* print a line for files that need nothing (migrate) */
    const char *ok_text;
    bool collect;      /* keep messages for JSON instead of printing */
    file_note *notes;
    size_t nnotes, cap;
    bool oom;
    size_t messages;
} file_cb;

static void note_add(file_cb *fc, const char *path, const char *message)
{
    if (fc->oom)
        return;
    if (fc->nnotes == fc->cap) {
        size_t cap = fc->cap ? fc->cap * 2 : 16;
        file_note *p = cap < SIZE_MAX / sizeof *p ? realloc(fc->notes, cap * sizeof *p) : NULL;
        if (!p) {
            fc->oom = true;
            return;
        }
        fc->notes = p;
        fc->cap = cap;
    }
    char *a = strdup(path), *b = strdup(message);
    if (!a || !b) {
        free(a);
        free(b);
        fc->oom = true;
        return;
    }
    fc->notes[fc->nnotes].path = a;
    fc->notes[fc->nnotes].message = b;
    fc->nnotes++;
}

static void notes_free(file_cb *fc)
{
    for (size_t i = 0; i < fc->nnotes; i++) {
        free(fc->notes[i].path);
        free(fc->notes[i].message);
    }
    free(fc->notes);
    fc->notes = NULL;
    fc->nnotes = fc->cap = 0;
}

static void on_file(void *vctx, const char *path, const char *message)
{
    file_cb *fc = vctx;
    fc->calls++;
    if (message)
        fc->messages++;
    if (fc->collect) {
        if (message)
            note_add(fc, path, message);
    } else if (message || fc->print_ok) {
        if (fc->prog.on) /* clear the bar's line before writing to the terminal */
            fprintf(stderr, "\r%78s\r", "");
        printf("%s: %s\n", path, message ? message : fc->ok_text);
        fflush(stdout);
    }
    int64_t done = fc->calls;
    if (fc->prog.total > 0 && done > fc->prog.total)
        done = fc->prog.total;
    cli_progress_update(&fc->prog, done);
}

/* ======================================================================
 * dccd migrate
 * ====================================================================== */

static void migrate_usage(FILE *f)
{
    fputs("usage: dccd migrate [--dry-run] [--root DIR] [DATASET]\n"
          "Rewrite legacy v2 period files (TS in seconds, quoteVolume, weightedAverage,\n"
          "date, time) in the canonical v3 schema, in place and atomically; pending\n"
          "segments are folded first.  One line per file examined, then a summary.\n"
          "A file that cannot be read is reported, left untouched, and makes the exit\n"
          "status 1.\n"
          "\n"
          "  --dry-run     report what would be done, change nothing\n"
          "  DATASET       --exchange NAME --pair PAIR --type TYPE [--span SPAN]\n"
          "                (default: the whole store)\n"
          "  --root DIR    store root (default $DCCD_DATA, else ./data)\n"
          "  --help        this help\n",
          f);
}

int cli_cmd_migrate(cli_ctx *ctx, int argc, char **argv)
{
    maint_args a;
    int rc = maint_parse(ctx, argc, argv, false, true, migrate_usage, &a);
    if (rc != CLI_OK || a.done)
        return rc;
    dccd_store *s;
    if ((rc = ops_open_existing(ctx, &s)) != CLI_OK)
        return rc;
    char scope[DCCD_DATASET_TEXT_MAX + 64];
    scope_text(ctx, &a, scope, sizeof scope);
    file_cb fc;
    memset(&fc, 0, sizeof fc);
    fc.print_ok = true;
    fc.ok_text = "ok (canonical v3, nothing to do)";
    cli_progress_start(&fc.prog, a.dry_run ? "migrate (dry run)" : "migrate", progress_total(s, &a, false));
    dccd_error err;
    dccd_migrate_report rep;
    memset(&rep, 0, sizeof rep);
    int lrc = dccd_store_migrate(s, a.has_ds ? &a.ds : NULL, a.dry_run, on_file, &fc, &rep, &err);
    cli_progress_end(&fc.prog);
    if (lrc != DCCD_OK && lrc != DCCD_ECORRUPT) {
        rc = cli_fail(ctx, scope, &err);
    } else {
        if (a.dry_run)
            printf("%s: %zu file%s examined, %zu legacy (%" PRId64 " rows) would be migrated (dry run)\n", scope,
                   rep.files, rep.files == 1 ? "" : "s", rep.legacy, rep.rows);
        else
            printf("%s: %zu file%s examined, %zu legacy, %zu migrated (%" PRId64 " rows)\n", scope, rep.files,
                   rep.files == 1 ? "" : "s", rep.legacy, rep.migrated, rep.rows);
        if (lrc == DCCD_ECORRUPT)
            rc = cli_fail(ctx, scope, &err);
    }
    dccd_store_close(s);
    return rc;
}

/* ======================================================================
 * dccd verify
 * ====================================================================== */

static void verify_usage(FILE *f)
{
    fputs("usage: dccd verify [--json] [--root DIR] [DATASET]\n"
          "Read every period file and pending segment of the store, or of one dataset,\n"
          "and check that it decodes, has the canonical schema, is sorted by TS, has no\n"
          "duplicate natural keys and sits in the right period file.  Prints each\n"
          "problem as PATH: MESSAGE, then a summary; exit status 1 when anything is\n"
          "wrong.\n"
          "\n"
          "  DATASET       --exchange NAME --pair PAIR --type TYPE [--span SPAN]\n"
          "                (default: the whole store)\n"
          "  --json        one JSON object: {\"scope\",\"ok\",\"files\",\"segments\",\"rows\",\n"
          "                \"problems\":[{\"path\",\"message\"}]}\n"
          "  --root DIR    store root (default $DCCD_DATA, else ./data)\n"
          "  --help        this help\n",
          f);
}

int cli_cmd_verify(cli_ctx *ctx, int argc, char **argv)
{
    maint_args a;
    int rc = maint_parse(ctx, argc, argv, true, false, verify_usage, &a);
    if (rc != CLI_OK || a.done)
        return rc;
    dccd_store *s;
    if ((rc = ops_open_existing(ctx, &s)) != CLI_OK)
        return rc;
    char scope[DCCD_DATASET_TEXT_MAX + 64];
    scope_text(ctx, &a, scope, sizeof scope);
    file_cb fc;
    memset(&fc, 0, sizeof fc);
    fc.collect = a.json;
    cli_progress_start(&fc.prog, "verify", progress_total(s, &a, true));
    dccd_error err;
    dccd_verify_report rep;
    memset(&rep, 0, sizeof rep);
    int lrc = dccd_store_verify(s, a.has_ds ? &a.ds : NULL, on_file, &fc, &rep, &err);
    cli_progress_end(&fc.prog);
    size_t problems = rep.problems > fc.messages ? rep.problems : fc.messages;
    if (lrc != DCCD_OK) {
        rc = cli_fail(ctx, scope, &err);
    } else if (fc.oom) {
        cli_msg(ctx, "out of memory collecting problems");
        rc = CLI_FAIL;
    } else if (a.json) {
        fputs("{\"scope\":", stdout);
        cli_json_string(stdout, scope);
        printf(",\"ok\":%s,\"files\":%zu,\"segments\":%zu,\"rows\":%" PRId64 ",\"problems\":[",
               problems ? "false" : "true", rep.files, rep.segments, rep.rows);
        for (size_t i = 0; i < fc.nnotes; i++) {
            fputs(i ? ",{\"path\":" : "{\"path\":", stdout);
            cli_json_string(stdout, fc.notes[i].path);
            fputs(",\"message\":", stdout);
            cli_json_string(stdout, fc.notes[i].message);
            fputs("}", stdout);
        }
        fputs("]}\n", stdout);
        rc = problems ? CLI_FAIL : CLI_OK;
    } else {
        printf("%s: %zu file%s, %zu pending segment%s, %" PRId64 " rows checked: ", scope, rep.files,
               rep.files == 1 ? "" : "s", rep.segments, rep.segments == 1 ? "" : "s", rep.rows);
        if (problems)
            printf("%zu problem%s\n", problems, problems == 1 ? "" : "s");
        else
            printf("no problems\n");
        rc = problems ? CLI_FAIL : CLI_OK;
    }
    notes_free(&fc);
    dccd_store_close(s);
    return rc;
}
