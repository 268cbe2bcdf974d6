/*
 * src/cli/textin.c - the text importer (contract in textin.h): CSV and
 * JSON-lines rows of one data type parsed into the canonical columns of a
 * dccd_table, one input line at a time.
 *
 * This file owns:
 *   - the column builders: one growable array per canonical column (values
 *     or offsets + bytes, and a validity array), doubled when full, moved
 *     whole into the table handed out by cli_textin_take(); no allocation
 *     per row;
 *   - CSV splitting (RFC 4180 quoting on one line: "a ""b""" is a field,
 *     an unquoted empty field is null, a quoted empty field is an empty
 *     string for string columns); the header names the columns;
 *   - JSON lines through jansson (one object per line, duplicate keys
 *     refused, missing keys are nulls);
 *   - the field parsers: integers with an overflow-checked fast path,
 *     doubles through dccd_ff_parse (src/common/fastfloat.h: decimal
 *     syntax, Clinger's exact fast path, Eisel-Lemire, strtod_l when
 *     undecided, so every value is the correctly rounded double), TS as
 *     integer nanoseconds or
 *     ISO-8601 (dccd_time_parse), booleans true/false/1/0;
 *   - the row check: the store's own rules (TS >= 0, required columns, finite
 *     numbers, non-negative amounts and counts, sides) applied per line so a
 *     bad line is reported with its line and column, or skipped under
 *     skip_bad, before the store ever sees the batch.
 *
 * A row is written into the slot after the last committed row of every
 * column and committed only when all of it parsed and passed the check, so
 * a rejected line leaves nothing behind.  The seed's column aliases are
 * accepted as its canonicalize() does: "quoteVolume" is quote_volume and
 * "weightedAverage" is ignored.  A CSV record handed in may hold newlines
 * inside quoted fields (the caller splits records; messages name the
 * record's first line).
 *
 * Parallel use: cli_textin_fork makes a parser for a later part of the
 * same input (the header's column map copied), cli_textin_seek sets the
 * line number it starts at; each parser belongs to one thread.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fastfloat.h"
#include "dccd/domain.h"
#include "textin.h"

#define COL_IGNORED (-2) /* a header field that is read and dropped */

typedef struct tcol {
    dccd_pq_type type;
    void *values;      /* fixed-width values, cap slots */
    uint8_t *validity; /* cap slots */
    int64_t *offsets;  /* strings: cap + 1 slots */
    uint8_t *data;
    size_t dlen, dcap;
} tcol;

struct cli_textin {
    cli_text_format fmt;
    dccd_data_type type;
    char *name;
    bool skip_bad;
    int ncols;
    tcol cols[DCCD_MAX_COLS];
    size_t rows, cap;
    int64_t lineno;   /* physical lines seen */
    int64_t lines;    /* data lines */
    int64_t rejected; /* lines skipped under skip_bad */
    bool have_header;
    int nfields;      /* CSV header fields */
    int *field_col;   /* CSV: header field -> column, or COL_IGNORED */
    int col_field[DCCD_MAX_COLS]; /* CSV: column -> header field, -1 absent */
    bool set[DCCD_MAX_COLS];      /* columns given on the current row */
    bool required[DCCD_MAX_COLS]; /* the store refuses a null */
    bool nonneg[DCCD_MAX_COLS];   /* the store refuses a negative value */
    bool is_side[DCCD_MAX_COLS];  /* buy/sell or bid/ask */
    bool plain;       /* the caller promises records without a '"' */
    char *scratch;
    size_t scratch_cap;
    char last_error[DCCD_ERROR_MSG_MAX];
};

