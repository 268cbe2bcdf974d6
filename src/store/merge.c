/*
 * src/store/merge.c - the seed's merge semantics on columnar tables.
 *
 * The seed's save does, per period file:
 *     merged = concat([existing, new]).unique(subset=KEY, keep="last").sort("TS")
 * with KEY = ["TS"] for OHLC, ["TS", "side", "price"] for the order book,
 * and for trades ["tid"] when no tid in the merged frame is null, else
 * ["TS", "price", "amount", "side"].
 *
 * dccd_merge_fold applies a file and a sequence of saves (segments).  For a
 * fixed key, keep-last de-dup is associative, so one pass over the
 * concatenation equals the step-by-step result.  For trades the key can
 * change from step to step when some tids are null; the fold then detects
 * whether the key is provably fixed (no null tid anywhere -> tid; every
 * later part all-null -> composite) and otherwise runs the steps one by one.
 *
 * De-dup walks rows from the last to the first with an open-addressing hash
 * table of row indexes, keeping the first occurrence met (the last in
 * order); with a pool and enough rows, the rows are hash-partitioned and
 * the partitions de-duplicated as concurrent tasks (the same kept rows).
 * The sort is a stable merge sort of row indexes by TS, skipped
 * when the kept rows are already in order (the usual append case).  Floats
 * in keys compare with -0.0 == 0.0 and NaN == NaN; nulls equal each other.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "common/pool.h"
#include "store/store_int.h"

typedef dccd_key_mode key_mode;
#define KEY_TS DCCD_KEY_TS
#define KEY_BOOK DCCD_KEY_BOOK
#define KEY_TID DCCD_KEY_TID
#define KEY_COMPOSITE DCCD_KEY_COMPOSITE

static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    x *= UINT64_C(0xc4ceb9fe1a85ec53);
    x ^= x >> 33;
    return x;
}

static inline uint64_t dbl_bits(double d)
{
    if (d == 0)
        d = 0; /* -0.0 -> +0.0 */
    if (isnan(d))
        return UINT64_C(0x7ff8000000000000);
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static inline uint64_t str_hash(const dccd_pq_column *c, size_t i)
{
    if (!dccd_col_valid(c, i))
        return UINT64_C(0x9e3779b97f4a7c15);
    int64_t a = c->offsets[i], b = c->offsets[i + 1];
    return XXH3_64bits(c->data + a, (size_t)(b - a));
}

static inline bool str_eq(const dccd_pq_column *c, size_t i, size_t j)
{
    bool vi = dccd_col_valid(c, i), vj = dccd_col_valid(c, j);
    if (!vi || !vj)
        return vi == vj;
    int64_t la = c->offsets[i + 1] - c->offsets[i], lb = c->offsets[j + 1] - c->offsets[j];
    return la == lb && memcmp(c->data + c->offsets[i], c->data + c->offsets[j], (size_t)la) == 0;
}

static inline uint64_t i64_key(const dccd_pq_column *c, size_t i)
{
    return dccd_col_valid(c, i) ? (uint64_t)((const int64_t *)c->values)[i] : UINT64_C(0x8000000000000001);
}
static inline bool i64_eq(const dccd_pq_column *c, size_t i, size_t j)
{
    bool vi = dccd_col_valid(c, i), vj = dccd_col_valid(c, j);
    if (!vi || !vj)
        return vi == vj;
    return ((const int64_t *)c->values)[i] == ((const int64_t *)c->values)[j];
}
static inline uint64_t f64_key(const dccd_pq_column *c, size_t i)
{
    return dccd_col_valid(c, i) ? dbl_bits(((const double *)c->values)[i]) : UINT64_C(0x7ff4000000000001);
}
static inline bool f64_eq(const dccd_pq_column *c, size_t i, size_t j)
{
    bool vi = dccd_col_valid(c, i), vj = dccd_col_valid(c, j);
    if (!vi || !vj)
        return vi == vj;
    return dbl_bits(((const double *)c->values)[i]) == dbl_bits(((const double *)c->values)[j]);
}

