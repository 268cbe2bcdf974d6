/*
 * src/store/pcache.c - what a save needs to know about a period, remembered
 * per store handle so that a save costs the same at the end of a day as at
 * its start.
 *
 * Before a save appends a segment it must know the period file's state
 * (that it can be read - a save into an unreadable period file is refused,
 * the seed's rule - and its "dccd.wal_applied" mark, which the next
 * segment's sequence number must exceed) and the period's pending segments
 * (the largest sequence number, and the row counts the checkpoint decision
 * adds up).  Read afresh, the first costs a footer parse that grows with
 * the file's row groups and the second a directory listing that grows with
 * the pending segments.  This cache keeps both, per period:
 *
 *  - the mark, with the identity of the file it was read from (device,
 *    inode, size, modification and change times, from fstat of the open
 *    file).  The period file is only ever replaced whole (rename of a new
 *    inode), so any checkpoint or migrate, by this process, another one, or
 *    a writer that takes no dccd lock (the seed), changes the identity and
 *    the next save parses the new footer; an in-place edit changes the
 *    change time, which no user call can set back.
 *
 *  - the segment list as this handle left it after its last append, with
 *    the token that handle's lock acquisition wrote into the period's lock
 *    file (lock.c writes a fresh random token at every acquisition, by any
 *    process).  A save that reads back, under the lock, the token it wrote
 *    itself last time knows that no other holder - another process, a
 *    writer that crashed half-way, a checkpoint - has touched the log
 *    since, and uses the list without listing the directory.  Anything of
 *    this handle that changes the log other than an append (checkpoint,
 *    migrate) drops the entry.
 *
 * The table is direct-mapped (DCCD_PCACHE_SLOTS slots chosen by the hash of
 * the period's path) and guarded by one mutex; a collision only costs a
 * footer parse or a listing.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_int.h"

#define DCCD_PCACHE_SLOTS 64

typedef struct pslot {
    char rel[sizeof ((dccd_period *)0)->lockrel]; /* "" = unused */
    /* the period file's mark */
    bool has_mark;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtim, ctim;
    uint64_t applied;
    char ident[DCCD_IDENT_MAX];
    /* the log */
    uint64_t token; /* 0 = no list */
    dccd_segment *segs;
    size_t nsegs, cap;
} pslot;

struct dccd_pcache {
    pthread_mutex_t mu;
    pslot slot[DCCD_PCACHE_SLOTS];
};

int dccd_pcache_create(struct dccd_pcache **out, dccd_error *err)
{
    struct dccd_pcache *c = calloc(1, sizeof *c);
    if (!c)
        return DCCD_ENOMEM_MSG(err);
    if (pthread_mutex_init(&c->mu, NULL) != 0) {
        free(c);
        return dccd_err_set(err, DCCD_EIO, "cannot initialise a mutex");
    }
    *out = c;
    return DCCD_OK;
}

