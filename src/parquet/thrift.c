/*
 * src/parquet/thrift.c - the Thrift compact protocol, as used by Parquet.
 *
 * This file owns the wire format only (no Parquet semantics):
 *   - reading: ULEB128 varints (at most 5 bytes for i16/i32 values, 10 for
 *     i64; a varint whose value does not fit is rejected), zigzag decoding,
 *     field headers (short form: 4-bit id delta + 4-bit type; long form: type
 *     byte followed by a zigzag i16 id), booleans carried in the field type
 *     nibble, list/set headers (4-bit size + type, or 0xF? + varint size),
 *     binaries (varint length checked against the remaining input), bytes,
 *     doubles, and a recursive depth-limited skip of any value (maps
 *     included), used for unknown fields;
 *   - writing: the same constructs appended to a dccd_buf, with a field-id
 *     stack so nested structs get correct id deltas.
 *
 * Every read is bounds-checked against pq_tin.end.  Every error is
 * DCCD_ECORRUPT with a message "<what>: <problem> at offset N", where
 * <what> is pq_tin.what ("footer", "page header", ...) and N the byte
 * offset from the start of the decoded buffer.  List/set/map element counts
 * are checked against the remaining bytes (in the compact protocol every
 * element, booleans included, takes at least one byte), so a hostile count
 * fails at once instead of driving a huge allocation or a long loop.
 * Nesting of structs and containers is capped at PQ_T_MAX_DEPTH.
 */
#include <string.h>

#include "parquet/meta.h"

#define PQ_T_MAX_DEPTH 64

/* ---- reading ---------------------------------------------------------- */

void pq_tin_init(pq_tin *in, const void *buf, size_t len, const char *what, dccd_error *err)
{
    in->p = (const uint8_t *)buf;
    in->end = in->p ? in->p + len : in->p;
    in->start = in->p;
    in->depth = 0;
    in->err = err;
    in->what = what ? what : "thrift";
}

static size_t off(const pq_tin *in)
{
    return (size_t)(in->p - in->start);
}

static size_t remaining(const pq_tin *in)
{
    return (size_t)(in->end - in->p);
}

/* Read an unsigned LEB128 varint of at most `bits` significant bits. */
static int rd_varint(pq_tin *in, unsigned bits, uint64_t *out)
{
    const uint8_t *p = in->p;
    uint64_t v = 0;
    unsigned shift = 0;
    for (;;) {
        if (p >= in->end)
            return dccd_err_set(in->err, DCCD_ECORRUPT, "%s: truncated varint at offset %zu", in->what, off(in));
        uint8_t b = *p++;
        if (shift + 7 > bits) {
            /* last allowed byte: only the remaining bits may be set */
            if ((b & 0x80) || (b >> (bits - shift)) != 0)
                return dccd_err_set(in->err, DCCD_ECORRUPT, "%s: varint too long for %u bits at offset %zu",
                                    in->what, bits, off(in));
        }
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            break;
        shift += 7;
    }
    in->p = p;
    *out = v;
    return DCCD_OK;
}

static int32_t unzigzag32(uint32_t u)
{
    uint32_t v = (u >> 1) ^ (0u - (u & 1u));
    int32_t r;
    memcpy(&r, &v, sizeof r);
    return r;
}

static int64_t unzigzag64(uint64_t u)
{
    uint64_t v = (u >> 1) ^ (UINT64_C(0) - (u & 1u));
    int64_t r;
    memcpy(&r, &v, sizeof r);
    return r;
}

static int rd_type_error(pq_tin *in, int type)
{
    return dccd_err_set(in->err, DCCD_ECORRUPT, "%s: invalid thrift type %d at offset %zu", in->what, type,
                        off(in));
}

int pq_t_field(pq_tin *in, int16_t *last_id, int *type, int16_t *id)
{
    if (in->p >= in->end)
        return dccd_err_set(in->err, DCCD_ECORRUPT, "%s: truncated struct (no field or stop) at offset %zu",
                            in->what, off(in));
    uint8_t b = *in->p;
    int t = b & 0x0f;
    int delta = b >> 4;
    if (b == 0) {
        in->p++;
        *type = PQ_TT_STOP;
        *id = 0;
        return DCCD_OK;
    }
    if (t == PQ_TT_STOP || t > 13)
        return rd_type_error(in, t);
    in->p++;
    int32_t nid;
    if (delta) {
        nid = (int32_t)*last_id + delta;
        if (nid > INT16_MAX) {
            in->p--;
            return dccd_err_set(in->err, DCCD_ECORRUPT, "%s: field id overflow at offset %zu", in->what, off(in));
        }
    } else {
        uint64_t u;
        int rc = rd_varint(in, 32, &u);
        if (rc)
            return rc;
        nid = unzigzag32((uint32_t)u);
        if (nid < INT16_MIN || nid > INT16_MAX)
            return dccd_err_set(in->err, DCCD_ECORRUPT, "%s: field id %ld out of range before offset %zu",
                                in->what, (long)nid, off(in));
    }
    *type = t;
    *id = (int16_t)nid;
    *last_id = (int16_t)nid;
    return DCCD_OK;
}

