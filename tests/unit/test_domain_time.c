/*
 * tests/unit/test_domain_time.c - nanosecond UTC timestamps: calendar
 * conversion, year/day starts, period labels and ranges, ISO-8601 parsing
 * and formatting (include/dccd/domain.h).
 *
 * Known values were computed independently (Python datetime); the calendar
 * is also cross-checked against the C library's gmtime_r()/timegm() (64-bit
 * time_t) for random instants over the whole int64 range.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <stdio.h>
#include <time.h>

#include "dccd/domain.h"

#define NS DCCD_NS

/* Deterministic xorshift64* generator: local state, no globals. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * UINT64_C(2685821657736338717);
}

static int64_t parse_ok(const char *text)
{
    int64_t ts = 0;
    dccd_error e;
    if (dccd_time_parse(text, &ts, &e) != DCCD_OK)
        fail_msg("parse \"%s\": %s", text, e.msg);
    return ts;
}

static void parse_bad(const char *text, int code, const char *needle)
{
    int64_t ts = 12345;
    dccd_error e;
    int rc = dccd_time_parse(text, &ts, &e);
    if (rc != code)
        fail_msg("parse \"%s\": got %d (%s), want %d", text, rc, e.msg, code);
    if (!strstr(e.msg, needle))
        fail_msg("parse \"%s\": message \"%s\" lacks \"%s\"", text, e.msg, needle);
    assert_true(ts == 12345);
}

static void test_known_values(void **state)
{
    (void)state;
    assert_true(parse_ok("2024-03-01T00:00:00Z") == INT64_C(1709251200000000000));
    assert_true(parse_ok("2024-03-01") == INT64_C(1709251200000000000));
    assert_true(parse_ok("1709251200000000000") == INT64_C(1709251200000000000));
    assert_true(parse_ok("2000-02-29") == INT64_C(951782400) * NS);
    assert_true(parse_ok("1900-02-28") == INT64_C(-2203977600) * NS);
    assert_true(parse_ok("1900-03-01") == INT64_C(-2203891200) * NS);
    assert_true(parse_ok("2024-02-29") == INT64_C(1709164800) * NS);
    assert_true(parse_ok("1969-12-31") == INT64_C(-86400) * NS);
    assert_true(parse_ok("1960-06-15T12:30:45Z") == INT64_C(-301231755) * NS);
    assert_true(parse_ok("1970-01-01T00:00:00Z") == 0);
    /* the int64 limits themselves */
    assert_true(parse_ok("1677-09-21T00:12:43.145224192Z") == INT64_MIN);
    assert_true(parse_ok("2262-04-11T23:47:16.854775807Z") == INT64_MAX);
    assert_true(parse_ok("-9223372036854775808") == INT64_MIN);
    assert_true(parse_ok("9223372036854775807") == INT64_MAX);
    assert_true(parse_ok("-1") == -1);
    assert_true(parse_ok("0") == 0);

    /* leap years */
    assert_true(dccd_is_leap_year(2000));
    assert_false(dccd_is_leap_year(1900));
    assert_true(dccd_is_leap_year(2024));
    assert_false(dccd_is_leap_year(2023));
    assert_true(dccd_civil_valid(2000, 2, 29));
    assert_false(dccd_civil_valid(1900, 2, 29));
    assert_true(dccd_civil_valid(2024, 2, 29));
    assert_false(dccd_civil_valid(2023, 2, 29));
    assert_false(dccd_civil_valid(2024, 4, 31));
    assert_false(dccd_civil_valid(2024, 0, 1));
    assert_false(dccd_civil_valid(2024, 13, 1));
    assert_false(dccd_civil_valid(2024, 1, 0));

    /* breakdown */
    dccd_civil_time c;
    dccd_time_to_civil(-1, &c); /* 1969-12-31T23:59:59.999999999 */
    assert_int_equal(c.year, 1969);
    assert_int_equal(c.month, 12);
    assert_int_equal(c.day, 31);
    assert_int_equal(c.hour, 23);
    assert_int_equal(c.minute, 59);
    assert_int_equal(c.second, 59);
    assert_int_equal(c.nsec, 999999999);
    assert_int_equal(c.weekday, 3); /* Wednesday */
    dccd_time_to_civil(INT64_C(1709251200000000000), &c);
    assert_int_equal(c.weekday, 5); /* 2024-03-01 was a Friday */
    dccd_time_to_civil(INT64_MIN, &c);
    assert_int_equal(c.year, 1677);
    assert_int_equal(c.month, 9);
    assert_int_equal(c.day, 21);
    assert_int_equal(c.nsec, 145224192);
    dccd_time_to_civil(INT64_MAX, &c);
    assert_int_equal(c.year, 2262);
    assert_int_equal(c.month, 4);
    assert_int_equal(c.day, 11);

    /* days_from_civil / civil_from_days over years 1..9999 and beyond */
    assert_true(dccd_days_from_civil(1970, 1, 1) == 0);
    assert_true(dccd_days_from_civil(1, 1, 1) == -719162);
    assert_true(dccd_days_from_civil(9999, 12, 31) == 2932896);
    int64_t prev = dccd_days_from_civil(0, 12, 31);
    for (int64_t y = 1; y <= 9999; y += 7) {
        for (int m = 1; m <= 12; m++) {
            int64_t d = dccd_days_from_civil(y, m, 1);
            int64_t yy;
            int mm, dd;
            dccd_civil_from_days(d, &yy, &mm, &dd);
            assert_true(yy == y);
            assert_int_equal(mm, m);
            assert_int_equal(dd, 1);
            dccd_civil_from_days(d - 1, &yy, &mm, &dd); /* last day of previous month */
            assert_true(dccd_civil_valid(yy, mm, dd));
            assert_false(dccd_civil_valid(yy, mm, dd + 1));
        }
        assert_true(dccd_days_from_civil(y, 1, 1) > prev);
        prev = dccd_days_from_civil(y, 1, 1);
    }
}

