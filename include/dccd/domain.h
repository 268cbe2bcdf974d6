/*
 * dccd/domain.h - the vocabulary of a dccd store: data types, spans,
 * symbols, exchange names, dataset ids, nanosecond timestamps and
 * provenance records.
 *
 * These are the C counterparts of the seed's dccd.domain Python modules
 * (DataType, Symbol, DatasetId, span_label/str_to_span, NS/ns_to_dt,
 * Provenance).  Every text form produced here (directory names, labels,
 * dataset ids, period labels, provenance JSON) is byte-for-byte what the
 * Python implementation produces, so a store written by either side can be
 * read and extended by the other.
 *
 * Conventions:
 *   - Functions that can fail return DCCD_OK or a DCCD_E* code and take a
 *     `dccd_error *err` last (may be NULL).  Messages quote the offending
 *     text (escaped, so control characters are visible) and say what is
 *     wrong with it.
 *   - Text is written into caller buffers (buf, cap); a buffer that is too
 *     small gives DCCD_ERANGE and, when cap > 0, an empty string in buf.
 *     The *_MAX constants below are always large enough.
 *   - Everything is pure: no global state, no locale, no time zone
 *     database.  All functions are thread-safe.
 *   - Timestamps ("TS") are int64 nanoseconds since 1970-01-01T00:00:00Z,
 *     UTC, no leap seconds; negative values (before 1970) are handled with
 *     floor division.  The representable range is
 *     1677-09-21T00:12:43.145224192Z .. 2262-04-11T23:47:16.854775807Z.
 */
#ifndef DCCD_DOMAIN_H
#define DCCD_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dccd/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* =====================================================================
 * Data types
 * ===================================================================== */

/*
 * The three kinds of dataset.  The name of each ("ohlc", "trades",
 * "orderbook") is also its directory name in a store.
 */
typedef enum dccd_data_type {
    DCCD_OHLC = 0,      /* candles (bars) of a fixed span */
    DCCD_TRADES = 1,    /* individual trades */
    DCCD_ORDERBOOK = 2  /* order-book levels */
} dccd_data_type;

/*
 * Name of a data type: "ohlc", "trades" or "orderbook".  Returns NULL for a
 * value that is not one of the enum constants.
 */
const char *dccd_data_type_name(dccd_data_type type);

/*
 * Parse a data type name.  Matching is exact (lower case, as on disk):
 * "ohlc", "trades", "orderbook".  Anything else is DCCD_EINVAL.
 */
int dccd_data_type_from_name(const char *name, dccd_data_type *out, dccd_error *err);

/* =====================================================================
 * Spans (bar durations, in seconds)
 * ===================================================================== */

/* Large enough for any span label ("-9223372036854775808s" + NUL). */
#define DCCD_SPAN_LABEL_MAX 24

/* Largest span accepted by dccd_span_parse() and dataset ids: 10 years of
 * 365 days, in seconds. */
#define DCCD_SPAN_MAX_SECONDS INT64_C(315360000)

/*
 * Write the directory label of a span: 60 "1m", 180 "3m", 300 "5m",
 * 900 "15m", 1800 "30m", 3600 "1h", 7200 "2h", 14400 "4h", 21600 "6h",
 * 28800 "8h", 43200 "12h", 86400 "1d", 259200 "3d", 604800 "1w"; any other
 * value is written as "{n}s" (2592000 -> "2592000s").  Fails only when cap
 * is too small (DCCD_ERANGE).
 */
int dccd_span_label(int64_t seconds, char *buf, size_t cap, dccd_error *err);

/*
 * The seed's str_to_span(): lower-case the text, then accept the labels
 * listed for dccd_span_label() and the words
 *   minute minutely min 1min 60s   -> 60
 *   hour hourly h                  -> 3600
 *   day daily d 24h                -> 86400
 *   week weekly w 7d               -> 604800
 *   15d                            -> 1296000
 *   month monthly                  -> 2592000
 * Anything else (including "{n}s" other than "60s") is DCCD_ENOTFOUND with
 * a message naming the text.
 */
