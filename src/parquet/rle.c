/*
 * src/parquet/rle.c - the RLE / bit-packed hybrid encoding and the legacy
 * BIT_PACKED level encoding (parquet-format Encodings.md).
 *
 * This file owns:
 *   - pq_bit_width_u32;
 *   - pq_rle_decode / pq_rle_decode_u8: a sequence of runs, each introduced
 *     by a ULEB128 header h.  h & 1 == 1: bit-packed run of (h >> 1) groups
 *     of 8 values, each group bit_width bytes, values packed LSB first.
 *     h & 1 == 0: RLE run of (h >> 1) copies of one value stored in
 *     ceil(bit_width / 8) little-endian bytes.  Exactly n values are
 *     produced; a final bit-packed group may hold padding values past n
 *     (the group's bytes must still be present);
 *   - pq_rle_encode / pq_rle_encode_u8: RLE runs for repeats of at least 8
 *     values (after topping the pending literals up to a multiple of 8),
 *     bit-packed groups otherwise; the final group is zero padded;
 *   - pq_bitpacked_legacy_decode_u8: the deprecated BIT_PACKED encoding,
 *     values packed MSB first with no run headers.
 *
 * Performance: bit-packed groups are unpacked 8 values at a time with a
 * 64-bit window load per value and the bit width made a compile-time
 * constant through a switch (the compiler specialises one unrolled unpacker
 * per width).  Input bounds are checked once per run, never per value; a
 * group too close to the end of the input for 8-byte loads is first copied
 * into a zero-padded scratch buffer.  RLE runs are plain fill loops (memset
 * for bytes).
 */
#include <string.h>

#include "parquet/encoding.h"

#if defined(__GNUC__) || defined(__clang__)
#define PQ_INLINE static inline __attribute__((always_inline))
#else
#define PQ_INLINE static inline
#endif

int pq_bit_width_u32(uint32_t v)
{
    return v ? 32 - __builtin_clz(v) : 0;
}

/* Unaligned little-endian 64-bit load. */
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

/* ULEB128 varint of at most 10 bytes; returns bytes used, 0 if truncated
 * or too long. */
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

/* Unpack 8 values of width bw from p; p must have bw + 8 readable bytes. */
#define DEFINE_UNPACK8(NAME, T)                                                                  \
    PQ_INLINE void NAME(const uint8_t *p, T *out, const int bw)                                  \
    {                                                                                            \
        const uint64_t mask = (bw == 32) ? 0xffffffffu : ((UINT64_C(1) << bw) - 1);              \
        for (int i = 0; i < 8; i++) {                                                            \
            const int off = i * bw;                                                              \
            out[i] = (T)((ld64(p + (off >> 3)) >> (off & 7)) & mask);                            \
        }                                                                                        \
    }
DEFINE_UNPACK8(unpack8_k, uint32_t)
DEFINE_UNPACK8(unpack8_k8, uint8_t)

/* `groups` consecutive groups, every one with bw + 8 readable bytes. */
PQ_INLINE void unpack_run_k(const uint8_t *p, uint32_t *out, size_t groups, const int bw)
{
    for (size_t g = 0; g < groups; g++, p += bw, out += 8)
        unpack8_k(p, out, bw);
}
PQ_INLINE void unpack_run_k8(const uint8_t *p, uint8_t *out, size_t groups, const int bw)
{
    for (size_t g = 0; g < groups; g++, p += bw, out += 8)
        unpack8_k8(p, out, bw);
}

#define C8(M, a) M(a) M(a + 1) M(a + 2) M(a + 3) M(a + 4) M(a + 5) M(a + 6) M(a + 7)
#define RUN_CASE(k) \
    case k: unpack_run_k(p, out, groups, k); break;
#define RUN8_CASE(k) \
    case k: unpack_run_k8(p, out, groups, k); break;

