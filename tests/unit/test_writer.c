/*
 * tests/unit/test_writer.c - Parquet writer features and failure modes:
 * schema / footer contents (logical + converted types, column orders,
 * key-value metadata, created_by), invalid schemas and inputs, statistics
 * edge cases (+-0.0, NaN, long strings), dictionary fallback, page index
 * (boundary order, per-page min/max, null pages), bloom filters, raw
 * row-group copies, and I/O failures (/dev/full, existing path, abort,
 * truncated output), zero-row files and the fd writer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "dccd/parquet.h"
#include "parquet/file.h"
#include "parquet/meta.h"

static char g_dir[256];

static int setup_dir(void **state)
{
    (void)state;
    const char *t = getenv("TMPDIR");
    snprintf(g_dir, sizeof g_dir, "%s/dccd_wr_XXXXXX", t && *t ? t : "/tmp");
    return mkdtemp(g_dir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
    (void)state;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void tpath(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", g_dir, name);
}

static dccd_pq_field fld(const char *name, dccd_pq_type t, bool optional)
{
    dccd_pq_field f;
    memset(&f, 0, sizeof f);
    f.name = name;
    f.type = t;
    f.optional = optional;
    return f;
}

static dccd_pq_column i64col(int64_t *v, size_t n)
{
    dccd_pq_column c;
    memset(&c, 0, sizeof c);
    c.type = DCCD_PQ_INT64;
    c.n = n;
    c.values = v;
    return c;
}

static dccd_pq_column strcol(char **s, size_t n, int64_t *offs, uint8_t *buf)
{
    dccd_pq_column c;
    memset(&c, 0, sizeof c);
    c.type = DCCD_PQ_BYTE_ARRAY;
    c.n = n;
    offs[0] = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(s[i]);
        memcpy(buf + offs[i], s[i], l);
        offs[i + 1] = offs[i] + (int64_t)l;
    }
    c.offsets = offs;
    c.data = buf;
    return c;
}

static dccd_pq_file *open_ok(const char *p)
{
    dccd_pq_file *f;
    dccd_error e;
    if (dccd_pq_open(p, &f, &e))
        fail_msg("open %s: %s", p, e.msg);
    return f;
}

/* Write one INT64 column file of n rows from v. */
static void write_i64(const char *p, const int64_t *v, size_t n, dccd_pq_write_options *o, bool bloom)
{
    dccd_pq_field f = fld("x", DCCD_PQ_INT64, false);
    f.bloom_filter = bloom;
    dccd_pq_writer *w;
    dccd_error e;
    assert_int_equal(dccd_pq_writer_open(p, &f, 1, o, &w, &e), DCCD_OK);
    dccd_pq_column c = i64col((int64_t *)v, n);
    if (dccd_pq_writer_write(w, &c, n, &e))
        fail_msg("write: %s", e.msg);
    if (dccd_pq_writer_close(w, &e))
        fail_msg("close: %s", e.msg);
}

/* ---- schema and footer ------------------------------------------------------ */

