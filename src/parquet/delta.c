/*
 * src/parquet/delta.c - the DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY
 * and DELTA_BYTE_ARRAY encodings (parquet-format Encodings.md).
 *
 * This file owns:
 *   - DELTA_BINARY_PACKED decoding and encoding for INT32 and INT64.  A
 *     stream is a header <block size in values> <miniblocks per block>
 *     <total value count> <first value, zigzag> (ULEB128 varints) followed
 *     by blocks of <min delta, zigzag varint> <one bit-width byte per
 *     miniblock> <miniblocks>.  Each miniblock holds (block size /
 *     miniblocks) values bit-packed LSB first; value = previous + min delta
 *     + packed.  All arithmetic wraps (done in uint64_t and truncated for
 *     INT32: reduction mod 2^32 commutes with + so the results are those of
 *     32-bit wrapping arithmetic).  Miniblocks after the last value may be
 *     omitted by the writer; their bit-width bytes are present and are not
 *     validated (writers put garbage there).  The decoder skips over the
 *     values of the stream past the requested n so *consumed always points
 *     just past the last miniblock that holds values.
 *     The encoder uses blocks of 128 values, 4 miniblocks of 32, writes
 *     width 0 (and no data) for miniblocks past the last value, and zero
 *     pads the last used miniblock.
 *   - DELTA_LENGTH_BYTE_ARRAY: the n lengths as DELTA_BINARY_PACKED INT32,
 *     then all the bytes concatenated.
 *   - DELTA_BYTE_ARRAY: prefix lengths (DELTA_BINARY_PACKED) then suffixes
 *     (DELTA_LENGTH_BYTE_ARRAY); value i = first prefix[i] bytes of value
 *     i-1 followed by suffix i.  Because this can expand a small input into
 *     a huge output, the decoded size of one call is capped at
 *     PQ_DELTA_BA_MAX_OUTPUT bytes (ECORRUPT beyond).
 *
 * Performance: miniblocks are unpacked 32 values at a time by an unrolled
 * unpacker specialised per bit width (a switch on the width calling an
 * always-inline function with a constant width), reading 64-bit windows;
 * bounds are checked once per miniblock, and a miniblock too close to the
 * end of the input is copied into a padded scratch buffer first.  Width-0
 * miniblocks (constant steps, e.g. sorted timestamps at a fixed interval)
 * are a simple arithmetic progression.
 */
#include <stdlib.h>
#include <string.h>

#include "parquet/encoding.h"

#if defined(__GNUC__) || defined(__clang__)
#define PQ_INLINE static inline __attribute__((always_inline))
#else
#define PQ_INLINE static inline
#endif

#define PQ_DELTA_BA_MAX_OUTPUT ((size_t)1 << 30)
#define PQ_DELTA_MAX_BLOCK ((uint64_t)1 << 31)

PQ_INLINE uint64_t ld64(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
#else
    return dccd_load_u64le(p);
#endif
}

PQ_INLINE void st64(uint8_t *p, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(p, &v, 8);
#else
    dccd_store_u64le(p, v);
#endif
}

static size_t read_uvarint(const uint8_t *p, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    for (size_t i = 0; i < len && i < 10; i++) {
        v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
        if (!(p[i] & 0x80)) {
            *out = v;
            return i + 1;
        }
    }
    return 0;
}

static inline uint64_t unzigzag(uint64_t v)
{
    return (v >> 1) ^ (0 - (v & 1));
}

static inline uint64_t zigzag(uint64_t v)
{
    return (v << 1) ^ (0 - (v >> 63));
}

