/*
 * src/parquet/reader.c - opening a Parquet file and everything about it that
 * is not page decoding.
 *
 * This file owns struct dccd_pq_file (declared in file.h):
 *   - dccd_pq_open / dccd_pq_open_fd / dccd_pq_open_mem / dccd_pq_close:
 *     magic checks at both ends ("PARE" = encrypted footer -> unsupported),
 *     a footer length bounds-checked against the file size, footer decoding
 *     into an arena whose limit is max(64 MiB, 16 x footer length) so a
 *     hostile footer cannot allocate without bound;
 *   - schema validation: the schema tree must be consistent (num_children
 *     counts fit), and must be flat (only the root is a group, nothing is
 *     REPEATED), else DCCD_EUNSUPPORTED "column 'a.b': nested columns are not
 *     supported"; row groups must list one chunk per leaf, row counts must be
 *     non-negative and sum to the file's row count;
 *   - dccd_pq_column_info for each leaf (logical type from the LogicalType
 *     union, else from the legacy ConvertedType);
 *   - the accessors (row counts, chunk info, statistics with sort-order
 *     checks, key-value metadata, column lookup);
 *   - pq_file_read_at / pq_chunk_range (the internal I/O contract);
 *   - dccd_pq_bloom_check and dccd_pq_page_index.
 *
 * Page decoding (dccd_pq_read_column) lives in page_read.c; the name tables
 * and dccd_pq_column_free live in names.c.
 *
 * Thread safety: after open, the handle is immutable.  Every read uses
 * pread (or the caller's memory) and per-call scratch buffers, so one
 * handle may be read from several threads at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parquet/codec.h"
#include "parquet/file.h"
#include "parquet/meta.h"

#define PQ_FOOTER_ARENA_MIN (64u * 1024u * 1024u)
#define PQ_SCHEMA_MAX_DEPTH 64
#define PQ_INDEX_MAX_BYTES (256u * 1024u * 1024u)

/* ---- I/O ----------------------------------------------------------------- */

int pq_file_read_at(const dccd_pq_file *f, uint64_t off, size_t n, uint8_t *dst, dccd_error *err)
{
    if (off > f->size || (uint64_t)n > f->size - off)
        return dccd_err_set(err, DCCD_ECORRUPT, "%s: read of %zu bytes at offset %llu is beyond the end of the file (%llu bytes)",
                            f->name, n, (unsigned long long)off, (unsigned long long)f->size);
    if (n == 0)
        return DCCD_OK;
    if (f->mem) {
        memcpy(dst, f->mem + off, n);
        return DCCD_OK;
    }
    return dccd_pread_all(f->fd, dst, n, off, f->name, err);
}

/* Start and length of a chunk, without validation against the file. */
static void chunk_start(const pq_column_meta *m, int64_t *start)
{
    int64_t s = m->data_page_offset;
    if (m->has_dictionary_page_offset && m->dictionary_page_offset > 0 && m->dictionary_page_offset < s)
        s = m->dictionary_page_offset;
    *start = s;
}

int pq_chunk_range(const dccd_pq_file *f, int rg, int col, uint64_t *start, uint64_t *len, dccd_error *err)
{
    if (rg < 0 || (size_t)rg >= f->meta.n_row_groups || col < 0 || col >= f->ncols)
        return dccd_err_set(err, DCCD_EINVAL, "%s: row group %d, column %d out of range", f->name, rg, col);
    const pq_column_chunk *cc = &f->meta.row_groups[rg].columns[col];
    const char *cname = f->cols[col].name;
    if (cc->has_crypto_metadata)
        return dccd_err_set(err, DCCD_EUNSUPPORTED, "%s: column '%s' is encrypted (encryption is not supported)",
                            f->name, cname);
    if (cc->file_path)
        return dccd_err_set(err, DCCD_EUNSUPPORTED, "%s: row group %d, column '%s': data in external file '%s' is not supported",
                            f->name, rg, cname, cc->file_path);
    if (!cc->has_meta_data)
        return dccd_err_set(err, DCCD_ECORRUPT, "%s: row group %d, column '%s': column chunk has no metadata",
                            f->name, rg, cname);
    const pq_column_meta *m = &cc->meta_data;
    int64_t s;
    chunk_start(m, &s);
    if (s < 0 || (uint64_t)s >= f->size || m->total_compressed_size < 0 ||
        (uint64_t)m->total_compressed_size > f->size - (uint64_t)s)
        return dccd_err_set(err, DCCD_ECORRUPT,
                            "%s: row group %d, column '%s': chunk range [%lld, +%lld) is outside the file (%llu bytes)",
                            f->name, rg, cname, (long long)s, (long long)m->total_compressed_size,
                            (unsigned long long)f->size);
    *start = (uint64_t)s;
    *len = (uint64_t)m->total_compressed_size;
    return DCCD_OK;
}

/* ---- logical types -------------------------------------------------------- */

