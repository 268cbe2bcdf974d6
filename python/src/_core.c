/*
 * python/src/_core.c - dccd_store._core, the CPython binding of libdccd.
 *
 * Written against the limited API (abi3, Python >= 3.11): one wheel serves
 * every later CPython.  This file owns the crossing between Python objects
 * and libdccd's columnar tables; the Python-facing API (the seed's
 * ParquetStore, its domain types) is in dccd_store/_store.py and
 * dccd_store/_domain.py, which call the few functions here.
 *
 *   Store(root, durable, sync_checkpoint, codec, compression_level,
 *         row_group_rows, checkpoint_rows, threads) a dccd_store handle
 *     .save_records(ds, records, prov, drop_bad) seed records -> columns -> save
 *     .save_arrow(ds, obj, prov, drop_bad)        __arrow_c_stream__ / __arrow_c_array__
 *     .load(ds, start, end) / .scan(...)          -> ArrowStream
 *     .last_timestamp, .missing_intervals, .holes, .inventory,
 *     .checkpoint, .verify, .directory, .take_warnings, .close
 *   ArrowStream: __arrow_c_stream__() hands out an "arrow_array_stream"
 *     capsule once (polars, pyarrow, DuckDB take it)
 *   read_provenance(path) -> (source, derived_from) | None
 *   arrow_schema(data_type) -> the canonical schema as an "arrow_schema" capsule
 *   convert_records(data_type, records) -> (rows, dropped): save's conversion alone
 *
 * A dataset crosses as a tuple (exchange, base, quote, market, data_type,
 * span or None), built by _domain.dataset_tuple from any DatasetId-like
 * object.
 *
 * Threads: every call that does I/O or real work runs with the GIL
 * released (Py_BEGIN_ALLOW_THREADS); converting records needs the GIL and
 * holds it.  libdccd's warnings (a corrupt file skipped by load) may come
 * from any thread, also one that cannot take the GIL without a deadlock
 * (a scan's reader thread while the consumer holds the GIL), so they are
 * queued under a mutex and handed to Python's logging by take_warnings(),
 * which the Python layer calls after each call.
 *
 * Errors: DCCD_EINVAL / ERANGE / EUNSUPPORTED -> ValueError; ENOMEM ->
 * MemoryError; ECORRUPT -> CorruptFileError (an OSError); EIO, ENOSPC,
 * ENOTFOUND, EBUSY -> OSError with the failed call's errno; ESTATE ->
 * RuntimeError.  The message is libdccd's, naming the file, row or field.
 */
#ifndef Py_LIMITED_API
#define Py_LIMITED_API 0x030B0000 /* CMake's USE_SABI sets it too */
#endif
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dccd/arrow.h"
#include "dccd/store.h"

/* ---- module state ------------------------------------------------------- */

typedef struct module_state {
    PyObject *StoreType;
    PyObject *StreamType;
    PyObject *CorruptFileError;
    /* interned attribute names */
    PyObject *s_ts, *s_open, *s_high, *s_low, *s_close, *s_volume, *s_quote_volume, *s_trades;
    PyObject *s_price, *s_amount, *s_side, *s_tid, *s_bids, *s_asks, *s_count, *s_is_snapshot, *s_value;
    PyObject *s_arrow_c_stream, *s_arrow_c_array;
} module_state;

static module_state *state_of_module(PyObject *m)
{
    return (module_state *)PyModule_GetState(m);
}

static PyObject *raise_dccd(module_state *st, const dccd_error *e)
{
    const char *msg = e->msg[0] ? e->msg : dccd_code_name(e->code);
    PyObject *type;
    switch (e->code) {
    case DCCD_EINVAL:
    case DCCD_ERANGE:
    case DCCD_EUNSUPPORTED:
        PyErr_SetString(PyExc_ValueError, msg);
        return NULL;
    case DCCD_ENOMEM:
        PyErr_SetString(PyExc_MemoryError, msg);
        return NULL;
    case DCCD_ESTATE:
        PyErr_SetString(PyExc_RuntimeError, msg);
        return NULL;
    case DCCD_ECORRUPT:
        type = st->CorruptFileError;
        break;
    default:
        type = PyExc_OSError;
        break;
    }
    int en = e->sys_errno;
    if (!en)
        en = e->code == DCCD_ENOSPC ? ENOSPC : e->code == DCCD_ENOTFOUND ? ENOENT : e->code == DCCD_EBUSY ? EBUSY : EIO;
    PyObject *args = Py_BuildValue("(is)", en, msg);
    if (args) {
        PyErr_SetObject(type, args);
        Py_DECREF(args);
    }
    return NULL;
}

/* ---- datasets -------------------------------------------------------------- */

static int parse_dataset(PyObject *t, dccd_dataset *ds)
{
    const char *exchange, *base, *quote, *market, *dtype;
    PyObject *span;
    if (!PyTuple_Check(t)) {
        PyErr_SetString(PyExc_TypeError, "dataset must be a tuple (exchange, base, quote, market, data_type, span)");
        return -1;
    }
    if (!PyArg_ParseTuple(t, "sssssO", &exchange, &base, &quote, &market, &dtype, &span))
        return -1;
    dccd_error e;
    dccd_market mk;
    if (strcmp(market, "spot") == 0)
        mk = DCCD_SPOT;
    else if (strcmp(market, "perp") == 0)
        mk = DCCD_PERP;
    else if (strcmp(market, "quarter") == 0)
        mk = DCCD_QUARTER;
    else if (strcmp(market, "next_quarter") == 0)
        mk = DCCD_NEXT_QUARTER;
    else {
        PyErr_Format(PyExc_ValueError, "unknown market '%s' (spot, perp, quarter, next_quarter)", market);
        return -1;
    }
    dccd_symbol sym;
    dccd_data_type type;
    if (dccd_symbol_init(&sym, base, quote, mk, &e) || dccd_data_type_from_name(dtype, &type, &e)) {
        PyErr_SetString(PyExc_ValueError, e.msg);
        return -1;
    }
    int64_t sp = 0;
    if (span != Py_None) {
        sp = PyLong_AsLongLong(span);
        if (sp == -1 && PyErr_Occurred())
            return -1;
    }
    if (type == DCCD_OHLC && sp <= 0) {
        PyErr_Format(PyExc_ValueError,
                     "DatasetId %s:%s/%s:ohlc has data_type=OHLC but span is None. "
                     "Set span when constructing the DatasetId.",
                     exchange, sym.base, sym.quote);
        return -1;
    }
    if (type != DCCD_OHLC)
        sp = 0;
    if (dccd_dataset_init(ds, exchange, &sym, type, sp, &e)) {
        PyErr_SetString(PyExc_ValueError, e.msg);
        return -1;
    }
    return 0;
}

static int parse_prov(PyObject *o, dccd_provenance *p, bool *has)
{
    *has = false;
    if (o == Py_None)
        return 0;
    const char *src, *der = NULL;
    PyObject *dero;
    if (!PyArg_ParseTuple(o, "sO", &src, &dero))
        return -1;
    if (dero != Py_None && !(der = PyUnicode_AsUTF8AndSize(dero, NULL)))
        return -1;
    dccd_error e;
    if (dccd_provenance_init(p, src, der, &e)) {
        PyErr_SetString(PyExc_ValueError, e.msg);
        return -1;
    }
    *has = true;
    return 0;
}

/* ---- the store object ---------------------------------------------------- */

#define WARN_KEEP 1000

