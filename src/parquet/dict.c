/*
 * src/parquet/dict.c - the writer's dictionary for BYTE_ARRAY columns.
 *
 * This file owns pq_wdict: the distinct values of one column chunk in
 * insertion order (their bytes concatenated in one buffer, with offsets),
 * their hashes (tab_hash: inline for short values, XXH64 for long ones), and an
 * open-addressing hash table (linear probing, load factor <= 1/2) mapping a
 * value to its entry number.  Lookups compare the stored 64-bit hash first
 * and the bytes only on a hash match, so a probe is almost always one
 * cache line.  The structure is reset, not freed, between chunks.
 */
#include <stdlib.h>
#include <string.h>

#include "parquet/codec.h"
#include "parquet/writer_int.h"

void pq_wdict_init(pq_wdict *d)
{
    memset(d, 0, sizeof *d);
    dccd_buf_init(&d->data);
}

void pq_wdict_reset(pq_wdict *d)
{
    if (d->slots && d->n)
        memset(d->slots, 0, d->cap * sizeof *d->slots);
    d->n = 0;
    d->plain_bytes = 0;
    dccd_buf_reset(&d->data);
    if (d->offs)
        d->offs[0] = 0;
}

void pq_wdict_free(pq_wdict *d)
{
    free(d->slots);
    free(d->hashes);
    free(d->offs);
    free(d->mark);
    dccd_buf_free(&d->data);
    memset(d, 0, sizeof *d);
}

static int grow_table(pq_wdict *d, dccd_error *err)
{
    size_t ncap = d->cap ? d->cap * 2 : 1024;
    if (ncap > ((size_t)1 << 31))
        return dccd_err_set(err, DCCD_ERANGE, "dictionary: too many distinct values (%zu)", d->n);
    uint32_t *ns = calloc(ncap, sizeof *ns);
    if (!ns)
        return DCCD_ENOMEM_MSG(err);
    size_t mask = ncap - 1;
    for (size_t i = 0; i < d->n; i++) {
        size_t s = (size_t)d->hashes[i] & mask;
        while (ns[s])
            s = (s + 1) & mask;
        ns[s] = (uint32_t)(i + 1);
    }
    free(d->slots);
    d->slots = ns;
    d->cap = ncap;
    return DCCD_OK;
}

static int grow_entries(pq_wdict *d, dccd_error *err)
{
    size_t ncap = d->ent_cap ? d->ent_cap * 2 : 1024;
    uint64_t *nh = dccd_realloc_array(d->hashes, ncap, sizeof *nh);
    if (!nh)
        return DCCD_ENOMEM_MSG(err);
    d->hashes = nh;
    int64_t *no = dccd_realloc_array(d->offs, ncap + 1, sizeof *no);
    if (!no)
        return DCCD_ENOMEM_MSG(err);
    if (!d->offs)
        no[0] = 0;
    d->offs = no;
    uint32_t *nm = dccd_realloc_array(d->mark, ncap, sizeof *nm);
    if (!nm)
        return DCCD_ENOMEM_MSG(err);
    d->mark = nm;
    d->ent_cap = ncap;
    return DCCD_OK;
}

/* a[0..len) == b[0..len): short values (the common case: symbols, sides,
 * ids) without a memcmp call, as two overlapping words. */
static inline bool bytes_eq(const uint8_t *a, const uint8_t *b, size_t len)
{
    if (len >= 8 && len <= 16) {
        uint64_t x0, y0, x1, y1;
        memcpy(&x0, a, 8);
        memcpy(&y0, b, 8);
        memcpy(&x1, a + len - 8, 8);
        memcpy(&y1, b + len - 8, 8);
        return ((x0 ^ y0) | (x1 ^ y1)) == 0;
    }
    if (len >= 4 && len < 8) {
        uint32_t x0, y0, x1, y1;
        memcpy(&x0, a, 4);
        memcpy(&y0, b, 4);
        memcpy(&x1, a + len - 4, 4);
        memcpy(&y1, b + len - 4, 4);
        return ((x0 ^ y0) | (x1 ^ y1)) == 0;
    }
    if (len < 4) {
        for (size_t i = 0; i < len; i++)
            if (a[i] != b[i])
                return false;
        return true;
    }
    return memcmp(a, b, len) == 0;
}

/* The table's hash of a value: short values (up to 16 bytes: symbols,
 * sides, ids) by a multiply-xorshift mix of two overlapping words, inline;
 * longer ones by XXH64.  (Bloom filters hash the entries with XXH64 at the
 * chunk's end, see page_write.c.) */
static inline uint64_t tab_hash(const uint8_t *p, size_t len)
{
    uint64_t a, b;
    if (len >= 8 && len <= 16) {
        memcpy(&a, p, 8);
        memcpy(&b, p + len - 8, 8);
    } else if (len >= 4 && len < 8) {
        uint32_t x, y;
        memcpy(&x, p, 4);
        memcpy(&y, p + len - 4, 4);
        a = x;
        b = y;
    } else if (len && len < 4) {
        a = (uint64_t)p[0] | (uint64_t)p[len >> 1] << 8 | (uint64_t)p[len - 1] << 16;
        b = 0;
    } else if (!len) {
        a = b = 0;
    } else {
        return pq_bloom_hash(p, len);
    }
    uint64_t m = (b + len) * UINT64_C(0xC2B2AE3D27D4EB4F);
    uint64_t h = a * UINT64_C(0x9E3779B97F4A7C15) ^ (m >> 7 | m << 57);
    h ^= h >> 31;
    h *= UINT64_C(0xBF58476D1CE4E5B9);
    h ^= h >> 29;
    return h;
}

int pq_wdict_put_many(pq_wdict *d, const uint8_t *data, const int64_t *offs, size_t n, uint32_t *idx,
                      dccd_error *err)
{
    int rc;
    if (!d->offs && (rc = grow_entries(d, err)))
        return rc;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = data + offs[i];
        size_t len = (size_t)(offs[i + 1] - offs[i]);
        if ((d->n + 1) * 2 > d->cap && (rc = grow_table(d, err)))
            return rc;
        uint64_t h = tab_hash(p, len);
        size_t mask = d->cap - 1;
        size_t s = (size_t)h & mask;
        uint32_t e;
        for (;;) {
            e = d->slots[s];
            if (!e)
                break;
            size_t k = e - 1;
            if (d->hashes[k] == h && (size_t)(d->offs[k + 1] - d->offs[k]) == len &&
                (len == 0 || bytes_eq(d->data.data + d->offs[k], p, len)))
                break;
            s = (s + 1) & mask;
        }
        if (e) {
            idx[i] = e - 1;
            continue;
        }
        if (d->n >= d->ent_cap && (rc = grow_entries(d, err)))
            return rc;
        if ((rc = dccd_buf_append(&d->data, p, len, err)))
            return rc;
        d->hashes[d->n] = h;
        d->offs[d->n + 1] = (int64_t)d->data.len;
        d->mark[d->n] = 0; /* not seen by any page yet */
        d->slots[s] = (uint32_t)(d->n + 1);
        idx[i] = (uint32_t)d->n;
        d->n++;
        d->plain_bytes += 4 + len;
    }
    return DCCD_OK;
}