/* One switch per run; the compiler specialises the loop for each width. */
static void unpack_run(const uint8_t *p, uint32_t *out, size_t groups, int bw)
{
    switch (bw) {
    case 0: memset(out, 0, groups * 8 * sizeof *out); break;
    C8(RUN_CASE, 1) C8(RUN_CASE, 9) C8(RUN_CASE, 17) C8(RUN_CASE, 25)
    default: break; /* callers validate bw */
    }
}

static void unpack_run8(const uint8_t *p, uint8_t *out, size_t groups, int bw)
{
    switch (bw) {
    case 0: memset(out, 0, groups * 8); break;
    C8(RUN8_CASE, 1)
    default: break; /* callers validate bw */
    }
}

/* Unpack `groups` groups (8 values each) into out32 or out8; the caller
 * checked that [p, p + groups*bw) lies inside [.., end).  Groups too close
 * to `end` for 8-byte window loads go through a zero-padded copy. */
static void unpack_groups(const uint8_t *p, const uint8_t *end, int bw, uint32_t *out32, uint8_t *out8,
                          size_t groups)
{
    size_t avail = (size_t)(end - p), safe = groups;
    if (bw > 0) {
        safe = avail >= (size_t)bw + 8 ? (avail - 8) / (size_t)bw : 0;
        if (safe > groups)
            safe = groups;
    }
    if (out32)
        unpack_run(p, out32, safe, bw);
    else
        unpack_run8(p, out8, safe, bw);
    for (size_t g = safe; g < groups; g++) {
        uint8_t tmp[32 + 8] = {0};
        memcpy(tmp, p + g * (size_t)bw, (size_t)bw);
        if (out32)
            unpack_run(tmp, out32 + g * 8, 1, bw);
        else
            unpack_run8(tmp, out8 + g * 8, 1, bw);
    }
}

/* Shared run parser.  Exactly one of out32 / out8 is non-NULL. */
static int rle_decode_impl(const uint8_t *src, size_t len, int bit_width, uint32_t *out32, uint8_t *out8,
                           size_t n, dccd_error *err)
{
    const int maxw = out8 ? 8 : 32;
    if (bit_width < 0 || bit_width > maxw)
        return dccd_err_set(err, DCCD_ECORRUPT, "RLE: bit width %d out of range 0..%d", bit_width, maxw);
    if (n == 0)
        return DCCD_OK;
    if (!src)
        return dccd_err_set(err, DCCD_ECORRUPT, "RLE: no input for %zu values", n);
    const uint8_t *p = src, *end = src + len;
    const size_t vbytes = ((size_t)bit_width + 7) / 8;
    const uint32_t vmax = bit_width == 32 ? 0xffffffffu : ((1u << bit_width) - 1);
    size_t done = 0;
    while (done < n) {
        uint64_t h;
        size_t hl = read_uvarint(p, (size_t)(end - p), &h);
        if (!hl)
            return dccd_err_set(err, DCCD_ECORRUPT,
                                "RLE: truncated or invalid run header at byte %zu (%zu of %zu values decoded)",
                                (size_t)(p - src), done, n);
        p += hl;
        const size_t avail = (size_t)(end - p);
        const size_t want = n - done;
        if (h & 1) {
            uint64_t groups = h >> 1;
            /* groups*bw must fit the remaining input: checks overflow too. */
            if (bit_width > 0 && groups > avail / (size_t)bit_width)
                return dccd_err_set(err, DCCD_ECORRUPT,
                                    "RLE: bit-packed run of %llu groups at width %d overruns the input "
                                    "(%zu bytes left, offset %zu)",
                                    (unsigned long long)groups, bit_width, avail, (size_t)(p - src));
            size_t nvals = want;
            if (groups < (want + 7) / 8)
                nvals = (size_t)groups * 8;
            size_t full = nvals / 8, rest = nvals % 8;
            unpack_groups(p, end, bit_width, out32 ? out32 + done : NULL, out8 ? out8 + done : NULL, full);
            if (rest) {
                /* final partial group: decode into scratch, keep rest values */
                uint32_t t[8];
                const uint8_t *gp = p + full * (size_t)bit_width;
                uint8_t tmp[32 + 8] = {0};
                memcpy(tmp, gp, (size_t)bit_width);
                unpack_run(tmp, t, 1, bit_width);
                for (size_t i = 0; i < rest; i++) {
                    if (out32)
                        out32[done + full * 8 + i] = t[i];
                    else
                        out8[done + full * 8 + i] = (uint8_t)t[i];
                }
            }
            p += (size_t)groups * (size_t)bit_width;
            done += nvals;
        } else {
            uint64_t count = h >> 1;
            if (avail < vbytes)
                return dccd_err_set(err, DCCD_ECORRUPT, "RLE: run value truncated at byte %zu",
                                    (size_t)(p - src));
            uint32_t v = 0;
            for (size_t i = 0; i < vbytes; i++)
                v |= (uint32_t)p[i] << (8 * i);
            p += vbytes;
            if (v > vmax)
                return dccd_err_set(err, DCCD_ECORRUPT, "RLE: run value %u does not fit bit width %d", v,
                                    bit_width);
            size_t c = count < want ? (size_t)count : want;
            if (out32) {
                uint32_t *o = out32 + done;
                for (size_t i = 0; i < c; i++)
                    o[i] = v;
            } else {
                memset(out8 + done, (int)v, c);
            }
            done += c;
        }
    }
    return DCCD_OK;
}

