/*
 * tests/reliability/rel_common.c - the shared pieces of the reliability
 * drivers declared in rel.h: the independent row model and keep-last fold
 * (written from the seed's semantics, not reusing the library's merge),
 * table conversions, the key spaces of generated batches, the decode walk
 * of a store tree, and process helpers.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rel.h"

void rs_init(rowset *s, dccd_data_type type)
{
    memset(s, 0, sizeof *s);
    s->type = type;
    s->keykind = (int)type;
}

void rs_free(rowset *s)
{
    free(s->r);
    s->r = NULL;
    s->n = s->cap = 0;
}

rrow *rs_push(rowset *s)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 256;
        rrow *nr = realloc(s->r, nc * sizeof *nr);
        if (!nr) {
            fprintf(stderr, "reltool: out of memory\n");
            exit(2);
        }
        s->r = nr;
        s->cap = nc;
    }
    rrow *r = &s->r[s->n++];
    memset(r, 0, sizeof *r);
    r->seq = s->n;
    return r;
}

static int cmp_d(double a, double b)
{
    return a < b ? -1 : a > b;
}

int rs_key_cmp(int kind, const rrow *a, const rrow *b)
{
    int c;
    switch (kind) {
    case DCCD_OHLC:
        return a->ts < b->ts ? -1 : a->ts > b->ts;
    case DCCD_TRADES:
        if (a->tnull != b->tnull)
            return a->tnull - b->tnull;
        return strcmp(a->s2, b->s2);
    case REL_KEY_TRADES_NOTID:
        if (a->ts != b->ts)
            return a->ts < b->ts ? -1 : 1;
        if ((c = cmp_d(a->d[0], b->d[0])) || (c = cmp_d(a->d[1], b->d[1])))
            return c;
        return strcmp(a->s1, b->s1);
    default:
        if (a->ts != b->ts)
            return a->ts < b->ts ? -1 : 1;
        if ((c = strcmp(a->s1, b->s1)))
            return c;
        return cmp_d(a->d[0], b->d[0]);
    }
}

static int cmp_key_seq(const void *x, const void *y, void *ctx)
{
    const rrow *a = x, *b = y;
    int c = rs_key_cmp(*(const int *)ctx, a, b);
    if (c)
        return c;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* canonical order: TS, then every field (a total order on rows) */
static int cmp_full(const void *x, const void *y, void *ctx)
{
    (void)ctx;
    const rrow *a = x, *b = y;
    int c;
    if (a->ts != b->ts)
        return a->ts < b->ts ? -1 : 1;
    if (a->tnull != b->tnull)
        return a->tnull - b->tnull;
    if ((c = strcmp(a->s2, b->s2)) || (c = strcmp(a->s1, b->s1)))
        return c;
    for (int i = 0; i < 6; i++)
        if ((c = cmp_d(a->d[i], b->d[i])))
            return c;
    if (a->i != b->i)
        return a->i < b->i ? -1 : 1;
    return a->b - b->b;
}

void rs_sort(rowset *s)
{
    if (s->n > 1)
        qsort_r(s->r, s->n, sizeof *s->r, cmp_full, NULL);
}

void rs_keep_last(rowset *s)
{
    for (size_t i = 0; i < s->n; i++)
        s->r[i].seq = i;
    if (s->n > 1)
        qsort_r(s->r, s->n, sizeof *s->r, cmp_key_seq, &s->keykind);
    size_t o = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (i + 1 < s->n && rs_key_cmp(s->keykind, &s->r[i], &s->r[i + 1]) == 0)
            continue; /* a later row has the same key */
        s->r[o++] = s->r[i];
    }
    s->n = o;
    rs_sort(s);
}

