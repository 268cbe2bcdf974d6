/*
 * src/cli/common.c - helpers shared by every subcommand of the dccd
 * command: diagnostics with the "dccd CMD: " prefix, the dataset options
 * (--exchange/--pair/--type/--span/--root) and their validation through the
 * domain layer, time and count arguments, opening the store, human
 * formatting of times and sizes, JSON string output, and the progress bar
 * (stderr, only when it is a terminal, redrawn at most ten times a second).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

void cli_msg(const cli_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s %s: ", ctx->prog, ctx->cmd ? ctx->cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_fail(const cli_ctx *ctx, const char *what, const dccd_error *err)
{
    if (what && *what)
        cli_msg(ctx, "%s: %s", what, err->msg[0] ? err->msg : dccd_code_name(err->code));
    else
        cli_msg(ctx, "%s", err->msg[0] ? err->msg : dccd_code_name(err->code));
    return CLI_FAIL;
}

int cli_usage(const cli_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s %s: ", ctx->prog, ctx->cmd ? ctx->cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\ntry '%s %s --help'\n", ctx->prog, ctx->cmd ? ctx->cmd : "");
    return CLI_USAGE;
}

int cli_dataset_opt(cli_ctx *ctx, cli_dataset_opts *o, int c, const char *arg)
{
    switch (c) {
    case CLI_OPT_ROOT:
        ctx->root = arg;
        return 1;
    case CLI_OPT_EXCHANGE:
        o->exchange = arg;
        return 1;
    case CLI_OPT_PAIR:
        o->pair = arg;
        return 1;
    case CLI_OPT_TYPE:
        o->type = arg;
        return 1;
    case CLI_OPT_SPAN:
        o->span = arg;
        return 1;
    default:
        return 0;
    }
}

bool cli_dataset_given(const cli_dataset_opts *o)
{
    return o->exchange || o->pair || o->type || o->span;
}

int cli_dataset_resolve(const cli_ctx *ctx, const cli_dataset_opts *o, dccd_dataset *out)
{
    dccd_error err;
    if (!o->exchange)
        return cli_usage(ctx, "missing --exchange");
    if (!o->pair)
        return cli_usage(ctx, "missing --pair");
    if (!o->type)
        return cli_usage(ctx, "missing --type (ohlc, trades or orderbook)");
    dccd_data_type type;
    if (dccd_data_type_from_name(o->type, &type, &err) != DCCD_OK)
        return cli_usage(ctx, "bad --type '%s': %s", o->type, err.msg);
    int64_t span = 0;
    if (type == DCCD_OHLC) {
        if (!o->span)
            return cli_usage(ctx, "--type ohlc needs --span (e.g. 1m, 1h, 3600)");
        if (dccd_span_parse(o->span, &span, &err) != DCCD_OK)
            return cli_usage(ctx, "bad --span '%s': %s", o->span, err.msg);
    } else if (o->span) {
        return cli_usage(ctx, "--span applies only to --type ohlc");
    }
    dccd_symbol sym;
    if (dccd_symbol_parse(o->pair, &sym, &err) != DCCD_OK)
        return cli_usage(ctx, "bad --pair '%s': %s", o->pair, err.msg);
    if (dccd_dataset_init(out, o->exchange, &sym, type, span, &err) != DCCD_OK)
        return cli_usage(ctx, "bad dataset: %s", err.msg);
    return CLI_OK;
}

int cli_parse_time(const cli_ctx *ctx, const char *optname, const char *text, int64_t *out)
{
    dccd_error err;
    if (dccd_time_parse(text, out, &err) != DCCD_OK)
        return cli_usage(ctx, "bad time for --%s: %s", optname, err.msg);
    return CLI_OK;
}

int cli_parse_count(const cli_ctx *ctx, const char *optname, const char *text, int64_t min, int64_t *out)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (!*text || *end || errno == ERANGE || v < min || text[0] == '-' || text[0] == '+' || text[0] == ' ')
        return cli_usage(ctx, "bad value for --%s: '%s' (an integer >= %" PRId64 ")", optname, text, min);
    *out = (int64_t)v;
    return CLI_OK;
}

int cli_open_store(const cli_ctx *ctx, dccd_store **out)
{
    dccd_error err;
    dccd_store_options o;
    dccd_store_options_init(&o);
    o.threads = ctx->threads;
    if (dccd_store_open(ctx->root, &o, out, &err) != DCCD_OK) {
        cli_msg(ctx, "cannot open store '%s': %s", ctx->root, err.msg);
        return CLI_FAIL;
    }
    return CLI_OK;
}

void cli_fmt_time(int64_t ts, char *buf, size_t cap)
{
    if (dccd_time_format(ts, buf, cap, NULL) != DCCD_OK)
        snprintf(buf, cap, "%" PRId64, ts);
}

void cli_fmt_size(int64_t bytes, char *buf, size_t cap)
{
    static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    if (bytes < 1024) {
        snprintf(buf, cap, "%" PRId64 " B", bytes);
        return;
    }
    double v = (double)bytes;
    int u = 0;
    while (v >= 1024.0 && u < 5) {
        v /= 1024.0;
        u++;
    }
    snprintf(buf, cap, "%.1f %s", v, units[u]);
}

void cli_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\r':
            fputs("\\r", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

static int64_t mono_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void progress_draw(cli_progress *p)
{
    if (p->total > 0) {
        int width = 30;
        int64_t done = p->done > p->total ? p->total : p->done;
        int fill = (int)(done * width / p->total);
        fprintf(stderr, "\r%-24.24s [", p->label);
        for (int i = 0; i < width; i++)
            fputc(i < fill ? '#' : '.', stderr);
        fprintf(stderr, "] %3d%% %" PRId64 "/%" PRId64, (int)(done * 100 / p->total), done, p->total);
    } else {
        fprintf(stderr, "\r%-24.24s %" PRId64, p->label, p->done);
    }
    fflush(stderr);
}

void cli_progress_start(cli_progress *p, const char *label, int64_t total)
{
    p->on = isatty(STDERR_FILENO) != 0;
    p->label = label;
    p->total = total;
    p->done = 0;
    p->last_draw_ns = 0;
    if (p->on)
        progress_draw(p);
}

void cli_progress_update(cli_progress *p, int64_t done)
{
    if (!p->on)
        return;
    p->done = done;
    int64_t now = mono_ns();
    if (now - p->last_draw_ns < 100000000 && done != p->total)
        return;
    p->last_draw_ns = now;
    progress_draw(p);
}

void cli_progress_end(cli_progress *p)
{
    if (p->on)
        fprintf(stderr, "\r%78s\r", "");
    p->on = false;
}
