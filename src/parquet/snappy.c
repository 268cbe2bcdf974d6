/*
 * src/parquet/snappy.c - the snappy block decoder the reader uses
 * (pq_snappy_uncompress, src/parquet/codec.h).
 *
 * Why not libsnappy's: Debian's libsnappy 1.1.9 (which still compresses
 * every snappy page dccd writes) calls memmove through the PLT for every
 * copy tag.  Column data is mostly short tags - a double column of
 * prices or counts is 2-5 byte literals between 4-12 byte copies - so a
 * decode of 1m-bar year files spent 47% of its time in those calls and 20%
 * in the tag loop (perf, `dccd_bench pq-dec` on a 525,600-row year file,
 * 2026-12-03).  This decoder does the same work with fixed-size inline
 * copies: 16-byte literal and copy moves while the output has slack, and
 * exact moves near the end.
 *
 * The format (github.com/google/snappy format_description.txt): a varint
 * of the uncompressed length, then tags.  Tag low 2 bits: 00 literal (length
 * in the upper 6 bits, or in 1-4 little-endian bytes after the tag when
 * those bits are 60-63), 01 copy with a 3-bit length - 4 and an 11-bit
 * offset, 10 copy with a 6-bit length - 1 and a 16-bit offset, 11 the same
 * with a 32-bit offset.  A copy may overlap its output (offset < length):
 * it repeats the last `offset` bytes.
 *
 * Hostile input: every length and offset is checked before a byte moves:
 * no read past the input, no write past dst_len, no copy from before the
 * output's start, offset 0 refused, and the stream must produce exactly
 * dst_len bytes and end with its last tag.  The fast paths only run where
 * 16 bytes of slack exist on both sides; the bytes they write past a tag's
 * end are inside dst and are overwritten by the following tags.
 * tests/unit/test_snappy.c and fuzz/fuzz_snappy.c check it against
 * libsnappy: same verdict on any input, same bytes when both accept.
 */
#include <stdint.h>
#include <string.h>

#include "parquet/codec.h"

static inline uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void copy16(uint8_t *d, const uint8_t *s)
{
    memcpy(d, s, 16);
}

static inline void copy8(uint8_t *d, const uint8_t *s)
{
    memcpy(d, s, 8);
}

int pq_snappy_uncompress(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len, dccd_error *err)
{
    if (!src || src_len == 0) /* even an empty block has its length byte */
        return dccd_err_set(err, DCCD_ECORRUPT, "snappy: corrupt input (bad length header)");
    const uint8_t *ip = src, *iend = src + src_len;
    /* the uncompressed length: a little-endian base-128 varint of at most
     * 32 bits */
    uint64_t ulen = 0;
    int shift = 0;
    for (;;) {
        if (ip == iend || shift > 28)
            return dccd_err_set(err, DCCD_ECORRUPT, "snappy: corrupt input (bad length header)");
        uint8_t b = *ip++;
        ulen |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80))
            break;
    }
    if (ulen > UINT32_MAX)
        return dccd_err_set(err, DCCD_ECORRUPT, "snappy: corrupt input (bad length header)");
    if (ulen != dst_len)
        return dccd_err_set(err, DCCD_ECORRUPT, "snappy: decompressed %llu bytes, expected %zu",
                            (unsigned long long)ulen, dst_len);
    if (dst_len == 0) /* nothing to write (dst may be NULL): no tag may follow */
        return ip == iend ? DCCD_OK
                          : dccd_err_set(err, DCCD_ECORRUPT, "snappy: corrupt input at byte %zu of %zu",
                                         (size_t)(ip - src), src_len);
    uint8_t *op = dst, *const oend = dst + dst_len;
    while (ip < iend) {
        uint8_t tag = *ip++;
        size_t len, off;
        if ((tag & 3) == 0) {
            len = (size_t)(tag >> 2) + 1;
            if (len > 60) {
                size_t nb = len - 60; /* 1..4 length bytes */
                if ((size_t)(iend - ip) < nb)
                    goto corrupt;
                uint32_t v = 0;
                for (size_t i = 0; i < nb; i++)
                    v |= (uint32_t)ip[i] << (8 * i);
                ip += nb;
                len = (size_t)v + 1;
                if (len == 0) /* v = UINT32_MAX on a 32-bit size_t */
                    goto corrupt;
            }
            size_t ileft = (size_t)(iend - ip), oleft = (size_t)(oend - op);
            if (len > ileft || len > oleft)
                goto corrupt;
            if (len <= 16 && ileft >= 16 && oleft >= 16)
                copy16(op, ip);
            else
                memcpy(op, ip, len);
            ip += len;
            op += len;
            continue;
        }
        switch (tag & 3) {
        case 1:
            if (ip == iend)
                goto corrupt;
            len = (size_t)((tag >> 2) & 7) + 4;
            off = (size_t)(tag >> 5) << 8 | *ip++;
            break;
        case 2:
            if (iend - ip < 2)
                goto corrupt;
            len = (size_t)(tag >> 2) + 1;
            off = (size_t)ip[0] | (size_t)ip[1] << 8;
            ip += 2;
            break;
        default:
            if (iend - ip < 4)
                goto corrupt;
            len = (size_t)(tag >> 2) + 1;
            off = load_le32(ip);
            ip += 4;
            break;
        }
        size_t done = (size_t)(op - dst), oleft = (size_t)(oend - op);
        if (off == 0 || off > done || len > oleft)
            goto corrupt;
        const uint8_t *from = op - off;
        if (oleft >= len + 16) {
            if (off >= 16) {
                /* each 16-byte source lies wholly before its destination */
                for (size_t i = 0; i < len; i += 16)
                    copy16(op + i, from + i);
                op += len;
                continue;
            }
            if (off >= 8) {
                for (size_t i = 0; i < len; i += 8)
                    copy8(op + i, from + i);
                op += len;
                continue;
            }
            /* a pattern of period off < 8: write its first 16 bytes one by
             * one; the output from `from` on is then periodic in off, hence
             * in any multiple of off, so the rest copies 8 bytes at a time
             * from a distance off2 = the multiple of off in 8..14, which
             * lies within what is already written */
            for (size_t i = 0; i < 16; i++)
                op[i] = from[i];
            if (len > 16) {
                size_t off2 = off * ((8 + off - 1) / off);
                for (size_t i = 16; i < len; i += 8)
                    copy8(op + i, op + i - off2);
            }
            op += len;
            continue;
        }
        /* near the end of the output: byte by byte (overlap-safe) */
        for (size_t i = 0; i < len; i++)
            op[i] = from[i];
        op += len;
    }
    if (op != oend)
        return dccd_err_set(err, DCCD_ECORRUPT, "snappy: decompressed %zu bytes, expected %zu", (size_t)(op - dst),
                            dst_len);
    return DCCD_OK;
corrupt:
    return dccd_err_set(err, DCCD_ECORRUPT, "snappy: corrupt input at byte %zu of %zu", (size_t)(ip - src), src_len);
}
