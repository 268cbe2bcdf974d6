/*
 * src/parquet/meta.c - Parquet metadata structs <-> Thrift compact protocol.
 *
 * This file owns the decoding and encoding of every struct declared in
 * meta.h, following the field ids of the official parquet.thrift:
 * FileMetaData, SchemaElement, LogicalType (with DecimalType, TimeType,
 * TimestampType, TimeUnit, IntType), KeyValue, RowGroup, SortingColumn,
 * ColumnChunk, ColumnMetaData, PageEncodingStats, Statistics, ColumnOrder,
 * PageHeader (DataPageHeader, DictionaryPageHeader, DataPageHeaderV2),
 * ColumnIndex, OffsetIndex (PageLocation) and BloomFilterHeader.
 *
 * Decoding rules:
 *   - every array and string is allocated from the caller's arena (strings
 *     NUL-terminated, binaries copied); no per-field malloc;
 *   - unknown fields are skipped, and so (as generated Thrift code does)
 *     is a known field arriving with another wire type; a missing required
 *     field, a list of the wrong element type, or a negative
 *     count/size/offset is DCCD_ECORRUPT naming the struct and field;
 *   - list element counts are checked against the remaining bytes (in
 *     thrift.c) and, for lists of structs, against the minimum encoded size
 *     of one element, so a hostile footer cannot claim more elements than
 *     it could possibly hold;
 *   - unknown LogicalType members decode as PQ_LT_OTHER (not an error), as
 *     do TIME/TIMESTAMP with an unknown TimeUnit; encrypted columns and
 *     files are flagged (has_crypto_metadata, has_encryption_algorithm) and
 *     their crypto structs skipped.
 *
 * Encoding writes exactly what decoding reads: field ids in increasing
 * order, required fields always, optional fields only when present.
 * PQ_LT_NONE / PQ_LT_OTHER logical types are omitted (there is nothing
 * faithful to write), and encrypted chunks/files are refused
 * (DCCD_EUNSUPPORTED) since their crypto metadata is not kept.
 */
#include <string.h>

#include "parquet/meta.h"

/* ======================================================================
 * decoding helpers
 * ====================================================================== */

typedef struct dctx {
    pq_tin in;
    dccd_arena *arena;
} dctx;

static size_t doff(const dctx *d)
{
    return (size_t)(d->in.p - d->in.start);
}

static const char *tname(int t)
{
    switch (t) {
    case PQ_TT_TRUE:
    case PQ_TT_FALSE: return "bool";
    case PQ_TT_BYTE: return "byte";
    case PQ_TT_I16: return "i16";
    case PQ_TT_I32: return "i32";
    case PQ_TT_I64: return "i64";
    case PQ_TT_DOUBLE: return "double";
    case PQ_TT_BINARY: return "binary";
    case PQ_TT_LIST: return "list";
    case PQ_TT_SET: return "set";
    case PQ_TT_MAP: return "map";
    case PQ_TT_STRUCT: return "struct";
    default: return "?";
    }
}

static int want(dctx *d, int type, int expect, const char *st, const char *f)
{
    if (type == expect || (expect == PQ_TT_TRUE && type == PQ_TT_FALSE))
        return DCCD_OK;
    return dccd_err_set(d->in.err, DCCD_ECORRUPT, "%s: %s.%s has wire type %s, expected %s (offset %zu)",
                        d->in.what, st, f, tname(type), tname(expect), doff(d));
}

static int missing(dctx *d, const char *st, const char *f)
{
    return dccd_err_set(d->in.err, DCCD_ECORRUPT, "%s: %s.%s is required but missing (struct ends at offset %zu)",
                        d->in.what, st, f, doff(d));
}

static int negative(dctx *d, const char *st, const char *f, int64_t v)
{
    return dccd_err_set(d->in.err, DCCD_ECORRUPT, "%s: %s.%s is negative (%lld) before offset %zu", d->in.what,
                        st, f, (long long)v, doff(d));
}

static int alloc_fail(dctx *d, size_t count, size_t size, const char *st, const char *f)
{
    size_t n = 0;
    bool over = !dccd_mul_ok(count, size, &n) ||
                (d->arena->limit && (n > d->arena->limit || d->arena->used_total > d->arena->limit - n));
    return dccd_err_set(d->in.err, over ? DCCD_ERANGE : DCCD_ENOMEM,
                        "%s: %s.%s: cannot allocate %zu x %zu bytes (%s)", d->in.what, st, f, count, size,
                        over ? "metadata exceeds the arena limit" : "out of memory");
}

static void *aalloc(dctx *d, size_t count, size_t size, const char *st, const char *f)
{
    if (count == 0)
        return NULL;
    void *p = dccd_arena_array(d->arena, count, size);
    if (!p)
        alloc_fail(d, count, size, st, f);
    return p;
}

/* after aalloc returned NULL: the code it reported (err may be NULL) */
static int alloc_rc(dctx *d)
{
    return d->in.err ? d->in.err->code : DCCD_ENOMEM;
}

static int rd_i32(dctx *d, int type, const char *st, const char *f, int32_t *out)
{
    int rc = want(d, type, PQ_TT_I32, st, f);
    return rc ? rc : pq_t_i32(&d->in, out);
}

static int rd_i32_nn(dctx *d, int type, const char *st, const char *f, int32_t *out)
{
    int rc = rd_i32(d, type, st, f, out);
    if (!rc && *out < 0)
        rc = negative(d, st, f, *out);
    return rc;
}

static int rd_i64(dctx *d, int type, const char *st, const char *f, int64_t *out)
{
    int rc = want(d, type, PQ_TT_I64, st, f);
    return rc ? rc : pq_t_i64(&d->in, out);
}

static int rd_i64_nn(dctx *d, int type, const char *st, const char *f, int64_t *out)
{
    int rc = rd_i64(d, type, st, f, out);
    if (!rc && *out < 0)
        rc = negative(d, st, f, *out);
    return rc;
}

static int rd_bool(dctx *d, int type, const char *st, const char *f, bool *out)
{
    if (pq_t_bool_field(type, out) != DCCD_OK)
        return want(d, type, PQ_TT_TRUE, st, f);
    return DCCD_OK;
}

static int rd_byte(dctx *d, int type, const char *st, const char *f, int8_t *out)
{
    int rc = want(d, type, PQ_TT_BYTE, st, f);
    return rc ? rc : pq_t_byte(&d->in, out);
}

static int rd_str(dctx *d, int type, const char *st, const char *f, const char **out, size_t *len)
{
    int rc = want(d, type, PQ_TT_BINARY, st, f);
    if (rc)
        return rc;
    const uint8_t *p;
    size_t n;
    if ((rc = pq_t_binary(&d->in, &p, &n)))
        return rc;
    char *s = dccd_arena_strndup(d->arena, (const char *)p, n);
    if (!s)
        return alloc_fail(d, n + 1, 1, st, f);
    *out = s;
    if (len)
        *len = n;
    return DCCD_OK;
}

static int rd_bin_value(dctx *d, const char *st, const char *f, pq_bytes *out)
{
    const uint8_t *p;
    size_t n;
    int rc = pq_t_binary(&d->in, &p, &n);
    if (rc)
        return rc;
    /* the arena never returns NULL for 0 bytes, so p marks presence */
    uint8_t *c = dccd_arena_memdup(d->arena, p, n);
    if (!c)
        return alloc_fail(d, n ? n : 1, 1, st, f);
    out->p = c;
    out->n = n;
    return DCCD_OK;
}

static int rd_bin(dctx *d, int type, const char *st, const char *f, pq_bytes *out)
{
    int rc = want(d, type, PQ_TT_BINARY, st, f);
    return rc ? rc : rd_bin_value(d, st, f, out);
}

/* List header with an expected element type; `minsz` is the least number
 * of bytes one element can take (for lists of structs with required
 * fields this is more than 1). */
static int rd_list(dctx *d, int type, int elem, size_t minsz, const char *st, const char *f, size_t *count)
{
    int rc = want(d, type, PQ_TT_LIST, st, f);
    if (rc)
        return rc;
    size_t at = doff(d);
    int et;
    if ((rc = pq_t_list(&d->in, &et, count)))
        return rc;
    if (*count && et != elem && !(elem == PQ_TT_TRUE && et == PQ_TT_FALSE))
        return dccd_err_set(d->in.err, DCCD_ECORRUPT, "%s: %s.%s list at offset %zu has elements of type %s, expected %s",
                            d->in.what, st, f, at, tname(et), tname(elem));
    size_t need;
    if (!dccd_mul_ok(*count, minsz, &need) || need > (size_t)(d->in.end - d->in.p))
        return dccd_err_set(d->in.err, DCCD_ECORRUPT,
                            "%s: %s.%s list at offset %zu claims %zu elements, more than the remaining %zu bytes can hold",
                            d->in.what, st, f, at, *count, (size_t)(d->in.end - d->in.p));
    return DCCD_OK;
}

