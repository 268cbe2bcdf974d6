"""The seed's semantics through the Python package.

save/load with keep-last de-duplication on each key, the trades key switch on
null tids, order books, legacy v2 files, provenance, missing_intervals,
inventory, corrupt files, directory(), canonicalize, and the fast paths
(polars / pyarrow input, scan).
"""
from __future__ import annotations

import logging
import math
import os
import pathlib

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import dccd_store as d

T2024 = 1_704_067_200 * d.NS          # 2024-01-01T00:00:00Z
MIN = 60 * d.NS
DAY = 86_400 * d.NS


@pytest.fixture
def root(tmp_path: pathlib.Path) -> pathlib.Path:
    return tmp_path / "data"


def ohlc_ds(span: int = 60, exchange: str = "binance") -> d.DatasetId:
    return d.DatasetId(exchange, d.Symbol("BTC", "USDT"), d.DataType.OHLC, span)


def trades_ds() -> d.DatasetId:
    return d.DatasetId("binance", d.Symbol("BTC", "USDT"), d.DataType.TRADES)


def book_ds() -> d.DatasetId:
    return d.DatasetId("kraken", d.Symbol("ETH", "EUR"), d.DataType.ORDERBOOK)


def bars(t0: int, n: int, base: float = 100.0, step: int = MIN) -> list[d.OHLCBar]:
    return [d.OHLCBar(ts=t0 + i * step, open=base + i, high=base + i + 1, low=base + i - 1,
                      close=base + i + 0.5, volume=1.0 + i, quote_volume=None if i % 3 else 2.0 * i,
                      trades=None if i % 4 else i) for i in range(n)]


def test_save_load_roundtrip_and_dtypes(root):
    s = d.ParquetStore(root)
    ds = ohlc_ds()
    assert s.save(ds, bars(T2024, 10)) == 10
    df = s.load(ds)
    assert df.schema == pl.Schema({"TS": pl.Int64, "open": pl.Float64, "high": pl.Float64,
                                   "low": pl.Float64, "close": pl.Float64, "volume": pl.Float64,
                                   "quote_volume": pl.Float64, "trades": pl.Int64})
    assert df["TS"].to_list() == [T2024 + i * MIN for i in range(10)]
    assert df["open"].to_list() == [100.0 + i for i in range(10)]
    assert df["quote_volume"].to_list() == [2.0 * i if i % 3 == 0 else None for i in range(10)]
    assert df["trades"].to_list() == [i if i % 4 == 0 else None for i in range(10)]
    # inclusive range, as the seed
    part = s.load(ds, T2024 + 2 * MIN, T2024 + 4 * MIN)
    assert part["TS"].to_list() == [T2024 + 2 * MIN, T2024 + 3 * MIN, T2024 + 4 * MIN]


def test_empty_load_is_seed_empty_frame(root):
    s = d.ParquetStore(root)
    out = s.load(ohlc_ds())
    assert out.shape == (0, 0) and out.columns == []
    s.save(ohlc_ds(), bars(T2024, 3))
    out = s.load(ohlc_ds(), T2024 + 100 * MIN, None)
    assert out.shape == (0, 0)


def test_keep_last_ohlc_and_period_split(root):
    s = d.ParquetStore(root)
    ds = ohlc_ds()
    y_end = 1_735_689_600 * d.NS  # 2025-01-01
    s.save(ds, bars(y_end - 2 * MIN, 4, base=1.0))      # two bars in 2024, two in 2025
    assert s.save(ds, bars(y_end - MIN, 2, base=50.0)) == 2  # overwrite the last 2024 bar and the first 2025 bar
    df = s.load(ds)
    assert df["TS"].to_list() == [y_end - 2 * MIN, y_end - MIN, y_end, y_end + MIN]
    assert df["open"].to_list() == [1.0, 50.0, 51.0, 4.0]
    s.checkpoint()
    files = sorted(p.name for p in s.directory(ds).glob("*.parquet"))
    assert files == ["2024.parquet", "2025.parquet"]
    assert pl.read_parquet(s.directory(ds) / "2025.parquet")["open"].to_list() == [51.0, 4.0]


