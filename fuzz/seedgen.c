/*
 * fuzz/seedgen.c - writes the generated seed corpora for the fuzz targets
 * (run by fuzz/run.sh at run time; nothing generated is kept in the repo).
 *
 *   seedgen parquet DIR          small files from our writer: every codec,
 *                                data page v1 and v2, dictionary and
 *                                delta encodings, nulls, several pages
 *                                and row groups, bloom filters, CRCs;
 *                                and one canonical store file per data type
 *   seedgen footer DIR FILE...   the footer bytes of each Parquet FILE
 *   seedgen pages DIR FILE...    inputs for fuzz_pages: encoder outputs
 *                                behind each mode's selector bytes, and
 *                                the page headers of each FILE
 *   seedgen chunks DIR FILE...   inputs for fuzz_chunk: the column chunks
 *                                of each FILE's first row group
 *   seedgen text DIR             CSV and JSON-lines inputs for fuzz_textin
 *   seedgen domain DIR           time, symbol, dataset, span, period and
 *                                provenance texts for fuzz_domain
 *   seedgen snappy DIR           fuzz_snappy inputs: snappy streams of
 *                                column-like data (mode 0) and the data
 *                                itself (mode 1)
 *
 * Exit status 0 on success, 1 with a message on stderr otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <snappy-c.h>

#include "common/common.h"
#include "dccd/parquet.h"
#include "dccd/store.h"
#include "parquet/codec.h"
#include "parquet/encoding.h"

static int put_file(const char *dir, const char *name, const void *p, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "wb");
    if (!fp) {
        perror(path);
        return 1;
    }
    size_t w = n ? fwrite(p, 1, n, fp) : 0;
    if (fclose(fp) != 0 || w != n) {
        perror(path);
        return 1;
    }
    return 0;
}

/* A seed: selector bytes then payload. */
static int put_seed(const char *dir, const char *name, const uint8_t *hdr, size_t hn, const uint8_t *p, size_t n)
{
    uint8_t *b = malloc(hn + n + 1);
    if (!b)
        return 1;
    memcpy(b, hdr, hn);
    if (n)
        memcpy(b + hn, p, n);
    int rc = put_file(dir, name, b, hn + n);
    free(b);
    return rc;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    dccd_buf b = DCCD_BUF_INIT;
    uint8_t tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, fp)) > 0)
        if (dccd_buf_append(&b, tmp, n, NULL) != DCCD_OK)
            break;
    fclose(fp);
    return dccd_buf_detach(&b, len);
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* ---- parquet ------------------------------------------------------------ */

#define ROWS 300