static void fill_from_converted(dccd_pq_column_info *ci, const pq_schema_element *se)
{
    switch (se->converted_type) {
    case 0: ci->logical = DCCD_PQ_LOG_STRING; break;  /* UTF8 */
    case 4: ci->logical = DCCD_PQ_LOG_ENUM; break;
    case 5:
        ci->logical = DCCD_PQ_LOG_DECIMAL;
        ci->precision = se->has_precision ? se->precision : 0;
        ci->scale = se->has_scale ? se->scale : 0;
        break;
    case 6: ci->logical = DCCD_PQ_LOG_DATE; break;
    case 7: ci->logical = DCCD_PQ_LOG_TIME; ci->unit = DCCD_PQ_MILLIS; ci->utc = true; break;
    case 8: ci->logical = DCCD_PQ_LOG_TIME; ci->unit = DCCD_PQ_MICROS; ci->utc = true; break;
    case 9: ci->logical = DCCD_PQ_LOG_TIMESTAMP; ci->unit = DCCD_PQ_MILLIS; ci->utc = true; break;
    case 10: ci->logical = DCCD_PQ_LOG_TIMESTAMP; ci->unit = DCCD_PQ_MICROS; ci->utc = true; break;
    case 11: case 12: case 13: case 14:  /* UINT_8 .. UINT_64 */
        ci->logical = DCCD_PQ_LOG_INTEGER;
        ci->bit_width = 8 << (se->converted_type - 11);
        ci->is_signed = false;
        break;
    case 15: case 16: case 17: case 18:  /* INT_8 .. INT_64 */
        ci->logical = DCCD_PQ_LOG_INTEGER;
        ci->bit_width = 8 << (se->converted_type - 15);
        ci->is_signed = true;
        break;
    case 19: ci->logical = DCCD_PQ_LOG_JSON; break;
    case 20: ci->logical = DCCD_PQ_LOG_BSON; break;
    case 21: ci->logical = DCCD_PQ_LOG_INTERVAL; break;
    default: ci->logical = DCCD_PQ_LOG_UNKNOWN; break;  /* MAP, LIST on a leaf, or unknown */
    }
}

static void fill_logical(dccd_pq_column_info *ci, const pq_schema_element *se)
{
    ci->logical = DCCD_PQ_LOG_NONE;
    ci->converted_type = se->has_converted_type ? se->converted_type : -1;
    if (se->has_logical_type) {
        const pq_logical_type *lt = &se->logical_type;
        switch (lt->kind) {
        case PQ_LT_STRING: ci->logical = DCCD_PQ_LOG_STRING; return;
        case PQ_LT_ENUM: ci->logical = DCCD_PQ_LOG_ENUM; return;
        case PQ_LT_JSON: ci->logical = DCCD_PQ_LOG_JSON; return;
        case PQ_LT_BSON: ci->logical = DCCD_PQ_LOG_BSON; return;
        case PQ_LT_UUID: ci->logical = DCCD_PQ_LOG_UUID; return;
        case PQ_LT_FLOAT16: ci->logical = DCCD_PQ_LOG_FLOAT16; return;
        case PQ_LT_DATE: ci->logical = DCCD_PQ_LOG_DATE; return;
        case PQ_LT_DECIMAL:
            ci->logical = DCCD_PQ_LOG_DECIMAL;
            ci->precision = lt->precision;
            ci->scale = lt->scale;
            return;
        case PQ_LT_TIME:
        case PQ_LT_TIMESTAMP:
            ci->logical = lt->kind == PQ_LT_TIME ? DCCD_PQ_LOG_TIME : DCCD_PQ_LOG_TIMESTAMP;
            ci->unit = lt->unit == 1 ? DCCD_PQ_MICROS : lt->unit == 2 ? DCCD_PQ_NANOS : DCCD_PQ_MILLIS;
            ci->utc = lt->utc;
            return;
        case PQ_LT_INTEGER:
            ci->logical = DCCD_PQ_LOG_INTEGER;
            ci->bit_width = lt->bit_width;
            ci->is_signed = lt->is_signed;
            return;
        case PQ_LT_NONE:
            break;  /* empty union: fall back to the converted type */
        default:
            /* A logical type dccd does not know.  Prefer the legacy
             * converted type when the writer gave one (the spec's
             * backward-compatibility rule), else report UNKNOWN. */
            if (se->has_converted_type)
                fill_from_converted(ci, se);
            else
                ci->logical = DCCD_PQ_LOG_UNKNOWN;
            return;
        }
    }
    if (se->has_converted_type)
        fill_from_converted(ci, se);
}

/* ---- schema --------------------------------------------------------------- */

typedef struct schema_frame {
    int remaining;   /* children still to visit */
    size_t path_len; /* length of the dotted path up to this group */
    bool nested;     /* this group is below the root or repeated */
} schema_frame;

/* Append ".name" (or "name") to path, truncating safely. */
static size_t path_push(char *path, size_t cap, size_t len, const char *name)
{
    int w = snprintf(path + len, cap - len, "%s%s", len ? "." : "", name ? name : "");
    if (w < 0)
        return len;
    size_t nl = len + (size_t)w;
    return nl >= cap ? cap - 1 : nl;
}