/* Expected wire types of known fields, indexed by field id (0 = not a
 * known field).  As in generated Thrift code, a known field arriving with
 * another wire type is skipped as if unknown (one corpus file has a list
 * in ColumnMetaData field 15, from a pre-standard writer); a required
 * field skipped that way is then reported missing. */
enum { xB = PQ_TT_TRUE, xBY = PQ_TT_BYTE, xI16 = PQ_TT_I16, xI32 = PQ_TT_I32, xI64 = PQ_TT_I64,
       xBIN = PQ_TT_BINARY, xL = PQ_TT_LIST, xS = PQ_TT_STRUCT };

static bool type_ok(int type, int expect)
{
    return type == expect || (expect == PQ_TT_TRUE && type == PQ_TT_FALSE);
}

/* Field loop scaffolding: tbl is the struct's expected-type table. */
#define FIELDS_BEGIN(d, tbl)                                                                                     \
    int rc;                                                                                                      \
    int16_t last_id_ = 0;                                                                                        \
    int type;                                                                                                    \
    int16_t id;                                                                                                  \
    uint32_t seen = 0;                                                                                           \
    if ((rc = pq_t_struct_begin(&(d)->in)))                                                                      \
        return rc;                                                                                               \
    for (;;) {                                                                                                   \
        if ((rc = pq_t_field(&(d)->in, &last_id_, &type, &id)))                                                  \
            return rc;                                                                                           \
        if (type == PQ_TT_STOP)                                                                                  \
            break;                                                                                               \
        if (id > 0 && (size_t)id < sizeof(tbl) && (tbl)[id] && !type_ok(type, (tbl)[id])) {                     \
            if ((rc = pq_t_skip(&(d)->in, type)))                                                                \
                return rc;                                                                                       \
            continue;                                                                                            \
        }                                                                                                        \
        if (id > 0 && id < 32)                                                                                   \
            seen |= 1u << id;                                                                                    \
        switch (id) {

static const int8_t T_STATS[] = {0, xBIN, xBIN, xI64, xI64, xBIN, xBIN, xB, xB};
static const int8_t T_KV[] = {0, xBIN, xBIN};
static const int8_t T_UNION3[] = {0, xS, xS, xS};
static const int8_t T_TIME[] = {0, xB, xS};
static const int8_t T_DEC[] = {0, xI32, xI32};
static const int8_t T_INT[] = {0, xBY, xB};
static const int8_t T_LT[] = {0, xS, xS, xS, xS, xS, xS, xS, xS, xS, xS, xS, xS, xS, xS, xS, xS, xS, xS};
static const int8_t T_SCHEMA[] = {0, xI32, xI32, xI32, xBIN, xI32, xI32, xI32, xI32, xI32, xS};
static const int8_t T_PES[] = {0, xI32, xI32, xI32};
static const int8_t T_CMETA[] = {0, xI32, xL, xL, xI32, xI64, xI64, xI64, xL, xI64, xI64, xI64, xS, xL, xI64, xI32};
static const int8_t T_CHUNK[] = {0, xBIN, xI64, xS, xI64, xI32, xI64, xI32, xS, xBIN};
static const int8_t T_SORT[] = {0, xI32, xB, xB};
static const int8_t T_RG[] = {0, xL, xI64, xI64, xL, xI64, xI64, xI16};
static const int8_t T_UNION1[] = {0, xS};
static const int8_t T_FMD[] = {0, xI32, xL, xI64, xL, xL, xBIN, xL, xS};
static const int8_t T_DPH[] = {0, xI32, xI32, xI32, xI32, xS};
static const int8_t T_DICT[] = {0, xI32, xI32, xB};
static const int8_t T_DPH2[] = {0, xI32, xI32, xI32, xI32, xI32, xI32, xB, xS};
static const int8_t T_PH[] = {0, xI32, xI32, xI32, xI32, xS, xS, xS, xS};
static const int8_t T_CI[] = {0, xL, xL, xL, xI32, xL};
static const int8_t T_PLOC[] = {0, xI64, xI32, xI64};
static const int8_t T_OI[] = {0, xL};
static const int8_t T_BLOOM[] = {0, xI32, xS, xS, xS};

#define FIELDS_END(d)                                                                                            \
        default: rc = pq_t_skip(&(d)->in, type); break;                                                          \
        }                                                                                                        \
        if (rc)                                                                                                  \
            return rc;                                                                                           \
    }                                                                                                            \
    pq_t_struct_end(&(d)->in);

#define REQUIRE(d, fid, st, f)                                                                                   \
    do {                                                                                                         \
        if (!(seen & (1u << (fid))))                                                                             \
            return missing((d), (st), (f));                                                                      \
    } while (0)

/* ---- Statistics ---- */

static int dec_statistics(dctx *d, pq_statistics *s)
{
    static const char st[] = "Statistics";
    memset(s, 0, sizeof *s);
    FIELDS_BEGIN(d, T_STATS)
    case 1: rc = rd_bin(d, type, st, "max", &s->max); break;
    case 2: rc = rd_bin(d, type, st, "min", &s->min); break;
    case 3:
        rc = rd_i64_nn(d, type, st, "null_count", &s->null_count);
        s->has_null_count = true;
        break;
    case 4:
        rc = rd_i64_nn(d, type, st, "distinct_count", &s->distinct_count);
        s->has_distinct_count = true;
        break;
    case 5: rc = rd_bin(d, type, st, "max_value", &s->max_value); break;
    case 6: rc = rd_bin(d, type, st, "min_value", &s->min_value); break;
    case 7:
        rc = rd_bool(d, type, st, "is_max_value_exact", &s->is_max_value_exact);
        s->has_is_max_value_exact = true;
        break;
    case 8:
        rc = rd_bool(d, type, st, "is_min_value_exact", &s->is_min_value_exact);
        s->has_is_min_value_exact = true;
        break;
    FIELDS_END(d)
    (void)seen;
    return DCCD_OK;
}

/* ---- KeyValue ---- */

static int dec_key_value(dctx *d, pq_key_value *kv)
{
    static const char st[] = "KeyValue";
    memset(kv, 0, sizeof *kv);
    FIELDS_BEGIN(d, T_KV)
    case 1: rc = rd_str(d, type, st, "key", &kv->key, NULL); break;
    case 2: rc = rd_str(d, type, st, "value", &kv->value, &kv->value_len); break;
    FIELDS_END(d)
    REQUIRE(d, 1, st, "key");
    return DCCD_OK;
}

/* key (1 byte header + 1 byte length) + stop */
#define KV_MIN 3

static int dec_kv_list(dctx *d, int type, const char *st, pq_key_value **out, size_t *n)
{
    size_t cnt;
    int rc = rd_list(d, type, PQ_TT_STRUCT, KV_MIN, st, "key_value_metadata", &cnt);
    if (rc)
        return rc;
    pq_key_value *a = aalloc(d, cnt, sizeof *a, st, "key_value_metadata");
    if (cnt && !a)
        return alloc_rc(d);
    for (size_t i = 0; i < cnt; i++)
        if ((rc = dec_key_value(d, &a[i])))
            return rc;
    *out = a;
    *n = cnt;
    return DCCD_OK;
}

/* ---- LogicalType ---- */

static int dec_time_unit(dctx *d, int *unit)
{
    *unit = -1;
    FIELDS_BEGIN(d, T_UNION3)
    case 1:
    case 2:
    case 3:
        rc = want(d, type, PQ_TT_STRUCT, "TimeUnit", id == 1 ? "MILLIS" : id == 2 ? "MICROS" : "NANOS");
        if (!rc)
            rc = pq_t_skip(&d->in, type);
        *unit = id - 1;
        break;
    FIELDS_END(d)
    (void)seen;
    return DCCD_OK;
}

static int dec_time_like(dctx *d, const char *st, pq_logical_type *lt)
{
    FIELDS_BEGIN(d, T_TIME)
    case 1: rc = rd_bool(d, type, st, "isAdjustedToUTC", &lt->utc); break;
    case 2:
        rc = want(d, type, PQ_TT_STRUCT, st, "unit");
        if (!rc)
            rc = dec_time_unit(d, &lt->unit);
        break;
    FIELDS_END(d)
    REQUIRE(d, 1, st, "isAdjustedToUTC");
    REQUIRE(d, 2, st, "unit");
    if (lt->unit < 0) {
        lt->kind = PQ_LT_OTHER; /* a unit this code does not know */
        lt->unit = 0;
    }
    return DCCD_OK;
}

