/*
 * dccd/parquet.h - a self-contained Apache Parquet reader and writer for
 * flat (non-nested) schemas.
 *
 * Data is columnar: a dccd_pq_column holds one column of one row group (or
 * one batch) as a dense array of values with one slot per row, plus an
 * optional validity array.  No per-row objects.
 *
 * Reading:
 *     dccd_pq_file *f;
 *     dccd_pq_open(path, &f, &err);
 *     for each row group rg, for each wanted column c:
 *         dccd_pq_column col;
 *         dccd_pq_read_column(f, rg, c, &col, &err);
 *         ... use col ...
 *         dccd_pq_column_free(&col);
 *     dccd_pq_close(f);
 *   Memory is bounded by one column chunk at a time; the file itself is not
 *   held in memory (reads use pread on the descriptor).
 *
 * Writing:
 *     dccd_pq_writer *w;
 *     dccd_pq_writer_open(path, schema, ncols, &opts, &w, &err);
 *     dccd_pq_writer_write(w, cols, nrows, &err);   (any number of times)
 *     dccd_pq_writer_copy_row_group(w, src, rg, &err); (raw copy, no decode)
 *     dccd_pq_writer_close(w, &err);   writes the footer; the file is valid
 *                                       only after this returns DCCD_OK.
 *   dccd_pq_writer_abort() discards a writer (and, for a path writer,
 *   removes the partial file).  A partial file never has the trailing
 *   "PAR1" magic, so no reader takes it for complete.
 *
 * Thread safety: distinct handles may be used from distinct threads freely.
 * One dccd_pq_file may be read from several threads at once (reads are
 * pread-based and the parsed footer is immutable); a writer is used by one
 * thread at a time.
 */
#ifndef DCCD_PARQUET_H
#define DCCD_PARQUET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dccd/error.h"
#include "dccd/pool.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Physical types, numbered as in parquet.thrift. */
typedef enum dccd_pq_type {
    DCCD_PQ_BOOLEAN = 0,
    DCCD_PQ_INT32 = 1,
    DCCD_PQ_INT64 = 2,
    DCCD_PQ_INT96 = 3,
    DCCD_PQ_FLOAT = 4,
    DCCD_PQ_DOUBLE = 5,
    DCCD_PQ_BYTE_ARRAY = 6,
    DCCD_PQ_FIXED_LEN_BYTE_ARRAY = 7
} dccd_pq_type;

/* Compression codecs, numbered as in parquet.thrift. */
typedef enum dccd_pq_codec {
    DCCD_PQ_UNCOMPRESSED = 0,
    DCCD_PQ_SNAPPY = 1,
    DCCD_PQ_GZIP = 2,
    DCCD_PQ_LZO = 3,
    DCCD_PQ_BROTLI = 4,
    DCCD_PQ_LZ4 = 5,
    DCCD_PQ_ZSTD = 6,
    DCCD_PQ_LZ4_RAW = 7
} dccd_pq_codec;

/* Encodings, numbered as in parquet.thrift. */
typedef enum dccd_pq_encoding {
    DCCD_PQ_ENC_PLAIN = 0,
    DCCD_PQ_ENC_PLAIN_DICTIONARY = 2,
    DCCD_PQ_ENC_RLE = 3,
    DCCD_PQ_ENC_BIT_PACKED = 4,
    DCCD_PQ_ENC_DELTA_BINARY_PACKED = 5,
    DCCD_PQ_ENC_DELTA_LENGTH_BYTE_ARRAY = 6,
    DCCD_PQ_ENC_DELTA_BYTE_ARRAY = 7,
    DCCD_PQ_ENC_RLE_DICTIONARY = 8,
    DCCD_PQ_ENC_BYTE_STREAM_SPLIT = 9
} dccd_pq_encoding;

/* Logical type surfaced to the caller: the LogicalType union when present,
 * else derived from the legacy ConvertedType. */
