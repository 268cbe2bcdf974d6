/*
 * tests/unit/test_thrift.c - the Thrift compact protocol primitives
 * (src/parquet/thrift.c): varints and zigzag at their limits, overlong
 * varints, short and long field headers, bool fields, short and long list
 * headers, binaries, doubles, recursive skipping (structs, lists, sets,
 * maps) and its depth cap, hostile counts, and writer/reader agreement.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <stdlib.h>

#include "parquet/meta.h"

static void test_varint_zigzag_roundtrip(void **state)
{
    (void)state;
    static const int64_t v64[] = {0, 1, -1, 63, -64, 64, -65, 8191, -8192, INT32_MAX, INT32_MIN,
                                  (int64_t)INT32_MAX + 1, INT64_MAX, INT64_MIN, INT64_MIN + 1};
    dccd_buf b = DCCD_BUF_INIT;
    pq_tout o;
    pq_tout_init(&o, &b, NULL);
    for (size_t i = 0; i < sizeof v64 / sizeof v64[0]; i++)
        assert_int_equal(pq_w_zigzag64(&o, v64[i]), DCCD_OK);
    static const int32_t v32[] = {0, 1, -1, 100, -100, INT32_MAX, INT32_MIN};
    for (size_t i = 0; i < sizeof v32 / sizeof v32[0]; i++)
        assert_int_equal(pq_w_zigzag32(&o, v32[i]), DCCD_OK);

    pq_tin in;
    dccd_error e;
    pq_tin_init(&in, b.data, b.len, "t", &e);
    for (size_t i = 0; i < sizeof v64 / sizeof v64[0]; i++) {
        int64_t v;
        assert_int_equal(pq_t_i64(&in, &v), DCCD_OK);
        assert_true(v == v64[i]);
    }
    for (size_t i = 0; i < sizeof v32 / sizeof v32[0]; i++) {
        int32_t v;
        assert_int_equal(pq_t_i32(&in, &v), DCCD_OK);
        assert_int_equal(v, v32[i]);
    }
    assert_ptr_equal(in.p, in.end);
    dccd_buf_free(&b);
}

static void test_varint_known_bytes(void **state)
{
    (void)state;
    /* zigzag(-1) = 1, zigzag(1) = 2, zigzag(-64) = 127, zigzag(64) = 128 = 0x80 0x01 */
    static const uint8_t bytes[] = {0x01, 0x02, 0x7f, 0x80, 0x01};
    static const int32_t want[] = {-1, 1, -64, 64};
    pq_tin in;
    pq_tin_init(&in, bytes, sizeof bytes, "t", NULL);
    for (size_t i = 0; i < 4; i++) {
        int32_t v;
        assert_int_equal(pq_t_i32(&in, &v), DCCD_OK);
        assert_int_equal(v, want[i]);
    }
    /* INT64_MIN: zigzag = 2^64-1: nine 0xff then 0x01 */
    static const uint8_t mn[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    int64_t v;
    pq_tin_init(&in, mn, sizeof mn, "t", NULL);
    assert_int_equal(pq_t_i64(&in, &v), DCCD_OK);
    assert_true(v == INT64_MIN);
}

