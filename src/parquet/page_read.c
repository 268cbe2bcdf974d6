/*
 * src/parquet/page_read.c - dccd_pq_read_column: decoding one column chunk
 * of one row group into a dccd_pq_column; dccd_pq_read_columns /
 * dccd_pq_read_row_groups: many chunks as tasks on a pool.
 *
 * This file owns the page loop:
 *   - the chunk's byte range (pq_chunk_range) is read with ONE pread (for a
 *     memory file the caller's buffer is used in place);
 *   - page headers are decoded one after another (pq_decode_page_header)
 *     until the row group's row count is produced; every size in a header
 *     is checked against the chunk buffer and capped before allocating;
 *   - page CRC32 (when present) over the page bytes as stored;
 *   - dictionary pages (recognised by page type), data pages v1 (levels and
 *     values in the decompressed buffer) and v2 (levels uncompressed in
 *     front, values compressed only if is_compressed); index pages and
 *     unknown page types are skipped;
 *   - definition levels (max level 1 for optional, 0 for required columns:
 *     flat schemas only): RLE with a 4-byte length (v1), legacy BIT_PACKED
 *     (v1), RLE without length (v2);
 *   - value encodings PLAIN, PLAIN_DICTIONARY / RLE_DICTIONARY, RLE
 *     (BOOLEAN), DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY,
 *     DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT via encoding.h; codecs via
 *     codec.h.
 *
 * Fast paths: decompression goes into one reusable per-call buffer; values
 * of a page without nulls are decoded straight into the output array; a
 * page with nulls is decoded densely into scratch and scattered with a
 * width-specialised loop; dictionary gathers are width-specialised loops.
 * A compressed PLAIN fixed-width page (required, or optional v1 whose level
 * prefix is at most 64 bytes: the prefix is decompressed over the previous
 * page's last value bytes, saved and restored) is decompressed straight
 * into the output array, so its values are written once; definition
 * levels that are one RLE run of 1s skip the RLE decoder and the count.
 * Large output arrays are mappings of their own, 2 MiB-aligned, rounded up
 * to 2 MiB and with a transparent-huge-page hint (dccd_big_alloc; the
 * column's `mapped` bits say so): their first-touch page faults were a
 * third of a decode, the unaligned ends of malloc'd buffers kept most of
 * them, and heap memory malloc had touched before was slower still.
 *
 * All scratch state lives in a per-call struct, so the file handle is never
 * written: several threads may read one handle at once.
 *
 * dccd_pq_read_columns (one row group) and dccd_pq_read_row_groups (several,
 * as one batch of tasks) on a pool of several threads also split large
 * fixed-width chunks without a dictionary into parts of consecutive pages
 * (their headers walked first with small reads), each part a task that
 * reads its pages into its thread's reused buffer and decodes them straight
 * into its rows of the column's one output array (see the comment above
 * SPLIT_MIN_ROWS): a row group of a few large columns keeps every thread
 * busy to the end, and no chunk-sized buffer is allocated.  With threads,
 * the chunks of one call also share their thread's scratch (chunk bytes,
 * decompressed page, levels...): one set per thread, not per chunk.
 *
 * Errors are prefixed "<file>: row group R, column 'C', page P: ...".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/pool.h"
#include "parquet/codec.h"
#include "parquet/encoding.h"
#include "parquet/file.h"
#include "parquet/meta.h"

#define PAGE_MAX_UNCOMPRESSED (1024u * 1024u * 1024u) /* 1 GiB */
#define PAGE_MIN_CAP (16u * 1024u * 1024u)            /* page-size cap floor */
#define RG_MAX_ROWS ((int64_t)INT32_MAX)
#define INITIAL_ROWS ((size_t)1 << 20)
#define DICT_PAD 16u

typedef struct rd_dict {
    bool present;
    size_t n;
    uint8_t *fixed;     /* n * width bytes (fixed-width types) */
    int64_t *offs;      /* n + 1 (BYTE_ARRAY) */
    uint8_t *bytes;     /* BYTE_ARRAY contents */
} rd_dict;

typedef struct rd {
    const dccd_pq_file *f;
    const dccd_pq_column_info *ci;
    dccd_pq_codec codec;
    bool optional;
    size_t width;          /* slot width in bytes (0 for BYTE_ARRAY) */
    size_t n_rows;
    size_t produced;
    size_t cap;            /* slots allocated in the output */
    size_t null_count;
    size_t page_cap;       /* max uncompressed page size */
    size_t data_hint;      /* BYTE_ARRAY: initial data reservation */
    uint8_t *values;       /* fixed-width output */
    uint8_t *validity;     /* optional columns: n_rows bytes */
    int64_t *offsets;      /* BYTE_ARRAY: cap + 1 */
    bool values_mapped;    /* values / offsets: dccd_big_alloc's mapped flag */
    bool offsets_mapped;
    dccd_buf data;         /* BYTE_ARRAY contents */
    dccd_buf decomp;       /* decompressed page */
    dccd_buf levels;       /* definition levels of a page */
    dccd_buf dense;        /* dense values of a page with nulls */
    dccd_buf lens;         /* uint32 lengths of byte-array values */
    dccd_buf idx;          /* uint32 dictionary indices */
    dccd_buf tmp;          /* FLBA via delta decoders */
    rd_dict dict;
    pq_dctx *dctx;         /* zstd context kept across the chunk's pages */
} rd;

/* Release r's buffers (pointers left NULL: a second call is harmless). */
static void rd_free(rd *r)
{
    dccd_big_free(r->values, r->values_mapped);
    free(r->validity);
    dccd_big_free(r->offsets, r->offsets_mapped);
    r->values = r->validity = NULL;
    r->offsets = NULL;
    r->values_mapped = r->offsets_mapped = false;
    dccd_buf_free(&r->data);
    dccd_buf_free(&r->decomp);
    dccd_buf_free(&r->levels);
    dccd_buf_free(&r->dense);
    dccd_buf_free(&r->lens);
    dccd_buf_free(&r->idx);
    dccd_buf_free(&r->tmp);
    free(r->dict.fixed);
    free(r->dict.offs);
    free(r->dict.bytes);
    memset(&r->dict, 0, sizeof r->dict);
    pq_dctx_free(r->dctx);
    r->dctx = NULL;
}

/* Size a scratch buffer to hold at least n bytes (contents not kept). */
static int scratch(dccd_buf *b, size_t n, dccd_error *err)
{
    b->len = 0;
    return dccd_buf_reserve(b, n ? n : 1, err);
}

static int scratch_array(dccd_buf *b, size_t count, size_t size, dccd_error *err)
{
    size_t n;
    if (!dccd_mul_ok(count, size, &n))
        return dccd_err_set(err, DCCD_ERANGE, "scratch size overflow (%zu x %zu)", count, size);
    return scratch(b, n, err);
}

/* Record the definition levels lv of nv rows at r->produced (nn of them
 * valid).  The validity array only exists once a null was seen: until
 * then every row produced is valid (a chunk without nulls returns none). */
static int put_validity(rd *r, const uint8_t *lv, size_t nv, size_t nn, dccd_error *err)
{
    if (!r->validity) {
        if (nn == nv)
            return DCCD_OK;
        r->validity = malloc(r->cap ? r->cap : 1);
        if (!r->validity)
            return dccd_err_set(err, DCCD_ENOMEM, "out of memory for %zu validity bytes", r->cap);
        memset(r->validity, 1, r->produced);
    }
    if (nn == nv)
        memset(r->validity + r->produced, 1, nv);
    else
        memcpy(r->validity + r->produced, lv, nv);
    return DCCD_OK;
}

/* Output arrays that are the result and live on come from dccd_big_alloc
 * (their own 2 MiB-aligned huge-page mappings from 2 MiB on): the unaligned
 * ends of malloc'd buffers were most of a decode's page faults, and heap
 * memory malloc had touched before made a year load 40% slower.  Buffers
 * read and freed within the decode stay on malloc. */
static void *big_alloc_array(size_t count, size_t size, bool *mapped)
{
    size_t n;
    *mapped = false;
    return dccd_mul_ok(count, size, &n) ? dccd_big_alloc(n, mapped) : NULL;
}

static void *big_grow_array(void *p, bool *mapped, size_t old_count, size_t count, size_t size)
{
    size_t n;
    return dccd_mul_ok(count, size, &n) ? dccd_big_realloc(p, mapped, old_count * size, n) : NULL;
}

/* Reserve n bytes for BYTE_ARRAY contents.  (Not through dccd_big_alloc: the
 * data grows by reallocation, and huge pages asked for buffers that are
 * soon copied or freed made the kernel compact memory - 1-thread trades
 * decodes ran at 2-3x their time in bursts, 2026-12-03.) */
static int data_reserve(rd *r, size_t n, dccd_error *err)
{
    return dccd_buf_reserve(&r->data, n, err);
}

/* Make room for `need` output slots (need <= n_rows). */
static int ensure_cap(rd *r, size_t need, dccd_error *err)
{
    if (need <= r->cap)
        return DCCD_OK;
    size_t nc = r->cap ? r->cap * 2 : INITIAL_ROWS;
    if (nc < need)
        nc = need;
    if (nc > r->n_rows)
        nc = r->n_rows;
    if (r->width) {
        void *p = r->values ? big_grow_array(r->values, &r->values_mapped, r->cap, nc, r->width)
                            : big_alloc_array(nc, r->width, &r->values_mapped);
        if (!p)
            return dccd_err_set(err, DCCD_ENOMEM, "out of memory for %zu values", nc);
        r->values = p;
    } else {
        size_t n1 = nc + 1;
        void *p = r->offsets ? big_grow_array(r->offsets, &r->offsets_mapped, r->cap + 1, n1, sizeof(int64_t))
                             : big_alloc_array(n1, sizeof(int64_t), &r->offsets_mapped);
        if (!p)
            return dccd_err_set(err, DCCD_ENOMEM, "out of memory for %zu offsets", n1);
        r->offsets = p;
        if (r->cap == 0)
            r->offsets[0] = 0;
    }
    if (r->optional && r->validity) {
        void *p = realloc(r->validity, nc ? nc : 1);
        if (!p)
            return dccd_err_set(err, DCCD_ENOMEM, "out of memory for %zu validity bytes", nc);
        r->validity = p;
    }
    r->cap = nc;
    return DCCD_OK;
}

