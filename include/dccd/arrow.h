/*
 * dccd/arrow.h - the Apache Arrow C Data Interface and C Stream Interface
 * for dccd tables: a producer for load and scan, a consumer for save.
 *
 * The three structures below are the ABI defined by the Arrow
 * specification ("The Arrow C data interface", "The Arrow C stream
 * interface"), guarded by the macros the specification names, so this
 * header can be included together with arrow/c/abi.h or nanoarrow.
 *
 * Canonical tables travel as a struct array ("+s") with one child per
 * canonical column, every child nullable:
 *
 *   TS, trades, count     int64      "l"
 *   open ... amount       float64    "g"
 *   side, tid             large_utf8 "U" (int64 offsets: dccd's own layout)
 *   is_snapshot           bool       "b"
 *
 * Producer (dccd_arrow_export_*): the table's value, offset and string
 * buffers move into the ArrowArray and are freed by its release callback;
 * fixed-width columns and strings are never copied.  Validity (dccd keeps a
 * byte per row) is packed into an Arrow bitmap and booleans are packed
 * into bits, so those two are built anew.
 *
 * Consumer (dccd_arrow_import): columns are matched by name; a missing
 * nullable column (quote_volume, trades, tid, count) is filled with nulls;
 * an extra column, a missing required column or a type dccd cannot take is
 * an error naming the column.  Accepted formats: TS int64 "l", int32 "i",
 * or timestamp[ns] "tsn:..." (the stored integer is the nanosecond count);
 * other integers "l"/"i"; floats "g"/"f"; strings "u", "U", "vu" (string
 * view, what polars exports), "z"/"Z" never; bool "b".  Int64 and float64
 * buffers at offset 0 are borrowed, not copied.
 *
 * Thread safety: exported arrays and streams follow the Arrow rules (one
 * consumer; release may be called from any thread).  A scan stream keeps
 * its store alive: dccd_store_close may be called while it is open.
 */
#ifndef DCCD_ARROW_H
#define DCCD_ARROW_H

#include <stdint.h>

#include "dccd/error.h"
#include "dccd/store.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

struct ArrowSchema {
    const char *format;
    const char *name;
    const char *metadata;
    int64_t flags;
    int64_t n_children;
    struct ArrowSchema **children;
    struct ArrowSchema *dictionary;
    void (*release)(struct ArrowSchema *);
    void *private_data;
};

struct ArrowArray {
    int64_t length;
    int64_t null_count;
    int64_t offset;
    int64_t n_buffers;
    int64_t n_children;
    const void **buffers;
    struct ArrowArray **children;
    struct ArrowArray *dictionary;
    void (*release)(struct ArrowArray *);
    void *private_data;
};

#endif /* ARROW_C_DATA_INTERFACE */

#ifndef ARROW_C_STREAM_INTERFACE
#define ARROW_C_STREAM_INTERFACE

struct ArrowArrayStream {
    int (*get_schema)(struct ArrowArrayStream *, struct ArrowSchema *out);
    int (*get_next)(struct ArrowArrayStream *, struct ArrowArray *out);
    const char *(*get_last_error)(struct ArrowArrayStream *);
    void (*release)(struct ArrowArrayStream *);
    void *private_data;
};

#endif /* ARROW_C_STREAM_INTERFACE */

/* The canonical schema of a data type as an Arrow struct schema. */
int dccd_arrow_schema(dccd_data_type type, struct ArrowSchema *out, dccd_error *err);

/* Export an owned table as a struct array.  The table's buffers move into
 * the array (the table is left empty); on failure the table is unchanged. */
int dccd_arrow_export_table(dccd_table *t, struct ArrowArray *out, dccd_error *err);

/* A stream over n owned tables of one type, moved in (each one batch, in
 * order; empty tables are skipped).  On failure the tables are freed. */
int dccd_arrow_stream_tables(dccd_data_type type, dccd_table *tables, size_t n, struct ArrowArrayStream *out,
                             dccd_error *err);

/* dccd_store_scan as a stream: a reader thread runs the scan and keeps up
 * to `readahead` chunks decoded ahead of the consumer (0 = 2), so memory
 * stays bounded by a few row groups whatever the range.  Errors of the
 * scan come back from get_next (EIO, ENOMEM, EINVAL) with get_last_error
 * naming the cause.  Releasing the stream early stops the reader. */
int dccd_store_scan_arrow(dccd_store *s, const dccd_dataset *ds, int64_t start, int64_t end, unsigned readahead,
                          struct ArrowArrayStream *out, dccd_error *err);

/* All chunks of a load, as a stream (no concatenation: one batch per
 * chunk).  Runs the scan to completion before returning. */
int dccd_store_load_arrow(dccd_store *s, const dccd_dataset *ds, int64_t start, int64_t end,
                          struct ArrowArrayStream *out, dccd_error *err);

/* Import one struct array as a canonical table of `type`.  The table
 * borrows from `array` (which must stay alive and unreleased) and from
 * *keep, conversion buffers freed by dccd_arrow_keep_free.  The table's
 * `owned` is false: do not dccd_table_free it. */
int dccd_arrow_import(dccd_data_type type, const struct ArrowSchema *schema, const struct ArrowArray *array,
                      dccd_table *out, void **keep, dccd_error *err);
void dccd_arrow_keep_free(void *keep);

/* Save every batch of a stream as one save (the batches are concatenated;
 * a single batch is saved from the stream's own buffers).  The stream is
 * consumed but not released.  bad rows: see dccd_store_save_lenient. */
int dccd_store_save_arrow(dccd_store *s, const dccd_dataset *ds, struct ArrowArrayStream *stream,
                          const dccd_provenance *prov, bool drop_bad, int64_t *rows_written, int64_t *rows_dropped,
                          dccd_error *first_bad, dccd_error *err);

#ifdef __cplusplus
}
#endif
#endif /* DCCD_ARROW_H */