static void test_varint_overlong_and_truncated(void **state)
{
    (void)state;
    dccd_error e;
    pq_tin in;
    int32_t v32;
    int64_t v64;
    /* i32: 5th byte may only carry 4 bits */
    static const uint8_t ok5[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
    pq_tin_init(&in, ok5, sizeof ok5, "footer", &e);
    assert_int_equal(pq_t_i32(&in, &v32), DCCD_OK);
    assert_int_equal(v32, INT32_MIN);
    static const uint8_t bad5[] = {0xff, 0xff, 0xff, 0xff, 0x1f};
    pq_tin_init(&in, bad5, sizeof bad5, "footer", &e);
    assert_int_equal(pq_t_i32(&in, &v32), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "footer: varint too long"));
    static const uint8_t six[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
    pq_tin_init(&in, six, sizeof six, "footer", &e);
    assert_int_equal(pq_t_i32(&in, &v32), DCCD_ECORRUPT);
    /* i64: 10th byte may only be 0 or 1; an 11th byte is never allowed */
    static const uint8_t bad10[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
    pq_tin_init(&in, bad10, sizeof bad10, "footer", &e);
    assert_int_equal(pq_t_i64(&in, &v64), DCCD_ECORRUPT);
    static const uint8_t eleven[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
    pq_tin_init(&in, eleven, sizeof eleven, "footer", &e);
    assert_int_equal(pq_t_i64(&in, &v64), DCCD_ECORRUPT);
    /* truncated: continuation bit on the last available byte */
    static const uint8_t tr[] = {0x01, 0x80, 0x80};
    pq_tin_init(&in, tr, sizeof tr, "footer", &e);
    assert_int_equal(pq_t_i64(&in, &v64), DCCD_OK);
    assert_int_equal(pq_t_i64(&in, &v64), DCCD_ECORRUPT);
    assert_string_equal(e.msg, "footer: truncated varint at offset 1");
    /* nothing at all */
    pq_tin_init(&in, tr, 0, "page header", &e);
    assert_int_equal(pq_t_i32(&in, &v32), DCCD_ECORRUPT);
    assert_string_equal(e.msg, "page header: truncated varint at offset 0");
}

static void test_field_headers(void **state)
{
    (void)state;
    /* short form id 1 i32; short form +14 -> 15 binary; long form id 300
     * i64 (zigzag 600 = 0xd8 0x04); long form negative id -5 (zigzag 9);
     * short bool true id -4 (delta 1); bool false id 2 long form; stop */
    static const uint8_t bytes[] = {0x15, 0x06,                  /* id 1 = 3 */
                                    0xe8, 0x02, 'h', 'i',        /* id 15 = "hi" */
                                    0x06, 0xd8, 0x04, 0x7f,      /* id 300 = -64 */
                                    0x0c, 0x09, 0x00,            /* id -5 struct {} */
                                    0x11,                        /* id -4 true */
                                    0x02, 0x04,                  /* id 2 false */
                                    0x00};
    pq_tin in;
    dccd_error e;
    pq_tin_init(&in, bytes, sizeof bytes, "t", &e);
    int16_t last = 0, id;
    int type;
    int32_t v32;
    int64_t v64;
    const uint8_t *p;
    size_t n;
    bool bv;
    assert_int_equal(pq_t_field(&in, &last, &type, &id), DCCD_OK);
    assert_int_equal(type, PQ_TT_I32);
    assert_int_equal(id, 1);
    assert_int_equal(pq_t_i32(&in, &v32), DCCD_OK);
    assert_int_equal(v32, 3);
    assert_int_equal(pq_t_field(&in, &last, &type, &id), DCCD_OK);
    assert_int_equal(type, PQ_TT_BINARY);
    assert_int_equal(id, 15);
    assert_int_equal(pq_t_binary(&in, &p, &n), DCCD_OK);
    assert_int_equal(n, 2);
    assert_memory_equal(p, "hi", 2);
    assert_int_equal(pq_t_field(&in, &last, &type, &id), DCCD_OK);
    assert_int_equal(type, PQ_TT_I64);
    assert_int_equal(id, 300);
    assert_int_equal(pq_t_i64(&in, &v64), DCCD_OK);
    assert_true(v64 == -64);
    assert_int_equal(pq_t_field(&in, &last, &type, &id), DCCD_OK);
    assert_int_equal(type, PQ_TT_STRUCT);
    assert_int_equal(id, -5);
    assert_int_equal(pq_t_skip(&in, type), DCCD_OK);
    assert_int_equal(pq_t_field(&in, &last, &type, &id), DCCD_OK);
    assert_int_equal(id, -4);
    assert_int_equal(pq_t_bool_field(type, &bv), DCCD_OK);
    assert_true(bv);
    assert_int_equal(pq_t_field(&in, &last, &type, &id), DCCD_OK);
    assert_int_equal(id, 2);
    assert_int_equal(pq_t_bool_field(type, &bv), DCCD_OK);
    assert_false(bv);
    assert_int_equal(pq_t_bool_field(PQ_TT_I32, &bv), DCCD_ECORRUPT);
    assert_int_equal(pq_t_field(&in, &last, &type, &id), DCCD_OK);
    assert_int_equal(type, PQ_TT_STOP);
    assert_ptr_equal(in.p, in.end);

    /* invalid type nibble, id out of i16 range, delta overflow */
    static const uint8_t badt[] = {0x1e};
    pq_tin_init(&in, badt, sizeof badt, "footer", &e);
    last = 0;
    assert_int_equal(pq_t_field(&in, &last, &type, &id), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "invalid thrift type 14"));
    static const uint8_t bigid[] = {0x05, 0x80, 0x80, 0x04}; /* zigzag 65536 -> 32768 */
    pq_tin_init(&in, bigid, sizeof bigid, "footer", &e);
    assert_int_equal(pq_t_field(&in, &last, &type, &id), DCCD_ECORRUPT);
    static const uint8_t ovf[] = {0xf5};
    pq_tin_init(&in, ovf, sizeof ovf, "footer", &e);
    last = INT16_MAX - 3;
    assert_int_equal(pq_t_field(&in, &last, &type, &id), DCCD_ECORRUPT);
}

static void test_writer_field_forms(void **state)
{
    (void)state;
    dccd_buf b = DCCD_BUF_INIT;
    pq_tout o;
    pq_tout_init(&o, &b, NULL);
    assert_int_equal(pq_w_i32_field(&o, 1, -1), DCCD_OK);         /* short: 0x15 0x01 */
    assert_int_equal(pq_w_bool_field(&o, 17, true), DCCD_OK);     /* delta 16: long: 0x01 0x22 */
    assert_int_equal(pq_w_struct_begin(&o, 18), DCCD_OK);         /* short: 0x1c */
    assert_int_equal(pq_w_bool_field(&o, 1, false), DCCD_OK);     /* nested restarts at 0: 0x12 */
    assert_int_equal(pq_w_struct_end(&o), DCCD_OK);               /* 0x00 */
    assert_int_equal(pq_w_i64_field(&o, 19, 1), DCCD_OK);         /* continues after 18: 0x16 0x02 */
    assert_int_equal(pq_w_stop(&o), DCCD_OK);
    static const uint8_t want[] = {0x15, 0x01, 0x01, 0x22, 0x1c, 0x12, 0x00, 0x16, 0x02, 0x00};
    assert_int_equal(b.len, sizeof want);
    assert_memory_equal(b.data, want, sizeof want);
    /* misuse is reported, not crashed on */
    dccd_error e;
    o.err = &e;
    assert_int_equal(pq_w_struct_end(&o), DCCD_ESTATE);
    dccd_buf_free(&b);
}

static void test_lists(void **state)
{
    (void)state;
    dccd_buf b = DCCD_BUF_INIT;
    pq_tout o;
    pq_tout_init(&o, &b, NULL);
    assert_int_equal(pq_w_list_begin(&o, 1, PQ_TT_I32, 14), DCCD_OK);
    for (int i = 0; i < 14; i++)
        assert_int_equal(pq_w_zigzag32(&o, -i), DCCD_OK);
    assert_int_equal(pq_w_list_begin(&o, 2, PQ_TT_I32, 15), DCCD_OK);
    for (int i = 0; i < 15; i++)
        assert_int_equal(pq_w_zigzag32(&o, i), DCCD_OK);
    assert_int_equal(b.data[1], 0xe5);          /* short form: size 14 */
    assert_int_equal(b.data[2 + 14 + 1], 0xf5); /* long form ... */
    assert_int_equal(b.data[2 + 14 + 2], 15);   /* ... then varint 15 */

    pq_tin in;
    pq_tin_init(&in, b.data, b.len, "t", NULL);
    int16_t last = 0, id;
    int type, et;
    size_t n;
    for (int l = 0; l < 2; l++) {
        assert_int_equal(pq_t_field(&in, &last, &type, &id), DCCD_OK);
        assert_int_equal(type, PQ_TT_LIST);
        assert_int_equal(pq_t_list(&in, &et, &n), DCCD_OK);
        assert_int_equal(et, PQ_TT_I32);
        assert_int_equal(n, l ? 15 : 14);
        for (size_t i = 0; i < n; i++) {
            int32_t v;
            assert_int_equal(pq_t_i32(&in, &v), DCCD_OK);
            assert_int_equal(v, l ? (int32_t)i : -(int32_t)i);
        }
    }
    assert_ptr_equal(in.p, in.end);

    /* bool list: both element-type spellings, one byte per element */
    static const uint8_t bl[] = {0x32, 0x01, 0x02, 0x01};
    pq_tin_init(&in, bl, sizeof bl, "t", NULL);
    assert_int_equal(pq_t_list(&in, &et, &n), DCCD_OK);
    assert_int_equal(et, PQ_TT_TRUE);
    assert_int_equal(n, 3);

    /* hostile counts fail at once */
    dccd_error e;
    static const uint8_t huge[] = {0xfc, 0x80, 0x80, 0x80, 0x80, 0x08, 0x00}; /* 2^31 structs */
    pq_tin_init(&in, huge, sizeof huge, "footer", &e);
    assert_int_equal(pq_t_list(&in, &et, &n), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "2147483648 elements"));
    static const uint8_t big[] = {0xf8, 0x05, 0x00, 0x00, 0x00, 0x00}; /* 5 binaries in 4 bytes */
    pq_tin_init(&in, big, sizeof big, "footer", &e);
    assert_int_equal(pq_t_list(&in, &et, &n), DCCD_ECORRUPT);
    static const uint8_t dbl[] = {0x27, 0, 0, 0, 0, 0, 0, 0, 0, 0}; /* 2 doubles in 9 bytes */
    pq_tin_init(&in, dbl, sizeof dbl, "footer", &e);
    assert_int_equal(pq_t_list(&in, &et, &n), DCCD_ECORRUPT);
    static const uint8_t badet[] = {0x10};
    pq_tin_init(&in, badet, sizeof badet, "footer", &e);
    assert_int_equal(pq_t_list(&in, &et, &n), DCCD_ECORRUPT);
    dccd_buf_free(&b);
}

static void test_binary_double_byte(void **state)
{
    (void)state;
    dccd_error e;
    pq_tin in;
    const uint8_t *p;
    size_t n;
    static const uint8_t ok[] = {0x03, 'a', 'b', 'c', 0x00};
    pq_tin_init(&in, ok, sizeof ok, "t", &e);
    assert_int_equal(pq_t_binary(&in, &p, &n), DCCD_OK);
    assert_int_equal(n, 3);
    assert_ptr_equal(p, ok + 1);
    assert_int_equal(pq_t_binary(&in, &p, &n), DCCD_OK);
    assert_int_equal(n, 0);
    static const uint8_t longer[] = {0x04, 'a', 'b', 'c'};
    pq_tin_init(&in, longer, sizeof longer, "footer", &e);
    assert_int_equal(pq_t_binary(&in, &p, &n), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "binary length 4 at offset 0"));
    static const uint8_t dbl[] = {0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0x81};
    double d;
    int8_t b8;
    pq_tin_init(&in, dbl, sizeof dbl, "t", &e);
    assert_int_equal(pq_t_double(&in, &d), DCCD_OK);
    assert_true(d == 1.5);
    assert_int_equal(pq_t_byte(&in, &b8), DCCD_OK);
    assert_int_equal(b8, -127);
    assert_int_equal(pq_t_byte(&in, &b8), DCCD_ECORRUPT);
    pq_tin_init(&in, dbl, 7, "t", &e);
    assert_int_equal(pq_t_double(&in, &d), DCCD_ECORRUPT);
}

