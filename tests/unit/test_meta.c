/*
 * tests/unit/test_meta.c - Parquet metadata codec (src/parquet/meta.c).
 *
 * Covers: round trips of every struct with all optional fields set and
 * with none set (deep comparison, and re-encoding gives identical bytes);
 * hand-built byte sequences (long-form field headers, long list headers,
 * bool fields, negative zigzag values, unknown fields of every kind, unknown
 * LogicalType members, is_compressed default); missing required fields,
 * negative sizes, wrong wire types; truncation of an encoded footer at every
 * byte; a fixed-seed random/mutation fuzz loop over all decoders; hostile
 * list counts and the arena limit; and the real footers, page headers,
 * page indexes and bloom filter headers of files from the parquet-testing
 * corpus ($PARQUET_TEST_DATA, skipped when absent).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "parquet/meta.h"

/* ---- deep comparisons ---------------------------------------------------- */

static void eq_str(const char *a, const char *b)
{
    if (!a || !b)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

static void eq_bytes(const pq_bytes *a, const pq_bytes *b)
{
    assert_int_equal(a->p == NULL, b->p == NULL);
    if (a->p) {
        assert_int_equal(a->n, b->n);
        if (a->n)
            assert_memory_equal(a->p, b->p, a->n);
    }
}

static void eq_stats(const pq_statistics *a, const pq_statistics *b)
{
    eq_bytes(&a->max, &b->max);
    eq_bytes(&a->min, &b->min);
    eq_bytes(&a->max_value, &b->max_value);
    eq_bytes(&a->min_value, &b->min_value);
    assert_int_equal(a->has_null_count, b->has_null_count);
    if (a->has_null_count)
        assert_true(a->null_count == b->null_count);
    assert_int_equal(a->has_distinct_count, b->has_distinct_count);
    if (a->has_distinct_count)
        assert_true(a->distinct_count == b->distinct_count);
    assert_int_equal(a->has_is_max_value_exact, b->has_is_max_value_exact);
    assert_int_equal(a->has_is_min_value_exact, b->has_is_min_value_exact);
    if (a->has_is_max_value_exact)
        assert_int_equal(a->is_max_value_exact, b->is_max_value_exact);
    if (a->has_is_min_value_exact)
        assert_int_equal(a->is_min_value_exact, b->is_min_value_exact);
}

static void eq_kv(const pq_key_value *a, size_t na, const pq_key_value *b, size_t nb)
{
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        eq_str(a[i].key, b[i].key);
        assert_int_equal(a[i].value == NULL, b[i].value == NULL);
        if (a[i].value) {
            assert_int_equal(a[i].value_len, b[i].value_len);
            assert_memory_equal(a[i].value, b[i].value, a[i].value_len);
            assert_int_equal(b[i].value[b[i].value_len], '\0');
        }
    }
}

static void eq_lt(const pq_logical_type *a, const pq_logical_type *b)
{
    assert_int_equal(a->kind, b->kind);
    switch (a->kind) {
    case PQ_LT_DECIMAL:
        assert_int_equal(a->scale, b->scale);
        assert_int_equal(a->precision, b->precision);
        break;
    case PQ_LT_TIME:
    case PQ_LT_TIMESTAMP:
        assert_int_equal(a->utc, b->utc);
        assert_int_equal(a->unit, b->unit);
        break;
    case PQ_LT_INTEGER:
        assert_int_equal(a->bit_width, b->bit_width);
        assert_int_equal(a->is_signed, b->is_signed);
        break;
    default: break;
    }
}

static void eq_schema(const pq_schema_element *a, const pq_schema_element *b)
{
    eq_str(a->name, b->name);
    assert_int_equal(a->has_type, b->has_type);
    if (a->has_type)
        assert_int_equal(a->type, b->type);
    assert_int_equal(a->type_length, b->type_length);
    assert_int_equal(a->has_repetition, b->has_repetition);
    if (a->has_repetition)
        assert_int_equal(a->repetition, b->repetition);
    assert_int_equal(a->num_children, b->num_children);
    assert_int_equal(a->has_converted_type, b->has_converted_type);
    if (a->has_converted_type)
        assert_int_equal(a->converted_type, b->converted_type);
    assert_int_equal(a->has_scale, b->has_scale);
    assert_int_equal(a->has_precision, b->has_precision);
    if (a->has_scale)
        assert_int_equal(a->scale, b->scale);
    if (a->has_precision)
        assert_int_equal(a->precision, b->precision);
    assert_int_equal(a->has_field_id, b->has_field_id);
    if (a->has_field_id)
        assert_int_equal(a->field_id, b->field_id);
    if (a->has_logical_type && a->logical_type.kind == PQ_LT_OTHER) {
        /* an unknown logical type cannot be re-encoded: it is omitted */
        assert_false(b->has_logical_type);
        return;
    }
    assert_int_equal(a->has_logical_type, b->has_logical_type);
    if (a->has_logical_type)
        eq_lt(&a->logical_type, &b->logical_type);
}

static void eq_colmeta(const pq_column_meta *a, const pq_column_meta *b)
{
    assert_int_equal(a->type, b->type);
    assert_int_equal(a->n_encodings, b->n_encodings);
    for (size_t i = 0; i < a->n_encodings; i++)
        assert_int_equal(a->encodings[i], b->encodings[i]);
    assert_int_equal(a->n_path, b->n_path);
    for (size_t i = 0; i < a->n_path; i++)
        eq_str(a->path_in_schema[i], b->path_in_schema[i]);
    assert_int_equal(a->codec, b->codec);
    assert_true(a->num_values == b->num_values);
    assert_true(a->total_uncompressed_size == b->total_uncompressed_size);
    assert_true(a->total_compressed_size == b->total_compressed_size);
    eq_kv(a->kv, a->n_kv, b->kv, b->n_kv);
    assert_true(a->data_page_offset == b->data_page_offset);
    assert_int_equal(a->has_index_page_offset, b->has_index_page_offset);
    if (a->has_index_page_offset)
        assert_true(a->index_page_offset == b->index_page_offset);
    assert_int_equal(a->has_dictionary_page_offset, b->has_dictionary_page_offset);
    if (a->has_dictionary_page_offset)
        assert_true(a->dictionary_page_offset == b->dictionary_page_offset);
    assert_int_equal(a->has_statistics, b->has_statistics);
    if (a->has_statistics)
        eq_stats(&a->statistics, &b->statistics);
    assert_int_equal(a->n_encoding_stats, b->n_encoding_stats);
    for (size_t i = 0; i < a->n_encoding_stats; i++) {
        assert_int_equal(a->encoding_stats[i].page_type, b->encoding_stats[i].page_type);
        assert_int_equal(a->encoding_stats[i].encoding, b->encoding_stats[i].encoding);
        assert_int_equal(a->encoding_stats[i].count, b->encoding_stats[i].count);
    }
    assert_int_equal(a->has_bloom_filter_offset, b->has_bloom_filter_offset);
    if (a->has_bloom_filter_offset)
        assert_true(a->bloom_filter_offset == b->bloom_filter_offset);
    assert_int_equal(a->has_bloom_filter_length, b->has_bloom_filter_length);
    if (a->has_bloom_filter_length)
        assert_int_equal(a->bloom_filter_length, b->bloom_filter_length);
}

