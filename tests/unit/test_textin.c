/*
 * tests/unit/test_textin.c - the text importer (src/cli/textin.c): CSV and
 * JSON-lines lines into canonical tables.  Checks parsed values (doubles
 * against strtod, the correctly rounded reference), nulls versus empty
 * strings, CSV quoting, ISO timestamps against dccd_time_parse, the
 * per-line store rules, error messages naming file, line and column,
 * skip_bad counting with nothing of a rejected line left behind, header
 * errors, batch growth and take(), and the parallel import's hooks: a
 * parser forked from one that read the header (fork before it refused),
 * line numbers from cli_textin_seek, plain (quote-free) splitting equal to
 * the general one, SWAR integers at every length.  Linked with the CLI
 * objects by tests/cli_io.cmake.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dccd/domain.h"
#include "dccd/store.h"
#include "textin.h"

static int feed(cli_textin *in, const char *line, dccd_error *err)
{
    return cli_textin_line(in, line, strlen(line), err);
}

static cli_textin *open_in(cli_text_format fmt, dccd_data_type type, const char *name, bool skip)
{
    cli_textin *in = NULL;
    dccd_error err;
    assert_int_equal(cli_textin_open(&in, fmt, type, name, skip, &err), DCCD_OK);
    assert_non_null(in);
    return in;
}

static void str_at(const dccd_pq_column *c, size_t i, char *buf, size_t cap)
{
    size_t n = (size_t)(c->offsets[i + 1] - c->offsets[i]);
    assert_true(n < cap);
    if (n)
        memcpy(buf, c->data + c->offsets[i], n);
    buf[n] = 0;
}

static bool valid(const dccd_pq_column *c, size_t i)
{
    return !c->validity || c->validity[i];
}

static void test_csv_trades(void **state)
{
    (void)state;
    dccd_error err;
    cli_textin *in = open_in(CLI_FMT_CSV, DCCD_TRADES, "t.csv", false);
    assert_int_equal(feed(in, "TS,price,amount,side,tid\r", &err), DCCD_OK);
    assert_int_equal(feed(in, "1709251200000000000,62000.5,0.1,buy,1", &err), DCCD_OK);
    assert_int_equal(feed(in, "", &err), DCCD_OK); /* empty lines skipped */
    assert_int_equal(feed(in, "2024-03-01T00:00:01.5Z,62001,0.25,sell,\"a,\"\"b\"\"\"", &err), DCCD_OK);
    assert_int_equal(feed(in, "1709251203000000000,1,2,,\"\"", &err), DCCD_OK);
    assert_int_equal(feed(in, "1709251204000000000,1,2,sell,", &err), DCCD_OK);
    assert_int_equal(cli_textin_rows(in), 4);
    assert_int_equal(cli_textin_lines(in), 4);
    dccd_table t;
    assert_int_equal(cli_textin_take(in, &t, &err), DCCD_OK);
    assert_int_equal(t.nrows, 4);
    assert_int_equal(t.ncols, 5);
    const int64_t *ts = t.cols[0].values;
    int64_t iso;
    assert_int_equal(dccd_time_parse("2024-03-01T00:00:01.5Z", &iso, NULL), DCCD_OK);
    assert_int_equal(ts[0], INT64_C(1709251200000000000));
    assert_int_equal(ts[1], iso);
    const double *price = t.cols[1].values;
    assert_true(price[0] == 62000.5 && price[1] == 62001.0);
    char buf[64];
    str_at(&t.cols[3], 0, buf, sizeof buf);
    assert_string_equal(buf, "buy");
    assert_false(valid(&t.cols[3], 2)); /* empty unquoted: null */
    str_at(&t.cols[4], 1, buf, sizeof buf);
    assert_string_equal(buf, "a,\"b\"");
    assert_true(valid(&t.cols[4], 2)); /* quoted empty: empty string */
    str_at(&t.cols[4], 2, buf, sizeof buf);
    assert_string_equal(buf, "");
    assert_false(valid(&t.cols[4], 3));
    assert_int_equal(t.cols[4].null_count, 1);
    assert_int_equal(t.cols[3].null_count, 1);
    assert_null(t.cols[0].validity);
    dccd_table_free(&t);
    /* take again: empty */
    assert_int_equal(cli_textin_take(in, &t, &err), DCCD_OK);
    assert_int_equal(t.nrows, 0);
    dccd_table_free(&t);
    cli_textin_close(in);
}

