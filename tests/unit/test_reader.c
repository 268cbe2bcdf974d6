/*
 * tests/unit/test_reader.c - the Parquet reader on small files built in
 * memory by this test (with the meta.h and encoding.h/codec.h encoders), so
 * it runs without the parquet-testing corpus.
 *
 * The built file has two row groups (1000 + 500 rows) and four columns:
 *   ts    optional INT64 TIMESTAMP(us, utc)  rg0: PLAIN v1 (2 pages, CRC)
 *                                            rg1: DELTA_BINARY_PACKED v2
 *   sym   required BYTE_ARRAY STRING         rg0: dictionary + RLE_DICTIONARY v1
 *                                            rg1: same in v2, dictionary_page_offset 0
 *   px    required DOUBLE                    rg0: BYTE_STREAM_SPLIT v1, rg1: PLAIN v2
 *   side  optional BOOLEAN                   rg0: RLE v1, rg1: PLAIN v2
 * rg0 is SNAPPY with page CRCs, rg1 ZSTD.  ts in rg0 has a page index; sym
 * has bloom filters (with and without bloom_filter_length).
 *
 * Tests: values and layout, metadata accessors, statistics rules, bloom
 * filters, page index, fd/path/memory handles, concurrent reads from
 * threads, names, and error paths (CRC, dictionary index, sizes, schema
 * shapes, magic, truncation).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dccd/parquet.h"
#include "parquet/codec.h"
#include "parquet/encoding.h"
#include "parquet/file.h"
#include "parquet/meta.h"

#define RG0 1000
#define RG1 500
#define NCOL 4

static const char *const SYMS[3] = {"BTC-USD", "ETH-USD", "SOL-USD"};

static bool ts_valid(size_t i) { return i % 5 != 3; }
static int64_t ts_val(size_t i) { return INT64_C(1700000000000) + (int64_t)i * 7; }
static uint32_t sym_idx(size_t i) { return (uint32_t)((i * 7) % 3); }
static double px_val(size_t i) { return (double)i * 0.25 + 100.0; }
static bool side_valid(size_t i) { return i % 11 != 0; }
static uint8_t side_val(size_t i) { return (uint8_t)((i / 3) % 2); }

typedef struct opts {
    bool bad_dict_index;   /* one sym index = 3 (dictionary has 3 entries) */
    bool rows_mismatch;    /* row group 1 claims one more row than its pages hold */
    bool nested;           /* put ts inside a group */
    bool repeated;         /* make ts REPEATED */
    bool bad_children;     /* root claims too many children */
    bool unsigned_ts;      /* ts is UINT_64 (legacy stats must be ignored) */
    bool short_stat;       /* rg0 ts min_value has 7 bytes */
} opts;

typedef struct built {
    dccd_buf file;
    size_t page_payload[NCOL][2][3]; /* file offsets of page payloads */
    size_t page_header[NCOL][2][3];
} built;

#define OK(x) assert_int_equal((x), DCCD_OK)

/* Append a page: header + payload.  For v2 pages `levels` go uncompressed
 * in front of the (maybe compressed) body. */
static void put_page(built *bt, pq_page_header *h, dccd_pq_codec codec, bool crc, const uint8_t *levels,
                     size_t lv_len, const uint8_t *body, size_t body_len, size_t *hdr_off, size_t *payload_off)
{
    dccd_buf p = DCCD_BUF_INIT;
    OK(dccd_buf_append(&p, levels, lv_len, NULL));
    bool compress = codec != DCCD_PQ_UNCOMPRESSED && !(h->has_data_page_header_v2 && !h->data_page_header_v2.is_compressed);
    if (compress)
        OK(pq_compress(codec, 0, body, body_len, &p, NULL));
    else
        OK(dccd_buf_append(&p, body, body_len, NULL));
    h->uncompressed_page_size = (int32_t)(lv_len + body_len);
    h->compressed_page_size = (int32_t)p.len;
    if (crc) {
        h->has_crc = true;
        h->crc = (int32_t)pq_crc32(0, p.data, p.len);
    }
    if (hdr_off)
        *hdr_off = bt->file.len;
    OK(pq_encode_page_header(&bt->file, h, NULL));
    if (payload_off)
        *payload_off = bt->file.len;
    OK(dccd_buf_append(&bt->file, p.data, p.len, NULL));
    dccd_buf_free(&p);
}

/* RLE levels for rows [a, b) of an optional column. */
static void levels_for(dccd_buf *out, size_t a, size_t b, bool (*valid)(size_t))
{
    uint8_t *lv = malloc(b - a);
    assert_non_null(lv);
    for (size_t i = a; i < b; i++)
        lv[i - a] = valid(i);
    OK(pq_rle_encode_u8(out, lv, b - a, 1, NULL));
    free(lv);
}