static void test_from_civil(void **state)
{
    (void)state;
    int64_t ts;
    dccd_error e;
    assert_int_equal(dccd_time_from_civil(2024, 3, 1, 12, 0, 0, 500000000, &ts, &e), DCCD_OK);
    assert_true(ts == INT64_C(1709294400500000000));
    assert_int_equal(dccd_time_from_civil(1969, 12, 31, 23, 59, 59, 999999999, &ts, &e), DCCD_OK);
    assert_true(ts == -1);
    assert_int_equal(dccd_time_from_civil(2024, 2, 30, 0, 0, 0, 0, &ts, &e), DCCD_EINVAL);
    assert_non_null(strstr(e.msg, "day 30 out of range"));
    assert_int_equal(dccd_time_from_civil(2024, 13, 1, 0, 0, 0, 0, &ts, &e), DCCD_EINVAL);
    assert_int_equal(dccd_time_from_civil(2024, 1, 1, 24, 0, 0, 0, &ts, &e), DCCD_EINVAL);
    assert_int_equal(dccd_time_from_civil(2024, 1, 1, 0, 60, 0, 0, &ts, &e), DCCD_EINVAL);
    assert_int_equal(dccd_time_from_civil(2024, 1, 1, 0, 0, 60, 0, &ts, &e), DCCD_EINVAL);
    assert_int_equal(dccd_time_from_civil(2024, 1, 1, 0, 0, 0, 1000000000, &ts, &e), DCCD_EINVAL);
    assert_int_equal(dccd_time_from_civil(2024, 1, 1, 0, 0, 0, -1, &ts, &e), DCCD_EINVAL);
    assert_int_equal(dccd_time_from_civil(2263, 1, 1, 0, 0, 0, 0, &ts, &e), DCCD_ERANGE);
    assert_int_equal(dccd_time_from_civil(1677, 9, 21, 0, 12, 43, 145224191, &ts, &e),
                     DCCD_ERANGE);
    assert_int_equal(dccd_time_from_civil(1677, 9, 21, 0, 12, 43, 145224192, &ts, &e), DCCD_OK);
    assert_true(ts == INT64_MIN);
    assert_int_equal(dccd_time_from_civil(INT64_MAX, 1, 1, 0, 0, 0, 0, &ts, &e), DCCD_ERANGE);
    assert_int_equal(dccd_time_from_civil(INT64_MIN, 1, 1, 0, 0, 0, 0, &ts, &e), DCCD_ERANGE);
}

