/*
 * src/cli/out.h - text writers shared by `export`, `cat` and `inspect`
 * (implemented in out_value.c): CSV fields and JSON strings from
 * length-delimited bytes, doubles printed so they read back exactly, and
 * the readable form of any value of a flat Parquet column (dates,
 * timestamps with their unit, INT96, decimals, UUIDs, float16, binary as
 * hex) for a column description.
 */
#ifndef DCCD_CLI_OUT_H
#define DCCD_CLI_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dccd/parquet.h"

typedef enum out_format { OUT_CSV = 0, OUT_JSONL = 1 } out_format;

/* Shortest text ("%.15g".."%.17g") that strtod reads back as v; "NaN",
 * "inf", "-inf" for non-finite values.  buf >= 32 bytes; returns length. */
int out_fmt_double(double v, char *buf, size_t cap);
/* A CSV field: quoted ("" doubled) when it holds ',', '"', CR, LF, or is
 * empty (so an empty string differs from a null, which is an empty field). */
void out_csv_bytes(FILE *f, const void *s, size_t n);
/* A JSON string literal of n bytes (control characters escaped). */
void out_json_bytes(FILE *f, const void *s, size_t n);
/* True when the n bytes are valid UTF-8. */
bool out_utf8_ok(const uint8_t *s, size_t n);

/* Write the readable form of row `row` of a column (validity is the
 * caller's business) as a CSV field or a JSON value: numbers and booleans
 * bare (JSON: NaN/inf as strings), everything else as text. */
void out_value_write(FILE *f, out_format fmt, const dccd_pq_column_info *ci, const dccd_pq_column *col,
                     size_t row);

/* The raw form of the same value (`dccd cat --raw`; the rules are in
 * out_value.c and docs/dccd.1): integers as stored, binary as base64,
 * floats exactly. */
void out_value_write_raw(FILE *f, out_format fmt, const dccd_pq_column_info *ci, const dccd_pq_column *col,
                         size_t row);
/* Shortest text strtod reads back as exactly v, always with a '.' or an
 * exponent ("-0.0", "1.0", "5e-324"); "NaN", "Infinity", "-Infinity". */
int out_fmt_double_raw(double v, char *buf, size_t cap);

/* Readable text of a statistics value (raw PLAIN bytes of the column's
 * physical type) into buf; falls back to hex when the length is wrong. */
void out_stat_text(const dccd_pq_column_info *ci, const uint8_t *raw, size_t len, char *buf, size_t cap);

/* Name of a legacy ConvertedType value ("UTF8", "TIMESTAMP_MILLIS"...), or
 * NULL. */
const char *out_converted_name(int32_t ct);

#endif /* DCCD_CLI_OUT_H */
