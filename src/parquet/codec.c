/*
 * src/parquet/codec.c - Parquet page compression codecs and the page CRC.
 *
 * This file owns pq_decompress, pq_compress and pq_crc32, built on the
 * system libraries: libsnappy (snappy-c.h; compression only: snappy pages
 * are decoded by src/parquet/snappy.c, which says why), zlib, libzstd,
 * liblz4 (block and frame APIs) and libbrotli.
 *
 * Decompression always produces exactly dst_len bytes (the page header's
 * uncompressed size) or fails with DCCD_ECORRUPT and a message naming the
 * codec ("zstd: decompressed 100 bytes, expected 120").  Codec specifics:
 *   - GZIP: inflate with windowBits 15+32 (gzip or zlib header, detected),
 *     looping over concatenated gzip members until the input is consumed;
 *   - LZ4 (the deprecated Parquet codec): Hadoop framing first - a
 *     sequence of [4-byte BE uncompressed size][4-byte BE compressed size]
 *     [raw LZ4 block] frames that exactly consume the input and produce
 *     dst_len bytes - then a raw LZ4 block, then the LZ4 frame format;
 *   - LZ4_RAW: one raw LZ4 block;
 *   - LZO: DCCD_EUNSUPPORTED.
 * pq_compress_ctx keeps a zstd context across a writer's pages (the same
 * output as pq_compress, without a fresh context's tables per page).
 * Compression appends to a dccd_buf: GZIP writes a gzip wrapper, LZ4 writes
 * Hadoop framing (what parquet-mr and Arrow read back), level 0 means the
 * codec's default (gzip 6, zstd 2, brotli 5); snappy and LZ4 have no level.
 * zstd's default is 2, not libzstd's 3: on this store's columns level 2 is
 * about 1.25x faster to compress and its files are within a few percent of
 * level 3's (1M OHLC rows: 27.8 MB at 2, 28.3 MB at 3; 1M trades: 9.30 MB
 * at 2, 8.95 MB at 3; DuckDB at its default 3 writes 34.4 and 10.1 MB);
 * the figures and the command are in bench/README.md.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <lz4.h>
#include <lz4frame.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "parquet/codec.h"

#define PQ_BROTLI_DEFAULT_QUALITY 5
#define PQ_ZSTD_DEFAULT_LEVEL 2

static const char *codec_name(dccd_pq_codec c)
{
    switch (c) {
    case DCCD_PQ_UNCOMPRESSED: return "uncompressed";
    case DCCD_PQ_SNAPPY: return "snappy";
    case DCCD_PQ_GZIP: return "gzip";
    case DCCD_PQ_LZO: return "lzo";
    case DCCD_PQ_BROTLI: return "brotli";
    case DCCD_PQ_LZ4: return "lz4";
    case DCCD_PQ_ZSTD: return "zstd";
    case DCCD_PQ_LZ4_RAW: return "lz4_raw";
    default: return "unknown codec";
    }
}

static uint32_t load_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* ---- decompression --------------------------------------------------------- */

static int gzip_decompress(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len, dccd_error *err)
{
    z_stream zs;
    uint8_t dummy;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 15 + 32) != Z_OK)
        return dccd_err_set(err, DCCD_ENOMEM, "gzip: cannot initialise inflate");
    size_t in_pos = 0, out_pos = 0;
    int rc = DCCD_OK, members = 0;
    for (;;) {
        size_t in_chunk = src_len - in_pos, out_chunk = dst_len - out_pos;
        if (in_chunk > UINT_MAX)
            in_chunk = UINT_MAX;
        if (out_chunk > UINT_MAX)
            out_chunk = UINT_MAX;
        zs.next_in = (Bytef *)(uintptr_t)(src + in_pos);
        zs.avail_in = (uInt)in_chunk;
        /* when the output is full, offer one scratch byte to detect overflow */
        zs.next_out = out_chunk ? dst + out_pos : &dummy;
        zs.avail_out = out_chunk ? (uInt)out_chunk : 1;
        int z = inflate(&zs, Z_NO_FLUSH);
        size_t used_in = in_chunk - zs.avail_in;
        size_t made = (out_chunk ? out_chunk : 1) - zs.avail_out;
        in_pos += used_in;
        if (!out_chunk && made) {
            rc = dccd_err_set(err, DCCD_ECORRUPT, "gzip: decompressed more than the expected %zu bytes", dst_len);
            break;
        }
        out_pos += made;
        if (z == Z_STREAM_END) {
            members++;
            if (in_pos == src_len)
                break;
            /* another member follows (concatenated gzip) */
            if (inflateReset(&zs) != Z_OK) {
                rc = dccd_err_set(err, DCCD_ECORRUPT, "gzip: cannot reset for member %d", members + 1);
                break;
            }
            continue;
        }
        if (z == Z_OK)
            continue;
        if (z == Z_BUF_ERROR && used_in == 0 && made == 0) {
            rc = dccd_err_set(err, DCCD_ECORRUPT, "gzip: truncated input after %zu of %zu bytes (%zu bytes out)",
                              in_pos, src_len, out_pos);
            break;
        }
        if (z == Z_BUF_ERROR)
            continue;
        rc = dccd_err_set(err, DCCD_ECORRUPT, "gzip: corrupt input at byte %zu: %s", in_pos,
                          zs.msg ? zs.msg : "inflate failed");
        break;
    }
    inflateEnd(&zs);
    if (rc)
        return rc;
    if (out_pos != dst_len)
        return dccd_err_set(err, DCCD_ECORRUPT, "gzip: decompressed %zu bytes, expected %zu", out_pos, dst_len);
    return DCCD_OK;
}