__attribute__((format(printf, 3, 4))) static int set_err(dccd_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        err->code = code;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

static size_t type_width(dccd_pq_type t)
{
    switch (t) {
    case DCCD_PQ_BOOLEAN:
        return 1;
    case DCCD_PQ_INT64:
    case DCCD_PQ_DOUBLE:
        return 8;
    default:
        return 0;
    }
}

/* Quote a field for a message: at most 40 bytes, control characters as '?'. */
static void quote_text(const char *s, size_t n, char *buf, size_t cap)
{
    size_t o = 0;
    if (cap < 8)
        return;
    buf[o++] = '"';
    for (size_t i = 0; i < n && o + 5 < cap; i++) {
        if (i == 40) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        unsigned char c = (unsigned char)s[i];
        buf[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    buf[o++] = '"';
    buf[o] = 0;
}

static int scratch_reserve(cli_textin *in, size_t n, dccd_error *err)
{
    if (n < in->scratch_cap)
        return DCCD_OK;
    size_t cap = in->scratch_cap ? in->scratch_cap : 256;
    while (cap <= n) {
        if (cap > SIZE_MAX / 2)
            return set_err(err, DCCD_ENOMEM, "field too long");
        cap *= 2;
    }
    char *p = realloc(in->scratch, cap);
    if (!p)
        return set_err(err, DCCD_ENOMEM, "out of memory (scratch of %zu bytes)", cap);
    in->scratch = p;
    in->scratch_cap = cap;
    return DCCD_OK;
}

/* ---- number parsing ---- */

/* Decimal integer, optional sign, digits only; false on syntax or overflow. */
static bool parse_i64(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (n && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == n || n - i > 19)
        goto slow;
    uint64_t v = 0;
#if DCCD_FF_SWAR
    while (n - i >= 8) { /* eight digits at a time (a TS has 19) */
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (!dccd_ff_eight_digits(w))
            break;
        v = v * 100000000 + dccd_ff_eight_value(w);
        i += 8;
    }
#endif
    for (; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9)
            return false;
        v = v * 10 + d;
    }
    /* 19 digits fit uint64 without wrapping */
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1)
            return false;
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    } else {
        if (v > (uint64_t)INT64_MAX)
            return false;
        *out = (int64_t)v;
    }
    return true;
slow:
    /* empty, or more than 19 digits: only leading zeros could still fit */
    if (i == n)
        return false;
    while (n - i > 19 && s[i] == '0')
        i++;
    if (n - i > 19)
        return false;
    {
        size_t j = i;
        for (; j < n; j++)
            if ((unsigned)(unsigned char)s[j] - '0' > 9)
                return false;
    }
    if (neg) {
        int64_t pv;
        if (!parse_i64(s + i, n - i, &pv))
            return false;
        *out = -pv;
        return true;
    }
    return parse_i64(s + i, n - i, out);
}

typedef enum { NUM_OK, NUM_SYNTAX, NUM_RANGE, NUM_NOMEM } num_rc;

/* A decimal number: [+-]digits[.digits][(e|E)[+-]digits] (or .digits).
 * nan, inf and hex floats are refused; overflow is NUM_RANGE, underflow
 * gives the subnormal or zero.  Correctly rounded (src/common/fastfloat.h:
 * Clinger's fast path, Eisel-Lemire, strtod_l for the rare undecided). */
static num_rc parse_f64(const char *s, size_t n, double *out)
{
    switch (dccd_ff_parse(s, n, out, NULL)) {
    case DCCD_FF_OK:
        return NUM_OK;
    case DCCD_FF_RANGE:
        return NUM_RANGE;
    case DCCD_FF_NOMEM:
        return NUM_NOMEM;
    default:
        return NUM_SYNTAX;
    }
}

/* ---- column builders ---- */

static int grow(cli_textin *in, dccd_error *err)
{
    size_t cap = in->cap ? in->cap * 2 : 1024;
    if (cap < in->cap || cap > SIZE_MAX / 16)
        return set_err(err, DCCD_ENOMEM, "too many rows in one batch");
    for (int c = 0; c < in->ncols; c++) {
        tcol *t = &in->cols[c];
        uint8_t *v = realloc(t->validity, cap);
        if (!v)
            return set_err(err, DCCD_ENOMEM, "out of memory growing a batch to %zu rows", cap);
        t->validity = v;
        if (t->type == DCCD_PQ_BYTE_ARRAY) {
            int64_t *o = realloc(t->offsets, (cap + 1) * sizeof *o);
            if (!o)
                return set_err(err, DCCD_ENOMEM, "out of memory growing a batch to %zu rows", cap);
            if (!t->offsets)
                o[0] = 0;
            t->offsets = o;
        } else {
            void *p = realloc(t->values, cap * type_width(t->type));
            if (!p)
                return set_err(err, DCCD_ENOMEM, "out of memory growing a batch to %zu rows", cap);
            t->values = p;
        }
    }
    in->cap = cap;
    return DCCD_OK;
}