static void eq_file_meta(const pq_file_meta *a, const pq_file_meta *b)
{
    assert_int_equal(a->version, b->version);
    assert_true(a->num_rows == b->num_rows);
    assert_int_equal(a->n_schema, b->n_schema);
    for (size_t i = 0; i < a->n_schema; i++)
        eq_schema(&a->schema[i], &b->schema[i]);
    assert_int_equal(a->n_row_groups, b->n_row_groups);
    for (size_t g = 0; g < a->n_row_groups; g++) {
        const pq_row_group *x = &a->row_groups[g], *y = &b->row_groups[g];
        assert_true(x->total_byte_size == y->total_byte_size);
        assert_true(x->num_rows == y->num_rows);
        assert_int_equal(x->has_file_offset, y->has_file_offset);
        if (x->has_file_offset)
            assert_true(x->file_offset == y->file_offset);
        assert_int_equal(x->has_total_compressed_size, y->has_total_compressed_size);
        if (x->has_total_compressed_size)
            assert_true(x->total_compressed_size == y->total_compressed_size);
        assert_int_equal(x->has_ordinal, y->has_ordinal);
        if (x->has_ordinal)
            assert_int_equal(x->ordinal, y->ordinal);
        assert_int_equal(x->n_sorting_columns, y->n_sorting_columns);
        for (size_t i = 0; i < x->n_sorting_columns; i++) {
            assert_int_equal(x->sorting_columns[i].column_idx, y->sorting_columns[i].column_idx);
            assert_int_equal(x->sorting_columns[i].descending, y->sorting_columns[i].descending);
            assert_int_equal(x->sorting_columns[i].nulls_first, y->sorting_columns[i].nulls_first);
        }
        assert_int_equal(x->n_columns, y->n_columns);
        for (size_t c = 0; c < x->n_columns; c++) {
            const pq_column_chunk *p = &x->columns[c], *q = &y->columns[c];
            eq_str(p->file_path, q->file_path);
            assert_true(p->file_offset == q->file_offset);
            assert_int_equal(p->has_meta_data, q->has_meta_data);
            if (p->has_meta_data)
                eq_colmeta(&p->meta_data, &q->meta_data);
            assert_int_equal(p->has_offset_index, q->has_offset_index);
            if (p->has_offset_index) {
                assert_true(p->offset_index_offset == q->offset_index_offset);
                assert_int_equal(p->offset_index_length, q->offset_index_length);
            }
            assert_int_equal(p->has_column_index, q->has_column_index);
            if (p->has_column_index) {
                assert_true(p->column_index_offset == q->column_index_offset);
                assert_int_equal(p->column_index_length, q->column_index_length);
            }
            assert_int_equal(p->has_crypto_metadata, q->has_crypto_metadata);
        }
    }
    eq_kv(a->kv, a->n_kv, b->kv, b->n_kv);
    eq_str(a->created_by, b->created_by);
    assert_int_equal(a->n_column_orders, b->n_column_orders);
    for (size_t i = 0; i < a->n_column_orders; i++)
        assert_int_equal(a->type_defined_order[i], b->type_defined_order[i]);
    assert_int_equal(a->has_encryption_algorithm, b->has_encryption_algorithm);
}

static void eq_page_header(const pq_page_header *a, const pq_page_header *b)
{
    assert_int_equal(a->type, b->type);
    assert_int_equal(a->uncompressed_page_size, b->uncompressed_page_size);
    assert_int_equal(a->compressed_page_size, b->compressed_page_size);
    assert_int_equal(a->has_crc, b->has_crc);
    if (a->has_crc)
        assert_int_equal(a->crc, b->crc);
    assert_int_equal(a->has_data_page_header, b->has_data_page_header);
    if (a->has_data_page_header) {
        const pq_data_page_header *x = &a->data_page_header, *y = &b->data_page_header;
        assert_int_equal(x->num_values, y->num_values);
        assert_int_equal(x->encoding, y->encoding);
        assert_int_equal(x->definition_level_encoding, y->definition_level_encoding);
        assert_int_equal(x->repetition_level_encoding, y->repetition_level_encoding);
        assert_int_equal(x->has_statistics, y->has_statistics);
        if (x->has_statistics)
            eq_stats(&x->statistics, &y->statistics);
    }
    assert_int_equal(a->has_dictionary_page_header, b->has_dictionary_page_header);
    if (a->has_dictionary_page_header) {
        const pq_dictionary_page_header *x = &a->dictionary_page_header, *y = &b->dictionary_page_header;
        assert_int_equal(x->num_values, y->num_values);
        assert_int_equal(x->encoding, y->encoding);
        assert_int_equal(x->has_is_sorted, y->has_is_sorted);
        if (x->has_is_sorted)
            assert_int_equal(x->is_sorted, y->is_sorted);
    }
    assert_int_equal(a->has_data_page_header_v2, b->has_data_page_header_v2);
    if (a->has_data_page_header_v2) {
        const pq_data_page_header_v2 *x = &a->data_page_header_v2, *y = &b->data_page_header_v2;
        assert_int_equal(x->num_values, y->num_values);
        assert_int_equal(x->num_nulls, y->num_nulls);
        assert_int_equal(x->num_rows, y->num_rows);
        assert_int_equal(x->encoding, y->encoding);
        assert_int_equal(x->definition_levels_byte_length, y->definition_levels_byte_length);
        assert_int_equal(x->repetition_levels_byte_length, y->repetition_levels_byte_length);
        assert_int_equal(x->is_compressed, y->is_compressed);
        assert_int_equal(x->has_statistics, y->has_statistics);
        if (x->has_statistics)
            eq_stats(&x->statistics, &y->statistics);
    }
}

/* ---- sample structures ------------------------------------------------- */

static const uint8_t k_bin1[] = {0x00, 0xff, 0x10, 0x00};
static const uint8_t k_bin2[] = {0x7f};

static pq_statistics full_stats(void)
{
    pq_statistics s;
    memset(&s, 0, sizeof s);
    s.max.p = k_bin1;
    s.max.n = sizeof k_bin1;
    s.min.p = k_bin2;
    s.min.n = 0; /* present but empty */
    s.has_null_count = true;
    s.null_count = INT64_C(1) << 40;
    s.has_distinct_count = true;
    s.distinct_count = 0;
    s.max_value.p = k_bin2;
    s.max_value.n = sizeof k_bin2;
    s.min_value.p = k_bin1;
    s.min_value.n = sizeof k_bin1;
    s.has_is_max_value_exact = true;
    s.is_max_value_exact = true;
    s.has_is_min_value_exact = true;
    s.is_min_value_exact = false;
    return s;
}

/* Storage for a complete sample footer (static const data only). */
typedef struct sample {
    pq_file_meta m;
    pq_schema_element schema[24];
    pq_row_group rg[3];
    pq_column_chunk cols[3][2];
    pq_sorting_column sort[2];
    pq_key_value kv[3];
    pq_key_value ckv[1];
    pq_page_encoding_stats es[2];
    int32_t enc[16];
    const char *path[2];
    bool order[2];
} sample;

static void make_full(sample *s)
{
    memset(s, 0, sizeof *s);
    static const int kinds[] = {PQ_LT_STRING, PQ_LT_MAP, PQ_LT_LIST, PQ_LT_ENUM, PQ_LT_DECIMAL, PQ_LT_DATE,
                                PQ_LT_TIME, PQ_LT_TIMESTAMP, PQ_LT_INTEGER, PQ_LT_UNKNOWN, PQ_LT_JSON,
                                PQ_LT_BSON, PQ_LT_UUID, PQ_LT_FLOAT16, PQ_LT_VARIANT, PQ_LT_GEOMETRY,
                                PQ_LT_GEOGRAPHY};
    static const char *names[] = {"root", "s", "m", "l", "e", "dec", "d", "t", "ts", "i", "u", "j",
                                  "b", "uuid", "f16", "v", "geom", "geog", "ts_ns", "plain"};
    size_t ns = 0;
    pq_schema_element *r = &s->schema[ns++];
    r->name = names[0];
    r->num_children = 19;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        pq_schema_element *e = &s->schema[ns];
        e->name = names[ns];
        ns++;
        e->has_type = true;
        e->type = DCCD_PQ_INT64;
        e->has_repetition = true;
        e->repetition = (int32_t)(i % 3);
        e->has_logical_type = true;
        e->logical_type.kind = kinds[i];
        if (kinds[i] == PQ_LT_DECIMAL) {
            e->type = DCCD_PQ_FIXED_LEN_BYTE_ARRAY;
            e->type_length = 16;
            e->logical_type.scale = 4;
            e->logical_type.precision = 30;
            e->has_scale = e->has_precision = true;
            e->scale = 4;
            e->precision = 30;
            e->has_converted_type = true;
            e->converted_type = 5;
        }
        if (kinds[i] == PQ_LT_TIME || kinds[i] == PQ_LT_TIMESTAMP) {
            e->logical_type.utc = kinds[i] == PQ_LT_TIMESTAMP;
            e->logical_type.unit = 1;
        }
        if (kinds[i] == PQ_LT_INTEGER) {
            e->logical_type.bit_width = -8; /* odd on purpose: the byte must survive */
            e->logical_type.is_signed = true;
        }
        e->has_field_id = true;
        e->field_id = -(int32_t)i - 1;
    }
    pq_schema_element *t = &s->schema[ns];
    t->name = names[ns++];
    t->has_type = true;
    t->type = DCCD_PQ_INT64;
    t->has_logical_type = true;
    t->logical_type.kind = PQ_LT_TIMESTAMP;
    t->logical_type.unit = 2;
    t->logical_type.utc = true;
    pq_schema_element *pl = &s->schema[ns];
    pl->name = names[ns++];
    pl->has_type = true;
    pl->type = DCCD_PQ_DOUBLE;
    s->m.schema = s->schema;
    s->m.n_schema = ns;

    s->kv[0].key = "k0";
    s->kv[0].value = "v\0with nul";
    s->kv[0].value_len = 10;
    s->kv[1].key = "no value";
    s->kv[2].key = "";
    s->kv[2].value = "";
    s->ckv[0].key = "col";
    s->ckv[0].value = "kv";
    s->ckv[0].value_len = 2;
    for (int i = 0; i < 16; i++)
        s->enc[i] = i - 1; /* 16 entries: long list header */
    s->path[0] = "a";
    s->path[1] = "b.c";
    s->es[0] = (pq_page_encoding_stats){PQ_PAGE_DICTIONARY, 0, 1};
    s->es[1] = (pq_page_encoding_stats){PQ_PAGE_DATA, 8, 70000};
    s->sort[0] = (pq_sorting_column){1, true, false};
    s->sort[1] = (pq_sorting_column){0, false, true};

    for (int g = 0; g < 3; g++) {
        pq_row_group *rg = &s->rg[g];
        rg->columns = s->cols[g];
        rg->n_columns = 2;
        rg->total_byte_size = 1000 + g;
        rg->num_rows = 10 * (g + 1);
        rg->sorting_columns = s->sort;
        rg->n_sorting_columns = 2;
        rg->has_file_offset = true;
        rg->file_offset = 4 + g;
        rg->has_total_compressed_size = true;
        rg->total_compressed_size = INT64_MAX - g;
        rg->has_ordinal = true;
        rg->ordinal = (int16_t)(g == 2 ? INT16_MAX : g);
        for (int c = 0; c < 2; c++) {
            pq_column_chunk *cc = &s->cols[g][c];
            cc->file_path = c ? "other.parquet" : NULL;
            cc->file_offset = 12345 + c;
            cc->has_meta_data = true;
            pq_column_meta *cm = &cc->meta_data;
            cm->type = DCCD_PQ_BYTE_ARRAY;
            cm->encodings = s->enc;
            cm->n_encodings = c ? 16 : 2;
            cm->path_in_schema = s->path;
            cm->n_path = 2;
            cm->codec = DCCD_PQ_ZSTD;
            cm->num_values = 1ll << 35;
            cm->total_uncompressed_size = 99;
            cm->total_compressed_size = 77;
            cm->kv = s->ckv;
            cm->n_kv = 1;
            cm->data_page_offset = 4;
            cm->has_index_page_offset = true;
            cm->index_page_offset = 0;
            cm->has_dictionary_page_offset = true;
            cm->dictionary_page_offset = 3;
            cm->has_statistics = true;
            cm->statistics = full_stats();
            cm->encoding_stats = s->es;
            cm->n_encoding_stats = 2;
            cm->has_bloom_filter_offset = true;
            cm->bloom_filter_offset = 555;
            cm->has_bloom_filter_length = true;
            cm->bloom_filter_length = 1024;
            cc->has_offset_index = true;
            cc->offset_index_offset = 600;
            cc->offset_index_length = 60;
            cc->has_column_index = true;
            cc->column_index_offset = 700;
            cc->column_index_length = 70;
        }
    }
    s->m.version = 2;
    s->m.num_rows = 60;
    s->m.row_groups = s->rg;
    s->m.n_row_groups = 3;
    s->m.kv = s->kv;
    s->m.n_kv = 3;
    s->m.created_by = "dccd test";
    s->order[0] = true;
    s->order[1] = false;
    s->m.type_defined_order = s->order;
    s->m.n_column_orders = 2;
}

