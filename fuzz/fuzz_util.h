/*
 * fuzz/fuzz_util.h - helpers shared by the libFuzzer targets in fuzz/:
 * a byte cursor over the fuzzer's input (take integers and slices from
 * the front, never past the end), the libFuzzer entry-point prototype,
 * and FUZZ_CHECK, which aborts (a crash libFuzzer records, with the input
 * saved) when an invariant of the code under test does not hold.
 *
 * Only the fuzz targets include this file; nothing here is library code.
 */
#ifndef DCCD_FUZZ_UTIL_H
#define DCCD_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dccd/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant violated: print where and crash, so the input is kept. */
#define FUZZ_CHECK(cond)                                                                                  \
    do {                                                                                                  \
        if (!(cond)) {                                                                                    \
            fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s\n", __FILE__, __LINE__, #cond);               \
            abort();                                                                                      \
        }                                                                                                 \
    } while (0)

/* Every failing call must say why: a non-OK code comes with a message. */
#define FUZZ_ERR_OK(rc, err)                                                                              \
    do {                                                                                                  \
        if ((rc) != DCCD_OK && (err).msg[0] == '\0') {                                                    \
            fprintf(stderr, "FUZZ: %s:%d: error code %d without a message\n", __FILE__, __LINE__, (rc));  \
            abort();                                                                                      \
        }                                                                                                 \
    } while (0)

typedef struct fuzz_in {
    const uint8_t *p;
    size_t n;
} fuzz_in;

static inline uint8_t fuzz_u8(fuzz_in *in)
{
    if (!in->n)
        return 0;
    uint8_t v = in->p[0];
    in->p++;
    in->n--;
    return v;
}

static inline uint32_t fuzz_u32(fuzz_in *in)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v |= (uint32_t)fuzz_u8(in) << (8 * i);
    return v;
}

static inline uint64_t fuzz_u64(fuzz_in *in)
{
    uint64_t lo = fuzz_u32(in);
    return lo | ((uint64_t)fuzz_u32(in) << 32);
}

/* The rest of the input as a malloc'ed copy (exactly its size, so ASan
 * catches a read one byte past it); NULL-safe for size 0 (returns a
 * 1-byte allocation). */
static inline uint8_t *fuzz_rest_copy(fuzz_in *in, size_t *len)
{
    uint8_t *b = malloc(in->n ? in->n : 1);
    if (!b)
        abort();
    if (in->n)
        memcpy(b, in->p, in->n);
    *len = in->n;
    in->p += in->n;
    in->n = 0;
    return b;
}

/* The rest of the input as a NUL-terminated string (embedded NULs cut it). */
static inline char *fuzz_rest_str(fuzz_in *in)
{
    char *s = malloc(in->n + 1);
    if (!s)
        abort();
    if (in->n)
        memcpy(s, in->p, in->n);
    s[in->n] = '\0';
    in->p += in->n;
    in->n = 0;
    return s;
}

#endif /* DCCD_FUZZ_UTIL_H */