static int build_schema(dccd_pq_file *f, dccd_error *err)
{
    const pq_file_meta *m = &f->meta;
    if (m->n_schema == 0 || !m->schema)
        return dccd_err_set(err, DCCD_ECORRUPT, "%s: footer has an empty schema", f->name);
    if (m->n_schema > (size_t)INT32_MAX)
        return dccd_err_set(err, DCCD_ECORRUPT, "%s: schema too large", f->name);
    const pq_schema_element *root = &m->schema[0];
    if (root->num_children < 0 || (size_t)root->num_children > m->n_schema - 1)
        return dccd_err_set(err, DCCD_ECORRUPT, "%s: schema root claims %d children but only %zu elements follow",
                            f->name, (int)root->num_children, m->n_schema - 1);

    /* First pass: walk the tree, check consistency, count leaves and find
     * the first nested leaf. */
    schema_frame stack[PQ_SCHEMA_MAX_DEPTH];
    char path[512];
    char nested_path[512];
    bool have_nested = false;
    int depth = 0;
    size_t nleaves = 0;
    stack[0].remaining = root->num_children;
    stack[0].path_len = 0;
    stack[0].nested = false;
    path[0] = '\0';
    nested_path[0] = '\0';
    size_t i = 1;
    while (depth >= 0) {
        if (stack[depth].remaining == 0) {
            depth--;
            continue;
        }
        if (i >= m->n_schema)
            return dccd_err_set(err, DCCD_ECORRUPT, "%s: schema tree is inconsistent (children counts exceed the %zu elements)",
                                f->name, m->n_schema);
        stack[depth].remaining--;
        const pq_schema_element *se = &m->schema[i];
        size_t plen = path_push(path, sizeof path, stack[depth].path_len, se->name);
        bool nested = stack[depth].nested || (se->has_repetition && se->repetition == PQ_REPEATED);
        if (se->num_children < 0)
            return dccd_err_set(err, DCCD_ECORRUPT, "%s: schema element '%s' has a negative child count",
                                f->name, path);
        if (se->num_children > 0 || !se->has_type) {
            /* a group */
            if (depth + 1 >= PQ_SCHEMA_MAX_DEPTH)
                return dccd_err_set(err, DCCD_ECORRUPT, "%s: schema nesting deeper than %d", f->name,
                                    PQ_SCHEMA_MAX_DEPTH);
            if (!have_nested && se->num_children == 0) {
                have_nested = true;
                memcpy(nested_path, path, plen + 1);
            }
            depth++;
            stack[depth].remaining = se->num_children;
            stack[depth].path_len = plen;
            stack[depth].nested = true;  /* anything below a non-root group is nested */
        } else {
            nleaves++;
            if (nested && !have_nested) {
                have_nested = true;
                memcpy(nested_path, path, plen + 1);
            }
        }
        i++;
    }
    if (i != m->n_schema)
        return dccd_err_set(err, DCCD_ECORRUPT, "%s: schema tree is inconsistent (%zu elements, tree uses %zu)",
                            f->name, m->n_schema, i);
    if (have_nested)
        return dccd_err_set(err, DCCD_EUNSUPPORTED, "%s: column '%s': nested columns are not supported", f->name,
                            nested_path);
    if (nleaves > (size_t)INT32_MAX / 2)
        return dccd_err_set(err, DCCD_ECORRUPT, "%s: too many columns", f->name);

    /* Flat: every element after the root is a leaf. */
    f->ncols = (int)nleaves;
    f->cols = dccd_arena_array(&f->arena, nleaves ? nleaves : 1, sizeof *f->cols);
    f->leaf_schema = dccd_arena_array(&f->arena, nleaves ? nleaves : 1, sizeof *f->leaf_schema);
    if (!f->cols || !f->leaf_schema)
        return dccd_err_set(err, DCCD_ENOMEM, "%s: out of memory for the schema", f->name);
    for (size_t c = 0; c < nleaves; c++) {
        const pq_schema_element *se = &m->schema[c + 1];
        dccd_pq_column_info *ci = &f->cols[c];
        const char *nm = se->name ? se->name : "";
        f->leaf_schema[c] = (int)(c + 1);
        ci->name = nm;
        if (se->type < 0 || se->type > DCCD_PQ_FIXED_LEN_BYTE_ARRAY)
            return dccd_err_set(err, DCCD_ECORRUPT, "%s: column '%s' has unknown physical type %d", f->name, nm,
                                (int)se->type);
        ci->type = (dccd_pq_type)se->type;
        if (ci->type == DCCD_PQ_FIXED_LEN_BYTE_ARRAY) {
            if (se->type_length <= 0 || se->type_length > (1 << 24))
                return dccd_err_set(err, DCCD_ECORRUPT, "%s: column '%s': invalid FIXED_LEN_BYTE_ARRAY length %d",
                                    f->name, nm, (int)se->type_length);
            ci->type_length = se->type_length;
        } else {
            ci->type_length = 0;
        }
        ci->optional = se->has_repetition && se->repetition == PQ_OPTIONAL;
        ci->precision = ci->scale = 0;
        ci->unit = DCCD_PQ_MILLIS;
        ci->utc = false;
        ci->bit_width = 0;
        ci->is_signed = true;
        fill_logical(ci, se);
    }
    return DCCD_OK;
}

static int check_row_groups(dccd_pq_file *f, dccd_error *err)
{
    const pq_file_meta *m = &f->meta;
    if (m->num_rows < 0)
        return dccd_err_set(err, DCCD_ECORRUPT, "%s: negative row count %lld", f->name, (long long)m->num_rows);
    if (m->n_row_groups > (size_t)INT32_MAX)
        return dccd_err_set(err, DCCD_ECORRUPT, "%s: too many row groups", f->name);
    int64_t total = 0;
    for (size_t r = 0; r < m->n_row_groups; r++) {
        const pq_row_group *g = &m->row_groups[r];
        if (g->num_rows < 0)
            return dccd_err_set(err, DCCD_ECORRUPT, "%s: row group %zu has negative row count %lld", f->name, r,
                                (long long)g->num_rows);
        if (g->n_columns != (size_t)f->ncols)
            return dccd_err_set(err, DCCD_ECORRUPT, "%s: row group %zu has %zu column chunks, the schema has %d columns",
                                f->name, r, g->n_columns, f->ncols);
        if (__builtin_add_overflow(total, g->num_rows, &total))
            return dccd_err_set(err, DCCD_ECORRUPT, "%s: row counts overflow", f->name);
        for (size_t c = 0; c < g->n_columns; c++) {
            const pq_column_chunk *cc = &g->columns[c];
            if (!cc->has_meta_data)
                continue;  /* encrypted columns: reported when read */
            if (cc->meta_data.type != (int32_t)f->cols[c].type)
                return dccd_err_set(err, DCCD_ECORRUPT, "%s: row group %zu, column '%s': chunk type %d differs from the schema type %s",
                                    f->name, r, f->cols[c].name, (int)cc->meta_data.type,
                                    dccd_pq_type_name(f->cols[c].type));
        }
    }
    if (total != m->num_rows)
        return dccd_err_set(err, DCCD_ECORRUPT, "%s: row groups hold %lld rows, the footer says %lld", f->name,
                            (long long)total, (long long)m->num_rows);
    return DCCD_OK;
}

