/*
 * tests/reliability/faultshim.c - an LD_PRELOAD library that makes the Nth
 * call of one I/O function fail with a chosen errno (issue 5 point 2b).
 *
 * Function classes (each counts its own calls):
 *   write      write
 *   pwrite     pwrite, pwrite64
 *   fsync      fsync
 *   fdatasync  fdatasync
 *   rename     rename, renameat, renameat2
 *   openat     open, open64, openat, openat64, and openat2 made through
 *              syscall(SYS_openat2, ...) (the store's one-call directory
 *              opens; on failure the store falls back to openat)
 *   close      close
 *
 * Control:
 *   - environment, read once at load: DCCD_FAULT=CLASS:N:ERRNO (ERRNO a
 *     number or one of ENOSPC EIO EMFILE EACCES EDQUOT EROFS EXDEV), e.g.
 *     DCCD_FAULT=fsync:2:EIO fails the second fsync of the process;
 *   - from a test program in the same process (found with dlsym, so the
 *     program also runs without the shim and then skips):
 *       void dccd_faultshim_arm(const char *cls, long n, int err);
 *           reset every counter; cls NULL disarms; n 0 only counts;
 *       long dccd_faultshim_count(const char *cls);   calls since arm
 *       long dccd_faultshim_injected(void);           faults injected since arm
 * Only the Nth call fails (once); every other call goes to the real function.
 *
 * The counters are process-wide atomics: an LD_PRELOAD shim has no other
 * place to keep its state (this is test tooling, not library code).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

enum { C_WRITE, C_PWRITE, C_FSYNC, C_FDATASYNC, C_RENAME, C_OPENAT, C_CLOSE, C_N };
static const char *const class_names[C_N] = {"write", "pwrite", "fsync", "fdatasync", "rename", "openat", "close"};

static _Atomic long counts[C_N];
static _Atomic int armed_class = -1;
static _Atomic long fail_at;
static _Atomic int fail_errno;
static _Atomic long injected;

void dccd_faultshim_arm(const char *cls, long n, int err);
long dccd_faultshim_count(const char *cls);
long dccd_faultshim_injected(void);

static int class_of(const char *name)
{
    for (int i = 0; name && i < C_N; i++)
        if (!strcmp(name, class_names[i]))
            return i;
    return -1;
}

void dccd_faultshim_arm(const char *cls, long n, int err)
{
    atomic_store(&armed_class, -1);
    for (int i = 0; i < C_N; i++)
        atomic_store(&counts[i], 0);
    atomic_store(&injected, 0);
    atomic_store(&fail_at, n);
    atomic_store(&fail_errno, err);
    atomic_store(&armed_class, class_of(cls));
}

long dccd_faultshim_count(const char *cls)
{
    int c = class_of(cls);
    return c < 0 ? -1 : atomic_load(&counts[c]);
}

long dccd_faultshim_injected(void)
{
    return atomic_load(&injected);
}

/* Count a call of class c; true when this call must fail (errno set). */
static int should_fail(int c)
{
    long k = atomic_fetch_add(&counts[c], 1) + 1;
    if (atomic_load(&armed_class) != c)
        return 0;
    long n = atomic_load(&fail_at);
    if (n <= 0 || k != n)
        return 0;
    atomic_fetch_add(&injected, 1);
    errno = atomic_load(&fail_errno);
    return 1;
}

static int parse_errno(const char *s)
{
    static const struct {
        const char *n;
        int v;
    } t[] = {{"ENOSPC", ENOSPC}, {"EIO", EIO},     {"EMFILE", EMFILE}, {"EACCES", EACCES},
             {"EDQUOT", EDQUOT}, {"EROFS", EROFS}, {"EXDEV", EXDEV}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(s, t[i].n))
            return t[i].v;
    return atoi(s);
}

__attribute__((constructor)) static void faultshim_init(void)
{
    const char *spec = getenv("DCCD_FAULT");
    if (!spec || !*spec)
        return;
    char buf[64];
    snprintf(buf, sizeof buf, "%s", spec);
    char *a = strchr(buf, ':');
    char *b = a ? strchr(a + 1, ':') : NULL;
    if (!a || !b)
        return;
    *a = *b = '\0';
    dccd_faultshim_arm(buf, atol(a + 1), parse_errno(b + 1));
}

