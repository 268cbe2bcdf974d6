/*
 * fuzz/fuzz_fastfloat.c - the number parser of the importer
 * (src/common/fastfloat.h) against glibc's strtod.
 *
 * The input is the text, exactly (not NUL-terminated: ASan sees a read
 * past it).  Invariants:
 *   - the accept/refuse decision matches an independent matcher of the
 *     grammar [+-](digits[.digits*]|.digits)[(e|E)[+-]digits];
 *   - accepted: strtod (C locale, on a NUL-terminated copy) consumes the
 *     whole text, and either both overflow (DCCD_FF_RANGE, |strtod| > 1
 *     with ERANGE) or the doubles are bit-identical;
 *   - *out is untouched unless DCCD_FF_OK.
 */
#include <errno.h>
#include <stdbool.h>

#include "common/fastfloat.h"
#include "fuzz_util.h"

static bool digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

static bool grammar(const uint8_t *s, size_t n)
{
    size_t i = 0, a = 0, b = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    while (i < n && digit(s[i]))
        i++, a++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && digit(s[i]))
            i++, b++;
    }
    if (a + b == 0)
        return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t d = 0;
        while (i < n && digit(s[i]))
            i++, d++;
        if (d == 0)
            return false;
    }
    return i == n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    double got = -77.25;
    dccd_ff_path path = DCCD_FF_PATH_EXACT;
    dccd_ff_status rc = dccd_ff_parse((const char *)data, size, &got, &path);
    bool ok = grammar(data, size);
    FUZZ_CHECK(rc != DCCD_FF_NOMEM || size > 100000);
    if (!ok) {
        FUZZ_CHECK(rc == DCCD_FF_SYNTAX);
        FUZZ_CHECK(got == -77.25);
        return 0;
    }
    FUZZ_CHECK(rc == DCCD_FF_OK || rc == DCCD_FF_RANGE);
    char *z = malloc(size + 1);
    if (!z)
        return 0;
    memcpy(z, data, size);
    z[size] = 0;
    char *end = NULL;
    errno = 0;
    double ref = strtod(z, &end);
    bool overflow = errno == ERANGE && (ref > 1.0 || ref < -1.0);
    FUZZ_CHECK(end == z + size);
    if (overflow) {
        FUZZ_CHECK(rc == DCCD_FF_RANGE);
        FUZZ_CHECK(got == -77.25);
    } else {
        uint64_t a, b;
        FUZZ_CHECK(rc == DCCD_FF_OK);
        memcpy(&a, &got, 8);
        memcpy(&b, &ref, 8);
        if (a != b)
            fprintf(stderr, "fuzz_fastfloat: \"%.200s\": got %a, strtod %a (path %d)\n", z, got, ref, (int)path);
        FUZZ_CHECK(a == b);
    }
    free(z);
    return 0;
}
