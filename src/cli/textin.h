/*
 * src/cli/textin.h - the text importer's interface: CSV and JSON-lines rows
 * of one data type turned into canonical dccd_table batches, line by line
 * (implemented in textin.c; used by `dccd import` and by the fuzz targets
 * in fuzz/).
 *
 * Columns are matched by header name (CSV: the first line; JSON lines: the
 * keys of each object) against the canonical schema of the type; unknown
 * columns are an error naming them, missing nullable columns are nulls, TS
 * is integer nanoseconds or ISO-8601 UTC.  A malformed line fails with an
 * error naming the input name, the line number and the column; with
 * skip_bad it is counted in cli_textin_rejected() instead and parsing goes
 * on.  Memory is bounded by the rows held until cli_textin_take().
 *
 * A parser is used by one thread at a time; `dccd import` parses the parts
 * of a file in parallel with one forked parser per part
 * (cli_textin_fork), each numbering lines from where its part starts.
 */
#ifndef DCCD_CLI_TEXTIN_H
#define DCCD_CLI_TEXTIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dccd/error.h"
#include "dccd/store.h"

typedef enum cli_text_format { CLI_FMT_CSV = 0, CLI_FMT_JSONL = 1 } cli_text_format;

typedef struct cli_textin cli_textin;

/* name is used in messages ("trades.csv", "<stdin>"); it is copied. */
int cli_textin_open(cli_textin **out, cli_text_format fmt, dccd_data_type type, const char *name, bool skip_bad,
                    dccd_error *err);
/* One input line without its '\n' (a trailing '\r' is ignored).  Empty
 * lines are skipped.  The line need not be NUL-terminated. */
int cli_textin_line(cli_textin *in, const char *line, size_t len, dccd_error *err);
/* Rows parsed and held since the last take. */
size_t cli_textin_rows(const cli_textin *in);
/* Move the rows held into *out (an owned table of the type's canonical
 * schema; 0 rows when none) and start a new batch. */
int cli_textin_take(cli_textin *in, dccd_table *out, dccd_error *err);
/* Parallel parsing of one input (cmd_import.c): a parser for a later part
 * of it, with the same format, type, name and skip_bad and, for CSV, the
 * header tmpl has read (tmpl must be ready); no rows, counters zero.  tmpl
 * is only read, so several threads may fork it at once. */
int cli_textin_fork(const cli_textin *tmpl, cli_textin **out, dccd_error *err);
/* The next record is on physical line lines_before + 1 (for messages). */
void cli_textin_seek(cli_textin *in, int64_t lines_before);
/* The caller knows the CSV records that follow hold no '"' (a part of a
 * file without one): fields are split at commas only.  Records with a
 * quote must not be given while it is set. */
void cli_textin_plain(cli_textin *in, bool plain);
/* Physical lines seen so far (the number the next record's line follows). */
int64_t cli_textin_lineno(const cli_textin *in);
/* True when data records come next: JSON lines always, CSV once the header
 * has been read. */
bool cli_textin_ready(const cli_textin *in);
/* Totals since open: data lines read, and lines rejected under skip_bad. */
int64_t cli_textin_lines(const cli_textin *in);
int64_t cli_textin_rejected(const cli_textin *in);
/* Message of the last line rejected under skip_bad ("" when none). */
const char *cli_textin_last_error(const cli_textin *in);
void cli_textin_close(cli_textin *in);

#endif /* DCCD_CLI_TEXTIN_H */
