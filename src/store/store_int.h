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
 *   read.c      load, scan, last_timestamp, missing_intervals, holes,
 *               listing the periods of a dataset directory
 *   maint.c     inventory from footers, list_files, verify, migrate, the
 *               walk over every dataset of the store
 *   store.c     open/close/options/save
 */
#ifndef DCCD_STORE_INT_H
#define DCCD_STORE_INT_H

#include <pthread.h>
#include <stdatomic.h>

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
/* The same with the columns copied as concurrent tasks on pool (NULL: one
 * thread; small tables are copied on the caller). */
int dccd_table_concat_pool(const dccd_table *const *parts, size_t k, dccd_pool *pool, dccd_table *out,
                           dccd_error *err);
/* out = rows idx[0..n) of src, in that order (new owned table). */
int dccd_table_gather(const dccd_table *src, const size_t *idx, size_t n, dccd_table *out, dccd_error *err);
/* The same with the columns gathered as concurrent tasks on pool. */
int dccd_table_gather_pool(const dccd_table *src, const size_t *idx, size_t n, dccd_pool *pool, dccd_table *out,
                           dccd_error *err);
/* out = rows [from, to) of src (new owned table). */
int dccd_table_slice(const dccd_table *src, size_t from, size_t to, dccd_table *out, dccd_error *err);
/* Refuse bad rows: TS null or < 0 (0 is 1970-01-01T00:00:00Z, valid), NaN/inf/null prices and amounts,
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
/* The same, its de-dup run on pool when the rows are many (NULL: one thread;
 * the same result). */
int dccd_merge_fold_pool(const dccd_table *const *parts, size_t k, dccd_pool *pool, dccd_table *out,
                         dccd_error *err);
/* True when ts[] is non-decreasing. */
bool dccd_ts_sorted(const int64_t *ts, size_t n);

/* The natural key of a merge (the seed's _dedup_subset). */
typedef enum dccd_key_mode { DCCD_KEY_TS, DCCD_KEY_BOOK, DCCD_KEY_TID, DCCD_KEY_COMPOSITE } dccd_key_mode;
/* The key the seed uses for one frame t (trades: tid when no tid is null). */
dccd_key_mode dccd_key_mode_of(const dccd_table *t);
/* One seed merge step over concat(parts) with a given key: keep-last
 * de-dup, then a stable sort by TS.  New owned table. */
int dccd_merge_keyed(const dccd_table *const *parts, size_t k, dccd_key_mode m, dccd_table *out, dccd_error *err);
/* Rows of t whose key (mode m) occurs again later in t: *ndup of them, the
 * first such row in *first (SIZE_MAX when none). */
int dccd_table_duplicates(const dccd_table *t, dccd_key_mode m, size_t *ndup, size_t *first, dccd_error *err);
/* The same on pool (NULL: one thread; the same result). */
int dccd_table_duplicates_pool(const dccd_table *t, dccd_key_mode m, dccd_pool *pool, size_t *ndup, size_t *first,
                               dccd_error *err);

/* A set of the keys of a table (mode m), for membership of other rows. */
typedef struct dccd_key_set {
    size_t *slots;          /* row + 1, 0 = empty */
    size_t mask;
    const dccd_table *t;    /* borrowed */
    dccd_key_mode mode;
} dccd_key_set;
int dccd_key_set_build(dccd_key_set *ks, const dccd_table *t, dccd_key_mode m, dccd_error *err);
/* Does row i of table u (same type) have a key present in the set? */
bool dccd_key_set_has(const dccd_key_set *ks, const dccd_table *u, size_t i);
void dccd_key_set_free(dccd_key_set *ks);

/* A hash set of the non-null strings of one column (trade ids), holding
 * row numbers of that column: for exact checks of raw values read from
 * elsewhere (a file's tid column) and for finding a value twice. */
typedef struct dccd_str_set {
    size_t *slots;               /* row + 1, 0 = empty */
    size_t mask;
    const dccd_pq_column *col;   /* borrowed */
} dccd_str_set;
/* An empty set with room for n rows of col. */
int dccd_str_set_init(dccd_str_set *s, const dccd_pq_column *col, size_t n, dccd_error *err);
/* Add row i (a null row is ignored); false, and nothing added, when an
 * equal string is in the set already. */