static int str_append(tcol *t, const char *s, size_t n, dccd_error *err)
{
    if (n > t->dcap - t->dlen || !t->data) {
        size_t cap = t->dcap ? t->dcap : 4096;
        while (cap - t->dlen < n) {
            if (cap > SIZE_MAX / 2)
                return set_err(err, DCCD_ENOMEM, "string data too large");
            cap *= 2;
        }
        uint8_t *p = realloc(t->data, cap);
        if (!p)
            return set_err(err, DCCD_ENOMEM, "out of memory (%zu bytes of strings)", cap);
        t->data = p;
        t->dcap = cap;
    }
    if (n)
        memcpy(t->data + t->dlen, s, n);
    t->dlen += n;
    return DCCD_OK;
}

static bool col_required(dccd_data_type type, int c);

/* ---- open / close ---- */

int cli_textin_open(cli_textin **out, cli_text_format fmt, dccd_data_type type, const char *name, bool skip_bad,
                    dccd_error *err)
{
    *out = NULL;
    int n = dccd_schema_ncols(type);
    if (n <= 0 || n > DCCD_MAX_COLS)
        return set_err(err, DCCD_EINVAL, "unknown data type %d", (int)type);
    if (fmt != CLI_FMT_CSV && fmt != CLI_FMT_JSONL)
        return set_err(err, DCCD_EINVAL, "unknown text format %d", (int)fmt);
    cli_textin *in = calloc(1, sizeof *in);
    if (!in)
        return set_err(err, DCCD_ENOMEM, "out of memory");
    in->name = strdup(name ? name : "<input>");
    if (!in->name) {
        free(in);
        return set_err(err, DCCD_ENOMEM, "out of memory");
    }
    in->fmt = fmt;
    in->type = type;
    in->skip_bad = skip_bad;
    in->ncols = n;
    for (int c = 0; c < n; c++) {
        const char *cname = dccd_schema_col_name(type, c);
        in->cols[c].type = dccd_schema_col_type(type, c);
        in->col_field[c] = -1;
        in->required[c] = col_required(type, c);
        in->nonneg[c] = strcmp(cname, "amount") == 0 || strcmp(cname, "volume") == 0 ||
                        strcmp(cname, "quote_volume") == 0 || in->cols[c].type == DCCD_PQ_INT64;
        in->is_side[c] = strcmp(cname, "side") == 0;
    }
    *out = in;
    return DCCD_OK;
}

static void cols_release(cli_textin *in)
{
    for (int c = 0; c < in->ncols; c++) {
        tcol *t = &in->cols[c];
        free(t->values);
        free(t->validity);
        free(t->offsets);
        free(t->data);
        dccd_pq_type ty = t->type;
        memset(t, 0, sizeof *t);
        t->type = ty;
    }
    in->rows = 0;
    in->cap = 0;
}

void cli_textin_close(cli_textin *in)
{
    if (!in)
        return;
    cols_release(in);
    free(in->field_col);
    free(in->scratch);
    free(in->name);
    free(in);
}

int cli_textin_fork(const cli_textin *tmpl, cli_textin **out, dccd_error *err)
{
    *out = NULL;
    if (tmpl->fmt == CLI_FMT_CSV && !tmpl->have_header)
        return set_err(err, DCCD_EINVAL, "%s: forked before the CSV header was read", tmpl->name);
    cli_textin *in;
    int rc = cli_textin_open(&in, tmpl->fmt, tmpl->type, tmpl->name, tmpl->skip_bad, err);
    if (rc)
        return rc;
    if (tmpl->fmt == CLI_FMT_CSV) {
        in->field_col = malloc((size_t)tmpl->nfields * sizeof *in->field_col);
        if (!in->field_col) {
            cli_textin_close(in);
            return set_err(err, DCCD_ENOMEM, "out of memory");
        }
        memcpy(in->field_col, tmpl->field_col, (size_t)tmpl->nfields * sizeof *in->field_col);
        memcpy(in->col_field, tmpl->col_field, sizeof in->col_field);
        in->nfields = tmpl->nfields;
        in->have_header = true;
    }
    *out = in;
    return DCCD_OK;
}

void cli_textin_seek(cli_textin *in, int64_t lines_before)
{
    in->lineno = lines_before;
}

int64_t cli_textin_lineno(const cli_textin *in)
{
    return in->lineno;
}

void cli_textin_plain(cli_textin *in, bool plain)
{
    in->plain = plain;
}

bool cli_textin_ready(const cli_textin *in)
{
    return in->fmt != CLI_FMT_CSV || in->have_header;
}

size_t cli_textin_rows(const cli_textin *in)
{
    return in->rows;
}

int64_t cli_textin_lines(const cli_textin *in)
{
    return in->lines;
}

int64_t cli_textin_rejected(const cli_textin *in)
{
    return in->rejected;
}