static int gen_parquet(const char *dir)
{
    static const dccd_pq_codec codecs[] = {DCCD_PQ_UNCOMPRESSED, DCCD_PQ_SNAPPY, DCCD_PQ_GZIP,
                                           DCCD_PQ_BROTLI, DCCD_PQ_LZ4_RAW, DCCD_PQ_ZSTD};
    int64_t ts[ROWS];
    int32_t i32[ROWS];
    double px[ROWS];
    float fl[ROWS];
    uint8_t bo[ROWS], valid[ROWS];
    int64_t offs[ROWS + 1];
    char sdata[ROWS * 8];
    size_t sd = 0, nulls = 0;
    offs[0] = 0;
    for (int i = 0; i < ROWS; i++) {
        ts[i] = INT64_C(1709251200000000000) + (int64_t)i * 1000003;
        i32[i] = (i % 2) ? INT32_MAX - i : INT32_MIN + i * 7;
        px[i] = 60000.0 + i * 0.25;
        fl[i] = (float)i / 3.0f;
        bo[i] = (uint8_t)(i % 3 == 0);
        valid[i] = (uint8_t)(i % 5 != 0);
        nulls += !valid[i];
        const char *w = (i % 3 == 0) ? "buy" : (i % 3 == 1) ? "sell" : "t";
        size_t l = strlen(w);
        memcpy(sdata + sd, w, l);
        sd += l;
        if (i % 7 == 0)
            sdata[sd++] = (char)('a' + i % 26);
        offs[i + 1] = (int64_t)sd;
    }
    for (int v = 0; v < 12; v++) {
        dccd_pq_field fields[6];
        memset(fields, 0, sizeof fields);
        fields[0] = (dccd_pq_field){.name = "TS", .type = DCCD_PQ_INT64, .logical = DCCD_PQ_LOG_TIMESTAMP,
                                    .unit = DCCD_PQ_NANOS, .utc = true, .delta = v % 2 == 1};
        fields[1] = (dccd_pq_field){.name = "i32", .type = DCCD_PQ_INT32, .optional = v % 3 == 0,
                                    .delta = v % 4 < 2};
        fields[2] = (dccd_pq_field){.name = "price", .type = DCCD_PQ_DOUBLE, .optional = v % 2 == 0};
        fields[3] = (dccd_pq_field){.name = "side", .type = DCCD_PQ_BYTE_ARRAY, .logical = DCCD_PQ_LOG_STRING,
                                    .optional = v % 3 == 1, .no_dictionary = v % 4 == 3,
                                    .bloom_filter = v % 2 == 0};
        fields[4] = (dccd_pq_field){.name = "f", .type = DCCD_PQ_FLOAT};
        fields[5] = (dccd_pq_field){.name = "b", .type = DCCD_PQ_BOOLEAN, .optional = v % 5 == 0};
        dccd_pq_write_options o;
        dccd_pq_write_options_init(&o);
        o.codec = codecs[v % 6];
        o.row_group_rows = v < 6 ? 128 : 1000;
        o.page_size = v % 3 == 2 ? 256 : 2048;
        o.data_page_v2 = v >= 6;
        o.crc = v % 4 == 1;
        o.page_index = v != 5;
        o.statistics = v != 7;
        dccd_pq_kv kv[2] = {{"dccd.provenance", "{\"source\":\"fuzz\",\"derived_from\":null}"}, {"k", NULL}};
        o.kv = kv;
        o.n_kv = 2;
        char path[4096];
        snprintf(path, sizeof path, "%s/gen-%02d.parquet", dir, v);
        remove(path);
        dccd_error err = {0};
        dccd_pq_writer *w = NULL;
        int rc = dccd_pq_writer_open(path, fields, 6, &o, &w, &err);
        if (rc == DCCD_OK) {
            dccd_pq_column cols[6];
            memset(cols, 0, sizeof cols);
            cols[0] = (dccd_pq_column){.type = DCCD_PQ_INT64, .n = ROWS, .values = ts};
            cols[1] = (dccd_pq_column){.type = DCCD_PQ_INT32, .n = ROWS, .values = i32};
            cols[2] = (dccd_pq_column){.type = DCCD_PQ_DOUBLE, .n = ROWS, .values = px};
            cols[3] = (dccd_pq_column){.type = DCCD_PQ_BYTE_ARRAY, .n = ROWS, .offsets = offs,
                                       .data = (uint8_t *)sdata};
            cols[4] = (dccd_pq_column){.type = DCCD_PQ_FLOAT, .n = ROWS, .values = fl};
            cols[5] = (dccd_pq_column){.type = DCCD_PQ_BOOLEAN, .n = ROWS, .values = bo};
            for (int c = 0; c < 6; c++)
                if (fields[c].optional) {
                    cols[c].validity = valid;
                    cols[c].null_count = nulls;
                }
            rc = dccd_pq_writer_write(w, cols, ROWS, &err);
            if (rc == DCCD_OK)
                rc = dccd_pq_writer_close(w, &err);
            else
                dccd_pq_writer_abort(w);
        }
        if (rc != DCCD_OK) {
            fprintf(stderr, "seedgen: %s: %s\n", path, err.msg);
            return 1;
        }
    }
    return 0;
}