static void test_doubles_exact(void **state)
{
    (void)state;
    static const char *nums[] = {"0.1",
                                 "62001.123456789",
                                 "1e-3",
                                 "-0.0",
                                 "123456789012345678901234567890",
                                 "2.2250738585072014e-308",
                                 "4.9e-324",
                                 "9007199254740993",
                                 "4.35",
                                 "0.30000000000000004",
                                 "1.7976931348623157e308",
                                 ".5",
                                 "5.",
                                 "+3.25E+2",
                                 "0.000000000000000000000000000001234",
                                 "12345678901234567890.123456789e-5"};
    dccd_error err;
    cli_textin *in = open_in(CLI_FMT_CSV, DCCD_TRADES, "n.csv", false);
    assert_int_equal(feed(in, "TS,price,amount", &err), DCCD_OK);
    size_t n = sizeof nums / sizeof nums[0];
    char line[256];
    for (size_t i = 0; i < n; i++) {
        snprintf(line, sizeof line, "%zu,%s,1", i + 1, nums[i]);
        assert_int_equal(feed(in, line, &err), DCCD_OK);
    }
    dccd_table t;
    assert_int_equal(cli_textin_take(in, &t, &err), DCCD_OK);
    assert_int_equal(t.nrows, n);
    const double *v = t.cols[1].values;
    for (size_t i = 0; i < n; i++) {
        double ref = strtod(nums[i], NULL);
        assert_memory_equal(&v[i], &ref, sizeof ref); /* bit-exact, keeps -0.0 */
    }
    /* missing nullable columns are nulls */
    assert_int_equal(t.cols[3].null_count, n);
    dccd_table_free(&t);
    cli_textin_close(in);
}

