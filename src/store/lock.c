/*
 * src/store/lock.c - period locks.  A save or checkpoint of one period
 * holds the period's lock: an in-process mutex (one of DCCD_LOCK_STRIPES,
 * chosen by the hash of the period's path) and then flock(LOCK_EX) on the
 * period's lock file under ROOT/.dccd/locks.  The mutex serialises threads
 * of one process cheaply; the flock serialises processes (each acquisition
 * opens its own descriptor, so even two threads would exclude each other).
 * Different periods hash to different stripes most of the time and proceed
 * in parallel; a thread never holds two period locks at once, so striping
 * cannot deadlock.
 *
 * The lock file's first 8 bytes hold a token: every holder reads the one
 * its predecessor wrote and writes a fresh random one.  A handle that finds
 * its own token from last time knows nobody else held the lock since, and
 * may trust what it cached about the period's log (pcache.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "store/store_int.h"

struct dccd_lock_table {
    pthread_mutex_t stripes[DCCD_LOCK_STRIPES];
};

int dccd_locks_create(struct dccd_lock_table **out, dccd_error *err)
{
    struct dccd_lock_table *t = calloc(1, sizeof *t);
    if (!t)
        return DCCD_ENOMEM_MSG(err);
    for (int i = 0; i < DCCD_LOCK_STRIPES; i++) {
        if (pthread_mutex_init(&t->stripes[i], NULL) != 0) {
            while (i-- > 0)
                pthread_mutex_destroy(&t->stripes[i]);
            free(t);
            return dccd_err_set(err, DCCD_EIO, "cannot initialise a mutex");
        }
    }
    *out = t;
    return DCCD_OK;
}

void dccd_locks_destroy(struct dccd_lock_table *t)
{
    if (!t)
        return;
    for (int i = 0; i < DCCD_LOCK_STRIPES; i++)
        pthread_mutex_destroy(&t->stripes[i]);
    free(t);
}

static unsigned stripe_of(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h % DCCD_LOCK_STRIPES;
}

/* A fresh token: random, so that a lock file removed and created again
 * cannot bring back a value some handle still has in its cache. */
static uint64_t new_token(uint64_t prev, const void *salt)
{
    uint64_t t = 0;
    if (getrandom(&t, sizeof t, GRND_NONBLOCK) != (ssize_t)sizeof t) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        t = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
        t ^= (uint64_t)getpid() << 40 ^ (uint64_t)(uintptr_t)salt;
        t = (t ^ (t >> 31)) * UINT64_C(0x9e3779b97f4a7c15); /* mix */
        t ^= t >> 29;
    }
    if (t == 0 || t == prev)
        t = prev + 1 ? prev + 1 : 1;
    return t;
}

/* Read the previous holder's token, write ours (see pcache.c).  When ours
 * cannot be written, no handle may go on trusting the previous one (this
 * holder may change the log): the file is emptied (token 0 matches no
 * cache), and if even that fails the lock is not taken. */
static int lock_token(int fd, dccd_period_lock *lk, const char *dir, const char *path, dccd_error *err)
{
    uint64_t prev = 0;
    lk->prev_token = 0;
    lk->token = 0;
    if (pread(fd, &prev, sizeof prev, 0) != (ssize_t)sizeof prev)
        prev = 0;
    uint64_t t = new_token(prev, lk);
    if (pwrite(fd, &t, sizeof t, 0) == (ssize_t)sizeof t) {
        lk->prev_token = prev;
        lk->token = t;
        return DCCD_OK;
    }
    int e = errno;
    if (prev == 0 || ftruncate(fd, 0) == 0)
        return DCCD_OK;
    return dccd_err_errno(err, e, "write lock file %s/%s", dir, path);
}

int dccd_lock_acquire(struct dccd_lock_table *t, int rootfd, const char *rel, dccd_period_lock *out,
                      dccd_error *err)
{
    /* rel = "EXCHANGE/TYPE/SLUG[/SPAN]/PERIOD": directory part + file stem */
    char dir[1024], path[1100];
    const char *slash = strrchr(rel, '/');
    if (!slash || strlen(rel) >= sizeof dir - 16)
        return dccd_err_set(err, DCCD_EINVAL, "bad lock path \"%s\"", rel);
    snprintf(dir, sizeof dir, ".dccd/locks/%.*s", (int)(slash - rel), rel);
    snprintf(path, sizeof path, "%s.lock", slash + 1);
    unsigned s = stripe_of(rel);
    int rc = pthread_mutex_lock(&t->stripes[s]);
    if (rc != 0)
        return dccd_err_set(err, DCCD_EIO, "lock %s: mutex error %d", rel, rc);
    int dfd = -1;
    if ((rc = dccd_dir_open(rootfd, dir, true, &dfd, err)))
        goto fail;
    int fd = openat(dfd, path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    int e = errno;
    close(dfd);
    if (fd < 0) {
        rc = dccd_err_errno(err, e, "open lock file %s/%s", dir, path);
        goto fail;
    }
    while (flock(fd, LOCK_EX) != 0) {
        if (errno == EINTR)
            continue;
        rc = dccd_err_errno(err, errno, "flock %s/%s", dir, path);
        close(fd);
        goto fail;
    }
    if ((rc = lock_token(fd, out, dir, path, err))) {
        flock(fd, LOCK_UN);
        close(fd);
        goto fail;
    }
    out->fd = fd;
    out->stripe = s;
    return DCCD_OK;
fail:
    pthread_mutex_unlock(&t->stripes[s]);
    return rc;
}

void dccd_lock_release(struct dccd_lock_table *t, dccd_period_lock *l)
{
    if (l->fd >= 0) {
        flock(l->fd, LOCK_UN);
        close(l->fd);
        l->fd = -1;
    }
    pthread_mutex_unlock(&t->stripes[l->stripe]);
}
