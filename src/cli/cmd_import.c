/*
 * src/cli/cmd_import.c - `dccd import`: CSV or JSON-lines files (or stdin)
 * saved into one dataset.
 *
 *   dccd [--threads N] import [--format csv|jsonl] [--batch N] [--source S]
 *               [--checkpoint] [--skip-bad] DATASET FILE...|-
 *
 * Each input is parsed by the text importer (textin.c) and saved with
 * dccd_store_save in batches of --batch rows (default 1,000,000).  The
 * format comes from --format, else the file extension (.csv; .jsonl,
 * .ndjson, .json), else CSV.  --source S records provenance
 * {"source":S,"derived_from":null}; without it the period files keep the
 * provenance they had.
 *
 * Two ways in, with the same result to the byte (tests/cli/io_import_par.sh):
 *   - stdin, pipes, empty files, and every input with one thread: a
 *     buffered line reader (lr_next: 1 MiB reads, lines of any length, a
 *     CSV newline inside quotes continues the record) feeding one parser
 *     line by line (a record without a quote marked plain: split at commas
 *     only);
 *   - a regular file with two threads or more (import_mapped): mapped
 *     (populated when <= 256 MiB), the header read in order, the rest cut
 *     into parts of about 1 MiB
 *     (DCCD_IMPORT_CHUNK_BYTES, for tests) just after a newline.  A cut may
 *     fall inside a quoted CSV field, so each part is scanned in parallel
 *     (split_task) from both states a part can start in - at a record start
 *     or inside quotes - for where its first record starts and the state
 *     it ends in, and the chain is resolved in file order; each part then
 *     owns the records starting in it.  The parts are parsed in parallel
 *     (parse_task, a window of 4 per thread at a time) on a pool of
 *     --threads threads (the library's fork-join, src/common/pool.h), each
 *     with a parser forked from the header's (cli_textin_fork), lines
 *     numbered from 0 (and plain when the part has no quote at all); the
 *     results are then taken in file order: rows held
 *     and cut into batches of exactly --batch rows (joined column by
 *     column in parallel), skipped-line messages shown, the first error
 *     reported.  A part with a message to show is parsed again from its
 *     true first line (the lines of the parts before it added up), so
 *     messages name the same line as the line-by-line path.
 * With a pool, a full batch is saved on a thread of its own while the next
 * parts are parsed (sink: one save at a time, in order, waited for before
 * anything is reported), so memory is bounded by about two batches plus
 * the mapped file.
 *
 * A malformed line stops the import with "FILE:LINE: column N 'name': what"
 * on stderr and exit status 1; the batch being built is not saved (the
 * batches of the same file before it are, and the message says how many
 * rows that was); with several bad lines the first in file order is the
 * one reported, whatever the thread count.  With --skip-bad such lines are
 * counted, the first ten are shown on stderr, and the import goes on.
 *
 * Output (stdout, as it is the command's result): one line per input,
 *   FILE: N rows read, W written, R rejected
 * and a "total:" line when there were several inputs.  A progress bar goes
 * to stderr when it is a terminal.  --checkpoint folds the dataset's
 * pending segments into its period files before returning.
 *
 * A mapped file must not shrink while it is imported (reading a page past
 * its new end would raise SIGBUS); the line-by-line path has no such limit.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "common/pool.h"
#include "textin.h"

#define IMPORT_DEFAULT_BATCH 1000000
#define READ_CHUNK (1u << 20)
#define SHOW_REJECTS 10
#define PART_BYTES (1u << 20)
#define POPULATE_MAX ((size_t)256 << 20) /* map files up to this size whole at once */
#ifndef MAP_POPULATE
#define MAP_POPULATE 0 /* (Linux; elsewhere pages come in as they are read) */
#endif

enum { OPT_FORMAT = CLI_OPT_FIRST_FREE, OPT_BATCH, OPT_SOURCE, OPT_CHECKPOINT, OPT_SKIP_BAD };

static void usage(FILE *f)
{
    fprintf(f,
            "usage: dccd import [options] DATASET FILE...|-\n"
            "\n"
            "Save CSV or JSON-lines rows into a dataset.  Each FILE ('-' = stdin) is\n"
            "saved in batches (a regular file is parsed in parts in parallel, on the\n"
            "global thread count; the result is the same whatever the count); columns\n"
            "are matched by header name (CSV) or key (JSON) against the type's schema:\n"
            "  ohlc       TS,open,high,low,close,volume,quote_volume,trades\n"
            "  trades     TS,price,amount,side,tid          (side buy|sell)\n"
            "  orderbook  TS,side,price,amount,count,is_snapshot (one row per level,\n"
            "             side bid|ask, is_snapshot true|false|1|0)\n"
            "TS is integer nanoseconds or ISO-8601 UTC; an empty field is null.\n"
            "\n"
            "DATASET: --exchange NAME --pair PAIR --type ohlc|trades|orderbook [--span SPAN]\n"
            "\n"
            "options:\n"
            "  --format csv|jsonl  input format (default: from the extension, else csv)\n"
            "  --batch N           rows per save (default %d)\n"
            "  --source S          provenance source recorded in the files\n"
            "  --checkpoint        fold pending segments into period files at the end\n"
            "  --skip-bad          count and skip malformed lines instead of failing\n"
            "  --root DIR          store root\n"
            "  --help              show this help\n"
            "\n"
            "Prints 'FILE: N rows read, W written, R rejected' per input on stdout.\n"
            "A malformed line is reported as FILE:LINE: column N 'name': reason (exit 1).\n",
            IMPORT_DEFAULT_BATCH);
}

