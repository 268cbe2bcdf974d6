/*
 * src/common/common.h - internal helpers shared by every layer of dccd.
 *
 * This file owns:
 *   - setting and prefixing dccd_error records (dccd_err_set, dccd_err_prefix,
 *     dccd_err_errno);
 *   - checked arithmetic on sizes (dccd_add_ok, dccd_mul_ok);
 *   - dccd_buf, a growable byte buffer with checked growth;
 *   - dccd_arena, a bump allocator whose whole content is freed at once
 *     (used for parsed metadata, so a hostile footer can never leak and is
 *     capped in total size);
 *   - small I/O helpers that retry on EINTR and report errno text
 *     (dccd_write_all, dccd_pread_all, dccd_fsync_dir).
 *
 * Nothing here is public API; nothing here keeps global mutable state.
 */
#ifndef DCCD_COMMON_H
#define DCCD_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "dccd/error.h"

#if defined(__GNUC__) || defined(__clang__)
#define DCCD_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define DCCD_UNUSED __attribute__((unused))
#define DCCD_LIKELY(x) __builtin_expect(!!(x), 1)
#define DCCD_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define DCCD_PRINTF(a, b)
#define DCCD_UNUSED
#define DCCD_LIKELY(x) (x)
#define DCCD_UNLIKELY(x) (x)
#endif

/* ---- errors ---------------------------------------------------------- */

/* Fill *err (may be NULL) with code and a formatted message; returns code. */
int dccd_err_set(dccd_error *err, int code, const char *fmt, ...) DCCD_PRINTF(3, 4);
int dccd_err_setv(dccd_error *err, int code, const char *fmt, va_list ap) DCCD_PRINTF(3, 0);

/* Prepend context to an existing message: "ctx: old message".  Returns
 * err->code (or `code` if err is NULL).  Use when propagating an error up a
 * layer that knows more (file name, column name). */
int dccd_err_prefix(dccd_error *err, int code, const char *fmt, ...) DCCD_PRINTF(3, 4);

/* Set an error from errno: "<what>: <strerror(errnum)>"; ENOSPC/EDQUOT map
 * to DCCD_ENOSPC, ENOMEM to DCCD_ENOMEM, ENOENT to DCCD_ENOTFOUND,
 * everything else to DCCD_EIO. Returns the code. */
int dccd_err_errno(dccd_error *err, int errnum, const char *fmt, ...) DCCD_PRINTF(3, 4);

#define DCCD_ENOMEM_MSG(err) dccd_err_set((err), DCCD_ENOMEM, "out of memory at %s:%d", __FILE__, __LINE__)

/* ---- checked arithmetic ---------------------------------------------- */

static inline bool dccd_add_ok(size_t a, size_t b, size_t *out)
{
    return !__builtin_add_overflow(a, b, out);
}
static inline bool dccd_mul_ok(size_t a, size_t b, size_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}

/* malloc/calloc/realloc wrappers that check count*size for overflow and
 * return NULL on overflow or failure (the caller reports DCCD_ENOMEM). */
void *dccd_malloc_array(size_t count, size_t size);
void *dccd_realloc_array(void *p, size_t count, size_t size);
/* A result buffer of at least n bytes (a decoded column's values or
 * offsets).  From 2 MiB on it is a mapping of its own, 2 MiB-aligned and
 * hinted MADV_HUGEPAGE, so transparent huge pages back all of it and its
 * speed does not depend on what malloc's heap went through before; smaller
 * ones (and all of them under ASan and valgrind) are malloc'd.  *mapped
 * tells which: free with dccd_big_free(p, *mapped), never free().  NULL
 * when out of memory. */
void *dccd_big_alloc(size_t n, bool *mapped);
void dccd_big_free(void *p, bool mapped);
/* Grow or shrink a dccd_big_alloc buffer holding old_n bytes to n bytes,
 * updating *mapped; NULL on failure, p then unchanged. */
