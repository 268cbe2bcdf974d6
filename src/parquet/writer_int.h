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
#include "common/pool.h"
#include "dccd/parquet.h"
#include "parquet/codec.h"
#include "parquet/meta.h"

/* ---- dictionary (dict.c) --------------------------------------------- */

/* Distinct BYTE_ARRAY values in insertion order; an open-addressing table
 * of entry numbers (0 = empty slot, else index + 1) keyed by tab_hash. */
typedef struct pq_wdict {
    uint32_t *slots;        /* cap entries */
    size_t cap;             /* power of two, 0 before first use */
    uint64_t *hashes;       /* per entry: the table's hash (dict.c tab_hash) */
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

/* Maximum length of a BYTE_ARRAY min/max written to statistics or the
 * column index; longer values are truncated (min: prefix; max: prefix with
 * its last byte incremented), flagged inexact. */
#define PQ_STAT_MAX_LEN 64

/* Min/max of a run of values.  BYTE_ARRAY bounds are copies (the rows they
 * come from do not outlive the page): their first PQ_STAT_MAX_LEN + 1 bytes,
 * so a length above PQ_STAT_MAX_LEN still says "truncated"; what is written
 * depends on nothing else, and two values equal in their first
 * PQ_STAT_MAX_LEN bytes that are both longer write the same bound. */
typedef struct pq_vstat {
    bool has;                       /* min/max known (some non-NaN value) */
    int64_t imin, imax;             /* BOOLEAN, INT32, INT64 */
    double dmin, dmax;              /* FLOAT, DOUBLE (floats widened exactly) */
    size_t smin_len, smax_len;      /* BYTE_ARRAY: bytes kept, <= PQ_STAT_MAX_LEN + 1 */
    uint8_t smin[PQ_STAT_MAX_LEN + 1], smax[PQ_STAT_MAX_LEN + 1];
} pq_vstat;

/* One data page as seen by the page index. */
typedef struct pq_wpage {
    int64_t offset;         /* relative to the start of the chunk's data pages */
    int32_t size;           /* header + compressed body */
    int64_t first_row;
    int64_t nrows, nnull;
    pq_vstat st;
} pq_wpage;

/* The column chunk of the current row group being encoded (page_write.c):
 * pages are encoded as soon as the rows of one are buffered, and kept here
 * (compressed) until the row group ends, because the dictionary page must
 * come first and the columns of a row group are written one after another. */
/* A block of encoded pages. */
typedef struct pq_wblk {
    uint8_t *p;
    size_t len, cap;
} pq_wblk;

typedef struct pq_wchunk {
    bool started;           /* cc's arrays allocated for this row group */
    pq_column_chunk cc;     /* metadata under construction (arrays from w->arena) */
    pq_wblk *blk;           /* encoded data pages (header + payload each), in blocks 0..cur_blk */
    size_t n_blk, blk_cap, cur_blk;
    size_t pages_len;       /* bytes of encoded data pages */
    size_t hint_rows, hint_more; /* rows of the page being stored, rows known to follow it */
    pq_wpage *pg;           /* page index entries */
    size_t n_pg, pg_cap;
    pq_vstat st;            /* merged page statistics */
    size_t total_unc, total_cmp;
    size_t rows, vals;      /* rows / non-null values encoded so far */
    pq_wdict dict;          /* BYTE_ARRAY with dictionary */
    size_t dict_pages;      /* pages encoded RLE_DICTIONARY */
    bool fallen;            /* the remaining pages are PLAIN */
    uint64_t *bh;           /* bloom filter: hashes of the values encoded outside the dictionary */
    size_t n_bh, bh_cap;
    size_t scan_rows, scan_vals, scan_bytes; /* BYTE_ARRAY: page being cut, scanned so far */
    dccd_buf dictpg;        /* the dictionary page, between pq_finish_chunk and pq_emit_chunk */
} pq_wchunk;

/* ---- per-column buffers of the current row group ----------------------- */

/* Bytes kept in front of a column's buffered fixed-width values, so that
 * a v1 page's level prefix (at most this long) can be put in place right
 * before the page's values and the whole body compressed without a copy. */
#define PQ_VALS_HEAD 64u

/* A column: rows buffered but not yet encoded (at most about one page plus
 * one write slice), and the chunk being encoded. */
typedef struct pq_wcol {
    dccd_pq_field f;        /* copy; f.name points to name */
    char *name;             /* malloc'd */
    size_t width;           /* bytes per buffered value: 1 BOOLEAN, 4, 8; 0 BYTE_ARRAY */
    dccd_buf vals;          /* PQ_VALS_HEAD bytes, then the non-null fixed-width values, packed */
    dccd_buf data;          /* BYTE_ARRAY: non-null values' bytes */
    int64_t *offs;          /* BYTE_ARRAY: nvals + 1 offsets into data */
    size_t offs_cap;
    dccd_buf defs;          /* optional columns: one 0/1 byte per pending row, empty while no pending row is null */
    size_t prows;           /* rows buffered, not yet encoded */
    size_t nvals;           /* non-null values among them */
    pq_wchunk ch;
    dccd_arena arena;       /* the column's chunk metadata (footer), all row groups: one
                             * arena per column, so columns encode on distinct threads */
} pq_wcol;

/* Encoding scratch of one thread, reused across pages and chunks: a
 * writer has one per thread of its pool (index = the pool's worker id). */
typedef struct pq_wscr {
    dccd_buf page, lv, comp, hdr, frag;
    pq_cctx *cctx;          /* compression state kept across pages (zstd) */
    uint32_t *idx;
    size_t idx_cap;
} pq_wscr;

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

    /* threads: the columns of a write call and the chunks of a row group
     * are encoded as concurrent tasks on pool (borrowed from the options,
     * or own_pool made at the first large row group), each thread with its
     * scratch scr[worker id]; pages, chunks and the file are the same
     * whatever the count */
    int threads;            /* resolved; 1 = everything on the caller */
    dccd_pool *pool;
    dccd_pool *own_pool;
    pq_wscr *scr;           /* nscr entries; scr[0] always there */
    int nscr;
};

