/*
 * tests/unit/test_common.c - error records, checked buffers and the arena.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>

#include "common/common.h"

static void test_err_set_and_prefix(void **state)
{
    (void)state;
    dccd_error e;
    dccd_error_clear(&e);
    assert_int_equal(e.code, DCCD_OK);
    assert_int_equal(dccd_err_set(&e, DCCD_ECORRUPT, "page %d bad", 3), DCCD_ECORRUPT);
    assert_string_equal(e.msg, "page 3 bad");
    dccd_err_prefix(&e, DCCD_EIO, "file %s", "x.parquet");
    assert_int_equal(e.code, DCCD_ECORRUPT); /* original code kept */
    assert_string_equal(e.msg, "file x.parquet: page 3 bad");
    assert_int_equal(dccd_err_set(NULL, DCCD_EINVAL, "ignored"), DCCD_EINVAL);
    assert_string_equal(dccd_code_name(DCCD_ENOSPC), "ENOSPC");
    assert_string_equal(dccd_code_name(12345), "EUNKNOWN");
}

static void test_err_truncates(void **state)
{
    (void)state;
    dccd_error e;
    char big[4000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    dccd_err_set(&e, DCCD_EINVAL, "%s", big);
    assert_int_equal(strlen(e.msg), DCCD_ERROR_MSG_MAX - 1);
    assert_string_equal(e.msg + DCCD_ERROR_MSG_MAX - 4, "...");
    dccd_err_prefix(&e, DCCD_EINVAL, "%s", big);
    assert_int_equal(strlen(e.msg), DCCD_ERROR_MSG_MAX - 1);
}

static void test_err_errno(void **state)
{
    (void)state;
    dccd_error e;
    assert_int_equal(dccd_err_errno(&e, ENOSPC, "write %s", "f"), DCCD_ENOSPC);
    assert_non_null(strstr(e.msg, "write f: "));
    assert_int_equal(dccd_err_errno(&e, ENOENT, "open"), DCCD_ENOTFOUND);
    assert_int_equal(dccd_err_errno(&e, EACCES, "open"), DCCD_EIO);
}

static void test_buf(void **state)
{
    (void)state;
    dccd_buf b = DCCD_BUF_INIT;
    for (int i = 0; i < 10000; i++)
        assert_int_equal(dccd_buf_append_byte(&b, (uint8_t)i, NULL), DCCD_OK);
    assert_int_equal(b.len, 10000);
    assert_int_equal(b.data[9999], (uint8_t)9999);
    assert_int_equal(dccd_buf_append_u32le(&b, 0x01020304u, NULL), DCCD_OK);
    assert_int_equal(dccd_load_u32le(b.data + 10000), 0x01020304u);
    uint8_t *p;
    assert_int_equal(dccd_buf_extend(&b, 8, &p, NULL), DCCD_OK);
    dccd_store_u64le(p, UINT64_C(0x1122334455667788));
    assert_true(dccd_load_u64le(b.data + 10004) == UINT64_C(0x1122334455667788));
    dccd_error e;
    assert_int_equal(dccd_buf_reserve(&b, SIZE_MAX, &e), DCCD_ERANGE);
    size_t n;
    uint8_t *d = dccd_buf_detach(&b, &n);
    assert_int_equal(n, 10012);
    assert_null(b.data);
    free(d);
}

static void test_array_grow(void **state)
{
    (void)state;
    size_t cap = 0, n = 0;
    int *a = NULL;
    for (int i = 0; i < 1000; i++) {
        int *na = dccd_array_grow(a, &cap, n, sizeof *na, 4);
        assert_non_null(na);
        a = na;
        assert_true(cap > n);
        a[n++] = i;
    }
    assert_int_equal(cap, 1024); /* 4 doubled eight times */
    for (int i = 0; i < 1000; i++)
        assert_int_equal(a[i], i);
    assert_ptr_equal(dccd_array_grow(a, &cap, 5, sizeof *a, 4), a); /* room left: unchanged */
    size_t huge = SIZE_MAX / 2 + 1;
    assert_null(dccd_array_grow(a, &huge, huge, 1, 4)); /* doubling overflows */
    assert_true(huge == SIZE_MAX / 2 + 1);                /* cap untouched on failure */
    free(a);
}

static void test_arena(void **state)
{
    (void)state;
    dccd_arena a;
    dccd_arena_init(&a, 200000);
    char *s = dccd_arena_strndup(&a, "hello", 5);
    assert_string_equal(s, "hello");
    void *big = dccd_arena_alloc(&a, 150000);
    assert_non_null(big);
    assert_true(((uintptr_t)big & 15u) == 0);
    assert_null(dccd_arena_alloc(&a, 100000)); /* over the limit */
    assert_null(dccd_arena_array(&a, SIZE_MAX / 2, 4)); /* overflow */
    assert_string_equal(s, "hello"); /* earlier allocation intact */
    dccd_arena_free(&a);
    assert_null(dccd_malloc_array(SIZE_MAX / 2, 4));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_err_set_and_prefix),
        cmocka_unit_test(test_err_truncates),
        cmocka_unit_test(test_err_errno),
        cmocka_unit_test(test_buf),
        cmocka_unit_test(test_arena),
        cmocka_unit_test(test_array_grow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