def test_trades_key_switch_on_null_tids(root):
    s = d.ParquetStore(root, sync_checkpoint=True)
    ds = trades_ds()
    # with tids: the key is tid (same TS/price/amount, different tids: both kept)
    s.save(ds, [d.Trade(T2024, 10.0, 1.0, "buy", "a"), d.Trade(T2024, 10.0, 1.0, "buy", "b")])
    assert s.load(ds).height == 2
    # tid "a" again at another price: replaces (keep last)
    s.save(ds, [d.Trade(T2024 + 1, 11.0, 2.0, "sell", "a")])
    df = s.load(ds)
    assert sorted(df["tid"].to_list()) == ["a", "b"]
    assert df.filter(pl.col("tid") == "a")["price"].to_list() == [11.0]
    # a null tid switches the key to (TS, price, amount, side) for the merged frame
    s.save(ds, [d.Trade(T2024, 10.0, 1.0, "buy", None)])
    df = s.load(ds)
    # rows (T2024,10,1,buy) 'b' and the null-tid one collide: keep the last
    assert df.height == 2
    assert df.filter(pl.col("TS") == T2024)["tid"].to_list() == [None]


def test_order_book_flatten_and_key(root):
    s = d.ParquetStore(root)
    ds = book_ds()
    snap = d.OrderBookSnapshot(ts=T2024, bids=[d.OrderBookLevel(100.0, 1.0, 3), (99.5, 2.0)],
                               asks=[{"price": 101.0, "amount": 0.5, "count": None}])
    assert s.save(ds, [snap]) == 3
    df = s.load(ds)
    assert df.columns == ["TS", "side", "price", "amount", "count", "is_snapshot"]
    assert df["side"].to_list() == ["bid", "bid", "ask"]
    assert df["count"].to_list() == [3, None, None]
    assert df["is_snapshot"].to_list() == [True, True, True]
    # (TS, side, price) key: the same level again replaces it
    s.save(ds, [d.OrderBookSnapshot(T2024, bids=[d.OrderBookLevel(100.0, 9.0)], asks=[], is_snapshot=False)])
    df = s.load(ds).sort("side", "price")
    assert df.filter((pl.col("side") == "bid") & (pl.col("price") == 100.0))["amount"].to_list() == [9.0]
    assert df.height == 3


def test_legacy_v2_file_read_canonically(root):
    s = d.ParquetStore(root)
    ds = ohlc_ds(3600, exchange="poloniex")
    directory = s.directory(ds)
    secs = [1_704_067_200 + 3600 * i for i in range(3)]
    legacy = pa.table({"TS": pa.array(secs, pa.int64()), "date": ["2024-01-01"] * 3, "time": ["00:00"] * 3,
                       "close": [1.0, 2.0, 3.0], "high": [1.5, 2.5, 3.5], "low": [0.5, 1.5, 2.5],
                       "open": [1.0, 2.0, 3.0], "quoteVolume": [10.0, 20.0, 30.0], "volume": [1.0, 2.0, 3.0],
                       "weightedAverage": [1.0, 2.0, 3.0]})
    pq.write_table(legacy, directory / "2024.parquet")
    df = s.load(ds)
    assert df.columns == list(d.canonicalize(pl.DataFrame(legacy), "ohlc").columns)
    assert df["TS"].to_list() == [t * d.NS for t in secs]
    assert df["quote_volume"].to_list() == [10.0, 20.0, 30.0]
    assert df["trades"].to_list() == [None, None, None]
    assert s.last_timestamp(ds) == secs[-1] * d.NS
    # a save into the legacy file merges with it canonically
    s.save(ds, [d.OHLCBar(ts=secs[-1] * d.NS + 3600 * d.NS, open=4, high=4, low=4, close=4, volume=4)])
    s.checkpoint(ds)
    out = pl.read_parquet(directory / "2024.parquet")
    assert out.columns == ["TS", "open", "high", "low", "close", "volume", "quote_volume", "trades"]
    assert out["TS"].to_list() == [t * d.NS for t in secs] + [secs[-1] * d.NS + 3600 * d.NS]


