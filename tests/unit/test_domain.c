/*
 * tests/unit/test_domain.c - data types, spans, symbols, exchange names,
 * path components and dataset ids (include/dccd/domain.h).
 *
 * Expected values come from the seed's README (span labels, str_to_span
 * words, slug and id formats), not from the code under test.  Hostile
 * inputs (path traversal, control characters, over-long names) must be
 * refused with a message naming the problem.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <stdio.h>

#include "dccd/domain.h"

/* ---- data types ---- */

static void test_data_type_names(void **state)
{
    (void)state;
    static const struct { dccd_data_type t; const char *name; } cases[] = {
        {DCCD_OHLC, "ohlc"}, {DCCD_TRADES, "trades"}, {DCCD_ORDERBOOK, "orderbook"}};
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(dccd_data_type_name(cases[i].t), cases[i].name);
        dccd_data_type t = (dccd_data_type)99;
        assert_int_equal(dccd_data_type_from_name(cases[i].name, &t, NULL), DCCD_OK);
        assert_int_equal(t, cases[i].t);
    }
    assert_null(dccd_data_type_name((dccd_data_type)3));
    assert_null(dccd_data_type_name((dccd_data_type)-1));
    dccd_error e;
    dccd_data_type t;
    const char *bad[] = {"", "OHLC", "ohlc ", "trade", "order_book", "candles"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(dccd_data_type_from_name(bad[i], &t, &e), DCCD_EINVAL);
        assert_int_equal(e.code, DCCD_EINVAL);
        assert_non_null(strstr(e.msg, "unknown data type"));
    }
    assert_int_equal(dccd_data_type_from_name(NULL, &t, &e), DCCD_EINVAL);
}

/* ---- spans ---- */

static const struct { int64_t s; const char *label; } span_table[] = {
    {60, "1m"},      {180, "3m"},     {300, "5m"},     {900, "15m"},     {1800, "30m"},
    {3600, "1h"},    {7200, "2h"},    {14400, "4h"},   {21600, "6h"},    {28800, "8h"},
    {43200, "12h"},  {86400, "1d"},   {259200, "3d"},  {604800, "1w"},
};
#define N_SPANS (sizeof span_table / sizeof span_table[0])

static void test_span_labels_both_ways(void **state)
{
    (void)state;
    char buf[DCCD_SPAN_LABEL_MAX];
    for (size_t i = 0; i < N_SPANS; i++) {
        assert_int_equal(dccd_span_label(span_table[i].s, buf, sizeof buf, NULL), DCCD_OK);
        assert_string_equal(buf, span_table[i].label);
        int64_t s = 0;
        assert_int_equal(dccd_str_to_span(span_table[i].label, &s, NULL), DCCD_OK);
        assert_true(s == span_table[i].s);
        s = 0;
        assert_int_equal(dccd_span_parse(span_table[i].label, &s, NULL), DCCD_OK);
        assert_true(s == span_table[i].s);
    }
    /* Anything else is "{n}s". */
    assert_int_equal(dccd_span_label(2592000, buf, sizeof buf, NULL), DCCD_OK);
    assert_string_equal(buf, "2592000s");
    assert_int_equal(dccd_span_label(1, buf, sizeof buf, NULL), DCCD_OK);
    assert_string_equal(buf, "1s");
    assert_int_equal(dccd_span_label(120, buf, sizeof buf, NULL), DCCD_OK);
    assert_string_equal(buf, "120s");
    assert_int_equal(dccd_span_label(INT64_MIN, buf, sizeof buf, NULL), DCCD_OK);
    assert_string_equal(buf, "-9223372036854775808s");
    /* Too-small buffers. */
    dccd_error e;
    char small[3];
    assert_int_equal(dccd_span_label(900, small, sizeof small, &e), DCCD_ERANGE);
    assert_string_equal(small, "");
    char four[4];
    assert_int_equal(dccd_span_label(900, four, sizeof four, &e), DCCD_OK); /* "15m" fits */
    assert_string_equal(four, "15m");
    assert_int_equal(dccd_span_label(120, small, sizeof small, &e), DCCD_ERANGE);
    assert_int_equal(dccd_span_label(60, small, 0, &e), DCCD_ERANGE);
}