/* Values (dense, non-null) of column c for rows [a, b) in encoding enc. */
static void values_for(dccd_buf *out, int c, size_t a, size_t b, int enc, const opts *o)
{
    switch (c) {
    case 0: {
        int64_t *v = malloc((b - a) * 8);
        size_t n = 0;
        for (size_t i = a; i < b; i++)
            if (ts_valid(i))
                v[n++] = ts_val(i);
        if (enc == DCCD_PQ_ENC_DELTA_BINARY_PACKED)
            OK(pq_delta_encode_i64(out, v, n, NULL));
        else
            for (size_t i = 0; i < n; i++) {
                uint8_t t[8];
                dccd_store_u64le(t, (uint64_t)v[i]);
                OK(dccd_buf_append(out, t, 8, NULL));
            }
        free(v);
        break;
    }
    case 1: {
        uint32_t *idx = malloc((b - a) * 4);
        for (size_t i = a; i < b; i++)
            idx[i - a] = sym_idx(i);
        if (o->bad_dict_index)
            idx[(b - a) / 2] = 3;
        OK(dccd_buf_append_byte(out, 2, NULL)); /* bit width */
        OK(pq_rle_encode(out, idx, b - a, 2, NULL));
        free(idx);
        break;
    }
    case 2: {
        double *v = malloc((b - a) * 8);
        for (size_t i = a; i < b; i++)
            v[i - a] = px_val(i);
        if (enc == DCCD_PQ_ENC_BYTE_STREAM_SPLIT)
            OK(pq_bss_encode(out, v, 8, b - a, NULL));
        else
            OK(dccd_buf_append(out, v, (b - a) * 8, NULL)); /* little-endian host */
        free(v);
        break;
    }
    case 3: {
        uint8_t *v = malloc(b - a);
        size_t n = 0;
        for (size_t i = a; i < b; i++)
            if (side_valid(i))
                v[n++] = side_val(i);
        if (enc == DCCD_PQ_ENC_RLE) {
            dccd_buf r = DCCD_BUF_INIT;
            OK(pq_rle_encode_u8(&r, v, n, 1, NULL));
            OK(dccd_buf_append_u32le(out, (uint32_t)r.len, NULL));
            OK(dccd_buf_append(out, r.data, r.len, NULL));
            dccd_buf_free(&r);
        } else {
            OK(pq_plain_encode_bool(out, v, n, NULL));
        }
        free(v);
        break;
    }
    }
}

static const bool OPTIONAL[NCOL] = {true, false, false, true};
static const int TYPES[NCOL] = {DCCD_PQ_INT64, DCCD_PQ_BYTE_ARRAY, DCCD_PQ_DOUBLE, DCCD_PQ_BOOLEAN};
static const char *const NAMES[NCOL] = {"ts", "sym", "px", "side"};
static bool (*const VALID[NCOL])(size_t) = {ts_valid, NULL, NULL, side_valid};

static size_t count_nulls(int c, size_t a, size_t b)
{
    size_t n = 0;
    if (VALID[c])
        for (size_t i = a; i < b; i++)
            n += !VALID[c](i);
    return n;
}

static void write_dict(built *bt, dccd_pq_codec codec, bool crc, size_t *hdr, size_t *pl)
{
    dccd_buf d = DCCD_BUF_INIT;
    int64_t offs[4] = {0, 7, 14, 21};
    OK(pq_plain_encode_byte_array(&d, (const uint8_t *)"BTC-USDETH-USDSOL-USD", offs, 3, NULL));
    pq_page_header h;
    memset(&h, 0, sizeof h);
    h.type = PQ_PAGE_DICTIONARY;
    h.has_dictionary_page_header = true;
    h.dictionary_page_header.num_values = 3;
    h.dictionary_page_header.encoding = DCCD_PQ_ENC_PLAIN;
    put_page(bt, &h, codec, crc, NULL, 0, d.data, d.len, hdr, pl);
    dccd_buf_free(&d);
}

static void stat_bytes(pq_bytes *b, const void *p, size_t n, dccd_arena *a)
{
    b->p = dccd_arena_memdup(a, p, n);
    b->n = n;
}