typedef struct StoreObject {
    PyObject_HEAD
    dccd_store *s;
    module_state *st;
    pthread_mutex_t wmu;
    char **warnings;
    size_t nwarn, capwarn, lost;
} StoreObject;

static void store_warn(void *ctx, const char *message)
{
    StoreObject *so = ctx;
    pthread_mutex_lock(&so->wmu);
    if (so->nwarn >= WARN_KEEP) {
        so->lost++;
    } else {
        if (so->nwarn == so->capwarn) {
            size_t nc = so->capwarn ? so->capwarn * 2 : 8;
            char **nw = realloc(so->warnings, nc * sizeof *nw);
            if (nw) {
                so->warnings = nw;
                so->capwarn = nc;
            }
        }
        char *m = so->nwarn < so->capwarn ? strdup(message) : NULL;
        if (m)
            so->warnings[so->nwarn++] = m;
        else
            so->lost++;
    }
    pthread_mutex_unlock(&so->wmu);
}

static int store_check(StoreObject *so)
{
    if (!so->s) {
        PyErr_SetString(PyExc_RuntimeError, "the store is closed");
        return -1;
    }
    return 0;
}

static int Store_init(PyObject *self, PyObject *args, PyObject *kw)
{
    StoreObject *so = (StoreObject *)self;
    static char *kwlist[] = {"root", "durable", "sync_checkpoint", "codec", "compression_level", "row_group_rows",
                             "checkpoint_rows", "threads", NULL};
    const char *root, *codec = "snappy";
    int durable = 1, sync_cp = 0, level = 0;
    Py_ssize_t rg_rows = 0, cp_rows = 0;
    int threads = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "s|ppsinni", kwlist, &root, &durable, &sync_cp, &codec, &level,
                                     &rg_rows, &cp_rows, &threads))
        return -1;
    if (so->s) {
        PyErr_SetString(PyExc_RuntimeError, "Store already initialised");
        return -1;
    }
    dccd_store_options o;
    dccd_store_options_init(&o);
    dccd_error e;
    if (dccd_pq_codec_parse(codec, &o.codec, &e)) {
        PyErr_SetString(PyExc_ValueError, e.msg);
        return -1;
    }
    o.durable = durable;
    o.sync_checkpoint = sync_cp;
    o.compression_level = level;
    if (rg_rows > 0)
        o.row_group_rows = (size_t)rg_rows;
    if (cp_rows > 0)
        o.checkpoint_rows = cp_rows;
    if (threads < 0) {
        PyErr_SetString(PyExc_ValueError, "threads must be >= 0 (0 = every online CPU)");
        return -1;
    }
    o.threads = threads;
    o.warn = store_warn;
    o.warn_ctx = so;
    int rc;
    dccd_store *s = NULL;
    Py_BEGIN_ALLOW_THREADS
    rc = dccd_store_open(root, &o, &s, &e);
    Py_END_ALLOW_THREADS
    if (rc) {
        raise_dccd(so->st, &e);
        return -1;
    }
    so->s = s;
    return 0;
}

static PyObject *Store_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    (void)args;
    (void)kw;
    allocfunc alloc = (allocfunc)PyType_GetSlot(type, Py_tp_alloc);
    StoreObject *so = (StoreObject *)alloc(type, 0);
    if (!so)
        return NULL;
    so->s = NULL;
    so->warnings = NULL;
    so->nwarn = so->capwarn = so->lost = 0;
    pthread_mutex_init(&so->wmu, NULL);
    PyObject *mod = PyType_GetModule(type);
    so->st = mod ? state_of_module(mod) : NULL;
    if (!so->st) {
        Py_DECREF(so);
        return NULL;
    }
    return (PyObject *)so;
}

static void free_warnings(StoreObject *so)
{
    for (size_t i = 0; i < so->nwarn; i++)
        free(so->warnings[i]);
    free(so->warnings);
    so->warnings = NULL;
    so->nwarn = so->capwarn = 0;
}

static void Store_dealloc(PyObject *self)
{
    StoreObject *so = (StoreObject *)self;
    PyTypeObject *tp = Py_TYPE(self);
    if (so->s) {
        /* open scan streams keep their own reference; their warnings go to
         * stderr once the Python object is gone */
        dccd_store *s = so->s;
        so->s = NULL;
        Py_BEGIN_ALLOW_THREADS
        dccd_store_close(s);
        Py_END_ALLOW_THREADS
    }
    free_warnings(so);
    pthread_mutex_destroy(&so->wmu);
    freefunc f = (freefunc)PyType_GetSlot(tp, Py_tp_free);
    f(self);
    Py_DECREF(tp);
}

static PyObject *Store_close(PyObject *self, PyObject *unused)
{
    (void)unused;
    StoreObject *so = (StoreObject *)self;
    if (so->s) {
        dccd_store *s = so->s;
        so->s = NULL;
        Py_BEGIN_ALLOW_THREADS
        dccd_store_close(s);
        Py_END_ALLOW_THREADS
    }
    Py_RETURN_NONE;
}

static PyObject *Store_take_warnings(PyObject *self, PyObject *unused)
{
    (void)unused;
    StoreObject *so = (StoreObject *)self;
    pthread_mutex_lock(&so->wmu);
    char **w = so->warnings;
    size_t n = so->nwarn, lost = so->lost;
    so->warnings = NULL;
    so->nwarn = so->capwarn = so->lost = 0;
    pthread_mutex_unlock(&so->wmu);
    PyObject *list = PyList_New(0);
    for (size_t i = 0; i < n; i++) {
        if (list) {
            PyObject *u = PyUnicode_DecodeUTF8(w[i], (Py_ssize_t)strlen(w[i]), "replace");
            if (!u || PyList_Append(list, u) < 0)
                Py_CLEAR(list);
            Py_XDECREF(u);
        }
        free(w[i]);
    }
    free(w);
    if (list && lost) {
        PyObject *u = PyUnicode_FromFormat("%zu more warnings were dropped", lost);
        if (!u || PyList_Append(list, u) < 0)
            Py_CLEAR(list);
        Py_XDECREF(u);
    }
    return list;
}

/* ---- records -> columns ------------------------------------------------------ */

/* A growable column being filled from Python objects. */
typedef struct colbuf {
    dccd_pq_column *c;
    size_t cap;        /* rows */
    size_t dcap;       /* string bytes */
} colbuf;

static int col_reserve(colbuf *b, size_t rows)
{
    dccd_pq_column *c = b->c;
    if (rows <= b->cap)
        return 0;
    size_t nc = b->cap ? b->cap : 64;
    while (nc < rows)
        nc *= 2;
    if (c->type == DCCD_PQ_BYTE_ARRAY) {
        int64_t *o = realloc(c->offsets, (nc + 1) * sizeof *o);
        if (!o)
            return -1;
        if (!c->offsets)
            o[0] = 0;
        c->offsets = o;
    } else {
        size_t w = c->type == DCCD_PQ_BOOLEAN ? 1 : 8;
        void *v = realloc(c->values, nc * w);
        if (!v)
            return -1;
        c->values = v;
    }
    if (c->validity) {
        uint8_t *v = realloc(c->validity, nc);
        if (!v)
            return -1;
        c->validity = v;
    }
    b->cap = nc;
    return 0;
}

/* Mark row i null (the column gets a validity array, all 1 before i). */
static int col_null(colbuf *b, size_t i)
{
    dccd_pq_column *c = b->c;
    if (!c->validity) {
        c->validity = malloc(b->cap ? b->cap : 1);
        if (!c->validity)
            return -1;
        memset(c->validity, 1, b->cap ? b->cap : 1);
    }
    c->validity[i] = 0;
    c->null_count++;
    return 0;
}

