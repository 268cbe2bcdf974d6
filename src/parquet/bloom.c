/*
 * src/parquet/bloom.c - the Parquet split-block bloom filter
 * (parquet-format BloomFilter.md).
 *
 * This file owns pq_bloom_size, pq_bloom_hash, pq_bloom_insert and
 * pq_bloom_contains.  The filter bitset is an array of 32-byte blocks, each
 * eight 32-bit words stored little-endian.  A 64-bit XXH64 (seed 0) hash
 * selects the block from its high 32 bits, ((hash >> 32) * num_blocks) >> 32,
 * and sets/tests one bit in each of the eight words from its low 32 bits:
 * bit (x * SALT[i]) >> 27 of word i.
 *
 * The bitset bytes are the exact on-disk layout (the bytes after the
 * BloomFilterHeader), so a filter read from a file can be probed directly
 * and a filter built here can be written as is.  A bitset smaller than one
 * block is treated as "may contain everything" (insert does nothing).
 */
#include <math.h>
#include <string.h>

#include <xxhash.h>

#include "parquet/codec.h"

static const uint32_t SALT[8] = {0x47b6137bu, 0x44974d91u, 0x8824ad5bu, 0xa2b7289du,
                                 0x705495c7u, 0x2df1424bu, 0x9efc4947u, 0x5c6bfb31u};

size_t pq_bloom_size(size_t ndv, double fpp)
{
    if (ndv == 0)
        return PQ_BLOOM_MIN_BYTES;
    if (!(fpp > 0.0))
        return PQ_BLOOM_MAX_BYTES;
    if (!(fpp < 1.0))
        return PQ_BLOOM_MIN_BYTES;
    /* m bits = -8 * ndv / ln(1 - fpp^(1/8)) */
    double bits = -8.0 * (double)ndv / log(1.0 - pow(fpp, 1.0 / 8.0));
    double bytes = bits / 8.0;
    if (!(bytes < (double)PQ_BLOOM_MAX_BYTES))
        return PQ_BLOOM_MAX_BYTES;
    size_t want = (size_t)ceil(bytes);
    size_t sz = PQ_BLOOM_MIN_BYTES;
    while (sz < want && sz < PQ_BLOOM_MAX_BYTES)
        sz <<= 1;
    return sz;
}

uint64_t pq_bloom_hash(const void *p, size_t n)
{
    static const uint8_t empty[1] = {0};
    return (uint64_t)XXH64(p ? p : empty, n, 0);
}

static inline size_t block_index(uint64_t hash, size_t nblocks)
{
    return (size_t)(((hash >> 32) * (uint64_t)nblocks) >> 32);
}

void pq_bloom_insert(uint8_t *bits, size_t nbytes, uint64_t hash)
{
    size_t nblocks = nbytes / 32;
    if (nblocks == 0)
        return;
    uint8_t *b = bits + block_index(hash, nblocks) * 32;
    const uint32_t x = (uint32_t)hash;
    for (int i = 0; i < 8; i++) {
        uint32_t w = dccd_load_u32le(b + 4 * i);
        w |= 1u << ((x * SALT[i]) >> 27);
        dccd_store_u32le(b + 4 * i, w);
    }
}

int pq_bloom_contains(const uint8_t *bits, size_t nbytes, uint64_t hash)
{
    size_t nblocks = nbytes / 32;
    if (nblocks == 0)
        return 1;
    const uint8_t *b = bits + block_index(hash, nblocks) * 32;
    const uint32_t x = (uint32_t)hash;
    for (int i = 0; i < 8; i++) {
        uint32_t w = dccd_load_u32le(b + 4 * i);
        if (!(w & (1u << ((x * SALT[i]) >> 27))))
            return 0;
    }
    return 1;
}