int dccd_str_to_span(const char *text, int64_t *seconds, dccd_error *err);

/*
 * Lenient span parse for user input and inventory directory names: what
 * dccd_str_to_span() accepts, plus "{n}s" and a plain decimal number of
 * seconds ("3600").  n must be 1 .. DCCD_SPAN_MAX_SECONDS, written with
 * digits only (no sign, no spaces).  Errors: DCCD_EINVAL for text that is
 * not a span, DCCD_ERANGE for a number out of range.
 */
int dccd_span_parse(const char *text, int64_t *seconds, dccd_error *err);

/* =====================================================================
 * Symbols (trading pairs)
 * ===================================================================== */

/* Longest base or quote currency code, in bytes. */
#define DCCD_SYMBOL_PART_MAX 32
/* Large enough for dccd_symbol_format() and dccd_symbol_pair_slug(). */
#define DCCD_SYMBOL_TEXT_MAX 96

/* The market a symbol trades on.  Names: "spot", "perp", "quarter",
 * "next_quarter". */
typedef enum dccd_market {
    DCCD_SPOT = 0,
    DCCD_PERP = 1,          /* perpetual swap */
    DCCD_QUARTER = 2,       /* current quarterly future */
    DCCD_NEXT_QUARTER = 3   /* next quarterly future */
} dccd_market;

/*
 * A trading pair.  A valid symbol (as produced by every function below)
 * has base and quote of 1..DCCD_SYMBOL_PART_MAX characters from [A-Z0-9],
 * with the alias XBT already replaced by BTC.
 */
typedef struct dccd_symbol {
    char base[DCCD_SYMBOL_PART_MAX + 1];   /* "BTC" */
    char quote[DCCD_SYMBOL_PART_MAX + 1];  /* "USDT" */
    dccd_market market;
} dccd_symbol;

/* "spot", "perp", "quarter", "next_quarter"; NULL for an invalid value. */
const char *dccd_market_name(dccd_market market);

/*
 * Build a symbol from its parts: base and quote are upper-cased (ASCII),
 * "XBT" becomes "BTC", then both are validated (non-empty, at most
 * DCCD_SYMBOL_PART_MAX bytes, only [A-Z0-9]).  DCCD_EINVAL names the bad
 * part, character and position.  *out is written only on success.
 */
int dccd_symbol_init(dccd_symbol *out, const char *base, const char *quote, dccd_market market,
                     dccd_error *err);

/*
 * Parse "BTC/USDT", "btc-usdt", "BTC_USDT" (the first '/', '-' or '_'
 * splits base from quote), optionally followed by ":perp", ":quarter",
 * ":next_quarter" or ":spot" (case-insensitive).  Then as
 * dccd_symbol_init().  Errors are DCCD_EINVAL naming the text.
 */
int dccd_symbol_parse(const char *text, dccd_symbol *out, dccd_error *err);

/* Write "BTC/USDT" (spot) or "BTC/USDT:perp" / ":quarter" /
 * ":next_quarter".  DCCD_EINVAL for an invalid symbol, DCCD_ERANGE when cap
 * is too small. */
int dccd_symbol_format(const dccd_symbol *sym, char *buf, size_t cap, dccd_error *err);

/* Write the pair slug used as a directory name: "BTC-USDT", or for a
 * non-spot market "BTC-USDT_PERP", "BTC-USDT_QUARTER",
 * "BTC-USDT_NEXT_QUARTER". */
int dccd_symbol_pair_slug(const dccd_symbol *sym, char *buf, size_t cap, dccd_error *err);

/*
 * Parse a pair slug back ("BTC-USDT_PERP" -> BTC/USDT:perp).  Strict: only
 * the canonical form written by dccd_symbol_pair_slug() is accepted (upper
 * case, no XBT, upper-case market suffix), so two directories can never
 * name the same symbol.  Anything else is DCCD_EINVAL.
 */
int dccd_symbol_from_slug(const char *slug, dccd_symbol *out, dccd_error *err);