/* ---- dictionary ------------------------------------------------------------ */

static int read_dict(rd *r, const uint8_t *src, size_t len, int32_t nvals, int32_t encoding, dccd_error *err)
{
    if (r->dict.present)
        return dccd_err_set(err, DCCD_ECORRUPT, "second dictionary page in the chunk");
    if (r->produced > 0)
        return dccd_err_set(err, DCCD_ECORRUPT, "dictionary page after data pages");
    if (encoding != DCCD_PQ_ENC_PLAIN && encoding != DCCD_PQ_ENC_PLAIN_DICTIONARY)
        return dccd_err_set(err, DCCD_EUNSUPPORTED, "dictionary page encoding %d is not supported", (int)encoding);
    if (nvals < 0)
        return dccd_err_set(err, DCCD_ECORRUPT, "dictionary page has negative value count %d", (int)nvals);
    size_t n = (size_t)nvals;
    size_t consumed = 0;
    int rc;
    switch (r->ci->type) {
    case DCCD_PQ_BOOLEAN:
        return dccd_err_set(err, DCCD_ECORRUPT, "dictionary page on a BOOLEAN column");
    case DCCD_PQ_BYTE_ARRAY: {
        if (n > len / 4)
            return dccd_err_set(err, DCCD_ECORRUPT, "dictionary claims %zu values in %zu bytes", n, len);
        dccd_buf data = DCCD_BUF_INIT;
        uint32_t *lens = dccd_malloc_array(n ? n : 1, sizeof *lens);
        int64_t *offs = dccd_malloc_array(n + 1, sizeof *offs);
        if (!lens || !offs) {
            free(lens);
            free(offs);
            return dccd_err_set(err, DCCD_ENOMEM, "out of memory for a %zu-entry dictionary", n);
        }
        rc = dccd_buf_reserve(&data, len, err);
        if (!rc)
            rc = pq_plain_decode_byte_array(src, len, n, &data, lens, &consumed, err);
        if (rc) {
            free(lens);
            free(offs);
            dccd_buf_free(&data);
            return dccd_err_prefix(err, rc, "dictionary page");
        }
        offs[0] = 0;
        for (size_t i = 0; i < n; i++)
            offs[i + 1] = offs[i] + (int64_t)lens[i];
        free(lens);
        /* 16 bytes of slack so the gather may copy short values with one
         * fixed-size move */
        if (!rc)
            rc = dccd_buf_reserve(&data, DICT_PAD, err);
        if (rc) {
            free(offs);
            dccd_buf_free(&data);
            return rc;
        }
        memset(data.data + data.len, 0, DICT_PAD);
        r->dict.offs = offs;
        r->dict.bytes = data.data ? data.data : malloc(1);
        if (!r->dict.bytes)
            return DCCD_ENOMEM_MSG(err);
        break;
    }
    default: {
        size_t bytes;
        if (!dccd_mul_ok(n, r->width, &bytes) || bytes > len)
            return dccd_err_set(err, DCCD_ECORRUPT, "dictionary claims %zu values of %zu bytes in %zu bytes", n,
                                r->width, len);
        r->dict.fixed = malloc(bytes ? bytes : 1);
        if (!r->dict.fixed)
            return DCCD_ENOMEM_MSG(err);
        rc = pq_plain_decode_fixed(src, len, r->width, n, r->dict.fixed, &consumed, err);
        if (rc)
            return dccd_err_prefix(err, rc, "dictionary page");
        break;
    }
    }
    r->dict.n = n;
    r->dict.present = true;
    return DCCD_OK;
}

/* Decode nn dictionary indices (bit-width byte + RLE hybrid) into r->idx. */
static int dict_indices(rd *r, const uint8_t *src, size_t len, size_t nn, const uint32_t **out, dccd_error *err)
{
    if (!r->dict.present)
        return dccd_err_set(err, DCCD_ECORRUPT, "dictionary-encoded page without a dictionary page");
    if (len < 1)
        return dccd_err_set(err, DCCD_ECORRUPT, "dictionary indices: empty buffer for %zu values", nn);
    int bw = src[0];
    if (bw > 32)
        return dccd_err_set(err, DCCD_ECORRUPT, "dictionary indices: bit width %d", bw);
    int rc = scratch_array(&r->idx, nn, sizeof(uint32_t), err);
    if (rc)
        return rc;
    uint32_t *idx = (uint32_t *)(void *)r->idx.data;
    rc = pq_rle_decode(src + 1, len - 1, bw, idx, nn, err);
    if (rc)
        return dccd_err_prefix(err, rc, "dictionary indices");
    uint32_t max = 0;
    for (size_t i = 0; i < nn; i++)
        max = idx[i] > max ? idx[i] : max;
    if (nn && (size_t)max >= r->dict.n)
        return dccd_err_set(err, DCCD_ECORRUPT, "dictionary index %u out of range (dictionary has %zu entries)", max,
                            r->dict.n);
    *out = idx;
    return DCCD_OK;
}

static void gather_fixed(uint8_t *dst, const uint8_t *dict, const uint32_t *idx, size_t n, size_t w)
{
    switch (w) {
    case 4:
        for (size_t i = 0; i < n; i++)
            memcpy(dst + i * 4, dict + (size_t)idx[i] * 4, 4);
        break;
    case 8:
        for (size_t i = 0; i < n; i++)
            memcpy(dst + i * 8, dict + (size_t)idx[i] * 8, 8);
        break;
    case 12:
        for (size_t i = 0; i < n; i++)
            memcpy(dst + i * 12, dict + (size_t)idx[i] * 12, 12);
        break;
    default:
        for (size_t i = 0; i < n; i++)
            memcpy(dst + i * w, dict + (size_t)idx[i] * w, w);
        break;
    }
}

/* ---- values ---------------------------------------------------------------- */

/* Decode nn dense fixed-width values into dst. */
static int decode_fixed(rd *r, int32_t enc, const uint8_t *src, size_t len, size_t nn, uint8_t *dst,
                        dccd_error *err)
{
    size_t consumed = 0, w = r->width;
    dccd_pq_type t = r->ci->type;
    int rc;
    switch (enc) {
    case DCCD_PQ_ENC_PLAIN:
        if (t == DCCD_PQ_BOOLEAN)
            return pq_plain_decode_bool(src, len, nn, dst, &consumed, err);
        return pq_plain_decode_fixed(src, len, w, nn, dst, &consumed, err);
    case DCCD_PQ_ENC_RLE: {
        if (t != DCCD_PQ_BOOLEAN)
            break;
        if (len < 4)
            return dccd_err_set(err, DCCD_ECORRUPT, "RLE booleans: missing length prefix");
        uint32_t l = dccd_load_u32le(src);
        if (l > len - 4)
            return dccd_err_set(err, DCCD_ECORRUPT, "RLE booleans: length %u exceeds the page (%zu bytes)", l,
                                len - 4);
        return pq_rle_decode_u8(src + 4, l, 1, dst, nn, err);
    }
    case DCCD_PQ_ENC_PLAIN_DICTIONARY:
    case DCCD_PQ_ENC_RLE_DICTIONARY: {
        if (t == DCCD_PQ_BOOLEAN)
            break;
        if (nn == 0)
            return DCCD_OK;
        const uint32_t *idx;
        rc = dict_indices(r, src, len, nn, &idx, err);
        if (rc)
            return rc;
        gather_fixed(dst, r->dict.fixed, idx, nn, w);
        return DCCD_OK;
    }
    case DCCD_PQ_ENC_DELTA_BINARY_PACKED:
        if (nn == 0)
            return DCCD_OK;
        if (t == DCCD_PQ_INT32)
            return pq_delta_decode_i32(src, len, nn, (int32_t *)(void *)dst, &consumed, err);
        if (t == DCCD_PQ_INT64)
            return pq_delta_decode_i64(src, len, nn, (int64_t *)(void *)dst, &consumed, err);
        break;
    case DCCD_PQ_ENC_BYTE_STREAM_SPLIT: {
        if (t != DCCD_PQ_FLOAT && t != DCCD_PQ_DOUBLE && t != DCCD_PQ_INT32 && t != DCCD_PQ_INT64 &&
            t != DCCD_PQ_FIXED_LEN_BYTE_ARRAY)
            break;
        size_t need;
        if (!dccd_mul_ok(nn, w, &need) || need > len)
            return dccd_err_set(err, DCCD_ECORRUPT, "BYTE_STREAM_SPLIT: %zu values of %zu bytes exceed the page (%zu bytes)",
                                nn, w, len);
        return pq_bss_decode(src, need, w, nn, dst, err);
    }
    case DCCD_PQ_ENC_DELTA_BYTE_ARRAY:
    case DCCD_PQ_ENC_DELTA_LENGTH_BYTE_ARRAY: {
        if (t != DCCD_PQ_FIXED_LEN_BYTE_ARRAY)
            break;
        if (nn == 0)
            return DCCD_OK;
        rc = scratch_array(&r->lens, nn, sizeof(uint32_t), err);
        if (rc)
            return rc;
        uint32_t *lens = (uint32_t *)(void *)r->lens.data;
        r->tmp.len = 0;
        rc = enc == DCCD_PQ_ENC_DELTA_BYTE_ARRAY
                 ? pq_delta_byte_array_decode(src, len, nn, &r->tmp, lens, &consumed, err)
                 : pq_delta_length_decode(src, len, nn, &r->tmp, lens, &consumed, err);
        if (rc)
            return rc;
        for (size_t i = 0; i < nn; i++)
            if (lens[i] != w)
                return dccd_err_set(err, DCCD_ECORRUPT, "value %zu has %u bytes, FIXED_LEN_BYTE_ARRAY(%zu) expected",
                                    i, lens[i], w);
        if (r->tmp.len != nn * w)
            return dccd_err_set(err, DCCD_ECORRUPT, "decoded %zu bytes for %zu values of %zu bytes", r->tmp.len, nn,
                                w);
        memcpy(dst, r->tmp.data, nn * w);
        return DCCD_OK;
    }
    default:
        break;
    }
    return dccd_err_set(err, DCCD_EUNSUPPORTED, "encoding %s (%d) is not supported for %s",
                        dccd_pq_encoding_name((dccd_pq_encoding)enc), (int)enc, dccd_pq_type_name(t));
}