static int dec_decimal(dctx *d, pq_logical_type *lt)
{
    static const char st[] = "DecimalType";
    FIELDS_BEGIN(d, T_DEC)
    case 1: rc = rd_i32(d, type, st, "scale", &lt->scale); break;
    case 2: rc = rd_i32(d, type, st, "precision", &lt->precision); break;
    FIELDS_END(d)
    REQUIRE(d, 1, st, "scale");
    REQUIRE(d, 2, st, "precision");
    return DCCD_OK;
}

static int dec_int_type(dctx *d, pq_logical_type *lt)
{
    static const char st[] = "IntType";
    FIELDS_BEGIN(d, T_INT)
    case 1: rc = rd_byte(d, type, st, "bitWidth", &lt->bit_width); break;
    case 2: rc = rd_bool(d, type, st, "isSigned", &lt->is_signed); break;
    FIELDS_END(d)
    REQUIRE(d, 1, st, "bitWidth");
    REQUIRE(d, 2, st, "isSigned");
    return DCCD_OK;
}

static int dec_logical_type(dctx *d, pq_logical_type *lt, bool *present)
{
    static const char st[] = "LogicalType";
    memset(lt, 0, sizeof *lt);
    *present = false;
    FIELDS_BEGIN(d, T_LT)
    case PQ_LT_STRING:
    case PQ_LT_MAP:
    case PQ_LT_LIST:
    case PQ_LT_ENUM:
    case PQ_LT_DATE:
    case PQ_LT_UNKNOWN:
    case PQ_LT_JSON:
    case PQ_LT_BSON:
    case PQ_LT_UUID:
    case PQ_LT_FLOAT16:
    case PQ_LT_VARIANT:
    case PQ_LT_GEOMETRY:
    case PQ_LT_GEOGRAPHY:
        /* members without fields dccd uses: skip their content */
        memset(lt, 0, sizeof *lt);
        rc = want(d, type, PQ_TT_STRUCT, st, "member");
        if (!rc)
            rc = pq_t_skip(&d->in, type);
        lt->kind = id;
        *present = true;
        break;
    case PQ_LT_DECIMAL:
        memset(lt, 0, sizeof *lt);
        rc = want(d, type, PQ_TT_STRUCT, st, "DECIMAL");
        lt->kind = PQ_LT_DECIMAL;
        if (!rc)
            rc = dec_decimal(d, lt);
        *present = true;
        break;
    case PQ_LT_TIME:
    case PQ_LT_TIMESTAMP:
        memset(lt, 0, sizeof *lt);
        rc = want(d, type, PQ_TT_STRUCT, st, id == PQ_LT_TIME ? "TIME" : "TIMESTAMP");
        lt->kind = id;
        if (!rc)
            rc = dec_time_like(d, id == PQ_LT_TIME ? "TimeType" : "TimestampType", lt);
        *present = true;
        break;
    case PQ_LT_INTEGER:
        memset(lt, 0, sizeof *lt);
        rc = want(d, type, PQ_TT_STRUCT, st, "INTEGER");
        lt->kind = PQ_LT_INTEGER;
        if (!rc)
            rc = dec_int_type(d, lt);
        *present = true;
        break;
    default:
        /* a member this code does not know (or INTERVAL's reserved id 9) */
        memset(lt, 0, sizeof *lt);
        rc = pq_t_skip(&d->in, type);
        lt->kind = PQ_LT_OTHER;
        *present = true;
        break;
    }
    if (rc)
        return rc;
    }
    pq_t_struct_end(&d->in);
    (void)seen;
    return DCCD_OK;
}

/* ---- SchemaElement ---- */

/* name (header + length) + stop */
#define SCHEMA_MIN 3

static int dec_schema_element(dctx *d, pq_schema_element *e)
{
    static const char st[] = "SchemaElement";
    memset(e, 0, sizeof *e);
    FIELDS_BEGIN(d, T_SCHEMA)
    case 1:
        rc = rd_i32(d, type, st, "type", &e->type);
        e->has_type = true;
        break;
    case 2: rc = rd_i32(d, type, st, "type_length", &e->type_length); break;
    case 3:
        rc = rd_i32(d, type, st, "repetition_type", &e->repetition);
        e->has_repetition = true;
        break;
    case 4: rc = rd_str(d, type, st, "name", &e->name, NULL); break;
    case 5: rc = rd_i32_nn(d, type, st, "num_children", &e->num_children); break;
    case 6:
        rc = rd_i32(d, type, st, "converted_type", &e->converted_type);
        e->has_converted_type = true;
        break;
    case 7:
        rc = rd_i32(d, type, st, "scale", &e->scale);
        e->has_scale = true;
        break;
    case 8:
        rc = rd_i32(d, type, st, "precision", &e->precision);
        e->has_precision = true;
        break;
    case 9:
        rc = rd_i32(d, type, st, "field_id", &e->field_id);
        e->has_field_id = true;
        break;
    case 10:
        rc = want(d, type, PQ_TT_STRUCT, st, "logicalType");
        if (!rc)
            rc = dec_logical_type(d, &e->logical_type, &e->has_logical_type);
        break;
    FIELDS_END(d)
    REQUIRE(d, 4, st, "name");
    return DCCD_OK;
}

/* ---- ColumnMetaData ---- */

static int dec_encoding_stats(dctx *d, pq_page_encoding_stats *s)
{
    static const char st[] = "PageEncodingStats";
    memset(s, 0, sizeof *s);
    FIELDS_BEGIN(d, T_PES)
    case 1: rc = rd_i32(d, type, st, "page_type", &s->page_type); break;
    case 2: rc = rd_i32(d, type, st, "encoding", &s->encoding); break;
    case 3: rc = rd_i32_nn(d, type, st, "count", &s->count); break;
    FIELDS_END(d)
    REQUIRE(d, 1, st, "page_type");
    REQUIRE(d, 2, st, "encoding");
    REQUIRE(d, 3, st, "count");
    return DCCD_OK;
}

static int dec_column_meta(dctx *d, pq_column_meta *m)
{
    static const char st[] = "ColumnMetaData";
    memset(m, 0, sizeof *m);
    size_t n;
    FIELDS_BEGIN(d, T_CMETA)
    case 1: rc = rd_i32(d, type, st, "type", &m->type); break;
    case 2:
        if ((rc = rd_list(d, type, PQ_TT_I32, 1, st, "encodings", &n)))
            break;
        m->encodings = aalloc(d, n, sizeof *m->encodings, st, "encodings");
        if (n && !m->encodings) {
            rc = alloc_rc(d);
            break;
        }
        m->n_encodings = n;
        for (size_t i = 0; i < n && !rc; i++)
            rc = pq_t_i32(&d->in, &m->encodings[i]);
        break;
    case 3:
        if ((rc = rd_list(d, type, PQ_TT_BINARY, 1, st, "path_in_schema", &n)))
            break;
        m->path_in_schema = aalloc(d, n, sizeof *m->path_in_schema, st, "path_in_schema");
        if (n && !m->path_in_schema) {
            rc = alloc_rc(d);
            break;
        }
        m->n_path = n;
        for (size_t i = 0; i < n && !rc; i++)
            rc = rd_str(d, PQ_TT_BINARY, st, "path_in_schema", &m->path_in_schema[i], NULL);
        break;
    case 4: rc = rd_i32(d, type, st, "codec", &m->codec); break;
    case 5: rc = rd_i64_nn(d, type, st, "num_values", &m->num_values); break;
    case 6: rc = rd_i64_nn(d, type, st, "total_uncompressed_size", &m->total_uncompressed_size); break;
    case 7: rc = rd_i64_nn(d, type, st, "total_compressed_size", &m->total_compressed_size); break;
    case 8: rc = dec_kv_list(d, type, st, &m->kv, &m->n_kv); break;
    case 9: rc = rd_i64_nn(d, type, st, "data_page_offset", &m->data_page_offset); break;
    case 10:
        rc = rd_i64_nn(d, type, st, "index_page_offset", &m->index_page_offset);
        m->has_index_page_offset = true;
        break;
    case 11:
        rc = rd_i64_nn(d, type, st, "dictionary_page_offset", &m->dictionary_page_offset);
        m->has_dictionary_page_offset = true;
        break;
    case 12:
        rc = want(d, type, PQ_TT_STRUCT, st, "statistics");
        if (!rc)
            rc = dec_statistics(d, &m->statistics);
        m->has_statistics = true;
        break;
    case 13:
        /* 3 required i32 fields: >= 2 bytes each, + stop */
        if ((rc = rd_list(d, type, PQ_TT_STRUCT, 7, st, "encoding_stats", &n)))
            break;
        m->encoding_stats = aalloc(d, n, sizeof *m->encoding_stats, st, "encoding_stats");
        if (n && !m->encoding_stats) {
            rc = alloc_rc(d);
            break;
        }
        m->n_encoding_stats = n;
        for (size_t i = 0; i < n && !rc; i++)
            rc = dec_encoding_stats(d, &m->encoding_stats[i]);
        break;
    case 14:
        rc = rd_i64_nn(d, type, st, "bloom_filter_offset", &m->bloom_filter_offset);
        m->has_bloom_filter_offset = true;
        break;
    case 15:
        rc = rd_i32_nn(d, type, st, "bloom_filter_length", &m->bloom_filter_length);
        m->has_bloom_filter_length = true;
        break;
    FIELDS_END(d)
    REQUIRE(d, 1, st, "type");
    REQUIRE(d, 2, st, "encodings");
    REQUIRE(d, 3, st, "path_in_schema");
    REQUIRE(d, 4, st, "codec");
    REQUIRE(d, 5, st, "num_values");
    REQUIRE(d, 6, st, "total_uncompressed_size");
    REQUIRE(d, 7, st, "total_compressed_size");
    REQUIRE(d, 9, st, "data_page_offset");
    return DCCD_OK;
}