/* True when both symbols have the same base, quote and market. */
bool dccd_symbol_equal(const dccd_symbol *a, const dccd_symbol *b);

/* =====================================================================
 * Exchange names and path components
 * ===================================================================== */

/* Longest exchange name, in bytes. */
#define DCCD_EXCHANGE_MAX 64
/* Longest path component accepted by dccd_path_component_ok(). */
#define DCCD_PATH_COMPONENT_MAX 255

/*
 * Check that an exchange name is safe to use as a directory name:
 * 1..DCCD_EXCHANGE_MAX bytes from [A-Za-z0-9._-], not starting with '.'
 * (so neither "." nor ".." nor a hidden directory, which inventory
 * ignores).  Case is kept as given, not folded.  Everything else ('/',
 * '\\', ':', spaces, control characters, non-ASCII) is DCCD_EINVAL, e.g.
 * invalid exchange name "../../etc": '.' at offset 0 not allowed ...
 */
int dccd_exchange_name_ok(const char *name, dccd_error *err);

/*
 * The same rule for any single path component the store creates or reads
 * (slugs, span labels, period file names): 1..DCCD_PATH_COMPONENT_MAX bytes
 * from [A-Za-z0-9._-], not starting with '.'.  DCCD_EINVAL otherwise.
 */
int dccd_path_component_ok(const char *name, dccd_error *err);

/* =====================================================================
 * Dataset ids
 * ===================================================================== */

/* Large enough for dccd_dataset_format() and dccd_dataset_dir(). */
#define DCCD_DATASET_TEXT_MAX 256

/*
 * One dataset: an exchange, a symbol, a data type and, for OHLC only, a
 * span in seconds (0 = none).
 */
typedef struct dccd_dataset {
    char exchange[DCCD_EXCHANGE_MAX + 1];
    dccd_symbol symbol;
    dccd_data_type type;
    int64_t span;  /* seconds; > 0 for DCCD_OHLC, 0 otherwise */
} dccd_dataset;

/*
 * Build and validate a dataset id: the exchange name must pass
 * dccd_exchange_name_ok(), the symbol must be valid, OHLC needs
 * 0 < span <= DCCD_SPAN_MAX_SECONDS ("dataset binance:BTC/USDT:ohlc:
 * data_type=OHLC but span is None"), other types need span == 0.
 * DCCD_EINVAL otherwise.  *out is written only on success.
 */
int dccd_dataset_init(dccd_dataset *out, const char *exchange, const dccd_symbol *symbol,
                      dccd_data_type type, int64_t span, dccd_error *err);

/* Check a dataset filled in by hand with the rules of dccd_dataset_init(). */
int dccd_dataset_validate(const dccd_dataset *ds, dccd_error *err);

/*
 * Write the dataset id: "binance:BTC/USDT:ohlc:3600s",
 * "binance:BTC/USDT:perp:trades", "kraken:ETH/EUR:orderbook".
 */
int dccd_dataset_format(const dccd_dataset *ds, char *buf, size_t cap, dccd_error *err);

/*
 * Parse a dataset id written by dccd_dataset_format().  The span field
 * also accepts anything dccd_span_parse() does ("1h").  The result is
 * validated as by dccd_dataset_init().  DCCD_EINVAL (or DCCD_ERANGE for an
 * out-of-range span) naming the text.
 */
int dccd_dataset_parse(const char *text, dccd_dataset *out, dccd_error *err);

/*
 * Write the dataset's directory relative to the store root:
 * "EXCHANGE/ohlc/SLUG/SPANLABEL" (e.g. "binance/ohlc/BTC-USDT/1h"),
 * "EXCHANGE/trades/SLUG" or "EXCHANGE/orderbook/SLUG".  The dataset is
 * validated first.
 */
int dccd_dataset_dir(const dccd_dataset *ds, char *buf, size_t cap, dccd_error *err);

/* True when both ids are equal field by field. */
bool dccd_dataset_equal(const dccd_dataset *a, const dccd_dataset *b);

