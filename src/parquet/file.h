/*
 * src/parquet/file.h - the internal layout of an open Parquet file
 * (dccd_pq_file), shared by the reader (reader.c, which owns it) and the
 * writer (writer.c, which copies raw row groups out of an open file).
 */
#ifndef DCCD_PQ_FILE_H
#define DCCD_PQ_FILE_H

#include "parquet/meta.h"

struct dccd_pq_file {
    int fd;                        /* -1 for a memory file */
    const uint8_t *mem;            /* memory file contents, else NULL */
    uint64_t size;                 /* file size in bytes */
    char *name;                    /* for messages (malloc'd) */
    dccd_arena arena;              /* owns meta and everything derived from it */
    pq_file_meta meta;             /* parsed footer */
    int ncols;                     /* leaf columns */
    dccd_pq_column_info *cols;     /* ncols, arena */
    int *leaf_schema;              /* ncols: index of each leaf in meta.schema */
    dccd_pq_kv *kv;                /* meta.n_kv, arena */
};

/* Read n bytes at off into dst, from the descriptor or memory; a range
 * beyond the end of the file is DCCD_ECORRUPT naming the file. */
int pq_file_read_at(const dccd_pq_file *f, uint64_t off, size_t n, uint8_t *dst, dccd_error *err);

/* The chunk's byte range [*start, *start + *len): from the dictionary page
 * (when present and valid) or the first data page, total_compressed_size
 * long; checked to lie inside the file. */
int pq_chunk_range(const dccd_pq_file *f, int rg, int col, uint64_t *start, uint64_t *len, dccd_error *err);

#endif /* DCCD_PQ_FILE_H */
