"""Memory: scan streams a large dataset in bounded memory, 10,000 calls leak
nothing, and load's fixed-width columns reach pyarrow and polars without a
copy (the buffer libdccd exported is the buffer they use)."""
from __future__ import annotations

import ctypes
import gc
import os

import polars as pl
import pyarrow as pa
import pytest

import dccd_store as d

T2020 = 1_577_836_800 * d.NS
MIN = 60 * d.NS


def rss_kib(field: str = "VmRSS") -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field)


def reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """Three years of one-minute bars (1.58M rows, ~100 MB decoded), in row groups of
    131,072 rows: the bound checked is "a few row groups, never the data", so the row
    groups are chosen small against the data (the default, 262,144, would need a
    dataset twice the size)."""
    root = tmp_path_factory.mktemp("big")
    s = d.ParquetStore(root, durable=False, row_group_rows=131_072)
    ds = d.DatasetId("binance", d.Symbol("BTC", "USDT"), d.DataType.OHLC, 60)
    n = 3 * 525_600
    ts = pl.int_range(0, n, eager=True) * MIN + T2020
    x = pl.int_range(0, n, eager=True).cast(pl.Float64)
    s.save(ds, pl.DataFrame({"TS": ts, "open": x, "high": x + 1, "low": x - 1, "close": x, "volume": x,
                             "quote_volume": x, "trades": pl.int_range(0, n, eager=True)}))
    s.checkpoint()
    del ts, x
    gc.collect()
    return s, ds, n


def test_scan_memory_is_bounded(big):
    s, ds, n = big
    gc.collect()
    base = rss_kib()
    reset_peak()
    rows = 0
    last = None
    reader = pa.RecordBatchReader.from_stream(s.scan(ds))
    for b in reader:
        rows += b.num_rows
        ts = b.column(0)
        assert last is None or ts[0].as_py() > last
        last = ts[-1].as_py()
        del b, ts
    peak = rss_kib("VmHWM") - base
    assert rows == n
    full = n * 8 * 8 / 1024  # KiB of the decoded table
    # a few row groups (131,072 rows, ~8 MiB each) decoded ahead, never the whole
    assert peak < full / 3, (peak, full)


def test_load_holds_one_copy(big):
    s, ds, n = big
    gc.collect()
    base = rss_kib()
    reset_peak()
    df = s.load(ds)
    peak = rss_kib("VmHWM") - base
    assert df.height == n
    full = n * 8 * 8 / 1024
    # no second copy of the columns on the way to polars (validity/bitmaps aside)
    assert peak < 1.6 * full, (peak, full)
    del df


class ArrowArrayStream(ctypes.Structure):
    pass


class ArrowArray(ctypes.Structure):
    pass


ArrowArray._fields_ = [("length", ctypes.c_int64), ("null_count", ctypes.c_int64), ("offset", ctypes.c_int64),
                       ("n_buffers", ctypes.c_int64), ("n_children", ctypes.c_int64),
                       ("buffers", ctypes.POINTER(ctypes.c_void_p)),
                       ("children", ctypes.POINTER(ctypes.POINTER(ArrowArray))),
                       ("dictionary", ctypes.POINTER(ArrowArray)), ("release", ctypes.c_void_p),
                       ("private_data", ctypes.c_void_p)]
ArrowArrayStream._fields_ = [("get_schema", ctypes.c_void_p), ("get_next", ctypes.c_void_p),
                             ("get_last_error", ctypes.c_void_p), ("release", ctypes.c_void_p),
                             ("private_data", ctypes.c_void_p)]


def test_fixed_width_columns_are_not_copied(tmp_path):
    """The buffer libdccd exports is the one pyarrow and polars end up using."""
    s = d.ParquetStore(tmp_path)
    ds = d.DatasetId("binance", d.Symbol("BTC", "USDT"), d.DataType.OHLC, 60)
    s.save(ds, pl.DataFrame({"TS": [T2020 + i * MIN for i in range(1000)], "open": 1.0, "high": 2.0,
                             "low": 0.5, "close": 1.5, "volume": 3.0}))
    cap = s._core.load(("binance", "BTC", "USDT", "spot", "ohlc", 60), None, None).__arrow_c_stream__()
    get_ptr = ctypes.pythonapi.PyCapsule_GetPointer
    get_ptr.restype = ctypes.c_void_p
    get_ptr.argtypes = [ctypes.py_object, ctypes.c_char_p]
    stream = ArrowArrayStream.from_address(get_ptr(cap, b"arrow_array_stream"))
    get_next = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)(stream.get_next)
    arr = ArrowArray()
    assert get_next(ctypes.addressof(stream), ctypes.addressof(arr)) == 0 and arr.release
    exported = [arr.children[c].contents.buffers[1] for c in range(8)]
    # hand the exported array (and the schema) to pyarrow, then to polars
    get_schema = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)(stream.get_schema)
    schema_buf = ctypes.create_string_buffer(72)
    assert get_schema(ctypes.addressof(stream), ctypes.addressof(schema_buf)) == 0
    batch = pa.RecordBatch._import_from_c(ctypes.addressof(arr), ctypes.addressof(schema_buf))
    for c in (0, 1, 4):  # TS, open, close
        assert batch.column(c).buffers()[1].address == exported[c]
    df = pl.from_arrow(batch)
    # polars hands its own buffer back to pyarrow without a copy: still libdccd's
    assert df["TS"].to_arrow().buffers()[1].address == exported[0]
    assert df["close"].to_arrow().buffers()[1].address == exported[4]
    assert df["TS"][0] == T2020
    del cap


def test_no_leak_across_10000_calls(tmp_path):
    s = d.ParquetStore(tmp_path, durable=False)
    ds = d.DatasetId("binance", d.Symbol("BTC", "USDT"), d.DataType.TRADES)
    bar_ds = d.DatasetId("binance", d.Symbol("BTC", "USDT"), d.DataType.OHLC, 60)
    s.save(bar_ds, [d.OHLCBar(T2020, 1, 1, 1, 1, 1)])

    def one_round(i: int) -> None:
        s.save(ds, [d.Trade(T2020 + i, 1.0, 1.0, "buy", str(i % 50))])
        s.load(ds, T2020, T2020 + 10)
        s.last_timestamp(bar_ds)
        s.missing_intervals(bar_ds, T2020, T2020 + 100 * MIN)
        try:
            s.save(ds, [d.Trade(T2020, float("nan"), 1.0)])
        except ValueError:
            pass
        pl.DataFrame(s.scan(bar_ds))
    for i in range(300):    # warm up: allocator pools, caches, the log reaching its checkpoint cycle
        one_round(i)
    gc.collect()
    base = rss_kib()
    for i in range(300, 2000):  # 1,700 rounds of 6 calls: 10,200 calls
        one_round(i)
    gc.collect()
    grown = rss_kib() - base
    assert grown < 1024, f"RSS grew by {grown} KiB over 10,200 calls"