/* Canonical store files, one per data type: TS required (duplicates, not
 * sorted), every other canonical column optional with some nulls. */
static int gen_canonical(const char *dir)
{
    enum { N = 200 };
    int64_t ts[N], i64[N];
    double dv[N];
    uint8_t valid[N];
    int64_t offs[N + 1];
    char sdata[N * 8];
    size_t sd = 0, nulls = 0;
    offs[0] = 0;
    for (int i = 0; i < N; i++) {
        ts[i] = INT64_C(1709251200000000000) + (int64_t)((i * 37) % 150) * INT64_C(60000000000);
        i64[i] = i;
        dv[i] = 100.0 + i;
        valid[i] = (uint8_t)(i % 9 != 4);
        nulls += !valid[i];
        int l = snprintf(sdata + sd, 8, "%s", i % 2 ? "sell" : "buy");
        sd += (size_t)l;
        offs[i + 1] = (int64_t)sd;
    }
    for (int type = 0; type < 3; type++) {
        int nc = dccd_schema_ncols((dccd_data_type)type);
        dccd_pq_field fields[DCCD_MAX_COLS];
        dccd_pq_column cols[DCCD_MAX_COLS];
        memset(fields, 0, sizeof fields);
        memset(cols, 0, sizeof cols);
        for (int c = 0; c < nc; c++) {
            dccd_pq_type t = dccd_schema_col_type((dccd_data_type)type, c);
            fields[c].name = dccd_schema_col_name((dccd_data_type)type, c);
            fields[c].type = t;
            fields[c].optional = c > 0;
            fields[c].bloom_filter = t == DCCD_PQ_BYTE_ARRAY;
            if (c == 0) {
                fields[c].logical = DCCD_PQ_LOG_TIMESTAMP;
                fields[c].unit = DCCD_PQ_NANOS;
                fields[c].utc = true;
            }
            cols[c].type = t;
            cols[c].n = N;
            if (t == DCCD_PQ_BYTE_ARRAY) {
                cols[c].offsets = offs;
                cols[c].data = (uint8_t *)sdata;
                fields[c].logical = DCCD_PQ_LOG_STRING;
            } else if (t == DCCD_PQ_INT64) {
                cols[c].values = c == 0 ? ts : i64;
            } else if (t == DCCD_PQ_DOUBLE) {
                cols[c].values = dv;
            } else if (t == DCCD_PQ_BOOLEAN) {
                cols[c].values = valid;  /* any 0/1 bytes */
            } else {
                fprintf(stderr, "seedgen: canonical column type %d not handled\n", (int)t);
                return 1;
            }
            if (c > 0) {
                cols[c].validity = valid;
                cols[c].null_count = nulls;
            }
        }
        dccd_pq_write_options o;
        dccd_pq_write_options_init(&o);
        o.row_group_rows = 120;
        char path[4096];
        snprintf(path, sizeof path, "%s/canon-%d.parquet", dir, type);
        remove(path);
        dccd_error err = {0};
        dccd_pq_writer *w = NULL;
        int rc = dccd_pq_writer_open(path, fields, nc, &o, &w, &err);
        if (rc == DCCD_OK) {
            rc = dccd_pq_writer_write(w, cols, N, &err);
            if (rc == DCCD_OK)
                rc = dccd_pq_writer_close(w, &err);
            else
                dccd_pq_writer_abort(w);
        }
        if (rc != DCCD_OK) {
            fprintf(stderr, "seedgen: %s: %s\n", path, err.msg);
            return 1;
        }
    }
    return 0;
}

/* ---- footers and page headers of existing files ------------------------- */

static int gen_footer(const char *dir, int nfiles, char **files)
{
    for (int i = 0; i < nfiles; i++) {
        size_t len;
        uint8_t *b = slurp(files[i], &len);
        if (!b)
            continue;
        if (len >= 12 && memcmp(b + len - 4, "PAR1", 4) == 0) {
            uint32_t fl = dccd_load_u32le(b + len - 8);
            if (fl <= len - 12) {
                char name[512];
                snprintf(name, sizeof name, "%s.footer", base_name(files[i]));
                if (put_file(dir, name, b + len - 8 - fl, fl)) {
                    free(b);
                    return 1;
                }
            }
        }
        free(b);
    }
    return 0;
}