static void build(built *bt, const opts *o)
{
    memset(bt, 0, sizeof *bt);
    dccd_arena a;
    dccd_arena_init(&a, 0);
    OK(dccd_buf_append(&bt->file, "PAR1", 4, NULL));
    pq_row_group rgs[2];
    pq_column_chunk chunks[2][NCOL];
    memset(rgs, 0, sizeof rgs);
    memset(chunks, 0, sizeof chunks);
    static const int32_t enc_lists[NCOL][2][3] = {
        {{DCCD_PQ_ENC_PLAIN, DCCD_PQ_ENC_RLE}, {DCCD_PQ_ENC_DELTA_BINARY_PACKED, DCCD_PQ_ENC_RLE}},
        {{DCCD_PQ_ENC_PLAIN, DCCD_PQ_ENC_RLE_DICTIONARY}, {DCCD_PQ_ENC_PLAIN, DCCD_PQ_ENC_RLE_DICTIONARY}},
        {{DCCD_PQ_ENC_BYTE_STREAM_SPLIT}, {DCCD_PQ_ENC_PLAIN}},
        {{DCCD_PQ_ENC_RLE}, {DCCD_PQ_ENC_PLAIN, DCCD_PQ_ENC_RLE}}};
    static const int data_enc[NCOL][2] = {{DCCD_PQ_ENC_PLAIN, DCCD_PQ_ENC_DELTA_BINARY_PACKED},
                                          {DCCD_PQ_ENC_RLE_DICTIONARY, DCCD_PQ_ENC_RLE_DICTIONARY},
                                          {DCCD_PQ_ENC_BYTE_STREAM_SPLIT, DCCD_PQ_ENC_PLAIN},
                                          {DCCD_PQ_ENC_RLE, DCCD_PQ_ENC_PLAIN}};
    size_t ts_page_hdr[2] = {0, 0}, ts_page_end[2] = {0, 0};
    for (int g = 0; g < 2; g++) {
        size_t base = g == 0 ? 0 : RG0, rows = g == 0 ? RG0 : RG1;
        dccd_pq_codec codec = g == 0 ? DCCD_PQ_SNAPPY : DCCD_PQ_ZSTD;
        bool crc = g == 0;
        for (int c = 0; c < NCOL; c++) {
            pq_column_chunk *cc = &chunks[g][c];
            pq_column_meta *m = &cc->meta_data;
            size_t start = bt->file.len;
            int pi = 0;
            if (c == 1) {
                write_dict(bt, codec, crc, &bt->page_header[c][g][0], &bt->page_payload[c][g][0]);
                pi = 1;
            }
            size_t data_start = bt->file.len;
            /* rg0 has two pages (600 + 400), rg1 one */
            size_t bounds[3] = {base, g == 0 ? base + 600 : base + rows, base + rows};
            int npages = g == 0 ? 2 : 1;
            for (int p = 0; p < npages; p++, pi++) {
                size_t lo = bounds[p], hi = bounds[p + 1];
                dccd_buf lv = DCCD_BUF_INIT, vals = DCCD_BUF_INIT, body = DCCD_BUF_INIT;
                if (OPTIONAL[c])
                    levels_for(&lv, lo, hi, VALID[c]);
                values_for(&vals, c, lo, hi, data_enc[c][g], o);
                pq_page_header h;
                memset(&h, 0, sizeof h);
                if (c == 0 && g == 0)
                    ts_page_hdr[p] = bt->file.len;
                if (g == 0) {
                    h.type = PQ_PAGE_DATA;
                    h.has_data_page_header = true;
                    h.data_page_header.num_values = (int32_t)(hi - lo);
                    h.data_page_header.encoding = data_enc[c][g];
                    h.data_page_header.definition_level_encoding = DCCD_PQ_ENC_RLE;
                    h.data_page_header.repetition_level_encoding = DCCD_PQ_ENC_RLE;
                    if (OPTIONAL[c]) {
                        OK(dccd_buf_append_u32le(&body, (uint32_t)lv.len, NULL));
                        OK(dccd_buf_append(&body, lv.data, lv.len, NULL));
                    }
                    OK(dccd_buf_append(&body, vals.data, vals.len, NULL));
                    put_page(bt, &h, codec, crc, NULL, 0, body.data, body.len, &bt->page_header[c][g][pi],
                             &bt->page_payload[c][g][pi]);
                } else {
                    h.type = PQ_PAGE_DATA_V2;
                    h.has_data_page_header_v2 = true;
                    pq_data_page_header_v2 *d = &h.data_page_header_v2;
                    d->num_values = (int32_t)(hi - lo);
                    d->num_rows = (int32_t)(hi - lo);
                    d->num_nulls = (int32_t)count_nulls(c, lo, hi);
                    d->encoding = data_enc[c][g];
                    d->definition_levels_byte_length = (int32_t)lv.len;
                    d->is_compressed = c != 2; /* px values stored uncompressed */
                    put_page(bt, &h, codec, crc, lv.data, lv.len, vals.data, vals.len, &bt->page_header[c][g][pi],
                             &bt->page_payload[c][g][pi]);
                }
                if (c == 0 && g == 0)
                    ts_page_end[p] = bt->file.len;
                dccd_buf_free(&lv);
                dccd_buf_free(&vals);
                dccd_buf_free(&body);
            }
            m->type = TYPES[c];
            m->encodings = (int32_t *)enc_lists[c][g];
            static const size_t n_enc[NCOL][2] = {{2, 2}, {2, 2}, {1, 1}, {1, 2}};
            m->n_encodings = n_enc[c][g];
            m->path_in_schema = (const char **)&NAMES[c];
            m->n_path = 1;
            m->codec = codec;
            m->num_values = (int64_t)rows;
            m->total_compressed_size = (int64_t)(bt->file.len - start);
            m->total_uncompressed_size = (int64_t)(bt->file.len - start) * 4;
            m->data_page_offset = (int64_t)data_start;
            if (c == 1) {
                m->has_dictionary_page_offset = true;
                if (g == 0) {
                    m->dictionary_page_offset = (int64_t)start;
                } else {
                    /* the quirk: 0 here, data_page_offset at the dictionary */
                    m->dictionary_page_offset = 0;
                    m->data_page_offset = (int64_t)start;
                }
            }
            cc->file_offset = (int64_t)start;
            cc->has_meta_data = true;
        }
        /* statistics */
        pq_column_meta *ts = &chunks[g][0].meta_data;
        ts->has_statistics = true;
        ts->statistics.has_null_count = true;
        ts->statistics.null_count = (int64_t)count_nulls(0, base, base + rows);
        uint8_t mn[8], mx[8];
        size_t first = base;
        while (!ts_valid(first))
            first++;
        size_t last = base + rows - 1;
        while (!ts_valid(last))
            last--;
        dccd_store_u64le(mn, (uint64_t)ts_val(first));
        dccd_store_u64le(mx, (uint64_t)ts_val(last));
        if (g == 0) {
            stat_bytes(&ts->statistics.min_value, mn, o->short_stat ? 7 : 8, &a);
            stat_bytes(&ts->statistics.max_value, mx, 8, &a);
        } else {
            stat_bytes(&ts->statistics.min, mn, 8, &a);
            stat_bytes(&ts->statistics.max, mx, 8, &a);
        }
        pq_column_meta *sym = &chunks[g][1].meta_data;
        sym->has_statistics = true;
        if (g == 0) { /* legacy only: not trustworthy for BYTE_ARRAY */
            stat_bytes(&sym->statistics.min, "BTC-USD", 7, &a);
            stat_bytes(&sym->statistics.max, "SOL-USD", 7, &a);
        } else {
            stat_bytes(&sym->statistics.min_value, "BTC-USD", 7, &a);
            stat_bytes(&sym->statistics.max_value, "SOL-USD", 7, &a);
            sym->statistics.has_distinct_count = true;
            sym->statistics.distinct_count = 3;
        }
        rgs[g].columns = chunks[g];
        rgs[g].n_columns = NCOL;
        rgs[g].num_rows = (int64_t)rows + (g == 1 && o->rows_mismatch ? 1 : 0);
        rgs[g].total_byte_size = 12345 + g;
    }

    /* bloom filters on sym: rg0 with length, rg1 without */
    for (int g = 0; g < 2; g++) {
        size_t nb = pq_bloom_size(3, 0.01);
        uint8_t *bits = calloc(1, nb);
        for (int k = 0; k < 3; k++)
            pq_bloom_insert(bits, nb, pq_bloom_hash(SYMS[k], 7));
        pq_bloom_header bh = {(int32_t)nb, true, true, true};
        size_t off = bt->file.len;
        OK(pq_encode_bloom_header(&bt->file, &bh, NULL));
        OK(dccd_buf_append(&bt->file, bits, nb, NULL));
        free(bits);
        pq_column_meta *m = &chunks[g][1].meta_data;
        m->has_bloom_filter_offset = true;
        m->bloom_filter_offset = (int64_t)off;
        if (g == 0) {
            m->has_bloom_filter_length = true;
            m->bloom_filter_length = (int32_t)(bt->file.len - off);
        }
    }

    /* page index for ts in rg0 */
    {
        pq_column_index ci;
        memset(&ci, 0, sizeof ci);
        bool null_pages[2] = {false, false};
        pq_bytes mins[2], maxs[2];
        int64_t ncounts[2] = {(int64_t)count_nulls(0, 0, 600), (int64_t)count_nulls(0, 600, 1000)};
        uint8_t mb[2][8], xb[2][8];
        dccd_store_u64le(mb[0], (uint64_t)ts_val(0));
        dccd_store_u64le(xb[0], (uint64_t)ts_val(599));
        dccd_store_u64le(mb[1], (uint64_t)ts_val(600));
        dccd_store_u64le(xb[1], (uint64_t)ts_val(999));
        for (int p = 0; p < 2; p++) {
            mins[p].p = mb[p];
            mins[p].n = 8;
            maxs[p].p = xb[p];
            maxs[p].n = 8;
        }
        ci.null_pages = null_pages;
        ci.n_pages = 2;
        ci.min_values = mins;
        ci.max_values = maxs;
        ci.boundary_order = 1;
        ci.null_counts = ncounts;
        size_t off = bt->file.len;
        OK(pq_encode_column_index(&bt->file, &ci, NULL));
        chunks[0][0].has_column_index = true;
        chunks[0][0].column_index_offset = (int64_t)off;
        chunks[0][0].column_index_length = (int32_t)(bt->file.len - off);
        pq_page_location locs[2];
        for (int p = 0; p < 2; p++) {
            locs[p].offset = (int64_t)ts_page_hdr[p];
            locs[p].compressed_page_size = (int32_t)(ts_page_end[p] - ts_page_hdr[p]);
            locs[p].first_row_index = p == 0 ? 0 : 600;
        }
        pq_offset_index oi = {locs, 2};
        off = bt->file.len;
        OK(pq_encode_offset_index(&bt->file, &oi, NULL));
        chunks[0][0].has_offset_index = true;
        chunks[0][0].offset_index_offset = (int64_t)off;
        chunks[0][0].offset_index_length = (int32_t)(bt->file.len - off);
    }

    /* schema */
    pq_schema_element se[NCOL + 2];
    memset(se, 0, sizeof se);
    se[0].name = "schema";
    se[0].num_children = NCOL;
    for (int c = 0; c < NCOL; c++) {
        pq_schema_element *e = &se[c + 1];
        e->name = NAMES[c];
        e->has_type = true;
        e->type = TYPES[c];
        e->has_repetition = true;
        e->repetition = OPTIONAL[c] ? PQ_OPTIONAL : PQ_REQUIRED;
    }
    se[1].has_logical_type = true;
    se[1].logical_type.kind = PQ_LT_TIMESTAMP;
    se[1].logical_type.unit = 1;
    se[1].logical_type.utc = true;
    if (o->unsigned_ts) {
        se[1].has_logical_type = false;
        se[1].has_converted_type = true;
        se[1].converted_type = 14; /* UINT_64 */
    }
    se[2].has_converted_type = true;
    se[2].converted_type = 0; /* UTF8, no LogicalType */
    if (o->repeated)
        se[1].repetition = PQ_REPEATED;
    size_t n_schema = NCOL + 1;
    if (o->nested) {
        /* root{ g{ ts }, sym, px, side } */
        memmove(&se[2], &se[1], sizeof se[0] * NCOL);
        memset(&se[1], 0, sizeof se[0]);
        se[1].name = "g";
        se[1].num_children = 1;
        se[1].has_repetition = true;
        se[1].repetition = PQ_OPTIONAL;
        n_schema++;
    }
    if (o->bad_children)
        se[0].num_children = NCOL + 3;
    pq_key_value kv[3] = {{"dccd.schema", "v1", 2}, {"k2", NULL, 0}, {"dccd.schema", "v2", 2}};
    pq_file_meta fm;
    memset(&fm, 0, sizeof fm);
    fm.version = 2;
    fm.schema = se;
    fm.n_schema = n_schema;
    fm.num_rows = RG0 + RG1 + (o->rows_mismatch ? 1 : 0);
    fm.row_groups = rgs;
    fm.n_row_groups = 2;
    fm.kv = kv;
    fm.n_kv = 3;
    fm.created_by = "dccd test_reader";
    size_t foot = bt->file.len;
    OK(pq_encode_file_meta(&bt->file, &fm, NULL));
    OK(dccd_buf_append_u32le(&bt->file, (uint32_t)(bt->file.len - foot), NULL));
    OK(dccd_buf_append(&bt->file, "PAR1", 4, NULL));
    dccd_arena_free(&a);
}