static uint64_t row_hash(const dccd_table *t, key_mode m, size_t i)
{
    switch (m) {
    case KEY_TS: return mix64(i64_key(&t->cols[0], i));
    case KEY_BOOK:
        return mix64(i64_key(&t->cols[BK_TS], i) ^ mix64(f64_key(&t->cols[BK_PRICE], i)) ^
                     (str_hash(&t->cols[BK_SIDE], i) * 31));
    case KEY_TID: return str_hash(&t->cols[TR_TID], i);
    case KEY_COMPOSITE:
        return mix64(i64_key(&t->cols[TR_TS], i) ^ mix64(f64_key(&t->cols[TR_PRICE], i)) ^
                     mix64(f64_key(&t->cols[TR_AMOUNT], i) + 0x1234567u) ^ (str_hash(&t->cols[TR_SIDE], i) * 31));
    }
    return 0;
}

/* Key equality of row i of t and row j of u (tables of one type). */
static bool row_eq2(const dccd_table *t, size_t i, const dccd_table *u, size_t j, key_mode m);

static bool row_eq(const dccd_table *t, key_mode m, size_t i, size_t j)
{
    switch (m) {
    case KEY_TS: return i64_eq(&t->cols[0], i, j);
    case KEY_BOOK:
        return i64_eq(&t->cols[BK_TS], i, j) && f64_eq(&t->cols[BK_PRICE], i, j) && str_eq(&t->cols[BK_SIDE], i, j);
    case KEY_TID: return str_eq(&t->cols[TR_TID], i, j);
    case KEY_COMPOSITE:
        return i64_eq(&t->cols[TR_TS], i, j) && f64_eq(&t->cols[TR_PRICE], i, j) &&
               f64_eq(&t->cols[TR_AMOUNT], i, j) && str_eq(&t->cols[TR_SIDE], i, j);
    }
    return false;
}

bool dccd_ts_sorted(const int64_t *ts, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (ts[i] < ts[i - 1])
            return false;
    return true;
}

/* Indexes of the rows that survive keep-last de-dup, in increasing order:
 * one thread. */
static int dedup_serial(const dccd_table *t, key_mode m, size_t **keep_out, size_t *nkeep, dccd_error *err)
{
    size_t n = t->nrows;
    size_t cap = 16;
    while (cap < n * 2 + 2) {
        if (cap > SIZE_MAX / 4)
            return dccd_err_set(err, DCCD_ERANGE, "de-dup: too many rows");
        cap *= 2;
    }
    size_t *slots = calloc(cap, sizeof *slots); /* row index + 1, 0 = empty */
    size_t *keep = dccd_malloc_array(n ? n : 1, sizeof *keep);
    if (!slots || !keep) {
        free(slots);
        free(keep);
        return DCCD_ENOMEM_MSG(err);
    }
    size_t k = 0, mask = cap - 1;
    for (size_t r = n; r-- > 0;) {
        size_t h = (size_t)row_hash(t, m, r) & mask;
        for (;;) {
            size_t s = slots[h];
            if (s == 0) {
                slots[h] = r + 1;
                keep[k++] = r;
                break;
            }
            if (row_eq(t, m, s - 1, r))
                break; /* a later row with this key is kept */
            h = (h + 1) & mask;
        }
    }
    free(slots);
    /* reverse into increasing order */
    for (size_t a = 0, b = k; a + 1 < b; a++, b--) {
        size_t x = keep[a];
        keep[a] = keep[b - 1];
        keep[b - 1] = x;
    }
    *keep_out = keep;
    *nkeep = k;
    return DCCD_OK;
}

/* ---- de-dup on a pool ----
 * The same set of kept rows as dedup_serial, in two batches of tasks:
 * (1) every row's key hash, in chunks; (2) one task per partition
 * (hash >> 40 modulo the partitions), each walking all rows from the last
 * to the first and de-duplicating those of its partition in its own
 * table (a row's key equals another's only if their hashes do, so equal
 * keys always meet in one partition).  A task marks the rows it keeps in a
 * shared byte array (each row is written by one task only); the kept
 * indexes are that array's ones, in increasing order. */

#define DEDUP_PAR_MIN_ROWS 65536
#define DEDUP_MAX_PARTS 16

typedef struct dedup_ctx {
    const dccd_table *t;
    key_mode m;
    size_t n, chunk;
    uint64_t *hash;
    uint8_t *kept;
    size_t nparts;
} dedup_ctx;

