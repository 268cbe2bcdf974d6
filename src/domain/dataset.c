/*
 * src/domain/dataset.c - dataset ids.
 *
 * Owns: building and validating a dccd_dataset (exchange name, symbol,
 * data type, span rules: OHLC needs a span, other types must not have
 * one), the text form "exchange:BTC/USDT[:market]:type[:{n}s]" both ways,
 * and the dataset's directory relative to the store root
 * ("EXCHANGE/ohlc/SLUG/SPANLABEL", "EXCHANGE/trades/SLUG",
 * "EXCHANGE/orderbook/SLUG") - the layout the Python seed uses.
 */
#include <stdio.h>
#include <string.h>

#include "dccd/domain.h"
#include "util.h"

/* Text of a dataset for messages; the exchange name is already validated
 * (plain [A-Za-z0-9._-]), the type and span may be wrong. */
static void describe(const char *exchange, const dccd_symbol *sym, dccd_data_type type,
                     int64_t span, char *out, size_t cap)
{
    char s[DCCD_SYMBOL_TEXT_MAX];
    if (dccd_symbol_format(sym, s, sizeof s, NULL) != DCCD_OK)
        snprintf(s, sizeof s, "<invalid symbol>");
    const char *tn = dccd_data_type_name(type);
    if (span)
        snprintf(out, cap, "%s:%s:%s:%llds", exchange, s, tn ? tn : "<invalid type>", (long long)span);
    else
        snprintf(out, cap, "%s:%s:%s", exchange, s, tn ? tn : "<invalid type>");
}

static int check(const char *exchange, const dccd_symbol *symbol, dccd_data_type type,
                 int64_t span, dccd_error *err)
{
    char d[DCCD_DATASET_TEXT_MAX];
    int rc = dccd_exchange_name_ok(exchange, err);
    if (rc)
        return rc;
    if (!symbol)
        return dccd_err_set(err, DCCD_EINVAL, "dataset %s: symbol is NULL", exchange);
    char tmp[DCCD_SYMBOL_TEXT_MAX];
    rc = dccd_symbol_format(symbol, tmp, sizeof tmp, err);
    if (rc)
        return dccd_err_prefix(err, rc, "dataset on exchange %s", exchange);
    if (!dccd_data_type_name(type))
        return dccd_err_set(err, DCCD_EINVAL, "dataset %s:%s: invalid data type %d", exchange, tmp,
                            (int)type);
    describe(exchange, symbol, type, span, d, sizeof d);
    if (type == DCCD_OHLC) {
        if (span == 0)
            return dccd_err_set(err, DCCD_EINVAL,
                                "dataset %s: data_type=OHLC but span is None (set a span in "
                                "seconds, e.g. 3600)",
                                d);
        if (span < 0 || span > DCCD_SPAN_MAX_SECONDS)
            return dccd_err_set(err, DCCD_EINVAL, "dataset %s: span %lld out of range 1..%lld", d,
                                (long long)span, (long long)DCCD_SPAN_MAX_SECONDS);
    } else if (span != 0) {
        return dccd_err_set(err, DCCD_EINVAL,
                            "dataset %s: data_type=%s must not have a span (got %lld)", d,
                            dccd_data_type_name(type), (long long)span);
    }
    return DCCD_OK;
}

int dccd_dataset_init(dccd_dataset *out, const char *exchange, const dccd_symbol *symbol,
                      dccd_data_type type, int64_t span, dccd_error *err)
{
    int rc = check(exchange, symbol, type, span, err);
    if (rc)
        return rc;
    dccd_dataset ds;
    memset(&ds, 0, sizeof ds);
    memcpy(ds.exchange, exchange, strlen(exchange) + 1);
    ds.symbol = *symbol;
    ds.type = type;
    ds.span = span;
    *out = ds;
    return DCCD_OK;
}

int dccd_dataset_validate(const dccd_dataset *ds, dccd_error *err)
{
    if (!ds)
        return dccd_err_set(err, DCCD_EINVAL, "dataset is NULL");
    if (!memchr(ds->exchange, '\0', sizeof ds->exchange))
        return dccd_err_set(err, DCCD_EINVAL, "dataset: exchange name not NUL-terminated");
    return check(ds->exchange, &ds->symbol, ds->type, ds->span, err);
}

