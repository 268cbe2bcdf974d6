/*
 * tests/unit/test_domain_provenance.c - provenance records and their JSON
 * form (include/dccd/domain.h).
 *
 * The expected JSON strings were produced by pydantic 2 (model_dump_json()
 * of a model `source: str, derived_from: str | None = None`), which is what
 * the seed writes into the "dccd.provenance" footer key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <stdlib.h>

#include "dccd/domain.h"

static void to_json_is(const char *source, const char *derived, const char *want)
{
    dccd_provenance p;
    dccd_error e;
    if (dccd_provenance_init(&p, source, derived, &e))
        fail_msg("init: %s", e.msg);
    char *json = NULL;
    size_t len = 0;
    assert_int_equal(dccd_provenance_to_json(&p, &json, &len, &e), DCCD_OK);
    assert_string_equal(json, want);
    assert_int_equal(len, strlen(want));
    /* and it parses back to the same record */
    dccd_provenance back;
    if (dccd_provenance_from_json(json, len, &back, &e))
        fail_msg("parse back %s: %s", json, e.msg);
    assert_string_equal(back.source, source);
    if (derived)
        assert_string_equal(back.derived_from, derived);
    else
        assert_null(back.derived_from);
    free(json);
    dccd_provenance_free(&back);
    dccd_provenance_free(&p);
    assert_null(p.source);
    assert_null(p.derived_from);
}

static void test_to_json_exact(void **state)
{
    (void)state;
    to_json_is("binance:rest", NULL, "{\"source\":\"binance:rest\",\"derived_from\":null}");
    to_json_is("kraken:ws", "binance:BTC/USDT:ohlc:60s",
               "{\"source\":\"kraken:ws\",\"derived_from\":\"binance:BTC/USDT:ohlc:60s\"}");
    to_json_is("", "", "{\"source\":\"\",\"derived_from\":\"\"}");
    /* escapes as serde_json/pydantic: short forms, lower-case \u00xx, UTF-8
     * and DEL and U+2028 raw, '/' not escaped */
    to_json_is("a\"b\\c/\x01\x1f\x7f\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xe2\x80\xa8", NULL,
               "{\"source\":\"a\\\"b\\\\c/\\u0001\\u001f\x7f\\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
               "\xe2\x80\xa8\",\"derived_from\":null}");
    to_json_is("x", "\b\f\n\r", "{\"source\":\"x\",\"derived_from\":\"\\b\\f\\n\\r\"}");
}

static void test_from_pydantic_json(void **state)
{
    (void)state;
    dccd_provenance p;
    dccd_error e;
    const char *j1 = "{\"source\":\"binance:rest\",\"derived_from\":null}";
    assert_int_equal(dccd_provenance_from_json(j1, strlen(j1), &p, &e), DCCD_OK);
    assert_string_equal(p.source, "binance:rest");
    assert_null(p.derived_from);
    dccd_provenance_free(&p);

    /* pretty-printed, reordered, extra keys, missing derived_from, \u escapes */
    const char *j2 = "{\n  \"extra\": [1, 2, {\"a\": null}],\n  \"source\": \"caf\\u00e9 \\ud83d\\ude00\"\n}";
    assert_int_equal(dccd_provenance_from_json(j2, strlen(j2), &p, &e), DCCD_OK);
    assert_string_equal(p.source, "caf\xc3\xa9 \xf0\x9f\x98\x80");
    assert_null(p.derived_from);
    dccd_provenance_free(&p);

    /* not NUL-terminated: only len bytes are read */
    const char j3[] = {'{', '"', 's', 'o', 'u', 'r', 'c', 'e', '"', ':', '"', 'x', '"', '}', 'X'};
    assert_int_equal(dccd_provenance_from_json(j3, 14, &p, &e), DCCD_OK);
    assert_string_equal(p.source, "x");
    dccd_provenance_free(&p);

    /* duplicate keys: the last wins, as in Python's json.loads */
    const char *j4 = "{\"source\":\"a\",\"source\":\"b\",\"derived_from\":\"d\"}";
    assert_int_equal(dccd_provenance_from_json(j4, strlen(j4), &p, &e), DCCD_OK);
    assert_string_equal(p.source, "b");
    assert_string_equal(p.derived_from, "d");
    dccd_provenance_free(&p);
    dccd_provenance_free(NULL);
}