def test_provenance_kept(root):
    s = d.ParquetStore(root, sync_checkpoint=True)
    ds = ohlc_ds()
    s.save(ds, bars(T2024, 5), provenance=d.Provenance("binance:rest"))
    f = s.directory(ds) / "2024.parquet"
    p = d.ParquetStore.read_provenance(f)
    assert p == d.Provenance("binance:rest", None)
    raw = pq.read_metadata(f).metadata[b"dccd.provenance"]
    assert raw == b'{"source":"binance:rest","derived_from":null}'
    # a save without provenance keeps the file's
    s.save(ds, bars(T2024 + 10 * MIN, 2))
    assert d.ParquetStore.read_provenance(f) == d.Provenance("binance:rest", None)

    # the application's own objects are taken by duck typing
    class AppProv:
        source = "kraken:ws"
        derived_from = "kraken:BTC/USD:trades"
    s.save(ds, bars(T2024 + 20 * MIN, 1), provenance=AppProv())
    assert d.ParquetStore.read_provenance(f) == d.Provenance("kraken:ws", "kraken:BTC/USD:trades")
    plain = root / "plain.parquet"
    pl.DataFrame({"x": [1]}).write_parquet(plain)
    assert d.ParquetStore.read_provenance(plain) is None
    with pytest.raises(FileNotFoundError):
        d.ParquetStore.read_provenance(root / "missing.parquet")


def test_missing_intervals_seed_contract(root):
    s = d.ParquetStore(root)
    ds = ohlc_ds()
    s.save(ds, bars(T2024 + 10 * MIN, 5))
    lo, hi = T2024, T2024 + 60 * MIN
    # leading gap up to the first bar, trailing gap after last bar + span
    assert s.missing_intervals(ds, lo, hi) == [(lo, T2024 + 10 * MIN), (T2024 + 15 * MIN, hi)]
    tr = trades_ds()
    assert s.missing_intervals(tr, lo, hi) == [(lo, hi)]
    s.save(tr, [d.Trade(T2024 + 5, 1.0, 1.0)])
    assert s.missing_intervals(tr, lo, hi) == [(T2024 + 6, hi)]


def test_inventory_keys_and_types(root):
    s = d.ParquetStore(root)
    s.save(ohlc_ds(), bars(T2024, 10) + bars(T2024 + 20 * MIN, 5))
    s.save(trades_ds(), [d.Trade(T2024, 1.0, 1.0, "buy", "1")])
    s.checkpoint()
    s.save(trades_ds(), [d.Trade(T2024 + 1, 1.0, 1.0, "buy", "2")])  # pending
    inv = s.inventory()
    assert [(e["exchange"], e["data_type"]) for e in inv] == [("binance", "ohlc"), ("binance", "trades")]
    o, t = inv
    assert list(o)[:8] == ["exchange", "pair", "data_type", "span", "files", "rows", "min_ts", "max_ts"]
    assert o["pair"] == "BTC-USDT" and o["span"] == 60 and o["files"] == 1 and o["rows"] == 15
    assert o["min_ts"] == T2024 and o["max_ts"] == T2024 + 24 * MIN
    assert o["expected_rows"] == 25 and o["missing_rows"] == 10
    assert isinstance(o["bytes"], int) and o["bytes"] > 0
    assert "span" not in t and "expected_rows" not in t
    assert t["rows"] == 2 and t["pending_rows"] == 1 and t["max_ts"] == T2024 + 1


