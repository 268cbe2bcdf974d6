/*
 * src/cli/cmd_maint.c - PLACEHOLDER for: checkpoint migrate verify (being implemented; each
 * prints "not implemented yet" and fails with exit status 1).
 */
#include "cli.h"

int cli_cmd_checkpoint(cli_ctx *ctx, int argc, char **argv)
{
    (void)argc, (void)argv;
    cli_msg(ctx, "not implemented yet");
    return CLI_FAIL;
}

int cli_cmd_migrate(cli_ctx *ctx, int argc, char **argv)
{
    (void)argc, (void)argv;
    cli_msg(ctx, "not implemented yet");
    return CLI_FAIL;
}

int cli_cmd_verify(cli_ctx *ctx, int argc, char **argv)
{
    (void)argc, (void)argv;
    cli_msg(ctx, "not implemented yet");
    return CLI_FAIL;
}
