/*
 * fuzz/fuzz_domain.c - libFuzzer target: the text parsers of the domain
 * layer (include/dccd/domain.h) and their round trips.
 *
 * Byte 0 selects the parser, the rest is the text (NUL-terminated copy):
 *   0  dccd_time_parse; on success dccd_time_format and parse again must
 *      give the same timestamp
 *   1  dccd_symbol_parse -> format -> parse (equal); pair slug -> from_slug
 *   2  dccd_dataset_parse -> format -> parse (equal); dataset dir
 *   3  dccd_span_parse -> label -> parse (equal); dccd_str_to_span
 *   4  dccd_time_period_range for both period kinds; the label of the
 *      range's start must be the text
 *   5  dccd_provenance_from_json -> to_json -> from_json (equal)
 *   6  exchange-name and path-component checks, dccd_symbol_from_slug
 *   7  the first 8 bytes as a timestamp: civil breakdown, format/parse
 *      round trip, period label/range containment, day start
 * Every failure must carry a message; every round trip must hold.
 */
#include <string.h>

#include "dccd/domain.h"
#include "fuzz_util.h"

static void fz_time(const char *s)
{
    dccd_error err = {0};
    int64_t ts;
    int rc = dccd_time_parse(s, &ts, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc != DCCD_OK)
        return;
    char buf[DCCD_TIME_TEXT_MAX];
    FUZZ_CHECK(dccd_time_format(ts, buf, sizeof buf, &err) == DCCD_OK);
    int64_t back;
    rc = dccd_time_parse(buf, &back, &err);
    if (rc != DCCD_OK || back != ts)
        fprintf(stderr, "time round trip: \"%s\" -> %lld -> \"%s\" -> %s\n", s, (long long)ts, buf, err.msg);
    FUZZ_CHECK(rc == DCCD_OK && back == ts);
}

static void fz_symbol(const char *s)
{
    dccd_error err = {0};
    dccd_symbol a, b;
    int rc = dccd_symbol_parse(s, &a, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc != DCCD_OK)
        return;
    char buf[DCCD_SYMBOL_TEXT_MAX];
    FUZZ_CHECK(dccd_symbol_format(&a, buf, sizeof buf, &err) == DCCD_OK);
    FUZZ_CHECK(dccd_symbol_parse(buf, &b, &err) == DCCD_OK);
    FUZZ_CHECK(dccd_symbol_equal(&a, &b));
    FUZZ_CHECK(dccd_symbol_pair_slug(&a, buf, sizeof buf, &err) == DCCD_OK);
    FUZZ_CHECK(dccd_symbol_from_slug(buf, &b, &err) == DCCD_OK);
    FUZZ_CHECK(dccd_symbol_equal(&a, &b));
}

static void fz_dataset(const char *s)
{
    dccd_error err = {0};
    dccd_dataset a, b;
    int rc = dccd_dataset_parse(s, &a, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc != DCCD_OK)
        return;
    char buf[DCCD_DATASET_TEXT_MAX];
    FUZZ_CHECK(dccd_dataset_validate(&a, &err) == DCCD_OK);
    FUZZ_CHECK(dccd_dataset_format(&a, buf, sizeof buf, &err) == DCCD_OK);
    rc = dccd_dataset_parse(buf, &b, &err);
    if (rc != DCCD_OK)
        fprintf(stderr, "dataset round trip: \"%s\" -> \"%s\": %s\n", s, buf, err.msg);
    FUZZ_CHECK(rc == DCCD_OK && dccd_dataset_equal(&a, &b));
    FUZZ_CHECK(dccd_dataset_dir(&a, buf, sizeof buf, &err) == DCCD_OK);
}

static void fz_span(const char *s)
{
    dccd_error err = {0};
    int64_t sec, back;
    int rc = dccd_str_to_span(s, &sec, &err);
    FUZZ_ERR_OK(rc, err);
    err = (dccd_error){0};
    rc = dccd_span_parse(s, &sec, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc != DCCD_OK)
        return;
    FUZZ_CHECK(sec >= 1 && sec <= DCCD_SPAN_MAX_SECONDS);
    char buf[DCCD_SPAN_LABEL_MAX];
    FUZZ_CHECK(dccd_span_label(sec, buf, sizeof buf, &err) == DCCD_OK);
    FUZZ_CHECK(dccd_span_parse(buf, &back, &err) == DCCD_OK && back == sec);
}