static size_t put_uvarint(uint8_t *o, uint64_t v)
{
    size_t k = 0;
    while (v >= 0x80) {
        o[k++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    o[k++] = (uint8_t)v;
    return k;
}

/* ---- 32-value unpack / pack, specialised per width ------------------------ */

/* Needs 4*bw + 9 readable bytes at p. */
PQ_INLINE void unpack32_k(const uint8_t *p, uint64_t *out, const int bw)
{
    const uint64_t mask = bw == 64 ? ~UINT64_C(0) : ((UINT64_C(1) << bw) - 1);
    for (int i = 0; i < 32; i++) {
        const int off = i * bw, b = off >> 3, sh = off & 7;
        uint64_t w = ld64(p + b) >> sh;
        if (bw > 56 && sh + bw > 64)
            w |= (uint64_t)p[b + 8] << (64 - sh);
        out[i] = w & mask;
    }
}

/* Writes exactly 4*bw bytes at o (32 values of bw bits, LSB first), each
 * 64-bit word assembled in a register and stored once (bw is a constant
 * in every specialisation, so the branches fold away when unrolled). */
PQ_INLINE void pack32_k(uint8_t *o, const uint64_t *in, const int bw)
{
    uint64_t acc = 0;
    int fill = 0;
    for (int i = 0; i < 32; i++) {
        const uint64_t v = in[i];
        acc |= v << fill;
        fill += bw;
        if (fill >= 64) {
            st64(o, acc);
            o += 8;
            fill -= 64;
            /* the bits of v that did not fit (v >> 64 is undefined: 0) */
            acc = fill ? v >> (bw - fill) : 0;
        }
    }
    if (fill) { /* 32 * bw bits: an odd bw leaves half a word */
        const uint32_t h = (uint32_t)acc;
        o[0] = (uint8_t)h;
        o[1] = (uint8_t)(h >> 8);
        o[2] = (uint8_t)(h >> 16);
        o[3] = (uint8_t)(h >> 24);
    }
}

#define C8(M, a) M(a) M(a + 1) M(a + 2) M(a + 3) M(a + 4) M(a + 5) M(a + 6) M(a + 7)
#define UNPACK_CASE(k) \
    case k: unpack32_k(p, out, k); break;
#define PACK_CASE(k) \
    case k: pack32_k(o, in, k); break;

static void unpack32(const uint8_t *p, uint64_t *out, int bw)
{
    switch (bw) {
    case 0: memset(out, 0, 32 * sizeof *out); break;
    C8(UNPACK_CASE, 1) C8(UNPACK_CASE, 9) C8(UNPACK_CASE, 17) C8(UNPACK_CASE, 25)
    C8(UNPACK_CASE, 33) C8(UNPACK_CASE, 41) C8(UNPACK_CASE, 49) C8(UNPACK_CASE, 57)
    default: break;
    }
}

static void pack32(uint8_t *o, const uint64_t *in, int bw)
{
    switch (bw) {
    case 0: break;
    C8(PACK_CASE, 1) C8(PACK_CASE, 9) C8(PACK_CASE, 17) C8(PACK_CASE, 25)
    C8(PACK_CASE, 33) C8(PACK_CASE, 41) C8(PACK_CASE, 49) C8(PACK_CASE, 57)
    default: break;
    }
}

/* ---- DELTA_BINARY_PACKED decoding ---------------------------------------- */

typedef struct delta_hdr {
    uint64_t block_size, mb_count, mb_vals, total, first;
    size_t hdr_len;
} delta_hdr;

static int parse_header(const uint8_t *src, size_t len, delta_hdr *h, dccd_error *err)
{
    uint64_t zfirst;
    size_t pos = 0, k;
    if (!src) {
        if (len)
            return dccd_err_set(err, DCCD_EINVAL, "DELTA_BINARY_PACKED: NULL input");
        goto trunc;
    }
    if (!(k = read_uvarint(src + pos, len - pos, &h->block_size)))
        goto trunc;
    pos += k;
    if (!(k = read_uvarint(src + pos, len - pos, &h->mb_count)))
        goto trunc;
    pos += k;
    if (!(k = read_uvarint(src + pos, len - pos, &h->total)))
        goto trunc;
    pos += k;
    if (!(k = read_uvarint(src + pos, len - pos, &zfirst)))
        goto trunc;
    pos += k;
    h->first = unzigzag(zfirst);
    h->hdr_len = pos;
    if (h->block_size == 0 || h->block_size % 128 != 0 || h->block_size > PQ_DELTA_MAX_BLOCK)
        return dccd_err_set(err, DCCD_ECORRUPT,
                            "DELTA_BINARY_PACKED: block size %llu is not a positive multiple of 128",
                            (unsigned long long)h->block_size);
    if (h->mb_count == 0 || h->block_size % h->mb_count != 0)
        return dccd_err_set(err, DCCD_ECORRUPT,
                            "DELTA_BINARY_PACKED: %llu miniblocks do not divide the block size %llu",
                            (unsigned long long)h->mb_count, (unsigned long long)h->block_size);
    h->mb_vals = h->block_size / h->mb_count;
    if (h->mb_vals % 32 != 0)
        return dccd_err_set(err, DCCD_ECORRUPT,
                            "DELTA_BINARY_PACKED: miniblock of %llu values is not a multiple of 32",
                            (unsigned long long)h->mb_vals);
    return DCCD_OK;
trunc:
    return dccd_err_set(err, DCCD_ECORRUPT, "DELTA_BINARY_PACKED: truncated or invalid header at byte %zu", pos);
}

int pq_delta_count(const uint8_t *src, size_t len, size_t *count, dccd_error *err)
{
    delta_hdr h;
    int rc = parse_header(src, len, &h, err);
    if (rc)
        return rc;
    if (h.total > SIZE_MAX)
        return dccd_err_set(err, DCCD_ECORRUPT, "DELTA_BINARY_PACKED: value count %llu too large",
                            (unsigned long long)h.total);
    *count = (size_t)h.total;
    return DCCD_OK;
}

/* Store `cnt` values last + min + u[i] (running) into out32 or out64. */
static inline uint64_t apply(uint64_t last, uint64_t min, const uint64_t *u, size_t cnt, int32_t *out32,
                             int64_t *out64)
{
    if (out64) {
        for (size_t i = 0; i < cnt; i++) {
            last += min + u[i];
            out64[i] = (int64_t)last;
        }
    } else {
        for (size_t i = 0; i < cnt; i++) {
            last += min + u[i];
            out32[i] = (int32_t)(uint32_t)last;
        }
    }
    return last;
}

static int delta_decode_impl(const uint8_t *src, size_t len, size_t n, int32_t *out32, int64_t *out64,
                             size_t *consumed, dccd_error *err)
{
    delta_hdr h;
    int rc = parse_header(src, len, &h, err);
    if (rc)
        return rc;
    /* deltas of INT32 values can need 33 bits (DuckDB writes them so); the
     * arithmetic is modulo 2^64 and truncated on store, which equals the
     * spec's modulo-2^32 arithmetic, so widths up to 64 are valid for both */
    const int maxbw = 64;
    if (h.total < n)
        return dccd_err_set(err, DCCD_ECORRUPT, "DELTA_BINARY_PACKED: stream holds %llu values, %zu expected",
                            (unsigned long long)h.total, n);
    const uint8_t *p = src + h.hdr_len, *end = src + len;
    uint64_t last = h.first;
    if (n > 0) {
        if (out64)
            out64[0] = (int64_t)last;
        else
            out32[0] = (int32_t)(uint32_t)last;
    }
    size_t idx = 1;                                  /* values stored so far (when < n) */
    uint64_t remaining = h.total ? h.total - 1 : 0;  /* values of the stream not yet walked */
    uint64_t u[32];
    size_t blockno = 0;
    while (remaining > 0) {
        uint64_t zmin;
        size_t k = read_uvarint(p, (size_t)(end - p), &zmin);
        if (!k)
            return dccd_err_set(err, DCCD_ECORRUPT,
                                "DELTA_BINARY_PACKED: block %zu: truncated min delta at byte %zu", blockno,
                                (size_t)(p - src));
        p += k;
        const uint64_t min = unzigzag(zmin);
        if ((uint64_t)(end - p) < h.mb_count)
            return dccd_err_set(err, DCCD_ECORRUPT,
                                "DELTA_BINARY_PACKED: block %zu: truncated bit widths at byte %zu", blockno,
                                (size_t)(p - src));
        const uint8_t *widths = p;
        p += h.mb_count;
        for (uint64_t j = 0; j < h.mb_count && remaining > 0; j++) {
            const int bw = widths[j];
            if (bw > maxbw)
                return dccd_err_set(err, DCCD_ECORRUPT,
                                    "DELTA_BINARY_PACKED: block %zu miniblock %llu: bit width %d exceeds %d",
                                    blockno, (unsigned long long)j, bw, maxbw);
            const uint64_t mb_bytes = h.mb_vals / 8 * (uint64_t)bw;
            if (mb_bytes > (uint64_t)(end - p))
                return dccd_err_set(err, DCCD_ECORRUPT,
                                    "DELTA_BINARY_PACKED: block %zu miniblock %llu: %llu bytes needed, %zu left",
                                    blockno, (unsigned long long)j, (unsigned long long)mb_bytes,
                                    (size_t)(end - p));
            const uint64_t take = remaining < h.mb_vals ? remaining : h.mb_vals;
            if (idx < n) {
                size_t dec = (size_t)(take < (uint64_t)(n - idx) ? take : (uint64_t)(n - idx));
                if (bw == 0) {
                    if (out64) {
                        for (size_t i = 0; i < dec; i++) {
                            last += min;
                            out64[idx + i] = (int64_t)last;
                        }
                    } else {
                        for (size_t i = 0; i < dec; i++) {
                            last += min;
                            out32[idx + i] = (int32_t)(uint32_t)last;
                        }
                    }
                } else {
                    const uint8_t *q = p;
                    const size_t chunk_bytes = 4 * (size_t)bw;
                    for (size_t c = 0; c < dec; c += 32, q += chunk_bytes) {
                        size_t cnt = dec - c < 32 ? dec - c : 32;
                        if ((size_t)(end - q) >= chunk_bytes + 9) {
                            unpack32(q, u, bw);
                        } else {
                            uint8_t tmp[4 * 64 + 16] = {0};
                            memcpy(tmp, q, chunk_bytes);
                            unpack32(tmp, u, bw);
                        }
                        last = apply(last, min, u, cnt, out32 ? out32 + idx + c : NULL,
                                     out64 ? out64 + idx + c : NULL);
                    }
                }
                idx += dec;
            }
            remaining -= take;
            p += mb_bytes;
        }
        blockno++;
    }
    if (consumed)
        *consumed = (size_t)(p - src);
    return DCCD_OK;
}

int pq_delta_decode_i32(const uint8_t *src, size_t len, size_t n, int32_t *out, size_t *consumed, dccd_error *err)
{
    return delta_decode_impl(src, len, n, out, NULL, consumed, err);
}

int pq_delta_decode_i64(const uint8_t *src, size_t len, size_t n, int64_t *out, size_t *consumed, dccd_error *err)
{
    return delta_decode_impl(src, len, n, NULL, out, consumed, err);
}

/* ---- DELTA_BINARY_PACKED encoding ------------------------------------------ */

static int bw64(uint64_t v)
{
    return v ? 64 - __builtin_clzll(v) : 0;
}

/* Values come from v32 (sign-extended) or v64. */
static int delta_encode_impl(dccd_buf *dst, const int32_t *v32, const int64_t *v64, size_t n, dccd_error *err)
{
    const int is32 = v32 != NULL;
    uint8_t hdr[40];
    size_t hl = 0;
    hl += put_uvarint(hdr + hl, 128);
    hl += put_uvarint(hdr + hl, 4);
    hl += put_uvarint(hdr + hl, (uint64_t)n);
    uint64_t first = n ? (is32 ? (uint64_t)(int64_t)v32[0] : (uint64_t)v64[0]) : 0;
    hl += put_uvarint(hdr + hl, zigzag(first));
    int rc = dccd_buf_append(dst, hdr, hl, err);
    if (rc)
        return rc;
    /* worst case per block: 10 (min) + 4 (widths) + 4 * 32 * 8 bytes */
    const size_t block_max = 10 + 4 + (is32 ? 4 * 32 * 4 : 4 * 32 * 8);
    int64_t d[128];
    uint64_t u[128];
    for (size_t k = 1; k < n; k += 128) {
        size_t cnt = n - k < 128 ? n - k : 128;
        int64_t min;
        if (is32) {
            for (size_t j = 0; j < cnt; j++)
                d[j] = (int32_t)((uint32_t)v32[k + j] - (uint32_t)v32[k + j - 1]);
        } else {
            for (size_t j = 0; j < cnt; j++)
                d[j] = (int64_t)((uint64_t)v64[k + j] - (uint64_t)v64[k + j - 1]);
        }
        min = d[0];
        for (size_t j = 1; j < cnt; j++)
            min = d[j] < min ? d[j] : min;
        const uint64_t vmask = is32 ? 0xffffffffu : ~UINT64_C(0);
        for (size_t j = 0; j < cnt; j++)
            u[j] = ((uint64_t)d[j] - (uint64_t)min) & vmask;
        for (size_t j = cnt; j < 128; j++)
            u[j] = 0;
        rc = dccd_buf_reserve(dst, block_max, err);
        if (rc)
            return rc;
        uint8_t *o = dst->data + dst->len;
        size_t pos = put_uvarint(o, zigzag((uint64_t)min));
        uint8_t *widths = o + pos;
        pos += 4;
        for (int m = 0; m < 4; m++) {
            if ((size_t)m * 32 >= cnt) {
                widths[m] = 0;
                continue;
            }
            uint64_t all = 0;
            for (int j = 0; j < 32; j++)
                all |= u[m * 32 + j];
            int bw = bw64(all);
            widths[m] = (uint8_t)bw;
            if (bw) {
                pack32(o + pos, u + m * 32, bw);
                pos += 4 * (size_t)bw;
            }
        }
        dst->len += pos;
    }
    return DCCD_OK;
}

int pq_delta_encode_i32(dccd_buf *dst, const int32_t *vals, size_t n, dccd_error *err)
{
    return delta_encode_impl(dst, vals, NULL, n, err);
}

int pq_delta_encode_i64(dccd_buf *dst, const int64_t *vals, size_t n, dccd_error *err)
{
    return delta_encode_impl(dst, NULL, vals, n, err);
}

/* ---- DELTA_LENGTH_BYTE_ARRAY ------------------------------------------------ */

/* Decode n lengths into lens and locate the concatenated bytes. */
static int dlba_parse(const uint8_t *src, size_t len, size_t n, uint32_t *lens, const uint8_t **bytes,
                      size_t *total, size_t *consumed, const char *what, dccd_error *err)
{
    size_t c;
    int rc = delta_decode_impl(src, len, n, (int32_t *)lens, NULL, &c, err);
    if (rc)
        return dccd_err_prefix(err, rc, "%s lengths", what);
    size_t t = 0;
    for (size_t i = 0; i < n; i++) {
        if (lens[i] > INT32_MAX)
            return dccd_err_set(err, DCCD_ECORRUPT, "%s: value %zu has negative length %d", what, i,
                                (int32_t)lens[i]);
        t += lens[i]; /* n * 2^31 cannot overflow size_t for any n that fits in memory as lens[] */
        if (t > len - c)
            return dccd_err_set(err, DCCD_ECORRUPT,
                                "%s: value %zu: lengths total more than the %zu bytes of data left", what, i,
                                len - c);
    }
    *bytes = src + c;
    *total = t;
    *consumed = c + t;
    return DCCD_OK;
}

int pq_delta_length_decode(const uint8_t *src, size_t len, size_t n, dccd_buf *data, uint32_t *lens,
                           size_t *consumed, dccd_error *err)
{
    const uint8_t *bytes;
    size_t total, c;
    int rc = dlba_parse(src, len, n, lens, &bytes, &total, &c, "DELTA_LENGTH_BYTE_ARRAY", err);
    if (rc)
        return rc;
    if (total) {
        rc = dccd_buf_append(data, bytes, total, err);
        if (rc)
            return rc;
    }
    if (consumed)
        *consumed = c;
    return DCCD_OK;
}

/* lengths of values [0,n) from offsets, as int32 (EINVAL if negative or too long). */
static int lengths_from_offsets(const int64_t *offsets, size_t n, int32_t *out, const char *what,
                                dccd_error *err)
{
    for (size_t i = 0; i < n; i++) {
        int64_t l = offsets[i + 1] - offsets[i];
        if (offsets[i] < 0 || l < 0 || l > INT32_MAX)
            return dccd_err_set(err, DCCD_EINVAL, "%s encode: value %zu has invalid length %lld", what, i,
                                (long long)l);
        out[i] = (int32_t)l;
    }
    return DCCD_OK;
}

int pq_delta_length_encode(dccd_buf *dst, const uint8_t *data, const int64_t *offsets, size_t n, dccd_error *err)
{
    int32_t *l = dccd_malloc_array(n ? n : 1, sizeof *l);
    if (!l)
        return DCCD_ENOMEM_MSG(err);
    int rc = lengths_from_offsets(offsets, n, l, "DELTA_LENGTH_BYTE_ARRAY", err);
    if (!rc)
        rc = delta_encode_impl(dst, l, NULL, n, err);
    free(l);
    if (rc)
        return rc;
    if (n && offsets[n] > offsets[0])
        rc = dccd_buf_append(dst, data + offsets[0], (size_t)(offsets[n] - offsets[0]), err);
    return rc;
}

/* ---- DELTA_BYTE_ARRAY ------------------------------------------------------------ */

int pq_delta_byte_array_decode(const uint8_t *src, size_t len, size_t n, dccd_buf *data, uint32_t *lens,
                               size_t *consumed, dccd_error *err)
{
    int32_t *pre = dccd_malloc_array(n ? n : 1, sizeof *pre);
    if (!pre)
        return DCCD_ENOMEM_MSG(err);
    size_t c1, c2, stotal;
    const uint8_t *sbytes;
    int rc = delta_decode_impl(src, len, n, pre, NULL, &c1, err);
    if (rc) {
        rc = dccd_err_prefix(err, rc, "DELTA_BYTE_ARRAY prefix lengths");
        goto out;
    }
    rc = dlba_parse(src + c1, len - c1, n, lens, &sbytes, &stotal, &c2, "DELTA_BYTE_ARRAY suffixes", err);
    if (rc)
        goto out;
    /* validate prefixes and size the output */
    size_t total = 0, prevlen = 0;
    for (size_t i = 0; i < n; i++) {
        if (pre[i] < 0 || (size_t)pre[i] > prevlen) {
            rc = dccd_err_set(err, DCCD_ECORRUPT,
                              "DELTA_BYTE_ARRAY: value %zu: prefix length %d invalid (previous value has %zu bytes)",
                              i, pre[i], prevlen);
            goto out;
        }
        size_t vlen = (size_t)pre[i] + lens[i];
        if (vlen > UINT32_MAX || !dccd_add_ok(total, vlen, &total) || total > PQ_DELTA_BA_MAX_OUTPUT) {
            rc = dccd_err_set(err, DCCD_ECORRUPT,
                              "DELTA_BYTE_ARRAY: decoded values exceed the %zu-byte limit at value %zu",
                              (size_t)PQ_DELTA_BA_MAX_OUTPUT, i);
            goto out;
        }
        prevlen = vlen;
    }
    rc = dccd_buf_reserve(data, total, err);
    if (rc)
        goto out;
    size_t cur = data->len, prev = data->len, spos = 0;
    uint8_t *d = data->data;
    for (size_t i = 0; i < n; i++) {
        size_t p = (size_t)pre[i], s = lens[i];
        if (p)
            memcpy(d + cur, d + prev, p);
        if (s)
            memcpy(d + cur + p, sbytes + spos, s);
        spos += s;
        lens[i] = (uint32_t)(p + s);
        prev = cur;
        cur += p + s;
    }
    data->len = cur;
    if (consumed)
        *consumed = c1 + c2;
out:
    free(pre);
    return rc;
}

int pq_delta_byte_array_encode(dccd_buf *dst, const uint8_t *data, const int64_t *offsets, size_t n,
                               dccd_error *err)
{
    int rc;
    int32_t *l = dccd_malloc_array(n ? n : 1, sizeof *l);
    int32_t *pre = dccd_malloc_array(n ? n : 1, sizeof *pre);
    if (!l || !pre) {
        rc = DCCD_ENOMEM_MSG(err);
        goto out;
    }
    rc = lengths_from_offsets(offsets, n, l, "DELTA_BYTE_ARRAY", err);
    if (rc)
        goto out;
    size_t stotal = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        if (i > 0) {
            const uint8_t *a = data + offsets[i - 1], *b = data + offsets[i];
            size_t m = (size_t)(l[i - 1] < l[i] ? l[i - 1] : l[i]);
            while (k < m && a[k] == b[k])
                k++;
        }
        pre[i] = (int32_t)k;
        l[i] -= (int32_t)k; /* suffix length */
        stotal += (size_t)l[i];
    }
    rc = delta_encode_impl(dst, pre, NULL, n, err);
    if (!rc)
        rc = delta_encode_impl(dst, l, NULL, n, err);
    if (!rc)
        rc = dccd_buf_reserve(dst, stotal, err);
    if (rc)
        goto out;
    for (size_t i = 0; i < n; i++) {
        if (l[i]) {
            memcpy(dst->data + dst->len, data + offsets[i] + pre[i], (size_t)l[i]);
            dst->len += (size_t)l[i];
        }
    }
out:
    free(l);
    free(pre);
    return rc;
}