static int gen_pages(const char *dir, int nfiles, char **files)
{
    dccd_error err = {0};
    /* page headers (mode 0) of the files' first chunks */
    for (int i = 0; i < nfiles; i++) {
        size_t len;
        uint8_t *b = slurp(files[i], &len);
        if (!b)
            continue;
        dccd_pq_file *f = NULL;
        if (dccd_pq_open_mem(b, len, files[i], &f, &err) == DCCD_OK) {
            int nc = dccd_pq_num_columns(f);
            for (int c = 0; c < nc && c < 4 && dccd_pq_num_row_groups(f) > 0; c++) {
                dccd_pq_chunk_info ci;
                if (dccd_pq_chunk(f, 0, c, &ci, &err) != DCCD_OK || ci.file_offset < 0 ||
                    (uint64_t)ci.file_offset >= len)
                    continue;
                size_t n = len - (size_t)ci.file_offset;
                n = n > 512 ? 512 : n;
                char name[512];
                snprintf(name, sizeof name, "hdr-%s-%d", base_name(files[i]), c);
                const uint8_t sel = 0;
                if (put_seed(dir, name, &sel, 1, b + ci.file_offset, n))
                    return 1;
            }
            dccd_pq_close(f);
        }
        free(b);
    }
    /* encoder outputs behind each decoder mode's selector */
    int32_t v32[300];
    int64_t v64[300];
    uint32_t u[300];
    int64_t offs[301];
    char data[300 * 6];
    size_t dn = 0;
    offs[0] = 0;
    for (int i = 0; i < 300; i++) {
        v32[i] = (i % 2) ? INT32_MIN : INT32_MAX - i;
        v64[i] = INT64_C(1709251200000000000) + (int64_t)i * 999;
        u[i] = (uint32_t)(i / 10) % 5;
        int l = snprintf(data + dn, 7, "v%d", i % 40);
        dn += (size_t)l;
        offs[i + 1] = (int64_t)dn;
    }
    struct {
        const char *name;
        uint8_t hdr[6];
        size_t hn;
        int kind;
    } seeds[] = {
        {"rle3", {1, 3, 44, 1, 0, 0}, 6, 0},   {"rle-legacy", {2, 3, 44, 1, 0, 0}, 6, 0},
        {"plain8", {3, 2, 44, 1, 0, 0}, 6, 1}, {"delta32", {4, 44, 1, 0, 0}, 5, 2},
        {"delta64", {4, 44, 1, 0, 0}, 5, 3},   {"dlba", {5, 44, 1, 0, 0}, 5, 4},
        {"dba", {6, 44, 1, 0, 0}, 5, 5},       {"bss8", {7, 8, 44, 1, 0, 0}, 6, 6},
        {"plainba", {3, 0, 44, 1, 0, 0}, 6, 7},
    };
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        dccd_buf b = DCCD_BUF_INIT;
        int rc;
        switch (seeds[s].kind) {
        case 0: rc = pq_rle_encode(&b, u, 300, 3, &err); break;
        case 1: rc = dccd_buf_append(&b, v64, sizeof v64, &err); break;
        case 2: rc = pq_delta_encode_i32(&b, v32, 300, &err); break;
        case 3: rc = pq_delta_encode_i64(&b, v64, 300, &err); break;
        case 4: rc = pq_delta_length_encode(&b, (const uint8_t *)data, offs, 300, &err); break;
        case 5: rc = pq_delta_byte_array_encode(&b, (const uint8_t *)data, offs, 300, &err); break;
        case 6: rc = pq_bss_encode(&b, v64, 8, 300, &err); break;
        default: rc = pq_plain_encode_byte_array(&b, (const uint8_t *)data, offs, 300, &err); break;
        }
        if (rc == DCCD_OK)
            rc = put_seed(dir, seeds[s].name, seeds[s].hdr, seeds[s].hn, b.data, b.len);
        dccd_buf_free(&b);
        if (rc) {
            fprintf(stderr, "seedgen: pages %s: %s\n", seeds[s].name, err.msg);
            return 1;
        }
    }
    /* round trips (mode 9) and bloom (mode 10): raw bytes */
    for (uint8_t k = 0; k < 7; k++) {
        uint8_t hdr[3] = {9, k, 1};
        char name[32];
        snprintf(name, sizeof name, "roundtrip-%d", k);
        if (put_seed(dir, name, hdr, 3, (const uint8_t *)data, 200))
            return 1;
    }
    /* compressed pages for the decompressor (mode 8) */
    static const dccd_pq_codec codecs[] = {DCCD_PQ_SNAPPY, DCCD_PQ_GZIP, DCCD_PQ_BROTLI, DCCD_PQ_LZ4_RAW,
                                           DCCD_PQ_ZSTD};
    for (size_t c = 0; c < 5; c++) {
        dccd_buf b = DCCD_BUF_INIT;
        if (pq_compress(codecs[c], 0, (const uint8_t *)data, dn, &b, &err) != DCCD_OK)
            return 1;
        uint8_t hdr[6] = {8, (uint8_t)codecs[c], (uint8_t)dn, (uint8_t)(dn >> 8), 0, 0};
        char name[32];
        snprintf(name, sizeof name, "codec-%d", (int)codecs[c]);
        int rc = put_seed(dir, name, hdr, 6, b.data, b.len);
        dccd_buf_free(&b);
        if (rc)
            return 1;
    }
    return 0;
}

