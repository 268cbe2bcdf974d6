/*
 * tests/unit/helpers/store_fixture.h - what the store tests share: a
 * temporary store root, datasets, and the OHLC and trades batches they
 * save.  Linked into every unit test (tests/CMakeLists.txt); the functions
 * fail the calling cmocka test on any error.
 */
#ifndef DCCD_TEST_STORE_FIXTURE_H
#define DCCD_TEST_STORE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "store/store_int.h"

#define FX_ROOT_MAX 256

/* mkdtemp("/tmp/dccd-test-TAG-XXXXXX") into root. */
void fx_root_make(char root[FX_ROOT_MAX], const char *tag);
/* Remove the tree (no symlink followed); 0 on success. */
int fx_root_remove(const char *root);
/* dataset EX/PAIR of type t (span in seconds, OHLC only) */
void fx_dataset(dccd_dataset *ds, const char *ex, const char *pair, dccd_data_type t, int64_t span);
/* n bars from t0, every step ns; prices base + i, trades i */
void fx_make_bars(dccd_table *t, int64_t t0, int64_t step, size_t n, double base);
/* n trades from t0, three per second (ties), tids tid0, tid0 + 1, ...,
 * sides alternating buy/sell */
void fx_make_trades(dccd_table *t, int64_t t0, size_t n, int tid0);
/* rows a full load of the dataset returns */
int64_t fx_load_rows(dccd_store *s, const dccd_dataset *ds);
/* dccd_store_open(root, o) or fail the test with its message */
dccd_store *fx_store_open(const char *root, const dccd_store_options *o);
/* Write t as ROOT/dsdir/name the way another program would: through the
 * store's writer (its own temporary file and rename) with no dccd footer
 * keys and no log entry. */
void fx_write_raw(dccd_store *s, const char *dsdir, const char *name, const dccd_table *t);

#endif