static void make_minimal(sample *s)
{
    memset(s, 0, sizeof *s);
    s->schema[0].name = "schema";
    s->schema[0].num_children = 1;
    s->schema[1].name = "x";
    s->schema[1].has_type = true;
    s->schema[1].type = DCCD_PQ_INT32;
    s->m.schema = s->schema;
    s->m.n_schema = 2;
    s->rg[0].columns = s->cols[0];
    s->rg[0].n_columns = 1; /* chunk with only the required file_offset */
    s->m.row_groups = s->rg;
    s->m.n_row_groups = 1;
    s->m.version = 1;
}

/* encode m, decode, compare, re-encode and compare bytes */
static void roundtrip_file_meta(const pq_file_meta *m)
{
    dccd_buf b = DCCD_BUF_INIT, b2 = DCCD_BUF_INIT;
    dccd_error e;
    assert_int_equal(pq_encode_file_meta(&b, m, &e), DCCD_OK);
    dccd_arena a;
    dccd_arena_init(&a, 0);
    pq_file_meta d;
    int rc = pq_decode_file_meta(b.data, b.len, &a, &d, &e);
    if (rc)
        fail_msg("decode: %s", e.msg);
    eq_file_meta(m, &d);
    assert_int_equal(pq_encode_file_meta(&b2, &d, &e), DCCD_OK);
    assert_int_equal(b.len, b2.len);
    assert_memory_equal(b.data, b2.data, b.len);
    dccd_arena_free(&a);
    dccd_buf_free(&b);
    dccd_buf_free(&b2);
}

static void test_file_meta_roundtrip_full(void **state)
{
    (void)state;
    sample *s = malloc(sizeof *s);
    assert_non_null(s);
    make_full(s);
    roundtrip_file_meta(&s->m);
    /* column chunk without meta_data and without indexes */
    s->cols[1][0].has_meta_data = false;
    s->cols[1][0].has_offset_index = false;
    s->cols[1][0].offset_index_offset = 0;
    s->cols[1][0].offset_index_length = 0;
    roundtrip_file_meta(&s->m);
    free(s);
}

static void test_file_meta_roundtrip_minimal(void **state)
{
    (void)state;
    sample *s = malloc(sizeof *s);
    assert_non_null(s);
    make_minimal(s);
    roundtrip_file_meta(&s->m);
    dccd_buf b = DCCD_BUF_INIT;
    assert_int_equal(pq_encode_file_meta(&b, &s->m, NULL), DCCD_OK);
    dccd_arena a;
    dccd_arena_init(&a, 0);
    pq_file_meta d;
    assert_int_equal(pq_decode_file_meta(b.data, b.len, &a, &d, NULL), DCCD_OK);
    assert_null(d.created_by);
    assert_null(d.kv);
    assert_null(d.type_defined_order);
    assert_false(d.row_groups[0].columns[0].has_meta_data);
    assert_null(d.row_groups[0].columns[0].file_path);
    assert_false(d.schema[1].has_logical_type);
    /* no rows: empty lists of schema and row groups */
    s->m.n_schema = 0;
    s->m.n_row_groups = 0;
    roundtrip_file_meta(&s->m);
    dccd_arena_free(&a);
    dccd_buf_free(&b);
    free(s);
}

static void test_encode_refuses(void **state)
{
    (void)state;
    sample *s = malloc(sizeof *s);
    assert_non_null(s);
    make_minimal(s);
    dccd_buf b = DCCD_BUF_INIT;
    dccd_error e;
    s->m.has_encryption_algorithm = true;
    assert_int_equal(pq_encode_file_meta(&b, &s->m, &e), DCCD_EUNSUPPORTED);
    s->m.has_encryption_algorithm = false;
    s->cols[0][0].has_crypto_metadata = true;
    assert_int_equal(pq_encode_file_meta(&b, &s->m, &e), DCCD_EUNSUPPORTED);
    s->cols[0][0].has_crypto_metadata = false;
    s->schema[1].has_logical_type = true;
    s->schema[1].logical_type.kind = PQ_LT_TIMESTAMP;
    s->schema[1].logical_type.unit = 3;
    b.len = 0;
    assert_int_equal(pq_encode_file_meta(&b, &s->m, &e), DCCD_EINVAL);
    /* an unknown logical type is omitted, not invented */
    s->schema[1].logical_type.kind = PQ_LT_OTHER;
    b.len = 0;
    assert_int_equal(pq_encode_file_meta(&b, &s->m, &e), DCCD_OK);
    dccd_arena a;
    dccd_arena_init(&a, 0);
    pq_file_meta d;
    assert_int_equal(pq_decode_file_meta(b.data, b.len, &a, &d, &e), DCCD_OK);
    assert_false(d.schema[1].has_logical_type);
    dccd_arena_free(&a);
    dccd_buf_free(&b);
    free(s);
}

static void roundtrip_page_header(const pq_page_header *h)
{
    dccd_buf b = DCCD_BUF_INIT;
    dccd_error e;
    assert_int_equal(pq_encode_page_header(&b, h, &e), DCCD_OK);
    size_t len = b.len;
    /* the payload that follows must not be consumed */
    assert_int_equal(dccd_buf_append(&b, "PAYLOAD", 7, &e), DCCD_OK);
    dccd_arena a;
    dccd_arena_init(&a, 0);
    pq_page_header d;
    size_t used = 0;
    int rc = pq_decode_page_header(b.data, b.len, &a, &d, &used, &e);
    if (rc)
        fail_msg("decode: %s", e.msg);
    assert_int_equal(used, len);
    eq_page_header(h, &d);
    dccd_arena_free(&a);
    dccd_buf_free(&b);
}

