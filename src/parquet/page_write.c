/*
 * src/parquet/page_write.c - encoding column chunks page by page.
 *
 * This file owns the encoding side of the writer: pq_encode_pages() turns a
 * column's buffered rows (packed non-null values + one definition byte per
 * row for optional columns, see writer.c) into data pages as soon as the
 * rows of a page are there, keeps the pages (compressed) in the column's
 * chunk state (pq_wchunk), and drops the encoded rows from the buffers;
 * pq_write_chunk() ends the chunk when the row group ends: the last
 * (partial) page, the dictionary page, the write of the chunk, its metadata,
 * statistics, page index and bloom filter.  So raw values are held for
 * about one page per column, and a row group is held compressed.
 *
 *   - data pages are cut by a value count derived from opts.page_size
 *     (fixed width: page_size / width rows; BYTE_ARRAY: rows until the
 *     PLAIN size reaches page_size), and never more than opts.page_rows
 *     rows when that is set (small pages make OffsetIndex range reads
 *     cheap).  A page is cut only once complete (or at the chunk's end), so
 *     the boundaries do not depend on how the rows were split into write
 *     calls; a BYTE_ARRAY page's scan resumes where the previous call left;
 *   - a v1 page body is [4-byte length + RLE definition levels] [values],
 *     compressed as a whole; a v2 page keeps the levels uncompressed and
 *     compresses only the values.  Pending rows without nulls have no
 *     buffered levels (c->defs empty): such a page gets one RLE run of 1s.
 *     Rows without nulls arriving while nothing is buffered are encoded
 *     straight from the caller's arrays (pq_encode_direct; only the last,
 *     incomplete page is buffered).  SNAPPY pages without CRC are
 *     compressed straight into the chunk's block, PLAIN fixed-width values
 *     from where they are, the v1 level prefix joined through libsnappy's
 *     fragments (emit_page_snappy: same bytes as one-piece compression).
 *     Other codecs: PLAIN fixed-width values are compressed in place from
 *     the column buffer (little-endian hosts), the v1 level prefix (at most
 *     64 bytes) written just before them (PQ_VALS_HEAD room, or the
 *     previous page's last value bytes, restored), or copied into the page
 *     buffer when they are the caller's;
 *   - values are PLAIN, DELTA_BINARY_PACKED (field.delta on INT32/INT64) or,
 *     for BYTE_ARRAY unless field.no_dictionary, RLE_DICTIONARY with a PLAIN
 *     dictionary page.  When the dictionary grows past
 *     opts.dictionary_page_limit (checked after each page), the remaining
 *     pages of the chunk are PLAIN.  Pages are kept in blocks that never
 *     move (pq_wblk) until the chunk is complete, so the dictionary page can
 *     come first;
 *   - statistics are computed in the same pass as encoding, per page; page
 *     statistics go to the ColumnIndex only (never into page headers, to keep
 *     pages small), their merge into the chunk's Statistics.  A dictionary
 *     page's BYTE_ARRAY statistics compare each distinct entry of the page
 *     once;
 *   - the ColumnIndex / OffsetIndex and bloom filter of the chunk are
 *     encoded here into blobs that writer.c writes at close; bloom filter
 *     hashes of values outside the dictionary are taken per page, while
 *     the values are buffered.
 *
 * Statistics rules: min_value/max_value are PLAIN bytes; the legacy min/max
 * are also written for the signed-order types (all but BYTE_ARRAY).  NaN is
 * ignored (all-NaN: no min/max); a zero min is written -0.0 and a zero max
 * +0.0.  BYTE_ARRAY compares as unsigned bytes; values longer than
 * PQ_STAT_MAX_LEN are truncated (min: prefix; max: prefix with the last
 * non-0xFF byte incremented, or omitted when impossible) and flagged
 * inexact.  A chunk with a non-null page lacking min/max gets no
 * ColumnIndex (its OffsetIndex is still written).
 */
#include <math.h>
#include <stdlib.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <string.h>

#include "parquet/codec.h"
#include "parquet/encoding.h"
#include "parquet/writer_int.h"

#include <snappy-c.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define PQ_HOST_LE 1
#else
#define PQ_HOST_LE 0
#endif

/* Where a page's rows come from: the column's buffers (own: the
 * PQ_VALS_HEAD room before the values is writable) or, for rows without
 * nulls, the caller's arrays of the current write call. */
typedef struct pq_wsrc {
    const uint8_t *vals;    /* fixed width: value 0 */
    const uint8_t *data;    /* BYTE_ARRAY: value i is data[offs[i] .. offs[i+1]) */
    const int64_t *offs;
    const uint8_t *defs;    /* one 0/1 byte per row; NULL: no row is null */
    size_t rows, nvals;     /* rows / values available */
    bool own;
} pq_wsrc;

/* ---- statistics --------------------------------------------------------- */

static void stat_i32(const int32_t *v, size_t n, pq_vstat *s)
{
    if (!n) {
        s->has = false;
        return;
    }
    int32_t mn = v[0], mx = v[0];
    for (size_t i = 1; i < n; i++) {
        mn = v[i] < mn ? v[i] : mn;
        mx = v[i] > mx ? v[i] : mx;
    }
    s->has = true;
    s->imin = mn;
    s->imax = mx;
}

/* Four independent lanes: the compare-and-select chains run in parallel. */
static void stat_i64(const int64_t *v, size_t n, pq_vstat *s)
{
    if (!n) {
        s->has = false;
        return;
    }
    int64_t mn[4] = {v[0], v[0], v[0], v[0]}, mx[4] = {v[0], v[0], v[0], v[0]};
    size_t i = 1;
    for (; i + 4 <= n; i += 4)
        for (int k = 0; k < 4; k++) {
            int64_t x = v[i + k];
            mn[k] = x < mn[k] ? x : mn[k];
            mx[k] = x > mx[k] ? x : mx[k];
        }
    for (; i < n; i++) {
        mn[0] = v[i] < mn[0] ? v[i] : mn[0];
        mx[0] = v[i] > mx[0] ? v[i] : mx[0];
    }
    for (int k = 1; k < 4; k++) {
        mn[0] = mn[k] < mn[0] ? mn[k] : mn[0];
        mx[0] = mx[k] > mx[0] ? mx[k] : mx[0];
    }
    s->has = true;
    s->imin = mn[0];
    s->imax = mx[0];
}

static void stat_bool(const uint8_t *v, size_t n, pq_vstat *s)
{
    if (!n) {
        s->has = false;
        return;
    }
    uint8_t any0 = 0, any1 = 0;
    for (size_t i = 0; i < n; i++) {
        any1 |= v[i];
        any0 |= (uint8_t)(v[i] ^ 1);
    }
    s->has = true;
    s->imin = any0 ? 0 : 1;
    s->imax = any1 ? 1 : 0;
}

/* Min/max of FLOAT or DOUBLE values, branch-free in independent lanes: a
 * NaN fails both comparisons, so it never becomes min or max and only
 * counts as "no value"; which zero wins does not matter (vstat_bytes writes
 * -0.0 / +0.0).  On x86-64 with SSE2 (always there) the lanes are vector
 * registers: MINPD/MAXPD (a, m) return a < m ? a : m / a > m ? a : m, the
 * same rule (a NaN a gives m); elsewhere four scalar lanes. */
#if defined(__SSE2__)
static void stat_f64(const double *v, size_t n, pq_vstat *s)
{
    __m128d mn0 = _mm_set1_pd(INFINITY), mn1 = mn0, mx0 = _mm_set1_pd(-INFINITY), mx1 = mx0;
    __m128i nanc = _mm_setzero_si128();
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        __m128d a = _mm_loadu_pd(v + i), b = _mm_loadu_pd(v + i + 2);
        mn0 = _mm_min_pd(a, mn0);
        mn1 = _mm_min_pd(b, mn1);
        mx0 = _mm_max_pd(a, mx0);
        mx1 = _mm_max_pd(b, mx1);
        /* unordered lanes are all ones (-1): subtracting counts them */
        nanc = _mm_sub_epi64(nanc, _mm_castpd_si128(_mm_cmpunord_pd(a, a)));
        nanc = _mm_sub_epi64(nanc, _mm_castpd_si128(_mm_cmpunord_pd(b, b)));
    }
    double mn[4], mx[4];
    uint64_t nn[2];
    _mm_storeu_pd(mn, mn0);
    _mm_storeu_pd(mn + 2, mn1);
    _mm_storeu_pd(mx, mx0);
    _mm_storeu_pd(mx + 2, mx1);
    _mm_storeu_si128((__m128i *)(void *)nn, nanc);
    size_t nans = (size_t)(nn[0] + nn[1]);
    for (; i < n; i++) {
        double x = v[i];
        nans += x != x;
        mn[0] = x < mn[0] ? x : mn[0];
        mx[0] = x > mx[0] ? x : mx[0];
    }
    for (int k = 1; k < 4; k++) {
        mn[0] = mn[k] < mn[0] ? mn[k] : mn[0];
        mx[0] = mx[k] > mx[0] ? mx[k] : mx[0];
    }
    s->has = nans < n;
    s->dmin = mn[0];
    s->dmax = mx[0];
}

