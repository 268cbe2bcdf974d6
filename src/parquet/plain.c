/*
 * src/parquet/plain.c - the PLAIN encoding (parquet-format Encodings.md).
 *
 * This file owns:
 *   - fixed-width PLAIN decoding (INT32, INT64, INT96, FLOAT, DOUBLE,
 *     FIXED_LEN_BYTE_ARRAY): a bounds-checked copy of n*width bytes;
 *   - BOOLEAN PLAIN: one bit per value, LSB first, decode and encode;
 *   - BYTE_ARRAY PLAIN: 4-byte little-endian length then the bytes, n
 *     times, decode (lengths into lens[], bytes appended to a dccd_buf) and
 *     encode (from a data/offsets pair).
 *
 * Fixed-width PLAIN encoding is a plain dccd_buf_append by the caller.
 * Byte-array decoding makes one validating pass over the lengths, reserves
 * the output once and then copies, so the data buffer grows only once per
 * page.
 */
#include <string.h>

#include "parquet/encoding.h"

int pq_plain_decode_fixed(const uint8_t *src, size_t len, size_t width, size_t n, void *out, size_t *consumed,
                          dccd_error *err)
{
    size_t need;
    if (!dccd_mul_ok(width, n, &need) || need > len)
        return dccd_err_set(err, DCCD_ECORRUPT, "PLAIN: %zu values of %zu bytes need more than the %zu bytes left",
                            n, width, len);
    if (need)
        memcpy(out, src, need);
    if (consumed)
        *consumed = need;
    return DCCD_OK;
}

int pq_plain_decode_bool(const uint8_t *src, size_t len, size_t n, uint8_t *out, size_t *consumed, dccd_error *err)
{
    size_t need = n / 8 + (n % 8 != 0);
    if (need > len)
        return dccd_err_set(err, DCCD_ECORRUPT, "PLAIN boolean: %zu values need %zu bytes, %zu left", n, need,
                            len);
    size_t full = n / 8;
    for (size_t b = 0; b < full; b++) {
        unsigned v = src[b];
        uint8_t *o = out + b * 8;
        o[0] = v & 1;
        o[1] = (v >> 1) & 1;
        o[2] = (v >> 2) & 1;
        o[3] = (v >> 3) & 1;
        o[4] = (v >> 4) & 1;
        o[5] = (v >> 5) & 1;
        o[6] = (v >> 6) & 1;
        o[7] = (v >> 7) & 1;
    }
    for (size_t i = full * 8; i < n; i++)
        out[i] = (src[i >> 3] >> (i & 7)) & 1;
    if (consumed)
        *consumed = need;
    return DCCD_OK;
}

int pq_plain_decode_byte_array(const uint8_t *src, size_t len, size_t n, dccd_buf *data, uint32_t *lens,
                               size_t *consumed, dccd_error *err)
{
    /* pass 1: validate lengths, total bytes */
    size_t pos = 0, total = 0;
    for (size_t i = 0; i < n; i++) {
        if (len - pos < 4)
            return dccd_err_set(err, DCCD_ECORRUPT,
                                "PLAIN byte array: value %zu of %zu: length truncated at byte %zu", i, n, pos);
        uint32_t l = dccd_load_u32le(src + pos);
        pos += 4;
        if (l > INT32_MAX)
            return dccd_err_set(err, DCCD_ECORRUPT, "PLAIN byte array: value %zu has negative length %d", i,
                                (int32_t)l);
        if (l > len - pos)
            return dccd_err_set(err, DCCD_ECORRUPT,
                                "PLAIN byte array: value %zu of %zu: length %u overruns the input (%zu bytes left)",
                                i, n, l, len - pos);
        lens[i] = l;
        pos += l;
        total += l;
    }
    if (consumed)
        *consumed = pos;
    if (total == 0)
        return DCCD_OK;
    /* 16 bytes of slack: short values are copied as one fixed 16-byte
     * block (no variable-length memcpy call) when the input has 16 bytes
     * left too; the bytes past each value are overwritten or past len */
    size_t room;
    if (!dccd_add_ok(total, 16, &room))
        return dccd_err_set(err, DCCD_ERANGE, "PLAIN byte array: %zu bytes overflow", total);
    int rc = dccd_buf_reserve(data, room, err);
    if (rc)
        return rc;
    /* pass 2: copy */
    uint8_t *o = data->data + data->len;
    pos = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t l = lens[i];
        const uint8_t *v = src + pos + 4;
        if (l <= 16 && len - (pos + 4) >= 16)
            memcpy(o, v, 16);
        else
            memcpy(o, v, l);
        o += l;
        pos += 4 + (size_t)l;
    }
    data->len += total;
    return DCCD_OK;
}

int pq_plain_encode_bool(dccd_buf *dst, const uint8_t *vals, size_t n, dccd_error *err)
{
    size_t nbytes = n / 8 + (n % 8 != 0);
    if (nbytes == 0)
        return DCCD_OK;
    uint8_t *o;
    int rc = dccd_buf_extend(dst, nbytes, &o, err);
    if (rc)
        return rc;
    size_t full = n / 8;
    for (size_t b = 0; b < full; b++) {
        const uint8_t *v = vals + b * 8;
        o[b] = (uint8_t)((v[0] != 0) | (v[1] != 0) << 1 | (v[2] != 0) << 2 | (v[3] != 0) << 3 |
                         (v[4] != 0) << 4 | (v[5] != 0) << 5 | (v[6] != 0) << 6 | (v[7] != 0) << 7);
    }
    for (size_t i = full * 8; i < n; i++)
        if (vals[i])
            o[i >> 3] |= (uint8_t)(1u << (i & 7));
    return DCCD_OK;
}

int pq_plain_encode_byte_array(dccd_buf *dst, const uint8_t *data, const int64_t *offsets, size_t n,
                               dccd_error *err)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t l = offsets[i + 1] - offsets[i];
        if (offsets[i] < 0 || l < 0 || l > INT32_MAX)
            return dccd_err_set(err, DCCD_EINVAL, "PLAIN byte array encode: value %zu has invalid length %lld", i,
                                (long long)l);
        if (!dccd_add_ok(total, (size_t)l + 4, &total))
            return dccd_err_set(err, DCCD_ERANGE, "PLAIN byte array encode: total size overflows");
    }
    if (total == 0)
        return DCCD_OK;
    int rc = dccd_buf_reserve(dst, total, err);
    if (rc)
        return rc;
    uint8_t *o = dst->data + dst->len;
    for (size_t i = 0; i < n; i++) {
        size_t l = (size_t)(offsets[i + 1] - offsets[i]);
        dccd_store_u32le(o, (uint32_t)l);
        if (l)
            memcpy(o + 4, data + offsets[i], l);
        o += 4 + l;
    }
    dst->len += total;
    return DCCD_OK;
}