/* Random instants: our breakdown agrees with gmtime_r, format->parse is the
 * identity, and from_civil(breakdown) gives the instant back. */
static void test_round_trips_random(void **state)
{
    (void)state;
    uint64_t seed = UINT64_C(0x9e3779b97f4a7c15);
    int64_t lo = parse_ok("1678-01-01");
    int64_t hi = parse_ok("2261-12-31T23:59:59.999999999Z");
    const uint64_t span = (uint64_t)hi - (uint64_t)lo; /* does not fit int64 */
    const uint64_t span_s = span / (uint64_t)NS;
    char buf[DCCD_TIME_TEXT_MAX];
    for (int i = 0; i < 200000; i++) {
        int64_t ts;
        uint64_t r = rng_next(&seed);
        switch (i % 4) {
        case 0: ts = (int64_t)((uint64_t)lo + r % span); break;                 /* any ns */
        case 1: ts = (lo / NS + (int64_t)(r % span_s)) * NS; break;             /* whole s */
        case 2: ts = (lo / NS + (int64_t)(r % span_s)) * NS + (int64_t)(r % 1000) * 1000000;
            break;                                                              /* ms */
        default: ts = (int64_t)r; break;                                        /* whole range */
        }
        assert_int_equal(dccd_time_format(ts, buf, sizeof buf, NULL), DCCD_OK);
        int64_t back = parse_ok(buf);
        if (back != ts)
            fail_msg("%lld -> %s -> %lld", (long long)ts, buf, (long long)back);

        dccd_civil_time c;
        dccd_time_to_civil(ts, &c);
        int64_t again;
        assert_int_equal(dccd_time_from_civil(c.year, c.month, c.day, c.hour, c.minute, c.second,
                                              c.nsec, &again, NULL),
                         DCCD_OK);
        assert_true(again == ts);

        /* independent oracle: the C library (64-bit time_t) */
        int64_t secs = ts / NS - (ts % NS < 0);
        time_t t = (time_t)secs;
        struct tm tm;
        assert_non_null(gmtime_r(&t, &tm));
        assert_int_equal(c.year, tm.tm_year + 1900);
        assert_int_equal(c.month, tm.tm_mon + 1);
        assert_int_equal(c.day, tm.tm_mday);
        assert_int_equal(c.hour, tm.tm_hour);
        assert_int_equal(c.minute, tm.tm_min);
        assert_int_equal(c.second, tm.tm_sec);
        assert_int_equal(c.weekday, tm.tm_wday);
        assert_true(timegm(&tm) == t);
    }
}

static void test_format(void **state)
{
    (void)state;
    static const struct { int64_t ts; const char *text; } cases[] = {
        {INT64_C(1709294400000000000), "2024-03-01T12:00:00Z"},
        {INT64_C(1709294400500000000), "2024-03-01T12:00:00.500Z"},
        {INT64_C(1709294400123000000), "2024-03-01T12:00:00.123Z"},
        {INT64_C(1709294400000001000), "2024-03-01T12:00:00.000001Z"},
        {INT64_C(1709294400120000000) + 4000, "2024-03-01T12:00:00.120004Z"},
        {INT64_C(1709294400000000001), "2024-03-01T12:00:00.000000001Z"},
        {0, "1970-01-01T00:00:00Z"},
        {-1, "1969-12-31T23:59:59.999999999Z"},
        {-NS / 2, "1969-12-31T23:59:59.500Z"},
        {INT64_MIN, "1677-09-21T00:12:43.145224192Z"},
        {INT64_MAX, "2262-04-11T23:47:16.854775807Z"},
    };
    char buf[DCCD_TIME_TEXT_MAX];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(dccd_time_format(cases[i].ts, buf, sizeof buf, NULL), DCCD_OK);
        assert_string_equal(buf, cases[i].text);
    }
    dccd_error e;
    char small[20]; /* "2024-03-01T12:00:00Z" needs 21 */
    assert_int_equal(dccd_time_format(INT64_C(1709294400000000000), small, sizeof small, &e),
                     DCCD_ERANGE);
    assert_string_equal(small, "");
    assert_int_equal(dccd_time_format(INT64_C(1709294400000000000), small, 0, &e), DCCD_ERANGE);
}

