/*
 * src/parquet/meta.h - Parquet footer and page-header structures, and their
 * Thrift compact-protocol decoding and encoding.
 *
 * This is the C mirror of the parts of parquet.thrift that dccd reads or
 * writes.  Decoding allocates every struct, array and string from a
 * caller-provided dccd_arena, so one dccd_arena_free releases a whole
 * footer, and the arena's limit bounds what a hostile footer can allocate.
 * Unknown fields are skipped (forward compatible); every length and count is
 * checked against the remaining input and against sane limits; nesting depth
 * is bounded.  Binary fields (statistics, key-value values) point into the
 * arena, never into the input buffer.
 *
 * Encoding appends compact-protocol bytes to a dccd_buf.  Only fields with
 * their has_* flag (or non-NULL pointer / non-zero count) are written.
 *
 * Implemented in thrift.c (the protocol) and meta.c (the structs).
 */
#ifndef DCCD_PQ_META_H
#define DCCD_PQ_META_H

#include <stdbool.h>
#include <stdint.h>

#include "common/common.h"
#include "dccd/parquet.h"

/* ---- Thrift compact protocol (thrift.c) ------------------------------- */

/* Compact-protocol type ids. */
enum {
    PQ_TT_STOP = 0,
    PQ_TT_TRUE = 1,
    PQ_TT_FALSE = 2,
    PQ_TT_BYTE = 3,
    PQ_TT_I16 = 4,
    PQ_TT_I32 = 5,
    PQ_TT_I64 = 6,
    PQ_TT_DOUBLE = 7,
    PQ_TT_BINARY = 8,
    PQ_TT_LIST = 9,
    PQ_TT_SET = 10,
    PQ_TT_MAP = 11,
    PQ_TT_STRUCT = 12
};

typedef struct pq_tin {
    const uint8_t *p, *end;
    int depth;            /* current struct/list nesting, capped */
    dccd_error *err;      /* where decode errors go */
    const char *what;     /* "footer", "page header", ... for messages */
    const uint8_t *start; /* start of the input, for offsets in messages */
} pq_tin;

void pq_tin_init(pq_tin *in, const void *buf, size_t len, const char *what, dccd_error *err);
/* Field header: sets *type and *id (absolute, delta-decoded from *last_id).
 * *type == PQ_TT_STOP ends the struct. */
int pq_t_field(pq_tin *in, int16_t *last_id, int *type, int16_t *id);
int pq_t_bool_field(int type, bool *out);  /* booleans live in the field type */
int pq_t_i32(pq_tin *in, int32_t *out);
int pq_t_i64(pq_tin *in, int64_t *out);
int pq_t_byte(pq_tin *in, int8_t *out);
int pq_t_double(pq_tin *in, double *out);
/* Binary/string: *out points into the input, not copied. */
int pq_t_binary(pq_tin *in, const uint8_t **out, size_t *len);
/* List header: element type and count (count checked against remaining bytes). */
int pq_t_list(pq_tin *in, int *elem_type, size_t *count);
int pq_t_struct_begin(pq_tin *in);   /* depth++ with limit */
void pq_t_struct_end(pq_tin *in);    /* depth-- */
/* Skip a value of the given type (recursive, depth-limited). */
int pq_t_skip(pq_tin *in, int type);

typedef struct pq_tout {
    dccd_buf *b;
    int16_t last_id[64];  /* field-id stack for nested structs */
    int depth;
    dccd_error *err;
} pq_tout;

void pq_tout_init(pq_tout *o, dccd_buf *b, dccd_error *err);
int pq_w_field(pq_tout *o, int type, int16_t id);
int pq_w_bool_field(pq_tout *o, int16_t id, bool v);
int pq_w_i32_field(pq_tout *o, int16_t id, int32_t v);
int pq_w_i64_field(pq_tout *o, int16_t id, int64_t v);
int pq_w_binary_field(pq_tout *o, int16_t id, const void *p, size_t n);
int pq_w_struct_begin(pq_tout *o, int16_t id);  /* writes field header + pushes */
int pq_w_struct_end(pq_tout *o);                /* writes STOP + pops */
int pq_w_list_begin(pq_tout *o, int16_t id, int elem_type, size_t count);
/* raw values (inside lists) */
int pq_w_varint(pq_tout *o, uint64_t v);
int pq_w_zigzag32(pq_tout *o, int32_t v);
int pq_w_zigzag64(pq_tout *o, int64_t v);
int pq_w_binary(pq_tout *o, const void *p, size_t n);
int pq_w_elem_struct_begin(pq_tout *o);          /* struct as list element */
int pq_w_stop(pq_tout *o);                        /* top-level STOP */

/* ---- metadata structures (meta.c) ------------------------------------- */

enum { PQ_REQUIRED = 0, PQ_OPTIONAL = 1, PQ_REPEATED = 2 };

