/*
 * src/domain/types.c - data types and spans.
 *
 * Owns: dccd_data_type names (the directory names "ohlc", "trades",
 * "orderbook"), span labels (the OHLC span directory names: "1m", "1h",
 * "1d", ... or "{n}s"), the seed's str_to_span() word list, and the lenient
 * span parser used for user input and inventory directory names.
 *
 * The tables below are the single source of truth for the words; they must
 * stay identical to the Python seed (see /work/shared/seed/README.md).
 */
#include <stdio.h>
#include <string.h>

#include "dccd/domain.h"
#include "util.h"

static const char *const type_names[] = {"ohlc", "trades", "orderbook"};

const char *dccd_data_type_name(dccd_data_type type)
{
    if ((int)type < 0 || (int)type > (int)DCCD_ORDERBOOK)
        return NULL;
    return type_names[type];
}

int dccd_data_type_from_name(const char *name, dccd_data_type *out, dccd_error *err)
{
    if (name) {
        for (int i = 0; i <= (int)DCCD_ORDERBOOK; i++) {
            if (strcmp(name, type_names[i]) == 0) {
                *out = (dccd_data_type)i;
                return DCCD_OK;
            }
        }
    }
    char q[DCCD_DOM_QUOTE_MAX];
    dccd_dom_quote(name, q);
    return dccd_err_set(err, DCCD_EINVAL,
                        "unknown data type %s (expected \"ohlc\", \"trades\" or \"orderbook\")", q);
}

/* ---- spans ------------------------------------------------------------ */

struct span_word {
    const char *word;
    int64_t seconds;
};

/* span_label(): the canonical labels. */
static const struct span_word span_labels[] = {
    {"1m", 60},       {"3m", 180},      {"5m", 300},     {"15m", 900},    {"30m", 1800},
    {"1h", 3600},     {"2h", 7200},     {"4h", 14400},   {"6h", 21600},   {"8h", 28800},
    {"12h", 43200},   {"1d", 86400},    {"3d", 259200},  {"1w", 604800},
};

/* str_to_span(): the extra words accepted besides the labels. */
static const struct span_word span_words[] = {
    {"minute", 60},      {"minutely", 60},    {"min", 60},         {"1min", 60},
    {"60s", 60},         {"hour", 3600},      {"hourly", 3600},    {"h", 3600},
    {"day", 86400},      {"daily", 86400},    {"d", 86400},        {"24h", 86400},
    {"week", 604800},    {"weekly", 604800},  {"w", 604800},       {"7d", 604800},
    {"15d", 1296000},    {"month", 2592000},  {"monthly", 2592000},
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

int dccd_span_label(int64_t seconds, char *buf, size_t cap, dccd_error *err)
{
    for (size_t i = 0; i < N_ELEMS(span_labels); i++) {
        if (span_labels[i].seconds == seconds)
            return dccd_dom_put(buf, cap, span_labels[i].word, strlen(span_labels[i].word),
                                "span label", err);
    }
    char tmp[DCCD_SPAN_LABEL_MAX];
    int n = snprintf(tmp, sizeof tmp, "%lld" "s", (long long)seconds);
    return dccd_dom_put(buf, cap, tmp, (size_t)n, "span label", err);
}

/* Longest word in the tables is 8 bytes; anything longer cannot match. */
#define SPAN_WORD_MAX 16

static int span_lookup(const char *text, int64_t *seconds)
{
    char low[SPAN_WORD_MAX + 1];
    size_t n = strlen(text);
    if (n > SPAN_WORD_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        low[i] = dccd_dom_lower(text[i]);
    low[n] = '\0';
    for (size_t i = 0; i < N_ELEMS(span_labels); i++) {
        if (strcmp(low, span_labels[i].word) == 0) {
            *seconds = span_labels[i].seconds;
            return 1;
        }
    }
    for (size_t i = 0; i < N_ELEMS(span_words); i++) {
        if (strcmp(low, span_words[i].word) == 0) {
            *seconds = span_words[i].seconds;
            return 1;
        }
    }
    return 0;
}

int dccd_str_to_span(const char *text, int64_t *seconds, dccd_error *err)
{
    if (text && span_lookup(text, seconds))
        return DCCD_OK;
    char q[DCCD_DOM_QUOTE_MAX];
    dccd_dom_quote(text, q);
    return dccd_err_set(err, DCCD_ENOTFOUND, "unknown span %s (expected e.g. 1m, 1h, 1d, hourly)",
                        q);
}

int dccd_span_parse(const char *text, int64_t *seconds, dccd_error *err)
{
    char q[DCCD_DOM_QUOTE_MAX];
    if (!text) {
        return dccd_err_set(err, DCCD_EINVAL, "bad span (null)");
    }
    if (span_lookup(text, seconds))
        return DCCD_OK;
    size_t n = strlen(text);
    if (n > 0 && (text[n - 1] == 's' || text[n - 1] == 'S'))
        n--;
    int64_t v = 0;
    int rc = dccd_dom_parse_u63(text, n, &v);
    dccd_dom_quote(text, q);
    if (rc == -1)
        return dccd_err_set(err, DCCD_EINVAL,
                            "bad span %s: expected a label (1m, 1h, 1d...), a word (hourly...), "
                            "\"{n}s\" or a number of seconds",
                            q);
    if (rc == -2 || v <= 0 || v > DCCD_SPAN_MAX_SECONDS)
        return dccd_err_set(err, DCCD_ERANGE, "bad span %s: must be 1..%lld seconds", q,
                            (long long)DCCD_SPAN_MAX_SECONDS);
    *seconds = v;
    return DCCD_OK;
}