static void test_parse_forms(void **state)
{
    (void)state;
    const int64_t noon = INT64_C(1709294400000000000); /* 2024-03-01T12:00:00Z */
    assert_true(parse_ok("2024-03-01T12:00:00Z") == noon);
    assert_true(parse_ok("2024-03-01T12:00:00z") == noon);
    assert_true(parse_ok("2024-03-01t12:00:00") == noon);
    assert_true(parse_ok("2024-03-01 12:00:00") == noon);
    assert_true(parse_ok("2024-03-01T12:00") == noon);
    assert_true(parse_ok("2024-03-01T12:00Z") == noon);
    assert_true(parse_ok("2024-03-01T12:00:00+00:00") == noon);
    assert_true(parse_ok("2024-03-01T12:00:00-00:00") == noon);
    assert_true(parse_ok("2024-03-01T17:30:00+05:30") == noon);
    assert_true(parse_ok("2024-03-01T06:30:00-05:30") == noon);
    assert_true(parse_ok("2024-03-01T06:30:00-0530") == noon);
    assert_true(parse_ok("2024-03-02T01:00:00+13:00") == noon);
    assert_true(parse_ok("2024-02-29T23:00:00-13:00") == noon);
    assert_true(parse_ok("2024-03-01T12:00:00.5Z") == noon + 500000000);
    assert_true(parse_ok("2024-03-01T12:00:00.05Z") == noon + 50000000);
    assert_true(parse_ok("2024-03-01T12:00:00.123456789Z") == noon + 123456789);
    assert_true(parse_ok("2024-03-01T12:00:00.000000001") == noon + 1);
    assert_true(parse_ok("2024-03-01T12:00:00.123+01:00") == noon - 3600 * NS + 123000000);
    assert_true(parse_ok("1969-12-31T23:59:59.5Z") == -NS / 2);
    assert_true(parse_ok("1900-01-01T00:00:00.000000001Z") == INT64_C(-2208988800) * NS + 1);
}

