/*
 * src/domain/time.c - nanosecond UTC timestamps.
 *
 * Owns: the proleptic Gregorian calendar (Howard Hinnant's
 * days_from_civil / civil_from_days, public-domain algorithms, written
 * here from their description), breaking an int64 ns timestamp into UTC
 * fields and back with overflow detection, year and day starts, the
 * per-file period labels ("YYYY" for OHLC, "YYYY-MM-DD" otherwise) and
 * their [start, end) ranges, and ISO-8601 parsing and formatting.
 *
 * All divisions of possibly negative values are floor divisions, so times
 * before 1970 break down correctly.  Every multiplication and addition
 * that can leave the int64 range is checked; no libc time function (which
 * would depend on the time zone or time_t width) is used.
 */
#include <stdio.h>
#include <string.h>

#include "dccd/domain.h"
#include "util.h"

#define SECS_PER_DAY INT64_C(86400)

/* Years whose day numbers and second counts are computed without
 * overflow; anything further out is certainly outside the ns range. */
#define YEAR_LIMIT INT64_C(1000000000)

#define RANGE_TEXT "1677-09-21T00:12:43.145224192Z .. 2262-04-11T23:47:16.854775807Z"

/* ---- calendar ----------------------------------------------------------- */

int64_t dccd_days_from_civil(int64_t year, int month, int day)
{
    int64_t y = year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                           /* [0, 399] */
    int64_t mp = month > 2 ? month - 3 : month + 9;                        /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + day - 1;                            /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                   /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

void dccd_civil_from_days(int64_t days, int64_t *year, int *month, int *day)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;                                        /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;   /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                 /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                                      /* [0, 11] */
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = yoe + era * 400 + (m <= 2);
    *month = m;
    *day = d;
}

bool dccd_is_leap_year(int64_t year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int64_t year, int month)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && dccd_is_leap_year(year))
        return 29;
    return dim[month - 1];
}

bool dccd_civil_valid(int64_t year, int month, int day)
{
    return month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month);
}

/* ---- int64 ns arithmetic ----------------------------------------------- */

/* floor(a / b) and the non-negative remainder, for b > 0. */
static void floor_divmod(int64_t a, int64_t b, int64_t *q, int64_t *r)
{
    int64_t qq = a / b, rr = a % b;
    if (rr < 0) {
        rr += b;
        qq -= 1;
    }
    *q = qq;
    *r = rr;
}

/* secs * NS + nsec (0 <= nsec < NS) without intermediate overflow.
 * Returns 0 when it fits, -1 when below INT64_MIN, +1 when above INT64_MAX. */
static int secs_to_ns(int64_t secs, int64_t nsec, int64_t *out)
{
    if (secs < 0 && nsec > 0) {
        secs += 1;
        nsec -= DCCD_NS;
    }
    int64_t v;
    if (__builtin_mul_overflow(secs, DCCD_NS, &v))
        return secs < 0 ? -1 : 1;
    if (__builtin_add_overflow(v, nsec, &v))
        return nsec < 0 ? -1 : 1;
    *out = v;
    return 0;
}

void dccd_time_to_civil(int64_t ts, dccd_civil_time *out)
{
    int64_t days, rem;
    floor_divmod(ts, DCCD_NS_PER_DAY, &days, &rem);
    int64_t y;
    dccd_civil_from_days(days, &y, &out->month, &out->day);
    out->year = (int)y;
    int64_t secs = rem / DCCD_NS;
    out->nsec = (int32_t)(rem % DCCD_NS);
    out->hour = (int)(secs / 3600);
    out->minute = (int)(secs / 60 % 60);
    out->second = (int)(secs % 60);
    /* 1970-01-01 was a Thursday (4). */
    int64_t wq, wr;
    floor_divmod(days + 4, 7, &wq, &wr);
    out->weekday = (int)wr;
}

/* Seconds since the epoch of a validated civil time, |year| < YEAR_LIMIT. */
static int64_t civil_secs(int64_t year, int month, int day, int hour, int minute, int second)
{
    return dccd_days_from_civil(year, month, day) * SECS_PER_DAY + hour * 3600 + minute * 60 +
           second;
}