static void test_skip_nested(void **state)
{
    (void)state;
    /* a struct holding every kind of value, ending in a marker byte */
    static const uint8_t v[] = {
        0x11,                                     /* 1: true */
        0x13, 0x80,                               /* 2: byte */
        0x14, 0x03,                               /* 3: i16 */
        0x17, 0, 0, 0, 0, 0, 0, 0, 0,             /* 4: double */
        0x19, 0x2c, 0x15, 0x02, 0x00, 0x00,       /* 5: list<struct> [{1: 1}, {}] */
        0x1a, 0x31, 0x01, 0x02, 0x01,             /* 6: set<bool> {t, f, t} */
        0x1b, 0x02, 0x85, 0x01, 0x61, 0x02,       /* 7: map<binary,i32> {"a": 1, ...} */
        0x00, 0x04,                               /*    ... "": 2 */
        0x1b, 0x00,                               /* 8: empty map */
        0x1c, 0x1c, 0x1c, 0x00, 0x00, 0x00,       /* 9: struct{struct{struct{}}} */
        0x19, 0xf9, 0x0f,                         /* 10: list<list> of 15 empty lists */
        0x09, 0x09, 0x09, 0x09, 0x09, 0x09, 0x09, 0x09, 0x09, 0x09, 0x09, 0x09, 0x09, 0x09, 0x09,
        0x00,                                     /* stop */
        0xaa};
    pq_tin in;
    dccd_error e;
    pq_tin_init(&in, v, sizeof v, "t", &e);
    assert_int_equal(pq_t_skip(&in, PQ_TT_STRUCT), DCCD_OK);
    assert_ptr_equal(in.p, v + sizeof v - 1);
    assert_int_equal(in.depth, 0);
    /* every strict prefix fails cleanly */
    for (size_t k = 0; k + 1 < sizeof v; k++) {
        uint8_t *cp = malloc(k ? k : 1);
        assert_non_null(cp);
        memcpy(cp, v, k);
        pq_tin_init(&in, cp, k, "t", &e);
        assert_int_equal(pq_t_skip(&in, PQ_TT_STRUCT), DCCD_ECORRUPT);
        free(cp);
    }
    /* map with a hostile count */
    static const uint8_t hm[] = {0x80, 0x80, 0x80, 0x80, 0x07, 0x55, 0x00};
    pq_tin_init(&in, hm, sizeof hm, "t", &e);
    assert_int_equal(pq_t_skip(&in, PQ_TT_MAP), DCCD_ECORRUPT);
    /* invalid type */
    pq_tin_init(&in, hm, sizeof hm, "t", &e);
    assert_int_equal(pq_t_skip(&in, 14), DCCD_ECORRUPT);
}