/* ---- buffered line reader (stdin, pipes: the line-by-line path) ---- */

typedef struct lreader {
    int fd;
    char *buf;
    size_t cap, start, end, scan;
    bool eof;
    bool csv;         /* a newline inside a quoted field belongs to the record */
    int qstate;       /* CSV state at scan (see csv_scan) */
    int64_t consumed; /* bytes handed out as lines */
} lreader;

/* CSV field state over p[0, n) (no newline outside quotes in it):
 * 0 at a field start, 1 in an unquoted field, 2 in a quoted field, 3 just
 * after a quote in a quoted field (its end, or the first of ""). */
static int csv_scan(const char *p, size_t n, int st)
{
    if (n == 0)
        return st;
    if (st != 2 && !memchr(p, '"', n)) /* the usual line: no quote at all */
        return p[n - 1] == ',' ? 0 : 1;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        switch (st) {
        case 0: st = c == '"' ? 2 : c == ',' ? 0 : 1; break;
        case 1: st = c == ',' ? 0 : 1; break;
        case 2: st = c == '"' ? 3 : 2; break;
        default: st = c == '"' ? 2 : c == ',' ? 0 : 1; break;
        }
    }
    return st;
}

/* Next line (without the newline) in *line and *len; *got false at end of
 * input.  For CSV a line is a record: a newline inside a quoted field (as
 * export writes a field holding one) continues it. */
static int lr_next(lreader *r, const char **line, size_t *len, bool *got, dccd_error *err)
{
    for (;;) {
        char *nl = r->scan < r->end ? memchr(r->buf + r->scan, '\n', r->end - r->scan) : NULL;
        if (nl && r->csv) {
            r->qstate = csv_scan(r->buf + r->scan, (size_t)(nl - (r->buf + r->scan)), r->qstate);
            if (r->qstate == 2) { /* inside a quoted field: the newline is data */
                r->scan = (size_t)(nl - r->buf) + 1;
                continue;
            }
            r->qstate = 0;
        }
        if (nl) {
            *line = r->buf + r->start;
            *len = (size_t)(nl - (r->buf + r->start));
            r->consumed += (int64_t)*len + 1;
            r->start = r->scan = (size_t)(nl - r->buf) + 1;
            *got = true;
            return DCCD_OK;
        }
        if (r->csv && r->end > r->scan) /* (buf is NULL before the first read) */
            r->qstate = csv_scan(r->buf + r->scan, r->end - r->scan, r->qstate);
        r->scan = r->end;
        if (r->eof) {
            r->qstate = 0;
            if (r->start < r->end) {
                *line = r->buf + r->start;
                *len = r->end - r->start;
                r->consumed += (int64_t)*len;
                r->start = r->scan = r->end;
                *got = true;
                return DCCD_OK;
            }
            *got = false;
            return DCCD_OK;
        }
        if (r->start > 0) { /* move the partial line to the front */
            memmove(r->buf, r->buf + r->start, r->end - r->start);
            r->end -= r->start;
            r->scan -= r->start;
            r->start = 0;
        }
        if (r->cap - r->end < READ_CHUNK / 2) {
            size_t cap = r->cap ? r->cap * 2 : READ_CHUNK;
            if (cap < r->cap) {
                err->code = DCCD_ENOMEM;
                snprintf(err->msg, sizeof err->msg, "line too long");
                return DCCD_ENOMEM;
            }
            char *p = realloc(r->buf, cap);
            if (!p) {
                err->code = DCCD_ENOMEM;
                snprintf(err->msg, sizeof err->msg, "out of memory for a line of %zu bytes", r->end);
                return DCCD_ENOMEM;
            }
            r->buf = p;
            r->cap = cap;
        }
        ssize_t n = read(r->fd, r->buf + r->end, r->cap - r->end);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            err->code = DCCD_EIO;
            snprintf(err->msg, sizeof err->msg, "read: %s", strerror(errno));
            return DCCD_EIO;
        }
        if (n == 0)
            r->eof = true;
        r->end += (size_t)n;
    }
}

/* ---- one input ---- */

typedef struct import_opts {
    cli_text_format fmt;
    bool fmt_given;
    int64_t batch;
    bool skip_bad;
    const dccd_provenance *prov;
} import_opts;

typedef struct import_totals {
    int64_t read, written, rejected;
} import_totals;

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static cli_text_format format_of(const char *path)
{
    if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson") || ends_with(path, ".json"))
        return CLI_FMT_JSONL;
    return CLI_FMT_CSV;
}

/* ---- mapped files: records split into parts parsed in parallel ---- */

/* Held parsed rows waiting for a batch: rows [lo, t.nrows) of t. */
typedef struct held {
    dccd_table t;
    size_t lo;
} held;