/* ---- ColumnChunk / RowGroup ---- */

/* file_offset (header + varint) + stop */
#define CHUNK_MIN 3

static int dec_column_chunk(dctx *d, pq_column_chunk *c)
{
    static const char st[] = "ColumnChunk";
    memset(c, 0, sizeof *c);
    bool has_oi_off = false, has_oi_len = false, has_ci_off = false, has_ci_len = false;
    FIELDS_BEGIN(d, T_CHUNK)
    case 1: rc = rd_str(d, type, st, "file_path", &c->file_path, NULL); break;
    case 2: rc = rd_i64_nn(d, type, st, "file_offset", &c->file_offset); break;
    case 3:
        rc = want(d, type, PQ_TT_STRUCT, st, "meta_data");
        if (!rc)
            rc = dec_column_meta(d, &c->meta_data);
        c->has_meta_data = true;
        break;
    case 4:
        rc = rd_i64_nn(d, type, st, "offset_index_offset", &c->offset_index_offset);
        has_oi_off = true;
        break;
    case 5:
        rc = rd_i32_nn(d, type, st, "offset_index_length", &c->offset_index_length);
        has_oi_len = true;
        break;
    case 6:
        rc = rd_i64_nn(d, type, st, "column_index_offset", &c->column_index_offset);
        has_ci_off = true;
        break;
    case 7:
        rc = rd_i32_nn(d, type, st, "column_index_length", &c->column_index_length);
        has_ci_len = true;
        break;
    case 8:
    case 9:
        /* crypto_metadata / encrypted_column_metadata: flagged, not kept */
        c->has_crypto_metadata = true;
        rc = pq_t_skip(&d->in, type);
        break;
    FIELDS_END(d)
    REQUIRE(d, 2, st, "file_offset");
    /* an index is only usable with both its offset and its length */
    c->has_offset_index = has_oi_off && has_oi_len;
    c->has_column_index = has_ci_off && has_ci_len;
    if (!c->has_offset_index)
        c->offset_index_offset = 0, c->offset_index_length = 0;
    if (!c->has_column_index)
        c->column_index_offset = 0, c->column_index_length = 0;
    return DCCD_OK;
}

static int dec_sorting_column(dctx *d, pq_sorting_column *s)
{
    static const char st[] = "SortingColumn";
    memset(s, 0, sizeof *s);
    FIELDS_BEGIN(d, T_SORT)
    case 1: rc = rd_i32_nn(d, type, st, "column_idx", &s->column_idx); break;
    case 2: rc = rd_bool(d, type, st, "descending", &s->descending); break;
    case 3: rc = rd_bool(d, type, st, "nulls_first", &s->nulls_first); break;
    FIELDS_END(d)
    REQUIRE(d, 1, st, "column_idx");
    REQUIRE(d, 2, st, "descending");
    REQUIRE(d, 3, st, "nulls_first");
    return DCCD_OK;
}

/* columns (2) + total_byte_size (2) + num_rows (2) + stop */
#define ROW_GROUP_MIN 7

static int dec_row_group(dctx *d, pq_row_group *g)
{
    static const char st[] = "RowGroup";
    memset(g, 0, sizeof *g);
    size_t n;
    FIELDS_BEGIN(d, T_RG)
    case 1:
        if ((rc = rd_list(d, type, PQ_TT_STRUCT, CHUNK_MIN, st, "columns", &n)))
            break;
        g->columns = aalloc(d, n, sizeof *g->columns, st, "columns");
        if (n && !g->columns) {
            rc = alloc_rc(d);
            break;
        }
        g->n_columns = n;
        for (size_t i = 0; i < n && !rc; i++)
            rc = dec_column_chunk(d, &g->columns[i]);
        break;
    case 2: rc = rd_i64_nn(d, type, st, "total_byte_size", &g->total_byte_size); break;
    case 3: rc = rd_i64_nn(d, type, st, "num_rows", &g->num_rows); break;
    case 4:
        /* 1 i32 + 2 bools + stop */
        if ((rc = rd_list(d, type, PQ_TT_STRUCT, 5, st, "sorting_columns", &n)))
            break;
        g->sorting_columns = aalloc(d, n, sizeof *g->sorting_columns, st, "sorting_columns");
        if (n && !g->sorting_columns) {
            rc = alloc_rc(d);
            break;
        }
        g->n_sorting_columns = n;
        for (size_t i = 0; i < n && !rc; i++)
            rc = dec_sorting_column(d, &g->sorting_columns[i]);
        break;
    case 5:
        rc = rd_i64_nn(d, type, st, "file_offset", &g->file_offset);
        g->has_file_offset = true;
        break;
    case 6:
        rc = rd_i64_nn(d, type, st, "total_compressed_size", &g->total_compressed_size);
        g->has_total_compressed_size = true;
        break;
    case 7: {
        int32_t v = 0;
        rc = want(d, type, PQ_TT_I16, st, "ordinal");
        if (!rc)
            rc = pq_t_i32(&d->in, &v);
        if (!rc && (v < INT16_MIN || v > INT16_MAX))
            rc = dccd_err_set(d->in.err, DCCD_ECORRUPT, "%s: RowGroup.ordinal %ld out of i16 range before offset %zu",
                              d->in.what, (long)v, doff(d));
        g->ordinal = (int16_t)v;
        g->has_ordinal = true;
        break;
    }
    FIELDS_END(d)
    REQUIRE(d, 1, st, "columns");
    REQUIRE(d, 2, st, "total_byte_size");
    REQUIRE(d, 3, st, "num_rows");
    return DCCD_OK;
}

/* ---- FileMetaData ---- */

static int dec_column_order(dctx *d, bool *type_defined)
{
    *type_defined = false;
    FIELDS_BEGIN(d, T_UNION1)
    case 1:
        rc = want(d, type, PQ_TT_STRUCT, "ColumnOrder", "TYPE_ORDER");
        if (!rc)
            rc = pq_t_skip(&d->in, type);
        *type_defined = true;
        break;
    FIELDS_END(d)
    (void)seen;
    return DCCD_OK;
}

static int dec_file_meta(dctx *d, pq_file_meta *m)
{
    static const char st[] = "FileMetaData";
    memset(m, 0, sizeof *m);
    size_t n;
    FIELDS_BEGIN(d, T_FMD)
    case 1: rc = rd_i32(d, type, st, "version", &m->version); break;
    case 2:
        if ((rc = rd_list(d, type, PQ_TT_STRUCT, SCHEMA_MIN, st, "schema", &n)))
            break;
        m->schema = aalloc(d, n, sizeof *m->schema, st, "schema");
        if (n && !m->schema) {
            rc = alloc_rc(d);
            break;
        }
        m->n_schema = n;
        for (size_t i = 0; i < n && !rc; i++)
            rc = dec_schema_element(d, &m->schema[i]);
        break;
    case 3: rc = rd_i64_nn(d, type, st, "num_rows", &m->num_rows); break;
    case 4:
        if ((rc = rd_list(d, type, PQ_TT_STRUCT, ROW_GROUP_MIN, st, "row_groups", &n)))
            break;
        m->row_groups = aalloc(d, n, sizeof *m->row_groups, st, "row_groups");
        if (n && !m->row_groups) {
            rc = alloc_rc(d);
            break;
        }
        m->n_row_groups = n;
        for (size_t i = 0; i < n && !rc; i++)
            rc = dec_row_group(d, &m->row_groups[i]);
        break;
    case 5: rc = dec_kv_list(d, type, st, &m->kv, &m->n_kv); break;
    case 6: rc = rd_str(d, type, st, "created_by", &m->created_by, NULL); break;
    case 7:
        if ((rc = rd_list(d, type, PQ_TT_STRUCT, 1, st, "column_orders", &n)))
            break;
        m->type_defined_order = aalloc(d, n, sizeof *m->type_defined_order, st, "column_orders");
        if (n && !m->type_defined_order) {
            rc = alloc_rc(d);
            break;
        }
        m->n_column_orders = n;
        for (size_t i = 0; i < n && !rc; i++)
            rc = dec_column_order(d, &m->type_defined_order[i]);
        break;
    case 8:
        m->has_encryption_algorithm = true;
        rc = pq_t_skip(&d->in, type);
        break;
    FIELDS_END(d)
    REQUIRE(d, 1, st, "version");
    REQUIRE(d, 2, st, "schema");
    REQUIRE(d, 3, st, "num_rows");
    REQUIRE(d, 4, st, "row_groups");
    return DCCD_OK;
}