static void test_str_to_span_words(void **state)
{
    (void)state;
    static const struct { const char *w; int64_t s; } words[] = {
        {"minute", 60},      {"minutely", 60},    {"min", 60},         {"1min", 60},
        {"60s", 60},         {"hour", 3600},      {"hourly", 3600},    {"h", 3600},
        {"day", 86400},      {"daily", 86400},    {"d", 86400},        {"24h", 86400},
        {"week", 604800},    {"weekly", 604800},  {"w", 604800},       {"7d", 604800},
        {"15d", 1296000},    {"month", 2592000},  {"monthly", 2592000},
        /* lower-casing */
        {"HOURLY", 3600},    {"1H", 3600},        {"Daily", 86400},    {"1W", 604800},
        {"MONTH", 2592000},  {"60S", 60},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        int64_t s = 0;
        assert_int_equal(dccd_str_to_span(words[i].w, &s, NULL), DCCD_OK);
        assert_true(s == words[i].s);
    }
    dccd_error e;
    int64_t s = 42;
    const char *unknown[] = {"", "3600s", "3600", "2h30m", "1 h", " 1h", "fortnight", "1y",
                             "1mo", "12H ", "minuteminuteminute"};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        assert_int_equal(dccd_str_to_span(unknown[i], &s, &e), DCCD_ENOTFOUND);
        assert_non_null(strstr(e.msg, "unknown span"));
    }
    assert_true(s == 42); /* untouched on failure */
    assert_int_equal(dccd_str_to_span("fortnight", &s, &e), DCCD_ENOTFOUND);
    assert_non_null(strstr(e.msg, "\"fortnight\""));
    assert_int_equal(dccd_str_to_span(NULL, &s, &e), DCCD_ENOTFOUND);
}

static void test_span_parse_lenient(void **state)
{
    (void)state;
    int64_t s = 0;
    assert_int_equal(dccd_span_parse("3600", &s, NULL), DCCD_OK);
    assert_true(s == 3600);
    assert_int_equal(dccd_span_parse("2592000s", &s, NULL), DCCD_OK);
    assert_true(s == 2592000);
    assert_int_equal(dccd_span_parse("120s", &s, NULL), DCCD_OK);
    assert_true(s == 120);
    assert_int_equal(dccd_span_parse("weekly", &s, NULL), DCCD_OK);
    assert_true(s == 604800);
    assert_int_equal(dccd_span_parse("1", &s, NULL), DCCD_OK);
    assert_true(s == 1);
    assert_int_equal(dccd_span_parse("315360000s", &s, NULL), DCCD_OK);
    assert_true(s == DCCD_SPAN_MAX_SECONDS);
    /* Every label written by span_label parses back, incl. "{n}s". */
    char buf[DCCD_SPAN_LABEL_MAX];
    for (int64_t v = 1; v <= 700000; v += 599) {
        assert_int_equal(dccd_span_label(v, buf, sizeof buf, NULL), DCCD_OK);
        assert_int_equal(dccd_span_parse(buf, &s, NULL), DCCD_OK);
        assert_true(s == v);
    }
    dccd_error e;
    const char *inval[] = {"", "s", "-5", "-5s", "+5", " 5", "5 ", "5ss", "1.5h", "abc", "0x10",
                           "3600sec"};
    for (size_t i = 0; i < sizeof inval / sizeof inval[0]; i++) {
        assert_int_equal(dccd_span_parse(inval[i], &s, &e), DCCD_EINVAL);
        assert_non_null(strstr(e.msg, "bad span"));
    }
    const char *range[] = {"0", "0s", "315360001", "99999999999999999999", "9223372036854775808s"};
    for (size_t i = 0; i < sizeof range / sizeof range[0]; i++) {
        assert_int_equal(dccd_span_parse(range[i], &s, &e), DCCD_ERANGE);
        assert_non_null(strstr(e.msg, "bad span"));
    }
    assert_int_equal(dccd_span_parse(NULL, &s, &e), DCCD_EINVAL);
}