/* Decode nn dense byte-array values: bytes appended to r->data, lengths in
 * r->lens. */
static int decode_bytes(rd *r, int32_t enc, const uint8_t *src, size_t len, size_t nn, const uint32_t **lens_out,
                        dccd_error *err)
{
    int rc = scratch_array(&r->lens, nn, sizeof(uint32_t), err);
    if (rc)
        return rc;
    uint32_t *lens = (uint32_t *)(void *)r->lens.data;
    *lens_out = lens;
    if (nn == 0)
        return DCCD_OK;
    size_t consumed = 0;
    if (r->data.cap == 0 && r->data_hint > 0 && enc != DCCD_PQ_ENC_PLAIN_DICTIONARY &&
        enc != DCCD_PQ_ENC_RLE_DICTIONARY) {
        /* values are at most the chunk's uncompressed size: one allocation */
        rc = data_reserve(r, r->data_hint, err);
        if (rc)
            return rc;
    }
    switch (enc) {
    case DCCD_PQ_ENC_PLAIN:
        return pq_plain_decode_byte_array(src, len, nn, &r->data, lens, &consumed, err);
    case DCCD_PQ_ENC_DELTA_LENGTH_BYTE_ARRAY:
        return pq_delta_length_decode(src, len, nn, &r->data, lens, &consumed, err);
    case DCCD_PQ_ENC_DELTA_BYTE_ARRAY:
        return pq_delta_byte_array_decode(src, len, nn, &r->data, lens, &consumed, err);
    case DCCD_PQ_ENC_PLAIN_DICTIONARY:
    case DCCD_PQ_ENC_RLE_DICTIONARY: {
        const uint32_t *idx;
        rc = dict_indices(r, src, len, nn, &idx, err);
        if (rc)
            return rc;
        const int64_t *offs = r->dict.offs;
        size_t total = 0;
        for (size_t i = 0; i < nn; i++) {
            uint32_t l = (uint32_t)(offs[idx[i] + 1] - offs[idx[i]]);
            lens[i] = l;
            if (!dccd_add_ok(total, l, &total))
                return dccd_err_set(err, DCCD_ERANGE, "dictionary expansion overflows");
        }
        size_t room;
        if (!dccd_add_ok(total, DICT_PAD, &room))
            return dccd_err_set(err, DCCD_ERANGE, "dictionary expansion overflows");
        if (r->data.len + room > r->data.cap && r->data.len == 0 && r->n_rows > r->produced + nn) {
            /* first page: size the buffer for the whole chunk at this page's
             * average value length, avoiding repeated growth */
            size_t est;
            if (dccd_mul_ok(total / nn + 1, r->n_rows - r->produced, &est) && est < ((size_t)1 << 32))
                room = est + DICT_PAD > room ? est + DICT_PAD : room;
        }
        rc = data_reserve(r, room, err);
        if (rc)
            return rc;
        uint8_t *d = r->data.data + r->data.len;
        const uint8_t *db = r->dict.bytes;
        for (size_t i = 0; i < nn; i++) {
            const uint8_t *s = db + offs[idx[i]];
            uint32_t l = lens[i];
            if (l <= DICT_PAD)
                memcpy(d, s, DICT_PAD); /* dictionary and output both have slack */
            else
                memcpy(d, s, l);
            d += l;
        }
        r->data.len += total;
        return DCCD_OK;
    }
    default:
        break;
    }
    return dccd_err_set(err, DCCD_EUNSUPPORTED, "encoding %s (%d) is not supported for BYTE_ARRAY",
                        dccd_pq_encoding_name((dccd_pq_encoding)enc), (int)enc);
}

/* Spread nn dense values over nv slots following def levels (1 = value). */
static void scatter_fixed(uint8_t *dst, const uint8_t *src, const uint8_t *def, size_t nv, size_t w)
{
    size_t k = 0;
    switch (w) {
    case 1:
        for (size_t i = 0; i < nv; i++) {
            dst[i] = def[i] ? src[k] : 0;
            k += def[i];
        }
        break;
    case 4: {
        static const uint8_t z[4] = {0};
        for (size_t i = 0; i < nv; i++) {
            memcpy(dst + i * 4, def[i] ? src + k * 4 : z, 4);
            k += def[i];
        }
        break;
    }
    case 8: {
        static const uint8_t z[8] = {0};
        for (size_t i = 0; i < nv; i++) {
            memcpy(dst + i * 8, def[i] ? src + k * 8 : z, 8);
            k += def[i];
        }
        break;
    }
    default:
        for (size_t i = 0; i < nv; i++) {
            if (def[i])
                memcpy(dst + i * w, src + (k++) * w, w);
            else
                memset(dst + i * w, 0, w);
        }
        break;
    }
}

/* Decode the values section of a data page: nv rows, def levels in `def`
 * (NULL when the page has no nulls), nn non-null values. */
static int page_values(rd *r, int32_t enc, const uint8_t *src, size_t len, size_t nv, const uint8_t *def,
                       size_t nn, dccd_error *err)
{
    int rc;
    size_t at = r->produced;
    if (r->width) {
        uint8_t *out = r->values + at * r->width;
        if (!def || nn == nv)
            return decode_fixed(r, enc, src, len, nv, out, err);
        if (enc == DCCD_PQ_ENC_PLAIN && r->ci->type != DCCD_PQ_BOOLEAN) {
            /* PLAIN values are already dense in the page: scatter from there */
            size_t need;
            if (!dccd_mul_ok(nn, r->width, &need) || need > len)
                return dccd_err_set(err, DCCD_ECORRUPT, "PLAIN: %zu values of %zu bytes exceed the page (%zu bytes)",
                                    nn, r->width, len);
            scatter_fixed(out, src, def, nv, r->width);
            return DCCD_OK;
        }
        rc = scratch_array(&r->dense, nn, r->width, err);
        if (rc)
            return rc;
        rc = decode_fixed(r, enc, src, len, nn, r->dense.data, err);
        if (rc)
            return rc;
        scatter_fixed(out, r->dense.data, def, nv, r->width);
        return DCCD_OK;
    }
    const uint32_t *lens;
    rc = decode_bytes(r, enc, src, len, nn, &lens, err);
    if (rc)
        return rc;
    int64_t *offs = r->offsets + at;
    int64_t o = offs[0];
    if (!def || nn == nv) {
        for (size_t i = 0; i < nv; i++) {
            o += lens[i];
            offs[i + 1] = o;
        }
    } else {
        size_t k = 0;
        for (size_t i = 0; i < nv; i++) {
            if (def[i])
                o += lens[k++];
            offs[i + 1] = o;
        }
    }
    if ((uint64_t)o != (uint64_t)r->data.len)
        return dccd_err_set(err, DCCD_ECORRUPT, "byte-array lengths (%lld) disagree with the decoded bytes (%zu)",
                            (long long)o, r->data.len);
    return DCCD_OK;
}

/* Record nv rows of def levels (or all-valid) in the validity array. */
static size_t count_valid(const uint8_t *def, size_t nv)
{
    size_t n = 0;
    for (size_t i = 0; i < nv; i++)
        n += def[i];
    return n;
}

/* Decompress `src` (comp bytes) into r->decomp when the codec needs it. */
static int maybe_decompress(rd *r, const uint8_t *src, size_t comp, size_t uncomp, bool compressed,
                            const uint8_t **out, size_t *out_len, dccd_error *err)
{
    if (!compressed || r->codec == DCCD_PQ_UNCOMPRESSED) {
        *out = src;
        *out_len = comp;
        return DCCD_OK;
    }
    if (uncomp == 0) {
        *out = src;
        *out_len = 0;
        return DCCD_OK;
    }
    int rc = scratch(&r->decomp, uncomp, err);
    if (rc)
        return rc;
    rc = pq_decompress_ctx(&r->dctx, r->codec, src, comp, r->decomp.data, uncomp, err);
    if (rc)
        return rc;
    *out = r->decomp.data;
    *out_len = uncomp;
    return DCCD_OK;
}

/* Fast path: a page whose (decompressed) values are exactly nv PLAIN
 * fixed-width values with no nulls is decompressed straight into the
 * output array.  Returns 1 when it handled the page. */
static int direct_plain(rd *r, int32_t enc, const uint8_t *src, size_t comp, size_t uncomp, size_t nv,
                        dccd_error *err)
{
    if (enc != DCCD_PQ_ENC_PLAIN || !r->width || r->ci->type == DCCD_PQ_BOOLEAN || r->codec == DCCD_PQ_UNCOMPRESSED)
        return 0;
    size_t need;
    if (!dccd_mul_ok(nv, r->width, &need) || need != uncomp || uncomp == 0)
        return 0;
    int rc = pq_decompress_ctx(&r->dctx, r->codec, src, comp, r->values + r->produced * r->width, uncomp, err);
    return rc ? -rc : 1;
}

/* True when the RLE definition levels src[0..len) are a single run of n
 * ones (what writers emit for a page without nulls). */
