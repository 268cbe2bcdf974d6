"""Files written through the package, read by the tools users open them with:
polars, pyarrow (files and datasets), pandas and DuckDB, per file and over the
whole store tree with globs; scan() consumed by pyarrow, polars and DuckDB;
provenance as pyarrow sees it.  Values must be exactly what was saved."""
from __future__ import annotations

import math

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest

import dccd_store as d

NS = d.NS
T = 1_704_067_200 * NS
MIN = 60 * NS

OHLC = d.DatasetId("binance", d.Symbol("BTC", "USDT"), d.DataType.OHLC, 60)
TRADES = d.DatasetId("binance", d.Symbol("ETH", "USDT"), d.DataType.TRADES)
TRADES2 = d.DatasetId("kraken", d.Symbol("ETH", "USDT"), d.DataType.TRADES)
BOOK = d.DatasetId("binance", d.Symbol("BTC", "USDT"), d.DataType.ORDERBOOK)


def expected() -> dict:
    bars = pl.DataFrame({"TS": [T + i * MIN for i in range(50)], "open": [0.1 * i for i in range(50)],
                         "high": [1e308, 5e-324, -0.0] + [1.0] * 47, "low": 0.5, "close": [1 / 3] * 50,
                         "volume": 2.0, "quote_volume": [None if i % 2 else 7.25 for i in range(50)],
                         "trades": [None if i % 3 else i for i in range(50)]})
    trades = pl.DataFrame({"TS": [T + i * NS for i in range(30)] + [T + DAY_NS + i for i in range(5)],
                           "price": [40_000.5 + i for i in range(35)], "amount": 0.001,
                           "side": [None if i % 5 == 0 else ("buy" if i % 2 else "sell") for i in range(35)],
                           "tid": [f"t{i}" for i in range(35)]})
    book = pl.DataFrame({"TS": [T] * 4 + [T + NS] * 2, "side": ["bid", "bid", "ask", "ask", "bid", "ask"],
                         "price": [99.0, 98.5, 100.5, 101.0, 99.5, 100.0], "amount": [1.0, 2.0, 0.5, 3.0, 1.0, 1.0],
                         "count": [1, None, 3, None, 2, 1], "is_snapshot": [True, True, True, True, False, False]})
    return {"ohlc": bars, "trades": trades, "book": book}


DAY_NS = 86_400 * NS


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("interop")
    s = d.ParquetStore(root, durable=False)
    e = expected()
    s.save(OHLC, e["ohlc"], provenance=d.Provenance("binance:rest"))
    s.save(TRADES, e["trades"])
    s.save(TRADES2, e["trades"].head(10))
    s.save(BOOK, e["book"])
    s.checkpoint()
    return s, root, e


def files(s, ds):
    return sorted(s.directory(ds).glob("*.parquet"))


def same_frame(got: pl.DataFrame, want: pl.DataFrame) -> None:
    assert got.columns == want.columns
    assert got.schema == want.schema
    for c in want.columns:
        a, b = got[c].to_list(), want[c].to_list()
        for x, y in zip(a, b):
            if isinstance(y, float) and x is not None:
                assert math.copysign(1, x) == math.copysign(1, y) and (x == y), (c, x, y)
            else:
                assert x == y, (c, x, y)
        assert len(a) == len(b)


def test_polars(store):
    s, root, e = store
    same_frame(pl.read_parquet(files(s, OHLC)), e["ohlc"])
    same_frame(pl.read_parquet(files(s, TRADES)), e["trades"])
    same_frame(pl.read_parquet(files(s, BOOK)), e["book"])
    lazy = pl.scan_parquet(str(root / "*" / "trades" / "*" / "*.parquet")).filter(pl.col("tid") == "t3").collect()
    assert lazy.height == 2 and lazy["price"].to_list() == [40_003.5, 40_003.5]
    same_frame(s.load(TRADES), pl.read_parquet(files(s, TRADES)))


def test_pyarrow_and_pandas(store):
    s, root, e = store
    t = pq.read_table(files(s, OHLC)[0])
    assert t.schema.field("TS").type == pa.int64() and t.schema.field("trades").type == pa.int64()
    same_frame(pl.from_arrow(t), e["ohlc"])
    ds = pads.dataset(str(root / "binance" / "trades"), format="parquet")
    assert ds.to_table().num_rows == e["trades"].height
    df = pd.read_parquet(files(s, TRADES)[0])
    want = e["trades"].filter(pl.col("TS") < T + DAY_NS)
    assert list(df.columns) == want.columns
    assert df["TS"].tolist() == want["TS"].to_list()
    assert df["price"].tolist() == want["price"].to_list()
    assert [None if (isinstance(x, float) and math.isnan(x)) or x is None else x for x in df["side"].tolist()] \
        == want["side"].to_list()
    b = pd.read_parquet(files(s, BOOK)[0])
    assert b["is_snapshot"].tolist() == e["book"]["is_snapshot"].to_list()
    assert pd.isna(b["count"].iloc[1]) and b["count"].iloc[0] == 1
    raw = pq.read_metadata(files(s, OHLC)[0]).metadata[b"dccd.provenance"]
    assert raw == b'{"source":"binance:rest","derived_from":null}'
    assert d.ParquetStore.read_provenance(files(s, OHLC)[0]) == d.Provenance("binance:rest")


def test_duckdb_files_and_tree(store):
    s, root, e = store
    con = duckdb.connect()
    got = con.sql(f"select * from read_parquet('{files(s, OHLC)[0]}') order by TS").pl()
    same_frame(got, e["ohlc"])
    n, tids = con.sql(f"select count(*), count(distinct tid) from read_parquet('{root}/*/trades/*/*.parquet')").fetchall()[0]
    assert n == e["trades"].height + 10 and tids == e["trades"].height
    rows = con.sql(f"select count(*) from read_parquet('{root}/**/*.parquet', union_by_name=true)").fetchall()[0][0]
    assert rows == e["ohlc"].height + e["trades"].height + 10 + e["book"].height
    assert not list(root.glob("**/*.seg.parquet"))  # pending segments never match a *.parquet glob


def test_scan_consumers(store):
    s, root, e = store
    reader = pa.RecordBatchReader.from_stream(s.scan(OHLC))
    same_frame(pl.from_arrow(reader.read_all()), e["ohlc"])
    same_frame(pl.DataFrame(s.scan(TRADES)), e["trades"])
    sc = s.scan(TRADES)
    assert duckdb.sql("select count(*), max(price) from sc").fetchall()[0] == (e["trades"].height, 40_034.5)
    rel = duckdb.from_arrow(pa.RecordBatchReader.from_stream(s.scan(BOOK)))
    assert rel.aggregate("count(*)").fetchall()[0][0] == e["book"].height
