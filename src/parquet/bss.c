/*
 * src/parquet/bss.c - the BYTE_STREAM_SPLIT encoding (parquet-format
 * Encodings.md) for FLOAT, DOUBLE, INT32, INT64 and FIXED_LEN_BYTE_ARRAY.
 *
 * This file owns pq_bss_decode and pq_bss_encode.  For n values of `width`
 * bytes, byte k of value i is stored at position k*n + i: `width` streams,
 * each holding the k-th byte of every value.  The input of the decoder must
 * be exactly n*width bytes (the stream stride is n, so any other size means
 * the caller's value count and the page disagree).
 *
 * Widths 4 and 8 (the float/double/int hot paths) have unrolled loops; any
 * other width uses a generic stream-by-stream loop.
 */
#include <string.h>

#include "parquet/encoding.h"

int pq_bss_decode(const uint8_t *src, size_t len, size_t width, size_t n, void *out, dccd_error *err)
{
    size_t need;
    if (width == 0)
        return dccd_err_set(err, DCCD_EINVAL, "BYTE_STREAM_SPLIT: width 0");
    if (!dccd_mul_ok(width, n, &need) || need != len)
        return dccd_err_set(err, DCCD_ECORRUPT,
                            "BYTE_STREAM_SPLIT: %zu values of %zu bytes need %zu bytes, the page holds %zu", n,
                            width, dccd_mul_ok(width, n, &need) ? need : (size_t)SIZE_MAX, len);
    if (n == 0)  /* nothing to do; src may be NULL for an empty page (no pointer arithmetic on it) */
        return DCCD_OK;
    uint8_t *o = out;
    if (width == 4) {
        const uint8_t *s0 = src, *s1 = src + n, *s2 = src + 2 * n, *s3 = src + 3 * n;
        for (size_t i = 0; i < n; i++) {
            o[4 * i] = s0[i];
            o[4 * i + 1] = s1[i];
            o[4 * i + 2] = s2[i];
            o[4 * i + 3] = s3[i];
        }
    } else if (width == 8) {
        const uint8_t *s0 = src, *s1 = src + n, *s2 = src + 2 * n, *s3 = src + 3 * n;
        const uint8_t *s4 = src + 4 * n, *s5 = src + 5 * n, *s6 = src + 6 * n, *s7 = src + 7 * n;
        for (size_t i = 0; i < n; i++) {
            uint8_t *d = o + 8 * i;
            d[0] = s0[i];
            d[1] = s1[i];
            d[2] = s2[i];
            d[3] = s3[i];
            d[4] = s4[i];
            d[5] = s5[i];
            d[6] = s6[i];
            d[7] = s7[i];
        }
    } else {
        for (size_t k = 0; k < width; k++) {
            const uint8_t *s = src + k * n;
            for (size_t i = 0; i < n; i++)
                o[i * width + k] = s[i];
        }
    }
    return DCCD_OK;
}

int pq_bss_encode(dccd_buf *dst, const void *vals, size_t width, size_t n, dccd_error *err)
{
    size_t need;
    if (width == 0)
        return dccd_err_set(err, DCCD_EINVAL, "BYTE_STREAM_SPLIT encode: width 0");
    if (!dccd_mul_ok(width, n, &need))
        return dccd_err_set(err, DCCD_ERANGE, "BYTE_STREAM_SPLIT encode: size overflows");
    if (need == 0)
        return DCCD_OK;
    uint8_t *o;
    int rc = dccd_buf_extend(dst, need, &o, err);
    if (rc)
        return rc;
    const uint8_t *v = vals;
    if (width == 4) {
        uint8_t *s0 = o, *s1 = o + n, *s2 = o + 2 * n, *s3 = o + 3 * n;
        for (size_t i = 0; i < n; i++) {
            s0[i] = v[4 * i];
            s1[i] = v[4 * i + 1];
            s2[i] = v[4 * i + 2];
            s3[i] = v[4 * i + 3];
        }
    } else if (width == 8) {
        uint8_t *s0 = o, *s1 = o + n, *s2 = o + 2 * n, *s3 = o + 3 * n;
        uint8_t *s4 = o + 4 * n, *s5 = o + 5 * n, *s6 = o + 6 * n, *s7 = o + 7 * n;
        for (size_t i = 0; i < n; i++) {
            const uint8_t *d = v + 8 * i;
            s0[i] = d[0];
            s1[i] = d[1];
            s2[i] = d[2];
            s3[i] = d[3];
            s4[i] = d[4];
            s5[i] = d[5];
            s6[i] = d[6];
            s7[i] = d[7];
        }
    } else {
        for (size_t k = 0; k < width; k++) {
            uint8_t *s = o + k * n;
            for (size_t i = 0; i < n; i++)
                s[i] = v[i * width + k];
        }
    }
    return DCCD_OK;
}