static void test_page_header_roundtrip(void **state)
{
    (void)state;
    pq_page_header h;
    memset(&h, 0, sizeof h);
    h.type = PQ_PAGE_DATA;
    h.uncompressed_page_size = 100;
    h.compressed_page_size = 50;
    h.has_data_page_header = true;
    h.data_page_header.num_values = 10;
    h.data_page_header.encoding = DCCD_PQ_ENC_PLAIN;
    h.data_page_header.definition_level_encoding = DCCD_PQ_ENC_RLE;
    h.data_page_header.repetition_level_encoding = DCCD_PQ_ENC_BIT_PACKED;
    roundtrip_page_header(&h);
    h.has_crc = true;
    h.crc = INT32_MIN;
    h.data_page_header.has_statistics = true;
    h.data_page_header.statistics = full_stats();
    roundtrip_page_header(&h);

    memset(&h, 0, sizeof h);
    h.type = PQ_PAGE_DICTIONARY;
    h.has_dictionary_page_header = true;
    h.dictionary_page_header.num_values = 3;
    h.dictionary_page_header.encoding = DCCD_PQ_ENC_PLAIN_DICTIONARY;
    roundtrip_page_header(&h);
    h.dictionary_page_header.has_is_sorted = true;
    h.dictionary_page_header.is_sorted = true;
    h.has_crc = true;
    h.crc = -1;
    roundtrip_page_header(&h);

    memset(&h, 0, sizeof h);
    h.type = PQ_PAGE_DATA_V2;
    h.uncompressed_page_size = INT32_MAX;
    h.compressed_page_size = 0;
    h.has_data_page_header_v2 = true;
    pq_data_page_header_v2 *v = &h.data_page_header_v2;
    v->num_values = 7;
    v->num_nulls = 2;
    v->num_rows = 5;
    v->encoding = DCCD_PQ_ENC_DELTA_BINARY_PACKED;
    v->definition_levels_byte_length = 3;
    v->repetition_levels_byte_length = 0;
    v->is_compressed = false;
    roundtrip_page_header(&h);
    v->is_compressed = true;
    v->has_statistics = true;
    v->statistics = full_stats();
    roundtrip_page_header(&h);
    /* a page type dccd does not interpret still round-trips */
    memset(&h, 0, sizeof h);
    h.type = PQ_PAGE_INDEX;
    roundtrip_page_header(&h);
}

static void test_index_roundtrip(void **state)
{
    (void)state;
    dccd_buf b = DCCD_BUF_INIT, b2 = DCCD_BUF_INIT;
    dccd_error e;
    dccd_arena a;
    dccd_arena_init(&a, 0);

    enum { NP = 20 };
    bool nulls[NP];
    pq_bytes mins[NP], maxs[NP];
    int64_t ncs[NP];
    for (int i = 0; i < NP; i++) {
        nulls[i] = i % 3 == 0;
        mins[i].p = k_bin1;
        mins[i].n = (size_t)i % 5;
        maxs[i].p = k_bin2;
        maxs[i].n = (size_t)i % 2;
        ncs[i] = i * 1000;
    }
    pq_column_index ci = {nulls, NP, mins, maxs, 1, ncs};
    for (int with_nc = 1; with_nc >= 0; with_nc--) {
        ci.null_counts = with_nc ? ncs : NULL;
        b.len = b2.len = 0;
        assert_int_equal(pq_encode_column_index(&b, &ci, &e), DCCD_OK);
        pq_column_index d;
        assert_int_equal(pq_decode_column_index(b.data, b.len, &a, &d, &e), DCCD_OK);
        assert_int_equal(d.n_pages, NP);
        assert_int_equal(d.boundary_order, 1);
        for (int i = 0; i < NP; i++) {
            assert_int_equal(d.null_pages[i], nulls[i]);
            eq_bytes(&mins[i], &d.min_values[i]);
            eq_bytes(&maxs[i], &d.max_values[i]);
            if (with_nc)
                assert_true(d.null_counts[i] == ncs[i]);
        }
        if (!with_nc)
            assert_null(d.null_counts);
        assert_int_equal(pq_encode_column_index(&b2, &d, &e), DCCD_OK);
        assert_int_equal(b.len, b2.len);
        assert_memory_equal(b.data, b2.data, b.len);
    }

    pq_page_location locs[17];
    for (int i = 0; i < 17; i++)
        locs[i] = (pq_page_location){INT64_C(1) << (i + 20), 100 + i, INT64_C(7) * i};
    pq_offset_index oi = {locs, 17};
    b.len = 0;
    assert_int_equal(pq_encode_offset_index(&b, &oi, &e), DCCD_OK);
    pq_offset_index od;
    assert_int_equal(pq_decode_offset_index(b.data, b.len, &a, &od, &e), DCCD_OK);
    assert_int_equal(od.n_pages, 17);
    for (int i = 0; i < 17; i++) {
        assert_true(od.pages[i].offset == locs[i].offset);
        assert_int_equal(od.pages[i].compressed_page_size, locs[i].compressed_page_size);
        assert_true(od.pages[i].first_row_index == locs[i].first_row_index);
    }
    oi.n_pages = 0;
    b.len = 0;
    assert_int_equal(pq_encode_offset_index(&b, &oi, &e), DCCD_OK);
    assert_int_equal(pq_decode_offset_index(b.data, b.len, &a, &od, &e), DCCD_OK);
    assert_int_equal(od.n_pages, 0);

    /* disagreeing list lengths are corrupt: 2 null_pages, 1 min, 2 max */
    static const uint8_t dis[] = {0x19, 0x21, 0x01, 0x02, 0x19, 0x18, 0x00, 0x19, 0x28, 0x00, 0x00, 0x15, 0x00, 0x00};
    pq_column_index bad;
    assert_int_equal(pq_decode_column_index(dis, sizeof dis, &a, &bad, &e), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "ColumnIndex lists disagree"));
    /* a bool list element that is neither 0, 1 nor 2 */
    static const uint8_t nb[] = {0x19, 0x11, 0x07, 0x19, 0x08, 0x19, 0x08, 0x15, 0x00, 0x00};
    assert_int_equal(pq_decode_column_index(nb, sizeof nb, &a, &bad, &e), DCCD_ECORRUPT);

    dccd_arena_free(&a);
    dccd_buf_free(&b);
    dccd_buf_free(&b2);
}

static void test_bloom_header(void **state)
{
    (void)state;
    dccd_buf b = DCCD_BUF_INIT;
    dccd_error e;
    pq_bloom_header h = {4096, true, true, true}, d;
    assert_int_equal(pq_encode_bloom_header(&b, &h, &e), DCCD_OK);
    size_t len = b.len;
    assert_int_equal(dccd_buf_append(&b, "bitset", 6, &e), DCCD_OK);
    size_t used = 0;
    assert_int_equal(pq_decode_bloom_header(b.data, b.len, &d, &used, &e), DCCD_OK);
    assert_int_equal(used, len);
    assert_int_equal(d.num_bytes, 4096);
    assert_true(d.algorithm_block && d.hash_xxhash && d.compression_none);
    /* an unknown hash member decodes (flag false), encoding it is refused */
    static const uint8_t other[] = {0x15, 0x80, 0x40, 0x1c, 0x1c, 0x00, 0x00, 0x1c, 0x2c, 0x00, 0x00,
                                    0x1c, 0x1c, 0x00, 0x00, 0x00};
    assert_int_equal(pq_decode_bloom_header(other, sizeof other, &d, NULL, &e), DCCD_OK);
    assert_int_equal(d.num_bytes, 4096);
    assert_true(d.algorithm_block);
    assert_false(d.hash_xxhash);
    assert_true(d.compression_none);
    b.len = 0;
    assert_int_equal(pq_encode_bloom_header(&b, &d, &e), DCCD_EUNSUPPORTED);
    /* missing compression */
    assert_int_equal(pq_decode_bloom_header(other, 11, &d, NULL, &e), DCCD_ECORRUPT);
    static const uint8_t nocomp[] = {0x15, 0x80, 0x40, 0x1c, 0x1c, 0x00, 0x00, 0x1c, 0x1c, 0x00, 0x00, 0x00};
    assert_int_equal(pq_decode_bloom_header(nocomp, sizeof nocomp, &d, NULL, &e), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "BloomFilterHeader.compression"));
    dccd_buf_free(&b);
}

/* ---- hand-built byte sequences -------------------------------------------- */