static int dedup_hash_task(void *vctx, size_t task, int worker, dccd_error *err)
{
    (void)worker;
    (void)err;
    dedup_ctx *c = vctx;
    size_t a = task * c->chunk, b = a + c->chunk < c->n ? a + c->chunk : c->n;
    for (size_t i = a; i < b; i++)
        c->hash[i] = row_hash(c->t, c->m, i);
    return DCCD_OK;
}

static inline size_t dedup_part(uint64_t h, size_t nparts)
{
    return (size_t)((h >> 40) % nparts);
}

static int dedup_part_task(void *vctx, size_t part, int worker, dccd_error *err)
{
    (void)worker;
    dedup_ctx *c = vctx;
    size_t cnt = 0;
    for (size_t i = 0; i < c->n; i++)
        cnt += dedup_part(c->hash[i], c->nparts) == part;
    size_t cap = 16;
    while (cap < cnt * 2 + 2)
        cap *= 2; /* cnt <= n, and n * 2 + 2 was checked not to overflow */
    size_t *slots = calloc(cap, sizeof *slots); /* row index + 1, 0 = empty */
    if (!slots)
        return DCCD_ENOMEM_MSG(err);
    size_t mask = cap - 1;
    for (size_t r = c->n; r-- > 0;) {
        uint64_t hr = c->hash[r];
        if (dedup_part(hr, c->nparts) != part)
            continue;
        size_t h = (size_t)hr & mask;
        for (;;) {
            size_t sl = slots[h];
            if (sl == 0) {
                slots[h] = r + 1;
                c->kept[r] = 1;
                break;
            }
            if (c->hash[sl - 1] == hr && row_eq(c->t, c->m, sl - 1, r))
                break; /* a later row with this key is kept */
            h = (h + 1) & mask;
        }
    }
    free(slots);
    return DCCD_OK;
}

static int dedup_last(const dccd_table *t, key_mode m, dccd_pool *pool, size_t **keep_out, size_t *nkeep,
                      dccd_error *err)
{
    size_t n = t->nrows, threads = (size_t)dccd_pool_threads(pool);
    if (threads <= 1 || n < DEDUP_PAR_MIN_ROWS)
        return dedup_serial(t, m, keep_out, nkeep, err);
    if (n > SIZE_MAX / 4 / sizeof(size_t))
        return dccd_err_set(err, DCCD_ERANGE, "de-dup: too many rows");
    dedup_ctx c = {t, m, n, 0, NULL, NULL, threads < DEDUP_MAX_PARTS ? threads : DEDUP_MAX_PARTS};
    c.hash = dccd_malloc_array(n, sizeof *c.hash);
    c.kept = calloc(n, 1);
    size_t *keep = dccd_malloc_array(n, sizeof *keep);
    int rc = DCCD_OK;
    if (!c.hash || !c.kept || !keep)
        rc = DCCD_ENOMEM_MSG(err);
    size_t nchunks = threads * 4;
    c.chunk = (n + nchunks - 1) / nchunks;
    if (!rc)
        rc = dccd_pool_run(pool, (n + c.chunk - 1) / c.chunk, dedup_hash_task, &c, err);
    if (!rc)
        rc = dccd_pool_run(pool, c.nparts, dedup_part_task, &c, err);
    size_t k = 0;
    if (!rc)
        for (size_t i = 0; i < n; i++)
            if (c.kept[i])
                keep[k++] = i;
    free(c.hash);
    free(c.kept);
    if (rc) {
        free(keep);
        return rc;
    }
    *keep_out = keep;
    *nkeep = k;
    return DCCD_OK;
}

/* Stable merge sort of idx[0..n) by ts[idx[i]]. */
static int sort_idx_by_ts(const int64_t *ts, size_t *idx, size_t n, dccd_error *err)
{
    bool sorted = true;
    for (size_t i = 1; i < n && sorted; i++)
        sorted = ts[idx[i]] >= ts[idx[i - 1]];
    if (sorted)
        return DCCD_OK;
    size_t *tmp = dccd_malloc_array(n, sizeof *tmp);
    if (!tmp)
        return DCCD_ENOMEM_MSG(err);
    /* bottom-up: runs of 16 by insertion sort, then merges */
    const size_t RUN = 16;
    for (size_t lo = 0; lo < n; lo += RUN) {
        size_t hi = lo + RUN < n ? lo + RUN : n;
        for (size_t i = lo + 1; i < hi; i++) {
            size_t v = idx[i];
            size_t j = i;
            while (j > lo && ts[idx[j - 1]] > ts[v]) {
                idx[j] = idx[j - 1];
                j--;
            }
            idx[j] = v;
        }
    }
    size_t *src = idx, *dst = tmp;
    for (size_t width = RUN; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t a = lo, b = mid, o = lo;
            if (mid < hi && ts[src[mid - 1]] <= ts[src[mid]]) {
                memcpy(dst + lo, src + lo, (hi - lo) * sizeof *src);
                continue;
            }
            while (a < mid && b < hi)
                dst[o++] = ts[src[b]] < ts[src[a]] ? src[b++] : src[a++];
            while (a < mid)
                dst[o++] = src[a++];
            while (b < hi)
                dst[o++] = src[b++];
        }
        size_t *x = src;
        src = dst;
        dst = x;
    }
    if (src != idx)
        memcpy(idx, src, n * sizeof *idx);
    free(tmp);
    return DCCD_OK;
}

