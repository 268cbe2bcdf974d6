/*
 * tests/unit/test_roundtrip.c - Parquet writer round trips through the
 * reader, plus a structural walk of every written column chunk with the
 * meta.h decoders:
 *
 *   - a matrix of every supported type x required/optional x codec x
 *     (dictionary / plain / delta) x (data page v1 / v2) x (crc) x (tiny /
 *     default page size), row groups split across write calls;
 *   - random property tests (fixed seeds): random schemas, options, batch
 *     sizes and values including NaN, +-0.0, +-inf, INT64_MIN/MAX, empty
 *     strings, a 1 MiB string and all-null columns; chunk statistics are
 *     checked against values computed here.
 *
 * The structural walk checks, for each chunk: the dictionary page comes
 * first iff dictionary_page_offset is set; page headers' num_values add up
 * to the chunk's num_values; the pages' (type, encoding) counts equal
 * encoding_stats; the page CRCs match when written; compressed sizes add up
 * to total_compressed_size; OffsetIndex entries point at the data page
 * headers with monotone first_row_index.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/common.h"
#include "dccd/parquet.h"
#include "parquet/codec.h"
#include "parquet/file.h"
#include "parquet/meta.h"

/* ---- small helpers ------------------------------------------------------- */

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static char g_dir[256];

static int setup_dir(void **state)
{
    (void)state;
    const char *t = getenv("TMPDIR");
    snprintf(g_dir, sizeof g_dir, "%s/dccd_rt_XXXXXX", t && *t ? t : "/tmp");
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
    int w = snprintf(out, n, "%s/%s", g_dir, name);
    assert_true(w > 0 && (size_t)w < n);
}

static size_t width_of(dccd_pq_type t)
{
    switch (t) {
    case DCCD_PQ_BOOLEAN: return 1;
    case DCCD_PQ_INT32:
    case DCCD_PQ_FLOAT: return 4;
    case DCCD_PQ_INT64:
    case DCCD_PQ_DOUBLE: return 8;
    default: return 0;
    }
}

static void col_free(dccd_pq_column *c)
{
    dccd_pq_column_free(c);
}

/* Value generators.  mode 0: few distinct values; 1: wide with specials;
 * 2: all null (optional) ; 3: ascending. */