int dccd_time_from_civil(int64_t year, int month, int day, int hour, int minute, int second,
                         int32_t nsec, int64_t *ts, dccd_error *err)
{
    if (month < 1 || month > 12)
        return dccd_err_set(err, DCCD_EINVAL, "bad time: month %d out of range", month);
    if (!dccd_civil_valid(year, month, day))
        return dccd_err_set(err, DCCD_EINVAL, "bad time: day %d out of range for %04lld-%02d", day,
                            (long long)year, month);
    if (hour < 0 || hour > 23)
        return dccd_err_set(err, DCCD_EINVAL, "bad time: hour %d out of range", hour);
    if (minute < 0 || minute > 59)
        return dccd_err_set(err, DCCD_EINVAL, "bad time: minute %d out of range", minute);
    if (second < 0 || second > 59)
        return dccd_err_set(err, DCCD_EINVAL, "bad time: second %d out of range", second);
    if (nsec < 0 || nsec >= DCCD_NS)
        return dccd_err_set(err, DCCD_EINVAL, "bad time: nanoseconds %ld out of range",
                            (long)nsec);
    if (year <= -YEAR_LIMIT || year >= YEAR_LIMIT ||
        secs_to_ns(civil_secs(year, month, day, hour, minute, second), nsec, ts) != 0)
        return dccd_err_set(err, DCCD_ERANGE,
                            "time %04lld-%02d-%02dT%02d:%02d:%02d out of range (" RANGE_TEXT ")",
                            (long long)year, month, day, hour, minute, second);
    return DCCD_OK;
}

int dccd_time_year_start(int64_t year, int64_t *ts, dccd_error *err)
{
    if (year <= -YEAR_LIMIT || year >= YEAR_LIMIT ||
        secs_to_ns(civil_secs(year, 1, 1, 0, 0, 0), 0, ts) != 0)
        return dccd_err_set(err, DCCD_ERANGE,
                            "year %lld: its start is out of range (" RANGE_TEXT ")",
                            (long long)year);
    return DCCD_OK;
}

int dccd_time_day_start(int64_t ts, int64_t *out, dccd_error *err)
{
    int64_t days, rem;
    floor_divmod(ts, DCCD_NS_PER_DAY, &days, &rem);
    if (__builtin_mul_overflow(days, DCCD_NS_PER_DAY, out))
        return dccd_err_set(err, DCCD_ERANGE, "day start of %lld is out of range (" RANGE_TEXT ")",
                            (long long)ts);
    return DCCD_OK;
}

/* ---- period labels ------------------------------------------------------ */

int dccd_time_period_label(int64_t ts, dccd_data_type type, char *buf, size_t cap,
                           dccd_error *err)
{
    if (!dccd_data_type_name(type)) {
        if (buf && cap)
            buf[0] = '\0';
        return dccd_err_set(err, DCCD_EINVAL, "period label: invalid data type %d", (int)type);
    }
    dccd_civil_time c;
    dccd_time_to_civil(ts, &c);
    char tmp[64];
    int n;
    if (type == DCCD_OHLC)
        n = snprintf(tmp, sizeof tmp, "%04d", c.year);
    else
        n = snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", c.year, c.month, c.day);
    return dccd_dom_put(buf, cap, tmp, (size_t)n, "period label", err);
}

