/*
 * src/common/mem.c - checked allocation helpers, dccd_buf and dccd_arena.
 *
 * dccd_buf grows geometrically with overflow checks.  dccd_arena hands out
 * zeroed, 16-byte aligned chunks from large blocks and frees them all at
 * once; an optional limit caps the total (a hostile Parquet footer cannot
 * make the parser allocate more than the limit).  dccd_big_alloc gives
 * large result buffers their own mappings, which transparent huge pages can
 * back whole, with dccd_big_free / dccd_big_realloc to match.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common.h"

void *dccd_malloc_array(size_t count, size_t size)
{
    size_t n;
    if (!dccd_mul_ok(count, size, &n))
        return NULL;
    return malloc(n ? n : 1);
}

void *dccd_realloc_array(void *p, size_t count, size_t size)
{
    size_t n;
    if (!dccd_mul_ok(count, size, &n))
        return NULL;
    return realloc(p, n ? n : 1);
}

/* Big buffers are mapped on their own rather than malloc'd: malloc serves
 * them from mmap only below glibc's dynamic threshold, which the first large
 * free() raises (to up to 32 MiB) - from then on they came from the heap,
 * already touched in 4 KiB pages, and a year load ran at 24-25 ms instead of
 * 17 (bench/py_load_probe.py, 2026-12-03).  A mapping is 2 MiB-aligned,
 * rounded up to 2 MiB and hinted MADV_HUGEPAGE; the 4 KiB page before it
 * holds its length for dccd_big_free.
 *
 * Under AddressSanitizer and valgrind they stay malloc'd, so that their leak
 * checks see them (neither tracks mmap). */
#define BIG_HUGE ((size_t)2 << 20)
#define BIG_HEAD ((size_t)4096)
#define BIG_MAGIC UINT64_C(0x6463636462696721) /* "dccdbig!" */

#if defined(__SANITIZE_ADDRESS__)
#define BIG_NO_MAP 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BIG_NO_MAP 1
#endif
#endif
#if !defined(BIG_NO_MAP) && defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define BIG_UNDER_VALGRIND() (RUNNING_ON_VALGRIND != 0)
#endif
#endif
#ifndef BIG_UNDER_VALGRIND
#define BIG_UNDER_VALGRIND() 0
#endif

static void *big_map(size_t n)
{
#if defined(BIG_NO_MAP) || !defined(MAP_ANONYMOUS)
    (void)n;
    return NULL;
#else
    if (BIG_UNDER_VALGRIND())
        return NULL;
    size_t rn = (n + BIG_HUGE - 1) & ~(BIG_HUGE - 1);
    size_t total = rn + BIG_HUGE; /* room to place a 2 MiB boundary after the head page */
    uint8_t *base = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED)
        return NULL;
    uintptr_t b = (uintptr_t)base;
    uint8_t *p = (uint8_t *)((b + BIG_HEAD + BIG_HUGE - 1) & ~(uintptr_t)(BIG_HUGE - 1));
    uint8_t *head = p - BIG_HEAD, *end = p + rn;
    if (head > base)
        (void)munmap(base, (size_t)(head - base));
    if (base + total > end)
        (void)munmap(end, (size_t)(base + total - end));
#if defined(MADV_HUGEPAGE)
    (void)madvise(p, rn, MADV_HUGEPAGE); /* a hint: its failure changes nothing */
#endif
    uint64_t h[2] = {BIG_MAGIC, (uint64_t)(rn + BIG_HEAD)};
    memcpy(head, h, sizeof h);
    return p;
#endif
}

void *dccd_big_alloc(size_t n, bool *mapped)
{
    *mapped = false;
    if (n >= BIG_HUGE && n <= SIZE_MAX / 2) {
        void *p = big_map(n);
        if (p) {
            *mapped = true;
            return p;
        }
    }
    return malloc(n ? n : 1);
}

void dccd_big_free(void *p, bool mapped)
{
    if (!p)
        return;
    if (!mapped) {
        free(p);
        return;
    }
    uint8_t *head = (uint8_t *)p - BIG_HEAD;
    uint64_t h[2];
    memcpy(h, head, sizeof h);
    if (h[0] == BIG_MAGIC) /* anything else is a bug; leaking beats unmapping a stranger */
        (void)munmap(head, (size_t)h[1]);
}

void *dccd_big_realloc(void *p, bool *mapped, size_t old_n, size_t n)
{
    if (!p)
        return dccd_big_alloc(n, mapped);
    if (!*mapped && n < BIG_HUGE)
        return realloc(p, n ? n : 1);
    if (*mapped) {
        uint64_t h[2];
        memcpy(h, (uint8_t *)p - BIG_HEAD, sizeof h);
        if (n <= (size_t)h[1] - BIG_HEAD)
            return p; /* the mapping already has room */
    }
    bool m;
    void *q = dccd_big_alloc(n, &m);
    if (!q)
        return NULL;
    memcpy(q, p, old_n < n ? old_n : n);
    dccd_big_free(p, *mapped);
    *mapped = m;
    return q;
}

char *dccd_strndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *dccd_strdup(const char *s)
{
    return dccd_strndup(s, strlen(s));
}