static dccd_pq_file *open_built(const built *bt)
{
    dccd_pq_file *f = NULL;
    dccd_error e;
    int rc = dccd_pq_open_mem(bt->file.data, bt->file.len, "t.parquet", &f, &e);
    if (rc)
        fail_msg("open: %s", e.msg);
    return f;
}

/* ---- checks ----------------------------------------------------------------- */

static void check_column(const dccd_pq_column *col, int c, size_t base, size_t rows)
{
    assert_int_equal(col->n, rows);
    assert_int_equal(col->type, TYPES[c]);
    size_t nulls = count_nulls(c, base, base + rows);
    assert_int_equal(col->null_count, nulls);
    if (nulls == 0)
        assert_null(col->validity);
    else
        assert_non_null(col->validity);
    for (size_t i = 0; i < rows; i++) {
        size_t r = base + i;
        bool valid = VALID[c] ? VALID[c](r) : true;
        if (col->validity)
            assert_int_equal(col->validity[i], valid);
        switch (c) {
        case 0:
            assert_true(((const int64_t *)col->values)[i] == (valid ? ts_val(r) : 0));
            break;
        case 1: {
            const char *s = SYMS[sym_idx(r)];
            assert_int_equal(col->offsets[i + 1] - col->offsets[i], 7);
            assert_memory_equal(col->data + col->offsets[i], s, 7);
            break;
        }
        case 2:
            assert_true(((const double *)col->values)[i] == px_val(r));
            break;
        case 3:
            assert_int_equal(((const uint8_t *)col->values)[i], valid ? side_val(r) : 0);
            break;
        }
    }
}