static void test_schema_footer(void **state)
{
    (void)state;
    char p[300];
    tpath(p, sizeof p, "schema.parquet");
    dccd_pq_field f[7] = {fld("ts", DCCD_PQ_INT64, false), fld("us", DCCD_PQ_INT64, false),
                          fld("ns", DCCD_PQ_INT64, true),  fld("side", DCCD_PQ_BYTE_ARRAY, true),
                          fld("n", DCCD_PQ_INT32, false),  fld("day", DCCD_PQ_INT32, false),
                          fld("ok", DCCD_PQ_BOOLEAN, false)};
    f[0].logical = DCCD_PQ_LOG_TIMESTAMP;
    f[0].unit = DCCD_PQ_MILLIS;
    f[0].utc = true;
    f[1].logical = DCCD_PQ_LOG_TIMESTAMP;
    f[1].unit = DCCD_PQ_MICROS;
    f[1].utc = true;
    f[2].logical = DCCD_PQ_LOG_TIMESTAMP;
    f[2].unit = DCCD_PQ_NANOS;
    f[2].utc = true;
    f[3].logical = DCCD_PQ_LOG_STRING;
    f[4].logical = DCCD_PQ_LOG_INTEGER;
    f[5].logical = DCCD_PQ_LOG_DATE;
    dccd_pq_kv kv[2] = {{"a", "1"}, {"b", NULL}};
    dccd_pq_write_options o;
    dccd_pq_write_options_init(&o);
    o.kv = kv;
    o.n_kv = 2;
    dccd_pq_writer *w;
    dccd_error e;
    assert_int_equal(dccd_pq_writer_open(p, f, 7, &o, &w, &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_set_kv(w, "a", "2", &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_set_kv(w, "c", "3", &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_close(w, &e), DCCD_OK);

    dccd_pq_file *pf = open_ok(p);
    const pq_file_meta *m = &pf->meta;
    assert_int_equal(m->version, 1);
    assert_int_equal(m->n_schema, 8);
    assert_string_equal(m->schema[0].name, "schema");
    assert_int_equal(m->schema[0].num_children, 7);
    assert_false(m->schema[0].has_type);
    static const int conv[7] = {9, 10, -1, 0, 17, 6, -1};
    static const int kind[7] = {PQ_LT_TIMESTAMP, PQ_LT_TIMESTAMP, PQ_LT_TIMESTAMP, PQ_LT_STRING,
                                PQ_LT_INTEGER,   PQ_LT_DATE,      PQ_LT_NONE};
    for (int i = 0; i < 7; i++) {
        const pq_schema_element *s = &m->schema[i + 1];
        assert_string_equal(s->name, f[i].name);
        assert_int_equal(s->type, f[i].type);
        assert_int_equal(s->repetition, f[i].optional ? PQ_OPTIONAL : PQ_REQUIRED);
        assert_int_equal(s->has_converted_type, conv[i] >= 0);
        if (conv[i] >= 0)
            assert_int_equal(s->converted_type, conv[i]);
        assert_int_equal(s->has_logical_type, kind[i] != PQ_LT_NONE);
        if (kind[i] != PQ_LT_NONE)
            assert_int_equal(s->logical_type.kind, kind[i]);
    }
    assert_int_equal(m->schema[3].logical_type.unit, 2);
    assert_true(m->schema[1].logical_type.utc);
    assert_int_equal(m->schema[5].logical_type.bit_width, 32);
    assert_true(m->schema[5].logical_type.is_signed);
    assert_int_equal(m->n_column_orders, 7);
    for (int i = 0; i < 7; i++)
        assert_true(m->type_defined_order[i]);
    assert_non_null(dccd_pq_created_by(pf));
    assert_true(strncmp(dccd_pq_created_by(pf), "dccd version ", 13) == 0);
    assert_int_equal(dccd_pq_kv_count(pf), 3);
    assert_string_equal(dccd_pq_kv_get(pf, "a"), "2");
    assert_null(dccd_pq_kv_get(pf, "b"));
    assert_string_equal(dccd_pq_kv_get(pf, "c"), "3");
    assert_int_equal(dccd_pq_num_row_groups(pf), 0);
    assert_int_equal(dccd_pq_num_rows(pf), 0);
    const dccd_pq_column_info *ci = dccd_pq_column_info_at(pf, 3);
    assert_int_equal(ci->logical, DCCD_PQ_LOG_STRING);
    dccd_pq_close(pf);
}

static void test_invalid_schema(void **state)
{
    (void)state;
    char p[300];
    tpath(p, sizeof p, "bad_schema.parquet");
    dccd_pq_writer *w = (dccd_pq_writer *)&w;
    dccd_error e;
    dccd_pq_field f[2] = {fld("a", DCCD_PQ_INT64, false), fld("a", DCCD_PQ_INT32, false)};
    assert_int_equal(dccd_pq_writer_open(p, f, 0, NULL, &w, &e), DCCD_EINVAL);
    assert_null(w);
    assert_int_equal(dccd_pq_writer_open(p, f, 2, NULL, &w, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "duplicate"));
    f[1].name = "";
    assert_int_equal(dccd_pq_writer_open(p, f, 2, NULL, &w, &e), DCCD_EINVAL);
    f[1] = fld("b", DCCD_PQ_INT96, false);
    assert_int_equal(dccd_pq_writer_open(p, f, 2, NULL, &w, &e), DCCD_EINVAL);
    f[1] = fld("b", DCCD_PQ_INT64, false);
    f[1].logical = DCCD_PQ_LOG_STRING;
    assert_int_equal(dccd_pq_writer_open(p, f, 2, NULL, &w, &e), DCCD_EINVAL);
    assert_int_equal(access(p, F_OK), -1); /* nothing created */
}

static void test_invalid_input(void **state)
{
    (void)state;
    char p[300];
    tpath(p, sizeof p, "bad_input.parquet");
    dccd_pq_field f[2] = {fld("a", DCCD_PQ_INT64, false), fld("s", DCCD_PQ_BYTE_ARRAY, true)};
    dccd_pq_writer *w;
    dccd_error e;
    assert_int_equal(dccd_pq_writer_open(p, f, 2, NULL, &w, &e), DCCD_OK);
    int64_t v[3] = {1, 2, 3};
    uint8_t valid[3] = {1, 1, 0};
    char *s[3] = {"x", "yy", ""};
    int64_t offs[4];
    uint8_t buf[16];
    dccd_pq_column c[2] = {i64col(v, 3), strcol(s, 3, offs, buf)};
    c[1].validity = valid;
    c[0].validity = valid; /* required column with a null */
    assert_int_equal(dccd_pq_writer_write(w, c, 3, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "column a"));
    assert_non_null(strstr(e.msg, "row 2"));
    c[0].validity = NULL;
    c[0].type = DCCD_PQ_INT32;
    assert_int_equal(dccd_pq_writer_write(w, c, 3, &e), DCCD_EINVAL);
    c[0].type = DCCD_PQ_INT64;
    assert_int_equal(dccd_pq_writer_write(w, c, 2, &e), DCCD_EINVAL); /* n != nrows */
    offs[2] = 0;                                                       /* decreasing offsets */
    assert_int_equal(dccd_pq_writer_write(w, c, 3, &e), DCCD_EINVAL);
    offs[2] = 3;
    assert_int_equal(dccd_pq_writer_rows(w), 0); /* rejected calls buffered nothing */
    assert_int_equal(dccd_pq_writer_write(w, c, 3, &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_close(w, &e), DCCD_OK);
    dccd_pq_file *pf = open_ok(p);
    dccd_pq_column got;
    assert_int_equal(dccd_pq_read_column(pf, 0, 1, &got, &e), DCCD_OK);
    assert_int_equal(got.n, 3);
    assert_int_equal(got.null_count, 1);
    assert_int_equal(got.offsets[2] - got.offsets[1], 2);
    assert_memory_equal(got.data + got.offsets[1], "yy", 2);
    dccd_pq_column_free(&got);
    dccd_pq_close(pf);
}

/* ---- statistics edge cases ------------------------------------------------ */

static void test_stats_edges(void **state)
{
    (void)state;
    char p[300];
    tpath(p, sizeof p, "stats.parquet");
    dccd_pq_field f[5] = {fld("d", DCCD_PQ_DOUBLE, false), fld("nan", DCCD_PQ_FLOAT, false),
                          fld("s", DCCD_PQ_BYTE_ARRAY, false), fld("ff", DCCD_PQ_BYTE_ARRAY, false),
                          fld("i", DCCD_PQ_INT64, true)};
    enum { N = 4 };
    double d[N] = {0.0, -0.0, 0.0, -0.0};
    float nan[N] = {NAN, NAN, NAN, NAN};
    uint8_t big[4][100];
    memset(big, 'a', sizeof big);
    big[1][99] = 'b';          /* max: "aaa...ab" (100 bytes) */
    big[2][50] = 0;            /* min: 50 x 'a' then 0... */
    uint8_t ffb[N][80];
    memset(ffb, 0xFF, sizeof ffb);
    int64_t so[N + 1], fo[N + 1];
    uint8_t sdata[400], fdata[320];
    so[0] = fo[0] = 0;
    for (int i = 0; i < N; i++) {
        memcpy(sdata + so[i], big[i], 100);
        so[i + 1] = so[i] + 100;
        memcpy(fdata + fo[i], ffb[i], 80);
        fo[i + 1] = fo[i] + 80;
    }
    int64_t iv[N] = {5, 0, 0, 0};
    uint8_t inone[N] = {1, 0, 0, 0};
    dccd_pq_column c[5];
    memset(c, 0, sizeof c);
    c[0].type = DCCD_PQ_DOUBLE;
    c[0].values = d;
    c[1].type = DCCD_PQ_FLOAT;
    c[1].values = nan;
    c[2].type = DCCD_PQ_BYTE_ARRAY;
    c[2].offsets = so;
    c[2].data = sdata;
    c[3].type = DCCD_PQ_BYTE_ARRAY;
    c[3].offsets = fo;
    c[3].data = fdata;
    c[4].type = DCCD_PQ_INT64;
    c[4].values = iv;
    c[4].validity = inone;
    for (int i = 0; i < 5; i++)
        c[i].n = N;
    dccd_pq_write_options o;
    dccd_pq_write_options_init(&o);
    o.page_size = 8; /* several pages */
    dccd_pq_writer *w;
    dccd_error e;
    assert_int_equal(dccd_pq_writer_open(p, f, 5, &o, &w, &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_write(w, c, N, &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_close(w, &e), DCCD_OK);

    dccd_pq_file *pf = open_ok(p);
    const pq_column_chunk *cc = pf->meta.row_groups[0].columns;
    /* zeros: min -0.0, max +0.0, legacy min/max too */
    const pq_statistics *s = &cc[0].meta_data.statistics;
    double mn, mx;
    assert_int_equal(s->min_value.n, 8);
    memcpy(&mn, s->min_value.p, 8);
    memcpy(&mx, s->max_value.p, 8);
    assert_true(mn == 0.0 && signbit(mn));
    assert_true(mx == 0.0 && !signbit(mx));
    assert_non_null(s->min.p);
    assert_memory_equal(s->min.p, s->min_value.p, 8);
    assert_true(s->is_min_value_exact && s->is_max_value_exact);
    /* all NaN: no min/max, no column index, an offset index */
    s = &cc[1].meta_data.statistics;
    assert_null(s->min_value.p);
    assert_null(s->max_value.p);
    assert_true(s->has_null_count && s->null_count == 0);
    assert_false(cc[1].has_column_index);
    assert_true(cc[1].has_offset_index);
    /* long strings: truncated, inexact; no legacy min/max for BYTE_ARRAY */
    s = &cc[2].meta_data.statistics;
    assert_int_equal(s->min_value.n, 64); /* a prefix of the 100-byte min */
    assert_true(s->has_is_min_value_exact && !s->is_min_value_exact);
    assert_memory_equal(s->min_value.p, big[2], 64);
    assert_int_equal(s->max_value.n, 64);
    assert_true(s->has_is_max_value_exact && !s->is_max_value_exact);
    for (int i = 0; i < 63; i++)
        assert_int_equal(s->max_value.p[i], 'a');
    assert_int_equal(s->max_value.p[63], 'b'); /* 'a' + 1: above every value with that prefix */
    assert_null(s->min.p);
    assert_null(s->max.p);
    assert_true(cc[2].has_column_index);
    /* max of all-0xFF long values cannot be bounded: omitted; no column index */
    s = &cc[3].meta_data.statistics;
    assert_non_null(s->min_value.p);
    assert_null(s->max_value.p);
    assert_false(cc[3].has_column_index);
    /* optional with nulls: null_count, and null pages in the column index */
    s = &cc[4].meta_data.statistics;
    assert_int_equal(s->null_count, 3);
    dccd_pq_page_info *pages;
    size_t np;
    assert_int_equal(dccd_pq_page_index(pf, 0, 4, &pages, &np, &e), DCCD_OK);
    assert_int_equal(np, 4);
    assert_false(pages[0].null_page);
    assert_int_equal(pages[0].null_count, 0);
    int64_t v0;
    memcpy(&v0, pages[0].min, 8);
    assert_int_equal(v0, 5);
    for (size_t i = 1; i < np; i++) {
        assert_true(pages[i].null_page);
        assert_int_equal(pages[i].null_count, 1);
    }
    free(pages);
    dccd_pq_close(pf);
}

/* ---- dictionary ------------------------------------------------------------- */

static int enc_count(const pq_column_meta *m, int page_type, int enc)
{
    for (size_t i = 0; i < m->n_encoding_stats; i++)
        if (m->encoding_stats[i].page_type == page_type && m->encoding_stats[i].encoding == enc)
            return m->encoding_stats[i].count;
    return 0;
}

/* A chunk whose sampled values are nearly all distinct, and whose projected
 * dictionary would pass the limit, is written PLAIN from its first page (no
 * dictionary page at all); a column with few distinct values, or half
 * distinct, still tries the dictionary.  Values read back exactly. */
static void test_dict_skipped_for_unique_values(void **state)
{
    (void)state;
    char p[300];
    tpath(p, sizeof p, "dict_unique.parquet");
    enum { N = 20000 };
    int64_t *offs[3];
    uint8_t *data[3];
    for (int k = 0; k < 3; k++) {
        offs[k] = malloc((N + 1) * sizeof *offs[k]);
        data[k] = malloc(N * 16);
        assert_non_null(offs[k]);
        assert_non_null(data[k]);
        offs[k][0] = 0;
    }
    for (int i = 0; i < N; i++) {
        int vals[3] = {1000000 + i, i % 13, i / 2};
        for (int k = 0; k < 3; k++) {
            int l = snprintf((char *)data[k] + offs[k][i], 16, "t%d", vals[k]);
            offs[k][i + 1] = offs[k][i] + l;
        }
    }
    dccd_pq_field f[3] = {fld("uniq", DCCD_PQ_BYTE_ARRAY, false), fld("low", DCCD_PQ_BYTE_ARRAY, false),
                          fld("half", DCCD_PQ_BYTE_ARRAY, false)};
    dccd_pq_column c[3];
    memset(c, 0, sizeof c);
    for (int k = 0; k < 3; k++) {
        c[k].type = DCCD_PQ_BYTE_ARRAY;
        c[k].n = N;
        c[k].offsets = offs[k];
        c[k].data = data[k];
    }
    dccd_pq_write_options o;
    dccd_pq_write_options_init(&o);
    o.dictionary_page_limit = 64 * 1024;
    dccd_pq_writer *w;
    dccd_error e;
    assert_int_equal(dccd_pq_writer_open(p, f, 3, &o, &w, &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_write(w, c, N, &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_close(w, &e), DCCD_OK);
    dccd_pq_file *pf = open_ok(p);
    const pq_column_chunk *cc = pf->meta.row_groups[0].columns;
    const pq_column_meta *m = &cc[0].meta_data;
    assert_false(m->has_dictionary_page_offset);
    assert_int_equal(enc_count(m, PQ_PAGE_DATA, DCCD_PQ_ENC_RLE_DICTIONARY), 0);
    assert_true(enc_count(m, PQ_PAGE_DATA, DCCD_PQ_ENC_PLAIN) >= 1);
    m = &cc[1].meta_data;
    assert_true(m->has_dictionary_page_offset);
    assert_int_equal(enc_count(m, PQ_PAGE_DATA, DCCD_PQ_ENC_PLAIN), 0);
    m = &cc[2].meta_data; /* half distinct: the dictionary is tried */
    assert_true(m->has_dictionary_page_offset);
    assert_true(enc_count(m, PQ_PAGE_DATA, DCCD_PQ_ENC_RLE_DICTIONARY) >= 1);
    for (int k = 0; k < 3; k++) {
        dccd_pq_column got;
        assert_int_equal(dccd_pq_read_column(pf, 0, k, &got, &e), DCCD_OK);
        assert_int_equal(got.n, N);
        assert_memory_equal(got.offsets, c[k].offsets, (N + 1) * sizeof(int64_t));
        assert_memory_equal(got.data, c[k].data, (size_t)c[k].offsets[N]);
        dccd_pq_column_free(&got);
    }
    dccd_pq_close(pf);
    for (int k = 0; k < 3; k++) {
        free(offs[k]);
        free(data[k]);
    }
}

static void test_dict_fallback(void **state)
{
    (void)state;
    char p[300];
    tpath(p, sizeof p, "dict.parquet");
    enum { N = 5000 };
    int64_t *offs = malloc((N + 1) * sizeof *offs);
    uint8_t *data = malloc(N * 16);
    int64_t *lowoffs = malloc((N + 1) * sizeof *lowoffs);
    uint8_t *lowdata = malloc(N * 16);
    offs[0] = lowoffs[0] = 0;
    for (int i = 0; i < N; i++) {
        int l = snprintf((char *)data + offs[i], 16, "id%d", i * 7);
        offs[i + 1] = offs[i] + l;
        l = snprintf((char *)lowdata + lowoffs[i], 16, "v%d", i % 13);
        lowoffs[i + 1] = lowoffs[i] + l;
    }
    dccd_pq_field f[3] = {fld("uniq", DCCD_PQ_BYTE_ARRAY, false), fld("low", DCCD_PQ_BYTE_ARRAY, false),
                          fld("plain", DCCD_PQ_BYTE_ARRAY, false)};
    f[2].no_dictionary = true;
    dccd_pq_column c[3];
    memset(c, 0, sizeof c);
    for (int i = 0; i < 3; i++) {
        c[i].type = DCCD_PQ_BYTE_ARRAY;
        c[i].n = N;
        c[i].offsets = i == 1 ? lowoffs : offs;
        c[i].data = i == 1 ? lowdata : data;
    }
    dccd_pq_write_options o;
    dccd_pq_write_options_init(&o);
    o.page_size = 500;
    o.dictionary_page_limit = 2000;
    dccd_pq_writer *w;
    dccd_error e;
    assert_int_equal(dccd_pq_writer_open(p, f, 3, &o, &w, &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_write(w, c, N, &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_close(w, &e), DCCD_OK);
    dccd_pq_file *pf = open_ok(p);
    const pq_column_chunk *cc = pf->meta.row_groups[0].columns;
    const pq_column_meta *m = &cc[0].meta_data;
    assert_int_equal(enc_count(m, PQ_PAGE_DICTIONARY, DCCD_PQ_ENC_PLAIN), 1);
    int dpages = enc_count(m, PQ_PAGE_DATA, DCCD_PQ_ENC_RLE_DICTIONARY);
    int ppages = enc_count(m, PQ_PAGE_DATA, DCCD_PQ_ENC_PLAIN);
    assert_true(dpages >= 1);
    assert_true(ppages >= 1);
    assert_true(m->has_dictionary_page_offset);
    assert_false(m->statistics.has_distinct_count);
    m = &cc[1].meta_data;
    assert_int_equal(enc_count(m, PQ_PAGE_DATA, DCCD_PQ_ENC_PLAIN), 0);
    assert_true(enc_count(m, PQ_PAGE_DATA, DCCD_PQ_ENC_RLE_DICTIONARY) >= 1);
    assert_true(m->statistics.has_distinct_count);
    assert_int_equal(m->statistics.distinct_count, 13);
    m = &cc[2].meta_data;
    assert_false(m->has_dictionary_page_offset);
    assert_int_equal(enc_count(m, PQ_PAGE_DATA, DCCD_PQ_ENC_RLE_DICTIONARY), 0);
    for (int k = 0; k < 3; k++) {
        dccd_pq_column got;
        assert_int_equal(dccd_pq_read_column(pf, 0, k, &got, &e), DCCD_OK);
        assert_int_equal(got.n, N);
        for (int i = 0; i < N; i++) {
            int64_t l = c[k].offsets[i + 1] - c[k].offsets[i];
            assert_int_equal(got.offsets[i + 1] - got.offsets[i], l);
            assert_memory_equal(got.data + got.offsets[i], c[k].data + c[k].offsets[i], (size_t)l);
        }
        dccd_pq_column_free(&got);
    }
    dccd_pq_close(pf);
    free(offs);
    free(data);
    free(lowoffs);
    free(lowdata);
}

/* ---- page index ------------------------------------------------------------- */

static int boundary_order(dccd_pq_file *pf, int rg, int col)
{
    const pq_column_chunk *cc = &pf->meta.row_groups[rg].columns[col];
    assert_true(cc->has_column_index);
    uint8_t *b = malloc((size_t)cc->column_index_length);
    dccd_error e;
    assert_int_equal(pq_file_read_at(pf, (uint64_t)cc->column_index_offset, (size_t)cc->column_index_length, b, &e),
                     DCCD_OK);
    dccd_arena a;
    dccd_arena_init(&a, 0);
    pq_column_index ci;
    assert_int_equal(pq_decode_column_index(b, (size_t)cc->column_index_length, &a, &ci, &e), DCCD_OK);
    int bo = ci.boundary_order;
    dccd_arena_free(&a);
    free(b);
    return bo;
}

static void test_page_index(void **state)
{
    (void)state;
    enum { N = 2000 };
    int64_t asc[N], desc[N], rnd[N];
    uint64_t r = 99;
    for (int i = 0; i < N; i++) {
        asc[i] = i / 3;
        desc[i] = -i;
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        rnd[i] = (int64_t)(r >> 20) % 1000;
    }
    dccd_pq_field f[3] = {fld("asc", DCCD_PQ_INT64, false), fld("desc", DCCD_PQ_INT64, false),
                          fld("rnd", DCCD_PQ_INT64, false)};
    dccd_pq_column c[3] = {i64col(asc, N), i64col(desc, N), i64col(rnd, N)};
    dccd_pq_write_options o;
    dccd_pq_write_options_init(&o);
    o.page_size = 800; /* 100 values per page */
    o.row_group_rows = 1500;
    char p[300];
    tpath(p, sizeof p, "pidx.parquet");
    dccd_pq_writer *w;
    dccd_error e;
    assert_int_equal(dccd_pq_writer_open(p, f, 3, &o, &w, &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_write(w, c, N, &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_close(w, &e), DCCD_OK);
    dccd_pq_file *pf = open_ok(p);
    assert_int_equal(dccd_pq_num_row_groups(pf), 2);
    assert_int_equal(boundary_order(pf, 0, 0), 1);
    assert_int_equal(boundary_order(pf, 0, 1), 2);
    assert_int_equal(boundary_order(pf, 0, 2), 0);
    size_t row0 = 0;
    for (int rg = 0; rg < 2; rg++) {
        for (int col = 0; col < 3; col++) {
            dccd_pq_page_info *pg;
            size_t np;
            assert_int_equal(dccd_pq_page_index(pf, rg, col, &pg, &np, &e), DCCD_OK);
            size_t rows = (size_t)dccd_pq_row_group_rows(pf, rg);
            assert_int_equal(np, (rows + 99) / 100);
            const int64_t *v = col == 0 ? asc : col == 1 ? desc : rnd;
            for (size_t i = 0; i < np; i++) {
                size_t a = (size_t)pg[i].first_row, b = i + 1 < np ? (size_t)pg[i + 1].first_row : rows;
                int64_t mn = INT64_MAX, mx = INT64_MIN;
                for (size_t k = a; k < b; k++) {
                    int64_t x = v[row0 + k];
                    mn = x < mn ? x : mn;
                    mx = x > mx ? x : mx;
                }
                int64_t gmn, gmx;
                memcpy(&gmn, pg[i].min, 8);
                memcpy(&gmx, pg[i].max, 8);
                assert_int_equal(gmn, mn);
                assert_int_equal(gmx, mx);
                /* the location points at a page header */
                uint8_t hb[256];
                size_t hl = (size_t)pg[i].compressed_size < sizeof hb ? (size_t)pg[i].compressed_size : sizeof hb;
                assert_int_equal(pq_file_read_at(pf, (uint64_t)pg[i].offset, hl, hb, &e), DCCD_OK);
                dccd_arena ar;
                dccd_arena_init(&ar, 0);
                pq_page_header h;
                size_t used;
                assert_int_equal(pq_decode_page_header(hb, hl, &ar, &h, &used, &e), DCCD_OK);
                assert_int_equal(h.type, PQ_PAGE_DATA);
                assert_int_equal((size_t)h.data_page_header.num_values, b - a);
                assert_int_equal(used + (size_t)h.compressed_page_size, (size_t)pg[i].compressed_size);
                dccd_arena_free(&ar);
            }
            free(pg);
        }
        row0 += (size_t)dccd_pq_row_group_rows(pf, rg);
    }
    dccd_pq_close(pf);

    /* page_index off: none written */
    o.page_index = false;
    tpath(p, sizeof p, "nopidx.parquet");
    write_i64(p, asc, N, &o, false);
    pf = open_ok(p);
    dccd_pq_page_info *pg;
    size_t np;
    assert_int_equal(dccd_pq_page_index(pf, 0, 0, &pg, &np, &e), DCCD_ENOTFOUND);
    dccd_pq_close(pf);
}

/* ---- string statistics: dictionary pages vs plain pages ------------------------ */

/* Reference unsigned-byte order (shorter first on a common prefix). */
static int ref_cmp(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    size_t m = al < bl ? al : bl;
    int c = m ? memcmp(a, b, m) : 0;
    return c ? c : al < bl ? -1 : al > bl ? 1 : 0;
}

/* min/max over rows [r0, r1) of a string column (NULL validity: no nulls);
 * false when every row is null. */
static bool ref_minmax(const dccd_pq_column *c, size_t r0, size_t r1, size_t *imin, size_t *imax)
{
    bool any = false;
    for (size_t r = r0; r < r1; r++) {
        if (c->validity && !c->validity[r])
            continue;
        const uint8_t *p = c->data + c->offsets[r];
        size_t l = (size_t)(c->offsets[r + 1] - c->offsets[r]);
        if (!any) {
            *imin = *imax = r;
            any = true;
            continue;
        }
        if (ref_cmp(p, l, c->data + c->offsets[*imin], (size_t)(c->offsets[*imin + 1] - c->offsets[*imin])) < 0)
            *imin = r;
        if (ref_cmp(p, l, c->data + c->offsets[*imax], (size_t)(c->offsets[*imax + 1] - c->offsets[*imax])) > 0)
            *imax = r;
    }
    return any;
}

static void expect_str(const uint8_t *got, size_t got_len, const dccd_pq_column *c, size_t r)
{
    size_t l = (size_t)(c->offsets[r + 1] - c->offsets[r]);
    assert_non_null(got);
    assert_int_equal(got_len, l);
    if (l)
        assert_memory_equal(got, c->data + c->offsets[r], l);
}

/* Page and chunk min/max of BYTE_ARRAY columns equal the per-row reference,
 * whatever the encoding of the page: dictionary pages (statistics over the
 * page's distinct entries), pages after a dictionary fallback (PLAIN) and
 * PLAIN-only columns.  Random strings of 0..40 bytes from a small alphabet
 * (shared prefixes, bytes 0x00 and 0xFF, every length class of the
 * comparison), nulls, an all-null stretch, empty strings, several row
 * groups and write calls. */
static void test_string_stats_random(void **state)
{
    (void)state;
    enum { N = 6000, NV = 300 };
    static const uint8_t alpha[] = {0x00, 'a', 'b', 'c', 0x7F, 0x80, 0xFF};
    uint64_t r = 12345;
    /* a pool of NV distinct-ish values; rows draw from it (dictionary-friendly) */
    uint8_t pool[NV][40];
    size_t plen[NV];
    for (int i = 0; i < NV; i++) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        plen[i] = i == 0 ? 0 : (size_t)(r >> 33) % 41;
        for (size_t k = 0; k < plen[i]; k++) {
            r = r * 6364136223846793005ULL + 1442695040888963407ULL;
            /* mostly 'a': long shared prefixes */
            pool[i][k] = (r >> 60) < 10 ? 'a' : alpha[(r >> 40) % sizeof alpha];
        }
    }
    int64_t *offs[3];
    uint8_t *data[3], *valid[3];
    dccd_pq_column c[3];
    memset(c, 0, sizeof c);
    for (int col = 0; col < 3; col++) {
        offs[col] = malloc((N + 1) * sizeof(int64_t));
        data[col] = malloc((size_t)N * 40 + 1);
        valid[col] = malloc(N);
        assert_true(offs[col] && data[col] && valid[col]);
        offs[col][0] = 0;
        for (size_t i = 0; i < N; i++) {
            r = r * 6364136223846793005ULL + 1442695040888963407ULL;
            /* col 2: all null from row 1000 to 1999 (whole pages) */
            valid[col][i] = !((r >> 58) == 0 || (col == 2 && i >= 1000 && i < 2000));
            size_t pick = (size_t)(r >> 20) % NV;
            if (col == 1 && i >= 3000) /* col 1: many new values late: dictionary fallback */
                pick = (size_t)(r >> 20) % NV;
            size_t l = valid[col][i] ? plen[pick] : 0;
            if (l)
                memcpy(data[col] + offs[col][i], pool[pick], l);
            if (col == 1 && i >= 3000 && l >= 4) { /* make it unique */
                data[col][offs[col][i]] = (uint8_t)i;
                data[col][offs[col][i] + 1] = (uint8_t)(i >> 8);
            }
            offs[col][i + 1] = offs[col][i] + (int64_t)l;
        }
        c[col].type = DCCD_PQ_BYTE_ARRAY;
        c[col].n = N;
        c[col].offsets = offs[col];
        c[col].data = data[col];
        c[col].validity = valid[col];
    }
    dccd_pq_field f[3] = {fld("dict", DCCD_PQ_BYTE_ARRAY, true), fld("fallback", DCCD_PQ_BYTE_ARRAY, true),
                          fld("plain", DCCD_PQ_BYTE_ARRAY, true)};
    f[2].no_dictionary = true;
    dccd_pq_write_options o;
    dccd_pq_write_options_init(&o);
    o.page_rows = 250;
    o.row_group_rows = 2500;
    o.dictionary_page_limit = 8000;
    char p[300];
    tpath(p, sizeof p, "strstats.parquet");
    dccd_pq_writer *w;
    dccd_error e;
    assert_int_equal(dccd_pq_writer_open(p, f, 3, &o, &w, &e), DCCD_OK);
    /* uneven write calls */
    size_t done = 0, step = 777;
    while (done < N) {
        size_t n = N - done < step ? N - done : step;
        dccd_pq_column part[3];
        for (int col = 0; col < 3; col++) {
            part[col] = c[col];
            part[col].n = n;
            part[col].offsets = offs[col] + done;
            part[col].validity = valid[col] + done;
        }
        if (dccd_pq_writer_write(w, part, n, &e))
            fail_msg("write: %s", e.msg);
        done += n;
        step = step * 3 % 1000 + 1;
    }
    assert_int_equal(dccd_pq_writer_close(w, &e), DCCD_OK);

    dccd_pq_file *pf = open_ok(p);
    int nrg = dccd_pq_num_row_groups(pf);
    assert_int_equal(nrg, 3);
    bool saw_dict = false, saw_fallback = false;
    size_t row0 = 0;
    for (int rg = 0; rg < nrg; rg++) {
        size_t rows = (size_t)dccd_pq_row_group_rows(pf, rg);
        for (int col = 0; col < 3; col++) {
            dccd_pq_chunk_info ci;
            assert_int_equal(dccd_pq_chunk(pf, rg, col, &ci, &e), DCCD_OK);
            const pq_column_meta *m = &pf->meta.row_groups[rg].columns[col].meta_data;
            if (col < 2 && enc_count(m, PQ_PAGE_DATA, DCCD_PQ_ENC_RLE_DICTIONARY))
                saw_dict = true;
            if (col == 1 && enc_count(m, PQ_PAGE_DATA, DCCD_PQ_ENC_RLE_DICTIONARY) &&
                enc_count(m, PQ_PAGE_DATA, DCCD_PQ_ENC_PLAIN))
                saw_fallback = true;
            size_t imn, imx;
            bool any = ref_minmax(&c[col], row0, row0 + rows, &imn, &imx);
            assert_true(ci.stats.has_null_count);
            if (any) {
                assert_true(ci.stats.has_min && ci.stats.has_max);
                expect_str(ci.stats.min, ci.stats.min_len, &c[col], imn);
                expect_str(ci.stats.max, ci.stats.max_len, &c[col], imx);
            } else {
                assert_false(ci.stats.has_min);
            }
            dccd_pq_page_info *pg;
            size_t np;
            assert_int_equal(dccd_pq_page_index(pf, rg, col, &pg, &np, &e), DCCD_OK);
            assert_int_equal(np, (rows + 249) / 250);
            for (size_t i = 0; i < np; i++) {
                size_t a = (size_t)pg[i].first_row, b = i + 1 < np ? (size_t)pg[i + 1].first_row : rows;
                bool pany = ref_minmax(&c[col], row0 + a, row0 + b, &imn, &imx);
                assert_int_equal(pg[i].null_page, !pany);
                if (pany) {
                    expect_str(pg[i].min, pg[i].min_len, &c[col], imn);
                    expect_str(pg[i].max, pg[i].max_len, &c[col], imx);
                }
            }
            free(pg);
        }
        row0 += rows;
    }
    assert_true(saw_dict);
    assert_true(saw_fallback);
    /* the values themselves */
    for (int col = 0; col < 3; col++) {
        row0 = 0;
        for (int rg = 0; rg < nrg; rg++) {
            dccd_pq_column out;
            assert_int_equal(dccd_pq_read_column(pf, rg, col, &out, &e), DCCD_OK);
            for (size_t i = 0; i < out.n; i++) {
                bool v = !out.validity || out.validity[i];
                assert_int_equal(v, valid[col][row0 + i] != 0);
                if (v)
                    assert_int_equal(ref_cmp(out.data + out.offsets[i], (size_t)(out.offsets[i + 1] - out.offsets[i]),
                                             data[col] + offs[col][row0 + i],
                                             (size_t)(offs[col][row0 + i + 1] - offs[col][row0 + i])),
                                     0);
            }
            row0 += out.n;
            dccd_pq_column_free(&out);
        }
    }
    dccd_pq_close(pf);
    for (int col = 0; col < 3; col++) {
        free(offs[col]);
        free(data[col]);
        free(valid[col]);
    }
}

/* ---- float statistics (the vector lanes) ------------------------------------------ */

/* Page min/max of DOUBLE and FLOAT columns equal a per-value reference on
 * random values with NaN, +-inf and +-0.0 mixed in, pages of 1..37 values
 * (every tail length of the lanes), a page of NaN only (no min/max: no
 * column index for that chunk). */
static void test_float_stats_random(void **state)
{
    (void)state;
    enum { N = 3000 };
    double *d = malloc(N * sizeof *d);
    float *fl = malloc(N * sizeof *fl);
    assert_true(d && fl);
    uint64_t r = 777;
    for (int i = 0; i < N; i++) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        int k = (int)(r >> 59);
        double x = ((double)(int64_t)(r >> 11) - 4e15) / 1e9;
        d[i] = k == 0 ? NAN : k == 1 ? INFINITY : k == 2 ? -INFINITY : k == 3 ? -0.0 : k == 4 ? 0.0 : x;
        fl[i] = (float)d[i];
    }
    for (int pr = 1; pr <= 37; pr += 6) {
        dccd_pq_field f[2] = {fld("d", DCCD_PQ_DOUBLE, false), fld("f", DCCD_PQ_FLOAT, false)};
        dccd_pq_column c[2];
        memset(c, 0, sizeof c);
        c[0].type = DCCD_PQ_DOUBLE;
        c[0].values = d;
        c[1].type = DCCD_PQ_FLOAT;
        c[1].values = fl;
        c[0].n = c[1].n = N;
        dccd_pq_write_options o;
        dccd_pq_write_options_init(&o);
        o.page_rows = (size_t)pr;
        char p[300];
        tpath(p, sizeof p, "fstats.parquet");
        unlink(p);
        dccd_pq_writer *w;
        dccd_error e;
        assert_int_equal(dccd_pq_writer_open(p, f, 2, &o, &w, &e), DCCD_OK);
        assert_int_equal(dccd_pq_writer_write(w, c, N, &e), DCCD_OK);
        assert_int_equal(dccd_pq_writer_close(w, &e), DCCD_OK);
        dccd_pq_file *pf = open_ok(p);
        for (int col = 0; col < 2; col++) {
            dccd_pq_page_info *pg;
            size_t np;
            assert_int_equal(dccd_pq_page_index(pf, 0, col, &pg, &np, &e), DCCD_OK);
            assert_int_equal(np, (N + (size_t)pr - 1) / (size_t)pr);
            bool any_nan_page = false;
            for (size_t i = 0; i < np; i++) {
                size_t a = (size_t)pg[i].first_row, b = i + 1 < np ? (size_t)pg[i + 1].first_row : N;
                double mn = INFINITY, mx = -INFINITY;
                bool any = false;
                for (size_t k = a; k < b; k++) {
                    double x = col ? (double)fl[k] : d[k];
                    if (x != x)
                        continue;
                    any = true;
                    mn = x < mn ? x : mn;
                    mx = x > mx ? x : mx;
                }
                if (!any) {
                    any_nan_page = true;
                    continue;
                }
                if (!pg[i].min) /* a NaN-only page elsewhere in the chunk: no column index */
                    continue;
                double gmn, gmx;
                if (col) {
                    float a0, a1;
                    memcpy(&a0, pg[i].min, 4);
                    memcpy(&a1, pg[i].max, 4);
                    gmn = a0;
                    gmx = a1;
                } else {
                    memcpy(&gmn, pg[i].min, 8);
                    memcpy(&gmx, pg[i].max, 8);
                }
                assert_true(gmn == mn);
                assert_true(gmx == mx);
                if (mn == 0.0)
                    assert_true(signbit(gmn)); /* a zero min is -0.0 */
                if (mx == 0.0)
                    assert_false(signbit(gmx));
            }
            if (any_nan_page)
                assert_null(pg[0].min);
            else
                assert_non_null(pg[0].min);
            free(pg);
        }
        dccd_pq_close(pf);
    }
    free(d);
    free(fl);
}

/* ---- incremental page encoding: write-call splits, direct pages, snappy ---------- */

static double g_split_px[20000];
static uint8_t g_split_valid[20000];

/* Write the same 5-column table (INT64 delta, DOUBLE, INT32 required,
 * strings with a dictionary, strings PLAIN; nulls in stretches) with the
 * given options, either in one call or in calls of pseudo-random sizes
 * (seed != 0); return the file's bytes. */
static uint8_t *write_split(const char *name, const dccd_pq_write_options *o, uint64_t seed, size_t *len)
{
    enum { N = 20000 };
    static int64_t ts[N], so[N + 1], po[N + 1];
    static int32_t q[N];
    static uint8_t sd[N * 8], pd[N * 12];
    double *px = g_split_px;
    uint8_t *valid = g_split_valid;
    so[0] = po[0] = 0;
    uint64_t r = 5;
    for (size_t i = 0; i < N; i++) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        ts[i] = 1700000000000000000LL + (int64_t)i * 1000 + (int64_t)(r >> 60);
        px[i] = (double)(r >> 40) / 100.0;
        q[i] = (int32_t)(r >> 45);
        /* nulls: none in [0, 7000), scattered in [7000, 7200), a block at [15000, 15500)
         * (short level runs: pages keep the levels-in-front path) */
        valid[i] = !((i >= 7000 && i < 7200 && (r >> 61) == 0) || (i >= 15000 && i < 15500));
        size_t l = (size_t)snprintf((char *)sd + so[i], 8, "s%u", (unsigned)((r >> 33) % 50));
        so[i + 1] = so[i] + (int64_t)l;
        l = (size_t)snprintf((char *)pd + po[i], 12, "%zu", i * 7919 % 100003);
        po[i + 1] = po[i] + (int64_t)l;
    }
    dccd_pq_field f[5] = {fld("ts", DCCD_PQ_INT64, true), fld("px", DCCD_PQ_DOUBLE, true),
                          fld("q", DCCD_PQ_INT32, false), fld("sym", DCCD_PQ_BYTE_ARRAY, true),
                          fld("id", DCCD_PQ_BYTE_ARRAY, true)};
    f[0].delta = true;
    f[4].no_dictionary = true;
    dccd_pq_column c[5];
    memset(c, 0, sizeof c);
    c[0].type = DCCD_PQ_INT64;
    c[0].values = ts;
    c[1].type = DCCD_PQ_DOUBLE;
    c[1].values = px;
    c[1].validity = valid;
    c[2].type = DCCD_PQ_INT32;
    c[2].values = q;
    c[3].type = DCCD_PQ_BYTE_ARRAY;
    c[3].offsets = so;
    c[3].data = sd;
    c[3].validity = valid;
    c[4].type = DCCD_PQ_BYTE_ARRAY;
    c[4].offsets = po;
    c[4].data = pd;
    c[4].validity = valid;
    char p[300];
    tpath(p, sizeof p, name);
    unlink(p);
    dccd_pq_writer *w;
    dccd_error e;
    assert_int_equal(dccd_pq_writer_open(p, f, 5, o, &w, &e), DCCD_OK);
    size_t done = 0;
    while (done < N) {
        size_t n = N - done;
        if (seed) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            size_t k = (size_t)(seed >> 61);  /* 0..7: sizes from 1 row to a few pages */
            size_t cap = k < 3 ? 1 + (size_t)(seed >> 40) % 7 : k < 6 ? (size_t)(seed >> 40) % 3000 + 1
                                                                   : (size_t)(seed >> 40) % 12000 + 1;
            n = n < cap ? n : cap;
        }
        dccd_pq_column part[5];
        for (int i = 0; i < 5; i++) {
            part[i] = c[i];
            part[i].n = n;
            if (c[i].values)
                part[i].values = (uint8_t *)c[i].values + done * (c[i].type == DCCD_PQ_INT32 ? 4 : 8);
            if (c[i].offsets)
                part[i].offsets = c[i].offsets + done;
            if (c[i].validity)
                part[i].validity = c[i].validity + done;
        }
        if (dccd_pq_writer_write(w, part, n, &e))
            fail_msg("write: %s", e.msg);
        done += n;
    }
    assert_int_equal(dccd_pq_writer_close(w, &e), DCCD_OK);
    FILE *fp = fopen(p, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    *len = (size_t)ftell(fp);
    fseek(fp, 0, SEEK_SET);
    uint8_t *b = malloc(*len);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, *len, fp), *len);
    fclose(fp);
    return b;
}

/* Pages are cut by the row counts and sizes only, never by how the rows
 * came in: one write call and many calls of random sizes (1 row, parts of
 * pages, several pages; rows taken from the caller's arrays or buffered)
 * give byte-identical files, for each codec, v1 and v2 pages, small and
 * large pages, with and without page CRCs. */
static void test_split_writes_identical(void **state)
{
    (void)state;
    static const dccd_pq_codec codecs[] = {DCCD_PQ_SNAPPY, DCCD_PQ_UNCOMPRESSED, DCCD_PQ_ZSTD, DCCD_PQ_GZIP,
                                           DCCD_PQ_LZ4_RAW};
    for (size_t ci = 0; ci < sizeof codecs / sizeof codecs[0]; ci++)
        for (int variant = 0; variant < 4; variant++) {
            dccd_pq_write_options o;
            dccd_pq_write_options_init(&o);
            o.codec = codecs[ci];
            o.data_page_v2 = variant & 1;
            o.crc = variant == 3;
            if (variant & 2) {
                o.page_rows = 1000;
                o.row_group_rows = 7000;
            } else {
                o.page_size = 48000; /* 6000 doubles: pages across snappy's 64 KiB fragments */
                o.row_group_rows = 15000;
            }
            size_t l1, l2, l3;
            uint8_t *a = write_split("split1.parquet", &o, 0, &l1);
            uint8_t *b = write_split("split2.parquet", &o, 99 + (uint64_t)variant, &l2);
            uint8_t *c = write_split("split3.parquet", &o, 12345, &l3);
            assert_int_equal(l1, l2);
            assert_memory_equal(a, b, l1);
            assert_int_equal(l1, l3);
            assert_memory_equal(a, c, l1);
            free(a);
            free(b);
            free(c);
            /* and the values are right (the file equals the one-call one) */
            char p[300];
            tpath(p, sizeof p, "split2.parquet");
            dccd_pq_file *pf = open_ok(p);
            dccd_error e;
            size_t row0 = 0;
            for (int rg = 0; rg < dccd_pq_num_row_groups(pf); rg++) {
                dccd_pq_column px, id;
                assert_int_equal(dccd_pq_read_column(pf, rg, 1, &px, &e), DCCD_OK);
                assert_int_equal(dccd_pq_read_column(pf, rg, 4, &id, &e), DCCD_OK);
                for (size_t i = 0; i < px.n; i++) {
                    size_t g = row0 + i;
                    bool v = g_split_valid[g] != 0;
                    assert_int_equal(!px.validity || px.validity[i], v);
                    assert_int_equal(!id.validity || id.validity[i], v);
                    if (!v)
                        continue;
                    assert_true(((const double *)px.values)[i] == g_split_px[g]);
                    char want[16];
                    size_t wl = (size_t)snprintf(want, sizeof want, "%zu", g * 7919 % 100003);
                    assert_int_equal((size_t)(id.offsets[i + 1] - id.offsets[i]), wl);
                    assert_memory_equal(id.data + id.offsets[i], want, wl);
                }
                row0 += px.n;
                dccd_pq_column_free(&px);
                dccd_pq_column_free(&id);
            }
            assert_int_equal(row0, 20000);
            dccd_pq_close(pf);
        }
}

/* The SNAPPY pages written without CRC (compressed straight into the chunk,
 * values from where they are, the v1 levels joined through the first 64
 * KiB fragment) hold exactly the bytes of one-piece compression: the same
 * table written with CRCs (the one-piece path) has the same page payloads. */
static void test_snappy_direct_equals_one_piece(void **state)
{
    (void)state;
    for (int v = 0; v < 2; v++) {
        dccd_pq_write_options o;
        dccd_pq_write_options_init(&o);
        o.page_size = v ? 300000 : 65000; /* bodies just under / far over 64 KiB */
        size_t la, lb;
        o.crc = false;
        uint8_t *a = write_split("sdir.parquet", &o, 7, &la);
        o.crc = true;
        uint8_t *b = write_split("sone.parquet", &o, 7, &lb);
        char pa[300], pb[300];
        tpath(pa, sizeof pa, "sdir.parquet");
        tpath(pb, sizeof pb, "sone.parquet");
        dccd_pq_file *fa = open_ok(pa), *fb = open_ok(pb);
        dccd_error e;
        size_t pages = 0;
        for (int rg = 0; rg < dccd_pq_num_row_groups(fa); rg++)
            for (int col = 0; col < 5; col++) {
                dccd_pq_page_info *ia, *ib;
                size_t na, nb;
                assert_int_equal(dccd_pq_page_index(fa, rg, col, &ia, &na, &e), DCCD_OK);
                assert_int_equal(dccd_pq_page_index(fb, rg, col, &ib, &nb, &e), DCCD_OK);
                assert_int_equal(na, nb);
                for (size_t i = 0; i < na; i++) {
                    size_t ha, hb;
                    pq_page_header h1, h2;
                    dccd_arena ar;
                    dccd_arena_init(&ar, 0);
                    assert_int_equal(pq_decode_page_header(a + ia[i].offset, (size_t)ia[i].compressed_size, &ar, &h1,
                                                           &ha, &e),
                                     DCCD_OK);
                    assert_int_equal(pq_decode_page_header(b + ib[i].offset, (size_t)ib[i].compressed_size, &ar, &h2,
                                                           &hb, &e),
                                     DCCD_OK);
                    assert_false(h1.has_crc);
                    assert_true(h2.has_crc);
                    assert_int_equal(h1.compressed_page_size, h2.compressed_page_size);
                    assert_memory_equal(a + ia[i].offset + ha, b + ib[i].offset + hb, (size_t)h1.compressed_page_size);
                    dccd_arena_free(&ar);
                    pages++;
                }
                free(ia);
                free(ib);
            }
        assert_true(pages >= 5);
        dccd_pq_close(fa);
        dccd_pq_close(fb);
        free(a);
        free(b);
    }
}

/* ---- bloom filters ------------------------------------------------------------ */

static void test_bloom(void **state)
{
    (void)state;
    enum { N = 3000 };
    int64_t v[N];
    int64_t offs[N + 1];
    uint8_t *data = malloc(N * 16);
    offs[0] = 0;
    for (int i = 0; i < N; i++) {
        v[i] = (int64_t)i * 1000003;
        int l = snprintf((char *)data + offs[i], 16, "tid-%d", i * 3);
        offs[i + 1] = offs[i] + l;
    }
    dccd_pq_field f[2] = {fld("v", DCCD_PQ_INT64, false), fld("s", DCCD_PQ_BYTE_ARRAY, false)};
    f[0].bloom_filter = f[1].bloom_filter = true;
    dccd_pq_column c[2] = {i64col(v, N), {0}};
    c[1].type = DCCD_PQ_BYTE_ARRAY;
    c[1].n = N;
    c[1].offsets = offs;
    c[1].data = data;
    char p[300];
    tpath(p, sizeof p, "bloom.parquet");
    dccd_pq_writer *w;
    dccd_error e;
    assert_int_equal(dccd_pq_writer_open(p, f, 2, NULL, &w, &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_write(w, c, N, &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_close(w, &e), DCCD_OK);
    dccd_pq_file *pf = open_ok(p);
    dccd_pq_chunk_info info;
    assert_int_equal(dccd_pq_chunk(pf, 0, 0, &info, &e), DCCD_OK);
    assert_true(info.has_bloom_filter);
    assert_true(info.bloom_filter_length > 32);
    int res;
    for (int i = 0; i < N; i++) {
        uint8_t le[8];
        dccd_store_u64le(le, (uint64_t)v[i]);
        assert_int_equal(dccd_pq_bloom_check(pf, 0, 0, le, 8, &res, &e), DCCD_OK);
        assert_int_equal(res, 1);
        assert_int_equal(dccd_pq_bloom_check(pf, 0, 1, data + offs[i], (size_t)(offs[i + 1] - offs[i]), &res, &e),
                         DCCD_OK);
        assert_int_equal(res, 1);
    }
    int pos0 = 0, pos1 = 0;
    for (int i = 0; i < 1000; i++) {
        uint8_t le[8];
        dccd_store_u64le(le, (uint64_t)(i * 1000003 + 17));
        assert_int_equal(dccd_pq_bloom_check(pf, 0, 0, le, 8, &res, &e), DCCD_OK);
        pos0 += res;
        char s[32];
        int l = snprintf(s, sizeof s, "tid-%d", i * 3 + 1);
        assert_int_equal(dccd_pq_bloom_check(pf, 0, 1, s, (size_t)l, &res, &e), DCCD_OK);
        pos1 += res;
    }
    assert_true(pos0 < 50);
    assert_true(pos1 < 50);
    dccd_pq_close(pf);
    free(data);
}

/* ---- copy_row_group ------------------------------------------------------------ */

static void read_all_i64(dccd_pq_file *pf, int col, int64_t *out, size_t *n)
{
    dccd_error e;
    *n = 0;
    for (int rg = 0; rg < dccd_pq_num_row_groups(pf); rg++) {
        dccd_pq_column got;
        assert_int_equal(dccd_pq_read_column(pf, rg, col, &got, &e), DCCD_OK);
        memcpy(out + *n, got.values, got.n * 8);
        *n += got.n;
        dccd_pq_column_free(&got);
    }
}

static void test_copy_row_group(void **state)
{
    (void)state;
    enum { NA = 1000, NB = 300, NN = 77 };
    static int64_t a[NA], b[NB], nn[NN], all[NA + NB + NN], got[NA + NB + NN];
    for (int i = 0; i < NA; i++)
        a[i] = i;
    for (int i = 0; i < NB; i++)
        b[i] = 100000 + i;
    for (int i = 0; i < NN; i++)
        nn[i] = -i;
    dccd_pq_write_options o;
    dccd_pq_write_options_init(&o);
    o.row_group_rows = 600;
    o.page_size = 400;
    char pa[300], pb[300], pc[300];
    tpath(pa, sizeof pa, "A.parquet");
    tpath(pb, sizeof pb, "B.parquet");
    tpath(pc, sizeof pc, "C.parquet");
    write_i64(pa, a, NA, &o, true);
    o.codec = DCCD_PQ_ZSTD;
    o.data_page_v2 = true;
    write_i64(pb, b, NB, &o, true);
    dccd_pq_file *fa = open_ok(pa), *fb = open_ok(pb);
    assert_int_equal(dccd_pq_num_row_groups(fa), 2);

    dccd_pq_field f = fld("x", DCCD_PQ_INT64, false);
    f.bloom_filter = true;
    dccd_pq_writer *w;
    dccd_error e;
    o.codec = DCCD_PQ_SNAPPY;
    o.data_page_v2 = false;
    assert_int_equal(dccd_pq_writer_open(pc, &f, 1, &o, &w, &e), DCCD_OK);
    dccd_pq_column c = i64col(nn, 10);
    assert_int_equal(dccd_pq_writer_write(w, &c, 10, &e), DCCD_OK); /* pending rows: flushed first */
    if (dccd_pq_writer_copy_row_group(w, fa, 0, &e))
        fail_msg("copy: %s", e.msg);
    assert_int_equal(dccd_pq_writer_copy_row_group(w, fa, 1, &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_copy_row_group(w, fb, 0, &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_copy_row_group(w, fb, 1, &e), DCCD_EINVAL); /* out of range */
    c = i64col(nn + 10, NN - 10);
    assert_int_equal(dccd_pq_writer_write(w, &c, NN - 10, &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_rows(w), NA + NB + NN);

    /* schema mismatches are refused, the writer stays usable */
    char pd[300];
    tpath(pd, sizeof pd, "D.parquet");
    dccd_pq_field g = fld("y", DCCD_PQ_INT64, false);
    dccd_pq_writer *wd;
    assert_int_equal(dccd_pq_writer_open(pd, &g, 1, NULL, &wd, &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_close(wd, &e), DCCD_OK);
    dccd_pq_file *fd_ = open_ok(pd);
    assert_int_equal(dccd_pq_writer_copy_row_group(w, fd_, 0, &e), DCCD_EINVAL);
    dccd_pq_close(fd_);
    unlink(pd);
    g = fld("x", DCCD_PQ_INT64, true);
    assert_int_equal(dccd_pq_writer_open(pd, &g, 1, NULL, &wd, &e), DCCD_OK);
    c = i64col(nn, 1);
    assert_int_equal(dccd_pq_writer_write(wd, &c, 1, &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_close(wd, &e), DCCD_OK);
    fd_ = open_ok(pd);
    assert_int_equal(dccd_pq_writer_copy_row_group(w, fd_, 0, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "mismatch"));
    dccd_pq_close(fd_);

    assert_int_equal(dccd_pq_writer_close(w, &e), DCCD_OK);

    dccd_pq_file *fc = open_ok(pc);
    assert_int_equal(dccd_pq_num_row_groups(fc), 5);
    memcpy(all, nn, 10 * 8);
    memcpy(all + 10, a, NA * 8);
    memcpy(all + 10 + NA, b, NB * 8);
    memcpy(all + 10 + NA + NB, nn + 10, (NN - 10) * 8);
    size_t n;
    read_all_i64(fc, 0, got, &n);
    assert_int_equal(n, NA + NB + NN);
    assert_memory_equal(got, all, n * 8);
    /* copied chunks keep bloom filter, statistics and page index */
    dccd_pq_file *srcs[3] = {fa, fa, fb};
    int srg[3] = {0, 1, 0};
    for (int k = 0; k < 3; k++) {
        int rg = k + 1;
        dccd_pq_chunk_info ci, si;
        assert_int_equal(dccd_pq_chunk(fc, rg, 0, &ci, &e), DCCD_OK);
        assert_int_equal(dccd_pq_chunk(srcs[k], srg[k], 0, &si, &e), DCCD_OK);
        assert_true(ci.has_bloom_filter && ci.has_column_index && ci.has_offset_index);
        assert_int_equal(ci.total_compressed_size, si.total_compressed_size);
        assert_int_equal(ci.codec, si.codec);
        assert_int_equal(ci.stats.min_len, 8);
        assert_memory_equal(ci.stats.min, si.stats.min, 8);
        assert_memory_equal(ci.stats.max, si.stats.max, 8);
        int64_t rg0 = 0;
        for (int r = 0; r < rg; r++)
            rg0 += dccd_pq_row_group_rows(fc, r);
        for (int64_t i = 0; i < dccd_pq_row_group_rows(fc, rg); i += 13) {
            uint8_t le[8];
            dccd_store_u64le(le, (uint64_t)all[rg0 + i]);
            int res;
            assert_int_equal(dccd_pq_bloom_check(fc, rg, 0, le, 8, &res, &e), DCCD_OK);
            assert_int_equal(res, 1);
        }
        dccd_pq_page_info *pc_, *ps;
        size_t npc, nps;
        assert_int_equal(dccd_pq_page_index(fc, rg, 0, &pc_, &npc, &e), DCCD_OK);
        assert_int_equal(dccd_pq_page_index(srcs[k], srg[k], 0, &ps, &nps, &e), DCCD_OK);
        assert_int_equal(npc, nps);
        for (size_t i = 0; i < npc; i++) {
            assert_int_equal(pc_[i].offset - ci.data_page_offset, ps[i].offset - si.data_page_offset);
            assert_int_equal(pc_[i].first_row, ps[i].first_row);
            assert_memory_equal(pc_[i].min, ps[i].min, 8);
            uint8_t hb[64];
            assert_int_equal(pq_file_read_at(fc, (uint64_t)pc_[i].offset, sizeof hb, hb, &e), DCCD_OK);
            dccd_arena ar;
            dccd_arena_init(&ar, 0);
            pq_page_header h;
            size_t used;
            assert_int_equal(pq_decode_page_header(hb, sizeof hb, &ar, &h, &used, &e), DCCD_OK);
            assert_true(h.type == PQ_PAGE_DATA || h.type == PQ_PAGE_DATA_V2);
            dccd_arena_free(&ar);
        }
        free(pc_);
        free(ps);
    }
    assert_int_equal(dccd_pq_version(fc), 2); /* B had v2 pages */
    dccd_pq_close(fc);
    dccd_pq_close(fa);
    dccd_pq_close(fb);
}

/* ---- I/O failures --------------------------------------------------------------- */

static void test_io_errors(void **state)
{
    (void)state;
    enum { N = 300000 };
    int64_t *v = malloc(N * sizeof *v);
    for (int i = 0; i < N; i++)
        v[i] = (int64_t)i * 2654435761u; /* incompressible enough */
    dccd_pq_field f = fld("x", DCCD_PQ_INT64, false);
    dccd_pq_write_options o;
    dccd_pq_write_options_init(&o);
    o.codec = DCCD_PQ_UNCOMPRESSED;
    o.row_group_rows = 100000;
    dccd_error e;
    dccd_pq_writer *w;

    /* full disk */
    int full = open("/dev/full", O_WRONLY | O_CLOEXEC);
    if (full >= 0) {
        assert_int_equal(dccd_pq_writer_open_fd(full, "/dev/full", &f, 1, &o, &w, &e), DCCD_OK);
        dccd_pq_column c = i64col(v, N);
        int rc = dccd_pq_writer_write(w, &c, N, &e);
        assert_int_equal(rc, DCCD_ENOSPC);
        assert_non_null(strstr(e.msg, "/dev/full"));
        assert_int_equal(dccd_pq_writer_write(w, &c, 1, &e), DCCD_ESTATE);
        dccd_pq_writer_abort(w);
        close(full);
    }

    /* existing path: refused, untouched */
    char p[300];
    tpath(p, sizeof p, "exists.parquet");
    FILE *fp = fopen(p, "w");
    fputs("keep me", fp);
    fclose(fp);
    assert_int_not_equal(dccd_pq_writer_open(p, &f, 1, &o, &w, &e), DCCD_OK);
    assert_non_null(strstr(e.msg, p));
    char buf[32] = {0};
    fp = fopen(p, "r");
    assert_non_null(fgets(buf, sizeof buf, fp));
    fclose(fp);
    assert_string_equal(buf, "keep me");

    /* partial file: no trailing magic, not readable; abort removes it */
    tpath(p, sizeof p, "partial.parquet");
    assert_int_equal(dccd_pq_writer_open(p, &f, 1, &o, &w, &e), DCCD_OK);
    dccd_pq_column c = i64col(v, N);
    assert_int_equal(dccd_pq_writer_write(w, &c, N, &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_flush(w, &e), DCCD_OK);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_true(st.st_size > 1000000);
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    uint8_t tail[4];
    assert_int_equal(pread(fd, tail, 4, st.st_size - 4), 4);
    close(fd);
    assert_true(memcmp(tail, "PAR1", 4) != 0);
    dccd_pq_file *pf;
    assert_int_not_equal(dccd_pq_open(p, &pf, &e), DCCD_OK);
    dccd_pq_writer_abort(w);
    assert_int_equal(access(p, F_OK), -1);

    /* fd writer: neither closes nor fsyncs; output valid */
    tpath(p, sizeof p, "fd.parquet");
    fd = open(p, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(dccd_pq_writer_open_fd(fd, "fd.parquet", &f, 1, &o, &w, &e), DCCD_OK);
    c = i64col(v, 1000);
    assert_int_equal(dccd_pq_writer_write(w, &c, 1000, &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_close(w, &e), DCCD_OK);
    assert_true(fcntl(fd, F_GETFD) >= 0);
    close(fd);
    pf = open_ok(p);
    assert_int_equal(dccd_pq_num_rows(pf), 1000);
    dccd_pq_close(pf);
    dccd_pq_writer_abort(NULL);
    free(v);
}

static void test_empty(void **state)
{
    (void)state;
    char p[300];
    tpath(p, sizeof p, "empty.parquet");
    dccd_pq_field f = fld("x", DCCD_PQ_DOUBLE, true);
    dccd_pq_writer *w;
    dccd_error e;
    assert_int_equal(dccd_pq_writer_open(p, &f, 1, NULL, &w, &e), DCCD_OK);
    dccd_pq_column c;
    memset(&c, 0, sizeof c);
    c.type = DCCD_PQ_DOUBLE;
    assert_int_equal(dccd_pq_writer_write(w, &c, 0, &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_flush(w, &e), DCCD_OK);
    assert_int_equal(dccd_pq_writer_close(w, &e), DCCD_OK);
    dccd_pq_file *pf = open_ok(p);
    assert_int_equal(dccd_pq_num_rows(pf), 0);
    assert_int_equal(dccd_pq_num_row_groups(pf), 0);
    assert_int_equal(dccd_pq_num_columns(pf), 1);
    dccd_pq_close(pf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_footer), cmocka_unit_test(test_invalid_schema),
        cmocka_unit_test(test_invalid_input), cmocka_unit_test(test_stats_edges),
        cmocka_unit_test(test_dict_fallback), cmocka_unit_test(test_dict_skipped_for_unique_values), cmocka_unit_test(test_page_index),
        cmocka_unit_test(test_string_stats_random),
        cmocka_unit_test(test_float_stats_random),
        cmocka_unit_test(test_split_writes_identical),
        cmocka_unit_test(test_snappy_direct_equals_one_piece),
        cmocka_unit_test(test_bloom),         cmocka_unit_test(test_copy_row_group),
        cmocka_unit_test(test_io_errors),     cmocka_unit_test(test_empty),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