static void gen_col(dccd_pq_column *c, dccd_pq_type t, size_t n, bool optional, int mode, uint64_t *rng,
                    bool big_string)
{
    memset(c, 0, sizeof *c);
    c->type = t;
    c->n = n;
    size_t w = width_of(t);
    if (optional && (mode == 2 || rng_next(rng) % 2)) {
        c->validity = malloc(n ? n : 1);
        for (size_t i = 0; i < n; i++) {
            c->validity[i] = mode == 2 ? 0 : (rng_next(rng) % 5 != 0);
            c->null_count += !c->validity[i];
        }
    }
    if (w) {
        c->values = calloc(n ? n : 1, w);
        for (size_t i = 0; i < n; i++) {
            if (c->validity && !c->validity[i])
                continue;
            uint64_t r = rng_next(rng);
            switch (t) {
            case DCCD_PQ_BOOLEAN: ((uint8_t *)c->values)[i] = (uint8_t)(r & 1); break;
            case DCCD_PQ_INT32: {
                int32_t v = mode == 0 ? (int32_t)(r % 7) - 3 : mode == 3 ? (int32_t)i * 3 : (int32_t)r;
                if (mode == 1 && r % 17 == 0)
                    v = (r & 32) ? INT32_MIN : INT32_MAX;
                ((int32_t *)c->values)[i] = v;
                break;
            }
            case DCCD_PQ_INT64: {
                int64_t v = mode == 0 ? (int64_t)(r % 5) : mode == 3 ? (int64_t)i * 1000 + 1600000000000LL : (int64_t)r;
                if (mode == 1 && r % 17 == 0)
                    v = (r & 32) ? INT64_MIN : INT64_MAX;
                ((int64_t *)c->values)[i] = v;
                break;
            }
            case DCCD_PQ_FLOAT: {
                float v = mode == 0 ? (float)(r % 4) * 0.5f : (float)((double)(int64_t)r / 1e12);
                if (mode == 1) {
                    switch (r % 23) {
                    case 0: v = NAN; break;
                    case 1: v = -0.0f; break;
                    case 2: v = 0.0f; break;
                    case 3: v = INFINITY; break;
                    case 4: v = -INFINITY; break;
                    default: break;
                    }
                }
                ((float *)c->values)[i] = v;
                break;
            }
            default: {
                double v = mode == 0 ? (double)(r % 4) * 0.25 : mode == 3 ? (double)i : (double)(int64_t)r / 1e9;
                if (mode == 1) {
                    switch (r % 23) {
                    case 0: v = NAN; break;
                    case 1: v = -0.0; break;
                    case 2: v = 0.0; break;
                    case 3: v = INFINITY; break;
                    case 4: v = -INFINITY; break;
                    default: break;
                    }
                }
                ((double *)c->values)[i] = v;
                break;
            }
            }
        }
        return;
    }
    /* BYTE_ARRAY */
    c->offsets = malloc((n + 1) * sizeof *c->offsets);
    size_t cap = 1024, len = 0;
    c->data = malloc(cap);
    c->offsets[0] = 0;
    size_t big_at = big_string && n ? (size_t)(rng_next(rng) % n) : SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        char tmp[96];
        size_t l = 0;
        const uint8_t *src = (const uint8_t *)tmp;
        uint8_t *bigbuf = NULL;
        if (!(c->validity && !c->validity[i])) {
            uint64_t r = rng_next(rng);
            if (i == big_at) {
                l = (size_t)1 << 20;
                bigbuf = malloc(l);
                for (size_t k = 0; k < l; k++)
                    bigbuf[k] = (uint8_t)(k * 31 + 7);
                src = bigbuf;
            } else if (mode == 0) {
                static const char *sides[] = {"buy", "sell", "", "unknown"};
                const char *s = sides[r % 4];
                l = strlen(s);
                memcpy(tmp, s, l);
            } else if (mode == 3) {
                l = (size_t)snprintf(tmp, sizeof tmp, "t%08zu", i);
            } else {
                l = r % 20 == 0 ? 0 : (size_t)(r % 90);
                for (size_t k = 0; k < l; k++)
                    tmp[k] = (char)(rng_next(rng) & 0xFF);
            }
        }
        if (len + l > cap) {
            while (len + l > cap)
                cap *= 2;
            c->data = realloc(c->data, cap);
        }
        if (l)
            memcpy(c->data + len, src, l);
        free(bigbuf);
        len += l;
        c->offsets[i + 1] = (int64_t)len;
    }
}

/* A window [r0, r0+n) of c as a borrowed column. */
static dccd_pq_column col_slice(const dccd_pq_column *c, size_t r0, size_t n)
{
    dccd_pq_column s = *c;
    s.n = n;
    size_t w = width_of(c->type);
    if (w)
        s.values = (uint8_t *)c->values + r0 * w;
    else
        s.offsets = c->offsets + r0;
    if (c->validity)
        s.validity = c->validity + r0;
    return s;
}

static bool valid_at(const dccd_pq_column *c, size_t i)
{
    return !c->validity || c->validity[i];
}

/* Compare rows [r0, r0+got->n) of exp with got. */
static void assert_col_equal(const dccd_pq_column *exp, size_t r0, const dccd_pq_column *got, const char *what)
{
    assert_int_equal(got->type, exp->type);
    size_t w = width_of(exp->type);
    for (size_t i = 0; i < got->n; i++) {
        bool ve = valid_at(exp, r0 + i), vg = valid_at(got, i);
        if (ve != vg)
            fail_msg("%s: row %zu validity %d != %d", what, r0 + i, ve, vg);
        if (!ve)
            continue;
        if (w) {
            if (exp->type == DCCD_PQ_BOOLEAN) {
                if ((((uint8_t *)exp->values)[r0 + i] != 0) != (((uint8_t *)got->values)[i] != 0))
                    fail_msg("%s: row %zu bool differs", what, r0 + i);
            } else if (memcmp((uint8_t *)exp->values + (r0 + i) * w, (uint8_t *)got->values + i * w, w) != 0) {
                fail_msg("%s: row %zu value differs", what, r0 + i);
            }
        } else {
            size_t le = (size_t)(exp->offsets[r0 + i + 1] - exp->offsets[r0 + i]);
            size_t lg = (size_t)(got->offsets[i + 1] - got->offsets[i]);
            if (le != lg || (le && memcmp(exp->data + exp->offsets[r0 + i], got->data + got->offsets[i], le) != 0))
                fail_msg("%s: row %zu string differs (len %zu vs %zu)", what, r0 + i, le, lg);
        }
    }
}