static void check_file(dccd_pq_file *f)
{
    for (int g = 0; g < 2; g++)
        for (int c = 0; c < NCOL; c++) {
            dccd_pq_column col;
            dccd_error e;
            int rc = dccd_pq_read_column(f, g, c, &col, &e);
            if (rc)
                fail_msg("rg %d col %d: %s", g, c, e.msg);
            check_column(&col, c, g == 0 ? 0 : RG0, g == 0 ? RG0 : RG1);
            dccd_pq_column_free(&col);
        }
}

static void test_values(void **state)
{
    (void)state;
    opts o = {0};
    built bt;
    build(&bt, &o);
    dccd_pq_file *f = open_built(&bt);
    check_file(f);
    dccd_pq_close(f);
    dccd_buf_free(&bt.file);
}

static void test_metadata(void **state)
{
    (void)state;
    opts o = {0};
    built bt;
    build(&bt, &o);
    dccd_pq_file *f = open_built(&bt);
    assert_string_equal(dccd_pq_name(f), "t.parquet");
    assert_int_equal(dccd_pq_num_rows(f), RG0 + RG1);
    assert_int_equal(dccd_pq_num_row_groups(f), 2);
    assert_int_equal(dccd_pq_num_columns(f), NCOL);
    assert_int_equal(dccd_pq_file_size(f), bt.file.len);
    assert_int_equal(dccd_pq_version(f), 2);
    assert_string_equal(dccd_pq_created_by(f), "dccd test_reader");
    assert_int_equal(dccd_pq_row_group_rows(f, 1), RG1);
    assert_int_equal(dccd_pq_row_group_rows(f, 2), -1);
    assert_int_equal(dccd_pq_row_group_bytes(f, 1), 12346);
    assert_int_equal(dccd_pq_column_index(f, "px"), 2);
    assert_int_equal(dccd_pq_column_index(f, "nope"), -1);
    assert_null(dccd_pq_column_info_at(f, 4));
    const dccd_pq_column_info *ts = dccd_pq_column_info_at(f, 0);
    assert_string_equal(ts->name, "ts");
    assert_true(ts->optional);
    assert_int_equal(ts->logical, DCCD_PQ_LOG_TIMESTAMP);
    assert_int_equal(ts->unit, DCCD_PQ_MICROS);
    assert_true(ts->utc);
    assert_int_equal(ts->converted_type, -1);
    const dccd_pq_column_info *sym = dccd_pq_column_info_at(f, 1);
    assert_false(sym->optional);
    assert_int_equal(sym->logical, DCCD_PQ_LOG_STRING); /* from converted UTF8 */
    assert_int_equal(sym->converted_type, 0);
    assert_int_equal(dccd_pq_column_info_at(f, 2)->logical, DCCD_PQ_LOG_NONE);
    assert_int_equal(dccd_pq_kv_count(f), 3);
    assert_string_equal(dccd_pq_kv_at(f, 0)->key, "dccd.schema");
    assert_null(dccd_pq_kv_at(f, 1)->value);
    assert_null(dccd_pq_kv_at(f, 3));
    assert_string_equal(dccd_pq_kv_get(f, "dccd.schema"), "v2"); /* last wins */
    assert_null(dccd_pq_kv_get(f, "k2"));
    assert_null(dccd_pq_kv_get(f, "absent"));

    dccd_pq_chunk_info ci;
    dccd_error e;
    OK(dccd_pq_chunk(f, 0, 1, &ci, &e));
    assert_int_equal(ci.codec, DCCD_PQ_SNAPPY);
    assert_int_equal(ci.n_encodings, 2);
    assert_int_equal(ci.encodings[1], DCCD_PQ_ENC_RLE_DICTIONARY);
    assert_int_equal(ci.num_values, RG0);
    assert_true(ci.dictionary_page_offset > 0);
    assert_int_equal(ci.file_offset, ci.dictionary_page_offset);
    assert_false(ci.stats.has_min); /* legacy min/max on BYTE_ARRAY: ignored */
    assert_false(ci.stats.has_max);
    assert_true(ci.has_bloom_filter);
    assert_true(ci.bloom_filter_length > 0);
    OK(dccd_pq_chunk(f, 1, 1, &ci, &e));
    assert_int_equal(ci.codec, DCCD_PQ_ZSTD);
    assert_int_equal(ci.dictionary_page_offset, 0);
    assert_int_equal(ci.file_offset, ci.data_page_offset); /* offset 0 is not a position */
    assert_true(ci.stats.has_min && ci.stats.has_max);
    assert_int_equal(ci.stats.min_len, 7);
    assert_memory_equal(ci.stats.max, "SOL-USD", 7);
    assert_true(ci.stats.has_distinct_count);
    assert_int_equal(ci.stats.distinct_count, 3);
    assert_int_equal(ci.bloom_filter_length, -1);
    assert_int_equal(dccd_pq_chunk(f, 2, 0, &ci, &e), DCCD_EINVAL);
    assert_int_equal(dccd_pq_chunk(f, 0, -1, &ci, &e), DCCD_EINVAL);

    /* ts statistics: min_value/max_value in rg0, legacy in rg1 (signed INT64: usable) */
    int64_t v;
    for (int g = 0; g < 2; g++) {
        size_t base = g == 0 ? 0 : RG0, rows = g == 0 ? RG0 : RG1;
        int64_t lo = INT64_MAX, hi = INT64_MIN;
        for (size_t i = base; i < base + rows; i++)
            if (ts_valid(i)) {
                lo = ts_val(i) < lo ? ts_val(i) : lo;
                hi = ts_val(i) > hi ? ts_val(i) : hi;
            }
        assert_true(dccd_pq_stat_min_i64(f, g, 0, &v));
        assert_true(v == lo);
        assert_true(dccd_pq_stat_max_i64(f, g, 0, &v));
        assert_true(v == hi);
        OK(dccd_pq_chunk(f, g, 0, &ci, &e));
        assert_true(ci.stats.has_null_count);
        assert_int_equal(ci.stats.null_count, (int64_t)count_nulls(0, base, base + rows));
    }
    assert_false(dccd_pq_stat_min_i64(f, 0, 1, &v)); /* not an integer column */
    assert_false(dccd_pq_stat_min_i64(f, 0, 2, &v)); /* no stats */
    dccd_pq_close(f);
    dccd_buf_free(&bt.file);

    /* unsigned logical type: legacy (signed-order) min/max are not trusted */
    o.unsigned_ts = true;
    build(&bt, &o);
    f = open_built(&bt);
    assert_int_equal(dccd_pq_column_info_at(f, 0)->logical, DCCD_PQ_LOG_INTEGER);
    assert_false(dccd_pq_column_info_at(f, 0)->is_signed);
    assert_int_equal(dccd_pq_column_info_at(f, 0)->bit_width, 64);
    assert_true(dccd_pq_stat_min_i64(f, 0, 0, &v));   /* min_value: fine */
    assert_false(dccd_pq_stat_min_i64(f, 1, 0, &v));  /* legacy min: ignored */
    dccd_pq_close(f);
    dccd_buf_free(&bt.file);

    /* a statistic whose width does not match the type is ignored */
    o.unsigned_ts = false;
    o.short_stat = true;
    build(&bt, &o);
    f = open_built(&bt);
    OK(dccd_pq_chunk(f, 0, 0, &ci, &e));
    assert_false(ci.stats.has_min);
    assert_true(ci.stats.has_max);
    dccd_pq_close(f);
    dccd_buf_free(&bt.file);
}