static void test_bad_json(void **state)
{
    (void)state;
    static const struct { const char *json; const char *needle; } bad[] = {
        {"", "invalid provenance JSON at line"},
        {"{", "invalid provenance JSON at line 1"},
        {"{\"source\":\"x\",}", "invalid provenance JSON at line 1 column"},
        {"{\n\"source\":\n\"x\"\n,\"derived_from\": nul}", "line 4"},
        {"{\"source\":\"x\"} trailing", "invalid provenance JSON at line"},
        {"[\"source\"]", "not an object"},
        {"\"binance:rest\"", "invalid provenance JSON"},
        {"null", "invalid provenance JSON"},
        {"{}", "\"source\" is missing"},
        {"{\"derived_from\":\"x\"}", "\"source\" is missing"},
        {"{\"source\":null}", "\"source\" is not a string"},
        {"{\"source\":42}", "\"source\" is not a string"},
        {"{\"source\":\"x\",\"derived_from\":1}", "\"derived_from\" is neither"},
        {"{\"source\":\"x\",\"derived_from\":{}}", "\"derived_from\" is neither"},
        {"{\"source\":\"a\\u0000b\"}", "invalid provenance JSON"},
        {"{\"source\":\"\xff\"}", "invalid provenance JSON"},
        {"{\"source\":\"\\ud800\"}", "invalid provenance JSON"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dccd_provenance p = {(char *)"untouched", NULL};
        dccd_error e;
        int rc = dccd_provenance_from_json(bad[i].json, strlen(bad[i].json), &p, &e);
        if (rc != DCCD_EINVAL)
            fail_msg("json %zu accepted (rc %d)", i, rc);
        if (!strstr(e.msg, bad[i].needle))
            fail_msg("json %zu: \"%s\" lacks \"%s\"", i, e.msg, bad[i].needle);
        assert_string_equal(p.source, "untouched");
    }
    dccd_provenance p;
    dccd_error e;
    assert_int_equal(dccd_provenance_from_json(NULL, 0, &p, &e), DCCD_EINVAL);
}

static void test_invalid_records(void **state)
{
    (void)state;
    dccd_provenance p;
    dccd_error e;
    assert_int_equal(dccd_provenance_init(&p, NULL, "x", &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "source is required"));
    assert_int_equal(dccd_provenance_init(&p, "a\xff", NULL, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "invalid UTF-8 at byte 1"));
    assert_int_equal(dccd_provenance_init(&p, "ok", "\xc0\xaf", &e), DCCD_EINVAL); /* overlong */
    assert_non_null(strstr(e.msg, "derived_from"));
    assert_int_equal(dccd_provenance_init(&p, "\xed\xa0\x80", NULL, &e), DCCD_EINVAL); /* surrogate */
    assert_int_equal(dccd_provenance_init(&p, "\xf4\x90\x80\x80", NULL, &e), DCCD_EINVAL);
    assert_int_equal(dccd_provenance_init(&p, "\xe2\x82", NULL, &e), DCCD_EINVAL); /* truncated */

    char *json = NULL;
    dccd_provenance hand = {NULL, NULL};
    assert_int_equal(dccd_provenance_to_json(&hand, &json, NULL, &e), DCCD_EINVAL);
    hand.source = (char *)"bad\x80";
    assert_int_equal(dccd_provenance_to_json(&hand, &json, NULL, &e), DCCD_EINVAL);
    assert_null(json);
    assert_int_equal(dccd_provenance_to_json(NULL, &json, NULL, &e), DCCD_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_to_json_exact),
        cmocka_unit_test(test_from_pydantic_json),
        cmocka_unit_test(test_bad_json),
        cmocka_unit_test(test_invalid_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