int pq_t_bool_field(int type, bool *out)
{
    if (type == PQ_TT_TRUE) {
        *out = true;
        return DCCD_OK;
    }
    if (type == PQ_TT_FALSE) {
        *out = false;
        return DCCD_OK;
    }
    return DCCD_ECORRUPT;
}

int pq_t_i32(pq_tin *in, int32_t *out)
{
    uint64_t u;
    int rc = rd_varint(in, 32, &u);
    if (rc)
        return rc;
    *out = unzigzag32((uint32_t)u);
    return DCCD_OK;
}

int pq_t_i64(pq_tin *in, int64_t *out)
{
    uint64_t u;
    int rc = rd_varint(in, 64, &u);
    if (rc)
        return rc;
    *out = unzigzag64(u);
    return DCCD_OK;
}

int pq_t_byte(pq_tin *in, int8_t *out)
{
    if (in->p >= in->end)
        return dccd_err_set(in->err, DCCD_ECORRUPT, "%s: truncated byte at offset %zu", in->what, off(in));
    uint8_t b = *in->p++;
    int8_t r;
    memcpy(&r, &b, 1);
    *out = r;
    return DCCD_OK;
}

int pq_t_double(pq_tin *in, double *out)
{
    if (remaining(in) < 8)
        return dccd_err_set(in->err, DCCD_ECORRUPT, "%s: truncated double at offset %zu", in->what, off(in));
    uint64_t u = dccd_load_u64le(in->p);
    memcpy(out, &u, sizeof *out);
    in->p += 8;
    return DCCD_OK;
}

int pq_t_binary(pq_tin *in, const uint8_t **out, size_t *len)
{
    size_t at = off(in);
    uint64_t n;
    int rc = rd_varint(in, 32, &n);
    if (rc)
        return rc;
    if (n > INT32_MAX || n > remaining(in))
        return dccd_err_set(in->err, DCCD_ECORRUPT,
                            "%s: binary length %llu at offset %zu exceeds the %zu remaining bytes", in->what,
                            (unsigned long long)n, at, remaining(in));
    *out = in->p;
    *len = (size_t)n;
    in->p += n;
    return DCCD_OK;
}

/* Minimum encoded size of one container element of the given type. */
static size_t min_elem_size(int type)
{
    switch (type) {
    case PQ_TT_DOUBLE: return 8;
    case 13: return 16; /* UUID */
    default: return 1;
    }
}

int pq_t_list(pq_tin *in, int *elem_type, size_t *count)
{
    size_t at = off(in);
    if (in->p >= in->end)
        return dccd_err_set(in->err, DCCD_ECORRUPT, "%s: truncated list header at offset %zu", in->what, at);
    uint8_t b = *in->p++;
    int t = b & 0x0f;
    uint64_t n = b >> 4;
    if (n == 15) {
        int rc = rd_varint(in, 32, &n);
        if (rc)
            return rc;
    }
    if (t == PQ_TT_STOP || t > 13) {
        in->p = in->start + at;
        return rd_type_error(in, t);
    }
    if (t == PQ_TT_FALSE)
        t = PQ_TT_TRUE; /* both spellings of "bool" occur */
    size_t need;
    if (n > INT32_MAX || !dccd_mul_ok((size_t)n, min_elem_size(t), &need) || need > remaining(in))
        return dccd_err_set(in->err, DCCD_ECORRUPT,
                            "%s: list at offset %zu claims %llu elements but only %zu bytes remain", in->what, at,
                            (unsigned long long)n, remaining(in));
    *elem_type = t;
    *count = (size_t)n;
    return DCCD_OK;
}

int pq_t_struct_begin(pq_tin *in)
{
    if (in->depth >= PQ_T_MAX_DEPTH)
        return dccd_err_set(in->err, DCCD_ECORRUPT, "%s: nesting deeper than %d at offset %zu", in->what,
                            PQ_T_MAX_DEPTH, off(in));
    in->depth++;
    return DCCD_OK;
}