/* Inputs for fuzz_chunk: each column chunk of the first row group of
 * each FILE behind fuzz_chunk's parameter bytes. */
static int gen_chunks(const char *dir, int nfiles, char **files)
{
    dccd_error err = {0};
    for (int i = 0; i < nfiles; i++) {
        size_t len;
        uint8_t *b = slurp(files[i], &len);
        if (!b)
            continue;
        dccd_pq_file *f = NULL;
        if (dccd_pq_open_mem(b, len, files[i], &f, &err) == DCCD_OK && dccd_pq_num_row_groups(f) > 0 &&
            dccd_pq_row_group_rows(f, 0) <= 65535) {
            for (int c = 0; c < dccd_pq_num_columns(f); c++) {
                const dccd_pq_column_info *ci = dccd_pq_column_info_at(f, c);
                dccd_pq_chunk_info k;
                if (dccd_pq_chunk(f, 0, c, &k, &err) != DCCD_OK || k.file_offset < 0 ||
                    k.total_compressed_size < 0 || (uint64_t)k.file_offset > len ||
                    (uint64_t)k.total_compressed_size > len - (uint64_t)k.file_offset)
                    continue;
                int64_t rows = dccd_pq_row_group_rows(f, 0);
                uint8_t hdr[6] = {(uint8_t)ci->type,
                                  (uint8_t)((ci->optional ? 1 : 0) | (k.dictionary_page_offset >= 0 ? 2 : 0)),
                                  (uint8_t)k.codec, (uint8_t)rows, (uint8_t)(rows >> 8),
                                  (uint8_t)(ci->type_length > 0 ? ci->type_length - 1 : 0)};
                char name[512];
                snprintf(name, sizeof name, "chunk-%s-%d", base_name(files[i]), c);
                if (put_seed(dir, name, hdr, 6, b + k.file_offset, (size_t)k.total_compressed_size)) {
                    dccd_pq_close(f);
                    free(b);
                    return 1;
                }
            }
        }
        if (f)
            dccd_pq_close(f);
        free(b);
    }
    return 0;
}

