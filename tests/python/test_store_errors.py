"""Errors through the Python package: the exception types, and that nothing
stored changes when a save is refused."""
from __future__ import annotations

import errno
import logging
import math
import pathlib

import polars as pl
import pytest

import dccd_store as d

T2024 = 1_704_067_200 * d.NS
MIN = 60 * d.NS


def ds_ohlc(exchange: str = "binance") -> d.DatasetId:
    return d.DatasetId(exchange, d.Symbol("BTC", "USDT"), d.DataType.OHLC, 60)


def bar(i: int, **kw) -> d.OHLCBar:
    f = dict(ts=T2024 + i * MIN, open=1.0, high=2.0, low=0.5, close=1.5, volume=3.0)
    f.update(kw)
    return d.OHLCBar(**f)


@pytest.mark.parametrize("field,value,why", [
    ("close", math.nan, "NaN"),
    ("high", math.inf, "infinite"),
    ("volume", -1.0, "negative"),
    ("ts", -5, "TS"),
])
def test_bad_value_names_row_and_field(tmp_path, field, value, why):
    s = d.ParquetStore(tmp_path)
    s.save(ds_ohlc(), [bar(0)])
    with pytest.raises(ValueError) as ei:
        s.save(ds_ohlc(), [bar(1), bar(2), bar(3, **{field: value})])
    msg = str(ei.value)
    assert "row 2" in msg and why in msg
    assert f"'{'TS' if field == 'ts' else field}'" in msg
    assert s.load(ds_ohlc())["TS"].to_list() == [T2024]  # nothing of the refused batch


@pytest.mark.parametrize("rec,field", [
    (dict(ts="2024-01-01", open=1.0, high=1.0, low=1.0, close=1.0, volume=1.0), "ts"),
    (dict(ts=T2024, open="1.0", high=1.0, low=1.0, close=1.0, volume=1.0), "open"),
    (dict(ts=T2024, open=1.0, high=1.0, low=1.0, close=1.0), "volume"),
    (dict(ts=T2024, open=1.0, high=1.0, low=1.0, close=None, volume=1.0), "close"),
    (dict(ts=1.5e18, open=1.0, high=1.0, low=1.0, close=1.0, volume=1.0), "ts"),
])
def test_wrong_types_name_record_and_field(tmp_path, rec, field):
    s = d.ParquetStore(tmp_path)
    with pytest.raises(ValueError) as ei:
        s.save(ds_ohlc(), [bar(0), rec])
    msg = str(ei.value)
    assert "bar 1" in msg and f"'{field}'" in msg
    assert s.load(ds_ohlc()).height == 0


def test_drop_mode_keeps_good_rows_with_one_warning(tmp_path, caplog):
    s = d.ParquetStore(tmp_path, bad_rows="drop")
    page = [bar(i) for i in range(10)]
    page[4] = bar(4, close=math.nan)
    page[7] = dict(ts=T2024 + 7 * MIN, open="x", high=1.0, low=1.0, close=1.0, volume=1.0)
    with caplog.at_level(logging.WARNING, logger="dccd_store"):
        assert s.save(ds_ohlc(), page) == 8
    warns = [r.getMessage() for r in caplog.records if r.name == "dccd_store"]
    assert len(warns) == 1 and "dropped 2 bad row(s)" in warns[0]
    assert s.load(ds_ohlc())["TS"].to_list() == [T2024 + i * MIN for i in range(10) if i not in (4, 7)]
    # the same through a DataFrame
    df = pl.DataFrame({"TS": [T2024 + 100 * MIN, T2024 + 101 * MIN], "open": [1.0, math.nan], "high": 1.0,
                       "low": 1.0, "close": 1.0, "volume": 1.0})
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="dccd_store"):
        assert s.save(ds_ohlc(), df) == 1
    assert "row 1, field 'open': NaN" in caplog.records[0].getMessage()
    with pytest.raises(ValueError):
        d.ParquetStore(tmp_path, bad_rows="ignore")


def test_hostile_names_refused(tmp_path):
    s = d.ParquetStore(tmp_path / "root")
    for ex in ("../../etc", "a/b", ".hidden", "", "x" * 300):
        with pytest.raises(ValueError, match="exchange"):
            s.save(d.DatasetId(ex, d.Symbol("BTC", "USDT"), d.DataType.TRADES), [d.Trade(T2024, 1.0, 1.0)])
    with pytest.raises(ValueError):
        s.directory(d.DatasetId("binance", d.Symbol("BT/C", "USDT"), d.DataType.TRADES))
    assert not (tmp_path / "etc").exists()
    assert sorted(p.name for p in (tmp_path / "root").iterdir()) in ([], [".dccd"])


def test_ohlc_without_span_is_value_error(tmp_path):
    s = d.ParquetStore(tmp_path)
    nospan = d.DatasetId("binance", d.Symbol("BTC", "USDT"), d.DataType.OHLC)
    for call in (lambda: s.save(nospan, [bar(0)]), lambda: s.load(nospan), lambda: s.last_timestamp(nospan),
                 lambda: s.directory(nospan)):
        with pytest.raises(ValueError, match="span is None"):
            call()


def test_io_error_has_errno_and_path(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(OSError) as ei:
        d.ParquetStore(blocker / "root")
    assert ei.value.errno in (errno.ENOTDIR, errno.ENOENT)
    assert str(blocker) in str(ei.value)
    # a store whose exchange directory is a file: refused as a path that is
    # not a directory (libdccd's EINVAL, never followed), naming it
    s = d.ParquetStore(tmp_path / "r2")
    (tmp_path / "r2" / "binance").write_text("x")
    with pytest.raises(ValueError) as ei:
        s.save(ds_ohlc(), [bar(0)])
    assert '"binance"' in str(ei.value) and "not a directory" in str(ei.value)
    assert (tmp_path / "r2" / "binance").read_text() == "x"


def test_unreadable_period_file_refused_unchanged(tmp_path):
    s = d.ParquetStore(tmp_path, sync_checkpoint=True)
    s.save(ds_ohlc(), [bar(0)])
    f = s.directory(ds_ohlc()) / "2024.parquet"
    f.write_bytes(b"garbage")
    with pytest.raises(d.CorruptFileError, match="2024.parquet"):
        s.save(ds_ohlc(), [bar(1)])
    assert f.read_bytes() == b"garbage"
    assert not list((tmp_path / ".dccd" / "wal").rglob("*.seg")) if (tmp_path / ".dccd" / "wal").exists() else True


def test_closed_store(tmp_path):
    s = d.ParquetStore(tmp_path)
    s.close()
    with pytest.raises(RuntimeError, match="closed"):
        s.load(ds_ohlc())


def test_save_of_unsupported_object(tmp_path):
    s = d.ParquetStore(tmp_path)
    with pytest.raises((TypeError, ValueError)):
        s.save(ds_ohlc(), [object()])
    assert s.save(ds_ohlc(), []) == 0
