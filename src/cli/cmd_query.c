/*
 * src/cli/cmd_query.c - PLACEHOLDER for: last gaps inventory provenance (being implemented; each
 * prints "not implemented yet" and fails with exit status 1).
 */
#include "cli.h"

int cli_cmd_last(cli_ctx *ctx, int argc, char **argv)
{
    (void)argc, (void)argv;
    cli_msg(ctx, "not implemented yet");
    return CLI_FAIL;
}

int cli_cmd_gaps(cli_ctx *ctx, int argc, char **argv)
{
    (void)argc, (void)argv;
    cli_msg(ctx, "not implemented yet");
    return CLI_FAIL;
}

int cli_cmd_inventory(cli_ctx *ctx, int argc, char **argv)
{
    (void)argc, (void)argv;
    cli_msg(ctx, "not implemented yet");
    return CLI_FAIL;
}

int cli_cmd_provenance(cli_ctx *ctx, int argc, char **argv)
{
    (void)argc, (void)argv;
    cli_msg(ctx, "not implemented yet");
    return CLI_FAIL;
}