/* ---- structural walk ---------------------------------------------------- */

static void walk_chunk(dccd_pq_file *f, int rg, int col, bool expect_crc)
{
    dccd_error e;
    const pq_column_chunk *cc = &f->meta.row_groups[rg].columns[col];
    const pq_column_meta *m = &cc->meta_data;
    uint64_t start, len;
    assert_int_equal(pq_chunk_range(f, rg, col, &start, &len, &e), DCCD_OK);
    assert_int_equal((int64_t)len, m->total_compressed_size);
    uint8_t *buf = malloc(len);
    assert_int_equal(pq_file_read_at(f, start, len, buf, &e), DCCD_OK);
    dccd_arena a;
    dccd_arena_init(&a, 0);
    size_t pos = 0;
    int64_t nvalues = 0;
    int counts[4][10];
    memset(counts, 0, sizeof counts);
    int64_t data_offs[4096];
    size_t ndata = 0;
    bool first = true;
    while (pos < len) {
        pq_page_header h;
        size_t used;
        assert_int_equal(pq_decode_page_header(buf + pos, len - pos, &a, &h, &used, &e), DCCD_OK);
        assert_true(h.compressed_page_size >= 0 && (size_t)h.compressed_page_size <= len - pos - used);
        if (first && m->has_dictionary_page_offset)
            assert_int_equal(h.type, PQ_PAGE_DICTIONARY);
        if (!first)
            assert_int_not_equal(h.type, PQ_PAGE_DICTIONARY);
        first = false;
        if (expect_crc) {
            assert_true(h.has_crc);
            assert_int_equal((uint32_t)h.crc, pq_crc32(0, buf + pos + used, (size_t)h.compressed_page_size));
        }
        int enc = 0;
        if (h.type == PQ_PAGE_DICTIONARY) {
            enc = h.dictionary_page_header.encoding;
        } else if (h.type == PQ_PAGE_DATA) {
            nvalues += h.data_page_header.num_values;
            enc = h.data_page_header.encoding;
        } else {
            assert_int_equal(h.type, PQ_PAGE_DATA_V2);
            nvalues += h.data_page_header_v2.num_values;
            assert_int_equal(h.data_page_header_v2.num_rows, h.data_page_header_v2.num_values);
            enc = h.data_page_header_v2.encoding;
        }
        if (h.type != PQ_PAGE_DICTIONARY) {
            assert_true(ndata < 4096);
            data_offs[ndata++] = (int64_t)(start + pos);
        }
        assert_true(enc >= 0 && enc < 10);
        counts[h.type][enc]++;
        pos += used + (size_t)h.compressed_page_size;
    }
    assert_int_equal(pos, len);
    assert_int_equal(nvalues, m->num_values);
    assert_true(m->n_encoding_stats > 0);
    int total = 0;
    for (size_t i = 0; i < m->n_encoding_stats; i++) {
        const pq_page_encoding_stats *s = &m->encoding_stats[i];
        assert_int_equal(counts[s->page_type][s->encoding], s->count);
        total += s->count;
        bool listed = false;
        for (size_t k = 0; k < m->n_encodings; k++)
            listed |= m->encodings[k] == s->encoding;
        assert_true(listed);
    }
    int walked = 0;
    for (int t = 0; t < 4; t++)
        for (int k = 0; k < 10; k++)
            walked += counts[t][k];
    assert_int_equal(total, walked);
    assert_int_equal(m->data_page_offset, ndata ? data_offs[0] : -1);

    /* offset index */
    if (cc->has_offset_index) {
        dccd_pq_page_info *pages;
        size_t np;
        assert_int_equal(dccd_pq_page_index(f, rg, col, &pages, &np, &e), DCCD_OK);
        assert_int_equal(np, ndata);
        for (size_t i = 0; i < np; i++) {
            assert_int_equal(pages[i].offset, data_offs[i]);
            if (i)
                assert_true(pages[i].first_row > pages[i - 1].first_row);
            else
                assert_int_equal(pages[i].first_row, 0);
        }
        free(pages);
    }
    dccd_arena_free(&a);
    free(buf);
}