const char *cli_textin_last_error(const cli_textin *in)
{
    return in->last_error;
}

int cli_textin_take(cli_textin *in, dccd_table *out, dccd_error *err)
{
    (void)err;
    dccd_table_init(out, in->type);
    size_t n = in->rows;
    if (n == 0)
        return DCCD_OK;
    out->nrows = n;
    for (int c = 0; c < in->ncols; c++) {
        tcol *t = &in->cols[c];
        dccd_pq_column *oc = &out->cols[c];
        size_t nulls = 0;
        for (size_t r = 0; r < n; r++)
            nulls += !t->validity[r];
        oc->type = t->type;
        oc->n = n;
        oc->null_count = nulls;
        if (nulls) {
            oc->validity = t->validity;
        } else {
            free(t->validity);
        }
        if (t->type == DCCD_PQ_BYTE_ARRAY) {
            oc->offsets = t->offsets;
            oc->data = t->data; /* NULL when every string is empty or null: allowed */
        } else {
            oc->values = t->values;
        }
        dccd_pq_type ty = t->type;
        memset(t, 0, sizeof *t);
        t->type = ty;
    }
    in->rows = 0;
    in->cap = 0;
    return DCCD_OK;
}

/* ---- column names ---- */

static int col_by_name(dccd_data_type type, const char *s, size_t n)
{
    char buf[32];
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = 0;
    int c = dccd_schema_col_index(type, buf);
    if (c >= 0)
        return c;
    if (type == DCCD_OHLC && strcmp(buf, "quoteVolume") == 0)
        return dccd_schema_col_index(type, "quote_volume");
    if (type == DCCD_OHLC && strcmp(buf, "weightedAverage") == 0)
        return COL_IGNORED;
    return -1;
}

/* A required column that may be left out: its value then defaults
 * (orderbook is_snapshot: true, as the seed's OrderBookSnapshot). */
static bool col_defaulted(dccd_data_type type, int c)
{
    return type == DCCD_ORDERBOOK && c > 0 && strcmp(dccd_schema_col_name(type, c), "is_snapshot") == 0;
}

static bool col_required(dccd_data_type type, int c)
{
    const char *name = dccd_schema_col_name(type, c);
    if (c == 0)
        return true;
    switch (type) {
    case DCCD_OHLC:
        return strcmp(name, "quote_volume") != 0 && strcmp(name, "trades") != 0;
    case DCCD_TRADES:
        return strcmp(name, "price") == 0 || strcmp(name, "amount") == 0;
    case DCCD_ORDERBOOK:
        return strcmp(name, "count") != 0;
    }
    return false;
}

/* ---- one field into the current row ---- */

typedef struct field_ctx {
    cli_textin *in;
    int field; /* CSV field number (1-based), 0 for JSON */
    int col;
} field_ctx;

/* Row error: message "NAME:LINE: column [N ]'col': what". */
__attribute__((format(printf, 3, 4))) static int row_err(const field_ctx *f, dccd_error *err, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    const char *cname = f->col >= 0 ? dccd_schema_col_name(f->in->type, f->col) : "?";
    if (f->field > 0)
        return set_err(err, DCCD_EINVAL, "%s:%lld: column %d '%s': %s", f->in->name, (long long)f->in->lineno,
                       f->field, cname, what);
    return set_err(err, DCCD_EINVAL, "%s:%lld: column '%s': %s", f->in->name, (long long)f->in->lineno, cname,
                   what);
}

static void set_null(cli_textin *in, int c)
{
    tcol *t = &in->cols[c];
    size_t r = in->rows;
    t->validity[r] = 0;
    if (t->type == DCCD_PQ_BYTE_ARRAY)
        t->offsets[r + 1] = (int64_t)t->dlen;
    else
        memset((uint8_t *)t->values + r * type_width(t->type), 0, type_width(t->type));
    in->set[c] = true;
}

/* Text value (CSV field, or a JSON string) into column f->col.  null_empty:
 * an empty text is null (unquoted CSV). */
