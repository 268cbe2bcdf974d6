/*
 * src/cli/main.c - the front end of the `dccd` command-line tool: global
 * options (--root DIR, --help, --version), resolution of the store root
 * (--root, else $DCCD_DATA, else ./data), the help text, and dispatch to
 * the subcommands implemented in cmd_*.c.
 *
 * Global options may appear before the subcommand; --root may also appear
 * after it (each subcommand accepts --root itself).  Options are parsed
 * with getopt_long; an unknown subcommand or option prints a message on
 * stderr and exits 2.  Exit codes: 0 ok, 1 failure, 2 usage (cli.h).
 *
 * Only the public headers in include/dccd/ are used.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#ifndef DCCD_VERSION
#define DCCD_VERSION "unknown"
#endif

typedef int (*cmd_fn)(cli_ctx *ctx, int argc, char **argv);

typedef struct cli_command {
    const char *name;
    const char *args;
    const char *summary;
    cmd_fn fn;
} cli_command;

static const cli_command commands[] = {
    {"import", "DATASET FILE...|-", "save CSV or JSON-lines rows into a dataset", cli_cmd_import},
    {"export", "DATASET", "write a dataset's rows (CSV, JSON lines or Parquet)", cli_cmd_export},
    {"last", "DATASET", "print the last timestamp of a dataset", cli_cmd_last},
    {"gaps", "DATASET", "missing intervals and internal holes", cli_cmd_gaps},
    {"inventory", "", "every dataset in the store", cli_cmd_inventory},
    {"provenance", "DATASET|--file F", "print the provenance recorded in footers", cli_cmd_provenance},
    {"checkpoint", "[DATASET]", "fold pending segments into period files", cli_cmd_checkpoint},
    {"migrate", "[DATASET]", "rewrite legacy v2 files in the v3 schema", cli_cmd_migrate},
    {"verify", "[DATASET]", "check every file of the store", cli_cmd_verify},
    {"inspect", "FILE", "Parquet metadata: schema, row groups, chunks", cli_cmd_inspect},
    {"cat", "FILE", "print any flat Parquet file as CSV or JSON lines", cli_cmd_cat},
    {"demo", "", "write a synthetic sample store and summarise it", cli_cmd_demo},
    {"help", "", "show this help", NULL},
};

static void print_help(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s [--root DIR] [--threads N] <command> [options]\n"
            "       %s --version | --help\n"
            "\n"
            "dccd stores crypto market data (OHLC bars, trades, order-book levels)\n"
            "as Apache Parquet files.\n"
            "\n"
            "commands:\n",
            prog, prog);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-11s %-18s %s\n", commands[i].name, commands[i].args, commands[i].summary);
    fprintf(f,
            "\n"
            "DATASET is --exchange NAME --pair PAIR --type ohlc|trades|orderbook\n"
            "[--span SPAN] (span only for ohlc).  Run '%s COMMAND --help' for the\n"
            "options of a command.\n"
            "\n"
            "global options:\n"
            "  --root DIR   store root (default: $DCCD_DATA, else ./data);\n"
            "               may also be given after the command\n"
            "  --threads N  threads decoding and encoding the columns of a row\n"
            "               group (load, export, import, checkpoint, verify...)\n"
            "               and parsing import's input files:\n"
            "               0 = the online CPUs (default: $DCCD_THREADS, else 0),\n"
            "               1 = one thread; files written are the same either way\n"
            "  --version    print the version and exit\n"
            "  --help       print this help and exit\n"
            "\n"
            "exit status: 0 ok, 1 failure, 2 usage error\n",
            prog);
}

/* A thread count: 0 .. DCCD_POOL_MAX_THREADS in decimal; -1 when bad. */
static int parse_threads(const char *s)
{
    if (!s || !*s)
        return -1;
    long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
        if (v > DCCD_POOL_MAX_THREADS)
            return -1;
    }
    return (int)v;
}

int main(int argc, char **argv)
{
    cli_ctx ctx;
    ctx.prog = "dccd";
    ctx.cmd = "";
    const char *env = getenv("DCCD_DATA");
    ctx.root = (env && *env) ? env : "./data";
    ctx.threads = 0;
    const char *tenv = getenv("DCCD_THREADS");
    if (tenv && *tenv) {
        ctx.threads = parse_threads(tenv);
        if (ctx.threads < 0) {
            fprintf(stderr, "%s: DCCD_THREADS='%s': expected 0 (the online CPUs) .. %d\n", ctx.prog, tenv,
                    DCCD_POOL_MAX_THREADS);
            return CLI_USAGE;
        }
    }

    static const struct option opts[] = {
        {"root", required_argument, NULL, 'r'},
        {"threads", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0;
    int c;
    /* '+': stop at the first non-option (the subcommand). */
    while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (!*optarg) {
                fprintf(stderr, "%s: --root needs a non-empty directory\n", ctx.prog);
                return CLI_USAGE;
            }
            ctx.root = optarg;
            break;
        case 't':
            ctx.threads = parse_threads(optarg);
            if (ctx.threads < 0) {
                fprintf(stderr, "%s: --threads '%s': expected 0 (the online CPUs) .. %d\n", ctx.prog, optarg,
                        DCCD_POOL_MAX_THREADS);
                return CLI_USAGE;
            }
            break;
        case 'h':
            print_help(stdout, ctx.prog);
            return CLI_OK;
        case 'V':
            printf("dccd %s\n", DCCD_VERSION);
            return CLI_OK;
        case ':':
            fprintf(stderr, "%s: option '%s' needs an argument\n", ctx.prog, argv[optind - 1]);
            return CLI_USAGE;
        default:
            fprintf(stderr, "%s: unknown option '%s' (try '%s --help')\n", ctx.prog, argv[optind - 1],
                    ctx.prog);
            return CLI_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "%s: no command given\n\n", ctx.prog);
        print_help(stderr, ctx.prog);
        return CLI_USAGE;
    }
    const char *name = argv[optind];
    if (strcmp(name, "help") == 0) {
        print_help(stdout, ctx.prog);
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (commands[i].fn && strcmp(commands[i].name, name) == 0) {
            int sub_argc = argc - optind;
            char **sub_argv = argv + optind;
            ctx.cmd = commands[i].name;
            optind = 0; /* glibc: re-initialise getopt for the subcommand */
            return commands[i].fn(&ctx, sub_argc, sub_argv);
        }
    }
    fprintf(stderr, "%s: unknown command '%s' (try '%s --help')\n", ctx.prog, name, ctx.prog);
    return CLI_USAGE;
}