def test_corrupt_file_skipped_by_load_and_refused_by_save(root, caplog):
    s = d.ParquetStore(root)
    ds = trades_ds()
    day2 = T2024 + DAY
    s.save(ds, [d.Trade(T2024, 1.0, 1.0, "buy", "a")])
    s.save(ds, [d.Trade(day2, 2.0, 1.0, "sell", "b")])
    s.checkpoint()
    bad = s.directory(ds) / "2024-01-01.parquet"
    bad.write_bytes(b"PAR1 this is not parquet PAR1")
    before = bad.read_bytes()
    with caplog.at_level(logging.WARNING, logger="dccd_store"):
        df = s.load(ds)
    assert df["tid"].to_list() == ["b"]
    assert any("2024-01-01.parquet" in r.getMessage() for r in caplog.records)
    with pytest.raises(d.CorruptFileError) as ei:
        s.save(ds, [d.Trade(T2024 + 5, 3.0, 1.0, "buy", "c")])
    assert "2024-01-01.parquet" in str(ei.value)
    assert isinstance(ei.value, OSError)
    assert bad.read_bytes() == before
    assert s.load(ds)["tid"].to_list() == ["b"]


def test_directory_created_and_layout(root):
    s = d.ParquetStore(root)
    p = s.directory(d.DatasetId("binance", d.Symbol("xbt", "usdt", d.Market.PERP), d.DataType.OHLC, 3600))
    assert p == root / "binance" / "ohlc" / "BTC-USDT_PERP" / "1h" and p.is_dir()
    p = s.directory(d.DatasetId("binance", d.Symbol("ETH", "BTC"), d.DataType.TRADES))
    assert p == root / "binance" / "trades" / "ETH-BTC" and p.is_dir()
    p = s.directory(ohlc_ds(2_592_000))
    assert p.name == "2592000s"
    with pytest.raises(ValueError, match="span is None"):
        s.directory(d.DatasetId("binance", d.Symbol("BTC", "USDT"), d.DataType.OHLC, None))


def test_canonicalize_legacy_and_idempotent():
    legacy = pl.DataFrame({"TS": [1], "close": [1.0], "quoteVolume": [2.0], "weightedAverage": [3.0]})
    out = d.canonicalize(legacy, d.DataType.OHLC)
    assert out.columns == ["TS", "open", "high", "low", "close", "volume", "quote_volume", "trades"]
    assert out["quote_volume"].to_list() == [2.0] and out["open"].to_list() == [None]
    assert d.canonicalize(out, "ohlc").equals(out)
    empty = pl.DataFrame()
    assert d.canonicalize(empty, "trades") is empty


def test_sync_checkpoint_visible_to_polars_at_once(root):
    s = d.ParquetStore(root, sync_checkpoint=True)
    s.save(ohlc_ds(), bars(T2024, 3))
    files = list(root.glob("binance/ohlc/BTC-USDT/1m/*.parquet"))
    assert len(files) == 1 and pl.read_parquet(files[0]).height == 3
    lazy = d.ParquetStore(root / "lazy")
    lazy.save(ohlc_ds(), bars(T2024, 3))
    assert list((root / "lazy").glob("binance/**/*.parquet")) == []  # pending until a checkpoint
    assert lazy.load(ohlc_ds()).height == 3
    lazy.checkpoint()
    assert pl.read_parquet(root / "lazy/binance/ohlc/BTC-USDT/1m/2024.parquet").height == 3


def test_save_from_polars_and_pyarrow(root):
    s = d.ParquetStore(root)
    ds = trades_ds()
    df = pl.DataFrame({"TS": [T2024, T2024 + 1], "price": [1.0, 2.0], "amount": [3.0, 4.0],
                       "side": ["buy", None], "tid": ["x", "y"]})
    assert s.save(ds, df) == 2
    tbl = pa.table({"TS": pa.array([T2024 + 2], pa.int64()), "price": [5.0], "amount": [6.0],
                    "side": pa.array(["sell"]), "tid": pa.array(["z"])})
    assert s.save(ds, tbl) == 1
    assert s.save(ds, tbl.to_batches()[0]) == 1          # a RecordBatch (__arrow_c_array__)
    # a frame without the nullable tid column
    assert s.save(ds, pl.DataFrame({"TS": [T2024 + 3], "price": [7.0], "amount": [8.0]})) == 1
    out = s.load(ds)
    assert out["tid"].to_list() == ["x", "y", "z", None]
    assert out["side"].to_list() == ["buy", None, "sell", None]
    # a polars Categorical column and a timestamp[ns] TS are taken too
    cat = pl.DataFrame({"TS": pl.Series([T2024 + 4]).cast(pl.Datetime("ns")), "price": [1.0], "amount": [1.0],
                        "side": pl.Series(["buy"]).cast(pl.Categorical), "tid": ["w"]})
    assert s.save(ds, cat) == 1
    assert s.load(ds, T2024 + 4, T2024 + 4)["side"].to_list() == ["buy"]
    with pytest.raises(ValueError, match="unexpected column 'qty'"):
        s.save(ds, df.rename({"amount": "qty"}))
    with pytest.raises(ValueError, match="column 'price'"):
        s.save(ds, df.with_columns(pl.col("price").cast(pl.String)))