bool dccd_str_set_add(dccd_str_set *s, size_t i);
bool dccd_str_set_has(const dccd_str_set *s, const uint8_t *p, size_t len);
void dccd_str_set_free(dccd_str_set *s);

/* ---- ahead.c ------------------------------------------------------------ */

/* A scan on a reader thread into a ring of cap (0 = 2) decoded chunks. */
typedef struct dccd_ahead dccd_ahead;
int dccd_ahead_start(dccd_store *s, const dccd_dataset *ds, int64_t start, int64_t end, size_t cap,
                     dccd_ahead **out, dccd_error *err);
/* The next chunk in scan order, owned by the caller (*end false); or *end
 * true: the scan is over, its result returned (err set when it failed). */
int dccd_ahead_next(dccd_ahead *a, dccd_table *chunk, bool *end, dccd_error *err);
/* Cancel the reader if still running, join it, free what is left.  NULL ok. */
void dccd_ahead_stop(dccd_ahead *a);

/* ---- canon.c ------------------------------------------------------------ */

/* How the columns of one Parquet file map onto a canonical schema. */
typedef struct dccd_canon_map {
    dccd_data_type type;
    int src[DCCD_MAX_COLS];     /* file column for each canonical column, -1 = fill with nulls */
    int64_t ts_scale;           /* 1, or 1e9 when a legacy v2 file's TS are Unix seconds */
    bool legacy;                /* a v2 column was renamed/dropped or TS was in seconds */
    dccd_pool *pool;            /* decode a row group's columns on it (NULL: one after another);
                                 * dccd_canon_map_file sets NULL, store readers dccd_store_pool() */
} dccd_canon_map;

/* Is the file legacy v2 by its columns (quoteVolume, weightedAverage, date
 * or time present)?  Only such a file may hold TS in seconds. */
bool dccd_canon_legacy_columns(dccd_pq_file *f);
/* Build the map (the seed's canonicalize): rename quoteVolume, drop
 * weightedAverage and other non-canonical columns, fill missing columns
 * with nulls; TS must exist and be an integer column.  For a file legacy
 * by its columns, reads TS statistics (or, lacking them, the TS column) to
 * detect seconds (largest TS below 1e18); any other file is nanoseconds. */
int dccd_canon_map_file(dccd_pq_file *f, dccd_data_type type, dccd_canon_map *m, dccd_error *err);
/* dccd_canon_map_file with m->pool the store's pool (store.c). */
int dccd_store_map_file(dccd_store *s, dccd_pq_file *f, dccd_data_type type, dccd_canon_map *m, dccd_error *err);
/* Read row group rg as a canonical owned table.  With ts_only, only TS is
 * read (the other columns are all-null). */
int dccd_canon_read_rg(dccd_pq_file *f, const dccd_canon_map *m, int rg, bool ts_only, dccd_table *out,
                       dccd_error *err);
/* Row groups [from, to) of f as one canonical owned table; with filter,
 * row groups whose TS statistics lie wholly outside [lo, hi] are skipped. */
int dccd_canon_read_rgs(dccd_pq_file *f, const dccd_canon_map *m, int from, int to, bool filter, int64_t lo,
                        int64_t hi, dccd_table *out, dccd_error *err);
/* TS range of row group rg from statistics (scaled); false if unknown. */
bool dccd_canon_rg_ts_range(dccd_pq_file *f, const dccd_canon_map *m, int rg, int64_t *lo, int64_t *hi);
/* Rows [*from, *to) of row group rg that may hold TS in [lo, hi], from the
 * TS ColumnIndex (per-page min/max, scaled); false (caller reads the whole
 * row group) unless every page has bounds, no nulls, and the pages are
 * sorted (each min >= the previous max).  *from == *to: no page overlaps. */
bool dccd_canon_rg_page_rows(dccd_pq_file *f, const dccd_canon_map *m, int rg, int64_t lo, int64_t hi,
                             int64_t *from, int64_t *to);