static bool levels_all_one(const uint8_t *src, size_t len, size_t n)
{
    uint64_t h = 0;
    for (size_t i = 0; i < len && i < 10; i++) {
        h |= (uint64_t)(src[i] & 0x7f) << (7 * i);
        if (!(src[i] & 0x80))
            return i + 2 == len && !(h & 1) && (h >> 1) == n && src[i + 1] == 1;
    }
    return false;
}

#define V1_PREFIX_MAX 64u

/* Fast path for a compressed v1 page of an optional PLAIN fixed-width column
 * without nulls: the page is [4-byte length][levels][nv values], so it is
 * decompressed straight into the output array, the level prefix landing on
 * the last bytes of the values already produced (saved and restored).
 * Returns 1 when the page is done, 0 when it was not attempted (*p NULL) or
 * when the page turned out otherwise (then *p, *len is the whole decompressed
 * page in r->decomp), a negative error code on error. */
static int direct_plain_opt(rd *r, const pq_data_page_header *d, const uint8_t *src, size_t comp, size_t uncomp,
                            size_t nv, const uint8_t **p, size_t *len, dccd_error *err)
{
    *p = NULL;
    if (d->encoding != DCCD_PQ_ENC_PLAIN || d->definition_level_encoding != DCCD_PQ_ENC_RLE || !r->width ||
        r->ci->type == DCCD_PQ_BOOLEAN || r->codec == DCCD_PQ_UNCOMPRESSED)
        return 0;
    size_t need;
    if (!dccd_mul_ok(nv, r->width, &need) || need >= uncomp || uncomp - need > V1_PREFIX_MAX ||
        uncomp - need < 4 || r->produced * r->width < uncomp - need)
        return 0;
    size_t pre = uncomp - need;
    uint8_t *out = r->values + r->produced * r->width, *base = out - pre;
    uint8_t save[V1_PREFIX_MAX], head[V1_PREFIX_MAX];
    memcpy(save, base, pre);
    int rc = pq_decompress_ctx(&r->dctx, r->codec, src, comp, base, uncomp, err);
    memcpy(head, base, pre);
    memcpy(base, save, pre);
    if (rc)
        return -rc;
    uint32_t l = dccd_load_u32le(head);
    if ((size_t)l + 4 == pre) {
        if (levels_all_one(head + 4, l, nv)) {
            if ((rc = put_validity(r, NULL, nv, nv, err)))
                return -rc;
            r->produced += nv;
            return 1;
        }
    }
    /* not a page without nulls: hand back the whole page */
    rc = scratch(&r->decomp, uncomp, err);
    if (rc)
        return -rc;
    memcpy(r->decomp.data, head, pre);
    memcpy(r->decomp.data + pre, out, need);
    *p = r->decomp.data;
    *len = uncomp;
    return 0;
}

static int data_page_v1(rd *r, const pq_page_header *h, const uint8_t *page, size_t comp, size_t uncomp,
                        dccd_error *err)
{
    if (!h->has_data_page_header)
        return dccd_err_set(err, DCCD_ECORRUPT, "data page without a data page header");
    const pq_data_page_header *d = &h->data_page_header;
    if (d->num_values < 0)
        return dccd_err_set(err, DCCD_ECORRUPT, "negative value count %d", (int)d->num_values);
    size_t nv = (size_t)d->num_values;
    if (nv > r->n_rows - r->produced)
        return dccd_err_set(err, DCCD_ECORRUPT, "page has %zu values but only %zu rows remain in the row group", nv,
                            r->n_rows - r->produced);
    if (nv == 0)
        return DCCD_OK;
    int rc = ensure_cap(r, r->produced + nv, err);
    if (rc)
        return rc;
    if (!r->optional) {
        int dp = direct_plain(r, d->encoding, page, comp, uncomp, nv, err);
        if (dp < 0)
            return -dp;
        if (dp > 0) {
            r->produced += nv;
            return DCCD_OK;
        }
    }
    const uint8_t *p = NULL;
    size_t len = 0;
    if (r->optional) {
        int dp = direct_plain_opt(r, d, page, comp, uncomp, nv, &p, &len, err);
        if (dp < 0)
            return -dp;
        if (dp > 0)
            return DCCD_OK;
    }
    if (!p && (rc = maybe_decompress(r, page, comp, uncomp, true, &p, &len, err)))
        return rc;
    const uint8_t *def = NULL;
    size_t nn = nv;
    bool all1 = false;
    if (r->optional) {
        rc = scratch(&r->levels, nv, err);
        if (rc)
            return rc;
        uint8_t *lv = r->levels.data;
        if (d->definition_level_encoding == DCCD_PQ_ENC_RLE) {
            if (len < 4)
                return dccd_err_set(err, DCCD_ECORRUPT, "definition levels: missing length prefix");
            uint32_t l = dccd_load_u32le(p);
            if (l > len - 4)
                return dccd_err_set(err, DCCD_ECORRUPT, "definition levels: length %u exceeds the page (%zu bytes)",
                                    l, len - 4);
            if ((all1 = levels_all_one(p + 4, l, nv)))
                memset(lv, 1, nv);
            else if ((rc = pq_rle_decode_u8(p + 4, l, 1, lv, nv, err)))
                return dccd_err_prefix(err, rc, "definition levels");
            p += 4 + (size_t)l;
            len -= 4 + (size_t)l;
        } else if (d->definition_level_encoding == DCCD_PQ_ENC_BIT_PACKED) {
            size_t l = (nv + 7) / 8;
            if (l > len)
                return dccd_err_set(err, DCCD_ECORRUPT, "definition levels: %zu bytes exceed the page (%zu bytes)", l,
                                    len);
            rc = pq_bitpacked_legacy_decode_u8(p, l, 1, lv, nv, err);
            if (rc)
                return dccd_err_prefix(err, rc, "definition levels");
            p += l;
            len -= l;
        } else {
            return dccd_err_set(err, DCCD_EUNSUPPORTED, "definition level encoding %d is not supported",
                                (int)d->definition_level_encoding);
        }
        nn = all1 ? nv : count_valid(lv, nv);
        def = lv;
        if ((rc = put_validity(r, lv, nv, nn, err)))
            return rc;
    }
    rc = page_values(r, d->encoding, p, len, nv, def, nn, err);
    if (rc)
        return rc;
    r->null_count += nv - nn;
    r->produced += nv;
    return DCCD_OK;
}

static int data_page_v2(rd *r, const pq_page_header *h, const uint8_t *page, size_t comp, size_t uncomp,
                        dccd_error *err)
{
    if (!h->has_data_page_header_v2)
        return dccd_err_set(err, DCCD_ECORRUPT, "data page v2 without its header");
    const pq_data_page_header_v2 *d = &h->data_page_header_v2;
    if (d->num_values < 0 || d->num_nulls < 0 || d->num_nulls > d->num_values ||
        d->definition_levels_byte_length < 0 || d->repetition_levels_byte_length < 0)
        return dccd_err_set(err, DCCD_ECORRUPT, "invalid counts (values %d, nulls %d, levels %d+%d bytes)",
                            (int)d->num_values, (int)d->num_nulls, (int)d->repetition_levels_byte_length,
                            (int)d->definition_levels_byte_length);
    size_t nv = (size_t)d->num_values;
    if (nv > r->n_rows - r->produced)
        return dccd_err_set(err, DCCD_ECORRUPT, "page has %zu values but only %zu rows remain in the row group", nv,
                            r->n_rows - r->produced);
    size_t rl = (size_t)d->repetition_levels_byte_length, dl = (size_t)d->definition_levels_byte_length;
    if (rl + dl > comp || rl + dl > uncomp)
        return dccd_err_set(err, DCCD_ECORRUPT, "level bytes (%zu) exceed the page (%zu/%zu bytes)", rl + dl, comp,
                            uncomp);
    if (nv == 0)
        return DCCD_OK;
    if (!r->optional && d->num_nulls != 0)
        return dccd_err_set(err, DCCD_ECORRUPT, "%d nulls in a required column", (int)d->num_nulls);
    int rc = ensure_cap(r, r->produced + nv, err);
    if (rc)
        return rc;
    const uint8_t *def = NULL;
    size_t nn = nv;
    if (r->optional) {
        rc = scratch(&r->levels, nv, err);
        if (rc)
            return rc;
        uint8_t *lv = r->levels.data;
        bool all1 = levels_all_one(page + rl, dl, nv);
        if (all1)
            memset(lv, 1, nv);
        else if ((rc = pq_rle_decode_u8(page + rl, dl, 1, lv, nv, err)))
            return dccd_err_prefix(err, rc, "definition levels");
        nn = all1 ? nv : count_valid(lv, nv);
        if (nv - nn != (size_t)d->num_nulls)
            return dccd_err_set(err, DCCD_ECORRUPT, "header says %d nulls, definition levels have %zu",
                                (int)d->num_nulls, nv - nn);
        def = lv;
        if ((rc = put_validity(r, lv, nv, nn, err)))
            return rc;
    }
    if (nn == nv && d->is_compressed) {
        int dp = direct_plain(r, d->encoding, page + rl + dl, comp - rl - dl, uncomp - rl - dl, nv, err);
        if (dp < 0)
            return -dp;
        if (dp > 0) {
            r->produced += nv;
            return DCCD_OK;
        }
    }
    const uint8_t *p;
    size_t len;
    rc = maybe_decompress(r, page + rl + dl, comp - rl - dl, uncomp - rl - dl, d->is_compressed, &p, &len, err);
    if (rc)
        return rc;
    rc = page_values(r, d->encoding, p, len, nv, def, nn, err);
    if (rc)
        return rc;
    r->null_count += nv - nn;
    r->produced += nv;
    return DCCD_OK;
}

static size_t slot_width(const dccd_pq_column_info *ci)
{
    switch (ci->type) {
    case DCCD_PQ_BOOLEAN: return 1;
    case DCCD_PQ_INT32: case DCCD_PQ_FLOAT: return 4;
    case DCCD_PQ_INT64: case DCCD_PQ_DOUBLE: return 8;
    case DCCD_PQ_INT96: return 12;
    case DCCD_PQ_FIXED_LEN_BYTE_ARRAY: return (size_t)ci->type_length;
    default: return 0;
    }
}