static int build_kv(dccd_pq_file *f, dccd_error *err)
{
    size_t n = f->meta.n_kv;
    f->kv = dccd_arena_array(&f->arena, n ? n : 1, sizeof *f->kv);
    if (!f->kv)
        return dccd_err_set(err, DCCD_ENOMEM, "%s: out of memory for key-value metadata", f->name);
    for (size_t i = 0; i < n; i++) {
        f->kv[i].key = f->meta.kv[i].key ? f->meta.kv[i].key : "";
        f->kv[i].value = f->meta.kv[i].value;
    }
    return DCCD_OK;
}

/* ---- open ----------------------------------------------------------------- */

static int open_common(dccd_pq_file *f, dccd_error *err)
{
    uint8_t tail[8], head[4];
    if (f->size < 12)
        return dccd_err_set(err, DCCD_ECORRUPT, "%s: not a Parquet file (only %llu bytes)", f->name,
                            (unsigned long long)f->size);
    int rc = pq_file_read_at(f, f->size - 8, 8, tail, err);
    if (rc)
        return rc;
    rc = pq_file_read_at(f, 0, 4, head, err);
    if (rc)
        return rc;
    if (memcmp(tail + 4, "PARE", 4) == 0)
        return dccd_err_set(err, DCCD_EUNSUPPORTED, "%s: encrypted footer is not supported (file encryption)", f->name);
    if (memcmp(tail + 4, "PAR1", 4) != 0)
        return dccd_err_set(err, DCCD_ECORRUPT, "%s: not a Parquet file (no trailing PAR1 magic)", f->name);
    if (memcmp(head, "PAR1", 4) != 0)
        return dccd_err_set(err, DCCD_ECORRUPT, "%s: not a Parquet file (no leading PAR1 magic)", f->name);
    uint32_t flen = dccd_load_u32le(tail);
    if (flen == 0 || (uint64_t)flen > f->size - 12)
        return dccd_err_set(err, DCCD_ECORRUPT, "%s: footer length %u does not fit in a file of %llu bytes", f->name,
                            flen, (unsigned long long)f->size);
    uint64_t foff = f->size - 8 - flen;
    uint8_t *fbuf = NULL;
    const uint8_t *footer;
    if (f->mem) {
        footer = f->mem + foff;
    } else {
        fbuf = malloc(flen);
        if (!fbuf)
            return dccd_err_set(err, DCCD_ENOMEM, "%s: out of memory for a %u-byte footer", f->name, flen);
        rc = pq_file_read_at(f, foff, flen, fbuf, err);
        if (rc) {
            free(fbuf);
            return rc;
        }
        footer = fbuf;
    }
    size_t limit = (size_t)flen * 16u;
    if (limit < PQ_FOOTER_ARENA_MIN)
        limit = PQ_FOOTER_ARENA_MIN;
    dccd_arena_init(&f->arena, limit);
    rc = pq_decode_file_meta(footer, flen, &f->arena, &f->meta, err);
    free(fbuf);
    if (rc)
        return dccd_err_prefix(err, rc, "%s: footer", f->name);
    if (f->meta.has_encryption_algorithm)
        return dccd_err_set(err, DCCD_EUNSUPPORTED, "%s: encrypted file (plaintext footer) is not supported", f->name);
    rc = build_schema(f, err);
    if (rc)
        return rc;
    rc = check_row_groups(f, err);
    if (rc)
        return rc;
    return build_kv(f, err);
}

static dccd_pq_file *file_new(const char *name, dccd_error *err)
{
    dccd_pq_file *f = calloc(1, sizeof *f);
    if (!f) {
        DCCD_ENOMEM_MSG(err);
        return NULL;
    }
    f->fd = -1;
    dccd_arena_init(&f->arena, PQ_FOOTER_ARENA_MIN);
    f->name = dccd_strdup(name);
    if (!f->name) {
        free(f);
        DCCD_ENOMEM_MSG(err);
        return NULL;
    }
    return f;
}

static int finish_open(dccd_pq_file *f, dccd_pq_file **out, dccd_error *err)
{
    int rc = open_common(f, err);
    if (rc) {
        dccd_pq_close(f);
        return rc;
    }
    *out = f;
    return DCCD_OK;
}

static int size_of_fd(dccd_pq_file *f, dccd_error *err)
{
    struct stat st;
    if (fstat(f->fd, &st) != 0)
        return dccd_err_errno(err, errno, "stat %s", f->name);
    if (!S_ISREG(st.st_mode))
        return dccd_err_set(err, DCCD_EINVAL, "%s: not a regular file", f->name);
    f->size = (uint64_t)st.st_size;
    return DCCD_OK;
}

int dccd_pq_open(const char *path, dccd_pq_file **out, dccd_error *err)
{
    if (!path || !out)
        return dccd_err_set(err, DCCD_EINVAL, "dccd_pq_open: NULL argument");
    *out = NULL;
    dccd_pq_file *f = file_new(path, err);
    if (!f)
        return DCCD_ENOMEM;
    f->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (f->fd < 0) {
        int rc = dccd_err_errno(err, errno, "open %s", path);
        dccd_pq_close(f);
        return rc;
    }
    int rc = size_of_fd(f, err);
    if (rc) {
        dccd_pq_close(f);
        return rc;
    }
    return finish_open(f, out, err);
}