static void test_depth_cap(void **state)
{
    (void)state;
    /* 200 nested structs (field 1 each), then the stops */
    uint8_t buf[401];
    for (int i = 0; i < 200; i++)
        buf[i] = 0x1c;
    memset(buf + 200, 0, 201);
    pq_tin in;
    dccd_error e;
    pq_tin_init(&in, buf, sizeof buf, "footer", &e);
    assert_int_equal(pq_t_skip(&in, PQ_TT_STRUCT), DCCD_ECORRUPT);
    assert_non_null(strstr(e.msg, "nesting deeper than"));
    /* 40 is fine */
    pq_tin_init(&in, buf + 160, 81, "footer", &e);
    assert_int_equal(pq_t_skip(&in, PQ_TT_STRUCT), DCCD_OK);
    /* nested lists count too */
    uint8_t lb[300];
    for (int i = 0; i < 299; i++)
        lb[i] = 0x19; /* list of one list */
    lb[299] = 0x09;
    pq_tin_init(&in, lb, sizeof lb, "footer", &e);
    assert_int_equal(pq_t_skip(&in, PQ_TT_LIST), DCCD_ECORRUPT);
    /* writer nesting is bounded too */
    dccd_buf b = DCCD_BUF_INIT;
    pq_tout o;
    pq_tout_init(&o, &b, &e);
    int rc = DCCD_OK;
    for (int i = 0; i < 100 && rc == DCCD_OK; i++)
        rc = pq_w_struct_begin(&o, 1);
    assert_int_equal(rc, DCCD_ERANGE);
    dccd_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_varint_zigzag_roundtrip),
        cmocka_unit_test(test_varint_known_bytes),
        cmocka_unit_test(test_varint_overlong_and_truncated),
        cmocka_unit_test(test_field_headers),
        cmocka_unit_test(test_writer_field_forms),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_binary_double_byte),
        cmocka_unit_test(test_skip_nested),
        cmocka_unit_test(test_depth_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