static void walk_file(dccd_pq_file *f, bool crc)
{
    for (int rg = 0; rg < dccd_pq_num_row_groups(f); rg++)
        for (int c = 0; c < dccd_pq_num_columns(f); c++)
            walk_chunk(f, rg, c, crc);
}

/* Read every row group of column c and compare with exp. */
static void check_column(dccd_pq_file *f, int c, const dccd_pq_column *exp, const char *what)
{
    dccd_error e;
    size_t r0 = 0;
    for (int rg = 0; rg < dccd_pq_num_row_groups(f); rg++) {
        dccd_pq_column got;
        int rc = dccd_pq_read_column(f, rg, c, &got, &e);
        if (rc)
            fail_msg("%s: read rg %d col %d: %s", what, rg, c, e.msg);
        assert_int_equal((int64_t)got.n, dccd_pq_row_group_rows(f, rg));
        assert_col_equal(exp, r0, &got, what);
        r0 += got.n;
        dccd_pq_column_free(&got);
    }
    assert_int_equal(r0, exp->n);
}

/* ---- matrix ------------------------------------------------------------------ */

static void test_matrix(void **state)
{
    (void)state;
    static const dccd_pq_codec codecs[] = {DCCD_PQ_UNCOMPRESSED, DCCD_PQ_SNAPPY, DCCD_PQ_GZIP,
                                           DCCD_PQ_ZSTD,         DCCD_PQ_LZ4_RAW, DCCD_PQ_BROTLI};
    const size_t N = 1000;
    int fileno = 0;
    for (size_t ci = 0; ci < sizeof codecs / sizeof codecs[0]; ci++)
        for (int v2 = 0; v2 < 2; v2++)
            for (int crc = 0; crc < 2; crc++)
                for (int tiny = 0; tiny < 2; tiny++)
                    for (int opt = 0; opt < 2; opt++) {
                        dccd_pq_field fields[] = {
                            {"b", DCCD_PQ_BOOLEAN, opt, 0, 0, 0, false, false, false},
                            {"i32", DCCD_PQ_INT32, opt, 0, 0, 0, false, false, false},
                            {"i32d", DCCD_PQ_INT32, opt, 0, 0, 0, true, false, false},
                            {"i64", DCCD_PQ_INT64, opt, DCCD_PQ_LOG_TIMESTAMP, DCCD_PQ_MILLIS, true, false, false,
                             false},
                            {"i64d", DCCD_PQ_INT64, opt, 0, 0, 0, true, false, false},
                            {"f", DCCD_PQ_FLOAT, opt, 0, 0, 0, false, false, false},
                            {"d", DCCD_PQ_DOUBLE, opt, 0, 0, 0, false, false, false},
                            {"s", DCCD_PQ_BYTE_ARRAY, opt, DCCD_PQ_LOG_STRING, 0, 0, false, false, false},
                            {"sp", DCCD_PQ_BYTE_ARRAY, opt, DCCD_PQ_LOG_STRING, 0, 0, false, true, false},
                        };
                        const int NC = (int)(sizeof fields / sizeof fields[0]);
                        uint64_t rng = 1234 + (uint64_t)fileno;
                        dccd_pq_column cols[9];
                        for (int c = 0; c < NC; c++)
                            gen_col(&cols[c], fields[c].type, N, opt, c % 2 ? 1 : 0, &rng, false);
                        dccd_pq_write_options o;
                        dccd_pq_write_options_init(&o);
                        o.codec = codecs[ci];
                        o.data_page_v2 = v2;
                        o.crc = crc;
                        o.page_size = tiny ? 64 : 0;
                        o.row_group_rows = 300;
                        char p[300], name[64];
                        snprintf(name, sizeof name, "m%d.parquet", fileno++);
                        tpath(p, sizeof p, name);
                        dccd_pq_writer *w;
                        dccd_error e;
                        assert_int_equal(dccd_pq_writer_open(p, fields, NC, &o, &w, &e), DCCD_OK);
                        static const size_t parts[] = {137, 400, 0, 463};
                        size_t r = 0;
                        for (size_t k = 0; k < 4; k++) {
                            dccd_pq_column sl[9];
                            for (int c = 0; c < NC; c++)
                                sl[c] = col_slice(&cols[c], r, parts[k]);
                            int rc = dccd_pq_writer_write(w, sl, parts[k], &e);
                            if (rc)
                                fail_msg("%s: write: %s", name, e.msg);
                            r += parts[k];
                        }
                        assert_int_equal(dccd_pq_writer_rows(w), (int64_t)N);
                        if (dccd_pq_writer_close(w, &e))
                            fail_msg("%s: close: %s", name, e.msg);
                        dccd_pq_file *f;
                        if (dccd_pq_open(p, &f, &e))
                            fail_msg("%s: open: %s", name, e.msg);
                        assert_int_equal(dccd_pq_num_rows(f), (int64_t)N);
                        assert_int_equal(dccd_pq_num_row_groups(f), 4);
                        assert_int_equal(dccd_pq_row_group_rows(f, 3), 100);
                        assert_int_equal(dccd_pq_version(f), v2 ? 2 : 1);
                        for (int c = 0; c < NC; c++)
                            check_column(f, c, &cols[c], name);
                        walk_file(f, crc);
                        /* encodings used as asked */
                        dccd_pq_chunk_info info;
                        assert_int_equal(dccd_pq_chunk(f, 0, 2, &info, &e), DCCD_OK);
                        bool has_delta = false;
                        for (int k = 0; k < info.n_encodings; k++)
                            has_delta |= info.encodings[k] == DCCD_PQ_ENC_DELTA_BINARY_PACKED;
                        assert_true(has_delta);
                        assert_int_equal(info.codec, codecs[ci]);
                        assert_int_equal(dccd_pq_chunk(f, 0, 7, &info, &e), DCCD_OK);
                        assert_true(info.dictionary_page_offset >= 0);
                        assert_int_equal(dccd_pq_chunk(f, 0, 8, &info, &e), DCCD_OK);
                        assert_int_equal(info.dictionary_page_offset, -1);
                        dccd_pq_close(f);
                        for (int c = 0; c < NC; c++)
                            col_free(&cols[c]);
                        unlink(p);
                    }
}