int dccd_pq_open_fd(int fd, const char *name, dccd_pq_file **out, dccd_error *err)
{
    if (!out || fd < 0)
        return dccd_err_set(err, DCCD_EINVAL, "dccd_pq_open_fd: invalid argument");
    *out = NULL;
    char tmp[32];
    if (!name) {
        snprintf(tmp, sizeof tmp, "<fd %d>", fd);
        name = tmp;
    }
    dccd_pq_file *f = file_new(name, err);
    if (!f)
        return DCCD_ENOMEM;
    f->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (f->fd < 0) {
        int rc = dccd_err_errno(err, errno, "dup %s", name);
        dccd_pq_close(f);
        return rc;
    }
    int rc = size_of_fd(f, err);
    if (rc) {
        dccd_pq_close(f);
        return rc;
    }
    return finish_open(f, out, err);
}

int dccd_pq_open_mem(const void *buf, size_t len, const char *name, dccd_pq_file **out, dccd_error *err)
{
    if (!out || (!buf && len))
        return dccd_err_set(err, DCCD_EINVAL, "dccd_pq_open_mem: invalid argument");
    *out = NULL;
    dccd_pq_file *f = file_new(name ? name : "<memory>", err);
    if (!f)
        return DCCD_ENOMEM;
    static const uint8_t empty[1] = {0};
    f->mem = buf ? buf : empty;
    f->size = len;
    return finish_open(f, out, err);
}

void dccd_pq_close(dccd_pq_file *f)
{
    if (!f)
        return;
    if (f->fd >= 0)
        close(f->fd);
    dccd_arena_free(&f->arena);
    free(f->name);
    free(f);
}

/* ---- accessors ------------------------------------------------------------ */

const char *dccd_pq_name(const dccd_pq_file *f) { return f->name; }
int64_t dccd_pq_num_rows(const dccd_pq_file *f) { return f->meta.num_rows; }
int dccd_pq_num_row_groups(const dccd_pq_file *f) { return (int)f->meta.n_row_groups; }
int dccd_pq_num_columns(const dccd_pq_file *f) { return f->ncols; }
uint64_t dccd_pq_file_size(const dccd_pq_file *f) { return f->size; }
int32_t dccd_pq_version(const dccd_pq_file *f) { return f->meta.version; }
const char *dccd_pq_created_by(const dccd_pq_file *f) { return f->meta.created_by; }

int dccd_pq_column_index(const dccd_pq_file *f, const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < f->ncols; i++)
        if (strcmp(f->cols[i].name, name) == 0)
            return i;
    return -1;
}

const dccd_pq_column_info *dccd_pq_column_info_at(const dccd_pq_file *f, int col)
{
    if (col < 0 || col >= f->ncols)
        return NULL;
    return &f->cols[col];
}

int64_t dccd_pq_row_group_rows(const dccd_pq_file *f, int rg)
{
    if (rg < 0 || (size_t)rg >= f->meta.n_row_groups)
        return -1;
    return f->meta.row_groups[rg].num_rows;
}

int64_t dccd_pq_row_group_bytes(const dccd_pq_file *f, int rg)
{
    if (rg < 0 || (size_t)rg >= f->meta.n_row_groups)
        return -1;
    return f->meta.row_groups[rg].total_byte_size;
}

size_t dccd_pq_kv_count(const dccd_pq_file *f) { return f->meta.n_kv; }

const dccd_pq_kv *dccd_pq_kv_at(const dccd_pq_file *f, size_t i)
{
    return i < f->meta.n_kv ? &f->kv[i] : NULL;
}

const char *dccd_pq_kv_get(const dccd_pq_file *f, const char *key)
{
    if (!key)
        return NULL;
    for (size_t i = f->meta.n_kv; i-- > 0;)
        if (strcmp(f->kv[i].key, key) == 0)
            return f->kv[i].value;
    return NULL;
}

/* ---- statistics ----------------------------------------------------------- */

static size_t phys_width(const dccd_pq_column_info *ci)
{
    switch (ci->type) {
    case DCCD_PQ_BOOLEAN: return 1;
    case DCCD_PQ_INT32: case DCCD_PQ_FLOAT: return 4;
    case DCCD_PQ_INT64: case DCCD_PQ_DOUBLE: return 8;
    case DCCD_PQ_INT96: return 12;
    case DCCD_PQ_FIXED_LEN_BYTE_ARRAY: return (size_t)ci->type_length;
    default: return 0;  /* variable */
    }
}

static bool is_unsigned(const dccd_pq_column_info *ci)
{
    return ci->logical == DCCD_PQ_LOG_INTEGER && !ci->is_signed;
}

static bool stat_is_nan(const dccd_pq_column_info *ci, const uint8_t *p)
{
    if (ci->type == DCCD_PQ_FLOAT) {
        uint32_t u = dccd_load_u32le(p);
        float v;
        memcpy(&v, &u, 4);
        return isnan(v);
    }
    if (ci->type == DCCD_PQ_DOUBLE) {
        uint64_t u = dccd_load_u64le(p);
        double v;
        memcpy(&v, &u, 8);
        return isnan(v);
    }
    return false;
}

static bool stat_ok(const dccd_pq_column_info *ci, const pq_bytes *b)
{
    if (!b->p)
        return false;
    size_t w = phys_width(ci);
    if (w && b->n != w)
        return false;
    return true;
}