typedef struct sink {
    const cli_ctx *ctx;
    dccd_store *s;
    const dccd_dataset *ds;
    const import_opts *o;
    const char *name;
    dccd_pool *pool;
    held *h;
    size_t nh, caph;
    size_t rows;     /* rows held */
    int64_t written; /* rows of this input saved (of the batches whose save has been waited for) */
    int64_t shown;   /* rejected lines shown */
    /* the batch being saved (saving): by the thread saver unless joined */
    bool saving, joined;
    pthread_t saver;
    dccd_table sv_t;
    int sv_rc;
    int64_t sv_w;
    dccd_error sv_err;
} sink;

static size_t col_width(dccd_pq_type t)
{
    return t == DCCD_PQ_BOOLEAN ? 1 : t == DCCD_PQ_BYTE_ARRAY ? 0 : 8;
}

typedef struct concat_job {
    const held *h;
    size_t nh;   /* parts h[0 .. nh) */
    size_t need; /* rows: all of every part but the last, need - (rows before) of it */
    dccd_table *out;
} concat_job;

/* Ask for huge pages under a large fresh array (a hint: fewer page faults
 * when it is first written, about a fifth off the join of a year of bars;
 * nothing happens where transparent huge pages are off). */
static void huge_hint(void *p, size_t n)
{
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1), b = ((uintptr_t)p + n) & ~(huge - 1);
#ifdef MADV_HUGEPAGE
    if (p && b > a)
        (void)madvise((void *)a, b - a, MADV_HUGEPAGE);
#else
    (void)a, (void)b;
#endif
}

/* One column of a concatenation (a pool task). */
static int concat_col(void *vctx, size_t task, int worker, dccd_error *err)
{
    (void)worker;
    const concat_job *j = vctx;
    int c = (int)task;
    dccd_pq_column *oc = &j->out->cols[c];
    dccd_pq_type ty = oc->type;
    size_t w = col_width(ty), n = j->need;
    bool nulls = false;
    size_t bytes = 0, left = n;
    for (size_t k = 0; k < j->nh && left; k++) {
        const dccd_pq_column *ic = &j->h[k].t.cols[c];
        size_t lo = j->h[k].lo, m = j->h[k].t.nrows - lo < left ? j->h[k].t.nrows - lo : left;
        nulls |= ic->validity != NULL;
        if (ty == DCCD_PQ_BYTE_ARRAY)
            bytes += (size_t)(ic->offsets[lo + m] - ic->offsets[lo]);
        left -= m;
    }
    if (n >= SIZE_MAX / sizeof(int64_t))
        goto nomem;
    if (ty == DCCD_PQ_BYTE_ARRAY) {
        oc->offsets = malloc((n + 1) * sizeof *oc->offsets);
        oc->data = bytes ? malloc(bytes) : NULL;
        if (!oc->offsets || (bytes && !oc->data))
            goto nomem;
        oc->offsets[0] = 0;
    } else if (!(oc->values = malloc(n * w))) {
        goto nomem;
    }
    if (nulls && !(oc->validity = malloc(n)))
        goto nomem;
    huge_hint(ty == DCCD_PQ_BYTE_ARRAY ? (void *)oc->offsets : oc->values, n * (w ? w : sizeof(int64_t)));
    huge_hint(oc->data, bytes);
    size_t at = 0, nn = 0;
    int64_t dat = 0;
    left = n;
    for (size_t k = 0; k < j->nh && left; k++) {
        const dccd_pq_column *ic = &j->h[k].t.cols[c];
        size_t lo = j->h[k].lo, m = j->h[k].t.nrows - lo < left ? j->h[k].t.nrows - lo : left;
        if (ty == DCCD_PQ_BYTE_ARRAY) {
            int64_t b0 = ic->offsets[lo], b1 = ic->offsets[lo + m];
            if (b1 > b0)
                memcpy(oc->data + dat, ic->data + b0, (size_t)(b1 - b0));
            for (size_t r = 0; r < m; r++)
                oc->offsets[at + r + 1] = dat + (ic->offsets[lo + r + 1] - b0);
            dat += b1 - b0;
        } else {
            memcpy((uint8_t *)oc->values + at * w, (const uint8_t *)ic->values + lo * w, m * w);
        }
        if (nulls) {
            if (ic->validity) {
                memcpy(oc->validity + at, ic->validity + lo, m);
                for (size_t r = 0; r < m; r++)
                    nn += !ic->validity[lo + r];
            } else {
                memset(oc->validity + at, 1, m);
            }
        }
        at += m;
        left -= m;
    }
    oc->n = n;
    oc->null_count = nn;
    if (nulls && nn == 0) {
        free(oc->validity);
        oc->validity = NULL;
    }
    return DCCD_OK;
nomem:
    err->code = DCCD_ENOMEM;
    snprintf(err->msg, sizeof err->msg, "out of memory joining parsed parts into a batch of %zu rows", n);
    return DCCD_ENOMEM;
}

/* The saver: k->sv_t saved (a thread of its own while the main thread
 * parses on; or called directly). */
static void *saver_main(void *arg)
{
    sink *k = arg;
    k->sv_w = 0;
    k->sv_rc = dccd_store_save(k->s, k->ds, &k->sv_t, k->o->prov, &k->sv_w, &k->sv_err);
    return NULL;
}

/* Wait for the batch being saved, if any, and report its failure as the
 * line-by-line import did ("saving N rows ..."). */
