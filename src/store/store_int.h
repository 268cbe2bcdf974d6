/*
 * src/store/store_int.h - internal interfaces of the store layer.
 *
 *   table.c     canonical schemas, owned tables (alloc, concat, gather,
 *               slice), batch validation, order-book flattening
 *   merge.c     the seed's merge: keep-last de-dup on the natural key and a
 *               stable sort by TS, including the trades key rule (tid when no
 *               tid is null, else TS/price/amount/side) applied step by step
 *   canon.c     reading a period file or segment row group into a canonical
 *               table (legacy v2 columns renamed/dropped/filled, seconds to ns)
 *   fsutil.c    safe paths under the root, mkdir -p without following
 *               symlinks, atomic durable file replacement, temp-file names
 *   lock.c      period locks: striped in-process mutexes + flock
 *   wal.c       pending segments: list, write, read, delete
 *   checkpoint.c folding segments into period files (raw row-group copies)
 *   read.c      load, scan, last_timestamp, missing_intervals, holes
 *   inventory.c inventory from footers
 *   store.c     open/close/options/save
 */
#ifndef DCCD_STORE_INT_H
#define DCCD_STORE_INT_H

#include "common/common.h"
#include "dccd/store.h"

/* ---- table.c ---------------------------------------------------------- */

/* Allocate an owned table of `type` with nrows rows: fixed-width values
 * zeroed, no validity arrays, string columns with offsets all 0 and no data. */
int dccd_table_alloc(dccd_table *t, dccd_data_type type, size_t nrows, dccd_error *err);
/* Make column c of an owned table nullable (validity all 1) if it is not. */
int dccd_table_col_validity(dccd_table *t, int c, dccd_error *err);
/* Check that a (possibly borrowed) table has the canonical layout for its
 * type: ncols, column types, n == nrows, offsets consistent. */
int dccd_table_check_layout(const dccd_table *t, dccd_error *err);
/* Concatenate k tables of one type into a new owned table. */
int dccd_table_concat(const dccd_table *const *parts, size_t k, dccd_table *out, dccd_error *err);
/* out = rows idx[0..n) of src, in that order (new owned table). */
int dccd_table_gather(const dccd_table *src, const size_t *idx, size_t n, dccd_table *out, dccd_error *err);
/* out = rows [from, to) of src (new owned table). */
int dccd_table_slice(const dccd_table *src, size_t from, size_t to, dccd_table *out, dccd_error *err);
/* Move src into dst (dst freed first); src left empty. */
void dccd_table_move(dccd_table *dst, dccd_table *src);
/* Refuse bad rows: TS null or <= 0, NaN/inf/null prices and amounts,
 * negative amounts or counts, sides outside buy/sell/null (trades) or
 * bid/ask (book), null is_snapshot.  The message names the first bad row
 * and field. */
int dccd_table_validate(const dccd_table *t, dccd_error *err);

static inline bool dccd_col_valid(const dccd_pq_column *c, size_t i)
{
    return !c->validity || c->validity[i];
}

/* Canonical column indexes. */
enum { OHLC_TS, OHLC_OPEN, OHLC_HIGH, OHLC_LOW, OHLC_CLOSE, OHLC_VOLUME, OHLC_QUOTE_VOLUME, OHLC_TRADES };
enum { TR_TS, TR_PRICE, TR_AMOUNT, TR_SIDE, TR_TID };
enum { BK_TS, BK_SIDE, BK_PRICE, BK_AMOUNT, BK_COUNT, BK_IS_SNAPSHOT };

/* ---- merge.c ---------------------------------------------------------- */

/* The seed's save, applied in sequence: acc = parts[0]; for i >= 1:
 * acc = sort_by_ts(unique_keep_last(acc ++ parts[i])).  When parts[0] is
 * the only part, it is de-duplicated and sorted the same way (a save into
 * a missing file).  Result is a new owned table. */
int dccd_merge_fold(const dccd_table *const *parts, size_t k, dccd_table *out, dccd_error *err);
/* True when ts[] is non-decreasing. */
bool dccd_ts_sorted(const int64_t *ts, size_t n);

#endif /* DCCD_STORE_INT_H */