void pq_t_struct_end(pq_tin *in)
{
    if (in->depth > 0)
        in->depth--;
}

static int skip_value(pq_tin *in, int type, bool in_container);

static int skip_elems(pq_tin *in, int type, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int rc = skip_value(in, type, true);
        if (rc)
            return rc;
    }
    return DCCD_OK;
}

static int skip_fixed(pq_tin *in, size_t n)
{
    if (remaining(in) < n)
        return dccd_err_set(in->err, DCCD_ECORRUPT, "%s: truncated value at offset %zu", in->what, off(in));
    in->p += n;
    return DCCD_OK;
}

static int skip_value(pq_tin *in, int type, bool in_container)
{
    int rc;
    uint64_t u;
    switch (type) {
    case PQ_TT_TRUE:
    case PQ_TT_FALSE:
        /* in a field the value is the type nibble; in a container one byte */
        return in_container ? skip_fixed(in, 1) : DCCD_OK;
    case PQ_TT_BYTE: return skip_fixed(in, 1);
    case PQ_TT_I16:
    case PQ_TT_I32: return rd_varint(in, 32, &u);
    case PQ_TT_I64: return rd_varint(in, 64, &u);
    case PQ_TT_DOUBLE: return skip_fixed(in, 8);
    case 13: return skip_fixed(in, 16); /* UUID (newer thrift) */
    case PQ_TT_BINARY: {
        const uint8_t *p;
        size_t n;
        return pq_t_binary(in, &p, &n);
    }
    case PQ_TT_LIST:
    case PQ_TT_SET: {
        int et;
        size_t n;
        if ((rc = pq_t_list(in, &et, &n)))
            return rc;
        if ((rc = pq_t_struct_begin(in)))
            return rc;
        if ((rc = skip_elems(in, et, n)))
            return rc;
        pq_t_struct_end(in);
        return DCCD_OK;
    }
    case PQ_TT_MAP: {
        size_t at = off(in);
        if ((rc = rd_varint(in, 32, &u)))
            return rc;
        if (u == 0)
            return DCCD_OK;
        if (in->p >= in->end)
            return dccd_err_set(in->err, DCCD_ECORRUPT, "%s: truncated map header at offset %zu", in->what, at);
        uint8_t kv = *in->p++;
        int kt = kv >> 4, vt = kv & 0x0f;
        if (kt == PQ_TT_STOP || kt > 13)
            return rd_type_error(in, kt);
        if (vt == PQ_TT_STOP || vt > 13)
            return rd_type_error(in, vt);
        size_t per = min_elem_size(kt) + min_elem_size(vt), need;
        if (u > INT32_MAX || !dccd_mul_ok((size_t)u, per, &need) || need > remaining(in))
            return dccd_err_set(in->err, DCCD_ECORRUPT,
                                "%s: map at offset %zu claims %llu entries but only %zu bytes remain", in->what, at,
                                (unsigned long long)u, remaining(in));
        if ((rc = pq_t_struct_begin(in)))
            return rc;
        for (uint64_t i = 0; i < u; i++) {
            if ((rc = skip_value(in, kt, true)) || (rc = skip_value(in, vt, true)))
                return rc;
        }
        pq_t_struct_end(in);
        return DCCD_OK;
    }
    case PQ_TT_STRUCT: {
        if ((rc = pq_t_struct_begin(in)))
            return rc;
        int16_t last = 0;
        for (;;) {
            int ft;
            int16_t id;
            if ((rc = pq_t_field(in, &last, &ft, &id)))
                return rc;
            if (ft == PQ_TT_STOP)
                break;
            if ((rc = skip_value(in, ft, false)))
                return rc;
        }
        pq_t_struct_end(in);
        return DCCD_OK;
    }
    default: return rd_type_error(in, type);
    }
}

/* Skip a field value: booleans of a field live in its type nibble and
 * take no bytes (inside containers they take one; skip_value handles it). */
int pq_t_skip(pq_tin *in, int type)
{
    return skip_value(in, type, false);
}

/* ---- writing ---------------------------------------------------------- */

void pq_tout_init(pq_tout *o, dccd_buf *b, dccd_error *err)
{
    o->b = b;
    memset(o->last_id, 0, sizeof o->last_id);
    o->depth = 0;
    o->err = err;
}

int pq_w_varint(pq_tout *o, uint64_t v)
{
    uint8_t tmp[10];
    size_t n = 0;
    do {
        uint8_t b = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v)
            b |= 0x80;
        tmp[n++] = b;
    } while (v);
    return dccd_buf_append(o->b, tmp, n, o->err);
}