static void fill_stats(const dccd_pq_file *f, int col, const pq_column_meta *m, dccd_pq_stats *s)
{
    memset(s, 0, sizeof *s);
    if (!m->has_statistics)
        return;
    const pq_statistics *st = &m->statistics;
    const dccd_pq_column_info *ci = &f->cols[col];
    s->has_null_count = st->has_null_count && st->null_count >= 0;
    s->null_count = s->has_null_count ? st->null_count : 0;
    s->has_distinct_count = st->has_distinct_count && st->distinct_count >= 0;
    s->distinct_count = s->has_distinct_count ? st->distinct_count : 0;
    /* INT96 and INTERVAL have no defined order; skip min/max entirely. */
    if (ci->type == DCCD_PQ_INT96 || ci->logical == DCCD_PQ_LOG_INTERVAL || ci->logical == DCCD_PQ_LOG_UNKNOWN)
        return;
    bool typed_order = !(f->meta.type_defined_order && (size_t)col < f->meta.n_column_orders &&
                         !f->meta.type_defined_order[col]);
    if (typed_order && stat_ok(ci, &st->min_value)) {
        s->has_min = true;
        s->min = st->min_value.p;
        s->min_len = st->min_value.n;
    }
    if (typed_order && stat_ok(ci, &st->max_value)) {
        s->has_max = true;
        s->max = st->max_value.p;
        s->max_len = st->max_value.n;
    }
    /* Legacy min/max were written with signed comparison: only trustworthy
     * for types whose order is signed. */
    bool legacy_ok = (ci->type == DCCD_PQ_BOOLEAN || ci->type == DCCD_PQ_INT32 || ci->type == DCCD_PQ_INT64 ||
                      ci->type == DCCD_PQ_FLOAT || ci->type == DCCD_PQ_DOUBLE) &&
                     !is_unsigned(ci);
    if (legacy_ok && !s->has_min && !s->has_max && stat_ok(ci, &st->min) && stat_ok(ci, &st->max)) {
        s->has_min = s->has_max = true;
        s->min = st->min.p;
        s->min_len = st->min.n;
        s->max = st->max.p;
        s->max_len = st->max.n;
    }
    /* A NaN bound makes both useless (writers that emit one emit garbage). */
    bool nan_min = s->has_min && stat_is_nan(ci, s->min);
    bool nan_max = s->has_max && stat_is_nan(ci, s->max);
    if (nan_min || nan_max) {
        s->has_min = s->has_max = false;
        s->min = s->max = NULL;
        s->min_len = s->max_len = 0;
    }
}

int dccd_pq_chunk(const dccd_pq_file *f, int rg, int col, dccd_pq_chunk_info *out, dccd_error *err)
{
    if (!f || !out || rg < 0 || (size_t)rg >= f->meta.n_row_groups || col < 0 || col >= f->ncols)
        return dccd_err_set(err, DCCD_EINVAL, "%s: row group %d, column %d out of range", f ? f->name : "?", rg, col);
    const pq_column_chunk *cc = &f->meta.row_groups[rg].columns[col];
    memset(out, 0, sizeof *out);
    if (cc->has_crypto_metadata || !cc->has_meta_data)
        return dccd_err_set(err, cc->has_crypto_metadata ? DCCD_EUNSUPPORTED : DCCD_ECORRUPT,
                            "%s: row group %d, column '%s' %s", f->name, rg, f->cols[col].name,
                            cc->has_crypto_metadata ? "is encrypted (encryption is not supported)"
                                                    : "has no column metadata");
    const pq_column_meta *m = &cc->meta_data;
    out->codec = (dccd_pq_codec)m->codec;
    size_t ne = m->n_encodings < 16 ? m->n_encodings : 16;
    out->n_encodings = (int)ne;
    for (size_t i = 0; i < ne; i++)
        out->encodings[i] = (dccd_pq_encoding)m->encodings[i];
    out->num_values = m->num_values;
    out->total_compressed_size = m->total_compressed_size;
    out->total_uncompressed_size = m->total_uncompressed_size;
    out->data_page_offset = m->data_page_offset;
    out->dictionary_page_offset = m->has_dictionary_page_offset ? m->dictionary_page_offset : -1;
    chunk_start(m, &out->file_offset);
    fill_stats(f, col, m, &out->stats);
    out->has_bloom_filter = m->has_bloom_filter_offset;
    out->bloom_filter_offset = m->has_bloom_filter_offset ? m->bloom_filter_offset : -1;
    out->bloom_filter_length = m->has_bloom_filter_length ? m->bloom_filter_length : -1;
    out->has_column_index = cc->has_column_index;
    out->has_offset_index = cc->has_offset_index;
    return DCCD_OK;
}

static bool stat_i64(const dccd_pq_file *f, int rg, int col, bool want_max, int64_t *out)
{
    dccd_pq_chunk_info ci;
    if (!f || dccd_pq_chunk(f, rg, col, &ci, NULL) != DCCD_OK)
        return false;
    const dccd_pq_column_info *c = &f->cols[col];
    bool has = want_max ? ci.stats.has_max : ci.stats.has_min;
    const uint8_t *p = want_max ? ci.stats.max : ci.stats.min;
    size_t n = want_max ? ci.stats.max_len : ci.stats.min_len;
    if (!has)
        return false;
    if (c->type == DCCD_PQ_INT32 && n == 4) {
        uint32_t u = dccd_load_u32le(p);
        *out = is_unsigned(c) ? (int64_t)u : (int64_t)(int32_t)u;
        return true;
    }
    if (c->type == DCCD_PQ_INT64 && n == 8) {
        uint64_t u = dccd_load_u64le(p);
        if (is_unsigned(c) && u > (uint64_t)INT64_MAX)
            return false;
        *out = (int64_t)u;
        return true;
    }
    return false;
}

