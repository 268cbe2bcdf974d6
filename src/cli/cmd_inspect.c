/*
 * src/cli/cmd_inspect.c - `dccd inspect`: a Parquet file's metadata, in the
 * spirit of parquet-tools meta, as text or (--json) one JSON document.
 *
 *   dccd inspect [--json] FILE
 *
 * Shown: file size, format version, created_by, rows, row group and column
 * counts; the schema (name, physical type, logical type with its
 * parameters, legacy converted type, repetition); key-value metadata; per
 * row group its rows and bytes, and per column chunk the codec, encodings,
 * value count, compressed/uncompressed sizes, page offsets, statistics
 * (min/max in readable form as `cat` shows values, null and distinct
 * counts) and whether a bloom filter, column index and offset index exist.
 * Only the footer is read.  A corrupt file fails with exit status 1.
 */
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "out.h"

enum { OPT_JSON = CLI_OPT_FIRST_FREE };

static void usage(FILE *f)
{
    fprintf(f, "usage: dccd inspect [--json] FILE\n"
               "\n"
               "Print a Parquet file's metadata: schema, row groups, column chunks\n"
               "(codec, encodings, sizes, statistics), key-value metadata, bloom filter\n"
               "and page index presence.\n"
               "\n"
               "options:\n"
               "  --json   one JSON document instead of text\n"
               "  --help   show this help\n");
}

static void logical_text(const dccd_pq_column_info *ci, char *buf, size_t cap)
{
    static const char *units[] = {"MILLIS", "MICROS", "NANOS"};
    const char *name = dccd_pq_logical_name(ci->logical);
    const char *unit = (unsigned)ci->unit < 3 ? units[ci->unit] : "?";
    switch (ci->logical) {
    case DCCD_PQ_LOG_NONE:
        snprintf(buf, cap, "-");
        break;
    case DCCD_PQ_LOG_DECIMAL:
        snprintf(buf, cap, "%s(%d,%d)", name, (int)ci->precision, (int)ci->scale);
        break;
    case DCCD_PQ_LOG_TIME:
    case DCCD_PQ_LOG_TIMESTAMP:
        snprintf(buf, cap, "%s(%s,%s)", name, unit, ci->utc ? "utc" : "local");
        break;
    case DCCD_PQ_LOG_INTEGER:
        snprintf(buf, cap, "%s(%d,%s)", name, (int)ci->bit_width, ci->is_signed ? "signed" : "unsigned");
        break;
    default:
        snprintf(buf, cap, "%s", name ? name : "?");
    }
}

static void encodings_text(const dccd_pq_chunk_info *ch, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = 0;
    for (int i = 0; i < ch->n_encodings && i < 16; i++) {
        const char *n = dccd_pq_encoding_name(ch->encodings[i]);
        int w = snprintf(buf + o, cap - o, "%s%s", i ? "," : "", n ? n : "?");
        if (w < 0 || (size_t)w >= cap - o)
            break;
        o += (size_t)w;
    }
}

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* json_string refuses invalid UTF-8: fall back to a hex form. */
static json_t *jbytes(const char *s)
{
    if (!s)
        return json_null();
    json_t *v = json_string(s);
    if (v)
        return v;
    size_t n = strlen(s);
    char *h = malloc(n * 2 + 3);
    if (!h)
        return json_null();
    static const char hx[] = "0123456789abcdef";
    h[0] = '0';
    h[1] = 'x';
    for (size_t i = 0; i < n; i++) {
        h[2 + 2 * i] = hx[(unsigned char)s[i] >> 4];
        h[3 + 2 * i] = hx[(unsigned char)s[i] & 15];
    }
    h[2 + 2 * n] = 0;
    v = json_string(h);
    free(h);
    return v ? v : json_null();
}

static void print_text_escaped(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        putchar(*p < 0x20 || *p == 0x7f ? '?' : *p);
}