static void test_handbuilt_page_header(void **state)
{
    (void)state;
    dccd_error e;
    dccd_arena a;
    dccd_arena_init(&a, 0);
    pq_page_header h;
    size_t used;
    /* long-form headers for every field, negative crc, an unknown field 20
     * holding struct{list<map<i32,struct{}>>}, V2 without is_compressed */
    static const uint8_t v[] = {
        0x05, 0x02, 0x06,                   /* 1 type = 3 (V2), long form */
        0x05, 0x04, 0xc8, 0x01,             /* 2 uncompressed = 100 */
        0x05, 0x06, 0x64,                   /* 3 compressed = 50 */
        0x05, 0x08, 0x03,                   /* 4 crc = -2 */
        0x0c, 0x28,                         /* 20 struct (unknown) */
        0x19, 0x1b,                         /*   1: list of 1 map */
        0x01, 0x5c, 0x02, 0x00,             /*     {1: {}} */
        0x00,                               /*   stop */
        0x0c, 0x10,                         /* 8 V2 header, long form (id goes back) */
        0x15, 0x0e, 0x15, 0x00, 0x15, 0x0e, /*   values 7, nulls 0, rows 7 */
        0x15, 0x00, 0x15, 0x02, 0x15, 0x00, /*   encoding 0, def len 1, rep len 0 */
        0x00,                               /*   stop */
        0x00,                               /* stop */
        0xee};
    assert_int_equal(pq_decode_page_header(v, sizeof v, &a, &h, &used, &e), DCCD_OK);
    assert_int_equal(used, sizeof v - 1);
    assert_int_equal(h.type, PQ_PAGE_DATA_V2);
    assert_int_equal(h.uncompressed_page_size, 100);
    assert_int_equal(h.compressed_page_size, 50);
    assert_true(h.has_crc);
    assert_int_equal(h.crc, -2);
    assert_true(h.has_data_page_header_v2);
    assert_true(h.data_page_header_v2.is_compressed); /* the default */
    assert_int_equal(h.data_page_header_v2.num_values, 7);
    assert_int_equal(h.data_page_header_v2.num_rows, 7);
    assert_int_equal(h.data_page_header_v2.definition_levels_byte_length, 1);

    /* dictionary page: bool field true in the type nibble; then false */
    static const uint8_t dict[] = {0x15, 0x04, 0x15, 0x10, 0x15, 0x10, 0x4c, 0x15, 0x06, 0x15, 0x00, 0x11, 0x00, 0x00};
    assert_int_equal(pq_decode_page_header(dict, sizeof dict, &a, &h, &used, &e), DCCD_OK);
    assert_true(h.has_dictionary_page_header);
    assert_int_equal(h.dictionary_page_header.num_values, 3);
    assert_true(h.dictionary_page_header.has_is_sorted);
    assert_true(h.dictionary_page_header.is_sorted);
    uint8_t dict2[sizeof dict];
    memcpy(dict2, dict, sizeof dict);
    dict2[11] = 0x12;
    assert_int_equal(pq_decode_page_header(dict2, sizeof dict2, &a, &h, &used, &e), DCCD_OK);
    assert_false(h.dictionary_page_header.is_sorted);
    /* a bool field sent as i32 is skipped, as Thrift does (not an error) */
    dict2[11] = 0x15;
    uint8_t dict3[sizeof dict + 1];
    memcpy(dict3, dict2, 12);
    dict3[12] = 0x02;
    dict3[13] = 0x00;
    dict3[14] = 0x00;
    assert_int_equal(pq_decode_page_header(dict3, sizeof dict3, &a, &h, &used, &e), DCCD_OK);
    assert_int_equal(used, sizeof dict3);
    assert_int_equal(h.dictionary_page_header.num_values, 3);
    assert_false(h.dictionary_page_header.has_is_sorted);
    /* a required field with the wrong wire type is skipped, then missing */
    static const uint8_t wtr[] = {0x15, 0x00, 0x15, 0x02, 0x18, 0x00, 0x00};
    assert_int_equal(pq_decode_page_header(wtr, sizeof wtr, &a, &h, &used, &e), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "PageHeader.compressed_page_size is required but missing"));

    /* missing required field */
    static const uint8_t noc[] = {0x15, 0x00, 0x15, 0x02, 0x00};
    assert_int_equal(pq_decode_page_header(noc, sizeof noc, &a, &h, &used, &e), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "PageHeader.compressed_page_size"));
    /* negative size */
    static const uint8_t neg[] = {0x15, 0x00, 0x15, 0x01, 0x15, 0x02, 0x00};
    assert_int_equal(pq_decode_page_header(neg, sizeof neg, &a, &h, &used, &e), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "uncompressed_page_size is negative"));
    dccd_arena_free(&a);
}

/* FileMetaData prefix: version 1, schema list of one element {name "r"} */
#define FM_HEAD 0x15, 0x02, 0x19, 0x1c, 0x48, 0x01, 'r', 0x00

static void test_handbuilt_footer(void **state)
{
    (void)state;
    dccd_error e;
    dccd_arena a;
    dccd_arena_init(&a, 0);
    pq_file_meta m;
    /* unknown LogicalType member 30 and TIMESTAMP with unknown TimeUnit 8
     * -> OTHER; DECIMAL with a negative scale; the schema list uses the
     * long-form header (0xfc + varint count) for only 3 elements */
    static const uint8_t lt[] = {
        0x15, 0x02, 0x19, 0xfc, 0x03,
        0x48, 0x01, 'a', 0x0c, 0x14, 0x0c, 0x3c, 0x00, 0x00, 0x00,                   /* member 30 */
        0x48, 0x01, 'b', 0x0c, 0x14, 0x8c, 0x11, 0x1c, 0x8c, 0x00, 0x00, 0x00, 0x00, 0x00, /* TS unit 8 */
        0x48, 0x01, 'c', 0x0c, 0x14, 0x5c, 0x15, 0x03, 0x15, 0x14, 0x00, 0x00, 0x00,  /* DECIMAL(10,-2) */
        0x16, 0x00, 0x19, 0x0c, 0x00};
    assert_int_equal(pq_decode_file_meta(lt, sizeof lt, &a, &m, &e), DCCD_OK);
    assert_int_equal(m.n_schema, 3);
    assert_string_equal(m.schema[0].name, "a");
    assert_true(m.schema[0].has_logical_type);
    assert_int_equal(m.schema[0].logical_type.kind, PQ_LT_OTHER);
    assert_int_equal(m.schema[1].logical_type.kind, PQ_LT_OTHER);
    assert_int_equal(m.schema[2].logical_type.kind, PQ_LT_DECIMAL);
    assert_int_equal(m.schema[2].logical_type.scale, -2);
    assert_int_equal(m.schema[2].logical_type.precision, 10);
    assert_int_equal(m.n_row_groups, 0);

    /* hostile list count: 2^31 row groups */
    static const uint8_t hostile[] = {FM_HEAD, 0x16, 0x00, 0x19, 0xfc, 0x80, 0x80, 0x80, 0x80, 0x08, 0x00};
    clock_t t0 = clock();
    assert_int_equal(pq_decode_file_meta(hostile, sizeof hostile, &a, &m, &e), DCCD_ECORRUPT);
    assert_true(clock() - t0 < CLOCKS_PER_SEC);
    assert_non_null(strstr(e.msg, "2147483648"));
    /* a count that fits the bytes but not the minimum struct size */
    static const uint8_t tight[] = {FM_HEAD, 0x16, 0x00, 0x19, 0x5c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    assert_int_equal(pq_decode_file_meta(tight, sizeof tight, &a, &m, &e), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "row_groups"));

    /* unknown fields everywhere are skipped; encryption_algorithm flagged */
    static const uint8_t unk[] = {FM_HEAD, 0x16, 0x02, 0x19, 0x0c,
                                  0x0b, 0x3c, 0x02, 0x58, 0x02, 0x01, 'x', 0x04, 0x00, /* 30: map<i32,bin> */
                                  0x0c, 0x10, 0x1c, 0x00, 0x00,                        /* 8 (long): {1:{}} */
                                  0x18, 0x00,                                          /* 9: binary "" */
                                  0x00};
    assert_int_equal(pq_decode_file_meta(unk, sizeof unk, &a, &m, &e), DCCD_OK);
    assert_true(m.num_rows == 1);
    assert_true(m.has_encryption_algorithm);

    /* missing required num_rows */
    static const uint8_t nonum[] = {FM_HEAD, 0x29, 0x0c, 0x00};
    assert_int_equal(pq_decode_file_meta(nonum, sizeof nonum, &a, &m, &e), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "FileMetaData.num_rows"));
    /* schema element without a name */
    static const uint8_t noname[] = {0x15, 0x02, 0x19, 0x1c, 0x15, 0x02, 0x00, 0x16, 0x00, 0x19, 0x0c, 0x00};
    assert_int_equal(pq_decode_file_meta(noname, sizeof noname, &a, &m, &e), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "SchemaElement.name"));
    /* negative num_rows */
    static const uint8_t negrows[] = {FM_HEAD, 0x16, 0x01, 0x19, 0x0c, 0x00};
    assert_int_equal(pq_decode_file_meta(negrows, sizeof negrows, &a, &m, &e), DCCD_ECORRUPT);
    /* wrong wire type for a required field: skipped, hence missing */
    static const uint8_t wt[] = {FM_HEAD, 0x18, 0x00, 0x19, 0x0c, 0x00};
    assert_int_equal(pq_decode_file_meta(wt, sizeof wt, &a, &m, &e), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "FileMetaData.num_rows is required but missing"));
    /* ... and for an optional one (created_by as i32): ignored */
    static const uint8_t wto[] = {FM_HEAD, 0x16, 0x00, 0x19, 0x0c, 0x25, 0x02, 0x00};
    assert_int_equal(pq_decode_file_meta(wto, sizeof wto, &a, &m, &e), DCCD_OK);
    assert_null(m.created_by);
    dccd_arena_free(&a);
}