static int put_text(const field_ctx *f, const char *s, size_t n, bool null_empty, dccd_error *err)
{
    cli_textin *in = f->in;
    int c = f->col;
    tcol *t = &in->cols[c];
    size_t r = in->rows;
    char q[64];
    if (in->set[c])
        return row_err(f, err, "given twice");
    if (n == 0 && (null_empty || t->type != DCCD_PQ_BYTE_ARRAY)) {
        set_null(in, c);
        return DCCD_OK;
    }
    switch (t->type) {
    case DCCD_PQ_INT64: {
        int64_t v;
        if (!parse_i64(s, n, &v)) {
            if (c != 0) {
                quote_text(s, n, q, sizeof q);
                return row_err(f, err, "not an integer: %s", q);
            }
            /* TS: ISO-8601.  A NUL byte would end the copy handed to the
             * time parser and cut the field silently ("5\0junk" as 5). */
            if (memchr(s, 0, n))
                return row_err(f, err, "NUL byte in a time or number");
            dccd_error te;
            if (scratch_reserve(in, n + 1, err))
                return DCCD_ENOMEM;
            memcpy(in->scratch, s, n);
            in->scratch[n] = 0;
            if (dccd_time_parse(in->scratch, &v, &te) != DCCD_OK)
                return row_err(f, err, "%s", te.msg);
        }
        ((int64_t *)t->values)[r] = v;
        break;
    }
    case DCCD_PQ_DOUBLE: {
        double v = 0;
        switch (parse_f64(s, n, &v)) {
        case NUM_OK:
            break;
        case NUM_NOMEM:
            return set_err(err, DCCD_ENOMEM, "out of memory");
        case NUM_RANGE:
            quote_text(s, n, q, sizeof q);
            return row_err(f, err, "number out of range: %s", q);
        default:
            quote_text(s, n, q, sizeof q);
            return row_err(f, err, "not a number: %s", q);
        }
        ((double *)t->values)[r] = v;
        break;
    }
    case DCCD_PQ_BOOLEAN: {
        uint8_t v;
        if ((n == 1 && s[0] == '1') || (n == 4 && strncasecmp(s, "true", 4) == 0))
            v = 1;
        else if ((n == 1 && s[0] == '0') || (n == 5 && strncasecmp(s, "false", 5) == 0))
            v = 0;
        else {
            quote_text(s, n, q, sizeof q);
            return row_err(f, err, "not a boolean (true, false, 1 or 0): %s", q);
        }
        ((uint8_t *)t->values)[r] = v;
        break;
    }
    case DCCD_PQ_BYTE_ARRAY:
        if (str_append(t, s, n, err))
            return DCCD_ENOMEM;
        t->offsets[r + 1] = (int64_t)t->dlen;
        break;
    default:
        return set_err(err, DCCD_EINVAL, "unsupported column type");
    }
    t->validity[r] = 1;
    in->set[c] = true;
    return DCCD_OK;
}

/* The store's rules for one row (see src/store/table.c validation). */
static int check_row(cli_textin *in, dccd_error *err)
{
    size_t r = in->rows;
    field_ctx f = {in, 0, 0};
    for (int c = 0; c < in->ncols; c++) {
        tcol *t = &in->cols[c];
        f.col = c;
        f.field = in->fmt == CLI_FMT_CSV ? in->col_field[c] + 1 : 0;
        if (!t->validity[r] && !in->set[c] && col_defaulted(in->type, c)) {
            /* not given at all: true, the seed's OrderBookSnapshot default
             * (an explicit null or empty value is still refused) */
            ((uint8_t *)t->values)[r] = 1;
            t->validity[r] = 1;
            continue;
        }
        if (!t->validity[r]) {
            if (in->required[c])
                return row_err(&f, err, "%s", in->set[c] ? "a value is required" : "missing (a value is required)");
            continue;
        }
        if (c == 0) {
            int64_t v = ((int64_t *)t->values)[r];
            if (v < 0)
                return row_err(&f, err, "TS must be >= 0 nanoseconds since 1970-01-01T00:00:00Z, got %lld",
                               (long long)v);
            continue;
        }
        if (t->type == DCCD_PQ_DOUBLE) {
            double v = ((double *)t->values)[r];
            if (v != v || v - v != 0)
                return row_err(&f, err, "NaN or infinite value");
            if (in->nonneg[c] && v < 0)
                return row_err(&f, err, "a negative value is not allowed");
        } else if (t->type == DCCD_PQ_INT64) {
            if (((int64_t *)t->values)[r] < 0)
                return row_err(&f, err, "a negative count is not allowed");
        } else if (in->is_side[c]) {
            size_t n = (size_t)(t->offsets[r + 1] - t->offsets[r]);
            const char *s = n ? (const char *)t->data + t->offsets[r] : "";
            bool trades = in->type == DCCD_TRADES;
            const char *a = trades ? "buy" : "bid", *b = trades ? "sell" : "ask";
            if (!((n == 3 && memcmp(s, a, 3) == 0) || (n == strlen(b) && memcmp(s, b, n) == 0))) {
                char q[64];
                quote_text(s, n, q, sizeof q);
                return row_err(&f, err, "side must be \"%s\" or \"%s\", not %s", a, b, q);
            }
        }
    }
    return DCCD_OK;
}

