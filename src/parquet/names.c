/*
 * src/parquet/names.c - the stable names of Parquet physical types, codecs,
 * encodings and logical types (as parquet.thrift spells them), parsing of
 * codec names given by users, and dccd_pq_column_free.
 *
 * Pure functions over constant tables; no state.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/common.h"
#include "dccd/parquet.h"

const char *dccd_pq_type_name(dccd_pq_type t)
{
    switch (t) {
    case DCCD_PQ_BOOLEAN: return "BOOLEAN";
    case DCCD_PQ_INT32: return "INT32";
    case DCCD_PQ_INT64: return "INT64";
    case DCCD_PQ_INT96: return "INT96";
    case DCCD_PQ_FLOAT: return "FLOAT";
    case DCCD_PQ_DOUBLE: return "DOUBLE";
    case DCCD_PQ_BYTE_ARRAY: return "BYTE_ARRAY";
    case DCCD_PQ_FIXED_LEN_BYTE_ARRAY: return "FIXED_LEN_BYTE_ARRAY";
    }
    return "UNKNOWN";
}

const char *dccd_pq_codec_name(dccd_pq_codec c)
{
    switch (c) {
    case DCCD_PQ_UNCOMPRESSED: return "UNCOMPRESSED";
    case DCCD_PQ_SNAPPY: return "SNAPPY";
    case DCCD_PQ_GZIP: return "GZIP";
    case DCCD_PQ_LZO: return "LZO";
    case DCCD_PQ_BROTLI: return "BROTLI";
    case DCCD_PQ_LZ4: return "LZ4";
    case DCCD_PQ_ZSTD: return "ZSTD";
    case DCCD_PQ_LZ4_RAW: return "LZ4_RAW";
    }
    return "UNKNOWN";
}

const char *dccd_pq_encoding_name(dccd_pq_encoding e)
{
    switch (e) {
    case DCCD_PQ_ENC_PLAIN: return "PLAIN";
    case DCCD_PQ_ENC_PLAIN_DICTIONARY: return "PLAIN_DICTIONARY";
    case DCCD_PQ_ENC_RLE: return "RLE";
    case DCCD_PQ_ENC_BIT_PACKED: return "BIT_PACKED";
    case DCCD_PQ_ENC_DELTA_BINARY_PACKED: return "DELTA_BINARY_PACKED";
    case DCCD_PQ_ENC_DELTA_LENGTH_BYTE_ARRAY: return "DELTA_LENGTH_BYTE_ARRAY";
    case DCCD_PQ_ENC_DELTA_BYTE_ARRAY: return "DELTA_BYTE_ARRAY";
    case DCCD_PQ_ENC_RLE_DICTIONARY: return "RLE_DICTIONARY";
    case DCCD_PQ_ENC_BYTE_STREAM_SPLIT: return "BYTE_STREAM_SPLIT";
    }
    return "UNKNOWN";
}

const char *dccd_pq_logical_name(dccd_pq_logical l)
{
    switch (l) {
    case DCCD_PQ_LOG_NONE: return "NONE";
    case DCCD_PQ_LOG_STRING: return "STRING";
    case DCCD_PQ_LOG_ENUM: return "ENUM";
    case DCCD_PQ_LOG_JSON: return "JSON";
    case DCCD_PQ_LOG_BSON: return "BSON";
    case DCCD_PQ_LOG_UUID: return "UUID";
    case DCCD_PQ_LOG_DECIMAL: return "DECIMAL";
    case DCCD_PQ_LOG_DATE: return "DATE";
    case DCCD_PQ_LOG_TIME: return "TIME";
    case DCCD_PQ_LOG_TIMESTAMP: return "TIMESTAMP";
    case DCCD_PQ_LOG_INTEGER: return "INTEGER";
    case DCCD_PQ_LOG_FLOAT16: return "FLOAT16";
    case DCCD_PQ_LOG_INTERVAL: return "INTERVAL";
    case DCCD_PQ_LOG_UNKNOWN: return "UNKNOWN";
    }
    return "UNKNOWN";
}

int dccd_pq_codec_parse(const char *s, dccd_pq_codec *out, dccd_error *err)
{
    static const struct {
        const char *name;
        dccd_pq_codec codec;
    } tab[] = {
        {"none", DCCD_PQ_UNCOMPRESSED}, {"uncompressed", DCCD_PQ_UNCOMPRESSED},
        {"snappy", DCCD_PQ_SNAPPY},     {"gzip", DCCD_PQ_GZIP},
        {"zstd", DCCD_PQ_ZSTD},         {"lz4_raw", DCCD_PQ_LZ4_RAW},
        {"lz4", DCCD_PQ_LZ4},           {"brotli", DCCD_PQ_BROTLI},
    };
    if (!s || !out)
        return dccd_err_set(err, DCCD_EINVAL, "codec name is NULL");
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
        if (strcasecmp(s, tab[i].name) == 0) {
            *out = tab[i].codec;
            return DCCD_OK;
        }
    }
    return dccd_err_set(err, DCCD_EINVAL,
                        "unknown codec '%s' (expected snappy, zstd, gzip, lz4_raw, lz4, brotli or none)", s);
}

void dccd_pq_column_free(dccd_pq_column *col)
{
    if (!col)
        return;
    dccd_big_free(col->values, (col->mapped & DCCD_PQ_MAPPED_VALUES) != 0);
    dccd_big_free(col->offsets, (col->mapped & DCCD_PQ_MAPPED_OFFSETS) != 0);
    free(col->data);
    free(col->validity);
    memset(col, 0, sizeof *col);
}