static void stat_f32(const float *v, size_t n, pq_vstat *s)
{
    __m128 mn0 = _mm_set1_ps(INFINITY), mx0 = _mm_set1_ps(-INFINITY);
    __m128i nanc = _mm_setzero_si128();
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        __m128 a = _mm_loadu_ps(v + i);
        mn0 = _mm_min_ps(a, mn0);
        mx0 = _mm_max_ps(a, mx0);
        nanc = _mm_sub_epi32(nanc, _mm_castps_si128(_mm_cmpunord_ps(a, a)));
    }
    float mn[4], mx[4];
    uint32_t nn[4];
    _mm_storeu_ps(mn, mn0);
    _mm_storeu_ps(mx, mx0);
    _mm_storeu_si128((__m128i *)(void *)nn, nanc);
    /* 32-bit lane counters: a page has at most 2^30 rows */
    size_t nans = (size_t)nn[0] + nn[1] + nn[2] + nn[3];
    for (; i < n; i++) {
        float x = v[i];
        nans += x != x;
        mn[0] = x < mn[0] ? x : mn[0];
        mx[0] = x > mx[0] ? x : mx[0];
    }
    for (int k = 1; k < 4; k++) {
        mn[0] = mn[k] < mn[0] ? mn[k] : mn[0];
        mx[0] = mx[k] > mx[0] ? mx[k] : mx[0];
    }
    s->has = nans < n;
    s->dmin = mn[0];
    s->dmax = mx[0];
}
#else
#define PQ_STAT_FLOAT(name, T)                                                                                        \
    static void name(const T *v, size_t n, pq_vstat *s)                                                              \
    {                                                                                                                \
        T mn[4] = {INFINITY, INFINITY, INFINITY, INFINITY}, mx[4] = {-INFINITY, -INFINITY, -INFINITY, -INFINITY};    \
        size_t nans = 0, i = 0;                                                                                      \
        for (; i + 4 <= n; i += 4)                                                                                   \
            for (int k = 0; k < 4; k++) {                                                                            \
                T x = v[i + k];                                                                                      \
                nans += x != x;                                                                                      \
                mn[k] = x < mn[k] ? x : mn[k];                                                                       \
                mx[k] = x > mx[k] ? x : mx[k];                                                                       \
            }                                                                                                        \
        for (; i < n; i++) {                                                                                         \
            T x = v[i];                                                                                              \
            nans += x != x;                                                                                          \
            mn[0] = x < mn[0] ? x : mn[0];                                                                           \
            mx[0] = x > mx[0] ? x : mx[0];                                                                           \
        }                                                                                                            \
        for (int k = 1; k < 4; k++) {                                                                                \
            mn[0] = mn[k] < mn[0] ? mn[k] : mn[0];                                                                   \
            mx[0] = mx[k] > mx[0] ? mx[k] : mx[0];                                                                   \
        }                                                                                                            \
        s->has = nans < n;                                                                                           \
        s->dmin = mn[0];                                                                                             \
        s->dmax = mx[0];                                                                                             \
    }
PQ_STAT_FLOAT(stat_f32, float)
PQ_STAT_FLOAT(stat_f64, double)
#undef PQ_STAT_FLOAT
#endif

static inline uint64_t load_u64be(const uint8_t *p)
{
#if PQ_HOST_LE && (defined(__GNUC__) || defined(__clang__))
    uint64_t v;
    memcpy(&v, p, 8);
    return __builtin_bswap64(v);
#else
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
#endif
}

static inline uint32_t load_u32be(const uint8_t *p)
{
#if PQ_HOST_LE && (defined(__GNUC__) || defined(__clang__))
    uint32_t v;
    memcpy(&v, p, 4);
    return __builtin_bswap32(v);
#else
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
#endif
}

/* Unsigned byte order of a and b (then shorter first).  Values of up to 16
 * common bytes (ids, symbols) are compared without a memcmp call, as
 * big-endian words (same order as the bytes): the first word, then the
 * last word of the common part (overlapping the first: the bytes they
 * share are equal by then). */
static inline int bytes_cmp(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    size_t m = al < bl ? al : bl;
    if (m >= 8 && m <= 16) {
        uint64_t x = load_u64be(a), y = load_u64be(b);
        if (x == y) {
            x = load_u64be(a + m - 8);
            y = load_u64be(b + m - 8);
        }
        if (x != y)
            return x < y ? -1 : 1;
    } else if (m >= 4 && m < 8) {
        uint32_t x = load_u32be(a), y = load_u32be(b);
        if (x == y) {
            x = load_u32be(a + m - 4);
            y = load_u32be(b + m - 4);
        }
        if (x != y)
            return x < y ? -1 : 1;
    } else if (m < 4) {
        for (size_t i = 0; i < m; i++)
            if (a[i] != b[i])
                return a[i] < b[i] ? -1 : 1;
    } else {
        int c = memcmp(a, b, m);
        if (c)
            return c;
    }
    return al < bl ? -1 : al > bl ? 1 : 0;
}

/* Keep copies of BYTE_ARRAY bounds (see pq_vstat). */
static void set_sbounds(pq_vstat *s, const uint8_t *mn, size_t mnl, const uint8_t *mx, size_t mxl)
{
    s->has = true;
    s->smin_len = mnl > PQ_STAT_MAX_LEN + 1 ? PQ_STAT_MAX_LEN + 1 : mnl;
    s->smax_len = mxl > PQ_STAT_MAX_LEN + 1 ? PQ_STAT_MAX_LEN + 1 : mxl;
    memcpy(s->smin, mn, s->smin_len);
    memcpy(s->smax, mx, s->smax_len);
}

static void stat_bytes(const uint8_t *data, const int64_t *offs, size_t n, pq_vstat *s)
{
    if (!n) {
        s->has = false;
        return;
    }
    const uint8_t *mn = data + offs[0], *mx = mn;
    size_t mnl = (size_t)(offs[1] - offs[0]), mxl = mnl;
    for (size_t i = 1; i < n; i++) {
        const uint8_t *p = data + offs[i];
        size_t l = (size_t)(offs[i + 1] - offs[i]);
        /* max first (ascending ids take one comparison); min <= max, so
         * the order does not change the result */
        if (bytes_cmp(p, l, mx, mxl) > 0) {
            mx = p;
            mxl = l;
        } else if (bytes_cmp(p, l, mn, mnl) < 0) {
            mn = p;
            mnl = l;
        }
    }
    set_sbounds(s, mn, mnl, mx, mxl);
}

/* Statistics of a dictionary-encoded page: values v0 .. v0+n-1 of the
 * row-group buffer whose dictionary entry numbers are idx[0..n).  Each
 * distinct entry of the page is compared once (the first row holding it;
 * d->mark[entry] == the page's generation marks "seen"), so a page of
 * a few distinct strings costs one array probe per row instead of a byte
 * comparison.  Same result as stat_bytes on the same values: equal values
 * are equal bytes, and the min/max point at a row holding them. */
static void stat_dict(pq_wdict *d, const uint8_t *data, const int64_t *offs, const uint32_t *idx, size_t n,
                      pq_vstat *s)
{
    if (!n) {
        s->has = false;
        return;
    }
    uint32_t gen = ++d->gen;
    if (!gen) { /* wrapped: forget every mark (marks are 0 or a past generation) */
        memset(d->mark, 0, d->n * sizeof *d->mark);
        gen = d->gen = 1;
    }
    uint32_t *mark = d->mark;
    const uint8_t *mn = data + offs[0], *mx = mn;
    size_t mnl = (size_t)(offs[1] - offs[0]), mxl = mnl;
    mark[idx[0]] = gen;
    for (size_t i = 1; i < n; i++) {
        uint32_t k = idx[i];
        if (mark[k] == gen)
            continue;
        mark[k] = gen;
        const uint8_t *p = data + offs[i];
        size_t l = (size_t)(offs[i + 1] - offs[i]);
        if (bytes_cmp(p, l, mx, mxl) > 0) {
            mx = p;
            mxl = l;
        } else if (bytes_cmp(p, l, mn, mnl) < 0) {
            mn = p;
            mnl = l;
        }
    }
    set_sbounds(s, mn, mnl, mx, mxl);
}

