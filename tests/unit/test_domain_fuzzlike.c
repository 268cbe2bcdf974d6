/*
 * tests/unit/test_domain_fuzzlike.c - random and mutated inputs for every
 * text parser of the domain layer (include/dccd/domain.h).
 *
 * Inputs are built from an alphabet of characters that matter to the
 * parsers (digits, separators, '.', '/', '\\', control bytes, UTF-8 lead
 * bytes...) and by mutating valid examples.  For each input the parser must
 * either refuse it with a message, or accept it and then satisfy a round
 * trip: format(parse(x)) parses back to the same value.  Anything accepted
 * as a path component must be free of '/', '\\' and a leading '.'.  Run
 * under ASan/UBSan this also checks that no input reads or writes out of
 * bounds.  The generator is a local deterministic xorshift (no globals).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <stdlib.h>

#include "dccd/domain.h"

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * UINT64_C(2685821657736338717);
}

static const char alphabet[] = "0123456789-_/:.TtZz +sSmhdwBTCUSDXbtcusdperpqurtnxohlcadesbk\\\x01\x7f\xc3\xa9\xff";

static const char *const seeds[] = {
    "BTC/USDT", "btc-usdt:perp", "XBT_EUR:next_quarter", "BTC-USDT_PERP", "ETH-USD_QUARTER",
    "binance:BTC/USDT:ohlc:3600s", "okx:BTC/USD:perp:trades", "kraken:XBT/EUR:orderbook",
    "2024-03-01T12:00:00.123456789+05:30", "2024-03-01", "1709251200000000000", "-1",
    "1h", "hourly", "2592000s", "3600", "15d", "2024", "2024-02-29", "../../etc", "gate.io",
    "{\"source\":\"binance:rest\",\"derived_from\":null}",
    "{\"source\":\"a\",\"derived_from\":\"binance:BTC/USDT:ohlc:60s\",\"x\":[1,{}]}",
};

static void make_input(uint64_t *rng, char *out, size_t cap)
{
    uint64_t r = rng_next(rng);
    size_t n;
    if (r % 3 == 0) {
        n = (size_t)(rng_next(rng) % (cap - 1));
        for (size_t i = 0; i < n; i++)
            out[i] = alphabet[rng_next(rng) % (sizeof alphabet - 1)];
        out[n] = '\0';
        return;
    }
    const char *s = seeds[rng_next(rng) % (sizeof seeds / sizeof seeds[0])];
    n = strlen(s);
    memcpy(out, s, n + 1);
    int muts = 1 + (int)(rng_next(rng) % 3);
    for (int m = 0; m < muts && n > 0; m++) {
        size_t pos = (size_t)(rng_next(rng) % n);
        switch (rng_next(rng) % 4) {
        case 0: /* replace */
            out[pos] = alphabet[rng_next(rng) % (sizeof alphabet - 1)];
            if (out[pos] == '\0')
                out[pos] = 'x';
            break;
        case 1: /* delete */
            memmove(out + pos, out + pos + 1, n - pos);
            n--;
            break;
        case 2: /* insert */
            if (n + 2 < cap) {
                memmove(out + pos + 1, out + pos, n - pos + 1);
                out[pos] = alphabet[rng_next(rng) % (sizeof alphabet - 1)];
                n++;
            }
            break;
        default: /* truncate */
            out[pos] = '\0';
            n = pos;
            break;
        }
    }
}