static void test_parse_bad(void **state)
{
    (void)state;
    parse_bad("2024-13-01", DCCD_EINVAL, "bad time \"2024-13-01\": month 13 out of range");
    parse_bad("2024-00-01", DCCD_EINVAL, "month 0 out of range");
    parse_bad("2024-02-30", DCCD_EINVAL, "day 30 out of range for 2024-02");
    parse_bad("2023-02-29", DCCD_EINVAL, "day 29 out of range");
    parse_bad("1900-02-29", DCCD_EINVAL, "day 29 out of range");
    parse_bad("2024-04-31", DCCD_EINVAL, "day 31 out of range");
    parse_bad("2024-03-00", DCCD_EINVAL, "day 0 out of range");
    parse_bad("24-03-01", DCCD_EINVAL, "expected YYYY-MM-DD");
    parse_bad("2024-3-01", DCCD_EINVAL, "two-digit month");
    parse_bad("2024-03-1", DCCD_EINVAL, "two-digit day");
    parse_bad("2024/03/01", DCCD_EINVAL, "expected YYYY-MM-DD");
    parse_bad("2024-03-01T25:00:00Z", DCCD_EINVAL, "hour 25 out of range");
    parse_bad("2024-03-01T24:00:00Z", DCCD_EINVAL, "hour 24 out of range");
    parse_bad("2024-03-01T12:60:00Z", DCCD_EINVAL, "minute 60 out of range");
    parse_bad("2024-03-01T12:00:60Z", DCCD_EINVAL, "second 60 out of range");
    parse_bad("2024-03-01T12:00:00.1234567891Z", DCCD_EINVAL, "10 fractional digits");
    parse_bad("2024-03-01T12:00:00.Z", DCCD_EINVAL, "digits after '.'");
    parse_bad("2024-03-01T12", DCCD_EINVAL, "expected HH:MM");
    parse_bad("2024-03-01T1:00", DCCD_EINVAL, "expected HH:MM");
    parse_bad("2024-03-01T12:0", DCCD_EINVAL, "two-digit minutes");
    parse_bad("2024-03-01T12:00:0", DCCD_EINVAL, "two-digit seconds");
    parse_bad("2024-03-01T12:00:00Zjunk", DCCD_EINVAL, "unexpected 'j' at offset 20");
    parse_bad("2024-03-01T12:00:00 ", DCCD_EINVAL, "unexpected ' '");
    parse_bad("2024-03-01x", DCCD_EINVAL, "unexpected 'x' at offset 10");
    parse_bad("2024-03-01Z", DCCD_EINVAL, "unexpected 'Z'");
    parse_bad("2024-03-01T12:00:00+5:30", DCCD_EINVAL, "UTC offset");
    parse_bad("2024-03-01T12:00:00+05", DCCD_EINVAL, "UTC offset");
    parse_bad("2024-03-01T12:00:00+24:00", DCCD_EINVAL, "UTC offset 24:00 out of range");
    parse_bad("2024-03-01T12:00:00+05:60", DCCD_EINVAL, "out of range");
    parse_bad("", DCCD_EINVAL, "empty");
    parse_bad("-", DCCD_EINVAL, "expected YYYY-MM-DD");
    parse_bad("12abc", DCCD_EINVAL, "expected YYYY-MM-DD");
    parse_bad("2024-03-01\x01", DCCD_EINVAL, "'\\x01'");
    parse_bad("9999999999999999999", DCCD_ERANGE, "out of the int64 range");
    parse_bad("9223372036854775808", DCCD_ERANGE, "out of the int64 range");
    parse_bad("-9223372036854775809", DCCD_ERANGE, "out of the int64 range");
    parse_bad("123456789012345678901234567890", DCCD_ERANGE, "out of the int64 range");
    parse_bad("2263-01-01", DCCD_ERANGE, "year 2263 out of range");
    parse_bad("1677-01-01", DCCD_ERANGE, "\"1677-01-01\": out of range");
    parse_bad("0001-01-01", DCCD_ERANGE, "year 1 out of range");
    parse_bad("9999-12-31T23:59:59Z", DCCD_ERANGE, "out of range");
    parse_bad("2262-04-11T23:47:16.854775808Z", DCCD_ERANGE, "out of range");
    parse_bad("1677-09-21T00:12:43.145224191Z", DCCD_ERANGE, "out of range");
    parse_bad("2262-04-11T23:47:16.854775807-00:01", DCCD_ERANGE, "out of range");
    int64_t ts;
    dccd_error e;
    assert_int_equal(dccd_time_parse(NULL, &ts, &e), DCCD_EINVAL);
}