/* Compare the minimums (which = 0) or maximums (which = 1) of two stats. */
static int vstat_cmp(dccd_pq_type t, const pq_vstat *a, const pq_vstat *b, int which)
{
    switch (t) {
    case DCCD_PQ_FLOAT:
    case DCCD_PQ_DOUBLE: {
        double x = which ? a->dmax : a->dmin, y = which ? b->dmax : b->dmin;
        return x < y ? -1 : x > y ? 1 : 0;
    }
    case DCCD_PQ_BYTE_ARRAY:
        return which ? bytes_cmp(a->smax, a->smax_len, b->smax, b->smax_len)
                     : bytes_cmp(a->smin, a->smin_len, b->smin, b->smin_len);
    default: {
        int64_t x = which ? a->imax : a->imin, y = which ? b->imax : b->imin;
        return x < y ? -1 : x > y ? 1 : 0;
    }
    }
}

static void vstat_merge(dccd_pq_type t, pq_vstat *into, const pq_vstat *s)
{
    if (!s->has)
        return;
    if (!into->has) {
        *into = *s;
        return;
    }
    if (vstat_cmp(t, s, into, 0) < 0) {
        into->imin = s->imin;
        into->dmin = s->dmin;
        memcpy(into->smin, s->smin, s->smin_len);
        into->smin_len = s->smin_len;
    }
    if (vstat_cmp(t, s, into, 1) > 0) {
        into->imax = s->imax;
        into->dmax = s->dmax;
        memcpy(into->smax, s->smax, s->smax_len);
        into->smax_len = s->smax_len;
    }
}

/* PLAIN bytes of min and max, allocated from arena; p = NULL when absent. */
static int vstat_bytes(dccd_arena *a, dccd_pq_type t, const pq_vstat *s, pq_bytes *mn, pq_bytes *mx,
                       bool *mn_exact, bool *mx_exact, dccd_error *err)
{
    uint8_t b0[PQ_STAT_MAX_LEN], b1[PQ_STAT_MAX_LEN];
    const uint8_t *p0 = b0, *p1 = b1;
    size_t l0 = 0, l1 = 0;
    *mn_exact = *mx_exact = true;
    mn->p = mx->p = NULL;
    mn->n = mx->n = 0;
    if (!s->has)
        return DCCD_OK;
    switch (t) {
    case DCCD_PQ_BOOLEAN:
        b0[0] = (uint8_t)s->imin;
        b1[0] = (uint8_t)s->imax;
        l0 = l1 = 1;
        break;
    case DCCD_PQ_INT32:
        dccd_store_u32le(b0, (uint32_t)(int32_t)s->imin);
        dccd_store_u32le(b1, (uint32_t)(int32_t)s->imax);
        l0 = l1 = 4;
        break;
    case DCCD_PQ_INT64:
        dccd_store_u64le(b0, (uint64_t)s->imin);
        dccd_store_u64le(b1, (uint64_t)s->imax);
        l0 = l1 = 8;
        break;
    case DCCD_PQ_FLOAT: {
        float f0 = (float)s->dmin, f1 = (float)s->dmax;
        if (f0 == 0.0f)
            f0 = -0.0f;
        if (f1 == 0.0f)
            f1 = 0.0f;
        uint32_t u0, u1;
        memcpy(&u0, &f0, 4);
        memcpy(&u1, &f1, 4);
        dccd_store_u32le(b0, u0);
        dccd_store_u32le(b1, u1);
        l0 = l1 = 4;
        break;
    }
    case DCCD_PQ_DOUBLE: {
        double d0 = s->dmin, d1 = s->dmax;
        if (d0 == 0.0)
            d0 = -0.0;
        if (d1 == 0.0)
            d1 = 0.0;
        uint64_t u0, u1;
        memcpy(&u0, &d0, 8);
        memcpy(&u1, &d1, 8);
        dccd_store_u64le(b0, u0);
        dccd_store_u64le(b1, u1);
        l0 = l1 = 8;
        break;
    }
    case DCCD_PQ_BYTE_ARRAY:
        p0 = s->smin;
        l0 = s->smin_len;
        if (l0 > PQ_STAT_MAX_LEN) {
            l0 = PQ_STAT_MAX_LEN;
            *mn_exact = false;
        }
        p1 = s->smax;
        l1 = s->smax_len;
        if (l1 > PQ_STAT_MAX_LEN) {
            /* smallest string > every string with this 64-byte prefix:
             * drop trailing 0xFF bytes, increment the last byte */
            memcpy(b1, s->smax, PQ_STAT_MAX_LEN);
            l1 = PQ_STAT_MAX_LEN;
            while (l1 > 0 && b1[l1 - 1] == 0xFF)
                l1--;
            if (l1 == 0) {
                p1 = NULL;
            } else {
                b1[l1 - 1]++;
                p1 = b1;
            }
            *mx_exact = false;
        }
        break;
    default: return dccd_err_set(err, DCCD_EINVAL, "statistics: unsupported type %d", (int)t);
    }
    /* arena_memdup of 0 bytes must still give a non-NULL pointer */
    mn->p = dccd_arena_memdup(a, p0, l0 ? l0 : 1);
    if (!mn->p)
        return DCCD_ENOMEM_MSG(err);
    mn->n = l0;
    if (p1) {
        mx->p = dccd_arena_memdup(a, p1, l1 ? l1 : 1);
        if (!mx->p)
            return DCCD_ENOMEM_MSG(err);
        mx->n = l1;
    }
    return DCCD_OK;
}

/* ---- helpers ------------------------------------------------------------ */

/* Largest v1 level prefix put in place in front of a page's values. */
#define PQ_INPLACE_PRE 64u

static int append_fixed(dccd_buf *b, const uint8_t *src, size_t width, size_t n, dccd_error *err)
{
    size_t bytes;
    if (!dccd_mul_ok(n, width, &bytes))
        return dccd_err_set(err, DCCD_ERANGE, "page too large");
#if PQ_HOST_LE
    return bytes ? dccd_buf_append(b, src, bytes, err) : DCCD_OK;
#else
    uint8_t *dst;
    int rc = dccd_buf_extend(b, bytes, &dst, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < width; k++)
            dst[i * width + k] = src[i * width + (width - 1 - k)];
    return DCCD_OK;
#endif
}

static int add_enc_stat(dccd_arena *a, pq_column_meta *m, int page_type, int encoding, dccd_error *err)
{
    for (size_t i = 0; i < m->n_encoding_stats; i++)
        if (m->encoding_stats[i].page_type == page_type && m->encoding_stats[i].encoding == encoding) {
            m->encoding_stats[i].count++;
            return DCCD_OK;
        }
    /* at most 4 kinds: arena arrays are fixed at 8 */
    if (!m->encoding_stats) {
        m->encoding_stats = dccd_arena_array(a, 8, sizeof *m->encoding_stats);
        if (!m->encoding_stats)
            return DCCD_ENOMEM_MSG(err);
    }
    if (m->n_encoding_stats >= 8)
        return dccd_err_set(err, DCCD_EINVAL, "too many page encodings");
    pq_page_encoding_stats *s = &m->encoding_stats[m->n_encoding_stats++];
    s->page_type = page_type;
    s->encoding = encoding;
    s->count = 1;
    return DCCD_OK;
}

static void add_encoding(pq_column_meta *m, int enc)
{
    for (size_t i = 0; i < m->n_encodings; i++)
        if (m->encodings[i] == enc)
            return;
    m->encodings[m->n_encodings++] = enc;
}

static int check_i32(size_t v, const char *what, const char *col, dccd_error *err)
{
    if (v > (size_t)INT32_MAX)
        return dccd_err_set(err, DCCD_ERANGE, "column %s: %s of %zu bytes exceeds the Parquet limit", col, what,
                            v);
    return DCCD_OK;
}

/* Room for n more bytes (one page) at the end of the chunk's last block: a
 * new block when it does not fit, so a chunk's pages are never moved once
 * written.  A new block is sized for the rest of the chunk as far as it is
 * known (this page's bytes times the rows still to come, ch->hint_more,
 * over this page's rows, ch->hint_rows; at least twice the previous block,
 * 64 KiB to 64 MiB), so that a chunk is mostly one block; blocks of 4 MiB
 * and more get the huge-page hint (fewer page faults on fresh memory).
 * (dccd_big_alloc's whole, rounded huge pages cost more system time here
 * than they saved: a block is written once and rarely fills its rounding.) */