def test_scan_streams_in_order(root):
    s = d.ParquetStore(root, row_group_rows=1000)
    ds = ohlc_ds()
    n = 5000
    s.save(ds, pl.DataFrame({"TS": [T2024 + i * MIN for i in range(n)], "open": [float(i) for i in range(n)],
                             "high": 1.0, "low": 1.0, "close": 1.0, "volume": 1.0}))
    s.checkpoint()
    reader = pa.RecordBatchReader.from_stream(s.scan(ds))
    batches = list(reader)
    assert len(batches) >= 5
    ts = [t for b in batches for t in b.column("TS").to_pylist()]
    assert ts == [T2024 + i * MIN for i in range(n)]
    got = pl.DataFrame(s.scan(ds, T2024 + 10 * MIN, T2024 + 19 * MIN))
    assert got["open"].to_list() == [float(i) for i in range(10, 20)]
    sc = s.scan(ds)            # each consumer gets a fresh scan of the range
    assert pl.DataFrame(sc).height == n and pl.DataFrame(sc).height == n
    import duckdb
    assert duckdb.sql("select count(*), min(TS), max(TS) from sc").fetchall() == [(n, T2024, T2024 + (n - 1) * MIN)]
    cap = sc.__arrow_c_stream__()  # released unread: the reader thread stops
    del cap
    empty = s.scan(ds, 0, 1).to_polars()
    assert empty.height == 0 and empty.columns[0] == "TS"
    # one stream object from the core is read once
    core_stream = s._core.scan(("binance", "BTC", "USDT", "spot", "ohlc", 60), None, None)
    pl.DataFrame(core_stream)
    with pytest.raises(RuntimeError, match="already consumed"):
        pl.DataFrame(core_stream)


def test_records_duck_typing(root):
    import collections
    import dataclasses
    s = d.ParquetStore(root)
    ds = trades_ds()
    NT = collections.namedtuple("NT", "ts price amount side tid")

    @dataclasses.dataclass
    class DC:
        ts: int
        price: float
        amount: float
        side: object = None
        tid: object = None

    import enum

    class Side(enum.Enum):
        BUY = "buy"
        SELL = "sell"

    recs = [NT(T2024, 1.0, 1.0, "buy", "1"), DC(T2024 + 1, 2, 1, Side.SELL, 2),
            {"ts": T2024 + 2, "price": 3.0, "amount": 1.0}]
    assert s.save(ds, recs) == 3
    out = s.load(ds)
    assert out["side"].to_list() == ["buy", "sell", None]
    assert out["tid"].to_list() == ["1", "2", None]
    assert out["price"].to_list() == [1.0, 2.0, 3.0]

    class AppDataset:  # an application DatasetId: enums with .value, span
        class symbol:
            base, quote = "btc", "usdt"

            class market:
                value = "spot"
        exchange = "binance"

        class data_type:
            value = "trades"
        span = None
    assert s.load(AppDataset()).height == 3


def test_ts_zero_is_valid(root):
    s = d.ParquetStore(root)
    ds = ohlc_ds()
    assert s.save(ds, [d.OHLCBar(ts=0, open=1, high=1, low=1, close=1, volume=1)]) == 1
    assert s.load(ds)["TS"].to_list() == [0]
    assert s.last_timestamp(ds) == 0