void dccd_pcache_destroy(struct dccd_pcache *c)
{
    if (!c)
        return;
    for (int i = 0; i < DCCD_PCACHE_SLOTS; i++)
        free(c->slot[i].segs);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

/* The period's slot, locked (c->mu held on success); claimed for the period
 * (its previous contents dropped) when `claim`, else NULL when the slot
 * belongs to another period. */
static pslot *slot_lock(struct dccd_pcache *c, const dccd_period *p, bool claim)
{
    size_t len = strlen(p->lockrel);
    if (len >= sizeof c->slot[0].rel)
        return NULL;
    uint32_t h = 2166136261u;
    for (const char *q = p->lockrel; *q; q++)
        h = (h ^ (uint8_t)*q) * 16777619u;
    pslot *m = &c->slot[h % DCCD_PCACHE_SLOTS];
    if (pthread_mutex_lock(&c->mu) != 0)
        return NULL;
    if (strcmp(m->rel, p->lockrel) == 0)
        return m;
    if (!claim) {
        pthread_mutex_unlock(&c->mu);
        return NULL;
    }
    memcpy(m->rel, p->lockrel, len + 1);
    m->has_mark = false;
    m->token = 0;
    m->nsegs = 0;
    return m;
}

static bool same_file(const pslot *m, const struct stat *st)
{
    return m->has_mark && m->dev == st->st_dev && m->ino == st->st_ino && m->size == st->st_size &&
           m->mtim.tv_sec == st->st_mtim.tv_sec && m->mtim.tv_nsec == st->st_mtim.tv_nsec &&
           m->ctim.tv_sec == st->st_ctim.tv_sec && m->ctim.tv_nsec == st->st_ctim.tv_nsec;
}

int dccd_period_applied(dccd_store *s, const dccd_period *p, uint64_t *applied, dccd_error *err)
{
    char ident[DCCD_IDENT_MAX];
    bool parsed;
    return dccd_period_applied_ident(s, p, applied, ident, &parsed, err);
}

int dccd_period_applied_ident(dccd_store *s, const dccd_period *p, uint64_t *applied, char ident[DCCD_IDENT_MAX],
                              bool *parsed, dccd_error *err)
{
    *applied = 0;
    *parsed = false;
    dccd_period_ident(NULL, ident);
    int fd;
    int rc = dccd_period_open_fd(s, p, &fd, err); /* refuses symlinks */
    if (rc || fd < 0)
        return rc;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        rc = dccd_err_errno(err, errno, "stat %s/%s/%s", s->root, p->dsdir, p->file);
        close(fd);
        return rc;
    }
    pslot *m = S_ISREG(st.st_mode) ? slot_lock(s->pcache, p, false) : NULL;
    if (m) {
        bool hit = same_file(m, &st);
        uint64_t a = m->applied;
        if (hit)
            memcpy(ident, m->ident, DCCD_IDENT_MAX);
        pthread_mutex_unlock(&s->pcache->mu);
        if (hit) {
            close(fd);
            *applied = a;
            return DCCD_OK;
        }
    }
    /* parse the footer: a file that cannot be read fails the save */
    dccd_pq_file *f = NULL;
    rc = dccd_period_open_parsed(s, p, fd, &f, err);
    close(fd);
    if (rc)
        return rc;
    *applied = dccd_wal_applied(f);
    dccd_period_ident(f, ident);
    *parsed = true;
    dccd_pq_close(f);
    if (S_ISREG(st.st_mode) && (m = slot_lock(s->pcache, p, true)) != NULL) {
        m->has_mark = true;
        m->dev = st.st_dev;
        m->ino = st.st_ino;
        m->size = st.st_size;
        m->mtim = st.st_mtim;
        m->ctim = st.st_ctim;
        m->applied = *applied;
        memcpy(m->ident, ident, DCCD_IDENT_MAX);
        pthread_mutex_unlock(&s->pcache->mu);
    }
    return DCCD_OK;
}

int dccd_pcache_log_get(dccd_store *s, const dccd_period *p, const dccd_period_lock *lk, bool *hit,
                        dccd_segment **segs, size_t *n, dccd_error *err)
{
    *hit = false;
    *segs = NULL;
    *n = 0;
    if (!lk || lk->prev_token == 0)
        return DCCD_OK;
    pslot *m = slot_lock(s->pcache, p, false);
    if (!m)
        return DCCD_OK;
    int rc = DCCD_OK;
    if (m->token == lk->prev_token) {
        /* one spare entry: the append adds its segment to the copy */
        dccd_segment *v = dccd_malloc_array(m->nsegs + 1, sizeof *v);
        if (!v) {
            rc = DCCD_ENOMEM_MSG(err);
        } else {
            if (m->nsegs)
                memcpy(v, m->segs, m->nsegs * sizeof *v);
            *segs = v;
            *n = m->nsegs;
            *hit = true;
        }
    }
    pthread_mutex_unlock(&s->pcache->mu);
    return rc;
}

void dccd_pcache_log_put(dccd_store *s, const dccd_period *p, const dccd_period_lock *lk, const dccd_segment *segs,
                         size_t n)
{
    if (!lk || lk->token == 0)
        return;
    pslot *m = slot_lock(s->pcache, p, true);
    if (!m)
        return;
    if (n > m->cap) {
        size_t nc = m->cap * 2 > n ? m->cap * 2 : n < 64 ? 64 : n;
        dccd_segment *v = dccd_realloc_array(m->segs, nc, sizeof *v);
        if (v) {
            m->segs = v;
            m->cap = nc;
        }
    }
    if (n > m->cap) {
        m->token = 0; /* cannot keep it: the next save lists */
    } else {
        if (n)
            memcpy(m->segs, segs, n * sizeof *segs);
        m->nsegs = n;
        m->token = lk->token;
    }
    pthread_mutex_unlock(&s->pcache->mu);
}

void dccd_pcache_log_drop(dccd_store *s, const dccd_period *p)
{
    pslot *m = slot_lock(s->pcache, p, false);
    if (!m)
        return;
    m->token = 0;
    m->nsegs = 0;
    pthread_mutex_unlock(&s->pcache->mu);
}