static void check_one(const char *in)
{
    dccd_error e;
    char buf[DCCD_DATASET_TEXT_MAX];

    int64_t v, w;
    if (dccd_span_parse(in, &v, &e) == DCCD_OK) {
        assert_true(v > 0 && v <= DCCD_SPAN_MAX_SECONDS);
        assert_int_equal(dccd_span_label(v, buf, sizeof buf, NULL), DCCD_OK);
        assert_int_equal(dccd_span_parse(buf, &w, NULL), DCCD_OK);
        assert_true(v == w);
        assert_int_equal(dccd_path_component_ok(buf, NULL), DCCD_OK);
    } else {
        assert_true(e.msg[0] != '\0');
    }
    if (dccd_str_to_span(in, &v, &e) == DCCD_OK)
        assert_int_equal(dccd_span_parse(in, &w, NULL), DCCD_OK);

    dccd_symbol s, s2;
    if (dccd_symbol_parse(in, &s, &e) == DCCD_OK) {
        assert_int_equal(dccd_symbol_format(&s, buf, sizeof buf, NULL), DCCD_OK);
        assert_int_equal(dccd_symbol_parse(buf, &s2, NULL), DCCD_OK);
        assert_true(dccd_symbol_equal(&s, &s2));
        assert_int_equal(dccd_symbol_pair_slug(&s, buf, sizeof buf, NULL), DCCD_OK);
        assert_int_equal(dccd_path_component_ok(buf, NULL), DCCD_OK);
        assert_int_equal(dccd_symbol_from_slug(buf, &s2, NULL), DCCD_OK);
        assert_true(dccd_symbol_equal(&s, &s2));
    } else {
        assert_int_equal(e.code, DCCD_EINVAL);
        assert_true(e.msg[0] != '\0');
    }
    if (dccd_symbol_from_slug(in, &s, &e) == DCCD_OK) {
        assert_int_equal(dccd_symbol_pair_slug(&s, buf, sizeof buf, NULL), DCCD_OK);
        assert_string_equal(buf, in); /* only canonical slugs are accepted */
    }

    if (dccd_exchange_name_ok(in, &e) == DCCD_OK) {
        assert_null(strchr(in, '/'));
        assert_null(strchr(in, '\\'));
        assert_true(in[0] != '.' && strlen(in) <= DCCD_EXCHANGE_MAX);
    }
    if (dccd_path_component_ok(in, &e) == DCCD_OK) {
        assert_null(strchr(in, '/'));
        assert_true(in[0] != '.' && in[0] != '\0');
    }

    dccd_dataset d, d2;
    if (dccd_dataset_parse(in, &d, &e) == DCCD_OK) {
        assert_int_equal(dccd_dataset_format(&d, buf, sizeof buf, NULL), DCCD_OK);
        assert_int_equal(dccd_dataset_parse(buf, &d2, NULL), DCCD_OK);
        assert_true(dccd_dataset_equal(&d, &d2));
        assert_int_equal(dccd_dataset_dir(&d, buf, sizeof buf, NULL), DCCD_OK);
        assert_null(strstr(buf, ".."));
        assert_true(buf[0] != '/');
    }

    int64_t ts, ts2;
    if (dccd_time_parse(in, &ts, &e) == DCCD_OK) {
        assert_int_equal(dccd_time_format(ts, buf, sizeof buf, NULL), DCCD_OK);
        assert_int_equal(dccd_time_parse(buf, &ts2, NULL), DCCD_OK);
        assert_true(ts == ts2);
    } else {
        assert_true(e.code == DCCD_EINVAL || e.code == DCCD_ERANGE);
    }
    for (int t = 0; t < 3; t++) {
        int64_t a, b;
        if (dccd_time_period_range(in, (dccd_data_type)t, &a, &b, &e) == DCCD_OK) {
            assert_true(a < b);
            assert_int_equal(dccd_time_period_label(a, (dccd_data_type)t, buf, sizeof buf, NULL),
                             DCCD_OK);
            assert_string_equal(buf, in);
        }
    }

    dccd_provenance p;
    if (dccd_provenance_from_json(in, strlen(in), &p, &e) == DCCD_OK) {
        char *json = NULL;
        size_t len;
        dccd_provenance q;
        assert_int_equal(dccd_provenance_to_json(&p, &json, &len, NULL), DCCD_OK);
        assert_int_equal(dccd_provenance_from_json(json, len, &q, NULL), DCCD_OK);
        assert_string_equal(p.source, q.source);
        assert_true((p.derived_from == NULL) == (q.derived_from == NULL));
        if (p.derived_from)
            assert_string_equal(p.derived_from, q.derived_from);
        free(json);
        dccd_provenance_free(&q);
        dccd_provenance_free(&p);
    }
}

static void test_fuzzlike(void **state)
{
    (void)state;
    uint64_t rng = UINT64_C(0x243f6a8885a308d3);
    char in[128];
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++)
        check_one(seeds[i]);
    for (int i = 0; i < 200000; i++) {
        make_input(&rng, in, sizeof in);
        check_one(in);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fuzzlike),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