#define REAL(name, type)                                                                                               \
    static type real_##name;                                                                                           \
    if (!real_##name)                                                                                                  \
        real_##name = (type)dlsym(RTLD_NEXT, #name);

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef int (*fd_fn)(int);
typedef int (*rename_fn)(const char *, const char *);
typedef int (*renameat_fn)(int, const char *, int, const char *);
typedef int (*renameat2_fn)(int, const char *, int, const char *, unsigned);
typedef int (*open_fn)(const char *, int, ...);
typedef int (*openat_fn)(int, const char *, int, ...);

ssize_t write(int fd, const void *buf, size_t n)
{
    REAL(write, write_fn)
    if (should_fail(C_WRITE))
        return -1;
    return real_write(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    REAL(pwrite, pwrite_fn)
    if (should_fail(C_PWRITE))
        return -1;
    return real_pwrite(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    REAL(pwrite64, pwrite_fn)
    if (should_fail(C_PWRITE))
        return -1;
    return real_pwrite64(fd, buf, n, off);
}

int fsync(int fd)
{
    REAL(fsync, fd_fn)
    if (should_fail(C_FSYNC))
        return -1;
    return real_fsync(fd);
}

int fdatasync(int fd)
{
    REAL(fdatasync, fd_fn)
    if (should_fail(C_FDATASYNC))
        return -1;
    return real_fdatasync(fd);
}

int close(int fd)
{
    REAL(close, fd_fn)
    if (should_fail(C_CLOSE)) {
        /* as Linux does: the descriptor is released even when close fails */
        int e = errno;
        real_close(fd);
        errno = e;
        return -1;
    }
    return real_close(fd);
}

int rename(const char *a, const char *b)
{
    REAL(rename, rename_fn)
    if (should_fail(C_RENAME))
        return -1;
    return real_rename(a, b);
}

int renameat(int da, const char *a, int db, const char *b)
{
    REAL(renameat, renameat_fn)
    if (should_fail(C_RENAME))
        return -1;
    return real_renameat(da, a, db, b);
}

int renameat2(int da, const char *a, int db, const char *b, unsigned fl)
{
    REAL(renameat2, renameat2_fn)
    if (should_fail(C_RENAME))
        return -1;
    return real_renameat2(da, a, db, b, fl);
}

static mode_t mode_arg(int flags, va_list ap)
{
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

int open(const char *p, int flags, ...)
{
    REAL(open, open_fn)
    va_list ap;
    va_start(ap, flags);
    mode_t m = mode_arg(flags, ap);
    va_end(ap);
    if (should_fail(C_OPENAT))
        return -1;
    return real_open(p, flags, m);
}

int open64(const char *p, int flags, ...)
{
    REAL(open64, open_fn)
    va_list ap;
    va_start(ap, flags);
    mode_t m = mode_arg(flags, ap);
    va_end(ap);
    if (should_fail(C_OPENAT))
        return -1;
    return real_open64(p, flags, m);
}

int openat(int d, const char *p, int flags, ...)
{
    REAL(openat, openat_fn)
    va_list ap;
    va_start(ap, flags);
    mode_t m = mode_arg(flags, ap);
    va_end(ap);
    if (should_fail(C_OPENAT))
        return -1;
    return real_openat(d, p, flags, m);
}

int openat64(int d, const char *p, int flags, ...)
{
    REAL(openat64, openat_fn)
    va_list ap;
    va_start(ap, flags);
    mode_t m = mode_arg(flags, ap);
    va_end(ap);
    if (should_fail(C_OPENAT))
        return -1;
    return real_openat64(d, p, flags, m);
}

#ifdef SYS_openat2
/* syscall() is variadic and says nothing of how many arguments follow.
 * This forwards five (those passed in registers on x86-64 and the other
 * 64-bit Linux ABIs; a sixth would be read from the caller's stack, which
 * ASan rightly reports): enough for every syscall() the tested programs
 * make (the store's openat2 takes four; libc's own wrappers do not come
 * through here). */
typedef long (*syscall_fn)(long, ...);
long syscall(long number, ...)
{
    REAL(syscall, syscall_fn)
    va_list ap;
    va_start(ap, number);
    long a[5];
    for (int i = 0; i < 5; i++)
        a[i] = va_arg(ap, long);
    va_end(ap);
    if (number == SYS_openat2 && should_fail(C_OPENAT))
        return -1;
    return real_syscall(number, a[0], a[1], a[2], a[3], a[4]);
}
#endif
