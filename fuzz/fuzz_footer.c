/*
 * fuzz/fuzz_footer.c - libFuzzer target: the Parquet footer alone.
 *
 * The input is the bytes of a FileMetaData (Thrift compact protocol).
 * First the internal decoder (pq_decode_file_meta, src/parquet/meta.h) runs
 * on it directly under a bounded arena, and every decoded array is walked;
 * then the same bytes are framed as a file ("PAR1" + footer + length +
 * "PAR1") and opened with dccd_pq_open_mem, so the reader's schema,
 * row-group and key-value checks run too, and the column and chunk
 * descriptions of the opened file are read.  Decoding is cheap, so this
 * target explores the footer grammar much faster than fuzz_reader.
 */
#include <string.h>

#include "dccd/parquet.h"
#include "fuzz_util.h"
#include "parquet/meta.h"

static unsigned touch_str(const char *s)
{
    return s ? (unsigned)strlen(s) : 0u;
}

static unsigned walk_meta(const pq_file_meta *m)
{
    unsigned s = 0;
    for (size_t i = 0; i < m->n_schema; i++)
        s += touch_str(m->schema[i].name);
    for (size_t i = 0; i < m->n_kv; i++)
        s += touch_str(m->kv[i].key) + touch_str(m->kv[i].value);
    s += touch_str(m->created_by);
    for (size_t i = 0; i < m->n_column_orders; i++)
        s += m->type_defined_order[i];
    for (size_t r = 0; r < m->n_row_groups; r++) {
        const pq_row_group *rg = &m->row_groups[r];
        for (size_t c = 0; c < rg->n_columns; c++) {
            const pq_column_chunk *cc = &rg->columns[c];
            s += touch_str(cc->file_path);
            if (!cc->has_meta_data)
                continue;
            const pq_column_meta *cm = &cc->meta_data;
            for (size_t k = 0; k < cm->n_encodings; k++)
                s += (unsigned)cm->encodings[k];
            for (size_t k = 0; k < cm->n_path; k++)
                s += touch_str(cm->path_in_schema[k]);
            for (size_t k = 0; k < cm->n_kv; k++)
                s += touch_str(cm->kv[k].key) + touch_str(cm->kv[k].value);
            for (size_t k = 0; k < cm->n_encoding_stats; k++)
                s += (unsigned)cm->encoding_stats[k].count;
            const pq_bytes *b[4] = {&cm->statistics.min, &cm->statistics.max, &cm->statistics.min_value,
                                    &cm->statistics.max_value};
            for (int k = 0; k < 4; k++)
                for (size_t j = 0; b[k]->p && j < b[k]->n; j++)
                    s += b[k]->p[j];
        }
        for (size_t k = 0; k < rg->n_sorting_columns; k++)
            s += (unsigned)rg->sorting_columns[k].column_idx;
    }
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    volatile unsigned sink = 0;
    dccd_error err = {0};
    dccd_arena arena;
    dccd_arena_init(&arena, 64u * 1024u * 1024u);
    pq_file_meta m;
    memset(&m, 0, sizeof m);
    int rc = pq_decode_file_meta(data, size, &arena, &m, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc == DCCD_OK)
        sink = walk_meta(&m);
    dccd_arena_free(&arena);

    /* The same footer framed as a file. */
    if (size > UINT32_MAX - 12)
        return 0;
    size_t flen = size + 12;
    uint8_t *file = malloc(flen);
    if (!file)
        abort();
    memcpy(file, "PAR1", 4);
    if (size)
        memcpy(file + 4, data, size);
    dccd_store_u32le(file + 4 + size, (uint32_t)size);
    memcpy(file + 8 + size, "PAR1", 4);
    dccd_pq_file *f = NULL;
    err = (dccd_error){0};
    rc = dccd_pq_open_mem(file, flen, "footer.parquet", &f, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc == DCCD_OK) {
        unsigned s = 0;
        int ncols = dccd_pq_num_columns(f), nrg = dccd_pq_num_row_groups(f);
        for (int c = 0; c < ncols; c++)
            s += touch_str(dccd_pq_column_info_at(f, c)->name);
        for (size_t i = 0; i < dccd_pq_kv_count(f); i++)
            s += touch_str(dccd_pq_kv_at(f, i)->key) + touch_str(dccd_pq_kv_at(f, i)->value);
        for (int rg = 0; rg < nrg; rg++) {
            s += (unsigned)dccd_pq_row_group_rows(f, rg);
            for (int c = 0; c < ncols; c++) {
                dccd_pq_chunk_info ci;
                err = (dccd_error){0};
                rc = dccd_pq_chunk(f, rg, c, &ci, &err);
                FUZZ_ERR_OK(rc, err);
                if (rc == DCCD_OK && ci.stats.has_min)
                    for (size_t j = 0; j < ci.stats.min_len; j++)
                        s += ci.stats.min[j];
                if (rc == DCCD_OK && ci.stats.has_max)
                    for (size_t j = 0; j < ci.stats.max_len; j++)
                        s += ci.stats.max[j];
            }
        }
        sink = s;
        dccd_pq_close(f);
    }
    (void)sink;
    free(file);
    return 0;
}