int dccd_dataset_format(const dccd_dataset *ds, char *buf, size_t cap, dccd_error *err)
{
    int rc = dccd_dataset_validate(ds, err);
    if (rc) {
        if (buf && cap)
            buf[0] = '\0';
        return rc;
    }
    char sym[DCCD_SYMBOL_TEXT_MAX];
    dccd_symbol_format(&ds->symbol, sym, sizeof sym, NULL);
    char tmp[DCCD_DATASET_TEXT_MAX];
    int n;
    if (ds->type == DCCD_OHLC)
        n = snprintf(tmp, sizeof tmp, "%s:%s:%s:%llds", ds->exchange, sym,
                     dccd_data_type_name(ds->type), (long long)ds->span);
    else
        n = snprintf(tmp, sizeof tmp, "%s:%s:%s", ds->exchange, sym,
                     dccd_data_type_name(ds->type));
    return dccd_dom_put(buf, cap, tmp, (size_t)n, "dataset id", err);
}

int dccd_dataset_parse(const char *text, dccd_dataset *out, dccd_error *err)
{
    char q[DCCD_DOM_QUOTE_MAX];
    if (!text)
        return dccd_err_set(err, DCCD_EINVAL, "bad dataset id (null)");
    dccd_dom_quote(text, q);
    size_t len = strlen(text);
    if (len >= DCCD_DATASET_TEXT_MAX)
        return dccd_err_set(err, DCCD_EINVAL, "bad dataset id %s: %zu bytes long (max %d)", q, len,
                            DCCD_DATASET_TEXT_MAX - 1);
    char work[DCCD_DATASET_TEXT_MAX];
    memcpy(work, text, len + 1);
    /* Split on ':' into at most 5 fields. */
    char *f[6];
    int nf = 0;
    char *p = work;
    for (;;) {
        if (nf == 6)
            break;
        f[nf++] = p;
        char *c = strchr(p, ':');
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    if (nf < 3 || nf > 5)
        return dccd_err_set(err, DCCD_EINVAL,
                            "bad dataset id %s: expected exchange:BASE/QUOTE[:market]:type[:span]",
                            q);
    /* The type is the last field, or the one before a span. */
    dccd_data_type type;
    int ti = nf - 1;
    int64_t span = 0;
    if (dccd_data_type_from_name(f[ti], &type, NULL) != DCCD_OK) {
        ti = nf - 2;
        if (ti < 2 || dccd_data_type_from_name(f[ti], &type, NULL) != DCCD_OK)
            return dccd_err_set(err, DCCD_EINVAL,
                                "bad dataset id %s: no data type (ohlc, trades, orderbook) where "
                                "expected",
                                q);
        int rc = dccd_span_parse(f[nf - 1], &span, err);
        if (rc)
            return dccd_err_prefix(err, rc, "bad dataset id %s", q);
    }
    /* Fields 1 .. ti-1 are the symbol (with its market, if any). */
    if (ti - 1 > 2 || ti < 2)
        return dccd_err_set(err, DCCD_EINVAL,
                            "bad dataset id %s: expected exchange:BASE/QUOTE[:market]:type[:span]",
                            q);
    if (ti == 3)
        f[1][strlen(f[1])] = ':'; /* rejoin "BTC/USDT" ":" "perp" */
    dccd_symbol sym;
    int rc = dccd_symbol_parse(f[1], &sym, err);
    if (rc)
        return dccd_err_prefix(err, rc, "bad dataset id %s", q);
    rc = dccd_dataset_init(out, f[0], &sym, type, span, err);
    if (rc)
        return dccd_err_prefix(err, rc, "bad dataset id %s", q);
    return DCCD_OK;
}

int dccd_dataset_dir(const dccd_dataset *ds, char *buf, size_t cap, dccd_error *err)
{
    int rc = dccd_dataset_validate(ds, err);
    if (rc) {
        if (buf && cap)
            buf[0] = '\0';
        return rc;
    }
    char slug[DCCD_SYMBOL_TEXT_MAX];
    dccd_symbol_pair_slug(&ds->symbol, slug, sizeof slug, NULL);
    char tmp[DCCD_DATASET_TEXT_MAX];
    int n;
    if (ds->type == DCCD_OHLC) {
        char label[DCCD_SPAN_LABEL_MAX];
        dccd_span_label(ds->span, label, sizeof label, NULL);
        n = snprintf(tmp, sizeof tmp, "%s/ohlc/%s/%s", ds->exchange, slug, label);
    } else {
        n = snprintf(tmp, sizeof tmp, "%s/%s/%s", ds->exchange, dccd_data_type_name(ds->type),
                     slug);
    }
    return dccd_dom_put(buf, cap, tmp, (size_t)n, "dataset directory", err);
}

bool dccd_dataset_equal(const dccd_dataset *a, const dccd_dataset *b)
{
    return strcmp(a->exchange, b->exchange) == 0 && dccd_symbol_equal(&a->symbol, &b->symbol) &&
           a->type == b->type && a->span == b->span;
}