int pq_w_zigzag32(pq_tout *o, int32_t v)
{
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    return pq_w_varint(o, (uint64_t)((u << 1) ^ (0u - (u >> 31))));
}

int pq_w_zigzag64(pq_tout *o, int64_t v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return pq_w_varint(o, (u << 1) ^ (UINT64_C(0) - (u >> 63)));
}

int pq_w_field(pq_tout *o, int type, int16_t id)
{
    if (type <= PQ_TT_STOP || type > PQ_TT_STRUCT)
        return dccd_err_set(o->err, DCCD_EINVAL, "thrift writer: invalid field type %d for field %d", type, id);
    int delta = (int)id - (int)o->last_id[o->depth];
    int rc;
    if (delta > 0 && delta <= 15) {
        rc = dccd_buf_append_byte(o->b, (uint8_t)((delta << 4) | type), o->err);
    } else {
        rc = dccd_buf_append_byte(o->b, (uint8_t)type, o->err);
        if (!rc)
            rc = pq_w_zigzag32(o, id);
    }
    if (!rc)
        o->last_id[o->depth] = id;
    return rc;
}

int pq_w_bool_field(pq_tout *o, int16_t id, bool v)
{
    return pq_w_field(o, v ? PQ_TT_TRUE : PQ_TT_FALSE, id);
}

int pq_w_i32_field(pq_tout *o, int16_t id, int32_t v)
{
    int rc = pq_w_field(o, PQ_TT_I32, id);
    return rc ? rc : pq_w_zigzag32(o, v);
}

int pq_w_i64_field(pq_tout *o, int16_t id, int64_t v)
{
    int rc = pq_w_field(o, PQ_TT_I64, id);
    return rc ? rc : pq_w_zigzag64(o, v);
}

int pq_w_binary(pq_tout *o, const void *p, size_t n)
{
    if (n > INT32_MAX)
        return dccd_err_set(o->err, DCCD_ERANGE, "thrift writer: binary of %zu bytes is too long", n);
    int rc = pq_w_varint(o, n);
    if (!rc && n)
        rc = dccd_buf_append(o->b, p, n, o->err);
    return rc;
}

int pq_w_binary_field(pq_tout *o, int16_t id, const void *p, size_t n)
{
    int rc = pq_w_field(o, PQ_TT_BINARY, id);
    return rc ? rc : pq_w_binary(o, p, n);
}

int pq_w_elem_struct_begin(pq_tout *o)
{
    if (o->depth + 1 >= (int)(sizeof o->last_id / sizeof o->last_id[0]))
        return dccd_err_set(o->err, DCCD_ERANGE, "thrift writer: structs nested too deeply");
    o->depth++;
    o->last_id[o->depth] = 0;
    return DCCD_OK;
}

int pq_w_struct_begin(pq_tout *o, int16_t id)
{
    int rc = pq_w_field(o, PQ_TT_STRUCT, id);
    return rc ? rc : pq_w_elem_struct_begin(o);
}

int pq_w_struct_end(pq_tout *o)
{
    if (o->depth <= 0)
        return dccd_err_set(o->err, DCCD_ESTATE, "thrift writer: struct end without begin");
    int rc = dccd_buf_append_byte(o->b, 0, o->err);
    if (!rc)
        o->depth--;
    return rc;
}

int pq_w_list_begin(pq_tout *o, int16_t id, int elem_type, size_t count)
{
    if (elem_type <= PQ_TT_STOP || elem_type > PQ_TT_STRUCT)
        return dccd_err_set(o->err, DCCD_EINVAL, "thrift writer: invalid list element type %d", elem_type);
    if (count > INT32_MAX)
        return dccd_err_set(o->err, DCCD_ERANGE, "thrift writer: list of %zu elements is too long", count);
    int rc = pq_w_field(o, PQ_TT_LIST, id);
    if (rc)
        return rc;
    if (count < 15)
        return dccd_buf_append_byte(o->b, (uint8_t)((count << 4) | (size_t)elem_type), o->err);
    rc = dccd_buf_append_byte(o->b, (uint8_t)(0xf0 | elem_type), o->err);
    return rc ? rc : pq_w_varint(o, count);
}

int pq_w_stop(pq_tout *o)
{
    if (o->depth != 0)
        return dccd_err_set(o->err, DCCD_ESTATE, "thrift writer: top-level stop inside a struct");
    return dccd_buf_append_byte(o->b, 0, o->err);
}