static void col_valid(colbuf *b, size_t i)
{
    if (b->c->validity)
        b->c->validity[i] = 1;
}

static int col_str(colbuf *b, size_t i, const char *p, size_t len)
{
    dccd_pq_column *c = b->c;
    size_t at = (size_t)c->offsets[i];
    if (at + len > b->dcap) {
        size_t nc = b->dcap ? b->dcap : 256;
        while (nc < at + len)
            nc *= 2;
        uint8_t *d = realloc(c->data, nc);
        if (!d)
            return -1;
        c->data = d;
        b->dcap = nc;
    }
    if (len)
        memcpy(c->data + at, p, len);
    c->offsets[i + 1] = (int64_t)(at + len);
    return 0;
}

typedef struct conv {
    module_state *st;
    size_t rec;          /* record index for messages */
    const char *what;    /* record kind */
} conv;

/* Attribute (or dict item) of a record: new reference, NULL with *missing
 * when absent (no exception set), NULL with an exception on error. */
static PyObject *field(PyObject *rec, PyObject *name, bool *missing)
{
    *missing = false;
    if (PyDict_Check(rec)) {
        PyObject *v = PyDict_GetItemWithError(rec, name);
        if (!v) {
            if (PyErr_Occurred())
                return NULL;
            *missing = true;
            return NULL;
        }
        Py_INCREF(v);
        return v;
    }
    PyObject *v = PyObject_GetAttr(rec, name);
    if (!v && PyErr_ExceptionMatches(PyExc_AttributeError)) {
        PyErr_Clear();
        *missing = true;
    }
    return v;
}

/* The pending exception's value (new reference), the error indicator
 * cleared; NULL when none. */
static PyObject *take_exception(void)
{
    if (!PyErr_Occurred())
        return NULL;
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    Py_XDECREF(type);
    Py_XDECREF(tb);
    return value;
}

static int bad_field(conv *cv, PyObject *name, const char *why)
{
    PyObject *exc = take_exception();
    if (exc) {
        PyObject *s = PyObject_Str(exc);
        const char *t = s ? PyUnicode_AsUTF8AndSize(s, NULL) : NULL;
        if (!t)
            PyErr_Clear();
        PyErr_Format(PyExc_ValueError, "%s %zu, field '%U': %s (%s)", cv->what, cv->rec, name, why, t ? t : "?");
        Py_XDECREF(s);
        Py_DECREF(exc);
    } else {
        PyErr_Format(PyExc_ValueError, "%s %zu, field '%U': %s", cv->what, cv->rec, name, why);
    }
    return -1;
}

/* Row `row` of the column made null (a zero slot, an empty string range). */
static int set_null(colbuf *b, size_t row)
{
    dccd_pq_column *c = b->c;
    if (c->type == DCCD_PQ_BYTE_ARRAY)
        c->offsets[row + 1] = c->offsets[row];
    else
        memset((uint8_t *)c->values + row * (c->type == DCCD_PQ_BOOLEAN ? 1 : 8), 0,
               c->type == DCCD_PQ_BOOLEAN ? 1 : 8);
    if (col_null(b, row)) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* A field's value (new reference), or NULL with *rc: 0 when the field is
 * absent or None and the column may be null (the row was made null), -1
 * with a ValueError naming the record and field otherwise. */
static PyObject *field_value(conv *cv, PyObject *rec, PyObject *name, colbuf *b, size_t row, bool required, int *rc)
{
    bool missing;
    PyObject *v = field(rec, name, &missing);
    *rc = 0;
    if (!v && !missing) {
        *rc = bad_field(cv, name, "cannot be read");
        return NULL;
    }
    if (v && v != Py_None)
        return v;
    Py_XDECREF(v);
    *rc = required ? bad_field(cv, name, missing ? "is missing" : "must not be None") : set_null(b, row);
    return NULL;
}

static int put_i64(conv *cv, PyObject *rec, PyObject *name, colbuf *b, size_t row, bool required)
{
    int rc;
    PyObject *v = field_value(cv, rec, name, b, row, required, &rc);
    if (!v)
        return rc;
    if (PyFloat_Check(v) || PyUnicode_Check(v) || PyBool_Check(v)) {
        Py_DECREF(v);
        return bad_field(cv, name, "must be an integer");
    }
    long long x = PyLong_AsLongLong(v);
    Py_DECREF(v);
    if (x == -1 && PyErr_Occurred())
        return bad_field(cv, name, "must be an int64 integer");
    ((int64_t *)b->c->values)[row] = x;
    col_valid(b, row);
    return 0;
}

static int put_f64(conv *cv, PyObject *rec, PyObject *name, colbuf *b, size_t row, bool required)
{
    int rc;
    PyObject *v = field_value(cv, rec, name, b, row, required, &rc);
    if (!v)
        return rc;
    if (PyUnicode_Check(v) || PyBool_Check(v)) {
        Py_DECREF(v);
        return bad_field(cv, name, "must be a number");
    }
    double x = PyFloat_AsDouble(v);
    Py_DECREF(v);
    if (x == -1.0 && PyErr_Occurred())
        return bad_field(cv, name, "must be a number");
    ((double *)b->c->values)[row] = x;
    col_valid(b, row);
    return 0;
}

/* A string field: str, an enum (its .value), an int (trade ids), or None. */
static int put_str(conv *cv, PyObject *rec, PyObject *name, colbuf *b, size_t row, bool required)
{
    int rc;
    PyObject *v = field_value(cv, rec, name, b, row, required, &rc);
    if (!v)
        return rc;
    if (!PyUnicode_Check(v)) {
        PyObject *inner = PyObject_GetAttr(v, cv->st->s_value); /* enum member */
        if (inner && PyUnicode_Check(inner)) {
            Py_DECREF(v);
            v = inner;
        } else {
            Py_XDECREF(inner);
            PyErr_Clear();
            if (PyLong_Check(v) && !PyBool_Check(v)) {
                PyObject *s = PyObject_Str(v);
                Py_DECREF(v);
                if (!s)
                    return bad_field(cv, name, "cannot be converted to text");
                v = s;
            } else {
                Py_DECREF(v);
                return bad_field(cv, name, "must be a string or None");
            }
        }
    }
    Py_ssize_t len;
    const char *p = PyUnicode_AsUTF8AndSize(v, &len);
    if (!p) {
        Py_DECREF(v);
        return bad_field(cv, name, "is not valid text");
    }
    rc = col_str(b, row, p, (size_t)len);
    Py_DECREF(v);
    if (rc)
        PyErr_NoMemory();
    else
        col_valid(b, row);
    return rc;
}

/* Roll back a row that failed half-way (drop mode): undo string ends. */
static void undo_row(colbuf *bufs, int ncols, size_t row)
{
    for (int c = 0; c < ncols; c++) {
        dccd_pq_column *col = bufs[c].c;
        if (col->validity && !col->validity[row])
            col->null_count--;
        if (col->validity)
            col->validity[row] = 1;
        if (col->type == DCCD_PQ_BYTE_ARRAY)
            col->offsets[row + 1] = col->offsets[row];
    }
}

static int ohlc_row(conv *cv, module_state *st, PyObject *r, colbuf *b, size_t row)
{
    if (put_i64(cv, r, st->s_ts, &b[0], row, true) || put_f64(cv, r, st->s_open, &b[1], row, true) ||
        put_f64(cv, r, st->s_high, &b[2], row, true) || put_f64(cv, r, st->s_low, &b[3], row, true) ||
        put_f64(cv, r, st->s_close, &b[4], row, true) || put_f64(cv, r, st->s_volume, &b[5], row, true) ||
        put_f64(cv, r, st->s_quote_volume, &b[6], row, false) || put_i64(cv, r, st->s_trades, &b[7], row, false))
        return -1;
    return 0;
}

static int trade_row(conv *cv, module_state *st, PyObject *r, colbuf *b, size_t row)
{
    if (put_i64(cv, r, st->s_ts, &b[0], row, true) || put_f64(cv, r, st->s_price, &b[1], row, true) ||
        put_f64(cv, r, st->s_amount, &b[2], row, true) || put_str(cv, r, st->s_side, &b[3], row, false) ||
        put_str(cv, r, st->s_tid, &b[4], row, false))
        return -1;
    return 0;
}

static size_t sequence_len(PyObject *o)
{
    Py_ssize_t n = PyObject_Length(o);
    if (n < 0) {
        PyErr_Clear();
        return 0;
    }
    return (size_t)n;
}

/* One level: an object with price/amount/count, a dict, or a tuple
 * (price, amount[, count]). */
static int level_row(conv *cv, module_state *st, PyObject *lv, colbuf *b, size_t row, PyObject *ts,
                     const char *side, int snap)
{
    ((int64_t *)b[0].c->values)[row] = PyLong_AsLongLong(ts);
    col_valid(&b[0], row);
    if (col_str(&b[1], row, side, 3))
        return PyErr_NoMemory(), -1;
    col_valid(&b[1], row);
    if (PyTuple_Check(lv) || PyList_Check(lv)) {
        Py_ssize_t n = PyObject_Length(lv);
        if (n < 2 || n > 3)
            return bad_field(cv, st->s_price, "a level tuple must be (price, amount[, count])");
        PyObject *d = PyDict_New();
        if (!d)
            return -1;
        PyObject *names[3] = {st->s_price, st->s_amount, st->s_count};
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *x = PySequence_GetItem(lv, i);
            if (!x || PyDict_SetItem(d, names[i], x) < 0) {
                Py_XDECREF(x);
                Py_DECREF(d);
                return -1;
            }
            Py_DECREF(x);
        }
        int rc = put_f64(cv, d, st->s_price, &b[2], row, true) || put_f64(cv, d, st->s_amount, &b[3], row, true) ||
                 put_i64(cv, d, st->s_count, &b[4], row, false);
        Py_DECREF(d);
        if (rc)
            return -1;
    } else if (put_f64(cv, lv, st->s_price, &b[2], row, true) || put_f64(cv, lv, st->s_amount, &b[3], row, true) ||
               put_i64(cv, lv, st->s_count, &b[4], row, false)) {
        return -1;
    }
    ((uint8_t *)b[5].c->values)[row] = (uint8_t)snap;
    col_valid(&b[5], row);
    return 0;
}