static int read_pages(rd *r, const uint8_t *buf, size_t len, int *page_no, dccd_error *err)
{
    size_t pos = 0;
    int rc = DCCD_OK;
    dccd_arena arena;
    *page_no = 0;
    while (r->produced < r->n_rows) {
        if (pos >= len)
            return dccd_err_set(err, DCCD_ECORRUPT, "column chunk ends after %zu of %zu rows", r->produced,
                                r->n_rows);
        pq_page_header h;
        size_t consumed = 0;
        dccd_arena_init(&arena, 16u * 1024u * 1024u);
        rc = pq_decode_page_header(buf + pos, len - pos, &arena, &h, &consumed, err);
        dccd_arena_free(&arena); /* only statistics live there; not used */
        if (rc)
            return dccd_err_prefix(err, rc, "page header at chunk offset %zu", pos);
        if (consumed == 0 || consumed > len - pos)
            return dccd_err_set(err, DCCD_ECORRUPT, "page header at chunk offset %zu has an invalid size", pos);
        pos += consumed;
        if (h.compressed_page_size < 0 || (size_t)h.compressed_page_size > len - pos)
            return dccd_err_set(err, DCCD_ECORRUPT, "compressed size %d exceeds the chunk (%zu bytes left)",
                                (int)h.compressed_page_size, len - pos);
        if (h.uncompressed_page_size < 0 || (size_t)h.uncompressed_page_size > r->page_cap)
            return dccd_err_set(err, DCCD_ECORRUPT, "uncompressed size %d is out of range (limit %zu)",
                                (int)h.uncompressed_page_size, r->page_cap);
        size_t comp = (size_t)h.compressed_page_size, uncomp = (size_t)h.uncompressed_page_size;
        const uint8_t *page = buf + pos;
        pos += comp;
        if (h.has_crc) {
            uint32_t c = pq_crc32(0, page, comp);
            if (c != (uint32_t)h.crc)
                return dccd_err_set(err, DCCD_ECORRUPT, "page CRC mismatch (stored %08x, computed %08x)",
                                    (unsigned)(uint32_t)h.crc, (unsigned)c);
        }
        switch (h.type) {
        case PQ_PAGE_DICTIONARY: {
            if (!h.has_dictionary_page_header)
                return dccd_err_set(err, DCCD_ECORRUPT, "dictionary page without its header");
            const uint8_t *p;
            size_t plen;
            rc = maybe_decompress(r, page, comp, uncomp, true, &p, &plen, err);
            if (!rc)
                rc = read_dict(r, p, plen, h.dictionary_page_header.num_values, h.dictionary_page_header.encoding,
                               err);
            break;
        }
        case PQ_PAGE_DATA:
            rc = data_page_v1(r, &h, page, comp, uncomp, err);
            break;
        case PQ_PAGE_DATA_V2:
            rc = data_page_v2(r, &h, page, comp, uncomp, err);
            break;
        default: /* INDEX_PAGE and unknown types are skipped */
            break;
        }
        if (rc)
            return rc;
        (*page_no)++;
    }
    return DCCD_OK;
}

/* Validate the chunk of (rg, col) and set up a reader for its n_rows rows;
 * *start / *clen receive the chunk's byte range. */
static int rd_begin(dccd_pq_file *f, int rg, int col, rd *r, uint64_t *start, uint64_t *clen, dccd_error *err)
{
    memset(r, 0, sizeof *r);
    if (rg < 0 || (size_t)rg >= f->meta.n_row_groups || col < 0 || col >= f->ncols)
        return dccd_err_set(err, DCCD_EINVAL, "%s: row group %d, column %d out of range", f->name, rg, col);
    const dccd_pq_column_info *ci = &f->cols[col];
    int rc = pq_chunk_range(f, rg, col, start, clen, err);
    if (rc)
        return rc;
    const pq_row_group *g = &f->meta.row_groups[rg];
    const pq_column_meta *m = &g->columns[col].meta_data;
    if (g->num_rows > RG_MAX_ROWS)
        return dccd_err_set(err, DCCD_ERANGE, "%s: row group %d has %lld rows (more than %lld are not supported)",
                            f->name, rg, (long long)g->num_rows, (long long)RG_MAX_ROWS);
    if (m->num_values != g->num_rows)
        return dccd_err_set(err, DCCD_ECORRUPT, "%s: row group %d, column '%s': chunk has %lld values for %lld rows",
                            f->name, rg, ci->name, (long long)m->num_values, (long long)g->num_rows);
    if (m->codec < 0 || m->codec > DCCD_PQ_LZ4_RAW)
        return dccd_err_set(err, DCCD_EUNSUPPORTED, "%s: row group %d, column '%s': unknown codec %d", f->name, rg,
                            ci->name, (int)m->codec);
    r->f = f;
    r->ci = ci;
    r->codec = (dccd_pq_codec)m->codec;
    r->optional = ci->optional;
    r->width = slot_width(ci);
    r->n_rows = (size_t)g->num_rows;
    r->page_cap = PAGE_MAX_UNCOMPRESSED;
    if (m->total_uncompressed_size > 0) {
        uint64_t cap = (uint64_t)m->total_uncompressed_size;
        if (cap < PAGE_MIN_CAP)
            cap = PAGE_MIN_CAP;
        if (cap < r->page_cap)
            r->page_cap = (size_t)cap;
    }
    if (!r->width && m->total_uncompressed_size > 0 && (uint64_t)m->total_uncompressed_size <= PAGE_MAX_UNCOMPRESSED)
        r->data_hint = (size_t)m->total_uncompressed_size;
    return DCCD_OK;
}

/* Success: hand the reader's buffers over to out; frees r. */
static int rd_hand_over(rd *r, dccd_pq_column *out, dccd_error *err)
{
    const dccd_pq_column_info *ci = r->ci;
    out->type = ci->type;
    out->type_length = ci->type_length;
    out->n = r->n_rows;
    out->null_count = r->null_count;
    out->mapped = 0;
    if (r->width) {
        out->values = r->values ? (void *)r->values : malloc(1);
        if (r->values && r->values_mapped)
            out->mapped |= DCCD_PQ_MAPPED_VALUES;
        r->values = NULL;
        r->values_mapped = false;
    } else {
        if (!r->offsets) {
            r->offsets = calloc(1, sizeof(int64_t));
            r->offsets_mapped = false;
        }
        out->offsets = r->offsets;
        if (r->offsets && r->offsets_mapped)
            out->mapped |= DCCD_PQ_MAPPED_OFFSETS;
        r->offsets = NULL;
        r->offsets_mapped = false;
        out->data = r->data.data ? r->data.data : malloc(1);
        dccd_buf_init(&r->data);
    }
    if (r->null_count > 0) {
        out->validity = r->validity;
        r->validity = NULL;
    }
    bool fixed = r->width != 0;
    rd_free(r);
    if ((fixed && !out->values) || (!fixed && (!out->offsets || !out->data))) {
        dccd_pq_column_free(out);
        return DCCD_ENOMEM_MSG(err);
    }
    return DCCD_OK;
}

/* Scratch of one thread for the chunks and parts it decodes in one
 * dccd_pq_read_columns call (a reader borrows it): fresh buffers per chunk
 * or part were mostly page faults and zeroing. */
typedef struct rc_scratch {
    dccd_buf pages;        /* a chunk's or a part's pages read from the file */
    dccd_buf decomp, levels, dense, lens, idx, tmp;
    pq_dctx *dctx;
} rc_scratch;

static void scratch_swap(rd *r, rc_scratch *w)
{
    dccd_buf t;
#define SWAP_BUF(x) (t = r->x, r->x = w->x, w->x = t)
    SWAP_BUF(decomp);
    SWAP_BUF(levels);
    SWAP_BUF(dense);
    SWAP_BUF(lens);
    SWAP_BUF(idx);
    SWAP_BUF(tmp);
#undef SWAP_BUF
    pq_dctx *d = r->dctx;
    r->dctx = w->dctx;
    w->dctx = d;
}

static void rc_scratch_free(rc_scratch *w)
{
    dccd_buf_free(&w->pages);
    dccd_buf_free(&w->decomp);
    dccd_buf_free(&w->levels);
    dccd_buf_free(&w->dense);
    dccd_buf_free(&w->lens);
    dccd_buf_free(&w->idx);
    dccd_buf_free(&w->tmp);
    pq_dctx_free(w->dctx);
    w->dctx = NULL;
}

/* Decode the whole chunk buf[0..len) with the reader r (from rd_begin) into
 * out; frees r. */
static int decode_whole(rd *r, int rg, const uint8_t *buf, size_t len, dccd_pq_column *out, dccd_error *err)
{
    int page_no = 0;
    int rc = ensure_cap(r, r->n_rows < INITIAL_ROWS ? r->n_rows : INITIAL_ROWS, err);
    if (!rc)
        rc = read_pages(r, buf, len, &page_no, err);
    if (rc) {
        dccd_err_prefix(err, rc, "%s: row group %d, column '%s', page %d", r->f->name, rg, r->ci->name, page_no);
        rd_free(r);
        return rc;
    }
    return rd_hand_over(r, out, err);
}

/* dccd_pq_read_column, with the scratch buffers (chunk, decompression...)
 * borrowed from w when not NULL. */