void *dccd_big_realloc(void *p, bool *mapped, size_t old_n, size_t n);
char *dccd_strdup(const char *s);
/* Room for one more element in a growable array holding n of cap elements:
 * when n == cap, realloc to twice the capacity (`initial` the first time)
 * and update *cap.  Returns the (possibly moved) array, or NULL on overflow
 * or out of memory, leaving arr and *cap as they were. */
void *dccd_array_grow(void *arr, size_t *cap, size_t n, size_t elem, size_t initial);
char *dccd_strndup(const char *s, size_t n);

/* ---- growable buffer ------------------------------------------------- */

typedef struct dccd_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
} dccd_buf;

#define DCCD_BUF_INIT {NULL, 0, 0}

void dccd_buf_init(dccd_buf *b);
void dccd_buf_free(dccd_buf *b);
static inline void dccd_buf_reset(dccd_buf *b) { b->len = 0; }
/* Ensure room for `extra` more bytes. Returns DCCD_OK or DCCD_ENOMEM/ERANGE. */
int dccd_buf_reserve(dccd_buf *b, size_t extra, dccd_error *err);
int dccd_buf_append(dccd_buf *b, const void *p, size_t n, dccd_error *err);
int dccd_buf_append_byte(dccd_buf *b, uint8_t v, dccd_error *err);
int dccd_buf_append_u32le(dccd_buf *b, uint32_t v, dccd_error *err);
/* Append n zero bytes and return a pointer to them in *out (valid until the
 * next growth). */
int dccd_buf_extend(dccd_buf *b, size_t n, uint8_t **out, dccd_error *err);
/* Detach the data (caller frees); leaves b empty. */
uint8_t *dccd_buf_detach(dccd_buf *b, size_t *len);

/* ---- arena ------------------------------------------------------------ */

typedef struct dccd_arena_block dccd_arena_block;
typedef struct dccd_arena {
    dccd_arena_block *head;
    size_t used_total;  /* bytes handed out */
    size_t limit;       /* 0 = unlimited; otherwise allocation beyond fails */
} dccd_arena;

void dccd_arena_init(dccd_arena *a, size_t limit);
void dccd_arena_free(dccd_arena *a);
/* Zeroed, 16-byte aligned memory; NULL when out of memory or over limit. */
void *dccd_arena_alloc(dccd_arena *a, size_t n);
void *dccd_arena_array(dccd_arena *a, size_t count, size_t size);
void *dccd_arena_memdup(dccd_arena *a, const void *p, size_t n);
char *dccd_arena_strndup(dccd_arena *a, const char *s, size_t n);

/* ---- little-endian loads/stores -------------------------------------- */

static inline uint32_t dccd_load_u32le(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t dccd_load_u64le(const uint8_t *p)
{
    return (uint64_t)dccd_load_u32le(p) | ((uint64_t)dccd_load_u32le(p + 4) << 32);
}
static inline void dccd_store_u32le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline void dccd_store_u64le(uint8_t *p, uint64_t v)
{
    dccd_store_u32le(p, (uint32_t)v);
    dccd_store_u32le(p + 4, (uint32_t)(v >> 32));
}

/* ---- I/O --------------------------------------------------------------- */

/* write(2) until done, retrying EINTR and short writes. `what` names the
 * file in the error message. */
int dccd_write_all(int fd, const void *p, size_t n, const char *what, dccd_error *err);
/* pread(2) exactly n bytes at off; a short read is DCCD_ECORRUPT ("truncated"). */
int dccd_pread_all(int fd, void *p, size_t n, uint64_t off, const char *what, dccd_error *err);
/* fsync(2) with EINTR retry. */
int dccd_fsync(int fd, const char *what, dccd_error *err);
/* open the directory and fsync it (makes a rename/create durable). */
int dccd_fsync_dir(const char *dir, dccd_error *err);

#endif /* DCCD_COMMON_H */