/* Row group rg for a range read of [lo, hi]: the whole row group when it
 * lies inside the range or its pages are not usable, else only the rows of
 * the pages overlapping [lo, hi] (a superset of the matching rows: the
 * caller still filters). */
int dccd_canon_read_rg_range(dccd_pq_file *f, const dccd_canon_map *m, int rg, bool ts_only, int64_t lo, int64_t hi,
                             dccd_table *out, dccd_error *err);

/* dccd_canon_read_rg_range for the n row groups rgs[] at once: their
 * columns are decoded as one batch of tasks on m->pool (the row groups of a
 * load decode concurrently, not one after another).  Each row group gets
 * its own result: rcs[k] DCCD_OK with outs[k] filled, or the code of its
 * first failing column with errs[k] set and outs[k] empty.  The return is
 * DCCD_OK, or DCCD_ENOMEM (err set, every outs[k] empty). */
int dccd_canon_read_rg_ranges(dccd_pq_file *f, const dccd_canon_map *m, const int *rgs, int n, bool ts_only,
                              int64_t lo, int64_t hi, dccd_table *outs, int *rcs, dccd_error *errs, dccd_error *err);

/* Does the file hold exactly the canonical columns (names, physical types,
 * order)?  With need_optional, every column must also be optional (what
 * dccd writes, so that its row groups can be copied raw). */
bool dccd_schema_is_canonical(dccd_pq_file *f, dccd_data_type type, bool need_optional);
/* TS range of a whole file (canonical ns) from footer statistics; the TS
 * column is read only for row groups without statistics. */
int dccd_file_ts_range(dccd_pq_file *f, dccd_data_type type, bool *has, int64_t *lo, int64_t *hi, dccd_error *err);

/* ---- fsutil.c --------------------------------------------------------- */

/* Open (and with `create`, make) the directory ROOTFD/rel one component at
 * a time without following symlinks: a symlink or non-directory anywhere
 * on the way is DCCD_EINVAL ("refusing to follow symlink ...").  rel is
 * '/'-separated; every component must pass dccd_path_component_ok() except
 * the hidden ".dccd" store directory.  *dirfd is O_RDONLY|O_DIRECTORY;
 * DCCD_ENOTFOUND when a component is missing and !create. */
int dccd_dir_open(int rootfd, const char *rel, bool create, int *dirfd, dccd_error *err);

/* A file being written for atomic replacement of dir/name. */
typedef struct dccd_atomic {
    int dirfd;          /* borrowed */
    int fd;             /* the temporary file, -1 when closed */
    char tmp[300];      /* ".NAME.tmp-PID-RANDOM" */
    char name[256];     /* final name */
    const char *what;   /* path for messages (borrowed) */
} dccd_atomic;

/* Create the temporary file beside dir/name with O_EXCL|O_NOFOLLOW. */
int dccd_atomic_begin(dccd_atomic *a, int dirfd, const char *name, const char *what, dccd_error *err);
/* fsync (when durable), close, rename over name, fsync the directory. */
int dccd_atomic_commit(dccd_atomic *a, bool durable, dccd_error *err);
/* Close and unlink the temporary file (no error reported). */
void dccd_atomic_abort(dccd_atomic *a);
/* True for names of temporary files written by dccd_atomic_begin. */
bool dccd_is_temp_name(const char *name);
/* Remove temporary files (crash leftovers) in a directory - only those of
 * the file `name` when it is not NULL: those older than age_sec, and those
 * whose writer process (the PID in the name) is gone. */
void dccd_remove_stale_temps(int dirfd, const char *name, int age_sec);

/* ---- lock.c ------------------------------------------------------------ */

#define DCCD_LOCK_STRIPES 64

typedef struct dccd_period_lock {
    int fd;              /* flock'ed lock file */
    unsigned stripe;     /* in-process mutex index */
    uint64_t prev_token; /* token the previous holder wrote (0: none) */
    uint64_t token;      /* token this holder wrote (0: could not) */
} dccd_period_lock;