typedef enum dccd_pq_logical {
    DCCD_PQ_LOG_NONE = 0,
    DCCD_PQ_LOG_STRING,      /* UTF8 */
    DCCD_PQ_LOG_ENUM,
    DCCD_PQ_LOG_JSON,
    DCCD_PQ_LOG_BSON,
    DCCD_PQ_LOG_UUID,
    DCCD_PQ_LOG_DECIMAL,     /* precision, scale */
    DCCD_PQ_LOG_DATE,        /* days since epoch */
    DCCD_PQ_LOG_TIME,        /* unit, utc */
    DCCD_PQ_LOG_TIMESTAMP,   /* unit, utc */
    DCCD_PQ_LOG_INTEGER,     /* bit_width, is_signed */
    DCCD_PQ_LOG_FLOAT16,
    DCCD_PQ_LOG_INTERVAL,
    DCCD_PQ_LOG_UNKNOWN      /* a logical type dccd does not know: values are raw */
} dccd_pq_logical;

typedef enum dccd_pq_time_unit {
    DCCD_PQ_MILLIS = 0,
    DCCD_PQ_MICROS = 1,
    DCCD_PQ_NANOS = 2
} dccd_pq_time_unit;

/* Description of one leaf column. */
typedef struct dccd_pq_column_info {
    const char *name;         /* leaf name (dotted path for a flat file is the name) */
    dccd_pq_type type;
    int32_t type_length;      /* FIXED_LEN_BYTE_ARRAY width, else 0 */
    bool optional;            /* true: may hold nulls (definition level 1) */
    dccd_pq_logical logical;
    int32_t converted_type;   /* raw ConvertedType from the footer, -1 if absent */
    int32_t precision, scale; /* DECIMAL */
    dccd_pq_time_unit unit;   /* TIME/TIMESTAMP */
    bool utc;                 /* TIME/TIMESTAMP isAdjustedToUTC */
    int32_t bit_width;        /* INTEGER: 8, 16, 32, 64 */
    bool is_signed;           /* INTEGER */
} dccd_pq_column_info;

/* A column of values in memory.
 *
 *   type BOOLEAN              values: uint8_t[n], 0 or 1
 *   type INT32                values: int32_t[n]
 *   type INT64                values: int64_t[n]
 *   type INT96                values: uint8_t[n*12] (raw little-endian)
 *   type FLOAT / DOUBLE       values: float[n] / double[n]
 *   type FIXED_LEN_BYTE_ARRAY values: uint8_t[n*type_length]
 *   type BYTE_ARRAY           offsets: int64_t[n+1], data: uint8_t[offsets[n]];
 *                             value i is data[offsets[i] .. offsets[i+1])
 *
 * validity is NULL when every row is valid; otherwise uint8_t[n] with 1 for a
 * value and 0 for a null.  A null row still has a slot in values (zeroed) and
 * an empty range in offsets.
 *
 * Columns returned by the reader own their memory: free them with
 * dccd_pq_column_free, never free() on their buffers, because large values
 * and offsets arrays are page mappings of their own (`mapped` says which).
 * Columns passed to the writer are borrowed.  A column a caller fills with
 * malloc'd buffers has mapped = 0 (zero-initialise it), and
 * dccd_pq_column_free frees those with free(). */
#define DCCD_PQ_MAPPED_VALUES 1u  /* values is a dccd mapping */
#define DCCD_PQ_MAPPED_OFFSETS 2u /* offsets is a dccd mapping */
typedef struct dccd_pq_column {
    dccd_pq_type type;
    int32_t type_length;
    size_t n;
    void *values;
    int64_t *offsets;
    uint8_t *data;
    uint8_t *validity;
    size_t null_count;
    unsigned mapped; /* DCCD_PQ_MAPPED_* bits, set by dccd */
} dccd_pq_column;

void dccd_pq_column_free(dccd_pq_column *col);

/* Chunk statistics, already checked for a valid sort order: has_min/has_max
 * are set only when the statistics are trustworthy for the column's type
 * (min_value/max_value, or the legacy min/max where the signed order is the
 * right one).  min/max point into the file handle's memory, raw PLAIN bytes
 * (little-endian for numbers, the bytes for strings). */
typedef struct dccd_pq_stats {
    bool has_min, has_max;
    const uint8_t *min, *max;
    size_t min_len, max_len;
    bool has_null_count;
    int64_t null_count;
    bool has_distinct_count;
    int64_t distinct_count;
} dccd_pq_stats;

