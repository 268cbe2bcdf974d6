/*
 * src/domain/symbol.c - trading-pair symbols, exchange names and path
 * components.
 *
 * Owns: dccd_symbol construction (upper-casing, the XBT -> BTC alias,
 * validation of base/quote as [A-Z0-9]{1,32}), parsing "BTC/USDT",
 * "btc-usdt", "BTC_USDT" with an optional ":market" suffix, formatting
 * ("BTC/USDT:perp"), pair slugs ("BTC-USDT_PERP") both ways, and the
 * path-safety checks for exchange names and other path components.
 *
 * Everything that ends up in a file-system path is checked here against a
 * closed character set, so no input can escape the store root.
 */
#include <stdio.h>
#include <string.h>

#include "dccd/domain.h"
#include "util.h"

static const char *const market_names[] = {"spot", "perp", "quarter", "next_quarter"};
static const char *const market_slugs[] = {"", "_PERP", "_QUARTER", "_NEXT_QUARTER"};

#define MARKET_LAST DCCD_NEXT_QUARTER

static int market_ok(dccd_market m)
{
    return (int)m >= 0 && (int)m <= (int)MARKET_LAST;
}

const char *dccd_market_name(dccd_market market)
{
    return market_ok(market) ? market_names[market] : NULL;
}

/* Upper-case, alias and validate one part of n bytes into out.
 * `offset` is where the part starts in `whole` (for messages). */
static int symbol_part(char out[DCCD_SYMBOL_PART_MAX + 1], const char *part, size_t n,
                       const char *which, const char *whole, size_t offset, dccd_error *err)
{
    char q[DCCD_DOM_QUOTE_MAX];
    if (n == 0) {
        dccd_dom_quote(whole, q);
        return dccd_err_set(err, DCCD_EINVAL, "invalid symbol %s: empty %s", q, which);
    }
    for (size_t i = 0; i < n; i++) {
        char c = dccd_dom_upper(part[i]);
        if (!((c >= 'A' && c <= 'Z') || dccd_dom_is_digit(c))) {
            char cd[8];
            dccd_dom_char((unsigned char)part[i], cd);
            dccd_dom_quote(whole, q);
            return dccd_err_set(err, DCCD_EINVAL,
                                "invalid symbol %s: %s has %s at offset %zu (only A-Z and 0-9 "
                                "allowed)",
                                q, which, cd, offset + i);
        }
    }
    if (n > DCCD_SYMBOL_PART_MAX) {
        dccd_dom_quote(whole, q);
        return dccd_err_set(err, DCCD_EINVAL, "invalid symbol %s: %s is %zu characters (max %d)",
                            q, which, n, DCCD_SYMBOL_PART_MAX);
    }
    for (size_t i = 0; i < n; i++)
        out[i] = dccd_dom_upper(part[i]);
    out[n] = '\0';
    if (strcmp(out, "XBT") == 0)
        memcpy(out, "BTC", 4);
    return DCCD_OK;
}

int dccd_symbol_init(dccd_symbol *out, const char *base, const char *quote, dccd_market market,
                     dccd_error *err)
{
    if (!base || !quote)
        return dccd_err_set(err, DCCD_EINVAL, "invalid symbol: base or quote is NULL");
    if (!market_ok(market))
        return dccd_err_set(err, DCCD_EINVAL, "invalid symbol: unknown market %d", (int)market);
    dccd_symbol s;
    memset(&s, 0, sizeof s);
    /* Name the whole pair in messages. */
    char whole[2 * DCCD_DOM_QUOTE_MAX];
    snprintf(whole, sizeof whole, "%.100s/%.100s", base, quote);
    int rc = symbol_part(s.base, base, strlen(base), "base", whole, 0, err);
    if (rc)
        return rc;
    size_t bl = strlen(base);
    rc = symbol_part(s.quote, quote, strlen(quote), "quote", whole, bl + 1, err);
    if (rc)
        return rc;
    s.market = market;
    *out = s;
    return DCCD_OK;
}

static int ascii_ieq(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);
    if (an != bn)
        return 0;
    for (size_t i = 0; i < an; i++) {
        if (dccd_dom_lower(a[i]) != b[i])
            return 0;
    }
    return 1;
}