/* ---- PageHeader ---- */

static int dec_data_page_header(dctx *d, pq_data_page_header *h)
{
    static const char st[] = "DataPageHeader";
    memset(h, 0, sizeof *h);
    FIELDS_BEGIN(d, T_DPH)
    case 1: rc = rd_i32_nn(d, type, st, "num_values", &h->num_values); break;
    case 2: rc = rd_i32(d, type, st, "encoding", &h->encoding); break;
    case 3: rc = rd_i32(d, type, st, "definition_level_encoding", &h->definition_level_encoding); break;
    case 4: rc = rd_i32(d, type, st, "repetition_level_encoding", &h->repetition_level_encoding); break;
    case 5:
        rc = want(d, type, PQ_TT_STRUCT, st, "statistics");
        if (!rc)
            rc = dec_statistics(d, &h->statistics);
        h->has_statistics = true;
        break;
    FIELDS_END(d)
    REQUIRE(d, 1, st, "num_values");
    REQUIRE(d, 2, st, "encoding");
    REQUIRE(d, 3, st, "definition_level_encoding");
    REQUIRE(d, 4, st, "repetition_level_encoding");
    return DCCD_OK;
}

static int dec_dict_page_header(dctx *d, pq_dictionary_page_header *h)
{
    static const char st[] = "DictionaryPageHeader";
    memset(h, 0, sizeof *h);
    FIELDS_BEGIN(d, T_DICT)
    case 1: rc = rd_i32_nn(d, type, st, "num_values", &h->num_values); break;
    case 2: rc = rd_i32(d, type, st, "encoding", &h->encoding); break;
    case 3:
        rc = rd_bool(d, type, st, "is_sorted", &h->is_sorted);
        h->has_is_sorted = true;
        break;
    FIELDS_END(d)
    REQUIRE(d, 1, st, "num_values");
    REQUIRE(d, 2, st, "encoding");
    return DCCD_OK;
}

static int dec_data_page_header_v2(dctx *d, pq_data_page_header_v2 *h)
{
    static const char st[] = "DataPageHeaderV2";
    memset(h, 0, sizeof *h);
    h->is_compressed = true;
    FIELDS_BEGIN(d, T_DPH2)
    case 1: rc = rd_i32_nn(d, type, st, "num_values", &h->num_values); break;
    case 2: rc = rd_i32_nn(d, type, st, "num_nulls", &h->num_nulls); break;
    case 3: rc = rd_i32_nn(d, type, st, "num_rows", &h->num_rows); break;
    case 4: rc = rd_i32(d, type, st, "encoding", &h->encoding); break;
    case 5: rc = rd_i32_nn(d, type, st, "definition_levels_byte_length", &h->definition_levels_byte_length); break;
    case 6: rc = rd_i32_nn(d, type, st, "repetition_levels_byte_length", &h->repetition_levels_byte_length); break;
    case 7: rc = rd_bool(d, type, st, "is_compressed", &h->is_compressed); break;
    case 8:
        rc = want(d, type, PQ_TT_STRUCT, st, "statistics");
        if (!rc)
            rc = dec_statistics(d, &h->statistics);
        h->has_statistics = true;
        break;
    FIELDS_END(d)
    REQUIRE(d, 1, st, "num_values");
    REQUIRE(d, 2, st, "num_nulls");
    REQUIRE(d, 3, st, "num_rows");
    REQUIRE(d, 4, st, "encoding");
    REQUIRE(d, 5, st, "definition_levels_byte_length");
    REQUIRE(d, 6, st, "repetition_levels_byte_length");
    return DCCD_OK;
}

static int dec_page_header(dctx *d, pq_page_header *h)
{
    static const char st[] = "PageHeader";
    memset(h, 0, sizeof *h);
    FIELDS_BEGIN(d, T_PH)
    case 1: rc = rd_i32(d, type, st, "type", &h->type); break;
    case 2: rc = rd_i32_nn(d, type, st, "uncompressed_page_size", &h->uncompressed_page_size); break;
    case 3: rc = rd_i32_nn(d, type, st, "compressed_page_size", &h->compressed_page_size); break;
    case 4:
        rc = rd_i32(d, type, st, "crc", &h->crc);
        h->has_crc = true;
        break;
    case 5:
        rc = want(d, type, PQ_TT_STRUCT, st, "data_page_header");
        if (!rc)
            rc = dec_data_page_header(d, &h->data_page_header);
        h->has_data_page_header = true;
        break;
    case 7:
        rc = want(d, type, PQ_TT_STRUCT, st, "dictionary_page_header");
        if (!rc)
            rc = dec_dict_page_header(d, &h->dictionary_page_header);
        h->has_dictionary_page_header = true;
        break;
    case 8:
        rc = want(d, type, PQ_TT_STRUCT, st, "data_page_header_v2");
        if (!rc)
            rc = dec_data_page_header_v2(d, &h->data_page_header_v2);
        h->has_data_page_header_v2 = true;
        break;
    FIELDS_END(d)
    REQUIRE(d, 1, st, "type");
    REQUIRE(d, 2, st, "uncompressed_page_size");
    REQUIRE(d, 3, st, "compressed_page_size");
    return DCCD_OK;
}

/* ---- ColumnIndex / OffsetIndex ---- */

static int dec_column_index(dctx *d, pq_column_index *ci)
{
    static const char st[] = "ColumnIndex";
    memset(ci, 0, sizeof *ci);
    size_t n, n_null = 0, n_min = 0, n_max = 0, n_nc = 0;
    FIELDS_BEGIN(d, T_CI)
    case 1:
        if ((rc = rd_list(d, type, PQ_TT_TRUE, 1, st, "null_pages", &n)))
            break;
        ci->null_pages = aalloc(d, n, sizeof *ci->null_pages, st, "null_pages");
        if (n && !ci->null_pages) {
            rc = alloc_rc(d);
            break;
        }
        n_null = n;
        for (size_t i = 0; i < n && !rc; i++) {
            int8_t b = 0;
            if ((rc = pq_t_byte(&d->in, &b)))
                break;
            if (b == PQ_TT_TRUE)
                ci->null_pages[i] = true;
            else if (b == PQ_TT_FALSE || b == 0)
                ci->null_pages[i] = false;
            else
                rc = dccd_err_set(d->in.err, DCCD_ECORRUPT, "%s: ColumnIndex.null_pages[%zu] is not a bool (%d) before offset %zu",
                                  d->in.what, i, b, doff(d));
        }
        break;
    case 2:
    case 3: {
        const char *f = id == 2 ? "min_values" : "max_values";
        if ((rc = rd_list(d, type, PQ_TT_BINARY, 1, st, f, &n)))
            break;
        pq_bytes *v = aalloc(d, n, sizeof *v, st, f);
        if (n && !v) {
            rc = alloc_rc(d);
            break;
        }
        for (size_t i = 0; i < n && !rc; i++)
            rc = rd_bin_value(d, st, f, &v[i]);
        if (id == 2)
            ci->min_values = v, n_min = n;
        else
            ci->max_values = v, n_max = n;
        break;
    }
    case 4: rc = rd_i32(d, type, st, "boundary_order", &ci->boundary_order); break;
    case 5:
        if ((rc = rd_list(d, type, PQ_TT_I64, 1, st, "null_counts", &n)))
            break;
        ci->null_counts = aalloc(d, n, sizeof *ci->null_counts, st, "null_counts");
        if (n && !ci->null_counts) {
            rc = alloc_rc(d);
            break;
        }
        n_nc = n;
        for (size_t i = 0; i < n && !rc; i++) {
            if (!(rc = pq_t_i64(&d->in, &ci->null_counts[i])) && ci->null_counts[i] < 0)
                rc = negative(d, st, "null_counts[]", ci->null_counts[i]);
        }
        break;
    FIELDS_END(d)
    REQUIRE(d, 1, st, "null_pages");
    REQUIRE(d, 2, st, "min_values");
    REQUIRE(d, 3, st, "max_values");
    REQUIRE(d, 4, st, "boundary_order");
    if (n_min != n_null || n_max != n_null || ((seen & (1u << 5)) && n_nc != n_null))
        return dccd_err_set(d->in.err, DCCD_ECORRUPT,
                            "%s: ColumnIndex lists disagree: %zu null_pages, %zu min_values, %zu max_values, %zu null_counts",
                            d->in.what, n_null, n_min, n_max, n_nc);
    ci->n_pages = n_null;
    if (!(seen & (1u << 5)))
        ci->null_counts = NULL;
    return DCCD_OK;
}