static void test_column_meta_standalone(void **state)
{
    (void)state;
    dccd_error e;
    dccd_arena a;
    dccd_arena_init(&a, 0);
    pq_column_meta cm;
    /* required fields only, plus size_statistics (16) and geospatial (17)
     * which are skipped */
    static const uint8_t v[] = {0x15, 0x02,                   /* 1 type INT32 */
                                0x19, 0x25, 0x00, 0x06,       /* 2 encodings [0, 3] */
                                0x19, 0x18, 0x01, 'x',        /* 3 path ["x"] */
                                0x15, 0x02,                   /* 4 codec SNAPPY */
                                0x16, 0x10,                   /* 5 num_values 8 */
                                0x16, 0xc8, 0x01,             /* 6 uncompressed 100 */
                                0x16, 0xb4, 0x01,             /* 7 compressed 90 */
                                0x26, 0x08,                   /* 9 data_page_offset 4 */
                                0x7c, 0x16, 0x0a, 0x00,       /* 16 {1: 5} */
                                0x1c, 0x00,                   /* 17 {} */
                                0x00};
    assert_int_equal(pq_decode_column_meta(v, sizeof v, &a, &cm, &e), DCCD_OK);
    assert_int_equal(cm.type, DCCD_PQ_INT32);
    assert_int_equal(cm.n_encodings, 2);
    assert_int_equal(cm.encodings[1], DCCD_PQ_ENC_RLE);
    assert_int_equal(cm.n_path, 1);
    assert_string_equal(cm.path_in_schema[0], "x");
    assert_int_equal(cm.codec, DCCD_PQ_SNAPPY);
    assert_true(cm.num_values == 8);
    assert_true(cm.total_uncompressed_size == 100);
    assert_true(cm.total_compressed_size == 90);
    assert_true(cm.data_page_offset == 4);
    assert_false(cm.has_statistics || cm.has_dictionary_page_offset || cm.has_bloom_filter_offset);
    /* drop data_page_offset: required field missing, named */
    uint8_t w[sizeof v];
    memcpy(w, v, 20);
    w[20] = 0x00;
    assert_int_equal(pq_decode_column_meta(w, 21, &a, &cm, &e), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "ColumnMetaData.data_page_offset"));
    /* encodings declared as a list of binaries: element type error */
    memcpy(w, v, sizeof v);
    w[3] = 0x28;
    assert_int_equal(pq_decode_column_meta(w, sizeof w, &a, &cm, &e), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "ColumnMetaData.encodings"));
    dccd_arena_free(&a);
}

static void test_arena_limit(void **state)
{
    (void)state;
    sample *s = malloc(sizeof *s);
    assert_non_null(s);
    make_full(s);
    dccd_buf b = DCCD_BUF_INIT;
    dccd_error e;
    assert_int_equal(pq_encode_file_meta(&b, &s->m, &e), DCCD_OK);
    dccd_arena a;
    dccd_arena_init(&a, 256);
    pq_file_meta m;
    int rc = pq_decode_file_meta(b.data, b.len, &a, &m, &e);
    assert_int_equal(rc, DCCD_ERANGE);
    assert_non_null(strstr(e.msg, "arena limit"));
    dccd_arena_free(&a);
    dccd_buf_free(&b);
    free(s);
}

/* ---- truncation and fuzzing ------------------------------------------------- */

static void test_truncation_every_offset(void **state)
{
    (void)state;
    sample *s = malloc(sizeof *s);
    assert_non_null(s);
    make_full(s);
    dccd_buf b = DCCD_BUF_INIT;
    dccd_error e;
    assert_int_equal(pq_encode_file_meta(&b, &s->m, &e), DCCD_OK);
    for (size_t k = 0; k < b.len; k++) {
        uint8_t *cp = malloc(k ? k : 1); /* exact size: ASan sees any over-read */
        assert_non_null(cp);
        memcpy(cp, b.data, k);
        dccd_arena a;
        dccd_arena_init(&a, 0);
        pq_file_meta m;
        int rc = pq_decode_file_meta(cp, k, &a, &m, &e);
        if (rc != DCCD_ECORRUPT)
            fail_msg("prefix of %zu/%zu bytes gave %d", k, b.len, rc);
        assert_non_null(strstr(e.msg, "footer: "));
        dccd_arena_free(&a);
        free(cp);
    }
    dccd_buf_free(&b);
    free(s);
}

static uint64_t rng_next(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static void decode_all(const uint8_t *p, size_t n)
{
    dccd_arena a;
    dccd_arena_init(&a, 1u << 20);
    dccd_error e;
    pq_file_meta m;
    pq_page_header h;
    pq_column_index ci;
    pq_offset_index oi;
    pq_bloom_header bh;
    pq_column_meta cm;
    size_t used;
    if (pq_decode_file_meta(p, n, &a, &m, &e) == DCCD_OK) {
        /* whatever decodes must encode again (unless encrypted) */
        dccd_buf b = DCCD_BUF_INIT;
        int rc = pq_encode_file_meta(&b, &m, &e);
        assert_true(rc == DCCD_OK || rc == DCCD_EUNSUPPORTED || rc == DCCD_EINVAL);
        dccd_buf_free(&b);
    }
    if (pq_decode_page_header(p, n, &a, &h, &used, &e) == DCCD_OK)
        assert_true(used <= n);
    (void)pq_decode_column_index(p, n, &a, &ci, &e);
    (void)pq_decode_offset_index(p, n, &a, &oi, &e);
    if (pq_decode_bloom_header(p, n, &bh, &used, &e) == DCCD_OK)
        assert_true(used <= n);
    (void)pq_decode_column_meta(p, n, &a, &cm, &e);
    dccd_arena_free(&a);
}

static void test_fuzz(void **state)
{
    (void)state;
    /* seeds: one valid encoding per decoder */
    enum { NSEED = 5 };
    dccd_buf seed[NSEED];
    for (int i = 0; i < NSEED; i++)
        dccd_buf_init(&seed[i]);
    sample *s = malloc(sizeof *s);
    assert_non_null(s);
    make_full(s);
    assert_int_equal(pq_encode_file_meta(&seed[0], &s->m, NULL), DCCD_OK);
    pq_page_header h;
    memset(&h, 0, sizeof h);
    h.type = PQ_PAGE_DATA_V2;
    h.has_crc = true;
    h.has_data_page_header_v2 = true;
    h.data_page_header_v2.has_statistics = true;
    h.data_page_header_v2.statistics = full_stats();
    h.has_dictionary_page_header = true;
    assert_int_equal(pq_encode_page_header(&seed[1], &h, NULL), DCCD_OK);
    bool nulls[3] = {true, false, true};
    pq_bytes mm[3] = {{k_bin1, 4}, {k_bin2, 1}, {k_bin1, 0}};
    int64_t nc[3] = {1, 2, 3};
    pq_column_index ci = {nulls, 3, mm, mm, 2, nc};
    assert_int_equal(pq_encode_column_index(&seed[2], &ci, NULL), DCCD_OK);
    pq_page_location locs[3] = {{4, 10, 0}, {14, 10, 5}, {24, 10, 9}};
    pq_offset_index oi = {locs, 3};
    assert_int_equal(pq_encode_offset_index(&seed[3], &oi, NULL), DCCD_OK);
    pq_bloom_header bh = {32, true, true, true};
    assert_int_equal(pq_encode_bloom_header(&seed[4], &bh, NULL), DCCD_OK);

    uint64_t x = 0x9e3779b97f4a7c15ull;
    uint8_t *buf = malloc(seed[0].len + 64);
    assert_non_null(buf);
    for (int it = 0; it < 8000; it++) {
        size_t n;
        if (it % 4 == 0) {
            /* pure random bytes, biased to small values so headers parse */
            n = (size_t)(rng_next(&x) % 200);
            for (size_t i = 0; i < n; i++) {
                uint64_t r = rng_next(&x);
                buf[i] = (uint8_t)((r & 0x300) ? (r & 0x1f) : r);
            }
        } else {
            /* mutate a valid encoding: change bytes, maybe cut */
            const dccd_buf *sd = &seed[rng_next(&x) % NSEED];
            n = sd->len;
            memcpy(buf, sd->data, n);
            int flips = 1 + (int)(rng_next(&x) % 4);
            for (int f = 0; f < flips; f++) {
                uint64_t r = rng_next(&x);
                buf[r % n] = (r >> 32) & 1 ? (uint8_t)(r >> 40) : (uint8_t)(buf[r % n] ^ (1u << ((r >> 41) & 7)));
            }
            if (rng_next(&x) % 4 == 0)
                n = (size_t)(rng_next(&x) % n);
        }
        uint8_t *cp = malloc(n ? n : 1);
        assert_non_null(cp);
        memcpy(cp, buf, n);
        decode_all(cp, n);
        free(cp);
    }
    free(buf);
    for (int i = 0; i < NSEED; i++)
        dccd_buf_free(&seed[i]);
    free(s);
}

/* ---- the parquet-testing corpus ------------------------------------------- */

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0) {
        fclose(f);
        return NULL;
    }
    long sz = ftell(f);
    rewind(f);
    uint8_t *p = malloc(sz > 0 ? (size_t)sz : 1);
    if (p && fread(p, 1, (size_t)sz, f) != (size_t)sz) {
        free(p);
        p = NULL;
    }
    fclose(f);
    *len = (size_t)sz;
    return p;
}