#define PQ_BLK_MIN ((size_t)64 << 10)
#define PQ_BLK_MAX ((size_t)64 << 20)
static int chunk_room(pq_wchunk *ch, size_t n, uint8_t **at, dccd_error *err)
{
    pq_wblk *b = ch->n_blk ? &ch->blk[ch->cur_blk] : NULL;
    while (b && b->cap - b->len < n && ch->cur_blk + 1 < ch->n_blk) {
        /* blocks kept from an earlier chunk */
        b = &ch->blk[++ch->cur_blk];
        b->len = 0;
    }
    if (!b || b->cap - b->len < n) {
        size_t cap = b ? (b->cap < PQ_BLK_MAX / 2 ? b->cap * 2 : PQ_BLK_MAX) : PQ_BLK_MIN;
        if (ch->hint_rows) {
            double est = (double)n * (1.0 + (double)ch->hint_more / (double)ch->hint_rows) * 1.0625;
            if (est > (double)cap)
                cap = est < (double)PQ_BLK_MAX ? (size_t)est : PQ_BLK_MAX;
        }
        if (cap < n)
            cap = n;
        pq_wblk *nb = dccd_array_grow(ch->blk, &ch->blk_cap, ch->n_blk, sizeof *nb, 8);
        if (!nb)
            return DCCD_ENOMEM_MSG(err);
        ch->blk = nb;
        uint8_t *p = malloc(cap);
        if (!p)
            return DCCD_ENOMEM_MSG(err);
        pq_big_hint(p, cap);
        ch->cur_blk = ch->n_blk;
        b = &ch->blk[ch->n_blk++];
        b->p = p;
        b->len = 0;
        b->cap = cap;
    }
    *at = b->p + b->len;
    b->len += n;
    ch->pages_len += n;
    return DCCD_OK;
}

/* Compress body (and prepend the uncompressed levels lv for v2), build the
 * page header and append header + payload to out, or to the chunk's blocks
 * when out is NULL.  *page_bytes receives the total written, *unc_bytes the
 * uncompressed equivalent. */
static int emit_page(const dccd_pq_writer *w, pq_wscr *S, const char *col, pq_page_header *h, const dccd_buf *lv,
                     const dccd_buf *body, dccd_buf *out, pq_wchunk *ch, size_t *page_bytes, size_t *unc_bytes,
                     dccd_error *err)
{
    int rc;
    const uint8_t *cp = body->data;
    size_t cl = body->len;
    if (w->o.codec != DCCD_PQ_UNCOMPRESSED) {
        dccd_buf_reset(&S->comp);
        if ((rc = pq_compress_ctx(&S->cctx, w->o.codec, w->o.compression_level, body->data, body->len, &S->comp,
                                  err)))
            return dccd_err_prefix(err, rc, "column %s", col);
        cp = S->comp.data;
        cl = S->comp.len;
    }
    size_t lvl = lv ? lv->len : 0;
    size_t unc = lvl + body->len, cmp = lvl + cl;
    if ((rc = check_i32(unc, "page", col, err)) || (rc = check_i32(cmp, "page", col, err)))
        return rc;
    h->uncompressed_page_size = (int32_t)unc;
    h->compressed_page_size = (int32_t)cmp;
    if (w->o.crc) {
        uint32_t crc = 0;
        if (lvl)
            crc = pq_crc32(crc, lv->data, lvl);
        if (cl)
            crc = pq_crc32(crc, cp, cl);
        h->has_crc = true;
        h->crc = (int32_t)crc;
    }
    dccd_buf_reset(&S->hdr);
    if ((rc = pq_encode_page_header(&S->hdr, h, err)))
        return rc;
    size_t hl = S->hdr.len, total = hl + cmp;
    uint8_t *d;
    if (out) {
        if ((rc = dccd_buf_extend(out, total, &d, err)))
            return rc;
    } else if ((rc = chunk_room(ch, total, &d, err))) {
        return rc;
    }
    memcpy(d, S->hdr.data, hl);
    if (lvl)
        memcpy(d + hl, lv->data, lvl);
    if (cl)
        memcpy(d + hl + lvl, cp, cl);
    *page_bytes = total;
    *unc_bytes = hl + unc;
    return DCCD_OK;
}

/* Definition levels of n rows without nulls: what pq_rle_encode_u8 gives
 * for n 1s (one RLE run from 8 values on), without building the 1s. */