/* =====================================================================
 * Time
 * ===================================================================== */

/* Nanoseconds per second. */
#define DCCD_NS INT64_C(1000000000)
/* Nanoseconds per day. */
#define DCCD_NS_PER_DAY (INT64_C(86400) * DCCD_NS)
/* Years fully or partly representable as int64 nanoseconds. */
#define DCCD_TIME_YEAR_MIN 1677
#define DCCD_TIME_YEAR_MAX 2262
/* Large enough for dccd_time_format() and dccd_time_period_label(). */
#define DCCD_TIME_TEXT_MAX 40

/* A timestamp broken down into UTC calendar fields. */
typedef struct dccd_civil_time {
    int year;     /* 1677 .. 2262 for an int64 ns timestamp */
    int month;    /* 1 .. 12 */
    int day;      /* 1 .. 31 */
    int hour;     /* 0 .. 23 */
    int minute;   /* 0 .. 59 */
    int second;   /* 0 .. 59 */
    int32_t nsec; /* 0 .. 999999999 */
    int weekday;  /* 0 = Sunday .. 6 = Saturday */
} dccd_civil_time;

/*
 * Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil).  Exact for any |year| below 2^40; month 1..12 and day
 * 1..31 are the caller's responsibility (use dccd_civil_valid()).
 */
int64_t dccd_days_from_civil(int64_t year, int month, int day);

/* The inverse: the date of a day number (civil_from_days). */
void dccd_civil_from_days(int64_t days, int64_t *year, int *month, int *day);

/* True when year-month-day is a real date (Feb 29 only in leap years). */
bool dccd_civil_valid(int64_t year, int month, int day);

/* True for Gregorian leap years (2000 yes, 1900 no, 2024 yes). */
bool dccd_is_leap_year(int64_t year);

/* Break a timestamp down into UTC fields (the seed's ns_to_dt).  Total:
 * every int64 value has a breakdown. */
void dccd_time_to_civil(int64_t ts, dccd_civil_time *out);

/*
 * Timestamp of a UTC date and time.  Fields are validated (month 1..12,
 * real day, hour 0..23, minute 0..59, second 0..59, nsec 0..999999999:
 * DCCD_EINVAL) and the result must fit int64 (DCCD_ERANGE).
 */
int dccd_time_from_civil(int64_t year, int month, int day, int hour, int minute, int second,
                         int32_t nsec, int64_t *ts, dccd_error *err);

/* Timestamp of YEAR-01-01T00:00:00Z.  DCCD_ERANGE outside
 * 1678 .. 2262 (1677-01-01 is before the int64 range). */
int dccd_time_year_start(int64_t year, int64_t *ts, dccd_error *err);

/* Start (00:00:00Z) of the UTC day containing ts, rounding down for
 * negative ts.  DCCD_ERANGE only for ts on 1677-09-21, whose midnight is
 * not representable. */
int dccd_time_day_start(int64_t ts, int64_t *out, dccd_error *err);

/*
 * Period label of ts for a data type: the file stem that holds ts in a
 * dataset directory.  "YYYY" for DCCD_OHLC (one file per year),
 * "YYYY-MM-DD" otherwise (one file per day).  As the seed's
 * strftime("%Y") / strftime("%Y-%m-%d") of the UTC time.
 */
int dccd_time_period_label(int64_t ts, dccd_data_type type, char *buf, size_t cap,
                           dccd_error *err);

/*
 * The half-open range [*start, *end) of timestamps that belong to a period
 * label.  The label must have the form period_label() writes for the type
 * ("2024" for OHLC, "2024-03-01" otherwise), exactly, with a real date
 * (DCCD_EINVAL for "2024-02-30", "24", "2024-3-1", ...).  A period that is
 * only partly representable is clamped: *start to INT64_MIN, *end to
 * INT64_MAX (so INT64_MAX itself belongs to no period).  A period wholly
 * outside the int64 range is DCCD_ERANGE.
 */
int dccd_time_period_range(const char *label, dccd_data_type type, int64_t *start, int64_t *end,
                           dccd_error *err);