int dccd_symbol_parse(const char *text, dccd_symbol *out, dccd_error *err)
{
    char q[DCCD_DOM_QUOTE_MAX];
    if (!text)
        return dccd_err_set(err, DCCD_EINVAL, "invalid symbol (null)");
    size_t len = strlen(text);
    const char *colon = strchr(text, ':');
    size_t pair_len = colon ? (size_t)(colon - text) : len;
    dccd_market market = DCCD_SPOT;
    if (colon) {
        const char *m = colon + 1;
        size_t mn = len - pair_len - 1;
        int found = 0;
        for (int i = 0; i <= (int)MARKET_LAST; i++) {
            if (ascii_ieq(m, mn, market_names[i])) {
                market = (dccd_market)i;
                found = 1;
                break;
            }
        }
        if (!found) {
            dccd_dom_quote(text, q);
            char mq[DCCD_DOM_QUOTE_MAX];
            dccd_dom_quote(m, mq);
            return dccd_err_set(err, DCCD_EINVAL,
                                "invalid symbol %s: unknown market %s (expected perp, quarter, "
                                "next_quarter or spot)",
                                q, mq);
        }
    }
    size_t sep = pair_len;
    for (size_t i = 0; i < pair_len; i++) {
        if (text[i] == '/' || text[i] == '-' || text[i] == '_') {
            sep = i;
            break;
        }
    }
    if (sep == pair_len) {
        dccd_dom_quote(text, q);
        return dccd_err_set(err, DCCD_EINVAL,
                            "invalid symbol %s: expected BASE/QUOTE (separated by '/', '-' or '_')",
                            q);
    }
    dccd_symbol s;
    memset(&s, 0, sizeof s);
    int rc = symbol_part(s.base, text, sep, "base", text, 0, err);
    if (rc)
        return rc;
    rc = symbol_part(s.quote, text + sep + 1, pair_len - sep - 1, "quote", text, sep + 1, err);
    if (rc)
        return rc;
    s.market = market;
    *out = s;
    return DCCD_OK;
}

/* Check a symbol that may have been filled in by hand. */
static int symbol_check(const dccd_symbol *sym, dccd_error *err)
{
    if (!sym)
        return dccd_err_set(err, DCCD_EINVAL, "invalid symbol: NULL");
    if (!memchr(sym->base, '\0', sizeof sym->base) || !memchr(sym->quote, '\0', sizeof sym->quote))
        return dccd_err_set(err, DCCD_EINVAL, "invalid symbol: base or quote not NUL-terminated");
    dccd_symbol tmp;
    int rc = dccd_symbol_init(&tmp, sym->base, sym->quote, sym->market, err);
    if (rc)
        return rc;
    if (!dccd_symbol_equal(&tmp, sym))
        return dccd_err_set(err, DCCD_EINVAL,
                            "invalid symbol %s/%s: not canonical (expected %s/%s)", sym->base,
                            sym->quote, tmp.base, tmp.quote);
    return DCCD_OK;
}

int dccd_symbol_format(const dccd_symbol *sym, char *buf, size_t cap, dccd_error *err)
{
    int rc = symbol_check(sym, err);
    if (rc) {
        if (buf && cap)
            buf[0] = '\0';
        return rc;
    }
    char tmp[DCCD_SYMBOL_TEXT_MAX];
    int n;
    if (sym->market == DCCD_SPOT)
        n = snprintf(tmp, sizeof tmp, "%s/%s", sym->base, sym->quote);
    else
        n = snprintf(tmp, sizeof tmp, "%s/%s:%s", sym->base, sym->quote,
                     market_names[sym->market]);
    return dccd_dom_put(buf, cap, tmp, (size_t)n, "symbol", err);
}

int dccd_symbol_pair_slug(const dccd_symbol *sym, char *buf, size_t cap, dccd_error *err)
{
    int rc = symbol_check(sym, err);
    if (rc) {
        if (buf && cap)
            buf[0] = '\0';
        return rc;
    }
    char tmp[DCCD_SYMBOL_TEXT_MAX];
    int n = snprintf(tmp, sizeof tmp, "%s-%s%s", sym->base, sym->quote,
                     market_slugs[sym->market]);
    return dccd_dom_put(buf, cap, tmp, (size_t)n, "pair slug", err);
}