typedef struct corpus_file {
    uint8_t *data;
    size_t len;
    const uint8_t *footer;
    size_t footer_len;
} corpus_file;

/* Returns false (after skip()) when the corpus is absent. */
static bool open_corpus(const char *name, corpus_file *cf)
{
    const char *dir = getenv("PARQUET_TEST_DATA");
    char path[4096];
    if (!dir || !*dir) {
        printf("SKIPPED: corpus absent\n");
        return false;
    }
    snprintf(path, sizeof path, "%s/data/%s", dir, name);
    cf->data = slurp(path, &cf->len);
    if (!cf->data) {
        printf("SKIPPED: corpus absent (%s)\n", path);
        return false;
    }
    assert_true(cf->len >= 12);
    const uint8_t *tail = cf->data + cf->len - 8;
    assert_memory_equal(tail + 4, "PAR1", 4);
    uint32_t flen = dccd_load_u32le(tail);
    assert_true(flen <= cf->len - 12);
    cf->footer = tail - flen;
    cf->footer_len = flen;
    return true;
}

static void check_footer_consistency(const char *name, const pq_file_meta *m, size_t file_len)
{
    int64_t rows = 0;
    size_t leaves = 0;
    for (size_t i = 0; i < m->n_schema; i++)
        if (m->schema[i].num_children == 0)
            leaves++;
    for (size_t g = 0; g < m->n_row_groups; g++) {
        const pq_row_group *rg = &m->row_groups[g];
        rows += rg->num_rows;
        if (rg->n_columns != leaves)
            fail_msg("%s: row group %zu has %zu columns for %zu leaves", name, g, rg->n_columns, leaves);
        for (size_t c = 0; c < rg->n_columns; c++) {
            const pq_column_chunk *cc = &rg->columns[c];
            if (!cc->has_meta_data)
                continue;
            assert_true(cc->meta_data.n_path >= 1);
            assert_true((uint64_t)cc->meta_data.data_page_offset < file_len);
        }
    }
    /* parquet-rs 0.3.0 wrote num_rows = 0 in repeated_no_annotation.parquet
     * (checked with an independent parse); every other file must agree */
    if (rows != m->num_rows && !(strstr(name, "repeated_no_annotation") && m->num_rows == 0))
        fail_msg("%s: row groups hold %lld rows, footer says %lld", name, (long long)rows, (long long)m->num_rows);
}

static void test_corpus_alltypes_plain(void **state)
{
    (void)state;
    corpus_file cf;
    if (!open_corpus("alltypes_plain.parquet", &cf)) {
        skip();
        return;
    }
    dccd_arena a;
    dccd_arena_init(&a, 0);
    dccd_error e;
    pq_file_meta m;
    int rc = pq_decode_file_meta(cf.footer, cf.footer_len, &a, &m, &e);
    if (rc)
        fail_msg("%s", e.msg);
    /* root + 11 leaf columns (id ... timestamp_col) */
    assert_int_equal(m.n_schema, 12);
    assert_int_equal(m.schema[0].num_children, 11);
    assert_string_equal(m.schema[11].name, "timestamp_col");
    assert_int_equal(m.schema[11].type, DCCD_PQ_INT96);
    assert_string_equal(m.schema[1].name, "id");
    assert_int_equal(m.schema[1].type, DCCD_PQ_INT32);
    assert_true(m.num_rows == 8);
    assert_int_equal(m.n_row_groups, 1);
    assert_int_equal(m.row_groups[0].n_columns, 11);
    assert_non_null(m.created_by);
    check_footer_consistency("alltypes_plain", &m, cf.len);

    /* the first page header of every column chunk decodes */
    for (size_t c = 0; c < m.row_groups[0].n_columns; c++) {
        const pq_column_meta *cm = &m.row_groups[0].columns[c].meta_data;
        int64_t off = cm->has_dictionary_page_offset && cm->dictionary_page_offset > 0 ? cm->dictionary_page_offset
                                                                                        : cm->data_page_offset;
        assert_true((uint64_t)off < cf.len);
        pq_page_header h;
        size_t used;
        rc = pq_decode_page_header(cf.data + off, cf.len - (size_t)off, &a, &h, &used, &e);
        if (rc)
            fail_msg("column %zu: %s", c, e.msg);
        assert_true(h.type == PQ_PAGE_DICTIONARY || h.type == PQ_PAGE_DATA);
        assert_true((uint64_t)off + used + (uint64_t)h.compressed_page_size <= cf.len);
    }

    /* the real footer survives encode -> decode -> encode unchanged */
    dccd_buf b1 = DCCD_BUF_INIT, b2 = DCCD_BUF_INIT;
    assert_int_equal(pq_encode_file_meta(&b1, &m, &e), DCCD_OK);
    pq_file_meta m2;
    assert_int_equal(pq_decode_file_meta(b1.data, b1.len, &a, &m2, &e), DCCD_OK);
    eq_file_meta(&m, &m2);
    assert_int_equal(pq_encode_file_meta(&b2, &m2, &e), DCCD_OK);
    assert_int_equal(b1.len, b2.len);
    assert_memory_equal(b1.data, b2.data, b1.len);
    dccd_buf_free(&b1);
    dccd_buf_free(&b2);
    dccd_arena_free(&a);
    free(cf.data);
}

