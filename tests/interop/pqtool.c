/*
 * pqtool - the C side of the interop tests: converts between Parquet files
 * and the canonical JSON table form defined in tests/interop/README.md,
 * using ONLY the public API (include/dccd/parquet.h) and jansson.
 *
 *   pqtool dump FILE
 *       Read FILE with dccd's reader and print it as one canonical JSON
 *       table on stdout: {"columns":[{"name","type"}],"rows":N,"data":{...}}.
 *       Types come from dccd_pq_column_info (INT64 -> int64, INT64 +
 *       TIMESTAMP(NANOS) -> timestamp_ns, BYTE_ARRAY + STRING -> string...);
 *       a column dccd describes but the canonical form has no name for is
 *       typed "unsupported:<physical>/<logical>" with hex values.
 *
 *   pqtool write SPEC.json OUT.parquet [options]
 *       Write the canonical table in SPEC.json ("-" = stdin) with dccd's
 *       writer.  OUT is replaced if it exists.  Options:
 *         --codec X          none|snappy|gzip|zstd|brotli|lz4_raw (default snappy)
 *         --level N          compression level (zstd, gzip, brotli)
 *         --delta            DELTA_BINARY_PACKED for every INT32/INT64 column
 *         --no-dict          PLAIN (no dictionary) for every BYTE_ARRAY column
 *         --v2               data page v2 headers
 *         --crc              page CRC32
 *         --rows-per-group N rows per row group
 *         --page-size N      target data page size in bytes
 *         --page-rows N      at most N rows per data page
 *         --bloom COL        bloom filter on column COL (repeatable)
 *         --no-stats         no chunk statistics
 *         --no-page-index    no column/offset index
 *         --required         columns without any null are written REQUIRED
 *         --batch N          hand rows to the writer N at a time (default all)
 *         --kv KEY=VALUE     footer key-value metadata (repeatable)
 *       A column object in SPEC may carry "nullable": false to force REQUIRED.
 *
 * Exit status: 0 success, 1 a dccd or input error (message on stderr),
 * 2 usage error.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "dccd/parquet.h"

#define MAX_LIST_OPTS 64

/* ------------------------------------------------------------------ dump */

/* Canonical type name of a column, or NULL when the canonical form has none. */
static const char *canon_type(const dccd_pq_column_info *ci)
{
    switch (ci->type) {
    case DCCD_PQ_BOOLEAN:
        return ci->logical == DCCD_PQ_LOG_NONE ? "boolean" : NULL;
    case DCCD_PQ_INT32:
        if (ci->logical == DCCD_PQ_LOG_NONE)
            return "int32";
        if (ci->logical == DCCD_PQ_LOG_DATE)
            return "date";
        if (ci->logical == DCCD_PQ_LOG_INTEGER) {
            switch (ci->bit_width) {
            case 8: return ci->is_signed ? "int8" : "uint8";
            case 16: return ci->is_signed ? "int16" : "uint16";
            case 32: return ci->is_signed ? "int32" : "uint32";
            default: return NULL;
            }
        }
        return NULL;
    case DCCD_PQ_INT64:
        if (ci->logical == DCCD_PQ_LOG_NONE)
            return "int64";
        if (ci->logical == DCCD_PQ_LOG_INTEGER && ci->bit_width == 64)
            return ci->is_signed ? "int64" : "uint64";
        if (ci->logical == DCCD_PQ_LOG_TIMESTAMP) {
            switch (ci->unit) {
            case DCCD_PQ_MILLIS: return "timestamp_ms";
            case DCCD_PQ_MICROS: return "timestamp_us";
            case DCCD_PQ_NANOS: return "timestamp_ns";
            }
        }
        return NULL;
    case DCCD_PQ_FLOAT:
        return ci->logical == DCCD_PQ_LOG_NONE ? "float" : NULL;
    case DCCD_PQ_DOUBLE:
        return ci->logical == DCCD_PQ_LOG_NONE ? "double" : NULL;
    case DCCD_PQ_BYTE_ARRAY:
        if (ci->logical == DCCD_PQ_LOG_STRING || ci->logical == DCCD_PQ_LOG_ENUM ||
            ci->logical == DCCD_PQ_LOG_JSON)
            return "string";
        if (ci->logical == DCCD_PQ_LOG_NONE)
            return "binary";
        return NULL;
    default:
        return NULL;
    }
}