struct dccd_lock_table;
int dccd_locks_create(struct dccd_lock_table **out, dccd_error *err);
void dccd_locks_destroy(struct dccd_lock_table *t);
/* Take the lock of ROOT/.dccd/locks/<rel>.lock: the in-process stripe mutex
 * then flock(LOCK_EX) on the file (created as needed); then read the token
 * the previous holder left in the file and write a fresh random one (see
 * pcache.c). */
int dccd_lock_acquire(struct dccd_lock_table *t, int rootfd, const char *rel, dccd_period_lock *out,
                      dccd_error *err);
void dccd_lock_release(struct dccd_lock_table *t, dccd_period_lock *l);

/* ---- the store handle (store.c) ---------------------------------------- */

struct dccd_store {
    char *root;
    int rootfd;
    dccd_store_options opts;
    struct dccd_lock_table *locks;
    struct dccd_pcache *pcache;    /* pcache.c */
    _Atomic int refs;              /* the opener's + one per open scan stream (arrow.c) */
    int threads;                   /* opts.threads resolved: 1 = no pool */
    pthread_mutex_t pool_mu;       /* guards the creation of pool */
    _Atomic(dccd_pool *) pool;     /* created at first use when threads > 1 */
    bool pool_failed;              /* the pool could not be made (under pool_mu) */
};
/* The store's pool, created at the first call (NULL when threads is 1 or
 * the pool could not be made: the work then runs on the caller). */
dccd_pool *dccd_store_pool(dccd_store *s);
/* Keep the handle alive (a scan stream); dccd_store_close drops one reference. */
void dccd_store_retain(dccd_store *s);

#define DCCD_REL_MAX 512

/* Paths of one period of a dataset, all relative to the root. */
typedef struct dccd_period {
    dccd_data_type type;
    char label[16];               /* "2024" or "2024-03-01" */
    int64_t start, end;           /* [start, end) */
    char dsdir[DCCD_REL_MAX];     /* "binance/ohlc/BTC-USDT/1m" */
    char file[64];                /* "2024.parquet" */
    char waldir[DCCD_REL_MAX + 32];  /* ".dccd/wal/<dsdir>/<label>" */
    char lockrel[DCCD_REL_MAX + 32]; /* "<dsdir>/<label>" */
} dccd_period;

int dccd_period_init(const dccd_dataset *ds, const char *label, dccd_period *p, dccd_error *err);
/* Same from a dataset directory relative to the root (maintenance walks
 * directories whose span label may not parse). */
int dccd_period_init_dir(dccd_data_type type, const char *dsdir, const char *label, dccd_period *p,
                         dccd_error *err);
int dccd_period_of_ts(const dccd_dataset *ds, int64_t ts, dccd_period *p, dccd_error *err);
void dccd_store_warn(dccd_store *s, const char *fmt, ...) DCCD_PRINTF(2, 3);
/* Write dirfd/name atomically (temp + fsync + rename) in the canonical
 * schema of t's type with the store's writer settings and the given codec
 * (period files: the store's; segments: uncompressed): row groups
 * [0, ncopy) of src copied raw first (src may be NULL when ncopy is 0),
 * then the rows of t. */
int dccd_store_write_table(dccd_store *s, int dirfd, const char *name, const char *what, dccd_pq_codec codec,
                           dccd_pq_file *src, int ncopy, const dccd_table *t, const dccd_pq_kv *kv, size_t nkv,
                           dccd_error *err);

/* ---- wal.c -------------------------------------------------------------- */

typedef struct dccd_segment {
    uint64_t seq;
    int64_t rows;    /* row count from the name; -1 when the name has none */
    char name[48];   /* "00000000000000000042-1440.seg" (or legacy "...42.seg") */
} dccd_segment;

/* List the segments of a period in seq order (*segs malloc'd; none -> 0). */
int dccd_wal_list(dccd_store *s, const dccd_period *p, dccd_segment **segs, size_t *n, dccd_error *err);
/* Write rows as a new segment (caller holds the period lock). */
int dccd_wal_append(dccd_store *s, const dccd_period *p, const dccd_table *rows, const dccd_provenance *prov,
                    dccd_error *err);
/* The same, also handing back the period's segments after the append (the
 * new one last; *segs_out malloc'd, NULL when it could not be built), so a
 * save decides whether to checkpoint without listing the log again.  With
 * the caller's lock lk (may be NULL), the segment list comes from the
 * store's cache when no one else held the lock since this handle's last
 * append, and the directory is not listed at all. */