/* ---- random property tests ------------------------------------------------ */

static int bcmp_u(const uint8_t *x, size_t xl, const uint8_t *y, size_t yl)
{
    size_t m = xl < yl ? xl : yl;
    int c = m ? memcmp(x, y, m) : 0;
    if (c)
        return c;
    return xl < yl ? -1 : xl > yl;
}

/* Expected min/max PLAIN bytes of rows [r0, r0+n) of c; false if none. */
static bool expect_minmax(const dccd_pq_column *c, size_t r0, size_t n, uint8_t *mn, size_t *mnl, uint8_t *mx,
                          size_t *mxl)
{
    bool has = false;
    switch (c->type) {
    case DCCD_PQ_DOUBLE:
    case DCCD_PQ_FLOAT: {
        double a = 0, b = 0;
        for (size_t i = r0; i < r0 + n; i++) {
            if (!valid_at(c, i))
                continue;
            double v = c->type == DCCD_PQ_FLOAT ? (double)((float *)c->values)[i] : ((double *)c->values)[i];
            if (isnan(v))
                continue;
            if (!has || v < a)
                a = v;
            if (!has || v > b)
                b = v;
            has = true;
        }
        if (!has)
            return false;
        if (a == 0)
            a = -0.0;
        if (b == 0)
            b = 0.0;
        if (c->type == DCCD_PQ_FLOAT) {
            float fa = (float)a, fb = (float)b;
            memcpy(mn, &fa, 4);
            memcpy(mx, &fb, 4);
            *mnl = *mxl = 4;
        } else {
            memcpy(mn, &a, 8);
            memcpy(mx, &b, 8);
            *mnl = *mxl = 8;
        }
        return true;
    }
    case DCCD_PQ_BYTE_ARRAY: {
        const uint8_t *a = NULL, *b = NULL;
        size_t al = 0, bl = 0;
        for (size_t i = r0; i < r0 + n; i++) {
            if (!valid_at(c, i))
                continue;
            const uint8_t *p = c->data + c->offsets[i];
            size_t l = (size_t)(c->offsets[i + 1] - c->offsets[i]);
            if (!has || bcmp_u(p, l, a, al) < 0) {
                a = p;
                al = l;
            }
            if (!has || bcmp_u(p, l, b, bl) > 0) {
                b = p;
                bl = l;
            }
            has = true;
        }
        if (!has)
            return false;
        /* truncation rules checked separately: only report short values */
        if (al > 64 || bl > 64)
            return false;
        memcpy(mn, a, al);
        memcpy(mx, b, bl);
        *mnl = al;
        *mxl = bl;
        return true;
    }
    default: {
        int64_t a = 0, b = 0;
        for (size_t i = r0; i < r0 + n; i++) {
            if (!valid_at(c, i))
                continue;
            int64_t v = c->type == DCCD_PQ_BOOLEAN ? ((uint8_t *)c->values)[i]
                        : c->type == DCCD_PQ_INT32 ? ((int32_t *)c->values)[i]
                                                   : ((int64_t *)c->values)[i];
            if (!has || v < a)
                a = v;
            if (!has || v > b)
                b = v;
            has = true;
        }
        if (!has)
            return false;
        size_t w = width_of(c->type);
        if (c->type == DCCD_PQ_INT32) {
            int32_t x = (int32_t)a, y = (int32_t)b;
            memcpy(mn, &x, 4);
            memcpy(mx, &y, 4);
        } else if (c->type == DCCD_PQ_BOOLEAN) {
            mn[0] = (uint8_t)a;
            mx[0] = (uint8_t)b;
        } else {
            memcpy(mn, &a, 8);
            memcpy(mx, &b, 8);
        }
        *mnl = *mxl = w;
        return true;
    }
    }
}