int pq_rle_decode(const uint8_t *src, size_t len, int bit_width, uint32_t *out, size_t n, dccd_error *err)
{
    return rle_decode_impl(src, len, bit_width, out, NULL, n, err);
}

int pq_rle_decode_u8(const uint8_t *src, size_t len, int bit_width, uint8_t *out, size_t n, dccd_error *err)
{
    return rle_decode_impl(src, len, bit_width, NULL, out, n, err);
}

/* ---- encoder ------------------------------------------------------------ */

static int put_uvarint(dccd_buf *dst, uint64_t v, dccd_error *err)
{
    uint8_t t[10];
    size_t k = 0;
    while (v >= 0x80) {
        t[k++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    t[k++] = (uint8_t)v;
    return dccd_buf_append(dst, t, k, err);
}

/* Shared encoder: element i is vals32[i] or vals8[i]. */
#define VAL(i) (vals32 ? vals32[i] : (uint32_t)vals8[i])

/* Bit-pack values [start, start+count) padded with zeros to a multiple of
 * 8, as one bit-packed run. */
static int emit_literals(dccd_buf *dst, const uint32_t *vals32, const uint8_t *vals8, size_t start,
                         size_t count, int bw, dccd_error *err)
{
    if (count == 0)
        return DCCD_OK;
    size_t groups = (count + 7) / 8;
    int rc = put_uvarint(dst, ((uint64_t)groups << 1) | 1, err);
    if (rc)
        return rc;
    size_t nbytes;
    if (!dccd_mul_ok(groups, (size_t)bw, &nbytes))
        return dccd_err_set(err, DCCD_ERANGE, "RLE: run too long");
    if (nbytes == 0)
        return DCCD_OK;
    uint8_t *o;
    rc = dccd_buf_extend(dst, nbytes, &o, err);
    if (rc)
        return rc;
    uint64_t acc = 0;
    int nb = 0;
    size_t total = groups * 8;
    for (size_t i = 0; i < total; i++) {
        uint32_t v = i < count ? VAL(start + i) : 0;
        acc |= (uint64_t)v << nb;
        nb += bw;
        while (nb >= 8) {
            *o++ = (uint8_t)acc;
            acc >>= 8;
            nb -= 8;
        }
    }
    return DCCD_OK;
}

static int emit_repeat(dccd_buf *dst, uint32_t v, size_t count, int bw, dccd_error *err)
{
    int rc = put_uvarint(dst, (uint64_t)count << 1, err);
    if (rc)
        return rc;
    uint8_t t[4];
    size_t vb = ((size_t)bw + 7) / 8;
    for (size_t i = 0; i < vb; i++)
        t[i] = (uint8_t)(v >> (8 * i));
    return dccd_buf_append(dst, t, vb, err);
}

static int rle_encode_impl(dccd_buf *dst, const uint32_t *vals32, const uint8_t *vals8, size_t n, int bw,
                           int maxw, dccd_error *err)
{
    if (bw < 0 || bw > maxw)
        return dccd_err_set(err, DCCD_EINVAL, "RLE encode: bit width %d out of range 0..%d", bw, maxw);
    /* all values must fit the width: one OR over the input */
    uint32_t all = 0;
    if (vals32) {
        for (size_t i = 0; i < n; i++)
            all |= vals32[i];
    } else {
        for (size_t i = 0; i < n; i++)
            all |= vals8[i];
    }
    if (bw < 32 && (all >> bw) != 0)
        return dccd_err_set(err, DCCD_EINVAL, "RLE encode: a value does not fit bit width %d", bw);
    /* Rough upfront reservation: every value bit-packed plus headers. */
    size_t est = n / 8 * (size_t)bw + n / 64 + 16;
    int rc = dccd_buf_reserve(dst, est, err);
    if (rc)
        return rc;

    size_t i = 0, lit_start = 0;
    while (i < n) {
        uint32_t v = VAL(i);
        size_t j = i + 1;
        while (j < n && VAL(j) == v)
            j++;
        size_t r = j - i;
        if (r >= 8) {
            size_t pending = i - lit_start;
            size_t pad = (8 - pending % 8) % 8;
            if (pending == 0)
                pad = 0;
            if (r - pad >= 8) {
                rc = emit_literals(dst, vals32, vals8, lit_start, pending + pad, bw, err);
                if (rc)
                    return rc;
                rc = emit_repeat(dst, v, r - pad, bw, err);
                if (rc)
                    return rc;
                i = j;
                lit_start = j;
                continue;
            }
        }
        i = j;
    }
    return emit_literals(dst, vals32, vals8, lit_start, n - lit_start, bw, err);
}

#undef VAL

int pq_rle_encode(dccd_buf *dst, const uint32_t *vals, size_t n, int bit_width, dccd_error *err)
{
    return rle_encode_impl(dst, vals, NULL, n, bit_width, 32, err);
}

int pq_rle_encode_u8(dccd_buf *dst, const uint8_t *vals, size_t n, int bit_width, dccd_error *err)
{
    return rle_encode_impl(dst, NULL, vals, n, bit_width, 8, err);
}

/* ---- legacy BIT_PACKED (MSB first) ---------------------------------------- */

int pq_bitpacked_legacy_decode_u8(const uint8_t *src, size_t len, int bit_width, uint8_t *out, size_t n,
                                  dccd_error *err)
{
    if (bit_width < 0 || bit_width > 8)
        return dccd_err_set(err, DCCD_ECORRUPT, "BIT_PACKED: bit width %d out of range 0..8", bit_width);
    if (bit_width == 0) {
        if (n)
            memset(out, 0, n);
        return DCCD_OK;
    }
    size_t bits;
    if (!dccd_mul_ok(n, (size_t)bit_width, &bits) || (bits + 7) / 8 > len)
        return dccd_err_set(err, DCCD_ECORRUPT, "BIT_PACKED: %zu values of %d bits need more than %zu bytes",
                            n, bit_width, len);
    const unsigned mask = (1u << bit_width) - 1;
    const size_t nbytes = (bits + 7) / 8;
    for (size_t i = 0; i < n; i++) {
        size_t off = i * (size_t)bit_width;
        size_t b = off >> 3;
        unsigned w = (unsigned)src[b] << 8;
        if (b + 1 < nbytes)
            w |= src[b + 1];
        out[i] = (uint8_t)((w >> (16 - (off & 7) - (size_t)bit_width)) & mask);
    }
    return DCCD_OK;
}
