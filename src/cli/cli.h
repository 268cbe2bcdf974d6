/*
 * src/cli/cli.h - the small internal interface between the dccd command's
 * front end (main.c: option parsing, root resolution, dispatch) and its
 * subcommands (cmd_*.c).  Not installed; uses only the public dccd headers.
 *
 * Exit codes shared by every subcommand: CLI_OK (0) success, CLI_FAIL (1)
 * an operation failed, CLI_USAGE (2) bad command line.  Data goes to
 * stdout, diagnostics to stderr.
 */
#ifndef DCCD_CLI_H
#define DCCD_CLI_H

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* What the front end resolved before running a subcommand. */
typedef struct cli_ctx {
    const char *prog;  /* "dccd" */
    const char *root;  /* --root, else $DCCD_DATA, else "./data"; may be
                          overridden by the subcommand's own --root */
} cli_ctx;

/* `dccd demo [--root DIR] [--seed N]`: argv[0] is "demo". */
int cli_cmd_demo(cli_ctx *ctx, int argc, char **argv);

#endif /* DCCD_CLI_H */