/* Records -> owned table.  *dropped counts records left out (drop_bad). */
static int records_table(module_state *st, dccd_data_type type, PyObject *records, bool drop_bad, dccd_table *t,
                         size_t *dropped, PyObject **first_bad)
{
    *dropped = 0;
    *first_bad = NULL;
    PyObject *seq = PyList_Check(records) ? (Py_INCREF(records), records) : PySequence_List(records);
    if (!seq)
        return -1;
    Py_ssize_t n = PyList_Size(seq);
    dccd_table_init(t, type);
    colbuf bufs[DCCD_MAX_COLS];
    memset(bufs, 0, sizeof bufs);
    for (int c = 0; c < t->ncols; c++)
        bufs[c].c = &t->cols[c];
    conv cv = {st, 0, type == DCCD_OHLC ? "bar" : type == DCCD_TRADES ? "trade" : "snapshot"};
    size_t rows = 0;
    int rc = 0;
    for (int c = 0; c < t->ncols && !rc; c++)
        rc = col_reserve(&bufs[c], (size_t)(n > 0 ? n : 1));
    if (rc) {
        PyErr_NoMemory();
        goto fail;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *r = PyList_GetItem(seq, i); /* borrowed */
        cv.rec = (size_t)i;
        if (type != DCCD_ORDERBOOK) {
            if ((type == DCCD_OHLC ? ohlc_row : trade_row)(&cv, st, r, bufs, rows) == 0) {
                rows++;
                continue;
            }
        } else {
            /* a snapshot: its levels become rows */
            bool missing;
            PyObject *ts = field(r, st->s_ts, &missing);
            PyObject *bids = ts ? field(r, st->s_bids, &missing) : NULL;
            PyObject *asks = bids ? field(r, st->s_asks, &missing) : NULL;
            PyObject *snapo = asks ? field(r, st->s_is_snapshot, &missing) : NULL;
            int snap = 1; /* OrderBookSnapshot.is_snapshot defaults to true */
            int ok = ts && bids && asks && (snapo || missing);
            if (ok && snapo && snapo != Py_None && (snap = PyObject_IsTrue(snapo)) < 0)
                ok = 0;
            long long tsv = ok ? PyLong_AsLongLong(ts) : 0;
            if (ok && tsv == -1 && PyErr_Occurred())
                ok = 0;
            if (ok && (PyFloat_Check(ts) || PyBool_Check(ts)))
                ok = 0;
            size_t start_rows = rows;
            if (ok) {
                size_t need = rows + sequence_len(bids) + sequence_len(asks);
                for (int c = 0; c < t->ncols && ok; c++)
                    if (col_reserve(&bufs[c], need)) {
                        PyErr_NoMemory();
                        Py_XDECREF(ts);
                        Py_XDECREF(bids);
                        Py_XDECREF(asks);
                        Py_XDECREF(snapo);
                        goto fail;
                    }
                for (int sd = 0; sd < 2 && ok; sd++) {
                    PyObject *it = PyObject_GetIter(sd ? asks : bids);
                    if (!it) {
                        ok = 0;
                        break;
                    }
                    PyObject *lv;
                    while (ok && (lv = PyIter_Next(it))) {
                        if (rows >= bufs[0].cap)
                            for (int c = 0; c < t->ncols && ok; c++)
                                if (col_reserve(&bufs[c], rows + 1)) {
                                    PyErr_NoMemory();
                                    ok = 0;
                                }
                        if (ok && level_row(&cv, st, lv, bufs, rows, ts, sd ? "ask" : "bid", snap) == 0)
                            rows++;
                        else
                            ok = 0;
                        Py_DECREF(lv);
                    }
                    Py_DECREF(it);
                    if (PyErr_Occurred())
                        ok = 0;
                }
            } else if (!PyErr_Occurred()) {
                PyErr_Format(PyExc_ValueError, "snapshot %zd: needs ts, bids and asks", i);
            } else if (!PyErr_ExceptionMatches(PyExc_ValueError)) {
                bad_field(&cv, st->s_ts, "cannot be read");
            }
            Py_XDECREF(ts);
            Py_XDECREF(bids);
            Py_XDECREF(asks);
            Py_XDECREF(snapo);
            if (ok)
                continue;
            /* undo the snapshot's rows */
            while (rows > start_rows)
                undo_row(bufs, t->ncols, --rows);
        }
        if (PyErr_ExceptionMatches(PyExc_MemoryError) || !drop_bad)
            goto fail;
        /* drop mode: remember the first reason, skip the record */
        if (!*first_bad) {
            PyObject *exc = take_exception();
            *first_bad = exc ? PyObject_Str(exc) : NULL;
            Py_XDECREF(exc);
            if (!*first_bad)
                PyErr_Clear();
        } else {
            PyErr_Clear();
        }
        if (type != DCCD_ORDERBOOK)
            undo_row(bufs, t->ncols, rows);
        (*dropped)++;
    }
    Py_DECREF(seq);
    t->nrows = rows;
    for (int c = 0; c < t->ncols; c++)
        t->cols[c].n = rows;
    return 0;
fail:
    Py_DECREF(seq);
    t->nrows = 0;
    dccd_table_free(t);
    return -1;
}