/* Exactly n digits at s -> value; -1 if not. */
static int fixed_digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!dccd_dom_is_digit(s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int dccd_time_period_range(const char *label, dccd_data_type type, int64_t *start, int64_t *end,
                           dccd_error *err)
{
    char q[DCCD_DOM_QUOTE_MAX];
    dccd_dom_quote(label, q);
    if (!label)
        return dccd_err_set(err, DCCD_EINVAL, "bad period label (null)");
    if (!dccd_data_type_name(type))
        return dccd_err_set(err, DCCD_EINVAL, "bad period label %s: invalid data type %d", q,
                            (int)type);
    size_t n = strlen(label);
    int64_t s0, s1; /* seconds of start and end */
    if (type == DCCD_OHLC) {
        int y = n == 4 ? fixed_digits(label, 4) : -1;
        if (y < 0)
            return dccd_err_set(err, DCCD_EINVAL,
                                "bad period label %s: expected a year YYYY for ohlc", q);
        s0 = civil_secs(y, 1, 1, 0, 0, 0);
        s1 = civil_secs(y + 1, 1, 1, 0, 0, 0);
    } else {
        int y = -1, m = -1, d = -1;
        if (n == 10 && label[4] == '-' && label[7] == '-') {
            y = fixed_digits(label, 4);
            m = fixed_digits(label + 5, 2);
            d = fixed_digits(label + 8, 2);
        }
        if (y < 0 || m < 0 || d < 0)
            return dccd_err_set(err, DCCD_EINVAL,
                                "bad period label %s: expected a date YYYY-MM-DD for %s", q,
                                dccd_data_type_name(type));
        if (m < 1 || m > 12)
            return dccd_err_set(err, DCCD_EINVAL, "bad period label %s: month %d out of range", q,
                                m);
        if (!dccd_civil_valid(y, m, d))
            return dccd_err_set(err, DCCD_EINVAL,
                                "bad period label %s: day %d out of range for %04d-%02d", q, d, y,
                                m);
        s0 = civil_secs(y, m, d, 0, 0, 0);
        s1 = s0 + SECS_PER_DAY;
    }
    int64_t a = 0, b = 0;
    int ra = secs_to_ns(s0, 0, &a);
    int rb = secs_to_ns(s1, 0, &b);
    if (ra > 0 || rb < 0)
        return dccd_err_set(err, DCCD_ERANGE, "period %s is out of range (" RANGE_TEXT ")", q);
    *start = ra < 0 ? INT64_MIN : a;
    *end = rb > 0 ? INT64_MAX : b;
    return DCCD_OK;
}

/* ---- ISO-8601 ----------------------------------------------------------- */

#define BAD(code, ...) dccd_err_set(err, code, "bad time %s: " __VA_ARGS__)

static int parse_integer_ns(const char *text, const char *q, int64_t *ts, dccd_error *err)
{
    const char *p = text;
    int neg = 0;
    if (*p == '-') {
        neg = 1;
        p++;
    }
    /* Accumulate as a negative number: |INT64_MIN| > INT64_MAX. */
    int64_t v = 0;
    for (; *p; p++) {
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_sub_overflow(v, *p - '0', &v))
            return BAD(DCCD_ERANGE, "integer nanoseconds out of the int64 range", q);
    }
    if (!neg) {
        if (v == INT64_MIN)
            return BAD(DCCD_ERANGE, "integer nanoseconds out of the int64 range", q);
        v = -v;
    }
    *ts = v;
    return DCCD_OK;
}

static int all_digits(const char *p)
{
    if (!*p)
        return 0;
    for (; *p; p++) {
        if (!dccd_dom_is_digit(*p))
            return 0;
    }
    return 1;
}

