/*
 * src/parquet/encoding.h - Parquet value and level encodings, as pure
 * functions over byte buffers (no I/O, no file state).
 *
 * Decoders read from src[0..len) and never read past it: any count, width or
 * length that does not fit the input is DCCD_ECORRUPT with a message naming
 * the encoding.  Encoders append to a dccd_buf.
 *
 * Byte-array decoders append the values' bytes contiguously to a dccd_buf
 * and write each value's length to lens[i]; the caller turns lengths into
 * offsets.  This lets the reader decode straight into a column's data buffer.
 *
 * Implemented in rle.c (RLE/bit-packed hybrid and legacy BIT_PACKED),
 * plain.c, delta.c (DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY,
 * DELTA_BYTE_ARRAY) and bss.c (BYTE_STREAM_SPLIT).
 */
#ifndef DCCD_PQ_ENCODING_H
#define DCCD_PQ_ENCODING_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"

/* Bits needed to represent v (0 for 0). */
int pq_bit_width_u32(uint32_t v);

/* ---- RLE / bit-packed hybrid (levels, dictionary indices, RLE booleans) --
 * Without length prefix: the caller handles the 4-byte length of v1 levels
 * and the leading bit-width byte of dictionary indices.  Decodes exactly n
 * values; bit_width 0..32.  Dictionary-index callers check range. */
int pq_rle_decode(const uint8_t *src, size_t len, int bit_width, uint32_t *out, size_t n, dccd_error *err);
/* Same into bytes (levels are 0/1 in flat files; values must fit 8 bits). */
int pq_rle_decode_u8(const uint8_t *src, size_t len, int bit_width, uint8_t *out, size_t n, dccd_error *err);
int pq_rle_encode(dccd_buf *dst, const uint32_t *vals, size_t n, int bit_width, dccd_error *err);
int pq_rle_encode_u8(dccd_buf *dst, const uint8_t *vals, size_t n, int bit_width, dccd_error *err);
/* Legacy BIT_PACKED levels (MSB-first packing). */
int pq_bitpacked_legacy_decode_u8(const uint8_t *src, size_t len, int bit_width, uint8_t *out, size_t n,
                                  dccd_error *err);

/* ---- PLAIN ------------------------------------------------------------ */
/* Fixed width (INT32 4, INT64 8, INT96 12, FLOAT 4, DOUBLE 8, FLBA w): copy
 * n*width bytes; *consumed = n*width. */
int pq_plain_decode_fixed(const uint8_t *src, size_t len, size_t width, size_t n, void *out, size_t *consumed,
                          dccd_error *err);
/* BOOLEAN: bit-packed LSB first; out[i] = 0/1. */
int pq_plain_decode_bool(const uint8_t *src, size_t len, size_t n, uint8_t *out, size_t *consumed, dccd_error *err);
/* BYTE_ARRAY: 4-byte little-endian length + bytes, n times. */
int pq_plain_decode_byte_array(const uint8_t *src, size_t len, size_t n, dccd_buf *data, uint32_t *lens,
                               size_t *consumed, dccd_error *err);
int pq_plain_encode_bool(dccd_buf *dst, const uint8_t *vals, size_t n, dccd_error *err);
/* vals[i] is data[offsets[i]..offsets[i+1]) */
int pq_plain_encode_byte_array(dccd_buf *dst, const uint8_t *data, const int64_t *offsets, size_t n,
                               dccd_error *err);

/* ---- DELTA_BINARY_PACKED ------------------------------------------------
 * Decodes the first n values of the stream (its header count must be >= n)
 * with wrapping arithmetic as the spec requires.  *consumed is the offset
 * just past the stream (past the last miniblock that holds values). */
int pq_delta_decode_i32(const uint8_t *src, size_t len, size_t n, int32_t *out, size_t *consumed, dccd_error *err);
int pq_delta_decode_i64(const uint8_t *src, size_t len, size_t n, int64_t *out, size_t *consumed, dccd_error *err);
/* Number of values announced by a stream's header. */
int pq_delta_count(const uint8_t *src, size_t len, size_t *count, dccd_error *err);
/* Block size 128, 4 miniblocks of 32 (the parquet-mr/arrow defaults). */
int pq_delta_encode_i32(dccd_buf *dst, const int32_t *vals, size_t n, dccd_error *err);
int pq_delta_encode_i64(dccd_buf *dst, const int64_t *vals, size_t n, dccd_error *err);

/* ---- DELTA_LENGTH_BYTE_ARRAY / DELTA_BYTE_ARRAY -------------------------- */
int pq_delta_length_decode(const uint8_t *src, size_t len, size_t n, dccd_buf *data, uint32_t *lens,
                           size_t *consumed, dccd_error *err);
int pq_delta_length_encode(dccd_buf *dst, const uint8_t *data, const int64_t *offsets, size_t n, dccd_error *err);
int pq_delta_byte_array_decode(const uint8_t *src, size_t len, size_t n, dccd_buf *data, uint32_t *lens,
                               size_t *consumed, dccd_error *err);
int pq_delta_byte_array_encode(dccd_buf *dst, const uint8_t *data, const int64_t *offsets, size_t n,
                               dccd_error *err);

/* ---- BYTE_STREAM_SPLIT (FLOAT, DOUBLE, INT32, INT64, FLBA) ---------------
 * src holds exactly n*width bytes in `width` streams. */
int pq_bss_decode(const uint8_t *src, size_t len, size_t width, size_t n, void *out, dccd_error *err);
int pq_bss_encode(dccd_buf *dst, const void *vals, size_t width, size_t n, dccd_error *err);

#endif /* DCCD_PQ_ENCODING_H */
