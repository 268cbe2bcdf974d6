/*
 * src/parquet/writer_int.h - internal state of the Parquet writer, shared by
 * the files that implement it:
 *
 *   writer.c      the public dccd_pq_writer_* API: options, schema checks,
 *                 row buffering, the buffered output file, raw row-group
 *                 copies, bloom filters / page indexes / footer at close;
 *   page_write.c  encoding one buffered column chunk into pages (levels,
 *                 PLAIN / DELTA / RLE_DICTIONARY values, compression, CRC),
 *                 statistics, ColumnIndex / OffsetIndex and bloom filter;
 *   dict.c        the dictionary hash table used for BYTE_ARRAY columns.
 *
 * Nothing here is public API.
 */
#ifndef DCCD_PQ_WRITER_INT_H
#define DCCD_PQ_WRITER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/common.h"
#include "dccd/parquet.h"
#include "parquet/meta.h"

/* ---- dictionary (dict.c) --------------------------------------------- */

/* Distinct BYTE_ARRAY values in insertion order; an open-addressing table
 * of entry numbers (0 = empty slot, else index + 1) keyed by XXH64. */
typedef struct pq_wdict {
    uint32_t *slots;        /* cap entries */
    size_t cap;             /* power of two, 0 before first use */
    uint64_t *hashes;       /* per entry (reused for bloom filters) */
    int64_t *offs;          /* n + 1 offsets into data */
    size_t n, ent_cap;      /* entries, capacity of hashes/offs */
    dccd_buf data;          /* the entries' bytes, concatenated */
    size_t plain_bytes;     /* size of the PLAIN dictionary page: sum(4 + len) */
    uint32_t *mark;         /* per entry: generation of the last page that saw it (page statistics) */
    uint32_t gen;           /* current page generation; 0 is never a live generation */
} pq_wdict;

void pq_wdict_init(pq_wdict *d);
void pq_wdict_reset(pq_wdict *d);
void pq_wdict_free(pq_wdict *d);
/* Look up (inserting when new) values data[offs[i]..offs[i+1]) for i < n;
 * idx[i] receives each value's entry number. */
int pq_wdict_put_many(pq_wdict *d, const uint8_t *data, const int64_t *offs, size_t n, uint32_t *idx,
                      dccd_error *err);

/* ---- statistics of a run of values (page_write.c) --------------------- */

typedef struct pq_vstat {
    bool has;                       /* min/max known (some non-NaN value) */
    int64_t imin, imax;             /* BOOLEAN, INT32, INT64 */
    double dmin, dmax;              /* FLOAT, DOUBLE (floats widened exactly) */
    const uint8_t *smin, *smax;     /* BYTE_ARRAY: point into the row-group buffer */
    size_t smin_len, smax_len;
} pq_vstat;

/* Maximum length of a BYTE_ARRAY min/max written to statistics or the
 * column index; longer values are truncated (min: prefix; max: prefix with
 * its last byte incremented), flagged inexact. */
#define PQ_STAT_MAX_LEN 64

/* ---- per-column buffers of the current row group ----------------------- */

typedef struct pq_wcol {
    dccd_pq_field f;        /* copy; f.name points to name */
    char *name;             /* malloc'd */
    size_t width;           /* bytes per buffered value: 1 BOOLEAN, 4, 8; 0 BYTE_ARRAY */
    dccd_buf vals;          /* non-null fixed-width values, packed */
    dccd_buf data;          /* BYTE_ARRAY: non-null values' bytes */
    int64_t *offs;          /* BYTE_ARRAY: nvals + 1 offsets into data */
    size_t offs_cap;
    dccd_buf defs;          /* optional columns: one 0/1 byte per row, empty while no row is null */
    size_t nvals;           /* non-null values buffered */
} pq_wcol;

/* Extra per-chunk blobs written at close (bloom filters, page indexes). */
typedef struct pq_wextra {
    size_t rg;
    int col;
    uint8_t *bloom;         /* BloomFilterHeader + bitset, malloc'd; NULL if none */
    size_t bloom_len;
    uint8_t *ci;            /* encoded ColumnIndex, malloc'd; NULL if none */
    size_t ci_len;
    uint8_t *oi;            /* encoded OffsetIndex, malloc'd; NULL if none */
    size_t oi_len;
} pq_wextra;

/* One data page as seen by the page index. */
typedef struct pq_wpage {
    int64_t offset;         /* relative to the start of the data pages buffer */
    int32_t size;           /* header + compressed body */
    int64_t first_row;
    int64_t nrows, nnull;
    pq_vstat st;
} pq_wpage;

#define PQ_OBUF_CAP ((size_t)1 << 20)

struct dccd_pq_writer {
    int fd;
    bool own_fd;            /* path writer: close/unlink are ours */
    char *path;             /* path writer: for unlink; NULL otherwise */
    char *name;             /* for messages */
    bool failed;            /* an output or encode error: only abort is allowed */
    uint64_t pos;           /* bytes handed to the output so far (= file offset) */
    uint8_t *obuf;
    size_t olen;

    dccd_pq_write_options o;  /* kv/created_by pointers cleared; see below */
    char *created_by;
    char **kv_keys, **kv_vals;
    size_t n_kv, kv_cap;

    int ncols;
    pq_wcol *cols;
    size_t rg_rows;         /* rows buffered in the current row group */
    int64_t rows_done;      /* rows in finished row groups */

    /* footer metadata */
    dccd_arena arena;       /* row group / column chunk metadata */
    pq_row_group *rgs;
    size_t n_rgs, rgs_cap;
    pq_wextra *extras;
    size_t n_extras, extras_cap;
    bool any_v2;

    /* encoding scratch, reused across pages and chunks */
    dccd_buf page, lv, comp, hdr, chunk, dictpg;
    uint32_t *idx;
    size_t idx_cap;
    pq_wdict dict;
    pq_wpage *pages;
    size_t n_pages, pages_cap;
};

/* Write bytes to the output (buffered); sets w->failed on error. */
int pq_wout(dccd_pq_writer *w, const void *p, size_t n, dccd_error *err);

/* Encode column `c` of the buffered row group (w->rg_rows rows), write it
 * at w->pos and fill *cc (metadata allocated from w->arena) and *ex (blobs,
 * malloc'd).  Used by writer.c when a row group ends. */
int pq_write_chunk(dccd_pq_writer *w, int c, pq_column_chunk *cc, pq_wextra *ex, dccd_error *err);

#endif /* DCCD_PQ_WRITER_INT_H */
