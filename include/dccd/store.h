/*
 * dccd/store.h - the market-data store: OHLC bars, trades and order-book
 * levels in Parquet files, laid out and merged exactly as the seed's Python
 * ParquetStore, with a write-ahead log so a save costs the batch, not the
 * file.  See docs/STORE.md for the design.
 *
 * Data flows as dccd_table values: one dccd_pq_column per column of the
 * data type's canonical schema, in canonical order:
 *
 *   OHLC      TS int64, open, high, low, close, volume, quote_volume double,
 *             trades int64
 *   trades    TS int64, price, amount double, side string, tid string
 *   orderbook TS int64, side string, price, amount double, count int64,
 *             is_snapshot boolean
 *
 * Every column may hold nulls (validity), as in the seed's files; a save
 * refuses bad rows (TS < 0 or null, NaN/infinite prices or amounts, negative
 * amounts, unknown sides) before writing anything.
 *
 * Thread safety: a dccd_store may be shared by any number of threads; saves
 * and checkpoints of one period are serialised across threads and processes
 * (in-process mutex + flock), everything else runs concurrently.
 */
#ifndef DCCD_STORE_H
#define DCCD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dccd/domain.h"
#include "dccd/error.h"
#include "dccd/parquet.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- canonical schemas and tables -------------------------------------- */

#define DCCD_MAX_COLS 8

int dccd_schema_ncols(dccd_data_type type);
const char *dccd_schema_col_name(dccd_data_type type, int col);
dccd_pq_type dccd_schema_col_type(dccd_data_type type, int col);
/* Index of a canonical column by name, -1 if none. */
int dccd_schema_col_index(dccd_data_type type, const char *name);

typedef struct dccd_table {
    dccd_data_type type;
    size_t nrows;
    int ncols;                          /* dccd_schema_ncols(type) */
    dccd_pq_column cols[DCCD_MAX_COLS];  /* canonical order, each with n == nrows */
    bool owned;                          /* true: dccd_table_free releases the columns */
} dccd_table;

/* An empty owned table of the type's schema (0 rows). */
void dccd_table_init(dccd_table *t, dccd_data_type type);
/* Release an owned table's memory (no-op for borrowed tables); leaves it empty. */
void dccd_table_free(dccd_table *t);

/* A snapshot of an order book, flattened by dccd_book_flatten into level
 * rows exactly as the seed does: bids first (side "bid"), then asks ("ask"),
 * each row carrying the snapshot's TS and is_snapshot. */
typedef struct dccd_book_level {
    double price;
    double amount;
    int64_t count;
    bool has_count;   /* false: count is null */
} dccd_book_level;

typedef struct dccd_book_snapshot {
    int64_t ts;
    const dccd_book_level *bids;
    size_t n_bids;
    const dccd_book_level *asks;
    size_t n_asks;
    bool is_snapshot;
} dccd_book_snapshot;

int dccd_book_flatten(const dccd_book_snapshot *snaps, size_t n, dccd_table *out, dccd_error *err);

/* ---- the store ---------------------------------------------------------- */

typedef struct dccd_store dccd_store;

typedef void (*dccd_warn_fn)(void *ctx, const char *message);

typedef struct dccd_store_options {
    dccd_pq_codec codec;          /* period files and segments; default SNAPPY (seed) */
    int compression_level;        /* 0 = codec default */
    size_t row_group_rows;        /* target rows per row group; default 262144 (polars' default) */
    int64_t checkpoint_rows;      /* fold a period once it has this many pending rows; default 262144 */
    int64_t checkpoint_age_ns;    /* ... or when its oldest segment is older; default 10 minutes */
    size_t checkpoint_segments;   /* ... or when it has this many segments (0 = no limit); default 256 */
    bool sync_checkpoint;         /* every save folds at once (seed visibility); default false */
    bool durable;                 /* fsync files and directories; default true */
    int threads;                  /* threads decoding and encoding the columns of a row group
                                   * (load, scan, export, checkpoints, saves): 0 = the online
                                   * CPUs (default), 1 = everything on the calling thread;
                                   * the files written are the same whatever the count */
    dccd_warn_fn warn;            /* warnings (a corrupt file skipped by load); NULL = stderr */
    void *warn_ctx;
} dccd_store_options;

void dccd_store_options_init(dccd_store_options *o);

/* Open (creating the root directory if needed). */
int dccd_store_open(const char *root, const dccd_store_options *opts, dccd_store **out, dccd_error *err);
/* Close the handle.  A scan stream still open (dccd/arrow.h) keeps the
 * store alive until it is released; no other call may follow close. */
void dccd_store_close(dccd_store *s);
const char *dccd_store_root(const dccd_store *s);