static int dec_page_location(dctx *d, pq_page_location *l)
{
    static const char st[] = "PageLocation";
    memset(l, 0, sizeof *l);
    FIELDS_BEGIN(d, T_PLOC)
    case 1: rc = rd_i64_nn(d, type, st, "offset", &l->offset); break;
    case 2: rc = rd_i32_nn(d, type, st, "compressed_page_size", &l->compressed_page_size); break;
    case 3: rc = rd_i64_nn(d, type, st, "first_row_index", &l->first_row_index); break;
    FIELDS_END(d)
    REQUIRE(d, 1, st, "offset");
    REQUIRE(d, 2, st, "compressed_page_size");
    REQUIRE(d, 3, st, "first_row_index");
    return DCCD_OK;
}

static int dec_offset_index(dctx *d, pq_offset_index *oi)
{
    static const char st[] = "OffsetIndex";
    memset(oi, 0, sizeof *oi);
    size_t n;
    FIELDS_BEGIN(d, T_OI)
    case 1:
        /* three required fields of >= 2 bytes + stop */
        if ((rc = rd_list(d, type, PQ_TT_STRUCT, 7, st, "page_locations", &n)))
            break;
        oi->pages = aalloc(d, n, sizeof *oi->pages, st, "page_locations");
        if (n && !oi->pages) {
            rc = alloc_rc(d);
            break;
        }
        oi->n_pages = n;
        for (size_t i = 0; i < n && !rc; i++)
            rc = dec_page_location(d, &oi->pages[i]);
        break;
    FIELDS_END(d)
    REQUIRE(d, 1, st, "page_locations");
    return DCCD_OK;
}

/* ---- BloomFilterHeader ---- */

/* A union whose member 1 (an empty struct) is the one dccd knows. */
static int dec_union_first(dctx *d, const char *st, bool *first)
{
    *first = false;
    FIELDS_BEGIN(d, T_UNION1)
    case 1:
        rc = want(d, type, PQ_TT_STRUCT, st, "member 1");
        if (!rc)
            rc = pq_t_skip(&d->in, type);
        *first = true;
        break;
    FIELDS_END(d)
    (void)seen;
    return DCCD_OK;
}

static int dec_bloom_header(dctx *d, pq_bloom_header *h)
{
    static const char st[] = "BloomFilterHeader";
    memset(h, 0, sizeof *h);
    FIELDS_BEGIN(d, T_BLOOM)
    case 1: rc = rd_i32_nn(d, type, st, "numBytes", &h->num_bytes); break;
    case 2:
        rc = want(d, type, PQ_TT_STRUCT, st, "algorithm");
        if (!rc)
            rc = dec_union_first(d, "BloomFilterAlgorithm", &h->algorithm_block);
        break;
    case 3:
        rc = want(d, type, PQ_TT_STRUCT, st, "hash");
        if (!rc)
            rc = dec_union_first(d, "BloomFilterHash", &h->hash_xxhash);
        break;
    case 4:
        rc = want(d, type, PQ_TT_STRUCT, st, "compression");
        if (!rc)
            rc = dec_union_first(d, "BloomFilterCompression", &h->compression_none);
        break;
    FIELDS_END(d)
    REQUIRE(d, 1, st, "numBytes");
    REQUIRE(d, 2, st, "algorithm");
    REQUIRE(d, 3, st, "hash");
    REQUIRE(d, 4, st, "compression");
    return DCCD_OK;
}

/* ---- public decoders ---- */

static int dec_args(const uint8_t *buf, size_t len, const void *out, const char *what, dccd_error *err)
{
    if ((!buf && len) || !out)
        return dccd_err_set(err, DCCD_EINVAL, "%s: NULL buffer or output", what);
    return DCCD_OK;
}

int pq_decode_file_meta(const uint8_t *buf, size_t len, dccd_arena *arena, pq_file_meta *out, dccd_error *err)
{
    int rc = dec_args(buf, len, out, "footer", err);
    if (rc || !arena)
        return rc ? rc : dccd_err_set(err, DCCD_EINVAL, "footer: NULL arena");
    dctx d = {.arena = arena};
    pq_tin_init(&d.in, buf, len, "footer", err);
    return dec_file_meta(&d, out);
}

int pq_decode_page_header(const uint8_t *buf, size_t len, dccd_arena *arena, pq_page_header *out, size_t *consumed,
                          dccd_error *err)
{
    int rc = dec_args(buf, len, out, "page header", err);
    if (rc || !arena)
        return rc ? rc : dccd_err_set(err, DCCD_EINVAL, "page header: NULL arena");
    dctx d = {.arena = arena};
    pq_tin_init(&d.in, buf, len, "page header", err);
    if ((rc = dec_page_header(&d, out)))
        return rc;
    if (consumed)
        *consumed = doff(&d);
    return DCCD_OK;
}

int pq_decode_column_index(const uint8_t *buf, size_t len, dccd_arena *arena, pq_column_index *out, dccd_error *err)
{
    int rc = dec_args(buf, len, out, "column index", err);
    if (rc || !arena)
        return rc ? rc : dccd_err_set(err, DCCD_EINVAL, "column index: NULL arena");
    dctx d = {.arena = arena};
    pq_tin_init(&d.in, buf, len, "column index", err);
    return dec_column_index(&d, out);
}

int pq_decode_offset_index(const uint8_t *buf, size_t len, dccd_arena *arena, pq_offset_index *out, dccd_error *err)
{
    int rc = dec_args(buf, len, out, "offset index", err);
    if (rc || !arena)
        return rc ? rc : dccd_err_set(err, DCCD_EINVAL, "offset index: NULL arena");
    dctx d = {.arena = arena};
    pq_tin_init(&d.in, buf, len, "offset index", err);
    return dec_offset_index(&d, out);
}

int pq_decode_bloom_header(const uint8_t *buf, size_t len, pq_bloom_header *out, size_t *consumed, dccd_error *err)
{
    int rc = dec_args(buf, len, out, "bloom filter header", err);
    if (rc)
        return rc;
    dctx d = {.arena = NULL}; /* the bloom header allocates nothing */
    pq_tin_init(&d.in, buf, len, "bloom filter header", err);
    if ((rc = dec_bloom_header(&d, out)))
        return rc;
    if (consumed)
        *consumed = doff(&d);
    return DCCD_OK;
}

int pq_decode_column_meta(const uint8_t *buf, size_t len, dccd_arena *arena, pq_column_meta *out, dccd_error *err)
{
    int rc = dec_args(buf, len, out, "column metadata", err);
    if (rc || !arena)
        return rc ? rc : dccd_err_set(err, DCCD_EINVAL, "column metadata: NULL arena");
    dctx d = {.arena = arena};
    pq_tin_init(&d.in, buf, len, "column metadata", err);
    return dec_column_meta(&d, out);
}

/* ======================================================================
 * encoding
 * ====================================================================== */

#define TRY(x)                                                                                                   \
    do {                                                                                                         \
        int rc_ = (x);                                                                                           \
        if (rc_)                                                                                                 \
            return rc_;                                                                                          \
    } while (0)

static int w_str_field(pq_tout *o, int16_t id, const char *s)
{
    return pq_w_binary_field(o, id, s, strlen(s));
}

static int w_bytes_field(pq_tout *o, int16_t id, const pq_bytes *b)
{
    if (!b->p)
        return DCCD_OK;
    return pq_w_binary_field(o, id, b->p, b->n);
}

static int w_empty_struct(pq_tout *o, int16_t id)
{
    TRY(pq_w_struct_begin(o, id));
    return pq_w_struct_end(o);
}