static void row_begin(cli_textin *in)
{
    memset(in->set, 0, sizeof in->set);
}

/* After a successful parse: fill absent columns with nulls, check, commit. */
static int row_finish(cli_textin *in, dccd_error *err)
{
    for (int c = 0; c < in->ncols; c++)
        if (!in->set[c]) {
            set_null(in, c);
            in->set[c] = false; /* absent, for the message */
        }
    int rc = check_row(in, err);
    if (rc)
        return rc;
    in->rows++;
    return DCCD_OK;
}

/* Undo a partial row: string data back to the last committed row. */
static void row_abort(cli_textin *in)
{
    for (int c = 0; c < in->ncols; c++) {
        tcol *t = &in->cols[c];
        if (t->type == DCCD_PQ_BYTE_ARRAY && t->offsets)
            t->dlen = (size_t)t->offsets[in->rows];
    }
}

/* ---- CSV ---- */

/* Next field from *pos: sets *fs and *fn (unescaped into scratch when needed)
 * and *quoted; *pos moves past the separator; *last when the line ends. */
static int csv_field(cli_textin *in, const char *line, size_t len, size_t *pos, const char **fs, size_t *fn,
                     bool *quoted, bool *last, dccd_error *err)
{
    size_t i = *pos;
    if (i < len && line[i] == '"') {
        size_t start = ++i;
        bool escaped = false;
        for (;;) {
            const char *q = i < len ? memchr(line + i, '"', len - i) : NULL;
            if (!q)
                return set_err(err, DCCD_EINVAL, "%s:%lld: unterminated quoted field at character %zu", in->name,
                               (long long)in->lineno, start);
            i = (size_t)(q - line) + 1;
            if (i < len && line[i] == '"') {
                escaped = true;
                i++;
                continue;
            }
            break;
        }
        size_t end = i - 1; /* the closing quote */
        if (i < len && line[i] != ',')
            return set_err(err, DCCD_EINVAL, "%s:%lld: text after a closing quote at character %zu", in->name,
                           (long long)in->lineno, i + 1);
        if (escaped) {
            if (scratch_reserve(in, end - start + 1, err))
                return DCCD_ENOMEM;
            size_t o = 0;
            for (size_t k = start; k < end; k++) {
                in->scratch[o++] = line[k];
                if (line[k] == '"')
                    k++;
            }
            *fs = in->scratch;
            *fn = o;
        } else {
            *fs = line + start;
            *fn = end - start;
        }
        *quoted = true;
    } else {
        const char *comma = i < len ? memchr(line + i, ',', len - i) : NULL;
        size_t end = comma ? (size_t)(comma - line) : len;
        const char *dq = i < end ? memchr(line + i, '"', end - i) : NULL;
        if (dq)
            return set_err(err, DCCD_EINVAL, "%s:%lld: a quote inside an unquoted field at character %zu",
                           in->name, (long long)in->lineno, (size_t)(dq - line) + 1);
        *fs = line + i;
        *fn = end - i;
        *quoted = false;
        i = end;
    }
    if (i < len) { /* at a ',' */
        *pos = i + 1;
        *last = false;
    } else {
        *pos = len;
        *last = true;
    }
    return DCCD_OK;
}