/* Write bytes to the output (buffered); sets w->failed on error. */
int pq_wout(dccd_pq_writer *w, const void *p, size_t n, dccd_error *err);

/* Ask for transparent huge pages on a large fresh buffer (a hint). */
void pq_big_hint(void *p, size_t n);

/* Rows still to come for a column in the current row group from the
 * current write call (validity NULL: all valid); lets the dictionary
 * decision project the chunk's size. */
typedef struct pq_wrest {
    const uint8_t *validity;
    size_t n;
} pq_wrest;

/* Rows per write slice of column c: the rows of one page for fixed-width
 * values, a bounded count for BYTE_ARRAY (writer.c buffers a call's rows a
 * slice at a time and encodes the pages they complete, while they are in
 * cache). */
size_t pq_slice_rows(const dccd_pq_writer *w, const pq_wcol *c);

/* Encode the pages of column c that its buffered rows complete (all of
 * them, the last one partial, when final) into its chunk, then drop the
 * encoded rows from the buffers. */
int pq_encode_pages(dccd_pq_writer *w, pq_wscr *S, int c, bool final, const pq_wrest *rest, dccd_error *err);

/* True when column c can encode pages straight from a caller's arrays:
 * nothing buffered, and values stored as given (fixed width > 1 byte on a
 * little-endian host, or BYTE_ARRAY). */
bool pq_direct_ok(const pq_wcol *c);

/* Encode the complete pages of rows [r0, r0+n) of `in`, none of them null,
 * straight from the caller's arrays (pq_direct_ok); *used receives the
 * rows encoded (the rest, less than a page, is for the buffers). */
int pq_encode_direct(dccd_pq_writer *w, pq_wscr *S, int c, const dccd_pq_column *in, size_t r0, size_t n, const pq_wrest *rest,
                     size_t *used, dccd_error *err);

/* End column c's chunk of the row group (w->rg_rows rows), touching only
 * column c and the scratch S (so chunks finish on distinct threads):
 * encode what is buffered, build the dictionary page, the chunk's
 * statistics and its bloom filter (into *ex, malloc'd). */
int pq_finish_chunk(dccd_pq_writer *w, pq_wscr *S, int c, pq_wextra *ex, dccd_error *err);
/* Then, in column order on the writer's thread: write the dictionary page
 * and the data pages at w->pos, build the page index (*ex), fill *cc
 * (metadata from the column's arena) and reset the chunk state. */
int pq_emit_chunk(dccd_pq_writer *w, int c, pq_column_chunk *cc, pq_wextra *ex, dccd_error *err);

/* Release column c's chunk state (free_writer). */
void pq_wchunk_free(pq_wchunk *ch);

#endif /* DCCD_PQ_WRITER_INT_H */