static int enc_statistics(pq_tout *o, int16_t id, const pq_statistics *s)
{
    TRY(pq_w_struct_begin(o, id));
    TRY(w_bytes_field(o, 1, &s->max));
    TRY(w_bytes_field(o, 2, &s->min));
    if (s->has_null_count)
        TRY(pq_w_i64_field(o, 3, s->null_count));
    if (s->has_distinct_count)
        TRY(pq_w_i64_field(o, 4, s->distinct_count));
    TRY(w_bytes_field(o, 5, &s->max_value));
    TRY(w_bytes_field(o, 6, &s->min_value));
    if (s->has_is_max_value_exact)
        TRY(pq_w_bool_field(o, 7, s->is_max_value_exact));
    if (s->has_is_min_value_exact)
        TRY(pq_w_bool_field(o, 8, s->is_min_value_exact));
    return pq_w_struct_end(o);
}

static int enc_kv_list(pq_tout *o, int16_t id, const pq_key_value *kv, size_t n)
{
    if (!n)
        return DCCD_OK;
    TRY(pq_w_list_begin(o, id, PQ_TT_STRUCT, n));
    for (size_t i = 0; i < n; i++) {
        if (!kv[i].key)
            return dccd_err_set(o->err, DCCD_EINVAL, "KeyValue %zu has no key", i);
        TRY(pq_w_elem_struct_begin(o));
        TRY(w_str_field(o, 1, kv[i].key));
        if (kv[i].value)
            TRY(pq_w_binary_field(o, 2, kv[i].value, kv[i].value_len));
        TRY(pq_w_struct_end(o));
    }
    return DCCD_OK;
}

static int enc_logical_type(pq_tout *o, int16_t id, const pq_logical_type *lt)
{
    switch (lt->kind) {
    case PQ_LT_NONE:
    case PQ_LT_OTHER: return DCCD_OK; /* nothing faithful to write */
    case PQ_LT_STRING:
    case PQ_LT_MAP:
    case PQ_LT_LIST:
    case PQ_LT_ENUM:
    case PQ_LT_DATE:
    case PQ_LT_UNKNOWN:
    case PQ_LT_JSON:
    case PQ_LT_BSON:
    case PQ_LT_UUID:
    case PQ_LT_FLOAT16:
    case PQ_LT_VARIANT:
    case PQ_LT_GEOMETRY:
    case PQ_LT_GEOGRAPHY:
        TRY(pq_w_struct_begin(o, id));
        TRY(w_empty_struct(o, (int16_t)lt->kind));
        return pq_w_struct_end(o);
    case PQ_LT_DECIMAL:
        TRY(pq_w_struct_begin(o, id));
        TRY(pq_w_struct_begin(o, PQ_LT_DECIMAL));
        TRY(pq_w_i32_field(o, 1, lt->scale));
        TRY(pq_w_i32_field(o, 2, lt->precision));
        TRY(pq_w_struct_end(o));
        return pq_w_struct_end(o);
    case PQ_LT_TIME:
    case PQ_LT_TIMESTAMP:
        if (lt->unit < 0 || lt->unit > 2)
            return dccd_err_set(o->err, DCCD_EINVAL, "logical type: invalid time unit %d", lt->unit);
        TRY(pq_w_struct_begin(o, id));
        TRY(pq_w_struct_begin(o, (int16_t)lt->kind));
        TRY(pq_w_bool_field(o, 1, lt->utc));
        TRY(pq_w_struct_begin(o, 2));
        TRY(w_empty_struct(o, (int16_t)(lt->unit + 1)));
        TRY(pq_w_struct_end(o));
        TRY(pq_w_struct_end(o));
        return pq_w_struct_end(o);
    case PQ_LT_INTEGER:
        TRY(pq_w_struct_begin(o, id));
        TRY(pq_w_struct_begin(o, PQ_LT_INTEGER));
        TRY(pq_w_field(o, PQ_TT_BYTE, 1));
        TRY(dccd_buf_append_byte(o->b, (uint8_t)lt->bit_width, o->err));
        TRY(pq_w_bool_field(o, 2, lt->is_signed));
        TRY(pq_w_struct_end(o));
        return pq_w_struct_end(o);
    default: return dccd_err_set(o->err, DCCD_EINVAL, "logical type: invalid kind %d", lt->kind);
    }
}

static int enc_schema_element(pq_tout *o, const pq_schema_element *e, size_t idx)
{
    if (!e->name)
        return dccd_err_set(o->err, DCCD_EINVAL, "schema element %zu has no name", idx);
    TRY(pq_w_elem_struct_begin(o));
    if (e->has_type)
        TRY(pq_w_i32_field(o, 1, e->type));
    if (e->type_length)
        TRY(pq_w_i32_field(o, 2, e->type_length));
    if (e->has_repetition)
        TRY(pq_w_i32_field(o, 3, e->repetition));
    TRY(w_str_field(o, 4, e->name));
    if (e->num_children || !e->has_type)
        TRY(pq_w_i32_field(o, 5, e->num_children));
    if (e->has_converted_type)
        TRY(pq_w_i32_field(o, 6, e->converted_type));
    if (e->has_scale)
        TRY(pq_w_i32_field(o, 7, e->scale));
    if (e->has_precision)
        TRY(pq_w_i32_field(o, 8, e->precision));
    if (e->has_field_id)
        TRY(pq_w_i32_field(o, 9, e->field_id));
    if (e->has_logical_type)
        TRY(enc_logical_type(o, 10, &e->logical_type));
    return pq_w_struct_end(o);
}

static int enc_column_meta(pq_tout *o, const pq_column_meta *m)
{
    TRY(pq_w_i32_field(o, 1, m->type));
    TRY(pq_w_list_begin(o, 2, PQ_TT_I32, m->n_encodings));
    for (size_t i = 0; i < m->n_encodings; i++)
        TRY(pq_w_zigzag32(o, m->encodings[i]));
    TRY(pq_w_list_begin(o, 3, PQ_TT_BINARY, m->n_path));
    for (size_t i = 0; i < m->n_path; i++) {
        if (!m->path_in_schema[i])
            return dccd_err_set(o->err, DCCD_EINVAL, "ColumnMetaData.path_in_schema[%zu] is NULL", i);
        TRY(pq_w_binary(o, m->path_in_schema[i], strlen(m->path_in_schema[i])));
    }
    TRY(pq_w_i32_field(o, 4, m->codec));
    TRY(pq_w_i64_field(o, 5, m->num_values));
    TRY(pq_w_i64_field(o, 6, m->total_uncompressed_size));
    TRY(pq_w_i64_field(o, 7, m->total_compressed_size));
    TRY(enc_kv_list(o, 8, m->kv, m->n_kv));
    TRY(pq_w_i64_field(o, 9, m->data_page_offset));
    if (m->has_index_page_offset)
        TRY(pq_w_i64_field(o, 10, m->index_page_offset));
    if (m->has_dictionary_page_offset)
        TRY(pq_w_i64_field(o, 11, m->dictionary_page_offset));
    if (m->has_statistics)
        TRY(enc_statistics(o, 12, &m->statistics));
    if (m->n_encoding_stats) {
        TRY(pq_w_list_begin(o, 13, PQ_TT_STRUCT, m->n_encoding_stats));
        for (size_t i = 0; i < m->n_encoding_stats; i++) {
            const pq_page_encoding_stats *s = &m->encoding_stats[i];
            TRY(pq_w_elem_struct_begin(o));
            TRY(pq_w_i32_field(o, 1, s->page_type));
            TRY(pq_w_i32_field(o, 2, s->encoding));
            TRY(pq_w_i32_field(o, 3, s->count));
            TRY(pq_w_struct_end(o));
        }
    }
    if (m->has_bloom_filter_offset)
        TRY(pq_w_i64_field(o, 14, m->bloom_filter_offset));
    if (m->has_bloom_filter_length)
        TRY(pq_w_i32_field(o, 15, m->bloom_filter_length));
    return DCCD_OK;
}

static int enc_column_chunk(pq_tout *o, const pq_column_chunk *c)
{
    if (c->has_crypto_metadata)
        return dccd_err_set(o->err, DCCD_EUNSUPPORTED, "cannot encode an encrypted column chunk");
    TRY(pq_w_elem_struct_begin(o));
    if (c->file_path)
        TRY(w_str_field(o, 1, c->file_path));
    TRY(pq_w_i64_field(o, 2, c->file_offset));
    if (c->has_meta_data) {
        TRY(pq_w_struct_begin(o, 3));
        TRY(enc_column_meta(o, &c->meta_data));
        TRY(pq_w_struct_end(o));
    }
    if (c->has_offset_index) {
        TRY(pq_w_i64_field(o, 4, c->offset_index_offset));
        TRY(pq_w_i32_field(o, 5, c->offset_index_length));
    }
    if (c->has_column_index) {
        TRY(pq_w_i64_field(o, 6, c->column_index_offset));
        TRY(pq_w_i32_field(o, 7, c->column_index_length));
    }
    return pq_w_struct_end(o);
}