/* One merge step over an already concatenated table.  With owned (the
 * caller's own concatenation, cat == owned), a step that keeps every row
 * in its order moves the table into *out instead of copying it (the usual
 * append: new rows after old ones, no key repeated). */
static int merge_one_owned(const dccd_table *cat, dccd_table *owned, key_mode m, dccd_pool *pool, dccd_table *out,
                           dccd_error *err)
{
    size_t *keep = NULL, nkeep = 0;
    int rc = dedup_last(cat, m, pool, &keep, &nkeep, err);
    if (rc)
        return rc;
    rc = sort_idx_by_ts(cat->cols[0].values, keep, nkeep, err);
    bool identity = !rc && owned && nkeep == cat->nrows;
    for (size_t i = 0; identity && i < nkeep; i++)
        identity = keep[i] == i;
    if (identity) {
        dccd_table_init(out, owned->type);
        dccd_table_move(out, owned);
    } else if (!rc) {
        rc = dccd_table_gather_pool(cat, keep, nkeep, pool, out, err);
    }
    free(keep);
    return rc;
}

static int merge_one(const dccd_table *cat, key_mode m, dccd_pool *pool, dccd_table *out, dccd_error *err)
{
    return merge_one_owned(cat, NULL, m, pool, out, err);
}

static size_t tid_nulls(const dccd_table *t)
{
    const dccd_pq_column *c = &t->cols[TR_TID];
    if (!c->validity)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < t->nrows; i++)
        n += !c->validity[i];
    return n;
}

static key_mode trades_mode(const dccd_table *t)
{
    return tid_nulls(t) ? KEY_COMPOSITE : KEY_TID;
}

int dccd_merge_fold(const dccd_table *const *parts, size_t k, dccd_table *out, dccd_error *err)
{
    return dccd_merge_fold_pool(parts, k, NULL, out, err);
}

int dccd_merge_fold_pool(const dccd_table *const *parts, size_t k, dccd_pool *pool, dccd_table *out,
                         dccd_error *err)
{
    if (k == 0)
        return dccd_err_set(err, DCCD_EINVAL, "merge of no tables");
    dccd_data_type type = parts[0]->type;
    key_mode fixed = KEY_TS;
    bool is_fixed = true;
    if (type == DCCD_ORDERBOOK)
        fixed = KEY_BOOK;
    if (type == DCCD_TRADES) {
        bool no_nulls = true, later_all_null = true, any_null = false;
        for (size_t i = 0; i < k; i++) {
            size_t nn = tid_nulls(parts[i]);
            if (nn)
                no_nulls = false, any_null = true;
            if (i > 0 && nn != parts[i]->nrows)
                later_all_null = false;
        }
        if (no_nulls)
            fixed = KEY_TID;
        else if (later_all_null && any_null && (k > 1 || tid_nulls(parts[0])))
            fixed = KEY_COMPOSITE;
        else
            is_fixed = false;
    }
    dccd_table cat;
    int rc;
    if (is_fixed) {
        rc = dccd_table_concat_pool(parts, k, pool, &cat, err);
        if (rc)
            return rc;
        rc = merge_one_owned(&cat, &cat, fixed, pool, out, err);
        dccd_table_free(&cat);
        return rc;
    }
    /* trades, key changes between steps: apply the steps one by one */
    dccd_table acc;
    if (k == 1) {
        return merge_one(parts[0], trades_mode(parts[0]), pool, out, err);
    }
    const dccd_table *two[2] = {parts[0], parts[1]};
    if ((rc = dccd_table_concat_pool(two, 2, pool, &cat, err)))
        return rc;
    rc = merge_one_owned(&cat, &cat, trades_mode(&cat), pool, &acc, err);
    dccd_table_free(&cat);
    if (rc)
        return rc;
    for (size_t i = 2; i < k; i++) {
        two[0] = &acc;
        two[1] = parts[i];
        if ((rc = dccd_table_concat_pool(two, 2, pool, &cat, err))) {
            dccd_table_free(&acc);
            return rc;
        }
        dccd_table next;
        rc = merge_one_owned(&cat, &cat, trades_mode(&cat), pool, &next, err);
        dccd_table_free(&cat);
        dccd_table_free(&acc);
        if (rc)
            return rc;
        acc = next;
    }
    *out = acc;
    return DCCD_OK;
}