static int csv_header(cli_textin *in, const char *line, size_t len, dccd_error *err)
{
    if (len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
        line += 3;
        len -= 3;
    }
    size_t pos = 0, nf = 0, capf = 0;
    int *map = NULL;
    bool last = false;
    int rc = DCCD_OK;
    while (!last) {
        const char *fs;
        size_t fn;
        bool quoted;
        if ((rc = csv_field(in, line, len, &pos, &fs, &fn, &quoted, &last, err)))
            goto fail;
        if (nf == capf) {
            size_t nc = capf ? capf * 2 : 16;
            if (nc > 4096) {
                rc = set_err(err, DCCD_EINVAL, "%s:%lld: header has too many fields", in->name,
                             (long long)in->lineno);
                goto fail;
            }
            int *m = realloc(map, nc * sizeof *m);
            if (!m) {
                rc = set_err(err, DCCD_ENOMEM, "out of memory");
                goto fail;
            }
            map = m;
            capf = nc;
        }
        int c = col_by_name(in->type, fs, fn);
        if (c == -1) {
            char q[64];
            quote_text(fs, fn, q, sizeof q);
            rc = set_err(err, DCCD_EINVAL, "%s:%lld: column %zu: unknown column %s for %s (expected: %s)", in->name,
                         (long long)in->lineno, nf + 1, q, dccd_data_type_name(in->type),
                         in->type == DCCD_OHLC     ? "TS,open,high,low,close,volume,quote_volume,trades"
                         : in->type == DCCD_TRADES ? "TS,price,amount,side,tid"
                                                   : "TS,side,price,amount,count,is_snapshot");
            goto fail;
        }
        if (c >= 0) {
            if (in->col_field[c] >= 0) {
                rc = set_err(err, DCCD_EINVAL, "%s:%lld: column %zu: column '%s' appears twice in the header",
                             in->name, (long long)in->lineno, nf + 1, dccd_schema_col_name(in->type, c));
                goto fail;
            }
            in->col_field[c] = (int)nf;
        }
        map[nf++] = c;
    }
    for (int c = 0; c < in->ncols; c++)
        if (in->col_field[c] < 0 && col_required(in->type, c) && !col_defaulted(in->type, c)) {
            rc = set_err(err, DCCD_EINVAL, "%s:%lld: the header has no column '%s' (required for %s)", in->name,
                         (long long)in->lineno, dccd_schema_col_name(in->type, c), dccd_data_type_name(in->type));
            goto fail;
        }
    in->field_col = map;
    in->nfields = (int)nf;
    in->have_header = true;
    return DCCD_OK;
fail:
    free(map);
    for (int c = 0; c < in->ncols; c++)
        in->col_field[c] = -1;
    return rc;
}

static int csv_row(cli_textin *in, const char *line, size_t len, dccd_error *err)
{
    size_t pos = 0;
    int k = 0;
    bool last = false;
    if (in->plain) { /* no quote (the caller knows): fields end at commas */
        for (;;) {
            const char *comma = pos < len ? memchr(line + pos, ',', len - pos) : NULL;
            size_t end = comma ? (size_t)(comma - line) : len;
            if (k >= in->nfields)
                return set_err(err, DCCD_EINVAL, "%s:%lld: column %d: more fields than the header's %d", in->name,
                               (long long)in->lineno, k + 1, in->nfields);
            int c = in->field_col[k];
            k++;
            if (c >= 0) {
                field_ctx f = {in, k, c};
                int rc = put_text(&f, line + pos, end - pos, true, err);
                if (rc)
                    return rc;
            }
            if (!comma)
                break;
            pos = end + 1;
        }
        last = true;
    }
    while (!last) {
        const char *fs;
        size_t fn;
        bool quoted;
        int rc = csv_field(in, line, len, &pos, &fs, &fn, &quoted, &last, err);
        if (rc)
            return rc;
        if (k >= in->nfields)
            return set_err(err, DCCD_EINVAL, "%s:%lld: column %d: more fields than the header's %d", in->name,
                           (long long)in->lineno, k + 1, in->nfields);
        int c = in->field_col[k];
        k++;
        if (c < 0)
            continue;
        field_ctx f = {in, k, c};
        if ((rc = put_text(&f, fs, fn, !quoted, err)))
            return rc;
    }
    if (k < in->nfields)
        return set_err(err, DCCD_EINVAL, "%s:%lld: column %d: line has %d fields, the header %d", in->name,
                       (long long)in->lineno, k + 1, k, in->nfields);
    return DCCD_OK;
}

/* ---- JSON lines ---- */