static int cmp_ts_seq(const void *x, const void *y, void *ctx)
{
    (void)ctx;
    const rrow *a = x, *b = y;
    if (a->ts != b->ts)
        return a->ts < b->ts ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void rs_save_step(rowset *acc, const rowset *batch)
{
    for (size_t i = 0; i < batch->n; i++)
        *rs_push(acc) = batch->r[i];
    int kind = acc->keykind;
    if (acc->type == DCCD_TRADES)
        for (size_t i = 0; i < acc->n; i++)
            if (acc->r[i].tnull) {
                kind = REL_KEY_TRADES_NOTID;
                break;
            }
    /* keep the last occurrence of every key, at its position (dccd's
     * stable rule: rows of equal TS keep their merge order), then a stable
     * sort by TS */
    size_t n = acc->n;
    rrow *byk = malloc((n ? n : 1) * sizeof *byk);
    unsigned char *keep = calloc(n ? n : 1, 1);
    if (!byk || !keep) {
        fprintf(stderr, "reltool: out of memory\n");
        exit(2);
    }
    for (size_t i = 0; i < n; i++) {
        acc->r[i].seq = i;
        byk[i] = acc->r[i];
    }
    if (n > 1)
        qsort_r(byk, n, sizeof *byk, cmp_key_seq, &kind);
    for (size_t i = 0; i < n; i++)
        if (i + 1 == n || rs_key_cmp(kind, &byk[i], &byk[i + 1]) != 0)
            keep[byk[i].seq] = 1;
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        if (keep[i]) {
            acc->r[o] = acc->r[i];
            acc->r[o].seq = o;
            o++;
        }
    acc->n = o;
    if (o > 1)
        qsort_r(acc->r, o, sizeof *acc->r, cmp_ts_seq, NULL);
    free(byk);
    free(keep);
}

size_t rs_dup_keys(const rowset *s)
{
    size_t d = 0;
    for (size_t i = 1; i < s->n; i++)
        for (size_t j = i; j-- > 0 && s->r[j].ts == s->r[i].ts;)
            if (rs_key_cmp(s->keykind, &s->r[j], &s->r[i]) == 0) {
                d++;
                break;
            }
    return d;
}

static bool row_eq(dccd_data_type t, const rrow *a, const rrow *b)
{
    if (a->ts != b->ts)
        return false;
    switch (t) {
    case DCCD_OHLC:
        for (int i = 0; i < 6; i++)
            if (a->d[i] != b->d[i])
                return false;
        return a->i == b->i;
    case DCCD_TRADES:
        return a->d[0] == b->d[0] && a->d[1] == b->d[1] && !strcmp(a->s1, b->s1) && !strcmp(a->s2, b->s2) &&
               a->tnull == b->tnull;
    default:
        return a->d[0] == b->d[0] && a->d[1] == b->d[1] && !strcmp(a->s1, b->s1) && a->i == b->i && a->b == b->b;
    }
}

bool rs_equal(const rowset *a, const rowset *b, char *why, size_t cap)
{
    size_t n = a->n < b->n ? a->n : b->n;
    for (size_t i = 0; i < n; i++)
        if (!row_eq(a->type, &a->r[i], &b->r[i])) {
            snprintf(why, cap, "row %zu differs (ts %lld key %s%s / ts %lld key %s%s; %zu vs %zu rows)", i,
                     (long long)a->r[i].ts, a->r[i].s1, a->r[i].s2, (long long)b->r[i].ts, b->r[i].s1, b->r[i].s2,
                     a->n, b->n);
            return false;
        }
    if (a->n != b->n) {
        snprintf(why, cap, "%zu rows vs %zu rows", a->n, b->n);
        return false;
    }
    return true;
}

static int put_str(dccd_pq_column *c, size_t i, const char *s, size_t *used, size_t *cap)
{
    size_t len = strlen(s);
    if (*used + len > *cap) {
        size_t nc = (*cap + len) * 2 + 64;
        uint8_t *nd = realloc(c->data, nc);
        if (!nd)
            return -1;
        c->data = nd;
        *cap = nc;
    }
    if (len)
        memcpy(c->data + *used, s, len);
    *used += len;
    c->offsets[i + 1] = (int64_t)*used;
    return 0;
}

int rs_to_table(const rowset *s, size_t from, size_t to, dccd_table *t)
{
    size_t n = to - from;
    dccd_table_init(t, s->type);
    t->owned = true;
    t->nrows = n;
    size_t used[DCCD_MAX_COLS] = {0}, cap[DCCD_MAX_COLS] = {0};
    for (int c = 0; c < t->ncols; c++) {
        dccd_pq_column *col = &t->cols[c];
        col->type = dccd_schema_col_type(s->type, c);
        col->n = n;
        if (col->type == DCCD_PQ_BYTE_ARRAY) {
            col->offsets = calloc(n + 1, sizeof *col->offsets);
            if (!col->offsets)
                return -1;
        } else {
            size_t w = col->type == DCCD_PQ_BOOLEAN ? 1 : 8;
            col->values = calloc(n ? n : 1, w);
            if (!col->values)
                return -1;
        }
    }
    for (size_t k = 0; k < n; k++) {
        const rrow *r = &s->r[from + k];
        ((int64_t *)t->cols[0].values)[k] = r->ts;
        switch (s->type) {
        case DCCD_OHLC:
            for (int c = 0; c < 6; c++)
                ((double *)t->cols[1 + c].values)[k] = r->d[c];
            ((int64_t *)t->cols[7].values)[k] = r->i;
            break;
        case DCCD_TRADES:
            ((double *)t->cols[1].values)[k] = r->d[0];
            ((double *)t->cols[2].values)[k] = r->d[1];
            if (put_str(&t->cols[3], k, r->s1, &used[3], &cap[3]) || put_str(&t->cols[4], k, r->s2, &used[4], &cap[4]))
                return -1;
            if (r->tnull) {
                dccd_pq_column *tc = &t->cols[4];
                if (!tc->validity) {
                    tc->validity = malloc(n);
                    if (!tc->validity)
                        return -1;
                    memset(tc->validity, 1, n);
                }
                tc->validity[k] = 0;
                tc->null_count++;
            }
            break;
        default:
            if (put_str(&t->cols[1], k, r->s1, &used[1], &cap[1]))
                return -1;
            ((double *)t->cols[2].values)[k] = r->d[0];
            ((double *)t->cols[3].values)[k] = r->d[1];
            ((int64_t *)t->cols[4].values)[k] = r->i;
            ((uint8_t *)t->cols[5].values)[k] = (uint8_t)r->b;
            break;
        }
    }
    return 0;
}

static int get_str(const dccd_pq_column *c, size_t i, char *out, size_t cap)
{
    int64_t a = c->offsets[i], b = c->offsets[i + 1];
    if (b < a || (size_t)(b - a) >= cap)
        return -1;
    if (b > a)
        memcpy(out, c->data + a, (size_t)(b - a));
    out[b - a] = '\0';
    return 0;
}

int rs_from_table(rowset *s, const dccd_table *t, char *why, size_t cap)
{
    if (t->type != s->type) {
        snprintf(why, cap, "table of the wrong type");
        return -1;
    }
    for (int c = 0; c < t->ncols; c++)
        for (size_t k = 0; t->cols[c].validity && k < t->nrows; k++)
            if (!t->cols[c].validity[k] && !(t->type == DCCD_TRADES && c == 4)) {
                snprintf(why, cap, "unexpected null in column %s row %zu", dccd_schema_col_name(t->type, c), k);
                return -1;
            }
    for (size_t k = 0; k < t->nrows; k++) {
        rrow *r = rs_push(s);
        r->ts = ((const int64_t *)t->cols[0].values)[k];
        switch (s->type) {
        case DCCD_OHLC:
            for (int c = 0; c < 6; c++)
                r->d[c] = ((const double *)t->cols[1 + c].values)[k];
            r->i = ((const int64_t *)t->cols[7].values)[k];
            break;
        case DCCD_TRADES:
            r->d[0] = ((const double *)t->cols[1].values)[k];
            r->d[1] = ((const double *)t->cols[2].values)[k];
            r->tnull = t->cols[4].validity && !t->cols[4].validity[k];
            if (get_str(&t->cols[3], k, r->s1, sizeof r->s1) ||
                (r->tnull ? (r->s2[0] = '\0', 0) : get_str(&t->cols[4], k, r->s2, sizeof r->s2))) {
                snprintf(why, cap, "bad string at row %zu", k);
                return -1;
            }
            break;
        default:
            if (get_str(&t->cols[1], k, r->s1, sizeof r->s1)) {
                snprintf(why, cap, "bad side at row %zu", k);
                return -1;
            }
            r->d[0] = ((const double *)t->cols[2].values)[k];
            r->d[1] = ((const double *)t->cols[3].values)[k];
            r->i = ((const int64_t *)t->cols[4].values)[k];
            r->b = ((const uint8_t *)t->cols[5].values)[k];
            break;
        }
    }
    return 0;
}

void rel_ohlc_row(rrow *r, int k, uint64_t ver)
{
    r->ts = REL_OHLC_BASE + (int64_t)k * 60 * DCCD_NS;
    double v = (double)(ver % 1000000) + (double)k / 1000.0;
    for (int c = 0; c < 6; c++)
        r->d[c] = v + c;
    r->i = (int64_t)(ver % 100000);
}

void rel_trade_row(rrow *r, const char *tidprefix, int k, uint64_t ver)
{
    r->ts = REL_DAY_BASE + (int64_t)k * 4800 * INT64_C(1000000);
    r->d[0] = 100.0 + (double)(ver % 1000);
    r->d[1] = 0.25 + (double)(k % 7);
    snprintf(r->s1, sizeof r->s1, "%s", ver % 2 ? "sell" : "buy");
    snprintf(r->s2, sizeof r->s2, "%s%d", tidprefix, k);
}

void rel_book_row(rrow *r, int snap, int bid, int level, uint64_t ver)
{
    r->ts = REL_BOOK_BASE + (int64_t)snap * 60 * DCCD_NS;
    snprintf(r->s1, sizeof r->s1, "%s", bid ? "bid" : "ask");
    r->d[0] = bid ? 1000.0 - level : 1001.0 + level;
    r->d[1] = (double)(ver % 1000) + 0.5;
    r->i = (int64_t)(ver % 77);
    r->b = (int)(ver % 2);
}

int rel_period_of(dccd_data_type t, int64_t ts)
{
    if (t == DCCD_OHLC)
        return ts >= REL_OHLC_SPLIT;
    if (t == DCCD_ORDERBOOK)
        return ts >= REL_BOOK_SPLIT;
    return ts >= REL_DAY_SPLIT;
}

int rel_dataset(dccd_dataset *ds, const char *exchange, const char *pair, dccd_data_type type)
{
    dccd_symbol sym;
    dccd_error e;
    if (dccd_symbol_parse(pair, &sym, &e) != DCCD_OK) {
        fprintf(stderr, "reltool: symbol %s: %s\n", pair, e.msg);
        return -1;
    }
    if (dccd_dataset_init(ds, exchange, &sym, type, type == DCCD_OHLC ? 60 : 0, &e) != DCCD_OK) {
        fprintf(stderr, "reltool: dataset %s %s: %s\n", exchange, pair, e.msg);
        return -1;
    }
    return 0;
}

/* ---- the decode walk ---- */

static bool ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

static int decode_file(const char *path)
{
    dccd_pq_file *f = NULL;
    dccd_error e;
    if (dccd_pq_open(path, &f, &e) != DCCD_OK) {
        FAILF("%s does not open: %s", path, e.msg);
        return -1;
    }
    int rc = 0;
    for (int rg = 0; !rc && rg < dccd_pq_num_row_groups(f); rg++)
        for (int c = 0; !rc && c < dccd_pq_num_columns(f); c++) {
            dccd_pq_column col;
            if (dccd_pq_read_column(f, rg, c, &col, &e) != DCCD_OK) {
                FAILF("%s row group %d column %d does not decode: %s", path, rg, c, e.msg);
                rc = -1;
            } else {
                dccd_pq_column_free(&col);
            }
        }
    dccd_pq_close(f);
    return rc;
}

typedef struct walk_state {
    size_t files, segs, temps, bad;
    char path[4096];
} walk_state;

static void walk_dir(walk_state *w, size_t len)
{
    DIR *d = opendir(w->path);
    if (!d) {
        FAILF("cannot list %s: %s", w->path, strerror(errno));
        w->bad++;
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        size_t nl = strlen(e->d_name);
        if (len + 1 + nl + 1 > sizeof w->path)
            continue;
        w->path[len] = '/';
        memcpy(w->path + len + 1, e->d_name, nl + 1);
        struct stat st;
        if (lstat(w->path, &st) != 0)
            continue; /* vanished */
        if (S_ISDIR(st.st_mode)) {
            walk_dir(w, len + 1 + nl);
        } else if (e->d_name[0] == '.' && strstr(e->d_name, ".tmp-")) {
            w->temps++;
        } else if (S_ISREG(st.st_mode) && (ends_with(e->d_name, ".parquet") || ends_with(e->d_name, ".seg"))) {
            if (ends_with(e->d_name, ".seg"))
                w->segs++;
            else
                w->files++;
            if (decode_file(w->path))
                w->bad++;
        }
        w->path[len] = '\0';
    }
    closedir(d);
}

int rel_walk_decode(const char *root, size_t *files, size_t *segs, size_t *temps, size_t *bad)
{
    walk_state *w = calloc(1, sizeof *w);
    if (!w)
        return -1;
    snprintf(w->path, sizeof w->path, "%s", root);
    walk_dir(w, strlen(w->path));
    if (files)
        *files = w->files;
    if (segs)
        *segs = w->segs;
    if (temps)
        *temps = w->temps;
    if (bad)
        *bad = w->bad;
    int rc = w->bad ? -1 : 0;
    free(w);
    return rc;
}

/* ---- process helpers ---- */

long rel_vmhwm_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    long v = -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6))
            v = strtol(line + 6, NULL, 10);
    fclose(f);
    return v;
}

double rel_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int rel_tmpdir(char *buf, size_t cap, const char *tag)
{
    const char *base = getenv("DCCD_REL_TMP");
    if (!base || !*base)
        base = getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    snprintf(buf, cap, "%s/dccd-rel-%s-XXXXXX", base, tag);
    return mkdtemp(buf) ? 0 : -1;
}

static int rm_cb(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(p);
    return 0;
}

void rel_rmrf(const char *path)
{
    nftw(path, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

void rel_store_opts(dccd_store_options *o, bool sync, size_t rg_rows, int64_t cp_rows)
{
    dccd_store_options_init(o);
    o->sync_checkpoint = sync;
    o->row_group_rows = rg_rows;
    o->checkpoint_rows = cp_rows;
    o->checkpoint_age_ns = INT64_C(3600) * DCCD_NS;
    o->durable = true;
    o->warn = rel_quiet_warn;
    o->warn_ctx = NULL;
}

void rel_quiet_warn(void *ctx, const char *msg)
{
    (void)ctx;
    if (getenv("DCCD_REL_VERBOSE"))
        fprintf(stderr, "warning: %s\n", msg);
}