int cli_cmd_inspect(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool as_json = false;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            return CLI_OK;
        case OPT_JSON:
            as_json = true;
            break;
        case ':':
            return cli_usage(ctx, "option '%s' needs an argument", argv[optind - 1]);
        default:
            return cli_usage(ctx, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage(ctx, "no FILE given");
    if (argc - optind > 1)
        return cli_usage(ctx, "one FILE at a time (got '%s' too)", argv[optind + 1]);
    const char *path = argv[optind];
    dccd_error err;
    dccd_pq_file *f = NULL;
    if (dccd_pq_open(path, &f, &err) != DCCD_OK)
        return cli_fail(ctx, path, &err);

    int ncols = dccd_pq_num_columns(f), nrg = dccd_pq_num_row_groups(f);
    size_t nkv = dccd_pq_kv_count(f);
    char lbuf[128], ebuf[256], minb[256], maxb[256];
    int rc = CLI_OK;
    json_t *root = NULL, *jschema = NULL, *jkv = NULL, *jrgs = NULL;
    if (as_json) {
        root = json_object();
        jschema = json_array();
        jkv = json_array();
        jrgs = json_array();
        if (!root || !jschema || !jkv || !jrgs) {
            json_decref(root);
            json_decref(jschema);
            json_decref(jkv);
            json_decref(jrgs);
            dccd_pq_close(f);
            cli_msg(ctx, "out of memory");
            return CLI_FAIL;
        }
        json_object_set_new(root, "file", jbytes(path));
        json_object_set_new(root, "size", json_integer((json_int_t)dccd_pq_file_size(f)));
        json_object_set_new(root, "version", json_integer(dccd_pq_version(f)));
        json_object_set_new(root, "created_by", jbytes(dccd_pq_created_by(f)));
        json_object_set_new(root, "rows", json_integer(dccd_pq_num_rows(f)));
        json_object_set_new(root, "row_groups", json_integer(nrg));
        json_object_set_new(root, "columns", json_integer(ncols));
    } else {
        printf("file:        ");
        print_text_escaped(path);
        printf("\nsize:        %" PRIu64 " bytes\n", dccd_pq_file_size(f));
        printf("version:     %d\n", (int)dccd_pq_version(f));
        printf("created_by:  ");
        print_text_escaped(dccd_pq_created_by(f) ? dccd_pq_created_by(f) : "-");
        printf("\nrows:        %" PRId64 "\nrow groups:  %d\ncolumns:     %d\n\nschema:\n", dccd_pq_num_rows(f), nrg,
               ncols);
    }
    for (int i = 0; i < ncols; i++) {
        const dccd_pq_column_info *ci = dccd_pq_column_info_at(f, i);
        logical_text(ci, lbuf, sizeof lbuf);
        const char *conv = out_converted_name(ci->converted_type);
        char phys[48];
        if (ci->type == DCCD_PQ_FIXED_LEN_BYTE_ARRAY)
            snprintf(phys, sizeof phys, "%s(%d)", dccd_pq_type_name(ci->type), (int)ci->type_length);
        else
            snprintf(phys, sizeof phys, "%s", dccd_pq_type_name(ci->type));
        if (as_json) {
            json_t *o = json_object();
            json_object_set_new(o, "name", jbytes(ci->name));
            json_object_set_new(o, "physical", json_string(phys));
            json_object_set_new(o, "logical", ci->logical == DCCD_PQ_LOG_NONE ? json_null() : json_string(lbuf));
            json_object_set_new(o, "converted", jstr(conv));
            json_object_set_new(o, "repetition", json_string(ci->optional ? "OPTIONAL" : "REQUIRED"));
            json_array_append_new(jschema, o);
        } else {
            printf("  ");
            print_text_escaped(ci->name);
            printf("  %s  logical=%s  converted=%s  %s\n", phys, lbuf, conv ? conv : "-",
                   ci->optional ? "OPTIONAL" : "REQUIRED");
        }
    }
    if (!as_json)
        printf("\nkey-value metadata: %zu\n", nkv);
    for (size_t i = 0; i < nkv; i++) {
        const dccd_pq_kv *kv = dccd_pq_kv_at(f, i);
        if (as_json) {
            json_t *o = json_object();
            json_object_set_new(o, "key", jbytes(kv->key));
            json_object_set_new(o, "value", jbytes(kv->value));
            json_array_append_new(jkv, o);
        } else {
            printf("  ");
            print_text_escaped(kv->key ? kv->key : "");
            printf(" = ");
            if (kv->value && strlen(kv->value) > 200) {
                char cut[201];
                memcpy(cut, kv->value, 200);
                cut[200] = 0;
                print_text_escaped(cut);
                printf("... (%zu bytes)", strlen(kv->value));
            } else {
                print_text_escaped(kv->value ? kv->value : "(null)");
            }
            putchar('\n');
        }
    }
    for (int rg = 0; rg < nrg && rc == CLI_OK; rg++) {
        json_t *jrg = NULL, *jchunks = NULL;
        if (as_json) {
            jrg = json_object();
            jchunks = json_array();
            json_object_set_new(jrg, "rows", json_integer(dccd_pq_row_group_rows(f, rg)));
            json_object_set_new(jrg, "total_byte_size", json_integer(dccd_pq_row_group_bytes(f, rg)));
            json_object_set_new(jrg, "chunks", jchunks);
            json_array_append_new(jrgs, jrg);
        } else {
            printf("\nrow group %d: %" PRId64 " rows, %" PRId64 " bytes\n", rg, dccd_pq_row_group_rows(f, rg),
                   dccd_pq_row_group_bytes(f, rg));
        }
        for (int col = 0; col < ncols; col++) {
            dccd_pq_chunk_info ch;
            if (dccd_pq_chunk(f, rg, col, &ch, &err) != DCCD_OK) {
                rc = cli_fail(ctx, path, &err);
                break;
            }
            const dccd_pq_column_info *ci = dccd_pq_column_info_at(f, col);
            encodings_text(&ch, ebuf, sizeof ebuf);
            const dccd_pq_stats *st = &ch.stats;
            if (st->has_min)
                out_stat_text(ci, st->min, st->min_len, minb, sizeof minb);
            if (st->has_max)
                out_stat_text(ci, st->max, st->max_len, maxb, sizeof maxb);
            const char *codec = dccd_pq_codec_name(ch.codec);
            if (as_json) {
                json_t *o = json_object();
                json_object_set_new(o, "column", jbytes(ci->name));
                json_object_set_new(o, "codec", jstr(codec));
                json_object_set_new(o, "encodings", json_string(ebuf));
                json_object_set_new(o, "values", json_integer(ch.num_values));
                json_object_set_new(o, "compressed_size", json_integer(ch.total_compressed_size));
                json_object_set_new(o, "uncompressed_size", json_integer(ch.total_uncompressed_size));
                json_object_set_new(o, "data_page_offset", json_integer(ch.data_page_offset));
                json_object_set_new(o, "dictionary_page_offset",
                                    ch.dictionary_page_offset >= 0 ? json_integer(ch.dictionary_page_offset)
                                                                   : json_null());
                json_object_set_new(o, "min", st->has_min ? jbytes(minb) : json_null());
                json_object_set_new(o, "max", st->has_max ? jbytes(maxb) : json_null());
                json_object_set_new(o, "null_count", st->has_null_count ? json_integer(st->null_count) : json_null());
                json_object_set_new(o, "distinct_count",
                                    st->has_distinct_count ? json_integer(st->distinct_count) : json_null());
                json_object_set_new(o, "bloom_filter", json_boolean(ch.has_bloom_filter));
                json_object_set_new(o, "column_index", json_boolean(ch.has_column_index));
                json_object_set_new(o, "offset_index", json_boolean(ch.has_offset_index));
                json_array_append_new(jchunks, o);
            } else {
                printf("  ");
                print_text_escaped(ci->name);
                printf(": %s  %s  values=%" PRId64 "  compressed=%" PRId64 "  uncompressed=%" PRId64
                       "  data_page_offset=%" PRId64,
                       codec ? codec : "?", ebuf, ch.num_values, ch.total_compressed_size,
                       ch.total_uncompressed_size, ch.data_page_offset);
                if (ch.dictionary_page_offset >= 0)
                    printf("  dictionary_page_offset=%" PRId64, ch.dictionary_page_offset);
                printf("\n    stats: min=");
                print_text_escaped(st->has_min ? minb : "-");
                printf(" max=");
                print_text_escaped(st->has_max ? maxb : "-");
                if (st->has_null_count)
                    printf(" nulls=%" PRId64, st->null_count);
                else
                    printf(" nulls=-");
                if (st->has_distinct_count)
                    printf(" distinct=%" PRId64, st->distinct_count);
                printf("  bloom_filter=%s column_index=%s offset_index=%s\n", ch.has_bloom_filter ? "yes" : "no",
                       ch.has_column_index ? "yes" : "no", ch.has_offset_index ? "yes" : "no");
            }
        }
    }
    if (as_json) {
        json_object_set_new(root, "schema", jschema);
        json_object_set_new(root, "key_value_metadata", jkv);
        json_object_set_new(root, "row_group_list", jrgs);
        if (rc == CLI_OK) {
            json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
            putchar('\n');
        }
        json_decref(root);
    }
    if (fflush(stdout) != 0 && rc == CLI_OK) {
        cli_msg(ctx, "write error on stdout");
        rc = CLI_FAIL;
    }
    dccd_pq_close(f);
    return rc;
}