static void test_year_and_day_starts(void **state)
{
    (void)state;
    int64_t ts;
    dccd_error e;
    assert_int_equal(dccd_time_year_start(2024, &ts, NULL), DCCD_OK);
    assert_true(ts == parse_ok("2024-01-01T00:00:00Z"));
    assert_true(ts == INT64_C(1704067200) * NS);
    assert_int_equal(dccd_time_year_start(1970, &ts, NULL), DCCD_OK);
    assert_true(ts == 0);
    assert_int_equal(dccd_time_year_start(1900, &ts, NULL), DCCD_OK);
    assert_true(ts == INT64_C(-2208988800) * NS);
    assert_int_equal(dccd_time_year_start(1678, &ts, NULL), DCCD_OK);
    assert_true(ts == INT64_C(-9214560000) * NS);
    assert_int_equal(dccd_time_year_start(2262, &ts, NULL), DCCD_OK);
    assert_true(ts == INT64_C(9214646400) * NS);
    assert_int_equal(dccd_time_year_start(1677, &ts, &e), DCCD_ERANGE);
    assert_non_null(strstr(e.msg, "year 1677"));
    assert_int_equal(dccd_time_year_start(2263, &ts, &e), DCCD_ERANGE);
    assert_int_equal(dccd_time_year_start(INT64_MAX, &ts, &e), DCCD_ERANGE);
    assert_int_equal(dccd_time_year_start(INT64_MIN, &ts, &e), DCCD_ERANGE);
    /* consecutive year starts differ by 365 or 366 days */
    for (int64_t y = 1678; y < 2262; y++) {
        int64_t a, b;
        assert_int_equal(dccd_time_year_start(y, &a, NULL), DCCD_OK);
        assert_int_equal(dccd_time_year_start(y + 1, &b, NULL), DCCD_OK);
        assert_true(b - a == (dccd_is_leap_year(y) ? 366 : 365) * DCCD_NS_PER_DAY);
    }

    /* day starts, incl. negative ts (floor, not truncation) */
    assert_int_equal(dccd_time_day_start(INT64_C(1709294400500000000), &ts, NULL), DCCD_OK);
    assert_true(ts == INT64_C(1709251200000000000));
    assert_int_equal(dccd_time_day_start(-1, &ts, NULL), DCCD_OK);
    assert_true(ts == -DCCD_NS_PER_DAY);
    assert_int_equal(dccd_time_day_start(-DCCD_NS_PER_DAY, &ts, NULL), DCCD_OK);
    assert_true(ts == -DCCD_NS_PER_DAY);
    assert_int_equal(dccd_time_day_start(-DCCD_NS_PER_DAY - 1, &ts, NULL), DCCD_OK);
    assert_true(ts == -2 * DCCD_NS_PER_DAY);
    assert_int_equal(dccd_time_day_start(parse_ok("1960-06-15T12:30:45.25Z"), &ts, NULL), DCCD_OK);
    assert_true(ts == parse_ok("1960-06-15"));
    assert_int_equal(dccd_time_day_start(0, &ts, NULL), DCCD_OK);
    assert_true(ts == 0);
    assert_int_equal(dccd_time_day_start(INT64_MAX, &ts, NULL), DCCD_OK);
    assert_true(ts == parse_ok("2262-04-11"));
    assert_int_equal(dccd_time_day_start(INT64_MIN, &ts, &e), DCCD_ERANGE);
    assert_int_equal(dccd_time_day_start(parse_ok("1677-09-22"), &ts, NULL), DCCD_OK);
    assert_int_equal(dccd_time_day_start(parse_ok("1677-09-22") - 1, &ts, &e), DCCD_ERANGE);
}