static json_t *hex_string(const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char small[128];
    char *s = small;
    if (n > (sizeof small - 1) / 2) {
        if (n > (SIZE_MAX - 1) / 2)
            return NULL;
        s = malloc(2 * n + 1);
        if (!s)
            return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = digits[p[i] >> 4];
        s[2 * i + 1] = digits[p[i] & 15];
    }
    s[2 * n] = '\0';
    json_t *j = json_stringn(s, 2 * n);
    if (s != small)
        free(s);
    return j;
}

static json_t *fmt_string(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static json_t *fmt_string(const char *fmt, ...)
{
    char buf[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof buf)
        return NULL;
    return json_stringn(buf, (size_t)n);
}

static json_t *double_json(double d)
{
    uint64_t bits;
    if (isnan(d))
        bits = UINT64_C(0x7ff8000000000000);
    else
        memcpy(&bits, &d, sizeof bits);
    return fmt_string("0x%016" PRIx64, bits);
}

static json_t *float_json(float f)
{
    uint32_t bits;
    if (isnan(f))
        bits = UINT32_C(0x7fc00000);
    else
        memcpy(&bits, &f, sizeof bits);
    return fmt_string("0x%08" PRIx32, bits);
}

/* The JSON value of row i of a decoded column (validity already checked). */
static json_t *value_json(const dccd_pq_column *c, const char *ctype, size_t i)
{
    switch (c->type) {
    case DCCD_PQ_BOOLEAN:
        return json_boolean(((const uint8_t *)c->values)[i] != 0);
    case DCCD_PQ_INT32: {
        int32_t v = ((const int32_t *)c->values)[i];
        if (ctype && strcmp(ctype, "uint32") == 0)
            return json_integer((json_int_t)(uint32_t)v);
        return json_integer((json_int_t)v);
    }
    case DCCD_PQ_INT64: {
        int64_t v = ((const int64_t *)c->values)[i];
        if (ctype && strcmp(ctype, "uint64") == 0)
            return fmt_string("%" PRIu64, (uint64_t)v);
        return fmt_string("%" PRId64, v);
    }
    case DCCD_PQ_FLOAT:
        return float_json(((const float *)c->values)[i]);
    case DCCD_PQ_DOUBLE:
        return double_json(((const double *)c->values)[i]);
    case DCCD_PQ_BYTE_ARRAY: {
        int64_t a = c->offsets[i], b = c->offsets[i + 1];
        if (a < 0 || b < a)
            return NULL;
        const uint8_t *p = c->data + a;
        size_t n = (size_t)(b - a);
        if (ctype && strcmp(ctype, "string") == 0)
            return json_stringn((const char *)p, n); /* NULL on invalid UTF-8 */
        return hex_string(p, n);
    }
    case DCCD_PQ_INT96:
        return hex_string((const uint8_t *)c->values + i * 12, 12);
    case DCCD_PQ_FIXED_LEN_BYTE_ARRAY:
        if (c->type_length < 0)
            return NULL;
        return hex_string((const uint8_t *)c->values + i * (size_t)c->type_length, (size_t)c->type_length);
    }
    return NULL;
}

static int cmd_dump(const char *path)
{
    dccd_error err;
    dccd_pq_file *f = NULL;
    int rc = 1;
    json_t *root = NULL, *columns = NULL, *data = NULL;
    if (dccd_pq_open(path, &f, &err) != DCCD_OK) {
        fprintf(stderr, "pqtool: %s: %s\n", path, err.msg);
        return 1;
    }
    int ncol = dccd_pq_num_columns(f), nrg = dccd_pq_num_row_groups(f);
    root = json_object();
    columns = json_array();
    data = json_object();
    if (!root || !columns || !data)
        goto oom;
    json_t **arrays = calloc(ncol > 0 ? (size_t)ncol : 1, sizeof *arrays);
    const char **ctypes = calloc(ncol > 0 ? (size_t)ncol : 1, sizeof *ctypes);
    if (!arrays || !ctypes) {
        free(arrays);
        free(ctypes);
        goto oom;
    }
    for (int c = 0; c < ncol; c++) {
        const dccd_pq_column_info *ci = dccd_pq_column_info_at(f, c);
        const char *t = canon_type(ci);
        ctypes[c] = t;
        json_t *typ = t ? json_string(t)
                        : json_sprintf("unsupported:%s/%s", dccd_pq_type_name(ci->type),
                                       dccd_pq_logical_name(ci->logical));
        json_t *col = json_object();
        arrays[c] = json_array();
        if (!typ || !col || !arrays[c] || json_object_set_new(col, "name", json_string(ci->name)) ||
            json_object_set_new(col, "type", typ) || json_array_append_new(columns, col) ||
            json_object_set(data, ci->name, arrays[c])) {
            fprintf(stderr, "pqtool: cannot build JSON for column %s\n", ci->name);
            goto fail_cols;
        }
    }
    for (int rg = 0; rg < nrg; rg++) {
        for (int c = 0; c < ncol; c++) {
            dccd_pq_column col;
            if (dccd_pq_read_column(f, rg, c, &col, &err) != DCCD_OK) {
                fprintf(stderr, "pqtool: %s: row group %d column %d: %s\n", path, rg, c, err.msg);
                goto fail_cols;
            }
            for (size_t i = 0; i < col.n; i++) {
                json_t *v = (col.validity && !col.validity[i]) ? json_null() : value_json(&col, ctypes[c], i);
                if (!v || json_array_append_new(arrays[c], v)) {
                    fprintf(stderr, "pqtool: %s: row group %d column %s row %zu: value not representable "
                            "(invalid UTF-8?)\n", path, rg, dccd_pq_column_info_at(f, c)->name, i);
                    dccd_pq_column_free(&col);
                    goto fail_cols;
                }
            }
            dccd_pq_column_free(&col);
        }
    }
    for (int c = 0; c < ncol; c++) {
        if ((int64_t)json_array_size(arrays[c]) != dccd_pq_num_rows(f)) {
            fprintf(stderr, "pqtool: %s: column %s has %zu values, footer says %" PRId64 " rows\n", path,
                    dccd_pq_column_info_at(f, c)->name, json_array_size(arrays[c]), dccd_pq_num_rows(f));
            goto fail_cols;
        }
    }
    if (json_object_set_new(root, "columns", columns)) {
        columns = NULL;
        goto fail_cols;
    }
    columns = NULL;
    if (json_object_set_new(root, "rows", json_integer((json_int_t)dccd_pq_num_rows(f)))) goto fail_cols;
    if (json_object_set_new(root, "data", data)) {
        data = NULL;
        goto fail_cols;
    }
    data = NULL;
    if (json_dumpf(root, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0 || fputc('\n', stdout) == EOF ||
        fflush(stdout) != 0) {
        fprintf(stderr, "pqtool: writing stdout failed\n");
        goto fail_cols;
    }
    rc = 0;
fail_cols:
    for (int c = 0; c < ncol; c++)
        json_decref(arrays[c]);
    free(arrays);
    free(ctypes);
    json_decref(root);
    json_decref(columns);
    json_decref(data);
    dccd_pq_close(f);
    return rc;
oom:
    fprintf(stderr, "pqtool: out of memory\n");
    json_decref(root);
    json_decref(columns);
    json_decref(data);
    dccd_pq_close(f);
    return 1;
}

/* ------------------------------------------------------------------ write */

typedef struct write_args {
    const char *spec, *out;
    dccd_pq_write_options opts;
    bool delta, no_dict, required;
    size_t batch;
    const char *bloom[MAX_LIST_OPTS];
    int n_bloom;
    dccd_pq_kv kv[MAX_LIST_OPTS];
    char *kv_store[MAX_LIST_OPTS];
    int n_kv;
} write_args;

static int parse_size(const char *s, const char *what, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v > SIZE_MAX) {
        fprintf(stderr, "pqtool: bad %s: %s\n", what, s);
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

static int parse_i64(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end)
        return -1;
    *out = (int64_t)v;
    return 0;
}

static int parse_u64(const char *s, int base, uint64_t *out)
{
    char *end;
    errno = 0;
    if (s[0] == '-' || s[0] == '+' || s[0] == ' ')
        return -1;
    unsigned long long v = strtoull(s, &end, base);
    if (errno || end == s || *end)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* One column being built from JSON. */
typedef struct build_col {
    const char *name;
    const char *ctype;
    dccd_pq_field field;
    dccd_pq_column col;
    size_t cap_data;
} build_col;

static int field_for_type(const char *t, dccd_pq_field *f)
{
    if (strcmp(t, "boolean") == 0) {
        f->type = DCCD_PQ_BOOLEAN;
    } else if (strcmp(t, "int32") == 0) {
        f->type = DCCD_PQ_INT32;
    } else if (strcmp(t, "date") == 0) {
        f->type = DCCD_PQ_INT32;
        f->logical = DCCD_PQ_LOG_DATE;
    } else if (strcmp(t, "int64") == 0) {
        f->type = DCCD_PQ_INT64;
    } else if (strncmp(t, "timestamp_", 10) == 0) {
        f->type = DCCD_PQ_INT64;
        f->logical = DCCD_PQ_LOG_TIMESTAMP;
        f->utc = false;
        if (strcmp(t + 10, "ms") == 0) f->unit = DCCD_PQ_MILLIS;
        else if (strcmp(t + 10, "us") == 0) f->unit = DCCD_PQ_MICROS;
        else if (strcmp(t + 10, "ns") == 0) f->unit = DCCD_PQ_NANOS;
        else return -1;
    } else if (strcmp(t, "float") == 0) {
        f->type = DCCD_PQ_FLOAT;
    } else if (strcmp(t, "double") == 0) {
        f->type = DCCD_PQ_DOUBLE;
    } else if (strcmp(t, "string") == 0) {
        f->type = DCCD_PQ_BYTE_ARRAY;
        f->logical = DCCD_PQ_LOG_STRING;
    } else if (strcmp(t, "binary") == 0) {
        f->type = DCCD_PQ_BYTE_ARRAY;
    } else {
        return -1;
    }
    return 0;
}

static size_t elem_size(dccd_pq_type t)
{
    switch (t) {
    case DCCD_PQ_BOOLEAN: return 1;
    case DCCD_PQ_INT32: return 4;
    case DCCD_PQ_FLOAT: return 4;
    case DCCD_PQ_INT64: return 8;
    case DCCD_PQ_DOUBLE: return 8;
    default: return 0;
    }
}

/* Room for n more bytes after row `row`'s start in a BYTE_ARRAY column;
 * returns where they go (NULL on overflow or out of memory).  With n == 0
 * it returns a non-NULL pointer without growing. */
static uint8_t *ba_reserve(build_col *b, size_t row, size_t n)
{
    dccd_pq_column *c = &b->col;
    size_t have = (size_t)c->offsets[row];
    if (n > SIZE_MAX - have || have + n > (size_t)INT64_MAX)
        return NULL;
    if (have + n > b->cap_data || !c->data) {
        size_t cap = b->cap_data ? b->cap_data : 256;
        while (cap < have + n) {
            if (cap > SIZE_MAX / 2)
                return NULL;
            cap *= 2;
        }
        uint8_t *d = realloc(c->data, cap);
        if (!d)
            return NULL;
        c->data = d;
        b->cap_data = cap;
    }
    return c->data + have;
}

/* Append the n bytes at p as row `row`'s BYTE_ARRAY value. */
static int ba_append(build_col *b, size_t row, const uint8_t *p, size_t n)
{
    uint8_t *dst = ba_reserve(b, row, n);
    if (!dst)
        return -1;
    if (n)
        memcpy(dst, p, n);
    b->col.offsets[row + 1] = b->col.offsets[row] + (int64_t)n;
    return 0;
}

/* Append the bytes spelled by the 2*n hex digits at hex. */
static int ba_append_hex(build_col *b, size_t row, const char *hex, size_t n)
{
    uint8_t *dst = ba_reserve(b, row, n);
    if (!dst)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        dst[i] = (uint8_t)(hi << 4 | lo);
    }
    b->col.offsets[row + 1] = b->col.offsets[row] + (int64_t)n;
    return 0;
}

static int set_value(build_col *b, size_t row, json_t *v)
{
    dccd_pq_column *c = &b->col;
    const char *t = b->ctype;
    if (json_is_null(v)) {
        if (!c->validity)
            return -1; /* column declared REQUIRED */
        c->validity[row] = 0;
        c->null_count++;
        if (c->type == DCCD_PQ_BYTE_ARRAY)
            c->offsets[row + 1] = c->offsets[row];
        return 0;
    }
    if (c->validity)
        c->validity[row] = 1;
    switch (c->type) {
    case DCCD_PQ_BOOLEAN:
        if (!json_is_boolean(v))
            return -1;
        ((uint8_t *)c->values)[row] = json_is_true(v) ? 1 : 0;
        return 0;
    case DCCD_PQ_INT32: {
        if (!json_is_integer(v))
            return -1;
        json_int_t x = json_integer_value(v);
        if (x < INT32_MIN || x > INT32_MAX)
            return -1;
        ((int32_t *)c->values)[row] = (int32_t)x;
        return 0;
    }
    case DCCD_PQ_INT64: {
        int64_t x;
        if (!json_is_string(v) || parse_i64(json_string_value(v), &x))
            return -1;
        ((int64_t *)c->values)[row] = x;
        return 0;
    }
    case DCCD_PQ_FLOAT: {
        uint64_t bits;
        const char *s = json_is_string(v) ? json_string_value(v) : NULL;
        if (!s || strncmp(s, "0x", 2) != 0 || strlen(s) != 10 || parse_u64(s + 2, 16, &bits))
            return -1;
        uint32_t b32 = (uint32_t)bits;
        memcpy(&((float *)c->values)[row], &b32, sizeof b32);
        return 0;
    }
    case DCCD_PQ_DOUBLE: {
        uint64_t bits;
        const char *s = json_is_string(v) ? json_string_value(v) : NULL;
        if (!s || strncmp(s, "0x", 2) != 0 || strlen(s) != 18 || parse_u64(s + 2, 16, &bits))
            return -1;
        memcpy(&((double *)c->values)[row], &bits, sizeof bits);
        return 0;
    }
    case DCCD_PQ_BYTE_ARRAY: {
        if (!json_is_string(v))
            return -1;
        const char *s = json_string_value(v);
        size_t n = json_string_length(v);
        if (strcmp(t, "binary") == 0) {
            if (n % 2)
                return -1;
            return ba_append_hex(b, row, s, n / 2);
        }
        return ba_append(b, row, (const uint8_t *)s, n);
    }
    default:
        return -1;
    }
}

static void free_cols(build_col *bc, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        dccd_pq_column_free(&bc[i].col);
    }
    free(bc);
}

static int write_table(const write_args *a, json_t *spec)
{
    json_t *columns = json_object_get(spec, "columns");
    json_t *rows_j = json_object_get(spec, "rows");
    json_t *data = json_object_get(spec, "data");
    if (!json_is_array(columns) || !json_is_integer(rows_j) || !json_is_object(data) ||
        json_integer_value(rows_j) < 0) {
        fprintf(stderr, "pqtool: %s: not a canonical table (columns, rows, data)\n", a->spec);
        return 1;
    }
    size_t ncol = json_array_size(columns);
    size_t nrows = (size_t)json_integer_value(rows_j);
    if (ncol == 0 || ncol > INT32_MAX) {
        fprintf(stderr, "pqtool: %s: a table needs at least one column\n", a->spec);
        return 1;
    }
    build_col *bc = calloc(ncol, sizeof *bc);
    dccd_pq_field *fields = calloc(ncol, sizeof *fields);
    dccd_pq_column *cols = calloc(ncol, sizeof *cols);
    dccd_pq_writer *w = NULL;
    int64_t *batch_off = NULL;
    dccd_error err;
    int rc = 1;
    if (!bc || !fields || !cols) {
        fprintf(stderr, "pqtool: out of memory\n");
        goto done;
    }
    for (size_t i = 0; i < ncol; i++) {
        json_t *cj = json_array_get(columns, i);
        const char *name = json_string_value(json_object_get(cj, "name"));
        const char *t = json_string_value(json_object_get(cj, "type"));
        json_t *nullable = json_object_get(cj, "nullable");
        json_t *vals = name ? json_object_get(data, name) : NULL;
        build_col *b = &bc[i];
        if (!name || !t || !json_is_array(vals) || json_array_size(vals) != nrows) {
            fprintf(stderr, "pqtool: %s: column %zu: needs name, type and %zu values\n", a->spec, i, nrows);
            goto done;
        }
        b->name = name;
        b->ctype = t;
        b->field.name = name;
        if (field_for_type(t, &b->field)) {
            fprintf(stderr, "pqtool: column %s: type %s is not writable by dccd\n", name, t);
            goto done;
        }
        bool has_null = false;
        for (size_t r = 0; r < nrows && !has_null; r++)
            has_null = json_is_null(json_array_get(vals, r));
        b->field.optional = true;
        if (json_is_false(nullable) || (a->required && !has_null))
            b->field.optional = false;
        if (a->delta && (b->field.type == DCCD_PQ_INT32 || b->field.type == DCCD_PQ_INT64))
            b->field.delta = true;
        if (a->no_dict && b->field.type == DCCD_PQ_BYTE_ARRAY)
            b->field.no_dictionary = true;
        for (int k = 0; k < a->n_bloom; k++)
            if (strcmp(a->bloom[k], name) == 0)
                b->field.bloom_filter = true;
        dccd_pq_column *c = &b->col;
        c->type = b->field.type;
        c->n = nrows;
        size_t cnt = nrows ? nrows : 1;
        if (c->type == DCCD_PQ_BYTE_ARRAY) {
            c->offsets = calloc(cnt + 1, sizeof *c->offsets);
            if (!c->offsets)
                goto oom;
        } else {
            c->values = calloc(cnt, elem_size(c->type));
            if (!c->values)
                goto oom;
        }
        if (b->field.optional) {
            c->validity = calloc(cnt, 1);
            if (!c->validity)
                goto oom;
        }
        for (size_t r = 0; r < nrows; r++) {
            if (set_value(b, r, json_array_get(vals, r))) {
                fprintf(stderr, "pqtool: column %s row %zu: bad %s value (or null in a REQUIRED column)\n",
                        name, r, t);
                goto done;
            }
        }
        if (c->validity && c->null_count == 0) {
            free(c->validity);
            c->validity = NULL;
        }
        fields[i] = b->field;
    }
    for (int k = 0; k < a->n_bloom; k++) {
        bool found = false;
        for (size_t i = 0; i < ncol; i++)
            found = found || strcmp(a->bloom[k], bc[i].name) == 0;
        if (!found) {
            fprintf(stderr, "pqtool: --bloom %s: no such column\n", a->bloom[k]);
            goto done;
        }
    }
    unlink(a->out);
    if (dccd_pq_writer_open(a->out, fields, (int)ncol, &a->opts, &w, &err) != DCCD_OK) {
        fprintf(stderr, "pqtool: %s: %s\n", a->out, err.msg);
        goto done;
    }
    size_t step = a->batch ? a->batch : (nrows ? nrows : 1);
    if (step > nrows)
        step = nrows ? nrows : 1;
    batch_off = calloc(ncol * (step + 1), sizeof *batch_off);
    if (!batch_off)
        goto oom;
    for (size_t start = 0; start < nrows; start += step) {
        size_t n = nrows - start < step ? nrows - start : step;
        for (size_t i = 0; i < ncol; i++) {
            const dccd_pq_column *src = &bc[i].col;
            dccd_pq_column *dst = &cols[i];
            *dst = *src;
            dst->n = n;
            dst->null_count = 0;
            if (src->validity) {
                dst->validity = src->validity + start;
                for (size_t r = 0; r < n; r++)
                    dst->null_count += dst->validity[r] == 0;
            }
            if (src->type == DCCD_PQ_BYTE_ARRAY) {
                /* A batch gets its own offsets starting at 0 and a data
                 * pointer moved to its first byte. */
                int64_t *off = batch_off + i * (step + 1);
                int64_t base = src->offsets[start];
                for (size_t r = 0; r <= n; r++)
                    off[r] = src->offsets[start + r] - base;
                dst->offsets = off;
                dst->data = src->data ? src->data + base : NULL;
            } else {
                dst->values = (uint8_t *)src->values + start * elem_size(src->type);
            }
        }
        if (dccd_pq_writer_write(w, cols, n, &err) != DCCD_OK) {
            fprintf(stderr, "pqtool: %s: writing rows %zu..%zu: %s\n", a->out, start, start + n, err.msg);
            dccd_pq_writer_abort(w);
            w = NULL;
            goto done;
        }
    }
    rc = dccd_pq_writer_close(w, &err) == DCCD_OK ? 0 : 1;
    w = NULL;
    if (rc)
        fprintf(stderr, "pqtool: %s: closing: %s\n", a->out, err.msg);
    goto done;
oom:
    fprintf(stderr, "pqtool: out of memory\n");
done:
    if (w)
        dccd_pq_writer_abort(w);
    free_cols(bc, bc ? ncol : 0);
    free(fields);
    free(cols);
    free(batch_off);
    return rc;
}

static int usage(void)
{
    fprintf(stderr,
            "usage: pqtool dump FILE\n"
            "       pqtool write SPEC.json OUT.parquet [--codec X] [--level N] [--delta] [--no-dict] [--v2]\n"
            "              [--crc] [--rows-per-group N] [--page-size N] [--page-rows N] [--bloom COL]... [--no-stats]\n"
            "              [--no-page-index] [--required] [--batch N] [--kv KEY=VALUE]...\n");
    return 2;
}

static int cmd_write(int argc, char **argv)
{
    write_args a;
    memset(&a, 0, sizeof a);
    dccd_pq_write_options_init(&a.opts);
    if (argc < 2)
        return usage();
    a.spec = argv[0];
    a.out = argv[1];
    int rc = 2;
    for (int i = 2; i < argc; i++) {
        const char *o = argv[i];
        const char *arg = i + 1 < argc ? argv[i + 1] : NULL;
        size_t sz;
        dccd_error err;
        if (strcmp(o, "--delta") == 0) a.delta = true;
        else if (strcmp(o, "--no-dict") == 0) a.no_dict = true;
        else if (strcmp(o, "--v2") == 0) a.opts.data_page_v2 = true;
        else if (strcmp(o, "--crc") == 0) a.opts.crc = true;
        else if (strcmp(o, "--no-stats") == 0) a.opts.statistics = false;
        else if (strcmp(o, "--no-page-index") == 0) a.opts.page_index = false;
        else if (strcmp(o, "--required") == 0) a.required = true;
        else if (!arg) { fprintf(stderr, "pqtool: %s needs an argument\n", o); goto out; }
        else if (strcmp(o, "--codec") == 0) {
            if (dccd_pq_codec_parse(arg, &a.opts.codec, &err) != DCCD_OK) {
                fprintf(stderr, "pqtool: --codec: %s\n", err.msg);
                goto out;
            }
            i++;
        } else if (strcmp(o, "--level") == 0) {
            int64_t lv;
            if (parse_i64(arg, &lv) || lv < -1000 || lv > 1000) {
                fprintf(stderr, "pqtool: bad --level %s\n", arg);
                goto out;
            }
            a.opts.compression_level = (int)lv;
            i++;
        } else if (strcmp(o, "--rows-per-group") == 0) {
            if (parse_size(arg, o, &sz)) goto out;
            a.opts.row_group_rows = sz;
            i++;
        } else if (strcmp(o, "--page-size") == 0) {
            if (parse_size(arg, o, &sz)) goto out;
            a.opts.page_size = sz;
            i++;
        } else if (strcmp(o, "--page-rows") == 0) {
            if (parse_size(arg, o, &sz)) goto out;
            a.opts.page_rows = sz;
            i++;
        } else if (strcmp(o, "--batch") == 0) {
            if (parse_size(arg, o, &a.batch)) goto out;
            i++;
        } else if (strcmp(o, "--bloom") == 0) {
            if (a.n_bloom == MAX_LIST_OPTS) { fprintf(stderr, "pqtool: too many --bloom\n"); goto out; }
            a.bloom[a.n_bloom++] = arg;
            i++;
        } else if (strcmp(o, "--kv") == 0) {
            const char *eq = strchr(arg, '=');
            if (!eq || a.n_kv == MAX_LIST_OPTS) { fprintf(stderr, "pqtool: bad --kv %s\n", arg); goto out; }
            char *key = strndup(arg, (size_t)(eq - arg));
            if (!key) { fprintf(stderr, "pqtool: out of memory\n"); rc = 1; goto out; }
            a.kv_store[a.n_kv] = key;
            a.kv[a.n_kv].key = key;
            a.kv[a.n_kv].value = eq + 1;
            a.n_kv++;
            i++;
        } else {
            fprintf(stderr, "pqtool: unknown option %s\n", o);
            goto out;
        }
    }
    a.opts.kv = a.n_kv ? a.kv : NULL;
    a.opts.n_kv = (size_t)a.n_kv;
    json_error_t jerr;
    json_t *spec = strcmp(a.spec, "-") == 0 ? json_loadf(stdin, JSON_ALLOW_NUL, &jerr)
                                             : json_load_file(a.spec, JSON_ALLOW_NUL, &jerr);
    if (!spec) {
        fprintf(stderr, "pqtool: %s:%d: %s\n", a.spec, jerr.line, jerr.text);
        rc = 1;
        goto out;
    }
    rc = write_table(&a, spec);
    json_decref(spec);
out:
    for (int k = 0; k < a.n_kv; k++)
        free(a.kv_store[k]);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "dump") == 0 && argc == 3)
        return cmd_dump(argv[2]);
    if (argc >= 4 && strcmp(argv[1], "write") == 0)
        return cmd_write(argc - 2, argv + 2);
    return usage();
}