/*
 * Parse a timestamp written by a user or another program:
 *   "1709251200000000000"            integer nanoseconds (optional '-')
 *   "2024-03-01"                     midnight UTC
 *   "2024-03-01T12:00"               minutes, seconds default to 0
 *   "2024-03-01T12:00:00Z"           'T', 't' or one space separate
 *   "2024-03-01 12:00:00.123456789"  fraction: 1..9 digits
 *   "2024-03-01T12:00:00+05:30"      offset +HH:MM, -HH:MM or +HHMM,
 *                                    applied (this is 06:30:00Z)
 * No time means UTC midnight; a time without 'Z' or offset is UTC.  The
 * year has exactly four digits.  Any int64 value is accepted (the store
 * refuses TS < 0 itself).  Errors: DCCD_EINVAL naming the text and what
 * is wrong ('bad time "2024-13-01": month 13 out of range'), DCCD_ERANGE
 * when the value does not fit int64 nanoseconds (year 2263,
 * "9999999999999999999").
 */
int dccd_time_parse(const char *text, int64_t *ts, dccd_error *err);

/*
 * Write ts as ISO-8601 UTC: "2024-03-01T12:00:00Z", with a fraction only
 * when nonzero, trimmed to 3, 6 or 9 digits ("2024-03-01T12:00:00.500Z",
 * "...00.000001Z", "...00.000000001Z").  Fails only when cap is too small.
 * dccd_time_parse() of the result gives ts back.
 */
int dccd_time_format(int64_t ts, char *buf, size_t cap, dccd_error *err);

/* =====================================================================
 * Provenance
 * ===================================================================== */

/*
 * Where the data in a file came from, stored as JSON in the Parquet footer
 * key "dccd.provenance".  Strings are heap-allocated, NUL-terminated UTF-8
 * owned by the record; release them with dccd_provenance_free().
 */
typedef struct dccd_provenance {
    char *source;        /* e.g. "binance:rest", "kraken:ws"; never NULL when valid */
    char *derived_from;  /* a dataset id, or NULL for JSON null */
} dccd_provenance;

/* Footer key under which provenance is stored. */
#define DCCD_PROVENANCE_KEY "dccd.provenance"

/*
 * Fill *out with copies of source (required) and derived_from (NULL
 * allowed).  Both must be valid UTF-8 (DCCD_EINVAL); DCCD_ENOMEM when an
 * allocation fails.  *out is written only on success.
 */
int dccd_provenance_init(dccd_provenance *out, const char *source, const char *derived_from,
                         dccd_error *err);

/*
 * Serialise exactly as pydantic's model_dump_json() does:
 *   {"source":"binance:rest","derived_from":null}
 * compact, keys in that order, non-ASCII written as UTF-8, '"' and '\\'
 * and control characters escaped (\b \t \n \f \r, else \u00xx).  *json is
 * a malloc'ed NUL-terminated string the caller free()s; *len (may be
 * NULL) receives its length.  DCCD_EINVAL for a NULL source or invalid
 * UTF-8, DCCD_ENOMEM.
 */
int dccd_provenance_to_json(const dccd_provenance *p, char **json, size_t *len, dccd_error *err);

/*
 * Parse provenance JSON (len bytes, need not be NUL-terminated), as the
 * seed's Provenance(**json.loads(raw)): a JSON object with string
 * "source" (required) and "derived_from" (string or null; missing means
 * null); other keys are ignored.  Invalid JSON is DCCD_EINVAL with
 * jansson's line and column; a missing or non-string source, or a
 * non-string non-null derived_from, is DCCD_EINVAL too.  *out is written
 * only on success; free it with dccd_provenance_free().
 */
int dccd_provenance_from_json(const char *json, size_t len, dccd_provenance *out,
                              dccd_error *err);

/* Free the strings of *p and set them to NULL.  NULL p is allowed. */
void dccd_provenance_free(dccd_provenance *p);

#ifdef __cplusplus
}
#endif
#endif /* DCCD_DOMAIN_H */
