/*
 * src/common/error.c - dccd_error records: setting, prefixing, errno mapping.
 *
 * Messages are formatted with vsnprintf into the caller's fixed buffer, so a
 * long message is truncated (ending in "...") and never overflows.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common.h"

const char *dccd_code_name(int code)
{
    switch (code) {
    case DCCD_OK: return "OK";
    case DCCD_EINVAL: return "EINVAL";
    case DCCD_ENOMEM: return "ENOMEM";
    case DCCD_EIO: return "EIO";
    case DCCD_ECORRUPT: return "ECORRUPT";
    case DCCD_EUNSUPPORTED: return "EUNSUPPORTED";
    case DCCD_ENOTFOUND: return "ENOTFOUND";
    case DCCD_ERANGE: return "ERANGE";
    case DCCD_EBUSY: return "EBUSY";
    case DCCD_ESTATE: return "ESTATE";
    case DCCD_ENOSPC: return "ENOSPC";
    default: return "EUNKNOWN";
    }
}

void dccd_error_clear(dccd_error *err)
{
    if (err) {
        err->code = DCCD_OK;
        err->sys_errno = 0;
        err->msg[0] = '\0';
    }
}

static void mark_truncated(char *buf, size_t cap, int n)
{
    if (n >= 0 && (size_t)n >= cap && cap > 4)
        memcpy(buf + cap - 4, "...", 4);
}

int dccd_err_setv(dccd_error *err, int code, const char *fmt, va_list ap)
{
    if (!err)
        return code;
    err->code = code;
    err->sys_errno = 0;
    int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    if (n < 0)
        err->msg[0] = '\0';
    mark_truncated(err->msg, sizeof err->msg, n);
    return code;
}

int dccd_err_set(dccd_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dccd_err_setv(err, code, fmt, ap);
    va_end(ap);
    return code;
}

int dccd_err_prefix(dccd_error *err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    if (err->code == DCCD_OK)
        err->code = code;
    char old[DCCD_ERROR_MSG_MAX];
    memcpy(old, err->msg, sizeof old);
    old[sizeof old - 1] = '\0';
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    if (n < 0) {
        n = 0;
        err->msg[0] = '\0';
    }
    if ((size_t)n < sizeof err->msg && old[0]) {
        int m = snprintf(err->msg + n, sizeof err->msg - (size_t)n, ": %s", old);
        mark_truncated(err->msg, sizeof err->msg, m < 0 ? m : m + n);
    } else {
        mark_truncated(err->msg, sizeof err->msg, n);
    }
    return err->code;
}

int dccd_err_errno(dccd_error *err, int errnum, const char *fmt, ...)
{
    int code;
    switch (errnum) {
    case ENOSPC:
#ifdef EDQUOT
    case EDQUOT:
#endif
        code = DCCD_ENOSPC;
        break;
    case ENOMEM: code = DCCD_ENOMEM; break;
    case ENOENT: code = DCCD_ENOTFOUND; break;
    default: code = DCCD_EIO; break;
    }
    if (!err)
        return code;
    char what[DCCD_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (n < 0)
        what[0] = '\0';
    char ebuf[128];
    const char *etext = ebuf;
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
    etext = strerror_r(errnum, ebuf, sizeof ebuf);
#else
    if (strerror_r(errnum, ebuf, sizeof ebuf) != 0)
        snprintf(ebuf, sizeof ebuf, "errno %d", errnum);
#endif
    dccd_err_set(err, code, "%s: %s", what, etext);
    err->sys_errno = errnum;
    return code;
}