static void test_bloom_and_index(void **state)
{
    (void)state;
    opts o = {0};
    built bt;
    build(&bt, &o);
    dccd_pq_file *f = open_built(&bt);
    dccd_error e;
    int res;
    for (int g = 0; g < 2; g++) {
        for (int k = 0; k < 3; k++) {
            OK(dccd_pq_bloom_check(f, g, 1, SYMS[k], 7, &res, &e));
            assert_int_equal(res, 1);
        }
        int absent = 0;
        for (int k = 0; k < 50; k++) {
            char s[16];
            int l = snprintf(s, sizeof s, "X%d-USD", k);
            OK(dccd_pq_bloom_check(f, g, 1, s, (size_t)l, &res, &e));
            absent += res == 0;
        }
        assert_true(absent >= 45);
    }
    int64_t ts0 = ts_val(0);
    OK(dccd_pq_bloom_check(f, 0, 0, &ts0, 8, &res, &e));
    assert_int_equal(res, -1); /* no filter */
    assert_int_equal(dccd_pq_bloom_check(f, 0, 0, &ts0, 4, &res, &e), DCCD_EINVAL); /* wrong width */

    dccd_pq_page_info *pages;
    size_t np;
    OK(dccd_pq_page_index(f, 0, 0, &pages, &np, &e));
    assert_int_equal(np, 2);
    assert_int_equal(pages[0].first_row, 0);
    assert_int_equal(pages[1].first_row, 600);
    assert_int_equal(pages[0].offset, (int64_t)bt.page_header[0][0][0]);
    assert_int_equal(pages[1].offset, (int64_t)bt.page_header[0][0][1]);
    assert_int_equal(pages[0].null_count, (int64_t)count_nulls(0, 0, 600));
    assert_int_equal(pages[1].max_len, 8);
    assert_true((int64_t)dccd_load_u64le(pages[1].max) == ts_val(999));
    assert_true((int64_t)dccd_load_u64le(pages[0].min) == ts_val(0));
    assert_false(pages[0].null_page);
    /* the page lengths cover header + payload: the next page starts there */
    assert_int_equal(pages[0].offset + pages[0].compressed_size, pages[1].offset);
    free(pages);
    assert_int_equal(dccd_pq_page_index(f, 0, 1, &pages, &np, &e), DCCD_ENOTFOUND);
    dccd_pq_close(f);
    dccd_buf_free(&bt.file);
}

static void test_handles(void **state)
{
    (void)state;
    opts o = {0};
    built bt;
    build(&bt, &o);
    char path[] = "/tmp/dccd_test_reader_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, bt.file.data, bt.file.len), (ssize_t)bt.file.len);
    dccd_pq_file *f = NULL;
    dccd_error e;
    OK(dccd_pq_open_fd(fd, NULL, &f, &e));
    close(fd); /* the handle dup'ed it */
    assert_non_null(strstr(dccd_pq_name(f), "fd"));
    check_file(f);
    dccd_pq_close(f);
    OK(dccd_pq_open(path, &f, &e));
    assert_string_equal(dccd_pq_name(f), path);
    check_file(f);
    /* the internal I/O contract */
    uint8_t m[4];
    OK(pq_file_read_at(f, 0, 4, m, &e));
    assert_memory_equal(m, "PAR1", 4);
    assert_int_equal(pq_file_read_at(f, bt.file.len - 2, 4, m, &e), DCCD_ECORRUPT);
    uint64_t start, len;
    OK(pq_chunk_range(f, 1, 1, &start, &len, &e));
    assert_int_equal(start, bt.page_header[1][1][0]); /* the dictionary page */
    dccd_pq_close(f);
    unlink(path);
    assert_int_equal(dccd_pq_open(path, &f, &e), DCCD_ENOTFOUND);
    assert_null(f);
    dccd_buf_free(&bt.file);
}