/* Hadoop framing; returns 1 if it decoded exactly, 0 if the input is not
 * Hadoop framed (the caller then tries other formats). */
static int lz4_hadoop(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len)
{
    size_t in = 0, out = 0;
    if (src_len < 8)
        return 0;
    while (in < src_len) {
        if (src_len - in < 8)
            return 0;
        uint32_t usize = load_be32(src + in), csize = load_be32(src + in + 4);
        in += 8;
        if (csize > src_len - in || usize > dst_len - out || csize > INT_MAX || usize > INT_MAX)
            return 0;
        int r = LZ4_decompress_safe((const char *)(src + in), (char *)(dst + out), (int)csize, (int)usize);
        if (r < 0 || (uint32_t)r != usize)
            return 0;
        in += csize;
        out += usize;
    }
    return out == dst_len;
}

static int lz4_frame(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len, dccd_error *err)
{
    LZ4F_dctx *dctx;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION)))
        return dccd_err_set(err, DCCD_ENOMEM, "lz4: cannot create a frame decompression context");
    size_t in = 0, out = 0;
    int rc = DCCD_OK;
    uint8_t dummy;
    while (in < src_len) {
        size_t isz = src_len - in, osz = dst_len - out;
        int full = osz == 0;
        if (full)
            osz = 1;
        size_t r = LZ4F_decompress(dctx, full ? &dummy : dst + out, &osz, src + in, &isz, NULL);
        if (LZ4F_isError(r)) {
            rc = dccd_err_set(err, DCCD_ECORRUPT, "lz4: corrupt input (not Hadoop-framed, raw block or frame: %s)",
                              LZ4F_getErrorName(r));
            break;
        }
        if (full && osz) {
            rc = dccd_err_set(err, DCCD_ECORRUPT, "lz4: decompressed more than the expected %zu bytes", dst_len);
            break;
        }
        in += isz;
        out += osz;
        if (isz == 0 && osz == 0) {
            rc = dccd_err_set(err, DCCD_ECORRUPT, "lz4: truncated frame input");
            break;
        }
        if (r != 0 && in == src_len) {
            rc = dccd_err_set(err, DCCD_ECORRUPT, "lz4: truncated frame input");
            break;
        }
    }
    LZ4F_freeDecompressionContext(dctx);
    if (rc)
        return rc;
    if (out != dst_len)
        return dccd_err_set(err, DCCD_ECORRUPT, "lz4: decompressed %zu bytes, expected %zu", out, dst_len);
    return DCCD_OK;
}

/* The outcome of a zstd decompression into dst_len bytes. */
static int zstd_result(size_t r, size_t dst_len, dccd_error *err)
{
    if (ZSTD_isError(r)) {
        if (ZSTD_getErrorCode(r) == ZSTD_error_dstSize_tooSmall)
            return dccd_err_set(err, DCCD_ECORRUPT, "zstd: decompressed more than the expected %zu bytes", dst_len);
        return dccd_err_set(err, DCCD_ECORRUPT, "zstd: corrupt input: %s", ZSTD_getErrorName(r));
    }
    if (r != dst_len)
        return dccd_err_set(err, DCCD_ECORRUPT, "zstd: decompressed %zu bytes, expected %zu", r, dst_len);
    return DCCD_OK;
}