int dccd_wal_append_list(dccd_store *s, const dccd_period *p, const dccd_period_lock *lk, const dccd_table *rows,
                         const dccd_provenance *prov, dccd_segment **segs_out, size_t *n_out, dccd_error *err);
/* Read one segment into a canonical table; *prov_json (malloc'd or NULL)
 * gets its provenance.  DCCD_ENOTFOUND when it vanished (folded). */
int dccd_wal_read(dccd_store *s, const dccd_period *p, const dccd_segment *seg, dccd_table *out, char **prov_json,
                  dccd_error *err);
/* The same, also giving the segment's base (see below; "" when the
 * segment has none: written by an older dccd) in base[DCCD_IDENT_MAX]. */
int dccd_wal_read_base(dccd_store *s, const dccd_period *p, const dccd_segment *seg, dccd_table *out,
                       char **prov_json, char *base, dccd_error *err);

/* Which period file a segment was saved over.  Every period file dccd
 * writes carries a random "dccd.file_id"; every segment records in
 * "dccd.base" the identity of the period file at its save: "none" (no
 * file), "id:ID:ROWS" (a file dccd wrote), "ext:ROWS:BYTES" (a file another
 * writer - the seed, polars - wrote).  A pending segment whose base is not
 * the period file's identity now was saved over a file that another writer
 * has replaced since: dccd refuses to guess the order of the two writes. */
#define DCCD_IDENT_MAX 96
#define DCCD_FILE_ID_KEY "dccd.file_id"
#define DCCD_BASE_KEY "dccd.base"
void dccd_period_ident(dccd_pq_file *f, char ident[DCCD_IDENT_MAX]);
/* DCCD_ESTATE naming the file and the segment when the segment's base
 * (non-empty) is not ident. */
int dccd_segment_base_check(dccd_store *s, const dccd_period *p, const char *segname, const char *base,
                            const char *ident, dccd_error *err);
/* A fresh random file id (16 hex digits) for a period file being written. */
void dccd_new_file_id(char id[17]);
/* Seq recorded in a period file as folded ("dccd.wal_applied"), 0 if none. */
uint64_t dccd_wal_applied(dccd_pq_file *f);
#define DCCD_WAL_APPLIED_KEY "dccd.wal_applied"
/* Trades period files written by a checkpoint: the keys ("tid",
 * "composite", comma-separated) under which every row is unique. */
#define DCCD_UNIQUE_KEYS_KEY "dccd.unique_keys"
/* Does the footer record (dccd.unique_keys, written by checkpoints) say the
 * trades file holds each key of mode `which` ("tid" / "composite") once? */
bool dccd_file_unique_under(dccd_pq_file *f, const char *which);
#define DCCD_SCHEMA_VERSION_KEY "dccd.schema_version"

/* Open a period file for reading without following symlinks: *f NULL and
 * DCCD_OK when it does not exist. */
int dccd_period_open_file(dccd_store *s, const dccd_period *p, dccd_pq_file **f, dccd_error *err);
/* The same in two steps: the descriptor (*fd -1 and DCCD_OK when the file
 * does not exist), then its footer parsed (fd stays the caller's). */
int dccd_period_open_fd(dccd_store *s, const dccd_period *p, int *fd, dccd_error *err);
int dccd_period_open_parsed(dccd_store *s, const dccd_period *p, int fd, dccd_pq_file **f, dccd_error *err);

/* ---- pcache.c ----------------------------------------------------------- */

struct dccd_pcache;
int dccd_pcache_create(struct dccd_pcache **out, dccd_error *err);
void dccd_pcache_destroy(struct dccd_pcache *c);
/* The period file's "dccd.wal_applied" mark (0 when there is no file),
 * from the footer or, when the file is the one last parsed, from the
 * store's cache.  Fails, like dccd_period_open_file, when the file cannot
 * be read.  Caller holds the period lock. */