/* ---- symbols ---- */

static void expect_symbol(const char *text, const char *base, const char *quote, dccd_market m)
{
    dccd_symbol s;
    dccd_error e;
    int rc = dccd_symbol_parse(text, &s, &e);
    if (rc != DCCD_OK)
        fail_msg("parse %s: %s", text, e.msg);
    assert_string_equal(s.base, base);
    assert_string_equal(s.quote, quote);
    assert_int_equal(s.market, m);
}

static void test_symbol_parse_forms(void **state)
{
    (void)state;
    expect_symbol("BTC/USDT", "BTC", "USDT", DCCD_SPOT);
    expect_symbol("btc-usdt", "BTC", "USDT", DCCD_SPOT);
    expect_symbol("BTC_USDT", "BTC", "USDT", DCCD_SPOT);
    expect_symbol("eth/Eur", "ETH", "EUR", DCCD_SPOT);
    expect_symbol("XBT/USD", "BTC", "USD", DCCD_SPOT);
    expect_symbol("xbt-xbt", "BTC", "BTC", DCCD_SPOT);
    expect_symbol("ETH/xbt:perp", "ETH", "BTC", DCCD_PERP);
    expect_symbol("BTC/USDT:perp", "BTC", "USDT", DCCD_PERP);
    expect_symbol("BTC/USDT:PERP", "BTC", "USDT", DCCD_PERP);
    expect_symbol("btc_usdt:Quarter", "BTC", "USDT", DCCD_QUARTER);
    expect_symbol("BTC-USD:next_quarter", "BTC", "USD", DCCD_NEXT_QUARTER);
    expect_symbol("BTC-USD:NEXT_QUARTER", "BTC", "USD", DCCD_NEXT_QUARTER);
    expect_symbol("BTC/USD:spot", "BTC", "USD", DCCD_SPOT);
    expect_symbol("1INCH/USDT", "1INCH", "USDT", DCCD_SPOT);
    expect_symbol("XBTX/USD", "XBTX", "USD", DCCD_SPOT); /* only the whole code is aliased */
    /* 32 characters is the maximum. */
    expect_symbol("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345/USD", "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", "USD",
                  DCCD_SPOT);
}