/* ---- text --------------------------------------------------------------- */

static const char *sample(dccd_pq_type t, const char *name, int row, int iso, char *buf, size_t cap)
{
    if (strcmp(name, "TS") == 0) {
        if (iso)
            snprintf(buf, cap, "2024-03-01T12:00:%02d.5Z", row);
        else
            snprintf(buf, cap, "%lld", (long long)(INT64_C(1709251200000000000) + row * INT64_C(1000000000)));
    } else if (t == DCCD_PQ_BYTE_ARRAY) {
        snprintf(buf, cap, "%s", strcmp(name, "side") == 0 ? (row % 2 ? "sell" : "buy") : "t1");
    } else if (t == DCCD_PQ_DOUBLE || t == DCCD_PQ_FLOAT) {
        snprintf(buf, cap, "%d.25", 100 + row);
    } else {
        snprintf(buf, cap, "%d", row);
    }
    return buf;
}

static int gen_text(const char *dir)
{
    for (int type = 0; type < 3; type++) {
        for (int jsonl = 0; jsonl < 2; jsonl++) {
            dccd_buf b = DCCD_BUF_INIT;
            uint8_t sel = (uint8_t)(jsonl | (type << 1));
            dccd_buf_append_byte(&b, sel, NULL);
            int nc = dccd_schema_ncols((dccd_data_type)type);
            char v[64], line[1024];
            if (!jsonl) {
                size_t p = 0;
                for (int c = 0; c < nc; c++)
                    p += (size_t)snprintf(line + p, sizeof line - p, "%s%s", c ? "," : "",
                                          dccd_schema_col_name((dccd_data_type)type, c));
                dccd_buf_append(&b, line, p, NULL);
                dccd_buf_append_byte(&b, '\n', NULL);
            }
            for (int r = 0; r < 4; r++) {
                size_t p = 0;
                if (jsonl)
                    p += (size_t)snprintf(line + p, sizeof line - p, "{");
                for (int c = 0; c < nc; c++) {
                    dccd_pq_type t = dccd_schema_col_type((dccd_data_type)type, c);
                    const char *nm = dccd_schema_col_name((dccd_data_type)type, c);
                    sample(t, nm, r, r % 2, v, sizeof v);
                    if (jsonl) {
                        int quote = t == DCCD_PQ_BYTE_ARRAY || (strcmp(nm, "TS") == 0 && r % 2);
                        p += (size_t)snprintf(line + p, sizeof line - p, "%s\"%s\":%s%s%s", c ? "," : "", nm,
                                              quote ? "\"" : "", v, quote ? "\"" : "");
                    } else {
                        p += (size_t)snprintf(line + p, sizeof line - p, "%s%s", c ? "," : "",
                                              (r == 3 && c == nc - 1) ? "" : v);
                    }
                }
                if (jsonl)
                    p += (size_t)snprintf(line + p, sizeof line - p, "}");
                dccd_buf_append(&b, line, p, NULL);
                dccd_buf_append(&b, r == 2 ? "\r\n" : "\n", r == 2 ? 2 : 1, NULL);
            }
            char name[64];
            snprintf(name, sizeof name, "%s-%d", jsonl ? "jsonl" : "csv", type);
            int rc = put_file(dir, name, b.data, b.len);
            dccd_buf_free(&b);
            if (rc)
                return 1;
        }
    }
    return 0;
}

/* ---- domain ------------------------------------------------------------- */