int pq_decompress(dccd_pq_codec codec, const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len,
                  dccd_error *err)
{
    uint8_t dummy[1];
    if (!dst) {
        if (dst_len)
            return dccd_err_set(err, DCCD_EINVAL, "%s: NULL output buffer", codec_name(codec));
        dst = dummy;
    }
    static const uint8_t empty[1] = {0};
    if (!src) {
        if (src_len)
            return dccd_err_set(err, DCCD_EINVAL, "%s: NULL input buffer", codec_name(codec));
        src = empty;
    }
    switch (codec) {
    case DCCD_PQ_UNCOMPRESSED:
        if (src_len != dst_len)
            return dccd_err_set(err, DCCD_ECORRUPT, "uncompressed: page holds %zu bytes, expected %zu", src_len,
                                dst_len);
        if (dst_len)
            memcpy(dst, src, dst_len);
        return DCCD_OK;
    case DCCD_PQ_SNAPPY:
        return pq_snappy_uncompress(src, src_len, dst, dst_len, err);
    case DCCD_PQ_GZIP:
        return gzip_decompress(src, src_len, dst, dst_len, err);
    case DCCD_PQ_ZSTD:
        return zstd_result(ZSTD_decompress(dst, dst_len, src, src_len), dst_len, err);
    case DCCD_PQ_BROTLI: {
        size_t out = dst_len;
        BrotliDecoderResult r = BrotliDecoderDecompress(src_len, src, &out, dst);
        if (r != BROTLI_DECODER_RESULT_SUCCESS)
            return dccd_err_set(err, DCCD_ECORRUPT,
                                "brotli: corrupt input, truncated, or more than the expected %zu bytes", dst_len);
        if (out != dst_len)
            return dccd_err_set(err, DCCD_ECORRUPT, "brotli: decompressed %zu bytes, expected %zu", out, dst_len);
        return DCCD_OK;
    }
    case DCCD_PQ_LZ4_RAW: {
        if (src_len > INT_MAX || dst_len > INT_MAX)
            return dccd_err_set(err, DCCD_ERANGE, "lz4_raw: page of %zu/%zu bytes too large", src_len, dst_len);
        int r = LZ4_decompress_safe((const char *)src, (char *)dst, (int)src_len, (int)dst_len);
        if (r < 0)
            return dccd_err_set(err, DCCD_ECORRUPT, "lz4_raw: corrupt input or more than the expected %zu bytes",
                                dst_len);
        if ((size_t)r != dst_len)
            return dccd_err_set(err, DCCD_ECORRUPT, "lz4_raw: decompressed %d bytes, expected %zu", r, dst_len);
        return DCCD_OK;
    }
    case DCCD_PQ_LZ4: {
        if (lz4_hadoop(src, src_len, dst, dst_len))
            return DCCD_OK;
        if (src_len <= INT_MAX && dst_len <= INT_MAX) {
            int r = LZ4_decompress_safe((const char *)src, (char *)dst, (int)src_len, (int)dst_len);
            if (r >= 0 && (size_t)r == dst_len)
                return DCCD_OK;
        }
        return lz4_frame(src, src_len, dst, dst_len, err);
    }
    case DCCD_PQ_LZO:
        return dccd_err_set(err, DCCD_EUNSUPPORTED, "lzo: codec not supported");
    default:
        return dccd_err_set(err, DCCD_EUNSUPPORTED, "unknown compression codec %d", (int)codec);
    }
}

/* ---- compression ------------------------------------------------------------ */

static int gzip_compress(int level, const uint8_t *src, size_t src_len, dccd_buf *dst, dccd_error *err)
{
    if (level == 0)
        level = Z_DEFAULT_COMPRESSION;
    else if (level < 1 || level > 9)
        return dccd_err_set(err, DCCD_EINVAL, "gzip: compression level %d out of range 1..9", level);
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return dccd_err_set(err, DCCD_ENOMEM, "gzip: cannot initialise deflate");
    int rc = DCCD_OK;
    size_t in_pos = 0;
    uLong bound = src_len <= UINT_MAX / 2 ? deflateBound(&zs, (uLong)src_len) : 1u << 20;
    for (;;) {
        rc = dccd_buf_reserve(dst, bound, err);
        if (rc)
            break;
        size_t in_chunk = src_len - in_pos, out_room = dst->cap - dst->len;
        if (in_chunk > UINT_MAX)
            in_chunk = UINT_MAX;
        if (out_room > UINT_MAX)
            out_room = UINT_MAX;
        zs.next_in = (Bytef *)(uintptr_t)(src + in_pos);
        zs.avail_in = (uInt)in_chunk;
        zs.next_out = dst->data + dst->len;
        zs.avail_out = (uInt)out_room;
        int flush = in_pos + in_chunk == src_len ? Z_FINISH : Z_NO_FLUSH;
        int z = deflate(&zs, flush);
        in_pos += in_chunk - zs.avail_in;
        dst->len += out_room - zs.avail_out;
        if (z == Z_STREAM_END)
            break;
        if (z != Z_OK && z != Z_BUF_ERROR) {
            rc = dccd_err_set(err, DCCD_EINVAL, "gzip: deflate failed (%d)", z);
            break;
        }
        bound = 1u << 16;
    }
    deflateEnd(&zs);
    return rc;
}