static int levels_ones(dccd_buf *lb, size_t n, dccd_error *err)
{
    uint8_t t[11];
    size_t k = 0;
    if (n < 8) {
        static const uint8_t ones[8] = {1, 1, 1, 1, 1, 1, 1, 1};
        return pq_rle_encode_u8(lb, ones, n, 1, err);
    }
    uint64_t v = (uint64_t)n << 1;
    while (v >= 0x80) {
        t[k++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    t[k++] = (uint8_t)v;
    t[k++] = 1;
    return dccd_buf_append(lb, t, k, err);
}

static int push_page(pq_wchunk *ch, const pq_wpage *p, dccd_error *err)
{
    pq_wpage *np = dccd_array_grow(ch->pg, &ch->pg_cap, ch->n_pg, sizeof *np, 64);
    if (!np)
        return DCCD_ENOMEM_MSG(err);
    ch->pg = np;
    ch->pg[ch->n_pg++] = *p;
    return DCCD_OK;
}

/* Bloom filter hashes of buffered values v0 .. v0+n-1 (PLAIN bytes). */
static int hash_values(pq_wchunk *ch, const pq_wcol *c, const pq_wsrc *src, size_t v0, size_t n,
                       dccd_error *err)
{
    if (!n)
        return DCCD_OK;
    if (n > ch->bh_cap - ch->n_bh) {
        size_t need, nc = ch->bh_cap ? ch->bh_cap : 1024;
        if (!dccd_add_ok(ch->n_bh, n, &need))
            return dccd_err_set(err, DCCD_ERANGE, "bloom filter: too many values");
        while (nc < need)
            nc *= 2;
        uint64_t *nb = dccd_realloc_array(ch->bh, nc, sizeof *nb);
        if (!nb)
            return DCCD_ENOMEM_MSG(err);
        ch->bh = nb;
        ch->bh_cap = nc;
    }
    uint64_t *h = ch->bh + ch->n_bh;
    const uint8_t *vals = src->vals;
    uint8_t b[8];
    for (size_t i = 0; i < n; i++) {
        size_t k = v0 + i;
        switch (c->f.type) {
        case DCCD_PQ_INT32:
        case DCCD_PQ_FLOAT: {
            uint32_t u;
            memcpy(&u, vals + k * 4, 4);
            dccd_store_u32le(b, u);
            h[i] = pq_bloom_hash(b, 4);
            break;
        }
        case DCCD_PQ_INT64:
        case DCCD_PQ_DOUBLE: {
            uint64_t u;
            memcpy(&u, vals + k * 8, 8);
            dccd_store_u64le(b, u);
            h[i] = pq_bloom_hash(b, 8);
            break;
        }
        case DCCD_PQ_BYTE_ARRAY:
            h[i] = pq_bloom_hash(src->data + src->offs[k], (size_t)(src->offs[k + 1] - src->offs[k]));
            break;
        default: h[i] = pq_bloom_hash(vals + k, 1); break;
        }
    }
    ch->n_bh += n;
    return DCCD_OK;
}

/* Column index (if every non-null page has min/max) and offset index. */
static int build_page_index(const pq_wcol *c, int64_t data_start, pq_wextra *ex, dccd_error *err)
{
    const pq_wchunk *ch = &c->ch;
    dccd_arena a;
    dccd_arena_init(&a, 0);
    dccd_buf b = DCCD_BUF_INIT;
    int rc = DCCD_OK;
    size_t n = ch->n_pg;
    pq_offset_index oi = {0};
    oi.pages = dccd_arena_array(&a, n ? n : 1, sizeof *oi.pages);
    if (!oi.pages) {
        rc = DCCD_ENOMEM_MSG(err);
        goto out;
    }
    oi.n_pages = n;
    for (size_t i = 0; i < n; i++) {
        oi.pages[i].offset = data_start + ch->pg[i].offset;
        oi.pages[i].compressed_page_size = ch->pg[i].size;
        oi.pages[i].first_row_index = ch->pg[i].first_row;
    }
    if ((rc = pq_encode_offset_index(&b, &oi, err)))
        goto out;
    ex->oi = dccd_buf_detach(&b, &ex->oi_len);

    bool ok = true;
    for (size_t i = 0; i < n && ok; i++)
        if (ch->pg[i].nnull < ch->pg[i].nrows && !ch->pg[i].st.has)
            ok = false;
    if (!ok)
        goto out;
    pq_column_index ci = {0};
    ci.n_pages = n;
    ci.null_pages = dccd_arena_array(&a, n ? n : 1, sizeof *ci.null_pages);
    ci.min_values = dccd_arena_array(&a, n ? n : 1, sizeof *ci.min_values);
    ci.max_values = dccd_arena_array(&a, n ? n : 1, sizeof *ci.max_values);
    ci.null_counts = dccd_arena_array(&a, n ? n : 1, sizeof *ci.null_counts);
    if (!ci.null_pages || !ci.min_values || !ci.max_values || !ci.null_counts) {
        rc = DCCD_ENOMEM_MSG(err);
        goto out;
    }
    bool asc = true, desc = true;
    const pq_vstat *prev = NULL;
    for (size_t i = 0; i < n; i++) {
        const pq_wpage *p = &ch->pg[i];
        ci.null_counts[i] = p->nnull;
        if (!p->st.has) {
            ci.null_pages[i] = true;
            ci.min_values[i].p = ci.max_values[i].p = (const uint8_t *)"";
            ci.min_values[i].n = ci.max_values[i].n = 0;
            continue;
        }
        bool e0, e1;
        if ((rc = vstat_bytes(&a, c->f.type, &p->st, &ci.min_values[i], &ci.max_values[i], &e0, &e1, err)))
            goto out;
        if (!ci.max_values[i].p)
            goto out; /* max not representable: no column index */
        if (prev) {
            int c0 = vstat_cmp(c->f.type, prev, &p->st, 0), c1 = vstat_cmp(c->f.type, prev, &p->st, 1);
            if (c0 > 0 || c1 > 0)
                asc = false;
            if (c0 < 0 || c1 < 0)
                desc = false;
        }
        prev = &p->st;
    }
    ci.boundary_order = asc ? 1 : desc ? 2 : 0;
    if ((rc = pq_encode_column_index(&b, &ci, err)))
        goto out;
    ex->ci = dccd_buf_detach(&b, &ex->ci_len);
out:
    dccd_buf_free(&b);
    dccd_arena_free(&a);
    return rc;
}

/* Would a dictionary pay for this chunk?  Sampled on the first values of
 * its first page: when nearly every sampled value is distinct and the
 * dictionary those distinct values project to would pass the page limit
 * anyway, the chunk is written PLAIN from its first page (what the limit
 * would decide after hashing a whole page: unique trade ids, say), as
 * other writers do with a cardinality sample.  `total` is the chunk's
 * projected count of values: those known so far (buffered, and the rest of
 * the current write call up to the row group's end). */
#define PQ_DICT_SAMPLE 2048
static bool dict_hopeless(const pq_wsrc *src, size_t v0, size_t nv, size_t total, size_t limit)
{
    size_t n = nv < PQ_DICT_SAMPLE ? nv : PQ_DICT_SAMPLE;
    if (n < 256 || total < 4 * n)
        return false;
    uint64_t *slots = calloc(2 * PQ_DICT_SAMPLE, sizeof *slots);
    if (!slots)
        return false; /* no sample: keep trying the dictionary */
    const size_t mask = 2 * PQ_DICT_SAMPLE - 1;
    size_t distinct = 0, bytes = 0;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = src->data + src->offs[v0 + i];
        size_t len = (size_t)(src->offs[v0 + i + 1] - src->offs[v0 + i]);
        uint64_t h = pq_bloom_hash(p, len) | 1; /* 0 marks an empty slot */
        size_t k = (size_t)h & mask;
        while (slots[k] && slots[k] != h)
            k = (k + 1) & mask;
        if (!slots[k]) {
            slots[k] = h;
            distinct++;
            bytes += len + 4;
        }
    }
    free(slots);
    if (distinct * 10 < n * 9) /* fewer than 90% distinct: worth a try */
        return false;
    /* projected dictionary: the chunk's values at the sample's rate */
    double projected = (double)bytes / (double)n * (double)total;
    return projected > (double)limit;
}

/* The bloom filter of the chunk: the dictionary's hashes when some pages
 * are RLE_DICTIONARY (every value of those pages is an entry), plus the
 * hashes of the values encoded PLAIN. */
static int build_bloom(dccd_pq_writer *w, const pq_wcol *c, pq_wextra *ex, dccd_error *err)
{
    const pq_wchunk *ch = &c->ch;
    const bool use_dict = ch->dict_pages > 0;
    size_t ndv = w->o.bloom_ndv;
    if (!ndv)
        ndv = use_dict && ch->n_bh == 0 ? ch->dict.n : ch->vals;
    double fpp = w->o.bloom_fpp > 0.0 && w->o.bloom_fpp < 1.0 ? w->o.bloom_fpp : 0.01;
    size_t nbytes = pq_bloom_size(ndv, fpp);
    pq_bloom_header bh = {(int32_t)nbytes, true, true, true};
    dccd_buf b = DCCD_BUF_INIT;
    int rc = pq_encode_bloom_header(&b, &bh, err);
    size_t hl = b.len;
    uint8_t *bits;
    if (!rc)
        rc = dccd_buf_extend(&b, nbytes, &bits, err);
    if (rc) {
        dccd_buf_free(&b);
        return rc;
    }
    bits = b.data + hl;
    if (use_dict) { /* XXH64 of each entry (the table keys by its own hash) */
        const uint8_t *dd = ch->dict.data.data ? ch->dict.data.data : (const uint8_t *)"";
        for (size_t i = 0; i < ch->dict.n; i++)
            pq_bloom_insert(bits, nbytes,
                            pq_bloom_hash(dd + ch->dict.offs[i], (size_t)(ch->dict.offs[i + 1] - ch->dict.offs[i])));
    }
    for (size_t i = 0; i < ch->n_bh; i++)
        pq_bloom_insert(bits, nbytes, ch->bh[i]);
    ex->bloom = dccd_buf_detach(&b, &ex->bloom_len);
    return DCCD_OK;
}

/* ---- pages ------------------------------------------------------------------ */

/* Rows per data page of a fixed-width column (opts.page_size / width,
 * capped by opts.page_rows); for BYTE_ARRAY the cap alone (pages end when
 * their PLAIN size reaches page_size). */
static void page_limits(const dccd_pq_writer *w, const pq_wcol *c, size_t *rows_per_page, size_t *row_cap)
{
    size_t rpp = 0, psz = w->o.page_size;
    if (c->f.type == DCCD_PQ_BOOLEAN)
        rpp = psz > SIZE_MAX / 8 ? SIZE_MAX : psz * 8;
    else if (c->width)
        rpp = psz / c->width;
    if (rpp < 1)
        rpp = 1;
    if (rpp > ((size_t)1 << 30))
        rpp = (size_t)1 << 30;
    size_t cap = w->o.page_rows ? w->o.page_rows : (size_t)1 << 30;
    if (cap > ((size_t)1 << 30))
        cap = (size_t)1 << 30;
    if (rpp > cap)
        rpp = cap;
    *rows_per_page = rpp;
    *row_cap = cap;
}

#define PQ_SLICE_BYTE_ARRAY ((size_t)32768)

size_t pq_slice_rows(const dccd_pq_writer *w, const pq_wcol *c)
{
    size_t rpp, cap;
    page_limits(w, c, &rpp, &cap);
    if (c->f.type == DCCD_PQ_BYTE_ARRAY)
        return cap < PQ_SLICE_BYTE_ARRAY ? cap : PQ_SLICE_BYTE_ARRAY;
    return rpp;
}

/* Metadata arrays of a new chunk. */
static int start_chunk(const dccd_pq_writer *w, pq_wcol *c, dccd_error *err)
{
    pq_wchunk *ch = &c->ch;
    memset(&ch->cc, 0, sizeof ch->cc);
    pq_column_meta *m = &ch->cc.meta_data;
    ch->cc.has_meta_data = true;
    m->type = (int32_t)c->f.type;
    m->codec = (int32_t)w->o.codec;
    m->encodings = dccd_arena_array(&c->arena, 8, sizeof *m->encodings);
    m->path_in_schema = dccd_arena_array(&c->arena, 1, sizeof *m->path_in_schema);
    if (!m->encodings || !m->path_in_schema)
        return DCCD_ENOMEM_MSG(err);
    m->path_in_schema[0] = c->f.name;
    m->n_path = 1;
    ch->started = true;
    return DCCD_OK;
}

/* Forget the encoded chunk (buffers kept for the next one). */
static void reset_chunk(pq_wchunk *ch)
{
    ch->started = false;
    if (ch->n_blk)
        ch->blk[0].len = 0;
    ch->cur_blk = 0;
    ch->pages_len = 0;
    ch->n_pg = 0;
    memset(&ch->st, 0, sizeof ch->st);
    ch->total_unc = ch->total_cmp = 0;
    ch->rows = ch->vals = 0;
    pq_wdict_reset(&ch->dict);
    ch->dict_pages = 0;
    ch->fallen = false;
    ch->n_bh = 0;
    ch->scan_rows = ch->scan_vals = ch->scan_bytes = 0;
}

void pq_wchunk_free(pq_wchunk *ch)
{
    for (size_t i = 0; i < ch->n_blk; i++)
        free(ch->blk[i].p);
    free(ch->blk);
    free(ch->pg);
    pq_wdict_free(&ch->dict);
    free(ch->bh);
    dccd_buf_free(&ch->dictpg);
    memset(ch, 0, sizeof *ch);
}

/* Drop the first `rows` buffered rows (`vals` values): they are encoded. */
static void drop_rows(pq_wcol *c, size_t rows, size_t vals)
{
    if (!rows)
        return;
    size_t rrows = c->prows - rows, rvals = c->nvals - vals;
    if (c->width) {
        uint8_t *v = c->vals.data + PQ_VALS_HEAD;
        if (rvals)
            memmove(v, v + vals * c->width, rvals * c->width);
        c->vals.len = PQ_VALS_HEAD + rvals * c->width;
    } else {
        int64_t base = c->offs[vals];
        size_t bytes = (size_t)(c->offs[c->nvals] - base);
        if (bytes)
            memmove(c->data.data, c->data.data + base, bytes);
        c->data.len = bytes;
        for (size_t i = 0; i <= rvals; i++)
            c->offs[i] = c->offs[vals + i] - base;
    }
    if (c->defs.len) {
        if (rrows)
            memmove(c->defs.data, c->defs.data + rows, rrows);
        c->defs.len = rrows;
    }
    c->prows = rrows;
    c->nvals = rvals;
}

static size_t count_valid(const pq_wrest *rest)
{
    if (!rest || !rest->n)
        return 0;
    if (!rest->validity)
        return rest->n;
    size_t k = 0;
    for (size_t i = 0; i < rest->n; i++)
        k += rest->validity[i] != 0;
    return k;
}

/* Give back the last n bytes taken by chunk_room. */
static void chunk_unroom(pq_wchunk *ch, size_t n)
{
    ch->blk[ch->cur_blk].len -= n;
    ch->pages_len -= n;
}

static size_t uvarint_len(uint64_t v)
{
    size_t k = 1;
    while (v >= 0x80) {
        v >>= 7;
        k++;
    }
    return k;
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

/* A SNAPPY page (no CRC) compressed straight into the chunk's block, with
 * no copy of its values: body = [pre][vals], pre (at most PQ_INPLACE_PRE
 * bytes: the v1 levels) in front of the values wherever they are (buffer
 * or caller).  libsnappy compresses its input as independent fragments of
 * PQ_SNAPPY_FRAG bytes (a fresh hash table each, copies never reach
 * before the fragment), its output being <varint length> then each
 * fragment's elements; so the body's first fragment, [pre][first values],
 * is compressed from a small bounce buffer, the rest of the values from
 * where they are, and the elements joined after one varint: the same bytes
 * as compressing the body in one piece (and a valid stream in any case,
 * since elements only refer back to bytes already produced).  The page
 * header is encoded first with the bound as compressed size (never shorter
 * than the final one); when the final header is shorter, the payload moves
 * down by the difference. */
#define PQ_SNAPPY_FRAG ((size_t)1 << 16)
static int emit_page_snappy(pq_wscr *S, const char *col, pq_page_header *h, const dccd_buf *lv,
                            const uint8_t *pre, size_t plen, const uint8_t *vals, size_t vlen, pq_wchunk *ch,
                            size_t *page_bytes, size_t *unc_bytes, dccd_error *err)
{
    int rc;
    size_t lvl = lv ? lv->len : 0;
    size_t unc = lvl + plen + vlen, blen = plen + vlen;
    /* first fragment from the bounce buffer when there is a prefix */
    size_t f0 = plen ? (blen < PQ_SNAPPY_FRAG ? blen : PQ_SNAPPY_FRAG) : 0;
    size_t head = f0 ? f0 - plen : 0;           /* values in the first fragment */
    size_t rlen = vlen - head;                  /* values compressed from where they are */
    size_t kt = uvarint_len(blen), kr = uvarint_len(rlen);
    size_t m0 = f0 ? snappy_max_compressed_length(f0) : 0, mr = snappy_max_compressed_length(rlen);
    size_t bound = kt + m0 + mr;
    if ((rc = check_i32(unc, "page", col, err)) || (rc = check_i32(lvl + bound, "page", col, err)))
        return rc;
    if (f0) {
        dccd_buf_reset(&S->frag);
        dccd_buf_reset(&S->comp);
        if ((rc = dccd_buf_append(&S->frag, pre, plen, err)) || (head && (rc = dccd_buf_append(&S->frag, vals, head, err))) ||
            (rc = dccd_buf_reserve(&S->comp, m0, err)))
            return rc;
    }
    h->uncompressed_page_size = (int32_t)unc;
    h->compressed_page_size = (int32_t)(lvl + bound);
    dccd_buf_reset(&S->hdr);
    if ((rc = pq_encode_page_header(&S->hdr, h, err)))
        return rc;
    size_t h1 = S->hdr.len, room = h1 + lvl + bound;
    uint8_t *d;
    if ((rc = chunk_room(ch, room, &d, err)))
        return rc;
    uint8_t *sp = d + h1 + lvl; /* the snappy stream */
    size_t e0 = 0, out;
    if (f0) {
        out = m0;
        if (snappy_compress((const char *)S->frag.data, f0, (char *)S->comp.data, &out) != SNAPPY_OK ||
            out < uvarint_len(f0)) {
            chunk_unroom(ch, room);
            return dccd_err_set(err, DCCD_EINVAL, "column %s: snappy: compression failed", col);
        }
        e0 = out - uvarint_len(f0);
    }
    size_t er = 0;
    if (rlen || !f0) {
        /* its varint lands where the first fragment's elements go (kt >= kr) */
        out = mr;
        if (snappy_compress((const char *)(rlen ? vals + head : (const uint8_t *)""), rlen,
                            (char *)(sp + kt + e0 - kr), &out) != SNAPPY_OK ||
            out < kr) {
            chunk_unroom(ch, room);
            return dccd_err_set(err, DCCD_EINVAL, "column %s: snappy: compression failed", col);
        }
        er = out - kr;
    }
    put_uvarint(sp, blen);
    if (f0)
        memcpy(sp + kt, S->comp.data + uvarint_len(f0), e0);
    if (lvl)
        memcpy(d + h1, lv->data, lvl);
    size_t cmp = lvl + kt + e0 + er;
    h->compressed_page_size = (int32_t)cmp;
    dccd_buf_reset(&S->hdr);
    if ((rc = pq_encode_page_header(&S->hdr, h, err))) {
        chunk_unroom(ch, room);
        return rc;
    }
    size_t h2 = S->hdr.len;
    if (h2 > h1) { /* cannot happen: sizes only shrank */
        chunk_unroom(ch, room);
        return dccd_err_set(err, DCCD_EINVAL, "column %s: page header grew from %zu to %zu bytes", col, h1, h2);
    }
    if (h2 < h1)
        memmove(d + h2, d + h1, cmp);
    memcpy(d, S->hdr.data, h2);
    chunk_unroom(ch, room - (h2 + cmp));
    *page_bytes = h2 + cmp;
    *unc_bytes = h2 + unc;
    return DCCD_OK;
}

/* Encode one page: rows r0 .. r0+prow-1, values v0 .. v0+nv-1 of src. */
static int encode_page(const dccd_pq_writer *w, pq_wscr *S, pq_wcol *c, const pq_wsrc *src, size_t r0, size_t prow, size_t v0,
                       size_t nv, const pq_wrest *rest, dccd_error *err)
{
    pq_wchunk *ch = &c->ch;
    pq_column_meta *m = &ch->cc.meta_data;
    const char *col = c->name;
    const dccd_pq_type t = c->f.type;
    const bool opt = c->f.optional;
    const bool v2 = w->o.data_page_v2;
    const uint8_t *defs = src->defs;
    const bool dict_mode = t == DCCD_PQ_BYTE_ARRAY && !c->f.no_dictionary;
    const bool delta = c->f.delta && (t == DCCD_PQ_INT32 || t == DCCD_PQ_INT64);
    const int page_type = v2 ? PQ_PAGE_DATA_V2 : PQ_PAGE_DATA;
    const uint8_t *vals = src->vals;
    /* SNAPPY without CRC: compressed straight into the chunk (emit_page_snappy) */
    const bool snappy_direct = w->o.codec == DCCD_PQ_SNAPPY && !w->o.crc;
    int rc;

    /* ---- statistics */
    pq_wpage pg;
    memset(&pg, 0, sizeof pg);
    pg.first_row = (int64_t)ch->rows;
    pg.nrows = (int64_t)prow;
    pg.nnull = (int64_t)(prow - nv);
    const bool want_st = w->o.statistics || w->o.page_index;
    /* fixed width: after compression (below), which is compute-bound and
     * brings the values into cache; the statistics then read them from
     * there instead of paying the first read from memory.  BYTE_ARRAY: as
     * the values are encoded. */

    /* ---- levels */
    dccd_buf_reset(&S->page);
    dccd_buf_reset(&S->lv);
    if (opt) {
        dccd_buf *lb = v2 ? &S->lv : &S->page;
        size_t at = lb->len;
        if (!v2 && (rc = dccd_buf_append_u32le(lb, 0, err)))
            return rc;
        if ((rc = defs ? pq_rle_encode_u8(lb, defs + r0, prow, 1, err) : levels_ones(lb, prow, err)))
            return dccd_err_prefix(err, rc, "column %s", col);
        if (!v2)
            dccd_store_u32le(lb->data + at, (uint32_t)(lb->len - at - 4));
    }

    /* ---- values */
    int enc = DCCD_PQ_ENC_PLAIN;
    dccd_buf *vb = &S->page;
    const dccd_buf *body = &S->page;
    dccd_buf inplace = DCCD_BUF_INIT;
    uint8_t saved[PQ_INPLACE_PRE];
    size_t pre = 0;
    if (dict_mode && !ch->fallen && ch->dict_pages == 0 &&
        dict_hopeless(src, v0, nv, ch->vals + (src->nvals - v0) + count_valid(rest), w->o.dictionary_page_limit))
        ch->fallen = true;
    if (dict_mode && !ch->fallen) {
        enc = DCCD_PQ_ENC_RLE_DICTIONARY;
        if (nv > S->idx_cap) {
            uint32_t *ni = dccd_realloc_array(S->idx, nv, sizeof *ni);
            if (!ni)
                return DCCD_ENOMEM_MSG(err);
            S->idx = ni;
            S->idx_cap = nv;
        }
        if ((rc = pq_wdict_put_many(&ch->dict, src->data, src->offs + v0, nv, S->idx, err)))
            return dccd_err_prefix(err, rc, "column %s", col);
        if (want_st)
            stat_dict(&ch->dict, src->data, src->offs + v0, S->idx, nv, &pg.st);
        int bw = pq_bit_width_u32(ch->dict.n > 1 ? (uint32_t)(ch->dict.n - 1) : 1);
        if ((rc = dccd_buf_append_byte(vb, (uint8_t)bw, err)) || (rc = pq_rle_encode(vb, S->idx, nv, bw, err)))
            return rc;
        ch->dict_pages++;
        if (ch->dict.plain_bytes > w->o.dictionary_page_limit)
            ch->fallen = true;
    } else if (PQ_HOST_LE && c->width > 1 && !delta && S->page.len <= PQ_INPLACE_PRE && snappy_direct) {
        /* PLAIN fixed width, SNAPPY: the values are compressed from where
         * they are (buffer or caller), the levels put in front as a literal */
        pre = SIZE_MAX; /* marks this path */
    } else if (PQ_HOST_LE && c->width > 1 && !delta && S->page.len <= PQ_INPLACE_PRE && src->own) {
        /* PLAIN fixed width: the values are the page bytes already; the v1
         * level prefix is put right before them (over the previous page's
         * last value bytes or the PQ_VALS_HEAD room; saved, restored after
         * emit_page) so that the body is one contiguous range of c->vals,
         * compressed without a copy. */
        pre = S->page.len;
        uint8_t *vp = c->vals.data + PQ_VALS_HEAD + v0 * c->width - pre; /* src->vals is the buffer */
        if (pre) {
            memcpy(saved, vp, pre);
            memcpy(vp, S->page.data, pre);
        }
        inplace.data = vp;
        inplace.len = inplace.cap = pre + nv * c->width;
        body = &inplace;
    } else {
        switch (t) {
        case DCCD_PQ_BOOLEAN: rc = pq_plain_encode_bool(vb, vals + v0, nv, err); break;
        case DCCD_PQ_INT32:
            if (delta) {
                enc = DCCD_PQ_ENC_DELTA_BINARY_PACKED;
                rc = pq_delta_encode_i32(vb, (const int32_t *)(const void *)vals + v0, nv, err);
            } else {
                rc = append_fixed(vb, vals + v0 * 4, 4, nv, err);
            }
            break;
        case DCCD_PQ_INT64:
            if (delta) {
                enc = DCCD_PQ_ENC_DELTA_BINARY_PACKED;
                rc = pq_delta_encode_i64(vb, (const int64_t *)(const void *)vals + v0, nv, err);
            } else {
                rc = append_fixed(vb, vals + v0 * 8, 8, nv, err);
            }
            break;
        case DCCD_PQ_FLOAT: rc = append_fixed(vb, vals + v0 * 4, 4, nv, err); break;
        case DCCD_PQ_DOUBLE: rc = append_fixed(vb, vals + v0 * 8, 8, nv, err); break;
        default:
            rc = pq_plain_encode_byte_array(vb, src->data, src->offs + v0, nv, err);
            if (want_st)
                stat_bytes(src->data, src->offs + v0, nv, &pg.st);
            break;
        }
        if (rc)
            return dccd_err_prefix(err, rc, "column %s", col);
    }
    if (want_st && t == DCCD_PQ_BYTE_ARRAY)
        vstat_merge(t, &ch->st, &pg.st);
    /* bloom filter: values outside the dictionary, hashed while buffered */
    if (c->f.bloom_filter && enc != DCCD_PQ_ENC_RLE_DICTIONARY && (rc = hash_values(ch, c, src, v0, nv, err))) {
        if (pre && pre != SIZE_MAX)
            memcpy(inplace.data, saved, pre);
        return rc;
    }

    /* ---- header + compression */
    pq_page_header h;
    memset(&h, 0, sizeof h);
    h.type = page_type;
    if (v2) {
        h.has_data_page_header_v2 = true;
        pq_data_page_header_v2 *d = &h.data_page_header_v2;
        d->num_values = (int32_t)prow;
        d->num_nulls = (int32_t)(prow - nv);
        d->num_rows = (int32_t)prow;
        d->encoding = enc;
        d->definition_levels_byte_length = (int32_t)S->lv.len;
        d->repetition_levels_byte_length = 0;
        d->is_compressed = w->o.codec != DCCD_PQ_UNCOMPRESSED;
    } else {
        h.has_data_page_header = true;
        pq_data_page_header *d = &h.data_page_header;
        d->num_values = (int32_t)prow;
        d->encoding = enc;
        d->definition_level_encoding = DCCD_PQ_ENC_RLE;
        d->repetition_level_encoding = DCCD_PQ_ENC_RLE;
    }
    pg.offset = (int64_t)ch->pages_len;
    ch->hint_rows = prow;
    ch->hint_more = src->rows - r0 - prow + (rest ? rest->n : 0);
    size_t pb, ub;
    if (pre == SIZE_MAX) /* fixed-width values: [levels in S->page][values where they are] */
        rc = emit_page_snappy(S, col, &h, v2 ? &S->lv : NULL, S->page.data, S->page.len, vals + v0 * c->width,
                              nv * c->width, ch, &pb, &ub, err);
    else if (snappy_direct)
        rc = emit_page_snappy(S, col, &h, v2 ? &S->lv : NULL, NULL, 0, body->data, body->len, ch, &pb, &ub, err);
    else
        rc = emit_page(w, S, col, &h, v2 ? &S->lv : NULL, body, NULL, ch, &pb, &ub, err);
    if (pre && pre != SIZE_MAX)
        memcpy(inplace.data, saved, pre);
    if (rc)
        return rc;
    if (want_st && t != DCCD_PQ_BYTE_ARRAY) {
        switch (t) {
        case DCCD_PQ_BOOLEAN: stat_bool(vals + v0, nv, &pg.st); break;
        case DCCD_PQ_INT32: stat_i32((const int32_t *)(const void *)vals + v0, nv, &pg.st); break;
        case DCCD_PQ_INT64: stat_i64((const int64_t *)(const void *)vals + v0, nv, &pg.st); break;
        case DCCD_PQ_FLOAT: stat_f32((const float *)(const void *)vals + v0, nv, &pg.st); break;
        case DCCD_PQ_DOUBLE: stat_f64((const double *)(const void *)vals + v0, nv, &pg.st); break;
        default: break;
        }
        vstat_merge(t, &ch->st, &pg.st);
    }
    if ((rc = check_i32(pb, "page", col, err)))
        return rc;
    pg.size = (int32_t)pb;
    ch->total_cmp += pb;
    ch->total_unc += ub;
    if ((rc = add_enc_stat(&c->arena, m, page_type, enc, err)))
        return rc;
    add_encoding(m, enc);
    if ((rc = push_page(ch, &pg, err)))
        return rc;
    ch->rows += prow;
    ch->vals += nv;
    return DCCD_OK;
}

/* Encode the pages of src that are complete (all of its rows when final,
 * the last page partial); *rows / *vals receive the rows and values
 * encoded. */
static int encode_run(const dccd_pq_writer *w, pq_wscr *S, pq_wcol *c, const pq_wsrc *src, bool final, const pq_wrest *rest,
                      size_t *rows, size_t *vals, dccd_error *err)
{
    pq_wchunk *ch = &c->ch;
    int rc;
    const uint8_t *defs = src->defs;
    const size_t nrows = src->rows, psz = w->o.page_size;
    size_t rows_per_page, row_cap;
    page_limits(w, c, &rows_per_page, &row_cap);
    size_t r0 = 0, v0 = 0;
    while (r0 < nrows) {
        /* ---- page boundaries: a page is cut only once complete, or at the
         * end of the chunk (final) */
        size_t r1, nv = 0;
        if (c->f.type == DCCD_PQ_BYTE_ARRAY) {
            /* resume the scan of the page being cut (buffered rows 0.. when
             * the previous call left it incomplete; 0 for a caller source,
             * used only when nothing is buffered) */
            size_t acc = ch->scan_bytes, r = r0 + ch->scan_rows, v = v0 + ch->scan_vals;
            const int64_t *o = src->offs;
            while (r < nrows && acc < psz && r - r0 < row_cap) {
                if (!defs || defs[r]) {
                    acc += 4 + (size_t)(o[v + 1] - o[v]);
                    v++;
                }
                r++;
            }
            if (!final && acc < psz && r - r0 < row_cap) { /* ran out of rows */
                if (src->own) {
                    ch->scan_rows = r - r0;
                    ch->scan_vals = v - v0;
                    ch->scan_bytes = acc;
                }
                break;
            }
            ch->scan_rows = ch->scan_vals = ch->scan_bytes = 0;
            r1 = r;
            nv = v - v0;
        } else {
            if (nrows - r0 >= rows_per_page)
                r1 = r0 + rows_per_page;
            else if (final)
                r1 = nrows;
            else
                break;
            if (defs) {
                for (size_t r = r0; r < r1; r++)
                    nv += defs[r];
            } else {
                nv = r1 - r0;
            }
        }
        if ((rc = encode_page(w, S, c, src, r0, r1 - r0, v0, nv, rest, err)))
            return rc;
        r0 = r1;
        v0 += nv;
    }
    *rows = r0;
    *vals = v0;
    return DCCD_OK;
}

int pq_encode_pages(dccd_pq_writer *w, pq_wscr *S, int ci, bool final, const pq_wrest *rest, dccd_error *err)
{
    pq_wcol *c = &w->cols[ci];
    int rc;
    if (!c->ch.started && (rc = start_chunk(w, c, err)))
        return rc;
    pq_wsrc src;
    src.vals = c->vals.data + PQ_VALS_HEAD;
    src.data = c->data.data;
    src.offs = c->offs;
    src.defs = c->f.optional && c->defs.len ? c->defs.data : NULL;
    src.rows = c->prows;
    src.nvals = c->nvals;
    src.own = true;
    size_t rows, vals;
    if ((rc = encode_run(w, S, c, &src, final, rest, &rows, &vals, err)))
        return rc;
    drop_rows(c, rows, vals);
    return DCCD_OK;
}

bool pq_direct_ok(const pq_wcol *c)
{
    return c->prows == 0 && PQ_HOST_LE && (c->width > 1 || c->f.type == DCCD_PQ_BYTE_ARRAY);
}

int pq_encode_direct(dccd_pq_writer *w, pq_wscr *S, int ci, const dccd_pq_column *in, size_t r0, size_t n,
                     const pq_wrest *rest, size_t *used, dccd_error *err)
{
    pq_wcol *c = &w->cols[ci];
    int rc;
    *used = 0;
    if (!pq_direct_ok(c) || (!c->width && !in->data)) /* no data (all empty strings): buffered */
        return DCCD_OK;
    if (!c->ch.started && (rc = start_chunk(w, c, err)))
        return rc;
    pq_wsrc src;
    memset(&src, 0, sizeof src);
    if (c->width)
        src.vals = (const uint8_t *)in->values + r0 * c->width;
    else {
        src.data = in->data;
        src.offs = in->offsets + r0;
    }
    src.rows = src.nvals = n;
    size_t vals;
    return encode_run(w, S, c, &src, false, rest, used, &vals, err);
}

/* ---- the chunk ------------------------------------------------------------ */

int pq_finish_chunk(dccd_pq_writer *w, pq_wscr *S, int ci, pq_wextra *ex, dccd_error *err)
{
    pq_wcol *c = &w->cols[ci];
    pq_wchunk *ch = &c->ch;
    const char *col = c->name;
    const dccd_pq_type t = c->f.type;
    int rc = pq_encode_pages(w, S, ci, true, NULL, err);
    if (rc)
        return rc;
    pq_column_meta *m = &ch->cc.meta_data;
    const size_t nrows = ch->rows;
    m->num_values = (int64_t)nrows;
    const bool dict_used = ch->dict_pages > 0;

    /* ---- dictionary page */
    dccd_buf_reset(&ch->dictpg);
    if (dict_used) {
        dccd_buf_reset(&S->page);
        if ((rc = pq_plain_encode_byte_array(&S->page, ch->dict.data.data, ch->dict.offs, ch->dict.n, err)))
            return rc;
        pq_page_header h;
        memset(&h, 0, sizeof h);
        h.type = PQ_PAGE_DICTIONARY;
        h.has_dictionary_page_header = true;
        h.dictionary_page_header.num_values = (int32_t)ch->dict.n;
        h.dictionary_page_header.encoding = DCCD_PQ_ENC_PLAIN;
        size_t pb, ub;
        if ((rc = emit_page(w, S, col, &h, NULL, &S->page, &ch->dictpg, NULL, &pb, &ub, err)))
            return rc;
        ch->total_cmp += pb;
        ch->total_unc += ub;
        if ((rc = add_enc_stat(&c->arena, m, PQ_PAGE_DICTIONARY, DCCD_PQ_ENC_PLAIN, err)))
            return rc;
        add_encoding(m, DCCD_PQ_ENC_PLAIN);
    }
    if (c->f.optional)
        add_encoding(m, DCCD_PQ_ENC_RLE);
    m->total_compressed_size = (int64_t)ch->total_cmp;
    m->total_uncompressed_size = (int64_t)ch->total_unc;

    /* ---- chunk statistics */
    if (w->o.statistics) {
        pq_statistics *s = &m->statistics;
        m->has_statistics = true;
        s->has_null_count = true;
        s->null_count = (int64_t)(nrows - ch->vals);
        bool e0, e1;
        if ((rc = vstat_bytes(&c->arena, t, &ch->st, &s->min_value, &s->max_value, &e0, &e1, err)))
            return rc;
        if (s->min_value.p) {
            s->has_is_min_value_exact = true;
            s->is_min_value_exact = e0;
        }
        if (s->max_value.p) {
            s->has_is_max_value_exact = true;
            s->is_max_value_exact = e1;
        }
        if (t != DCCD_PQ_BYTE_ARRAY && s->min_value.p && s->max_value.p) {
            s->min = s->min_value;
            s->max = s->max_value;
        }
        if (dict_used && !ch->fallen) {
            s->has_distinct_count = true;
            s->distinct_count = (int64_t)ch->dict.n;
        }
    }
    ex->col = ci;
    if (c->f.bloom_filter && (rc = build_bloom(w, c, ex, err)))
        return rc;
    return DCCD_OK;
}

int pq_emit_chunk(dccd_pq_writer *w, int ci, pq_column_chunk *cc, pq_wextra *ex, dccd_error *err)
{
    pq_wcol *c = &w->cols[ci];
    pq_wchunk *ch = &c->ch;
    pq_column_meta *m = &ch->cc.meta_data;
    int rc;
    int64_t start = (int64_t)w->pos;
    if (ch->dictpg.len) {
        m->has_dictionary_page_offset = true;
        m->dictionary_page_offset = start;
        if ((rc = pq_wout(w, ch->dictpg.data, ch->dictpg.len, err)))
            return rc;
    }
    int64_t data_start = (int64_t)w->pos;
    m->data_page_offset = data_start;
    for (size_t i = 0; i < ch->n_blk && i <= ch->cur_blk; i++)
        if ((rc = pq_wout(w, ch->blk[i].p, ch->blk[i].len, err)))
            return rc;
    ch->cc.file_offset = start;
    if (w->o.page_index && (rc = build_page_index(c, data_start, ex, err)))
        return rc;
    *cc = ch->cc;
    reset_chunk(ch);
    return DCCD_OK;
}