static void test_corpus_many(void **state)
{
    (void)state;
    static const char *files[] = {
        "alltypes_dictionary.parquet", "alltypes_plain.snappy.parquet", "alltypes_tiny_pages.parquet",
        "binary.parquet", "byte_array_decimal.parquet", "column_chunk_key_value_metadata.parquet",
        "data_index_bloom_encoding_stats.parquet", "data_index_bloom_encoding_with_length.parquet",
        "datapage_v2.snappy.parquet", "delta_binary_packed.parquet", "dict-page-offset-zero.parquet",
        "fixed_length_decimal.parquet", "float16_nonzeros_and_nans.parquet", "int96_from_spark.parquet",
        "list_columns.parquet", "nested_lists.snappy.parquet", "nested_maps.snappy.parquet",
        "nested_structs.rust.parquet", "nonnullable.impala.parquet", "nullable.impala.parquet",
        "null_list.parquet", "old_list_structure.parquet", "repeated_no_annotation.parquet",
        "sort_columns.parquet", "unknown-logical-type.parquet", "large_string_map.brotli.parquet",
        "int32_with_null_pages.parquet", "overflow_i16_page_cnt.parquet", "rle_boolean_encoding.parquet",
        "byte_stream_split.zstd.parquet", "encrypt_columns_plaintext_footer.parquet.encrypted"};
    int decoded = 0, indexes = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        corpus_file cf;
        if (!open_corpus(files[i], &cf)) {
            const char *env = getenv("PARQUET_TEST_DATA");
            if (!env || !*env) {
                printf("SKIPPED: corpus absent\n");
                skip();
                return;
            }
            continue; /* a single file missing from a corpus version */
        }
        dccd_arena a;
        dccd_arena_init(&a, 64u << 20);
        dccd_error e;
        pq_file_meta m;
        int rc = pq_decode_file_meta(cf.footer, cf.footer_len, &a, &m, &e);
        if (rc)
            fail_msg("%s: %s", files[i], e.msg);
        decoded++;
        check_footer_consistency(files[i], &m, cf.len);
        bool encrypted = strstr(files[i], "encrypt") != NULL;
        if (encrypted) {
            assert_true(m.has_encryption_algorithm);
            bool any = false;
            for (size_t g = 0; g < m.n_row_groups; g++)
                for (size_t c = 0; c < m.row_groups[g].n_columns; c++)
                    any |= m.row_groups[g].columns[c].has_crypto_metadata;
            assert_true(any);
        } else {
            assert_false(m.has_encryption_algorithm);
            dccd_buf b1 = DCCD_BUF_INIT, b2 = DCCD_BUF_INIT;
            assert_int_equal(pq_encode_file_meta(&b1, &m, &e), DCCD_OK);
            pq_file_meta m2;
            assert_int_equal(pq_decode_file_meta(b1.data, b1.len, &a, &m2, &e), DCCD_OK);
            eq_file_meta(&m, &m2);
            assert_int_equal(pq_encode_file_meta(&b2, &m2, &e), DCCD_OK);
            assert_int_equal(b1.len, b2.len);
            assert_memory_equal(b1.data, b2.data, b1.len);
            dccd_buf_free(&b1);
            dccd_buf_free(&b2);
        }

        if (!strcmp(files[i], "nested_lists.snappy.parquet")) {
            assert_true(m.n_schema > m.row_groups[0].n_columns + 1); /* groups */
            assert_true(m.row_groups[0].columns[0].meta_data.n_path >= 3);
        }
        if (!strcmp(files[i], "column_chunk_key_value_metadata.parquet")) {
            const pq_column_meta *cm = &m.row_groups[0].columns[0].meta_data;
            assert_true(cm->n_kv >= 1);
            assert_non_null(cm->kv[0].key);
        }
        if (!strcmp(files[i], "unknown-logical-type.parquet")) {
            bool other = false;
            for (size_t s = 0; s < m.n_schema; s++)
                other |= m.schema[s].has_logical_type && m.schema[s].logical_type.kind == PQ_LT_OTHER;
            assert_true(other);
        }
        if (!strcmp(files[i], "sort_columns.parquet"))
            assert_true(m.row_groups[0].n_sorting_columns >= 1);
        if (!strcmp(files[i], "datapage_v2.snappy.parquet")) {
            const pq_column_meta *cm = &m.row_groups[0].columns[0].meta_data;
            int64_t off = cm->data_page_offset;
            if (cm->has_dictionary_page_offset && cm->dictionary_page_offset > 0 &&
                cm->dictionary_page_offset < off)
                off = cm->dictionary_page_offset;
            pq_page_header h;
            size_t used;
            rc = pq_decode_page_header(cf.data + off, cf.len - (size_t)off, &a, &h, &used, &e);
            if (rc)
                fail_msg("%s", e.msg);
            if (h.type == PQ_PAGE_DICTIONARY) {
                off += (int64_t)used + h.compressed_page_size;
                rc = pq_decode_page_header(cf.data + off, cf.len - (size_t)off, &a, &h, &used, &e);
                assert_int_equal(rc, DCCD_OK);
            }
            assert_int_equal(h.type, PQ_PAGE_DATA_V2);
            assert_true(h.has_data_page_header_v2);
        }
        if (!strncmp(files[i], "data_index_bloom", 16)) {
            bool bloom = false;
            for (size_t c = 0; c < m.row_groups[0].n_columns; c++) {
                const pq_column_meta *cm = &m.row_groups[0].columns[c].meta_data;
                if (!cm->has_bloom_filter_offset)
                    continue;
                bloom = true;
                assert_true((uint64_t)cm->bloom_filter_offset < cf.len);
                pq_bloom_header bh;
                size_t used;
                rc = pq_decode_bloom_header(cf.data + cm->bloom_filter_offset,
                                            cf.len - (size_t)cm->bloom_filter_offset, &bh, &used, &e);
                if (rc)
                    fail_msg("%s: %s", files[i], e.msg);
                assert_true(bh.algorithm_block && bh.hash_xxhash && bh.compression_none);
                assert_true(bh.num_bytes > 0 && (bh.num_bytes & (bh.num_bytes - 1)) == 0);
                if (cm->has_bloom_filter_length)
                    assert_int_equal(cm->bloom_filter_length, (int32_t)used + bh.num_bytes);
            }
            assert_true(bloom);
        }
        /* page indexes, where present */
        for (size_t g = 0; g < m.n_row_groups; g++) {
            for (size_t c = 0; c < m.row_groups[g].n_columns; c++) {
                const pq_column_chunk *cc = &m.row_groups[g].columns[c];
                if (cc->has_crypto_metadata)
                    continue; /* its indexes are encrypted */
                if (cc->has_column_index && cc->has_meta_data) {
                    assert_true((uint64_t)cc->column_index_offset + (uint64_t)cc->column_index_length <= cf.len);
                    pq_column_index ci;
                    rc = pq_decode_column_index(cf.data + cc->column_index_offset, (size_t)cc->column_index_length,
                                                &a, &ci, &e);
                    if (rc)
                        fail_msg("%s: column index: %s", files[i], e.msg);
                    assert_true(ci.n_pages >= 1);
                    indexes++;
                }
                if (cc->has_offset_index) {
                    assert_true((uint64_t)cc->offset_index_offset + (uint64_t)cc->offset_index_length <= cf.len);
                    pq_offset_index oi;
                    rc = pq_decode_offset_index(cf.data + cc->offset_index_offset, (size_t)cc->offset_index_length,
                                                &a, &oi, &e);
                    if (rc)
                        fail_msg("%s: offset index: %s", files[i], e.msg);
                    assert_true(oi.n_pages >= 1);
                    assert_true(oi.pages[0].first_row_index == 0);
                    for (size_t p = 1; p < oi.n_pages; p++)
                        assert_true(oi.pages[p].offset > oi.pages[p - 1].offset);
                }
            }
        }
        dccd_arena_free(&a);
        free(cf.data);
    }
    assert_true(decoded >= 20);
    assert_true(indexes >= 1); /* alltypes_tiny_pages, int32_with_null_pages... */
    printf("decoded %d corpus footers, %d column indexes\n", decoded, indexes);
}

static void test_footer_decode_many_row_groups(void **state)
{
    (void)state;
    /* 10 row groups x 8 columns decode (repeatedly, from one buffer) into
     * the same structure; the cost is measured by the inventory benchmark
     * (bench/), not here */
    sample *s = malloc(sizeof *s);
    assert_non_null(s);
    make_full(s);
    pq_row_group rgs[10];
    pq_column_chunk cols[8];
    for (int c = 0; c < 8; c++)
        cols[c] = s->cols[0][c % 2];
    for (int g = 0; g < 10; g++) {
        rgs[g] = s->rg[0];
        rgs[g].columns = cols;
        rgs[g].n_columns = 8;
    }
    s->m.row_groups = rgs;
    s->m.n_row_groups = 10;
    dccd_buf b = DCCD_BUF_INIT;
    assert_int_equal(pq_encode_file_meta(&b, &s->m, NULL), DCCD_OK);
    for (int i = 0; i < 20; i++) {
        dccd_arena a;
        dccd_arena_init(&a, 0);
        pq_file_meta m;
        assert_int_equal(pq_decode_file_meta(b.data, b.len, &a, &m, NULL), DCCD_OK);
        assert_int_equal(m.n_row_groups, 10);
        for (int g = 0; g < 10; g++) {
            assert_int_equal(m.row_groups[g].n_columns, 8);
            for (int c = 0; c < 8; c++)
                assert_int_equal(m.row_groups[g].columns[c].meta_data.num_values, cols[c].meta_data.num_values);
        }
        dccd_arena_free(&a);
    }
    dccd_buf_free(&b);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_meta_roundtrip_full),
        cmocka_unit_test(test_file_meta_roundtrip_minimal),
        cmocka_unit_test(test_encode_refuses),
        cmocka_unit_test(test_page_header_roundtrip),
        cmocka_unit_test(test_index_roundtrip),
        cmocka_unit_test(test_bloom_header),
        cmocka_unit_test(test_handbuilt_page_header),
        cmocka_unit_test(test_handbuilt_footer),
        cmocka_unit_test(test_column_meta_standalone),
        cmocka_unit_test(test_arena_limit),
        cmocka_unit_test(test_truncation_every_offset),
        cmocka_unit_test(test_fuzz),
        cmocka_unit_test(test_corpus_alltypes_plain),
        cmocka_unit_test(test_corpus_many),
        cmocka_unit_test(test_footer_decode_many_row_groups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