int dccd_period_applied(dccd_store *s, const dccd_period *p, uint64_t *applied, dccd_error *err);
/* The same, also giving the file's identity (dccd_period_ident) and
 * whether the footer was parsed now (*parsed false: from the cache). */
int dccd_period_applied_ident(dccd_store *s, const dccd_period *p, uint64_t *applied, char ident[DCCD_IDENT_MAX],
                              bool *parsed, dccd_error *err);
/* The period's segments as this handle left them, when lk shows that no one
 * else held the lock since (*hit; *segs malloc'd with room for one more). */
int dccd_pcache_log_get(dccd_store *s, const dccd_period *p, const dccd_period_lock *lk, bool *hit,
                        dccd_segment **segs, size_t *n, dccd_error *err);
/* Remember the period's segments after this holder's append. */
void dccd_pcache_log_put(dccd_store *s, const dccd_period *p, const dccd_period_lock *lk, const dccd_segment *segs,
                         size_t n);
/* Forget them (the log changed otherwise: checkpoint, migrate). */
void dccd_pcache_log_drop(dccd_store *s, const dccd_period *p);

/* Record, in the period's log directory, that a checkpoint could not read
 * the period file as it is now (its identity and `why`); best effort.
 * Caller holds the period lock. */
void dccd_period_mark_unreadable(dccd_store *s, const dccd_period *p, const char *why);
/* Is there such a record for the period file as it is now (walfd: the
 * period's log directory)?  Then *bad and DCCD_ECORRUPT with a message
 * naming the file.  A record of a file since replaced or removed is stale:
 * deleted when drop_stale (caller holds the period lock), else ignored. */
int dccd_period_check_unreadable(dccd_store *s, const dccd_period *p, int walfd, bool drop_stale, bool *bad,
                                 dccd_error *err);

/* Rows of the period as dccd readers see them: the file folded with its
 * pending segments (*out owned).  When there are no segments, the file's
 * rows as stored. */
int dccd_period_read_all(dccd_store *s, const dccd_period *p, dccd_table *out, dccd_error *err);

/* Period labels of a dataset directory, sorted. */
typedef struct dccd_labels {
    char (*v)[16];
    size_t n;
} dccd_labels;
#define DCCD_LIST_FILES 1  /* periods having a period file */
#define DCCD_LIST_WAL 2    /* periods having a segment directory */
int dccd_list_periods(dccd_store *s, dccd_data_type type, const char *dsdir, int which, dccd_labels *out,
                      dccd_error *err);

/* ---- checkpoint.c ------------------------------------------------------- */

/* Fold the period's segments into its file (caller holds the lock). */
int dccd_checkpoint_locked(dccd_store *s, const dccd_period *p, dccd_checkpoint_report *rep, dccd_error *err);
/* Write rows as period p's file directly (no segment): for a save that
 * would fold at once into a period with no file and no pending segment
 * (checked by the caller, who holds the period lock). */
int dccd_checkpoint_rows_locked(dccd_store *s, const dccd_period *p, const dccd_table *rows,
                                const dccd_provenance *prov, dccd_error *err);
/* Take the period lock and fold it. */
int dccd_checkpoint_period(dccd_store *s, const dccd_period *p, dccd_checkpoint_report *rep, dccd_error *err);
/* Fold every period of a dataset directory that has pending segments. */
int dccd_checkpoint_dir(dccd_store *s, dccd_data_type type, const char *dsdir, dccd_checkpoint_report *rep,
                        dccd_error *err);

/* ---- maint.c ------------------------------------------------------------ */

/* A dataset found by walking the store's directories. */
typedef struct dccd_ds_ref {
    char exchange[256];
    char pair[256];
    char spandir[256];       /* "" for non-OHLC */
    dccd_data_type type;
    char dsdir[DCCD_REL_MAX]; /* relative to the root */
} dccd_ds_ref;
/* Every dataset having a directory in the data tree (which has
 * DCCD_LIST_FILES) or in the write-ahead log (DCCD_LIST_WAL), in the seed's
 * inventory order (names compared bytewise), each listed once. */
int dccd_store_walk(dccd_store *s, int which, dccd_ds_ref **out, size_t *n, dccd_error *err);

#endif /* DCCD_STORE_INT_H */