bool dccd_pq_stat_min_i64(const dccd_pq_file *f, int rg, int col, int64_t *out)
{
    return stat_i64(f, rg, col, false, out);
}

bool dccd_pq_stat_max_i64(const dccd_pq_file *f, int rg, int col, int64_t *out)
{
    return stat_i64(f, rg, col, true, out);
}

/* ---- bloom filter --------------------------------------------------------- */

#define BLOOM_HEADER_WINDOW 256u

int dccd_pq_bloom_check(dccd_pq_file *f, int rg, int col, const void *value, size_t len, int *result,
                        dccd_error *err)
{
    if (!f || !result || (!value && len))
        return dccd_err_set(err, DCCD_EINVAL, "dccd_pq_bloom_check: invalid argument");
    *result = -1;
    dccd_pq_chunk_info info;
    int rc = dccd_pq_chunk(f, rg, col, &info, err);
    if (rc)
        return rc;
    const dccd_pq_column_info *ci = &f->cols[col];
    size_t w = phys_width(ci);
    if (ci->type == DCCD_PQ_BOOLEAN)
        return dccd_err_set(err, DCCD_EUNSUPPORTED, "%s: column '%s': bloom filters on BOOLEAN are not supported",
                            f->name, ci->name);
    if (w && len != w)
        return dccd_err_set(err, DCCD_EINVAL, "%s: column '%s': bloom probe value has %zu bytes, the type needs %zu",
                            f->name, ci->name, len, w);
    if (!info.has_bloom_filter)
        return DCCD_OK;
    int64_t off = info.bloom_filter_offset;
    if (off < 4 || (uint64_t)off >= f->size)
        return dccd_err_set(err, DCCD_ECORRUPT, "%s: row group %d, column '%s': bloom filter offset %lld is outside the file",
                            f->name, rg, ci->name, (long long)off);
    uint64_t avail = f->size - (uint64_t)off;
    uint8_t *buf = NULL;
    size_t buflen;
    if (info.bloom_filter_length > 0) {
        if ((uint64_t)info.bloom_filter_length > avail)
            return dccd_err_set(err, DCCD_ECORRUPT, "%s: row group %d, column '%s': bloom filter length %lld exceeds the file",
                                f->name, rg, ci->name, (long long)info.bloom_filter_length);
        buflen = (size_t)info.bloom_filter_length;
    } else {
        buflen = avail < BLOOM_HEADER_WINDOW ? (size_t)avail : BLOOM_HEADER_WINDOW;
    }
    buf = malloc(buflen ? buflen : 1);
    if (!buf)
        return DCCD_ENOMEM_MSG(err);
    rc = pq_file_read_at(f, (uint64_t)off, buflen, buf, err);
    if (rc)
        goto out;
    pq_bloom_header h;
    size_t consumed = 0;
    rc = pq_decode_bloom_header(buf, buflen, &h, &consumed, err);
    if (rc) {
        dccd_err_prefix(err, rc, "%s: row group %d, column '%s': bloom filter", f->name, rg, ci->name);
        goto out;
    }
    if (!h.algorithm_block || !h.hash_xxhash || !h.compression_none) {
        rc = dccd_err_set(err, DCCD_EUNSUPPORTED,
                          "%s: row group %d, column '%s': bloom filter uses an unsupported algorithm, hash or compression",
                          f->name, rg, ci->name);
        goto out;
    }
    if (h.num_bytes < (int32_t)PQ_BLOOM_MIN_BYTES || (uint32_t)h.num_bytes > PQ_BLOOM_MAX_BYTES ||
        h.num_bytes % 32 != 0) {
        rc = dccd_err_set(err, DCCD_ECORRUPT, "%s: row group %d, column '%s': bloom filter size %d is invalid",
                          f->name, rg, ci->name, (int)h.num_bytes);
        goto out;
    }
    size_t nb = (size_t)h.num_bytes;
    const uint8_t *bits;
    if (consumed <= buflen && nb <= buflen - consumed) {
        bits = buf + consumed;
    } else if (info.bloom_filter_length > 0) {
        rc = dccd_err_set(err, DCCD_ECORRUPT, "%s: row group %d, column '%s': bloom filter bitset (%zu bytes) exceeds its length %lld",
                          f->name, rg, ci->name, nb, (long long)info.bloom_filter_length);
        goto out;
    } else {
        if ((uint64_t)consumed + nb > avail) {
            rc = dccd_err_set(err, DCCD_ECORRUPT, "%s: row group %d, column '%s': bloom filter bitset (%zu bytes) exceeds the file",
                              f->name, rg, ci->name, nb);
            goto out;
        }
        uint8_t *nbuf = malloc(nb);
        if (!nbuf) {
            rc = DCCD_ENOMEM_MSG(err);
            goto out;
        }
        free(buf);
        buf = nbuf;
        rc = pq_file_read_at(f, (uint64_t)off + consumed, nb, buf, err);
        if (rc)
            goto out;
        bits = buf;
    }
    *result = pq_bloom_contains(bits, nb, pq_bloom_hash(value, len)) ? 1 : 0;
    rc = DCCD_OK;
out:
    free(buf);
    return rc;
}

/* ---- page index ----------------------------------------------------------- */