static PyObject *save_result(int64_t written, int64_t dropped, PyObject *why)
{
    PyObject *r = Py_BuildValue("(LLO)", (long long)written, (long long)dropped, why ? why : Py_None);
    return r;
}

static PyObject *Store_save_records(PyObject *self, PyObject *args)
{
    StoreObject *so = (StoreObject *)self;
    PyObject *dst, *records, *provo;
    int drop_bad;
    if (store_check(so) || !PyArg_ParseTuple(args, "OOOp", &dst, &records, &provo, &drop_bad))
        return NULL;
    dccd_dataset ds;
    dccd_provenance prov = {NULL, NULL};
    bool has_prov;
    if (parse_dataset(dst, &ds) || parse_prov(provo, &prov, &has_prov))
        return NULL;
    dccd_table t;
    size_t dropped;
    PyObject *why = NULL;
    if (records_table(so->st, ds.type, records, drop_bad, &t, &dropped, &why)) {
        dccd_provenance_free(&prov);
        return NULL;
    }
    int64_t written = 0, ldropped = 0;
    dccd_error e, first;
    dccd_error_clear(&first);
    int rc = DCCD_OK;
    if (t.nrows) {
        Py_BEGIN_ALLOW_THREADS
        rc = dccd_store_save_lenient(so->s, &ds, &t, has_prov ? &prov : NULL, drop_bad, &written, &ldropped, &first,
                                     &e);
        Py_END_ALLOW_THREADS
    }
    dccd_table_free(&t);
    dccd_provenance_free(&prov);
    if (rc) {
        Py_XDECREF(why);
        return raise_dccd(so->st, &e);
    }
    if (!why && first.code)
        why = PyUnicode_FromString(first.msg);
    PyObject *r = save_result(written, (int64_t)dropped + ldropped, why);
    Py_XDECREF(why);
    return r;
}

/* ---- Arrow in ---------------------------------------------------------------- */

/* A schema/array pair moved out of the capsules of __arrow_c_array__. */
typedef struct one_batch {
    struct ArrowSchema schema;
    struct ArrowArray array;
} one_batch;

static PyObject *Store_save_arrow(PyObject *self, PyObject *args)
{
    StoreObject *so = (StoreObject *)self;
    module_state *st = so->st;
    PyObject *dst, *obj, *provo;
    int drop_bad;
    if (store_check(so) || !PyArg_ParseTuple(args, "OOOp", &dst, &obj, &provo, &drop_bad))
        return NULL;
    dccd_dataset ds;
    dccd_provenance prov = {NULL, NULL};
    bool has_prov;
    if (parse_dataset(dst, &ds) || parse_prov(provo, &prov, &has_prov))
        return NULL;
    PyObject *cap = NULL, *caps = NULL;
    struct ArrowArrayStream *stream = NULL;
    one_batch ob;
    memset(&ob, 0, sizeof ob);
    if (PyObject_HasAttr(obj, st->s_arrow_c_stream)) {
        cap = PyObject_CallMethodObjArgs(obj, st->s_arrow_c_stream, NULL);
        if (!cap)
            goto fail;
        stream = PyCapsule_GetPointer(cap, "arrow_array_stream");
        if (!stream)
            goto fail;
    } else if (PyObject_HasAttr(obj, st->s_arrow_c_array)) {
        caps = PyObject_CallMethodObjArgs(obj, st->s_arrow_c_array, NULL);
        if (!caps)
            goto fail;
        PyObject *sc, *ac;
        if (!PyArg_ParseTuple(caps, "OO", &sc, &ac))
            goto fail;
        struct ArrowSchema *sp = PyCapsule_GetPointer(sc, "arrow_schema");
        struct ArrowArray *ap = sp ? PyCapsule_GetPointer(ac, "arrow_array") : NULL;
        if (!ap)
            goto fail;
        /* move both out of their capsules (whose destructors then see
         * release == NULL and do nothing) */
        ob.schema = *sp;
        sp->release = NULL;
        ob.array = *ap;
        ap->release = NULL;
    } else {
        PyErr_SetString(PyExc_TypeError,
                        "cannot save this object: give records, a polars DataFrame, a pyarrow Table or "
                        "RecordBatch, or an object with __arrow_c_stream__ / __arrow_c_array__");
        goto fail;
    }
    int64_t written = 0, dropped = 0;
    dccd_error e, first;
    dccd_error_clear(&first);
    int rc;
    Py_BEGIN_ALLOW_THREADS
    if (stream) {
        rc = dccd_store_save_arrow(so->s, &ds, stream, has_prov ? &prov : NULL, drop_bad, &written, &dropped, &first,
                                   &e);
    } else {
        dccd_table t;
        void *keep = NULL;
        rc = dccd_arrow_import(ds.type, &ob.schema, &ob.array, &t, &keep, &e);
        if (!rc) {
            rc = dccd_store_save_lenient(so->s, &ds, &t, has_prov ? &prov : NULL, drop_bad, &written, &dropped, &first,
                                         &e);
            dccd_arrow_keep_free(keep);
        }
    }
    Py_END_ALLOW_THREADS
    if (ob.array.release)
        ob.array.release(&ob.array);
    if (ob.schema.release)
        ob.schema.release(&ob.schema);
    Py_XDECREF(cap);
    Py_XDECREF(caps);
    dccd_provenance_free(&prov);
    if (rc)
        return raise_dccd(st, &e);
    PyObject *why = first.code ? PyUnicode_FromString(first.msg) : NULL;
    PyObject *r = save_result(written, dropped, why);
    Py_XDECREF(why);
    return r;
fail:
    if (ob.array.release)
        ob.array.release(&ob.array);
    if (ob.schema.release)
        ob.schema.release(&ob.schema);
    Py_XDECREF(cap);
    Py_XDECREF(caps);
    dccd_provenance_free(&prov);
    return NULL;
}

/* ---- Arrow out: the stream object ----------------------------------------------- */

typedef struct StreamObject {
    PyObject_HEAD
    struct ArrowArrayStream stream; /* release NULL once handed out */
    long long type;
} StreamObject;

static void capsule_stream_free(PyObject *cap)
{
    struct ArrowArrayStream *s = PyCapsule_GetPointer(cap, "arrow_array_stream");
    if (!s) {
        PyErr_Clear();
        return;
    }
    if (s->release)
        s->release(s);
    free(s);
}

static PyObject *Stream_arrow_c_stream(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"requested_schema", NULL};
    PyObject *req = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|O", kwlist, &req))
        return NULL;
    (void)req; /* the canonical schema is the only one offered */
    StreamObject *so = (StreamObject *)self;
    if (!so->stream.release) {
        PyErr_SetString(PyExc_RuntimeError, "this dccd stream was already consumed (a load or scan is read once)");
        return NULL;
    }
    struct ArrowArrayStream *s = malloc(sizeof *s);
    if (!s)
        return PyErr_NoMemory();
    *s = so->stream;
    so->stream.release = NULL;
    PyObject *cap = PyCapsule_New(s, "arrow_array_stream", capsule_stream_free);
    if (!cap) {
        s->release(s);
        free(s);
    }
    return cap;
}