static void test_bad_lines(void **state)
{
    (void)state;
    static const struct {
        const char *line;
        const char *expect; /* substring of the message */
    } bad[] = {
        {"1,abc,1,buy,1", "bad.csv:2: column 2 'price': not a number: \"abc\""},
        {"1,nan,1,buy,1", "column 2 'price': not a number"},
        {"1,inf,1,buy,1", "column 2 'price'"},
        {"1,1e999,1,buy,1", "out of range"},
        {"1,1,-1,buy,1", "column 3 'amount': a negative value"},
        {"1,1,1,hold,1", "column 4 'side': side must be"},
        {"-5,1,1,buy,1", "column 1 'TS': TS must be >= 0 nanoseconds since 1970-01-01T00:00:00Z, got -5"},
        {"2024-13-01,1,1,buy,1", "column 1 'TS'"},
        {"9223372036854775808,1,1,buy,1", "column 1 'TS'"},
        {",1,1,buy,1", "column 1 'TS': a value is required"},
        {"1,,1,buy,1", "column 2 'price': a value is required"},
        {"1,1,1,buy", "line has 4 fields, the header 5"},
        {"1,1,1,buy,1,2", "column 6: more fields"},
        {"1,1,1,buy,\"abc", "unterminated quoted field"},
        {"1,1,1,buy,\"a\"b", "text after a closing quote"},
        {"1,1,1,b\"uy,1", "a quote inside an unquoted field"},
    };
    size_t n = sizeof bad / sizeof bad[0];
    for (size_t i = 0; i < n; i++) {
        dccd_error err;
        cli_textin *in = open_in(CLI_FMT_CSV, DCCD_TRADES, "bad.csv", false);
        assert_int_equal(feed(in, "TS,price,amount,side,tid", &err), DCCD_OK);
        int rc = feed(in, bad[i].line, &err);
        if (rc != DCCD_EINVAL || !strstr(err.msg, bad[i].expect))
            fail_msg("line %s: rc %d message '%s', expected '%s'", bad[i].line, rc, err.msg, bad[i].expect);
        assert_int_equal(cli_textin_rows(in), 0);
        cli_textin_close(in);
    }
    /* a NUL byte inside TS (CSV and JSON) is refused, never cut short:
     * "5\0" followed by junk is not TS 5 */
    {
        static const char csv[] = "5\0junk,1,1,buy,1";
        static const char json[] = "{\"TS\":\"5\\u0000junk\",\"price\":1,\"amount\":1}";
        dccd_error err;
        cli_textin *in = open_in(CLI_FMT_CSV, DCCD_TRADES, "nul.csv", false);
        assert_int_equal(feed(in, "TS,price,amount,side,tid", &err), DCCD_OK);
        assert_int_equal(cli_textin_line(in, csv, sizeof csv - 1, &err), DCCD_EINVAL);
        assert_non_null(strstr(err.msg, "nul.csv:2: column 1 'TS': NUL byte"));
        assert_int_equal(cli_textin_rows(in), 0);
        cli_textin_close(in);
        in = open_in(CLI_FMT_JSONL, DCCD_TRADES, "nul.jsonl", false);
        assert_int_equal(feed(in, json, &err), DCCD_EINVAL);
        assert_non_null(strstr(err.msg, "nul.jsonl:1: column 'TS': NUL byte"));
        assert_int_equal(cli_textin_rows(in), 0);
        cli_textin_close(in);
    }
    /* the same lines under skip_bad: counted, dropped, good rows intact */
    dccd_error err;
    cli_textin *in = open_in(CLI_FMT_CSV, DCCD_TRADES, "bad.csv", true);
    assert_int_equal(feed(in, "TS,tid,price,amount,side", &err), DCCD_OK);
    assert_int_equal(feed(in, "1,good1,1,1,buy", &err), DCCD_OK);
    /* tid is appended before the price fails: must be rolled back */
    assert_int_equal(feed(in, "2,LONG-REJECTED-TID,x,1,buy", &err), DCCD_OK);
    assert_int_equal(feed(in, "3,good2,1,1,sell", &err), DCCD_OK);
    assert_int_equal(feed(in, "4,bad,1,1,hold", &err), DCCD_OK);
    assert_int_equal(cli_textin_rejected(in), 2);
    assert_int_equal(cli_textin_lines(in), 4);
    assert_non_null(strstr(cli_textin_last_error(in), "bad.csv:5: column 5 'side'"));
    dccd_table t;
    assert_int_equal(cli_textin_take(in, &t, &err), DCCD_OK);
    assert_int_equal(t.nrows, 2);
    char buf[64];
    str_at(&t.cols[4], 0, buf, sizeof buf);
    assert_string_equal(buf, "good1");
    str_at(&t.cols[4], 1, buf, sizeof buf);
    assert_string_equal(buf, "good2");
    assert_int_equal(((int64_t *)t.cols[0].values)[1], 3);
    dccd_table_free(&t);
    cli_textin_close(in);
}