static int sink_wait(sink *k)
{
    if (!k->saving)
        return CLI_OK;
    if (!k->joined)
        pthread_join(k->saver, NULL);
    k->saving = k->joined = false;
    int rc = CLI_OK;
    int64_t w = k->sv_w;
    if (k->sv_rc != DCCD_OK) {
        char what[600];
        if (w > 0) /* the batch's earlier periods were saved */
            snprintf(what, sizeof what,
                     "%s: saving %zu rows: %" PRId64 " of them saved (the periods before the failing one), "
                     "%" PRId64 " rows of this input saved in all", k->name, k->sv_t.nrows, w, k->written + w);
        else
            snprintf(what, sizeof what, "%s: saving %zu rows (%" PRId64 " rows of this input saved before)",
                     k->name, k->sv_t.nrows, k->written);
        rc = cli_fail(k->ctx, what, &k->sv_err);
    }
    k->written += w;
    dccd_table_free(&k->sv_t);
    return rc;
}

/* Save the first n held rows (n <= rows held) and drop what they used up.
 * With a pool the save runs on a thread of its own while parsing goes on
 * (its outcome is collected by the next save or by sink_wait); one thread:
 * here and now. */
static int sink_save(sink *k, size_t n)
{
    dccd_error err;
    dccd_table t;
    dccd_table_init(&t, k->ds->type);
    int rc = DCCD_OK;
    if (k->h[0].lo == 0 && k->h[0].t.nrows == n) {
        dccd_table_move(&t, &k->h[0].t);
    } else {
        concat_job j = {k->h, k->nh, n, &t};
        t.nrows = n;
        rc = dccd_pool_run(k->pool, (size_t)t.ncols, concat_col, &j, &err);
    }
    /* drop the parts used up, advance the last one */
    size_t left = n, used = 0;
    while (used < k->nh && left) {
        held *p = &k->h[used];
        size_t m = p->t.nrows - p->lo < left ? p->t.nrows - p->lo : left;
        p->lo += m;
        left -= m;
        if (p->lo < p->t.nrows)
            break;
        dccd_table_free(&p->t);
        used++;
    }
    memmove(k->h, k->h + used, (k->nh - used) * sizeof *k->h);
    k->nh -= used;
    k->rows -= n;
    if (rc != DCCD_OK) {
        dccd_table_free(&t);
        return cli_fail(k->ctx, k->name, &err);
    }
    /* one save at a time, in order: the previous one must be done */
    if ((rc = sink_wait(k)) != CLI_OK) {
        dccd_table_free(&t);
        return rc;
    }
    dccd_table_move(&k->sv_t, &t);
    if (k->pool && pthread_create(&k->saver, NULL, saver_main, k) == 0) {
        k->saving = true;
        return CLI_OK;
    }
    saver_main(k); /* one thread (or no thread to be had): save here */
    k->saving = true; /* (the result is collected below) */
    k->joined = true;
    return sink_wait(k);
}

/* Hold a parsed part (moved in) and save every full batch. */
static int sink_put(sink *k, dccd_table *t)
{
    if (t->nrows == 0) {
        dccd_table_free(t);
        return CLI_OK;
    }
    if (k->nh == k->caph) {
        size_t cap = k->caph ? k->caph * 2 : 16;
        held *h = realloc(k->h, cap * sizeof *h);
        if (!h) {
            dccd_table_free(t);
            cli_msg(k->ctx, "%s: out of memory", k->name);
            return CLI_FAIL;
        }
        k->h = h;
        k->caph = cap;
    }
    k->h[k->nh].lo = 0;
    dccd_table_init(&k->h[k->nh].t, t->type);
    dccd_table_move(&k->h[k->nh].t, t);
    k->nh++;
    k->rows += k->h[k->nh - 1].t.nrows;
    while ((int64_t)k->rows >= k->o->batch) {
        int rc = sink_save(k, (size_t)k->o->batch);
        if (rc != CLI_OK)
            return rc;
    }
    return CLI_OK;
}

static void sink_free(sink *k)
{
    if (k->saving && !k->joined)
        pthread_join(k->saver, NULL);
    k->saving = k->joined = false;
    dccd_table_free(&k->sv_t);
    for (size_t i = 0; i < k->nh; i++)
        dccd_table_free(&k->h[i].t);
    free(k->h);
    k->h = NULL;
    k->nh = k->caph = k->rows = 0;
}

/* A malformed line (not skipped): the batches before it saved, the message
 * says how many rows that was (or the failure of one of those saves, which
 * comes first). */
static int bad_line(sink *k, cli_progress *prog, const char *msg)
{
    cli_progress_end(prog);
    if (sink_wait(k) != CLI_OK)
        return CLI_FAIL;
    if (k->written)
        cli_msg(k->ctx, "%s (%" PRId64 " rows of this input were saved before this line; the batch being read was not)",
                msg, k->written);
    else
        cli_msg(k->ctx, "%s (nothing of this input was saved)", msg);
    return CLI_FAIL;
}

/* The line-by-line path: the rows the parser holds saved as one batch. */
static int save_batch(sink *k, cli_textin *in)
{
    dccd_error err;
    dccd_table t;
    if (cli_textin_take(in, &t, &err) != DCCD_OK)
        return cli_fail(k->ctx, k->name, &err);
    int rc = sink_put(k, &t);
    if (rc == CLI_OK && k->rows)
        rc = sink_save(k, k->rows);
    return rc;
}

