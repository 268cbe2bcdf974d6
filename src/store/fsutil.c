/*
 * src/store/fsutil.c - file-system primitives of the store: directories
 * opened component by component without following symlinks, and atomic,
 * durable replacement of a file (temporary name with O_EXCL in the same
 * directory, fsync, rename, fsync of the directory).
 *
 * Everything is relative to directory descriptors (openat/mkdirat/
 * renameat), so nothing the store writes can land outside its root: names
 * are validated, and a symlink planted anywhere in the tree stops the
 * operation with an error instead of being followed.  Where the kernel has
 * openat2 (Linux 5.6+), a directory that exists is opened in one call with
 * RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH (the same guarantee); the walk
 * component by component remains for creating directories, for the
 * precise error message, and for kernels or sandboxes without openat2.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "store/store_int.h"

#ifdef SYS_openat2
#include <linux/openat2.h>
#endif

/* Take the next component of rel at *p into comp (advancing *p past it
 * and its slash) and check it is a name the store may use: a valid path
 * component, or ".dccd". */
static int next_component(const char **p, char comp[256], const char *rel, dccd_error *err)
{
    const char *slash = strchr(*p, '/');
    size_t len = slash ? (size_t)(slash - *p) : strlen(*p);
    if (len == 0 || len >= 256)
        return dccd_err_set(err, DCCD_EINVAL, "bad path \"%s\": empty or overlong component", rel);
    memcpy(comp, *p, len);
    comp[len] = '\0';
    *p += len;
    if (**p == '/')
        (*p)++;
    if (strcmp(comp, ".dccd") == 0)
        return DCCD_OK;
    int rc = dccd_path_component_ok(comp, err);
    return rc ? dccd_err_prefix(err, rc, "path \"%s\"", rel) : DCCD_OK;
}

/* The one-call open of an existing directory: its descriptor, or -1 when
 * the walk must decide (missing, symlink, no openat2, a bad name...). */
static int dir_open_fast(int rootfd, const char *rel)
{
#ifdef SYS_openat2
    /* every component must be a name the walk would accept */
    const char *p = rel;
    char comp[256];
    if (!*p)
        return -1;
    while (*p)
        if (next_component(&p, comp, rel, NULL) != DCCD_OK)
            return -1;
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
    how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    long fd = syscall(SYS_openat2, rootfd, rel, &how, sizeof how);
    return fd >= 0 ? (int)fd : -1;
#else
    (void)rootfd;
    (void)rel;
    return -1;
#endif
}

int dccd_dir_open(int rootfd, const char *rel, bool create, int *dirfd, dccd_error *err)
{
    int fast = dir_open_fast(rootfd, rel);
    if (fast >= 0) {
        *dirfd = fast;
        return DCCD_OK;
    }
    int fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return dccd_err_errno(err, errno, "open store root");
    const char *p = rel;
    while (*p) {
        char comp[256];
        int rc = next_component(&p, comp, rel, err);
        if (rc) {
            close(fd);
            return rc;
        }
        if (create && mkdirat(fd, comp, 0755) != 0 && errno != EEXIST) {
            int e = errno;
            close(fd);
            return dccd_err_errno(err, e, "create directory %s in \"%s\"", comp, rel);
        }
        int nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (nfd < 0) {
            int e = errno;
            close(fd);
            if (e == ELOOP || e == ENOTDIR)
                return dccd_err_set(err, DCCD_EINVAL,
                                    "refusing to follow \"%s\" in \"%s\": it is a symlink or not a directory", comp,
                                    rel);
            return dccd_err_errno(err, e, "open directory %s in \"%s\"", comp, rel);
        }
        close(fd);
        fd = nfd;
    }
    *dirfd = fd;
    return DCCD_OK;
}

int dccd_atomic_begin(dccd_atomic *a, int dirfd, const char *name, const char *what, dccd_error *err)
{
    a->dirfd = dirfd;
    a->fd = -1;
    a->what = what;
    if (strlen(name) >= sizeof a->name)
        return dccd_err_set(err, DCCD_EINVAL, "file name too long: %s", name);
    snprintf(a->name, sizeof a->name, "%s", name);
    for (int attempt = 0; attempt < 16; attempt++) {
        uint64_t r = 0;
        if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
            r = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)attempt;
        snprintf(a->tmp, sizeof a->tmp, ".%s.tmp-%ld-%016llx", name, (long)getpid(), (unsigned long long)r);
        a->fd = openat(dirfd, a->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (a->fd >= 0)
            return DCCD_OK;
        if (errno != EEXIST)
            return dccd_err_errno(err, errno, "create temporary file for %s", what);
    }
    return dccd_err_set(err, DCCD_EIO, "create temporary file for %s: too many name collisions", what);
}

int dccd_atomic_commit(dccd_atomic *a, bool durable, dccd_error *err)
{
    int rc = DCCD_OK;
    if (durable)
        rc = dccd_fsync(a->fd, a->what, err);
    if (close(a->fd) != 0 && !rc)
        rc = dccd_err_errno(err, errno, "close %s", a->what);
    a->fd = -1;
    if (rc) {
        unlinkat(a->dirfd, a->tmp, 0);
        return rc;
    }
    if (renameat(a->dirfd, a->tmp, a->dirfd, a->name) != 0) {
        rc = dccd_err_errno(err, errno, "rename into place %s", a->what);
        unlinkat(a->dirfd, a->tmp, 0);
        return rc;
    }
    if (durable)
        return dccd_fsync(a->dirfd, "directory", err) ? dccd_err_prefix(err, DCCD_EIO, "%s", a->what) : DCCD_OK;
    return DCCD_OK;
}

void dccd_atomic_abort(dccd_atomic *a)
{
    if (a->fd >= 0) {
        close(a->fd);
        a->fd = -1;
    }
    unlinkat(a->dirfd, a->tmp, 0);
}

bool dccd_is_temp_name(const char *name)
{
    return name[0] == '.' && strstr(name, ".tmp-") != NULL;
}

/* The writer of ".NAME.tmp-PID-RANDOM" is known to be gone: PID is not
 * this process and no process has it (kill(pid, 0) fails with ESRCH).  A
 * reused PID only delays the cleanup; EPERM means the process exists. */
static bool temp_writer_dead(const char *name)
{
    const char *t = strstr(name, ".tmp-");
    if (!t)
        return false;
    long pid = 0;
    const char *p = t + 5;
    for (; *p >= '0' && *p <= '9' && pid < 100000000L; p++)
        pid = pid * 10 + (*p - '0');
    if (*p != '-' || pid <= 0 || pid >= 100000000L || (pid_t)pid == getpid())
        return false;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

void dccd_remove_stale_temps(int dirfd, const char *name, int age_sec)
{
    size_t nlen = name ? strlen(name) : 0;
    int fd = dup(dirfd);
    if (fd < 0)
        return;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return;
    }
    time_t now = time(NULL);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!dccd_is_temp_name(e->d_name))
            continue;
        if (name && (strncmp(e->d_name + 1, name, nlen) != 0 || strncmp(e->d_name + 1 + nlen, ".tmp-", 5) != 0))
            continue; /* another file's temporary */
        struct stat st;
        if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
            (now - st.st_mtime >= age_sec || temp_writer_dead(e->d_name)))
            unlinkat(dirfd, e->d_name, 0);
    }
    closedir(d);
}
