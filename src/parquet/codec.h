/*
 * src/parquet/codec.h - page compression codecs on top of the system
 * libraries (libsnappy, zlib, libzstd, liblz4, libbrotli), plus the page
 * CRC32 and the split-block bloom filter (xxHash64 from libxxhash).
 *
 * Implemented in codec.c and bloom.c.
 */
#ifndef DCCD_PQ_CODEC_H
#define DCCD_PQ_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"
#include "dccd/parquet.h"

/* Decompress src into exactly dst_len bytes (the page's uncompressed size).
 * Any other output size is DCCD_ECORRUPT.  GZIP accepts concatenated
 * members; LZ4 tries Hadoop framing then a raw block; LZO is
 * DCCD_EUNSUPPORTED. */
int pq_decompress(dccd_pq_codec codec, const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len,
                  dccd_error *err);
/* Compress src and append the result to dst.  level 0 = codec default. */
int pq_compress(dccd_pq_codec codec, int level, const uint8_t *src, size_t src_len, dccd_buf *dst,
                dccd_error *err);

/* Reusable compression state for a sequence of pq_compress_ctx calls (a
 * writer's pages): the zstd context, whose tables are otherwise allocated
 * and faulted in again for every page.  *ctx starts NULL; free it with
 * pq_cctx_free.  Output is byte-identical to pq_compress. */
typedef struct pq_cctx pq_cctx;
int pq_compress_ctx(pq_cctx **ctx, dccd_pq_codec codec, int level, const uint8_t *src, size_t src_len,
                    dccd_buf *dst, dccd_error *err);
void pq_cctx_free(pq_cctx *ctx);

/* The same for decompression: pq_decompress_ctx keeps a zstd context
 * across the pages of one chunk (one allocation instead of one per page);
 * same results and errors as pq_decompress. */
typedef struct pq_dctx pq_dctx;
int pq_decompress_ctx(pq_dctx **ctx, dccd_pq_codec codec, const uint8_t *src, size_t src_len, uint8_t *dst,
                      size_t dst_len, dccd_error *err);
void pq_dctx_free(pq_dctx *ctx);

/* CRC-32 (the zlib/IEEE polynomial), as Parquet page headers use. */
uint32_t pq_crc32(uint32_t crc, const uint8_t *p, size_t n);

/* ---- split-block bloom filter (parquet BloomFilter.md) ------------------ */
#define PQ_BLOOM_MIN_BYTES 32u
#define PQ_BLOOM_MAX_BYTES (128u * 1024u * 1024u)
/* Optimal size in bytes (power of two, 32..128 MiB) for ndv values at fpp. */
size_t pq_bloom_size(size_t ndv, double fpp);
uint64_t pq_bloom_hash(const void *p, size_t n);          /* XXH64, seed 0 */
void pq_bloom_insert(uint8_t *bits, size_t nbytes, uint64_t hash);
/* The snappy block decoder (src/parquet/snappy.c): exactly dst_len bytes
 * or DCCD_ECORRUPT.  pq_decompress uses it for SNAPPY pages. */
int pq_snappy_uncompress(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len, dccd_error *err);
int pq_bloom_contains(const uint8_t *bits, size_t nbytes, uint64_t hash);  /* 1 maybe, 0 no */

#endif /* DCCD_PQ_CODEC_H */