static void check_stats(dccd_pq_file *f, int c, const dccd_pq_column *col, const char *what)
{
    dccd_error e;
    size_t r0 = 0;
    for (int rg = 0; rg < dccd_pq_num_row_groups(f); rg++) {
        size_t n = (size_t)dccd_pq_row_group_rows(f, rg);
        dccd_pq_chunk_info info;
        assert_int_equal(dccd_pq_chunk(f, rg, c, &info, &e), DCCD_OK);
        size_t nulls = 0;
        for (size_t i = r0; i < r0 + n; i++)
            nulls += !valid_at(col, i);
        assert_true(info.stats.has_null_count);
        assert_int_equal(info.stats.null_count, (int64_t)nulls);
        uint8_t mn[64], mx[64];
        size_t mnl, mxl;
        if (expect_minmax(col, r0, n, mn, &mnl, mx, &mxl)) {
            if (!info.stats.has_min || !info.stats.has_max)
                fail_msg("%s: col %d rg %d: min/max missing", what, c, rg);
            assert_int_equal(info.stats.min_len, mnl);
            assert_int_equal(info.stats.max_len, mxl);
            assert_memory_equal(info.stats.min, mn, mnl);
            assert_memory_equal(info.stats.max, mx, mxl);
        } else if (col->type != DCCD_PQ_BYTE_ARRAY) {
            assert_false(info.stats.has_min);
            assert_false(info.stats.has_max);
        }
        r0 += n;
    }
}