static void Stream_dealloc(PyObject *self)
{
    StreamObject *so = (StreamObject *)self;
    PyTypeObject *tp = Py_TYPE(self);
    if (so->stream.release) {
        struct ArrowArrayStream *s = &so->stream;
        Py_BEGIN_ALLOW_THREADS
        s->release(s);
        Py_END_ALLOW_THREADS
    }
    freefunc f = (freefunc)PyType_GetSlot(tp, Py_tp_free);
    f(self);
    Py_DECREF(tp);
}

static PyObject *Stream_close(PyObject *self, PyObject *unused)
{
    (void)unused;
    StreamObject *so = (StreamObject *)self;
    if (so->stream.release) {
        struct ArrowArrayStream *s = &so->stream;
        Py_BEGIN_ALLOW_THREADS
        s->release(s);
        Py_END_ALLOW_THREADS
    }
    Py_RETURN_NONE;
}

static PyObject *new_stream(module_state *st, struct ArrowArrayStream *s)
{
    PyTypeObject *tp = (PyTypeObject *)st->StreamType;
    allocfunc alloc = (allocfunc)PyType_GetSlot(tp, Py_tp_alloc);
    StreamObject *so = (StreamObject *)alloc(tp, 0);
    if (!so) {
        s->release(s);
        return NULL;
    }
    so->stream = *s;
    return (PyObject *)so;
}

static int parse_range(PyObject *a, PyObject *b, int64_t *start, int64_t *end)
{
    *start = DCCD_TS_MIN;
    *end = DCCD_TS_MAX;
    if (a != Py_None && (*start = PyLong_AsLongLong(a)) == -1 && PyErr_Occurred())
        return -1;
    if (b != Py_None && (*end = PyLong_AsLongLong(b)) == -1 && PyErr_Occurred())
        return -1;
    return 0;
}

static PyObject *Store_load(PyObject *self, PyObject *args)
{
    StoreObject *so = (StoreObject *)self;
    PyObject *dst, *a, *b;
    if (store_check(so) || !PyArg_ParseTuple(args, "OOO", &dst, &a, &b))
        return NULL;
    dccd_dataset ds;
    int64_t start, end;
    if (parse_dataset(dst, &ds) || parse_range(a, b, &start, &end))
        return NULL;
    struct ArrowArrayStream s;
    dccd_error e;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = dccd_store_load_arrow(so->s, &ds, start, end, &s, &e);
    Py_END_ALLOW_THREADS
    if (rc)
        return raise_dccd(so->st, &e);
    return new_stream(so->st, &s);
}

static PyObject *Store_scan(PyObject *self, PyObject *args)
{
    StoreObject *so = (StoreObject *)self;
    PyObject *dst, *a, *b;
    unsigned int readahead = 2;
    if (store_check(so) || !PyArg_ParseTuple(args, "OOO|I", &dst, &a, &b, &readahead))
        return NULL;
    dccd_dataset ds;
    int64_t start, end;
    if (parse_dataset(dst, &ds) || parse_range(a, b, &start, &end))
        return NULL;
    struct ArrowArrayStream s;
    dccd_error e;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = dccd_store_scan_arrow(so->s, &ds, start, end, readahead, &s, &e);
    Py_END_ALLOW_THREADS
    if (rc)
        return raise_dccd(so->st, &e);
    return new_stream(so->st, &s);
}

/* ---- footer questions --------------------------------------------------------- */

static PyObject *Store_last_timestamp(PyObject *self, PyObject *args)
{
    StoreObject *so = (StoreObject *)self;
    PyObject *dst;
    if (store_check(so) || !PyArg_ParseTuple(args, "O", &dst))
        return NULL;
    dccd_dataset ds;
    if (parse_dataset(dst, &ds))
        return NULL;
    bool found = false;
    int64_t ts = 0;
    dccd_error e;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = dccd_store_last_timestamp(so->s, &ds, &found, &ts, &e);
    Py_END_ALLOW_THREADS
    if (rc)
        return raise_dccd(so->st, &e);
    if (!found)
        Py_RETURN_NONE;
    return PyLong_FromLongLong(ts);
}

static PyObject *intervals_list(dccd_interval *v, size_t n)
{
    PyObject *l = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; l && i < n; i++) {
        PyObject *t = Py_BuildValue("(LL)", (long long)v[i].start, (long long)v[i].end);
        if (!t || PyList_SetItem(l, (Py_ssize_t)i, t) < 0)
            Py_CLEAR(l);
    }
    free(v);
    return l;
}

static PyObject *Store_missing_intervals(PyObject *self, PyObject *args)
{
    StoreObject *so = (StoreObject *)self;
    PyObject *dst;
    long long a, b;
    if (store_check(so) || !PyArg_ParseTuple(args, "OLL", &dst, &a, &b))
        return NULL;
    dccd_dataset ds;
    if (parse_dataset(dst, &ds))
        return NULL;
    dccd_interval *v = NULL;
    size_t n = 0;
    dccd_error e;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = dccd_store_missing_intervals(so->s, &ds, a, b, &v, &n, &e);
    Py_END_ALLOW_THREADS
    if (rc)
        return raise_dccd(so->st, &e);
    return intervals_list(v, n);
}

static PyObject *Store_holes(PyObject *self, PyObject *args)
{
    StoreObject *so = (StoreObject *)self;
    PyObject *dst, *a, *b;
    long long gap;
    if (store_check(so) || !PyArg_ParseTuple(args, "OOOL", &dst, &a, &b, &gap))
        return NULL;
    dccd_dataset ds;
    int64_t start, end;
    if (parse_dataset(dst, &ds) || parse_range(a, b, &start, &end))
        return NULL;
    dccd_interval *v = NULL;
    size_t n = 0;
    dccd_error e;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = dccd_store_holes(so->s, &ds, start, end, gap, &v, &n, &e);
    Py_END_ALLOW_THREADS
    if (rc)
        return raise_dccd(so->st, &e);
    return intervals_list(v, n);
}

static PyObject *Store_inventory(PyObject *self, PyObject *unused)
{
    (void)unused;
    StoreObject *so = (StoreObject *)self;
    if (store_check(so))
        return NULL;
    dccd_inventory_entry *v = NULL;
    size_t n = 0;
    dccd_error e;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = dccd_store_inventory(so->s, &v, &n, &e);
    Py_END_ALLOW_THREADS
    if (rc)
        return raise_dccd(so->st, &e);
    PyObject *l = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; l && i < n; i++) {
        const dccd_inventory_entry *x = &v[i];
        PyObject *span = x->type != DCCD_OHLC || x->span < 0 ? (Py_INCREF(Py_None), Py_None)
                                                            : PyLong_FromLongLong(x->span);
        PyObject *mn = x->has_ts ? PyLong_FromLongLong(x->min_ts) : (Py_INCREF(Py_None), Py_None);
        PyObject *mx = x->has_ts ? PyLong_FromLongLong(x->max_ts) : (Py_INCREF(Py_None), Py_None);
        PyObject *t = span && mn && mx
                          ? Py_BuildValue("(sssOnLOOnLL)", x->exchange, x->pair, dccd_data_type_name(x->type), span,
                                          (Py_ssize_t)x->files, (long long)x->rows, mn, mx,
                                          (Py_ssize_t)x->pending_segments, (long long)x->pending_rows,
                                          (long long)x->bytes)
                          : NULL;
        Py_XDECREF(span);
        Py_XDECREF(mn);
        Py_XDECREF(mx);
        if (!t || PyList_SetItem(l, (Py_ssize_t)i, t) < 0)
            Py_CLEAR(l);
    }
    free(v);
    return l;
}