/* Next record of p[*pos, end), *pos at a record boundary: the bytes up to a
 * newline, for CSV one outside quotes (csv_scan, as lr_next), else to end.
 * false when *pos == end. */
static bool mem_next(const char *p, size_t end, size_t *pos, bool csv, const char **rec, size_t *len)
{
    size_t i = *pos, scan = i;
    int st = 0;
    if (i >= end)
        return false;
    for (;;) {
        const char *nl = scan < end ? memchr(p + scan, '\n', end - scan) : NULL;
        if (!nl) {
            *rec = p + i;
            *len = end - i;
            *pos = end;
            return true;
        }
        size_t k = (size_t)(nl - p);
        if (csv && (st = csv_scan(p + scan, k - scan, st)) == 2) { /* a newline inside quotes */
            scan = k + 1;
            continue;
        }
        *rec = p + i;
        *len = k - i;
        *pos = k + 1;
        return true;
    }
}

/* What a part of the file looks like from each state it may start in (a
 * part starts after a newline: at a record start, or inside a quoted field
 * of a record begun earlier).  Computed for every part in parallel, then
 * resolved in file order (split_resolve). */
typedef struct part {
    size_t b, e;      /* bytes [b, e): b after a newline (or the data start), e after one or the end */
    bool quotes;      /* a '"' in [b, e) */
    int exit[2];      /* state after e: 0 record start, 2 in quotes; [0] from a record start, [1] from quotes */
    size_t first2;    /* started in quotes: where the first record starting in the part is (SIZE_MAX: none) */
    /* resolved */
    size_t rs;        /* the first record starting in the part (SIZE_MAX: none) */
    size_t re;        /* records [rs, re) are this part's */
} part;

/* The CSV record state over p[b, e) from st (0 or 2), line by line as
 * lr_next: the state after e, and where the first record begins. */
static int csv_walk(const char *p, size_t b, size_t e, int st, size_t *first)
{
    size_t scan = b;
    *first = st == 0 ? b : SIZE_MAX;
    while (scan < e) {
        const char *q = memchr(p + scan, '\n', e - scan);
        size_t k = q ? (size_t)(q - p) : e;
        st = csv_scan(p + scan, k - scan, st);
        if (!q)
            break;
        if (st != 2) {
            st = 0;
            if (*first == SIZE_MAX && k + 1 < e)
                *first = k + 1;
        }
        scan = k + 1;
    }
    return st == 2 ? 2 : 0;
}

typedef struct split_job {
    const char *p;
    part *parts;
} split_job;

static int split_task(void *vctx, size_t task, int worker, dccd_error *err)
{
    (void)worker;
    (void)err;
    const split_job *j = vctx;
    part *pt = &j->parts[task];
    const char *p = j->p;
    pt->exit[0] = 0;
    pt->exit[1] = 2;
    pt->first2 = SIZE_MAX;
    if (!(pt->quotes = memchr(p + pt->b, '"', pt->e - pt->b) != NULL))
        return DCCD_OK; /* no quote: every newline ends a record (or, in quotes, none does) */
    size_t f0;
    pt->exit[0] = csv_walk(p, pt->b, pt->e, 0, &f0);
    pt->exit[1] = csv_walk(p, pt->b, pt->e, 2, &pt->first2);
    return DCCD_OK;
}

/* One part parsed: its rows, counts, the first error, the first rejected
 * lines' messages. */
typedef struct part_out {
    dccd_table t;
    int64_t lines, rejected;
    int64_t lineno; /* physical lines of the part's records (all of them: when it has no error) */
    dccd_error err; /* code DCCD_OK, or the first error of the part (parsing stopped there) */
    int nshown;
    char (*shown)[DCCD_ERROR_MSG_MAX]; /* up to SHOW_REJECTS */
} part_out;

typedef struct parse_job {
    const char *p;
    const part *parts;
    part_out *outs;
    size_t first;   /* task i is part first + i */
    int64_t line0;  /* lines before the part (for messages); 0 in the parallel pass */
    const cli_textin *tmpl;
    dccd_data_type type;
    bool csv;
} parse_job;

static void part_out_free(part_out *po)
{
    dccd_table_free(&po->t);
    free(po->shown);
    po->shown = NULL;
    po->nshown = 0;
}

/* Parse one part's records with a parser of its own (a pool task; never
 * fails: the error is the part's, reported in file order by the caller). */