static void test_random(void **state)
{
    (void)state;
    static const dccd_pq_type types[] = {DCCD_PQ_BOOLEAN, DCCD_PQ_INT32,  DCCD_PQ_INT64,
                                         DCCD_PQ_FLOAT,   DCCD_PQ_DOUBLE, DCCD_PQ_BYTE_ARRAY};
    static const dccd_pq_codec codecs[] = {DCCD_PQ_UNCOMPRESSED, DCCD_PQ_SNAPPY, DCCD_PQ_GZIP,
                                           DCCD_PQ_ZSTD,         DCCD_PQ_LZ4_RAW, DCCD_PQ_BROTLI};
    for (uint64_t seed = 1; seed <= 40; seed++) {
        uint64_t rng = seed * 7919;
        int nc = 1 + (int)(rng_next(&rng) % 7);
        dccd_pq_field fields[8];
        char names[8][16];
        dccd_pq_column cols[8];
        size_t N = seed == 3 ? 0 : (size_t)(rng_next(&rng) % 3000);
        for (int c = 0; c < nc; c++) {
            snprintf(names[c], sizeof names[c], "c%d", c);
            memset(&fields[c], 0, sizeof fields[c]);
            fields[c].name = names[c];
            fields[c].type = types[rng_next(&rng) % 6];
            fields[c].optional = rng_next(&rng) % 2;
            fields[c].delta = rng_next(&rng) % 2;
            fields[c].no_dictionary = rng_next(&rng) % 4 == 0;
            fields[c].bloom_filter = fields[c].type != DCCD_PQ_BOOLEAN && rng_next(&rng) % 3 == 0;
            int mode = (int)(rng_next(&rng) % 4);
            if (mode == 2 && !fields[c].optional)
                mode = 1;
            gen_col(&cols[c], fields[c].type, N, fields[c].optional, mode, &rng,
                    seed % 10 == 5 && fields[c].type == DCCD_PQ_BYTE_ARRAY);
        }
        dccd_pq_write_options o;
        dccd_pq_write_options_init(&o);
        o.codec = codecs[rng_next(&rng) % 6];
        o.data_page_v2 = rng_next(&rng) % 2;
        o.crc = rng_next(&rng) % 2;
        o.page_size = rng_next(&rng) % 2 ? 1 + rng_next(&rng) % 2000 : 0;
        o.row_group_rows = 1 + rng_next(&rng) % 2500;
        o.dictionary_page_limit = rng_next(&rng) % 2 ? 50 + rng_next(&rng) % 2000 : 0;
        o.page_index = rng_next(&rng) % 4 != 0;
        char p[300], name[64];
        snprintf(name, sizeof name, "r%llu.parquet", (unsigned long long)seed);
        tpath(p, sizeof p, name);
        dccd_pq_writer *w;
        dccd_error e;
        assert_int_equal(dccd_pq_writer_open(p, fields, nc, &o, &w, &e), DCCD_OK);
        size_t r = 0;
        while (r < N) {
            size_t k = 1 + rng_next(&rng) % 900;
            if (k > N - r)
                k = N - r;
            dccd_pq_column sl[8];
            for (int c = 0; c < nc; c++)
                sl[c] = col_slice(&cols[c], r, k);
            if (dccd_pq_writer_write(w, sl, k, &e))
                fail_msg("seed %llu: write: %s", (unsigned long long)seed, e.msg);
            r += k;
            if (rng_next(&rng) % 8 == 0)
                assert_int_equal(dccd_pq_writer_flush(w, &e), DCCD_OK);
        }
        if (dccd_pq_writer_close(w, &e))
            fail_msg("seed %llu: close: %s", (unsigned long long)seed, e.msg);
        dccd_pq_file *f;
        if (dccd_pq_open(p, &f, &e))
            fail_msg("seed %llu: open: %s", (unsigned long long)seed, e.msg);
        assert_int_equal(dccd_pq_num_rows(f), (int64_t)N);
        for (int c = 0; c < nc; c++) {
            check_column(f, c, &cols[c], name);
            check_stats(f, c, &cols[c], name);
        }
        walk_file(f, o.crc);
        /* bloom filters: every written value probes positive */
        size_t r0 = 0;
        for (int rg = 0; rg < dccd_pq_num_row_groups(f); rg++) {
            size_t n = (size_t)dccd_pq_row_group_rows(f, rg);
            for (int c = 0; c < nc; c++) {
                if (!fields[c].bloom_filter)
                    continue;
                for (size_t i = r0; i < r0 + n; i += 7) {
                    if (!valid_at(&cols[c], i))
                        continue;
                    const void *v;
                    size_t l;
                    if (fields[c].type == DCCD_PQ_BYTE_ARRAY) {
                        v = cols[c].data + cols[c].offsets[i];
                        l = (size_t)(cols[c].offsets[i + 1] - cols[c].offsets[i]);
                    } else {
                        l = width_of(fields[c].type);
                        v = (uint8_t *)cols[c].values + i * l;
                    }
                    int res;
                    assert_int_equal(dccd_pq_bloom_check(f, rg, c, v, l, &res, &e), DCCD_OK);
                    assert_int_equal(res, 1);
                }
            }
            r0 += n;
        }
        dccd_pq_close(f);
        for (int c = 0; c < nc; c++)
            col_free(&cols[c]);
        unlink(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