static PyObject *Store_checkpoint(PyObject *self, PyObject *args)
{
    StoreObject *so = (StoreObject *)self;
    PyObject *dst = Py_None;
    if (store_check(so) || !PyArg_ParseTuple(args, "|O", &dst))
        return NULL;
    dccd_dataset ds;
    if (dst != Py_None && parse_dataset(dst, &ds))
        return NULL;
    dccd_checkpoint_report rep;
    memset(&rep, 0, sizeof rep);
    dccd_error e;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = dccd_store_checkpoint(so->s, dst == Py_None ? NULL : &ds, &rep, &e);
    Py_END_ALLOW_THREADS
    if (rc)
        return raise_dccd(so->st, &e);
    return Py_BuildValue("{s:n,s:n,s:L,s:n,s:n}", "periods", (Py_ssize_t)rep.periods, "segments",
                         (Py_ssize_t)rep.segments, "rows", (long long)rep.rows, "row_groups_copied",
                         (Py_ssize_t)rep.row_groups_copied, "row_groups_rewritten", (Py_ssize_t)rep.row_groups_rewritten);
}

typedef struct problems {
    char **path, **msg;
    size_t n, cap;
    bool oom;
} problems;

static void verify_cb(void *ctx, const char *path, const char *message)
{
    problems *p = ctx;
    if (!message || p->oom)
        return;
    if (p->n == p->cap) {
        size_t nc = p->cap ? p->cap * 2 : 16;
        char **a = realloc(p->path, nc * sizeof *a);
        if (a)
            p->path = a;
        char **b = a ? realloc(p->msg, nc * sizeof *b) : NULL;
        if (b)
            p->msg = b;
        if (!a || !b) {
            p->oom = true;
            return;
        }
        p->cap = nc;
    }
    p->path[p->n] = strdup(path);
    p->msg[p->n] = strdup(message);
    if (!p->path[p->n] || !p->msg[p->n]) {
        free(p->path[p->n]);
        free(p->msg[p->n]);
        p->oom = true;
        return;
    }
    p->n++;
}

static PyObject *Store_verify(PyObject *self, PyObject *args)
{
    StoreObject *so = (StoreObject *)self;
    PyObject *dst = Py_None;
    if (store_check(so) || !PyArg_ParseTuple(args, "|O", &dst))
        return NULL;
    dccd_dataset ds;
    if (dst != Py_None && parse_dataset(dst, &ds))
        return NULL;
    dccd_verify_report rep;
    memset(&rep, 0, sizeof rep);
    problems pr = {NULL, NULL, 0, 0, false};
    dccd_error e;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = dccd_store_verify(so->s, dst == Py_None ? NULL : &ds, verify_cb, &pr, &rep, &e);
    Py_END_ALLOW_THREADS
    PyObject *list = rc || pr.oom ? NULL : PyList_New(0);
    for (size_t i = 0; i < pr.n; i++) {
        if (list) {
            PyObject *t = Py_BuildValue("(ss)", pr.path[i], pr.msg[i]);
            if (!t || PyList_Append(list, t) < 0)
                Py_CLEAR(list);
            Py_XDECREF(t);
        }
        free(pr.path[i]);
        free(pr.msg[i]);
    }
    free(pr.path);
    free(pr.msg);
    if (rc)
        return raise_dccd(so->st, &e);
    if (pr.oom)
        return PyErr_NoMemory();
    if (!list)
        return NULL;
    PyObject *r = Py_BuildValue("{s:n,s:n,s:L,s:O}", "files", (Py_ssize_t)rep.files, "segments",
                                (Py_ssize_t)rep.segments, "rows", (long long)rep.rows, "problems", list);
    Py_DECREF(list);
    return r;
}

static PyObject *Store_directory(PyObject *self, PyObject *args)
{
    StoreObject *so = (StoreObject *)self;
    PyObject *dst;
    int create = 1;
    if (store_check(so) || !PyArg_ParseTuple(args, "O|p", &dst, &create))
        return NULL;
    dccd_dataset ds;
    if (parse_dataset(dst, &ds))
        return NULL;
    char buf[4096 + DCCD_DATASET_TEXT_MAX];
    dccd_error e;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = dccd_store_directory(so->s, &ds, create, buf, sizeof buf, &e);
    Py_END_ALLOW_THREADS
    if (rc)
        return raise_dccd(so->st, &e);
    return PyUnicode_DecodeFSDefault(buf);
}

/* The records-to-columns step of save_records alone (benchmarks, tests):
 * the rows it built, and the records it would drop. */
static PyObject *mod_convert_records(PyObject *mod, PyObject *args)
{
    const char *name;
    PyObject *records;
    int drop_bad = 0;
    if (!PyArg_ParseTuple(args, "sO|p", &name, &records, &drop_bad))
        return NULL;
    dccd_data_type type;
    dccd_error e;
    if (dccd_data_type_from_name(name, &type, &e)) {
        PyErr_SetString(PyExc_ValueError, e.msg);
        return NULL;
    }
    dccd_table t;
    size_t dropped;
    PyObject *why = NULL;
    if (records_table(state_of_module(mod), type, records, drop_bad, &t, &dropped, &why))
        return NULL;
    Py_XDECREF(why);
    size_t rows = t.nrows;
    dccd_table_free(&t);
    return Py_BuildValue("(nn)", (Py_ssize_t)rows, (Py_ssize_t)dropped);
}

static void capsule_schema_free(PyObject *cap)
{
    struct ArrowSchema *s = PyCapsule_GetPointer(cap, "arrow_schema");
    if (!s) {
        PyErr_Clear();
        return;
    }
    if (s->release)
        s->release(s);
    free(s);
}

static PyObject *mod_arrow_schema(PyObject *mod, PyObject *args)
{
    (void)mod;
    const char *name;
    if (!PyArg_ParseTuple(args, "s", &name))
        return NULL;
    dccd_data_type type;
    dccd_error e;
    if (dccd_data_type_from_name(name, &type, &e)) {
        PyErr_SetString(PyExc_ValueError, e.msg);
        return NULL;
    }
    struct ArrowSchema *s = malloc(sizeof *s);
    if (!s)
        return PyErr_NoMemory();
    if (dccd_arrow_schema(type, s, &e)) {
        free(s);
        return PyErr_NoMemory();
    }
    PyObject *cap = PyCapsule_New(s, "arrow_schema", capsule_schema_free);
    if (!cap) {
        s->release(s);
        free(s);
    }
    return cap;
}

static PyObject *mod_read_provenance(PyObject *mod, PyObject *args)
{
    PyObject *patho;
    if (!PyArg_ParseTuple(args, "O&", PyUnicode_FSConverter, &patho))
        return NULL;
    const char *path = PyBytes_AsString(patho);
    if (!path) {
        Py_DECREF(patho);
        return NULL;
    }
    dccd_provenance p = {NULL, NULL};
    bool found = false;
    dccd_error e;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = dccd_read_provenance(path, &p, &found, &e);
    Py_END_ALLOW_THREADS
    Py_DECREF(patho);
    if (rc)
        return raise_dccd(state_of_module(mod), &e);
    if (!found)
        Py_RETURN_NONE;
    PyObject *r = Py_BuildValue("(sz)", p.source, p.derived_from);
    dccd_provenance_free(&p);
    return r;
}