static int parse_task(void *vctx, size_t task, int worker, dccd_error *err)
{
    (void)worker;
    (void)err;
    const parse_job *j = vctx;
    const part *pt = &j->parts[j->first + task];
    part_out *po = &j->outs[task];
    memset(po, 0, sizeof *po);
    dccd_table_init(&po->t, j->type);
    po->err.code = DCCD_OK;
    po->err.msg[0] = 0;
    if (pt->rs == SIZE_MAX || pt->rs >= pt->re)
        return DCCD_OK;
    cli_textin *in = NULL;
    if (cli_textin_fork(j->tmpl, &in, &po->err) != DCCD_OK)
        return DCCD_OK;
    cli_textin_seek(in, j->line0);
    cli_textin_plain(in, j->csv && !pt->quotes);
    size_t pos = pt->rs;
    const char *rec;
    size_t len;
    /* records [rs, re) of a part without a quote are within it, one a line */
    bool quotes = j->csv && pt->quotes;
    while (mem_next(j->p, pt->re, &pos, quotes, &rec, &len)) {
        int64_t rej = cli_textin_rejected(in);
        if (cli_textin_line(in, rec, len, &po->err) != DCCD_OK)
            break;
        if (cli_textin_rejected(in) != rej && po->nshown < SHOW_REJECTS) {
            if (!po->shown && !(po->shown = malloc(SHOW_REJECTS * sizeof *po->shown))) {
                po->err.code = DCCD_ENOMEM;
                snprintf(po->err.msg, sizeof po->err.msg, "out of memory");
                break;
            }
            snprintf(po->shown[po->nshown++], sizeof po->shown[0], "%s", cli_textin_last_error(in));
        }
    }
    po->lines = cli_textin_lines(in);
    po->lineno = cli_textin_lineno(in) - j->line0;
    po->rejected = cli_textin_rejected(in);
    dccd_error terr;
    if (cli_textin_take(in, &po->t, &terr) != DCCD_OK && po->err.code == DCCD_OK)
        po->err = terr;
    cli_textin_close(in);
    return DCCD_OK;
}

/* Bytes per part: DCCD_IMPORT_CHUNK_BYTES (tests make parts tiny to put
 * records across part boundaries), else 1 MiB. */
static size_t part_bytes(void)
{
    const char *e = getenv("DCCD_IMPORT_CHUNK_BYTES");
    if (e && *e) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(e, &end, 10);
        if (!*end && errno == 0 && v >= 1 && v <= ((size_t)1 << 40))
            return (size_t)v;
    }
    return PART_BYTES;
}

/* A regular file mapped at p[0, n): the header (CSV) read in order, the
 * rest cut into parts at newlines, each part's record boundaries and line
 * numbers found (in parallel, then resolved in order), the parts parsed in
 * parallel a window at a time and their rows saved in file order, in
 * batches of --batch rows exactly as the line-by-line path would. */
static int import_mapped(sink *k, cli_textin *in, bool csv, const char *p, size_t n, cli_progress *prog,
                         int64_t *lines, int64_t *rejected)
{
    const cli_ctx *ctx = k->ctx;
    dccd_error err;
    size_t pos = 0;
    const char *rec;
    size_t len;
    /* the header, and any empty lines before it */
    while (!cli_textin_ready(in) && mem_next(p, n, &pos, csv, &rec, &len)) {
        if (cli_textin_line(in, rec, len, &err) != DCCD_OK) {
            cli_progress_end(prog);
            cli_msg(ctx, "%s (nothing of this input was saved)", err.msg);
            return CLI_FAIL;
        }
    }
    *lines = cli_textin_lines(in);
    *rejected = cli_textin_rejected(in);
    if (pos >= n)
        return CLI_OK;

    size_t pb = part_bytes();
    size_t maxparts = (n - pos) / pb + 2;
    part *parts = calloc(maxparts, sizeof *parts);
    if (!parts) {
        cli_msg(ctx, "%s: out of memory", k->name);
        return CLI_FAIL;
    }
    size_t np = 0;
    for (size_t b = pos; b < n;) {
        size_t e = n;
        if (n - b > pb) {
            const char *nl = memchr(p + b + pb - 1, '\n', n - (b + pb - 1));
            e = nl ? (size_t)(nl - p) + 1 : n;
        }
        parts[np].b = b;
        parts[np].e = e;
        np++;
        b = e;
    }
    int rc = CLI_OK;
    for (size_t i = 0; i < np; i++) { /* JSON lines: every newline ends a record */
        parts[i].quotes = false;
        parts[i].exit[0] = 0;
        parts[i].first2 = parts[i].b;
    }
    split_job sj = {p, parts};
    if (csv && dccd_pool_run(k->pool, np, split_task, &sj, &err) != DCCD_OK) {
        free(parts);
        return cli_fail(ctx, k->name, &err);
    }
    /* resolve in file order where each part's records start */
    int st = 0;
    for (size_t i = 0; i < np; i++) {
        part *pt = &parts[i];
        pt->rs = st == 0 ? pt->b : pt->first2;
        st = pt->exit[st == 0 ? 0 : 1];
    }
    for (size_t i = np, next = n; i-- > 0;) {
        parts[i].re = next;
        if (parts[i].rs != SIZE_MAX)
            next = parts[i].rs;
    }
    if (n > POPULATE_MAX) /* read again as parsed: resident memory stays bounded */
        (void)madvise((void *)p, n, MADV_DONTNEED);

    int threads = dccd_pool_threads(k->pool);
    size_t window = (size_t)threads * 4;
    part_out *outs = calloc(window, sizeof *outs);
    if (!outs) {
        free(parts);
        cli_msg(ctx, "%s: out of memory", k->name);
        return CLI_FAIL;
    }
    /* Parts are parsed with lines numbered from 0; a part with a message to
     * show is parsed again, in order, from its true first line (the lines of
     * the parts before it added up). */
    int64_t base = cli_textin_lineno(in);
    parse_job pj = {p, parts, outs, 0, 0, in, k->ds->type, csv};
    for (size_t w0 = 0; w0 < np && rc == CLI_OK; w0 += window) {
        size_t nw = np - w0 < window ? np - w0 : window;
        pj.first = w0;
        pj.line0 = 0;
        pj.outs = outs;
        if (dccd_pool_run(k->pool, nw, parse_task, &pj, &err) != DCCD_OK) {
            cli_progress_end(prog);
            rc = cli_fail(ctx, k->name, &err);
            nw = 0;
        }
        for (size_t i = 0; i < nw; i++) {
            part_out *po = &outs[i];
            if (rc == CLI_OK && (po->err.code != DCCD_OK || (po->nshown && k->shown < SHOW_REJECTS))) {
                part_out_free(po);
                parse_job again = pj;
                again.first = w0 + i;
                again.line0 = base;
                again.outs = po;
                (void)parse_task(&again, 0, 0, &err);
            }
            if (rc == CLI_OK) {
                for (int m = 0; m < po->nshown && k->shown < SHOW_REJECTS; m++) {
                    cli_progress_end(prog);
                    cli_msg(ctx, "skipped %s", po->shown[m]);
                    if (++k->shown == SHOW_REJECTS)
                        cli_msg(ctx, "(further skipped lines are only counted)");
                }
                base += po->lineno;
                *lines += po->lines;
                *rejected += po->rejected;
                rc = sink_put(k, &po->t);
                if (rc == CLI_OK && po->err.code != DCCD_OK)
                    rc = bad_line(k, prog, po->err.msg);
            }
            part_out_free(po);
        }
        size_t done = parts[w0 + (nw ? nw : 1) - 1].e;
        size_t lo = parts[w0].b & ~(size_t)4095;
        (void)madvise((void *)(p + lo), (done & ~(size_t)4095) - lo, MADV_DONTNEED);
        if (prog->on)
            cli_progress_update(prog, (int64_t)done);
    }
    free(outs);
    free(parts);
    return rc;
}