static void test_symbol_format_and_slug(void **state)
{
    (void)state;
    static const struct { const char *in, *text, *slug; } cases[] = {
        {"btc-usdt", "BTC/USDT", "BTC-USDT"},
        {"XBT/EUR:perp", "BTC/EUR:perp", "BTC-EUR_PERP"},
        {"eth_usd:quarter", "ETH/USD:quarter", "ETH-USD_QUARTER"},
        {"sol/usdc:next_quarter", "SOL/USDC:next_quarter", "SOL-USDC_NEXT_QUARTER"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dccd_symbol s, back, back2;
        char buf[DCCD_SYMBOL_TEXT_MAX];
        assert_int_equal(dccd_symbol_parse(cases[i].in, &s, NULL), DCCD_OK);
        assert_int_equal(dccd_symbol_format(&s, buf, sizeof buf, NULL), DCCD_OK);
        assert_string_equal(buf, cases[i].text);
        assert_int_equal(dccd_symbol_parse(buf, &back, NULL), DCCD_OK);
        assert_true(dccd_symbol_equal(&s, &back));
        assert_int_equal(dccd_symbol_pair_slug(&s, buf, sizeof buf, NULL), DCCD_OK);
        assert_string_equal(buf, cases[i].slug);
        assert_int_equal(dccd_symbol_from_slug(buf, &back2, NULL), DCCD_OK);
        assert_true(dccd_symbol_equal(&s, &back2));
    }
    assert_string_equal(dccd_market_name(DCCD_SPOT), "spot");
    assert_string_equal(dccd_market_name(DCCD_NEXT_QUARTER), "next_quarter");
    assert_null(dccd_market_name((dccd_market)4));

    /* init upper-cases and aliases */
    dccd_symbol s;
    assert_int_equal(dccd_symbol_init(&s, "xbt", "usd", DCCD_PERP, NULL), DCCD_OK);
    assert_string_equal(s.base, "BTC");
    assert_string_equal(s.quote, "USD");
    dccd_error e;
    assert_int_equal(dccd_symbol_init(&s, "BTC", "USD", (dccd_market)7, &e), DCCD_EINVAL);
    assert_int_equal(dccd_symbol_init(&s, "BTC", "", DCCD_SPOT, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "empty quote"));

    /* buffer too small */
    char tiny[8];
    assert_int_equal(dccd_symbol_parse("BTC/USDT:perp", &s, NULL), DCCD_OK);
    assert_int_equal(dccd_symbol_format(&s, tiny, sizeof tiny, &e), DCCD_ERANGE);
    assert_string_equal(tiny, "");
    assert_int_equal(dccd_symbol_pair_slug(&s, tiny, sizeof tiny, &e), DCCD_ERANGE);

    /* hand-filled, non-canonical structs are refused */
    dccd_symbol h;
    memset(&h, 0, sizeof h);
    strcpy(h.base, "btc");
    strcpy(h.quote, "USD");
    char buf[DCCD_SYMBOL_TEXT_MAX];
    assert_int_equal(dccd_symbol_format(&h, buf, sizeof buf, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "not canonical"));
    strcpy(h.base, "B/C");
    assert_int_equal(dccd_symbol_pair_slug(&h, buf, sizeof buf, &e), DCCD_EINVAL);
    memset(h.base, 'A', sizeof h.base); /* no NUL */
    assert_int_equal(dccd_symbol_format(&h, buf, sizeof buf, &e), DCCD_EINVAL);
}

static void expect_bad_symbol(const char *text, const char *needle)
{
    dccd_symbol s;
    memset(&s, 0x5a, sizeof s);
    dccd_symbol before = s;
    dccd_error e;
    assert_int_equal(dccd_symbol_parse(text, &s, &e), DCCD_EINVAL);
    assert_int_equal(e.code, DCCD_EINVAL);
    if (!strstr(e.msg, needle))
        fail_msg("symbol %s: message \"%s\" lacks \"%s\"", text, e.msg, needle);
    assert_memory_equal(&s, &before, sizeof s); /* untouched */
}

static void test_symbol_bad(void **state)
{
    (void)state;
    expect_bad_symbol("", "expected BASE/QUOTE");
    expect_bad_symbol("BTC", "expected BASE/QUOTE");
    expect_bad_symbol("BTC/", "empty quote");
    expect_bad_symbol("/USDT", "empty base");
    expect_bad_symbol("BTC/US DT", "' ' at offset 6");
    expect_bad_symbol("BTC/USDT:moon", "unknown market \"moon\"");
    expect_bad_symbol("BTC/USDT:", "unknown market \"\"");
    expect_bad_symbol("BTC/USDT:perp:perp", "unknown market");
    expect_bad_symbol("../x/USDT", "'.' at offset 0");
    expect_bad_symbol("BTC/USDT/X", "'/' at offset 8");
    expect_bad_symbol("BTC-USDT_PERP", "'_' at offset 8");
    expect_bad_symbol("BTC/U\x01SD", "'\\x01' at offset 5");
    expect_bad_symbol("BTC/\xc3\xa9", "'\\xc3' at offset 4");
    expect_bad_symbol("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456/USD", "33 characters (max 32)");
    expect_bad_symbol("BTC/ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", "quote is 36 characters");
    dccd_symbol s;
    dccd_error e;
    assert_int_equal(dccd_symbol_parse(NULL, &s, &e), DCCD_EINVAL);
}

static void test_symbol_slug_strict(void **state)
{
    (void)state;
    dccd_symbol s;
    dccd_error e;
    const char *bad[] = {"", "BTCUSDT", "btc-usdt", "XBT-USD", "BTC-USDT_perp", "BTC-USDT_SPOT",
                         "BTC-USDT_", "BTC-USDT_MOON", "BTC/USDT", "-USDT", "BTC-", "BTC-USDT-X",
                         "..-USDT", "BTC-US DT"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (dccd_symbol_from_slug(bad[i], &s, &e) != DCCD_EINVAL)
            fail_msg("slug \"%s\" accepted", bad[i]);
        assert_non_null(strstr(e.msg, "invalid pair slug"));
    }
    assert_int_equal(dccd_symbol_from_slug("btc-usdt", &s, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "\"BTC-USDT\"")); /* suggests the canonical form */
    assert_int_equal(dccd_symbol_from_slug("BTC-USDT_NEXT_QUARTER", &s, NULL), DCCD_OK);
    assert_int_equal(s.market, DCCD_NEXT_QUARTER);
    assert_int_equal(dccd_symbol_from_slug(NULL, &s, &e), DCCD_EINVAL);
}

/* ---- exchange names and path components ---- */

static void test_exchange_names(void **state)
{
    (void)state;
    const char *good[] = {"binance", "kraken", "Binance", "okx-futures", "gate.io", "a", "x_1",
                          "0"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_int_equal(dccd_exchange_name_ok(good[i], NULL), DCCD_OK);
    char max[DCCD_EXCHANGE_MAX + 2];
    memset(max, 'a', sizeof max);
    max[DCCD_EXCHANGE_MAX] = '\0';
    assert_int_equal(dccd_exchange_name_ok(max, NULL), DCCD_OK);
    max[DCCD_EXCHANGE_MAX] = 'a';
    max[DCCD_EXCHANGE_MAX + 1] = '\0'; /* 65 chars */

    static const struct { const char *name, *needle; } bad[] = {
        {"../../etc", "invalid exchange name \"../../etc\": '/' not allowed"},
        {"..", "must not start with '.'"},
        {".", "must not start with '.'"},
        {".hidden", "must not start with '.'"},
        {"", "empty"},
        {"a/b", "'/' not allowed"},
        {"a\\b", "'\\\\' not allowed"},
        {"a\x01" "b", "'\\x01' not allowed"},
        {"a b", "' ' not allowed"},
        {"a:b", "':' not allowed"},
        {"caf\xc3\xa9", "'\\xc3' not allowed"},
        {"a\tb", "'\\x09' not allowed"},
        {"/abs", "'/' not allowed (offset 0"},
    };
    dccd_error e;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(dccd_exchange_name_ok(bad[i].name, &e), DCCD_EINVAL);
        if (!strstr(e.msg, bad[i].needle))
            fail_msg("exchange %zu: \"%s\" lacks \"%s\"", i, e.msg, bad[i].needle);
    }
    assert_int_equal(dccd_exchange_name_ok(max, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "65 bytes long (max 64)"));
    assert_int_equal(dccd_exchange_name_ok(NULL, &e), DCCD_EINVAL);
}

static void test_path_components(void **state)
{
    (void)state;
    assert_int_equal(dccd_path_component_ok("2024.parquet", NULL), DCCD_OK);
    assert_int_equal(dccd_path_component_ok("BTC-USDT_PERP", NULL), DCCD_OK);
    assert_int_equal(dccd_path_component_ok("2592000s", NULL), DCCD_OK);
    char name[DCCD_PATH_COMPONENT_MAX + 2];
    memset(name, 'x', sizeof name);
    name[DCCD_PATH_COMPONENT_MAX] = '\0';
    assert_int_equal(dccd_path_component_ok(name, NULL), DCCD_OK);
    name[DCCD_PATH_COMPONENT_MAX] = 'x';
    name[DCCD_PATH_COMPONENT_MAX + 1] = '\0';
    dccd_error e;
    assert_int_equal(dccd_path_component_ok(name, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "invalid path component"));
    const char *bad[] = {"", ".", "..", ".tmp", "a/b", "a\\b", "a\nb", "a b", "\x7f"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(dccd_path_component_ok(bad[i], &e), DCCD_EINVAL);
        assert_non_null(strstr(e.msg, "invalid path component"));
    }
}

/* ---- dataset ids ---- */

static dccd_symbol sym_of(const char *text)
{
    dccd_symbol s;
    assert_int_equal(dccd_symbol_parse(text, &s, NULL), DCCD_OK);
    return s;
}

static void test_dataset_format_parse_dir(void **state)
{
    (void)state;
    static const struct {
        const char *exchange, *symbol;
        dccd_data_type type;
        int64_t span;
        const char *id, *dir;
    } cases[] = {
        {"binance", "BTC/USDT", DCCD_OHLC, 3600, "binance:BTC/USDT:ohlc:3600s",
         "binance/ohlc/BTC-USDT/1h"},
        {"kraken", "xbt-eur", DCCD_OHLC, 2592000, "kraken:BTC/EUR:ohlc:2592000s",
         "kraken/ohlc/BTC-EUR/2592000s"},
        {"binance", "ETH/USDT:perp", DCCD_OHLC, 60, "binance:ETH/USDT:perp:ohlc:60s",
         "binance/ohlc/ETH-USDT_PERP/1m"},
        {"binance", "BTC/USDT", DCCD_TRADES, 0, "binance:BTC/USDT:trades",
         "binance/trades/BTC-USDT"},
        {"okx", "BTC/USD:next_quarter", DCCD_ORDERBOOK, 0, "okx:BTC/USD:next_quarter:orderbook",
         "okx/orderbook/BTC-USD_NEXT_QUARTER"},
        {"Gate.io", "btc_usdt:quarter", DCCD_TRADES, 0, "Gate.io:BTC/USDT:quarter:trades",
         "Gate.io/trades/BTC-USDT_QUARTER"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dccd_symbol s = sym_of(cases[i].symbol);
        dccd_dataset ds, back;
        dccd_error e;
        if (dccd_dataset_init(&ds, cases[i].exchange, &s, cases[i].type, cases[i].span, &e))
            fail_msg("init %zu: %s", i, e.msg);
        char buf[DCCD_DATASET_TEXT_MAX];
        assert_int_equal(dccd_dataset_format(&ds, buf, sizeof buf, NULL), DCCD_OK);
        assert_string_equal(buf, cases[i].id);
        if (dccd_dataset_parse(buf, &back, &e))
            fail_msg("parse %s: %s", buf, e.msg);
        assert_true(dccd_dataset_equal(&ds, &back));
        assert_int_equal(dccd_dataset_dir(&ds, buf, sizeof buf, NULL), DCCD_OK);
        assert_string_equal(buf, cases[i].dir);
        /* each component of the directory is path-safe */
        char *save = NULL;
        for (char *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save))
            assert_int_equal(dccd_path_component_ok(c, NULL), DCCD_OK);
        /* too-small buffers */
        char small[10];
        assert_int_equal(dccd_dataset_format(&ds, small, sizeof small, &e), DCCD_ERANGE);
        assert_string_equal(small, "");
        assert_int_equal(dccd_dataset_dir(&ds, small, sizeof small, &e), DCCD_ERANGE);
    }
    /* the span field also takes labels */
    dccd_dataset ds;
    assert_int_equal(dccd_dataset_parse("binance:btc-usdt:ohlc:1h", &ds, NULL), DCCD_OK);
    assert_true(ds.span == 3600);
    assert_string_equal(ds.symbol.base, "BTC");
}

static void test_dataset_invalid(void **state)
{
    (void)state;
    dccd_symbol s = sym_of("BTC/USDT");
    dccd_dataset ds;
    dccd_error e;
    assert_int_equal(dccd_dataset_init(&ds, "binance", &s, DCCD_OHLC, 0, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "dataset binance:BTC/USDT:ohlc: data_type=OHLC but span is None"));
    assert_int_equal(dccd_dataset_init(&ds, "binance", &s, DCCD_OHLC, -60, &e), DCCD_EINVAL);
    assert_int_equal(dccd_dataset_init(&ds, "binance", &s, DCCD_OHLC, DCCD_SPAN_MAX_SECONDS + 1, &e),
                     DCCD_EINVAL);
    assert_int_equal(dccd_dataset_init(&ds, "binance", &s, DCCD_TRADES, 60, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "data_type=trades must not have a span"));
    assert_int_equal(dccd_dataset_init(&ds, "../../etc", &s, DCCD_TRADES, 0, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "'/' not allowed"));
    assert_int_equal(dccd_dataset_init(&ds, "binance", &s, (dccd_data_type)5, 0, &e), DCCD_EINVAL);
    assert_int_equal(dccd_dataset_init(&ds, "binance", NULL, DCCD_TRADES, 0, &e), DCCD_EINVAL);

    /* hand-filled ids are validated before use in a path */
    assert_int_equal(dccd_dataset_init(&ds, "binance", &s, DCCD_TRADES, 0, NULL), DCCD_OK);
    char buf[DCCD_DATASET_TEXT_MAX];
    strcpy(ds.exchange, "..");
    assert_int_equal(dccd_dataset_dir(&ds, buf, sizeof buf, &e), DCCD_EINVAL);
    assert_string_equal(buf, "");
    strcpy(ds.exchange, "binance");
    strcpy(ds.symbol.quote, "../x");
    assert_int_equal(dccd_dataset_dir(&ds, buf, sizeof buf, &e), DCCD_EINVAL);
    strcpy(ds.symbol.quote, "USDT");
    ds.span = 60;
    assert_int_equal(dccd_dataset_format(&ds, buf, sizeof buf, &e), DCCD_EINVAL);
    memset(ds.exchange, 'a', sizeof ds.exchange);
    assert_int_equal(dccd_dataset_validate(&ds, &e), DCCD_EINVAL);

    const char *bad[] = {"", "binance", "binance:BTC/USDT", "binance:BTC/USDT:candles",
                         "binance:BTC/USDT:ohlc", "binance:BTC/USDT:ohlc:abc",
                         "binance:BTC/USDT:trades:60s", "binance:BTC/USDT:moon:trades",
                         "binance:BTC/USDT:perp:perp:ohlc:60s", "..:BTC/USDT:trades",
                         ":BTC/USDT:trades", "binance:BTC:trades", "binance:ohlc:1h",
                         "a:b:c:d:e:f:g", "binance:BTC/USDT:ohlc:0s"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = dccd_dataset_parse(bad[i], &ds, &e);
        if (rc == DCCD_OK)
            fail_msg("dataset id \"%s\" accepted", bad[i]);
        assert_true(rc == DCCD_EINVAL || rc == DCCD_ERANGE);
        if (!strstr(e.msg, "bad dataset id") && !strstr(e.msg, "dataset"))
            fail_msg("%s: %s", bad[i], e.msg);
    }
    char longid[400];
    memset(longid, 'a', sizeof longid - 1);
    longid[sizeof longid - 1] = '\0';
    assert_int_equal(dccd_dataset_parse(longid, &ds, &e), DCCD_EINVAL);
    assert_int_equal(dccd_dataset_parse(NULL, &ds, &e), DCCD_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_data_type_names),
        cmocka_unit_test(test_span_labels_both_ways),
        cmocka_unit_test(test_str_to_span_words),
        cmocka_unit_test(test_span_parse_lenient),
        cmocka_unit_test(test_symbol_parse_forms),
        cmocka_unit_test(test_symbol_format_and_slug),
        cmocka_unit_test(test_symbol_bad),
        cmocka_unit_test(test_symbol_slug_strict),
        cmocka_unit_test(test_exchange_names),
        cmocka_unit_test(test_path_components),
        cmocka_unit_test(test_dataset_format_parse_dir),
        cmocka_unit_test(test_dataset_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