enum {
    PQ_PAGE_DATA = 0,
    PQ_PAGE_INDEX = 1,
    PQ_PAGE_DICTIONARY = 2,
    PQ_PAGE_DATA_V2 = 3
};

/* LogicalType union member ids (parquet.thrift field ids). */
enum {
    PQ_LT_NONE = 0,
    PQ_LT_STRING = 1,
    PQ_LT_MAP = 2,
    PQ_LT_LIST = 3,
    PQ_LT_ENUM = 4,
    PQ_LT_DECIMAL = 5,
    PQ_LT_DATE = 6,
    PQ_LT_TIME = 7,
    PQ_LT_TIMESTAMP = 8,
    PQ_LT_INTEGER = 10,
    PQ_LT_UNKNOWN = 11,  /* "NullType" in the spec */
    PQ_LT_JSON = 12,
    PQ_LT_BSON = 13,
    PQ_LT_UUID = 14,
    PQ_LT_FLOAT16 = 15,
    PQ_LT_VARIANT = 16,
    PQ_LT_GEOMETRY = 17,
    PQ_LT_GEOGRAPHY = 18,
    PQ_LT_OTHER = 1000   /* an id this code does not know */
};

typedef struct pq_logical_type {
    int kind;                 /* PQ_LT_* */
    int32_t scale, precision; /* DECIMAL */
    bool utc;                 /* TIME / TIMESTAMP */
    int unit;                 /* 0 millis, 1 micros, 2 nanos */
    int8_t bit_width;         /* INTEGER */
    bool is_signed;           /* INTEGER */
} pq_logical_type;

typedef struct pq_schema_element {
    bool has_type;
    int32_t type;             /* dccd_pq_type */
    int32_t type_length;
    bool has_repetition;
    int32_t repetition;       /* PQ_REQUIRED... */
    const char *name;         /* NUL-terminated, arena */
    int32_t num_children;     /* 0 for a leaf */
    bool has_converted_type;
    int32_t converted_type;
    bool has_scale, has_precision;
    int32_t scale, precision;
    bool has_field_id;
    int32_t field_id;
    bool has_logical_type;
    pq_logical_type logical_type;
} pq_schema_element;

typedef struct pq_bytes {
    const uint8_t *p;  /* arena copy, NULL when absent */
    size_t n;
} pq_bytes;

typedef struct pq_statistics {
    pq_bytes max, min;                 /* legacy (field 1, 2) */
    bool has_null_count;
    int64_t null_count;                /* 3 */
    bool has_distinct_count;
    int64_t distinct_count;            /* 4 */
    pq_bytes max_value, min_value;     /* 5, 6 */
    bool has_is_max_value_exact, is_max_value_exact;  /* 7 */
    bool has_is_min_value_exact, is_min_value_exact;  /* 8 */
} pq_statistics;

typedef struct pq_data_page_header {
    int32_t num_values;
    int32_t encoding;
    int32_t definition_level_encoding;
    int32_t repetition_level_encoding;
    bool has_statistics;
    pq_statistics statistics;
} pq_data_page_header;

typedef struct pq_dictionary_page_header {
    int32_t num_values;
    int32_t encoding;
    bool has_is_sorted, is_sorted;
} pq_dictionary_page_header;

typedef struct pq_data_page_header_v2 {
    int32_t num_values;
    int32_t num_nulls;
    int32_t num_rows;
    int32_t encoding;
    int32_t definition_levels_byte_length;
    int32_t repetition_levels_byte_length;
    bool is_compressed;       /* defaults to true when absent */
    bool has_statistics;
    pq_statistics statistics;
} pq_data_page_header_v2;

typedef struct pq_page_header {
    int32_t type;                      /* PQ_PAGE_* */
    int32_t uncompressed_page_size;
    int32_t compressed_page_size;
    bool has_crc;
    int32_t crc;
    bool has_data_page_header;
    pq_data_page_header data_page_header;
    bool has_dictionary_page_header;
    pq_dictionary_page_header dictionary_page_header;
    bool has_data_page_header_v2;
    pq_data_page_header_v2 data_page_header_v2;
} pq_page_header;

typedef struct pq_key_value {
    const char *key;      /* arena, NUL-terminated */
    const char *value;    /* arena, NUL-terminated, NULL if absent */
    size_t value_len;
} pq_key_value;

typedef struct pq_page_encoding_stats {
    int32_t page_type, encoding, count;
} pq_page_encoding_stats;