/* ---- keys shared with the readers and verify ---- */

dccd_key_mode dccd_key_mode_of(const dccd_table *t)
{
    switch (t->type) {
    case DCCD_OHLC: return KEY_TS;
    case DCCD_ORDERBOOK: return KEY_BOOK;
    case DCCD_TRADES: return trades_mode(t);
    }
    return KEY_TS;
}

int dccd_merge_keyed(const dccd_table *const *parts, size_t k, dccd_key_mode m, dccd_table *out, dccd_error *err)
{
    if (k == 0)
        return dccd_err_set(err, DCCD_EINVAL, "merge of no tables");
    if (k == 1)
        return merge_one(parts[0], m, NULL, out, err);
    dccd_table cat;
    int rc = dccd_table_concat(parts, k, &cat, err);
    if (rc)
        return rc;
    rc = merge_one_owned(&cat, &cat, m, NULL, out, err);
    dccd_table_free(&cat);
    return rc;
}

int dccd_table_duplicates(const dccd_table *t, dccd_key_mode m, size_t *ndup, size_t *first, dccd_error *err)
{
    return dccd_table_duplicates_pool(t, m, NULL, ndup, first, err);
}

int dccd_table_duplicates_pool(const dccd_table *t, dccd_key_mode m, dccd_pool *pool, size_t *ndup, size_t *first,
                               dccd_error *err)
{
    size_t *keep = NULL, nkeep = 0;
    int rc = dedup_last(t, m, pool, &keep, &nkeep, err);
    if (rc)
        return rc;
    *ndup = t->nrows - nkeep;
    *first = SIZE_MAX;
    /* the first row not kept */
    for (size_t i = 0, j = 0; i < t->nrows && *ndup; i++) {
        if (j < nkeep && keep[j] == i) {
            j++;
            continue;
        }
        *first = i;
        break;
    }
    free(keep);
    return DCCD_OK;
}

static bool str_eq2(const dccd_pq_column *a, size_t i, const dccd_pq_column *b, size_t j)
{
    bool vi = dccd_col_valid(a, i), vj = dccd_col_valid(b, j);
    if (!vi || !vj)
        return vi == vj;
    int64_t la = a->offsets[i + 1] - a->offsets[i], lb = b->offsets[j + 1] - b->offsets[j];
    return la == lb && memcmp(a->data + a->offsets[i], b->data + b->offsets[j], (size_t)la) == 0;
}

static bool i64_eq2(const dccd_pq_column *a, size_t i, const dccd_pq_column *b, size_t j)
{
    bool vi = dccd_col_valid(a, i), vj = dccd_col_valid(b, j);
    if (!vi || !vj)
        return vi == vj;
    return ((const int64_t *)a->values)[i] == ((const int64_t *)b->values)[j];
}

static bool f64_eq2(const dccd_pq_column *a, size_t i, const dccd_pq_column *b, size_t j)
{
    bool vi = dccd_col_valid(a, i), vj = dccd_col_valid(b, j);
    if (!vi || !vj)
        return vi == vj;
    return dbl_bits(((const double *)a->values)[i]) == dbl_bits(((const double *)b->values)[j]);
}