static int lz4_block(const uint8_t *src, size_t src_len, dccd_buf *dst, size_t *out, const char *name,
                     dccd_error *err)
{
    if (src_len > LZ4_MAX_INPUT_SIZE)
        return dccd_err_set(err, DCCD_ERANGE, "%s: %zu bytes too large to compress", name, src_len);
    int bound = LZ4_compressBound((int)src_len);
    int rc = dccd_buf_reserve(dst, (size_t)bound, err);
    if (rc)
        return rc;
    int r = LZ4_compress_default((const char *)src, (char *)(dst->data + dst->len), (int)src_len, bound);
    if (r <= 0)
        return dccd_err_set(err, DCCD_EINVAL, "%s: compression failed", name);
    *out = (size_t)r;
    return DCCD_OK;
}

int pq_compress(dccd_pq_codec codec, int level, const uint8_t *src, size_t src_len, dccd_buf *dst,
                dccd_error *err)
{
    static const uint8_t empty[1] = {0};
    if (!src) {
        if (src_len)
            return dccd_err_set(err, DCCD_EINVAL, "%s: NULL input buffer", codec_name(codec));
        src = empty;
    }
    int rc;
    switch (codec) {
    case DCCD_PQ_UNCOMPRESSED:
        return src_len ? dccd_buf_append(dst, src, src_len, err) : DCCD_OK;
    case DCCD_PQ_SNAPPY: {
        size_t bound = snappy_max_compressed_length(src_len);
        if ((rc = dccd_buf_reserve(dst, bound, err)))
            return rc;
        size_t out = bound;
        if (snappy_compress((const char *)src, src_len, (char *)(dst->data + dst->len), &out) != SNAPPY_OK)
            return dccd_err_set(err, DCCD_EINVAL, "snappy: compression failed");
        dst->len += out;
        return DCCD_OK;
    }
    case DCCD_PQ_GZIP:
        return gzip_compress(level, src, src_len, dst, err);
    case DCCD_PQ_ZSTD: {
        if (level == 0)
            level = PQ_ZSTD_DEFAULT_LEVEL;
        if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel())
            return dccd_err_set(err, DCCD_EINVAL, "zstd: compression level %d out of range %d..%d", level,
                                ZSTD_minCLevel(), ZSTD_maxCLevel());
        size_t bound = ZSTD_compressBound(src_len);
        if (ZSTD_isError(bound))
            return dccd_err_set(err, DCCD_ERANGE, "zstd: %zu bytes too large to compress", src_len);
        if ((rc = dccd_buf_reserve(dst, bound, err)))
            return rc;
        size_t r = ZSTD_compress(dst->data + dst->len, bound, src, src_len, level);
        if (ZSTD_isError(r))
            return dccd_err_set(err, DCCD_EINVAL, "zstd: compression failed: %s", ZSTD_getErrorName(r));
        dst->len += r;
        return DCCD_OK;
    }
    case DCCD_PQ_BROTLI: {
        if (level == 0)
            level = PQ_BROTLI_DEFAULT_QUALITY;
        if (level < BROTLI_MIN_QUALITY || level > BROTLI_MAX_QUALITY)
            return dccd_err_set(err, DCCD_EINVAL, "brotli: quality %d out of range %d..%d", level,
                                BROTLI_MIN_QUALITY, BROTLI_MAX_QUALITY);
        size_t bound = BrotliEncoderMaxCompressedSize(src_len);
        if (bound == 0)
            return dccd_err_set(err, DCCD_ERANGE, "brotli: %zu bytes too large to compress", src_len);
        if ((rc = dccd_buf_reserve(dst, bound, err)))
            return rc;
        size_t out = bound;
        if (!BrotliEncoderCompress(level, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, src_len, src, &out,
                                   dst->data + dst->len))
            return dccd_err_set(err, DCCD_EINVAL, "brotli: compression failed");
        dst->len += out;
        return DCCD_OK;
    }
    case DCCD_PQ_LZ4_RAW: {
        size_t out = 0;
        if ((rc = lz4_block(src, src_len, dst, &out, "lz4_raw", err)))
            return rc;
        dst->len += out;
        return DCCD_OK;
    }
    case DCCD_PQ_LZ4: {
        /* Hadoop framing: one frame [usize BE][csize BE][block] */
        size_t start = dst->len, out = 0;
        uint8_t hdr[8] = {0};
        if ((rc = dccd_buf_append(dst, hdr, 8, err)))
            return rc;
        if ((rc = lz4_block(src, src_len, dst, &out, "lz4", err))) {
            dst->len = start;
            return rc;
        }
        dst->len += out;
        store_be32(dst->data + start, (uint32_t)src_len);
        store_be32(dst->data + start + 4, (uint32_t)out);
        return DCCD_OK;
    }
    case DCCD_PQ_LZO:
        return dccd_err_set(err, DCCD_EUNSUPPORTED, "lzo: codec not supported");
    default:
        return dccd_err_set(err, DCCD_EUNSUPPORTED, "unknown compression codec %d", (int)codec);
    }
}