static void fz_period(const char *s)
{
    for (int t = 0; t < 2; t++) {
        dccd_data_type type = t ? DCCD_TRADES : DCCD_OHLC;
        dccd_error err = {0};
        int64_t start, end;
        int rc = dccd_time_period_range(s, type, &start, &end, &err);
        FUZZ_ERR_OK(rc, err);
        if (rc != DCCD_OK)
            continue;
        FUZZ_CHECK(start < end);
        char buf[DCCD_TIME_TEXT_MAX];
        FUZZ_CHECK(dccd_time_period_label(start, type, buf, sizeof buf, &err) == DCCD_OK);
        FUZZ_CHECK(strcmp(buf, s) == 0);
        FUZZ_CHECK(dccd_time_period_label(end - 1, type, buf, sizeof buf, &err) == DCCD_OK);
        FUZZ_CHECK(strcmp(buf, s) == 0);
    }
}

static void fz_provenance(const uint8_t *p, size_t n)
{
    dccd_error err = {0};
    dccd_provenance a, b;
    int rc = dccd_provenance_from_json((const char *)p, n, &a, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc != DCCD_OK)
        return;
    char *json = NULL;
    size_t len = 0;
    rc = dccd_provenance_to_json(&a, &json, &len, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc == DCCD_OK) {  /* invalid UTF-8 in the parsed strings is refused by to_json */
        FUZZ_CHECK(dccd_provenance_from_json(json, len, &b, &err) == DCCD_OK);
        FUZZ_CHECK(strcmp(a.source, b.source) == 0);
        FUZZ_CHECK((a.derived_from == NULL) == (b.derived_from == NULL));
        FUZZ_CHECK(!a.derived_from || strcmp(a.derived_from, b.derived_from) == 0);
        dccd_provenance_free(&b);
        free(json);
    }
    dccd_provenance_free(&a);
}

static void fz_names(const char *s)
{
    dccd_error err = {0};
    int rc = dccd_exchange_name_ok(s, &err);
    FUZZ_ERR_OK(rc, err);
    err = (dccd_error){0};
    rc = dccd_path_component_ok(s, &err);
    FUZZ_ERR_OK(rc, err);
    dccd_symbol sym;
    err = (dccd_error){0};
    rc = dccd_symbol_from_slug(s, &sym, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc == DCCD_OK) {
        char buf[DCCD_SYMBOL_TEXT_MAX];
        FUZZ_CHECK(dccd_symbol_pair_slug(&sym, buf, sizeof buf, &err) == DCCD_OK);
        FUZZ_CHECK(strcmp(buf, s) == 0);
    }
    dccd_data_type t;
    err = (dccd_error){0};
    rc = dccd_data_type_from_name(s, &t, &err);
    FUZZ_ERR_OK(rc, err);
}

static void fz_ts(fuzz_in *in)
{
    int64_t ts = (int64_t)fuzz_u64(in);
    dccd_error err = {0};
    dccd_civil_time c;
    dccd_time_to_civil(ts, &c);
    FUZZ_CHECK(c.year >= DCCD_TIME_YEAR_MIN && c.year <= DCCD_TIME_YEAR_MAX);
    FUZZ_CHECK(dccd_civil_valid(c.year, c.month, c.day));
    int64_t back;
    FUZZ_CHECK(dccd_time_from_civil(c.year, c.month, c.day, c.hour, c.minute, c.second, c.nsec, &back, &err) ==
                   DCCD_OK &&
               back == ts);
    char buf[DCCD_TIME_TEXT_MAX];
    FUZZ_CHECK(dccd_time_format(ts, buf, sizeof buf, &err) == DCCD_OK);
    FUZZ_CHECK(dccd_time_parse(buf, &back, &err) == DCCD_OK && back == ts);
    for (int t = 0; t < 2; t++) {
        dccd_data_type type = t ? DCCD_ORDERBOOK : DCCD_OHLC;
        int64_t start, end;
        FUZZ_CHECK(dccd_time_period_label(ts, type, buf, sizeof buf, &err) == DCCD_OK);
        FUZZ_CHECK(dccd_time_period_range(buf, type, &start, &end, &err) == DCCD_OK);
        FUZZ_CHECK(start <= ts && (ts < end || (end == INT64_MAX && ts == INT64_MAX)));
    }
    int64_t day;
    err = (dccd_error){0};
    int rc = dccd_time_day_start(ts, &day, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc == DCCD_OK)
        FUZZ_CHECK(day <= ts && ts - day < DCCD_NS_PER_DAY && day % DCCD_NS_PER_DAY == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = {data, size};
    int mode = fuzz_u8(&in) % 8;
    if (mode == 5) {
        size_t len;
        uint8_t *b = fuzz_rest_copy(&in, &len);
        fz_provenance(b, len);
        free(b);
        return 0;
    }
    if (mode == 7) {
        fz_ts(&in);
        return 0;
    }
    char *s = fuzz_rest_str(&in);
    switch (mode) {
    case 0: fz_time(s); break;
    case 1: fz_symbol(s); break;
    case 2: fz_dataset(s); break;
    case 3: fz_span(s); break;
    case 4: fz_period(s); break;
    default: fz_names(s); break;
    }
    free(s);
    return 0;
}
