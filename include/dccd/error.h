/*
 * dccd/error.h - error codes and the error record shared by every dccd API.
 *
 * Every library function that can fail returns an int status: DCCD_OK (0) on
 * success, one of the DCCD_E* codes below otherwise.  Functions that can fail
 * also take a `dccd_error *err` as their last argument.  When it is not NULL
 * the function fills it with the code and a human-readable message naming
 * what was wrong (the file, column, row group, row, field...).  Passing NULL
 * is allowed: the code is still returned, the message is dropped.
 *
 * A dccd_error is a plain value owned by the caller (typically on the
 * stack); it needs no initialisation and no freeing.  Messages longer than
 * the buffer are truncated, never overflowed.
 *
 * Thread safety: dccd_error values are not shared; use one per thread.
 */
#ifndef DCCD_ERROR_H
#define DCCD_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

enum dccd_code {
    DCCD_OK = 0,
    DCCD_EINVAL = 1,       /* invalid argument or input value (caller's data) */
    DCCD_ENOMEM = 2,       /* an allocation failed */
    DCCD_EIO = 3,          /* an operating-system call failed (errno text in the message) */
    DCCD_ECORRUPT = 4,     /* a file is truncated, malformed or fails its checksum */
    DCCD_EUNSUPPORTED = 5, /* valid input using a feature dccd does not support */
    DCCD_ENOTFOUND = 6,    /* a named file, column, key or dataset does not exist */
    DCCD_ERANGE = 7,       /* a value or size is out of the supported range */
    DCCD_EBUSY = 8,        /* a lock could not be taken */
    DCCD_ESTATE = 9,       /* a call made in the wrong state (API misuse) */
    DCCD_ENOSPC = 10       /* the disk (or quota) is full */
};

#define DCCD_ERROR_MSG_MAX 1024

typedef struct dccd_error {
    int code;                      /* one of enum dccd_code */
    int sys_errno;                 /* the errno of the failed system call, 0 when none */
    char msg[DCCD_ERROR_MSG_MAX];  /* NUL-terminated message, "" when code is DCCD_OK */
} dccd_error;

/* Short stable name of a code: "EINVAL", "ECORRUPT", ... ("EUNKNOWN" otherwise). */
const char *dccd_code_name(int code);

/* Reset *err to DCCD_OK with an empty message.  NULL is allowed. */
void dccd_error_clear(dccd_error *err);

#ifdef __cplusplus
}
#endif
#endif /* DCCD_ERROR_H */