static void test_period_labels_and_ranges(void **state)
{
    (void)state;
    char buf[DCCD_TIME_TEXT_MAX];
    int64_t ts = parse_ok("2024-03-01T12:34:56.789Z");
    assert_int_equal(dccd_time_period_label(ts, DCCD_OHLC, buf, sizeof buf, NULL), DCCD_OK);
    assert_string_equal(buf, "2024");
    assert_int_equal(dccd_time_period_label(ts, DCCD_TRADES, buf, sizeof buf, NULL), DCCD_OK);
    assert_string_equal(buf, "2024-03-01");
    assert_int_equal(dccd_time_period_label(ts, DCCD_ORDERBOOK, buf, sizeof buf, NULL), DCCD_OK);
    assert_string_equal(buf, "2024-03-01");
    assert_int_equal(dccd_time_period_label(-1, DCCD_OHLC, buf, sizeof buf, NULL), DCCD_OK);
    assert_string_equal(buf, "1969");
    assert_int_equal(dccd_time_period_label(-1, DCCD_TRADES, buf, sizeof buf, NULL), DCCD_OK);
    assert_string_equal(buf, "1969-12-31");
    dccd_error e;
    assert_int_equal(dccd_time_period_label(ts, (dccd_data_type)9, buf, sizeof buf, &e),
                     DCCD_EINVAL);
    char small[10];
    assert_int_equal(dccd_time_period_label(ts, DCCD_TRADES, small, sizeof small, &e),
                     DCCD_ERANGE);

    int64_t s, en;
    assert_int_equal(dccd_time_period_range("2024", DCCD_OHLC, &s, &en, NULL), DCCD_OK);
    assert_true(s == parse_ok("2024-01-01"));
    assert_true(en == parse_ok("2025-01-01"));
    assert_int_equal(dccd_time_period_range("2024-02-29", DCCD_TRADES, &s, &en, NULL), DCCD_OK);
    assert_true(s == parse_ok("2024-02-29"));
    assert_true(en == parse_ok("2024-03-01"));
    assert_int_equal(dccd_time_period_range("1969-12-31", DCCD_ORDERBOOK, &s, &en, NULL), DCCD_OK);
    assert_true(s == -DCCD_NS_PER_DAY);
    assert_true(en == 0);
    /* partly representable periods are clamped */
    assert_int_equal(dccd_time_period_range("2262", DCCD_OHLC, &s, &en, NULL), DCCD_OK);
    assert_true(s == parse_ok("2262-01-01"));
    assert_true(en == INT64_MAX);
    assert_int_equal(dccd_time_period_range("1677", DCCD_OHLC, &s, &en, NULL), DCCD_OK);
    assert_true(s == INT64_MIN);
    assert_true(en == parse_ok("1678-01-01"));
    assert_int_equal(dccd_time_period_range("1677-09-21", DCCD_TRADES, &s, &en, NULL), DCCD_OK);
    assert_true(s == INT64_MIN);
    assert_int_equal(dccd_time_period_range("2263", DCCD_OHLC, &s, &en, &e), DCCD_ERANGE);
    assert_int_equal(dccd_time_period_range("1676", DCCD_OHLC, &s, &en, &e), DCCD_ERANGE);
    assert_int_equal(dccd_time_period_range("2262-04-12", DCCD_TRADES, &s, &en, &e), DCCD_ERANGE);
    assert_int_equal(dccd_time_period_range("1677-09-20", DCCD_TRADES, &s, &en, &e), DCCD_ERANGE);

    /* every ts lies in the range of its own label */
    uint64_t seed = 42;
    for (int i = 0; i < 100000; i++) {
        int64_t t = (int64_t)rng_next(&seed);
        for (int ty = 0; ty < 3; ty++) {
            assert_int_equal(dccd_time_period_label(t, (dccd_data_type)ty, buf, sizeof buf, NULL),
                             DCCD_OK);
            assert_int_equal(dccd_time_period_range(buf, (dccd_data_type)ty, &s, &en, NULL),
                             DCCD_OK);
            assert_true(s <= t && t < en);
        }
    }

    static const struct { const char *label; dccd_data_type t; const char *needle; } bad[] = {
        {"24", DCCD_OHLC, "expected a year YYYY"},
        {"02024", DCCD_OHLC, "expected a year YYYY"},
        {"2024-03-01", DCCD_OHLC, "expected a year YYYY"},
        {"2024", DCCD_TRADES, "expected a date YYYY-MM-DD"},
        {"2024-02-30", DCCD_TRADES, "day 30 out of range"},
        {"2024-13-01", DCCD_TRADES, "month 13 out of range"},
        {"2024-3-01", DCCD_TRADES, "expected a date"},
        {"2024-03-01 ", DCCD_TRADES, "expected a date"},
        {"2024-03-0a", DCCD_TRADES, "expected a date"},
        {"", DCCD_OHLC, "expected a year"},
        {"20x4", DCCD_OHLC, "expected a year"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(dccd_time_period_range(bad[i].label, bad[i].t, &s, &en, &e), DCCD_EINVAL);
        if (!strstr(e.msg, bad[i].needle))
            fail_msg("period \"%s\": \"%s\" lacks \"%s\"", bad[i].label, e.msg, bad[i].needle);
    }
    assert_int_equal(dccd_time_period_range(NULL, DCCD_OHLC, &s, &en, &e), DCCD_EINVAL);
    assert_int_equal(dccd_time_period_range("2024", (dccd_data_type)7, &s, &en, &e), DCCD_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_values),
        cmocka_unit_test(test_from_civil),
        cmocka_unit_test(test_round_trips_random),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_parse_forms),
        cmocka_unit_test(test_parse_bad),
        cmocka_unit_test(test_year_and_day_starts),
        cmocka_unit_test(test_period_labels_and_ranges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