static int read_index_blob(const dccd_pq_file *f, int64_t off, int32_t len, const char *what, int rg,
                           const char *cname, uint8_t **out, dccd_error *err)
{
    if (off < 0 || len <= 0 || (uint64_t)off > f->size || (uint64_t)len > f->size - (uint64_t)off ||
        (uint32_t)len > PQ_INDEX_MAX_BYTES)
        return dccd_err_set(err, DCCD_ECORRUPT, "%s: row group %d, column '%s': %s range [%lld, +%d) is invalid",
                            f->name, rg, cname, what, (long long)off, (int)len);
    *out = malloc((size_t)len);
    if (!*out)
        return DCCD_ENOMEM_MSG(err);
    int rc = pq_file_read_at(f, (uint64_t)off, (size_t)len, *out, err);
    if (rc) {
        free(*out);
        *out = NULL;
    }
    return rc;
}

int dccd_pq_page_index(dccd_pq_file *f, int rg, int col, dccd_pq_page_info **pages, size_t *npages,
                       dccd_error *err)
{
    if (!f || !pages || !npages || rg < 0 || (size_t)rg >= f->meta.n_row_groups || col < 0 || col >= f->ncols)
        return dccd_err_set(err, DCCD_EINVAL, "dccd_pq_page_index: invalid argument");
    *pages = NULL;
    *npages = 0;
    const pq_column_chunk *cc = &f->meta.row_groups[rg].columns[col];
    const char *cname = f->cols[col].name;
    if (cc->has_crypto_metadata)
        return dccd_err_set(err, DCCD_EUNSUPPORTED, "%s: column '%s' is encrypted (encryption is not supported)",
                            f->name, cname);
    if (!cc->has_offset_index)
        return dccd_err_set(err, DCCD_ENOTFOUND, "%s: row group %d, column '%s' has no offset index", f->name, rg,
                            cname);
    uint8_t *oblob = NULL, *cblob = NULL;
    dccd_arena arena;
    pq_offset_index oi;
    pq_column_index ci;
    bool have_ci = false;
    int rc = read_index_blob(f, cc->offset_index_offset, cc->offset_index_length, "offset index", rg, cname,
                             &oblob, err);
    if (rc)
        return rc;
    size_t alimit = (size_t)cc->offset_index_length * 16u + (1u << 20);
    if (cc->has_column_index)
        alimit += (size_t)(cc->column_index_length > 0 ? cc->column_index_length : 0) * 16u;
    dccd_arena_init(&arena, alimit);
    rc = pq_decode_offset_index(oblob, (size_t)cc->offset_index_length, &arena, &oi, err);
    if (rc) {
        dccd_err_prefix(err, rc, "%s: row group %d, column '%s': offset index", f->name, rg, cname);
        goto out;
    }
    if (cc->has_column_index) {
        rc = read_index_blob(f, cc->column_index_offset, cc->column_index_length, "column index", rg, cname,
                             &cblob, err);
        if (rc)
            goto out;
        rc = pq_decode_column_index(cblob, (size_t)cc->column_index_length, &arena, &ci, err);
        if (rc) {
            dccd_err_prefix(err, rc, "%s: row group %d, column '%s': column index", f->name, rg, cname);
            goto out;
        }
        if (ci.n_pages != oi.n_pages) {
            rc = dccd_err_set(err, DCCD_ECORRUPT, "%s: row group %d, column '%s': column index has %zu pages, offset index %zu",
                              f->name, rg, cname, ci.n_pages, oi.n_pages);
            goto out;
        }
        have_ci = true;
    }
    /* One block: the array, then the min/max bytes it points to. */
    size_t bytes, extra = 0;
    if (!dccd_mul_ok(oi.n_pages, sizeof(dccd_pq_page_info), &bytes)) {
        rc = DCCD_ENOMEM_MSG(err);
        goto out;
    }
    if (have_ci)
        for (size_t i = 0; i < ci.n_pages; i++) {
            if (ci.min_values && !dccd_add_ok(extra, ci.min_values[i].n, &extra))
                extra = SIZE_MAX;
            if (ci.max_values && !dccd_add_ok(extra, ci.max_values[i].n, &extra))
                extra = SIZE_MAX;
        }
    size_t total;
    if (!dccd_add_ok(bytes, extra, &total) || total == SIZE_MAX) {
        rc = DCCD_ENOMEM_MSG(err);
        goto out;
    }
    dccd_pq_page_info *pi = malloc(total ? total : 1);
    if (!pi) {
        rc = DCCD_ENOMEM_MSG(err);
        goto out;
    }
    uint8_t *blob = (uint8_t *)pi + bytes;
    for (size_t i = 0; i < oi.n_pages; i++) {
        dccd_pq_page_info *p = &pi[i];
        memset(p, 0, sizeof *p);
        p->offset = oi.pages[i].offset;
        p->compressed_size = oi.pages[i].compressed_page_size;
        p->first_row = oi.pages[i].first_row_index;
        p->null_count = -1;
        if (have_ci) {
            p->null_page = ci.null_pages ? ci.null_pages[i] : false;
            if (ci.min_values && ci.min_values[i].p) {
                memcpy(blob, ci.min_values[i].p, ci.min_values[i].n);
                p->min = blob;
                p->min_len = ci.min_values[i].n;
                blob += ci.min_values[i].n;
            }
            if (ci.max_values && ci.max_values[i].p) {
                memcpy(blob, ci.max_values[i].p, ci.max_values[i].n);
                p->max = blob;
                p->max_len = ci.max_values[i].n;
                blob += ci.max_values[i].n;
            }
            if (ci.null_counts)
                p->null_count = ci.null_counts[i];
        }
    }
    *pages = pi;
    *npages = oi.n_pages;
    rc = DCCD_OK;
out:
    dccd_arena_free(&arena);
    free(oblob);
    free(cblob);
    return rc;
}
