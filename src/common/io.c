/*
 * src/common/io.c - small POSIX I/O helpers: full writes and reads with
 * EINTR retry, fsync of files and directories, errors naming the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "common.h"

int dccd_write_all(int fd, const void *p, size_t n, const char *what, dccd_error *err)
{
    const uint8_t *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n > (1u << 30) ? (1u << 30) : n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return dccd_err_errno(err, errno, "write %s", what);
        }
        if (w == 0)
            return dccd_err_set(err, DCCD_EIO, "write %s: wrote 0 bytes", what);
        c += w;
        n -= (size_t)w;
    }
    return DCCD_OK;
}

int dccd_pread_all(int fd, void *p, size_t n, uint64_t off, const char *what, dccd_error *err)
{
    uint8_t *c = p;
    while (n > 0) {
        if (off > (uint64_t)INT64_MAX)
            return dccd_err_set(err, DCCD_ECORRUPT, "%s: offset %llu out of range", what,
                                (unsigned long long)off);
        ssize_t r = pread(fd, c, n > (1u << 30) ? (1u << 30) : n, (off_t)off);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return dccd_err_errno(err, errno, "read %s", what);
        }
        if (r == 0)
            return dccd_err_set(err, DCCD_ECORRUPT, "%s: truncated (needed %zu more bytes at offset %llu)",
                                what, n, (unsigned long long)off);
        c += r;
        n -= (size_t)r;
        off += (uint64_t)r;
    }
    return DCCD_OK;
}

int dccd_fsync(int fd, const char *what, dccd_error *err)
{
    for (;;) {
        if (fsync(fd) == 0)
            return DCCD_OK;
        if (errno != EINTR)
            return dccd_err_errno(err, errno, "fsync %s", what);
    }
}

int dccd_fsync_dir(const char *dir, dccd_error *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return dccd_err_errno(err, errno, "open directory %s", dir);
    int rc = dccd_fsync(fd, dir, err);
    close(fd);
    return rc;
}
