/*
 * fuzz/fuzz_chunk.c - libFuzzer target: one column chunk (its pages) inside
 * a valid file built around it, so mutations reach the page loop of
 * page_read.c (page headers, CRCs, dictionary pages, data pages v1/v2,
 * definition levels, every value encoding, decompression, the null
 * scatter and dictionary gathers) instead of breaking the footer.
 *
 * Input: 6 parameter bytes then the chunk bytes.
 *   byte 0  physical type (mod 8; FIXED_LEN_BYTE_ARRAY width = byte 5 % 17 + 1)
 *   byte 1  bit 0 optional column, bit 1 dictionary page offset set
 *   byte 2  codec (mod 8)
 *   byte 3-4 row count, little-endian (the chunk must produce exactly that)
 *   byte 5  FLBA width
 * The footer (written with pq_encode_file_meta) has one leaf column and
 * one row group whose chunk spans all the chunk bytes at offset 4.  The
 * column is read with dccd_pq_read_column, values touched and checked as
 * in fuzz_reader.
 */
#include <string.h>

#include "dccd/parquet.h"
#include "fuzz_util.h"
#include "parquet/meta.h"

static size_t width_of(dccd_pq_type t, int32_t flba)
{
    switch (t) {
    case DCCD_PQ_BOOLEAN: return 1;
    case DCCD_PQ_INT32: case DCCD_PQ_FLOAT: return 4;
    case DCCD_PQ_INT64: case DCCD_PQ_DOUBLE: return 8;
    case DCCD_PQ_INT96: return 12;
    case DCCD_PQ_FIXED_LEN_BYTE_ARRAY: return (size_t)flba;
    default: return 0;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 6)
        return 0;
    fuzz_in in = {data, size};
    dccd_pq_type type = (dccd_pq_type)(fuzz_u8(&in) % 8);
    uint8_t flags = fuzz_u8(&in);
    int32_t codec = fuzz_u8(&in) % 8;
    int64_t rows = fuzz_u8(&in);
    rows |= (int64_t)fuzz_u8(&in) << 8;
    int32_t flba = fuzz_u8(&in) % 17 + 1;
    const uint8_t *chunk = in.p;
    size_t clen = in.n;

    pq_schema_element schema[2];
    memset(schema, 0, sizeof schema);
    schema[0].name = "schema";
    schema[0].num_children = 1;
    schema[1].name = "c";
    schema[1].has_type = true;
    schema[1].type = (int32_t)type;
    schema[1].type_length = type == DCCD_PQ_FIXED_LEN_BYTE_ARRAY ? flba : 0;
    schema[1].has_repetition = true;
    schema[1].repetition = (flags & 1) ? PQ_OPTIONAL : PQ_REQUIRED;
    int32_t encs[3] = {DCCD_PQ_ENC_PLAIN, DCCD_PQ_ENC_RLE, DCCD_PQ_ENC_RLE_DICTIONARY};
    const char *path[1] = {"c"};
    pq_column_chunk cc;
    memset(&cc, 0, sizeof cc);
    cc.file_offset = 4;
    cc.has_meta_data = true;
    cc.meta_data.type = (int32_t)type;
    cc.meta_data.encodings = encs;
    cc.meta_data.n_encodings = 3;
    cc.meta_data.path_in_schema = path;
    cc.meta_data.n_path = 1;
    cc.meta_data.codec = codec;
    cc.meta_data.num_values = rows;
    cc.meta_data.total_uncompressed_size = (int64_t)clen;
    cc.meta_data.total_compressed_size = (int64_t)clen;
    cc.meta_data.data_page_offset = 4;
    if (flags & 2) {
        cc.meta_data.has_dictionary_page_offset = true;
        cc.meta_data.dictionary_page_offset = 4;
    }
    pq_row_group rg;
    memset(&rg, 0, sizeof rg);
    rg.columns = &cc;
    rg.n_columns = 1;
    rg.num_rows = rows;
    rg.total_byte_size = (int64_t)clen;
    pq_file_meta m;
    memset(&m, 0, sizeof m);
    m.version = 1;
    m.schema = schema;
    m.n_schema = 2;
    m.num_rows = rows;
    m.row_groups = &rg;
    m.n_row_groups = 1;

    dccd_buf file = DCCD_BUF_INIT;
    dccd_error err = {0};
    FUZZ_CHECK(dccd_buf_append(&file, "PAR1", 4, &err) == DCCD_OK);
    FUZZ_CHECK(dccd_buf_append(&file, chunk, clen, &err) == DCCD_OK);
    size_t foot = file.len;
    FUZZ_CHECK(pq_encode_file_meta(&file, &m, &err) == DCCD_OK);
    FUZZ_CHECK(dccd_buf_append_u32le(&file, (uint32_t)(file.len - foot), &err) == DCCD_OK);
    FUZZ_CHECK(dccd_buf_append(&file, "PAR1", 4, &err) == DCCD_OK);

    /* an exactly-sized copy: a read past the file is an ASan report */
    uint8_t *exact = malloc(file.len);
    if (!exact)
        abort();
    memcpy(exact, file.data, file.len);
    size_t flen = file.len;
    dccd_buf_free(&file);

    dccd_pq_file *f = NULL;
    int rc = dccd_pq_open_mem(exact, flen, "chunk.parquet", &f, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc == DCCD_OK) {
        dccd_pq_column col;
        memset(&col, 0, sizeof col);
        err = (dccd_error){0};
        rc = dccd_pq_read_column(f, 0, 0, &col, &err);
        FUZZ_ERR_OK(rc, err);
        if (rc == DCCD_OK) {
            FUZZ_CHECK(col.n == (size_t)rows);
            unsigned s = 0;
            if (col.type == DCCD_PQ_BYTE_ARRAY) {
                FUZZ_CHECK(col.offsets && col.offsets[0] == 0);
                for (size_t i = 0; i < col.n; i++)
                    FUZZ_CHECK(col.offsets[i + 1] >= col.offsets[i]);
                for (int64_t i = 0; i < col.offsets[col.n]; i++)
                    s += col.data[i];
            } else {
                const uint8_t *v = col.values;
                for (size_t i = 0; i < col.n * width_of(col.type, col.type_length); i++)
                    s += v[i];
            }
            size_t nulls = 0;
            for (size_t i = 0; col.validity && i < col.n; i++) {
                FUZZ_CHECK(col.validity[i] <= 1);
                nulls += !col.validity[i];
            }
            FUZZ_CHECK(nulls == col.null_count);
            if (!(flags & 1))
                FUZZ_CHECK(col.null_count == 0);
            volatile unsigned sink = s;
            (void)sink;
        }
        dccd_pq_column_free(&col);
        dccd_pq_close(f);
    }
    free(exact);
    return 0;
}