/* Description of one column chunk. */
typedef struct dccd_pq_chunk_info {
    dccd_pq_codec codec;
    int n_encodings;
    dccd_pq_encoding encodings[16];  /* first 16 encodings listed in the footer */
    int64_t num_values;
    int64_t total_compressed_size;
    int64_t total_uncompressed_size;
    int64_t data_page_offset;
    int64_t dictionary_page_offset;  /* -1 if absent */
    int64_t file_offset;             /* start of the chunk's first page */
    dccd_pq_stats stats;
    bool has_bloom_filter;
    int64_t bloom_filter_offset, bloom_filter_length;  /* length -1 if unknown */
    bool has_column_index, has_offset_index;
} dccd_pq_chunk_info;

typedef struct dccd_pq_kv {
    const char *key;
    const char *value;  /* may be NULL */
} dccd_pq_kv;

/* ---- reading ------------------------------------------------------------ */

typedef struct dccd_pq_file dccd_pq_file;

/* Open a file and parse its footer.  Fails with DCCD_ECORRUPT for a bad
 * file, DCCD_EUNSUPPORTED for an encrypted footer or a nested schema (the
 * message names the column or the reason). */
int dccd_pq_open(const char *path, dccd_pq_file **out, dccd_error *err);
/* Same on an open descriptor; the descriptor is dup'ed, the caller keeps its own.
 * `name` is used in error messages (may be NULL). */
int dccd_pq_open_fd(int fd, const char *name, dccd_pq_file **out, dccd_error *err);
/* Same on a memory buffer that must outlive the handle. */
int dccd_pq_open_mem(const void *buf, size_t len, const char *name, dccd_pq_file **out, dccd_error *err);
void dccd_pq_close(dccd_pq_file *f);

const char *dccd_pq_name(const dccd_pq_file *f);
int64_t dccd_pq_num_rows(const dccd_pq_file *f);
int dccd_pq_num_row_groups(const dccd_pq_file *f);
int dccd_pq_num_columns(const dccd_pq_file *f);
uint64_t dccd_pq_file_size(const dccd_pq_file *f);
int32_t dccd_pq_version(const dccd_pq_file *f);
const char *dccd_pq_created_by(const dccd_pq_file *f);   /* NULL if absent */
/* Column index by exact name, -1 if none. */
int dccd_pq_column_index(const dccd_pq_file *f, const char *name);
const dccd_pq_column_info *dccd_pq_column_info_at(const dccd_pq_file *f, int col);
int64_t dccd_pq_row_group_rows(const dccd_pq_file *f, int rg);
int64_t dccd_pq_row_group_bytes(const dccd_pq_file *f, int rg);   /* total_byte_size */
/* Fills *out; returns DCCD_EINVAL for an index out of range. */
int dccd_pq_chunk(const dccd_pq_file *f, int rg, int col, dccd_pq_chunk_info *out, dccd_error *err);
size_t dccd_pq_kv_count(const dccd_pq_file *f);
const dccd_pq_kv *dccd_pq_kv_at(const dccd_pq_file *f, size_t i);
/* Value for a key, NULL if absent (the last one wins if repeated). */
const char *dccd_pq_kv_get(const dccd_pq_file *f, const char *key);

/* Typed statistic helpers: true and *out set when the chunk has a valid
 * min (max) for an INT32/INT64 column (INT32 widened). */
bool dccd_pq_stat_min_i64(const dccd_pq_file *f, int rg, int col, int64_t *out);
bool dccd_pq_stat_max_i64(const dccd_pq_file *f, int rg, int col, int64_t *out);

/* Decode one column chunk of one row group. */
int dccd_pq_read_column(dccd_pq_file *f, int rg, int col, dccd_pq_column *out, dccd_error *err);

/* Decode n column chunks of one row group, cols[i] into out[i], as
 * concurrent tasks on pool (NULL or a pool of 1: one after another, as n
 * dccd_pq_read_column calls).  The columns are the same whatever the
 * pool.  When one chunk fails (a corrupt page, an I/O error) the chunks
 * not yet started are not read, every out[i] is left empty (freed) and the
 * first failure is returned, naming its column. */