struct pq_cctx {
    ZSTD_CCtx *zstd;
};

void pq_cctx_free(pq_cctx *ctx)
{
    if (!ctx)
        return;
    ZSTD_freeCCtx(ctx->zstd);
    free(ctx);
}

int pq_compress_ctx(pq_cctx **ctx, dccd_pq_codec codec, int level, const uint8_t *src, size_t src_len,
                    dccd_buf *dst, dccd_error *err)
{
    if (codec != DCCD_PQ_ZSTD || !ctx)
        return pq_compress(codec, level, src, src_len, dst, err);
    static const uint8_t empty[1] = {0};
    if (!src) {
        if (src_len)
            return dccd_err_set(err, DCCD_EINVAL, "zstd: NULL input buffer");
        src = empty;
    }
    if (level == 0)
        level = PQ_ZSTD_DEFAULT_LEVEL;
    if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel())
        return dccd_err_set(err, DCCD_EINVAL, "zstd: compression level %d out of range %d..%d", level,
                            ZSTD_minCLevel(), ZSTD_maxCLevel());
    if (!*ctx) {
        pq_cctx *c = calloc(1, sizeof *c);
        if (!c)
            return DCCD_ENOMEM_MSG(err);
        if (!(c->zstd = ZSTD_createCCtx())) {
            free(c);
            return DCCD_ENOMEM_MSG(err);
        }
        *ctx = c;
    }
    size_t bound = ZSTD_compressBound(src_len);
    if (ZSTD_isError(bound))
        return dccd_err_set(err, DCCD_ERANGE, "zstd: %zu bytes too large to compress", src_len);
    int rc = dccd_buf_reserve(dst, bound, err);
    if (rc)
        return rc;
    /* the same parameters as ZSTD_compress (which uses a fresh context) */
    size_t r = ZSTD_compressCCtx((*ctx)->zstd, dst->data + dst->len, bound, src, src_len, level);
    if (ZSTD_isError(r))
        return dccd_err_set(err, DCCD_EINVAL, "zstd: compression failed: %s", ZSTD_getErrorName(r));
    dst->len += r;
    return DCCD_OK;
}

struct pq_dctx {
    ZSTD_DCtx *zstd;
};

void pq_dctx_free(pq_dctx *ctx)
{
    if (!ctx)
        return;
    ZSTD_freeDCtx(ctx->zstd);
    free(ctx);
}

int pq_decompress_ctx(pq_dctx **ctx, dccd_pq_codec codec, const uint8_t *src, size_t src_len, uint8_t *dst,
                      size_t dst_len, dccd_error *err)
{
    if (codec != DCCD_PQ_ZSTD || !ctx || !src || !dst)
        return pq_decompress(codec, src, src_len, dst, dst_len, err);
    if (!*ctx) {
        pq_dctx *c = calloc(1, sizeof *c);
        if (!c)
            return DCCD_ENOMEM_MSG(err);
        if (!(c->zstd = ZSTD_createDCtx())) {
            free(c);
            return DCCD_ENOMEM_MSG(err);
        }
        *ctx = c;
    }
    return zstd_result(ZSTD_decompressDCtx((*ctx)->zstd, dst, dst_len, src, src_len), dst_len, err);
}

uint32_t pq_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
    uLong c = crc;
    while (n > 0) {
        uInt k = n > UINT_MAX ? UINT_MAX : (uInt)n;
        c = crc32(c, p, k);
        p += k;
        n -= k;
    }
    return (uint32_t)c;
}
