/*
 * tests/unit/test_fuzz_regress.c - every input the fuzzers (fuzz/) found a
 * bug with, kept in tests/data/fuzz-regress/, run through the library
 * with the result that the fix established asserted (an error with a
 * message, or success with the right content), under plain CTest and
 * under ASan/UBSan.
 *
 * File names start with the fuzz target that found them (reader-, canon-,
 * footer-, pages-, domain-, textin-).  Each file must have an entry in
 * CASES below, so a new crash input cannot be added without saying what
 * the library must do with it; tests/fuzz.cmake additionally replays every
 * file through its fuzz target's own harness and invariants.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/common.h"
#include "dccd/parquet.h"
#include "parquet/encoding.h"
#include "store/store_int.h"

typedef struct input {
    uint8_t *p;
    size_t n;
} input;

static const char *regress_dir(void)
{
    static char dir[4096];
    const char *src = getenv("DCCD_SOURCE_DIR");
    snprintf(dir, sizeof dir, "%s/tests/data/fuzz-regress", src ? src : ".");
    return dir;
}

static input load(const char *name)
{
    char path[4352];
    snprintf(path, sizeof path, "%s/%s", regress_dir(), name);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        fail_msg("cannot open %s (is DCCD_SOURCE_DIR set?)", path);
    dccd_buf b = DCCD_BUF_INIT;
    uint8_t tmp[65536];
    size_t got;
    while ((got = fread(tmp, 1, sizeof tmp, fp)) > 0)
        assert_int_equal(dccd_buf_append(&b, tmp, got, NULL), DCCD_OK);
    fclose(fp);
    input in;
    in.p = dccd_buf_detach(&b, &in.n);
    return in;
}

/* ---- the cases ----------------------------------------------------------- */

/* fuzz_pages, round-trip mode of BYTE_STREAM_SPLIT with no values: the
 * encoder appends nothing (the buffer stays NULL) and the decoder did
 * pointer arithmetic on that NULL source (UBSan).  Zero values decode to
 * nothing, for any source; a width of 0 or a size mismatch is still an
 * error. */
static void case_bss_empty(const input *in)
{
    assert_true(in->n >= 3 && in->p[0] % 11 == 9);  /* mode 9: round trip */
    dccd_error e = {0};
    uint8_t out[16];
    for (size_t w = 1; w <= 16; w++)
        assert_int_equal(pq_bss_decode(NULL, 0, w, 0, out, &e), DCCD_OK);
    assert_int_equal(pq_bss_decode(NULL, 0, 0, 0, out, &e), DCCD_EINVAL);
    assert_true(e.msg[0] != '\0');
    e = (dccd_error){0};
    assert_int_equal(pq_bss_decode(in->p, in->n, 4, 0, out, &e), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "BYTE_STREAM_SPLIT"));
    dccd_buf b = DCCD_BUF_INIT;
    assert_int_equal(pq_bss_encode(&b, in->p, 12, 0, &e), DCCD_OK);
    assert_int_equal(b.len, 0);
    assert_int_equal(pq_bss_decode(b.data, b.len, 12, 0, out, &e), DCCD_OK);
    dccd_buf_free(&b);
}

/* fuzz_canon: a file whose last row group's TS statistics say min > max.
 * The store took them as a range, so a TS filter could skip the row group
 * although its rows match.  Contradictory statistics now count as unknown:
 * no range, and the row group is read. */
static void case_ts_min_gt_max(const input *in)
{
    dccd_error e = {0};
    dccd_pq_file *f = NULL;
    assert_int_equal(dccd_pq_open_mem(in->p, in->n, "canon-ts-stats-min-gt-max", &f, &e), DCCD_OK);
    assert_int_equal(dccd_pq_num_row_groups(f), 3);
    int64_t mn = 0, mx = 0;
    assert_true(dccd_pq_stat_min_i64(f, 2, 0, &mn) && dccd_pq_stat_max_i64(f, 2, 0, &mx));
    assert_true(mn > mx);  /* the hostile part */
    dccd_canon_map m;
    assert_int_equal(dccd_canon_map_file(f, DCCD_TRADES, &m, &e), DCCD_OK);
    int64_t lo, hi;
    for (int rg = 0; rg < 2; rg++) {
        assert_true(dccd_canon_rg_ts_range(f, &m, rg, &lo, &hi));
        assert_true(lo <= hi);
    }
    assert_false(dccd_canon_rg_ts_range(f, &m, 2, &lo, &hi));
    /* a window after row groups 0 and 1, starting at row group 2's min:
     * only row group 2 may hold matching rows, so it must be read (it was
     * skipped, giving 0 rows); its pages are corrupt in this input, so
     * reading it is an error naming it */
    dccd_table t;
    memset(&t, 0, sizeof t);
    int rc = dccd_canon_read_rgs(f, &m, 0, 3, true, mn, INT64_MAX, &t, &e);
    assert_int_equal(rc, DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "row group 2"));
    /* a window before everything skips row groups 0 and 1 by statistics */
    e = (dccd_error){0};
    dccd_table_free(&t);
    memset(&t, 0, sizeof t);
    assert_int_equal(dccd_canon_read_rgs(f, &m, 0, 2, true, 0, 1, &t, &e), DCCD_OK);
    assert_int_equal(t.nrows, 0);
    dccd_table_free(&t);
    dccd_pq_close(f);
}

static const struct {
    const char *name;
    void (*check)(const input *in);
} CASES[] = {
    {"pages-bss-empty-null.bin", case_bss_empty},
    {"canon-ts-stats-min-gt-max.parquet", case_ts_min_gt_max},
};

static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        input in = load(CASES[i].name);
        CASES[i].check(&in);
        free(in.p);
    }
}

/* Every file in the directory has a case. */
static void test_every_file_has_a_case(void **state)
{
    (void)state;
    DIR *d = opendir(regress_dir());
    if (!d)
        fail_msg("cannot open %s", regress_dir());
    struct dirent *ent;
    size_t files = 0;
    while ((ent = readdir(d)) != NULL) {
        if (ent->d_name[0] == '.')
            continue;
        files++;
        bool found = false;
        for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++)
            found |= strcmp(CASES[i].name, ent->d_name) == 0;
        if (!found)
            fail_msg("tests/data/fuzz-regress/%s has no case in test_fuzz_regress.c", ent->d_name);
    }
    closedir(d);
    assert_int_equal(files, sizeof CASES / sizeof CASES[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_every_file_has_a_case),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