/* Directory of a dataset (ROOT/EXCHANGE/ohlc/SLUG/SPAN...) into buf; creates
 * it when `create` is set.  DCCD_EINVAL for OHLC without a span. */
int dccd_store_directory(dccd_store *s, const dccd_dataset *ds, bool create, char *buf, size_t cap,
                         dccd_error *err);

/* Save a batch (canonical columns of ds->type, borrowed).  *rows_written =
 * incoming row count (the seed's return value).  prov may be NULL: the
 * period file's existing provenance is then kept.  A batch spanning
 * periods is saved period by period in period order; when one fails, the
 * periods before it stay saved (durable, visible) and *rows_written is
 * their row count (0 when the batch was refused before anything was
 * written). */
int dccd_store_save(dccd_store *s, const dccd_dataset *ds, const dccd_table *batch, const dccd_provenance *prov,
                    int64_t *rows_written, dccd_error *err);

/* dccd_store_save that, with drop_bad, leaves out the rows dccd_store_save
 * would refuse (each row checked alone) and saves the rest in their order:
 * *rows_dropped counts them and *first_bad (may be NULL) says which was the
 * first and why ("row 7, field 'close': NaN is not allowed").
 * *rows_written counts the rows saved.  Without drop_bad it is
 * dccd_store_save. */
int dccd_store_save_lenient(dccd_store *s, const dccd_dataset *ds, const dccd_table *batch, const dccd_provenance *prov,
                            bool drop_bad, int64_t *rows_written, int64_t *rows_dropped, dccd_error *first_bad,
                            dccd_error *err);

/* Rows with start <= TS <= end (inclusive), sorted by TS, merged with
 * pending segments.  DCCD_TS_MIN / DCCD_TS_MAX for open ends.  *out is an
 * owned table (0 rows when nothing matches). */
#define DCCD_TS_MIN INT64_MIN
#define DCCD_TS_MAX INT64_MAX
int dccd_store_load(dccd_store *s, const dccd_dataset *ds, int64_t start, int64_t end, dccd_table *out,
                    dccd_error *err);

/* Streaming load: calls cb with consecutive chunks (each sorted, together
 * in TS order) of at most about one row group; memory is bounded by a row
 * group whatever the range.  The chunk is valid only during the call; a
 * non-zero return from cb stops the scan and is returned. */
typedef int (*dccd_scan_fn)(void *ctx, const dccd_table *chunk, dccd_error *err);
int dccd_store_scan(dccd_store *s, const dccd_dataset *ds, int64_t start, int64_t end, dccd_scan_fn cb, void *ctx,
                    dccd_error *err);

/* The same, handing each chunk over: *chunk is an owned table that the
 * callback may keep (dccd_table_move it into a table of its own) or leave
 * to the scan, which frees what is left.  No chunk is copied on the way. */
typedef int (*dccd_scan_take_fn)(void *ctx, dccd_table *chunk, dccd_error *err);
int dccd_store_scan_take(dccd_store *s, const dccd_dataset *ds, int64_t start, int64_t end, dccd_scan_take_fn cb,
                         void *ctx, dccd_error *err);
/* dccd_store_scan reading ahead: a reader thread decodes up to readahead
 * chunks (0 = 2) ahead of cb, which runs on the calling thread with the
 * chunks in order, as in dccd_store_scan.  For consumers with work of
 * their own per chunk (export encoding a file): decode and consumer
 * overlap.  A non-zero return from cb stops the reader and is returned. */
int dccd_store_scan_ahead(dccd_store *s, const dccd_dataset *ds, int64_t start, int64_t end, unsigned readahead,
                          dccd_scan_fn cb, void *ctx, dccd_error *err);
/* Every chunk of a scan, kept as the scan made them (*chunks malloc'd, n
 * owned tables: free each with dccd_table_free, then the array): a load
 * without the concatenation. */
int dccd_store_load_chunks(dccd_store *s, const dccd_dataset *ds, int64_t start, int64_t end, dccd_table **chunks,
                           size_t *n, dccd_error *err);
/* Move src's contents into dst (dst freed first); src is left empty. */
void dccd_table_move(dccd_table *dst, dccd_table *src);

/* Last TS of the dataset; *found false when there is no data.  From
 * footers and segment footers, never a column scan. */
int dccd_store_last_timestamp(dccd_store *s, const dccd_dataset *ds, bool *found, int64_t *ts, dccd_error *err);

typedef struct dccd_interval {
    int64_t start, end;
} dccd_interval;

/* The seed's missing_intervals contract (see docs/STORE.md); *out malloc'd. */
int dccd_store_missing_intervals(dccd_store *s, const dccd_dataset *ds, int64_t start, int64_t end,
                                 dccd_interval **out, size_t *n, dccd_error *err);