static void test_headers(void **state)
{
    (void)state;
    static const struct {
        dccd_data_type type;
        const char *header;
        const char *expect;
    } cases[] = {
        {DCCD_TRADES, "TS,price,amount,colour", "h.csv:1: column 4: unknown column \"colour\""},
        {DCCD_TRADES, "TS,price", "no column 'amount'"},
        {DCCD_TRADES, "price,amount,side", "no column 'TS'"},
        {DCCD_TRADES, "TS,price,amount,price", "column 4: column 'price' appears twice"},
        {DCCD_ORDERBOOK, "TS,side,price", "no column 'amount'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dccd_error err;
        cli_textin *in = open_in(CLI_FMT_CSV, cases[i].type, "h.csv", true);
        int rc = feed(in, cases[i].header, &err);
        if (rc != DCCD_EINVAL || !strstr(err.msg, cases[i].expect))
            fail_msg("header %s: rc %d message '%s'", cases[i].header, rc, err.msg);
        cli_textin_close(in);
    }
    /* the seed's aliases: quoteVolume, weightedAverage ignored; BOM skipped */
    dccd_error err;
    cli_textin *in = open_in(CLI_FMT_CSV, DCCD_OHLC, "o.csv", false);
    assert_int_equal(feed(in, "\xEF\xBB\xBFTS,open,high,low,close,volume,quoteVolume,weightedAverage", &err), DCCD_OK);
    assert_int_equal(feed(in, "60000000000,1,2,0.5,1.5,10,15,1.4", &err), DCCD_OK);
    assert_int_equal(feed(in, "120000000000,1,2,0.5,1.5,-1,15,1.4", &err), DCCD_EINVAL);
    assert_non_null(strstr(err.msg, "o.csv:3: column 6 'volume': a negative value"));
    dccd_table t;
    assert_int_equal(cli_textin_take(in, &t, &err), DCCD_OK);
    assert_int_equal(t.nrows, 1);
    assert_true(((double *)t.cols[6].values)[0] == 15.0);
    assert_int_equal(t.cols[7].null_count, 1);
    dccd_table_free(&t);
    cli_textin_close(in);
}

static void test_orderbook_bools(void **state)
{
    (void)state;
    dccd_error err;
    cli_textin *in = open_in(CLI_FMT_CSV, DCCD_ORDERBOOK, "b.csv", false);
    assert_int_equal(feed(in, "TS,side,price,amount,count,is_snapshot", &err), DCCD_OK);
    assert_int_equal(feed(in, "1,bid,100,1,3,true", &err), DCCD_OK);
    assert_int_equal(feed(in, "1,ask,101,2,,0", &err), DCCD_OK);
    assert_int_equal(feed(in, "2,ask,101,2,1,FALSE", &err), DCCD_OK);
    assert_int_equal(feed(in, "2,ask,101,2,1,1", &err), DCCD_OK);
    assert_int_equal(feed(in, "2,ask,101,2,1,yes", &err), DCCD_EINVAL);
    assert_non_null(strstr(err.msg, "column 6 'is_snapshot': not a boolean"));
    assert_int_equal(feed(in, "2,buy,101,2,1,1", &err), DCCD_EINVAL);
    assert_non_null(strstr(err.msg, "'side'"));
    assert_int_equal(feed(in, "2,ask,101,2,-1,1", &err), DCCD_EINVAL);
    assert_non_null(strstr(err.msg, "column 5 'count': a negative count"));
    assert_int_equal(feed(in, "2,ask,101,2,1,", &err), DCCD_EINVAL);
    assert_non_null(strstr(err.msg, "'is_snapshot': a value is required"));
    dccd_table t;
    assert_int_equal(cli_textin_take(in, &t, &err), DCCD_OK);
    assert_int_equal(t.nrows, 4);
    const uint8_t *snap = t.cols[5].values;
    assert_int_equal(snap[0], 1);
    assert_int_equal(snap[1], 0);
    assert_int_equal(snap[2], 0);
    assert_int_equal(snap[3], 1);
    assert_false(valid(&t.cols[4], 1));
    assert_int_equal(((int64_t *)t.cols[4].values)[0], 3);
    dccd_table_free(&t);
    cli_textin_close(in);
    /* no is_snapshot column, no is_snapshot key: true (the seed's default);
     * a JSON null is still refused */
    in = open_in(CLI_FMT_CSV, DCCD_ORDERBOOK, "d.csv", false);
    assert_int_equal(feed(in, "TS,side,price,amount", &err), DCCD_OK);
    assert_int_equal(feed(in, "1,bid,100,1", &err), DCCD_OK);
    assert_int_equal(cli_textin_take(in, &t, &err), DCCD_OK);
    assert_int_equal(t.nrows, 1);
    assert_true(valid(&t.cols[5], 0));
    assert_int_equal(((uint8_t *)t.cols[5].values)[0], 1);
    dccd_table_free(&t);
    cli_textin_close(in);
    in = open_in(CLI_FMT_JSONL, DCCD_ORDERBOOK, "d.jsonl", false);
    assert_int_equal(feed(in, "{\"TS\":1,\"side\":\"ask\",\"price\":1,\"amount\":1}", &err), DCCD_OK);
    assert_int_equal(feed(in, "{\"TS\":2,\"side\":\"ask\",\"price\":1,\"amount\":1,\"is_snapshot\":null}", &err),
                     DCCD_EINVAL);
    assert_non_null(strstr(err.msg, "'is_snapshot': a value is required"));
    assert_int_equal(cli_textin_take(in, &t, &err), DCCD_OK);
    assert_int_equal(t.nrows, 1);
    assert_int_equal(((uint8_t *)t.cols[5].values)[0], 1);
    dccd_table_free(&t);
    cli_textin_close(in);
}

static void test_jsonl(void **state)
{
    (void)state;
    dccd_error err;
    cli_textin *in = open_in(CLI_FMT_JSONL, DCCD_TRADES, "t.jsonl", false);
    assert_int_equal(feed(in, "{\"TS\":1709251200000000000,\"price\":0.1,\"amount\":2,\"side\":\"buy\",\"tid\":\"x\"}",
                          &err),
                     DCCD_OK);
    assert_int_equal(feed(in, "{\"TS\":\"2024-03-01T00:00:01Z\",\"price\":\"62001.5\",\"amount\":1.5,\"tid\":42}", &err),
                     DCCD_OK);
    assert_int_equal(feed(in, "{\"TS\":3,\"price\":1,\"amount\":1,\"side\":null,\"tid\":null}", &err), DCCD_OK);
    static const struct {
        const char *line, *expect;
    } bad[] = {
        {"{\"TS\":1,\"price\":1,\"amount\":1,\"colour\":1}", "t.jsonl:4: unknown column \"colour\""},
        {"{\"TS\":1,\"price\":1,\"amount\":1", "t.jsonl:4: column"},
        {"[1,2]", "not a JSON object"},
        {"{\"TS\":1,\"price\":1,\"price\":2,\"amount\":1}", "invalid JSON"},
        {"{\"TS\":1,\"price\":true,\"amount\":1}", "column 'price': a boolean is not allowed"},
        {"{\"TS\":1.5,\"price\":1,\"amount\":1}", "column 'TS'"},
        {"{\"TS\":1,\"amount\":1}", "column 'price': missing"},
        {"{\"TS\":1,\"price\":{},\"amount\":1}", "column 'price': an object"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = feed(in, bad[i].line, &err);
        if (rc != DCCD_EINVAL || !strstr(err.msg, bad[i].expect))
            fail_msg("line %s: rc %d message '%s'", bad[i].line, rc, err.msg);
        cli_textin_close(in);
        in = open_in(CLI_FMT_JSONL, DCCD_TRADES, "t.jsonl", false);
        for (int k = 0; k < 3; k++)
            assert_int_equal(feed(in, "{\"TS\":5,\"price\":1,\"amount\":1}", &err), DCCD_OK);
    }
    cli_textin_close(in);

    in = open_in(CLI_FMT_JSONL, DCCD_TRADES, "t.jsonl", false);
    assert_int_equal(feed(in, "{\"TS\":1709251200000000000,\"price\":0.1,\"amount\":2,\"side\":\"buy\",\"tid\":\"x\"}",
                          &err),
                     DCCD_OK);
    assert_int_equal(feed(in, "{\"TS\":\"2024-03-01T00:00:01Z\",\"price\":\"62001.5\",\"amount\":1.5,\"tid\":42}", &err),
                     DCCD_OK);
    dccd_table t;
    assert_int_equal(cli_textin_take(in, &t, &err), DCCD_OK);
    assert_int_equal(t.nrows, 2);
    assert_true(((double *)t.cols[1].values)[0] == 0.1);
    assert_true(((double *)t.cols[1].values)[1] == 62001.5);
    assert_true(((double *)t.cols[2].values)[0] == 2.0);
    char buf[32];
    str_at(&t.cols[4], 1, buf, sizeof buf);
    assert_string_equal(buf, "42");
    assert_false(valid(&t.cols[3], 1));
    dccd_table_free(&t);
    cli_textin_close(in);
}

static void test_growth(void **state)
{
    (void)state;
    dccd_error err;
    cli_textin *in = open_in(CLI_FMT_CSV, DCCD_TRADES, "g.csv", false);
    assert_int_equal(feed(in, "TS,price,amount,side,tid", &err), DCCD_OK);
    char line[128];
    const size_t n = 5000;
    for (size_t i = 0; i < n; i++) {
        snprintf(line, sizeof line, "%zu,%zu.25,1,%s,tid-%zu", i + 1, i, (i % 3) ? "buy" : "", i);
        assert_int_equal(feed(in, line, &err), DCCD_OK);
    }
    dccd_table t;
    assert_int_equal(cli_textin_take(in, &t, &err), DCCD_OK);
    assert_int_equal(t.nrows, n);
    char buf[32], want[32];
    for (size_t i = 0; i < n; i += 997) {
        assert_int_equal(((int64_t *)t.cols[0].values)[i], (int64_t)i + 1);
        assert_true(((double *)t.cols[1].values)[i] == (double)i + 0.25);
        str_at(&t.cols[4], i, buf, sizeof buf);
        snprintf(want, sizeof want, "tid-%zu", i);
        assert_string_equal(buf, want);
        assert_int_equal(valid(&t.cols[3], i), (i % 3) != 0);
    }
    assert_int_equal(t.cols[3].null_count, (n + 2) / 3);
    dccd_table_free(&t);
    /* the importer keeps working after a take */
    assert_int_equal(feed(in, "7,1,1,sell,z", &err), DCCD_OK);
    assert_int_equal(cli_textin_take(in, &t, &err), DCCD_OK);
    assert_int_equal(t.nrows, 1);
    str_at(&t.cols[4], 0, buf, sizeof buf);
    assert_string_equal(buf, "z");
    dccd_table_free(&t);
    cli_textin_close(in);
}

/* Random lines from a small alphabet of tricky tokens (deterministic):
 * every line is either a row or an EINVAL counted under skip_bad, never
 * anything else, and the rows taken are consistent (run under ASan). */
static void test_random_lines(void **state)
{
    (void)state;
    static const char *tok[] = {"1", "0", "-", ".", "e", "+", ",", "\"", "a", "buy", "sell", "bid", "ask", "true",
                                "2024-03-01T00:00:00Z", "1e308", "99999999999999999999", "\\", "null", "{", "}", ":",
                                "\"TS\"", "\"price\"", "[", "]", "\xff", "\t", " "};
    uint64_t x = 88172645463325252ull;
    for (int fmt = 0; fmt < 2; fmt++) {
        for (int type = 0; type < 3; type++) {
            dccd_error err;
            cli_textin *in = open_in(fmt ? CLI_FMT_JSONL : CLI_FMT_CSV, (dccd_data_type)type, "r", true);
            if (!fmt) {
                char hdr[128] = "";
                for (int c = 0; c < dccd_schema_ncols((dccd_data_type)type); c++) {
                    if (c)
                        strcat(hdr, ",");
                    strcat(hdr, dccd_schema_col_name((dccd_data_type)type, c));
                }
                assert_int_equal(feed(in, hdr, &err), DCCD_OK);
            }
            int64_t nonempty = 0;
            for (int i = 0; i < 3000; i++) {
                char line[512] = "";
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                int ntok = (int)(x % 24);
                if (fmt)
                    strcat(line, "{\"TS\":");
                for (int k = 0; k < ntok; k++) {
                    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                    strcat(line, tok[x % (sizeof tok / sizeof tok[0])]);
                }
                if (fmt)
                    strcat(line, "}");
                size_t len = strlen(line);
                if (len && !(len == 1 && line[0] == '\r'))
                    nonempty++;
                assert_int_equal(cli_textin_line(in, line, len, &err), DCCD_OK);
            }
            assert_int_equal(cli_textin_lines(in), nonempty);
            assert_int_equal((int64_t)cli_textin_rows(in) + cli_textin_rejected(in), nonempty);
            dccd_table t;
            assert_int_equal(cli_textin_take(in, &t, &err), DCCD_OK);
            for (size_t r = 0; r < t.nrows; r++)
                assert_true(((int64_t *)t.cols[0].values)[r] > 0);
            dccd_table_free(&t);
            cli_textin_close(in);
        }
    }
}

/* cli_textin_fork / seek / plain, as `dccd import` uses them per part */
static void test_fork(void **state)
{
    (void)state;
    dccd_error err;
    cli_textin *hdr = open_in(CLI_FMT_CSV, DCCD_TRADES, "f.csv", false);
    cli_textin *early = NULL;
    assert_false(cli_textin_ready(hdr));
    assert_int_not_equal(cli_textin_fork(hdr, &early, &err), DCCD_OK); /* no header yet */
    assert_null(early);
    assert_int_equal(feed(hdr, "tid,TS,side,amount,price", &err), DCCD_OK);
    assert_true(cli_textin_ready(hdr));
    const char *rows[] = {"a,1,buy,1,2", "b,22,sell,0.5,3.25", ",333,buy,0.25,4", "d,4444,buy,1,"};
    cli_textin *gen = NULL, *pl = NULL;
    assert_int_equal(cli_textin_fork(hdr, &gen, &err), DCCD_OK);
    assert_int_equal(cli_textin_fork(hdr, &pl, &err), DCCD_OK);
    cli_textin_seek(gen, 100);
    cli_textin_seek(pl, 100);
    cli_textin_plain(pl, true);
    int rg[4], rp[4];
    char mg[4][DCCD_ERROR_MSG_MAX], mp[4][DCCD_ERROR_MSG_MAX];
    for (int i = 0; i < 4; i++) {
        err.msg[0] = 0;
        rg[i] = feed(gen, rows[i], &err);
        snprintf(mg[i], sizeof mg[i], "%s", rg[i] ? err.msg : "");
        err.msg[0] = 0;
        rp[i] = feed(pl, rows[i], &err);
        snprintf(mp[i], sizeof mp[i], "%s", rp[i] ? err.msg : "");
        assert_int_equal(rg[i], rp[i]);
        assert_string_equal(mg[i], mp[i]);
    }
    assert_int_equal(rg[0], DCCD_OK);
    assert_int_equal(rg[2], DCCD_OK); /* tid null */
    assert_int_not_equal(rg[3], DCCD_OK); /* price is required */
    assert_non_null(strstr(mg[3], "f.csv:104: column 5 'price'"));
    assert_int_equal(cli_textin_lineno(gen), 104);
    dccd_table a, b;
    assert_int_equal(cli_textin_take(gen, &a, &err), DCCD_OK);
    assert_int_equal(cli_textin_take(pl, &b, &err), DCCD_OK);
    assert_int_equal(a.nrows, b.nrows);
    for (int c = 0; c < a.ncols; c++) {
        const dccd_pq_column *x = &a.cols[c], *y = &b.cols[c];
        assert_int_equal(x->null_count, y->null_count);
        for (size_t r = 0; r < a.nrows; r++) {
            assert_int_equal(valid(x, r), valid(y, r));
            if (x->type == DCCD_PQ_BYTE_ARRAY) {
                char u[64], v[64];
                str_at(x, r, u, sizeof u);
                str_at(y, r, v, sizeof v);
                assert_string_equal(u, v);
            } else {
                assert_memory_equal((const char *)x->values + r * 8, (const char *)y->values + r * 8, 8);
            }
        }
    }
    dccd_table_free(&a);
    dccd_table_free(&b);
    cli_textin_close(gen);
    cli_textin_close(pl);
    cli_textin_close(hdr);

    /* integers of every length through the eight-digit path */
    cli_textin *in = open_in(CLI_FMT_CSV, DCCD_TRADES, "i.csv", false);
    cli_textin_plain(in, true);
    assert_int_equal(feed(in, "TS,price,amount", &err), DCCD_OK);
    int64_t want[20];
    int64_t v = 0;
    char line[64];
    for (int d = 1; d <= 19; d++) {
        v = v * 10 + (d % 10);
        want[d] = v;
        snprintf(line, sizeof line, "%lld,1,1", (long long)v);
        assert_int_equal(feed(in, line, &err), DCCD_OK);
    }
    assert_int_not_equal(feed(in, "12345678x,1,1", &err), DCCD_OK);
    assert_int_not_equal(feed(in, "9223372036854775808,1,1", &err), DCCD_OK); /* INT64_MAX + 1 */
    assert_int_equal(feed(in, "0009223372036854775807,1,1", &err), DCCD_OK);
    dccd_table t;
    assert_int_equal(cli_textin_take(in, &t, &err), DCCD_OK);
    assert_int_equal(t.nrows, 20);
    for (int d = 1; d <= 19; d++)
        assert_int_equal(((int64_t *)t.cols[0].values)[d - 1], want[d]);
    assert_int_equal(((int64_t *)t.cols[0].values)[19], INT64_MAX);
    dccd_table_free(&t);
    cli_textin_close(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_trades),  cmocka_unit_test(test_doubles_exact),   cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_headers),     cmocka_unit_test(test_orderbook_bools), cmocka_unit_test(test_jsonl),
        cmocka_unit_test(test_growth),      cmocka_unit_test(test_random_lines),    cmocka_unit_test(test_fork),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