static int json_put(const field_ctx *f, json_t *v, dccd_error *err)
{
    cli_textin *in = f->in;
    tcol *t = &in->cols[f->col];
    size_t r = in->rows;
    char buf[32];
    if (in->set[f->col])
        return row_err(f, err, "given twice");
    switch (json_typeof(v)) {
    case JSON_NULL:
        set_null(in, f->col);
        return DCCD_OK;
    case JSON_STRING:
        return put_text(f, json_string_value(v), json_string_length(v), false, err);
    case JSON_INTEGER: {
        json_int_t iv = json_integer_value(v);
        if (t->type == DCCD_PQ_INT64)
            ((int64_t *)t->values)[r] = (int64_t)iv;
        else if (t->type == DCCD_PQ_DOUBLE)
            ((double *)t->values)[r] = (double)iv;
        else if (t->type == DCCD_PQ_BOOLEAN && (iv == 0 || iv == 1))
            ((uint8_t *)t->values)[r] = (uint8_t)iv;
        else if (t->type == DCCD_PQ_BYTE_ARRAY) {
            int n = snprintf(buf, sizeof buf, "%lld", (long long)iv);
            return put_text(f, buf, (size_t)n, false, err);
        } else
            return row_err(f, err, "integer %lld is not a boolean", (long long)iv);
        break;
    }
    case JSON_REAL: {
        double d = json_real_value(v);
        if (t->type == DCCD_PQ_DOUBLE)
            ((double *)t->values)[r] = d;
        else if (t->type == DCCD_PQ_INT64 && d > -9007199254740992.0 && d < 9007199254740992.0 &&
                 (double)(int64_t)d == d)
            ((int64_t *)t->values)[r] = (int64_t)d;
        else
            return row_err(f, err, "the number %.17g does not fit a %s column", d,
                           t->type == DCCD_PQ_INT64 ? "integer" : t->type == DCCD_PQ_BOOLEAN ? "boolean" : "string");
        break;
    }
    case JSON_TRUE:
    case JSON_FALSE:
        if (t->type != DCCD_PQ_BOOLEAN)
            return row_err(f, err, "a boolean is not allowed here");
        ((uint8_t *)t->values)[r] = json_is_true(v) ? 1 : 0;
        break;
    default:
        return row_err(f, err, "an %s is not allowed here", json_is_object(v) ? "object" : "array");
    }
    t->validity[r] = 1;
    in->set[f->col] = true;
    return DCCD_OK;
}

static int jsonl_row(cli_textin *in, const char *line, size_t len, dccd_error *err)
{
    json_error_t je;
    json_t *obj = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    if (!obj)
        return set_err(err, DCCD_EINVAL, "%s:%lld: column %d: invalid JSON: %s", in->name, (long long)in->lineno,
                       je.column, je.text);
    int rc = DCCD_OK;
    if (!json_is_object(obj)) {
        rc = set_err(err, DCCD_EINVAL, "%s:%lld: not a JSON object", in->name, (long long)in->lineno);
        goto out;
    }
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val)
    {
        int c = col_by_name(in->type, key, strlen(key));
        if (c == COL_IGNORED)
            continue;
        if (c < 0) {
            char q[64];
            quote_text(key, strlen(key), q, sizeof q);
            rc = set_err(err, DCCD_EINVAL, "%s:%lld: unknown column %s for %s", in->name, (long long)in->lineno, q,
                         dccd_data_type_name(in->type));
            goto out;
        }
        field_ctx f = {in, 0, c};
        if ((rc = json_put(&f, val, err)))
            goto out;
    }
out:
    json_decref(obj);
    return rc;
}

/* ---- lines ---- */

static int textin_record(cli_textin *in, const char *line, size_t len, dccd_error *err);

/* One record; a CSV record may span physical lines (newlines inside quoted
 * fields): messages name its first line, and the count goes on after its
 * last. */
int cli_textin_line(cli_textin *in, const char *line, size_t len, dccd_error *err)
{
    int rc = textin_record(in, line, len, err);
    if (in->fmt == CLI_FMT_CSV && len && !in->plain) /* (no quote: no newline inside) */
        for (const char *p = line, *e = line + len; (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
            in->lineno++;
    return rc;
}

static int textin_record(cli_textin *in, const char *line, size_t len, dccd_error *err)
{
    in->lineno++;
    if (len && line[len - 1] == '\r')
        len--;
    if (len == 0)
        return DCCD_OK;
    if (in->fmt == CLI_FMT_CSV && !in->have_header)
        return csv_header(in, line, len, err);
    in->lines++;
    if (in->rows == in->cap) {
        int rc = grow(in, err);
        if (rc)
            return rc;
    }
    row_begin(in);
    dccd_error local;
    dccd_error *e = err ? err : &local;
    int rc = in->fmt == CLI_FMT_CSV ? csv_row(in, line, len, e) : jsonl_row(in, line, len, e);
    if (!rc)
        rc = row_finish(in, e);
    if (!rc)
        return DCCD_OK;
    row_abort(in);
    if (rc == DCCD_EINVAL && in->skip_bad) {
        in->rejected++;
        snprintf(in->last_error, sizeof in->last_error, "%s", e->msg);
        e->code = DCCD_OK;
        e->msg[0] = 0;
        return DCCD_OK;
    }
    return rc;
}