/* Internal gaps: every pair of consecutive TS in [start, end] further apart
 * than min_gap_ns (for OHLC callers pass N spans).  Reads only the TS
 * column of the row groups in range.  Each interval is (prev_ts, next_ts). */
int dccd_store_holes(dccd_store *s, const dccd_dataset *ds, int64_t start, int64_t end, int64_t min_gap_ns,
                     dccd_interval **out, size_t *n, dccd_error *err);

typedef struct dccd_inventory_entry {
    char exchange[256];
    char pair[256];            /* the pair directory name (slug) */
    dccd_data_type type;
    int64_t span;              /* seconds; 0 for non-OHLC; -1 when the label is unknown */
    char span_dir[256];        /* OHLC: the span directory's own name ("1h", "3600s", "hourly"...,
                                * which may give one span); "" for non-OHLC */
    size_t files;              /* period files */
    int64_t rows;              /* rows in period files + pending segments (upper bound before de-dup) */
    bool has_ts;
    int64_t min_ts, max_ts;
    size_t pending_segments;
    int64_t pending_rows;
    int64_t bytes;             /* bytes of period files */
} dccd_inventory_entry;

/* Every dataset in the store, sorted as the seed sorts them. *out malloc'd. */
int dccd_store_inventory(dccd_store *s, dccd_inventory_entry **out, size_t *n, dccd_error *err);

/* Provenance in a Parquet file's footer (dccd.provenance); *found false if
 * absent.  out must be freed with dccd_provenance_free. */
int dccd_read_provenance(const char *path, dccd_provenance *out, bool *found, dccd_error *err);

typedef struct dccd_checkpoint_report {
    size_t periods;          /* period files replaced */
    size_t segments;         /* segments folded */
    int64_t rows;            /* segment rows folded */
    size_t row_groups_copied;    /* row groups copied raw */
    size_t row_groups_rewritten; /* row groups decoded and re-encoded */
} dccd_checkpoint_report;

/* Fold pending segments of one dataset (ds != NULL) or of the whole store. */
int dccd_store_checkpoint(dccd_store *s, const dccd_dataset *ds, dccd_checkpoint_report *rep, dccd_error *err);


/* ---- maintenance ---------------------------------------------------------- */

/* Period files of one dataset, sorted by period, as paths relative to the
 * root ("EXCHANGE/ohlc/SLUG/1m/2024.parquet").  *paths is a malloc'd array
 * of malloc'd strings; free with dccd_strv_free. */
int dccd_store_list_files(dccd_store *s, const dccd_dataset *ds, char ***paths, size_t *n, dccd_error *err);
void dccd_strv_free(char **v, size_t n);

/* Called once per file examined by migrate and verify: path relative to the
 * root; message NULL when the file needed nothing / had no problem,
 * otherwise what was (or would be) done, or the problem found. */
typedef void (*dccd_file_fn)(void *ctx, const char *path, const char *message);

typedef struct dccd_migrate_report {
    size_t files;        /* period files examined */
    size_t legacy;       /* of them, not in the canonical v3 schema */
    size_t migrated;     /* rewritten (0 on a dry run) */
    int64_t rows;        /* rows in the legacy files */
} dccd_migrate_report;

/* Rewrite legacy v2 period files of one dataset (ds != NULL) or of the
 * whole store into the canonical v3 schema, in place and atomically
 * (pending segments are folded first).  dry_run: report only.  A file that
 * cannot be read is reported, left untouched, and makes the call return
 * DCCD_ECORRUPT after the other files were processed. */
int dccd_store_migrate(dccd_store *s, const dccd_dataset *ds, bool dry_run, dccd_file_fn cb, void *ctx,
                       dccd_migrate_report *rep, dccd_error *err);

typedef struct dccd_verify_report {
    size_t files;        /* period files checked */
    size_t segments;     /* pending segments checked */
    int64_t rows;
    size_t problems;     /* problems reported through cb */
} dccd_verify_report;

/* Read every period file and pending segment of one dataset (ds != NULL)
 * or of the whole store and check that it decodes, has the canonical
 * schema, is sorted by TS, has no duplicate natural keys and sits in the
 * right period file.  Each problem goes to cb; returns DCCD_OK when the
 * check ran (rep->problems says whether anything was wrong). */
int dccd_store_verify(dccd_store *s, const dccd_dataset *ds, dccd_file_fn cb, void *ctx, dccd_verify_report *rep,
                      dccd_error *err);

#ifdef __cplusplus
}
#endif
#endif /* DCCD_STORE_H */
