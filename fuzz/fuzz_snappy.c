/*
 * fuzz/fuzz_snappy.c - dccd's snappy block decoder (src/parquet/snappy.c)
 * against libsnappy, the reference.
 *
 * The first input byte picks the mode:
 *   - even: the rest is a snappy stream.  Both decoders get it with the
 *     length its header states (streams stating more than 1 MiB are
 *     skipped): they must agree on accept/refuse and, when both accept,
 *     on every byte.  dccd's decoder is also run with a dst_len one byte
 *     off, which it must refuse;
 *   - odd: the rest is data.  libsnappy compresses it; dccd's decoder
 *     must give the data back, and refuse every truncation of the stream
 *     at a point the fuzzer picks.
 * ASan sees any read or write out of bounds (the buffers are exact).
 */
#include <snappy-c.h>

#include "fuzz_util.h"
#include "parquet/codec.h"

#define MAX_OUT (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int mode = data[0] & 1;
    const uint8_t *in = data + 1;
    size_t n = size - 1;
    dccd_error err;
    if (mode == 0) {
        size_t ulen;
        if (snappy_uncompressed_length((const char *)in, n, &ulen) != SNAPPY_OK) {
            /* a bad header: dccd refuses it too, whatever length it is told */
            uint8_t one;
            FUZZ_CHECK(pq_snappy_uncompress(in, n, &one, 1, &err) != DCCD_OK);
            FUZZ_CHECK(pq_snappy_uncompress(in, n, NULL, 0, &err) != DCCD_OK);
            return 0;
        }
        if (ulen > MAX_OUT)
            return 0;
        char *ref = malloc(ulen ? ulen : 1);
        uint8_t *got = malloc(ulen ? ulen : 1);
        FUZZ_CHECK(ref && got);
        size_t rlen = ulen;
        int ok_ref = snappy_uncompress((const char *)in, n, ref, &rlen) == SNAPPY_OK && rlen == ulen;
        int rc = pq_snappy_uncompress(in, n, got, ulen, &err);
        FUZZ_ERR_OK(rc, err);
        FUZZ_CHECK(ok_ref == (rc == DCCD_OK));
        if (ok_ref)
            FUZZ_CHECK(ulen == 0 || memcmp(ref, got, ulen) == 0);
        free(ref);
        free(got);
        /* told the wrong size: refused */
        uint8_t *big = malloc(ulen + 1);
        FUZZ_CHECK(big);
        FUZZ_CHECK(pq_snappy_uncompress(in, n, big, ulen + 1, &err) != DCCD_OK);
        if (ulen)
            FUZZ_CHECK(pq_snappy_uncompress(in, n, big, ulen - 1, &err) != DCCD_OK);
        free(big);
        return 0;
    }
    size_t cap = snappy_max_compressed_length(n);
    char *c = malloc(cap);
    uint8_t *out = malloc(n ? n : 1);
    FUZZ_CHECK(c && out);
    size_t clen = cap;
    FUZZ_CHECK(snappy_compress((const char *)in, n, c, &clen) == SNAPPY_OK);
    FUZZ_CHECK(pq_snappy_uncompress((const uint8_t *)c, clen, out, n, &err) == DCCD_OK);
    FUZZ_CHECK(n == 0 || memcmp(out, in, n) == 0);
    if (clen > 1) {
        size_t cut = n ? (size_t)in[0] * (clen - 1) / 255 : 0; /* 0 .. clen-1 */
        char *t = malloc(cut ? cut : 1);
        FUZZ_CHECK(t);
        memcpy(t, c, cut);
        FUZZ_CHECK(pq_snappy_uncompress((const uint8_t *)t, cut, out, n, &err) != DCCD_OK);
        free(t);
    }
    free(c);
    free(out);
    return 0;
}
