/*
 * fuzz/fuzz_canon.c - libFuzzer target: a Parquet file as the store sees a
 * period file or segment (src/store/canon.c, merge.c) and as the writer
 * copies it (dccd_pq_writer_copy_row_group).
 *
 * The input is a whole file, opened with dccd_pq_open_mem.  For each data
 * type: dccd_canon_map_file, the TS range of every row group, every row
 * group read as a canonical table (full and TS-only), all row groups at
 * once with and without a TS filter, and the seed's save fold
 * (dccd_merge_fold: de-duplicate, sort by TS) of the result, which must
 * come out sorted.  Then every row group is copied raw into a writer on
 * an anonymous in-memory file (memfd) with the source's schema, when that
 * schema is one the writer accepts, and the result is re-opened.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dccd/parquet.h"
#include "fuzz_util.h"
#include "store/store_int.h"

static void check_table(const dccd_table *t)
{
    FUZZ_CHECK(t->ncols == dccd_schema_ncols(t->type));
    for (int c = 0; c < t->ncols; c++)
        FUZZ_CHECK(t->cols[c].n == t->nrows);
}

static void canon(dccd_pq_file *f, dccd_data_type type)
{
    dccd_error err = {0};
    dccd_canon_map m;
    int rc = dccd_canon_map_file(f, type, &m, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc != DCCD_OK)
        return;
    int nrg = dccd_pq_num_row_groups(f);
    for (int rg = 0; rg < nrg; rg++) {
        int64_t lo, hi;
        if (dccd_canon_rg_ts_range(f, &m, rg, &lo, &hi))
            FUZZ_CHECK(lo <= hi);
        for (int ts_only = 0; ts_only < 2; ts_only++) {
            dccd_table t;
            memset(&t, 0, sizeof t);
            err = (dccd_error){0};
            rc = dccd_canon_read_rg(f, &m, rg, ts_only != 0, &t, &err);
            FUZZ_ERR_OK(rc, err);
            if (rc == DCCD_OK)
                check_table(&t);
            dccd_table_free(&t);
        }
    }
    for (int filter = 0; filter < 2; filter++) {
        dccd_table t;
        memset(&t, 0, sizeof t);
        err = (dccd_error){0};
        rc = dccd_canon_read_rgs(f, &m, 0, nrg, filter != 0, INT64_C(1709251200000000000),
                                 INT64_C(1709337600000000000), &t, &err);
        FUZZ_ERR_OK(rc, err);
        if (rc == DCCD_OK) {
            check_table(&t);
            const dccd_table *parts[1] = {&t};
            dccd_table out;
            memset(&out, 0, sizeof out);
            err = (dccd_error){0};
            rc = dccd_merge_fold(parts, 1, &out, &err);
            FUZZ_ERR_OK(rc, err);
            if (rc == DCCD_OK) {
                check_table(&out);
                FUZZ_CHECK(out.nrows <= t.nrows);
                if (out.nrows)
                    FUZZ_CHECK(dccd_ts_sorted(out.cols[0].values, out.nrows));
            }
            dccd_table_free(&out);
        }
        dccd_table_free(&t);
    }
    (void)dccd_wal_applied(f);
}

static bool writable(dccd_pq_type t)
{
    return t == DCCD_PQ_BOOLEAN || t == DCCD_PQ_INT32 || t == DCCD_PQ_INT64 || t == DCCD_PQ_FLOAT ||
           t == DCCD_PQ_DOUBLE || t == DCCD_PQ_BYTE_ARRAY;
}

static void copy_row_groups(dccd_pq_file *f)
{
    int ncols = dccd_pq_num_columns(f);
    if (ncols <= 0 || ncols > 64)
        return;
    dccd_pq_field fields[64];
    memset(fields, 0, sizeof fields);
    for (int c = 0; c < ncols; c++) {
        const dccd_pq_column_info *ci = dccd_pq_column_info_at(f, c);
        if (!writable(ci->type))
            return;
        fields[c].name = ci->name;
        fields[c].type = ci->type;
        fields[c].optional = ci->optional;
    }
    int fd = memfd_create("fuzz_canon", 0);
    if (fd < 0)
        return;
    dccd_error err = {0};
    dccd_pq_write_options o;
    dccd_pq_write_options_init(&o);
    dccd_pq_writer *w = NULL;
    int rc = dccd_pq_writer_open_fd(fd, "copy.parquet", fields, ncols, &o, &w, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc == DCCD_OK) {
        for (int rg = 0; rg < dccd_pq_num_row_groups(f) && rc == DCCD_OK; rg++) {
            rc = dccd_pq_writer_copy_row_group(w, f, rg, &err);
            FUZZ_ERR_OK(rc, err);
        }
        if (rc == DCCD_OK) {
            rc = dccd_pq_writer_close(w, &err);
            FUZZ_ERR_OK(rc, err);
            if (rc == DCCD_OK) {
                dccd_pq_file *g = NULL;
                err = (dccd_error){0};
                rc = dccd_pq_open_fd(fd, "copy.parquet", &g, &err);
                FUZZ_ERR_OK(rc, err);
                /* a copy of a readable file must be readable */
                if (rc == DCCD_OK) {
                    FUZZ_CHECK(dccd_pq_num_row_groups(g) == dccd_pq_num_row_groups(f));
                    dccd_pq_close(g);
                }
            }
        } else {
            dccd_pq_writer_abort(w);
        }
    }
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dccd_error err = {0};
    dccd_pq_file *f = NULL;
    int rc = dccd_pq_open_mem(data, size, "fuzz.parquet", &f, &err);
    FUZZ_ERR_OK(rc, err);
    if (rc != DCCD_OK)
        return 0;
    for (int t = 0; t < 3; t++)
        canon(f, (dccd_data_type)t);
    copy_row_groups(f);
    dccd_pq_close(f);
    return 0;
}