static int enc_row_group(pq_tout *o, const pq_row_group *g)
{
    TRY(pq_w_elem_struct_begin(o));
    TRY(pq_w_list_begin(o, 1, PQ_TT_STRUCT, g->n_columns));
    for (size_t i = 0; i < g->n_columns; i++)
        TRY(enc_column_chunk(o, &g->columns[i]));
    TRY(pq_w_i64_field(o, 2, g->total_byte_size));
    TRY(pq_w_i64_field(o, 3, g->num_rows));
    if (g->n_sorting_columns) {
        TRY(pq_w_list_begin(o, 4, PQ_TT_STRUCT, g->n_sorting_columns));
        for (size_t i = 0; i < g->n_sorting_columns; i++) {
            const pq_sorting_column *s = &g->sorting_columns[i];
            TRY(pq_w_elem_struct_begin(o));
            TRY(pq_w_i32_field(o, 1, s->column_idx));
            TRY(pq_w_bool_field(o, 2, s->descending));
            TRY(pq_w_bool_field(o, 3, s->nulls_first));
            TRY(pq_w_struct_end(o));
        }
    }
    if (g->has_file_offset)
        TRY(pq_w_i64_field(o, 5, g->file_offset));
    if (g->has_total_compressed_size)
        TRY(pq_w_i64_field(o, 6, g->total_compressed_size));
    if (g->has_ordinal) {
        TRY(pq_w_field(o, PQ_TT_I16, 7));
        TRY(pq_w_zigzag32(o, g->ordinal));
    }
    return pq_w_struct_end(o);
}

int pq_encode_file_meta(dccd_buf *b, const pq_file_meta *m, dccd_error *err)
{
    if (m->has_encryption_algorithm)
        return dccd_err_set(err, DCCD_EUNSUPPORTED, "cannot encode the footer of an encrypted file");
    pq_tout o;
    pq_tout_init(&o, b, err);
    TRY(pq_w_i32_field(&o, 1, m->version));
    TRY(pq_w_list_begin(&o, 2, PQ_TT_STRUCT, m->n_schema));
    for (size_t i = 0; i < m->n_schema; i++)
        TRY(enc_schema_element(&o, &m->schema[i], i));
    TRY(pq_w_i64_field(&o, 3, m->num_rows));
    TRY(pq_w_list_begin(&o, 4, PQ_TT_STRUCT, m->n_row_groups));
    for (size_t i = 0; i < m->n_row_groups; i++)
        TRY(enc_row_group(&o, &m->row_groups[i]));
    TRY(enc_kv_list(&o, 5, m->kv, m->n_kv));
    if (m->created_by)
        TRY(w_str_field(&o, 6, m->created_by));
    if (m->n_column_orders) {
        TRY(pq_w_list_begin(&o, 7, PQ_TT_STRUCT, m->n_column_orders));
        for (size_t i = 0; i < m->n_column_orders; i++) {
            TRY(pq_w_elem_struct_begin(&o));
            if (m->type_defined_order[i])
                TRY(w_empty_struct(&o, 1));
            TRY(pq_w_struct_end(&o));
        }
    }
    return pq_w_stop(&o);
}

int pq_encode_page_header(dccd_buf *b, const pq_page_header *h, dccd_error *err)
{
    pq_tout o;
    pq_tout_init(&o, b, err);
    TRY(pq_w_i32_field(&o, 1, h->type));
    TRY(pq_w_i32_field(&o, 2, h->uncompressed_page_size));
    TRY(pq_w_i32_field(&o, 3, h->compressed_page_size));
    if (h->has_crc)
        TRY(pq_w_i32_field(&o, 4, h->crc));
    if (h->has_data_page_header) {
        const pq_data_page_header *d = &h->data_page_header;
        TRY(pq_w_struct_begin(&o, 5));
        TRY(pq_w_i32_field(&o, 1, d->num_values));
        TRY(pq_w_i32_field(&o, 2, d->encoding));
        TRY(pq_w_i32_field(&o, 3, d->definition_level_encoding));
        TRY(pq_w_i32_field(&o, 4, d->repetition_level_encoding));
        if (d->has_statistics)
            TRY(enc_statistics(&o, 5, &d->statistics));
        TRY(pq_w_struct_end(&o));
    }
    if (h->has_dictionary_page_header) {
        const pq_dictionary_page_header *d = &h->dictionary_page_header;
        TRY(pq_w_struct_begin(&o, 7));
        TRY(pq_w_i32_field(&o, 1, d->num_values));
        TRY(pq_w_i32_field(&o, 2, d->encoding));
        if (d->has_is_sorted)
            TRY(pq_w_bool_field(&o, 3, d->is_sorted));
        TRY(pq_w_struct_end(&o));
    }
    if (h->has_data_page_header_v2) {
        const pq_data_page_header_v2 *d = &h->data_page_header_v2;
        TRY(pq_w_struct_begin(&o, 8));
        TRY(pq_w_i32_field(&o, 1, d->num_values));
        TRY(pq_w_i32_field(&o, 2, d->num_nulls));
        TRY(pq_w_i32_field(&o, 3, d->num_rows));
        TRY(pq_w_i32_field(&o, 4, d->encoding));
        TRY(pq_w_i32_field(&o, 5, d->definition_levels_byte_length));
        TRY(pq_w_i32_field(&o, 6, d->repetition_levels_byte_length));
        TRY(pq_w_bool_field(&o, 7, d->is_compressed));
        if (d->has_statistics)
            TRY(enc_statistics(&o, 8, &d->statistics));
        TRY(pq_w_struct_end(&o));
    }
    return pq_w_stop(&o);
}

int pq_encode_column_index(dccd_buf *b, const pq_column_index *ci, dccd_error *err)
{
    size_t n = ci->n_pages;
    if (n && (!ci->null_pages || !ci->min_values || !ci->max_values))
        return dccd_err_set(err, DCCD_EINVAL, "column index: %zu pages but NULL page arrays", n);
    pq_tout o;
    pq_tout_init(&o, b, err);
    TRY(pq_w_list_begin(&o, 1, PQ_TT_TRUE, n));
    for (size_t i = 0; i < n; i++)
        TRY(dccd_buf_append_byte(b, ci->null_pages[i] ? PQ_TT_TRUE : PQ_TT_FALSE, err));
    TRY(pq_w_list_begin(&o, 2, PQ_TT_BINARY, n));
    for (size_t i = 0; i < n; i++)
        TRY(pq_w_binary(&o, ci->min_values[i].p, ci->min_values[i].p ? ci->min_values[i].n : 0));
    TRY(pq_w_list_begin(&o, 3, PQ_TT_BINARY, n));
    for (size_t i = 0; i < n; i++)
        TRY(pq_w_binary(&o, ci->max_values[i].p, ci->max_values[i].p ? ci->max_values[i].n : 0));
    TRY(pq_w_i32_field(&o, 4, ci->boundary_order));
    if (ci->null_counts) {
        TRY(pq_w_list_begin(&o, 5, PQ_TT_I64, n));
        for (size_t i = 0; i < n; i++)
            TRY(pq_w_zigzag64(&o, ci->null_counts[i]));
    }
    return pq_w_stop(&o);
}

int pq_encode_offset_index(dccd_buf *b, const pq_offset_index *oi, dccd_error *err)
{
    pq_tout o;
    pq_tout_init(&o, b, err);
    TRY(pq_w_list_begin(&o, 1, PQ_TT_STRUCT, oi->n_pages));
    for (size_t i = 0; i < oi->n_pages; i++) {
        const pq_page_location *l = &oi->pages[i];
        TRY(pq_w_elem_struct_begin(&o));
        TRY(pq_w_i64_field(&o, 1, l->offset));
        TRY(pq_w_i32_field(&o, 2, l->compressed_page_size));
        TRY(pq_w_i64_field(&o, 3, l->first_row_index));
        TRY(pq_w_struct_end(&o));
    }
    return pq_w_stop(&o);
}

int pq_encode_bloom_header(dccd_buf *b, const pq_bloom_header *h, dccd_error *err)
{
    if (!h->algorithm_block || !h->hash_xxhash || !h->compression_none)
        return dccd_err_set(err, DCCD_EUNSUPPORTED,
                            "bloom filter header: only SPLIT_BLOCK / XXHASH / UNCOMPRESSED can be encoded");
    pq_tout o;
    pq_tout_init(&o, b, err);
    TRY(pq_w_i32_field(&o, 1, h->num_bytes));
    for (int16_t id = 2; id <= 4; id++) {
        TRY(pq_w_struct_begin(&o, id));
        TRY(w_empty_struct(&o, 1));
        TRY(pq_w_struct_end(&o));
    }
    return pq_w_stop(&o);
}