static int read_column_with(dccd_pq_file *f, int rg, int col, dccd_pq_column *out, rc_scratch *w, dccd_error *err)
{
    memset(out, 0, sizeof *out);
    rd r;
    uint64_t start, clen;
    int rc = rd_begin(f, rg, col, &r, &start, &clen, err);
    if (rc)
        return rc;
    const dccd_pq_column_info *ci = r.ci;

    const uint8_t *buf;
    uint8_t *owned = NULL;
    if (f->mem) {
        buf = f->mem + start;
    } else if (w) {
        if ((rc = scratch(&w->pages, (size_t)clen, err)) ||
            (rc = pq_file_read_at(f, start, (size_t)clen, w->pages.data, err)))
            return dccd_err_prefix(err, rc, "row group %d, column '%s'", rg, ci->name);
        buf = w->pages.data;
    } else {
        owned = malloc((size_t)clen ? (size_t)clen : 1); /* transient: no huge pages (see data_reserve) */
        if (!owned)
            return dccd_err_set(err, DCCD_ENOMEM, "%s: row group %d, column '%s': out of memory for a %llu-byte chunk",
                                f->name, rg, ci->name, (unsigned long long)clen);
        rc = pq_file_read_at(f, start, (size_t)clen, owned, err);
        if (rc) {
            free(owned);
            return dccd_err_prefix(err, rc, "row group %d, column '%s'", rg, ci->name);
        }
        buf = owned;
    }

    if (w) {
        /* decode_whole frees r: its borrowed buffers go back first */
        scratch_swap(&r, w);
        int page_no = 0;
        rc = ensure_cap(&r, r.n_rows < INITIAL_ROWS ? r.n_rows : INITIAL_ROWS, err);
        if (!rc)
            rc = read_pages(&r, buf, (size_t)clen, &page_no, err);
        scratch_swap(&r, w);
        if (rc) {
            dccd_err_prefix(err, rc, "%s: row group %d, column '%s', page %d", f->name, rg, ci->name, page_no);
            rd_free(&r);
            return rc;
        }
        return rd_hand_over(&r, out, err);
    }
    rc = decode_whole(&r, rg, buf, (size_t)clen, out, err);
    free(owned);
    return rc;
}

int dccd_pq_read_column(dccd_pq_file *f, int rg, int col, dccd_pq_column *out, dccd_error *err)
{
    if (!f || !out)
        return dccd_err_set(err, DCCD_EINVAL, "dccd_pq_read_column: NULL argument");
    return read_column_with(f, rg, col, out, NULL, err);
}

/* ---- row ranges through the OffsetIndex ------------------------------------ */

#define OI_MAX_BYTES (64u * 1024u * 1024u)

/* Keep rows [off, off + n) of a decoded column, in place. */
static void column_slice(dccd_pq_column *c, size_t width, size_t off, size_t n)
{
    if (off == 0 && n == c->n)
        return;
    if (width) {
        memmove(c->values, (uint8_t *)c->values + off * width, n * width);
    } else {
        int64_t base = c->offsets[off];
        memmove(c->data, c->data + base, (size_t)(c->offsets[off + n] - base));
        for (size_t i = 0; i <= n; i++)
            c->offsets[i] = c->offsets[off + i] - base;
    }
    if (c->validity) {
        memmove(c->validity, c->validity + off, n);
        size_t nulls = 0;
        for (size_t i = 0; i < n; i++)
            nulls += c->validity[i] == 0;
        c->null_count = nulls;
        if (nulls == 0) {
            free(c->validity);
            c->validity = NULL;
        }
    }
    c->n = n;
}

/* Decode the pages in front of the first indexed data page: only
 * dictionary pages (index pages and unknown types are skipped). */
static int read_prefix(rd *r, const uint8_t *buf, size_t len, dccd_error *err)
{
    size_t pos = 0;
    while (pos < len) {
        pq_page_header h;
        size_t consumed = 0;
        dccd_arena arena;
        dccd_arena_init(&arena, 16u * 1024u * 1024u);
        int rc = pq_decode_page_header(buf + pos, len - pos, &arena, &h, &consumed, err);
        dccd_arena_free(&arena);
        if (rc)
            return dccd_err_prefix(err, rc, "page header at chunk offset %zu", pos);
        if (consumed == 0 || consumed > len - pos)
            return dccd_err_set(err, DCCD_ECORRUPT, "page header at chunk offset %zu has an invalid size", pos);
        pos += consumed;
        if (h.compressed_page_size < 0 || (size_t)h.compressed_page_size > len - pos)
            return dccd_err_set(err, DCCD_ECORRUPT,
                                "compressed size %d exceeds the bytes before the first indexed page (%zu left)",
                                (int)h.compressed_page_size, len - pos);
        if (h.uncompressed_page_size < 0 || (size_t)h.uncompressed_page_size > r->page_cap)
            return dccd_err_set(err, DCCD_ECORRUPT, "uncompressed size %d is out of range (limit %zu)",
                                (int)h.uncompressed_page_size, r->page_cap);
        size_t comp = (size_t)h.compressed_page_size, uncomp = (size_t)h.uncompressed_page_size;
        const uint8_t *page = buf + pos;
        pos += comp;
        if (h.has_crc) {
            uint32_t c = pq_crc32(0, page, comp);
            if (c != (uint32_t)h.crc)
                return dccd_err_set(err, DCCD_ECORRUPT, "page CRC mismatch (stored %08x, computed %08x)",
                                    (unsigned)(uint32_t)h.crc, (unsigned)c);
        }
        if (h.type == PQ_PAGE_DATA || h.type == PQ_PAGE_DATA_V2)
            return dccd_err_set(err, DCCD_ECORRUPT,
                                "data page at chunk offset %zu lies before the first page of the offset index",
                                pos - comp - consumed);
        if (h.type != PQ_PAGE_DICTIONARY)
            continue;
        if (!h.has_dictionary_page_header)
            return dccd_err_set(err, DCCD_ECORRUPT, "dictionary page without its header");
        const uint8_t *p;
        size_t plen;
        rc = maybe_decompress(r, page, comp, uncomp, true, &p, &plen, err);
        if (!rc)
            rc = read_dict(r, p, plen, h.dictionary_page_header.num_values, h.dictionary_page_header.encoding, err);
        if (rc)
            return rc;
    }
    return DCCD_OK;
}

/* Read and decode the OffsetIndex of (rg, col); ENOTFOUND if there is none.
 * oi->pages points into *arena. */
static int load_offset_index(const dccd_pq_file *f, int rg, int col, dccd_arena *arena, pq_offset_index *oi,
                             dccd_error *err)
{
    const pq_column_chunk *cc = &f->meta.row_groups[rg].columns[col];
    if (!cc->has_offset_index)
        return DCCD_ENOTFOUND;
    int64_t off = cc->offset_index_offset;
    int32_t len = cc->offset_index_length;
    if (off < 0 || len <= 0 || (uint64_t)off > f->size || (uint64_t)len > f->size - (uint64_t)off ||
        (uint32_t)len > OI_MAX_BYTES)
        return dccd_err_set(err, DCCD_ECORRUPT, "offset index range [%lld, +%d) is invalid", (long long)off,
                            (int)len);
    uint8_t *blob = malloc((size_t)len);
    if (!blob)
        return DCCD_ENOMEM_MSG(err);
    int rc = pq_file_read_at(f, (uint64_t)off, (size_t)len, blob, err);
    if (!rc) {
        dccd_arena_init(arena, (size_t)len * 16u + (1u << 20));
        rc = pq_decode_offset_index(blob, (size_t)len, arena, oi, err);
        if (rc) {
            dccd_arena_free(arena);
            dccd_err_prefix(err, rc, "offset index");
        }
    }
    free(blob);
    return rc;
}

/* Every page location must lie inside the chunk [start, end), in order and
 * without overlap; first rows must start at 0, increase strictly and stay
 * below the row count. */
static int check_offset_index(const pq_offset_index *oi, uint64_t start, uint64_t end, int64_t rows,
                              dccd_error *err)
{
    if (oi->n_pages == 0)
        return rows == 0 ? DCCD_OK : dccd_err_set(err, DCCD_ECORRUPT, "offset index lists no page for %lld rows",
                                                  (long long)rows);
    uint64_t prev_end = start;
    for (size_t i = 0; i < oi->n_pages; i++) {
        const pq_page_location *p = &oi->pages[i];
        if (p->offset < 0 || (uint64_t)p->offset < prev_end || p->compressed_page_size <= 0 ||
            (uint64_t)p->offset > end || (uint64_t)p->compressed_page_size > end - (uint64_t)p->offset)
            return dccd_err_set(err, DCCD_ECORRUPT,
                                "offset index page %zu at [%lld, +%d) is outside the chunk [%llu, %llu) or overlaps "
                                "the previous page",
                                i, (long long)p->offset, (int)p->compressed_page_size, (unsigned long long)start,
                                (unsigned long long)end);
        if (i == 0 ? p->first_row_index != 0
                   : p->first_row_index <= oi->pages[i - 1].first_row_index || p->first_row_index >= rows)
            return dccd_err_set(err, DCCD_ECORRUPT, "offset index page %zu: first row %lld is out of order", i,
                                (long long)p->first_row_index);
        prev_end = (uint64_t)p->offset + (uint64_t)p->compressed_page_size;
    }
    return DCCD_OK;
}