typedef struct pq_column_meta {
    int32_t type;
    int32_t *encodings;
    size_t n_encodings;
    const char **path_in_schema;
    size_t n_path;
    int32_t codec;
    int64_t num_values;
    int64_t total_uncompressed_size;
    int64_t total_compressed_size;
    pq_key_value *kv;
    size_t n_kv;
    int64_t data_page_offset;
    bool has_index_page_offset;
    int64_t index_page_offset;
    bool has_dictionary_page_offset;
    int64_t dictionary_page_offset;
    bool has_statistics;
    pq_statistics statistics;
    pq_page_encoding_stats *encoding_stats;
    size_t n_encoding_stats;
    bool has_bloom_filter_offset;
    int64_t bloom_filter_offset;
    bool has_bloom_filter_length;
    int32_t bloom_filter_length;
} pq_column_meta;

typedef struct pq_column_chunk {
    const char *file_path;    /* NULL when absent (the chunk is in this file) */
    int64_t file_offset;
    bool has_meta_data;
    pq_column_meta meta_data;
    bool has_offset_index;
    int64_t offset_index_offset;
    int32_t offset_index_length;
    bool has_column_index;
    int64_t column_index_offset;
    int32_t column_index_length;
    bool has_crypto_metadata;  /* encrypted column: unsupported */
} pq_column_chunk;

typedef struct pq_sorting_column {
    int32_t column_idx;
    bool descending, nulls_first;
} pq_sorting_column;

typedef struct pq_row_group {
    pq_column_chunk *columns;
    size_t n_columns;
    int64_t total_byte_size;
    int64_t num_rows;
    pq_sorting_column *sorting_columns;
    size_t n_sorting_columns;
    bool has_file_offset;
    int64_t file_offset;
    bool has_total_compressed_size;
    int64_t total_compressed_size;
    bool has_ordinal;
    int16_t ordinal;
} pq_row_group;

typedef struct pq_file_meta {
    int32_t version;
    pq_schema_element *schema;
    size_t n_schema;
    int64_t num_rows;
    pq_row_group *row_groups;
    size_t n_row_groups;
    pq_key_value *kv;
    size_t n_kv;
    const char *created_by;      /* NULL if absent */
    /* column_orders: true per leaf when TypeDefinedOrder is given */
    bool *type_defined_order;
    size_t n_column_orders;
    bool has_encryption_algorithm;  /* plaintext footer of an encrypted file */
} pq_file_meta;

typedef struct pq_column_index {
    bool *null_pages;
    size_t n_pages;
    pq_bytes *min_values;      /* n_pages */
    pq_bytes *max_values;      /* n_pages */
    int32_t boundary_order;    /* 0 unordered, 1 ascending, 2 descending */
    int64_t *null_counts;      /* n_pages, or NULL */
} pq_column_index;

typedef struct pq_page_location {
    int64_t offset;
    int32_t compressed_page_size;
    int64_t first_row_index;
} pq_page_location;

typedef struct pq_offset_index {
    pq_page_location *pages;
    size_t n_pages;
} pq_offset_index;

typedef struct pq_bloom_header {
    int32_t num_bytes;
    bool algorithm_block;     /* SplitBlockAlgorithm */
    bool hash_xxhash;         /* XxHash */
    bool compression_none;    /* Uncompressed */
} pq_bloom_header;

/* Decoders: parse from buf[0..len), allocate from arena.  *consumed (when
 * not NULL) receives the number of bytes the struct used (page headers and
 * bloom headers are followed by payload). */
int pq_decode_file_meta(const uint8_t *buf, size_t len, dccd_arena *arena, pq_file_meta *out, dccd_error *err);
int pq_decode_page_header(const uint8_t *buf, size_t len, dccd_arena *arena, pq_page_header *out,
                          size_t *consumed, dccd_error *err);
int pq_decode_column_index(const uint8_t *buf, size_t len, dccd_arena *arena, pq_column_index *out, dccd_error *err);
int pq_decode_offset_index(const uint8_t *buf, size_t len, dccd_arena *arena, pq_offset_index *out, dccd_error *err);
int pq_decode_bloom_header(const uint8_t *buf, size_t len, pq_bloom_header *out, size_t *consumed, dccd_error *err);
/* Decode a standalone ColumnMetaData (used for ColumnChunk copies). */
int pq_decode_column_meta(const uint8_t *buf, size_t len, dccd_arena *arena, pq_column_meta *out, dccd_error *err);

/* Encoders: append the compact-protocol encoding to b. */
int pq_encode_file_meta(dccd_buf *b, const pq_file_meta *m, dccd_error *err);
int pq_encode_page_header(dccd_buf *b, const pq_page_header *h, dccd_error *err);
int pq_encode_column_index(dccd_buf *b, const pq_column_index *ci, dccd_error *err);
int pq_encode_offset_index(dccd_buf *b, const pq_offset_index *oi, dccd_error *err);
int pq_encode_bloom_header(dccd_buf *b, const pq_bloom_header *h, dccd_error *err);

#endif /* DCCD_PQ_META_H */