typedef struct thr_arg {
    dccd_pq_file *f;
    int failures;
} thr_arg;

static void *reader_thread(void *p)
{
    thr_arg *a = p;
    for (int it = 0; it < 20; it++)
        for (int g = 0; g < 2; g++)
            for (int c = 0; c < NCOL; c++) {
                dccd_pq_column col;
                if (dccd_pq_read_column(a->f, g, c, &col, NULL) != DCCD_OK) {
                    a->failures++;
                    continue;
                }
                if (col.n != (size_t)(g == 0 ? RG0 : RG1))
                    a->failures++;
                if (c == 0 && col.validity && ((int64_t *)col.values)[1] != ts_val(g == 0 ? 1 : RG0 + 1))
                    a->failures++;
                dccd_pq_column_free(&col);
            }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    opts o = {0};
    built bt;
    build(&bt, &o);
    char path[] = "/tmp/dccd_test_reader_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, bt.file.data, bt.file.len), (ssize_t)bt.file.len);
    close(fd);
    dccd_pq_file *f = NULL;
    OK(dccd_pq_open(path, &f, NULL));
    pthread_t t[4];
    thr_arg args[4];
    for (int i = 0; i < 4; i++) {
        args[i].f = f;
        args[i].failures = 0;
        assert_int_equal(pthread_create(&t[i], NULL, reader_thread, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(args[i].failures, 0);
    }
    dccd_pq_close(f);
    unlink(path);
    dccd_buf_free(&bt.file);
}

/* ---- error paths -------------------------------------------------------------- */

static int read_err(const built *bt, int rg, int col, dccd_error *e)
{
    dccd_pq_file *f = NULL;
    int rc = dccd_pq_open_mem(bt->file.data, bt->file.len, "t.parquet", &f, e);
    if (rc)
        return rc;
    dccd_pq_column c;
    rc = dccd_pq_read_column(f, rg, col, &c, e);
    if (!rc)
        dccd_pq_column_free(&c);
    dccd_pq_close(f);
    return rc;
}

static void test_errors(void **state)
{
    (void)state;
    opts o = {0};
    built bt;
    dccd_error e;
    build(&bt, &o);

    /* CRC mismatch in the second page of ts */
    bt.file.data[bt.page_payload[0][0][1] + 3] ^= 0x10;
    assert_int_equal(read_err(&bt, 0, 0, &e), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "t.parquet: row group 0, column 'ts', page 1: page CRC mismatch"));
    bt.file.data[bt.page_payload[0][0][1] + 3] ^= 0x10;
    OK(read_err(&bt, 0, 0, &e));

    /* compressed size beyond the chunk: rewrite the rg1 px page header
     * (v2, no CRC) with a same-length varint */
    {
        pq_page_header h;
        size_t consumed;
        dccd_arena a;
        dccd_arena_init(&a, 0);
        size_t ho = bt.page_header[2][1][0];
        OK(pq_decode_page_header(bt.file.data + ho, bt.file.len - ho, &a, &h, &consumed, &e));
        assert_int_equal(h.compressed_page_size, RG1 * 8);
        h.compressed_page_size = 8000;
        dccd_buf nb = DCCD_BUF_INIT;
        OK(pq_encode_page_header(&nb, &h, &e));
        assert_int_equal(nb.len, consumed);
        uint8_t *saved = malloc(consumed);
        memcpy(saved, bt.file.data + ho, consumed);
        memcpy(bt.file.data + ho, nb.data, consumed);
        assert_int_equal(read_err(&bt, 1, 2, &e), DCCD_ECORRUPT);
        assert_non_null(strstr(e.msg, "row group 1, column 'px', page 0: compressed size 8000 exceeds the chunk"));
        dccd_buf_free(&nb);
        memcpy(bt.file.data + ho, saved, consumed);
        OK(read_err(&bt, 1, 2, &e));
        free(saved);
        dccd_arena_free(&a);
    }

    /* truncate the file in the middle of rg1's data: reads of rg1 fail, open fails */
    {
        dccd_pq_file *f = NULL;
        size_t cut = bt.page_payload[0][1][0] + 5;
        assert_int_not_equal(dccd_pq_open_mem(bt.file.data, cut, "cut", &f, &e), DCCD_OK);
        assert_null(f);
    }
    dccd_buf_free(&bt.file);

    /* dictionary index out of range */
    o.bad_dict_index = true;
    build(&bt, &o);
    assert_int_equal(read_err(&bt, 0, 1, &e), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "column 'sym', page 1"));
    assert_non_null(strstr(e.msg, "out of range"));
    dccd_buf_free(&bt.file);
    o.bad_dict_index = false;

    /* pages hold fewer rows than the row group claims */
    o.rows_mismatch = true;
    build(&bt, &o);
    assert_int_equal(read_err(&bt, 1, 2, &e), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "row group 1, column 'px'"));
    dccd_buf_free(&bt.file);
    o.rows_mismatch = false;

    /* nested and repeated schemas */
    o.nested = true;
    build(&bt, &o);
    assert_int_equal(read_err(&bt, 0, 0, &e), DCCD_EUNSUPPORTED);
    assert_non_null(strstr(e.msg, "column 'g.ts': nested columns are not supported"));
    dccd_buf_free(&bt.file);
    o.nested = false;
    o.repeated = true;
    build(&bt, &o);
    assert_int_equal(read_err(&bt, 0, 0, &e), DCCD_EUNSUPPORTED);
    assert_non_null(strstr(e.msg, "column 'ts': nested"));
    dccd_buf_free(&bt.file);
    o.repeated = false;
    o.bad_children = true;
    build(&bt, &o);
    assert_int_equal(read_err(&bt, 0, 0, &e), DCCD_ECORRUPT);
    dccd_buf_free(&bt.file);
    o.bad_children = false;

    /* magic and footer length */
    build(&bt, &o);
    size_t n = bt.file.len;
    memcpy(bt.file.data + n - 4, "PARE", 4);
    assert_int_equal(read_err(&bt, 0, 0, &e), DCCD_EUNSUPPORTED);
    assert_non_null(strstr(e.msg, "encrypted footer is not supported"));
    memcpy(bt.file.data + n - 4, "PAR2", 4);
    assert_int_equal(read_err(&bt, 0, 0, &e), DCCD_ECORRUPT);
    memcpy(bt.file.data + n - 4, "PAR1", 4);
    uint8_t saved[4];
    memcpy(saved, bt.file.data + n - 8, 4);
    dccd_store_u32le(bt.file.data + n - 8, (uint32_t)n);
    assert_int_equal(read_err(&bt, 0, 0, &e), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "footer length"));
    dccd_store_u32le(bt.file.data + n - 8, 0xffffffffu);
    assert_int_equal(read_err(&bt, 0, 0, &e), DCCD_ECORRUPT);
    memcpy(bt.file.data + n - 8, saved, 4);
    memcpy(bt.file.data, "XAR1", 4);
    assert_int_equal(read_err(&bt, 0, 0, &e), DCCD_ECORRUPT);
    memcpy(bt.file.data, "PAR1", 4);
    OK(read_err(&bt, 0, 0, &e));
    assert_int_equal(read_err(&bt, 2, 0, &e), DCCD_EINVAL);
    assert_int_equal(read_err(&bt, 0, 4, &e), DCCD_EINVAL);
    dccd_pq_file *f = NULL;
    assert_int_equal(dccd_pq_open_mem(bt.file.data, 11, "tiny", &f, &e), DCCD_ECORRUPT);

    /* every truncation fails cleanly; every single-byte corruption of the
     * chunk data either decodes or fails, never crashes */
    for (size_t cut = 0; cut < n; cut += 7) {
        uint8_t *t = malloc(cut ? cut : 1);
        memcpy(t, bt.file.data, cut);
        assert_int_not_equal(dccd_pq_open_mem(t, cut, "cut", &f, &e), DCCD_OK);
        free(t);
    }
    for (size_t pos = 4; pos < n - 8; pos += 3) {
        uint8_t old = bt.file.data[pos];
        bt.file.data[pos] = (uint8_t)(old ^ 0xa5);
        if (dccd_pq_open_mem(bt.file.data, n, "flip", &f, &e) == DCCD_OK) {
            for (int g = 0; g < 2; g++)
                for (int c = 0; c < NCOL; c++) {
                    dccd_pq_column col;
                    if (dccd_pq_read_column(f, g, c, &col, &e) == DCCD_OK)
                        dccd_pq_column_free(&col);
                    else
                        assert_true(e.msg[0] != '\0');
                }
            dccd_pq_close(f);
        }
        bt.file.data[pos] = old;
    }
    dccd_buf_free(&bt.file);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(dccd_pq_type_name(DCCD_PQ_INT64), "INT64");
    assert_string_equal(dccd_pq_type_name(DCCD_PQ_FIXED_LEN_BYTE_ARRAY), "FIXED_LEN_BYTE_ARRAY");
    assert_string_equal(dccd_pq_type_name((dccd_pq_type)42), "UNKNOWN");
    assert_string_equal(dccd_pq_codec_name(DCCD_PQ_SNAPPY), "SNAPPY");
    assert_string_equal(dccd_pq_codec_name(DCCD_PQ_LZ4_RAW), "LZ4_RAW");
    assert_string_equal(dccd_pq_encoding_name(DCCD_PQ_ENC_RLE_DICTIONARY), "RLE_DICTIONARY");
    assert_string_equal(dccd_pq_encoding_name(DCCD_PQ_ENC_BYTE_STREAM_SPLIT), "BYTE_STREAM_SPLIT");
    assert_string_equal(dccd_pq_encoding_name((dccd_pq_encoding)1), "UNKNOWN");
    assert_string_equal(dccd_pq_logical_name(DCCD_PQ_LOG_STRING), "STRING");
    assert_string_equal(dccd_pq_logical_name(DCCD_PQ_LOG_TIMESTAMP), "TIMESTAMP");
    assert_string_equal(dccd_pq_logical_name(DCCD_PQ_LOG_UNKNOWN), "UNKNOWN");
    static const struct {
        const char *s;
        dccd_pq_codec c;
    } ok[] = {{"snappy", DCCD_PQ_SNAPPY}, {"ZSTD", DCCD_PQ_ZSTD},     {"Gzip", DCCD_PQ_GZIP},
              {"lz4_raw", DCCD_PQ_LZ4_RAW}, {"lz4", DCCD_PQ_LZ4},     {"brotli", DCCD_PQ_BROTLI},
              {"none", DCCD_PQ_UNCOMPRESSED}, {"UNCOMPRESSED", DCCD_PQ_UNCOMPRESSED}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        dccd_pq_codec c = (dccd_pq_codec)99;
        OK(dccd_pq_codec_parse(ok[i].s, &c, NULL));
        assert_int_equal(c, ok[i].c);
    }
    dccd_error e;
    dccd_pq_codec c;
    assert_int_equal(dccd_pq_codec_parse("lzo2", &c, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "lzo2"));
    assert_int_equal(dccd_pq_codec_parse("", &c, &e), DCCD_EINVAL);
    dccd_pq_column col;
    memset(&col, 0, sizeof col);
    col.values = malloc(8);
    col.validity = malloc(1);
    dccd_pq_column_free(&col);
    assert_null(col.values);
    assert_null(col.validity);
    dccd_pq_column_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),  cmocka_unit_test(test_metadata), cmocka_unit_test(test_bloom_and_index),
        cmocka_unit_test(test_handles), cmocka_unit_test(test_threads),  cmocka_unit_test(test_errors),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