int dccd_pq_read_column_range(dccd_pq_file *f, int rg, int col, int64_t row_from, int64_t row_to,
                              dccd_pq_column *out, dccd_error *err)
{
    if (!f || !out)
        return dccd_err_set(err, DCCD_EINVAL, "dccd_pq_read_column_range: NULL argument");
    memset(out, 0, sizeof *out);
    rd r;
    uint64_t start, clen;
    int rc = rd_begin(f, rg, col, &r, &start, &clen, err);
    if (rc)
        return rc;
    const dccd_pq_column_info *ci = r.ci;
    int64_t rows = (int64_t)r.n_rows;
    if (row_from < 0 || row_to < row_from || row_to > rows)
        return dccd_err_set(err, DCCD_EINVAL, "%s: row group %d, column '%s': row range [%lld, %lld) is outside [0, %lld)",
                            f->name, rg, ci->name, (long long)row_from, (long long)row_to, (long long)rows);
    if (row_from == row_to) {
        r.n_rows = 0;
        return rd_hand_over(&r, out, err);
    }

    dccd_arena arena;
    pq_offset_index oi;
    rc = load_offset_index(f, rg, col, &arena, &oi, err);
    if (rc == DCCD_ENOTFOUND) {
        /* no page index: decode the whole chunk and slice it */
        rc = dccd_pq_read_column(f, rg, col, out, err);
        if (!rc)
            column_slice(out, r.width, (size_t)row_from, (size_t)(row_to - row_from));
        return rc;
    }
    if (rc)
        return dccd_err_prefix(err, rc, "%s: row group %d, column '%s'", f->name, rg, ci->name);
    rc = check_offset_index(&oi, start, start + clen, rows, err);
    if (rc) {
        dccd_arena_free(&arena);
        return dccd_err_prefix(err, rc, "%s: row group %d, column '%s'", f->name, rg, ci->name);
    }

    /* pages a..b hold the range */
    size_t a = 0, b = 0;
    for (size_t i = 0; i < oi.n_pages; i++) {
        if (oi.pages[i].first_row_index <= row_from)
            a = i;
        if (oi.pages[i].first_row_index < row_to)
            b = i;
    }
    int64_t first = oi.pages[a].first_row_index;
    int64_t last = b + 1 < oi.n_pages ? oi.pages[b + 1].first_row_index : rows;
    uint64_t pre_len = (uint64_t)oi.pages[0].offset - start;
    uint64_t dat_off = (uint64_t)oi.pages[a].offset;
    uint64_t dat_len = (uint64_t)oi.pages[b].offset + (uint64_t)oi.pages[b].compressed_page_size - dat_off;
    dccd_arena_free(&arena);

    r.n_rows = (size_t)(last - first);
    if (r.data_hint)
        r.data_hint = (size_t)((double)r.data_hint * ((double)r.n_rows / (double)rows)) + 64;

    const uint8_t *pre, *dat;
    uint8_t *owned = NULL;
    if (f->mem) {
        pre = f->mem + start;
        dat = f->mem + dat_off;
    } else {
        owned = malloc((size_t)(pre_len + dat_len) ? (size_t)(pre_len + dat_len) : 1);
        if (!owned)
            return dccd_err_set(err, DCCD_ENOMEM, "%s: row group %d, column '%s': out of memory for %llu bytes of pages",
                                f->name, rg, ci->name, (unsigned long long)(pre_len + dat_len));
        rc = pq_file_read_at(f, start, (size_t)pre_len, owned, err);
        if (!rc)
            rc = pq_file_read_at(f, dat_off, (size_t)dat_len, owned + pre_len, err);
        if (rc) {
            free(owned);
            return dccd_err_prefix(err, rc, "row group %d, column '%s'", rg, ci->name);
        }
        pre = owned;
        dat = owned + pre_len;
    }
    int page_no = 0;
    rc = ensure_cap(&r, r.n_rows < INITIAL_ROWS ? r.n_rows : INITIAL_ROWS, err);
    if (!rc && pre_len)
        rc = read_prefix(&r, pre, (size_t)pre_len, err);
    if (!rc) {
        rc = read_pages(&r, dat, (size_t)dat_len, &page_no, err);
        page_no += (int)a;
    }
    free(owned);
    if (rc) {
        dccd_err_prefix(err, rc, "%s: row group %d, column '%s', page %d", f->name, rg, ci->name, page_no);
        rd_free(&r);
        return rc;
    }
    rc = rd_hand_over(&r, out, err);
    if (!rc)
        column_slice(out, r.width, (size_t)(row_from - first), (size_t)(row_to - row_from));
    return rc;
}

/* ---- several chunks of a row group, concurrently ----------------------- */

/* With a pool of several threads, a fixed-width chunk of at least
 * SPLIT_MIN_ROWS rows whose pages are all data pages (no dictionary) is
 * split into parts of consecutive pages, decoded as separate tasks straight
 * into their rows of the one output array: so a few large columns keep
 * every thread busy to the end.  The three steps:
 *   1. per column (tasks): validate, read the chunk, walk its page headers
 *      (rows per page), plan the parts, allocate the output;
 *   2. one batch of tasks: the columns not split (whole, biggest first)
 *      and every part of the split ones;
 *   3. on the caller: the parts' validity and null counts are joined.
 * A part's reader (rd) is an ordinary one whose output is its rows of the
 * shared array; its first page does not take the in-place v1 fast path
 * (direct_plain_opt writes just before the page's rows), so parts never
 * write outside their rows.  A chunk whose page walk finds anything
 * unexpected is decoded whole, which reports the problem as the serial
 * reader does.  The columns are the same as dccd_pq_read_column's. */
#define SPLIT_MIN_ROWS ((size_t)65536)
#define SPLIT_PARTS_PER_THREAD 2

typedef struct rc_part {
    rd r;                  /* values: the part's rows of the column's output */
    size_t off, len;       /* its pages in the chunk buffer */
    int page0;             /* number of its first page in the chunk (messages) */
} rc_part;

typedef struct rc_col {
    rd r;                  /* from rd_begin; split: owns the output values */
    uint64_t start;        /* the chunk's file offset */
    size_t len;            /* its bytes */
    uint64_t size;         /* the chunk's compressed bytes (task order) */
    rc_part *parts;        /* nparts >= 2 when split */
    size_t nparts;
} rc_col;

typedef struct rcols_ctx {
    dccd_pq_file *f;
    int rg0;               /* item i is column cols[i % n] of row group rg0 + i / n */
    const int *cols;
    int n;
    dccd_pq_column *out;
    rc_col *c;
    int threads;
    uint64_t *tasks;       /* step 2: column index << 32 | part + 1 (0: whole) */
    rc_scratch *scr;       /* one per thread (worker id) */
} rcols_ctx;

#define ITEM_RG(x, i) ((x)->rg0 + (int)((i) / (size_t)(x)->n))
#define ITEM_COL(x, i) ((x)->cols[(i) % (size_t)(x)->n])

static void rc_col_free(rc_col *c)
{
    for (size_t i = 0; i < c->nparts; i++) {
        c->parts[i].r.values = NULL; /* the column's */
        rd_free(&c->parts[i].r);
    }
    free(c->parts);
    c->parts = NULL;
    c->nparts = 0;
    rd_free(&c->r);
}

/* Walk the page headers of c's chunk: false when the chunk is not to be
 * split (a page that is not a data page, a size or count out of range, too
 * few pages); else the parts are planned (not yet allocated: pages[] /
 * rows[] receive each page's offset and rows). */
#define WALK_HDR_MAX 4096u /* bytes read for a page header (a larger one: not split) */

static bool split_walk(const dccd_pq_file *f, rc_col *c, size_t **pages_out, size_t **rows_out, size_t *np_out)
{
    size_t len = c->len, pos = 0, total = 0, np = 0, cap = 0;
    size_t *pages = NULL, *rows = NULL;
    uint8_t hb[WALK_HDR_MAX];
    dccd_error e;
    bool ok = true;
    while (ok && total < c->r.n_rows) {
        if (pos >= len) {
            ok = false;
            break;
        }
        /* the header's bytes: in place for a memory file, else one small pread */
        size_t avail = len - pos < WALK_HDR_MAX ? len - pos : WALK_HDR_MAX;
        const uint8_t *hp = f->mem ? f->mem + c->start + pos : hb;
        if (!f->mem && pq_file_read_at(f, c->start + pos, avail, hb, &e)) {
            ok = false;
            break;
        }
        pq_page_header h;
        size_t consumed = 0;
        dccd_arena arena;
        dccd_arena_init(&arena, 16u * 1024u * 1024u);
        int rc = pq_decode_page_header(hp, avail, &arena, &h, &consumed, &e);
        dccd_arena_free(&arena);
        if (rc || consumed == 0 || consumed > avail || h.compressed_page_size < 0 ||
            (size_t)h.compressed_page_size > len - pos - consumed) {
            ok = false;
            break;
        }
        int64_t nv;
        if (h.type == PQ_PAGE_DATA && h.has_data_page_header)
            nv = h.data_page_header.num_values;
        else if (h.type == PQ_PAGE_DATA_V2 && h.has_data_page_header_v2)
            nv = h.data_page_header_v2.num_values;
        else {
            ok = false; /* dictionary, index or unknown page: whole */
            break;
        }
        if (nv < 0 || (uint64_t)nv > c->r.n_rows - total) {
            ok = false;
            break;
        }
        if (np == cap) {
            size_t nc = cap ? cap * 2 : 64;
            size_t *a = dccd_realloc_array(pages, nc, sizeof *a), *b = a ? dccd_realloc_array(rows, nc, sizeof *b) : NULL;
            if (a)
                pages = a;
            if (b)
                rows = b;
            if (!a || !b) {
                ok = false;
                break;
            }
            cap = nc;
        }
        pages[np] = pos;
        rows[np] = (size_t)nv;
        np++;
        total += (size_t)nv;
        pos += consumed + (size_t)h.compressed_page_size;
    }
    if (ok && np >= 2) {
        *pages_out = pages;
        *rows_out = rows;
        *np_out = np;
        return true;
    }
    free(pages);
    free(rows);
    return false;
}

/* Plan the parts of column c (split_walk said yes): n parts of consecutive
 * pages, the output allocated for the whole chunk. */
static int split_plan(rc_col *c, const size_t *pages, const size_t *rows, size_t np, size_t n, dccd_error *err)
{
    rd *t = &c->r;
    t->values = big_alloc_array(t->n_rows, t->width, &t->values_mapped);
    if (!t->values)
        return dccd_err_set(err, DCCD_ENOMEM, "out of memory for %zu values", t->n_rows);
    t->cap = t->n_rows;
    c->parts = calloc(n, sizeof *c->parts);
    if (!c->parts)
        return DCCD_ENOMEM_MSG(err);
    c->nparts = n;
    size_t row = 0;
    for (size_t k = 0; k < n; k++) {
        size_t p0 = k * np / n, p1 = (k + 1) * np / n;
        rc_part *p = &c->parts[k];
        size_t prow = 0;
        for (size_t i = p0; i < p1; i++)
            prow += rows[i];
        p->r.f = t->f;
        p->r.ci = t->ci;
        p->r.codec = t->codec;
        p->r.optional = t->optional;
        p->r.width = t->width;
        p->r.page_cap = t->page_cap;
        p->r.n_rows = prow;
        p->r.cap = prow;
        p->r.values = t->values + row * t->width;
        p->off = pages[p0];
        p->len = (p1 < np ? pages[p1] : c->len) - pages[p0];
        p->page0 = (int)p0;
        row += prow;
    }
    return DCCD_OK;
}

