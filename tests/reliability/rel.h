/*
 * tests/reliability/rel.h - shared pieces of the reliability drivers
 * (reltool): a plain-row model of the three data types independent of the
 * library (rows, natural keys, the seed's keep-last fold written again
 * here from the specification, canonical ordering, comparison), conversion
 * to and from dccd_table, deterministic pseudo-random batches, a walk of
 * the store tree that opens and decodes every period file and segment, and
 * small process helpers (peak RSS, monotonic clock, skip/fail reporting).
 *
 * The drivers use the public API only (dccd/store.h, dccd/parquet.h): what
 * they check is what a user of the library gets.
 */
#ifndef DCCD_REL_H
#define DCCD_REL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dccd/store.h"

#define REL_SKIP 77

/* One row of any type.  OHLC: ts, d[0..5] = open..quote_volume, i = trades.
 * trades: ts, d[0] price, d[1] amount, s1 side, s2 tid.  book: ts, s1 side,
 * d[0] price, d[1] amount, i count, b is_snapshot. */
typedef struct rrow {
    int64_t ts;
    double d[6];
    int64_t i;
    int b;
    char s1[8];
    char s2[40];
    int tnull;    /* trades: tid is null (s2 empty) */
    uint64_t seq; /* order of arrival (for keep-last) */
} rrow;

/* Key kinds: a dccd_data_type (its natural key; trades: tid), or the
 * trades key used when a tid is null: TS, price, amount, side. */
#define REL_KEY_TRADES_NOTID 100

typedef struct rowset {
    dccd_data_type type;
    int keykind; /* rs_init: (int)type */
    rrow *r;
    size_t n, cap;
} rowset;

void rs_init(rowset *s, dccd_data_type type);
void rs_free(rowset *s);
rrow *rs_push(rowset *s);
/* Keep the last row of every key (s->keykind), then order canonically. */
void rs_keep_last(rowset *s);
/* One save step of the seed applied to acc: acc = dedup_last(acc ++ batch)
 * then a stable sort by TS (rows of equal TS keep their merge order, as
 * docs/STORE.md defines it; acc must be in that order, not rs_sort's); for
 * trades the key is tid unless a tid in acc ++ batch is null, then (TS,
 * price, amount, side). */
void rs_save_step(rowset *acc, const rowset *batch);
/* Order by (TS, key) without de-dup. */
void rs_sort(rowset *s);
/* Number of rows whose key equals the previous row's (after rs_sort). */
size_t rs_dup_keys(const rowset *s);
/* Compare two canonically sorted sets; on difference writes a description. */
bool rs_equal(const rowset *a, const rowset *b, char *why, size_t cap);
int rs_key_cmp(int keykind, const rrow *a, const rrow *b);

/* rowset -> owned dccd_table (no nulls). */
int rs_to_table(const rowset *s, size_t from, size_t to, dccd_table *t);
/* Append the rows of a table (nulls are refused except in the trades tid). */
int rs_from_table(rowset *s, const dccd_table *t, char *why, size_t cap);

/* splitmix64 */
static inline uint64_t rel_rand(uint64_t *st)
{
    uint64_t z = (*st += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static inline uint64_t rel_below(uint64_t *st, uint64_t n)
{
    return n ? rel_rand(st) % n : 0;
}

/* Key spaces shared by the drivers: each crosses a period boundary.  OHLC
 * (the year 2099/2100) and trades (the day 2099-06-01/02) lie in the
 * future, so saves leave pending segments (a period whose end is past is
 * folded at once by the next save); the order book (the day 2024-06-01/02)
 * lies in the past and exercises that fold-on-save path. */
#define REL_OHLC_BASE INT64_C(4102437600000000000)  /* 2099-12-31T22:00Z */
#define REL_OHLC_SPLIT INT64_C(4102444800000000000) /* 2100-01-01T00:00Z */
#define REL_DAY_BASE INT64_C(4084034400000000000)   /* 2099-06-01T22:00Z */
#define REL_DAY_SPLIT INT64_C(4084041600000000000)  /* 2099-06-02T00:00Z */
#define REL_BOOK_BASE INT64_C(1717279200000000000)  /* 2024-06-01T22:00Z */
#define REL_BOOK_SPLIT INT64_C(1717286400000000000) /* 2024-06-02T00:00Z */
#define REL_OHLC_KEYS 240                           /* minutes */
#define REL_TRADE_KEYS 3000                         /* tids, 4.8 s apart */
#define REL_BOOK_SNAPS 240                          /* snapshots, a minute apart */
#define REL_BOOK_LEVELS 5

/* Row k of a keyspace with values derived from `ver` (the batch id). */
void rel_ohlc_row(rrow *r, int k, uint64_t ver);
void rel_trade_row(rrow *r, const char *tidprefix, int k, uint64_t ver);
void rel_book_row(rrow *r, int snap, int bid, int level, uint64_t ver);
/* Period index (0 or 1) of a row's TS in the key spaces above. */
int rel_period_of(dccd_data_type t, int64_t ts);

/* Dataset helper: exchange, "BASE/QUOTE", type (OHLC gets span 60). */
int rel_dataset(dccd_dataset *ds, const char *exchange, const char *pair, dccd_data_type type);

/* Walk the tree under root (symlinks not followed): open and decode every
 * *.parquet and *.seg file (every column of every row group).  Counts go to
 * the out parameters (may be NULL); problems are printed and counted in
 * *bad.  Temporary files (".NAME.tmp-PID-RAND") are counted in *temps. */
int rel_walk_decode(const char *root, size_t *files, size_t *segs, size_t *temps, size_t *bad);

/* Peak resident set of this process in kB (VmHWM), -1 if unknown. */
long rel_vmhwm_kb(void);
double rel_now(void);
/* mkdtemp under $TMPDIR or /tmp; returns 0 on success. */
int rel_tmpdir(char *buf, size_t cap, const char *tag);
void rel_rmrf(const char *path);

/* Store options used by the drivers (small row groups so files have many). */
void rel_store_opts(dccd_store_options *o, bool sync, size_t rg_rows, int64_t cp_rows);
/* Count warnings instead of printing them all. */
void rel_quiet_warn(void *ctx, const char *msg);

/* Drivers: argc/argv after the subcommand; return the exit status. */
int rel_crash_main(int argc, char **argv);
int rel_fault_main(int argc, char **argv);
int rel_enospc_main(int argc, char **argv);
int rel_conc_main(int argc, char **argv);
int rel_paths_main(int argc, char **argv);
int rel_mem_main(int argc, char **argv);
int rel_temps_main(int argc, char **argv);
int rel_tidkey_main(int argc, char **argv);

#define FAILF(...)                                                                                                     \
    do {                                                                                                               \
        fprintf(stderr, "FAIL: " __VA_ARGS__);                                                                         \
        fputc('\n', stderr);                                                                                           \
    } while (0)

#endif