int dccd_pq_read_columns(dccd_pq_file *f, int rg, const int *cols, int n, dccd_pq_column *out, dccd_pool *pool,
                         dccd_error *err);

/* Decode columns cols[0..n) of row groups rg_first .. rg_first + n_rg - 1
 * as one batch of tasks on pool (row groups too small to keep the threads
 * busy one at a time are then decoded side by side): column cols[i] of
 * row group rg goes to out[(rg - rg_first) * n + i].  The columns are the
 * same as dccd_pq_read_column's whatever the pool; on failure every out[]
 * is left empty and the first failure is returned. */
int dccd_pq_read_row_groups(dccd_pq_file *f, int rg_first, int n_rg, const int *cols, int n, dccd_pq_column *out,
                            dccd_pool *pool, dccd_error *err);

/* Decode rows [row_from, row_to) of one column chunk (0 <= row_from <=
 * row_to <= rows of the row group); out->n = row_to - row_from.  With an
 * OffsetIndex only the dictionary page and the data pages overlapping the
 * range are read and decoded; without one the whole chunk is decoded and
 * sliced.  Every offset/size of the index is checked against the chunk. */
int dccd_pq_read_column_range(dccd_pq_file *f, int rg, int col, int64_t row_from, int64_t row_to,
                              dccd_pq_column *out, dccd_error *err);

/* Bloom filter probe.  *result is set to:
 *   1  the value may be present,
 *   0  the value is certainly absent,
 *  -1  the chunk has no bloom filter (caller must assume "may be present").
 * The value is given as its PLAIN bytes (8 little-endian bytes for INT64,
 * the raw bytes for BYTE_ARRAY). */
int dccd_pq_bloom_check(dccd_pq_file *f, int rg, int col, const void *value, size_t len,
                        int *result, dccd_error *err);

/* Page index: per-page min/max/null info, when the file has one. */
typedef struct dccd_pq_page_info {
    int64_t offset;              /* file offset of the page */
    int32_t compressed_size;     /* including the page header */
    int64_t first_row;           /* row index within the row group */
    bool null_page;              /* from the column index */
    const uint8_t *min, *max;    /* raw PLAIN bytes, NULL if no column index */
    size_t min_len, max_len;
    int64_t null_count;          /* -1 unknown */
} dccd_pq_page_info;

/* Read the offset index (and column index, if any) of a chunk.  *pages is
 * allocated (free with free()); returns DCCD_ENOTFOUND if the chunk has no
 * offset index. */
int dccd_pq_page_index(dccd_pq_file *f, int rg, int col, dccd_pq_page_info **pages,
                       size_t *npages, dccd_error *err);

/* ---- writing ------------------------------------------------------------ */

/* One column of the schema to write. Supported types: BOOLEAN, INT32, INT64,
 * FLOAT, DOUBLE, BYTE_ARRAY. */
typedef struct dccd_pq_field {
    const char *name;
    dccd_pq_type type;
    bool optional;
    dccd_pq_logical logical;       /* NONE, STRING, TIMESTAMP (INT64), INTEGER, DATE... */
    dccd_pq_time_unit unit;        /* for TIMESTAMP */
    bool utc;                      /* for TIMESTAMP */
    /* per-column encoding choices */
    bool delta;                    /* INT32/INT64: DELTA_BINARY_PACKED instead of PLAIN */
    bool no_dictionary;            /* BYTE_ARRAY: PLAIN only */
    bool bloom_filter;             /* write a split-block bloom filter for this column */
} dccd_pq_field;

