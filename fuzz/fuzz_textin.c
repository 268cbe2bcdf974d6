/*
 * fuzz/fuzz_textin.c - libFuzzer target: the CSV and JSON-lines importers
 * (src/cli/textin.h, implemented in src/cli/textin.c).
 *
 * Byte 0 chooses the format (bit 0: CSV or JSON lines), the data type
 * (bits 1-2, mod 3) and skip_bad (bit 3); the rest is the text, fed line
 * by line (split at '\n', each line passed with its exact length and not
 * NUL-terminated, in its own heap buffer so a read past it is caught).
 * Rows are taken every 64 lines and at the end, and the table is checked:
 * canonical column count, every column with n == nrows, byte-array
 * offsets monotonic, validity consistent with null_count.  Lines rejected
 * under skip_bad must leave a message (cli_textin_last_error); without
 * skip_bad none may be rejected.
 */
#include <string.h>

#include "dccd/store.h"
#include "fuzz_util.h"
#include "textin.h"

static void check_table(const dccd_table *t, size_t rows)
{
    FUZZ_CHECK(t->nrows == rows);
    FUZZ_CHECK(t->ncols == dccd_schema_ncols(t->type));
    for (int c = 0; c < t->ncols; c++) {
        const dccd_pq_column *col = &t->cols[c];
        FUZZ_CHECK(col->n == t->nrows);
        FUZZ_CHECK(col->type == dccd_schema_col_type(t->type, c));
        if (col->type == DCCD_PQ_BYTE_ARRAY && col->n) {
            FUZZ_CHECK(col->offsets && col->offsets[0] == 0);
            for (size_t i = 0; i < col->n; i++)
                FUZZ_CHECK(col->offsets[i + 1] >= col->offsets[i]);
            unsigned s = 0;
            for (int64_t i = 0; i < col->offsets[col->n]; i++)
                s += col->data[i];
            volatile unsigned sink = s;
            (void)sink;
        }
        if (col->validity) {
            size_t nulls = 0;
            for (size_t i = 0; i < col->n; i++)
                nulls += col->validity[i] == 0;
            FUZZ_CHECK(nulls == col->null_count);
        }
    }
}

static int take(cli_textin *in)
{
    dccd_error err = {0};
    dccd_table t;
    memset(&t, 0, sizeof t);
    size_t rows = cli_textin_rows(in);
    int rc = cli_textin_take(in, &t, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc == DCCD_OK) {
        check_table(&t, rows);
        FUZZ_CHECK(cli_textin_rows(in) == 0);
    }
    dccd_table_free(&t);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in fin = {data, size};
    uint8_t sel = fuzz_u8(&fin);
    cli_text_format fmt = (sel & 1) ? CLI_FMT_JSONL : CLI_FMT_CSV;
    dccd_data_type type = (dccd_data_type)((sel >> 1) & 3) % 3;
    bool skip_bad = (sel >> 3) & 1;
    dccd_error err = {0};
    cli_textin *in = NULL;
    int rc = cli_textin_open(&in, fmt, type, "fuzz", skip_bad, &err);
    FUZZ_CHECK(rc == DCCD_OK && in != NULL);
    const uint8_t *p = fin.p, *end = fin.p + fin.n;
    size_t nlines = 0;
    int64_t rejected = 0;
    while (p < end) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        char *line = malloc(len ? len : 1);
        if (!line)
            abort();
        if (len)
            memcpy(line, p, len);
        err = (dccd_error){0};
        rc = cli_textin_line(in, line, len, &err);
        free(line);
        FUZZ_ERR_OK(rc, err);
        if (cli_textin_rejected(in) > rejected) {  /* a line skipped under skip_bad says why */
            FUZZ_CHECK(skip_bad);
            const char *why = cli_textin_last_error(in);
            FUZZ_CHECK(why != NULL && why[0] != '\0');
            rejected = cli_textin_rejected(in);
        }
        if (rc != DCCD_OK)
            break;
        p = nl ? nl + 1 : end;
        if (++nlines % 64 == 0 && take(in) != DCCD_OK)
            break;
    }
    if (rc == DCCD_OK)
        (void)take(in);
    FUZZ_CHECK(cli_textin_rejected(in) <= cli_textin_lines(in));
    cli_textin_close(in);
    return 0;
}