static bool row_eq2(const dccd_table *t, size_t i, const dccd_table *u, size_t j, key_mode m)
{
    switch (m) {
    case KEY_TS: return i64_eq2(&t->cols[0], i, &u->cols[0], j);
    case KEY_BOOK:
        return i64_eq2(&t->cols[BK_TS], i, &u->cols[BK_TS], j) &&
               f64_eq2(&t->cols[BK_PRICE], i, &u->cols[BK_PRICE], j) &&
               str_eq2(&t->cols[BK_SIDE], i, &u->cols[BK_SIDE], j);
    case KEY_TID: return str_eq2(&t->cols[TR_TID], i, &u->cols[TR_TID], j);
    case KEY_COMPOSITE:
        return i64_eq2(&t->cols[TR_TS], i, &u->cols[TR_TS], j) &&
               f64_eq2(&t->cols[TR_PRICE], i, &u->cols[TR_PRICE], j) &&
               f64_eq2(&t->cols[TR_AMOUNT], i, &u->cols[TR_AMOUNT], j) &&
               str_eq2(&t->cols[TR_SIDE], i, &u->cols[TR_SIDE], j);
    }
    return false;
}

int dccd_key_set_build(dccd_key_set *ks, const dccd_table *t, dccd_key_mode m, dccd_error *err)
{
    size_t cap = 16;
    while (cap < t->nrows * 2 + 2) {
        if (cap > SIZE_MAX / 4)
            return dccd_err_set(err, DCCD_ERANGE, "key set: too many rows");
        cap *= 2;
    }
    ks->slots = calloc(cap, sizeof *ks->slots);
    if (!ks->slots)
        return DCCD_ENOMEM_MSG(err);
    ks->mask = cap - 1;
    ks->t = t;
    ks->mode = m;
    for (size_t r = 0; r < t->nrows; r++) {
        size_t h = (size_t)row_hash(t, m, r) & ks->mask;
        while (ks->slots[h] && !row_eq(t, m, ks->slots[h] - 1, r))
            h = (h + 1) & ks->mask;
        if (!ks->slots[h])
            ks->slots[h] = r + 1;
    }
    return DCCD_OK;
}

bool dccd_key_set_has(const dccd_key_set *ks, const dccd_table *u, size_t i)
{
    if (!ks->slots)
        return false;
    size_t h = (size_t)row_hash(u, ks->mode, i) & ks->mask;
    while (ks->slots[h]) {
        if (row_eq2(ks->t, ks->slots[h] - 1, u, i, ks->mode))
            return true;
        h = (h + 1) & ks->mask;
    }
    return false;
}

void dccd_key_set_free(dccd_key_set *ks)
{
    free(ks->slots);
    ks->slots = NULL;
}

int dccd_str_set_init(dccd_str_set *s, const dccd_pq_column *col, size_t n, dccd_error *err)
{
    size_t cap = 16;
    while (cap < n * 2 + 2) {
        if (cap > SIZE_MAX / 4)
            return dccd_err_set(err, DCCD_ERANGE, "string set: too many rows");
        cap *= 2;
    }
    s->slots = calloc(cap, sizeof *s->slots);
    if (!s->slots)
        return DCCD_ENOMEM_MSG(err);
    s->mask = cap - 1;
    s->col = col;
    return DCCD_OK;
}

/* Slot of p[0..len) in s: where it is, or the empty slot where it goes. */
static size_t str_set_slot(const dccd_str_set *s, const uint8_t *p, size_t len)
{
    size_t h = (size_t)XXH3_64bits(p, len) & s->mask;
    for (; s->slots[h]; h = (h + 1) & s->mask) {
        size_t r = s->slots[h] - 1;
        int64_t a = s->col->offsets[r], b = s->col->offsets[r + 1];
        if ((size_t)(b - a) == len && memcmp(s->col->data + a, p, len) == 0)
            break;
    }
    return h;
}

bool dccd_str_set_add(dccd_str_set *s, size_t i)
{
    if (!dccd_col_valid(s->col, i))
        return true;
    const uint8_t *p = s->col->data + s->col->offsets[i];
    size_t h = str_set_slot(s, p, (size_t)(s->col->offsets[i + 1] - s->col->offsets[i]));
    if (s->slots[h])
        return false;
    s->slots[h] = i + 1;
    return true;
}

bool dccd_str_set_has(const dccd_str_set *s, const uint8_t *p, size_t len)
{
    return s->slots && s->slots[str_set_slot(s, p, len)] != 0;
}

void dccd_str_set_free(dccd_str_set *s)
{
    free(s->slots);
    s->slots = NULL;
}