int dccd_time_parse(const char *text, int64_t *ts, dccd_error *err)
{
    char q[DCCD_DOM_QUOTE_MAX];
    dccd_dom_quote(text, q);
    if (!text)
        return dccd_err_set(err, DCCD_EINVAL, "bad time (null)");
    if (!*text)
        return BAD(DCCD_EINVAL, "empty", q);
    if (all_digits(text) || (text[0] == '-' && all_digits(text + 1)))
        return parse_integer_ns(text, q, ts, err);

    const char *p = text;
    int year = fixed_digits(p, 4);
    if (year < 0 || p[4] != '-')
        return BAD(DCCD_EINVAL,
                   "expected YYYY-MM-DD[THH:MM[:SS[.fffffffff]]][Z|+HH:MM] or integer "
                   "nanoseconds",
                   q);
    int month = fixed_digits(p + 5, 2);
    if (month < 0 || p[7] != '-')
        return BAD(DCCD_EINVAL, "expected a two-digit month at offset 5", q);
    int day = fixed_digits(p + 8, 2);
    if (day < 0)
        return BAD(DCCD_EINVAL, "expected a two-digit day at offset 8", q);
    if (month < 1 || month > 12)
        return BAD(DCCD_EINVAL, "month %d out of range", q, month);
    if (!dccd_civil_valid(year, month, day))
        return BAD(DCCD_EINVAL, "day %d out of range for %04d-%02d", q, day, year, month);
    p += 10;
    int hour = 0, minute = 0, second = 0;
    int64_t nsec = 0, offset = 0;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        hour = fixed_digits(p, 2);
        if (hour < 0 || p[2] != ':')
            return BAD(DCCD_EINVAL, "expected HH:MM at offset %d", q, (int)(p - text));
        minute = fixed_digits(p + 3, 2);
        if (minute < 0)
            return BAD(DCCD_EINVAL, "expected two-digit minutes at offset %d", q,
                       (int)(p + 3 - text));
        if (hour > 23)
            return BAD(DCCD_EINVAL, "hour %d out of range", q, hour);
        if (minute > 59)
            return BAD(DCCD_EINVAL, "minute %d out of range", q, minute);
        p += 5;
        if (*p == ':') {
            second = fixed_digits(p + 1, 2);
            if (second < 0)
                return BAD(DCCD_EINVAL, "expected two-digit seconds at offset %d", q,
                           (int)(p + 1 - text));
            if (second > 59)
                return BAD(DCCD_EINVAL, "second %d out of range", q, second);
            p += 3;
            if (*p == '.') {
                p++;
                int nd = 0;
                while (dccd_dom_is_digit(p[nd]))
                    nd++;
                if (nd == 0)
                    return BAD(DCCD_EINVAL, "expected digits after '.' at offset %d", q,
                               (int)(p - text));
                if (nd > 9)
                    return BAD(DCCD_EINVAL, "%d fractional digits (at most 9 allowed)", q, nd);
                for (int i = 0; i < 9; i++)
                    nsec = nsec * 10 + (i < nd ? p[i] - '0' : 0);
                p += nd;
            }
        }
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p == '-' ? -1 : 1;
            int oh = fixed_digits(p + 1, 2), om = -1;
            if (oh >= 0) {
                if (p[3] == ':') {
                    om = fixed_digits(p + 4, 2);
                    if (om >= 0)
                        p += 6;
                } else {
                    om = fixed_digits(p + 3, 2);
                    if (om >= 0)
                        p += 5;
                }
            }
            if (oh < 0 || om < 0)
                return BAD(DCCD_EINVAL, "expected a UTC offset +HH:MM at offset %d", q,
                           (int)(p - text));
            if (oh > 23 || om > 59)
                return BAD(DCCD_EINVAL, "UTC offset %02d:%02d out of range", q, oh, om);
            offset = sign * (oh * INT64_C(3600) + om * INT64_C(60));
        }
    }
    if (*p) {
        char cd[8];
        dccd_dom_char((unsigned char)*p, cd);
        return BAD(DCCD_EINVAL, "unexpected %s at offset %d", q, cd, (int)(p - text));
    }
    int64_t secs = civil_secs(year, month, day, hour, minute, second) - offset;
    if (secs_to_ns(secs, nsec, ts) != 0) {
        if (year < DCCD_TIME_YEAR_MIN || year > DCCD_TIME_YEAR_MAX)
            return BAD(DCCD_ERANGE, "year %d out of range (int64 nanoseconds cover " RANGE_TEXT ")",
                       q, year);
        return BAD(DCCD_ERANGE, "out of range (int64 nanoseconds cover " RANGE_TEXT ")", q);
    }
    return DCCD_OK;
}

int dccd_time_format(int64_t ts, char *buf, size_t cap, dccd_error *err)
{
    dccd_civil_time c;
    dccd_time_to_civil(ts, &c);
    char frac[16] = "";
    if (c.nsec == 0)
        frac[0] = '\0';
    else if (c.nsec % 1000000 == 0)
        snprintf(frac, sizeof frac, ".%03ld", (long)(c.nsec / 1000000));
    else if (c.nsec % 1000 == 0)
        snprintf(frac, sizeof frac, ".%06ld", (long)(c.nsec / 1000));
    else
        snprintf(frac, sizeof frac, ".%09ld", (long)c.nsec);
    char tmp[96];
    int n = snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d%sZ", c.year, c.month, c.day,
                     c.hour, c.minute, c.second, frac);
    return dccd_dom_put(buf, cap, tmp, (size_t)n, "time", err);
}