static int gen_domain(const char *dir)
{
    static const struct {
        uint8_t mode;
        const char *text;
    } seeds[] = {
        {0, "1709251200000000000"}, {0, "2024-03-01"}, {0, "2024-03-01T12:00"},
        {0, "2024-03-01T12:00:00Z"}, {0, "2024-03-01 12:00:00.123456789"}, {0, "2024-03-01T12:00:00+05:30"},
        {0, "-9223372036854775808"}, {0, "2262-04-11T23:47:16.854775807Z"}, {0, "1677-09-21t00:12:43-0130"},
        {1, "BTC/USDT"}, {1, "xbt-usd:perp"}, {1, "ETH_EUR:next_quarter"},
        {2, "binance:BTC/USDT:ohlc:3600s"}, {2, "binance:BTC/USDT:perp:trades"}, {2, "kraken:ETH/EUR:orderbook"},
        {2, "bitfinex:XBT/USD:ohlc:1h"}, {3, "1h"}, {3, "monthly"}, {3, "2592000s"}, {3, "3600"},
        {4, "2024"}, {4, "2024-02-29"}, {4, "1677"}, {4, "2262-04-11"},
        {5, "{\"source\":\"binance:rest\",\"derived_from\":null}"},
        {5, "{\"source\":\"k\\u00e9\",\"derived_from\":\"binance:BTC/USDT:trades\"}"},
        {6, "binance"}, {6, "BTC-USDT_PERP"}, {6, "orderbook"},
        {7, "\x01\x02\x03\x04\x05\x06\x07\x08"}, {7, "\xff\xff\xff\xff\xff\xff\xff\x7f"},
        {7, "\x00\x00\x00\x00\x00\x00\x00\x80"},
    };
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "domain-%02zu", i);
        size_t n = seeds[i].mode == 7 ? 8 : strlen(seeds[i].text);
        if (put_seed(dir, name, &seeds[i].mode, 1, (const uint8_t *)seeds[i].text, n))
            return 1;
    }
    return 0;
}

/* ---- snappy ------------------------------------------------------------- */

static int gen_snappy(const char *dir)
{
    enum { N = 512 };
    static uint8_t data[N * 8];
    for (int kind = 0; kind < 4; kind++) {
        for (int i = 0; i < N; i++) {
            double v = kind == 0 ? 1e6 + i : kind == 1 ? 40000.0 + (i * 37 % 101) * 0.01 : 0.0;
            int64_t k = kind == 3 ? (int64_t)i * i : 0;
            if (kind == 3)
                memcpy(data + 8 * i, &k, 8);
            else
                memcpy(data + 8 * i, &v, 8);
        }
        size_t n = kind == 2 ? 300 : sizeof data; /* kind 2: a run of zeros */
        size_t cap = snappy_max_compressed_length(n), clen = cap;
        char *c = malloc(cap);
        if (!c || snappy_compress((const char *)data, n, c, &clen) != SNAPPY_OK) {
            free(c);
            fprintf(stderr, "seedgen: snappy_compress failed\n");
            return 1;
        }
        char name[32];
        uint8_t m0 = 0, m1 = 1;
        snprintf(name, sizeof name, "snappy-s%d", kind);
        int rc = put_seed(dir, name, &m0, 1, (const uint8_t *)c, clen);
        snprintf(name, sizeof name, "snappy-d%d", kind);
        rc = rc || put_seed(dir, name, &m1, 1, data, n < 256 ? n : 256);
        free(c);
        if (rc)
            return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: seedgen {parquet|footer|pages|chunks|text|domain|snappy} DIR [FILE...]\n");
        return 1;
    }
    const char *what = argv[1], *dir = argv[2];
    if (strcmp(what, "parquet") == 0)
        return gen_parquet(dir) || gen_canonical(dir);
    if (strcmp(what, "footer") == 0)
        return gen_footer(dir, argc - 3, argv + 3);
    if (strcmp(what, "pages") == 0)
        return gen_pages(dir, argc - 3, argv + 3);
    if (strcmp(what, "chunks") == 0)
        return gen_chunks(dir, argc - 3, argv + 3);
    if (strcmp(what, "text") == 0)
        return gen_text(dir);
    if (strcmp(what, "domain") == 0)
        return gen_domain(dir);
    if (strcmp(what, "snappy") == 0)
        return gen_snappy(dir);
    fprintf(stderr, "seedgen: unknown kind '%s'\n", what);
    return 1;
}