/* Step 1 for column i: validate, and for a chunk worth splitting read it,
 * walk its pages and plan its parts. */
static int prep_task(void *vctx, size_t i, int worker, dccd_error *err)
{
    (void)worker;
    rcols_ctx *x = vctx;
    rc_col *c = &x->c[i];
    uint64_t start, clen;
    int rc = rd_begin(x->f, ITEM_RG(x, i), ITEM_COL(x, i), &c->r, &start, &clen, err);
    if (rc)
        return rc;
    c->size = clen;
    c->start = start;
    c->len = (size_t)clen;
    if (!c->r.width || c->r.n_rows < SPLIT_MIN_ROWS)
        return DCCD_OK;
    size_t *pages, *rows, np;
    if (!split_walk(x->f, c, &pages, &rows, &np))
        return DCCD_OK;
    size_t n = (size_t)x->threads * SPLIT_PARTS_PER_THREAD;
    if (n > np)
        n = np;
    rc = split_plan(c, pages, rows, np, n, err);
    free(pages);
    free(rows);
    if (rc)
        return dccd_err_prefix(err, rc, "%s: row group %d, column '%s'", x->f->name, ITEM_RG(x, i), c->r.ci->name);
    return DCCD_OK;
}

/* Step 2: a whole column or one part of a split one. */
static int dec_task(void *vctx, size_t t, int worker, dccd_error *err)
{
    rcols_ctx *x = vctx;
    size_t i = (size_t)(x->tasks[t] >> 32), k = (size_t)(x->tasks[t] & 0xffffffffu);
    rc_col *c = &x->c[i];
    if (k == 0) {
        rd_free(&c->r);
        return read_column_with(x->f, ITEM_RG(x, i), ITEM_COL(x, i), &x->out[i], &x->scr[worker], err);
    }
    rc_part *p = &c->parts[k - 1];
    rc_scratch *w = &x->scr[worker];
    const uint8_t *src;
    int rc;
    if (x->f->mem) {
        src = x->f->mem + c->start + p->off;
    } else {
        /* the part's pages into this thread's buffer, reused part after part */
        if ((rc = scratch(&w->pages, p->len, err)) ||
            (rc = pq_file_read_at(x->f, c->start + p->off, p->len, w->pages.data, err)))
            return dccd_err_prefix(err, rc, "row group %d, column '%s'", ITEM_RG(x, i), c->r.ci->name);
        src = w->pages.data;
    }
    int page_no = 0;
    scratch_swap(&p->r, w);
    rc = read_pages(&p->r, src, p->len, &page_no, err);
    scratch_swap(&p->r, w);
    if (rc)
        return dccd_err_prefix(err, rc, "%s: row group %d, column '%s', page %d", x->f->name, ITEM_RG(x, i), c->r.ci->name,
                               p->page0 + page_no);
    return DCCD_OK;
}

/* Step 3 for split column c: join its parts into out. */
static int split_join(rc_col *c, dccd_pq_column *out, dccd_error *err)
{
    rd *t = &c->r;
    size_t nulls = 0;
    for (size_t k = 0; k < c->nparts; k++)
        nulls += c->parts[k].r.null_count;
    if (nulls) {
        t->validity = malloc(t->n_rows);
        if (!t->validity)
            return dccd_err_set(err, DCCD_ENOMEM, "out of memory for %zu validity bytes", t->n_rows);
        size_t row = 0;
        for (size_t k = 0; k < c->nparts; k++) {
            const rd *pr = &c->parts[k].r;
            if (pr->validity)
                memcpy(t->validity + row, pr->validity, pr->n_rows);
            else
                memset(t->validity + row, 1, pr->n_rows);
            row += pr->n_rows;
        }
    }
    t->null_count = nulls;
    t->produced = t->n_rows;
    for (size_t k = 0; k < c->nparts; k++) {
        c->parts[k].r.values = NULL;
        rd_free(&c->parts[k].r);
    }
    free(c->parts);
    c->parts = NULL;
    c->nparts = 0;
    return rd_hand_over(t, out, err); /* frees t */
}


typedef struct whole_key {
    uint64_t size, task;
} whole_key;

static int whole_cmp(const void *a, const void *b)
{
    const whole_key *p = a, *q = b;
    if (p->size != q->size)
        return p->size > q->size ? -1 : 1; /* larger first */
    return p->task < q->task ? -1 : p->task > q->task;
}

/* The m = nrg * n items (column cols[i % n] of row group rg0 + i / n) into
 * out[0..m). */
static int read_items(dccd_pq_file *f, int rg0, int nrg, const int *cols, int n, dccd_pq_column *out,
                      dccd_pool *pool, dccd_error *err)
{
    size_t m = (size_t)nrg * (size_t)n;
    if (m > UINT32_MAX)
        return dccd_err_set(err, DCCD_ERANGE, "%s: %zu column chunks in one call (at most %u)", f->name, m,
                            (unsigned)UINT32_MAX);
    for (size_t i = 0; i < m; i++)
        memset(&out[i], 0, sizeof out[i]);
    rcols_ctx x = {f, rg0, cols, n, out, NULL, dccd_pool_threads(pool), NULL, NULL};
    int rc;
    if (x.threads <= 1 || m == 0) {
        /* one after another, as dccd_pq_read_column (a scratch shared by the
         * chunks here made 1-thread decodes of the trades file 2.5x slower
         * for runs in a row: huge-page stalls) */
        rc = DCCD_OK;
        for (size_t i = 0; i < m && !rc; i++)
            rc = read_column_with(f, ITEM_RG(&x, i), ITEM_COL(&x, i), &out[i], NULL, err);
        goto done;
    }
    x.c = calloc(m, sizeof *x.c);
    x.scr = calloc((size_t)x.threads, sizeof *x.scr);
    if (!x.c || !x.scr) {
        rc = DCCD_ENOMEM_MSG(err);
        goto done;
    }
    if ((rc = dccd_pool_run(pool, m, prep_task, &x, err)))
        goto done;
    size_t nt = 0, nw = 0;
    for (size_t i = 0; i < m; i++) {
        nt += x.c[i].nparts ? x.c[i].nparts : 1;
        nw += !x.c[i].nparts;
    }
    x.tasks = dccd_malloc_array(nt, sizeof *x.tasks);
    whole_key *wk = dccd_malloc_array(nw ? nw : 1, sizeof *wk);
    if (!x.tasks || !wk) {
        free(wk);
        rc = DCCD_ENOMEM_MSG(err);
        goto done;
    }
    /* whole columns first, the larger first (they are the long tasks), then the parts */
    nw = 0;
    for (size_t i = 0; i < m; i++)
        if (!x.c[i].nparts) {
            wk[nw].size = x.c[i].size;
            wk[nw++].task = (uint64_t)i << 32;
        }
    qsort(wk, nw, sizeof *wk, whole_cmp);
    nt = 0;
    for (size_t i = 0; i < nw; i++)
        x.tasks[nt++] = wk[i].task;
    free(wk);
    for (size_t i = 0; i < m; i++)
        for (size_t k = 0; k < x.c[i].nparts; k++)
            x.tasks[nt++] = (uint64_t)i << 32 | (uint64_t)(k + 1);
    if ((rc = dccd_pool_run(pool, nt, dec_task, &x, err)))
        goto done;
    for (size_t i = 0; i < m && !rc; i++) {
        if (x.c[i].nparts)
            rc = split_join(&x.c[i], &out[i], err);
        else
            memset(&x.c[i].r, 0, sizeof x.c[i].r); /* handed over (or freed) by dec_task */
    }
done:
    if (x.c)
        for (size_t i = 0; i < m; i++)
            rc_col_free(&x.c[i]);
    free(x.c);
    free(x.tasks);
    for (int i = 0; x.scr && i < x.threads; i++)
        rc_scratch_free(&x.scr[i]);
    free(x.scr);
    if (rc)
        for (size_t i = 0; i < m; i++)
            dccd_pq_column_free(&out[i]);
    return rc;
}

int dccd_pq_read_columns(dccd_pq_file *f, int rg, const int *cols, int n, dccd_pq_column *out, dccd_pool *pool,
                         dccd_error *err)
{
    if (!f || n < 0 || (n > 0 && (!cols || !out)))
        return dccd_err_set(err, DCCD_EINVAL, "dccd_pq_read_columns: NULL argument");
    return read_items(f, rg, 1, cols, n, out, pool, err);
}

int dccd_pq_read_row_groups(dccd_pq_file *f, int rg_first, int n_rg, const int *cols, int n, dccd_pq_column *out,
                            dccd_pool *pool, dccd_error *err)
{
    if (!f || n < 0 || n_rg < 0 || (n > 0 && n_rg > 0 && (!cols || !out)))
        return dccd_err_set(err, DCCD_EINVAL, "dccd_pq_read_row_groups: NULL or negative argument");
    if (n_rg > 0 && (rg_first < 0 || rg_first > dccd_pq_num_row_groups(f) - n_rg))
        return dccd_err_set(err, DCCD_EINVAL, "%s: row groups %d .. %d out of range (%d row groups)", f->name,
                            rg_first, rg_first + n_rg - 1, dccd_pq_num_row_groups(f));
    return read_items(f, rg_first, n_rg, cols, n, out, pool, err);
}