/* ---- the "unreadable" record ---------------------------------------------
 *
 * A checkpoint that cannot read the pages of a period file (valid footer,
 * damaged data) leaves the file and the segments as they are, and records
 * the fact in the period's log directory as the file UNREADABLE_NAME:
 * the identity of the period file it could not read (device, inode, size,
 * modification and change times) and the error.  Every save opens that
 * directory anyway to write its segment; one openat more tells it that
 * its rows could never be folded, and it refuses the batch before writing
 * anything.  A period file replaced or repaired since (another identity) or
 * removed makes the record stale: the next save deletes it and proceeds.
 * verify reports a current record. */

#define UNREADABLE_NAME "unreadable"

static void fmt_identity(const struct stat *st, char *buf, size_t cap)
{
    snprintf(buf, cap, "%llu %llu %lld %lld.%09ld %lld.%09ld", (unsigned long long)st->st_dev,
             (unsigned long long)st->st_ino, (long long)st->st_size, (long long)st->st_mtim.tv_sec,
             (long)st->st_mtim.tv_nsec, (long long)st->st_ctim.tv_sec, (long)st->st_ctim.tv_nsec);
}

/* fstat of the period file; false when it does not exist or cannot be
 * opened or is not a regular file. */
static bool period_file_stat(dccd_store *s, const dccd_period *p, struct stat *st)
{
    int fd;
    if (dccd_period_open_fd(s, p, &fd, NULL) != DCCD_OK || fd < 0)
        return false;
    bool ok = fstat(fd, st) == 0 && S_ISREG(st->st_mode);
    close(fd);
    return ok;
}

void dccd_period_mark_unreadable(dccd_store *s, const dccd_period *p, const char *why)
{
    struct stat st;
    if (!period_file_stat(s, p, &st))
        return;
    int dfd;
    if (dccd_dir_open(s->rootfd, p->waldir, true, &dfd, NULL) != DCCD_OK)
        return;
    char id[160], what[DCCD_REL_MAX + 64];
    fmt_identity(&st, id, sizeof id);
    snprintf(what, sizeof what, "%s/%s/%s", s->root, p->waldir, UNREADABLE_NAME);
    dccd_atomic a;
    if (dccd_atomic_begin(&a, dfd, UNREADABLE_NAME, what, NULL) == DCCD_OK) {
        /* line 1: the identity; line 2: the error, on one line */
        char text[1024];
        int len = snprintf(text, sizeof text, "%s\n%.800s", id, why);
        if (len < 0)
            len = 0;
        if ((size_t)len >= sizeof text - 1)
            len = (int)sizeof text - 2;
        for (int i = (int)strlen(id) + 1; i < len; i++)
            if (text[i] == '\n' || text[i] == '\r')
                text[i] = ' ';
        text[len++] = '\n';
        if (dccd_write_all(a.fd, text, (size_t)len, what, NULL) == DCCD_OK)
            (void)dccd_atomic_commit(&a, s->opts.durable, NULL);
        else
            dccd_atomic_abort(&a);
    }
    close(dfd);
}

int dccd_period_check_unreadable(dccd_store *s, const dccd_period *p, int walfd, bool drop_stale, bool *bad,
                                 dccd_error *err)
{
    *bad = false;
    int fd = openat(walfd, UNREADABLE_NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return DCCD_OK; /* the usual case: no record */
    char buf[1024];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n < 0)
        n = 0;
    buf[n] = '\0';
    char *nl = strchr(buf, '\n');
    const char *why = "";
    if (nl) {
        *nl = '\0';
        why = nl + 1;
        char *e = strchr(nl + 1, '\n');
        if (e)
            *e = '\0';
    }
    struct stat st;
    char id[160];
    if (period_file_stat(s, p, &st)) {
        fmt_identity(&st, id, sizeof id);
        if (strcmp(id, buf) == 0) {
            *bad = true;
            return dccd_err_set(err, DCCD_ECORRUPT,
                                "%s/%s/%s cannot be read (a checkpoint found: %s); its pending rows cannot be "
                                "folded into it: replace or repair the file (dccd verify reports it)",
                                s->root, p->dsdir, p->file, why);
        }
    }
    /* the file was replaced, repaired or removed since: the record is stale */
    if (drop_stale)
        unlinkat(walfd, UNREADABLE_NAME, 0);
    return DCCD_OK;
}