int dccd_symbol_from_slug(const char *slug, dccd_symbol *out, dccd_error *err)
{
    char q[DCCD_DOM_QUOTE_MAX];
    if (!slug)
        return dccd_err_set(err, DCCD_EINVAL, "invalid pair slug (null)");
    size_t len = strlen(slug);
    const char *dash = strchr(slug, '-');
    if (!dash) {
        dccd_dom_quote(slug, q);
        return dccd_err_set(err, DCCD_EINVAL, "invalid pair slug %s: expected BASE-QUOTE", q);
    }
    const char *us = strchr(dash + 1, '_');
    size_t qend = us ? (size_t)(us - slug) : len;
    dccd_market market = DCCD_SPOT;
    if (us) {
        int found = 0;
        for (int i = 1; i <= (int)MARKET_LAST; i++) {
            if (strcmp(us, market_slugs[i]) == 0) {
                market = (dccd_market)i;
                found = 1;
                break;
            }
        }
        if (!found) {
            dccd_dom_quote(slug, q);
            char mq[DCCD_DOM_QUOTE_MAX];
            dccd_dom_quote(us, mq);
            return dccd_err_set(err, DCCD_EINVAL,
                                "invalid pair slug %s: unknown market suffix %s (expected _PERP, "
                                "_QUARTER or _NEXT_QUARTER)",
                                q, mq);
        }
    }
    size_t bn = (size_t)(dash - slug);
    dccd_symbol s;
    memset(&s, 0, sizeof s);
    int rc = symbol_part(s.base, slug, bn, "base", slug, 0, err);
    if (rc == DCCD_OK)
        rc = symbol_part(s.quote, dash + 1, qend - bn - 1, "quote", slug, bn + 1, err);
    if (rc) {
        dccd_err_prefix(err, rc, "invalid pair slug");
        return rc;
    }
    s.market = market;
    /* Canonical only: the slug must be exactly what we would write. */
    char back[DCCD_SYMBOL_TEXT_MAX];
    rc = dccd_symbol_pair_slug(&s, back, sizeof back, err);
    if (rc)
        return rc;
    if (strcmp(back, slug) != 0) {
        dccd_dom_quote(slug, q);
        return dccd_err_set(err, DCCD_EINVAL,
                            "invalid pair slug %s: not canonical (the canonical slug is \"%s\")", q,
                            back);
    }
    *out = s;
    return DCCD_OK;
}

bool dccd_symbol_equal(const dccd_symbol *a, const dccd_symbol *b)
{
    return strcmp(a->base, b->base) == 0 && strcmp(a->quote, b->quote) == 0 &&
           a->market == b->market;
}

/* ---- exchange names and path components --------------------------------- */

static int component_ok(const char *name, const char *what, size_t max, dccd_error *err)
{
    char q[DCCD_DOM_QUOTE_MAX];
    if (!name)
        return dccd_err_set(err, DCCD_EINVAL, "invalid %s: NULL", what);
    if (name[0] == '\0')
        return dccd_err_set(err, DCCD_EINVAL, "invalid %s \"\": empty", what);
    size_t n = strlen(name);
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || dccd_dom_is_digit(c) ||
                 c == '.' || c == '_' || c == '-';
        if (!ok) {
            char cd[8];
            dccd_dom_char((unsigned char)c, cd);
            dccd_dom_quote(name, q);
            return dccd_err_set(err, DCCD_EINVAL,
                                "invalid %s %s: %s not allowed (offset %zu; only A-Z a-z 0-9 . _ "
                                "- are)",
                                what, q, cd, i);
        }
    }
    if (name[0] == '.') {
        dccd_dom_quote(name, q);
        return dccd_err_set(err, DCCD_EINVAL,
                            "invalid %s %s: must not start with '.' (\".\", \"..\" and hidden "
                            "names are refused)",
                            what, q);
    }
    if (n > max) {
        dccd_dom_quote(name, q);
        return dccd_err_set(err, DCCD_EINVAL, "invalid %s %s: %zu bytes long (max %zu)", what, q,
                            n, max);
    }
    return DCCD_OK;
}

int dccd_exchange_name_ok(const char *name, dccd_error *err)
{
    return component_ok(name, "exchange name", DCCD_EXCHANGE_MAX, err);
}

int dccd_path_component_ok(const char *name, dccd_error *err)
{
    return component_ok(name, "path component", DCCD_PATH_COMPONENT_MAX, err);
}
