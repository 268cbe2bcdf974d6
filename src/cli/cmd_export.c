/*
 * src/cli/cmd_export.c - PLACEHOLDER for: export (being implemented; each
 * prints "not implemented yet" and fails with exit status 1).
 */
#include "cli.h"

int cli_cmd_export(cli_ctx *ctx, int argc, char **argv)
{
    (void)argc, (void)argv;
    cli_msg(ctx, "not implemented yet");
    return CLI_FAIL;
}