static int import_one(const cli_ctx *ctx, dccd_store *s, dccd_pool *pool, const dccd_dataset *ds,
                      const import_opts *o, const char *path, import_totals *tot)
{
    bool is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "<stdin>" : path;
    cli_text_format fmt = o->fmt_given ? o->fmt : is_stdin ? CLI_FMT_CSV : format_of(path);
    dccd_error err;
    lreader r;
    memset(&r, 0, sizeof r);
    r.csv = fmt == CLI_FMT_CSV;
    r.fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (r.fd < 0) {
        cli_msg(ctx, "cannot open '%s': %s", path, strerror(errno));
        return CLI_FAIL;
    }
    int64_t total_bytes = 0;
    struct stat st;
    void *map = MAP_FAILED;
    if (fstat(r.fd, &st) == 0 && S_ISREG(st.st_mode)) {
        total_bytes = st.st_size;
        /* one thread: nothing to share out, the line-by-line path is the
         * cheaper (no split, no join of parts) */
        if (pool && st.st_size > 0 && (uint64_t)st.st_size <= SIZE_MAX)
            map = mmap(NULL, (size_t)st.st_size, PROT_READ,
                       MAP_PRIVATE | ((uint64_t)st.st_size <= POPULATE_MAX ? MAP_POPULATE : 0), r.fd, 0);
    }
    if (map == MAP_FAILED)
        (void)posix_fadvise(r.fd, 0, 0, POSIX_FADV_SEQUENTIAL);

    cli_textin *in = NULL;
    if (cli_textin_open(&in, fmt, ds->type, name, o->skip_bad, &err) != DCCD_OK) {
        if (map != MAP_FAILED)
            munmap(map, (size_t)st.st_size);
        if (!is_stdin)
            close(r.fd);
        return cli_fail(ctx, name, &err);
    }
    cli_progress prog;
    cli_progress_start(&prog, name, total_bytes);
    int rc = CLI_OK;
    sink k;
    memset(&k, 0, sizeof k);
    k.ctx = ctx;
    k.s = s;
    k.ds = ds;
    k.o = o;
    k.name = name;
    k.pool = pool;
    dccd_table_init(&k.sv_t, ds->type);
    int64_t nlines = 0, nrejected = 0;
    if (map != MAP_FAILED) {
        (void)madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
        rc = import_mapped(&k, in, r.csv, map, (size_t)st.st_size, &prog, &nlines, &nrejected);
        if (rc == CLI_OK && k.rows)
            rc = sink_save(&k, k.rows);
        if (rc == CLI_OK)
            rc = sink_wait(&k);
        sink_free(&k);
        munmap(map, (size_t)st.st_size);
    } else {
        for (;;) {
            const char *line;
            size_t len;
            bool got;
            if (lr_next(&r, &line, &len, &got, &err) != DCCD_OK) {
                cli_progress_end(&prog);
                rc = cli_fail(ctx, name, &err);
                break;
            }
            if (!got)
                break;
            int64_t rej = cli_textin_rejected(in);
            /* a record without a quote is split at commas only */
            cli_textin_plain(in, r.csv && !memchr(line, '"', len));
            if (cli_textin_line(in, line, len, &err) != DCCD_OK) {
                rc = bad_line(&k, &prog, err.msg);
                break;
            }
            if (cli_textin_rejected(in) != rej && k.shown < SHOW_REJECTS) {
                cli_progress_end(&prog);
                cli_msg(ctx, "skipped %s", cli_textin_last_error(in));
                if (++k.shown == SHOW_REJECTS)
                    cli_msg(ctx, "(further skipped lines are only counted)");
            }
            if ((int64_t)cli_textin_rows(in) >= o->batch) {
                if ((rc = save_batch(&k, in)) != CLI_OK)
                    break;
            }
            if (prog.on && (cli_textin_lines(in) & 0xFFF) == 0)
                cli_progress_update(&prog, r.consumed);
        }
        if (rc == CLI_OK)
            rc = save_batch(&k, in);
        if (rc == CLI_OK)
            rc = sink_wait(&k);
        sink_free(&k);
        nlines = cli_textin_lines(in);
        nrejected = cli_textin_rejected(in);
    }
    cli_progress_end(&prog);
    if (rc == CLI_OK) {
        printf("%s: %" PRId64 " rows read, %" PRId64 " written, %" PRId64 " rejected\n", name, nlines, k.written,
               nrejected);
        tot->read += nlines;
        tot->written += k.written;
        tot->rejected += nrejected;
    }
    cli_textin_close(in);
    free(r.buf);
    if (!is_stdin)
        close(r.fd);
    return rc;
}

