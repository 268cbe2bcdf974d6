/*
 * fuzz/fuzz_reader.c - libFuzzer target: the whole Parquet reader on one
 * file held in memory.
 *
 * The input is a complete file.  dccd_pq_open_mem parses and checks the
 * footer; then every public read path runs on every row group and column:
 * column info, chunk info and statistics (min/max bytes touched), the
 * typed statistic helpers, the key-value metadata, dccd_pq_read_column
 * (every value, validity byte and offset touched, offsets checked
 * monotonic and inside the data), a bloom-filter probe and the page index
 * (offset index + column index).  Hostile input must give an error with a
 * message, never a crash, leak, hang or huge allocation.
 */
#include <string.h>

#include "dccd/parquet.h"
#include "fuzz_util.h"

/* Sum bytes so the reads cannot be optimised away (and ASan sees them). */
static unsigned touch(const uint8_t *p, size_t n)
{
    unsigned s = 0;
    for (size_t i = 0; i < n; i++)
        s += p[i];
    return s;
}

static size_t value_width(const dccd_pq_column *c)
{
    switch (c->type) {
    case DCCD_PQ_BOOLEAN: return 1;
    case DCCD_PQ_INT32: case DCCD_PQ_FLOAT: return 4;
    case DCCD_PQ_INT64: case DCCD_PQ_DOUBLE: return 8;
    case DCCD_PQ_INT96: return 12;
    case DCCD_PQ_FIXED_LEN_BYTE_ARRAY: return (size_t)c->type_length;
    default: return 0;
    }
}

static unsigned check_column(const dccd_pq_column *c, int64_t rows)
{
    unsigned s = 0;
    FUZZ_CHECK(rows >= 0 && c->n == (size_t)rows);
    if (c->type == DCCD_PQ_BYTE_ARRAY) {
        FUZZ_CHECK(c->offsets != NULL);
        FUZZ_CHECK(c->offsets[0] == 0);
        for (size_t i = 0; i < c->n; i++)
            FUZZ_CHECK(c->offsets[i + 1] >= c->offsets[i]);
        if (c->n)
            s += touch(c->data, (size_t)c->offsets[c->n]);
    } else if (c->n) {
        s += touch(c->values, c->n * value_width(c));
    }
    if (c->validity) {
        size_t nulls = 0;
        for (size_t i = 0; i < c->n; i++) {
            FUZZ_CHECK(c->validity[i] <= 1);
            nulls += c->validity[i] == 0;
        }
        FUZZ_CHECK(nulls == c->null_count);
    } else {
        FUZZ_CHECK(c->null_count == 0);
    }
    return s;
}

static unsigned walk_chunk(dccd_pq_file *f, int rg, int col)
{
    unsigned s = 0;
    dccd_error err = {0};
    dccd_pq_chunk_info ci;
    int rc = dccd_pq_chunk(f, rg, col, &ci, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc == DCCD_OK) {
        FUZZ_CHECK(ci.n_encodings >= 0 && ci.n_encodings <= 16);
        if (ci.stats.has_min)
            s += touch(ci.stats.min, ci.stats.min_len);
        if (ci.stats.has_max)
            s += touch(ci.stats.max, ci.stats.max_len);
    }
    int64_t v;
    if (dccd_pq_stat_min_i64(f, rg, col, &v))
        s += (unsigned)v;
    if (dccd_pq_stat_max_i64(f, rg, col, &v))
        s += (unsigned)v;

    dccd_pq_column c;
    memset(&c, 0, sizeof c);
    err = (dccd_error){0};
    rc = dccd_pq_read_column(f, rg, col, &c, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc == DCCD_OK)
        s += check_column(&c, dccd_pq_row_group_rows(f, rg));
    dccd_pq_column_free(&c);

    static const uint8_t probe[8] = {1, 0, 0, 0, 0, 0, 0, 0};
    int result = 0;
    err = (dccd_error){0};
    rc = dccd_pq_bloom_check(f, rg, col, probe, sizeof probe, &result, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc == DCCD_OK)
        FUZZ_CHECK(result >= -1 && result <= 1);
    err = (dccd_error){0};
    rc = dccd_pq_bloom_check(f, rg, col, "abc", 3, &result, &err);
    FUZZ_ERR_OK(rc, err);

    dccd_pq_page_info *pages = NULL;
    size_t npages = 0;
    err = (dccd_error){0};
    rc = dccd_pq_page_index(f, rg, col, &pages, &npages, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc == DCCD_OK) {
        for (size_t i = 0; i < npages; i++) {
            if (pages[i].min)
                s += touch(pages[i].min, pages[i].min_len);
            if (pages[i].max)
                s += touch(pages[i].max, pages[i].max_len);
        }
    }
    free(pages);
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dccd_error err = {0};
    dccd_pq_file *f = NULL;
    int rc = dccd_pq_open_mem(data, size, "fuzz.parquet", &f, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc != DCCD_OK) {
        FUZZ_CHECK(f == NULL);
        return 0;
    }
    volatile unsigned sink = 0;
    unsigned s = 0;
    int ncols = dccd_pq_num_columns(f), nrg = dccd_pq_num_row_groups(f);
    FUZZ_CHECK(ncols >= 0 && nrg >= 0);
    (void)dccd_pq_num_rows(f);
    (void)dccd_pq_version(f);
    const char *cb = dccd_pq_created_by(f);
    if (cb)
        s += (unsigned)strlen(cb);
    for (int c = 0; c < ncols; c++) {
        const dccd_pq_column_info *ci = dccd_pq_column_info_at(f, c);
        FUZZ_CHECK(ci != NULL && ci->name != NULL);
        s += (unsigned)strlen(ci->name);
        FUZZ_CHECK(dccd_pq_column_index(f, ci->name) >= 0);
        s += (unsigned)strlen(dccd_pq_type_name(ci->type)) + (unsigned)strlen(dccd_pq_logical_name(ci->logical));
    }
    FUZZ_CHECK(dccd_pq_column_info_at(f, ncols) == NULL);
    for (size_t i = 0; i < dccd_pq_kv_count(f); i++) {
        const dccd_pq_kv *kv = dccd_pq_kv_at(f, i);
        FUZZ_CHECK(kv != NULL && kv->key != NULL);
        s += (unsigned)strlen(kv->key);
        if (kv->value)
            s += (unsigned)strlen(kv->value);
        (void)dccd_pq_kv_get(f, kv->key);
    }
    for (int rg = 0; rg < nrg; rg++) {
        (void)dccd_pq_row_group_bytes(f, rg);
        for (int c = 0; c < ncols; c++)
            s += walk_chunk(f, rg, c);
    }
    dccd_pq_chunk_info ci;
    err = (dccd_error){0};
    FUZZ_CHECK(dccd_pq_chunk(f, nrg, 0, &ci, &err) != DCCD_OK);
    sink = s;
    (void)sink;
    dccd_pq_close(f);
    return 0;
}