void *dccd_array_grow(void *arr, size_t *cap, size_t n, size_t elem, size_t initial)
{
    if (n < *cap)
        return arr;
    size_t nc = *cap ? *cap : initial;
    if (*cap && !dccd_mul_ok(nc, 2, &nc))
        return NULL;
    void *p = dccd_realloc_array(arr, nc, elem);
    if (p)
        *cap = nc;
    return p;
}

/* ---- dccd_buf ---- */

void dccd_buf_init(dccd_buf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
}

void dccd_buf_free(dccd_buf *b)
{
    free(b->data);
    dccd_buf_init(b);
}

int dccd_buf_reserve(dccd_buf *b, size_t extra, dccd_error *err)
{
    size_t need;
    if (!dccd_add_ok(b->len, extra, &need))
        return dccd_err_set(err, DCCD_ERANGE, "buffer size overflow");
    if (need <= b->cap)
        return DCCD_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    uint8_t *p = realloc(b->data, cap);
    if (!p)
        return dccd_err_set(err, DCCD_ENOMEM, "out of memory growing a buffer to %zu bytes", cap);
    b->data = p;
    b->cap = cap;
    return DCCD_OK;
}

int dccd_buf_append(dccd_buf *b, const void *p, size_t n, dccd_error *err)
{
    if (n == 0)
        return DCCD_OK;
    int rc = dccd_buf_reserve(b, n, err);
    if (rc)
        return rc;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return DCCD_OK;
}

int dccd_buf_append_byte(dccd_buf *b, uint8_t v, dccd_error *err)
{
    if (b->len < b->cap) {
        b->data[b->len++] = v;
        return DCCD_OK;
    }
    return dccd_buf_append(b, &v, 1, err);
}

int dccd_buf_append_u32le(dccd_buf *b, uint32_t v, dccd_error *err)
{
    uint8_t t[4];
    dccd_store_u32le(t, v);
    return dccd_buf_append(b, t, 4, err);
}

int dccd_buf_extend(dccd_buf *b, size_t n, uint8_t **out, dccd_error *err)
{
    if (n == 0) { /* no pointer arithmetic on a NULL buffer */
        *out = b->data ? b->data + b->len : NULL;
        return DCCD_OK;
    }
    int rc = dccd_buf_reserve(b, n, err);
    if (rc)
        return rc;
    if (n)
        memset(b->data + b->len, 0, n);
    *out = b->data + b->len;
    b->len += n;
    return DCCD_OK;
}

uint8_t *dccd_buf_detach(dccd_buf *b, size_t *len)
{
    uint8_t *p = b->data;
    if (len)
        *len = b->len;
    dccd_buf_init(b);
    return p;
}

/* ---- dccd_arena ---- */

struct dccd_arena_block {
    dccd_arena_block *next;
    size_t cap;
    size_t used;
    /* data follows, 16-byte aligned */
};

#define ARENA_HDR ((sizeof(dccd_arena_block) + 15u) & ~(size_t)15u)
#define ARENA_BLOCK (64u * 1024u)

void dccd_arena_init(dccd_arena *a, size_t limit)
{
    a->head = NULL;
    a->used_total = 0;
    a->limit = limit;
}

void dccd_arena_free(dccd_arena *a)
{
    dccd_arena_block *b = a->head;
    while (b) {
        dccd_arena_block *n = b->next;
        free(b);
        b = n;
    }
    a->head = NULL;
    a->used_total = 0;
}

void *dccd_arena_alloc(dccd_arena *a, size_t n)
{
    size_t rounded;
    if (!dccd_add_ok(n, 15u, &rounded))
        return NULL;
    rounded &= ~(size_t)15u;
    if (rounded == 0)
        rounded = 16;
    size_t total;
    if (!dccd_add_ok(a->used_total, rounded, &total))
        return NULL;
    if (a->limit && total > a->limit)
        return NULL;
    dccd_arena_block *b = a->head;
    if (!b || b->cap - b->used < rounded) {
        size_t cap = rounded > ARENA_BLOCK ? rounded : ARENA_BLOCK;
        size_t sz;
        if (!dccd_add_ok(cap, ARENA_HDR, &sz))
            return NULL;
        b = malloc(sz);
        if (!b)
            return NULL;
        b->cap = cap;
        b->used = 0;
        if (a->head && rounded > ARENA_BLOCK) {
            /* big one-off block: keep the current head for small allocations */
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    uint8_t *p = (uint8_t *)b + ARENA_HDR + b->used;
    b->used += rounded;
    a->used_total = total;
    memset(p, 0, rounded);
    return p;
}

void *dccd_arena_array(dccd_arena *a, size_t count, size_t size)
{
    size_t n;
    if (!dccd_mul_ok(count, size, &n))
        return NULL;
    return dccd_arena_alloc(a, n);
}

void *dccd_arena_memdup(dccd_arena *a, const void *p, size_t n)
{
    void *d = dccd_arena_alloc(a, n);
    if (d && n)
        memcpy(d, p, n);
    return d;
}

char *dccd_arena_strndup(dccd_arena *a, const char *s, size_t n)
{
    size_t n1;
    if (!dccd_add_ok(n, 1, &n1))
        return NULL;
    char *d = dccd_arena_alloc(a, n1);
    if (d && n)
        memcpy(d, s, n);
    return d;
}