typedef struct dccd_pq_write_options {
    dccd_pq_codec codec;           /* default SNAPPY */
    int compression_level;         /* ZSTD/GZIP level; 0 = codec default */
    size_t row_group_rows;         /* rows per row group; 0 = 1,048,576 */
    size_t page_size;              /* target uncompressed data page bytes; 0 = 1 MiB */
    size_t page_rows;              /* at most this many rows per data page; 0 = no cap
                                    * (small pages let readers fetch row ranges through
                                    * the OffsetIndex: dccd_pq_read_column_range) */
    size_t dictionary_page_limit;  /* dictionary fallback threshold bytes; 0 = 1 MiB */
    bool page_index;               /* write ColumnIndex/OffsetIndex; default on (see init) */
    bool statistics;               /* chunk statistics; default on */
    bool crc;                      /* page CRC32; default off */
    bool data_page_v2;             /* write DataPageV2 headers; default off (v1) */
    double bloom_fpp;              /* bloom filter false-positive rate; 0 = 0.01 */
    size_t bloom_ndv;              /* expected distinct values; 0 = rows of the row group */
    const dccd_pq_kv *kv;          /* footer key-value metadata (copied) */
    size_t n_kv;
    const char *created_by;        /* NULL = "dccd version X.Y.Z (build ...)" */
    int threads;                   /* threads encoding and compressing the columns of a row
                                    * group: 0 = the online CPUs (default), 1 = all on the
                                    * calling thread; the file is byte-identical whatever
                                    * the count.  A pool of its own is started at the first
                                    * row group large enough to gain from it. */
    dccd_pool *pool;               /* borrowed pool to use instead (threads then ignored);
                                    * it must outlive the writer */
} dccd_pq_write_options;

/* Defaults: SNAPPY, 1 Mi rows per row group, 1 MiB pages, page index and
 * statistics on, no CRC, data page v1. */
void dccd_pq_write_options_init(dccd_pq_write_options *o);

typedef struct dccd_pq_writer dccd_pq_writer;

/* Create `path` with O_CREAT|O_EXCL (fails if it exists). */
int dccd_pq_writer_open(const char *path, const dccd_pq_field *fields, int nfields,
                        const dccd_pq_write_options *opts, dccd_pq_writer **out, dccd_error *err);
/* Write to a caller-owned descriptor positioned at offset 0 of an empty
 * file; the writer neither closes nor fsyncs it. */
int dccd_pq_writer_open_fd(int fd, const char *name, const dccd_pq_field *fields, int nfields,
                           const dccd_pq_write_options *opts, dccd_pq_writer **out, dccd_error *err);
/* Append nrows rows given as one column per field (cols[i].n >= nrows is
 * not required: cols[i].n must equal nrows).  Row groups are cut at
 * row_group_rows; a call may span several row groups. */
int dccd_pq_writer_write(dccd_pq_writer *w, const dccd_pq_column *cols, size_t nrows, dccd_error *err);
/* End the current row group now (no-op if it is empty). */
int dccd_pq_writer_flush(dccd_pq_writer *w, dccd_error *err);
/* Copy row group rg of src into the output verbatim (pages, dictionary,
 * bloom filter and statistics; offsets rewritten).  The schemas must match
 * (same names, types, nullability, in order); the pending rows, if any, are
 * flushed first. */
int dccd_pq_writer_copy_row_group(dccd_pq_writer *w, dccd_pq_file *src, int rg, dccd_error *err);
/* Set or replace one footer key (value may be NULL) before close. */
int dccd_pq_writer_set_kv(dccd_pq_writer *w, const char *key, const char *value, dccd_error *err);
/* Flush, write page indexes and the footer. A path writer also fsyncs and
 * closes its file.  Frees w in every case. */
int dccd_pq_writer_close(dccd_pq_writer *w, dccd_error *err);
/* Discard; a path writer unlinks its partial file.  Frees w. NULL allowed. */
void dccd_pq_writer_abort(dccd_pq_writer *w);
/* Rows written so far (including buffered rows). */
int64_t dccd_pq_writer_rows(const dccd_pq_writer *w);

/* ---- names ------------------------------------------------------------ */
const char *dccd_pq_type_name(dccd_pq_type t);
const char *dccd_pq_codec_name(dccd_pq_codec c);
const char *dccd_pq_encoding_name(dccd_pq_encoding e);
const char *dccd_pq_logical_name(dccd_pq_logical l);
/* Parse "snappy", "zstd", "gzip", "lz4_raw", "brotli", "none"/"uncompressed". */
int dccd_pq_codec_parse(const char *s, dccd_pq_codec *out, dccd_error *err);

#ifdef __cplusplus
}
#endif
#endif /* DCCD_PARQUET_H */