/* ---- type and module definitions ---------------------------------------------- */

static PyMethodDef Store_methods[] = {
    {"save_records", Store_save_records, METH_VARARGS, "save_records(ds, records, prov, drop_bad) -> (rows, dropped, why)"},
    {"save_arrow", Store_save_arrow, METH_VARARGS, "save_arrow(ds, obj, prov, drop_bad) -> (rows, dropped, why)"},
    {"load", Store_load, METH_VARARGS, "load(ds, start, end) -> ArrowStream of the rows, read now"},
    {"scan", Store_scan, METH_VARARGS, "scan(ds, start, end[, readahead]) -> ArrowStream read as it is consumed"},
    {"last_timestamp", Store_last_timestamp, METH_VARARGS, "last_timestamp(ds) -> int | None"},
    {"missing_intervals", Store_missing_intervals, METH_VARARGS, "missing_intervals(ds, start, end) -> list"},
    {"holes", Store_holes, METH_VARARGS, "holes(ds, start, end, min_gap_ns) -> list"},
    {"inventory", Store_inventory, METH_NOARGS, "inventory() -> list of tuples"},
    {"checkpoint", Store_checkpoint, METH_VARARGS, "checkpoint([ds]) -> dict"},
    {"verify", Store_verify, METH_VARARGS, "verify([ds]) -> dict"},
    {"directory", Store_directory, METH_VARARGS, "directory(ds[, create]) -> str"},
    {"take_warnings", Store_take_warnings, METH_NOARGS, "take_warnings() -> list of str"},
    {"close", Store_close, METH_NOARGS, "close the handle"},
    {NULL, NULL, 0, NULL}};

static PyType_Slot Store_slots[] = {{Py_tp_new, Store_new},
                                    {Py_tp_init, Store_init},
                                    {Py_tp_dealloc, Store_dealloc},
                                    {Py_tp_methods, Store_methods},
                                    {Py_tp_doc, "A libdccd store handle (use dccd_store.ParquetStore)."},
                                    {0, NULL}};

static PyType_Spec Store_spec = {"dccd_store._core.Store", sizeof(StoreObject), 0, Py_TPFLAGS_DEFAULT, Store_slots};

static PyMethodDef Stream_methods[] = {
    {"__arrow_c_stream__", (PyCFunction)(void (*)(void))Stream_arrow_c_stream, METH_VARARGS | METH_KEYWORDS,
     "Hand the stream out as an 'arrow_array_stream' PyCapsule (once)."},
    {"close", Stream_close, METH_NOARGS, "Release the stream (stops a scan's reader)."},
    {NULL, NULL, 0, NULL}};

static PyType_Slot Stream_slots[] = {{Py_tp_dealloc, Stream_dealloc},
                                     {Py_tp_methods, Stream_methods},
                                     {Py_tp_doc, "Rows of a load or scan as an Arrow C stream."},
                                     {0, NULL}};

static PyType_Spec Stream_spec = {"dccd_store._core.ArrowStream", sizeof(StreamObject), 0, Py_TPFLAGS_DEFAULT,
                                  Stream_slots};

static PyMethodDef module_methods[] = {
    {"read_provenance", mod_read_provenance, METH_VARARGS, "read_provenance(path) -> (source, derived_from) | None"},
    {"arrow_schema", mod_arrow_schema, METH_VARARGS, "arrow_schema(data_type) -> 'arrow_schema' PyCapsule"},
    {"convert_records", mod_convert_records, METH_VARARGS,
     "convert_records(data_type, records[, drop_bad]) -> (rows, dropped): the records-to-columns step alone"},
    {NULL, NULL, 0, NULL}};

static int intern(PyObject **slot, const char *s)
{
    *slot = PyUnicode_InternFromString(s);
    return *slot ? 0 : -1;
}

static int module_exec(PyObject *m)
{
    module_state *st = state_of_module(m);
    if (intern(&st->s_ts, "ts") || intern(&st->s_open, "open") || intern(&st->s_high, "high") ||
        intern(&st->s_low, "low") || intern(&st->s_close, "close") || intern(&st->s_volume, "volume") ||
        intern(&st->s_quote_volume, "quote_volume") || intern(&st->s_trades, "trades") ||
        intern(&st->s_price, "price") || intern(&st->s_amount, "amount") || intern(&st->s_side, "side") ||
        intern(&st->s_tid, "tid") || intern(&st->s_bids, "bids") || intern(&st->s_asks, "asks") ||
        intern(&st->s_count, "count") || intern(&st->s_is_snapshot, "is_snapshot") ||
        intern(&st->s_value, "value") || intern(&st->s_arrow_c_stream, "__arrow_c_stream__") ||
        intern(&st->s_arrow_c_array, "__arrow_c_array__"))
        return -1;
    st->StoreType = PyType_FromModuleAndSpec(m, &Store_spec, NULL);
    st->StreamType = PyType_FromModuleAndSpec(m, &Stream_spec, NULL);
    st->CorruptFileError = PyErr_NewExceptionWithDoc(
        "dccd_store.CorruptFileError",
        "A Parquet file of the store is truncated, malformed or fails its checksum (an OSError).", PyExc_OSError,
        NULL);
    if (!st->StoreType || !st->StreamType || !st->CorruptFileError)
        return -1;
    if (PyModule_AddObjectRef(m, "Store", st->StoreType) < 0 ||
        PyModule_AddObjectRef(m, "ArrowStream", st->StreamType) < 0 ||
        PyModule_AddObjectRef(m, "CorruptFileError", st->CorruptFileError) < 0)
        return -1;
    return 0;
}

static int module_traverse(PyObject *m, visitproc visit, void *arg)
{
    module_state *st = state_of_module(m);
    Py_VISIT(st->StoreType);
    Py_VISIT(st->StreamType);
    Py_VISIT(st->CorruptFileError);
    return 0;
}

static int module_clear(PyObject *m)
{
    module_state *st = state_of_module(m);
    Py_CLEAR(st->StoreType);
    Py_CLEAR(st->StreamType);
    Py_CLEAR(st->CorruptFileError);
    PyObject **names[] = {&st->s_ts, &st->s_open, &st->s_high, &st->s_low, &st->s_close, &st->s_volume,
                          &st->s_quote_volume, &st->s_trades, &st->s_price, &st->s_amount, &st->s_side,
                          &st->s_tid, &st->s_bids, &st->s_asks, &st->s_count, &st->s_is_snapshot, &st->s_value,
                          &st->s_arrow_c_stream, &st->s_arrow_c_array};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        Py_CLEAR(*names[i]);
    return 0;
}

static PyModuleDef_Slot module_slots[] = {{Py_mod_exec, module_exec}, {0, NULL}};

static struct PyModuleDef module_def = {PyModuleDef_HEAD_INIT,
                                        "_core",
                                        "libdccd bound to CPython (see dccd_store).",
                                        sizeof(module_state),
                                        module_methods,
                                        module_slots,
                                        module_traverse,
                                        module_clear,
                                        NULL};

PyMODINIT_FUNC PyInit__core(void);
PyMODINIT_FUNC PyInit__core(void)
{
    return PyModuleDef_Init(&module_def);
}