int cli_cmd_import(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_DATASET_OPTIONS,
        {"format", required_argument, NULL, OPT_FORMAT},
        {"batch", required_argument, NULL, OPT_BATCH},
        {"source", required_argument, NULL, OPT_SOURCE},
        {"checkpoint", no_argument, NULL, OPT_CHECKPOINT},
        {"skip-bad", no_argument, NULL, OPT_SKIP_BAD},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_dataset_opts dso = {0};
    import_opts o = {CLI_FMT_CSV, false, IMPORT_DEFAULT_BATCH, false, NULL};
    const char *source = NULL;
    bool checkpoint = false;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (cli_dataset_opt(ctx, &dso, c, optarg))
            continue;
        switch (c) {
        case 'h':
            usage(stdout);
            return CLI_OK;
        case OPT_FORMAT:
            if (strcmp(optarg, "csv") == 0)
                o.fmt = CLI_FMT_CSV;
            else if (strcmp(optarg, "jsonl") == 0 || strcmp(optarg, "ndjson") == 0)
                o.fmt = CLI_FMT_JSONL;
            else
                return cli_usage(ctx, "bad --format '%s' (csv or jsonl)", optarg);
            o.fmt_given = true;
            break;
        case OPT_BATCH:
            if (cli_parse_count(ctx, "batch", optarg, 1, &o.batch) != CLI_OK)
                return CLI_USAGE;
            break;
        case OPT_SOURCE:
            source = optarg;
            break;
        case OPT_CHECKPOINT:
            checkpoint = true;
            break;
        case OPT_SKIP_BAD:
            o.skip_bad = true;
            break;
        case ':':
            return cli_usage(ctx, "option '%s' needs an argument", argv[optind - 1]);
        default:
            return cli_usage(ctx, "unknown option '%s'", argv[optind - 1]);
        }
    }
    dccd_dataset ds;
    if (cli_dataset_resolve(ctx, &dso, &ds) != CLI_OK)
        return CLI_USAGE;
    if (optind >= argc)
        return cli_usage(ctx, "no input file (give FILE... or - for stdin)");
    int nstdin = 0;
    for (int i = optind; i < argc; i++)
        nstdin += strcmp(argv[i], "-") == 0;
    if (nstdin > 1)
        return cli_usage(ctx, "stdin ('-') given more than once");

    dccd_error err;
    dccd_provenance prov = {NULL, NULL};
    if (source) {
        if (!*source)
            return cli_usage(ctx, "--source needs a non-empty text");
        if (dccd_provenance_init(&prov, source, NULL, &err) != DCCD_OK)
            return cli_usage(ctx, "bad --source: %s", err.msg);
        o.prov = &prov;
    }
    dccd_store *s = NULL;
    if (cli_open_store(ctx, &s) != CLI_OK) {
        dccd_provenance_free(&prov);
        return CLI_FAIL;
    }
    dccd_pool *pool = NULL;
    if (dccd_threads_resolve(ctx->threads) > 1 && dccd_pool_create(ctx->threads, &pool, &err) != DCCD_OK) {
        cli_msg(ctx, "%s", err.msg);
        dccd_store_close(s);
        dccd_provenance_free(&prov);
        return CLI_FAIL;
    }
    /* jansson seeds its hash function at the first object: do it here,
     * before any parsing thread starts */
    json_object_seed(0);
    import_totals tot = {0, 0, 0};
    int rc = CLI_OK;
    for (int i = optind; i < argc && rc == CLI_OK; i++)
        rc = import_one(ctx, s, pool, &ds, &o, argv[i], &tot);
    dccd_pool_destroy(pool);
    if (rc == CLI_OK && argc - optind > 1)
        printf("total: %" PRId64 " rows read, %" PRId64 " written, %" PRId64 " rejected\n", tot.read, tot.written,
               tot.rejected);
    if (rc == CLI_OK && checkpoint) {
        dccd_checkpoint_report rep;
        memset(&rep, 0, sizeof rep);
        if (dccd_store_checkpoint(s, &ds, &rep, &err) != DCCD_OK)
            rc = cli_fail(ctx, "checkpoint", &err);
        else
            printf("checkpoint: %zu segments (%" PRId64 " rows) folded into %zu period files\n", rep.segments,
                   rep.rows, rep.periods);
    }
    dccd_store_close(s);
    dccd_provenance_free(&prov);
    return rc;
}
